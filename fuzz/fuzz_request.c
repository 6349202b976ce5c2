/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the request document parser and the evaluator: any
 * bytes parse into a request (or a refusal), every reason is well formed
 * (static code and rule, pointer and message NUL-terminated and without
 * control characters), the decision serialises to valid-looking JSON, and a
 * well-formed request's order text can be built. Both shipped policies.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sealed/policy.h"
#include "sealed/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static seal_policy *pols[2];

static void check_reason(const seal_reason *x)
{
    if (x->code == NULL || x->rule == NULL || memchr(x->pointer, 0, sizeof(x->pointer)) == NULL ||
        memchr(x->message, 0, sizeof(x->message)) == NULL) {
        abort();
    }
    for (const char *p = x->message; *p != '\0'; p++) {
        if ((unsigned char) *p < 0x20) {
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seal_error err;
    if (pols[0] == NULL) {
        if (seal_policy_builtin("cfr-233", &pols[0], &err) != SEAL_OK ||
            seal_policy_builtin("strict", &pols[1], &err) != SEAL_OK) {
            abort();
        }
    }
    seal_request *r = NULL;
    if (seal_request_parse((const char *) data, size, &r, &err) != SEAL_OK) {
        return 0;
    }
    static seal_decision d;
    seal_check_options o;
    seal_check_options_init(&o, 1795000000);
    seal_buf b;
    seal_buf_init(&b);
    for (int k = 0; k < 2; k++) {
        seal_policy_check(pols[k], r, &o, &d);
        for (size_t i = 0; i < d.n_reasons; i++) {
            check_reason(&d.reasons[i]);
        }
        if (d.verdict != SEAL_VERDICT_REFUSED && !seal_request_well_formed(r)) {
            abort(); /* a broken document is never approved or sent to review */
        }
        seal_buf_reset(&b);
        if (seal_decision_json(&d, &b) != SEAL_OK) {
            abort();
        }
    }
    if (seal_request_well_formed(r)) {
        seal_buf_reset(&b);
        seal_status s = seal_request_order_text(r, "fuzz-issuer", &b, &err);
        (void) s;
    }
    seal_buf_cleanup(&b);
    seal_request_free(r);
    return 0;
}
