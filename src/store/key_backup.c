/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Key-store generations (sealed/backup.h): copies of keys.db named by their
 * time, deleted once the policy's grace has passed, and the scrub that makes
 * the live key store forget deleted keys' bytes.
 *
 * A generation is written with VACUUM INTO, not the online backup API: VACUUM
 * INTO copies rows, while the backup API copies pages, free space included,
 * and so would carry a shredded key's bytes (left in a page's free space by
 * DELETE) into a generation taken after the shred, which would then outlive
 * the grace. For the same reason the expiry rewrites the live key store
 * (VACUUM) and truncates its WAL, whose old frames hold every page ever
 * written. docs/backup.md says what unlink does and does not mean on SSDs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sealed/alloc.h"
#include "sealed/backup.h"
#include "sealed/time.h"
#include "store/backup_int.h"

#define SECONDS_PER_DAY 86400
#define PREFIX "keys-"
#define SUFFIX "Z.db"
#define TMP_SUFFIX ".tmp"

/* ---- names ---------------------------------------------------------------------- */

seal_status seal_keygen_name(int64_t t, char out[SEAL_KEYGEN_NAME_MAX])
{
    /* 1970-01-01 .. 9999-12-31T23:59:59Z */
    if (t < 0 || t > 253402300799) {
        return SEAL_INVALID;
    }
    char iso[32];
    seal_time_format(iso, sizeof(iso), t); /* 2026-11-24T18:15:00Z */
    if (strlen(iso) != 20) {
        return SEAL_INVALID;
    }
    snprintf(out, SEAL_KEYGEN_NAME_MAX, PREFIX "%.4s%.2s%.2sT%.2s%.2s%.2s" SUFFIX, iso, iso + 5,
             iso + 8, iso + 11, iso + 14, iso + 17);
    return SEAL_OK;
}

seal_status seal_keygen_parse(const char *name, int64_t *t)
{
    /* keys-YYYYMMDDTHHMMSSZ.db */
    if (strlen(name) != SEAL_KEYGEN_NAME_MAX - 1 || strncmp(name, PREFIX, 5) != 0 ||
        strcmp(name + 20, SUFFIX) != 0 || name[13] != 'T') {
        return SEAL_INVALID;
    }
    const char *d = name + 5;
    for (int i = 0; i < 15; i++) {
        if (i != 8 && (d[i] < '0' || d[i] > '9')) {
            return SEAL_INVALID;
        }
    }
    char iso[21];
    snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", d, d + 4, d + 6, d + 9, d + 11,
             d + 13);
    int64_t v;
    char back[SEAL_KEYGEN_NAME_MAX];
    /* the round trip refuses what the time parser would normalise */
    if (seal_time_parse(iso, &v) != SEAL_OK || seal_keygen_name(v, back) != SEAL_OK ||
        strcmp(back, name) != 0) {
        return SEAL_INVALID;
    }
    *t = v;
    return SEAL_OK;
}

bool seal_keygen_expired(int64_t taken, int64_t now, int64_t grace_days)
{
    int64_t age;
    if (taken > now) {
        return false; /* from the future: the clock was set back */
    }
    if (grace_days <= 0) {
        return true;
    }
    if (grace_days > INT64_MAX / SECONDS_PER_DAY) {
        return false;
    }
    if (__builtin_sub_overflow(now, taken, &age)) {
        return true;
    }
    return age >= grace_days * SECONDS_PER_DAY;
}

/* ---- paths and files ---------------------------------------------------------------- */

seal_status seal__backup_path(char *out, size_t cap, const char *a, const char *b, seal_error *err)
{
    int w = snprintf(out, cap, "%s/%s", a, b);
    if (w < 0 || (size_t) w >= cap) {
        return seal_error_set(err, SEAL_INVALID, "path too long: %s/%s", a, b);
    }
    return SEAL_OK;
}

seal_status seal__backup_fsync_path(const char *path, bool dir, seal_error *err)
{
    int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        seal_status s = seal_error_set(err, SEAL_IO, "%s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return s;
    }
    close(fd);
    return SEAL_OK;
}

seal_status seal__backup_sql_error(sqlite3 *db, const char *path, const char *what, seal_error *err)
{
    int prim = db != NULL ? sqlite3_errcode(db) & 0xff : SQLITE_NOMEM;
    seal_status s = SEAL_STORE;
    if (prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB) {
        s = SEAL_CORRUPT;
    } else if (prim == SQLITE_IOERR || prim == SQLITE_FULL || prim == SQLITE_CANTOPEN) {
        s = SEAL_IO;
    } else if (prim == SQLITE_NOMEM) {
        s = SEAL_NOMEM;
    } else if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED) {
        s = SEAL_STORE;
    }
    return seal_error_set(err, s, "%s: %s: %s", path, what,
                          db != NULL ? sqlite3_errmsg(db) : "out of memory");
}

