/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Active covers for the matcher (DESIGN.md "The flow", step 5): every
 * approved cover in force on a day, with what its document says about the
 * address, the named subjects, the non-subjects never recorded (MC-4) and
 * the addresses never recorded, including the subject's known attorney
 * unless the attorney is also a subject (MC-7). The document is opened from
 * its sealed box only for the callback's duration and wiped afterwards.
 */
#include <string.h>

#include <jansson.h>

#include "core/crypto.h"
#include "registry/registry_int.h"
#include "sealed/address.h"
#include "sealed/alloc.h"

#define MAX_LIST 64

typedef struct cover_rows {
    seal_reg_cover *v;
    size_t n, cap;
} cover_rows;

static seal_status collect(const seal_reg_cover *c, void *ud)
{
    cover_rows *cr = ud;
    if (cr->n == cr->cap) {
        size_t cap = cr->cap == 0 ? 16 : 2 * cr->cap;
        void *p = seal_realloc(cr->v, cap * sizeof(*cr->v));
        if (p == NULL) {
            return SEAL_NOMEM;
        }
        cr->v = p;
        cr->cap = cap;
    }
    cr->v[cr->n++] = *c;
    return SEAL_OK;
}

static size_t strings(json_t *arr, const char *field, const char **out, size_t n, size_t cap)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        json_t *s = field != NULL ? json_object_get(v, field) : v;
        if (json_is_string(s) && n < cap) {
            out[n++] = json_string_value(s);
        }
    }
    return n;
}

/* Same delivery point by the Pub 28 match key. */
static bool same_address(const char *a, const char *b)
{
    seal_buf ka, kb;
    seal_buf_init(&ka);
    seal_buf_init(&kb);
    bool same = seal_address_key(a, strlen(a), &ka, NULL) == SEAL_OK &&
                seal_address_key(b, strlen(b), &kb, NULL) == SEAL_OK && ka.len == kb.len &&
                memcmp(ka.data, kb.data, ka.len) == 0;
    seal_buf_cleanup(&ka);
    seal_buf_cleanup(&kb);
    return same;
}

static seal_status one(seal_registry *reg, const seal_reg_cover *c, seal_active_cover_cb cb,
                       void *ud, seal_error *err)
{
    seal_reg_request row;
    seal_buf ct, pt;
    seal_buf_init(&ct);
    seal_buf_init(&pt);
    json_t *root = NULL;
    seal_status s = reg->ops->request_get(reg->be, c->latest, &row, &ct, err);
    if (s == SEAL_OK && (row.flags & SEAL_REQF_EMERGENCY) && !(row.flags & SEAL_REQF_CONFIRMED) &&
        reg->now > row.follow_up_by) {
        goto out; /* MC-9: unconfirmed past its deadline, even before a sweep */
    }
    if (s == SEAL_OK) {
        s = seal_box_unseal(reg->box, row.id, strlen(row.id), ct.data, ct.len, &pt, err);
    }
    if (s == SEAL_OK &&
        (root = json_loadb((const char *) pt.data, pt.len, JSON_REJECT_DUPLICATES, NULL)) == NULL) {
        s = seal_error_set(err, SEAL_CORRUPT, "cover %s: its document does not parse", c->id);
    }
    if (s == SEAL_OK) {
        json_t *cov = json_object_get(root, "cover");
        const char *names[MAX_LIST], *non[MAX_LIST], *excl[MAX_LIST + 1];
        size_t n_names = strings(json_object_get(root, "subjects"), "name", names, 0, MAX_LIST);
        size_t n_non = strings(json_object_get(cov, "non_subjects"), NULL, non, 0, MAX_LIST);
        size_t n_excl = strings(json_object_get(cov, "exclude"), NULL, excl, 0, MAX_LIST);
        const char *address = json_string_value(json_object_get(cov, "address"));
        const char *attorney = json_string_value(json_object_get(cov, "attorney"));
        /* MC-7: the attorney's mail is never recorded unless the attorney is
         * also a subject (here: the attorney's address is the subject's) */
        if (attorney != NULL && address != NULL && !same_address(attorney, address)) {
            excl[n_excl++] = attorney;
        }
        json_t *all = json_object_get(cov, "all_at_address");
        seal_active_cover ac = {
            .id = c->id,
            .request = c->latest,
            .agency = c->agency,
            .ground = c->ground,
            .start = c->start,
            .end = c->end,
            .address = address != NULL ? address : "",
            .dpc = json_string_value(json_object_get(cov, "dpc")),
            .all_at_address = json_is_true(all),
            .subject_names = names,
            .n_subject_names = n_names,
            .non_subjects = non,
            .n_non_subjects = n_non,
            .exclude = excl,
            .n_exclude = n_excl,
        };
        ac.cover = (seal_cover){
            .id = c->id,
            .subject = ac.address,
            .dpc = ac.dpc,
            .start_day = c->start / SEAL__DAY,
            .days = (int32_t) ((c->end - c->start) / SEAL__DAY + 1),
            .all_at_address = ac.all_at_address,
            .names = names,
            .n_names = n_names,
            .non_subjects = non,
            .n_non_subjects = n_non,
            .exclude = excl,
            .n_exclude = n_excl,
        };
        s = cb(&ac, ud);
    }
out:
    json_decref(root);
    if (pt.data != NULL) {
        seal__wipe(pt.data, pt.len);
    }
    seal_buf_cleanup(&pt);
    seal_buf_cleanup(&ct);
    return s;
}

seal_status seal_covers_active(seal_registry *reg, int64_t day, seal_active_cover_cb cb, void *ud,
                               seal_error *err)
{
    cover_rows cr = {0};
    seal_status s = reg->ops->cover_each(reg->be, collect, &cr, err);
    if (s == SEAL_NOMEM) {
        seal_error_set(err, s, "out of memory");
    }
    for (size_t i = 0; i < cr.n && s == SEAL_OK; i++) {
        const seal_reg_cover *c = &cr.v[i];
        /* covers are active only inside their period and while not ended
         * (expiry is by the clock even before a sweep has run: MC-5) */
        if (c->state == SEAL_RS_ACTIVE && c->start <= day && day <= c->end) {
            s = one(reg, c, cb, ud, err);
        }
    }
    seal_free(cr.v);
    return s;
}
