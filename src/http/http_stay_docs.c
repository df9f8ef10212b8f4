/* http_stay_docs.c — routes of the stay-control services that are not the
 * generic application routes (http_applications.c):
 *
 *   GET  /api/v1/applications/{id}/document.pdf?lang=kk|ru|en
 *        the certificate of loss (lost_passport) or the exit visa
 *        (exit_visa) of a granted application, as a PDF (the language
 *        and the file name as for the other documents, http_documents.c);
 *   GET  /api/v1/me/self-registrations
 *        the self-registrations awaiting the caller's answer as host:
 *        {items: [{application_id, number, kind, address_code, region,
 *        arrival_date, stay_to, deadline, document, document_digest}]};
 *   POST /api/v1/self-registrations/{id}/confirm  {"signature"}
 *   POST /api/v1/self-registrations/{id}/refuse   {"text"?}
 *        the host's answer ({id} is the application's id): {application_id,
 *        answer: "confirmed"|"refused", state} — the application's new
 *        state ("registered", "declined", or "refused" when the
 *        confirmation found a ground for refusal of Order 923).
 * Each handler decodes, calls one service function and encodes.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"
#include "service/application.h"
#include "service/reg_documents.h"
#include "service/selfreg_service.h"

void qn_h_app_document_pdf(qn_http_req *req)
{
    int64_t id;
    if (!qn_h_path_id(req, "id", &id))
        return;
    qn_err e;
    qn_err_clear(&e);
    unsigned char *pdf = NULL;
    size_t len = 0;
    /* The language as for every printed document (?lang=, the portal's
     * cookie, Accept-Language, else Kazakh: qn_h_doc_lang), and the reply
     * with its Content-Disposition (qn_h_pdf_reply) — the query alone, with
     * English by default and no file name, was used here before. */
    if (qn_svc_app_document_pdf(&req->ctx, id, qn_h_doc_lang(req), &pdf, &len, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    char name[32];
    snprintf(name, sizeof name, "document-%lld", (long long)id);
    qn_h_pdf_reply(req, name, pdf, len);
}

void qn_h_selfreg_pending(qn_http_req *req)
{
    qn_err e;
    qn_err_clear(&e);
    qn_store_selfreg_list l;
    if (qn_svc_selfreg_pending(&req->ctx, &l, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.count; i++) {
        const qn_store_selfreg *r = &l.items[i];
        unsigned char md[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(md, (const unsigned char *)r->document, strlen(r->document));
        char hex[2 * crypto_hash_sha256_BYTES + 1];
        sodium_bin2hex(hex, sizeof hex, md, sizeof md);
        json_array_append_new(items,
                              json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:s}",
                                        "application_id", (json_int_t)r->application_id, "number", r->number,
                                        "kind", r->kind, "address_code", r->address_code, "region", r->region,
                                        "arrival_date", qn_h_date_json(r->arrival_date), "stay_to",
                                        qn_h_date_json(r->stay_to), "deadline", qn_h_date_json(r->deadline),
                                        "document", r->document, "document_digest", hex));
    }
    qn_store_selfreg_list_free(&l);
    qn_http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

static void answer(qn_http_req *req, bool confirm)
{
    int64_t id;
    if (!qn_h_path_id(req, "id", &id))
        return;
    json_t *body = req->body_len ? qn_http_body_json(req) : json_object();
    if (!body)
        return;
    static const char *const keys_confirm[] = {"signature", NULL};
    static const char *const keys_refuse[] = {"text", NULL};
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    qn_jin_object(&d, body, "", confirm ? keys_confirm : keys_refuse);
    const char *sig = confirm ? qn_jin_str(&d, body, "", "signature", QN_APP_SIG_MAX, true) : NULL;
    const char *text = confirm ? NULL : qn_jin_str(&d, body, "", "text", QN_APP_REASON_TEXT_MAX, false);
    if (qn_jin_finish(&d) != QN_OK) {
        qn_http_reply_problem(req, &e);
        json_decref(body);
        return;
    }
    char state[QN_STORE_CODE_MAX + 1];
    qn_code rc = confirm ? qn_svc_selfreg_confirm(&req->ctx, id, sig, strlen(sig), state, &e)
                         : qn_svc_selfreg_refuse(&req->ctx, id, text, state, &e);
    json_decref(body);
    if (rc != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_http_reply_json(req, 200,
                       json_pack("{s:I, s:s, s:s}", "application_id", (json_int_t)id, "answer",
                                 confirm ? "confirmed" : "refused", "state", state));
}

void qn_h_selfreg_confirm(qn_http_req *req) { answer(req, true); }

void qn_h_selfreg_refuse(qn_http_req *req) { answer(req, false); }
