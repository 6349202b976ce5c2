/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The address parser: one printed line in, a seal_address out. It works in
 * two passes over fixed-size stack buffers (no allocation): a tokenizer that
 * applies Pub 28 §212/§222 (upper case, punctuation, spacing) and folds
 * Latin diacritics, then a parser that reads the last line from the right
 * (ZIP, state, city) and the delivery address line from the left (Pub 28
 * §231: primary number, predirectional, street name, suffix,
 * postdirectional, secondary unit), with PO Box (§281), rural route (§241)
 * and highway contract route (§251) forms, highway names (§232) and the
 * Puerto Rico forms of §29 (URB urbanization, CALLE / AVENIDA before the
 * name). Words are classified through the generated Publication 28 lexicon
 * (pub28_tables.c).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "address/address_int.h"
#include "core/ident_int.h"
#include "sealed/address.h"

#define MAX_TOKENS 48
#define MAX_WORD 64

enum {
    T_COMMA = 1, /* a comma (or semicolon) separates it from the previous token */
    T_HASH = 2,  /* the token is "#" */
    T_DIGIT = 4, /* holds at least one digit */
    T_ALLDIGIT = 8
};

typedef struct tok {
    uint16_t off;
    uint8_t len;
    uint8_t flags;
    const seal__lex *lex;
} tok;

typedef struct toks {
    char text[2 * SEAL_ADDRESS_MAX_INPUT + 2 * MAX_TOKENS];
    size_t tlen;
    tok t[MAX_TOKENS];
    size_t n;
    bool cur;   /* a token is open */
    bool comma; /* a comma was seen since the last token */
} toks;

const seal__lex *seal__lex_find(const char *w, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t) w[i];
        h *= 16777619u;
    }
    for (uint32_t s = h & seal__lexicon_mask;; s = (s + 1) & seal__lexicon_mask) {
        uint16_t idx = seal__lexicon_slots[s];
        if (idx == 0) {
            return NULL;
        }
        const seal__lex *e = &seal__lexicon[idx - 1];
        if (e->len == n && memcmp(e->word, w, n) == 0) {
            return e;
        }
    }
}

static bool is_alnum(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static const char *tok_text(const toks *T, size_t i)
{
    return &T->text[T->t[i].off];
}

static seal_status tok_end(toks *T, seal_error *err)
{
    if (!T->cur) {
        return SEAL_OK;
    }
    tok *t = &T->t[T->n];
    t->len = (uint8_t) (T->tlen - t->off);
    T->text[T->tlen++] = '\0';
    const char *w = &T->text[t->off];
    size_t digits = 0;
    for (size_t i = 0; i < t->len; i++) {
        if (w[i] >= '0' && w[i] <= '9') {
            digits++;
        }
    }
    if (digits > 0) {
        t->flags |= T_DIGIT;
    }
    if (digits == t->len) {
        t->flags |= T_ALLDIGIT;
    }
    t->lex = digits == 0 ? seal__lex_find(w, t->len) : NULL;
    T->n++;
    T->cur = false;
    (void) err;
    return SEAL_OK;
}

static seal_status tok_char(toks *T, char c, seal_error *err)
{
    if (!T->cur) {
        if (T->n == MAX_TOKENS) {
            return seal_error_set(err, SEAL_INVALID, "address: more than %d words", MAX_TOKENS);
        }
        tok *t = &T->t[T->n];
        t->off = (uint16_t) T->tlen;
        t->flags = (uint8_t) (T->comma && T->n > 0 ? T_COMMA : 0);
        t->lex = NULL;
        T->comma = false;
        T->cur = true;
    }
    if (T->tlen - T->t[T->n].off >= MAX_WORD) {
        return seal_error_set(err, SEAL_INVALID, "address: a word longer than %d characters",
                              MAX_WORD);
    }
    T->text[T->tlen++] = c;
    return SEAL_OK;
}

static size_t cur_len(const toks *T)
{
    return T->cur ? T->tlen - T->t[T->n].off : 0;
}

static char cur_last(const toks *T)
{
    return T->cur ? T->text[T->tlen - 1] : '\0';
}

/* Pub 28 §212: upper case, no punctuation except the hyphen inside numbers
 * and words (ZIP+4, 12-14, WINSTON-SALEM) and the slash of fractions;
 * periods of initialisms join (P.O. -> PO, N.W. -> NW). */
static seal_status tokenize(const char *in, size_t n, toks *T, seal_error *err)
{
    const uint8_t *s = (const uint8_t *) in;
    size_t pos = 0;
    seal_status st = SEAL_OK;
    T->tlen = 0;
    T->n = 0;
    T->cur = false;
    T->comma = false;
    while (pos < n && st == SEAL_OK) {
        uint32_t cp;
        if (!seal__utf8_next(s, n, &pos, &cp)) {
            return seal_error_set(err, SEAL_INVALID, "address: invalid UTF-8");
        }
        uint8_t next = pos < n ? s[pos] : 0;
        uint8_t next2 = pos + 1 < n ? s[pos + 1] : 0;
        int punct = 0;
        if (cp >= 0x80) {
            const char *f = seal__latin_fold(cp);
            if (f != NULL) {
                for (; *f != '\0' && st == SEAL_OK; f++) {
                    st = tok_char(T, *f, err);
                }
                continue;
            }
            punct = seal__unicode_punct(cp);
            if (punct == 0) {
                return seal_error_set(err, SEAL_INVALID,
                                      "address: character outside the Latin script");
            }
        } else {
            punct = (int) cp;
        }
        uint8_t c = (uint8_t) punct;
        if (c >= 'a' && c <= 'z') {
            st = tok_char(T, (char) (c - 'a' + 'A'), err);
        } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            st = tok_char(T, (char) c, err);
        } else if (c == '.') {
            char l = cur_last(T);
            bool letter = (next >= 'A' && next <= 'Z') || (next >= 'a' && next <= 'z');
            bool joins = cur_len(T) == 1 && l >= 'A' && l <= 'Z' && letter && next2 == '.';
            if (!joins) {
                st = tok_end(T, err);
            }
        } else if (c == '\'' || c == '`') {
            /* O'BRIEN -> OBRIEN */
        } else if (c == '-') {
            if (cur_len(T) > 0 && is_alnum(next)) {
                st = tok_char(T, '-', err);
            } else {
                st = tok_end(T, err);
            }
        } else if (c == '/') {
            char l = cur_last(T);
            if (l >= '0' && l <= '9' && next >= '0' && next <= '9') {
                st = tok_char(T, '/', err);
            } else {
                st = tok_end(T, err);
            }
        } else if (c == '#') {
            st = tok_end(T, err);
            if (st == SEAL_OK) {
                st = tok_char(T, '#', err);
            }
            if (st == SEAL_OK) {
                T->t[T->n].flags |= T_HASH;
                st = tok_end(T, err);
            }
        } else if (c == ',' || c == ';') {
            st = tok_end(T, err);
            T->comma = true;
        } else if (c < 0x20 && c != '\t' && c != '\r' && c != '\n') {
            return seal_error_set(err, SEAL_INVALID, "address: control character");
        } else if (c == 0x7f) {
            return seal_error_set(err, SEAL_INVALID, "address: control character");
        } else {
            st = tok_end(T, err);
        }
    }
    if (st == SEAL_OK) {
        st = tok_end(T, err);
    }
    return st;
}

