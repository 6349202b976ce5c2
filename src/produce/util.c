/* SPDX-License-Identifier: Apache-2.0 */
/*
 * File and ledger helpers shared by productions, their verifier and subject
 * access (produce_int.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "produce/produce_int.h"

seal_status seal__prod_read_file(const char *path, size_t max, seal_buf *out, seal_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return seal_error_set(err, errno == ENOENT ? SEAL_NOTFOUND : SEAL_IO, "%s: %s", path,
                              strerror(errno));
    }
    seal_status s = SEAL_OK;
    size_t total = 0;
    for (;;) {
        if ((s = seal_buf_reserve(out, 4096)) != SEAL_OK) {
            seal_error_set(err, s, "out of memory");
            break;
        }
        ssize_t r = read(fd, out->data + out->len, 4096);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            s = seal_error_set(err, SEAL_IO, "%s: %s", path, strerror(errno));
            break;
        }
        if (r == 0) {
            break;
        }
        out->len += (size_t) r;
        total += (size_t) r;
        if (total > max) {
            s = seal_error_set(err, SEAL_LIMIT, "%s: larger than %zu bytes", path, max);
            break;
        }
    }
    if (out->data != NULL) {
        out->data[out->len] = '\0';
    }
    close(fd);
    return s;
}

seal_status seal__prod_write_file(const char *path, const void *data, size_t len, seal_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        return seal_error_set(err, SEAL_IO, "%s: %s", path, strerror(errno));
    }
    const uint8_t *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w < 0) {
            int e = errno;
            close(fd);
            return seal_error_set(err, SEAL_IO, "%s: %s", path, strerror(e));
        }
        p += w;
        left -= (size_t) w;
    }
    if (fsync(fd) != 0) {
        int e = errno;
        close(fd);
        return seal_error_set(err, SEAL_IO, "%s: fsync: %s", path, strerror(e));
    }
    close(fd);
    return SEAL_OK;
}

static bool contains(const uint8_t *h, size_t hn, const char *n, size_t nn)
{
    for (size_t i = 0; nn <= hn && i <= hn - nn; i++) {
        if (h[i] == (uint8_t) n[0] && memcmp(h + i, n, nn) == 0) {
            return true;
        }
    }
    return false;
}

static void copy_str(char *dst, size_t cap, const char *s)
{
    size_t n = s == NULL ? 0 : strlen(s);
    if (n >= cap) {
        n = cap - 1;
    }
    if (n > 0) {
        memcpy(dst, s, n);
    }
    dst[n] = '\0';
}

seal_status seal__prod_events(seal_ledger *l, const char *request, seal__prod_event *ev, size_t cap,
                              size_t *n, seal_error *err)
{
    *n = 0;
    uint64_t size = seal_ledger_size(l);
    seal_buf e;
    seal_buf_init(&e);
    seal_status s = SEAL_OK;
    size_t rl = strlen(request);
    for (uint64_t i = 0; i < size && s == SEAL_OK; i++) {
        seal_buf_reset(&e);
        if ((s = seal_ledger_entry(l, i, &e, err)) != SEAL_OK) {
            break;
        }
        /* cheap pre-filter before parsing: the id must appear verbatim */
        if (rl == 0 || !contains(e.data, e.len, request, rl)) {
            continue;
        }
        json_t *o = json_loadb((const char *) e.data, e.len, 0, NULL);
        const char *req = json_string_value(json_object_get(json_object_get(o, "ids"), "request"));
        if (req != NULL && strcmp(req, request) == 0) {
            if (*n >= cap) {
                json_decref(o);
                s = seal_error_set(err, SEAL_LIMIT, "request %s has more than %zu ledger events",
                                   request, cap);
                break;
            }
            seal__prod_event *x = &ev[(*n)++];
            memset(x, 0, sizeof(*x));
            x->index = i;
            copy_str(x->type, sizeof(x->type), json_string_value(json_object_get(o, "type")));
            copy_str(x->actor, sizeof(x->actor),
                     json_string_value(json_object_get(json_object_get(o, "ids"), "actor")));
            const char *pol =
                json_string_value(json_object_get(json_object_get(o, "commit"), "policy"));
            x->has_policy = pol != NULL && strlen(pol) == 64 &&
                            seal_hex_decode(x->policy, 32, pol, 64) == SEAL_OK;
        }
        json_decref(o);
    }
    seal_buf_cleanup(&e);
    return s;
}

/* The request id in a canonical event's ids, by a scan (canonical events
 * hold ids as plain [A-Za-z0-9._:-] strings, so no unescaping). */
static bool event_request(const uint8_t *e, size_t n, char *out, size_t cap)
{
    static const char ids_key[] = "\"ids\":{";
    static const char req_key[] = "\"request\":\"";
    size_t i = 0;
    while (i + sizeof(ids_key) - 1 <= n && memcmp(e + i, ids_key, sizeof(ids_key) - 1) != 0) {
        i++;
    }
    if (i + sizeof(ids_key) - 1 > n) {
        return false;
    }
    for (i += sizeof(ids_key) - 1; i + sizeof(req_key) - 1 <= n && e[i] != '}'; i++) {
        if (memcmp(e + i, req_key, sizeof(req_key) - 1) == 0) {
            size_t j = i + sizeof(req_key) - 1, k = 0;
            while (j < n && e[j] != '"' && k + 1 < cap) {
                out[k++] = (char) e[j++];
            }
            out[k] = '\0';
            return j < n && e[j] == '"' && k > 0;
        }
    }
    return false;
}

