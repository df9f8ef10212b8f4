/* test_otp.c — one-time SMS codes: generation, binding, attempts and expiry.
 *
 * The keyed hash is checked against an independent computation by
 * `openssl dgst -sha256 -mac HMAC` over the same message layout, so the
 * stored format is pinned; the policy (5 minutes, 5 attempts, single use)
 * is exercised step by step as the service will drive it.
 */
#include "support/qn_test.h"

#include <stdio.h>
#include <string.h>

#include "sign/otp.h"

static const unsigned char key[32] = "0123456789abcdef0123456789abcdef";
static const char *digest = "fd5ba6fe84967ac71b26b0e3e4bf88b1203c758585711fa331bf9db2ea70c5dc";
static const char *other_digest = "0d5ba6fe84967ac71b26b0e3e4bf88b1203c758585711fa331bf9db2ea70c5dc";
static const char *phone = "+77011234567";

START_TEST(test_generate_format_and_spread)
{
    qn_err err;
    int seen_first[10] = {0};
    char prev[7] = "";
    int repeats = 0;
    for (int i = 0; i < 2000; i++) {
        char code[QN_OTP_DIGITS + 1];
        ck_assert_int_eq(qn_otp_generate(code, &err), QN_OK);
        ck_assert_uint_eq(strlen(code), 6);
        for (int j = 0; j < 6; j++)
            ck_assert(code[j] >= '0' && code[j] <= '9');
        seen_first[code[0] - '0']++;
        repeats += strcmp(code, prev) == 0;
        memcpy(prev, code, sizeof prev);
    }
    /* every leading digit occurs (leading zeros are kept); 2000 draws, p(miss) ~ 1e-91 */
    for (int d = 0; d < 10; d++)
        ck_assert_msg(seen_first[d] > 100, "digit %d seen %d times", d, seen_first[d]);
    ck_assert_int_lt(repeats, 3);
}
END_TEST

START_TEST(test_hash_matches_openssl_hmac)
{
    qn_err err;
    char hex[QN_OTP_HASH_HEX + 1];
    ck_assert_int_eq(qn_otp_hash(key, sizeof key, "042917", digest, phone, hex, &err), QN_OK);
    /* message: "qonaq-otp-v1" NUL code NUL digest NUL phone */
    char path[1200], cmd[2600];
    snprintf(path, sizeof path, "%s/otp_msg", qn_test_tmpdir());
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fwrite("qonaq-otp-v1", 1, 13, f);
    fwrite("042917", 1, 7, f);
    fwrite(digest, 1, 65, f);
    fwrite(phone, 1, strlen(phone), f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "/usr/bin/openssl dgst -sha256 -mac HMAC -macopt key:%.32s -r '%s'",
             (const char *)key, path);
    FILE *p = popen(cmd, "r");
    char line[256] = "";
    ck_assert_ptr_nonnull(fgets(line, sizeof line, p));
    pclose(p);
    line[64] = '\0';
    ck_assert_str_eq(hex, line);

    /* binding: another code, document, phone or key gives another hash */
    char h2[QN_OTP_HASH_HEX + 1];
    ck_assert_int_eq(qn_otp_hash(key, sizeof key, "042918", digest, phone, h2, &err), QN_OK);
    ck_assert_str_ne(hex, h2);
    ck_assert_int_eq(qn_otp_hash(key, sizeof key, "042917", other_digest, phone, h2, &err), QN_OK);
    ck_assert_str_ne(hex, h2);
    ck_assert_int_eq(qn_otp_hash(key, sizeof key, "042917", digest, "+77011234568", h2, &err), QN_OK);
    ck_assert_str_ne(hex, h2);
    unsigned char key2[32];
    memcpy(key2, key, 32);
    key2[31] ^= 1;
    ck_assert_int_eq(qn_otp_hash(key2, sizeof key2, "042917", digest, phone, h2, &err), QN_OK);
    ck_assert_str_ne(hex, h2);
}
END_TEST

START_TEST(test_hash_rejects_bad_input)
{
    qn_err err;
    char h[QN_OTP_HASH_HEX + 1];
    ck_assert_int_eq(qn_otp_hash(key, 16, "042917", digest, phone, h, &err), QN_E_INVALID);
    ck_assert_int_eq(qn_otp_hash(key, 32, "42917", digest, phone, h, &err), QN_E_INVALID);
    qn_err_clear(&err);
    ck_assert_int_eq(qn_otp_hash(key, 32, "04291a", digest, phone, h, &err), QN_E_INVALID);
    ck_assert_str_eq(err.fields[0].field, "code");
    ck_assert_int_eq(qn_otp_hash(key, 32, "042917", "ABC", phone, h, &err), QN_E_INVALID);
    ck_assert_int_eq(qn_otp_hash(key, 32, "042917", digest, "", h, &err), QN_E_INVALID);
    ck_assert_int_eq(qn_otp_hash(key, 32, "042917", digest, "+7 701", h, &err), QN_E_INVALID);
    ck_assert_int_eq(qn_otp_hash(key, 32, "042917", digest, "123456789012345678901234567890123", h, &err),
                     QN_E_INVALID);
}
END_TEST

