/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Amendment of records (sealed/amend.h; LAW.md PA-13; 5 U.S.C.
 * 552a(d)(2)-(4)). Roles come from the registry (the acting principal and,
 * for a subject, the identifiers it is bound to), records from the store,
 * rows from DATA/amend.db (store/amend.h), texts sealed with sealed/box.h
 * under the amendment's id and the text's name as associated data.
 *
 * Order of effects for each transition: the row is updated inside an
 * amend.db transaction, the ledger event is appended (with a checkpoint),
 * a correction (grant, reversal) is written through seal_store_put, then
 * the row commits. A crash in between leaves a logged transition that did
 * not complete, never an unlogged one; repeating it is harmless (the
 * store's put of the same content is "unchanged").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/registry_int.h"
#include "sealed/alloc.h"
#include "sealed/amend.h"
#include "sealed/box.h"
#include "sealed/ledger.h"
#include "sealed/policy.h"
#include "sealed/store.h"
#include "sealed/time.h"
#include "store/amend.h"

#define DAY 86400
#define ROLE(r) (1u << (r))
#define OFFICER ROLE(SEAL_ROLE_PRIVACY_OFFICER)

const char *seal_amend_state_name(int state)
{
    static const char *const names[SEAL_AMEND_STATE_COUNT] = {
        "filed", "acknowledged", "granted", "refused", "upheld", "reversed"};
    return state >= 0 && state < SEAL_AMEND_STATE_COUNT ? names[state] : NULL;
}

/* Everything one operation holds open. */
typedef struct ctx {
    const char *dir;
    int64_t now, today; /* today: days since epoch */
    seal_registry *reg;
    seal_store *st;
    const seal_amend_backend_ops *ops;
    seal_amend_backend *be;
    seal_amend_row row;
    /* the subject principal's commitments */
    uint8_t mine[SEAL_SUBJECT_MAX_IDENTS][32];
    size_t n_mine;
} ctx;

static void ctx_close(ctx *c)
{
    if (c->be != NULL) {
        c->ops->close(c->be);
    }
    seal_store_close(c->st);
    seal_registry_close(c->reg);
    memset(&c->row, 0, sizeof(c->row));
}

static seal_status ctx_open(ctx *c, const char *dir, const char *principal, int64_t now,
                            seal_error *err)
{
    memset(c, 0, sizeof(*c));
    c->dir = dir;
    c->now = now;
    c->today = seal_time_day(now);
    c->ops = &seal__sqlite_amend;
    seal_status s = seal_registry_open(dir, principal, now, &c->reg, err);
    if (s == SEAL_OK && principal != NULL) {
        s = seal__reg_require(c->reg, 0, "amend", err);
    }
    if (s == SEAL_OK) {
        s = seal_store_open(dir, &c->st, err);
    }
    if (s == SEAL_OK) {
        s = c->ops->open(dir, &c->be, err);
    }
    return s;
}

static bool has_role(const ctx *c, uint32_t mask)
{
    return c->reg->has_principal && (c->reg->me.roles & mask) != 0;
}

/* The commitments of the identifiers a subject principal is bound to. */
static seal_status load_mine(ctx *c, seal_error *err)
{
    if (!has_role(c, ROLE(SEAL_ROLE_SUBJECT))) {
        return SEAL_OK;
    }
    seal_buf ids;
    seal_buf_init(&ids);
    seal_status s = seal_subject_identifiers(c->reg, &ids, err);
    if (s == SEAL_NOTFOUND) {
        s = SEAL_OK;
    }
    size_t pos = 0;
    while (s == SEAL_OK && pos < ids.len && c->n_mine < SEAL_SUBJECT_MAX_IDENTS) {
        char *line = (char *) ids.data + pos;
        char *nl = memchr(line, '\n', ids.len - pos);
        size_t n = nl != NULL ? (size_t) (nl - line) : ids.len - pos;
        pos += n + 1;
        char *colon = memchr(line, ':', n);
        if (colon == NULL) {
            continue;
        }
        char tn[16];
        size_t tl = (size_t) (colon - line);
        if (tl == 0 || tl >= sizeof(tn)) {
            continue;
        }
        memcpy(tn, line, tl);
        tn[tl] = '\0';
        seal_index_type t;
        if (seal_index_type_parse(tn, &t) == SEAL_OK &&
            seal_store_commitment(c->st, t, colon + 1, n - tl - 1, c->mine[c->n_mine], NULL) ==
                SEAL_OK) {
            c->n_mine++;
        }
    }
    if (ids.data != NULL) {
        memset(ids.data, 0, ids.len);
    }
    seal_buf_cleanup(&ids);
    return s;
}

static bool is_mine(const ctx *c, const uint8_t subject[32])
{
    for (size_t i = 0; i < c->n_mine; i++) {
        if (memcmp(c->mine[i], subject, 32) == 0) {
            return true;
        }
    }
    return false;
}

static void policy_days(int64_t *ack, int64_t *review)
{
    *ack = 10;
    *review = 30;
    seal_policy *p = NULL;
    if (seal_policy_builtin("strict", &p, NULL) == SEAL_OK) {
        seal_policy_numbers num;
        seal_policy_get_numbers(p, &num);
        if (num.amend_ack_working_days > 0) {
            *ack = num.amend_ack_working_days;
        }
        if (num.amend_review_working_days > 0) {
            *review = num.amend_review_working_days;
        }
    }
    seal_policy_free(p);
}

static void date_id(char out[16], int64_t t)
{
    seal_date_format(out, 16, t);
}

/* Seals text under ad "amend/<id>/<what>" into bl. */
static seal_status seal_text(ctx *c, const char *what, const char *text, seal_amend_blob *bl,
                             seal_error *err)
{
    char ad[200];
    snprintf(ad, sizeof(ad), "amend/%s/%s", c->row.id, what);
    seal_buf out;
    seal_buf_init(&out);
    seal_status s = seal_box_seal(c->reg->box, ad, strlen(ad), text, strlen(text), &out);
    if (s == SEAL_OK && out.len > sizeof(bl->data)) {
        s = SEAL_LIMIT;
    }
    if (s == SEAL_OK) {
        memcpy(bl->data, out.data, out.len);
        bl->len = out.len;
    } else {
        seal_error_set(err, s, "%s: cannot seal", what);
    }
    seal_buf_cleanup(&out);
    return s;
}

static seal_status unseal_text(const seal_box *box, const char *id, const char *what,
                               const seal_amend_blob *bl, seal_buf *out, seal_error *err)
{
    char ad[200];
    snprintf(ad, sizeof(ad), "amend/%s/%s", id, what);
    seal_buf_reset(out);
    seal_status s = seal_box_unseal(box, ad, strlen(ad), bl->data, bl->len, out, err);
    if (s == SEAL_OK) {
        s = seal_buf_append_byte(out, '\0');
    }
    return s;
}

static seal_status check_text(const char *what, const char *t, seal_error *err)
{
    size_t n = t != NULL ? strlen(t) : 0;
    if (n == 0 || n > SEAL_AMEND_TEXT_MAX || !seal_utf8_printable(t, n)) {
        return seal_error_set(err, SEAL_INVALID,
                              "%s: 1 to %d bytes of printable UTF-8 (not shown here)", what,
                              SEAL_AMEND_TEXT_MAX);
    }
    return SEAL_OK;
}

/* One ledger event (ids only, plus commitments), with a fresh checkpoint. */
static seal_status log_event(ctx *c, const char *type, const char *const *kv, size_t n_kv,
                             const seal_event_commit *cm, size_t n_cm, seal_error *err)
{
    seal_event_id ids[SEAL_EVENT_MAX_FIELDS];
    size_t n = 0;
    for (size_t i = 0; i + 1 < 2 * n_kv && n < SEAL_EVENT_MAX_FIELDS; i += 2) {
        if (kv[i + 1] != NULL && kv[i + 1][0] != '\0') {
            ids[n].name = kv[i];
            ids[n].value = kv[i + 1];
            n++;
        }
    }
    seal_event ev = {
        .type = type, .time = c->now, .ids = ids, .n_ids = n, .commits = cm, .n_commits = n_cm};
    char path[1100];
    snprintf(path, sizeof(path), "%s/ledger", c->dir);
    seal_ledger *led = NULL;
    seal_buf e;
    seal_buf_init(&e);
    uint64_t index;
    seal_status s = seal_event_encode(&ev, &e, err);
    if (s == SEAL_OK && (s = seal_ledger_open(path, NULL, &led, err)) == SEAL_OK &&
        (s = seal_ledger_append(led, e.data, e.len, &index, err)) == SEAL_OK) {
        seal_buf_reset(&e);
        s = seal_ledger_checkpoint(led, &e, err);
    }
    if (s != SEAL_OK) {
        seal_error_prefix(err, "ledger");
    }
    seal_ledger_close(led);
    seal_buf_cleanup(&e);
    return s;
}

/* ---- records: finding one, checking a field, correcting it ------------------- */

typedef struct find {
    int64_t record;
    const char *field;
    const char *value; /* requested: validated against the field */
    bool found;
    seal_status status;
    seal_error *err;
    char kind[33];
    /* the corrected copy (get_copy) */
    seal_buf arena;
    const seal_kind *k;
    size_t off[SEAL_MAX_FIELDS], n[SEAL_MAX_FIELDS];
    bool present[SEAL_MAX_FIELDS];
} find;

static seal_status check_field(const seal_kind *k, const char *field, const char *value, int *fi,
                               seal_error *err)
{
    int f = seal_kind_field(k, field, strlen(field));
    if (f < 0) {
        return seal_error_set(err, SEAL_INVALID, "--field: %s has no field %s", k->name, field);
    }
    for (size_t i = 0; i < k->nnatural; i++) {
        if (k->natural_key[i] == f) {
            return seal_error_set(err, SEAL_INVALID,
                                  "--field: %s is part of the record's identity; it cannot be "
                                  "amended",
                                  field);
        }
    }
    for (size_t i = 0; i < k->nowners; i++) {
        if (k->owners[i].field == f) {
            return seal_error_set(err, SEAL_INVALID,
                                  "--field: %s decides whose record it is; it cannot be amended",
                                  field);
        }
    }
    if (value != NULL && seal_field_validate(&k->fields[f], value, strlen(value), err) != SEAL_OK) {
        seal_error_prefix(err, "--requested: %s", field);
        return SEAL_INVALID;
    }
    *fi = f;
    return SEAL_OK;
}

static seal_status on_lookup(const seal_record *rec, int64_t id, void *ud)
{
    find *f = ud;
    if (id != f->record || f->found) {
        return SEAL_OK;
    }
    f->found = true;
    snprintf(f->kind, sizeof(f->kind), "%s", rec->kind->name);
    int fi;
    f->status = check_field(rec->kind, f->field, f->value, &fi, f->err);
    return SEAL_OK;
}

static seal_status on_get(const seal_record *rec, int64_t id, void *ud)
{
    (void) id;
    find *f = ud;
    f->k = rec->kind;
    f->found = true;
    for (size_t i = 0; i < rec->kind->nfields; i++) {
        f->present[i] = rec->v[i] != NULL;
        if (!f->present[i]) {
            continue;
        }
        f->off[i] = f->arena.len;
        f->n[i] = rec->n[i];
        if (seal_buf_append(&f->arena, rec->v[i], rec->n[i]) != SEAL_OK) {
            return SEAL_NOMEM;
        }
    }
    return SEAL_OK;
}

/* Reads the record and builds its corrected copy in rec (borrowing f). */
static seal_status corrected(ctx *c, find *f, seal_record *rec, seal_error *err)
{
    f->found = false;
    seal_status s = seal_store_get(c->st, c->row.record, on_get, f, err);
    if (s == SEAL_NOTFOUND || s == SEAL_SHREDDED || (s == SEAL_OK && !f->found)) {
        return seal_error_set(err, SEAL_REFUSED,
                              "amendment %s: its record is no longer held (refuse it instead)",
                              c->row.id);
    }
    if (s != SEAL_OK) {
        return s;
    }
    int fi;
    if ((s = check_field(f->k, c->row.field, f->value, &fi, err)) != SEAL_OK) {
        return s;
    }
    memset(rec, 0, sizeof(*rec));
    rec->kind = f->k;
    for (size_t i = 0; i < f->k->nfields; i++) {
        if (f->present[i]) {
            rec->v[i] = (const char *) f->arena.data + f->off[i];
            rec->n[i] = f->n[i];
        }
    }
    rec->v[fi] = f->value;
    rec->n[fi] = strlen(f->value);
    return SEAL_OK;
}

static seal_status apply(ctx *c, const seal_record *rec, seal_error *err)
{
    seal_put_outcome out;
    seal_status s = seal_store_begin(c->st, err);
    if (s == SEAL_OK && (s = seal_store_put(c->st, rec, &out, err)) == SEAL_OK) {
        s = seal_store_commit(c->st, err);
    }
    if (s != SEAL_OK) {
        seal_store_rollback(c->st);
        seal_error_prefix(err, "amendment %s: correcting the record", c->row.id);
    }
    return s;
}

/* ---- transitions ------------------------------------------------------------ */

seal_status seal_amend_file(const char *dir, const char *principal, int64_t now,
                            seal_index_type type, const char *value, int64_t record,
                            const char *field, const char *requested, char id[SEAL_AMEND_ID_SIZE],
                            seal_error *err)
{
    id[0] = '\0';
    ctx c;
    find f;
    memset(&f, 0, sizeof(f));
    seal_buf_init(&f.arena);
    seal_status s = check_text("--requested", requested, err);
    if (s == SEAL_OK) {
        s = ctx_open(&c, dir, principal, now, err);
    } else {
        memset(&c, 0, sizeof(c));
    }
    uint8_t commit[32];
    if (s == SEAL_OK && (s = load_mine(&c, err)) == SEAL_OK) {
        s = seal_store_commitment(c.st, type, value, strlen(value), commit, err);
        if (s == SEAL_INVALID) {
            s = seal_error_set(err, SEAL_INVALID, "--subject: not a valid %s",
                               seal_index_type_name(type));
        }
    }
    if (s == SEAL_OK && !has_role(&c, OFFICER) && !is_mine(&c, commit)) {
        s = seal_error_set(err, SEAL_PERM,
                           "amend file: principal %s is neither a privacy_officer nor a subject "
                           "bound to that identifier",
                           principal);
    }
    if (s == SEAL_OK) {
        f.record = record;
        f.field = field;
        f.value = requested;
        f.err = err;
        s = seal_store_lookup(c.st, type, value, strlen(value), on_lookup, &f, err);
        if (s == SEAL_OK && !f.found) {
            s = seal_error_set(err, SEAL_NOTFOUND,
                               "--record: record %lld is not one the identifier finds",
                               (long long) record);
        }
        if (s == SEAL_OK) {
            s = f.status;
        }
    }
    int64_t ack_days, review_days;
    policy_days(&ack_days, &review_days);
    if (s == SEAL_OK && (s = c.ops->begin(c.be, err)) == SEAL_OK) {
        seal_amend_row *r = &c.row;
        memset(r, 0, sizeof(*r));
        s = c.ops->next_seq(c.be, &r->seq, err);
        snprintf(r->id, sizeof(r->id), "AM-%06lld", (long long) r->seq);
        memcpy(r->subject, commit, 32);
        r->record = record;
        snprintf(r->kind, sizeof(r->kind), "%s", f.kind);
        snprintf(r->field, sizeof(r->field), "%s", field);
        r->state = SEAL_AMEND_FILED;
        snprintf(r->filed_by, sizeof(r->filed_by), "%s", principal);
        r->filed = now;
        r->ack_due = seal_working_days_add(c.today, ack_days) * DAY;
        if (s == SEAL_OK) {
            s = seal_text(&c, "requested", requested, &r->requested, err);
        }
        char due[16];
        date_id(due, r->ack_due);
        seal_event_commit cm[2];
        cm[0].name = "subject";
        memcpy(cm[0].value, commit, 32);
        cm[1].name = "requested";
        char hin[SEAL_AMEND_ID_SIZE + SEAL_AMEND_TEXT_MAX + 2];
        int hl = snprintf(hin, sizeof(hin), "%s\n%s", r->id, requested);
        seal_box_hash(c.reg->box, "amend", hin, hl > 0 ? (size_t) hl : 0, cm[1].value);
        memset(hin, 0, sizeof(hin));
        const char *kv[] = {"amendment", r->id,   "actor",  principal, "kind",
                            r->kind,     "field", r->field, "ack_due", due};
        if (s == SEAL_OK) {
            s = c.ops->put(c.be, r, err);
        }
        if (s == SEAL_OK) {
            s = log_event(&c, "amend.filed", kv, 5, cm, 2, err);
        }
        if (s == SEAL_OK) {
            s = c.ops->commit(c.be, err);
        }
        if (s != SEAL_OK) {
            c.ops->rollback(c.be);
        } else {
            snprintf(id, SEAL_AMEND_ID_SIZE, "%s", r->id);
        }
    }
    seal_buf_cleanup(&f.arena);
    ctx_close(&c);
    return s;
}

/* Opens, checks the role and loads the row inside a transaction. */
static seal_status begin_on(ctx *c, const char *dir, const char *principal, int64_t now,
                            const char *id, uint32_t roles, bool or_subject, const char *what,
                            seal_error *err)
{
    if (!seal_id_valid(id)) {
        memset(c, 0, sizeof(*c));
        return seal_error_set(err, SEAL_INVALID, "%s: not an amendment id", what);
    }
    seal_status s = ctx_open(c, dir, principal, now, err);
    if (s == SEAL_OK && or_subject) {
        s = load_mine(c, err);
    }
    if (s == SEAL_OK && (s = c->ops->begin(c->be, err)) == SEAL_OK) {
        s = c->ops->get(c->be, id, &c->row, err);
        if (s != SEAL_OK) {
            c->ops->rollback(c->be);
        }
    }
    if (s == SEAL_OK && !has_role(c, roles) && !(or_subject && is_mine(c, c->row.subject))) {
        c->ops->rollback(c->be);
        s = seal_error_set(err, SEAL_PERM, "%s: principal %s may not", what, principal);
    }
    return s;
}

static seal_status finish(ctx *c, seal_status s, const char *type, const char *const *kv,
                          size_t n_kv, const seal_event_commit *cm, size_t n_cm,
                          const seal_record *correct, seal_error *err)
{
    if (s == SEAL_OK) {
        s = c->ops->put(c->be, &c->row, err);
    }
    if (s == SEAL_OK) {
        s = log_event(c, type, kv, n_kv, cm, n_cm, err);
    }
    if (s == SEAL_OK && correct != NULL) {
        s = apply(c, correct, err);
    }
    if (s == SEAL_OK) {
        s = c->ops->commit(c->be, err);
    }
    if (s != SEAL_OK && c->be != NULL) {
        c->ops->rollback(c->be);
    }
    return s;
}

static seal_status wrong_state(ctx *c, const char *what, seal_error *err)
{
    c->ops->rollback(c->be);
    return seal_error_set(err, SEAL_REFUSED, "%s: amendment %s is %s", what, c->row.id,
                          seal_amend_state_name(c->row.state));
}

seal_status seal_amend_acknowledge(const char *dir, const char *principal, int64_t now,
                                   const char *id, seal_error *err)
{
    ctx c;
    seal_status s = begin_on(&c, dir, principal, now, id, OFFICER, false, "amend acknowledge", err);
    if (s == SEAL_OK && c.row.state != SEAL_AMEND_FILED) {
        s = wrong_state(&c, "amend acknowledge", err);
    } else if (s == SEAL_OK) {
        c.row.state = SEAL_AMEND_ACKNOWLEDGED;
        c.row.acked = now;
        char due[16];
        date_id(due, c.row.ack_due);
        const char *kv[] = {
            "amendment", c.row.id, "actor",  principal,
            "ack_due",   due,      "timely", c.today * DAY > c.row.ack_due ? "late" : "on_time"};
        s = finish(&c, s, "amend.acknowledged", kv, 4, NULL, 0, NULL, err);
    }
    ctx_close(&c);
    return s;
}

seal_status seal_amend_decide(const char *dir, const char *principal, int64_t now, const char *id,
                              bool grant, const char *reason, seal_error *err)
{
    ctx c;
    find f;
    memset(&f, 0, sizeof(f));
    seal_buf_init(&f.arena);
    seal_buf req;
    seal_buf_init(&req);
    seal_status s = SEAL_OK;
    if (!grant) {
        s = check_text("--reason", reason, err);
    } else if (reason != NULL && reason[0] != '\0') {
        s = check_text("--reason", reason, err);
    }
    if (s != SEAL_OK) {
        return s;
    }
    s = begin_on(&c, dir, principal, now, id, OFFICER, false, "amend decide", err);
    if (s == SEAL_OK && c.row.state != SEAL_AMEND_FILED && c.row.state != SEAL_AMEND_ACKNOWLEDGED) {
        s = wrong_state(&c, "amend decide", err);
        goto out;
    }
    if (s != SEAL_OK) {
        goto out;
    }
    seal_record rec;
    if (grant) {
        s = unseal_text(c.reg->box, c.row.id, "requested", &c.row.requested, &req, err);
        f.value = (const char *) req.data;
        if (s == SEAL_OK) {
            s = corrected(&c, &f, &rec, err);
        }
    }
    int64_t ack_days, review_days;
    policy_days(&ack_days, &review_days);
    if (c.row.acked == 0) {
        c.row.acked = now; /* a decision acknowledges too */
    }
    c.row.decided = now;
    snprintf(c.row.decided_by, sizeof(c.row.decided_by), "%s", principal);
    char due[16] = "";
    if (grant) {
        c.row.state = SEAL_AMEND_GRANTED;
    } else {
        c.row.state = SEAL_AMEND_REFUSED;
        c.row.review_due = seal_working_days_add(c.today, review_days) * DAY;
        date_id(due, c.row.review_due);
    }
    if (s == SEAL_OK && reason != NULL && reason[0] != '\0') {
        s = seal_text(&c, "reason", reason, &c.row.reason, err);
    }
    const char *kv[] = {"amendment",  c.row.id,  "actor",
                        principal,    "outcome", grant ? "granted" : "refused",
                        "review_due", due};
    if (s != SEAL_OK) {
        c.ops->rollback(c.be);
    } else {
        s = finish(&c, s, "amend.decided", kv, 4, NULL, 0, grant ? &rec : NULL, err);
    }
out:
    if (req.data != NULL) {
        memset(req.data, 0, req.len);
    }
    if (f.arena.data != NULL) {
        memset(f.arena.data, 0, f.arena.len);
    }
    seal_buf_cleanup(&req);
    seal_buf_cleanup(&f.arena);
    ctx_close(&c);
    return s;
}

seal_status seal_amend_review(const char *dir, const char *principal, int64_t now, const char *id,
                              bool uphold, seal_error *err)
{
    ctx c;
    find f;
    memset(&f, 0, sizeof(f));
    seal_buf_init(&f.arena);
    seal_buf req;
    seal_buf_init(&req);
    seal_status s = begin_on(&c, dir, principal, now, id, OFFICER, false, "amend review", err);
    if (s == SEAL_OK && c.row.state != SEAL_AMEND_REFUSED) {
        s = wrong_state(&c, "amend review", err);
        goto out;
    }
    if (s == SEAL_OK && strcmp(c.row.decided_by, principal) == 0) {
        c.ops->rollback(c.be);
        s = seal_error_set(err, SEAL_REFUSED,
                           "%s refused it; another privacy officer reviews "
                           "(5 U.S.C. 552a(d)(3))",
                           principal);
        goto out;
    }
    if (s != SEAL_OK) {
        goto out;
    }
    seal_record rec;
    if (!uphold) {
        s = unseal_text(c.reg->box, c.row.id, "requested", &c.row.requested, &req, err);
        f.value = (const char *) req.data;
        if (s == SEAL_OK) {
            s = corrected(&c, &f, &rec, err);
        }
    }
    c.row.state = uphold ? SEAL_AMEND_UPHELD : SEAL_AMEND_REVERSED;
    c.row.reviewed = now;
    snprintf(c.row.reviewed_by, sizeof(c.row.reviewed_by), "%s", principal);
    char due[16];
    date_id(due, c.row.review_due);
    const char *kv[] = {"amendment",  c.row.id,
                        "actor",      principal,
                        "outcome",    uphold ? "upheld" : "reversed",
                        "review_due", due,
                        "timely",     c.today * DAY > c.row.review_due ? "late" : "on_time"};
    if (s != SEAL_OK) {
        c.ops->rollback(c.be);
    } else {
        s = finish(&c, s, "amend.reviewed", kv, 5, NULL, 0, uphold ? NULL : &rec, err);
    }
out:
    if (req.data != NULL) {
        memset(req.data, 0, req.len);
    }
    if (f.arena.data != NULL) {
        memset(f.arena.data, 0, f.arena.len);
    }
    seal_buf_cleanup(&req);
    seal_buf_cleanup(&f.arena);
    ctx_close(&c);
    return s;
}

seal_status seal_amend_disagree(const char *dir, const char *principal, int64_t now, const char *id,
                                const char *statement, seal_error *err)
{
    seal_status s = check_text("--statement", statement, err);
    if (s != SEAL_OK) {
        return s;
    }
    ctx c;
    s = begin_on(&c, dir, principal, now, id, OFFICER, true, "amend disagree", err);
    if (s == SEAL_OK && c.row.state != SEAL_AMEND_UPHELD) {
        s = wrong_state(&c, "amend disagree", err);
    } else if (s == SEAL_OK && c.row.disagreed != 0) {
        c.ops->rollback(c.be);
        s = seal_error_set(err, SEAL_EXISTS, "amend disagree: amendment %s has its statement",
                           c.row.id);
    } else if (s == SEAL_OK) {
        c.row.disagreed = now;
        snprintf(c.row.disagreed_by, sizeof(c.row.disagreed_by), "%s", principal);
        s = seal_text(&c, "statement", statement, &c.row.statement, err);
        seal_event_commit cm[1];
        cm[0].name = "statement";
        char hin[SEAL_AMEND_ID_SIZE + SEAL_AMEND_TEXT_MAX + 2];
        int hl = snprintf(hin, sizeof(hin), "%s\n%s", c.row.id, statement);
        seal_box_hash(c.reg->box, "amend", hin, hl > 0 ? (size_t) hl : 0, cm[0].value);
        memset(hin, 0, sizeof(hin));
        const char *kv[] = {"amendment", c.row.id, "actor", principal};
        if (s != SEAL_OK) {
            c.ops->rollback(c.be);
        } else {
            s = finish(&c, s, "amend.disagreement", kv, 2, cm, 1, NULL, err);
        }
    }
    ctx_close(&c);
    return s;
}

/* ---- reading ------------------------------------------------------------------ */

/* The deadline running for a row, if any. */
static const char *pending(const seal_amend_row *r, int64_t *due)
{
    if (r->state == SEAL_AMEND_FILED) {
        *due = r->ack_due;
        return "acknowledgement";
    }
    if (r->state == SEAL_AMEND_REFUSED) {
        *due = r->review_due;
        return "review";
    }
    return NULL;
}

typedef struct list_ctx {
    ctx *c;
    seal_buf *out;
    size_t n;
    bool all;
    const char *only;
    bool found;
    seal_buf tmp;
    seal_error *err;
} list_ctx;

static seal_status put_date(seal_buf *o, const char *key, int64_t t)
{
    if (t == 0) {
        return seal_buf_printf(o, ", \"%s\": null", key);
    }
    char d[24];
    seal_time_format(d, sizeof(d), t);
    return seal_buf_printf(o, ", \"%s\": \"%s\"", key, d);
}

static seal_status put_text(list_ctx *l, const seal_amend_row *r, const char *key,
                            const seal_amend_blob *bl)
{
    if (bl->len == 0) {
        return seal_buf_printf(l->out, ", \"%s\": null", key);
    }
    seal_status s = unseal_text(l->c->reg->box, r->id, key, bl, &l->tmp, l->err);
    if (s != SEAL_OK) {
        return s;
    }
    s = seal_buf_printf(l->out, ", \"%s\": \"", key);
    for (const char *p = (const char *) l->tmp.data; s == SEAL_OK && *p != '\0'; p++) {
        unsigned char ch = (unsigned char) *p;
        if (ch == '"' || ch == '\\') {
            s = seal_buf_printf(l->out, "\\%c", ch);
        } else if (ch < 0x20) {
            s = seal_buf_printf(l->out, "\\u%04x", ch);
        } else {
            s = seal_buf_append_byte(l->out, ch);
        }
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_byte(l->out, '"');
    }
    memset(l->tmp.data, 0, l->tmp.len);
    return s;
}

static seal_status list_row(const seal_amend_row *r, void *ud)
{
    list_ctx *l = ud;
    if (l->only != NULL && strcmp(r->id, l->only) != 0) {
        return SEAL_OK;
    }
    if (!l->all && !is_mine(l->c, r->subject)) {
        return SEAL_OK;
    }
    l->found = true;
    seal_buf *o = l->out;
    char fd[16];
    date_id(fd, r->filed);
    seal_status s = seal_buf_printf(o,
                                    "%s\n  {\"id\": \"%s\", \"state\": \"%s\", \"record\": %lld, "
                                    "\"kind\": \"%s\", \"field\": \"%s\", \"filed_by\": \"%s\"",
                                    l->n++ > 0 ? "," : "", r->id, seal_amend_state_name(r->state),
                                    (long long) r->record, r->kind, r->field, r->filed_by);
    if (s == SEAL_OK) {
        s = put_date(o, "filed", r->filed);
    }
    if (s == SEAL_OK) {
        char d[16];
        date_id(d, r->ack_due);
        s = seal_buf_printf(o, ", \"ack_due\": \"%s\"", d);
    }
    if (s == SEAL_OK) {
        s = put_date(o, "acknowledged", r->acked);
    }
    if (s == SEAL_OK) {
        s = put_date(o, "decided", r->decided);
    }
    if (s == SEAL_OK && r->review_due != 0) {
        char d[16];
        date_id(d, r->review_due);
        s = seal_buf_printf(o, ", \"review_due\": \"%s\"", d);
    }
    if (s == SEAL_OK) {
        s = put_date(o, "reviewed", r->reviewed);
    }
    if (s == SEAL_OK) {
        s = seal_buf_printf(o, ", \"disagreement\": %s", r->disagreed != 0 ? "true" : "false");
    }
    int64_t due = 0;
    const char *dl = pending(r, &due);
    if (s == SEAL_OK && dl != NULL) {
        char d[16];
        date_id(d, due);
        int64_t left = seal_working_days_between(l->c->today, seal_time_day(due));
        s = seal_buf_printf(o,
                            ", \"deadline\": \"%s\", \"due\": \"%s\", \"working_days_left\": "
                            "%lld, \"overdue\": %s",
                            dl, d, (long long) left, l->c->today * DAY > due ? "true" : "false");
    }
    if (s == SEAL_OK && l->only != NULL) {
        s = put_text(l, r, "requested", &r->requested);
        if (s == SEAL_OK) {
            s = put_text(l, r, "reason", &r->reason);
        }
        if (s == SEAL_OK) {
            s = put_text(l, r, "statement", &r->statement);
        }
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_str(o, "}");
    }
    return s;
}

seal_status seal_amend_list(const char *dir, const char *principal, int64_t now, const char *only,
                            seal_buf *out, seal_error *err)
{
    ctx c;
    seal_status s = ctx_open(&c, dir, principal, now, err);
    if (s == SEAL_OK) {
        s = load_mine(&c, err);
    }
    bool all = s == SEAL_OK && has_role(&c, OFFICER | ROLE(SEAL_ROLE_AUDITOR));
    if (s == SEAL_OK && !all && !has_role(&c, ROLE(SEAL_ROLE_SUBJECT))) {
        s = seal_error_set(err, SEAL_PERM,
                           "amend list: principal %s is not a privacy_officer, auditor or subject",
                           principal);
    }
    if (s == SEAL_OK && only != NULL && has_role(&c, ROLE(SEAL_ROLE_AUDITOR)) &&
        !has_role(&c, OFFICER)) {
        all = false; /* auditors see states and dates, not a person's texts */
    }
    list_ctx l = {.c = &c, .out = out, .all = all, .only = only, .err = err};
    seal_buf_init(&l.tmp);
    if (s == SEAL_OK) {
        s = seal_buf_append_str(out, "[");
    }
    if (s == SEAL_OK) {
        s = c.ops->each(c.be, list_row, &l, err);
    }
    if (s == SEAL_OK && only != NULL && !l.found) {
        s = seal_error_set(err, SEAL_NOTFOUND, "no amendment %s the principal may see", only);
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_str(out, l.n > 0 ? "\n]\n" : "]\n");
    }
    seal_buf_cleanup(&l.tmp);
    ctx_close(&c);
    return s;
}

typedef struct overdue_ctx {
    ctx *c;
    seal_buf *out;
    size_t n;
    /* rows newly overdue, logged after the scan */
    char (*ids)[SEAL_AMEND_ID_SIZE];
    size_t n_new, cap;
} overdue_ctx;

static seal_status overdue_row(const seal_amend_row *r, void *ud)
{
    overdue_ctx *o = ud;
    int64_t due = 0;
    const char *dl = pending(r, &due);
    if (dl == NULL || o->c->today * DAY <= due) {
        return SEAL_OK;
    }
    char d[16];
    date_id(d, due);
    seal_status s =
        seal_buf_printf(o->out, "%s{\"amendment\": \"%s\", \"deadline\": \"%s\", \"due\": \"%s\"}",
                        o->n++ > 0 ? ", " : "", r->id, dl, d);
    int bit = r->state == SEAL_AMEND_FILED ? 1 : 2;
    if (s == SEAL_OK && (r->overdue_logged & bit) == 0) {
        if (o->n_new == o->cap) {
            size_t cap = o->cap == 0 ? 8 : 2 * o->cap;
            void *p = seal_realloc(o->ids, cap * sizeof(*o->ids));
            if (p == NULL) {
                return SEAL_NOMEM;
            }
            o->ids = p;
            o->cap = cap;
        }
        snprintf(o->ids[o->n_new++], SEAL_AMEND_ID_SIZE, "%s", r->id);
    }
    return s;
}

seal_status seal_amend_overdue(const char *dir, int64_t now, seal_buf *out, seal_error *err)
{
    ctx c;
    seal_status s = ctx_open(&c, dir, NULL, now, err);
    overdue_ctx o = {.c = &c, .out = out};
    if (s == SEAL_OK) {
        s = seal_buf_append_str(out, "[");
    }
    if (s == SEAL_OK) {
        s = c.ops->each(c.be, overdue_row, &o, err);
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_str(out, "]\n");
    }
    /* each newly overdue deadline: flagged and logged once */
    for (size_t i = 0; s == SEAL_OK && i < o.n_new; i++) {
        if ((s = c.ops->begin(c.be, err)) != SEAL_OK) {
            break;
        }
        if ((s = c.ops->get(c.be, o.ids[i], &c.row, err)) != SEAL_OK) {
            c.ops->rollback(c.be);
            break;
        }
        int64_t due = 0;
        const char *dl = pending(&c.row, &due);
        if (dl == NULL) {
            c.ops->rollback(c.be);
            continue;
        }
        c.row.overdue_logged |= c.row.state == SEAL_AMEND_FILED ? 1 : 2;
        char d[16];
        date_id(d, due);
        const char *kv[] = {"amendment", c.row.id, "deadline", dl, "due", d};
        s = finish(&c, SEAL_OK, "amend.overdue", kv, 3, NULL, 0, NULL, err);
    }
    if (s == SEAL_NOMEM) {
        seal_error_set(err, s, "out of memory");
    }
    seal_free(o.ids);
    ctx_close(&c);
    return s;
}

typedef struct each_ctx {
    const seal_box *box;
    seal_amend_view_cb cb;
    void *ud;
    seal_buf t[3];
    seal_error *err;
} each_ctx;

static seal_status each_row(const seal_amend_row *r, void *ud)
{
    each_ctx *e = ud;
    const seal_amend_blob *bl[3] = {&r->requested, &r->reason, &r->statement};
    static const char *const names[3] = {"requested", "reason", "statement"};
    const char *txt[3] = {NULL, NULL, NULL};
    for (int i = 0; i < 3; i++) {
        if (bl[i]->len > 0) {
            seal_status s = unseal_text(e->box, r->id, names[i], bl[i], &e->t[i], e->err);
            if (s != SEAL_OK) {
                return s;
            }
            txt[i] = (const char *) e->t[i].data;
        }
    }
    seal_amend_view v = {.id = r->id,
                         .subject = r->subject,
                         .record = r->record,
                         .kind = r->kind,
                         .field = r->field,
                         .state = (seal_amend_state) r->state,
                         .filed = r->filed,
                         .ack_due = r->ack_due,
                         .acked = r->acked,
                         .decided = r->decided,
                         .review_due = r->review_due,
                         .reviewed = r->reviewed,
                         .disagreed = r->disagreed,
                         .requested = txt[0],
                         .reason = txt[1],
                         .statement = txt[2]};
    seal_status s = e->cb(&v, e->ud);
    for (int i = 0; i < 3; i++) {
        if (e->t[i].data != NULL) {
            memset(e->t[i].data, 0, e->t[i].len);
        }
    }
    return s;
}

seal_status seal_amend_each(const char *dir, seal_amend_view_cb cb, void *ud, seal_error *err)
{
    char path[1100];
    snprintf(path, sizeof(path), "%s/amend.db", dir);
    FILE *probe = fopen(path, "rb");
    if (probe == NULL) {
        return SEAL_OK; /* no amendment was ever filed */
    }
    fclose(probe);
    const seal_amend_backend_ops *ops = &seal__sqlite_amend;
    seal_amend_backend *be = NULL;
    each_ctx e = {.cb = cb, .ud = ud, .err = err};
    seal_box *box = NULL;
    for (int i = 0; i < 3; i++) {
        seal_buf_init(&e.t[i]);
    }
    seal_status s = seal_box_open(dir, &box, err);
    if (s == SEAL_OK) {
        e.box = box;
        s = ops->open(dir, &be, err);
    }
    if (s == SEAL_OK) {
        s = ops->each(be, each_row, &e, err);
    }
    if (be != NULL) {
        ops->close(be);
    }
    seal_box_free(box);
    for (int i = 0; i < 3; i++) {
        seal_buf_cleanup(&e.t[i]);
    }
    return s;
}
