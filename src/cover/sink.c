/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Recording matched pieces: `cover_piece` records (exterior fields only,
 * MC-8; encrypted under the cover subject's key by the store) and one
 * ledger entry per recorded piece, `cover.piece_recorded`, holding the cover
 * and piece ids and a keyed commitment to the subject, never the address
 * (DESIGN.md "Ledger").
 *
 * Exactly once across crashes: a flush commits the store transaction, then
 * the ledger's staged entries, and only then may the source acknowledge.
 * A piece delivered again is found unchanged in the store (its natural key
 * is the piece id, within the subject); it then gets a ledger entry only if
 * the ledger lacks one, which covers a crash between the two commits. The
 * ledger admits one open handle at a time (flock), so workers of several
 * processes take it per flush, which also serialises their flushes.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sealed/alloc.h"
#include "sealed/buf.h"
#include "sealed/cover.h"
#include "sealed/ledger.h"
#include "sealed/schema.h"
#include "sealed/store.h"

/* the record's fields, in the order of pend.off */
enum { P_PIECE, P_COVER, P_SUBJECT, P_AT, P_FAC, P_CLASS, P_SN, P_SA, P_RN, P_RA, P_N };

static const char *const rec_fields[P_N] = {
    "piece_id", "cover_id",    "cover_subject",  "scanned_at",     "facility",
    "class",    "sender_name", "sender_address", "recipient_name", "recipient_address",
};

typedef struct pend {
    size_t off[P_N];
    size_t len[P_N];
    bool present[P_N];
} pend;

struct seal_cover_sink {
    seal_store *store;
    const seal_kind *kind;
    int field[P_N];
    char ledger_dir[4096];
    int64_t now;
    seal_buf arena;
    pend *p;
    size_t n, cap;
    seal_buf enc, entry;
};

seal_status seal_cover_sink_open(const char *data_dir, int64_t now, seal_cover_sink **out,
                                 seal_error *err)
{
    *out = NULL;
    seal_cover_sink *k = seal_calloc(1, sizeof(*k));
    if (k == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "cover: out of memory");
    }
    seal_buf_init(&k->arena);
    seal_buf_init(&k->enc);
    seal_buf_init(&k->entry);
    k->now = now;
    seal_status st = SEAL_OK;
    int w = snprintf(k->ledger_dir, sizeof(k->ledger_dir), "%s/ledger", data_dir);
    if (w < 0 || (size_t) w >= sizeof(k->ledger_dir)) {
        st = seal_error_set(err, SEAL_INVALID, "cover: data directory path too long");
        goto out;
    }
    if ((st = seal_store_open(data_dir, &k->store, err)) != SEAL_OK) {
        goto out;
    }
    k->kind = seal_catalogue_kind(seal_store_catalogue(k->store), "cover_piece");
    if (k->kind == NULL) {
        st = seal_error_set(err, SEAL_INVALID, "cover: the catalogue has no cover_piece kind");
        goto out;
    }
    for (size_t i = 0; i < P_N; i++) {
        k->field[i] = seal_kind_field(k->kind, rec_fields[i], strlen(rec_fields[i]));
        if (k->field[i] < 0) {
            st = seal_error_set(err, SEAL_INVALID, "cover: cover_piece has no field %s",
                                rec_fields[i]);
            goto out;
        }
    }
    *out = k;
    k = NULL;
out:
    seal_cover_sink_free(k);
    return st;
}

void seal_cover_sink_free(seal_cover_sink *k)
{
    if (k == NULL) {
        return;
    }
    seal_store_close(k->store);
    seal_buf_cleanup(&k->arena);
    seal_buf_cleanup(&k->enc);
    seal_buf_cleanup(&k->entry);
    seal_free(k->p);
    seal_free(k);
}

size_t seal_cover_sink_pending(const seal_cover_sink *k)
{
    return k->n;
}

seal_status seal_cover_sink_add(seal_cover_sink *k, const seal_cover *c, const seal_scan *s,
                                seal_error *err)
{
    const char *v[P_N];
    size_t n[P_N];
    static const int from_scan[P_N] = {
        SEAL_SCAN_PIECE_ID,
        -1,
        -1,
        SEAL_SCAN_SCANNED_AT,
        SEAL_SCAN_FACILITY,
        SEAL_SCAN_CLASS,
        SEAL_SCAN_SENDER_NAME,
        SEAL_SCAN_SENDER_ADDRESS,
        SEAL_SCAN_RECIPIENT_NAME,
        SEAL_SCAN_RECIPIENT_ADDRESS,
    };
    for (size_t i = 0; i < P_N; i++) {
        if (from_scan[i] >= 0) {
            v[i] = s->v[from_scan[i]];
            n[i] = s->n[from_scan[i]];
        }
    }
    v[P_COVER] = c->id;
    n[P_COVER] = strlen(c->id);
    v[P_SUBJECT] = c->subject;
    n[P_SUBJECT] = strlen(c->subject);
    /* validate now, so a bad field is one malformed line, not a failed batch */
    for (size_t i = 0; i < P_N; i++) {
        const seal_field *f = &k->kind->fields[k->field[i]];
        if (n[i] == 0) {
            if (f->required) {
                return seal_error_set(err, SEAL_INVALID, "%s: required field missing", f->name);
            }
            continue;
        }
        seal_status st = seal_field_validate(f, v[i], n[i], err);
        if (st != SEAL_OK) {
            seal_error_prefix(err, "%s", f->name);
            return st;
        }
    }
    if (k->n == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 64;
        pend *np = seal_realloc(k->p, cap * sizeof(*np));
        if (np == NULL) {
            return seal_error_set(err, SEAL_NOMEM, "cover: out of memory");
        }
        k->p = np;
        k->cap = cap;
    }
    pend *p = &k->p[k->n];
    for (size_t i = 0; i < P_N; i++) {
        p->off[i] = k->arena.len;
        p->len[i] = n[i];
        p->present[i] = n[i] > 0;
        if (seal_buf_append(&k->arena, v[i], n[i]) != SEAL_OK ||
            seal_buf_append_byte(&k->arena, 0) != SEAL_OK) {
            return seal_error_set(err, SEAL_NOMEM, "cover: out of memory");
        }
    }
    k->n++;
    return SEAL_OK;
}

