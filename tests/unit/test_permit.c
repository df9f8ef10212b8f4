/* test_permit.c — who needs a TRP, TRP periods, visa extensions (seed 001),
 * loss statements and exit visas. Expected dates are written out by hand. */
#include <string.h>

#include "core/date.h"
#include "core/error.h"
#include "core/permit.h"
#include "support/qn_test.h"

#define D(s) qn_test_date(s)
#define NONE QN_DATE_NONE

static bool has_field(const qn_err *err, const char *field)
{
    for (size_t i = 0; i < err->n_fields; i++)
        if (strcmp(err->fields[i].field, field) == 0)
            return true;
    return false;
}

static const struct {
    const char *citizenship;
    int days; /* planned length, entry day = day 1 */
    qn_trp_need need;
    int threshold;
} need_cases[] = {
    /* Seed 004: EAEU citizens over 90 days. */
    {"RUS", 90, QN_TRP_NOT_NEEDED, 90},
    {"RUS", 91, QN_TRP_NEEDED, 90},
    {"KGZ", 200, QN_TRP_NEEDED, 90},
    /* Seed 004: CIS citizens over 30 days. */
    {"UZB", 30, QN_TRP_NOT_NEEDED, 30},
    {"UZB", 31, QN_TRP_NEEDED, 30},
    /* Seed 001 visa-free states: no TRP path beyond 30 days, a visa is needed. */
    {"DEU", 30, QN_TRP_NOT_NEEDED, 0},
    {"DEU", 31, QN_TRP_NO_PATH, 0},
    /* Visa nationals: bounded by the visa. */
    {"AFG", 120, QN_TRP_NOT_NEEDED, 0},
};

START_TEST(trp_need_by_regime)
{
    qn_date_t entry = D("2026-02-02");
    qn_trp_need need;
    int threshold = -1;
    qn_err err;
    ck_assert_int_eq(qn_trp_need_for(need_cases[_i].citizenship, entry, entry + need_cases[_i].days - 1,
                                     &need, &threshold, &err),
                     QN_OK);
    ck_assert_msg(need == need_cases[_i].need, "%s %d: %s", need_cases[_i].citizenship, need_cases[_i].days,
                  qn_trp_need_name(need));
    ck_assert_int_eq(threshold, need_cases[_i].threshold);
}
END_TEST

START_TEST(trp_need_errors)
{
    qn_trp_need need;
    qn_err err;
    ck_assert_int_eq(qn_trp_need_for("ru", D("2026-02-02"), D("2026-01-01"), &need, NULL, &err),
                     QN_E_INVALID);
    ck_assert_uint_eq(err.n_fields, 2);
    ck_assert_str_eq(err.fields[0].field, "citizenship");
    ck_assert_str_eq(err.fields[1].field, "planned_last_day");
}
END_TEST

static const struct {
    qn_trp_category category;
    const char *from, *to, *passport, *basis;
    const char *want_to, *limited_by;
    bool confirmed;
} period_cases[] = {
    /* One year at most: 2026-03-01 .. 2027-02-28. */
    {QN_TRP_WORK, "2026-03-01", "2027-06-30", "2030-01-01", "2028-01-01", "2027-02-28", "max_term", true},
    /* Not beyond the employment contract (gov.kz/services/4631). */
    {QN_TRP_WORK, "2026-03-01", "2027-06-30", "2030-01-01", "2026-12-31", "2026-12-31", "basis_end", true},
    /* Never beyond the passport (MVD order 2022). */
    {QN_TRP_FAMILY, "2026-03-01", "2027-01-31", "2026-10-15", NULL, "2026-10-15", "passport", false},
    /* Passport expiring on the first day: a one-day permit. */
    {QN_TRP_FAMILY, "2026-03-01", "2027-01-31", "2026-03-01", NULL, "2026-03-01", "passport", false},
    {QN_TRP_STUDY, "2026-09-01", "2027-06-30", "2030-01-01", "2030-06-30", "2027-06-30", "requested", false},
    /* Leap day: a year from 2024-02-29 ends 2025-02-28. */
    {QN_TRP_MISSIONARY, "2024-02-29", "2026-01-01", "2030-01-01", NULL, "2025-02-28", "max_term", false},
    {QN_TRP_AIFC_SPECIALIST, "2026-01-31", "2028-01-01", "2030-01-01", "2029-01-01", "2027-01-30", "max_term",
     false},
};

