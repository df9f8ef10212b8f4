/* test_names.c — countries, regions, offices and ID labels in kk/ru/en
 * (src/doc/names.h).
 *
 * The country names expected below are those of Debian's iso-codes 4.15
 * catalogues (msgunfmt /usr/share/locale/kk/LC_MESSAGES/iso_3166-1.mo),
 * checked by hand; the whole-table test asks that every code of
 * iso_3166-1.json has a name in each language that is not the English one
 * (for kk and ru) and contains no Latin letter.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "doc/names.h"
#include "support/qn_test.h"

START_TEST(country_names_in_three_languages)
{
    static const struct {
        const char *code, *kk, *ru, *en;
    } rows[] = {
        {"DEU", "Германия", "Германия", "Germany"},
        {"deu", "Германия", "Германия", "Germany"},
        {"USA", "АҚШ", "Соединённые штаты", "United States"},
        {"UZB", "Өзбекстан", "Узбекистан", "Uzbekistan"},
        {"GBR", "Ұлыбритания", "Соединённое Королевство", "United Kingdom"},
        {"TUR", "Түркия", "Турция", "Türkiye"}, /* ru: the override of names.c */
        {"XXA", "азаматтығы жоқ адам", "лицо без гражданства", "stateless person"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *want[QN_DOC_LANG_COUNT] = {rows[i].kk, rows[i].ru, rows[i].en};
        for (int l = 0; l < QN_DOC_LANG_COUNT; l++) {
            char out[128];
            ck_assert_msg(qn_doc_country_name(rows[i].code, (qn_doc_lang)l, NULL, out, sizeof out), "%s %d",
                          rows[i].code, l);
            ck_assert_str_eq(out, want[l]);
        }
    }
}
END_TEST

START_TEST(unknown_codes_print_the_code)
{
    char out[64];
    ck_assert(!qn_doc_country_name("QQQ", QN_DOC_LANG_KK, NULL, out, sizeof out));
    ck_assert_str_eq(out, "QQQ");
    ck_assert(!qn_doc_country_name("qqq", QN_DOC_LANG_RU, NULL, out, sizeof out));
    ck_assert_str_eq(out, "QQQ");
    ck_assert(!qn_doc_country_name("DE", QN_DOC_LANG_EN, NULL, out, sizeof out));
    ck_assert_str_eq(out, "");
    ck_assert(!qn_doc_country_name("D1U", QN_DOC_LANG_EN, NULL, out, sizeof out));
    ck_assert(!qn_doc_country_name(NULL, QN_DOC_LANG_EN, NULL, out, sizeof out));
    ck_assert(!qn_doc_country_name("DEU", (qn_doc_lang)7, NULL, out, sizeof out));
    /* iso-codes not where they are said to be: the code, not English */
    qn_doc_names_paths missing = {"/nonexistent/iso_3166-1.json", "/nonexistent"};
    ck_assert(!qn_doc_country_name("DEU", QN_DOC_LANG_KK, &missing, out, sizeof out));
    ck_assert_str_eq(out, "DEU");
}
END_TEST

START_TEST(damaged_catalogue_is_not_read_past_its_end)
{
    /* A .mo whose tables point beyond the file: every lookup misses. */
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/locale/kk/LC_MESSAGES", qn_test_tmpdir());
    char cmd[700];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(path, sizeof path, "%s/iso_3166-1.mo", dir);
    unsigned char mo[64] = {0xde, 0x12, 0x04, 0x95, 0, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0,    0,    44, 0,
                            0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 7, 0, 0,  0, 0xff, 0xff, 0,  0};
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fwrite(mo, 1, sizeof mo, f);
    fclose(f);
    char locale[560];
    snprintf(locale, sizeof locale, "%s/locale", qn_test_tmpdir());
    qn_doc_names_paths p = {NULL, locale};
    char out[64];
    ck_assert(!qn_doc_country_name("DEU", QN_DOC_LANG_KK, &p, out, sizeof out));
    ck_assert_str_eq(out, "DEU");
    /* truncated header */
    f = fopen(path, "wb");
    fwrite(mo, 1, 10, f);
    fclose(f);
    ck_assert(!qn_doc_country_name("DEU", QN_DOC_LANG_KK, &p, out, sizeof out));
}
END_TEST

