/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Canonical, versioned event records: the entries of the system ledger.
 * Canonical JSON (keys sorted bytewise, no whitespace, only characters that
 * need no escaping), so equal events always hash to equal leaves and an
 * auditor can re-encode and compare. The closed character sets keep
 * personal data out: ids cannot hold spaces or '@', subjects appear only as
 * 32-byte keyed commitments that the caller computes.
 */
#include <string.h>

#include "sealed/alloc.h"
#include "sealed/ledger.h"
#include "sealed/time.h"

static bool name_ok(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    if (n == 0 || n > 32) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return false;
        }
    }
    return true;
}

static bool type_ok(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    if (n == 0 || n > 64 || s[0] < 'a' || s[0] > 'z') {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) {
            return false;
        }
    }
    return true;
}

static bool value_ok(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    if (n == 0 || n > 128) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == ':' || c == '-')) {
            return false;
        }
    }
    return true;
}

/* Sorted order of n names (insertion sort; n <= 16). Fails on duplicates. */
static bool sort_names(const char *const *names, size_t n, size_t *order)
{
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j > 0 && strcmp(names[order[j - 1]], names[i]) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    for (size_t i = 1; i < n; i++) {
        if (strcmp(names[order[i - 1]], names[order[i]]) == 0) {
            return false;
        }
    }
    return true;
}

seal_status seal_event_encode(const seal_event *ev, seal_buf *out, seal_error *err)
{
    if (!type_ok(ev->type)) {
        return seal_error_set(err, SEAL_INVALID, "event: type must match [a-z][a-z0-9_.]{0,63}");
    }
    if (ev->n_ids > SEAL_EVENT_MAX_FIELDS || ev->n_commits > SEAL_EVENT_MAX_FIELDS) {
        return seal_error_set(err, SEAL_LIMIT, "event: more than %d ids or commits",
                              SEAL_EVENT_MAX_FIELDS);
    }
    if (ev->time < -2208988800LL || ev->time > 253402300799LL) {
        return seal_error_set(err, SEAL_INVALID, "event: time outside years 1900..9999");
    }
    const char *in[SEAL_EVENT_MAX_FIELDS], *cn[SEAL_EVENT_MAX_FIELDS];
    size_t io[SEAL_EVENT_MAX_FIELDS], co[SEAL_EVENT_MAX_FIELDS];
    for (size_t i = 0; i < ev->n_ids; i++) {
        if (!name_ok(ev->ids[i].name)) {
            return seal_error_set(err, SEAL_INVALID,
                                  "event: id %zu: name must match [a-z0-9_]{1,32}", i);
        }
        if (!value_ok(ev->ids[i].value)) {
            return seal_error_set(err, SEAL_INVALID,
                                  "event: id '%s': value must match [A-Za-z0-9._:-]{1,128}",
                                  ev->ids[i].name);
        }
        in[i] = ev->ids[i].name;
    }
    for (size_t i = 0; i < ev->n_commits; i++) {
        if (!name_ok(ev->commits[i].name)) {
            return seal_error_set(err, SEAL_INVALID,
                                  "event: commit %zu: name must match [a-z0-9_]{1,32}", i);
        }
        cn[i] = ev->commits[i].name;
    }
    if (!sort_names(in, ev->n_ids, io) || !sort_names(cn, ev->n_commits, co)) {
        return seal_error_set(err, SEAL_INVALID, "event: duplicate id or commit name");
    }
    char ts[32];
    seal_time_format(ts, sizeof(ts), ev->time);
    /* Keys in bytewise order: commit, ids, time, type, v. */
    seal_status s = seal_buf_append_str(out, "{\"commit\":{");
    for (size_t i = 0; i < ev->n_commits && s == SEAL_OK; i++) {
        char hex[2 * SEAL_HASH_SIZE + 1];
        seal_hex_encode(hex, ev->commits[co[i]].value, SEAL_HASH_SIZE);
        s = seal_buf_printf(out, "%s\"%s\":\"%s\"", i > 0 ? "," : "", cn[co[i]], hex);
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_str(out, "},\"ids\":{");
    }
    for (size_t i = 0; i < ev->n_ids && s == SEAL_OK; i++) {
        s = seal_buf_printf(out, "%s\"%s\":\"%s\"", i > 0 ? "," : "", in[io[i]],
                            ev->ids[io[i]].value);
    }
    if (s == SEAL_OK) {
        s = seal_buf_printf(out, "},\"time\":\"%s\",\"type\":\"%s\",\"v\":%d}", ts, ev->type,
                            SEAL_EVENT_VERSION);
    }
    if (s != SEAL_OK) {
        return seal_error_set(err, s, "out of memory");
    }
    return SEAL_OK;
}

