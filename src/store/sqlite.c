/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLite backend of the storage interface (backend.h): store.db holds
 * records and blind-index rows, keys.db the wrapped keys. WAL with
 * synchronous=FULL, so a committed transaction survives kill -9 and power
 * loss. Every statement is prepared once. The only file besides
 * src/store/postgres.c that may speak SQL.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sealed/alloc.h"
#include "store/backend.h"

enum {
    Q_BEGIN_R,
    Q_READ_R,
    Q_READ_K,
    Q_COMMIT_R,
    Q_ROLLBACK_R,
    Q_BEGIN_K,
    Q_COMMIT_K,
    Q_ROLLBACK_K,
    Q_KEYMETA_GET,
    Q_KEYMETA_PUT,
    Q_KEY_GET,
    Q_KEY_PUT,
    Q_KEY_DELETE,
    Q_KEY_EACH,
    Q_META_GET,
    Q_META_PUT,
    Q_REC_INSERT,
    Q_REC_FIND,
    Q_REC_GET,
    Q_REC_UPDATE,
    Q_REC_BY_SUBJECT,
    Q_REC_ROWS_OF_SUBJECT,
    Q_REC_STALE,
    Q_REC_DELETE,
    Q_IDX_PUT,
    Q_IDX_DEL,
    Q_IDX_DEL_STALE,
    Q_IDX_LOOKUP,
    Q_REC_SHRED,
    Q_STATS,
    Q_REC_DUE,
    Q_SUBJ_ANY,
    Q_SUBJ_SURVIVES,
    Q_COUNT
};

