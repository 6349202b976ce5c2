/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP side of sealed (issue 7, phase 1) on libmicrohttpd: one route
 * table that is at once the router, the authorization table (route x role)
 * and the source of /openapi.json; bearer-token authentication against the
 * token store (src/store/tokens.h); handlers that wrap the request
 * lifecycle (sealed/registry.h) and the policy check; the ledger's
 * checkpoint and tiles served as static files; errors as RFC 9457
 * application/problem+json with a JSON pointer; and an access log line per
 * request holding the method, the route template (never the concrete path,
 * which may carry ids a client chose), the status, the principal id and the
 * duration: no addresses, no bodies, no tokens.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <jansson.h>
#include <microhttpd.h>

#include "core/crypto_sha256.h"
#include "core/dirlock.h"
#include "sealed/alloc.h"
#include "sealed/buf.h"
#include "sealed/ledger.h"
#include "sealed/policy.h"
#include "sealed/produce.h"
#include "sealed/registry.h"
#include "sealed/request.h"
#include "sealed/retain.h"
#include "sealed/schema.h"
#include "sealed/time.h"
#include "server/console.h"
#include "server/server_int.h"
#include "store/tokens.h"

#define ROLE(x) (1u << SEAL_ROLE_##x)
/* staff who work requests; auditors read them; subjects have their own route */
#define STAFF                                                                                      \
    (ROLE(REQUESTER) | ROLE(REVIEWER) | ROLE(COVER_APPROVER) | ROLE(HQ_APPROVER) |                 \
     ROLE(PRIVACY_OFFICER))
#define APPROVERS (ROLE(REVIEWER) | ROLE(COVER_APPROVER) | ROLE(HQ_APPROVER))
#define ANY_ROLE ((1u << SEAL_ROLE_COUNT) - 1u)
#define PRODUCERS (ROLE(REQUESTER) | ROLE(PRIVACY_OFFICER))
#define READERS (ROLE(REQUESTER) | ROLE(PRIVACY_OFFICER) | ROLE(AUDITOR))

/* What the console's pages may load: only themselves. */
#define CSP "default-src 'self'; frame-ancestors 'none'"

typedef struct response {
    int status;
    const char *ctype;
    seal_buf body;
    char location[2 * SEAL_ID_SIZE + 48];
    int fd; /* >= 0: serve this file of fd_size bytes instead of body */
    uint64_t fd_size;
    const unsigned char *fixed; /* static bytes (the console) instead of body */
    size_t fixed_len;
    bool immutable;
    bool console; /* console headers: CSP, no-cache */
    bool attachment;
    long retry_after; /* > 0: 429's Retry-After */
    bool secret;      /* personal data: wiped after sending */
} response;

struct req;
typedef struct handler_ctx {
    seal_srv *srv;
    struct req *rq;
    seal_registry *reg; /* NULL on public routes */
    seal_ledger *led;   /* the daemon's open ledger, borrowed; NULL: open one */
    int64_t now;
    uint32_t roles;            /* of the token's principal */
    char agency[SEAL_ID_SIZE]; /* of the token's principal */
} handler_ctx;
typedef void (*handler_fn)(handler_ctx *h, response *r);

static void h_openapi(handler_ctx *h, response *r);
static void h_me(handler_ctx *h, response *r);
static void h_check(handler_ctx *h, response *r);
static void h_submit(handler_ctx *h, response *r);
static void h_list(handler_ctx *h, response *r);
static void h_show(handler_ctx *h, response *r);
static void h_preview(handler_ctx *h, response *r);
static void h_review(handler_ctx *h, response *r);
static void h_extend(handler_ctx *h, response *r);
static void h_close(handler_ctx *h, response *r);
static void h_consent(handler_ctx *h, response *r);
static void h_renew(handler_ctx *h, response *r);
static void h_sweep(handler_ctx *h, response *r);
static void h_produce(handler_ctx *h, response *r);
static void h_production(handler_ctx *h, response *r);
static void h_production_file(handler_ctx *h, response *r);
static void h_production_verify(handler_ctx *h, response *r);
static void h_covers(handler_ctx *h, response *r);
static void h_indict(handler_ctx *h, response *r);
static void h_checkpoint(handler_ctx *h, response *r);
static void h_tile(handler_ctx *h, response *r);
static void h_inclusion(handler_ctx *h, response *r);
static void h_consistency(handler_ctx *h, response *r);
static void h_ledger_verify(handler_ctx *h, response *r);
static void h_events(handler_ctx *h, response *r);
static void h_access(handler_ctx *h, response *r);
static void h_console(handler_ctx *h, response *r);
static void h_policy_get(handler_ctx *h, response *r);
static void h_policy_put(handler_ctx *h, response *r);
static void h_token(handler_ctx *h, response *r);

/* THE authorization table. public: no token needed (DESIGN.md: the OpenAPI
 * document, the console's static files and the ledger's checkpoint, tiles
 * and proofs hold no personal data). Otherwise a principal holding any of
 * `roles` may call the route; the registry then applies the finer rules
 * (own agency, delegation windows, who may review what), answered as 403
 * "permission" or 409 "refused". Public routes are limited per client
 * address, the others per principal (token buckets, `rate` and `burst`). */
typedef struct route {
    const char *method;
    const char *path; /* template; {id}, {pid}, {name}: one segment; a final
                         {tile} or {asset} takes the rest of the path */
    handler_fn fn;
    bool pub;
    bool serial; /* public, but runs on the main thread (opens the ledger) */
    uint32_t roles;
    int ok;            /* success status */
    bool has_body;     /* takes a JSON body */
    const char *ctype; /* of the success answer (OpenAPI); NULL: JSON */
    const char *query; /* query parameters for OpenAPI: "name" ("!" suffix: required) */
    const char *op;
    const char *summary;
} route;

#define JSON NULL
static const route routes[] = {
    {"GET", "/openapi.json", h_openapi, true, false, 0, 200, false, JSON, NULL, "getOpenapi",
     "this document (OpenAPI 3)"},
    {"GET", "/v1/me", h_me, false, false, ANY_ROLE, 200, false, JSON, NULL, "getMe",
     "the token's principal: id, agency, roles and validity window"},
    {"POST", "/v1/requests/check", h_check, false, false, STAFF, 200, true, JSON, "policy compare",
     "checkRequest",
     "check a request document under the policy of record (?policy=: a shipped one, what-if) "
     "with the registry's issuers and agencies, no side effects (sealctl request check --data)"},
    {"POST", "/v1/requests", h_submit, false, false, ROLE(REQUESTER), 201, true, JSON,
     "follows supersedes", "submitRequest",
     "submit a request document as the token's principal; ?supersedes= names the denied or "
     "refused request whose legal basis it reuses (PA-2; sealctl request submit)"},
    {"GET", "/v1/policy", h_policy_get, false, false, STAFF | ROLE(AUDITOR), 200, false, JSON, NULL,
     "getPolicy", "the data directory's policy of record: name and SHA-256"},
    {"PUT", "/v1/policy", h_policy_put, false, false, ROLE(PRIVACY_OFFICER), 200, true, JSON, NULL,
     "setPolicy",
     "change the policy of record (sealctl policy set): {\"policy\": \"strict\"|\"cfr-233\"} or "
     "the policy document itself; a policy.set ledger event with the old and new hashes"},
    {"GET", "/v1/requests", h_list, false, false, STAFF | ROLE(AUDITOR), 200, false, JSON, NULL,
     "listRequests", "requests visible to the principal, with deadlines (sealctl request list)"},
    {"GET", "/v1/requests/{id}", h_show, false, false, STAFF | ROLE(AUDITOR), 200, false, JSON,
     "document", "showRequest",
     "one request, its approvals with their notes; ?document=true adds the document (sealctl "
     "request show)"},
    {"GET", "/v1/requests/{id}/preview", h_preview, false, false, APPROVERS, 200, false, JSON, NULL,
     "previewRequest",
     "what producing it would hold: counts per kind, no values, and whether it is empty "
     "(reviewers and approvers not of its agency; sealctl request preview)"},
    {"POST", "/v1/requests/{id}/review", h_review, false, false, APPROVERS, 200, true, JSON, NULL,
     "reviewRequest",
     "approve or deny: {\"approve\": true|false, \"note\": \"...\"} (sealctl request review "
     "--note)"},
    {"POST", "/v1/requests/{id}/consent", h_consent, false, false, ROLE(SUBJECT) | APPROVERS, 200,
     true, JSON, NULL, "confirmConsent",
     "confirm a consent request waiting in consent_pending: {} as a subject bound to every "
     "subject it names, or {\"reference\": \"...\"} as a reviewer where the policy allows "
     "written consent (PA-2; sealctl request consent)"},
    {"POST", "/v1/requests/{id}/extend", h_extend, false, false, ROLE(REQUESTER), 201, true, JSON,
     NULL, "extendCover",
     "submit an extension document whose cover.extends names {id} (a cover id, or a request of "
     "that cover) (sealctl request extend COVER-ID FILE)"},
    {"POST", "/v1/requests/{id}/close", h_close, false, false,
     ROLE(REQUESTER) | APPROVERS | ROLE(PRIVACY_OFFICER), 200, false, JSON, NULL, "closeRequest",
     "end an open request (sealctl request close)"},
    {"POST", "/v1/requests/{id}/renew", h_renew, false, false,
     ROLE(REQUESTER) | APPROVERS | ROLE(PRIVACY_OFFICER), 200, false, JSON, NULL,
     "renewPreservation", "renew an active preservation once (PA-9; sealctl request extend ID)"},
    {"POST", "/v1/sweep", h_sweep, false, false, ROLE(PRIVACY_OFFICER), 200, false, JSON, NULL,
     "sweep", "enforce every deadline as of now (sealctl request sweep)"},
    {"POST", "/v1/requests/{id}/productions", h_produce, false, false, PRODUCERS, 201, false, JSON,
     NULL, "buildProduction",
     "build the production of an active request into the data directory (sealctl produce)"},
    {"GET", "/v1/productions/{pid}", h_production, false, false, READERS, 200, false, JSON, NULL,
     "showProduction", "a production's manifest and files with their SHA-256 digests"},
    {"GET", "/v1/productions/{pid}/files/{name}", h_production_file, false, false, READERS, 200,
     false, "application/octet-stream", NULL, "getProductionFile",
     "one file of the bundle; auditors get the manifest, checkpoint, proofs and key, not the "
     "data files"},
    {"GET", "/v1/productions/{pid}/verify", h_production_verify, false, false, READERS, 200, false,
     JSON, NULL, "verifyProduction",
     "run the offline verifier over the bundle (sealctl produce verify)"},
    {"GET", "/v1/covers", h_covers, false, false,
     ROLE(COVER_APPROVER) | ROLE(PRIVACY_OFFICER) | ROLE(AUDITOR), 200, false, JSON, NULL,
     "listCovers", "covers active today: ids, dates, agency; never addresses"},
    {"POST", "/v1/covers/{id}/indict", h_indict, false, false,
     ROLE(REQUESTER) | APPROVERS | ROLE(PRIVACY_OFFICER), 200, true, JSON, NULL, "indictCover",
     "record an indictment: {\"date\": \"YYYY-MM-DD\"} (MC-6; sealctl cover indict)"},
    {"GET", "/v1/ledger/checkpoint", h_checkpoint, true, false, 0, 200, false, "text/plain", NULL,
     "getCheckpoint", "the ledger's latest signed checkpoint (C2SP tlog-checkpoint)"},
    {"GET", "/v1/ledger/tile/{tile}", h_tile, true, false, 0, 200, false,
     "application/octet-stream", NULL, "getTile",
     "a ledger tile (C2SP tlog-tiles); {tile} is the rest of the path, e.g. 0/000 or "
     "entries/000.p/3"},
    {"GET", "/v1/ledger/proof/inclusion", h_inclusion, true, true, 0, 200, false, JSON,
     "index! size", "getInclusionProof",
     "RFC 9162 inclusion proof of entry index in the tree of size entries (default: the "
     "current size), as sealctl log inclusion"},
    {"GET", "/v1/ledger/proof/consistency", h_consistency, true, true, 0, 200, false, JSON,
     "old! new", "getConsistencyProof",
     "RFC 9162 consistency proof from size old to new (default: the current size), as sealctl "
     "log consistency"},
    {"GET", "/v1/ledger/verify", h_ledger_verify, false, false, STAFF | ROLE(AUDITOR), 200, false,
     JSON, NULL, "verifyLedger",
     "run the offline verifier over the ledger's checkpoint and tiles (sealctl log verify)"},
    {"GET", "/v1/ledger/events", h_events, false, false, ROLE(AUDITOR) | ROLE(PRIVACY_OFFICER), 200,
     false, JSON, "from limit", "listEvents",
     "the ledger's canonical event records (ids and keyed commitments only), from index from, "
     "at most limit (default 100, at most 1000)"},
    {"GET", "/v1/access", h_access, false, false, ROLE(SUBJECT), 200, false, JSON, "format",
     "subjectAccess",
     "the subject's own records and visible accounting (PA-13), for the identifiers bound at "
     "registration; ?format=html for a printable page (sealctl access)"},
    {"POST", "/v1/principals/{id}/token", h_token, false, false, ROLE(PRIVACY_OFFICER), 201, false,
     JSON, NULL, "issueToken",
     "a new bearer token for principal {id}, shown once; it revokes the principal's old one "
     "(sealctl token issue)"},
    {"GET", "/", h_console, true, false, 0, 200, false, "text/html", NULL, "getConsole",
     "the reviewer console (index.html)"},
    {"GET", "/{asset}", h_console, true, false, 0, 200, false, "application/octet-stream", NULL,
     "getConsoleAsset", "a static file of the console, e.g. /app.js (never under /v1/)"},
};
#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

