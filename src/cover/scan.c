/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsers of one mail-scan line (DESIGN.md "Mail scans"): CSV after RFC 4180
 * §2 (fields separated by commas, optionally enclosed in double quotes, a
 * quote inside a quoted field doubled) and NDJSON (one JSON object per line,
 * RFC 8259, string or null values). Values are borrowed from the line when
 * they need no unescaping, so the common line costs a few memchr calls and no
 * copy; escaped values are decoded into the caller's scratch buffer, which is
 * reserved once for the whole line so earlier pointers stay valid.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "sealed/cover.h"

static const char *const field_names[SEAL_SCAN_NFIELDS] = {
    "piece_id",       "scanned_at",     "facility",          "class",         "sender_name",
    "sender_address", "recipient_name", "recipient_address", "recipient_dpc",
};

const char *seal_scan_field_name(seal_scan_field f)
{
    return (unsigned) f < SEAL_SCAN_NFIELDS ? field_names[f] : "?";
}

void seal_scan_columns_init(seal_scan_columns *c)
{
    for (size_t i = 0; i < SEAL_SCAN_NFIELDS; i++) {
        c->field_of[i] = (int8_t) i;
    }
    c->n = SEAL_SCAN_NFIELDS;
}

static int field_by_name(const char *s, size_t n)
{
    for (size_t i = 0; i < SEAL_SCAN_NFIELDS; i++) {
        if (strlen(field_names[i]) == n && memcmp(field_names[i], s, n) == 0) {
            return (int) i;
        }
    }
    return -1;
}

seal_status seal_scan_columns_parse(seal_scan_columns *c, const char *line, size_t n,
                                    seal_error *err)
{
    bool seen[SEAL_SCAN_NFIELDS] = {false};
    size_t col = 0;
    size_t pos = 0;
    if (n > 0 && line[n - 1] == '\r') {
        n--;
    }
    for (;;) {
        const char *start = line + pos;
        const char *comma = pos < n ? memchr(start, ',', n - pos) : NULL;
        size_t len = comma != NULL ? (size_t) (comma - start) : n - pos;
        if (len >= 2 && start[0] == '"' && start[len - 1] == '"') {
            start++;
            len -= 2;
        }
        int f = field_by_name(start, len);
        if (f < 0) {
            return seal_error_set(err, SEAL_INVALID, "scan header: column %zu is not a scan field",
                                  col + 1);
        }
        if (seen[f] || col >= SEAL_SCAN_NFIELDS) {
            return seal_error_set(err, SEAL_INVALID, "scan header: column %s twice",
                                  field_names[f]);
        }
        seen[f] = true;
        c->field_of[col++] = (int8_t) f;
        if (comma == NULL) {
            break;
        }
        pos = (size_t) (comma - line) + 1;
    }
    if (col != SEAL_SCAN_NFIELDS) {
        return seal_error_set(err, SEAL_INVALID, "scan header: %zu columns, want %d", col,
                              SEAL_SCAN_NFIELDS);
    }
    c->n = col;
    return SEAL_OK;
}

/* RFC 4180 §2: fields split at commas; a field opening with '"' runs to the
 * closing '"' not followed by another; "" inside it stands for one '"'. */
static seal_status parse_csv(const seal_scan_columns *cols, const char *line, size_t n,
                             seal_scan *out, seal_buf *scratch, seal_error *err)
{
    size_t pos = 0;
    size_t col = 0;
    for (;;) {
        if (col >= cols->n) {
            return seal_error_set(err, SEAL_INVALID, "scan: more than %zu columns", cols->n);
        }
        int f = cols->field_of[col];
        if (pos < n && line[pos] == '"') {
            size_t p = pos + 1;
            bool escaped = false;
            size_t close;
            for (;;) {
                const char *q = p < n ? memchr(line + p, '"', n - p) : NULL;
                if (q == NULL) {
                    return seal_error_set(err, SEAL_INVALID, "scan: unterminated quoted field");
                }
                size_t at = (size_t) (q - line);
                if (at + 1 < n && line[at + 1] == '"') {
                    escaped = true;
                    p = at + 2;
                    continue;
                }
                close = at;
                break;
            }
            if (!escaped) {
                out->v[f] = line + pos + 1;
                out->n[f] = close - pos - 1;
            } else {
                /* reserved for the whole line up front: no reallocation */
                char *dst = (char *) scratch->data + scratch->len;
                size_t k = 0;
                for (size_t i = pos + 1; i < close; i++) {
                    dst[k++] = line[i];
                    if (line[i] == '"') {
                        i++;
                    }
                }
                out->v[f] = dst;
                out->n[f] = k;
                scratch->len += k;
            }
            pos = close + 1;
            if (pos < n && line[pos] != ',') {
                return seal_error_set(err, SEAL_INVALID, "scan: text after a closing quote");
            }
        } else {
            const char *c = pos < n ? memchr(line + pos, ',', n - pos) : NULL;
            /* a quote inside an unquoted field is kept as a character (RFC
             * 4180 forbids it; real feeds have it; one scan per line saved) */
            size_t end = c != NULL ? (size_t) (c - line) : n;
            out->v[f] = line + pos;
            out->n[f] = end - pos;
            pos = end;
        }
        col++;
        if (pos >= n) {
            break;
        }
        pos++; /* the comma */
        if (pos == n) {
            /* a trailing comma opens one more, empty, field */
            if (col >= cols->n) {
                return seal_error_set(err, SEAL_INVALID, "scan: more than %zu columns", cols->n);
            }
            out->v[cols->field_of[col]] = line + pos;
            out->n[cols->field_of[col]] = 0;
            col++;
            break;
        }
    }
    if (col != cols->n) {
        return seal_error_set(err, SEAL_INVALID, "scan: %zu columns, want %zu", col, cols->n);
    }
    return SEAL_OK;
}

