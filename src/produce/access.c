/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Subject access (sealed/produce.h seal_access; LAW.md PA-13): what a person
 * may see about themselves. Their own records come from the store by each
 * exact identifier they are bound to, with every field; the accounting of
 * disclosures comes from the accounting store by each identifier's keyed
 * commitment, filtered by seal_accounting_visible alone (a delay of notice
 * still running, or a (b)(7) entry the policy withholds, leaves no trace, not
 * even a count). Each entry shown carries the inclusion proof of its
 * production event against a signed checkpoint, so the person need not trust
 * the operator. The HTML page is built from the same JSON tree, every value
 * escaped, with no external resources.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "produce/produce_int.h"
#include "sealed/accounting.h"
#include "sealed/alloc.h"
#include "sealed/amend.h"
#include "sealed/ident.h"
#include "sealed/produce.h"
#include "sealed/request.h"
#include "sealed/store.h"
#include "sealed/time.h"
#include "store/accounting.h"

typedef struct rec_ctx {
    json_t *records; /* array */
    json_t *seen;    /* object: record id -> true */
    size_t subject;  /* 1-based position of the identifier */
    seal_store *st;
    seal_index_type by; /* what the current identifier is */
    /* the standardised names bound beside the addresses (name:VALUE) */
    seal_buf *names;
    size_t n_names;
    /* PA-4: the people the records shown are about (seal_store_owner_keys) */
    uint8_t (*keys)[32];
    size_t n_keys, cap_keys;
} rec_ctx;

static seal_status key_add(rec_ctx *c, const uint8_t k[32])
{
    for (size_t i = 0; i < c->n_keys; i++) {
        if (memcmp(c->keys[i], k, 32) == 0) {
            return SEAL_OK;
        }
    }
    if (c->n_keys == c->cap_keys) {
        size_t cap = c->cap_keys == 0 ? 16 : 2 * c->cap_keys;
        void *p = seal_realloc(c->keys, cap * sizeof(*c->keys));
        if (p == NULL) {
            return SEAL_NOMEM;
        }
        c->keys = p;
        c->cap_keys = cap;
    }
    memcpy(c->keys[c->n_keys++], k, 32);
    return SEAL_OK;
}

/* Whether a record found by an address is this person's (PA-13): it must
 * not belong to an account (an account's holder sees it through the
 * account) and must name one of the names bound beside the address, so a
 * housemate's mail, filings and parcels stay theirs. */
static bool names_bound(const rec_ctx *c, const seal_record *rec)
{
    int of;
    if (seal_record_owner(rec, &of) == SEAL_IDX_ACCOUNT) {
        return false;
    }
    seal_buf std;
    seal_buf_init(&std);
    bool hit = false;
    for (size_t i = 0; i < rec->kind->nfields && !hit; i++) {
        if (rec->kind->fields[i].type != SEAL_FT_NAME || rec->v[i] == NULL ||
            seal_name_std(rec->v[i], rec->n[i], &std, NULL) != SEAL_OK) {
            continue;
        }
        for (size_t k = 0; k < c->n_names && !hit; k++) {
            hit = c->names[k].len == std.len && memcmp(c->names[k].data, std.data, std.len) == 0;
        }
    }
    if (std.data != NULL) {
        seal__wipe(std.data, std.len);
    }
    seal_buf_cleanup(&std);
    return hit;
}

typedef struct acct_ctx {
    int64_t now;
    seal_accounting_entry *v;
    size_t n, cap;
} acct_ctx;

static seal_status nomem(seal_error *err)
{
    return seal_error_set(err, SEAL_NOMEM, "out of memory");
}

