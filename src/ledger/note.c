/* SPDX-License-Identifier: Apache-2.0 */
/*
 * C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys:
 * key encodings, signing and verification. Self-contained so that ledger
 * checkpoints, signed court orders and production manifests share it.
 * Parsing walks the message through a bounded cursor; nothing is trusted
 * until a known key's signature over the exact text bytes verifies.
 */
#include <string.h>

#include "core/crypto_sha256.h"
#include "core/crypto_sign.h"
#include "sealed/alloc.h"
#include "sealed/note.h"

/* C2SP signed-note: signature lines start with U+2014 EM DASH and a space. */
static const char sig_prefix[] = "\xe2\x80\x94 ";
#define SIG_PREFIX_LEN 4
#define ALG_ED25519 0x01
#define NAME_MAX_LEN 255

struct seal_note_verifier {
    char name[NAME_MAX_LEN + 1];
    uint32_t key_id;
    uint8_t pk[SEAL__ED25519_PK];
};

struct seal_note_signer {
    char name[NAME_MAX_LEN + 1];
    uint32_t key_id;
    uint8_t pk[SEAL__ED25519_PK];
    uint8_t *sk; /* SEAL__ED25519_SK bytes in guarded memory */
};

/* Length of the UTF-8 sequence at s[0..n), 0 when invalid (RFC 3629 §4). */
static size_t utf8_len(const uint8_t *s, size_t n)
{
    uint8_t c = s[0];
    if (c < 0x80) {
        return 1;
    }
    size_t len;
    uint32_t min, cp;
    if ((c & 0xe0) == 0xc0) {
        len = 2, min = 0x80, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3, min = 0x800, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
        len = 4, min = 0x10000, cp = c & 0x07;
    } else {
        return 0;
    }
    if (len > n) {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return 0;
    }
    return len;
}

/* Valid UTF-8 with no control characters other than (if allowed) '\n'. */
static bool text_ok(const char *p, size_t n, bool allow_newline)
{
    const uint8_t *s = (const uint8_t *) p;
    size_t i = 0;
    while (i < n) {
        if (s[i] < 0x20 || s[i] == 0x7f) {
            if (!(allow_newline && s[i] == '\n')) {
                return false;
            }
        }
        size_t l = utf8_len(s + i, n - i);
        if (l == 0) {
            return false;
        }
        i += l;
    }
    return true;
}

static bool name_ok(const char *name, size_t n)
{
    if (n == 0 || n > NAME_MAX_LEN || !text_ok(name, n, false)) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (name[i] == ' ' || name[i] == '+') {
            return false;
        }
    }
    return true;
}

/* key id = first 4 bytes of SHA-256(name || '\n' || 0x01 || public key). */
static uint32_t key_id(const char *name, size_t n, const uint8_t pk[SEAL__ED25519_PK])
{
    uint8_t buf[NAME_MAX_LEN + 2 + SEAL__ED25519_PK];
    memcpy(buf, name, n);
    buf[n] = '\n';
    buf[n + 1] = ALG_ED25519;
    memcpy(buf + n + 2, pk, SEAL__ED25519_PK);
    uint8_t h[SEAL__SHA256_SIZE];
    seal__sha256(h, buf, n + 2 + SEAL__ED25519_PK);
    return ((uint32_t) h[0] << 24) | ((uint32_t) h[1] << 16) | ((uint32_t) h[2] << 8) | h[3];
}

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && ((*s)[0] == ' ' || (*s)[0] == '\n' || (*s)[0] == '\r' || (*s)[0] == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\n' || (*s)[*n - 1] == '\r' ||
                      (*s)[*n - 1] == '\t')) {
        (*n)--;
    }
}

/* Splits "name+hexid+base64" into its parts and checks them; fills name,
 * id and the 32-byte key material. */
