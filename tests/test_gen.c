/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The synthetic population generator: same seed same bytes, another seed
 * other bytes; every NDJSON line holds exactly the catalogue's field names
 * with values its validator accepts (and the stricter name rule of the
 * generator's brief); mail scans are well-formed CSV in DESIGN.md's layout;
 * counts match the files; addresses come in their promised spellings; bad
 * options, unwritable output and failed allocations are clean errors.
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
#include <jansson.h>

#include "sealed/alloc.h"
#include "sealed/gen.h"
#include "sealed/schema.h"
#include "sealed/time.h"
#include "testutil.h"

static const char *const kinds[] = {"account", "web_visit", "tracking", "payment",
                                    "address_change"};

static char *dir_for(const char *name)
{
    static char paths[8][600];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, sizeof(paths[0]), "%s/%s", tu_tmpdir(), name);
    return p;
}

static char *read_out(const char *dir, const char *file, size_t *len)
{
    char path[700];
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    char *s = tu_read_file(path, len);
    assert_non_null(s);
    return s;
}

static void small_options(seal_gen_options *o, uint64_t seed)
{
    seal_gen_options_init(o);
    o->seed = seed;
    o->people = 400;
    o->days = 10;
    o->scans = 600;
}

static void gen_into(const seal_gen_options *o, const char *dir, seal_gen_counts *n)
{
    seal_error err;
    seal_error_init(&err);
    seal_status s = seal_gen_write(o, dir, NULL, NULL, n, &err);
    if (s != SEAL_OK) {
        fail_msg("seal_gen_write: %s", err.msg);
    }
}

static const char *const all_files[] = {"account.ndjson",        "web_visit.ndjson",
                                        "tracking.ndjson",       "payment.ndjson",
                                        "address_change.ndjson", "mail_scan.csv"};

static void test_determinism(void **state)
{
    (void) state;
    seal_gen_options o;
    small_options(&o, 42);
    char *a = dir_for("det-a"), *b = dir_for("det-b"), *c = dir_for("det-c");
    gen_into(&o, a, NULL);
    gen_into(&o, b, NULL);
    char *t = dir_for("det-truth");
    o.truth = true;
    gen_into(&o, t, NULL);
    o.truth = false;
    o.seed = 43;
    gen_into(&o, c, NULL);
    for (size_t i = 0; i < sizeof(all_files) / sizeof(all_files[0]); i++) {
        size_t la, lb, lc;
        char *fa = read_out(a, all_files[i], &la);
        char *fb = read_out(b, all_files[i], &lb);
        char *fc = read_out(c, all_files[i], &lc);
        assert_true(la > 0);
        assert_int_equal(la, lb);
        assert_memory_equal(fa, fb, la);
        assert_false(la == lc && memcmp(fa, fc, la) == 0);
        /* asking for the truth file changes no other byte */
        size_t lt;
        char *ft = read_out(t, all_files[i], &lt);
        assert_int_equal(la, lt);
        assert_memory_equal(fa, ft, la);
        free(ft);
        free(fa);
        free(fb);
        free(fc);
    }
}

/* Letters, spaces, apostrophes, hyphens and periods only. */
static bool strict_name(const char *s)
{
    bool letter = false;
    for (; *s != '\0'; s++) {
        char ch = *s;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) {
            letter = true;
        } else if (ch != ' ' && ch != '\'' && ch != '-' && ch != '.') {
            return false;
        }
    }
    return letter;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s != '\0'; s++) {
        n += *s == '\n';
    }
    return n;
}

static void check_ndjson(const seal_kind *k, const char *text, uint64_t expect)
{
    size_t lines = 0;
    const char *p = text;
    while (*p != '\0') {
        const char *nl = strchr(p, '\n');
        assert_non_null(nl); /* every line ends with a newline */
        json_error_t jerr;
        json_t *obj = json_loadb(p, (size_t) (nl - p), JSON_REJECT_DUPLICATES, &jerr);
        if (obj == NULL || !json_is_object(obj)) {
            fail_msg("%s line %zu: not a JSON object: %s", k->name, lines + 1, jerr.text);
        }
        for (size_t f = 0; f < k->nfields; f++) {
            const seal_field *fd = &k->fields[f];
            json_t *v = json_object_get(obj, fd->name);
            if (v == NULL) {
                if (fd->required) {
                    fail_msg("%s line %zu: missing %s", k->name, lines + 1, fd->name);
                }
                continue;
            }
            char num[32];
            const char *sv;
            if (fd->type == SEAL_FT_INT) {
                assert_true(json_is_integer(v));
                assert_true(json_integer_value(v) >= 0);
                snprintf(num, sizeof(num), "%lld", (long long) json_integer_value(v));
                sv = num;
            } else {
                if (!json_is_string(v)) {
                    fail_msg("%s line %zu: %s is not a string", k->name, lines + 1, fd->name);
                }
                sv = json_string_value(v);
            }
            seal_error err;
            seal_error_init(&err);
            if (seal_field_validate(fd, sv, strlen(sv), &err) != SEAL_OK) {
                fail_msg("%s line %zu: %s '%s': %s", k->name, lines + 1, fd->name, sv, err.msg);
            }
            if (fd->type == SEAL_FT_NAME && !strict_name(sv)) {
                fail_msg("%s line %zu: %s '%s' has other characters", k->name, lines + 1, fd->name,
                         sv);
            }
        }
        /* no field the catalogue does not name */
        const char *key;
        json_t *val;
        json_object_foreach(obj, key, val)
        {
            bool known = false;
            for (size_t f = 0; f < k->nfields; f++) {
                known = known || strcmp(k->fields[f].name, key) == 0;
            }
            if (!known) {
                fail_msg("%s line %zu: unknown field %s", k->name, lines + 1, key);
            }
        }
        json_decref(obj);
        lines++;
        p = nl + 1;
    }
    assert_int_equal(lines, expect);
}

