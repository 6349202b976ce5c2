/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `sealctl request check`: parses a request document and evaluates it under
 * a policy with no side effects, printing one JSON decision (or, with
 * --compare, one per shipped policy). Exit 0 for every decision; 1 only when
 * the document or a key cannot be read. The lifecycle subcommands (submit,
 * review, ...) come with the registries in phase 2.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "sealed/alloc.h"
#include "sealed/note.h"
#include "sealed/policy.h"
#include "sealed/request.h"

static const char help[] =
    "usage: sealctl [--now TIME] request check [--policy NAME|FILE] [--compare]\n"
    "                                          [--issuer-key VKEY]... FILE|-\n\n"
    "Checks a request document (DESIGN.md \"The request document\") against a policy\n"
    "and prints the decision as one line of JSON:\n\n"
    "  {\"decision\": \"refused\"|\"review\"|\"approved\",\n"
    "   \"policy\": {\"name\": NAME, \"sha256\": HEX},\n"
    "   \"reasons\": [{\"code\": C, \"rule\": LAW.md id, \"pointer\": JSON pointer,\n"
    "                \"message\": M}, ...]}\n\n"
    "Every rule that fires is listed; reasons is empty only for an approval.\n"
    "A document that is not JSON or breaks the schema is refused with a reason\n"
    "naming the field. Checking has no side effects and needs no data directory.\n\n"
    "options:\n"
    "  --policy NAME|FILE  a shipped policy (strict, cfr-233) or a policy file;\n"
    "                      default strict\n"
    "  --compare           check under every shipped policy and print\n"
    "                      {\"decisions\": [...]} (cfr-233, then strict)\n"
    "  --issuer-key VKEY   trust this issuer's verifier key (C2SP signed-note\n"
    "                      format, or a file holding it) for legal_basis.order;\n"
    "                      repeatable. Until the issuer registry exists these are\n"
    "                      the only trusted issuers.\n"
    "  FILE|-              the request document; - reads standard input\n\n"
    "The clock is --now (or $SEALED_NOW), else the system clock.\n\n"
    "exit status: 0 a decision was printed (whatever it is); 1 the document or a\n"
    "key could not be read; 2 usage error.\n";

#define MAX_ISSUERS 16

/* Reads at most SEAL_REQUEST_MAX_SIZE + 1 bytes: more is refused by size
 * anyway, and an endless stream must not exhaust memory. */
static int read_doc(const seal_cli *cli, const char *path, seal_buf *b)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "%s: request check: %s: %s\n", cli->prog, path, strerror(errno));
        return 1;
    }
    char chunk[8192];
    size_t n;
    int rc = 0;
    while (b->len <= SEAL_REQUEST_MAX_SIZE && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (seal_buf_append(b, chunk, n) != SEAL_OK) {
            fprintf(stderr, "%s: request check: out of memory\n", cli->prog);
            rc = 1;
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        fprintf(stderr, "%s: request check: %s: read error\n", cli->prog, path);
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
    const char *policy = SEAL_POLICY_DEFAULT;
    const char *path = NULL;
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
        } else if (strcmp(a, "--policy") == 0 || strcmp(a, "--issuer-key") == 0) {
            if (i + 1 >= argc) {
                rc = seal__cli_usage(cli, "request check", "%s needs a value", a);
                goto out;
            }
            if (a[2] == 'p') {
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
    } else if (seal_policy_open(policy, &pol[0], &err) != SEAL_OK) {
        rc = seal__cli_fail(cli, "request check: --policy", &err);
        goto out;
    }
    if ((rc = read_doc(cli, path, &doc)) != 0) {
        goto out;
    }
    if (seal_request_parse((const char *) (doc.data != NULL ? doc.data : (const uint8_t *) ""),
                           doc.len, &req, &err) != SEAL_OK ||
        (d = seal_malloc(sizeof(*d))) == NULL) {
        rc = seal__cli_fail(cli, "request check", &err);
        goto out;
    }
    seal_check_options opt;
    seal_check_options_init(&opt, seal__cli_now(cli));
    opt.issuers = (const seal_note_verifier *const *) issuers;
    opt.n_issuers = n_issuers;
    seal_status s = compare ? seal_buf_append_str(&out, "{\"decisions\": [") : SEAL_OK;
    for (size_t k = 0; k < 2 && pol[k] != NULL && s == SEAL_OK; k++) {
        seal_policy_check(pol[k], req, &opt, d);
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
    seal_free(d);
    seal_buf_cleanup(&doc);
    seal_buf_cleanup(&out);
    return rc;
}

int seal__cmd_request(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv) || argc < 2) {
        fputs(help, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "check") == 0) {
        return check(cli, argc - 1, argv + 1);
    }
    return seal__cli_usage(cli, "request", "unknown subcommand '%s' (phase 1 has: check)", argv[1]);
}
