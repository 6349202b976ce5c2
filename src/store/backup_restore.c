/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Restoring a record backup into a new data directory (sealed/backup.h).
 *
 * The restore can only bring back what a key source still opens: each
 * backed-up record is filed under holder = BLAKE2b(DK, tag || salt), so the
 * restore computes the holder of every data key in the key source and
 * restores the records whose holder it finds; the rest are counted as
 * unreadable and left out. A key that a generation still holds but the live
 * key store no longer does belongs to a subject shredded since the
 * generation: it is withheld, so a restore never brings a shredded subject
 * back while the live key store exists. Past the grace no generation holds
 * such a key at all (docs/backup.md).
 *
 * The new directory is written through the storage interface (backend.h),
 * like any store; its sealed.conf names the source directory's master key
 * file, which is never copied.
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

#define SALT_BYTES 16
#define META_VERSION 1
#define META_FIXED 88
#define IDX_BYTES (SEAL_HASH_BYTES + 2)

/* Must equal backup.c's. */
static const char holder_tag[] = "sealed.backup.holder.v1";
static const char meta_tag[] = "sealed.backup.meta.v1";
static const char row_ad_tag[] = "sealed.backup.row.v1";
static const char *const side_dbs[] = {"registry.db", "accounting.db"};

typedef struct holder_entry {
    uint8_t holder[SEAL_HASH_BYTES];
    uint8_t subject[SEAL_HASH_BYTES];
    uint8_t wrapped[SEAL_WRAPPED_BYTES];
} holder_entry;

static int cmp_holder(const void *a, const void *b)
{
    return memcmp(a, b, SEAL_HASH_BYTES);
}

static uint64_t get_u16(const uint8_t *p)
{
    return (uint64_t) p[0] | (uint64_t) p[1] << 8;
}

static int64_t get_i64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v |= (uint64_t) p[i] << (8 * i);
    }
    return (int64_t) v;
}

static seal_status copy_file(const char *src, const char *dst, int mode, seal_error *err)
{
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        return seal_error_set(err, errno == ENOENT ? SEAL_NOTFOUND : SEAL_IO, "%s: %s", src,
                              strerror(errno));
    }
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (out < 0) {
        close(in);
        return seal_error_set(err, SEAL_IO, "%s: %s", dst, strerror(errno));
    }
    seal_status s = SEAL_OK;
    char buf[65536];
    for (;;) {
        ssize_t r = read(in, buf, sizeof(buf));
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            s = seal_error_set(err, SEAL_IO, "%s: %s", src, strerror(errno));
            break;
        }
        if (r == 0) {
            break;
        }
        if (write(out, buf, (size_t) r) != r) {
            s = seal_error_set(err, SEAL_IO, "%s: %s", dst, strerror(errno));
            break;
        }
    }
    if (s == SEAL_OK && fsync(out) != 0) {
        s = seal_error_set(err, SEAL_IO, "%s: %s", dst, strerror(errno));
    }
    close(in);
    close(out);
    return s;
}

/* Copies a directory tree of regular files. */
static seal_status copy_tree(const char *src, const char *dst, seal_error *err)
{
    if (mkdir(dst, 0700) != 0 && errno != EEXIST) {
        return seal_error_set(err, SEAL_IO, "%s: %s", dst, strerror(errno));
    }
    DIR *d = opendir(src);
    if (d == NULL) {
        return seal_error_set(err, SEAL_IO, "%s: %s", src, strerror(errno));
    }
    seal_status s = SEAL_OK;
    struct dirent *e;
    while (s == SEAL_OK && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        char a[4096], b[4096];
        if ((s = seal__backup_path(a, sizeof(a), src, e->d_name, err)) != SEAL_OK ||
            (s = seal__backup_path(b, sizeof(b), dst, e->d_name, err)) != SEAL_OK) {
            break;
        }
        struct stat sb;
        if (lstat(a, &sb) != 0) {
            s = seal_error_set(err, SEAL_IO, "%s: %s", a, strerror(errno));
        } else if (S_ISDIR(sb.st_mode)) {
            s = copy_tree(a, b, err);
        } else if (S_ISREG(sb.st_mode)) {
            s = copy_file(a, b, (int) (sb.st_mode & 0777), err);
        }
    }
    closedir(d);
    return s;
}

