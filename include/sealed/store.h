/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The record store: customer records kept per subject under envelope
 * encryption, looked up only by exact identifiers.
 *
 * - Each record belongs to one subject (an account, else an address; the
 *   catalogue's owner rules). Each subject has its own random data key, kept
 *   in the key store wrapped by the master key (a 0600 key file).
 * - Every field value is XChaCha20-Poly1305 ciphertext whose associated data
 *   binds it to its subject, kind and field.
 * - Identifiers (account ids, emails, phones, tracking numbers, addresses)
 *   are indexed only as keyed hashes of their standardised form, so the store
 *   can answer "exactly this identifier" and nothing else.
 * - Shredding a subject deletes its data key and index rows: its records
 *   remain only as ciphertext nobody can read.
 *
 * A seal_store is not thread-safe; open one per thread.
 */
#ifndef SEALED_STORE_H
#define SEALED_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "sealed/buf.h"
#include "sealed/schema.h"
#include "sealed/status.h"

typedef struct seal_store seal_store;

/* A record as field values. v[i] == NULL means the field is absent. Values
 * are borrowed; n[i] is the byte length. */
typedef struct seal_record {
    const seal_kind *kind;
    const char *v[SEAL_MAX_FIELDS];
    size_t n[SEAL_MAX_FIELDS];
} seal_record;

typedef enum {
    SEAL_PUT_INSERTED,
    SEAL_PUT_UNCHANGED, /* the same record was already stored (idempotent re-ingest) */
    SEAL_PUT_UPDATED,   /* same natural key, new content: replaced */
    SEAL_PUT_DROPPED    /* not stored by rule (e.g. an anonymous web visit) */
} seal_put_outcome;

/* Retention states reported by seal_store_stats. */
typedef enum {
    SEAL_RET_ACTIVE = 0,
    SEAL_RET_TRUNCATE_DUE,
    SEAL_RET_TRUNCATED,
    SEAL_RET_EXPIRED,
    SEAL_RET_SHREDDED,
    SEAL_RET_COUNT
} seal_retention_state;

const char *seal_retention_state_name(seal_retention_state s);

/* Creates a data directory (mode 0700): a fresh master key file (0600),
 * sealed.conf, the record store and the key store. Refuses a directory that
 * already holds a store. */
seal_status seal_store_create(const char *dir, seal_error *err) SEAL_MUST_USE;
/* The same, choosing the clock of the directory's ledger, whose first entry
 * ("ledger.created" at now) records it for good: with test_clock, callers may
 * be given times other than the clock's (tests, demos; never in service) and
 * the ledger refuses an event earlier than the last one; without it the
 * ledger stamps events with max(time, last event's time). seal_store_create
 * is seal_store_create_clock(dir, false, time(NULL), err). */
seal_status seal_store_create_clock(const char *dir, bool test_clock, int64_t now,
                                    seal_error *err) SEAL_MUST_USE;
/* Whether dir's ledger was made with a test clock (read without opening
 * it). SEAL_NOTFOUND when dir holds no ledger. */
seal_status seal_store_test_clock(const char *dir, bool *test_clock, seal_error *err) SEAL_MUST_USE;

/* Opens a data directory. Refuses a master key file that group or others can
 * access, a wrong master key, and files that are not a sealed store. */
seal_status seal_store_open(const char *dir, seal_store **out, seal_error *err) SEAL_MUST_USE;
void seal_store_close(seal_store *st);

/* The time of the events this handle logs (a shredding); 0, the default,
 * is the clock. For test-clock directories (seal_store_create_clock). */
void seal_store_set_now(seal_store *st, int64_t now);

/* Borrowed; lives as long as the store. */
const seal_catalogue *seal_store_catalogue(const seal_store *st);

/* Transactions: everything between begin and commit is one all-or-nothing
 * batch, durable (fsync) once commit returns SEAL_OK. */
seal_status seal_store_begin(seal_store *st, seal_error *err) SEAL_MUST_USE;
seal_status seal_store_commit(seal_store *st, seal_error *err) SEAL_MUST_USE;
void seal_store_rollback(seal_store *st);

/* Validates rec against the catalogue and stores it (inside a transaction).
 * On SEAL_INVALID, err->msg is "<field>: <what is wrong>". */
seal_status seal_store_put(seal_store *st, const seal_record *rec, seal_put_outcome *outcome,
                           seal_error *err) SEAL_MUST_USE;

/* Called once per record found; rec and its values live until it returns. */
typedef seal_status (*seal_record_cb)(const seal_record *rec, int64_t id, void *ud);

/* Every readable record of the subject named by one exact identifier, in
 * storage order. An identifier that matches nothing calls cb zero times.
 * Records of a shredded subject are not returned (their key is gone). */
seal_status seal_store_lookup(seal_store *st, seal_index_type type, const char *value, size_t n,
                              seal_record_cb cb, void *ud, seal_error *err) SEAL_MUST_USE;

/* Reads one record by id: SEAL_SHREDDED if its key is gone, SEAL_CRYPTO if
 * its ciphertext was tampered with. */
seal_status seal_store_get(seal_store *st, int64_t id, seal_record_cb cb, void *ud,
                           seal_error *err) SEAL_MUST_USE;

/* What the store holds for the subject owning the identifier (type account
 * or address): *records, and *key whether its data key is there. Reads
 * only; shred asks it first. */
seal_status seal_store_held(seal_store *st, seal_index_type type, const char *value, size_t n,
                            int64_t *records, bool *key, seal_error *err) SEAL_MUST_USE;

/* Crypto-shreds the subject owning the identifier (type account or address):
 * deletes its data key, index rows and records (lookups then find nothing).
 * *records: how many records it had. SEAL_NOTFOUND, with nothing logged,
 * when the store holds neither records nor a data key for it. */
seal_status seal_store_shred(seal_store *st, seal_index_type type, const char *value, size_t n,
                             int64_t *records, seal_error *err) SEAL_MUST_USE;

typedef void (*seal_stats_fn)(const seal_kind *kind, seal_retention_state state, int64_t count,
                              void *ud);
/* Counts per kind and retention state as of `today` (days since epoch). */
seal_status seal_store_stats(seal_store *st, int64_t today, seal_stats_fn fn, void *ud,
                             seal_error *err) SEAL_MUST_USE;

/* The standardiser version new index rows get. */
int seal_store_std_version(void);
/* Rebuilds every record whose index rows were made by an older standardiser. */
seal_status seal_store_reindex(seal_store *st, int64_t *records, seal_error *err) SEAL_MUST_USE;
/* Test hook: stamp new rows with this version instead (0 = current). */
void seal__store_force_version(seal_store *st, int version);

/* Master-key rotation: a new key file replaces the old one; every data key
 * is re-wrapped; records are not touched. Safe against a crash at any point. */
seal_status seal_store_rotate_master(const char *dir, int64_t *keys, seal_error *err) SEAL_MUST_USE;

/* Whether v[0..n) is a valid identifier of its type exactly as the store
 * standardises it for its blind index (SEAL_IDX_NONE: a person's name), so
 * what is accepted elsewhere (a subject principal's identifiers) can be
 * found: SEAL_OK, or SEAL_INVALID with the standardiser's reason (never
 * the value). Pure; thread-safe. */
seal_status seal_identifier_check(seal_index_type type, const char *v, size_t n,
                                  seal_error *err) SEAL_MUST_USE;
/* Keyed commitment to a subject for ledger entries (never the identifier). */
seal_status seal_store_commitment(seal_store *st, seal_index_type type, const char *value, size_t n,
                                  uint8_t out[32], seal_error *err) SEAL_MUST_USE;

/* The owner rule that applies to rec (the catalogue's first owner field it
 * has): SEAL_IDX_ACCOUNT or SEAL_IDX_ADDRESS, the field in *field; or
 * SEAL_IDX_NONE and -1. */
seal_index_type seal_record_owner(const seal_record *rec, int *field);
/* The keyed commitment to one person at one address (PA-4, PA-13): the
 * address's match key with the standardised name (sealed/ident.h
 * seal_name_std). Never equal to any identifier's commitment.
 * SEAL_INVALID when either is not valid. */
seal_status seal_store_person_commitment(seal_store *st, const char *address, size_t an,
                                         const char *name, size_t nn, uint8_t out[32],
                                         seal_error *err) SEAL_MUST_USE;
/* PA-4: the people a record is about, as keyed commitments, which is how
 * the accounting of a disclosure of the record is keyed so that each of
 * them (and nobody else) finds it: for a record owned by an account, the
 * account's commitment; for one owned by an address, each person named on
 * it at that address (seal_store_person_commitment), else the holder of its
 * tracking number, else the address. keys receives *n (1..MAX) distinct
 * commitments. */
#define SEAL_OWNER_KEYS_MAX 4
seal_status seal_store_owner_keys(seal_store *st, const seal_record *rec,
                                  uint8_t keys[SEAL_OWNER_KEYS_MAX][32], size_t *n,
                                  seal_error *err) SEAL_MUST_USE;

/* ---- retention (driven by src/retain; docs/retain.md) ------------------ */

/* A set of subjects under a preservation hold (PA-9): the sweep neither
 * deletes nor truncates any record they own. Owned by the caller. */
typedef struct seal_holds seal_holds;
seal_status seal_holds_new(seal_holds **out, seal_error *err) SEAL_MUST_USE;
void seal_holds_free(seal_holds *h);
size_t seal_holds_count(const seal_holds *h);
/* Adds the subjects one exact identifier names, matched by blind-index keys
 * only: for an account or an address, the subject it is (its keyed subject
 * hash); for any identifier, the owners of every record whose blind index
 * holds its keyed hash. So a hold covers all a lookup of that identifier
 * would return, and every other record of the same owners. */
seal_status seal_store_hold(seal_store *st, seal_holds *h, seal_index_type type, const char *value,
                            size_t n, seal_error *err) SEAL_MUST_USE;

#define SEAL_SWEEP_KINDS 16       /* kind ids below this are counted apart */
#define SEAL_SWEEP_BATCH_MAX 4096 /* records per batch, at most */

typedef struct seal_sweep_counts {
    int64_t truncated;                 /* records whose IP was truncated */
    int64_t deleted[SEAL_SWEEP_KINDS]; /* records deleted, by kind id */
    int64_t held[SEAL_SWEEP_KINDS];    /* due, but kept under a preservation hold */
    int64_t keys_shredded;             /* subjects left with nothing: data key deleted */
} seal_sweep_counts;

/* One sweep's progress. Persisted in the record store with each batch, in
 * the same transaction, so a sweep killed at any point resumes from its
 * cursor with its counts. */
typedef struct seal_sweep {
    int64_t today;      /* the day (days since epoch) the schedule is applied as of */
    int64_t started;    /* unix seconds */
    int64_t cursor;     /* every record with an id <= cursor is done */
    char id[17];        /* random, hex: names the sweep in its ledger event */
    int policy_kind[2]; /* kinds whose retention is a policy number (0: none) */
    int64_t policy_days[2];
    bool done;            /* every batch committed; only its ledger event is left */
    uint64_t ledger_size; /* when done: the ledger's size before its event, plus 1 */
    seal_sweep_counts n;
    /* Subjects a batch left with no record: their data keys are deleted at
     * the start of the next batch (the key store commits before the record
     * store, so a key is never gone while a record that needs it is not). */
    size_t n_pending;
    uint8_t pending[SEAL_SWEEP_BATCH_MAX][16];
} seal_sweep;

typedef struct seal_sweep_options {
    size_t batch; /* records per transaction (0: 2000; at most SEAL_SWEEP_BATCH_MAX) */
    bool dry_run; /* count only: nothing is written, nothing is persisted */
    const seal_holds *holds;
} seal_sweep_options;

/* The interrupted sweep, if any: *found false and sw untouched when none. */
seal_status seal_store_sweep_load(seal_store *st, seal_sweep *sw, bool *found,
                                  seal_error *err) SEAL_MUST_USE;
/* One batch: up to opt->batch due records after sw->cursor, in id order.
 * Deletes records past retention (their blind-index rows first), truncates
 * due IP addresses (re-encrypted under the subject's key with a fresh
 * nonce; the record's digest is kept, so re-ingesting the original does not
 * restore the address), and deletes the data key of every subject left
 * with no record (at the start of the next step: sw->pending; a subject
 * that has a record again by then keeps its key). Sets sw->done after the
 * last step. Unless dry-run, the step and sw commit together. */
seal_status seal_store_sweep_step(seal_store *st, seal_sweep *sw, const seal_sweep_options *opt,
                                  seal_error *err) SEAL_MUST_USE;
/* Persists sw (e.g. done, with the ledger size) in its own transaction. */
seal_status seal_store_sweep_save(seal_store *st, const seal_sweep *sw,
                                  seal_error *err) SEAL_MUST_USE;
/* Forgets the persisted sweep (after its ledger event is written). */
seal_status seal_store_sweep_clear(seal_store *st, seal_error *err) SEAL_MUST_USE;

/* Internal (fuzz/fuzz_sweep_state.c): the persisted sweep state's codec.
 * decode answers SEAL_CORRUPT for anything but an exact encoding. */
seal_status seal__sweep_encode(const seal_sweep *sw, seal_buf *out) SEAL_MUST_USE;
seal_status seal__sweep_decode(seal_sweep *sw, const uint8_t *p, size_t n) SEAL_MUST_USE;

/* MC-10: destroys every cover_piece record that cover `cover` recorded
 * about the subject address: deletes them and their index rows, and the
 * subject's data key when nothing else of it remains, in one transaction.
 * commit: a keyed commitment to the destroyed records' natural keys, in id
 * order (for the ledger). Idempotent: a second call destroys nothing. */
seal_status seal_store_destroy_cover(seal_store *st, const char *address, size_t n,
                                     const char *cover, int64_t *destroyed, int64_t *keys_shredded,
                                     uint8_t commit[32], seal_error *err) SEAL_MUST_USE;

#endif
