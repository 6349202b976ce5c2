/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `sealctl cover run`: the mail-cover matcher over a file, stdin or a NATS
 * JetStream stream (include/sealed/cover.h), ending with its counts.
 * `sealctl cover indict` belongs to the request lifecycle and is forwarded
 * to src/cli/cmd_cover_indict.c. Messages carry counts and line numbers,
 * never a scan's names or addresses.
 */
#include <errno.h>
#include <jansson.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "sealed/address.h"
#include "sealed/cover.h"
#include "sealed/registry.h"
#include "sealed/time.h"

static const char help[] =
    "NAME\n"
    "    sealctl cover - the mail-cover matcher (39 CFR 233.3)\n"
    "\n"
    "SYNOPSIS\n"
    "    sealctl cover run [--covers FILE] [--scans FILE|-] [--format csv|ndjson]\n"
    "                      [--batch N] [--dry-run] [--json] [--matches FILE]\n"
    "    sealctl cover run [--covers FILE] --nats URL --stream NAME [--consumer NAME]\n"
    "                      [--subject SUBJ] [--fetch N] [--idle-ms MS] [--max N]\n"
    "                      [--ack-wait-ms MS] [--format csv|ndjson] [--dry-run] [--json]\n"
    "    sealctl cover publish --nats URL --stream NAME --subject SUBJ < scans\n"
    "    sealctl cover indict ...   (see sealctl cover indict --help)\n"
    "    sealctl cover improper COVER-ID --reason TEXT   (MC-10; see --help)\n"
    "    sealctl cover returned PRODUCTION-ID            (MC-11; see --help)\n"
    "\n"
    "DESCRIPTION\n"
    "    Reads every scanned piece (DESIGN.md \"Mail scans\": piece_id, scanned_at,\n"
    "    facility, class, sender_name, sender_address, recipient_name,\n"
    "    recipient_address, recipient_dpc; CSV with a header, or NDJSON) and keeps\n"
    "    only pieces to or from the subject address of an active cover on the\n"
    "    day they were scanned (window days inclusive). Addresses are compared by\n"
    "    their USPS Publication 28 match key (sealctl address key); when both the\n"
    "    scan and the cover carry an 11-digit delivery point code, the code\n"
    "    decides. Each kept piece becomes one encrypted `cover_piece` record of\n"
    "    its exterior fields (MC-8) and one ledger entry `cover.piece_recorded`\n"
    "    holding only ids and a keyed commitment. Pieces to or from an excluded\n"
    "    address (the subject's attorney, MC-7) or bearing a non-subject's name\n"
    "    (MC-4) are never recorded, even on a match. Every other piece is\n"
    "    dropped without being written anywhere (PA-12).\n"
    "\n"
    "    Almost every piece matches nothing, so a piece is standardised in full\n"
    "    only when its ZIP Code and primary number (or its delivery point code)\n"
    "    are those of some active cover.\n"
    "\n"
    "    `cover publish` creates the stream (file storage) if missing and\n"
    "    publishes each line of stdin (a CSV header skipped) as one message,\n"
    "    waiting for every acknowledgement: a feeder for tests and operators.\n"
    "\n"
    "    The covers are those the data directory's registry holds as active and\n"
    "    approved today (or --now): their subject address, window, named\n"
    "    subjects and non-subjects, and exclusions, including the subject's\n"
    "    attorney (MC-7). For tests and replays, --covers FILE gives them\n"
    "    instead, as JSON lines:\n"
    "      {\"cover_id\":\"C-1\",\"subject\":\"1400 W Colfax Ave Apt 3, Denver CO 80204\",\n"
    "       \"dpc\":\"80204123403\",\"start\":\"2026-01-30\",\"days\":30,\n"
    "       \"exclude\":[\"<attorney's address>\"],\"names\":[\"<subject>\"],\n"
    "       \"non_subjects\":[\"<name>\"],\"all_at_address\":false}\n"
    "    A subject address must carry a ZIP Code. With names and without\n"
    "    all_at_address, only pieces bearing no name or a subject's name are\n"
    "    recorded.\n"
    "\n"
    "    With --nats, several processes share one durable pull consumer; each\n"
    "    fetched batch is recorded durably before it is acknowledged, so killing\n"
    "    a worker loses nothing acknowledged, and a redelivered piece is never\n"
    "    recorded twice. Malformed lines never stop a stream.\n"
    "\n";

