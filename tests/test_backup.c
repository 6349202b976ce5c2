/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Backups (sealed/backup.h): key-store generation names, expiry with a
 * pinned clock, listing and deletion in a scratch folder, the manifest's
 * writer and strict reader, a backup/verify/restore round trip through the
 * library with a shredded subject and master-key rotation, and failure of
 * the Nth allocation. All data here is synthetic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sealed/alloc.h"
#include "sealed/backup.h"
#include "sealed/store.h"
#include "sealed/time.h"
#include "store/backup_int.h"
#include "testutil.h"

#define DAY 86400
/* 2026-11-24T18:15:00Z */
#define T0 INT64_C(1795544100)

static void test_names(void **state)
{
    (void) state;
    char n[SEAL_KEYGEN_NAME_MAX];
    int64_t t = 0;
    assert_int_equal(seal_keygen_name(T0, n), SEAL_OK);
    assert_string_equal(n, "keys-20261124T181500Z.db");
    assert_int_equal(seal_keygen_parse(n, &t), SEAL_OK);
    assert_int_equal(t, T0);
    assert_int_equal(seal_keygen_name(0, n), SEAL_OK);
    assert_string_equal(n, "keys-19700101T000000Z.db");
    assert_int_equal(seal_keygen_name(253402300799, n), SEAL_OK);
    assert_string_equal(n, "keys-99991231T235959Z.db");
    assert_int_equal(seal_keygen_name(-1, n), SEAL_INVALID);
    assert_int_equal(seal_keygen_name(253402300800, n), SEAL_INVALID);
    static const char *const bad[] = {"keys-20261124T181500Z.db.tmp",
                                      "keys-20261124T181500Z.DB",
                                      "keys-20261124t181500Z.db",
                                      "keys-20261324T181500Z.db",
                                      "keys-20260230T000000Z.db",
                                      "keys-20261124T246000Z.db",
                                      "keys-2026112AT181500Z.db",
                                      "Keys-20261124T181500Z.db",
                                      "keys-20261124T18150Z.db",
                                      "keys.db",
                                      "",
                                      "keys-20261124T181500Z.d",
                                      "keys-+0261124T181500Z.db",
                                      "keys-20261124T181560Z.db"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        t = 42;
        assert_int_equal(seal_keygen_parse(bad[i], &t), SEAL_INVALID);
        assert_int_equal(t, 42);
    }
}

static void test_expiry_clock(void **state)
{
    (void) state;
    /* exactly at taken + grace: expired; one second before: kept */
    assert_false(seal_keygen_expired(T0, T0 + 7 * DAY - 1, 7));
    assert_true(seal_keygen_expired(T0, T0 + 7 * DAY, 7));
    assert_true(seal_keygen_expired(T0, T0 + 400 * DAY, 7));
    assert_false(seal_keygen_expired(T0, T0, 7));
    /* from the future (clock set back): kept */
    assert_false(seal_keygen_expired(T0 + DAY, T0, 7));
    /* no grace: expired at once */
    assert_true(seal_keygen_expired(T0, T0, 0));
    assert_true(seal_keygen_expired(T0, T0, -3));
    /* absurd grace and extreme times do not overflow */
    assert_false(seal_keygen_expired(T0, T0 + 1000 * DAY, INT64_MAX));
    assert_true(seal_keygen_expired(INT64_MIN, INT64_MAX, 366));
    assert_false(seal_keygen_expired(INT64_MAX, INT64_MIN, 366));
}

typedef struct listing {
    char names[32][SEAL_KEYGEN_NAME_MAX];
    int64_t taken[32];
    int n;
} listing;

static void collect(const char *path, int64_t taken, void *ud)
{
    listing *l = ud;
    const char *slash = strrchr(path, '/');
    assert_true(l->n < 32);
    snprintf(l->names[l->n], sizeof(l->names[l->n]), "%s", slash + 1);
    l->taken[l->n++] = taken;
}

static char *fresh_dir(void)
{
    static int seq;
    static char dir[1024];
    snprintf(dir, sizeof(dir), "%s/d%d", tu_tmpdir(), seq++);
    seal_error err;
    seal_error_init(&err);
    /* a test clock from 2026-01-01: the cases give their times */
    assert_int_equal(seal_store_create_clock(dir, true, 1767225600, &err), SEAL_OK);
    return dir;
}