static seal_status parse_key(const char *s, size_t n, char name[NAME_MAX_LEN + 1], uint32_t *id,
                             uint8_t key[32], seal_error *err, const char *what)
{
    const char *p1 = memchr(s, '+', n);
    if (p1 == NULL) {
        return seal_error_set(err, SEAL_INVALID, "%s: expected name+id+key", what);
    }
    size_t nl = (size_t) (p1 - s);
    const char *rest = p1 + 1;
    size_t rl = n - nl - 1;
    const char *p2 = memchr(rest, '+', rl);
    if (p2 == NULL || p2 - rest != 8) {
        return seal_error_set(err, SEAL_INVALID, "%s: expected an 8-digit hex key id", what);
    }
    if (!name_ok(s, nl)) {
        return seal_error_set(err, SEAL_INVALID, "%s: bad key name", what);
    }
    uint8_t idb[4];
    if (seal_hex_decode(idb, 4, rest, 8) != SEAL_OK) {
        return seal_error_set(err, SEAL_INVALID, "%s: key id is not hex", what);
    }
    const char *b64 = p2 + 1;
    size_t bl = rl - 9;
    uint8_t raw[64];
    size_t rawlen = 0;
    if (seal__base64_decode(raw, sizeof(raw), &rawlen, b64, bl) != SEAL_OK || rawlen != 33) {
        return seal_error_set(err, SEAL_INVALID, "%s: key is not base64 of 33 bytes", what);
    }
    if (raw[0] != ALG_ED25519) {
        return seal_error_set(err, SEAL_UNSUPPORTED, "%s: algorithm %u is not Ed25519", what,
                              (unsigned) raw[0]);
    }
    memcpy(name, s, nl);
    name[nl] = '\0';
    *id = ((uint32_t) idb[0] << 24) | ((uint32_t) idb[1] << 16) | ((uint32_t) idb[2] << 8) | idb[3];
    memcpy(key, raw + 1, 32);
    seal__sign_memzero(raw, sizeof(raw));
    return SEAL_OK;
}

static seal_status append_key(seal_buf *out, const char *prefix, const char *name, uint32_t id,
                              const uint8_t key[32])
{
    uint8_t raw[33];
    char b64[64];
    raw[0] = ALG_ED25519;
    memcpy(raw + 1, key, 32);
    seal__base64_encode(b64, sizeof(b64), raw, sizeof(raw));
    seal__sign_memzero(raw, sizeof(raw));
    seal_status s = seal_buf_printf(out, "%s%s+%08x+%s", prefix, name, (unsigned) id, b64);
    seal__sign_memzero(b64, sizeof(b64));
    return s;
}

void seal_note_wipe(seal_buf *b)
{
    if (b->data != NULL) {
        seal__sign_memzero(b->data, b->cap);
    }
    b->len = 0;
}

seal_status seal_note_generate_key(const char *name, seal_buf *skey, seal_buf *vkey,
                                   seal_error *err)
{
    size_t nl = name != NULL ? strlen(name) : 0;
    if (!name_ok(name, nl)) {
        return seal_error_set(err, SEAL_INVALID,
                              "key name must be 1..255 bytes of UTF-8 without spaces or '+'");
    }
    seal_status s;
    uint8_t *secret = seal__sign_secure_alloc(SEAL__ED25519_SEED + SEAL__ED25519_SK);
    uint8_t pk[SEAL__ED25519_PK];
    if (secret == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "no secure memory for a key");
    }
    s = seal__sign_seed_random(secret);
    if (s == SEAL_OK) {
        s = seal__sign_keypair_from_seed(pk, secret + SEAL__ED25519_SEED, secret);
    }
    if (s != SEAL_OK) {
        seal_error_set(err, s, "key generation failed");
        goto out;
    }
    uint32_t id = key_id(name, nl, pk);
    s = append_key(skey, "PRIVATE+KEY+", name, id, secret);
    if (s == SEAL_OK) {
        s = append_key(vkey, "", name, id, pk);
    }
    if (s != SEAL_OK) {
        seal_error_set(err, s, "out of memory");
    }
out:
    seal__sign_secure_free(secret);
    return s;
}

