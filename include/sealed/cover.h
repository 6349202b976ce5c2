/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mail covers (39 CFR 233.3): the active covers the matcher is given, the
 * scanned pieces it reads (DESIGN.md "Mail scans"), the stream matcher that
 * keeps only pieces to or from an active cover's subject address inside its
 * window, and the sink that records those pieces as `cover_piece` records
 * with one ledger entry each.
 *
 * The matcher's cost is in what it does not do: a piece is fully
 * standardised (USPS Publication 28, include/sealed/address.h) only when a
 * pre-filter (delivery point code, or ZIP Code plus the leading digits of
 * the primary number, of some active cover) says it could match. Pieces that
 * match nothing are never copied, logged or written anywhere (PA-12).
 *
 * Ownership: seal_cover values are borrowed by seal_matcher_new, which
 * copies what it keeps. A seal_matcher is immutable after _new except for
 * its scratch buffers and counters, so use one per thread.
 */
#ifndef SEALED_COVER_H
#define SEALED_COVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealed/buf.h"
#include "sealed/status.h"

/* ---- Active covers ------------------------------------------------------ */

/* One active, approved cover as the lifecycle hands it to the matcher. All
 * pointers are borrowed for the duration of the call they are passed to. */
typedef struct seal_cover {
    const char *id;      /* cover id, [A-Za-z0-9._-]{1,64} */
    const char *subject; /* the one subject address (MC-4), as printed */
    const char *dpc;     /* its 11-digit delivery point code, or NULL */
    int64_t start_day;   /* first day of the window, days since 1970-01-01 UTC */
    int32_t days;        /* window length >= 1; the last day, start_day + days - 1,
                            is inclusive (DESIGN.md: a window's `to` is inclusive) */
    /* MC-4: false records only pieces that bear no name or one of `names`
     * (when `names` is empty, any name except the non-subjects); true
     * records every piece at the address except the non-subjects'. */
    bool all_at_address;
    const char *const *names; /* named subjects at the address; may be NULL */
    size_t n_names;
    const char *const *non_subjects; /* names at the address never recorded */
    size_t n_non_subjects;
    const char *const *exclude; /* MC-7: addresses never recorded (the attorney) */
    size_t n_exclude;
} seal_cover;

/* Covers read from a file of JSON lines (until the lifecycle hands them
 * over), one object a line:
 *   {"cover_id":"C-1","subject":"1400 W Colfax Ave Apt 3, Denver CO 80204",
 *    "dpc":"80204123403","start":"2026-01-30","days":30,
 *    "exclude":["..."],"names":["..."],"non_subjects":["..."],
 *    "all_at_address":false}
 * cover_id, subject, start and days are required; unknown keys are refused.
 * Blank lines and lines starting with '#' are skipped. */
typedef struct seal_cover_list seal_cover_list;

/* On SEAL_INVALID, err->msg names the line number and the field, never its
 * value. *out is owned by the caller (seal_cover_list_free). */
seal_status seal_cover_list_load(const char *path, seal_cover_list **out,
                                 seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2);
seal_status seal_cover_list_parse(const char *text, size_t len, seal_cover_list **out,
                                  seal_error *err) SEAL_MUST_USE SEAL_NONNULL(3);
void seal_cover_list_free(seal_cover_list *l);
/* Borrowed array; lives as long as the list. */
const seal_cover *seal_cover_list_covers(const seal_cover_list *l, size_t *n) SEAL_NONNULL(1, 2);

/* ---- Scans -------------------------------------------------------------- */

typedef enum {
    SEAL_SCAN_PIECE_ID = 0,
    SEAL_SCAN_SCANNED_AT,
    SEAL_SCAN_FACILITY,
    SEAL_SCAN_CLASS,
    SEAL_SCAN_SENDER_NAME,
    SEAL_SCAN_SENDER_ADDRESS,
    SEAL_SCAN_RECIPIENT_NAME,
    SEAL_SCAN_RECIPIENT_ADDRESS,
    SEAL_SCAN_RECIPIENT_DPC,
    SEAL_SCAN_NFIELDS
} seal_scan_field;

/* The field names of DESIGN.md, in the CSV header's order. */
const char *seal_scan_field_name(seal_scan_field f);

/* One scanned piece: v[f] points at the field's bytes (n[f] long, not
 * NUL-terminated); an empty or absent field has n[f] == 0. Values are
 * borrowed from the line or the scratch buffer given to the parser and live
 * until either changes. */
