/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The store's retention additions (include/sealed/store.h "retention"):
 * IP truncation read back, deletion with index rows, a subject left with
 * nothing losing its key, preservation holds, the policy's cover_piece
 * period, dry runs, a sweep resumed from its persisted cursor, MC-10 cover
 * destruction, and failure of the Nth allocation. All data is synthetic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sealed/alloc.h"
#include "sealed/store.h"
#include "sealed/time.h"
#include "testutil.h"

static char dir[1024];

typedef struct found {
    int n;
    char lines[16][512];
} found;

static seal_status collect(const seal_record *rec, int64_t id, void *ud)
{
    (void) id;
    found *f = ud;
    if (f->n < 16) {
        char *p = f->lines[f->n];
        size_t left = sizeof(f->lines[0]);
        int w = snprintf(p, left, "%s", rec->kind->name);
        for (size_t i = 0; i < rec->kind->nfields && w > 0 && (size_t) w < left; i++) {
            if (rec->v[i] != NULL) {
                w += snprintf(p + w, left - (size_t) w, " %s=%.*s", rec->kind->fields[i].name,
                              (int) rec->n[i], rec->v[i]);
            }
        }
    }
    f->n++;
    return SEAL_OK;
}

static found lookup(seal_store *st, seal_index_type t, const char *v)
{
    found f;
    memset(&f, 0, sizeof(f));
    seal_error err;
    seal_error_init(&err);
    if (seal_store_lookup(st, t, v, strlen(v), collect, &f, &err) != SEAL_OK) {
        fail_msg("lookup: %s", err.msg);
    }
    return f;
}

static int64_t day(const char *date)
{
    int64_t t;
    assert_int_equal(seal_date_parse(date, &t), SEAL_OK);
    return seal_time_day(t);
}

static void visit(seal_store *st, const char *id, const char *account, const char *at,
                  const char *ip)
{
    char a[64], b[64], c[64], d[64];
    snprintf(a, sizeof(a), "visit_id=%s", id);
    snprintf(b, sizeof(b), "account_id=%s", account);
    snprintf(c, sizeof(c), "at=%s", at);
    snprintf(d, sizeof(d), "ip=%s", ip);
    seal_record r = tu_make_record(st, "web_visit", a, b, c, d, "page=/track", NULL);
    tu_put(st, &r);
}

static void account(seal_store *st, const char *id)
{
    char a[64];
    snprintf(a, sizeof(a), "account_id=%s", id);
    seal_record r =
        tu_make_record(st, "account", a, "name=Orlen Vasquiel", "opened_at=2025-02-03T04:05:06Z",
                       "mailing_address=221 S Tamber St Apt 2, Quellford MN 55001", NULL);
    tu_put(st, &r);
}

static seal_sweep new_sweep(const char *date)
{
    seal_sweep sw;
    memset(&sw, 0, sizeof(sw));
    sw.today = day(date);
    memcpy(sw.id, "0123456789abcdef", 17);
    return sw;
}

static void run_all(seal_store *st, seal_sweep *sw, const seal_sweep_options *o)
{
    seal_error err;
    seal_error_init(&err);
    for (int i = 0; !sw->done; i++) {
        if (seal_store_sweep_step(st, sw, o, &err) != SEAL_OK) {
            fail_msg("sweep: %s", err.msg);
        }
        assert_true(i < 1000);
    }
}

static int web_visit_id(seal_store *st)
{
    return seal_catalogue_kind(seal_store_catalogue(st), "web_visit")->id;
}

