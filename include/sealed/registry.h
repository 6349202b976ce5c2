/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The request lifecycle and its registries (issue 4, phase 2): who may ask
 * (agencies, issuers, principals with roles and validity windows), protected
 * addresses (PA-11), and each request from submission to its end:
 *
 *   submit -> policy check -> review -> approved / denied -> active
 *          -> expired / closed   (emergencies: active at once, then confirmed
 *                                 by proper process or a violation;
 *                                 consent: consent_pending until confirmed,
 *                                 then review)
 *
 * Every transition is one ledger event (DATA/ledger) carrying the policy's
 * SHA-256 and a keyed hash of the document, never personal data. Requests
 * are stored exactly as submitted, encrypted (sealed/box.h), in
 * DATA/registry.db through the registry storage interface.
 *
 * A seal_registry acts as one principal at one time (the clock is passed in,
 * so tests and replays are deterministic). Not thread-safe; one per thread.
 * All strings the library returns in JSON are ids, dates and numbers: never
 * names or addresses (except seal_request_show's document, on request).
 */
#ifndef SEALED_REGISTRY_H
#define SEALED_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealed/buf.h"
#include "sealed/cover.h"
#include "sealed/note.h"
#include "sealed/policy.h"
#include "sealed/status.h"

#define SEAL_ID_SIZE 129

typedef enum {
    SEAL_AGENCY_FEDERAL = 0,
    SEAL_AGENCY_STATE,
    SEAL_AGENCY_LOCAL,
    SEAL_AGENCY_KIND_COUNT
} seal_agency_kind;
const char *seal_agency_kind_name(int kind);
int seal_agency_kind_from_name(const char *s);

typedef enum {
    SEAL_RS_REFUSED = 0, /* the policy check (or a registry rule) refused it */
    SEAL_RS_REVIEW,      /* waiting for approvals */
    SEAL_RS_DENIED,
    SEAL_RS_ACTIVE, /* approved (or an emergency, served at once) and in force */
    SEAL_RS_EXPIRED,
    SEAL_RS_CLOSED,
    SEAL_RS_VIOLATION, /* an emergency not confirmed in time (MC-9, PA-7) */
    /* consent waiting for the subject's confirmation (or, where the policy
     * allows it, a reviewer's record of the written consent); appended last
     * so the integers stored in registry.db keep their meaning */
    SEAL_RS_CONSENT_PENDING,
    SEAL_RS_COUNT
} seal_request_state;
const char *seal_request_state_name(int state);

/* True when s is a system id: [A-Za-z0-9._:-]{1,128}. */
bool seal_id_valid(const char *s);

typedef struct seal_registry seal_registry;

/* Opens the registry of data directory dir (creating DATA/registry.db on
 * first use) acting as `principal` (may be NULL: only registry bootstrap and
 * nothing else) at time now (unix seconds). The store must exist (its keys
 * encrypt the documents). */
seal_status seal_registry_open(const char *dir, const char *principal, int64_t now,
                               seal_registry **out, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 4);
void seal_registry_close(seal_registry *reg);

/* ---- one handle for a long-running service (the daemon) ------------------
 * Acts as `principal` (NULL: nobody) at time now from here on, as if reg had
 * been opened so; SEAL_PERM when the principal is not registered (reg then
 * acts as nobody). */
seal_status seal_registry_act_as(seal_registry *reg, const char *principal, int64_t now,
                                 seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1);
/* The acting principal's roles (bit 1u << SEAL_ROLE_x); 0 for nobody. */
uint32_t seal_registry_roles(const seal_registry *reg) SEAL_NONNULL(1);
/* The acting principal's agency; "" for nobody. */
const char *seal_registry_agency(const seal_registry *reg) SEAL_NONNULL(1);

/* Group commit. From batch_begin to batch_commit every change made through
 * reg, by any acting principal, runs in one registry transaction, each
 * operation in a savepoint of its own (a refused one undoes only itself),
 * and its ledger events are staged in led (the caller's open ledger of
 * DATA/ledger) instead of appended with an fsync each. batch_commit then
 * makes the whole batch durable in the usual order: the ledger (one
 * fdatasync), a checkpoint, the registry (one commit). Nothing changed in a
 * batch is durable, so nothing may be acknowledged, before batch_commit
 * returns SEAL_OK. On any failure, or batch_abort, nothing of the batch is
 * in the registry; led may hold staged entries then (or, when the ledger
 * committed but the registry did not, entries whose transitions did not
 * happen, as a crash between the two leaves them): close and reopen it. */
typedef struct seal_ledger seal_ledger;
seal_status seal_registry_batch_begin(seal_registry *reg, seal_ledger *led,
                                      seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2);
/* Operations committed (savepoints released) in the open batch: 0 means
 * there is nothing to make durable yet. */
size_t seal_registry_batch_changes(const seal_registry *reg) SEAL_NONNULL(1);
seal_status seal_registry_batch_commit(seal_registry *reg, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1);
void seal_registry_batch_abort(seal_registry *reg);

/* ---- registries --------------------------------------------------------
 * Writers must be a privacy_officer valid today; while no privacy officer is
 * registered the operator (no principal) may bootstrap. SEAL_PERM otherwise,
 * SEAL_EXISTS for an id already registered, SEAL_INVALID for a bad id. */
/* Agency flags (seal_agency_add). */
#define SEAL_AGENCY_NATIONAL_SECURITY 1u /* MC-2: may request national-security covers */
#define SEAL_AGENCY_INSPECTION_SERVICE                                                             \
    2u /* MC-2: the postal inspection service, whose                                               \
         cover_approvers approve covers under cfr-233 */
/* flags: a mask of SEAL_AGENCY_* (SEAL_INVALID for unknown bits). */
seal_status seal_agency_add(seal_registry *reg, const char *id, const char *name,
                            seal_agency_kind kind, uint32_t flags, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 2, 3);
/* vkey: a C2SP signed-note verifier key whose name is id. */
seal_status seal_issuer_add(seal_registry *reg, const char *id, const char *vkey,
                            seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2, 3);
/* roles: bitmask of seal_role; valid_from/valid_until unix midnight of the
 * first and last valid day (0 / INT64_MAX: unbounded). */
seal_status seal_principal_add(seal_registry *reg, const char *id, const char *agency,
                               uint32_t roles, int64_t valid_from, int64_t valid_until,
                               seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2, 3);
/* seal_principal_add for a principal with role `subject` bound to the
 * identifiers it may see (issue 7: subject access through the daemon), in
 * one transaction. idents[0..n) are "TYPE:VALUE" strings as `sealctl access
 * --subject` takes them (TYPE: account, email, phone, address, tracking;
 * VALUE 1..SEAL_SUBJECT_IDENT_MAX bytes, no control characters); 1..
 * SEAL_SUBJECT_MAX_IDENTS of them. They are personal data: stored only
 * encrypted (sealed/box.h) in DATA/registry.db, never in the ledger (whose
 * event names the principal only), never in an error message (which names
 * an identifier by its position). */
#define SEAL_SUBJECT_MAX_IDENTS 16
#define SEAL_SUBJECT_IDENT_MAX 512
/* Parses one identifier "TYPE:VALUE" of len bytes (no NUL needed) as
 * seal_subject_add takes it: *type receives the seal_index_type,
 * *value_off the offset of VALUE. SEAL_INVALID otherwise. Pure; thread-safe. */
seal_status seal_subject_ident_parse(const char *s, size_t len, int *type,
                                     size_t *value_off) SEAL_MUST_USE SEAL_NONNULL(3, 4);
seal_status seal_subject_add(seal_registry *reg, const char *id, const char *agency,
                             int64_t valid_from, int64_t valid_until, const char *const *idents,
                             size_t n, seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2, 3, 6);
/* Appends the identifiers the acting principal (a subject, valid today) is
 * bound to, one "TYPE:VALUE\n" line each, to out (secret: wipe it after
 * use). SEAL_PERM for a principal without role subject, SEAL_NOTFOUND for a
 * subject bound to none. */
seal_status seal_subject_identifiers(seal_registry *reg, seal_buf *out,
                                     seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2);
/* PA-11: an address under a protective order; stored only as a keyed hash of
 * its match key. order: the order's reference (an id). */
seal_status seal_protect_add(seal_registry *reg, const char *address, const char *order,
                             seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2, 3);

typedef enum {
    SEAL_LIST_AGENCIES = 0,
    SEAL_LIST_ISSUERS,
    SEAL_LIST_PRINCIPALS,
    SEAL_LIST_PROTECTED
} seal_list_kind;
/* Appends a JSON array of the registry's rows (protected addresses as their
 * hashes). Any registered principal may list. */
seal_status seal_registry_list(seal_registry *reg, seal_list_kind what, seal_buf *out,
                               seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 3);

/* ---- the lifecycle ------------------------------------------------------ */

/* ---- the policy of record (issue 11) -------------------------------------
 * Every submission is checked under the data directory's policy of record,
 * never one the requester names: DATA/policy.json, set by `sealctl init
 * --policy` and changed only by seal_registry_policy_set, each change a
 * `policy.set` ledger event with the old and the new SHA-256 (ids old, new;
 * the new hash also as the policy commitment). seal_registry_open refuses
 * (SEAL_VERIFY) a directory whose policy.json differs from the last such
 * event. A directory made before the policy of record has none: strict. */

/* The policy of record; borrowed, valid until the next policy_set or close. */
const seal_policy *seal_registry_policy(const seal_registry *reg) SEAL_NONNULL(1);
/* Makes spec (a shipped policy name or a policy file) the policy of record
 * as the acting principal: a privacy officer valid today (the operator only
 * while none is registered, as `sealctl init` does). *changed (may be NULL)
 * is false when spec already was the recorded policy of record: no event
 * then. SEAL_PERM for anyone else; SEAL_INVALID/SEAL_LIMIT for a policy
 * that does not load; never inside a batch. */
seal_status seal_registry_policy_set(seal_registry *reg, const char *spec, bool *changed,
                                     seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2);

/* The same with the policy's JSON text itself (PUT /v1/policy). */
seal_status seal_registry_policy_set_json(seal_registry *reg, const char *json, size_t len,
                                          bool *changed, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 2);

/* A what-if check (`sealctl request check --data`, POST /v1/requests/check):
 * the document under p (NULL: the policy of record) with the registry's
 * issuers plus extra ones (what-if keys, may be none), its protected
 * addresses, and a registered agency (agency.unregistered, PA-2). Stores
 * nothing, writes no event, needs no principal. */
seal_status seal_request_check_in(seal_registry *reg, const seal_policy *p, const char *doc,
                                  size_t len, const seal_note_verifier *const *extra,
                                  size_t n_extra, seal_decision *d, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 3, 7);

typedef struct seal_submit_options {
    const char *follows; /* the emergency request this proper process confirms */
    /* PA-2: the request this one replaces, which was denied or refused (and
     * so never produced); it may then reuse that request's legal basis. */
    const char *supersedes;
} seal_submit_options;

/* Submits a request document as the acting principal (a requester of the
 * document's agency, valid today; SEAL_PERM otherwise). The document is
 * stored as submitted and checked under the policy of record with the
 * registry's issuers and protected addresses (no others: a requester
 * cannot bring a policy or an issuer key of their own), plus the stateful
 * rules (registered agency, national-security authority, extensions,
 * follow-ups). Returns SEAL_OK with *d and the new id (even when refused:
 * the refusal is recorded too). d's policy name and hash are borrowed from
 * the registry and valid until the next policy change or
 * seal_registry_close. */
seal_status seal_request_submit(seal_registry *reg, const char *doc, size_t len,
                                const seal_submit_options *opt, char id[SEAL_ID_SIZE],
                                seal_decision *d, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 2, 5, 6);
/* The policy request `id` was checked under (shipped, or kept by hash in
 * DATA/registry.db when it was of record), owned by the caller; any
 * registered principal valid today. SEAL_NOTFOUND for an unknown id,
 * SEAL_VERIFY when that policy is not available with its hash. */
seal_status seal_request_policy(seal_registry *reg, const char *id, seal_policy **out,
                                seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2, 3);
/* PA-2: confirms a consent request waiting in consent_pending. reference
 * NULL: the acting principal is a subject (role subject, valid today) bound
 * to every subject the request names (compared after standardisation: an
 * email, phone, account or tracking subject to the identifier of that type,
 * a person or address subject to an `address` identifier with the same
 * delivery point). reference non-NULL (1..SEAL_CONSENT_REFERENCE_MAX
 * printable bytes): a reviewer not of the requesting agency records the
 * reference of the subject's written consent, only where the request's
 * policy allows it (cfr-233; strict refuses). Kept encrypted, never logged.
 * The request then goes to review (or is active at once when its decision
 * needed no review). SEAL_REFUSED naming the rule otherwise, by subject
 * position, never by identifier. *state: the state afterwards. */
#define SEAL_CONSENT_REFERENCE_MAX 200
seal_status seal_request_consent(seal_registry *reg, const char *id, const char *reference,
                                 seal_request_state *state, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 2, 4);
/* Approves or denies as the acting principal. SEAL_REFUSED (message says
 * which rule) when the principal may not: own request, own agency, missing
 * role, delegation not valid today, already reviewed, not under review, or
 * (MC-2, when the request's policy says cover approvers come from the
 * inspection service, as cfr-233 does) a cover_approver whose agency is not
 * flagged SEAL_AGENCY_INSPECTION_SERVICE on the day of the review.
 * *state: the request's state afterwards. */
seal_status seal_request_review(seal_registry *reg, const char *id, bool approve,
                                seal_request_state *state, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 2, 4);
/* The same with the reviewer's note (NULL or "": none): staff text, valid
 * UTF-8 of at most SEAL_REVIEW_NOTE_MAX bytes (SEAL_INVALID otherwise). It is
 * kept encrypted (sealed/box.h) with the approval in DATA/registry.db, shown
 * by seal_request_show, and never written to the ledger. */
#define SEAL_REVIEW_NOTE_MAX 2000
seal_status seal_request_review_note(seal_registry *reg, const char *id, bool approve,
                                     const char *note, seal_request_state *state,
                                     seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2, 5);
/* Closes an active or pending request (requester of its agency, or a
 * reviewer / approver / privacy officer). */
seal_status seal_request_close(seal_registry *reg, const char *id, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 2);
/* PA-9: renews an active preservation for the policy's days, at most the
 * policy's number of renewals (SEAL_LIMIT beyond). */
seal_status seal_request_renew(seal_registry *reg, const char *id, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 2);
/* Enforces every deadline as of now: covers, processes and preservations
 * past their end expire; emergencies past their follow-up deadline without
 * confirming proper process become violations whatever their state (active,
 * expired, or closed after a production; PA-7, MC-9), quarantined and
 * reported; delayed notices that ran out are recorded as due. Appends a JSON
 * report {"actions": [...]} and one `request.sweep` ledger event per run,
 * even when there was nothing to do. Idempotent. */
seal_status seal_request_sweep(seal_registry *reg, seal_buf *out, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 2);
/* The same as the daemon's clock runs it: acting as nobody (the sweep only
 * applies deadlines already decided; it decides nothing). */
seal_status seal_request_sweep_clock(seal_registry *reg, seal_buf *out,
                                     seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2);
/* PA-7 / MC-9: why the productions of request id may not be read or built
 * now, checked at the read itself (no sweep needed): *why is "quarantined"
 * (a violation), "follow_up_overdue" (an emergency past its deadline without
 * confirmation: a violation the sweep has not recorded yet) or
 * "follow_up_in_review" (an emergency whose follow-up is under review), a
 * static string; NULL when nothing holds them. Needs no principal. */
seal_status seal_request_hold(seal_registry *reg, const char *id, const char **why,
                              seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2, 3);
/* PA-7: records that a production of emergency request id begins (before
 * anything is written, so a production cut short still counts): closing it
 * no longer ends its follow-up duty. Nothing for other requests. */
seal_status seal_request_mark_produced(seal_registry *reg, const char *id,
                                       seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2);
/* JSON of requests visible to the principal: ids, states, dates, deadlines
 * with days left. */
seal_status seal_request_list(seal_registry *reg, seal_buf *out, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 2);
/* One request with its approvals; with_document also its document exactly as
 * submitted (reviewers, approvers, privacy officers, its own agency). */
seal_status seal_request_show(seal_registry *reg, const char *id, bool with_document, seal_buf *out,
                              seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2, 4);

/* MC-6: records an indictment of the cover's subject on `date` (unix
 * midnight); the cover ends unless its ground is fugitive or forfeiture, and
 * it cannot be extended on the same ground. */
seal_status seal_cover_indict(seal_registry *reg, const char *cover, int64_t date,
                              seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2);

/* An active, approved mail cover as the matcher needs it: the lifecycle's
 * view, and `cover`, the same as the matcher's seal_cover (sealed/cover.h).
 * Strings are borrowed and live until the callback returns; they hold the
 * cover's addresses and names, so never log them. */
typedef struct seal_active_cover {
    const char *id;      /* cover id, e.g. C-000001 */
    const char *request; /* the request whose document rules it now */
    const char *agency;
    int ground;         /* seal_ground */
    int64_t start, end; /* unix midnight of the first and last day recorded */
    const char *address;
    const char *dpc; /* NULL when not given */
    bool all_at_address;
    const char *const *subject_names; /* persons named at the address */
    size_t n_subject_names;
    const char *const *non_subjects; /* MC-4: never recorded */
    size_t n_non_subjects;
    /* never recorded: the document's exclusions plus (MC-7) the subject's
     * known attorney unless the attorney is also a subject */
    const char *const *exclude;
    size_t n_exclude;
    seal_cover cover; /* the same strings, as the matcher takes them */
} seal_active_cover;

typedef seal_status (*seal_active_cover_cb)(const seal_active_cover *c, void *ud);
/* Calls cb for each cover active on `day` (unix midnight), in id order.
 * Needs no principal role: the matcher runs as the system. */
seal_status seal_covers_active(seal_registry *reg, int64_t day, seal_active_cover_cb cb, void *ud,
                               seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 3);

#endif