/* ---- token predicates ---- */

static bool is_dir(const toks *T, size_t i)
{
    return T->t[i].lex != NULL && T->t[i].lex->dir >= 0;
}

static bool is_suffix(const toks *T, size_t i)
{
    return T->t[i].lex != NULL && T->t[i].lex->suffix >= 0;
}

static bool is_pretype(const toks *T, size_t i)
{
    return T->t[i].lex != NULL && T->t[i].lex->pretype >= 0;
}

static bool is_letter_tok(const toks *T, size_t i)
{
    char c = tok_text(T, i)[0];
    return T->t[i].len == 1 && c >= 'A' && c <= 'Z';
}

static int unit_of(const toks *T, size_t i)
{
    return T->t[i].lex != NULL ? T->t[i].lex->unit : -1;
}

static bool is_hash(const toks *T, size_t i)
{
    return (T->t[i].flags & T_HASH) != 0;
}

/* TOK_IS(T, i, "LITERAL"): token i is exactly that word. */
#define TOK_IS(T, i, w) tok_is((T), (i), (w), sizeof(w) - 1)

static bool tok_is(const toks *T, size_t i, const char *w, size_t n)
{
    return T->t[i].len == n && memcmp(tok_text(T, i), w, n) == 0;
}

/* Streets whose type names end the street name so often that, with no comma
 * between street and city, the first of them is taken as the suffix. */
static bool is_strong_suffix(const toks *T, size_t i)
{
    static const char *const strong[] = {"ST",   "AVE",  "RD",   "DR",   "BLVD", "LN",  "CT",
                                         "PL",   "WAY",  "CIR",  "TER",  "PKWY", "HWY", "TRL",
                                         "SQ",   "LOOP", "PIKE", "TPKE", "EXPY", "FWY", "ALY",
                                         "XING", "CV",   "HOLW", "PLZ"};
    if (!is_suffix(T, i)) {
        return false;
    }
    const char *abbr = seal__suffixes[T->t[i].lex->suffix].abbr;
    for (size_t k = 0; k < sizeof(strong) / sizeof(strong[0]); k++) {
        if (strcmp(abbr, strong[k]) == 0) {
            return true;
        }
    }
    return false;
}

/* A unit number: has a digit, or is one letter (APT B). */
static bool is_unit_number(const toks *T, size_t i)
{
    return (T->t[i].flags & T_DIGIT) != 0 || (T->t[i].len == 1 && !is_hash(T, i));
}

static bool is_zip(const toks *T, size_t i)
{
    const tok *t = &T->t[i];
    const char *w = tok_text(T, i);
    if ((t->flags & T_ALLDIGIT) && (t->len == 5 || t->len == 9)) {
        return true;
    }
    if (t->len != 10 || w[5] != '-') {
        return false;
    }
    for (size_t k = 0; k < 10; k++) {
        if (k != 5 && !(w[k] >= '0' && w[k] <= '9')) {
            return false;
        }
    }
    return true;
}

/* Directional index of a pair such as N E / NORTH WEST, or -1 (Pub 28 §233:
 * the two-letter directionals NE NW SE SW). */
