/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The retention sweep (include/sealed/retain.h, docs/retain.md): gathers
 * the preservation holds from the registry, runs the store's sweep batch by
 * batch, reports MC-11 alerts, and appends one `retain.sweep` ledger event
 * with counts only.
 *
 * Crash safety: each batch commits together with the sweep's cursor and
 * counts (seal_store_sweep_step). After the last batch the sweep is marked
 * done with the ledger's size, then its event is appended, then the mark is
 * cleared. A re-run resumes an unfinished sweep from its cursor (as of the
 * same day, counts carried), and for a done one looks in the ledger past
 * the recorded size for its event before appending it, so a crash at any
 * point neither loses counts nor logs a sweep twice.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/crypto.h"
#include "sealed/accounting.h"
#include "sealed/alloc.h"
#include "sealed/backup.h"
#include "sealed/ledger.h"
#include "sealed/policy.h"
#include "sealed/retain.h"
#include "sealed/time.h"

#define DAY 86400

void seal_retain_result_cleanup(seal_retain_result *r)
{
    seal_free(r->alerts);
    r->alerts = NULL;
    r->n_alerts = 0;
}

typedef struct hold_ctx {
    seal_store *st;
    seal_holds *h;
    seal_error *err;
} hold_ctx;

static seal_status hold_one(seal_index_type type, const char *value, void *ud)
{
    hold_ctx *hc = ud;
    seal_status s = seal_store_hold(hc->st, hc->h, type, value, strlen(value), hc->err);
    if (s == SEAL_INVALID) {
        /* an identifier the standardiser refuses names no record: it holds
         * nothing, and the preservation was accepted with it */
        seal_error_init(hc->err);
        return SEAL_OK;
    }
    return s;
}

static seal_status ledger_open(const char *dir, seal_ledger **led, seal_error *err)
{
    char path[1100];
    int w = snprintf(path, sizeof(path), "%s/ledger", dir);
    if (w < 0 || (size_t) w >= sizeof(path)) {
        return seal_error_set(err, SEAL_INVALID, "path too long: %s/ledger", dir);
    }
    return seal_ledger_open(path, NULL, led, err);
}

static bool contains(const uint8_t *p, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; m <= n && i <= n - m; i++) {
        if (memcmp(p + i, needle, m) == 0) {
            return true;
        }
    }
    return false;
}

/* Whether the ledger holds the event of sweep id at an index >= from. */
static seal_status find_event(seal_ledger *led, uint64_t from, const char *id, bool *found,
                              uint64_t *index, seal_error *err)
{
    char needle[64];
    snprintf(needle, sizeof(needle), "\"sweep\":\"%s\"", id);
    seal_buf e;
    seal_buf_init(&e);
    seal_status s = SEAL_OK;
    *found = false;
    for (uint64_t i = from; s == SEAL_OK && !*found && i < seal_ledger_size(led); i++) {
        seal_buf_reset(&e);
        if ((s = seal_ledger_entry(led, i, &e, err)) == SEAL_OK && e.len > 0 &&
            contains(e.data, e.len, "\"type\":\"retain.sweep\"") &&
            contains(e.data, e.len, needle)) {
            *found = true;
            *index = i;
        }
    }
    seal_buf_cleanup(&e);
    return s;
}

