/* reg_visa_ext.c — extension of stay by a visa for visa-free visitors
 * (seed 001): "the internal affairs authorities ... issue the citizens of
 * the abovementioned states single-entry visas (business category) for up
 * to thirty calendar days"; "upon request from an authorized investment
 * body confirming the status of an investor ... single entry visas
 * (investment category) for up to ninety calendar days". The foreigner
 * applies (and signs); an officer of the region of the address decides.
 *
 * Document members (besides the generic ones; "address_code" is where the
 * foreigner stays, "period" the visa asked for: "from" must be the day after
 * the visa-free period, "to" the last day asked for):
 *   "category": "business" | "investment",
 *   "foreigner": {"citizenship", "document": {"number", "country", "expires"},
 *                 "surname"?, "given_names"?, "birth_date"?},
 *   "entry_date",
 *   "investor_confirmation"?: {"body", "number", "date"} — the investment
 *   body's request confirming investor status (required for "investment").
 *
 * At submission (core/permit.h qn_ext_validate, applied on the day of
 * submission): a visa-free regime without a TRP path (CIS and EAEU
 * citizens use a permit; visa nationals extend their visa), applied by the
 * last visa-free day (an overstay is not extended), the entry on record is
 * entry_date, and the person is on record. Grant: the visa of at most 30
 * (business) or 90 (investment) days from the day after the visa-free
 * period, never beyond the passport, or the officer's period within that;
 * a stay document "extension_visa" is recorded in the same transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/permit.h"
#include "service/reg_stay.h"

static const char *const keys[] = {"category", "foreigner", "entry_date", "investor_confirmation", NULL};

typedef struct {
    qn_ext_category category;
    bool has_category;
    bool investor_confirmed;
    qn_rs_foreigner f;
} ext_doc;

static void read_doc(const json_t *doc, ext_doc *x, qn_app_case *c, qn_err *e)
{
    memset(x, 0, sizeof *x);
    const char *cat = json_string_value(json_object_get(doc, "category"));
    x->has_category = cat && (strcmp(cat, "business") == 0 || strcmp(cat, "investment") == 0);
    if (!x->has_category)
        qn_err_field(e, "category", "must be business (up to 30 days) or investment (up to 90 days)");
    else
        x->category = strcmp(cat, "business") == 0 ? QN_EXT_BUSINESS : QN_EXT_INVESTMENT;
    qn_rs_parse_foreigner(doc, "foreigner", false, true, &x->f, c, e);
    qn_app_json_date(doc, "", "entry_date", true, &c->entry_date, e);
    const json_t *ic = json_object_get(doc, "investor_confirmation");
    if (ic && !json_is_null(ic)) {
        if (!json_is_object(ic)) {
            qn_err_field(e, "investor_confirmation", "must be {\"body\", \"number\", \"date\"}");
        } else {
            char body[QN_STORE_NAME_MAX + 1], number[QN_STORE_NUMBER_MAX + 1];
            qn_date_t on;
            size_t before = e ? e->n_fields : 0;
            qn_app_json_str(ic, "investor_confirmation.", "body", true, body, sizeof body, e);
            qn_app_json_str(ic, "investor_confirmation.", "number", true, number, sizeof number, e);
            qn_app_json_date(ic, "investor_confirmation.", "date", true, &on, e);
            x->investor_confirmed = e ? e->n_fields == before : (body[0] && number[0] && on != QN_DATE_NONE);
        }
    }
}

static void parse(const json_t *doc, qn_app_case *c, qn_svc_ctx *ctx, qn_err *e)
{
    (void)ctx;
    ext_doc x;
    read_doc(doc, &x, c, e);
}

/* The visa's bounds for an application made on applied_on. */
static qn_code bounds(const ext_doc *x, const qn_app_case *c, qn_date_t applied_on, qn_ext_period *out,
                      qn_err *e)
{
    qn_ext_request rq = {c->citizenship, c->entry_date,  applied_on,           x->category,
                         c->to,          c->doc_expires, x->investor_confirmed};
    qn_err ve;
    qn_err_clear(&ve);
    if (qn_ext_validate(&rq, out, &ve) == QN_OK)
        return QN_OK;
    static const char *const map[] = {"citizenship",
                                      "foreigner.citizenship",
                                      "entry",
                                      "entry_date",
                                      "applied_on",
                                      "entry_date",
                                      "requested_to",
                                      "period.to",
                                      "passport_expires",
                                      "foreigner.document.expires",
                                      "investor_confirmed",
                                      "investor_confirmation",
                                      NULL};
    qn_rs_map_errors(&ve, map, e);
    return e ? e->code : QN_E_INVALID;
}

