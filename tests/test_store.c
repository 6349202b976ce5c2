/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The record store: round trips of every ingested kind, idempotence, updates,
 * tampered ciphertext, shredding, re-indexing, no plaintext in the files, and
 * failure of the Nth allocation. All data here is synthetic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "sealed/alloc.h"
#include "sealed/store.h"
#include "store/backend.h"
#include "testutil.h"

static char dir[1024];

typedef struct found {
    int n;
    int64_t ids[16];
    char lines[16][512];
} found;

static seal_status collect(const seal_record *rec, int64_t id, void *ud)
{
    found *f = ud;
    if (f->n < 16) {
        f->ids[f->n] = id;
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
    seal_status s = seal_store_lookup(st, t, v, strlen(v), collect, &f, &err);
    if (s != SEAL_OK) {
        fail_msg("lookup: %s", err.msg);
    }
    return f;
}

static const char *ACC[] = {"account_id=AC-100",
                            "name=Velora Quenhart",
                            "opened_at=2024-03-04T05:06:07Z",
                            "email=velora.q@mail.example",
                            "phone=+1 (555) 214-2231",
                            "mailing_address=418 N Brindle Ave Apt 7, Karsville OH 43001"};

static seal_record account(seal_store *st)
{
    return tu_make_record(st, "account", ACC[0], ACC[1], ACC[2], ACC[3], ACC[4], ACC[5], NULL);
}

static void test_round_trip_every_kind(void **state)
{
    (void) state;
    seal_store *st = tu_fresh_store("store", dir, sizeof(dir));
    seal_record r = account(st);
    assert_int_equal(tu_put(st, &r), SEAL_PUT_INSERTED);
    r = tu_make_record(st, "web_visit", "visit_id=WV-1", "account_id=AC-100",
                       "at=2026-11-01T10:00:00Z", "ip=198.51.100.23", "page=/track",
                       "user_agent=Synthetic/1.0", NULL);
    assert_int_equal(tu_put(st, &r), SEAL_PUT_INSERTED);
    r = tu_make_record(st, "tracking", "tracking_number=9400100000000000000001",
                       "event_at=2026-11-02T08:00:00Z", "facility=KARSVILLE OH 43001",
                       "status=delivered", "recipient_address=7 Quill Rd, Ambry WA 98001", NULL);
    assert_int_equal(tu_put(st, &r), SEAL_PUT_INSERTED);
    r = tu_make_record(st, "payment", "payment_id=PM-1", "account_id=AC-100", "type=card",
                       "card_brand=visa", "card_last4=4242", "amount_cents=1250",
                       "at=2026-11-03T09:00:00Z", NULL);
    assert_int_equal(tu_put(st, &r), SEAL_PUT_INSERTED);
    r = tu_make_record(st, "address_change", "coa_id=COA-1", "name=Velora Quenhart",
                       "scope=individual",
                       "old_address=418 N Brindle Ave Apt 7, Karsville OH 43001",
                       "new_address=9 Sorrel Way, Ambry WA 98001", "effective_date=2026-12-01",
                       "filed_at=2026-11-04T12:00:00Z", NULL);
    assert_int_equal(tu_put(st, &r), SEAL_PUT_INSERTED);

    found f = lookup(st, SEAL_IDX_ACCOUNT, "AC-100");
    assert_int_equal(f.n, 3);
    assert_string_equal(f.lines[0],
                        "account account_id=AC-100 name=Velora Quenhart "
                        "opened_at=2024-03-04T05:06:07Z email=velora.q@mail.example phone=+1 "
                        "(555) 214-2231 mailing_address=418 N Brindle Ave Apt 7, Karsville OH "
                        "43001");
    assert_string_equal(f.lines[1], "web_visit visit_id=WV-1 account_id=AC-100 "
                                    "at=2026-11-01T10:00:00Z ip=198.51.100.23 page=/track "
                                    "user_agent=Synthetic/1.0");
    assert_string_equal(f.lines[2], "payment payment_id=PM-1 account_id=AC-100 type=card "
                                    "card_brand=visa card_last4=4242 amount_cents=1250 "
                                    "at=2026-11-03T09:00:00Z");
    f = lookup(st, SEAL_IDX_EMAIL, "velora.q@mail.example");
    assert_int_equal(f.n, 1);
    f = lookup(st, SEAL_IDX_TRACKING, "9400100000000000000001");
    assert_int_equal(f.n, 1);
    assert_string_equal(f.lines[0], "tracking tracking_number=9400100000000000000001 "
                                    "event_at=2026-11-02T08:00:00Z facility=KARSVILLE OH 43001 "
                                    "status=delivered recipient_address=7 Quill Rd, Ambry WA "
                                    "98001");
    /* the old address owns the change of address; the account names it too */
    f = lookup(st, SEAL_IDX_ADDRESS, "418 N Brindle Ave Apt 7, Karsville OH 43001");
    assert_int_equal(f.n, 2);
    assert_memory_equal(f.lines[0], "account ", 8);
    assert_memory_equal(f.lines[1], "address_change ", 15);
    /* exactly this identifier and nothing else */
    assert_int_equal(lookup(st, SEAL_IDX_ACCOUNT, "AC-10").n, 0);
    assert_int_equal(lookup(st, SEAL_IDX_EMAIL, "velora.q@mail.exampl").n, 0);
    /* what is not an identifier of its type is refused, not searched */
    seal_error err;
    found f2;
    assert_int_equal(seal_store_lookup(st, SEAL_IDX_EMAIL, "%", 1, collect, &f2, &err),
                     SEAL_INVALID);
    assert_string_equal(err.msg, "email: no '@'");
    assert_int_equal(
        seal_store_lookup(st, SEAL_IDX_ACCOUNT, "AC-100' OR '1'='1", 17, collect, &f2, &err),
        SEAL_INVALID);
    seal_store_close(st);
}

static void test_idempotent_and_update(void **state)
{
    (void) state;
    seal_store *st = tu_fresh_store("store", dir, sizeof(dir));
    seal_record r = account(st);
    assert_int_equal(tu_put(st, &r), SEAL_PUT_INSERTED);
    assert_int_equal(tu_put(st, &r), SEAL_PUT_UNCHANGED);
    r = tu_make_record(st, "account", ACC[0], ACC[1], ACC[2], "email=velora.new@mail.example",
                       ACC[5], NULL);
    assert_int_equal(tu_put(st, &r), SEAL_PUT_UPDATED);
    assert_int_equal(lookup(st, SEAL_IDX_EMAIL, "velora.q@mail.example").n, 0);
    assert_int_equal(lookup(st, SEAL_IDX_EMAIL, "velora.new@mail.example").n, 1);
    assert_int_equal(lookup(st, SEAL_IDX_ACCOUNT, "AC-100").n, 1);
    seal_store_close(st);
}

static void test_invalid_records(void **state)
{
    (void) state;
    seal_store *st = tu_fresh_store("store", dir, sizeof(dir));
    seal_error err;
    seal_error_init(&err);
    seal_put_outcome o;
    struct {
        seal_record r;
        const char *msg;
    } cases[] = {
        {tu_make_record(st, "account", ACC[0], ACC[1], ACC[2], NULL),
         "mailing_address: required field missing"},
        {tu_make_record(st, "account", ACC[0], ACC[1], "opened_at=2024-03-04", ACC[5], NULL),
         "opened_at: not an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SSZ)"},
        {tu_make_record(st, "account", "account_id=AC 1", ACC[1], ACC[2], ACC[5], NULL),
         "account_id: not an identifier: only letters, digits, '.', '_' and '-' allowed"},
        {tu_make_record(st, "account", ACC[0], ACC[1], ACC[2], "email=no-at-sign", ACC[5], NULL),
         "email: not an email address: needs exactly one '@' after a local part"},
        {tu_make_record(st, "payment", "payment_id=P", "type=bitcoin", "amount_cents=1",
                        "at=2026-01-01T00:00:00Z", "account_id=A", NULL),
         "type: not one of the allowed values"},
        {tu_make_record(st, "payment", "payment_id=P", "type=card", "amount_cents=-1",
                        "at=2026-01-01T00:00:00Z", "account_id=A", NULL),
         "amount_cents: not a non-negative whole number"},
        {tu_make_record(st, "payment", "payment_id=P", "type=card", "amount_cents=1",
                        "at=2026-01-01T00:00:00Z", NULL),
         "account_id: required to name the record's owner"},
        {tu_make_record(st, "web_visit", "visit_id=V", "account_id=A", "at=2026-01-01T00:00:00Z",
                        "ip=10.0.0.256", "page=/", NULL),
         "ip: not an IPv4 or IPv6 address"},
    };
    assert_int_equal(seal_store_begin(st, &err), SEAL_OK);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(seal_store_put(st, &cases[i].r, &o, &err), SEAL_INVALID);
        assert_string_equal(err.msg, cases[i].msg);
    }
    /* a value with a NUL byte inside */
    seal_record r = account(st);
    r.v[1] = "Vel\0ora";
    r.n[1] = 7;
    assert_int_equal(seal_store_put(st, &r, &o, &err), SEAL_INVALID);
    assert_string_equal(err.msg, "name: contains a NUL byte");
    /* invalid UTF-8 */
    r.v[1] = "Vel\xc3\x28ora";
    r.n[1] = 8;
    assert_int_equal(seal_store_put(st, &r, &o, &err), SEAL_INVALID);
    assert_string_equal(err.msg, "name: not printable UTF-8");
    seal_store_rollback(st);
    seal_store_close(st);
}

