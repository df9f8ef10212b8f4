/* test_access.c — the access matrix: every role (and no credentials) on
 * every route, against a table of the expected status. The table must name
 * every route of the server's route table (checked too), so a new route
 * cannot ship without its row. Expectations follow src/service/service.h:
 * hosts see their own notifications, the officer (region 75) the region's,
 * the border officer reads by document, the analyst only aggregates, the
 * administrator manages accounts only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"
#include "support/api_client.h"
#include "support/api_data.h"
#include "support/qn_test.h"

enum { ANON, HOST, HOTEL, CITIZEN, FOREIGNER, OFFICER, BORDER, ANALYST, ADMIN, N_ROLES };
static const char *const role_user[N_ROLES] = {NULL,      "host",   "hotel",   "citizen", "foreigner",
                                               "officer", "border", "analyst", "admin"};

/* Set up once in the parent (unchecked fixture). */
static qn_api_server server;
static char tokens[N_ROLES][65];
static long long host_notification_id;
static long long spare_account_id;

typedef enum { BODY_NONE, BODY_NOTIFICATION, BODY_BATCH, BODY_ACCOUNT, BODY_EMPTY_OBJECT, BODY_OTP, BODY_CROSSING, BODY_CLOSE } body_kind;

typedef struct {
    const char *method;
    const char *route; /* the pattern in the route table this row covers */
    const char *path;  /* "{N}" is the host's notification id / the spare account id */
    body_kind body;
    int expect[N_ROLES]; /* anon, host, hotel, citizen, foreigner, officer, border, analyst, admin */
} access_row;

