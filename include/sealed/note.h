/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signed notes (C2SP signed-note, https://c2sp.org/signed-note) with Ed25519
 * keys. A note is UTF-8 text ending in a newline, then a blank line, then one
 * or more signature lines "— <name> <base64(key id || signature)>". Ledger
 * checkpoints, court orders and production manifests all use this one piece.
 *
 * Keys use the C2SP text encodings that Go's golang.org/x/mod/sumdb/note
 * reads and writes:
 *   verifier key  <name>+<8 hex key id>+<base64(0x01 || public key)>
 *   signer key    PRIVATE+KEY+<name>+<8 hex key id>+<base64(0x01 || seed)>
 * with key id = first 4 bytes (big-endian) of SHA-256(name || 0x0A || 0x01 ||
 * public key).
 *
 * Signers and verifiers are immutable once made and may be shared between
 * threads. Signer secrets live in guarded memory and are wiped on free.
 */
#ifndef SEALED_NOTE_H
#define SEALED_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "sealed/buf.h"
#include "sealed/status.h"

typedef struct seal_note_signer seal_note_signer;
typedef struct seal_note_verifier seal_note_verifier;

/* Largest note the parser accepts (text plus signatures), and the most
 * signature lines, as in Go's note package. */
#define SEAL_NOTE_MAX_SIZE 1000000
#define SEAL_NOTE_MAX_SIGNATURES 100

/* Makes a fresh Ed25519 key named `name` (no spaces, no '+', not empty,
 * valid UTF-8 without control characters). Appends the signer key text to
 * skey and the verifier key text to vkey (neither with a newline). The
 * caller owns both buffers; skey holds a secret: wipe it (seal_note_wipe). */
seal_status seal_note_generate_key(const char *name, seal_buf *skey, seal_buf *vkey,
                                   seal_error *err) SEAL_MUST_USE;
/* Overwrites and empties a buffer that held a secret. */
void seal_note_wipe(seal_buf *b);

/* Parses a signer key (surrounding whitespace ignored). *out is owned by
 * the caller: seal_note_signer_free. */
seal_status seal_note_signer_new(const char *skey, size_t len, seal_note_signer **out,
                                 seal_error *err) SEAL_MUST_USE;
void seal_note_signer_free(seal_note_signer *s);
/* Borrowed, valid while s lives. */
const char *seal_note_signer_name(const seal_note_signer *s);
uint32_t seal_note_signer_key_id(const seal_note_signer *s);
/* The verifier key text of the signer, appended to out. */
seal_status seal_note_signer_vkey(const seal_note_signer *s, seal_buf *out) SEAL_MUST_USE;

/* Parses a verifier key (surrounding whitespace ignored). */
seal_status seal_note_verifier_new(const char *vkey, size_t len, seal_note_verifier **out,
                                   seal_error *err) SEAL_MUST_USE;
void seal_note_verifier_free(seal_note_verifier *v);
const char *seal_note_verifier_name(const seal_note_verifier *v);
uint32_t seal_note_verifier_key_id(const seal_note_verifier *v);

/* Signs text (which must be valid note text: non-empty, ending in '\n', no
 * blank line... only UTF-8 without control characters besides '\n') and
 * appends the whole signed note to out: text, "\n", signature line. */
seal_status seal_note_sign(const seal_note_signer *s, const char *text, size_t len, seal_buf *out,
                           seal_error *err) SEAL_MUST_USE;

/* Verifies a signed note against a set of known verifiers. On success
 * *text_len is the length of the note's text (msg[0..*text_len) is the signed
 * text, ending in '\n'). Succeeds when at least one signature is by a known
 * key and every signature by a known key is valid; signatures by unknown keys
 * are ignored (C2SP signed-note "Verifying"). Errors:
 *   SEAL_CORRUPT  not a well-formed signed note
 *   SEAL_KEY      no signature by any known key
 *   SEAL_VERIFY   a signature by a known key does not verify */
seal_status seal_note_verify(const char *msg, size_t len,
                             const seal_note_verifier *const *verifiers, size_t n_verifiers,
                             size_t *text_len, seal_error *err) SEAL_MUST_USE;

#endif
