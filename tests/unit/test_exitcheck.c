/* test_exitcheck.c — the border officer's exit check on whole histories:
 * notified and lawful, not notified, overstayed, lawful thanks to a permit,
 * an extension visa or an exit visa after a lost passport, open cases,
 * visa nationals, unconfirmed regimes, bad input, and a long history. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/error.h"
#include "core/exitcheck.h"
#include "support/qn_test.h"

#define D(s) qn_test_date(s)
#define NONE QN_DATE_NONE
#define BIT(r) (1u << (unsigned)(r))

static qn_ctl_notification note(const char *arrival, const char *received)
{
    qn_ctl_notification n;
    memset(&n, 0, sizeof n);
    n.arrival = D(arrival);
    n.deadline = NONE;
    n.received = D(received);
    strcpy(n.region, "Astana");
    return n;
}

/* A German visitor entering Mon 2026-02-02: visa-free to 2026-03-03. */
static qn_exit_input german(const char *exit_date, const qn_trip *trips, size_t n_trips,
                            const qn_ctl_notification *notes, size_t n_notes)
{
    qn_exit_input in;
    memset(&in, 0, sizeof in);
    in.citizenship = "DEU";
    in.exit_date = D(exit_date);
    in.trips = trips;
    in.n_trips = n_trips;
    in.notifications = notes;
    in.n_notifications = n_notes;
    return in;
}

static void check_reasons(const qn_exit_result *r, unsigned want)
{
    for (int i = 0; i < QN_EXR_COUNT; i++)
        ck_assert_msg(((r->reasons >> i) & 1u) == ((want >> i) & 1u), "reason %s: got %u",
                      qn_exit_reason_name((qn_exit_reason)i), (r->reasons >> i) & 1u);
}

START_TEST(notified_and_lawful)
{
    const qn_trip trips[] = {{D("2026-02-02"), NONE}};
    const qn_ctl_notification notes[] = {note("2026-02-02", "2026-02-03")};
    qn_exit_input in = german("2026-02-20", trips, 1, notes, 1);
    qn_entry_notification entries[1];
    qn_exit_result r;
    qn_err err;
    ck_assert_int_eq(qn_exit_check(&in, entries, &r, &err), QN_OK);
    ck_assert_str_eq(qn_exit_verdict_name(r.verdict), "clear");
    check_reasons(&r, 0);
    ck_assert_int_eq(r.lawful_because, QN_LAWFUL_REGIME);
    ck_assert_int_eq(r.overstay_days, 0);
    ck_assert_int_eq(r.last_lawful_day, D("2026-03-03"));
    ck_assert(!r.has_overstay_sanction);
    ck_assert_int_eq(entries[0].status, QN_NOTIFY_ON_TIME);
    /* The last lawful day itself is still clear. */
    in.exit_date = D("2026-03-03");
    ck_assert_int_eq(qn_exit_check(&in, NULL, &r, &err), QN_OK);
    ck_assert_int_eq(r.verdict, QN_EXIT_CLEAR);
}
END_TEST