seal_status seal_note_signer_new(const char *skey, size_t len, seal_note_signer **out,
                                 seal_error *err)
{
    static const char pfx[] = "PRIVATE+KEY+";
    seal_status s;
    seal_note_signer *sg = NULL;
    uint8_t *seed = NULL;
    trim(&skey, &len);
    if (len < sizeof(pfx) - 1 || memcmp(skey, pfx, sizeof(pfx) - 1) != 0) {
        return seal_error_set(err, SEAL_INVALID, "signer key: missing PRIVATE+KEY+ prefix");
    }
    sg = seal_calloc(1, sizeof(*sg));
    seed = seal__sign_secure_alloc(32);
    if (sg == NULL || seed == NULL ||
        (sg->sk = seal__sign_secure_alloc(SEAL__ED25519_SK)) == NULL) {
        s = seal_error_set(err, SEAL_NOMEM, "out of memory");
        goto out;
    }
    s = parse_key(skey + sizeof(pfx) - 1, len - (sizeof(pfx) - 1), sg->name, &sg->key_id, seed, err,
                  "signer key");
    if (s != SEAL_OK) {
        goto out;
    }
    s = seal__sign_keypair_from_seed(sg->pk, sg->sk, seed);
    if (s != SEAL_OK) {
        seal_error_set(err, s, "signer key: cannot derive the key pair");
        goto out;
    }
    if (key_id(sg->name, strlen(sg->name), sg->pk) != sg->key_id) {
        s = seal_error_set(err, SEAL_KEY, "signer key: key id does not match the key");
        goto out;
    }
    *out = sg;
    sg = NULL;
out:
    seal__sign_secure_free(seed);
    seal_note_signer_free(sg);
    return s;
}

void seal_note_signer_free(seal_note_signer *s)
{
    if (s == NULL) {
        return;
    }
    seal__sign_secure_free(s->sk);
    seal_free(s);
}

const char *seal_note_signer_name(const seal_note_signer *s)
{
    return s->name;
}

uint32_t seal_note_signer_key_id(const seal_note_signer *s)
{
    return s->key_id;
}

seal_status seal_note_signer_vkey(const seal_note_signer *s, seal_buf *out)
{
    return append_key(out, "", s->name, s->key_id, s->pk);
}

seal_status seal_note_verifier_new(const char *vkey, size_t len, seal_note_verifier **out,
                                   seal_error *err)
{
    trim(&vkey, &len);
    seal_note_verifier *v = seal_calloc(1, sizeof(*v));
    if (v == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "out of memory");
    }
    seal_status s = parse_key(vkey, len, v->name, &v->key_id, v->pk, err, "verifier key");
    if (s == SEAL_OK && key_id(v->name, strlen(v->name), v->pk) != v->key_id) {
        s = seal_error_set(err, SEAL_KEY, "verifier key: key id does not match the key");
    }
    if (s != SEAL_OK) {
        seal_free(v);
        return s;
    }
    *out = v;
    return SEAL_OK;
}

void seal_note_verifier_free(seal_note_verifier *v)
{
    seal_free(v);
}

const char *seal_note_verifier_name(const seal_note_verifier *v)
{
    return v->name;
}

uint32_t seal_note_verifier_key_id(const seal_note_verifier *v)
{
    return v->key_id;
}

/* C2SP signed-note: text is non-empty UTF-8, ends in '\n', has no blank
 * line (the first blank line would end it) and no other control chars. */
static bool note_text_ok(const char *text, size_t len)
{
    if (len == 0 || text[len - 1] != '\n' || text[0] == '\n') {
        return false;
    }
    for (size_t i = 0; i + 1 < len; i++) {
        if (text[i] == '\n' && text[i + 1] == '\n') {
            return false;
        }
    }
    return text_ok(text, len, true);
}

seal_status seal_note_sign(const seal_note_signer *s, const char *text, size_t len, seal_buf *out,
                           seal_error *err)
{
    if (!note_text_ok(text, len)) {
        return seal_error_set(err, SEAL_INVALID,
                              "note text must be UTF-8 lines, each ending in a newline, "
                              "with no blank line or control character");
    }
    uint8_t sig[4 + SEAL__ED25519_SIG];
    sig[0] = (uint8_t) (s->key_id >> 24);
    sig[1] = (uint8_t) (s->key_id >> 16);
    sig[2] = (uint8_t) (s->key_id >> 8);
    sig[3] = (uint8_t) s->key_id;
    seal_status st = seal__sign_detached(sig + 4, text, len, s->sk);
    if (st != SEAL_OK) {
        return seal_error_set(err, st, "signing failed");
    }
    char b64[128];
    seal__base64_encode(b64, sizeof(b64), sig, sizeof(sig));
    st = seal_buf_append(out, text, len);
    if (st == SEAL_OK) {
        st = seal_buf_printf(out, "\n%s%s %s\n", sig_prefix, s->name, b64);
    }
    if (st != SEAL_OK) {
        return seal_error_set(err, st, "out of memory");
    }
    return SEAL_OK;
}

