/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `sealctl amend ...`: requests to amend a record (PA-13; 5 U.S.C.
 * 552a(d)(2)-(4)), a thin layer over sealed/amend.h. Texts come from the
 * command line and go only to the library (sealed at rest); nothing here
 * prints them except `amend show` to a principal allowed to read them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sealed/amend.h"
#include "sealed/buf.h"

static const char help[] =
    "usage: sealctl [--data DIR] --as ID [--now TIME] amend COMMAND ...\n\n"
    "  file --subject TYPE:VALUE --record RECORD-ID --field FIELD --requested TEXT\n"
    "        file a request to amend one field of one record (its id as `sealctl\n"
    "        access` shows it). The principal is a subject bound to TYPE:VALUE\n"
    "        (principal add --role subject --identifier ...) or a privacy_officer\n"
    "        filing a written request received for the person. The record must be\n"
    "        one the identifier finds; fields that make the record's identity or\n"
    "        owner cannot be amended; TEXT must be a valid value of the field.\n"
    "  acknowledge ID\n"
    "        a privacy_officer acknowledges receipt (due within the policy's\n"
    "        amend_ack_working_days, 10 working days after filing).\n"
    "  decide ID --grant [--reason TEXT] | --refuse --reason TEXT\n"
    "        a privacy_officer grants (the record is corrected through the store's\n"
    "        normal update) or refuses (the review starts at once; it is due within\n"
    "        amend_review_working_days, 30 working days). Deciding also acknowledges.\n"
    "  review ID --uphold | --reverse\n"
    "        a privacy_officer other than the one who refused upholds the refusal or\n"
    "        reverses it (the record is corrected).\n"
    "  disagree ID --statement TEXT\n"
    "        after a refusal is upheld, the person (or a privacy_officer for them)\n"
    "        files a statement of disagreement; it goes with every later disclosure\n"
    "        of the disputed field (productions: disagreements.ndjson) and is shown\n"
    "        by `sealctl access`.\n"
    "  list\n"
    "        the amendments the principal may see (privacy_officer, auditor: all;\n"
    "        subject: its own) with states, dates, the running deadline, working days\n"
    "        left and whether it is overdue; no texts.\n"
    "  show ID\n"
    "        one amendment with its texts (privacy_officer, or the subject).\n"
    "  overdue\n"
    "        acknowledgements and reviews past their deadline; logs each once\n"
    "        (amend.overdue), as the request sweep does.\n\n"
    "Working days are Monday to Friday except the eleven US federal holidays as\n"
    "observed. Every transition is a ledger event holding ids, dates and outcomes;\n"
    "the requested text, the reason and the statement are kept only encrypted and\n"
    "appear in the ledger at most as keyed commitments. Exit 0 ok, 1 failure\n"
    "(refused, not found, not permitted), 2 usage.\n";

static int done(seal_cli *cli, const char *what, seal_status s, seal_error *err, const char *id)
{
    if (s != SEAL_OK) {
        return seal__cli_fail(cli, what, err);
    }
    printf("{\"amendment\": \"%s\"}\n", id);
    return 0;
}

static int print_buf(seal_cli *cli, const char *what, seal_status s, seal_error *err, seal_buf *out)
{
    int rc = 0;
    if (s == SEAL_OK) {
        fwrite(out->data, 1, out->len, stdout);
    } else {
        rc = seal__cli_fail(cli, what, err);
    }
    if (out->data != NULL) {
        memset(out->data, 0, out->len);
    }
    seal_buf_cleanup(out);
    return rc;
}

static int cmd_file(seal_cli *cli, int argc, char **argv)
{
    const char *subject = NULL, *record = NULL, *field = NULL, *requested = NULL;
    for (int i = 2; i < argc; i++) {
        const char **slot = strcmp(argv[i], "--subject") == 0     ? &subject
                            : strcmp(argv[i], "--record") == 0    ? &record
                            : strcmp(argv[i], "--field") == 0     ? &field
                            : strcmp(argv[i], "--requested") == 0 ? &requested
                                                                  : NULL;
        if (slot == NULL || i + 1 >= argc || *slot != NULL) {
            return seal__cli_usage(cli, "amend", "file: unexpected argument %d", i);
        }
        *slot = argv[++i];
    }
    if (subject == NULL || record == NULL || field == NULL || requested == NULL) {
        return seal__cli_usage(cli, "amend",
                               "file: name --subject, --record, --field and --requested");
    }
    const char *colon = strchr(subject, ':');
    char tn[16];
    size_t tl = colon != NULL ? (size_t) (colon - subject) : 0;
    seal_index_type t;
    if (colon == NULL || tl == 0 || tl >= sizeof(tn) || colon[1] == '\0') {
        return seal__cli_usage(cli, "amend", "file: --subject is TYPE:VALUE");
    }
    memcpy(tn, subject, tl);
    tn[tl] = '\0';
    if (seal_index_type_parse(tn, &t) != SEAL_OK) {
        return seal__cli_usage(cli, "amend",
                               "file: --subject TYPE is one of account, email, phone, address, "
                               "tracking");
    }
    char *end = NULL;
    errno = 0;
    long long rec = strtoll(record, &end, 10);
    if (errno != 0 || end == record || *end != '\0') {
        return seal__cli_usage(cli, "amend", "file: --record is a record id (a number)");
    }
    seal_error err;
    seal_error_init(&err);
    char id[SEAL_AMEND_ID_SIZE];
    seal_status s = seal_amend_file(cli->data_dir, cli->principal, seal__cli_now(cli), t, colon + 1,
                                    (int64_t) rec, field, requested, id, &err);
    return done(cli, "amend file", s, &err, id);
}

