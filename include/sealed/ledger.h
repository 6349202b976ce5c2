/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ledger: an append-only Merkle log of every request, decision,
 * disclosure, recorded piece, expiry and shredding, verifiable without
 * trusting the operator.
 *
 *  - Hashing is RFC 9162 §2.1.1: leaf = SHA-256(0x00 || entry), interior
 *    node = SHA-256(0x01 || left || right), split at the largest power of two
 *    smaller than the size.
 *  - On disk the log is laid out as C2SP tlog-tiles (tile/<L>/<N>[.p/<W>],
 *    tile/entries/<N>[.p/<W>]) plus a "checkpoint" file, so a static file
 *    server can publish it. A private journal (not published) is the durable
 *    source of truth: an append is acknowledged only once its bytes and a
 *    commit record are fsync'd; tiles are derived from it.
 *  - Checkpoints are C2SP checkpoints signed as C2SP signed notes (note.h)
 *    with the ledger's Ed25519 key. The ledger never signs two checkpoints that
 *    are inconsistent with each other.
 *  - Entries are opaque bytes (at most SEAL_LEDGER_MAX_ENTRY); the system's
 *    own ledger holds canonical event records (seal_event_encode), which
 *    carry only ids and keyed commitments, never personal data.
 */
#ifndef SEALED_LEDGER_H
#define SEALED_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealed/buf.h"
#include "sealed/status.h"

#define SEAL_HASH_SIZE 32
/* tlog-tiles entry bundles carry a 16-bit length. */
#define SEAL_LEDGER_MAX_ENTRY 65535
/* Deepest proof for a 64-bit tree size. */
#define SEAL_PROOF_MAX 64

/* ---- RFC 9162 hashing and proof checking (pure, thread-safe) ---------- */

/* RFC 9162 §2.1.1: SHA-256(0x00 || entry). */
void seal_merkle_leaf_hash(uint8_t out[SEAL_HASH_SIZE], const void *entry, size_t len);
/* RFC 9162 §2.1.1: SHA-256(0x01 || left || right). */
void seal_merkle_node_hash(uint8_t out[SEAL_HASH_SIZE], const uint8_t left[SEAL_HASH_SIZE],
                           const uint8_t right[SEAL_HASH_SIZE]);
/* MTH of the empty tree: SHA-256(""). */
void seal_merkle_empty_root(uint8_t out[SEAL_HASH_SIZE]);

/* RFC 9162 §2.1.3.2: checks that leaf (a leaf hash) is at index in the tree
 * of the given size and root. SEAL_OK, or SEAL_VERIFY (wrong root, leaf,
 * index or proof), or SEAL_INVALID (index >= size, proof of the wrong length). */
seal_status seal_merkle_verify_inclusion(const uint8_t leaf[SEAL_HASH_SIZE], uint64_t index,
                                         uint64_t size, const uint8_t (*proof)[SEAL_HASH_SIZE],
                                         size_t proof_len,
                                         const uint8_t root[SEAL_HASH_SIZE]) SEAL_MUST_USE;
/* RFC 9162 §2.1.4.2: checks that the tree (size1, root1) is a prefix of
 * (size2, root2). size1 == 0 is only consistent with an empty proof and
 * root1 == the empty root; size1 == size2 needs an empty proof and equal
 * roots. SEAL_OK, SEAL_VERIFY or SEAL_INVALID as above. */
seal_status seal_merkle_verify_consistency(uint64_t size1, uint64_t size2,
                                           const uint8_t root1[SEAL_HASH_SIZE],
                                           const uint8_t root2[SEAL_HASH_SIZE],
                                           const uint8_t (*proof)[SEAL_HASH_SIZE],
                                           size_t proof_len) SEAL_MUST_USE;
/* Length of the RFC 9162 proofs for these sizes (0 when undefined). */
size_t seal_merkle_inclusion_proof_len(uint64_t index, uint64_t size);
size_t seal_merkle_consistency_proof_len(uint64_t size1, uint64_t size2);

/* ---- In-memory Merkle tree -------------------------------------------- */

/* Holds every complete subtree hash (about 2 x 32 bytes per leaf) so that
 * roots and proofs for any earlier size are O(log n) lookups. Not thread-safe. */
typedef struct seal_merkle seal_merkle;

