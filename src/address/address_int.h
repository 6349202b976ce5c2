/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private interface of the address module: the Publication 28 lexicon
 * (generated into pub28_tables.c from the schema/pub28 data files) and its lookup.
 */
#ifndef SEAL_ADDRESS_INT_H
#define SEAL_ADDRESS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct seal__suffix {
    const char *abbr; /* standard abbreviation, Pub 28 C1 */
    const char *name; /* primary street suffix name */
} seal__suffix;

typedef struct seal__unit {
    const char *abbr;  /* standard designator, Pub 28 C2 */
    bool needs_number; /* C2 "requires secondary range" */
} seal__unit;

/* One accepted spelling and every role it can play; -1 = no such role. */
typedef struct seal__lex {
    const char *word;
    uint8_t len;
    int16_t suffix;    /* index into seal__suffixes */
    int8_t dir;        /* index into seal__dirs */
    int8_t unit;       /* index into seal__units */
    int8_t state;      /* index into seal__states */
    const char *canon; /* key word (SAINT -> ST, FIFTH -> 5TH) or NULL */
    int8_t hwy;        /* 1: first word of a highway spelling (highways.tsv) */
    int8_t pretype;    /* index into seal__pretypes (CALLE, AVENIDA) */
    const char *num;   /* numeral of a number word (ONE -> 1) or NULL */
} seal__lex;

/* A highway system: its key form and its standard (output) form. */
typedef struct seal__hwy_family {
    const char *key; /* STATE ROUTE */
    const char *std; /* STATE HIGHWAY */
} seal__hwy_family;

/* One spelling of a highway system: its words, single-spaced. */
typedef struct seal__hwy {
    const char *words; /* U S HWY */
    uint8_t nwords;
    uint8_t family; /* index into seal__hwy_families */
} seal__hwy;

extern const seal__suffix seal__suffixes[];
extern const seal__unit seal__units[];
extern const char *const seal__dirs[];
extern const char *const seal__states[];
extern const size_t seal__n_suffixes;
extern const size_t seal__n_units;
extern const size_t seal__n_states;
extern const seal__hwy_family seal__hwy_families[];
extern const size_t seal__n_hwy_families;
extern const seal__hwy seal__hwys[]; /* longest spelling first */
extern const size_t seal__n_hwys;
extern const char *const seal__pretypes[];
extern const seal__lex seal__lexicon[];
extern const size_t seal__lexicon_len;
extern const uint16_t seal__lexicon_slots[];
extern const uint32_t seal__lexicon_mask;

/* The entry for an upper-case word, or NULL. */
const seal__lex *seal__lex_find(const char *w, size_t n);

#endif