int seal__cmd_amend(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    if (argc < 2) {
        return seal__cli_usage(cli, "amend", "name a command");
    }
    const char *cmd = argv[1];
    if (cli->principal == NULL && strcmp(cmd, "overdue") != 0) {
        return seal__cli_usage(cli, "amend", "act as a principal (--as ID)");
    }
    seal_error err;
    seal_error_init(&err);
    int64_t now = seal__cli_now(cli);
    if (strcmp(cmd, "file") == 0) {
        return cmd_file(cli, argc, argv);
    }
    if (strcmp(cmd, "list") == 0 || strcmp(cmd, "overdue") == 0) {
        if (argc != 2) {
            return seal__cli_usage(cli, "amend", "%s takes no argument", cmd);
        }
        seal_buf out;
        seal_buf_init(&out);
        seal_status s = strcmp(cmd, "list") == 0
                            ? seal_amend_list(cli->data_dir, cli->principal, now, NULL, &out, &err)
                            : seal_amend_overdue(cli->data_dir, now, &out, &err);
        return print_buf(cli, strcmp(cmd, "list") == 0 ? "amend list" : "amend overdue", s, &err,
                         &out);
    }
    if (argc < 3 || argv[2][0] == '-') {
        return seal__cli_usage(cli, "amend", "%s: name an amendment id", cmd);
    }
    const char *id = argv[2];
    if (strcmp(cmd, "show") == 0 || strcmp(cmd, "acknowledge") == 0) {
        if (argc != 3) {
            return seal__cli_usage(cli, "amend", "%s takes one id", cmd);
        }
        if (strcmp(cmd, "acknowledge") == 0) {
            return done(cli, "amend acknowledge",
                        seal_amend_acknowledge(cli->data_dir, cli->principal, now, id, &err), &err,
                        id);
        }
        seal_buf out;
        seal_buf_init(&out);
        seal_status s = seal_amend_list(cli->data_dir, cli->principal, now, id, &out, &err);
        return print_buf(cli, "amend show", s, &err, &out);
    }
    int grant = -1, uphold = -1;
    const char *text = NULL;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--grant") == 0 || strcmp(argv[i], "--refuse") == 0) {
            if (grant != -1 || strcmp(cmd, "decide") != 0) {
                return seal__cli_usage(cli, "amend", "%s: unexpected %s", cmd, argv[i]);
            }
            grant = strcmp(argv[i], "--grant") == 0;
        } else if (strcmp(argv[i], "--uphold") == 0 || strcmp(argv[i], "--reverse") == 0) {
            if (uphold != -1 || strcmp(cmd, "review") != 0) {
                return seal__cli_usage(cli, "amend", "%s: unexpected %s", cmd, argv[i]);
            }
            uphold = strcmp(argv[i], "--uphold") == 0;
        } else if ((strcmp(argv[i], "--reason") == 0 && strcmp(cmd, "decide") == 0) ||
                   (strcmp(argv[i], "--statement") == 0 && strcmp(cmd, "disagree") == 0)) {
            if (i + 1 >= argc || text != NULL) {
                return seal__cli_usage(cli, "amend", "%s: %s takes one value", cmd, argv[i]);
            }
            text = argv[++i];
        } else {
            return seal__cli_usage(cli, "amend", "%s: unexpected argument %d", cmd, i);
        }
    }
    if (strcmp(cmd, "decide") == 0) {
        if (grant == -1) {
            return seal__cli_usage(cli, "amend", "decide: --grant or --refuse");
        }
        if (!grant && text == NULL) {
            return seal__cli_usage(cli, "amend", "decide: --refuse needs --reason TEXT");
        }
        return done(
            cli, "amend decide",
            seal_amend_decide(cli->data_dir, cli->principal, now, id, grant == 1, text, &err), &err,
            id);
    }
    if (strcmp(cmd, "review") == 0) {
        if (uphold == -1) {
            return seal__cli_usage(cli, "amend", "review: --uphold or --reverse");
        }
        return done(cli, "amend review",
                    seal_amend_review(cli->data_dir, cli->principal, now, id, uphold == 1, &err),
                    &err, id);
    }
    if (strcmp(cmd, "disagree") == 0) {
        if (text == NULL) {
            return seal__cli_usage(cli, "amend", "disagree: --statement TEXT");
        }
        return done(cli, "amend disagree",
                    seal_amend_disagree(cli->data_dir, cli->principal, now, id, text, &err), &err,
                    id);
    }
    return seal__cli_usage(cli, "amend", "unknown command %s", cmd);
}
