/* test_api.c — black-box tests of the HTTP API: the real server, started as
 * a child process on a free port with a fresh SQLite database and the demo
 * accounts, driven over HTTP with libcurl. Covers every route, every error
 * class, idempotent retries, batches (JSON and CSV), CSRF, API keys, the
 * administrator's routes and malformed HTTP. The access matrix and the
 * SIGTERM drain have their own programs (test_access.c, test_drain.c).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "support/api_client.h"
#include "support/api_data.h"
#include "support/qn_test.h"

static qn_api_server server; /* started once per test case, in the parent (unchecked fixture) */

static void setup(void)
{
    if (!qn_api_start(&server, NULL, true))
        abort();
}

static void teardown(void)
{
    int status = qn_api_stop(&server);
    if (status != 0) { /* a sanitizer report or a failed drain: fail the program */
        fprintf(stderr, "server exited with %d (log: %s)\n", status, server.log_path);
        abort();
    }
}

#define JSON_H "Content-Type: application/json"

/* POST JSON as user token; returns the response (caller frees). */
static qn_api_resp post_json(const char *token, const char *path, const char *body, const char *extra)
{
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token ? token : "");
    const char *h[] = {JSON_H, token ? auth : "X-None: 1", extra ? extra : "X-None: 1", NULL};
    qn_api_resp r;
    qn_api_call(&server, "POST", path, h, body, body ? strlen(body) : 0, &r);
    return r;
}

static qn_api_resp get_as(const char *token, const char *path)
{
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token ? token : "");
    const char *h[] = {token ? auth : "X-None: 1", NULL};
    qn_api_resp r;
    qn_api_call(&server, "GET", path, h, NULL, 0, &r);
    return r;
}

static const char *login(const char *user, char tok[65])
{
    ck_assert_msg(qn_api_login(&server, user, "demo", tok), "login as %s failed", user);
    return tok;
}