/* DIR's master key file as an absolute path, for the new sealed.conf. */
static seal_status master_abs(const char *dir, char *out, size_t cap, seal_error *err)
{
    seal_config cfg;
    seal_config_init(&cfg);
    seal_status s = seal_config_load(&cfg, dir, err);
    if (s != SEAL_OK) {
        return s;
    }
    if (cfg.master_key_file[0] == '/') {
        int w = snprintf(out, cap, "%s", cfg.master_key_file);
        return w > 0 && (size_t) w < cap ? SEAL_OK
                                         : seal_error_set(err, SEAL_INVALID, "path too long");
    }
    char real[PATH_MAX];
    if (realpath(dir, real) == NULL) {
        return seal_error_set(err, SEAL_IO, "%s: %s", dir, strerror(errno));
    }
    int w = snprintf(out, cap, "%s/%s", real, cfg.master_key_file);
    return w > 0 && (size_t) w < cap ? SEAL_OK : seal_error_set(err, SEAL_INVALID, "path too long");
}

typedef struct restorer {
    const seal_backend_ops *ops;
    seal_backend *be;
    seal_store *st;
    holder_entry *map;
    size_t n, cap;
    uint8_t salt[SALT_BYTES];
    uint8_t *secret; /* dk[32] meta[32] */
    seal_restore_result res;
} restorer;

/* Reads the key source: its keymeta goes to the new key store; every data
 * key (not withheld) gets a holder entry and is written too. */
static seal_status read_keys(restorer *r, const char *src, const char *live, seal_error *err)
{
    sqlite3 *db = NULL, *ldb = NULL;
    sqlite3_stmt *q = NULL, *lq = NULL;
    seal_status s = seal__backup_open_db(src, false, &db, err);
    if (s != SEAL_OK) {
        return s;
    }
    if (live != NULL) {
        if ((s = seal__backup_open_db(live, false, &ldb, err)) != SEAL_OK) {
            goto out;
        }
        if (sqlite3_prepare_v2(ldb, "SELECT 1 FROM data_key WHERE subject = ?1", -1, &lq, NULL) !=
            SQLITE_OK) {
            s = seal__backup_sql_error(ldb, live, "not a key store", err);
            goto out;
        }
    }
    if (sqlite3_prepare_v2(db, "SELECT subject, wrapped FROM data_key ORDER BY subject", -1, &q,
                           NULL) != SQLITE_OK) {
        s = seal__backup_sql_error(db, src, "not a key store", err);
        goto out;
    }
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const uint8_t *subject = sqlite3_column_blob(q, 0);
        const uint8_t *wrapped = sqlite3_column_blob(q, 1);
        if (sqlite3_column_bytes(q, 0) != SEAL_HASH_BYTES ||
            sqlite3_column_bytes(q, 1) != SEAL_WRAPPED_BYTES) {
            s = seal_error_set(err, SEAL_CORRUPT, "%s: a malformed data key row", src);
            goto out;
        }
        if (lq != NULL) {
            sqlite3_reset(lq);
            sqlite3_bind_blob(lq, 1, subject, SEAL_HASH_BYTES, SQLITE_STATIC);
            int lrc = sqlite3_step(lq);
            if (lrc == SQLITE_DONE) {
                r->res.withheld++;
                continue;
            }
            if (lrc != SQLITE_ROW) {
                s = seal__backup_sql_error(ldb, live, "cannot read", err);
                goto out;
            }
        }
        if (seal__store_unwrap_key(r->st, subject, wrapped, SEAL_WRAPPED_BYTES, r->secret) !=
            SEAL_OK) {
            s = seal_error_set(err, SEAL_CRYPTO, "%s: a data key does not unwrap", src);
            goto out;
        }
        if (r->n == r->cap) {
            size_t nc = r->cap == 0 ? 1024 : 2 * r->cap;
            holder_entry *p = seal_realloc(r->map, nc * sizeof(*p));
            if (p == NULL) {
                s = seal_error_set(err, SEAL_NOMEM, "out of memory");
                goto out;
            }
            r->map = p;
            r->cap = nc;
        }
        holder_entry *h = &r->map[r->n++];
        seal__khash(h->holder, SEAL_HASH_BYTES, r->secret, holder_tag, sizeof(holder_tag), r->salt,
                    SALT_BYTES);
        memcpy(h->subject, subject, SEAL_HASH_BYTES);
        memcpy(h->wrapped, wrapped, SEAL_WRAPPED_BYTES);
        if ((s = r->ops->key_put(r->be, subject, wrapped, SEAL_WRAPPED_BYTES, err)) != SEAL_OK) {
            goto out;
        }
        r->res.keys++;
    }
    if (rc != SQLITE_DONE) {
        s = seal__backup_sql_error(db, src, "cannot read", err);
        goto out;
    }
    if (r->n > 1) {
        qsort(r->map, r->n, sizeof(*r->map), cmp_holder);
    }
