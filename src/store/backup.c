/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Record backups (sealed/backup.h): create, verify, restore.
 *
 * records.db, the record store's copy, holds one row per record:
 *   rec(seq, holder, sealed, body)
 * - body: the record's ciphertext, byte for byte (fields under the subject's
 *   data key DK; store.c's layout);
 * - holder = BLAKE2b-128 keyed by DK of "sealed.backup.holder.v1" || salt,
 *   where salt is random per backup: the subject's pseudonym in this backup;
 * - sealed = nonce || XChaCha20-Poly1305 under BLAKE2b-256 keyed by DK of
 *   "sealed.backup.meta.v1" || salt, associated data "sealed.backup.row.v1"
 *   0 salt holder, of the row's metadata (below).
 * Everything a live store row holds in the clear that is a keyed hash of an
 * identifier (the subject id, the natural key, the digest, the blind-index
 * rows) or derived from one (the record id, which starts with 32 bits of the
 * subject id) is inside `sealed`. With DK gone from every key store, nothing
 * in records.db can be read, matched against an identifier's keyed hash, or
 * linked to the subject's rows in another backup (docs/backup.md).
 *
 * Row metadata, version 1 (little-endian):
 *   u8 1 | i64 id | u16 kind | subject[16] | natkey[16] | digest[16] | i64 day |
 *   i64 expires | i64 truncate_at | u8 state | u16 version | u16 n |
 *   n x (hash[16] | u16 version)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/crypto.h"
#include "sealed/alloc.h"
#include "sealed/config.h"
#include "sealed/ledger.h"
#include "sealed/store.h"
#include "store/backend.h"
#include "store/backup_int.h"
#include "store/store_backup.h"

#define RECORDS_FILE "records.db"
#define MANIFEST_FILE "MANIFEST"
#define RECORDS_FORMAT "sealed-records-backup/v1"
#define SALT_BYTES 16
#define META_VERSION 1
#define META_FIXED (1 + 8 + 2 + 3 * SEAL_HASH_BYTES + 3 * 8 + 1 + 2 + 2)
#define IDX_BYTES (SEAL_HASH_BYTES + 2)
#define MAX_IDX 1024

static const char holder_tag[] = "sealed.backup.holder.v1";
static const char meta_tag[] = "sealed.backup.meta.v1";
static const char row_ad_tag[] = "sealed.backup.row.v1";

/* Files besides records.db a backup carries when the data directory has
 * them: the legal process (requests, approvals, covers) and the accounting
 * of disclosures, which must outlive a shredded subject (PA-4). */
static const char *const side_dbs[] = {"registry.db", "accounting.db"};

static const char records_schema[] =
    "PRAGMA page_size=16384; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
    "CREATE TABLE meta(name TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TABLE store_meta(name TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TABLE rec(seq INTEGER PRIMARY KEY, holder BLOB NOT NULL, sealed BLOB NOT NULL,"
    " body BLOB NOT NULL);";

/* ---- per-subject keys ---------------------------------------------------------- */

typedef struct subject_keys {
    uint8_t dk[SEAL_KEY_BYTES];
    uint8_t meta[SEAL_KEY_BYTES];
    uint8_t holder[SEAL_HASH_BYTES];
} subject_keys;

static void derive(subject_keys *k, const uint8_t *salt)
{
    seal__khash(k->holder, SEAL_HASH_BYTES, k->dk, holder_tag, sizeof(holder_tag), salt,
                SALT_BYTES);
    seal__khash(k->meta, SEAL_KEY_BYTES, k->dk, meta_tag, sizeof(meta_tag), salt, SALT_BYTES);
}

static size_t row_ad(uint8_t *ad, const uint8_t *salt, const uint8_t *holder)
{
    memcpy(ad, row_ad_tag, sizeof(row_ad_tag));
    memcpy(ad + sizeof(row_ad_tag), salt, SALT_BYTES);
    memcpy(ad + sizeof(row_ad_tag) + SALT_BYTES, holder, SEAL_HASH_BYTES);
    return sizeof(row_ad_tag) + SALT_BYTES + SEAL_HASH_BYTES;
}

static void put_u16(uint8_t *p, uint64_t v)
{
    p[0] = (uint8_t) v;
    p[1] = (uint8_t) (v >> 8);
}

static void put_i64(uint8_t *p, int64_t v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t) ((uint64_t) v >> (8 * i));
    }
}

/* ---- create ---------------------------------------------------------------------- */

