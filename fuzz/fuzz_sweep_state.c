/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the retention sweep's persisted state
 * (seal__sweep_decode, read back from the record store when a sweep
 * resumes). Arbitrary bytes must never crash or read out of bounds, and
 * any accepted state encodes back to exactly the same bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sealed/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static seal_sweep sw;
    if (seal__sweep_decode(&sw, data, size) != SEAL_OK) {
        return 0;
    }
    if (sw.n_pending > SEAL_SWEEP_BATCH_MAX || sw.id[16] != '\0') {
        abort();
    }
    seal_buf b;
    seal_buf_init(&b);
    if (seal__sweep_encode(&sw, &b) != SEAL_OK || b.len != size ||
        memcmp(b.data, data, size) != 0) {
        abort();
    }
    seal_buf_cleanup(&b);
    return 0;
}
