/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `sealctl retain sweep`: applies the retention schedule (include/sealed/
 * retain.h, docs/retain.md) and prints its counts. Output holds counts,
 * dates and ids of requests and productions, never personal data.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "sealed/retain.h"
#include "sealed/time.h"

static const char help[] =
    "NAME\n"
    "    sealctl retain - the retention schedule: truncate, delete, shred\n"
    "\n"
    "SYNOPSIS\n"
    "    sealctl [--data DIR] [--now T] retain sweep [--dry-run] [--json]\n"
    "                                           [--policy NAME|FILE] [--batch N]\n"
    "\n"
    "DESCRIPTION\n"
    "    Applies the catalogue's retention schedule (schema/catalogue.json) as of\n"
    "    today (--now or $SEALED_NOW pin the day):\n"
    "      - web_visit IP addresses older than 30 days are truncated to their /24\n"
    "        (IPv4) or /48 (IPv6), re-encrypted under the subject's key;\n"
    "      - records past retention are deleted with their blind-index rows\n"
    "        (accounts 3 years after closed_at; open accounts are kept);\n"
    "      - cover_piece records are deleted after the policy's\n"
    "        cover.records_kept_days (MC-11; strict 5 years, cfr-233 8 years);\n"
    "      - a subject left with no record loses its data key (crypto-shredded);\n"
    "      - nothing of a subject named by an active preservation (PA-9) is\n"
    "        deleted or truncated. Its identifiers are matched by their\n"
    "        blind-index keys: an account or address holds its own subject, and\n"
    "        any identifier holds the owners of every record it indexes.\n"
    "    It also reports MC-11 alerts: productions of a cover's records not\n"
    "    returned cover.return_alert_days (60) after the cover ended\n"
    "    (record a return with `sealctl cover returned`).\n"
    "\n"
    "    The sweep works in batches, one transaction each, with progress on a\n"
    "    terminal. Killed at any point, it loses nothing: the next run resumes it\n"
    "    (as of the same day) and finishes it. Each sweep appends one ledger\n"
    "    event, retain.sweep, with counts only, and one cover.return_overdue\n"
    "    event per alert (ids of the production, request and cover). It then\n"
    "    purges accounting entries past keep_until (accounting.purged) and\n"
    "    expires key-store backup generations past key_backup_grace_days; a dry\n"
    "    run skips both.\n"
    "\n"
    "OPTIONS\n"
    "    --dry-run        count what a sweep would do; write nothing at all\n"
    "    --json           print the result as one JSON object\n"
    "    --policy SPEC    the policy whose numbers apply (default strict)\n"
    "    --batch N        records per transaction (1..4096, default 2000)\n"
    "\n"
    "OUTPUT\n"
    "    sweep as of DATE: T truncated, D deleted, K keys shredded, H held\n"
    "    deleted: KIND N, ... (every kind of the catalogue)\n"
    "    holds: P preservations, S subjects\n"
    "    alert: production P of request R (cover C) not returned, due DATE\n"
    "    purged: A accounting entries, G key-store generations expired\n"
    "    ledger: retain.sweep at index I      (or: dry run: nothing written)\n"
    "\n"
    "EXIT STATUS\n"
    "    0 done, 1 failure (the message names it), 2 usage.\n";

typedef struct progress {
    bool tty;
    int64_t batches;
} progress;

static int64_t total(const int64_t *v)
{
    int64_t t = 0;
    for (int i = 0; i < SEAL_SWEEP_KINDS; i++) {
        t += v[i];
    }
    return t;
}

static void on_batch(const seal_sweep *sw, void *ud)
{
    progress *p = ud;
    p->batches++;
    if (p->tty) {
        fprintf(stderr, "\rsweep: batch %lld: %lld truncated, %lld deleted, %lld held%s",
                (long long) p->batches, (long long) sw->n.truncated,
                (long long) total(sw->n.deleted), (long long) total(sw->n.held),
                sw->done ? "\n" : "");
    }
}

static void print_text(const seal_retain_result *r, const seal_catalogue *cat, bool dry)
{
    const seal_sweep *sw = &r->sweep;
    char day[16];
    seal_date_format(day, sizeof(day), sw->today * 86400);
    printf("%ssweep as of %s: %lld truncated, %lld deleted, %lld keys shredded, %lld held\n",
           r->resumed ? "resumed " : "", day, (long long) sw->n.truncated,
           (long long) total(sw->n.deleted), (long long) sw->n.keys_shredded,
           (long long) total(sw->n.held));
    printf("deleted:");
    for (size_t i = 0; i < seal_catalogue_kind_count(cat); i++) {
        const seal_kind *k = seal_catalogue_kind_at(cat, i);
        printf("%s %s %lld", i > 0 ? "," : "", k->name,
               (long long) (k->id > 0 && k->id < SEAL_SWEEP_KINDS ? sw->n.deleted[k->id] : 0));
    }
    printf("\nholds: %zu preservation%s, %zu subject%s\n", r->preservations,
           r->preservations == 1 ? "" : "s", r->held_subjects, r->held_subjects == 1 ? "" : "s");
    for (size_t i = 0; i < r->n_alerts; i++) {
        const seal_retain_alert *a = &r->alerts[i];
        seal_date_format(day, sizeof(day), a->due);
        printf("alert: production %s of request %s (cover %s) not returned, due %s\n",
               a->production, a->request, a->cover, day);
    }
    if (dry) {
        printf("dry run: nothing written\n");
    } else {
        printf("purged: %lld accounting entr%s, %lld key-store generation%s expired\n",
               (long long) r->accounting_purged, r->accounting_purged == 1 ? "y" : "ies",
               (long long) r->keys_expired, r->keys_expired == 1 ? "" : "s");
        printf("ledger: retain.sweep at index %llu\n", (unsigned long long) r->ledger_index);
    }
}