typedef struct seal_scan {
    const char *v[SEAL_SCAN_NFIELDS];
    size_t n[SEAL_SCAN_NFIELDS];
} seal_scan;

typedef enum { SEAL_SCAN_CSV = 0, SEAL_SCAN_NDJSON } seal_scan_format;

/* CSV column order, from a header line. The default (no header seen) is
 * DESIGN.md's order. */
typedef struct seal_scan_columns {
    int8_t field_of[SEAL_SCAN_NFIELDS]; /* CSV column i holds field field_of[i] */
    size_t n;
} seal_scan_columns;

void seal_scan_columns_init(seal_scan_columns *c) SEAL_NONNULL(1);
/* Reads a CSV header naming exactly the nine fields in any order. */
seal_status seal_scan_columns_parse(seal_scan_columns *c, const char *line, size_t n,
                                    seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1);

/* Splits one line (without its newline) into *out. CSV follows RFC 4180
 * (quoted fields, "" inside quotes); NDJSON is one object of string (or
 * null) values whose keys are the field names, unknown keys refused.
 * Checks structure only (piece_id present, no control characters); fields
 * are validated when a piece is recorded. SEAL_INVALID otherwise; messages
 * never quote the line. cols may be NULL for the default order. */
seal_status seal_scan_parse(seal_scan_format fmt, const seal_scan_columns *cols, const char *line,
                            size_t n, seal_scan *out, seal_buf *scratch,
                            seal_error *err) SEAL_MUST_USE SEAL_NONNULL(5, 6);

/* ---- The matcher -------------------------------------------------------- */

typedef struct seal_matcher seal_matcher;

enum {
    SEAL_MATCH_TO = 1,  /* the recipient is the cover's subject address */
    SEAL_MATCH_FROM = 2 /* the sender is */
};

typedef struct seal_match {
    size_t cover;  /* index into the covers given to seal_matcher_new */
    unsigned side; /* SEAL_MATCH_TO | SEAL_MATCH_FROM */
    /* MC-4 / MC-7: matched, but must not be recorded (an excluded address on
     * the piece, or a non-subject's name) */
    bool excluded;
    /* another match of this piece, earlier in cover order, has the same
     * subject address: the store keeps one record per piece and subject
     * (natural key piece_id), so the piece is recorded under that cover */
    bool duplicate;
} seal_match;

/* Compiles covers into a matcher. SEAL_INVALID (err names the cover index
 * and field) for a subject or exclusion address that cannot be keyed, a bad
 * id, dpc or window. *out is owned by the caller. */
seal_status seal_matcher_new(const seal_cover *covers, size_t n, seal_matcher **out,
                             seal_error *err) SEAL_MUST_USE SEAL_NONNULL(3);
void seal_matcher_free(seal_matcher *m);

/* The cover at index i (a copy owned by the matcher; lives as long as it). */
const seal_cover *seal_matcher_cover(const seal_matcher *m, size_t i) SEAL_NONNULL(1);
size_t seal_matcher_cover_count(const seal_matcher *m) SEAL_NONNULL(1);

/* Matches one piece against every cover active on the day it was scanned.
 * Writes up to cap matches to out and their number to *n (0 for almost every
 * piece). A cover matches when, for the recipient, both it and the scan carry
 * a delivery point code and the codes are equal, or otherwise when the
 * Publication 28 keys are equal; for the sender, when the keys are equal.
 * SEAL_INVALID when a candidate piece has a bad scanned_at. */
seal_status seal_matcher_match(seal_matcher *m, const seal_scan *s, seal_match *out, size_t cap,
                               size_t *n, seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2, 5);

/* Pieces that passed the pre-filter and were standardised in full. */
uint64_t seal_matcher_candidates(const seal_matcher *m) SEAL_NONNULL(1);

/* ---- Recording ---------------------------------------------------------- */

/* Records matched pieces in a data directory: one `cover_piece` record
 * (the exterior fields only, MC-8) and one ledger entry
 * `cover.piece_recorded` {ids: cover, piece; commit: subject} per piece and
 * cover. Pieces are buffered by _add and made durable together by _flush:
 * the store transaction commits first, then the ledger's; a piece
 * re-delivered after a crash between the two is found unchanged in the
 * store and gets its missing ledger entry, never a second record or entry.
 * Workers in several processes may share one data directory: the ledger's
 * lock is taken per flush. Not thread-safe. */
typedef struct seal_cover_sink seal_cover_sink;

