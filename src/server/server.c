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
#include <errno.h>
#include <fcntl.h>
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

#include <jansson.h>
#include <microhttpd.h>

#include "sealed/alloc.h"
#include "sealed/buf.h"
#include "sealed/policy.h"
#include "sealed/registry.h"
#include "sealed/request.h"
#include "server/server_int.h"
#include "store/tokens.h"

#define ROLE(x) (1u << SEAL_ROLE_##x)
/* staff who work requests; auditors read them; subjects and issuers have
 * their own routes in later phases */
#define STAFF                                                                                      \
    (ROLE(REQUESTER) | ROLE(REVIEWER) | ROLE(COVER_APPROVER) | ROLE(HQ_APPROVER) |                 \
     ROLE(PRIVACY_OFFICER))
#define APPROVERS (ROLE(REVIEWER) | ROLE(COVER_APPROVER) | ROLE(HQ_APPROVER))

typedef struct response {
    int status;
    const char *ctype;
    seal_buf body;
    char location[SEAL_ID_SIZE + 32];
    int fd; /* >= 0: serve this file of fd_size bytes instead of body */
    uint64_t fd_size;
    bool immutable;
} response;

struct req;
typedef struct handler_ctx {
    seal_srv *srv;
    struct req *rq;
    seal_registry *reg; /* NULL on public routes */
    int64_t now;
} handler_ctx;
typedef void (*handler_fn)(handler_ctx *h, response *r);

static void h_openapi(handler_ctx *h, response *r);
static void h_check(handler_ctx *h, response *r);
static void h_submit(handler_ctx *h, response *r);
static void h_list(handler_ctx *h, response *r);
static void h_show(handler_ctx *h, response *r);
static void h_review(handler_ctx *h, response *r);
static void h_checkpoint(handler_ctx *h, response *r);
static void h_tile(handler_ctx *h, response *r);

/* THE authorization table. public: no token needed (DESIGN.md: the OpenAPI
 * document and the ledger's checkpoint and tiles hold no personal data).
 * Otherwise a principal holding any of `roles` may call the route; the
 * registry then applies the finer rules (own agency, delegation windows,
 * who may review what), answered as 403 "permission" or 409 "refused". */
typedef struct route {
    const char *method;
    const char *path; /* template; a final {tile} takes the rest of the path */
    handler_fn fn;
    bool pub;
    uint32_t roles;
    int ok;        /* success status */
    bool has_body; /* takes a JSON body */
    const char *op;
    const char *summary;
} route;

static const route routes[] = {
    {"GET", "/openapi.json", h_openapi, true, 0, 200, false, "getOpenapi",
     "this document (OpenAPI 3)"},
    {"POST", "/v1/requests/check", h_check, false, STAFF, 200, true, "checkRequest",
     "check a request document under a policy, no side effects (sealctl request check)"},
    {"POST", "/v1/requests", h_submit, false, ROLE(REQUESTER), 201, true, "submitRequest",
     "submit a request document as the token's principal (sealctl request submit)"},
    {"GET", "/v1/requests", h_list, false, STAFF | ROLE(AUDITOR), 200, false, "listRequests",
     "requests visible to the principal, with deadlines (sealctl request list)"},
    {"GET", "/v1/requests/{id}", h_show, false, STAFF | ROLE(AUDITOR), 200, false, "showRequest",
     "one request and its approvals; ?document=true adds the document (sealctl request show)"},
    {"POST", "/v1/requests/{id}/review", h_review, false, APPROVERS, 200, true, "reviewRequest",
     "approve or deny: {\"approve\": true|false, \"note\": \"...\"} (sealctl request review)"},
    {"GET", "/v1/ledger/checkpoint", h_checkpoint, true, 0, 200, false, "getCheckpoint",
     "the ledger's latest signed checkpoint (C2SP tlog-checkpoint)"},
    {"GET", "/v1/ledger/tile/{tile}", h_tile, true, 0, 200, false, "getTile",
     "a ledger tile (C2SP tlog-tiles); {tile} is the rest of the path, e.g. 0/000 or "
     "entries/000.p/3"},
};
#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

