/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The record store above the backend: master key, data keys, field
 * encryption, blind indexes and the record layout. Nothing here writes SQL;
 * everything persistent goes through the backend table (backend.h).
 *
 * Record body, version 1:
 *   u8 1 | nonce_base[8] | u8 count | count x (u8 field | u16le len | ct[len])
 * where ct is ChaCha20-Poly1305 (IETF) of the value with the 96-bit nonce
 * nonce_base||u32le(field) under the subject's data key
 * and associated data "sealed.field.v1" 0 subject[16] kind 0 field-name, so a
 * ciphertext moved to another subject, kind or field no longer opens.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/crypto.h"
#include "sealed/alloc.h"
#include "sealed/config.h"
#include "sealed/ledger.h"
#include "sealed/log.h"
#include "sealed/ident.h"
#include "sealed/store.h"
#include "sealed/time.h"
#include "store/backend.h"
#include "store/std.h"
#include "store/store_backup.h"

#define BODY_VERSION 1
#define CACHE_BITS 18
#define CACHE_SLOTS (1u << CACHE_BITS)
#define MASTER_FILE "master.key"
#define CONF_FILE "sealed.conf"

enum { SUB_SUBJECT = 1, SUB_INDEX, SUB_NATKEY, SUB_DIGEST, SUB_COMMIT, SUB_COUNT };

typedef struct key_slot {
    uint8_t subject[SEAL_HASH_BYTES];
    uint8_t key[SEAL_KEY_BYTES];
    uint8_t used;
} key_slot;

/* Secrets, all in one guarded allocation. */
typedef struct secrets {
    seal_khash_ctx hashes[SUB_COUNT]; /* keyed hashes, 16-byte output */
    uint8_t master[SEAL_KEY_BYTES];
    uint8_t sub[SUB_COUNT][SEAL_KEY_BYTES];
    key_slot cache[CACHE_SLOTS];
} secrets;

struct seal_store {
    const seal_backend_ops *ops;
    seal_backend *be;
    seal_catalogue *cat;
    secrets *sec;
    seal_rand_pool pool;
    int force_version;
    int64_t now; /* time of the events this handle logs; 0: the clock */
    seal_buf body, plain, std, scratch, wrapped;
    char dir[1024];
};

static const char *const retention_names[] = {"active", "truncate_due", "truncated", "expired",
                                              "shredded"};

const char *seal_retention_state_name(seal_retention_state s)
{
    return (unsigned) s < SEAL_RET_COUNT ? retention_names[s] : "unknown";
}

int seal_store_std_version(void)
{
    return seal__std_version();
}

static int row_version(const seal_store *st)
{
    return st->force_version != 0 ? st->force_version : seal__std_version();
}

void seal__store_force_version(seal_store *st, int version)
{
    st->force_version = version;
}

/* ---- master key file ---------------------------------------------------- */

static seal_status path_join(char *out, size_t n, const char *dir, const char *file,
                             seal_error *err)
{
    int w = snprintf(out, n, "%s/%s", dir, file);
    if (w < 0 || (size_t) w >= n) {
        return seal_error_set(err, SEAL_INVALID, "path too long: %s/%s", dir, file);
    }
    return SEAL_OK;
}

/* The master key file named by DIR/sealed.conf. */
static seal_status master_path(const char *dir, char *path, size_t n, seal_error *err)
{
    seal_config cfg;
    seal_config_init(&cfg);
    seal_status s = seal_config_load(&cfg, dir, err);
    if (s != SEAL_OK) {
        return s;
    }
    if (cfg.master_key_file[0] == '/') {
        int w = snprintf(path, n, "%s", cfg.master_key_file);
        return w > 0 && (size_t) w < n ? SEAL_OK
                                       : seal_error_set(err, SEAL_INVALID, "key path too long");
    }
    return path_join(path, n, dir, cfg.master_key_file, err);
}

static seal_status read_master(const char *path, uint8_t *key, seal_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        return seal_error_set(err, errno == ENOENT ? SEAL_NOTFOUND : SEAL_IO,
                              "master key file %s: %s", path, strerror(errno));
    }
    seal_status s = SEAL_OK;
    struct stat sb;
    char hex[2 * SEAL_KEY_BYTES + 2];
    ssize_t got = 0;
    if (fstat(fd, &sb) != 0) {
        s = seal_error_set(err, SEAL_IO, "master key file %s: %s", path, strerror(errno));
        goto out;
    }
    if ((sb.st_mode & 077) != 0) {
        s = seal_error_set(err, SEAL_PERM,
                           "master key file %s: group or others can access it (mode %04o); "
                           "refusing it: chmod 600 %s",
                           path, (unsigned) (sb.st_mode & 07777), path);
        goto out;
    }
    got = read(fd, hex, sizeof(hex));
    if (got < (ssize_t) (2 * SEAL_KEY_BYTES) ||
        (got == (ssize_t) sizeof(hex) && hex[2 * SEAL_KEY_BYTES] != '\n') ||
        (got == 2 * SEAL_KEY_BYTES + 1 && hex[2 * SEAL_KEY_BYTES] != '\n') ||
        seal_hex_decode(key, SEAL_KEY_BYTES, hex, 2 * SEAL_KEY_BYTES) != SEAL_OK) {
        s = seal_error_set(err, SEAL_KEY, "master key file %s: not 64 hex digits", path);
    }
out:
    seal__wipe(hex, sizeof(hex));
    close(fd);
    return s;
}

static seal_status write_master(const char *path, const uint8_t *key, seal_error *err)
{
    char hex[2 * SEAL_KEY_BYTES + 2];
    seal_hex_encode(hex, key, SEAL_KEY_BYTES);
    hex[2 * SEAL_KEY_BYTES] = '\n';
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    seal_status s = SEAL_OK;
    if (fd < 0) {
        s = seal_error_set(err, SEAL_IO, "master key file %s: %s", path, strerror(errno));
    } else {
        if (write(fd, hex, 2 * SEAL_KEY_BYTES + 1) != 2 * SEAL_KEY_BYTES + 1 || fsync(fd) != 0) {
            s = seal_error_set(err, SEAL_IO, "master key file %s: %s", path, strerror(errno));
        }
        close(fd);
    }
    seal__wipe(hex, sizeof(hex));
    return s;
}

static seal_status fsync_dir(const char *dir, seal_error *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        seal_status s = seal_error_set(err, SEAL_IO, "%s: %s", dir, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return s;
    }
    close(fd);
    return SEAL_OK;
}

/* ---- key store ------------------------------------------------------------ */

static const char check_ad[] = "sealed.master-check.v1";
static const char root_ad[] = "sealed.index-root.v1";
static const char dk_ad[] = "sealed.data-key.v1";

static seal_status derive_subkeys(seal_store *st, const uint8_t *root)
{
    static const char ctx[8] = {'s', 'e', 'a', 'l', 'i', 'd', 'x', '1'};
    for (int i = SUB_SUBJECT; i < SUB_COUNT; i++) {
        seal_status s = seal__kdf(st->sec->sub[i], root, (uint64_t) i, ctx);
        if (s != SEAL_OK) {
            return s;
        }
        seal__khash_ctx_init(&st->sec->hashes[i], st->sec->sub[i], SEAL_HASH_BYTES);
    }
    return SEAL_OK;
}

static seal_status check_master(seal_store *st, const uint8_t *master, seal_error *err)
{
    uint8_t probe[SEAL_KEY_BYTES];
    seal_status s = st->ops->keymeta_get(st->be, "check", &st->wrapped, err);
    if (s == SEAL_NOTFOUND || (s == SEAL_OK && st->wrapped.len != SEAL_WRAPPED_BYTES)) {
        return seal_error_set(err, SEAL_CORRUPT, "%s: key store has no master-key check", st->dir);
    }
    if (s != SEAL_OK) {
        return s;
    }
    s = seal__key_unwrap(probe, st->wrapped.data, master, check_ad, sizeof(check_ad));
    seal__wipe(probe, sizeof(probe));
    if (s != SEAL_OK) {
        return seal_error_set(err, SEAL_KEY,
                              "%s: the master key does not open this key store (wrong key file?)",
                              st->dir);
    }
    return SEAL_OK;
}

static void wrap_ad(uint8_t *ad, const uint8_t *subject)
{
    memcpy(ad, dk_ad, sizeof(dk_ad));
    memcpy(ad + sizeof(dk_ad), subject, SEAL_HASH_BYTES);
}

/* The data key of a subject; created when create is set and none exists. */
static seal_status subject_key(seal_store *st, const uint8_t *subject, bool create,
                               const uint8_t **key, seal_error *err)
{
    uint32_t h = (uint32_t) subject[0] | (uint32_t) subject[1] << 8 | (uint32_t) subject[2] << 16;
    key_slot *slot = &st->sec->cache[h & (CACHE_SLOTS - 1)];
    if (slot->used && memcmp(slot->subject, subject, SEAL_HASH_BYTES) == 0) {
        *key = slot->key;
        return SEAL_OK;
    }
    uint8_t ad[sizeof(dk_ad) + SEAL_HASH_BYTES];
    wrap_ad(ad, subject);
    seal_status s = st->ops->key_get(st->be, subject, &st->wrapped, err);
    if (s == SEAL_OK) {
        if (st->wrapped.len != SEAL_WRAPPED_BYTES ||
            seal__key_unwrap(slot->key, st->wrapped.data, st->sec->master, ad, sizeof(ad)) !=
                SEAL_OK) {
            slot->used = 0;
            return seal_error_set(err, SEAL_CRYPTO, "key store: a data key does not unwrap");
        }
    } else if (s == SEAL_NOTFOUND && create) {
        uint8_t wrapped[SEAL_WRAPPED_BYTES];
        uint8_t nonce[SEAL_NONCE_BYTES];
        seal__rand_pool_take(&st->pool, slot->key, SEAL_KEY_BYTES);
        seal__rand_pool_take(&st->pool, nonce, sizeof(nonce));
        seal__key_wrap_nonce(wrapped, slot->key, st->sec->master, ad, sizeof(ad), nonce);
        s = st->ops->key_put(st->be, subject, wrapped, sizeof(wrapped), err);
        if (s != SEAL_OK) {
            slot->used = 0;
            return s;
        }
    } else if (s == SEAL_NOTFOUND) {
        return seal_error_set(err, SEAL_SHREDDED, "%s", seal_status_message(SEAL_SHREDDED));
    } else {
        return s;
    }
    memcpy(slot->subject, subject, SEAL_HASH_BYTES);
    slot->used = 1;
    *key = slot->key;
    return SEAL_OK;
}

static void cache_evict(seal_store *st, const uint8_t *subject)
{
    uint32_t h = (uint32_t) subject[0] | (uint32_t) subject[1] << 8 | (uint32_t) subject[2] << 16;
    key_slot *slot = &st->sec->cache[h & (CACHE_SLOTS - 1)];
    if (slot->used && memcmp(slot->subject, subject, SEAL_HASH_BYTES) == 0) {
        seal__wipe(slot, sizeof(*slot));
    }
}

/* ---- open / create ------------------------------------------------------------ */

