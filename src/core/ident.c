/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Standardisers for emails, phone numbers, names, account ids and tracking
 * numbers (see include/sealed/ident.h), and the UTF-8 / Latin-fold helpers
 * the address standardiser shares. Each works in one pass over a bounded
 * input, writes only into the caller's seal_buf and never quotes the input
 * in an error message.
 */
#include "sealed/ident.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/ident_int.h"

bool seal__utf8_next(const uint8_t *s, size_t n, size_t *pos, uint32_t *cp)
{
    size_t i = *pos;
    if (i >= n) {
        return false;
    }
    uint8_t c = s[i];
    uint32_t v;
    size_t len;
    uint32_t min;
    if (c < 0x80) {
        *cp = c;
        *pos = i + 1;
        return true;
    } else if (c >= 0xc2 && c <= 0xdf) {
        v = c & 0x1fu;
        len = 2;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        v = c & 0x0fu;
        len = 3;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        v = c & 0x07u;
        len = 4;
        min = 0x10000;
    } else {
        return false;
    }
    if (n - i < len) {
        return false;
    }
    for (size_t k = 1; k < len; k++) {
        uint8_t d = s[i + k];
        if ((d & 0xc0) != 0x80) {
            return false;
        }
        v = (v << 6) | (d & 0x3fu);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
        return false;
    }
    *cp = v;
    *pos = i + len;
    return true;
}

/* U+00C0..U+00FF and U+0100..U+017F, one letter each; digits mark the
 * letters that fold to two: 1 AE, 2 TH, 3 SS, 4 IJ, 5 OE; 0 not a letter. */
static const char latin1_fold[] = "AAAAAA1CEEEEIIIIDNOOOOO0OUUUUY23"
                                  "AAAAAA1CEEEEIIIIDNOOOOO0OUUUUY2Y";
static const char latin_ext_a_fold[] =
    "AAAAAACCCCCCCCDDDDEEEEEEEEEEGGGGGGGGHHHHIIIIIIIIII44JJKKKLLLLL"
    "LLLLLNNNNNNNNNOOOOOO55RRRRRRSSSSSSSSTTTTTTUUUUUUUUUUUUWWYYYZZZ"
    "ZZZS";

const char *seal__latin_fold(uint32_t cp)
{
    static const char *const multi[] = {NULL, "AE", "TH", "SS", "IJ", "OE"};
    /* one NUL-terminated string per letter */
    static const char letters[] = "A\0B\0C\0D\0E\0F\0G\0H\0I\0J\0K\0L\0M\0"
                                  "N\0O\0P\0Q\0R\0S\0T\0U\0V\0W\0X\0Y\0Z";
    char c;
    if (cp >= 0xc0 && cp <= 0xff) {
        c = latin1_fold[cp - 0xc0];
    } else if (cp >= 0x100 && cp <= 0x17f) {
        c = latin_ext_a_fold[cp - 0x100];
    } else if (cp == 0x1e9e) {
        return "SS";
    } else {
        return NULL;
    }
    if (c == '0') {
        return NULL;
    }
    if (c >= '1' && c <= '5') {
        return multi[c - '0'];
    }
    return &letters[2 * (c - 'A')];
}

int seal__unicode_punct(uint32_t cp)
{
    if (cp == 0xa0 || (cp >= 0x2000 && cp <= 0x200b) || cp == 0x202f || cp == 0x3000) {
        return ' ';
    }
    if (cp == 0x2018 || cp == 0x2019 || cp == 0x02bc || cp == 0xb4) {
        return '\'';
    }
    if (cp >= 0x2010 && cp <= 0x2015) {
        return '-';
    }
    return 0;
}

static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static bool is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static uint8_t to_upper(uint8_t c)
{
    return (c >= 'a' && c <= 'z') ? (uint8_t) (c - 'a' + 'A') : c;
}

static uint8_t to_lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t) (c - 'A' + 'a') : c;
}

/* Common entry checks: a view of the input without surrounding ASCII
 * whitespace, within the size limit. */
