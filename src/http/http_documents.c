/* http_documents.c — the routes of printed documents and of the portal's
 * pages that read aggregates (branch web, issue 8):
 *
 *   GET /api/v1/verify/{number}?c=CODE   public: is the printed document genuine and valid
 *   GET /api/v1/notifications/{id}/confirmation.pdf[?lang=]   the confirmation of a notification
 *   GET /api/v1/officer/applications/{id}/signatures           a case's signatures, verified now
 *   GET /api/v1/stats/notifications/daily?from=&to=            notifications per day of arrival
 *
 * The language of a PDF (qn_h_doc_lang) is, in order: the query's lang
 * (kk, ru or en; anything else is 422), the portal's language cookie
 * qonaq_lang (the language the user chose in the portal), the first of kk,
 * ru, en in Accept-Language by its q-value, else Kazakh. See
 * docs/documents.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/handlers.h"
#include "service/application.h"
#include "service/documents.h"
#include "service/portal.h"

/* The best of kk, ru, en in an Accept-Language value, or NULL. */
static const char *accept_language(const char *h)
{
    static const char *const langs[] = {"kk", "ru", "en"};
    const char *best = NULL;
    double best_q = 0.0;
    while (h && *h) {
        while (*h == ' ' || *h == ',')
            h++;
        const char *tag = h;
        size_t n = strcspn(h, ";,");
        h += n;
        double q = 1.0;
        if (*h == ';') {
            const char *qp = strstr(h, "q=");
            const char *comma = strchr(h, ',');
            if (qp && (!comma || qp < comma))
                q = strtod(qp + 2, NULL);
            h = comma ? comma : h + strlen(h);
        }
        for (size_t i = 0; i < 3; i++) {
            /* "ru", "ru-RU", "kk-KZ": the primary subtag decides. */
            if (n >= 2 && strncasecmp(tag, langs[i], 2) == 0 && (n == 2 || tag[2] == '-') && q > best_q) {
                best = langs[i];
                best_q = q;
            }
        }
    }
    return best;
}

const char *qn_h_doc_lang(qn_http_req *req)
{
    const char *q = qn_http_query(req, "lang");
    if (q)
        return q; /* checked by the service: 422 when not kk, ru or en */
    const char *cookie = qn_http_cookie(req, "qonaq_lang");
    if (cookie && (strcmp(cookie, "kk") == 0 || strcmp(cookie, "ru") == 0 || strcmp(cookie, "en") == 0))
        return cookie;
    const char *al = accept_language(qn_http_header_in(req, "Accept-Language"));
    return al ? al : "kk";
}

void qn_h_pdf_reply(qn_http_req *req, const char *number, unsigned char *pdf, size_t len)
{
    char disposition[96];
    snprintf(disposition, sizeof disposition, "inline; filename=\"%s.pdf\"", number);
    qn_http_reply_owned(req, 200, "application/pdf", (char *)pdf, len);
    qn_http_add_header(req, "Content-Disposition", disposition);
}

void qn_h_verify(qn_http_req *req)
{
    const char *number = qn_http_param(&req->params, "number");
    const char *code = qn_http_query(req, "c");
    qn_err e;
    qn_err_clear(&e);
    qn_doc_check d;
    qn_code rc = qn_svc_doc_verify(&req->ctx, number, code, &d, &e);
    if (rc != QN_OK) {
        qn_http_reply_problem(req, &e);
        if (rc == QN_E_RATE_LIMITED) {
            char s[16];
            snprintf(s, sizeof s, "%d", QN_SVC_VERIFY_WINDOW);
            qn_http_add_header(req, "Retry-After", s);
        }
        return;
    }
    qn_http_reply_json(req, 200,
                       json_pack("{s:b, s:s, s:s, s:s, s:b, s:o, s:o, s:o, s:s, s:s}", "genuine", 1, "number",
                                 d.number, "kind", d.kind, "status", d.status, "valid", d.valid, "issued",
                                 qn_h_date_json(d.issued), "valid_from", qn_h_date_json(d.valid_from),
                                 "valid_until", qn_h_date_json(d.valid_until), "region", d.region, "holder",
                                 d.holder));
}

void qn_h_notification_confirmation_pdf(qn_http_req *req)
{
    int64_t id;
    if (!qn_h_path_id(req, "id", &id))
        return;
    qn_err e;
    qn_err_clear(&e);
    unsigned char *pdf = NULL;
    size_t len = 0;
    if (qn_svc_notification_confirmation_pdf(&req->ctx, id, qn_h_doc_lang(req), &pdf, &len, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    char name[32];
    snprintf(name, sizeof name, "confirmation-%lld", (long long)id);
    qn_h_pdf_reply(req, name, pdf, len);
}

void qn_h_app_signatures(qn_http_req *req)
{
    int64_t id;
    qn_err e;
    qn_err_clear(&e);
    if (qn_svc_app_officer_only(&req->ctx, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    if (!qn_h_path_id(req, "id", &id))
        return;
    qn_app_signature_list l;
    if (qn_svc_app_signatures(&req->ctx, id, &l, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.count; i++) {
        const qn_app_signature *s = &l.items[i];
        json_array_append_new(
            items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:b, s:s}", "id",
                             (json_int_t)s->id, "kind", s->kind, "role", s->role, "signer", s->signer_id,
                             "method", s->method, "subject_cn", s->subject_cn, "issuer", s->issuer, "serial",
                             s->serial, "key_type", s->key_type, "signed_at",
                             s->signing_time ? qn_h_time_json(s->signing_time) : json_null(), "stored_result",
                             s->stored, "valid_now", s->valid_now, "code_now", s->code_now));
    }
    qn_app_signatures_free(&l);
    qn_http_reply_json(req, 200, json_pack("{s:I, s:o}", "application_id", (json_int_t)id, "items", items));
}

void qn_h_stats_daily(qn_http_req *req)
{
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    qn_date_t from = QN_DATE_NONE, to = QN_DATE_NONE;
    const char *why = NULL;
    const char *s = qn_http_query(req, "from");
    if (s && !qn_date_parse_cstr(s, &from, &why))
        qn_jin_bad(&d, "", "from", "%s", why ? why : "must be YYYY-MM-DD");
    s = qn_http_query(req, "to");
    if (s && !qn_date_parse_cstr(s, &to, &why))
        qn_jin_bad(&d, "", "to", "%s", why ? why : "must be YYYY-MM-DD");
    if (qn_jin_finish(&d) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_stats_daily *st = malloc(sizeof *st);
    if (!st) {
        qn_http_reply_error(req, QN_E_NOMEM, NULL, "out of memory");
        return;
    }
    qn_err_clear(&e);
    if (qn_svc_notification_stats_daily(&req->ctx, from, to, st, &e) != QN_OK) {
        free(st);
        qn_http_reply_problem(req, &e);
        return;
    }
    json_t *days = json_array();
    int64_t total = 0, late = 0;
    for (size_t i = 0; i < st->n_days; i++) {
        json_array_append_new(
            days, json_pack("{s:o, s:I, s:I}", "date", qn_h_date_json(st->from + (qn_date_t)i), "total",
                            (json_int_t)st->days[i].total, "late", (json_int_t)st->days[i].late));
        total += st->days[i].total;
        late += st->days[i].late;
    }
    qn_http_reply_json(req, 200,
                       json_pack("{s:s, s:o, s:o, s:I, s:I, s:o, s:b}", "scope", st->scope, "from",
                                 qn_h_date_json(st->from), "to", qn_h_date_json(st->to), "total",
                                 (json_int_t)total, "late", (json_int_t)late, "days", days, "truncated",
                                 st->truncated));
    free(st);
}