seal_status seal_merkle_new(seal_merkle **out) SEAL_MUST_USE;
void seal_merkle_free(seal_merkle *m);
uint64_t seal_merkle_size(const seal_merkle *m);
/* Appends one leaf by entry / by its leaf hash. */
seal_status seal_merkle_append(seal_merkle *m, const void *entry, size_t len) SEAL_MUST_USE;
seal_status seal_merkle_append_hash(seal_merkle *m,
                                    const uint8_t leaf[SEAL_HASH_SIZE]) SEAL_MUST_USE;
/* Drops leaves back to size (recovery); size <= current size. */
void seal_merkle_truncate(seal_merkle *m, uint64_t size);
/* Leaf hash at index (< size). */
seal_status seal_merkle_leaf(const seal_merkle *m, uint64_t index,
                             uint8_t out[SEAL_HASH_SIZE]) SEAL_MUST_USE;
/* Root of the tree of the first `size` leaves (size <= current size). */
seal_status seal_merkle_root(const seal_merkle *m, uint64_t size,
                             uint8_t out[SEAL_HASH_SIZE]) SEAL_MUST_USE;
/* RFC 9162 §2.1.3.1 inclusion proof of index in the tree of `size` leaves;
 * proof must hold SEAL_PROOF_MAX hashes; *proof_len is set. */
seal_status seal_merkle_inclusion_proof(const seal_merkle *m, uint64_t index, uint64_t size,
                                        uint8_t (*proof)[SEAL_HASH_SIZE],
                                        size_t *proof_len) SEAL_MUST_USE;
/* RFC 9162 §2.1.4.1 consistency proof from size1 to size2 (0 < size1 <=
 * size2 <= current size; size1 == size2 gives an empty proof). */
seal_status seal_merkle_consistency_proof(const seal_merkle *m, uint64_t size1, uint64_t size2,
                                          uint8_t (*proof)[SEAL_HASH_SIZE],
                                          size_t *proof_len) SEAL_MUST_USE;

/* ---- Checkpoints (C2SP tlog-checkpoint) -------------------------------- */

typedef struct seal_checkpoint {
    char origin[256]; /* first line of the note */
    uint64_t size;
    uint8_t root[SEAL_HASH_SIZE];
} seal_checkpoint;

/* Parses checkpoint text (origin\nsize\nbase64 root\n[extension lines]);
 * the text only, not signatures. SEAL_CORRUPT when malformed. */
seal_status seal_checkpoint_parse(const char *text, size_t len, seal_checkpoint *out,
                                  seal_error *err) SEAL_MUST_USE;
/* Appends "origin\nsize\nbase64(root)\n" to out. */
seal_status seal_checkpoint_format(const seal_checkpoint *c, seal_buf *out) SEAL_MUST_USE;

/* ---- The on-disk ledger ------------------------------------------------ */

typedef struct seal_ledger seal_ledger;

typedef struct seal_ledger_options {
    /* Origin line of checkpoints and name of the signing key; NULL means
     * "sealed.local/<basename of dir>". Used only by create. */
    const char *origin;
    /* Skip fsync (benchmarks of the in-memory path, tests). Appends are then
     * NOT durable. Default false. */
    bool no_sync;
    /* Used only by create. With genesis, the ledger's first entry is the
     * event "ledger.created" at genesis_time, with the id clock = "test"
     * when test_clock, else "real" (the system ledger; a raw log has none).
     * It is the only place the test-clock flag is recorded, so it cannot be
     * added to an existing ledger: appends refuse a "ledger.created" event. */
    bool genesis;
    bool test_clock;
    int64_t genesis_time;
} seal_ledger_options;

void seal_ledger_options_init(seal_ledger_options *o);

/* Creates a ledger in dir (made if missing; must not already hold one):
 * a fresh Ed25519 key in dir/key (mode 0600), its verifier key in dir/vkey,
 * an empty journal and tile tree. The handle is owned by the caller. */
seal_status seal_ledger_create(const char *dir, const seal_ledger_options *opt, seal_ledger **out,
                               seal_error *err) SEAL_MUST_USE;
/* Opens an existing ledger. Refuses (SEAL_PERM) a key file that group or
 * others can read or write, and (SEAL_NOTFOUND) a dir that holds no ledger.
 * A torn or unacknowledged tail of the journal is cut back to the last
 * commit record and the recovery is reported through the log callback and
 * appended to dir/recovery.log; tiles are rewritten from the journal. */
