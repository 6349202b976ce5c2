/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Identifier standardisers: email, phone, name, account id, tracking
 * number. Exact standard forms, equivalences, each bad-input class (with a
 * message that does not quote the input), and allocation failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sealed/alloc.h"
#include "sealed/ident.h"

typedef seal_status (*std_fn)(const char *, size_t, seal_buf *, seal_error *);

typedef struct {
    std_fn fn;
    const char *in;
    const char *want; /* NULL: SEAL_INVALID expected */
    const char *msg;  /* substring of the error message */
} ident_case;

static const ident_case cases[] = {
    /* email */
    {seal_email_std, "  Maria.Example@Example.COM \n", "maria.example@example.com", NULL},
    {seal_email_std, "a+tag@sub.example.org", "a+tag@sub.example.org", NULL},
    {seal_email_std, "O'Neil_x-1@mail-host.example.co.uk", "o'neil_x-1@mail-host.example.co.uk",
     NULL},
    {seal_email_std, "", NULL, "empty"},
    {seal_email_std, "   ", NULL, "empty"},
    {seal_email_std, "no-at.example.com", NULL, "no '@'"},
    {seal_email_std, "a@b@example.com", NULL, "more than one '@'"},
    {seal_email_std, "@example.com", NULL, "local part"},
    {seal_email_std, "maria@", NULL, "domain"},
    {seal_email_std, ".maria@example.com", NULL, "dot"},
    {seal_email_std, "ma..ria@example.com", NULL, "dot"},
    {seal_email_std, "maria.@example.com", NULL, "dot"},
    {seal_email_std, "ma ria@example.com", NULL, "local part"},
    {seal_email_std, "maria@localhost", NULL, "two labels"},
    {seal_email_std, "maria@example..com", NULL, "label"},
    {seal_email_std, "maria@-example.com", NULL, "'-'"},
    {seal_email_std, "maria@example.123", NULL, "all digits"},
    {seal_email_std, "maria@exa_mple.com", NULL, "domain"},
    {seal_email_std,
     "mar\xc3\xad"
     "a@example.com",
     NULL, "non-ASCII"},
    /* phone */
    {seal_phone_std, "(303) 555-0123", "3035550123", NULL},
    {seal_phone_std, "303.555.0123", "3035550123", NULL},
    {seal_phone_std, "1-303-555-0123", "3035550123", NULL},
    {seal_phone_std, "+1 303 555 0123", "3035550123", NULL},
    {seal_phone_std, "011 1 303 555 0123", "3035550123", NULL},
    {seal_phone_std, "+44 20 7946 0958", "+442079460958", NULL},
    {seal_phone_std, "011 44 20 7946 0958", "+442079460958", NULL},
    {seal_phone_std, "+49 (30) 1234-5678", "+493012345678", NULL},
    {seal_phone_std, "555-0123", NULL, "10-digit"},
    {seal_phone_std, "(103) 555-0123", NULL, "2-9"},
    {seal_phone_std, "(303) 155-0123", NULL, "2-9"},
    {seal_phone_std, "+1 303 555 012", NULL, "10 digits"},
    {seal_phone_std, "+44 123", NULL, "8 to 15"},
    {seal_phone_std, "+0 20 7946 0958", NULL, "country code"},
    {seal_phone_std, "303-555-0123 x12", NULL, "extensions"},
    {seal_phone_std, "303+555", NULL, "'+'"},
    {seal_phone_std, "303*5550123", NULL, "not allowed"},
    {seal_phone_std, "1234567890123456789012345678901234", NULL, "too many digits"},
    /* name */
    {seal_name_std, "  Maria   Example ", "MARIA EXAMPLE", NULL},
    {seal_name_std, "maría  JOSÉ   Núñez", "MARIA JOSE NUNEZ", NULL},
    {seal_name_std, "Seán O'Brien", "SEAN OBRIEN", NULL},
    {seal_name_std,
     "Seán O\xe2\x80\x99"
     "Brien",
     "SEAN OBRIEN", NULL},
    {seal_name_std, "Mary-Jane Smith-Jones", "MARY JANE SMITH JONES", NULL},
    {seal_name_std, "Smith, John Q.", "SMITH JOHN Q", NULL},
    {seal_name_std, "Jürgen Straße", "JURGEN STRASSE", NULL},
    {seal_name_std, "Æsa Øberg Łukasz Ğül", "AESA OBERG LUKASZ GUL", NULL},
    {seal_name_std, "Dr. Martin Luther King, Jr.", "DR MARTIN LUTHER KING JR", NULL},
    {seal_name_std, "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd  Petrov",
     "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd PETROV", NULL},
    {seal_name_std,
     "Maria\xc2\xa0"
     "Example",
     "MARIA EXAMPLE", NULL},
    {seal_name_std, "  ", NULL, "empty"},
    {seal_name_std, "...--", NULL, "no letters"},
    {seal_name_std, "Maria \xff", NULL, "UTF-8"},
    {seal_name_std, "Maria \xc0\x80", NULL, "UTF-8"},
    {seal_name_std, "Maria \xed\xa0\x80", NULL, "UTF-8"},
    {seal_name_std, "Maria\x01", NULL, "control"},
    /* account id */
    {seal_account_id_std, "  acct-00123 ", "ACCT-00123", NULL},
    {seal_account_id_std, "org:unit/42_a.b", "ORG:UNIT/42_A.B", NULL},
    {seal_account_id_std, "acct 123", NULL, "not allowed"},
    {seal_account_id_std, "", NULL, "empty"},
    {seal_account_id_std, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL,
     "64"},
    /* tracking number */
    {seal_tracking_std, "9400 1000 0000 0000 0000 00", "9400100000000000000000", NULL},
    {seal_tracking_std, " ea123456789us ", "EA123456789US", NULL},
    {seal_tracking_std, "9400-1000", NULL, "not allowed"},
    {seal_tracking_std, "1234567", NULL, "shorter than 8"},
    {seal_tracking_std, "12345678901234567890123456789012345678901", NULL, "longer than 40"},
};

