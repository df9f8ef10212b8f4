/* reg_loss.c — the lost passport (seed 001): "an immigrant must immediately
 * contact the internal affairs bodies at the place of permanent residence
 * or temporary stay and provide a statement with a detailed description of
 * when, where and under what circumstances the loss of the document
 * occurred. Based on the application of the immigrant, who has been
 * registered in accordance with the established rules and whose identity
 * has been established, the migration police department issues a
 * certificate". The foreigner applies and signs; the officer of the region
 * where they live or stay (the address) decides.
 *
 * Document members (besides the generic ones; "address_code" is where the
 * foreigner lives or stays, "period" the stay there, which must include the
 * day of the statement):
 *   "foreigner": {"citizenship", "document": {"number", "country"} — the
 *                 lost passport, "surname"?, "given_names"?, "birth_date"?},
 *   "lost_on", "place", "circumstances".
 *
 * At submission: the statement is complete and plausible (core/permit.h
 * qn_loss_validate: when, where, circumstances; not in the future, not
 * older than a year; a statement more than 3 days after the loss is
 * accepted and flagged late) and the person is on record.
 * Grant (officer): the officer states that the identity was established
 * ("identity_established": true, else 422); the person must be registered
 * (else 409 "not_registered": refuse with reason not_eligible): a
 * notification of arrival, a confirmed self-registration or a permit for
 * the stay that includes the day of the statement, or an entry in the
 * population register covering it. The certificate of loss is valid
 * QN_LOSS_CERT_DAYS days from its issue (a choice, UNCONFIRMED: the time
 * to obtain a new passport); it is printed as a PDF (reg_documents.c) and
 * an exit visa application cites it (reg_exit_visa.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/permit.h"
#include "service/reg_loss.h"
#include "service/reg_stay.h"

static const char *const keys[] = {"foreigner", "lost_on", "place", "circumstances", NULL};

typedef struct {
    qn_rs_foreigner f;
    qn_date_t lost_on;
    char place[QN_LOSS_PLACE_MAX + 1];
    char circumstances[QN_LOSS_TEXT_MAX + 1];
} loss_doc;

static void read_doc(const json_t *doc, loss_doc *x, qn_app_case *c, qn_err *e)
{
    memset(x, 0, sizeof *x);
    qn_rs_parse_foreigner(doc, "foreigner", false, false, &x->f, c, e);
    qn_app_json_date(doc, "", "lost_on", true, &x->lost_on, e);
    qn_app_json_str(doc, "", "place", true, x->place, sizeof x->place, e);
    qn_app_json_str(doc, "", "circumstances", true, x->circumstances, sizeof x->circumstances, e);
}

static void parse(const json_t *doc, qn_app_case *c, qn_svc_ctx *ctx, qn_err *e)
{
    (void)ctx;
    loss_doc x;
    read_doc(doc, &x, c, e);
}

/* Whether the person is registered for the stay that includes day (see the
 * file comment). */
static qn_code is_registered(qn_store_conn *conn, const qn_store_person *p, const char *person_key,
                             qn_date_t day, bool *yes, qn_err *e)
{
    *yes = false;
    qn_ctl_history h;
    qn_code rc = qn_ctl_history_load(conn, p->id, true, &h, e);
    /* The trip that includes the day (none on record: any place up to it). */
    qn_date_t from = QN_DATE_NONE;
    for (size_t t = 0; rc == QN_OK && t < h.n_trips; t++)
        if (h.trips[t].entry <= day && (h.trips[t].exit == QN_DATE_NONE || h.trips[t].exit >= day))
            from = h.trips[t].entry;
    for (size_t i = 0; rc == QN_OK && i < h.n_cn; i++)
        if (h.cn[i].arrival <= day && (from == QN_DATE_NONE || h.cn[i].arrival >= from) &&
            h.cn[i].received <= day)
            *yes = true;
    qn_ctl_history_free(&h);
    if (rc != QN_OK || *yes)
        return rc;
    qn_store_residence_list regs = {0};
    rc = qn_store_residences(conn, person_key, &regs, e);
    for (size_t i = 0; rc == QN_OK && i < regs.count; i++)
        if (regs.items[i].valid_from <= day &&
            (regs.items[i].valid_to == QN_DATE_NONE || regs.items[i].valid_to >= day))
            *yes = true;
    qn_store_residence_list_free(&regs);
    return rc;
}