static seal_status store_alloc(const char *dir, seal_store **out, seal_error *err)
{
    seal_status s = seal__crypto_init();
    if (s != SEAL_OK) {
        return seal_error_set(err, s, "libsodium failed to initialise");
    }
    seal_store *st = seal_calloc(1, sizeof(*st));
    if (st == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "out of memory");
    }
    st->ops = &seal__sqlite_backend;
    seal__rand_pool_init(&st->pool);
    snprintf(st->dir, sizeof(st->dir), "%s", dir);
    /* a multiple of 64 keeps the hash states aligned (sodium_malloc places
     * the block at the end of its page) */
    st->sec = seal__secret_alloc((sizeof(secrets) + 63) & ~(size_t) 63);
    if (st->sec == NULL) {
        seal_free(st);
        return seal_error_set(err, SEAL_NOMEM, "cannot allocate secure memory");
    }
    memset(st->sec, 0, sizeof(secrets));
    s = seal_catalogue_load_default(&st->cat, err);
    if (s != SEAL_OK) {
        seal_store_close(st);
        return s;
    }
    *out = st;
    return SEAL_OK;
}

void seal_store_close(seal_store *st)
{
    if (st == NULL) {
        return;
    }
    if (st->be != NULL) {
        st->ops->close(st->be);
    }
    seal_catalogue_free(st->cat);
    seal__secret_free(st->sec);
    seal__wipe(&st->pool, sizeof(st->pool));
    if (st->plain.data != NULL) {
        seal__wipe(st->plain.data, st->plain.cap);
    }
    if (st->std.data != NULL) {
        seal__wipe(st->std.data, st->std.cap);
    }
    seal_buf_cleanup(&st->body);
    seal_buf_cleanup(&st->plain);
    seal_buf_cleanup(&st->std);
    seal_buf_cleanup(&st->scratch);
    seal_buf_cleanup(&st->wrapped);
    seal_free(st);
}

static seal_status write_conf(const char *path, seal_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        return seal_error_set(err, SEAL_IO, "%s: %s", path, strerror(errno));
    }
    static const char text[] = "# sealed data directory configuration (see docs/config.md)\n"
                               "backend = sqlite\n"
                               "master_key_file = " MASTER_FILE "\n";
    seal_status s = SEAL_OK;
    if (write(fd, text, sizeof(text) - 1) != (ssize_t) sizeof(text) - 1 || fsync(fd) != 0) {
        s = seal_error_set(err, SEAL_IO, "%s: %s", path, strerror(errno));
    }
    close(fd);
    return s;
}

seal_status seal_store_create(const char *dir, seal_error *err)
{
    return seal_store_create_clock(dir, false, (int64_t) time(NULL), err);
}

void seal_store_set_now(seal_store *st, int64_t now)
{
    st->now = now;
}

seal_status seal_store_test_clock(const char *dir, bool *test_clock, seal_error *err)
{
    char path[1100];
    seal_status s = path_join(path, sizeof(path), dir, "ledger", err);
    return s != SEAL_OK ? s : seal_ledger_dir_test_clock(path, test_clock, err);
}

seal_status seal_store_create_clock(const char *dir, bool test_clock, int64_t now, seal_error *err)
{
    char path[1100];
    seal_store *st = NULL;
    seal_status s;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        return seal_error_set(err, SEAL_IO, "%s: %s", dir, strerror(errno));
    }
    if ((s = path_join(path, sizeof(path), dir, "store.db", err)) != SEAL_OK) {
        return s;
    }
    if (access(path, F_OK) == 0) {
        return seal_error_set(err, SEAL_EXISTS, "%s: already holds a sealed store", dir);
    }
    s = store_alloc(dir, &st, err);
    if (s != SEAL_OK) {
        return s;
    }
    uint8_t root[SEAL_KEY_BYTES];
    uint8_t wrapped[SEAL_WRAPPED_BYTES];
    seal__random(st->sec->master, SEAL_KEY_BYTES);
    seal__random(root, sizeof(root));
    if ((s = path_join(path, sizeof(path), dir, MASTER_FILE, err)) != SEAL_OK ||
        (s = write_master(path, st->sec->master, err)) != SEAL_OK) {
        goto out;
    }
    if ((s = path_join(path, sizeof(path), dir, CONF_FILE, err)) != SEAL_OK ||
        (s = write_conf(path, err)) != SEAL_OK) {
        goto out;
    }
    s = st->ops->open(dir, true, &st->be, err);
    if (s != SEAL_OK || (s = st->ops->begin(st->be, err)) != SEAL_OK) {
        goto out;
    }
    uint8_t zero[SEAL_KEY_BYTES] = {0};
    seal__key_wrap(wrapped, zero, st->sec->master, check_ad, sizeof(check_ad));
    s = st->ops->keymeta_put(st->be, "check", wrapped, sizeof(wrapped), err);
    if (s == SEAL_OK) {
        seal__key_wrap(wrapped, root, st->sec->master, root_ad, sizeof(root_ad));
        s = st->ops->keymeta_put(st->be, "index_root", wrapped, sizeof(wrapped), err);
    }
    if (s == SEAL_OK) {
        char v[16];
        int n = snprintf(v, sizeof(v), "%d", seal_catalogue_version(st->cat));
        s = st->ops->meta_put(st->be, "catalogue_version", (const uint8_t *) v, (size_t) n, err);
    }
    if (s == SEAL_OK) {
        s = st->ops->commit(st->be, err);
    } else {
        st->ops->rollback(st->be);
    }
    if (s == SEAL_OK) {
        /* the system's own ledger: every shredding (and, later, request,
         * decision and disclosure) is a leaf of it */
        seal_ledger *led = NULL;
        if ((s = path_join(path, sizeof(path), dir, "ledger", err)) == SEAL_OK) {
            seal_ledger_options lo;
            seal_ledger_options_init(&lo);
            lo.genesis = true;
            lo.test_clock = test_clock;
            lo.genesis_time = now;
            s = seal_ledger_create(path, &lo, &led, err);
        }
        if (s == SEAL_OK) {
            /* a signed checkpoint over the first entry, so the ledger can be
             * read (and the policy of record checked against it) at once */
            seal_buf cp;
            seal_buf_init(&cp);
            s = seal_ledger_checkpoint(led, &cp, err);
            seal_buf_cleanup(&cp);
        }
        seal_ledger_close(led);
    }
    if (s == SEAL_OK) {
        s = fsync_dir(dir, err);
    }
out:
    seal__wipe(root, sizeof(root));
    seal_store_close(st);
    return s;
}

/* The random root of the keyed hashes, unwrapped with the master key. */
static seal_status index_root(seal_store *st, uint8_t *root, seal_error *err)
{
    seal_status s = st->ops->keymeta_get(st->be, "index_root", &st->wrapped, err);
    if (s == SEAL_OK && (st->wrapped.len != SEAL_WRAPPED_BYTES ||
                         seal__key_unwrap(root, st->wrapped.data, st->sec->master, root_ad,
                                          sizeof(root_ad)) != SEAL_OK)) {
        s = seal_error_set(err, SEAL_CRYPTO, "%s: the index root key does not unwrap", st->dir);
    }
    return s;
}

/* Finishes a rotation that crashed after the key store was re-wrapped but
 * before the new key file replaced the old one. */
static seal_status recover_rotation(seal_store *st, const char *path, seal_error *err)
{
    char next[1200];
    snprintf(next, sizeof(next), "%s.next", path);
    if (access(next, F_OK) != 0) {
        return SEAL_OK;
    }
    uint8_t old_key[SEAL_KEY_BYTES];
    seal_status s = read_master(path, old_key, err);
    if (s == SEAL_OK && check_master(st, old_key, NULL) == SEAL_OK) {
        unlink(next); /* the rotation never committed: keep the old key */
        seal__wipe(old_key, sizeof(old_key));
        return SEAL_OK;
    }
    seal__wipe(old_key, sizeof(old_key));
    uint8_t new_key[SEAL_KEY_BYTES];
    s = read_master(next, new_key, err);
    if (s == SEAL_OK && (s = check_master(st, new_key, err)) == SEAL_OK) {
        if (rename(next, path) != 0) {
            s = seal_error_set(err, SEAL_IO, "%s: %s", path, strerror(errno));
        } else {
            SEAL_LOG(SEAL_LOG_WARN, "completed an interrupted master-key rotation");
        }
    }
    seal__wipe(new_key, sizeof(new_key));
    return s;
}

seal_status seal_store_open(const char *dir, seal_store **out, seal_error *err)
{
    seal_store *st = NULL;
    char path[1100];
    uint8_t root[SEAL_KEY_BYTES];
    *out = NULL;
    seal_status s = path_join(path, sizeof(path), dir, "store.db", err);
    if (s != SEAL_OK) {
        return s;
    }
    if (access(path, F_OK) != 0) {
        return seal_error_set(err, SEAL_NOTFOUND,
                              "%s: no sealed store here (run `sealctl --data %s init`)", dir, dir);
    }
    if ((s = store_alloc(dir, &st, err)) != SEAL_OK) {
        return s;
    }
    if ((s = master_path(dir, path, sizeof(path), err)) != SEAL_OK) {
        goto out;
    }
    if ((s = st->ops->open(dir, false, &st->be, err)) != SEAL_OK ||
        (s = recover_rotation(st, path, err)) != SEAL_OK ||
        (s = read_master(path, st->sec->master, err)) != SEAL_OK ||
        (s = check_master(st, st->sec->master, err)) != SEAL_OK) {
        goto out;
    }
    s = index_root(st, root, err);
    if (s == SEAL_OK) {
        s = derive_subkeys(st, root);
    }
    seal__wipe(root, sizeof(root));
out:
    if (s != SEAL_OK) {
        seal_store_close(st);
        return s;
    }
    *out = st;
    return SEAL_OK;
}

const seal_catalogue *seal_store_catalogue(const seal_store *st)
{
    return st->cat;
}

seal_status seal_store_begin(seal_store *st, seal_error *err)
{
    return st->ops->begin(st->be, err);
}

seal_status seal_store_commit(seal_store *st, seal_error *err)
{
    return st->ops->commit(st->be, err);
}

void seal_store_rollback(seal_store *st)
{
    st->ops->rollback(st->be);
    /* Keys created in the rolled-back batch are gone: forget cached ones. */
    seal__wipe(st->sec->cache, sizeof(st->sec->cache));
}

/* ---- hashing of identifiers -------------------------------------------------- */

static seal_status std_value(seal_store *st, seal_index_type type, const char *v, size_t n,
                             seal_error *err)
{
    seal_buf_reset(&st->std);
    return seal__std_identifier(type, v, n, &st->std, err);
}

/* khash(sub, type-tag 0 standardised) of st->std */
static void hash_std(seal_store *st, int sub, seal_index_type type, uint8_t *out)
{
    uint8_t tag[2] = {(uint8_t) type, 0};
    seal__khash_ctx_run(&st->sec->hashes[sub], out, SEAL_HASH_BYTES, tag, 2, st->std.data,
                        st->std.len);
}

/* Standardiser messages start with their type ("email: ..."); a record's
 * error names the field instead: "business_address: no ZIP or city". */
