/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Active covers read from a file of JSON lines (include/sealed/cover.h),
 * until the cover lifecycle hands approved covers to the matcher directly.
 * Closed like the request document (DESIGN.md): unknown keys, duplicate keys
 * and wrong types are refused, and messages name the line and field, never
 * a value (addresses and names are personal data).
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "sealed/alloc.h"
#include "sealed/buf.h"
#include "sealed/cover.h"
#include "sealed/time.h"

struct seal_cover_list {
    seal_cover *c;
    size_t n, cap;
    json_t **docs; /* the parsed lines own every string the covers borrow */
};

void seal_cover_list_free(seal_cover_list *l)
{
    if (l == NULL) {
        return;
    }
    for (size_t i = 0; i < l->n; i++) {
        seal_free((void *) l->c[i].names);
        seal_free((void *) l->c[i].non_subjects);
        seal_free((void *) l->c[i].exclude);
        json_decref(l->docs[i]);
    }
    seal_free(l->c);
    seal_free(l->docs);
    seal_free(l);
}

const seal_cover *seal_cover_list_covers(const seal_cover_list *l, size_t *n)
{
    *n = l->n;
    return l->c;
}

static seal_status strv(json_t *o, const char *key, const char *const **out, size_t *n,
                        size_t lineno, seal_error *err)
{
    json_t *a = json_object_get(o, key);
    *out = NULL;
    *n = 0;
    if (a == NULL || json_is_null(a)) {
        return SEAL_OK;
    }
    if (!json_is_array(a)) {
        return seal_error_set(err, SEAL_INVALID, "covers: line %zu: %s: not an array", lineno, key);
    }
    size_t k = json_array_size(a);
    if (k == 0) {
        return SEAL_OK;
    }
    const char **v = seal_calloc(k, sizeof(char *));
    if (v == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "covers: out of memory");
    }
    for (size_t i = 0; i < k; i++) {
        json_t *e = json_array_get(a, i);
        if (!json_is_string(e) || json_string_length(e) == 0) {
            seal_free(v);
            return seal_error_set(err, SEAL_INVALID, "covers: line %zu: %s[%zu]: not a string",
                                  lineno, key, i);
        }
        v[i] = json_string_value(e);
    }
    *out = v;
    *n = k;
    return SEAL_OK;
}

