/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RFC 9162 Merkle trees: leaf and node hashing (§2.1.1), inclusion proofs
 * (§2.1.3) and consistency proofs (§2.1.4), their verification, and an
 * in-memory tree that stores every complete subtree hash level by level so
 * roots and proofs for any size it has seen are O(log n) lookups.
 */
#include <string.h>

#include "core/crypto_sha256.h"
#include "sealed/alloc.h"
#include "ledger/ledger_int.h"
#include "sealed/ledger.h"

/* Hashes per chunk of a level; chunks never move, so growth copies nothing. */
#define CHUNK_SHIFT 14
#define CHUNK_SIZE ((uint64_t) 1 << CHUNK_SHIFT)
#define MAX_LEVELS 64

typedef uint8_t hash_t[SEAL_HASH_SIZE];

typedef struct level {
    hash_t **chunks;
    size_t n_chunks;
    size_t cap_chunks;
    uint64_t count;
} level;

struct seal_merkle {
    level lv[MAX_LEVELS];
    uint64_t size;
};

void seal_merkle_leaf_hash(uint8_t out[SEAL_HASH_SIZE], const void *entry, size_t len)
{
    seal__sha256_prefixed(out, 0x00, entry, len);
}

void seal_merkle_node_hash(uint8_t out[SEAL_HASH_SIZE], const uint8_t left[SEAL_HASH_SIZE],
                           const uint8_t right[SEAL_HASH_SIZE])
{
    seal__sha256_node(out, left, right);
}

void seal_merkle_empty_root(uint8_t out[SEAL_HASH_SIZE])
{
    seal__sha256(out, "", 0);
}

static unsigned bit_len(uint64_t x)
{
    return x == 0 ? 0 : 64u - (unsigned) __builtin_clzll(x);
}

/* Largest power of two strictly smaller than n (n >= 2). */
static uint64_t split_point(uint64_t n)
{
    return (uint64_t) 1 << (bit_len(n - 1) - 1);
}

size_t seal_merkle_inclusion_proof_len(uint64_t index, uint64_t size)
{
    if (index >= size) {
        return 0;
    }
    unsigned inner = bit_len(index ^ (size - 1));
    return inner + (size_t) __builtin_popcountll(inner >= 64 ? 0 : index >> inner);
}

size_t seal_merkle_consistency_proof_len(uint64_t size1, uint64_t size2)
{
    if (size1 == 0 || size1 >= size2) {
        return 0;
    }
    size_t full = seal_merkle_inclusion_proof_len(size1 - 1, size2);
    unsigned shift = (unsigned) __builtin_ctzll(size1);
    unsigned inner = bit_len((size1 - 1) ^ (size2 - 1));
    size_t border = full - inner;
    size_t start = (size1 == ((uint64_t) 1 << shift)) ? 0 : 1;
    return start + (inner - shift) + border;
}

