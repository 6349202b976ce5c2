/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The registry's part of retention (include/sealed/retain.h): the subjects
 * active preservations hold (PA-9), an improperly ordered cover (MC-10),
 * and the return of cover records handed to an agency (MC-11).
 *
 * Stored through the registry's sealed-blob table (store/registry.h
 * secret_put), so no new storage and nothing in plaintext:
 *   ("improper", COVER)    the finding: reason, actor, time
 *   ("notice", REQUEST)    what the requesting agency is told (JSON array)
 *   ("returned", PRODUCTION) when and by whom a return was recorded
 * Ledger events carry ids, counts and keyed hashes only: the reason is staff
 * text and may name people, so the ledger gets its keyed hash.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "core/crypto.h"
#include "registry/registry_int.h"
#include "sealed/alloc.h"
#include "sealed/retain.h"
#include "sealed/time.h"
#include "store/accounting.h"

typedef struct req_rows {
    seal_reg_request *v;
    size_t n, cap;
    const char *cover;  /* only requests of this cover, when set */
    bool preservations; /* only active preservations */
    int64_t today;
} req_rows;

static seal_status collect_req(const seal_reg_request *r, void *ud)
{
    req_rows *rr = ud;
    if (rr->cover != NULL && strcmp(r->cover, rr->cover) != 0) {
        return SEAL_OK;
    }
    if (rr->cover == NULL && !rr->preservations && r->cover[0] == '\0') {
        return SEAL_OK;
    }
    if (rr->preservations && (r->basis != SEAL_BASIS_PRESERVATION || r->state != SEAL_RS_ACTIVE ||
                              r->start > rr->today || rr->today > r->end)) {
        return SEAL_OK;
    }
    if (rr->n == rr->cap) {
        size_t cap = rr->cap == 0 ? 16 : 2 * rr->cap;
        void *p = seal_realloc(rr->v, cap * sizeof(*rr->v));
        if (p == NULL) {
            return SEAL_NOMEM;
        }
        rr->v = p;
        rr->cap = cap;
    }
    rr->v[rr->n++] = *r;
    return SEAL_OK;
}

static seal_status requests(seal_registry *reg, req_rows *rr, seal_error *err)
{
    rr->today = reg->today;
    seal_status s = reg->ops->request_each(reg->be, collect_req, rr, err);
    if (s == SEAL_NOMEM) {
        seal_error_set(err, s, "out of memory");
    }
    return s;
}

/* The request's document, parsed; NULL with err set on failure. */
static json_t *document(seal_registry *reg, const char *id, seal_error *err)
{
    seal_reg_request row;
    seal_buf ct, pt;
    seal_buf_init(&ct);
    seal_buf_init(&pt);
    json_t *root = NULL;
    seal_status s = reg->ops->request_get(reg->be, id, &row, &ct, err);
    if (s == SEAL_OK) {
        s = seal_box_unseal(reg->box, row.id, strlen(row.id), ct.data, ct.len, &pt, err);
    }
    if (s == SEAL_OK &&
        (root = json_loadb((const char *) pt.data, pt.len, JSON_REJECT_DUPLICATES, NULL)) == NULL) {
        seal_error_set(err, SEAL_CORRUPT, "request %s: its document does not parse", id);
    }
    if (pt.data != NULL) {
        seal__wipe(pt.data, pt.len);
    }
    seal_buf_cleanup(&pt);
    seal_buf_cleanup(&ct);
    return root;
}

/* A request subject as the store's identifier (the same mapping as
 * productions: a person or an address is its address). */
static bool map_subject(json_t *sub, seal_index_type *type, const char **value)
{
    static const struct {
        const char *name;
        seal_index_type type;
        const char *field;
    } m[] = {{"person", SEAL_IDX_ADDRESS, "address"}, {"address", SEAL_IDX_ADDRESS, "address"},
             {"email", SEAL_IDX_EMAIL, "value"},      {"phone", SEAL_IDX_PHONE, "value"},
             {"account", SEAL_IDX_ACCOUNT, "value"},  {"tracking", SEAL_IDX_TRACKING, "value"}};
    const char *t = json_string_value(json_object_get(sub, "type"));
    for (size_t k = 0; t != NULL && k < sizeof(m) / sizeof(m[0]); k++) {
        if (strcmp(m[k].name, t) == 0) {
            *type = m[k].type;
            *value = json_string_value(json_object_get(sub, m[k].field));
            return *value != NULL;
        }
    }
    return false;
}

