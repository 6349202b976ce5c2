/* SPDX-License-Identifier: Apache-2.0 */
/* Status names and messages, generated from SEAL_STATUS_TABLE, and the
 * formatting of detailed errors. */
#include "sealed/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const names[] = {
#define SEAL__NAME(n, m) #n,
    SEAL_STATUS_TABLE(SEAL__NAME)
#undef SEAL__NAME
};

static const char *const messages[] = {
#define SEAL__MSG(n, m) m,
    SEAL_STATUS_TABLE(SEAL__MSG)
#undef SEAL__MSG
};

const char *seal_status_name(seal_status s)
{
    if ((unsigned) s >= SEAL_STATUS_COUNT) {
        return "UNKNOWN";
    }
    return names[s];
}

const char *seal_status_message(seal_status s)
{
    if ((unsigned) s >= SEAL_STATUS_COUNT) {
        return "unknown status";
    }
    return messages[s];
}

void seal_error_init(seal_error *err)
{
    if (err != NULL) {
        err->status = SEAL_OK;
        err->msg[0] = '\0';
    }
}

seal_status seal_error_set(seal_error *err, seal_status s, const char *fmt, ...)
{
    if (err == NULL) {
        return s;
    }
    err->status = s;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return s;
}

void seal_error_prefix(seal_error *err, const char *fmt, ...)
{
    if (err == NULL) {
        return;
    }
    char head[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof(head), fmt, ap);
    va_end(ap);
    /* Truncation is acceptable: messages are for people, bounded on purpose. */
    size_t hl = strnlen(head, sizeof(head));
    size_t ml = strnlen(err->msg, sizeof(err->msg) - 1);
    if (hl + 2 >= sizeof(err->msg)) {
        hl = sizeof(err->msg) - 3;
    }
    if (hl + 2 + ml >= sizeof(err->msg)) {
        ml = sizeof(err->msg) - 1 - hl - 2;
    }
    memmove(err->msg + hl + 2, err->msg, ml);
    memcpy(err->msg, head, hl);
    err->msg[hl] = ':';
    err->msg[hl + 1] = ' ';
    err->msg[hl + 2 + ml] = '\0';
}