START_TEST(meta_routes)
{
    qn_api_resp r;
    ck_assert(qn_api_call(&server, "GET", "/healthz", NULL, NULL, 0, &r));
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(qn_api_str(r.json, "database"), "ok");
    qn_api_resp_free(&r);
    qn_api_call(&server, "GET", "/api/v1/ping", NULL, NULL, 0, &r);
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    qn_api_call(&server, "GET", "/api/v1/regions", NULL, NULL, 0, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 20);
    qn_api_resp_free(&r);
    qn_api_call(&server, "GET", "/api/v1/openapi.json", NULL, NULL, 0, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(qn_api_str(r.json, "openapi"), "3.1.0");
    qn_api_resp_free(&r);
    qn_api_call(&server, "GET", "/metrics", NULL, NULL, 0, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(
        strstr(r.body, "qonaq_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}"));
    ck_assert_ptr_nonnull(strstr(r.body, "qonaq_http_request_duration_seconds_bucket{le=\"+Inf\"}"));
    ck_assert_ptr_nonnull(strstr(r.body, "qonaq_db_seconds_total"));
    char rid[64];
    ck_assert(qn_api_header(&r, "X-Request-Id", rid, sizeof rid));
    qn_api_resp_free(&r);
}
END_TEST

START_TEST(login_logout)
{
    char tok[65];
    login("host", tok);
    qn_api_resp r = get_as(tok, "/api/v1/me");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(qn_api_str(r.json, "role"), "host-individual");
    qn_api_resp_free(&r);
    r = post_json(NULL, "/api/v1/auth/login", "{\"username\":\"host\",\"password\":\"nope\"}", NULL);
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(qn_api_str(r.json, "code"), "unauthorized.login_failed");
    qn_api_resp_free(&r);
    r = post_json(tok, "/api/v1/auth/logout", NULL, NULL);
    ck_assert_int_eq(r.status, 204);
    qn_api_resp_free(&r);
    r = get_as(tok, "/api/v1/me");
    ck_assert_int_eq(r.status, 401);
    qn_api_resp_free(&r);
    r = get_as("0000000000000000000000000000000000000000000000000000000000000000", "/api/v1/me");
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(qn_api_str(r.json, "code"), "unauthorized.bad_credential");
    qn_api_resp_free(&r);
}
END_TEST

START_TEST(login_rate_limited)
{
    qn_api_resp r;
    for (int i = 0; i < 5; i++) {
        r = post_json(NULL, "/api/v1/auth/login", "{\"username\":\"citizen\",\"password\":\"wrong\"}", NULL);
        ck_assert_int_eq(r.status, 401);
        qn_api_resp_free(&r);
    }
    /* Even the right password is refused while the account is over its limit. */
    r = post_json(NULL, "/api/v1/auth/login", "{\"username\":\"citizen\",\"password\":\"demo\"}", NULL);
    ck_assert_int_eq(r.status, 429);
    ck_assert_str_eq(qn_api_str(r.json, "code"), "rate_limited.login_rate");
    char retry[16];
    ck_assert(qn_api_header(&r, "Retry-After", retry, sizeof retry));
    qn_api_resp_free(&r);
}
END_TEST

START_TEST(submit_get_list_history)
{
    char tok[65], other[65];
    login("host", tok);
    char *body = qn_api_notification_json("SUB0001", "USA", 1, 1, 10, 3000);
    qn_api_resp r = post_json(tok, "/api/v1/notifications", body, NULL);
    ck_assert_int_eq(r.status, 201);
    json_int_t id = json_integer_value(json_object_get(r.json, "id"));
    ck_assert_int_gt(id, 0);
    ck_assert_ptr_nonnull(qn_api_str(r.json, "number"));
    ck_assert(json_is_true(json_object_get(r.json, "on_time")));
    ck_assert_ptr_nonnull(qn_api_str(r.json, "deadline"));
    char loc[96], want[96];
    ck_assert(qn_api_header(&r, "Location", loc, sizeof loc));
    snprintf(want, sizeof want, "/api/v1/notifications/%lld", (long long)id);
    ck_assert_str_eq(loc, want);
    char number[40];
    snprintf(number, sizeof number, "%s", qn_api_str(r.json, "number"));
    qn_api_resp_free(&r);

    r = get_as(tok, want);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(qn_api_str(r.json, "foreigner.document.number"), "SUB0001");
    ck_assert_str_eq(qn_api_str(r.json, "address.region"), "75");
    qn_api_resp_free(&r);

    r = get_as(tok, "/api/v1/notifications?per_page=200");
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_ge(json_integer_value(json_object_get(r.json, "total")), 1);
    qn_api_resp_free(&r);

    /* The officer of region 75 lists it; every item listed is of region 75. */
    char officer[65];
    login("officer", officer);
    r = get_as(officer, "/api/v1/notifications?per_page=200");
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "SUB0001"));
    size_t k;
    json_t *it;
    json_array_foreach(json_object_get(r.json, "items"), k, it)
        ck_assert_str_eq(qn_api_str(it, "address.region"), "75");
    qn_api_resp_free(&r);

    /* Aggregates: the officer's are of region 75 only; the analyst's of all. */
    r = get_as(officer, "/api/v1/stats/notifications");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(qn_api_str(r.json, "scope"), "75");
    ck_assert_int_ge(json_integer_value(json_object_get(r.json, "total")), 1);
    json_array_foreach(json_object_get(r.json, "by_region"), k, it)
        ck_assert_str_eq(qn_api_str(it, "key"), "75");
    ck_assert_ptr_null(strstr(r.body, "SUB0001")); /* no personal data */
    qn_api_resp_free(&r);
    char analyst[65];
    login("analyst", analyst);
    r = get_as(analyst, "/api/v1/stats/notifications?from=2000-01-01");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(qn_api_str(r.json, "scope"), "all");
    ck_assert_int_ge(json_integer_value(json_object_get(r.json, "total")), 1);
    qn_api_resp_free(&r);

    /* Another host does not see it, and is not told it exists. */
    login("hotel", other);
    r = get_as(other, want);
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);

    /* The History of Services has a notice with the number. */
    r = get_as(tok, "/api/v1/me/history");
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, number));
    qn_api_resp_free(&r);

    /* The foreigner is now on record: the stay lookup finds them. */
    char border[65];
    login("border", border);
    r = get_as(border, "/api/v1/stay?document_country=USA&document_number=SUB0001");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(qn_api_str(r.json, "source"), "notifications");
    qn_api_resp_free(&r);
    /* The foreigner account reads only its own stay: another person's
     * document answers as an unknown one. */
    char foreigner[65];
    login("foreigner", foreigner);
    r = get_as(foreigner, "/api/v1/stay?document_country=USA&document_number=SUB0001");
    ck_assert_int_eq(r.status, 404);
    ck_assert_ptr_null(strstr(r.body, "SMITH"));
    qn_api_resp_free(&r);
    free(body);
}
END_TEST

