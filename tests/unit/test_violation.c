/* test_violation.c — MCI by date, Art. 517/518 sanctions, the violation case
 * machine, and detection of late / missing notifications and overstays.
 * Expected amounts are written out from kz_rules.md §1.3, §2.4, §2.5 (not
 * computed from the tables under test). */
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/error.h"
#include "core/violation.h"
#include "support/qn_test.h"

#define D(s) qn_test_date(s)

START_TEST(mci_table_dates_and_lookup)
{
    size_t n;
    const qn_mci_row *rows = qn_mci_table(&n);
    ck_assert_uint_eq(n, 3);
    static const char *const from[] = {"2024-01-01", "2025-01-01", "2026-01-01"};
    static const char *const to[] = {"2024-12-31", "2025-12-31", "2026-12-31"};
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(rows[i].from, D(from[i]));
        ck_assert_int_eq(rows[i].to, D(to[i]));
        if (i > 0)
            ck_assert_int_eq(rows[i].from, rows[i - 1].to + 1); /* no gaps */
        ck_assert_ptr_nonnull(rows[i].source);
    }
    static const struct {
        const char *date;
        bool known;
        int64_t kzt;
    } cases[] = {
        {"2023-12-31", false, 0},   {"2024-01-01", true, 3692}, {"2024-12-31", true, 3692},
        {"2025-01-01", true, 3932}, {"2025-12-31", true, 3932}, {"2026-01-01", true, 4325},
        {"2026-07-01", true, 4325}, {"2026-12-31", true, 4325}, {"2027-01-01", false, 0},
        {"2019-05-05", false, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t kzt = -7;
        ck_assert_msg(qn_mci_on(D(cases[i].date), &kzt) == cases[i].known, "%s", cases[i].date);
        ck_assert_msg(kzt == (cases[i].known ? cases[i].kzt : -7), "%s: %lld", cases[i].date, (long long)kzt);
    }
}
END_TEST

typedef struct {
    qn_violation_kind kind;
    qn_host_kind host;
    int days;
    bool repeat;
    const char *date;
    int article, part;
    qn_sanction_kind sanction;
    int mci;
    int64_t kzt;
    bool confirmed;
    bool expulsion;
    const char *code;
} assess_case;

#define HN QN_VIOL_HOST_NOTIFICATION
#define OV QN_VIOL_OVERSTAY
#define W QN_SANCTION_WARNING
#define F QN_SANCTION_FINE

