/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ledger benchmark (bench/ledger.sh drives it with its Go peer): machine
 * SHA-256 rate on leaf-sized inputs, in-memory appends of 256-byte entries,
 * durable appends with group commit, inclusion/consistency proof latency at
 * 10^7 leaves (p50/p99) and proof verifications per second. Prints one JSON
 * object. Usage: bench_ledger [LEAVES] [SCRATCH-DIR]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/crypto_sha256.h"
#include "sealed/ledger.h"

#define ENTRY 256

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

/* Same bytes as bench/tlogpeer: index little-endian, then a pattern. */
static void entry(uint8_t *e, uint64_t i)
{
    for (int j = 0; j < 8; j++) {
        e[j] = (uint8_t) (i >> (8 * j));
    }
    for (int j = 8; j < ENTRY; j++) {
        e[j] = (uint8_t) (i * 31 + (uint64_t) j * 7);
    }
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static double median3(double a, double b, double c)
{
    double v[3] = {a, b, c};
    qsort(v, 3, sizeof(double), cmp_d);
    return v[1];
}

static uint64_t rng = 88172645463325252ULL;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static double hash_rate(void)
{
    uint8_t buf[ENTRY + 1] = {0}, out[32];
    const int n = 2000000;
    double t = now();
    for (int i = 0; i < n; i++) {
        buf[1] = (uint8_t) i;
        seal__sha256(out, buf, sizeof(buf));
        buf[2] ^= out[0];
    }
    return n / (now() - t);
}

static double mem_appends(uint64_t n)
{
    seal_merkle *m = NULL;
    uint8_t e[ENTRY];
    if (seal_merkle_new(&m) != SEAL_OK) {
        exit(1);
    }
    double t = now();
    for (uint64_t i = 0; i < n; i++) {
        entry(e, i);
        if (seal_merkle_append(m, e, ENTRY) != SEAL_OK) {
            exit(1);
        }
    }
    double r = (double) n / (now() - t);
    seal_merkle_free(m);
    return r;
}

static double durable_appends(const char *base, int run, uint64_t n, size_t batch)
{
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/durable%d", base, run);
    seal_ledger *l = NULL;
    seal_error err;
    seal_error_init(&err);
    if (seal_ledger_create(dir, NULL, &l, &err) != SEAL_OK) {
        fprintf(stderr, "%s\n", err.msg);
        exit(1);
    }
    uint8_t e[ENTRY];
    double t = now();
    for (uint64_t i = 0; i < n; i++) {
        entry(e, i);
        if (seal_ledger_stage(l, e, ENTRY, NULL, &err) != SEAL_OK) {
            exit(1);
        }
        if ((i + 1) % batch == 0 && seal_ledger_commit(l, &err) != SEAL_OK) {
            exit(1);
        }
    }
    if (seal_ledger_commit(l, &err) != SEAL_OK) {
        exit(1);
    }
    double r = (double) n / (now() - t);
    seal_ledger_close(l);
    return r;
}

int main(int argc, char **argv)
{
    uint64_t leaves = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000ULL;
    const char *scratch = argc > 2 ? argv[2] : "/tmp";
    double hr = median3(hash_rate(), hash_rate(), hash_rate());
    uint64_t an = 2000000;
    double mem = median3(mem_appends(an), mem_appends(an), mem_appends(an));
    uint64_t dn = 300000;
    double dur =
        median3(durable_appends(scratch, 0, dn, 4096), durable_appends(scratch, 1, dn, 4096),
                durable_appends(scratch, 2, dn, 4096));

    /* Tree of `leaves` for proofs. */
    seal_merkle *m = NULL;
    uint8_t e[ENTRY];
    if (seal_merkle_new(&m) != SEAL_OK) {
        return 1;
    }
    for (uint64_t i = 0; i < leaves; i++) {
        entry(e, i);
        if (seal_merkle_append(m, e, ENTRY) != SEAL_OK) {
            return 1;
        }
    }
    const int np = 100000;
    double *ti = malloc(sizeof(double) * np), *tc = malloc(sizeof(double) * np);
    uint8_t proof[SEAL_PROOF_MAX][32], root[32], leaf[32];
    size_t n;
    if (seal_merkle_root(m, leaves, root) != SEAL_OK) {
        return 1;
    }
    for (int k = 0; k < np; k++) {
        uint64_t idx = rnd() % leaves;
        double t = now();
        if (seal_merkle_inclusion_proof(m, idx, leaves, proof, &n) != SEAL_OK) {
            return 1;
        }
        ti[k] = now() - t;
        uint64_t old = rnd() % leaves + 1;
        t = now();
        if (seal_merkle_consistency_proof(m, old, leaves, proof, &n) != SEAL_OK) {
            return 1;
        }
        tc[k] = now() - t;
    }
    qsort(ti, np, sizeof(double), cmp_d);
    qsort(tc, np, sizeof(double), cmp_d);
    /* Verifications: inclusion proofs of random leaves, checked. */
    double vt = 0;
    for (int k = 0; k < np; k++) {
        uint64_t idx = rnd() % leaves;
        if (seal_merkle_inclusion_proof(m, idx, leaves, proof, &n) != SEAL_OK ||
            seal_merkle_leaf(m, idx, leaf) != SEAL_OK) {
            return 1;
        }
        double t = now();
        if (seal_merkle_verify_inclusion(leaf, idx, leaves, (const uint8_t(*)[32]) proof, n,
                                         root) != SEAL_OK) {
            return 1;
        }
        vt += now() - t;
    }
    char hex[65];
    seal_hex_encode(hex, root, 32);
    printf("{\"leaves\": %llu, \"root\": \"%s\", \"sha256_per_s\": %.0f, "
           "\"mem_appends_per_s\": %.0f, \"durable_appends_per_s\": %.0f, "
           "\"durable_batch\": 4096, "
           "\"inclusion_p50_us\": %.3f, \"inclusion_p99_us\": %.3f, "
           "\"consistency_p50_us\": %.3f, \"consistency_p99_us\": %.3f, "
           "\"verify_per_s\": %.0f}\n",
           (unsigned long long) leaves, hex, hr, mem, dur, ti[np / 2] * 1e6,
           ti[np * 99 / 100] * 1e6, tc[np / 2] * 1e6, tc[np * 99 / 100] * 1e6, np / vt);
    free(ti);
    free(tc);
    seal_merkle_free(m);
    return 0;
}
