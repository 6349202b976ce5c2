/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SHA-256 through OpenSSL EVP. The EVP_MD is fetched once (pthread_once), not
 * per call, and each thread keeps one EVP_MD_CTX, so hashing a Merkle node is
 * two compression-function calls plus a few branches. libsodium's SHA-256 is
 * portable C without SHA-NI and about four times slower on these machines.
 */
#include "core/crypto_sha256.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static EVP_MD *md_sha256;
static _Thread_local EVP_MD_CTX *tls_ctx;
/* frees a thread's context when the thread exits (a server's workers) */
static pthread_key_t ctx_key;
static int ctx_key_ok;

static void ctx_free(void *ctx)
{
    EVP_MD_CTX_free(ctx);
}

static void md_fetch(void)
{
    md_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    ctx_key_ok = pthread_key_create(&ctx_key, ctx_free) == 0;
}

static EVP_MD_CTX *ctx_get(void)
{
    if (tls_ctx == NULL) {
        (void) pthread_once(&md_once, md_fetch);
        tls_ctx = EVP_MD_CTX_new();
        if (md_sha256 == NULL || tls_ctx == NULL) {
            /* No SHA-256 means no ledger at all; continuing would be worse. */
            abort();
        }
        if (ctx_key_ok) {
            (void) pthread_setspecific(ctx_key, tls_ctx);
        }
    }
    return tls_ctx;
}

static void digest2(uint8_t out[SEAL__SHA256_SIZE], const void *a, size_t alen, const void *b,
                    size_t blen)
{
    EVP_MD_CTX *ctx = ctx_get();
    unsigned int n = 0;
    if (EVP_DigestInit_ex2(ctx, md_sha256, NULL) != 1 || EVP_DigestUpdate(ctx, a, alen) != 1 ||
        (blen > 0 && EVP_DigestUpdate(ctx, b, blen) != 1) ||
        EVP_DigestFinal_ex(ctx, out, &n) != 1 || n != SEAL__SHA256_SIZE) {
        abort();
    }
}

void seal__sha256(uint8_t out[SEAL__SHA256_SIZE], const void *data, size_t len)
{
    digest2(out, len > 0 ? data : "", len, NULL, 0);
}

void seal__sha256_prefixed(uint8_t out[SEAL__SHA256_SIZE], uint8_t prefix, const void *data,
                           size_t len)
{
    digest2(out, &prefix, 1, len > 0 ? data : "", len);
}

void seal__sha256_node(uint8_t out[SEAL__SHA256_SIZE], const uint8_t left[SEAL__SHA256_SIZE],
                       const uint8_t right[SEAL__SHA256_SIZE])
{
    uint8_t buf[1 + 2 * SEAL__SHA256_SIZE];
    buf[0] = 0x01;
    memcpy(buf + 1, left, SEAL__SHA256_SIZE);
    memcpy(buf + 1 + SEAL__SHA256_SIZE, right, SEAL__SHA256_SIZE);
    digest2(out, buf, sizeof(buf), NULL, 0);
}
