/* test_verify.c — verification codes and URLs of printed documents (src/doc/verify.h).
 *
 * The expected codes were computed outside qonaq, with the OpenSSL and
 * coreutils command-line tools:
 *   printf 'qonaq-doc-verify-v1:KZ-REG-2026-000123' |
 *     openssl dgst -sha256 -hmac 'test-secret-0123456789abcdef' -binary | head -c 7 | base32 | cut -c1-10
 */
#include <string.h>

#include "core/error.h"
#include "doc/verify.h"
#include "support/qn_test.h"

static const unsigned char secret[] = "test-secret-0123456789abcdef";
#define SECRET_LEN (sizeof secret - 1)

START_TEST(code_matches_independent_vectors)
{
    static const struct {
        const char *number, *code;
    } vectors[] = {{"KZ-REG-2026-000123", "PQYABTRIPH"}, {"EV-2026-7", "63H5RAMZN7"}};
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        char code[QN_DOC_CODE_LEN + 1];
        qn_err err;
        qn_err_clear(&err);
        ck_assert_int_eq(qn_doc_verify_code(secret, SECRET_LEN, vectors[i].number, code, &err), QN_OK);
        ck_assert_str_eq(code, vectors[i].code);
        ck_assert(qn_doc_verify_code_check(secret, SECRET_LEN, vectors[i].number, vectors[i].code));
    }
}
END_TEST