static seal_status trim_input(const char *in, size_t n, const char *what, const uint8_t **s,
                              size_t *len, seal_error *err)
{
    if (in == NULL && n > 0) {
        return seal_error_set(err, SEAL_INVALID, "%s: no input", what);
    }
    if (n > SEAL_IDENT_MAX_INPUT) {
        return seal_error_set(err, SEAL_INVALID, "%s: longer than %d bytes", what,
                              SEAL_IDENT_MAX_INPUT);
    }
    const uint8_t *p = (const uint8_t *) in;
    size_t a = 0;
    size_t b = n;
    while (a < b && is_space(p[a])) {
        a++;
    }
    while (b > a && is_space(p[b - 1])) {
        b--;
    }
    if (a == b) {
        return seal_error_set(err, SEAL_INVALID, "%s: empty", what);
    }
    *s = p + a;
    *len = b - a;
    return SEAL_OK;
}

/* RFC 5322 §3.2.3 atext, less nothing: the characters of a dot-atom. */
static bool is_atext(uint8_t c)
{
    if (is_alpha(c) || is_digit(c)) {
        return true;
    }
    return c != 0 && strchr("!#$%&'*+/=?^_`{|}~-", c) != NULL;
}

static seal_status fail(seal_buf *out, seal_status st)
{
    seal_buf_reset(out);
    return st;
}

seal_status seal_email_std(const char *in, size_t n, seal_buf *out, seal_error *err)
{
    const uint8_t *s = NULL;
    size_t len = 0;
    seal_buf_reset(out);
    seal_status st = trim_input(in, n, "email", &s, &len, err);
    if (st != SEAL_OK) {
        return st;
    }
    size_t at = len;
    for (size_t i = 0; i < len; i++) {
        if (s[i] >= 0x80) {
            return seal_error_set(err, SEAL_INVALID,
                                  "email: non-ASCII characters are not supported");
        }
        if (s[i] == '@') {
            if (at != len) {
                return seal_error_set(err, SEAL_INVALID, "email: more than one '@'");
            }
            at = i;
        }
    }
    if (at == len) {
        return seal_error_set(err, SEAL_INVALID, "email: no '@'");
    }
    size_t llen = at;
    size_t dlen = len - at - 1;
    if (llen == 0 || llen > 64) {
        return seal_error_set(err, SEAL_INVALID, "email: local part must be 1 to 64 bytes");
    }
    if (dlen == 0 || dlen > 253) {
        return seal_error_set(err, SEAL_INVALID, "email: domain must be 1 to 253 bytes");
    }
    if (len > 254) {
        return seal_error_set(err, SEAL_INVALID, "email: longer than 254 bytes");
    }
    /* local part: dot-atom (RFC 5322 §3.4.1), no quoted strings in version 1 */
    for (size_t i = 0; i < llen; i++) {
        uint8_t c = s[i];
        if (c == '.') {
            if (i == 0 || i + 1 == llen || s[i + 1] == '.') {
                return seal_error_set(err, SEAL_INVALID,
                                      "email: local part has a leading, trailing or double dot");
            }
        } else if (!is_atext(c)) {
            return seal_error_set(err, SEAL_INVALID, "email: character not allowed in local part");
        }
    }
    /* domain: LDH labels of 1..63 bytes (RFC 1035 §2.3.1, RFC 1123 §2.1) */
    const uint8_t *d = s + at + 1;
    size_t labels = 0;
    size_t start = 0;
    bool all_digits = true;
    for (size_t i = 0; i <= dlen; i++) {
        if (i == dlen || d[i] == '.') {
            size_t ll = i - start;
            if (ll == 0 || ll > 63) {
                return seal_error_set(err, SEAL_INVALID,
                                      "email: domain label empty or longer than 63 bytes");
            }
            if (d[start] == '-' || d[i - 1] == '-') {
                return seal_error_set(err, SEAL_INVALID,
                                      "email: domain label starts or ends with '-'");
            }
            labels++;
            if (i < dlen) {
                all_digits = true;
            }
            start = i + 1;
            continue;
        }
        if (!is_alpha(d[i]) && !is_digit(d[i]) && d[i] != '-') {
            return seal_error_set(err, SEAL_INVALID, "email: character not allowed in domain");
        }
        if (!is_digit(d[i])) {
            all_digits = false;
        }
    }
    if (labels < 2) {
        return seal_error_set(err, SEAL_INVALID, "email: domain needs at least two labels");
    }
    if (all_digits) {
        return seal_error_set(err, SEAL_INVALID, "email: top-level domain is all digits");
    }
    st = seal_buf_reserve(out, len);
    if (st != SEAL_OK) {
        return seal_error_set(err, st, "email: out of memory");
    }
    for (size_t i = 0; i < len; i++) {
        st = seal_buf_append_byte(out, to_lower(s[i]));
        if (st != SEAL_OK) {
            return fail(out, seal_error_set(err, st, "email: out of memory"));
        }
    }
    return SEAL_OK;
}