static seal_status on_record(const seal_record *rec, int64_t id, void *ud)
{
    rec_ctx *c = ud;
    char key[32];
    snprintf(key, sizeof(key), "%lld", (long long) id);
    if (json_object_get(c->seen, key) != NULL) {
        return SEAL_OK; /* found by an earlier identifier */
    }
    if (c->by == SEAL_IDX_ADDRESS && !names_bound(c, rec)) {
        return SEAL_OK; /* at the address, but someone else's */
    }
    uint8_t keys[SEAL_OWNER_KEYS_MAX][32];
    size_t nk = 0;
    seal_status ks = seal_store_owner_keys(c->st, rec, keys, &nk, NULL);
    for (size_t i = 0; i < nk && ks == SEAL_OK; i++) {
        ks = key_add(c, keys[i]);
    }
    if (ks == SEAL_NOMEM) {
        return ks;
    }
    json_t *fields = json_object();
    json_t *o = json_object();
    if (fields == NULL || o == NULL || json_object_set_new(c->seen, key, json_true()) != 0) {
        json_decref(fields);
        json_decref(o);
        return SEAL_NOMEM;
    }
    int bad = 0;
    for (size_t i = 0; i < rec->kind->nfields; i++) {
        if (rec->v[i] != NULL) {
            bad |= json_object_set_new(fields, rec->kind->fields[i].name,
                                       json_stringn(rec->v[i], rec->n[i]));
        }
    }
    bad |= json_object_set_new(o, "kind", json_string(rec->kind->name));
    bad |= json_object_set_new(o, "record", json_integer((json_int_t) id));
    bad |= json_object_set_new(o, "found_by", json_integer((json_int_t) c->subject));
    bad |= json_object_set_new(o, "fields", fields);
    if (bad != 0 || json_array_append_new(c->records, o) != 0) {
        return SEAL_NOMEM;
    }
    return SEAL_OK;
}

static seal_status on_entry(const seal_accounting_entry *e, void *ud)
{
    acct_ctx *c = ud;
    if (!seal_accounting_visible(e, c->now)) {
        return SEAL_OK; /* PA-8 / 552a(c)(3): withheld, without trace */
    }
    for (size_t i = 0; i < c->n; i++) {
        if (strcmp(c->v[i].production, e->production) == 0 &&
            memcmp(c->v[i].subject, e->subject, 32) == 0) {
            return SEAL_OK;
        }
    }
    if (c->n == c->cap) {
        size_t nc = c->cap == 0 ? 8 : c->cap * 2;
        seal_accounting_entry *nv = seal_realloc(c->v, nc * sizeof(*nv));
        if (nv == NULL) {
            return SEAL_NOMEM;
        }
        c->v = nv;
        c->cap = nc;
    }
    c->v[c->n++] = *e;
    return SEAL_OK;
}

typedef struct amend_ctx {
    const uint8_t (*commits)[32];
    size_t n;
    json_t *seen; /* record ids found */
    json_t *out;  /* array */
} amend_ctx;

static json_t *time_or_null(int64_t t)
{
    if (t == 0) {
        return json_null();
    }
    char d[24];
    seal_time_format(d, sizeof(d), t);
    return json_string(d);
}

/* PA-13: the person's requests to amend and what became of them. */
static seal_status on_amend(const seal_amend_view *a, void *ud)
{
    amend_ctx *c = ud;
    char key[32];
    snprintf(key, sizeof(key), "%lld", (long long) a->record);
    bool mine = json_object_get(c->seen, key) != NULL;
    for (size_t i = 0; i < c->n && !mine; i++) {
        mine = memcmp(c->commits[i], a->subject, 32) == 0;
    }
    if (!mine) {
        return SEAL_OK;
    }
    char due[16];
    seal_date_format(due, sizeof(due), a->ack_due);
    json_t *o = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s?, s:o, s:s, s:o, s:o}", "id", a->id,
                          "record", (json_int_t) a->record, "kind", a->kind, "field", a->field,
                          "state", seal_amend_state_name(a->state), "requested", a->requested,
                          "filed", time_or_null(a->filed), "acknowledge_by", due, "acknowledged",
                          time_or_null(a->acked), "decided", time_or_null(a->decided));
    if (o == NULL) {
        return SEAL_NOMEM;
    }
    int bad = 0;
    if (a->reason != NULL) {
        bad |= json_object_set_new(o, "reason", json_string(a->reason));
    }
    if (a->review_due != 0) {
        seal_date_format(due, sizeof(due), a->review_due);
        bad |= json_object_set_new(o, "review_by", json_string(due));
        bad |= json_object_set_new(o, "reviewed", time_or_null(a->reviewed));
    }
    if (a->statement != NULL) {
        bad |= json_object_set_new(o, "statement_of_disagreement", json_string(a->statement));
        bad |= json_object_set_new(o, "statement_filed", time_or_null(a->disagreed));
    }
    if (bad != 0 || json_array_append_new(c->out, o) != 0) {
        return SEAL_NOMEM;
    }
    return SEAL_OK;
}

