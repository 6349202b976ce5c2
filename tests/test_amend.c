/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the amendment deadlines' working-day arithmetic
 * (sealed/amend.h; 5 U.S.C. 552a(d)(2), 6103): every federal holiday of
 * 2026 and 2027 with its observed date, the Saturday/Sunday shifts
 * (including 1 January 2028, a Saturday, observed on 31 December 2027), the
 * 10- and 30-working-day deadlines across Thanksgiving and Christmas 2026,
 * and the count of working days left, negative once a deadline passed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sealed/amend.h"
#include "sealed/time.h"

static int64_t D(int y, unsigned m, unsigned d)
{
    return seal_days_from_civil(y, m, d);
}

static void holidays(void **state)
{
    (void) state;
    static const int h[][3] = {
        /* 2026 as observed */
        {2026, 1, 1},
        {2026, 1, 19},
        {2026, 2, 16},
        {2026, 5, 25},
        {2026, 6, 19},
        {2026, 7, 3}, /* 4 July is a Saturday */
        {2026, 9, 7},
        {2026, 10, 12},
        {2026, 11, 11},
        {2026, 11, 26},
        {2026, 12, 25},
        /* 2027 */
        {2027, 1, 1},
        {2027, 1, 18},
        {2027, 2, 15},
        {2027, 5, 31},
        {2027, 6, 18}, /* 19 June is a Saturday */
        {2027, 7, 5},  /* 4 July is a Sunday */
        {2027, 9, 6},
        {2027, 10, 11},
        {2027, 11, 11},
        {2027, 11, 25},
        {2027, 12, 24}, /* 25 December is a Saturday */
        {2027, 12, 31}, /* 1 January 2028 is a Saturday */
    };
    int64_t n = 0;
    for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
        assert_true(seal_federal_holiday(D(h[i][0], (unsigned) h[i][1], (unsigned) h[i][2])));
    }
    /* exactly 11 a year, nothing else */
    for (int64_t d = D(2026, 1, 1); d <= D(2026, 12, 31); d++) {
        n += seal_federal_holiday(d);
    }
    assert_int_equal(n, 11);
    n = 0;
    for (int64_t d = D(2027, 1, 1); d <= D(2027, 12, 31); d++) {
        n += seal_federal_holiday(d);
    }
    assert_int_equal(n, 12); /* 2027 also observes 1 January 2028 */
    assert_false(seal_federal_holiday(D(2026, 7, 4)));
    assert_false(seal_federal_holiday(D(2028, 1, 1)));
    assert_false(seal_federal_holiday(D(2026, 11, 27)));
    assert_false(seal_federal_holiday(D(2020, 6, 19))); /* Juneteenth from 2021 */
    assert_true(seal_federal_holiday(D(2021, 6, 18)));
}

static void working_days(void **state)
{
    (void) state;
    assert_false(seal_working_day(D(2026, 11, 28))); /* Saturday */
    assert_false(seal_working_day(D(2026, 11, 29))); /* Sunday */
    assert_false(seal_working_day(D(2026, 11, 26))); /* Thanksgiving */
    assert_true(seal_working_day(D(2026, 11, 27)));
    /* filed Tuesday 24 November 2026: 10 working days skip Thanksgiving */
    assert_int_equal(seal_working_days_add(D(2026, 11, 24), 10), D(2026, 12, 9));
    /* filed Wednesday 16 December 2026: skips 25 December and 1 January */
    assert_int_equal(seal_working_days_add(D(2026, 12, 16), 10), D(2026, 12, 31));
    assert_int_equal(seal_working_days_add(D(2026, 12, 17), 10), D(2027, 1, 4));
    /* 30 working days from 10 December 2026: Christmas, New Year, King Day */
    assert_int_equal(seal_working_days_add(D(2026, 12, 10), 30), D(2027, 1, 26));
    /* filed on a Saturday: the first working day is Monday */
    assert_int_equal(seal_working_days_add(D(2026, 11, 28), 1), D(2026, 11, 30));
    assert_int_equal(seal_working_days_add(D(2026, 11, 28), 0), D(2026, 11, 28));
    /* days left */
    assert_int_equal(seal_working_days_between(D(2026, 11, 24), D(2026, 12, 9)), 10);
    assert_int_equal(seal_working_days_between(D(2026, 12, 9), D(2026, 12, 9)), 0);
    assert_int_equal(seal_working_days_between(D(2026, 12, 10), D(2026, 12, 9)), -1);
    assert_int_equal(seal_working_days_between(D(2026, 12, 14), D(2026, 12, 9)), -3);
    assert_int_equal(seal_working_days_between(D(2026, 12, 24), D(2026, 12, 28)), 1);
    /* add and between agree everywhere over two years */
    for (int64_t d = D(2026, 1, 1); d < D(2028, 1, 1); d++) {
        assert_int_equal(seal_working_days_between(d, seal_working_days_add(d, 10)), 10);
        assert_true(seal_working_day(seal_working_days_add(d, 1)));
    }
}

static void state_names(void **state)
{
    (void) state;
    assert_string_equal(seal_amend_state_name(SEAL_AMEND_FILED), "filed");
    assert_string_equal(seal_amend_state_name(SEAL_AMEND_UPHELD), "upheld");
    assert_null(seal_amend_state_name(SEAL_AMEND_STATE_COUNT));
    assert_null(seal_amend_state_name(-1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(holidays),
        cmocka_unit_test(working_days),
        cmocka_unit_test(state_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
