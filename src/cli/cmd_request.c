/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `sealctl request check|submit|list|show|review|consent|extend|close|sweep`.
 * check parses a request document and evaluates it under a policy with no
 * side effects, printing one JSON decision (or, with --compare, one per
 * shipped policy); exit 0 for every decision, 1 only when the document or a
 * key cannot be read. The other subcommands drive the lifecycle
 * (sealed/registry.h), each acting as the --as principal at --now.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "sealed/alloc.h"
#include "sealed/amend.h"
#include "sealed/note.h"
#include "sealed/policy.h"
#include "sealed/produce.h"
#include "sealed/registry.h"
#include "sealed/request.h"

static const char help[] =
    "usage: sealctl [--now TIME] request check [--policy NAME|FILE] [--compare]\n"
    "                                          [--issuer-key VKEY]... [--data DIR] FILE|-\n\n"
    "Checks a request document (docs/policy.md) against a policy and prints the\n"
    "decision as one line of JSON:\n\n"
    "  {\"decision\": \"refused\"|\"review\"|\"approved\",\n"
    "   \"policy\": {\"name\": NAME, \"sha256\": HEX},\n"
    "   \"reasons\": [{\"code\": C, \"rule\": rule id, \"pointer\": JSON pointer,\n"
    "                \"message\": M}, ...]}\n\n"
    "Every rule that fires is listed; reasons is empty only for an approval.\n"
    "A document that is not JSON or breaks the schema is refused with a reason\n"
    "naming the field. Checking has no side effects. It is a what-if: what a\n"
    "submission would meet is decided by the data directory (below).\n\n"
    "options:\n"
    "  --policy NAME|FILE  a shipped policy (strict, cfr-233) or a policy file;\n"
    "                      default strict, or with --data the directory's\n"
    "                      policy of record\n"
    "  --compare           check under every shipped policy and print\n"
    "                      {\"decisions\": [...]} (cfr-233, then strict)\n"
    "  --issuer-key VKEY   trust this issuer's verifier key (C2SP signed-note\n"
    "                      format, or a file holding it) for legal_basis.order;\n"
    "                      repeatable; what-if only: submit never takes it\n"
    "  --data DIR          also use DIR's registry, as submit does: its issuers\n"
    "                      (besides any --issuer-key), its protected addresses,\n"
    "                      and its agencies (an unregistered agency is refused,\n"
    "                      agency.unregistered, PA-2; an order of an unregistered\n"
    "                      issuer is refused, order.unknown_issuer). Without it\n"
    "                      check reads no registry and trusts only --issuer-key.\n"
    "  FILE|-              the request document; - reads standard input\n\n"
    "The clock is --now (or $SEALED_NOW), else the system clock.\n\n"
    "exit status: 0 a decision was printed (whatever it is); 1 the document, a\n"
    "key or DIR could not be read; 2 usage error.\n\n";

static const char help_lifecycle[] =
    "The lifecycle (each acting as --as ID / $SEALED_PRINCIPAL, at --now):\n"
    "  submit [--follows ID] [--supersedes ID] FILE|-\n"
    "        store the document as submitted (encrypted), check it under the data\n"
    "        directory's policy of record (`sealctl policy show`) with the\n"
    "        registry's issuers and protected addresses, and record the decision:\n"
    "        {\"id\": ID, \"state\": S, \"decision\": {...}}. --follows names the\n"
    "        emergency request this proper process confirms (MC-9, PA-7). A legal\n"
    "        basis (and a signed order) serves one request: reusing one is refused\n"
    "        (basis.reused) unless --supersedes names the denied or refused\n"
    "        request it replaces (PA-2). A refused submission keeps its decision\n"
    "        and the document's keyed digest, not the document.\n"
    "        --policy and --issuer-key are refused (exit 2): the requester picks\n"
    "        neither the rules nor whom to trust. A privacy officer changes the\n"
    "        policy of record (`sealctl policy set`) and registers issuers\n"
    "        (`sealctl issuer add`).\n"
    "  consent ID                   as a subject bound to every subject the\n"
    "                               request names: confirm its consent (PA-2)\n"
    "  consent ID --reference REF   as a reviewer, where the policy allows it\n"
    "                               (cfr-233): record the written consent's\n"
    "                               reference instead\n"
    "  review ID --approve|--deny [--note TEXT]\n"
    "                               as a reviewer/approver not of its agency;\n"
    "                               the note (at most 2000 bytes) is kept\n"
    "                               encrypted and shown by `show`, never logged;\n"
    "                               a request is reviewed under the policy it\n"
    "                               was checked under\n"
    "  extend COVER-ID FILE         an extension (the document's cover.extends)\n"
    "  extend ID                    renew a preservation once (PA-9)\n"
    "  close ID                     end an open request\n"
    "  list                         requests with deadlines and days left\n"
    "  show ID [--document]         one request, its approvals, its document\n"
    "  preview ID                   what producing it would hold, as counts per kind,\n"
    "                               no values (reviewers and approvers not of its\n"
    "                               agency; says \"empty\": true when nothing would go)\n"
    "  sweep                        enforce deadlines: expiry, emergency\n"
    "                               follow-ups, delayed notice, overdue\n"
    "                               amendment acknowledgements and reviews\n"
    "States: refused, consent_pending, review, denied, active, expired, closed,\n"
    "violation. Consent waits in consent_pending until confirmed, then is\n"
    "reviewed; unconfirmed, it expires with its basis and discloses nothing.\n";

