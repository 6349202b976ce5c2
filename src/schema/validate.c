/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Validation of one field value against its catalogue type. Reasons name the
 * rule that failed, never the value: values are personal data. The deeper
 * checks of addresses, emails and phones happen again when the store
 * standardises them for the blind index.
 */
#include <arpa/inet.h>
#include <string.h>

#include "sealed/schema.h"
#include "sealed/time.h"

bool seal_utf8_printable(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *) s;
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
            i++;
            continue;
        }
        size_t len;
        unsigned cp;
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n) {
            return false;
        }
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xc0) != 0x80) {
                return false;
            }
            cp = cp << 6 | (p[i + k] & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0)) {
            return false; /* overlong, out of range, surrogate or C1 control */
        }
        i += len;
    }
    return true;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static seal_status bad(seal_error *err, const char *why)
{
    return seal_error_set(err, SEAL_INVALID, "%s", why);
}

static seal_status check_id(const char *v, size_t n, seal_error *err)
{
    if (n > 64) {
        return bad(err, "longer than 64 characters");
    }
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (!is_digit(c) && !is_alpha(c) && c != '.' && c != '_' && c != '-') {
            return bad(err, "not an identifier: only letters, digits, '.', '_' and '-' allowed");
        }
    }
    return SEAL_OK;
}

static seal_status check_name(const char *v, size_t n, size_t max, seal_error *err)
{
    if (n > max) {
        return bad(err, "name too long");
    }
    if (!seal_utf8_printable(v, n)) {
        return bad(err, "not printable UTF-8");
    }
    bool letter = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) v[i];
        if (c >= 0x80 || is_alpha((char) c)) {
            letter = true;
        } else if (c != ' ' && c != '\'' && c != '-' && c != '.' && c != ',' && c != '&') {
            return bad(err, "a name holds letters, spaces and ' - . , & only");
        }
    }
    return letter ? SEAL_OK : bad(err, "a name needs at least one letter");
}

static seal_status check_email(const char *v, size_t n, seal_error *err)
{
    if (n > 254) {
        return bad(err, "email longer than 254 characters");
    }
    const char *at = memchr(v, '@', n);
    if (at == NULL || at == v || memchr(at + 1, '@', n - (size_t) (at - v) - 1) != NULL) {
        return bad(err, "not an email address: needs exactly one '@' after a local part");
    }
    size_t dl = n - (size_t) (at - v) - 1;
    const char *dom = at + 1;
    if (dl < 3 || memchr(dom, '.', dl) == NULL || dom[0] == '.' || dom[dl - 1] == '.') {
        return bad(err, "not an email address: the domain needs a dot");
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) v[i];
        if (c <= ' ' || c >= 0x7f || strchr("()<>[]\\,;:\"", c) != NULL) {
            return bad(err, "not an email address: forbidden character");
        }
    }
    return SEAL_OK;
}

static seal_status check_phone(const char *v, size_t n, seal_error *err)
{
    size_t digits = 0;
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (is_digit(c)) {
            digits++;
        } else if (!(c == '+' && i == 0) && c != '-' && c != ' ' && c != '(' && c != ')' &&
                   c != '.') {
            return bad(err, "not a phone number: digits, spaces and + - ( ) . only");
        }
    }
    if (digits < 7 || digits > 15) {
        return bad(err, "not a phone number: needs 7 to 15 digits");
    }
    return SEAL_OK;
}

static seal_status check_int(const char *v, size_t n, size_t max, seal_error *err)
{
    if (n > 12) {
        return bad(err, "number too large");
    }
    unsigned long long x = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(v[i])) {
            return bad(err, "not a non-negative whole number");
        }
        x = x * 10 + (unsigned) (v[i] - '0');
    }
    if (n > 1 && v[0] == '0') {
        return bad(err, "leading zero");
    }
    if (max != 0 && x > max) {
        return bad(err, "number above the allowed maximum");
    }
    return SEAL_OK;
}

static seal_status check_ip(const char *v, size_t n, seal_error *err)
{
    char tmp[64];
    unsigned char addr[16];
    if (n >= sizeof(tmp)) {
        return bad(err, "not an IP address");
    }
    memcpy(tmp, v, n);
    tmp[n] = '\0';
    if (inet_pton(AF_INET, tmp, addr) != 1 && inet_pton(AF_INET6, tmp, addr) != 1) {
        return bad(err, "not an IPv4 or IPv6 address");
    }
    return SEAL_OK;
}

seal_status seal_field_validate(const seal_field *f, const char *v, size_t n, seal_error *err)
{
    if (n == 0) {
        return bad(err, "empty");
    }
    if (memchr(v, '\0', n) != NULL) {
        return bad(err, "contains a NUL byte");
    }
    int64_t t;
    switch (f->type) {
    case SEAL_FT_ID:
        return check_id(v, n, err);
    case SEAL_FT_NAME:
        return check_name(v, n, f->max != 0 ? f->max : 200, err);
    case SEAL_FT_TEXT:
        if (n > (f->max != 0 ? f->max : 1024)) {
            return bad(err, "text too long");
        }
        return seal_utf8_printable(v, n) ? SEAL_OK : bad(err, "not printable UTF-8");
    case SEAL_FT_EMAIL:
        return check_email(v, n, err);
    case SEAL_FT_PHONE:
        return check_phone(v, n, err);
    case SEAL_FT_ADDRESS:
        if (n > 300) {
            return bad(err, "address longer than 300 bytes");
        }
        return seal_utf8_printable(v, n) ? SEAL_OK : bad(err, "not printable UTF-8");
    case SEAL_FT_TIME:
        return seal_time_parse_n(v, n, &t) == SEAL_OK
                   ? SEAL_OK
                   : bad(err, "not an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SSZ)");
    case SEAL_FT_DATE:
        return seal_date_parse_n(v, n, &t) == SEAL_OK ? SEAL_OK
                                                      : bad(err, "not a date (YYYY-MM-DD)");
    case SEAL_FT_IP:
        return check_ip(v, n, err);
    case SEAL_FT_INT:
        return check_int(v, n, f->max, err);
    case SEAL_FT_LAST4:
        if (n != 4 || !is_digit(v[0]) || !is_digit(v[1]) || !is_digit(v[2]) || !is_digit(v[3])) {
            return bad(err, "not exactly four digits");
        }
        return SEAL_OK;
    case SEAL_FT_ENUM:
        for (size_t i = 0; i < f->nvalues; i++) {
            if (strlen(f->values[i]) == n && memcmp(f->values[i], v, n) == 0) {
                return SEAL_OK;
            }
        }
        return bad(err, "not one of the allowed values");
    }
    return bad(err, "unknown type");
}