out:
    seal__wipe(r->secret, 2 * SEAL_KEY_BYTES);
    sqlite3_finalize(q);
    sqlite3_finalize(lq);
    sqlite3_close(db);
    sqlite3_close(ldb);
    return s;
}

/* One backed-up row back into the store, if its holder is known. */
static seal_status restore_row(restorer *r, const uint8_t *holder, const uint8_t *sealed,
                               size_t slen, const uint8_t *body, size_t blen, uint8_t *plain,
                               const char *path, seal_error *err)
{
    const holder_entry *h = bsearch(holder, r->map, r->n, sizeof(*r->map), cmp_holder);
    if (h == NULL) {
        r->res.unreadable++;
        return SEAL_OK;
    }
    uint8_t *dk = r->secret, *mk = r->secret + SEAL_KEY_BYTES;
    if (seal__store_unwrap_key(r->st, h->subject, h->wrapped, SEAL_WRAPPED_BYTES, dk) != SEAL_OK) {
        return seal_error_set(err, SEAL_CRYPTO, "a data key does not unwrap");
    }
    seal__khash(mk, SEAL_KEY_BYTES, dk, meta_tag, sizeof(meta_tag), r->salt, SALT_BYTES);
    uint8_t ad[sizeof(row_ad_tag) + SALT_BYTES + SEAL_HASH_BYTES];
    memcpy(ad, row_ad_tag, sizeof(row_ad_tag));
    memcpy(ad + sizeof(row_ad_tag), r->salt, SALT_BYTES);
    memcpy(ad + sizeof(row_ad_tag) + SALT_BYTES, holder, SEAL_HASH_BYTES);
    if (slen < SEAL_NONCE_BYTES + SEAL_TAG_BYTES + META_FIXED ||
        seal__aead_open(plain, sealed + SEAL_NONCE_BYTES, slen - SEAL_NONCE_BYTES, ad, sizeof(ad),
                        sealed, mk) != SEAL_OK) {
        return seal_error_set(err, SEAL_CRYPTO, "%s: a row does not open (tampered?)", path);
    }
    size_t mlen = slen - SEAL_NONCE_BYTES - SEAL_TAG_BYTES;
    size_t nidx = (size_t) get_u16(plain + 86);
    if (plain[0] != META_VERSION || mlen != META_FIXED + nidx * IDX_BYTES ||
        memcmp(plain + 11, h->subject, SEAL_HASH_BYTES) != 0) {
        return seal_error_set(err, SEAL_CORRUPT, "%s: a row's metadata is malformed", path);
    }
    seal_record_row row;
    memset(&row, 0, sizeof(row));
    row.id = get_i64(plain + 1);
    row.kind = (int) get_u16(plain + 9);
    memcpy(row.subject, plain + 11, SEAL_HASH_BYTES);
    memcpy(row.natkey, plain + 27, SEAL_HASH_BYTES);
    memcpy(row.digest, plain + 43, SEAL_HASH_BYTES);
    row.day = get_i64(plain + 59);
    row.expires = get_i64(plain + 67);
    row.truncate_at = get_i64(plain + 75);
    row.state = plain[83];
    row.version = (int) get_u16(plain + 84);
    row.body = body;
    row.body_len = blen;
    seal_upsert up;
    seal_status s = r->ops->record_upsert(r->be, &row, &up, err);
    if (s == SEAL_OK && up != SEAL_UPSERT_INSERTED) {
        s = seal_error_set(err, SEAL_CORRUPT, "%s: a record appears twice", path);
    }
    for (size_t i = 0; s == SEAL_OK && i < nidx; i++) {
        seal_index_row ir;
        const uint8_t *p = plain + META_FIXED + i * IDX_BYTES;
        memcpy(ir.hash, p, SEAL_HASH_BYTES);
        ir.record = row.id;
        memcpy(ir.subject, row.subject, SEAL_HASH_BYTES);
        ir.version = (int) get_u16(p + SEAL_HASH_BYTES);
        s = r->ops->index_put(r->be, &ir, err);
    }
    seal__wipe(plain, mlen);
    if (s == SEAL_OK) {
        r->res.records++;
    }
    return s;
}