START_TEST(not_notified)
{
    const qn_trip trips[] = {{D("2026-02-02"), D("2026-02-20")}};
    qn_exit_input in = german("2026-02-20", trips, 1, NULL, 0);
    qn_entry_notification entries[1];
    qn_exit_result r;
    qn_err err;
    ck_assert_int_eq(qn_exit_check(&in, entries, &r, &err), QN_OK);
    ck_assert_int_eq(r.verdict, QN_EXIT_WARN);
    check_reasons(&r, BIT(QN_EXR_NOTIFICATION_MISSING));
    ck_assert_uint_eq(r.entries_missing, 1);
    ck_assert_int_eq(entries[0].status, QN_NOTIFY_MISSING);
    ck_assert_int_eq(entries[0].days_late, 16); /* deadline 2026-02-04 */
    /* Leaving within the deadline: pending, nothing to warn about. */
    in.exit_date = D("2026-02-04");
    const qn_trip short_trip[] = {{D("2026-02-02"), D("2026-02-04")}};
    in.trips = short_trip;
    ck_assert_int_eq(qn_exit_check(&in, entries, &r, &err), QN_OK);
    ck_assert_int_eq(r.verdict, QN_EXIT_CLEAR);
    ck_assert_int_eq(entries[0].status, QN_NOTIFY_PENDING);
    /* Late notification: warn. */
    const qn_ctl_notification late[] = {note("2026-02-02", "2026-02-05")};
    in = german("2026-02-20", trips, 1, late, 1);
    ck_assert_int_eq(qn_exit_check(&in, entries, &r, &err), QN_OK);
    ck_assert_int_eq(r.verdict, QN_EXIT_WARN);
    check_reasons(&r, BIT(QN_EXR_NOTIFICATION_LATE));
    ck_assert_uint_eq(r.entries_late, 1);
}
END_TEST