static int compound_dir(const toks *T, size_t i)
{
    if (!is_dir(T, i) || !is_dir(T, i + 1)) {
        return -1;
    }
    int a = T->t[i].lex->dir;
    int b = T->t[i + 1].lex->dir;
    if (a > 1 || b < 2 || b > 3) {
        return -1;
    }
    return 4 + a * 2 + (b - 2); /* NE NW SE SW follow N S E W in the table */
}

/* ---- field output ---- */

static bool put(char *dst, size_t cap, const char *src, size_t n)
{
    size_t have = strlen(dst);
    size_t sep = have > 0 ? 1 : 0;
    if (have + sep + n + 1 > cap) {
        return false;
    }
    if (sep) {
        dst[have++] = ' ';
    }
    memcpy(dst + have, src, n);
    dst[have + n] = '\0';
    return true;
}

static seal_status put_tok(char *dst, size_t cap, const toks *T, size_t i, const char *what,
                           seal_error *err)
{
    if (!put(dst, cap, tok_text(T, i), T->t[i].len)) {
        return seal_error_set(err, SEAL_INVALID, "address: %s too long", what);
    }
    return SEAL_OK;
}

static seal_status put_range(char *dst, size_t cap, const toks *T, size_t a, size_t b,
                             const char *what, seal_error *err)
{
    for (size_t i = a; i < b; i++) {
        seal_status st = put_tok(dst, cap, T, i, what, err);
        if (st != SEAL_OK) {
            return st;
        }
    }
    return SEAL_OK;
}

static void put_str(char *dst, size_t cap, const char *s)
{
    (void) put(dst, cap, s, strlen(s));
}

/* ---- the delivery address line ---- */

/* Pub 28 §213: a secondary unit starts at token j when j is '#' or a C2
 * designator, after at least one street word that is not a directional, and
 * (for designators that need one) followed by a unit number. Designators
 * without a number (REAR, PH) count only at the end of the line or right
 * after a suffix or directional, so FRONT ST and LOWER RD stay streets. */
static bool unit_starts(const toks *T, size_t i, size_t j, size_t de)
{
    bool word = false;
    for (size_t k = i; k < j; k++) {
        if (!is_dir(T, k)) {
            word = true;
            break;
        }
    }
    if (!word) {
        return false;
    }
    if (is_hash(T, j)) {
        return true;
    }
    int u = unit_of(T, j);
    if (u < 0) {
        return false;
    }
    if (seal__units[u].needs_number) {
        return j + 1 < de && (is_unit_number(T, j + 1) || is_hash(T, j + 1));
    }
    if (j + 1 == de) {
        return true;
    }
    if (is_suffix(T, j + 1)) {
        return false;
    }
    return is_suffix(T, j - 1) || is_dir(T, j - 1) || (T->t[j + 1].flags & T_DIGIT);
}

/* Pub 28 §231-§235 on the street tokens [a, b): postdirectional, suffix and
 * predirectional are taken from the ends only when a street name remains. */
static seal_status name_words(const toks *T, size_t a, size_t b, seal_address *out, seal_error *err)
{
    for (size_t i = a; i < b; i++) {
        /* Pub 28 §235: ordinal words of numbered streets as numerals */
        const seal__lex *l = T->t[i].lex;
        if (l != NULL && l->canon != NULL && l->canon[0] >= '0' && l->canon[0] <= '9') {
            if (!put(out->street, sizeof(out->street), l->canon, strlen(l->canon))) {
                return seal_error_set(err, SEAL_INVALID, "address: street name too long");
            }
            continue;
        }
        seal_status st = put_tok(out->street, sizeof(out->street), T, i, "street name", err);
        if (st != SEAL_OK) {
            return st;
        }
    }
    return SEAL_OK;
}

static seal_status street_fields(const toks *T, size_t a, size_t b, seal_address *out,
                                 seal_error *err)
{
    const char *pre = NULL;
    if (b - a >= 2 && is_pretype(T, a)) {
        /* Pub 28 §29: CALLE LUNA: the type precedes the name, and the whole
         * rest is the name (CALLE E). AVENIDA is written AVE and then read as
         * any street that begins with AVE, so the line normalises to
         * itself. */
        pre = seal__pretypes[T->t[a].lex->pretype];
        const seal__lex *pl = seal__lex_find(pre, strlen(pre));
        if (pl == NULL || pl->suffix < 0) {
            put_str(out->street, sizeof(out->street), pre);
            return name_words(T, a + 1, b, out, err);
        }
    }
    if (b - a >= 3 && is_suffix(T, b - 3) && compound_dir(T, b - 2) >= 0) {
        put_str(out->postdir, sizeof(out->postdir), seal__dirs[compound_dir(T, b - 2)]);
        b -= 2;
    } else if (b - a >= 2 && is_dir(T, b - 1) && (b - 2 > a || !is_suffix(T, b - 2))) {
        put_str(out->postdir, sizeof(out->postdir), seal__dirs[T->t[b - 1].lex->dir]);
        b--;
    }
    if (b - a >= 2 && is_suffix(T, b - 1)) {
        put_str(out->suffix, sizeof(out->suffix), seal__suffixes[T->t[b - 1].lex->suffix].abbr);
        b--;
    }
    if (b - a >= 3 && compound_dir(T, a) >= 0) {
        put_str(out->predir, sizeof(out->predir), seal__dirs[compound_dir(T, a)]);
        a += 2;
    } else if (b - a >= 2 && is_dir(T, a)) {
        put_str(out->predir, sizeof(out->predir), seal__dirs[T->t[a].lex->dir]);
        a++;
    }
    if (a >= b) {
        return seal_error_set(err, SEAL_INVALID, "address: no street name");
    }
    if (pre != NULL && is_pretype(T, a)) {
        put_str(out->street, sizeof(out->street), pre);
        a++;
    }
    return name_words(T, a, b, out, err);
}

