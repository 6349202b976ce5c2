/* SPDX-License-Identifier: Apache-2.0 */
/* `sealctl init`: creates a data directory. */
#include <string.h>

#include "cli/cli.h"
#include "sealed/store.h"

static const char help[] =
    "usage: sealctl [--data DIR] init\n\n"
    "Creates the data directory DIR (default $SEALED_DATA, else ./var) with mode 0700:\n"
    "  master.key   a fresh random master key (mode 0600; keep a copy offline)\n"
    "  sealed.conf  configuration: backend and key file path, never keys\n"
    "  store.db     the record store (ciphertext and keyed hashes only)\n"
    "  keys.db      the key store: per-subject data keys wrapped by the master key\n\n"
    "Refuses a directory that already holds a store.\n";

int seal__cmd_init(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    if (argc != 1) {
        return seal__cli_usage(cli, "init", "unexpected argument '%s'", argv[1]);
    }
    seal_error err;
    seal_error_init(&err);
    if (seal_store_create(cli->data_dir, &err) != SEAL_OK) {
        return seal__cli_fail(cli, "init", &err);
    }
    printf("initialised %s\n", cli->data_dir);
    return 0;
}
