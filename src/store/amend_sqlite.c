/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SQLite backend of the amendment storage interface (store/amend.h):
 * DATA/amend.db (mode 0600, WAL, synchronous=FULL, through the shared
 * opener), one table of amendments. Texts arrive sealed; this file never
 * sees a plaintext value.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "sealed/alloc.h"
#include "store/amend.h"
#include "store/sqlite_file.h"

enum { Q_SEQ, Q_PUT, Q_GET, Q_EACH, Q_COUNT };

#define COLS                                                                                       \
    "id, seq, subject, record, kind, field, state, filed_by, decided_by, reviewed_by, "            \
    "disagreed_by, filed, acked, decided, reviewed, disagreed, ack_due, review_due, "              \
    "overdue_logged, requested, reason, statement"

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS amendments (id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, "
    "subject BLOB NOT NULL, record INTEGER NOT NULL, kind TEXT NOT NULL, field TEXT NOT NULL, "
    "state INTEGER NOT NULL, filed_by TEXT NOT NULL, decided_by TEXT NOT NULL, "
    "reviewed_by TEXT NOT NULL, disagreed_by TEXT NOT NULL, filed INTEGER NOT NULL, "
    "acked INTEGER NOT NULL, decided INTEGER NOT NULL, reviewed INTEGER NOT NULL, "
    "disagreed INTEGER NOT NULL, ack_due INTEGER NOT NULL, review_due INTEGER NOT NULL, "
    "overdue_logged INTEGER NOT NULL, requested BLOB, reason BLOB, statement BLOB);";

static const char *const queries[Q_COUNT] = {
    [Q_SEQ] = "SELECT COALESCE(MAX(seq), 0) + 1 FROM amendments",
    [Q_PUT] = "INSERT OR REPLACE INTO amendments (" COLS
              ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [Q_GET] = "SELECT " COLS " FROM amendments WHERE id = ?",
    [Q_EACH] = "SELECT " COLS " FROM amendments ORDER BY seq",
};

struct seal_amend_backend {
    sqlite3 *db;
    sqlite3_stmt *q[Q_COUNT];
    bool in_tx;
    char path[1100];
};

static seal_status db_error(seal_amend_backend *b, seal_error *err, const char *what)
{
    return seal__sqlite_file_error(b->db, b->path, err, what);
}

static void am_close(seal_amend_backend *b)
{
    if (b == NULL) {
        return;
    }
    seal__sqlite_file_rollback(b->db, &b->in_tx);
    seal__sqlite_file_close(b->db, b->q, Q_COUNT);
    seal_free(b);
}

static seal_status am_open(const char *dir, seal_amend_backend **out, seal_error *err)
{
    *out = NULL;
    seal_amend_backend *b = seal_calloc(1, sizeof(*b));
    if (b == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "out of memory");
    }
    seal_status s = seal__sqlite_file_open(dir, "amend.db", b->path, sizeof(b->path), schema,
                                           queries, Q_COUNT, &b->db, b->q, err);
    if (s != SEAL_OK) {
        am_close(b);
        return s;
    }
    *out = b;
    return SEAL_OK;
}

static seal_status am_begin(seal_amend_backend *b, seal_error *err)
{
    return seal__sqlite_file_begin(b->db, b->path, &b->in_tx, err);
}

static seal_status am_commit(seal_amend_backend *b, seal_error *err)
{
    return seal__sqlite_file_commit(b->db, b->path, &b->in_tx, err);
}

static void am_rollback(seal_amend_backend *b)
{
    seal__sqlite_file_rollback(b->db, &b->in_tx);
}

static seal_status next_seq(seal_amend_backend *b, int64_t *seq, seal_error *err)
{
    sqlite3_stmt *st = b->q[Q_SEQ];
    int rc = sqlite3_step(st);
    *seq = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? SEAL_OK : db_error(b, err, "sequence");
}