static void test_catalogue_conformance(void **state)
{
    (void) state;
    seal_gen_options o;
    small_options(&o, 5);
    o.people = 1500;
    char *d = dir_for("conform");
    seal_gen_counts n;
    gen_into(&o, d, &n);
    seal_catalogue *cat = NULL;
    seal_error err;
    seal_error_init(&err);
    assert_int_equal(seal_catalogue_load_default(&cat, &err), SEAL_OK);
    const uint64_t expect[] = {n.accounts, n.web_visits, n.tracking, n.payments, n.address_changes};
    assert_int_equal(n.accounts, 1500);
    for (size_t i = 0; i < 5; i++) {
        const seal_kind *k = seal_catalogue_kind(cat, kinds[i]);
        assert_non_null(k);
        char file[64];
        snprintf(file, sizeof(file), "%s.ndjson", kinds[i]);
        char *text = read_out(d, file, NULL);
        assert_true(expect[i] > 0);
        check_ndjson(k, text, expect[i]);
        free(text);
    }
    seal_catalogue_free(cat);
}

/* Splits one RFC 4180 record; returns the number of fields. */
static size_t csv_split(const char *line, size_t len, char fields[][320], size_t max)
{
    size_t nf = 0, i = 0;
    while (nf < max) {
        size_t w = 0;
        if (i < len && line[i] == '"') {
            i++;
            while (i < len) {
                if (line[i] == '"' && i + 1 < len && line[i + 1] == '"') {
                    fields[nf][w++] = '"';
                    i += 2;
                } else if (line[i] == '"') {
                    i++;
                    break;
                } else {
                    fields[nf][w++] = line[i++];
                }
                assert_true(w < 319);
            }
        } else {
            while (i < len && line[i] != ',') {
                assert_true(line[i] != '"');
                fields[nf][w++] = line[i++];
                assert_true(w < 319);
            }
        }
        fields[nf++][w] = '\0';
        if (i >= len) {
            break;
        }
        assert_int_equal(line[i], ',');
        i++;
    }
    return nf;
}

static void test_mail_scans(void **state)
{
    (void) state;
    seal_gen_options o;
    small_options(&o, 9);
    char *d = dir_for("scans");
    seal_gen_counts n;
    gen_into(&o, d, &n);
    assert_int_equal(n.scans, 600);
    char *text = read_out(d, "mail_scan.csv", NULL);
    const char *header = "piece_id,scanned_at,facility,class,sender_name,sender_address,"
                         "recipient_name,recipient_address,recipient_dpc\n";
    assert_memory_equal(text, header, strlen(header));
    const char *p = text + strlen(header);
    static const char *const classes[] = {"first_class", "marketing", "periodicals",
                                          "package",     "priority",  "express"};
    size_t rows = 0, with_dpc = 0, quoted = 0;
    int64_t day0 = o.start + (int64_t) (o.days - 1) * 86400;
    while (*p != '\0') {
        const char *nl = strchr(p, '\n');
        assert_non_null(nl);
        char f[10][320];
        size_t nf = csv_split(p, (size_t) (nl - p), f, 10);
        assert_int_equal(nf, 9);
        quoted += memchr(p, '"', (size_t) (nl - p)) != NULL;
        int64_t t;
        assert_int_equal(seal_time_parse(f[1], &t), SEAL_OK);
        assert_true(t >= day0 && t < day0 + 86400);
        assert_true(f[0][0] != '\0' && strlen(f[0]) <= 64);
        assert_true(f[2][0] != '\0');
        bool known = false;
        for (size_t c = 0; c < 6; c++) {
            known = known || strcmp(f[3], classes[c]) == 0;
        }
        assert_true(known);
        assert_true(f[4][0] == '\0' || strict_name(f[4]));
        assert_true(f[6][0] == '\0' || strict_name(f[6]));
        assert_true(f[7][0] != '\0');
        size_t dl = strlen(f[8]);
        assert_true(dl == 0 || dl == 11);
        for (size_t c = 0; c < dl; c++) {
            assert_true(f[8][c] >= '0' && f[8][c] <= '9');
        }
        with_dpc += dl == 11;
        rows++;
        p = nl + 1;
    }
    assert_int_equal(rows, 600);
    assert_true(with_dpc > 100 && with_dpc < 600);
    assert_true(quoted > 0);
    free(text);
}

