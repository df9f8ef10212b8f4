/* test_ident.c — IIN and BIN check digits and decoding (kz_rules.md §4.4-4.5
 * vectors: public BINs of Halyk Bank, synthetic IINs), and ages. */
#include <string.h>

#include "core/ident.h"
#include "support/qn_test.h"

START_TEST(iin_vectors)
{
    static const struct {
        const char *iin;
        bool valid;
        const char *reason;
        const char *birth; /* NULL: no advisory date */
        char sex;
    } rows[] = {
        {"000101300009", true, "", "1900-01-01", 'M'},
        {"200229699997", true, "", "2020-02-29", 'F'}, /* born on 29 February */
        {"851231412342", true, "", "1985-12-31", 'F'},
        {"010101500013", true, "", "2001-01-01", 'M'},
        {"900101300811", true, "", "1990-01-01", 'M'}, /* first pass 10, second pass 1 */
        {"900101300800", false, "prefix cannot carry a check digit (never issued)", NULL, 0},
        {"821214240092", false, "prefix cannot carry a check digit (never issued)", NULL, 0},
        {"000101300008", false, "check digit does not match", NULL, 0},
        {"00010130000", false, "must be 12 digits", NULL, 0},
        {"0001013000091", false, "must be 12 digits", NULL, 0},
        {"00010130000a", false, "must contain digits only", NULL, 0},
        {"", false, "must be 12 digits", NULL, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        qn_iin_info info;
        bool ok = qn_iin_check(rows[i].iin, strlen(rows[i].iin), &info);
        ck_assert_msg(ok == rows[i].valid, "%s", rows[i].iin);
        ck_assert_msg(info.valid == ok, "%s", rows[i].iin);
        ck_assert_msg(strcmp(info.reason, rows[i].reason) == 0, "%s: %s", rows[i].iin, info.reason);
        if (rows[i].birth) {
            ck_assert(info.has_birth_date);
            ck_assert_int_eq(info.birth_date, qn_test_date(rows[i].birth));
        } else {
            ck_assert(!info.has_birth_date);
        }
        ck_assert_int_eq(info.sex, rows[i].sex);
    }
}
END_TEST

/* Since 2013 the digits need not match the person: a valid check digit with a
 * non-date prefix is still valid, without the advisory fields. */
START_TEST(iin_date_is_advisory)
{
    char iin[13] = "991399000000"; /* month 13, century digit 9 */
    iin[11] = (char)('0' + qn_ident_check_digit(iin));
    ck_assert_int_ge(qn_ident_check_digit(iin), 0);
    qn_iin_info info;
    ck_assert(qn_iin_check(iin, 12, &info));
    ck_assert(!info.has_birth_date);
    ck_assert_int_eq(info.birth_date, QN_DATE_NONE);
    ck_assert_int_eq(info.sex, 0);
    /* A real-looking prefix with a day that does not exist (30 Feb): valid, no date. */
    char feb30[13] = "850230300000";
    int k = qn_ident_check_digit(feb30);
    if (k < 0) {
        feb30[10] = '1';
        k = qn_ident_check_digit(feb30);
    }
    ck_assert_int_ge(k, 0);
    feb30[11] = (char)('0' + k);
    ck_assert(qn_iin_check(feb30, 12, &info));
    ck_assert(!info.has_birth_date);
    ck_assert_int_eq(info.sex, 'M');
    ck_assert(!qn_iin_check(NULL, 0, NULL));
}
END_TEST

START_TEST(bin_vectors)
{
    static const struct {
        const char *bin;
        bool valid;
        const char *reason;
        int year, month;
        const char *type, *attribute;
    } rows[] = {
        {"940140000385", true, "", 1994, 1, "resident_legal_entity", "head_unit"},
        {"950341000052", true, "", 1995, 3, "resident_legal_entity", "branch"},
        {"961141000023", true, "", 1996, 11, "resident_legal_entity", "branch"},
        {"070941024691", true, "", 2007, 9, "resident_legal_entity", "branch"},
        {"990140004654", true, "", 1999, 1, "resident_legal_entity", "head_unit"},
        {"940140000384", false, "check digit does not match", 0, 0, "", ""},
        {"94014000038", false, "must be 12 digits", 0, 0, "", ""},
        {"94014000038X", false, "must contain digits only", 0, 0, "", ""},
        /* An IIN (born 1985-12-31) is not a BIN: its 5th digit is part of the day. */
        {"851231412342", false, "5th digit must be 4, 5 or 6 (legal entity type)", 0, 0, "", ""},
        {"000101300009", false, "5th digit must be 4, 5 or 6 (legal entity type)", 0, 0, "", ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        qn_bin_info info;
        bool ok = qn_bin_check(rows[i].bin, strlen(rows[i].bin), &info);
        ck_assert_msg(ok == rows[i].valid, "%s: %s", rows[i].bin, info.reason);
        ck_assert_msg(strcmp(info.reason, rows[i].reason) == 0, "%s: %s", rows[i].bin, info.reason);
        ck_assert_int_eq(info.reg_year, rows[i].year);
        ck_assert_int_eq(info.reg_month, rows[i].month);
        ck_assert_str_eq(info.type, rows[i].type);
        ck_assert_str_eq(info.attribute, rows[i].attribute);
    }
    /* Attribute digit out of range, with a correct check digit. */
    char bad_attr[13] = "940147000000";
    int k = qn_ident_check_digit(bad_attr);
    if (k < 0) {
        bad_attr[10] = '1';
        k = qn_ident_check_digit(bad_attr);
    }
    bad_attr[11] = (char)('0' + k);
    qn_bin_info info;
    ck_assert(!qn_bin_check(bad_attr, 12, &info));
    ck_assert_str_eq(info.reason, "6th digit must be 0..3 (attribute)");
    /* Month 13 with a correct check digit. */
    char bad_month[13] = "941340000000";
    k = qn_ident_check_digit(bad_month);
    if (k < 0) {
        bad_month[10] = '1';
        k = qn_ident_check_digit(bad_month);
    }
    bad_month[11] = (char)('0' + k);
    ck_assert(!qn_bin_check(bad_month, 12, &info));
    ck_assert_str_eq(info.reason, "month of registration must be 01..12");
}
END_TEST

START_TEST(ages)
{
    static const struct {
        const char *birth, *on;
        int age;
    } rows[] = {
        {"2008-05-10", "2026-05-09", 17}, {"2008-05-10", "2026-05-10", 18}, {"2008-05-10", "2026-12-31", 18},
        {"2008-02-29", "2026-02-28", 17}, /* 29 Feb birthday in a common year: not yet on 28 Feb */
        {"2008-02-29", "2026-03-01", 18}, {"2008-02-29", "2028-02-29", 20}, {"2000-01-01", "2000-01-01", 0},
        {"2000-01-02", "2000-01-01", -1}, {"1999-12-31", "2000-01-01", 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        ck_assert_msg(qn_age_years(qn_test_date(rows[i].birth), qn_test_date(rows[i].on)) == rows[i].age,
                      "%s on %s", rows[i].birth, rows[i].on);
}
END_TEST

static Suite *ident_suite(void)
{
    Suite *s = suite_create("ident");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, iin_vectors);
    tcase_add_test(tc, iin_date_is_advisory);
    tcase_add_test(tc, bin_vectors);
    tcase_add_test(tc, ages);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(ident_suite)
