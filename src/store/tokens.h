/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bearer-token storage interface of the daemon (issue 7): a versioned
 * table of functions that a token backend implements (SQLite now, in
 * tokens_sqlite.c, on DATA/tokens.db). A token is 256 random bits, shown
 * once as 64 lower-case hex digits; only its SHA-256 is stored, with the
 * principal it stands for. One token per principal: issuing a new one
 * replaces the old. Principal ids are system ids (seal_id_valid), never
 * names. Not thread-safe: one handle per thread.
 */
#ifndef SEAL_STORE_TOKENS_H
#define SEAL_STORE_TOKENS_H

#include <stddef.h>
#include <stdint.h>

#include "sealed/status.h"

#define SEAL_TOKENS_BACKEND_VERSION 1
#define SEAL_TOKEN_BYTES 32
#define SEAL_TOKEN_HEX (2 * SEAL_TOKEN_BYTES + 1)
#define SEAL_TOKEN_PRINCIPAL_SIZE 129

typedef struct seal_tokens_backend seal_tokens_backend;

/* put replaces the principal's token (one per principal) by hash; find
 * answers SEAL_NOTFOUND for an unknown hash and copies the principal id
 * (at most SEAL_TOKEN_PRINCIPAL_SIZE bytes with its NUL) otherwise. */
typedef struct seal_tokens_backend_ops {
    int version;
    const char *name;
    seal_status (*open)(const char *dir, seal_tokens_backend **out, seal_error *err);
    void (*close)(seal_tokens_backend *b);
    seal_status (*put)(seal_tokens_backend *b, const char *principal,
                       const uint8_t hash[SEAL_TOKEN_BYTES], int64_t now, seal_error *err);
    seal_status (*find)(seal_tokens_backend *b, const uint8_t hash[SEAL_TOKEN_BYTES],
                        char principal[SEAL_TOKEN_PRINCIPAL_SIZE], seal_error *err);
} seal_tokens_backend_ops;

extern const seal_tokens_backend_ops seal__sqlite_tokens;

/* Makes a new random token for principal, stores its hash (replacing the
 * principal's old token) and writes the token as hex into token (shown to
 * the caller once; wipe it after use). */
seal_status seal__token_issue(seal_tokens_backend *b, const char *principal, int64_t now,
                              char token[SEAL_TOKEN_HEX], seal_error *err) SEAL_MUST_USE;
/* The principal a presented token (hex, len bytes) stands for; SEAL_NOTFOUND
 * for a malformed or unknown token. */
seal_status seal__token_principal(seal_tokens_backend *b, const char *token, size_t len,
                                  char principal[SEAL_TOKEN_PRINCIPAL_SIZE],
                                  seal_error *err) SEAL_MUST_USE;

#endif
