/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Standardisers for the identifiers other than addresses (see address.h):
 * email, phone, person name, account id, tracking number. Blind indexes hash
 * the standardised form, so two spellings of one identifier find each other;
 * each index row records SEAL_IDENT_STD_VERSION so `sealctl reindex` can
 * rebuild rows made by an older standardiser.
 *
 * Every function replaces the contents of *out (a caller-owned seal_buf) with
 * the standard form, allocates nothing else, keeps no state and is
 * thread-safe. Bad input gives SEAL_INVALID and *out empty; err->msg says
 * what is wrong without quoting the input (it is personal data). `in` need
 * not be NUL-terminated; n is its length in bytes.
 */
#ifndef SEALED_IDENT_H
#define SEALED_IDENT_H

#include <stddef.h>

#include "sealed/buf.h"
#include "sealed/status.h"

/* Bumped whenever any standard form below changes for any input. */
#define SEAL_IDENT_STD_VERSION 1

/* Longest input accepted by any of these functions, in bytes. */
#define SEAL_IDENT_MAX_INPUT 512

/* Email: surrounding whitespace trimmed; local part and domain lower-cased
 * (ASCII only in version 1: no internationalised addresses); shape checked:
 * one '@', local part 1..64 bytes of RFC 5322 dot-atom text, domain 1..253
 * bytes of at least two LDH labels (RFC 1035 §2.3.1), 254 bytes in all. */
seal_status seal_email_std(const char *in, size_t n, seal_buf *out, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(3);

/* Phone: digits only. NANP numbers (10 digits, or 11 with a leading 1, or
 * +1...) become the 10 digits "3035550123" (area code and exchange must start
 * 2-9); other numbers need a leading '+' or the 011 international prefix and
 * become "+" and their E.164 digits ("+442079460958", 8..15 digits).
 * Separators ( ) - . / and spaces are ignored; letters and extensions are
 * SEAL_INVALID in version 1. */
seal_status seal_phone_std(const char *in, size_t n, seal_buf *out, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(3);

/* Person or business name: valid UTF-8; Latin letters with diacritics folded
 * to ASCII (É→E, ß→SS, Æ→AE); upper-cased; apostrophes and periods removed
 * (O'Brien→OBRIEN); other punctuation and whitespace collapsed to single
 * spaces; trimmed. Letters of other scripts are kept as they are. Word
 * order is not changed ("Smith, John" stays SMITH JOHN). */
seal_status seal_name_std(const char *in, size_t n, seal_buf *out, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(3);

/* Account id: trimmed, upper-cased; 1..64 bytes of A-Z 0-9 - _ . / : */
seal_status seal_account_id_std(const char *in, size_t n, seal_buf *out,
                                seal_error *err) SEAL_MUST_USE SEAL_NONNULL(3);

/* Tracking number: trimmed, spaces removed, upper-cased; 8..40 bytes of
 * A-Z 0-9 ("9400 1000 0000 0000 0000 00" = "9400100000000000000000"). */
seal_status seal_tracking_std(const char *in, size_t n, seal_buf *out,
                              seal_error *err) SEAL_MUST_USE SEAL_NONNULL(3);

#endif
