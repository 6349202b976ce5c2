/* SPDX-License-Identifier: Apache-2.0 */
/* `sealctl ingest KIND FILE|-`: loads records, with a progress line on a terminal. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "sealed/ingest.h"

static const char help[] =
    "usage: sealctl [--data DIR] ingest [--format ndjson|csv] [--batch-size N] KIND FILE|-\n\n"
    "Loads customer records of one KIND (account, web_visit, tracking, payment,\n"
    "address_change) from FILE, or standard input for '-'.\n\n"
    "Every line is validated against the record catalogue (schema/catalogue.json):\n"
    "field names, types, formats, sizes and UTF-8. One run is one all-or-nothing\n"
    "batch unless --batch-size splits it: a bad line fails its whole batch with\n"
    "  FILE:LINE: FIELD: what is wrong\n"
    "and nothing of that batch is stored. A committed batch survives a crash or\n"
    "power loss. Ingesting the same file again changes nothing.\n\n"
    "options:\n"
    "  --format F       ndjson (one JSON object a line) or csv (a header line naming\n"
    "                   the fields); default: from the extension (.ndjson, .jsonl,\n"
    "                   .json, .csv); required for '-'\n"
    "  --batch-size N   commit every N records (default: the whole input) and print\n"
    "                   'committed batch B: lines 1-L durable' after each commit\n\n"
    "A progress line (records/s, ETA) is shown on a terminal unless --quiet.\n"
    "Output: one summary line of counts. Exit status 1 on bad input.\n";

typedef struct progress {
    struct timespec start;
    uint64_t total;
    const char *kind;
    double last;
} progress;

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) (t.tv_sec - t0->tv_sec) + (double) (t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void show_progress(const seal_ingest_result *r, uint64_t bytes, void *ud)
{
    progress *p = ud;
    double el = since(&p->start);
    if (el - p->last < 0.25 && bytes < p->total) {
        return;
    }
    p->last = el;
    double rate = el > 0 ? (double) r->records / el : 0;
    fprintf(stderr, "\r\033[Kingest %s: %lld records  %.0f/s", p->kind, (long long) r->records,
            rate);
    if (p->total > 0 && bytes > 0) {
        double frac = (double) bytes / (double) p->total;
        double eta = frac > 0 ? el / frac - el : 0;
        fprintf(stderr, "  %3.0f%%  ETA %d:%02d", frac * 100, (int) eta / 60, (int) eta % 60);
    }
}

static void acknowledge(const seal_ingest_result *r, void *ud)
{
    (void) ud;
    printf("committed batch %lld: lines 1-%lld durable\n", (long long) r->batches,
           (long long) r->committed_line);
    fflush(stdout);
}

int seal__cmd_ingest(seal_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                         {"batch-size", required_argument, NULL, 'b'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    seal_ingest_options o = {0};
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(help, stdout);
            return 0;
        case 'f':
            if (seal_format_parse(optarg, &o.format) != SEAL_OK) {
                return seal__cli_usage(cli, "ingest", "--format must be ndjson or csv");
            }
            break;
        case 'b': {
            char *end;
            long long v = strtoll(optarg, &end, 10);
            if (*end != '\0' || v < 1 || v > 1000000000) {
                return seal__cli_usage(cli, "ingest", "--batch-size must be 1..1000000000");
            }
            o.batch_size = v;
            break;
        }
        default:
            return seal__cli_usage(cli, "ingest", "unknown option");
        }
    }
    if (argc - optind != 2) {
        return seal__cli_usage(cli, "ingest", "needs KIND and FILE (or -)");
    }
    const char *kind_name = argv[optind], *file = argv[optind + 1];
    bool is_stdin = strcmp(file, "-") == 0;
    if (o.format == SEAL_FORMAT_AUTO) {
        o.format = is_stdin ? SEAL_FORMAT_AUTO : seal_format_from_name(file);
        if (o.format == SEAL_FORMAT_AUTO) {
            return seal__cli_usage(cli, "ingest",
                                   "cannot tell the format of %s: use --format ndjson|csv",
                                   is_stdin ? "standard input" : file);
        }
    }
    seal_error err;
    seal_error_init(&err);
    seal_store *st = NULL;
    if (seal_store_open(cli->data_dir, &st, &err) != SEAL_OK) {
        return seal__cli_fail(cli, "ingest", &err);
    }
    const seal_kind *kind = seal_catalogue_kind(seal_store_catalogue(st), kind_name);
    if (kind == NULL || !kind->ingest) {
        seal_store_close(st);
        return seal__cli_usage(cli, "ingest",
                               "unknown record kind '%s' (account, web_visit, tracking, payment, "
                               "address_change)",
                               kind_name);
    }
    FILE *in = is_stdin ? stdin : fopen(file, "rb");
    if (in == NULL) {
        seal_error_set(&err, SEAL_IO, "%s: cannot open: %s", file, strerror(errno));
        seal_store_close(st);
        return seal__cli_fail(cli, "ingest", &err);
    }
    static char iobuf[1 << 20];
    setvbuf(in, iobuf, _IOFBF, sizeof(iobuf));
    progress p = {.kind = kind->name};
    clock_gettime(CLOCK_MONOTONIC, &p.start);
    struct stat sb;
    if (fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode)) {
        p.total = (uint64_t) sb.st_size;
    }
    bool tty = !cli->quiet && isatty(STDERR_FILENO);
    if (tty) {
        o.progress = show_progress;
        o.progress_ud = &p;
    }
    if (o.batch_size > 0) {
        o.committed = acknowledge;
    }
    seal_ingest_result r;
    seal_status s = seal_ingest(st, kind, in, is_stdin ? "-" : file, &o, &r, &err);
    if (tty) {
        fputs("\r\033[K", stderr);
    }
    if (!is_stdin) {
        fclose(in);
    }
    if (s != SEAL_OK) {
        seal_store_close(st);
        fprintf(stderr, "%s: %s\n", cli->prog, err.msg);
        return 1;
    }
    printf("%s: %lld records: %lld inserted, %lld unchanged, %lld updated, %lld dropped "
           "(anonymous); %lld batch%s committed\n",
           kind->name, (long long) r.records, (long long) r.inserted, (long long) r.unchanged,
           (long long) r.updated, (long long) r.dropped, (long long) r.batches,
           r.batches == 1 ? "" : "es");
    seal_store_close(st);
    return 0;
}