static const assess_case assess_cases[] = {
    /* Art. 518 part 1 (confirmed). */
    {HN, QN_HOST_INDIVIDUAL, 2, false, "2026-03-01", 518, 1, W, 0, 0, true, false, "art518_p1_individual"},
    {HN, QN_HOST_OFFICIAL, 1, false, "2026-03-01", 518, 1, F, 10, 43250, true, false, "art518_p1_official"},
    {HN, QN_HOST_SMALL_BUSINESS, 5, false, "2025-06-01", 518, 1, F, 10, 39320, true, false,
     "art518_p1_small_business"},
    {HN, QN_HOST_NPO, 1, false, "2024-02-01", 518, 1, F, 10, 36920, true, false, "art518_p1_npo"},
    {HN, QN_HOST_MEDIUM_BUSINESS, 1, false, "2026-03-01", 518, 1, F, 15, 64875, true, false,
     "art518_p1_medium_business"},
    /* MCI year boundary: the MCI of the offence date. */
    {HN, QN_HOST_LARGE_BUSINESS, 1, false, "2024-12-31", 518, 1, F, 20, 73840, true, false,
     "art518_p1_large_business"},
    {HN, QN_HOST_LARGE_BUSINESS, 1, false, "2025-01-01", 518, 1, F, 20, 78640, true, false,
     "art518_p1_large_business"},
    {HN, QN_HOST_LARGE_BUSINESS, 1, false, "2026-01-01", 518, 1, F, 20, 86500, true, false,
     "art518_p1_large_business"},
    /* Art. 518 part 3: repeat within a year (UNCONFIRMED model). */
    {HN, QN_HOST_INDIVIDUAL, 1, true, "2026-03-01", 518, 3, F, 30, 129750, false, false,
     "art518_p3_individual"},
    {HN, QN_HOST_LARGE_BUSINESS, 1, true, "2026-03-01", 518, 3, F, 100, 432500, false, false,
     "art518_p3_large_business"},
    /* Art. 517 part 3 tiers. */
    {OV, QN_HOST_INDIVIDUAL, 1, false, "2026-03-01", 517, 3, W, 0, 0, true, false, "art517_p3_upto3"},
    {OV, QN_HOST_INDIVIDUAL, 3, false, "2026-03-01", 517, 3, W, 0, 0, true, false, "art517_p3_upto3"},
    {OV, QN_HOST_INDIVIDUAL, 4, false, "2026-03-01", 517, 3, F, 10, 43250, true, false, "art517_p3_4to5"},
    {OV, QN_HOST_INDIVIDUAL, 5, false, "2025-03-01", 517, 3, F, 10, 39320, true, false, "art517_p3_4to5"},
    {OV, QN_HOST_INDIVIDUAL, 6, false, "2026-03-01", 517, 3, F, 15, 64875, false, false, "art517_p3_6to10"},
    {OV, QN_HOST_INDIVIDUAL, 10, false, "2026-03-01", 517, 3, F, 15, 64875, false, false, "art517_p3_6to10"},
    {OV, QN_HOST_INDIVIDUAL, 11, false, "2026-03-01", 517, 3, F, 20, 86500, false, true, "art517_p3_over10"},
    {OV, QN_HOST_INDIVIDUAL, 400, false, "2026-03-01", 517, 3, F, 20, 86500, false, true, "art517_p3_over10"},
    {OV, QN_HOST_INDIVIDUAL, 4, true, "2026-03-01", 517, 3, F, 10, 43250, false, false,
     "art517_p3_4to5_repeat"},
    /* MCI unknown for the date: the sanction stands, no tenge amount. */
    {OV, QN_HOST_INDIVIDUAL, 4, false, "2023-06-01", 517, 3, F, 10, 0, true, false, "art517_p3_4to5"},
};

START_TEST(assess_by_table)
{
    const assess_case *c = &assess_cases[_i];
    qn_violation_facts f = {
        c->kind, D(c->date), c->host, c->kind == HN ? c->days : 0, c->kind == OV ? c->days : 0, c->repeat};
    qn_sanction s;
    qn_err err;
    ck_assert_int_eq(qn_violation_assess(&f, &s, &err), QN_OK);
    ck_assert_int_eq(s.article, c->article);
    ck_assert_int_eq(s.part, c->part);
    ck_assert_int_eq(s.sanction, c->sanction);
    ck_assert_int_eq(s.fine_mci, c->mci);
    ck_assert_msg(s.amount_kzt == c->kzt, "case %d: %lld", _i, (long long)s.amount_kzt);
    ck_assert_int_eq(s.confirmed, c->confirmed);
    ck_assert_int_eq(s.expulsion_possible, c->expulsion);
    ck_assert_str_eq(s.code, c->code);
    ck_assert_int_eq(s.mci_known, strcmp(c->date, "2024-01-01") >= 0);
    ck_assert_ptr_nonnull(s.source);
}
END_TEST

