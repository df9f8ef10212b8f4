/* reg_documents.c — the certificate of loss and the exit visa as PDFs (see
 * reg_documents.h).
 *
 * What is printed comes from the records, not from what the applicant
 * typed: the person as on record (surname, given names, citizenship, birth
 * date), the document concerned (the lost passport; the new passport for
 * the exit visa), the validity the officer granted (the decision's
 * reasons), the address of stay, the issuing office (the Migration Service
 * of the address's region), the number and the verification code with its
 * URL in a QR code. Citizenship and office are in the document's language
 * (doc/names.h), which is Kazakh unless asked otherwise.
 */
#include "service/reg_documents.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/names.h"
#include "doc/pdf.h"
#include "doc/verify.h"
#include "service/application.h"
#include "service/documents.h"
#include "service/reg_stay.h"

static qn_date_t reason_date(const json_t *r, const char *key)
{
    qn_date_t d = QN_DATE_NONE;
    const char *s = json_string_value(json_object_get(r, key));
    if (s)
        qn_date_parse_cstr(s, &d, NULL);
    return d;
}

qn_code qn_svc_app_document_pdf(qn_svc_ctx *ctx, int64_t id, const char *lang, unsigned char **pdf,
                                size_t *pdf_len, qn_err *e)
{
    *pdf = NULL;
    *pdf_len = 0;
    /* No language: Kazakh, as for the other documents (it was English). */
    qn_doc_lang lg;
    qn_code rc = qn_svc_doc_lang(lang, &lg, e);
    if (rc != QN_OK)
        return rc;
    qn_app_view v;
    rc = qn_svc_app_get(ctx, id, &v, e);
    if (rc != QN_OK)
        return rc;
    bool loss = strcmp(v.app.kind, "lost_passport") == 0, exit_visa = strcmp(v.app.kind, "exit_visa") == 0;
    if ((!loss && !exit_visa) || strcmp(v.app.state, "granted") != 0) {
        qn_app_view_free(&v);
        qn_err_set(e, QN_E_CONFLICT,
                   "only a granted certificate of loss or exit visa has a document to print here (a "
                   "registration notice is at notice.pdf)");
        qn_err_sub(e, "no_document");
        return QN_E_CONFLICT;
    }
    json_t *r = v.app.reasons ? json_loads(v.app.reasons, 0, NULL) : NULL;
    json_t *d = qn_rs_payload(&v.app);
    int64_t person_id = (int64_t)json_integer_value(json_object_get(r, "person_id"));
    char document[QN_DOC_ID_DOCUMENT_MAX], office[QN_DOC_OFFICE_MAX];
    if (loss) {
        json_t *fd = json_object_get(json_object_get(d, "foreigner"), "document");
        snprintf(document, sizeof document, "%s %s", json_string_value(json_object_get(fd, "country")),
                 json_string_value(json_object_get(fd, "number")));
    } else {
        snprintf(document, sizeof document, "%s",
                 json_string_value(json_object_get(r, "new_passport"))
                     ? json_string_value(json_object_get(r, "new_passport"))
                     : "");
    }
    /* The office in the document's language (doc/names.h): a fixed English
     * "Migration Service, region 75" was printed on kk and ru papers. */
    qn_doc_office_name(v.app.region, lg, office, sizeof office);
    qn_date_t from = reason_date(r, loss ? "valid_from" : "from"),
              to = reason_date(r, loss ? "valid_until" : "to");
    qn_date_t issued = loss ? reason_date(r, "issued") : from;
    qn_store_person p;
    memset(&p, 0, sizeof p);
    qn_store_address addr;
    memset(&addr, 0, sizeof addr);
    qn_svc_conn c = {0};
    rc = qn_svc_acquire(ctx, &c, e);
    if (rc == QN_OK)
        rc = qn_store_person_get(c.conn, person_id, &p, e);
    if (rc == QN_OK)
        rc = qn_store_address_get(c.conn, json_string_value(json_object_get(d, "address_code")), &addr, e);
    qn_svc_release(ctx, &c);
    char code[QN_DOC_CODE_LEN + 1], url[QN_DOC_URL_MAX + 1], name[QN_DOC_NAME_MAX];
    char citizenship[QN_DOC_CITIZENSHIP_MAX];
    snprintf(name, sizeof name, "%.99s %.99s", p.surname, p.given_names);
    /* The country's name in the document's language, not the code on record
     * ("FRA"), as on the notice and the confirmation. */
    qn_doc_country_name(p.citizenship, lg, NULL, citizenship, sizeof citizenship);
    /* The code and the QR's URL under the configured public origin (the
     * verification page of documents.h checks these papers too). */
    if (rc == QN_OK)
        rc = qn_svc_doc_link(ctx, v.app.number, code, url, e);
    if (rc == QN_OK) {
        qn_doc doc = {.kind = loss ? QN_DOC_LOST_PASSPORT : QN_DOC_EXIT_VISA,
                      .lang = lg,
                      .number = v.app.number,
                      .issued = issued,
                      .valid_from = from,
                      .valid_until = to,
                      .person = {name, citizenship, document, p.birth_date},
                      .address = addr.text,
                      .host = NULL,
                      .office = office,
                      .verify_url = url,
                      .verify_code = code};
        rc = qn_svc_doc_pdf(&doc, pdf, pdf_len, e);
    }
    json_decref(r);
    json_decref(d);
    qn_app_view_free(&v);
    return rc;
}
