/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sealed: the HTTP daemon (issue 7, docs/server.md). Its settings are one
 * table (name, type, default, bounds, field, help); the command line
 * (--NAME VALUE), the config file (--config FILE, "name = value" lines) and
 * --help all come from it. Signals: SIGTERM and SIGINT stop accepting
 * connections, let the requests already accepted finish (within `grace`
 * seconds), then exit 0. libmicrohttpd's threads speak HTTP; the main
 * thread does the library work they queue and watches for the signals
 * (seal__srv_run in server.c).
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sealed/log.h"
#include "sealed/time.h"
#include "server/server_int.h"

typedef enum { OPT_STR, OPT_INT } opt_type;

typedef struct opt {
    const char *name;
    opt_type type;
    const char *def; /* NULL: computed (data: $SEALED_DATA, else ./var) */
    long min, max;
    size_t off, size;
    const char *help;
} opt;

#define F(field) offsetof(seal_srv_config, field), sizeof(((seal_srv_config *) 0)->field)

static const opt opts[] = {
    {"listen", OPT_STR, "127.0.0.1:8440", 0, 0, F(listen),
     "HOST:PORT to listen on ([V6]:PORT for IPv6; port 0 picks a free port)"},
    {"data", OPT_STR, NULL, 0, 0, F(data), "data directory made by `sealctl init`"},
    {"max-body", OPT_INT, "65536", 256, 16777216, F(max_body),
     "largest request body in bytes; larger is refused with 413"},
    {"max-header", OPT_INT, "32768", 4096, 1048576, F(max_header),
     "memory per connection for the request line and headers; larger is refused"},
    {"max-connections", OPT_INT, "256", 1, 65536, F(max_connections),
     "open connections at once; more are refused at accept"},
    {"per-ip", OPT_INT, "64", 1, 65536, F(per_ip), "open connections per client address"},
    {"timeout", OPT_INT, "10", 1, 3600, F(timeout),
     "seconds a connection may stay idle, and a request body may take"},
    {"threads", OPT_INT, "4", 1, 256, F(threads), "worker threads"},
    {"grace", OPT_INT, "30", 0, 3600, F(grace),
     "seconds in-flight requests get to finish at SIGTERM/SIGINT"},
    {"sweep-interval", OPT_INT, "3600", 1, 86400, F(sweep_interval),
     "seconds between the request and retention sweeps the daemon runs by the clock (PA-7, "
     "MC-9; one also at start)"},
    {"rate", OPT_INT, "50", 0, 1000000, F(rate),
     "requests per second per principal (token bucket); more get 429; 0: no limit"},
    {"burst", OPT_INT, "100", 1, 1000000, F(burst), "bucket depth per principal"},
    {"public-rate", OPT_INT, "100", 0, 1000000, F(public_rate),
     "requests per second per client address on public routes and without a token; 0: no "
     "limit"},
    {"public-burst", OPT_INT, "200", 1, 1000000, F(public_burst), "bucket depth per address"},
    {"tls-cert", OPT_STR, NULL, 0, 0, F(tls_cert),
     "PEM certificate (chain): serve HTTPS (libmicrohttpd with GnuTLS)"},
    {"tls-key", OPT_STR, NULL, 0, 0, F(tls_key), "PEM private key of --tls-cert"},
    {"tls-client-ca", OPT_STR, NULL, 0, 0, F(tls_client_ca),
     "PEM CA: require client certificates it signed (403 otherwise)"},
};
#define N_OPTS (sizeof(opts) / sizeof(opts[0]))

