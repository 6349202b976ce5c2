/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Working days for the Privacy Act's amendment deadlines (5 U.S.C.
 * 552a(d)(2): "10 days (excluding Saturdays, Sundays, and legal public
 * holidays)"). Legal public holidays are the eleven of 5 U.S.C. 6103(a);
 * one falling on a Saturday is observed on the Friday before, one on a
 * Sunday on the Monday after (Executive Order 11582; OPM's rule), so 1
 * January on a Saturday is observed on 31 December of the year before.
 * Pure integer arithmetic on days since 1970-01-01.
 */
#include "sealed/amend.h"
#include "sealed/time.h"

/* 0 Sunday .. 6 Saturday; 1970-01-01 was a Thursday */
static int weekday(int64_t day)
{
    int64_t w = (day + 4) % 7;
    return (int) (w < 0 ? w + 7 : w);
}

/* The year of a day (Howard Hinnant's civil_from_days). */
static int64_t year_of(int64_t day)
{
    int64_t z = day + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    return yoe + era * 400 + (m <= 2);
}

/* The n-th (1-based) weekday wd of month m of year y. */
static int64_t nth(int64_t y, unsigned m, int wd, int n)
{
    int64_t d0 = seal_days_from_civil(y, m, 1);
    return d0 + (wd - weekday(d0) + 7) % 7 + 7 * (n - 1);
}

static int64_t last_monday_may(int64_t y)
{
    int64_t d = seal_days_from_civil(y, 5, 31);
    return d - (weekday(d) - 1 + 7) % 7;
}

static int64_t observed(int64_t y, unsigned m, unsigned d)
{
    int64_t day = seal_days_from_civil(y, m, d);
    int w = weekday(day);
    return w == 6 ? day - 1 : w == 0 ? day + 1 : day;
}

static bool holiday_of_year(int64_t y, int64_t day)
{
    int64_t h[11];
    int n = 0;
    h[n++] = observed(y, 1, 1);
    h[n++] = nth(y, 1, 1, 3); /* Birthday of Martin Luther King, Jr. */
    h[n++] = nth(y, 2, 1, 3); /* Washington's Birthday */
    h[n++] = last_monday_may(y);
    if (y >= 2021) {
        h[n++] = observed(y, 6, 19); /* Juneteenth National Independence Day */
    }
    h[n++] = observed(y, 7, 4);
    h[n++] = nth(y, 9, 1, 1);  /* Labor Day */
    h[n++] = nth(y, 10, 1, 2); /* Columbus Day */
    h[n++] = observed(y, 11, 11);
    h[n++] = nth(y, 11, 4, 4); /* Thanksgiving Day */
    h[n++] = observed(y, 12, 25);
    for (int i = 0; i < n; i++) {
        if (h[i] == day) {
            return true;
        }
    }
    return false;
}

bool seal_federal_holiday(int64_t day)
{
    int64_t y = year_of(day);
    /* the next year's New Year's Day may be observed on 31 December */
    return holiday_of_year(y, day) || observed(y + 1, 1, 1) == day;
}

bool seal_working_day(int64_t day)
{
    int w = weekday(day);
    return w != 0 && w != 6 && !seal_federal_holiday(day);
}

int64_t seal_working_days_add(int64_t day, int64_t n)
{
    while (n > 0) {
        day++;
        if (seal_working_day(day)) {
            n--;
        }
    }
    return day;
}

int64_t seal_working_days_between(int64_t from, int64_t to)
{
    int64_t n = 0;
    if (to >= from) {
        for (int64_t d = from + 1; d <= to; d++) {
            n += seal_working_day(d);
        }
        return n;
    }
    for (int64_t d = to + 1; d <= from; d++) {
        n += seal_working_day(d);
    }
    return -n;
}