/* which database each statement runs on: 0 records, 1 keys */
static const struct {
    int db;
    const char *sql;
} queries[Q_COUNT] = {
    [Q_BEGIN_R] = {0, "BEGIN IMMEDIATE"},
    [Q_READ_R] = {0, "BEGIN DEFERRED"},
    [Q_READ_K] = {1, "BEGIN DEFERRED"},
    [Q_COMMIT_R] = {0, "COMMIT"},
    [Q_ROLLBACK_R] = {0, "ROLLBACK"},
    [Q_BEGIN_K] = {1, "BEGIN IMMEDIATE"},
    [Q_COMMIT_K] = {1, "COMMIT"},
    [Q_ROLLBACK_K] = {1, "ROLLBACK"},
    [Q_KEYMETA_GET] = {1, "SELECT value FROM keymeta WHERE name = ?1"},
    [Q_KEYMETA_PUT] = {1, "INSERT OR REPLACE INTO keymeta(name, value) VALUES (?1, ?2)"},
    [Q_KEY_GET] = {1, "SELECT wrapped FROM data_key WHERE subject = ?1"},
    [Q_KEY_PUT] = {1, "INSERT OR REPLACE INTO data_key(subject, wrapped) VALUES (?1, ?2)"},
    [Q_KEY_DELETE] = {1, "DELETE FROM data_key WHERE subject = ?1"},
    [Q_KEY_EACH] = {1, "SELECT subject, wrapped FROM data_key ORDER BY subject"},
    [Q_META_GET] = {0, "SELECT value FROM meta WHERE name = ?1"},
    [Q_META_PUT] = {0, "INSERT OR REPLACE INTO meta(name, value) VALUES (?1, ?2)"},
    [Q_REC_INSERT] = {0, "INSERT INTO record(id, kind, natkey, subject, day, expires, "
                         "truncate_at, state, version, digest, body) VALUES (?11, ?1, ?2, ?3, ?4, "
                         "?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(id) DO NOTHING"},
    [Q_REC_FIND] = {0, "SELECT kind, natkey, digest, subject FROM record WHERE id = ?1"},
    [Q_REC_GET] = {0, "SELECT kind, natkey, subject, day, expires, truncate_at, state, version, "
                      "digest, body FROM record WHERE id = ?1"},
    [Q_REC_UPDATE] = {0, "UPDATE record SET kind = ?1, natkey = ?2, subject = ?3, day = ?4, "
                         "expires = ?5, truncate_at = ?6, state = ?7, version = ?8, digest = ?9, "
                         "body = ?10 WHERE id = ?11"},
    [Q_REC_BY_SUBJECT] = {0, "SELECT id FROM record WHERE id BETWEEN ?2 AND ?3 AND subject = ?1 "
                             "ORDER BY id"},
    [Q_REC_ROWS_OF_SUBJECT] = {0, "SELECT kind, natkey, subject, day, expires, truncate_at, state, "
                                  "version, digest, body, id FROM record WHERE id BETWEEN ?2 AND "
                                  "?3 AND subject = ?1 ORDER BY id"},
    [Q_REC_STALE] = {0, "SELECT id FROM record WHERE version < ?1 AND state != 2 ORDER BY id"},
    [Q_IDX_PUT] = {0, "INSERT OR IGNORE INTO idx(hash, record, subject, version) "
                      "VALUES (?1, ?2, ?3, ?4)"},
    [Q_REC_DELETE] = {0, "DELETE FROM record WHERE id = ?1"},
    [Q_IDX_DEL] = {0, "DELETE FROM idx WHERE hash = ?1 AND record = ?2"},
    [Q_IDX_DEL_STALE] = {0, "DELETE FROM idx WHERE version < ?1"},
    [Q_IDX_LOOKUP] = {0, "SELECT record FROM idx WHERE hash = ?1 ORDER BY record"},
    [Q_REC_SHRED] = {0, "DELETE FROM record WHERE id BETWEEN ?2 AND ?3 AND subject = ?1"},
    [Q_STATS] = {0, "SELECT kind, CASE WHEN state = 2 THEN 4 "
                    "WHEN expires IS NOT NULL AND expires <= ?1 THEN 3 "
                    "WHEN truncate_at IS NOT NULL AND truncate_at <= ?1 THEN 1 "
                    "WHEN state = 1 THEN 2 ELSE 0 END AS st, count(*) "
                    "FROM record GROUP BY kind, st ORDER BY kind, st"},
    /* the deletion rule is seal__due_delete's (backend.h); kinds are >= 1,
     * so an unused override (kind 0) matches nothing */
    [Q_REC_DUE] = {0, "SELECT kind, natkey, subject, day, expires, truncate_at, state, version, "
                      "digest, body, id FROM record WHERE id > ?1 AND ((CASE kind WHEN ?3 THEN "
                      "day + ?4 WHEN ?5 THEN day + ?6 ELSE expires END) <= ?2 OR truncate_at <= "
                      "?2) ORDER BY id LIMIT ?7"},
    [Q_SUBJ_ANY] = {0, "SELECT 1 FROM record WHERE id BETWEEN ?2 AND ?3 AND subject = ?1 LIMIT 1"},
    [Q_SUBJ_SURVIVES] = {0, "SELECT 1 FROM record WHERE id BETWEEN ?2 AND ?3 AND subject = ?1 AND "
                            "(id > ?4 OR NOT coalesce((CASE kind WHEN ?6 THEN day + ?7 WHEN ?8 "
                            "THEN day + ?9 ELSE expires END) <= ?5, 0)) LIMIT 1"},
};

static const char records_schema[] =
    "CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS record("
    " id INTEGER PRIMARY KEY,"
    " kind INTEGER NOT NULL,"
    " natkey BLOB NOT NULL,"
    " subject BLOB NOT NULL,"
    " day INTEGER NOT NULL,"
    " expires INTEGER,"
    " truncate_at INTEGER,"
    " state INTEGER NOT NULL,"
    " version INTEGER NOT NULL,"
    " digest BLOB NOT NULL,"
    " body BLOB NOT NULL);"

    "CREATE TABLE IF NOT EXISTS idx("
    " hash BLOB NOT NULL,"
    " record INTEGER NOT NULL,"
    " subject BLOB NOT NULL,"
    " version INTEGER NOT NULL,"
    " PRIMARY KEY(hash, record)) WITHOUT ROWID;";

static const char keys_schema[] =
    "CREATE TABLE IF NOT EXISTS keymeta(name TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS data_key(subject BLOB PRIMARY KEY, wrapped BLOB NOT NULL) "
    "WITHOUT ROWID;";

struct seal_backend {
    sqlite3 *db[2];
    sqlite3_stmt *q[Q_COUNT];
    char path[2][1024];
    bool in_tx;
    bool mapped;
};

