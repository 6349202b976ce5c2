/* SPDX-License-Identifier: Apache-2.0 */
/* Core: statuses, buffers, cursors, hex, time, the allocator hook. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sealed/alloc.h"
#include "sealed/buf.h"
#include "sealed/status.h"
#include "sealed/time.h"

static void test_status_names(void **state)
{
    (void) state;
    assert_int_equal(SEAL_OK, 0);
    assert_string_equal(seal_status_name(SEAL_OK), "OK");
    assert_string_equal(seal_status_name(SEAL_CRYPTO), "CRYPTO");
    assert_string_equal(seal_status_name((seal_status) 9999), "UNKNOWN");
    seal_error e;
    seal_error_init(&e);
    assert_int_equal(seal_error_set(&e, SEAL_INVALID, "line %d", 7), SEAL_INVALID);
    seal_error_prefix(&e, "f.csv");
    assert_string_equal(e.msg, "f.csv: line 7");
}

static void test_cursor_bounds(void **state)
{
    (void) state;
    const uint8_t data[] = {1, 2, 3, 4, 5};
    seal_cursor c;
    seal_cursor_init(&c, data, sizeof(data));
    uint32_t v;
    assert_int_equal(seal_cursor_u32le(&c, &v), SEAL_OK);
    assert_int_equal(v, 0x04030201u);
    assert_int_equal(seal_cursor_u16le(&c, (uint16_t *) &v), SEAL_CORRUPT);
    assert_int_equal(seal_cursor_left(&c), 1);
}

static void test_hex(void **state)
{
    (void) state;
    uint8_t b[3] = {0x00, 0xab, 0xff};
    char h[7];
    seal_hex_encode(h, b, 3);
    assert_string_equal(h, "00abff");
    uint8_t d[3];
    assert_int_equal(seal_hex_decode(d, 3, "00ABff", 6), SEAL_OK);
    assert_memory_equal(b, d, 3);
    assert_int_equal(seal_hex_decode(d, 3, "00abfg", 6), SEAL_INVALID);
    assert_int_equal(seal_hex_decode(d, 3, "00ab", 4), SEAL_INVALID);
}

static void test_time(void **state)
{
    (void) state;
    int64_t t;
    assert_int_equal(seal_time_parse("2026-11-21T00:00:00Z", &t), SEAL_OK);
    assert_int_equal(t, 1795219200);
    char out[32];
    seal_time_format(out, sizeof(out), t + 3661);
    assert_string_equal(out, "2026-11-21T01:01:01Z");
    assert_int_equal(seal_time_parse("2026-11-21T00:00:00.123Z", &t), SEAL_OK);
    assert_int_equal(seal_time_parse("2026-11-21T00:00:00+01:00", &t), SEAL_INVALID);
    assert_int_equal(seal_time_parse("2026-02-29T00:00:00Z", &t), SEAL_INVALID);
    assert_int_equal(seal_date_parse("2024-02-29", &t), SEAL_OK);
    seal_date_format(out, sizeof(out), t);
    assert_string_equal(out, "2024-02-29");
    assert_int_equal(seal_date_parse("2024-13-01", &t), SEAL_INVALID);
    assert_int_equal(seal_date_parse("2024-1-01", &t), SEAL_INVALID);
}

static void test_alloc_fail(void **state)
{
    (void) state;
    seal_buf b;
    seal_buf_init(&b);
    seal_alloc_fail_after(1);
    assert_int_equal(seal_buf_append_str(&b, "x"), SEAL_NOMEM);
    seal_alloc_fail_after(0);
    assert_int_equal(seal_buf_append_str(&b, "x"), SEAL_OK);
    assert_int_equal(seal_buf_printf(&b, "%d-%s", 42, "y"), SEAL_OK);
    assert_string_equal(seal_buf_str(&b), "x42-y");
    seal_buf_cleanup(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_names), cmocka_unit_test(test_cursor_bounds),
        cmocka_unit_test(test_hex),          cmocka_unit_test(test_time),
        cmocka_unit_test(test_alloc_fail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
