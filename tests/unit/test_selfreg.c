/* test_selfreg.c — obligations per entry around 2026-07-01, the
 * self-registration deadlines and decisions (MVD Order No. 923). */
#include <string.h>

#include "core/date.h"
#include "core/error.h"
#include "core/selfreg.h"
#include "core/workflow.h"
#include "support/qn_test.h"

#define D(s) qn_test_date(s)
#define NONE QN_DATE_NONE

static const struct {
    const char *citizenship, *entry;
    const char *host_deadline;
    const char *self_deadline; /* NULL: self-registration does not apply */
} obligation_cases[] = {
    /* The day before Order 923: only the host notifies. */
    {"RUS", "2026-06-30", "2026-07-02", NULL},
    /* From 2026-07-01: both (the parallel host notice is UNCONFIRMED); day 30 = entry + 29. */
    {"RUS", "2026-07-01", "2026-07-03", "2026-07-30"},
    /* Fri 2026-07-03: Mon 07-06 is Capital Day, so Fri, Tue, Wed. */
    {"AFG" /* visa regime */, "2026-07-03", "2026-07-08", NULL},
    {"BLR", "2026-07-03", "2026-07-08", "2026-08-01"},
    /* 30-day regimes are not in scope. */
    {"DEU", "2026-07-01", "2026-07-03", NULL},
    {"UZB", "2026-08-03", "2026-08-05", NULL},
    /* Türkiye's 90-day regime (2025 decree) is in scope. */
    {"TUR", "2026-08-03", "2026-08-05", "2026-09-01"},
    {"TUR", "2025-12-29", "2025-12-31", NULL},
    /* Host notification from 2020-01-11 (seed 001). */
    {"RUS", "2020-01-11", "2020-01-15", NULL},
    {"RUS", "2020-01-10", NULL, NULL},
};

START_TEST(obligations_by_entry)
{
    qn_selfreg_obligations ob;
    qn_err err;
    ck_assert_int_eq(qn_selfreg_obligations_for(obligation_cases[_i].citizenship,
                                                D(obligation_cases[_i].entry), NULL, &ob, &err),
                     QN_OK);
    char buf[QN_DATE_STRLEN];
    if (obligation_cases[_i].host_deadline) {
        ck_assert(ob.host_notification);
        ck_assert_str_eq(qn_date_format(ob.host_deadline, buf), obligation_cases[_i].host_deadline);
    } else {
        ck_assert(!ob.host_notification);
        ck_assert_int_eq(ob.host_deadline, NONE);
    }
    if (obligation_cases[_i].self_deadline) {
        ck_assert_msg(ob.self_registration, "%s %s", obligation_cases[_i].citizenship,
                      obligation_cases[_i].entry);
        ck_assert_str_eq(qn_date_format(ob.self_deadline, buf), obligation_cases[_i].self_deadline);
        ck_assert(ob.parallel_unconfirmed);
    } else {
        ck_assert_msg(!ob.self_registration, "%s %s", obligation_cases[_i].citizenship,
                      obligation_cases[_i].entry);
        ck_assert_int_eq(ob.self_deadline, NONE);
        ck_assert(!ob.parallel_unconfirmed);
    }
    ck_assert_ptr_nonnull(ob.regime_name);
}
END_TEST

START_TEST(obligations_errors)
{
    qn_selfreg_obligations ob;
    qn_err err;
    ck_assert_int_eq(qn_selfreg_obligations_for("Rus", NONE, NULL, &ob, &err), QN_E_INVALID);
    ck_assert_uint_eq(err.n_fields, 2);
    ck_assert_str_eq(err.fields[0].field, "citizenship");
    ck_assert_str_eq(err.fields[1].field, "entry");
}
END_TEST

START_TEST(readdress_deadline)
{
    static const struct {
        const char *moved, *deadline;
    } cases[] = {
        {"2026-07-03", "2026-07-10"}, /* Fri + Tue..Fri (Mon 07-06 Capital Day) */
        {"2026-07-04", "2026-07-13"}, /* Sat: day 1 is Tue 07-07 */
        {"2026-08-03", "2026-08-07"}, /* Mon..Fri */
        {"2026-03-20", "2026-03-31"}, /* Fri; 23-25 Mar off (Nauryz): Fri, Thu, Fri, Mon, Tue */
    };
    char buf[QN_DATE_STRLEN];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_str_eq(qn_date_format(qn_selfreg_readdress_deadline(D(cases[i].moved)), buf),
                         cases[i].deadline);
}
END_TEST