static void field_error(seal_error *err, const char *field)
{
    if (err == NULL) {
        return;
    }
    static const char *const types[] = {
        "email: ", "phone: ", "address: ", "account: ", "tracking: ", "name: "};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        size_t n = strlen(types[i]);
        if (strncmp(err->msg, types[i], n) == 0) {
            memmove(err->msg, err->msg + n, strlen(err->msg + n) + 1);
            break;
        }
    }
    seal_error_prefix(err, "%s", field);
}

static seal_status subject_of(seal_store *st, const seal_record *rec, uint8_t *subject,
                              int *owner_field, seal_error *err)
{
    const seal_kind *k = rec->kind;
    for (size_t i = 0; i < k->nowners; i++) {
        int f = k->owners[i].field;
        if (rec->v[f] == NULL) {
            continue;
        }
        seal_status s = std_value(st, k->owners[i].subject, rec->v[f], rec->n[f], err);
        if (s != SEAL_OK) {
            field_error(err, k->fields[f].name);
            return s;
        }
        hash_std(st, SUB_SUBJECT, k->owners[i].subject, subject);
        *owner_field = f;
        return SEAL_OK;
    }
    return seal_error_set(err, SEAL_INVALID, "%s: required to name the record's owner",
                          k->fields[k->owners[0].field].name);
}

/* ---- records -------------------------------------------------------------------- */

static size_t field_ad(uint8_t *ad, size_t cap, const uint8_t *subject, const seal_kind *k,
                       const seal_field *f)
{
    static const char tag[] = "sealed.field.v1";
    size_t kn = strlen(k->name), fn = strlen(f->name);
    size_t n = sizeof(tag) + SEAL_HASH_BYTES + kn + 1 + fn;
    if (n > cap) {
        return 0;
    }
    uint8_t *p = ad;
    memcpy(p, tag, sizeof(tag));
    p += sizeof(tag);
    memcpy(p, subject, SEAL_HASH_BYTES);
    p += SEAL_HASH_BYTES;
    memcpy(p, k->name, kn + 1);
    p += kn + 1;
    memcpy(p, f->name, fn);
    return n;
}

#define NONCE_BASE_BYTES 8

static void field_nonce(uint8_t *nonce, const uint8_t *base, size_t field)
{
    memcpy(nonce, base, NONCE_BASE_BYTES);
    for (int i = 0; i < 4; i++) {
        nonce[NONCE_BASE_BYTES + i] = (uint8_t) ((uint32_t) field >> (8 * i));
    }
}

static seal_status encrypt_body(seal_store *st, const seal_record *rec, const uint8_t *subject,
                                const uint8_t *key, seal_error *err)
{
    const seal_kind *k = rec->kind;
    uint8_t base[NONCE_BASE_BYTES], nonce[SEAL_FIELD_NONCE_BYTES], ad[256];
    seal__rand_pool_take(&st->pool, base, sizeof(base));
    seal_buf_reset(&st->body);
    size_t count = 0;
    for (size_t i = 0; i < k->nfields; i++) {
        count += rec->v[i] != NULL;
    }
    seal_status s = seal_buf_append_byte(&st->body, BODY_VERSION);
    if (s == SEAL_OK) {
        s = seal_buf_append(&st->body, base, sizeof(base));
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_byte(&st->body, (uint8_t) count);
    }
    for (size_t i = 0; s == SEAL_OK && i < k->nfields; i++) {
        if (rec->v[i] == NULL) {
            continue;
        }
        size_t n = rec->n[i];
        size_t adlen = field_ad(ad, sizeof(ad), subject, k, &k->fields[i]);
        if (n > UINT16_MAX - SEAL_TAG_BYTES || adlen == 0) {
            return seal_error_set(err, SEAL_LIMIT, "%s: value too long", k->fields[i].name);
        }
        if ((s = seal_buf_append_byte(&st->body, (uint8_t) i)) != SEAL_OK ||
            (s = seal_buf_append_u16le(&st->body, (uint16_t) (n + SEAL_TAG_BYTES))) != SEAL_OK ||
            (s = seal_buf_reserve(&st->body, n + SEAL_TAG_BYTES)) != SEAL_OK) {
            break;
        }
        field_nonce(nonce, base, i);
        seal__field_seal(st->body.data + st->body.len, (const uint8_t *) rec->v[i], n, ad, adlen,
                         nonce, key);
        st->body.len += n + SEAL_TAG_BYTES;
    }
    if (s != SEAL_OK) {
        return seal_error_set(err, s, "out of memory");
    }
    return SEAL_OK;
}

/* Opens a body into out (values point into st->plain). */
static seal_status decrypt_body(seal_store *st, const seal_kind *k, const uint8_t *subject,
                                const uint8_t *body, size_t len, const uint8_t *key,
                                seal_record *out, seal_error *err)
{
    seal_cursor c;
    uint8_t ver, count, base[NONCE_BASE_BYTES], nonce[SEAL_FIELD_NONCE_BYTES], ad[256];
    size_t offs[SEAL_MAX_FIELDS];
    seal_cursor_init(&c, body, len);
    memset(out, 0, sizeof(*out));
    out->kind = k;
    if (seal_cursor_u8(&c, &ver) != SEAL_OK || ver != BODY_VERSION ||
        seal_cursor_copy(&c, base, sizeof(base)) != SEAL_OK ||
        seal_cursor_u8(&c, &count) != SEAL_OK || count > k->nfields) {
        return seal_error_set(err, SEAL_CORRUPT, "record body malformed");
    }
    seal_buf_reset(&st->plain);
    if (seal_buf_reserve(&st->plain, len) != SEAL_OK) {
        return seal_error_set(err, SEAL_NOMEM, "out of memory");
    }
    for (uint8_t i = 0; i < count; i++) {
        uint8_t f;
        uint16_t n;
        const uint8_t *ct;
        if (seal_cursor_u8(&c, &f) != SEAL_OK || f >= k->nfields || out->v[f] != NULL ||
            seal_cursor_u16le(&c, &n) != SEAL_OK || n < SEAL_TAG_BYTES ||
            seal_cursor_take(&c, &ct, n) != SEAL_OK) {
            return seal_error_set(err, SEAL_CORRUPT, "record body malformed");
        }
        size_t adlen = field_ad(ad, sizeof(ad), subject, k, &k->fields[f]);
        field_nonce(nonce, base, f);
        size_t at = st->plain.len;
        if (seal__field_open(st->plain.data + at, ct, n, ad, adlen, nonce, key) != SEAL_OK) {
            return seal_error_set(err, SEAL_CRYPTO, "field %s: %s", k->fields[f].name,
                                  seal_status_message(SEAL_CRYPTO));
        }
        st->plain.len += n - SEAL_TAG_BYTES + 1;
        st->plain.data[st->plain.len - 1] = '\0';
        offs[f] = at;
        out->v[f] = (const char *) (uintptr_t) 1; /* mark; fixed below */
        out->n[f] = n - SEAL_TAG_BYTES;
    }
    if (seal_cursor_left(&c) != 0) {
        return seal_error_set(err, SEAL_CORRUPT, "record body has trailing bytes");
    }
    for (size_t f = 0; f < k->nfields; f++) {
        if (out->v[f] != NULL) {
            out->v[f] = (const char *) st->plain.data + offs[f];
        }
    }
    return SEAL_OK;
}

static void digest_of(seal_store *st, const seal_record *rec, uint8_t *out)
{
    /* canonical: (u8 field, u32le len, bytes) for each present field */
    seal_buf_reset(&st->scratch);
    for (size_t i = 0; i < rec->kind->nfields; i++) {
        if (rec->v[i] != NULL &&
            (seal_buf_append_byte(&st->scratch, (uint8_t) i) != SEAL_OK ||
             seal_buf_append_u32le(&st->scratch, (uint32_t) rec->n[i]) != SEAL_OK ||
             seal_buf_append(&st->scratch, rec->v[i], rec->n[i]) != SEAL_OK)) {
            memset(out, 0, SEAL_HASH_BYTES); /* forces an update on re-ingest; harmless */
            return;
        }
    }
    uint8_t tag[1] = {(uint8_t) rec->kind->id};
    seal__khash_ctx_run(&st->sec->hashes[SUB_DIGEST], out, SEAL_HASH_BYTES, tag, 1,
                        st->scratch.data, st->scratch.len);
    seal__wipe(st->scratch.data, st->scratch.len);
}

static void natkey_of(seal_store *st, const seal_record *rec, uint8_t *out)
{
    const seal_kind *k = rec->kind;
    seal_buf_reset(&st->scratch);
    for (size_t i = 0; i < k->nnatural; i++) {
        int f = k->natural_key[i];
        if (seal_buf_append_u32le(&st->scratch, (uint32_t) rec->n[f]) != SEAL_OK ||
            seal_buf_append(&st->scratch, rec->v[f], rec->n[f]) != SEAL_OK) {
            memset(out, 0, SEAL_HASH_BYTES);
            return;
        }
    }
    uint8_t tag[1] = {(uint8_t) k->id};
    seal__khash_ctx_run(&st->sec->hashes[SUB_NATKEY], out, SEAL_HASH_BYTES, tag, 1,
                        st->scratch.data, st->scratch.len);
}

static seal_status validate(const seal_record *rec, seal_error *err)
{
    const seal_kind *k = rec->kind;
    for (size_t i = 0; i < k->nfields; i++) {
        const seal_field *f = &k->fields[i];
        if (rec->v[i] == NULL) {
            if (f->required) {
                return seal_error_set(err, SEAL_INVALID, "%s: required field missing", f->name);
            }
            continue;
        }
        seal_status s = seal_field_validate(f, rec->v[i], rec->n[i], err);
        if (s != SEAL_OK) {
            seal_error_prefix(err, "%s", f->name);
            return s;
        }
    }
    return SEAL_OK;
}

static int64_t day_of(const char *v, size_t n, bool date)
{
    int64_t t = 0;
    seal_status s = date ? seal_date_parse_n(v, n, &t) : seal_time_parse_n(v, n, &t);
    return s == SEAL_OK ? seal_time_day(t) : 0;
}

/* Fills row (except id) and st->body for rec; validation already done. */
static seal_status prepare_row(seal_store *st, const seal_record *rec, seal_record_row *row,
                               int *owner_field, seal_error *err)
{
    const seal_kind *k = rec->kind;
    const uint8_t *key;
    memset(row, 0, sizeof(*row));
    row->kind = k->id;
    seal_status s = subject_of(st, rec, row->subject, owner_field, err);
    if (s != SEAL_OK || (s = subject_key(st, row->subject, true, &key, err)) != SEAL_OK ||
        (s = encrypt_body(st, rec, row->subject, key, err)) != SEAL_OK) {
        return s;
    }
    natkey_of(st, rec, row->natkey);
    digest_of(st, rec, row->digest);
    row->day = day_of(rec->v[k->time_field], rec->n[k->time_field], false);
    row->expires = row->day + k->retention_days;
    if (k->retention_from >= 0) {
        int f = k->retention_from;
        row->expires = rec->v[f] == NULL
                           ? SEAL_DAY_NONE
                           : day_of(rec->v[f], rec->n[f], k->fields[f].type == SEAL_FT_DATE) +
                                 k->retention_days;
    }
    row->truncate_at = SEAL_DAY_NONE;
    if (k->truncate_field >= 0 && rec->v[k->truncate_field] != NULL) {
        row->truncate_at = row->day + k->truncate_days;
    }
    row->state = SEAL_REC_ACTIVE;
    row->version = row_version(st);
    row->body = st->body.data;
    row->body_len = st->body.len;
    return SEAL_OK;
}

