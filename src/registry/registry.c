/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The registries of the legal process (issue 4): agencies, issuers (courts
 * and authorities with their signed-note verifier keys), principals (an
 * agency, roles, and the validity window that is the delegation PA-2 and
 * MC-2 ask for) and addresses under a protective order (PA-11, kept only as
 * keyed hashes). Also the registry handle itself: the acting principal, the
 * clock, and the ledger events every change writes.
 */
#include <stdio.h>
#include <string.h>

#include "core/crypto.h"
#include "registry/registry_int.h"
#include "sealed/address.h"
#include "sealed/alloc.h"
#include "sealed/schema.h"
#include "sealed/store.h"
#include "sealed/time.h"

static const char *const kind_names[SEAL_AGENCY_KIND_COUNT] = {"federal", "state", "local"};
static const char *const state_names[SEAL_RS_COUNT] = {
    "refused", "review", "denied", "active", "expired", "closed", "violation", "consent_pending"};

const char *seal_agency_kind_name(int kind)
{
    return kind >= 0 && kind < SEAL_AGENCY_KIND_COUNT ? kind_names[kind] : NULL;
}

int seal_agency_kind_from_name(const char *s)
{
    for (int i = 0; i < SEAL_AGENCY_KIND_COUNT; i++) {
        if (strcmp(s, kind_names[i]) == 0) {
            return i;
        }
    }
    return -1;
}

const char *seal_request_state_name(int state)
{
    return state >= 0 && state < SEAL_RS_COUNT ? state_names[state] : NULL;
}

bool seal_id_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 128) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == ':' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

seal_status seal__reg_copy(char *dst, size_t n, const char *s)
{
    size_t l = strlen(s);
    if (l >= n) {
        return SEAL_INVALID;
    }
    memcpy(dst, s, l + 1);
    return SEAL_OK;
}

bool seal__principal_valid(const seal_reg_principal *p, int64_t day)
{
    return p->valid_from <= day && day <= p->valid_until;
}

seal_status seal_registry_open(const char *dir, const char *principal, int64_t now,
                               seal_registry **out, seal_error *err)
{
    *out = NULL;
    seal_registry *reg = seal_calloc(1, sizeof(*reg));
    if (reg == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "out of memory");
    }
    seal_buf_init(&reg->events);
    reg->ops = &seal__sqlite_registry;
    reg->now = now;
    if (reg->ops->version != SEAL_REG_BACKEND_VERSION) {
        int v = reg->ops->version;
        seal_registry_close(reg);
        return seal_error_set(err, SEAL_STORE, "registry backend interface %d, expected %d", v,
                              SEAL_REG_BACKEND_VERSION);
    }
    reg->today = seal_time_day(now) * SEAL__DAY;
    seal_status s = seal__reg_copy(reg->dir, sizeof(reg->dir), dir);
    if (s != SEAL_OK) {
        seal_error_set(err, s, "data directory path too long");
        goto out;
    }
    /* the box first: it proves a store is here, so no stray registry.db is
     * created in a directory that is not a data directory */
    if ((s = seal_box_open(dir, &reg->box, err)) != SEAL_OK ||
        (s = reg->ops->open(dir, &reg->be, err)) != SEAL_OK ||
        (s = seal__reg_policy_open(reg, err)) != SEAL_OK ||
        (s = seal__basis_backfill(reg, err)) != SEAL_OK) {
        goto out;
    }
    if (principal != NULL) {
        if (!seal_id_valid(principal)) {
            s = seal_error_set(err, SEAL_PERM, "--as: not a principal id");
            goto out;
        }
        s = reg->ops->principal_get(reg->be, principal, &reg->me, err);
        if (s == SEAL_NOTFOUND) {
            s = seal_error_set(err, SEAL_PERM, "principal %s is not registered", principal);
        }
        if (s != SEAL_OK) {
            goto out;
        }
        reg->has_principal = true;
    }