/* Work on the registry, the ledger and the token store runs on one thread,
 * the one in seal__srv_run (the main thread): the registry is not
 * thread-safe, the ledger's journal has one flock holder, and the library
 * keeps per-thread state (a SHA-256 context) that should live as long as
 * the process. libmicrohttpd's workers queue a job and wait for it. */
typedef struct job {
    struct handler_ctx *h;
    response *r;
    bool done;
    struct job *next;
} job;

struct seal_srv {
    seal_srv_config cfg;
    struct MHD_Daemon *d;
    pthread_mutex_t mu; /* the job queue */
    pthread_cond_t work, done;
    job *head, *tail;
    bool closing; /* no more jobs: answered 503 */
    seal_tokens_backend *tokens;
    atomic_long in_flight;
    seal_buf openapi;
    char ledger_dir[1100];
};

typedef struct req {
    int64_t start_ms;
    const route *rt;
    int early; /* a status decided before the body (404, 405, 413) */
    seal_buf body;
    bool too_big;
    char id[SEAL_ID_SIZE];
    char tile[256];
    char principal[SEAL_TOKEN_PRINCIPAL_SIZE];
    struct MHD_Connection *conn;
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

/* Matches path against template t, capturing {id} (a system id) and a final
 * {tile} (the rest). */
static bool match(const char *t, const char *path, req *rq)
{
    while (*t != '\0') {
        if (strncmp(t, "{tile}", 6) == 0 && t[6] == '\0') {
            size_t n = strlen(path);
            if (n == 0 || n >= sizeof(rq->tile)) {
                return false;
            }
            memcpy(rq->tile, path, n + 1);
            return true;
        }
        if (strncmp(t, "{id}", 4) == 0) {
            size_t n = strcspn(path, "/");
            if (n == 0 || n >= sizeof(rq->id)) {
                return false;
            }
            memcpy(rq->id, path, n);
            rq->id[n] = '\0';
            if (!seal_id_valid(rq->id)) {
                return false;
            }
            t += 4;
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
    bool compare = flag_arg(h, "compare");
    seal_error err;
    seal_error_init(&err);
    seal_request *rq = NULL;
    seal_policy *pol[2] = {NULL, NULL};
    seal_decision *d = seal_malloc(sizeof(*d));
    seal_buf out;
    seal_buf_init(&out);
    seal_status s = d != NULL ? SEAL_OK : SEAL_NOMEM;
    for (size_t k = 0; k < (compare ? 2u : 1u) && s == SEAL_OK; k++) {
        s = seal_policy_builtin(compare ? seal_policy_builtin_name(k) : policy, &pol[k], &err);
    }
    if (s == SEAL_OK) {
        s = seal_request_parse((const char *) h->rq->body.data, h->rq->body.len, &rq, &err);
    }
    seal_check_options opt;
    seal_check_options_init(&opt, h->now);
    if (s == SEAL_OK && compare) {
        s = seal_buf_append_str(&out, "{\"decisions\": [");
    }
    for (size_t k = 0; k < 2 && pol[k] != NULL && s == SEAL_OK; k++) {
        seal_policy_check(pol[k], rq, &opt, d);
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

static void h_submit(handler_ctx *h, response *r)
{
    const char *policy;
    if (!body_is_json(h, r) || !policy_arg(h, r, &policy)) {
        return;
    }
    seal_error err;
    seal_error_init(&err);
    seal_submit_options opt = {.policy = policy, .follows = arg(h, "follows")};
    if (opt.follows != NULL && !seal_id_valid(opt.follows)) {
        problem(r, 400, "invalid", "invalid request", "?follows= must be a request id", NULL);
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

/* {"approve": bool, "note": string}: anything else is named by pointer. */
#define NOTE_MAX 2000

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
    seal_status s = seal_request_review(h->reg, h->rq->id, json_is_true(ap), &st, &err);
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
    if (strstr(rt->path, "{id}") != NULL) {
        json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:{s:s, s:s}}", "name", "id", "in",
                                                "path", "required", 1, "schema", "type", "string",
                                                "pattern", "^[A-Za-z0-9._:-]{1,128}$"));
    }
    if (strstr(rt->path, "{tile}") != NULL) {
        json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:{s:s}}", "name", "tile", "in",
                                                "path", "required", 1, "schema", "type", "string"));
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
    const char *ctype = strstr(rt->path, "/ledger/") == NULL     ? "application/json"
                        : strstr(rt->path, "checkpoint") != NULL ? "text/plain"
                                                                 : "application/octet-stream";
    json_t *resp = json_object();
    json_object_set_new(resp, ok,
                        json_pack("{s:s, s:{s:{}}}", "description", "success", "content", ctype));
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

static enum MHD_Result reply(struct MHD_Connection *conn, req *rq, const char *method, response *r,
                             const char *allow)
{
    struct MHD_Response *mr =
        r->fd >= 0 ? MHD_create_response_from_fd((size_t) r->fd_size, r->fd)
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
    MHD_add_response_header(mr, MHD_HTTP_HEADER_CACHE_CONTROL,
                            r->immutable ? "public, max-age=31536000, immutable" : "no-store");
    if (r->location[0] != '\0') {
        MHD_add_response_header(mr, MHD_HTTP_HEADER_LOCATION, r->location);
    }
    if (r->status == 401) {
        MHD_add_response_header(mr, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"sealed\"");
    }
    if (allow != NULL) {
        MHD_add_response_header(mr, MHD_HTTP_HEADER_ALLOW, allow);
    }
    access_log(rq, method, r->status);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned) r->status, mr);
    MHD_destroy_response(mr);
    return ret;
}

