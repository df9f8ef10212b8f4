/* http_apikeys.c — the API keys of a hotel's property-management system:
 * GET /api/v1/api-keys[?account_id=N] lists them (never the secret: id,
 * account, label, revoked, created_at), DELETE /api/v1/api-keys/{id}
 * revokes one. Creation is POST /api/v1/api-keys (http_auth.c). Who may do
 * what is the service's (auth.h): the owning hotel's operators, the border
 * account for its own, the administrator for any account's. */
#include <errno.h>
#include <stdlib.h>

#include "http/handlers.h"
#include "service/auth.h"

static json_t *key_json(const qn_apikey_view *k)
{
    return json_pack("{s:I, s:I, s:s, s:b, s:o}", "id", (json_int_t)k->id, "account_id",
                     (json_int_t)k->account_id, "label", k->label, "revoked", k->revoked, "created_at",
                     qn_h_time_json(k->created_at));
}

void qn_h_apikey_list(qn_http_req *req)
{
    int64_t account_id = 0;
    const char *s = qn_http_query(req, "account_id");
    if (s) {
        char *end = NULL;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (errno || end == s || *end != '\0' || v < 1) {
            qn_err e;
            qn_err_clear(&e);
            qn_err_field(&e, "account_id", "must be a positive integer");
            e.code = QN_E_BAD_REQUEST;
            qn_http_reply_problem(req, &e);
            return;
        }
        account_id = v;
    }
    qn_err e;
    qn_err_clear(&e);
    qn_apikey_list l;
    if (qn_svc_apikey_list(&req->ctx, account_id, &l, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.count; i++)
        json_array_append_new(items, key_json(&l.items[i]));
    qn_apikey_list_free(&l);
    qn_http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

void qn_h_apikey_revoke(qn_http_req *req)
{
    int64_t id;
    if (!qn_h_path_id(req, "id", &id))
        return;
    qn_err e;
    qn_err_clear(&e);
    qn_apikey_view k;
    if (qn_svc_apikey_revoke(&req->ctx, id, &k, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_http_reply_json(req, 200, key_json(&k));
}
