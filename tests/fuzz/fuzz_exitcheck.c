/* fuzz_exitcheck.c — libFuzzer target for the border exit check (src/core/exitcheck.h).
 *
 * The input is structured (fuzz_util.h): a citizenship, the exit date, a
 * history of trips built backwards from the exit date (the latest open or
 * ending that day, gaps >= 0) or, when a flag bit says so, taken raw from
 * the bytes; arrival notifications around the trips (received or not, with
 * or without a deadline); TRPs, ordinary and extension visas, an optional
 * exit visa and violation cases, all possibly out of range (bad enums,
 * reversed periods).
 *
 * Invariants: no crash, leak or sanitizer report; an error is one of the
 * documented codes; on success the verdict follows the reasons exactly
 * (stop iff overstay or open overstay case, warn iff another reason, clear
 * iff none), only defined reason bits are set, overstay_days agrees with the
 * stay and with the overstay reason and lawful basis "not", a sanction is
 * given iff overstayed, counts are bounded by their inputs, and every
 * entry's notification status is one of the four with days_late >= 0.
 */
#include "core/exitcheck.h"
#include "fuzz/fuzz_util.h"

#define MAX_TRIPS 24
#define MAX_NOTES 24
#define MAX_DOCS 6
#define MAX_CASES 6

static const char *const citizenships[] = {"RUS", "DEU", "USA", "CHN", "UZB", "XXA", "IND", "TUR", "GBR"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    qn_fz f = {data, size};
    const char *cz = citizenships[qn_fz_below(&f, sizeof citizenships / sizeof *citizenships)];
    qn_date_t base;
    qn_date_from_ymd(2018, 1, 1, &base);
    qn_date_t exit_date = base + (qn_date_t)(qn_fz_u16(&f) % 3600);
    uint8_t flags = qn_fz_u8(&f);

    qn_trip trips[MAX_TRIPS];
    size_t n = qn_fz_below(&f, MAX_TRIPS + 1);
    if (flags & 1) {
        for (size_t k = 0; k < n; k++) {
            trips[k].entry = exit_date - (qn_date_t)qn_fz_below(&f, 1500);
            uint8_t b = qn_fz_u8(&f);
            trips[k].exit = b == 0xff ? QN_DATE_NONE : trips[k].entry - 3 + (qn_date_t)b;
        }
    } else {
        qn_date_t cursor = exit_date;
        for (size_t k = 0; k < n; k++) {
            qn_date_t len = (qn_date_t)qn_fz_below(&f, 200);
            trips[k].entry = cursor - len;
            trips[k].exit = (k == 0 && (flags & 2)) ? QN_DATE_NONE : cursor;
            cursor = trips[k].entry - (qn_date_t)qn_fz_below(&f, 100);
        }
    }

    qn_ctl_notification notes[MAX_NOTES];
    size_t nn = qn_fz_below(&f, MAX_NOTES + 1);
    for (size_t k = 0; k < nn; k++) {
        memset(&notes[k], 0, sizeof notes[k]);
        qn_date_t anchor = n ? trips[qn_fz_below(&f, (unsigned)n)].entry : exit_date;
        notes[k].arrival = anchor + (qn_date_t)qn_fz_below(&f, 10);
        uint8_t d = qn_fz_u8(&f);
        notes[k].deadline = d < 200 ? QN_DATE_NONE : notes[k].arrival + (qn_date_t)(d - 200) - 5;
        uint8_t r = qn_fz_u8(&f);
        notes[k].received = r < 40 ? QN_DATE_NONE : notes[k].arrival + (qn_date_t)(r % 20) - 2;
        qn_fz_str(&f, notes[k].region, 8);
    }

    qn_stay_period permits[MAX_DOCS], exit_visa;
    size_t np = qn_fz_below(&f, MAX_DOCS + 1);
    for (size_t k = 0; k < np; k++) {
        permits[k].from = exit_date - (qn_date_t)qn_fz_below(&f, 600);
        permits[k].to = permits[k].from - 2 + (qn_date_t)qn_fz_below(&f, 500);
    }
    qn_ctl_visa visas[MAX_DOCS];
    size_t nv = qn_fz_below(&f, MAX_DOCS + 1);
    for (size_t k = 0; k < nv; k++) {
        visas[k].from = exit_date - (qn_date_t)qn_fz_below(&f, 400);
        visas[k].to = visas[k].from - 2 + (qn_date_t)qn_fz_below(&f, 300);
        visas[k].kind = (qn_ctl_visa_kind)qn_fz_below(&f, 3); /* 2 is out of range */
    }
    bool has_exit_visa = flags & 4;
    if (has_exit_visa) {
        exit_visa.from = exit_date - (qn_date_t)qn_fz_below(&f, 60);
        exit_visa.to = exit_visa.from - 2 + (qn_date_t)qn_fz_below(&f, 60);
    }
    qn_ctl_case cases[MAX_CASES];
    size_t nc = qn_fz_below(&f, MAX_CASES + 1);
    for (size_t k = 0; k < nc; k++) {
        cases[k].kind = (qn_violation_kind)qn_fz_below(&f, QN_VIOL_KIND_COUNT + 1);
        cases[k].state = (qn_vcase_state)qn_fz_below(&f, QN_VCASE_STATE_COUNT + 1);
    }

    qn_exit_input in = {
        .citizenship = cz,
        .exit_date = exit_date,
        .trips = trips,
        .n_trips = n,
        .notifications = notes,
        .n_notifications = nn,
        .permits = permits,
        .n_permits = np,
        .visas = visas,
        .n_visas = nv,
        .exit_visa = has_exit_visa ? &exit_visa : NULL,
        .cases = cases,
        .n_cases = nc,
    };
    qn_entry_notification entries[MAX_TRIPS];
    qn_exit_result out;
    qn_err err;
    qn_code rc = qn_exit_check(&in, (flags & 8) ? NULL : entries, &out, &err);
    if (rc != QN_OK) {
        QN_FZ_ASSERT(rc == QN_E_INVALID || rc == QN_E_TOO_LARGE);
        QN_FZ_ASSERT(err.code == rc && err.message[0] != '\0');
        return 0;
    }

    if (getenv("QN_FUZZ_VERBOSE")) {
        char a[QN_DATE_STRLEN], b[QN_DATE_STRLEN];
        fprintf(stderr, "%s exit %s\n", cz, qn_date_format(exit_date, a));
        for (size_t k = 0; k < n; k++)
            fprintf(stderr, "  trip %s .. %s\n", qn_date_format(trips[k].entry, a),
                    trips[k].exit == QN_DATE_NONE ? "open" : qn_date_format(trips[k].exit, b));
        for (size_t k = 0; k < np; k++)
            fprintf(stderr, "  permit %s .. %s\n", qn_date_format(permits[k].from, a), qn_date_format(permits[k].to, b));
        for (size_t k = 0; k < nv; k++)
            fprintf(stderr, "  visa %d %s .. %s\n", visas[k].kind, qn_date_format(visas[k].from, a),
                    qn_date_format(visas[k].to, b));
        if (has_exit_visa)
            fprintf(stderr, "  exit visa %s .. %s\n", qn_date_format(exit_visa.from, a), qn_date_format(exit_visa.to, b));
        fprintf(stderr, "verdict %s reasons %#x basis %s overstay %d lawful %d limited_by %s regime %s\n",
                qn_exit_verdict_name(out.verdict), out.reasons, qn_lawful_basis_name(out.lawful_because),
                out.overstay_days, out.last_lawful_day, out.stay.limited_by, out.stay.regime.name);
    }
    QN_FZ_ASSERT(out.reasons < (1u << QN_EXR_COUNT));
    bool stop = out.reasons & ((1u << QN_EXR_OVERSTAY) | (1u << QN_EXR_OPEN_OVERSTAY_CASE));
    if (stop)
        QN_FZ_ASSERT(out.verdict == QN_EXIT_STOP);
    else if (out.reasons)
        QN_FZ_ASSERT(out.verdict == QN_EXIT_WARN);
    else
        QN_FZ_ASSERT(out.verdict == QN_EXIT_CLEAR);
    QN_FZ_ASSERT(strcmp(qn_exit_verdict_name(out.verdict), "?") != 0);
    QN_FZ_ASSERT(strcmp(qn_lawful_basis_name(out.lawful_because), "?") != 0);

    QN_FZ_ASSERT(out.overstay_days >= 0);
    QN_FZ_ASSERT(out.overstay_days == out.stay.overstay_days);
    QN_FZ_ASSERT((out.overstay_days > 0) == ((out.reasons >> QN_EXR_OVERSTAY) & 1u));
    QN_FZ_ASSERT((out.overstay_days > 0) == (out.lawful_because == QN_LAWFUL_NOT));
    QN_FZ_ASSERT(out.has_overstay_sanction == (out.overstay_days > 0));
    QN_FZ_ASSERT(out.last_lawful_day == out.stay.last_lawful_day);
    if (out.has_overstay_sanction) {
        const qn_sanction *s = &out.overstay_sanction;
        QN_FZ_ASSERT(s->article == 517 && s->code != NULL && s->code[0] != '\0');
        QN_FZ_ASSERT(s->sanction == QN_SANCTION_WARNING || s->sanction == QN_SANCTION_FINE);
        QN_FZ_ASSERT(s->fine_mci >= 0 && s->amount_kzt >= 0);
        QN_FZ_ASSERT(s->sanction == QN_SANCTION_FINE || (s->fine_mci == 0 && s->amount_kzt == 0));
    }

    size_t open = 0;
    for (size_t k = 0; k < nc; k++)
        open += cases[k].state != QN_VCASE_CLOSED;
    QN_FZ_ASSERT(out.open_cases == open);
    QN_FZ_ASSERT(out.entries_missing + out.entries_late <= n);
    QN_FZ_ASSERT(((out.reasons >> QN_EXR_NOTIFICATION_MISSING) & 1u) == 0 || out.entries_missing > 0);
    QN_FZ_ASSERT(((out.reasons >> QN_EXR_NOTIFICATION_LATE) & 1u) == 0 || out.entries_late > 0);

    if (!(flags & 8)) {
        size_t missing = 0, late = 0;
        for (size_t k = 0; k < n; k++) {
            QN_FZ_ASSERT(entries[k].status <= QN_NOTIFY_PENDING);
            QN_FZ_ASSERT(entries[k].days_late >= 0);
            QN_FZ_ASSERT(entries[k].n_late_places <= entries[k].n_places);
            QN_FZ_ASSERT(entries[k].first >= -1 && entries[k].first < (long)nn);
            QN_FZ_ASSERT((entries[k].first == -1) == (entries[k].n_places == 0));
            missing += entries[k].status == QN_NOTIFY_MISSING;
            late += entries[k].status == QN_NOTIFY_LATE;
        }
        QN_FZ_ASSERT(out.entries_missing <= missing && out.entries_late <= late);
    }
    return 0;
}