/* The checkpoint the proofs verify against: the stored one when it covers
 * every entry shown, else a freshly signed one. */
static seal_status checkpoint_for(const char *dir, seal_ledger *led, uint64_t need, seal_buf *cp,
                                  seal_checkpoint *ck, seal_error *err)
{
    char path[1100];
    snprintf(path, sizeof(path), "%s/ledger/checkpoint", dir);
    for (int attempt = 0; attempt < 2; attempt++) {
        seal_buf_reset(cp);
        seal_status s = attempt == 0 ? seal__prod_read_file(path, 65536, cp, err)
                                     : seal_ledger_checkpoint(led, cp, err);
        if (s != SEAL_OK) {
            if (attempt == 0) {
                continue;
            }
            return s;
        }
        const char *text = (const char *) cp->data;
        const char *nl2 = strstr(text, "\n\n");
        size_t n = nl2 != NULL ? (size_t) (nl2 - text) + 1 : cp->len;
        s = seal_checkpoint_parse(text, n, ck, err);
        if (s == SEAL_OK && ck->size >= need) {
            return SEAL_OK;
        }
        if (attempt == 1) {
            return s != SEAL_OK ? s
                                : seal_error_set(err, SEAL_CORRUPT,
                                                 "ledger: an accounting entry is not in the log");
        }
    }
    return seal_error_set(err, SEAL_CORRUPT, "ledger: no checkpoint");
}

static json_t *date_json(int64_t t)
{
    char d[16];
    seal_date_format(d, sizeof(d), t);
    return json_string(d);
}

static json_t *entry_json(const seal_accounting_entry *e)
{
    char at[24];
    seal_time_format(at, sizeof(at), e->at);
    json_t *cats = json_array();
    for (int i = 0; cats != NULL && i < SEAL_CAT_COUNT; i++) {
        if (e->categories & (1u << i)) {
            json_array_append_new(cats, json_string(seal_category_name((seal_category) i)));
        }
    }
    const char *basis = seal_basis_name((seal_basis) e->basis);
    const char *pa = seal_pa_basis_name(e->pa_basis);
    const char *purpose = e->purpose >= 0 ? seal_purpose_name((seal_purpose) e->purpose) : NULL;
    json_t *o =
        json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:{s:s, s:s?}, s:o, s:{s:o, s:o}, s:s, "
                  "s:s, s:s}",
                  "date", at, "nature", "disclosure of records to an agency", "legal_basis", basis,
                  "privacy_act_basis", pa, "purpose", purpose, "recipient", "agency", e->agency,
                  "address", e->agency_address[0] ? e->agency_address : NULL, "categories", cats,
                  "window", "from", date_json(e->window_from), "to", date_json(e->window_to),
                  "request", e->request, "production", e->production, "policy", e->policy);
    if (o != NULL && e->notice_until != 0) {
        json_object_set_new(o, "notice_delayed_until", date_json(e->notice_until));
    }
    if (o != NULL) {
        json_object_set_new(o, "kept_until",
                            e->keep_until == SEAL_ACCT_KEEP_FOREVER
                                ? json_string("the life of the records")
                                : date_json(e->keep_until - 86400));
    }
    return o;
}

/* ---- HTML ------------------------------------------------------------------- */

static seal_status esc(seal_buf *b, const char *s)
{
    seal_status st = SEAL_OK;
    for (const char *p = s; *p != '\0' && st == SEAL_OK; p++) {
        switch (*p) {
        case '&':
            st = seal_buf_append_str(b, "&amp;");
            break;
        case '<':
            st = seal_buf_append_str(b, "&lt;");
            break;
        case '>':
            st = seal_buf_append_str(b, "&gt;");
            break;
        case '"':
            st = seal_buf_append_str(b, "&quot;");
            break;
        case '\'':
            st = seal_buf_append_str(b, "&#39;");
            break;
        default:
            st = seal_buf_append_byte(b, (uint8_t) *p);
        }
    }
    return st;
}

