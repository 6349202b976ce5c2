/* SPDX-License-Identifier: Apache-2.0 */
/*
 * C2SP tlog-checkpoint text (https://c2sp.org/tlog-checkpoint): the body of a
 * signed note with the origin, the tree size in decimal and the base64 root
 * hash, one per line, optionally followed by extension lines.
 */
#include <string.h>

#include "core/crypto_sign.h"
#include "sealed/ledger.h"

seal_status seal_checkpoint_parse(const char *text, size_t len, seal_checkpoint *out,
                                  seal_error *err)
{
    const char *line[3];
    size_t ll[3];
    size_t pos = 0;
    for (int i = 0; i < 3; i++) {
        const char *nl = pos < len ? memchr(text + pos, '\n', len - pos) : NULL;
        if (nl == NULL) {
            return seal_error_set(err, SEAL_CORRUPT, "checkpoint: fewer than 3 lines");
        }
        line[i] = text + pos;
        ll[i] = (size_t) (nl - (text + pos));
        pos += ll[i] + 1;
    }
    /* Extension lines, if any, must be non-empty and newline-terminated. */
    if (pos < len && text[len - 1] != '\n') {
        return seal_error_set(err, SEAL_CORRUPT, "checkpoint: last line lacks a newline");
    }
    if (ll[0] == 0 || ll[0] >= sizeof(out->origin)) {
        return seal_error_set(err, SEAL_CORRUPT, "checkpoint: origin line empty or too long");
    }
    /* Size: decimal, no sign, no leading zero, fits in 64 bits. */
    if (ll[1] == 0 || ll[1] > 20 || (ll[1] > 1 && line[1][0] == '0')) {
        return seal_error_set(err, SEAL_CORRUPT, "checkpoint: bad tree size");
    }
    uint64_t size = 0;
    for (size_t i = 0; i < ll[1]; i++) {
        char c = line[1][i];
        if (c < '0' || c > '9' || size > (UINT64_MAX - (uint64_t) (c - '0')) / 10) {
            return seal_error_set(err, SEAL_CORRUPT, "checkpoint: bad tree size");
        }
        size = size * 10 + (uint64_t) (c - '0');
    }
    uint8_t root[64];
    size_t rl = 0;
    if (seal__base64_decode(root, sizeof(root), &rl, line[2], ll[2]) != SEAL_OK ||
        rl != SEAL_HASH_SIZE) {
        return seal_error_set(err, SEAL_CORRUPT, "checkpoint: root is not base64 of 32 bytes");
    }
    memcpy(out->origin, line[0], ll[0]);
    out->origin[ll[0]] = '\0';
    out->size = size;
    memcpy(out->root, root, SEAL_HASH_SIZE);
    return SEAL_OK;
}

seal_status seal_checkpoint_format(const seal_checkpoint *c, seal_buf *out)
{
    char b64[64];
    seal__base64_encode(b64, sizeof(b64), c->root, SEAL_HASH_SIZE);
    return seal_buf_printf(out, "%s\n%llu\n%s\n", c->origin, (unsigned long long) c->size, b64);
}
