/* SPDX-License-Identifier: Apache-2.0 */
/* Dispatch from index types to the standardisers. PROVISIONAL: replaced by
 * calls into src/address and src/core/ident once they land. */
#include <ctype.h>
#include <string.h>

#include "store/std.h"

int seal__std_version(void)
{
    return 101; /* address standardiser 1 x 100 + identifier standardiser 1 */
}

static seal_status upper_compact(const char *v, size_t n, seal_buf *out, seal_error *err)
{
    bool space = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) v[i];
        if (isalnum(c)) {
            if (space && out->len > 0 && seal_buf_append_byte(out, ' ') != SEAL_OK) {
                return seal_error_set(err, SEAL_NOMEM, "out of memory");
            }
            space = false;
            if (seal_buf_append_byte(out, (uint8_t) toupper(c)) != SEAL_OK) {
                return seal_error_set(err, SEAL_NOMEM, "out of memory");
            }
        } else {
            space = true;
        }
    }
    return out->len > 0 ? SEAL_OK : seal_error_set(err, SEAL_INVALID, "empty identifier");
}

seal_status seal__std_identifier(seal_index_type type, const char *v, size_t n, seal_buf *out,
                                 seal_error *err)
{
    switch (type) {
    case SEAL_IDX_EMAIL:
        for (size_t i = 0; i < n; i++) {
            if (seal_buf_append_byte(out, (uint8_t) tolower((unsigned char) v[i])) != SEAL_OK) {
                return seal_error_set(err, SEAL_NOMEM, "out of memory");
            }
        }
        return SEAL_OK;
    case SEAL_IDX_PHONE:
        for (size_t i = 0; i < n; i++) {
            if (isdigit((unsigned char) v[i]) &&
                seal_buf_append_byte(out, (uint8_t) v[i]) != SEAL_OK) {
                return seal_error_set(err, SEAL_NOMEM, "out of memory");
            }
        }
        return SEAL_OK;
    default:
        return upper_compact(v, n, out, err);
    }
}