typedef struct creator {
    seal_store *st;
    sqlite3 *src, *dst;
    sqlite3_stmt *rec, *idx, *key, *ins;
    bool idx_row; /* idx holds a current row */
    char src_path[2048], dst_path[2400];
    uint8_t salt[SALT_BYTES];
    uint8_t last_subject[SEAL_HASH_BYTES];
    int last_state; /* 0 none, 1 key held, 2 key gone */
    subject_keys *keys;
    seal_buf meta, sealed;
    seal_rand_pool pool;
    int64_t records, left_out;
} creator;

static seal_status step_idx(creator *c)
{
    int rc = sqlite3_step(c->idx);
    if (rc == SQLITE_ROW) {
        c->idx_row = true;
        return SEAL_OK;
    }
    c->idx_row = false;
    return rc == SQLITE_DONE ? SEAL_OK : SEAL_STORE;
}

/* The subject's keys, or *gone when its data key is no longer in the key
 * store (shredded after the record snapshot was taken). */
static seal_status subject_keys_for(creator *c, const uint8_t *subject, bool *gone, seal_error *err)
{
    if (c->last_state != 0 && memcmp(subject, c->last_subject, SEAL_HASH_BYTES) == 0) {
        *gone = c->last_state == 2;
        return SEAL_OK;
    }
    memcpy(c->last_subject, subject, SEAL_HASH_BYTES);
    sqlite3_reset(c->key);
    sqlite3_bind_blob(c->key, 1, subject, SEAL_HASH_BYTES, SQLITE_STATIC);
    int rc = sqlite3_step(c->key);
    if (rc == SQLITE_DONE) {
        c->last_state = 2;
        *gone = true;
        return SEAL_OK;
    }
    if (rc != SQLITE_ROW) {
        c->last_state = 0;
        return seal__backup_sql_error(c->src, c->src_path, "cannot read the key store", err);
    }
    const uint8_t *w = sqlite3_column_blob(c->key, 0);
    size_t wl = (size_t) sqlite3_column_bytes(c->key, 0);
    if (seal__store_unwrap_key(c->st, subject, w, wl, c->keys->dk) != SEAL_OK) {
        c->last_state = 0;
        return seal_error_set(err, SEAL_CRYPTO, "key store: a data key does not unwrap");
    }
    derive(c->keys, c->salt);
    c->last_state = 1;
    *gone = false;
    return SEAL_OK;
}