static void test_tampered_ciphertext(void **state)
{
    (void) state;
    seal_store *st = tu_fresh_store("store", dir, sizeof(dir));
    seal_record r = account(st);
    tu_put(st, &r);
    seal_store_close(st);
    /* An attacker with write access to store.db flips the last byte of the
     * record's body (the AEAD tag of its last field). */
    char path[1100];
    snprintf(path, sizeof(path), "%s/store.db", dir);
    seal_error err;
    seal_error_init(&err);
    assert_int_equal(seal_store_open(dir, &st, &err), SEAL_OK);
    found f = lookup(st, SEAL_IDX_ACCOUNT, "AC-100");
    assert_int_equal(f.n, 1);
    int64_t id = f.ids[0];
    seal_store_close(st);
    int rc = tu_run(NULL,
                    "sqlite3 '%s' \"UPDATE record SET body = substr(body,1,length(body)-1) || "
                    "CASE WHEN substr(body,-1) = x'00' THEN x'01' ELSE x'00' END;\"",
                    path);
    assert_int_equal(rc, 0);
    assert_int_equal(seal_store_open(dir, &st, &err), SEAL_OK);
    seal_status s = seal_store_get(st, id, collect, &f, &err);
    assert_int_equal(s, SEAL_CRYPTO);
    char want[256];
    snprintf(want, sizeof(want),
             "record %lld: field mailing_address: authentication failed: data tampered or "
             "wrong key",
             (long long) id);
    assert_string_equal(err.msg, want);
    seal_store_close(st);
}

