/* SPDX-License-Identifier: Apache-2.0 */
/* The daemon's token store (src/store/tokens.h): a token issued once is
 * found again, reissuing revokes the old one, malformed and unknown tokens
 * are refused, only hashes reach DATA/tokens.db (mode 0600), and a failed
 * allocation at any point is an error, never a crash. */
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
#include "store/tokens.h"
#include "testutil.h"

static void test_issue_find_revoke(void **state)
{
    (void) state;
    char dir[1200];
    snprintf(dir, sizeof(dir), "%s/issue", tu_tmpdir());
    assert_int_equal(mkdir(dir, 0700), 0);
    seal_tokens_backend *b = NULL;
    seal_error err;
    seal_error_init(&err);
    assert_int_equal(seal__sqlite_tokens.open(dir, &b, &err), SEAL_OK);
    char t1[SEAL_TOKEN_HEX], t2[SEAL_TOKEN_HEX], t3[SEAL_TOKEN_HEX];
    char who[SEAL_TOKEN_PRINCIPAL_SIZE];
    assert_int_equal(seal__token_issue(b, "rev1", 1, t1, &err), SEAL_OK);
    assert_int_equal(strlen(t1), 64);
    assert_int_equal(seal__token_issue(b, "aud1", 1, t2, &err), SEAL_OK);
    assert_string_not_equal(t1, t2);
    assert_int_equal(seal__token_principal(b, t1, 64, who, &err), SEAL_OK);
    assert_string_equal(who, "rev1");
    assert_int_equal(seal__token_principal(b, t2, 64, who, &err), SEAL_OK);
    assert_string_equal(who, "aud1");
    /* one token per principal: the new one revokes the old */
    assert_int_equal(seal__token_issue(b, "rev1", 2, t3, &err), SEAL_OK);
    assert_int_equal(seal__token_principal(b, t1, 64, who, &err), SEAL_NOTFOUND);
    assert_int_equal(seal__token_principal(b, t3, 64, who, &err), SEAL_OK);
    assert_string_equal(who, "rev1");
    /* malformed: short, long, upper case, not hex */
    assert_int_equal(seal__token_principal(b, t3, 63, who, &err), SEAL_NOTFOUND);
    char bad[80];
    snprintf(bad, sizeof(bad), "%s0", t3);
    assert_int_equal(seal__token_principal(b, bad, 65, who, &err), SEAL_NOTFOUND);
    memcpy(bad, t3, 65);
    bad[0] = 'A';
    assert_int_equal(seal__token_principal(b, bad, 64, who, &err), SEAL_NOTFOUND);
    bad[0] = 'g';
    assert_int_equal(seal__token_principal(b, bad, 64, who, &err), SEAL_NOTFOUND);
    seal__sqlite_tokens.close(b);

    /* only hashes on disk, and the file is private */
    char path[1300];
    snprintf(path, sizeof(path), "%s/tokens.db", dir);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 077, 0);
    size_t len = 0;
    char *db = tu_read_file(path, &len);
    assert_non_null(db);
    for (size_t i = 0; i + 64 <= len; i++) {
        assert_false(memcmp(db + i, t2, 64) == 0 || memcmp(db + i, t3, 64) == 0);
    }
    free(db);
    /* reopened: still there */
    assert_int_equal(seal__sqlite_tokens.open(dir, &b, &err), SEAL_OK);
    assert_int_equal(seal__token_principal(b, t2, 64, who, &err), SEAL_OK);
    assert_string_equal(who, "aud1");
    seal__sqlite_tokens.close(b);
    /* a store that group or others can read is refused */
    chmod(path, 0644);
    assert_int_equal(seal__sqlite_tokens.open(dir, &b, &err), SEAL_PERM);
    assert_null(b);
}

static void test_alloc_failures(void **state)
{
    (void) state;
    char dir[1200];
    snprintf(dir, sizeof(dir), "%s/alloc", tu_tmpdir());
    assert_int_equal(mkdir(dir, 0700), 0);
    seal_error err;
    for (unsigned long n = 1; n < 8; n++) {
        seal_tokens_backend *b = NULL;
        seal_alloc_fail_after(n);
        seal_status s = seal__sqlite_tokens.open(dir, &b, &err);
        seal_alloc_fail_after(0);
        if (s == SEAL_OK) {
            seal__sqlite_tokens.close(b);
        } else {
            assert_int_equal(s, SEAL_NOMEM);
            assert_null(b);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_issue_find_revoke),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