#define MAX_ISSUERS 16

/* Reads at most SEAL_REQUEST_MAX_SIZE + 1 bytes: more is refused by size
 * anyway, and an endless stream must not exhaust memory. */
static int read_doc(const seal_cli *cli, const char *what, const char *path, seal_buf *b)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "%s: %s: %s: %s\n", cli->prog, what, path, strerror(errno));
        return 1;
    }
    char chunk[8192];
    size_t n;
    int rc = 0;
    while (b->len <= SEAL_REQUEST_MAX_SIZE && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (seal_buf_append(b, chunk, n) != SEAL_OK) {
            fprintf(stderr, "%s: %s: out of memory\n", cli->prog, what);
            rc = 1;
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        fprintf(stderr, "%s: %s: %s: read error\n", cli->prog, what, path);
        rc = 1;
    }
    if (f != stdin) {
        fclose(f);
    }
    return rc;
}

/* The key text itself, or the contents of a file holding it. */
static int load_vkey(const seal_cli *cli, const char *arg, seal_note_verifier **out)
{
    seal_error err;
    seal_error_init(&err);
    seal_buf b;
    seal_buf_init(&b);
    FILE *f = fopen(arg, "rb");
    if (f != NULL) {
        char chunk[1024];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len < 4096) {
            if (seal_buf_append(&b, chunk, n) != SEAL_OK) {
                break;
            }
        }
        fclose(f);
    } else if (seal_buf_append_str(&b, arg) != SEAL_OK) {
        seal_buf_cleanup(&b);
        return 1;
    }
    seal_status s = seal_note_verifier_new(seal_buf_str(&b), b.len, out, &err);
    seal_buf_cleanup(&b);
    if (s != SEAL_OK) {
        return seal__cli_fail(cli, "request check: --issuer-key", &err);
    }
    return 0;
}