static void count_all(const seal_kind *kind, seal_retention_state state, int64_t count, void *ud)
{
    (void) kind;
    (void) state;
    *(int64_t *) ud += count;
}

static void count_shredded(const seal_kind *kind, seal_retention_state state, int64_t count,
                           void *ud)
{
    (void) kind;
    if (state == SEAL_RET_SHREDDED) {
        *(int64_t *) ud += count;
    }
}

static void test_shred(void **state)
{
    (void) state;
    seal_store *st = tu_fresh_store("store", dir, sizeof(dir));
    seal_record r = account(st);
    tu_put(st, &r);
    r = tu_make_record(st, "web_visit", "visit_id=WV-1", "account_id=AC-100",
                       "at=2026-11-01T10:00:00Z", "ip=198.51.100.23", "page=/track", NULL);
    tu_put(st, &r);
    r = tu_make_record(st, "account", "account_id=AC-101", ACC[1], ACC[2], ACC[5], NULL);
    tu_put(st, &r); /* another subject: it stays */
    found before = lookup(st, SEAL_IDX_ACCOUNT, "AC-100");
    assert_int_equal(before.n, 2);
    seal_error err;
    seal_error_init(&err);
    int64_t total = 0, shredded = 0;
    assert_int_equal(seal_store_stats(st, 0, count_all, &total, &err), SEAL_OK);
    assert_int_equal(total, 3);
    int64_t n = 0;
    assert_int_equal(seal_store_shred(st, SEAL_IDX_ACCOUNT, "AC-100", 6, &n, &err), SEAL_OK);
    assert_int_equal(n, 2);
    assert_int_equal(lookup(st, SEAL_IDX_ACCOUNT, "AC-100").n, 0);
    assert_int_equal(lookup(st, SEAL_IDX_EMAIL, "velora.q@mail.example").n, 0);
    assert_int_equal(lookup(st, SEAL_IDX_ACCOUNT, "AC-101").n, 1);
    /* the rows are deleted, not marked: the store holds nothing of the
     * subject, as if it never had it */
    total = 0;
    assert_int_equal(seal_store_stats(st, 0, count_all, &total, &err), SEAL_OK);
    assert_int_equal(total, 1);
    assert_int_equal(seal_store_stats(st, 0, count_shredded, &shredded, &err), SEAL_OK);
    assert_int_equal(shredded, 0);
    found f;
    assert_int_equal(seal_store_get(st, before.ids[0], collect, &f, &err), SEAL_NOTFOUND);
    seal_store_close(st);
    /* a fresh handle (no cached key) finds nothing either */
    assert_int_equal(seal_store_open(dir, &st, &err), SEAL_OK);
    assert_int_equal(seal_store_get(st, before.ids[1], collect, &f, &err), SEAL_NOTFOUND);
    /* shredding again: nothing is held, so nothing is shredded or logged */
    char lpath[1200];
    snprintf(lpath, sizeof(lpath), "%s/ledger/journal", dir);
    struct stat jb, ja;
    assert_int_equal(stat(lpath, &jb), 0);
    int64_t held = -1;
    bool key = true;
    assert_int_equal(seal_store_held(st, SEAL_IDX_ACCOUNT, "AC-100", 6, &held, &key, &err),
                     SEAL_OK);
    assert_int_equal(held, 0);
    assert_false(key);
    assert_int_equal(seal_store_held(st, SEAL_IDX_ACCOUNT, "AC-101", 6, &held, &key, &err),
                     SEAL_OK);
    assert_int_equal(held, 1);
    assert_true(key);
    assert_int_equal(seal_store_shred(st, SEAL_IDX_ACCOUNT, "AC-100", 6, &n, &err), SEAL_NOTFOUND);
    assert_string_equal(err.msg, "nothing is held for this account");
    assert_int_equal(seal_store_shred(st, SEAL_IDX_ACCOUNT, "AC-999", 6, &n, &err), SEAL_NOTFOUND);
    assert_int_equal(stat(lpath, &ja), 0);
    assert_int_equal(ja.st_size, jb.st_size);
    assert_int_equal(seal_store_shred(st, SEAL_IDX_EMAIL, "velora.q@mail.example", 21, &n, &err),
                     SEAL_INVALID);
    seal_store_close(st);
}