START_TEST(late_and_over_limit)
{
    char tok[65];
    login("host", tok);
    /* Arrived 20 days ago: past the 3-working-day deadline. */
    char *body = qn_api_notification_json("LATE0001", "USA", 20, 20, 5, 3000);
    qn_api_resp r = post_json(tok, "/api/v1/notifications", body, NULL);
    ck_assert_int_eq(r.status, 201);
    ck_assert(json_is_false(json_object_get(r.json, "on_time")));
    ck_assert_ptr_nonnull(json_object_get(r.json, "violation"));
    /* A host-individual's first late notification: a warning under art. 518 part 1. */
    ck_assert_str_eq(qn_api_str(r.json, "violation.article"), "518.1");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(r.json, "violation"), "fine_mci")),
                     0);
    ck_assert_ptr_nonnull(strstr(r.body, "\"late\""));
    qn_api_resp_free(&r);
    free(body);
    /* A planned stay of 80 days on a 30-day visa-free entry: accepted, warned. */
    body = qn_api_notification_json("LONG0001", "USA", 1, 1, 80, 3000);
    r = post_json(tok, "/api/v1/notifications", body, NULL);
    ck_assert_int_eq(r.status, 201);
    ck_assert_ptr_nonnull(strstr(r.body, "stay_over_limit"));
    qn_api_resp_free(&r);
    free(body);
    /* The document expires before the planned departure: refused, naming the field. */
    body = qn_api_notification_json("EXP0001", "USA", 1, 1, 30, 10);
    r = post_json(tok, "/api/v1/notifications", body, NULL);
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "foreigner.document.expires"));
    qn_api_resp_free(&r);
    free(body);
}
END_TEST

