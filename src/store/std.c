/* SPDX-License-Identifier: Apache-2.0 */
/* Dispatch from index types to the standardisers: src/address for
 * addresses (the delivery-point match key), src/core/ident for the rest. */
#include "sealed/address.h"
#include "sealed/ident.h"
#include <string.h>

#include "sealed/store.h"
#include "store/std.h"

int seal__std_version(void)
{
    /* any change to either standardiser changes this number, which makes
     * `sealctl reindex` rebuild the rows the older one made */
    return SEAL_ADDRESS_STD_VERSION * 100 + SEAL_IDENT_STD_VERSION;
}

seal_status seal__std_identifier(seal_index_type type, const char *v, size_t n, seal_buf *out,
                                 seal_error *err)
{
    switch (type) {
    case SEAL_IDX_ACCOUNT:
        return seal_account_id_std(v, n, out, err);
    case SEAL_IDX_EMAIL:
        return seal_email_std(v, n, out, err);
    case SEAL_IDX_PHONE:
        return seal_phone_std(v, n, out, err);
    case SEAL_IDX_ADDRESS:
        return seal_address_key(v, n, out, err);
    case SEAL_IDX_TRACKING:
        return seal_tracking_std(v, n, out, err);
    case SEAL_IDX_NONE:
    case SEAL_IDX_COUNT:
        break;
    }
    return seal_error_set(err, SEAL_INVALID, "not an identifier type");
}

seal_status seal_identifier_check(seal_index_type type, const char *v, size_t n, seal_error *err)
{
    /* PA-6: one exact identifier, never a pattern, as in request documents */
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '*' || v[i] == '?' || v[i] == '%') {
            return seal_error_set(err, SEAL_INVALID, "not one exact identifier (no * ? or %%)");
        }
    }
    seal_buf out;
    seal_buf_init(&out);
    seal_status s = type == SEAL_IDX_NONE ? seal_name_std(v, n, &out, err)
                                          : seal__std_identifier(type, v, n, &out, err);
    if (out.data != NULL) {
        memset(out.data, 0, out.len); /* it held an identifier */
    }
    seal_buf_cleanup(&out);
    return s;
}
