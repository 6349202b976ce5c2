/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the produce module's pure parts: the manifest parser (a
 * good manifest, each line out of place, path traversal in file names,
 * unsorted or duplicate categories, trailing bytes, the optional
 * disagreements file) and the accounting rules (PA-1 basis mapping; PA-4/PA-8
 * visibility per policy and delay; PA-4 keeping: five years or the life of
 * the record, and a purge that deletes only entries past their keep_until,
 * logged).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sealed/accounting.h"
#include "sealed/ledger.h"
#include "sealed/produce.h"
#include "sealed/request.h"
#include "sealed/store.h"
#include "sealed/time.h"
#include "store/accounting.h"
#include "testutil.h"

static const char good[] =
    "sealed-production/v1\nproduction P-R-000001\nrequest R-000001\nagency quellford-pd\n"
    "basis subpoena\npa-basis b7\npurpose criminal_investigation\n"
    "policy strict 229cfe4f4b52a91e214c3dcf0c626da9ce42d8f29aa930780f9dfc87f7a5b20a\n"
    "approval rev1 7\ncategories contact,identity\nwindow 2026-01-01..2026-10-31\n"
    "produced 2026-11-24T00:00:00Z\nsubjects 2\n"
    "file subject-1.ndjson b1a46db7b92e423439ebc459b5b3a331d0952802baed414bd55d0f937b11a975 1\n"
    "file subject-2.ndjson e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 0\n";

static seal_status parse_with(const char *from, const char *to)
{
    static seal_manifest m;
    char buf[2048];
    const char *p = strstr(good, from);
    assert_non_null(p);
    size_t a = (size_t) (p - good);
    int n = snprintf(buf, sizeof(buf), "%.*s%s%s", (int) a, good, to, p + strlen(from));
    assert_true(n > 0 && (size_t) n < sizeof(buf));
    return seal_manifest_parse(buf, strlen(buf), &m, NULL);
}

static void manifest_good(void **state)
{
    (void) state;
    static seal_manifest m;
    assert_int_equal(seal_manifest_parse(good, strlen(good), &m, NULL), SEAL_OK);
    assert_string_equal(m.request, "R-000001");
    assert_string_equal(m.production, "P-R-000001");
    assert_int_equal(m.n_approvals, 1);
    assert_string_equal(m.approvals[0].principal, "rev1");
    assert_int_equal(m.approvals[0].ledger_index, 7);
    assert_int_equal(m.categories, (1u << SEAL_CAT_CONTACT) | (1u << SEAL_CAT_IDENTITY));
    assert_int_equal(m.n_files, 2);
    assert_string_equal(m.files[1].name, "subject-2.ndjson");
    assert_int_equal(m.files[0].records, 1);
}

