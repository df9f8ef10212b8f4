/* query.c — the backend-neutral query layer of the store.
 *
 * A qs_q carries one SQL text written once for both backends ($1, $2, ...
 * parameters), the values bound to it, and the cursor over its result. The
 * connection's driver does the work: SQLite prepares (and caches) the text,
 * PostgreSQL prepares it server-side under a per-connection name. Bound
 * values are borrowed: they must stay valid until qs_done. Also here: the
 * small validation helpers every operation uses.
 */
#include <stdio.h>
#include <stdlib.h>

#include "store/store_internal.h"

void qs_init(qs_q *q, qn_store_conn *c, const char *sql)
{
    /* Every field but the parameters, which are set as they are bound (and
     * only the first nparams are read): clearing all of them cost more than
     * some queries. */
    q->c = c;
    q->sql = sql;
    q->nparams = 0;
    q->st = NULL;
    q->row = q->nrows = 0;
    q->started = false;
    q->failed = false;
    q->changes = 0;
    q->mode = QS_PLAIN;
}

static qs_param *param(qs_q *q, int idx)
{
    if (idx < 1 || idx > QS_MAX_PARAMS) {
        q->failed = true;
        return NULL;
    }
    if (idx > q->nparams) {
        /* Parameters skipped over are NULL (as when the whole array was cleared). */
        memset(&q->p[q->nparams], 0, sizeof q->p[0] * (size_t)(idx - q->nparams));
        q->nparams = idx;
    }
    return &q->p[idx - 1];
}

void qs_int(qs_q *q, int idx, int64_t v)
{
    qs_param *p = param(q, idx);
    if (p == NULL)
        return;
    memset(p, 0, sizeof *p);
    p->type = QS_INT;
    p->i = v;
}

void qs_text(qs_q *q, int idx, const char *s)
{
    qs_param *p = param(q, idx);
    if (p == NULL)
        return;
    memset(p, 0, sizeof *p);
    p->type = s == NULL ? QS_NULL : QS_TEXT;
    p->s = s;
}

void qs_text_opt(qs_q *q, int idx, const char *s)
{
    qs_text(q, idx, s != NULL && s[0] != '\0' ? s : NULL);
}

void qs_int_opt(qs_q *q, int idx, int64_t v)
{
    qs_param *p = param(q, idx);
    if (p == NULL)
        return;
    memset(p, 0, sizeof *p);
    p->type = v == 0 ? QS_NULL : QS_INT;
    p->i = v;
}

void qs_date(qs_q *q, int idx, qn_date_t d)
{
    qs_param *p = param(q, idx);
    if (p == NULL)
        return;
    memset(p, 0, sizeof *p);
    p->type = d == QN_DATE_NONE ? QS_NULL : QS_INT;
    p->i = d;
}

void qs_blob(qs_q *q, int idx, const unsigned char *b, size_t len)
{
    qs_param *p = param(q, idx);
    if (p == NULL)
        return;
    memset(p, 0, sizeof *p);
    p->type = b == NULL ? QS_NULL : QS_BLOB;
    p->b = b;
    p->len = len;
}

int qs_step(qs_q *q, qn_err *err)
{
    if (q->failed) {
        qn_err_set(err, QN_E_INTERNAL, "store: bad parameter index in a query");
        if (q->c->in_tx)
            q->c->tx_failed = true;
        return -1;
    }
    int rc = q->c->drv->step(q, err);
    if (rc < 0) {
        q->failed = true;
        if (q->c->in_tx)
            q->c->tx_failed = true;
    }
    return rc;
}

void qs_done(qs_q *q)
{
    if (q->c != NULL)
        q->c->drv->finish(q);
    q->st = NULL;
    q->started = false;
}

qn_code qs_run(qs_q *q, qn_err *err)
{
    int rc;
    while ((rc = qs_step(q, err)) == 1) {
    }
    return rc < 0 ? (err != NULL && err->code != QN_OK ? err->code : QN_E_INTERNAL) : QN_OK;
}

