/* reg_exit_visa.c — the exit visa after a lost passport (seed 001): "Based
 * on the issued certificate, the foreigner receives a new passport or a
 * document replacing it at the consular office of his/her country, whereby
 * the internal affairs authorities issues the exit visa." The foreigner who
 * holds the certificate applies and signs; an officer of the region of the
 * address decides.
 *
 * Document members (besides the generic ones; "address_code" is where the
 * foreigner stays, "period" the validity asked for):
 *   "certificate": the number of the granted certificate of loss (the
 *                  lost_passport application's number), issued to the
 *                  same account;
 *   "new_passport": {"number", "country", "issued", "expires"} — the new
 *                  passport or substitute document from the consulate.
 *
 * At submission: the certificate is granted and the applicant's; the new
 * passport was issued on or after the certificate and within its validity
 * (QN_LOSS_CERT_DAYS, reg_loss.h), by today, and is valid beyond today; it
 * is not on record for another person. Grant (officer): the visa is valid
 * from the day of issue for at most QN_EXIT_VISA_MAX_DAYS (30, UNCONFIRMED,
 * core/permit.h qn_exit_visa_compute), never beyond the new passport nor the
 * period asked for, or the officer's period within that; in the same
 * transaction the new passport is recorded as the person's document (the
 * border checks the passport in hand) and a stay document "exit_visa" is
 * recorded. The visa prints as a PDF (reg_documents.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/permit.h"
#include "service/reg_loss.h"
#include "service/reg_stay.h"

static const char *const keys[] = {"certificate", "new_passport", NULL};

typedef struct {
    char certificate[QN_STORE_NUMBER_MAX + 1];
    char number[QN_STORE_NUMBER_MAX + 1];
    char country[4];
    qn_date_t issued, expires;
} ev_doc;

static void read_doc(const json_t *doc, ev_doc *x, qn_app_case *c, qn_err *e)
{
    memset(x, 0, sizeof *x);
    qn_app_json_str(doc, "", "certificate", true, x->certificate, sizeof x->certificate, e);
    const json_t *np = json_object_get(doc, "new_passport");
    x->issued = x->expires = QN_DATE_NONE;
    if (!json_is_object(np)) {
        qn_err_field(e, "new_passport", "is required: {\"number\", \"country\", \"issued\", \"expires\"}");
        return;
    }
    qn_app_json_str(np, "new_passport.", "number", true, x->number, sizeof x->number, e);
    qn_app_json_str(np, "new_passport.", "country", true, x->country, sizeof x->country, e);
    qn_app_json_date(np, "new_passport.", "issued", true, &x->issued, e);
    qn_app_json_date(np, "new_passport.", "expires", true, &x->expires, e);
    snprintf(c->doc_number, sizeof c->doc_number, "%s", x->number);
    snprintf(c->citizenship, sizeof c->citizenship, "%s", x->country);
    c->doc_expires = x->expires;
    if (x->number[0] && x->country[0])
        snprintf(c->person_key, sizeof c->person_key, "DOC:%s:%s", x->country, x->number);
}

static void parse(const json_t *doc, qn_app_case *c, qn_svc_ctx *ctx, qn_err *e)
{
    (void)ctx;
    ev_doc x;
    read_doc(doc, &x, c, e);
    if (x.issued != QN_DATE_NONE && x.expires != QN_DATE_NONE && x.expires < x.issued)
        qn_err_field(e, "new_passport.expires", "must not be before it was issued");
    if (x.issued != QN_DATE_NONE && c->from != QN_DATE_NONE && c->from < x.issued)
        qn_err_field(e, "period.from", "must not be before the new passport was issued");
}

/* The certificate cited by x, checked against the applicant and the new
 * passport; *cert filled. */
static qn_code check_certificate(qn_store_conn *conn, const qn_store_application *a, const ev_doc *x,
                                 qn_loss_certificate *cert, qn_err *e)
{
    qn_code rc = qn_loss_certificate_get(conn, x->certificate, "certificate", cert, e);
    if (rc != QN_OK)
        return rc;
    if (cert->applicant_account_id != a->applicant_account_id)
        return qn_err_field(e, "certificate", "was not issued on your statement");
    char d[QN_DATE_STRLEN];
    if (x->issued < cert->issued)
        return qn_err_field(e, "new_passport.issued", "is before the certificate of loss (%s)",
                            qn_date_format(cert->issued, d));
    if (cert->valid_until != QN_DATE_NONE && x->issued > cert->valid_until)
        return qn_err_field(e, "new_passport.issued", "is after the certificate of loss expired (%s)",
                            qn_date_format(cert->valid_until, d));
    return QN_OK;
}

