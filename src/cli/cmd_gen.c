/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `sealctl gen`: writes a deterministic synthetic population (accounts, web
 * visits, tracking events, payments, address changes and a day of mail scans)
 * for demos, tests and benchmarks. A thin layer over seal_gen_write; this file
 * parses options, shows progress on a terminal and prints the counts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "sealed/gen.h"
#include "sealed/time.h"

static const char help[] =
    "NAME\n"
    "    sealctl gen - write a deterministic synthetic population\n"
    "\n"
    "SYNOPSIS\n"
    "    sealctl gen --out DIR [--seed S] [--people N] [--days D] [--start DATE]\n"
    "                [--scans N] [--visits-per-person N] [--truth]\n"
    "\n"
    "DESCRIPTION\n"
    "    Writes one file per record kind of the catalogue into DIR, ready for\n"
    "    `sealctl ingest KIND FILE`, and a day of mail scans for the cover matcher:\n"
    "\n"
    "      account.ndjson         one account per person; some without email, phone\n"
    "                             or business address; about 3% closed\n"
    "      web_visit.ndjson       signed-in page views in sessions over the window\n"
    "      tracking.ndjson        parcels sent and received, one line per event\n"
    "      payment.ndjson         cards, money orders, cash and checks; walk-in\n"
    "                             purchases name the purchaser instead of an account\n"
    "      address_change.ndjson  change-of-address filings (about 7% of people)\n"
    "      mail_scan.csv          pieces scanned on the window's last day; some are\n"
    "                             addressed to generated people, spelled differently\n"
    "\n"
    "    Names, streets and cities are built from syllables (no real person's data);\n"
    "    states are real USPS codes with ZIPs from their ranges. One delivery point\n"
    "    is spelled many ways across records: St/Street, N/N./North, Apt 4/#4/Unit 4,\n"
    "    case, commas, ZIP or ZIP+4, state code or name, stray spaces.\n"
    "\n"
    "    The same options give the same bytes on every run and machine. Memory use\n"
    "    does not grow with --people. Files are written under temporary names and\n"
    "    renamed into place at the end; existing files of the same names are\n"
    "    replaced. See docs/gen.md for the distributions.\n"
    "\n"
    "OPTIONS\n"
    "    --out DIR                 output directory, created if missing (required)\n"
    "    --seed S                  random seed, 0 to 2^64-1 (default 1)\n"
    "    --people N                number of people and accounts (default 1000)\n"
    "    --days D                  length of the activity window in days, 1 to 3660\n"
    "                              (default 30)\n"
    "    --start DATE              first day of the window, YYYY-MM-DD\n"
    "                              (default 2026-01-01; not the clock, so output is\n"
    "                              reproducible)\n"
    "    --scans N                 mail scans to write (default: one per person)\n"
    "    --visits-per-person N     average web visits per person over the window\n"
    "                              (default: D/3, so 1M people over 30 days give\n"
    "                              about 10M visits)\n"
    "    --truth                   also write mail_scan_truth.csv: for each scan\n"
    "                              piece_id, relation (home, business, near_miss,\n"
    "                              stranger), the account it concerns and the true\n"
    "                              11-digit delivery point code, to score a matcher\n"
    "    -h, --help                this help\n"
    "\n"
    "    With --quiet, or when stderr is not a terminal, no progress is shown.\n"
    "\n"
    "OUTPUT\n"
    "    On success, one line per file with its record count on stdout.\n"
    "\n"
    "EXIT STATUS\n"
    "    0 success, 1 failure (a message on stderr), 2 usage error.\n"
    "\n"
    "EXAMPLES\n"
    "    sealctl gen --seed 7 --people 1000 --days 30 --out demo\n"
    "    sealctl gen --seed 1 --people 1000000 --days 30 --out /tmp/big --scans 200000\n";

/* A whole number 0..max in decimal, nothing else. */
static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    if (s[0] < '0' || s[0] > '9') {
        return false;
    }
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == NULL || *end != '\0' || v > max) {
        return false;
    }
    *out = v;
    return true;
}

typedef struct progress {
    bool on;
    int last_pct;
    const char *last_phase;
} progress;

static void on_progress(const char *phase, uint64_t done, uint64_t total, void *ud)
{
    progress *p = ud;
    if (!p->on) {
        return;
    }
    int pct = total == 0 ? 100 : (int) (done * 100 / total);
    if (pct == p->last_pct && phase == p->last_phase) {
        return;
    }
    p->last_pct = pct;
    p->last_phase = phase;
    fprintf(stderr, "\rgen: %-6s %llu/%llu (%d%%)\033[K", phase, (unsigned long long) done,
            (unsigned long long) total, pct);
    if (done == total && strcmp(phase, "scans") == 0) {
        fputc('\n', stderr);
    }
    fflush(stderr);
}