static qn_code validate(const loss_doc *x, qn_date_t reported_on, bool registered, bool identified,
                        qn_loss_assessment *out, qn_err *e)
{
    qn_loss_statement st = {x->lost_on, x->place, x->circumstances, reported_on, registered, identified};
    qn_err le;
    qn_err_clear(&le);
    if (qn_loss_validate(&st, out, &le) == QN_OK)
        return QN_OK;
    static const char *const map[] = {"reported_on", "lost_on", NULL};
    qn_rs_map_errors(&le, map, e);
    return e ? e->code : QN_E_INVALID;
}

static qn_code after_submit(qn_svc_ctx *ctx, qn_store_conn *conn, qn_store_application *a,
                            const qn_app_case *c, qn_err *e)
{
    json_t *doc = qn_rs_payload(a);
    loss_doc x;
    qn_app_case tmp = *c;
    read_doc(doc, &x, &tmp, NULL);
    json_decref(doc);
    qn_date_t today = qn_svc_today(ctx);
    char d[QN_DATE_STRLEN];
    if (c->from > today || c->to < today)
        return qn_err_field(e, "period", "the stay at the address must include the day of the statement (%s)",
                            qn_date_format(today, d));
    qn_loss_assessment as;
    qn_code rc = validate(&x, today, true, true, &as, e);
    if (rc != QN_OK)
        return rc;
    qn_store_person p;
    return qn_rs_check_person(ctx, conn, &x.f, "foreigner", false, c, &p, e);
}

static qn_code grant(qn_svc_ctx *ctx, qn_store_conn *conn, qn_store_application *a, const qn_app_case *c,
                     const qn_app_action *act, qn_actor_role role, qn_app_decision *dec, char **reasons,
                     qn_err *e)
{
    qn_code rc = qn_rs_grant_allowed(a, role, e);
    if (rc != QN_OK)
        return rc;
    if (act->has_period)
        return qn_err_field(e, "valid_from",
                            "is not given for a certificate of loss: it is valid %d days from "
                            "its issue",
                            QN_LOSS_CERT_DAYS);
    if (!act->identity_established) {
        qn_err_set(e, QN_E_INVALID,
                   "the certificate is issued only when the identity is established (seed 001)");
        return qn_err_field(e, "identity_established", "must be true: the officer established the identity");
    }
    json_t *doc = qn_rs_payload(a);
    loss_doc x;
    qn_app_case tmp = *c;
    read_doc(doc, &x, &tmp, NULL);
    json_decref(doc);
    qn_store_person p;
    if ((rc = qn_rs_person(conn, x.f.doc_country, x.f.doc_number, "foreigner.document.number", &p, NULL,
                           e)) != QN_OK)
        return rc;
    qn_date_t reported = qn_date_from_epoch_kz(a->created_at), today = qn_svc_today(ctx);
    bool registered = false;
    if ((rc = is_registered(conn, &p, c->person_key, reported, &registered, e)) != QN_OK)
        return rc;
    qn_loss_assessment as;
    if ((rc = validate(&x, reported, registered, true, &as, e)) != QN_OK)
        return rc;
    if (!as.certificate_allowed) {
        qn_err_set(e, QN_E_CONFLICT,
                   "the certificate of loss is issued only to an immigrant registered under the rules (seed "
                   "001): no notification of arrival, self-registration, permit or registration covers %s; "
                   "refuse with reason not_eligible",
                   qn_date_format(reported, (char[QN_DATE_STRLEN]){0}));
        qn_err_sub(e, as.refusal ? as.refusal : "not_registered");
        return QN_E_CONFLICT;
    }
    qn_date_t until = today + QN_LOSS_CERT_DAYS - 1;
    dec->valid_from = today;
    dec->valid_until = until;
    char lost[64];
    snprintf(lost, sizeof lost, "%s %s", x.f.doc_country, x.f.doc_number);
    *reasons = qn_rs_dump(
        json_pack("{s:s, s:s, s:o, s:o, s:o, s:s, s:o, s:o, s:b, s:b, s:I}", "document",
                  "certificate_of_loss", "certificate_number", a->number, "issued", qn_rs_date(today),
                  "valid_from", qn_rs_date(today), "valid_until", qn_rs_date(until), "lost_document", lost,
                  "lost_on", qn_rs_date(x.lost_on), "reported_on", qn_rs_date(reported), "is_late_report",
                  as.is_late_report, "validity_confirmed", false, "person_id", (json_int_t)p.id));
    return *reasons ? QN_OK : qn_err_set(e, QN_E_NOMEM, "out of memory");
}