/* mail_scan_truth.csv: one row per scan, in order, whose code agrees with
 * the scan's barcode and whose accounts exist. */
static void test_scan_truth(void **state)
{
    (void) state;
    seal_gen_options o;
    small_options(&o, 9);
    o.truth = true;
    char *d = dir_for("truth");
    gen_into(&o, d, NULL);
    char *scan = read_out(d, "mail_scan.csv", NULL);
    char *truth = read_out(d, "mail_scan_truth.csv", NULL);
    char *acct = read_out(d, "account.ndjson", NULL);
    const char *hdr = "piece_id,relation,account_id,dpc\n";
    assert_memory_equal(truth, hdr, strlen(hdr));
    const char *sp = strchr(scan, '\n') + 1, *tp = truth + strlen(hdr);
    size_t home = 0, near = 0, stranger = 0;
    while (*sp != '\0') {
        const char *snl = strchr(sp, '\n'), *tnl = strchr(tp, '\n');
        assert_non_null(tnl);
        char f[10][320], t[5][320];
        assert_int_equal(csv_split(sp, (size_t) (snl - sp), f, 10), 9);
        assert_int_equal(csv_split(tp, (size_t) (tnl - tp), t, 5), 4);
        assert_string_equal(f[0], t[0]);
        assert_int_equal(strlen(t[3]), 11);
        if (f[8][0] != '\0') {
            assert_string_equal(f[8], t[3]);
        }
        if (strcmp(t[1], "stranger") == 0) {
            assert_string_equal(t[2], "");
            stranger++;
        } else {
            char needle[400];
            snprintf(needle, sizeof(needle), "\"account_id\":\"%s\"", t[2]);
            assert_non_null(strstr(acct, needle));
            home += strcmp(t[1], "home") == 0 || strcmp(t[1], "business") == 0;
            near += strcmp(t[1], "near_miss") == 0;
        }
        sp = snl + 1;
        tp = tnl + 1;
    }
    assert_int_equal(*tp, '\0');
    assert_true(home > 30 && near > 5 && stranger > 400);
    free(scan);
    free(truth);
    free(acct);
}

static bool any_line_has(const char *text, const char *needle)
{
    return strstr(text, needle) != NULL;
}

/* Somewhere a ZIP+4: five digits, '-', four digits. */
static bool has_zip4(const char *s)
{
    for (const char *p = strchr(s, '-'); p != NULL; p = strchr(p + 1, '-')) {
        bool ok = p - s >= 5 && strlen(p) >= 5;
        for (int i = 1; ok && i <= 5; i++) {
            ok = p[-i] >= '0' && p[-i] <= '9';
        }
        for (int i = 1; ok && i <= 4; i++) {
            ok = p[i] >= '0' && p[i] <= '9';
        }
        if (ok && (p[5] < '0' || p[5] > '9')) {
            return true;
        }
    }
    return false;
}

/* The spellings docs/gen.md promises all occur. */
static void test_address_variety(void **state)
{
    (void) state;
    seal_gen_options o;
    small_options(&o, 11);
    o.people = 2000;
    char *d = dir_for("variety");
    gen_into(&o, d, NULL);
    char *acct = read_out(d, "account.ndjson", NULL);
    char *scan = read_out(d, "mail_scan.csv", NULL);
    char *trk = read_out(d, "tracking.ndjson", NULL);
    const char *needles[] = {" St,",    " Street", " Ave ", " Avenue", " Apt ", " Apt. ",
                             " #",      " Unit ",  " APT ", " Ste ",   " N ",   " N. ",
                             " North ", "-",       "  ",    ", "};
    for (size_t i = 0; i < sizeof(needles) / sizeof(needles[0]); i++) {
        if (!any_line_has(acct, needles[i]) && !any_line_has(scan, needles[i]) &&
            !any_line_has(trk, needles[i])) {
            fail_msg("no address spelled with '%s'", needles[i]);
        }
    }
    /* state names as well as codes; upper and lower case lines */
    assert_true(strstr(acct, "Colorado") != NULL || strstr(acct, "Texas") != NULL ||
                strstr(acct, "California") != NULL || strstr(acct, "Ohio") != NULL);
    assert_true(strstr(scan, " APT ") != NULL || strstr(scan, " ST ") != NULL);
    assert_true(has_zip4(acct) && has_zip4(scan));
    free(acct);
    free(scan);
    free(trk);
}