seal_status seal_ledger_open(const char *dir, const seal_ledger_options *opt, seal_ledger **out,
                             seal_error *err) SEAL_MUST_USE;
/* Closes; staged but uncommitted entries are dropped. NULL is a no-op. */
void seal_ledger_close(seal_ledger *l);

/* The handle serialises its calls with an internal mutex, so one handle may
 * be shared by threads; two handles (or processes) on one dir are refused by
 * an exclusive lock on the journal (SEAL_EXISTS). */

/* Durable append of one entry: returns once it is on stable storage.
 * *index (may be NULL) is its 0-based index. */
seal_status seal_ledger_append(seal_ledger *l, const void *entry, size_t len, uint64_t *index,
                               seal_error *err) SEAL_MUST_USE;
/* Group commit: n entries, one fsync; *first_index is the first one's index. */
seal_status seal_ledger_append_batch(seal_ledger *l, const void *const *entries, const size_t *lens,
                                     size_t n, uint64_t *first_index,
                                     seal_error *err) SEAL_MUST_USE;
/* Group commit in two steps: stage entries (not acknowledged, not visible in
 * size/root), then commit them all with one fsync. */
seal_status seal_ledger_stage(seal_ledger *l, const void *entry, size_t len, uint64_t *index,
                              seal_error *err) SEAL_MUST_USE;
seal_status seal_ledger_commit(seal_ledger *l, seal_error *err) SEAL_MUST_USE;

/* Acknowledged size and its root. */
uint64_t seal_ledger_size(seal_ledger *l);
seal_status seal_ledger_root(seal_ledger *l, uint64_t size,
                             uint8_t out[SEAL_HASH_SIZE]) SEAL_MUST_USE;
/* Reads entry index into out (appended). */
seal_status seal_ledger_entry(seal_ledger *l, uint64_t index, seal_buf *out,
                              seal_error *err) SEAL_MUST_USE;
/* Proofs over acknowledged sizes; see seal_merkle_*_proof. */
seal_status seal_ledger_inclusion_proof(seal_ledger *l, uint64_t index, uint64_t size,
                                        uint8_t (*proof)[SEAL_HASH_SIZE], size_t *proof_len,
                                        seal_error *err) SEAL_MUST_USE;
seal_status seal_ledger_consistency_proof(seal_ledger *l, uint64_t size1, uint64_t size2,
                                          uint8_t (*proof)[SEAL_HASH_SIZE], size_t *proof_len,
                                          seal_error *err) SEAL_MUST_USE;

/* Signs a checkpoint for the current size, stores it in dir/checkpoint
 * (atomically, fsync'd) and appends the signed note to out. Before signing
 * it checks the previously signed checkpoint: same origin, not larger, and
 * its root equal to this tree's root at its size; otherwise SEAL_REFUSED and
 * nothing is signed. */
seal_status seal_ledger_checkpoint(seal_ledger *l, seal_buf *out, seal_error *err) SEAL_MUST_USE;
/* Origin (borrowed) and verifier key text (appended). */
const char *seal_ledger_origin(const seal_ledger *l);
seal_status seal_ledger_vkey(const seal_ledger *l, seal_buf *out) SEAL_MUST_USE;
/* Bytes cut from the journal tail by the last open's recovery. */
uint64_t seal_ledger_recovered_bytes(const seal_ledger *l);

/* The clock. Every appended entry that is a canonical event (seal_event_*)
 * is checked against the time of the last event in the log:
 *  - on a test-clock ledger (first entry "ledger.created" with clock =
 *    "test"), an event earlier than the last one is refused (SEAL_INVALID,
 *    nothing staged);
 *  - on any other ledger (a real clock), an earlier event is stamped with
 *    the last event's time instead (its "time" rewritten), so the log never
 *    goes backwards; a clock more than SEAL_LEDGER_CLOCK_SLACK seconds
 *    behind is reported through the log callback.
 * Entries that are not events are not looked at. */
#define SEAL_LEDGER_CLOCK_SLACK 60
/* What an append of an event at time t would meet, without appending: on a
 * test clock SEAL_INVALID (the same message) when t is earlier than the
 * last event; otherwise SEAL_OK. For callers that write files before
 * logging them. */
seal_status seal_ledger_check_time(seal_ledger *l, int64_t t, seal_error *err) SEAL_MUST_USE;
/* True when the ledger's first entry marks it as a test-clock ledger. */
bool seal_ledger_test_clock(const seal_ledger *l);
/* Time of the last event in the log (acknowledged or staged), or INT64_MIN
 * when the log holds none. */
