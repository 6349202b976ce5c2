/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Exact-lookup latency: opens a data directory, reads account ids from an
 * account NDJSON file, looks up a random sample of them by account id and
 * prints p50/p99 latency (microseconds) as JSON. Also times email lookups.
 * usage: bench_lookup DATA_DIR account.ndjson [SAMPLES]
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sealed/store.h"

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec * 1e6 + (double) t.tv_nsec / 1e3;
}

static seal_status count_cb(const seal_record *rec, int64_t id, void *ud)
{
    (void) rec;
    (void) id;
    (*(long *) ud)++;
    return SEAL_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

typedef struct sample {
    char **v;
    size_t n;
} sample;

/* Reservoir sample of `want` values of field `name` from the file. */
static sample reservoir(const char *path, const char *name, size_t want, unsigned seed)
{
    sample s = {calloc(want, sizeof(char *)), 0};
    FILE *f = fopen(path, "r");
    if (f == NULL || s.v == NULL) {
        perror(path);
        exit(1);
    }
    char *line = NULL;
    size_t cap = 0, seen = 0;
    srand(seed);
    while (getline(&line, &cap, f) > 0) {
        json_t *o = json_loads(line, 0, NULL);
        const char *v = json_string_value(json_object_get(o, name));
        if (v != NULL) {
            size_t slot = seen < want ? seen : (size_t) rand() % (seen + 1);
            if (slot < want) {
                free(s.v[slot]);
                s.v[slot] = strdup(v);
            }
            seen++;
        }
        json_decref(o);
    }
    s.n = seen < want ? seen : want;
    free(line);
    fclose(f);
    return s;
}

static void run(seal_store *st, seal_index_type type, const sample *s, const char *label, int first)
{
    double *lat = calloc(s->n, sizeof(double));
    long records = 0;
    seal_error err;
    for (size_t i = 0; i < s->n; i++) {
        double t0 = now_us();
        if (seal_store_lookup(st, type, s->v[i], strlen(s->v[i]), count_cb, &records, &err) !=
            SEAL_OK) {
            fprintf(stderr, "lookup: %s\n", err.msg);
            exit(1);
        }
        lat[i] = now_us() - t0;
    }
    qsort(lat, s->n, sizeof(double), cmp_double);
    printf("%s\"%s\": {\"lookups\": %zu, \"records_per_lookup\": %.2f, \"p50_us\": %.1f, "
           "\"p99_us\": %.1f}",
           first ? "" : ", ", label, s->n, s->n ? (double) records / (double) s->n : 0.0,
           s->n ? lat[s->n / 2] : 0.0, s->n ? lat[s->n * 99 / 100] : 0.0);
    free(lat);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_lookup DATA_DIR account.ndjson [SAMPLES]\n");
        return 2;
    }
    size_t want = argc > 3 ? (size_t) strtoul(argv[3], NULL, 10) : 20000;
    sample acc = reservoir(argv[2], "account_id", want, 1);
    sample mail = reservoir(argv[2], "email", want, 2);
    seal_store *st;
    seal_error err;
    if (seal_store_open(argv[1], &st, &err) != SEAL_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    /* warm the page cache the way a running server would be */
    long warm = 0;
    for (size_t i = 0; i < acc.n && i < 1000; i++) {
        seal_status s = seal_store_lookup(st, SEAL_IDX_ACCOUNT, acc.v[i], strlen(acc.v[i]),
                                          count_cb, &warm, &err);
        (void) s;
    }
    printf("{");
    run(st, SEAL_IDX_ACCOUNT, &acc, "by_account", 1);
    run(st, SEAL_IDX_EMAIL, &mail, "by_email", 0);
    printf("}\n");
    seal_store_close(st);
    return 0;
}