static seal_status restore_records(restorer *r, const char *path, seal_error *err)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    uint8_t *plain = NULL;
    seal_status s = seal__backup_open_db(path, false, &db, err);
    if (s != SEAL_OK) {
        return s;
    }
    if (sqlite3_prepare_v2(db, "SELECT name, value FROM store_meta ORDER BY name", -1, &q, NULL) !=
        SQLITE_OK) {
        s = seal__backup_sql_error(db, path, "not a record backup", err);
        goto out;
    }
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if ((s = r->ops->meta_put(r->be, (const char *) sqlite3_column_text(q, 0),
                                  sqlite3_column_blob(q, 1), (size_t) sqlite3_column_bytes(q, 1),
                                  err)) != SEAL_OK) {
            goto out;
        }
    }
    sqlite3_finalize(q);
    q = NULL;
    if (rc != SQLITE_DONE ||
        sqlite3_prepare_v2(db, "SELECT holder, sealed, body FROM rec ORDER BY seq", -1, &q, NULL) !=
            SQLITE_OK) {
        s = seal__backup_sql_error(db, path, "cannot read", err);
        goto out;
    }
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        size_t slen = (size_t) sqlite3_column_bytes(q, 1);
        if (sqlite3_column_bytes(q, 0) != SEAL_HASH_BYTES || slen > 1u << 20) {
            s = seal_error_set(err, SEAL_CORRUPT, "%s: a malformed row", path);
            goto out;
        }
        seal_free(plain);
        plain = seal_malloc(slen);
        if (plain == NULL) {
            s = seal_error_set(err, SEAL_NOMEM, "out of memory");
            goto out;
        }
        s = restore_row(r, sqlite3_column_blob(q, 0), sqlite3_column_blob(q, 1), slen,
                        sqlite3_column_blob(q, 2), (size_t) sqlite3_column_bytes(q, 2), plain, path,
                        err);
        if (s != SEAL_OK) {
            goto out;
        }
    }
    if (rc != SQLITE_DONE) {
        s = seal__backup_sql_error(db, path, "cannot read", err);
    }
out:
    seal_free(plain);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return s;
}