START_TEST(overstayed)
{
    static const struct {
        const char *exit;
        int days;
        int mci;
        const char *code;
    } cases[] = {
        {"2026-03-04", 1, 0, "art517_p3_upto3"},
        {"2026-03-06", 3, 0, "art517_p3_upto3"},
        {"2026-03-07", 4, 10, "art517_p3_4to5"},
        {"2026-03-09", 6, 15, "art517_p3_6to10"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const qn_trip trips[] = {{D("2026-02-02"), D(cases[i].exit)}};
        const qn_ctl_notification notes[] = {note("2026-02-02", "2026-02-02")};
        qn_exit_input in = german(cases[i].exit, trips, 1, notes, 1);
        qn_exit_result r;
        qn_err err;
        ck_assert_int_eq(qn_exit_check(&in, NULL, &r, &err), QN_OK);
        ck_assert_str_eq(qn_exit_verdict_name(r.verdict), "stop");
        check_reasons(&r, BIT(QN_EXR_OVERSTAY));
        ck_assert_int_eq(r.lawful_because, QN_LAWFUL_NOT);
        ck_assert_int_eq(r.overstay_days, cases[i].days);
        ck_assert(r.has_overstay_sanction);
        ck_assert_str_eq(r.overstay_sanction.code, cases[i].code);
        ck_assert_int_eq(r.overstay_sanction.fine_mci, cases[i].mci);
        ck_assert(r.overstay_sanction.mci_known); /* offence 2026-03-04: 4,325 KZT */
        ck_assert(r.overstay_sanction.amount_kzt == (int64_t)cases[i].mci * 4325);
    }
}
END_TEST

START_TEST(lawful_thanks_to_permit)
{
    /* Uzbekistan: 30 days without a TRP; a TRP from day 19 covers the rest. */
    const qn_trip trips[] = {{D("2026-02-02"), NONE}};
    const qn_ctl_notification notes[] = {note("2026-02-02", "2026-02-02")};
    const qn_stay_period trp = {D("2026-02-20"), D("2027-02-19")};
    qn_exit_input in = german("2026-05-01", trips, 1, notes, 1);
    in.citizenship = "UZB";
    in.permits = &trp;
    in.n_permits = 1;
    qn_exit_result r;
    qn_err err;
    ck_assert_int_eq(qn_exit_check(&in, NULL, &r, &err), QN_OK);
    ck_assert_int_eq(r.verdict, QN_EXIT_CLEAR);
    ck_assert_str_eq(qn_lawful_basis_name(r.lawful_because), "permit");
    ck_assert_int_eq(r.overstay_days, 0);
    /* Without it: overstayed since 2026-03-04. */
    in.n_permits = 0;
    ck_assert_int_eq(qn_exit_check(&in, NULL, &r, &err), QN_OK);
    ck_assert_int_eq(r.verdict, QN_EXIT_STOP);
    ck_assert_int_eq(r.overstay_days, D("2026-05-01") - D("2026-03-03"));
}
END_TEST

START_TEST(lawful_thanks_to_extension)
{
    const qn_trip trips[] = {{D("2026-02-02"), NONE}};
    const qn_ctl_notification notes[] = {note("2026-02-02", "2026-02-02")};
    const qn_ctl_visa visas[] = {{D("2026-03-04"), D("2026-04-02"), QN_VISA_EXTENSION}};
    qn_exit_input in = german("2026-03-30", trips, 1, notes, 1);
    in.visas = visas;
    in.n_visas = 1;
    qn_exit_result r;
    qn_err err;
    ck_assert_int_eq(qn_exit_check(&in, NULL, &r, &err), QN_OK);
    ck_assert_int_eq(r.verdict, QN_EXIT_CLEAR);
    ck_assert_int_eq(r.lawful_because, QN_LAWFUL_EXTENDED_VISA);
    ck_assert_int_eq(r.last_lawful_day, D("2026-04-02"));
}
END_TEST

START_TEST(lawful_thanks_to_exit_visa)
{
    /* Passport lost, certificate, new passport, exit visa 2026-03-01..03-30 (30 days). */
    const qn_trip trips[] = {{D("2026-02-02"), NONE}};
    const qn_ctl_notification notes[] = {note("2026-02-02", "2026-02-02")};
    const qn_stay_period exit_visa = {D("2026-03-01"), D("2026-03-30")};
    qn_exit_input in = german("2026-03-20", trips, 1, notes, 1);
    in.exit_visa = &exit_visa;
    qn_exit_result r;
    qn_err err;
    ck_assert_int_eq(qn_exit_check(&in, NULL, &r, &err), QN_OK);
    ck_assert_int_eq(r.verdict, QN_EXIT_CLEAR);
    ck_assert_str_eq(qn_lawful_basis_name(r.lawful_because), "exit_visa");
    /* After the exit visa expired: overstayed 3 days (03-31 .. 04-02). */
    in.exit_date = D("2026-04-02");
    ck_assert_int_eq(qn_exit_check(&in, NULL, &r, &err), QN_OK);
    ck_assert_int_eq(r.verdict, QN_EXIT_STOP);
    ck_assert_int_eq(r.overstay_days, 3);
    ck_assert_int_eq(r.lawful_because, QN_LAWFUL_NOT);
}
END_TEST

/* Every mix of a permit, an extension visa and an exit visa, each covering
 * the days past the regime's 30: the basis is the first kind present in
 * the order of the stages, whichever others are there (the stages that add
 * no document are not computed again: the answer must not change). */
START_TEST(basis_for_every_mix_of_documents)
{
    static const struct {
        bool permit, extension, exit_visa;
        qn_lawful_basis basis;
    } table[] = {
        {false, false, false, QN_LAWFUL_NOT},          {true, false, false, QN_LAWFUL_PERMIT},
        {false, true, false, QN_LAWFUL_EXTENDED_VISA}, {false, false, true, QN_LAWFUL_EXIT_VISA},
        {true, true, false, QN_LAWFUL_PERMIT},         {true, false, true, QN_LAWFUL_PERMIT},
        {false, true, true, QN_LAWFUL_EXTENDED_VISA},  {true, true, true, QN_LAWFUL_PERMIT},
    };
    const qn_trip trips[] = {{D("2026-02-02"), NONE}};
    const qn_ctl_notification notes[] = {note("2026-02-02", "2026-02-02")};
    const qn_stay_period cover = {D("2026-03-04"), D("2026-04-30")};
    const qn_ctl_visa extension = {D("2026-03-04"), D("2026-04-30"), QN_VISA_EXTENSION};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        qn_exit_input in = german("2026-03-20", trips, 1, notes, 1);
        in.citizenship = "UZB"; /* 30 days: lawful to 2026-03-03 alone */
        in.permits = table[i].permit ? &cover : NULL;
        in.n_permits = table[i].permit;
        in.visas = table[i].extension ? &extension : NULL;
        in.n_visas = table[i].extension;
        in.exit_visa = table[i].exit_visa ? &cover : NULL;
        qn_exit_result r;
        qn_err err;
        ck_assert_int_eq(qn_exit_check(&in, NULL, &r, &err), QN_OK);
        ck_assert_msg(r.lawful_because == table[i].basis, "row %zu: %s", i,
                      qn_lawful_basis_name(r.lawful_because));
        bool any = table[i].permit || table[i].extension || table[i].exit_visa;
        ck_assert_int_eq(r.overstay_days, any ? 0 : D("2026-03-20") - D("2026-03-03"));
        ck_assert_int_eq(r.verdict, any ? QN_EXIT_CLEAR : QN_EXIT_STOP);
        qn_stay_result st;
        qn_lawful_basis basis;
        ck_assert_int_eq(qn_exit_stay(&in, D("2026-03-20"), &st, &basis, &err), QN_OK);
        ck_assert_int_eq(basis, table[i].basis);
        ck_assert_int_eq(st.last_lawful_day, r.last_lawful_day);
    }
}
END_TEST