static void print_json(const seal_retain_result *r, const seal_catalogue *cat, bool dry)
{
    const seal_sweep *sw = &r->sweep;
    char day[16];
    seal_date_format(day, sizeof(day), sw->today * 86400);
    printf("{\"as_of\": \"%s\", \"sweep\": \"%s\", \"dry_run\": %s, \"resumed\": %s,\n"
           " \"truncated\": %lld, \"deleted_total\": %lld, \"held_total\": %lld, "
           "\"keys_shredded\": %lld,\n",
           day, sw->id, dry ? "true" : "false", r->resumed ? "true" : "false",
           (long long) sw->n.truncated, (long long) total(sw->n.deleted),
           (long long) total(sw->n.held), (long long) sw->n.keys_shredded);
    for (int pass = 0; pass < 2; pass++) {
        const int64_t *v = pass == 0 ? sw->n.deleted : sw->n.held;
        printf(" \"%s\": {", pass == 0 ? "deleted" : "held");
        for (size_t i = 0; i < seal_catalogue_kind_count(cat); i++) {
            const seal_kind *k = seal_catalogue_kind_at(cat, i);
            printf("%s\"%s\": %lld", i > 0 ? ", " : "", k->name,
                   (long long) (k->id > 0 && k->id < SEAL_SWEEP_KINDS ? v[k->id] : 0));
        }
        printf("},\n");
    }
    printf(" \"preservations\": %zu, \"held_subjects\": %zu,\n \"alerts\": [", r->preservations,
           r->held_subjects);
    for (size_t i = 0; i < r->n_alerts; i++) {
        const seal_retain_alert *a = &r->alerts[i];
        seal_date_format(day, sizeof(day), a->due);
        printf("%s{\"production\": \"%s\", \"request\": \"%s\", \"cover\": \"%s\", "
               "\"due\": \"%s\"}",
               i > 0 ? ", " : "", a->production, a->request, a->cover, day);
    }
    if (dry) {
        printf("]}\n");
    } else {
        printf("],\n \"accounting_purged\": %lld, \"key_generations_expired\": %lld,\n"
               " \"ledger_index\": %llu}\n",
               (long long) r->accounting_purged, (long long) r->keys_expired,
               (unsigned long long) r->ledger_index);
    }
}

static int cmd_sweep(seal_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"dry-run", no_argument, NULL, 'd'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"policy", required_argument, NULL, 'p'},
                                         {"batch", required_argument, NULL, 'b'},
                                         {NULL, 0, NULL, 0}};
    seal_retain_options o = {.now = seal__cli_now(cli)};
    bool json = false;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (c == 'd') {
            o.dry_run = true;
        } else if (c == 'j') {
            json = true;
        } else if (c == 'p') {
            o.policy = optarg;
        } else if (c == 'b') {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end != '\0' || v < 1 || v > SEAL_SWEEP_BATCH_MAX) {
                return seal__cli_usage(cli, "retain", "--batch: 1..4096, not '%s'", optarg);
            }
            o.batch = (size_t) v;
        } else if (c == ':') {
            return seal__cli_usage(cli, "retain", "sweep: %s needs a value", argv[optind - 1]);
        } else {
            return seal__cli_usage(cli, "retain", "sweep: unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc) {
        return seal__cli_usage(cli, "retain", "sweep: unexpected argument '%s'", argv[optind]);
    }
    progress p = {.tty = !cli->quiet && isatty(STDERR_FILENO)};
    o.progress = on_batch;
    o.ud = &p;
    seal_error err;
    seal_error_init(&err);
    seal_retain_result r;
    if (seal_retain_sweep(cli->data_dir, &o, &r, &err) != SEAL_OK) {
        seal_retain_result_cleanup(&r);
        return seal__cli_fail(cli, "retain sweep", &err);
    }
    seal_catalogue *cat = NULL;
    if (seal_catalogue_load_default(&cat, &err) != SEAL_OK) {
        seal_retain_result_cleanup(&r);
        return seal__cli_fail(cli, "retain sweep", &err);
    }
    if (json) {
        print_json(&r, cat, o.dry_run);
    } else {
        print_text(&r, cat, o.dry_run);
    }
    seal_catalogue_free(cat);
    seal_retain_result_cleanup(&r);
    return 0;
}

int seal__cmd_retain(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "sweep") == 0) {
        return cmd_sweep(cli, argc - 1, argv + 1);
    }
    return seal__cli_usage(cli, "retain", "expected sweep");
}