/* A visit 31 days old is truncated (/24, /48), one 91 days old deleted. */
static void test_truncate_and_delete(void **state)
{
    (void) state;
    seal_store *st = tu_fresh_store("retain", dir, sizeof(dir));
    account(st, "AC-1");
    visit(st, "WV-1", "AC-1", "2026-10-01T10:00:00Z", "198.51.100.77");
    visit(st, "WV-2", "AC-1", "2026-10-01T11:00:00Z", "2001:db8:85a3:8d3:1319:8a2e:370:7348");
    visit(st, "WV-3", "AC-1", "2026-08-01T10:00:00Z", "203.0.113.9");
    visit(st, "WV-4", "AC-1", "2026-11-20T10:00:00Z", "203.0.113.10");
    seal_sweep sw = new_sweep("2026-11-01");
    seal_sweep_options o = {.batch = 2};
    run_all(st, &sw, &o);
    assert_int_equal(sw.n.truncated, 2);
    assert_int_equal(sw.n.deleted[web_visit_id(st)], 1);
    assert_int_equal(sw.n.keys_shredded, 0);
    found f = lookup(st, SEAL_IDX_ACCOUNT, "AC-1");
    assert_int_equal(f.n, 4);
    assert_non_null(strstr(f.lines[1], "visit_id=WV-1 account_id=AC-1 at=2026-10-01T10:00:00Z "
                                       "ip=198.51.100.0 "));
    assert_non_null(strstr(f.lines[2], "visit_id=WV-2 account_id=AC-1 at=2026-10-01T11:00:00Z "
                                       "ip=2001:db8:85a3:: "));
    assert_non_null(strstr(f.lines[3], "ip=203.0.113.10 "));
    /* re-ingesting the original does not restore the address */
    seal_record r =
        tu_make_record(st, "web_visit", "visit_id=WV-1", "account_id=AC-1",
                       "at=2026-10-01T10:00:00Z", "ip=198.51.100.77", "page=/track", NULL);
    assert_int_equal(tu_put(st, &r), SEAL_PUT_UNCHANGED);
    f = lookup(st, SEAL_IDX_ACCOUNT, "AC-1");
    assert_non_null(strstr(f.lines[1], "ip=198.51.100.0 "));
    /* a second sweep finds nothing */
    seal_sweep again = new_sweep("2026-11-01");
    run_all(st, &again, &o);
    assert_int_equal(again.n.truncated, 0);
    assert_int_equal(again.n.deleted[web_visit_id(st)], 0);
    seal_store_close(st);
}

/* A subject whose last record goes loses its key; others keep theirs. */
static void test_shred_when_empty(void **state)
{
    (void) state;
    seal_store *st = tu_fresh_store("retain", dir, sizeof(dir));
    account(st, "AC-2");
    visit(st, "WV-5", "AC-2", "2026-01-01T10:00:00Z", "198.51.100.1");
    visit(st, "WV-6", "AC-3", "2026-01-01T10:00:00Z", "198.51.100.2");
    visit(st, "WV-7", "AC-3", "2026-01-02T10:00:00Z", "198.51.100.3");
    seal_error err;
    seal_error_init(&err);
    seal_sweep dry = new_sweep("2026-11-01");
    seal_sweep_options od = {.batch = 1, .dry_run = true};
    run_all(st, &dry, &od);
    assert_int_equal(dry.n.deleted[web_visit_id(st)], 3);
    assert_int_equal(dry.n.keys_shredded, 1);
    assert_int_equal(lookup(st, SEAL_IDX_ACCOUNT, "AC-3").n, 2); /* dry: nothing written */
    seal_sweep sw = new_sweep("2026-11-01");
    seal_sweep_options o = {.batch = 1};
    run_all(st, &sw, &o);
    assert_int_equal(sw.n.deleted[web_visit_id(st)], 3);
    assert_int_equal(sw.n.keys_shredded, 1);
    assert_int_equal(lookup(st, SEAL_IDX_ACCOUNT, "AC-3").n, 0);
    assert_int_equal(lookup(st, SEAL_IDX_ACCOUNT, "AC-2").n, 1);
    seal_store_close(st);
}

/* "while open + 3 years": an account goes 3 years after closed_at (and its
 * subject's key with it); an open account never expires. */
static void test_account_closed(void **state)
{
    (void) state;
    seal_store *st = tu_fresh_store("retain", dir, sizeof(dir));
    seal_record r = tu_make_record(
        st, "account", "account_id=AC-30", "name=Ima Drovenko", "opened_at=2015-03-03T04:05:06Z",
        "closed_at=2020-06-01T00:00:00Z", "mailing_address=19 Wexley Rd, Brantmoor VT 05001", NULL);
    tu_put(st, &r);
    account(st, "AC-31");
    int k = seal_catalogue_kind(seal_store_catalogue(st), "account")->id;
    seal_sweep sw = new_sweep("2023-05-31"); /* 1095 days after closing: not yet */
    seal_sweep_options o = {.batch = 10};
    run_all(st, &sw, &o);
    assert_int_equal(sw.n.deleted[k], 0);
    sw = new_sweep("2023-06-01");
    run_all(st, &sw, &o);
    assert_int_equal(sw.n.deleted[k], 1);
    assert_int_equal(sw.n.keys_shredded, 1);
    assert_int_equal(lookup(st, SEAL_IDX_ACCOUNT, "AC-30").n, 0);
    assert_int_equal(lookup(st, SEAL_IDX_ADDRESS, "19 Wexley Rd, Brantmoor VT 05001").n, 0);
    sw = new_sweep("2099-01-01");
    run_all(st, &sw, &o);
    assert_int_equal(sw.n.deleted[k], 0);
    assert_int_equal(lookup(st, SEAL_IDX_ACCOUNT, "AC-31").n, 1);
    seal_store_close(st);
}