seal_status seal__retain_preservations(seal_registry *reg, seal_hold_ident_cb cb, void *ud,
                                       size_t *n, seal_error *err)
{
    req_rows rr = {.preservations = true};
    seal_status s = requests(reg, &rr, err);
    *n = 0;
    for (size_t i = 0; s == SEAL_OK && i < rr.n; i++) {
        json_t *doc = document(reg, rr.v[i].id, err);
        if (doc == NULL) {
            s = err != NULL && err->status != SEAL_OK ? err->status : SEAL_CORRUPT;
            break;
        }
        size_t j;
        json_t *sub;
        json_array_foreach(json_object_get(doc, "subjects"), j, sub)
        {
            seal_index_type type;
            const char *value;
            if (s == SEAL_OK && map_subject(sub, &type, &value)) {
                s = cb(type, value, ud);
            }
        }
        json_decref(doc);
        (*n)++;
    }
    seal_free(rr.v);
    return s;
}

/* ---- MC-11 ---------------------------------------------------------------------------- */

static bool returned(seal_registry *reg, const char *production)
{
    seal_buf b;
    seal_buf_init(&b);
    seal_status s = reg->ops->secret_get(reg->be, "returned", production, &b, NULL);
    seal_buf_cleanup(&b);
    return s == SEAL_OK;
}

/* Calls fn for each production of a request of a cover (of `cover`, or of
 * any when NULL). */
typedef seal_status (*prod_fn)(seal_registry *reg, const seal_reg_request *r,
                               const seal_acct_production *p, void *ud);

static seal_status each_production(seal_registry *reg, const char *cover, prod_fn fn, void *ud,
                                   seal_error *err)
{
    const seal_acct_backend_ops *ops = &seal__sqlite_accounting;
    seal_acct_backend *acct = NULL;
    req_rows rr = {.cover = cover};
    seal_status s = requests(reg, &rr, err);
    char path[1100];
    snprintf(path, sizeof(path), "%s/accounting.db", reg->dir);
    if (access(path, F_OK) != 0) {
        rr.n = 0; /* nothing was ever produced (and a dry run creates nothing) */
    }
    if (s == SEAL_OK && rr.n > 0) {
        s = ops->open(reg->dir, &acct, err);
    }
    for (size_t i = 0; s == SEAL_OK && i < rr.n; i++) {
        seal_acct_production p;
        s = ops->production_get(acct, rr.v[i].id, &p, err);
        if (s == SEAL_NOTFOUND) {
            seal_error_init(err);
            s = SEAL_OK;
        } else if (s == SEAL_OK) {
            s = fn(reg, &rr.v[i], &p, ud);
        }
    }
    if (acct != NULL) {
        ops->close(acct);
    }
    seal_free(rr.v);
    return s;
}

typedef struct overdue_ctx {
    int64_t alert_days;
    seal_retain_alert *v;
    size_t n, cap;
    seal_error *err;
} overdue_ctx;

static seal_status overdue_one(seal_registry *reg, const seal_reg_request *r,
                               const seal_acct_production *p, void *ud)
{
    overdue_ctx *o = ud;
    seal_reg_cover c;
    seal_status s = reg->ops->cover_get(reg->be, r->cover, &c, o->err);
    if (s != SEAL_OK) {
        return s;
    }
    bool ended = c.state != SEAL_RS_ACTIVE || c.end < reg->today;
    int64_t due = c.end + o->alert_days * SEAL__DAY;
    if (!ended || reg->today <= due || returned(reg, p->production)) {
        return SEAL_OK;
    }
    if (o->n == o->cap) {
        size_t cap = o->cap == 0 ? 8 : 2 * o->cap;
        void *q = seal_realloc(o->v, cap * sizeof(*o->v));
        if (q == NULL) {
            return seal_error_set(o->err, SEAL_NOMEM, "out of memory");
        }
        o->v = q;
        o->cap = cap;
    }
    seal_retain_alert *a = &o->v[o->n++];
    memset(a, 0, sizeof(*a));
    snprintf(a->production, sizeof(a->production), "%s", p->production);
    snprintf(a->request, sizeof(a->request), "%s", r->id);
    snprintf(a->cover, sizeof(a->cover), "%s", c.id);
    a->cover_end = c.end;
    a->due = due;
    return SEAL_OK;
}

