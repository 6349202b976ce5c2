/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The request document (DESIGN.md "The request document"): an agency's
 * request for records, parsed strictly from JSON. Parsing never fails on bad
 * input: every problem (schema, particularity under PA-6) becomes a reason
 * that names the field by JSON pointer (RFC 6901), and the policy evaluator
 * (policy.h) reports it with the rules it checks. Only resource failures
 * (memory) are errors.
 *
 * A parsed request is immutable and may be read from several threads. The
 * library never copies personal data into reasons: they hold codes, rule ids,
 * pointers and fixed messages only.
 */
#ifndef SEALED_REQUEST_H
#define SEALED_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealed/buf.h"
#include "sealed/status.h"

/* Largest document accepted, in bytes, and deepest nesting of objects and
 * arrays (a valid document nests 3 deep). */
#define SEAL_REQUEST_MAX_SIZE 65536
#define SEAL_REQUEST_MAX_DEPTH 8
/* Hard limit on subjects whatever the policy (policies may allow fewer). */
#define SEAL_REQUEST_MAX_SUBJECTS 100

/* The closed lists of DESIGN.md; the order is the wire order of the enum
 * names (seal_basis_name etc.) and never changes, since policies and
 * precomputed bitmasks index by it. */
typedef enum {
    SEAL_BASIS_CONSENT = 0,
    SEAL_BASIS_SUBPOENA,
    SEAL_BASIS_COURT_ORDER,
    SEAL_BASIS_WARRANT,
    SEAL_BASIS_MAIL_COVER,
    SEAL_BASIS_EMERGENCY,
    SEAL_BASIS_PRESERVATION,
    SEAL_BASIS_COUNT
} seal_basis;

typedef enum {
    SEAL_CAT_IDENTITY = 0,
    SEAL_CAT_CONTACT,
    SEAL_CAT_NETWORK_SESSION,
    SEAL_CAT_PAYMENT_MEANS,
    SEAL_CAT_NETWORK_ACTIVITY,
    SEAL_CAT_PAYMENT_DETAIL,
    SEAL_CAT_TRACKING,
    SEAL_CAT_ADDRESS_HISTORY,
    SEAL_CAT_MAIL_EXTERIOR,
    SEAL_CAT_COUNT
} seal_category;

typedef enum {
    SEAL_PURPOSE_CRIMINAL_INVESTIGATION = 0,
    SEAL_PURPOSE_FUGITIVE,
    SEAL_PURPOSE_NATIONAL_SECURITY,
    SEAL_PURPOSE_FORFEITURE,
    SEAL_PURPOSE_POSTAL_STATUTE,
    SEAL_PURPOSE_CIVIL_IMMIGRATION,
    SEAL_PURPOSE_CIVIL_OTHER,
    SEAL_PURPOSE_HEALTH_SAFETY,
    SEAL_PURPOSE_COUNT
} seal_purpose;

/* 39 CFR 233.3(e)(2): the grounds a mail cover may rest on (MC-1). */
typedef enum {
    SEAL_GROUND_CRIME = 0,
    SEAL_GROUND_FUGITIVE,
    SEAL_GROUND_NATIONAL_SECURITY,
    SEAL_GROUND_POSTAL_STATUTE,
    SEAL_GROUND_FORFEITURE,
    SEAL_GROUND_COUNT
} seal_ground;

typedef enum {
    SEAL_SUBJECT_PERSON = 0,
    SEAL_SUBJECT_ADDRESS,
    SEAL_SUBJECT_EMAIL,
    SEAL_SUBJECT_PHONE,
    SEAL_SUBJECT_ACCOUNT,
    SEAL_SUBJECT_TRACKING,
    SEAL_SUBJECT_TYPE_COUNT
} seal_subject_type;

/* Wire names ("court_order"); NULL when out of range. */
const char *seal_basis_name(seal_basis b);
const char *seal_category_name(seal_category c);
const char *seal_purpose_name(seal_purpose p);
const char *seal_ground_name(seal_ground g);
const char *seal_subject_type_name(seal_subject_type t);
/* Reverse lookups; -1 when the name is not in the closed list. */
int seal_basis_from_name(const char *s, size_t n);
int seal_category_from_name(const char *s, size_t n);
int seal_purpose_from_name(const char *s, size_t n);

/* One reason a request is refused, needs review, or carries a note. code,
 * rule and message point at static strings or into the reason itself;
 * pointer is an RFC 6901 JSON pointer into the request ("" = the whole
 * document). Messages never contain personal data. */
typedef enum {
    SEAL_SEVERITY_REFUSE = 0, /* the request cannot be served */
    SEAL_SEVERITY_REVIEW,     /* a person must approve */
    SEAL_SEVERITY_NOTE        /* informational (deadlines); does not block */
} seal_severity;

#define SEAL_REASON_POINTER_MAX 96
#define SEAL_REASON_MESSAGE_MAX 160

typedef struct seal_reason {
    const char *code; /* "subject.pattern" */
    const char *rule; /* "PA-6" */
    seal_severity severity;
    char pointer[SEAL_REASON_POINTER_MAX];
    char message[SEAL_REASON_MESSAGE_MAX];
} seal_reason;

typedef struct seal_request seal_request;

/* Parses a request document of len bytes (need not be NUL-terminated).
 * Always yields a request (*out, owned by the caller: seal_request_free)
 * unless memory runs out (SEAL_NOMEM). A document that is not JSON, or breaks
 * the schema, gives a request whose problems (seal_request_problems) say so;
 * the evaluator refuses it. */
seal_status seal_request_parse(const char *json, size_t len, seal_request **out,
                               seal_error *err) SEAL_MUST_USE SEAL_NONNULL(3);
void seal_request_free(seal_request *r);

/* Problems found while parsing (schema and particularity), in document
 * order; borrowed, valid while r lives. */
size_t seal_request_problem_count(const seal_request *r);
const seal_reason *seal_request_problem(const seal_request *r, size_t i);
/* True when the document parsed as JSON and every field had a valid shape,
 * so every rule of the evaluator could be checked. */
bool seal_request_well_formed(const seal_request *r);

/* Accessors for callers that route or record the request (NULL / -1 when the
 * field is missing or invalid). Strings are borrowed from r. */
int seal_request_basis(const seal_request *r);
int seal_request_purpose(const seal_request *r);
const char *seal_request_agency(const seal_request *r);
const char *seal_request_reference(const seal_request *r);
size_t seal_request_subject_count(const seal_request *r);
/* Bitmask of requested categories: bit seal_category. */
uint32_t seal_request_categories(const seal_request *r);

/* Lower-case hex SHA-256 of the request's "subjects" array as canonical JSON
 * (keys sorted, no whitespace, UTF-8 unescaped; DESIGN.md "Signed orders")
 * into hex (65 bytes). SEAL_INVALID when the request has no subjects array. */
seal_status seal_request_subjects_digest(const seal_request *r, char hex[65]) SEAL_MUST_USE;

/* The first line of a signed order's text. v2 adds `agency ID` after
 * `issuer ID`; v1 orders are refused (re-sign them with `sealctl order sign`). */
#define SEAL_ORDER_FORMAT "sealed-order/v2"
/* Appends to out the text of the signed order that this request needs, as
 * issuer `issuer` would sign it: SEAL_ORDER_FORMAT and every line recomputed
 * from the request (issuer, agency, reference, type, subjects, categories,
 * window, expires, [notice-delay-until], [cover]). SEAL_INVALID when the
 * request is not well formed. */
seal_status seal_request_order_text(const seal_request *r, const char *issuer, seal_buf *out,
                                    seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2, 3);

#endif
