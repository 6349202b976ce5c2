/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the check of a bundle's disagreements.ndjson
 * (seal__prod_check_disagreements), which reads untrusted bundles in
 * `sealctl produce verify`. Arbitrary bytes against a fixed manifest of two
 * subject files must never crash, leak or read out of bounds, and the answer
 * is only ever "ok" or "does not verify".
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "produce/produce_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static seal_manifest m;
    if (m.n_subjects == 0) {
        m.n_subjects = 2;
        m.n_files = 3;
        memcpy(m.files[0].name, "subject-1.ndjson", sizeof("subject-1.ndjson"));
        m.files[0].records = 3;
        memcpy(m.files[1].name, "subject-2.ndjson", sizeof("subject-2.ndjson"));
        m.files[1].records = 0;
        memcpy(m.files[2].name, "disagreements.ndjson", sizeof("disagreements.ndjson"));
        m.files[2].records = 1;
    }
    seal_status s = seal__prod_check_disagreements(&m, data, size, NULL);
    if (s != SEAL_OK && s != SEAL_VERIFY) {
        abort();
    }
    return 0;
}