/* A route number: one to four digits and an optional letter (9, 9A, 1960),
 * or one letter other than a directional (COUNTY ROAD J); longer numbers
 * would read as ZIP Codes. */
static bool route_number(const char *w, size_t n)
{
    size_t d = 0;
    while (d < n && w[d] >= '0' && w[d] <= '9') {
        d++;
    }
    if (d == 0) {
        /* not N S E W: US HWY N is the highway's postdirectional */
        return n == 1 && w[0] >= 'A' && w[0] <= 'Z' && memchr("NSEW", w[0], 4) == NULL;
    }
    return d <= 4 && (d == n || (d + 1 == n && w[d] >= 'A' && w[d] <= 'Z'));
}

/* Pub 28 §232: a highway name at token i: a spelling of highways.tsv and
 * its route number, or one
 * hyphenated token (I-95, SR-9). Returns the family, or -1; the route
 * number is *num (*num_len bytes) and the highway ends before *end. */
static int highway_at(const toks *T, size_t i, size_t de, const char **num, size_t *num_len,
                      size_t *end)
{
    const seal__lex *l = T->t[i].lex;
    const char *w = tok_text(T, i);
    if (l == NULL && (T->t[i].flags & T_DIGIT)) {
        const char *h = memchr(w, '-', T->t[i].len);
        if (h == NULL || h == w || h[1] < '0' || h[1] > '9' ||
            !route_number(h + 1, (size_t) (T->t[i].len - (size_t) (h - w) - 1))) {
            return -1;
        }
        size_t pn = (size_t) (h - w);
        l = seal__lex_find(w, pn);
        if (l == NULL || !l->hwy) {
            return -1;
        }
        for (size_t k = 0; k < seal__n_hwys; k++) {
            if (seal__hwys[k].nwords == 1 && strlen(seal__hwys[k].words) == pn &&
                memcmp(seal__hwys[k].words, w, pn) == 0) {
                *num = h + 1;
                *num_len = T->t[i].len - pn - 1;
                *end = i + 1;
                return seal__hwys[k].family;
            }
        }
        return -1;
    }
    if (l == NULL || !l->hwy) {
        return -1;
    }
    for (size_t k = 0; k < seal__n_hwys; k++) {
        const seal__hwy *h = &seal__hwys[k];
        size_t e = i + h->nwords;
        if (e >= de || !route_number(tok_text(T, e), T->t[e].len)) {
            continue;
        }
        const char *s = h->words;
        bool ok = true;
        for (size_t j = i; j < e && ok; j++) {
            size_t n = T->t[j].len;
            ok = strncmp(s, tok_text(T, j), n) == 0 && (s[n] == ' ' || s[n] == '\0');
            if (ok) {
                s += n + (s[n] == ' ' ? 1 : 0);
            }
        }
        if (ok && *s == '\0') {
            *num = tok_text(T, e);
            *num_len = T->t[e].len;
            *end = e + 1;
            return h->family;
        }
    }
    return -1;
}

/* The street of a highway address starting at i (after the primary
 * number): [predirectional] highway number [suffix] [postdirectional], as
 * in N US HIGHWAY 1, FM 1960 RD W. False (fields untouched) when there is
 * none, or when words other than a unit would follow it on a delivery line
 * of known end (STATE HWY 9 ALT stays ordinary street words). */
static bool highway_street(const toks *T, size_t i, size_t de, bool fixed_end, seal_address *out,
                           size_t *se)
{
    const char *num;
    size_t num_len;
    size_t e;
    size_t h = i;
    int fam = highway_at(T, h, de, &num, &num_len, &e);
    int pre = -1;
    if (fam < 0 && i + 2 < de && (pre = compound_dir(T, i)) >= 0) {
        h = i + 2; /* S W US HWY 1 */
        fam = highway_at(T, h, de, &num, &num_len, &e);
    }
    if (fam < 0 && i + 1 < de && is_dir(T, i)) {
        h = i + 1;
        pre = T->t[i].lex->dir;
        fam = highway_at(T, h, de, &num, &num_len, &e);
    }
    if (fam < 0) {
        return false;
    }
    size_t sfx = de;
    size_t pd = de;
    if (e < de && (fixed_end ? is_suffix(T, e) : is_strong_suffix(T, e)) && unit_of(T, e) < 0) {
        sfx = e++;
    }
    if (e < de && is_dir(T, e) && (T->t[e].len <= 2 || e + 1 == de)) {
        pd = e++;
    }
    if (e < de && fixed_end && !is_hash(T, e) && unit_of(T, e) < 0) {
        return false;
    }
    if (h > i) {
        put_str(out->predir, sizeof(out->predir), seal__dirs[pre]);
    }
    put_str(out->street, sizeof(out->street), seal__hwy_families[fam].std);
    (void) put(out->street, sizeof(out->street), num, num_len);
    if (sfx < de) {
        put_str(out->suffix, sizeof(out->suffix), seal__suffixes[T->t[sfx].lex->suffix].abbr);
    }
    if (pd < de) {
        put_str(out->postdir, sizeof(out->postdir), seal__dirs[T->t[pd].lex->dir]);
    }
    *se = e;
    return true;
}

