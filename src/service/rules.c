/* rules.c — where the service asks the rules core: identifiers, ages, and
 * stay limits. No rule is decided here; each function translates the core's
 * answer into field errors or warnings in the service's terms.
 */
#include <stdio.h>
#include <string.h>

#include "core/ident.h"
#include "core/regime.h"
#include "core/stay.h"
#include "service/service_internal.h"

bool qn_svc_check_iin_adult(const char *iin, qn_date_t today, const char *field, qn_err *e)
{
    qn_iin_info info;
    if (!qn_iin_check(iin, strlen(iin), &info)) {
        qn_err_field(e, field, "is not a valid IIN: %s", info.reason ? info.reason : "check failed");
        return false;
    }
    /* A host-individual is a citizen of RK aged 18 or over; the age comes
     * from the IIN's birth date (advisory since 2013, the only date we have). */
    if (!info.has_birth_date) {
        qn_err_field(e, field, "does not encode a birth date, so the host's age (18+) cannot be checked");
        return false;
    }
    int age = qn_age_years(info.birth_date, today);
    if (age < 18) {
        qn_err_field(e, field, "belongs to a person aged %d; a host must be 18 or older", age);
        return false;
    }
    return true;
}

bool qn_svc_check_iin(const char *iin, const char *field, qn_err *e)
{
    qn_iin_info info;
    if (!qn_iin_check(iin, strlen(iin), &info)) {
        qn_err_field(e, field, "is not a valid IIN: %s", info.reason ? info.reason : "check failed");
        return false;
    }
    return true;
}

bool qn_svc_check_bin(const char *bin, const char *field, qn_err *e)
{
    qn_bin_info info;
    if (!qn_bin_check(bin, strlen(bin), &info)) {
        qn_err_field(e, field, "is not a valid BIN: %s", info.reason ? info.reason : "check failed");
        return false;
    }
    return true;
}

void qn_svc_stay_warnings(const qn_notification_in *in, qn_notification_out *out)
{
    /* The planned stay as one trip from the entry to stay.to, judged on the
     * planned departure day: past the last lawful day is a warning, not a
     * refusal (see notification.h for the choice). */
    qn_trip trip = {in->entry_date, in->stay_to};
    qn_stay_input si;
    qn_stay_input_init(&si);
    si.citizenship = in->citizenship;
    si.on = in->stay_to;
    si.trips = &trip;
    si.n_trips = 1;
    if (in->visa_number)
        si.visa_until = in->visa_valid_until;
    qn_stay_result r;
    qn_err e;
    qn_err_clear(&e);
    if (qn_stay_compute(&si, &r, &e) != QN_OK) {
        if (out->n_warnings < QN_NOTIF_MAX_WARNINGS) {
            qn_warning *w = &out->warnings[out->n_warnings++];
            snprintf(w->code, sizeof w->code, "stay_unchecked");
            snprintf(w->message, sizeof w->message, "the stay limits could not be checked: %.120s",
                     e.message);
        }
        return;
    }
    char d1[QN_DATE_STRLEN], d2[QN_DATE_STRLEN];
    if (r.last_lawful_day != QN_DATE_NONE && in->stay_to > r.last_lawful_day &&
        out->n_warnings < QN_NOTIF_MAX_WARNINGS) {
        qn_warning *w = &out->warnings[out->n_warnings++];
        snprintf(w->code, sizeof w->code, "stay_over_limit");
        snprintf(w->message, sizeof w->message,
                 "stay.to %s is past the last lawful day %s under the %s regime (limited by %s)",
                 qn_date_format(in->stay_to, d1), qn_date_format(r.last_lawful_day, d2), r.regime.name,
                 r.limited_by);
    }
    if (r.permit_required && out->n_warnings < QN_NOTIF_MAX_WARNINGS) {
        qn_warning *w = &out->warnings[out->n_warnings++];
        snprintf(w->code, sizeof w->code, "permit_needed");
        snprintf(w->message, sizeof w->message, "a stay until %s needs a temporary residence permit from %s",
                 qn_date_format(in->stay_to, d1),
                 r.permit_needed_from != QN_DATE_NONE ? qn_date_format(r.permit_needed_from, d2) : "?");
    }
}
