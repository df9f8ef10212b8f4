/* test_date.c — civil dates, ISO parsing, weekdays, Kazakhstan's civil time. */
#include <string.h>

#include "core/date.h"
#include "core/error.h"
#include "support/qn_test.h"

START_TEST(parse_and_format_round_trip)
{
    static const char *const good[] = {"1900-01-01", "1970-01-01", "2024-02-29", "2000-02-29",
                                       "2026-12-31", "2100-12-31", "2023-01-27"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        qn_date_t d;
        ck_assert_msg(qn_date_parse_cstr(good[i], &d, NULL), "%s", good[i]);
        char buf[QN_DATE_STRLEN];
        ck_assert_str_eq(qn_date_format(d, buf), good[i]);
    }
}
END_TEST

START_TEST(parse_rejects_with_reason)
{
    static const struct {
        const char *text;
        const char *reason;
    } bad[] = {
        {"2026-02-29", "is not a day of the calendar"}, {"2100-02-29", "is not a day of the calendar"},
        {"2026-13-01", "is not a day of the calendar"}, {"2026-04-31", "is not a day of the calendar"},
        {"2026-00-10", "is not a day of the calendar"}, {"1899-12-31", "must be a year from 1900 to 2100"},
        {"2101-01-01", "must be a year from 1900 to 2100"}, {"2026-1-01", "must be a date written YYYY-MM-DD"},
        {"2026/01/01", "must be a date written YYYY-MM-DD"}, {"20260101", "must be a date written YYYY-MM-DD"},
        {"2026-01-01T00:00", "must be a date written YYYY-MM-DD"}, {"", "must be a date written YYYY-MM-DD"},
        {"+026-01-01", "must be a date written YYYY-MM-DD"}, {"2026-01-0a", "must be a date written YYYY-MM-DD"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        qn_date_t d;
        const char *why = NULL;
        ck_assert_msg(!qn_date_parse_cstr(bad[i].text, &d, &why), "%s accepted", bad[i].text);
        ck_assert_str_eq(why, bad[i].reason);
    }
    ck_assert(!qn_date_parse_cstr(NULL, NULL, NULL));
}
END_TEST

START_TEST(arithmetic_and_weekdays)
{
    ck_assert_int_eq(qn_test_date("1970-01-01"), 0);
    ck_assert_int_eq(qn_test_date("2024-03-01") - qn_test_date("2024-02-28"), 2);
    ck_assert_int_eq(qn_test_date("2023-03-01") - qn_test_date("2023-02-28"), 1);
    ck_assert_int_eq(qn_test_date("2027-01-01") - qn_test_date("2026-01-01"), 365);
    ck_assert_int_eq(qn_test_date("2025-01-01") - qn_test_date("2024-01-01"), 366);
    ck_assert_int_eq(qn_date_weekday(qn_test_date("2026-03-20")), 5); /* Friday */
    ck_assert_int_eq(qn_date_weekday(qn_test_date("2026-03-22")), 7); /* Sunday */
    ck_assert_int_eq(qn_date_weekday(qn_test_date("1900-01-01")), 1); /* Monday */
    ck_assert_int_eq(qn_date_weekday(qn_test_date("2100-12-31")), 5);
    ck_assert(qn_date_is_weekend(qn_test_date("2026-11-21")));
    ck_assert(!qn_date_is_weekend(qn_test_date("2026-11-23")));
    ck_assert_int_eq(qn_date_add_months(qn_test_date("2024-01-31"), 1), qn_test_date("2024-02-29"));
    ck_assert_int_eq(qn_date_add_months(qn_test_date("2026-11-30"), 3), qn_test_date("2027-02-28"));
    ck_assert_int_eq(qn_date_add_months(qn_test_date("2026-05-15"), -6), qn_test_date("2025-11-15"));
}
END_TEST

START_TEST(kazakhstan_civil_time)
{
    /* 2024-02-29T17:59:59Z is 23:59:59 at UTC+6: still 29 February. */
    ck_assert_int_eq(qn_date_from_epoch_kz(1709229599), qn_test_date("2024-02-29"));
    /* One second later the country is on UTC+5: 2024-03-01 00:00 → 23:00 would repeat,
     * the switch was made by not moving clocks back (midnight became 23:00 of the 29th
     * in UTC+5 terms). From 18:00Z on, dates follow UTC+5. */
    ck_assert_int_eq(qn_date_from_epoch_kz(1709229600), qn_test_date("2024-02-29"));
    ck_assert_int_eq(qn_date_from_epoch_kz(1709233200), qn_test_date("2024-03-01"));
    ck_assert_int_eq(qn_kz_utc_offset(1709229599), 6 * 3600);
    ck_assert_int_eq(qn_kz_utc_offset(1709229600), 5 * 3600);
    /* 2025-11-23T18:59:59Z is 23:59:59 at UTC+5. */
    ck_assert_int_eq(qn_date_from_epoch_kz(1763924399), qn_test_date("2025-11-23"));
    ck_assert_int_eq(qn_date_end_epoch_kz(qn_test_date("2025-11-23")), 1763924399);
    ck_assert_int_eq(qn_date_end_epoch_kz(qn_test_date("2023-06-01")), 1685642399); /* 17:59:59Z */
}
END_TEST

START_TEST(error_table_maps_codes)
{
    qn_err e;
    qn_err_clear(&e);
    ck_assert_int_eq(qn_err_set(&e, QN_E_NOT_FOUND, "no notification %d", 7), QN_E_NOT_FOUND);
    ck_assert_str_eq(e.message, "no notification 7");
    ck_assert_int_eq(qn_code_http_status(QN_E_NOT_FOUND), 404);
    ck_assert_str_eq(qn_code_name(QN_E_INVALID), "invalid");
    qn_err_clear(&e);
    for (int i = 0; i < QN_ERR_MAX_FIELDS + 3; i++)
        qn_err_field(&e, "arrival_date", "is missing");
    ck_assert_int_eq(e.code, QN_E_INVALID);
    ck_assert_uint_eq(e.n_fields, QN_ERR_MAX_FIELDS);
    ck_assert_uint_eq(e.n_fields_dropped, 3);
    for (int c = 0; c < QN_CODE_COUNT; c++) {
        ck_assert_ptr_nonnull(qn_code_name((qn_code)c));
        ck_assert_int_ge(qn_code_http_status((qn_code)c), 200);
    }
    ck_assert_int_eq(qn_code_http_status((qn_code)999), 500);
}
END_TEST

static Suite *date_suite(void)
{
    Suite *s = suite_create("date");
    TCase *tc = tcase_create("date");
    tcase_add_test(tc, parse_and_format_round_trip);
    tcase_add_test(tc, parse_rejects_with_reason);
    tcase_add_test(tc, arithmetic_and_weekdays);
    tcase_add_test(tc, kazakhstan_civil_time);
    tcase_add_test(tc, error_table_maps_codes);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(date_suite)
