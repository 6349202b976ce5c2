/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Output of a parsed address: the USPS-standard line (Pub 28 §211, §212:
 * delivery address line, then CITY ST ZIP+4) and the delivery-point match
 * key, in which every word with a standard abbreviation is canonicalised
 * wherever it stands, so spellings of one delivery point give one key.
 */
#include <stdbool.h>
#include <string.h>

#include "address/address_int.h"
#include "sealed/address.h"

static seal_status app(seal_buf *out, const char *s, bool *first)
{
    if (s[0] == '\0') {
        return SEAL_OK;
    }
    seal_status st = SEAL_OK;
    if (!*first) {
        st = seal_buf_append_byte(out, ' ');
    }
    *first = false;
    if (st == SEAL_OK) {
        st = seal_buf_append_str(out, s);
    }
    return st;
}

static seal_status delivery(const seal_address *a, seal_buf *out)
{
    bool first = true;
    seal_status st = SEAL_OK;
    switch (a->kind) {
    case SEAL_ADDRESS_PO_BOX:
        /* Pub 28 §281: PO BOX 123 */
        st = app(out, "PO BOX", &first);
        break;
    case SEAL_ADDRESS_RURAL_ROUTE:
    case SEAL_ADDRESS_HIGHWAY_ROUTE:
        /* Pub 28 §241, §251: RR 2 BOX 152, HC 68 BOX 23 */
        st = app(out, a->kind == SEAL_ADDRESS_RURAL_ROUTE ? "RR" : "HC", &first);
        if (st == SEAL_OK) {
            st = app(out, a->route, &first);
        }
        if (st == SEAL_OK) {
            st = app(out, "BOX", &first);
        }
        break;
    case SEAL_ADDRESS_MILITARY:
        /* Pub 28 §225: PSC 1234 BOX 5678 */
        st = app(out, a->street, &first);
        if (st == SEAL_OK) {
            st = app(out, a->route, &first);
        }
        if (st == SEAL_OK) {
            st = app(out, "BOX", &first);
        }
        if (st == SEAL_OK) {
            st = app(out, a->number, &first);
        }
        return st;
    case SEAL_ADDRESS_STREET:
        break;
    }
    const char *parts[] = {a->number,    a->predir, a->street,     a->suffix, a->postdir,
                           a->unit_type, a->unit,   a->unit2_type, a->unit2};
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]) && st == SEAL_OK; i++) {
        st = app(out, parts[i], &first);
    }
    return st;
}

seal_status seal_address_format(const seal_address *a, seal_buf *out)
{
    seal_buf_reset(out);
    seal_status st = SEAL_OK;
    if (a->urb[0] != '\0') {
        /* Pub 28 §29: the urbanization line precedes the delivery line */
        st = seal_buf_append_str(out, "URB ");
        if (st == SEAL_OK) {
            st = seal_buf_append_str(out, a->urb);
        }
        if (st == SEAL_OK) {
            st = seal_buf_append_str(out, ", ");
        }
    }
    if (st == SEAL_OK) {
        st = delivery(a, out);
    }
    if (st == SEAL_OK && (a->city[0] || a->state[0] || a->zip5[0])) {
        bool first = true;
        st = seal_buf_append_str(out, ",");
        if (st == SEAL_OK) {
            first = false;
            st = app(out, a->city, &first);
        }
        if (st == SEAL_OK) {
            st = app(out, a->state, &first);
        }
        if (st == SEAL_OK) {
            st = app(out, a->zip5, &first);
        }
        if (st == SEAL_OK && a->zip4[0]) {
            st = seal_buf_append_byte(out, '-');
            if (st == SEAL_OK) {
                st = seal_buf_append_str(out, a->zip4);
            }
        }
    }
    if (st != SEAL_OK) {
        seal_buf_reset(out);
    }
    return st;
}

/* Appends the key form of each space-separated word of s: the C1 suffix
 * abbreviation, the directional, or the key word of words.tsv (SAINT -> ST,
 * FIFTH -> 5TH), else the word itself. */
