/* SPDX-License-Identifier: Apache-2.0 */
/* `sealctl keys`: master-key check and rotation; key-store generations
 * (backup, expire, list; sealed/backup.h). */
#include <string.h>

#include "cli/cli.h"
#include "sealed/backup.h"
#include "sealed/policy.h"
#include "sealed/store.h"
#include "sealed/time.h"

static const char help[] =
    "usage: sealctl [--data DIR] keys check | rotate\n"
    "       sealctl [--data DIR] [--now TIME] keys backup | expire | generations\n"
    "                            [--folder DIR] [--policy NAME|FILE]\n\n"
    "  check        opens the store with the configured master key file and says\n"
    "               whether the key fits (exit 1 if not)\n"
    "  rotate       makes a new master key and re-wraps every subject's data key\n"
    "               under it in one transaction; records are not touched. The new key\n"
    "               replaces DIR/master.key; an interrupted rotation is completed or\n"
    "               rolled back the next time the store is opened.\n"
    "  backup       writes a generation of the key store (wrapped keys only: useless\n"
    "               without the master key) as FOLDER/keys-YYYYMMDDTHHMMSSZ.db, mode\n"
    "               0600, named by the current time (--now), then expires as below\n"
    "  expire       deletes (unlink) every generation at least the policy's\n"
    "               key_backup_grace_days old, then scrubs the live key store\n"
    "               (VACUUM and a truncating WAL checkpoint) so deleted keys leave its\n"
    "               free space. Once a shredded subject's grace has passed and this\n"
    "               has run, no generation and no key-store file holds its key.\n"
    "  generations  lists the generations, oldest first, with when each expires\n\n"
    "options:\n"
    "  --folder DIR       where generations live (default: DIR/key-backups)\n"
    "  --policy NAME|FILE the policy whose key_backup_grace_days applies\n"
    "                     (default: " SEAL_POLICY_DEFAULT "; strict 7 days, cfr-233 30)\n\n"
    "On SSDs and copy-on-write or journaling file systems, unlink frees blocks but\n"
    "need not erase them: see docs/backup.md for what deletion does and does not\n"
    "promise there.\n";

typedef struct gens_ctx {
    int64_t grace;
    int64_t n;
} gens_ctx;

static void print_gen(const char *path, int64_t taken, void *ud)
{
    gens_ctx *g = ud;
    char a[32], b[32];
    seal_time_format(a, sizeof(a), taken);
    seal_time_format(b, sizeof(b), taken + g->grace * 86400);
    printf("%s  taken %s  expires %s\n", path, a, b);
    g->n++;
}

static int generations(seal_cli *cli, int argc, char **argv)
{
    const char *folder = NULL, *policy = SEAL_POLICY_DEFAULT;
    const char *cmd = argv[1];
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--folder") == 0 && i + 1 < argc) {
            folder = argv[++i];
        } else if (strcmp(argv[i], "--policy") == 0 && i + 1 < argc) {
            policy = argv[++i];
        } else {
            return seal__cli_usage(cli, "keys", "%s: unknown argument '%s'", cmd, argv[i]);
        }
    }
    seal_error err;
    seal_error_init(&err);
    seal_policy *pol = NULL;
    if (seal_policy_open(policy, &pol, &err) != SEAL_OK) {
        return seal__cli_fail(cli, "keys", &err);
    }
    seal_policy_numbers num;
    seal_policy_get_numbers(pol, &num);
    char what[32];
    snprintf(what, sizeof(what), "keys %s", cmd);
    int64_t now = seal__cli_now(cli);
    int rc = 0;
    if (strcmp(cmd, "generations") == 0) {
        gens_ctx g = {num.key_backup_grace_days, 0};
        if (seal_keys_generations(cli->data_dir, folder, print_gen, &g, &err) != SEAL_OK) {
            rc = seal__cli_fail(cli, what, &err);
        } else if (g.n == 0) {
            printf("no key-store generations\n");
        }
        seal_policy_free(pol);
        return rc;
    }
    char name[SEAL_KEYGEN_NAME_MAX];
    if (strcmp(cmd, "backup") == 0) {
        if (seal_keys_backup(cli->data_dir, folder, now, name, &err) != SEAL_OK) {
            seal_policy_free(pol);
            return seal__cli_fail(cli, what, &err);
        }
        printf("key-store generation %s written\n", name);
    }
    seal_keys_expiry ex;
    if (seal_keys_expire(cli->data_dir, folder, now, num.key_backup_grace_days, &ex, &err) !=
        SEAL_OK) {
        rc = seal__cli_fail(cli, what, &err);
    } else {
        printf("expired %lld generation%s, kept %lld (grace %lld days under %s); live key store "
               "scrubbed\n",
               (long long) ex.deleted, ex.deleted == 1 ? "" : "s", (long long) ex.kept,
               (long long) num.key_backup_grace_days, seal_policy_name(pol));
    }
    seal_policy_free(pol);
    return rc;
}

int seal__cmd_keys(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    if (argc < 2) {
        return seal__cli_usage(cli, "keys", "needs check, rotate, backup, expire or generations");
    }
    if (strcmp(argv[1], "backup") == 0 || strcmp(argv[1], "expire") == 0 ||
        strcmp(argv[1], "generations") == 0) {
        return generations(cli, argc, argv);
    }
    if (argc != 2) {
        return seal__cli_usage(cli, "keys", "%s takes no arguments", argv[1]);
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
