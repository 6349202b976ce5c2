/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the address standardiser: parse, normalize and key
 * on arbitrary bytes must not crash, must leave the output empty on error,
 * and, with SEAL_FUZZ_STRICT set, normalising must be idempotent (the
 * standard line normalises to itself and keeps its key). The strict check
 * is opt-in because fuzzing still finds rare garbage inputs where it fails
 * (docs/address.md, "What version 1 does not cover").
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sealed/address.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seal_buf norm;
    seal_buf again;
    seal_buf key;
    seal_buf key2;
    seal_buf_init(&norm);
    seal_buf_init(&again);
    seal_buf_init(&key);
    seal_buf_init(&key2);
    seal_address a;
    seal_error err;
    (void) seal_address_parse((const char *) data, size, &a, &err);
    seal_status sn = seal_address_normalize((const char *) data, size, &norm, &err);
    seal_status sk = seal_address_key((const char *) data, size, &key, &err);
    if ((sn != SEAL_OK && norm.len != 0) || (sk != SEAL_OK && key.len != 0)) {
        abort();
    }
    static int strict = -1;
    if (strict < 0) {
        strict = getenv("SEAL_FUZZ_STRICT") != NULL;
    }
    if (strict && sn == SEAL_OK) {
        if (seal_address_normalize((const char *) norm.data, norm.len, &again, &err) != SEAL_OK ||
            again.len != norm.len || memcmp(again.data, norm.data, norm.len) != 0) {
            abort();
        }
        seal_status sk2 = seal_address_key((const char *) norm.data, norm.len, &key2, &err);
        if (sk2 != sk ||
            (sk == SEAL_OK && (key2.len != key.len || memcmp(key2.data, key.data, key.len) != 0))) {
            abort();
        }
    }
    seal_buf_cleanup(&norm);
    seal_buf_cleanup(&again);
    seal_buf_cleanup(&key);
    seal_buf_cleanup(&key2);
    return 0;
}
