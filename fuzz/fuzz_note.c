/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the signed-note and checkpoint parsers: arbitrary
 * bytes as a signed note (verified against a fixed key), as a verifier key,
 * and as checkpoint text. Must never crash, leak or read out of bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sealed/ledger.h"
#include "sealed/note.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char vkey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static seal_note_verifier *v;
    if (v == NULL && seal_note_verifier_new(vkey, strlen(vkey), &v, NULL) != SEAL_OK) {
        return 0;
    }
    const seal_note_verifier *vs[1] = {v};
    size_t tl = 0;
    seal_checkpoint cp;
    if (seal_note_verify((const char *) data, size, vs, 1, &tl, NULL) == SEAL_OK) {
        (void) seal_checkpoint_parse((const char *) data, tl, &cp, NULL);
    }
    (void) seal_checkpoint_parse((const char *) data, size, &cp, NULL);
    seal_note_verifier *k = NULL;
    if (seal_note_verifier_new((const char *) data, size, &k, NULL) == SEAL_OK) {
        seal_note_verifier_free(k);
    }
    (void) seal_event_check(data, size, NULL);
    return 0;
}
