/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Policy as code. A policy is a declarative JSON file (docs/policy.md;
 * policies/cfr-233.json and policies/strict.json are embedded in the
 * library) holding LAW.md's unlock table and policy numbers. Loading
 * validates it (errors name the file and a JSON pointer), hashes its bytes
 * with SHA-256 and precomputes bitmasks, so a decision is a handful of
 * table lookups.
 *
 * seal_policy_check is a pure function of (policy, request, options): no
 * side effects, no clock, no I/O; it lists every rule that fires. A loaded
 * policy is immutable and may be shared between threads.
 */
#ifndef SEALED_POLICY_H
#define SEALED_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealed/buf.h"
#include "sealed/note.h"
#include "sealed/request.h"
#include "sealed/status.h"

#define SEAL_POLICY_DEFAULT "strict"
/* Largest policy file accepted, in bytes. */
#define SEAL_POLICY_MAX_SIZE 65536

typedef struct seal_policy seal_policy;

/* Parses and validates a policy from text; `source` names it in error
 * messages ("policies/strict.json"). *out is owned by the caller. Errors:
 * SEAL_INVALID with err->msg "<source>: <json pointer>: <what>". */
seal_status seal_policy_load(const char *json, size_t len, const char *source, seal_policy **out,
                             seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 3, 4);
/* Reads and loads a policy file. */
seal_status seal_policy_load_file(const char *path, seal_policy **out,
                                  seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2);
/* A policy shipped in the library by name ("strict", "cfr-233"). */
seal_status seal_policy_builtin(const char *name, seal_policy **out, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 2);
/* A shipped policy when `spec` is one's name, else the file at path spec. */
seal_status seal_policy_open(const char *spec, seal_policy **out, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 2);
/* Appends the bytes of a shipped policy (when spec is one's name) or of the
 * file at path spec (at most SEAL_POLICY_MAX_SIZE bytes) to out, unparsed:
 * what seal_policy_load hashes. */
seal_status seal_policy_read(const char *spec, seal_buf *out, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 2);
/* The shipped policies, in a fixed order (cfr-233, strict); NULL past the end. */
const char *seal_policy_builtin_name(size_t i);
void seal_policy_free(seal_policy *p);

/* Borrowed, valid while p lives. */
const char *seal_policy_name(const seal_policy *p);
/* Lower-case hex SHA-256 of the policy file's bytes. */
const char *seal_policy_sha256(const seal_policy *p);

typedef enum { SEAL_VERDICT_REFUSED = 0, SEAL_VERDICT_REVIEW, SEAL_VERDICT_APPROVED } seal_verdict;

/* DESIGN.md "Roles"; the order is fixed (stored in registries). */
typedef enum {
    SEAL_ROLE_REQUESTER = 0,
    SEAL_ROLE_REVIEWER,
    SEAL_ROLE_COVER_APPROVER,
    SEAL_ROLE_HQ_APPROVER,
    SEAL_ROLE_PRIVACY_OFFICER,
    SEAL_ROLE_ISSUER,
    SEAL_ROLE_AUDITOR,
    SEAL_ROLE_SUBJECT,
    SEAL_ROLE_COUNT
} seal_role;
/* "cover_approver"; NULL when out of range. */
const char *seal_role_name(int role);
/* -1 when s is not a role name. */
int seal_role_from_name(const char *s);

/* MC-2: whose cover_approvers may approve a mail cover (the policy's
 * "/cover/approver_agency"). Either way none is of the requesting agency. */
typedef enum {
    SEAL_COVER_APPROVERS_OTHER_AGENCY = 0,  /* "other_than_requesting" */
    SEAL_COVER_APPROVERS_INSPECTION_SERVICE /* "inspection_service": an agency flagged
                                               SEAL_AGENCY_INSPECTION_SERVICE */
} seal_cover_approver_agency;

/* Policy numbers the request lifecycle enforces over time (LAW.md "Policy
 * numbers"); days unless named otherwise. */
