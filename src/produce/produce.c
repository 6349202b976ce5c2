/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Productions (sealed/produce.h): a bundle built from the approval. The
 * approved request's document names the subjects, categories and window;
 * before any record is read, each kind's allow-list of fields is computed
 * from the approved categories, and every output object is built from that
 * list alone, so a field of another category has no path into the bundle.
 * Records are looked up by each subject's exact identifier; those whose own
 * time falls outside the approved window are skipped.
 *
 * Order of effects: data files and the signed manifest are written first,
 * then the production event is appended to the ledger (committing to the
 * manifest's SHA-256), then the accounting entries (5 U.S.C. 552a(c)) and the
 * production row are committed, then the proofs. A crash in between leaves a
 * logged production without accounting, never an unlogged disclosure.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/crypto_sha256.h"
#include "produce/produce_int.h"
#include "sealed/accounting.h"
#include "sealed/alloc.h"
#include "sealed/amend.h"
#include "sealed/note.h"
#include "sealed/produce.h"
#include "sealed/registry.h"
#include "sealed/request.h"
#include "sealed/store.h"
#include "sealed/time.h"
#include "store/accounting.h"

#define DAY 86400

/* Everything the production needs from the approved request. Strings are
 * borrowed from `show` (the seal_request_show JSON tree). */
typedef struct approved {
    json_t *show;
    const char *state;
    const char *agency;
    const char *policy;
    seal_policy *pol; /* the policy it was checked under (issue 11: maybe a file) */
    int basis;
    int purpose;
    uint32_t categories;
    int64_t from, to, expires, notice_until;
    json_t *subjects;
    const char *reference; /* legal_basis.reference */
    bool signed_order;     /* legal_basis.order is present */
    char agency_address[SEAL_ACCT_ADDRESS_SIZE];
} approved;

/* A statement of disagreement (PA-13, 5 U.S.C. 552a(d)(4)) that goes with
 * every later disclosure of its record's disputed field. */
typedef struct statement {
    int64_t record;
    int field; /* index in the record's kind; -1 until the kind is known */
    char kind[33], fname[33];
    char id[SEAL_AMEND_ID_SIZE];
    int64_t disagreed;
    char *text; /* seal_malloc'd, wiped when freed */
} statement;

typedef struct prod_ctx {
    const seal_catalogue *cat;
    /* allow[kind id][field]: the field's category was approved */
    bool allow[64][SEAL_MAX_FIELDS];
    int64_t from, to;
    seal_buf *out;
    size_t records;
    seal_status status;
    /* a `person` subject: only records naming this person (normalised) */
    const char *person;
    int64_t cover_days; /* cover_piece retention: the policy's number */
    /* statements of disagreement, and the lines that carry them */
    statement *st;
    size_t n_st;
    const char *file; /* the current data file's name */
    size_t line;      /* records written to it so far */
    seal_buf *dis;
    size_t n_dis;
    /* PA-4: the people the disclosed records are about (seal_store_owner_keys),
     * each with the longest life among their records disclosed */
    seal_store *store;
    /* a preview (seal_produce_preview): count per kind id, write nothing */
    bool count_only;
    size_t counts[64];
    uint8_t (*okey)[32];
    int64_t *olife;
    size_t n_okey, cap_okey;
} prod_ctx;

static seal_status owner_note(prod_ctx *c, const uint8_t key[32], int64_t life)
{
    for (size_t i = 0; i < c->n_okey; i++) {
        if (memcmp(c->okey[i], key, 32) == 0) {
            if (life > c->olife[i]) {
                c->olife[i] = life;
            }
            return SEAL_OK;
        }
    }
    if (c->n_okey == c->cap_okey) {
        size_t cap = c->cap_okey == 0 ? 8 : 2 * c->cap_okey;
        void *k = seal_realloc(c->okey, cap * sizeof(*c->okey));
        if (k == NULL) {
            return SEAL_NOMEM;
        }
        c->okey = k;
        void *l = seal_realloc(c->olife, cap * sizeof(*c->olife));
        if (l == NULL) {
            return SEAL_NOMEM;
        }
        c->olife = l;
        c->cap_okey = cap;
    }
    memcpy(c->okey[c->n_okey], key, 32);
    c->olife[c->n_okey++] = life;
    return SEAL_OK;
}

static const char *id_or(const char *s)
{
    return s != NULL && seal_id_valid(s) ? s : NULL;
}

/* Appends one event to the ledger and signs a checkpoint; the checkpoint
 * text goes to cp (may be NULL). */
static seal_status log_event(seal_ledger *led, const char *type, int64_t now,
                             const seal_event_id *ids, size_t n_ids, const seal_event_commit *c,
                             size_t n_c, uint64_t *index, seal_buf *cp, seal_error *err)
{
    seal_event_id keep[SEAL_EVENT_MAX_FIELDS];
    size_t k = 0;
    for (size_t i = 0; i < n_ids && k < SEAL_EVENT_MAX_FIELDS; i++) {
        if (id_or(ids[i].value) != NULL) {
            keep[k++] = ids[i];
        }
    }
    seal_event ev = {
        .type = type, .time = now, .ids = keep, .n_ids = k, .commits = c, .n_commits = n_c};
    seal_buf e, tmp;
    seal_buf_init(&e);
    seal_buf_init(&tmp);
    seal_status s = seal_event_encode(&ev, &e, err);
    if (s == SEAL_OK) {
        s = seal_ledger_append(led, e.data, e.len, index, err);
    }
    if (s == SEAL_OK) {
        s = seal_ledger_checkpoint(led, cp != NULL ? cp : &tmp, err);
    }
    seal_buf_cleanup(&e);
    seal_buf_cleanup(&tmp);
    return s;
}

static seal_status open_ledger(const char *dir, seal_ledger **led, seal_error *err)
{
    char path[1100];
    snprintf(path, sizeof(path), "%s/ledger", dir);
    seal_status s = seal_ledger_open(path, NULL, led, err);
    if (s != SEAL_OK) {
        seal_error_prefix(err, "ledger");
    }
    return s;
}

/* Logs a refusal (ids only: the reason is a fixed code) and returns
 * SEAL_REFUSED with msg. */
static seal_status refuse(const char *dir, const char *principal, const char *request,
                          const char *why, int64_t now, seal_error *err, const char *msg)
{
    seal_ledger *led = NULL;
    seal_error lerr;
    seal_error_init(&lerr);
    seal_event_id ids[] = {{"request", request}, {"actor", principal}, {"why", why}};
    seal_status s = open_ledger(dir, &led, &lerr);
    if (s == SEAL_OK) {
        s = log_event(led, "production.refused", now, ids, 3, NULL, 0, NULL, NULL, &lerr);
    }
    seal_ledger_close(led);
    if (s != SEAL_OK) {
        *err = lerr;
        seal_error_prefix(err, "refusal not logged");
        return s;
    }
    return seal_error_set(err, SEAL_REFUSED, "request %s: %s", request, msg);
}

static int64_t date_of(json_t *o, const char *key)
{
    int64_t t = 0;
    const char *s = json_string_value(json_object_get(o, key));
    if (s == NULL || seal_date_parse(s, &t) != SEAL_OK) {
        return 0;
    }
    return t;
}

/* Reads the request through the registry's own access rules. */
static seal_status load_request_parts(const char *dir, const char *principal, const char *request,
                                      int64_t now, approved *a, seal_error *err);

/* The same, owning nothing on failure. */
static seal_status load_request(const char *dir, const char *principal, const char *request,
                                int64_t now, approved *a, seal_error *err)
{
    seal_status s = load_request_parts(dir, principal, request, now, a, err);
    if (s != SEAL_OK) {
        seal_policy_free(a->pol);
        a->pol = NULL;
    }
    return s;
}

static seal_status load_request_parts(const char *dir, const char *principal, const char *request,
                                      int64_t now, approved *a, seal_error *err)
{
    memset(a, 0, sizeof(*a));
    seal_registry *reg = NULL;
    seal_buf out;
    seal_buf_init(&out);
    seal_status s = seal_registry_open(dir, principal, now, &reg, err);
    if (s == SEAL_OK) {
        s = seal_request_show(reg, request, true, &out, err);
    }
    if (s == SEAL_OK && seal_request_policy(reg, request, &a->pol, NULL) != SEAL_OK) {
        a->pol = NULL; /* the defaults below */
    }
    seal_registry_close(reg);
    if (s == SEAL_OK) {
        a->show = json_loadb((const char *) out.data, out.len, 0, NULL);
        if (a->show == NULL) {
            s = seal_error_set(err, SEAL_CORRUPT, "request %s: unreadable", request);
        }
    }
    if (out.data != NULL) {
        memset(out.data, 0, out.len); /* it held the document */
    }
    seal_buf_cleanup(&out);
    if (s != SEAL_OK) {
        return s;
    }
    json_t *doc = json_object_get(a->show, "document");
    json_t *lb = json_object_get(doc, "legal_basis");
    const char *basis = json_string_value(json_object_get(a->show, "basis"));
    const char *purpose =
        json_string_value(json_object_get(json_object_get(doc, "purpose"), "activity"));
    a->state = json_string_value(json_object_get(a->show, "state"));
    a->agency = json_string_value(json_object_get(a->show, "agency"));
    a->policy = json_string_value(json_object_get(a->show, "policy"));
    a->basis = basis != NULL ? seal_basis_from_name(basis, strlen(basis)) : -1;
    a->purpose = purpose != NULL ? seal_purpose_from_name(purpose, strlen(purpose)) : -1;
    a->subjects = json_object_get(doc, "subjects");
    json_t *cats = json_object_get(doc, "categories");
    size_t i;
    json_t *v;
    json_array_foreach(cats, i, v)
    {
        const char *c = json_string_value(v);
        int k = c != NULL ? seal_category_from_name(c, strlen(c)) : -1;
        if (k >= 0) {
            a->categories |= 1u << k;
        }
    }
    json_t *win = json_object_get(doc, "window");
    a->from = date_of(win, "from");
    a->to = date_of(win, "to");
    a->notice_until = date_of(lb, "notice_delay_until");
    a->reference = json_string_value(json_object_get(lb, "reference"));
    a->signed_order = json_is_string(json_object_get(lb, "order"));
    const char *ex = json_string_value(json_object_get(lb, "expires_at"));
    if (ex == NULL || seal_time_parse(ex, &a->expires) != SEAL_OK) {
        a->expires = 0;
    }
    if (a->state == NULL || a->agency == NULL || a->policy == NULL || a->basis < 0 ||
        !json_is_array(a->subjects) || a->from == 0 || a->to == 0) {
        return seal_error_set(err, SEAL_CORRUPT, "request %s: its document lacks a field", request);
    }
    return SEAL_OK;
}

/* PA-7 / MC-9: what holds the request's productions now (sealed/registry.h
 * seal_request_hold), checked here rather than trusting a sweep to have run;
 * with mark, records first that an emergency is being produced, so that
 * closing it afterwards cannot end its follow-up duty. */
static seal_status emergency_gate(const char *dir, const char *principal, const char *request,
                                  int64_t now, bool mark, const char **why, seal_error *err)
{
    seal_registry *reg = NULL;
    *why = NULL;
    seal_status s = seal_registry_open(dir, principal, now, &reg, err);
    if (s == SEAL_OK) {
        s = mark ? seal_request_mark_produced(reg, request, err)
                 : seal_request_hold(reg, request, why, err);
    }
    seal_registry_close(reg);
    return s;
}

static bool map_subject(json_t *sub, seal_index_type *type, const char **value, const char **person)
{
    const char *t = json_string_value(json_object_get(sub, "type"));
    *person = NULL;
    if (t == NULL) {
        return false;
    }
    if (strcmp(t, "person") == 0) {
        /* a person is looked up at the address, then narrowed to the name */
        *person = json_string_value(json_object_get(sub, "name"));
        if (*person == NULL) {
            return false;
        }
    }
    if (strcmp(t, "person") == 0 || strcmp(t, "address") == 0) {
        *type = SEAL_IDX_ADDRESS;
        *value = json_string_value(json_object_get(sub, "address"));
    } else {
        static const struct {
            const char *name;
            seal_index_type type;
        } m[] = {{"email", SEAL_IDX_EMAIL},
                 {"phone", SEAL_IDX_PHONE},
                 {"account", SEAL_IDX_ACCOUNT},
                 {"tracking", SEAL_IDX_TRACKING}};
        size_t k = 0;
        while (k < 4 && strcmp(m[k].name, t) != 0) {
            k++;
        }
        if (k == 4) {
            return false;
        }
        *type = m[k].type;
        *value = json_string_value(json_object_get(sub, "value"));
    }
    return *value != NULL;
}

/* Midnight of the record's own time (its kind's time field); false when
 * absent or unreadable: such a record cannot be shown to be in the window. */
static bool record_day(const seal_record *rec, int64_t *day)
{
    int tf = rec->kind->time_field;
    if (tf < 0 || (size_t) tf >= rec->kind->nfields || rec->v[tf] == NULL) {
        return false;
    }
    int64_t t;
    if (seal_time_parse_n(rec->v[tf], rec->n[tf], &t) != SEAL_OK &&
        seal_date_parse_n(rec->v[tf], rec->n[tf], &t) != SEAL_OK) {
        return false;
    }
    *day = seal_time_day(t) * DAY;
    return true;
}

/* Names compare after folding ASCII case, reading '.' and ',' as spaces and
 * collapsing runs of spaces: "MARIA  EXAMPLE" is "Maria Example", "M.
 * Example" is not. No fuzzier rule: it would let others in. */
static size_t name_fold(const char *a, size_t an, char *out, size_t cap)
{
    size_t k = 0;
    bool space = false;
    for (size_t i = 0; i < an && k + 1 < cap; i++) {
        char x = a[i];
        if (x == '.' || x == ',') {
            x = ' ';
        }
        if (x == ' ' || x == '\t') {
            space = k > 0;
            continue;
        }
        if (space) {
            out[k++] = ' ';
            space = false;
        }
        out[k++] = x >= 'A' && x <= 'Z' ? (char) (x - 'A' + 'a') : x;
    }
    return k;
}

static bool same_name(const char *a, size_t an, const char *b, size_t bn)
{
    char x[600], y[600];
    if (an >= sizeof(x) || bn >= sizeof(y)) {
        return false;
    }
    size_t xn = name_fold(a, an, x, sizeof(x));
    size_t yn = name_fold(b, bn, y, sizeof(y));
    return xn > 0 && xn == yn && memcmp(x, y, xn) == 0;
}

/* A `person` subject: the record must name the person in one of its name
 * fields; records naming nobody (a parcel to the address) or someone else
 * stay out. */
static bool names_person(const seal_record *rec, const char *person)
{
    for (size_t i = 0; i < rec->kind->nfields; i++) {
        if (rec->kind->fields[i].type == SEAL_FT_NAME && rec->v[i] != NULL &&
            same_name(rec->v[i], rec->n[i], person, strlen(person))) {
            return true;
        }
    }
    return false;
}

/* When the record's retention ends (PA-4 "the life of the record"):
 * SEAL_ACCT_KEEP_FOREVER while its clock has not started (an open account). */
static int64_t life_of(const prod_ctx *c, const seal_record *rec, int64_t day)
{
    const seal_kind *k = rec->kind;
    int64_t start = day;
    if (k->retention_from >= 0 && (size_t) k->retention_from < k->nfields) {
        int rf = k->retention_from;
        int64_t t;
        if (rec->v[rf] == NULL || (seal_time_parse_n(rec->v[rf], rec->n[rf], &t) != SEAL_OK &&
                                   seal_date_parse_n(rec->v[rf], rec->n[rf], &t) != SEAL_OK)) {
            return SEAL_ACCT_KEEP_FOREVER;
        }
        start = seal_time_day(t) * DAY;
    }
    int64_t days = strcmp(k->name, "cover_piece") == 0 && c->cover_days > 0 ? c->cover_days
                                                                            : k->retention_days;
    return start + (days + 1) * DAY;
}

static seal_status add_disagreements(prod_ctx *c, const seal_record *rec, int64_t id)
{
    for (size_t i = 0; i < c->n_st; i++) {
        statement *st = &c->st[i];
        if (st->record != id || strcmp(st->kind, rec->kind->name) != 0) {
            continue;
        }
        int f = seal_kind_field(rec->kind, st->fname, strlen(st->fname));
        /* only with the disputed field itself: the statement may speak of
         * it, and a field not approved must not reach the recipient */
        if (f < 0 || !c->allow[rec->kind->id][f] || rec->v[f] == NULL) {
            continue;
        }
        char when[24];
        seal_time_format(when, sizeof(when), st->disagreed);
        json_t *o = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s}", "file", c->file, "line",
                              (json_int_t) c->line, "field", st->fname, "amendment", st->id,
                              "filed", when, "statement", st->text);
        char *l = o != NULL ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        json_decref(o);
        if (l == NULL) {
            return SEAL_NOMEM;
        }
        seal_status s = seal_buf_append_str(c->dis, l);
        if (s == SEAL_OK) {
            s = seal_buf_append_byte(c->dis, '\n');
        }
        memset(l, 0, strlen(l));
        free(l);
        if (s != SEAL_OK) {
            return s;
        }
        c->n_dis++;
    }
    return SEAL_OK;
}

