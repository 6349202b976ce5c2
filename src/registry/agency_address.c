/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The recipient agency's postal address for the accounting of disclosures
 * (sealed/accounting.h seal_agency_address_set; 5 U.S.C. 552a(c)(1)). The
 * agency registry row holds a name only; the address is kept beside it as a
 * sealed blob under ("agency_address", AGENCY-ID) through the registry
 * backend's secret_put/secret_get, so no registry table changes.
 */
#include <string.h>

#include "registry/registry_int.h"
#include "sealed/accounting.h"
#include "sealed/schema.h"

#define OFFICER (1u << SEAL_ROLE_PRIVACY_OFFICER)

static seal_status has_officer(const seal_reg_principal *p, void *ud)
{
    if (p->roles & OFFICER) {
        *(bool *) ud = true;
    }
    return SEAL_OK;
}

seal_status seal_agency_address_set(const char *dir, const char *principal, int64_t now,
                                    const char *agency, const char *address, seal_error *err)
{
    size_t n = strlen(address);
    if (n == 0 || n >= SEAL_ACCT_ADDRESS_SIZE || !seal_utf8_printable(address, n)) {
        return seal_error_set(err, SEAL_INVALID, "--address: 1 to %d bytes of printable UTF-8",
                              SEAL_ACCT_ADDRESS_SIZE - 1);
    }
    seal_registry *reg = NULL;
    seal_buf ct;
    seal_buf_init(&ct);
    seal_status s = seal_registry_open(dir, principal, now, &reg, err);
    if (s == SEAL_OK && principal != NULL) {
        s = seal__reg_require(reg, OFFICER, "agency address", err);
    } else if (s == SEAL_OK) {
        bool any = false;
        s = reg->ops->principal_each(reg->be, has_officer, &any, err);
        if (s == SEAL_OK && any) {
            s = seal_error_set(err, SEAL_PERM,
                               "agency address: act as a privacy_officer (--as ID)");
        }
    }
    seal_reg_agency row;
    if (s == SEAL_OK && (s = reg->ops->agency_get(reg->be, agency, &row, err)) == SEAL_NOTFOUND) {
        s = seal_error_set(err, SEAL_NOTFOUND, "agency %s is not registered", agency);
    }
    if (s == SEAL_OK) {
        s = seal_box_seal(reg->box, agency, strlen(agency), address, n, &ct);
    }
    if (s == SEAL_OK && (s = seal__reg_begin(reg, err)) == SEAL_OK) {
        const char *ids[] = {"agency", agency, "actor", principal};
        s = reg->ops->secret_put(reg->be, "agency_address", agency, ct.data, ct.len, err);
        if (s == SEAL_OK) {
            s = seal__reg_event(reg, "agency.address_set", ids, 2, NULL, NULL, err);
        }
        if (s == SEAL_OK) {
            s = seal__reg_commit(reg, err);
        } else {
            seal__reg_rollback(reg);
        }
    }
    seal_buf_cleanup(&ct);
    seal_registry_close(reg);
    return s;
}

seal_status seal_agency_address_get(const char *dir, const char *agency, char *out, size_t cap,
                                    seal_error *err)
{
    out[0] = '\0';
    seal_registry *reg = NULL;
    seal_buf ct, pt;
    seal_buf_init(&ct);
    seal_buf_init(&pt);
    seal_status s = seal_registry_open(dir, NULL, 0, &reg, err);
    if (s == SEAL_OK) {
        s = reg->ops->secret_get(reg->be, "agency_address", agency, &ct, err);
        if (s == SEAL_NOTFOUND) {
            s = SEAL_OK;
        } else if (s == SEAL_OK) {
            s = seal_box_unseal(reg->box, agency, strlen(agency), ct.data, ct.len, &pt, err);
            if (s == SEAL_OK && pt.len < cap) {
                memcpy(out, pt.data, pt.len);
                out[pt.len] = '\0';
            }
        }
    }
    seal_buf_cleanup(&ct);
    seal_buf_cleanup(&pt);
    seal_registry_close(reg);
    return s;
}
