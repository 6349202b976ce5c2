/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How a production finds its request's ledger events (bench/produce.sh):
 * the full ledger scan every production made before the index
 * (seal__prod_events), the index brought up to date from nothing (one scan,
 * done once), and the index when current (what each later production pays).
 *
 * usage: bench_produce_events DATA-DIR REQUEST-ID RUNS
 * Prints one JSON object with medians in milliseconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "produce/produce_int.h"
#include "sealed/alloc.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t) n, sizeof(*v), cmp);
    return v[n / 2];
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s DATA-DIR REQUEST-ID RUNS\n", argv[0]);
        return 2;
    }
    int runs = atoi(argv[3]);
    if (runs < 1 || runs > 100) {
        return 2;
    }
    char path[1100];
    snprintf(path, sizeof(path), "%s/ledger", argv[1]);
    seal_error err;
    seal_error_init(&err);
    seal_ledger *l = NULL;
    const seal_acct_backend_ops *ops = &seal__sqlite_accounting;
    seal_acct_backend *b = NULL;
    if (seal_ledger_open(path, NULL, &l, &err) != SEAL_OK ||
        ops->open(argv[1], &b, &err) != SEAL_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    seal__prod_event *ev = seal_calloc(SEAL__PROD_MAX_EVENTS, sizeof(*ev));
    double scan[100], build[100], current[100];
    size_t n1 = 0, n2 = 0, n3 = 0;
    for (int r = 0; r < runs; r++) {
        double t = now_ms();
        if (seal__prod_events(l, argv[2], ev, SEAL__PROD_MAX_EVENTS, &n1, &err) != SEAL_OK) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        scan[r] = now_ms() - t;
        if (ops->begin(b, &err) != SEAL_OK || ops->evidx_reset(b, &err) != SEAL_OK ||
            ops->commit(b, &err) != SEAL_OK) {
            return 1;
        }
        t = now_ms();
        if (seal__prod_events_indexed(l, ops, b, argv[2], ev, SEAL__PROD_MAX_EVENTS, &n2, &err) !=
            SEAL_OK) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        build[r] = now_ms() - t;
        t = now_ms();
        if (seal__prod_events_indexed(l, ops, b, argv[2], ev, SEAL__PROD_MAX_EVENTS, &n3, &err) !=
            SEAL_OK) {
            return 1;
        }
        current[r] = now_ms() - t;
    }
    if (n1 != n2 || n2 != n3) {
        fprintf(stderr, "the index and the scan disagree: %zu %zu %zu\n", n1, n2, n3);
        return 1;
    }
    printf("{\"ledger_size\": %llu, \"events\": %zu, \"runs\": %d, \"full_scan_ms\": %.3f, "
           "\"index_build_ms\": %.3f, \"indexed_ms\": %.3f}\n",
           (unsigned long long) seal_ledger_size(l), n1, runs, median(scan, runs),
           median(build, runs), median(current, runs));
    seal_free(ev);
    ops->close(b);
    seal_ledger_close(l);
    return 0;
}
