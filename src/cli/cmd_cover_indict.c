/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `sealctl cover indict COVER-ID --date D` (reached through `sealctl cover`):
 * records an indictment or information against a cover's subject; the cover
 * ends and cannot be renewed on the same ground, unless it is a fugitive or
 * forfeiture cover (MC-6). A ledger event records it.
 */
#include <string.h>

#include "cli/cli.h"
#include "sealed/registry.h"
#include "sealed/time.h"

static const char help[] =
    "usage: sealctl --as ID cover indict COVER-ID --date YYYY-MM-DD\n\n"
    "Records an indictment or information against the subject of a cover on\n"
    "that date (MC-6): the cover ends at once and cannot be extended on the same\n"
    "ground, except fugitive and forfeiture covers, which continue. Acts as a\n"
    "requester of the cover's agency or an approver.\n";

int seal__cmd_cover_indict(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    const char *cover = NULL, *date = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--date") == 0 && i + 1 < argc) {
            date = argv[++i];
        } else if (argv[i][0] == '-' || cover != NULL) {
            return seal__cli_usage(cli, "cover indict", "unexpected argument '%s'", argv[i]);
        } else {
            cover = argv[i];
        }
    }
    int64_t d;
    if (cover == NULL || date == NULL) {
        return seal__cli_usage(cli, "cover indict", "needs COVER-ID and --date");
    }
    if (seal_date_parse(date, &d) != SEAL_OK) {
        return seal__cli_usage(cli, "cover indict", "--date is YYYY-MM-DD");
    }
    seal_error err;
    seal_error_init(&err);
    seal_registry *reg = NULL;
    if (seal_registry_open(cli->data_dir, cli->principal, seal__cli_now(cli), &reg, &err) !=
            SEAL_OK ||
        seal_cover_indict(reg, cover, d, &err) != SEAL_OK) {
        seal_registry_close(reg);
        return seal__cli_fail(cli, "cover indict", &err);
    }
    seal_registry_close(reg);
    if (!cli->quiet) {
        printf("indictment recorded for %s\n", cover);
    }
    return 0;
}