seal_status seal_note_verify(const char *msg, size_t len,
                             const seal_note_verifier *const *verifiers, size_t n_verifiers,
                             size_t *text_len, seal_error *err)
{
    if (len > SEAL_NOTE_MAX_SIZE) {
        return seal_error_set(err, SEAL_CORRUPT, "note: larger than %d bytes", SEAL_NOTE_MAX_SIZE);
    }
    /* The signature block follows the last blank line ("\n\n"), as in
     * Go's note.Open; the text itself may hold no blank line. */
    size_t split = 0;
    bool found = false;
    for (size_t i = len; i >= 2; i--) {
        if (msg[i - 2] == '\n' && msg[i - 1] == '\n') {
            split = i - 1;
            found = true;
            break;
        }
    }
    if (!found || !note_text_ok(msg, split)) {
        return seal_error_set(err, SEAL_CORRUPT,
                              "note: malformed text (no blank line before "
                              "signatures, or a control character)");
    }
    seal_cursor c;
    seal_cursor_init(&c, msg + split + 1, len - split - 1);
    if (seal_cursor_left(&c) == 0) {
        return seal_error_set(err, SEAL_CORRUPT, "note: no signature lines");
    }
    size_t n_sigs = 0, n_good = 0;
    while (seal_cursor_left(&c) > 0) {
        const uint8_t *line = c.data + c.pos;
        const uint8_t *nl = memchr(line, '\n', seal_cursor_left(&c));
        if (nl == NULL) {
            return seal_error_set(err, SEAL_CORRUPT, "note: signature line %zu lacks a newline",
                                  n_sigs + 1);
        }
        size_t ll = (size_t) (nl - line);
        const uint8_t *skip;
        if (seal_cursor_take(&c, &skip, ll + 1) != SEAL_OK) {
            return seal_error_set(err, SEAL_CORRUPT, "note: truncated");
        }
        if (++n_sigs > SEAL_NOTE_MAX_SIGNATURES) {
            return seal_error_set(err, SEAL_CORRUPT, "note: more than %d signatures",
                                  SEAL_NOTE_MAX_SIGNATURES);
        }
        if (ll < SIG_PREFIX_LEN || memcmp(line, sig_prefix, SIG_PREFIX_LEN) != 0) {
            return seal_error_set(err, SEAL_CORRUPT,
                                  "note: signature line %zu does not start with an em dash",
                                  n_sigs);
        }
        const char *name = (const char *) line + SIG_PREFIX_LEN;
        size_t rest = ll - SIG_PREFIX_LEN;
        const char *sp = memchr(name, ' ', rest);
        if (sp == NULL || !name_ok(name, (size_t) (sp - name))) {
            return seal_error_set(err, SEAL_CORRUPT, "note: signature line %zu: bad key name",
                                  n_sigs);
        }
        size_t nlen = (size_t) (sp - name);
        uint8_t sig[256];
        size_t slen = 0;
        if (seal__base64_decode(sig, sizeof(sig), &slen, sp + 1, rest - nlen - 1) != SEAL_OK ||
            slen < 5) {
            return seal_error_set(err, SEAL_CORRUPT,
                                  "note: signature line %zu: bad base64 signature", n_sigs);
        }
        uint32_t id = ((uint32_t) sig[0] << 24) | ((uint32_t) sig[1] << 16) |
                      ((uint32_t) sig[2] << 8) | sig[3];
        for (size_t k = 0; k < n_verifiers; k++) {
            const seal_note_verifier *v = verifiers[k];
            if (v->key_id != id || strlen(v->name) != nlen || memcmp(v->name, name, nlen) != 0) {
                continue;
            }
            if (slen != 4 + SEAL__ED25519_SIG || !seal__sign_verify(sig + 4, msg, split, v->pk)) {
                return seal_error_set(err, SEAL_VERIFY,
                                      "note: signature by %s+%08x does not verify", v->name,
                                      (unsigned) id);
            }
            n_good++;
        }
    }
    if (n_good == 0) {
        return seal_error_set(err, SEAL_KEY, "note: no signature by a known key");
    }
    *text_len = split;
    return SEAL_OK;
}