START_TEST(test_attempt_right_code_once)
{
    qn_err err;
    char code[7];
    qn_otp_record rec;
    ck_assert_int_eq(qn_otp_issue(key, sizeof key, digest, phone, 1000, code, &rec, &err), QN_OK);
    ck_assert_int_eq(rec.issued_at, 1000);
    ck_assert_int_eq(rec.attempts, 0);
    ck_assert_ptr_null(strstr(rec.hash_hex, code));
    ck_assert_int_eq(qn_otp_attempt(key, sizeof key, &rec, code, digest, phone, 1100, &err), QN_OK);
    ck_assert_int_eq(rec.attempts, 1);
    ck_assert_int_eq(rec.used, 1);
    /* single use */
    ck_assert_int_eq(qn_otp_attempt(key, sizeof key, &rec, code, digest, phone, 1101, &err), QN_E_CONFLICT);
    ck_assert_str_eq(err.sub, "otp_used");
}
END_TEST

START_TEST(test_attempt_bound_to_document_and_phone)
{
    qn_err err;
    char code[7];
    qn_otp_record rec;
    ck_assert_int_eq(qn_otp_issue(key, sizeof key, digest, phone, 0, code, &rec, &err), QN_OK);
    ck_assert_int_eq(qn_otp_attempt(key, sizeof key, &rec, code, other_digest, phone, 10, &err),
                     QN_E_SIGNATURE);
    ck_assert_str_eq(err.sub, "otp_mismatch");
    ck_assert_int_eq(qn_otp_attempt(key, sizeof key, &rec, code, digest, "+77000000000", 10, &err),
                     QN_E_SIGNATURE);
    ck_assert_int_eq(rec.attempts, 2);
    ck_assert_int_eq(qn_otp_attempt(key, sizeof key, &rec, code, digest, phone, 10, &err), QN_OK);
}
END_TEST

START_TEST(test_attempt_limit)
{
    qn_err err;
    char code[7], wrong[16];
    qn_otp_record rec;
    ck_assert_int_eq(qn_otp_issue(key, sizeof key, digest, phone, 0, code, &rec, &err), QN_OK);
    snprintf(wrong, sizeof wrong, "%06d", (atoi(code) + 1) % 1000000);
    for (int i = 0; i < QN_OTP_MAX_ATTEMPTS; i++) {
        ck_assert_int_eq(qn_otp_attempts_left(rec.attempts), QN_OTP_MAX_ATTEMPTS - i);
        ck_assert_int_eq(
            qn_otp_attempt(key, sizeof key, &rec, i == 2 ? "12ab56" : wrong, digest, phone, 60, &err),
            QN_E_SIGNATURE);
        ck_assert_str_eq(err.sub, "otp_mismatch");
    }
    ck_assert_int_eq(qn_otp_attempts_left(rec.attempts), 0);
    /* the sixth entry is refused even when right */
    ck_assert_int_eq(qn_otp_attempt(key, sizeof key, &rec, code, digest, phone, 61, &err), QN_E_RATE_LIMITED);
    ck_assert_str_eq(err.sub, "otp_attempts_exhausted");
    ck_assert_int_eq(rec.attempts, QN_OTP_MAX_ATTEMPTS);
    ck_assert_int_eq(rec.used, 0);
}
END_TEST

START_TEST(test_expiry)
{
    qn_err err;
    char code[7];
    qn_otp_record rec;
    ck_assert_int_eq(qn_otp_issue(key, sizeof key, digest, phone, 5000, code, &rec, &err), QN_OK);
    ck_assert(!qn_otp_is_expired(5000, 5000 + QN_OTP_TTL_SECONDS - 1));
    ck_assert(qn_otp_is_expired(5000, 5000 + QN_OTP_TTL_SECONDS));
    ck_assert(qn_otp_is_expired(5000, 4999)); /* clock went back: do not trust */
    ck_assert_int_eq(qn_otp_attempt(key, sizeof key, &rec, code, digest, phone, 5000 + 300, &err),
                     QN_E_SIGNATURE);
    ck_assert_str_eq(err.sub, "otp_expired");
    ck_assert_int_eq(rec.attempts, 0); /* an expired code does not count attempts */
    ck_assert_int_eq(qn_otp_attempt(key, sizeof key, &rec, code, digest, phone, 5000 + 299, &err), QN_OK);
}
END_TEST

START_TEST(test_key_generate)
{
    qn_err err;
    unsigned char a[32], b[32];
    ck_assert_int_eq(qn_otp_key_generate(a, sizeof a, &err), QN_OK);
    ck_assert_int_eq(qn_otp_key_generate(b, sizeof b, &err), QN_OK);
    ck_assert(memcmp(a, b, 32) != 0);
    ck_assert_int_eq(qn_otp_key_generate(a, 16, &err), QN_E_INVALID);
    ck_assert_int_eq(qn_otp_attempts_left(-1), 0);
    ck_assert_int_eq(qn_otp_attempts_left(0), QN_OTP_MAX_ATTEMPTS);
}
END_TEST

static Suite *otp_suite(void)
{
    Suite *s = suite_create("sign_otp");
    TCase *tc = tcase_create("otp");
    tcase_add_test(tc, test_generate_format_and_spread);
    tcase_add_test(tc, test_hash_matches_openssl_hmac);
    tcase_add_test(tc, test_hash_rejects_bad_input);
    tcase_add_test(tc, test_attempt_right_code_once);
    tcase_add_test(tc, test_attempt_bound_to_document_and_phone);
    tcase_add_test(tc, test_attempt_limit);
    tcase_add_test(tc, test_expiry);
    tcase_add_test(tc, test_key_generate);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(otp_suite)
