/* json_in.c — the field decoders of json_in.h. */
#include "http/json_in.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void qn_jin_init(qn_jin *d, qn_err *err)
{
    d->err = err;
    d->malformed = false;
    qn_err_clear(err);
}

const char *qn_jin_path(char *buf, size_t len, const char *path, const char *key)
{
    if (path && path[0] && key && key[0])
        snprintf(buf, len, "%s.%s", path, key);
    else if (key && key[0])
        snprintf(buf, len, "%s", key);
    else
        snprintf(buf, len, "%s", path ? path : "");
    return buf;
}

static void vrecord(qn_jin *d, bool shape, const char *path, const char *key, const char *fmt, va_list ap)
{
    char where[96], reason[192];
    qn_jin_path(where, sizeof where, path, key);
    vsnprintf(reason, sizeof reason, fmt, ap);
    qn_err_field(d->err, where[0] ? where : "(body)", "%s", reason);
    if (shape)
        d->malformed = true;
}

void qn_jin_bad(qn_jin *d, const char *path, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vrecord(d, false, path, key, fmt, ap);
    va_end(ap);
}

void qn_jin_shape(qn_jin *d, const char *path, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vrecord(d, true, path, key, fmt, ap);
    va_end(ap);
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "a value";
}

bool qn_jin_object(qn_jin *d, const json_t *v, const char *path, const char *const *allowed)
{
    if (!json_is_object(v)) {
        qn_jin_shape(d, path, NULL, "must be an object, not %s", v ? type_name(v) : "nothing");
        return false;
    }
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)v, key, val)
    {
        bool known = false;
        for (size_t i = 0; allowed && allowed[i]; i++)
            if (strcmp(allowed[i], key) == 0) {
                known = true;
                break;
            }
        if (!known) {
            char shown[48];
            snprintf(shown, sizeof shown, "%s", key);
            qn_jin_shape(d, path, shown, "is not a known field");
        }
    }
    return true;
}

/* The member, or NULL when absent or JSON null. Records "is required". */
static const json_t *member(qn_jin *d, const json_t *obj, const char *path, const char *key, bool required)
{
    const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    if (v == NULL || json_is_null(v)) {
        if (required)
            qn_jin_bad(d, path, key, "is required");
        return NULL;
    }
    return v;
}

const json_t *qn_jin_obj(qn_jin *d, const json_t *obj, const char *path, const char *key, bool required,
                         const char *const *allowed)
{
    const json_t *v = member(d, obj, path, key, required);
    if (v == NULL)
        return NULL;
    char where[96];
    qn_jin_path(where, sizeof where, path, key);
    return qn_jin_object(d, v, where, allowed) ? v : NULL;
}

const char *qn_jin_str(qn_jin *d, const json_t *obj, const char *path, const char *key, size_t max_len,
                       bool required)
{
    const json_t *v = member(d, obj, path, key, required);
    if (v == NULL)
        return NULL;
    if (!json_is_string(v)) {
        qn_jin_shape(d, path, key, "must be a string, not %s", type_name(v));
        return NULL;
    }
    size_t len = json_string_length(v);
    const char *s = json_string_value(v);
    if (len == 0) {
        if (required)
            qn_jin_bad(d, path, key, "must not be empty");
        return NULL;
    }
    if (len > max_len) {
        qn_jin_bad(d, path, key, "is longer than %zu bytes (%zu)", max_len, len);
        return NULL;
    }
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
            qn_jin_bad(d, path, key, "contains a control character");
            return NULL;
        }
    return s;
}

bool qn_jin_date(qn_jin *d, const json_t *obj, const char *path, const char *key, bool required,
                 qn_date_t *out)
{
    *out = QN_DATE_NONE;
    const json_t *v = member(d, obj, path, key, required);
    if (v == NULL)
        return false;
    if (!json_is_string(v)) {
        qn_jin_shape(d, path, key, "must be a date string YYYY-MM-DD, not %s", type_name(v));
        return false;
    }
    const char *reason = NULL;
    if (!qn_date_parse(json_string_value(v), json_string_length(v), out, &reason)) {
        char shown[24];
        snprintf(shown, sizeof shown, "%.20s", json_string_value(v));
        qn_jin_bad(d, path, key, "%s (%s)", reason ? reason : "is not a valid date", shown);
        *out = QN_DATE_NONE;
        return false;
    }
    return true;
}

bool qn_jin_int(qn_jin *d, const json_t *obj, const char *path, const char *key, bool required, long long min,
                long long max, long long *out)
{
    const json_t *v = member(d, obj, path, key, required);
    if (v == NULL)
        return false;
    if (!json_is_integer(v)) {
        qn_jin_shape(d, path, key, "must be an integer, not %s", type_name(v));
        return false;
    }
    long long x = (long long)json_integer_value(v);
    if (x < min || x > max) {
        qn_jin_bad(d, path, key, "must be between %lld and %lld", min, max);
        return false;
    }
    *out = x;
    return true;
}

bool qn_jin_bool(qn_jin *d, const json_t *obj, const char *path, const char *key, bool *out)
{
    const json_t *v = member(d, obj, path, key, false);
    if (v == NULL)
        return false;
    if (!json_is_boolean(v)) {
        qn_jin_shape(d, path, key, "must be true or false, not %s", type_name(v));
        return false;
    }
    *out = json_is_true(v);
    return true;
}

qn_code qn_jin_finish(qn_jin *d)
{
    qn_err *e = d->err;
    if (e->n_fields == 0 && e->code == QN_OK)
        return QN_OK;
    if (d->malformed) {
        e->code = QN_E_BAD_REQUEST;
        snprintf(e->message, sizeof e->message,
                 "the request body does not have the expected shape (%zu field error%s)",
                 e->n_fields + e->n_fields_dropped, e->n_fields + e->n_fields_dropped == 1 ? "" : "s");
    } else if (e->code == QN_E_INVALID) {
        snprintf(e->message, sizeof e->message, "%zu field%s failed validation",
                 e->n_fields + e->n_fields_dropped, e->n_fields + e->n_fields_dropped == 1 ? "" : "s");
    }
    return e->code;
}