static seal_status one(seal_cover_list *l, const char *line, size_t len, size_t lineno,
                       seal_error *err)
{
    static const char *const keys[] = {"cover_id", "subject",      "dpc",
                                       "start",    "days",         "exclude",
                                       "names",    "non_subjects", "all_at_address"};
    json_error_t je;
    json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    seal_cover c;
    memset(&c, 0, sizeof(c));
    seal_status st = SEAL_OK;
    if (o == NULL || !json_is_object(o)) {
        st = seal_error_set(err, SEAL_INVALID, "covers: line %zu: not one JSON object", lineno);
        goto out;
    }
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v)
    {
        bool known = false;
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
            known = known || strcmp(k, keys[i]) == 0;
        }
        if (!known) {
            st = seal_error_set(err, SEAL_INVALID, "covers: line %zu: unknown key", lineno);
            goto out;
        }
    }
    json_t *id = json_object_get(o, "cover_id");
    json_t *subj = json_object_get(o, "subject");
    json_t *dpc = json_object_get(o, "dpc");
    json_t *start = json_object_get(o, "start");
    json_t *days = json_object_get(o, "days");
    json_t *all = json_object_get(o, "all_at_address");
    int64_t t;
    if (!json_is_string(id)) {
        st = seal_error_set(err, SEAL_INVALID, "covers: line %zu: cover_id: missing", lineno);
    } else if (!json_is_string(subj)) {
        st = seal_error_set(err, SEAL_INVALID, "covers: line %zu: subject: missing", lineno);
    } else if (dpc != NULL && !json_is_null(dpc) && !json_is_string(dpc)) {
        st = seal_error_set(err, SEAL_INVALID, "covers: line %zu: dpc: not a string", lineno);
    } else if (!json_is_string(start) || seal_date_parse(json_string_value(start), &t) != SEAL_OK) {
        st = seal_error_set(err, SEAL_INVALID, "covers: line %zu: start: not YYYY-MM-DD", lineno);
    } else if (!json_is_integer(days) || json_integer_value(days) < 1 ||
               json_integer_value(days) > 3660) {
        st = seal_error_set(err, SEAL_INVALID, "covers: line %zu: days: not 1..3660", lineno);
    } else if (all != NULL && !json_is_boolean(all)) {
        st = seal_error_set(err, SEAL_INVALID, "covers: line %zu: all_at_address: not a boolean",
                            lineno);
    }
    if (st != SEAL_OK) {
        goto out;
    }
    c.id = json_string_value(id);
    c.subject = json_string_value(subj);
    c.dpc = json_is_string(dpc) ? json_string_value(dpc) : NULL;
    c.start_day = seal_time_day(t);
    c.days = (int32_t) json_integer_value(days);
    c.all_at_address = all != NULL && json_is_true(all);
    if ((st = strv(o, "exclude", &c.exclude, &c.n_exclude, lineno, err)) != SEAL_OK ||
        (st = strv(o, "names", &c.names, &c.n_names, lineno, err)) != SEAL_OK ||
        (st = strv(o, "non_subjects", &c.non_subjects, &c.n_non_subjects, lineno, err)) !=
            SEAL_OK) {
        goto out;
    }
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->c[i].id, c.id) == 0) {
            st = seal_error_set(err, SEAL_INVALID, "covers: line %zu: cover_id: duplicate (MC-13)",
                                lineno);
            goto out;
        }
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        seal_cover *nc = seal_realloc(l->c, cap * sizeof(*nc));
        if (nc == NULL) {
            st = seal_error_set(err, SEAL_NOMEM, "covers: out of memory");
            goto out;
        }
        l->c = nc;
        json_t **nd = seal_realloc(l->docs, cap * sizeof(*nd));
        if (nd == NULL) {
            st = seal_error_set(err, SEAL_NOMEM, "covers: out of memory");
            goto out;
        }
        l->docs = nd;
        l->cap = cap;
    }
    l->c[l->n] = c;
    l->docs[l->n] = o;
    l->n++;
    return SEAL_OK;
out:
    seal_free((void *) c.names);
    seal_free((void *) c.non_subjects);
    seal_free((void *) c.exclude);
    json_decref(o);
    return st;
}

seal_status seal_cover_list_parse(const char *text, size_t len, seal_cover_list **out,
                                  seal_error *err)
{
    *out = NULL;
    seal_cover_list *l = seal_calloc(1, sizeof(*l));
    if (l == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "covers: out of memory");
    }
    seal_status st = SEAL_OK;
    size_t pos = 0;
    size_t lineno = 0;
    while (pos < len && st == SEAL_OK) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl != NULL ? (size_t) (nl - text) : len;
        lineno++;
        size_t b = pos;
        while (b < end && (text[b] == ' ' || text[b] == '\t' || text[b] == '\r')) {
            b++;
        }
        if (b < end && text[b] != '#') {
            st = one(l, text + pos, end - pos, lineno, err);
        }
        pos = end + 1;
    }
    if (st != SEAL_OK) {
        seal_cover_list_free(l);
        return st;
    }
    *out = l;
    return SEAL_OK;
}

seal_status seal_cover_list_load(const char *path, seal_cover_list **out, seal_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return seal_error_set(err, SEAL_IO, "covers: cannot open: %s", strerror(errno));
    }
    seal_buf b;
    seal_buf_init(&b);
    seal_status st = SEAL_OK;
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0 && st == SEAL_OK) {
        st = seal_buf_append(&b, chunk, got);
    }
    if (st == SEAL_OK && ferror(f)) {
        st = seal_error_set(err, SEAL_IO, "covers: read error");
    } else if (st != SEAL_OK) {
        st = seal_error_set(err, st, "covers: out of memory");
    }
    fclose(f);
    if (st == SEAL_OK) {
        st = seal_cover_list_parse((const char *) (b.data != NULL ? b.data : (const uint8_t *) ""),
                                   b.len, out, err);
    }
    seal_buf_cleanup(&b);
    return st;
}