int64_t seal_ledger_last_time(seal_ledger *l);
/* The same flag, read from dir's journal without opening (or locking) the
 * ledger: only the first record is read. SEAL_NOTFOUND when dir holds no
 * journal. */
seal_status seal_ledger_dir_test_clock(const char *dir, bool *test_clock,
                                       seal_error *err) SEAL_MUST_USE;

/* ---- Offline verifier --------------------------------------------------- */

typedef struct seal_verify_result {
    uint64_t checkpoint_size; /* size in the latest checkpoint */
    uint64_t tiles_size;      /* leaves found in the tiles on disk */
    uint64_t since_size;      /* size of the --since checkpoint, 0 if none */
    uint8_t root[SEAL_HASH_SIZE];
} seal_verify_result;

/* Verifies a published log directory using only dir/checkpoint and
 * dir/tile/... (what a static server serves): the checkpoint's signature
 * under vkey (text; NULL means dir/vkey); every entry bundle against level-0
 * tile hashes; every tile level against the level below; the root at the
 * checkpoint's size against the checkpoint. With since (a signed checkpoint
 * text, may be NULL), also that it verifies and is consistent with the latest.
 * Errors name the file and index: SEAL_CORRUPT (bad or missing tile),
 * SEAL_VERIFY (root or consistency mismatch, bad signature), SEAL_KEY. */
seal_status seal_ledger_verify_dir(const char *dir, const char *vkey, const char *since,
                                   size_t since_len, seal_verify_result *res,
                                   seal_error *err) SEAL_MUST_USE;

/* Calls cb for every acknowledged entry of the ledger in dir, in order, up
 * to the size of its signed checkpoint (*size), reading only the
 * checkpoint, the verifier key and the entry bundles: no lock, so it works
 * while another process holds the ledger. The checkpoint's signature is
 * checked, and the tree of the entries visited must have its root
 * (SEAL_VERIFY otherwise, once every entry was visited: callers act on
 * the result only on SEAL_OK). A dir never checkpointed has size 0. cb
 * returning non-OK stops the scan with its status. */
typedef seal_status (*seal_ledger_scan_fn)(const uint8_t *entry, size_t len, uint64_t index,
                                           void *ud, seal_error *err);
seal_status seal_ledger_scan_dir(const char *dir, seal_ledger_scan_fn cb, void *ud, uint64_t *size,
                                 seal_error *err) SEAL_MUST_USE SEAL_NONNULL(1, 2, 4);

/* ---- Canonical event records ------------------------------------------- */

/* The system ledger's entries. Encoded as canonical JSON: keys sorted
 * bytewise, no whitespace, version field "v": 1, e.g.
 *   {"commit":{"subject":"<64 hex>"},"ids":{"request":"R-17"},
 *    "time":"2026-11-21T00:00:00Z","type":"request.submitted","v":1}
 * Names are [a-z0-9_]{1,32}, unique within ids and within commits; type is
 * [a-z][a-z0-9_.]{0,63}; id values are [A-Za-z0-9._:-]{1,128} (system ids,
 * so no spaces or '@': a name or e-mail address cannot be written); commits
 * are 32-byte keyed commitments the caller computed (e.g. HMAC of a subject
 * under its data key, so shredding the key leaves them unlinkable). At most
 * 16 ids and 16 commits. */
#define SEAL_EVENT_VERSION 1
#define SEAL_EVENT_MAX_FIELDS 16

typedef struct seal_event_id {
    const char *name;
    const char *value;
} seal_event_id;

typedef struct seal_event_commit {
    const char *name;
    uint8_t value[SEAL_HASH_SIZE];
} seal_event_commit;

typedef struct seal_event {
    const char *type;
    int64_t time; /* unix seconds, UTC */
    const seal_event_id *ids;
    size_t n_ids;
    const seal_event_commit *commits;
    size_t n_commits;
} seal_event;

/* Appends the canonical encoding to out. SEAL_INVALID (message names the
 * field) for bad names, values, duplicates or too many fields. */
seal_status seal_event_encode(const seal_event *ev, seal_buf *out, seal_error *err) SEAL_MUST_USE;
/* SEAL_OK when data is exactly a canonical version-1 event record. */
seal_status seal_event_check(const void *data, size_t len, seal_error *err) SEAL_MUST_USE;

#endif
