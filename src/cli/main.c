/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sealctl: the command-line face of libsealed. Global options, the command
 * table and dispatch; every command is a thin layer over the library.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/dirlock.h"
#include "sealed/log.h"
#include "sealed/store.h"
#include "sealed/time.h"

static const seal_cli_command commands[] = {
    {"init", seal__cmd_init, "create a data directory: store, key store, master key, config"},
    {"ingest", seal__cmd_ingest, "load customer records (NDJSON or CSV) of one kind"},
    {"stats", seal__cmd_stats, "count records per kind and retention state"},
    {"lookup", seal__cmd_lookup, "one subject's records, by one exact identifier"},
    {"shred", seal__cmd_shred, "crypto-shred a subject: delete its data key and index rows"},
    {"reindex", seal__cmd_reindex, "rebuild blind-index rows made by an older standardiser"},
    {"keys", seal__cmd_keys, "master key check and rotation; key-store backups"},
    {"config", seal__cmd_config, "show the data directory's configuration"},
    {"gen", seal__cmd_gen, "write a deterministic synthetic population"},
    {"log", seal__cmd_log, "raw Merkle logs: init, append, checkpoint, proofs, verify"},
    {"address", seal__cmd_address, "standardise addresses and make match keys"},
    {"request", seal__cmd_request, "check a request document against a policy (no side effects)"},
    {"policy", seal__cmd_policy, "verify a policy's invariants, diff two policies"},
    {"order", seal__cmd_order, "issuer keys and signed orders for requests"},
    {"agency", seal__cmd_agency, "register agencies that may send requests"},
    {"issuer", seal__cmd_issuer, "register courts and authorities and their verifier keys"},
    {"principal", seal__cmd_principal, "register principals, their agency, roles and validity"},
    {"protect", seal__cmd_protect, "register addresses under a protective order"},
    {"cover", seal__cmd_cover, "mail covers: run the stream matcher, indict"},
    {"produce", seal__cmd_produce, "build and verify the bundle of an approved request"},
    {"token", seal__cmd_token, "issue a principal's bearer token for the daemon (sealed)"},
    {"access", seal__cmd_access, "a person's own records and the disclosures they may see"},
    {"amend", seal__cmd_amend, "requests to amend a record: file, acknowledge, decide, review"},
    {"backup", seal__cmd_backup, "online backup of the data directory; verify; restore"},
    {"retain", seal__cmd_retain, "retention sweep: truncate, delete, shred; honours preservations"},
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: sealctl [--data DIR] [--as PRINCIPAL] [--now TIME] [--quiet] COMMAND "
            "[ARGS...]\n\n"
            "sealctl is the command-line tool of sealed, a system of records that\n"
            "discloses personal data only under particular, time-limited legal process\n"
            "and records every step in a verifiable ledger.\n\n"
            "global options:\n"
            "  --data DIR       data directory (default: $SEALED_DATA, else ./var)\n"
            "  --as ID          act as this principal (default: $SEALED_PRINCIPAL)\n"
            "  --now TIME       treat TIME (YYYY-MM-DD or RFC 3339) as the current time\n"
            "                   (default: $SEALED_NOW, else the clock): for a directory made\n"
            "                   with `init --test-clock`, for commands that open none, and as\n"
            "                   an \"as of\" for commands that append nothing to the ledger\n"
            "  --quiet          no progress output\n"
            "  -h, --help       this help; `sealctl COMMAND --help` for a command's\n"
            "  --version        print the version\n\n"
            "commands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    }
    fprintf(out, "\nexit status: 0 success, 1 failure (a message on stderr), 2 usage error.\n");
}

static void log_to_stderr(seal_log_level level, const char *msg, void *ud)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};
    (void) ud;
    fprintf(stderr, "sealctl: %s: %s\n", names[level], msg);
}

int seal__cli_fail(const seal_cli *cli, const char *what, const seal_error *err)
{
    fprintf(stderr, "%s: %s: %s\n", cli->prog, what,
            err->msg[0] != '\0' ? err->msg : seal_status_message(err->status));
    return 1;
}

