/* http_signatures.c — the routes of electronic signatures and one-time
 * codes (issue 5): login by signature, the administrator's trusted CAs,
 * CRLs, signer bindings, mobile citizens database and SMS outbox, and the
 * citizen's one-time codes. Each handler decodes, calls one function of
 * service/signing.h (which decides who may) and answers.
 *
 * Certificates and CRLs are accepted as the raw body (PEM text, or DER with
 * Content-Type application/pkix-cert, application/pkix-crl or
 * application/octet-stream) or as JSON {"certificate": "..."} /
 * {"crl": "..."} holding PEM text or base64 of the DER. The mobile citizens
 * database is accepted as a JSON array of {"iin", "phone"} or as text/csv
 * lines "iin,phone" (an optional header line).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/csv.h"
#include "http/handlers.h"
#include "service/signing.h"
#include "sign/otp.h"

/* ------------------------------------------------------------------ login */

void qn_h_auth_challenge(qn_http_req *req)
{
    qn_err e;
    qn_err_clear(&e);
    char challenge[QN_SVC_CHALLENGE_MAX];
    int64_t expires_at = 0;
    if (qn_svc_login_challenge(&req->ctx, challenge, &expires_at, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_http_reply_json(req, 201,
                       json_pack("{s:s, s:o, s:I}", "challenge", challenge, "expires_at",
                                 qn_h_time_json(expires_at), "expires_in", (json_int_t)QN_SVC_CHALLENGE_TTL));
}

void qn_h_login_signature(qn_http_req *req)
{
    json_t *body = qn_http_body_json(req);
    if (!body)
        return;
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    static const char *const fields[] = {"challenge", "signature", NULL};
    const char *challenge = NULL, *sig = NULL;
    if (qn_jin_object(&d, body, "", fields)) {
        challenge = qn_jin_str(&d, body, "", "challenge", 128, true);
        sig = qn_jin_str(&d, body, "", "signature", QN_SIGN_MAX_CMS * 2, true);
    }
    if (qn_jin_finish(&d) != QN_OK) {
        qn_http_reply_problem(req, &e);
        json_decref(body);
        return;
    }
    qn_session_out s;
    qn_code rc =
        qn_svc_login_signature(&req->ctx, challenge, (const unsigned char *)sig, strlen(sig), &s, &e);
    json_decref(body);
    qn_h_session_reply(req, rc, &s, &e); /* the same answer as password login */
}

/* -------------------------------------------------------------- CAs, CRLs */

/* Administrators only, refused before the body is decoded. */
static bool admin_first(qn_http_req *req)
{
    qn_err e;
    qn_err_clear(&e);
    if (qn_svc_require_admin(&req->ctx, &e) == QN_OK)
        return true;
    qn_http_reply_problem(req, &e);
    return false;
}

/* The uploaded blob: the raw body, or the JSON member `field` (PEM text or
 * base64 DER, decoded into *owned). Answers and returns false on error. */
static bool upload_blob(qn_http_req *req, const char *field, const unsigned char **blob, size_t *len,
                        unsigned char **owned)
{
    *owned = NULL;
    const char *ct = qn_http_header_in(req, "Content-Type");
    if (!ct || strncasecmp(ct, "application/json", 16) != 0) {
        if (req->body_len == 0) {
            qn_http_reply_error(req, QN_E_BAD_REQUEST, "empty_body",
                                "send the %s as the body (PEM or DER) or as JSON {\"%s\": \"...\"}", field,
                                field);
            return false;
        }
        *blob = (const unsigned char *)req->body;
        *len = req->body_len;
        return true;
    }
    json_t *body = qn_http_body_json(req);
    if (!body)
        return false;
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    const char *allowed[] = {field, NULL};
    const char *text = NULL;
    if (qn_jin_object(&d, body, "", allowed)) {
        /* Not qn_jin_str: PEM text has line breaks, which it refuses. */
        const json_t *v = json_object_get(body, field);
        text = json_string_value(v);
        if (!v)
            qn_jin_bad(&d, "", field, "is required");
        else if (!text)
            qn_jin_shape(&d, "", field, "must be a string");
        else if (!text[0] || json_string_length(v) > QN_SIGN_MAX_TRUST_BLOB * 2 ||
                 strlen(text) != json_string_length(v))
            qn_jin_bad(&d, "", field, "must be PEM text or base64 of the DER, at most %u bytes",
                       QN_SIGN_MAX_TRUST_BLOB * 2);
    }
    if (qn_jin_finish(&d) != QN_OK) {
        qn_http_reply_problem(req, &e);
        json_decref(body);
        return false;
    }
    size_t n = strlen(text);
    if (strstr(text, "-----BEGIN ")) {
        *owned = malloc(n + 1);
        if (*owned)
            memcpy(*owned, text, n + 1);
        *len = n;
    } else {
        *owned = malloc(n / 4 * 3 + 3);
        size_t out = 0;
        if (*owned && sodium_base642bin(*owned, n / 4 * 3 + 3, text, n, " \r\n\t", &out, NULL,
                                        sodium_base64_VARIANT_ORIGINAL) != 0) {
            free(*owned);
            *owned = NULL;
            json_decref(body);
            qn_err_clear(&e);
            qn_err_set(&e, QN_E_INVALID, "the %s is neither PEM nor base64", field);
            qn_err_field(&e, field, "must be PEM text or base64 of the DER");
            qn_http_reply_problem(req, &e);
            return false;
        }
        *len = out;
    }
    json_decref(body);
    if (!*owned) {
        qn_http_reply_error(req, QN_E_NOMEM, NULL, "out of memory");
        return false;
    }
    *blob = *owned;
    return true;
}

static json_t *ca_json(const qn_svc_ca_view *v)
{
    json_t *b = json_pack("{s:I, s:s, s:s, s:s, s:b, s:o, s:o, s:o}", "id", (json_int_t)v->id, "name",
                          v->name, "subject", v->subject, "sha256", v->sha256, "enabled", v->enabled,
                          "not_before", qn_h_time_json(v->not_before), "not_after",
                          qn_h_time_json(v->not_after), "created_at", qn_h_time_json(v->created_at));
    if (v->has_crl)
        json_object_set_new(b, "crl",
                            json_pack("{s:o, s:o}", "this_update", qn_h_time_json(v->crl_this_update),
                                      "next_update", qn_h_time_json(v->crl_next_update)));
    else
        json_object_set_new(b, "crl", json_null());
    return b;
}

void qn_h_ca_upload(qn_http_req *req)
{
    const unsigned char *blob = NULL;
    size_t len = 0;
    unsigned char *owned = NULL;
    if (!admin_first(req) || !upload_blob(req, "certificate", &blob, &len, &owned))
        return;
    qn_err e;
    qn_err_clear(&e);
    qn_svc_ca_view v;
    qn_code rc = qn_svc_ca_upload(&req->ctx, blob, len, &v, &e);
    free(owned);
    if (rc != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    char location[80];
    snprintf(location, sizeof location, "/api/v1/admin/cas/%lld", (long long)v.id);
    qn_http_reply_json(req, 201, ca_json(&v));
    qn_http_add_header(req, "Location", location);
}

void qn_h_ca_list(qn_http_req *req)
{
    qn_err e;
    qn_err_clear(&e);
    qn_svc_ca_list l;
    if (qn_svc_ca_all(&req->ctx, &l, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.count; i++)
        json_array_append_new(items, ca_json(&l.items[i]));
    qn_svc_ca_list_free(&l);
    qn_http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

void qn_h_ca_disable(qn_http_req *req)
{
    int64_t id;
    if (!qn_h_path_id(req, "id", &id))
        return;
    qn_err e;
    qn_err_clear(&e);
    if (qn_svc_ca_disable(&req->ctx, id, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_http_reply_empty(req, 204);
}

void qn_h_crl_upload(qn_http_req *req)
{
    const unsigned char *blob = NULL;
    size_t len = 0;
    unsigned char *owned = NULL;
    if (!admin_first(req) || !upload_blob(req, "crl", &blob, &len, &owned))
        return;
    qn_err e;
    qn_err_clear(&e);
    int64_t ca_id = 0;
    qn_code rc = qn_svc_crl_upload(&req->ctx, blob, len, &ca_id, &e);
    free(owned);
    if (rc != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    /* Answer with the CA it belongs to, now showing the CRL's dates. */
    qn_svc_ca_list l;
    if (qn_svc_ca_all(&req->ctx, &l, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    json_t *b = NULL;
    for (size_t i = 0; i < l.count; i++)
        if (l.items[i].id == ca_id)
            b = ca_json(&l.items[i]);
    qn_svc_ca_list_free(&l);
    qn_http_reply_json(req, 201, b ? b : json_pack("{s:I}", "id", (json_int_t)ca_id));
}

void qn_h_signer_bind(qn_http_req *req)
{
    int64_t id;
    if (!admin_first(req) || !qn_h_path_id(req, "id", &id))
        return;
    json_t *body = qn_http_body_json(req);
    if (!body)
        return;
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    static const char *const fields[] = {"iin", "bin", NULL};
    const char *iin = NULL, *bin = NULL;
    if (qn_jin_object(&d, body, "", fields)) {
        iin = qn_jin_str(&d, body, "", "iin", 12, true);
        bin = qn_jin_str(&d, body, "", "bin", 12, false);
    }
    if (qn_jin_finish(&d) != QN_OK) {
        qn_http_reply_problem(req, &e);
        json_decref(body);
        return;
    }
    qn_code rc = qn_svc_signer_bind(&req->ctx, id, iin, bin, &e);
    json_t *answer = rc == QN_OK ? json_pack("{s:I, s:s, s:s}", "account_id", (json_int_t)id, "iin", iin,
                                             "bin", bin ? bin : "")
                                 : NULL;
    json_decref(body);
    if (rc != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_http_reply_json(req, 201, answer);
}

/* ------------------------------------------------- mobile citizens, outbox */

void qn_h_mobile_import(qn_http_req *req)
{
    if (!admin_first(req))
        return;
    const char *ct = qn_http_header_in(req, "Content-Type");
    bool csv = ct && strncasecmp(ct, "text/csv", 8) == 0;
    qn_err e;
    qn_err_clear(&e);
    qn_svc_mobile_row *rows = calloc(QN_SVC_MOBILE_IMPORT_MAX + 1, sizeof *rows);
    char(*store)[2][20] = calloc(QN_SVC_MOBILE_IMPORT_MAX + 1, sizeof *store); /* CSV copies */
    qn_csv_record *rec = csv ? malloc(sizeof *rec) : NULL;
    json_t *body = NULL;
    size_t n = 0;
    if (!rows || !store || (csv && !rec)) {
        qn_http_reply_error(req, QN_E_NOMEM, NULL, "out of memory");
        goto out;
    }
    if (csv) {
        qn_csv c;
        qn_csv_init(&c, req->body ? req->body : "", req->body_len);
        bool first = true;
        while (qn_csv_next(&c, rec)) {
            if (first && rec->n >= 1 && strcasecmp(rec->fields[0], "iin") == 0) {
                first = false;
                continue; /* header line */
            }
            first = false;
            if (n == QN_SVC_MOBILE_IMPORT_MAX) {
                n++;
                break;
            }
            if (rec->n != 2 || rec->bad_quote || rec->too_many_fields || rec->field_too_long ||
                strlen(rec->fields[0]) > 19 || strlen(rec->fields[1]) > 19) {
                char f[48];
                snprintf(f, sizeof f, "rows[%zu]", n);
                qn_err_set(&e, QN_E_BAD_REQUEST, "line %zu is not \"iin,phone\"", rec->line);
                qn_err_field(&e, f, "line %zu must be two fields: iin,phone", rec->line);
                e.code = QN_E_BAD_REQUEST;
                qn_http_reply_problem(req, &e);
                goto out;
            }
            snprintf(store[n][0], sizeof store[n][0], "%.19s", rec->fields[0]);
            snprintf(store[n][1], sizeof store[n][1], "%.19s", rec->fields[1]);
            rows[n].iin = store[n][0];
            rows[n].phone = store[n][1];
            n++;
        }
    } else {
        body = qn_http_body_json(req);
        if (!body)
            goto out;
        qn_jin d;
        qn_jin_init(&d, &e);
        if (!json_is_array(body)) {
            qn_jin_shape(&d, "", "rows", "the body must be a JSON array of {\"iin\", \"phone\"}");
        } else {
            static const char *const fields[] = {"iin", "phone", NULL};
            size_t i;
            json_t *row;
            json_array_foreach(body, i, row)
            {
                if (i >= QN_SVC_MOBILE_IMPORT_MAX) {
                    n = i + 1;
                    break;
                }
                char path[32];
                snprintf(path, sizeof path, "rows[%zu]", i);
                if (qn_jin_object(&d, row, path, fields)) {
                    rows[i].iin = qn_jin_str(&d, row, path, "iin", 12, true);
                    rows[i].phone = qn_jin_str(&d, row, path, "phone", 16, true);
                }
                n = i + 1;
            }
        }
        if (qn_jin_finish(&d) != QN_OK) {
            qn_http_reply_problem(req, &e);
            goto out;
        }
    }
    size_t imported = 0;
    if (qn_svc_mobile_import(&req->ctx, rows, n, &imported, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        goto out;
    }
    qn_http_reply_json(req, 200, json_pack("{s:I}", "imported", (json_int_t)imported));
out:
    json_decref(body);
    free(rows);
    free(store);
    free(rec);
}

void qn_h_outbox(qn_http_req *req)
{
    const char *phone = qn_http_query(req, "phone");
    const char *lim = qn_http_query(req, "limit");
    long long limit = 50;
    if (lim) {
        char *end = NULL;
        limit = strtoll(lim, &end, 10);
        if (end == lim || *end != '\0')
            limit = -1;
    }
    qn_err e;
    qn_err_clear(&e);
    qn_svc_sms_list l;
    if (qn_svc_outbox(&req->ctx, phone, (int64_t)limit, &l, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.count; i++) {
        const qn_svc_sms_view *m = &l.items[i];
        json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)m->id, "phone",
                                               m->phone, "text", m->text, "created_at",
                                               qn_h_time_json(m->created_at), "sent_at",
                                               m->sent_at ? qn_h_time_json(m->sent_at) : json_null()));
    }
    qn_svc_sms_list_free(&l);
    qn_http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* --------------------------------------------------------- one-time codes */

void qn_h_otp_issue(qn_http_req *req)
{
    json_t *body = qn_http_body_json(req);
    if (!body)
        return;
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    static const char *const fields[] = {"document_digest", "purpose", NULL};
    const char *digest = NULL, *purpose = NULL;
    if (qn_jin_object(&d, body, "", fields)) {
        digest = qn_jin_str(&d, body, "", "document_digest", 64, true);
        purpose = qn_jin_str(&d, body, "", "purpose", 32, true);
    }
    if (qn_jin_finish(&d) != QN_OK) {
        qn_http_reply_problem(req, &e);
        json_decref(body);
        return;
    }
    qn_svc_otp_out o;
    qn_code rc = qn_svc_otp_issue(&req->ctx, digest, purpose, &o, &e);
    json_decref(body);
    if (rc != QN_OK) {
        qn_http_reply_problem(req, &e);
        if (rc == QN_E_RATE_LIMITED)
            qn_http_add_header(req, "Retry-After", "600");
        return;
    }
    char location[80];
    snprintf(location, sizeof location, "/api/v1/otp/%lld", (long long)o.id);
    qn_http_reply_json(req, 201,
                       json_pack("{s:I, s:o, s:s, s:I}", "id", (json_int_t)o.id, "expires_at",
                                 qn_h_time_json(o.expires_at), "phone", o.phone_masked, "attempts_allowed",
                                 (json_int_t)QN_OTP_MAX_ATTEMPTS));
    qn_http_add_header(req, "Location", location);
}

void qn_h_otp_confirm(qn_http_req *req)
{
    int64_t id;
    if (!qn_h_path_id(req, "id", &id))
        return;
    json_t *body = qn_http_body_json(req);
    if (!body)
        return;
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    static const char *const fields[] = {"code", "document_digest", NULL};
    const char *code = NULL, *digest = NULL;
    if (qn_jin_object(&d, body, "", fields)) {
        code = qn_jin_str(&d, body, "", "code", 16, true);
        digest = qn_jin_str(&d, body, "", "document_digest", 64, true);
    }
    if (qn_jin_finish(&d) != QN_OK) {
        qn_http_reply_problem(req, &e);
        json_decref(body);
        return;
    }
    qn_code rc = qn_svc_otp_confirm(&req->ctx, id, code, digest, &e);
    json_decref(body);
    if (rc != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_http_reply_json(req, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "confirmed", 1));
}
