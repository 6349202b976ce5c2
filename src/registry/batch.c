/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One registry handle for a long-running service (the daemon, issue 7):
 * switching the acting principal and clock between operations, and group
 * commit. In a batch the backend holds one transaction with a savepoint per
 * operation, and each operation's ledger events are staged in the caller's
 * open ledger; seal_registry_batch_commit then makes the whole batch
 * durable with one ledger fsync, one checkpoint and one registry commit,
 * in the order seal__reg_commit uses for a single operation.
 */
#include <string.h>

#include "registry/registry_int.h"
#include "sealed/time.h"

seal_status seal_registry_act_as(seal_registry *reg, const char *principal, int64_t now,
                                 seal_error *err)
{
    reg->now = now;
    reg->today = seal_time_day(now) * SEAL__DAY;
    reg->has_principal = false;
    memset(&reg->me, 0, sizeof(reg->me));
    if (principal == NULL) {
        return SEAL_OK;
    }
    if (!seal_id_valid(principal)) {
        return seal_error_set(err, SEAL_PERM, "--as: not a principal id");
    }
    seal_status s = reg->ops->principal_get(reg->be, principal, &reg->me, err);
    if (s == SEAL_NOTFOUND) {
        s = seal_error_set(err, SEAL_PERM, "principal %s is not registered", principal);
    }
    if (s != SEAL_OK) {
        memset(&reg->me, 0, sizeof(reg->me));
        return s;
    }
    reg->has_principal = true;
    return SEAL_OK;
}

uint32_t seal_registry_roles(const seal_registry *reg)
{
    return reg->has_principal ? reg->me.roles : 0;
}

const char *seal_registry_agency(const seal_registry *reg)
{
    return reg->has_principal ? reg->me.agency : "";
}

seal_status seal_registry_batch_begin(seal_registry *reg, seal_ledger *led, seal_error *err)
{
    if (reg->batch_led != NULL) {
        return seal_error_set(err, SEAL_USAGE, "registry: a batch is already open");
    }
    seal_status s = reg->ops->batch_begin(reg->be, err);
    if (s == SEAL_OK) {
        reg->batch_led = led;
        reg->batch_ops = 0;
        reg->batch_broken = false;
    }
    return s;
}

size_t seal_registry_batch_changes(const seal_registry *reg)
{
    return reg->batch_led != NULL ? reg->batch_ops : 0;
}

seal_status seal__reg_commit_batched(seal_registry *reg, seal_error *err)
{
    seal_status s = SEAL_OK;
    size_t staged = 0;
    for (size_t i = 0; i < reg->n_events && s == SEAL_OK; i++) {
        if (reg->ev_off[i + 1] - reg->ev_off[i] > SEAL_LEDGER_MAX_ENTRY) {
            s = seal_error_set(err, SEAL_LIMIT, "ledger: an event exceeds %d bytes",
                               SEAL_LEDGER_MAX_ENTRY);
        }
    }
    for (size_t i = 0; i < reg->n_events && s == SEAL_OK; i++) {
        s = seal_ledger_stage(reg->batch_led, reg->events.data + reg->ev_off[i],
                              reg->ev_off[i + 1] - reg->ev_off[i], NULL, err);
        if (s == SEAL_OK) {
            staged++;
        } else {
            seal_error_prefix(err, "ledger");
        }
    }
    if (s == SEAL_OK) {
        s = reg->ops->commit(reg->be, err);
    }
    if (s == SEAL_OK) {
        reg->batch_ops++;
    } else {
        /* the operation is undone; entries it staged cannot be, so the
         * batch may not commit */
        reg->batch_broken = reg->batch_broken || staged > 0;
        seal__reg_rollback(reg);
    }
    seal_buf_reset(&reg->events);
    reg->n_events = 0;
    return s;
}

seal_status seal_registry_batch_commit(seal_registry *reg, seal_error *err)
{
    seal_ledger *led = reg->batch_led;
    if (led == NULL) {
        return seal_error_set(err, SEAL_USAGE, "registry: no batch is open");
    }
    seal_status s = SEAL_OK;
    if (reg->batch_broken) {
        s = seal_error_set(err, SEAL_STORE,
                           "registry: an operation failed after staging its ledger events; the "
                           "batch is undone");
    }
    seal_buf cp;
    seal_buf_init(&cp);
    if (s == SEAL_OK && reg->batch_ops > 0 &&
        ((s = seal_ledger_commit(led, err)) != SEAL_OK ||
         (s = seal_ledger_checkpoint(led, &cp, err)) != SEAL_OK)) {
        seal_error_prefix(err, "ledger");
    }
    seal_buf_cleanup(&cp);
    if (s == SEAL_OK) {
        s = reg->ops->batch_commit(reg->be, err);
    }
    if (s != SEAL_OK) {
        reg->ops->batch_rollback(reg->be);
    }
    reg->batch_led = NULL;
    reg->batch_ops = 0;
    reg->batch_broken = false;
    return s;
}

void seal_registry_batch_abort(seal_registry *reg)
{
    if (reg != NULL && reg->batch_led != NULL) {
        reg->ops->batch_rollback(reg->be);
        reg->batch_led = NULL;
        reg->batch_ops = 0;
        reg->batch_broken = false;
    }
}