START_TEST(validation_errors)
{
    char tok[65];
    login("host", tok);
    /* Not JSON: 400. */
    qn_api_resp r = post_json(tok, "/api/v1/notifications", "{not json", NULL);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(qn_api_str(r.json, "code"), "bad_request.json_syntax");
    char ct[64];
    ck_assert(qn_api_header(&r, "Content-Type", ct, sizeof ct));
    ck_assert_str_eq(ct, "application/problem+json");
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "status")), 400);
    ck_assert_ptr_nonnull(qn_api_str(r.json, "type"));
    ck_assert_ptr_nonnull(qn_api_str(r.json, "title"));
    ck_assert_ptr_nonnull(qn_api_str(r.json, "detail"));
    qn_api_resp_free(&r);
    /* Unknown field and wrong type: 400 naming the fields. */
    char *body = qn_api_notification_json("VAL0001", "USA", 1, 1, 10, 3000);
    char *bad = qn_api_replace(body, "\"purpose\":", "\"favourite_colour\":\"red\",\"purpose\":");
    r = post_json(tok, "/api/v1/notifications", bad, NULL);
    ck_assert_int_eq(r.status, 400);
    ck_assert(qn_api_has_field_error(r.json, "favourite_colour"));
    qn_api_resp_free(&r);
    free(bad);
    bad = qn_api_replace(body, "\"sex\":\"M\"", "\"sex\":1");
    r = post_json(tok, "/api/v1/notifications", bad, NULL);
    ck_assert_int_eq(r.status, 400);
    ck_assert(qn_api_has_field_error(r.json, "foreigner.sex"));
    qn_api_resp_free(&r);
    free(bad);
    /* Invalid date, over-long string, unknown region: 422 naming each field. */
    bad = qn_api_replace(body, "\"birth_date\":\"1980-05-01\"", "\"birth_date\":\"1980-02-30\"");
    r = post_json(tok, "/api/v1/notifications", bad, NULL);
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "foreigner.birth_date"));
    qn_api_resp_free(&r);
    free(bad);
    char longname[300];
    memset(longname, 'A', 200);
    longname[200] = '\0';
    char repl[320];
    snprintf(repl, sizeof repl, "\"surname\":\"%s\"", longname);
    bad = qn_api_replace(body, "\"surname\":\"TESTER\"", repl);
    r = post_json(tok, "/api/v1/notifications", bad, NULL);
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "foreigner.surname"));
    qn_api_resp_free(&r);
    free(bad);
    bad = qn_api_replace(body, "\"region\":\"75\"", "\"region\":\"99\"");
    r = post_json(tok, "/api/v1/notifications", bad, NULL);
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "address.region"));
    qn_api_resp_free(&r);
    free(bad);
    /* Wrong content type: 400. */
    const char *h[] = {"Content-Type: text/plain", NULL};
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
    const char *h2[] = {"Content-Type: text/plain", auth, NULL};
    (void)h;
    qn_api_call(&server, "POST", "/api/v1/notifications", h2, body, strlen(body), &r);
    ck_assert_int_eq(r.status, 415); /* http.h: 415 when the content type is not JSON */
    ck_assert_str_eq(qn_api_str(r.json, "code"), "bad_request.content_type");
    qn_api_resp_free(&r);
    free(body);
}
END_TEST

START_TEST(http_error_classes)
{
    qn_api_resp r;
    qn_api_call(&server, "GET", "/api/v1/nothing-here", NULL, NULL, 0, &r);
    ck_assert_int_eq(r.status, 404);
    ck_assert_str_eq(qn_api_str(r.json, "code"), "not_found.no_route");
    qn_api_resp_free(&r);
    qn_api_call(&server, "DELETE", "/api/v1/notifications", NULL, NULL, 0, &r);
    ck_assert_int_eq(r.status, 405);
    char allow[64];
    ck_assert(qn_api_header(&r, "Allow", allow, sizeof allow));
    ck_assert_ptr_nonnull(strstr(allow, "POST"));
    ck_assert_ptr_nonnull(strstr(allow, "GET"));
    ck_assert_str_eq(qn_api_str(r.json, "code"), "method_not_allowed");
    qn_api_resp_free(&r);
    qn_api_call(&server, "GET", "/api/v1/notifications", NULL, NULL, 0, &r);
    ck_assert_int_eq(r.status, 401);
    qn_api_resp_free(&r);
    char tok[65];
    login("host", tok);
    r = get_as(tok, "/api/v1/notifications/abc");
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);
    r = get_as(tok, "/api/v1/notifications/999999");
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);
    r = get_as(tok, "/api/v1/notifications?per_page=5000");
    ck_assert_int_eq(r.status, 400);
    ck_assert(qn_api_has_field_error(r.json, "per_page"));
    qn_api_resp_free(&r);
    r = get_as(tok, "/api/v1/notifications?from=2026-13-01");
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "from"));
    qn_api_resp_free(&r);
    /* Body over 1 MiB: 413. */
    size_t big = 1100 * 1024;
    char *huge = malloc(big + 1);
    memset(huge, ' ', big);
    huge[big] = '\0';
    r = post_json(tok, "/api/v1/notifications", huge, NULL);
    ck_assert_int_eq(r.status, 413);
    ck_assert_str_eq(qn_api_str(r.json, "code"), "too_large.body_too_large");
    qn_api_resp_free(&r);
    free(huge);
    /* Forbidden by role: 403. */
    char analyst[65];
    login("officer", analyst);
    char *body = qn_api_notification_json("FORB0001", "USA", 1, 1, 10, 3000);
    r = post_json(analyst, "/api/v1/notifications", body, NULL);
    ck_assert_int_eq(r.status, 403);
    qn_api_resp_free(&r);
    free(body);
}
END_TEST

