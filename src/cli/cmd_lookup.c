/* SPDX-License-Identifier: Apache-2.0 */
/* `sealctl lookup`: one subject's records by one exact identifier. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/ident_opt.h"
#include "sealed/store.h"

static const char help[] =
    "usage: sealctl [--data DIR] lookup --account ID | --email ADDR | --phone NUMBER |\n"
    "                                   --address 'ONE LINE ADDRESS' | --tracking NUMBER\n\n"
    "Prints, one JSON object a line, every readable record found by exactly one\n"
    "identifier: the records that carry it and, for an account or an address, the\n"
    "records that subject owns. The identifier is standardised first (case,\n"
    "spacing, punctuation; USPS abbreviations for addresses) and matched as a whole\n"
    "through its keyed hash: there is no partial, pattern or range match. Nothing\n"
    "found prints nothing and exits 0. Records of a shredded subject are not shown.\n\n"
    "This is an operator's tool on the embedded store; disclosures to agencies go\n"
    "through requests and productions, which are logged.\n";

static seal_status print_record(const seal_record *rec, int64_t id, void *ud)
{
    (void) ud;
    json_t *o = json_object();
    if (o == NULL) {
        return SEAL_NOMEM;
    }
    json_object_set_new(o, "record", json_integer(id));
    json_object_set_new(o, "kind", json_string(rec->kind->name));
    for (size_t i = 0; i < rec->kind->nfields; i++) {
        if (rec->v[i] != NULL) {
            json_object_set_new(o, rec->kind->fields[i].name, json_stringn(rec->v[i], rec->n[i]));
        }
    }
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (s == NULL) {
        return SEAL_NOMEM;
    }
    puts(s);
    free(s);
    return SEAL_OK;
}

int seal__cmd_lookup(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    seal_index_type type;
    const char *value;
    int rc = seal__cli_ident("lookup", argc, argv, &type, &value);
    if (rc != 0) {
        return rc;
    }
    seal_error err;
    seal_error_init(&err);
    seal_store *st = NULL;
    if (seal_store_open(cli->data_dir, &st, &err) != SEAL_OK ||
        seal_store_lookup(st, type, value, strlen(value), print_record, NULL, &err) != SEAL_OK) {
        seal_store_close(st);
        return seal__cli_fail(cli, "lookup", &err);
    }
    seal_store_close(st);
    return 0;
}
