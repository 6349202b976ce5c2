/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for the data directory's configuration parser
 * (DIR/sealed.conf): every input is written to a scratch directory's
 * sealed.conf and loaded; errors must name the file and line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sealed/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (dir[0] == '\0') {
        snprintf(dir, sizeof(dir), "/tmp/sealed-fuzz-config-XXXXXX");
        if (mkdtemp(dir) == NULL) {
            abort();
        }
    }
    char path[128];
    snprintf(path, sizeof(path), "%s/sealed.conf", dir);
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        abort();
    }
    fwrite(data, 1, size, f);
    fclose(f);
    seal_config cfg;
    seal_error err;
    seal_error_init(&err);
    seal_config_init(&cfg);
    if (seal_config_load(&cfg, dir, &err) != SEAL_OK && strstr(err.msg, "sealed.conf:") == NULL) {
        abort(); /* every refusal names file and line */
    }
    if (strlen(cfg.backend) >= sizeof(cfg.backend) ||
        strlen(cfg.master_key_file) >= sizeof(cfg.master_key_file)) {
        abort();
    }
    return 0;
}
