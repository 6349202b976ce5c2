/* SPDX-License-Identifier: Apache-2.0 */
/* Dispatch from index types to the standardisers: src/address for
 * addresses (the delivery-point match key), src/core/ident for the rest. */
#include "sealed/address.h"
#include "sealed/ident.h"
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