/* Authenticates the bearer token, opens the registry as its principal and
 * applies the route x role table. Under srv->mu. true: h->reg is open. */
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
        if (s == SEAL_NOTFOUND) {
            problem(r, 401, "unauthenticated", "authentication required", "unknown token", NULL);
        } else {
            from_status(r, s, &err);
        }
        return false;
    }
    if ((s = seal_registry_open(srv->cfg.data, h->rq->principal, h->now, &h->reg, &err)) !=
        SEAL_OK) {
        if (s == SEAL_PERM) {
            problem(r, 401, "unauthenticated", "authentication required",
                    "the token's principal is no longer registered", NULL);
        } else {
            from_status(r, s, &err);
        }
        return false;
    }
    seal_buf list;
    seal_buf_init(&list);
    uint32_t roles = 0;
    if ((s = seal_registry_list(h->reg, SEAL_LIST_PRINCIPALS, &list, &err)) != SEAL_OK) {
        seal_buf_cleanup(&list);
        from_status(r, s, &err);
        return false;
    }
    json_t *all = json_loadb((const char *) list.data, list.len, 0, NULL);
    seal_buf_cleanup(&list);
    size_t i;
    json_t *p;
    json_array_foreach(all, i, p)
    {
        const char *id = json_string_value(json_object_get(p, "id"));
        if (id != NULL && strcmp(id, h->rq->principal) == 0) {
            size_t k;
            json_t *role;
            json_array_foreach(json_object_get(p, "roles"), k, role)
            {
                const char *name = json_string_value(role);
                int ri = name != NULL ? seal_role_from_name(name) : -1;
                if (ri >= 0 && ri < SEAL_ROLE_COUNT) {
                    roles |= 1u << ri;
                }
            }
        }
    }
    json_decref(all);
    if ((roles & h->rq->rt->roles) == 0) {
        problem(r, 403, "role", "forbidden for this role",
                "none of the principal's roles may call this route", NULL);
        return false;
    }
    return true;
}

/* On the run thread. */
static void run_job(seal_srv *srv, job *j)
{
    if (authorize(srv, j->h, j->r)) {
        j->h->rq->rt->fn(j->h, j->r);
    }
    seal_registry_close(j->h->reg);
    j->h->reg = NULL;
}

static void dispatch(seal_srv *srv, req *rq, response *r)
{
    handler_ctx h = {.srv = srv,
                     .rq = rq,
                     .reg = NULL,
                     .now = srv->cfg.now != 0 ? srv->cfg.now : (int64_t) time(NULL)};
    if (rq->rt->pub) {
        rq->rt->fn(&h, r);
        return;
    }
    job j = {.h = &h, .r = r};
    pthread_mutex_lock(&srv->mu);
    if (srv->closing) {
        pthread_mutex_unlock(&srv->mu);
        problem(r, 503, "unavailable", "shutting down", NULL, NULL);
        return;
    }
    if (srv->tail != NULL) {
        srv->tail->next = &j;
    } else {
        srv->head = &j;
    }
    srv->tail = &j;
    pthread_cond_signal(&srv->work);
    while (!j.done) {
        pthread_cond_wait(&srv->done, &srv->mu);
    }
    pthread_mutex_unlock(&srv->mu);
}