static bool has_latin(const char *s)
{
    for (; *s; s++)
        if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
            return true;
    return false;
}

START_TEST(every_country_has_a_kazakh_and_a_russian_name)
{
    json_t *root = json_load_file(QN_DOC_ISO_JSON_DEFAULT, 0, NULL);
    ck_assert_msg(root != NULL, "iso-codes is installed (scripts/deps.sh)");
    const json_t *list = json_object_get(root, "3166-1");
    ck_assert_int_ge(json_array_size(list), 249);
    for (size_t i = 0; i < json_array_size(list); i++) {
        const char *code = json_string_value(json_object_get(json_array_get(list, i), "alpha_3"));
        char en[128], kk[128], ru[128];
        ck_assert(qn_doc_country_name(code, QN_DOC_LANG_EN, NULL, en, sizeof en));
        ck_assert_msg(qn_doc_country_name(code, QN_DOC_LANG_KK, NULL, kk, sizeof kk), "kk %s", code);
        ck_assert_msg(qn_doc_country_name(code, QN_DOC_LANG_RU, NULL, ru, sizeof ru), "ru %s", code);
        ck_assert_msg(!has_latin(kk) && !has_latin(ru), "%s: kk '%s', ru '%s'", code, kk, ru);
    }
    json_decref(root);
}
END_TEST

START_TEST(regions_offices_and_labels)
{
    ck_assert_str_eq(qn_doc_region_name("75", QN_DOC_LANG_KK), "Алматы қаласы");
    ck_assert_str_eq(qn_doc_region_name("75", QN_DOC_LANG_RU), "город Алматы");
    ck_assert_str_eq(qn_doc_region_name("19", QN_DOC_LANG_EN), "Almaty Region");
    ck_assert_ptr_null(qn_doc_region_name("76", QN_DOC_LANG_EN));
    ck_assert_ptr_null(qn_doc_region_name(NULL, QN_DOC_LANG_EN));
    char out[200];
    ck_assert_str_eq(qn_doc_office_name("71", QN_DOC_LANG_KK, out, sizeof out),
                     "Көші-қон қызметі — Астана қаласы");
    ck_assert_str_eq(qn_doc_office_name("71", QN_DOC_LANG_RU, out, sizeof out),
                     "Миграционная служба — город Астана");
    ck_assert_str_eq(qn_doc_office_name("71", QN_DOC_LANG_EN, out, sizeof out),
                     "Migration Service — Astana city");
    ck_assert_str_eq(qn_doc_office_name("", QN_DOC_LANG_RU, out, sizeof out), "Миграционная служба");
    /* the 20 codes of the service's table, each named in the three languages */
    static const char *const codes[] = {"10", "11", "15", "19", "23", "27", "31", "33", "35", "39",
                                        "43", "47", "55", "59", "61", "62", "63", "71", "75", "79"};
    for (size_t i = 0; i < 20; i++)
        for (int l = 0; l < QN_DOC_LANG_COUNT; l++) {
            const char *n = qn_doc_region_name(codes[i], (qn_doc_lang)l);
            ck_assert_ptr_nonnull(n);
            ck_assert(l == QN_DOC_LANG_EN || !has_latin(n));
        }
    ck_assert_str_eq(qn_doc_id_label(QN_DOC_LANG_KK, false), "ЖСН");
    ck_assert_str_eq(qn_doc_id_label(QN_DOC_LANG_RU, true), "БИН");
    ck_assert_str_eq(qn_doc_id_label(QN_DOC_LANG_EN, true), "BIN");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("doc_names");
    TCase *tc = tcase_create("names");
    tcase_add_test(tc, country_names_in_three_languages);
    tcase_add_test(tc, unknown_codes_print_the_code);
    tcase_add_test(tc, damaged_catalogue_is_not_read_past_its_end);
    tcase_add_test(tc, every_country_has_a_kazakh_and_a_russian_name);
    tcase_add_test(tc, regions_offices_and_labels);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(suite)
