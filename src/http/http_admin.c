/* http_admin.c — the administrator's account routes. The service decides
 * that only an administrator may call them. */
#include <stdio.h>
#include <string.h>

#include "http/handlers.h"
#include "service/accounts.h"

static json_t *account_json(const qn_account_view *a)
{
    json_t *b = json_pack("{s:I, s:s, s:s, s:s, s:b, s:o}", "id", (json_int_t)a->id, "username", a->username,
                          "role", qn_role_name(a->role), "display_name", a->display_name, "disabled",
                          a->disabled, "created_at", qn_h_time_json(a->created_at));
    if (a->iin_bin[0])
        json_object_set_new(b, "iin_bin", json_string(a->iin_bin));
    if (a->region[0])
        json_object_set_new(b, "region", json_string(a->region));
    return b;
}

void qn_h_account_create(qn_http_req *req)
{
    json_t *body = qn_http_body_json(req);
    if (!body)
        return;
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    static const char *const fields[] = {"username", "password", "role", "display_name",
                                         "iin_bin",  "region",   NULL};
    qn_account_in in;
    memset(&in, 0, sizeof in);
    if (qn_jin_object(&d, body, "", fields)) {
        in.username = qn_jin_str(&d, body, "", "username", 64, true);
        in.password = qn_jin_str(&d, body, "", "password", 128, true);
        const char *role = qn_jin_str(&d, body, "", "role", 32, true);
        if (role && !qn_role_parse(role, &in.role))
            qn_jin_bad(&d, "", "role",
                       "must be one of host-individual, host-legal-entity, hotel, citizen, "
                       "foreigner, officer, border, analyst, admin");
        in.display_name = qn_jin_str(&d, body, "", "display_name", 128, false);
        in.iin_bin = qn_jin_str(&d, body, "", "iin_bin", 12, false);
        in.region = qn_jin_str(&d, body, "", "region", 16, false);
    }
    if (qn_jin_finish(&d) != QN_OK) {
        json_decref(body);
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_account_view out;
    qn_code rc = qn_svc_account_create(&req->ctx, &in, &out, &e);
    json_decref(body);
    if (rc != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    char location[80];
    snprintf(location, sizeof location, "/api/v1/admin/accounts/%lld", (long long)out.id);
    qn_http_reply_json(req, 201, account_json(&out));
    qn_http_add_header(req, "Location", location);
}

void qn_h_account_list(qn_http_req *req)
{
    int64_t page, per_page;
    if (!qn_h_paging(req, &page, &per_page))
        return;
    qn_role role = QN_ROLE_NONE;
    const char *r = qn_http_query(req, "role");
    qn_err e;
    qn_err_clear(&e);
    if (r && !qn_role_parse(r, &role)) {
        qn_err_field(&e, "role", "is not a role");
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_account_list l;
    if (qn_svc_account_list(&req->ctx, role, (page - 1) * per_page, per_page, &l, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.count; i++)
        json_array_append_new(items, account_json(&l.items[i]));
    qn_account_list_free(&l);
    qn_http_reply_json(req, 200,
                       json_pack("{s:o, s:I, s:I}", "items", items, "page", (json_int_t)page, "per_page",
                                 (json_int_t)per_page));
}

static void set_disabled(qn_http_req *req, bool disabled)
{
    int64_t id;
    if (!qn_h_path_id(req, "id", &id))
        return;
    qn_err e;
    qn_err_clear(&e);
    qn_account_view out;
    if (qn_svc_account_set_disabled(&req->ctx, id, disabled, &out, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_http_reply_json(req, 200, account_json(&out));
}

void qn_h_account_disable(qn_http_req *req) { set_disabled(req, true); }
void qn_h_account_enable(qn_http_req *req) { set_disabled(req, false); }
