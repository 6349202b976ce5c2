/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The stream matcher. Almost every scanned piece matches no active cover, so
 * the common case must cost almost nothing: a pre-filter looks only at the
 * raw bytes of the two addresses (the ZIP Code at the end and the leading
 * digits of the primary number, Pub 28 §231) and the delivery point code,
 * and probes small open-addressing hash sets built from the active covers'
 * standardised subject addresses. Only pieces that pass are standardised in
 * full (include/sealed/address.h) and compared key for key; then the window
 * (inclusive days), the delivery point code (which decides when both sides
 * carry one), exclusions (MC-7) and names (MC-4) are applied.
 *
 * The pre-filter never rejects a piece the full comparison would accept:
 * covers must carry a ZIP Code (so keys are ZIP-based, and a scan key
 * without one cannot equal theirs), a line that does not start with a digit
 * (PO Box, routes, military, number words) is checked by ZIP Code alone, and
 * the primary number is compared by its numeric value so spellings the
 * standardiser unifies (0012 and 12) cannot differ here.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cover/cover_int.h"
#include "sealed/address.h"
#include "sealed/alloc.h"
#include "sealed/ident.h"
#include "sealed/time.h"

typedef struct mcover {
    seal_cover pub; /* owned copies */
    char *key;
    uint64_t dpc; /* 0 = none */
    int64_t first, last;
    char **excl; /* keys of excluded addresses */
    char **names_std;
    char **non_std;
} mcover;

struct seal_matcher {
    mcover *c;
    size_t n;
    /* pre-filter: (zip, number) tokens, zips, dpcs; 0 = empty slot */
    uint64_t *pre;
    size_t pre_mask;
    uint64_t *zips;
    size_t zip_mask;
    /* exact maps: slot -> cover index + 1 of the first cover, chained */
    uint32_t *key_slot;
    size_t key_mask;
    uint32_t *dpc_slot;
    size_t dpc_mask;
    uint32_t *key_next; /* next cover with the same key, + 1 */
    uint32_t *dpc_next;
    uint64_t candidates;
    seal_buf k_to, k_from, tmp, name;
    seal_match *work;
};

static uint64_t mix(uint64_t x)
{
    /* splitmix64 finaliser */
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t) s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static bool set_has(const uint64_t *t, size_t mask, uint64_t v)
{
    for (size_t s = (size_t) mix(v) & mask;; s = (s + 1) & mask) {
        if (t[s] == v) {
            return true;
        }
        if (t[s] == 0) {
            return false;
        }
    }
}

static void set_add(uint64_t *t, size_t mask, uint64_t v)
{
    for (size_t s = (size_t) mix(v) & mask;; s = (s + 1) & mask) {
        if (t[s] == v) {
            return;
        }
        if (t[s] == 0) {
            t[s] = v;
            return;
        }
    }
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Pre-filter tokens of one raw address: *zip the ZIP Code at its end (Pub
 * 28 §224: 5 digits, 9 digits or ZIP+4 with a hyphen) or 0; *num the value of
 * its leading digits + 1, or 0 when it does not start with a digit. */
void seal__cover_prefilter_tokens(const char *s, size_t n, uint32_t *zip, uint64_t *num)
{
    *zip = 0;
    *num = 0;
    size_t e = n;
    while (e > 0 && !is_digit(s[e - 1]) && s[e - 1] != '-' &&
           !((s[e - 1] | 0x20) >= 'a' && (s[e - 1] | 0x20) <= 'z')) {
        e--;
    }
    size_t b = e;
    while (b > 0 && (is_digit(s[b - 1]) || s[b - 1] == '-')) {
        b--;
    }
    size_t len = e - b;
    bool sep = b == 0 || !((s[b - 1] | 0x20) >= 'a' && (s[b - 1] | 0x20) <= 'z');
    if (sep && (len == 5 || len == 9 || (len == 10 && s[b + 5] == '-'))) {
        uint32_t z = 0;
        bool ok = true;
        for (size_t i = 0; i < 5; i++) {
            ok = ok && is_digit(s[b + i]);
            z = z * 10 + (uint32_t) (s[b + i] - '0');
        }
        for (size_t i = 5; i < len; i++) {
            ok = ok && (is_digit(s[b + i]) || (i == 5 && len == 10));
        }
        if (ok) {
            *zip = z + 1;
        }
    }
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '"')) {
        i++;
    }
    uint64_t v = 0;
    size_t d = 0;
    while (i < n && is_digit(s[i]) && d < 15) {
        v = v * 10 + (uint64_t) (s[i] - '0');
        i++;
        d++;
    }
    if (d > 0 && d < 15 && !(i < n && is_digit(s[i]))) {
        *num = v + 1;
    }
}

