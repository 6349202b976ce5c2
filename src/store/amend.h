/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The amendment storage interface (PA-13; 5 U.S.C. 552a(d)(2)-(4)): a
 * versioned table of functions an amendment backend implements (SQLite now,
 * in amend_sqlite.c, on DATA/amend.db). One row per request to amend a
 * record: ids, states, dates, the subject's keyed commitment, and the
 * person's texts (the requested correction, the refusal's reason, the
 * statement of disagreement) only as sealed/box.h ciphertext. Not
 * thread-safe: one handle per thread.
 */
#ifndef SEAL_STORE_AMEND_H
#define SEAL_STORE_AMEND_H

#include <stddef.h>
#include <stdint.h>

#include "sealed/amend.h"
#include "sealed/status.h"

#define SEAL_AMEND_BACKEND_VERSION 1
/* a sealed text: the plaintext limit plus sealed/box.h's overhead */
#define SEAL_AMEND_BLOB_MAX (SEAL_AMEND_TEXT_MAX + 64)

typedef struct seal_amend_blob {
    uint8_t data[SEAL_AMEND_BLOB_MAX];
    size_t len; /* 0: none */
} seal_amend_blob;

typedef struct seal_amend_row {
    char id[SEAL_AMEND_ID_SIZE];
    int64_t seq;
    uint8_t subject[32]; /* seal_store_commitment of the identifier filed under */
    int64_t record;      /* the record's id (seal_store_get) */
    char kind[33], field[33];
    int state; /* seal_amend_state */
    char filed_by[SEAL_AMEND_ID_SIZE], decided_by[SEAL_AMEND_ID_SIZE],
        reviewed_by[SEAL_AMEND_ID_SIZE], disagreed_by[SEAL_AMEND_ID_SIZE];
    int64_t filed, acked, decided, reviewed, disagreed; /* unix s; 0: not yet */
    int64_t ack_due, review_due; /* unix midnight of the last day allowed; 0: none */
    int overdue_logged;          /* bit 0: acknowledgement, bit 1: review */
    seal_amend_blob requested, reason, statement;
} seal_amend_row;

typedef struct seal_amend_backend seal_amend_backend;
typedef seal_status (*seal_amend_row_cb)(const seal_amend_row *row, void *ud);

typedef struct seal_amend_backend_ops {
    int version;
    const char *name;
    seal_status (*open)(const char *dir, seal_amend_backend **out, seal_error *err);
    void (*close)(seal_amend_backend *b);
    seal_status (*begin)(seal_amend_backend *b, seal_error *err);
    seal_status (*commit)(seal_amend_backend *b, seal_error *err);
    void (*rollback)(seal_amend_backend *b);
    /* the next sequence number (1, 2, ...) inside a transaction */
    seal_status (*next_seq)(seal_amend_backend *b, int64_t *seq, seal_error *err);
    /* insert, or replace the row with the same id */
    seal_status (*put)(seal_amend_backend *b, const seal_amend_row *row, seal_error *err);
    /* SEAL_NOTFOUND when there is none */
    seal_status (*get)(seal_amend_backend *b, const char *id, seal_amend_row *row, seal_error *err);
    /* every row in sequence order */
    seal_status (*each)(seal_amend_backend *b, seal_amend_row_cb cb, void *ud, seal_error *err);
} seal_amend_backend_ops;

extern const seal_amend_backend_ops seal__sqlite_amend;

#endif
