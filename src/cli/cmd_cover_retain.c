/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `sealctl cover improper COVER-ID --reason TEXT` (MC-10) and `sealctl
 * cover returned PRODUCTION-ID` (MC-11), reached through `sealctl cover`
 * (include/sealed/retain.h). Output holds ids and counts only.
 */
#include <string.h>

#include "cli/cli.h"
#include "sealed/retain.h"

static const char help_improper[] =
    "usage: sealctl --as ID cover improper COVER-ID --reason TEXT\n\n"
    "MC-10: records that a cover was improperly ordered and destroys all it\n"
    "recorded. Acts as a privacy_officer or hq_approver valid today.\n"
    "  - the cover and its requests end (closed);\n"
    "  - the reason (staff text, 1..2000 bytes of UTF-8) is kept sealed in the\n"
    "    registry; the ledger event cover.improper holds its keyed hash;\n"
    "  - each of the cover's requests carries a notice to the requesting agency\n"
    "    (`sealctl request show` and `request list`: \"notices\"), with the\n"
    "    reason and the number of records destroyed;\n"
    "  - every cover_piece record of the cover is deleted with its index rows,\n"
    "    and the subject's data key too when nothing else of it remains;\n"
    "  - the ledger event cover.records_destroyed holds the cover id, the count\n"
    "    and a keyed commitment to the destroyed records.\n"
    "Productions of the cover's records not yet returned are listed: the agency\n"
    "must return them (`sealctl cover returned`). Run again on the same cover,\n"
    "it finishes an interrupted destruction (--reason is then not needed).\n\n"
    "Output:\n"
    "  cover C improper: N records destroyed, K keys shredded (ledger index I)\n"
    "  to be returned: production P          (one line each)\n";

static const char help_returned[] =
    "usage: sealctl --as ID cover returned PRODUCTION-ID\n\n"
    "MC-11: records that the agency returned production PRODUCTION-ID of a\n"
    "cover's records (a privacy_officer valid today). The retention sweep\n"
    "stops alerting about it. Ledger event: cover.records_returned.\n";

int seal__cmd_cover_improper(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help_improper, stdout);
        return 0;
    }
    const char *cover = NULL, *reason = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc) {
            reason = argv[++i];
        } else if (argv[i][0] == '-' || cover != NULL) {
            return seal__cli_usage(cli, "cover improper", "unexpected argument '%s'", argv[i]);
        } else {
            cover = argv[i];
        }
    }
    if (cover == NULL) {
        return seal__cli_usage(cli, "cover improper", "needs COVER-ID and --reason TEXT");
    }
    seal_error err;
    seal_error_init(&err);
    seal_improper_result r;
    if (seal_cover_improper(cli->data_dir, cli->principal, cover, reason != NULL ? reason : "",
                            seal__cli_now(cli), &r, &err) != SEAL_OK) {
        seal_improper_result_cleanup(&r);
        return seal__cli_fail(cli, "cover improper", &err);
    }
    printf("cover %s improper%s: %lld record%s destroyed, %lld key%s shredded (ledger index "
           "%llu)\n",
           cover, r.already ? " (found before)" : "", (long long) r.destroyed,
           r.destroyed == 1 ? "" : "s", (long long) r.keys_shredded,
           r.keys_shredded == 1 ? "" : "s", (unsigned long long) r.ledger_index);
    for (size_t i = 0; i < r.n_to_return; i++) {
        printf("to be returned: production %s\n", r.to_return[i]);
    }
    seal_improper_result_cleanup(&r);
    return 0;
}

int seal__cmd_cover_returned(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help_returned, stdout);
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-') {
        return seal__cli_usage(cli, "cover returned", "needs exactly PRODUCTION-ID");
    }
    seal_error err;
    seal_error_init(&err);
    if (seal_cover_returned(cli->data_dir, cli->principal, argv[1], seal__cli_now(cli), &err) !=
        SEAL_OK) {
        return seal__cli_fail(cli, "cover returned", &err);
    }
    printf("return recorded: production %s\n", argv[1]);
    return 0;
}
