/* otp.h — one-time codes for signing by SMS (the crypto and policy part).
 *
 * The SMS path: the service generates a 6-digit code, stores only its hash
 * (HMAC-SHA256 under a server key, bound to the digest of the document being
 * signed and to the phone number it is sent to), and sends the code. When the
 * person types it, qn_otp_attempt checks the time limit (5 minutes) and the
 * attempt limit (5), counts the attempt and compares in constant time. A code
 * is useless for another document or another phone because both are inside
 * the MAC. Storage and delivery belong to store/service.
 *
 * No I/O, no global state; reentrant. Uses the OpenSSL CSPRNG and HMAC.
 */
#ifndef QN_OTP_H
#define QN_OTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define QN_OTP_DIGITS 6
#define QN_OTP_TTL_SECONDS 300 /* a code is valid 5 minutes after issue */
#define QN_OTP_MAX_ATTEMPTS 5  /* at most 5 entries per code, right or wrong */
#define QN_OTP_KEY_MIN 32      /* bytes of server key, at least */
#define QN_OTP_HASH_HEX 64     /* hex characters of a stored hash */

/* What the service stores per issued code (no code in clear). */
typedef struct {
    char hash_hex[QN_OTP_HASH_HEX + 1]; /* qn_otp_hash of the code */
    int64_t issued_at;                  /* Unix seconds */
    int attempts;                       /* entries so far */
    int used;                           /* 1 once a right code was entered */
} qn_otp_record;

/* Writes a fresh uniformly random 6-digit code ("000000".."999999") into
 * code (7 bytes). Errors: QN_E_INTERNAL if the CSPRNG fails. */
qn_code qn_otp_generate(char code[QN_OTP_DIGITS + 1], qn_err *err);

/* Writes a fresh random server key of `len` bytes (>= QN_OTP_KEY_MIN). */
qn_code qn_otp_key_generate(unsigned char *key, size_t len, qn_err *err);

/* HMAC-SHA256(key, "qonaq-otp-v1" NUL code NUL doc_sha256 NUL phone) as 64
 * lower-case hex into out. code must be 6 digits, doc_sha256 64 hex, phone
 * 1..32 printable characters, key at least QN_OTP_KEY_MIN bytes.
 * Errors: QN_E_INVALID naming the bad argument; QN_E_INTERNAL. */
qn_code qn_otp_hash(const unsigned char *key, size_t key_len, const char *code, const char *doc_sha256,
                    const char *phone, char out[QN_OTP_HASH_HEX + 1], qn_err *err);

/* Issues a code: generates it into code_out and fills rec (hash, issued_at =
 * now, attempts = 0). The caller stores rec and sends code_out. */
qn_code qn_otp_issue(const unsigned char *key, size_t key_len, const char *doc_sha256, const char *phone,
                     int64_t now, char code_out[QN_OTP_DIGITS + 1], qn_otp_record *rec, qn_err *err);

/* 1 if the code issued at issued_at has expired at now (5 minutes), else 0. */
int qn_otp_is_expired(int64_t issued_at, int64_t now);

/* Attempts left before the code is locked (0..QN_OTP_MAX_ATTEMPTS). */
int qn_otp_attempts_left(int attempts);

/* Checks an entered code against rec. Order: already used -> QN_E_CONFLICT
 * sub "otp_used"; expired -> QN_E_SIGNATURE sub "otp_expired"; attempts
 * exhausted -> QN_E_RATE_LIMITED sub "otp_attempts_exhausted"; otherwise the
 * attempt is counted (rec->attempts++) and the hashes are compared in
 * constant time: QN_OK (rec->used = 1) or QN_E_SIGNATURE sub "otp_mismatch".
 * The caller must persist rec after every call, before answering. */
qn_code qn_otp_attempt(const unsigned char *key, size_t key_len, qn_otp_record *rec, const char *entered,
                       const char *doc_sha256, const char *phone, int64_t now, qn_err *err);

#endif
