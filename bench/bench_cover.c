/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bench of the cover matcher on one core: reads covers (JSON lines) and a
 * scans file, runs seal_cover_run_fd with no sink (matching and counting,
 * recording nothing, as `sealctl cover run --dry-run`), and prints one JSON
 * object: pieces, seconds, pieces/s, pre-filter candidates, matches, peak
 * RSS. With a third argument, writes piece_id,cover_id of every recordable
 * match there, sorted later by bench/cover.sh to compare with the peers.
 * Usage: bench_cover COVERS.jsonl SCANS.csv [MATCHES.csv]
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "sealed/cover.h"

static void on_match(const seal_matcher *m, const seal_scan *s, const seal_match *mt, size_t n,
                     void *ud)
{
    FILE *f = ud;
    for (size_t i = 0; i < n; i++) {
        if (!mt[i].excluded && (mt[i].side & SEAL_MATCH_TO)) {
            fprintf(f, "%.*s,%s\n", (int) s->n[SEAL_SCAN_PIECE_ID], s->v[SEAL_SCAN_PIECE_ID],
                    seal_matcher_cover(m, mt[i].cover)->id);
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_cover COVERS.jsonl SCANS.csv [MATCHES.csv]\n");
        return 2;
    }
    seal_error err;
    seal_error_init(&err);
    seal_cover_list *list = NULL;
    seal_matcher *m = NULL;
    size_t n;
    if (seal_cover_list_load(argv[1], &list, &err) != SEAL_OK) {
        fprintf(stderr, "bench_cover: %s\n", err.msg);
        return 1;
    }
    const seal_cover *cv = seal_cover_list_covers(list, &n);
    struct timespec t0, t1, t2;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (seal_matcher_new(cv, n, &m, &err) != SEAL_OK) {
        fprintf(stderr, "bench_cover: %s\n", err.msg);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int fd = open(argv[2], O_RDONLY);
    if (fd < 0) {
        perror("bench_cover: scans");
        return 1;
    }
    FILE *mf = argc > 3 ? fopen(argv[3], "w") : NULL;
    seal_cover_run_options ro;
    seal_cover_run_options_init(&ro);
    if (mf != NULL) {
        ro.on_match = on_match;
        ro.ud = mf;
    }
    seal_cover_counts c;
    seal_cover_counts_init(&c);
    if (seal_cover_run_fd(m, NULL, fd, &ro, &c, &err) != SEAL_OK) {
        fprintf(stderr, "bench_cover: %s\n", err.msg);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t2);
    close(fd);
    if (mf != NULL) {
        fclose(mf);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double build = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
    double secs = (double) (t2.tv_sec - t1.tv_sec) + (double) (t2.tv_nsec - t1.tv_nsec) / 1e9;
    printf("{\"covers\":%zu,\"pieces\":%" PRIu64 ",\"build_seconds\":%.4f,\"seconds\":%.3f,"
           "\"pieces_per_s\":%.0f,\"candidates\":%" PRIu64 ",\"matched\":%" PRIu64
           ",\"excluded\":%" PRIu64 ",\"malformed\":%" PRIu64 ",\"peak_rss_kib\":%ld}\n",
           n, c.scanned, build, secs, secs > 0 ? (double) c.scanned / secs : 0.0,
           seal_matcher_candidates(m), c.matched, c.excluded, c.malformed, ru.ru_maxrss);
    seal_matcher_free(m);
    seal_cover_list_free(list);
    return 0;
}
