/* reg_trp.c — the temporary residence permit (TRP, РВП), applied for by the
 * receiving party (seed 001: "a foreign citizen does not apply for
 * permission himself / herself"; seed 004: who needs one and the
 * documents), decided by an officer of the region of the address.
 *
 * Document members (besides the generic ones of application.c; "period" is
 * the period asked for):
 *   "category": a ground of core/permit.h ("work", "study", "family", ...),
 *   "foreigner": {"surname", "given_names", "citizenship", "birth_date",
 *                 "document": {"number", "country", "expires"}},
 *   "entry_date", "basis_end"? (contract, study or treatment end; required
 *   by the categories that have one), "applicant_is_owner"?, "dependents"?,
 *   "third_party"? (a representative applies for the company).
 * The checklist (core/checklist_kz.c, service "trp", seed 004) decides the
 * documents: employment documents for "work", the dependants' certificates
 * with "dependents", the owner's consent unless the applicant owns the
 * housing, medical insurance except for EAEU citizens.
 *
 * At submission: the permit is needed (qn_trp_need_for: CIS citizens over
 * 30 days, EAEU over 90; a regime without a TRP path — e.g. the visa-free
 * list of seed 001 — is refused: those visitors need a visa), the period is
 * one the rules can grant (qn_trp_period_compute), starts on or after the
 * day of submission and on or after the entry, and the foreigner is on
 * record with these names. An individual host must be 18 or over.
 *
 * Grant (officer): every required document present; the period is the one
 * asked for, bounded by 12 months, the passport and the basis end, or the
 * officer's within those bounds; a stay document "permit" numbered with the
 * application's number is recorded in the same transaction, so the exit
 * check and GET /api/v1/stay see the lawful stay at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/permit.h"
#include "core/regime.h"
#include "service/reg_stay.h"

static const char *const keys[] = {"category",           "foreigner",  "entry_date",  "basis_end",
                                   "applicant_is_owner", "dependents", "third_party", NULL};

typedef struct {
    qn_trp_category category;
    bool has_category;
    qn_rs_foreigner f;
    qn_date_t basis_end;
} trp_doc;

/* The kind's members of doc (shared by parse and the hooks). */
static void read_doc(const json_t *doc, trp_doc *t, qn_app_case *c, qn_err *e)
{
    memset(t, 0, sizeof *t);
    const char *cat = json_string_value(json_object_get(doc, "category"));
    t->has_category = cat && qn_trp_category_parse(cat, strlen(cat), &t->category);
    if (!t->has_category)
        qn_err_field(e, "category",
                     "must be work, study, family, medical, missionary, business_immigrant, intra_corporate, "
                     "aifc_specialist, journalist or trafficking_victim");
    qn_rs_parse_foreigner(doc, "foreigner", true, true, &t->f, c, e);
    qn_app_json_date(doc, "", "entry_date", true, &c->entry_date, e);
    qn_app_json_date(doc, "", "basis_end", false, &t->basis_end, e);
}

static void parse(const json_t *doc, qn_app_case *c, qn_svc_ctx *ctx, qn_err *e)
{
    (void)ctx;
    trp_doc t;
    read_doc(doc, &t, c, e);
    if (!json_is_true(json_object_get(doc, "applicant_is_owner")))
        c->conditions |= QN_CL_NOT_OWNER;
    if (json_is_true(json_object_get(doc, "dependents")))
        c->conditions |= QN_CL_DEPENDENTS;
    if (json_is_true(json_object_get(doc, "third_party")))
        c->conditions |= QN_CL_THIRD_PARTY;
    if (t.has_category && t.category == QN_TRP_WORK)
        c->conditions |= QN_CL_EMPLOYMENT;
    qn_regime reg;
    if (c->citizenship[0] && c->entry_date != QN_DATE_NONE &&
        qn_regime_lookup(c->citizenship, c->entry_date, &reg, NULL) == QN_OK && strcmp(reg.name, "eaeu") == 0)
        c->conditions |= QN_CL_EAEU;
    if (c->entry_date != QN_DATE_NONE && c->from != QN_DATE_NONE && c->from < c->entry_date)
        qn_err_field(e, "period.from", "must not be before the entry date");
    /* Who needs a permit (seed 004; regime.h). */
    if (c->citizenship[0] && c->entry_date != QN_DATE_NONE && c->to != QN_DATE_NONE &&
        c->to >= c->entry_date) {
        qn_trp_need need;
        int threshold = 0;
        qn_err ne;
        qn_err_clear(&ne);
        if (qn_trp_need_for(c->citizenship, c->entry_date, c->to, &need, &threshold, &ne) != QN_OK) {
            static const char *const map[] = {"citizenship", "foreigner.citizenship", "entry",
                                              "entry_date",  "planned_last_day",      "period.to",
                                              NULL};
            qn_rs_map_errors(&ne, map, e);
        } else if (need == QN_TRP_NO_PATH) {
            qn_err_field(e, "foreigner.citizenship",
                         "a citizen of %s has no temporary residence permit path for this stay: a visa is "
                         "needed (seed 001; kz_rules.md §4.1)",
                         c->citizenship);
        } else if (need == QN_TRP_NOT_NEEDED) {
            qn_err_field(e, "period.to",
                         "the stay fits the regime without a permit (a permit is needed beyond %d days from "
                         "the entry; seed 004)",
                         threshold);
        }
    }
    /* The period the rules can grant (core/permit.h). */
    if (t.has_category && c->from != QN_DATE_NONE && c->to != QN_DATE_NONE) {
        qn_trp_request rq = {t.category, c->from, c->to, c->doc_expires, t.basis_end};
        qn_trp_period out;
        qn_err pe;
        qn_err_clear(&pe);
        if (qn_trp_period_compute(&rq, &out, &pe) != QN_OK) {
            static const char *const map[] = {"requested_from",
                                              "period.from",
                                              "requested_to",
                                              "period.to",
                                              "passport_expires",
                                              "foreigner.document.expires",
                                              NULL};
            qn_rs_map_errors(&pe, map, e);
        }
    }
}

