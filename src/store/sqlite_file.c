/* SPDX-License-Identifier: Apache-2.0 */
/* Opening, closing and error mapping shared by the small SQLite stores
 * (accounting.db, amend.db, tokens.db); see sqlite_file.h. */
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>

#include "store/sqlite_file.h"

seal_status seal__sqlite_file_error(sqlite3 *db, const char *path, seal_error *err,
                                    const char *what)
{
    int prim = sqlite3_extended_errcode(db) & 0xff;
    seal_status s = SEAL_STORE;
    if (prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB) {
        s = SEAL_CORRUPT;
    } else if (prim == SQLITE_IOERR || prim == SQLITE_FULL || prim == SQLITE_CANTOPEN) {
        s = SEAL_IO;
    } else if (prim == SQLITE_NOMEM) {
        s = SEAL_NOMEM;
    } else if (prim == SQLITE_CONSTRAINT) {
        s = SEAL_EXISTS;
    }
    return seal_error_set(err, s, "%s: %s: %s", path, what, sqlite3_errmsg(db));
}

seal_status seal__sqlite_file_open(const char *dir, const char *name, char *path, size_t cap,
                                   const char *schema, const char *const *queries, size_t nq,
                                   sqlite3 **db, sqlite3_stmt **q, seal_error *err)
{
    int w = snprintf(path, cap, "%s/%s", dir, name);
    if (w < 0 || (size_t) w >= cap) {
        return seal_error_set(err, SEAL_INVALID, "data directory path too long");
    }
    struct stat sb;
    bool fresh = stat(path, &sb) != 0;
    if (sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        return *db == NULL ? seal_error_set(err, SEAL_NOMEM, "%s: cannot open", path)
                           : seal__sqlite_file_error(*db, path, err, "cannot open");
    }
    if (fresh) {
        chmod(path, 0600); /* WAL and SHM files inherit this mode */
    } else if ((sb.st_mode & 077) != 0) {
        return seal_error_set(err, SEAL_PERM, "%s: group or others can access it (mode %04o)", path,
                              (unsigned) (sb.st_mode & 07777));
    }
    sqlite3_extended_result_codes(*db, 1);
    sqlite3_busy_timeout(*db, 10000);
    if (sqlite3_exec(*db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", NULL, NULL, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(*db, schema, NULL, NULL, NULL) != SQLITE_OK) {
        return seal__sqlite_file_error(*db, path, err, "cannot set up");
    }
    for (size_t i = 0; i < nq; i++) {
        if (sqlite3_prepare_v3(*db, queries[i], -1, SQLITE_PREPARE_PERSISTENT, &q[i], NULL) !=
            SQLITE_OK) {
            return seal__sqlite_file_error(*db, path, err, "cannot prepare");
        }
    }
    return SEAL_OK;
}

void seal__sqlite_file_close(sqlite3 *db, sqlite3_stmt **q, size_t nq)
{
    for (size_t i = 0; i < nq; i++) {
        sqlite3_finalize(q[i]);
    }
    sqlite3_close(db);
}

seal_status seal__sqlite_file_begin(sqlite3 *db, const char *path, bool *in_tx, seal_error *err)
{
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        return seal__sqlite_file_error(db, path, err, "begin");
    }
    *in_tx = true;
    return SEAL_OK;
}

seal_status seal__sqlite_file_commit(sqlite3 *db, const char *path, bool *in_tx, seal_error *err)
{
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        return seal__sqlite_file_error(db, path, err, "commit");
    }
    *in_tx = false;
    return SEAL_OK;
}

void seal__sqlite_file_rollback(sqlite3 *db, bool *in_tx)
{
    if (*in_tx) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        *in_tx = false;
    }
}