out:
    if (s != SEAL_OK) {
        seal_registry_close(reg);
        return s;
    }
    *out = reg;
    return SEAL_OK;
}

void seal_registry_close(seal_registry *reg)
{
    if (reg == NULL) {
        return;
    }
    if (reg->be != NULL) {
        reg->ops->close(reg->be);
    }
    seal_box_free(reg->box);
    seal_policy_free(reg->last_policy);
    seal_policy_free(reg->record);
    seal_buf_cleanup(&reg->events);
    seal_free(reg);
}

seal_status seal__reg_require(seal_registry *reg, uint32_t mask, const char *what, seal_error *err)
{
    if (!reg->has_principal) {
        return seal_error_set(err, SEAL_PERM, "%s: act as a principal (--as ID)", what);
    }
    if (!seal__principal_valid(&reg->me, reg->today)) {
        return seal_error_set(err, SEAL_PERM,
                              "%s: the delegation of principal %s is not valid today", what,
                              reg->me.id);
    }
    if (mask != 0 && (reg->me.roles & mask) == 0) {
        return seal_error_set(err, SEAL_PERM, "%s: principal %s does not hold the role needed",
                              what, reg->me.id);
    }
    return SEAL_OK;
}

/* ---- ledger events -------------------------------------------------------------------- */

seal_status seal__reg_begin(seal_registry *reg, seal_error *err)
{
    seal_buf_reset(&reg->events);
    reg->n_events = 0;
    return reg->ops->begin(reg->be, err);
}

void seal__reg_rollback(seal_registry *reg)
{
    reg->ops->rollback(reg->be);
    seal_buf_reset(&reg->events);
    reg->n_events = 0;
}

seal_status seal__reg_event(seal_registry *reg, const char *type, const char *const *ids,
                            size_t n_ids, const uint8_t *policy_sha, const uint8_t *doc_hash,
                            seal_error *err)
{
    seal_event_id id[SEAL_EVENT_MAX_FIELDS];
    seal_event_commit commit[2];
    size_t ni = 0, nc = 0;
    if (reg->n_events + 1 >= sizeof(reg->ev_off) / sizeof(reg->ev_off[0])) {
        return seal_error_set(err, SEAL_LIMIT, "too many ledger events in one operation");
    }
    for (size_t i = 0; i + 1 < 2 * n_ids && ni < SEAL_EVENT_MAX_FIELDS; i += 2) {
        if (ids[i + 1] != NULL && ids[i + 1][0] != '\0' && seal_id_valid(ids[i + 1])) {
            id[ni].name = ids[i];
            id[ni].value = ids[i + 1];
            ni++;
        }
    }
    if (policy_sha != NULL) {
        commit[nc].name = "policy";
        memcpy(commit[nc++].value, policy_sha, SEAL_HASH_SIZE);
    }
    if (doc_hash != NULL) {
        commit[nc].name = "document";
        memcpy(commit[nc++].value, doc_hash, SEAL_HASH_SIZE);
    }
    seal_event ev = {
        .type = type, .time = reg->now, .ids = id, .n_ids = ni, .commits = commit, .n_commits = nc};
    reg->ev_off[reg->n_events] = reg->events.len;
    seal_status s = seal_event_encode(&ev, &reg->events, err);
    if (s == SEAL_OK) {
        reg->n_events++;
        reg->ev_off[reg->n_events] = reg->events.len;
    }
    return s;
}