START_TEST(idempotent_retry)
{
    char tok[65];
    login("hotel", tok);
    char *body = qn_api_notification_json("IDEM0001", "DEU", 1, 1, 10, 3000);
    qn_api_resp a = post_json(tok, "/api/v1/notifications", body, "Idempotency-Key: order-42");
    ck_assert_int_eq(a.status, 201);
    qn_api_resp list1 = get_as(tok, "/api/v1/notifications");
    json_int_t total1 = json_integer_value(json_object_get(list1.json, "total"));
    qn_api_resp b = post_json(tok, "/api/v1/notifications", body, "Idempotency-Key: order-42");
    ck_assert_int_eq(b.status, 201);
    ck_assert_str_eq(a.body, b.body);
    char replayed[16];
    ck_assert(qn_api_header(&b, "Idempotent-Replayed", replayed, sizeof replayed));
    qn_api_resp list2 = get_as(tok, "/api/v1/notifications");
    ck_assert_int_eq(json_integer_value(json_object_get(list2.json, "total")), total1);
    char *other = qn_api_replace(body, "IDEM0001", "IDEM0002");
    qn_api_resp c = post_json(tok, "/api/v1/notifications", other, "Idempotency-Key: order-42");
    ck_assert_int_eq(c.status, 409);
    ck_assert_str_eq(qn_api_str(c.json, "code"), "conflict.idempotency_mismatch");
    qn_api_resp_free(&a);
    qn_api_resp_free(&b);
    qn_api_resp_free(&c);
    qn_api_resp_free(&list1);
    qn_api_resp_free(&list2);
    free(body);
    free(other);
}
END_TEST

START_TEST(batch_json_and_csv)
{
    char tok[65];
    login("hotel", tok);
    char *r1 = qn_api_notification_json("BATJ0001", "GBR", 1, 1, 10, 3000);
    char *r2 = qn_api_notification_json("BATJ0002", "GBR", 1, 1, 10, 5); /* document expires too soon */
    char *r3 = qn_api_notification_json("BATJ0003", "GBR", 1, 1, 10, 3000);
    size_t n = strlen(r1) + strlen(r2) + strlen(r3) + 8;
    char *arr = malloc(n);
    snprintf(arr, n, "[%s,%s,%s]", r1, r2, r3);
    qn_api_resp r = post_json(tok, "/api/v1/notifications/batch", arr, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "accepted")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "rejected")), 1);
    json_t *res = json_object_get(r.json, "results");
    json_t *bad = json_array_get(res, 1);
    ck_assert_str_eq(json_string_value(json_object_get(bad, "result")), "rejected");
    ck_assert_int_eq(json_integer_value(json_object_get(bad, "row")), 2);
    ck_assert(qn_api_has_field_error(bad, "foreigner.document.expires"));
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(res, 0), "result")), "accepted");
    qn_api_resp_free(&r);
    free(arr);
    free(r1);
    free(r2);
    free(r3);

    char *csv = qn_api_batch_csv(4, "BATC", 2); /* row 2 (line 3) is broken */
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
    const char *h[] = {"Content-Type: text/csv", auth, NULL};
    qn_api_call(&server, "POST", "/api/v1/notifications/batch", h, csv, strlen(csv), &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "accepted")), 3);
    res = json_object_get(r.json, "results");
    bad = json_array_get(res, 1);
    ck_assert_str_eq(json_string_value(json_object_get(bad, "result")), "rejected");
    ck_assert_int_eq(json_integer_value(json_object_get(bad, "line")), 3);
    ck_assert(qn_api_has_field_error(bad, "arrival_date"));
    qn_api_resp_free(&r);
    free(csv);
    /* A CSV header with an unknown column: 400 naming it. */
    const char *badcsv = "foreigner.surname,shoe_size\nX,42\n";
    qn_api_call(&server, "POST", "/api/v1/notifications/batch", h, badcsv, strlen(badcsv), &r);
    ck_assert_int_eq(r.status, 400);
    ck_assert(qn_api_has_field_error(r.json, "shoe_size"));
    qn_api_resp_free(&r);
    /* A NUL byte inside a field is refused, naming its line, and records nothing. */
    char *nulcsv = qn_api_batch_csv(2, "NULB", 0);
    size_t nul_len = strlen(nulcsv);
    char *line3 = strchr(strchr(nulcsv, '\n') + 1, '\n') + 1;
    line3[1] = '\0'; /* the second byte of line 3 */
    qn_api_call(&server, "POST", "/api/v1/notifications/batch", h, nulcsv, nul_len, &r);
    ck_assert_int_eq(r.status, 400);
    ck_assert_ptr_nonnull(strstr(qn_api_str(r.json, "detail"), "NUL byte on line 3"));
    qn_api_resp_free(&r);
    free(nulcsv);
}
END_TEST