/* Whether the record is in the window [from, to] (unix midnights): an event
 * by its own day; standing state (an account) when it was in force during
 * the window: begun on or before its end, not ended before its start. A
 * standing record whose end cannot be read is taken as still in force. */
bool seal__prod_in_window(const seal_record *rec, int64_t from, int64_t to, int64_t *day)
{
    if (!record_day(rec, day) || *day > to) {
        return false;
    }
    const seal_kind *k = rec->kind;
    if (!k->standing) {
        return *day >= from;
    }
    int u = k->standing_until;
    int64_t t;
    if (u >= 0 && (size_t) u < k->nfields && rec->v[u] != NULL &&
        seal_time_parse_n(rec->v[u], rec->n[u], &t) == SEAL_OK) {
        return seal_time_day(t) * DAY >= from;
    }
    return true;
}

static seal_status emit(const seal_record *rec, int64_t id, void *ud)
{
    prod_ctx *c = ud;
    int64_t day;
    int kid = rec->kind->id;
    if (kid < 0 || kid >= 64 || !seal__prod_in_window(rec, c->from, c->to, &day)) {
        return SEAL_OK;
    }
    if (c->person != NULL && !names_person(rec, c->person)) {
        return SEAL_OK;
    }
    json_t *fields = json_object();
    if (fields == NULL) {
        return SEAL_NOMEM;
    }
    size_t n = 0;
    for (size_t i = 0; i < rec->kind->nfields; i++) {
        /* the allow-list decides; the record's content never does */
        if (!c->allow[kid][i] || rec->v[i] == NULL) {
            continue;
        }
        if (json_object_set_new(fields, rec->kind->fields[i].name,
                                json_stringn(rec->v[i], rec->n[i])) != 0) {
            json_decref(fields);
            return SEAL_NOMEM;
        }
        n++;
    }
    if (n == 0 || c->count_only) {
        json_decref(fields);
        if (n > 0) {
            c->counts[kid]++;
            c->records++;
        }
        return SEAL_OK;
    }
    json_t *o = json_pack("{s:s, s:o}", "kind", rec->kind->name, "fields", fields);
    char *line = o != NULL ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    if (line == NULL) {
        return SEAL_NOMEM;
    }
    seal_status s = seal_buf_append_str(c->out, line);
    if (s == SEAL_OK) {
        s = seal_buf_append_byte(c->out, '\n');
    }
    memset(line, 0, strlen(line));
    free(line);
    if (s == SEAL_OK) {
        c->records++;
        c->line++;
        int64_t life = life_of(c, rec, day);
        uint8_t keys[SEAL_OWNER_KEYS_MAX][32];
        size_t nk = 0;
        s = seal_store_owner_keys(c->store, rec, keys, &nk, NULL);
        for (size_t i = 0; i < nk && s == SEAL_OK; i++) {
            s = owner_note(c, keys[i], life);
        }
        if (s == SEAL_OK) {
            s = add_disagreements(c, rec, id);
        }
    }
    return s;
}

