/* exitcheck.c — the exit check (see exitcheck.h for what it answers and the
 * verdict policy). Steps: validate; notifications per entry (violation.h);
 * four stay computations adding one kind of document each (stay.h); cases;
 * reasons; verdict.
 */
#include "core/exitcheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/regime.h"

static const char *const basis_names[] = {"regime", "permit", "extended_visa", "exit_visa", "not"};
static const char *const verdict_names[] = {"clear", "warn", "stop"};
static const char *const reason_names[QN_EXR_COUNT] = {
    "overstay",       "open_overstay_case", "notification_missing", "notification_late",
    "open_host_case", "earlier_breach",     "stay_limit_unknown",   "regime_unconfirmed"};

const char *qn_lawful_basis_name(qn_lawful_basis basis)
{
    return (int)basis >= 0 && basis <= QN_LAWFUL_NOT ? basis_names[basis] : "?";
}

const char *qn_exit_verdict_name(qn_exit_verdict verdict)
{
    return (int)verdict >= 0 && verdict <= QN_EXIT_STOP ? verdict_names[verdict] : "?";
}

const char *qn_exit_reason_name(qn_exit_reason reason)
{
    return (int)reason >= 0 && reason < QN_EXR_COUNT ? reason_names[reason] : "?";
}

#define BIT(r) (1u << (unsigned)(r))
#define STOP_REASONS (BIT(QN_EXR_OVERSTAY) | BIT(QN_EXR_OPEN_OVERSTAY_CASE))

/* The stay on `on` with the documents of in, computed in four stages
 * (regime and ordinary visa; + TRPs; + extension visas; + the exit visa);
 * *basis is the first stage without overstay (see exitcheck.h). ct is the
 * current (latest) trip. */
static qn_code staged_stay(const qn_exit_input *in, const qn_trip *ct, qn_date_t on, qn_stay_result *out,
                           qn_lawful_basis *basis_out, qn_err *err)
{
    qn_code rc;
    /* The regime of the current entry decides how an ordinary visa counts:
     * for a visa regime its end bounds the stay (stay.h visa_until); for a
     * visa-free national holding a visa, the visa covers days beyond the
     * visa-free limits (the 90/180 rule does not apply to visa holders,
     * kz_rules.md §1.1), so it is passed as a covered period. */
    qn_regime regime;
    if ((rc = qn_regime_lookup(in->citizenship, ct->entry, &regime, err)) != QN_OK)
        return rc;
    qn_stay_period periods[QN_STAY_MAX_PERMITS];
    size_t np = 0;
    qn_date_t visa_until = QN_DATE_NONE;
    for (size_t i = 0; i < in->n_visas; i++) {
        const qn_ctl_visa *v = &in->visas[i];
        if (v->kind != QN_VISA_ORDINARY)
            continue;
        if (regime.needs_visa) {
            if (v->from <= ct->entry && ct->entry <= v->to &&
                (visa_until == QN_DATE_NONE || v->to > visa_until))
                visa_until = v->to;
        } else {
            periods[np++] = (qn_stay_period){v->from, v->to};
        }
    }

    qn_stay_input sin;
    qn_stay_input_init(&sin);
    sin.citizenship = in->citizenship;
    sin.on = on;
    sin.trips = in->trips;
    sin.n_trips = in->n_trips;
    sin.visa_until = visa_until;
    sin.permits = periods;

    /* Stage 0: regime and ordinary visa; 1: + TRPs; 2: + extensions; 3: + exit visa.
     * A stage that adds no document has the input of the one before, so its
     * result and its test for the basis are the same: it is not computed
     * again (most people hold none of the three, and the stay computation
     * was most of the check's own time). */
    qn_stay_result r;
    qn_lawful_basis basis = QN_LAWFUL_NOT;
    for (int stage = 0; stage < 4; stage++) {
        size_t before = np;
        if (stage == 1)
            for (size_t i = 0; i < in->n_permits; i++)
                periods[np++] = in->permits[i];
        if (stage == 2)
            for (size_t i = 0; i < in->n_visas; i++)
                if (in->visas[i].kind == QN_VISA_EXTENSION)
                    periods[np++] = (qn_stay_period){in->visas[i].from, in->visas[i].to};
        if (stage == 3 && in->exit_visa)
            periods[np++] = *in->exit_visa;
        if (stage > 0 && np == before)
            continue;
        sin.n_permits = np;
        if ((rc = qn_stay_compute(&sin, &r, err)) != QN_OK)
            return rc;
        /* A stage whose limit is unknown (visa regime, no visa covering the
         * entry) proves nothing: a later document may make the limit known
         * and show an overstay (found by tests/fuzz/fuzz_exitcheck.c). */
        if (basis == QN_LAWFUL_NOT && r.overstay_days == 0 && strcmp(r.limited_by, "unknown") != 0)
            basis = (qn_lawful_basis)stage;
    }
    if (r.overstay_days > 0)
        basis = QN_LAWFUL_NOT;
    else if (basis == QN_LAWFUL_NOT)
        basis = QN_LAWFUL_REGIME; /* unknown with every document: stay_limit_unknown warns */
    *out = r;
    *basis_out = basis;
    return QN_OK;
}

