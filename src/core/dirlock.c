/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The data directory's writer lock (core/dirlock.h): DIR/lock, flock'd
 * exclusively by the daemon for its whole life (its PID in the file) and
 * shared by sealctl's writing commands while they run.
 */
#include "core/dirlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

/* The holder's PID; a daemon that has just taken the lock may not have
 * written it yet, so an empty file is read again for a little while. */
static long holder_pid(int fd)
{
    for (int tries = 0; tries < 100; tries++) {
        char b[32];
        ssize_t n = pread(fd, b, sizeof(b) - 1, 0);
        if (n > 0) {
            b[n] = '\0';
            char *end = NULL;
            long pid = strtol(b, &end, 10);
            if (end != b && pid > 0 && (*end == '\n' || *end == '\0')) {
                return pid;
            }
        }
        struct timespec ts = {0, 2 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return 0;
}

seal_status seal__dirlock_take(const char *dir, bool daemon, bool create, int *fd, long *pid,
                               seal_error *err)
{
    *fd = -1;
    *pid = 0;
    char path[1100];
    int w = snprintf(path, sizeof(path), "%s/lock", dir);
    if (w < 0 || (size_t) w >= sizeof(path)) {
        return seal_error_set(err, SEAL_INVALID, "data directory path too long");
    }
    int f = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
    if (f < 0) {
        if (errno == ENOENT) {
            return SEAL_OK; /* no directory (or no lock file): nobody serves it */
        }
        return seal_error_set(err, SEAL_IO, "%s: cannot open the lock file (%s)", dir,
                              strerror(errno));
    }
    if (flock(f, (daemon ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
        int e = errno;
        seal_status s;
        if (e != EWOULDBLOCK) {
            s = seal_error_set(err, SEAL_IO, "%s: cannot lock (%s)", dir, strerror(e));
        } else if (daemon && flock(f, LOCK_SH | LOCK_NB) == 0) {
            /* only shared holders: sealctl commands writing right now */
            (void) flock(f, LOCK_UN);
            s = seal_error_set(err, SEAL_EXISTS,
                               "%s is in use by a sealctl command that writes to it; try again",
                               dir);
        } else {
            *pid = holder_pid(f);
            s = *pid > 0
                    ? seal_error_set(err, SEAL_EXISTS, "%s is served by sealed (PID %ld)", dir,
                                     *pid)
                    : seal_error_set(err, SEAL_EXISTS, "%s is served by sealed (PID unknown)", dir);
        }
        close(f);
        return s;
    }
    if (daemon) {
        char b[32];
        int n = snprintf(b, sizeof(b), "%ld\n", (long) getpid());
        if (ftruncate(f, 0) != 0 || pwrite(f, b, (size_t) n, 0) != n) {
            close(f);
            return seal_error_set(err, SEAL_IO, "%s: cannot write the lock file", dir);
        }
    }
    *fd = f;
    return SEAL_OK;
}

void seal__dirlock_release(int fd, bool daemon)
{
    if (fd < 0) {
        return;
    }
    if (daemon) {
        (void) !ftruncate(fd, 0); /* no stale PID once the lock is gone */
    }
    close(fd);
}