/* The field that names the record's owner, or -1. */
static int owner_field_of(const seal_record *rec)
{
    const seal_kind *k = rec->kind;
    for (size_t i = 0; i < k->nowners; i++) {
        if (rec->v[k->owners[i].field] != NULL) {
            return k->owners[i].field;
        }
    }
    return -1;
}

seal_index_type seal_record_owner(const seal_record *rec, int *field)
{
    const seal_kind *k = rec->kind;
    for (size_t i = 0; i < k->nowners; i++) {
        if (rec->v[k->owners[i].field] != NULL) {
            *field = k->owners[i].field;
            return k->owners[i].subject;
        }
    }
    *field = -1;
    return SEAL_IDX_NONE;
}

/* Adds (put) or removes the blind-index rows of a record. */
static seal_status index_rows(seal_store *st, const seal_record *rec, const seal_record_row *row,
                              bool put, seal_error *err)
{
    const seal_kind *k = rec->kind;
    int owner_field = owner_field_of(rec);
    for (size_t i = 0; i < k->nfields; i++) {
        const seal_field *f = &k->fields[i];
        if (f->index == SEAL_IDX_NONE || rec->v[i] == NULL) {
            continue;
        }
        if ((int) i == owner_field) {
            continue; /* reachable through the record's subject already */
        }
        seal_index_row ir;
        seal_status s = std_value(st, f->index, rec->v[i], rec->n[i], err);
        if (s != SEAL_OK) {
            field_error(err, f->name);
            return s;
        }
        hash_std(st, SUB_INDEX, f->index, ir.hash);
        ir.record = row->id;
        memcpy(ir.subject, row->subject, SEAL_HASH_BYTES);
        ir.version = row->version;
        s = put ? st->ops->index_put(st->be, &ir, err)
                : st->ops->index_delete(st->be, ir.hash, ir.record, err);
        if (s != SEAL_OK) {
            return s;
        }
    }
    return SEAL_OK;
}

static seal_status read_one(int64_t id, void *ud);

typedef struct read_ctx {
    seal_store *st;
    seal_record_cb cb;
    void *ud;
    seal_error *err;
    bool skip_shredded;
    int64_t last;
} read_ctx;

typedef struct unindex_ctx {
    seal_store *st;
    seal_error *err;
} unindex_ctx;

static seal_status unindex_record(const seal_record *rec, int64_t id, void *ud)
{
    unindex_ctx *u = ud;
    seal_record_row row = {.id = id};
    return index_rows(u->st, rec, &row, false, u->err);
}

/* Removes the index rows of a stored record; it must still be readable. */
static seal_status unindex_id(int64_t id, void *ud)
{
    unindex_ctx *u = ud;
    read_ctx rc = {u->st, unindex_record, u, u->err, true, 0};
    return read_one(id, &rc);
}

seal_status seal_store_put(seal_store *st, const seal_record *rec, seal_put_outcome *outcome,
                           seal_error *err)
{
    const seal_kind *k = rec->kind;
    seal_record_row row;
    int owner_field = -1;
    seal_upsert up;
    seal_status s = validate(rec, err);
    if (s != SEAL_OK) {
        return s;
    }
    if (k->drop_without >= 0 && rec->v[k->drop_without] == NULL) {
        *outcome = SEAL_PUT_DROPPED; /* e.g. anonymous visits: never stored (DESIGN.md) */
        return SEAL_OK;
    }
    if ((s = prepare_row(st, rec, &row, &owner_field, err)) != SEAL_OK ||
        (s = st->ops->record_upsert(st->be, &row, &up, err)) != SEAL_OK) {
        return s;
    }
    if (up == SEAL_UPSERT_UNCHANGED) {
        *outcome = SEAL_PUT_UNCHANGED;
        return SEAL_OK;
    }
    if (up == SEAL_UPSERT_DIFFERENT) {
        /* a new version of a stored record: its old index rows go first */
        unindex_ctx u = {st, err};
        if ((s = unindex_id(row.id, &u)) != SEAL_OK ||
            (s = st->ops->record_update(st->be, &row, err)) != SEAL_OK) {
            return s;
        }
    }
    *outcome = up == SEAL_UPSERT_DIFFERENT ? SEAL_PUT_UPDATED : SEAL_PUT_INSERTED;
    return index_rows(st, rec, &row, true, err);
}

/* ---- reading ---------------------------------------------------------------------- */

/* Decrypts a fetched row and hands it to rc->cb. */
static seal_status decode_row(read_ctx *rc, const seal_record_row *row)
{
    seal_store *st = rc->st;
    seal_record rec;
    const uint8_t *key;
    const seal_kind *k = seal_catalogue_kind_by_id(st->cat, row->kind);
    if (k == NULL) {
        return seal_error_set(rc->err, SEAL_CORRUPT, "record %lld: unknown kind %d",
                              (long long) row->id, row->kind);
    }
    if (row->state == SEAL_REC_SHREDDED) {
        return rc->skip_shredded
                   ? SEAL_OK
                   : seal_error_set(rc->err, SEAL_SHREDDED, "record %lld: %s", (long long) row->id,
                                    seal_status_message(SEAL_SHREDDED));
    }
    seal_status s = subject_key(st, row->subject, false, &key, rc->err);
    if (s == SEAL_OK) {
        s = decrypt_body(st, k, row->subject, row->body, row->body_len, key, &rec, rc->err);
    }
    if (s == SEAL_SHREDDED && rc->skip_shredded) {
        return SEAL_OK;
    }
    if (s != SEAL_OK) {
        seal_error_prefix(rc->err, "record %lld", (long long) row->id);
        return s;
    }
    return rc->cb(&rec, row->id, rc->ud);
}

static seal_status read_one(int64_t id, void *ud)
{
    read_ctx *rc = ud;
    seal_record_row row;
    seal_buf body;
    seal_buf_init(&body);
    seal_status s = rc->st->ops->record_get(rc->st->be, id, &row, &body, rc->err);
    if (s == SEAL_OK) {
        s = decode_row(rc, &row);
    }
    seal_buf_cleanup(&body);
    return s;
}

seal_status seal_store_get(seal_store *st, int64_t id, seal_record_cb cb, void *ud, seal_error *err)
{
    read_ctx rc = {st, cb, ud, err, false, 0};
    return read_one(id, &rc);
}

typedef struct order_key {
    seal_record_row row;
    size_t off;    /* body's place in the arena */
    char time[40]; /* the record's time field (RFC 3339 sorts as text) */
} order_key;

static int cmp_order(const void *a, const void *b)
{
    const seal_record_row *x = &((const order_key *) a)->row, *y = &((const order_key *) b)->row;
    if (x->kind != y->kind) {
        return x->kind < y->kind ? -1 : 1;
    }
    int t = strcmp(((const order_key *) a)->time, ((const order_key *) b)->time);
    if (t != 0) {
        return t;
    }
    return (x->id > y->id) - (x->id < y->id);
}

/* Opens only the time field of a body (for ordering); "" when unreadable. */
static void body_time(seal_store *st, const seal_record_row *row, char *out, size_t cap)
{
    const seal_kind *k = seal_catalogue_kind_by_id(st->cat, row->kind);
    const uint8_t *key;
    seal_cursor c;
    uint8_t ver, count, base[NONCE_BASE_BYTES], nonce[SEAL_FIELD_NONCE_BYTES], ad[256];
    out[0] = '\0';
    if (k == NULL || row->state == SEAL_REC_SHREDDED ||
        subject_key(st, row->subject, false, &key, NULL) != SEAL_OK) {
        return;
    }
    seal_cursor_init(&c, row->body, row->body_len);
    if (seal_cursor_u8(&c, &ver) != SEAL_OK ||
        seal_cursor_copy(&c, base, sizeof(base)) != SEAL_OK ||
        seal_cursor_u8(&c, &count) != SEAL_OK) {
        return;
    }
    for (uint8_t i = 0; i < count; i++) {
        uint8_t f;
        uint16_t n;
        const uint8_t *ct;
        if (seal_cursor_u8(&c, &f) != SEAL_OK || seal_cursor_u16le(&c, &n) != SEAL_OK ||
            seal_cursor_take(&c, &ct, n) != SEAL_OK || f >= k->nfields) {
            return;
        }
        if ((int) f != k->time_field || n < SEAL_TAG_BYTES || n - SEAL_TAG_BYTES >= cap) {
            continue;
        }
        size_t adlen = field_ad(ad, sizeof(ad), row->subject, k, &k->fields[f]);
        field_nonce(nonce, base, f);
        if (seal__field_open((uint8_t *) out, ct, n, ad, adlen, nonce, key) == SEAL_OK) {
            out[n - SEAL_TAG_BYTES] = '\0';
        } else {
            out[0] = '\0'; /* decode_row reports the failure */
        }
        return;
    }
}

typedef struct gather {
    order_key *keys;
    size_t n, cap;
    seal_buf arena; /* bodies, while the rows are sorted */
} gather;

static seal_status gather_row(const seal_record_row *row, void *ud)
{
    gather *g = ud;
    if (g->n == g->cap) {
        size_t cap = g->cap == 0 ? 32 : 2 * g->cap;
        order_key *k = seal_realloc(g->keys, cap * sizeof(*k));
        if (k == NULL) {
            return SEAL_NOMEM;
        }
        g->keys = k;
        g->cap = cap;
    }
    order_key *k = &g->keys[g->n];
    k->row = *row;
    k->off = g->arena.len;
    if (seal_buf_append(&g->arena, row->body, row->body_len) != SEAL_OK) {
        return SEAL_NOMEM;
    }
    g->n++;
    return SEAL_OK;
}

static int cmp_key_id(const void *a, const void *b)
{
    int64_t x = ((const order_key *) a)->row.id, y = ((const order_key *) b)->row.id;
    return (x > y) - (x < y);
}

/* Record ids carry no order (they are keyed hashes), so results come back by
 * kind (catalogue order), then the record's time, then id. The subject's own
 * rows come in one scan, the index's hits one by one; bodies wait in one
 * arena while the rows are sorted, and only their time fields are opened to
 * sort them. */
static seal_status read_in_order(seal_store *st, gather *g, read_ctx *rc)
{
    seal_status s = SEAL_OK;
    if (g->n > 1) {
        qsort(g->keys, g->n, sizeof(*g->keys), cmp_key_id);
    }
    size_t n = 0;
    for (size_t i = 0; i < g->n; i++) { /* found through the index and as the subject's own */
        if (n == 0 || g->keys[i].row.id != g->keys[n - 1].row.id) {
            g->keys[n++] = g->keys[i];
        }
    }
    for (size_t i = 0; i < n; i++) {
        g->keys[i].row.body = g->arena.data + g->keys[i].off;
        body_time(st, &g->keys[i].row, g->keys[i].time, sizeof(g->keys[i].time));
    }
    if (n > 1) {
        qsort(g->keys, n, sizeof(*g->keys), cmp_order);
    }
    for (size_t i = 0; s == SEAL_OK && i < n; i++) {
        s = decode_row(rc, &g->keys[i].row);
    }
    return s;
}