static seal_status copy_record(creator *c, seal_error *err)
{
    sqlite3_stmt *r = c->rec;
    int64_t id = sqlite3_column_int64(r, 0);
    const uint8_t *natkey = sqlite3_column_blob(r, 2), *subject = sqlite3_column_blob(r, 3);
    const uint8_t *digest = sqlite3_column_blob(r, 9);
    int state = sqlite3_column_int(r, 7);
    if (sqlite3_column_bytes(r, 2) != SEAL_HASH_BYTES ||
        sqlite3_column_bytes(r, 3) != SEAL_HASH_BYTES ||
        sqlite3_column_bytes(r, 9) != SEAL_HASH_BYTES) {
        return seal_error_set(err, SEAL_CORRUPT, "%s: record %lld: malformed row", c->src_path,
                              (long long) id);
    }
    /* this record's index rows (both statements run in id order) */
    seal_buf_reset(&c->meta);
    if (seal_buf_reserve(&c->meta, META_FIXED + MAX_IDX * IDX_BYTES) != SEAL_OK) {
        return seal_error_set(err, SEAL_NOMEM, "out of memory");
    }
    uint8_t *m = c->meta.data;
    size_t nidx = 0;
    while (c->idx_row && sqlite3_column_int64(c->idx, 0) <= id) {
        if (sqlite3_column_int64(c->idx, 0) == id &&
            sqlite3_column_bytes(c->idx, 1) == SEAL_HASH_BYTES) {
            if (nidx == MAX_IDX) {
                return seal_error_set(err, SEAL_LIMIT, "record %lld: more than %d index rows",
                                      (long long) id, MAX_IDX);
            }
            uint8_t *p = m + META_FIXED + nidx * IDX_BYTES;
            memcpy(p, sqlite3_column_blob(c->idx, 1), SEAL_HASH_BYTES);
            put_u16(p + SEAL_HASH_BYTES, (uint64_t) sqlite3_column_int(c->idx, 2));
            nidx++;
        }
        if (step_idx(c) != SEAL_OK) {
            return seal__backup_sql_error(c->src, c->src_path, "cannot read index rows", err);
        }
    }
    bool gone = state == SEAL_REC_SHREDDED;
    seal_status s = gone ? SEAL_OK : subject_keys_for(c, subject, &gone, err);
    if (s != SEAL_OK) {
        return s;
    }
    if (gone) {
        c->left_out++;
        return SEAL_OK;
    }
    m[0] = META_VERSION;
    put_i64(m + 1, id);
    put_u16(m + 9, (uint64_t) sqlite3_column_int(r, 1));
    memcpy(m + 11, subject, SEAL_HASH_BYTES);
    memcpy(m + 27, natkey, SEAL_HASH_BYTES);
    memcpy(m + 43, digest, SEAL_HASH_BYTES);
    put_i64(m + 59, sqlite3_column_int64(r, 4));
    put_i64(m + 67,
            sqlite3_column_type(r, 5) == SQLITE_NULL ? SEAL_DAY_NONE : sqlite3_column_int64(r, 5));
    put_i64(m + 75,
            sqlite3_column_type(r, 6) == SQLITE_NULL ? SEAL_DAY_NONE : sqlite3_column_int64(r, 6));
    m[83] = (uint8_t) state;
    put_u16(m + 84, (uint64_t) sqlite3_column_int(r, 8));
    put_u16(m + 86, nidx);
    size_t mlen = META_FIXED + nidx * IDX_BYTES;
    /* seal it */
    uint8_t ad[sizeof(row_ad_tag) + SALT_BYTES + SEAL_HASH_BYTES];
    size_t adlen = row_ad(ad, c->salt, c->keys->holder);
    seal_buf_reset(&c->sealed);
    if (seal_buf_reserve(&c->sealed, SEAL_NONCE_BYTES + mlen + SEAL_TAG_BYTES) != SEAL_OK) {
        seal__wipe(m, mlen);
        return seal_error_set(err, SEAL_NOMEM, "out of memory");
    }
    seal__rand_pool_take(&c->pool, c->sealed.data, SEAL_NONCE_BYTES);
    seal__aead_seal(c->sealed.data + SEAL_NONCE_BYTES, m, mlen, ad, adlen, c->sealed.data,
                    c->keys->meta);
    c->sealed.len = SEAL_NONCE_BYTES + mlen + SEAL_TAG_BYTES;
    seal__wipe(m, mlen);
    sqlite3_reset(c->ins);
    sqlite3_bind_blob(c->ins, 1, c->keys->holder, SEAL_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_blob(c->ins, 2, c->sealed.data, (int) c->sealed.len, SQLITE_STATIC);
    sqlite3_bind_blob(c->ins, 3, sqlite3_column_blob(r, 10), sqlite3_column_bytes(r, 10),
                      SQLITE_STATIC);
    if (sqlite3_step(c->ins) != SQLITE_DONE) {
        return seal__backup_sql_error(c->dst, c->dst_path, "cannot write", err);
    }
    c->records++;
    return SEAL_OK;
}

static seal_status exec(sqlite3 *db, const char *path, const char *sql, const char *what,
                        seal_error *err)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK
               ? SEAL_OK
               : seal__backup_sql_error(db, path, what, err);
}

static seal_status prepare(sqlite3 *db, const char *path, const char *sql, sqlite3_stmt **q,
                           seal_error *err)
{
    return sqlite3_prepare_v2(db, sql, -1, q, NULL) == SQLITE_OK
               ? SEAL_OK
               : seal__backup_sql_error(db, path, "cannot prepare", err);
}

static seal_status put_meta(sqlite3 *db, const char *path, const char *table, const char *name,
                            const void *v, int n, seal_error *err)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "INSERT INTO %s(name, value) VALUES (?1, ?2)", table);
    sqlite3_stmt *q = NULL;
    seal_status s = prepare(db, path, sql, &q, err);
    if (s == SEAL_OK) {
        sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_blob(q, 2, v, n, SQLITE_STATIC);
        if (sqlite3_step(q) != SQLITE_DONE) {
            s = seal__backup_sql_error(db, path, "cannot write", err);
        }
    }
    sqlite3_finalize(q);
    return s;
}