START_TEST(csrf_and_cookies)
{
    const char *h[] = {JSON_H, NULL};
    qn_api_resp r;
    const char *login_body = "{\"username\":\"host\",\"password\":\"demo\"}";
    qn_api_call(&server, "POST", "/api/v1/auth/login", h, login_body, strlen(login_body), &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.headers, "qonaq_session="));
    ck_assert_ptr_nonnull(strstr(r.headers, "HttpOnly"));
    ck_assert_ptr_nonnull(strstr(r.headers, "SameSite=Strict"));
    char cookie[200], csrf_h[120];
    snprintf(cookie, sizeof cookie, "Cookie: qonaq_session=%s", qn_api_str(r.json, "token"));
    snprintf(csrf_h, sizeof csrf_h, "X-CSRF-Token: %s", qn_api_str(r.json, "csrf_token"));
    qn_api_resp_free(&r);
    const char *g[] = {cookie, NULL};
    qn_api_call(&server, "GET", "/api/v1/me", g, NULL, 0, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(qn_api_str(r.json, "credential"), "cookie");
    qn_api_resp_free(&r);
    char *body = qn_api_notification_json("CSRF0001", "USA", 1, 1, 10, 3000);
    const char *no_csrf[] = {JSON_H, cookie, NULL};
    qn_api_call(&server, "POST", "/api/v1/notifications", no_csrf, body, strlen(body), &r);
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(qn_api_str(r.json, "code"), "forbidden.csrf");
    qn_api_resp_free(&r);
    const char *with_csrf[] = {JSON_H, cookie, csrf_h, NULL};
    qn_api_call(&server, "POST", "/api/v1/notifications", with_csrf, body, strlen(body), &r);
    ck_assert_int_eq(r.status, 201);
    qn_api_resp_free(&r);
    free(body);
}
END_TEST

START_TEST(api_keys)
{
    char tok[65], host[65];
    login("hotel", tok);
    qn_api_resp r = post_json(tok, "/api/v1/api-keys", "{\"label\":\"pms\"}", NULL);
    ck_assert_int_eq(r.status, 201);
    char key[100], keyh[120];
    snprintf(key, sizeof key, "%s", qn_api_str(r.json, "key"));
    ck_assert_int_eq(strncmp(key, "qk_", 3), 0);
    qn_api_resp_free(&r);
    snprintf(keyh, sizeof keyh, "X-API-Key: %s", key);
    char *body = qn_api_notification_json("PMS00001", "CHN", 1, 1, 10, 3000);
    const char *h[] = {JSON_H, keyh, NULL};
    qn_api_call(&server, "POST", "/api/v1/notifications", h, body, strlen(body), &r);
    ck_assert_int_eq(r.status, 201);
    qn_api_resp_free(&r);
    /* A key cannot mint keys; a host-individual cannot either. */
    qn_api_call(&server, "POST", "/api/v1/api-keys", h, "{}", 2, &r);
    ck_assert_int_eq(r.status, 403);
    qn_api_resp_free(&r);
    login("host", host);
    r = post_json(host, "/api/v1/api-keys", "{}", NULL);
    ck_assert_int_eq(r.status, 403);
    qn_api_resp_free(&r);
    const char *badkey[] = {"X-API-Key: qk_nope", NULL};
    qn_api_call(&server, "GET", "/api/v1/me", badkey, NULL, 0, &r);
    ck_assert_int_eq(r.status, 401);
    qn_api_resp_free(&r);
    free(body);
}
END_TEST

