/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Group commit through one registry handle (the daemon's, issue 7):
 * seal_registry_act_as switches the acting principal and clock;
 * seal_registry_batch_begin / _commit run many operations in one registry
 * transaction and one ledger commit; an operation refused inside a batch
 * undoes only itself; seal_registry_batch_abort keeps nothing; nothing of an
 * open batch is visible to another connection, nor in the ledger on disk,
 * before the commit. Synthetic data only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sealed/ledger.h"
#include "sealed/registry.h"
#include "sealed/store.h"
#include "sealed/time.h"
#include "testutil.h"

static const char doc[] =
    "{\"agency\": \"quellford-pd\", \"official\": \"Det. O. Vasquiel, Narcotics\","
    " \"legal_basis\": {\"type\": \"subpoena\", \"reference\": \"GJ-2026-118\","
    "  \"issued_by\": \"Grand Jury, District of Examplia\","
    "  \"issued_at\": \"2026-11-21T00:00:00Z\", \"expires_at\": \"2027-02-19T00:00:00Z\","
    "  \"facts\": \"The subject received 14 parcels at this address between March and June that "
    "were later found to contain fentanyl.\"},"
    " \"purpose\": {\"activity\": \"criminal_investigation\", \"offense\": \"21 USC 841\"},"
    " \"subjects\": [{\"type\": \"person\", \"name\": \"Ima Drovenko\","
    "  \"address\": \"221 S Tamber St Apt 2, Quellford MN 55001\"}],"
    " \"categories\": [\"identity\", \"contact\"],"
    " \"window\": {\"from\": \"2026-01-01\", \"to\": \"2026-10-31\"}}";

static int64_t now;
static char dir[1024], ldir[1100];

#define R(x) (1u << SEAL_ROLE_##x)

static void setup_dir(void)
{
    static int k;
    snprintf(dir, sizeof(dir), "%s/batch-%d", tu_tmpdir(), k++);
    snprintf(ldir, sizeof(ldir), "%s/ledger", dir);
    seal_error err;
    /* a test clock from 2026-01-01: the cases give their times */
    assert_int_equal(seal_store_create_clock(dir, true, 1767225600, &err), SEAL_OK);
    assert_int_equal(seal_time_parse("2026-11-24T00:00:00Z", &now), SEAL_OK);
    seal_registry *reg = NULL;
    assert_int_equal(seal_registry_open(dir, NULL, now, &reg, &err), SEAL_OK);
    assert_int_equal(seal_agency_add(reg, "usps-pis", "HQ", SEAL_AGENCY_FEDERAL,
                                     SEAL_AGENCY_INSPECTION_SERVICE, &err),
                     SEAL_OK);
    assert_int_equal(seal_agency_add(reg, "quellford-pd", "PD", SEAL_AGENCY_LOCAL, 0, &err),
                     SEAL_OK);
    assert_int_equal(
        seal_principal_add(reg, "det1", "quellford-pd", R(REQUESTER), 0, INT64_MAX, &err), SEAL_OK);
    assert_int_equal(seal_principal_add(reg, "rev1", "usps-pis", R(REVIEWER), 0, INT64_MAX, &err),
                     SEAL_OK);
    seal_registry_close(reg);
}

static uint64_t ledger_size_on_disk(void)
{
    seal_ledger *l = NULL;
    seal_error err;
    assert_int_equal(seal_ledger_open(ldir, NULL, &l, &err), SEAL_OK);
    uint64_t n = seal_ledger_size(l);
    seal_ledger_close(l);
    return n;
}

static void submit(seal_registry *reg, char id[SEAL_ID_SIZE])
{
    seal_error err;
    seal_decision d;
    seal_submit_options opt = {0};
    assert_int_equal(seal_request_submit(reg, doc, strlen(doc), &opt, id, &d, &err), SEAL_OK);
}

/* SEAL_OK when another connection (a fresh handle) finds the request. */
static seal_status visible(const char *id)
{
    seal_registry *other = NULL;
    seal_error err;
    assert_int_equal(seal_registry_open(dir, "rev1", now, &other, &err), SEAL_OK);
    seal_buf out;
    seal_buf_init(&out);
    seal_status s = seal_request_show(other, id, false, &out, &err);
    seal_buf_cleanup(&out);
    seal_registry_close(other);
    return s;
}

static void test_act_as(void **state)
{
    (void) state;
    setup_dir();
    seal_registry *reg = NULL;
    seal_error err;
    assert_int_equal(seal_registry_open(dir, NULL, now, &reg, &err), SEAL_OK);
    assert_int_equal(seal_registry_roles(reg), 0);
    assert_int_equal(seal_registry_act_as(reg, "det1", now, &err), SEAL_OK);
    assert_int_equal(seal_registry_roles(reg), R(REQUESTER));
    assert_int_equal(seal_registry_act_as(reg, "rev1", now, &err), SEAL_OK);
    assert_int_equal(seal_registry_roles(reg), R(REVIEWER));
    /* an unknown principal: refused, and reg then acts as nobody */
    assert_int_equal(seal_registry_act_as(reg, "ghost", now, &err), SEAL_PERM);
    assert_string_equal(err.msg, "principal ghost is not registered");
    assert_int_equal(seal_registry_roles(reg), 0);
    assert_int_equal(seal_registry_act_as(reg, "bad id!", now, &err), SEAL_PERM);
    char id[SEAL_ID_SIZE];
    seal_decision d;
    seal_submit_options opt = {0};
    assert_int_equal(seal_request_submit(reg, doc, strlen(doc), &opt, id, &d, &err), SEAL_PERM);
    assert_int_equal(seal_registry_act_as(reg, NULL, now, &err), SEAL_OK);
    assert_int_equal(seal_registry_roles(reg), 0);
    seal_registry_close(reg);
}

static void test_batch_commit(void **state)
{
    (void) state;
    setup_dir();
    seal_error err;
    seal_registry *reg = NULL;
    seal_ledger *led = NULL;
    assert_int_equal(seal_registry_open(dir, NULL, now, &reg, &err), SEAL_OK);
    uint64_t before = ledger_size_on_disk();
    assert_int_equal(seal_ledger_open(ldir, NULL, &led, &err), SEAL_OK);
    assert_int_equal(seal_registry_batch_begin(reg, led, &err), SEAL_OK);
    assert_int_equal(seal_registry_batch_begin(reg, led, &err), SEAL_USAGE);
    assert_int_equal(seal_registry_batch_changes(reg), 0);
    char a[SEAL_ID_SIZE], b[SEAL_ID_SIZE];
    assert_int_equal(seal_registry_act_as(reg, "det1", now, &err), SEAL_OK);
    submit(reg, a);
    assert_int_equal(seal_registry_batch_changes(reg), 1);
    /* refused inside the batch (a requester reviewing): undoes only itself */
    seal_request_state st;
    assert_int_not_equal(seal_request_review(reg, a, true, &st, &err), SEAL_OK);
    assert_int_equal(seal_registry_act_as(reg, "rev1", now, &err), SEAL_OK);
    assert_int_equal(seal_request_review(reg, "R-999999", true, &st, &err), SEAL_NOTFOUND);
    assert_int_equal(seal_registry_act_as(reg, "det1", now, &err), SEAL_OK);
    submit(reg, b);
    assert_string_not_equal(a, b);
    assert_int_equal(seal_registry_batch_changes(reg), 2);
    /* this handle sees its own batch; nobody else, nor the ledger on disk */
    seal_buf out;
    seal_buf_init(&out);
    assert_int_equal(seal_request_show(reg, b, false, &out, &err), SEAL_OK);
    seal_buf_cleanup(&out);
    assert_int_equal(seal_ledger_size(led), before);
    assert_int_equal(seal_registry_batch_commit(reg, &err), SEAL_OK);
    assert_int_equal(seal_registry_batch_changes(reg), 0);
    assert_int_equal(seal_registry_batch_commit(reg, &err), SEAL_USAGE);
    uint64_t after = seal_ledger_size(led);
    assert_true(after >= before + 4); /* submitted + decided, twice */
    seal_ledger_close(led);
    assert_int_equal(visible(a), SEAL_OK);
    assert_int_equal(visible(b), SEAL_OK);
    /* the checkpoint on disk covers the batch, and the ledger reopens */
    assert_int_equal(ledger_size_on_disk(), after);
    char path[1200];
    snprintf(path, sizeof(path), "%s/checkpoint", ldir);
    char *text = tu_read_file(path, NULL);
    assert_non_null(text);
    char want[32];
    snprintf(want, sizeof(want), "\n%llu\n", (unsigned long long) after);
    assert_non_null(strstr(text, want));
    free(text);
    /* outside a batch the handle commits as before, one operation at a time */
    char c[SEAL_ID_SIZE];
    submit(reg, c);
    assert_int_equal(visible(c), SEAL_OK);
    assert_true(ledger_size_on_disk() > after);
    seal_registry_close(reg);
}

static void test_batch_abort(void **state)
{
    (void) state;
    setup_dir();
    seal_error err;
    seal_registry *reg = NULL;
    seal_ledger *led = NULL;
    assert_int_equal(seal_registry_open(dir, "det1", now, &reg, &err), SEAL_OK);
    uint64_t before = ledger_size_on_disk();
    assert_int_equal(seal_ledger_open(ldir, NULL, &led, &err), SEAL_OK);
    assert_int_equal(seal_registry_batch_begin(reg, led, &err), SEAL_OK);
    char a[SEAL_ID_SIZE];
    submit(reg, a);
    seal_registry_batch_abort(reg);
    seal_registry_batch_abort(reg); /* twice: a no-op */
    seal_ledger_close(led);         /* drops what it staged */
    assert_int_equal(visible(a), SEAL_NOTFOUND);
    assert_int_equal(ledger_size_on_disk(), before);
    /* a batch with nothing changed commits nothing */
    assert_int_equal(seal_ledger_open(ldir, NULL, &led, &err), SEAL_OK);
    assert_int_equal(seal_registry_batch_begin(reg, led, &err), SEAL_OK);
    assert_int_equal(seal_registry_batch_commit(reg, &err), SEAL_OK);
    seal_ledger_close(led);
    assert_int_equal(ledger_size_on_disk(), before);
    /* the id is free again: nothing of the aborted batch was kept */
    char b[SEAL_ID_SIZE];
    submit(reg, b);
    assert_string_equal(a, b);
    seal_registry_close(reg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_act_as),
        cmocka_unit_test(test_batch_commit),
        cmocka_unit_test(test_batch_abort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
