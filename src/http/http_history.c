/* http_history.c — GET /api/v1/me/history: the caller's notices. */
#include <string.h>

#include "http/handlers.h"
#include "service/history.h"

void qn_h_history(qn_http_req *req)
{
    int64_t page, per_page;
    if (!qn_h_paging(req, &page, &per_page))
        return;
    qn_err e;
    qn_err_clear(&e);
    qn_history h;
    if (qn_svc_history(&req->ctx, page, per_page, &h, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < h.count; i++) {
        json_t *body = h.items[i].body ? json_loads(h.items[i].body, 0, NULL) : NULL;
        if (!body)
            body = json_string(h.items[i].body ? h.items[i].body : "");
        json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)h.items[i].id,
                                               "kind", h.items[i].kind, "ref", h.items[i].ref, "created_at",
                                               qn_h_time_json(h.items[i].created_at), "notice", body));
    }
    json_int_t total = (json_int_t)h.total;
    qn_history_free(&h);
    qn_http_reply_json(req, 200,
                       json_pack("{s:o, s:I, s:I, s:I}", "items", items, "page", (json_int_t)page, "per_page",
                                 (json_int_t)per_page, "total", total));
}