static qn_code after_submit(qn_svc_ctx *ctx, qn_store_conn *conn, qn_store_application *a,
                            const qn_app_case *c, qn_err *e)
{
    json_t *doc = qn_rs_payload(a);
    ext_doc x;
    qn_app_case tmp = *c;
    read_doc(doc, &x, &tmp, NULL);
    json_decref(doc);
    qn_store_person p;
    qn_code rc = qn_rs_check_person(ctx, conn, &x.f, "foreigner", false, c, &p, e);
    if (rc != QN_OK)
        return rc;
    /* The entry on record: the latest entry crossing by today. */
    qn_ctl_history h;
    rc = qn_ctl_history_load(conn, p.id, false, &h, e);
    qn_date_t today = qn_svc_today(ctx), entry = QN_DATE_NONE;
    for (size_t i = 0; rc == QN_OK && i < h.n_trips; i++)
        if (h.trips[i].entry <= today)
            entry = h.trips[i].entry;
    qn_ctl_history_free(&h);
    if (rc != QN_OK)
        return rc;
    char d[QN_DATE_STRLEN];
    if (entry != QN_DATE_NONE && entry != c->entry_date)
        return qn_err_field(e, "entry_date", "is not the entry on record (%s)", qn_date_format(entry, d));
    qn_ext_period out;
    if ((rc = bounds(&x, c, today, &out, e)) != QN_OK)
        return rc;
    if (c->from != out.from)
        return qn_err_field(e, "period.from", "must be %s, the day after the visa-free period",
                            qn_date_format(out.from, d));
    return QN_OK;
}

static qn_code grant(qn_svc_ctx *ctx, qn_store_conn *conn, qn_store_application *a, const qn_app_case *c,
                     const qn_app_action *act, qn_actor_role role, qn_app_decision *dec, char **reasons,
                     qn_err *e)
{
    (void)ctx;
    qn_code rc = qn_rs_grant_allowed(a, role, e);
    if (rc != QN_OK)
        return rc;
    json_t *doc = qn_rs_payload(a);
    ext_doc x;
    qn_app_case tmp = *c;
    read_doc(doc, &x, &tmp, NULL);
    json_decref(doc);
    /* Judged as of the day it was made: a visitor who applied in time is
     * not refused because the officer decides later. */
    qn_ext_period b;
    if ((rc = bounds(&x, c, qn_date_from_epoch_kz(a->created_at), &b, e)) != QN_OK)
        return rc;
    qn_date_t from, to;
    if ((rc = qn_rs_grant_period(act, b.from, b.to, b.limited_by, &from, &to, e)) != QN_OK)
        return rc;
    qn_store_person p;
    if ((rc = qn_rs_person(conn, x.f.doc_country, x.f.doc_number, "foreigner.document.number", &p, NULL,
                           e)) != QN_OK)
        return rc;
    if ((rc = qn_rs_stay_document(conn, p.id, "extension_visa", a, from, to, e)) != QN_OK)
        return rc;
    dec->valid_from = from;
    dec->valid_until = to;
    *reasons = qn_rs_dump(json_pack(
        "{s:s, s:s, s:s, s:o, s:o, s:i, s:s, s:b}", "document", "extension_visa", "visa_number", a->number,
        "category", x.category == QN_EXT_BUSINESS ? "business" : "investment", "from", qn_rs_date(from), "to",
        qn_rs_date(to), "max_days", b.max_days, "limited_by", b.limited_by, "confirmed", b.confirmed));
    return *reasons ? QN_OK : qn_err_set(e, QN_E_NOMEM, "out of memory");
}

const qn_app_kind_ops qn_reg_visa_ext_ops = {
    .kind = QN_APP_VISA_EXTENSION,
    .keys = keys,
    .roles = {QN_ROLE_FOREIGNER, QN_ROLE_NONE, QN_ROLE_NONE},
    .automatic = false,
    .residence_kind = "temporary",
    .parse = parse,
    .auto_check = NULL,
    .after_submit = after_submit,
    .grant = grant,
};