const qn_app_kind_ops qn_reg_loss_ops = {
    .kind = QN_APP_LOST_PASSPORT,
    .keys = keys,
    .roles = {QN_ROLE_FOREIGNER, QN_ROLE_NONE, QN_ROLE_NONE},
    .automatic = false,
    .residence_kind = "temporary",
    .parse = parse,
    .auto_check = NULL,
    .after_submit = after_submit,
    .grant = grant,
};

qn_code qn_loss_certificate_get(qn_store_conn *conn, const char *number, const char *field,
                                qn_loss_certificate *out, qn_err *e)
{
    memset(out, 0, sizeof *out);
    qn_store_application a;
    memset(&a, 0, sizeof a);
    qn_err miss;
    qn_err_clear(&miss);
    qn_code rc = qn_store_application_by_number(conn, number, &a, &miss);
    if (rc == QN_E_NOT_FOUND ||
        (rc == QN_OK && (strcmp(a.kind, "lost_passport") != 0 || strcmp(a.state, "granted") != 0))) {
        qn_store_application_clear(&a);
        qn_err_set(e, QN_E_INVALID, "%s is not a granted certificate of loss", number);
        return qn_err_field(e, field, "is not the number of a granted certificate of loss of a passport");
    }
    if (rc != QN_OK) {
        if (e)
            *e = miss;
        return rc;
    }
    json_t *r = a.reasons ? json_loads(a.reasons, 0, NULL) : NULL;
    json_t *d = qn_rs_payload(&a);
    json_t *fd = json_object_get(json_object_get(d, "foreigner"), "document");
    out->application_id = a.id;
    out->applicant_account_id = a.applicant_account_id;
    out->person_id = (int64_t)json_integer_value(json_object_get(r, "person_id"));
    snprintf(out->number, sizeof out->number, "%s", a.number);
    const char *s;
    out->issued = out->valid_until = QN_DATE_NONE;
    if ((s = json_string_value(json_object_get(r, "issued"))) != NULL)
        qn_date_parse_cstr(s, &out->issued, NULL);
    if ((s = json_string_value(json_object_get(r, "valid_until"))) != NULL)
        qn_date_parse_cstr(s, &out->valid_until, NULL);
    snprintf(out->lost_country, sizeof out->lost_country, "%s",
             json_string_value(json_object_get(fd, "country"))
                 ? json_string_value(json_object_get(fd, "country"))
                 : "");
    snprintf(out->lost_number, sizeof out->lost_number, "%s",
             json_string_value(json_object_get(fd, "number"))
                 ? json_string_value(json_object_get(fd, "number"))
                 : "");
    json_decref(r);
    json_decref(d);
    qn_store_application_clear(&a);
    if (out->person_id <= 0 || out->issued == QN_DATE_NONE)
        return qn_err_set(e, QN_E_INTERNAL, "certificate %s has no person or issue date on record", number);
    return QN_OK;
}