seal_status seal__retain_overdue(seal_registry *reg, int64_t alert_days, seal_retain_alert **out,
                                 size_t *n, seal_error *err)
{
    overdue_ctx o = {alert_days, NULL, 0, 0, err};
    seal_status s = each_production(reg, NULL, overdue_one, &o, err);
    if (s != SEAL_OK) {
        seal_free(o.v);
        o.v = NULL;
        o.n = 0;
    }
    *out = o.v;
    *n = o.n;
    return s;
}

/* ---- notices -------------------------------------------------------------------------- */

seal_status seal__retain_notice_json(const seal_registry *reg, const char *request, seal_buf *out)
{
    seal_buf ct, pt;
    seal_buf_init(&ct);
    seal_buf_init(&pt);
    seal_status s = reg->ops->secret_get(reg->be, "notice", request, &ct, NULL);
    if (s == SEAL_NOTFOUND) {
        s = SEAL_OK;
    } else if (s == SEAL_OK &&
               (s = seal_box_unseal(reg->box, request, strlen(request), ct.data, ct.len, &pt,
                                    NULL)) == SEAL_OK &&
               (s = seal_buf_append_str(out, ", \"notices\": ")) == SEAL_OK) {
        s = seal_buf_append(out, pt.data, pt.len);
    }
    if (pt.data != NULL) {
        seal__wipe(pt.data, pt.len);
    }
    seal_buf_cleanup(&pt);
    seal_buf_cleanup(&ct);
    return s;
}

/* Sealed JSON under (kind, key); the key is the box's associated data. */
static seal_status put_sealed(seal_registry *reg, const char *kind, const char *key, json_t *j,
                              seal_error *err)
{
    char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    if (text == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "out of memory");
    }
    seal_buf ct;
    seal_buf_init(&ct);
    seal_status s = seal_box_seal(reg->box, key, strlen(key), text, strlen(text), &ct);
    if (s == SEAL_OK) {
        s = reg->ops->secret_put(reg->be, kind, key, ct.data, ct.len, err);
    } else {
        seal_error_set(err, s, "cannot seal");
    }
    seal__wipe(text, strlen(text));
    free(text);
    seal_buf_cleanup(&ct);
    return s;
}

/* Queues one event with ids and one named commitment (seal__reg_event
 * knows only the policy and document commitments). */
static seal_status queue_event(seal_registry *reg, const char *type, const seal_event_id *ids,
                               size_t n_ids, const char *commit_name, const uint8_t *commit,
                               seal_error *err)
{
    if (reg->n_events + 1 >= sizeof(reg->ev_off) / sizeof(reg->ev_off[0])) {
        return seal_error_set(err, SEAL_LIMIT, "too many ledger events in one operation");
    }
    seal_event_commit c = {.name = commit_name};
    if (commit != NULL) {
        memcpy(c.value, commit, SEAL_HASH_SIZE);
    }
    seal_event ev = {.type = type,
                     .time = reg->now,
                     .ids = ids,
                     .n_ids = n_ids,
                     .commits = &c,
                     .n_commits = commit != NULL ? 1 : 0};
    reg->ev_off[reg->n_events] = reg->events.len;
    seal_status s = seal_event_encode(&ev, &reg->events, err);
    if (s == SEAL_OK) {
        reg->n_events++;
        reg->ev_off[reg->n_events] = reg->events.len;
    }
    return s;
}

static seal_status ledger_size(const seal_registry *reg, uint64_t *size, seal_error *err)
{
    char path[1100];
    seal_ledger *led = NULL;
    snprintf(path, sizeof(path), "%s/ledger", reg->dir);
    seal_status s = seal_ledger_open(path, NULL, &led, err);
    if (s == SEAL_OK) {
        *size = seal_ledger_size(led);
    }
    seal_ledger_close(led);
    return s;
}