START_TEST(assess_rejects_bad_facts)
{
    qn_err err;
    qn_sanction s;
    qn_violation_facts f = {OV, D("2026-03-01"), QN_HOST_INDIVIDUAL, 0, 0, false};
    ck_assert_int_eq(qn_violation_assess(&f, &s, &err), QN_E_INVALID);
    ck_assert_str_eq(err.fields[0].field, "overstay_days");
    f = (qn_violation_facts){HN, QN_DATE_NONE, (qn_host_kind)99, 0, 0, false};
    ck_assert_int_eq(qn_violation_assess(&f, &s, &err), QN_E_INVALID);
    ck_assert_uint_eq(err.n_fields, 3);
    ck_assert_str_eq(err.fields[0].field, "offence_date");
    ck_assert_str_eq(err.fields[1].field, "host_kind");
    ck_assert_str_eq(err.fields[2].field, "days_late");
    f = (qn_violation_facts){(qn_violation_kind)7, D("2026-03-01"), QN_HOST_INDIVIDUAL, 1, 1, false};
    ck_assert_int_eq(qn_violation_assess(&f, &s, NULL), QN_E_INVALID);
    /* Without an error struct, every check still applies. */
    f = (qn_violation_facts){HN, D("2026-03-01"), (qn_host_kind)99, 1, 0, false};
    ck_assert_int_eq(qn_violation_assess(&f, &s, NULL), QN_E_INVALID);
    f = (qn_violation_facts){OV, D("2026-03-01"), QN_HOST_INDIVIDUAL, 0, 0, false};
    ck_assert_int_eq(qn_violation_assess(&f, &s, NULL), QN_E_INVALID);
}
END_TEST

START_TEST(names_round_trip)
{
    for (int k = 0; k < QN_VIOL_KIND_COUNT; k++) {
        qn_violation_kind out;
        const char *n = qn_violation_kind_name((qn_violation_kind)k);
        ck_assert(qn_violation_kind_parse(n, strlen(n), &out));
        ck_assert_int_eq(out, k);
    }
    for (int k = 0; k < QN_HOST_KIND_COUNT; k++) {
        qn_host_kind out;
        const char *n = qn_host_kind_name((qn_host_kind)k);
        ck_assert(qn_host_kind_parse(n, strlen(n), &out));
        ck_assert_int_eq(out, k);
    }
    for (int k = 0; k < QN_VCASE_STATE_COUNT; k++) {
        qn_vcase_state out;
        const char *n = qn_vcase_state_name((qn_vcase_state)k);
        ck_assert(qn_vcase_state_parse(n, strlen(n), &out));
        ck_assert_int_eq(out, k);
    }
    for (int k = 0; k < QN_VCASE_EVENT_COUNT; k++) {
        qn_vcase_event out;
        const char *n = qn_vcase_event_name((qn_vcase_event)k);
        ck_assert(qn_vcase_event_parse(n, strlen(n), &out));
        ck_assert_int_eq(out, k);
    }
    qn_host_kind hk;
    ck_assert(!qn_host_kind_parse("small", 5, &hk));
    ck_assert(!qn_host_kind_parse(NULL, 0, &hk));
    ck_assert_str_eq(qn_host_kind_name((qn_host_kind)42), "?");
    ck_assert_str_eq(qn_vcase_close_reason_name(QN_VCLOSE_WARNING_ISSUED), "warning_issued");
}
END_TEST

/* The case machine, written independently: "<from> <event> <roles> -> <to> <reason>". */
static const char *const vcase_spec[] = {
    "open fine officer|senior_officer -> fined none",
    "open warn officer|senior_officer -> closed warning_issued",
    "open dismiss officer|senior_officer -> closed dismissed",
    "fined pay officer|senior_officer|system -> closed paid",
    "fined annul senior_officer -> closed annulled",
};

static const char *spec_find(qn_vcase_state from, qn_vcase_event ev)
{
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s %s ", qn_vcase_state_name(from), qn_vcase_event_name(ev));
    for (size_t i = 0; i < sizeof vcase_spec / sizeof vcase_spec[0]; i++)
        if (strncmp(vcase_spec[i], prefix, strlen(prefix)) == 0)
            return vcase_spec[i];
    return NULL;
}

