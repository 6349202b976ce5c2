/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The legal-process storage interface: a versioned table of functions that
 * every registry backend implements (SQLite now, in registry_sqlite.c, with
 * its own database DATA/registry.db; PostgreSQL next). It holds the
 * registries (agencies, issuers, principals, protected addresses), the
 * requests with their decisions and approvals, and the covers. It speaks rows
 * of ids, numbers and opaque bytes only: request documents arrive already
 * encrypted (sealed/box.h) and protected addresses as keyed hashes, so a
 * backend never sees personal data. The lifecycle rules live above it, in
 * src/registry. Not thread-safe: one backend handle per thread.
 */
#ifndef SEAL_STORE_REGISTRY_H
#define SEAL_STORE_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "sealed/buf.h"
#include "sealed/status.h"

/* 2: agencies carry inspection_service (MC-2); 3: secret_put/secret_get;
 * 4: basis_put/basis_get, supersede_put/supersede_get (PA-2, MC-13) */
#define SEAL_REG_BACKEND_VERSION 4
/* Ids are system ids as the ledger writes them: [A-Za-z0-9._:-]{1,128}. */
#define SEAL_REG_ID_SIZE 129
#define SEAL_REG_NAME_SIZE 257
#define SEAL_REG_VKEY_SIZE 512
#define SEAL_REG_HASH 32

typedef struct seal_reg_agency {
    char id[SEAL_REG_ID_SIZE];
    char name[SEAL_REG_NAME_SIZE]; /* an institution's name, not a person's */
    int kind;                      /* seal_agency_kind */
    bool national_security;
    bool inspection_service; /* the postal inspection service (MC-2 under cfr-233) */
    int64_t created;
} seal_reg_agency;

typedef struct seal_reg_issuer {
    char id[SEAL_REG_ID_SIZE];
    char vkey[SEAL_REG_VKEY_SIZE]; /* C2SP signed-note verifier key */
    int64_t created;
} seal_reg_issuer;

typedef struct seal_reg_principal {
    char id[SEAL_REG_ID_SIZE];
    char agency[SEAL_REG_ID_SIZE];
    uint32_t roles;      /* bitmask of seal_role */
    int64_t valid_from;  /* unix midnight UTC of the first valid day */
    int64_t valid_until; /* of the last valid day, or INT64_MAX */
    int64_t created;
} seal_reg_principal;

typedef struct seal_reg_protect {
    uint8_t hash[SEAL_REG_HASH]; /* keyed hash of the address match key */
    char order[SEAL_REG_ID_SIZE];
    int64_t created;
} seal_reg_protect;

typedef struct seal_reg_request {
    char id[SEAL_REG_ID_SIZE];
    char agency[SEAL_REG_ID_SIZE];
    char submitter[SEAL_REG_ID_SIZE];
    char policy[SEAL_REG_NAME_SIZE]; /* the spec it was checked under: a name or a file */
    uint8_t policy_sha[SEAL_REG_HASH];
    char cover[SEAL_REG_ID_SIZE]; /* cover id for mail covers, else "" */
    char link[SEAL_REG_ID_SIZE];  /* the emergency request this one confirms, else "" */
    int basis;
    int state; /* seal_request_state */
    int verdict;
    uint32_t flags; /* SEAL_REQF_* */
    int64_t submitted, decided;
    int64_t start, end; /* active period, unix midnight of first and last day; 0 none */
    int64_t expires_at; /* legal process expiry */
    int64_t follow_up_by;
    int64_t notice_until;
    int64_t days, renewals;
    int64_t need, need_extra; /* approvals still required in all */
    int role, extra_role;     /* seal_role */
} seal_reg_request;

