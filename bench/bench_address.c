/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Address standardiser throughput: generates N deterministic spelling
 * variants of street, unit, PO Box and rural route addresses (case,
 * punctuation, suffix and directional spellings, '#' vs APT, ZIP+4, state
 * names), then times seal_address_normalize and seal_address_key over all
 * of them, several runs, and prints JSON with the median addresses/s.
 * Usage: bench_address [N] [RUNS]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sealed/address.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t) (rng >> 11);
}

#define PICK(a) (a[next() % (sizeof(a) / sizeof(a[0]))])

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *) a;
    double y = *(const double *) b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    static const char *const names[] = {"Colfax",     "Main",         "Oak",           "Elm",
                                        "Park Hill",  "Mount Vernon", "Saint Charles", "Fifth",
                                        "Lake Shore", "Washington"};
    static const char *const suffixes[] = {"Ave",  "Avenue", "St",        "Street", "Rd",
                                           "Road", "Blvd",   "Boulevard", "Dr",     "Drive",
                                           "Ln",   "Ct",     "Pkwy"};
    static const char *const pre[] = {"", "W ", "West ", "N. ", "NE ", "North East "};
    static const char *const post[] = {"", "", "", " NW", " Southwest"};
    static const char *const units[] = {"",        "", " Apt 3", " #3", " Unit 12B", ", Suite 200",
                                        " Apt. #4"};
    static const char *const lastl[] = {", Denver CO 80204", " denver, co 80204-1234",
                                        ", Springfield, Illinois 62704", ", New York, NY 10013",
                                        " Fort Worth TX 76101"};
    size_t n = argc > 1 ? (size_t) strtoul(argv[1], NULL, 10) : 200000;
    int runs = argc > 2 ? (int) strtol(argv[2], NULL, 10) : 5;
    if (n == 0 || runs <= 0 || runs > 101) {
        fprintf(stderr, "usage: bench_address [N] [RUNS]\n");
        return 2;
    }
    char *text = malloc(n * 128);
    size_t *off = malloc(n * sizeof(size_t));
    size_t *len = malloc(n * sizeof(size_t));
    double *t_norm = malloc((size_t) runs * sizeof(double));
    double *t_key = malloc((size_t) runs * sizeof(double));
    if (text == NULL || off == NULL || len == NULL || t_norm == NULL || t_key == NULL) {
        fprintf(stderr, "bench_address: out of memory\n");
        return 1;
    }
    size_t used = 0;
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++) {
        char *p = text + used;
        int w;
        uint32_t kind = next() % 10;
        if (kind == 0) {
            w = snprintf(p, 128, "PO Box %u%s", next() % 9000 + 1, PICK(lastl));
        } else if (kind == 1) {
            w = snprintf(p, 128, "RR %u Box %u%s", next() % 9 + 1, next() % 900 + 1, PICK(lastl));
        } else {
            w = snprintf(p, 128, "%u %s%s %s%s%s%s", next() % 9000 + 1, PICK(pre), PICK(names),
                         PICK(suffixes), PICK(post), PICK(units), PICK(lastl));
        }
        if (w < 0 || w >= 128) {
            w = 0;
        }
        if (next() % 3 == 0) {
            for (int k = 0; k < w; k++) {
                if (p[k] >= 'A' && p[k] <= 'Z') {
                    p[k] = (char) (p[k] - 'A' + 'a');
                }
            }
        }
        off[i] = used;
        len[i] = (size_t) w;
        used += (size_t) w;
        bytes += (size_t) w;
    }
    seal_buf out;
    seal_buf_init(&out);
    size_t bad_norm = 0;
    size_t bad_key = 0;
    for (int r = 0; r < runs; r++) {
        double t0 = now_s();
        bad_norm = 0;
        for (size_t i = 0; i < n; i++) {
            if (seal_address_normalize(text + off[i], len[i], &out, NULL) != SEAL_OK) {
                bad_norm++;
            }
        }
        double t1 = now_s();
        bad_key = 0;
        for (size_t i = 0; i < n; i++) {
            if (seal_address_key(text + off[i], len[i], &out, NULL) != SEAL_OK) {
                bad_key++;
            }
        }
        double t2 = now_s();
        t_norm[r] = t1 - t0;
        t_key[r] = t2 - t1;
    }
    qsort(t_norm, (size_t) runs, sizeof(double), cmp_d);
    qsort(t_key, (size_t) runs, sizeof(double), cmp_d);
    double mn = t_norm[runs / 2];
    double mk = t_key[runs / 2];
    printf(
        "{\"bench\": \"address\", \"std_version\": %d, \"addresses\": %zu, \"runs\": %d, "
        "\"mean_bytes\": %.1f,\n"
        " \"normalize\": {\"addresses_per_s\": %.0f, \"ns_per_address\": %.1f, \"errors\": %zu},\n"
        " \"key\": {\"addresses_per_s\": %.0f, \"ns_per_address\": %.1f, \"errors\": %zu}}\n",
        SEAL_ADDRESS_STD_VERSION, n, runs, (double) bytes / (double) n, (double) n / mn,
        mn * 1e9 / (double) n, bad_norm, (double) n / mk, mk * 1e9 / (double) n, bad_key);
    seal_buf_cleanup(&out);
    free(text);
    free(off);
    free(len);
    free(t_norm);
    free(t_key);
    return 0;
}
