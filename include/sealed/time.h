/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Dates and times as sealed writes them: dates YYYY-MM-DD, times RFC 3339 in
 * UTC ("2026-11-21T00:00:00Z", optional fraction of a second). Times are unix
 * seconds (int64); days are days since 1970-01-01. Pure functions, thread-safe.
 */
#ifndef SEALED_TIME_H
#define SEALED_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "sealed/status.h"

/* RFC 3339 with 'Z' only (UTC). Years 1900..9999. */
seal_status seal_time_parse(const char *s, int64_t *out) SEAL_MUST_USE;
seal_status seal_time_parse_n(const char *s, size_t n, int64_t *out) SEAL_MUST_USE;
/* YYYY-MM-DD, a real calendar date; *out is midnight UTC of that day. */
seal_status seal_date_parse(const char *s, int64_t *out) SEAL_MUST_USE;
seal_status seal_date_parse_n(const char *s, size_t n, int64_t *out) SEAL_MUST_USE;
/* "YYYY-MM-DDTHH:MM:SSZ" into out (at least 21 bytes). */
void seal_time_format(char *out, size_t n, int64_t t);
/* "YYYY-MM-DD" into out (at least 11 bytes). */
void seal_date_format(char *out, size_t n, int64_t t);
/* Days since the epoch of civil date y-m-d (proleptic Gregorian). */
int64_t seal_days_from_civil(int64_t y, unsigned m, unsigned d);
/* Floor division of t by 86400. */
int64_t seal_time_day(int64_t t);

#endif