START_TEST(admin_accounts)
{
    char admin[65];
    login("admin", admin);
    qn_api_resp r = post_json(
        admin, "/api/v1/admin/accounts",
        "{\"username\":\"officer19\",\"password\":\"long-enough-1\",\"role\":\"officer\",\"region\":\"19\"}",
        NULL);
    ck_assert_int_eq(r.status, 201);
    json_int_t id = json_integer_value(json_object_get(r.json, "id"));
    qn_api_resp_free(&r);
    r = post_json(
        admin, "/api/v1/admin/accounts",
        "{\"username\":\"officer19\",\"password\":\"long-enough-1\",\"role\":\"officer\",\"region\":\"19\"}",
        NULL);
    ck_assert_int_eq(r.status, 409);
    qn_api_resp_free(&r);
    r = post_json(
        admin, "/api/v1/admin/accounts",
        "{\"username\":\"officerx\",\"password\":\"long-enough-1\",\"role\":\"officer\",\"region\":\"00\"}",
        NULL);
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "region"));
    qn_api_resp_free(&r);
    /* IIN with a wrong check digit; then a minor's IIN (born 2020-02-29). */
    r = post_json(admin, "/api/v1/admin/accounts",
                  "{\"username\":\"hostx\",\"password\":\"long-enough-1\",\"role\":\"host-individual\",\"iin_"
                  "bin\":\"851231412341\"}",
                  NULL);
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "iin_bin"));
    qn_api_resp_free(&r);
    r = post_json(admin, "/api/v1/admin/accounts",
                  "{\"username\":\"hostkid\",\"password\":\"long-enough-1\",\"role\":\"host-individual\","
                  "\"iin_bin\":\"200229699997\"}",
                  NULL);
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "iin_bin"));
    ck_assert_ptr_nonnull(strstr(r.body, "18"));
    qn_api_resp_free(&r);
    /* A second hotel operator on the demo hotel's BIN shares its notifications. */
    r = post_json(admin, "/api/v1/admin/accounts",
                  "{\"username\":\"hotel2\",\"password\":\"long-enough-1\",\"role\":\"hotel\",\"iin_bin\":"
                  "\"150340012340\"}",
                  NULL);
    ck_assert_int_eq(r.status, 201);
    qn_api_resp_free(&r);
    char hotel[65], hotel2[65];
    login("hotel", hotel);
    ck_assert(qn_api_login(&server, "hotel2", "long-enough-1", hotel2));
    char *body = qn_api_notification_json("SHARE001", "FRA", 1, 1, 10, 3000);
    r = post_json(hotel, "/api/v1/notifications", body, NULL);
    ck_assert_int_eq(r.status, 201);
    char loc[96];
    qn_api_header(&r, "Location", loc, sizeof loc);
    qn_api_resp_free(&r);
    r = get_as(hotel2, loc);
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    free(body);
    /* List, disable (login then fails), enable. */
    r = get_as(admin, "/api/v1/admin/accounts?role=officer");
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "officer19"));
    qn_api_resp_free(&r);
    char path[80];
    snprintf(path, sizeof path, "/api/v1/admin/accounts/%lld/disable", (long long)id);
    r = post_json(admin, path, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert(json_is_true(json_object_get(r.json, "disabled")));
    qn_api_resp_free(&r);
    char t[65];
    ck_assert(!qn_api_login(&server, "officer19", "long-enough-1", t));
    snprintf(path, sizeof path, "/api/v1/admin/accounts/%lld/enable", (long long)id);
    r = post_json(admin, path, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    ck_assert(qn_api_login(&server, "officer19", "long-enough-1", t));
    r = post_json(admin, "/api/v1/admin/accounts/999999/disable", NULL, NULL);
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);
}
END_TEST