static void usage(FILE *out)
{
    fprintf(out,
            "usage: sealed [--config FILE] [--data DIR] [--listen HOST:PORT] [--SETTING VALUE]...\n"
            "\n"
            "sealed is the HTTP daemon of sealed: the JSON API over what sealctl does\n"
            "(requests, reviews, productions, covers, the ledger, subject access) and the\n"
            "reviewer console at /. Public without a token: the console's files,\n"
            "/openapi.json and the ledger's checkpoint, tiles and proofs. Everything else\n"
            "needs `Authorization: Bearer TOKEN`, a token made by `sealctl token issue\n"
            "PRINCIPAL`; what each role may call is listed in /openapi.json (x-roles) and\n"
            "docs/server.md. Requests are rate limited per principal (and per client\n"
            "address without a token): 429 with Retry-After.\n\n"
            "settings (command line --NAME VALUE, or NAME = VALUE lines in the --config\n"
            "file; the command line wins):\n");
    for (size_t i = 0; i < N_OPTS; i++) {
        const opt *o = &opts[i];
        char def[64];
        if (o->def == NULL) {
            snprintf(def, sizeof(def), "%s",
                     strcmp(o->name, "data") == 0 ? "$SEALED_DATA, else ./var" : "none");
        } else {
            snprintf(def, sizeof(def), "%s", o->def);
        }
        fprintf(out, "  --%-16s %s\n  %-18s default %s", o->name, o->help, "", def);
        if (o->type == OPT_INT) {
            fprintf(out, "; %ld..%ld", o->min, o->max);
        }
        fprintf(out, "\n");
    }
    fprintf(out, "  --config FILE      read settings from FILE first\n"
                 "  -h, --help         this help\n"
                 "  --version          print the version\n\n"
                 "environment:\n"
                 "  SEALED_DATA        default data directory\n"
                 "  SEALED_NOW         test clock: YYYY-MM-DD or RFC 3339 UTC (never in service)\n"
                 "  SEALED_DEBUG       log the library's debug messages\n\n"
                 "On start sealed prints `sealed: listening on http://HOST:PORT` on standard\n"
                 "output. It logs one line per request on standard error: method, route\n"
                 "template, status, principal id and milliseconds; never addresses, bodies,\n"
                 "query strings or tokens.\n\n"
                 "One writer: sealed holds DIR/lock (its PID in it) until it exits. A second\n"
                 "sealed on DIR is refused (exit 1, \"DIR is served by sealed (PID N)\"), and\n"
                 "so are sealctl's writing commands while it runs: use the API for those\n"
                 "(POST /v1/principals/{id}/token issues tokens) or stop the daemon.\n\n"
                 "signals: SIGTERM or SIGINT stop accepting connections, let accepted requests\n"
                 "finish (at most --grace seconds) and exit 0. Every acknowledged change is\n"
                 "already durable (the ledger and the registry commit before answering), so\n"
                 "even SIGKILL loses nothing acknowledged.\n\n"
                 "exit status: 0 stopped by a signal; 1 cannot start (bad data directory,\n"
                 "address in use); 2 usage error.\n");
}

static int set(seal_srv_config *cfg, const opt *o, const char *val, const char *where)
{
    char *field = (char *) cfg + o->off;
    if (o->type == OPT_STR) {
        size_t n = strlen(val);
        if (n == 0 || n >= o->size) {
            fprintf(stderr, "sealed: %s%s: empty or too long\n", where, o->name);
            return 2;
        }
        memcpy(field, val, n + 1);
        return 0;
    }
    char *end = NULL;
    errno = 0;
    long v = strtol(val, &end, 10);
    if (errno != 0 || end == val || *end != '\0' || v < o->min || v > o->max) {
        fprintf(stderr, "sealed: %s%s: '%s' is not a number in %ld..%ld\n", where, o->name, val,
                o->min, o->max);
        return 2;
    }
    memcpy(field, &v, sizeof(v));
    return 0;
}

static const opt *find(const char *name, size_t n)
{
    for (size_t i = 0; i < N_OPTS; i++) {
        if (strlen(opts[i].name) == n && strncmp(opts[i].name, name, n) == 0) {
            return &opts[i];
        }
    }
    return NULL;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) {
        s[--n] = '\0';
    }
    return s;
}