typedef struct index_hits {
    seal_store *st;
    gather *g;
    seal_buf body;
    seal_error *err;
} index_hits;

static seal_status gather_id(int64_t id, void *ud)
{
    index_hits *h = ud;
    seal_record_row row;
    seal_status s = h->st->ops->record_get(h->st->be, id, &row, &h->body, h->err);
    return s == SEAL_OK ? gather_row(&row, h->g) : s;
}

seal_status seal_store_lookup(seal_store *st, seal_index_type type, const char *value, size_t n,
                              seal_record_cb cb, void *ud, seal_error *err)
{
    uint8_t hash[SEAL_HASH_BYTES];
    seal_status s = std_value(st, type, value, n, err);
    if (s != SEAL_OK) {
        return s;
    }
    hash_std(st, SUB_INDEX, type, hash);
    if ((s = st->ops->read_begin(st->be, err)) != SEAL_OK) {
        return s;
    }
    gather g = {0};
    seal_buf_init(&g.arena);
    index_hits h = {st, &g, {0}, err};
    seal_buf_init(&h.body);
    s = st->ops->index_lookup(st->be, hash, gather_id, &h, err);
    if (s == SEAL_OK && (type == SEAL_IDX_ACCOUNT || type == SEAL_IDX_ADDRESS)) {
        hash_std(st, SUB_SUBJECT, type, hash);
        s = st->ops->subject_rows(st->be, hash, gather_row, &g, err);
    }
    if (s == SEAL_OK) {
        read_ctx rc = {st, cb, ud, err, true, 0};
        s = read_in_order(st, &g, &rc);
    } else if (s == SEAL_NOMEM) {
        seal_error_set(err, s, "out of memory");
    }
    st->ops->read_end(st->be);
    seal_buf_cleanup(&h.body);
    seal_buf_cleanup(&g.arena);
    seal_free(g.keys);
    return s;
}

/* ---- shredding, stats, reindex, commitments --------------------------------------- */

/* Appends one event to DIR/ledger, durably. */
static seal_status log_event(seal_store *st, const seal_event *ev, seal_error *err)
{
    char path[1100];
    seal_ledger *led = NULL;
    seal_buf enc;
    seal_buf_init(&enc);
    uint64_t index;
    seal_status s = path_join(path, sizeof(path), st->dir, "ledger", err);
    if (s == SEAL_OK && (s = seal_event_encode(ev, &enc, err)) == SEAL_OK &&
        (s = seal_ledger_open(path, NULL, &led, err)) == SEAL_OK) {
        s = seal_ledger_append(led, enc.data, enc.len, &index, err);
        if (s == SEAL_OK) { /* a fresh checkpoint, so auditors see it at once */
            seal_buf_reset(&enc);
            s = seal_ledger_checkpoint(led, &enc, err);
        }
    }
    if (s != SEAL_OK) {
        seal_error_prefix(err, "ledger");
    }
    seal_ledger_close(led);
    seal_buf_cleanup(&enc);
    return s;
}

static seal_status count_id(int64_t id, void *ud)
{
    (void) id;
    (*(int64_t *) ud)++;
    return SEAL_OK;
}

seal_status seal_store_held(seal_store *st, seal_index_type type, const char *value, size_t n,
                            int64_t *records, bool *key, seal_error *err)
{
    uint8_t subject[SEAL_HASH_BYTES];
    *records = 0;
    *key = false;
    if (type != SEAL_IDX_ACCOUNT && type != SEAL_IDX_ADDRESS) {
        return seal_error_set(err, SEAL_INVALID, "only an account or an address is a subject");
    }
    seal_status s = std_value(st, type, value, n, err);
    if (s != SEAL_OK) {
        return s;
    }
    hash_std(st, SUB_SUBJECT, type, subject);
    if ((s = st->ops->records_by_subject(st->be, subject, count_id, records, err)) != SEAL_OK) {
        return s;
    }
    seal_buf wrapped;
    seal_buf_init(&wrapped);
    s = st->ops->key_get(st->be, subject, &wrapped, err);
    *key = s == SEAL_OK;
    if (wrapped.data != NULL) {
        memset(wrapped.data, 0, wrapped.len);
    }
    seal_buf_cleanup(&wrapped);
    if (s == SEAL_NOTFOUND) {
        seal_error_init(err);
        s = SEAL_OK;
    }
    return s;
}

seal_status seal_store_shred(seal_store *st, seal_index_type type, const char *value, size_t n,
                             int64_t *records, seal_error *err)
{
    uint8_t subject[SEAL_HASH_BYTES];
    bool key = false;
    seal_status s = seal_store_held(st, type, value, n, records, &key, err);
    if (s != SEAL_OK) {
        return s;
    }
    if (*records == 0 && !key) {
        /* nothing to destroy: nothing is logged either */
        return seal_error_set(err, SEAL_NOTFOUND, "nothing is held for this %s",
                              seal_index_type_name(type));
    }
    hash_std(st, SUB_SUBJECT, type, subject); /* st->std still holds the value */
    /* The ledger entry comes first: a crash after it and before the shred
     * leaves a logged intent that a repeated shred completes, never an
     * unlogged destruction. The entry holds a keyed commitment only. */
    seal_event_commit commit = {.name = "subject"};
    uint8_t tag[2] = {(uint8_t) type, 0};
    seal__khash(commit.value, sizeof(commit.value), st->sec->sub[SUB_COMMIT], tag, 2, st->std.data,
                st->std.len);
    seal_event_id kind = {"subject_type", seal_index_type_name(type)};
    seal_event ev = {.type = "subject.shredded",
                     .time = st->now != 0 ? st->now : (int64_t) time(NULL),
                     .ids = &kind,
                     .n_ids = 1,
                     .commits = &commit,
                     .n_commits = 1};
    if ((s = log_event(st, &ev, err)) != SEAL_OK) {
        return s;
    }
    if ((s = st->ops->begin(st->be, err)) != SEAL_OK) {
        return s;
    }
    unindex_ctx u = {st, err};
    if ((s = st->ops->records_by_subject(st->be, subject, unindex_id, &u, err)) != SEAL_OK ||
        (s = st->ops->key_delete(st->be, subject, err)) != SEAL_OK ||
        (s = st->ops->subject_shred(st->be, subject, records, err)) != SEAL_OK ||
        (s = st->ops->commit(st->be, err)) != SEAL_OK) {
        st->ops->rollback(st->be);
    }
    cache_evict(st, subject);
    return s;
}

typedef struct stats_ctx {
    seal_store *st;
    seal_stats_fn fn;
    void *ud;
} stats_ctx;

static void stats_row(int kind, int state, int64_t count, void *ud)
{
    stats_ctx *c = ud;
    const seal_kind *k = seal_catalogue_kind_by_id(c->st->cat, kind);
    if (k != NULL && state >= 0 && state < SEAL_RET_COUNT) {
        c->fn(k, (seal_retention_state) state, count, c->ud);
    }
}

seal_status seal_store_stats(seal_store *st, int64_t today, seal_stats_fn fn, void *ud,
                             seal_error *err)
{
    stats_ctx c = {st, fn, ud};
    return st->ops->stats(st->be, today, stats_row, &c, err);
}

typedef struct reindex_ctx {
    seal_store *st;
    seal_error *err;
    int64_t count;
    seal_record_row old;
} reindex_ctx;

/* Re-derives subject, natural key and index rows of one record with the
 * current standardiser and stores it again (re-encrypted under its subject's
 * key: the subject may have changed, and with it the record's id). */
static seal_status reindex_record(const seal_record *rec, int64_t id, void *ud)
{
    reindex_ctx *rc = ud;
    seal_store *st = rc->st;
    seal_record_row row;
    int owner_field = -1;
    seal_upsert up;
    /* rec's values live in st->plain, which prepare_row does not touch */
    seal_status s = prepare_row(st, rec, &row, &owner_field, rc->err);
    if (s != SEAL_OK || (s = st->ops->record_delete(st->be, id, rc->err)) != SEAL_OK ||
        (s = st->ops->record_upsert(st->be, &row, &up, rc->err)) != SEAL_OK) {
        return s;
    }
    if (up == SEAL_UPSERT_DIFFERENT &&
        (s = st->ops->record_update(st->be, &row, rc->err)) != SEAL_OK) {
        return s;
    }
    if ((s = index_rows(st, rec, &row, true, rc->err)) != SEAL_OK) {
        return s;
    }
    rc->count++;
    return SEAL_OK;
}

static seal_status reindex_id(int64_t id, void *ud)
{
    reindex_ctx *rc = ud;
    read_ctx r = {rc->st, reindex_record, rc, rc->err, true, 0};
    return read_one(id, &r);
}

seal_status seal_store_reindex(seal_store *st, int64_t *records, seal_error *err)
{
    reindex_ctx rc = {.st = st, .err = err};
    seal_status s = st->ops->begin(st->be, err);
    if (s != SEAL_OK) {
        return s;
    }
    s = st->ops->index_delete_stale(st->be, row_version(st), err);
    if (s == SEAL_OK) {
        s = st->ops->records_stale(st->be, row_version(st), reindex_id, &rc, err);
    }
    if (s == SEAL_OK) {
        s = st->ops->commit(st->be, err);
    }
    if (s != SEAL_OK) {
        seal_store_rollback(st);
    }
    *records = rc.count;
    return s;
}

seal_status seal_store_commitment(seal_store *st, seal_index_type type, const char *value, size_t n,
                                  uint8_t out[32], seal_error *err)
{
    seal_status s = std_value(st, type, value, n, err);
    if (s == SEAL_OK) {
        uint8_t tag[2] = {(uint8_t) type, 0};
        seal__khash(out, 32, st->sec->sub[SUB_COMMIT], tag, 2, st->std.data, st->std.len);
    }
    return s;
}

seal_status seal_store_person_commitment(seal_store *st, const char *address, size_t an,
                                         const char *name, size_t nn, uint8_t out[32],
                                         seal_error *err)
{
    seal_buf nm;
    seal_buf_init(&nm);
    seal_status s = seal_name_std(name, nn, &nm, err);
    if (s == SEAL_OK) {
        s = std_value(st, SEAL_IDX_ADDRESS, address, an, err);
    }
    if (s == SEAL_OK && (s = seal_buf_append_byte(&st->std, 0)) == SEAL_OK) {
        s = seal_buf_append(&st->std, nm.data, nm.len);
    }
    if (s == SEAL_OK) {
        /* tag 0xff: no index type, so never equal to an identifier's commitment */
        uint8_t tag[2] = {0xff, 0};
        seal__khash(out, 32, st->sec->sub[SUB_COMMIT], tag, 2, st->std.data, st->std.len);
    } else if (s == SEAL_NOMEM) {
        seal_error_set(err, s, "out of memory");
    }
    if (nm.data != NULL) {
        seal__wipe(nm.data, nm.len);
    }
    seal_buf_cleanup(&nm);
    return s;
}

static void owner_key_add(uint8_t keys[][32], size_t *n, const uint8_t k[32])
{
    for (size_t i = 0; i < *n; i++) {
        if (memcmp(keys[i], k, 32) == 0) {
            return;
        }
    }
    if (*n < SEAL_OWNER_KEYS_MAX) {
        memcpy(keys[(*n)++], k, 32);
    }
}

