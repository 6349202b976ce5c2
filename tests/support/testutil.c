/* SPDX-License-Identifier: Apache-2.0 */
/* Test helpers; see testutil.h. */
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static char tmp_template[512];

static void tu_cleanup(void)
{
    if (tmp_template[0] != '\0' && getenv("SEAL_KEEP_TMP") == NULL) {
        char cmd[600];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_template);
        if (system(cmd) != 0) {
            fprintf(stderr, "could not remove %s\n", tmp_template);
        }
    }
}

const char *tu_tmpdir(void)
{
    if (tmp_template[0] == '\0') {
        const char *base = getenv("TMPDIR");
        snprintf(tmp_template, sizeof(tmp_template), "%s/sealed-test-XXXXXX",
                 base != NULL ? base : "/tmp");
        if (mkdtemp(tmp_template) == NULL) {
            perror("mkdtemp");
            abort();
        }
        atexit(tu_cleanup);
    }
    return tmp_template;
}

char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf != NULL && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    if (buf != NULL) {
        buf[n] = '\0';
    }
    if (len != NULL) {
        *len = n;
    }
    return buf;
}

void tu_write_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fputs(s, f) < 0 || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

int tu_run(char **out, const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    FILE *p = popen(cmd, "r");
    if (p == NULL) {
        return -1;
    }
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    while ((got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    buf[n] = '\0';
    int st = pclose(p);
    if (out != NULL) {
        *out = buf;
    } else {
        free(buf);
    }
    return st == -1 ? -1 : (st >> 8) & 0xff;
}

const char *tu_sealctl(void)
{
    const char *s = getenv("SEALCTL");
    return s != NULL ? s : "sealctl";
}

const char *tu_vector(const char *rel)
{
    static char path[1024];
    const char *base = getenv("SEAL_VECTORS");
    snprintf(path, sizeof(path), "%s/%s", base != NULL ? base : "tests/vectors", rel);
    return path;
}

seal_store *tu_fresh_store(const char *prefix, char *dir_out, size_t cap)
{
    static int seq;
    snprintf(dir_out, cap, "%s/%s%d", tu_tmpdir(), prefix, seq++);
    seal_error err;
    seal_error_init(&err);
    /* a test clock from 2026-01-01: the cases give their times */
    assert_int_equal(seal_store_create_clock(dir_out, true, 1767225600, &err), SEAL_OK);
    seal_store *st = NULL;
    assert_int_equal(seal_store_open(dir_out, &st, &err), SEAL_OK);
    return st;
}

seal_record tu_make_record(seal_store *st, const char *kind, ...)
{
    seal_record r;
    memset(&r, 0, sizeof(r));
    r.kind = seal_catalogue_kind(seal_store_catalogue(st), kind);
    assert_non_null(r.kind);
    va_list ap;
    va_start(ap, kind);
    const char *pair;
    while ((pair = va_arg(ap, const char *)) != NULL) {
        const char *eq = strchr(pair, '=');
        int f = seal_kind_field(r.kind, pair, (size_t) (eq - pair));
        assert_true(f >= 0);
        r.v[f] = eq + 1;
        r.n[f] = strlen(eq + 1);
    }
    va_end(ap);
    return r;
}

seal_put_outcome tu_put(seal_store *st, const seal_record *r)
{
    seal_error err;
    seal_error_init(&err);
    seal_put_outcome o;
    assert_int_equal(seal_store_begin(st, &err), SEAL_OK);
    if (seal_store_put(st, r, &o, &err) != SEAL_OK) {
        fail_msg("put: %s", err.msg);
    }
    assert_int_equal(seal_store_commit(st, &err), SEAL_OK);
    return o;
}