static seal_status db_error(seal_backend *b, int which, seal_error *err, const char *what)
{
    int code = sqlite3_extended_errcode(b->db[which]);
    int prim = code & 0xff;
    seal_status s = SEAL_STORE;
    if (prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB) {
        s = SEAL_CORRUPT;
    } else if (prim == SQLITE_IOERR || prim == SQLITE_FULL || prim == SQLITE_CANTOPEN) {
        s = SEAL_IO;
    } else if (prim == SQLITE_NOMEM) {
        s = SEAL_NOMEM;
    }
    return seal_error_set(err, s, "%s: %s: %s", b->path[which], what, sqlite3_errmsg(b->db[which]));
}

static sqlite3_stmt *stmt(seal_backend *b, int q)
{
    sqlite3_stmt *st = b->q[q];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

static seal_status run(seal_backend *b, int q, seal_error *err)
{
    sqlite3_stmt *st = b->q[q];
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        return db_error(b, queries[q].db, err, "statement failed");
    }
    return SEAL_OK;
}

static void sqlite_close(seal_backend *b)
{
    if (b == NULL) {
        return;
    }
    if (b->in_tx) {
        sqlite3_exec(b->db[0], "ROLLBACK", NULL, NULL, NULL);
        sqlite3_exec(b->db[1], "ROLLBACK", NULL, NULL, NULL);
    }
    for (int i = 0; i < Q_COUNT; i++) {
        sqlite3_finalize(b->q[i]);
    }
    for (int i = 0; i < 2; i++) {
        sqlite3_close(b->db[i]);
    }
    seal_free(b);
}

static seal_status open_db(seal_backend *b, int which, const char *dir, const char *file,
                           bool create, const char *schema, seal_error *err)
{
    snprintf(b->path[which], sizeof(b->path[which]), "%s/%s", dir, file);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(b->path[which], &b->db[which], flags, NULL) != SQLITE_OK) {
        if (b->db[which] == NULL) {
            return seal_error_set(err, SEAL_NOMEM, "%s: cannot open", b->path[which]);
        }
        return db_error(b, which, err, create ? "cannot create" : "cannot open (run init?)");
    }
    if (create) {
        chmod(b->path[which], 0600); /* WAL and SHM files inherit this mode */
    }
    sqlite3_extended_result_codes(b->db[which], 1);
    sqlite3_busy_timeout(b->db[which], 10000);
    /* 16 KiB pages: a third fewer page writes for ciphertext-sized rows */
    /* store.db: secure_delete=ON zeroes deleted rows, and pages freed whole,
     * so a shredded subject's rows (contiguous: its id prefix) leave no
     * keyed ids behind once the WAL is checkpointed. FAST would leave the
     * freed pages' content on the freelist. */
    const char *pragmas = which == 0 ? "PRAGMA page_size=16384; PRAGMA journal_mode=WAL;"
                                       "PRAGMA synchronous=FULL; PRAGMA secure_delete=ON;"
                                       "PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;"
                                     : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                       "PRAGMA cache_size=-32768;";
    if (sqlite3_exec(b->db[which], pragmas, NULL, NULL, NULL) != SQLITE_OK) {
        return db_error(b, which, err, "cannot configure");
    }
    if (create && sqlite3_exec(b->db[which], schema, NULL, NULL, NULL) != SQLITE_OK) {
        return db_error(b, which, err, "cannot create tables");
    }
    return SEAL_OK;
}

static seal_status sqlite_open(const char *dir, bool create, seal_backend **out, seal_error *err)
{
    seal_status s = SEAL_OK;
    seal_backend *b = seal_calloc(1, sizeof(*b));
    if (b == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "out of memory");
    }
    s = open_db(b, 0, dir, "store.db", create, records_schema, err);
    if (s == SEAL_OK) {
        s = open_db(b, 1, dir, "keys.db", create, keys_schema, err);
    }
    for (int i = 0; s == SEAL_OK && i < Q_COUNT; i++) {
        int w = queries[i].db;
        if (sqlite3_prepare_v3(b->db[w], queries[i].sql, -1, SQLITE_PREPARE_PERSISTENT, &b->q[i],
                               NULL) != SQLITE_OK) {
            s = db_error(b, w, err, "not a sealed store (prepare failed)");
        }
    }
    if (s != SEAL_OK) {
        sqlite_close(b);
        b = NULL;
    }
    *out = b;
    return s;
}

