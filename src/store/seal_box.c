/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sealed boxes (sealed/box.h): encryption and keyed hashes for the legal
 * process's own database, under keys derived from the record store's index
 * root. The root is read the way the store reads it (the master key file
 * named by sealed.conf, refused unless mode 0600; the wrapped root from the
 * key store through the backend interface), so this file needs no access to
 * store.c's internals. It lives in src/store because only the store may read
 * the key store.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/crypto.h"
#include "sealed/alloc.h"
#include "sealed/box.h"
#include "sealed/config.h"
#include "store/backend.h"

#define BOX_VERSION 1

/* Domain separation from the store's own subkeys ("sealidx1"). */
static const char box_ctx[8] = {'s', 'e', 'a', 'l', 'b', 'o', 'x', '1'};
/* Must equal store.c's associated data for the wrapped index root. */
static const char root_ad[] = "sealed.index-root.v1";

enum { BOX_ENC = 1, BOX_HASH = 2 };

struct seal_box {
    uint8_t enc[SEAL_KEY_BYTES];
    uint8_t hash[SEAL_KEY_BYTES];
};

static seal_status read_master(const char *dir, uint8_t *key, seal_error *err)
{
    seal_config cfg;
    seal_config_init(&cfg);
    seal_status s = seal_config_load(&cfg, dir, err);
    if (s != SEAL_OK) {
        return s;
    }
    char path[2200];
    int w = cfg.master_key_file[0] == '/'
                ? snprintf(path, sizeof(path), "%s", cfg.master_key_file)
                : snprintf(path, sizeof(path), "%s/%s", dir, cfg.master_key_file);
    if (w < 0 || (size_t) w >= sizeof(path)) {
        return seal_error_set(err, SEAL_INVALID, "key path too long");
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        return seal_error_set(err, errno == ENOENT ? SEAL_NOTFOUND : SEAL_IO,
                              "master key file %s: %s", path, strerror(errno));
    }
    struct stat sb;
    char hex[2 * SEAL_KEY_BYTES + 2];
    ssize_t got = 0;
    if (fstat(fd, &sb) != 0) {
        s = seal_error_set(err, SEAL_IO, "master key file %s: %s", path, strerror(errno));
    } else if ((sb.st_mode & 077) != 0) {
        s = seal_error_set(err, SEAL_PERM,
                           "master key file %s: group or others can access it (mode %04o)", path,
                           (unsigned) (sb.st_mode & 07777));
    } else if ((got = read(fd, hex, sizeof(hex))) < (ssize_t) (2 * SEAL_KEY_BYTES) ||
               (got > (ssize_t) (2 * SEAL_KEY_BYTES) && hex[2 * SEAL_KEY_BYTES] != '\n') ||
               seal_hex_decode(key, SEAL_KEY_BYTES, hex, 2 * SEAL_KEY_BYTES) != SEAL_OK) {
        s = seal_error_set(err, SEAL_KEY, "master key file %s: not 64 hex digits", path);
    }
    seal__wipe(hex, sizeof(hex));
    close(fd);
    return s;
}

seal_status seal_box_open(const char *dir, seal_box **out, seal_error *err)
{
    *out = NULL;
    seal_status s = seal__crypto_init();
    if (s != SEAL_OK) {
        return seal_error_set(err, s, "crypto library failed to initialise");
    }
    seal_box *b = seal__secret_alloc(sizeof(*b));
    uint8_t *master = seal__secret_alloc(2 * SEAL_KEY_BYTES);
    seal_backend *be = NULL;
    seal_buf wrapped;
    seal_buf_init(&wrapped);
    if (b == NULL || master == NULL) {
        s = seal_error_set(err, SEAL_NOMEM, "cannot allocate secure memory");
        goto out;
    }
    uint8_t *root = master + SEAL_KEY_BYTES;
    if ((s = read_master(dir, master, err)) != SEAL_OK ||
        (s = seal__sqlite_backend.open(dir, false, &be, err)) != SEAL_OK ||
        (s = seal__sqlite_backend.keymeta_get(be, "index_root", &wrapped, err)) != SEAL_OK) {
        goto out;
    }
    if (wrapped.len != SEAL_WRAPPED_BYTES ||
        seal__key_unwrap(root, wrapped.data, master, root_ad, sizeof(root_ad)) != SEAL_OK) {
        s = seal_error_set(err, SEAL_CRYPTO, "%s: the index root key does not unwrap", dir);
        goto out;
    }
    if ((s = seal__kdf(b->enc, root, BOX_ENC, box_ctx)) != SEAL_OK ||
        (s = seal__kdf(b->hash, root, BOX_HASH, box_ctx)) != SEAL_OK) {
        seal_error_set(err, s, "key derivation failed");
    }
out:
    if (be != NULL) {
        seal__sqlite_backend.close(be);
    }
    seal_buf_cleanup(&wrapped);
    if (master != NULL) {
        seal__secret_free(master);
    }
    if (s != SEAL_OK) {
        seal_box_free(b);
        return s;
    }
    *out = b;
    return SEAL_OK;
}

void seal_box_free(seal_box *b)
{
    if (b != NULL) {
        seal__secret_free(b);
    }
}

seal_status seal_box_seal(const seal_box *b, const void *ad, size_t adlen, const void *pt,
                          size_t len, seal_buf *out)
{
    seal_status s = seal_buf_reserve(out, len + SEAL_BOX_OVERHEAD);
    if (s != SEAL_OK) {
        return s;
    }
    uint8_t *p = out->data + out->len;
    p[0] = BOX_VERSION;
    seal__random(p + 1, SEAL_NONCE_BYTES);
    seal__aead_seal(p + 1 + SEAL_NONCE_BYTES, pt, len, ad, adlen, p + 1, b->enc);
    out->len += len + SEAL_BOX_OVERHEAD;
    return SEAL_OK;
}

seal_status seal_box_unseal(const seal_box *b, const void *ad, size_t adlen, const void *ct,
                            size_t len, seal_buf *out, seal_error *err)
{
    const uint8_t *c = ct;
    if (len < SEAL_BOX_OVERHEAD || c[0] != BOX_VERSION) {
        return seal_error_set(err, SEAL_CORRUPT, "sealed box: truncated or unknown version");
    }
    size_t n = len - SEAL_BOX_OVERHEAD;
    seal_status s = seal_buf_reserve(out, n + 1);
    if (s != SEAL_OK) {
        return seal_error_set(err, s, "out of memory");
    }
    s = seal__aead_open(out->data + out->len, c + 1 + SEAL_NONCE_BYTES, len - 1 - SEAL_NONCE_BYTES,
                        ad, adlen, c + 1, b->enc);
    if (s != SEAL_OK) {
        return seal_error_set(err, SEAL_CRYPTO, "sealed box: authentication failed");
    }
    out->len += n;
    out->data[out->len] = 0;
    return SEAL_OK;
}

void seal_box_hash(const seal_box *b, const char *domain, const void *data, size_t len,
                   uint8_t out[SEAL_BOX_HASH_BYTES])
{
    /* the domain and its terminating NUL, then the data: no two (domain,
     * data) pairs share an input */
    seal__khash(out, SEAL_BOX_HASH_BYTES, b->hash, domain, strlen(domain) + 1, data, len);
}
