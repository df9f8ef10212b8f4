/* deadline.c — the arrival notification deadline (see deadline.h): a walk
 * over the working-day calendar from the first day that may count. */
#include "core/deadline.h"

#include "core/calendar.h"

qn_deadline_rule qn_deadline_rule_default(void)
{
    qn_deadline_rule rule = {QN_DEADLINE_WORKING_DAYS, QN_COUNT_ARRIVAL_DAY};
    return rule;
}

qn_code qn_deadline_compute(qn_date_t arrival, const qn_deadline_rule *rule, qn_date_t *deadline,
                            qn_err *err)
{
    qn_deadline_rule r = rule ? *rule : qn_deadline_rule_default();
    if (r.working_days < 1 || r.working_days > QN_DEADLINE_MAX_WORKING_DAYS)
        return qn_err_field(err, "working_days", "must be a whole number from 1 to %d",
                            QN_DEADLINE_MAX_WORKING_DAYS);
    if (r.counting != QN_COUNT_ARRIVAL_DAY && r.counting != QN_COUNT_NEXT_DAY)
        return qn_err_field(err, "counting", "must be arrival_day or next_day");
    qn_date_t first = r.counting == QN_COUNT_ARRIVAL_DAY ? arrival : arrival + 1;
    *deadline = qn_calendar_nth_working_day(first, r.working_days);
    return QN_OK;
}

qn_date_t qn_deadline_notification(qn_date_t arrival)
{
    return qn_calendar_nth_working_day(arrival, QN_DEADLINE_WORKING_DAYS);
}

bool qn_deadline_is_late(qn_date_t deadline, qn_date_t notified_on) { return notified_on > deadline; }

bool qn_deadline_is_late_at(qn_date_t deadline, int64_t epoch_seconds)
{
    return epoch_seconds > qn_date_end_epoch_kz(deadline);
}