seal_status seal__reg_commit(seal_registry *reg, seal_error *err)
{
    if (reg->batch_led != NULL) {
        return seal__reg_commit_batched(reg, err);
    }
    seal_status s = SEAL_OK;
    seal_ledger *led = NULL;
    seal_buf cp;
    seal_buf_init(&cp);
    if (reg->n_events > 0) {
        char path[1100];
        const void *ents[32];
        size_t lens[32];
        for (size_t i = 0; i < reg->n_events; i++) {
            ents[i] = reg->events.data + reg->ev_off[i];
            lens[i] = reg->ev_off[i + 1] - reg->ev_off[i];
        }
        uint64_t first;
        snprintf(path, sizeof(path), "%s/ledger", reg->dir);
        if ((s = seal_ledger_open(path, NULL, &led, err)) != SEAL_OK ||
            (s = seal_ledger_append_batch(led, ents, lens, reg->n_events, &first, err)) !=
                SEAL_OK ||
            (s = seal_ledger_checkpoint(led, &cp, err)) != SEAL_OK) {
            seal_error_prefix(err, "ledger");
        }
    }
    seal_ledger_close(led);
    seal_buf_cleanup(&cp);
    if (s == SEAL_OK) {
        s = reg->ops->commit(reg->be, err);
    }
    if (s != SEAL_OK) {
        seal__reg_rollback(reg);
    }
    seal_buf_reset(&reg->events);
    reg->n_events = 0;
    return s;
}

/* ---- registries ------------------------------------------------------------------------ */

static seal_status has_officer(const seal_reg_principal *p, void *ud)
{
    if (p->roles & (1u << SEAL_ROLE_PRIVACY_OFFICER)) {
        *(bool *) ud = true;
    }
    return SEAL_OK;
}

/* Registry writers: a privacy officer; the operator only to bootstrap. */
seal_status seal__reg_require_officer(seal_registry *reg, const char *what, seal_error *err)
{
    if (reg->has_principal) {
        return seal__reg_require(reg, 1u << SEAL_ROLE_PRIVACY_OFFICER, what, err);
    }
    bool any = false;
    seal_status s = reg->ops->principal_each(reg->be, has_officer, &any, err);
    if (s == SEAL_OK && any) {
        s = seal_error_set(err, SEAL_PERM, "%s: act as a privacy_officer (--as ID)", what);
    }
    return s;
}

static seal_status check_id(const char *id, const char *what, seal_error *err)
{
    if (!seal_id_valid(id)) {
        return seal_error_set(err, SEAL_INVALID, "%s: an id is 1 to 128 of A-Z a-z 0-9 . _ : -",
                              what);
    }
    return SEAL_OK;
}

static seal_status add_done(seal_registry *reg, seal_status s, const char *type, const char *name,
                            const char *id, seal_error *err)
{
    const char *ids[] = {name, id, "actor", reg->has_principal ? reg->me.id : NULL};
    if (s == SEAL_OK) {
        s = seal__reg_event(reg, type, ids, 2, NULL, NULL, err);
    }
    if (s == SEAL_OK) {
        return seal__reg_commit(reg, err);
    }
    seal__reg_rollback(reg);
    if (s == SEAL_EXISTS) {
        seal_error_set(err, s, "%s %s is already registered", name, id);
    }
    return s;
}

seal_status seal_agency_add(seal_registry *reg, const char *id, const char *name,
                            seal_agency_kind kind, uint32_t flags, seal_error *err)
{
    seal_reg_agency row = {.kind = (int) kind,
                           .national_security = (flags & SEAL_AGENCY_NATIONAL_SECURITY) != 0,
                           .inspection_service = (flags & SEAL_AGENCY_INSPECTION_SERVICE) != 0,
                           .created = reg->now};
    seal_status s = check_id(id, "agency", err);
    if (s == SEAL_OK && (kind < 0 || kind >= SEAL_AGENCY_KIND_COUNT)) {
        s = seal_error_set(err, SEAL_INVALID, "agency: kind is federal, state or local");
    }
    if (s == SEAL_OK &&
        (flags & ~(SEAL_AGENCY_NATIONAL_SECURITY | SEAL_AGENCY_INSPECTION_SERVICE)) != 0) {
        s = seal_error_set(err, SEAL_INVALID, "agency: unknown flags");
    }
    if (s == SEAL_OK && (name[0] == '\0' || seal__reg_copy(row.name, sizeof(row.name), name))) {
        s = seal_error_set(err, SEAL_INVALID, "agency: a name of 1 to 256 bytes");
    }
    if (s == SEAL_OK && (s = seal__reg_require_officer(reg, "agency add", err)) == SEAL_OK &&
        (s = seal__reg_copy(row.id, sizeof(row.id), id)) == SEAL_OK &&
        (s = seal__reg_begin(reg, err)) == SEAL_OK) {
        s = add_done(reg, reg->ops->agency_put(reg->be, &row, err), "registry.agency_added",
                     "agency", id, err);
    }
    return s;
}