static const access_row matrix[] = {
    {"GET", "/healthz", "/healthz", BODY_NONE, {200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET", "/metrics", "/metrics", BODY_NONE, {200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET", "/api/v1/ping", "/api/v1/ping", BODY_NONE, {200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET",
     "/api/v1/openapi.json",
     "/api/v1/openapi.json",
     BODY_NONE,
     {200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET", "/api/v1/regions", "/api/v1/regions", BODY_NONE, {200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET", "/api/v1/me", "/api/v1/me", BODY_NONE, {401, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET",
     "/api/v1/me/history",
     "/api/v1/me/history",
     BODY_NONE,
     {401, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"POST",
     "/api/v1/notifications",
     "/api/v1/notifications",
     BODY_NOTIFICATION,
     {401, 201, 201, 403, 403, 403, 403, 403, 403}},
    {"GET",
     "/api/v1/notifications",
     "/api/v1/notifications",
     BODY_NONE,
     {401, 200, 200, 403, 403, 200, 403, 403, 403}},
    {"POST",
     "/api/v1/notifications/batch",
     "/api/v1/notifications/batch",
     BODY_BATCH,
     {401, 200, 200, 403, 403, 403, 403, 403, 403}},
    {"GET",
     "/api/v1/notifications/{id}",
     "/api/v1/notifications/{N}",
     BODY_NONE,
     {401, 200, 404, 403, 403, 200, 200, 403, 403}},
    {"GET",
     "/api/v1/stay",
     "/api/v1/stay?citizenship=USA&trips=2026-01-01..2026-01-10&on=2026-01-20",
     BODY_NONE,
     {401, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET",
     "/api/v1/stay",
     "/api/v1/stay?document_country=DEU&document_number=C01X00T47",
     BODY_NONE,
     {401, 403, 403, 403, 200, 200, 200, 403, 403}},
    {"GET",
     "/api/v1/stats/notifications",
     "/api/v1/stats/notifications",
     BODY_NONE,
     {401, 403, 403, 403, 403, 200, 403, 200, 403}},
    {"POST",
     "/api/v1/api-keys",
     "/api/v1/api-keys",
     BODY_EMPTY_OBJECT,
     {401, 403, 201, 403, 403, 403, 201, 403, 403}},
    {"POST",
     "/api/v1/admin/accounts",
     "/api/v1/admin/accounts",
     BODY_ACCOUNT,
     {401, 403, 403, 403, 403, 403, 403, 403, 201}},
    {"GET",
     "/api/v1/admin/accounts",
     "/api/v1/admin/accounts",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 403, 403, 200}},
    {"POST",
     "/api/v1/admin/accounts/{id}/disable",
     "/api/v1/admin/accounts/{N}/disable",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 403, 403, 200}},
    {"POST",
     "/api/v1/admin/accounts/{id}/enable",
     "/api/v1/admin/accounts/{N}/enable",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 403, 403, 200}},
    /* http_applications.c (branch apps): id 999999 does not exist; the
     * workflow with real applications, per role, is in test_applications.c. */
    {"POST",
     "/api/v1/applications",
     "/api/v1/applications",
     BODY_EMPTY_OBJECT,
     {401, 422, 422, 422, 422, 422, 422, 422, 422}},
    {"GET",
     "/api/v1/applications",
     "/api/v1/applications",
     BODY_NONE,
     {401, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET",
     "/api/v1/applications/{id}",
     "/api/v1/applications/999999",
     BODY_NONE,
     {401, 404, 404, 404, 404, 404, 404, 404, 404}},
    {"GET",
     "/api/v1/applications/{id}/notice.pdf",
     "/api/v1/applications/999999/notice.pdf",
     BODY_NONE,
     {401, 404, 404, 404, 404, 404, 404, 404, 404}},
    {"POST",
     "/api/v1/applications/{id}/appeal",
     "/api/v1/applications/999999/appeal",
     BODY_EMPTY_OBJECT,
     {401, 404, 404, 404, 404, 404, 404, 404, 404}},
    {"POST",
     "/api/v1/applications/{id}/withdraw",
     "/api/v1/applications/999999/withdraw",
     BODY_NONE,
     {401, 404, 404, 404, 404, 404, 404, 404, 404}},
    {"GET",
     "/api/v1/officer/applications",
     "/api/v1/officer/applications",
     BODY_NONE,
     {401, 403, 403, 403, 403, 200, 403, 403, 403}},
    {"GET",
     "/api/v1/officer/applications/{id}/checklist",
     "/api/v1/officer/applications/999999/checklist",
     BODY_NONE,
     {401, 403, 403, 403, 403, 404, 403, 403, 403}},
    {"POST",
     "/api/v1/officer/applications/{id}/take",
     "/api/v1/officer/applications/999999/take",
     BODY_NONE,
     {401, 403, 403, 403, 403, 404, 403, 403, 403}},
    {"POST",
     "/api/v1/officer/applications/{id}/register",
     "/api/v1/officer/applications/999999/register",
     BODY_NONE,
     {401, 403, 403, 403, 403, 404, 403, 403, 403}},
    {"POST",
     "/api/v1/officer/applications/{id}/refuse",
     "/api/v1/officer/applications/999999/refuse",
     BODY_EMPTY_OBJECT,
     {401, 403, 403, 403, 403, 404, 403, 403, 403}},
    {"POST",
     "/api/v1/officer/applications/{id}/uphold",
     "/api/v1/officer/applications/999999/uphold",
     BODY_EMPTY_OBJECT,
     {401, 403, 403, 403, 403, 404, 403, 403, 403}},
    {"POST",
     "/api/v1/officer/applications/{id}/overturn",
     "/api/v1/officer/applications/999999/overturn",
     BODY_EMPTY_OBJECT,
     {401, 403, 403, 403, 403, 404, 403, 403, 403}},
    {"GET",
     "/api/v1/me/consents",
     "/api/v1/me/consents",
     BODY_NONE,
     {401, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"POST",
     "/api/v1/consents/{id}/sign",
     "/api/v1/consents/999999/sign",
     BODY_EMPTY_OBJECT,
     {401, 422, 422, 422, 422, 422, 422, 422, 422}},
    {"POST",
     "/api/v1/consents/{id}/refuse",
     "/api/v1/consents/999999/refuse",
     BODY_EMPTY_OBJECT,
     {401, 404, 404, 404, 404, 404, 404, 404, 404}},
    {"GET",
     "/api/v1/me/registration",
     "/api/v1/me/registration",
     BODY_NONE,
     {401, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"POST",
     "/api/v1/admin/property",
     "/api/v1/admin/property",
     BODY_EMPTY_OBJECT,
     {401, 403, 403, 403, 403, 403, 403, 403, 400}},
    {"POST",
     "/api/v1/admin/accounts/{id}/senior",
     "/api/v1/admin/accounts/{N}/senior",
     BODY_EMPTY_OBJECT,
     {401, 403, 403, 403, 403, 403, 403, 403, 422}},
    /* stay control (ctlapi) */
    {"POST", "/api/v1/crossings", "/api/v1/crossings", BODY_CROSSING, {401, 403, 403, 403, 403, 403, 201, 403, 403}},
    {"GET",
     "/api/v1/border/exit-check",
     "/api/v1/border/exit-check?citizenship=DEU&document_number=C01X00T47",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 200, 403, 403}},
    {"GET", "/api/v1/violations", "/api/v1/violations", BODY_NONE, {401, 403, 403, 403, 403, 200, 403, 403, 403}},
    {"POST",
     "/api/v1/violations/detect",
     "/api/v1/violations/detect",
     BODY_EMPTY_OBJECT,
     {401, 403, 403, 403, 403, 403, 403, 403, 200}},
    {"POST",
     "/api/v1/violations/{id}/fine",
     "/api/v1/violations/999999/fine",
     BODY_EMPTY_OBJECT,
     {401, 403, 403, 403, 403, 404, 403, 403, 403}},
    {"POST",
     "/api/v1/violations/{id}/close",
     "/api/v1/violations/999999/close",
     BODY_CLOSE,
     {401, 403, 403, 403, 403, 404, 403, 403, 403}},
    {"GET",
     "/api/v1/stats/violations",
     "/api/v1/stats/violations",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 403, 200, 200}},
    {"POST",
     "/api/v1/auth/login",
     "/api/v1/auth/login",
     BODY_NONE,
     {400, 400, 400, 400, 400, 400, 400, 400, 400}},
    /* sigapi: signatures, login by signature, one-time codes */
    {"POST",
     "/api/v1/auth/challenge",
     "/api/v1/auth/challenge",
     BODY_NONE,
     {201, 201, 201, 201, 201, 201, 201, 201, 201}},
    {"POST",
     "/api/v1/auth/login/signature",
     "/api/v1/auth/login/signature",
     BODY_NONE,
     {400, 400, 400, 400, 400, 400, 400, 400, 400}},
    {"GET",
     "/api/v1/admin/cas",
     "/api/v1/admin/cas",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 403, 403, 200}},
    {"POST",
     "/api/v1/admin/cas",
     "/api/v1/admin/cas",
     BODY_EMPTY_OBJECT,
     {401, 403, 403, 403, 403, 403, 403, 403, 422}},
    {"DELETE",
     "/api/v1/admin/cas/{id}",
     "/api/v1/admin/cas/{N}",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 403, 403, 404}},
    {"POST",
     "/api/v1/admin/crls",
     "/api/v1/admin/crls",
     BODY_EMPTY_OBJECT,
     {401, 403, 403, 403, 403, 403, 403, 403, 422}},
    {"POST",
     "/api/v1/admin/accounts/{id}/signers",
     "/api/v1/admin/accounts/{N}/signers",
     BODY_EMPTY_OBJECT,
     {401, 403, 403, 403, 403, 403, 403, 403, 422}},
    {"POST",
     "/api/v1/admin/mobile-citizens",
     "/api/v1/admin/mobile-citizens",
     BODY_EMPTY_OBJECT,
     {401, 403, 403, 403, 403, 403, 403, 403, 400}},
    {"GET",
     "/api/v1/admin/outbox",
     "/api/v1/admin/outbox",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 403, 403, 200}},
    {"POST",
     "/api/v1/otp",
     "/api/v1/otp",
     BODY_OTP,
     {401, 201, 403, 201, 403, 403, 403, 403, 403}},
    {"POST",
     "/api/v1/otp/{id}/confirm",
     "/api/v1/otp/{N}/confirm",
     BODY_EMPTY_OBJECT,
     {401, 422, 422, 422, 422, 422, 422, 422, 422}},
    /* web: printed documents, verification, the portal's pages. The
     * verification is public; a made-up code is 404 for everyone. */
    {"GET",
     "/api/v1/verify/{number}",
     "/api/v1/verify/N-2026-999999?c=AAAAAAAAAA",
     BODY_NONE,
     {404, 404, 404, 404, 404, 404, 404, 404, 404}},
    {"POST",
     "/api/v1/notifications/validate",
     "/api/v1/notifications/validate",
     BODY_NOTIFICATION,
     {401, 200, 200, 403, 403, 403, 403, 403, 403}},
    {"GET",
     "/api/v1/notifications/{id}/confirmation.pdf",
     "/api/v1/notifications/{N}/confirmation.pdf",
     BODY_NONE,
     {401, 200, 404, 403, 403, 200, 200, 403, 403}},
    {"GET",
     "/api/v1/officer/applications/{id}/signatures",
     "/api/v1/officer/applications/999999/signatures",
     BODY_NONE,
     {401, 403, 403, 403, 403, 404, 403, 403, 403}},
    {"GET",
     "/api/v1/stats/notifications/daily",
     "/api/v1/stats/notifications/daily?from=2026-01-01&to=2026-01-31",
     BODY_NONE,
     {401, 403, 403, 403, 403, 200, 403, 200, 403}},
    /* logout ends the session: keep it last */
    {"POST",
     "/api/v1/auth/logout",
     "/api/v1/auth/logout",
     BODY_NONE,
     {401, 204, 204, 204, 204, 204, 204, 204, 204}},
};
#define N_ROWS (sizeof matrix / sizeof matrix[0])

static void setup(void)
{
    if (!qn_api_start(&server, NULL, true))
        abort();
    for (int r = HOST; r < N_ROLES; r++)
        if (!qn_api_login(&server, role_user[r], "demo", tokens[r]))
            abort();
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", tokens[HOST]);
    const char *h[] = {"Content-Type: application/json", auth, NULL};
    char *body = qn_api_notification_json("ACC-HOST-1", "USA", 1, 1, 10, 3000);
    qn_api_resp r;
    qn_api_call(&server, "POST", "/api/v1/notifications", h, body, strlen(body), &r);
    free(body);
    host_notification_id = (long long)json_integer_value(json_object_get(r.json, "id"));
    qn_api_resp_free(&r);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", tokens[ADMIN]);
    const char *acct = "{\"username\":\"spare\",\"password\":\"long-enough-1\",\"role\":\"citizen\"}";
    qn_api_call(&server, "POST", "/api/v1/admin/accounts", h, acct, strlen(acct), &r);
    spare_account_id = (long long)json_integer_value(json_object_get(r.json, "id"));
    qn_api_resp_free(&r);
    if (host_notification_id <= 0 || spare_account_id <= 0)
        abort();
}

static void teardown(void)
{
    if (qn_api_stop(&server) != 0)
        abort();
}

/* Each role walks the whole table in order. */
START_TEST(matrix_role)
{
    int role = _i;
    char failures[4096] = "";
    size_t used = 0;
    for (size_t i = 0; i < N_ROWS; i++) {
        const access_row *row = &matrix[i];
        char path[256];
        long long arg = strstr(row->route, "admin") ? spare_account_id : host_notification_id;
        char num[24];
        snprintf(num, sizeof num, "%lld", arg);
        char *filled = qn_api_replace(row->path, "{N}", num);
        snprintf(path, sizeof path, "%s", filled);
        free(filled);
        char *body = NULL;
        char doc[32];
        snprintf(doc, sizeof doc, "ACC-%d-%zu", role, i);
        switch (row->body) {
        case BODY_NOTIFICATION:
            body = qn_api_notification_json(doc, "USA", 1, 1, 10, 3000);
            break;
        case BODY_BATCH: {
            char *one = qn_api_notification_json(doc, "USA", 1, 1, 10, 3000);
            body = malloc(strlen(one) + 3);
            sprintf(body, "[%s]", one);
            free(one);
            break;
        }
        case BODY_ACCOUNT:
            body = malloc(160);
            snprintf(body, 160,
                     "{\"username\":\"made-by-%d\",\"password\":\"long-enough-1\",\"role\":\"analyst\"}",
                     role);
            break;
        case BODY_EMPTY_OBJECT:
            body = strdup("{}");
            break;
        case BODY_OTP: /* sigapi: a one-time code for a document digest */
            body = strdup("{\"document_digest\":"
                          "\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\","
                          "\"purpose\":\"consent\"}");
            break;
        case BODY_CROSSING:
            body = malloc(320);
            snprintf(body, 320,
                     "{\"citizenship\":\"USA\",\"document_number\":\"%s\",\"kind\":\"entry\","
                     "\"date\":\"2025-06-01\",\"checkpoint\":\"ALA\",\"region\":\"75\",\"surname\":\"A\","
                     "\"given_names\":\"B\",\"birth_date\":\"1990-01-01\",\"sex\":\"M\"}",
                     doc);
            break;
        case BODY_CLOSE:
            body = strdup("{\"reason\":\"dismissed\"}");
            break;
        case BODY_NONE:
            break;
        }
        char auth[128];
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", tokens[role]);
        const char *h[] = {"Content-Type: application/json", role == ANON ? "X-None: 1" : auth, NULL};
        qn_api_resp r;
        ck_assert(qn_api_call(&server, row->method, path, h, body, body ? strlen(body) : 0, &r));
        if (r.status != row->expect[role]) {
            int n = snprintf(failures + used, sizeof failures - used, "\n  %s %s as %s: got %ld, want %d",
                             row->method, path, role_user[role] ? role_user[role] : "anonymous", r.status,
                             row->expect[role]);
            if (n > 0 && (size_t)n < sizeof failures - used)
                used += (size_t)n;
        }
        qn_api_resp_free(&r);
        free(body);
    }
    ck_assert_msg(used == 0, "access matrix mismatches:%s", failures);
}
END_TEST

/* Every route of the server appears in the matrix. */
START_TEST(matrix_covers_routes)
{
    for (size_t i = 0; i < qn_http_route_count; i++) {
        bool found = false;
        for (size_t k = 0; k < N_ROWS; k++)
            if (strcmp(matrix[k].method, qn_http_routes[i].method) == 0 &&
                strcmp(matrix[k].route, qn_http_routes[i].pattern) == 0)
                found = true;
        ck_assert_msg(found, "route %s %s has no row in the access matrix", qn_http_routes[i].method,
                      qn_http_routes[i].pattern);
    }
}
END_TEST

static Suite *access_suite(void)
{
    Suite *s = suite_create("access");
    TCase *tc = tcase_create("matrix");
    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, matrix_role, 0, N_ROLES);
    tcase_add_test(tc, matrix_covers_routes);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(access_suite)
