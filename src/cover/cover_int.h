/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private interface of the cover module: the matcher's pre-filter tokens
 * (shared with its tests and bench) and the per-line step shared by the file
 * and NATS sources.
 */
#ifndef SEAL_COVER_INT_H
#define SEAL_COVER_INT_H

#include <stdint.h>

#include "sealed/cover.h"

/* ZIP Code + 1 (0: none) at the end of a raw address, and the value + 1 of
 * its leading digits (0: it does not start with a digit). */
void seal__cover_prefilter_tokens(const char *s, size_t n, uint32_t *zip, uint64_t *num);

/* Scratch state of a run: one line's scan, matches and buffers. */
typedef struct seal__cover_line {
    seal_scan scan;
    seal_buf scratch;
    seal_match *matches;
    size_t cap;
    seal_scan_columns cols;
} seal__cover_line;

seal_status seal__cover_line_init(seal__cover_line *l, const seal_matcher *m) SEAL_MUST_USE;
void seal__cover_line_cleanup(seal__cover_line *l);
void seal__cover_malformed(seal_cover_counts *c, uint64_t lineno);

/* Parses, matches and buffers one line (lineno 1-based, for the counts).
 * Malformed lines are counted, not returned as errors; only a failure of
 * the sink is. */
seal_status seal__cover_line_run(seal__cover_line *l, seal_matcher *m, seal_cover_sink *sink,
                                 const seal_cover_run_options *opt, const char *line, size_t n,
                                 uint64_t lineno, seal_cover_counts *counts,
                                 seal_error *err) SEAL_MUST_USE;

#endif