seal_status seal_issuer_add(seal_registry *reg, const char *id, const char *vkey, seal_error *err)
{
    seal_reg_issuer row = {.created = reg->now};
    seal_note_verifier *v = NULL;
    seal_status s = check_id(id, "issuer", err);
    if (s == SEAL_OK && (s = seal_note_verifier_new(vkey, strlen(vkey), &v, err)) != SEAL_OK) {
        seal_error_prefix(err, "issuer: --key");
    }
    if (s == SEAL_OK && strcmp(seal_note_verifier_name(v), id) != 0) {
        s = seal_error_set(err, SEAL_INVALID, "issuer: the key's name is not %s", id);
    }
    seal_note_verifier_free(v);
    if (s == SEAL_OK && seal__reg_copy(row.vkey, sizeof(row.vkey), vkey) != SEAL_OK) {
        s = seal_error_set(err, SEAL_INVALID, "issuer: key too long");
    }
    if (s == SEAL_OK && (s = seal__reg_require_officer(reg, "issuer add", err)) == SEAL_OK &&
        (s = seal__reg_copy(row.id, sizeof(row.id), id)) == SEAL_OK &&
        (s = seal__reg_begin(reg, err)) == SEAL_OK) {
        s = add_done(reg, reg->ops->issuer_put(reg->be, &row, err), "registry.issuer_added",
                     "issuer", id, err);
    }
    return s;
}

/* The subject's identifiers as sealed "TYPE:VALUE\n" lines, bound to the
 * principal id; errors name an identifier by position only. */
seal_status seal_subject_ident_parse(const char *s, size_t len, int *type, size_t *value_off)
{
    const char *colon = s != NULL ? memchr(s, ':', len) : NULL;
    size_t tl = colon != NULL ? (size_t) (colon - s) : 0;
    size_t vl = colon != NULL ? len - tl - 1 : 0;
    char tn[16];
    seal_index_type t;
    if (colon == NULL || tl == 0 || tl >= sizeof(tn) || vl == 0 || vl > SEAL_SUBJECT_IDENT_MAX) {
        return SEAL_INVALID;
    }
    for (size_t k = 0; k < vl; k++) {
        unsigned char c = (unsigned char) colon[1 + k];
        if (c < 0x20 || c == 0x7f) {
            return SEAL_INVALID;
        }
    }
    memcpy(tn, s, tl);
    tn[tl] = '\0';
    if (strcmp(tn, "name") == 0) {
        t = SEAL_IDX_NONE; /* never indexed nor looked up: said beside an address */
    } else if (seal_index_type_parse(tn, &t) != SEAL_OK) {
        return SEAL_INVALID;
    }
    *type = (int) t;
    *value_off = tl + 1;
    return SEAL_OK;
}