int seal__cmd_gen(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    seal_gen_options opt;
    seal_gen_options_init(&opt);
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--truth") == 0) {
            opt.truth = true;
            continue;
        }
        static const char *const names[] = {"--out",   "--seed",  "--people",           "--days",
                                            "--start", "--scans", "--visits-per-person"};
        size_t which = sizeof(names) / sizeof(names[0]);
        const char *val = NULL;
        for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
            size_t n = strlen(names[k]);
            if (strncmp(a, names[k], n) == 0 && (a[n] == '\0' || a[n] == '=')) {
                which = k;
                if (a[n] == '=') {
                    val = a + n + 1;
                } else if (i + 1 < argc) {
                    val = argv[++i];
                }
                break;
            }
        }
        if (which == sizeof(names) / sizeof(names[0])) {
            if (a[0] == '-') {
                return seal__cli_usage(cli, "gen", "unknown option '%s'", a);
            }
            return seal__cli_usage(cli, "gen", "unexpected argument '%s'", a);
        }
        if (val == NULL || val[0] == '\0') {
            return seal__cli_usage(cli, "gen", "%s needs a value", names[which]);
        }
        uint64_t v = 0;
        int64_t t = 0;
        switch (which) {
        case 0:
            out = val;
            break;
        case 1:
            if (!parse_u64(val, UINT64_MAX, &v)) {
                return seal__cli_usage(cli, "gen", "--seed: '%s' is not a whole number", val);
            }
            opt.seed = v;
            break;
        case 2:
            if (!parse_u64(val, SEAL_GEN_MAX_PEOPLE, &v)) {
                return seal__cli_usage(cli, "gen", "--people: '%s' is not a whole number 0 to %llu",
                                       val, (unsigned long long) SEAL_GEN_MAX_PEOPLE);
            }
            opt.people = v;
            break;
        case 3:
            if (!parse_u64(val, SEAL_GEN_MAX_DAYS, &v) || v == 0) {
                return seal__cli_usage(cli, "gen", "--days: '%s' is not a whole number 1 to %u",
                                       val, SEAL_GEN_MAX_DAYS);
            }
            opt.days = (uint32_t) v;
            break;
        case 4:
            if (seal_date_parse(val, &t) != SEAL_OK) {
                return seal__cli_usage(cli, "gen", "--start: '%s' is not a date (YYYY-MM-DD)", val);
            }
            opt.start = t;
            break;
        case 5:
            if (!parse_u64(val, SEAL_GEN_MAX_SCANS, &v)) {
                return seal__cli_usage(cli, "gen", "--scans: '%s' is not a whole number 0 to %llu",
                                       val, (unsigned long long) SEAL_GEN_MAX_SCANS);
            }
            opt.scans = v;
            break;
        default:
            if (!parse_u64(val, SEAL_GEN_MAX_VISITS, &v)) {
                return seal__cli_usage(cli, "gen",
                                       "--visits-per-person: '%s' is not a whole number 0 to %llu",
                                       val, (unsigned long long) SEAL_GEN_MAX_VISITS);
            }
            opt.visits_per_person = v;
            break;
        }
    }
    if (out == NULL) {
        return seal__cli_usage(cli, "gen", "--out DIR is required");
    }
    seal_error err;
    seal_error_init(&err);
    if (seal_gen_options_check(&opt, &err) != SEAL_OK) {
        return seal__cli_usage(cli, "gen", "%s", err.msg);
    }
    progress pr = {.on = !cli->quiet && isatty(STDERR_FILENO), .last_pct = -1};
    seal_gen_counts n;
    if (seal_gen_write(&opt, out, on_progress, &pr, &n, &err) != SEAL_OK) {
        if (pr.on) {
            fputc('\n', stderr);
        }
        return seal__cli_fail(cli, "gen", &err);
    }
    printf("%12llu account.ndjson\n%12llu web_visit.ndjson\n%12llu tracking.ndjson\n"
           "%12llu payment.ndjson\n%12llu address_change.ndjson\n%12llu mail_scan.csv\n",
           (unsigned long long) n.accounts, (unsigned long long) n.web_visits,
           (unsigned long long) n.tracking, (unsigned long long) n.payments,
           (unsigned long long) n.address_changes, (unsigned long long) n.scans);
    if (opt.truth) {
        printf("%12llu mail_scan_truth.csv\n", (unsigned long long) n.scans);
    }
    return 0;
}