seal_status seal_phone_std(const char *in, size_t n, seal_buf *out, seal_error *err)
{
    const uint8_t *s = NULL;
    size_t len = 0;
    seal_buf_reset(out);
    seal_status st = trim_input(in, n, "phone", &s, &len, err);
    if (st != SEAL_OK) {
        return st;
    }
    char digits[32];
    size_t nd = 0;
    bool plus = false;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = s[i];
        if (is_digit(c)) {
            if (nd == sizeof(digits) - 1) {
                return seal_error_set(err, SEAL_INVALID, "phone: too many digits");
            }
            digits[nd++] = (char) c;
        } else if (c == '+') {
            if (nd > 0 || plus) {
                return seal_error_set(err, SEAL_INVALID, "phone: '+' only allowed at the start");
            }
            plus = true;
        } else if (c == ' ' || c == '\t' || c == '(' || c == ')' || c == '-' || c == '.' ||
                   c == '/') {
            continue;
        } else if (is_alpha(c)) {
            return seal_error_set(err, SEAL_INVALID,
                                  "phone: letters or extensions are not supported");
        } else {
            return seal_error_set(err, SEAL_INVALID, "phone: character not allowed");
        }
    }
    digits[nd] = '\0';
    const char *p = digits;
    size_t pn = nd;
    bool intl = plus;
    if (!plus && pn >= 3 && memcmp(p, "011", 3) == 0) {
        /* NANP international access prefix */
        p += 3;
        pn -= 3;
        intl = true;
    }
    if (intl && pn >= 1 && p[0] == '1') {
        /* +1: NANP, country code 1 */
        p++;
        pn--;
        if (pn != 10) {
            return seal_error_set(err, SEAL_INVALID,
                                  "phone: +1 numbers must have 10 digits after the 1");
        }
        intl = false;
    } else if (!intl && pn == 11 && p[0] == '1') {
        p++;
        pn--;
    }
    if (intl) {
        /* ITU-T E.164 §6: at most 15 digits; country codes never start 0 */
        if (pn < 8 || pn > 15) {
            return seal_error_set(err, SEAL_INVALID,
                                  "phone: international numbers need 8 to 15 digits");
        }
        if (p[0] == '0') {
            return seal_error_set(err, SEAL_INVALID, "phone: country code cannot start with 0");
        }
        st = seal_buf_append_byte(out, '+');
        if (st == SEAL_OK) {
            st = seal_buf_append(out, p, pn);
        }
    } else {
        if (pn != 10) {
            return seal_error_set(err, SEAL_INVALID,
                                  "phone: not a 10-digit NANP number (international numbers "
                                  "need a leading + or 011)");
        }
        /* NANP numbering plan: NPA and NXX start with 2-9 */
        if (p[0] < '2' || p[3] < '2') {
            return seal_error_set(err, SEAL_INVALID,
                                  "phone: NANP area code and exchange must start with 2-9");
        }
        st = seal_buf_append(out, p, pn);
    }
    if (st != SEAL_OK) {
        return fail(out, seal_error_set(err, st, "phone: out of memory"));
    }
    return SEAL_OK;
}

