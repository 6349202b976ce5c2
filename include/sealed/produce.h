/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Productions (DESIGN.md "Production"; LAW.md PA-1, PA-4, PA-10): what an
 * approved request yields, built from the approval itself, never from a
 * query filtered afterwards. For each subject the approved request names,
 * the store is asked for exactly that identifier; each record inside the
 * approved window becomes an object made only of the fields whose category
 * was approved (an allow-list computed from the approval before any record
 * is read). A bundle directory holds:
 *
 *   subject-<n>.ndjson   the records of the request's n-th subject (1-based)
 *   disagreements.ndjson only when a disclosed record's disputed field has a
 *                        statement of disagreement (PA-13, 552a(d)(4)): one
 *                        {"file","line","field","amendment","filed",
 *                        "statement"} a line
 *   manifest.note        the manifest (below), a C2SP signed note signed
 *                        with the ledger's key
 *   checkpoint           the ledger checkpoint the proofs verify against
 *   proofs.json          the ledger entries of the request (submission,
 *                        decisions, each approval) and of this production,
 *                        each with its RFC 9162 inclusion proof
 *   ledger.vkey          the ledger's verifier key (pin it with --vkey)
 *
 * Manifest text (one "key value" a line, in this order):
 *   sealed-production/v1
 *   production <id>          request <id>        agency <id>
 *   basis <basis>            pa-basis <PA-1>     purpose <activity>
 *   policy <name> <sha256>   approval <principal> <ledger index>   (0..n)
 *   categories <sorted, comma-separated>   window <from>..<to>
 *   produced <RFC 3339>      subjects <n>
 *   file <name> <sha256> <records>   (one per subject, in order)
 *   file disagreements.ndjson <sha256> <statements>   (only when any)
 *
 * Every production, and every refusal to produce, is a ledger event; the
 * production event commits to the manifest's SHA-256 and names a delay of
 * notice (PA-8: notice_until, notice_days, notice_basis, notice_reference).
 * A request is produced at most once. A `person` subject is looked up at
 * its address and narrowed to records that name the person (docs/produce.md).
 * docs/produce.md has the format, the accounting rules and how to verify a
 * bundle by hand.
 */
#ifndef SEALED_PRODUCE_H
#define SEALED_PRODUCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealed/buf.h"
#include "sealed/schema.h"
#include "sealed/status.h"

#define SEAL_MANIFEST_MAX_SIZE 65536
#define SEAL_MANIFEST_MAX_FILES 100
#define SEAL_MANIFEST_MAX_APPROVALS 16
#define SEAL_PRODUCE_ID_SIZE 129

/* What producing request `request` would hold now, as a reviewer or
 * approver (never of the requesting agency) sees it before deciding: one
 * JSON object {"request", "state", "kinds": {KIND: COUNT, ...}, "records",
 * "empty"} with counts only, no value, appended to json. Writes nothing.
 * SEAL_PERM for any other principal. */
seal_status seal_produce_preview(const char *dir, const char *principal, const char *request,
                                 int64_t now, seal_buf *json, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 3, 5);

typedef struct seal_produce_result {
    char production[SEAL_PRODUCE_ID_SIZE];
    size_t subjects;
    size_t records;
    uint64_t ledger_index; /* of the production event */
} seal_produce_result;

/* Produces request `request` of data directory dir as principal `principal`
 * at time now into out_dir (created, mode 0700; refused when it exists and is
 * not empty). SEAL_REFUSED (logged in the ledger; err->msg says why) when the
 * request is not active (refused, denied, under review, expired, closed), its
 * legal process has expired, it is a preservation, it was produced before,
 * or the principal may not read it. */
seal_status seal_produce(const char *dir, const char *principal, const char *request,
                         const char *out_dir, int64_t now, seal_produce_result *res,
                         seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 3, 4, 6);

typedef struct seal_manifest_file {
    char name[65]; /* [a-z0-9._-], never "." or "..", no '/' */
    uint8_t sha256[32];
    uint64_t records;
} seal_manifest_file;

typedef struct seal_manifest_approval {
    char principal[SEAL_PRODUCE_ID_SIZE];
    uint64_t ledger_index;
} seal_manifest_approval;

typedef struct seal_manifest {
    char production[SEAL_PRODUCE_ID_SIZE];
    char request[SEAL_PRODUCE_ID_SIZE];
    char agency[SEAL_PRODUCE_ID_SIZE];
    char basis[33], pa_basis[33], purpose[33];
    char policy[SEAL_PRODUCE_ID_SIZE];
    uint8_t policy_sha256[32];
    size_t n_approvals;
    seal_manifest_approval approvals[SEAL_MANIFEST_MAX_APPROVALS];
    uint32_t categories; /* bit seal_category */
    int64_t window_from, window_to;
    int64_t produced;
    size_t n_subjects;
    size_t n_files;
    /* the subjects' files, then disagreements.ndjson when present */
    seal_manifest_file files[SEAL_MANIFEST_MAX_FILES + 1];
} seal_manifest;

/* Parses manifest text (the signed note's text, not its signatures) into m
 * (caller-allocated, about 12 KiB). SEAL_CORRUPT with the line number when
 * anything is out of place. Pure; thread-safe. */
seal_status seal_manifest_parse(const char *text, size_t len, seal_manifest *m,
                                seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 3);

typedef struct seal_produce_verify_result {
    size_t files;
    uint64_t records;
    size_t proofs;
    uint64_t checkpoint_size;
} seal_produce_verify_result;

/* Checks a bundle offline: the manifest's signature and the checkpoint's
 * under vkey (verifier key text; NULL: the bundle's ledger.vkey), every data
 * file's digest and record count, that no other file is present, every
 * inclusion proof against the checkpoint, and that the proofs hold the
 * request's submission, each approval the manifest names, and a production
 * event committing to this manifest. SEAL_VERIFY / SEAL_CORRUPT / SEAL_KEY
 * name what failed. */
seal_status seal_produce_verify(const char *bundle, const char *vkey,
                                seal_produce_verify_result *res, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 3);

/* ---- Subject access (LAW.md PA-13; 5 U.S.C. 552a(c)(3), (d)) ------------- */

/* One identifier the subject principal is bound to (value NUL-terminated). */
typedef struct seal_access_subject {
    seal_index_type type;
    const char *value;
} seal_access_subject;

#define SEAL_ACCESS_MAX_SUBJECTS 16

/* What a person may see about themselves at time now, for the identifiers
 * subs[0..n) (identity proofing is the caller's): every readable record each
 * identifier finds (all fields), and the accounting entries kept under each
 * identifier's commitment that seal_accounting_visible allows at now, each
 * with the ledger inclusion proof of its production event, plus the signed
 * checkpoint the proofs verify against and the ledger's verifier key. Withheld
 * entries are left out without trace (not even a count). json receives one
 * JSON document; html, when not NULL, a self-contained printable page with
 * every value escaped. Reads only: nothing is written to the data directory
 * unless the stored checkpoint predates an entry (a fresh one is signed).
 * SEAL_INVALID (naming the subject's position, never its value) when an
 * identifier is not valid for its type. */
seal_status seal_access(const char *dir, const seal_access_subject *subs, size_t n, int64_t now,
                        seal_buf *json, seal_buf *html, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 2, 5);

#endif