static void manifest_bad(void **state)
{
    (void) state;
    static const char *const cases[][2] = {
        {"sealed-production/v1", "sealed-production/v2"},
        {"subject-1.ndjson", "../etc/passwd"},
        {"subject-1.ndjson", "."},
        {"subject-2.ndjson", "subject-1.ndjson"},
        {"contact,identity", "identity,contact"},
        {"contact,identity", "contact,contact"},
        {"contact,identity", "contact,"},
        {"contact,identity", "everything"},
        {"2026-01-01..2026-10-31", "2026-10-31..2026-01-01"},
        {"subjects 2", "subjects 3"},
        {"approval rev1 7", "approval rev1 07"},
        {"approval rev1 7", "approval rev1 7 "},
        {"basis subpoena", "basis dragnet"},
        {"request R-000001", "request R 1"},
        {" 0\n", " 0\nextra\n"},
        {" 0\n", " 0"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(parse_with(cases[i][0], cases[i][1]), SEAL_CORRUPT);
    }
    static seal_manifest m;
    for (size_t n = 0; n < strlen(good); n++) {
        assert_int_equal(seal_manifest_parse(good, n, &m, NULL), SEAL_CORRUPT);
    }
}

static void pa_basis(void **state)
{
    (void) state;
    assert_int_equal(seal_pa_basis_of(SEAL_BASIS_CONSENT), SEAL_PA_CONSENT);
    assert_int_equal(seal_pa_basis_of(SEAL_BASIS_SUBPOENA), SEAL_PA_B7);
    assert_int_equal(seal_pa_basis_of(SEAL_BASIS_MAIL_COVER), SEAL_PA_B7);
    assert_int_equal(seal_pa_basis_of(SEAL_BASIS_COURT_ORDER), SEAL_PA_B11);
    assert_int_equal(seal_pa_basis_of(SEAL_BASIS_WARRANT), SEAL_PA_B11);
    assert_int_equal(seal_pa_basis_of(SEAL_BASIS_EMERGENCY), SEAL_PA_B8);
    assert_int_equal(seal_pa_basis_of(SEAL_BASIS_PRESERVATION), -1);
    assert_null(seal_pa_basis_name(SEAL_PA_COUNT));
}

/* PA-4 / PA-8: the table of who sees what, when */
static void visibility(void **state)
{
    (void) state;
    const int64_t delay_end = 1800000000, before = delay_end - 1, after = delay_end;
    static const struct {
        int pa;
        bool hidden;
        int64_t notice, now;
        bool visible;
    } t[] = {
        {SEAL_PA_B7, true, 0, before, false},          /* cfr-233: (b)(7) never */
        {SEAL_PA_B7, true, delay_end, after, false},   /* not even after a delay */
        {SEAL_PA_B7, false, 0, before, true},          /* strict: no delay, visible */
        {SEAL_PA_B7, false, delay_end, before, false}, /* strict: delayed */
        {SEAL_PA_B7, false, delay_end, after, true},   /* strict: once the delay ends */
        {SEAL_PA_B11, true, delay_end, before, false}, /* any basis waits for the delay */
        {SEAL_PA_B11, true, delay_end, after, true},   /* court orders are not (b)(7) */
        {SEAL_PA_B8, true, 0, before, true},           {SEAL_PA_CONSENT, true, 0, before, true},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        seal_accounting_entry e;
        memset(&e, 0, sizeof(e));
        e.pa_basis = t[i].pa;
        e.b7_hidden = t[i].hidden;
        e.notice_until = t[i].notice;
        assert_int_equal(seal_accounting_visible(&e, t[i].now), t[i].visible);
    }
}

static void manifest_disagreements(void **state)
{
    (void) state;
    static seal_manifest m;
    static const char dis[] =
        "file disagreements.ndjson "
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 2\n";
    char buf[2048];
    snprintf(buf, sizeof(buf), "%s%s", good, dis);
    assert_int_equal(seal_manifest_parse(buf, strlen(buf), &m, NULL), SEAL_OK);
    assert_int_equal(m.n_subjects, 2);
    assert_int_equal(m.n_files, 3);
    assert_string_equal(m.files[2].name, "disagreements.ndjson");
    assert_int_equal(m.files[2].records, 2);
#define EMPTY_SHA "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    static const char *const bad[] = {
        "file disagreements.ndjson " EMPTY_SHA " 0\n",
        "file other.ndjson " EMPTY_SHA " 1\n",
        "file disagreements.ndjson e3b0 1\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(buf, sizeof(buf), "%s%s", good, bad[i]);
        assert_int_equal(seal_manifest_parse(buf, strlen(buf), &m, NULL), SEAL_CORRUPT);
    }
    /* twice is once too many */
    snprintf(buf, sizeof(buf), "%s%s%s", good, dis, dis);
    assert_int_equal(seal_manifest_parse(buf, strlen(buf), &m, NULL), SEAL_CORRUPT);
}

static int64_t day_of(int y, unsigned m, unsigned d)
{
    return seal_days_from_civil(y, m, d) * 86400;
}

static void keep_until(void **state)
{
    (void) state;
    /* the day after the same date five years on */
    assert_int_equal(seal_accounting_keep_until(day_of(2026, 11, 24) + 3600, 5, 0),
                     day_of(2031, 11, 25));
    /* 29 February five years on is 1 March */
    assert_int_equal(seal_accounting_keep_until(day_of(2028, 2, 29), 5, 0), day_of(2033, 3, 2));
    assert_int_equal(seal_accounting_keep_until(day_of(2028, 2, 29), 4, 0), day_of(2032, 3, 1));
    /* the life of the record, when longer, wins; an open-ended life keeps it */
    assert_int_equal(seal_accounting_keep_until(day_of(2026, 11, 24), 5, day_of(2035, 1, 1)),
                     day_of(2035, 1, 1));
    assert_int_equal(seal_accounting_keep_until(day_of(2026, 11, 24), 5, day_of(2030, 1, 1)),
                     day_of(2031, 11, 25));
    assert_int_equal(seal_accounting_keep_until(day_of(2026, 11, 24), 5, SEAL_ACCT_KEEP_FOREVER),
                     SEAL_ACCT_KEEP_FOREVER);
}

static seal_status count_entry(const seal_accounting_entry *e, void *ud)
{
    (void) e;
    (*(int *) ud)++;
    return SEAL_OK;
}