static seal_status sqlite_begin(seal_backend *b, seal_error *err)
{
    seal_status s = run(b, Q_BEGIN_K, err);
    if (s != SEAL_OK) {
        return s;
    }
    s = run(b, Q_BEGIN_R, err);
    if (s != SEAL_OK) {
        sqlite3_exec(b->db[1], "ROLLBACK", NULL, NULL, NULL);
        return s;
    }
    b->in_tx = true;
    return SEAL_OK;
}

static seal_status sqlite_read_begin(seal_backend *b, seal_error *err)
{
    if (!b->mapped) {
        /* Lookups read pages through a memory map instead of one pread each.
         * Only handles that read turn it on: a bulk ingest touching every
         * page would otherwise count the whole file in its resident set. */
        sqlite3_exec(b->db[0], "PRAGMA mmap_size=17179869184", NULL, NULL, NULL);
        sqlite3_exec(b->db[1], "PRAGMA mmap_size=1073741824", NULL, NULL, NULL);
        b->mapped = true;
    }
    seal_status s = run(b, Q_READ_K, err);
    if (s == SEAL_OK && (s = run(b, Q_READ_R, err)) != SEAL_OK) {
        sqlite3_exec(b->db[1], "COMMIT", NULL, NULL, NULL);
    }
    return s;
}

static void sqlite_read_end(seal_backend *b)
{
    sqlite3_exec(b->db[0], "COMMIT", NULL, NULL, NULL);
    sqlite3_exec(b->db[1], "COMMIT", NULL, NULL, NULL);
}

static void sqlite_rollback(seal_backend *b)
{
    if (b->in_tx) {
        sqlite3_exec(b->db[0], "ROLLBACK", NULL, NULL, NULL);
        sqlite3_exec(b->db[1], "ROLLBACK", NULL, NULL, NULL);
        b->in_tx = false;
    }
}

static seal_status sqlite_commit(seal_backend *b, seal_error *err)
{
    /* Keys first: a record must never be durable without its data key. A
     * crash between the two commits leaves at most unused wrapped keys. */
    seal_status s = run(b, Q_COMMIT_K, err);
    if (s == SEAL_OK) {
        s = run(b, Q_COMMIT_R, err);
    }
    if (s != SEAL_OK) {
        sqlite_rollback(b);
        return s;
    }
    b->in_tx = false;
    return SEAL_OK;
}

static seal_status get_blob(seal_backend *b, int q, const void *key, int keylen, bool text,
                            seal_buf *out, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, q);
    if (text) {
        sqlite3_bind_text(st, 1, key, keylen, SQLITE_STATIC);
    } else {
        sqlite3_bind_blob(st, 1, key, keylen, SQLITE_STATIC);
    }
    int rc = sqlite3_step(st);
    seal_status s = SEAL_OK;
    if (rc == SQLITE_ROW) {
        seal_buf_reset(out);
        s = seal_buf_append(out, sqlite3_column_blob(st, 0), (size_t) sqlite3_column_bytes(st, 0));
    } else if (rc == SQLITE_DONE) {
        s = SEAL_NOTFOUND;
        seal_error_set(err, s, "not found");
    } else {
        s = db_error(b, queries[q].db, err, "read failed");
    }
    sqlite3_reset(st);
    return s;
}

static seal_status put_blob(seal_backend *b, int q, const void *key, int keylen, bool text,
                            const uint8_t *v, size_t n, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, q);
    if (text) {
        sqlite3_bind_text(st, 1, key, keylen, SQLITE_STATIC);
    } else {
        sqlite3_bind_blob(st, 1, key, keylen, SQLITE_STATIC);
    }
    sqlite3_bind_blob(st, 2, v, (int) n, SQLITE_STATIC);
    return run(b, q, err);
}

static seal_status sqlite_keymeta_get(seal_backend *b, const char *name, seal_buf *out,
                                      seal_error *err)
{
    return get_blob(b, Q_KEYMETA_GET, name, -1, true, out, err);
}

static seal_status sqlite_keymeta_put(seal_backend *b, const char *name, const uint8_t *v, size_t n,
                                      seal_error *err)
{
    return put_blob(b, Q_KEYMETA_PUT, name, -1, true, v, n, err);
}

static seal_status sqlite_meta_get(seal_backend *b, const char *name, seal_buf *out,
                                   seal_error *err)
{
    return get_blob(b, Q_META_GET, name, -1, true, out, err);
}