/* Parses the secondary unit starting at *k (a '#' or designator). */
static seal_status unit_fields(const toks *T, size_t *k, size_t de, char *type, char *unit,
                               seal_error *err)
{
    size_t j = *k;
    if (is_hash(T, j)) {
        j++;
        if (j >= de || !is_unit_number(T, j)) {
            return seal_error_set(err, SEAL_INVALID, "address: '#' without a unit number");
        }
        put_str(type, sizeof(((seal_address *) 0)->unit_type), "#");
    } else {
        const seal__unit *u = &seal__units[unit_of(T, j)];
        put_str(type, sizeof(((seal_address *) 0)->unit_type), u->abbr);
        j++;
        if (j < de && is_hash(T, j)) {
            j++;
        }
        if (j >= de || !is_unit_number(T, j) || (!u->needs_number && !(T->t[j].flags & T_DIGIT))) {
            if (u->needs_number) {
                return seal_error_set(err, SEAL_INVALID,
                                      "address: unit designator %s without a unit number", u->abbr);
            }
            *k = j;
            return SEAL_OK;
        }
    }
    seal_status st = put_tok(unit, sizeof(((seal_address *) 0)->unit), T, j, "unit number", err);
    if (st == SEAL_OK && j + 1 < de && (T->t[j].flags & T_ALLDIGIT) && is_letter_tok(T, j + 1)) {
        /* APT 3 B = APT 3B: one trailing letter belongs to the number */
        size_t n = strlen(unit);
        if (n + 2 <= sizeof(((seal_address *) 0)->unit)) {
            unit[n] = tok_text(T, j + 1)[0];
            unit[n + 1] = '\0';
            j++;
        }
    }
    *k = j + 1;
    return st;
}

/* PO BOX, P O BOX, POST OFFICE BOX, POB, POBOX, BOX: the number of tokens
 * of the box prefix at i, or 0 (Pub 28 §281, §283). */
static size_t po_box_prefix(const toks *T, size_t i, size_t de)
{
    size_t left = de - i;
    if (left >= 2 && TOK_IS(T, i, "PO") && TOK_IS(T, i + 1, "BOX")) {
        return 2;
    }
    if (left >= 3 && TOK_IS(T, i, "P") && TOK_IS(T, i + 1, "O") && TOK_IS(T, i + 2, "BOX")) {
        return 3;
    }
    if (left >= 3 && TOK_IS(T, i, "POST") && TOK_IS(T, i + 1, "OFFICE") &&
        TOK_IS(T, i + 2, "BOX")) {
        return 3;
    }
    if (left >= 2 && (TOK_IS(T, i, "POB") || TOK_IS(T, i, "POBOX") || TOK_IS(T, i, "BOX") ||
                      TOK_IS(T, i, "PO") || TOK_IS(T, i, "POSTOFFICEBOX"))) {
        return 1;
    }
    return 0;
}

/* RR / RURAL ROUTE / RFD / R R (Pub 28 §241, §244) -> 1; HC / HCR /
 * HIGHWAY CONTRACT / STAR ROUTE (Pub 28 §251, §254) -> 2; with the prefix
 * length in *len. */
static int route_prefix(const toks *T, size_t i, size_t de, size_t *len)
{
    size_t left = de - i;
    if (left >= 3 && TOK_IS(T, i, "RURAL") &&
        (TOK_IS(T, i + 1, "ROUTE") || TOK_IS(T, i + 1, "RTE"))) {
        *len = 2;
        return 1;
    }
    if (left >= 3 && TOK_IS(T, i, "R") && TOK_IS(T, i + 1, "R")) {
        *len = 2;
        return 1;
    }
    if (left >= 2 && (TOK_IS(T, i, "RR") || TOK_IS(T, i, "RFD"))) {
        *len = 1;
        return 1;
    }
    if (left >= 3 && ((TOK_IS(T, i, "HIGHWAY") && TOK_IS(T, i + 1, "CONTRACT")) ||
                      (TOK_IS(T, i, "STAR") && TOK_IS(T, i + 1, "ROUTE")))) {
        *len = 2;
        return 2;
    }
    if (left >= 2 && (TOK_IS(T, i, "HC") || TOK_IS(T, i, "HCR"))) {
        *len = 1;
        return 2;
    }
    return 0;
}

static seal_status box_number(const toks *T, size_t *k, size_t de, seal_address *out,
                              const char *what, seal_error *err)
{
    size_t j = *k;
    if (j < de && is_hash(T, j)) {
        j++;
    }
    if (j >= de || !(T->t[j].flags & T_DIGIT)) {
        return seal_error_set(err, SEAL_INVALID, "address: %s without a box number", what);
    }
    *k = j + 1;
    return put_tok(out->number, sizeof(out->number), T, j, "box number", err);
}

/* Pub 28 §231: a primary number written in words (ONE MAIN ST, TWENTY ONE
 * MAIN ST) as numerals; returns the number of tokens read, 0 for none. */