static const char help2[] =
    "OPTIONS\n"
    "    --covers FILE      covers from a file of JSON lines instead of the registry\n"
    "    --scans FILE|-     scans to read; - or absent: stdin\n"
    "    --format F         csv (default; the header may order columns freely) or\n"
    "                       ndjson\n"
    "    --batch N          matched pieces per durable commit (default 256)\n"
    "    --dry-run          match and count, record nothing (no data directory)\n"
    "    --json             print the counts as one JSON object\n"
    "    --matches FILE     also write piece_id,cover_id,side,excluded for every\n"
    "                       match (side: to, from or both); ids only, for tests\n"
    "                       and benches\n"
    "    --nats URL         read from NATS JetStream (nats://127.0.0.1:4222)\n"
    "    --stream NAME      the JetStream stream (required with --nats)\n"
    "    --consumer NAME    durable consumer shared by workers (default\n"
    "                       sealed-cover)\n"
    "    --subject SUBJ     filter subject (default: the stream's first subject)\n"
    "    --fetch N          messages per fetch (default 256)\n"
    "    --idle-ms MS       stop after MS milliseconds without messages (default\n"
    "                       0: run until SIGINT or SIGTERM)\n"
    "    --max N            stop after N messages\n"
    "    --ack-wait-ms MS   ack wait of the consumer when it is created (default\n"
    "                       30000): how soon a dead worker's messages return\n"
    "    -h, --help         this help\n"
    "\n"
    "OUTPUT\n"
    "    One count a line on stdout:\n"
    "        scanned 10000000\n"
    "        matched 1203\n"
    "        recorded 1190\n"
    "        excluded 13\n"
    "        malformed 2 (lines 17, 90211)\n"
    "    scanned: lines read (a CSV header excluded); matched: pieces matching an\n"
    "    active cover; recorded: new cover_piece records; excluded: matches\n"
    "    withheld by MC-4 or MC-7; malformed: lines that could not be read or\n"
    "    whose fields would not validate, with the first few line numbers (with\n"
    "    --nats, stream sequence numbers).\n"
    "\n"
    "EXIT STATUS\n"
    "    0 when the input was read to its end (also with malformed lines); 1 when\n"
    "    covers cannot be loaded or a match cannot be recorded; 2 usage error.\n"
    "\n"
    "EXAMPLES\n"
    "    sealctl gen --out day --people 1000 --scans 1000000\n"
    "    sealctl cover run --covers covers.jsonl --scans day/mail_scan.csv\n"
    "    sealctl cover run --covers covers.jsonl --nats nats://127.0.0.1:4222 \\\n"
    "        --stream SCANS --idle-ms 5000\n"
    "\n"
    "SEE ALSO\n"
    "    sealctl address --help, docs/cover.md, docs/address.md\n";

static volatile int stop_flag;

/* --matches FILE: piece_id,cover_id,side,excluded per match (ids only) */
static void write_match(const seal_matcher *m, const seal_scan *s, const seal_match *mt, size_t n,
                        void *ud)
{
    FILE *f = ud;
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%.*s,%s,%s,%d\n", (int) s->n[SEAL_SCAN_PIECE_ID], s->v[SEAL_SCAN_PIECE_ID],
                seal_matcher_cover(m, mt[i].cover)->id,
                mt[i].side == 3               ? "both"
                : mt[i].side == SEAL_MATCH_TO ? "to"
                                              : "from",
                mt[i].excluded ? 1 : 0);
    }
}

static void on_signal(int sig)
{
    (void) sig;
    stop_flag = 1;
}

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-') {
        return false;
    }
    *out = v;
    return true;
}