static seal_status key_words(seal_buf *out, const char *s, bool *first)
{
    seal_status st = SEAL_OK;
    while (*s != '\0' && st == SEAL_OK) {
        const char *e = strchr(s, ' ');
        size_t n = e != NULL ? (size_t) (e - s) : strlen(s);
        const seal__lex *l = seal__lex_find(s, n);
        const char *w = NULL;
        if (l != NULL) {
            if (l->suffix >= 0) {
                w = seal__suffixes[l->suffix].abbr;
            } else if (l->dir >= 0) {
                w = seal__dirs[l->dir];
            } else if (l->canon != NULL) {
                w = l->canon;
            }
        }
        if (!*first) {
            st = seal_buf_append_byte(out, ' ');
        }
        *first = false;
        if (st == SEAL_OK) {
            st = w != NULL ? seal_buf_append_str(out, w) : seal_buf_append(out, s, n);
        }
        s += n;
        while (*s == ' ') {
            s++;
        }
    }
    return st;
}

/* Appends a primary or unit number in key form: hyphens dropped and leading
 * zeros of its first digit run dropped (3-B = 3B, 03 = 3, 0012 = 12), since
 * carriers deliver these spellings to one place. */
static seal_status key_number(seal_buf *out, const char *s)
{
    seal_status st = SEAL_OK;
    while (s[0] == '0' && s[1] >= '0' && s[1] <= '9') {
        s++;
    }
    for (; *s != '\0' && st == SEAL_OK; s++) {
        if (*s != '-') {
            st = seal_buf_append_byte(out, (uint8_t) *s);
        }
    }
    return st;
}

/* Pub 28 §232: when the street is a highway in its standard form (STATE
 * HIGHWAY 9), appends the key form of its system and its route number
 * without leading zeros (STATE ROUTE 9) and returns the rest of the street
 * name; otherwise returns s untouched. */
static const char *key_highway(seal_buf *out, const char *s, bool *first, seal_status *st)
{
    const char *sp = strchr(s, ' ');
    if (sp == NULL) {
        return s;
    }
    const seal__lex *l = seal__lex_find(s, (size_t) (sp - s));
    if (l == NULL || !l->hwy) {
        return s;
    }
    for (size_t f = 0; f < seal__n_hwy_families; f++) {
        const char *std = seal__hwy_families[f].std;
        size_t n = strlen(std);
        if (strncmp(s, std, n) != 0 || s[n] != ' ' || s[n + 1] == '\0') {
            continue;
        }
        const char *num = s + n + 1;
        const char *e = strchr(num, ' ');
        size_t nl = e != NULL ? (size_t) (e - num) : strlen(num);
        while (nl > 1 && num[0] == '0' && num[1] >= '0' && num[1] <= '9') {
            num++;
            nl--;
        }
        if (!*first) {
            *st = seal_buf_append_byte(out, ' ');
        }
        *first = false;
        if (*st == SEAL_OK) {
            *st = seal_buf_append_str(out, seal__hwy_families[f].key);
        }
        if (*st == SEAL_OK) {
            *st = seal_buf_append_byte(out, ' ');
        }
        if (*st == SEAL_OK) {
            *st = seal_buf_append(out, num, nl);
        }
        return e != NULL ? e + 1 : "";
    }
    return s;
}

