/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ed25519 signatures, secure memory and base64 for the signed-note code,
 * wrapping libsodium so that only src/core/crypto* includes sodium.h.
 * Every function initialises libsodium on first use. Thread-safe.
 */
#ifndef SEAL_CORE_CRYPTO_SIGN_H
#define SEAL_CORE_CRYPTO_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealed/status.h"

#define SEAL__ED25519_PK 32
#define SEAL__ED25519_SEED 32
#define SEAL__ED25519_SK 64
#define SEAL__ED25519_SIG 64

/* Fresh random seed (32 bytes) for a key pair. */
seal_status seal__sign_seed_random(uint8_t seed[SEAL__ED25519_SEED]) SEAL_MUST_USE;
/* Expands a seed into the public key and the 64-byte secret key. */
seal_status seal__sign_keypair_from_seed(uint8_t pk[SEAL__ED25519_PK], uint8_t sk[SEAL__ED25519_SK],
                                         const uint8_t seed[SEAL__ED25519_SEED]) SEAL_MUST_USE;
/* Detached Ed25519 signature (RFC 8032 §5.1.6). */
seal_status seal__sign_detached(uint8_t sig[SEAL__ED25519_SIG], const void *msg, size_t len,
                                const uint8_t sk[SEAL__ED25519_SK]) SEAL_MUST_USE;
/* True when sig is a valid signature of msg under pk (RFC 8032 §5.1.7). */
bool seal__sign_verify(const uint8_t sig[SEAL__ED25519_SIG], const void *msg, size_t len,
                       const uint8_t pk[SEAL__ED25519_PK]);

/* Guarded, locked memory for secrets; NULL on failure. free wipes; NULL ok. */
void *seal__sign_secure_alloc(size_t n) __attribute__((malloc, warn_unused_result));
void seal__sign_secure_free(void *p);
void seal__sign_memzero(void *p, size_t n);
/* Constant-time equality of n bytes. */
bool seal__sign_ct_equal(const void *a, const void *b, size_t n);

/* Standard base64 with padding (RFC 4648 §4). encoded_len includes the NUL. */
size_t seal__base64_encoded_len(size_t n);
void seal__base64_encode(char *out, size_t out_cap, const uint8_t *in, size_t n);
/* Strict decode (padding required, no whitespace); *outlen bytes written.
 * SEAL_INVALID on bad input or when out_cap is too small. */
seal_status seal__base64_decode(uint8_t *out, size_t out_cap, size_t *outlen, const char *in,
                                size_t inlen) SEAL_MUST_USE;

#endif
