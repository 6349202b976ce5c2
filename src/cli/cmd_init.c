/* SPDX-License-Identifier: Apache-2.0 */
/* `sealctl init`: creates a data directory under its policy of record, and
 * chooses its clock for good. */
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "sealed/policy.h"
#include "sealed/registry.h"
#include "sealed/store.h"

static const char help[] =
    "usage: sealctl [--data DIR] [--now TIME] init [--test-clock] [--policy "
    "strict|cfr-233|FILE]\n\n"
    "Creates the data directory DIR (default $SEALED_DATA, else ./var) with mode 0700:\n"
    "  master.key   a fresh random master key (mode 0600; keep a copy offline)\n"
    "  sealed.conf  configuration: backend and key file path, never keys\n"
    "  store.db     the record store (ciphertext and keyed hashes only)\n"
    "  keys.db      the key store: per-subject data keys wrapped by the master key\n"
    "  ledger/      the ledger; its first entry says when DIR was made, and with\n"
    "               which clock\n"
    "  policy.json  the policy of record (docs/policy.md): every request submitted\n"
    "               here is checked under it, whoever submits it\n\n"
    "options:\n"
    "  --policy P   the policy of record: a shipped policy (strict, cfr-233) or a\n"
    "               policy file; default strict. Recorded as a policy.set ledger\n"
    "               event with its SHA-256; changed later only by a privacy\n"
    "               officer with `sealctl policy set`.\n"
    "  --test-clock  a directory for tests and demos: commands that write to it\n"
    "                take --now / $SEALED_NOW (and sealed takes $SEALED_NOW), and\n"
    "                the ledger refuses an event earlier than the last one. The\n"
    "                flag is shown by `stats`, GET /v1/me and the console, and can\n"
    "                be neither added nor removed later. --now (the directory's\n"
    "                first time) goes with init only together with --test-clock.\n\n"
    "Without --test-clock, commands that append to the ledger refuse --now and\n"
    "$SEALED_NOW, and events are stamped with the clock (never earlier than the\n"
    "last event). Refuses a directory that already holds a store, and a policy that does not\n"
    "load (nothing is created then).\n";

int seal__cmd_init(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    const char *policy = SEAL_POLICY_DEFAULT;
    bool test_clock = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--test-clock") == 0) {
            test_clock = true;
        } else if (strcmp(argv[i], "--policy") == 0 && i + 1 < argc) {
            policy = argv[++i];
        } else if (strcmp(argv[i], "--policy") == 0) {
            return seal__cli_usage(cli, "init", "--policy needs strict, cfr-233 or a FILE");
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
    /* the policy first: a bad one leaves nothing behind */
    seal_policy *p = NULL;
    if (seal_policy_open(policy, &p, &err) != SEAL_OK) {
        return seal__cli_fail(cli, "init: --policy", &err);
    }
    seal_policy_free(p);
    if (seal_store_create_clock(cli->data_dir, test_clock, seal__cli_now(cli), &err) != SEAL_OK) {
        return seal__cli_fail(cli, "init", &err);
    }
    seal_registry *reg = NULL;
    if (seal_registry_open(cli->data_dir, NULL, seal__cli_now(cli), &reg, &err) != SEAL_OK ||
        seal_registry_policy_set(reg, policy, NULL, &err) != SEAL_OK) {
        seal_registry_close(reg);
        return seal__cli_fail(cli, "init: --policy", &err);
    }
    printf("initialised %s%s\n", cli->data_dir, test_clock ? " (test clock)" : "");
    seal_registry_close(reg);
    return 0;
}