/* The record store, re-keyed per subject, into tmp/records.db. */
static seal_status copy_records(seal_store *st, const char *dir, const char *tmp, int64_t *records,
                                int64_t *left_out, seal_error *err)
{
    creator c;
    memset(&c, 0, sizeof(c));
    c.st = st;
    seal_buf_init(&c.meta);
    seal_buf_init(&c.sealed);
    seal__rand_pool_init(&c.pool);
    seal__random(c.salt, sizeof(c.salt));
    char keys_path[2048];
    sqlite3_stmt *q = NULL;
    seal_status s;
    c.keys = seal__secret_alloc(sizeof(*c.keys));
    if (c.keys == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "cannot allocate secure memory");
    }
    if ((s = seal__backup_path(c.src_path, sizeof(c.src_path), dir, "store.db", err)) != SEAL_OK ||
        (s = seal__backup_path(keys_path, sizeof(keys_path), dir, "keys.db", err)) != SEAL_OK ||
        (s = seal__backup_path(c.dst_path, sizeof(c.dst_path), tmp, RECORDS_FILE, err)) !=
            SEAL_OK ||
        (s = seal__backup_open_db(c.src_path, false, &c.src, err)) != SEAL_OK) {
        goto out;
    }
    if ((s = prepare(c.src, c.src_path, "ATTACH ?1 AS k", &q, err)) != SEAL_OK) {
        goto out;
    }
    sqlite3_bind_text(q, 1, keys_path, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE) {
        s = seal__backup_sql_error(c.src, keys_path, "cannot open", err);
        goto out;
    }
    sqlite3_finalize(q);
    q = NULL;
    int fd = open(c.dst_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        s = seal_error_set(err, SEAL_IO, "%s: %s", c.dst_path, strerror(errno));
        goto out;
    }
    close(fd);
    if (sqlite3_open_v2(c.dst_path, &c.dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        s = seal__backup_sql_error(c.dst, c.dst_path, "cannot create", err);
        goto out;
    }
    if ((s = exec(c.dst, c.dst_path, records_schema, "cannot create", err)) != SEAL_OK ||
        (s = exec(c.dst, c.dst_path, "BEGIN", "cannot begin", err)) != SEAL_OK ||
        (s = put_meta(c.dst, c.dst_path, "meta", "format", RECORDS_FORMAT,
                      (int) strlen(RECORDS_FORMAT), err)) != SEAL_OK ||
        (s = put_meta(c.dst, c.dst_path, "meta", "salt", c.salt, SALT_BYTES, err)) != SEAL_OK ||
        (s = prepare(c.dst, c.dst_path, "INSERT INTO rec(holder, sealed, body) VALUES (?1, ?2, ?3)",
                     &c.ins, err)) != SEAL_OK) {
        goto out;
    }
    /* One read transaction: the record store's snapshot is taken by the
     * first read and holds for the whole copy; the key store's, taken at the
     * first key read, is at least as new (a batch commits keys first), so
     * every record's key is there unless the subject was shredded since. */
    if ((s = exec(c.src, c.src_path, "BEGIN", "cannot begin", err)) != SEAL_OK ||
        (s = prepare(c.src, c.src_path,
                     "SELECT id, kind, natkey, subject, day, expires, truncate_at, state, version, "
                     "digest, body FROM main.record ORDER BY id",
                     &c.rec, err)) != SEAL_OK ||
        (s = prepare(c.src, c.src_path,
                     "SELECT record, hash, version FROM main.idx ORDER BY record", &c.idx, err)) !=
            SEAL_OK ||
        (s = prepare(c.src, keys_path, "SELECT wrapped FROM k.data_key WHERE subject = ?1", &c.key,
                     err)) != SEAL_OK ||
        (s = prepare(c.src, c.src_path, "SELECT name, value FROM main.meta ORDER BY name", &q,
                     err)) != SEAL_OK) {
        goto out;
    }
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        s = put_meta(c.dst, c.dst_path, "store_meta", (const char *) sqlite3_column_text(q, 0),
                     sqlite3_column_blob(q, 1), sqlite3_column_bytes(q, 1), err);
        if (s != SEAL_OK) {
            goto out;
        }
    }
    if (rc != SQLITE_DONE || step_idx(&c) != SEAL_OK) {
        s = seal__backup_sql_error(c.src, c.src_path, "cannot read", err);
        goto out;
    }
    while ((rc = sqlite3_step(c.rec)) == SQLITE_ROW) {
        if ((s = copy_record(&c, err)) != SEAL_OK) {
            goto out;
        }
    }
    if (rc != SQLITE_DONE) {
        s = seal__backup_sql_error(c.src, c.src_path, "cannot read records", err);
        goto out;
    }
    if ((s = exec(c.dst, c.dst_path, "COMMIT", "cannot commit", err)) != SEAL_OK) {
        goto out;
    }
    *records = c.records;
    *left_out = c.left_out;