static seal_status box_idents(seal_registry *reg, const char *id, const char *const *idents,
                              size_t n, seal_buf *ct, seal_error *err)
{
    if (n == 0 || n > SEAL_SUBJECT_MAX_IDENTS) {
        return seal_error_set(err, SEAL_INVALID, "principal: a subject needs 1 to %d identifiers",
                              SEAL_SUBJECT_MAX_IDENTS);
    }
    seal_buf pt;
    seal_buf_init(&pt);
    seal_status s = SEAL_OK;
    bool address = false;
    for (size_t i = 0; i < n; i++) {
        address |= strncmp(idents[i], "address:", 8) == 0;
    }
    for (size_t i = 0; i < n && s == SEAL_OK; i++) {
        int t;
        size_t off;
        bool ok = seal_subject_ident_parse(idents[i], strlen(idents[i]), &t, &off) == SEAL_OK;
        if (!ok) {
            s = seal_error_set(err, SEAL_INVALID,
                               "principal: identifier %zu is not TYPE:VALUE (TYPE one of account, "
                               "email, phone, address, tracking, name; VALUE 1 to %d printable "
                               "bytes)",
                               i + 1, SEAL_SUBJECT_IDENT_MAX);
        } else if (t == SEAL_IDX_NONE && !address) {
            s = seal_error_set(err, SEAL_INVALID,
                               "principal: identifier %zu: a name is valid only beside an address",
                               i + 1);
        } else if (seal_identifier_check((seal_index_type) t, idents[i] + off,
                                         strlen(idents[i] + off), err) != SEAL_OK) {
            /* as the store would standardise it: what it refuses could never be found */
            seal_error_prefix(err, "principal: identifier %zu", i + 1);
            s = SEAL_INVALID;
        } else if ((s = seal_buf_append_str(&pt, idents[i])) == SEAL_OK) {
            s = seal_buf_append_byte(&pt, '\n');
        }
    }
    char ad[SEAL_ID_SIZE + 16];
    snprintf(ad, sizeof(ad), "subject:%s", id);
    if (s == SEAL_OK) {
        s = seal_box_seal(reg->box, ad, strlen(ad), pt.data, pt.len, ct);
    }
    if (pt.data != NULL) {
        seal__wipe(pt.data, pt.len);
    }
    seal_buf_cleanup(&pt);
    return s;
}

static seal_status principal_add(seal_registry *reg, const char *id, const char *agency,
                                 uint32_t roles, int64_t valid_from, int64_t valid_until,
                                 const char *const *idents, size_t n, seal_error *err);

seal_status seal_principal_add(seal_registry *reg, const char *id, const char *agency,
                               uint32_t roles, int64_t valid_from, int64_t valid_until,
                               seal_error *err)
{
    return principal_add(reg, id, agency, roles, valid_from, valid_until, NULL, 0, err);
}

seal_status seal_subject_add(seal_registry *reg, const char *id, const char *agency,
                             int64_t valid_from, int64_t valid_until, const char *const *idents,
                             size_t n, seal_error *err)
{
    return principal_add(reg, id, agency, 1u << SEAL_ROLE_SUBJECT, valid_from, valid_until, idents,
                         n, err);
}

seal_status seal_subject_identifiers(seal_registry *reg, seal_buf *out, seal_error *err)
{
    seal_status s = seal__reg_require(reg, 1u << SEAL_ROLE_SUBJECT, "subject access", err);
    seal_buf ct;
    seal_buf_init(&ct);
    char ad[SEAL_ID_SIZE + 16];
    snprintf(ad, sizeof(ad), "subject:%s", reg->me.id);
    if (s == SEAL_OK &&
        (s = reg->ops->secret_get(reg->be, "subject", reg->me.id, &ct, err)) == SEAL_NOTFOUND) {
        s = seal_error_set(err, s, "principal %s is bound to no identifiers", reg->me.id);
    }
    if (s == SEAL_OK) {
        s = seal_box_unseal(reg->box, ad, strlen(ad), ct.data, ct.len, out, err);
    }
    seal_buf_cleanup(&ct);
    return s;
}