typedef struct {
    const char *citizenship, *entry;
    qn_selfreg_kind kind;
    const char *changed, *submitted;
    qn_host_response host;
    bool data_false, stay_violated;
    qn_selfreg_outcome outcome;
    qn_refusal_reason reason;
    qn_app_event event;
    const char *deadline;
    int days_late;
} assess_case;

#define IN QN_SELFREG_INITIAL
#define MV QN_SELFREG_ADDRESS_CHANGE
#define NO_EVENT QN_APP_EVENT_COUNT

static const assess_case assess_cases[] = {
    {"RUS", "2026-07-01", IN, NULL, "2026-07-30", QN_HOST_CONFIRMED, false, false, QN_SELFREG_REGISTER, 0,
     QN_APP_EV_HOST_CONFIRM, "2026-07-30", 0},
    /* Day 31: late by one day, still registered (lateness is not a ground for refusal). */
    {"RUS", "2026-07-01", IN, NULL, "2026-07-31", QN_HOST_CONFIRMED, false, false, QN_SELFREG_REGISTER, 0,
     QN_APP_EV_HOST_CONFIRM, "2026-07-30", 1},
    {"ARM", "2026-07-01", IN, NULL, "2026-07-02", QN_HOST_PENDING, false, false, QN_SELFREG_AWAIT_HOST, 0,
     NO_EVENT, "2026-07-30", 0},
    {"RUS", "2026-07-01", IN, NULL, "2026-07-02", QN_HOST_REFUSED, false, false, QN_SELFREG_DECLINED,
     QN_REASON_HOST_REFUSED, QN_APP_EV_HOST_REFUSE, "2026-07-30", 0},
    /* The host's refusal comes first. */
    {"RUS", "2026-07-01", IN, NULL, "2026-07-02", QN_HOST_REFUSED, true, true, QN_SELFREG_DECLINED,
     QN_REASON_HOST_REFUSED, QN_APP_EV_HOST_REFUSE, "2026-07-30", 0},
    {"RUS", "2026-07-01", IN, NULL, "2026-07-02", QN_HOST_CONFIRMED, true, false, QN_SELFREG_REFUSE,
     QN_REASON_FALSE_DATA, QN_APP_EV_AUTO_FAIL, "2026-07-30", 0},
    {"KGZ", "2026-07-01", IN, NULL, "2026-07-02", QN_HOST_CONFIRMED, false, true, QN_SELFREG_REFUSE,
     QN_REASON_STAY_LIMIT_EXCEEDED, QN_APP_EV_AUTO_FAIL, "2026-07-30", 0},
    /* Address change: 5 working days from the move. */
    {"RUS", "2026-07-01", MV, "2026-07-03", "2026-07-10", QN_HOST_CONFIRMED, false, false,
     QN_SELFREG_REGISTER, 0, QN_APP_EV_HOST_CONFIRM, "2026-07-10", 0},
    {"RUS", "2026-07-01", MV, "2026-07-03", "2026-07-13", QN_HOST_CONFIRMED, false, false,
     QN_SELFREG_REGISTER, 0, QN_APP_EV_HOST_CONFIRM, "2026-07-10", 3},
};

