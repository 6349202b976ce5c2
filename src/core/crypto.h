/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal crypto for the record store's envelope encryption, on libsodium:
 * secret memory, keyed hashes (BLAKE2b) for blind indexes and commitments,
 * XChaCha20-Poly1305 for field ciphertexts and wrapped data keys, and a pooled
 * random source. Only src/core/crypto* include sodium.h (scripts/banned.sh).
 * Thread-safety: seal__crypto_init once at start-up; the rest is reentrant
 * except seal__rand_pool, which belongs to one thread.
 */
#ifndef SEAL_CORE_CRYPTO_H
#define SEAL_CORE_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "sealed/status.h"

#define SEAL_KEY_BYTES 32u
#define SEAL_NONCE_BYTES 24u
#define SEAL_TAG_BYTES 16u
/* A wrapped key: nonce || ciphertext(key) || tag. */
#define SEAL_WRAPPED_BYTES (SEAL_NONCE_BYTES + SEAL_KEY_BYTES + SEAL_TAG_BYTES)

seal_status seal__crypto_init(void) SEAL_MUST_USE;

/* Secret memory: guarded, locked where possible, wiped on free. */
void *seal__secret_alloc(size_t n) SEAL_MUST_USE;
void seal__secret_free(void *p);
void seal__wipe(void *p, size_t n);
int seal__ct_equal(const void *a, const void *b, size_t n) SEAL_MUST_USE;

void seal__random(void *out, size_t n);

/* Keyed BLAKE2b; outlen 16..64; key SEAL_KEY_BYTES. msg may be split in two
 * parts (tag, value) to avoid copies. */
void seal__khash(uint8_t *out, size_t outlen, const uint8_t *key, const void *a, size_t alen,
                 const void *b, size_t blen);

/* A keyed hash with the key block already absorbed: one compression less
 * per call on the ingest hot path. Holds key material: keep it in secret
 * memory (seal__secret_alloc of a size that is a multiple of 64). */
typedef struct seal_khash_ctx {
    _Alignas(64) unsigned char opaque[384];
} seal_khash_ctx;
void seal__khash_ctx_init(seal_khash_ctx *ctx, const uint8_t *key, size_t outlen);
/* outlen must equal the init's. */
void seal__khash_ctx_run(const seal_khash_ctx *ctx, uint8_t *out, size_t outlen, const void *a,
                         size_t alen, const void *b, size_t blen);

/* Derives a 32-byte subkey from a root key, a numeric id and an 8-char context. */
seal_status seal__kdf(uint8_t *out, const uint8_t *root, uint64_t id,
                      const char ctx[8]) SEAL_MUST_USE;

/* XChaCha20-Poly1305-IETF. out holds ptlen + SEAL_TAG_BYTES. */
void seal__aead_seal(uint8_t *out, const uint8_t *pt, size_t ptlen, const uint8_t *ad, size_t adlen,
                     const uint8_t nonce[SEAL_NONCE_BYTES], const uint8_t *key);
/* out holds ctlen - SEAL_TAG_BYTES; SEAL_CRYPTO when the tag does not verify. */
seal_status seal__aead_open(uint8_t *out, const uint8_t *ct, size_t ctlen, const uint8_t *ad,
                            size_t adlen, const uint8_t nonce[SEAL_NONCE_BYTES],
                            const uint8_t *key) SEAL_MUST_USE;

/* ChaCha20-Poly1305-IETF with a 96-bit nonce, for record fields: the nonce
 * is a random 64-bit per-record base and the field number, under a key that
 * belongs to one subject, so it never repeats; it saves XChaCha's HChaCha20
 * per field on the ingest hot path. out holds ptlen + SEAL_TAG_BYTES. */
#define SEAL_FIELD_NONCE_BYTES 12u
void seal__field_seal(uint8_t *out, const uint8_t *pt, size_t ptlen, const uint8_t *ad,
                      size_t adlen, const uint8_t nonce[SEAL_FIELD_NONCE_BYTES],
                      const uint8_t *key);
seal_status seal__field_open(uint8_t *out, const uint8_t *ct, size_t ctlen, const uint8_t *ad,
                             size_t adlen, const uint8_t nonce[SEAL_FIELD_NONCE_BYTES],
                             const uint8_t *key) SEAL_MUST_USE;

/* Wraps/unwraps a 32-byte key under a key-encryption key, bound to ad. */
void seal__key_wrap(uint8_t out[SEAL_WRAPPED_BYTES], const uint8_t *key, const uint8_t *kek,
                    const void *ad, size_t adlen);
/* The same with a caller-chosen random nonce (from a seal_rand_pool). */
void seal__key_wrap_nonce(uint8_t out[SEAL_WRAPPED_BYTES], const uint8_t *key, const uint8_t *kek,
                          const void *ad, size_t adlen, const uint8_t nonce[SEAL_NONCE_BYTES]);
seal_status seal__key_unwrap(uint8_t *key, const uint8_t in[SEAL_WRAPPED_BYTES], const uint8_t *kek,
                             const void *ad, size_t adlen) SEAL_MUST_USE;

/* A pool of random bytes refilled in 4 KiB chunks: nonces on the ingest hot
 * path without a system call each. One pool per thread. */
typedef struct seal_rand_pool {
    uint8_t bytes[4096];
    size_t pos;
} seal_rand_pool;
void seal__rand_pool_init(seal_rand_pool *p);
void seal__rand_pool_take(seal_rand_pool *p, uint8_t *out, size_t n);

#endif
