/* selfreg.c — obligations per entry and the self-registration decision (see
 * selfreg.h). The scope comes from regime.h, the deadlines from deadline.h
 * and calendar.h; this file only combines them in the order of Order 923.
 */
#include "core/selfreg.h"

#include <string.h>

#include "core/calendar.h"
#include "core/regime.h"

qn_code qn_selfreg_obligations_for(const char *citizenship, qn_date_t entry, const qn_deadline_rule *rule,
                                   qn_selfreg_obligations *out, qn_err *err)
{
    qn_err_clear(err);
    memset(out, 0, sizeof *out);
    out->host_deadline = QN_DATE_NONE;
    out->self_deadline = QN_DATE_NONE;
    qn_code rc = QN_OK;
    if (!citizenship || !qn_regime_code_is_valid(citizenship))
        rc = qn_err_field(err, "citizenship", "must be three capital letters (ISO 3166-1 alpha-3)");
    if (entry == QN_DATE_NONE)
        rc = qn_err_field(err, "entry", "is required");
    if (rc != QN_OK)
        return rc;
    qn_regime regime;
    if ((rc = qn_regime_lookup(citizenship, entry, &regime, err)) != QN_OK)
        return rc;
    out->regime_confirmed = regime.confirmed;
    out->regime_name = regime.name;
    /* Seed 001, seed 004: the host notifies "within 3 working days" "at each
     * entry", regardless of the regime, since 2020-01-11 (before it the
     * passport registration rules applied, which qonaq does not model); kept
     * after 2026-07-01 (UNCONFIRMED, kz_rules.md §2.6). */
    if (entry >= qn_regime_registration_exemption_start()) {
        out->host_notification = true;
        if ((rc = qn_deadline_compute(entry, rule, &out->host_deadline, err)) != QN_OK)
            return rc;
    }
    if (qn_regime_needs_self_registration(&regime, entry)) {
        out->self_registration = true;
        out->self_deadline = entry + QN_SELFREG_CALENDAR_DAYS - 1; /* crossing day = day 1 */
        out->parallel_unconfirmed = true;
    }
    return QN_OK;
}

qn_date_t qn_selfreg_readdress_deadline(qn_date_t changed_on)
{
    return qn_calendar_nth_working_day(changed_on, QN_SELFREG_READDRESS_WORKING_DAYS);
}

const char *qn_selfreg_outcome_name(qn_selfreg_outcome outcome)
{
    switch (outcome) {
    case QN_SELFREG_AWAIT_HOST:
        return "await_host";
    case QN_SELFREG_REGISTER:
        return "register";
    case QN_SELFREG_REFUSE:
        return "refuse";
    case QN_SELFREG_DECLINED:
        return "declined";
    }
    return "?";
}

qn_code qn_selfreg_assess(const qn_selfreg_request *req, qn_selfreg_assessment *out, qn_err *err)
{
    qn_err_clear(err);
    memset(out, 0, sizeof *out);
    out->event = QN_APP_EVENT_COUNT;
    out->deadline = QN_DATE_NONE;
    qn_code rc = QN_OK;
    if (!req->citizenship || !qn_regime_code_is_valid(req->citizenship))
        rc = qn_err_field(err, "citizenship", "must be three capital letters (ISO 3166-1 alpha-3)");
    if (req->entry == QN_DATE_NONE)
        rc = qn_err_field(err, "entry", "is required");
    if (req->kind != QN_SELFREG_INITIAL && req->kind != QN_SELFREG_ADDRESS_CHANGE)
        rc = qn_err_field(err, "kind", "must be initial or address_change");
    if (req->host != QN_HOST_PENDING && req->host != QN_HOST_CONFIRMED && req->host != QN_HOST_REFUSED)
        rc = qn_err_field(err, "host", "must be pending, confirmed or refused");
    if (req->kind == QN_SELFREG_ADDRESS_CHANGE) {
        if (req->changed_on == QN_DATE_NONE)
            rc = qn_err_field(err, "changed_on", "is required for an address change");
        else if (req->entry != QN_DATE_NONE && req->changed_on < req->entry)
            rc = qn_err_field(err, "changed_on", "is before the entry");
    }
    qn_date_t start = req->kind == QN_SELFREG_ADDRESS_CHANGE ? req->changed_on : req->entry;
    if (req->submitted_on == QN_DATE_NONE)
        rc = qn_err_field(err, "submitted_on", "is required");
    else if (start != QN_DATE_NONE && req->submitted_on < start)
        rc = qn_err_field(err, "submitted_on", "is before the %s",
                          req->kind == QN_SELFREG_ADDRESS_CHANGE ? "move" : "entry");
    if (rc != QN_OK)
        return rc;

    qn_selfreg_obligations ob;
    if ((rc = qn_selfreg_obligations_for(req->citizenship, req->entry, NULL, &ob, err)) != QN_OK)
        return rc;
    if (!ob.self_registration) {
        if (req->entry < qn_regime_self_registration_start())
            rc = qn_err_field(err, "entry",
                              "is before 2026-07-01: self-registration (MVD Order "
                              "No. 923) does not apply; the host notifies");
        else
            rc = qn_err_field(err, "citizenship",
                              "has the %s regime: self-registration applies to 90-day regimes",
                              ob.regime_name);
        qn_err_sub(err, "not_applicable");
        return rc;
    }

    out->deadline = req->kind == QN_SELFREG_ADDRESS_CHANGE ? qn_selfreg_readdress_deadline(req->changed_on)
                                                           : ob.self_deadline;
    out->is_late = req->submitted_on > out->deadline;
    out->days_late = out->is_late ? req->submitted_on - out->deadline : 0;

    if (req->host == QN_HOST_REFUSED) {
        out->outcome = QN_SELFREG_DECLINED;
        out->reason = QN_REASON_HOST_REFUSED;
        out->event = QN_APP_EV_HOST_REFUSE;
    } else if (req->data_false) {
        out->outcome = QN_SELFREG_REFUSE;
        out->reason = QN_REASON_FALSE_DATA;
        out->event = QN_APP_EV_AUTO_FAIL;
    } else if (req->stay_violated) {
        out->outcome = QN_SELFREG_REFUSE;
        out->reason = QN_REASON_STAY_LIMIT_EXCEEDED;
        out->event = QN_APP_EV_AUTO_FAIL;
    } else if (req->host == QN_HOST_CONFIRMED) {
        out->outcome = QN_SELFREG_REGISTER;
        out->event = QN_APP_EV_HOST_CONFIRM;
    } else {
        out->outcome = QN_SELFREG_AWAIT_HOST;
    }
    return QN_OK;
}
