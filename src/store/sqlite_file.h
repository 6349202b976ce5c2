/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every small SQLite store of sealed (accounting, amend, tokens) does the same
 * way: open DIR/NAME creating it with mode 0600 and refusing an existing one
 * that group or others can access, WAL with synchronous=FULL, the schema,
 * every statement prepared once; and one mapping of SQLite errors to
 * seal_status. Only src/store/ uses it.
 */
#ifndef SEAL_STORE_SQLITE_FILE_H
#define SEAL_STORE_SQLITE_FILE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "sealed/status.h"

/* path (cap bytes) receives DIR/NAME. On failure *db may be set: the caller
 * closes it with seal__sqlite_file_close as usual. */
seal_status seal__sqlite_file_open(const char *dir, const char *name, char *path, size_t cap,
                                   const char *schema, const char *const *queries, size_t nq,
                                   sqlite3 **db, sqlite3_stmt **q, seal_error *err) SEAL_MUST_USE;
/* Finalizes the nq statements (NULLs are fine) and closes db (NULL is fine). */
void seal__sqlite_file_close(sqlite3 *db, sqlite3_stmt **q, size_t nq);
/* BEGIN IMMEDIATE; sets *in_tx. A failure is reported as "begin". */
seal_status seal__sqlite_file_begin(sqlite3 *db, const char *path, bool *in_tx,
                                    seal_error *err) SEAL_MUST_USE;
/* COMMIT; clears *in_tx. A failure ("commit") leaves *in_tx set. */
seal_status seal__sqlite_file_commit(sqlite3 *db, const char *path, bool *in_tx,
                                     seal_error *err) SEAL_MUST_USE;
/* ROLLBACK when *in_tx, ignoring errors; clears *in_tx. */
void seal__sqlite_file_rollback(sqlite3 *db, bool *in_tx);
/* "<path>: <what>: <sqlite message>" with the status SQLite's code maps to. */
seal_status seal__sqlite_file_error(sqlite3 *db, const char *path, seal_error *err,
                                    const char *what);

#endif