START_TEST(assess_by_table)
{
    const assess_case *c = &assess_cases[_i];
    qn_selfreg_request req = {c->citizenship,  D(c->entry), c->kind,       c->changed ? D(c->changed) : NONE,
                              D(c->submitted), c->host,     c->data_false, c->stay_violated};
    qn_selfreg_assessment a;
    qn_err err;
    ck_assert_int_eq(qn_selfreg_assess(&req, &a, &err), QN_OK);
    ck_assert_str_eq(qn_selfreg_outcome_name(a.outcome), qn_selfreg_outcome_name(c->outcome));
    if (c->outcome == QN_SELFREG_REFUSE || c->outcome == QN_SELFREG_DECLINED)
        ck_assert_str_eq(qn_refusal_reason_name(a.reason), qn_refusal_reason_name(c->reason));
    ck_assert_int_eq(a.event, c->event);
    char buf[QN_DATE_STRLEN];
    ck_assert_str_eq(qn_date_format(a.deadline, buf), c->deadline);
    ck_assert_int_eq(a.is_late, c->days_late > 0);
    ck_assert_int_eq(a.days_late, c->days_late);
    /* The event is one the self_registration workflow accepts while awaiting the host:
     * from the host for its answer, from the system for the authority's refusal. */
    if (a.event != NO_EVENT) {
        qn_app_state to;
        qn_actor_role by = a.outcome == QN_SELFREG_REFUSE ? QN_ACTOR_SYSTEM : QN_ACTOR_CO_SIGNER;
        ck_assert_int_eq(qn_app_transition(QN_APP_SELF_REGISTRATION, QN_APP_AWAITING_HOST, a.event, by, &to,
                                           NULL, &err),
                         QN_OK);
        qn_app_state want = a.outcome == QN_SELFREG_REGISTER ? QN_APP_REGISTERED
                            : a.outcome == QN_SELFREG_REFUSE ? QN_APP_REFUSED
                                                             : QN_APP_DECLINED;
        ck_assert_int_eq(to, want);
    }
}
END_TEST

START_TEST(assess_not_applicable_and_errors)
{
    qn_selfreg_assessment a;
    qn_err err;
    /* Before 2026-07-01: the host notification rules only. */
    qn_selfreg_request req = {"RUS",           D("2026-06-30"),   IN,    NONE,
                              D("2026-07-02"), QN_HOST_CONFIRMED, false, false};
    ck_assert_int_eq(qn_selfreg_assess(&req, &a, &err), QN_E_INVALID);
    ck_assert_str_eq(err.sub, "not_applicable");
    ck_assert_str_eq(err.fields[0].field, "entry");
    /* 30-day regime. */
    req.citizenship = "DEU";
    req.entry = D("2026-07-01");
    ck_assert_int_eq(qn_selfreg_assess(&req, &a, &err), QN_E_INVALID);
    ck_assert_str_eq(err.sub, "not_applicable");
    ck_assert_str_eq(err.fields[0].field, "citizenship");
    /* Submitted before the entry; address change without the move's date. */
    req = (qn_selfreg_request){"RUS",           D("2026-07-05"), MV,    NONE,
                               D("2026-07-04"), QN_HOST_PENDING, false, false};
    ck_assert_int_eq(qn_selfreg_assess(&req, &a, &err), QN_E_INVALID);
    ck_assert_uint_eq(err.n_fields, 1);
    ck_assert_str_eq(err.fields[0].field, "changed_on");
    req.kind = IN;
    ck_assert_int_eq(qn_selfreg_assess(&req, &a, &err), QN_E_INVALID);
    ck_assert_str_eq(err.fields[0].field, "submitted_on");
    req = (qn_selfreg_request){
        "RUS", D("2026-07-05"), (qn_selfreg_kind)4, NONE, D("2026-07-06"), (qn_host_response)9, false, false};
    ck_assert_int_eq(qn_selfreg_assess(&req, &a, &err), QN_E_INVALID);
    ck_assert_str_eq(err.fields[0].field, "kind");
    ck_assert_str_eq(err.fields[1].field, "host");
}
END_TEST

static Suite *selfreg_suite(void)
{
    Suite *s = suite_create("selfreg");
    TCase *tc = tcase_create("selfreg");
    tcase_add_loop_test(tc, obligations_by_entry, 0,
                        (int)(sizeof obligation_cases / sizeof obligation_cases[0]));
    tcase_add_test(tc, obligations_errors);
    tcase_add_test(tc, readdress_deadline);
    tcase_add_loop_test(tc, assess_by_table, 0, (int)(sizeof assess_cases / sizeof assess_cases[0]));
    tcase_add_test(tc, assess_not_applicable_and_errors);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(selfreg_suite)