static void test_reindex(void **state)
{
    (void) state;
    seal_store *st = tu_fresh_store("store", dir, sizeof(dir));
    seal__store_force_version(st, seal_store_std_version() - 1);
    seal_record r = account(st);
    tu_put(st, &r);
    seal__store_force_version(st, 0);
    r = tu_make_record(st, "account", "account_id=AC-200", ACC[1], ACC[2], ACC[5], NULL);
    tu_put(st, &r);
    seal_error err;
    seal_error_init(&err);
    int64_t n = -1;
    assert_int_equal(seal_store_reindex(st, &n, &err), SEAL_OK);
    assert_int_equal(n, 1);
    assert_int_equal(seal_store_reindex(st, &n, &err), SEAL_OK);
    assert_int_equal(n, 0);
    assert_int_equal(lookup(st, SEAL_IDX_EMAIL, "velora.q@mail.example").n, 1);
    assert_int_equal(lookup(st, SEAL_IDX_ACCOUNT, "AC-100").n, 1);
    seal_store_close(st);
}

static void test_no_plaintext_on_disk(void **state)
{
    (void) state;
    seal_store *st = tu_fresh_store("store", dir, sizeof(dir));
    seal_record r = account(st);
    tu_put(st, &r);
    seal_store_close(st);
    char cmd[1200];
    snprintf(cmd, sizeof(cmd),
             "grep -r -a -l -i -e Quenhart -e velora -e Brindle -e AC-100 -e 214-2231 '%s'", dir);
    assert_int_not_equal(tu_run(NULL, "%s", cmd), 0); /* grep finds nothing */
}

