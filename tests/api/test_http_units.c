/* test_http_units.c — the HTTP layer's pure parts, table-driven: route
 * matching with parameters and 405 lists, the CSV reader, and the JSON field
 * decoder's classification of errors (shape: 400, value: 422). */
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "http/csv.h"
#include "http/json_in.h"
#include "http/router.h"
#include "support/qn_test.h"

static void h_dummy(struct qn_http_req *req) { (void)req; }

static const qn_http_route routes[] = {
    {"GET", "/a", h_dummy, 0},         {"POST", "/a", h_dummy, 0},       {"GET", "/a/{id}", h_dummy, 0},
    {"POST", "/a/{id}/x", h_dummy, 0}, {"POST", "/a/batch", h_dummy, 0},
};

START_TEST(router_table)
{
    static const struct {
        const char *method, *path;
        int want;
        const char *id;
        const char *allow;
    } cases[] = {
        {"GET", "/a", 0, NULL, NULL},
        {"POST", "/a", 1, NULL, NULL},
        {"GET", "/a/42", 2, "42", NULL},
        {"POST", "/a/42/x", 3, "42", NULL},
        {"POST", "/a/batch", 4, NULL, NULL},
        {"GET", "/a/", QN_ROUTE_NONE, NULL, NULL},
        {"GET", "/a/42/x", QN_ROUTE_WRONG_METHOD, NULL, "POST"},
        {"DELETE", "/a", QN_ROUTE_WRONG_METHOD, NULL, "GET, POST"},
        {"GET", "/b", QN_ROUTE_NONE, NULL, NULL},
        {"GET", "", QN_ROUTE_NONE, NULL, NULL},
        {"GET", "/a//", QN_ROUTE_NONE, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        qn_http_params p;
        char allow[64];
        int got = qn_http_route_match(routes, sizeof routes / sizeof routes[0], cases[i].method,
                                      cases[i].path, &p, allow, sizeof allow);
        ck_assert_msg(got == cases[i].want, "%s %s: got %d want %d", cases[i].method, cases[i].path, got,
                      cases[i].want);
        if (cases[i].id)
            ck_assert_str_eq(qn_http_param(&p, "id"), cases[i].id);
        if (cases[i].allow)
            ck_assert_str_eq(allow, cases[i].allow);
    }
    /* An over-long parameter never matches. */
    char path[400] = "/a/";
    memset(path + 3, '9', 300);
    path[303] = '\0';
    ck_assert_int_eq(qn_http_route_match(routes, 5, "GET", path, NULL, NULL, 0), QN_ROUTE_NONE);
}
END_TEST

START_TEST(csv_reader)
{
    const char *text = "\xEF\xBB\xBF"
                       "a,b,c\r\n"
                       "1,\"x, y\",\"say \"\"hi\"\"\"\n"
                       "\n"
                       "2,\"multi\nline\",z\n"
                       "3,\"bad\"q,w\n"
                       "4,5";
    qn_csv c;
    qn_csv_init(&c, text, strlen(text));
    qn_csv_record *r = calloc(1, sizeof *r);
    ck_assert(qn_csv_next(&c, r));
    ck_assert_int_eq(r->n, 3);
    ck_assert_str_eq(r->fields[0], "a");
    ck_assert_int_eq(r->line, 1);
    ck_assert(qn_csv_next(&c, r));
    ck_assert_str_eq(r->fields[1], "x, y");
    ck_assert_str_eq(r->fields[2], "say \"hi\"");
    ck_assert_int_eq(r->line, 2);
    ck_assert(qn_csv_next(&c, r));
    ck_assert_int_eq(r->line, 4);
    ck_assert_str_eq(r->fields[1], "multi\nline");
    ck_assert(qn_csv_next(&c, r));
    ck_assert_int_eq(r->line, 6);
    ck_assert(r->bad_quote);
    ck_assert(qn_csv_next(&c, r));
    ck_assert_int_eq(r->n, 2);
    ck_assert_str_eq(r->fields[1], "5");
    ck_assert(!qn_csv_next(&c, r));
    free(r);
}
END_TEST

START_TEST(json_decoder_classes)
{
    static const char *const fields[] = {"name", "born", "n", NULL};
    static const struct {
        const char *json;
        qn_code want;
        const char *field;
    } cases[] = {
        {"{\"name\":\"x\",\"born\":\"2000-01-01\",\"n\":3}", QN_OK, NULL},
        {"{\"name\":\"x\",\"extra\":1}", QN_E_BAD_REQUEST, "extra"},
        {"{\"name\":5}", QN_E_BAD_REQUEST, "name"},
        {"{\"name\":\"x\",\"born\":\"2001-02-29\"}", QN_E_INVALID, "born"},
        {"{\"name\":\"toolongvalue\"}", QN_E_INVALID, "name"},
        {"{\"name\":\"\"}", QN_E_INVALID, "name"},
        {"{\"name\":\"a\\u0001b\"}", QN_E_INVALID, "name"},
        {"{}", QN_E_INVALID, "name"},
        {"{\"name\":\"x\",\"n\":99}", QN_E_INVALID, "n"},
        {"[1]", QN_E_BAD_REQUEST, "(body)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *v = json_loads(cases[i].json, 0, NULL);
        ck_assert_ptr_nonnull(v);
        qn_err e;
        qn_jin d;
        qn_jin_init(&d, &e);
        if (qn_jin_object(&d, v, "", fields)) {
            qn_jin_str(&d, v, "", "name", 8, true);
            qn_date_t born;
            qn_jin_date(&d, v, "", "born", false, &born);
            long long n;
            qn_jin_int(&d, v, "", "n", false, 0, 10, &n);
        }
        qn_code got = qn_jin_finish(&d);
        ck_assert_msg(got == cases[i].want, "%s: got %s", cases[i].json, qn_code_name(got));
        if (cases[i].field) {
            bool found = false;
            for (size_t k = 0; k < e.n_fields; k++)
                if (strcmp(e.fields[k].field, cases[i].field) == 0)
                    found = true;
            ck_assert_msg(found, "%s: no error on %s", cases[i].json, cases[i].field);
        }
        json_decref(v);
    }
}
END_TEST

static Suite *units_suite(void)
{
    Suite *s = suite_create("http_units");
    TCase *tc = tcase_create("units");
    tcase_add_test(tc, router_table);
    tcase_add_test(tc, csv_reader);
    tcase_add_test(tc, json_decoder_classes);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(units_suite)