static seal_status sqlite_meta_put(seal_backend *b, const char *name, const uint8_t *v, size_t n,
                                   seal_error *err)
{
    return put_blob(b, Q_META_PUT, name, -1, true, v, n, err);
}

static seal_status sqlite_key_get(seal_backend *b, const uint8_t *subject, seal_buf *wrapped,
                                  seal_error *err)
{
    return get_blob(b, Q_KEY_GET, subject, SEAL_HASH_BYTES, false, wrapped, err);
}

static seal_status sqlite_key_put(seal_backend *b, const uint8_t *subject, const uint8_t *wrapped,
                                  size_t n, seal_error *err)
{
    return put_blob(b, Q_KEY_PUT, subject, SEAL_HASH_BYTES, false, wrapped, n, err);
}

static seal_status sqlite_key_delete(seal_backend *b, const uint8_t *subject, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_KEY_DELETE);
    sqlite3_bind_blob(st, 1, subject, SEAL_HASH_BYTES, SQLITE_STATIC);
    return run(b, Q_KEY_DELETE, err);
}

static seal_status sqlite_key_each(seal_backend *b, seal_key_cb cb, void *ud, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_KEY_EACH);
    seal_status s = SEAL_OK;
    int rc;
    while (s == SEAL_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_bytes(st, 0) != SEAL_HASH_BYTES) {
            s = seal_error_set(err, SEAL_CORRUPT, "%s: malformed data key row", b->path[1]);
            break;
        }
        s = cb(sqlite3_column_blob(st, 0), sqlite3_column_blob(st, 1),
               (size_t) sqlite3_column_bytes(st, 1), ud);
    }
    if (s == SEAL_OK && rc != SQLITE_DONE) {
        s = db_error(b, 1, err, "read failed");
    }
    sqlite3_reset(st);
    return s;
}

static void bind_day(sqlite3_stmt *st, int i, int64_t day)
{
    if (day == SEAL_DAY_NONE) {
        sqlite3_bind_null(st, i);
    } else {
        sqlite3_bind_int64(st, i, day);
    }
}

static int64_t column_day(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? SEAL_DAY_NONE : sqlite3_column_int64(st, i);
}