static seal_status read_salt(const char *path, uint8_t *salt, seal_error *err)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    seal_status s = seal__backup_open_db(path, false, &db, err);
    if (s != SEAL_OK) {
        return s;
    }
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE name = 'salt'", -1, &q, NULL) !=
            SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW || sqlite3_column_bytes(q, 0) != SALT_BYTES) {
        s = seal_error_set(err, SEAL_CORRUPT, "%s: not a sealed record backup", path);
    } else {
        memcpy(salt, sqlite3_column_blob(q, 0), SALT_BYTES);
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    return s;
}

/* The new key store's keymeta (master-key check, wrapped index root). */
static seal_status copy_keymeta(const seal_backend_ops *ops, seal_backend *be, const char *src,
                                seal_error *err)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    seal_status s = seal__backup_open_db(src, false, &db, err);
    if (s != SEAL_OK) {
        return s;
    }
    if (sqlite3_prepare_v2(db, "SELECT name, value FROM keymeta ORDER BY name", -1, &q, NULL) !=
        SQLITE_OK) {
        s = seal__backup_sql_error(db, src, "not a key store", err);
    }
    int rc = SQLITE_DONE;
    while (s == SEAL_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        s = ops->keymeta_put(be, (const char *) sqlite3_column_text(q, 0),
                             sqlite3_column_blob(q, 1), (size_t) sqlite3_column_bytes(q, 1), err);
    }
    if (s == SEAL_OK && rc != SQLITE_DONE) {
        s = seal__backup_sql_error(db, src, "cannot read", err);
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    return s;
}

