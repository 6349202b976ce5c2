/* SPDX-License-Identifier: Apache-2.0 */
/* Growable buffers, bounded cursors and hex. */
#include "sealed/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sealed/alloc.h"

void seal_buf_init(seal_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void seal_buf_cleanup(seal_buf *b)
{
    seal_free(b->data);
    seal_buf_init(b);
}

void seal_buf_reset(seal_buf *b)
{
    b->len = 0;
    if (b->data != NULL) {
        b->data[0] = '\0';
    }
}

seal_status seal_buf_reserve(seal_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1) {
        return SEAL_NOMEM;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap) {
        return SEAL_OK;
    }
    size_t cap = b->cap < 64 ? 64 : b->cap;
    while (cap < need) {
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    }
    uint8_t *p = seal_realloc(b->data, cap);
    if (p == NULL) {
        return SEAL_NOMEM;
    }
    b->data = p;
    b->cap = cap;
    return SEAL_OK;
}

seal_status seal_buf_append(seal_buf *b, const void *p, size_t n)
{
    seal_status s = seal_buf_reserve(b, n);
    if (s != SEAL_OK) {
        return s;
    }
    if (n > 0) {
        memcpy(b->data + b->len, p, n);
    }
    b->len += n;
    b->data[b->len] = '\0';
    return SEAL_OK;
}

seal_status seal_buf_append_str(seal_buf *b, const char *s)
{
    return seal_buf_append(b, s, strlen(s));
}

seal_status seal_buf_append_byte(seal_buf *b, uint8_t c)
{
    return seal_buf_append(b, &c, 1);
}

seal_status seal_buf_append_u16le(seal_buf *b, uint16_t v)
{
    uint8_t t[2] = {(uint8_t) v, (uint8_t) (v >> 8)};
    return seal_buf_append(b, t, 2);
}

seal_status seal_buf_append_u32le(seal_buf *b, uint32_t v)
{
    uint8_t t[4];
    for (int i = 0; i < 4; i++) {
        t[i] = (uint8_t) (v >> (8 * i));
    }
    return seal_buf_append(b, t, 4);
}

seal_status seal_buf_append_u64le(seal_buf *b, uint64_t v)
{
    uint8_t t[8];
    for (int i = 0; i < 8; i++) {
        t[i] = (uint8_t) (v >> (8 * i));
    }
    return seal_buf_append(b, t, 8);
}

seal_status seal_buf_printf(seal_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return SEAL_INVALID;
    }
    seal_status s = seal_buf_reserve(b, (size_t) n);
    if (s != SEAL_OK) {
        return s;
    }
    va_start(ap, fmt);
    vsnprintf((char *) b->data + b->len, (size_t) n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t) n;
    return SEAL_OK;
}

const char *seal_buf_str(const seal_buf *b)
{
    return b->data == NULL ? "" : (const char *) b->data;
}

void seal_cursor_init(seal_cursor *c, const void *data, size_t len)
{
    c->data = data;
    c->len = len;
    c->pos = 0;
}

size_t seal_cursor_left(const seal_cursor *c)
{
    return c->len - c->pos;
}

seal_status seal_cursor_take(seal_cursor *c, const uint8_t **out, size_t n)
{
    if (n > seal_cursor_left(c)) {
        return SEAL_CORRUPT;
    }
    *out = c->data + c->pos;
    c->pos += n;
    return SEAL_OK;
}

seal_status seal_cursor_copy(seal_cursor *c, void *out, size_t n)
{
    const uint8_t *p;
    seal_status s = seal_cursor_take(c, &p, n);
    if (s == SEAL_OK && n > 0) {
        memcpy(out, p, n);
    }
    return s;
}

static seal_status get_le(seal_cursor *c, uint64_t *out, size_t n)
{
    const uint8_t *p;
    seal_status s = seal_cursor_take(c, &p, n);
    if (s != SEAL_OK) {
        return s;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        v |= (uint64_t) p[i] << (8 * i);
    }
    *out = v;
    return SEAL_OK;
}

seal_status seal_cursor_u8(seal_cursor *c, uint8_t *out)
{
    uint64_t v = 0;
    seal_status s = get_le(c, &v, 1);
    *out = (uint8_t) v;
    return s;
}

seal_status seal_cursor_u16le(seal_cursor *c, uint16_t *out)
{
    uint64_t v = 0;
    seal_status s = get_le(c, &v, 2);
    *out = (uint16_t) v;
    return s;
}

seal_status seal_cursor_u32le(seal_cursor *c, uint32_t *out)
{
    uint64_t v = 0;
    seal_status s = get_le(c, &v, 4);
    *out = (uint32_t) v;
    return s;
}

seal_status seal_cursor_u64le(seal_cursor *c, uint64_t *out)
{
    return get_le(c, out, 8);
}

void seal_hex_encode(char *out, const uint8_t *in, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
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

seal_status seal_hex_decode(uint8_t *out, size_t n, const char *hex, size_t hexlen)
{
    if (hexlen != 2 * n) {
        return SEAL_INVALID;
    }
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(hex[2 * i]);
        int lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return SEAL_INVALID;
        }
        out[i] = (uint8_t) (hi << 4 | lo);
    }
    return SEAL_OK;
}