static seal_status take_statement(const seal_amend_view *a, void *ud)
{
    prod_ctx *c = ud;
    if (a->state != SEAL_AMEND_UPHELD || a->statement == NULL) {
        return SEAL_OK;
    }
    statement *nv = seal_realloc(c->st, (c->n_st + 1) * sizeof(*nv));
    if (nv == NULL) {
        return SEAL_NOMEM;
    }
    c->st = nv;
    statement *st = &c->st[c->n_st];
    memset(st, 0, sizeof(*st));
    size_t n = strlen(a->statement);
    st->text = seal_malloc(n + 1);
    if (st->text == NULL) {
        return SEAL_NOMEM;
    }
    memcpy(st->text, a->statement, n + 1);
    st->record = a->record;
    snprintf(st->kind, sizeof(st->kind), "%s", a->kind);
    snprintf(st->fname, sizeof(st->fname), "%s", a->field);
    snprintf(st->id, sizeof(st->id), "%s", a->id);
    st->disagreed = a->disagreed;
    c->n_st++;
    return SEAL_OK;
}

static void statements_free(prod_ctx *c)
{
    for (size_t i = 0; i < c->n_st; i++) {
        memset(c->st[i].text, 0, strlen(c->st[i].text));
        seal_free(c->st[i].text);
    }
    seal_free(c->st);
    c->st = NULL;
    c->n_st = 0;
}