static uint64_t pre_token(uint32_t zip, uint64_t num)
{
    return (uint64_t) zip | num << 17 | 1ull << 63;
}

/* Pre-filter: could this raw address equal a cover's subject? */
static bool prefilter(const seal_matcher *m, const char *s, size_t n)
{
    uint32_t zip;
    uint64_t num;
    if (n == 0) {
        return false;
    }
    seal__cover_prefilter_tokens(s, n, &zip, &num);
    if (zip == 0) {
        return false; /* a key without ZIP never equals a cover's */
    }
    if (num == 0) {
        return set_has(m->zips, m->zip_mask, (uint64_t) zip | 1ull << 63);
    }
    return set_has(m->pre, m->pre_mask, pre_token(zip, num));
}

static uint64_t dpc_value(const char *s, size_t n)
{
    if (n != 11) {
        return 0;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < 11; i++) {
        if (!is_digit(s[i])) {
            return 0;
        }
        v = v * 10 + (uint64_t) (s[i] - '0');
    }
    return v + 1;
}

static size_t table_size(size_t n)
{
    size_t s = 16;
    while (s < 4 * n) {
        s *= 2;
    }
    return s;
}

static void free_strv(char **v, size_t n)
{
    if (v == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        seal_free(v[i]);
    }
    seal_free(v);
}

void seal_matcher_free(seal_matcher *m)
{
    if (m == NULL) {
        return;
    }
    for (size_t i = 0; i < m->n; i++) {
        mcover *c = &m->c[i];
        seal_free((char *) c->pub.id);
        seal_free((char *) c->pub.subject);
        seal_free((char *) c->pub.dpc);
        free_strv((char **) c->pub.names, c->pub.n_names);
        free_strv((char **) c->pub.non_subjects, c->pub.n_non_subjects);
        free_strv((char **) c->pub.exclude, c->pub.n_exclude);
        seal_free(c->key);
        free_strv(c->excl, c->pub.n_exclude);
        free_strv(c->names_std, c->pub.n_names);
        free_strv(c->non_std, c->pub.n_non_subjects);
    }
    seal_free(m->c);
    seal_free(m->pre);
    seal_free(m->zips);
    seal_free(m->key_slot);
    seal_free(m->dpc_slot);
    seal_free(m->key_next);
    seal_free(m->dpc_next);
    seal_free(m->work);
    seal_buf_cleanup(&m->k_to);
    seal_buf_cleanup(&m->k_from);
    seal_buf_cleanup(&m->tmp);
    seal_buf_cleanup(&m->name);
    seal_free(m);
}

static char *dup_or_null(const char *s)
{
    return s != NULL ? seal_strdup(s) : NULL;
}

static seal_status copy_strv(const char *const *src, size_t n, char ***dst)
{
    *dst = NULL;
    if (n == 0) {
        return SEAL_OK;
    }
    *dst = seal_calloc(n, sizeof(char *));
    if (*dst == NULL) {
        return SEAL_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        if (src[i] == NULL || ((*dst)[i] = seal_strdup(src[i])) == NULL) {
            return src[i] == NULL ? SEAL_INVALID : SEAL_NOMEM;
        }
    }
    return SEAL_OK;
}

static seal_status std_names(const char *const *src, size_t n, char ***dst, seal_buf *b,
                             seal_error *err)
{
    *dst = NULL;
    if (n == 0) {
        return SEAL_OK;
    }
    if ((*dst = seal_calloc(n, sizeof(char *))) == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "cover: out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        seal_status st = seal_name_std(src[i], strlen(src[i]), b, err);
        if (st != SEAL_OK) {
            return st;
        }
        if (((*dst)[i] = seal_strdup(seal_buf_str(b))) == NULL) {
            return seal_error_set(err, SEAL_NOMEM, "cover: out of memory");
        }
    }
    return SEAL_OK;
}

static bool valid_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '.' ||
              c == '_' || c == '-')) {
            return false;
        }
    }
    return true;
}