static qn_code after_submit(qn_svc_ctx *ctx, qn_store_conn *conn, qn_store_application *a,
                            const qn_app_case *c, qn_err *e)
{
    (void)c;
    json_t *doc = qn_rs_payload(a);
    ev_doc x;
    qn_app_case tmp = *c;
    read_doc(doc, &x, &tmp, NULL);
    json_decref(doc);
    qn_date_t today = qn_svc_today(ctx);
    char d[QN_DATE_STRLEN];
    if (x.issued > today)
        return qn_err_field(e, "new_passport.issued", "is in the future");
    if (x.expires <= today)
        return qn_err_field(e, "new_passport.expires", "must be after today (%s)", qn_date_format(today, d));
    qn_loss_certificate cert;
    qn_code rc = check_certificate(conn, a, &x, &cert, e);
    if (rc != QN_OK)
        return rc;
    qn_store_document have;
    qn_err miss;
    qn_err_clear(&miss);
    if (qn_store_document_find(conn, x.country, x.number, &have, &miss) == QN_OK &&
        have.person_id != cert.person_id)
        return qn_err_field(e, "new_passport.number", "is on record for another person");
    return QN_OK;
}

static qn_code grant(qn_svc_ctx *ctx, qn_store_conn *conn, qn_store_application *a, const qn_app_case *c,
                     const qn_app_action *act, qn_actor_role role, qn_app_decision *dec, char **reasons,
                     qn_err *e)
{
    qn_code rc = qn_rs_grant_allowed(a, role, e);
    if (rc != QN_OK)
        return rc;
    json_t *doc = qn_rs_payload(a);
    ev_doc x;
    qn_app_case tmp = *c;
    read_doc(doc, &x, &tmp, NULL);
    json_decref(doc);
    qn_loss_certificate cert;
    if ((rc = check_certificate(conn, a, &x, &cert, e)) != QN_OK)
        return rc;
    qn_date_t today = qn_svc_today(ctx);
    qn_exit_visa_request rq = {cert.issued, x.issued, x.expires, today};
    qn_exit_visa_period b;
    qn_err ve;
    qn_err_clear(&ve);
    if (qn_exit_visa_compute(&rq, &b, &ve) != QN_OK) {
        static const char *const map[] = {"new_passport_issued",
                                          "new_passport.issued",
                                          "new_passport_expires",
                                          "new_passport.expires",
                                          "issue_on",
                                          "valid_from",
                                          NULL};
        qn_rs_map_errors(&ve, map, e);
        return e ? e->code : QN_E_INVALID;
    }
    const char *limited_by = b.limited_by;
    if (c->to != QN_DATE_NONE && c->to < b.to && c->to >= b.from) {
        b.to = c->to;
        limited_by = "requested";
    }
    qn_date_t from, to;
    if ((rc = qn_rs_grant_period(act, b.from, b.to, limited_by, &from, &to, e)) != QN_OK)
        return rc;
    /* The new passport becomes the person's document on record. */
    qn_store_document have;
    qn_err miss;
    qn_err_clear(&miss);
    rc = qn_store_document_find(conn, x.country, x.number, &have, &miss);
    if (rc == QN_OK && have.person_id != cert.person_id)
        return qn_err_field(e, "new_passport.number", "is on record for another person");
    if (rc == QN_E_NOT_FOUND) {
        qn_store_document d;
        memset(&d, 0, sizeof d);
        d.person_id = cert.person_id;
        snprintf(d.kind, sizeof d.kind, "passport");
        snprintf(d.number, sizeof d.number, "%s", x.number);
        snprintf(d.country, sizeof d.country, "%s", x.country);
        d.issued = x.issued;
        d.expires = x.expires;
        rc = qn_store_document_create(conn, &d, e);
    } else if (rc != QN_OK) {
        if (e)
            *e = miss;
        return rc;
    }
    if (rc == QN_OK)
        rc = qn_rs_stay_document(conn, cert.person_id, "exit_visa", a, from, to, e);
    if (rc != QN_OK)
        return rc;
    dec->valid_from = from;
    dec->valid_until = to;
    char passport[64];
    snprintf(passport, sizeof passport, "%s %s", x.country, x.number);
    *reasons =
        qn_rs_dump(json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:b, s:I}", "document", "exit_visa",
                             "exit_visa_number", a->number, "certificate", cert.number, "new_passport",
                             passport, "from", qn_rs_date(from), "to", qn_rs_date(to), "limited_by",
                             limited_by, "confirmed", b.confirmed, "person_id", (json_int_t)cert.person_id));
    return *reasons ? QN_OK : qn_err_set(e, QN_E_NOMEM, "out of memory");
}

const qn_app_kind_ops qn_reg_exit_visa_ops = {
    .kind = QN_APP_EXIT_VISA,
    .keys = keys,
    .roles = {QN_ROLE_FOREIGNER, QN_ROLE_NONE, QN_ROLE_NONE},
    .automatic = false,
    .residence_kind = "temporary",
    .parse = parse,
    .auto_check = NULL,
    .after_submit = after_submit,
    .grant = grant,
};