static void skip_ws(const char *s, size_t n, size_t *pos)
{
    while (*pos < n && (s[*pos] == ' ' || s[*pos] == '\t' || s[*pos] == '\r')) {
        (*pos)++;
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static bool hex4(const char *s, size_t n, size_t pos, uint32_t *out)
{
    if (pos + 4 > n) {
        return false;
    }
    uint32_t v = 0;
    for (size_t i = 0; i < 4; i++) {
        int h = hexval(s[pos + i]);
        if (h < 0) {
            return false;
        }
        v = v << 4 | (uint32_t) h;
    }
    *out = v;
    return true;
}

static size_t put_utf8(char *dst, uint32_t cp)
{
    if (cp < 0x80) {
        dst[0] = (char) cp;
        return 1;
    }
    if (cp < 0x800) {
        dst[0] = (char) (0xC0 | cp >> 6);
        dst[1] = (char) (0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        dst[0] = (char) (0xE0 | cp >> 12);
        dst[1] = (char) (0x80 | (cp >> 6 & 0x3F));
        dst[2] = (char) (0x80 | (cp & 0x3F));
        return 3;
    }
    dst[0] = (char) (0xF0 | cp >> 18);
    dst[1] = (char) (0x80 | (cp >> 12 & 0x3F));
    dst[2] = (char) (0x80 | (cp >> 6 & 0x3F));
    dst[3] = (char) (0x80 | (cp & 0x3F));
    return 4;
}

/* RFC 8259 §7: a string at s[*pos] (the opening quote). Borrowed when it has
 * no escapes, else decoded into scratch (an escape never decodes to more
 * bytes than it takes: \uXXXX is 6 bytes for at most 3, a surrogate pair
 * 12 for 4). */
static seal_status json_string(const char *s, size_t n, size_t *pos, const char **v, size_t *vn,
                               seal_buf *scratch, seal_error *err)
{
    size_t p = *pos + 1;
    size_t start = p;
    bool escaped = false;
    while (p < n && s[p] != '"') {
        uint8_t c = (uint8_t) s[p];
        if (c < 0x20) {
            return seal_error_set(err, SEAL_INVALID, "scan: control character in a string");
        }
        if (c == '\\') {
            escaped = true;
            p++;
        }
        p++;
    }
    if (p >= n) {
        return seal_error_set(err, SEAL_INVALID, "scan: unterminated string");
    }
    size_t end = p;
    *pos = end + 1;
    if (!escaped) {
        *v = s + start;
        *vn = end - start;
        return SEAL_OK;
    }
    char *dst = (char *) scratch->data + scratch->len;
    size_t k = 0;
    for (size_t i = start; i < end; i++) {
        if (s[i] != '\\') {
            dst[k++] = s[i];
            continue;
        }
        i++;
        uint32_t cp;
        switch (s[i]) {
        case '"':
        case '\\':
        case '/':
            dst[k++] = s[i];
            break;
        case 'b':
            dst[k++] = '\b';
            break;
        case 'f':
            dst[k++] = '\f';
            break;
        case 'n':
            dst[k++] = '\n';
            break;
        case 'r':
            dst[k++] = '\r';
            break;
        case 't':
            dst[k++] = '\t';
            break;
        case 'u':
            if (!hex4(s, end, i + 1, &cp)) {
                return seal_error_set(err, SEAL_INVALID, "scan: bad \\u escape");
            }
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                uint32_t lo;
                if (i + 2 >= end || s[i + 1] != '\\' || s[i + 2] != 'u' ||
                    !hex4(s, end, i + 3, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
                    return seal_error_set(err, SEAL_INVALID, "scan: unpaired surrogate");
                }
                i += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                return seal_error_set(err, SEAL_INVALID, "scan: unpaired surrogate");
            }
            if (cp == 0) {
                return seal_error_set(err, SEAL_INVALID, "scan: NUL in a string");
            }
            k += put_utf8(dst + k, cp);
            break;
        default:
            return seal_error_set(err, SEAL_INVALID, "scan: bad escape");
        }
    }
    *v = dst;
    *vn = k;
    scratch->len += k;
    return SEAL_OK;
}

static seal_status parse_ndjson(const char *s, size_t n, seal_scan *out, seal_buf *scratch,
                                seal_error *err)
{
    size_t pos = 0;
    unsigned seen = 0;
    skip_ws(s, n, &pos);
    if (pos >= n || s[pos] != '{') {
        return seal_error_set(err, SEAL_INVALID, "scan: not a JSON object");
    }
    pos++;
    skip_ws(s, n, &pos);
    if (pos < n && s[pos] == '}') {
        pos++;
    } else {
        for (;;) {
            const char *k;
            size_t kn;
            skip_ws(s, n, &pos);
            if (pos >= n || s[pos] != '"') {
                return seal_error_set(err, SEAL_INVALID, "scan: expected a key");
            }
            seal_status st = json_string(s, n, &pos, &k, &kn, scratch, err);
            if (st != SEAL_OK) {
                return st;
            }
            int f = field_by_name(k, kn);
            if (f < 0) {
                return seal_error_set(err, SEAL_INVALID, "scan: unknown key");
            }
            if (seen & (1u << f)) {
                return seal_error_set(err, SEAL_INVALID, "scan: duplicate key %s", field_names[f]);
            }
            seen |= 1u << f;
            skip_ws(s, n, &pos);
            if (pos >= n || s[pos] != ':') {
                return seal_error_set(err, SEAL_INVALID, "scan: expected ':'");
            }
            pos++;
            skip_ws(s, n, &pos);
            if (pos < n && s[pos] == '"') {
                st = json_string(s, n, &pos, &out->v[f], &out->n[f], scratch, err);
                if (st != SEAL_OK) {
                    return st;
                }
            } else if (n - pos >= 4 && memcmp(s + pos, "null", 4) == 0) {
                pos += 4;
            } else {
                return seal_error_set(err, SEAL_INVALID, "scan: %s is not a string or null",
                                      field_names[f]);
            }
            skip_ws(s, n, &pos);
            if (pos < n && s[pos] == ',') {
                pos++;
                continue;
            }
            if (pos < n && s[pos] == '}') {
                pos++;
                break;
            }
            return seal_error_set(err, SEAL_INVALID, "scan: expected ',' or '}'");
        }
    }
    skip_ws(s, n, &pos);
    if (pos != n) {
        return seal_error_set(err, SEAL_INVALID, "scan: text after the object");
    }
    return SEAL_OK;
}

seal_status seal_scan_parse(seal_scan_format fmt, const seal_scan_columns *cols, const char *line,
                            size_t n, seal_scan *out, seal_buf *scratch, seal_error *err)
{
    static const char empty[1] = "";
    seal_scan_columns dflt;
    for (size_t i = 0; i < SEAL_SCAN_NFIELDS; i++) {
        out->v[i] = empty;
        out->n[i] = 0;
    }
    if (line == NULL) {
        line = empty;
        n = 0;
    }
    seal_buf_reset(scratch);
    seal_status st = seal_buf_reserve(scratch, n + 1);
    if (st != SEAL_OK) {
        return seal_error_set(err, st, "scan: out of memory");
    }
    /* NUL bytes are not searched for here: the pre-filter does not care, and
     * a matched piece's fields are validated (seal_field_validate) before
     * they are recorded */
    if (fmt == SEAL_SCAN_CSV) {
        if (cols == NULL) {
            seal_scan_columns_init(&dflt);
            cols = &dflt;
        }
        st = parse_csv(cols, line, n, out, scratch, err);
    } else {
        st = parse_ndjson(line, n, out, scratch, err);
    }
    if (st == SEAL_OK && out->n[SEAL_SCAN_PIECE_ID] == 0) {
        st = seal_error_set(err, SEAL_INVALID, "scan: piece_id missing");
    }
    return st;
}
