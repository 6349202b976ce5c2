/* SPDX-License-Identifier: Apache-2.0 */
/* `sealctl init`: creates a data directory, and chooses its clock for good. */
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "sealed/store.h"

static const char help[] =
    "usage: sealctl [--data DIR] [--now TIME] init [--test-clock]\n\n"
    "Creates the data directory DIR (default $SEALED_DATA, else ./var) with mode 0700:\n"
    "  master.key   a fresh random master key (mode 0600; keep a copy offline)\n"
    "  sealed.conf  configuration: backend and key file path, never keys\n"
    "  store.db     the record store (ciphertext and keyed hashes only)\n"
    "  keys.db      the key store: per-subject data keys wrapped by the master key\n"
    "  ledger/      the ledger; its first entry says when DIR was made, and with\n"
    "               which clock\n\n"
    "  --test-clock  a directory for tests and demos: commands that write to it\n"
    "                take --now / $SEALED_NOW (and sealed takes $SEALED_NOW), and\n"
    "                the ledger refuses an event earlier than the last one. The\n"
    "                flag is shown by `stats`, GET /v1/me and the console, and can\n"
    "                be neither added nor removed later. --now (the directory's\n"
    "                first time) goes with init only together with --test-clock.\n\n"
    "Without --test-clock, commands that append to the ledger refuse --now and\n"
    "$SEALED_NOW, and events are stamped with the clock (never earlier than the\n"
    "last event). Refuses a directory that already holds a store.\n";

int seal__cmd_init(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    bool test_clock = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--test-clock") == 0) {
            test_clock = true;
        } else {
            return seal__cli_usage(cli, "init", "unexpected argument '%s'", argv[i]);
        }
    }
    if (cli->now != 0 && !test_clock) {
        return seal__cli_usage(cli, "init",
                               "%s goes with init only together with --test-clock (a "
                               "directory with a real clock starts at the clock's time)",
                               cli->now_from);
    }
    seal_error err;
    seal_error_init(&err);
    if (seal_store_create_clock(cli->data_dir, test_clock, seal__cli_now(cli), &err) != SEAL_OK) {
        return seal__cli_fail(cli, "init", &err);
    }
    printf("initialised %s%s\n", cli->data_dir, test_clock ? " (test clock)" : "");
    return 0;
}