/* Work on the registry, the ledger and the token store runs on one thread,
 * the one in seal__srv_run (the main thread): the registry is not
 * thread-safe, the ledger's journal has one flock holder, and the library
 * keeps per-thread state (a SHA-256 context) that should live as long as
 * the process. libmicrohttpd's workers queue a job and suspend its
 * connection, free to serve others meanwhile; the run thread resumes it
 * once the answer is ready (and durable), and the worker sends it. */
typedef struct job {
    struct handler_ctx *h;
    response *r;
    bool done;
    struct job *next;
    struct MHD_Connection *conn; /* suspended until done */
} job;

/* A queued job with its context and answer, owned by its req. */
typedef struct pending {
    job j;
    handler_ctx h;
    response r;
} pending;

/* Token buckets (rate limits): per principal ("p:ID") on the main thread,
 * per client address ("a:ADDR") on the workers, in one small table under its
 * own lock; when a probe finds no room the least recently used entry goes. */
#define BUCKETS 4096
#define BUCKET_PROBE 16
typedef struct bucket {
    char key[SEAL_TOKEN_PRINCIPAL_SIZE + 2];
    double tokens;
    int64_t last_us;
} bucket;

struct seal_srv {
    seal_srv_config cfg;
    struct MHD_Daemon *d;
    pthread_mutex_t rl_mu;
    bucket *buckets;
    char *tls_cert, *tls_key, *tls_ca; /* PEM, NUL-terminated; NULL: plain HTTP */
    pthread_mutex_t mu;                /* the job queue */
    pthread_cond_t work, done;
    job *head, *tail;
    bool closing; /* no more jobs: answered 503 */
    seal_tokens_backend *tokens;
    /* group commit (drain): one registry handle and one open ledger for
     * every job of the run thread, and only for it */
    seal_registry *reg;
    seal_ledger *led;
    bool test_clock; /* the ledger's first entry says so (sealctl init --test-clock) */
    atomic_long in_flight;
    seal_buf openapi;
    char ledger_dir[1100];
    char prod_dir[1100];
    int lock_fd; /* DIR/lock, held exclusively for the daemon's whole life */
};

typedef struct req {
    int64_t start_ms;
    bool begun; /* on_request has seen it */
    /* the raw request target (as the URI log callback saw it), to find NUL
     * bytes that libmicrohttpd's unescaping would cut the path or a query
     * value at */
    uintptr_t raw;
    size_t raw_len;
    bool nul;    /* a NUL byte (raw or %00) in the path or the query */
    bool bad_id; /* {id} or {pid} does not match the route's id pattern */
    const route *rt;
    int early; /* a status decided before the body (404, 405, 413) */
    seal_buf body;
    bool too_big;
    char id[SEAL_ID_SIZE]; /* {id} or {pid} */
    char name[66];         /* {name} */
    char tile[256];        /* {tile} or {asset} */
    char principal[SEAL_TOKEN_PRINCIPAL_SIZE];
    long wait; /* early 429: Retry-After */
    struct MHD_Connection *conn;
    pending *pend; /* queued to the run thread */
} req;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- responses ----------------------------------------------------------- */

static bool json_into(json_t *j, seal_buf *out)
{
    if (j == NULL) {
        return false;
    }
    size_t n = json_dumpb(j, NULL, 0, JSON_COMPACT | JSON_PRESERVE_ORDER);
    bool ok = n > 0 && seal_buf_reserve(out, n + 1) == SEAL_OK;
    if (ok) {
        json_dumpb(j, (char *) out->data + out->len, n, JSON_COMPACT | JSON_PRESERVE_ORDER);
        out->len += n;
        out->data[out->len] = '\0';
    }
    json_decref(j);
    return ok;
}

/* RFC 9457 problem details; `pointer` (RFC 6901, may be NULL) says which
 * part of the request was wrong. */
static void problem(response *r, int status, const char *slug, const char *title,
                    const char *detail, const char *pointer)
{
    char type[96];
    snprintf(type, sizeof(type), "urn:sealed:problem:%s", slug);
    seal_buf_reset(&r->body);
    r->status = status;
    r->ctype = "application/problem+json";
    json_t *j = json_pack("{s:s, s:s, s:i}", "type", type, "title", title, "status", status);
    if (j != NULL && detail != NULL) {
        json_object_set_new(j, "detail", json_string(detail));
    }
    if (j != NULL && pointer != NULL) {
        json_object_set_new(j, "pointer", json_string(pointer));
    }
    if (!json_into(j, &r->body)) {
        r->status = 500;
    }
}

/* A library status as an HTTP answer. Detail messages of the library hold
 * ids, rule names and fields, never personal data (registry.h); server-side
 * failures are not described to the client. */
static void from_status(response *r, seal_status s, const seal_error *err)
{
    const char *msg = err->msg[0] != '\0' ? err->msg : seal_status_message(s);
    switch (s) {
    case SEAL_INVALID:
    case SEAL_USAGE:
        problem(r, 400, "invalid", "invalid request", msg, NULL);
        break;
    case SEAL_NOTFOUND:
        problem(r, 404, "not-found", "not found", msg, NULL);
        break;
    case SEAL_PERM:
        problem(r, 403, "permission", "not permitted", msg, NULL);
        break;
    case SEAL_REFUSED:
    case SEAL_EXISTS:
        problem(r, 409, "refused", "refused by the lifecycle's rules", msg, NULL);
        break;
    case SEAL_LIMIT:
        problem(r, 422, "limit", "limit exceeded", msg, NULL);
        break;
    default:
        problem(r, 500, "internal", "internal error", seal_status_name(s), NULL);
    }
}

static void json_ok(response *r, int status, const seal_buf *b)
{
    r->status = status;
    r->ctype = "application/json";
    seal_buf_reset(&r->body);
    if (seal_buf_append(&r->body, b->data != NULL ? b->data : (const uint8_t *) "", b->len) !=
        SEAL_OK) {
        problem(r, 500, "internal", "internal error", "out of memory", NULL);
    }
}

/* ---- routing ------------------------------------------------------------- */

/* What an {id} or {pid} of a route must look like, as /openapi.json states
 * it: request ids R-000001 (lifecycle.c numbers them, six digits or more),
 * cover ids C-000001, production ids P-R-000001, and otherwise system ids
 * (principals). A segment that does not match is a 400, after the token and
 * the role were checked (401, 403 first). */
typedef enum { ID_SYSTEM, ID_REQUEST, ID_REQUEST_OR_COVER, ID_COVER, ID_PRODUCTION } id_kind;

static id_kind route_id_kind(const char *path)
{
    if (strncmp(path, "/v1/requests/{id}/extend", 24) == 0) {
        return ID_REQUEST_OR_COVER; /* a cover, or a request of that cover */
    }
    if (strncmp(path, "/v1/requests/{id}", 17) == 0) {
        return ID_REQUEST;
    }
    if (strncmp(path, "/v1/covers/{id}", 15) == 0) {
        return ID_COVER;
    }
    if (strncmp(path, "/v1/productions/{pid}", 21) == 0) {
        return ID_PRODUCTION;
    }
    return ID_SYSTEM;
}

static const char *id_pattern(id_kind k)
{
    switch (k) {
    case ID_REQUEST:
        return "^R-[0-9]{6,18}$";
    case ID_REQUEST_OR_COVER:
        return "^[RC]-[0-9]{6,18}$";
    case ID_COVER:
        return "^C-[0-9]{6,18}$";
    case ID_PRODUCTION:
        return "^P-R-[0-9]{6,18}$";
    case ID_SYSTEM:
        break;
    }
    return "^[A-Za-z0-9._:-]{1,128}$";
}

/* s is prefix, then 6 to 18 digits and nothing else */
static bool numbered(const char *s, const char *prefix)
{
    size_t p = strlen(prefix), d = strspn(s + (strncmp(s, prefix, p) == 0 ? p : 0), "0123456789");
    return strncmp(s, prefix, p) == 0 && d >= 6 && d <= 18 && s[p + d] == '\0';
}

static bool id_matches(id_kind k, const char *s)
{
    switch (k) {
    case ID_REQUEST:
        return numbered(s, "R-");
    case ID_REQUEST_OR_COVER:
        return numbered(s, "R-") || numbered(s, "C-");
    case ID_COVER:
        return numbered(s, "C-");
    case ID_PRODUCTION:
        return numbered(s, "P-R-");
    case ID_SYSTEM:
        break;
    }
    return seal_id_valid(s);
}

/* Matches path against template t, capturing {id} and {pid} (any segment:
 * rq->bad_id says whether it matches the route's pattern), {name} (a bundle
 * file name: [a-z0-9._-], not . or ..) and a final {tile} or {asset} (the
 * rest; an asset is never under /v1/). */
static bool match(const char *t, const char *path, req *rq)
{
    const char *tmpl = t;
    const char *start = path;
    while (*t != '\0') {
        bool tile = strcmp(t, "{tile}") == 0, asset = strcmp(t, "{asset}") == 0;
        if (tile || asset) {
            size_t n = strlen(path);
            if (n == 0 || n >= sizeof(rq->tile) ||
                (asset && (strncmp(start, "/v1/", 4) == 0 || strcmp(start, "/v1") == 0))) {
                return false;
            }
            memcpy(rq->tile, path, n + 1);
            return true;
        }
        bool id = strncmp(t, "{id}", 4) == 0, pid = strncmp(t, "{pid}", 5) == 0,
             name = strncmp(t, "{name}", 6) == 0;
        if (id || pid || name) {
            size_t n = strcspn(path, "/");
            char *dst = name ? rq->name : rq->id;
            size_t cap = name ? sizeof(rq->name) : sizeof(rq->id);
            if (n == 0 || (name && n >= cap)) {
                return false;
            }
            size_t k = n < cap ? n : cap - 1;
            memcpy(dst, path, k);
            dst[k] = '\0';
            if (name && (strspn(dst, "abcdefghijklmnopqrstuvwxyz0123456789._-") != n ||
                         strcmp(dst, ".") == 0 || strcmp(dst, "..") == 0)) {
                return false;
            }
            if (!name) {
                rq->bad_id = k != n || !id_matches(route_id_kind(tmpl), dst);
            }
            t += id ? 4 : pid ? 5 : 6;
            path += n;
            continue;
        }
        if (*t != *path) {
            return false;
        }
        t++;
        path++;
    }
    return *path == '\0';
}

