/* test_hostile_security.c — checks of docs/security.md (OWASP ASVS 4.0
 * level 2) that no other suite makes:
 *   - a 5xx answer tells the client nothing of the inside (7.4.1): the
 *     database error behind it goes to the server's log, the client gets a
 *     generic sentence and the request id;
 *   - user-set passwords have at least 12 characters (2.1.1);
 *   - a failed login says the same for an unknown user and a wrong password
 *     (2.2.1, account enumeration) and does not set a session;
 *   - a session token does not work after logout, nor a token of another
 *     shape, nor a cookie without the CSRF header on a write (3.3.1, 4.2.2).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/api_client.h"
#include "support/api_data.h"
#include "support/qn_test.h"

static qn_api_resp post(const qn_api_server *s, const char *path, const char *tok, const char *body)
{
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok ? tok : "");
    const char *h[] = {"Content-Type: application/json", tok ? auth : "X-None: 1", NULL};
    qn_api_resp r;
    qn_api_call(s, "POST", path, h, body, body ? strlen(body) : 0, &r);
    return r;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    fclose(f);
    return s;
}

START_TEST(internal_errors_tell_nothing)
{
    qn_api_server s;
    ck_assert(qn_api_start(&s, NULL, true));
    char tok[65];
    ck_assert(qn_api_login(&s, "hotel", "demo", tok));
    /* Break the database behind the server's back. */
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(s.db + strlen("sqlite:"), &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "DROP TABLE notices", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    char *body = qn_api_notification_json("INT00001", "DEU", 1, 1, 5, 3000);
    qn_api_resp r = post(&s, "/api/v1/notifications", tok, body);
    ck_assert_int_eq(r.status, 500);
    const char *detail = qn_api_str(r.json, "detail");
    const char *rid = qn_api_str(r.json, "request_id");
    ck_assert(detail && rid);
    ck_assert_msg(strstr(detail, "notices") == NULL && strstr(detail, "SQLite") == NULL &&
                      strstr(detail, "table") == NULL,
                  "the 500 tells the inside: %s", detail);
    ck_assert_msg(strstr(detail, rid) != NULL, "the 500 does not name its request id: %s", detail);
    ck_assert_str_eq(qn_api_str(r.json, "code"), "internal");
    char rid_copy[64];
    snprintf(rid_copy, sizeof rid_copy, "%s", rid);
    qn_api_resp_free(&r);
    free(body);
    ck_assert_int_eq(qn_api_stop(&s), 0);
    /* The operator finds the real error in the log, under the request id. */
    char *log = read_file(s.log_path);
    ck_assert(log);
    char *line = strstr(log, rid_copy);
    ck_assert_msg(line, "request %s is not in the log", rid_copy);
    char *end = strchr(line, '\n');
    if (end)
        *end = '\0';
    ck_assert_msg(strstr(line, "no such table: notices") != NULL,
                  "the log line of %s does not hold the database's error: %.300s", rid_copy, line);
    free(log);
}
END_TEST

START_TEST(passwords_and_login_answers)
{
    qn_api_server s;
    ck_assert(qn_api_start(&s, NULL, true));
    char admin[65];
    ck_assert(qn_api_login(&s, "admin", "demo", admin));
    qn_api_resp r = post(&s, "/api/v1/admin/accounts", admin,
                         "{\"username\":\"short1\",\"password\":\"eleven-char\",\"role\":\"analyst\"}");
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "password"));
    qn_api_resp_free(&r);
    r = post(&s, "/api/v1/admin/accounts", admin,
             "{\"username\":\"long1\",\"password\":\"twelve-chars\",\"role\":\"analyst\"}");
    ck_assert_int_eq(r.status, 201);
    qn_api_resp_free(&r);

    /* Unknown user and wrong password: the same answer, no cookie. */
    qn_api_resp a =
        post(&s, "/api/v1/auth/login", NULL, "{\"username\":\"nobody-here\",\"password\":\"whatever-1\"}");
    qn_api_resp b =
        post(&s, "/api/v1/auth/login", NULL, "{\"username\":\"long1\",\"password\":\"whatever-1\"}");
    ck_assert_int_eq(a.status, 401);
    ck_assert_int_eq(b.status, 401);
    ck_assert_str_eq(qn_api_str(a.json, "detail"), qn_api_str(b.json, "detail"));
    ck_assert_str_eq(qn_api_str(a.json, "code"), qn_api_str(b.json, "code"));
    ck_assert(strstr(a.headers, "Set-Cookie") == NULL && strstr(b.headers, "Set-Cookie") == NULL);
    qn_api_resp_free(&a);
    qn_api_resp_free(&b);
    ck_assert_int_eq(qn_api_stop(&s), 0);
}
END_TEST

START_TEST(sessions_end_and_cookies_need_csrf)
{
    qn_api_server s;
    ck_assert(qn_api_start(&s, NULL, true));
    char tok[65];
    ck_assert(qn_api_login(&s, "hotel", "demo", tok));
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
    const char *h[] = {auth, NULL};
    qn_api_resp r;
    ck_assert(qn_api_call(&s, "GET", "/api/v1/me", h, NULL, 0, &r));
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    /* A cookie alone does not write (CSRF double submit). */
    char cookie[128];
    snprintf(cookie, sizeof cookie, "Cookie: qonaq_session=%s", tok);
    char *body = qn_api_notification_json("CSRF0001", "DEU", 1, 1, 5, 3000);
    const char *hc[] = {cookie, "Content-Type: application/json", NULL};
    ck_assert(qn_api_call(&s, "POST", "/api/v1/notifications", hc, body, strlen(body), &r));
    ck_assert_int_eq(r.status, 403);
    qn_api_resp_free(&r);
    free(body);
    /* After logout the token is dead. */
    r = post(&s, "/api/v1/auth/logout", tok, NULL);
    ck_assert_int_eq(r.status, 204);
    qn_api_resp_free(&r);
    ck_assert(qn_api_call(&s, "GET", "/api/v1/me", h, NULL, 0, &r));
    ck_assert_int_eq(r.status, 401);
    qn_api_resp_free(&r);
    /* A token of another shape is refused before any lookup. */
    const char *hx[] = {"Authorization: Bearer ' OR 1=1 --", NULL};
    ck_assert(qn_api_call(&s, "GET", "/api/v1/me", hx, NULL, 0, &r));
    ck_assert_int_eq(r.status, 401);
    qn_api_resp_free(&r);
    ck_assert_int_eq(qn_api_stop(&s), 0);
}
END_TEST

static Suite *security_suite(void)
{
    Suite *s = suite_create("hostile_security");
    TCase *tc = tcase_create("asvs");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, internal_errors_tell_nothing);
    tcase_add_test(tc, passwords_and_login_answers);
    tcase_add_test(tc, sessions_end_and_cookies_need_csrf);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(security_suite)
