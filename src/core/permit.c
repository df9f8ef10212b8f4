/* permit.c — TRP need and period, visa extensions, loss statements and exit
 * visas (see permit.h). Closed-form date arithmetic on day numbers; the only
 * table is the TRP categories below, each row with its source.
 */
#include "core/permit.h"

#include <string.h>

#include "core/regime.h"

static qn_date_t min_date(qn_date_t a, qn_date_t b) { return a < b ? a : b; }

/* ---- who needs a TRP ------------------------------------------------------ */

const char *qn_trp_need_name(qn_trp_need need)
{
    switch (need) {
    case QN_TRP_NOT_NEEDED:
        return "not_needed";
    case QN_TRP_NEEDED:
        return "needed";
    case QN_TRP_NO_PATH:
        return "no_path";
    }
    return "?";
}

qn_code qn_trp_need_for(const char *citizenship, qn_date_t entry, qn_date_t planned_last_day,
                        qn_trp_need *need, int *threshold_days, qn_err *err)
{
    qn_err_clear(err);
    qn_code rc = QN_OK;
    if (!citizenship || !qn_regime_code_is_valid(citizenship))
        rc = qn_err_field(err, "citizenship", "must be three capital letters (ISO 3166-1 alpha-3)");
    if (entry == QN_DATE_NONE)
        rc = qn_err_field(err, "entry", "is required");
    if (planned_last_day == QN_DATE_NONE)
        rc = qn_err_field(err, "planned_last_day", "is required");
    else if (entry != QN_DATE_NONE && planned_last_day < entry)
        rc = qn_err_field(err, "planned_last_day", "is before the entry");
    if (rc != QN_OK)
        return rc;
    qn_regime regime;
    if ((rc = qn_regime_lookup(citizenship, entry, &regime, err)) != QN_OK)
        return rc;
    int days = planned_last_day - entry + 1; /* entry day = day 1 (kz_rules.md §1.2) */
    if (threshold_days)
        *threshold_days = regime.permit_after_days;
    if (regime.permit_after_days > 0)
        *need = days > regime.permit_after_days ? QN_TRP_NEEDED : QN_TRP_NOT_NEEDED;
    else if (!regime.needs_visa && regime.per_entry_days > 0 && days > regime.per_entry_days)
        *need = QN_TRP_NO_PATH;
    else
        *need = QN_TRP_NOT_NEEDED; /* within the visa-free days, or bounded by a visa */
    return QN_OK;
}

/* ---- TRP categories ----------------------------------------------------------- */

#define S4631 "gov.kz/services/4631; egov.kz 00203002_mvd (kz_rules.md §4.1)"
#define S61 "Law on Migration Art. 6-1 (zakonpravo.kz); term UNCONFIRMED (kz_rules.md §4.1)"

/* One year is the confirmed term (EAEU citizens and others without a work
 * permit, renewable yearly; AIFC specialists up to one year, secondary).
 * For the other grounds the sources give only secondary statements ("the
 * study period", "the treatment period"): the model caps every grant at
 * 12 months, renewable, bounded by the basis where there is one. */
static const qn_trp_category_info categories[QN_TRP_CATEGORY_COUNT] = {
    {QN_TRP_WORK, "work", "Labour activity", 12, true, true, S4631},
    {QN_TRP_STUDY, "study", "Full-time study", 12, true, false, S61 "; smart-migration.kz: the study period"},
    {QN_TRP_FAMILY, "family", "Family reunification", 12, false, false,
     S61 "; smart-migration.kz: up to 1 year"},
    {QN_TRP_MEDICAL, "medical", "Inpatient treatment", 12, true, false,
     S61 "; smart-migration.kz: the treatment period"},
    {QN_TRP_MISSIONARY, "missionary", "Missionary activity", 12, false, false, S61},
    {QN_TRP_BUSINESS_IMMIGRANT, "business_immigrant", "Business immigrant", 12, false, false, S61},
    {QN_TRP_INTRA_CORPORATE, "intra_corporate", "Intra-corporate transfer", 12, true, false,
     "gov.kz/services/4631 (ground); term UNCONFIRMED"},
    {QN_TRP_AIFC_SPECIALIST, "aifc_specialist", "AIFC specialist", 12, true, false,
     "toshkent24.com (secondary): up to 1 year, renewable"},
    {QN_TRP_JOURNALIST, "journalist", "Accredited journalist", 12, false, false,
     "gov.kz/services/4631 (ground); term UNCONFIRMED"},
    {QN_TRP_TRAFFICKING_VICTIM, "trafficking_victim", "Victim of human trafficking", 12, false, false,
     "toshkent24.com (ground); term UNCONFIRMED"},
};

const qn_trp_category_info *qn_trp_category_get(qn_trp_category category)
{
    if ((int)category < 0 || category >= QN_TRP_CATEGORY_COUNT)
        return NULL;
    return &categories[category];
}

bool qn_trp_category_parse(const char *s, size_t len, qn_trp_category *out)
{
    if (!s)
        return false;
    for (int i = 0; i < QN_TRP_CATEGORY_COUNT; i++) {
        if (strlen(categories[i].name) == len && memcmp(categories[i].name, s, len) == 0) {
            *out = (qn_trp_category)i;
            return true;
        }
    }
    return false;
}

