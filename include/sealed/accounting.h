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
#define SEAL_ACCT_ADDRESS_SIZE 257
/* keep_until of an entry whose disclosed records have no end of life yet
 * (an open account: its retention clock starts when it closes). */
#define SEAL_ACCT_KEEP_FOREVER INT64_MAX

typedef struct seal_accounting_entry {
    uint8_t subject[32];                /* keyed commitment to the subject */
    char request[SEAL_ACCT_ID_SIZE];    /* request id */
    char production[SEAL_ACCT_ID_SIZE]; /* production id */
    char agency[SEAL_ACCT_ID_SIZE];     /* recipient agency id */
    /* the recipient agency's postal address as registered when disclosed
     * (seal_agency_address_set; "" when none was registered) */
    char agency_address[SEAL_ACCT_ADDRESS_SIZE];
    char policy[SEAL_ACCT_ID_SIZE]; /* policy name the request was checked under */
    int basis;                      /* seal_basis of the request */
    int pa_basis;                   /* seal_pa_basis */
    int purpose;                    /* seal_purpose */
    uint32_t categories;            /* bit seal_category: the portion disclosed */
    int64_t window_from, window_to; /* unix midnight of the first and last day */
    int64_t at;                     /* when it was disclosed (unix s) */
    int64_t notice_until;           /* PA-8 delay of notice: unix midnight, 0 none */
    bool b7_hidden;                 /* the policy withholds (b)(7) entries for good */
    uint64_t ledger_index;          /* the production event in DATA/ledger */
    /* kept at least until (unix s; SEAL_ACCT_KEEP_FOREVER: no end yet):
     * max(at + the policy's accounting_years, end of life of every record
     * disclosed), LAW.md PA-4 */
    int64_t keep_until;
} seal_accounting_entry;

/* PA-4 / PA-8: true when the subject may see e at time now: never while a
 * delay of notice runs (now < notice_until); (b)(7) entries never when the
 * policy withholds them (cfr-233, as 552a(c)(3) allows); otherwise yes
 * (strict: once any delay has ended). */
bool seal_accounting_visible(const seal_accounting_entry *e, int64_t now) SEAL_NONNULL(1);

/* PA-4 "5 years or the life of the record, whichever is longer": the day
 * after the same calendar date `years` later (29 February -> 1 March) as
 * unix midnight, or life_end when later (SEAL_ACCT_KEEP_FOREVER wins).
 * Pure. */
int64_t seal_accounting_keep_until(int64_t at, int64_t years, int64_t life_end);

/* For the retention sweep: deletes the accounting entries of data directory
 * dir whose keep_until is at or before now, and only those (never an entry
 * kept forever, whatever was shredded), in one transaction, then appends an
 * `accounting.purged` ledger event with the count (no ids). *purged: how
 * many. */
seal_status seal_accounting_purge(const char *dir, int64_t now, int64_t *purged,
                                  seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 3);

/* The recipient's address (PA-4 "name and address of the person or agency
 * to whom the disclosure is made"). The agency registry holds names only,
 * so the address is kept beside it, sealed (sealed/box.h) in registry.db
 * under ("agency_address", AGENCY-ID), and copied into each accounting
 * entry at disclosure time. Set by a privacy officer valid at now (or the
 * operator while none is registered) for a registered agency; address:
 * printable UTF-8, 1..256 bytes. One `agency.address_set` ledger event
 * (the agency id and the actor; the address is not personal data, but the
 * ledger holds ids only). */
seal_status seal_agency_address_set(const char *dir, const char *principal, int64_t now,
                                    const char *agency, const char *address,
                                    seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 4, 5);
/* Copies the agency's address into out (cap bytes); "" when none is set. */
seal_status seal_agency_address_get(const char *dir, const char *agency, char *out, size_t cap,
                                    seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2, 3);

#endif