static void test_generations(void **state)
{
    (void) state;
    const char *dir = fresh_dir();
    char folder[1100], path[1200];
    snprintf(folder, sizeof(folder), "%s/gens", dir);
    seal_error err;
    seal_error_init(&err);
    char name[SEAL_KEYGEN_NAME_MAX];
    listing l = {0};
    /* a missing folder holds none, and expiring it still scrubs */
    seal_keys_expiry ex;
    assert_int_equal(seal_keys_generations(dir, folder, collect, &l, &err), SEAL_OK);
    assert_int_equal(l.n, 0);
    assert_int_equal(seal_keys_expire(dir, folder, T0, 7, &ex, &err), SEAL_OK);
    assert_int_equal(ex.deleted, 0);
    assert_int_equal(ex.kept, 0);
    assert_true(ex.scrubbed);
    /* three generations, one of them written twice in one second */
    assert_int_equal(seal_keys_backup(dir, folder, T0 + 2 * DAY, name, &err), SEAL_OK);
    assert_string_equal(name, "keys-20261126T181500Z.db");
    assert_int_equal(seal_keys_backup(dir, folder, T0, name, &err), SEAL_OK);
    assert_int_equal(seal_keys_backup(dir, folder, T0, name, &err), SEAL_EXISTS);
    assert_int_equal(seal_keys_backup(dir, folder, T0 + 9 * DAY, NULL, &err), SEAL_OK);
    struct stat sb;
    snprintf(path, sizeof(path), "%s/%s", folder, "keys-20261124T181500Z.db");
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(stat(folder, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    /* other files in the folder are left alone; a stale temporary is not */
    snprintf(path, sizeof(path), "%s/notes.txt", folder);
    tu_write_file(path, "x");
    snprintf(path, sizeof(path), "%s/keys-20261120T000000Z.db.tmp", folder);
    tu_write_file(path, "x");
    assert_int_equal(seal_keys_generations(dir, folder, collect, &l, &err), SEAL_OK);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.names[0], "keys-20261124T181500Z.db");
    assert_string_equal(l.names[1], "keys-20261126T181500Z.db");
    assert_string_equal(l.names[2], "keys-20261203T181500Z.db");
    assert_int_equal(l.taken[0], T0);
    /* at T0 + 8 days under a 7-day grace: the first goes, and the temporary */
    assert_int_equal(seal_keys_expire(dir, folder, T0 + 8 * DAY, 7, &ex, &err), SEAL_OK);
    assert_int_equal(ex.deleted, 1);
    assert_int_equal(ex.kept, 2);
    assert_int_equal(access(path, F_OK), -1);
    snprintf(path, sizeof(path), "%s/notes.txt", folder);
    assert_int_equal(access(path, F_OK), 0);
    /* the default folder is DIR/key-backups */
    assert_int_equal(seal_keys_backup(dir, NULL, T0, name, &err), SEAL_OK);
    snprintf(path, sizeof(path), "%s/key-backups/keys-20261124T181500Z.db", dir);
    assert_int_equal(access(path, F_OK), 0);
    /* no key store: an error naming it */
    assert_int_equal(seal_keys_backup(folder, NULL, T0, name, &err), SEAL_NOTFOUND);
    assert_non_null(strstr(err.msg, "/gens/keys.db: "));
}

static void test_generation_alloc_failures(void **state)
{
    (void) state;
    const char *dir = fresh_dir();
    seal_error err;
    seal_error_init(&err);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(seal_keys_backup(dir, NULL, T0 + i, NULL, &err), SEAL_OK);
    }
    int failed = 0;
    for (unsigned long n = 1; n < 6; n++) {
        listing l = {0};
        seal_alloc_fail_after(n);
        seal_status s = seal_keys_expire(dir, NULL, T0 + 100 * DAY, 7, NULL, &err);
        seal_alloc_fail_after(0);
        if (s == SEAL_NOMEM) {
            failed++;
            assert_string_equal(err.msg, "out of memory");
            /* nothing was deleted */
            assert_int_equal(seal_keys_generations(dir, NULL, collect, &l, &err), SEAL_OK);
            assert_int_equal(l.n, 20);
        } else {
            assert_int_equal(s, SEAL_OK);
        }
    }
    assert_true(failed >= 1);
    listing l = {0};
    assert_int_equal(seal_keys_generations(dir, NULL, collect, &l, &err), SEAL_OK);
    assert_int_equal(l.n, 0);
}

