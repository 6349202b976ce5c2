/* SPDX-License-Identifier: Apache-2.0 */
/* `sealctl stats`: counts per kind and retention state; never personal data. */
#include <string.h>

#include "cli/cli.h"
#include "sealed/store.h"
#include "sealed/time.h"

static const char help[] =
    "usage: sealctl [--data DIR] [--now DATE] stats [--json]\n\n"
    "Prints how many records the store holds, per record kind and per retention\n"
    "state, as of today (or --now):\n"
    "  active        within its retention period\n"
    "  truncate_due  a field is due for early truncation (web_visit ip after 30 days)\n"
    "  truncated     that field has been truncated\n"
    "  expired       past its retention period, due for deletion by the sweep\n"
    "  shredded      marked shredded by an earlier version, which kept the rows;\n"
    "                shredding the subject again deletes them (a shred now\n"
    "                deletes the records, so stats no longer count them)\n\n"
    "The last line (\"test_clock\" in JSON) says whether DIR was made with\n"
    "`init --test-clock`, i.e. whether its times may be given with --now.\n\n"
    "Output is deterministic (no times, no timings) and holds no personal data.\n";

#define MAX_KIND_ID 256

typedef struct table {
    int64_t counts[MAX_KIND_ID][SEAL_RET_COUNT];
} table;

static void collect(const seal_kind *k, seal_retention_state s, int64_t count, void *ud)
{
    table *t = ud;
    t->counts[k->id][s] += count;
}

int seal__cmd_stats(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    bool json = argc == 2 && strcmp(argv[1], "--json") == 0;
    if (argc > 2 || (argc == 2 && !json)) {
        return seal__cli_usage(cli, "stats", "unexpected argument '%s'", argv[1]);
    }
    seal_error err;
    seal_error_init(&err);
    seal_store *st = NULL;
    static table t;
    memset(&t, 0, sizeof(t));
    if (seal_store_open(cli->data_dir, &st, &err) != SEAL_OK ||
        seal_store_stats(st, seal_time_day(seal__cli_now(cli)), collect, &t, &err) != SEAL_OK) {
        seal_store_close(st);
        return seal__cli_fail(cli, "stats", &err);
    }
    bool test_clock = false;
    if (seal_store_test_clock(cli->data_dir, &test_clock, &err) != SEAL_OK) {
        seal_store_close(st);
        return seal__cli_fail(cli, "stats", &err);
    }
    const seal_catalogue *cat = seal_store_catalogue(st);
    int64_t total[SEAL_RET_COUNT + 1] = {0};
    if (json) {
        printf("{\"kinds\": {");
    } else {
        printf("%-15s %10s", "kind", "records");
        for (int s = 0; s < SEAL_RET_COUNT; s++) {
            printf(" %12s", seal_retention_state_name((seal_retention_state) s));
        }
        printf("\n");
    }
    for (size_t i = 0; i < seal_catalogue_kind_count(cat); i++) {
        const seal_kind *k = seal_catalogue_kind_at(cat, i);
        int64_t sum = 0;
        for (int s = 0; s < SEAL_RET_COUNT; s++) {
            sum += t.counts[k->id][s];
            total[s] += t.counts[k->id][s];
        }
        total[SEAL_RET_COUNT] += sum;
        if (json) {
            printf("%s\"%s\": {\"records\": %lld", i ? ", " : "", k->name, (long long) sum);
            for (int s = 0; s < SEAL_RET_COUNT; s++) {
                printf(", \"%s\": %lld", seal_retention_state_name((seal_retention_state) s),
                       (long long) t.counts[k->id][s]);
            }
            printf("}");
        } else {
            printf("%-15s %10lld", k->name, (long long) sum);
            for (int s = 0; s < SEAL_RET_COUNT; s++) {
                printf(" %12lld", (long long) t.counts[k->id][s]);
            }
            printf("\n");
        }
    }
    if (json) {
        printf("}, \"total\": %lld, \"test_clock\": %s}\n", (long long) total[SEAL_RET_COUNT],
               test_clock ? "true" : "false");
    } else {
        printf("%-15s %10lld", "total", (long long) total[SEAL_RET_COUNT]);
        for (int s = 0; s < SEAL_RET_COUNT; s++) {
            printf(" %12lld", (long long) total[s]);
        }
        printf("\nclock: %s\n", test_clock ? "test (made with init --test-clock)" : "real");
    }
    seal_store_close(st);
    return 0;
}
