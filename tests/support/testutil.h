/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers shared by the cmocka tests: scratch directories, whole-file
 * reads and running sealctl. */
#ifndef SEAL_TESTUTIL_H
#define SEAL_TESTUTIL_H

#include <stddef.h>

/* mkdtemp under $TMPDIR (or /tmp); removed (rm -rf) at exit. Never NULL. */
const char *tu_tmpdir(void);
/* Whole file, NUL-terminated, malloc'd; NULL if unreadable. */
char *tu_read_file(const char *path, size_t *len);
/* Writes s to path; aborts on failure. */
void tu_write_file(const char *path, const char *s);
/* Runs a shell command; returns its exit status; captures stdout (malloc'd)
 * when out is not NULL. */
int tu_run(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* $SEALCTL or "sealctl". */
const char *tu_sealctl(void);
/* Path of a file under tests/vectors. */
const char *tu_vector(const char *rel);

#endif