static void drain(seal_srv *srv)
{
    pthread_mutex_lock(&srv->mu);
    while (srv->head != NULL) {
        job *j = srv->head;
        srv->head = j->next;
        if (srv->head == NULL) {
            srv->tail = NULL;
        }
        pthread_mutex_unlock(&srv->mu);
        run_job(srv, j);
        pthread_mutex_lock(&srv->mu);
        j->done = true;
        pthread_cond_broadcast(&srv->done);
    }
    pthread_mutex_unlock(&srv->mu);
}

int seal__srv_run(seal_srv *srv, const sigset_t *stop)
{
    int sig = 0;
    int64_t deadline = 0;
    for (;;) {
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

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    seal_srv *srv = cls;
    (void) version;
    req *rq = *con_cls;
    response r = {.status = 500, .ctype = "application/json", .fd = -1};
    seal_buf_init(&r.body);
    enum MHD_Result ret = MHD_YES;
    if (rq == NULL) {
        if ((rq = seal_calloc(1, sizeof(*rq))) == NULL) {
            return MHD_NO;
        }
        rq->start_ms = now_ms();
        rq->conn = conn;
        seal_buf_init(&rq->body);
        *con_cls = rq;
        atomic_fetch_add(&srv->in_flight, 1);
        route_find(rq, url, method);
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
    if (rq->early == 404) {
        problem(&r, 404, "not-found", "not found", "no such route (see /openapi.json)", NULL);
    } else if (rq->early == 405) {
        for (size_t i = 0; i < N_ROUTES; i++) {
            req probe = {0};
            if (match(routes[i].path, url, &probe)) {
                allow = routes[i].method;
            }
        }
        problem(&r, 405, "method", "method not allowed", NULL, NULL);
    } else if (rq->early == 413 || rq->too_big) {
        char detail[96];
        snprintf(detail, sizeof(detail), "the body exceeds %ld bytes", srv->cfg.max_body);
        problem(&r, 413, "too-large", "request body too large", detail, "");
    } else if (rq->rt->has_body == false && rq->body.len > 0) {
        problem(&r, 400, "invalid", "this route takes no body", NULL, "");
    } else {
        dispatch(srv, rq, &r);
    }
    ret = reply(conn, rq, method, &r, allow);
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
    seal_buf_cleanup(&rq->body);
    seal_free(rq);
    *con_cls = NULL;
    atomic_fetch_sub(&srv->in_flight, 1);
}

/* ---- start / stop -------------------------------------------------------- */

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
    seal_buf_init(&srv->openapi);
    pthread_mutex_init(&srv->mu, NULL);
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
    if (!openapi_build(&srv->openapi)) {
        s = seal_error_set(err, SEAL_NOMEM, "out of memory");
        goto out;
    }
    /* the data directory must be a sealed one: the registry opens (as no
     * principal) only where `sealctl init` made the store */
    seal_registry *probe = NULL;
    if ((s = seal_registry_open(cfg->data, NULL, (int64_t) time(NULL), &probe, err)) != SEAL_OK) {
        seal_error_prefix(err, "data directory %s", cfg->data);
        goto out;
    }
    seal_registry_close(probe);
    if ((s = seal__sqlite_tokens.open(cfg->data, &srv->tokens, err)) != SEAL_OK) {
        goto out;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_AUTO;
    if (v6) {
        flags |= MHD_USE_IPv6;
    }
    srv->d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned) cfg->threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned) cfg->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned) cfg->per_ip,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) cfg->timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t) cfg->max_header, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_END);
    if (srv->d == NULL) {
        s = seal_error_set(err, SEAL_IO, "cannot listen on %s (address in use, or not local?)",
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
    seal_buf_cleanup(&srv->openapi);
    pthread_cond_destroy(&srv->work);
    pthread_cond_destroy(&srv->done);
    pthread_mutex_destroy(&srv->mu);
    seal_free(srv);
}
