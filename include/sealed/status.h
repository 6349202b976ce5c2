/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One status enum for the whole of sealed, generated with its names and
 * messages from a single X-macro table, and the error struct that carries a
 * detailed message (what failed, where, which field) back to the caller.
 * The library never prints: callers print seal_error.msg.
 */
#ifndef SEALED_STATUS_H
#define SEALED_STATUS_H

#include <stddef.h>

#define SEAL_MUST_USE __attribute__((warn_unused_result))
#define SEAL_NONNULL(...) __attribute__((nonnull(__VA_ARGS__)))
#define SEAL_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* X(name, message) */
#define SEAL_STATUS_TABLE(X)                                                                       \
    X(OK, "ok")                                                                                    \
    X(NOMEM, "out of memory")                                                                      \
    X(INVALID, "invalid input")                                                                    \
    X(IO, "input/output error")                                                                    \
    X(NOTFOUND, "not found")                                                                       \
    X(EXISTS, "already exists")                                                                    \
    X(PERM, "insecure or missing permissions")                                                     \
    X(KEY, "wrong key")                                                                            \
    X(CRYPTO, "authentication failed: data tampered or wrong key")                                 \
    X(CORRUPT, "data corrupt or truncated")                                                        \
    X(STORE, "store error")                                                                        \
    X(LIMIT, "limit exceeded")                                                                     \
    X(SHREDDED, "subject's data key has been shredded")                                            \
    X(REFUSED, "refused")                                                                          \
    X(UNSUPPORTED, "unsupported")                                                                  \
    X(VERIFY, "verification failed")                                                               \
    X(USAGE, "usage error")

typedef enum {
#define SEAL__ENUM(n, m) SEAL_##n,
    SEAL_STATUS_TABLE(SEAL__ENUM)
#undef SEAL__ENUM
        SEAL_STATUS_COUNT
} seal_status;

/* Static strings; never NULL, also for out-of-range values. */
const char *seal_status_name(seal_status s);
const char *seal_status_message(seal_status s);

/* Detailed error. Callers allocate it (on the stack is fine); functions that
 * take a `seal_error *` accept NULL when the caller wants no detail. */
typedef struct seal_error {
    seal_status status;
    char msg[512];
} seal_error;

void seal_error_init(seal_error *err);
/* Sets err->status and formats err->msg; returns s so callers can write
 * `return seal_error_set(err, SEAL_INVALID, "...")`. NULL err is allowed. */
seal_status seal_error_set(seal_error *err, seal_status s, const char *fmt, ...) SEAL_PRINTF(3, 4);
/* Prefixes the existing message with "prefix: ". */
void seal_error_prefix(seal_error *err, const char *fmt, ...) SEAL_PRINTF(2, 3);

#endif
