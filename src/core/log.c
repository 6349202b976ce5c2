/* SPDX-License-Identifier: Apache-2.0 */
/* The host-installed log callback. */
#include "sealed/log.h"

#include <stdarg.h>
#include <stdio.h>

seal_log_level seal__log_max = SEAL_LOG_ERROR;
static seal_log_fn log_fn;
static void *log_ud;

void seal_log_set(seal_log_fn fn, seal_log_level max_level, void *ud)
{
    log_fn = fn;
    log_ud = ud;
    seal__log_max = fn == NULL ? SEAL_LOG_ERROR : max_level;
}

void seal__log(seal_log_level level, const char *fmt, ...)
{
    if (log_fn == NULL) {
        return;
    }
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log_fn(level, msg, log_ud);
}
