/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The production manifest's parser (sealed/produce.h gives the format) and
 * the accounting rules that need no storage: the PA-1 basis of a disclosure
 * and whether the subject may see an accounting entry (PA-4, PA-8). The
 * parser reads untrusted bundles (`sealctl produce verify`), so it reads
 * through a bounded cursor, accepts exactly one layout and names the line
 * of the first problem; file names can never leave the bundle directory.
 */
#include <string.h>

#include "sealed/accounting.h"
#include "sealed/produce.h"
#include "sealed/request.h"
#include "sealed/time.h"

const char *seal_pa_basis_name(int b)
{
    static const char *const names[SEAL_PA_COUNT] = {"consent", "b7", "b8", "b11"};
    return b >= 0 && b < SEAL_PA_COUNT ? names[b] : NULL;
}

int seal_pa_basis_of(int basis)
{
    switch (basis) {
    case SEAL_BASIS_CONSENT:
        return SEAL_PA_CONSENT;
    case SEAL_BASIS_SUBPOENA:
    case SEAL_BASIS_MAIL_COVER:
        return SEAL_PA_B7;
    case SEAL_BASIS_COURT_ORDER:
    case SEAL_BASIS_WARRANT:
        return SEAL_PA_B11;
    case SEAL_BASIS_EMERGENCY:
        return SEAL_PA_B8;
    default:
        return -1;
    }
}

bool seal_accounting_visible(const seal_accounting_entry *e, int64_t now)
{
    if (e->notice_until != 0 && now < e->notice_until) {
        return false; /* PA-8: a court-ordered delay of notice still runs */
    }
    if (e->pa_basis == SEAL_PA_B7 && e->b7_hidden) {
        return false; /* 552a(c)(3): (b)(7) accountings need not be made available */
    }
    return true;
}

/* ---- the manifest parser -------------------------------------------------- */

typedef struct line {
    const char *p;
    size_t n;
} line;

static bool next_line(const char *text, size_t len, size_t *pos, line *out)
{
    if (*pos >= len) {
        return false;
    }
    const char *s = text + *pos;
    const char *nl = memchr(s, '\n', len - *pos);
    if (nl == NULL) {
        return false; /* note text always ends in a newline */
    }
    out->p = s;
    out->n = (size_t) (nl - s);
    *pos += out->n + 1;
    return true;
}

/* Splits the next space-separated word off l. */
static bool word(line *l, line *w)
{
    if (l->n == 0) {
        return false;
    }
    const char *sp = memchr(l->p, ' ', l->n);
    size_t k = sp == NULL ? l->n : (size_t) (sp - l->p);
    if (k == 0) {
        return false;
    }
    w->p = l->p;
    w->n = k;
    l->p += k;
    l->n -= k;
    if (sp != NULL) {
        l->p++;
        l->n--;
        if (l->n == 0) {
            return false; /* trailing space */
        }
    }
    return true;
}

static bool is(const line *w, const char *s)
{
    return w->n == strlen(s) && memcmp(w->p, s, w->n) == 0;
}

static bool id_copy(char *dst, size_t cap, const line *w)
{
    if (w->n == 0 || w->n >= cap) {
        return false;
    }
    for (size_t i = 0; i < w->n; i++) {
        char c = w->p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == ':' || c == '-' || c == '/')) {
            return false;
        }
    }
    memcpy(dst, w->p, w->n);
    dst[w->n] = '\0';
    return true;
}

static bool u64(const line *w, uint64_t *out)
{
    if (w->n == 0 || w->n > 19 || (w->n > 1 && w->p[0] == '0')) {
        return false;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < w->n; i++) {
        if (w->p[i] < '0' || w->p[i] > '9') {
            return false;
        }
        v = v * 10 + (uint64_t) (w->p[i] - '0');
    }
    *out = v;
    return true;
}

static bool file_name_ok(const line *w)
{
    if (w->n == 0 || w->n > 64 || is(w, ".") || is(w, "..")) {
        return false;
    }
    for (size_t i = 0; i < w->n; i++) {
        char c = w->p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-')) {
            return false;
        }
    }
    return true;
}

/* One "key rest" line whose key must be `key`; rest in *rest. */
static bool keyed(const char *text, size_t len, size_t *pos, const char *key, line *rest)
{
    line l, k;
    if (!next_line(text, len, pos, &l) || !word(&l, &k) || !is(&k, key)) {
        return false;
    }
    *rest = l;
    return true;
}

static bool single_id(const char *text, size_t len, size_t *pos, const char *key, char *dst,
                      size_t cap)
{
    line rest, w;
    return keyed(text, len, pos, key, &rest) && word(&rest, &w) && rest.n == 0 &&
           id_copy(dst, cap, &w);
}