START_TEST(trp_period_by_table)
{
    qn_trp_request req = {period_cases[_i].category, D(period_cases[_i].from), D(period_cases[_i].to),
                          D(period_cases[_i].passport),
                          period_cases[_i].basis ? D(period_cases[_i].basis) : NONE};
    qn_trp_period p;
    qn_err err;
    ck_assert_int_eq(qn_trp_period_compute(&req, &p, &err), QN_OK);
    ck_assert_int_eq(p.from, req.requested_from);
    char buf[QN_DATE_STRLEN];
    ck_assert_str_eq(qn_date_format(p.to, buf), period_cases[_i].want_to);
    ck_assert_str_eq(p.limited_by, period_cases[_i].limited_by);
    ck_assert_int_eq(p.confirmed, period_cases[_i].confirmed);
}
END_TEST

START_TEST(trp_period_errors)
{
    qn_trp_period p;
    qn_err err;
    qn_trp_request req = {QN_TRP_WORK, D("2026-03-01"), D("2026-02-01"), D("2026-02-15"), NONE};
    ck_assert_int_eq(qn_trp_period_compute(&req, &p, &err), QN_E_INVALID);
    ck_assert(has_field(&err, "requested_to"));
    ck_assert(has_field(&err, "passport_expires"));
    ck_assert(has_field(&err, "basis_end"));
    ck_assert_uint_eq(err.n_fields, 3);
    req = (qn_trp_request){(qn_trp_category)99, NONE, D("2026-02-01"), NONE, NONE};
    ck_assert_int_eq(qn_trp_period_compute(&req, &p, &err), QN_E_INVALID);
    ck_assert(has_field(&err, "category"));
    ck_assert(has_field(&err, "requested_from"));
    ck_assert(has_field(&err, "passport_expires"));
    /* A basis that ended before the start. */
    req =
        (qn_trp_request){QN_TRP_MEDICAL, D("2026-03-01"), D("2026-05-01"), D("2030-01-01"), D("2026-02-01")};
    ck_assert_int_eq(qn_trp_period_compute(&req, &p, &err), QN_E_INVALID);
    ck_assert(has_field(&err, "basis_end"));
}
END_TEST

START_TEST(trp_categories_parse)
{
    for (int c = 0; c < QN_TRP_CATEGORY_COUNT; c++) {
        const qn_trp_category_info *info = qn_trp_category_get((qn_trp_category)c);
        ck_assert_ptr_nonnull(info);
        ck_assert_int_eq(info->category, c);
        ck_assert_int_eq(info->max_months, 12);
        qn_trp_category out;
        ck_assert(qn_trp_category_parse(info->name, strlen(info->name), &out));
        ck_assert_int_eq(out, c);
    }
    ck_assert_ptr_null(qn_trp_category_get(QN_TRP_CATEGORY_COUNT));
    qn_trp_category out;
    ck_assert(!qn_trp_category_parse("work ", 5, &out));
    /* Only the one-year term for work is confirmed. */
    ck_assert(qn_trp_category_get(QN_TRP_WORK)->confirmed);
    ck_assert(!qn_trp_category_get(QN_TRP_STUDY)->confirmed);
}
END_TEST

/* DEU entering Mon 2026-02-02: visa-free to 2026-03-03; the visa starts 2026-03-04. */
static qn_ext_request ext(qn_ext_category cat, const char *applied, const char *to, bool investor)
{
    qn_ext_request r = {"DEU", D("2026-02-02"), D(applied), cat, D(to), D("2030-01-01"), investor};
    return r;
}

START_TEST(extension_periods)
{
    qn_ext_period p;
    qn_err err;
    qn_ext_request r = ext(QN_EXT_BUSINESS, "2026-02-25", "2026-04-30", false);
    ck_assert_int_eq(qn_ext_validate(&r, &p, &err), QN_OK);
    ck_assert_int_eq(p.from, D("2026-03-04"));
    ck_assert_int_eq(p.to, D("2026-04-02")); /* 30 days */
    ck_assert_int_eq(p.max_days, 30);
    ck_assert_str_eq(p.limited_by, "max_term");

    r = ext(QN_EXT_INVESTMENT, "2026-03-03", "2026-07-30", true); /* last visa-free day */
    ck_assert_int_eq(qn_ext_validate(&r, &p, &err), QN_OK);
    ck_assert_int_eq(p.to, D("2026-06-01")); /* 90 days */
    ck_assert_int_eq(p.max_days, 90);

    r = ext(QN_EXT_INVESTMENT, "2026-02-10", "2026-05-15", true);
    ck_assert_int_eq(qn_ext_validate(&r, &p, &err), QN_OK);
    ck_assert_int_eq(p.to, D("2026-05-15"));
    ck_assert_str_eq(p.limited_by, "requested");

    r = ext(QN_EXT_BUSINESS, "2026-02-25", "2026-04-30", false);
    r.passport_expires = D("2026-03-20");
    ck_assert_int_eq(qn_ext_validate(&r, &p, &err), QN_OK);
    ck_assert_int_eq(p.to, D("2026-03-20"));
    ck_assert_str_eq(p.limited_by, "passport");
}
END_TEST

