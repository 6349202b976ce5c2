/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the identifier standardisers (email, phone, name,
 * account id, tracking number): the first byte picks the standardiser, the
 * rest is its input. No crash, output empty on error, and every standard
 * form is a fixed point (standardising it again gives it back).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sealed/ident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef seal_status (*std_fn)(const char *, size_t, seal_buf *, seal_error *);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const std_fn fns[] = {seal_email_std, seal_phone_std, seal_name_std, seal_account_id_std,
                                 seal_tracking_std};
    if (size == 0) {
        return 0;
    }
    std_fn fn = fns[data[0] % 5];
    seal_buf out;
    seal_buf again;
    seal_buf_init(&out);
    seal_buf_init(&again);
    seal_error err;
    seal_status st = fn((const char *) data + 1, size - 1, &out, &err);
    if (st != SEAL_OK && out.len != 0) {
        abort();
    }
    if (st == SEAL_OK) {
        if (fn((const char *) out.data, out.len, &again, &err) != SEAL_OK || again.len != out.len ||
            memcmp(again.data, out.data, out.len) != 0) {
            abort();
        }
    }
    seal_buf_cleanup(&out);
    seal_buf_cleanup(&again);
    return 0;
}
