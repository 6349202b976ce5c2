/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for the record catalogue loader. */
#include <stdint.h>
#include <stdlib.h>

#include "sealed/schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seal_catalogue *cat = NULL;
    seal_error err;
    if (seal_catalogue_load_buf((const char *) data, size, &cat, &err) == SEAL_OK) {
        for (size_t i = 0; i < seal_catalogue_kind_count(cat); i++) {
            const seal_kind *k = seal_catalogue_kind_at(cat, i);
            for (size_t f = 0; f < k->nfields; f++) {
                seal_status s = seal_field_validate(&k->fields[f], "x", 1, &err);
                (void) s;
            }
        }
        seal_catalogue_free(cat);
    }
    return 0;
}