/* Reads a JSON string of allowed characters at p[*i..n) ("..."), no
 * escapes (canonical records never need them). */
static bool take_str(const char *p, size_t n, size_t *i, char *out, size_t cap)
{
    if (*i >= n || p[*i] != '"') {
        return false;
    }
    size_t j = *i + 1, k = 0;
    while (j < n && p[j] != '"') {
        if (p[j] == '\\' || (unsigned char) p[j] < 0x20 || k + 1 >= cap) {
            return false;
        }
        out[k++] = p[j++];
    }
    if (j >= n) {
        return false;
    }
    out[k] = '\0';
    *i = j + 1;
    return true;
}

static bool lit(const char *p, size_t n, size_t *i, const char *s)
{
    size_t l = strlen(s);
    if (*i + l > n || memcmp(p + *i, s, l) != 0) {
        return false;
    }
    *i += l;
    return true;
}

/* Parses an object of "name":"value" pairs into names/values. */
static bool take_map(const char *p, size_t n, size_t *i, char names[][33], char vals[][129],
                     size_t *count)
{
    *count = 0;
    if (!lit(p, n, i, "{")) {
        return false;
    }
    if (lit(p, n, i, "}")) {
        return true;
    }
    for (;;) {
        if (*count >= SEAL_EVENT_MAX_FIELDS || !take_str(p, n, i, names[*count], 33) ||
            !lit(p, n, i, ":") || !take_str(p, n, i, vals[*count], 129)) {
            return false;
        }
        (*count)++;
        if (lit(p, n, i, "}")) {
            return true;
        }
        if (!lit(p, n, i, ",")) {
            return false;
        }
    }
}

seal_status seal_event_check(const void *data, size_t len, seal_error *err)
{
    const char *p = data;
    size_t i = 0;
    char cnames[SEAL_EVENT_MAX_FIELDS][33], cvals[SEAL_EVENT_MAX_FIELDS][129];
    char inames[SEAL_EVENT_MAX_FIELDS][33], ivals[SEAL_EVENT_MAX_FIELDS][129];
    size_t nc = 0, ni = 0;
    char ts[32], type[65];
    if (!lit(p, len, &i, "{\"commit\":") || !take_map(p, len, &i, cnames, cvals, &nc) ||
        !lit(p, len, &i, ",\"ids\":") || !take_map(p, len, &i, inames, ivals, &ni) ||
        !lit(p, len, &i, ",\"time\":") || !take_str(p, len, &i, ts, sizeof(ts)) ||
        !lit(p, len, &i, ",\"type\":") || !take_str(p, len, &i, type, sizeof(type)) ||
        !lit(p, len, &i, ",\"v\":1}") || i != len) {
        return seal_error_set(err, SEAL_CORRUPT, "event: not a canonical version-1 record");
    }
    seal_event_id ids[SEAL_EVENT_MAX_FIELDS];
    seal_event_commit commits[SEAL_EVENT_MAX_FIELDS];
    for (size_t k = 0; k < ni; k++) {
        ids[k].name = inames[k];
        ids[k].value = ivals[k];
    }
    for (size_t k = 0; k < nc; k++) {
        commits[k].name = cnames[k];
        if (seal_hex_decode(commits[k].value, SEAL_HASH_SIZE, cvals[k], strlen(cvals[k])) !=
            SEAL_OK) {
            return seal_error_set(err, SEAL_CORRUPT, "event: commit '%s' is not 64 hex digits",
                                  cnames[k]);
        }
    }
    seal_event ev = {.type = type, .ids = ids, .n_ids = ni, .commits = commits, .n_commits = nc};
    if (seal_time_parse(ts, &ev.time) != SEAL_OK) {
        return seal_error_set(err, SEAL_CORRUPT, "event: bad time");
    }
    /* Canonical means re-encoding gives the same bytes. */
    seal_buf b;
    seal_buf_init(&b);
    seal_status s = seal_event_encode(&ev, &b, err);
    if (s == SEAL_OK && (b.len != len || memcmp(b.data, data, len) != 0)) {
        s = seal_error_set(err, SEAL_CORRUPT, "event: not in canonical form");
    } else if (s != SEAL_OK) {
        s = SEAL_CORRUPT;
    }
    seal_buf_cleanup(&b);
    return s;
}
