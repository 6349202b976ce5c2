/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for a subject principal's identifier, "TYPE:VALUE"
 * (seal_subject_ident_parse: `sealctl principal add --identifier`, and the
 * daemon reading the bound identifiers back for GET /v1/access). Arbitrary
 * bytes must never crash or read out of bounds, and an accepted identifier
 * has a known type, a value of 1..SEAL_SUBJECT_IDENT_MAX printable bytes
 * right after the first ':', and no ':' in its type.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sealed/registry.h"
#include "sealed/schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int type = -1;
    size_t off = 0;
    if (seal_subject_ident_parse((const char *) data, size, &type, &off) != SEAL_OK) {
        return 0;
    }
    if (off < 2 || off >= size || data[off - 1] != ':' || memchr(data, ':', off - 1) != NULL ||
        size - off > SEAL_SUBJECT_IDENT_MAX ||
        seal_index_type_name((seal_index_type) type) == NULL) {
        abort();
    }
    for (size_t i = off; i < size; i++) {
        if (data[i] < 0x20 || data[i] == 0x7f) {
            abort();
        }
    }
    return 0;
}
