/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Backups of a data directory, built so that crypto-shredding survives them
 * (docs/backup.md has the threat model and the argument).
 *
 * - Key-store generations: VACUUM INTO copies of keys.db (wrapped keys only;
 *   useless without the master key), one file per generation named by its
 *   time, "keys-YYYYMMDDTHHMMSSZ.db", in DIR/key-backups/ or a folder of the
 *   caller's. A generation taken at t is deleted once now >= t + grace days
 *   (the policy number key_backup_grace_days), so a data key deleted by a
 *   shred at s survives in no generation after s + grace.
 * - Record backups: a consistent online copy of the record store and the
 *   ledger (plus registry.db and accounting.db), never the master key, never
 *   keys.db. The record store is copied re-keyed per subject: each record's
 *   keyed hashes (subject, natural key, digest, blind-index rows) and its
 *   record id are sealed under a key derived from its subject's data key, and
 *   the record is filed under a per-backup pseudonym of that key. Without
 *   the data key, a backed-up record cannot be read, found by an identifier,
 *   or tied to any other copy of the subject.
 *
 * Functions are reentrant; none keeps state between calls. Errors carry a
 * message that names the file, never a value.
 */
#ifndef SEALED_BACKUP_H
#define SEALED_BACKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealed/status.h"

/* ---- key-store generations -------------------------------------------- */

/* "keys-" 15 + "Z.db" : 24 characters and a NUL. */
#define SEAL_KEYGEN_NAME_MAX 25
#define SEAL_KEYGEN_DIR "key-backups"

/* The generation file name for time t (unix seconds, UTC, year 1970..9999):
 * "keys-20261124T181500Z.db". SEAL_INVALID for a time outside that range. */
seal_status seal_keygen_name(int64_t t, char out[SEAL_KEYGEN_NAME_MAX]) SEAL_MUST_USE;
/* The time a generation file name stands for; SEAL_INVALID when name is not
 * exactly a generation name (any other file in the folder is left alone). */
seal_status seal_keygen_parse(const char *name, int64_t *t) SEAL_MUST_USE;
/* True when a generation taken at `taken` has outlived the grace at `now`:
 * now >= taken + grace_days * 86400. A generation from the future (clock
 * set back) is not expired. */
bool seal_keygen_expired(int64_t taken, int64_t now, int64_t grace_days);

/* Writes a generation of DIR/keys.db (mode 0600, fsync'd, written as a
 * temporary file and renamed) into folder (NULL: DIR/key-backups, created
 * 0700), named by now. name_out (may be NULL) receives the file name.
 * SEAL_EXISTS when a generation of that second exists already. */
seal_status seal_keys_backup(const char *dir, const char *folder, int64_t now,
                             char name_out[SEAL_KEYGEN_NAME_MAX], seal_error *err) SEAL_MUST_USE;

typedef struct seal_keys_expiry {
    int64_t kept;    /* generations younger than the grace */
    int64_t deleted; /* generations unlinked */
    bool scrubbed;   /* the live key store was rewritten (VACUUM) and its WAL truncated */
} seal_keys_expiry;

/* Deletes (unlink) every generation in folder (NULL: DIR/key-backups) whose
 * grace has passed at now, then scrubs the live DIR/keys.db: VACUUM and a
 * truncating WAL checkpoint, so a deleted data key's bytes leave the free
 * space of the file and its WAL. A missing folder holds no generations.
 * Called by `sealctl keys expire`, `sealctl keys backup` and the retention
 * sweep. res may be NULL. */
seal_status seal_keys_expire(const char *dir, const char *folder, int64_t now, int64_t grace_days,
                             seal_keys_expiry *res, seal_error *err) SEAL_MUST_USE;

/* Calls fn for each generation in folder (NULL: DIR/key-backups), oldest
 * first; path is borrowed until fn returns. */