#define SEAL_REQF_EMERGENCY 1u
#define SEAL_REQF_CONFIRMED 2u   /* emergency confirmed by proper process */
#define SEAL_REQF_NOTICE_SENT 4u /* PA-8 notice due has been recorded */
#define SEAL_REQF_QUARANTINED 8u /* MC-9 violation: what it recorded is quarantined */
#define SEAL_REQF_HQ 16u         /* beyond the cumulative cap: hq_approver needed */
#define SEAL_REQF_PRODUCED 32u   /* PA-7: a production of this emergency was begun */
#define SEAL_REQF_DENIED_FU 64u  /* PA-7 / MC-9: its follow-up was denied (the violation's why) */

typedef struct seal_reg_cover {
    char id[SEAL_REG_ID_SIZE];
    char origin[SEAL_REG_ID_SIZE]; /* first request */
    char latest[SEAL_REG_ID_SIZE]; /* latest approved request (its document rules) */
    char agency[SEAL_REG_ID_SIZE];
    int ground;
    int state; /* seal_request_state: active, expired, closed, violation */
    int64_t start, end, cum_days;
    int64_t indicted; /* unix midnight of the indictment, 0 none */
    uint32_t flags;
} seal_reg_cover;

typedef struct seal_reg_approval {
    char request[SEAL_REG_ID_SIZE];
    char principal[SEAL_REG_ID_SIZE];
    int approve; /* 1 approve, 0 deny */
    int role;    /* the role it counts for */
    int64_t at;
} seal_reg_approval;

typedef seal_status (*seal_reg_agency_cb)(const seal_reg_agency *row, void *ud);
typedef seal_status (*seal_reg_issuer_cb)(const seal_reg_issuer *row, void *ud);
typedef seal_status (*seal_reg_principal_cb)(const seal_reg_principal *row, void *ud);
typedef seal_status (*seal_reg_protect_cb)(const seal_reg_protect *row, void *ud);
typedef seal_status (*seal_reg_request_cb)(const seal_reg_request *row, void *ud);
typedef seal_status (*seal_reg_cover_cb)(const seal_reg_cover *row, void *ud);
typedef seal_status (*seal_reg_approval_cb)(const seal_reg_approval *row, void *ud);

typedef struct seal_reg_backend seal_reg_backend;

/* Every put refuses an existing key with SEAL_EXISTS; every get answers
 * SEAL_NOTFOUND for a missing one. Each callback iteration is in key order;
 * a callback's non-OK status stops it and is returned. */