/* Appends the sweep's event and the alerts' events, with one checkpoint. */
static seal_status log_sweep(const char *dir, const seal_store *st, const seal_sweep *sw,
                             const seal_retain_result *res, uint64_t *index, seal_error *err)
{
    const seal_catalogue *cat = seal_store_catalogue(st);
    char num[24][24], asof[16];
    seal_event_id ids[SEAL_EVENT_MAX_FIELDS];
    size_t n = 0, k = 0;
    int64_t deleted = 0, held = 0;
    for (int i = 0; i < SEAL_SWEEP_KINDS; i++) {
        deleted += sw->n.deleted[i];
        held += sw->n.held[i];
    }
    seal_date_format(asof, sizeof(asof), sw->today * DAY);
    ids[n++] = (seal_event_id){"as_of", asof};
    ids[n++] = (seal_event_id){"sweep", sw->id};
#define NUM(name, v)                                                                               \
    do {                                                                                           \
        snprintf(num[k], sizeof(num[k]), "%lld", (long long) (v));                                 \
        ids[n++] = (seal_event_id){(name), num[k++]};                                              \
    } while (0)
    NUM("truncated", sw->n.truncated);
    NUM("deleted", deleted);
    NUM("held", held);
    NUM("keys_shredded", sw->n.keys_shredded);
    NUM("alerts", res->n_alerts);
    NUM("accounting_purged", res->accounting_purged);
    NUM("key_generations_expired", res->keys_expired);
    char names[SEAL_SWEEP_KINDS][40];
    for (size_t i = 0; i < seal_catalogue_kind_count(cat) && n < SEAL_EVENT_MAX_FIELDS; i++) {
        const seal_kind *kd = seal_catalogue_kind_at(cat, i);
        if (kd->id > 0 && kd->id < SEAL_SWEEP_KINDS && sw->n.deleted[kd->id] > 0) {
            snprintf(names[kd->id], sizeof(names[kd->id]), "deleted_%s", kd->name);
            NUM(names[kd->id], sw->n.deleted[kd->id]);
        }
    }
#undef NUM
    seal_event ev = {.type = "retain.sweep", .time = sw->started, .ids = ids, .n_ids = n};
    seal_buf enc, cp;
    seal_buf_init(&enc);
    seal_buf_init(&cp);
    seal_ledger *led = NULL;
    seal_status s = seal_event_encode(&ev, &enc, err);
    if (s == SEAL_OK) {
        s = ledger_open(dir, &led, err);
    }
    if (s == SEAL_OK) {
        s = seal_ledger_stage(led, enc.data, enc.len, index, err);
    }
    for (size_t i = 0; s == SEAL_OK && i < res->n_alerts; i++) {
        const seal_retain_alert *a = &res->alerts[i];
        char due[16];
        seal_date_format(due, sizeof(due), a->due);
        seal_event_id aid[] = {{"cover", a->cover},
                               {"due", due},
                               {"production", a->production},
                               {"request", a->request},
                               {"sweep", sw->id}};
        seal_event ae = {
            .type = "cover.return_overdue", .time = sw->started, .ids = aid, .n_ids = 5};
        uint64_t ai;
        seal_buf_reset(&enc);
        if ((s = seal_event_encode(&ae, &enc, err)) == SEAL_OK) {
            s = seal_ledger_stage(led, enc.data, enc.len, &ai, err);
        }
    }
    if (s == SEAL_OK) {
        s = seal_ledger_commit(led, err);
    }
    if (s == SEAL_OK) {
        s = seal_ledger_checkpoint(led, &cp, err);
    }
    if (s != SEAL_OK) {
        seal_error_prefix(err, "ledger");
    }
    seal_ledger_close(led);
    seal_buf_cleanup(&enc);
    seal_buf_cleanup(&cp);
    return s;
}

/* Kinds whose retention is a policy number rather than the catalogue's: the
 * catalogue marks cover_piece with "policy": "cover_records_days". */
static void policy_kinds(const seal_store *st, const seal_policy_numbers *num, seal_sweep *sw)
{
    const seal_kind *k = seal_catalogue_kind(seal_store_catalogue(st), "cover_piece");
    if (k != NULL && num->cover_records_days > 0) {
        sw->policy_kind[0] = k->id;
        sw->policy_days[0] = num->cover_records_days;
    }
}

static seal_status new_sweep(const seal_store *st, const seal_retain_options *opt,
                             const seal_policy_numbers *num, seal_sweep *sw)
{
    uint8_t r[8];
    memset(sw, 0, sizeof(*sw));
    sw->today = seal_time_day(opt->now);
    sw->started = opt->now;
    seal__random(r, sizeof(r));
    seal_hex_encode(sw->id, r, sizeof(r));
    sw->id[16] = '\0';
    policy_kinds(st, num, sw);
    return SEAL_OK;
}

