/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the production manifest parser (seal_manifest_parse),
 * which reads untrusted bundles in `sealctl produce verify`. Arbitrary bytes
 * must never crash, leak or read out of bounds, and any accepted manifest
 * names only files that stay inside the bundle directory.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sealed/produce.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static seal_manifest m;
    if (seal_manifest_parse((const char *) data, size, &m, NULL) == SEAL_OK) {
        for (size_t i = 0; i < m.n_files; i++) {
            if (strchr(m.files[i].name, '/') != NULL || strcmp(m.files[i].name, "..") == 0) {
                abort();
            }
        }
    }
    return 0;
}