static void route_find(req *rq, const char *url, const char *method)
{
    bool path_known = false;
    for (size_t i = 0; i < N_ROUTES; i++) {
        rq->bad_id = false;
        if (match(routes[i].path, url, rq)) {
            path_known = true;
            if (strcmp(routes[i].method, method) == 0 ||
                (strcmp(method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0)) {
                rq->rt = &routes[i];
                return;
            }
        }
    }
    rq->early = path_known ? 405 : 404;
}

/* ---- handlers ------------------------------------------------------------ */

static const char *arg(const handler_ctx *h, const char *name)
{
    return MHD_lookup_connection_value(h->rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* The body must at least be JSON (the request parser then reports every
 * schema problem by pointer). */
static bool body_is_json(handler_ctx *h, response *r)
{
    json_error_t je;
    json_t *j = json_loadb((const char *) h->rq->body.data, h->rq->body.len, JSON_DECODE_ANY, &je);
    if (j == NULL) {
        char detail[256];
        snprintf(detail, sizeof(detail), "the body is not JSON (line %d, column %d)", je.line,
                 je.column);
        problem(r, 400, "malformed-json", "malformed JSON", detail, "");
        return false;
    }
    json_decref(j);
    return true;
}

/* ?policy= names a shipped policy; files are not the client's to name. */
static bool policy_arg(handler_ctx *h, response *r, const char **out)
{
    const char *p = arg(h, "policy");
    *out = SEAL_POLICY_DEFAULT;
    if (p == NULL) {
        return true;
    }
    for (size_t i = 0; seal_policy_builtin_name(i) != NULL; i++) {
        if (strcmp(p, seal_policy_builtin_name(i)) == 0) {
            *out = seal_policy_builtin_name(i);
            return true;
        }
    }
    problem(r, 400, "invalid", "unknown policy", "?policy= must name a shipped policy", NULL);
    return false;
}

static bool flag_arg(handler_ctx *h, const char *name)
{
    const char *v = arg(h, name);
    return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

static void h_check(handler_ctx *h, response *r)
{
    const char *policy;
    if (!body_is_json(h, r) || !policy_arg(h, r, &policy)) {
        return;
    }
    /* without ?policy=: the policy of record */
    bool of_record = arg(h, "policy") == NULL;
    bool compare = flag_arg(h, "compare");
    seal_error err;
    seal_error_init(&err);
    seal_request *rq = NULL;
    seal_policy *pol[2] = {NULL, NULL};
    seal_decision *d = seal_malloc(sizeof(*d));
    seal_buf out;
    seal_buf_init(&out);
    seal_status s = d != NULL ? SEAL_OK : SEAL_NOMEM;
    for (size_t k = 0; k < (compare ? 2u : 1u) && s == SEAL_OK && (compare || !of_record); k++) {
        s = seal_policy_builtin(compare ? seal_policy_builtin_name(k) : policy, &pol[k], &err);
    }
    if (s == SEAL_OK) {
        s = seal_request_parse((const char *) h->rq->body.data, h->rq->body.len, &rq, &err);
    }
    if (s == SEAL_OK && compare) {
        s = seal_buf_append_str(&out, "{\"decisions\": [");
    }
    /* the registry's issuers, protected addresses and agencies, as on submit */
    for (size_t k = 0; k < 2 && (pol[k] != NULL || (k == 0 && !compare)) && s == SEAL_OK; k++) {
        s = seal_request_check_in(h->reg, pol[k], (const char *) h->rq->body.data, h->rq->body.len,
                                  NULL, 0, d, &err);
        if (s != SEAL_OK) {
            break;
        }
        if (k > 0) {
            s = seal_buf_append_str(&out, ", ");
        }
        if (s == SEAL_OK) {
            s = seal_decision_json(d, &out);
        }
    }
    if (s == SEAL_OK && compare) {
        s = seal_buf_append_str(&out, "]}");
    }
    if (s == SEAL_OK) {
        json_ok(r, 200, &out);
    } else {
        from_status(r, s, &err);
    }
    seal_request_free(rq);
    seal_policy_free(pol[0]);
    seal_policy_free(pol[1]);
    seal_free(d);
    seal_buf_cleanup(&out);
}

/* `extends`: the cover an extension must name in cover.extends (the route's
 * {id}: a cover id, or a request of that cover). */
static void submit_doc(handler_ctx *h, response *r, const char *extends)
{
    if (arg(h, "policy") != NULL) {
        /* issue 11: the requester does not choose the rules */
        problem(r, 400, "invalid", "?policy= is not taken",
                "a submission is checked under the data directory's policy of record (GET "
                "/v1/policy; a privacy officer changes it with PUT /v1/policy); "
                "/v1/requests/check?policy= is the what-if",
                NULL);
        return;
    }
    if (!body_is_json(h, r)) {
        return;
    }
    if (extends != NULL) {
        json_t *doc = json_loadb((const char *) h->rq->body.data, h->rq->body.len, 0, NULL);
        const char *e =
            json_string_value(json_object_get(json_object_get(doc, "cover"), "extends"));
        bool same = e != NULL && strcmp(e, extends) == 0;
        if (!same && e != NULL) {
            /* {id} may be a request of that cover */
            seal_error e2;
            seal_error_init(&e2);
            seal_buf show;
            seal_buf_init(&show);
            if (seal_request_show(h->reg, extends, false, &show, &e2) == SEAL_OK) {
                json_t *sj = json_loadb((const char *) show.data, show.len, 0, NULL);
                const char *cv = json_string_value(json_object_get(sj, "cover"));
                same = cv != NULL && strcmp(cv, e) == 0;
                json_decref(sj);
            }
            seal_buf_cleanup(&show);
        }
        json_decref(doc);
        if (!same) {
            problem(r, 400, "invalid", "not an extension of this cover",
                    "cover.extends must name the cover in the path (or the cover of the request "
                    "in the path)",
                    "/cover/extends");
            return;
        }
    }
    seal_error err;
    seal_error_init(&err);
    seal_submit_options opt = {.follows = extends != NULL ? NULL : arg(h, "follows"),
                               .supersedes = arg(h, "supersedes")};
    if (opt.follows != NULL && !id_matches(ID_REQUEST, opt.follows)) {
        problem(r, 400, "invalid", "invalid request", "?follows= must be a request id (R-000001)",
                NULL);
        return;
    }
    if (opt.supersedes != NULL && !id_matches(ID_REQUEST, opt.supersedes)) {
        problem(r, 400, "invalid", "invalid request", "?supersedes= must be a request id", NULL);
        return;
    }
    char id[SEAL_ID_SIZE];
    seal_decision *d = seal_malloc(sizeof(*d));
    seal_buf out, show;
    seal_buf_init(&out);
    seal_buf_init(&show);
    json_t *sj = NULL;
    seal_status s = d == NULL ? SEAL_NOMEM
                              : seal_request_submit(h->reg, (const char *) h->rq->body.data,
                                                    h->rq->body.len, &opt, id, d, &err);
    if (s == SEAL_OK) {
        s = seal_request_show(h->reg, id, false, &show, &err);
    }
    if (s == SEAL_OK) {
        sj = json_loadb((const char *) show.data, show.len, 0, NULL);
        const char *st = json_string_value(json_object_get(sj, "state"));
        s = seal_buf_printf(&out, "{\"id\": \"%s\", \"state\": \"%s\", \"decision\": ", id,
                            st != NULL ? st : "unknown");
        if (s == SEAL_OK && (s = seal_decision_json(d, &out)) == SEAL_OK) {
            s = seal_buf_append_byte(&out, '}');
        }
    }
    if (s == SEAL_OK) {
        json_ok(r, 201, &out);
        snprintf(r->location, sizeof(r->location), "/v1/requests/%s", id);
    } else {
        from_status(r, s, &err);
    }
    json_decref(sj);
    seal_free(d);
    seal_buf_cleanup(&out);
    seal_buf_cleanup(&show);
}

static void h_submit(handler_ctx *h, response *r)
{
    submit_doc(h, r, NULL);
}

static void h_extend(handler_ctx *h, response *r)
{
    if (arg(h, "follows") != NULL) {
        problem(r, 400, "invalid", "invalid request", "an extension follows no emergency", NULL);
        return;
    }
    submit_doc(h, r, h->rq->id);
}

static seal_status policy_json(const seal_policy *p, const char *previous, seal_buf *out)
{
    seal_status s = seal_buf_printf(out, "{\"name\": \"%s\", \"sha256\": \"%s\"",
                                    seal_policy_name(p), seal_policy_sha256(p));
    if (s == SEAL_OK && previous != NULL) {
        s = seal_buf_printf(out, ", \"previous\": \"%s\", \"changed\": %s", previous,
                            strcmp(previous, seal_policy_sha256(p)) != 0 ? "true" : "false");
    }
    return s == SEAL_OK ? seal_buf_append_byte(out, '}') : s;
}

static void h_policy_get(handler_ctx *h, response *r)
{
    seal_buf out;
    seal_buf_init(&out);
    if (policy_json(seal_registry_policy(h->reg), NULL, &out) == SEAL_OK) {
        json_ok(r, 200, &out);
    } else {
        problem(r, 500, "internal", "internal error", "out of memory", NULL);
    }
    seal_buf_cleanup(&out);
}

/* {"policy": "strict"|"cfr-233"} names a shipped policy; any other body is
 * the policy document itself (docs/policy.md), validated as a file is. */
static void h_policy_put(handler_ctx *h, response *r)
{
    if (!body_is_json(h, r)) {
        return;
    }
    json_t *j = json_loadb((const char *) h->rq->body.data, h->rq->body.len, 0, NULL);
    const char *name = json_string_value(json_object_get(j, "policy"));
    bool by_name = json_is_object(j) && json_object_size(j) == 1 && name != NULL;
    if (by_name && (strchr(name, '/') != NULL || strchr(name, '.') != NULL)) {
        json_decref(j);
        problem(r, 400, "invalid", "unknown policy",
                "policy names a shipped policy (strict, cfr-233); send a policy document itself "
                "instead of a file name",
                "/policy");
        return;
    }
    char previous[65];
    snprintf(previous, sizeof(previous), "%s", seal_policy_sha256(seal_registry_policy(h->reg)));
    seal_error err;
    seal_error_init(&err);
    bool changed = false;
    seal_status s = by_name ? seal_registry_policy_set(h->reg, name, &changed, &err)
                            : seal_registry_policy_set_json(h->reg, (const char *) h->rq->body.data,
                                                            h->rq->body.len, &changed, &err);
    json_decref(j);
    seal_buf out;
    seal_buf_init(&out);
    if (s == SEAL_OK) {
        s = policy_json(seal_registry_policy(h->reg), previous, &out);
    }
    if (s == SEAL_OK) {
        json_ok(r, 200, &out);
    } else if (s == SEAL_NOTFOUND) {
        problem(r, 400, "invalid", "unknown policy", err.msg, "/policy");
    } else {
        from_status(r, s, &err);
    }
    seal_buf_cleanup(&out);
}

static void h_list(handler_ctx *h, response *r)
{
    seal_error err;
    seal_error_init(&err);
    seal_buf out;
    seal_buf_init(&out);
    seal_status s = seal_request_list(h->reg, &out, &err);
    if (s == SEAL_OK) {
        json_ok(r, 200, &out);
    } else {
        from_status(r, s, &err);
    }
    seal_buf_cleanup(&out);
}

static void h_show(handler_ctx *h, response *r)
{
    seal_error err;
    seal_error_init(&err);
    seal_buf out;
    seal_buf_init(&out);
    seal_status s = seal_request_show(h->reg, h->rq->id, flag_arg(h, "document"), &out, &err);
    if (s == SEAL_OK) {
        json_ok(r, 200, &out);
    } else {
        from_status(r, s, &err);
    }
    seal_buf_cleanup(&out);
}

static void h_preview(handler_ctx *h, response *r)
{
    seal_error err;
    seal_error_init(&err);
    seal_buf out;
    seal_buf_init(&out);
    seal_status s =
        seal_produce_preview(h->srv->cfg.data, h->rq->principal, h->rq->id, h->now, &out, &err);
    if (s == SEAL_OK) {
        json_ok(r, 200, &out);
    } else {
        from_status(r, s, &err);
    }
    seal_buf_cleanup(&out);
}

/* {"approve": bool, "note": string}: anything else is named by pointer. */
#define NOTE_MAX SEAL_REVIEW_NOTE_MAX

static void h_review(handler_ctx *h, response *r)
{
    if (!body_is_json(h, r)) {
        return;
    }
    json_t *j = json_loadb((const char *) h->rq->body.data, h->rq->body.len,
                           JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
    const char *key;
    json_t *v;
    char ptr[SEAL_REASON_POINTER_MAX];
    if (!json_is_object(j)) {
        problem(r, 400, "invalid", "invalid review", "the body must be an object", "");
        goto out;
    }
    json_object_foreach(j, key, v)
    {
        if (strcmp(key, "approve") != 0 && strcmp(key, "note") != 0) {
            /* RFC 6901 escaping is moot: only printable id-like keys are
             * echoed, anything else is the whole object */
            bool plain = strlen(key) < 64 && strcspn(key, "/~\"\\") == strlen(key);
            snprintf(ptr, sizeof(ptr), "/%s", plain ? key : "");
            problem(r, 400, "invalid", "invalid review", "unknown field", plain ? ptr : "");
            goto out;
        }
    }
    json_t *ap = json_object_get(j, "approve"), *note = json_object_get(j, "note");
    if (!json_is_boolean(ap)) {
        problem(r, 400, "invalid", "invalid review", "approve must be true or false", "/approve");
        goto out;
    }
    if (note != NULL && (!json_is_string(note) || json_string_length(note) > NOTE_MAX)) {
        problem(r, 400, "invalid", "invalid review", "note must be a string of at most 2000 bytes",
                "/note");
        goto out;
    }
    seal_error err;
    seal_error_init(&err);
    seal_request_state st = SEAL_RS_REVIEW;
    seal_status s = seal_request_review_note(h->reg, h->rq->id, json_is_true(ap),
                                             json_string_value(note), &st, &err);
    seal_buf out;
    seal_buf_init(&out);
    if (s == SEAL_OK) {
        s = seal_buf_printf(&out, "{\"id\": \"%s\", \"state\": \"%s\"}", h->rq->id,
                            seal_request_state_name(st));
    }
    if (s == SEAL_OK) {
        json_ok(r, 200, &out);
    } else {
        from_status(r, s, &err);
    }
    seal_buf_cleanup(&out);
out:
    json_decref(j);
}

/* ---- the principal, the rest of the lifecycle ------------------------------ */

static void json_reply(response *r, int status, json_t *j);

/* The principal's registry row, as `sealctl principal list` shows it. */
static void h_me(handler_ctx *h, response *r)
{
    seal_error err;
    seal_error_init(&err);
    seal_buf list;
    seal_buf_init(&list);
    seal_status s = seal_registry_list(h->reg, SEAL_LIST_PRINCIPALS, &list, &err);
    if (s != SEAL_OK) {
        seal_buf_cleanup(&list);
        from_status(r, s, &err);
        return;
    }
    json_t *all = json_loadb((const char *) list.data, list.len, 0, NULL);
    seal_buf_cleanup(&list);
    size_t i;
    json_t *p;
    json_t *me = NULL;
    json_array_foreach(all, i, p)
    {
        const char *id = json_string_value(json_object_get(p, "id"));
        if (id != NULL && strcmp(id, h->rq->principal) == 0) {
            me = json_incref(p);
        }
    }
    json_decref(all);
    if (me == NULL) {
        problem(r, 401, "unauthenticated", "authentication required",
                "the token's principal is no longer registered", NULL);
        return;
    }
    /* a test-clock directory (sealctl init --test-clock) says so, so the
     * console can show that its times are given, not the clock's */
    json_object_set_new(me, "test_clock", json_boolean(h->srv->test_clock));
    json_reply(r, 200, me);
}

/* POST /v1/principals/{id}/token: what `sealctl token issue` does, for a
 * privacy officer, while the daemon holds the data directory. The token is
 * in the answer only (wiped once sent); only its SHA-256 is stored. */
static void h_token(handler_ctx *h, response *r)
{
    seal_error err;
    seal_error_init(&err);
    seal_buf list;
    seal_buf_init(&list);
    seal_status s = seal_registry_list(h->reg, SEAL_LIST_PRINCIPALS, &list, &err);
    if (s != SEAL_OK) {
        seal_buf_cleanup(&list);
        from_status(r, s, &err);
        return;
    }
    json_t *all = json_loadb((const char *) list.data, list.len, 0, NULL);
    seal_buf_cleanup(&list);
    bool known = false;
    size_t i;
    json_t *p;
    json_array_foreach(all, i, p)
    {
        const char *id = json_string_value(json_object_get(p, "id"));
        known = known || (id != NULL && strcmp(id, h->rq->id) == 0);
    }
    json_decref(all);
    if (!known) {
        problem(r, 404, "not-found", "not found", "no such principal", NULL);
        return;
    }
    char token[SEAL_TOKEN_HEX];
    if ((s = seal__token_issue(h->srv->tokens, h->rq->id, h->now, token, &err)) != SEAL_OK) {
        from_status(r, s, &err);
        return;
    }
    /* printed straight into the body (a system id needs no escaping), so
     * that no copy of the token outlives the answer */
    seal_buf_reset(&r->body);
    if (seal_buf_printf(&r->body, "{\"principal\":\"%s\",\"token\":\"%s\"}", h->rq->id, token) !=
        SEAL_OK) {
        problem(r, 500, "internal", "internal error", "out of memory", NULL);
    } else {
        r->status = 201;
        r->ctype = "application/json";
        r->secret = true;
    }
    memset(token, 0, sizeof(token));
}

static void json_reply(response *r, int status, json_t *j)
{
    seal_buf_reset(&r->body);
    r->status = status;
    r->ctype = "application/json";
    if (!json_into(j, &r->body)) {
        problem(r, 500, "internal", "internal error", "out of memory", NULL);
    }
}

static void step(handler_ctx *h, response *r, bool close)
{
    seal_error err;
    seal_error_init(&err);
    seal_status s = close ? seal_request_close(h->reg, h->rq->id, &err)
                          : seal_request_renew(h->reg, h->rq->id, &err);
    if (s != SEAL_OK) {
        from_status(r, s, &err);
        return;
    }
    json_reply(r, 200, json_pack("{s:s, s:b}", "id", h->rq->id, close ? "closed" : "renewed", 1));
}

/* {} (a subject confirms) or {"reference": string} (a reviewer records
 * written consent): anything else is named by pointer. */
static void h_consent(handler_ctx *h, response *r)
{
    if (!body_is_json(h, r)) {
        return;
    }
    json_t *j = json_loadb((const char *) h->rq->body.data, h->rq->body.len,
                           JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
    const char *key;
    json_t *v;
    if (!json_is_object(j)) {
        problem(r, 400, "invalid", "invalid consent", "the body must be an object", "");
        goto out;
    }
    json_object_foreach(j, key, v)
    {
        if (strcmp(key, "reference") != 0) {
            problem(r, 400, "invalid", "invalid consent", "unknown field", "");
            goto out;
        }
    }
    json_t *ref = json_object_get(j, "reference");
    if (ref != NULL && (!json_is_string(ref) || json_string_length(ref) == 0 ||
                        json_string_length(ref) > SEAL_CONSENT_REFERENCE_MAX)) {
        problem(r, 400, "invalid", "invalid consent",
                "reference must be a string of 1 to 200 bytes", "/reference");
        goto out;
    }
    seal_error err;
    seal_error_init(&err);
    seal_request_state st = SEAL_RS_CONSENT_PENDING;
    seal_status s = seal_request_consent(h->reg, h->rq->id, json_string_value(ref), &st, &err);
    seal_buf out;
    seal_buf_init(&out);
    if (s == SEAL_OK) {
        s = seal_buf_printf(&out, "{\"id\": \"%s\", \"state\": \"%s\"}", h->rq->id,
                            seal_request_state_name(st));
    }
    if (s == SEAL_OK) {
        json_ok(r, 200, &out);
    } else {
        from_status(r, s, &err);
    }
    seal_buf_cleanup(&out);
out:
    json_decref(j);
}

static void h_close(handler_ctx *h, response *r)
{
    step(h, r, true);
}

static void h_renew(handler_ctx *h, response *r)
{
    step(h, r, false);
}

static void h_sweep(handler_ctx *h, response *r)
{
    seal_error err;
    seal_error_init(&err);
    seal_buf out;
    seal_buf_init(&out);
    seal_status s = seal_request_sweep(h->reg, &out, &err);
    if (s == SEAL_OK) {
        json_ok(r, 200, &out);
    } else {
        from_status(r, s, &err);
    }
    seal_buf_cleanup(&out);
}

/* ---- productions: bundles live in DATA/productions/<production id>/ ----- */

/* Removes a flat directory (a bundle has no subdirectories); quiet. */
static void rm_flat(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        return;
    }
    struct dirent *e;
    char path[1400];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < (int) sizeof(path)) {
            unlink(path);
        }
    }
    closedir(d);
    rmdir(dir);
}

static void h_produce(handler_ctx *h, response *r)
{
    char tmp[1300], final[1300];
    snprintf(tmp, sizeof(tmp), "%s/.build-%s", h->srv->prod_dir, h->rq->id);
    rm_flat(tmp); /* a build a crash interrupted, never acknowledged */
    seal_error err;
    seal_error_init(&err);
    seal_produce_result res;
    seal_status s =
        seal_produce(h->srv->cfg.data, h->rq->principal, h->rq->id, tmp, h->now, &res, &err);
    if (s != SEAL_OK) {
        rm_flat(tmp);
        from_status(r, s, &err);
        return;
    }
    int w = snprintf(final, sizeof(final), "%s/%s", h->srv->prod_dir, res.production);
    int dfd = -1;
    if (w < 0 || (size_t) w >= sizeof(final) || rename(tmp, final) != 0 ||
        (dfd = open(h->srv->prod_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fsync(dfd) != 0) {
        if (dfd >= 0) {
            close(dfd);
        }
        problem(r, 500, "internal", "internal error", "cannot place the bundle", NULL);
        return;
    }
    close(dfd);
    json_reply(r, 201,
               json_pack("{s:s, s:s, s:I, s:I, s:I}", "production", res.production, "request",
                         h->rq->id, "subjects", (json_int_t) res.subjects, "records",
                         (json_int_t) res.records, "ledger_index", (json_int_t) res.ledger_index));
    snprintf(r->location, sizeof(r->location), "/v1/productions/%s", res.production);
}

static const char *const bundle_fixed[] = {"manifest.note", "checkpoint", "proofs.json",
                                           "ledger.vkey"};

/* Reads a whole small file (at most max bytes) into out. */
static bool read_small(const char *path, size_t max, seal_buf *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    bool ok = fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
              (uint64_t) sb.st_size <= max &&
              seal_buf_reserve(out, (size_t) sb.st_size + 1) == SEAL_OK;
    while (ok) {
        ssize_t n = read(fd, out->data + out->len, (size_t) sb.st_size + 1 - out->len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        ok = n >= 0;
        if (n <= 0) {
            break;
        }
        out->len += (size_t) n;
        ok = out->len <= (size_t) sb.st_size;
    }
    if (fd >= 0) {
        close(fd);
    }
    if (ok) {
        out->data[out->len] = '\0';
    }
    return ok;
}

typedef struct production {
    char dir[1300];
    seal_manifest *m;
    bool may_data; /* may read the data files */
} production;

/* Opens {pid}'s bundle and applies the finer rule: the privacy officer and
 * auditors see every production, a requester its agency's; only the
 * privacy officer and the requesting agency read data files. */
static bool production_open(handler_ctx *h, response *r, production *p)
{
    p->m = NULL;
    char path[1400];
    snprintf(p->dir, sizeof(p->dir), "%s/%s", h->srv->prod_dir, h->rq->id);
    snprintf(path, sizeof(path), "%s/manifest.note", p->dir);
    seal_buf note;
    seal_buf_init(&note);
    seal_error err;
    seal_error_init(&err);
    bool ok = false;
    /* .build-* directories are builds in progress (or cut short): never served */
    if (h->rq->id[0] == '.' || !read_small(path, SEAL_MANIFEST_MAX_SIZE + 8192, &note)) {
        problem(r, 404, "not-found", "not found", "no such production", NULL);
        goto out;
    }
    const char *end = strstr(seal_buf_str(&note), "\n\n");
    if ((p->m = seal_malloc(sizeof(*p->m))) == NULL || end == NULL ||
        seal_manifest_parse(seal_buf_str(&note), (size_t) (end + 1 - seal_buf_str(&note)), p->m,
                            &err) != SEAL_OK) {
        problem(r, 500, "internal", "internal error", "unreadable manifest", NULL);
        goto out;
    }
    bool own = (h->roles & ROLE(REQUESTER)) && strcmp(h->agency, p->m->agency) == 0;
    p->may_data = own || (h->roles & ROLE(PRIVACY_OFFICER));
    if (!p->may_data && !(h->roles & ROLE(AUDITOR))) {
        problem(r, 403, "permission", "not permitted",
                "a requester sees only its own agency's productions", NULL);
        goto out;
    }
    /* PA-7 / MC-9: a quarantined production (or one of an emergency past its
     * deadline, or whose follow-up is in review) is gone for everyone; the
     * read checks the deadline itself rather than wait for a sweep */
    const char *why = NULL;
    if (seal_request_hold(h->reg, p->m->request, &why, &err) != SEAL_OK) {
        problem(r, 500, "internal", "internal error", "cannot read the production's request", NULL);
        goto out;
    }
    if (why != NULL) {
        char detail[400];
        snprintf(detail, sizeof(detail), "production %s of request %s is withheld: %s (PA-7, MC-9)",
                 p->m->production, p->m->request, why);
        problem(r, 410, why, "the production is withheld", detail, NULL);
        goto out;
    }
    ok = true;
out:
    seal_buf_cleanup(&note);
    if (!ok) {
        seal_free(p->m);
        p->m = NULL;
    }
    return ok;
}

static const seal_manifest_file *data_file(const seal_manifest *m, const char *name)
{
    for (size_t i = 0; i < m->n_files; i++) {
        if (strcmp(m->files[i].name, name) == 0) {
            return &m->files[i];
        }
    }
    return NULL;
}

static bool fixed_file(const char *name)
{
    for (size_t i = 0; i < sizeof(bundle_fixed) / sizeof(bundle_fixed[0]); i++) {
        if (strcmp(bundle_fixed[i], name) == 0) {
            return true;
        }
    }
    return false;
}

static json_t *hex_json(const uint8_t *h, size_t n)
{
    char hex[2 * SEAL_HASH_SIZE + 1];
    seal_hex_encode(hex, h, n);
    return json_string(hex);
}

static void h_production(handler_ctx *h, response *r)
{
    production p;
    if (!production_open(h, r, &p)) {
        return;
    }
    char when[32], path[1400];
    seal_time_format(when, sizeof(when), p.m->produced);
    json_t *files = json_array();
    size_t n = sizeof(bundle_fixed) / sizeof(bundle_fixed[0]);
    for (size_t i = 0; i < p.m->n_files + n; i++) {
        const char *name = i < p.m->n_files ? p.m->files[i].name : bundle_fixed[i - p.m->n_files];
        seal_buf b;
        seal_buf_init(&b);
        uint8_t d[SEAL_HASH_SIZE];
        snprintf(path, sizeof(path), "%s/%s", p.dir, name);
        if (!read_small(path, (size_t) 1 << 30, &b)) {
            seal_buf_cleanup(&b);
            continue;
        }
        seal__sha256(d, b.data, b.len);
        json_t *f =
            json_pack("{s:s, s:o, s:I, s:b}", "name", name, "sha256", hex_json(d, sizeof(d)),
                      "bytes", (json_int_t) b.len, "data", i < p.m->n_files);
        if (i < p.m->n_files) {
            json_object_set_new(f, "records", json_integer((json_int_t) p.m->files[i].records));
        }
        json_array_append_new(files, f);
        if (b.data != NULL) {
            memset(b.data, 0, b.len);
        }
        seal_buf_cleanup(&b);
    }
    json_reply(r, 200,
               json_pack("{s:s, s:s, s:s, s:s, s:I, s:o}", "production", p.m->production, "request",
                         p.m->request, "agency", p.m->agency, "produced", when, "subjects",
                         (json_int_t) p.m->n_subjects, "files", files));
    seal_free(p.m);
}

static void h_production_file(handler_ctx *h, response *r)
{
    production p;
    if (!production_open(h, r, &p)) {
        return;
    }
    bool data = data_file(p.m, h->rq->name) != NULL;
    if (!data && !fixed_file(h->rq->name)) {
        problem(r, 404, "not-found", "not found", "no such file in this bundle", NULL);
    } else if (data && !p.may_data) {
        problem(r, 403, "permission", "not permitted",
                "auditors verify bundles; the data files are the requesting agency's", NULL);
    } else {
        char path[1400];
        snprintf(path, sizeof(path), "%s/%s", p.dir, h->rq->name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat sb;
        if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            if (fd >= 0) {
                close(fd);
            }
            problem(r, 404, "not-found", "not found", "no such file in this bundle", NULL);
        } else {
            const char *dot = strrchr(h->rq->name, '.');
            r->status = 200;
            r->ctype = dot != NULL && strcmp(dot, ".ndjson") == 0 ? "application/x-ndjson"
                       : dot != NULL && strcmp(dot, ".json") == 0 ? "application/json"
                                                                  : "text/plain; charset=utf-8";
            r->fd = fd;
            r->fd_size = (uint64_t) sb.st_size;
            r->attachment = true;
        }
    }
    seal_free(p.m);
}

static void h_production_verify(handler_ctx *h, response *r)
{
    production p;
    if (!production_open(h, r, &p)) {
        return;
    }
    /* against this ledger's key, not only the key the bundle carries */
    char vk_path[1200];
    snprintf(vk_path, sizeof(vk_path), "%s/vkey", h->srv->ledger_dir);
    seal_buf vk;
    seal_buf_init(&vk);
    seal_error err;
    seal_error_init(&err);
    seal_produce_verify_result res;
    seal_status s = read_small(vk_path, 4096, &vk)
                        ? seal_produce_verify(p.dir, seal_buf_str(&vk), &res, &err)
                        : seal_error_set(&err, SEAL_IO, "cannot read the ledger's key");
    if (s == SEAL_OK) {
        json_reply(r, 200,
                   json_pack("{s:s, s:b, s:I, s:I, s:I, s:I}", "production", h->rq->id, "verified",
                             1, "files", (json_int_t) res.files, "records",
                             (json_int_t) res.records, "proofs", (json_int_t) res.proofs,
                             "checkpoint_size", (json_int_t) res.checkpoint_size));
    } else {
        json_reply(r, 200,
                   json_pack("{s:s, s:b, s:s}", "production", h->rq->id, "verified", 0, "error",
                             err.msg[0] != '\0' ? err.msg : seal_status_message(s)));
    }
    seal_buf_cleanup(&vk);
    seal_free(p.m);
}

/* ---- covers ------------------------------------------------------------- */

static seal_status cover_row(const seal_active_cover *c, void *ud)
{
    char from[16], to[16];
    seal_date_format(from, sizeof(from), c->start);
    seal_date_format(to, sizeof(to), c->end);
    /* ids, dates and the agency: never the addresses or names c holds */
    return json_array_append_new(ud, json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", c->id, "request",
                                               c->request, "agency", c->agency, "start", from,
                                               "end", to)) == 0
               ? SEAL_OK
               : SEAL_NOMEM;
}

static void h_covers(handler_ctx *h, response *r)
{
    seal_error err;
    seal_error_init(&err);
    json_t *list = json_array();
    char day[16];
    int64_t today = seal_time_day(h->now) * 86400;
    seal_date_format(day, sizeof(day), today);
    seal_status s =
        list != NULL ? seal_covers_active(h->reg, today, cover_row, list, &err) : SEAL_NOMEM;
    if (s != SEAL_OK) {
        json_decref(list);
        from_status(r, s, &err);
        return;
    }
    json_reply(r, 200, json_pack("{s:s, s:o}", "day", day, "covers", list));
}

/* Exactly the fields named (comma-separated) and no other, else 400 with
 * the pointer of the first stranger. NULL when the body is no object. */
static json_t *body_object(handler_ctx *h, response *r, const char *fields)
{
    if (!body_is_json(h, r)) {
        return NULL;
    }
    json_t *j = json_loadb((const char *) h->rq->body.data, h->rq->body.len,
                           JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(j)) {
        problem(r, 400, "invalid", "invalid body", "the body must be an object", "");
        json_decref(j);
        return NULL;
    }
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        size_t kl = strlen(key);
        const char *at = strstr(fields, key);
        bool known = kl > 0 && at != NULL && (at == fields || at[-1] == ',') &&
                     (at[kl] == ',' || at[kl] == '\0');
        if (!known) {
            char ptr[80];
            bool plain = kl < 64 && strcspn(key, "/~\"\\") == kl;
            snprintf(ptr, sizeof(ptr), "/%s", plain ? key : "");
            problem(r, 400, "invalid", "invalid body", "unknown field", plain ? ptr : "");
            json_decref(j);
            return NULL;
        }
    }
    return j;
}

static void h_indict(handler_ctx *h, response *r)
{
    json_t *j = body_object(h, r, "date");
    if (j == NULL) {
        return;
    }
    const char *date = json_string_value(json_object_get(j, "date"));
    int64_t d = 0;
    if (date == NULL || seal_date_parse(date, &d) != SEAL_OK) {
        problem(r, 400, "invalid", "invalid body", "date must be YYYY-MM-DD", "/date");
    } else {
        seal_error err;
        seal_error_init(&err);
        seal_status s = seal_cover_indict(h->reg, h->rq->id, d, &err);
        if (s == SEAL_OK) {
            json_reply(r, 200, json_pack("{s:s, s:s}", "cover", h->rq->id, "indicted", date));
        } else {
            from_status(r, s, &err);
        }
    }
    json_decref(j);
}

/* ---- the ledger ----------------------------------------------------------- */

/* ?name= as a decimal number; *given says whether it was there. */
static bool u64_arg(handler_ctx *h, response *r, const char *name, uint64_t *out, bool *given)
{
    const char *v = arg(h, name);
    *given = v != NULL;
    if (v == NULL) {
        return true;
    }
    char *end = NULL;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || v[0] == '-' || v[0] == '+') {
        char detail[64];
        snprintf(detail, sizeof(detail), "?%s= must be a decimal number", name);
        problem(r, 400, "invalid", "invalid query", detail, NULL);
        return false;
    }
    *out = n;
    return true;
}

static bool ledger_open(handler_ctx *h, response *r, seal_ledger **l)
{
    if (h->led != NULL) {
        *l = h->led; /* the daemon's, kept open on the run thread */
        return true;
    }
    seal_error err;
    seal_error_init(&err);
    seal_status s = seal_ledger_open(h->srv->ledger_dir, NULL, l, &err);
    if (s != SEAL_OK) {
        from_status(r, s, &err);
        return false;
    }
    return true;
}

static void ledger_done(handler_ctx *h, seal_ledger *l)
{
    if (l != h->led) {
        seal_ledger_close(l);
    }
}

static json_t *proof_json(const uint8_t (*proof)[SEAL_HASH_SIZE], size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(a, hex_json(proof[i], SEAL_HASH_SIZE));
    }
    return a;
}

static void h_inclusion(handler_ctx *h, response *r)
{
    uint64_t index = 0, size = 0;
    bool has_index, has_size;
    seal_ledger *l = NULL;
    if (!u64_arg(h, r, "index", &index, &has_index) || !u64_arg(h, r, "size", &size, &has_size)) {
        return;
    }
    if (!has_index) {
        problem(r, 400, "invalid", "invalid query", "?index= is required", NULL);
        return;
    }
    if (!ledger_open(h, r, &l)) {
        return;
    }
    if (!has_size) {
        size = seal_ledger_size(l);
    }
    seal_error err;
    seal_error_init(&err);
    uint8_t proof[SEAL_PROOF_MAX][SEAL_HASH_SIZE], root[SEAL_HASH_SIZE];
    size_t n = 0;
    seal_status s = seal_ledger_inclusion_proof(l, index, size, proof, &n, &err);
    if (s == SEAL_OK) {
        s = seal_ledger_root(l, size, root);
    }
    if (s == SEAL_OK) {
        json_reply(r, 200,
                   json_pack("{s:I, s:I, s:o, s:o}", "size", (json_int_t) size, "index",
                             (json_int_t) index, "root", hex_json(root, sizeof(root)), "proof",
                             proof_json((const uint8_t(*)[SEAL_HASH_SIZE]) proof, n)));
    } else {
        from_status(r, s == SEAL_NOTFOUND ? SEAL_INVALID : s, &err);
    }
    ledger_done(h, l);
}

static void h_consistency(handler_ctx *h, response *r)
{
    uint64_t old = 0, size = 0;
    bool has_old, has_new;
    seal_ledger *l = NULL;
    if (!u64_arg(h, r, "old", &old, &has_old) || !u64_arg(h, r, "new", &size, &has_new)) {
        return;
    }
    if (!has_old) {
        problem(r, 400, "invalid", "invalid query", "?old= is required", NULL);
        return;
    }
    if (!ledger_open(h, r, &l)) {
        return;
    }
    if (!has_new) {
        size = seal_ledger_size(l);
    }
    seal_error err;
    seal_error_init(&err);
    uint8_t proof[SEAL_PROOF_MAX][SEAL_HASH_SIZE], r1[SEAL_HASH_SIZE], r2[SEAL_HASH_SIZE];
    size_t n = 0;
    seal_status s = seal_ledger_consistency_proof(l, old, size, proof, &n, &err);
    if (s == SEAL_OK && (s = seal_ledger_root(l, old, r1)) == SEAL_OK) {
        s = seal_ledger_root(l, size, r2);
    }
    if (s == SEAL_OK) {
        json_reply(r, 200,
                   json_pack("{s:I, s:o, s:I, s:o, s:o}", "old_size", (json_int_t) old, "old_root",
                             hex_json(r1, sizeof(r1)), "size", (json_int_t) size, "root",
                             hex_json(r2, sizeof(r2)), "proof",
                             proof_json((const uint8_t(*)[SEAL_HASH_SIZE]) proof, n)));
    } else {
        from_status(r, s == SEAL_NOTFOUND ? SEAL_INVALID : s, &err);
    }
    ledger_done(h, l);
}

static void h_ledger_verify(handler_ctx *h, response *r)
{
    seal_error err;
    seal_error_init(&err);
    seal_verify_result res;
    memset(&res, 0, sizeof(res));
    seal_status s = seal_ledger_verify_dir(h->srv->ledger_dir, NULL, NULL, 0, &res, &err);
    if (s == SEAL_OK) {
        json_reply(r, 200,
                   json_pack("{s:b, s:I, s:o, s:b, s:I}", "ok", 1, "size",
                             (json_int_t) res.checkpoint_size, "root",
                             hex_json(res.root, sizeof(res.root)), "checkpoint_verified", 1,
                             "tiles_size", (json_int_t) res.tiles_size));
    } else {
        json_reply(r, 200,
                   json_pack("{s:b, s:b, s:s}", "ok", 0, "checkpoint_verified", 0, "error",
                             err.msg[0] != '\0' ? err.msg : seal_status_message(s)));
    }
}

#define EVENTS_DEFAULT 100
#define EVENTS_MAX 1000

static void h_events(handler_ctx *h, response *r)
{
    uint64_t from = 0, limit = EVENTS_DEFAULT;
    bool has_from, has_limit;
    seal_ledger *l = NULL;
    if (!u64_arg(h, r, "from", &from, &has_from) || !u64_arg(h, r, "limit", &limit, &has_limit)) {
        return;
    }
    if (limit == 0 || limit > EVENTS_MAX) {
        problem(r, 400, "invalid", "invalid query", "?limit= is 1..1000", NULL);
        return;
    }
    if (!ledger_open(h, r, &l)) {
        return;
    }
    uint64_t size = seal_ledger_size(l);
    seal_error err;
    seal_error_init(&err);
    seal_status s = SEAL_OK;
    json_t *list = json_array();
    seal_buf e;
    seal_buf_init(&e);
    if (from > size) {
        problem(r, 400, "invalid", "invalid query", "?from= is beyond the ledger's size", NULL);
        goto out;
    }
    for (uint64_t i = from; i < size && i - from < limit && s == SEAL_OK; i++) {
        seal_buf_reset(&e);
        if ((s = seal_ledger_entry(l, i, &e, &err)) != SEAL_OK) {
            break;
        }
        json_t *ev = seal_event_check(e.data, e.len, NULL) == SEAL_OK
                         ? json_loadb((const char *) e.data, e.len, 0, NULL)
                         : NULL;
        json_t *item = json_pack("{s:I}", "index", (json_int_t) i);
        if (ev != NULL) {
            json_object_set_new(item, "event", ev);
        } else {
            /* not an event record (never written by sealed): its hash only */
            uint8_t d[SEAL_HASH_SIZE];
            seal__sha256(d, e.data, e.len);
            json_object_set_new(item, "entry_sha256", hex_json(d, sizeof(d)));
        }
        json_array_append_new(list, item);
    }
    if (s != SEAL_OK) {
        from_status(r, s, &err);
        goto out;
    }
    json_reply(r, 200,
               json_pack("{s:I, s:I, s:O}", "size", (json_int_t) size, "from", (json_int_t) from,
                         "events", list));
out:
    json_decref(list);
    seal_buf_cleanup(&e);
    ledger_done(h, l);
}

/* ---- subject access ---------------------------------------------------------- */

static void wipe_buf(seal_buf *b)
{
    if (b->data != NULL) {
        memset(b->data, 0, b->len);
    }
    seal_buf_cleanup(b);
}

static void h_access(handler_ctx *h, response *r)
{
    const char *format = arg(h, "format");
    bool html = format != NULL && strcmp(format, "html") == 0;
    if (format != NULL && !html && strcmp(format, "json") != 0) {
        problem(r, 400, "invalid", "invalid query", "?format= is json or html", NULL);
        return;
    }
    seal_error err;
    seal_error_init(&err);
    seal_buf ids, json, page;
    seal_buf_init(&ids);
    seal_buf_init(&json);
    seal_buf_init(&page);
    seal_access_subject subs[SEAL_ACCESS_MAX_SUBJECTS];
    size_t n = 0;
    seal_status s = seal_subject_identifiers(h->reg, &ids, &err);
    if (s == SEAL_OK && (s = seal_buf_append_byte(&ids, '\0')) == SEAL_OK) {
        /* "TYPE:VALUE\n" lines, checked when they were bound */
        char *line = (char *) ids.data;
        char *nl;
        while (s == SEAL_OK && n < SEAL_ACCESS_MAX_SUBJECTS && (nl = strchr(line, '\n')) != NULL) {
            *nl = '\0';
            int type;
            size_t off;
            if (seal_subject_ident_parse(line, (size_t) (nl - line), &type, &off) != SEAL_OK) {
                s = seal_error_set(&err, SEAL_CORRUPT, "a bound identifier is unreadable");
                break;
            }
            subs[n].type = (seal_index_type) type;
            subs[n++].value = line + off;
            line = nl + 1;
        }
    }
    if (s == SEAL_OK) {
        s = seal_access(h->srv->cfg.data, subs, n, h->now, &json, html ? &page : NULL, &err);
    }
    if (s == SEAL_OK) {
        json_ok(r, 200, html ? &page : &json);
        if (html) {
            r->ctype = "text/html; charset=utf-8";
            r->console = true;
        }
        r->secret = true;
    } else {
        from_status(r, s, &err);
    }
    wipe_buf(&ids);
    wipe_buf(&json);
    wipe_buf(&page);
}

/* ---- the console ------------------------------------------------------------ */

static void h_console(handler_ctx *h, response *r)
{
    char path[300];
    snprintf(path, sizeof(path), "/%s", strcmp(h->rq->rt->path, "/") == 0 ? "" : h->rq->tile);
    const unsigned char *body = NULL;
    size_t len = 0;
    const char *ctype = NULL;
    r->console = true;
    if (!seal__console_asset(path, &body, &len, &ctype)) {
        problem(r, 404, "not-found", "not found", "no such page", NULL);
        return;
    }
    r->status = 200;
    r->ctype = ctype;
    r->fixed = body;
    r->fixed_len = len;
}

static void serve_file(handler_ctx *h, response *r, const char *rel, const char *ctype)
{
    char path[1500];
    int w = snprintf(path, sizeof(path), "%s/%s", h->srv->ledger_dir, rel);
    struct stat sb;
    int fd = w > 0 && (size_t) w < sizeof(path) ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        if (fd >= 0) {
            close(fd);
        }
        problem(r, 404, "not-found", "not found", "no such ledger file", NULL);
        return;
    }
    r->status = 200;
    r->ctype = ctype;
    r->fd = fd;
    r->fd_size = (uint64_t) sb.st_size;
}

static void h_checkpoint(handler_ctx *h, response *r)
{
    serve_file(h, r, "checkpoint", "text/plain; charset=utf-8");
}

/* C2SP tlog-tiles paths only: tile/<L>/<N>[.p/<W>], tile/entries/<N>[.p/<W>],
 * N split into x001/x234/067. Anything else (.., //, other bytes) is 404
 * without touching the file system. */
static bool tile_path_ok(const char *p)
{
    if (strncmp(p, "entries/", 8) == 0) {
        p += 8;
    }
    if (*p == '\0' || *p == '/') {
        return false;
    }
    for (const char *c = p; *c != '\0'; c++) {
        bool ok = (*c >= '0' && *c <= '9') || *c == 'x' || *c == 'p' || *c == '/' || *c == '.';
        if (!ok || (*c == '/' && (c[1] == '/' || c[1] == '\0')) || (*c == '.' && c[1] == '.')) {
            return false;
        }
    }
    return true;
}

static void h_tile(handler_ctx *h, response *r)
{
    char rel[300];
    if (!tile_path_ok(h->rq->tile)) {
        problem(r, 404, "not-found", "not found", "not a tile path", NULL);
        return;
    }
    snprintf(rel, sizeof(rel), "tile/%s", h->rq->tile);
    serve_file(h, r, rel, "application/octet-stream");
    r->immutable = strstr(h->rq->tile, ".p/") == NULL; /* full tiles never change */
}

static void h_openapi(handler_ctx *h, response *r)
{
    json_ok(r, 200, &h->srv->openapi);
}

/* ---- the OpenAPI document, from the route table -------------------------- */

static json_t *openapi_param(const char *name, const char *in, bool required, const char *type,
                             const char *pattern)
{
    json_t *schema = json_pack("{s:s}", "type", type);
    if (pattern != NULL) {
        json_object_set_new(schema, "pattern", json_string(pattern));
    }
    return json_pack("{s:s, s:s, s:b, s:o}", "name", name, "in", in, "required", required, "schema",
                     schema);
}

static json_t *openapi_op(const route *rt)
{
    json_t *op = json_pack("{s:s, s:s}", "operationId", rt->op, "summary", rt->summary);
    json_t *roles = json_array();
    for (int i = 0; i < SEAL_ROLE_COUNT; i++) {
        if (rt->roles & (1u << i)) {
            json_array_append_new(roles, json_string(seal_role_name(i)));
        }
    }
    json_object_set_new(op, "x-roles", roles);
    json_object_set_new(op, "security", rt->pub ? json_array() : json_pack("[{s:[]}]", "bearer"));
    json_t *params = json_array();
    static const char *const segs[] = {"id", "pid", "name", "tile", "asset"};
    const char *const pats[] = {id_pattern(route_id_kind(rt->path)),
                                id_pattern(route_id_kind(rt->path)), "^[a-z0-9._-]{1,64}$", NULL,
                                NULL};
    for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
        char t[16];
        snprintf(t, sizeof(t), "{%s}", segs[i]);
        if (strstr(rt->path, t) != NULL) {
            json_array_append_new(params, openapi_param(segs[i], "path", true, "string", pats[i]));
        }
    }
    /* query parameters: "name" or "name!" (required), space-separated */
    for (const char *q = rt->query; q != NULL && *q != '\0';) {
        size_t n = strcspn(q, " ");
        char name[32];
        bool required = n > 0 && q[n - 1] == '!';
        size_t k = required ? n - 1 : n;
        snprintf(name, sizeof(name), "%.*s", (int) k, q);
        const char *type = strcmp(name, "compare") == 0 || strcmp(name, "document") == 0 ? "boolean"
                           : strcmp(name, "policy") == 0 || strcmp(name, "follows") == 0 ||
                                   strcmp(name, "supersedes") == 0 || strcmp(name, "format") == 0
                               ? "string"
                               : "integer";
        json_array_append_new(params, openapi_param(name, "query", required, type, NULL));
        q += n;
        q += *q == ' ';
    }
    if (json_array_size(params) > 0) {
        json_object_set_new(op, "parameters", params);
    } else {
        json_decref(params);
    }
    if (rt->has_body) {
        json_object_set_new(op, "requestBody",
                            json_pack("{s:b, s:{s:{s:{s:s}}}}", "required", 1, "content",
                                      "application/json", "schema", "type", "object"));
    }
    char ok[8];
    snprintf(ok, sizeof(ok), "%d", rt->ok);
    json_t *resp = json_object();
    json_object_set_new(resp, ok,
                        json_pack("{s:s, s:{s:{}}}", "description", "success", "content",
                                  rt->ctype != NULL ? rt->ctype : "application/json"));
    {
        json_object_set_new(resp, "429",
                            json_pack("{s:s, s:{s:{}}}", "description",
                                      "rate limited (Retry-After)", "content",
                                      "application/problem+json"));
    }
    json_t *prob = json_pack("{s:s, s:{s:{}}}", "description", "problem (RFC 9457)", "content",
                             "application/problem+json");
    json_object_set_new(resp, "default", prob);
    json_object_set_new(op, "responses", resp);
    return op;
}