static int check(seal_cli *cli, int argc, char **argv)
{
    const char *policy = NULL;
    const char *path = NULL, *data = NULL;
    seal_registry *reg = NULL;
    bool compare = false;
    seal_note_verifier *issuers[MAX_ISSUERS];
    size_t n_issuers = 0;
    int rc = 0;
    seal_request *req = NULL;
    seal_policy *pol[2] = {NULL, NULL};
    seal_decision *d = NULL;
    seal_buf doc, out;
    seal_buf_init(&doc);
    seal_buf_init(&out);
    seal_error err;
    seal_error_init(&err);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--compare") == 0) {
            compare = true;
        } else if (strcmp(a, "--policy") == 0 || strcmp(a, "--issuer-key") == 0 ||
                   strcmp(a, "--data") == 0) {
            if (i + 1 >= argc) {
                rc = seal__cli_usage(cli, "request check", "%s needs a value", a);
                goto out;
            }
            if (a[2] == 'd') {
                data = argv[++i];
            } else if (a[2] == 'p') {
                policy = argv[++i];
            } else if (n_issuers >= MAX_ISSUERS) {
                rc = seal__cli_usage(cli, "request check", "at most %d issuer keys", MAX_ISSUERS);
                goto out;
            } else if ((rc = load_vkey(cli, argv[++i], &issuers[n_issuers])) != 0) {
                goto out;
            } else {
                n_issuers++;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            rc = seal__cli_usage(cli, "request check", "unknown option '%s'", a);
            goto out;
        } else if (path != NULL) {
            rc = seal__cli_usage(cli, "request check", "one document at a time");
            goto out;
        } else {
            path = a;
        }
    }
    if (path == NULL) {
        rc = seal__cli_usage(cli, "request check", "needs a FILE (or - for standard input)");
        goto out;
    }
    if (compare) {
        for (size_t k = 0; k < 2; k++) {
            if (seal_policy_builtin(seal_policy_builtin_name(k), &pol[k], &err) != SEAL_OK) {
                rc = seal__cli_fail(cli, "request check", &err);
                goto out;
            }
        }
    } else if (policy != NULL && seal_policy_open(policy, &pol[0], &err) != SEAL_OK) {
        rc = seal__cli_fail(cli, "request check: --policy", &err);
        goto out;
    }
    if (data != NULL) {
        /* the registry's agencies, issuers and protected addresses; without
         * --policy, the directory's policy of record */
        if (seal_registry_open(data, NULL, seal__cli_now(cli), &reg, &err) != SEAL_OK) {
            rc = seal__cli_fail(cli, "request check: --data", &err);
            goto out;
        }
    } else if (!compare && policy == NULL &&
               seal_policy_builtin(SEAL_POLICY_DEFAULT, &pol[0], &err) != SEAL_OK) {
        rc = seal__cli_fail(cli, "request check", &err);
        goto out;
    }
    if ((rc = read_doc(cli, "request check", path, &doc)) != 0) {
        goto out;
    }
    const char *text = (const char *) (doc.data != NULL ? doc.data : (const uint8_t *) "");
    if (seal_request_parse(text, doc.len, &req, &err) != SEAL_OK ||
        (d = seal_malloc(sizeof(*d))) == NULL) {
        rc = seal__cli_fail(cli, "request check", &err);
        goto out;
    }
    seal_check_options opt;
    seal_check_options_init(&opt, seal__cli_now(cli));
    opt.issuers = (const seal_note_verifier *const *) issuers;
    opt.n_issuers = n_issuers;
    seal_status s = compare ? seal_buf_append_str(&out, "{\"decisions\": [") : SEAL_OK;
    bool of_record = reg != NULL && pol[0] == NULL;
    for (size_t k = 0; k < 2 && (pol[k] != NULL || (k == 0 && of_record)) && s == SEAL_OK; k++) {
        if (reg != NULL) {
            s = seal_request_check_in(reg, pol[k], text, doc.len,
                                      (const seal_note_verifier *const *) issuers, n_issuers, d,
                                      &err);
            if (s != SEAL_OK) {
                rc = seal__cli_fail(cli, "request check", &err);
                goto out;
            }
        } else {
            seal_policy_check(pol[k], req, &opt, d);
        }
        if (k > 0) {
            s = seal_buf_append_str(&out, ", ");
        }
        if (s == SEAL_OK) {
            s = seal_decision_json(d, &out);
        }
    }
    if (s == SEAL_OK && compare) {
        s = seal_buf_append_str(&out, "]}");
    }
    if (s != SEAL_OK) {
        seal_error_set(&err, s, "out of memory");
        rc = seal__cli_fail(cli, "request check", &err);
        goto out;
    }
    printf("%s\n", seal_buf_str(&out));
out:
    for (size_t i = 0; i < n_issuers; i++) {
        seal_note_verifier_free(issuers[i]);
    }
    seal_request_free(req);
    seal_policy_free(pol[0]);
    seal_policy_free(pol[1]);
    seal_registry_close(reg);
    seal_free(d);
    seal_buf_cleanup(&doc);
    seal_buf_cleanup(&out);
    return rc;
}

/* ---- the lifecycle ------------------------------------------------------ */

static int open_reg(seal_cli *cli, const char *what, seal_registry **reg)
{
    seal_error err;
    seal_error_init(&err);
    if (seal_registry_open(cli->data_dir, cli->principal, seal__cli_now(cli), reg, &err) !=
        SEAL_OK) {
        return seal__cli_fail(cli, what, &err);
    }
    return 0;
}

static int print_or_fail(seal_cli *cli, const char *what, seal_status s, seal_buf *out,
                         seal_error *err)
{
    if (s != SEAL_OK) {
        return seal__cli_fail(cli, what, err);
    }
    printf("%s\n", seal_buf_str(out));
    return 0;
}

/* The document's /cover/extends, for `extend COVER-ID FILE`. */
static bool extends_is(const seal_buf *doc, const char *cover)
{
    json_t *root = json_loadb((const char *) doc->data, doc->len, 0, NULL);
    const char *e = json_string_value(json_object_get(json_object_get(root, "cover"), "extends"));
    bool same = e != NULL && strcmp(e, cover) == 0;
    json_decref(root);
    return same;
}