qn_code qn_exit_stay(const qn_exit_input *in, qn_date_t on, qn_stay_result *out, qn_lawful_basis *basis,
                     qn_err *err)
{
    qn_err_clear(err);
    memset(out, 0, sizeof *out);
    *basis = QN_LAWFUL_NOT;
    if (!in->citizenship || !qn_regime_code_is_valid(in->citizenship))
        return qn_err_field(err, "citizenship", "must be three capital letters (ISO 3166-1 alpha-3)");
    if (on == QN_DATE_NONE)
        return qn_err_field(err, "on", "is required");
    if ((in->n_permits && !in->permits) || (in->n_visas && !in->visas) || (!in->trips && in->n_trips))
        return qn_err_set(err, QN_E_INTERNAL, "NULL array with a non-zero count");
    if (in->n_permits + in->n_visas + 1 > QN_STAY_MAX_PERMITS)
        return qn_err_set(err, QN_E_TOO_LARGE, "at most %d permits, visas and exit visa in all",
                          QN_STAY_MAX_PERMITS);
    if (in->n_trips == 0) { /* nothing on record: the stay computation says so */
        qn_stay_input sin;
        qn_stay_input_init(&sin);
        sin.citizenship = in->citizenship;
        sin.on = on;
        *basis = QN_LAWFUL_REGIME;
        return qn_stay_compute(&sin, out, err);
    }
    size_t cur = 0;
    for (size_t i = 1; i < in->n_trips; i++)
        if (in->trips[i].entry > in->trips[cur].entry)
            cur = i;
    return staged_stay(in, &in->trips[cur], on, out, basis, err);
}

