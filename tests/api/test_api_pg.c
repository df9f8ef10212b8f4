/* test_api_pg.c — the core API flow once against PostgreSQL: the server on
 * a fresh database of the throwaway server tests/run.sh starts
 * ($QONAQ_TEST_PG). Login, submit, idempotent retry, read, list, batch,
 * stay lookup, history, logout. Absence of $QONAQ_TEST_PG is a failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "support/api_client.h"
#include "support/api_data.h"
#include "support/qn_test.h"

static qn_api_resp call(qn_api_server *s, const char *method, const char *path, const char *token,
                        const char *ct, const char *body, const char *extra)
{
    char auth[128], ctype[64];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    snprintf(ctype, sizeof ctype, "Content-Type: %s", ct ? ct : "application/json");
    const char *h[] = {auth, ctype, extra ? extra : "X-None: 1", NULL};
    qn_api_resp r;
    qn_api_call(s, method, path, h, body, body ? strlen(body) : 0, &r);
    return r;
}

START_TEST(core_flow_on_postgresql)
{
    const char *base = qn_test_env("QONAQ_TEST_PG", 1);
    char url[1024];
    qn_err e;
    qn_err_clear(&e);
    ck_assert_msg(qn_store_fresh_url(base, NULL, url, sizeof url, &e) == QN_OK, "%s", e.message);
    qn_api_server s;
    ck_assert(qn_api_start(&s, url, true));
    char tok[65];
    ck_assert(qn_api_login(&s, "hotel", "demo", tok));
    qn_api_resp r = call(&s, "GET", "/healthz", tok, NULL, NULL, NULL);
    ck_assert_str_eq(qn_api_str(r.json, "backend"), "postgresql");
    qn_api_resp_free(&r);

    char *body = qn_api_notification_json("PG000001", "KOR", 1, 1, 10, 3000);
    qn_api_resp a = call(&s, "POST", "/api/v1/notifications", tok, NULL, body, "Idempotency-Key: pg-1");
    ck_assert_int_eq(a.status, 201);
    qn_api_resp b = call(&s, "POST", "/api/v1/notifications", tok, NULL, body, "Idempotency-Key: pg-1");
    ck_assert_int_eq(b.status, 201);
    ck_assert_str_eq(a.body, b.body);
    char *other = qn_api_replace(body, "PG000001", "PG000002");
    r = call(&s, "POST", "/api/v1/notifications", tok, NULL, other, "Idempotency-Key: pg-1");
    ck_assert_int_eq(r.status, 409);
    qn_api_resp_free(&r);
    char loc[96];
    ck_assert(qn_api_header(&a, "Location", loc, sizeof loc));
    r = call(&s, "GET", loc, tok, NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(qn_api_str(r.json, "foreigner.citizenship"), "KOR");
    qn_api_resp_free(&r);

    char *csv = qn_api_batch_csv(50, "PGB", 7);
    r = call(&s, "POST", "/api/v1/notifications/batch", tok, "text/csv", csv, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "accepted")), 49);
    qn_api_resp_free(&r);
    r = call(&s, "GET", "/api/v1/notifications?per_page=200", tok, NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "total")), 50);
    qn_api_resp_free(&r);
    r = call(&s, "GET", "/api/v1/me/history", tok, NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "total")), 50);
    qn_api_resp_free(&r);

    char border[65];
    ck_assert(qn_api_login(&s, "border", "demo", border));
    r = call(&s, "GET", "/api/v1/stay?document_country=KOR&document_number=PG000001", border, NULL, NULL,
             NULL);
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    r = call(&s, "POST", "/api/v1/auth/logout", tok, NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 204);
    qn_api_resp_free(&r);
    ck_assert_int_eq(qn_api_stop(&s), 0);
    qn_api_resp_free(&a);
    qn_api_resp_free(&b);
    free(body);
    free(other);
    free(csv);
}
END_TEST

static Suite *pg_suite(void)
{
    Suite *s = suite_create("api_pg");
    TCase *tc = tcase_create("postgresql");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, core_flow_on_postgresql);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(pg_suite)