START_TEST(stay_routes)
{
    char tok[65];
    login("foreigner", tok);
    qn_api_resp r = get_as(tok, "/api/v1/stay?citizenship=USA&trips=2026-01-01..2026-01-20&on=2026-02-01");
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "days_used")), 20);
    qn_api_resp_free(&r);
    r = get_as(tok, "/api/v1/stay?citizenship=USA&trips=2026-01-20..2026-01-01");
    ck_assert_int_eq(r.status, 422);
    qn_api_resp_free(&r);
    r = get_as(tok, "/api/v1/stay?citizenship=USA&trips=yesterday..");
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "trips[0]"));
    qn_api_resp_free(&r);
    r = get_as(tok, "/api/v1/stay?document_country=DEU&document_number=C01X00T47");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(qn_api_str(r.json, "source"), "crossings");
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "days_used")), 21);
    qn_api_resp_free(&r);
    r = get_as(tok, "/api/v1/stay?document_country=DEU&document_number=NOPE");
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);
}
END_TEST

/* Malformed HTTP on a raw socket: the server answers or closes, and lives.
 * Returns the first bytes of the answer (empty when closed without one). */
static void raw_send(const char *data, size_t len, char *answer, size_t cap)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)server.port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    ssize_t w = write(fd, data, len);
    (void)w;
    struct timeval tv = {2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t n = read(fd, answer, cap - 1);
    answer[n > 0 ? n : 0] = '\0';
    close(fd);
}

START_TEST(malformed_http)
{
    char answer[512];
    /* Not HTTP at all: MHD closes the connection (or answers 400), never 2xx. */
    raw_send("GARBAGE\r\n\r\n", 11, answer, sizeof answer);
    ck_assert_msg(answer[0] == '\0' || strncmp(answer, "HTTP/1.1 400", 12) == 0, "garbage answered: %.40s",
                  answer);
    raw_send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 47, answer, sizeof answer);
    ck_assert_msg(strncmp(answer, "HTTP/1.1 400", 12) == 0, "negative Content-Length answered: %.40s", answer);
    raw_send("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n", 79,
             answer, sizeof answer);
    ck_assert_msg(strncmp(answer, "HTTP/1.1 400", 12) == 0, "chunk size ZZZ answered: %.40s", answer);
    size_t big = 64 * 1024;
    char *hdr = malloc(big + 64);
    int off = snprintf(hdr, 64, "GET /healthz HTTP/1.1\r\nX-Big: ");
    memset(hdr + off, 'a', big);
    memcpy(hdr + off + big, "\r\n\r\n", 4);
    raw_send(hdr, (size_t)off + big + 4, answer, sizeof answer);
    free(hdr);
    /* Headers over the per-connection memory limit: 431. */
    ck_assert_msg(strncmp(answer, "HTTP/1.1 431", 12) == 0, "oversized headers answered: %.40s", answer);
    qn_api_resp r;
    ck_assert(qn_api_call(&server, "GET", "/healthz", NULL, NULL, 0, &r));
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
}
END_TEST

static Suite *api_suite(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("api");
    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, meta_routes);
    tcase_add_test(tc, login_logout);
    tcase_add_test(tc, login_rate_limited);
    tcase_add_test(tc, submit_get_list_history);
    tcase_add_test(tc, late_and_over_limit);
    tcase_add_test(tc, validation_errors);
    tcase_add_test(tc, http_error_classes);
    tcase_add_test(tc, idempotent_retry);
    tcase_add_test(tc, batch_json_and_csv);
    tcase_add_test(tc, csrf_and_cookies);
    tcase_add_test(tc, api_keys);
    tcase_add_test(tc, admin_accounts);
    tcase_add_test(tc, stay_routes);
    tcase_add_test(tc, malformed_http);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(api_suite)