/* ---- MC-10 ---------------------------------------------------------------------------- */

void seal_improper_result_cleanup(seal_improper_result *r)
{
    seal_free(r->to_return);
    r->to_return = NULL;
    r->n_to_return = 0;
}

static seal_status list_return(seal_registry *reg, const seal_reg_request *r,
                               const seal_acct_production *p, void *ud)
{
    (void) r;
    seal_improper_result *res = ud;
    if (returned(reg, p->production)) {
        return SEAL_OK;
    }
    void *q = seal_realloc(res->to_return, (res->n_to_return + 1) * sizeof(*res->to_return));
    if (q == NULL) {
        return SEAL_NOMEM;
    }
    res->to_return = q;
    snprintf(res->to_return[res->n_to_return++], SEAL_ID_SIZE, "%s", p->production);
    return SEAL_OK;
}

/* The notice each of the cover's requests carries. */
static seal_status put_notices(seal_registry *reg, const req_rows *rr, const char *cover,
                               const char *reason, int64_t destroyed, seal_error *err)
{
    char at[24];
    seal_time_format(at, sizeof(at), reg->now);
    json_t *arr = json_array();
    json_t *n = json_object();
    seal_status s = SEAL_OK;
    if (arr == NULL || n == NULL || json_array_append(arr, n) != 0 ||
        json_object_set_new(n, "type", json_string("improper_order")) != 0 ||
        json_object_set_new(n, "rule", json_string("MC-10")) != 0 ||
        json_object_set_new(n, "cover", json_string(cover)) != 0 ||
        json_object_set_new(n, "at", json_string(at)) != 0 ||
        json_object_set_new(n, "reason", json_string(reason)) != 0 ||
        json_object_set_new(n, "records_destroyed",
                            destroyed < 0 ? json_null() : json_integer(destroyed)) != 0) {
        s = seal_error_set(err, SEAL_NOMEM, "out of memory");
    }
    for (size_t i = 0; s == SEAL_OK && i < rr->n; i++) {
        s = put_sealed(reg, "notice", rr->v[i].id, arr, err);
    }
    json_decref(n);
    json_decref(arr);
    return s;
}

/* The finding as stored: {"at", "by", "reason"}; reason NULL when absent. */
static json_t *finding(seal_registry *reg, const char *cover)
{
    seal_buf ct, pt;
    seal_buf_init(&ct);
    seal_buf_init(&pt);
    json_t *j = NULL;
    if (reg->ops->secret_get(reg->be, "improper", cover, &ct, NULL) == SEAL_OK &&
        seal_box_unseal(reg->box, cover, strlen(cover), ct.data, ct.len, &pt, NULL) == SEAL_OK) {
        j = json_loadb((const char *) pt.data, pt.len, 0, NULL);
    }
    if (pt.data != NULL) {
        seal__wipe(pt.data, pt.len);
    }
    seal_buf_cleanup(&pt);
    seal_buf_cleanup(&ct);
    return j;
}

/* Step 1, one registry transaction and its ledger event: the finding, the
 * cover and its requests closed, the notices. */