static bool openapi_build(seal_buf *out)
{
    json_t *doc = json_pack(
        "{s:s, s:{s:s, s:s, s:s}, s:{}, s:{s:{s:{s:s, s:s}}}}", "openapi", "3.0.3", "info", "title",
        "sealed", "version", SEAL_VERSION, "description",
        "The sealed daemon's API (docs/server.md). x-roles lists the roles that may call an "
        "operation; an empty security list means public.",
        "paths", "components", "securitySchemes", "bearer", "type", "http", "scheme", "bearer");
    json_t *paths = json_object_get(doc, "paths");
    for (size_t i = 0; paths != NULL && i < N_ROUTES; i++) {
        json_t *item = json_object_get(paths, routes[i].path);
        if (item == NULL) {
            item = json_object();
            json_object_set_new(paths, routes[i].path, item);
        }
        char m[8];
        size_t k = 0;
        for (; routes[i].method[k] != '\0' && k < sizeof(m) - 1; k++) {
            m[k] = (char) (routes[i].method[k] | 0x20);
        }
        m[k] = '\0';
        json_object_set_new(item, m, openapi_op(&routes[i]));
    }
    return json_into(doc, out);
}

/* ---- the connection handler ---------------------------------------------- */

static void access_log(const req *rq, const char *method, int status)
{
    /* the route template, not the URL: paths may carry client-chosen text */
    fprintf(stderr, "sealed: access method=%s route=%s status=%d principal=%s ms=%lld\n",
            strlen(method) < 16 ? method : "?", rq->rt != NULL ? rq->rt->path : "-", status,
            rq->principal[0] != '\0' ? rq->principal : "-", (long long) (now_ms() - rq->start_ms));
}