START_TEST(open_cases)
{
    const qn_trip trips[] = {{D("2026-02-02"), NONE}};
    const qn_ctl_notification notes[] = {note("2026-02-02", "2026-02-02")};
    qn_exit_input in = german("2026-02-20", trips, 1, notes, 1);
    const qn_ctl_case host_open[] = {{QN_VIOL_HOST_NOTIFICATION, QN_VCASE_FINED},
                                     {QN_VIOL_OVERSTAY, QN_VCASE_CLOSED}};
    in.cases = host_open;
    in.n_cases = 2;
    qn_exit_result r;
    qn_err err;
    ck_assert_int_eq(qn_exit_check(&in, NULL, &r, &err), QN_OK);
    ck_assert_int_eq(r.verdict, QN_EXIT_WARN);
    check_reasons(&r, BIT(QN_EXR_OPEN_HOST_CASE));
    ck_assert_uint_eq(r.open_cases, 1);
    const qn_ctl_case person_open[] = {{QN_VIOL_OVERSTAY, QN_VCASE_OPEN}};
    in.cases = person_open;
    in.n_cases = 1;
    ck_assert_int_eq(qn_exit_check(&in, NULL, &r, &err), QN_OK);
    ck_assert_int_eq(r.verdict, QN_EXIT_STOP);
    check_reasons(&r, BIT(QN_EXR_OPEN_OVERSTAY_CASE));
}
END_TEST

START_TEST(visa_nationals)
{
    const qn_trip trips[] = {{D("2026-02-02"), NONE}};
    const qn_ctl_notification notes[] = {note("2026-02-02", "2026-02-02")};
    qn_exit_input in = german("2026-03-10", trips, 1, notes, 1);
    in.citizenship = "AFG";
    qn_exit_result r;
    qn_err err;
    /* No visa data: the limit cannot be computed. */
    ck_assert_int_eq(qn_exit_check(&in, NULL, &r, &err), QN_OK);
    ck_assert_int_eq(r.verdict, QN_EXIT_WARN);
    check_reasons(&r, BIT(QN_EXR_STAY_LIMIT_UNKNOWN));
    /* A visa to 2026-03-15. */
    const qn_ctl_visa visas[] = {{D("2026-02-01"), D("2026-03-15"), QN_VISA_ORDINARY},
                                 {D("2026-03-16"), D("2026-03-31"), QN_VISA_EXTENSION}};
    in.visas = visas;
    in.n_visas = 1;
    ck_assert_int_eq(qn_exit_check(&in, NULL, &r, &err), QN_OK);
    ck_assert_int_eq(r.verdict, QN_EXIT_CLEAR);
    ck_assert_int_eq(r.lawful_because, QN_LAWFUL_REGIME);
    in.exit_date = D("2026-03-20");
    ck_assert_int_eq(qn_exit_check(&in, NULL, &r, &err), QN_OK);
    ck_assert_int_eq(r.verdict, QN_EXIT_STOP);
    ck_assert_int_eq(r.overstay_days, 5);
    /* With the extension, lawful because of it. */
    in.n_visas = 2;
    ck_assert_int_eq(qn_exit_check(&in, NULL, &r, &err), QN_OK);
    ck_assert_int_eq(r.verdict, QN_EXIT_CLEAR);
    ck_assert_int_eq(r.lawful_because, QN_LAWFUL_EXTENDED_VISA);
}
END_TEST

