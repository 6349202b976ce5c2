/* SPDX-License-Identifier: Apache-2.0 */
/* `sealctl shred`: crypto-shreds one subject. */
#include <string.h>

#include "cli/cli.h"
#include "cli/ident_opt.h"
#include "sealed/store.h"

static const char help[] =
    "usage: sealctl [--data DIR] shred --account ID | --address 'ONE LINE ADDRESS'\n\n"
    "Crypto-shreds one subject: deletes its data key from the key store, and its\n"
    "blind-index rows and records from the record store, in one transaction.\n"
    "Backups taken before hold its records only as ciphertext that no one can read\n"
    "once the key is gone. This cannot be undone. Prints how many records the\n"
    "subject had.\n";

int seal__cmd_shred(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    seal_index_type type;
    const char *value;
    int rc = seal__cli_ident("shred", argc, argv, &type, &value);
    if (rc != 0) {
        return rc;
    }
    if (type != SEAL_IDX_ACCOUNT && type != SEAL_IDX_ADDRESS) {
        return seal__cli_usage(cli, "shred", "a subject is an --account or an --address");
    }
    seal_error err;
    seal_error_init(&err);
    seal_store *st = NULL;
    int64_t n = 0;
    if (seal_store_open(cli->data_dir, &st, &err) == SEAL_OK) {
        seal_store_set_now(st, cli->now); /* only on a test clock: see main.c */
    }
    if (st == NULL || seal_store_shred(st, type, value, strlen(value), &n, &err) != SEAL_OK) {
        seal_store_close(st);
        return seal__cli_fail(cli, "shred", &err);
    }
    seal_store_close(st);
    printf("shredded: data key, index rows and %lld record%s deleted\n", (long long) n,
           n == 1 ? "" : "s");
    return 0;
}
