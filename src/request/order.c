/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The text of a signed order, recomputed from a request: `sealctl order
 * sign` signs it and the evaluator compares an order's lines with it. The
 * format is sealed-order/v2: v1 lacked the agency line, so one order could
 * serve any agency that copied it. The subjects line commits to the "subjects" array
 * as canonical JSON (keys sorted, no whitespace, UTF-8 as is) so an order
 * cannot be moved to other people.
 */
#include <string.h>

#include "core/crypto_sha256.h"
#include "request/request_int.h"

static int dump_cb(const char *buffer, size_t size, void *data)
{
    return seal_buf_append((seal_buf *) data, buffer, size) == SEAL_OK ? 0 : -1;
}

seal_status seal_request_subjects_digest(const seal_request *r, char hex[65])
{
    if (r->subjects_json == NULL) {
        return SEAL_INVALID;
    }
    seal_buf b;
    seal_buf_init(&b);
    seal_status s = SEAL_NOMEM;
    if (json_dump_callback(r->subjects_json, dump_cb, &b, JSON_COMPACT | JSON_SORT_KEYS) != 0) {
        goto out;
    }
    uint8_t h[SEAL__SHA256_SIZE];
    seal__sha256(h, b.data, b.len);
    seal_hex_encode(hex, h, sizeof(h));
    s = SEAL_OK;
out:
    seal_buf_cleanup(&b);
    return s;
}

static bool line_safe(const char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char) *s < 0x20 || *s == 0x7f) {
            return false;
        }
    }
    return true;
}

seal_status seal_request_order_text(const seal_request *r, const char *issuer, seal_buf *out,
                                    seal_error *err)
{
    if (!r->well_formed) {
        return seal_error_set(err, SEAL_INVALID, "the request is not well formed");
    }
    if (!line_safe(issuer) || !line_safe(r->reference) || !line_safe(r->agency) ||
        issuer[0] == '\0') {
        return seal_error_set(err, SEAL_INVALID,
                              "issuer, /agency and /legal_basis/reference must be one line each");
    }
    char hex[65];
    seal_status s = seal_request_subjects_digest(r, hex);
    if (s != SEAL_OK) {
        return seal_error_set(err, s, "cannot digest /subjects");
    }
    /* v2 binds the agency: an order serves the agency it was issued to, and
     * editing /agency no longer reuses it (PA-2) */
    s = seal_buf_printf(out,
                        SEAL_ORDER_FORMAT "\nissuer %s\nagency %s\nreference %s\ntype %s\n"
                                          "subjects %s\n",
                        issuer, r->agency, r->reference, seal_basis_name((seal_basis) r->basis),
                        hex);
    /* categories sorted by name: strcmp order of the wire names */
    const char *names[SEAL_CAT_COUNT];
    size_t n = 0;
    for (int c = 0; c < SEAL_CAT_COUNT; c++) {
        if (r->categories & (1u << c)) {
            names[n++] = seal_category_name((seal_category) c);
        }
    }
    for (size_t i = 1; i < n; i++) {
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            const char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_str(out, "categories ");
    }
    for (size_t i = 0; i < n && s == SEAL_OK; i++) {
        s = seal_buf_printf(out, "%s%s", i > 0 ? "," : "", names[i]);
    }
    if (s == SEAL_OK) {
        s = seal_buf_printf(out, "\nwindow %s..%s\nexpires %s\n", r->from_str, r->to_str,
                            r->expires_str);
    }
    if (s == SEAL_OK && r->has_notice) {
        s = seal_buf_printf(out, "notice-delay-until %s\n", r->notice_str);
    }
    if (s == SEAL_OK && r->cover.present) {
        s = seal_buf_printf(out, "cover %s %s %lld\n",
                            seal_ground_name((seal_ground) r->cover.ground), r->cover.start_str,
                            (long long) r->cover.days);
    }
    if (s != SEAL_OK) {
        return seal_error_set(err, s, "order text: out of memory");
    }
    return SEAL_OK;
}