static void text(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

static void blob(sqlite3_stmt *st, int i, const seal_amend_blob *bl)
{
    if (bl->len == 0) {
        sqlite3_bind_null(st, i);
    } else {
        sqlite3_bind_blob(st, i, bl->data, (int) bl->len, SQLITE_STATIC);
    }
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

static void blob_col(seal_amend_blob *bl, sqlite3_stmt *st, int i)
{
    const void *p = sqlite3_column_blob(st, i);
    int len = sqlite3_column_bytes(st, i);
    bl->len = p == NULL || len <= 0 || (size_t) len > sizeof(bl->data) ? 0 : (size_t) len;
    if (bl->len > 0) {
        memcpy(bl->data, p, bl->len);
    }
}

static seal_status put(seal_amend_backend *b, const seal_amend_row *r, seal_error *err)
{
    sqlite3_stmt *st = b->q[Q_PUT];
    text(st, 1, r->id);
    sqlite3_bind_int64(st, 2, r->seq);
    sqlite3_bind_blob(st, 3, r->subject, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, r->record);
    text(st, 5, r->kind);
    text(st, 6, r->field);
    sqlite3_bind_int(st, 7, r->state);
    text(st, 8, r->filed_by);
    text(st, 9, r->decided_by);
    text(st, 10, r->reviewed_by);
    text(st, 11, r->disagreed_by);
    sqlite3_bind_int64(st, 12, r->filed);
    sqlite3_bind_int64(st, 13, r->acked);
    sqlite3_bind_int64(st, 14, r->decided);
    sqlite3_bind_int64(st, 15, r->reviewed);
    sqlite3_bind_int64(st, 16, r->disagreed);
    sqlite3_bind_int64(st, 17, r->ack_due);
    sqlite3_bind_int64(st, 18, r->review_due);
    sqlite3_bind_int(st, 19, r->overdue_logged);
    blob(st, 20, &r->requested);
    blob(st, 21, &r->reason);
    blob(st, 22, &r->statement);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? SEAL_OK : db_error(b, err, "put");
}

static void read_row(sqlite3_stmt *st, seal_amend_row *r)
{
    memset(r, 0, sizeof(*r));
    copy_col(r->id, sizeof(r->id), st, 0);
    r->seq = sqlite3_column_int64(st, 1);
    if (sqlite3_column_bytes(st, 2) == 32) {
        memcpy(r->subject, sqlite3_column_blob(st, 2), 32);
    }
    r->record = sqlite3_column_int64(st, 3);
    copy_col(r->kind, sizeof(r->kind), st, 4);
    copy_col(r->field, sizeof(r->field), st, 5);
    r->state = sqlite3_column_int(st, 6);
    copy_col(r->filed_by, sizeof(r->filed_by), st, 7);
    copy_col(r->decided_by, sizeof(r->decided_by), st, 8);
    copy_col(r->reviewed_by, sizeof(r->reviewed_by), st, 9);
    copy_col(r->disagreed_by, sizeof(r->disagreed_by), st, 10);
    r->filed = sqlite3_column_int64(st, 11);
    r->acked = sqlite3_column_int64(st, 12);
    r->decided = sqlite3_column_int64(st, 13);
    r->reviewed = sqlite3_column_int64(st, 14);
    r->disagreed = sqlite3_column_int64(st, 15);
    r->ack_due = sqlite3_column_int64(st, 16);
    r->review_due = sqlite3_column_int64(st, 17);
    r->overdue_logged = sqlite3_column_int(st, 18);
    blob_col(&r->requested, st, 19);
    blob_col(&r->reason, st, 20);
    blob_col(&r->statement, st, 21);
}

static seal_status get(seal_amend_backend *b, const char *id, seal_amend_row *r, seal_error *err)
{
    sqlite3_stmt *st = b->q[Q_GET];
    text(st, 1, id);
    int rc = sqlite3_step(st);
    seal_status s = SEAL_OK;
    if (rc == SQLITE_ROW) {
        read_row(st, r);
    } else if (rc == SQLITE_DONE) {
        s = seal_error_set(err, SEAL_NOTFOUND, "no amendment %s", id);
    } else {
        s = db_error(b, err, "get");
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return s;
}

static seal_status each(seal_amend_backend *b, seal_amend_row_cb cb, void *ud, seal_error *err)
{
    sqlite3_stmt *st = b->q[Q_EACH];
    seal_amend_row *r = seal_malloc(sizeof(*r));
    if (r == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "out of memory");
    }
    seal_status s = SEAL_OK;
    int rc = SQLITE_DONE;
    while (s == SEAL_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_row(st, r);
        s = cb(r, ud);
    }
    if (s == SEAL_OK && rc != SQLITE_DONE) {
        s = db_error(b, err, "each");
    }
    sqlite3_reset(st);
    memset(r, 0, sizeof(*r));
    seal_free(r);
    return s;
}

const seal_amend_backend_ops seal__sqlite_amend = {
    .version = SEAL_AMEND_BACKEND_VERSION,
    .name = "sqlite",
    .open = am_open,
    .close = am_close,
    .begin = am_begin,
    .commit = am_commit,
    .rollback = am_rollback,
    .next_seq = next_seq,
    .put = put,
    .get = get,
    .each = each,
};
