/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for RFC 9162 proof verification: the input is two
 * 64-bit sizes, two roots and a proof (hashes of 32 bytes); both
 * verifiers run on it. Must never crash or accept a proof for a tree other
 * than the small reference tree built here.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sealed/ledger.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static seal_merkle *m;
    if (m == NULL) {
        if (seal_merkle_new(&m) != SEAL_OK) {
            return 0;
        }
        for (uint32_t i = 0; i < 1000; i++) {
            if (seal_merkle_append(m, &i, sizeof(i)) != SEAL_OK) {
                abort();
            }
        }
    }
    if (size < 16 + 64) {
        return 0;
    }
    uint64_t a = rd64(data), b = rd64(data + 8);
    const uint8_t *r1 = data + 16, *r2 = data + 48;
    size_t n = (size - 80) / SEAL_HASH_SIZE;
    if (n > SEAL_PROOF_MAX) {
        n = SEAL_PROOF_MAX;
    }
    uint8_t proof[SEAL_PROOF_MAX][SEAL_HASH_SIZE];
    memcpy(proof, data + 80, n * SEAL_HASH_SIZE);
    (void) seal_merkle_verify_consistency(a, b, r1, r2, (const uint8_t(*)[SEAL_HASH_SIZE]) proof,
                                          n);
    /* Against the reference tree: an accepted inclusion proof must be for
     * the real leaf and root. */
    uint64_t idx = a % 1000, sz = b % 1000 + 1;
    uint8_t root[SEAL_HASH_SIZE];
    if (seal_merkle_root(m, sz, root) != SEAL_OK) {
        abort();
    }
    if (seal_merkle_verify_inclusion(r1, idx, sz, (const uint8_t(*)[SEAL_HASH_SIZE]) proof, n,
                                     root) == SEAL_OK) {
        uint8_t leaf[SEAL_HASH_SIZE];
        if (seal_merkle_leaf(m, idx, leaf) != SEAL_OK || memcmp(leaf, r1, SEAL_HASH_SIZE) != 0) {
            abort();
        }
    }
    return 0;
}
