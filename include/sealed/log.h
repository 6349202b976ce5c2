/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The library never prints. It reports through one log callback that the host
 * (sealctl, sealed) installs. SEAL_LOG checks the level before formatting.
 * Log lines carry ids and status names, never personal data or tokens.
 */
#ifndef SEALED_LOG_H
#define SEALED_LOG_H

typedef enum { SEAL_LOG_ERROR = 0, SEAL_LOG_WARN, SEAL_LOG_INFO, SEAL_LOG_DEBUG } seal_log_level;

typedef void (*seal_log_fn)(seal_log_level level, const char *msg, void *ud);

/* fn NULL silences the library. Not thread-safe; call at start-up. */
void seal_log_set(seal_log_fn fn, seal_log_level max_level, void *ud);

extern seal_log_level seal__log_max;
void seal__log(seal_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define SEAL_LOG(level, ...)                                                                       \
    do {                                                                                           \
        if ((level) <= seal__log_max) {                                                            \
            seal__log((level), __VA_ARGS__);                                                       \
        }                                                                                          \
    } while (0)

#endif
