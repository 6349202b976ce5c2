/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The storage interface: a versioned table of functions that every backend
 * (SQLite now, PostgreSQL next) implements. It speaks only opaque bytes and
 * keyed hashes: encryption, standardisation and the catalogue live above it,
 * in src/store/store.c, so a backend never sees plaintext personal data.
 *
 * Two stores sit behind one backend: the record store (records and blind
 * index rows) and the key store (wrapped data keys, wrapped index root, the
 * master-key check). They are separate databases so that a backup of one is
 * useless without the other; a transaction covers both and commit makes the
 * key store durable first, so no record is ever durable without its key.
 * Not thread-safe: one backend handle per thread.
 */
#ifndef SEAL_STORE_BACKEND_H
#define SEAL_STORE_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "sealed/buf.h"
#include "sealed/status.h"

/* 2: records_due, subject_any (the retention sweep, src/retain) */
#define SEAL_BACKEND_VERSION 2
#define SEAL_HASH_BYTES 16 /* keyed hashes: subject ids, index hashes, natural keys */
#define SEAL_DAY_NONE INT64_MAX

typedef enum {
    SEAL_REC_ACTIVE = 0,
    SEAL_REC_TRUNCATED = 1, /* early-truncated field applied (web_visit ip) */
    SEAL_REC_SHREDDED = 2   /* the subject's data key is gone */
} seal_record_state;

typedef struct seal_record_row {
    int64_t id;
    int kind;
    uint8_t natkey[SEAL_HASH_BYTES];
    uint8_t subject[SEAL_HASH_BYTES];
    int64_t day;         /* the record's time, days since epoch */
    int64_t expires;     /* day it expires, or SEAL_DAY_NONE */
    int64_t truncate_at; /* day a field is due for truncation, or SEAL_DAY_NONE */
    int state;
    int version; /* standardiser version that derived subject and natkey */
    uint8_t digest[SEAL_HASH_BYTES];
    const uint8_t *body; /* ciphertext; borrowed (put) or owned by body_buf (get) */
    size_t body_len;
} seal_record_row;

typedef struct seal_index_row {
    uint8_t hash[SEAL_HASH_BYTES];
    int64_t record;
    uint8_t subject[SEAL_HASH_BYTES];
    int version;
} seal_index_row;

/* DIFFERENT: a record with this natural key exists with other content; the
 * backend changed nothing and row->id names it. */
typedef enum { SEAL_UPSERT_INSERTED, SEAL_UPSERT_UNCHANGED, SEAL_UPSERT_DIFFERENT } seal_upsert;

typedef seal_status (*seal_id_cb)(int64_t id, void *ud);
typedef seal_status (*seal_key_cb)(const uint8_t *subject, const uint8_t *wrapped, size_t len,
                                   void *ud);
/* A row whose body is borrowed until the callback returns. */
typedef seal_status (*seal_row_cb)(const seal_record_row *row, void *ud);
typedef void (*seal_stats_cb)(int kind, int state, int64_t count, void *ud);

/* What the retention sweep asks for, as of day `today` (days since epoch).
 * A record is due for deletion when its expiry day is <= today; for the
 * kinds listed in kind[] (retention set by a policy number, not by the
 * catalogue: cover_piece) instead when day + days[i] <= today, whatever
 * its stored expiry. It is due for truncation when truncate_at <= today.
 * kind[i] == 0 ends the list. */
#define SEAL_DUE_KINDS 2
typedef struct seal_due {
    int64_t today;
    int kind[SEAL_DUE_KINDS];
    int64_t days[SEAL_DUE_KINDS];
} seal_due;

/* The deletion rule of seal_due in C, for the rows records_due returns (a
 * backend's query must agree with it). */
static inline bool seal__due_delete(const seal_due *due, int kind, int64_t day, int64_t expires)
{
    for (int i = 0; i < SEAL_DUE_KINDS && due->kind[i] != 0; i++) {
        if (due->kind[i] == kind) {
            return day <= due->today - due->days[i];
        }
    }
    return expires != SEAL_DAY_NONE && expires <= due->today;
}

typedef struct seal_backend seal_backend;

