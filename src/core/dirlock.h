/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The data directory's writer lock, DIR/lock (flock). The daemon holds it
 * exclusively for its whole life, with its PID written in the file, so a
 * second daemon is refused at start and sealctl's writing commands, which
 * hold it shared while they run, are refused while a daemon serves the
 * directory. It is separate from the ledger journal's own flock: inside the
 * daemon, the library may open and close the ledger by path (productions,
 * subject access, sweeps) without giving the directory up.
 */
#ifndef SEAL_CORE_DIRLOCK_H
#define SEAL_CORE_DIRLOCK_H

#include <stdbool.h>

#include "sealed/status.h"

/* Takes DIR/lock, exclusively (daemon) or shared (a sealctl writer),
 * without waiting; the daemon writes its PID in it. create: make the file
 * if missing (else no file: *fd = -1, SEAL_OK, nothing to hold). On
 * SEAL_EXISTS a daemon holds it (*pid its PID, 0 if unreadable;
 * message "DIR is served by sealed (PID N)") or, for the daemon, a sealctl
 * command is writing (*pid = 0). Release with seal__dirlock_release. */
SEAL_MUST_USE seal_status seal__dirlock_take(const char *dir, bool daemon, bool create, int *fd,
                                             long *pid, seal_error *err);
/* Gives the lock up (fd < 0: nothing); the daemon empties the PID first. */
void seal__dirlock_release(int fd, bool daemon);

#endif