/* RFC 9162 §2.1.3.2. */
seal_status seal_merkle_verify_inclusion(const uint8_t leaf[SEAL_HASH_SIZE], uint64_t index,
                                         uint64_t size, const uint8_t (*proof)[SEAL_HASH_SIZE],
                                         size_t proof_len, const uint8_t root[SEAL_HASH_SIZE])
{
    if (index >= size) {
        return SEAL_INVALID;
    }
    if (proof_len != seal_merkle_inclusion_proof_len(index, size)) {
        return SEAL_INVALID;
    }
    uint64_t fn = index, sn = size - 1;
    hash_t r;
    memcpy(r, leaf, SEAL_HASH_SIZE);
    for (size_t i = 0; i < proof_len; i++) {
        if (sn == 0) {
            return SEAL_VERIFY;
        }
        if ((fn & 1) != 0 || fn == sn) {
            seal__sha256_node(r, proof[i], r);
            if ((fn & 1) == 0) {
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            seal__sha256_node(r, r, proof[i]);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0 || memcmp(r, root, SEAL_HASH_SIZE) != 0) {
        return SEAL_VERIFY;
    }
    return SEAL_OK;
}

/* RFC 9162 §2.1.4.2. */
seal_status seal_merkle_verify_consistency(uint64_t size1, uint64_t size2,
                                           const uint8_t root1[SEAL_HASH_SIZE],
                                           const uint8_t root2[SEAL_HASH_SIZE],
                                           const uint8_t (*proof)[SEAL_HASH_SIZE], size_t proof_len)
{
    if (size1 > size2) {
        return SEAL_INVALID;
    }
    if (size1 == 0) {
        /* Every tree extends the empty tree, but a proof from it carries
         * nothing, so only the empty proof and the empty root are accepted. */
        hash_t empty;
        seal_merkle_empty_root(empty);
        if (proof_len != 0) {
            return SEAL_INVALID;
        }
        if (memcmp(root1, empty, SEAL_HASH_SIZE) != 0 ||
            (size2 == 0 && memcmp(root2, empty, SEAL_HASH_SIZE) != 0)) {
            return SEAL_VERIFY;
        }
        return SEAL_OK;
    }
    if (size1 == size2) {
        if (proof_len != 0) {
            return SEAL_INVALID;
        }
        return memcmp(root1, root2, SEAL_HASH_SIZE) == 0 ? SEAL_OK : SEAL_VERIFY;
    }
    if (proof_len == 0 || proof_len != seal_merkle_consistency_proof_len(size1, size2)) {
        return SEAL_INVALID;
    }
    /* Step 1: when size1 is a power of two the proof omits root1. */
    size_t i = 0;
    const uint8_t *first;
    if ((size1 & (size1 - 1)) == 0) {
        first = root1;
    } else {
        first = proof[0];
        i = 1;
    }
    uint64_t fn = size1 - 1, sn = size2 - 1;
    while ((fn & 1) != 0) {
        fn >>= 1;
        sn >>= 1;
    }
    hash_t fr, sr;
    memcpy(fr, first, SEAL_HASH_SIZE);
    memcpy(sr, first, SEAL_HASH_SIZE);
    for (; i < proof_len; i++) {
        if (sn == 0) {
            return SEAL_VERIFY;
        }
        if ((fn & 1) != 0 || fn == sn) {
            seal__sha256_node(fr, proof[i], fr);
            seal__sha256_node(sr, proof[i], sr);
            if ((fn & 1) == 0) {
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            seal__sha256_node(sr, sr, proof[i]);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0 || memcmp(fr, root1, SEAL_HASH_SIZE) != 0 ||
        memcmp(sr, root2, SEAL_HASH_SIZE) != 0) {
        return SEAL_VERIFY;
    }
    return SEAL_OK;
}

/* ---- in-memory tree ----------------------------------------------------- */

seal_status seal_merkle_new(seal_merkle **out)
{
    seal_merkle *m = seal_calloc(1, sizeof(*m));
    if (m == NULL) {
        return SEAL_NOMEM;
    }
    *out = m;
    return SEAL_OK;
}

void seal_merkle_free(seal_merkle *m)
{
    if (m == NULL) {
        return;
    }
    for (size_t h = 0; h < MAX_LEVELS; h++) {
        for (size_t c = 0; c < m->lv[h].n_chunks; c++) {
            seal_free(m->lv[h].chunks[c]);
        }
        seal_free(m->lv[h].chunks);
    }
    seal_free(m);
}

uint64_t seal_merkle_size(const seal_merkle *m)
{
    return m->size;
}

static const uint8_t *lv_get(const level *l, uint64_t i)
{
    return l->chunks[i >> CHUNK_SHIFT][i & (CHUNK_SIZE - 1)];
}

static seal_status lv_push(level *l, const uint8_t h[SEAL_HASH_SIZE])
{
    uint64_t c = l->count >> CHUNK_SHIFT;
    if (c >= l->n_chunks) {
        if (l->n_chunks == l->cap_chunks) {
            size_t ncap = l->cap_chunks == 0 ? 8 : l->cap_chunks * 2;
            hash_t **nc = seal_realloc(l->chunks, ncap * sizeof(*nc));
            if (nc == NULL) {
                return SEAL_NOMEM;
            }
            l->chunks = nc;
            l->cap_chunks = ncap;
        }
        hash_t *chunk = seal_malloc(CHUNK_SIZE * sizeof(hash_t));
        if (chunk == NULL) {
            return SEAL_NOMEM;
        }
        l->chunks[l->n_chunks++] = chunk;
    }
    memcpy(l->chunks[c][l->count & (CHUNK_SIZE - 1)], h, SEAL_HASH_SIZE);
    l->count++;
    return SEAL_OK;
}

seal_status seal_merkle_append_hash(seal_merkle *m, const uint8_t leaf[SEAL_HASH_SIZE])
{
    /* Make sure every level has room first, so a failed allocation leaves
     * the tree unchanged rather than half-updated. */
    uint64_t n = m->size + 1;
    for (unsigned h = 0; h < MAX_LEVELS && (n >> h) > 0; h++) {
        level *l = &m->lv[h];
        if ((n >> h) > l->count && (l->count >> CHUNK_SHIFT) >= l->n_chunks) {
            seal_status s = lv_push(l, leaf);
            if (s != SEAL_OK) {
                return s;
            }
            l->count--;
        }
    }
    seal_status s = lv_push(&m->lv[0], leaf);
    if (s != SEAL_OK) {
        return s;
    }
    unsigned h = 0;
    while ((m->lv[h].count & 1) == 0) {
        hash_t node;
        const level *l = &m->lv[h];
        seal__sha256_node(node, lv_get(l, l->count - 2), lv_get(l, l->count - 1));
        s = lv_push(&m->lv[h + 1], node);
        if (s != SEAL_OK) {
            return s; /* unreachable: room was reserved above */
        }
        h++;
    }
    m->size = n;
    return SEAL_OK;
}

seal_status seal_merkle_append(seal_merkle *m, const void *entry, size_t len)
{
    hash_t leaf;
    seal_merkle_leaf_hash(leaf, entry, len);
    return seal_merkle_append_hash(m, leaf);
}

void seal_merkle_truncate(seal_merkle *m, uint64_t size)
{
    if (size >= m->size) {
        return;
    }
    for (unsigned h = 0; h < MAX_LEVELS; h++) {
        m->lv[h].count = h < 64 ? size >> h : 0;
    }
    m->size = size;
}

seal_status seal_merkle_leaf(const seal_merkle *m, uint64_t index, uint8_t out[SEAL_HASH_SIZE])
{
    if (index >= m->size) {
        return SEAL_INVALID;
    }
    memcpy(out, lv_get(&m->lv[0], index), SEAL_HASH_SIZE);
    return SEAL_OK;
}

/* MTH(D[lo:hi]) for lo < hi <= size where lo is aligned to the largest
 * power of two not above hi - lo (always true of RFC 9162 recursion). The
 * range decomposes into complete subtrees of decreasing height; fold them
 * from the right. */
static void range_hash(const seal_merkle *m, uint64_t lo, uint64_t hi, uint8_t out[SEAL_HASH_SIZE])
{
    hash_t parts[64];
    unsigned n = 0;
    while (lo < hi) {
        unsigned h = bit_len(hi - lo) - 1;
        memcpy(parts[n++], lv_get(&m->lv[h], lo >> h), SEAL_HASH_SIZE);
        lo += (uint64_t) 1 << h;
    }
    if (n == 0) {
        return; /* callers never ask for an empty range */
    }
    memcpy(out, parts[n - 1], SEAL_HASH_SIZE);
    for (unsigned i = n - 1; i-- > 0;) {
        seal__sha256_node(out, parts[i], out);
    }
}

seal_status seal_merkle_root(const seal_merkle *m, uint64_t size, uint8_t out[SEAL_HASH_SIZE])
{
    if (size > m->size) {
        return SEAL_INVALID;
    }
    if (size == 0) {
        seal_merkle_empty_root(out);
        return SEAL_OK;
    }
    range_hash(m, 0, size, out);
    return SEAL_OK;
}

static void reverse(uint8_t (*p)[SEAL_HASH_SIZE], size_t n)
{
    for (size_t i = 0; i < n / 2; i++) {
        hash_t t;
        memcpy(t, p[i], SEAL_HASH_SIZE);
        memcpy(p[i], p[n - 1 - i], SEAL_HASH_SIZE);
        memcpy(p[n - 1 - i], t, SEAL_HASH_SIZE);
    }
}

/* RFC 9162 §2.1.3.1 PATH(m, D[n]), unrolled top-down then reversed. */
seal_status seal_merkle_inclusion_proof(const seal_merkle *m, uint64_t index, uint64_t size,
                                        uint8_t (*proof)[SEAL_HASH_SIZE], size_t *proof_len)
{
    if (size > m->size || index >= size) {
        return SEAL_INVALID;
    }
    size_t n = 0;
    uint64_t lo = 0, hi = size;
    while (hi - lo > 1) {
        uint64_t k = split_point(hi - lo);
        if (index < lo + k) {
            range_hash(m, lo + k, hi, proof[n++]);
            hi = lo + k;
        } else {
            range_hash(m, lo, lo + k, proof[n++]);
            lo += k;
        }
    }
    reverse(proof, n);
    *proof_len = n;
    return SEAL_OK;
}

/* RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], true), unrolled likewise. */
seal_status seal_merkle_consistency_proof(const seal_merkle *m, uint64_t size1, uint64_t size2,
                                          uint8_t (*proof)[SEAL_HASH_SIZE], size_t *proof_len)
{
    if (size2 > m->size || size1 == 0 || size1 > size2) {
        return SEAL_INVALID;
    }
    size_t n = 0;
    uint64_t lo = 0, hi = size2;
    int whole = 1; /* b in the RFC: still on the path of the old root */
    while (size1 != hi) {
        uint64_t k = split_point(hi - lo);
        if (size1 <= lo + k) {
            range_hash(m, lo + k, hi, proof[n++]);
            hi = lo + k;
        } else {
            range_hash(m, lo, lo + k, proof[n++]);
            lo += k;
            whole = 0;
        }
    }
    if (!whole) {
        range_hash(m, lo, hi, proof[n++]);
    }
    reverse(proof, n);
    *proof_len = n;
    return SEAL_OK;
}

seal_status seal__merkle_node(const seal_merkle *m, unsigned h, uint64_t i,
                              uint8_t out[SEAL_HASH_SIZE])
{
    if (h >= MAX_LEVELS || i >= m->lv[h].count) {
        return SEAL_INVALID;
    }
    memcpy(out, lv_get(&m->lv[h], i), SEAL_HASH_SIZE);
    return SEAL_OK;
}
