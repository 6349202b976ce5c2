/* SPDX-License-Identifier: Apache-2.0 */
/* RFC 3339 (UTC) and ISO 8601 calendar dates, without the C library's
 * locale- and timezone-dependent calls. */
#include "sealed/time.h"

#include <stdio.h>
#include <string.h>

/* Days from civil: Howard Hinnant's well-known algorithm (public domain
 * description), restated. */
int64_t seal_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t mp = (m + 9) % 12;
    const int64_t doy = (153 * mp + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    *d = (unsigned) (doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned) (mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

int64_t seal_time_day(int64_t t)
{
    return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

static int digits(const char *s, size_t n, unsigned *out)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        v = v * 10 + (unsigned) (s[i] - '0');
    }
    *out = v;
    return 0;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
    static const unsigned dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) {
        return 29;
    }
    return dm[m - 1];
}

static seal_status parse_date_part(const char *s, int64_t *days)
{
    unsigned y, m, d;
    if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &m) || s[7] != '-' ||
        digits(s + 8, 2, &d)) {
        return SEAL_INVALID;
    }
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) {
        return SEAL_INVALID;
    }
    *days = seal_days_from_civil(y, m, d);
    return SEAL_OK;
}

seal_status seal_date_parse_n(const char *s, size_t n, int64_t *out)
{
    int64_t days;
    if (n != 10 || parse_date_part(s, &days) != SEAL_OK) {
        return SEAL_INVALID;
    }
    *out = days * 86400;
    return SEAL_OK;
}

seal_status seal_date_parse(const char *s, int64_t *out)
{
    return seal_date_parse_n(s, strlen(s), out);
}

seal_status seal_time_parse_n(const char *s, size_t n, int64_t *out)
{
    int64_t days;
    unsigned hh, mm, ss;
    if (n < 20 || parse_date_part(s, &days) != SEAL_OK || s[10] != 'T' || digits(s + 11, 2, &hh) ||
        s[13] != ':' || digits(s + 14, 2, &mm) || s[16] != ':' || digits(s + 17, 2, &ss) ||
        hh > 23 || mm > 59 || ss > 59) {
        return SEAL_INVALID;
    }
    size_t i = 19;
    if (s[i] == '.') {
        size_t start = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            i++;
        }
        if (i == start || i - start > 9) {
            return SEAL_INVALID;
        }
    }
    if (i + 1 != n || s[i] != 'Z') {
        return SEAL_INVALID;
    }
    *out = days * 86400 + hh * 3600 + mm * 60 + ss;
    return SEAL_OK;
}

seal_status seal_time_parse(const char *s, int64_t *out)
{
    return seal_time_parse_n(s, strlen(s), out);
}

void seal_time_format(char *out, size_t n, int64_t t)
{
    int64_t day = seal_time_day(t);
    int64_t rem = t - day * 86400;
    int64_t y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    snprintf(out, n, "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long) y, m, d,
             (unsigned) (rem / 3600), (unsigned) (rem / 60 % 60), (unsigned) (rem % 60));
}

void seal_date_format(char *out, size_t n, int64_t t)
{
    int64_t y;
    unsigned m, d;
    civil_from_days(seal_time_day(t), &y, &m, &d);
    snprintf(out, n, "%04lld-%02u-%02u", (long long) y, m, d);
}