static seal_status add_cover(seal_matcher *m, size_t i, const seal_cover *in, seal_error *err)
{
    mcover *c = &m->c[i];
    seal_status st;
    if (in->id == NULL || !valid_id(in->id)) {
        return seal_error_set(err, SEAL_INVALID, "cover %zu: id: not [A-Za-z0-9._-]{1,64}", i);
    }
    if (in->subject == NULL) {
        return seal_error_set(err, SEAL_INVALID, "cover %s: subject: missing", in->id);
    }
    if (in->days < 1) {
        return seal_error_set(err, SEAL_INVALID, "cover %s: days: must be at least 1", in->id);
    }
    if (in->dpc != NULL && dpc_value(in->dpc, strlen(in->dpc)) == 0) {
        return seal_error_set(err, SEAL_INVALID, "cover %s: dpc: not 11 digits", in->id);
    }
    c->pub = *in;
    c->pub.id = c->pub.subject = c->pub.dpc = NULL;
    c->pub.names = c->pub.non_subjects = c->pub.exclude = NULL;
    if ((c->pub.id = seal_strdup(in->id)) == NULL ||
        (c->pub.subject = seal_strdup(in->subject)) == NULL ||
        (in->dpc != NULL && (c->pub.dpc = dup_or_null(in->dpc)) == NULL)) {
        return seal_error_set(err, SEAL_NOMEM, "cover: out of memory");
    }
    st = copy_strv(in->names, in->n_names, (char ***) &c->pub.names);
    if (st == SEAL_OK) {
        st = copy_strv(in->non_subjects, in->n_non_subjects, (char ***) &c->pub.non_subjects);
    }
    if (st == SEAL_OK) {
        st = copy_strv(in->exclude, in->n_exclude, (char ***) &c->pub.exclude);
    }
    if (st != SEAL_OK) {
        return seal_error_set(err, st, "cover %s: %s", in->id,
                              st == SEAL_NOMEM ? "out of memory" : "NULL name or address");
    }
    c->dpc = in->dpc != NULL ? dpc_value(in->dpc, 11) : 0;
    c->first = in->start_day;
    c->last = in->start_day + in->days - 1;

    /* the subject's key and its pre-filter tokens */
    seal_address a;
    st = seal_address_parse(in->subject, strlen(in->subject), &a, err);
    if (st == SEAL_OK && a.zip5[0] == '\0') {
        st = seal_error_set(err, SEAL_INVALID, "subject has no ZIP Code");
    }
    if (st == SEAL_OK) {
        st = seal_address_key_of(&a, &m->tmp, err);
    }
    if (st != SEAL_OK) {
        seal_error_prefix(err, "cover %s: subject", in->id);
        return st;
    }
    if ((c->key = seal_strdup(seal_buf_str(&m->tmp))) == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "cover: out of memory");
    }
    uint32_t zip;
    uint64_t num;
    seal__cover_prefilter_tokens(in->subject, strlen(in->subject), &zip, &num);
    uint32_t zip_key = (uint32_t) (a.zip5[0] - '0') * 10000 + (uint32_t) (a.zip5[1] - '0') * 1000 +
                       (uint32_t) (a.zip5[2] - '0') * 100 + (uint32_t) (a.zip5[3] - '0') * 10 +
                       (uint32_t) (a.zip5[4] - '0') + 1;
    set_add(m->zips, m->zip_mask, (uint64_t) zip_key | 1ull << 63);
    if (num != 0) {
        set_add(m->pre, m->pre_mask, pre_token(zip_key, num));
    }
    /* the standardised number too: number words (ONE MAIN ST) become digits */
    uint64_t v = 0;
    size_t d = 0;
    for (const char *p = a.number; is_digit(*p) && d < 14; p++, d++) {
        v = v * 10 + (uint64_t) (*p - '0');
    }
    if (d > 0) {
        set_add(m->pre, m->pre_mask, pre_token(zip_key, v + 1));
    }

    uint64_t h = hash_bytes(c->key, strlen(c->key));
    size_t s = (size_t) mix(h) & m->key_mask;
    for (;; s = (s + 1) & m->key_mask) {
        uint32_t at = m->key_slot[s];
        if (at == 0) {
            m->key_slot[s] = (uint32_t) i + 1;
            break;
        }
        if (strcmp(m->c[at - 1].key, c->key) == 0) {
            m->key_next[i] = m->key_next[at - 1];
            m->key_next[at - 1] = (uint32_t) i + 1;
            break;
        }
    }
    if (c->dpc != 0) {
        for (s = (size_t) mix(c->dpc) & m->dpc_mask;; s = (s + 1) & m->dpc_mask) {
            uint32_t at = m->dpc_slot[s];
            if (at == 0) {
                m->dpc_slot[s] = (uint32_t) i + 1;
                break;
            }
            if (m->c[at - 1].dpc == c->dpc) {
                m->dpc_next[i] = m->dpc_next[at - 1];
                m->dpc_next[at - 1] = (uint32_t) i + 1;
                break;
            }
        }
    }

    /* MC-7 exclusions and MC-4 names */
    if (in->n_exclude > 0 && (c->excl = seal_calloc(in->n_exclude, sizeof(char *))) == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "cover: out of memory");
    }
    for (size_t k = 0; k < in->n_exclude; k++) {
        st = seal_address_key(in->exclude[k], strlen(in->exclude[k]), &m->tmp, err);
        if (st != SEAL_OK) {
            seal_error_prefix(err, "cover %s: exclude %zu", in->id, k + 1);
            return st;
        }
        if ((c->excl[k] = seal_strdup(seal_buf_str(&m->tmp))) == NULL) {
            return seal_error_set(err, SEAL_NOMEM, "cover: out of memory");
        }
    }
    st = std_names(in->names, in->n_names, &c->names_std, &m->tmp, err);
    if (st == SEAL_OK) {
        st = std_names(in->non_subjects, in->n_non_subjects, &c->non_std, &m->tmp, err);
    }
    if (st != SEAL_OK) {
        seal_error_prefix(err, "cover %s: names", in->id);
    }
    return st;
}

