/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Byte buffers. seal_buf is a growable buffer the caller owns (init/cleanup);
 * seal_cursor reads a borrowed byte range through bounds-checked getters, so
 * parsers never do raw pointer arithmetic. Neither is thread-safe.
 */
#ifndef SEALED_BUF_H
#define SEALED_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "sealed/status.h"

typedef struct seal_buf {
    uint8_t *data; /* owned; NUL-terminated after each append for text use */
    size_t len;
    size_t cap;
} seal_buf;

void seal_buf_init(seal_buf *b);
void seal_buf_cleanup(seal_buf *b);
void seal_buf_reset(seal_buf *b); /* len = 0, keeps memory */
seal_status seal_buf_reserve(seal_buf *b, size_t extra) SEAL_MUST_USE;
seal_status seal_buf_append(seal_buf *b, const void *p, size_t n) SEAL_MUST_USE;
seal_status seal_buf_append_str(seal_buf *b, const char *s) SEAL_MUST_USE;
seal_status seal_buf_append_byte(seal_buf *b, uint8_t c) SEAL_MUST_USE;
seal_status seal_buf_append_u16le(seal_buf *b, uint16_t v) SEAL_MUST_USE;
seal_status seal_buf_append_u32le(seal_buf *b, uint32_t v) SEAL_MUST_USE;
seal_status seal_buf_append_u64le(seal_buf *b, uint64_t v) SEAL_MUST_USE;
seal_status seal_buf_printf(seal_buf *b, const char *fmt, ...) SEAL_MUST_USE SEAL_PRINTF(2, 3);
/* Text view; "" for an empty buffer. Valid until the next append. */
const char *seal_buf_str(const seal_buf *b);

typedef struct seal_cursor {
    const uint8_t *data; /* borrowed */
    size_t len;
    size_t pos;
} seal_cursor;

void seal_cursor_init(seal_cursor *c, const void *data, size_t len);
size_t seal_cursor_left(const seal_cursor *c);
/* Each getter returns SEAL_CORRUPT, consuming nothing, when too few bytes remain. */
seal_status seal_cursor_u8(seal_cursor *c, uint8_t *out) SEAL_MUST_USE;
seal_status seal_cursor_u16le(seal_cursor *c, uint16_t *out) SEAL_MUST_USE;
seal_status seal_cursor_u32le(seal_cursor *c, uint32_t *out) SEAL_MUST_USE;
seal_status seal_cursor_u64le(seal_cursor *c, uint64_t *out) SEAL_MUST_USE;
seal_status seal_cursor_copy(seal_cursor *c, void *out, size_t n) SEAL_MUST_USE;
/* Points *out at the next n bytes (borrowed from the cursor's data). */
seal_status seal_cursor_take(seal_cursor *c, const uint8_t **out, size_t n) SEAL_MUST_USE;

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void seal_hex_encode(char *out, const uint8_t *in, size_t n);
/* Decodes exactly n bytes from 2n hex digits (either case); SEAL_INVALID otherwise. */
seal_status seal_hex_decode(uint8_t *out, size_t n, const char *hex, size_t hexlen) SEAL_MUST_USE;

#endif