seal_status seal__backup_open_db(const char *path, bool write, sqlite3 **db, seal_error *err)
{
    int flags = (write ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY) | SQLITE_OPEN_NOMUTEX;
    *db = NULL;
    if (access(path, F_OK) != 0) {
        return seal_error_set(err, SEAL_NOTFOUND, "%s: %s", path, strerror(errno));
    }
    if (sqlite3_open_v2(path, db, flags, NULL) != SQLITE_OK) {
        seal_status s = seal__backup_sql_error(*db, path, "cannot open", err);
        sqlite3_close(*db);
        *db = NULL;
        return s;
    }
    sqlite3_busy_timeout(*db, 10000);
    return SEAL_OK;
}

/* VACUUM INTO an empty file of mode 0600 that we create first (SQLite would
 * create it with the umask's mode), then fsync it. */
seal_status seal__backup_vacuum_into(sqlite3 *db, const char *src, const char *dst, seal_error *err)
{
    int fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        return seal_error_set(err, errno == EEXIST ? SEAL_EXISTS : SEAL_IO, "%s: %s", dst,
                              strerror(errno));
    }
    close(fd);
    sqlite3_stmt *q = NULL;
    seal_status s = SEAL_OK;
    if (sqlite3_prepare_v2(db, "VACUUM INTO ?1", -1, &q, NULL) != SQLITE_OK) {
        s = seal__backup_sql_error(db, src, "cannot copy", err);
    } else {
        sqlite3_bind_text(q, 1, dst, -1, SQLITE_STATIC);
        if (sqlite3_step(q) != SQLITE_DONE) {
            s = seal__backup_sql_error(db, src, "cannot copy", err);
        }
    }
    sqlite3_finalize(q);
    if (s == SEAL_OK) {
        s = seal__backup_fsync_path(dst, false, err);
    }
    if (s != SEAL_OK) {
        unlink(dst);
    }
    return s;
}

static seal_status folder_of(const char *dir, const char *folder, char *out, size_t cap,
                             seal_error *err)
{
    if (folder != NULL) {
        int w = snprintf(out, cap, "%s", folder);
        return w > 0 && (size_t) w < cap ? SEAL_OK
                                         : seal_error_set(err, SEAL_INVALID, "path too long");
    }
    return seal__backup_path(out, cap, dir, SEAL_KEYGEN_DIR, err);
}

/* ---- listing ------------------------------------------------------------------------ */

typedef struct gen_entry {
    int64_t taken;
    bool tmp; /* a temporary file of a generation that never finished */
    char name[SEAL_KEYGEN_NAME_MAX + sizeof(TMP_SUFFIX)];
} gen_entry;

static int cmp_gen(const void *a, const void *b)
{
    const gen_entry *x = a, *y = b;
    if (x->taken != y->taken) {
        return x->taken < y->taken ? -1 : 1;
    }
    return strcmp(x->name, y->name);
}

/* The generations (and leftover temporaries) in folder, oldest first. A
 * missing folder is empty. */
static seal_status list_gens(const char *folder, gen_entry **out, size_t *n, seal_error *err)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(folder);
    if (d == NULL) {
        return errno == ENOENT ? SEAL_OK
                               : seal_error_set(err, SEAL_IO, "%s: %s", folder, strerror(errno));
    }
    gen_entry *v = NULL;
    size_t cap = 0;
    seal_status s = SEAL_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        gen_entry g = {0};
        size_t len = strlen(e->d_name);
        if (len >= sizeof(g.name)) {
            continue;
        }
        memcpy(g.name, e->d_name, len + 1);
        if (len == SEAL_KEYGEN_NAME_MAX - 1 + strlen(TMP_SUFFIX) &&
            strcmp(g.name + SEAL_KEYGEN_NAME_MAX - 1, TMP_SUFFIX) == 0) {
            g.tmp = true;
            g.name[SEAL_KEYGEN_NAME_MAX - 1] = '\0';
        }
        if (seal_keygen_parse(g.name, &g.taken) != SEAL_OK) {
            continue;
        }
        memcpy(g.name, e->d_name, len + 1);
        if (*n == cap) {
            size_t nc = cap == 0 ? 16 : 2 * cap;
            gen_entry *p = seal_realloc(v, nc * sizeof(*v));
            if (p == NULL) {
                s = seal_error_set(err, SEAL_NOMEM, "out of memory");
                break;
            }
            v = p;
            cap = nc;
        }
        v[(*n)++] = g;
    }
    closedir(d);
    if (s != SEAL_OK) {
        seal_free(v);
        *n = 0;
        return s;
    }
    if (*n > 1) {
        qsort(v, *n, sizeof(*v), cmp_gen);
    }
    *out = v;
    return SEAL_OK;
}

seal_status seal_keys_generations(const char *dir, const char *folder, seal_keygen_fn fn, void *ud,
                                  seal_error *err)
{
    char path[2048], file[2400];
    gen_entry *v = NULL;
    size_t n = 0;
    seal_status s = folder_of(dir, folder, path, sizeof(path), err);
    if (s == SEAL_OK) {
        s = list_gens(path, &v, &n, err);
    }
    for (size_t i = 0; s == SEAL_OK && i < n; i++) {
        if (!v[i].tmp && seal__backup_path(file, sizeof(file), path, v[i].name, err) == SEAL_OK) {
            fn(file, v[i].taken, ud);
        }
    }
    seal_free(v);
    return s;
}