START_TEST(vcase_every_state_event_role)
{
    for (int s = 0; s < QN_VCASE_STATE_COUNT; s++) {
        for (int e = 0; e < QN_VCASE_EVENT_COUNT; e++) {
            const char *row = spec_find((qn_vcase_state)s, (qn_vcase_event)e);
            for (int r = 0; r < QN_ACTOR_COUNT; r++) {
                qn_vcase_state to = QN_VCASE_STATE_COUNT;
                qn_vcase_close_reason why = QN_VCLOSE_COUNT;
                qn_err err;
                qn_code rc = qn_vcase_transition((qn_vcase_state)s, (qn_vcase_event)e, (qn_actor_role)r, NULL,
                                                 &to, &why, &err);
                if (!row) {
                    ck_assert_int_eq(rc, QN_E_CONFLICT);
                    ck_assert_str_eq(err.sub, "illegal_transition");
                    continue;
                }
                char roles[96], to_name[16], reason[24];
                ck_assert_int_eq(sscanf(row, "%*s %*s %95s -> %15s %23s", roles, to_name, reason), 3);
                char padded[100];
                snprintf(padded, sizeof padded, "|%s|", roles);
                char needle[40];
                snprintf(needle, sizeof needle, "|%s|", qn_actor_role_name((qn_actor_role)r));
                if (strstr(padded, needle)) {
                    ck_assert_msg(rc == QN_OK, "%s by %s", row, needle);
                    ck_assert_str_eq(qn_vcase_state_name(to), to_name);
                    ck_assert_str_eq(qn_vcase_close_reason_name(why), reason);
                } else {
                    ck_assert_int_eq(rc, QN_E_FORBIDDEN);
                    ck_assert_str_eq(err.sub, "wrong_actor");
                }
            }
        }
    }
    qn_err err;
    ck_assert_int_eq(
        qn_vcase_transition((qn_vcase_state)9, QN_VCASE_EV_FINE, QN_ACTOR_OFFICER, NULL, NULL, NULL, &err),
        QN_E_INVALID);
    ck_assert_str_eq(err.sub, "invalid_enum");
}
END_TEST

START_TEST(vcase_sanction_must_agree)
{
    qn_sanction warning = {0}, fine = {0};
    warning.sanction = QN_SANCTION_WARNING;
    fine.sanction = QN_SANCTION_FINE;
    qn_err err;
    qn_vcase_state to;
    ck_assert_int_eq(
        qn_vcase_transition(QN_VCASE_OPEN, QN_VCASE_EV_FINE, QN_ACTOR_OFFICER, &warning, &to, NULL, &err),
        QN_E_CONFLICT);
    ck_assert_str_eq(err.sub, "sanction_mismatch");
    ck_assert_int_eq(
        qn_vcase_transition(QN_VCASE_OPEN, QN_VCASE_EV_WARN, QN_ACTOR_OFFICER, &fine, &to, NULL, &err),
        QN_E_CONFLICT);
    ck_assert_int_eq(
        qn_vcase_transition(QN_VCASE_OPEN, QN_VCASE_EV_FINE, QN_ACTOR_OFFICER, &fine, &to, NULL, &err), QN_OK);
    ck_assert_int_eq(to, QN_VCASE_FINED);
    /* Dismissal does not depend on the sanction. */
    ck_assert_int_eq(
        qn_vcase_transition(QN_VCASE_OPEN, QN_VCASE_EV_DISMISS, QN_ACTOR_OFFICER, &fine, &to, NULL, &err),
        QN_OK);
}
END_TEST

static qn_ctl_notification note(const char *arrival, const char *received)
{
    qn_ctl_notification n;
    memset(&n, 0, sizeof n);
    n.arrival = D(arrival);
    n.deadline = QN_DATE_NONE;
    n.received = received ? D(received) : QN_DATE_NONE;
    snprintf(n.region, sizeof n.region, "Almaty");
    return n;
}