/* Binds a row to ?1..?11 of Q_REC_INSERT and Q_REC_UPDATE (same order). */
static void bind_row(sqlite3_stmt *st, const seal_record_row *row, int64_t id)
{
    sqlite3_bind_int(st, 1, row->kind);
    sqlite3_bind_blob(st, 2, row->natkey, SEAL_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, row->subject, SEAL_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, row->day);
    bind_day(st, 5, row->expires);
    bind_day(st, 6, row->truncate_at);
    sqlite3_bind_int(st, 7, row->state);
    sqlite3_bind_int(st, 8, row->version);
    sqlite3_bind_blob(st, 9, row->digest, SEAL_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_blob(st, 10, row->body, (int) row->body_len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 11, id);
}

/* A record's id is its subject's first 32 bits followed by 31 bits of its
 * keyed natural-key hash. The table's own key then does the work of two
 * indexes: "one record per natural key" (an ON CONFLICT on the id), and
 * "the records of this subject" (an id range, filtered by the stored
 * subject). Either index cost about a third of ingest time. Ids that
 * collide within a range are told apart by the stored subject, kind and
 * natkey, and the newcomer takes the next free id of the range. */
#define NAT_BITS 31
#define NAT_MASK ((INT64_C(1) << NAT_BITS) - 1)

static int64_t subject_base(const uint8_t *subject)
{
    uint64_t v = (uint64_t) subject[0] << 24 | (uint64_t) subject[1] << 16 |
                 (uint64_t) subject[2] << 8 | subject[3];
    return (int64_t) (v << NAT_BITS);
}

static int64_t record_id(const uint8_t *subject, const uint8_t *natkey)
{
    uint64_t n = (uint64_t) natkey[0] << 24 | (uint64_t) natkey[1] << 16 |
                 (uint64_t) natkey[2] << 8 | natkey[3];
    return subject_base(subject) | (int64_t) (n & NAT_MASK);
}

static seal_status sqlite_record_upsert(seal_backend *b, seal_record_row *row, seal_upsert *outcome,
                                        seal_error *err)
{
    int64_t base = subject_base(row->subject);
    int64_t id = record_id(row->subject, row->natkey);
    for (int probe = 0; probe < 64; probe++, id = base | ((id + 1) & NAT_MASK)) {
        sqlite3_stmt *st = stmt(b, Q_REC_INSERT);
        bind_row(st, row, id);
        seal_status s = run(b, Q_REC_INSERT, err);
        if (s != SEAL_OK) {
            return s;
        }
        if (sqlite3_changes(b->db[0]) == 1) {
            row->id = id;
            *outcome = SEAL_UPSERT_INSERTED;
            return SEAL_OK;
        }
        st = stmt(b, Q_REC_FIND);
        sqlite3_bind_int64(st, 1, id);
        if (sqlite3_step(st) != SQLITE_ROW) {
            sqlite3_reset(st);
            return db_error(b, 0, err, "record vanished during upsert");
        }
        bool mine = sqlite3_column_int(st, 0) == row->kind &&
                    sqlite3_column_bytes(st, 1) == SEAL_HASH_BYTES &&
                    memcmp(sqlite3_column_blob(st, 1), row->natkey, SEAL_HASH_BYTES) == 0 &&
                    sqlite3_column_bytes(st, 3) == SEAL_HASH_BYTES &&
                    memcmp(sqlite3_column_blob(st, 3), row->subject, SEAL_HASH_BYTES) == 0;
        bool same = mine && sqlite3_column_bytes(st, 2) == SEAL_HASH_BYTES &&
                    memcmp(sqlite3_column_blob(st, 2), row->digest, SEAL_HASH_BYTES) == 0;
        sqlite3_reset(st);
        if (mine) {
            row->id = id;
            *outcome = same ? SEAL_UPSERT_UNCHANGED : SEAL_UPSERT_DIFFERENT;
            return SEAL_OK;
        }
    }
    return seal_error_set(err, SEAL_STORE, "%s: no free record id after 64 probes", b->path[0]);
}

static seal_status copy_hash(sqlite3_stmt *st, int col, uint8_t *out)
{
    if (sqlite3_column_bytes(st, col) != SEAL_HASH_BYTES) {
        return SEAL_CORRUPT;
    }
    memcpy(out, sqlite3_column_blob(st, col), SEAL_HASH_BYTES);
    return SEAL_OK;
}

/* Reads the columns kind, natkey, subject, day, expires, truncate_at, state,
 * version, digest, body (Q_REC_GET's order); the body stays borrowed from
 * the statement until its next step or reset. */
static seal_status column_row(sqlite3_stmt *st, seal_record_row *row)
{
    row->kind = sqlite3_column_int(st, 0);
    row->day = sqlite3_column_int64(st, 3);
    row->expires = column_day(st, 4);
    row->truncate_at = column_day(st, 5);
    row->state = sqlite3_column_int(st, 6);
    row->version = sqlite3_column_int(st, 7);
    row->body = sqlite3_column_blob(st, 9);
    row->body_len = (size_t) sqlite3_column_bytes(st, 9);
    if (copy_hash(st, 1, row->natkey) != SEAL_OK || copy_hash(st, 2, row->subject) != SEAL_OK ||
        copy_hash(st, 8, row->digest) != SEAL_OK) {
        return SEAL_CORRUPT;
    }
    return SEAL_OK;
}

static seal_status sqlite_record_get(seal_backend *b, int64_t id, seal_record_row *row,
                                     seal_buf *body_buf, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_REC_GET);
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    seal_status s = SEAL_OK;
    if (rc == SQLITE_DONE) {
        s = seal_error_set(err, SEAL_NOTFOUND, "record %lld: not found", (long long) id);
    } else if (rc != SQLITE_ROW) {
        s = db_error(b, 0, err, "read failed");
    } else if (column_row(st, row) != SEAL_OK) {
        s = seal_error_set(err, SEAL_CORRUPT, "record %lld: malformed row", (long long) id);
    } else {
        row->id = id;
        seal_buf_reset(body_buf);
        s = seal_buf_append(body_buf, row->body, row->body_len);
        row->body = body_buf->data;
        row->body_len = body_buf->len;
    }
    sqlite3_reset(st);
    return s;
}