seal_status seal_matcher_new(const seal_cover *covers, size_t n, seal_matcher **out,
                             seal_error *err)
{
    seal_status st = SEAL_OK;
    *out = NULL;
    if (n > UINT32_MAX / 8) {
        return seal_error_set(err, SEAL_LIMIT, "cover: too many covers");
    }
    seal_matcher *m = seal_calloc(1, sizeof(*m));
    if (m == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "cover: out of memory");
    }
    seal_buf_init(&m->k_to);
    seal_buf_init(&m->k_from);
    seal_buf_init(&m->tmp);
    seal_buf_init(&m->name);
    size_t t = table_size(2 * n);
    m->pre_mask = t - 1;
    m->zip_mask = table_size(n) - 1;
    m->key_mask = table_size(n) - 1;
    m->dpc_mask = table_size(n) - 1;
    m->c = seal_calloc(n > 0 ? n : 1, sizeof(mcover));
    m->pre = seal_calloc(m->pre_mask + 1, sizeof(uint64_t));
    m->zips = seal_calloc(m->zip_mask + 1, sizeof(uint64_t));
    m->key_slot = seal_calloc(m->key_mask + 1, sizeof(uint32_t));
    m->dpc_slot = seal_calloc(m->dpc_mask + 1, sizeof(uint32_t));
    m->key_next = seal_calloc(n > 0 ? n : 1, sizeof(uint32_t));
    m->dpc_next = seal_calloc(n > 0 ? n : 1, sizeof(uint32_t));
    m->work = seal_calloc(n > 0 ? n : 1, sizeof(seal_match));
    if (m->c == NULL || m->pre == NULL || m->zips == NULL || m->key_slot == NULL ||
        m->dpc_slot == NULL || m->key_next == NULL || m->dpc_next == NULL || m->work == NULL) {
        st = seal_error_set(err, SEAL_NOMEM, "cover: out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        m->n = i + 1; /* so _free releases what add_cover copied */
        st = add_cover(m, i, &covers[i], err);
        if (st != SEAL_OK) {
            goto out;
        }
    }
    m->n = n;
    *out = m;
    m = NULL;
out:
    seal_matcher_free(m);
    return st;
}

const seal_cover *seal_matcher_cover(const seal_matcher *m, size_t i)
{
    return i < m->n ? &m->c[i].pub : NULL;
}

size_t seal_matcher_cover_count(const seal_matcher *m)
{
    return m->n;
}

