/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for ingest: byte 0 picks the format, byte 1 the record
 * kind, the rest is the input file. Runs the real parser, validation,
 * encryption and store (in a scratch data directory) on every input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sealed/ingest.h"
#include "sealed/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static seal_store *store;

static seal_store *get_store(void)
{
    if (store == NULL) {
        char tmpl[] = "/tmp/sealed-fuzz-ingest-XXXXXX";
        char *dir = mkdtemp(tmpl);
        char path[256];
        seal_error err;
        if (dir == NULL) {
            abort();
        }
        snprintf(path, sizeof(path), "%s/var", dir);
        if (seal_store_create(path, &err) != SEAL_OK ||
            seal_store_open(path, &store, &err) != SEAL_OK) {
            fprintf(stderr, "fuzz_ingest: %s\n", err.msg);
            abort();
        }
    }
    return store;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0;
    }
    seal_store *st = get_store();
    const seal_catalogue *cat = seal_store_catalogue(st);
    const seal_kind *kind = seal_catalogue_kind_at(cat, data[1] % 5);
    seal_ingest_options opt = {.format = (data[0] & 1) ? SEAL_FORMAT_CSV : SEAL_FORMAT_NDJSON,
                               .batch_size = (data[0] & 2) ? 2 : 0};
    FILE *in = fmemopen((void *) (uintptr_t) (data + 2), size - 2, "rb");
    if (in == NULL) {
        return 0;
    }
    seal_ingest_result res;
    seal_error err;
    seal_error_init(&err);
    seal_status s = seal_ingest(st, kind, in, "fuzz", &opt, &res, &err);
    fclose(in);
    if (s != SEAL_OK && (err.msg[0] == '\0' || strncmp(err.msg, "fuzz:", 5) != 0)) {
        abort(); /* every failure must say where */
    }
    return 0;
}
