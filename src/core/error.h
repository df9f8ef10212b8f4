/* error.h — the one error type of qonaq.
 *
 * Every fallible function in qonaq returns a qn_code and, where the caller
 * passes one, fills a qn_err with a human sentence and, for validation
 * failures, the list of offending fields with a reason each. Results travel
 * through out-parameters. Each code maps to exactly one HTTP status and one
 * stable machine string ("invalid", "not_found", ...) in the table of
 * error.c, so the HTTP layer never invents its own mapping.
 *
 * Pure: no I/O, no allocation. Thread-safe (no shared state).
 */
#ifndef QN_ERROR_H
#define QN_ERROR_H

#include <stdarg.h>
#include <stddef.h>

typedef enum {
    QN_OK = 0,
    QN_E_INVALID,        /* input fails validation: 422 */
    QN_E_BAD_REQUEST,    /* malformed request (not JSON, wrong type): 400 */
    QN_E_UNAUTHORIZED,   /* no or bad credentials: 401 */
    QN_E_FORBIDDEN,      /* authenticated but not allowed: 403 */
    QN_E_NOT_FOUND,      /* no such record (or not visible to the caller): 404 */
    QN_E_CONFLICT,       /* uniqueness, idempotency key reuse, illegal transition: 409 */
    QN_E_TOO_LARGE,      /* body or field over its bound: 413 */
    QN_E_RATE_LIMITED,   /* too many attempts: 429 */
    QN_E_SIGNATURE,      /* signature refused; the message names the reason: 422 */
    QN_E_UNAVAILABLE,    /* database or dependency unreachable: 503 */
    QN_E_NOMEM,          /* out of memory: 500 */
    QN_E_INTERNAL,       /* a bug or an unexpected library failure: 500 */
    QN_CODE_COUNT
} qn_code;

#define QN_ERR_MAX_FIELDS 16

typedef struct {
    char field[96];   /* JSON-pointer-like path: "foreigner.document.expires", "rows[3].arrival_date" */
    char reason[192]; /* what is wrong, in a sentence fragment: "is not a valid date (2026-02-30)" */
} qn_field_error;

typedef struct {
    qn_code code;
    char sub[48];      /* optional finer machine code, e.g. "digest_mismatch", "late" */
    char message[256]; /* one sentence for a person */
    size_t n_fields;
    qn_field_error fields[QN_ERR_MAX_FIELDS];
    size_t n_fields_dropped; /* field errors past QN_ERR_MAX_FIELDS */
} qn_err;

/* Resets e to QN_OK with no message and no fields. e may be NULL. */
void qn_err_clear(qn_err *e);

/* Sets code and a printf-style message; returns code so callers can
 * `return qn_err_set(e, QN_E_INVALID, "...")`. e may be NULL. */
qn_code qn_err_set(qn_err *e, qn_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Sets the finer machine code (copied, truncated to fit). e may be NULL. */
void qn_err_sub(qn_err *e, const char *sub);

/* Appends a field error and sets e->code to QN_E_INVALID if it was QN_OK.
 * The message, if still empty, becomes "invalid input". Returns QN_E_INVALID. */
qn_code qn_err_field(qn_err *e, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The stable machine name of a code: "ok", "invalid", "not_found", ... */
const char *qn_code_name(qn_code code);

/* A short title for a code: "Validation failed", "Not found", ... */
const char *qn_code_title(qn_code code);

/* The HTTP status a code maps to (200 for QN_OK). */
int qn_code_http_status(qn_code code);

#endif