seal_status seal_store_owner_keys(seal_store *st, const seal_record *rec,
                                  uint8_t keys[SEAL_OWNER_KEYS_MAX][32], size_t *n, seal_error *err)
{
    const seal_kind *k = rec->kind;
    *n = 0;
    int of;
    seal_index_type ot = seal_record_owner(rec, &of);
    if (of < 0) {
        return seal_error_set(err, SEAL_INVALID, "record: names no owner");
    }
    uint8_t c[32];
    seal_status s = SEAL_OK;
    if (ot == SEAL_IDX_ACCOUNT) {
        s = seal_store_commitment(st, ot, rec->v[of], rec->n[of], c, err);
        if (s == SEAL_OK) {
            owner_key_add(keys, n, c);
        }
        return s;
    }
    /* owned by an address: the people named on the record at that address */
    for (size_t i = 0; i < k->nfields && s == SEAL_OK; i++) {
        if (k->fields[i].type == SEAL_FT_NAME && rec->v[i] != NULL) {
            s = seal_store_person_commitment(st, rec->v[of], rec->n[of], rec->v[i], rec->n[i], c,
                                             err);
            if (s == SEAL_OK) {
                owner_key_add(keys, n, c);
            } else if (s == SEAL_INVALID) {
                s = SEAL_OK; /* a name with no letters names nobody */
            }
        }
    }
    /* no name: whoever holds its tracking number (a parcel to the address) */
    for (size_t i = 0; i < k->nfields && s == SEAL_OK && *n == 0; i++) {
        if (k->fields[i].index == SEAL_IDX_TRACKING && rec->v[i] != NULL) {
            s = seal_store_commitment(st, SEAL_IDX_TRACKING, rec->v[i], rec->n[i], c, err);
            if (s == SEAL_OK) {
                owner_key_add(keys, n, c);
            }
        }
    }
    if (s == SEAL_OK && *n == 0) {
        s = seal_store_commitment(st, ot, rec->v[of], rec->n[of], c, err);
        if (s == SEAL_OK) {
            owner_key_add(keys, n, c);
        }
    }
    return s;
}

/* ---- master-key rotation ------------------------------------------------------------ */

typedef struct rotate_ctx {
    seal_store *st;
    const uint8_t *new_master;
    seal_error *err;
    int64_t count;
    uint8_t (*pending)[SEAL_HASH_BYTES + SEAL_WRAPPED_BYTES];
    size_t n, cap;
} rotate_ctx;

static seal_status rotate_key(const uint8_t *subject, const uint8_t *wrapped, size_t len, void *ud)
{
    rotate_ctx *rc = ud;
    uint8_t ad[sizeof(dk_ad) + SEAL_HASH_BYTES], key[SEAL_KEY_BYTES];
    wrap_ad(ad, subject);
    if (len != SEAL_WRAPPED_BYTES ||
        seal__key_unwrap(key, wrapped, rc->st->sec->master, ad, sizeof(ad)) != SEAL_OK) {
        return seal_error_set(rc->err, SEAL_CRYPTO, "key store: a data key does not unwrap");
    }
    if (rc->n == rc->cap) {
        size_t cap = rc->cap == 0 ? 1024 : 2 * rc->cap;
        void *p = seal_realloc(rc->pending, cap * sizeof(*rc->pending));
        if (p == NULL) {
            seal__wipe(key, sizeof(key));
            return seal_error_set(rc->err, SEAL_NOMEM, "out of memory");
        }
        rc->pending = p;
        rc->cap = cap;
    }
    memcpy(rc->pending[rc->n], subject, SEAL_HASH_BYTES);
    seal__key_wrap(rc->pending[rc->n] + SEAL_HASH_BYTES, key, rc->new_master, ad, sizeof(ad));
    seal__wipe(key, sizeof(key));
    rc->n++;
    return SEAL_OK;
}

seal_status seal_store_rotate_master(const char *dir, int64_t *keys, seal_error *err)
{
    seal_store *st = NULL;
    char path[1100], next[1200];
    uint8_t root[SEAL_KEY_BYTES], wrapped[SEAL_WRAPPED_BYTES];
    rotate_ctx rc = {0};
    seal_status s = seal_store_open(dir, &st, err);
    if (s != SEAL_OK) {
        return s;
    }
    uint8_t *new_master = seal__secret_alloc(SEAL_KEY_BYTES);
    if (new_master == NULL) {
        seal_store_close(st);
        return seal_error_set(err, SEAL_NOMEM, "cannot allocate secure memory");
    }
    seal__random(new_master, SEAL_KEY_BYTES);
    rc = (rotate_ctx){.st = st, .new_master = new_master, .err = err};
    if ((s = master_path(dir, path, sizeof(path), err)) != SEAL_OK) {
        goto out;
    }
    snprintf(next, sizeof(next), "%s.next", path);
    unlink(next);
    /* 1. the new key is durable before anything is wrapped under it */
    if ((s = write_master(next, new_master, err)) != SEAL_OK ||
        (s = fsync_dir(dir, err)) != SEAL_OK) {
        goto out;
    }
    /* 2. re-wrap every key in one key-store transaction */
    if ((s = st->ops->begin(st->be, err)) != SEAL_OK) {
        goto out;
    }
    s = st->ops->key_each(st->be, rotate_key, &rc, err);
    for (size_t i = 0; s == SEAL_OK && i < rc.n; i++) {
        s = st->ops->key_put(st->be, rc.pending[i], rc.pending[i] + SEAL_HASH_BYTES,
                             SEAL_WRAPPED_BYTES, err);
    }
    if (s == SEAL_OK) {
        s = index_root(st, root, err);
    }
    if (s == SEAL_OK) {
        seal__key_wrap(wrapped, root, new_master, root_ad, sizeof(root_ad));
        s = st->ops->keymeta_put(st->be, "index_root", wrapped, sizeof(wrapped), err);
    }
    if (s == SEAL_OK) {
        uint8_t zero[SEAL_KEY_BYTES] = {0};
        seal__key_wrap(wrapped, zero, new_master, check_ad, sizeof(check_ad));
        s = st->ops->keymeta_put(st->be, "check", wrapped, sizeof(wrapped), err);
    }
    if (s == SEAL_OK) {
        s = st->ops->commit(st->be, err);
    } else {
        st->ops->rollback(st->be);
    }
    if (s != SEAL_OK) {
        unlink(next);
        goto out;
    }
    /* 3. the new key file replaces the old one (recover_rotation finishes
     * this step if we crash before it) */
    if (rename(next, path) != 0) {
        s = seal_error_set(err, SEAL_IO, "%s: %s", path, strerror(errno));
        goto out;
    }
    s = fsync_dir(dir, err);
    *keys = (int64_t) rc.n;
out:
    seal__wipe(root, sizeof(root));
    if (rc.pending != NULL) {
        seal__wipe(rc.pending, rc.cap * sizeof(*rc.pending));
        seal_free(rc.pending);
    }
    seal__secret_free(new_master);
    seal_store_close(st);
    return s;
}

/* ---- for backups (src/store/backup.c, store/store_backup.h) ------------------------- */

seal_status seal__store_unwrap_key(const seal_store *st, const uint8_t *subject,
                                   const uint8_t *wrapped, size_t len, uint8_t *key)
{
    uint8_t ad[sizeof(dk_ad) + SEAL_HASH_BYTES];
    wrap_ad(ad, subject);
    if (len != SEAL_WRAPPED_BYTES) {
        return SEAL_CRYPTO;
    }
    return seal__key_unwrap(key, wrapped, st->sec->master, ad, sizeof(ad));
}

seal_status seal__store_check_opens(const seal_store *st, const uint8_t *wrapped, size_t len)
{
    uint8_t probe[SEAL_KEY_BYTES];
    if (len != SEAL_WRAPPED_BYTES) {
        return SEAL_KEY;
    }
    seal_status s = seal__key_unwrap(probe, wrapped, st->sec->master, check_ad, sizeof(check_ad));
    seal__wipe(probe, sizeof(probe));
    return s == SEAL_OK ? SEAL_OK : SEAL_KEY;
}

/* ---- retention ------------------------------------------------------------------------ */

struct seal_holds {
    uint8_t (*v)[SEAL_HASH_BYTES]; /* sorted, distinct */
    size_t n, cap;
};

seal_status seal_holds_new(seal_holds **out, seal_error *err)
{
    *out = seal_calloc(1, sizeof(**out));
    return *out != NULL ? SEAL_OK : seal_error_set(err, SEAL_NOMEM, "out of memory");
}

void seal_holds_free(seal_holds *h)
{
    if (h != NULL) {
        seal_free(h->v);
        seal_free(h);
    }
}

size_t seal_holds_count(const seal_holds *h)
{
    return h != NULL ? h->n : 0;
}

static int cmp_hash(const void *a, const void *b)
{
    return memcmp(a, b, SEAL_HASH_BYTES);
}

static bool holds_has(const seal_holds *h, const uint8_t *subject)
{
    return h != NULL && h->n > 0 && bsearch(subject, h->v, h->n, sizeof(*h->v), cmp_hash) != NULL;
}

static seal_status holds_add(seal_holds *h, const uint8_t *subject)
{
    if (holds_has(h, subject)) {
        return SEAL_OK;
    }
    if (h->n == h->cap) {
        size_t cap = h->cap == 0 ? 16 : 2 * h->cap;
        void *p = seal_realloc(h->v, cap * sizeof(*h->v));
        if (p == NULL) {
            return SEAL_NOMEM;
        }
        h->v = p;
        h->cap = cap;
    }
    memcpy(h->v[h->n++], subject, SEAL_HASH_BYTES);
    qsort(h->v, h->n, sizeof(*h->v), cmp_hash);
    return SEAL_OK;
}

typedef struct hold_ctx {
    seal_store *st;
    seal_holds *h;
    seal_buf body;
    seal_error *err;
} hold_ctx;

static seal_status hold_id(int64_t id, void *ud)
{
    hold_ctx *hc = ud;
    seal_record_row row;
    seal_status s = hc->st->ops->record_get(hc->st->be, id, &row, &hc->body, hc->err);
    if (s == SEAL_NOTFOUND) {
        return SEAL_OK; /* an index row without its record holds nothing */
    }
    if (s == SEAL_OK && (s = holds_add(hc->h, row.subject)) == SEAL_NOMEM) {
        seal_error_set(hc->err, s, "out of memory");
    }
    return s;
}

seal_status seal_store_hold(seal_store *st, seal_holds *h, seal_index_type type, const char *value,
                            size_t n, seal_error *err)
{
    uint8_t hash[SEAL_HASH_BYTES];
    seal_status s = std_value(st, type, value, n, err);
    if (s != SEAL_OK) {
        return s;
    }
    if (type == SEAL_IDX_ACCOUNT || type == SEAL_IDX_ADDRESS) {
        hash_std(st, SUB_SUBJECT, type, hash);
        if (holds_add(h, hash) != SEAL_OK) {
            return seal_error_set(err, SEAL_NOMEM, "out of memory");
        }
    }
    hash_std(st, SUB_INDEX, type, hash);
    hold_ctx hc = {st, h, {0}, err};
    seal_buf_init(&hc.body);
    s = st->ops->index_lookup(st->be, hash, hold_id, &hc, err);
    seal_buf_cleanup(&hc.body);
    return s;
}