static seal_status principal_add(seal_registry *reg, const char *id, const char *agency,
                                 uint32_t roles, int64_t valid_from, int64_t valid_until,
                                 const char *const *idents, size_t n, seal_error *err)
{
    seal_buf ct;
    seal_buf_init(&ct);
    seal_reg_principal row = {
        .roles = roles, .valid_from = valid_from, .valid_until = valid_until, .created = reg->now};
    seal_reg_agency a;
    seal_status s = check_id(id, "principal", err);
    if (s == SEAL_OK && (roles == 0 || roles >= (1u << SEAL_ROLE_COUNT))) {
        s = seal_error_set(err, SEAL_INVALID, "principal: at least one known --role");
    }
    if (s == SEAL_OK && valid_until < valid_from) {
        s = seal_error_set(err, SEAL_INVALID, "principal: --valid-until is before --valid-from");
    }
    if (s == SEAL_OK && (s = seal__reg_require_officer(reg, "principal add", err)) == SEAL_OK &&
        (s = check_id(agency, "principal: --agency", err)) == SEAL_OK &&
        (s = reg->ops->agency_get(reg->be, agency, &a, err)) == SEAL_OK &&
        (s = seal__reg_copy(row.id, sizeof(row.id), id)) == SEAL_OK &&
        (s = seal__reg_copy(row.agency, sizeof(row.agency), agency)) == SEAL_OK &&
        (idents == NULL || (s = box_idents(reg, id, idents, n, &ct, err)) == SEAL_OK) &&
        (s = seal__reg_begin(reg, err)) == SEAL_OK) {
        seal_status p = reg->ops->principal_put(reg->be, &row, err);
        if (p == SEAL_OK && idents != NULL) {
            p = reg->ops->secret_put(reg->be, "subject", id, ct.data, ct.len, err);
        }
        s = add_done(reg, p, "registry.principal_added", "principal", id, err);
    }
    seal_buf_cleanup(&ct);
    return s;
}

seal_status seal_protect_add(seal_registry *reg, const char *address, const char *order,
                             seal_error *err)
{
    seal_reg_protect row = {.created = reg->now};
    seal_buf key;
    seal_buf_init(&key);
    seal_status s = check_id(order, "protect: --order", err);
    if (s == SEAL_OK && (s = seal_address_key(address, strlen(address), &key, err)) != SEAL_OK) {
        /* the message names what is wrong, never the address itself */
        seal_error_prefix(err, "protect: the address does not standardise");
    }
    if (s == SEAL_OK) {
        seal_box_hash(reg->box, "protect", key.data, key.len, row.hash);
    }
    seal_buf_cleanup(&key);
    if (s == SEAL_OK && (s = seal__reg_require_officer(reg, "protect add", err)) == SEAL_OK &&
        (s = seal__reg_copy(row.order, sizeof(row.order), order)) == SEAL_OK &&
        (s = seal__reg_begin(reg, err)) == SEAL_OK) {
        s = reg->ops->protect_put(reg->be, &row, err);
        if (s == SEAL_EXISTS) {
            seal__reg_rollback(reg);
            return seal_error_set(err, s, "this address is already protected");
        }
        s = add_done(reg, s, "registry.protect_added", "order", order, err);
    }
    return s;
}

/* ---- lists ----------------------------------------------------------------------------- */

typedef struct list_ctx {
    seal_buf *out;
    size_t n;
} list_ctx;

static seal_status sep(list_ctx *l)
{
    return l->n++ > 0 ? seal_buf_append_str(l->out, ", ") : SEAL_OK;
}

static void day_str(char *out, int64_t t)
{
    if (t <= 0 || t == INT64_MAX) {
        out[0] = '\0';
    } else {
        seal_date_format(out, 11, t);
    }
}

/* ids and names registered here passed validation: ids have no quotes; an
 * agency's name may, so it is escaped */
static seal_status json_str(seal_buf *b, const char *s)
{
    seal_status st = seal_buf_append_byte(b, '"');
    for (const unsigned char *q = (const unsigned char *) s; *q != '\0' && st == SEAL_OK; q++) {
        if (*q == '"' || *q == '\\') {
            char e[2] = {'\\', (char) *q};
            st = seal_buf_append(b, e, 2);
        } else if (*q < 0x20) {
            st = seal_buf_printf(b, "\\u%04x", *q);
        } else {
            st = seal_buf_append_byte(b, *q);
        }
    }
    return st == SEAL_OK ? seal_buf_append_byte(b, '"') : st;
}

