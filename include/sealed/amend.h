/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Amendment of records (LAW.md PA-13; 5 U.S.C. 552a(d)(2)-(4)): a person's
 * request to correct one field of one of their records, and what follows:
 *
 *   filed -> acknowledged -> granted (the record is corrected)
 *                         -> refused -> review -> reversed (corrected)
 *                                              -> upheld -> statement of
 *                                                 disagreement (optional)
 *
 * - Acknowledged within the policy's amend_ack_working_days (10) working
 *   days of receipt; a refusal's review ends within amend_review_working_days
 *   (30). A refusal starts its review at once (the person need not ask).
 *   Working days: Monday to Friday except the eleven US federal holidays
 *   with their observed dates (5 U.S.C. 6103).
 * - Who: a `subject` principal files for an identifier it is bound to (or a
 *   privacy_officer files a written request received on a person's behalf);
 *   a privacy_officer acknowledges and decides; a privacy_officer other than
 *   the one who refused reviews; the subject (or a privacy officer for them)
 *   files the statement of disagreement after a refusal is upheld.
 * - A granted or reversed amendment corrects the record through the store's
 *   normal update path (same natural key, new content); fields that make the
 *   record's identity or owner cannot be amended.
 * - Every transition is one ledger event with ids, dates and outcomes; the
 *   texts (requested value, reason, statement) are personal data, stored
 *   only sealed (sealed/box.h) in DATA/amend.db, in the ledger at most as a
 *   keyed commitment, never in a log or an error message.
 * - A statement of disagreement goes with every later disclosure of the
 *   disputed field (productions: disagreements.ndjson; subject access).
 *
 * Functions take the data directory, the acting principal and the time (so
 * tests are deterministic). Not thread-safe per data directory writer.
 */
#ifndef SEALED_AMEND_H
#define SEALED_AMEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealed/buf.h"
#include "sealed/schema.h"
#include "sealed/status.h"

#define SEAL_AMEND_ID_SIZE 129
/* bytes of a requested value, a reason or a statement */
#define SEAL_AMEND_TEXT_MAX 2000

typedef enum {
    SEAL_AMEND_FILED = 0,
    SEAL_AMEND_ACKNOWLEDGED,
    SEAL_AMEND_GRANTED,
    SEAL_AMEND_REFUSED, /* under review */
    SEAL_AMEND_UPHELD,  /* the refusal, on review */
    SEAL_AMEND_REVERSED,
    SEAL_AMEND_STATE_COUNT
} seal_amend_state;
/* "filed" ...; NULL when out of range */
const char *seal_amend_state_name(int state);

/* ---- working days (pure, thread-safe; days are days since 1970-01-01) --- */

/* True when day is one of the eleven federal holidays as observed (a
 * Saturday holiday on the Friday before, a Sunday one on the Monday after;
 * 1 January on a Saturday is observed on 31 December of the year before;
 * Juneteenth from 2021). */
bool seal_federal_holiday(int64_t day);
/* Monday to Friday and not a federal holiday. */
bool seal_working_day(int64_t day);
/* The n-th working day after day (n >= 0; n == 0 gives day itself). */
int64_t seal_working_days_add(int64_t day, int64_t n);
/* Working days in (from, to] when to >= from; minus those in (to, from]
 * otherwise. So the number left until a deadline `to` seen on day `from`,
 * negative once it has passed. */
int64_t seal_working_days_between(int64_t from, int64_t to);

/* ---- the lifecycle ------------------------------------------------------- */

/* Files a request to amend field `field` of record `record` (its id, as
 * `sealctl access` shows it) found by the identifier (type, value), to read
 * `requested`. SEAL_PERM unless the principal is a subject bound to that
 * identifier or a privacy officer; SEAL_NOTFOUND when the identifier does
 * not find that record; SEAL_INVALID for a field that is not the kind's, is
 * part of the record's identity or owner, or a requested value the field
 * does not accept (the message names the field, never the value). id
 * receives the new amendment's id (AM-000001 ...). */
seal_status seal_amend_file(const char *dir, const char *principal, int64_t now,
                            seal_index_type type, const char *value, int64_t record,
                            const char *field, const char *requested, char id[SEAL_AMEND_ID_SIZE],
                            seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2, 5, 7, 8, 9);
/* A privacy officer acknowledges receipt. SEAL_REFUSED when not filed. */
seal_status seal_amend_acknowledge(const char *dir, const char *principal, int64_t now,
                                   const char *id, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 2, 4);
/* A privacy officer grants (the record is corrected) or refuses (reason
 * required; the review period starts). Deciding a filed amendment also
 * acknowledges it. SEAL_REFUSED when already decided. */
seal_status seal_amend_decide(const char *dir, const char *principal, int64_t now, const char *id,
                              bool grant, const char *reason, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 2, 4);
/* A privacy officer other than the one who refused upholds the refusal or
 * reverses it (the record is corrected). SEAL_REFUSED unless refused. */
seal_status seal_amend_review(const char *dir, const char *principal, int64_t now, const char *id,
                              bool uphold, seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2, 4);
/* The person's statement of disagreement, once, after the refusal was
 * upheld. SEAL_REFUSED otherwise; SEAL_EXISTS for a second one. */
seal_status seal_amend_disagree(const char *dir, const char *principal, int64_t now, const char *id,
                                const char *statement, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 2, 4, 5);

/* JSON array of the amendments the principal may see (privacy officers and
 * auditors: all; a subject: those filed under its identifiers), each with
 * its state, dates, deadlines, working days left and overdue deadlines; no
 * text. with_text (privacy officer, or the subject for its own): one
 * amendment `only` (not NULL) with its texts. */
seal_status seal_amend_list(const char *dir, const char *principal, int64_t now, const char *only,
                            seal_buf *out, seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2, 6);

/* For the request sweep: appends a JSON array of the acknowledgements and
 * reviews overdue at now ({"amendment", "deadline", "due"}), and logs an
 * `amend.overdue` ledger event the first time each is seen. Idempotent. */
seal_status seal_amend_overdue(const char *dir, int64_t now, seal_buf *out,
                               seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 3);

/* One amendment as productions and subject access read it (strings valid
 * during the callback; texts NULL when absent; they are personal data). */
typedef struct seal_amend_view {
    const char *id;
    const uint8_t *subject; /* 32-byte commitment */
    int64_t record;
    const char *kind, *field;
    seal_amend_state state;
    int64_t filed, ack_due, acked, decided, review_due, reviewed, disagreed;
    const char *requested, *reason, *statement;
} seal_amend_view;
typedef seal_status (*seal_amend_view_cb)(const seal_amend_view *a, void *ud);
/* Every amendment, in order, with its texts unsealed (no principal: the
 * caller is the library's production or access path). A missing amend.db
 * is no amendment. */
seal_status seal_amend_each(const char *dir, seal_amend_view_cb cb, void *ud,
                            seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2);

#endif