out:
    sqlite3_finalize(q);
    sqlite3_finalize(c.rec);
    sqlite3_finalize(c.idx);
    sqlite3_finalize(c.key);
    sqlite3_finalize(c.ins);
    if (c.src != NULL) {
        sqlite3_exec(c.src, "ROLLBACK", NULL, NULL, NULL);
    }
    sqlite3_close(c.src);
    sqlite3_close(c.dst);
    if (s == SEAL_OK) {
        s = seal__backup_fsync_path(c.dst_path, false, err);
    }
    seal__secret_free(c.keys);
    seal__wipe(&c.pool, sizeof(c.pool));
    seal_buf_cleanup(&c.meta);
    seal_buf_cleanup(&c.sealed);
    return s;
}

/* ---- the file list -------------------------------------------------------------- */

typedef struct file_list {
    seal_backup_file *v;
    size_t n, cap;
} file_list;

static seal_status list_add(file_list *l, const char *rel, seal_error *err)
{
    if (l->n == SEAL_BACKUP_MAX_FILES) {
        return seal_error_set(err, SEAL_LIMIT, "more than %d files", SEAL_BACKUP_MAX_FILES);
    }
    if (l->n == l->cap) {
        size_t nc = l->cap == 0 ? 16 : 2 * l->cap;
        seal_backup_file *p = seal_realloc(l->v, nc * sizeof(*p));
        if (p == NULL) {
            return seal_error_set(err, SEAL_NOMEM, "out of memory");
        }
        l->v = p;
        l->cap = nc;
    }
    memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
    int w = snprintf(l->v[l->n].path, sizeof(l->v[l->n].path), "%s", rel);
    if (w < 0 || (size_t) w >= sizeof(l->v[l->n].path)) {
        return seal_error_set(err, SEAL_LIMIT, "%s: path too long", rel);
    }
    l->n++;
    return SEAL_OK;
}

static int cmp_file(const void *a, const void *b)
{
    return strcmp(((const seal_backup_file *) a)->path, ((const seal_backup_file *) b)->path);
}

/* Every regular file under base/rel (recursively), except MANIFEST at the
 * top; anything else (a symlink, a device) is refused. */
static seal_status walk(const char *base, const char *rel, file_list *l, seal_error *err)
{
    char path[4096];
    int w = rel[0] != '\0' ? snprintf(path, sizeof(path), "%s/%s", base, rel)
                           : snprintf(path, sizeof(path), "%s", base);
    if (w < 0 || (size_t) w >= sizeof(path)) {
        return seal_error_set(err, SEAL_LIMIT, "path too long");
    }
    DIR *d = opendir(path);
    if (d == NULL) {
        return seal_error_set(err, SEAL_IO, "%s: %s", path, strerror(errno));
    }
    seal_status s = SEAL_OK;
    struct dirent *e;
    while (s == SEAL_OK && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            (rel[0] == '\0' && strcmp(e->d_name, MANIFEST_FILE) == 0)) {
            continue;
        }
        char sub[512], full[4608];
        w = rel[0] != '\0' ? snprintf(sub, sizeof(sub), "%s/%s", rel, e->d_name)
                           : snprintf(sub, sizeof(sub), "%s", e->d_name);
        if (w < 0 || (size_t) w >= sizeof(sub)) {
            s = seal_error_set(err, SEAL_LIMIT, "%s/%s: path too long", path, e->d_name);
            break;
        }
        snprintf(full, sizeof(full), "%s/%s", base, sub);
        struct stat sb;
        if (lstat(full, &sb) != 0) {
            s = seal_error_set(err, SEAL_IO, "%s: %s", full, strerror(errno));
        } else if (S_ISDIR(sb.st_mode)) {
            s = walk(base, sub, l, err);
        } else if (S_ISREG(sb.st_mode)) {
            s = list_add(l, sub, err);
        } else {
            s = seal_error_set(err, SEAL_CORRUPT, "%s: not a regular file", full);
        }
    }
    closedir(d);
    return s;
}

static seal_status write_file(const char *path, const void *data, size_t len, seal_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        return seal_error_set(err, SEAL_IO, "%s: %s", path, strerror(errno));
    }
    seal_status s = SEAL_OK;
    if (write(fd, data, len) != (ssize_t) len || fsync(fd) != 0) {
        s = seal_error_set(err, SEAL_IO, "%s: %s", path, strerror(errno));
    }
    close(fd);
    return s;
}