/* ---- backup, expiry, scrub ---------------------------------------------------------- */

seal_status seal_keys_backup(const char *dir, const char *folder, int64_t now,
                             char name_out[SEAL_KEYGEN_NAME_MAX], seal_error *err)
{
    char fpath[2048], src[2048], final[2400], tmp[2410], name[SEAL_KEYGEN_NAME_MAX];
    sqlite3 *db = NULL;
    seal_status s = folder_of(dir, folder, fpath, sizeof(fpath), err);
    if (s != SEAL_OK || (s = seal__backup_path(src, sizeof(src), dir, "keys.db", err)) != SEAL_OK) {
        return s;
    }
    if (seal_keygen_name(now, name) != SEAL_OK) {
        return seal_error_set(err, SEAL_INVALID, "the time is outside years 1970..9999");
    }
    if (mkdir(fpath, 0700) != 0 && errno != EEXIST) {
        return seal_error_set(err, SEAL_IO, "%s: %s", fpath, strerror(errno));
    }
    if ((s = seal__backup_path(final, sizeof(final), fpath, name, err)) != SEAL_OK) {
        return s;
    }
    snprintf(tmp, sizeof(tmp), "%s" TMP_SUFFIX, final);
    if (access(final, F_OK) == 0) {
        return seal_error_set(err, SEAL_EXISTS, "%s: a generation of this second exists", final);
    }
    unlink(tmp); /* left by a crashed run of this very second */
    if ((s = seal__backup_open_db(src, false, &db, err)) != SEAL_OK) {
        return s;
    }
    s = seal__backup_vacuum_into(db, src, tmp, err);
    sqlite3_close(db);
    if (s != SEAL_OK) {
        return s;
    }
    /* link() does not replace: two runs in one second cannot clobber each other */
    if (link(tmp, final) != 0) {
        s = seal_error_set(err, errno == EEXIST ? SEAL_EXISTS : SEAL_IO, "%s: %s", final,
                           strerror(errno));
    }
    unlink(tmp);
    if (s == SEAL_OK) {
        s = seal__backup_fsync_path(fpath, true, err);
    }
    if (s == SEAL_OK && name_out != NULL) {
        memcpy(name_out, name, SEAL_KEYGEN_NAME_MAX);
    }
    return s;
}

/* Rewrites the live key store so that deleted keys leave its free pages, and
 * truncates its WAL, whose frames keep every page image written since the
 * last reset. */
static seal_status scrub(const char *dir, bool *done, seal_error *err)
{
    char path[2048];
    sqlite3 *db = NULL;
    *done = false;
    seal_status s = seal__backup_path(path, sizeof(path), dir, "keys.db", err);
    if (s != SEAL_OK || (s = seal__backup_open_db(path, true, &db, err)) != SEAL_OK) {
        return s;
    }
    if (sqlite3_exec(db, "PRAGMA secure_delete=ON; VACUUM", NULL, NULL, NULL) != SQLITE_OK) {
        s = seal__backup_sql_error(db, path, "cannot scrub (VACUUM)", err);
        goto out;
    }
    /* readers of an older snapshot make a checkpoint busy: retry briefly */
    for (int i = 0; i < 50; i++) {
        int log = -1, ckpt = -1;
        int rc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &ckpt);
        if (rc == SQLITE_OK) {
            *done = true;
            break;
        }
        if (rc != SQLITE_BUSY) {
            s = seal__backup_sql_error(db, path, "cannot truncate the WAL", err);
            goto out;
        }
        usleep(100000);
    }
    if (!*done) {
        s = seal_error_set(err, SEAL_STORE, "%s: cannot truncate the WAL: readers kept it busy",
                           path);
    }
out:
    sqlite3_close(db);
    return s;
}

seal_status seal_keys_expire(const char *dir, const char *folder, int64_t now, int64_t grace_days,
                             seal_keys_expiry *res, seal_error *err)
{
    char fpath[2048], file[2400];
    gen_entry *v = NULL;
    size_t n = 0;
    seal_keys_expiry r = {0};
    seal_status s = folder_of(dir, folder, fpath, sizeof(fpath), err);
    if (s == SEAL_OK) {
        s = list_gens(fpath, &v, &n, err);
    }
    bool any = false;
    for (size_t i = 0; s == SEAL_OK && i < n; i++) {
        if (!seal_keygen_expired(v[i].taken, now, grace_days)) {
            r.kept += !v[i].tmp;
            continue;
        }
        if ((s = seal__backup_path(file, sizeof(file), fpath, v[i].name, err)) != SEAL_OK) {
            break;
        }
        if (unlink(file) != 0 && errno != ENOENT) {
            s = seal_error_set(err, SEAL_IO, "%s: %s", file, strerror(errno));
            break;
        }
        r.deleted += !v[i].tmp;
        any = true;
    }
    seal_free(v);
    if (s == SEAL_OK && any) {
        s = seal__backup_fsync_path(fpath, true, err);
    }
    if (s == SEAL_OK) {
        s = scrub(dir, &r.scrubbed, err);
    }
    if (res != NULL) {
        *res = r;
    }
    return s;
}
