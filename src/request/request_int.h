/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private layout of a parsed request, shared by the parser (src/request) and
 * the policy evaluator (src/policy), which reads the fields directly so a
 * decision costs no lookups. Strings are borrowed from the jansson tree held
 * in `root`; address match keys live in `keys` at recorded offsets.
 */
#ifndef SEAL_REQUEST_INT_H
#define SEAL_REQUEST_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "sealed/request.h"

#define SEAL__REQ_MAX_PROBLEMS 32
#define SEAL__NO_KEY UINT32_MAX

typedef struct seal__subject {
    uint8_t type;        /* seal_subject_type; 0xff when unknown */
    bool ok;             /* passed every particularity check */
    uint32_t addr_key;   /* offset of the address match key in keys, or SEAL__NO_KEY */
    uint32_t ident_key;  /* offset of the standardised identifier in keys */
    const char *name;    /* person */
    const char *address; /* person, address */
    const char *value;   /* email, phone, account, tracking */
} seal__subject;

typedef struct seal__cover {
    bool present;
    int ground; /* seal_ground or -1 */
    const char *address;
    uint32_t addr_key;
    const char *dpc;
    bool has_start;
    int64_t start; /* unix midnight UTC */
    const char *start_str;
    int64_t days; /* -1 when missing */
    const char *supervisor;
    int indicted; /* -1 missing, 0, 1 */
    bool attorney_set;
    const char *attorney;    /* NULL when null */
    int subject_is_attorney; /* -1 missing, 0, 1 */
    bool all_at_address;
    const char *all_at_address_reason;
    size_t n_non_subjects;
    size_t n_exclude;
    const char *extends;
    const char *benefit_so_far;
    const char *benefit_expected;
} seal__cover;

struct seal_request {
    json_t *root;
    bool json_ok;     /* the text parsed as JSON */
    bool well_formed; /* no problems at all */
    int basis;        /* seal_basis or -1 */
    int purpose;      /* seal_purpose or -1 */
    uint32_t categories;
    bool categories_present;
    uint8_t cat_index[SEAL_CAT_COUNT]; /* index in the array, for pointers */
    const char *agency;
    const char *official;
    const char *reference;
    const char *issued_by;
    const char *facts;
    size_t facts_chars;
    const char *order;
    size_t order_len;
    const char *offense;
    bool has_issued, has_expires;
    int64_t issued_at, expires_at;
    const char *expires_str;
    bool has_notice;
    int64_t notice_until;
    const char *notice_str;
    bool has_window;
    int64_t win_from, win_to;
    const char *from_str, *to_str;
    json_t *subjects_json;
    size_t n_subjects;
    seal__subject subjects[SEAL_REQUEST_MAX_SUBJECTS];
    seal__cover cover;
    bool emergency_present;
    const char *attestation;
    size_t attestation_chars;
    size_t n_problems;
    size_t n_dropped;
    seal_reason problems[SEAL__REQ_MAX_PROBLEMS];
    seal_buf keys;
};

/* The key string at offset off in r->keys. */
static inline const char *seal__req_key(const seal_request *r, uint32_t off)
{
    return (const char *) r->keys.data + off;
}

/* Number of Unicode code points in valid UTF-8 s. */
size_t seal__utf8_chars(const char *s);

/* Fills a reason: static code, rule and message. */
void seal__reason_set(seal_reason *x, seal_severity sev, const char *code, const char *rule,
                      const char *pointer, const char *message);

/* Builds a request that passed parsing from field values, for the policy
 * enumerator (verify/diff), which has no JSON text. */
seal_status seal__request_new_blank(seal_request **out) SEAL_MUST_USE;

#endif
