/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The accounting of disclosures (5 U.S.C. 552a(c); LAW.md PA-4, PA-8): one
 * entry per production and subject, keyed by the subject's keyed commitment
 * (seal_store_commitment), never by its identifier, and holding no record
 * content, so entries outlive the subject's records and even its shredding
 * (kept at least five years). Which entries the subject may see is decided
 * here, by seal_accounting_visible, and nowhere else.
 *
 * Entries are plain values (no allocation); the functions are pure and
 * thread-safe.
 */
#ifndef SEALED_ACCOUNTING_H
#define SEALED_ACCOUNTING_H

#include <stdbool.h>
#include <stdint.h>

#include "sealed/status.h"

/* PA-1: the Privacy Act basis of a disclosure, derived from the request's
 * legal basis. The order is stored and never changes. */
typedef enum {
    SEAL_PA_CONSENT = 0, /* 552a(b) preamble: the subject's prior written consent */
    SEAL_PA_B7,          /* (b)(7): a civil or criminal law-enforcement request */
    SEAL_PA_B8,          /* (b)(8): compelling circumstances of health or safety */
    SEAL_PA_B11,         /* (b)(11): an order of a court */
    SEAL_PA_COUNT
} seal_pa_basis;

/* "b7" etc.; NULL when out of range. */
const char *seal_pa_basis_name(int b);
/* PA-1 mapping from seal_basis: consent -> consent; subpoena, mail_cover ->
 * (b)(7); court_order, warrant -> (b)(11); emergency -> (b)(8). -1 for
 * preservation (it discloses nothing) and unknown values. */
int seal_pa_basis_of(int basis);

/* Five years, the floor of PA-4 (LAW.md "accounting kept"). */
#define SEAL_ACCOUNTING_KEEP_DAYS 1827
#define SEAL_ACCT_ID_SIZE 129

typedef struct seal_accounting_entry {
    uint8_t subject[32];                /* keyed commitment to the subject */
    char request[SEAL_ACCT_ID_SIZE];    /* request id */
    char production[SEAL_ACCT_ID_SIZE]; /* production id */
    char agency[SEAL_ACCT_ID_SIZE];     /* recipient agency id */
    char policy[SEAL_ACCT_ID_SIZE];     /* policy name the request was checked under */
    int basis;                          /* seal_basis of the request */
    int pa_basis;                       /* seal_pa_basis */
    int purpose;                        /* seal_purpose */
    uint32_t categories;                /* bit seal_category: the portion disclosed */
    int64_t window_from, window_to;     /* unix midnight of the first and last day */
    int64_t at;                         /* when it was disclosed (unix s) */
    int64_t notice_until;               /* PA-8 delay of notice: unix midnight, 0 none */
    bool b7_hidden;                     /* the policy withholds (b)(7) entries for good */
    uint64_t ledger_index;              /* the production event in DATA/ledger */
    int64_t keep_until;                 /* kept at least until (unix s) */
} seal_accounting_entry;

/* PA-4 / PA-8: true when the subject may see e at time now: never while a
 * delay of notice runs (now < notice_until); (b)(7) entries never when the
 * policy withholds them (cfr-233, as 552a(c)(3) allows); otherwise yes
 * (strict: once any delay has ended). */
bool seal_accounting_visible(const seal_accounting_entry *e, int64_t now) SEAL_NONNULL(1);

#endif