START_TEST(history_and_regime_warnings)
{
    /* An earlier trip overstayed (36 days on a 30-day regime), an entry before
     * 2020-01-11 without notification (not judged), the current one fine. */
    const qn_trip trips[] = {
        {D("2026-02-02"), NONE}, {D("2025-10-01"), D("2025-11-05")}, {D("2019-05-01"), D("2019-05-10")}};
    const qn_ctl_notification notes[] = {note("2026-02-02", "2026-02-02"), note("2025-10-01", "2025-10-01")};
    qn_exit_input in = german("2026-02-10", trips, 3, notes, 2);
    qn_entry_notification entries[3];
    qn_exit_result r;
    qn_err err;
    ck_assert_int_eq(qn_exit_check(&in, entries, &r, &err), QN_OK);
    ck_assert_int_eq(r.verdict, QN_EXIT_WARN);
    check_reasons(&r, BIT(QN_EXR_EARLIER_BREACH));
    ck_assert_int_eq(r.stay.first_breach, D("2025-10-31"));
    ck_assert_int_eq(entries[2].status, QN_NOTIFY_MISSING); /* reported, not a reason */
    ck_assert_uint_eq(r.entries_missing, 0);

    /* Georgia's regime is UNCONFIRMED. */
    const qn_trip one[] = {{D("2026-02-02"), NONE}};
    in = german("2026-02-10", one, 1, notes, 1);
    in.citizenship = "GEO";
    ck_assert_int_eq(qn_exit_check(&in, NULL, &r, &err), QN_OK);
    ck_assert_int_eq(r.verdict, QN_EXIT_WARN);
    check_reasons(&r, BIT(QN_EXR_REGIME_UNCONFIRMED));
}
END_TEST

START_TEST(bad_input)
{
    const qn_trip trips[] = {{D("2026-02-02"), D("2026-02-25")}};
    qn_exit_input in = german("2026-02-20", trips, 1, NULL, 0);
    qn_exit_result r;
    qn_err err;
    ck_assert_int_eq(qn_exit_check(&in, NULL, &r, &err), QN_E_INVALID);
    ck_assert_str_eq(err.fields[0].field, "trips");
    const qn_ctl_visa visas[] = {{D("2026-03-01"), D("2026-02-01"), QN_VISA_ORDINARY}};
    const qn_stay_period bad_exit = {D("2026-03-01"), NONE};
    in = german("2026-02-20", NULL, 0, NULL, 0);
    in.citizenship = "de";
    in.visas = visas;
    in.n_visas = 1;
    in.exit_visa = &bad_exit;
    ck_assert_int_eq(qn_exit_check(&in, NULL, &r, &err), QN_E_INVALID);
    ck_assert_uint_eq(err.n_fields, 4);
    ck_assert_str_eq(err.fields[0].field, "citizenship");
    ck_assert_str_eq(err.fields[1].field, "trips");
    ck_assert_str_eq(err.fields[2].field, "visas[0]");
    ck_assert_str_eq(err.fields[3].field, "exit_visa");
    const qn_stay_period bad_permit = {D("2026-03-01"), D("2026-02-01")};
    in = german("2026-02-20", trips, 1, NULL, 0);
    in.permits = &bad_permit;
    in.n_permits = 1;
    ck_assert_int_eq(qn_exit_check(&in, NULL, &r, &err), QN_E_INVALID);
    ck_assert_str_eq(err.fields[0].field, "permits[0]");
    static qn_stay_period many[QN_STAY_MAX_PERMITS];
    in = german("2026-02-20", trips, 1, NULL, 0);
    in.permits = many;
    in.n_permits = QN_STAY_MAX_PERMITS;
    ck_assert_int_eq(qn_exit_check(&in, NULL, &r, &err), QN_E_TOO_LARGE);
    ck_assert_str_eq(qn_exit_reason_name(QN_EXR_COUNT), "?");
}
END_TEST