int seal__cli_usage(const seal_cli *cli, const char *cmd, const char *fmt, ...)
{
    fprintf(stderr, "%s: ", cli->prog);
    if (cmd != NULL) {
        fprintf(stderr, "%s: ", cmd);
    }
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see `%s %s%s--help`)\n", cli->prog, cmd != NULL ? cmd : "",
            cmd != NULL ? " " : "");
    return 2;
}

bool seal__cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            return false;
        }
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            return true;
        }
    }
    return false;
}

int seal__cli_writer_lock(const seal_cli *cli, const char *dir, bool create)
{
    static int held = -1; /* kept until the process exits */
    if (held >= 0) {
        return 0;
    }
    seal_error err;
    seal_error_init(&err);
    long pid = 0;
    char probe[1100];
    /* the lock file is made only in a data directory (one holding a store) */
    if (create && (snprintf(probe, sizeof(probe), "%s/store.db", dir) >= (int) sizeof(probe) ||
                   access(probe, F_OK) != 0)) {
        create = false;
    }
    seal_status s = seal__dirlock_take(dir, false, create, &held, &pid, &err);
    if (s == SEAL_EXISTS) {
        fprintf(stderr, "%s: %s: use the API or stop it\n", cli->prog, err.msg);
        return 1;
    }
    if (s != SEAL_OK) {
        fprintf(stderr, "%s: %s\n", cli->prog, err.msg);
        return 1;
    }
    return 0;
}

/* Commands, and subcommands, that never write to the data directory nor
 * append to its ledger: they run while the daemon serves it. Every other
 * one (logged reads included: access, produce) takes the writer lock first,
 * so that while sealed runs it is the directory's only writer. `log` locks
 * for itself (its --dir names the ledger). */
static bool read_only(int argc, char **argv)
{
    static const char *const cmds[] = {"stats",   "config", "lookup", "gen",
                                       "address", "order",  "log"};
    static const char *const subs[][2] = {
        {"request", "check"},  {"request", "list"},  {"request", "show"},     {"policy", "verify"},
        {"policy", "diff"},    {"policy", "show"},   {"agency", "list"},      {"issuer", "list"},
        {"principal", "list"}, {"protect", "list"},  {"produce", "verify"},   {"backup", "verify"},
        {"backup", "restore"}, {"keys", "check"},    {"keys", "generations"}, {"amend", "list"},
        {"amend", "show"},     {"amend", "overdue"}, {"cover", "publish"}};
    if (seal__cli_wants_help(argc, argv)) {
        return true;
    }
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        if (strcmp(argv[0], cmds[i]) == 0) {
            return true;
        }
    }
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
        if (argc > 1 && strcmp(argv[0], subs[i][0]) == 0 && strcmp(argv[1], subs[i][1]) == 0) {
            return true;
        }
    }
    /* `backup DEST`: an online copy, it appends nothing */
    return argc > 1 && strcmp(argv[0], "backup") == 0 && argv[1][0] != '-';
}

int64_t seal__cli_now(const seal_cli *cli)
{
    return cli->now != 0 ? cli->now : (int64_t) time(NULL);
}

static int parse_now(seal_cli *cli, const char *s, const char *from)
{
    int64_t t;
    if (seal_time_parse(s, &t) != SEAL_OK && seal_date_parse(s, &t) != SEAL_OK) {
        return seal__cli_usage(cli, NULL, "%s: '%s' is not YYYY-MM-DD or RFC 3339 UTC", from, s);
    }
    cli->now = t;
    cli->now_from = from;
    return 0;
}

/* Commands that take --now without a test clock: those that open no data
 * directory, and those that append nothing to the ledger, for which it is
 * an "as of". A subcommand is named after its command ("request list"). */