static void print_counts(const seal_cover_counts *c, bool json)
{
    if (json) {
        printf("{\"scanned\":%" PRIu64 ",\"matched\":%" PRIu64 ",\"recorded\":%" PRIu64
               ",\"excluded\":%" PRIu64 ",\"malformed\":%" PRIu64 ",\"malformed_lines\":[",
               c->scanned, c->matched, c->recorded, c->excluded, c->malformed);
        for (size_t i = 0; i < c->n_malformed_lines; i++) {
            printf("%s%" PRIu64, i ? "," : "", c->malformed_lines[i]);
        }
        printf("]}\n");
        return;
    }
    printf("scanned %" PRIu64 "\nmatched %" PRIu64 "\nrecorded %" PRIu64 "\nexcluded %" PRIu64
           "\nmalformed %" PRIu64,
           c->scanned, c->matched, c->recorded, c->excluded, c->malformed);
    if (c->n_malformed_lines > 0) {
        printf(" (lines ");
        for (size_t i = 0; i < c->n_malformed_lines; i++) {
            printf("%s%" PRIu64, i ? ", " : "", c->malformed_lines[i]);
        }
        printf("%s)", c->malformed > c->n_malformed_lines ? ", ..." : "");
    }
    printf("\n");
}

/* The active, approved covers of the data directory's registry, as the
 * JSON lines seal_cover_list_parse reads, so that one parser (and one owner
 * of the strings) serves both sources. */
static json_t *name_array(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a != NULL && i < n; i++) {
        json_array_append_new(a, json_string(v[i]));
    }
    return a;
}

static seal_status active_line(const seal_active_cover *ac, void *ud)
{
    seal_buf *out = ud;
    const seal_cover *c = &ac->cover;
    char start[16];
    seal_date_format(start, sizeof(start), c->start_day * 86400);
    json_t *o = json_object();
    if (o == NULL) {
        return SEAL_NOMEM;
    }
    json_object_set_new(o, "cover_id", json_string(c->id));
    json_object_set_new(o, "subject", json_string(c->subject));
    if (c->dpc != NULL) {
        json_object_set_new(o, "dpc", json_string(c->dpc));
    }
    json_object_set_new(o, "start", json_string(start));
    json_object_set_new(o, "days", json_integer(c->days));
    json_object_set_new(o, "all_at_address", json_boolean(c->all_at_address));
    json_object_set_new(o, "names", name_array(c->names, c->n_names));
    json_object_set_new(o, "non_subjects", name_array(c->non_subjects, c->n_non_subjects));
    json_object_set_new(o, "exclude", name_array(c->exclude, c->n_exclude));
    char *line = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    seal_status s = line == NULL ? SEAL_NOMEM : seal_buf_append_str(out, line);
    if (s == SEAL_OK) {
        s = seal_buf_append_byte(out, '\n');
    }
    free(line);
    return s;
}

static seal_status load_active(const seal_cli *cli, seal_cover_list **out, size_t *n,
                               seal_error *err)
{
    seal_registry *reg = NULL;
    seal_buf lines;
    seal_buf_init(&lines);
    int64_t now = seal__cli_now(cli);
    char probe[1100];
    snprintf(probe, sizeof(probe), "%s/store.db", cli->data_dir);
    if (access(probe, F_OK) != 0) {
        return seal_error_set(err, SEAL_NOTFOUND,
                              "%s: no sealed store here to take active covers from (run "
                              "`sealctl --data %s init`, or give --covers FILE)",
                              cli->data_dir, cli->data_dir);
    }
    seal_status s = seal_registry_open(cli->data_dir, cli->principal, now, &reg, err);
    if (s == SEAL_OK) {
        s = seal_covers_active(reg, seal_time_day(now) * 86400, active_line, &lines, err);
    }
    if (s == SEAL_OK) {
        s = seal_cover_list_parse(seal_buf_str(&lines), lines.len, out, err);
    }
    if (s == SEAL_OK) {
        (void) seal_cover_list_covers(*out, n);
    }
    if (lines.data != NULL) {
        memset(lines.data, 0, lines.cap); /* addresses and names */
    }
    seal_buf_cleanup(&lines);
    seal_registry_close(reg);
    return s;
}