/* PA-9: a held subject keeps everything; the hold is by blind-index keys. */
static void test_holds(void **state)
{
    (void) state;
    seal_store *st = tu_fresh_store("retain", dir, sizeof(dir));
    account(st, "AC-4");
    visit(st, "WV-8", "AC-4", "2026-01-01T10:00:00Z", "198.51.100.1");
    visit(st, "WV-9", "AC-4", "2026-10-01T10:00:00Z", "198.51.100.2");
    visit(st, "WV-10", "AC-5", "2026-01-01T10:00:00Z", "198.51.100.3");
    seal_error err;
    seal_error_init(&err);
    seal_holds *h = NULL;
    assert_int_equal(seal_holds_new(&h, &err), SEAL_OK);
    /* held through the address its account record indexes */
    assert_int_equal(seal_store_hold(st, h, SEAL_IDX_ADDRESS,
                                     "221 South Tamber Street #2, Quellford, MN 55001", 47, &err),
                     SEAL_OK);
    assert_int_equal(seal_holds_count(h), 2); /* the address's own subject and AC-4's */
    assert_int_equal(seal_store_hold(st, h, SEAL_IDX_EMAIL, "nobody@post.example", 19, &err),
                     SEAL_OK);
    assert_int_equal(seal_holds_count(h), 2);
    seal_sweep sw = new_sweep("2026-11-01");
    seal_sweep_options o = {.batch = 10, .holds = h};
    run_all(st, &sw, &o);
    assert_int_equal(sw.n.held[web_visit_id(st)], 2);
    assert_int_equal(sw.n.deleted[web_visit_id(st)], 1);
    assert_int_equal(sw.n.truncated, 0);
    found f = lookup(st, SEAL_IDX_ACCOUNT, "AC-4");
    assert_int_equal(f.n, 3);
    assert_non_null(strstr(f.lines[2], "ip=198.51.100.2 "));
    seal_holds_free(h);
    seal_store_close(st);
}

static void piece(seal_store *st, const char *id, const char *cover, const char *at)
{
    char a[64], b[64], c[64];
    snprintf(a, sizeof(a), "piece_id=%s", id);
    snprintf(b, sizeof(b), "cover_id=%s", cover);
    snprintf(c, sizeof(c), "scanned_at=%s", at);
    seal_record r =
        tu_make_record(st, "cover_piece", a, b, "cover_subject=19 Wexley Rd, Brantmoor VT 05001", c,
                       "facility=Brantmoor P&DC", "class=first_class",
                       "recipient_address=19 Wexley Rd, Brantmoor VT 05001", NULL);
    tu_put(st, &r);
}

/* MC-11: cover_piece records go after the policy's days, not the catalogue's. */
static void test_policy_kind(void **state)
{
    (void) state;
    seal_store *st = tu_fresh_store("retain", dir, sizeof(dir));
    int k = seal_catalogue_kind(seal_store_catalogue(st), "cover_piece")->id;
    piece(st, "PC-1", "C-1", "2020-01-01T10:00:00Z");
    piece(st, "PC-2", "C-1", "2023-01-01T10:00:00Z");
    seal_sweep sw = new_sweep("2026-11-01");
    sw.policy_kind[0] = k;
    sw.policy_days[0] = 2922; /* cfr-233: 8 years keeps both */
    seal_sweep_options o = {.batch = 10};
    run_all(st, &sw, &o);
    assert_int_equal(sw.n.deleted[k], 0);
    sw = new_sweep("2026-11-01");
    sw.policy_kind[0] = k;
    sw.policy_days[0] = 1826; /* strict: 5 years */
    run_all(st, &sw, &o);
    assert_int_equal(sw.n.deleted[k], 1);
    assert_int_equal(sw.n.keys_shredded, 0);
    seal_store_close(st);
}

/* MC-10: only the named cover's pieces go; the key goes with the last. */
static void test_destroy_cover(void **state)
{
    (void) state;
    seal_store *st = tu_fresh_store("retain", dir, sizeof(dir));
    piece(st, "PC-1", "C-7", "2026-10-01T10:00:00Z");
    piece(st, "PC-2", "C-7", "2026-10-02T10:00:00Z");
    piece(st, "PC-3", "C-8", "2026-10-03T10:00:00Z");
    const char *addr = "19 Wexley Road, Brantmoor, VT 05001";
    seal_error err;
    seal_error_init(&err);
    int64_t n = -1, keys = -1;
    uint8_t c1[32], c2[32], c3[32];
    assert_int_equal(seal_store_destroy_cover(st, addr, strlen(addr), "C-7", &n, &keys, c1, &err),
                     SEAL_OK);
    assert_int_equal(n, 2);
    assert_int_equal(keys, 0);
    assert_int_equal(lookup(st, SEAL_IDX_ADDRESS, addr).n, 1);
    assert_int_equal(seal_store_destroy_cover(st, addr, strlen(addr), "C-7", &n, &keys, c2, &err),
                     SEAL_OK);
    assert_int_equal(n, 0);
    assert_memory_not_equal(c1, c2, 32);
    assert_int_equal(seal_store_destroy_cover(st, addr, strlen(addr), "C-8", &n, &keys, c3, &err),
                     SEAL_OK);
    assert_int_equal(n, 1);
    assert_int_equal(keys, 1);
    assert_int_equal(lookup(st, SEAL_IDX_ADDRESS, addr).n, 0);
    seal_store_close(st);
}

