/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ingest: customer records of one kind from NDJSON or CSV into the store, as
 * all-or-nothing batches. A bad line fails its whole batch with
 * "<name>:<line>: <field>: <what is wrong>" and nothing of that batch is kept.
 * Reads a stream line by line, so memory does not grow with the input.
 */
#ifndef SEALED_INGEST_H
#define SEALED_INGEST_H

#include <stdint.h>
#include <stdio.h>

#include "sealed/store.h"

typedef enum { SEAL_FORMAT_AUTO = 0, SEAL_FORMAT_NDJSON, SEAL_FORMAT_CSV } seal_format;

/* Format from a file name: .ndjson/.jsonl/.json -> NDJSON, .csv -> CSV,
 * anything else -> SEAL_FORMAT_AUTO (the caller must say). */
seal_format seal_format_from_name(const char *name);
seal_status seal_format_parse(const char *s, seal_format *out) SEAL_MUST_USE;

typedef struct seal_ingest_result {
    int64_t lines;    /* input lines read, header included */
    int64_t records;  /* records read */
    int64_t inserted; /* new records */
    int64_t unchanged;
    int64_t updated;
    int64_t dropped;        /* not stored by rule (anonymous visits) */
    int64_t batches;        /* committed batches */
    int64_t committed_line; /* last input line of the last committed batch */
} seal_ingest_result;

/* Progress: lines and bytes read so far. Called about every 16k lines. */
typedef void (*seal_ingest_progress_fn)(const seal_ingest_result *r, uint64_t bytes, void *ud);

typedef struct seal_ingest_options {
    seal_format format; /* must not be AUTO */
    int64_t batch_size; /* records per transaction; 0 = the whole input */
    seal_ingest_progress_fn progress;
    void *progress_ud;
    /* Called after each batch is durable: the acknowledgement. May be NULL. */
    void (*committed)(const seal_ingest_result *r, void *ud);
    void *committed_ud;
} seal_ingest_options;

/* name is used in messages only. in is read to its end or the first error. */
seal_status seal_ingest(seal_store *st, const seal_kind *kind, FILE *in, const char *name,
                        const seal_ingest_options *opt, seal_ingest_result *res,
                        seal_error *err) SEAL_MUST_USE;

#endif