uint64_t seal_matcher_candidates(const seal_matcher *m)
{
    return m->candidates;
}

/* First words and last words of two standardised names agree, a lone
 * initial standing for its name ("K DORVESON" = "KELL A DORVESON"). */
static bool same_person(const char *a, const char *b)
{
    if (strcmp(a, b) == 0) {
        return true;
    }
    const char *la = strrchr(a, ' ');
    const char *lb = strrchr(b, ' ');
    if (la == NULL || lb == NULL || strcmp(la, lb) != 0) {
        return false;
    }
    size_t fa = strcspn(a, " ");
    size_t fb = strcspn(b, " ");
    if (fa == fb && memcmp(a, b, fa) == 0) {
        return true;
    }
    return (fa == 1 || fb == 1) && a[0] == b[0];
}

static bool name_in(const char *name, char **list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (same_person(name, list[i])) {
            return true;
        }
    }
    return false;
}

static bool key_of(const char *s, size_t n, seal_buf *out);

/* MC-4 and MC-7: may this match be recorded? Keys of addresses the
 * pre-filter did not pass are made only here, when a cover has exclusions. */
static bool withheld(seal_matcher *m, const mcover *c, const seal_scan *s, unsigned side,
                     bool *tried_to, bool *have_to, bool *tried_from, bool *have_from)
{
    if (c->pub.n_exclude > 0 && !*tried_to) {
        *tried_to = true;
        *have_to =
            key_of(s->v[SEAL_SCAN_RECIPIENT_ADDRESS], s->n[SEAL_SCAN_RECIPIENT_ADDRESS], &m->k_to);
    }
    if (c->pub.n_exclude > 0 && !*tried_from) {
        *tried_from = true;
        *have_from =
            key_of(s->v[SEAL_SCAN_SENDER_ADDRESS], s->n[SEAL_SCAN_SENDER_ADDRESS], &m->k_from);
    }
    for (size_t k = 0; k < c->pub.n_exclude; k++) {
        if ((*have_to && strcmp(seal_buf_str(&m->k_to), c->excl[k]) == 0) ||
            (*have_from && strcmp(seal_buf_str(&m->k_from), c->excl[k]) == 0)) {
            return true;
        }
    }
    /* the name on each matched side */
    for (unsigned bit = SEAL_MATCH_TO; bit <= SEAL_MATCH_FROM; bit <<= 1) {
        if (!(side & bit)) {
            continue;
        }
        seal_scan_field f = bit == SEAL_MATCH_TO ? SEAL_SCAN_RECIPIENT_NAME : SEAL_SCAN_SENDER_NAME;
        if (s->n[f] == 0) {
            continue;
        }
        seal_error e;
        if (seal_name_std(s->v[f], s->n[f], &m->name, &e) != SEAL_OK) {
            /* an unreadable name cannot be shown to be a subject's */
            if (c->pub.n_names > 0 && !c->pub.all_at_address) {
                return true;
            }
            continue;
        }
        const char *nm = seal_buf_str(&m->name);
        if (name_in(nm, c->non_std, c->pub.n_non_subjects)) {
            return true;
        }
        if (!c->pub.all_at_address && c->pub.n_names > 0 &&
            !name_in(nm, c->names_std, c->pub.n_names)) {
            return true;
        }
    }
    return false;
}

static void add_match(seal_matcher *m, size_t *nw, size_t cover, unsigned side)
{
    for (size_t i = 0; i < *nw; i++) {
        if (m->work[i].cover == cover) {
            m->work[i].side |= side;
            return;
        }
    }
    m->work[*nw].cover = cover;
    m->work[*nw].side = side;
    m->work[*nw].excluded = false;
    m->work[*nw].duplicate = false;
    (*nw)++;
}

static bool key_of(const char *s, size_t n, seal_buf *out)
{
    seal_error e;
    if (n == 0 || seal_address_key(s, n, out, &e) != SEAL_OK) {
        seal_buf_reset(out);
        return false;
    }
    return true;
}

static uint32_t key_first(const seal_matcher *m, const seal_buf *k)
{
    const char *ks = seal_buf_str(k);
    uint64_t h = hash_bytes(ks, k->len);
    for (size_t s = (size_t) mix(h) & m->key_mask;; s = (s + 1) & m->key_mask) {
        uint32_t at = m->key_slot[s];
        if (at == 0 || strcmp(m->c[at - 1].key, ks) == 0) {
            return at;
        }
    }
}

