/* SPDX-License-Identifier: Apache-2.0 */
/* `sealctl config`: shows the configuration table (docs/config.md comes from it). */
#include <string.h>

#include "cli/cli.h"
#include "sealed/config.h"

static const char help[] = "usage: sealctl [--data DIR] config [--doc]\n\n"
                           "Prints the settings in effect for DIR/sealed.conf, one\n"
                           "'name = value' a line. --doc prints the settings table as\n"
                           "Markdown (docs/config.md is made from it).\n";

int seal__cmd_config(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "--doc") == 0) {
        seal_config_describe(stdout);
        return 0;
    }
    if (argc != 1) {
        return seal__cli_usage(cli, "config", "unexpected argument '%s'", argv[1]);
    }
    seal_config cfg;
    seal_error err;
    seal_error_init(&err);
    seal_config_init(&cfg);
    if (seal_config_load(&cfg, cli->data_dir, &err) != SEAL_OK) {
        return seal__cli_fail(cli, "config", &err);
    }
    printf("backend = %s\nmaster_key_file = %s\n", cfg.backend, cfg.master_key_file);
    return 0;
}