static void allow_list(prod_ctx *c, uint32_t categories)
{
    memset(c->allow, 0, sizeof(c->allow));
    for (size_t k = 0; k < seal_catalogue_kind_count(c->cat); k++) {
        const seal_kind *kind = seal_catalogue_kind_at(c->cat, k);
        if (kind->id < 0 || kind->id >= 64) {
            continue;
        }
        for (size_t f = 0; f < kind->nfields; f++) {
            int ci = kind->fields[f].category;
            const char *name = ci >= 0 ? seal_catalogue_category(c->cat, (size_t) ci) : NULL;
            int cat = name != NULL ? seal_category_from_name(name, strlen(name)) : -1;
            c->allow[kind->id][f] = cat >= 0 && (categories & (1u << cat)) != 0;
        }
    }
}

static seal_status categories_text(uint32_t cats, seal_buf *out)
{
    /* sorted by name, as in signed orders */
    const char *names[SEAL_CAT_COUNT];
    size_t n = 0;
    for (int i = 0; i < SEAL_CAT_COUNT; i++) {
        if (cats & (1u << i)) {
            names[n++] = seal_category_name((seal_category) i);
        }
    }
    for (size_t i = 1; i < n; i++) {
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            const char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    }
    seal_status s = SEAL_OK;
    for (size_t i = 0; i < n && s == SEAL_OK; i++) {
        s = seal_buf_printf(out, "%s%s", i > 0 ? "," : "", names[i]);
    }
    return s;
}

static seal_status sign_manifest(const char *dir, const char *text, size_t len, seal_buf *out,
                                 seal_error *err)
{
    char path[1100];
    snprintf(path, sizeof(path), "%s/ledger/key", dir);
    seal_buf key;
    seal_buf_init(&key);
    seal_note_signer *signer = NULL;
    seal_status s = seal__prod_read_file(path, 4096, &key, err);
    if (s == SEAL_OK) {
        s = seal_note_signer_new((const char *) key.data, key.len, &signer, err);
    }
    seal_note_wipe(&key);
    seal_buf_cleanup(&key);
    if (s == SEAL_OK) {
        s = seal_note_sign(signer, text, len, out, err);
    }
    seal_note_signer_free(signer);
    return s;
}