static void test_rotation_keeps_records(void **state)
{
    (void) state;
    seal_store *st = tu_fresh_store("store", dir, sizeof(dir));
    seal_record r = account(st);
    tu_put(st, &r);
    seal_store_close(st);
    char path[1100];
    snprintf(path, sizeof(path), "%s/master.key", dir);
    char *before = tu_read_file(path, NULL);
    seal_error err;
    seal_error_init(&err);
    int64_t n = 0;
    assert_int_equal(seal_store_rotate_master(dir, &n, &err), SEAL_OK);
    assert_int_equal(n, 1);
    char *after = tu_read_file(path, NULL);
    assert_string_not_equal(before, after);
    assert_int_equal(seal_store_open(dir, &st, &err), SEAL_OK);
    assert_int_equal(lookup(st, SEAL_IDX_ACCOUNT, "AC-100").n, 1);
    seal_store_close(st);
    /* the old key no longer opens the store */
    tu_write_file(path, before);
    assert_int_equal(seal_store_open(dir, &st, &err), SEAL_KEY);
    tu_write_file(path, after);
    free(before);
    free(after);
}

static void test_allocation_failures(void **state)
{
    (void) state;
    seal_store *st = tu_fresh_store("store", dir, sizeof(dir));
    seal_error err;
    seal_error_init(&err);
    assert_int_equal(seal_store_begin(st, &err), SEAL_OK);
    for (unsigned long n = 1; n < 40; n++) {
        seal_record r = tu_make_record(st, "account", "account_id=AC-300", ACC[1], ACC[2], ACC[3],
                                       ACC[5], NULL);
        seal_put_outcome o;
        seal_alloc_fail_after(n);
        seal_status s = seal_store_put(st, &r, &o, &err);
        seal_alloc_fail_after(0);
        assert_true(s == SEAL_OK || s == SEAL_NOMEM);
    }
    seal_store_rollback(st);
    seal_store_close(st);
}