static bool contains(const uint8_t *h, size_t hn, const void *needle, size_t nn)
{
    for (size_t i = 0; nn <= hn && i <= hn - nn; i++) {
        if (h[i] == *(const uint8_t *) needle && memcmp(h + i, needle, nn) == 0) {
            return true;
        }
    }
    return false;
}

static const char *pv(const seal_cover_sink *k, const pend *p, int i)
{
    return (const char *) k->arena.data + p->off[i];
}

/* Is there already an entry for this piece under this cover? Read only on
 * re-delivery of a stored piece, which follows a crash. */
static seal_status ledger_has(seal_cover_sink *k, seal_ledger *led, const pend *p, bool *has,
                              seal_error *err)
{
    seal_buf needle;
    seal_buf_init(&needle);
    *has = false;
    seal_status st = seal_buf_printf(&needle, "\"ids\":{\"cover\":\"%s\",\"piece\":\"%s\"}",
                                     pv(k, p, P_COVER), pv(k, p, P_PIECE));
    uint64_t size = seal_ledger_size(led);
    for (uint64_t i = size; st == SEAL_OK && i-- > 0 && !*has;) {
        seal_buf_reset(&k->entry);
        st = seal_ledger_entry(led, i, &k->entry, err);
        if (st == SEAL_OK && contains(k->entry.data, k->entry.len, needle.data, needle.len) &&
            contains(k->entry.data, k->entry.len, "cover.piece_recorded", 20)) {
            *has = true;
        }
    }
    seal_buf_cleanup(&needle);
    return st;
}

static seal_status open_ledger(seal_cover_sink *k, seal_ledger **led, seal_error *err)
{
    /* another worker's flush holds the lock: wait for it (up to 120 s) */
    for (int tries = 0;; tries++) {
        seal_status st = seal_ledger_open(k->ledger_dir, NULL, led, err);
        if (st != SEAL_EXISTS || tries >= 12000) {
            if (st != SEAL_OK) {
                seal_error_prefix(err, "ledger");
            }
            return st;
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

seal_status seal_cover_sink_flush(seal_cover_sink *k, uint64_t *recorded, seal_error *err)
{
    uint64_t added = 0;
    seal_ledger *led = NULL;
    bool in_tx = false;
    seal_status st = SEAL_OK;
    if (recorded != NULL) {
        *recorded = 0;
    }
    if (k->n == 0) {
        return SEAL_OK;
    }
    if ((st = open_ledger(k, &led, err)) != SEAL_OK) {
        goto out;
    }
    if ((st = seal_store_begin(k->store, err)) != SEAL_OK) {
        goto out;
    }
    in_tx = true;
    for (size_t i = 0; i < k->n && st == SEAL_OK; i++) {
        const pend *p = &k->p[i];
        seal_record rec;
        memset(&rec, 0, sizeof(rec));
        rec.kind = k->kind;
        for (int f = 0; f < P_N; f++) {
            if (p->present[f]) {
                rec.v[k->field[f]] = pv(k, p, f);
                rec.n[k->field[f]] = p->len[f];
            }
        }
        seal_put_outcome oc;
        if ((st = seal_store_put(k->store, &rec, &oc, err)) != SEAL_OK) {
            break;
        }
        bool need = oc == SEAL_PUT_INSERTED || oc == SEAL_PUT_UPDATED;
        if (oc == SEAL_PUT_UNCHANGED) {
            bool has;
            if ((st = ledger_has(k, led, p, &has, err)) != SEAL_OK) {
                break;
            }
            need = !has;
        }
        if (oc != SEAL_PUT_UNCHANGED) {
            added++;
        }
        if (!need) {
            continue;
        }
        seal_event_id ids[2] = {{"cover", pv(k, p, P_COVER)}, {"piece", pv(k, p, P_PIECE)}};
        seal_event_commit cm[1];
        cm[0].name = "subject";
        st = seal_store_commitment(k->store, SEAL_IDX_ADDRESS, pv(k, p, P_SUBJECT),
                                   p->len[P_SUBJECT], cm[0].value, err);
        seal_event ev = {"cover.piece_recorded", k->now, ids, 2, cm, 1};
        seal_buf_reset(&k->enc);
        if (st == SEAL_OK) {
            st = seal_event_encode(&ev, &k->enc, err);
        }
        if (st == SEAL_OK) {
            st = seal_ledger_stage(led, k->enc.data, k->enc.len, NULL, err);
        }
    }
    if (st != SEAL_OK) {
        goto out;
    }
    /* store first: a crash after this re-delivers pieces that are then found
     * unchanged and get their missing ledger entries */
    in_tx = false;
    if ((st = seal_store_commit(k->store, err)) != SEAL_OK) {
        goto out;
    }
    if ((st = seal_ledger_commit(led, err)) != SEAL_OK) {
        seal_error_prefix(err, "ledger");
        goto out;
    }
    k->n = 0;
    seal_buf_reset(&k->arena);
    if (recorded != NULL) {
        *recorded = added;
    }
out:
    if (in_tx) {
        seal_store_rollback(k->store);
    }
    seal_ledger_close(led);
    return st;
}