/* A body of personal data (subject access), handed to libmicrohttpd, which
 * wipes and frees it through this once it has been sent. */
typedef struct secret_body {
    uint8_t *data;
    size_t len;
} secret_body;

static void secret_free(void *cls)
{
    secret_body *sb = cls;
    memset(sb->data, 0, sb->len);
    seal_free(sb->data);
    seal_free(sb);
}

static struct MHD_Response *secret_response(response *r)
{
    secret_body *sb = r->body.data != NULL ? seal_malloc(sizeof(*sb)) : NULL;
    if (sb == NULL) {
        return NULL;
    }
    sb->data = r->body.data;
    sb->len = r->body.len;
    struct MHD_Response *mr =
        MHD_create_response_from_buffer_with_free_callback_cls(sb->len, sb->data, secret_free, sb);
    if (mr == NULL) {
        seal_free(sb);
        return NULL;
    }
    seal_buf_init(&r->body); /* the response owns the bytes now */
    return mr;
}

static enum MHD_Result reply(struct MHD_Connection *conn, req *rq, const char *method, response *r,
                             const char *allow)
{
    struct MHD_Response *mr =
        r->fd >= 0         ? MHD_create_response_from_fd((size_t) r->fd_size, r->fd)
        : r->fixed != NULL ? MHD_create_response_from_buffer(r->fixed_len, (void *) r->fixed,
                                                             MHD_RESPMEM_PERSISTENT)
        : r->secret && (r->status == 200 || r->status == 201)
            ? secret_response(r)
            : MHD_create_response_from_buffer(
                  r->body.len, r->body.data != NULL ? (void *) r->body.data : (void *) "",
                  MHD_RESPMEM_MUST_COPY);
    if (mr == NULL) {
        if (r->fd >= 0) {
            close(r->fd);
        }
        return MHD_NO;
    }
    r->fd = -1; /* the response owns it now */
    MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, r->ctype);
    MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(mr, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(mr, MHD_HTTP_HEADER_CACHE_CONTROL,
                            r->immutable ? "public, max-age=31536000, immutable"
                            : r->console ? "no-cache"
                                         : "no-store");
    if (r->console) {
        MHD_add_response_header(mr, "Content-Security-Policy", CSP);
    }
    if (r->attachment) {
        MHD_add_response_header(mr, "Content-Disposition", "attachment");
    }
    if (r->location[0] != '\0') {
        MHD_add_response_header(mr, MHD_HTTP_HEADER_LOCATION, r->location);
    }
    if (r->status == 401) {
        MHD_add_response_header(mr, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"sealed\"");
    }
    if (r->status == 429 && r->retry_after > 0) {
        char ra[24];
        snprintf(ra, sizeof(ra), "%ld", r->retry_after);
        MHD_add_response_header(mr, MHD_HTTP_HEADER_RETRY_AFTER, ra);
    }
    if (allow != NULL) {
        MHD_add_response_header(mr, MHD_HTTP_HEADER_ALLOW, allow);
    }
    access_log(rq, method, r->status);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned) r->status, mr);
    MHD_destroy_response(mr);
    return ret;
}