typedef void (*seal_keygen_fn)(const char *path, int64_t taken, void *ud);
seal_status seal_keys_generations(const char *dir, const char *folder, seal_keygen_fn fn, void *ud,
                                  seal_error *err) SEAL_MUST_USE;

/* ---- record backups ---------------------------------------------------- */

#define SEAL_BACKUP_FORMAT "sealed-backup/v1"
#define SEAL_BACKUP_MAX_FILES 256

typedef struct seal_backup_file {
    char path[256]; /* relative to the backup directory, e.g. "ledger/tile/0/000" */
    uint64_t bytes;
    uint8_t sha256[32];
} seal_backup_file;

/* The backup's MANIFEST (JSON). */
typedef struct seal_backup_manifest {
    int64_t created;          /* unix seconds */
    int64_t records;          /* records in records.db */
    int64_t left_out;         /* records whose subject's key was already gone */
    uint64_t ledger_size;     /* leaves in ledger/journal */
    uint8_t ledger_root[32];  /* RFC 9162 root at ledger_size */
    uint64_t checkpoint_size; /* size in ledger/checkpoint (<= ledger_size) */
    size_t nfiles;
    seal_backup_file *files; /* owned; seal_backup_manifest_cleanup frees it */
} seal_backup_manifest;

void seal_backup_manifest_init(seal_backup_manifest *m);
void seal_backup_manifest_cleanup(seal_backup_manifest *m);
/* Strict parser: unknown or duplicate keys, a path that is absolute, holds
 * "..", "." or "//" or characters outside [A-Za-z0-9._/-], a digest that is
 * not 64 lower-case hex digits, or more than SEAL_BACKUP_MAX_FILES files:
 * SEAL_CORRUPT, with the field named. */
seal_status seal_backup_manifest_parse(const char *text, size_t len, seal_backup_manifest *out,
                                       seal_error *err) SEAL_MUST_USE;

/* Writes a backup of the data directory dir into out, which must not exist
 * or be an empty directory: records.db, registry.db and accounting.db when
 * present, ledger/ (journal up to its last commit record, the signed
 * checkpoint, the verifier key, tiles; never the signing key) and MANIFEST.
 * Everything is written into a temporary sibling directory that is renamed
 * to out at the end. Safe while other processes ingest, shred or append to
 * the ledger. m (may be NULL) receives the manifest. */
seal_status seal_backup_create(const char *dir, const char *out, int64_t now,
                               seal_backup_manifest *m, seal_error *err) SEAL_MUST_USE;

/* Checks a backup offline: the manifest, every file's size and SHA-256, no
 * file missing or unlisted, the ledger journal's root against the manifest
 * and the tiles and signed checkpoint (seal_ledger_verify_dir) under vkey
 * (verifier key text; NULL: the backup's own ledger/vkey), and records.db's
 * format and count. m (may be NULL) receives the manifest. SEAL_VERIFY /
 * SEAL_CORRUPT name the file. */
seal_status seal_backup_verify(const char *out, const char *vkey, seal_backup_manifest *m,
                               seal_error *err) SEAL_MUST_USE;

typedef struct seal_restore_result {
    int64_t records;    /* records restored */
    int64_t unreadable; /* records whose subject has no key in the key source */
    int64_t keys;       /* data keys written */
    int64_t withheld;   /* keys in the generation but shredded from the live key store */
} seal_restore_result;

/* Restores backup into the new data directory to (must not exist): its
 * records whose subject has a data key in the key source, their index rows,
 * the ledger, registry.db and accounting.db. The key source is dir's live
 * key store, or `keys` (a generation file) when not NULL; a key in the
 * generation that the live key store no longer holds (a subject shredded
 * since) is withheld, unless dir has no key store left at all. to's
 * sealed.conf names dir's master key file (never copied); dir's ledger
 * signing key is copied when present. res may be NULL. */
seal_status seal_backup_restore(const char *dir, const char *backup, const char *to,
                                const char *keys, seal_restore_result *res,
                                seal_error *err) SEAL_MUST_USE;

#endif