static int load_file(seal_srv_config *cfg, const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "sealed: --config %s: %s\n", path, strerror(errno));
        return 1;
    }
    char line[2048], where[64];
    int rc = 0;
    for (int no = 1; rc == 0 && fgets(line, sizeof(line), f) != NULL; no++) {
        char *l = trim(line);
        if (*l == '\0' || *l == '#') {
            continue;
        }
        char *eq = strchr(l, '=');
        snprintf(where, sizeof(where), "config line %d: ", no);
        if (eq == NULL) {
            fprintf(stderr, "sealed: %s: %sexpected NAME = VALUE\n", path, where);
            rc = 2;
            break;
        }
        *eq = '\0';
        char *name = trim(l), *val = trim(eq + 1);
        const opt *o = find(name, strlen(name));
        if (o == NULL) {
            fprintf(stderr, "sealed: %s: %sunknown setting '%s'\n", path, where, name);
            rc = 2;
            break;
        }
        rc = set(cfg, o, val, where);
    }
    fclose(f);
    return rc;
}

static void log_to_stderr(seal_log_level level, const char *msg, void *ud)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};
    (void) ud;
    fprintf(stderr, "sealed: %s: %s\n", names[level], msg);
}

static int parse_args(seal_srv_config *cfg, int argc, char **argv)
{
    for (size_t i = 0; i < N_OPTS; i++) {
        if (opts[i].def != NULL && set(cfg, &opts[i], opts[i].def, "default ") != 0) {
            return 2;
        }
    }
    const char *env = getenv("SEALED_DATA");
    if (set(cfg, find("data", 4), env != NULL && env[0] != '\0' ? env : "./var", "") != 0) {
        return 2;
    }
    /* the config file first, whatever its place, so the command line wins */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "sealed: --config needs a FILE (see sealed --help)\n");
                return 2;
            }
            int rc = load_file(cfg, argv[++i]);
            if (rc != 0) {
                return rc;
            }
        }
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--config") == 0) {
            i++;
            continue;
        }
        if (strncmp(a, "--", 2) != 0) {
            fprintf(stderr, "sealed: unexpected argument '%s' (see sealed --help)\n", a);
            return 2;
        }
        const char *eq = strchr(a + 2, '=');
        size_t n = eq != NULL ? (size_t) (eq - a - 2) : strlen(a + 2);
        const opt *o = find(a + 2, n);
        if (o == NULL) {
            fprintf(stderr, "sealed: unknown option '%s' (see sealed --help)\n", a);
            return 2;
        }
        const char *val = eq != NULL ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (val == NULL) {
            fprintf(stderr, "sealed: --%s needs a value (see sealed --help)\n", o->name);
            return 2;
        }
        if (set(cfg, o, val, "--") != 0) {
            return 2;
        }
    }
    const char *now = getenv("SEALED_NOW");
    if (now != NULL && now[0] != '\0' && seal_time_parse(now, &cfg->now) != SEAL_OK &&
        seal_date_parse(now, &cfg->now) != SEAL_OK) {
        fprintf(stderr, "sealed: SEALED_NOW: not YYYY-MM-DD or RFC 3339 UTC\n");
        return 2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(argv[i], "--version") == 0) {
            printf("sealed %s\n", SEAL_VERSION);
            return 0;
        }
    }
    seal_srv_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    int rc = parse_args(&cfg, argc, argv);
    if (rc != 0) {
        return rc;
    }
    seal_log_set(log_to_stderr, getenv("SEALED_DEBUG") != NULL ? SEAL_LOG_DEBUG : SEAL_LOG_WARN,
                 NULL);
    /* block the stop signals before any thread exists, so only sigwait
     * below sees them; a peer closing early must not kill the process */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    seal_error err;
    seal_error_init(&err);
    seal_srv *srv = NULL;
    if (seal__srv_start(&cfg, &srv, &err) != SEAL_OK) {
        fprintf(stderr, "sealed: %s\n", err.msg);
        return 1;
    }
    const char *colon = strrchr(cfg.listen, ':');
    printf("sealed: listening on %s://%.*s:%u\n", cfg.tls_cert[0] != '\0' ? "https" : "http",
           (int) (colon - cfg.listen), cfg.listen, seal__srv_port(srv));
    fflush(stdout);

    (void) seal__srv_run(srv, &stop);
    seal__srv_stop(srv);
    fprintf(stderr, "sealed: stopped\n");
    return 0;
}
