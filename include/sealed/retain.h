/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Retention (DESIGN.md "The flow", step 8; LAW.md PA-9, MC-10, MC-11;
 * docs/retain.md): the sweep that applies the catalogue's schedule, the
 * destruction of an improperly ordered cover's records, and the return of
 * cover records handed to an agency.
 *
 * - seal_retain_sweep truncates due IP addresses, deletes records past
 *   retention (cover_piece after the policy's cover_records_days), deletes
 *   the data key of every subject left with nothing, and keeps everything of
 *   a subject named by an active preservation (PA-9). It works in batches,
 *   one transaction each, and resumes after a crash; its ledger event
 *   (`retain.sweep`) carries counts only. It also reports MC-11 alerts:
 *   productions of a cover's records not returned cover_return_alert_days
 *   after the cover ended (`cover.return_overdue` events, ids only).
 * - seal_cover_improper (MC-10) ends a cover, destroys every piece it
 *   recorded, logs the count and a commitment, and leaves the requesting
 *   agency a notice that `request show` and `request list` carry.
 * - seal_cover_returned records that an agency returned a production.
 *
 * Results hold ids, dates and counts, never personal data. Not thread-safe.
 */
#ifndef SEALED_RETAIN_H
#define SEALED_RETAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealed/buf.h"
#include "sealed/registry.h"
#include "sealed/status.h"
#include "sealed/store.h"

typedef void (*seal_retain_progress_fn)(const seal_sweep *sw, void *ud);

typedef struct seal_retain_options {
    int64_t now;                      /* unix seconds: the schedule is applied as of this day */
    const char *policy;               /* policy name or file for the policy numbers; NULL: strict */
    bool dry_run;                     /* count only; nothing is written, not even the ledger */
    size_t batch;                     /* records per transaction; 0: 2000 */
    seal_retain_progress_fn progress; /* called after each batch (may be NULL) */
    void *ud;
} seal_retain_options;

/* One MC-11 alert: a production of cover records not returned in time. */
typedef struct seal_retain_alert {
    char production[SEAL_ID_SIZE];
    char request[SEAL_ID_SIZE];
    char cover[SEAL_ID_SIZE];
    int64_t cover_end; /* unix midnight of the cover's last day */
    int64_t due;       /* unix midnight the return was due */
} seal_retain_alert;

typedef struct seal_retain_result {
    seal_sweep sweep;          /* as of, counts, id */
    bool resumed;              /* an interrupted sweep was finished */
    size_t preservations;      /* active preservations honoured */
    size_t held_subjects;      /* subjects they hold */
    uint64_t ledger_index;     /* the retain.sweep event (not for a dry run) */
    seal_retain_alert *alerts; /* owned; seal_retain_result_cleanup frees */
    size_t n_alerts;
    int64_t accounting_purged; /* accounting entries past keep_until deleted (not in a dry run) */
    int64_t keys_expired;      /* key-store backup generations expired (not in a dry run) */
} seal_retain_result;

void seal_retain_result_cleanup(seal_retain_result *r);

/* Runs (or, after a crash, finishes) a sweep of data directory dir. */
seal_status seal_retain_sweep(const char *dir, const seal_retain_options *opt,
                              seal_retain_result *res, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 2, 3);

/* ---- MC-10 and MC-11 on the registry (src/registry/retention.c) ------------ */

#define SEAL_IMPROPER_REASON_MAX 2000

typedef struct seal_improper_result {
    int64_t destroyed;     /* cover_piece records destroyed */
    int64_t keys_shredded; /* subjects left with nothing */
    uint64_t ledger_index; /* the cover.records_destroyed event */
    bool already;          /* the cover was found improper before: destruction re-run */
    /* productions of the cover's records to be returned (ids, owned) */
    char (*to_return)[SEAL_ID_SIZE];
    size_t n_to_return;
} seal_improper_result;

void seal_improper_result_cleanup(seal_improper_result *r);

/* MC-10: the acting principal (privacy_officer or hq_approver, valid today)
 * finds cover `cover` improperly ordered for `reason` (staff text, valid
 * UTF-8, 1..SEAL_IMPROPER_REASON_MAX bytes: kept sealed in the registry; the
 * ledger gets its keyed hash). The cover and its request end (closed), a
 * notice to the requesting agency is recorded on each of the cover's
 * requests, then every cover_piece record of the cover is destroyed and a
 * `cover.records_destroyed` event logs the count and a commitment to what
 * was destroyed. Repeating it on a cover already found improper finishes an
 * interrupted destruction (and destroys nothing more). */
seal_status seal_cover_improper(const char *dir, const char *principal, const char *cover,
                                const char *reason, int64_t now, seal_improper_result *res,
                                seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 3, 4, 6);

/* MC-11: records that production `production` (of a cover's records) was
 * returned, as a privacy_officer. SEAL_NOTFOUND for an unknown production,
 * SEAL_EXISTS when its return is already recorded. */
seal_status seal_cover_returned(const char *dir, const char *principal, const char *production,
                                int64_t now, seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 3);

/* Registry internals for the sweep (src/registry/retention.c). */
typedef seal_status (*seal_hold_ident_cb)(seal_index_type type, const char *value, void *ud);
/* Calls cb with each subject identifier of each preservation active on
 * `now`'s day; *n: how many preservations. Values are personal data. */
seal_status seal__retain_preservations(seal_registry *reg, seal_hold_ident_cb cb, void *ud,
                                       size_t *n, seal_error *err) SEAL_MUST_USE;
/* The MC-11 alerts as of the registry's day, given the policy's days. */
seal_status seal__retain_overdue(seal_registry *reg, int64_t alert_days, seal_retain_alert **out,
                                 size_t *n, seal_error *err) SEAL_MUST_USE;
/* Appends `, "notices": [...]` for request row id (nothing when none). */
seal_status seal__retain_notice_json(const seal_registry *reg, const char *request,
                                     seal_buf *out) SEAL_MUST_USE;

#endif