static void test_counts_and_volume(void **state)
{
    (void) state;
    seal_gen_options o;
    seal_gen_options_init(&o);
    o.people = 3000;
    o.days = 30;
    o.scans = 0;
    char *d = dir_for("volume");
    seal_gen_counts n;
    gen_into(&o, d, &n);
    /* default: days / 3 = 10 visits per person on average */
    assert_true(n.web_visits > 3000 * 8 && n.web_visits < 3000 * 12);
    char *text = read_out(d, "web_visit.ndjson", NULL);
    assert_int_equal(count_lines(text), n.web_visits);
    free(text);
    text = read_out(d, "mail_scan.csv", NULL);
    assert_int_equal(count_lines(text), 1); /* header only */
    free(text);

    o.visits_per_person = 2;
    o.people = 0;
    d = dir_for("empty");
    gen_into(&o, d, &n);
    assert_int_equal(n.accounts, 0);
    assert_int_equal(n.web_visits, 0);
    size_t len;
    text = read_out(d, "account.ndjson", &len);
    assert_int_equal(len, 0);
    free(text);
}

static void test_bad_options(void **state)
{
    (void) state;
    seal_gen_options o;
    seal_error err;
    seal_gen_options_init(&o);
    o.days = 0;
    seal_error_init(&err);
    assert_int_equal(seal_gen_options_check(&o, &err), SEAL_INVALID);
    assert_non_null(strstr(err.msg, "days"));
    seal_gen_options_init(&o);
    o.start += 3600;
    assert_int_equal(seal_gen_write(&o, dir_for("never"), NULL, NULL, NULL, &err), SEAL_INVALID);
    assert_non_null(strstr(err.msg, "start"));
    assert_int_equal(access(dir_for("never"), F_OK), -1);
}

static void test_unwritable(void **state)
{
    (void) state;
    char *file = dir_for("a-file");
    tu_write_file(file, "x");
    char sub[700];
    snprintf(sub, sizeof(sub), "%s/sub", file);
    seal_gen_options o;
    small_options(&o, 1);
    seal_error err;
    seal_error_init(&err);
    assert_int_equal(seal_gen_write(&o, sub, NULL, NULL, NULL, &err), SEAL_IO);
    assert_non_null(strstr(err.msg, "cannot create"));
}

static void test_alloc_failure(void **state)
{
    (void) state;
    seal_gen_options o;
    small_options(&o, 1);
    o.people = 10;
    char *d = dir_for("nomem");
    for (unsigned long k = 1; k <= 12; k++) {
        seal_error err;
        seal_error_init(&err);
        seal_alloc_fail_after(k);
        seal_status s = seal_gen_write(&o, d, NULL, NULL, NULL, &err);
        seal_alloc_fail_after(0);
        assert_true(s == SEAL_OK || s == SEAL_NOMEM);
        if (s == SEAL_NOMEM) {
            /* nothing half-written is left behind */
            char tmp[700];
            snprintf(tmp, sizeof(tmp), "%s/account.ndjson.tmp", d);
            assert_int_equal(access(tmp, F_OK), -1);
        }
    }
}

typedef struct seen {
    uint64_t calls, last_people, last_scans;
} seen;

static void progress(const char *phase, uint64_t done, uint64_t total, void *ud)
{
    seen *s = ud;
    s->calls++;
    assert_true(done <= total);
    if (strcmp(phase, "people") == 0) {
        assert_true(done >= s->last_people);
        s->last_people = done;
    } else {
        assert_string_equal(phase, "scans");
        s->last_scans = done;
    }
}

static void test_progress(void **state)
{
    (void) state;
    seal_gen_options o;
    small_options(&o, 3);
    o.people = 40000;
    o.visits_per_person = 0;
    o.scans = 20000;
    seen s = {0};
    seal_error err;
    seal_error_init(&err);
    assert_int_equal(seal_gen_write(&o, dir_for("progress"), progress, &s, NULL, &err), SEAL_OK);
    assert_true(s.calls >= 4);
    assert_int_equal(s.last_people, 40000);
    assert_int_equal(s.last_scans, 20000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_determinism),     cmocka_unit_test(test_catalogue_conformance),
        cmocka_unit_test(test_mail_scans),      cmocka_unit_test(test_scan_truth),
        cmocka_unit_test(test_address_variety), cmocka_unit_test(test_counts_and_volume),
        cmocka_unit_test(test_bad_options),     cmocka_unit_test(test_unwritable),
        cmocka_unit_test(test_alloc_failure),   cmocka_unit_test(test_progress),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