static seal_status sqlite_subject_rows(seal_backend *b, const uint8_t *subject, seal_row_cb cb,
                                       void *ud, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_REC_ROWS_OF_SUBJECT);
    sqlite3_bind_blob(st, 1, subject, SEAL_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, subject_base(subject));
    sqlite3_bind_int64(st, 3, subject_base(subject) | NAT_MASK);
    seal_status s = SEAL_OK;
    int rc;
    while (s == SEAL_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        seal_record_row row;
        row.id = sqlite3_column_int64(st, 10);
        if (column_row(st, &row) != SEAL_OK) {
            s = seal_error_set(err, SEAL_CORRUPT, "record %lld: malformed row", (long long) row.id);
        } else {
            s = cb(&row, ud);
        }
    }
    if (s == SEAL_OK && rc != SQLITE_DONE) {
        s = db_error(b, 0, err, "read failed");
    }
    sqlite3_reset(st);
    return s;
}

static seal_status sqlite_record_update(seal_backend *b, const seal_record_row *row,
                                        seal_error *err)
{
    bind_row(stmt(b, Q_REC_UPDATE), row, row->id);
    return run(b, Q_REC_UPDATE, err);
}

static seal_status each_id(seal_backend *b, int q, sqlite3_stmt *st, seal_id_cb cb, void *ud,
                           seal_error *err)
{
    /* Collect first: callbacks may run other statements on this connection. */
    int64_t small[64];
    int64_t *ids = small;
    size_t n = 0, cap = 64;
    seal_status s = SEAL_OK;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            int64_t *p = seal_malloc(2 * cap * sizeof(*p));
            if (p == NULL) {
                s = seal_error_set(err, SEAL_NOMEM, "out of memory");
                break;
            }
            memcpy(p, ids, n * sizeof(*p));
            if (ids != small) {
                seal_free(ids);
            }
            ids = p;
            cap *= 2;
        }
        ids[n++] = sqlite3_column_int64(st, 0);
    }
    if (s == SEAL_OK && rc != SQLITE_DONE) {
        s = db_error(b, queries[q].db, err, "read failed");
    }
    sqlite3_reset(st);
    for (size_t i = 0; s == SEAL_OK && i < n; i++) {
        s = cb(ids[i], ud);
    }
    if (ids != small) {
        seal_free(ids);
    }
    return s;
}

static seal_status sqlite_records_by_subject(seal_backend *b, const uint8_t *subject, seal_id_cb cb,
                                             void *ud, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_REC_BY_SUBJECT);
    sqlite3_bind_blob(st, 1, subject, SEAL_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, subject_base(subject));
    sqlite3_bind_int64(st, 3, subject_base(subject) | NAT_MASK);
    return each_id(b, Q_REC_BY_SUBJECT, st, cb, ud, err);
}

static seal_status sqlite_records_stale(seal_backend *b, int version, seal_id_cb cb, void *ud,
                                        seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_REC_STALE);
    sqlite3_bind_int(st, 1, version);
    return each_id(b, Q_REC_STALE, st, cb, ud, err);
}

static seal_status sqlite_index_put(seal_backend *b, const seal_index_row *row, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_IDX_PUT);
    sqlite3_bind_blob(st, 1, row->hash, SEAL_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, row->record);
    sqlite3_bind_blob(st, 3, row->subject, SEAL_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, row->version);
    return run(b, Q_IDX_PUT, err);
}

static seal_status sqlite_record_delete(seal_backend *b, int64_t id, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_REC_DELETE);
    sqlite3_bind_int64(st, 1, id);
    return run(b, Q_REC_DELETE, err);
}

static seal_status sqlite_index_delete(seal_backend *b, const uint8_t *hash, int64_t record,
                                       seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_IDX_DEL);
    sqlite3_bind_blob(st, 1, hash, SEAL_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, record);
    return run(b, Q_IDX_DEL, err);
}

static seal_status sqlite_index_delete_stale(seal_backend *b, int version, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_IDX_DEL_STALE);
    sqlite3_bind_int(st, 1, version);
    return run(b, Q_IDX_DEL_STALE, err);
}

static seal_status sqlite_index_lookup(seal_backend *b, const uint8_t *hash, seal_id_cb cb,
                                       void *ud, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_IDX_LOOKUP);
    sqlite3_bind_blob(st, 1, hash, SEAL_HASH_BYTES, SQLITE_STATIC);
    return each_id(b, Q_IDX_LOOKUP, st, cb, ud, err);
}

