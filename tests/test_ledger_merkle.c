/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RFC 9162 Merkle hashing and proofs: the known-answer vectors in
 * tests/vectors/merkle (roots of the standard eight-leaf trees and the
 * transparency-dev inclusion/consistency cases, happy and tampered), then a
 * sweep over tree sizes: every proof verifies and single-bit changes to a
 * proof, root or leaf fail. SEAL_STRESS=1 sweeps every size up to 300 and
 * random sizes up to 10^6 (tests/ledger_stress.sh, label stress); make
 * test runs a sample.
 */
#include <dirent.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/crypto_sign.h"
#include "sealed/ledger.h"
#include "testutil.h"

typedef uint8_t hash_t[SEAL_HASH_SIZE];

static int stress(void)
{
    const char *s = getenv("SEAL_STRESS");
    return s != NULL && s[0] == '1';
}

/* xorshift: deterministic sweeps */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static void hex32(uint8_t out[32], const char *hex)
{
    assert_int_equal(seal_hex_decode(out, 32, hex, strlen(hex)), SEAL_OK);
}

static void test_roots(void **state)
{
    (void) state;
    json_error_t je;
    json_t *doc = json_load_file(tu_vector("merkle/roots.json"), 0, &je);
    assert_non_null(doc);
    json_t *leaves = json_object_get(doc, "leaf_inputs_hex");
    json_t *roots = json_object_get(doc, "root_by_size_hex");
    assert_int_equal(json_array_size(leaves), 8);
    assert_int_equal(json_array_size(roots), 9);
    seal_merkle *m = NULL;
    assert_int_equal(seal_merkle_new(&m), SEAL_OK);
    for (size_t n = 0; n <= 8; n++) {
        hash_t want, got;
        hex32(want, json_string_value(json_array_get(roots, n)));
        assert_int_equal(seal_merkle_root(m, n, got), SEAL_OK);
        assert_memory_equal(got, want, 32);
        if (n < 8) {
            const char *hx = json_string_value(json_array_get(leaves, n));
            uint8_t leaf[64];
            size_t ll = strlen(hx) / 2;
            assert_int_equal(seal_hex_decode(leaf, ll, hx, strlen(hx)), SEAL_OK);
            assert_int_equal(seal_merkle_append(m, leaf, ll), SEAL_OK);
        }
    }
    /* Every earlier root is still answerable after all eight appends. */
    for (size_t n = 0; n <= 8; n++) {
        hash_t want, got;
        hex32(want, json_string_value(json_array_get(roots, n)));
        assert_int_equal(seal_merkle_root(m, n, got), SEAL_OK);
        assert_memory_equal(got, want, 32);
    }
    assert_int_equal(seal_merkle_root(m, 9, (uint8_t[32]){0}), SEAL_INVALID);
    seal_merkle_free(m);
    json_decref(doc);
}

/* Decodes a base64 hash; false unless it is exactly 32 bytes, so malformed
 * hashes are refused before any Merkle algorithm runs. */
static int b64_hash(json_t *v, uint8_t out[32])
{
    const char *s = json_string_value(v);
    if (s == NULL) {
        return 0;
    }
    uint8_t buf[96];
    size_t n = 0;
    if (seal__base64_decode(buf, sizeof(buf), &n, s, strlen(s)) != SEAL_OK || n != 32) {
        return 0;
    }
    memcpy(out, buf, 32);
    return 1;
}

/* Sizes and indices; jansson stores integers as int64, so the vectors'
 * 2^64-1 arrives as a real and maps to UINT64_MAX. */
static uint64_t get_u64(json_t *v)
{
    if (json_is_integer(v)) {
        return (uint64_t) json_integer_value(v);
    }
    double d = json_real_value(v);
    if (d >= 18446744073709551615.0) {
        return UINT64_MAX;
    }
    return d <= 0 ? 0 : (uint64_t) d;
}

static int b64_proof(json_t *arr, hash_t *proof, size_t *n)
{
    *n = json_array_size(arr);
    if (*n > SEAL_PROOF_MAX) {
        return 0;
    }
    for (size_t i = 0; i < *n; i++) {
        if (!b64_hash(json_array_get(arr, i), proof[i])) {
            return 0;
        }
    }
    return 1;
}

