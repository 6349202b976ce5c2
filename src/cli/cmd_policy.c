/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `sealctl policy verify|diff|show|set`: proves a policy's invariants by
 * exhaustive enumeration, lists where two policies decide differently,
 * prints a policy's name and hash (without one, the data directory's policy
 * of record), and changes the policy of record (a privacy officer). Thin
 * layer over policy.h and registry.h.
 */
#include <string.h>

#include "cli/cli.h"
#include "sealed/policy.h"
#include "sealed/registry.h"

static const char help[] =
    "usage: sealctl policy verify NAME|FILE\n"
    "       sealctl policy diff A B\n"
    "       sealctl policy show [NAME|FILE]\n"
    "       sealctl [--data DIR] --as ID policy set NAME|FILE\n\n"
    "A policy is a shipped name (strict, cfr-233) or a policy file\n"
    "(docs/policy.md). Loading validates it; errors name the file and a JSON\n"
    "pointer.\n\n"
    "  verify  runs the evaluator on every combination of legal basis x category\n"
    "          (or none) x purpose x with/without a signed order x approving role\n"
    "          and checks the invariants every policy must keep: no subpoena unlocks\n"
    "          mail_exterior; preservation discloses nothing; every approval needs\n"
    "          named subjects; only reviewer/cover_approver/hq_approver approve;\n"
    "          nothing is looser than cfr-233, the law as written; ... Prints a\n"
    "          JSON report; exit 1 when an invariant fails.\n"
    "  diff    prints every combination whose outcome differs between A and B\n"
    "          (JSON, one line per difference); exit 0.\n"
    "  show    prints {\"name\": ..., \"sha256\": ...}; without a policy, the data\n"
    "          directory's policy of record.\n"
    "  set     makes NAME|FILE the data directory's policy of record, as a\n"
    "          privacy_officer (--as): every request submitted afterwards is\n"
    "          checked under it (requests already submitted keep the policy they\n"
    "          were checked under). Recorded as a policy.set ledger event with the\n"
    "          old and new SHA-256; DIR/policy.json is replaced atomically once\n"
    "          the event is durable. Prints {\"name\", \"sha256\", \"previous\",\n"
    "          \"changed\"}. While the daemon runs it holds the ledger: use\n"
    "          PUT /v1/policy instead.\n\n"
    "The policy of record is set by `sealctl init --policy` and changed only by\n"
    "`policy set`: a DIR/policy.json edited by hand makes the directory refuse\n"
    "to open. `request submit` takes no --policy.\n\n"
    "exit status: 0 ok, 1 a policy cannot be loaded, an invariant fails or set is\n"
    "refused, 2 usage.\n";

static int open_policy(const seal_cli *cli, const char *spec, seal_policy **p)
{
    seal_error err;
    seal_error_init(&err);
    if (seal_policy_open(spec, p, &err) != SEAL_OK) {
        return seal__cli_fail(cli, "policy", &err);
    }
    return 0;
}

/* `policy show` (no policy) and `policy set`: the data directory's policy
 * of record. */
static int of_record(seal_cli *cli, int argc, char **argv)
{
    bool set = strcmp(argv[1], "set") == 0;
    if (set && argc != 3) {
        return seal__cli_usage(cli, "policy set", "needs one policy (strict, cfr-233 or a FILE)");
    }
    seal_error err;
    seal_error_init(&err);
    seal_registry *reg = NULL;
    const char *what = set ? "policy set" : "policy show";
    if (seal_registry_open(cli->data_dir, set ? cli->principal : NULL, seal__cli_now(cli), &reg,
                           &err) != SEAL_OK) {
        return seal__cli_fail(cli, what, &err);
    }
    char previous[65];
    snprintf(previous, sizeof(previous), "%s", seal_policy_sha256(seal_registry_policy(reg)));
    bool changed = false;
    if (set && seal_registry_policy_set(reg, argv[2], &changed, &err) != SEAL_OK) {
        seal_registry_close(reg);
        return seal__cli_fail(cli, what, &err);
    }
    const seal_policy *p = seal_registry_policy(reg);
    if (set) {
        printf("{\"name\": \"%s\", \"sha256\": \"%s\", \"previous\": \"%s\", \"changed\": %s}\n",
               seal_policy_name(p), seal_policy_sha256(p), previous, changed ? "true" : "false");
    } else {
        printf("{\"name\": \"%s\", \"sha256\": \"%s\"}\n", seal_policy_name(p),
               seal_policy_sha256(p));
    }
    seal_registry_close(reg);
    return 0;
}

int seal__cmd_policy(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    if (argc < 2) {
        return seal__cli_usage(cli, "policy", "needs verify, diff, show or set");
    }
    const char *sub = argv[1];
    if (strcmp(sub, "set") == 0 || (strcmp(sub, "show") == 0 && argc == 2)) {
        return of_record(cli, argc, argv);
    }
    bool two = strcmp(sub, "diff") == 0;
    if (strcmp(sub, "verify") != 0 && !two && strcmp(sub, "show") != 0) {
        return seal__cli_usage(cli, "policy", "unknown subcommand '%s'", sub);
    }
    if (argc != (two ? 4 : 3)) {
        return seal__cli_usage(cli, "policy",
                               two ? "diff needs two policies" : "%s needs one policy", sub);
    }
    seal_policy *a = NULL, *b = NULL;
    seal_buf out;
    seal_buf_init(&out);
    seal_error err;
    seal_error_init(&err);
    int rc = open_policy(cli, argv[2], &a);
    if (rc != 0 || (two && (rc = open_policy(cli, argv[3], &b)) != 0)) {
        goto out;
    }
    seal_status s;
    if (two) {
        size_t n = 0;
        s = seal_policy_diff(a, b, &out, &n, &err);
    } else if (strcmp(sub, "verify") == 0) {
        s = seal_policy_verify(a, &out, &err);
    } else {
        s = seal_buf_printf(&out, "{\"name\": \"%s\", \"sha256\": \"%s\"}", seal_policy_name(a),
                            seal_policy_sha256(a));
    }
    if (out.len > 0) {
        printf("%s\n", seal_buf_str(&out));
    }
    if (s != SEAL_OK) {
        rc = seal__cli_fail(cli, sub, &err);
    }
out:
    seal_policy_free(a);
    seal_policy_free(b);
    seal_buf_cleanup(&out);
    return rc;
}