/* Results come back by kind, then by the record's own time. */
static void test_lookup_order(void **state)
{
    (void) state;
    seal_store *st = tu_fresh_store("store", dir, sizeof(dir));
    const char *times[] = {"at=2026-11-01T20:04:31Z", "at=2026-11-01T20:01:38Z",
                           "at=2026-10-30T08:00:00Z", "at=2026-11-01T20:04:30Z"};
    char id[4][32];
    for (int i = 0; i < 4; i++) {
        snprintf(id[i], sizeof(id[i]), "visit_id=WV-%d", i);
        seal_record r = tu_make_record(st, "web_visit", id[i], "account_id=AC-100", times[i],
                                       "ip=198.51.100.23", "page=/", NULL);
        tu_put(st, &r);
    }
    seal_record r = account(st);
    tu_put(st, &r);
    found f = lookup(st, SEAL_IDX_ACCOUNT, "AC-100");
    assert_int_equal(f.n, 5);
    assert_memory_equal(f.lines[0], "account ", 8);
    assert_non_null(strstr(f.lines[1], "visit_id=WV-2 "));
    assert_non_null(strstr(f.lines[2], "visit_id=WV-1 "));
    assert_non_null(strstr(f.lines[3], "visit_id=WV-3 "));
    assert_non_null(strstr(f.lines[4], "visit_id=WV-0 "));
    seal_store_close(st);
}

/* Two natural keys whose derived ids collide are both kept, apart. */
static void test_backend_id_collision(void **state)
{
    (void) state;
    seal_store *st = tu_fresh_store("store", dir, sizeof(dir));
    seal_store_close(st);
    seal_backend *be = NULL;
    seal_error err;
    seal_error_init(&err);
    const seal_backend_ops *ops = &seal__sqlite_backend;
    assert_int_equal(ops->open(dir, false, &be, &err), SEAL_OK);
    assert_int_equal(ops->begin(be, &err), SEAL_OK);
    seal_record_row a, b;
    memset(&a, 0, sizeof(a));
    a.kind = 1;
    memset(a.natkey, 0x11, sizeof(a.natkey));
    a.expires = a.truncate_at = SEAL_DAY_NONE;
    a.body = (const uint8_t *) "A";
    a.body_len = 1;
    b = a;
    b.natkey[15] = 0x22; /* same first 8 bytes: same derived id */
    b.body = (const uint8_t *) "B";
    seal_upsert up;
    assert_int_equal(ops->record_upsert(be, &a, &up, &err), SEAL_OK);
    assert_int_equal(up, SEAL_UPSERT_INSERTED);
    assert_int_equal(ops->record_upsert(be, &b, &up, &err), SEAL_OK);
    assert_int_equal(up, SEAL_UPSERT_INSERTED);
    assert_int_equal(b.id, a.id + 1);
    assert_int_equal(ops->record_upsert(be, &b, &up, &err), SEAL_OK);
    assert_int_equal(up, SEAL_UPSERT_UNCHANGED);
    b.digest[0] = 1;
    assert_int_equal(ops->record_upsert(be, &b, &up, &err), SEAL_OK);
    assert_int_equal(up, SEAL_UPSERT_DIFFERENT); /* reported, not replaced */
    assert_int_equal(b.id, a.id + 1);
    /* the same natural key under another subject is another record */
    seal_record_row c = a;
    c.subject[0] = 0x80;
    assert_int_equal(ops->record_upsert(be, &c, &up, &err), SEAL_OK);
    assert_int_equal(up, SEAL_UPSERT_INSERTED);
    assert_true(c.id != a.id);
    seal_record_row got;
    seal_buf body;
    seal_buf_init(&body);
    assert_int_equal(ops->record_get(be, a.id, &got, &body, &err), SEAL_OK);
    assert_memory_equal(body.data, "A", 1);
    assert_int_equal(ops->record_get(be, b.id, &got, &body, &err), SEAL_OK);
    assert_memory_equal(body.data, "B", 1);
    seal_buf_cleanup(&body);
    ops->rollback(be);
    ops->close(be);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_every_kind),
        cmocka_unit_test(test_idempotent_and_update),
        cmocka_unit_test(test_invalid_records),
        cmocka_unit_test(test_tampered_ciphertext),
        cmocka_unit_test(test_shred),
        cmocka_unit_test(test_reindex),
        cmocka_unit_test(test_no_plaintext_on_disk),
        cmocka_unit_test(test_rotation_keeps_records),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_backend_id_collision),
        cmocka_unit_test(test_lookup_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