seal_status seal_manifest_parse(const char *text, size_t len, seal_manifest *m, seal_error *err)
{
    memset(m, 0, sizeof(*m));
    size_t pos = 0, ln = 1;
    line l, w, rest;
    if (len > SEAL_MANIFEST_MAX_SIZE) {
        return seal_error_set(err, SEAL_CORRUPT, "manifest: larger than %d bytes",
                              SEAL_MANIFEST_MAX_SIZE);
    }
    if (!next_line(text, len, &pos, &l) || !is(&l, "sealed-production/v1")) {
        goto bad;
    }
    ln++;
    if (!single_id(text, len, &pos, "production", m->production, sizeof(m->production))) {
        goto bad;
    }
    ln++;
    if (!single_id(text, len, &pos, "request", m->request, sizeof(m->request))) {
        goto bad;
    }
    ln++;
    if (!single_id(text, len, &pos, "agency", m->agency, sizeof(m->agency))) {
        goto bad;
    }
    ln++;
    if (!single_id(text, len, &pos, "basis", m->basis, sizeof(m->basis)) ||
        seal_basis_from_name(m->basis, strlen(m->basis)) < 0) {
        goto bad;
    }
    ln++;
    if (!single_id(text, len, &pos, "pa-basis", m->pa_basis, sizeof(m->pa_basis))) {
        goto bad;
    }
    ln++;
    if (!single_id(text, len, &pos, "purpose", m->purpose, sizeof(m->purpose)) ||
        seal_purpose_from_name(m->purpose, strlen(m->purpose)) < 0) {
        goto bad;
    }
    ln++;
    if (!keyed(text, len, &pos, "policy", &rest) || !word(&rest, &w) ||
        !id_copy(m->policy, sizeof(m->policy), &w) || !word(&rest, &w) || rest.n != 0 ||
        seal_hex_decode(m->policy_sha256, 32, w.p, w.n) != SEAL_OK) {
        goto bad;
    }
    /* approvals, then categories */
    for (;;) {
        ln++;
        if (!next_line(text, len, &pos, &l) || !word(&l, &w)) {
            goto bad;
        }
        if (is(&w, "categories")) {
            break;
        }
        if (!is(&w, "approval") || m->n_approvals >= SEAL_MANIFEST_MAX_APPROVALS) {
            goto bad;
        }
        seal_manifest_approval *a = &m->approvals[m->n_approvals];
        if (!word(&l, &w) || !id_copy(a->principal, sizeof(a->principal), &w) || !word(&l, &w) ||
            l.n != 0 || !u64(&w, &a->ledger_index)) {
            goto bad;
        }
        m->n_approvals++;
    }
    /* l holds the categories list: sorted names, no duplicates, possibly none */
    {
        int prev = -1;
        const char *prev_name = NULL;
        size_t prev_n = 0;
        size_t i = 0;
        while (i < l.n) {
            const char *c = memchr(l.p + i, ',', l.n - i);
            size_t k = c == NULL ? l.n - i : (size_t) (c - (l.p + i));
            int cat = seal_category_from_name(l.p + i, k);
            if (cat < 0 || (m->categories & (1u << cat))) {
                goto bad;
            }
            if (prev_name != NULL) {
                size_t mn = k < prev_n ? k : prev_n;
                int cmp = memcmp(prev_name, l.p + i, mn);
                if (cmp > 0 || (cmp == 0 && prev_n >= k)) {
                    goto bad;
                }
            }
            prev = cat;
            prev_name = l.p + i;
            prev_n = k;
            m->categories |= 1u << cat;
            i += k;
            if (c != NULL) {
                i++;
                if (i == l.n) {
                    goto bad;
                }
            }
        }
        (void) prev;
    }
    ln++;
    if (!keyed(text, len, &pos, "window", &rest) || rest.n != 22 || rest.p[10] != '.' ||
        rest.p[11] != '.' || seal_date_parse_n(rest.p, 10, &m->window_from) != SEAL_OK ||
        seal_date_parse_n(rest.p + 12, 10, &m->window_to) != SEAL_OK ||
        m->window_from > m->window_to) {
        goto bad;
    }
    ln++;
    if (!keyed(text, len, &pos, "produced", &rest) ||
        seal_time_parse_n(rest.p, rest.n, &m->produced) != SEAL_OK) {
        goto bad;
    }
    ln++;
    uint64_t ns;
    if (!keyed(text, len, &pos, "subjects", &rest) || !word(&rest, &w) || rest.n != 0 ||
        !u64(&w, &ns) || ns > SEAL_MANIFEST_MAX_FILES) {
        goto bad;
    }
    m->n_subjects = (size_t) ns;
    for (size_t i = 0; i < m->n_subjects; i++) {
        ln++;
        seal_manifest_file *f = &m->files[i];
        if (!keyed(text, len, &pos, "file", &rest) || !word(&rest, &w) || !file_name_ok(&w)) {
            goto bad;
        }
        memcpy(f->name, w.p, w.n);
        f->name[w.n] = '\0';
        for (size_t j = 0; j < i; j++) {
            if (strcmp(m->files[j].name, f->name) == 0) {
                goto bad;
            }
        }
        if (!word(&rest, &w) || seal_hex_decode(f->sha256, 32, w.p, w.n) != SEAL_OK ||
            !word(&rest, &w) || rest.n != 0 || !u64(&w, &f->records)) {
            goto bad;
        }
        m->n_files++;
    }
    /* PA-13: statements of disagreement, when any record carries one */
    if (pos != len) {
        ln++;
        seal_manifest_file *f = &m->files[m->n_files];
        if (!keyed(text, len, &pos, "file", &rest) || !word(&rest, &w) ||
            !is(&w, "disagreements.ndjson") || !word(&rest, &w) ||
            seal_hex_decode(f->sha256, 32, w.p, w.n) != SEAL_OK || !word(&rest, &w) ||
            rest.n != 0 || !u64(&w, &f->records) || f->records == 0) {
            goto bad;
        }
        memcpy(f->name, "disagreements.ndjson", sizeof("disagreements.ndjson"));
        m->n_files++;
    }
    if (pos != len) {
        ln++;
        goto bad;
    }
    return SEAL_OK;
bad:
    return seal_error_set(err, SEAL_CORRUPT,
                          "manifest: line %zu: not as sealed-production/v1 has it", ln);
}