/* Runs one vector; returns 0 for accepted, 1 rejected for a malformed
 * (non-32-byte) hash, 2 rejected by the algorithm. */
static int run_vector(json_t *v, int consistency)
{
    hash_t proof[SEAL_PROOF_MAX];
    size_t n = 0;
    if (consistency) {
        hash_t r1, r2;
        if (!b64_hash(json_object_get(v, "root1"), r1) ||
            !b64_hash(json_object_get(v, "root2"), r2) ||
            !b64_proof(json_object_get(v, "proof"), proof, &n)) {
            return 1;
        }
        uint64_t s1 = get_u64(json_object_get(v, "size1"));
        uint64_t s2 = get_u64(json_object_get(v, "size2"));
        return seal_merkle_verify_consistency(s1, s2, r1, r2, (const hash_t *) proof, n) == SEAL_OK
                   ? 0
                   : 2;
    }
    hash_t root, leaf;
    if (!b64_hash(json_object_get(v, "root"), root) ||
        !b64_hash(json_object_get(v, "leafHash"), leaf) ||
        !b64_proof(json_object_get(v, "proof"), proof, &n)) {
        return 1;
    }
    uint64_t idx = get_u64(json_object_get(v, "leafIdx"));
    uint64_t size = get_u64(json_object_get(v, "treeSize"));
    return seal_merkle_verify_inclusion(leaf, idx, size, (const hash_t *) proof, n, root) == SEAL_OK
               ? 0
               : 2;
}

/* Upstream vectors that expect success for hashes that are not 32 bytes
 * ("don't care" placeholders). sealed refuses any hash that is not 32 bytes
 * before running the algorithm, so these are the only expected deviations;
 * the list is exact, so a new deviation fails the test. */
static const char *const length_refused[] = {
    "consistency/additional/sizes-are-equal-one-and-proof-is-empty.json",
};

