/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signed notes (C2SP signed-note): the known-answer vector from Go's
 * golang.org/x/mod/sumdb/note tests (Ed25519 is deterministic, so the
 * signature must match byte for byte), key round trips, and refusals:
 * tampered text, bad signatures, unknown keys, malformed notes and keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sealed/note.h"

static const char go_vkey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
static const char go_skey[] =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
static const char go_text[] = "If you think cryptography is the answer to your problem,\n"
                              "then you don't know what your problem is.\n";
static const char go_signed[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "\xe2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

static void test_go_vector(void **state)
{
    (void) state;
    seal_error err;
    seal_error_init(&err);
    seal_note_signer *s = NULL;
    seal_note_verifier *v = NULL;
    assert_int_equal(seal_note_signer_new(go_skey, strlen(go_skey), &s, &err), SEAL_OK);
    assert_int_equal(seal_note_verifier_new(go_vkey, strlen(go_vkey), &v, &err), SEAL_OK);
    assert_string_equal(seal_note_signer_name(s), "PeterNeumann");
    assert_int_equal(seal_note_signer_key_id(s), 0xc74f20a3);
    assert_int_equal(seal_note_verifier_key_id(v), 0xc74f20a3);
    seal_buf out;
    seal_buf_init(&out);
    assert_int_equal(seal_note_signer_vkey(s, &out), SEAL_OK);
    assert_string_equal(seal_buf_str(&out), go_vkey);
    seal_buf_reset(&out);
    assert_int_equal(seal_note_sign(s, go_text, strlen(go_text), &out, &err), SEAL_OK);
    assert_string_equal(seal_buf_str(&out), go_signed);
    size_t tl = 0;
    const seal_note_verifier *vs[1] = {v};
    assert_int_equal(seal_note_verify(go_signed, strlen(go_signed), vs, 1, &tl, &err), SEAL_OK);
    assert_int_equal(tl, strlen(go_text));

    /* Tampered text, tampered signature, truncated, no known key. */
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", go_signed);
    buf[3] ^= 1;
    assert_int_equal(seal_note_verify(buf, strlen(buf), vs, 1, &tl, &err), SEAL_VERIFY);
    assert_string_equal(err.msg, "note: signature by PeterNeumann+c74f20a3 does not verify");
    snprintf(buf, sizeof(buf), "%s", go_signed);
    char *sig = strstr(buf, "x08go");
    sig[10] = sig[10] == 'A' ? 'B' : 'A';
    assert_int_equal(seal_note_verify(buf, strlen(buf), vs, 1, &tl, &err), SEAL_VERIFY);
    assert_int_equal(seal_note_verify(go_signed, strlen(go_signed) - 1, vs, 1, &tl, &err),
                     SEAL_CORRUPT);
    assert_int_equal(seal_note_verify(go_signed, strlen(go_signed), vs, 0, &tl, &err), SEAL_KEY);
    assert_string_equal(err.msg, "note: no signature by a known key");
    assert_int_equal(seal_note_verify(go_text, strlen(go_text), vs, 1, &tl, &err), SEAL_CORRUPT);
    seal_buf_cleanup(&out);
    seal_note_signer_free(s);
    seal_note_verifier_free(v);
}

static void test_generate_and_refusals(void **state)
{
    (void) state;
    seal_error err;
    seal_error_init(&err);
    seal_buf sk, vk, out;
    seal_buf_init(&sk);
    seal_buf_init(&vk);
    seal_buf_init(&out);
    assert_int_equal(seal_note_generate_key("court.example/d-colo", &sk, &vk, &err), SEAL_OK);
    assert_int_equal(strncmp(seal_buf_str(&sk), "PRIVATE+KEY+court.example/d-colo+", 33), 0);
    seal_note_signer *s = NULL;
    seal_note_verifier *v = NULL, *other = NULL;
    assert_int_equal(seal_note_signer_new((const char *) sk.data, sk.len, &s, &err), SEAL_OK);
    seal_note_wipe(&sk);
    assert_int_equal(sk.len, 0);
    assert_int_equal(seal_note_verifier_new((const char *) vk.data, vk.len, &v, &err), SEAL_OK);
    assert_int_equal(seal_note_verifier_new(go_vkey, strlen(go_vkey), &other, &err), SEAL_OK);
    const char text[] = "sealed-order/v1\nissuer court.example/d-colo\n";
    assert_int_equal(seal_note_sign(s, text, strlen(text), &out, &err), SEAL_OK);
    size_t tl = 0;
    const seal_note_verifier *both[2] = {other, v};
    assert_int_equal(seal_note_verify((const char *) out.data, out.len, both, 2, &tl, &err),
                     SEAL_OK);
    assert_int_equal(tl, strlen(text));
    /* Bad texts are refused before signing. */
    seal_buf_reset(&out);
    assert_int_equal(seal_note_sign(s, "no newline", 10, &out, &err), SEAL_INVALID);
    assert_int_equal(seal_note_sign(s, "a\n\nb\n", 5, &out, &err), SEAL_INVALID);
    assert_int_equal(seal_note_sign(s, "tab\there\n", 9, &out, &err), SEAL_INVALID);
    assert_int_equal(seal_note_sign(s, "\xff\n", 2, &out, &err), SEAL_INVALID);
    /* Bad names and keys. */
    assert_int_equal(seal_note_generate_key("has space", &sk, &vk, &err), SEAL_INVALID);
    assert_int_equal(seal_note_generate_key("a+b", &sk, &vk, &err), SEAL_INVALID);
    assert_int_equal(seal_note_generate_key("", &sk, &vk, &err), SEAL_INVALID);
    seal_note_verifier *bad = NULL;
    const char *bad_keys[] = {
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", /* wrong id */
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", /* algorithm */
        "PeterNeumann+c74f20a3",
        "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    };
    for (size_t i = 0; i < sizeof(bad_keys) / sizeof(bad_keys[0]); i++) {
        assert_int_not_equal(seal_note_verifier_new(bad_keys[i], strlen(bad_keys[i]), &bad, &err),
                             SEAL_OK);
    }
    assert_int_equal(seal_note_signer_new(go_vkey, strlen(go_vkey), &s, &err) == SEAL_OK, 0);
    seal_buf_cleanup(&sk);
    seal_buf_cleanup(&vk);
    seal_buf_cleanup(&out);
    seal_note_signer_free(s);
    seal_note_verifier_free(v);
    seal_note_verifier_free(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_go_vector),
        cmocka_unit_test(test_generate_and_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
