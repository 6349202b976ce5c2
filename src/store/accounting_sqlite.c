/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SQLite backend of the accounting storage interface (store/accounting.h):
 * DATA/accounting.db (mode 0600, WAL, synchronous=FULL) with the tables
 * productions (one row per request: the second production of a request is a
 * primary-key conflict), entries (one row per production and subject,
 * keyed by the subject's commitment, with its keep_until) and evidx (each
 * request's ledger event indexes, kept up to evidx_size's ledger size). Rows hold ids, numbers and
 * commitments; no record content and no identifier ever reaches this file.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "sealed/alloc.h"
#include "store/accounting.h"
#include "store/sqlite_file.h"

enum {
    Q_PROD_PUT,
    Q_PROD_GET,
    Q_ENTRY_PUT,
    Q_ENTRY_EACH,
    Q_ENTRY_PURGE,
    Q_EVIDX_SIZE,
    Q_EVIDX_SET_SIZE,
    Q_EVIDX_PUT,
    Q_EVIDX_EACH,
    Q_COUNT
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS productions (request TEXT PRIMARY KEY, production TEXT NOT NULL "
    "UNIQUE, principal TEXT NOT NULL, at INTEGER NOT NULL, ledger_index INTEGER NOT NULL, "
    "manifest BLOB NOT NULL, subjects INTEGER NOT NULL, records INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS entries (subject BLOB NOT NULL, production TEXT NOT NULL, "
    "request TEXT NOT NULL, agency TEXT NOT NULL, policy TEXT NOT NULL, basis INTEGER NOT NULL, "
    "pa_basis INTEGER NOT NULL, purpose INTEGER NOT NULL, categories INTEGER NOT NULL, "
    "window_from INTEGER NOT NULL, window_to INTEGER NOT NULL, at INTEGER NOT NULL, "
    "notice_until INTEGER NOT NULL, b7_hidden INTEGER NOT NULL, ledger_index INTEGER NOT NULL, "
    "keep_until INTEGER NOT NULL, agency_address TEXT NOT NULL DEFAULT '', "
    "PRIMARY KEY (subject, production));"
    "CREATE INDEX IF NOT EXISTS entries_keep ON entries (keep_until);"
    "CREATE TABLE IF NOT EXISTS evidx_size (one INTEGER PRIMARY KEY CHECK (one = 1), "
    "size INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS evidx (request TEXT NOT NULL, ledger_index INTEGER NOT NULL, "
    "PRIMARY KEY (request, ledger_index)) WITHOUT ROWID;";

/* Version 1 files lack entries.agency_address (and the index tables, which
 * the schema creates). */
static const char migrate_v1[] =
    "ALTER TABLE entries ADD COLUMN agency_address TEXT NOT NULL DEFAULT ''";

static const char *const queries[Q_COUNT] = {
    [Q_PROD_PUT] = "INSERT INTO productions VALUES (?,?,?,?,?,?,?,?)",
    [Q_PROD_GET] = "SELECT request, production, principal, at, ledger_index, manifest, subjects, "
                   "records FROM productions WHERE request = ?",
    [Q_ENTRY_PUT] = "INSERT INTO entries (subject, production, request, agency, policy, basis, "
                    "pa_basis, purpose, categories, window_from, window_to, at, notice_until, "
                    "b7_hidden, ledger_index, keep_until, agency_address) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [Q_ENTRY_EACH] = "SELECT subject, production, request, agency, policy, basis, pa_basis, "
                     "purpose, categories, window_from, window_to, at, notice_until, b7_hidden, "
                     "ledger_index, keep_until, agency_address FROM entries WHERE subject = ? "
                     "ORDER BY at, production",
    [Q_ENTRY_PURGE] = "DELETE FROM entries WHERE keep_until <= ?",
    [Q_EVIDX_SIZE] = "SELECT size FROM evidx_size WHERE one = 1",
    [Q_EVIDX_SET_SIZE] = "INSERT OR REPLACE INTO evidx_size VALUES (1, ?)",
    [Q_EVIDX_PUT] = "INSERT OR IGNORE INTO evidx VALUES (?, ?)",
    [Q_EVIDX_EACH] = "SELECT ledger_index FROM evidx WHERE request = ? ORDER BY ledger_index",
};

struct seal_acct_backend {
    sqlite3 *db;
    sqlite3_stmt *q[Q_COUNT];
    bool in_tx;
    char path[1100];
};

static seal_status db_error(seal_acct_backend *b, seal_error *err, const char *what)
{
    return seal__sqlite_file_error(b->db, b->path, err, what);
}

static void acct_close(seal_acct_backend *b)
{
    if (b == NULL) {
        return;
    }
    seal__sqlite_file_rollback(b->db, &b->in_tx);
    seal__sqlite_file_close(b->db, b->q, Q_COUNT);
    seal_free(b);
}

static seal_status acct_open(const char *dir, seal_acct_backend **out, seal_error *err)
{
    *out = NULL;
    seal_acct_backend *b = seal_calloc(1, sizeof(*b));
    if (b == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "out of memory");
    }
    /* no statements yet: a version 1 file is migrated before they are prepared */
    seal_status s = seal__sqlite_file_open(dir, "accounting.db", b->path, sizeof(b->path), schema,
                                           queries, 0, &b->db, b->q, err);
    if (s == SEAL_OK) {
        sqlite3_stmt *probe = NULL;
        if (sqlite3_prepare_v2(b->db, "SELECT agency_address FROM entries LIMIT 0", -1, &probe,
                               NULL) != SQLITE_OK &&
            sqlite3_exec(b->db, migrate_v1, NULL, NULL, NULL) != SQLITE_OK) {
            s = db_error(b, err, "cannot migrate");
        }
        sqlite3_finalize(probe);
    }
    for (size_t i = 0; s == SEAL_OK && i < Q_COUNT; i++) {
        if (sqlite3_prepare_v3(b->db, queries[i], -1, SQLITE_PREPARE_PERSISTENT, &b->q[i], NULL) !=
            SQLITE_OK) {
            s = db_error(b, err, "cannot prepare");
        }
    }
    if (s != SEAL_OK) {
        acct_close(b);
        return s;
    }
    *out = b;
    return SEAL_OK;
}

static seal_status acct_begin(seal_acct_backend *b, seal_error *err)
{
    return seal__sqlite_file_begin(b->db, b->path, &b->in_tx, err);
}

static seal_status acct_commit(seal_acct_backend *b, seal_error *err)
{
    return seal__sqlite_file_commit(b->db, b->path, &b->in_tx, err);
}

static void acct_rollback(seal_acct_backend *b)
{
    seal__sqlite_file_rollback(b->db, &b->in_tx);
}

static void text(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

static void copy_col(char *dst, size_t n, sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    int len = sqlite3_column_bytes(st, i);
    size_t k = t == NULL || len < 0 ? 0 : (size_t) len;
    if (k >= n) {
        k = n - 1;
    }
    if (k > 0) {
        memcpy(dst, t, k);
    }
    dst[k] = '\0';
}

static seal_status step_done(seal_acct_backend *b, sqlite3_stmt *st, seal_error *err,
                             const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE) {
        return db_error(b, err, what);
    }
    return SEAL_OK;
}

static seal_status production_put(seal_acct_backend *b, const seal_acct_production *p,
                                  seal_error *err)
{
    sqlite3_stmt *st = b->q[Q_PROD_PUT];
    text(st, 1, p->request);
    text(st, 2, p->production);
    text(st, 3, p->principal);
    sqlite3_bind_int64(st, 4, p->at);
    sqlite3_bind_int64(st, 5, (sqlite3_int64) p->ledger_index);
    sqlite3_bind_blob(st, 6, p->manifest, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, p->subjects);
    sqlite3_bind_int64(st, 8, p->records);
    return step_done(b, st, err, "production put");
}

static seal_status production_get(seal_acct_backend *b, const char *request,
                                  seal_acct_production *p, seal_error *err)
{
    sqlite3_stmt *st = b->q[Q_PROD_GET];
    text(st, 1, request);
    int rc = sqlite3_step(st);
    seal_status s = SEAL_OK;
    if (rc == SQLITE_ROW) {
        memset(p, 0, sizeof(*p));
        copy_col(p->request, sizeof(p->request), st, 0);
        copy_col(p->production, sizeof(p->production), st, 1);
        copy_col(p->principal, sizeof(p->principal), st, 2);
        p->at = sqlite3_column_int64(st, 3);
        p->ledger_index = (uint64_t) sqlite3_column_int64(st, 4);
        if (sqlite3_column_bytes(st, 5) == 32) {
            memcpy(p->manifest, sqlite3_column_blob(st, 5), 32);
        }
        p->subjects = sqlite3_column_int64(st, 6);
        p->records = sqlite3_column_int64(st, 7);
    } else if (rc == SQLITE_DONE) {
        s = seal_error_set(err, SEAL_NOTFOUND, "no production of request %s", request);
    } else {
        s = db_error(b, err, "production get");
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return s;
}

static seal_status entry_put(seal_acct_backend *b, const seal_accounting_entry *e, seal_error *err)
{
    sqlite3_stmt *st = b->q[Q_ENTRY_PUT];
    sqlite3_bind_blob(st, 1, e->subject, 32, SQLITE_STATIC);
    text(st, 2, e->production);
    text(st, 3, e->request);
    text(st, 4, e->agency);
    text(st, 5, e->policy);
    sqlite3_bind_int(st, 6, e->basis);
    sqlite3_bind_int(st, 7, e->pa_basis);
    sqlite3_bind_int(st, 8, e->purpose);
    sqlite3_bind_int64(st, 9, e->categories);
    sqlite3_bind_int64(st, 10, e->window_from);
    sqlite3_bind_int64(st, 11, e->window_to);
    sqlite3_bind_int64(st, 12, e->at);
    sqlite3_bind_int64(st, 13, e->notice_until);
    sqlite3_bind_int(st, 14, e->b7_hidden ? 1 : 0);
    sqlite3_bind_int64(st, 15, (sqlite3_int64) e->ledger_index);
    sqlite3_bind_int64(st, 16, e->keep_until);
    text(st, 17, e->agency_address);
    return step_done(b, st, err, "entry put");
}

static seal_status entry_each(seal_acct_backend *b, const uint8_t subject[32],
                              seal_acct_entry_cb cb, void *ud, seal_error *err)
{
    sqlite3_stmt *st = b->q[Q_ENTRY_EACH];
    sqlite3_bind_blob(st, 1, subject, 32, SQLITE_STATIC);
    seal_status s = SEAL_OK;
    int rc = SQLITE_DONE;
    while (s == SEAL_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        seal_accounting_entry e;
        memset(&e, 0, sizeof(e));
        if (sqlite3_column_bytes(st, 0) == 32) {
            memcpy(e.subject, sqlite3_column_blob(st, 0), 32);
        }
        copy_col(e.production, sizeof(e.production), st, 1);
        copy_col(e.request, sizeof(e.request), st, 2);
        copy_col(e.agency, sizeof(e.agency), st, 3);
        copy_col(e.policy, sizeof(e.policy), st, 4);
        e.basis = sqlite3_column_int(st, 5);
        e.pa_basis = sqlite3_column_int(st, 6);
        e.purpose = sqlite3_column_int(st, 7);
        e.categories = (uint32_t) sqlite3_column_int64(st, 8);
        e.window_from = sqlite3_column_int64(st, 9);
        e.window_to = sqlite3_column_int64(st, 10);
        e.at = sqlite3_column_int64(st, 11);
        e.notice_until = sqlite3_column_int64(st, 12);
        e.b7_hidden = sqlite3_column_int(st, 13) != 0;
        e.ledger_index = (uint64_t) sqlite3_column_int64(st, 14);
        e.keep_until = sqlite3_column_int64(st, 15);
        copy_col(e.agency_address, sizeof(e.agency_address), st, 16);
        s = cb(&e, ud);
    }
    if (s == SEAL_OK && rc != SQLITE_DONE) {
        s = db_error(b, err, "entry each");
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return s;
}

static seal_status entry_purge(seal_acct_backend *b, int64_t now, int64_t *n, seal_error *err)
{
    sqlite3_bind_int64(b->q[Q_ENTRY_PURGE], 1, now);
    seal_status s = step_done(b, b->q[Q_ENTRY_PURGE], err, "entry purge");
    *n = s == SEAL_OK ? (int64_t) sqlite3_changes(b->db) : 0;
    return s;
}

static seal_status evidx_size(seal_acct_backend *b, uint64_t *size, seal_error *err)
{
    sqlite3_stmt *st = b->q[Q_EVIDX_SIZE];
    int rc = sqlite3_step(st);
    *size = rc == SQLITE_ROW ? (uint64_t) sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SEAL_OK : db_error(b, err, "index size");
}

static seal_status evidx_set_size(seal_acct_backend *b, uint64_t size, seal_error *err)
{
    sqlite3_bind_int64(b->q[Q_EVIDX_SET_SIZE], 1, (sqlite3_int64) size);
    return step_done(b, b->q[Q_EVIDX_SET_SIZE], err, "index size");
}

static seal_status evidx_put(seal_acct_backend *b, const char *request, uint64_t index,
                             seal_error *err)
{
    text(b->q[Q_EVIDX_PUT], 1, request);
    sqlite3_bind_int64(b->q[Q_EVIDX_PUT], 2, (sqlite3_int64) index);
    return step_done(b, b->q[Q_EVIDX_PUT], err, "index put");
}

static seal_status evidx_each(seal_acct_backend *b, const char *request, seal_acct_index_cb cb,
                              void *ud, seal_error *err)
{
    sqlite3_stmt *st = b->q[Q_EVIDX_EACH];
    text(st, 1, request);
    seal_status s = SEAL_OK;
    int rc = SQLITE_DONE;
    while (s == SEAL_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        s = cb((uint64_t) sqlite3_column_int64(st, 0), ud);
    }
    if (s == SEAL_OK && rc != SQLITE_DONE) {
        s = db_error(b, err, "index each");
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return s;
}

static seal_status evidx_reset(seal_acct_backend *b, seal_error *err)
{
    if (sqlite3_exec(b->db, "DELETE FROM evidx; DELETE FROM evidx_size;", NULL, NULL, NULL) !=
        SQLITE_OK) {
        return db_error(b, err, "index reset");
    }
    return SEAL_OK;
}

const seal_acct_backend_ops seal__sqlite_accounting = {
    .version = SEAL_ACCT_BACKEND_VERSION,
    .name = "sqlite",
    .open = acct_open,
    .close = acct_close,
    .begin = acct_begin,
    .commit = acct_commit,
    .rollback = acct_rollback,
    .production_put = production_put,
    .production_get = production_get,
    .entry_put = entry_put,
    .entry_each = entry_each,
    .entry_purge = entry_purge,
    .evidx_size = evidx_size,
    .evidx_set_size = evidx_set_size,
    .evidx_put = evidx_put,
    .evidx_each = evidx_each,
    .evidx_reset = evidx_reset,
};
