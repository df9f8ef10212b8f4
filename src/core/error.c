/* error.c — the table that names each qn_code and maps it to HTTP. */
#include "error.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    const char *title;
    int status;
} code_table[QN_CODE_COUNT] = {
    [QN_OK] = {"ok", "OK", 200},
    [QN_E_INVALID] = {"invalid", "Validation failed", 422},
    [QN_E_BAD_REQUEST] = {"bad_request", "Malformed request", 400},
    [QN_E_UNAUTHORIZED] = {"unauthorized", "Authentication required", 401},
    [QN_E_FORBIDDEN] = {"forbidden", "Not allowed", 403},
    [QN_E_NOT_FOUND] = {"not_found", "Not found", 404},
    [QN_E_CONFLICT] = {"conflict", "Conflict", 409},
    [QN_E_TOO_LARGE] = {"too_large", "Too large", 413},
    [QN_E_RATE_LIMITED] = {"rate_limited", "Too many requests", 429},
    [QN_E_SIGNATURE] = {"signature_refused", "Signature refused", 422},
    [QN_E_UNAVAILABLE] = {"unavailable", "Service unavailable", 503},
    [QN_E_NOMEM] = {"out_of_memory", "Out of memory", 500},
    [QN_E_INTERNAL] = {"internal", "Internal error", 500},
};

static int code_ok(qn_code code) { return code >= QN_OK && code < QN_CODE_COUNT; }

void qn_err_clear(qn_err *e)
{
    if (e == NULL)
        return;
    e->code = QN_OK;
    e->sub[0] = '\0';
    e->message[0] = '\0';
    e->n_fields = 0;
    e->n_fields_dropped = 0;
}

qn_code qn_err_set(qn_err *e, qn_code code, const char *fmt, ...)
{
    if (e == NULL)
        return code;
    e->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return code;
}

void qn_err_sub(qn_err *e, const char *sub)
{
    if (e == NULL || sub == NULL)
        return;
    snprintf(e->sub, sizeof e->sub, "%s", sub);
}

qn_code qn_err_field(qn_err *e, const char *field, const char *fmt, ...)
{
    if (e == NULL)
        return QN_E_INVALID;
    if (e->code == QN_OK)
        e->code = QN_E_INVALID;
    if (e->message[0] == '\0')
        snprintf(e->message, sizeof e->message, "invalid input");
    if (e->n_fields >= QN_ERR_MAX_FIELDS) {
        e->n_fields_dropped++;
        return QN_E_INVALID;
    }
    qn_field_error *f = &e->fields[e->n_fields++];
    snprintf(f->field, sizeof f->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->reason, sizeof f->reason, fmt, ap);
    va_end(ap);
    return QN_E_INVALID;
}

const char *qn_code_name(qn_code code) { return code_ok(code) ? code_table[code].name : "internal"; }

const char *qn_code_title(qn_code code) { return code_ok(code) ? code_table[code].title : "Internal error"; }

int qn_code_http_status(qn_code code) { return code_ok(code) ? code_table[code].status : 500; }