typedef struct idx_collect {
    uint64_t *v;
    size_t n, cap;
} idx_collect;

static seal_status collect(uint64_t index, void *ud)
{
    idx_collect *c = ud;
    if (c->n == c->cap) {
        return SEAL_LIMIT;
    }
    c->v[c->n++] = index;
    return SEAL_OK;
}

seal_status seal__prod_events_indexed(seal_ledger *l, const seal_acct_backend_ops *ops,
                                      seal_acct_backend *b, const char *request,
                                      seal__prod_event *ev, size_t cap, size_t *n, seal_error *err)
{
    *n = 0;
    uint64_t size = seal_ledger_size(l), from = 0;
    seal_buf e;
    seal_buf_init(&e);
    seal_status s = ops->begin(b, err);
    if (s == SEAL_OK && (s = ops->evidx_size(b, &from, err)) == SEAL_OK && from > size) {
        /* the index covers more than this ledger holds: not this ledger's */
        from = 0;
        s = ops->evidx_reset(b, err);
    }
    /* catch up with what was appended since the last production */
    char req[SEAL_ACCT_ID_SIZE];
    for (uint64_t i = from; s == SEAL_OK && i < size; i++) {
        seal_buf_reset(&e);
        if ((s = seal_ledger_entry(l, i, &e, err)) == SEAL_OK &&
            event_request(e.data, e.len, req, sizeof(req))) {
            s = ops->evidx_put(b, req, i, err);
        }
    }
    if (s == SEAL_OK && from < size) {
        s = ops->evidx_set_size(b, size, err);
    }
    if (s == SEAL_OK) {
        s = ops->commit(b, err);
    } else {
        ops->rollback(b);
    }
    uint64_t idx[SEAL__PROD_MAX_EVENTS];
    idx_collect c = {idx, 0, cap < SEAL__PROD_MAX_EVENTS ? cap : SEAL__PROD_MAX_EVENTS};
    if (s == SEAL_OK) {
        s = ops->evidx_each(b, request, collect, &c, err);
        if (s == SEAL_LIMIT) {
            s = seal_error_set(err, SEAL_LIMIT, "request %s has more than %zu ledger events",
                               request, c.cap);
        }
    }
    for (size_t k = 0; s == SEAL_OK && k < c.n; k++) {
        seal_buf_reset(&e);
        if ((s = seal_ledger_entry(l, idx[k], &e, err)) != SEAL_OK) {
            break;
        }
        json_t *o = json_loadb((const char *) e.data, e.len, 0, NULL);
        const char *rq = json_string_value(json_object_get(json_object_get(o, "ids"), "request"));
        if (rq != NULL && strcmp(rq, request) == 0) { /* the ledger, not the index, decides */
            seal__prod_event *x = &ev[(*n)++];
            memset(x, 0, sizeof(*x));
            x->index = idx[k];
            copy_str(x->type, sizeof(x->type), json_string_value(json_object_get(o, "type")));
            copy_str(x->actor, sizeof(x->actor),
                     json_string_value(json_object_get(json_object_get(o, "ids"), "actor")));
            const char *pol =
                json_string_value(json_object_get(json_object_get(o, "commit"), "policy"));
            x->has_policy = pol != NULL && strlen(pol) == 64 &&
                            seal_hex_decode(x->policy, 32, pol, 64) == SEAL_OK;
        }
        json_decref(o);
    }
    seal_buf_cleanup(&e);
    return s;
}

seal_status seal__prod_proof_json(seal_ledger *l, uint64_t index, uint64_t size, json_t *arr,
                                  seal_error *err)
{
    uint8_t proof[SEAL_PROOF_MAX][SEAL_HASH_SIZE];
    size_t plen = 0;
    seal_buf e;
    seal_buf_init(&e);
    seal_status s = seal_ledger_entry(l, index, &e, err);
    if (s == SEAL_OK) {
        s = seal_ledger_inclusion_proof(l, index, size, proof, &plen, err);
    }
    json_t *o = NULL, *p = NULL;
    if (s == SEAL_OK) {
        o = json_object();
        p = json_array();
        if (o == NULL || p == NULL ||
            json_object_set_new(o, "index", json_integer((json_int_t) index)) != 0 ||
            json_object_set_new(o, "entry", json_stringn((const char *) e.data, e.len)) != 0) {
            s = seal_error_set(err, SEAL_NOMEM, "out of memory");
        }
    }
    for (size_t i = 0; s == SEAL_OK && i < plen; i++) {
        char hex[2 * SEAL_HASH_SIZE + 1];
        seal_hex_encode(hex, proof[i], SEAL_HASH_SIZE);
        if (json_array_append_new(p, json_string(hex)) != 0) {
            s = seal_error_set(err, SEAL_NOMEM, "out of memory");
        }
    }
    if (s == SEAL_OK) {
        if (json_object_set_new(o, "proof", p) != 0 || json_array_append_new(arr, o) != 0) {
            p = NULL;
            o = NULL;
            s = seal_error_set(err, SEAL_NOMEM, "out of memory");
        }
        p = NULL;
        o = NULL;
    }
    json_decref(p);
    json_decref(o);
    seal_buf_cleanup(&e);
    return s;
}