START_TEST(notification_late_boundary)
{
    /* Mon 2026-02-02: day 1 Mon, 2 Tue, 3 Wed -> deadline Wed 2026-02-04. */
    qn_ctl_notification n = note("2026-02-02", "2026-02-04");
    ck_assert(!qn_ctl_notification_is_late(&n));
    n.received = D("2026-02-05");
    ck_assert(qn_ctl_notification_is_late(&n));
    /* Fri 2026-02-06: Fri, Mon, Tue -> deadline Tue 2026-02-10. */
    n = note("2026-02-06", "2026-02-10");
    ck_assert(!qn_ctl_notification_is_late(&n));
    n.received = D("2026-02-11");
    ck_assert(qn_ctl_notification_is_late(&n));
    /* Nauryz: Fri 2026-03-20 -> Fri 2026-03-27 (deadline.h). */
    n = note("2026-03-20", "2026-03-27");
    ck_assert(!qn_ctl_notification_is_late(&n));
    /* An explicit deadline is used as given. */
    n = note("2026-02-02", "2026-02-04");
    n.deadline = D("2026-02-03");
    ck_assert(qn_ctl_notification_is_late(&n));
    /* Not received: not late (missing is judged per entry). */
    n = note("2026-02-02", NULL);
    ck_assert(!qn_ctl_notification_is_late(&n));
}
END_TEST

START_TEST(notifications_per_entry)
{
    const qn_trip trips[] = {
        {D("2026-06-01"), D("2026-06-10")}, /* 0: nothing received -> missing */
        {D("2026-02-02"), D("2026-02-20")}, /* 1: on time, plus a late second place */
        {D("2026-06-18"), QN_DATE_NONE},    /* 2: open, deadline not passed -> pending */
        {D("2026-04-03"), D("2026-04-15")}, /* 3: late by one day */
    };
    qn_ctl_notification notes[] = {
        note("2026-02-10", "2026-02-16"), /* trip 1, second place: deadline 02-12, late */
        note("2026-02-02", "2026-02-04"), /* trip 1, first place, on the deadline */
        note("2026-04-03", "2026-04-08"), /* trip 3: Fri -> deadline Tue 04-07; late by 1 */
        note("2026-05-01", "2026-05-02"), /* outside every trip: ignored */
        note("2026-06-18", "2026-06-25"), /* trip 2 but received after as_of: ignored */
    };
    qn_entry_notification out[4];
    qn_err err;
    ck_assert_int_eq(qn_ctl_check_notifications(trips, 4, notes, 5, D("2026-06-20"), NULL, out, &err), QN_OK);
    ck_assert_int_eq(out[0].status, QN_NOTIFY_MISSING);
    ck_assert_int_eq(out[0].deadline, D("2026-06-03"));
    ck_assert_int_eq(out[0].days_late, 17);
    ck_assert_int_eq(out[0].first, -1);

    ck_assert_int_eq(out[1].status, QN_NOTIFY_ON_TIME);
    ck_assert_int_eq(out[1].first, 1);
    ck_assert_int_eq(out[1].deadline, D("2026-02-04"));
    ck_assert_uint_eq(out[1].n_places, 2);
    ck_assert_uint_eq(out[1].n_late_places, 1);

    ck_assert_int_eq(out[2].status, QN_NOTIFY_PENDING);
    ck_assert_int_eq(out[2].deadline, D("2026-06-22"));
    ck_assert_uint_eq(out[2].n_places, 0);

    ck_assert_int_eq(out[3].status, QN_NOTIFY_LATE);
    ck_assert_int_eq(out[3].days_late, 1);
    ck_assert_int_eq(out[3].deadline, D("2026-04-07"));
    ck_assert_str_eq(qn_notify_status_name(out[3].status), "late");

    /* On the deadline day itself it is still pending. */
    ck_assert_int_eq(qn_ctl_check_notifications(trips, 4, notes, 5, D("2026-06-22"), NULL, out, &err), QN_OK);
    ck_assert_int_eq(out[2].status, QN_NOTIFY_PENDING);
    /* The day after the open trip's deadline, it is missing. */
    ck_assert_int_eq(qn_ctl_check_notifications(trips, 4, notes, 5, D("2026-06-23"), NULL, out, &err), QN_OK);
    ck_assert_int_eq(out[2].status, QN_NOTIFY_MISSING);
    ck_assert_int_eq(out[2].days_late, 1);
    /* Once received (late), it is late instead. */
    ck_assert_int_eq(qn_ctl_check_notifications(trips, 4, notes, 5, D("2026-06-26"), NULL, out, &err), QN_OK);
    ck_assert_int_eq(out[2].status, QN_NOTIFY_LATE);
    ck_assert_int_eq(out[2].days_late, 3);
}
END_TEST

