/* test_field_rules.c — the country table (ISO 3166-1 alpha-3 and the ICAO
 * Doc 9303 codes) and the field formats of a notification (purposes,
 * address registration code, document numbers, names), table-driven. */
#include <string.h>

#include "core/country.h"
#include "core/field_rules.h"
#include "support/qn_test.h"

START_TEST(country_table)
{
    size_t n = 0;
    const qn_country *t = qn_country_table(&n);
    size_t iso = 0;
    for (size_t i = 0; i < n; i++) {
        iso += t[i].kind == QN_COUNTRY_ISO;
        ck_assert_uint_eq(strlen(t[i].code), 3);
        if (i > 0) /* sorted, no twins: the binary search needs it */
            ck_assert_msg(strcmp(t[i - 1].code, t[i].code) < 0, "%s before %s", t[i - 1].code, t[i].code);
        ck_assert_ptr_eq(qn_country_find(t[i].code), &t[i]);
    }
    ck_assert_uint_eq(iso, 249); /* every officially assigned ISO 3166-1 code */
    static const struct {
        const char *code;
        bool nationality, issuer;
    } rows[] = {
        {"DEU", true, true},   {"KAZ", true, true},    {"USA", true, true},   {"ALA", true, true},
        {"SSD", true, true},   {"XXA", true, true},    {"XXB", true, true},   {"XXC", true, true},
        {"XXX", true, true},   {"GBN", true, true},    {"UNK", true, true},   {"UNO", false, true},
        {"EUE", false, true},  {"XPO", false, true},   {"XOM", false, true},  {"ZZZ", false, false},
        {"QQQ", false, false}, {"D", false, false},    {"deu", false, false}, {"RKS", false, false},
        {"DE", false, false},  {"DEUT", false, false}, {"", false, false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        ck_assert_msg(qn_country_is_nationality(rows[i].code) == rows[i].nationality, "%s", rows[i].code);
        ck_assert_msg(qn_country_is_issuer(rows[i].code) == rows[i].issuer, "%s", rows[i].code);
    }
    ck_assert(!qn_country_is_nationality(NULL));
    ck_assert_ptr_nonnull(strstr(qn_country_hint("D"), "DEU"));
    ck_assert_ptr_nonnull(strstr(qn_country_hint("deu"), "capital"));
    ck_assert_ptr_nonnull(strstr(qn_country_hint("RKS"), "UNK"));
    ck_assert_str_eq(qn_country_hint("ZZZ"), "");
    ck_assert_str_eq(qn_country_find("DEU")->name, "Germany");
}
END_TEST

START_TEST(purposes)
{
    for (size_t i = 0; qn_purposes[i]; i++)
        ck_assert_ptr_null(qn_field_purpose(qn_purposes[i]));
    static const char *const bad[] = {"whatever", "Tourism", "tourism ", "", "tour"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_ptr_nonnull(qn_field_purpose(bad[i]));
    ck_assert_ptr_nonnull(qn_field_purpose(NULL));
}
END_TEST

START_TEST(address_codes)
{
    static const struct {
        const char *code;
        bool ok;
    } rows[] = {
        {"0201100012345678", true},
        {"751110000", true},
        {"1", true},
        {"12345678901234567890", true},
        {"123456789012345678901", false},
        {"!!", false},
        {"abc", false},
        {"", false},
        {"0201 1000", false},
        {"02011-00", false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        ck_assert_msg((qn_field_address_code(rows[i].code) == NULL) == rows[i].ok, "%s", rows[i].code);
}
END_TEST

START_TEST(document_numbers)
{
    static const struct {
        const char *number;
        const char *reason; /* NULL: good; else a word of the reason */
    } rows[] = {
        {"C01X00T47", NULL},
        {"X1234567", NULL},
        {"ACC-HOST-1", NULL},
        {"N12", NULL},
        {"<script>", "only"},
        {"AB 123", "only"},
        {"ab123", "capital"},
        {"-AB1", "begin"},
        {"AB1-", "end"},
        {"", "1 to 32"},
        {"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", "1 to 32"},
        {"ÄB12", "only"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *why = qn_field_doc_number(rows[i].number);
        if (!rows[i].reason)
            ck_assert_msg(why == NULL, "%s: %s", rows[i].number, why);
        else
            ck_assert_msg(why && strstr(why, rows[i].reason), "%s: %s", rows[i].number, why ? why : "(ok)");
    }
}
END_TEST

START_TEST(names)
{
    static const struct {
        const char *name;
        const char *reason;
    } rows[] = {
        {"TESTER", NULL},     {"MÜLLER", NULL},   {"Иванов", NULL}, {"O'NEIL", NULL}, {"ANNA, MARIA", NULL},
        {"JEAN-PAUL", NULL},  {"  SMITH ", NULL}, {"   ", "blank"}, {"", "blank"},    {"\t", "blank"},
        {"<script>", "only"}, {"R2D2", "digits"}, {"A&B", "only"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *why = qn_field_name(rows[i].name);
        if (!rows[i].reason)
            ck_assert_msg(why == NULL, "'%s': %s", rows[i].name, why);
        else
            ck_assert_msg(why && strstr(why, rows[i].reason), "'%s': %s", rows[i].name, why ? why : "(ok)");
    }
    size_t a = 0, n = 0;
    qn_field_trim("  SMITH  ", &a, &n);
    ck_assert_uint_eq(a, 2);
    ck_assert_uint_eq(n, 5);
    qn_field_trim(NULL, &a, &n);
    ck_assert_uint_eq(n, 0);
}
END_TEST

static Suite *field_rules_suite(void)
{
    Suite *s = suite_create("field_rules");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, country_table);
    tcase_add_test(tc, purposes);
    tcase_add_test(tc, address_codes);
    tcase_add_test(tc, document_numbers);
    tcase_add_test(tc, names);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(field_rules_suite)
