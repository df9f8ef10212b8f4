/* history.c — the caller's History of Services (see history.h). */
#include "service/history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/service_internal.h"

qn_code qn_svc_history(qn_svc_ctx *ctx, int64_t page, int64_t per_page, qn_history *out, qn_err *e)
{
    memset(out, 0, sizeof *out);
    if (ctx->who->account_id <= 0)
        return qn_err_set(e, QN_E_UNAUTHORIZED, "the History of Services is per account: log in");
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    qn_store_notice_list l = {0};
    rc = qn_store_notice_list_account(c.conn, ctx->who->account_id, (page - 1) * per_page, per_page, &l, e);
    qn_svc_release(ctx, &c);
    if (rc != QN_OK)
        return rc;
    out->items = calloc(l.count ? l.count : 1, sizeof *out->items);
    if (!out->items) {
        qn_store_notice_list_free(&l);
        return qn_err_set(e, QN_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < l.count; i++) {
        qn_notice_view *v = &out->items[i];
        v->id = l.items[i].id;
        snprintf(v->kind, sizeof v->kind, "%s", l.items[i].kind);
        snprintf(v->ref, sizeof v->ref, "%s", l.items[i].ref);
        v->body = l.items[i].body; /* take ownership */
        l.items[i].body = NULL;
        v->created_at = l.items[i].created_at;
    }
    out->count = l.count;
    out->total = l.total;
    qn_store_notice_list_free(&l);
    return QN_OK;
}

void qn_history_free(qn_history *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->count; i++)
        free(h->items[i].body);
    free(h->items);
    h->items = NULL;
    h->count = 0;
}
