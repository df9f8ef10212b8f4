/* verify.h — the short verification code printed on documents, and the URL in their QR code.
 *
 * A printed document carries its number and a verification code; its QR code
 * holds the URL of the public verification page:
 *
 *     <base>/verify/<number>?c=<code>        e.g. https://qonaq.example.kz/verify/KZ-REG-2026-000123?c=PQYABTRIPH
 *
 * (that code is for the secret "test-secret-0123456789abcdef", a vector of tests/doc/test_verify.c)
 *
 * The code is the first QN_DOC_CODE_LEN characters of the RFC 4648 base32
 * encoding (alphabet A-Z 2-7, no padding) of
 *
 *     HMAC-SHA256(key = server secret, message = "qonaq-doc-verify-v1:" || number)
 *
 * i.e. 50 bits. Without the server's secret nobody can make a valid code for a
 * number, so a QR code pointing at a guessed or sequential number is refused
 * by the verification page even if the number exists; the page looks the
 * number up only after qn_doc_verify_code_check accepts the code (and should
 * rate-limit failures). The prefix separates this use of the secret from any
 * other. Changing the secret invalidates every printed code, so the secret is
 * configuration kept for the life of the documents.
 *
 * Pure functions (HMAC via OpenSSL libcrypto); thread-safe, no shared state.
 */
#ifndef QN_DOC_VERIFY_H
#define QN_DOC_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

#define QN_DOC_CODE_LEN 10       /* characters of a verification code */
#define QN_DOC_SECRET_MIN 16     /* bytes; a shorter secret is refused */
#define QN_DOC_SECRET_MAX 256    /* bytes */
#define QN_DOC_NUMBER_MAX 32     /* characters of a document number */
#define QN_DOC_URL_MAX 256       /* bytes of a verification URL, NUL excluded */

/* True when number is a document number qonaq accepts: 1..QN_DOC_NUMBER_MAX
 * characters, each an ASCII letter, digit or '-', so it needs no escaping
 * in a URL path. */
bool qn_doc_number_is_valid(const char *number);

/* Computes the verification code of a document number into code (NUL
 * terminated, QN_DOC_CODE_LEN upper-case characters of A-Z 2-7).
 * secret: secret_len bytes, QN_DOC_SECRET_MIN..QN_DOC_SECRET_MAX.
 * Errors: QN_E_INVALID naming "secret" or "number"; QN_E_INTERNAL if
 * libcrypto fails. code is set to "" on error. */
qn_code qn_doc_verify_code(const unsigned char *secret, size_t secret_len, const char *number,
                           char code[QN_DOC_CODE_LEN + 1], qn_err *err);

/* True when code is the verification code of number under secret. Letters
 * are compared case-insensitively (people type codes); the comparison takes
 * the same time wherever the first difference is. Any invalid argument
 * (bad secret, bad number, wrong length, NULL) gives false. */
bool qn_doc_verify_code_check(const unsigned char *secret, size_t secret_len, const char *number,
                              const char *code);

/* Writes "<base>/verify/<number>?c=<code>" into out (cap bytes). base is the
 * public origin, "https://host[:port]" or "http://..." without a trailing
 * slash (one trailing slash is dropped), no query or fragment.
 * Errors: QN_E_INVALID naming "base", "number" or "code"; QN_E_TOO_LARGE
 * when the URL would exceed QN_DOC_URL_MAX or cap. */
qn_code qn_doc_verify_url(const char *base, const char *number, const char *code, char *out,
                          size_t cap, qn_err *err);

#endif