static const char *const now_free[] = {
    "gen",          "log",           "address",    "policy",           "order",
    "config",       "lookup",        "stats",      "request check",    "request list",
    "request show", "backup verify", "keys check", "keys generations", "produce verify",
};

static bool takes_any_now(int argc, char **argv)
{
    for (size_t k = 0; k < sizeof(now_free) / sizeof(now_free[0]); k++) {
        const char *n = now_free[k];
        size_t l = strlen(argv[0]);
        if (strncmp(n, argv[0], l) != 0 || (n[l] != '\0' && n[l] != ' ')) {
            continue;
        }
        if (n[l] == '\0' || (argc > 1 && strcmp(n + l + 1, argv[1]) == 0)) {
            return true;
        }
    }
    return false;
}

/* The clock rule of the CLI: a time other than the clock's is given to a
 * command that appends to the ledger only on a directory made with `init
 * --test-clock` (recorded in the ledger's first entry, so it cannot be added
 * later). Otherwise a back-dated --now could, e.g., produce an expired
 * request. init checks its own (--now only with --test-clock). */
static int check_now(seal_cli *cli, int argc, char **argv)
{
    if (cli->now == 0 || strcmp(argv[0], "init") == 0 || seal__cli_wants_help(argc, argv) ||
        takes_any_now(argc, argv)) {
        return 0;
    }
    bool test_clock = false;
    seal_error err;
    seal_error_init(&err);
    seal_status s = seal_store_test_clock(cli->data_dir, &test_clock, &err);
    if (s == SEAL_NOTFOUND) {
        return 0; /* no ledger: the command itself says what is missing */
    }
    if (s != SEAL_OK) {
        return seal__cli_fail(cli, cli->now_from, &err);
    }
    if (!test_clock) {
        fprintf(stderr,
                "%s: %s: %s has a real clock (made without --test-clock); a command that "
                "appends to the ledger runs at the clock's time only\n",
                cli->prog, cli->now_from, cli->data_dir);
        return 2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    seal_cli cli = {.prog = "sealctl",
                    .data_dir = getenv("SEALED_DATA"),
                    .principal = getenv("SEALED_PRINCIPAL")};
    if (cli.data_dir == NULL || cli.data_dir[0] == '\0') {
        cli.data_dir = "./var";
    }
    const char *env_now = getenv("SEALED_NOW");
    if (env_now != NULL && env_now[0] != '\0' && parse_now(&cli, env_now, "SEALED_NOW") != 0) {
        return 2;
    }
    seal_log_set(log_to_stderr, getenv("SEALED_DEBUG") != NULL ? SEAL_LOG_DEBUG : SEAL_LOG_WARN,
                 NULL);

    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(a, "--version") == 0) {
            printf("sealctl %s\n", SEAL_VERSION);
            return 0;
        }
        if (strcmp(a, "--quiet") == 0) {
            cli.quiet = true;
            continue;
        }
        const char *val = NULL;
        const char *names[] = {"--data", "--as", "--now"};
        size_t which = 3;
        for (size_t k = 0; k < 3; k++) {
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
        if (which == 3) {
            return seal__cli_usage(&cli, NULL, "unknown option '%s'", a);
        }
        if (val == NULL || val[0] == '\0') {
            return seal__cli_usage(&cli, NULL, "%s needs a value", names[which]);
        }
        if (which == 0) {
            cli.data_dir = val;
        } else if (which == 1) {
            cli.principal = val;
        } else if (parse_now(&cli, val, "--now") != 0) {
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++) {
        if (strcmp(argv[i], commands[k].name) == 0) {
            int rc = check_now(&cli, argc - i, argv + i);
            if (rc != 0) {
                return rc;
            }
            if (!read_only(argc - i, argv + i) &&
                seal__cli_writer_lock(&cli, cli.data_dir, true) != 0) {
                return 1;
            }
            return commands[k].fn(&cli, argc - i, argv + i);
        }
    }
    return seal__cli_usage(&cli, NULL, "unknown command '%s'", argv[i]);
}
