/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The accounting storage interface: a versioned table of functions that an
 * accounting backend implements (SQLite now, in accounting_sqlite.c, on
 * DATA/accounting.db). It holds the productions made (one per request, so a
 * second production is refused) and the accounting entries of each
 * (sealed/accounting.h). Rows hold ids, numbers and keyed commitments only,
 * never personal data or record content. Not thread-safe: one handle per
 * thread.
 */
#ifndef SEAL_STORE_ACCOUNTING_H
#define SEAL_STORE_ACCOUNTING_H

#include <stdint.h>

#include "sealed/accounting.h"
#include "sealed/status.h"

/* 2: agency_address, entry_purge, the index of requests' ledger events */
#define SEAL_ACCT_BACKEND_VERSION 2

typedef struct seal_acct_production {
    char request[SEAL_ACCT_ID_SIZE];
    char production[SEAL_ACCT_ID_SIZE];
    char principal[SEAL_ACCT_ID_SIZE]; /* who produced it */
    int64_t at;
    uint64_t ledger_index; /* the production event */
    uint8_t manifest[32];  /* SHA-256 of the signed manifest's text */
    int64_t subjects, records;
} seal_acct_production;

typedef struct seal_acct_backend seal_acct_backend;
typedef seal_status (*seal_acct_entry_cb)(const seal_accounting_entry *e, void *ud);
typedef seal_status (*seal_acct_index_cb)(uint64_t ledger_index, void *ud);

/* production_put refuses a request already produced with SEAL_EXISTS;
 * production_get answers SEAL_NOTFOUND when there is none. entry_each calls
 * cb for the subject's entries in (at, production) order. */
typedef struct seal_acct_backend_ops {
    int version;
    const char *name;
    seal_status (*open)(const char *dir, seal_acct_backend **out, seal_error *err);
    void (*close)(seal_acct_backend *b);
    seal_status (*begin)(seal_acct_backend *b, seal_error *err);
    seal_status (*commit)(seal_acct_backend *b, seal_error *err);
    void (*rollback)(seal_acct_backend *b);
    seal_status (*production_put)(seal_acct_backend *b, const seal_acct_production *p,
                                  seal_error *err);
    seal_status (*production_get)(seal_acct_backend *b, const char *request,
                                  seal_acct_production *p, seal_error *err);
    seal_status (*entry_put)(seal_acct_backend *b, const seal_accounting_entry *e, seal_error *err);
    seal_status (*entry_each)(seal_acct_backend *b, const uint8_t subject[32],
                              seal_acct_entry_cb cb, void *ud, seal_error *err);
    /* Deletes entries with keep_until <= now; *n: how many. */
    seal_status (*entry_purge)(seal_acct_backend *b, int64_t now, int64_t *n, seal_error *err);
    /* The index of each request's ledger events (so a production reads its
     * request's events without scanning the ledger): the ledger size it
     * covers, rows (request, ledger index), and a reset (when the ledger is
     * smaller than the size covered, it is not the ledger indexed). */
    seal_status (*evidx_size)(seal_acct_backend *b, uint64_t *size, seal_error *err);
    seal_status (*evidx_set_size)(seal_acct_backend *b, uint64_t size, seal_error *err);
    seal_status (*evidx_put)(seal_acct_backend *b, const char *request, uint64_t index,
                             seal_error *err);
    seal_status (*evidx_each)(seal_acct_backend *b, const char *request, seal_acct_index_cb cb,
                              void *ud, seal_error *err);
    seal_status (*evidx_reset)(seal_acct_backend *b, seal_error *err);
} seal_acct_backend_ops;

extern const seal_acct_backend_ops seal__sqlite_accounting;

#endif