static void test_cases(void **state)
{
    (void) state;
    seal_buf out;
    seal_buf_init(&out);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const ident_case *c = &cases[i];
        seal_error err;
        seal_error_init(&err);
        seal_status st = c->fn(c->in, strlen(c->in), &out, &err);
        bool ok;
        if (c->want != NULL) {
            ok = st == SEAL_OK && strcmp(seal_buf_str(&out), c->want) == 0;
        } else {
            ok = st == SEAL_INVALID && out.len == 0 && strstr(err.msg, c->msg) != NULL &&
                 (strlen(c->in) < 6 || strstr(err.msg, c->in) == NULL);
        }
        if (!ok) {
            print_error("case %zu: status %s, out '%s', msg '%s'\n", i, seal_status_name(st),
                        seal_buf_str(&out), err.msg);
            fail();
        }
    }
    seal_buf_cleanup(&out);
}

static void test_limits(void **state)
{
    (void) state;
    seal_buf out;
    seal_buf_init(&out);
    char big[SEAL_IDENT_MAX_INPUT + 1];
    memset(big, 'a', sizeof(big));
    seal_error err;
    assert_int_equal(seal_name_std(big, sizeof(big), &out, &err), SEAL_INVALID);
    assert_non_null(strstr(err.msg, "longer than"));
    assert_int_equal(seal_email_std(NULL, 0, &out, NULL), SEAL_INVALID);
    /* only n bytes are read */
    assert_int_equal(seal_tracking_std("EA123456789USXYZ", 13, &out, NULL), SEAL_OK);
    assert_string_equal(seal_buf_str(&out), "EA123456789US");
    /* idempotent */
    assert_int_equal(seal_name_std("José Núñez", strlen("José Núñez"), &out, NULL), SEAL_OK);
    seal_buf again;
    seal_buf_init(&again);
    assert_int_equal(seal_name_std((const char *) out.data, out.len, &again, NULL), SEAL_OK);
    assert_string_equal(seal_buf_str(&out), seal_buf_str(&again));
    seal_buf_cleanup(&again);
    seal_buf_cleanup(&out);
}

static void test_alloc_fail(void **state)
{
    (void) state;
    std_fn fns[] = {seal_email_std, seal_phone_std, seal_name_std, seal_account_id_std,
                    seal_tracking_std};
    const char *ins[] = {"a@example.com", "3035550123", "Maria", "A1", "EA123456789US"};
    for (size_t i = 0; i < 5; i++) {
        seal_buf out;
        seal_buf_init(&out);
        seal_error err;
        seal_alloc_fail_after(1);
        seal_status st = fns[i](ins[i], strlen(ins[i]), &out, &err);
        seal_alloc_fail_after(0);
        assert_int_equal(st, SEAL_NOMEM);
        assert_int_equal(out.len, 0);
        seal_buf_cleanup(&out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_alloc_fail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
