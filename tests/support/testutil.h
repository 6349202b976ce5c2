/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers shared by the cmocka tests: scratch directories, whole-file
 * reads, running sealctl and a fresh record store to put records in. */
#ifndef SEAL_TESTUTIL_H
#define SEAL_TESTUTIL_H

#include <stddef.h>

#include "sealed/store.h"

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

/* Creates and opens a new store at <tu_tmpdir()>/<prefix><n> (n counts up
 * from 0 per process); the directory goes to dir_out. Fails the test on error. */
seal_store *tu_fresh_store(const char *prefix, char *dir_out, size_t cap);
/* Builds a record of the named kind from "field=value" pairs, NULL-terminated;
 * the values point into the pairs. Fails the test on an unknown kind or field. */
seal_record tu_make_record(seal_store *st, const char *kind, ...);
/* Puts r in its own transaction (begin, put, commit); fails the test on error. */
seal_put_outcome tu_put(seal_store *st, const seal_record *r);

#endif