qn_code qs_one(qs_q *q, const char *what, qn_err *err)
{
    int rc = qs_step(q, err);
    if (rc < 0)
        return err != NULL && err->code != QN_OK ? err->code : QN_E_INTERNAL;
    if (rc == 0)
        return qn_err_set(err, QN_E_NOT_FOUND, "%s not found", what);
    return QN_OK;
}

int64_t qs_get_int(qs_q *q, int col) { return q->c->drv->col_int(q, col); }

qn_date_t qs_get_date(qs_q *q, int col)
{
    if (q->c->drv->col_null(q, col))
        return QN_DATE_NONE;
    return (qn_date_t)q->c->drv->col_int(q, col);
}

const char *qs_get_text(qs_q *q, int col) { return q->c->drv->col_text(q, col); }

bool qs_get_null(qs_q *q, int col) { return q->c->drv->col_null(q, col); }

void qs_get_str(qs_q *q, int col, char *dst, size_t cap)
{
    snprintf(dst, cap, "%s", q->c->drv->col_text(q, col));
}

qn_code qs_get_strdup(qs_q *q, int col, char **out, qn_err *err)
{
    *out = NULL;
    if (q->c->drv->col_null(q, col))
        return QN_OK;
    *out = strdup(q->c->drv->col_text(q, col));
    if (*out == NULL)
        return qn_err_set(err, QN_E_NOMEM, "out of memory");
    return QN_OK;
}

qn_code qs_get_blob(qs_q *q, int col, unsigned char **out, size_t *len, qn_err *err)
{
    *out = NULL;
    *len = 0;
    if (q->c->drv->col_null(q, col))
        return QN_OK;
    return q->c->drv->col_blob(q, col, out, len, err);
}

qn_code qs_too_large(qn_err *err, const char *field, size_t max)
{
    qn_err_set(err, QN_E_TOO_LARGE, "%s is longer than %zu characters", field, max);
    qn_err_field(err, field, "is longer than %zu characters", max);
    if (err != NULL)
        err->code = QN_E_TOO_LARGE;
    return QN_E_TOO_LARGE;
}

qn_code qs_check_str(qn_err *err, const char *field, const char *s, size_t max, bool required)
{
    if (s == NULL || s[0] == '\0') {
        if (!required)
            return QN_OK;
        qn_err_set(err, QN_E_INVALID, "%s is required", field);
        return qn_err_field(err, field, "is required");
    }
    if (strnlen(s, max + 1) > max)
        return qs_too_large(err, field, max);
    return QN_OK;
}

qn_code qs_limit(int64_t *limit, int64_t *offset, qn_err *err)
{
    if (*limit == 0)
        *limit = 50;
    if (*limit < 1 || *limit > 1000) {
        qn_err_set(err, QN_E_INVALID, "limit must be between 1 and 1000");
        return qn_err_field(err, "limit", "must be between 1 and 1000");
    }
    if (*offset < 0) {
        qn_err_set(err, QN_E_INVALID, "offset must not be negative");
        return qn_err_field(err, "offset", "must not be negative");
    }
    return QN_OK;
}

qn_code qs_collect(qs_q *q, size_t cap, size_t item_size, qs_reader read, void **items,
                   size_t *count, qn_err *err)
{
    *items = NULL;
    *count = 0;
    size_t have = 0;
    unsigned char *buf = NULL;
    qn_code rc = QN_OK;
    while (rc == QN_OK && *count < cap && qs_step(q, err) == 1) {
        if (*count == have) {
            size_t want = have == 0 ? 16 : have * 2;
            if (want > cap)
                want = cap;
            unsigned char *grown = realloc(buf, want * item_size);
            if (grown == NULL) {
                rc = qn_err_set(err, QN_E_NOMEM, "out of memory");
                break;
            }
            memset(grown + have * item_size, 0, (want - have) * item_size);
            buf = grown;
            have = want;
        }
        rc = read(q, buf + *count * item_size);
        (*count)++;
    }
    if (rc == QN_OK && q->failed)
        rc = err != NULL && err->code != QN_OK ? err->code : QN_E_INTERNAL;
    *items = buf;
    return rc;
}