START_TEST(extension_errors)
{
    qn_ext_period p;
    qn_err err;
    /* Investment without the investment body's confirmation. */
    qn_ext_request r = ext(QN_EXT_INVESTMENT, "2026-02-25", "2026-04-30", false);
    ck_assert_int_eq(qn_ext_validate(&r, &p, &err), QN_E_INVALID);
    ck_assert(has_field(&err, "investor_confirmed"));
    /* The day after the visa-free period is an overstay. */
    r = ext(QN_EXT_BUSINESS, "2026-03-04", "2026-04-30", false);
    ck_assert_int_eq(qn_ext_validate(&r, &p, &err), QN_E_INVALID);
    ck_assert(has_field(&err, "applied_on"));
    /* Nothing to extend. */
    r = ext(QN_EXT_BUSINESS, "2026-02-25", "2026-03-03", false);
    ck_assert_int_eq(qn_ext_validate(&r, &p, &err), QN_E_INVALID);
    ck_assert(has_field(&err, "requested_to"));
    /* Not for CIS/EAEU (TRP), visa nationals, or the 14-day regime. */
    static const char *const others[] = {"UZB", "RUS", "AFG", "IND"};
    for (size_t i = 0; i < 4; i++) {
        r = ext(QN_EXT_BUSINESS, "2026-02-05", "2026-02-28", false);
        r.citizenship = others[i];
        ck_assert_int_eq(qn_ext_validate(&r, &p, &err), QN_E_INVALID);
        ck_assert_msg(has_field(&err, "citizenship"), "%s", others[i]);
    }
    r = ext((qn_ext_category)5, "2026-02-25", "2026-04-30", false);
    ck_assert_int_eq(qn_ext_validate(&r, &p, &err), QN_E_INVALID);
    ck_assert(has_field(&err, "category"));
}
END_TEST

static qn_loss_statement loss(const char *lost, const char *reported)
{
    qn_loss_statement st = {D(lost),
                            "Almaty, Abay Ave 10, bus No. 32",
                            "The bag with the passport was stolen on the bus.",
                            D(reported),
                            true,
                            true};
    return st;
}

START_TEST(loss_statements)
{
    qn_loss_assessment a;
    qn_err err;
    qn_loss_statement st = loss("2026-03-10", "2026-03-10");
    ck_assert_int_eq(qn_loss_validate(&st, &a, &err), QN_OK);
    ck_assert(a.certificate_allowed);
    ck_assert(!a.is_late_report);
    ck_assert_ptr_null(a.refusal);

    st = loss("2026-03-10", "2026-03-13"); /* 3 days: prompt */
    ck_assert_int_eq(qn_loss_validate(&st, &a, &err), QN_OK);
    ck_assert(!a.is_late_report);
    st = loss("2026-03-10", "2026-03-14"); /* 4 days: late */
    ck_assert_int_eq(qn_loss_validate(&st, &a, &err), QN_OK);
    ck_assert(a.is_late_report);
    ck_assert(a.certificate_allowed);

    st = loss("2025-03-10", "2026-03-10"); /* 365 days: still accepted */
    ck_assert_int_eq(qn_loss_validate(&st, &a, &err), QN_OK);

    st = loss("2026-03-10", "2026-03-10");
    st.is_registered = false;
    ck_assert_int_eq(qn_loss_validate(&st, &a, &err), QN_OK);
    ck_assert(!a.certificate_allowed);
    ck_assert_str_eq(a.refusal, "not_registered");
    st.is_registered = true;
    st.identity_established = false;
    ck_assert_int_eq(qn_loss_validate(&st, &a, &err), QN_OK);
    ck_assert(!a.certificate_allowed);
    ck_assert_str_eq(a.refusal, "identity_not_established");
}
END_TEST

