/* SPDX-License-Identifier: Apache-2.0 */
/* The data directory's writer lock (src/core/dirlock.h): the daemon holds
 * it exclusively with its PID in DIR/lock; a second daemon and sealctl's
 * writers are refused by that PID while it does; writers share it with one
 * another and keep a daemon from starting; release empties the PID; no lock
 * file and create = false is nothing to hold. flock locks belong to open
 * files, so two takes in one process conflict as two processes would. */
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

#include "core/dirlock.h"
#include "testutil.h"

static char dir[1200];

static void read_lock(char *out, size_t n)
{
    char path[1300];
    snprintf(path, sizeof(path), "%s/lock", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t k = fread(out, 1, n - 1, f);
    out[k] = '\0';
    fclose(f);
}

static void test_daemon_then_writers(void **state)
{
    (void) state;
    snprintf(dir, sizeof(dir), "%s/d1", tu_tmpdir());
    assert_int_equal(mkdir(dir, 0700), 0);
    seal_error err;
    seal_error_init(&err);
    int d = -1, w = -1, d2 = -1;
    long pid = -1;
    assert_int_equal(seal__dirlock_take(dir, true, true, &d, &pid, &err), SEAL_OK);
    assert_true(d >= 0);
    char b[64], want[1400];
    read_lock(b, sizeof(b));
    snprintf(want, sizeof(want), "%ld\n", (long) getpid());
    assert_string_equal(b, want);
    /* the attacker's attempts: a sealctl writer, a second daemon */
    assert_int_equal(seal__dirlock_take(dir, false, true, &w, &pid, &err), SEAL_EXISTS);
    assert_int_equal(w, -1);
    assert_int_equal(pid, (long) getpid());
    snprintf(want, sizeof(want), "%s is served by sealed (PID %ld)", dir, (long) getpid());
    assert_string_equal(err.msg, want);
    seal_error_init(&err);
    assert_int_equal(seal__dirlock_take(dir, true, true, &d2, &pid, &err), SEAL_EXISTS);
    assert_int_equal(d2, -1);
    assert_string_equal(err.msg, want);
    /* gone with the daemon: the PID too */
    seal__dirlock_release(d, true);
    read_lock(b, sizeof(b));
    assert_string_equal(b, "");
    int w2 = -1;
    assert_int_equal(seal__dirlock_take(dir, false, true, &w, &pid, &err), SEAL_OK);
    assert_int_equal(seal__dirlock_take(dir, false, true, &w2, &pid, &err), SEAL_OK);
    assert_true(w >= 0 && w2 >= 0);
    /* a daemon cannot start under a writer, and says why */
    seal_error_init(&err);
    assert_int_equal(seal__dirlock_take(dir, true, true, &d, &pid, &err), SEAL_EXISTS);
    assert_int_equal(pid, 0);
    snprintf(want, sizeof(want), "%s is in use by a sealctl command that writes to it; try again",
             dir);
    assert_string_equal(err.msg, want);
    seal__dirlock_release(w, false);
    seal__dirlock_release(w2, false);
    assert_int_equal(seal__dirlock_take(dir, true, true, &d, &pid, &err), SEAL_OK);
    seal__dirlock_release(d, true);
}

static void test_no_file(void **state)
{
    (void) state;
    snprintf(dir, sizeof(dir), "%s/d2", tu_tmpdir());
    assert_int_equal(mkdir(dir, 0700), 0);
    seal_error err;
    seal_error_init(&err);
    int fd = 7;
    long pid = 7;
    /* no lock file and create = false (sealctl log on a ledger of its own) */
    assert_int_equal(seal__dirlock_take(dir, false, false, &fd, &pid, &err), SEAL_OK);
    assert_int_equal(fd, -1);
    char path[1300];
    snprintf(path, sizeof(path), "%s/lock", dir);
    struct stat sb;
    assert_int_not_equal(stat(path, &sb), 0);
    /* no directory at all (init makes it) */
    snprintf(path, sizeof(path), "%s/none", dir);
    assert_int_equal(seal__dirlock_take(path, false, true, &fd, &pid, &err), SEAL_OK);
    assert_int_equal(fd, -1);
    seal__dirlock_release(fd, false); /* nothing held: a no-op */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_daemon_then_writers),
        cmocka_unit_test(test_no_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