static size_t number_word(const toks *T, size_t de, seal_address *out)
{
    const seal__lex *l = T->t[0].lex;
    if (l == NULL || l->num == NULL || de < 2) {
        return 0;
    }
    const seal__lex *l2 = T->t[1].lex;
    if (l2 == NULL || l2->num == NULL) {
        put_str(out->number, sizeof(out->number), l->num);
        return 1;
    }
    /* TWENTY ONE: tens and a digit; other runs of number words (ONE
     * HUNDRED) are not read */
    size_t n1 = strlen(l->num);
    if (n1 == 2 && l->num[1] == '0' && l->num[0] >= '2' && l2->num[1] == '\0' && de >= 3) {
        char buf[3] = {l->num[0], l2->num[0], '\0'};
        put_str(out->number, sizeof(out->number), buf);
        return 2;
    }
    return 0;
}

/* Parses [0, de). With fixed_end the line ends at de (a comma follows);
 * otherwise the words after the delivery line are the city, returned in
 * *city_lo. */
static seal_status delivery_line(const toks *T, size_t de, bool fixed_end, seal_address *out,
                                 size_t *city_lo, seal_error *err)
{
    size_t i = 0;
    size_t k;
    size_t plen;
    seal_status st;
    int route;
    if (de >= 4 && (TOK_IS(T, 0, "PSC") || TOK_IS(T, 0, "CMR") || TOK_IS(T, 0, "UNIT")) &&
        (T->t[1].flags & T_ALLDIGIT) && TOK_IS(T, 2, "BOX") &&
        ((T->t[3].flags & T_DIGIT) || is_hash(T, 3))) {
        /* Pub 28 §225: PSC 1234 BOX 5678, UNIT 2050 BOX 4190, CMR 450 BOX 12 */
        out->kind = SEAL_ADDRESS_MILITARY;
        st = put_tok(out->street, sizeof(out->street), T, 0, "military unit", err);
        if (st == SEAL_OK) {
            st = put_tok(out->route, sizeof(out->route), T, 1, "military unit number", err);
        }
        k = 3;
        if (st == SEAL_OK) {
            st = box_number(T, &k, de, out, "military unit", err);
        }
        if (st != SEAL_OK) {
            return st;
        }
    } else if ((plen = po_box_prefix(T, 0, de)) > 0) {
        out->kind = SEAL_ADDRESS_PO_BOX;
        k = plen;
        st = box_number(T, &k, de, out, "PO Box", err);
        if (st != SEAL_OK) {
            return st;
        }
    } else if ((route = route_prefix(T, 0, de, &plen)) > 0) {
        out->kind = route == 1 ? SEAL_ADDRESS_RURAL_ROUTE : SEAL_ADDRESS_HIGHWAY_ROUTE;
        k = plen;
        if (!(T->t[k].flags & T_DIGIT)) {
            return seal_error_set(err, SEAL_INVALID, "address: route without a route number");
        }
        st = put_tok(out->route, sizeof(out->route), T, k, "route number", err);
        if (st != SEAL_OK) {
            return st;
        }
        k++;
        if (k < de && TOK_IS(T, k, "BOX")) {
            k++;
        } else if (!(k < de && is_hash(T, k))) {
            return seal_error_set(err, SEAL_INVALID, "address: route without a box number");
        }
        st = box_number(T, &k, de, out, "route", err);
        if (st != SEAL_OK) {
            return st;
        }
    } else {
        /* Pub 28 §231: the primary address number comes first, in numerals */
        if (T->t[0].flags & T_DIGIT) {
            st = put_tok(out->number, sizeof(out->number), T, 0, "primary number", err);
            if (st != SEAL_OK) {
                return st;
            }
            i = 1;
        } else if ((i = number_word(T, de, out)) == 0) {
            return seal_error_set(err, SEAL_INVALID, "address: no primary address number");
        }
        if (i < de && memchr(tok_text(T, i), '/', T->t[i].len) != NULL &&
            (T->t[i].flags & T_DIGIT)) {
            st = put_tok(out->number, sizeof(out->number), T, i, "primary number", err);
            if (st != SEAL_OK) {
                return st;
            }
            i++;
        }
        if (i >= de) {
            return seal_error_set(err, SEAL_INVALID, "address: no street name");
        }
        size_t u = de;
        size_t se = de;
        bool hwy = highway_street(T, i, de, fixed_end, out, &se);
        for (size_t j = hwy ? se : i + 1; j < de; j++) {
            if (unit_starts(T, i, j, de)) {
                u = j;
                break;
            }
            if (hwy) {
                break;
            }
        }
        if (!hwy) {
            se = u;
        }
        if (hwy) {
            /* the highway fields are set; the city follows */
        } else if (u == de && !fixed_end) {
            size_t sfx = de;
            for (size_t j = i + 1; j < de && sfx == de; j++) {
                if (is_strong_suffix(T, j)) {
                    sfx = j;
                }
            }
            for (size_t j = i + 1; j < de && sfx == de; j++) {
                if (is_suffix(T, j)) {
                    sfx = j;
                }
            }
            if (sfx < de) {
                se = sfx + 1;
                if (se + 1 < de && T->t[se].len == 1 && T->t[se + 1].len == 1 &&
                    compound_dir(T, se) >= 0) {
                    se += 2;
                } else if (se < de && is_dir(T, se) && (T->t[se].len <= 2 || se + 1 == de)) {
                    se++;
                }
            }
        }
        st = hwy ? SEAL_OK : street_fields(T, i, se, out, err);
        if (st != SEAL_OK) {
            return st;
        }
        k = se;
        if (u < de) {
            st = unit_fields(T, &k, de, out->unit_type, out->unit, err);
            /* BLDG 3 APT 1: a second designator right after the first */
            if (st == SEAL_OK && k < de && (is_hash(T, k) || unit_of(T, k) >= 0) &&
                unit_starts(T, i, k, de)) {
                st = unit_fields(T, &k, de, out->unit2_type, out->unit2, err);
            }
            if (st != SEAL_OK) {
                return st;
            }
        } else if (fixed_end && de - 1 > i && unit_of(T, de - 1) >= 0 &&
                   seal__units[unit_of(T, de - 1)].needs_number) {
            return seal_error_set(err, SEAL_INVALID,
                                  "address: unit designator %s without a unit number",
                                  seal__units[unit_of(T, de - 1)].abbr);
        }
    }
    if (k < de && unit_of(T, k) >= 0 && seal__units[unit_of(T, k)].needs_number &&
        (k + 1 == de || is_hash(T, k + 1))) {
        return seal_error_set(err, SEAL_INVALID,
                              "address: unit designator %s without a unit number",
                              seal__units[unit_of(T, k)].abbr);
    }
    if (k < de && fixed_end) {
        return seal_error_set(err, SEAL_INVALID,
                              "address: unexpected words at the end of the delivery line");
    }
    *city_lo = k;
    return SEAL_OK;
}

