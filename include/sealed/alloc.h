/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The library's allocator. Every allocation in libsealed goes through these,
 * so tests can install hooks that fail the Nth allocation. Not thread-safe to
 * change while other threads allocate; set hooks before starting work.
 */
#ifndef SEALED_ALLOC_H
#define SEALED_ALLOC_H

#include <stddef.h>

typedef struct seal_allocator {
    void *(*malloc_fn)(size_t n, void *ud);
    void *(*realloc_fn)(void *p, size_t n, void *ud);
    void (*free_fn)(void *p, void *ud);
    void *ud;
} seal_allocator;

/* NULL restores the C library's allocator. */
void seal_allocator_set(const seal_allocator *a);

/* Test hook: the Nth allocation from now (1-based) and every later one fail;
 * 0 turns failure off. */
void seal_alloc_fail_after(unsigned long n);

void *seal_malloc(size_t n) __attribute__((malloc, warn_unused_result));
void *seal_calloc(size_t count, size_t size) __attribute__((malloc, warn_unused_result));
void *seal_realloc(void *p, size_t n) __attribute__((warn_unused_result));
void seal_free(void *p);
/* Copies NUL-terminated s; NULL on failure or when s is NULL. */
char *seal_strdup(const char *s) __attribute__((malloc, warn_unused_result));
char *seal_strndup(const char *s, size_t n) __attribute__((malloc, warn_unused_result));

#endif