static qn_code after_submit(qn_svc_ctx *ctx, qn_store_conn *conn, qn_store_application *a,
                            const qn_app_case *c, qn_err *e)
{
    (void)a;
    json_t *doc = qn_rs_payload(a);
    trp_doc t;
    qn_app_case tmp = *c;
    read_doc(doc, &t, &tmp, NULL);
    json_decref(doc);
    qn_date_t today = qn_svc_today(ctx);
    char d[QN_DATE_STRLEN];
    if (c->from < today)
        return qn_err_field(e, "period.from", "must not be before the day of the application (%s)",
                            qn_date_format(today, d));
    if (ctx->who->role == QN_ROLE_HOST_INDIVIDUAL &&
        !qn_svc_check_iin_adult(c->applicant_iin, today, "signature", e))
        return e->code;
    qn_store_person p;
    return qn_rs_check_person(ctx, conn, &t.f, "foreigner", true, c, &p, e);
}

static qn_code grant(qn_svc_ctx *ctx, qn_store_conn *conn, qn_store_application *a, const qn_app_case *c,
                     const qn_app_action *act, qn_actor_role role, qn_app_decision *dec, char **reasons,
                     qn_err *e)
{
    (void)ctx;
    qn_code rc = qn_rs_grant_allowed(a, role, e);
    if (rc != QN_OK)
        return rc;
    const char *missing[QN_APP_MAX_MISSING], *required[QN_APP_MAX_MISSING];
    size_t n_missing = 0, n_required = 0;
    qn_app_case_missing(c, missing, &n_missing, required, &n_required);
    if (n_missing > 0) {
        rc = qn_err_set(e, QN_E_INVALID,
                        "cannot grant: %zu required document(s) missing; refuse with reason "
                        "incomplete_documents instead",
                        n_missing);
        qn_err_sub(e, "incomplete");
        for (size_t i = 0; i < n_missing; i++)
            qn_err_field(e, "documents", "'%s' is missing", missing[i]);
        return rc;
    }
    json_t *doc = qn_rs_payload(a);
    trp_doc t;
    qn_app_case tmp = *c;
    read_doc(doc, &t, &tmp, NULL);
    json_decref(doc);
    qn_trp_request rq = {t.category, c->from, c->to, c->doc_expires, t.basis_end};
    qn_trp_period bound;
    if ((rc = qn_trp_period_compute(&rq, &bound, e)) != QN_OK)
        return rc;
    qn_date_t from, to;
    if ((rc = qn_rs_grant_period(act, bound.from, bound.to, bound.limited_by, &from, &to, e)) != QN_OK)
        return rc;
    qn_store_person p;
    if ((rc = qn_rs_person(conn, t.f.doc_country, t.f.doc_number, "foreigner.document.number", &p, NULL,
                           e)) != QN_OK)
        return rc;
    if ((rc = qn_rs_stay_document(conn, p.id, "permit", a, from, to, e)) != QN_OK)
        return rc;
    dec->valid_from = from;
    dec->valid_until = to;
    const qn_trp_category_info *info = qn_trp_category_get(t.category);
    *reasons = qn_rs_dump(json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:b, s:I}", "document", "permit",
                                    "permit_number", a->number, "category", info ? info->name : "", "from",
                                    qn_rs_date(from), "to", qn_rs_date(to), "max_to", qn_rs_date(bound.to),
                                    "limited_by", bound.limited_by, "confirmed", bound.confirmed, "person_id",
                                    (json_int_t)p.id));
    return *reasons ? QN_OK : qn_err_set(e, QN_E_NOMEM, "out of memory");
}

const qn_app_kind_ops qn_reg_trp_ops = {
    .kind = QN_APP_TRP,
    .keys = keys,
    .roles = {QN_ROLE_HOST_INDIVIDUAL, QN_ROLE_HOST_LEGAL, QN_ROLE_HOTEL},
    .automatic = false,
    .residence_kind = "temporary",
    .parse = parse,
    .auto_check = NULL,
    .after_submit = after_submit,
    .grant = grant,
};
