/* SPDX-License-Identifier: Apache-2.0 */
/* `sealctl backup`: online backups of a data directory, their offline check,
 * and restore into a new data directory (sealed/backup.h, docs/backup.md). */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sealed/backup.h"
#include "sealed/buf.h"

static const char help[] =
    "usage: sealctl [--data DIR] [--now TIME] backup OUT-DIR\n"
    "       sealctl backup verify [--key VKEY-FILE] OUT-DIR\n"
    "       sealctl [--data DIR] backup restore BACKUP-DIR --to NEW-DIR [--keys GENERATION]\n\n"
    "backup OUT-DIR\n"
    "  Copies the data directory consistently while it runs (other processes may\n"
    "  ingest, shred and log meanwhile): the record store, the ledger (journal up to\n"
    "  its last commit record, the signed checkpoint, the verifier key, tiles made\n"
    "  from the copied journal), registry.db and accounting.db when present, and a\n"
    "  MANIFEST with the SHA-256 of every file and the ledger's size and root. It\n"
    "  never copies the master key, the key store (keys.db) or the ledger's signing\n"
    "  key. The record store is copied re-keyed per subject: every keyed hash\n"
    "  (subject, natural key, blind-index rows) and record id is sealed under a key\n"
    "  derived from the subject's data key, so once a subject's key is shredded and\n"
    "  the key-store generations that held it have expired (`sealctl keys\n"
    "  expire`), nothing in any backup can be read, looked up or linked to it.\n"
    "  Records whose key is already gone are left out. Needs the master key.\n"
    "  Everything is written into OUT-DIR.tmp-PID, then renamed; OUT-DIR must not\n"
    "  exist or be an empty directory.\n\n"
    "backup verify OUT-DIR\n"
    "  Checks a backup offline: the manifest, each file's size and SHA-256, that no\n"
    "  file is missing or unlisted, the journal's root, the tiles and the signed\n"
    "  checkpoint (as `sealctl log verify`), and records.db's format and count.\n"
    "  --key VKEY-FILE  verify the checkpoint under this verifier key instead of\n"
    "                   the backup's own ledger/vkey\n\n"
    "backup restore BACKUP-DIR --to NEW-DIR [--keys GENERATION]\n"
    "  Verifies the backup, then makes NEW-DIR a data directory holding the records\n"
    "  whose subject has a data key in the key source, with their index rows, the\n"
    "  ledger, registry.db and accounting.db. The key source is DIR's live key\n"
    "  store, or a key-store generation (`sealctl keys generations`). A key the\n"
    "  generation holds but DIR's live key store no longer does (a subject shredded\n"
    "  since) is withheld; only when DIR has no key store left at all does the\n"
    "  generation's every key come back. NEW-DIR's sealed.conf names DIR's master\n"
    "  key file (never copied); DIR's ledger signing key is copied when present.\n\n"
    "output:\n"
    "  backup  OUT-DIR: N records (M left out: key shredded), ledger size S, F files\n"
    "  verify  ok: OUT-DIR: N records, ledger size S root HEX, checkpoint size C, F files\n"
    "  restore NEW-DIR: N records, K data keys; U records unreadable (no key in the key\n"
    "          source), W keys withheld (shredded since the generation)\n\n"
    "exit status: 0 ok, 1 failure (a message names the file), 2 usage.\n";

