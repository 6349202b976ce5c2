/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the policy loader: any bytes either load into a
 * policy that hashes and decides, or fail with a message naming the source.
 * A loaded policy is run once on a fixed request.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sealed/policy.h"
#include "sealed/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char doc[] =
    "{\"agency\": \"a\", \"official\": \"o\", \"legal_basis\": {\"type\": \"subpoena\", "
    "\"reference\": \"R\", \"issued_by\": \"c\", \"issued_at\": \"2026-11-21T00:00:00Z\", "
    "\"expires_at\": \"2027-02-19T00:00:00Z\", \"facts\": \"facts\"}, \"purpose\": "
    "{\"activity\": \"criminal_investigation\", \"offense\": \"x\"}, \"subjects\": [{\"type\": "
    "\"account\", \"value\": \"AC-1\"}], \"categories\": [\"identity\"], \"window\": {\"from\": "
    "\"2026-01-01\", \"to\": \"2026-02-01\"}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seal_error err;
    seal_policy *p = NULL;
    seal_status s = seal_policy_load((const char *) data, size, "fuzz.json", &p, &err);
    if (s != SEAL_OK) {
        if (p != NULL || strncmp(err.msg, "fuzz.json: ", 11) != 0) {
            abort();
        }
        return 0;
    }
    if (strlen(seal_policy_sha256(p)) != 64) {
        abort();
    }
    seal_request *r = NULL;
    if (seal_request_parse(doc, sizeof(doc) - 1, &r, &err) == SEAL_OK) {
        static seal_decision d;
        seal_check_options o;
        seal_check_options_init(&o, 1795000000);
        seal_policy_check(p, r, &o, &d);
        seal_request_free(r);
    }
    seal_policy_free(p);
    return 0;
}