static seal_status sqlite_subject_shred(seal_backend *b, const uint8_t *subject, int64_t *records,
                                        seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_REC_SHRED);
    sqlite3_bind_blob(st, 1, subject, SEAL_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, subject_base(subject));
    sqlite3_bind_int64(st, 3, subject_base(subject) | NAT_MASK);
    seal_status s = run(b, Q_REC_SHRED, err);
    *records = sqlite3_changes(b->db[0]);
    return s;
}

static seal_status sqlite_stats(seal_backend *b, int64_t today, seal_stats_cb cb, void *ud,
                                seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_STATS);
    sqlite3_bind_int64(st, 1, today);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        cb(sqlite3_column_int(st, 0), sqlite3_column_int(st, 1), sqlite3_column_int64(st, 2), ud);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SEAL_OK : db_error(b, 0, err, "read failed");
}

/* Binds today and the policy overrides of due at ?first.. (today, then
 * kind/days pairs). */
static void bind_due(sqlite3_stmt *st, int first, const seal_due *due)
{
    sqlite3_bind_int64(st, first, due->today);
    bool end = false;
    for (int i = 0; i < SEAL_DUE_KINDS; i++) {
        end = end || due->kind[i] == 0;
        sqlite3_bind_int(st, first + 1 + 2 * i, end ? 0 : due->kind[i]);
        sqlite3_bind_int64(st, first + 2 + 2 * i, end ? 0 : due->days[i]);
    }
}

static seal_status sqlite_records_due(seal_backend *b, const seal_due *due, int64_t after,
                                      size_t limit, seal_row_cb cb, void *ud, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_REC_DUE);
    sqlite3_bind_int64(st, 1, after);
    bind_due(st, 2, due);
    sqlite3_bind_int64(st, 7, limit > INT64_MAX ? INT64_MAX : (int64_t) limit);
    seal_status s = SEAL_OK;
    int rc;
    while (s == SEAL_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        seal_record_row row;
        row.id = sqlite3_column_int64(st, 10);
        if (column_row(st, &row) != SEAL_OK) {
            s = seal_error_set(err, SEAL_CORRUPT, "record %lld: malformed row", (long long) row.id);
        } else {
            s = cb(&row, ud);
        }
    }
    if (s == SEAL_OK && rc != SQLITE_DONE) {
        s = db_error(b, 0, err, "read failed");
    }
    sqlite3_reset(st);
    return s;
}

static seal_status sqlite_subject_any(seal_backend *b, const uint8_t *subject, const seal_due *due,
                                      int64_t after, bool *any, seal_error *err)
{
    int q = due == NULL ? Q_SUBJ_ANY : Q_SUBJ_SURVIVES;
    sqlite3_stmt *st = stmt(b, q);
    sqlite3_bind_blob(st, 1, subject, SEAL_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, subject_base(subject));
    sqlite3_bind_int64(st, 3, subject_base(subject) | NAT_MASK);
    if (due != NULL) {
        sqlite3_bind_int64(st, 4, after);
        bind_due(st, 5, due);
    }
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        return db_error(b, 0, err, "read failed");
    }
    *any = rc == SQLITE_ROW;
    return SEAL_OK;
}

const seal_backend_ops seal__sqlite_backend = {
    .version = SEAL_BACKEND_VERSION,
    .name = "sqlite",
    .open = sqlite_open,
    .close = sqlite_close,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .read_begin = sqlite_read_begin,
    .read_end = sqlite_read_end,
    .keymeta_get = sqlite_keymeta_get,
    .keymeta_put = sqlite_keymeta_put,
    .key_get = sqlite_key_get,
    .key_put = sqlite_key_put,
    .key_delete = sqlite_key_delete,
    .key_each = sqlite_key_each,
    .meta_get = sqlite_meta_get,
    .meta_put = sqlite_meta_put,
    .record_upsert = sqlite_record_upsert,
    .record_get = sqlite_record_get,
    .record_update = sqlite_record_update,
    .records_by_subject = sqlite_records_by_subject,
    .subject_rows = sqlite_subject_rows,
    .records_stale = sqlite_records_stale,
    .index_put = sqlite_index_put,
    .record_delete = sqlite_record_delete,
    .index_delete = sqlite_index_delete,
    .index_delete_stale = sqlite_index_delete_stale,
    .index_lookup = sqlite_index_lookup,
    .subject_shred = sqlite_subject_shred,
    .stats = sqlite_stats,
    .records_due = sqlite_records_due,
    .subject_any = sqlite_subject_any,
};
