/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libsodium behind a narrow interface: Ed25519 (RFC 8032) for signed notes,
 * guarded memory for secret keys, constant-time comparison and strict base64.
 */
#include "core/crypto_sign.h"

#include <sodium.h>

static seal_status init(void)
{
    /* sodium_init is idempotent and thread-safe; 1 means "already done". */
    return sodium_init() < 0 ? SEAL_CRYPTO : SEAL_OK;
}

seal_status seal__sign_seed_random(uint8_t seed[SEAL__ED25519_SEED])
{
    if (init() != SEAL_OK) {
        return SEAL_CRYPTO;
    }
    randombytes_buf(seed, SEAL__ED25519_SEED);
    return SEAL_OK;
}

seal_status seal__sign_keypair_from_seed(uint8_t pk[SEAL__ED25519_PK], uint8_t sk[SEAL__ED25519_SK],
                                         const uint8_t seed[SEAL__ED25519_SEED])
{
    if (init() != SEAL_OK || crypto_sign_ed25519_seed_keypair(pk, sk, seed) != 0) {
        return SEAL_CRYPTO;
    }
    return SEAL_OK;
}

seal_status seal__sign_detached(uint8_t sig[SEAL__ED25519_SIG], const void *msg, size_t len,
                                const uint8_t sk[SEAL__ED25519_SK])
{
    if (init() != SEAL_OK ||
        crypto_sign_ed25519_detached(sig, NULL, (const unsigned char *) msg, len, sk) != 0) {
        return SEAL_CRYPTO;
    }
    return SEAL_OK;
}

bool seal__sign_verify(const uint8_t sig[SEAL__ED25519_SIG], const void *msg, size_t len,
                       const uint8_t pk[SEAL__ED25519_PK])
{
    if (init() != SEAL_OK) {
        return false;
    }
    return crypto_sign_ed25519_verify_detached(sig, (const unsigned char *) msg, len, pk) == 0;
}

void *seal__sign_secure_alloc(size_t n)
{
    if (init() != SEAL_OK) {
        return NULL;
    }
    return sodium_malloc(n);
}

void seal__sign_secure_free(void *p)
{
    if (p != NULL) {
        sodium_free(p);
    }
}

void seal__sign_memzero(void *p, size_t n)
{
    sodium_memzero(p, n);
}

bool seal__sign_ct_equal(const void *a, const void *b, size_t n)
{
    return sodium_memcmp(a, b, n) == 0;
}

size_t seal__base64_encoded_len(size_t n)
{
    return sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
}

void seal__base64_encode(char *out, size_t out_cap, const uint8_t *in, size_t n)
{
    (void) sodium_bin2base64(out, out_cap, in, n, sodium_base64_VARIANT_ORIGINAL);
}

seal_status seal__base64_decode(uint8_t *out, size_t out_cap, size_t *outlen, const char *in,
                                size_t inlen)
{
    const char *end = NULL;
    size_t got = 0;
    if (init() != SEAL_OK) {
        return SEAL_CRYPTO;
    }
    if (sodium_base642bin(out, out_cap, in, inlen, NULL, &got, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != in + inlen) {
        return SEAL_INVALID;
    }
    *outlen = got;
    return SEAL_OK;
}
