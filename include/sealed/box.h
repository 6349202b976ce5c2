/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sealed boxes for data that lives beside the record store: a blob encrypted
 * (XChaCha20-Poly1305) under a key derived from the store's index root, and
 * keyed hashes under a sibling key. The request lifecycle uses them to keep
 * request documents (which name people and addresses) only as ciphertext in
 * registry.db, and protected addresses only as blind-index hashes.
 *
 * The keys follow the store's index root, which survives master-key rotation,
 * so nothing needs re-wrapping when the master key changes. A seal_box holds
 * key material in secret memory; it is not thread-safe to free while in use,
 * but sealing and hashing are reentrant.
 */
#ifndef SEALED_BOX_H
#define SEALED_BOX_H

#include <stddef.h>
#include <stdint.h>

#include "sealed/buf.h"
#include "sealed/status.h"

#define SEAL_BOX_HASH_BYTES 32
/* Bytes a sealed blob adds to its plaintext: a version byte, nonce and tag. */
#define SEAL_BOX_OVERHEAD (1 + 24 + 16)

typedef struct seal_box seal_box;

/* Opens the box keys of the data directory dir: reads the master key file by
 * the store's rules (sealed.conf, mode 0600) and unwraps the index root.
 * Errors: SEAL_NOTFOUND (no store), SEAL_PERM, SEAL_KEY, SEAL_CRYPTO. */
seal_status seal_box_open(const char *dir, seal_box **out, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 2);
/* Wipes and frees; NULL is a no-op. */
void seal_box_free(seal_box *b);

/* Appends version || nonce || ciphertext || tag of pt to out; ad (associated
 * data, e.g. the request id) is bound to it and must be given to open. */
seal_status seal_box_seal(const seal_box *b, const void *ad, size_t adlen, const void *pt,
                          size_t len, seal_buf *out) SEAL_MUST_USE SEAL_NONNULL(1, 6);
/* Appends the plaintext to out. SEAL_CRYPTO when tampered or under another
 * key or ad; SEAL_CORRUPT when too short or of an unknown version. */
seal_status seal_box_unseal(const seal_box *b, const void *ad, size_t adlen, const void *ct,
                            size_t len, seal_buf *out, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 6);
/* Keyed hash (BLAKE2b-256) of data in a named domain ("protect", "doc"):
 * the same input gives the same hash only under the same store. */
void seal_box_hash(const seal_box *b, const char *domain, const void *data, size_t len,
                   uint8_t out[SEAL_BOX_HASH_BYTES]) SEAL_NONNULL(1, 2, 5);

#endif