static int do_verify(seal_cli *cli, int argc, char **argv)
{
    const char *key = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--key") == 0 && i + 1 < argc) {
            key = argv[++i];
        } else if (argv[i][0] == '-') {
            return seal__cli_usage(cli, "backup", "verify: unknown option '%s'", argv[i]);
        } else if (out == NULL) {
            out = argv[i];
        } else {
            return seal__cli_usage(cli, "backup", "verify: one backup directory only");
        }
    }
    if (out == NULL) {
        return seal__cli_usage(cli, "backup", "verify needs a backup directory");
    }
    seal_error err;
    seal_error_init(&err);
    seal_buf vkey;
    seal_buf_init(&vkey);
    if (key != NULL) {
        FILE *f = fopen(key, "rb");
        char chunk[4096];
        size_t n = 0;
        if (f == NULL) {
            seal_error_set(&err, SEAL_IO, "%s: cannot read", key);
            return seal__cli_fail(cli, "backup verify", &err);
        }
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && vkey.len < 65536) {
            if (seal_buf_append(&vkey, chunk, n) != SEAL_OK) {
                break;
            }
        }
        fclose(f);
        while (vkey.len > 0 &&
               (vkey.data[vkey.len - 1] == '\n' || vkey.data[vkey.len - 1] == '\r')) {
            vkey.len--;
        }
    }
    seal_backup_manifest m;
    seal_backup_manifest_init(&m);
    seal_status s = seal_backup_verify(out, key != NULL ? seal_buf_str(&vkey) : NULL, &m, &err);
    seal_buf_cleanup(&vkey);
    if (s != SEAL_OK) {
        return seal__cli_fail(cli, "backup verify", &err);
    }
    char root[65];
    seal_hex_encode(root, m.ledger_root, 32);
    printf("ok: %s: %lld records, ledger size %llu root %s, checkpoint size %llu, %zu files\n", out,
           (long long) m.records, (unsigned long long) m.ledger_size, root,
           (unsigned long long) m.checkpoint_size, m.nfiles + 1);
    seal_backup_manifest_cleanup(&m);
    return 0;
}

static int do_restore(seal_cli *cli, int argc, char **argv)
{
    const char *to = NULL, *keys = NULL, *from = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--to") == 0 && i + 1 < argc) {
            to = argv[++i];
        } else if (strcmp(argv[i], "--keys") == 0 && i + 1 < argc) {
            keys = argv[++i];
        } else if (argv[i][0] == '-') {
            return seal__cli_usage(cli, "backup", "restore: unknown option '%s'", argv[i]);
        } else if (from == NULL) {
            from = argv[i];
        } else {
            return seal__cli_usage(cli, "backup", "restore: one backup directory only");
        }
    }
    if (from == NULL || to == NULL) {
        return seal__cli_usage(cli, "backup", "restore needs BACKUP-DIR and --to NEW-DIR");
    }
    seal_error err;
    seal_error_init(&err);
    seal_restore_result r;
    if (seal_backup_restore(cli->data_dir, from, to, keys, &r, &err) != SEAL_OK) {
        return seal__cli_fail(cli, "backup restore", &err);
    }
    printf("%s: %lld records, %lld data keys; %lld records unreadable (no key in the key source), "
           "%lld keys withheld (shredded since the generation)\n",
           to, (long long) r.records, (long long) r.keys, (long long) r.unreadable,
           (long long) r.withheld);
    return 0;
}

int seal__cmd_backup(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "verify") == 0) {
        return do_verify(cli, argc - 1, argv + 1);
    }
    if (argc >= 2 && strcmp(argv[1], "restore") == 0) {
        return do_restore(cli, argc - 1, argv + 1);
    }
    if (argc != 2 || argv[1][0] == '-') {
        return seal__cli_usage(cli, "backup", "needs one OUT-DIR, or verify or restore");
    }
    seal_error err;
    seal_error_init(&err);
    seal_backup_manifest m;
    seal_backup_manifest_init(&m);
    if (seal_backup_create(cli->data_dir, argv[1], seal__cli_now(cli), &m, &err) != SEAL_OK) {
        return seal__cli_fail(cli, "backup", &err);
    }
    printf("%s: %lld records (%lld left out: key shredded), ledger size %llu, %zu files\n", argv[1],
           (long long) m.records, (long long) m.left_out, (unsigned long long) m.ledger_size,
           m.nfiles + 1);
    seal_backup_manifest_cleanup(&m);
    return 0;
}