static int cmd_run(seal_cli *cli, int argc, char **argv)
{
    enum {
        O_COVERS = 256,
        O_SCANS,
        O_FORMAT,
        O_BATCH,
        O_DRY,
        O_JSON,
        O_NATS,
        O_STREAM,
        O_CONSUMER,
        O_SUBJECT,
        O_FETCH,
        O_IDLE,
        O_MAX,
        O_ACKWAIT,
        O_MATCHES
    };
    static const struct option opts[] = {
        {"covers", required_argument, NULL, O_COVERS},
        {"scans", required_argument, NULL, O_SCANS},
        {"format", required_argument, NULL, O_FORMAT},
        {"batch", required_argument, NULL, O_BATCH},
        {"dry-run", no_argument, NULL, O_DRY},
        {"json", no_argument, NULL, O_JSON},
        {"nats", required_argument, NULL, O_NATS},
        {"stream", required_argument, NULL, O_STREAM},
        {"consumer", required_argument, NULL, O_CONSUMER},
        {"subject", required_argument, NULL, O_SUBJECT},
        {"fetch", required_argument, NULL, O_FETCH},
        {"idle-ms", required_argument, NULL, O_IDLE},
        {"max", required_argument, NULL, O_MAX},
        {"ack-wait-ms", required_argument, NULL, O_ACKWAIT},
        {"matches", required_argument, NULL, O_MATCHES},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *covers_path = NULL;
    const char *scans = NULL;
    const char *matches_path = NULL;
    bool dry = false;
    bool json = false;
    seal_cover_run_options ro;
    seal_cover_run_options_init(&ro);
    seal_cover_nats_options no;
    seal_cover_nats_options_init(&no);
    uint64_t v;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case O_COVERS:
            covers_path = optarg;
            break;
        case O_SCANS:
            scans = optarg;
            break;
        case O_FORMAT:
            if (strcmp(optarg, "csv") == 0) {
                ro.format = SEAL_SCAN_CSV;
            } else if (strcmp(optarg, "ndjson") == 0) {
                ro.format = SEAL_SCAN_NDJSON;
            } else {
                return seal__cli_usage(cli, "cover", "cover run: --format must be csv or ndjson");
            }
            break;
        case O_BATCH:
            if (!parse_u64(optarg, &v) || v < 1 || v > 1000000) {
                return seal__cli_usage(cli, "cover", "cover run: --batch must be 1..1000000");
            }
            ro.batch = (size_t) v;
            break;
        case O_DRY:
            dry = true;
            break;
        case O_JSON:
            json = true;
            break;
        case O_NATS:
            no.url = optarg;
            break;
        case O_STREAM:
            no.stream = optarg;
            break;
        case O_CONSUMER:
            no.consumer = optarg;
            break;
        case O_SUBJECT:
            no.subject = optarg;
            break;
        case O_FETCH:
            if (!parse_u64(optarg, &v) || v < 1 || v > 10000) {
                return seal__cli_usage(cli, "cover", "cover run: --fetch must be 1..10000");
            }
            no.fetch = (size_t) v;
            break;
        case O_IDLE:
            if (!parse_u64(optarg, &v) || v > 86400000) {
                return seal__cli_usage(cli, "cover", "cover run: bad --idle-ms");
            }
            no.idle_ms = (int64_t) v;
            break;
        case O_MAX:
            if (!parse_u64(optarg, &v)) {
                return seal__cli_usage(cli, "cover", "cover run: bad --max");
            }
            no.max_msgs = v;
            break;
        case O_ACKWAIT:
            if (!parse_u64(optarg, &v) || v < 100 || v > 86400000) {
                return seal__cli_usage(cli, "cover", "cover run: bad --ack-wait-ms");
            }
            no.ack_wait_ms = (int64_t) v;
            break;
        case O_MATCHES:
            matches_path = optarg;
            break;
        case 'h':
            fputs(help, stdout);
            fputs(help2, stdout);
            return 0;
        default:
            return seal__cli_usage(cli, "cover", "cover run: unknown option");
        }
    }
    if (optind != argc) {
        return seal__cli_usage(cli, "cover", "cover run: unexpected argument");
    }
    if (no.url != NULL && scans != NULL) {
        return seal__cli_usage(cli, "cover", "cover run: --scans and --nats exclude each other");
    }
    if (no.url != NULL && no.stream == NULL) {
        return seal__cli_usage(cli, "cover", "cover run: --nats needs --stream");
    }

    seal_error err;
    seal_error_init(&err);
    seal_cover_list *list = NULL;
    seal_matcher *m = NULL;
    seal_cover_sink *sink = NULL;
    FILE *mf = NULL;
    int fd = 0;
    int rc = 1;
    seal_status st;
    seal_cover_counts counts;
    seal_cover_counts_init(&counts);
    size_t n;
    st = covers_path != NULL ? seal_cover_list_load(covers_path, &list, &err)
                             : load_active(cli, &list, &n, &err);
    if (st != SEAL_OK) {
        rc = seal__cli_fail(cli, "cover run", &err);
        goto out;
    }
    const seal_cover *cv = seal_cover_list_covers(list, &n);
    if ((st = seal_matcher_new(cv, n, &m, &err)) != SEAL_OK) {
        rc = seal__cli_fail(cli, "cover run", &err);
        goto out;
    }
    if (!dry &&
        (st = seal_cover_sink_open(cli->data_dir, seal__cli_now(cli), &sink, &err)) != SEAL_OK) {
        rc = seal__cli_fail(cli, "cover run", &err);
        goto out;
    }
    if (matches_path != NULL) {
        if ((mf = fopen(matches_path, "w")) == NULL) {
            fprintf(stderr, "%s: cover run: cannot open the matches file: %s\n", cli->prog,
                    strerror(errno));
            goto out;
        }
        ro.on_match = write_match;
        ro.ud = mf;
    }
    if (no.url != NULL) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        no.stop = &stop_flag;
        st = seal_cover_run_nats(m, sink, &no, &ro, &counts, &err);
    } else {
        if (scans != NULL && strcmp(scans, "-") != 0) {
            fd = open(scans, O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                fprintf(stderr, "%s: cover run: cannot open the scans file: %s\n", cli->prog,
                        strerror(errno));
                goto out;
            }
        }
        st = seal_cover_run_fd(m, sink, fd, &ro, &counts, &err);
    }
    print_counts(&counts, json);
    if (st != SEAL_OK) {
        rc = seal__cli_fail(cli, "cover run", &err);
        goto out;
    }
    rc = fflush(stdout) == 0 ? 0 : 1;