static void purge(void **state)
{
    (void) state;
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/data", tu_tmpdir());
    assert_int_equal(seal_store_create_clock(dir, true, 1767225600, NULL), SEAL_OK);
    const seal_acct_backend_ops *ops = &seal__sqlite_accounting;
    seal_acct_backend *b = NULL;
    assert_int_equal(ops->open(dir, &b, NULL), SEAL_OK);
    const int64_t now = day_of(2031, 11, 25);
    const int64_t keep[] = {now - 86400, now, now + 1, SEAL_ACCT_KEEP_FOREVER};
    uint8_t subject[32] = {7};
    assert_int_equal(ops->begin(b, NULL), SEAL_OK);
    for (size_t i = 0; i < 4; i++) {
        seal_accounting_entry e;
        memset(&e, 0, sizeof(e));
        memcpy(e.subject, subject, 32);
        snprintf(e.production, sizeof(e.production), "P-R-%06zu", i + 1);
        snprintf(e.request, sizeof(e.request), "R-%06zu", i + 1);
        snprintf(e.agency, sizeof(e.agency), "quellford-pd");
        snprintf(e.policy, sizeof(e.policy), "strict");
        e.keep_until = keep[i];
        assert_int_equal(ops->entry_put(b, &e, NULL), SEAL_OK);
    }
    assert_int_equal(ops->commit(b, NULL), SEAL_OK);
    ops->close(b);
    int64_t purged = -1;
    assert_int_equal(seal_accounting_purge(dir, now, &purged, NULL), SEAL_OK);
    assert_int_equal(purged, 2); /* keep_until <= now; never the later ones */
    assert_int_equal(seal_accounting_purge(dir, now, &purged, NULL), SEAL_OK);
    assert_int_equal(purged, 0);
    assert_int_equal(ops->open(dir, &b, NULL), SEAL_OK);
    int n = 0;
    assert_int_equal(ops->entry_each(b, subject, count_entry, &n, NULL), SEAL_OK);
    assert_int_equal(n, 2);
    ops->close(b);
    /* each purge is logged with its count */
    char path[1100];
    snprintf(path, sizeof(path), "%s/ledger", dir);
    seal_ledger *l = NULL;
    assert_int_equal(seal_ledger_open(path, NULL, &l, NULL), SEAL_OK);
    uint64_t size = seal_ledger_size(l);
    assert_true(size >= 2);
    seal_buf e;
    seal_buf_init(&e);
    assert_int_equal(seal_ledger_entry(l, size - 2, &e, NULL), SEAL_OK);
    assert_non_null(strstr((const char *) e.data, "\"count\":\"2\""));
    assert_non_null(strstr((const char *) e.data, "\"type\":\"accounting.purged\""));
    seal_buf_cleanup(&e);
    seal_ledger_close(l);
}

/* A version 1 accounting.db (no agency_address, no event index) opens,
 * keeps its entries and takes new ones. */
static void migrate_v1(void **state)
{
    (void) state;
    char dir[1024], cmd[4200];
    snprintf(dir, sizeof(dir), "%s/v1", tu_tmpdir());
    assert_int_equal(tu_run(NULL, "mkdir -p '%s'", dir), 0);
    snprintf(cmd, sizeof(cmd),
             "python3 -c \"import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
             "c.executescript('CREATE TABLE productions (request TEXT PRIMARY KEY, production "
             "TEXT NOT NULL UNIQUE, principal TEXT NOT NULL, at INTEGER NOT NULL, ledger_index "
             "INTEGER NOT NULL, manifest BLOB NOT NULL, subjects INTEGER NOT NULL, records INTEGER "
             "NOT NULL); CREATE TABLE entries (subject BLOB NOT NULL, production TEXT NOT NULL, "
             "request TEXT NOT NULL, agency TEXT NOT NULL, policy TEXT NOT NULL, basis INTEGER "
             "NOT NULL, pa_basis INTEGER NOT NULL, purpose INTEGER NOT NULL, categories INTEGER "
             "NOT NULL, window_from INTEGER NOT NULL, window_to INTEGER NOT NULL, at INTEGER NOT "
             "NULL, notice_until INTEGER NOT NULL, b7_hidden INTEGER NOT NULL, ledger_index "
             "INTEGER NOT NULL, keep_until INTEGER NOT NULL, PRIMARY KEY (subject, production)); "
             "INSERT INTO entries VALUES (zeroblob(32), \\'P-R-1\\', \\'R-1\\', \\'a\\', "
             "\\'strict\\', 1, 1, 0, 2, 0, 0, 5, 0, 0, 3, 99)'); c.commit()\" '%s/accounting.db' "
             "&& chmod 600 '%s/accounting.db'",
             dir, dir);
    assert_int_equal(tu_run(NULL, "%s", cmd), 0);
    const seal_acct_backend_ops *ops = &seal__sqlite_accounting;
    seal_acct_backend *b = NULL;
    assert_int_equal(ops->open(dir, &b, NULL), SEAL_OK);
    uint8_t zero[32] = {0};
    int n = 0;
    assert_int_equal(ops->entry_each(b, zero, count_entry, &n, NULL), SEAL_OK);
    assert_int_equal(n, 1);
    seal_accounting_entry e;
    memset(&e, 0, sizeof(e));
    snprintf(e.production, sizeof(e.production), "P-R-2");
    snprintf(e.agency_address, sizeof(e.agency_address), "1 Civic Plaza");
    assert_int_equal(ops->begin(b, NULL), SEAL_OK);
    assert_int_equal(ops->entry_put(b, &e, NULL), SEAL_OK);
    assert_int_equal(ops->commit(b, NULL), SEAL_OK);
    n = 0;
    assert_int_equal(ops->entry_each(b, zero, count_entry, &n, NULL), SEAL_OK);
    assert_int_equal(n, 2);
    ops->close(b);
    /* a second open finds it migrated */
    assert_int_equal(ops->open(dir, &b, NULL), SEAL_OK);
    ops->close(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(manifest_good),
        cmocka_unit_test(manifest_bad),
        cmocka_unit_test(pa_basis),
        cmocka_unit_test(visibility),
        cmocka_unit_test(manifest_disagreements),
        cmocka_unit_test(keep_until),
        cmocka_unit_test(purge),
        cmocka_unit_test(migrate_v1),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
