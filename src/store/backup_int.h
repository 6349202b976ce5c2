/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the backup files of src/store (key_backup.c, backup.c,
 * backup_ledger.c, backup_manifest.c). Only src/store includes this.
 */
#ifndef SEAL_STORE_BACKUP_INT_H
#define SEAL_STORE_BACKUP_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealed/backup.h"
#include "sealed/buf.h"
#include "sealed/status.h"

/* "a/b" into out; SEAL_INVALID when it does not fit. */
seal_status seal__backup_path(char *out, size_t cap, const char *a, const char *b,
                              seal_error *err) SEAL_MUST_USE;
/* fsync of a file or (dir) a directory. */
seal_status seal__backup_fsync_path(const char *path, bool dir, seal_error *err) SEAL_MUST_USE;
/* "<path>: <what>: <sqlite message>" with the status SQLite's code maps to. */
seal_status seal__backup_sql_error(sqlite3 *db, const char *path, const char *what,
                                   seal_error *err);
/* Opens an existing database (read-only unless write), busy timeout 10 s. */
seal_status seal__backup_open_db(const char *path, bool write, sqlite3 **db,
                                 seal_error *err) SEAL_MUST_USE;
/* VACUUM INTO dst (created first with mode 0600; must not exist), fsync'd. */
seal_status seal__backup_vacuum_into(sqlite3 *db, const char *src, const char *dst,
                                     seal_error *err) SEAL_MUST_USE;

/* Copies the ledger in src (a data directory's ledger/) into dst (created):
 * the journal up to its last commit record, the signed checkpoint (which
 * must match the journal at its size), the verifier key, and tiles made
 * from the copied journal. Never the signing key. */
seal_status seal__backup_ledger_copy(const char *src, const char *dst, uint64_t *size,
                                     uint8_t root[32], uint64_t *checkpoint_size,
                                     seal_error *err) SEAL_MUST_USE;
/* Replays a journal file: size and root at its last commit record. */
seal_status seal__backup_journal_root(const char *path, uint64_t *size, uint8_t root[32],
                                      seal_error *err) SEAL_MUST_USE;

/* rm -rf path (best effort: SEAL_IO if path is left). */
seal_status seal__backup_remove_tree(const char *path);

/* The manifest as JSON (appended to out). */
seal_status seal__backup_manifest_format(const seal_backup_manifest *m,
                                         seal_buf *out) SEAL_MUST_USE;
/* SHA-256 and size of a file. */
seal_status seal__backup_file_digest(const char *path, uint64_t *bytes, uint8_t sha[32],
                                     seal_error *err) SEAL_MUST_USE;

#endif