static seal_status record_finding(seal_registry *reg, seal_reg_cover *c, const req_rows *rr,
                                  const char *reason, seal_error *err)
{
    uint8_t hash[SEAL_BOX_HASH_BYTES];
    seal_box_hash(reg->box, "improper", reason, strlen(reason), hash);
    json_t *f = json_object();
    seal_status s = SEAL_OK;
    char at[24];
    seal_time_format(at, sizeof(at), reg->now);
    if (f == NULL || json_object_set_new(f, "reason", json_string(reason)) != 0 ||
        json_object_set_new(f, "by", json_string(reg->me.id)) != 0 ||
        json_object_set_new(f, "at", json_string(at)) != 0) {
        json_decref(f);
        return seal_error_set(err, SEAL_NOMEM, "out of memory");
    }
    if ((s = seal__reg_begin(reg, err)) != SEAL_OK) {
        json_decref(f);
        return s;
    }
    c->state = SEAL_RS_CLOSED;
    if (c->end > reg->today) {
        c->end = reg->today; /* it ends today: the return clock (MC-11) starts */
    }
    s = reg->ops->cover_update(reg->be, c, err);
    for (size_t i = 0; s == SEAL_OK && i < rr->n; i++) {
        seal_reg_request r = rr->v[i];
        if (r.state == SEAL_RS_ACTIVE || r.state == SEAL_RS_REVIEW) {
            r.state = SEAL_RS_CLOSED;
            s = reg->ops->request_update(reg->be, &r, err);
        }
    }
    if (s == SEAL_OK) {
        s = put_sealed(reg, "improper", c->id, f, err);
    }
    if (s == SEAL_OK) {
        s = put_notices(reg, rr, c->id, reason, -1, err);
    }
    if (s == SEAL_OK) {
        seal_event_id ids[] = {{"actor", reg->me.id}, {"agency", c->agency}, {"cover", c->id}};
        s = queue_event(reg, "cover.improper", ids, 3, "reason", hash, err);
    }
    json_decref(f);
    if (s == SEAL_OK) {
        return seal__reg_commit(reg, err);
    }
    seal__reg_rollback(reg);
    return s;
}

static bool utf8_ok(const char *s)
{
    json_t *j = json_string(s); /* jansson refuses invalid UTF-8 */
    bool ok = j != NULL;
    json_decref(j);
    return ok;
}

seal_status seal_cover_improper(const char *dir, const char *principal, const char *cover,
                                const char *reason, int64_t now, seal_improper_result *res,
                                seal_error *err)
{
    memset(res, 0, sizeof(*res));
    seal_registry *reg = NULL;
    seal_store *st = NULL;
    json_t *doc = NULL, *f = NULL;
    req_rows rr = {.cover = cover};
    seal_reg_cover c;
    size_t rlen = strlen(reason);
    seal_status s = seal_registry_open(dir, principal, now, &reg, err);
    if (s != SEAL_OK) {
        return s;
    }
    uint32_t mask = 1u << SEAL_ROLE_PRIVACY_OFFICER | 1u << SEAL_ROLE_HQ_APPROVER;
    if ((s = seal__reg_require(reg, mask, "cover improper", err)) != SEAL_OK) {
        goto out;
    }
    if ((s = reg->ops->cover_get(reg->be, cover, &c, err)) != SEAL_OK) {
        if (s == SEAL_NOTFOUND) {
            seal_error_set(err, s, "cover %s: no such cover", cover);
        }
        goto out;
    }
    if ((s = requests(reg, &rr, err)) != SEAL_OK) {
        goto out;
    }
    f = finding(reg, cover);
    res->already = f != NULL;
    if (!res->already) {
        if (rlen == 0 || rlen > SEAL_IMPROPER_REASON_MAX || !utf8_ok(reason)) {
            s = seal_error_set(err, SEAL_INVALID,
                               "--reason: staff text of 1..%d bytes of UTF-8 is required",
                               SEAL_IMPROPER_REASON_MAX);
            goto out;
        }
        if ((s = record_finding(reg, &c, &rr, reason, err)) != SEAL_OK) {
            goto out;
        }
    } else {
        reason = json_string_value(json_object_get(f, "reason"));
        reason = reason != NULL ? reason : "";
    }
    /* Step 2: the pieces, in the record store. They are the cover subject's
     * records (cover_subject owns them), told apart by their cover id. */
    if ((doc = document(reg, c.latest, err)) == NULL) {
        s = err != NULL && err->status != SEAL_OK ? err->status : SEAL_CORRUPT;
        goto out;
    }
    const char *address =
        json_string_value(json_object_get(json_object_get(doc, "cover"), "address"));
    if (address == NULL) {
        s = seal_error_set(err, SEAL_CORRUPT, "cover %s: its document names no address", cover);
        goto out;
    }
    uint8_t commit[32];
    if ((s = seal_store_open(dir, &st, err)) != SEAL_OK ||
        (s = seal_store_destroy_cover(st, address, strlen(address), cover, &res->destroyed,
                                      &res->keys_shredded, commit, err)) != SEAL_OK) {
        goto out;
    }
    /* Step 3: the proof, and the count in the notices. A crash before it
     * leaves the finding on record; repeating the command finishes here. */
    char n_destroyed[24], n_keys[24];
    snprintf(n_destroyed, sizeof(n_destroyed), "%lld", (long long) res->destroyed);
    snprintf(n_keys, sizeof(n_keys), "%lld", (long long) res->keys_shredded);
    seal_event_id ids[] = {{"actor", reg->me.id},
                           {"cover", cover},
                           {"destroyed", n_destroyed},
                           {"keys_shredded", n_keys}};
    if ((s = ledger_size(reg, &res->ledger_index, err)) != SEAL_OK ||
        (s = seal__reg_begin(reg, err)) != SEAL_OK) {
        goto out;
    }
    if ((!res->already || res->destroyed > 0) &&
        (s = put_notices(reg, &rr, cover, reason, res->destroyed, err)) != SEAL_OK) {
        seal__reg_rollback(reg);
        goto out;
    }
    if ((s = queue_event(reg, "cover.records_destroyed", ids, 4, "destroyed", commit, err)) !=
            SEAL_OK ||
        (s = seal__reg_commit(reg, err)) != SEAL_OK) {
        seal__reg_rollback(reg);
        goto out;
    }
    s = each_production(reg, cover, list_return, res, err);
    if (s == SEAL_NOMEM) {
        seal_error_set(err, s, "out of memory");
    }
out:
    json_decref(doc);
    json_decref(f);
    seal_free(rr.v);
    seal_store_close(st);
    seal_registry_close(reg);
    return s;
}