seal_status seal__backup_remove_tree(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0) {
        return SEAL_OK;
    }
    if (S_ISDIR(sb.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d != NULL && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
                char sub[4608];
                snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
                (void) seal__backup_remove_tree(sub);
            }
        }
        if (d != NULL) {
            closedir(d);
        }
        return rmdir(path) == 0 ? SEAL_OK : SEAL_IO;
    }
    return unlink(path) == 0 ? SEAL_OK : SEAL_IO;
}

/* out must not exist, or be an empty directory (rename replaces it). */
static seal_status check_out(const char *out, seal_error *err)
{
    struct stat sb;
    if (lstat(out, &sb) != 0) {
        return errno == ENOENT ? SEAL_OK
                               : seal_error_set(err, SEAL_IO, "%s: %s", out, strerror(errno));
    }
    if (!S_ISDIR(sb.st_mode)) {
        return seal_error_set(err, SEAL_EXISTS, "%s: exists and is not a directory", out);
    }
    DIR *d = opendir(out);
    if (d == NULL) {
        return seal_error_set(err, SEAL_IO, "%s: %s", out, strerror(errno));
    }
    struct dirent *e;
    bool empty = true;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            empty = false;
        }
    }
    closedir(d);
    return empty ? SEAL_OK
                 : seal_error_set(err, SEAL_EXISTS,
                                  "%s: exists and is not empty; refusing to "
                                  "write a backup into it",
                                  out);
}

static seal_status parent_of(const char *path, char *out, size_t cap)
{
    int w = snprintf(out, cap, "%s", path);
    if (w < 0 || (size_t) w >= cap) {
        return SEAL_INVALID;
    }
    size_t n = strlen(out);
    while (n > 1 && out[n - 1] == '/') {
        out[--n] = '\0';
    }
    char *slash = strrchr(out, '/');
    if (slash == NULL) {
        snprintf(out, cap, ".");
    } else if (slash == out) {
        out[1] = '\0';
    } else {
        *slash = '\0';
    }
    return SEAL_OK;
}