seal_status seal_address_key_of(const seal_address *a, seal_buf *out, seal_error *err)
{
    seal_buf_reset(out);
    bool first = true;
    seal_status st;
    if (a->zip5[0] != '\0') {
        st = seal_buf_append_str(out, a->zip5);
    } else if (a->city[0] != '\0' && a->state[0] != '\0') {
        st = key_words(out, a->city, &first);
        if (st == SEAL_OK) {
            st = seal_buf_append_byte(out, ' ');
        }
        if (st == SEAL_OK) {
            st = seal_buf_append_str(out, a->state);
        }
    } else {
        return seal_error_set(err, SEAL_INVALID,
                              "address: neither a ZIP Code nor a city and state, so no key");
    }
    if (st == SEAL_OK) {
        st = seal_buf_append_byte(out, '|');
    }
    if (st == SEAL_OK) {
        /* 12-14 stays a range: only leading zeros go from a primary number */
        const char *num = a->number;
        while (num[0] == '0' && num[1] >= '0' && num[1] <= '9') {
            num++;
        }
        st = seal_buf_append_str(out, num);
    }
    if (st == SEAL_OK) {
        st = seal_buf_append_byte(out, '|');
    }
    first = true;
    switch (a->kind) {
    case SEAL_ADDRESS_PO_BOX:
        if (st == SEAL_OK) {
            st = key_words(out, "PO BOX", &first);
        }
        break;
    case SEAL_ADDRESS_RURAL_ROUTE:
    case SEAL_ADDRESS_HIGHWAY_ROUTE:
        if (st == SEAL_OK) {
            st = key_words(out, a->kind == SEAL_ADDRESS_RURAL_ROUTE ? "RR" : "HC", &first);
        }
        if (st == SEAL_OK) {
            st = key_words(out, a->route, &first);
        }
        break;
    case SEAL_ADDRESS_MILITARY:
        if (st == SEAL_OK) {
            st = seal_buf_append_str(out, a->street);
        }
        if (st == SEAL_OK) {
            st = seal_buf_append_byte(out, ' ');
        }
        if (st == SEAL_OK) {
            st = seal_buf_append_str(out, a->route);
        }
        first = false;
        break;
    case SEAL_ADDRESS_STREET:
        break;
    }
    const char *street = a->kind == SEAL_ADDRESS_MILITARY ? "" : a->street;
    if (st == SEAL_OK) {
        st = key_words(out, a->predir, &first);
    }
    const char *suffix = a->suffix;
    if (st == SEAL_OK && a->kind == SEAL_ADDRESS_STREET) {
        street = key_highway(out, street, &first, &st);
        /* FM 1960 RD = FM 1960: a road word after the route number adds
         * nothing (BYP, a bypass, stays) */
        if (street != a->street && (strcmp(suffix, "RD") == 0 || strcmp(suffix, "HWY") == 0)) {
            suffix = "";
        }
    }
    const char *parts[] = {street, suffix, a->postdir};
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]) && st == SEAL_OK; i++) {
        st = key_words(out, parts[i], &first);
    }
    if (st == SEAL_OK) {
        st = seal_buf_append_byte(out, '|');
    }
    if (st == SEAL_OK) {
        /* #3 = APT 3 = UNIT 3; a unit without a number keeps its designator */
        st = a->unit[0] != '\0' ? key_number(out, a->unit) : seal_buf_append_str(out, a->unit_type);
    }
    if (st == SEAL_OK && a->unit2_type[0] != '\0') {
        st = seal_buf_append_byte(out, ' ');
        if (st == SEAL_OK) {
            st = a->unit2[0] != '\0' ? key_number(out, a->unit2)
                                     : seal_buf_append_str(out, a->unit2_type);
        }
    }
    if (st == SEAL_OK && a->urb[0] != '\0') {
        /* Pub 28 §29: one street number can exist in several urbanizations
         * of a ZIP Code, so the urbanization is part of the delivery point */
        st = seal_buf_append_byte(out, '|');
        first = true;
        if (st == SEAL_OK) {
            st = key_words(out, a->urb, &first);
        }
    }
    if (st != SEAL_OK) {
        seal_buf_reset(out);
        return seal_error_set(err, st, "address: out of memory");
    }
    return SEAL_OK;
}

seal_status seal_address_normalize(const char *in, size_t n, seal_buf *out, seal_error *err)
{
    seal_address a;
    seal_buf_reset(out);
    seal_status st = seal_address_parse(in, n, &a, err);
    if (st != SEAL_OK) {
        return st;
    }
    st = seal_address_format(&a, out);
    if (st != SEAL_OK) {
        return seal_error_set(err, st, "address: out of memory");
    }
    return SEAL_OK;
}

seal_status seal_address_key(const char *in, size_t n, seal_buf *out, seal_error *err)
{
    seal_address a;
    seal_buf_reset(out);
    seal_status st = seal_address_parse(in, n, &a, err);
    if (st != SEAL_OK) {
        return st;
    }
    return seal_address_key_of(&a, out, err);
}