/* ---- the last line ---- */

/* The state of Pub 28 Appendix B spelled by tokens [a, b), or -1. */
static int state_of(const toks *T, size_t a, size_t b)
{
    if (b - a == 1) {
        return T->t[a].lex != NULL && T->t[a].lex->state >= 0 ? T->t[a].lex->state : -1;
    }
    for (size_t i = a; i < b; i++) {
        if (T->t[i].lex == NULL || T->t[i].lex->state == -1) {
            return -1;
        }
    }
    char buf[MAX_WORD];
    size_t n = 0;
    for (size_t i = a; i < b; i++) {
        if (n + T->t[i].len + 1 > sizeof(buf) || (T->t[i].flags & T_DIGIT)) {
            return -1;
        }
        if (i > a) {
            buf[n++] = ' ';
        }
        memcpy(buf + n, tok_text(T, i), T->t[i].len);
        n += T->t[i].len;
    }
    const seal__lex *l = seal__lex_find(buf, n);
    return l != NULL && l->state >= 0 ? l->state : -1;
}

static bool comma_in(const toks *T, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++) {
        if (T->t[i].flags & T_COMMA) {
            return true;
        }
    }
    return false;
}

/* Without a ZIP or comma, a final state code counts only when a street
 * suffix or unit stands before it with a city word in between
 * ("123 MAIN ST FORT WORTH TX"), so "123 OAK CT" keeps its suffix. */
static bool street_before_city(const toks *T, size_t s)
{
    for (size_t i = 2; i + 1 < s; i++) {
        if (is_strong_suffix(T, i) || is_hash(T, i) || unit_of(T, i) >= 0) {
            return true;
        }
    }
    return false;
}

/* URB, URB. or URBANIZACION (Pub 28 §29) */
static bool is_urb(const toks *T, size_t k)
{
    return tok_text(T, k)[0] == 'U' && (TOK_IS(T, k, "URB") || TOK_IS(T, k, "URBANIZACION"));
}

/* The urbanization name of tokens (k, e) after URB at k, into out->urb. A
 * name with a number is refused, as at the start of a line the number
 * would end it; so is one too long for the field. */
static bool urb_name(const toks *T, size_t k, size_t e, seal_address *out)
{
    if (e <= k + 1) {
        return false;
    }
    for (size_t j = k + 1; j < e; j++) {
        if (T->t[j].flags & T_DIGIT) {
            return false;
        }
    }
    for (size_t j = k + 1; j < e; j++) {
        if (!put(out->urb, sizeof(out->urb), tok_text(T, j), T->t[j].len)) {
            out->urb[0] = '\0';
            return false;
        }
    }
    return true;
}

/* Pub 28 §29: a Puerto Rico urbanization, URB and its name, at the start of
 * the line (the name ends at a comma or the primary number) or between two
 * commas (150 CALLE A, URB LAS GLADIOLAS, SAN JUAN). Its words are taken
 * out of the token list before the last line is read, so the comma that
 * ends it does not count as one before the city, and the rest parses as
 * any address. URB right after the delivery line is read with the city. */
static void urbanization(toks *T, size_t *end, seal_address *out)
{
    if (out->urb[0] != '\0') {
        return;
    }
    for (size_t k = 0; k + 1 < *end; k++) {
        if ((k > 0 && !(T->t[k].flags & T_COMMA)) || !is_urb(T, k)) {
            continue;
        }
        size_t e = k + 1;
        while (e < *end && !(T->t[e].flags & T_COMMA) && !(k == 0 && (T->t[e].flags & T_DIGIT))) {
            e++;
        }
        if (e == *end || !urb_name(T, k, e, out)) {
            continue;
        }
        memmove(&T->t[k], &T->t[e], (T->n - e) * sizeof(T->t[0]));
        T->n -= e - k;
        *end -= e - k;
        if (k == 0) {
            T->t[0].flags &= (uint8_t) ~T_COMMA;
        }
        return;
    }
}