START_TEST(long_history)
{
    /* A Russian commuter: 1000 trips of 3 days every 7 days, each notified
     * on arrival; the last still open on the exit day. */
    enum { N = 1000 };
    qn_trip *trips = calloc(N, sizeof *trips);
    qn_ctl_notification *notes = calloc(N, sizeof *notes);
    qn_entry_notification *entries = calloc(N, sizeof *entries);
    ck_assert(trips && notes && entries);
    qn_date_t start = D("2007-01-01");
    for (int i = 0; i < N; i++) {
        trips[i].entry = start + 7 * i;
        trips[i].exit = i == N - 1 ? NONE : start + 7 * i + 2;
        notes[N - 1 - i].arrival = trips[i].entry; /* reverse order on purpose */
        notes[N - 1 - i].deadline = NONE;
        notes[N - 1 - i].received = trips[i].entry;
    }
    qn_exit_input in;
    memset(&in, 0, sizeof in);
    in.citizenship = "RUS";
    in.exit_date = start + 7 * (N - 1) + 2;
    in.trips = trips;
    in.n_trips = N;
    in.notifications = notes;
    in.n_notifications = N;
    qn_exit_result r;
    qn_err err;
    ck_assert_int_eq(qn_exit_check(&in, entries, &r, &err), QN_OK);
    ck_assert_int_eq(r.verdict, QN_EXIT_CLEAR);
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(entries[i].status, QN_NOTIFY_ON_TIME);
        ck_assert_int_eq(entries[i].first, N - 1 - i);
    }
    /* Drop the notification of one recent trip: exactly one missing. */
    in.n_notifications = N - 1; /* drops notes[N-1], the first trip's (2007: not judged) */
    ck_assert_int_eq(qn_exit_check(&in, entries, &r, &err), QN_OK);
    ck_assert_int_eq(entries[0].status, QN_NOTIFY_MISSING);
    ck_assert_int_eq(r.verdict, QN_EXIT_CLEAR);
    notes[0].received = notes[0].arrival + 10; /* the current trip's: received after the exit */
    in.n_notifications = N;
    ck_assert_int_eq(qn_exit_check(&in, entries, &r, &err), QN_OK);
    ck_assert_int_eq(entries[N - 1].status, QN_NOTIFY_PENDING); /* 3-day trip, deadline not passed */
    free(trips);
    free(notes);
    free(entries);
}
END_TEST

static Suite *exitcheck_suite(void)
{
    Suite *s = suite_create("exitcheck");
    TCase *tc = tcase_create("exitcheck");
    tcase_add_test(tc, notified_and_lawful);
    tcase_add_test(tc, not_notified);
    tcase_add_test(tc, overstayed);
    tcase_add_test(tc, lawful_thanks_to_permit);
    tcase_add_test(tc, lawful_thanks_to_extension);
    tcase_add_test(tc, lawful_thanks_to_exit_visa);
    tcase_add_test(tc, basis_for_every_mix_of_documents);
    tcase_add_test(tc, open_cases);
    tcase_add_test(tc, visa_nationals);
    tcase_add_test(tc, history_and_regime_warnings);
    tcase_add_test(tc, bad_input);
    tcase_add_test(tc, long_history);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(exitcheck_suite)