static int submit(seal_cli *cli, int argc, char **argv, const char *extends)
{
    const char *what = extends != NULL ? "request extend" : "request submit";
    seal_submit_options opt = {0};
    const char *path = NULL;
    int rc = 0;
    seal_registry *reg = NULL;
    seal_decision *d = NULL;
    seal_buf doc, out;
    seal_buf_init(&doc);
    seal_buf_init(&out);
    seal_error err;
    seal_error_init(&err);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--policy") == 0 || strcmp(a, "--issuer-key") == 0) {
            /* issue 11: the requester names neither the policy nor whom to trust */
            rc = seal__cli_usage(cli, what,
                                 "%s is not taken: a submission is checked under the data "
                                 "directory's policy of record with the registry's issuers "
                                 "(`sealctl policy show` prints it; a privacy officer changes "
                                 "it with `sealctl policy set`, registers issuers with "
                                 "`sealctl issuer add`; `request check %s` is the what-if)",
                                 a, a);
            goto out;
        }
        if ((strcmp(a, "--follows") == 0 || strcmp(a, "--supersedes") == 0) && i + 1 >= argc) {
            rc = seal__cli_usage(cli, what, "%s needs a value", a);
            goto out;
        }
        if (strcmp(a, "--follows") == 0) {
            opt.follows = argv[++i];
        } else if (strcmp(a, "--supersedes") == 0) {
            opt.supersedes = argv[++i];
        } else if ((a[0] == '-' && a[1] != '\0') || path != NULL) {
            rc = seal__cli_usage(cli, what, "unexpected argument '%s'", a);
            goto out;
        } else {
            path = a;
        }
    }
    if (path == NULL) {
        rc = seal__cli_usage(cli, what, "needs a FILE (or - for standard input)");
        goto out;
    }
    if ((rc = read_doc(cli, what, path, &doc)) != 0) {
        goto out;
    }
    if (extends != NULL && !extends_is(&doc, extends)) {
        rc = seal__cli_usage(cli, what, "the document's cover.extends is not %s", extends);
        goto out;
    }
    char id[SEAL_ID_SIZE];
    if ((d = seal_malloc(sizeof(*d))) == NULL) {
        seal_error_set(&err, SEAL_NOMEM, "out of memory");
        rc = seal__cli_fail(cli, what, &err);
        goto out;
    }
    if ((rc = open_reg(cli, what, &reg)) != 0) {
        goto out;
    }
    seal_status s = seal_request_submit(
        reg, (const char *) (doc.data != NULL ? doc.data : (const uint8_t *) ""), doc.len, &opt, id,
        d, &err);
    if (s == SEAL_OK) {
        seal_buf show;
        seal_buf_init(&show);
        /* the state after submission, as `show` reports it */
        s = seal_request_show(reg, id, false, &show, &err);
        const char *st = strstr(seal_buf_str(&show), "\"state\": \"");
        const char *q = st != NULL ? strchr(st + 10, '"') : NULL;
        if (s == SEAL_OK && q != NULL) {
            s = seal_buf_printf(&out, "{\"id\": \"%s\", \"state\": \"%.*s\", \"decision\": ", id,
                                (int) (q - st - 10), st + 10);
        }
        seal_buf_cleanup(&show);
        if (s == SEAL_OK && (s = seal_decision_json(d, &out)) == SEAL_OK) {
            s = seal_buf_append_byte(&out, '}');
        }
    }
    rc = print_or_fail(cli, what, s, &out, &err);
out:
    seal_registry_close(reg);
    seal_free(d);
    seal_buf_cleanup(&doc);
    seal_buf_cleanup(&out);
    return rc;
}