/* ---- rate limits ------------------------------------------------------------ */

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Takes one token from key's bucket (rate per second, burst deep). 0: go
 * ahead; otherwise the seconds until a token is there (Retry-After). */
static long rate_take(seal_srv *srv, const char *key, long rate, long burst)
{
    if (rate <= 0) {
        return 0;
    }
    uint32_t hsh = 2166136261u;
    for (const char *c = key; *c != '\0'; c++) {
        hsh = (hsh ^ (uint8_t) *c) * 16777619u;
    }
    int64_t t = now_us();
    long wait = 0;
    pthread_mutex_lock(&srv->rl_mu);
    bucket *b = NULL, *victim = NULL;
    for (uint32_t i = 0; i < BUCKET_PROBE; i++) {
        bucket *c = &srv->buckets[(hsh + i) % BUCKETS];
        if (c->key[0] != '\0' && strcmp(c->key, key) == 0) {
            b = c;
            break;
        }
        if (victim == NULL ||
            (victim->key[0] != '\0' && (c->key[0] == '\0' || c->last_us < victim->last_us))) {
            victim = c;
        }
    }
    if (b == NULL) {
        b = victim;
        snprintf(b->key, sizeof(b->key), "%s", key);
        b->tokens = (double) burst;
        b->last_us = t;
    }
    b->tokens += (double) (t - b->last_us) * (double) rate / 1e6;
    if (b->tokens > (double) burst) {
        b->tokens = (double) burst;
    }
    b->last_us = t;
    if (b->tokens >= 1.0) {
        b->tokens -= 1.0;
    } else {
        wait = (long) ((1.0 - b->tokens) / (double) rate) + 1;
    }
    pthread_mutex_unlock(&srv->rl_mu);
    return wait;
}

static void too_many(response *r, long wait)
{
    problem(r, 429, "rate-limited", "too many requests",
            "slow down: the rate limit is per principal, or per client address without a token",
            NULL);
    r->retry_after = wait;
}

/* The client's address as text, for the per-address buckets (never logged). */
static void client_key(struct MHD_Connection *conn, char *out, size_t n)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char host[NI_MAXHOST] = "?";
    if (ci != NULL && ci->client_addr != NULL) {
        socklen_t len = ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                               : sizeof(struct sockaddr_in);
        if (getnameinfo(ci->client_addr, len, host, sizeof(host), NULL, 0, NI_NUMERICHOST) != 0) {
            snprintf(host, sizeof(host), "?");
        }
    }
    snprintf(out, n, "a:%s", host);
}

/* ---- authentication and the table ------------------------------------------- */

/* Authenticates the bearer token, takes a token from the principal's
 * bucket, opens the registry as its principal and applies the route x role
 * table. On the run thread. true: h->reg is open. */
static bool authorize(seal_srv *srv, handler_ctx *h, response *r)
{
    const char *auth =
        MHD_lookup_connection_value(h->rq->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    seal_error err;
    seal_error_init(&err);
    if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0) {
        problem(r, 401, "unauthenticated", "authentication required",
                "send Authorization: Bearer TOKEN (sealctl token issue)", NULL);
        return false;
    }
    const char *tok = auth + 7;
    seal_status s = seal__token_principal(srv->tokens, tok, strlen(tok), h->rq->principal, &err);
    if (s != SEAL_OK) {
        h->rq->principal[0] = '\0';
        char akey[NI_MAXHOST + 4];
        client_key(h->rq->conn, akey, sizeof(akey));
        long wait = s == SEAL_NOTFOUND
                        ? rate_take(srv, akey, srv->cfg.public_rate, srv->cfg.public_burst)
                        : 0;
        if (wait > 0) {
            /* guessing tokens costs the address's bucket */
            too_many(r, wait);
        } else if (s == SEAL_NOTFOUND) {
            problem(r, 401, "unauthenticated", "authentication required", "unknown token", NULL);
        } else {
            from_status(r, s, &err);
        }
        return false;
    }
    char key[sizeof(h->rq->principal) + 2];
    snprintf(key, sizeof(key), "p:%s", h->rq->principal);
    long wait = rate_take(srv, key, srv->cfg.rate, srv->cfg.burst);
    if (wait > 0) {
        too_many(r, wait);
        return false;
    }
    h->reg = srv->reg;
    if ((s = seal_registry_act_as(h->reg, h->rq->principal, h->now, &err)) != SEAL_OK) {
        if (s == SEAL_PERM) {
            problem(r, 401, "unauthenticated", "authentication required",
                    "the token's principal is no longer registered", NULL);
        } else {
            from_status(r, s, &err);
        }
        return false;
    }
    h->roles = seal_registry_roles(h->reg);
    snprintf(h->agency, sizeof(h->agency), "%s", seal_registry_agency(h->reg));
    if ((h->roles & h->rq->rt->roles) == 0) {
        problem(r, 403, "role", "forbidden for this role",
                "none of the principal's roles may call this route", NULL);
        return false;
    }
    return true;
}

