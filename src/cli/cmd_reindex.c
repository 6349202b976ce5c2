/* SPDX-License-Identifier: Apache-2.0 */
/* `sealctl reindex`: rebuilds index rows made by an older standardiser. */
#include "cli/cli.h"
#include "sealed/store.h"

static const char help[] =
    "usage: sealctl [--data DIR] reindex\n\n"
    "Every blind-index row records the version of the standardiser that made it.\n"
    "reindex rebuilds, in one transaction, every record whose rows come from an\n"
    "older version: it re-derives the record's subject and index rows with the\n"
    "current standardiser (re-encrypting the record if its subject changed).\n"
    "Prints the number of records rebuilt and the current version.\n";

int seal__cmd_reindex(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    if (argc != 1) {
        return seal__cli_usage(cli, "reindex", "unexpected argument '%s'", argv[1]);
    }
    seal_error err;
    seal_error_init(&err);
    seal_store *st = NULL;
    int64_t n = 0;
    if (seal_store_open(cli->data_dir, &st, &err) != SEAL_OK ||
        seal_store_reindex(st, &n, &err) != SEAL_OK) {
        seal_store_close(st);
        return seal__cli_fail(cli, "reindex", &err);
    }
    seal_store_close(st);
    printf("reindexed %lld record%s to standardiser version %d\n", (long long) n, n == 1 ? "" : "s",
           seal_store_std_version());
    return 0;
}
