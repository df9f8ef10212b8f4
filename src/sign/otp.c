/* otp.c — one-time SMS codes: generation, keyed hash, checked attempts.
 *
 * Codes are drawn by rejection sampling from 32-bit CSPRNG words so that all
 * 10^6 values are equally likely. Only HMAC-SHA256(server key, code, document
 * digest, phone) is stored; comparison uses CRYPTO_memcmp. See otp.h.
 */
#include "sign/otp.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

qn_code qn_otp_generate(char code[QN_OTP_DIGITS + 1], qn_err *err)
{
    /* 4294000000 is the largest multiple of 10^6 below 2^32. */
    for (;;) {
        unsigned char b[4];
        if (RAND_priv_bytes(b, sizeof b) != 1) {
            code[0] = '\0';
            return qn_err_set(err, QN_E_INTERNAL, "the random generator failed");
        }
        uint32_t v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
        if (v < 4294000000u) {
            snprintf(code, QN_OTP_DIGITS + 1, "%06u", (unsigned)(v % 1000000u));
            return QN_OK;
        }
    }
}

qn_code qn_otp_key_generate(unsigned char *key, size_t len, qn_err *err)
{
    if (key == NULL || len < QN_OTP_KEY_MIN)
        return qn_err_set(err, QN_E_INVALID, "the key must have at least %d bytes", QN_OTP_KEY_MIN);
    if (RAND_priv_bytes(key, (int)len) != 1)
        return qn_err_set(err, QN_E_INTERNAL, "the random generator failed");
    return QN_OK;
}

static int all_chars(const char *s, size_t n, const char *set)
{
    if (s == NULL || strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (strchr(set, s[i]) == NULL || s[i] == '\0')
            return 0;
    return 1;
}

static int phone_ok(const char *p)
{
    if (p == NULL)
        return 0;
    size_t n = strlen(p);
    if (n == 0 || n > 32)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] < 0x21 || p[i] > 0x7e)
            return 0;
    return 1;
}

qn_code qn_otp_hash(const unsigned char *key, size_t key_len, const char *code, const char *doc_sha256,
                    const char *phone, char out[QN_OTP_HASH_HEX + 1], qn_err *err)
{
    if (key == NULL || key_len < QN_OTP_KEY_MIN)
        return qn_err_set(err, QN_E_INVALID, "the server key must have at least %d bytes", QN_OTP_KEY_MIN);
    if (!all_chars(code, QN_OTP_DIGITS, "0123456789"))
        return qn_err_field(err, "code", "must be %d digits", QN_OTP_DIGITS);
    if (!all_chars(doc_sha256, 64, "0123456789abcdef"))
        return qn_err_field(err, "doc_sha256", "must be 64 lower-case hex digits");
    if (!phone_ok(phone))
        return qn_err_field(err, "phone", "must be 1 to 32 printable characters");

    unsigned char msg[13 + 1 + QN_OTP_DIGITS + 1 + 64 + 1 + 32];
    size_t n = 0;
    memcpy(msg, "qonaq-otp-v1", 13); /* with its NUL */
    n = 13;
    memcpy(msg + n, code, QN_OTP_DIGITS + 1);
    n += QN_OTP_DIGITS + 1;
    memcpy(msg + n, doc_sha256, 65);
    n += 65;
    size_t plen = strlen(phone);
    memcpy(msg + n, phone, plen);
    n += plen;

    unsigned char mac[32];
    unsigned int mac_len = 0;
    if (HMAC(EVP_sha256(), key, (int)key_len, msg, n, mac, &mac_len) == NULL || mac_len != 32) {
        OPENSSL_cleanse(msg, sizeof msg);
        return qn_err_set(err, QN_E_INTERNAL, "HMAC-SHA256 failed");
    }
    OPENSSL_cleanse(msg, sizeof msg);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", mac[i]);
    return QN_OK;
}

qn_code qn_otp_issue(const unsigned char *key, size_t key_len, const char *doc_sha256, const char *phone,
                     int64_t now, char code_out[QN_OTP_DIGITS + 1], qn_otp_record *rec, qn_err *err)
{
    if (rec == NULL || code_out == NULL)
        return qn_err_set(err, QN_E_INVALID, "no output for the code");
    memset(rec, 0, sizeof *rec);
    qn_code rc = qn_otp_generate(code_out, err);
    if (rc == QN_OK)
        rc = qn_otp_hash(key, key_len, code_out, doc_sha256, phone, rec->hash_hex, err);
    if (rc != QN_OK) {
        OPENSSL_cleanse(code_out, QN_OTP_DIGITS + 1);
        memset(rec, 0, sizeof *rec);
        return rc;
    }
    rec->issued_at = now;
    return QN_OK;
}

int qn_otp_is_expired(int64_t issued_at, int64_t now)
{
    return now - issued_at >= QN_OTP_TTL_SECONDS || now < issued_at;
}

int qn_otp_attempts_left(int attempts)
{
    if (attempts < 0)
        return 0;
    return attempts >= QN_OTP_MAX_ATTEMPTS ? 0 : QN_OTP_MAX_ATTEMPTS - attempts;
}

qn_code qn_otp_attempt(const unsigned char *key, size_t key_len, qn_otp_record *rec, const char *entered,
                       const char *doc_sha256, const char *phone, int64_t now, qn_err *err)
{
    if (rec == NULL)
        return qn_err_set(err, QN_E_INVALID, "no code record");
    if (rec->used) {
        qn_err_set(err, QN_E_CONFLICT, "this code has already been used");
        qn_err_sub(err, "otp_used");
        return QN_E_CONFLICT;
    }
    if (qn_otp_is_expired(rec->issued_at, now)) {
        qn_err_set(err, QN_E_SIGNATURE, "the code has expired; request a new one");
        qn_err_sub(err, "otp_expired");
        return QN_E_SIGNATURE;
    }
    if (qn_otp_attempts_left(rec->attempts) == 0) {
        qn_err_set(err, QN_E_RATE_LIMITED, "too many wrong codes; request a new one");
        qn_err_sub(err, "otp_attempts_exhausted");
        return QN_E_RATE_LIMITED;
    }
    rec->attempts++;
    char want[QN_OTP_HASH_HEX + 1];
    /* A malformed entry is simply a wrong code: same answer, attempt counted. */
    char code[QN_OTP_DIGITS + 1] = "";
    if (entered != NULL && all_chars(entered, QN_OTP_DIGITS, "0123456789"))
        memcpy(code, entered, sizeof code);
    int match = 0;
    if (code[0] != '\0') {
        qn_err tmp;
        qn_err_clear(&tmp);
        qn_code rc = qn_otp_hash(key, key_len, code, doc_sha256, phone, want, &tmp);
        if (rc != QN_OK) {
            if (err)
                *err = tmp;
            return rc;
        }
        match = CRYPTO_memcmp(want, rec->hash_hex, QN_OTP_HASH_HEX) == 0;
    }
    OPENSSL_cleanse(code, sizeof code);
    if (!match) {
        qn_err_set(err, QN_E_SIGNATURE, "wrong code; %d attempt(s) left",
                   qn_otp_attempts_left(rec->attempts));
        qn_err_sub(err, "otp_mismatch");
        return QN_E_SIGNATURE;
    }
    rec->used = 1;
    qn_err_clear(err);
    return QN_OK;
}