seal_status seal_name_std(const char *in, size_t n, seal_buf *out, seal_error *err)
{
    const uint8_t *s = NULL;
    size_t len = 0;
    seal_buf_reset(out);
    seal_status st = trim_input(in, n, "name", &s, &len, err);
    if (st != SEAL_OK) {
        return st;
    }
    st = seal_buf_reserve(out, len + 8);
    if (st != SEAL_OK) {
        return seal_error_set(err, st, "name: out of memory");
    }
    bool pending_space = false;
    bool letters = false;
    size_t pos = 0;
    while (pos < len) {
        uint32_t cp;
        if (!seal__utf8_next(s, len, &pos, &cp)) {
            return fail(out, seal_error_set(err, SEAL_INVALID, "name: invalid UTF-8"));
        }
        const char *rep = NULL;
        char one[2] = {0, 0};
        int punct = 0;
        if (cp < 0x80) {
            uint8_t c = (uint8_t) cp;
            if (c < 0x20 || c == 0x7f) {
                if (!is_space(c)) {
                    return fail(out, seal_error_set(err, SEAL_INVALID, "name: control character"));
                }
                punct = ' ';
            } else if (is_alpha(c) || is_digit(c)) {
                one[0] = (char) to_upper(c);
                rep = one;
            } else if (c == '\'' || c == '.' || c == '`') {
                punct = '\'';
            } else {
                punct = ' ';
            }
        } else if ((rep = seal__latin_fold(cp)) == NULL) {
            punct = seal__unicode_punct(cp);
            if (punct == '-') {
                punct = ' ';
            } else if (punct == 0 && (cp < 0xc0 || (cp >= 0x2000 && cp <= 0x2bff))) {
                /* Latin-1 symbols and general punctuation: separators */
                punct = ' ';
            }
        }
        if (punct == '\'') {
            continue;
        }
        if (punct == ' ') {
            pending_space = letters;
            continue;
        }
        if (pending_space) {
            st = seal_buf_append_byte(out, ' ');
            pending_space = false;
            if (st != SEAL_OK) {
                break;
            }
        }
        if (rep != NULL) {
            st = seal_buf_append_str(out, rep);
        } else {
            /* a letter of another script: kept as its UTF-8 bytes */
            size_t clen = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            st = seal_buf_append(out, s + pos - clen, clen);
        }
        if (st != SEAL_OK) {
            break;
        }
        letters = true;
    }
    if (st != SEAL_OK) {
        return fail(out, seal_error_set(err, st, "name: out of memory"));
    }
    if (!letters) {
        return fail(out, seal_error_set(err, SEAL_INVALID, "name: no letters or digits"));
    }
    return SEAL_OK;
}

seal_status seal_account_id_std(const char *in, size_t n, seal_buf *out, seal_error *err)
{
    const uint8_t *s = NULL;
    size_t len = 0;
    seal_buf_reset(out);
    seal_status st = trim_input(in, n, "account id", &s, &len, err);
    if (st != SEAL_OK) {
        return st;
    }
    if (len > 64) {
        return seal_error_set(err, SEAL_INVALID, "account id: longer than 64 bytes");
    }
    for (size_t i = 0; i < len; i++) {
        uint8_t c = s[i];
        if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_' && c != '.' && c != '/' &&
            c != ':') {
            return fail(out,
                        seal_error_set(err, SEAL_INVALID,
                                       "account id: character not allowed (A-Z 0-9 - _ . / :)"));
        }
        st = seal_buf_append_byte(out, to_upper(c));
        if (st != SEAL_OK) {
            return fail(out, seal_error_set(err, st, "account id: out of memory"));
        }
    }
    return SEAL_OK;
}

seal_status seal_tracking_std(const char *in, size_t n, seal_buf *out, seal_error *err)
{
    const uint8_t *s = NULL;
    size_t len = 0;
    seal_buf_reset(out);
    seal_status st = trim_input(in, n, "tracking number", &s, &len, err);
    if (st != SEAL_OK) {
        return st;
    }
    size_t kept = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = s[i];
        if (c == ' ' || c == '\t') {
            continue;
        }
        if (!is_alpha(c) && !is_digit(c)) {
            return fail(out, seal_error_set(err, SEAL_INVALID,
                                            "tracking number: character not allowed (A-Z 0-9)"));
        }
        if (++kept > 40) {
            return fail(out, seal_error_set(err, SEAL_INVALID,
                                            "tracking number: longer than 40 characters"));
        }
        st = seal_buf_append_byte(out, to_upper(c));
        if (st != SEAL_OK) {
            return fail(out, seal_error_set(err, st, "tracking number: out of memory"));
        }
    }
    if (kept < 8) {
        return fail(
            out, seal_error_set(err, SEAL_INVALID, "tracking number: shorter than 8 characters"));
    }
    return SEAL_OK;
}
