/* http_auth.c — login, logout, who am I, and API keys.
 *
 * Login answers the bearer token in the body (for API clients) and also
 * sets two cookies for the portal: qonaq_session (HttpOnly, SameSite=Strict,
 * the same token) and qonaq_csrf (readable by the page's script, which
 * echoes it in X-CSRF-Token on unsafe requests: the double submit).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "http/decoders.h"
#include "http/handlers.h"
#include "service/auth.h"

void qn_h_decode_login(qn_jin *d, const json_t *body, const char **user, const char **pass)
{
    static const char *const fields[] = {"username", "password", NULL};
    *user = *pass = NULL;
    if (qn_jin_object(d, body, "", fields)) {
        *user = qn_jin_str(d, body, "", "username", 64, true);
        *pass = qn_jin_str(d, body, "", "password", 128, true);
    }
}

void qn_h_login(qn_http_req *req)
{
    json_t *body = qn_http_body_json(req);
    if (!body)
        return;
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    const char *user = NULL, *pass = NULL;
    qn_h_decode_login(&d, body, &user, &pass);
    if (qn_jin_finish(&d) != QN_OK) {
        qn_http_reply_problem(req, &e);
        json_decref(body);
        return;
    }
    qn_session_out s;
    qn_code rc = qn_svc_login(&req->ctx, user, pass, &s, &e);
    json_decref(body);
    qn_h_session_reply(req, rc, &s, &e);
}

void qn_h_session_reply(qn_http_req *req, qn_code rc, qn_session_out *s, qn_err *e)
{
    if (rc != QN_OK) {
        qn_http_reply_problem(req, e);
        if (rc == QN_E_RATE_LIMITED)
            qn_http_add_header(req, "Retry-After", "300");
        return;
    }
    char cookie[256];
    /* Secure when the server is told it sits behind TLS (--behind-tls, notif):
     * the browser then never sends the session over plain HTTP. */
    const char *secure = req->behind_tls ? "; Secure" : "";
    snprintf(cookie, sizeof cookie, "qonaq_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
             s->token, QN_SESSION_TTL, secure);
    qn_http_add_header(req, "Set-Cookie", cookie);
    snprintf(cookie, sizeof cookie, "qonaq_csrf=%s; Path=/; SameSite=Strict; Max-Age=%d%s", s->csrf,
             QN_SESSION_TTL, secure);
    qn_http_add_header(req, "Set-Cookie", cookie);
    qn_http_reply_json(req, 200,
                       json_pack("{s:s, s:s, s:o, s:s, s:I}", "token", s->token, "csrf_token", s->csrf,
                                 "expires_at", qn_h_time_json(s->expires_at), "role", qn_role_name(s->role),
                                 "account_id", (json_int_t)s->account_id));
    sodium_memzero(s, sizeof *s); /* the token lives on only in the answer */
}

void qn_h_logout(qn_http_req *req)
{
    qn_err e;
    qn_err_clear(&e);
    if (qn_svc_logout(&req->ctx, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_http_add_header(req, "Set-Cookie",
                       req->behind_tls ? "qonaq_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure"
                                       : "qonaq_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    qn_http_add_header(req, "Set-Cookie",
                       req->behind_tls ? "qonaq_csrf=; Path=/; SameSite=Strict; Max-Age=0; Secure"
                                       : "qonaq_csrf=; Path=/; SameSite=Strict; Max-Age=0");
    qn_http_reply_empty(req, 204);
}

void qn_h_me(qn_http_req *req)
{
    const qn_principal *w = &req->who;
    static const char *const via[] = {"none", "bearer", "cookie", "api_key"};
    json_t *b = json_pack("{s:I, s:s, s:s, s:s}", "account_id", (json_int_t)w->account_id, "username",
                          w->username, "role", qn_role_name(w->role), "credential", via[w->via]);
    if (w->region[0])
        json_object_set_new(b, "region", json_string(w->region));
    if (w->party_id[0])
        json_object_set_new(b, "iin_bin", json_string(w->party_id));
    qn_http_reply_json(req, 200, b);
}

void qn_h_apikey_create(qn_http_req *req)
{
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    json_t *body = NULL;
    const char *label = NULL;
    if (req->body_len > 0) {
        body = qn_http_body_json(req);
        if (!body)
            return;
        static const char *const fields[] = {"label", NULL};
        if (qn_jin_object(&d, body, "", fields))
            label = qn_jin_str(&d, body, "", "label", 64, false);
    }
    if (qn_jin_finish(&d) != QN_OK) {
        qn_http_reply_problem(req, &e);
        json_decref(body);
        return;
    }
    qn_apikey_out k;
    qn_code rc = qn_svc_apikey_create(&req->ctx, label, &k, &e);
    json_decref(body);
    if (rc != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_http_reply_json(req, 201,
                       json_pack("{s:I, s:s, s:s}", "id", (json_int_t)k.id, "key", k.key, "label", k.label));
}
