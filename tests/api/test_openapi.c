/* test_openapi.c — the OpenAPI document and the server agree.
 *   - the embedded copy (src/http/openapi_doc.c) equals docs/openapi.json
 *     (embedded at build time from docs/openapi.json);
 *   - every route of the route table is documented under its method;
 *   - every documented path and method is a route of the server;
 *   - every documented operation has responses, and the error answers
 *     point at the problem+json response.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <stdbool.h>

#include "http/openapi_doc.h"
#include "http/router.h"
#include "support/qn_test.h"

static json_t *load_doc(void) { return json_loads(qn_openapi_json, 0, NULL); }

START_TEST(embedded_copy_is_current)
{
    const char *root = qn_test_env("QONAQ_ROOT", 1);
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/openapi.json", root);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)n + 1);
    ck_assert_int_eq(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    fclose(f);
    ck_assert_msg(strcmp(text, qn_openapi_json) == 0,
                  "the embedded document differs from docs/openapi.json: rebuild");
    free(text);
}
END_TEST

static void lower(const char *in, char *out, size_t cap)
{
    size_t i = 0;
    for (; in[i] && i + 1 < cap; i++)
        out[i] = (char)tolower((unsigned char)in[i]);
    out[i] = '\0';
}

START_TEST(every_route_documented)
{
    json_t *doc = load_doc();
    ck_assert_ptr_nonnull(doc);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
    json_t *paths = json_object_get(doc, "paths");
    for (size_t i = 0; i < qn_http_route_count; i++) {
        char m[16];
        lower(qn_http_routes[i].method, m, sizeof m);
        json_t *item = json_object_get(paths, qn_http_routes[i].pattern);
        ck_assert_msg(item && json_object_get(item, m), "route %s %s is not in docs/openapi.json",
                      qn_http_routes[i].method, qn_http_routes[i].pattern);
    }
    json_decref(doc);
}
END_TEST

START_TEST(every_documented_route_exists)
{
    json_t *doc = load_doc();
    json_t *paths = json_object_get(doc, "paths");
    const char *p;
    json_t *item;
    json_object_foreach(paths, p, item)
    {
        const char *m;
        json_t *op;
        json_object_foreach(item, m, op)
        {
            if (strcmp(m, "parameters") == 0)
                continue;
            bool found = false;
            for (size_t i = 0; i < qn_http_route_count; i++) {
                char rm[16];
                lower(qn_http_routes[i].method, rm, sizeof rm);
                if (strcmp(rm, m) == 0 && strcmp(qn_http_routes[i].pattern, p) == 0)
                    found = true;
            }
            ck_assert_msg(found, "documented %s %s is not a route of the server", m, p);
            json_t *responses = json_object_get(op, "responses");
            ck_assert_msg(json_object_size(responses) > 0, "%s %s documents no response", m, p);
            const char *code;
            json_t *resp;
            json_object_foreach(responses, code, resp)
            {
                if (code[0] == '4' || code[0] == '5') {
                    const char *r = json_string_value(json_object_get(resp, "$ref"));
                    ck_assert_msg(r && strcmp(r, "#/components/responses/Problem") == 0,
                                  "%s %s: error %s is not a problem+json answer", m, p, code);
                }
            }
        }
    }
    json_decref(doc);
}
END_TEST

static Suite *openapi_suite(void)
{
    Suite *s = suite_create("openapi");
    TCase *tc = tcase_create("document");
    tcase_add_test(tc, embedded_copy_is_current);
    tcase_add_test(tc, every_route_documented);
    tcase_add_test(tc, every_documented_route_exists);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(openapi_suite)