START_TEST(code_depends_on_number_and_secret)
{
    char a[QN_DOC_CODE_LEN + 1], b[QN_DOC_CODE_LEN + 1], c[QN_DOC_CODE_LEN + 1];
    static const unsigned char other[] = "another-secret-0123456789";
    ck_assert_int_eq(qn_doc_verify_code(secret, SECRET_LEN, "KZ-1", a, NULL), QN_OK);
    ck_assert_int_eq(qn_doc_verify_code(secret, SECRET_LEN, "KZ-2", b, NULL), QN_OK);
    ck_assert_int_eq(qn_doc_verify_code(other, sizeof other - 1, "KZ-1", c, NULL), QN_OK);
    ck_assert_str_ne(a, b);
    ck_assert_str_ne(a, c);
    for (int i = 0; i < QN_DOC_CODE_LEN; i++)
        ck_assert_msg(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", a[i]) != NULL, "char %c", a[i]);
    ck_assert_uint_eq(strlen(a), QN_DOC_CODE_LEN);
    /* The code of one number does not open another, nor under another secret. */
    ck_assert(!qn_doc_verify_code_check(secret, SECRET_LEN, "KZ-2", a));
    ck_assert(!qn_doc_verify_code_check(other, sizeof other - 1, "KZ-1", a));
}
END_TEST

START_TEST(check_accepts_lower_case_and_refuses_near_misses)
{
    const char *number = "KZ-REG-2026-000123";
    ck_assert(qn_doc_verify_code_check(secret, SECRET_LEN, number, "pqyabtriph"));
    ck_assert(qn_doc_verify_code_check(secret, SECRET_LEN, number, "PqYaBtRiPh"));
    ck_assert(!qn_doc_verify_code_check(secret, SECRET_LEN, number, "PQYABTRIPI"));
    ck_assert(!qn_doc_verify_code_check(secret, SECRET_LEN, number, "QQYABTRIPH"));
    ck_assert(!qn_doc_verify_code_check(secret, SECRET_LEN, number, "PQYABTRIP"));
    ck_assert(!qn_doc_verify_code_check(secret, SECRET_LEN, number, "PQYABTRIPHX"));
    ck_assert(!qn_doc_verify_code_check(secret, SECRET_LEN, number, ""));
    ck_assert(!qn_doc_verify_code_check(secret, SECRET_LEN, number, NULL));
    ck_assert(!qn_doc_verify_code_check(secret, SECRET_LEN, NULL, "PQYABTRIPH"));
    ck_assert(!qn_doc_verify_code_check(secret, 8, number, "PQYABTRIPH"));
    ck_assert(!qn_doc_verify_code_check(NULL, SECRET_LEN, number, "PQYABTRIPH"));
}
END_TEST

START_TEST(code_refuses_bad_secret_and_number)
{
    char code[QN_DOC_CODE_LEN + 1] = "x";
    qn_err err;
    qn_err_clear(&err);
    ck_assert_int_eq(qn_doc_verify_code(secret, QN_DOC_SECRET_MIN - 1, "KZ-1", code, &err), QN_E_INVALID);
    ck_assert_str_eq(err.fields[0].field, "secret");
    ck_assert_str_eq(code, "");

    static const char *const bad_numbers[] = {"", "KZ 1", "KZ/1", "KZ-1?c=A", "№1", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"};
    for (size_t i = 0; i < sizeof bad_numbers / sizeof bad_numbers[0]; i++) {
        qn_err_clear(&err);
        ck_assert_int_eq(qn_doc_verify_code(secret, SECRET_LEN, bad_numbers[i], code, &err), QN_E_INVALID);
        ck_assert_str_eq(err.fields[0].field, "number");
        ck_assert(!qn_doc_number_is_valid(bad_numbers[i]));
    }
    ck_assert(qn_doc_number_is_valid("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345")); /* 32: the limit */
    ck_assert(!qn_doc_number_is_valid(NULL));
}
END_TEST

START_TEST(url_has_the_documented_format)
{
    char url[QN_DOC_URL_MAX + 1];
    qn_err err;
    qn_err_clear(&err);
    ck_assert_int_eq(qn_doc_verify_url("https://qonaq.example.kz", "KZ-REG-2026-000123", "PQYABTRIPH", url,
                                       sizeof url, &err),
                     QN_OK);
    ck_assert_str_eq(url, "https://qonaq.example.kz/verify/KZ-REG-2026-000123?c=PQYABTRIPH");
    ck_assert_int_eq(qn_doc_verify_url("http://localhost:8080/", "A1", "PQYABTRIPH", url, sizeof url, &err), QN_OK);
    ck_assert_str_eq(url, "http://localhost:8080/verify/A1?c=PQYABTRIPH");
    ck_assert_int_eq(qn_doc_verify_url("https://gov.example/qonaq", "A1", "PQYABTRIPH", url, sizeof url, &err),
                     QN_OK);
    ck_assert_str_eq(url, "https://gov.example/qonaq/verify/A1?c=PQYABTRIPH");
}
END_TEST

START_TEST(url_refuses_bad_parts)
{
    static const struct {
        const char *base, *number, *code, *field;
    } bad[] = {
        {"ftp://x.kz", "A1", "PQYABTRIPH", "base"},
        {"https://x.kz?a=1", "A1", "PQYABTRIPH", "base"},
        {"https://x.kz#f", "A1", "PQYABTRIPH", "base"},
        {"https://x .kz", "A1", "PQYABTRIPH", "base"},
        {"https://", "A1", "PQYABTRIPH", "base"},
        {"https://user@x.kz", "A1", "PQYABTRIPH", "base"},
        {NULL, "A1", "PQYABTRIPH", "base"},
        {"https://x.kz", "A/1", "PQYABTRIPH", "number"},
        {"https://x.kz", "A1", "pqyabtriph", "code"},
        {"https://x.kz", "A1", "PQYABTRIP1", "code"},
        {"https://x.kz", "A1", "PQYAB", "code"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char url[QN_DOC_URL_MAX + 1];
        qn_err err;
        qn_err_clear(&err);
        ck_assert_int_eq(qn_doc_verify_url(bad[i].base, bad[i].number, bad[i].code, url, sizeof url, &err),
                         QN_E_INVALID);
        ck_assert_msg(strcmp(err.fields[0].field, bad[i].field) == 0, "case %zu: field %s", i,
                      err.fields[0].field);
        ck_assert_str_eq(url, "");
    }
    /* Too long for the limit, and too long for the caller's buffer. */
    char base[300] = "https://";
    memset(base + 8, 'a', 240);
    base[248] = '\0';
    char url[QN_DOC_URL_MAX + 1], small[20];
    qn_err err;
    qn_err_clear(&err);
    ck_assert_int_eq(qn_doc_verify_url(base, "A1", "PQYABTRIPH", url, sizeof url, &err), QN_E_TOO_LARGE);
    ck_assert_int_eq(qn_doc_verify_url("https://x.kz", "A1", "PQYABTRIPH", small, sizeof small, &err),
                     QN_E_TOO_LARGE);
}
END_TEST

static Suite *verify_suite(void)
{
    Suite *s = suite_create("doc_verify");
    TCase *tc = tcase_create("verify");
    tcase_add_test(tc, code_matches_independent_vectors);
    tcase_add_test(tc, code_depends_on_number_and_secret);
    tcase_add_test(tc, check_accepts_lower_case_and_refuses_near_misses);
    tcase_add_test(tc, code_refuses_bad_secret_and_number);
    tcase_add_test(tc, url_has_the_documented_format);
    tcase_add_test(tc, url_refuses_bad_parts);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(verify_suite)
