/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The deterministic synthetic population generator behind `sealctl gen`. It
 * writes one file per ingestible record kind (account.ndjson,
 * web_visit.ndjson, tracking.ndjson, payment.ndjson, address_change.ndjson)
 * and a day of mail scans (mail_scan.csv) in the formats of
 * schema/catalogue.json and DESIGN.md "Mail scans". Names, streets and cities
 * are built from syllables, so no real person's data appears. The same options
 * give the same bytes on every run and machine: the generator uses its own
 * integer-only PRNG and never the clock. Memory use does not grow with the
 * number of people. Thread-safe: calls share no state.
 */
#ifndef SEALED_GEN_H
#define SEALED_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "sealed/status.h"

/* Sentinel for options whose default depends on other options. */
#define SEAL_GEN_AUTO UINT64_MAX

#define SEAL_GEN_MAX_PEOPLE 1000000000ull
#define SEAL_GEN_MAX_DAYS 3660u
#define SEAL_GEN_MAX_SCANS 1000000000ull
#define SEAL_GEN_MAX_VISITS 10000ull

typedef struct seal_gen_options {
    uint64_t seed;
    uint64_t people;            /* accounts to generate; 0 allowed (empty files) */
    uint32_t days;              /* length of the activity window, 1..SEAL_GEN_MAX_DAYS */
    int64_t start;              /* first day of the window, unix seconds at midnight UTC */
    uint64_t scans;             /* mail scans; SEAL_GEN_AUTO = one per person */
    uint64_t visits_per_person; /* average web visits per person over the window;
                                   SEAL_GEN_AUTO = days / 3 (at least 1) */
    bool truth;                 /* also write mail_scan_truth.csv: for each scan, whom
                                   it is really addressed to (for matcher tests) */
} seal_gen_options;

/* Defaults: seed 1, 1000 people, 30 days from 2026-01-01, scans and visits
 * SEAL_GEN_AUTO, no truth file. */
void seal_gen_options_init(seal_gen_options *opt) SEAL_NONNULL(1);

/* Checks ranges; SEAL_INVALID with a message naming the option otherwise. */
seal_status seal_gen_options_check(const seal_gen_options *opt, seal_error *err) SEAL_MUST_USE
    SEAL_NONNULL(1);

/* How many records of each kind a run wrote. */
typedef struct seal_gen_counts {
    uint64_t accounts;
    uint64_t web_visits;
    uint64_t tracking;
    uint64_t payments;
    uint64_t address_changes;
    uint64_t scans;
} seal_gen_counts;

/* Called from the writing thread about every 16384 people or scans, and once
 * at the end of each phase (done == total). phase is "people" or "scans"
 * (static strings). */
typedef void (*seal_gen_progress_fn)(const char *phase, uint64_t done, uint64_t total, void *ud);

/* Writes the six files (seven with opt->truth) into out_dir (created if missing, mode 0755;
 * existing files of those names are replaced). Each file is written under a temporary name and
 * renamed into place only when all six are complete, so a failed run leaves no partial output. cb
 * may be NULL; counts may be NULL. */
seal_status seal_gen_write(const seal_gen_options *opt, const char *out_dir,
                           seal_gen_progress_fn cb, void *ud, seal_gen_counts *counts,
                           seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2);

#endif
