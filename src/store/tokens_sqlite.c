/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SQLite backend of the token storage interface (store/tokens.h):
 * DATA/tokens.db (mode 0600, WAL, synchronous=FULL), one table of SHA-256
 * hashes of bearer tokens and the principal each stands for. The token
 * itself is never stored: a copy of this file lets nobody authenticate.
 * Plain SHA-256 suffices (no key, no salt) because tokens are 256 random
 * bits, not passwords.
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/crypto.h"
#include "core/crypto_sha256.h"
#include "sealed/alloc.h"
#include "sealed/buf.h"
#include "store/tokens.h"
#include "store/sqlite_file.h"

enum { Q_DEL, Q_PUT, Q_FIND, Q_COUNT };

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS token (hash BLOB PRIMARY KEY, principal TEXT NOT NULL UNIQUE, "
    "created INTEGER NOT NULL);";

static const char *const queries[Q_COUNT] = {
    [Q_DEL] = "DELETE FROM token WHERE principal = ?",
    [Q_PUT] = "INSERT INTO token VALUES (?,?,?)",
    [Q_FIND] = "SELECT principal FROM token WHERE hash = ?",
};

struct seal_tokens_backend {
    sqlite3 *db;
    sqlite3_stmt *q[Q_COUNT];
    char path[1100];
};

static seal_status db_error(seal_tokens_backend *b, seal_error *err, const char *what)
{
    return seal__sqlite_file_error(b->db, b->path, err, what);
}

static void tok_close(seal_tokens_backend *b)
{
    if (b == NULL) {
        return;
    }
    seal__sqlite_file_close(b->db, b->q, Q_COUNT);
    seal_free(b);
}

static seal_status tok_open(const char *dir, seal_tokens_backend **out, seal_error *err)
{
    *out = NULL;
    seal_tokens_backend *b = seal_calloc(1, sizeof(*b));
    if (b == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "out of memory");
    }
    seal_status s = seal__sqlite_file_open(dir, "tokens.db", b->path, sizeof(b->path), schema,
                                           queries, Q_COUNT, &b->db, b->q, err);
    if (s != SEAL_OK) {
        tok_close(b);
        return s;
    }
    *out = b;
    return SEAL_OK;
}

static seal_status tok_put(seal_tokens_backend *b, const char *principal,
                           const uint8_t hash[SEAL_TOKEN_BYTES], int64_t now, seal_error *err)
{
    seal_status s = SEAL_OK;
    if (sqlite3_exec(b->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        return db_error(b, err, "begin");
    }
    sqlite3_stmt *d = b->q[Q_DEL], *p = b->q[Q_PUT];
    sqlite3_bind_text(d, 1, principal, -1, SQLITE_STATIC);
    if (sqlite3_step(d) != SQLITE_DONE) {
        s = db_error(b, err, "replace token");
        goto out;
    }
    sqlite3_bind_blob(p, 1, hash, SEAL_TOKEN_BYTES, SQLITE_STATIC);
    sqlite3_bind_text(p, 2, principal, -1, SQLITE_STATIC);
    sqlite3_bind_int64(p, 3, now);
    if (sqlite3_step(p) != SQLITE_DONE) {
        s = db_error(b, err, "store token");
        goto out;
    }
    if (sqlite3_exec(b->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        s = db_error(b, err, "commit");
    }
out:
    sqlite3_reset(d);
    sqlite3_clear_bindings(d);
    sqlite3_reset(p);
    sqlite3_clear_bindings(p);
    if (s != SEAL_OK) {
        sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
    }
    return s;
}

static seal_status tok_find(seal_tokens_backend *b, const uint8_t hash[SEAL_TOKEN_BYTES],
                            char principal[SEAL_TOKEN_PRINCIPAL_SIZE], seal_error *err)
{
    sqlite3_stmt *q = b->q[Q_FIND];
    sqlite3_bind_blob(q, 1, hash, SEAL_TOKEN_BYTES, SQLITE_STATIC);
    seal_status s = SEAL_OK;
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        const unsigned char *p = sqlite3_column_text(q, 0);
        int n = sqlite3_column_bytes(q, 0);
        if (p == NULL || n <= 0 || n >= SEAL_TOKEN_PRINCIPAL_SIZE) {
            s = seal_error_set(err, SEAL_CORRUPT, "%s: bad principal in token row", b->path);
        } else {
            memcpy(principal, p, (size_t) n);
            principal[n] = '\0';
        }
    } else if (rc == SQLITE_DONE) {
        s = seal_error_set(err, SEAL_NOTFOUND, "unknown token");
    } else {
        s = db_error(b, err, "find token");
    }
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return s;
}

const seal_tokens_backend_ops seal__sqlite_tokens = {
    .version = SEAL_TOKENS_BACKEND_VERSION,
    .name = "sqlite",
    .open = tok_open,
    .close = tok_close,
    .put = tok_put,
    .find = tok_find,
};

seal_status seal__token_issue(seal_tokens_backend *b, const char *principal, int64_t now,
                              char token[SEAL_TOKEN_HEX], seal_error *err)
{
    uint8_t raw[SEAL_TOKEN_BYTES], hash[SEAL__SHA256_SIZE];
    if (seal__crypto_init() != SEAL_OK) {
        return seal_error_set(err, SEAL_CRYPTO, "cannot initialise the random source");
    }
    seal__random(raw, sizeof(raw));
    seal_hex_encode(token, raw, sizeof(raw));
    seal__sha256(hash, token, SEAL_TOKEN_HEX - 1);
    seal__wipe(raw, sizeof(raw));
    seal_status s = b != NULL ? seal__sqlite_tokens.put(b, principal, hash, now, err)
                              : seal_error_set(err, SEAL_INVALID, "no token store");
    if (s != SEAL_OK) {
        seal__wipe(token, SEAL_TOKEN_HEX);
    }
    return s;
}

seal_status seal__token_principal(seal_tokens_backend *b, const char *token, size_t len,
                                  char principal[SEAL_TOKEN_PRINCIPAL_SIZE], seal_error *err)
{
    if (len != SEAL_TOKEN_HEX - 1) {
        return seal_error_set(err, SEAL_NOTFOUND, "malformed token");
    }
    for (size_t i = 0; i < len; i++) {
        char c = token[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return seal_error_set(err, SEAL_NOTFOUND, "malformed token");
        }
    }
    uint8_t hash[SEAL__SHA256_SIZE];
    seal__sha256(hash, token, len);
    return seal__sqlite_tokens.find(b, hash, principal, err);
}