seal_status seal_retain_sweep(const char *dir, const seal_retain_options *opt,
                              seal_retain_result *res, seal_error *err)
{
    memset(res, 0, sizeof(*res));
    seal_store *st = NULL;
    seal_registry *reg = NULL;
    seal_policy *pol = NULL;
    seal_holds *holds = NULL;
    seal_policy_numbers num;
    seal_sweep sw;
    bool found = false;
    seal_status s = seal_store_open(dir, &st, err);
    if (s != SEAL_OK) {
        return s;
    }
    if ((s = seal_policy_open(opt->policy != NULL ? opt->policy : "strict", &pol, err)) !=
        SEAL_OK) {
        goto out;
    }
    seal_policy_get_numbers(pol, &num);
    if ((s = seal_holds_new(&holds, err)) != SEAL_OK) {
        goto out;
    }
    /* A data directory without a registry has no legal process: nothing is
     * held and nothing was produced (and opening it would create it). */
    char path[1100];
    snprintf(path, sizeof(path), "%s/registry.db", dir);
    if (access(path, F_OK) == 0) {
        if ((s = seal_registry_open(dir, NULL, opt->now, &reg, err)) != SEAL_OK) {
            goto out;
        }
        /* PA-9: the subjects of every active preservation, by blind-index keys */
        hold_ctx hc = {st, holds, err};
        if ((s = seal__retain_preservations(reg, hold_one, &hc, &res->preservations, err)) !=
            SEAL_OK) {
            goto out;
        }
        /* MC-11: productions of cover records not returned in time */
        if ((s = seal__retain_overdue(reg, num.cover_return_alert_days, &res->alerts,
                                      &res->n_alerts, err)) != SEAL_OK) {
            goto out;
        }
    }
    res->held_subjects = seal_holds_count(holds);
    if (!opt->dry_run && (s = seal_store_sweep_load(st, &sw, &found, err)) != SEAL_OK) {
        goto out;
    }
    res->resumed = found;
    if (!found) {
        new_sweep(st, opt, &num, &sw);
    }
    seal_sweep_options so = {.batch = opt->batch, .dry_run = opt->dry_run, .holds = holds};
    while (s == SEAL_OK && !sw.done) {
        if ((s = seal_store_sweep_step(st, &sw, &so, err)) == SEAL_OK && opt->progress != NULL) {
            opt->progress(&sw, opt->ud);
        }
    }
    if (s != SEAL_OK || opt->dry_run) {
        res->sweep = sw;
        goto out;
    }
    /* accounting entries past keep_until (their own accounting.purged event)
     * and key-store backup generations past the policy's grace; neither has
     * a dry run, so a dry run skips both */
    snprintf(path, sizeof(path), "%s/accounting.db", dir);
    if (access(path, F_OK) == 0 &&
        (s = seal_accounting_purge(dir, opt->now, &res->accounting_purged, err)) != SEAL_OK) {
        goto out;
    }
    seal_keys_expiry ex;
    if ((s = seal_keys_expire(dir, NULL, opt->now, num.key_backup_grace_days, &ex, err)) !=
        SEAL_OK) {
        goto out;
    }
    res->keys_expired = ex.deleted;
    /* the ledger event: once, even across crashes */
    seal_ledger *led = NULL;
    bool logged = false;
    if ((s = ledger_open(dir, &led, err)) != SEAL_OK) {
        goto out;
    }
    if (found && sw.ledger_size > 0) { /* stored as size + 1: 0 means not yet */
        s = find_event(led, sw.ledger_size - 1, sw.id, &logged, &res->ledger_index, err);
        if (s == SEAL_OK && logged) { /* the crash may have come before its checkpoint */
            seal_buf cp;
            seal_buf_init(&cp);
            s = seal_ledger_checkpoint(led, &cp, err);
            seal_buf_cleanup(&cp);
        }
    } else {
        sw.ledger_size = seal_ledger_size(led) + 1;
        s = seal_store_sweep_save(st, &sw, err);
    }
    seal_ledger_close(led);
    if (s == SEAL_OK && !logged) {
        s = log_sweep(dir, st, &sw, res, &res->ledger_index, err);
    }
    if (s == SEAL_OK) {
        s = seal_store_sweep_clear(st, err);
    }
    res->sweep = sw;
out:
    seal_holds_free(holds);
    seal_registry_close(reg);
    seal_policy_free(pol);
    seal_store_close(st);
    return s;
}