seal_status seal_matcher_match(seal_matcher *m, const seal_scan *s, seal_match *out, size_t cap,
                               size_t *n, seal_error *err)
{
    *n = 0;
    if (m->n == 0) {
        return SEAL_OK;
    }
    const char *ra = s->v[SEAL_SCAN_RECIPIENT_ADDRESS];
    size_t ran = s->n[SEAL_SCAN_RECIPIENT_ADDRESS];
    const char *sa = s->v[SEAL_SCAN_SENDER_ADDRESS];
    size_t san = s->n[SEAL_SCAN_SENDER_ADDRESS];
    uint64_t dpc = dpc_value(s->v[SEAL_SCAN_RECIPIENT_DPC], s->n[SEAL_SCAN_RECIPIENT_DPC]);
    bool dpc_hit = false;
    size_t ds = 0;
    if (dpc != 0) {
        for (ds = (size_t) mix(dpc) & m->dpc_mask;; ds = (ds + 1) & m->dpc_mask) {
            uint32_t at = m->dpc_slot[ds];
            if (at == 0) {
                break;
            }
            if (m->c[at - 1].dpc == dpc) {
                dpc_hit = true;
                break;
            }
        }
    }
    bool pre_to = prefilter(m, ra, ran);
    bool pre_from = prefilter(m, sa, san);
    if (!dpc_hit && !pre_to && !pre_from) {
        return SEAL_OK; /* the common case: nothing standardised, copied or kept */
    }
    m->candidates++;

    int64_t t;
    if (seal_time_parse_n(s->v[SEAL_SCAN_SCANNED_AT], s->n[SEAL_SCAN_SCANNED_AT], &t) != SEAL_OK) {
        return seal_error_set(err, SEAL_INVALID, "scan: scanned_at: not an RFC 3339 UTC time");
    }
    int64_t day = seal_time_day(t);
    /* full standardisation only of the addresses the pre-filter passed */
    bool tried_to = pre_to, tried_from = pre_from;
    bool have_to = pre_to && key_of(ra, ran, &m->k_to);
    bool have_from = pre_from && key_of(sa, san, &m->k_from);
    size_t nw = 0;
    /* recipient: the delivery point code decides when both carry one */
    if (have_to) {
        for (uint32_t at = key_first(m, &m->k_to); at != 0; at = m->key_next[at - 1]) {
            const mcover *c = &m->c[at - 1];
            if (dpc != 0 && c->dpc != 0 && c->dpc != dpc) {
                continue;
            }
            add_match(m, &nw, at - 1, SEAL_MATCH_TO);
        }
    }
    if (dpc_hit) {
        for (uint32_t at = m->dpc_slot[ds]; at != 0; at = m->dpc_next[at - 1]) {
            add_match(m, &nw, at - 1, SEAL_MATCH_TO);
        }
    }
    if (have_from) {
        for (uint32_t at = key_first(m, &m->k_from); at != 0; at = m->key_next[at - 1]) {
            add_match(m, &nw, at - 1, SEAL_MATCH_FROM);
        }
    }
    for (size_t i = 1; i < nw; i++) { /* cover order, so duplicates are deterministic */
        seal_match w = m->work[i];
        size_t j = i;
        for (; j > 0 && m->work[j - 1].cover > w.cover; j--) {
            m->work[j] = m->work[j - 1];
        }
        m->work[j] = w;
    }
    for (size_t i = 0; i < nw; i++) {
        const mcover *c = &m->c[m->work[i].cover];
        if (day < c->first || day > c->last) {
            continue; /* not active on the day of the scan */
        }
        if (*n >= cap) {
            return seal_error_set(err, SEAL_LIMIT, "cover: more matches than room for them");
        }
        out[*n] = m->work[i];
        out[*n].excluded =
            withheld(m, c, s, m->work[i].side, &tried_to, &have_to, &tried_from, &have_from);
        out[*n].duplicate = false;
        for (size_t j = 0; j < *n && !out[*n].excluded; j++) {
            if (!out[j].excluded && !out[j].duplicate &&
                strcmp(m->c[out[j].cover].key, c->key) == 0) {
                out[*n].duplicate = true;
            }
        }
        (*n)++;
    }
    return SEAL_OK;
}