qn_code qn_trp_period_compute(const qn_trp_request *req, qn_trp_period *out, qn_err *err)
{
    qn_err_clear(err);
    memset(out, 0, sizeof *out);
    qn_code rc = QN_OK;
    const qn_trp_category_info *cat = qn_trp_category_get(req->category);
    if (!cat)
        rc = qn_err_field(err, "category", "is not a known ground for a TRP");
    qn_date_t from = req->requested_from, to = req->requested_to;
    if (from == QN_DATE_NONE)
        rc = qn_err_field(err, "requested_from", "is required");
    if (to == QN_DATE_NONE)
        rc = qn_err_field(err, "requested_to", "is required");
    else if (from != QN_DATE_NONE && to < from)
        rc = qn_err_field(err, "requested_to", "is before requested_from");
    if (req->passport_expires == QN_DATE_NONE)
        rc = qn_err_field(err, "passport_expires", "is required");
    else if (from != QN_DATE_NONE && req->passport_expires < from)
        rc = qn_err_field(err, "passport_expires",
                          "is before the start: a TRP never exceeds the passport's validity");
    if (cat && cat->needs_basis_end && req->basis_end == QN_DATE_NONE)
        rc = qn_err_field(err, "basis_end",
                          "is required for a %s TRP (end of the contract, "
                          "study or treatment)",
                          cat->name);
    else if (req->basis_end != QN_DATE_NONE && from != QN_DATE_NONE && req->basis_end < from)
        rc = qn_err_field(err, "basis_end", "is before the start");
    if (rc != QN_OK)
        return rc;

    const char *by = "requested";
    /* N months from `from`: the day before the same day N months later,
     * i.e. (from - 1) + N months, so 2024-02-29 + 12 months ends 2025-02-28. */
    qn_date_t max_to = qn_date_add_months(from - 1, cat->max_months);
    if (max_to < to) {
        to = max_to;
        by = "max_term";
    }
    if (req->passport_expires < to) {
        to = req->passport_expires;
        by = "passport";
    }
    if (req->basis_end != QN_DATE_NONE && req->basis_end < to) {
        to = req->basis_end;
        by = "basis_end";
    }
    out->from = from;
    out->to = to;
    out->limited_by = by;
    out->confirmed = cat->confirmed;
    return QN_OK;
}

/* ---- visa extension ----------------------------------------------------------- */

qn_code qn_ext_validate(const qn_ext_request *req, qn_ext_period *out, qn_err *err)
{
    qn_err_clear(err);
    memset(out, 0, sizeof *out);
    qn_code rc = QN_OK;
    qn_regime regime = {0};
    bool have_regime = false;
    if (!req->citizenship || !qn_regime_code_is_valid(req->citizenship))
        rc = qn_err_field(err, "citizenship", "must be three capital letters (ISO 3166-1 alpha-3)");
    if (req->entry == QN_DATE_NONE)
        rc = qn_err_field(err, "entry", "is required");
    if (rc == QN_OK) {
        if ((rc = qn_regime_lookup(req->citizenship, req->entry, &regime, err)) != QN_OK)
            return rc;
        have_regime = true;
        /* Seed 001: the extension visas are for the visa-free states it lists
         * (30 days per entry); CIS and EAEU citizens stay longer with a TRP;
         * visa nationals extend their own visa. */
        if (regime.needs_visa || regime.permit_after_days > 0 || regime.per_entry_days < 30)
            rc = qn_err_field(err, "citizenship",
                              "has the %s regime: the extension visa is for visa-free visitors "
                              "of the 30-day list (seed 001)",
                              regime.name);
    }
    int max_days = 0;
    if (req->category == QN_EXT_BUSINESS) {
        max_days = 30; /* seed 001: "single-entry visas (business category) for up to thirty" */
    } else if (req->category == QN_EXT_INVESTMENT) {
        max_days = 90; /* seed 001: "(investment category) for up to ninety calendar days" */
        if (!req->investor_confirmed)
            rc = qn_err_field(err, "investor_confirmed",
                              "an investment visa needs the authorised investment body's request "
                              "confirming investor status");
    } else {
        rc = qn_err_field(err, "category", "must be business or investment");
    }
    qn_date_t visa_free_last = QN_DATE_NONE;
    if (have_regime)
        visa_free_last = req->entry + regime.per_entry_days - 1;
    if (req->applied_on == QN_DATE_NONE)
        rc = qn_err_field(err, "applied_on", "is required");
    else if (req->entry != QN_DATE_NONE && req->applied_on < req->entry)
        rc = qn_err_field(err, "applied_on", "is before the entry");
    else if (visa_free_last != QN_DATE_NONE && req->applied_on > visa_free_last)
        rc = qn_err_field(err, "applied_on",
                          "is after the last visa-free day: an overstay cannot be extended");
    if (req->requested_to == QN_DATE_NONE)
        rc = qn_err_field(err, "requested_to", "is required");
    else if (visa_free_last != QN_DATE_NONE && req->requested_to <= visa_free_last)
        rc = qn_err_field(err, "requested_to", "is within the visa-free period: nothing to extend");
    if (req->passport_expires == QN_DATE_NONE)
        rc = qn_err_field(err, "passport_expires", "is required");
    else if (visa_free_last != QN_DATE_NONE && req->passport_expires <= visa_free_last)
        rc = qn_err_field(err, "passport_expires", "ends before the visa would start");
    if (rc != QN_OK)
        return rc;

    qn_date_t from = visa_free_last + 1, to = req->requested_to;
    const char *by = "requested";
    if (from + max_days - 1 < to) {
        to = from + max_days - 1;
        by = "max_term";
    }
    if (req->passport_expires < to) {
        to = req->passport_expires;
        by = "passport";
    }
    out->from = from;
    out->to = to;
    out->max_days = max_days;
    out->limited_by = by;
    out->confirmed = false; /* the start the day after the visa-free period is our choice */
    return QN_OK;
}