qn_code qn_exit_check(const qn_exit_input *in, qn_entry_notification *entries_out, qn_exit_result *out,
                      qn_err *err)
{
    qn_err_clear(err);
    memset(out, 0, sizeof *out);
    out->last_lawful_day = QN_DATE_NONE;
    qn_code rc = QN_OK;
    char field[48];

    if (!in->citizenship || !qn_regime_code_is_valid(in->citizenship))
        rc = qn_err_field(err, "citizenship", "must be three capital letters (ISO 3166-1 alpha-3)");
    if (in->exit_date == QN_DATE_NONE)
        rc = qn_err_field(err, "exit_date", "is required");
    if (in->n_trips == 0 || !in->trips)
        rc = qn_err_field(err, "trips", "at least the current trip is required");
    if ((in->n_notifications && !in->notifications) || (in->n_permits && !in->permits) ||
        (in->n_visas && !in->visas) || (in->n_cases && !in->cases))
        return qn_err_set(err, QN_E_INTERNAL, "NULL array with a non-zero count");
    if (in->n_permits + in->n_visas + 1 > QN_STAY_MAX_PERMITS)
        return qn_err_set(err, QN_E_TOO_LARGE, "at most %d permits, visas and exit visa in all",
                          QN_STAY_MAX_PERMITS);
    if (in->n_cases > QN_CTL_MAX_NOTIFICATIONS)
        return qn_err_set(err, QN_E_TOO_LARGE, "at most %d cases are accepted", QN_CTL_MAX_NOTIFICATIONS);
    for (size_t i = 0; i < in->n_permits; i++) {
        snprintf(field, sizeof field, "permits[%zu]", i);
        const qn_stay_period *p = &in->permits[i];
        if (p->from == QN_DATE_NONE || p->to == QN_DATE_NONE || p->to < p->from)
            rc = qn_err_field(err, field, "needs a period with from <= to");
    }
    for (size_t i = 0; i < in->n_visas; i++) {
        snprintf(field, sizeof field, "visas[%zu]", i);
        const qn_ctl_visa *v = &in->visas[i];
        if (v->from == QN_DATE_NONE || v->to == QN_DATE_NONE || v->to < v->from)
            rc = qn_err_field(err, field, "needs a period with from <= to");
        else if (v->kind != QN_VISA_ORDINARY && v->kind != QN_VISA_EXTENSION)
            rc = qn_err_field(err, field, "kind must be ordinary or extension");
    }
    if (in->exit_visa && (in->exit_visa->from == QN_DATE_NONE || in->exit_visa->to == QN_DATE_NONE ||
                          in->exit_visa->to < in->exit_visa->from))
        rc = qn_err_field(err, "exit_visa", "needs a period with from <= to");
    for (size_t i = 0; i < in->n_cases; i++) {
        if ((int)in->cases[i].kind < 0 || in->cases[i].kind >= QN_VIOL_KIND_COUNT ||
            (int)in->cases[i].state < 0 || in->cases[i].state >= QN_VCASE_STATE_COUNT) {
            snprintf(field, sizeof field, "cases[%zu]", i);
            rc = qn_err_field(err, field, "has an unknown kind or state");
        }
    }
    if (rc != QN_OK)
        return rc;

    if (!in->trips || in->n_trips == 0) /* reported above; restated for the analyser */
        return QN_E_INVALID;

    /* The current trip is the latest; it must be open or end on the exit day. */
    size_t cur = 0;
    for (size_t i = 1; i < in->n_trips; i++)
        if (in->trips[i].entry > in->trips[cur].entry)
            cur = i;
    const qn_trip *ct = &in->trips[cur];
    if (ct->entry == QN_DATE_NONE || ct->entry > in->exit_date ||
        (ct->exit != QN_DATE_NONE && ct->exit != in->exit_date))
        return qn_err_field(err, "trips",
                            "the latest trip must have entered by the exit date and be open or "
                            "end on it");

    /* Notifications per entry, as of the exit day. */
    qn_entry_notification *entries = entries_out;
    if (!entries) {
        entries = malloc(in->n_trips * sizeof *entries);
        if (!entries)
            return qn_err_set(err, QN_E_NOMEM, "out of memory");
    }
    rc = qn_ctl_check_notifications(in->trips, in->n_trips, in->notifications, in->n_notifications,
                                    in->exit_date, NULL, entries, err);
    if (rc == QN_OK) {
        qn_date_t since = qn_regime_registration_exemption_start();
        for (size_t i = 0; i < in->n_trips; i++) {
            if (in->trips[i].entry < since)
                continue;
            if (entries[i].status == QN_NOTIFY_MISSING)
                out->entries_missing++;
            else if (entries[i].status == QN_NOTIFY_LATE)
                out->entries_late++;
        }
    }
    if (entries != entries_out)
        free(entries);
    if (rc != QN_OK)
        return rc;

    qn_stay_result r;
    qn_lawful_basis basis;
    if ((rc = staged_stay(in, ct, in->exit_date, &r, &basis, err)) != QN_OK)
        return rc;
    out->stay = r;
    out->lawful_because = basis;
    out->overstay_days = r.overstay_days;
    out->last_lawful_day = r.last_lawful_day;

    if (r.overstay_days > 0) {
        out->reasons |= BIT(QN_EXR_OVERSTAY);
        qn_violation_facts facts = {
            QN_VIOL_OVERSTAY, r.last_lawful_day + 1, QN_HOST_INDIVIDUAL, 0, r.overstay_days, false};
        if (qn_violation_assess(&facts, &out->overstay_sanction, NULL) == QN_OK)
            out->has_overstay_sanction = true;
    }
    if (r.first_breach != QN_DATE_NONE && r.first_breach < ct->entry)
        out->reasons |= BIT(QN_EXR_EARLIER_BREACH);
    if (strcmp(r.limited_by, "unknown") == 0)
        out->reasons |= BIT(QN_EXR_STAY_LIMIT_UNKNOWN);
    if (!r.regime.confirmed)
        out->reasons |= BIT(QN_EXR_REGIME_UNCONFIRMED);
    if (out->entries_missing)
        out->reasons |= BIT(QN_EXR_NOTIFICATION_MISSING);
    if (out->entries_late)
        out->reasons |= BIT(QN_EXR_NOTIFICATION_LATE);
    for (size_t i = 0; i < in->n_cases; i++) {
        if (in->cases[i].state == QN_VCASE_CLOSED)
            continue;
        out->open_cases++;
        out->reasons |= in->cases[i].kind == QN_VIOL_OVERSTAY ? BIT(QN_EXR_OPEN_OVERSTAY_CASE)
                                                              : BIT(QN_EXR_OPEN_HOST_CASE);
    }

    out->verdict = out->reasons & STOP_REASONS ? QN_EXIT_STOP : out->reasons ? QN_EXIT_WARN : QN_EXIT_CLEAR;
    return QN_OK;
}