seal_status seal_backup_restore(const char *dir, const char *backup, const char *to,
                                const char *keys, seal_restore_result *res, seal_error *err)
{
    char live[2048], src[2048], path[4608], a[4608], master[2048];
    restorer r;
    memset(&r, 0, sizeof(r));
    r.ops = &seal__sqlite_backend;
    bool made = false, in_tx = false;
    seal_status s = seal_backup_verify(backup, NULL, NULL, err);
    if (s != SEAL_OK) {
        return s;
    }
    if (access(to, F_OK) == 0) {
        return seal_error_set(err, SEAL_EXISTS,
                              "%s: already exists; restore makes a new data "
                              "directory",
                              to);
    }
    if ((s = seal__backup_path(live, sizeof(live), dir, "keys.db", err)) != SEAL_OK) {
        return s;
    }
    bool have_live = access(live, F_OK) == 0;
    if (keys == NULL && !have_live) {
        return seal_error_set(err, SEAL_NOTFOUND,
                              "%s: no key store; name a key-store generation with --keys", dir);
    }
    snprintf(src, sizeof(src), "%s", keys != NULL ? keys : live);
    if (access(src, R_OK) != 0) {
        return seal_error_set(err, SEAL_NOTFOUND, "%s: %s", src, strerror(errno));
    }
    if ((s = master_abs(dir, master, sizeof(master), err)) != SEAL_OK) {
        return s;
    }
    if (seal__crypto_init() != SEAL_OK) {
        return seal_error_set(err, SEAL_CRYPTO, "libsodium failed to initialise");
    }
    r.secret = seal__secret_alloc(2 * SEAL_KEY_BYTES);
    if (r.secret == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "cannot allocate secure memory");
    }
    if (mkdir(to, 0700) != 0) {
        s = seal_error_set(err, SEAL_IO, "%s: %s", to, strerror(errno));
        goto out;
    }
    made = true;
    /* sealed.conf naming the source's master key; the key stores; keymeta */
    seal_buf conf;
    seal_buf_init(&conf);
    s = seal_buf_printf(&conf,
                        "# sealed data directory restored from a backup (docs/backup.md)\n"
                        "backend = sqlite\nmaster_key_file = %s\n",
                        master);
    if (s == SEAL_OK &&
        (s = seal__backup_path(path, sizeof(path), to, "sealed.conf", err)) == SEAL_OK) {
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 || write(fd, conf.data, conf.len) != (ssize_t) conf.len || fsync(fd) != 0) {
            s = seal_error_set(err, SEAL_IO, "%s: %s", path, strerror(errno));
        }
        if (fd >= 0) {
            close(fd);
        }
    }
    seal_buf_cleanup(&conf);
    if (s != SEAL_OK || (s = r.ops->open(to, true, &r.be, err)) != SEAL_OK ||
        (s = r.ops->begin(r.be, err)) != SEAL_OK) {
        goto out;
    }
    in_tx = true;
    if ((s = copy_keymeta(r.ops, r.be, src, err)) != SEAL_OK ||
        (s = r.ops->commit(r.be, err)) != SEAL_OK) {
        goto out;
    }
    in_tx = false;
    /* the master key must open the key source */
    if ((s = seal_store_open(to, &r.st, err)) != SEAL_OK) {
        seal_error_prefix(err, "key source %s", src);
        goto out;
    }
    if ((s = seal__backup_path(path, sizeof(path), backup, "records.db", err)) != SEAL_OK ||
        (s = read_salt(path, r.salt, err)) != SEAL_OK || (s = r.ops->begin(r.be, err)) != SEAL_OK) {
        goto out;
    }
    in_tx = true;
    if ((s = read_keys(&r, src, keys != NULL && have_live ? live : NULL, err)) != SEAL_OK ||
        (s = restore_records(&r, path, err)) != SEAL_OK ||
        (s = r.ops->commit(r.be, err)) != SEAL_OK) {
        goto out;
    }
    in_tx = false;
    /* the side databases and the ledger */
    for (size_t i = 0; i < sizeof(side_dbs) / sizeof(side_dbs[0]); i++) {
        if ((s = seal__backup_path(a, sizeof(a), backup, side_dbs[i], err)) != SEAL_OK ||
            (s = seal__backup_path(path, sizeof(path), to, side_dbs[i], err)) != SEAL_OK) {
            goto out;
        }
        if (access(a, F_OK) == 0 && (s = copy_file(a, path, 0600, err)) != SEAL_OK) {
            goto out;
        }
    }
    if ((s = seal__backup_path(a, sizeof(a), backup, "ledger", err)) != SEAL_OK ||
        (s = seal__backup_path(path, sizeof(path), to, "ledger", err)) != SEAL_OK ||
        (s = copy_tree(a, path, err)) != SEAL_OK) {
        goto out;
    }
    /* the ledger's signing key, when the source still has it */
    if ((s = seal__backup_path(a, sizeof(a), dir, "ledger/key", err)) != SEAL_OK ||
        (s = seal__backup_path(path, sizeof(path), to, "ledger/key", err)) != SEAL_OK) {
        goto out;
    }
    if (access(a, F_OK) == 0) {
        seal_ledger *led = NULL;
        char ldir[4608];
        if ((s = copy_file(a, path, 0600, err)) != SEAL_OK ||
            (s = seal__backup_path(ldir, sizeof(ldir), to, "ledger", err)) != SEAL_OK) {
            goto out;
        }
        s = seal_ledger_open(ldir, NULL, &led, err);
        seal_ledger_close(led);
        if (s != SEAL_OK) {
            goto out;
        }
    }
    s = seal__backup_fsync_path(to, true, err);
out:
    if (in_tx) {
        r.ops->rollback(r.be);
    }
    if (r.be != NULL) {
        r.ops->close(r.be);
    }
    seal_store_close(r.st);
    seal_free(r.map);
    seal__secret_free(r.secret);
    if (s != SEAL_OK && made) {
        /* nothing partially restored is left behind */
        char cmdpath[4608];
        snprintf(cmdpath, sizeof(cmdpath), "%s", to);
        (void) seal__backup_remove_tree(cmdpath);
    }
    if (res != NULL) {
        *res = r.res;
    }
    return s;
}
