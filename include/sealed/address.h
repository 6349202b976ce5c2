/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Address standardisation (USPS Publication 28) and delivery-point match
 * keys. Input is one address as printed on one line ("1400 W Colfax Ave Apt
 * 3, Denver CO 80204"); output is the USPS-standard line or a match key that
 * is equal for spellings of one delivery point and different for different
 * delivery points. Blind-index rows record SEAL_ADDRESS_STD_VERSION, so a
 * later standardiser can re-index rows made by an older one.
 *
 * All functions are pure: no global state, no allocation beyond growing the
 * caller's output buffer, thread-safe. Error messages name what is wrong and
 * never quote the address (it is personal data).
 */
#ifndef SEALED_ADDRESS_H
#define SEALED_ADDRESS_H

#include <stddef.h>

#include "sealed/buf.h"
#include "sealed/status.h"

/* Bumped whenever normalize or key output changes for any input. */
#define SEAL_ADDRESS_STD_VERSION 3

/* Longest input accepted, in bytes; longer input is SEAL_INVALID. */
#define SEAL_ADDRESS_MAX_INPUT 512

typedef enum {
    SEAL_ADDRESS_STREET = 0,    /* 1400 W COLFAX AVE APT 3 */
    SEAL_ADDRESS_PO_BOX,        /* PO BOX 123 (Pub 28 §281) */
    SEAL_ADDRESS_RURAL_ROUTE,   /* RR 2 BOX 152 (Pub 28 §241) */
    SEAL_ADDRESS_HIGHWAY_ROUTE, /* HC 68 BOX 23 (Pub 28 §251) */
    SEAL_ADDRESS_MILITARY       /* PSC 1234 BOX 5678, APO AE 09204 (Pub 28 §225):
                                   street "PSC" (or UNIT, CMR), route "1234",
                                   number "5678"; city APO/FPO/DPO, state AA/AE/AP */
} seal_address_kind;

/* A parsed address: NUL-terminated upper-case ASCII fields, "" when absent.
 * Caller-allocated value type (about 470 bytes); needs no cleanup. */
typedef struct seal_address {
    seal_address_kind kind;
    char number[24];    /* primary number ("1400", "123 1/2"), or the box number */
    char route[12];     /* rural / highway contract route number */
    char predir[3];     /* N S E W NE NW SE SW */
    char street[128];   /* street name words as written (ordinals as 5TH) */
    char suffix[5];     /* Pub 28 C1 standard abbreviation: AVE */
    char postdir[3];    /* N S E W NE NW SE SW */
    char unit_type[5];  /* Pub 28 C2 standard designator (APT, STE, REAR) or "#" */
    char unit[16];      /* unit number without its designator: "3", "12B" */
    char unit2_type[5]; /* a second unit (BLDG 3 APT 1): APT */
    char unit2[16];     /* 1 */
    char city[64];
    char state[3]; /* Pub 28 Appendix B code */
    char zip5[6];
    char zip4[5];
    char urb[64]; /* Puerto Rico urbanization name without URB (Pub 28 §29) */
} seal_address;

/* Parses one address into *out. SEAL_INVALID (err->msg says what is wrong)
 * when the input is empty, too long, not UTF-8, holds control characters or
 * non-Latin letters, or has no primary number / street / box number. */
seal_status seal_address_parse(const char *in, size_t n, seal_address *out,
                               seal_error *err) SEAL_MUST_USE SEAL_NONNULL(3);

/* Replaces the contents of *out with the USPS-standard line of a parsed
 * address: "1400 W COLFAX AVE APT 3, DENVER CO 80204-1234"; an urbanization
 * comes first: "URB LAS GLADIOLAS, 150 CALLE A, SAN JUAN PR 00926". */
seal_status seal_address_format(const seal_address *a, seal_buf *out) SEAL_MUST_USE
    SEAL_NONNULL(1, 2);

/* Replaces the contents of *out with the match key of a parsed address:
 * "<ZIP5>|<number>|<street words>|<unit>", with "<CITY> <ST>" in place of
 * the ZIP when there is none. Every word with a standard abbreviation is
 * canonicalised (AVENUE→AVE, NORTH→N, SAINT→ST, MOUNT→MT, FORT→FT,
 * FIFTH→5TH); pre- and post-directionals keep their places; the unit keeps
 * its number and drops its designator (#3 = APT 3 = UNIT 3); numbers lose
 * hyphens and leading zeros (3-B = 3B, #03 = #3, 0012 = 12); highway names
 * take the key form of their system (SR 9 = STATE HWY 9 -> STATE ROUTE 9).
 * A Puerto Rico urbanization adds a fifth field: "|<URB NAME>". SEAL_INVALID
 * when the address has neither a ZIP nor a city and state. */
seal_status seal_address_key_of(const seal_address *a, seal_buf *out, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1, 2);

/* Parse + format. `in` need not be NUL-terminated; n is its length. */
seal_status seal_address_normalize(const char *in, size_t n, seal_buf *out,
                                   seal_error *err) SEAL_MUST_USE SEAL_NONNULL(3);

/* Parse + key. On error *out is left empty. */
seal_status seal_address_key(const char *in, size_t n, seal_buf *out, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(3);

#endif