static seal_status list_agency(const seal_reg_agency *r, void *ud)
{
    list_ctx *l = ud;
    seal_status s = sep(l);
    if (s == SEAL_OK) {
        s = seal_buf_printf(l->out, "{\"id\": \"%s\", \"name\": ", r->id);
    }
    if (s == SEAL_OK) {
        s = json_str(l->out, r->name);
    }
    if (s == SEAL_OK) {
        s = seal_buf_printf(l->out,
                            ", \"kind\": \"%s\", \"national_security\": %s, "
                            "\"inspection_service\": %s}",
                            seal_agency_kind_name(r->kind), r->national_security ? "true" : "false",
                            r->inspection_service ? "true" : "false");
    }
    return s;
}

static seal_status list_issuer(const seal_reg_issuer *r, void *ud)
{
    list_ctx *l = ud;
    seal_status s = sep(l);
    return s == SEAL_OK
               ? seal_buf_printf(l->out, "{\"id\": \"%s\", \"key\": \"%s\"}", r->id, r->vkey)
               : s;
}

static seal_status list_principal(const seal_reg_principal *r, void *ud)
{
    list_ctx *l = ud;
    char from[16], until[16];
    day_str(from, r->valid_from);
    day_str(until, r->valid_until);
    seal_status s = sep(l);
    if (s == SEAL_OK) {
        s = seal_buf_printf(l->out, "{\"id\": \"%s\", \"agency\": \"%s\", \"roles\": [", r->id,
                            r->agency);
    }
    size_t k = 0;
    for (int i = 0; i < SEAL_ROLE_COUNT && s == SEAL_OK; i++) {
        if (r->roles & (1u << i)) {
            s = seal_buf_printf(l->out, "%s\"%s\"", k++ > 0 ? ", " : "", seal_role_name(i));
        }
    }
    if (s == SEAL_OK) {
        s = seal_buf_printf(l->out, "], \"valid_from\": %s%s%s, \"valid_until\": %s%s%s}",
                            from[0] ? "\"" : "", from[0] ? from : "null", from[0] ? "\"" : "",
                            until[0] ? "\"" : "", until[0] ? until : "null", until[0] ? "\"" : "");
    }
    return s;
}

static seal_status list_protect(const seal_reg_protect *r, void *ud)
{
    list_ctx *l = ud;
    char hex[2 * SEAL_REG_HASH + 1];
    seal_hex_encode(hex, r->hash, SEAL_REG_HASH);
    seal_status s = sep(l);
    return s == SEAL_OK
               ? seal_buf_printf(l->out, "{\"hash\": \"%s\", \"order\": \"%s\"}", hex, r->order)
               : s;
}

seal_status seal_registry_list(seal_registry *reg, seal_list_kind what, seal_buf *out,
                               seal_error *err)
{
    seal_status s = SEAL_OK;
    if (reg->has_principal) {
        s = seal__reg_require(reg, 0, "list", err);
    } else {
        s = seal__reg_require_officer(reg, "list", err); /* bootstrap only */
    }
    if (s != SEAL_OK) {
        return s;
    }
    list_ctx l = {out, 0};
    if ((s = seal_buf_append_byte(out, '[')) != SEAL_OK) {
        return seal_error_set(err, s, "out of memory");
    }
    switch (what) {
    case SEAL_LIST_AGENCIES:
        s = reg->ops->agency_each(reg->be, list_agency, &l, err);
        break;
    case SEAL_LIST_ISSUERS:
        s = reg->ops->issuer_each(reg->be, list_issuer, &l, err);
        break;
    case SEAL_LIST_PRINCIPALS:
        s = reg->ops->principal_each(reg->be, list_principal, &l, err);
        break;
    case SEAL_LIST_PROTECTED:
        s = reg->ops->protect_each(reg->be, list_protect, &l, err);
        break;
    default:
        s = seal_error_set(err, SEAL_INVALID, "unknown list");
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_byte(out, ']');
    }
    if (s == SEAL_NOMEM) {
        seal_error_set(err, s, "out of memory");
    }
    return s;
}
