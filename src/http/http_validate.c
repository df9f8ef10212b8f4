/* http_validate.c — POST /api/v1/notifications/validate (branch web): the
 * body of a notification checked by the same decoder and the same service
 * rules as POST /api/v1/notifications (qn_h_decode_notification,
 * qn_svc_notification_validate -> qn_svc_notification_check), nothing
 * written. 200 {"valid": true, "deadline", "on_time", "warnings"} or the same
 * problem a submission would get (400 for the JSON's shape, 422 with
 * errors[] naming each field). The portal's form calls it as the user types
 * (debounced), so the messages next to the fields are the API's.
 */
#include "http/handlers.h"
#include "service/portal.h"

void qn_h_notification_validate(qn_http_req *req)
{
    json_t *body = qn_http_body_json(req);
    if (!body)
        return;
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    qn_notification_in in;
    qn_h_decode_notification(&d, body, "", &in);
    qn_code rc = qn_jin_finish(&d);
    in.payload_json = req->body;
    qn_notification_out out;
    if (rc == QN_OK)
        rc = qn_svc_notification_validate(&req->ctx, &in, &out, &e);
    json_decref(body);
    if (rc != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    json_t *warnings = json_array();
    for (size_t i = 0; i < out.n_warnings; i++)
        json_array_append_new(warnings, json_pack("{s:s, s:s}", "code", out.warnings[i].code, "message",
                                                  out.warnings[i].message));
    qn_http_reply_json(req, 200,
                       json_pack("{s:b, s:o, s:b, s:o}", "valid", 1, "deadline", qn_h_date_json(out.deadline),
                                 "on_time", out.on_time, "warnings", warnings));
}
