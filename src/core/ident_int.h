/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Text helpers shared by the identifier and address standardisers: strict
 * UTF-8 decoding and the fold of Latin letters with diacritics to ASCII.
 */
#ifndef SEAL_CORE_IDENT_INT_H
#define SEAL_CORE_IDENT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes the scalar at s[*pos] and advances *pos. Strict (RFC 3629 §3): no
 * overlong forms, surrogates or values above U+10FFFF; false on bad input. */
bool seal__utf8_next(const uint8_t *s, size_t n, size_t *pos, uint32_t *cp);
/* Upper-case ASCII letters for a Latin letter U+00C0..U+017F ("E", "AE",
 * "SS"), else NULL. */
const char *seal__latin_fold(uint32_t cp);
/* Non-ASCII punctuation the standardisers treat like ASCII: ' ' for spaces
 * (NBSP, U+2000..U+200B, U+3000), '\'' for apostrophes and accents used as
 * such (U+2018, U+2019, U+02BC, U+00B4), '-' for dashes (U+2010..U+2015);
 * 0 for anything else. */
int seal__unicode_punct(uint32_t cp);

#endif