/* The persisted sweep: "sweep1" then fixed little-endian fields. */
#define SWEEP_META "retain.sweep"
#define SWEEP_MAGIC "sweep1"

seal_status seal__sweep_encode(const seal_sweep *sw, seal_buf *b)
{
    seal_status s = seal_buf_append(b, SWEEP_MAGIC, 6);
    uint64_t v[9 + 2 * SEAL_SWEEP_KINDS] = {
        (uint64_t) sw->today,          (uint64_t) sw->started,
        (uint64_t) sw->cursor,         (uint64_t) sw->policy_kind[0],
        (uint64_t) sw->policy_kind[1], (uint64_t) sw->policy_days[0],
        (uint64_t) sw->policy_days[1], (uint64_t) sw->n.truncated,
        (uint64_t) sw->n.keys_shredded};
    for (int k = 0; k < SEAL_SWEEP_KINDS; k++) {
        v[9 + k] = (uint64_t) sw->n.deleted[k];
        v[9 + SEAL_SWEEP_KINDS + k] = (uint64_t) sw->n.held[k];
    }
    for (size_t i = 0; s == SEAL_OK && i < sizeof(v) / sizeof(v[0]); i++) {
        s = seal_buf_append_u64le(b, v[i]);
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_u64le(b, sw->ledger_size);
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_byte(b, sw->done ? 1 : 0);
    }
    if (s == SEAL_OK) {
        s = seal_buf_append(b, sw->id, 16);
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_u32le(b, (uint32_t) sw->n_pending);
    }
    if (s == SEAL_OK) {
        s = seal_buf_append(b, sw->pending, sw->n_pending * SEAL_HASH_BYTES);
    }
    return s;
}

seal_status seal__sweep_decode(seal_sweep *sw, const uint8_t *p, size_t n)
{
    seal_cursor c;
    uint8_t magic[6], done;
    uint64_t v[9 + 2 * SEAL_SWEEP_KINDS + 1];
    seal_cursor_init(&c, p, n);
    if (seal_cursor_copy(&c, magic, 6) != SEAL_OK || memcmp(magic, SWEEP_MAGIC, 6) != 0) {
        return SEAL_CORRUPT;
    }
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        if (seal_cursor_u64le(&c, &v[i]) != SEAL_OK) {
            return SEAL_CORRUPT;
        }
    }
    memset(sw, 0, sizeof(*sw));
    uint32_t np;
    if (seal_cursor_u8(&c, &done) != SEAL_OK || seal_cursor_copy(&c, sw->id, 16) != SEAL_OK ||
        seal_cursor_u32le(&c, &np) != SEAL_OK || np > SEAL_SWEEP_BATCH_MAX ||
        seal_cursor_copy(&c, sw->pending, (size_t) np * SEAL_HASH_BYTES) != SEAL_OK ||
        seal_cursor_left(&c) != 0) {
        return SEAL_CORRUPT;
    }
    sw->n_pending = np;
    if (done > 1 || v[3] > INT32_MAX || v[4] > INT32_MAX) {
        return SEAL_CORRUPT;
    }
    for (int i = 0; i < 16; i++) {
        char ch = sw->id[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
            return SEAL_CORRUPT; /* the id names the sweep in the ledger: hex only */
        }
    }
    sw->today = (int64_t) v[0];
    sw->started = (int64_t) v[1];
    sw->cursor = (int64_t) v[2];
    sw->policy_kind[0] = (int) v[3];
    sw->policy_kind[1] = (int) v[4];
    sw->policy_days[0] = (int64_t) v[5];
    sw->policy_days[1] = (int64_t) v[6];
    sw->n.truncated = (int64_t) v[7];
    sw->n.keys_shredded = (int64_t) v[8];
    for (int k = 0; k < SEAL_SWEEP_KINDS; k++) {
        sw->n.deleted[k] = (int64_t) v[9 + k];
        sw->n.held[k] = (int64_t) v[9 + SEAL_SWEEP_KINDS + k];
    }
    sw->ledger_size = v[9 + 2 * SEAL_SWEEP_KINDS];
    sw->done = done != 0;
    sw->id[16] = '\0';
    return SEAL_OK;
}

seal_status seal_store_sweep_load(seal_store *st, seal_sweep *sw, bool *found, seal_error *err)
{
    *found = false;
    seal_status s = st->ops->meta_get(st->be, SWEEP_META, &st->scratch, err);
    if (s == SEAL_NOTFOUND) {
        seal_error_init(err);
        return SEAL_OK;
    }
    if (s == SEAL_OK && (st->scratch.len == 0 || st->scratch.data[0] == 0)) {
        return SEAL_OK; /* cleared */
    }
    if (s == SEAL_OK && seal__sweep_decode(sw, st->scratch.data, st->scratch.len) != SEAL_OK) {
        s = seal_error_set(err, SEAL_CORRUPT, "%s: the interrupted sweep's state is malformed",
                           st->dir);
    }
    *found = s == SEAL_OK;
    return s;
}

static seal_status sweep_put(seal_store *st, const seal_sweep *sw, seal_error *err)
{
    seal_buf_reset(&st->scratch);
    seal_status s =
        sw != NULL ? seal__sweep_encode(sw, &st->scratch) : seal_buf_append_byte(&st->scratch, 0);
    if (s != SEAL_OK) {
        return seal_error_set(err, s, "out of memory");
    }
    return st->ops->meta_put(st->be, SWEEP_META, st->scratch.data, st->scratch.len, err);
}

static seal_status sweep_save(seal_store *st, const seal_sweep *sw, seal_error *err)
{
    seal_status s = st->ops->begin(st->be, err);
    if (s != SEAL_OK) {
        return s;
    }
    if ((s = sweep_put(st, sw, err)) != SEAL_OK || (s = st->ops->commit(st->be, err)) != SEAL_OK) {
        st->ops->rollback(st->be);
    }
    return s;
}

seal_status seal_store_sweep_save(seal_store *st, const seal_sweep *sw, seal_error *err)
{
    return sweep_save(st, sw, err);
}

seal_status seal_store_sweep_clear(seal_store *st, seal_error *err)
{
    return sweep_save(st, NULL, err);
}

/* The retention truncation of an IP address: IPv4 to its /24, IPv6 to its
 * /48 (the catalogue's web_visit retention: "IP truncated (/24, /48)"). */
static seal_status truncate_ip(const char *v, size_t n, char *out, size_t cap)
{
    char tmp[64];
    unsigned char a[16];
    if (n >= sizeof(tmp)) {
        return SEAL_CORRUPT;
    }
    memcpy(tmp, v, n);
    tmp[n] = '\0';
    if (inet_pton(AF_INET, tmp, a) == 1) {
        a[3] = 0;
        return inet_ntop(AF_INET, a, out, (socklen_t) cap) != NULL ? SEAL_OK : SEAL_CORRUPT;
    }
    if (inet_pton(AF_INET6, tmp, a) == 1) {
        memset(a + 6, 0, 10);
        return inet_ntop(AF_INET6, a, out, (socklen_t) cap) != NULL ? SEAL_OK : SEAL_CORRUPT;
    }
    return SEAL_CORRUPT;
}

typedef struct sweep_ctx {
    seal_store *st;
    seal_error *err;
    seal_record_row *row; /* the row being acted on */
} sweep_ctx;

/* Deletes a readable record: its blind-index rows, then the row. */
static seal_status sweep_delete_rec(const seal_record *rec, int64_t id, void *ud)
{
    sweep_ctx *c = ud;
    seal_status s = index_rows(c->st, rec, c->row, false, c->err);
    return s == SEAL_OK ? c->st->ops->record_delete(c->st->be, id, c->err) : s;
}

/* Rewrites a readable record with its truncated field: the whole body is
 * sealed again under a fresh nonce base (a nonce is never reused). */
static seal_status sweep_truncate_rec(const seal_record *rec, int64_t id, void *ud)
{
    sweep_ctx *c = ud;
    seal_store *st = c->st;
    const seal_kind *k = rec->kind;
    int f = k->truncate_field;
    char cut[64];
    const uint8_t *key;
    (void) id;
    if (f < 0 || rec->v[f] == NULL) {
        return SEAL_OK;
    }
    if (truncate_ip(rec->v[f], rec->n[f], cut, sizeof(cut)) != SEAL_OK) {
        return seal_error_set(c->err, SEAL_CORRUPT, "record %lld: field %s: not an IP address",
                              (long long) c->row->id, k->fields[f].name);
    }
    seal_record t = *rec;
    t.v[f] = cut;
    t.n[f] = strlen(cut);
    seal_status s = index_rows(st, rec, c->row, false, c->err);
    if (s == SEAL_OK) {
        s = subject_key(st, c->row->subject, false, &key, c->err);
    }
    if (s == SEAL_OK) {
        s = encrypt_body(st, &t, c->row->subject, key, c->err);
    }
    seal__wipe(cut, sizeof(cut));
    if (s != SEAL_OK) {
        return s;
    }
    seal_record_row row = *c->row;
    row.state = SEAL_REC_TRUNCATED;
    row.truncate_at = SEAL_DAY_NONE;
    row.body = st->body.data;
    row.body_len = st->body.len;
    /* row.digest stays the original's: re-ingesting it changes nothing */
    if ((s = st->ops->record_update(st->be, &row, c->err)) != SEAL_OK) {
        return s;
    }
    return index_rows(st, &t, &row, true, c->err);
}

/* Whether records of a kind can have blind-index rows: not when its only
 * indexed field is its only owner field (always present, and reachable
 * through the subject instead: web_visit) or it has none (cover_piece). */
static bool has_index_rows(const seal_store *st, int kind)
{
    const seal_kind *k = seal_catalogue_kind_by_id(st->cat, kind);
    if (k == NULL || k->nowners != 1) {
        return true;
    }
    for (size_t i = 0; i < k->nfields; i++) {
        if (k->fields[i].index != SEAL_IDX_NONE && (int) i != k->owners[0].field) {
            return true;
        }
    }
    return false;
}

typedef struct touched {
    uint8_t subject[SEAL_HASH_BYTES];
    int64_t last; /* the subject's last deleted record in this batch */
} touched;

/* Whether the subject is left with no record (dry: would be, once the
 * sweep is past `after`) while it still has a data key. */
static seal_status subject_emptied(seal_store *st, const uint8_t *subject, const seal_due *due,
                                   int64_t after, bool dry, bool *emptied, seal_error *err)
{
    bool any = true;
    *emptied = false;
    seal_status s = st->ops->subject_any(st->be, subject, dry ? due : NULL, after, &any, err);
    if (s != SEAL_OK || any) {
        return s;
    }
    s = st->ops->key_get(st->be, subject, &st->wrapped, err);
    if (s == SEAL_NOTFOUND) {
        seal_error_init(err);
        return SEAL_OK; /* shredded before: nothing to do */
    }
    *emptied = s == SEAL_OK;
    return s;
}

