/* verify.c — verification codes and URLs of printed documents (see verify.h).
 *
 * HMAC-SHA256 through OpenSSL's one-shot HMAC(); the first 50 bits of the
 * digest become ten base32 characters. Codes are compared with CRYPTO_memcmp
 * after upper-casing, so the time taken does not tell how much of a guessed
 * code was right.
 */
#include "doc/verify.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

static const char domain_prefix[] = "qonaq-doc-verify-v1:";
static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

bool qn_doc_number_is_valid(const char *number)
{
    if (number == NULL)
        return false;
    size_t n = 0;
    for (const char *p = number; *p; p++, n++) {
        char c = *p;
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        if (!ok || n >= QN_DOC_NUMBER_MAX)
            return false;
    }
    return n > 0;
}

qn_code qn_doc_verify_code(const unsigned char *secret, size_t secret_len, const char *number,
                           char code[QN_DOC_CODE_LEN + 1], qn_err *err)
{
    if (code)
        code[0] = '\0';
    if (secret == NULL || secret_len < QN_DOC_SECRET_MIN || secret_len > QN_DOC_SECRET_MAX)
        return qn_err_field(err, "secret", "must be %d to %d bytes", QN_DOC_SECRET_MIN, QN_DOC_SECRET_MAX);
    if (!qn_doc_number_is_valid(number))
        return qn_err_field(err, "number", "must be 1 to %d letters, digits or '-'", QN_DOC_NUMBER_MAX);
    if (code == NULL)
        return qn_err_set(err, QN_E_INTERNAL, "no buffer for the verification code");

    unsigned char msg[sizeof domain_prefix - 1 + QN_DOC_NUMBER_MAX];
    size_t prefix_len = sizeof domain_prefix - 1, number_len = strlen(number);
    memcpy(msg, domain_prefix, prefix_len);
    memcpy(msg + prefix_len, number, number_len);

    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    if (HMAC(EVP_sha256(), secret, (int)secret_len, msg, prefix_len + number_len, mac, &mac_len) == NULL ||
        mac_len < 7)
        return qn_err_set(err, QN_E_INTERNAL, "HMAC-SHA256 failed in libcrypto");

    /* 10 characters x 5 bits = 50 bits, taken from the first 7 bytes. */
    unsigned long long bits = 0;
    for (int i = 0; i < 7; i++)
        bits = (bits << 8) | mac[i];
    for (int i = 0; i < QN_DOC_CODE_LEN; i++)
        code[i] = base32_alphabet[(bits >> (56 - 5 * (i + 1))) & 31u];
    code[QN_DOC_CODE_LEN] = '\0';
    OPENSSL_cleanse(mac, sizeof mac);
    return QN_OK;
}

bool qn_doc_verify_code_check(const unsigned char *secret, size_t secret_len, const char *number,
                              const char *code)
{
    if (code == NULL || strnlen(code, QN_DOC_CODE_LEN + 1) != QN_DOC_CODE_LEN)
        return false;
    char expected[QN_DOC_CODE_LEN + 1];
    if (qn_doc_verify_code(secret, secret_len, number, expected, NULL) != QN_OK)
        return false;
    char given[QN_DOC_CODE_LEN];
    for (int i = 0; i < QN_DOC_CODE_LEN; i++) {
        char c = code[i];
        given[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    return CRYPTO_memcmp(given, expected, QN_DOC_CODE_LEN) == 0;
}

static bool code_is_valid(const char *code)
{
    if (code == NULL || strlen(code) != QN_DOC_CODE_LEN)
        return false;
    for (const char *p = code; *p; p++)
        if (strchr(base32_alphabet, *p) == NULL)
            return false;
    return true;
}

static bool base_is_valid(const char *base, size_t len)
{
    size_t scheme;
    if (strncmp(base, "https://", 8) == 0)
        scheme = 8;
    else if (strncmp(base, "http://", 7) == 0)
        scheme = 7;
    else
        return false;
    if (len <= scheme)
        return false;
    /* A host, an optional port, an optional path prefix: URL-safe printable
     * ASCII only, no query, fragment, user info or whitespace. */
    for (size_t i = scheme; i < len; i++) {
        unsigned char c = (unsigned char)base[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.' || c == ':' || c == '/' || c == '_' || c == '~' || c == '[' ||
                  c == ']';
        if (!ok)
            return false;
    }
    return base[scheme] != '/';
}

qn_code qn_doc_verify_url(const char *base, const char *number, const char *code, char *out,
                          size_t cap, qn_err *err)
{
    if (out && cap)
        out[0] = '\0';
    size_t base_len = base ? strnlen(base, QN_DOC_URL_MAX + 1) : 0;
    if (base_len > 0 && base[base_len - 1] == '/')
        base_len--;
    if (base == NULL || !base_is_valid(base, base_len))
        return qn_err_field(err, "base", "must be an http:// or https:// origin without query or fragment");
    if (!qn_doc_number_is_valid(number))
        return qn_err_field(err, "number", "must be 1 to %d letters, digits or '-'", QN_DOC_NUMBER_MAX);
    if (!code_is_valid(code))
        return qn_err_field(err, "code", "must be %d characters of A-Z and 2-7", QN_DOC_CODE_LEN);
    size_t need = base_len + strlen("/verify/") + strlen(number) + strlen("?c=") + QN_DOC_CODE_LEN;
    if (need > QN_DOC_URL_MAX || out == NULL || need + 1 > cap)
        return qn_err_set(err, QN_E_TOO_LARGE, "the verification URL would be %zu bytes (limit %d)", need,
                          QN_DOC_URL_MAX);
    snprintf(out, cap, "%.*s/verify/%s?c=%s", (int)base_len, base, number, code);
    return QN_OK;
}