/* A value as text: strings as they are, anything else as compact JSON. */
static seal_status esc_json(seal_buf *b, json_t *v)
{
    if (json_is_string(v)) {
        return esc(b, json_string_value(v));
    }
    char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
    if (t == NULL) {
        return SEAL_NOMEM;
    }
    seal_status s = esc(b, t);
    free(t);
    return s;
}

static seal_status html_row(seal_buf *b, const char *k, json_t *v)
{
    seal_status s = seal_buf_append_str(b, "<tr><th scope=\"row\">");
    if (s == SEAL_OK) {
        s = esc(b, k);
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_str(b, "</th><td>");
    }
    if (s == SEAL_OK) {
        s = esc_json(b, v);
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_str(b, "</td></tr>\n");
    }
    return s;
}

static seal_status html_table(seal_buf *b, const char *caption, json_t *obj, const char *skip)
{
    seal_status s = seal_buf_append_str(b, "<table>\n<caption>");
    if (s == SEAL_OK) {
        s = esc(b, caption);
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_str(b, "</caption>\n");
    }
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v)
    {
        if (s == SEAL_OK && (skip == NULL || strcmp(k, skip) != 0)) {
            s = html_row(b, k, v);
        }
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_str(b, "</table>\n");
    }
    return s;
}

static seal_status html_page(json_t *doc, seal_buf *b)
{
    seal_status s = seal_buf_append_str(
        b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<title>Your records and the accounting of disclosures</title>\n"
           "<style>body{font-family:serif;max-width:48em;margin:1em auto;color:#000;"
           "background:#fff}table{border-collapse:collapse;width:100%;margin:0 0 1em}"
           "caption{text-align:left;font-weight:bold;padding:.3em 0}th,td{border:1px solid "
           "#444;padding:.2em .4em;text-align:left;vertical-align:top;overflow-wrap:anywhere}"
           "pre,code{white-space:pre-wrap;overflow-wrap:anywhere}"
           "@media print{section{break-inside:avoid-page}}</style>\n</head>\n<body>\n<main>\n"
           "<h1>Your records and the accounting of disclosures</h1>\n<p>As of ");
    if (s == SEAL_OK) {
        s = esc_json(b, json_object_get(doc, "as_of"));
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_str(b, ", for these identifiers:</p>\n<ul>\n");
    }
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(doc, "subjects"), i, v)
    {
        if (s == SEAL_OK) {
            s = seal_buf_append_str(b, "<li>");
        }
        if (s == SEAL_OK) {
            s = esc_json(b, json_object_get(v, "type"));
        }
        if (s == SEAL_OK) {
            s = seal_buf_append_str(b, ": ");
        }
        if (s == SEAL_OK) {
            s = esc_json(b, json_object_get(v, "value"));
        }
        if (s == SEAL_OK) {
            s = seal_buf_append_str(b, "</li>\n");
        }
    }
    json_t *recs = json_object_get(doc, "records");
    if (s == SEAL_OK) {
        s = seal_buf_printf(b,
                            "</ul>\n<section aria-labelledby=\"h-records\">\n"
                            "<h2 id=\"h-records\">Your records (%zu)</h2>\n",
                            json_array_size(recs));
    }
    json_array_foreach(recs, i, v)
    {
        char cap[200];
        snprintf(cap, sizeof(cap), "Record %zu: %s", i + 1,
                 json_string_value(json_object_get(v, "kind")) != NULL
                     ? json_string_value(json_object_get(v, "kind"))
                     : "record");
        if (s == SEAL_OK) {
            s = html_table(b, cap, json_object_get(v, "fields"), NULL);
        }
    }
    json_t *acct = json_object_get(doc, "accounting");
    if (s == SEAL_OK) {
        s = seal_buf_printf(b,
                            "</section>\n<section aria-labelledby=\"h-acct\">\n"
                            "<h2 id=\"h-acct\">Disclosures of your records (%zu)</h2>\n"
                            "<p>Each disclosure below is recorded in a public, append-only "
                            "log; the proof lets anyone check that against the signed "
                            "checkpoint at the end of this page.</p>\n",
                            json_array_size(acct));
    }
    json_array_foreach(acct, i, v)
    {
        char cap[64];
        snprintf(cap, sizeof(cap), "Disclosure %zu", i + 1);
        if (s == SEAL_OK) {
            s = html_table(b, cap, v, "ledger");
        }
        json_t *l = json_object_get(v, "ledger");
        if (s == SEAL_OK) {
            s = seal_buf_append_str(b, "<p>Log entry ");
        }
        if (s == SEAL_OK) {
            s = esc_json(b, json_object_get(l, "index"));
        }
        if (s == SEAL_OK) {
            s = seal_buf_append_str(b, ", inclusion proof:</p>\n<pre><code>");
        }
        size_t k;
        json_t *h;
        json_array_foreach(json_object_get(l, "proof"), k, h)
        {
            if (s == SEAL_OK) {
                s = esc_json(b, h);
            }
            if (s == SEAL_OK) {
                s = seal_buf_append_byte(b, '\n');
            }
        }
        if (s == SEAL_OK) {
            s = seal_buf_append_str(b, "</code></pre>\n");
        }
    }
    json_t *am = json_object_get(doc, "amendments");
    if (s == SEAL_OK) {
        s = seal_buf_printf(b,
                            "</section>\n<section aria-labelledby=\"h-amend\">\n"
                            "<h2 id=\"h-amend\">Your requests to amend your records (%zu)</h2>\n",
                            json_array_size(am));
    }
    json_array_foreach(am, i, v)
    {
        char cap[64];
        snprintf(cap, sizeof(cap), "Request to amend %zu", i + 1);
        if (s == SEAL_OK) {
            s = html_table(b, cap, v, NULL);
        }
    }
    json_t *cp = json_object_get(doc, "checkpoint");
    if (s == SEAL_OK) {
        s = seal_buf_append_str(b, "</section>\n<section aria-labelledby=\"h-cp\">\n"
                                   "<h2 id=\"h-cp\">Signed checkpoint</h2>\n");
    }
    if (s == SEAL_OK && json_is_string(cp)) {
        s = seal_buf_append_str(b, "<pre><code>");
        if (s == SEAL_OK) {
            s = esc_json(b, cp);
        }
        if (s == SEAL_OK) {
            s = seal_buf_append_str(b, "</code></pre>\n<p>Verifier key:</p>\n<pre><code>");
        }
        if (s == SEAL_OK) {
            s = esc_json(b, json_object_get(doc, "ledger_vkey"));
        }
        if (s == SEAL_OK) {
            s = seal_buf_append_str(b, "</code></pre>\n");
        }
    } else if (s == SEAL_OK) {
        s = seal_buf_append_str(b, "<p>No disclosure to prove.</p>\n");
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_str(b, "</section>\n</main>\n</body>\n</html>\n");
    }
    return s;
}

