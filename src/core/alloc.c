/* SPDX-License-Identifier: Apache-2.0 */
/* The pluggable allocator and the fail-the-Nth-allocation test hook. */
#include "sealed/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *libc_malloc(size_t n, void *ud)
{
    (void) ud;
    return malloc(n);
}

static void *libc_realloc(void *p, size_t n, void *ud)
{
    (void) ud;
    return realloc(p, n);
}

static void libc_free(void *p, void *ud)
{
    (void) ud;
    free(p);
}

static seal_allocator current = {libc_malloc, libc_realloc, libc_free, NULL};
static unsigned long fail_countdown;

void seal_allocator_set(const seal_allocator *a)
{
    if (a == NULL) {
        current = (seal_allocator){libc_malloc, libc_realloc, libc_free, NULL};
    } else {
        current = *a;
    }
}

void seal_alloc_fail_after(unsigned long n)
{
    fail_countdown = n;
}

static int should_fail(void)
{
    if (fail_countdown == 0) {
        return 0;
    }
    if (fail_countdown == 1) {
        return 1; /* stays at 1: every later allocation fails too */
    }
    fail_countdown--;
    return 0;
}

void *seal_malloc(size_t n)
{
    if (should_fail()) {
        return NULL;
    }
    return current.malloc_fn(n == 0 ? 1 : n, current.ud);
}

void *seal_calloc(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size) {
        return NULL;
    }
    void *p = seal_malloc(count * size);
    if (p != NULL) {
        memset(p, 0, count * size);
    }
    return p;
}

void *seal_realloc(void *p, size_t n)
{
    if (should_fail()) {
        return NULL;
    }
    return current.realloc_fn(p, n == 0 ? 1 : n, current.ud);
}

void seal_free(void *p)
{
    if (p != NULL) {
        current.free_fn(p, current.ud);
    }
}

char *seal_strndup(const char *s, size_t n)
{
    if (s == NULL) {
        return NULL;
    }
    char *d = seal_malloc(n + 1);
    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *seal_strdup(const char *s)
{
    return s == NULL ? NULL : seal_strndup(s, strlen(s));
}
