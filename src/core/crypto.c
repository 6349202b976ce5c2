/* SPDX-License-Identifier: Apache-2.0 */
/* libsodium behind the internal crypto interface of src/core/crypto.h. */
#include "core/crypto.h"

#include <sodium.h>
#include <string.h>

seal_status seal__crypto_init(void)
{
    return sodium_init() < 0 ? SEAL_CRYPTO : SEAL_OK;
}

void *seal__secret_alloc(size_t n)
{
    return sodium_malloc(n);
}

void seal__secret_free(void *p)
{
    sodium_free(p); /* wipes; NULL is allowed */
}

void seal__wipe(void *p, size_t n)
{
    sodium_memzero(p, n);
}

int seal__ct_equal(const void *a, const void *b, size_t n)
{
    return sodium_memcmp(a, b, n) == 0;
}

void seal__random(void *out, size_t n)
{
    randombytes_buf(out, n);
}

void seal__khash(uint8_t *out, size_t outlen, const uint8_t *key, const void *a, size_t alen,
                 const void *b, size_t blen)
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, key, SEAL_KEY_BYTES, outlen);
    crypto_generichash_update(&st, a, alen);
    if (blen > 0) {
        crypto_generichash_update(&st, b, blen);
    }
    crypto_generichash_final(&st, out, outlen);
}

_Static_assert(sizeof(crypto_generichash_state) <= sizeof(((seal_khash_ctx *) 0)->opaque),
               "seal_khash_ctx too small for libsodium's state");

void seal__khash_ctx_init(seal_khash_ctx *ctx, const uint8_t *key, size_t outlen)
{
    crypto_generichash_init((crypto_generichash_state *) (void *) ctx->opaque, key, SEAL_KEY_BYTES,
                            outlen);
}

void seal__khash_ctx_run(const seal_khash_ctx *ctx, uint8_t *out, size_t outlen, const void *a,
                         size_t alen, const void *b, size_t blen)
{
    crypto_generichash_state st;
    memcpy(&st, ctx->opaque, sizeof(st));
    crypto_generichash_update(&st, a, alen);
    if (blen > 0) {
        crypto_generichash_update(&st, b, blen);
    }
    crypto_generichash_final(&st, out, outlen);
    sodium_memzero(&st, sizeof(st));
}

seal_status seal__kdf(uint8_t *out, const uint8_t *root, uint64_t id, const char ctx[8])
{
    return crypto_kdf_derive_from_key(out, SEAL_KEY_BYTES, id, ctx, root) == 0 ? SEAL_OK
                                                                               : SEAL_CRYPTO;
}

void seal__aead_seal(uint8_t *out, const uint8_t *pt, size_t ptlen, const uint8_t *ad, size_t adlen,
                     const uint8_t nonce[SEAL_NONCE_BYTES], const uint8_t *key)
{
    crypto_aead_xchacha20poly1305_ietf_encrypt(out, NULL, pt, ptlen, ad, adlen, NULL, nonce, key);
}

seal_status seal__aead_open(uint8_t *out, const uint8_t *ct, size_t ctlen, const uint8_t *ad,
                            size_t adlen, const uint8_t nonce[SEAL_NONCE_BYTES], const uint8_t *key)
{
    if (ctlen < SEAL_TAG_BYTES) {
        return SEAL_CORRUPT;
    }
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL, ct, ctlen, ad, adlen, nonce,
                                                   key) != 0) {
        return SEAL_CRYPTO;
    }
    return SEAL_OK;
}

void seal__field_seal(uint8_t *out, const uint8_t *pt, size_t ptlen, const uint8_t *ad,
                      size_t adlen, const uint8_t nonce[SEAL_FIELD_NONCE_BYTES], const uint8_t *key)
{
    crypto_aead_chacha20poly1305_ietf_encrypt(out, NULL, pt, ptlen, ad, adlen, NULL, nonce, key);
}

seal_status seal__field_open(uint8_t *out, const uint8_t *ct, size_t ctlen, const uint8_t *ad,
                             size_t adlen, const uint8_t nonce[SEAL_FIELD_NONCE_BYTES],
                             const uint8_t *key)
{
    if (ctlen < SEAL_TAG_BYTES) {
        return SEAL_CORRUPT;
    }
    if (crypto_aead_chacha20poly1305_ietf_decrypt(out, NULL, NULL, ct, ctlen, ad, adlen, nonce,
                                                  key) != 0) {
        return SEAL_CRYPTO;
    }
    return SEAL_OK;
}

void seal__key_wrap(uint8_t out[SEAL_WRAPPED_BYTES], const uint8_t *key, const uint8_t *kek,
                    const void *ad, size_t adlen)
{
    uint8_t nonce[SEAL_NONCE_BYTES];
    randombytes_buf(nonce, sizeof(nonce));
    seal__key_wrap_nonce(out, key, kek, ad, adlen, nonce);
}

void seal__key_wrap_nonce(uint8_t out[SEAL_WRAPPED_BYTES], const uint8_t *key, const uint8_t *kek,
                          const void *ad, size_t adlen, const uint8_t nonce[SEAL_NONCE_BYTES])
{
    memcpy(out, nonce, SEAL_NONCE_BYTES);
    seal__aead_seal(out + SEAL_NONCE_BYTES, key, SEAL_KEY_BYTES, ad, adlen, out, kek);
}

seal_status seal__key_unwrap(uint8_t *key, const uint8_t in[SEAL_WRAPPED_BYTES], const uint8_t *kek,
                             const void *ad, size_t adlen)
{
    return seal__aead_open(key, in + SEAL_NONCE_BYTES, SEAL_KEY_BYTES + SEAL_TAG_BYTES, ad, adlen,
                           in, kek);
}

void seal__rand_pool_init(seal_rand_pool *p)
{
    p->pos = sizeof(p->bytes);
}

void seal__rand_pool_take(seal_rand_pool *p, uint8_t *out, size_t n)
{
    while (n > 0) {
        if (p->pos == sizeof(p->bytes)) {
            randombytes_buf(p->bytes, sizeof(p->bytes));
            p->pos = 0;
        }
        size_t k = sizeof(p->bytes) - p->pos;
        if (k > n) {
            k = n;
        }
        memcpy(out, p->bytes + p->pos, k);
        sodium_memzero(p->bytes + p->pos, k); /* a nonce is public, but never reuse bytes */
        p->pos += k;
        out += k;
        n -= k;
    }
}