static seal_status out_dir_make(const char *out, seal_error *err)
{
    if (mkdir(out, 0700) == 0) {
        return SEAL_OK;
    }
    if (errno != EEXIST) {
        return seal_error_set(err, SEAL_IO, "%s: %s", out, strerror(errno));
    }
    char probe[1100];
    snprintf(probe, sizeof(probe), "%s/manifest.note", out);
    struct stat sb;
    if (stat(probe, &sb) == 0) {
        return seal_error_set(err, SEAL_EXISTS, "%s already holds a bundle", out);
    }
    return SEAL_OK;
}

static seal_status write_in(const char *dirp, const char *name, const void *data, size_t len,
                            seal_error *err)
{
    char path[1200];
    int w = snprintf(path, sizeof(path), "%s/%s", dirp, name);
    if (w < 0 || (size_t) w >= sizeof(path)) {
        return seal_error_set(err, SEAL_INVALID, "output path too long");
    }
    return seal__prod_write_file(path, data, len, err);
}

seal_status seal_produce_preview(const char *dir, const char *principal, const char *request,
                                 int64_t now, seal_buf *json, seal_error *err)
{
    approved a;
    memset(&a, 0, sizeof(a));
    seal_registry *reg = NULL;
    seal_store *st = NULL;
    prod_ctx *c = NULL;
    json_t *kinds = NULL, *o = NULL;
    char *text = NULL;
    seal_status s = SEAL_OK;
    if (!seal_id_valid(request)) {
        return seal_error_set(err, SEAL_INVALID, "not a request id");
    }
    /* reviewers and approvers see it, never requesters nor the requesting
     * agency: it tells what an approval would hand over */
    const uint32_t deciders = (1u << SEAL_ROLE_REVIEWER) | (1u << SEAL_ROLE_COVER_APPROVER) |
                              (1u << SEAL_ROLE_HQ_APPROVER);
    if (principal == NULL) {
        return seal_error_set(err, SEAL_PERM, "request preview: needs a reviewer or an approver");
    }
    if ((s = seal_registry_open(dir, principal, now, &reg, err)) != SEAL_OK) {
        return s;
    }
    if ((seal_registry_roles(reg) & deciders) == 0) {
        s = seal_error_set(err, SEAL_PERM,
                           "request preview: principal %s is not a reviewer or an approver",
                           principal);
    }
    char agency[SEAL_ID_SIZE];
    snprintf(agency, sizeof(agency), "%s", seal_registry_agency(reg));
    seal_registry_close(reg);
    if (s != SEAL_OK || (s = load_request(dir, principal, request, now, &a, err)) != SEAL_OK) {
        goto out;
    }
    if (strcmp(a.agency, agency) == 0) {
        s = seal_error_set(err, SEAL_PERM,
                           "request preview: %s is a request of the principal's own agency",
                           request);
        goto out;
    }
    if ((s = seal_store_open(dir, &st, err)) != SEAL_OK) {
        goto out;
    }
    c = seal_calloc(1, sizeof(*c));
    if (c == NULL) {
        s = seal_error_set(err, SEAL_NOMEM, "out of memory");
        goto out;
    }
    c->cat = seal_store_catalogue(st);
    c->store = st;
    c->from = a.from;
    c->to = a.to;
    c->count_only = true;
    allow_list(c, seal_pa_basis_of(a.basis) < 0 ? 0 : a.categories);
    for (size_t i = 0; i < json_array_size(a.subjects) && s == SEAL_OK; i++) {
        seal_index_type type;
        const char *value, *person;
        uint8_t commit[32];
        if (!map_subject(json_array_get(a.subjects, i), &type, &value, &person) ||
            seal_store_commitment(st, type, value, strlen(value), commit, NULL) != SEAL_OK) {
            continue;
        }
        c->person = person;
        s = seal_store_lookup(st, type, value, strlen(value), emit, c, err);
        if (s == SEAL_INVALID) {
            s = SEAL_OK;
        }
    }
    if (s != SEAL_OK) {
        goto out;
    }
    kinds = json_object();
    for (size_t k = 0; kinds != NULL && k < seal_catalogue_kind_count(c->cat); k++) {
        const seal_kind *kind = seal_catalogue_kind_at(c->cat, k);
        if (kind->id >= 0 && kind->id < 64 && c->counts[kind->id] > 0) {
            json_object_set_new(kinds, kind->name, json_integer((json_int_t) c->counts[kind->id]));
        }
    }
    o = kinds != NULL
            ? json_pack("{s:s, s:s, s:O, s:I, s:b}", "request", request, "state", a.state, "kinds",
                        kinds, "records", (json_int_t) c->records, "empty", c->records == 0)
            : NULL;
    text = o != NULL ? json_dumps(o, JSON_PRESERVE_ORDER) : NULL;
    if (text == NULL || seal_buf_append_str(json, text) != SEAL_OK ||
        seal_buf_append_byte(json, '\n') != SEAL_OK) {
        s = seal_error_set(err, SEAL_NOMEM, "out of memory");
    }
out:
    free(text);
    json_decref(o);
    json_decref(kinds);
    if (c != NULL) {
        seal_free(c->okey);
        seal_free(c->olife);
        seal_free(c);
    }
    seal_store_close(st);
    seal_policy_free(a.pol);
    json_decref(a.show);
    return s;
}