/* The checks of the request itself, once the token (401) and the role
 * (403) passed: a NUL byte anywhere in the path or the query (which
 * libmicrohttpd would cut the string at), an id that does not match the
 * route's pattern, a body where the route takes none. true: go ahead. */
static bool request_ok(const req *rq, response *r)
{
    if (rq->nul) {
        problem(r, 400, "invalid", "invalid request",
                "a NUL byte (raw or %00) in the path or the query", NULL);
        return false;
    }
    if (rq->bad_id) {
        char detail[96];
        snprintf(detail, sizeof(detail), "the id in the path must match %s",
                 id_pattern(route_id_kind(rq->rt->path)));
        problem(r, 400, "invalid", "invalid id", detail, NULL);
        return false;
    }
    if (!rq->rt->has_body && rq->body.len > 0) {
        problem(r, 400, "invalid", "this route takes no body", NULL, "");
        return false;
    }
    return true;
}

/* On the run thread. */
static void run_job(seal_srv *srv, job *j)
{
    if (j->h->rq->rt->pub) {
        if (request_ok(j->h->rq, j->r)) {
            j->h->rq->rt->fn(j->h, j->r);
        }
        return;
    }
    if (authorize(srv, j->h, j->r) && request_ok(j->h->rq, j->r)) {
        j->h->rq->rt->fn(j->h, j->r);
    }
    if (j->h->reg != NULL) {
        /* the shared handle acts as nobody between jobs */
        seal_status s = seal_registry_act_as(j->h->reg, NULL, j->h->now, NULL);
        (void) s; /* acting as nobody cannot fail */
        j->h->reg = NULL;
    }
}

static void pending_free(pending *p)
{
    if (p == NULL) {
        return;
    }
    if (p->r.fd >= 0) {
        close(p->r.fd);
    }
    if (p->r.secret && p->r.body.data != NULL) {
        memset(p->r.body.data, 0, p->r.body.len);
    }
    seal_buf_cleanup(&p->r.body);
    seal_free(p);
}

/* Answers rq into r now (true), or queues it to the run thread and
 * suspends the connection (false): libmicrohttpd calls on_request again
 * once the run thread resumes it, and the answer is then in rq->pend. */
static bool dispatch(seal_srv *srv, req *rq, response *r)
{
    if (rq->pend != NULL) {
        pending *p = rq->pend;
        rq->pend = NULL;
        seal_buf_cleanup(&r->body);
        *r = p->r;
        seal_buf_init(&p->r.body);
        p->r.fd = -1;
        pending_free(p);
        return true;
    }
    handler_ctx h = {.srv = srv,
                     .rq = rq,
                     .reg = NULL,
                     .now = srv->cfg.now != 0 ? srv->cfg.now : (int64_t) time(NULL)};
    if (rq->rt->pub && !rq->rt->serial) {
        if (request_ok(rq, r)) {
            rq->rt->fn(&h, r);
        }
        return true;
    }
    pending *p = seal_calloc(1, sizeof(*p));
    if (p == NULL) {
        problem(r, 500, "internal", "internal error", "out of memory", NULL);
        return true;
    }
    p->h = h;
    p->r = (response){.status = 500, .ctype = "application/json", .fd = -1};
    seal_buf_init(&p->r.body);
    p->j = (job){.h = &p->h, .r = &p->r, .conn = rq->conn};
    pthread_mutex_lock(&srv->mu);
    if (srv->closing) {
        pthread_mutex_unlock(&srv->mu);
        pending_free(p);
        problem(r, 503, "unavailable", "shutting down", NULL, NULL);
        return true;
    }
    if (srv->tail != NULL) {
        srv->tail->next = &p->j;
    } else {
        srv->head = &p->j;
    }
    srv->tail = &p->j;
    rq->pend = p;
    /* under mu: the run thread resumes only after this */
    MHD_suspend_connection(rq->conn);
    pthread_cond_signal(&srv->work);
    pthread_mutex_unlock(&srv->mu);
    return false;
}

/* ---- group commit ------------------------------------------------------------ */

/* Routes whose handlers change the registry only through the lifecycle and
 * read the ledger only through h->led: they run inside the batch and may
 * share the daemon's open ledger. Any other route runs alone, with the
 * ledger closed, because it may open the ledger itself (one flock holder). */
static bool shares_ledger(const route *rt)
{
    static const handler_fn shared[] = {h_me,         h_check,  h_submit,    h_extend,     h_list,
                                        h_policy_get, h_show,   h_review,    h_close,      h_renew,
                                        h_events,     h_covers, h_inclusion, h_consistency};
    for (size_t i = 0; i < sizeof(shared) / sizeof(shared[0]); i++) {
        if (rt->fn == shared[i]) {
            return true;
        }
    }
    return false;
}

/* Closes (open = false) or reopens the daemon's ledger. */
static void ledger_set(seal_srv *srv, bool open)
{
    if (!open || srv->led != NULL) {
        seal_ledger_close(srv->led);
        srv->led = NULL;
    }
    if (open) {
        seal_error err;
        seal_error_init(&err);
        if (seal_ledger_open(srv->ledger_dir, NULL, &srv->led, &err) != SEAL_OK) {
            fprintf(stderr, "sealed: warning: ledger: %s\n", err.msg);
            srv->led = NULL;
        }
    }
}

/* Acknowledges jobs: their connections resume and the answers go out (a
 * resumed job belongs to its worker again: not touched after). */
static void jobs_done(seal_srv *srv, job *list)
{
    pthread_mutex_lock(&srv->mu);
    for (job *j = list, *next; j != NULL; j = next) {
        next = j->next;
        j->done = true;
        MHD_resume_connection(j->conn);
    }
    pthread_mutex_unlock(&srv->mu);
}

/* Makes the open batch durable, then acknowledges the jobs that waited for
 * it; when it cannot, they get 500 instead (nothing of theirs was kept). */
static void batch_end(seal_srv *srv, job **waiting)
{
    seal_error err;
    seal_error_init(&err);
    if (seal_registry_batch_commit(srv->reg, &err) != SEAL_OK) {
        fprintf(stderr, "sealed: warning: batch of requests not committed: %s\n", err.msg);
        for (job *j = *waiting; j != NULL; j = j->next) {
            if (j->r->fd >= 0) {
                close(j->r->fd);
                j->r->fd = -1;
            }
            problem(j->r, 500, "internal", "internal error", "not committed", NULL);
        }
        ledger_set(srv, true); /* drops what the ledger staged */
    }
    jobs_done(srv, *waiting);
    *waiting = NULL;
}

#define BATCH_MAX 1024

/* Runs queued jobs in batches, one registry transaction and one ledger
 * commit (one fsync each) per batch: whatever queued while the previous
 * batch was committing. A job is acknowledged only once the batch it ran
 * in is durable, unless nothing in the batch had changed yet when it ended
 * (then it saw only durable state). */
static void drain(seal_srv *srv)
{
    for (;;) {
        pthread_mutex_lock(&srv->mu);
        job *list = srv->head;
        srv->head = srv->tail = NULL;
        pthread_mutex_unlock(&srv->mu);
        if (list == NULL) {
            return;
        }
        job *waiting = NULL, **tail = &waiting;
        size_t n = 0;
        bool open = false;
        for (job *j = list, *next; j != NULL; j = next) {
            next = j->next;
            j->next = NULL;
            seal_error err;
            seal_error_init(&err);
            if (!open && shares_ledger(j->h->rq->rt) && srv->led == NULL) {
                ledger_set(srv, true); /* closed for a job that ran alone */
            }
            if (!open && shares_ledger(j->h->rq->rt) && srv->led != NULL &&
                seal_registry_batch_begin(srv->reg, srv->led, &err) == SEAL_OK) {
                open = true;
            }
            if (!open || !shares_ledger(j->h->rq->rt)) {
                if (open) {
                    batch_end(srv, &waiting);
                    tail = &waiting;
                    n = 0;
                    open = false;
                }
                ledger_set(srv, false);
                run_job(srv, j);
                jobs_done(srv, j);
                continue;
            }
            j->h->led = srv->led;
            run_job(srv, j);
            if (seal_registry_batch_changes(srv->reg) == 0) {
                jobs_done(srv, j);
                continue;
            }
            *tail = j;
            tail = &j->next;
            if (++n >= BATCH_MAX) {
                batch_end(srv, &waiting);
                tail = &waiting;
                n = 0;
                open = false;
            }
        }
        if (open) {
            batch_end(srv, &waiting);
        }
    }
}

/* PA-7, MC-9 and the retention schedule by the clock: the request sweep
 * and the retention sweep, at start and every sweep-interval seconds, run
 * between batches as nobody; each run appends its ledger event
 * (request.sweep, retain.sweep) even with nothing to do. No deadline waits
 * for someone to run a sweep by hand. */
static void clock_sweeps(seal_srv *srv)
{
    int64_t now = srv->cfg.now != 0 ? srv->cfg.now : (int64_t) time(NULL);
    seal_error err;
    seal_error_init(&err);
    seal_buf out;
    seal_buf_init(&out);
    ledger_set(srv, false); /* the registry appends to the ledger itself */
    seal_status s = seal_registry_act_as(srv->reg, NULL, now, &err);
    if (s == SEAL_OK) {
        s = seal_request_sweep_clock(srv->reg, &out, &err);
    }
    if (s != SEAL_OK) {
        fprintf(stderr, "sealed: warning: request sweep: %s\n", err.msg);
    }
    seal_buf_cleanup(&out);
    seal_retain_options o = {.now = now};
    seal_retain_result res;
    memset(&res, 0, sizeof(res));
    seal_error_init(&err);
    if (seal_retain_sweep(srv->cfg.data, &o, &res, &err) != SEAL_OK) {
        fprintf(stderr, "sealed: warning: retention sweep: %s\n", err.msg);
    }
    seal_retain_result_cleanup(&res);
    fprintf(stderr, "sealed: sweeps ran (request, retention)\n");
}

int seal__srv_run(seal_srv *srv, const sigset_t *stop)
{
    int sig = 0;
    int64_t deadline = 0;
    int64_t next_sweep = 0; /* ms: at start, then every sweep-interval */
    for (;;) {
        if (sig == 0 && now_ms() >= next_sweep) {
            clock_sweeps(srv);
            next_sweep =
                now_ms() +
                (int64_t) (srv->cfg.sweep_interval > 0 ? srv->cfg.sweep_interval : 3600) * 1000;
        }
        drain(srv);
        if (sig == 0) {
            struct timespec zero = {0, 0};
            int got = sigtimedwait(stop, NULL, &zero);
            if (got > 0) {
                sig = got;
                fprintf(stderr, "sealed: signal %d: stopping, %ld request(s) in flight\n", sig,
                        seal__srv_in_flight(srv));
                seal__srv_quiesce(srv);
                deadline = now_ms() + srv->cfg.grace * 1000;
            }
        }
        if (sig != 0 && (seal__srv_in_flight(srv) == 0 || now_ms() > deadline)) {
            pthread_mutex_lock(&srv->mu);
            srv->closing = true;
            pthread_mutex_unlock(&srv->mu);
            drain(srv);
            return sig;
        }
        pthread_mutex_lock(&srv->mu);
        if (srv->head == NULL) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += 20 * 1000 * 1000;
            if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&srv->work, &srv->mu, &until);
        }
        pthread_mutex_unlock(&srv->mu);
    }
}

/* --tls-client-ca: the peer presented a certificate that verifies against
 * the CA (libmicrohttpd asks for one but does not insist). */
static bool client_cert_ok(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    if (ci == NULL || ci->tls_session == NULL) {
        return false;
    }
    gnutls_session_t tls = (gnutls_session_t) ci->tls_session;
    unsigned n = 0, status = 1;
    return gnutls_certificate_get_peers(tls, &n) != NULL && n > 0 &&
           gnutls_certificate_verify_peers2(tls, &status) == GNUTLS_E_SUCCESS && status == 0;
}

/* libmicrohttpd calls this with the raw request target, before it
 * unescapes it (%00 becomes a NUL that ends the string) or splits the query
 * off; the req made here is the connection's *con_cls from then on. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    seal_srv *srv = cls;
    req *rq = seal_calloc(1, sizeof(*rq));
    if (rq == NULL) {
        return NULL; /* on_request makes one, without the raw target */
    }
    rq->start_ms = now_ms();
    rq->conn = conn;
    seal_buf_init(&rq->body);
    rq->raw = (uintptr_t) uri;
    rq->raw_len = strlen(uri);
    rq->nul = strstr(uri, "%00") != NULL;
    atomic_fetch_add(&srv->in_flight, 1);
    return rq;
}

/* The list for a 405's Allow header: the methods of every route whose
 * template matches url (HEAD wherever GET is). */