typedef struct seal_reg_backend_ops {
    int version;
    const char *name;
    /* dir: the data directory; the registry is created on first open. */
    seal_status (*open)(const char *dir, seal_reg_backend **out, seal_error *err);
    void (*close)(seal_reg_backend *b);
    seal_status (*begin)(seal_reg_backend *b, seal_error *err);
    seal_status (*commit)(seal_reg_backend *b, seal_error *err);
    void (*rollback)(seal_reg_backend *b);

    seal_status (*agency_put)(seal_reg_backend *b, const seal_reg_agency *row, seal_error *err);
    seal_status (*agency_get)(seal_reg_backend *b, const char *id, seal_reg_agency *row,
                              seal_error *err);
    seal_status (*agency_each)(seal_reg_backend *b, seal_reg_agency_cb cb, void *ud,
                               seal_error *err);
    seal_status (*issuer_put)(seal_reg_backend *b, const seal_reg_issuer *row, seal_error *err);
    seal_status (*issuer_each)(seal_reg_backend *b, seal_reg_issuer_cb cb, void *ud,
                               seal_error *err);
    seal_status (*principal_put)(seal_reg_backend *b, const seal_reg_principal *row,
                                 seal_error *err);
    seal_status (*principal_get)(seal_reg_backend *b, const char *id, seal_reg_principal *row,
                                 seal_error *err);
    seal_status (*principal_each)(seal_reg_backend *b, seal_reg_principal_cb cb, void *ud,
                                  seal_error *err);
    seal_status (*protect_put)(seal_reg_backend *b, const seal_reg_protect *row, seal_error *err);
    seal_status (*protect_each)(seal_reg_backend *b, seal_reg_protect_cb cb, void *ud,
                                seal_error *err);

    /* Next value of a named counter (request and cover numbers), from 1. */
    seal_status (*counter_next)(seal_reg_backend *b, const char *name, int64_t *out,
                                seal_error *err);
    /* The document is ciphertext; it is written once and never changed. */
    seal_status (*request_put)(seal_reg_backend *b, const seal_reg_request *row, const uint8_t *doc,
                               size_t doc_len, seal_error *err);
    seal_status (*request_update)(seal_reg_backend *b, const seal_reg_request *row,
                                  seal_error *err);
    /* doc (may be NULL) receives the stored ciphertext. */
    seal_status (*request_get)(seal_reg_backend *b, const char *id, seal_reg_request *row,
                               seal_buf *doc, seal_error *err);
    seal_status (*request_each)(seal_reg_backend *b, seal_reg_request_cb cb, void *ud,
                                seal_error *err);
    seal_status (*approval_put)(seal_reg_backend *b, const seal_reg_approval *row, seal_error *err);
    seal_status (*approval_each)(seal_reg_backend *b, const char *request, seal_reg_approval_cb cb,
                                 void *ud, seal_error *err);
    seal_status (*cover_put)(seal_reg_backend *b, const seal_reg_cover *row, seal_error *err);
    seal_status (*cover_update)(seal_reg_backend *b, const seal_reg_cover *row, seal_error *err);
    seal_status (*cover_get)(seal_reg_backend *b, const char *id, seal_reg_cover *row,
                             seal_error *err);
    seal_status (*cover_each)(seal_reg_backend *b, seal_reg_cover_cb cb, void *ud, seal_error *err);
    /* Small sealed blobs (sealed/box.h ciphertext, never plaintext) under
     * (kind, key): reviewers' notes ("note", "REQUEST/PRINCIPAL") and a
     * subject principal's identifiers ("subject", PRINCIPAL). put replaces;
     * get appends the blob to out, SEAL_NOTFOUND when there is none. */
    seal_status (*secret_put)(seal_reg_backend *b, const char *kind, const char *key,
                              const uint8_t *blob, size_t len, seal_error *err);
    seal_status (*secret_get)(seal_reg_backend *b, const char *kind, const char *key, seal_buf *out,
                              seal_error *err);
    /* PA-2 / MC-13: a legal basis serves one request. hash is a keyed hash
     * (sealed/box.h seal_box_hash) of a basis or of an order's text, never
     * the reference itself; request the request it serves now. put
     * replaces (a superseding request takes the basis over); get copies
     * the request id into request, SEAL_NOTFOUND when the hash is new. */
    seal_status (*basis_put)(seal_reg_backend *b, const uint8_t hash[SEAL_REG_HASH],
                             const char *request, int64_t at, seal_error *err);
    seal_status (*basis_get)(seal_reg_backend *b, const uint8_t hash[SEAL_REG_HASH],
                             char request[SEAL_REG_ID_SIZE], seal_error *err);
    /* A request that supersedes a denied or refused one (--supersedes):
     * each request supersedes at most one and is superseded at most once
     * (SEAL_EXISTS). get answers by either side: by_old false looks up what
     * `id` supersedes, true what superseded `id`; SEAL_NOTFOUND for none. */
    seal_status (*supersede_put)(seal_reg_backend *b, const char *request, const char *supersedes,
                                 seal_error *err);
    seal_status (*supersede_get)(seal_reg_backend *b, const char *id, bool by_old,
                                 char out[SEAL_REG_ID_SIZE], seal_error *err);
    /* Group commit: batch_begin opens one transaction; until batch_commit
     * (or batch_rollback) begin/commit/rollback above are a savepoint in
     * it, so a refused operation undoes only itself and nothing of the
     * batch is durable before batch_commit returns. */
    seal_status (*batch_begin)(seal_reg_backend *b, seal_error *err);
    seal_status (*batch_commit)(seal_reg_backend *b, seal_error *err);
    void (*batch_rollback)(seal_reg_backend *b);
} seal_reg_backend_ops;

extern const seal_reg_backend_ops seal__sqlite_registry;

#endif