out:
    if (mf != NULL && fclose(mf) != 0 && rc == 0) {
        rc = 1;
    }
    if (fd > 0) {
        close(fd);
    }
    seal_cover_sink_free(sink);
    seal_matcher_free(m);
    seal_cover_list_free(list);
    return rc;
}

/* `cover publish --nats URL --stream NAME --subject SUBJ < scans` */
static int cmd_publish(seal_cli *cli, int argc, char **argv)
{
    const char *url = NULL, *stream = NULL, *subject = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(help, stdout);
            fputs(help2, stdout);
            return 0;
        }
        if (i + 1 >= argc) {
            return seal__cli_usage(cli, "cover", "cover publish: %s needs a value", argv[i]);
        }
        if (strcmp(argv[i], "--nats") == 0) {
            url = argv[++i];
        } else if (strcmp(argv[i], "--stream") == 0) {
            stream = argv[++i];
        } else if (strcmp(argv[i], "--subject") == 0) {
            subject = argv[++i];
        } else {
            return seal__cli_usage(cli, "cover", "cover publish: unknown option");
        }
    }
    if (url == NULL || stream == NULL || subject == NULL) {
        return seal__cli_usage(cli, "cover",
                               "cover publish: --nats, --stream and --subject are required");
    }
    seal_error err;
    seal_error_init(&err);
    uint64_t n = 0;
    if (seal_cover_nats_publish(url, stream, subject, 0, &n, &err) != SEAL_OK) {
        return seal__cli_fail(cli, "cover publish", &err);
    }
    printf("published %" PRIu64 "\n", n);
    return 0;
}

int seal__cmd_cover(seal_cli *cli, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "indict") == 0) {
        return seal__cmd_cover_indict(cli, argc - 1, argv + 1);
    }
    if (argc >= 2 && strcmp(argv[1], "improper") == 0) {
        return seal__cmd_cover_improper(cli, argc - 1, argv + 1);
    }
    if (argc >= 2 && strcmp(argv[1], "returned") == 0) {
        return seal__cmd_cover_returned(cli, argc - 1, argv + 1);
    }
    if (argc >= 2 && strcmp(argv[1], "run") == 0) {
        return cmd_run(cli, argc - 1, argv + 1);
    }
    if (argc >= 2 && strcmp(argv[1], "publish") == 0) {
        return cmd_publish(cli, argc - 1, argv + 1);
    }
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        fputs(help2, stdout);
        return 0;
    }
    return seal__cli_usage(cli, "cover",
                           "cover: expected run, publish, indict, improper or returned");
}
