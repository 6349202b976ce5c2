/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SHA-256 for the ledger and the signed-note code. Backed by OpenSSL's
 * libcrypto (EVP), which uses the CPU's SHA extensions; the digest is fetched
 * once per process and each thread reuses one EVP context, so a call costs the
 * compression function and little else. Thread-safe.
 */
#ifndef SEAL_CORE_CRYPTO_SHA256_H
#define SEAL_CORE_CRYPTO_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SEAL__SHA256_SIZE 32

/* SHA-256(data). Aborts only if libcrypto itself is broken (no SHA-256). */
void seal__sha256(uint8_t out[SEAL__SHA256_SIZE], const void *data, size_t len);
/* SHA-256(prefix byte || data): RFC 9162 §2.1.1 leaf hashes use prefix 0x00. */
void seal__sha256_prefixed(uint8_t out[SEAL__SHA256_SIZE], uint8_t prefix, const void *data,
                           size_t len);
/* SHA-256(0x01 || left || right): RFC 9162 §2.1.1 interior nodes. */
void seal__sha256_node(uint8_t out[SEAL__SHA256_SIZE], const uint8_t left[SEAL__SHA256_SIZE],
                       const uint8_t right[SEAL__SHA256_SIZE]);

#endif