seal_status seal_produce(const char *dir, const char *principal, const char *request,
                         const char *out_dir, int64_t now, seal_produce_result *res,
                         seal_error *err)
{
    memset(res, 0, sizeof(*res));
    approved a;
    seal_store *st = NULL;
    seal_ledger *led = NULL;
    const seal_acct_backend_ops *ops = &seal__sqlite_accounting;
    seal_acct_backend *acct = NULL;
    seal_buf files[SEAL_MANIFEST_MAX_FILES];
    size_t n_files = 0;
    seal_buf man, signed_man, cp, tmp, dis;
    prod_ctx *c = NULL;
    seal_buf_init(&dis);
    seal_buf_init(&man);
    seal_buf_init(&signed_man);
    seal_buf_init(&cp);
    seal_buf_init(&tmp);
    json_t *proofs = NULL;
    seal__prod_event *ev = NULL;
    size_t n_ev = 0;
    char pid[SEAL_PRODUCE_ID_SIZE];
    seal_status s;

    if (!seal_id_valid(request)) {
        return seal_error_set(err, SEAL_INVALID, "not a request id");
    }
    int w = snprintf(pid, sizeof(pid), "P-%s", request);
    if (w < 0 || (size_t) w >= sizeof(pid)) {
        return seal_error_set(err, SEAL_INVALID, "request id too long");
    }
    s = load_request(dir, principal, request, now, &a, err);
    if (s == SEAL_PERM || s == SEAL_NOTFOUND) {
        const char *why = s == SEAL_PERM ? "permission" : "unknown_request";
        seal_error e2 = *err;
        s = refuse(dir, principal, request, why, now, err, e2.msg);
        goto out;
    }
    if (s != SEAL_OK) {
        goto out;
    }
    /* PA-7 / MC-9: a quarantined emergency, one past its deadline without
     * confirmation, or one whose follow-up is in review is not produced */
    const char *held = NULL;
    if ((s = emergency_gate(dir, principal, request, now, false, &held, err)) != SEAL_OK) {
        goto out;
    }
    if (held != NULL) {
        char msg[160];
        snprintf(msg, sizeof(msg), "its productions are withheld: %s (%s)", held,
                 a.basis == SEAL_BASIS_MAIL_COVER ? "MC-9" : "PA-7");
        s = refuse(dir, principal, request, held, now, err, msg);
        goto out;
    }
    /* the approval decides: only an active request is produced */
    if (strcmp(a.state, "active") != 0) {
        char why[48];
        snprintf(why, sizeof(why), "state_%s", a.state);
        char msg[96];
        snprintf(msg, sizeof(msg), "it is %s, not active", a.state);
        s = refuse(dir, principal, request, seal_id_valid(why) ? why : "state", now, err, msg);
        goto out;
    }
    if (a.expires != 0 && now >= a.expires) {
        s = refuse(dir, principal, request, "expired", now, err, "its legal process has expired");
        goto out;
    }
    int pa = seal_pa_basis_of(a.basis);
    if (pa < 0) {
        s = refuse(dir, principal, request, "discloses_nothing", now, err,
                   "a preservation discloses nothing");
        goto out;
    }
    if ((s = ops->open(dir, &acct, err)) != SEAL_OK) {
        goto out;
    }
    seal_acct_production prev;
    s = ops->production_get(acct, request, &prev, err);
    if (s == SEAL_OK) {
        s = refuse(dir, principal, request, "already_produced", now, err,
                   "it was produced before (one production per request)");
        goto out;
    }
    if (s != SEAL_NOTFOUND) {
        goto out;
    }
    seal_error_init(err);
    if ((s = emergency_gate(dir, principal, request, now, true, &held, err)) != SEAL_OK) {
        goto out;
    }
    size_t n_sub = json_array_size(a.subjects);
    if (n_sub == 0 || n_sub > SEAL_MANIFEST_MAX_FILES) {
        s = seal_error_set(err, SEAL_CORRUPT, "request %s: bad subjects", request);
        goto out;
    }
    /* the request's own events: submission, decisions, approvals */
    ev = seal_calloc(SEAL__PROD_MAX_EVENTS + 1, sizeof(*ev));
    if (ev == NULL) {
        s = seal_error_set(err, SEAL_NOMEM, "out of memory");
        goto out;
    }
    /* the clock before any file is written: on a test clock the production
     * event could not be logged at an earlier time than the last event */
    if ((s = open_ledger(dir, &led, err)) != SEAL_OK ||
        (s = seal_ledger_check_time(led, now, err)) != SEAL_OK ||
        (s = seal__prod_events_indexed(led, ops, acct, request, ev, SEAL__PROD_MAX_EVENTS, &n_ev,
                                       err)) != SEAL_OK) {
        goto out;
    }
    /* PA-4: the recipient's address; the policy's keeping period */
    if ((s = seal_agency_address_get(dir, a.agency, a.agency_address, sizeof(a.agency_address),
                                     err)) != SEAL_OK) {
        goto out;
    }
    int64_t acct_years = 5, cover_days = 0;
    seal_policy *pol = a.pol;
    a.pol = NULL;
    if (pol != NULL) {
        seal_policy_numbers num;
        seal_policy_get_numbers(pol, &num);
        if (num.accounting_years > acct_years) {
            acct_years = num.accounting_years;
        }
        cover_days = num.cover_records_days;
    }
    seal_policy_free(pol);
    const uint8_t *policy_sha = NULL;
    for (size_t i = 0; i < n_ev; i++) {
        if (strcmp(ev[i].type, "request.submitted") == 0 && ev[i].has_policy) {
            policy_sha = ev[i].policy;
        }
    }
    if (policy_sha == NULL) {
        s = seal_error_set(err, SEAL_CORRUPT, "request %s: no submission in the ledger", request);
        goto out;
    }

    /* the records: one lookup per approved subject, filtered by the allow-list */
    if ((s = seal_store_open(dir, &st, err)) != SEAL_OK) {
        goto out;
    }
    c = seal_calloc(1, sizeof(*c));
    if (c == NULL) {
        s = seal_error_set(err, SEAL_NOMEM, "out of memory");
        goto out;
    }
    c->cat = seal_store_catalogue(st);
    c->store = st;
    c->from = a.from;
    c->to = a.to;
    c->cover_days = cover_days;
    c->dis = &dis;
    allow_list(c, a.categories);
    /* PA-13: statements of disagreement go with the records they dispute */
    if ((s = seal_amend_each(dir, take_statement, c, err)) != SEAL_OK) {
        if (s == SEAL_NOMEM) {
            seal_error_set(err, s, "out of memory");
        }
        goto out;
    }
    char fname[SEAL_MANIFEST_MAX_FILES][32];
    for (size_t i = 0; i < n_sub && s == SEAL_OK; i++) {
        seal_buf_init(&files[i]);
        n_files++;
        seal_index_type type;
        const char *value, *person;
        snprintf(fname[i], sizeof(fname[i]), "subject-%zu.ndjson", i + 1);
        if (!map_subject(json_array_get(a.subjects, i), &type, &value, &person)) {
            continue; /* nothing the store could index: matches nothing */
        }
        size_t vn = strlen(value);
        uint8_t commit[32];
        if (seal_store_commitment(st, type, value, vn, commit, NULL) != SEAL_OK) {
            continue; /* not a valid identifier of its type: it matches nothing */
        }
        c->out = &files[i];
        c->person = person;
        c->file = fname[i];
        c->line = 0;
        size_t before = c->records, dis_len = dis.len, n_dis = c->n_dis, n_okey = c->n_okey;
        s = seal_store_lookup(st, type, value, vn, emit, c, err);
        if (s == SEAL_INVALID) {
            s = SEAL_OK;
            seal_buf_reset(&files[i]);
            c->records = before;
            dis.len = dis_len;
            c->n_dis = n_dis;
            c->n_okey = n_okey;
        }
    }
    size_t records = c->records, n_dis = c->n_dis;
    if (s != SEAL_OK) {
        goto out;
    }

    /* the manifest */
    char produced[24], from[16], to[16];
    seal_time_format(produced, sizeof(produced), now);
    seal_date_format(from, sizeof(from), a.from);
    seal_date_format(to, sizeof(to), a.to);
    s = seal_buf_printf(&man,
                        "sealed-production/v1\nproduction %s\nrequest %s\nagency %s\nbasis %s\n"
                        "pa-basis %s\npurpose %s\npolicy %s ",
                        pid, request, a.agency, seal_basis_name((seal_basis) a.basis),
                        seal_pa_basis_name(pa),
                        a.purpose >= 0 ? seal_purpose_name((seal_purpose) a.purpose) : "unknown",
                        seal_id_valid(a.policy) ? a.policy : "file");
    char hex[65];
    seal_hex_encode(hex, policy_sha, 32);
    if (s == SEAL_OK) {
        s = seal_buf_printf(&man, "%s\n", hex);
    }
    size_t n_appr = 0;
    for (size_t i = 0; i < n_ev && s == SEAL_OK; i++) {
        if (strcmp(ev[i].type, "request.approval") == 0 && n_appr < SEAL_MANIFEST_MAX_APPROVALS) {
            s = seal_buf_printf(&man, "approval %s %llu\n",
                                ev[i].actor[0] ? ev[i].actor : "unknown",
                                (unsigned long long) ev[i].index);
            n_appr++;
        }
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_str(&man, "categories ");
    }
    if (s == SEAL_OK) {
        s = categories_text(a.categories, &man);
    }
    if (s == SEAL_OK) {
        s = seal_buf_printf(&man, "\nwindow %s..%s\nproduced %s\nsubjects %zu\n", from, to,
                            produced, n_sub);
    }
    for (size_t i = 0; i < n_sub && s == SEAL_OK; i++) {
        uint8_t d[32];
        seal__sha256(d, files[i].data != NULL ? files[i].data : (const uint8_t *) "", files[i].len);
        seal_hex_encode(hex, d, 32);
        size_t lines = 0;
        for (size_t k = 0; k < files[i].len; k++) {
            lines += files[i].data[k] == '\n';
        }
        s = seal_buf_printf(&man, "file subject-%zu.ndjson %s %zu\n", i + 1, hex, lines);
    }
    if (s == SEAL_OK && n_dis > 0) {
        uint8_t d[32];
        seal__sha256(d, dis.data, dis.len);
        seal_hex_encode(hex, d, 32);
        s = seal_buf_printf(&man, "file disagreements.ndjson %s %zu\n", hex, n_dis);
    }
    if (s != SEAL_OK) {
        seal_error_set(err, s, "out of memory");
        goto out;
    }
    if ((s = sign_manifest(dir, (const char *) man.data, man.len, &signed_man, err)) != SEAL_OK) {
        goto out;
    }
    /* the bundle's files before the ledger says they exist */
    if ((s = out_dir_make(out_dir, err)) != SEAL_OK) {
        goto out;
    }
    for (size_t i = 0; i < n_sub && s == SEAL_OK; i++) {
        char name[48];
        snprintf(name, sizeof(name), "subject-%zu.ndjson", i + 1);
        s = write_in(out_dir, name, files[i].data, files[i].len, err);
    }
    if (s == SEAL_OK && n_dis > 0) {
        s = write_in(out_dir, "disagreements.ndjson", dis.data, dis.len, err);
    }
    if (s == SEAL_OK) {
        s = write_in(out_dir, "manifest.note", signed_man.data, signed_man.len, err);
    }
    if (s != SEAL_OK) {
        goto out;
    }

    /* the production event commits to the manifest */
    uint8_t mhash[32];
    seal__sha256(mhash, man.data, man.len);
    seal_event_commit com[2];
    com[0].name = "manifest";
    memcpy(com[0].value, mhash, 32);
    com[1].name = "policy";
    memcpy(com[1].value, policy_sha, 32);
    /* PA-8: a delay of notice, its basis and its end, logged with the
     * disclosure it delays */
    char nu[16] = "", ndays[24] = "";
    if (a.notice_until != 0) {
        seal_date_format(nu, sizeof(nu), a.notice_until);
        snprintf(ndays, sizeof(ndays), "%lld",
                 (long long) ((a.notice_until - seal_time_day(now) * DAY) / DAY));
    }
    seal_event_id ids[] = {{"request", request},
                           {"production", pid},
                           {"agency", a.agency},
                           {"actor", principal},
                           {"basis", seal_basis_name((seal_basis) a.basis)},
                           {"pa_basis", seal_pa_basis_name(pa)},
                           {"notice_until", a.notice_until != 0 ? nu : NULL},
                           {"notice_days", a.notice_until != 0 ? ndays : NULL},
                           {"notice_basis", a.notice_until == 0 ? NULL
                                            : a.signed_order    ? "signed_order"
                                                                : "request_document"},
                           {"notice_reference", a.notice_until != 0 ? a.reference : NULL},
                           {"disagreements", NULL}};
    char ndis[24];
    snprintf(ndis, sizeof(ndis), "%zu", n_dis);
    if (n_dis > 0) {
        ids[10].value = ndis;
    }
    uint64_t pidx;
    if ((s = log_event(led, "production.made", now, ids, 11, com, 2, &pidx, &cp, err)) != SEAL_OK) {
        goto out;
    }
    res->ledger_index = pidx;

    /* PA-4: the accounting, one entry per person whose records went out,
     * whatever identifier the request named them by */
    seal_acct_production prow;
    memset(&prow, 0, sizeof(prow));
    snprintf(prow.request, sizeof(prow.request), "%s", request);
    snprintf(prow.production, sizeof(prow.production), "%s", pid);
    snprintf(prow.principal, sizeof(prow.principal), "%s", principal != NULL ? principal : "");
    prow.at = now;
    prow.ledger_index = pidx;
    memcpy(prow.manifest, mhash, 32);
    prow.subjects = (int64_t) n_sub;
    prow.records = (int64_t) records;
    if ((s = ops->begin(acct, err)) != SEAL_OK) {
        goto out;
    }
    s = ops->production_put(acct, &prow, err);
    for (size_t i = 0; i < c->n_okey && s == SEAL_OK; i++) {
        seal_accounting_entry e;
        memset(&e, 0, sizeof(e));
        memcpy(e.subject, c->okey[i], 32);
        snprintf(e.request, sizeof(e.request), "%s", request);
        snprintf(e.production, sizeof(e.production), "%s", pid);
        snprintf(e.agency, sizeof(e.agency), "%s", a.agency);
        snprintf(e.agency_address, sizeof(e.agency_address), "%s", a.agency_address);
        snprintf(e.policy, sizeof(e.policy), "%s", seal_id_valid(a.policy) ? a.policy : "file");
        e.basis = a.basis;
        e.pa_basis = pa;
        e.purpose = a.purpose;
        e.categories = a.categories;
        e.window_from = a.from;
        e.window_to = a.to;
        e.at = now;
        e.notice_until = a.notice_until;
        /* cfr-233 withholds (b)(7) entries as 552a(c)(3) allows; strict shows them */
        e.b7_hidden = strcmp(a.policy, "cfr-233") == 0;
        e.ledger_index = pidx;
        e.keep_until = seal_accounting_keep_until(now, acct_years, c->olife[i]);
        s = ops->entry_put(acct, &e, err);
    }
    if (s == SEAL_OK) {
        s = ops->commit(acct, err);
    }
    if (s != SEAL_OK) {
        ops->rollback(acct);
        seal_error_prefix(err, "accounting (the production is logged as %s)", pid);
        goto out;
    }

    /* proofs of the request's events and of the production, at this checkpoint */
    seal_checkpoint ck;
    size_t cp_text;
    const char *nl2 = strstr((const char *) cp.data, "\n\n");
    cp_text = nl2 != NULL ? (size_t) (nl2 - (const char *) cp.data) + 1 : cp.len;
    if ((s = seal_checkpoint_parse((const char *) cp.data, cp_text, &ck, err)) != SEAL_OK) {
        goto out;
    }
    proofs = json_array();
    if (proofs == NULL) {
        s = seal_error_set(err, SEAL_NOMEM, "out of memory");
        goto out;
    }
    ev[n_ev].index = pidx;
    for (size_t i = 0; i <= n_ev && s == SEAL_OK; i++) {
        s = seal__prod_proof_json(led, ev[i].index, ck.size, proofs, err);
    }
    if (s != SEAL_OK) {
        goto out;
    }
    json_t *pj = json_pack("{s:I, s:O}", "checkpoint_size", (json_int_t) ck.size, "events", proofs);
    char *ptext = pj != NULL ? json_dumps(pj, JSON_INDENT(1) | JSON_SORT_KEYS) : NULL;
    json_decref(pj);
    if (ptext == NULL) {
        s = seal_error_set(err, SEAL_NOMEM, "out of memory");
        goto out;
    }
    s = write_in(out_dir, "proofs.json", ptext, strlen(ptext), err);
    free(ptext);
    if (s == SEAL_OK) {
        s = write_in(out_dir, "checkpoint", cp.data, cp.len, err);
    }
    if (s == SEAL_OK && (s = seal_ledger_vkey(led, &tmp)) == SEAL_OK &&
        (s = seal_buf_append_byte(&tmp, '\n')) == SEAL_OK) {
        s = write_in(out_dir, "ledger.vkey", tmp.data, tmp.len, err);
    }
    if (s == SEAL_OK) {
        snprintf(res->production, sizeof(res->production), "%s", pid);
        res->subjects = n_sub;
        res->records = records;
    }
out:
    if (c != NULL) {
        statements_free(c);
        seal_free(c->okey);
        seal_free(c->olife);
        seal_free(c);
    }
    if (dis.data != NULL) {
        memset(dis.data, 0, dis.len);
    }
    seal_buf_cleanup(&dis);
    for (size_t i = 0; i < n_files; i++) {
        if (files[i].data != NULL) {
            memset(files[i].data, 0, files[i].len);
        }
        seal_buf_cleanup(&files[i]);
    }
    json_decref(proofs);
    seal_free(ev);
    seal_buf_cleanup(&man);
    seal_buf_cleanup(&signed_man);
    seal_buf_cleanup(&cp);
    seal_buf_cleanup(&tmp);
    if (acct != NULL) {
        ops->close(acct);
    }
    seal_ledger_close(led);
    seal_store_close(st);
    json_decref(a.show);
    seal_policy_free(a.pol);
    return s;
}