static int lifecycle(seal_cli *cli, int argc, char **argv)
{
    const char *sub = argv[0];
    char what[32];
    snprintf(what, sizeof(what), "request %s", sub);
    bool is_list = strcmp(sub, "list") == 0, is_sweep = strcmp(sub, "sweep") == 0;
    const char *id = NULL;
    bool approve = false, deny = false, document = false;
    const char *file = NULL, *note = NULL, *reference = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(sub, "review") == 0 && strcmp(a, "--note") == 0) {
            if (i + 1 >= argc) {
                return seal__cli_usage(cli, what, "--note needs TEXT");
            }
            note = argv[++i];
        } else if (strcmp(sub, "consent") == 0 && strcmp(a, "--reference") == 0) {
            if (i + 1 >= argc) {
                return seal__cli_usage(cli, what, "--reference needs REF");
            }
            reference = argv[++i];
        } else if (strcmp(sub, "review") == 0 && strcmp(a, "--approve") == 0) {
            approve = true;
        } else if (strcmp(sub, "review") == 0 && strcmp(a, "--deny") == 0) {
            deny = true;
        } else if (strcmp(sub, "show") == 0 && strcmp(a, "--document") == 0) {
            document = true;
        } else if ((a[0] == '-' && a[1] != '\0') || is_list || is_sweep) {
            return seal__cli_usage(cli, what, "unexpected argument '%s'", a);
        } else if (id == NULL) {
            id = a;
        } else if (strcmp(sub, "extend") == 0 && file == NULL) {
            file = a;
        } else {
            return seal__cli_usage(cli, what, "unexpected argument '%s'", a);
        }
    }
    if (!is_list && !is_sweep && id == NULL) {
        return seal__cli_usage(cli, what, "needs a request id");
    }
    if (strcmp(sub, "review") == 0 && approve == deny) {
        return seal__cli_usage(cli, what, "one of --approve or --deny");
    }
    if (file != NULL) {
        char *sub_argv[] = {argv[0], (char *) file};
        return submit(cli, 2, sub_argv, id);
    }
    seal_registry *reg = NULL;
    int rc = open_reg(cli, what, &reg);
    if (rc != 0) {
        return rc;
    }
    seal_buf out;
    seal_buf_init(&out);
    seal_error err;
    seal_error_init(&err);
    seal_status s;
    if (is_list) {
        s = seal_request_list(reg, &out, &err);
    } else if (is_sweep) {
        s = seal_request_sweep(reg, &out, &err);
        /* overdue amendment acknowledgements and reviews (amend.overdue,
         * once each): {"actions": [...], "amendments": [...]} */
        if (s == SEAL_OK && out.len > 0 && out.data[out.len - 1] == '}') {
            out.len--;
            if ((s = seal_buf_append_str(&out, ", \"amendments\": ")) == SEAL_OK &&
                (s = seal_amend_overdue(cli->data_dir, seal__cli_now(cli), &out, &err)) ==
                    SEAL_OK) {
                while (out.len > 0 && out.data[out.len - 1] == '\n') {
                    out.len--;
                }
                s = seal_buf_append_str(&out, "}");
            }
        }
    } else if (strcmp(sub, "show") == 0) {
        s = seal_request_show(reg, id, document, &out, &err);
    } else if (strcmp(sub, "preview") == 0) {
        /* PA-2, PA-5: what an approval would hand over, counts only */
        s = seal_produce_preview(cli->data_dir, cli->principal, id, seal__cli_now(cli), &out, &err);
        while (s == SEAL_OK && out.len > 0 && out.data[out.len - 1] == '\n') {
            out.len--;
        }
    } else if (strcmp(sub, "consent") == 0) {
        seal_request_state st = SEAL_RS_CONSENT_PENDING;
        s = seal_request_consent(reg, id, reference, &st, &err);
        if (s == SEAL_OK) {
            s = seal_buf_printf(&out, "{\"id\": \"%s\", \"state\": \"%s\"}", id,
                                seal_request_state_name(st));
        }
    } else if (strcmp(sub, "review") == 0) {
        seal_request_state st = SEAL_RS_REVIEW;
        s = seal_request_review_note(reg, id, approve, note, &st, &err);
        if (s == SEAL_OK) {
            s = seal_buf_printf(&out, "{\"id\": \"%s\", \"state\": \"%s\"}", id,
                                seal_request_state_name(st));
        }
    } else {
        bool close = strcmp(sub, "close") == 0;
        s = close ? seal_request_close(reg, id, &err) : seal_request_renew(reg, id, &err);
        if (s == SEAL_OK) {
            s = seal_buf_printf(&out, "{\"id\": \"%s\", \"%s\": true}", id,
                                close ? "closed" : "renewed");
        }
    }
    if (s == SEAL_NOMEM) {
        seal_error_set(&err, s, "out of memory");
    }
    rc = print_or_fail(cli, what, s, &out, &err);
    seal_buf_cleanup(&out);
    seal_registry_close(reg);
    return rc;
}

int seal__cmd_request(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv) || argc < 2) {
        fputs(help, argc < 2 ? stderr : stdout);
        fputs(help_lifecycle, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "check") == 0) {
        return check(cli, argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "submit") == 0) {
        return submit(cli, argc - 1, argv + 1, NULL);
    }
    static const char *const subs[] = {"list",   "show",  "preview", "review",
                                       "extend", "close", "sweep",   "consent"};
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
        if (strcmp(argv[1], subs[i]) == 0) {
            return lifecycle(cli, argc - 1, argv + 1);
        }
    }
    return seal__cli_usage(cli, "request", "unknown subcommand '%s'", argv[1]);
}