seal_status seal_address_parse(const char *in, size_t n, seal_address *out, seal_error *err)
{
    toks T;
    memset(out, 0, sizeof(*out));
    if (in == NULL && n > 0) {
        return seal_error_set(err, SEAL_INVALID, "address: no input");
    }
    if (n > SEAL_ADDRESS_MAX_INPUT) {
        return seal_error_set(err, SEAL_INVALID, "address: longer than %d bytes",
                              SEAL_ADDRESS_MAX_INPUT);
    }
    seal_status st = tokenize(in, n, &T, err);
    if (st != SEAL_OK) {
        return st;
    }
    if (T.n == 0) {
        return seal_error_set(err, SEAL_INVALID, "address: empty");
    }
    size_t end = T.n;
    urbanization(&T, &end, out);

    /* ZIP Code or ZIP+4 (Pub 28 §224), last on the last line */
    /* FL is both Florida and a floor (Pub 28 C2): before five digits it is
     * the state, as no floor is numbered like a ZIP Code. */
    if (end >= 2 && is_zip(&T, end - 1) && !is_hash(&T, end - 2) &&
        (unit_of(&T, end - 2) < 0 || state_of(&T, end - 2, end - 1) >= 0) &&
        !TOK_IS(&T, end - 2, "BOX")) {
        const char *z = tok_text(&T, end - 1);
        memcpy(out->zip5, z, 5);
        if (T.t[end - 1].len == 9) {
            memcpy(out->zip4, z + 5, 4);
        } else if (T.t[end - 1].len == 10) {
            memcpy(out->zip4, z + 6, 4);
        }
        end--;
    } else if (end >= 3 && (T.t[end - 1].flags & T_ALLDIGIT) && T.t[end - 2].len == 2 &&
               state_of(&T, end - 2, end - 1) >= 0 && T.t[end - 1].len != 5 &&
               comma_in(&T, 1, end - 1)) {
        return seal_error_set(err, SEAL_INVALID, "address: ZIP Code must have 5 or 9 digits");
    }

    /* State (Appendix B), name or code, longest match first; without a ZIP
     * only when a comma sets the last line off from the street. */
    for (size_t k = end - 1 < 4 ? end - 1 : 4; k >= 1 && end >= 2; k--) {
        size_t s = end - k;
        if (s < 1 ||
            (out->zip5[0] == '\0' && !comma_in(&T, 1, s + 1) && !street_before_city(&T, s))) {
            continue;
        }
        int si = state_of(&T, s, end);
        if (si >= 0) {
            put_str(out->state, sizeof(out->state), seal__states[si]);
            end = s;
            break;
        }
    }

    /* City: after the last comma, unless that part starts a unit. */
    size_t c = 0;
    for (size_t i = end; i-- > 1;) {
        if (T.t[i].flags & T_COMMA) {
            c = i;
            break;
        }
    }
    bool fixed = false;
    size_t de = end;
    if (c > 0 && !is_hash(&T, c) && !(unit_of(&T, c) >= 0 && c + 1 < end)) {
        fixed = true;
        de = c;
    }
    size_t city_lo = de;
    st = delivery_line(&T, de, fixed, out, &city_lo, err);
    if (st != SEAL_OK) {
        return st;
    }
    size_t city_hi = fixed ? end : de;
    if (fixed) {
        city_lo = c;
    } else if (out->state[0] == '\0' && out->zip5[0] == '\0') {
        /* The delivery line has ended, so a state closing the city is as
         * certain as after a comma; this keeps normalising idempotent
         * (the normalised line has that comma). */
        if (city_hi - city_lo >= 2 && (T.t[city_hi - 1].flags & T_ALLDIGIT) &&
            T.t[city_hi - 2].len == 2 && state_of(&T, city_hi - 2, city_hi - 1) >= 0) {
            return seal_error_set(err, SEAL_INVALID, "address: ZIP Code must have 5 or 9 digits");
        }
        for (size_t k = city_hi - city_lo < 4 ? city_hi - city_lo : 4; k >= 1; k--) {
            int si = state_of(&T, city_hi - k, city_hi);
            if (si >= 0) {
                put_str(out->state, sizeof(out->state), seal__states[si]);
                city_hi -= k;
                break;
            }
        }
    }
    if (!fixed && out->urb[0] == '\0' && city_lo < city_hi && is_urb(&T, city_lo) &&
        urb_name(&T, city_lo, city_hi, out)) {
        /* 150 MAIN ST URB LAS GLADIOLAS: what follows the delivery line is
         * the urbanization. After a comma (", URB X PR 00926") it stays the
         * city: taking it out would change where the delivery line ends. */
        city_lo = city_hi;
    }
    st = put_range(out->city, sizeof(out->city), &T, city_lo, city_hi, "city name", err);
    if (st == SEAL_OK && out->state[0] == '\0' && out->zip5[0] == '0' && out->zip5[1] == '0') {
        /* ZIP Codes 006xx, 007xx, 009xx are Puerto Rico's, 008xx the US
         * Virgin Islands' (Pub 28 §29, Appendix B) */
        char z = out->zip5[2];
        if (z == '6' || z == '7' || z == '9') {
            put_str(out->state, sizeof(out->state), "PR");
        } else if (z == '8') {
            put_str(out->state, sizeof(out->state), "VI");
        }
    }
    return st;
}
