/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private state of a seal_registry, shared by the registries
 * (src/registry/registry.c) and the lifecycle (src/registry/lifecycle.c):
 * the storage backend, the box keys, the acting principal and the clock,
 * and the helper that writes one ledger event per transition.
 */
#ifndef SEAL_REGISTRY_INT_H
#define SEAL_REGISTRY_INT_H

#include "sealed/box.h"
#include "sealed/ledger.h"
#include "sealed/registry.h"
#include "store/registry.h"

#define SEAL__DAY 86400

struct seal_registry {
    const seal_reg_backend_ops *ops;
    seal_reg_backend *be;
    seal_box *box;
    int64_t now;
    int64_t today; /* unix midnight of now */
    bool has_principal;
    seal_reg_principal me;
    /* the policy of the last submission: its decision borrows its strings */
    seal_policy *last_policy;
    /* the data directory's policy of record (src/registry/record.c), and
     * whether a policy.set event records it (false: a directory made
     * before the policy of record, which is then strict) */
    seal_policy *record;
    bool record_logged;
    char dir[1024];
    /* events of the current operation, written to the ledger before commit */
    seal_buf events;
    size_t n_events;
    size_t ev_off[32];
    /* group commit (src/registry/batch.c): the open batch's ledger, the
     * operations committed in it, and whether it can still commit */
    seal_ledger *batch_led;
    size_t batch_ops;
    bool batch_broken;
};

/* SEAL_OK when the acting principal exists, is valid today and holds one of
 * the roles in mask (0: any role). */
seal_status seal__reg_require(seal_registry *reg, uint32_t mask, const char *what,
                              seal_error *err) SEAL_MUST_USE;
/* True when p's delegation is valid on day. */
bool seal__principal_valid(const seal_reg_principal *p, int64_t day);

/* Queues one canonical ledger event: type, ids (name/value pairs, NULL value
 * skipped), the policy hash and the document hash (either may be NULL). */
seal_status seal__reg_event(seal_registry *reg, const char *type, const char *const *ids,
                            size_t n_ids, const uint8_t *policy_sha, const uint8_t *doc_hash,
                            seal_error *err) SEAL_MUST_USE;
/* Begins a transaction and clears the queued events. */
seal_status seal__reg_begin(seal_registry *reg, seal_error *err) SEAL_MUST_USE;
/* Appends the queued events to DATA/ledger (one fsync), checkpoints, then
 * commits; rolls back on any failure. A crash between the two leaves a
 * logged transition that did not happen, never an unlogged one. */
seal_status seal__reg_commit(seal_registry *reg, seal_error *err) SEAL_MUST_USE;
void seal__reg_rollback(seal_registry *reg);
/* seal__reg_commit inside a batch: stages the queued events in the batch's
 * ledger and releases the operation's savepoint (src/registry/batch.c). */
seal_status seal__reg_commit_batched(seal_registry *reg, seal_error *err) SEAL_MUST_USE;

/* Registry writers: a privacy officer valid today; the operator (no
 * principal) only while no privacy officer is registered (bootstrap). */
seal_status seal__reg_require_officer(seal_registry *reg, const char *what,
                                      seal_error *err) SEAL_MUST_USE;
/* Loads the policy of record at open (src/registry/record.c); refuses a
 * DATA/policy.json that differs from the last policy.set event. */
seal_status seal__reg_policy_open(seal_registry *reg, seal_error *err) SEAL_MUST_USE;
/* The policy a stored request was checked under (its name and SHA-256):
 * shipped, or kept by hash in registry.db. SEAL_VERIFY when not found. */
seal_status seal__reg_policy_of(seal_registry *reg, const char *name, const uint8_t *sha,
                                seal_policy **out, seal_error *err) SEAL_MUST_USE;
/* PA-2 / MC-13: once per registry, records the basis hashes of requests
 * accepted before they were kept (src/registry/lifecycle.c). */
seal_status seal__basis_backfill(seal_registry *reg, seal_error *err) SEAL_MUST_USE;

/* Copies s into a fixed field; SEAL_INVALID when it does not fit. */
seal_status seal__reg_copy(char *dst, size_t n, const char *s) SEAL_MUST_USE;

#endif
