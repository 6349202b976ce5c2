/* SPDX-License-Identifier: Apache-2.0 */
/* `sealctl keys`: master-key check and rotation. */
#include <string.h>

#include "cli/cli.h"
#include "sealed/store.h"

static const char help[] =
    "usage: sealctl [--data DIR] keys check | rotate\n\n"
    "  check    opens the store with the configured master key file and says\n"
    "           whether the key fits (exit 1 if not)\n"
    "  rotate   makes a new master key and re-wraps every subject's data key\n"
    "           under it in one transaction; records are not touched. The new key\n"
    "           replaces DIR/master.key; an interrupted rotation is completed or\n"
    "           rolled back the next time the store is opened.\n";

int seal__cmd_keys(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    if (argc != 2) {
        return seal__cli_usage(cli, "keys", "needs check or rotate");
    }
    seal_error err;
    seal_error_init(&err);
    if (strcmp(argv[1], "check") == 0) {
        seal_store *st = NULL;
        if (seal_store_open(cli->data_dir, &st, &err) != SEAL_OK) {
            return seal__cli_fail(cli, "keys check", &err);
        }
        seal_store_close(st);
        printf("master key opens the key store\n");
        return 0;
    }
    if (strcmp(argv[1], "rotate") == 0) {
        int64_t n = 0;
        if (seal_store_rotate_master(cli->data_dir, &n, &err) != SEAL_OK) {
            return seal__cli_fail(cli, "keys rotate", &err);
        }
        printf("rotated the master key; re-wrapped %lld data key%s\n", (long long) n,
               n == 1 ? "" : "s");
        return 0;
    }
    return seal__cli_usage(cli, "keys", "unknown subcommand '%s'", argv[1]);
}