START_TEST(loss_statement_errors)
{
    qn_loss_assessment a;
    qn_err err;
    qn_loss_statement st = loss("2026-03-11", "2026-03-10"); /* in the future */
    ck_assert_int_eq(qn_loss_validate(&st, &a, &err), QN_E_INVALID);
    ck_assert_str_eq(err.fields[0].field, "lost_on");
    st = loss("2025-03-09", "2026-03-10"); /* 366 days */
    ck_assert_int_eq(qn_loss_validate(&st, &a, &err), QN_E_INVALID);
    ck_assert_str_eq(err.fields[0].field, "lost_on");
    st = loss("2026-03-10", "2026-03-10");
    st.place = "";
    st.circumstances = "  \n ";
    ck_assert_int_eq(qn_loss_validate(&st, &a, &err), QN_E_INVALID);
    ck_assert(has_field(&err, "place"));
    ck_assert(has_field(&err, "circumstances"));
    st.place = "Almaty\x01";
    st.circumstances = NULL;
    ck_assert_int_eq(qn_loss_validate(&st, &a, &err), QN_E_INVALID);
    ck_assert(has_field(&err, "place"));
    ck_assert(has_field(&err, "circumstances"));
    char long_text[QN_LOSS_TEXT_MAX + 2];
    memset(long_text, 'a', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    st = loss("2026-03-10", "2026-03-10");
    st.circumstances = long_text;
    ck_assert_int_eq(qn_loss_validate(&st, &a, &err), QN_E_INVALID);
    ck_assert(has_field(&err, "circumstances"));
    long_text[QN_LOSS_TEXT_MAX] = '\0'; /* exactly the maximum */
    ck_assert_int_eq(qn_loss_validate(&st, &a, &err), QN_OK);
    /* UTF-8 text passes. */
    st.place = "Алматы, автобус 32";
    ck_assert_int_eq(qn_loss_validate(&st, &a, &err), QN_OK);
}
END_TEST

START_TEST(exit_visas)
{
    qn_exit_visa_period p;
    qn_err err;
    qn_exit_visa_request r = {D("2026-03-10"), D("2026-03-20"), D("2036-03-19"), D("2026-03-21")};
    ck_assert_int_eq(qn_exit_visa_compute(&r, &p, &err), QN_OK);
    ck_assert_int_eq(p.from, D("2026-03-21"));
    ck_assert_int_eq(p.to, D("2026-04-19")); /* 30 days */
    ck_assert_str_eq(p.limited_by, "max_term");
    ck_assert(!p.confirmed);
    /* A short substitute document bounds the visa. */
    r.new_passport_expires = D("2026-04-01");
    ck_assert_int_eq(qn_exit_visa_compute(&r, &p, &err), QN_OK);
    ck_assert_int_eq(p.to, D("2026-04-01"));
    ck_assert_str_eq(p.limited_by, "passport");

    r = (qn_exit_visa_request){NONE, D("2026-03-20"), D("2036-03-19"), D("2026-03-21")};
    ck_assert_int_eq(qn_exit_visa_compute(&r, &p, &err), QN_E_INVALID);
    ck_assert_str_eq(err.fields[0].field, "certificate_on");
    r = (qn_exit_visa_request){D("2026-03-10"), D("2026-03-09"), D("2036-03-19"), D("2026-03-08")};
    ck_assert_int_eq(qn_exit_visa_compute(&r, &p, &err), QN_E_INVALID);
    ck_assert(has_field(&err, "new_passport_issued"));
    ck_assert(has_field(&err, "issue_on"));
    r = (qn_exit_visa_request){D("2026-03-10"), D("2026-03-20"), D("2026-03-20"), D("2026-03-21")};
    ck_assert_int_eq(qn_exit_visa_compute(&r, &p, &err), QN_E_INVALID);
    ck_assert(has_field(&err, "new_passport_expires"));
}
END_TEST

static Suite *permit_suite(void)
{
    Suite *s = suite_create("permit");
    TCase *tc = tcase_create("permit");
    tcase_add_loop_test(tc, trp_need_by_regime, 0, (int)(sizeof need_cases / sizeof need_cases[0]));
    tcase_add_test(tc, trp_need_errors);
    tcase_add_loop_test(tc, trp_period_by_table, 0, (int)(sizeof period_cases / sizeof period_cases[0]));
    tcase_add_test(tc, trp_period_errors);
    tcase_add_test(tc, trp_categories_parse);
    tcase_add_test(tc, extension_periods);
    tcase_add_test(tc, extension_errors);
    tcase_add_test(tc, loss_statements);
    tcase_add_test(tc, loss_statement_errors);
    tcase_add_test(tc, exit_visas);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(permit_suite)