typedef struct seal_backend_ops {
    int version;
    const char *name;
    /* dir: the data directory; create makes new, empty stores. */
    seal_status (*open)(const char *dir, bool create, seal_backend **out, seal_error *err);
    void (*close)(seal_backend *b);
    seal_status (*begin)(seal_backend *b, seal_error *err);
    seal_status (*commit)(seal_backend *b, seal_error *err);
    void (*rollback)(seal_backend *b);
    /* A read-only snapshot over both stores: one lock acquisition for a whole
     * lookup instead of one per statement. Not nested with begin. */
    seal_status (*read_begin)(seal_backend *b, seal_error *err);
    void (*read_end)(seal_backend *b);

    /* Key store. Named entries (check value, wrapped index root) and data keys. */
    seal_status (*keymeta_get)(seal_backend *b, const char *name, seal_buf *out, seal_error *err);
    seal_status (*keymeta_put)(seal_backend *b, const char *name, const uint8_t *v, size_t n,
                               seal_error *err);
    seal_status (*key_get)(seal_backend *b, const uint8_t *subject, seal_buf *wrapped,
                           seal_error *err);
    seal_status (*key_put)(seal_backend *b, const uint8_t *subject, const uint8_t *wrapped,
                           size_t n, seal_error *err);
    seal_status (*key_delete)(seal_backend *b, const uint8_t *subject, seal_error *err);
    seal_status (*key_each)(seal_backend *b, seal_key_cb cb, void *ud, seal_error *err);

    /* Record store. */
    seal_status (*meta_get)(seal_backend *b, const char *name, seal_buf *out, seal_error *err);
    seal_status (*meta_put)(seal_backend *b, const char *name, const uint8_t *v, size_t n,
                            seal_error *err);
    /* Inserts unless (subject, kind, natkey) exists. A record's id is
     * derived from its subject and natural key, so one subject's records are
     * one id range: no secondary index is needed for either. */
    seal_status (*record_upsert)(seal_backend *b, seal_record_row *row, seal_upsert *outcome,
                                 seal_error *err);
    seal_status (*record_get)(seal_backend *b, int64_t id, seal_record_row *row, seal_buf *body_buf,
                              seal_error *err);
    seal_status (*record_update)(seal_backend *b, const seal_record_row *row, seal_error *err);
    seal_status (*records_by_subject)(seal_backend *b, const uint8_t *subject, seal_id_cb cb,
                                      void *ud, seal_error *err);
    /* The subject's rows, bodies included, in one scan (lookups). */
    seal_status (*subject_rows)(seal_backend *b, const uint8_t *subject, seal_row_cb cb, void *ud,
                                seal_error *err);
    seal_status (*records_stale)(seal_backend *b, int version, seal_id_cb cb, void *ud,
                                 seal_error *err);
    seal_status (*index_put)(seal_backend *b, const seal_index_row *row, seal_error *err);
    seal_status (*record_delete)(seal_backend *b, int64_t id, seal_error *err);
    seal_status (*index_delete)(seal_backend *b, const uint8_t *hash, int64_t record,
                                seal_error *err);
    /* Deletes every index row made by a standardiser older than version. */
    seal_status (*index_delete_stale)(seal_backend *b, int version, seal_error *err);
    seal_status (*index_lookup)(seal_backend *b, const uint8_t *hash, seal_id_cb cb, void *ud,
                                seal_error *err);
    /* Marks the subject's records shredded (the store deletes their index
     * rows first, while it can still read them). */
    seal_status (*subject_shred)(seal_backend *b, const uint8_t *subject, int64_t *records,
                                 seal_error *err);
    seal_status (*stats)(seal_backend *b, int64_t today, seal_stats_cb cb, void *ud,
                         seal_error *err);

    /* Retention (version 2). The rows due (for deletion or truncation) with
     * id > after, in id order, at most limit of them, bodies included. The
     * scan is by the table's own key from the cursor, so a sweep resumes
     * where it stopped without an index on expiry (which would cost every
     * ingest). cb must not write to the store: collect, then act. */
    seal_status (*records_due)(seal_backend *b, const seal_due *due, int64_t after, size_t limit,
                               seal_row_cb cb, void *ud, seal_error *err);
    /* *any: whether the subject still has a record. With due (not NULL):
     * only records not due for deletion, or with id > after, count (what
     * would survive a sweep that has reached `after`). */
    seal_status (*subject_any)(seal_backend *b, const uint8_t *subject, const seal_due *due,
                               int64_t after, bool *any, seal_error *err);
} seal_backend_ops;

extern const seal_backend_ops seal__sqlite_backend;

#endif
