/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private helpers of the produce module (productions, their verifier and
 * subject access): small file I/O, the ledger events of a request, and
 * inclusion proofs as JSON.
 */
#ifndef SEAL_PRODUCE_INT_H
#define SEAL_PRODUCE_INT_H

#include <jansson.h>
#include <stdint.h>

#include "sealed/buf.h"
#include "sealed/ledger.h"
#include "sealed/produce.h"
#include "sealed/status.h"
#include "sealed/store.h"
#include "store/accounting.h"

#define SEAL__PROD_MAX_EVENTS 64

/* A ledger event of one request, as the bundle needs it. */
typedef struct seal__prod_event {
    uint64_t index;
    char type[65];
    char actor[129];
    uint8_t policy[32];
    bool has_policy;
} seal__prod_event;

/* Reads a whole file (at most max bytes) into out (appended). */
/* Whether a record is in a request's window [from, to] (unix midnights), by
 * the catalogue's rule for its kind; *day gets the record's own day. */
bool seal__prod_in_window(const seal_record *rec, int64_t from, int64_t to, int64_t *day);
seal_status seal__prod_read_file(const char *path, size_t max, seal_buf *out,
                                 seal_error *err) SEAL_MUST_USE;
/* Creates path (O_EXCL, mode 0600), writes data and fsyncs it. */
seal_status seal__prod_write_file(const char *path, const void *data, size_t len,
                                  seal_error *err) SEAL_MUST_USE;
/* The events whose ids.request is `request`, in ledger order. */
seal_status seal__prod_events(seal_ledger *l, const char *request, seal__prod_event *ev, size_t cap,
                              size_t *n, seal_error *err) SEAL_MUST_USE;
/* The same from the accounting store's index of requests' events, first
 * bringing the index up to the ledger's size (only the entries appended
 * since the last call are read). */
seal_status seal__prod_events_indexed(seal_ledger *l, const seal_acct_backend_ops *ops,
                                      seal_acct_backend *b, const char *request,
                                      seal__prod_event *ev, size_t cap, size_t *n,
                                      seal_error *err) SEAL_MUST_USE;
/* `produce verify`: each line of an untrusted disagreements.ndjson is one
 * JSON object of exactly the six keys of sealed/produce.h, naming one of
 * m's subject files and a line within its record count. SEAL_VERIFY with
 * the line number otherwise. data may be NULL when len is 0. */
seal_status seal__prod_check_disagreements(const seal_manifest *m, const uint8_t *data, size_t len,
                                           seal_error *err) SEAL_MUST_USE;
/* Appends {"index", "entry", "proof": [hex...]} for entry index at size to arr. */
seal_status seal__prod_proof_json(seal_ledger *l, uint64_t index, uint64_t size, json_t *arr,
                                  seal_error *err) SEAL_MUST_USE;

#endif
