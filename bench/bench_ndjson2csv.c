/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Turns NDJSON records of one kind into CSV with the catalogue's field order,
 * so the sqlite3 peer and sealed import exactly the same rows.
 * usage: bench_ndjson2csv KIND < in.ndjson > out.csv
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sealed/schema.h"

static void cell(const char *v)
{
    if (strpbrk(v, ",\"\n") == NULL) {
        fputs(v, stdout);
        return;
    }
    putchar('"');
    for (; *v; v++) {
        if (*v == '"') {
            putchar('"');
        }
        putchar(*v);
    }
    putchar('"');
}

int main(int argc, char **argv)
{
    seal_catalogue *cat;
    seal_error err;
    if (argc != 2 || seal_catalogue_load_default(&cat, &err) != SEAL_OK) {
        fprintf(stderr, "usage: bench_ndjson2csv KIND < in.ndjson > out.csv\n");
        return 2;
    }
    const seal_kind *k = seal_catalogue_kind(cat, argv[1]);
    if (k == NULL) {
        fprintf(stderr, "unknown kind\n");
        return 2;
    }
    static char buf[1 << 20];
    setvbuf(stdout, buf, _IOFBF, sizeof(buf));
    for (size_t i = 0; i < k->nfields; i++) {
        printf("%s%s", i ? "," : "", k->fields[i].name);
    }
    putchar('\n');
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, stdin) > 0) {
        json_t *o = json_loads(line, 0, NULL);
        for (size_t i = 0; i < k->nfields; i++) {
            json_t *v = json_object_get(o, k->fields[i].name);
            if (i) {
                putchar(',');
            }
            if (json_is_string(v)) {
                cell(json_string_value(v));
            } else if (json_is_integer(v)) {
                printf("%lld", (long long) json_integer_value(v));
            }
        }
        putchar('\n');
        json_decref(o);
    }
    free(line);
    seal_catalogue_free(cat);
    return 0;
}