/* ---- the access itself -------------------------------------------------------- */

static seal_status put(json_t *o, const char *k, json_t *v, seal_error *err)
{
    return json_object_set_new(o, k, v) == 0 ? SEAL_OK : nomem(err);
}

seal_status seal_access(const char *dir, const seal_access_subject *subs, size_t n, int64_t now,
                        seal_buf *json, seal_buf *html, seal_error *err)
{
    if (n == 0 || n > SEAL_ACCESS_MAX_SUBJECTS) {
        return seal_error_set(err, SEAL_INVALID, "name 1 to %d identifiers",
                              SEAL_ACCESS_MAX_SUBJECTS);
    }
    seal_store *st = NULL;
    seal_ledger *led = NULL;
    const seal_acct_backend_ops *ops = &seal__sqlite_accounting;
    seal_acct_backend *acct = NULL;
    uint8_t commits[SEAL_ACCESS_MAX_SUBJECTS][32];
    acct_ctx ac = {.now = now};
    seal_buf names[SEAL_ACCESS_MAX_SUBJECTS];
    rec_ctx rc = {.records = json_array(), .seen = json_object(), .names = names};
    json_t *doc = json_object(), *subj = json_array(), *entries = json_array();
    json_t *amends = json_array();
    seal_buf cp, vk;
    seal_buf_init(&cp);
    seal_buf_init(&vk);
    char *text = NULL;
    seal_status s = SEAL_OK;
    if (rc.records == NULL || rc.seen == NULL || doc == NULL || subj == NULL || entries == NULL ||
        amends == NULL) {
        s = nomem(err);
        goto out;
    }
    /* name:VALUE identifiers: never looked up; they say who the person is at
     * the addresses bound beside them */
    bool any_address = false;
    for (size_t i = 0; i < n; i++) {
        any_address |= subs[i].type == SEAL_IDX_ADDRESS;
    }
    for (size_t i = 0; i < n && s == SEAL_OK; i++) {
        if (subs[i].type != SEAL_IDX_NONE) {
            continue;
        }
        if (!any_address) {
            s = seal_error_set(err, SEAL_INVALID,
                               "subject %zu: a name is valid only beside an address", i + 1);
            break;
        }
        seal_buf_init(&names[rc.n_names]);
        if (seal_name_std(subs[i].value, strlen(subs[i].value), &names[rc.n_names++], NULL) !=
            SEAL_OK) {
            s = seal_error_set(err, SEAL_INVALID, "subject %zu: not a valid name", i + 1);
        }
    }
    if (s != SEAL_OK) {
        goto out;
    }
    if ((s = seal_store_open(dir, &st, err)) != SEAL_OK) {
        goto out;
    }
    rc.st = st;
    size_t n_commits = 0;
    for (size_t i = 0; i < n && s == SEAL_OK; i++) {
        if (subs[i].type == SEAL_IDX_NONE) {
            continue;
        }
        const char *tn = seal_index_type_name(subs[i].type);
        size_t vn = strlen(subs[i].value);
        s = seal_store_commitment(st, subs[i].type, subs[i].value, vn, commits[n_commits], err);
        if (s == SEAL_INVALID) {
            /* the message names the position, never the value */
            s = seal_error_set(err, SEAL_INVALID, "subject %zu: not a valid %s", i + 1,
                               tn != NULL ? tn : "identifier");
            break;
        }
        if (s != SEAL_OK) {
            break;
        }
        json_t *o = json_pack("{s:s, s:s}", "type", tn != NULL ? tn : "", "value", subs[i].value);
        if (o == NULL || json_array_append_new(subj, o) != 0) {
            s = nomem(err);
            break;
        }
        /* PA-4: entries about the person by this identifier itself; an
         * address names a household, not a person: its entries are found
         * through the person at it (below) */
        if (subs[i].type != SEAL_IDX_ADDRESS && (s = key_add(&rc, commits[n_commits])) != SEAL_OK) {
            nomem(err);
            break;
        }
        n_commits++;
        for (size_t k = 0; k < n && subs[i].type == SEAL_IDX_ADDRESS && s == SEAL_OK; k++) {
            uint8_t pc[32];
            if (subs[k].type == SEAL_IDX_NONE &&
                seal_store_person_commitment(st, subs[i].value, vn, subs[k].value,
                                             strlen(subs[k].value), pc, NULL) == SEAL_OK &&
                key_add(&rc, pc) != SEAL_OK) {
                s = nomem(err);
            }
        }
        rc.subject = i + 1;
        rc.by = subs[i].type;
        if (s == SEAL_OK) {
            s = seal_store_lookup(st, subs[i].type, subs[i].value, vn, on_record, &rc, err);
        }
        if (s == SEAL_NOMEM) {
            nomem(err);
        }
    }
    if (s != SEAL_OK) {
        goto out;
    }
    if ((s = ops->open(dir, &acct, err)) != SEAL_OK) {
        goto out;
    }
    for (size_t i = 0; i < rc.n_keys && s == SEAL_OK; i++) {
        s = ops->entry_each(acct, rc.keys[i], on_entry, &ac, err);
        if (s == SEAL_NOMEM) {
            nomem(err);
        }
    }
    if (s != SEAL_OK) {
        goto out;
    }
    json_t *cpj = json_null(), *vkj = json_null();
    if (ac.n > 0) {
        char path[1100];
        snprintf(path, sizeof(path), "%s/ledger", dir);
        uint64_t need = 0;
        for (size_t i = 0; i < ac.n; i++) {
            if (ac.v[i].ledger_index + 1 > need) {
                need = ac.v[i].ledger_index + 1;
            }
        }
        seal_checkpoint ck;
        if ((s = seal_ledger_open(path, NULL, &led, err)) != SEAL_OK) {
            seal_error_prefix(err, "ledger");
            goto out;
        }
        if ((s = checkpoint_for(dir, led, need, &cp, &ck, err)) != SEAL_OK) {
            goto out;
        }
        for (size_t i = 0; i < ac.n && s == SEAL_OK; i++) {
            json_t *o = entry_json(&ac.v[i]);
            json_t *tmp = json_array();
            if (o == NULL || tmp == NULL) {
                json_decref(o);
                json_decref(tmp);
                s = nomem(err);
                break;
            }
            s = seal__prod_proof_json(led, ac.v[i].ledger_index, ck.size, tmp, err);
            if (s == SEAL_OK) {
                s = put(o, "ledger", json_incref(json_array_get(tmp, 0)), err);
            }
            json_decref(tmp);
            if (s == SEAL_OK && json_array_append_new(entries, o) != 0) {
                s = nomem(err);
            } else if (s != SEAL_OK) {
                json_decref(o);
            }
        }
        if (s != SEAL_OK) {
            goto out;
        }
        if (seal_ledger_vkey(led, &vk) != SEAL_OK) {
            s = nomem(err);
            goto out;
        }
        cpj = json_stringn((const char *) cp.data, cp.len);
        vkj = json_stringn((const char *) vk.data, vk.len);
    }
    amend_ctx amc = {(const uint8_t(*)[32]) commits, n_commits, rc.seen, amends};
    if ((s = seal_amend_each(dir, on_amend, &amc, err)) != SEAL_OK) {
        if (s == SEAL_NOMEM) {
            nomem(err);
        }
        goto out;
    }
    char asof[24];
    seal_time_format(asof, sizeof(asof), now);
    if ((s = put(doc, "as_of", json_string(asof), err)) != SEAL_OK ||
        (s = put(doc, "subjects", json_incref(subj), err)) != SEAL_OK ||
        (s = put(doc, "records", json_incref(rc.records), err)) != SEAL_OK ||
        (s = put(doc, "accounting", json_incref(entries), err)) != SEAL_OK ||
        (s = put(doc, "amendments", json_incref(amends), err)) != SEAL_OK ||
        (s = put(doc, "checkpoint", cpj, err)) != SEAL_OK ||
        (s = put(doc, "ledger_vkey", vkj, err)) != SEAL_OK) {
        goto out;
    }
    text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (text == NULL || seal_buf_append_str(json, text) != SEAL_OK ||
        seal_buf_append_byte(json, '\n') != SEAL_OK) {
        s = nomem(err);
        goto out;
    }
    if (html != NULL && html_page(doc, html) != SEAL_OK) {
        s = nomem(err);
        goto out;
    }
out:
    if (text != NULL) {
        memset(text, 0, strlen(text)); /* it held the person's records */
        free(text);
    }
    json_decref(doc);
    json_decref(subj);
    json_decref(entries);
    json_decref(amends);
    json_decref(rc.records);
    json_decref(rc.seen);
    seal_free(rc.keys);
    for (size_t i = 0; i < rc.n_names; i++) {
        if (names[i].data != NULL) {
            seal__wipe(names[i].data, names[i].len);
        }
        seal_buf_cleanup(&names[i]);
    }
    seal_free(ac.v);
    seal_buf_cleanup(&cp);
    seal_buf_cleanup(&vk);
    if (acct != NULL) {
        ops->close(acct);
    }
    seal_ledger_close(led);
    seal_store_close(st);
    return s;
}