/* now: ledger entries' time (unix seconds). */
seal_status seal_cover_sink_open(const char *data_dir, int64_t now, seal_cover_sink **out,
                                 seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 3);
/* Copies the piece; SEAL_INVALID (err names the field) when a field would
 * not validate, in which case nothing is buffered. */
seal_status seal_cover_sink_add(seal_cover_sink *k, const seal_cover *c, const seal_scan *s,
                                seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2, 3);
size_t seal_cover_sink_pending(const seal_cover_sink *k) SEAL_NONNULL(1);
/* Makes every buffered piece durable. *recorded (may be NULL) gets the
 * number of new records (re-deliveries of stored pieces are not new). */
seal_status seal_cover_sink_flush(seal_cover_sink *k, uint64_t *recorded,
                                  seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1);
/* Drops unflushed pieces. NULL is a no-op. */
void seal_cover_sink_free(seal_cover_sink *k);

/* ---- Runs --------------------------------------------------------------- */

#define SEAL_COVER_MALFORMED_KEEP 8

typedef struct seal_cover_counts {
    uint64_t scanned;   /* lines read (CSV header excluded) */
    uint64_t matched;   /* pieces matching at least one active cover */
    uint64_t recorded;  /* new cover_piece records */
    uint64_t excluded;  /* matches never recorded (MC-4, MC-7) */
    uint64_t malformed; /* lines that could not be read or recorded */
    uint64_t malformed_lines[SEAL_COVER_MALFORMED_KEEP]; /* the first few, 1-based */
    size_t n_malformed_lines;
} seal_cover_counts;

void seal_cover_counts_init(seal_cover_counts *c) SEAL_NONNULL(1);

/* Called for each piece with matches (n > 0), before it is recorded; the
 * scan and matches live until it returns. For benches and tests: piece and
 * cover ids are system ids, but the scan holds personal data. */
typedef void (*seal_cover_match_fn)(const seal_matcher *m, const seal_scan *s,
                                    const seal_match *matches, size_t n, void *ud);

typedef struct seal_cover_run_options {
    seal_scan_format format;
    size_t batch;                 /* matched pieces per flush (default 256) */
    seal_cover_match_fn on_match; /* may be NULL */
    void *ud;
} seal_cover_run_options;

void seal_cover_run_options_init(seal_cover_run_options *o) SEAL_NONNULL(1);

/* Reads scans from fd to its end. sink may be NULL (count only, record
 * nothing: benches). Malformed lines are counted, never fatal; a failure to
 * record (store, ledger, I/O) is. */
seal_status seal_cover_run_fd(seal_matcher *m, seal_cover_sink *sink, int fd,
                              const seal_cover_run_options *opt, seal_cover_counts *counts,
                              seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 5);

/* NATS JetStream source: several processes share one durable pull
 * consumer; each fetched batch is matched, recorded and flushed, and only
 * then acknowledged, so a killed worker loses nothing acknowledged and its
 * unacknowledged messages are redelivered to the others. */
typedef struct seal_cover_nats_options {
    const char *url;      /* nats://127.0.0.1:4222 */
    const char *stream;   /* JetStream stream name */
    const char *consumer; /* durable consumer name (default "sealed-cover") */
    const char *subject;  /* filter subject; NULL: the stream's */
    size_t fetch;         /* messages per fetch (default 256) */
    int64_t idle_ms;      /* stop after this long with no messages; 0 = never */
    uint64_t max_msgs;    /* stop after this many messages; 0 = no limit */
    int64_t ack_wait_ms;  /* consumer ack wait when created (default 30000) */
    volatile int *stop;   /* set non-zero (e.g. from a signal) to stop; may be NULL */
} seal_cover_nats_options;

void seal_cover_nats_options_init(seal_cover_nats_options *o) SEAL_NONNULL(1);

seal_status seal_cover_run_nats(seal_matcher *m, seal_cover_sink *sink,
                                const seal_cover_nats_options *nopt,
                                const seal_cover_run_options *opt, seal_cover_counts *counts,
                                seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 3, 5);

/* Feeds a stream for tests and operators: creates the stream (file
 * storage, one subject) unless it exists, then publishes each non-empty
 * line of fd as one message, waiting for every publish acknowledgement.
 * A CSV header line is skipped. *published: messages acknowledged. */
seal_status seal_cover_nats_publish(const char *url, const char *stream, const char *subject,
                                    int fd, uint64_t *published, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 2, 3, 5);

#endif