/* ---- manifest ----------------------------------------------------------------------- */

static const char good[] =
    "{\"format\": \"sealed-backup/v1\", \"created\": \"2026-11-24T18:15:00Z\", \"records\": 5, "
    "\"left_out\": 2, \"ledger\": {\"size\": 3, \"root\": "
    "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\", \"checkpoint_size\": "
    "2}, \"files\": [{\"path\": \"records.db\", \"bytes\": 10, \"sha256\": "
    "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}]}";

static seal_status parse(const char *text, seal_error *err)
{
    seal_backup_manifest m;
    seal_status s = seal_backup_manifest_parse(text, strlen(text), &m, err);
    if (s == SEAL_OK) {
        seal_backup_manifest_cleanup(&m);
    }
    return s;
}

/* good with one substring replaced */
static seal_status parse_with(const char *from, const char *to, seal_error *err)
{
    char buf[2048];
    const char *at = strstr(good, from);
    assert_non_null(at);
    snprintf(buf, sizeof(buf), "%.*s%s%s", (int) (at - good), good, to, at + strlen(from));
    return parse(buf, err);
}

static void test_manifest(void **state)
{
    (void) state;
    seal_error err;
    seal_error_init(&err);
    seal_backup_manifest m;
    assert_int_equal(seal_backup_manifest_parse(good, strlen(good), &m, &err), SEAL_OK);
    assert_int_equal(m.created, T0);
    assert_int_equal(m.records, 5);
    assert_int_equal(m.left_out, 2);
    assert_int_equal(m.ledger_size, 3);
    assert_int_equal(m.checkpoint_size, 2);
    assert_int_equal(m.nfiles, 1);
    assert_string_equal(m.files[0].path, "records.db");
    assert_int_equal(m.files[0].bytes, 10);
    /* the writer's output reads back the same */
    seal_buf out;
    seal_buf_init(&out);
    assert_int_equal(seal__backup_manifest_format(&m, &out), SEAL_OK);
    seal_backup_manifest m2;
    assert_int_equal(seal_backup_manifest_parse((const char *) out.data, out.len, &m2, &err),
                     SEAL_OK);
    assert_int_equal(m2.records, 5);
    assert_memory_equal(m2.ledger_root, m.ledger_root, 32);
    assert_memory_equal(m2.files[0].sha256, m.files[0].sha256, 32);
    seal_buf_cleanup(&out);
    seal_backup_manifest_cleanup(&m2);
    seal_backup_manifest_cleanup(&m);
    seal_backup_manifest_cleanup(&m); /* twice is fine */

    static const struct {
        const char *from, *to, *msg;
    } cases[] = {
        {"\"records\": 5", "\"records\": -5", "manifest: records: not a non-negative integer"},
        {"\"records\": 5", "\"records\": 5, \"extra\": 1", "manifest: top level: unknown key"},
        {"\"records\": 5", "\"records\": 5, \"records\": 5", NULL},
        {"sealed-backup/v1", "sealed-backup/v2", "manifest: format: not \"sealed-backup/v1\""},
        {"2026-11-24T18:15:00Z", "yesterday", "manifest: created: not an RFC 3339 UTC time"},
        {"\"checkpoint_size\": 2", "\"checkpoint_size\": 4",
         "manifest: ledger.checkpoint_size: larger than ledger.size"},
        {"\"size\": 3", "\"size\": 3, \"x\": 0", "manifest: ledger: unknown key"},
        {"records.db", "../records.db",
         "manifest: files[0].path: missing or not a safe relative "
         "path"},
        {"records.db", "/etc/passwd",
         "manifest: files[0].path: missing or not a safe relative "
         "path"},
        {"records.db", "a//b", "manifest: files[0].path: missing or not a safe relative path"},
        {"records.db", "a/./b", "manifest: files[0].path: missing or not a safe relative path"},
        {"records.db", "a b", "manifest: files[0].path: missing or not a safe relative path"},
        {"records.db", "dir/", "manifest: files[0].path: missing or not a safe relative path"},
        {"records.db", "a\\u0000b", NULL}, /* jansson refuses NUL */
        {"\"bytes\": 10", "\"bytes\": \"10\"",
         "manifest: files[0].bytes: not a non-negative "
         "integer"},
        {"\"bytes\": 10", "\"bytes\": 10, \"mode\": 1", "manifest: files[0]: unknown key"},
        {"\"sha256\": \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}",
         "\"sha256\": \"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855\"}",
         "manifest: files[0].sha256: not 64 lower-case hex digits"},
        {"[{\"path\"", "[1, {\"path\"", "manifest: files[0]: not an object"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        seal_error_init(&err);
        assert_int_equal(parse_with(cases[i].from, cases[i].to, &err), SEAL_CORRUPT);
        if (cases[i].msg != NULL) {
            assert_string_equal(err.msg, cases[i].msg);
        }
    }
    /* the same file twice */
    char twice[2048];
    const char *f = strstr(good, "{\"path\"");
    snprintf(twice, sizeof(twice), "%.*s%.*s, %s", (int) (f - good), good, (int) (strlen(f) - 2), f,
             f);
    assert_int_equal(parse(twice, &err), SEAL_CORRUPT);
    assert_string_equal(err.msg, "manifest: files[1].path: listed twice");
    assert_int_equal(parse("[]", &err), SEAL_CORRUPT);
    assert_string_equal(err.msg, "manifest: not a JSON object");
    assert_int_equal(parse("{", &err), SEAL_CORRUPT);
    /* allocation failures: an error, never a crash or a leak */
    for (unsigned long n = 1; n < 10; n++) {
        seal_alloc_fail_after(n);
        seal_status s = seal_backup_manifest_parse(good, strlen(good), &m, &err);
        seal_alloc_fail_after(0);
        if (s == SEAL_OK) {
            seal_backup_manifest_cleanup(&m);
        } else {
            assert_int_equal(s, SEAL_NOMEM);
        }
    }
}

/* ---- a round trip through the library ----------------------------------------------- */

static void ingest_one(seal_store *st, const char *account, const char *email)
{
    seal_error err;
    seal_error_init(&err);
    const seal_catalogue *cat = seal_store_catalogue(st);
    seal_record r;
    memset(&r, 0, sizeof(r));
    r.kind = seal_catalogue_kind(cat, "account");
    assert_non_null(r.kind);
    const char *kv[][2] = {{"account_id", account},
                           {"name", "Orlen Vasquiel"},
                           {"opened_at", "2025-02-03T04:05:06Z"},
                           {"email", email},
                           {"mailing_address", "221 S Tamber St Apt 2, Quellford MN 55001"}};
    for (size_t i = 0; i < 5; i++) {
        int f = seal_kind_field(r.kind, kv[i][0], strlen(kv[i][0]));
        assert_true(f >= 0);
        r.v[f] = kv[i][1];
        r.n[f] = strlen(kv[i][1]);
    }
    seal_put_outcome o;
    assert_int_equal(seal_store_begin(st, &err), SEAL_OK);
    assert_int_equal(seal_store_put(st, &r, &o, &err), SEAL_OK);
    assert_int_equal(seal_store_commit(st, &err), SEAL_OK);
}

static seal_status count_cb(const seal_record *rec, int64_t id, void *ud)
{
    (void) rec;
    (void) id;
    (*(int *) ud)++;
    return SEAL_OK;
}

static int count(const char *dir, seal_index_type type, const char *v)
{
    seal_error err;
    seal_error_init(&err);
    seal_store *st = NULL;
    assert_int_equal(seal_store_open(dir, &st, &err), SEAL_OK);
    int n = 0;
    assert_int_equal(seal_store_lookup(st, type, v, strlen(v), count_cb, &n, &err), SEAL_OK);
    seal_store_close(st);
    return n;
}

static void test_round_trip(void **state)
{
    (void) state;
    char dir[1024], out[1100], out2[1100], to[1100], to2[1100], gens[1100], gen[1200];
    snprintf(dir, sizeof(dir), "%s", fresh_dir());
    seal_error err;
    seal_error_init(&err);
    seal_store *st = NULL;
    assert_int_equal(seal_store_open(dir, &st, &err), SEAL_OK);
    ingest_one(st, "AC-1", "one@post.example");
    ingest_one(st, "AC-2", "two@post.example");
    seal_store_close(st);
    snprintf(out, sizeof(out), "%s/b1", tu_tmpdir());
    snprintf(gens, sizeof(gens), "%s/gens", dir);
    seal_backup_manifest m;
    assert_int_equal(seal_backup_create(dir, out, T0, &m, &err), SEAL_OK);
    assert_int_equal(m.records, 2);
    assert_int_equal(m.left_out, 0);
    seal_backup_manifest_cleanup(&m);
    assert_int_equal(seal_backup_create(dir, out, T0, NULL, &err), SEAL_EXISTS);
    assert_int_equal(seal_backup_verify(out, NULL, &m, &err), SEAL_OK);
    assert_int_equal(m.created, T0);
    seal_backup_manifest_cleanup(&m);
    char name[SEAL_KEYGEN_NAME_MAX];
    assert_int_equal(seal_keys_backup(dir, gens, T0, name, &err), SEAL_OK);
    snprintf(gen, sizeof(gen), "%s/%s", gens, name);

    /* shred AC-1, rotate the master key: the backup still restores AC-2 */
    assert_int_equal(seal_store_open(dir, &st, &err), SEAL_OK);
    int64_t n = 0;
    assert_int_equal(seal_store_shred(st, SEAL_IDX_ACCOUNT, "AC-1", 4, &n, &err), SEAL_OK);
    seal_store_close(st);
    assert_int_equal(seal_store_rotate_master(dir, &n, &err), SEAL_OK);
    seal_restore_result r;
    snprintf(to, sizeof(to), "%s/r1", tu_tmpdir());
    assert_int_equal(seal_backup_restore(dir, out, to, NULL, &r, &err), SEAL_OK);
    assert_int_equal(r.records, 1);
    assert_int_equal(r.unreadable, 1);
    assert_int_equal(r.keys, 1);
    assert_int_equal(r.withheld, 0);
    assert_int_equal(count(to, SEAL_IDX_ACCOUNT, "AC-2"), 1);
    assert_int_equal(count(to, SEAL_IDX_EMAIL, "two@post.example"), 1);
    assert_int_equal(count(to, SEAL_IDX_ACCOUNT, "AC-1"), 0);
    assert_int_equal(count(to, SEAL_IDX_EMAIL, "one@post.example"), 0);
    /* the generation predates the rotation: its wrapped keys no longer open */
    snprintf(to2, sizeof(to2), "%s/r2", tu_tmpdir());
    assert_int_equal(seal_backup_restore(dir, out, to2, gen, &r, &err), SEAL_KEY);
    assert_int_equal(access(to2, F_OK), -1);
    /* a backup after the shred has nothing of AC-1: the shred deleted its
     * records, so none is left out either */
    snprintf(out2, sizeof(out2), "%s/b2", tu_tmpdir());
    assert_int_equal(seal_backup_create(dir, out2, T0 + 60, &m, &err), SEAL_OK);
    assert_int_equal(m.records, 1);
    assert_int_equal(m.left_out, 0);
    assert_int_equal(m.ledger_size, 2);
    assert_int_equal(m.checkpoint_size, 2);
    seal_backup_manifest_cleanup(&m);
    /* allocation failures in backup and restore: an error and nothing left */
    for (unsigned long k = 1; k < 60; k += 3) {
        char o[1100];
        snprintf(o, sizeof(o), "%s/fail%lu", tu_tmpdir(), k);
        seal_alloc_fail_after(k);
        seal_status s = seal_backup_create(dir, o, T0, NULL, &err);
        seal_alloc_fail_after(0);
        if (s != SEAL_OK) {
            assert_int_equal(s, SEAL_NOMEM);
            assert_int_equal(access(o, F_OK), -1);
        }
        snprintf(o, sizeof(o), "%s/rfail%lu", tu_tmpdir(), k);
        seal_alloc_fail_after(k);
        s = seal_backup_restore(dir, out2, o, NULL, NULL, &err);
        seal_alloc_fail_after(0);
        if (s != SEAL_OK) {
            if (s != SEAL_NOMEM && s != SEAL_STORE) {
                fail_msg("restore, allocation %lu: %s: %s", k, seal_status_name(s), err.msg);
            }
            assert_int_equal(access(o, F_OK), -1);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),       cmocka_unit_test(test_expiry_clock),
        cmocka_unit_test(test_generations), cmocka_unit_test(test_generation_alloc_failures),
        cmocka_unit_test(test_manifest),    cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