seal_status seal_cover_returned(const char *dir, const char *principal, const char *production,
                                int64_t now, seal_error *err)
{
    seal_registry *reg = NULL;
    seal_status s = seal_registry_open(dir, principal, now, &reg, err);
    if (s != SEAL_OK) {
        return s;
    }
    const seal_acct_backend_ops *ops = &seal__sqlite_accounting;
    seal_acct_backend *acct = NULL;
    seal_acct_production p;
    seal_reg_request r;
    json_t *j = NULL;
    char at[24];
    if ((s = seal__reg_require(reg, 1u << SEAL_ROLE_PRIVACY_OFFICER, "cover returned", err)) !=
        SEAL_OK) {
        goto out;
    }
    /* a production's id is "P-" and its request's id (src/produce) */
    if (strncmp(production, "P-", 2) != 0 || !seal_id_valid(production) ||
        (s = ops->open(reg->dir, &acct, err)) != SEAL_OK ||
        (s = ops->production_get(acct, production + 2, &p, err)) != SEAL_OK ||
        strcmp(p.production, production) != 0 ||
        (s = reg->ops->request_get(reg->be, production + 2, &r, NULL, err)) != SEAL_OK ||
        r.cover[0] == '\0') {
        s = seal_error_set(err, SEAL_NOTFOUND, "production %s: no production of cover records",
                           production);
        goto out;
    }
    if (returned(reg, production)) {
        s = seal_error_set(err, SEAL_EXISTS, "production %s: its return is already recorded",
                           production);
        goto out;
    }
    seal_time_format(at, sizeof(at), reg->now);
    if ((j = json_pack("{s:s, s:s}", "at", at, "by", reg->me.id)) == NULL) {
        s = seal_error_set(err, SEAL_NOMEM, "out of memory");
        goto out;
    }
    if ((s = seal__reg_begin(reg, err)) != SEAL_OK) {
        goto out;
    }
    seal_event_id ids[] = {
        {"actor", reg->me.id}, {"cover", r.cover}, {"production", production}, {"request", r.id}};
    if ((s = put_sealed(reg, "returned", production, j, err)) != SEAL_OK ||
        (s = queue_event(reg, "cover.records_returned", ids, 4, NULL, NULL, err)) != SEAL_OK) {
        seal__reg_rollback(reg);
        goto out;
    }
    s = seal__reg_commit(reg, err);
out:
    json_decref(j);
    if (acct != NULL) {
        ops->close(acct);
    }
    seal_registry_close(reg);
    return s;
}