/* A sweep stopped after its first batch resumes from the persisted cursor,
 * with its counts, in a new process (here: a new handle). */
static void test_resume(void **state)
{
    (void) state;
    seal_store *st = tu_fresh_store("retain", dir, sizeof(dir));
    char id[16], acc[16];
    for (int i = 0; i < 9; i++) {
        snprintf(id, sizeof(id), "WV-%d", 100 + i);
        snprintf(acc, sizeof(acc), "AC-%d", 10 + i % 3);
        visit(st, id, acc, i % 2 ? "2026-01-01T10:00:00Z" : "2026-10-10T10:00:00Z", "192.0.2.55");
    }
    seal_error err;
    seal_error_init(&err);
    bool have = true;
    assert_int_equal(seal_store_sweep_load(st, &(seal_sweep){0}, &have, &err), SEAL_OK);
    assert_false(have);
    seal_sweep sw = new_sweep("2026-11-20");
    seal_sweep_options o = {.batch = 4};
    assert_int_equal(seal_store_sweep_step(st, &sw, &o, &err), SEAL_OK);
    assert_false(sw.done);
    int64_t cursor = sw.cursor;
    seal_store_close(st);
    assert_int_equal(seal_store_open(dir, &st, &err), SEAL_OK);
    seal_sweep back;
    assert_int_equal(seal_store_sweep_load(st, &back, &have, &err), SEAL_OK);
    assert_true(have);
    assert_int_equal(back.cursor, cursor);
    assert_string_equal(back.id, "0123456789abcdef");
    assert_int_equal(back.today, day("2026-11-20"));
    assert_int_equal(back.n.truncated + back.n.deleted[web_visit_id(st)], 4);
    run_all(st, &back, &o);
    assert_int_equal(back.n.truncated, 5);
    assert_int_equal(back.n.deleted[web_visit_id(st)], 4);
    assert_int_equal(back.n.keys_shredded, 0);
    assert_int_equal(seal_store_sweep_clear(st, &err), SEAL_OK);
    assert_int_equal(seal_store_sweep_load(st, &back, &have, &err), SEAL_OK);
    assert_false(have);
    seal_store_close(st);
}

/* Failing the Nth allocation of a step leaves no partial batch: a clean
 * sweep afterwards finds exactly the work left. */
static void test_allocation_failures(void **state)
{
    (void) state;
    seal_store *st = tu_fresh_store("retain", dir, sizeof(dir));
    char id[16];
    for (int i = 0; i < 6; i++) {
        snprintf(id, sizeof(id), "WV-%d", 200 + i);
        visit(st, id, "AC-20", i % 2 ? "2026-01-01T10:00:00Z" : "2026-10-10T10:00:00Z",
              "192.0.2.55");
    }
    seal_error err;
    seal_error_init(&err);
    int64_t done_t = 0, done_d = 0;
    for (unsigned long n = 1; n < 60; n++) {
        seal_sweep sw = new_sweep("2026-11-20");
        seal_sweep_options o = {.batch = 3};
        seal_alloc_fail_after(n);
        seal_status s = seal_store_sweep_step(st, &sw, &o, &err);
        seal_alloc_fail_after(0);
        assert_true(s == SEAL_OK || s == SEAL_NOMEM);
        if (s == SEAL_OK) {
            done_t += sw.n.truncated;
            done_d += sw.n.deleted[web_visit_id(st)];
        }
    }
    seal_sweep sw = new_sweep("2026-11-20");
    seal_sweep_options o = {.batch = 3};
    run_all(st, &sw, &o);
    assert_int_equal(done_t + sw.n.truncated, 3);
    assert_int_equal(done_d + sw.n.deleted[web_visit_id(st)], 3);
    assert_int_equal(lookup(st, SEAL_IDX_ACCOUNT, "AC-20").n, 3);
    seal_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_truncate_and_delete),
        cmocka_unit_test(test_shred_when_empty),
        cmocka_unit_test(test_holds),
        cmocka_unit_test(test_policy_kind),
        cmocka_unit_test(test_destroy_cover),
        cmocka_unit_test(test_resume),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_account_closed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