static int is_length_refused(const char *rel)
{
    for (size_t i = 0; i < sizeof(length_refused) / sizeof(length_refused[0]); i++) {
        if (strcmp(rel, length_refused[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

static void walk(const char *base, const char *rel, int consistency, int *happy, int *tampered,
                 int *deviations)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", base, rel);
    DIR *d = opendir(path);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        char sub[1024];
        snprintf(sub, sizeof(sub), "%s/%s", rel, e->d_name);
        size_t sl = strlen(sub);
        if (sl < 5 || strcmp(sub + sl - 5, ".json") != 0) {
            char p2[2048];
            snprintf(p2, sizeof(p2), "%s/%s", base, sub);
            DIR *dd = opendir(p2);
            if (dd != NULL) {
                closedir(dd);
                walk(base, sub, consistency, happy, tampered, deviations);
            }
            continue;
        }
        char full[2048];
        snprintf(full, sizeof(full), "%s/%s", base, sub);
        json_error_t je;
        json_t *v = json_load_file(full, 0, &je);
        if (v == NULL) {
            v = json_load_file(full, JSON_DECODE_INT_AS_REAL, &je);
        }
        if (v == NULL) {
            fail_msg("%s: %s", sub, je.text);
        }
        int want_err = json_is_true(json_object_get(v, "wantErr"));
        int got = run_vector(v, consistency);
        if (!want_err && got == 1 && is_length_refused(sub)) {
            (*deviations)++;
        } else if (want_err != (got != 0)) {
            fail_msg("%s (%s): want %s, got %s", sub, json_string_value(json_object_get(v, "desc")),
                     want_err ? "error" : "success", got == 0 ? "success" : "error");
        } else if (want_err) {
            (*tampered)++;
        } else {
            (*happy)++;
        }
        json_decref(v);
    }
    closedir(d);
}

static void test_vectors(void **state)
{
    (void) state;
    char base[1024];
    snprintf(base, sizeof(base), "%s", tu_vector("merkle/testdata"));
    int happy = 0, tampered = 0, dev = 0;
    walk(base, "inclusion", 0, &happy, &tampered, &dev);
    int ih = happy, it = tampered;
    walk(base, "consistency", 1, &happy, &tampered, &dev);
    printf("vectors: inclusion %d ok %d refused; consistency %d ok %d refused; %d deviations\n", ih,
           it, happy - ih, tampered - it, dev);
    /* Exact counts, so a vector silently skipped is noticed. */
    assert_int_equal(ih, 6);
    assert_int_equal(it, 92);
    assert_int_equal(happy - ih, 5);
    assert_int_equal(tampered - it, 92);
    assert_int_equal(dev, 1);
}

/* One tree, all proofs for `size`, and mutations of a few of them. */
static void check_size(seal_merkle *m, uint64_t size, int mutate_every)
{
    hash_t root, proof[SEAL_PROOF_MAX];
    size_t n;
    assert_int_equal(seal_merkle_root(m, size, root), SEAL_OK);
    uint64_t step = size <= 300 ? 1 : size / 97 + 1;
    for (uint64_t i = 0; i < size; i += step) {
        hash_t leaf;
        assert_int_equal(seal_merkle_leaf(m, i, leaf), SEAL_OK);
        assert_int_equal(seal_merkle_inclusion_proof(m, i, size, proof, &n), SEAL_OK);
        assert_int_equal(n, seal_merkle_inclusion_proof_len(i, size));
        assert_int_equal(
            seal_merkle_verify_inclusion(leaf, i, size, (const hash_t *) proof, n, root), SEAL_OK);
        if (mutate_every > 0 && (i % (uint64_t) mutate_every) == 0) {
            unsigned bit = (unsigned) (rnd() % 256);
            leaf[bit / 8] ^= (uint8_t) (1u << (bit % 8));
            assert_int_not_equal(
                seal_merkle_verify_inclusion(leaf, i, size, (const hash_t *) proof, n, root),
                SEAL_OK);
            leaf[bit / 8] ^= (uint8_t) (1u << (bit % 8));
            root[bit / 8] ^= (uint8_t) (1u << (bit % 8));
            assert_int_not_equal(
                seal_merkle_verify_inclusion(leaf, i, size, (const hash_t *) proof, n, root),
                SEAL_OK);
            root[bit / 8] ^= (uint8_t) (1u << (bit % 8));
            for (size_t p = 0; p < n; p++) {
                proof[p][bit / 8] ^= (uint8_t) (1u << (bit % 8));
                assert_int_not_equal(
                    seal_merkle_verify_inclusion(leaf, i, size, (const hash_t *) proof, n, root),
                    SEAL_OK);
                proof[p][bit / 8] ^= (uint8_t) (1u << (bit % 8));
            }
            if (size > 1) {
                assert_int_not_equal(seal_merkle_verify_inclusion(leaf, (i + 1) % size, size,
                                                                  (const hash_t *) proof, n, root),
                                     SEAL_OK);
            }
        }
    }
    for (uint64_t s1 = 1; s1 <= size; s1 += step) {
        hash_t r1;
        assert_int_equal(seal_merkle_root(m, s1, r1), SEAL_OK);
        assert_int_equal(seal_merkle_consistency_proof(m, s1, size, proof, &n), SEAL_OK);
        assert_int_equal(n, seal_merkle_consistency_proof_len(s1, size));
        assert_int_equal(
            seal_merkle_verify_consistency(s1, size, r1, root, (const hash_t *) proof, n), SEAL_OK);
        if (mutate_every > 0 && (s1 % (uint64_t) mutate_every) == 0) {
            unsigned bit = (unsigned) (rnd() % 256);
            r1[bit / 8] ^= (uint8_t) (1u << (bit % 8));
            assert_int_not_equal(
                seal_merkle_verify_consistency(s1, size, r1, root, (const hash_t *) proof, n),
                SEAL_OK);
            r1[bit / 8] ^= (uint8_t) (1u << (bit % 8));
            for (size_t p = 0; p < n; p++) {
                proof[p][bit / 8] ^= (uint8_t) (1u << (bit % 8));
                assert_int_not_equal(
                    seal_merkle_verify_consistency(s1, size, r1, root, (const hash_t *) proof, n),
                    SEAL_OK);
                proof[p][bit / 8] ^= (uint8_t) (1u << (bit % 8));
            }
        }
    }
}

static void test_sweep_small(void **state)
{
    (void) state;
    seal_merkle *m = NULL;
    assert_int_equal(seal_merkle_new(&m), SEAL_OK);
    uint64_t max = stress() ? 300 : 70;
    for (uint64_t size = 1; size <= max; size++) {
        char e[32];
        int len = snprintf(e, sizeof(e), "entry %llu", (unsigned long long) size - 1);
        assert_int_equal(seal_merkle_append(m, e, (size_t) len), SEAL_OK);
        check_size(m, size, stress() ? 1 : 7);
    }
    seal_merkle_free(m);
}

static void test_sweep_large(void **state)
{
    (void) state;
    seal_merkle *m = NULL;
    assert_int_equal(seal_merkle_new(&m), SEAL_OK);
    uint64_t max = stress() ? 1000000 : 20000;
    int rounds = stress() ? 40 : 4;
    for (uint64_t i = 0; i < max; i++) {
        assert_int_equal(seal_merkle_append(m, &i, sizeof(i)), SEAL_OK);
    }
    for (int r = 0; r < rounds; r++) {
        uint64_t size = rnd() % max + 1;
        check_size(m, size, 13);
    }
    check_size(m, max, 13);
    /* Truncation keeps earlier roots. */
    hash_t before, after;
    assert_int_equal(seal_merkle_root(m, 1234, before), SEAL_OK);
    seal_merkle_truncate(m, 1234);
    assert_int_equal(seal_merkle_size(m), 1234);
    assert_int_equal(seal_merkle_root(m, 1234, after), SEAL_OK);
    assert_memory_equal(before, after, 32);
    assert_int_equal(seal_merkle_root(m, 1235, after), SEAL_INVALID);
    seal_merkle_free(m);
}

static void test_refusals(void **state)
{
    (void) state;
    hash_t z = {0}, proof[2] = {{0}};
    hash_t empty;
    seal_merkle_empty_root(empty);
    assert_int_equal(seal_merkle_verify_inclusion(z, 5, 5, NULL, 0, z), SEAL_INVALID);
    assert_int_equal(seal_merkle_verify_inclusion(z, 0, 1, (const hash_t *) proof, 1, z),
                     SEAL_INVALID);
    assert_int_equal(seal_merkle_verify_inclusion(z, 0, 1, NULL, 0, z), SEAL_OK);
    assert_int_equal(seal_merkle_verify_consistency(2, 1, z, z, NULL, 0), SEAL_INVALID);
    assert_int_equal(seal_merkle_verify_consistency(0, 5, empty, z, NULL, 0), SEAL_OK);
    assert_int_equal(seal_merkle_verify_consistency(0, 5, z, z, NULL, 0), SEAL_VERIFY);
    assert_int_equal(seal_merkle_verify_consistency(0, 5, empty, z, (const hash_t *) proof, 1),
                     SEAL_INVALID);
    assert_int_equal(seal_merkle_verify_consistency(3, 3, z, z, (const hash_t *) proof, 1),
                     SEAL_INVALID);
    assert_int_equal(seal_merkle_verify_consistency(3, 4, z, z, NULL, 0), SEAL_INVALID);
    seal_merkle *m = NULL;
    assert_int_equal(seal_merkle_new(&m), SEAL_OK);
    size_t n;
    hash_t buf[SEAL_PROOF_MAX];
    assert_int_equal(seal_merkle_inclusion_proof(m, 0, 0, buf, &n), SEAL_INVALID);
    assert_int_equal(seal_merkle_consistency_proof(m, 0, 0, buf, &n), SEAL_INVALID);
    seal_merkle_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roots),       cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_refusals),    cmocka_unit_test(test_sweep_small),
        cmocka_unit_test(test_sweep_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