typedef struct seal_policy_numbers {
    int64_t cover_cumulative;   /* MC-5: without hq_approver */
    int64_t ns_cumulative;      /* MC-5: national-security cap */
    int beyond_cumulative_role; /* seal_role */
    int64_t follow_up_hours;    /* MC-9 / PA-7 */
    int64_t notice_days_max;    /* PA-8 */
    int64_t preservation_days;  /* PA-9 */
    int64_t preservation_renewals;
    int cover_approver_agency; /* seal_cover_approver_agency (MC-2) */
    /* PA-2: consent is confirmed by the subject; true when a reviewer may
     * instead record the written consent's reference (cfr-233) */
    bool consent_written_reference;
    int64_t cover_records_days;        /* MC-11: cover records purged after */
    int64_t cover_return_alert_days;   /* MC-11: unreturned records alert after the cover ends */
    int64_t accounting_years;          /* PA-4: accounting kept at least (years) */
    int64_t key_backup_grace_days;     /* key-store backup generations expire after */
    int64_t amend_ack_working_days;    /* PA-13: amendment acknowledged within */
    int64_t amend_review_working_days; /* PA-13: review of a refusal ends within */
} seal_policy_numbers;
void seal_policy_get_numbers(const seal_policy *p, seal_policy_numbers *out) SEAL_NONNULL(1, 2);
const char *seal_verdict_name(seal_verdict v);

#define SEAL_DECISION_MAX_REASONS 48

/* A decision; caller-allocated (it is about 13 KiB: keep one and reuse it),
 * filled by seal_policy_check, needs no cleanup. */
typedef struct seal_decision {
    seal_verdict verdict;
    const char *policy_name;   /* borrowed from the policy */
    const char *policy_sha256; /* borrowed from the policy */
    /* What review needs (phase 2 lifecycle): approvals by distinct
     * principals of approver_role, none of the requesting agency. */
    unsigned approvers;
    const char *approver_role;
    /* PA-11: further approvals by extra_role for a protected address. */
    unsigned extra_approvers;
    const char *extra_role;
    int64_t follow_up_by;       /* emergency: written process due (unix s); 0 none */
    int64_t notice_delay_until; /* PA-8: accepted delay (unix s); 0 none */
    size_t n_reasons;
    size_t n_dropped; /* reasons that did not fit */
    seal_reason reasons[SEAL_DECISION_MAX_REASONS];
} seal_decision;

/* Kinds of protected address (the policy's "protected_addresses"). */
typedef enum {
    SEAL_PROTECT_ORDER = 0, /* under a protective order (PA-11) */
    SEAL_PROTECT_ATTORNEY,
    SEAL_PROTECT_HOUSE_OF_WORSHIP,
    SEAL_PROTECT_NEWS,
    SEAL_PROTECT_POLITICAL,
    SEAL_PROTECT_MEDICAL,
    SEAL_PROTECT_KIND_COUNT
} seal_protect_kind;

/* PA-11 hook for the protected-address registry (phase 2): the bitmask of
 * seal_protect_kind that apply to the address with this match key
 * (seal_address_key), 0 when none. Must be pure and thread-safe. */
typedef unsigned (*seal_protect_fn)(void *ud, const char *address_key);

typedef struct seal_check_options {
    int64_t now; /* unix seconds */
    /* Verifier keys of trusted issuers (signed orders); borrowed. */
    const seal_note_verifier *const *issuers;
    size_t n_issuers;
    /* Benchmarks only: treat a present order as verified without checking its
     * signature or lines; an absent required order is still refused. */
    bool skip_signatures;
    seal_protect_fn protect;
    void *protect_ud;
} seal_check_options;

void seal_check_options_init(seal_check_options *o, int64_t now) SEAL_NONNULL(1);

/* Evaluates r under p at o->now; never fails. Every rule that fires is a
 * reason in d, in a stable order: the request's own problems first, then the
 * evaluator's rules in LAW.md order. */
void seal_policy_check(const seal_policy *p, const seal_request *r, const seal_check_options *o,
                       seal_decision *d) SEAL_NONNULL(1, 2, 3, 4);

/* Appends the decision as the JSON `sealctl request check` prints:
 * {"decision": ..., "policy": {"name": ..., "sha256": ...}, "reasons": [...]} */
seal_status seal_decision_json(const seal_decision *d, seal_buf *out) SEAL_MUST_USE
    SEAL_NONNULL(1, 2);

/* Exhaustive enumeration over basis x category x purpose x role (and with
 * or without a signed order): appends a JSON report of every invariant
 * checked and any counterexamples. SEAL_VERIFY when an invariant fails. */
seal_status seal_policy_verify(const seal_policy *p, seal_buf *report,
                               seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2);
/* Appends a JSON report of every combination (as in verify) whose outcome
 * differs between a and b; *n_diff counts them. */
seal_status seal_policy_diff(const seal_policy *a, const seal_policy *b, seal_buf *report,
                             size_t *n_diff, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 2, 3, 4);

#endif
