/* doc_notification.c — the confirmation of a notification of arrival as a
 * one-page PDF (doc/pdf.h kind arrival_notification; see documents.h).
 *
 * The page shows what the host notified, as the foreigner's travel document
 * names them (the submitted payload: surname, given names, patronymic,
 * birth date, document), the citizenship and the issuing office in the
 * document's language (doc/names.h: a kk or ru page carries no English
 * word beyond the names and codes of the travel document), the address of
 * stay as the host wrote it, the host by IIN or BIN, the period of stay, the
 * date the notification was received, and the verification code and QR of
 * its number (qn_svc_doc_link). The office is the Migration Service of the
 * address's region (Decree 148 para. 9: the notification goes to the
 * internal affairs bodies of the place of stay).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/names.h"
#include "service/documents.h"
#include "service/notification.h"
#include "service/service_internal.h"

static const char *str_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

qn_code qn_svc_notification_confirmation_pdf(qn_svc_ctx *ctx, int64_t id, const char *lang,
                                             unsigned char **pdf, size_t *pdf_len, qn_err *e)
{
    *pdf = NULL;
    *pdf_len = 0;
    qn_doc_lang lg;
    qn_code rc = qn_svc_doc_lang(lang, &lg, e);
    if (rc != QN_OK)
        return rc;
    qn_notification_out view;
    rc = qn_svc_notification_get(ctx, id, &view, e); /* who may read it */
    if (rc != QN_OK)
        return rc;
    if (strcmp(view.status, "rejected") == 0 || strcmp(view.status, "cancelled") == 0) {
        qn_err_set(e, QN_E_CONFLICT, "a %s notification has no confirmation to print", view.status);
        qn_err_sub(e, "no_document");
        return QN_E_CONFLICT;
    }
    qn_store_notification n;
    memset(&n, 0, sizeof n);
    qn_store_account host;
    memset(&host, 0, sizeof host);
    qn_svc_conn c = {0};
    rc = qn_svc_acquire(ctx, &c, e);
    if (rc == QN_OK)
        rc = qn_store_notification_get(c.conn, id, &n, e);
    if (rc == QN_OK && n.host_account_id > 0)
        rc = qn_store_account_get(c.conn, n.host_account_id, &host, e);
    qn_svc_release(ctx, &c);
    char code[QN_DOC_CODE_LEN + 1], url[QN_DOC_URL_MAX + 1];
    if (rc == QN_OK)
        rc = qn_svc_doc_link(ctx, n.number, code, url, e);
    if (rc != QN_OK) {
        qn_store_notification_clear(&n);
        return rc;
    }
    json_t *p = n.payload ? json_loads(n.payload, 0, NULL) : NULL;
    const json_t *f = json_object_get(p, "foreigner");
    const json_t *fd = json_object_get(f, "document");
    const json_t *ad = json_object_get(p, "address");
    char name[QN_DOC_NAME_MAX], document[QN_DOC_ID_DOCUMENT_MAX], citizenship[QN_DOC_CITIZENSHIP_MAX];
    char office[QN_DOC_OFFICE_MAX], host_text[QN_DOC_HOST_MAX];
    const char *patronymic = str_of(f, "patronymic");
    snprintf(name, sizeof name, "%s %s%s%s", str_of(f, "surname"), str_of(f, "given_names"),
             patronymic[0] ? " " : "", patronymic);
    snprintf(document, sizeof document, "%s %s", str_of(fd, "country"), str_of(fd, "number"));
    qn_doc_country_name(str_of(f, "citizenship"), lg, NULL, citizenship, sizeof citizenship);
    qn_doc_office_name(str_of(ad, "region"), lg, office, sizeof office);
    bool is_bin = strcmp(host.host_kind, "legal") == 0 || strcmp(host.host_kind, "hotel") == 0;
    snprintf(host_text, sizeof host_text, "%s %s", qn_doc_id_label(lg, is_bin), host.iin_bin);
    qn_date_t birth = QN_DATE_NONE;
    qn_date_parse_cstr(json_string_value(json_object_get(f, "birth_date")), &birth, NULL);
    qn_doc doc = {.kind = QN_DOC_ARRIVAL_NOTIFICATION,
                  .lang = lg,
                  .number = n.number,
                  .issued = qn_date_from_epoch_kz(n.created_at),
                  .valid_from = n.stay_from,
                  .valid_until = n.stay_to,
                  .person = {name, citizenship, document, birth},
                  .address = str_of(ad, "text"),
                  .host = host.iin_bin[0] ? host_text : NULL,
                  .office = office,
                  .verify_url = url,
                  .verify_code = code};
    rc = qn_svc_doc_pdf(&doc, pdf, pdf_len, e);
    json_decref(p);
    qn_store_notification_clear(&n);
    return rc;
}
