/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the backup manifest reader (seal_backup_manifest_parse),
 * which reads untrusted backups in `sealctl backup verify` and `restore`.
 * Arbitrary bytes must never crash, leak or read out of bounds; an accepted
 * manifest names only relative paths that stay inside the backup, reads back
 * the same after the writer formats it, and never claims a checkpoint larger
 * than its ledger.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sealed/backup.h"
#include "store/backup_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seal_backup_manifest m, m2;
    if (seal_backup_manifest_parse((const char *) data, size, &m, NULL) != SEAL_OK) {
        return 0;
    }
    if (m.checkpoint_size > m.ledger_size) {
        abort();
    }
    for (size_t i = 0; i < m.nfiles; i++) {
        const char *p = m.files[i].path;
        size_t n = strlen(p);
        if (p[0] == '/' || strncmp(p, "../", 3) == 0 || strcmp(p, "..") == 0 ||
            strstr(p, "/../") != NULL || (n >= 3 && strcmp(p + n - 3, "/..") == 0) ||
            strstr(p, "//") != NULL) {
            abort();
        }
    }
    seal_buf out;
    seal_buf_init(&out);
    if (seal__backup_manifest_format(&m, &out) == SEAL_OK) {
        if (seal_backup_manifest_parse((const char *) out.data, out.len, &m2, NULL) != SEAL_OK ||
            m2.nfiles != m.nfiles || m2.records != m.records || m2.created != m.created ||
            memcmp(m2.ledger_root, m.ledger_root, 32) != 0) {
            abort();
        }
        seal_backup_manifest_cleanup(&m2);
    }
    seal_buf_cleanup(&out);
    seal_backup_manifest_cleanup(&m);
    return 0;
}
