/* app_notice.c — the registration notice of a registered foreigner's
 * application as a one-page PDF (doc/pdf.h, kind registration_notice).
 *
 * The notice shows the foreigner as the identity document names them (from
 * the application's signed document), the address and the period of
 * registration, the host, the issuing office (the Migration Service of the
 * address's region), and a verification code with its URL in a QR code. The
 * code is an HMAC of the notice number under a server secret kept in the
 * store ("doc_verify_key", created on first use; doc/verify.h); code and URL
 * come from qn_svc_doc_link (service/documents.h), which puts the server's
 * public origin (`qonaq serve --public-url`) in the QR. Citizenship, office
 * and the IIN label are in the notice's language (doc/names.h).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/names.h"
#include "doc/pdf.h"
#include "doc/verify.h"
#include "service/application_internal.h"
#include "service/documents.h"

/* A string member or "". */
static const char *str_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

qn_code qn_svc_app_notice_pdf(qn_svc_ctx *ctx, int64_t id, const char *lang, unsigned char **pdf,
                              size_t *pdf_len, qn_err *e)
{
    *pdf = NULL;
    *pdf_len = 0;
    qn_doc_lang lg;
    qn_code rc = qn_svc_doc_lang(lang, &lg, e);
    if (rc != QN_OK)
        return rc;
    qn_app_view v;
    rc = qn_svc_app_get(ctx, id, &v, e);
    if (rc != QN_OK)
        return rc;
    if (strcmp(v.app.kind, "foreigner_temporary") != 0 || strcmp(v.app.state, "registered") != 0) {
        qn_app_view_free(&v);
        qn_err_set(e, QN_E_CONFLICT, "only a registered foreigner's registration has a notice to print");
        qn_err_sub(e, "no_notice");
        return QN_E_CONFLICT;
    }
    json_t *d = json_loads(v.app.payload, 0, NULL);
    json_t *f = json_object_get(d, "foreigner");
    json_t *fd = json_object_get(f, "document");
    json_t *period = json_object_get(d, "period");
    char name[QN_DOC_NAME_MAX], document[QN_DOC_ID_DOCUMENT_MAX], office[QN_DOC_OFFICE_MAX];
    char citizenship[QN_DOC_CITIZENSHIP_MAX];
    snprintf(name, sizeof name, "%s %s", str_of(f, "surname"), str_of(f, "given_names"));
    snprintf(document, sizeof document, "%s %s", str_of(fd, "country"), str_of(fd, "number"));
    qn_doc_office_name(v.app.region, lg, office, sizeof office);
    qn_doc_country_name(str_of(f, "citizenship"), lg, NULL, citizenship, sizeof citizenship);
    qn_date_t birth = QN_DATE_NONE, from = QN_DATE_NONE, to = QN_DATE_NONE;
    qn_date_parse_cstr(json_string_value(json_object_get(f, "birth_date")), &birth, NULL);
    qn_date_parse_cstr(json_string_value(json_object_get(period, "from")), &from, NULL);
    qn_date_parse_cstr(json_string_value(json_object_get(period, "to")), &to, NULL);
    qn_store_address addr;
    memset(&addr, 0, sizeof addr);
    qn_store_account host;
    memset(&host, 0, sizeof host);
    qn_svc_conn c = {0};
    rc = qn_svc_acquire(ctx, &c, e);
    if (rc == QN_OK)
        rc = qn_store_address_get(c.conn, str_of(d, "address_code"), &addr, e);
    if (rc == QN_OK)
        rc = qn_store_account_get(c.conn, v.app.applicant_account_id, &host, e);
    qn_svc_release(ctx, &c);
    char code[QN_DOC_CODE_LEN + 1], url[QN_DOC_URL_MAX + 1], host_text[QN_DOC_HOST_MAX];
    snprintf(host_text, sizeof host_text, "%s %s", qn_doc_id_label(lg, false), host.iin_bin);
    if (rc == QN_OK)
        rc = qn_svc_doc_link(ctx, v.app.number, code, url, e);
    if (rc == QN_OK) {
        qn_doc doc = {.kind = QN_DOC_REGISTRATION_NOTICE,
                      .lang = lg,
                      .number = v.app.number,
                      .issued = qn_date_from_epoch_kz(v.app.updated_at),
                      .valid_from = from,
                      .valid_until = to,
                      .person = {name, citizenship, document, birth},
                      .address = addr.text,
                      .host = host_text,
                      .office = office,
                      .verify_url = url,
                      .verify_code = code};
        rc = qn_svc_doc_pdf(&doc, pdf, pdf_len, e);
    }
    json_decref(d);
    qn_app_view_free(&v);
    return rc;
}