static void allow_list(const char *url, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < N_ROUTES; i++) {
        req probe;
        memset(&probe, 0, sizeof(probe));
        if (!match(routes[i].path, url, &probe) || strstr(out, routes[i].method) != NULL) {
            continue;
        }
        int w = snprintf(out + len, n - len, "%s%s%s", len > 0 ? ", " : "", routes[i].method,
                         strcmp(routes[i].method, "GET") == 0 ? ", HEAD" : "");
        if (w < 0 || (size_t) w >= n - len) {
            break;
        }
        len += (size_t) w;
    }
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    seal_srv *srv = cls;
    req *rq = *con_cls;
    response r = {.status = 500, .ctype = "application/json", .fd = -1};
    seal_buf_init(&r.body);
    enum MHD_Result ret = MHD_YES;
    if (rq == NULL || !rq->begun) {
        if (rq == NULL) {
            if ((rq = seal_calloc(1, sizeof(*rq))) == NULL) {
                return MHD_NO;
            }
            rq->start_ms = now_ms();
            rq->conn = conn;
            seal_buf_init(&rq->body);
            *con_cls = rq;
            atomic_fetch_add(&srv->in_flight, 1);
        }
        rq->begun = true;
        /* a raw NUL in the target: libmicrohttpd parsed the request line
         * by its length, so the version starts beyond the string it gave
         * the URI log (the target and the version share the line) */
        uintptr_t v = (uintptr_t) version;
        if (rq->raw != 0 && v > rq->raw + rq->raw_len + 1 && v - rq->raw < 65536) {
            rq->nul = true;
        }
        route_find(rq, url, method);
        if (rq->nul && rq->early != 0) {
            rq->early = 400; /* the path was cut short: never routed on */
        }
        const char *cl =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (rq->early == 0 && cl != NULL) {
            char *end = NULL;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno != 0 || end == cl || n > (unsigned long long) srv->cfg.max_body) {
                rq->early = 413;
            }
        }
        if (rq->early == 0 && srv->tls_ca != NULL && !client_cert_ok(conn)) {
            rq->early = 495; /* answered 403 below */
        }
        if (rq->early == 0 &&
            (rq->rt->pub || MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                        MHD_HTTP_HEADER_AUTHORIZATION) == NULL)) {
            /* public routes, and requests without a token, per client address */
            char key[NI_MAXHOST + 4];
            client_key(conn, key, sizeof(key));
            rq->wait = rate_take(srv, key, srv->cfg.public_rate, srv->cfg.public_burst);
            rq->early = rq->wait > 0 ? 429 : 0;
        }
        if (rq->early == 0) {
            return MHD_YES;
        }
    } else if (*upload_size > 0) {
        if (now_ms() - rq->start_ms > srv->cfg.timeout * 1000) {
            return MHD_NO; /* a slow client may not hold a worker forever */
        }
        if (rq->too_big || rq->body.len + *upload_size > (size_t) srv->cfg.max_body) {
            rq->too_big = true;
        } else if (seal_buf_append(&rq->body, upload, *upload_size) != SEAL_OK) {
            return MHD_NO;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    const char *allow = NULL;
    char allow_buf[64];
    if (rq->early == 400) {
        problem(&r, 400, "invalid", "invalid request",
                "a NUL byte (raw or %00) in the path or the query", NULL);
    } else if (rq->early == 404) {
        problem(&r, 404, "not-found", "not found", "no such route (see /openapi.json)", NULL);
    } else if (rq->early == 405) {
        allow_list(url, allow_buf, sizeof(allow_buf));
        allow = allow_buf;
        problem(&r, 405, "method", "method not allowed", allow_buf, NULL);
    } else if (rq->early == 495) {
        problem(&r, 403, "client-certificate", "client certificate required",
                "present a client certificate signed by the configured CA (--tls-client-ca)", NULL);
    } else if (rq->early == 429) {
        too_many(&r, rq->wait);
    } else if (rq->early == 413 || rq->too_big) {
        char detail[96];
        snprintf(detail, sizeof(detail), "the body exceeds %ld bytes", srv->cfg.max_body);
        problem(&r, 413, "too-large", "request body too large", detail, "");
    } else if (!dispatch(srv, rq, &r)) {
        seal_buf_cleanup(&r.body);
        return MHD_YES; /* suspended until the run thread answers */
    }
    ret = reply(conn, rq, method, &r, allow);
    if (r.secret && r.body.data != NULL) {
        memset(r.body.data, 0, r.body.len);
    }
    seal_buf_cleanup(&r.body);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
    seal_srv *srv = cls;
    req *rq = *con_cls;
    (void) conn;
    (void) code;
    if (rq == NULL) {
        return;
    }
    pending_free(rq->pend); /* resumed, but the client went away */
    if (rq->body.data != NULL) {
        memset(rq->body.data, 0, rq->body.len); /* documents and notes name people */
    }
    seal_buf_cleanup(&rq->body);
    seal_free(rq);
    *con_cls = NULL;
    atomic_fetch_sub(&srv->in_flight, 1);
}

/* ---- start / stop -------------------------------------------------------- */

/* Reads a PEM file for libmicrohttpd (NUL-terminated, at most 1 MiB). */
static seal_status read_pem(const char *what, const char *path, char **out, seal_error *err)
{
    seal_buf b;
    seal_buf_init(&b);
    if (!read_small(path, (size_t) 1 << 20, &b) ||
        strstr(seal_buf_str(&b), "-----BEGIN ") == NULL) {
        seal_buf_cleanup(&b);
        return seal_error_set(err, SEAL_INVALID, "--%s %s: cannot read a PEM file there", what,
                              path);
    }
    *out = (char *) b.data; /* the buffer's bytes, NUL-terminated */
    return SEAL_OK;
}

static seal_status tls_load(seal_srv *srv, seal_error *err)
{
    const seal_srv_config *c = &srv->cfg;
    bool any = c->tls_cert[0] != '\0' || c->tls_key[0] != '\0' || c->tls_client_ca[0] != '\0';
    if (!any) {
        return SEAL_OK;
    }
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        return seal_error_set(err, SEAL_USAGE,
                              "TLS is not available: this libmicrohttpd was built without "
                              "GnuTLS (MHD_FEATURE_TLS); run without --tls-* behind a TLS proxy");
    }
    if (c->tls_cert[0] == '\0' || c->tls_key[0] == '\0') {
        return seal_error_set(err, SEAL_USAGE, "TLS needs both --tls-cert and --tls-key");
    }
    seal_status s = read_pem("tls-cert", c->tls_cert, &srv->tls_cert, err);
    if (s == SEAL_OK) {
        s = read_pem("tls-key", c->tls_key, &srv->tls_key, err);
    }
    if (s == SEAL_OK && c->tls_client_ca[0] != '\0') {
        s = read_pem("tls-client-ca", c->tls_client_ca, &srv->tls_ca, err);
    }
    return s;
}

static seal_status parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *len,
                                bool *v6, seal_error *err)
{
    char host[256];
    const char *colon = strrchr(spec, ':');
    if (colon == NULL || colon == spec || colon[1] == '\0') {
        return seal_error_set(err, SEAL_INVALID, "listen: '%s' is not HOST:PORT", spec);
    }
    size_t hl = (size_t) (colon - spec);
    if (spec[0] == '[' && hl >= 2 && spec[hl - 1] == ']') {
        spec++;
        hl -= 2;
    }
    if (hl >= sizeof(host)) {
        return seal_error_set(err, SEAL_INVALID, "listen: host too long");
    }
    memcpy(host, spec, hl);
    host[hl] = '\0';
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai = NULL;
    int rc = getaddrinfo(host, colon + 1, &hints, &ai);
    if (rc != 0 || ai == NULL) {
        return seal_error_set(err, SEAL_INVALID, "listen: %s: %s", spec, gai_strerror(rc));
    }
    memcpy(ss, ai->ai_addr, ai->ai_addrlen);
    *len = ai->ai_addrlen;
    *v6 = ai->ai_family == AF_INET6;
    freeaddrinfo(ai);
    return SEAL_OK;
}

seal_status seal__srv_start(const seal_srv_config *cfg, seal_srv **out, seal_error *err)
{
    *out = NULL;
    seal_srv *srv = seal_calloc(1, sizeof(*srv));
    if (srv == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "out of memory");
    }
    srv->cfg = *cfg;
    srv->lock_fd = -1;
    seal_buf_init(&srv->openapi);
    pthread_mutex_init(&srv->mu, NULL);
    pthread_mutex_init(&srv->rl_mu, NULL);
    pthread_cond_init(&srv->work, NULL);
    pthread_cond_init(&srv->done, NULL);
    atomic_init(&srv->in_flight, 0);
    seal_status s = SEAL_OK;
    struct sockaddr_storage ss;
    socklen_t sl = 0;
    bool v6 = false;
    int w = snprintf(srv->ledger_dir, sizeof(srv->ledger_dir), "%s/ledger", cfg->data);
    if (w < 0 || (size_t) w >= sizeof(srv->ledger_dir)) {
        s = seal_error_set(err, SEAL_INVALID, "data directory path too long");
        goto out;
    }
    if ((s = parse_listen(cfg->listen, &ss, &sl, &v6, err)) != SEAL_OK) {
        goto out;
    }
    w = snprintf(srv->prod_dir, sizeof(srv->prod_dir), "%s/productions", cfg->data);
    if (w < 0 || (size_t) w >= sizeof(srv->prod_dir)) {
        s = seal_error_set(err, SEAL_INVALID, "data directory path too long");
        goto out;
    }
    if ((srv->buckets = seal_calloc(BUCKETS, sizeof(bucket))) == NULL) {
        s = seal_error_set(err, SEAL_NOMEM, "out of memory");
        goto out;
    }
    if (!openapi_build(&srv->openapi)) {
        s = seal_error_set(err, SEAL_NOMEM, "out of memory");
        goto out;
    }
    /* the data directory must be a sealed one: the registry opens (as no
     * principal) only where `sealctl init` made the store */
    if ((s = seal_registry_open(cfg->data, NULL, (int64_t) time(NULL), &srv->reg, err)) !=
        SEAL_OK) {
        seal_error_prefix(err, "data directory %s", cfg->data);
        goto out;
    }
    /* one writer: a second daemon, or sealctl's writing commands, are
     * refused while this one runs (the journal's own flock is given up
     * around jobs that open the ledger themselves; this lock never is) */
    long holder = 0;
    if ((s = seal__dirlock_take(cfg->data, true, true, &srv->lock_fd, &holder, err)) != SEAL_OK) {
        goto out;
    }
    if ((s = seal_ledger_open(srv->ledger_dir, NULL, &srv->led, err)) != SEAL_OK) {
        seal_error_prefix(err, "ledger");
        goto out;
    }
    /* the clock rule: a given time only on a test-clock directory */
    srv->test_clock = seal_ledger_test_clock(srv->led);
    if (cfg->now != 0 && !srv->test_clock) {
        s = seal_error_set(err, SEAL_REFUSED,
                           "SEALED_NOW: %s has a real clock (made without --test-clock); the "
                           "daemon runs at the clock's time only",
                           cfg->data);
        goto out;
    }
    if (mkdir(srv->prod_dir, 0700) != 0 && errno != EEXIST) {
        s = seal_error_set(err, SEAL_IO, "cannot make %s", srv->prod_dir);
        goto out;
    }
    if ((s = seal__sqlite_tokens.open(cfg->data, &srv->tokens, err)) != SEAL_OK) {
        goto out;
    }
    if ((s = tls_load(srv, err)) != SEAL_OK) {
        goto out;
    }
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME;
    if (v6) {
        flags |= MHD_USE_IPv6;
    }
    struct MHD_OptionItem tls[4] = {{MHD_OPTION_END, 0, NULL}};
    size_t nt = 0;
    if (srv->tls_cert != NULL) {
        flags |= MHD_USE_TLS;
        tls[nt++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, srv->tls_key};
        tls[nt++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, srv->tls_cert};
        if (srv->tls_ca != NULL) {
            tls[nt++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_TRUST, 0, srv->tls_ca};
        }
    }
    tls[nt] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    srv->d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned) cfg->threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned) cfg->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned) cfg->per_ip,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) cfg->timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t) cfg->max_header, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv, MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
    if (srv->d == NULL) {
        s = srv->tls_cert != NULL
                ? seal_error_set(err, SEAL_IO,
                                 "cannot listen on %s with TLS (address in use, or the key and "
                                 "certificate do not match?)",
                                 cfg->listen)
                : seal_error_set(err, SEAL_IO,
                                 "cannot listen on %s (address in use, or not local?)",
                                 cfg->listen);
        goto out;
    }
out:
    if (s != SEAL_OK) {
        seal__srv_stop(srv);
        return s;
    }
    *out = srv;
    return SEAL_OK;
}

unsigned seal__srv_port(const seal_srv *srv)
{
    const union MHD_DaemonInfo *i = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
    return i != NULL ? i->port : 0;
}

void seal__srv_quiesce(seal_srv *srv)
{
    MHD_socket fd = MHD_quiesce_daemon(srv->d);
    if (fd != MHD_INVALID_SOCKET) {
        close(fd);
    }
}

long seal__srv_in_flight(seal_srv *srv)
{
    return atomic_load(&srv->in_flight);
}

void seal__srv_stop(seal_srv *srv)
{
    if (srv == NULL) {
        return;
    }
    if (srv->d != NULL) {
        MHD_stop_daemon(srv->d);
    }
    seal__sqlite_tokens.close(srv->tokens);
    seal_registry_close(srv->reg);
    seal_ledger_close(srv->led);
    seal__dirlock_release(srv->lock_fd, true);
    seal_buf_cleanup(&srv->openapi);
    seal_free(srv->buckets);
    if (srv->tls_key != NULL) {
        memset(srv->tls_key, 0, strlen(srv->tls_key));
    }
    seal_free(srv->tls_key);
    seal_free(srv->tls_cert);
    seal_free(srv->tls_ca);
    pthread_mutex_destroy(&srv->rl_mu);
    pthread_cond_destroy(&srv->work);
    pthread_cond_destroy(&srv->done);
    pthread_mutex_destroy(&srv->mu);
    seal_free(srv);
}