/* ---- lost passport ------------------------------------------------------------ */

/* Text is present, within bounds, and has no control characters (UTF-8
 * bytes >= 0x80 pass). */
static void check_text(qn_err *err, qn_code *rc, const char *field, const char *s, size_t max)
{
    if (!s || !*s) {
        *rc = qn_err_field(err, field, "is required");
        return;
    }
    size_t len = strnlen(s, max + 1);
    if (len > max) {
        *rc = qn_err_field(err, field, "is longer than %zu bytes", max);
        return;
    }
    bool blank = true;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 && c != '\n' && c != '\t') {
            *rc = qn_err_field(err, field, "contains a control character");
            return;
        }
        if (c != ' ' && c != '\n' && c != '\t')
            blank = false;
    }
    if (blank)
        *rc = qn_err_field(err, field, "is blank");
}

qn_code qn_loss_validate(const qn_loss_statement *st, qn_loss_assessment *out, qn_err *err)
{
    qn_err_clear(err);
    memset(out, 0, sizeof *out);
    qn_code rc = QN_OK;
    if (st->reported_on == QN_DATE_NONE)
        rc = qn_err_field(err, "reported_on", "is required");
    if (st->lost_on == QN_DATE_NONE)
        rc = qn_err_field(err, "lost_on", "is required");
    else if (st->reported_on != QN_DATE_NONE && st->lost_on > st->reported_on)
        rc = qn_err_field(err, "lost_on", "is in the future");
    else if (st->reported_on != QN_DATE_NONE && st->reported_on - st->lost_on > QN_LOSS_MAX_AGE_DAYS)
        rc = qn_err_field(err, "lost_on", "is more than %d days ago", QN_LOSS_MAX_AGE_DAYS);
    check_text(err, &rc, "place", st->place, QN_LOSS_PLACE_MAX);
    check_text(err, &rc, "circumstances", st->circumstances, QN_LOSS_TEXT_MAX);
    if (rc != QN_OK)
        return rc;
    out->is_late_report = st->reported_on - st->lost_on > QN_LOSS_PROMPT_DAYS;
    if (!st->is_registered)
        out->refusal = "not_registered";
    else if (!st->identity_established)
        out->refusal = "identity_not_established";
    out->certificate_allowed = out->refusal == NULL;
    return QN_OK;
}

qn_code qn_exit_visa_compute(const qn_exit_visa_request *req, qn_exit_visa_period *out, qn_err *err)
{
    qn_err_clear(err);
    memset(out, 0, sizeof *out);
    qn_code rc = QN_OK;
    if (req->certificate_on == QN_DATE_NONE)
        rc = qn_err_field(err, "certificate_on",
                          "is required: the exit visa is issued on the certificate of loss");
    if (req->new_passport_issued == QN_DATE_NONE)
        rc = qn_err_field(err, "new_passport_issued", "is required");
    else if (req->certificate_on != QN_DATE_NONE && req->new_passport_issued < req->certificate_on)
        rc = qn_err_field(err, "new_passport_issued", "is before the certificate of loss");
    if (req->issue_on == QN_DATE_NONE)
        rc = qn_err_field(err, "issue_on", "is required");
    else if (req->new_passport_issued != QN_DATE_NONE && req->issue_on < req->new_passport_issued)
        rc = qn_err_field(err, "issue_on", "is before the new passport was issued");
    if (req->new_passport_expires == QN_DATE_NONE)
        rc = qn_err_field(err, "new_passport_expires", "is required");
    else if (req->issue_on != QN_DATE_NONE && req->new_passport_expires < req->issue_on)
        rc = qn_err_field(err, "new_passport_expires", "is before the exit visa's issue");
    if (rc != QN_OK)
        return rc;
    out->from = req->issue_on;
    out->to = min_date(req->issue_on + QN_EXIT_VISA_MAX_DAYS - 1, req->new_passport_expires);
    out->limited_by = out->to == req->new_passport_expires &&
                              req->new_passport_expires < req->issue_on + QN_EXIT_VISA_MAX_DAYS - 1
                          ? "passport"
                          : "max_term";
    out->confirmed = false;
    return QN_OK;
}