seal_status seal_backup_create(const char *dir, const char *out_arg, int64_t now,
                               seal_backup_manifest *mo, seal_error *err)
{
    char tmp[2048], path[4608], ledger_src[2048], parent[2048], out[2000];
    /* "b1/" names b1: the temporary sibling must not land inside it */
    int on = snprintf(out, sizeof(out), "%s", out_arg);
    if (on <= 0 || (size_t) on >= sizeof(out)) {
        return seal_error_set(err, SEAL_INVALID, "backup directory: empty or too long");
    }
    while (on > 1 && out[on - 1] == '/') {
        out[--on] = '\0';
    }
    seal_store *st = NULL;
    seal_backup_manifest m;
    seal_backup_manifest_init(&m);
    file_list files = {0};
    seal_buf text;
    seal_buf_init(&text);
    bool made_tmp = false;
    seal_status s = check_out(out, err);
    if (s != SEAL_OK) {
        return s;
    }
    int w = snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", out, (long) getpid());
    if (w < 0 || (size_t) w >= sizeof(tmp) || parent_of(out, parent, sizeof(parent)) != SEAL_OK) {
        return seal_error_set(err, SEAL_INVALID, "%s: path too long", out);
    }
    /* opening the store proves the master key, which re-keying needs */
    if ((s = seal_store_open(dir, &st, err)) != SEAL_OK) {
        return s;
    }
    if (mkdir(tmp, 0700) != 0) {
        s = seal_error_set(err, SEAL_IO, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    made_tmp = true;
    /* 1. the side databases, each a consistent snapshot */
    for (size_t i = 0; i < sizeof(side_dbs) / sizeof(side_dbs[0]); i++) {
        sqlite3 *db = NULL;
        char src[2048];
        if ((s = seal__backup_path(src, sizeof(src), dir, side_dbs[i], err)) != SEAL_OK) {
            goto out;
        }
        if (access(src, F_OK) != 0) {
            continue;
        }
        if ((s = seal__backup_path(path, sizeof(path), tmp, side_dbs[i], err)) != SEAL_OK ||
            (s = seal__backup_open_db(src, false, &db, err)) != SEAL_OK) {
            goto out;
        }
        s = seal__backup_vacuum_into(db, src, path, err);
        sqlite3_close(db);
        if (s != SEAL_OK) {
            goto out;
        }
    }
    /* 2. the record store */
    if ((s = copy_records(st, dir, tmp, &m.records, &m.left_out, err)) != SEAL_OK) {
        goto out;
    }
    /* 3. the ledger last: every change in the snapshots above was logged
     * before it was made, so the copy holds its entry */
    if ((s = seal__backup_path(ledger_src, sizeof(ledger_src), dir, "ledger", err)) != SEAL_OK ||
        (s = seal__backup_path(path, sizeof(path), tmp, "ledger", err)) != SEAL_OK ||
        (s = seal__backup_ledger_copy(ledger_src, path, &m.ledger_size, m.ledger_root,
                                      &m.checkpoint_size, err)) != SEAL_OK) {
        goto out;
    }
    /* 4. the manifest */
    if ((s = walk(tmp, "", &files, err)) != SEAL_OK) {
        goto out;
    }
    if (files.n > 1) {
        qsort(files.v, files.n, sizeof(*files.v), cmp_file);
    }
    for (size_t i = 0; i < files.n; i++) {
        if ((s = seal__backup_path(path, sizeof(path), tmp, files.v[i].path, err)) != SEAL_OK ||
            (s = seal__backup_file_digest(path, &files.v[i].bytes, files.v[i].sha256, err)) !=
                SEAL_OK) {
            goto out;
        }
    }
    m.created = now;
    m.files = files.v;
    m.nfiles = files.n;
    files.v = NULL;
    if (seal__backup_manifest_format(&m, &text) != SEAL_OK) {
        s = seal_error_set(err, SEAL_NOMEM, "out of memory");
        goto out;
    }
    if ((s = seal__backup_path(path, sizeof(path), tmp, MANIFEST_FILE, err)) != SEAL_OK ||
        (s = write_file(path, text.data, text.len, err)) != SEAL_OK) {
        goto out;
    }
    if ((s = seal__backup_path(path, sizeof(path), tmp, "ledger", err)) != SEAL_OK ||
        (s = seal__backup_fsync_path(path, true, err)) != SEAL_OK ||
        (s = seal__backup_fsync_path(tmp, true, err)) != SEAL_OK) {
        goto out;
    }
    /* 5. into place: a reader of out sees no backup or a whole one */
    if (rename(tmp, out) != 0) {
        s = seal_error_set(err, errno == ENOTEMPTY || errno == EEXIST ? SEAL_EXISTS : SEAL_IO,
                           "%s: %s", out, strerror(errno));
        goto out;
    }
    made_tmp = false;
    s = seal__backup_fsync_path(parent, true, err);
out:
    if (made_tmp) {
        (void) seal__backup_remove_tree(tmp);
    }
    seal_store_close(st);
    seal_free(files.v);
    seal_buf_cleanup(&text);
    if (s == SEAL_OK && mo != NULL) {
        *mo = m;
    } else {
        seal_backup_manifest_cleanup(&m);
    }
    return s;
}

/* ---- verify --------------------------------------------------------------------- */

seal_status seal_backup_verify(const char *out, const char *vkey, seal_backup_manifest *mo,
                               seal_error *err)
{
    char path[4608];
    seal_backup_manifest m;
    seal_backup_manifest_init(&m);
    file_list found = {0};
    seal_buf text;
    seal_buf_init(&text);
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    seal_status s = seal__backup_path(path, sizeof(path), out, MANIFEST_FILE, err);
    if (s != SEAL_OK) {
        goto out;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        s = seal_error_set(err, errno == ENOENT ? SEAL_NOTFOUND : SEAL_IO, "%s: %s", path,
                           strerror(errno));
        goto out;
    }
    for (;;) {
        if (text.len > (1u << 20)) {
            s = seal_error_set(err, SEAL_LIMIT, "%s: larger than 1 MiB", path);
            break;
        }
        if (seal_buf_reserve(&text, 65536) != SEAL_OK) {
            s = seal_error_set(err, SEAL_NOMEM, "out of memory");
            break;
        }
        ssize_t r = read(fd, text.data + text.len, text.cap - text.len - 1);
        if (r <= 0) {
            if (r < 0) {
                s = seal_error_set(err, SEAL_IO, "%s: %s", path, strerror(errno));
            }
            break;
        }
        text.len += (size_t) r;
    }
    close(fd);
    if (s != SEAL_OK ||
        (s = seal_backup_manifest_parse((const char *) text.data, text.len, &m, err)) != SEAL_OK) {
        goto out;
    }
    /* every file listed is there and unchanged, and nothing else is */
    for (size_t i = 0; i < m.nfiles; i++) {
        uint64_t bytes = 0;
        uint8_t sha[32];
        if ((s = seal__backup_path(path, sizeof(path), out, m.files[i].path, err)) != SEAL_OK) {
            goto out;
        }
        s = seal__backup_file_digest(path, &bytes, sha, err);
        if (s == SEAL_NOTFOUND) {
            s = seal_error_set(err, SEAL_VERIFY, "%s: listed in the manifest but missing",
                               m.files[i].path);
        } else if (s == SEAL_OK &&
                   (bytes != m.files[i].bytes || memcmp(sha, m.files[i].sha256, 32) != 0)) {
            s = seal_error_set(err, SEAL_VERIFY, "%s: does not match its SHA-256 in the manifest",
                               m.files[i].path);
        }
        if (s != SEAL_OK) {
            goto out;
        }
    }
    if ((s = walk(out, "", &found, err)) != SEAL_OK) {
        goto out;
    }
    for (size_t i = 0; i < found.n; i++) {
        bool listed = false;
        for (size_t k = 0; k < m.nfiles && !listed; k++) {
            listed = strcmp(found.v[i].path, m.files[k].path) == 0;
        }
        if (!listed) {
            s = seal_error_set(err, SEAL_VERIFY, "%s: not listed in the manifest", found.v[i].path);
            goto out;
        }
    }
    /* the ledger: journal root, then tiles and signed checkpoint */
    uint64_t size = 0;
    uint8_t root[32];
    if ((s = seal__backup_path(path, sizeof(path), out, "ledger/journal", err)) != SEAL_OK ||
        (s = seal__backup_journal_root(path, &size, root, err)) != SEAL_OK) {
        goto out;
    }
    if (size != m.ledger_size || memcmp(root, m.ledger_root, 32) != 0) {
        s = seal_error_set(err, SEAL_VERIFY,
                           "ledger/journal: size %llu and its root do not match the manifest",
                           (unsigned long long) size);
        goto out;
    }
    if (m.checkpoint_size > 0) {
        seal_verify_result vr;
        if ((s = seal__backup_path(path, sizeof(path), out, "ledger", err)) != SEAL_OK) {
            goto out;
        }
        s = seal_ledger_verify_dir(path, vkey, NULL, 0, &vr, err);
        if (s != SEAL_OK) {
            seal_error_prefix(err, "ledger");
            goto out;
        }
        if (vr.checkpoint_size != m.checkpoint_size || vr.tiles_size != m.ledger_size) {
            s = seal_error_set(
                err, SEAL_VERIFY, "ledger: checkpoint size %llu, tiles %llu: not the manifest's",
                (unsigned long long) vr.checkpoint_size, (unsigned long long) vr.tiles_size);
            goto out;
        }
    }
    /* records.db: the format and the count */
    if ((s = seal__backup_path(path, sizeof(path), out, RECORDS_FILE, err)) != SEAL_OK ||
        (s = seal__backup_open_db(path, false, &db, err)) != SEAL_OK ||
        (s = prepare(db, path,
                     "SELECT (SELECT value FROM meta WHERE name = 'format'), "
                     "(SELECT length(value) FROM meta WHERE name = 'salt'), "
                     "(SELECT count(*) FROM rec)",
                     &q, err)) != SEAL_OK) {
        goto out;
    }
    if (sqlite3_step(q) != SQLITE_ROW ||
        sqlite3_column_bytes(q, 0) != (int) strlen(RECORDS_FORMAT) ||
        memcmp(sqlite3_column_blob(q, 0), RECORDS_FORMAT, strlen(RECORDS_FORMAT)) != 0 ||
        sqlite3_column_int(q, 1) != SALT_BYTES) {
        s = seal_error_set(err, SEAL_CORRUPT, "%s: not a sealed record backup", RECORDS_FILE);
        goto out;
    }
    if (sqlite3_column_int64(q, 2) != m.records) {
        s = seal_error_set(err, SEAL_VERIFY, "%s: holds %lld records, the manifest says %lld",
                           RECORDS_FILE, (long long) sqlite3_column_int64(q, 2),
                           (long long) m.records);
        goto out;
    }
out:
    sqlite3_finalize(q);
    sqlite3_close(db);
    seal_free(found.v);
    seal_buf_cleanup(&text);
    if (s == SEAL_OK && mo != NULL) {
        *mo = m;
    } else {
        seal_backup_manifest_cleanup(&m);
    }
    return s;
}