/* Deletes the data key of a subject that is (still) left with nothing.
 * Counted also when the key is already gone: the subject was queued only
 * with its key present, so an earlier attempt that crashed after the key
 * store committed deleted it. */
static seal_status subject_shred_key(seal_store *st, const uint8_t *subject, int64_t *shredded,
                                     seal_error *err)
{
    bool any = true;
    seal_status s = st->ops->subject_any(st->be, subject, NULL, 0, &any, err);
    if (s != SEAL_OK || any) {
        return s; /* it has a record again (a concurrent ingest): it keeps its key */
    }
    if ((s = st->ops->key_delete(st->be, subject, err)) == SEAL_OK) {
        (*shredded)++;
    }
    cache_evict(st, subject);
    return s;
}

static void sweep_due(const seal_sweep *sw, seal_due *due)
{
    memset(due, 0, sizeof(*due));
    due->today = sw->today;
    for (int i = 0; i < 2 && i < SEAL_DUE_KINDS; i++) {
        due->kind[i] = sw->policy_kind[i];
        due->days[i] = sw->policy_days[i];
    }
}

static seal_status sweep_rows(seal_store *st, seal_sweep *sw, const seal_sweep_options *opt,
                              gather *g, touched *tv, seal_error *err)
{
    seal_due due;
    sweep_due(sw, &due);
    seal_status s = SEAL_OK;
    size_t nt = 0;
    for (size_t i = 0; s == SEAL_OK && i < g->n; i++) {
        seal_record_row *row = &g->keys[i].row;
        row->body = g->arena.data + g->keys[i].off;
        int kind = row->kind >= 0 && row->kind < SEAL_SWEEP_KINDS ? row->kind : 0;
        bool del = seal__due_delete(&due, row->kind, row->day, row->expires);
        if (holds_has(opt->holds, row->subject)) {
            sw->n.held[kind]++;
            continue;
        }
        sweep_ctx c = {st, err, row};
        read_ctx rc = {st, del ? sweep_delete_rec : sweep_truncate_rec, &c, err, false, 0};
        if (!del && row->state == SEAL_REC_SHREDDED) {
            continue; /* nothing readable to truncate */
        }
        if (!opt->dry_run) {
            if (row->state == SEAL_REC_SHREDDED || (del && !has_index_rows(st, row->kind))) {
                /* no index rows: a shredded subject's went with its key, and
                 * some kinds never have any (nothing to decrypt) */
                s = st->ops->record_delete(st->be, row->id, err);
            } else {
                s = decode_row(&rc, row);
                if (s == SEAL_SHREDDED) { /* the key is gone: so are its index rows */
                    seal_error_init(err);
                    s = st->ops->record_delete(st->be, row->id, err);
                }
            }
        }
        if (s != SEAL_OK) {
            break;
        }
        if (!del) {
            sw->n.truncated++;
            continue;
        }
        sw->n.deleted[kind]++;
        if (nt > 0 && memcmp(tv[nt - 1].subject, row->subject, SEAL_HASH_BYTES) == 0) {
            tv[nt - 1].last = row->id;
        } else {
            memcpy(tv[nt].subject, row->subject, SEAL_HASH_BYTES);
            tv[nt++].last = row->id;
        }
    }
    for (size_t i = 0; s == SEAL_OK && i < nt; i++) {
        bool emptied = false;
        s = subject_emptied(st, tv[i].subject, &due, tv[i].last, opt->dry_run, &emptied, err);
        if (s != SEAL_OK || !emptied) {
            continue;
        }
        if (opt->dry_run) {
            sw->n.keys_shredded++;
            continue;
        }
        if (sw->n_pending < SEAL_SWEEP_BATCH_MAX) { /* tv has at most one per row */
            memcpy(sw->pending[sw->n_pending++], tv[i].subject, SEAL_HASH_BYTES);
        }
    }
    /* a subject whose ids interleave with another's (shared id prefix) may
     * appear twice in tv: queue it once */
    if (sw->n_pending > 1) {
        qsort(sw->pending, sw->n_pending, sizeof(sw->pending[0]), cmp_hash);
        size_t n = 1;
        for (size_t i = 1; i < sw->n_pending; i++) {
            if (memcmp(sw->pending[i], sw->pending[n - 1], SEAL_HASH_BYTES) != 0) {
                memmove(sw->pending[n++], sw->pending[i], SEAL_HASH_BYTES);
            }
        }
        sw->n_pending = n;
    }
    return s;
}

seal_status seal_store_sweep_step(seal_store *st, seal_sweep *sw, const seal_sweep_options *opt,
                                  seal_error *err)
{
    size_t batch = opt->batch != 0 ? opt->batch : 2000;
    if (batch > SEAL_SWEEP_BATCH_MAX) {
        batch = SEAL_SWEEP_BATCH_MAX; /* so every emptied subject fits in sw->pending */
    }
    seal_due due;
    sweep_due(sw, &due);
    gather g = {0};
    seal_buf_init(&g.arena);
    touched *tv = NULL;
    bool tx = false;
    seal_status s = SEAL_OK;
    if (!opt->dry_run) {
        if ((s = st->ops->begin(st->be, err)) != SEAL_OK) {
            return s;
        }
        tx = true;
    }
    seal_sweep *next = seal_malloc(sizeof(*next));
    if (next == NULL) {
        s = seal_error_set(err, SEAL_NOMEM, "out of memory");
    } else {
        *next = *sw;
        next->n_pending = 0;
    }
    /* the keys the previous step left queued go first: this transaction's
     * key store commits before its record store */
    for (size_t i = 0; s == SEAL_OK && i < sw->n_pending; i++) {
        s = subject_shred_key(st, sw->pending[i], &next->n.keys_shredded, err);
    }
    if (s == SEAL_OK) {
        s = st->ops->records_due(st->be, &due, sw->cursor, batch, gather_row, &g, err);
    }
    if (s == SEAL_NOMEM) {
        seal_error_set(err, s, "out of memory");
    }
    if (s == SEAL_OK && g.n > 0 && (tv = seal_malloc(g.n * sizeof(*tv))) == NULL) {
        s = seal_error_set(err, SEAL_NOMEM, "out of memory");
    }
    if (s == SEAL_OK) {
        s = sweep_rows(st, next, opt, &g, tv, err);
    }
    if (s == SEAL_OK) {
        if (g.n > 0) {
            next->cursor = g.keys[g.n - 1].row.id;
        }
        next->done = g.n < batch && next->n_pending == 0;
    }
    if (s == SEAL_OK && tx) {
        s = sweep_put(st, next, err);
        if (s == SEAL_OK) {
            s = st->ops->commit(st->be, err);
            tx = false;
        }
    }
    if (tx) {
        seal_store_rollback(st);
    }
    if (s == SEAL_OK) {
        *sw = *next;
    }
    seal_free(next);
    if (st->plain.data != NULL) {
        seal__wipe(st->plain.data, st->plain.cap);
    }
    seal_free(tv);
    seal_buf_cleanup(&g.arena);
    seal_free(g.keys);
    return s;
}

/* ---- MC-10: an improperly ordered cover's records -------------------------------------- */

typedef struct destroy_ctx {
    seal_store *st;
    seal_error *err;
    const char *cover;
    int cover_field;
    seal_record_row *row;
    seal_buf natkeys;
    int64_t count;
} destroy_ctx;

static seal_status destroy_rec(const seal_record *rec, int64_t id, void *ud)
{
    destroy_ctx *d = ud;
    const char *v = rec->v[d->cover_field];
    if (v == NULL || rec->n[d->cover_field] != strlen(d->cover) ||
        memcmp(v, d->cover, rec->n[d->cover_field]) != 0) {
        return SEAL_OK; /* another cover's piece */
    }
    seal_status s = index_rows(d->st, rec, d->row, false, d->err);
    if (s == SEAL_OK) {
        s = d->st->ops->record_delete(d->st->be, id, d->err);
    }
    if (s == SEAL_OK && seal_buf_append(&d->natkeys, d->row->natkey, SEAL_HASH_BYTES) != SEAL_OK) {
        s = seal_error_set(d->err, SEAL_NOMEM, "out of memory");
    }
    d->count += s == SEAL_OK;
    return s;
}

seal_status seal_store_destroy_cover(seal_store *st, const char *address, size_t n,
                                     const char *cover, int64_t *destroyed, int64_t *keys_shredded,
                                     uint8_t commit[32], seal_error *err)
{
    uint8_t subject[SEAL_HASH_BYTES];
    const seal_kind *k = seal_catalogue_kind(st->cat, "cover_piece");
    int cf = k != NULL ? seal_kind_field(k, "cover_id", 8) : -1;
    *destroyed = 0;
    *keys_shredded = 0;
    if (k == NULL || cf < 0) {
        return seal_error_set(err, SEAL_CORRUPT, "catalogue: no cover_piece kind with cover_id");
    }
    seal_status s = std_value(st, SEAL_IDX_ADDRESS, address, n, err);
    if (s != SEAL_OK) {
        return s;
    }
    hash_std(st, SUB_SUBJECT, SEAL_IDX_ADDRESS, subject);
    gather g = {0};
    seal_buf_init(&g.arena);
    destroy_ctx d = {st, err, cover, cf, NULL, {0}, 0};
    seal_buf_init(&d.natkeys);
    if ((s = st->ops->begin(st->be, err)) != SEAL_OK) {
        return s;
    }
    s = st->ops->subject_rows(st->be, subject, gather_row, &g, err);
    if (s == SEAL_NOMEM) {
        seal_error_set(err, s, "out of memory");
    }
    for (size_t i = 0; s == SEAL_OK && i < g.n; i++) {
        seal_record_row *row = &g.keys[i].row;
        row->body = g.arena.data + g.keys[i].off;
        if (row->kind != k->id || row->state == SEAL_REC_SHREDDED) {
            continue;
        }
        d.row = row;
        read_ctx rc = {st, destroy_rec, &d, err, true, 0};
        s = decode_row(&rc, row);
    }
    if (s == SEAL_OK) {
        s = st->ops->commit(st->be, err);
    }
    /* The key goes in a second transaction, once the pieces are gone for
     * good (the key store commits first: in one transaction a crash could
     * leave pieces whose index rows nobody can compute any more). A crash
     * between the two leaves an unused key, which a repeated call deletes. */
    bool emptied = false;
    if (s == SEAL_OK && (s = st->ops->begin(st->be, err)) == SEAL_OK) {
        s = subject_emptied(st, subject, NULL, 0, false, &emptied, err);
        if (s == SEAL_OK && emptied) {
            s = subject_shred_key(st, subject, keys_shredded, err);
        }
        if (s == SEAL_OK) {
            s = st->ops->commit(st->be, err);
        }
    }
    if (s != SEAL_OK) {
        seal_store_rollback(st);
    } else {
        static const char tag[] = "sealed.cover-destroyed.v1";
        seal__khash(commit, 32, st->sec->sub[SUB_COMMIT], tag, sizeof(tag), d.natkeys.data,
                    d.natkeys.len);
        *destroyed = d.count;
    }
    if (st->plain.data != NULL) {
        seal__wipe(st->plain.data, st->plain.cap);
    }
    seal_buf_cleanup(&d.natkeys);
    seal_buf_cleanup(&g.arena);
    seal_free(g.keys);
    return s;
}