START_TEST(notifications_reject_bad_input)
{
    const qn_trip trips[] = {{D("2026-02-10"), D("2026-02-01")}};
    qn_ctl_notification notes[] = {note("2026-02-10", "2026-02-09")};
    qn_entry_notification out[1];
    qn_err err;
    ck_assert_int_eq(qn_ctl_check_notifications(trips, 1, notes, 1, D("2026-03-01"), NULL, out, &err),
                     QN_E_INVALID);
    ck_assert_uint_eq(err.n_fields, 2);
    ck_assert_str_eq(err.fields[0].field, "trips[0]");
    ck_assert_str_eq(err.fields[1].field, "notifications[0]");
    ck_assert_int_eq(
        qn_ctl_check_notifications(trips, QN_STAY_MAX_TRIPS + 1, notes, 1, D("2026-03-01"), NULL, out, &err),
        QN_E_TOO_LARGE);
}
END_TEST

START_TEST(overstay_detection)
{
    /* USA, visa-free 30 days: entry 2026-02-02, last lawful day 2026-03-03. */
    const qn_trip trips[] = {{D("2026-02-02"), QN_DATE_NONE}};
    qn_stay_input in;
    qn_stay_input_init(&in);
    in.citizenship = "USA";
    in.trips = trips;
    in.n_trips = 1;
    static const struct {
        const char *on;
        int days;
        const char *first;
    } cases[] = {
        {"2026-03-03", 0, NULL},
        {"2026-03-04", 1, "2026-03-04"},
        {"2026-03-06", 3, "2026-03-04"},
        {"2026-03-07", 4, "2026-03-04"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        in.on = D(cases[i].on);
        int days = -1;
        qn_date_t first = 0;
        qn_err err;
        ck_assert_int_eq(qn_ctl_overstay(&in, &days, &first, &err), QN_OK);
        ck_assert_int_eq(days, cases[i].days);
        ck_assert_int_eq(first, cases[i].first ? D(cases[i].first) : QN_DATE_NONE);
    }
    /* A permit covering the days makes them lawful. */
    const qn_stay_period permit = {D("2026-03-01"), D("2026-06-30")};
    in.permits = &permit;
    in.n_permits = 1;
    in.on = D("2026-03-07");
    int days = -1;
    qn_date_t first;
    ck_assert_int_eq(qn_ctl_overstay(&in, &days, &first, NULL), QN_OK);
    ck_assert_int_eq(days, 0);
    ck_assert_int_eq(first, QN_DATE_NONE);
}
END_TEST

static Suite *violation_suite(void)
{
    Suite *s = suite_create("violation");
    TCase *tc = tcase_create("violation");
    tcase_add_test(tc, mci_table_dates_and_lookup);
    tcase_add_loop_test(tc, assess_by_table, 0, (int)(sizeof assess_cases / sizeof assess_cases[0]));
    tcase_add_test(tc, assess_rejects_bad_facts);
    tcase_add_test(tc, names_round_trip);
    tcase_add_test(tc, vcase_every_state_event_role);
    tcase_add_test(tc, vcase_sanction_must_agree);
    tcase_add_test(tc, notification_late_boundary);
    tcase_add_test(tc, notifications_per_entry);
    tcase_add_test(tc, notifications_reject_bad_input);
    tcase_add_test(tc, overstay_detection);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(violation_suite)
