/* test_api_notif.c — black-box tests of the notification API's audit fixes
 * (branch notif): the real server on a fresh SQLite database, over HTTP.
 *   - an officer's list and the aggregates on a database with more than
 *     100,000 notifications of another region (filled through the store's
 *     bulk path while the server runs);
 *   - validation of the fields (countries, purposes, codes, numbers, names),
 *     also in GET /api/v1/stay;
 *   - duplicates, idempotent batches, canonical JSON for the key;
 *   - batch limits (10,001 rows, --batch-max-rows), the role before the body,
 *     413 before the body is read, a short CSV row's reason, a row that fails
 *     leaving nothing, migration cards;
 *   - Secure cookies behind TLS, API keys listed and revoked, a burst of
 *     concurrent bad logins, --demo on a database with real accounts.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/date.h"
#include "store/store.h"
#include "support/api_client.h"
#include "support/api_data.h"
#include "support/qn_test.h"

static qn_api_server server; /* one per test case (unchecked fixture) */

static void setup(void)
{
#ifdef QN_NOTIF_ON_PG
    /* test_api_notif_pg.c: a fresh database of the throwaway PostgreSQL. */
    char url[1024];
    qn_err e;
    qn_err_clear(&e);
    if (qn_store_fresh_url(qn_test_env("QONAQ_TEST_PG", 1), NULL, url, sizeof url, &e) != QN_OK)
        abort();
    if (!qn_api_start(&server, url, true))
        abort();
#else
    if (!qn_api_start(&server, NULL, true))
        abort();
#endif
}

static void teardown(void)
{
    int status = qn_api_stop(&server);
    if (status != 0) {
        fprintf(stderr, "server exited with %d (log: %s)\n", status, server.log_path);
        abort();
    }
}

#define JSON_H "Content-Type: application/json"
#define CSV_H "Content-Type: text/csv"

static qn_api_resp call_as(const qn_api_server *s, const char *token, const char *method, const char *path,
                           const char *ctype, const char *body, const char *extra)
{
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token ? token : "");
    const char *h[] = {ctype ? ctype : "X-None: 1", token ? auth : "X-None: 1", extra ? extra : "X-None: 1",
                       NULL};
    qn_api_resp r;
    qn_api_call(s, method, path, h, body, body ? strlen(body) : 0, &r);
    return r;
}

static qn_api_resp post_json(const char *token, const char *path, const char *body, const char *extra)
{
    return call_as(&server, token, "POST", path, JSON_H, body, extra);
}

static qn_api_resp get_as(const char *token, const char *path)
{
    return call_as(&server, token, "GET", path, NULL, NULL, NULL);
}

static const char *login(const char *user, char tok[65])
{
    ck_assert_msg(qn_api_login(&server, user, "demo", tok), "login as %s failed", user);
    return tok;
}

static json_int_t jint(const json_t *j, const char *key)
{
    return json_integer_value(json_object_get(j, key));
}

/* The reason given for field in a problem (or a batch row), or NULL. */
static const char *field_reason(const json_t *problem, const char *field)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(problem, "errors"), i,
                       e) if (strcmp(json_string_value(json_object_get(e, "field")), field) ==
                              0) return json_string_value(json_object_get(e, "reason"));
    return NULL;
}

/* Creates an account as the admin; returns its id. */
static json_int_t make_account(const char *json)
{
    char admin[65];
    login("admin", admin);
    qn_api_resp r = post_json(admin, "/api/v1/admin/accounts", json, NULL);
    ck_assert_msg(r.status == 201, "account: %ld %s", r.status, r.body);
    json_int_t id = jint(r.json, "id");
    qn_api_resp_free(&r);
    return id;
}

/* ----------------------------------------------------- large database */

#ifndef QN_NOTIF_ON_PG /* SQLite servers of its own (see the suite) */
enum { OTHER_REGION_ROWS = 100005 };

/* Adds n notifications of region 71 (the demo hotel's) through the store's
 * bulk path, beside the running server (SQLite in WAL mode). */
static void fill_region_71(const char *db, int n)
{
    qn_store *s = NULL;
    qn_store_conn *c = NULL;
    qn_err err;
    qn_err_clear(&err);
    ck_assert_msg(qn_store_open(db, NULL, &s, &err) == QN_OK, "%s", err.message);
    ck_assert(qn_store_acquire(s, &c, &err) == QN_OK);
    qn_store_set_actor(c, 0, "test-fill");
    qn_store_account hotel;
    ck_assert(qn_store_account_by_username(c, "hotel", &hotel, &err) == QN_OK);
    qn_store_person p;
    memset(&p, 0, sizeof p);
    snprintf(p.kind, sizeof p.kind, "foreigner");
    snprintf(p.surname, sizeof p.surname, "BULK");
    snprintf(p.given_names, sizeof p.given_names, "ROW");
    snprintf(p.citizenship, sizeof p.citizenship, "ITA");
    p.birth_date = QN_DATE_NONE;
    snprintf(p.sex, sizeof p.sex, "F");
    ck_assert(qn_store_person_create(c, &p, &err) == QN_OK);
    qn_date_t today = qn_date_from_epoch_kz((int64_t)time(NULL));
    enum { CHUNK = 20000 };
    qn_store_notification *rows = calloc(CHUNK, sizeof *rows);
    qn_store_row_result *res = calloc(CHUNK, sizeof *res);
    for (int done = 0; done < n;) {
        int k = n - done < CHUNK ? n - done : CHUNK;
        for (int i = 0; i < k; i++) {
            qn_store_notification *x = &rows[i];
            memset(x, 0, sizeof *x);
            x->host_account_id = hotel.id;
            x->person_id = p.id;
            x->arrival_date = x->entry_date = x->stay_from = today - 1 - (done + i) % 300;
            x->stay_to = x->stay_from + 5;
            x->deadline = x->arrival_date + 3;
            x->on_time = (done + i) % 4 != 0;
            snprintf(x->checkpoint, sizeof x->checkpoint, "ALA");
            snprintf(x->purpose, sizeof x->purpose, "tourism");
            snprintf(x->region, sizeof x->region, "71");
            snprintf(x->citizenship, sizeof x->citizenship, "ITA");
            x->payload = (char *)"{\"address\":{\"region\":\"71\"}}";
        }
        size_t ok = 0;
        ck_assert_msg(qn_store_notifications_bulk(c, rows, (size_t)k, true, res, &ok, &err) == QN_OK, "%s",
                      err.message);
        done += k;
    }
    free(rows);
    free(res);
    qn_store_release(c);
    qn_store_close(s);
}

START_TEST(officer_list_on_a_large_database)
{
    /* A server of its own: the counts below are of this database only. */
    qn_api_server shared = server;
    ck_assert(qn_api_start(&server, NULL, true));
    char host[65], officer[65], analyst[65];
    login("host", host);
    /* Four notifications of region 75 by the demo host. */
    for (int i = 0; i < 4; i++) {
        char doc[32];
        snprintf(doc, sizeof doc, "BIGDB%03d", i);
        char *body = qn_api_notification_json(doc, "USA", 1 + i, 1 + i, 10, 3000);
        qn_api_resp r = post_json(host, "/api/v1/notifications", body, NULL);
        ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
        qn_api_resp_free(&r);
        free(body);
    }
    fill_region_71(server.db, OTHER_REGION_ROWS);

    /* The officer of region 75: exactly the four, with the real total, paged. */
    login("officer", officer);
    qn_api_resp r = get_as(officer, "/api/v1/notifications?per_page=3");
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(jint(r.json, "total"), 4);
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 3);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r.json, "items"), i, it)
        ck_assert_str_eq(qn_api_str(it, "address.region"), "75");
    qn_api_resp_free(&r);
    r = get_as(officer, "/api/v1/notifications?per_page=3&page=2");
    ck_assert_int_eq(jint(r.json, "total"), 4);
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 1);
    ck_assert_str_eq(
        qn_api_str(json_array_get(json_object_get(r.json, "items"), 0), "foreigner.document.number"),
        "BIGDB003"); /* the oldest arrival is last */
    qn_api_resp_free(&r);

    /* An officer of region 71 pages through all of theirs. */
    make_account(
        "{\"username\":\"officer71\",\"password\":\"long-enough-1\",\"role\":\"officer\",\"region\":\"71\"}");
    char o71[65];
    ck_assert(qn_api_login(&server, "officer71", "long-enough-1", o71));
    r = get_as(o71, "/api/v1/notifications?per_page=200&page=500");
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(jint(r.json, "total"), OTHER_REGION_ROWS);
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 200);
    qn_api_resp_free(&r);
    r = get_as(o71, "/api/v1/notifications?per_page=200&page=501");
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 5);
    qn_api_resp_free(&r);

    /* Aggregates count every row (GROUP BY in the database, no scan cap). */
    login("analyst", analyst);
    r = get_as(analyst, "/api/v1/stats/notifications");
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(jint(r.json, "total"), OTHER_REGION_ROWS + 4);
    ck_assert(json_is_false(json_object_get(r.json, "truncated")));
    bool seen71 = false;
    json_array_foreach(json_object_get(r.json, "by_region"), i,
                       it) if (strcmp(qn_api_str(it, "key"), "71") == 0)
    {
        seen71 = true;
        ck_assert_int_eq(jint(it, "total"), OTHER_REGION_ROWS);
        ck_assert_int_eq(jint(it, "late"), (OTHER_REGION_ROWS + 3) / 4);
    }
    ck_assert(seen71);
    qn_api_resp_free(&r);
    r = get_as(officer, "/api/v1/stats/notifications");
    ck_assert_int_eq(jint(r.json, "total"), 4);
    qn_api_resp_free(&r);
    ck_assert_int_eq(qn_api_stop(&server), 0);
    server = shared;
}
END_TEST
#endif


/* ------------------------------------------------------------ validation */

START_TEST(fields_are_validated)
{
    char tok[65];
    login("host", tok);
    char *body = qn_api_notification_json("VALID001", "USA", 1, 1, 10, 3000);
    static const struct {
        const char *from, *to, *field, *word;
    } cases[] = {
        {"\"citizenship\":\"USA\"", "\"citizenship\":\"ZZZ\"", "foreigner.citizenship", "nationality"},
        {"\"country\":\"USA\"", "\"country\":\"QQQ\"", "foreigner.document.country", "issuing"},
        {"\"citizenship\":\"USA\"", "\"citizenship\":\"D\"", "foreigner.citizenship", "DEU"},
        {"\"citizenship\":\"USA\"", "\"citizenship\":\"UNO\"", "foreigner.citizenship", "nationality"},
        {"\"purpose\":\"tourism\"", "\"purpose\":\"whatever\"", "purpose", "tourism"},
        {"\"region\":\"75\"", "\"code\":\"!!\",\"region\":\"75\"", "address.code", "digits"},
        {"\"region\":\"75\"", "\"code\":\"abc\",\"region\":\"75\"", "address.code", "digits"},
        {"\"number\":\"VALID001\"", "\"number\":\"<script>\"", "foreigner.document.number", "only"},
        {"\"number\":\"VALID001\"", "\"number\":\"valid001\"", "foreigner.document.number", "capital"},
        {"\"surname\":\"TESTER\"", "\"surname\":\"   \"", "foreigner.surname", "blank"},
        {"\"given_names\":\"ALEX\"", "\"given_names\":\"<b>ALEX</b>\"", "foreigner.given_names", "only"},
        {"\"purpose\":\"tourism\"", "\"purpose\":\"tourism\",\"migration_card\":\"mc-1\"",
         "migration_card.number", "capital"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *bad = qn_api_replace(body, cases[i].from, cases[i].to);
        qn_api_resp r = post_json(tok, "/api/v1/notifications", bad, NULL);
        ck_assert_msg(r.status == 422, "%s: %ld %s", cases[i].to, r.status, r.body);
        const char *why = field_reason(r.json, cases[i].field);
        ck_assert_msg(why && strstr(why, cases[i].word), "%s: %s", cases[i].to, r.body);
        qn_api_resp_free(&r);
        free(bad);
    }
    /* ICAO codes are nationalities too: a stateless traveller (XXA) on a
     * document issued by Germany; names are trimmed. */
    char *ok = qn_api_replace(body, "\"citizenship\":\"USA\"", "\"citizenship\":\"XXA\"");
    char *ok2 = qn_api_replace(ok, "\"surname\":\"TESTER\"", "\"surname\":\"  TESTER-SMITH \"");
    char *ok3 = qn_api_replace(ok2, "\"country\":\"USA\"", "\"country\":\"DEU\"");
    qn_api_resp r = post_json(tok, "/api/v1/notifications", ok3, NULL);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    char loc[96];
    ck_assert(qn_api_header(&r, "Location", loc, sizeof loc));
    qn_api_resp_free(&r);
    r = get_as(tok, loc);
    ck_assert_str_eq(qn_api_str(r.json, "foreigner.surname"), "TESTER-SMITH");
    ck_assert_str_eq(qn_api_str(r.json, "foreigner.citizenship"), "XXA");
    qn_api_resp_free(&r);
    free(ok);
    free(ok2);
    free(ok3);
    /* The stay calculator refuses a code that is nobody's nationality. */
    r = get_as(tok, "/api/v1/stay?citizenship=ZZZ&trips=2026-01-01..2026-01-10&on=2026-01-20");
    ck_assert_int_eq(r.status, 422);
    ck_assert_ptr_nonnull(field_reason(r.json, "citizenship"));
    qn_api_resp_free(&r);
    r = get_as(tok, "/api/v1/stay?citizenship=XXA&trips=2026-01-01..2026-01-10&on=2026-01-20");
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    free(body);
}
END_TEST

/* ------------------------------------------- duplicates and idempotency */

START_TEST(duplicates_are_refused)
{
    char tok[65], hotel[65];
    login("host", tok);
    char *body = qn_api_notification_json("DUPL0001", "GBR", 1, 1, 10, 3000);
    qn_api_resp a = post_json(tok, "/api/v1/notifications", body, NULL);
    ck_assert_int_eq(a.status, 201);
    qn_api_resp b = post_json(tok, "/api/v1/notifications", body, NULL);
    ck_assert_int_eq(b.status, 409);
    ck_assert_str_eq(qn_api_str(b.json, "code"), "conflict.duplicate_notification");
    ck_assert_ptr_nonnull(strstr(qn_api_str(b.json, "detail"), qn_api_str(a.json, "number")));
    qn_api_resp_free(&b);
    /* Another host may notify the same arrival. */
    login("hotel", hotel);
    b = post_json(hotel, "/api/v1/notifications", body, NULL);
    ck_assert_int_eq(b.status, 201);
    qn_api_resp_free(&b);
    /* In a batch: a twin of a row on record, and twins within the batch. */
    char *other = qn_api_notification_json("DUPL0002", "GBR", 1, 1, 10, 3000);
    size_t n = strlen(body) * 2 + strlen(other) + 8;
    char *arr = malloc(n);
    snprintf(arr, n, "[%s,%s,%s]", other, body, other);
    b = post_json(tok, "/api/v1/notifications/batch", arr, NULL);
    ck_assert_int_eq(b.status, 200);
    ck_assert_int_eq(jint(b.json, "accepted"), 1);
    json_t *res = json_object_get(b.json, "results");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(res, 0), "result")), "accepted");
    for (size_t k = 1; k < 3; k++)
        ck_assert_str_eq(json_string_value(json_object_get(json_array_get(res, k), "code")),
                         "conflict.duplicate_notification");
    qn_api_resp_free(&b);
    qn_api_resp_free(&a);
    free(arr);
    free(other);
    free(body);
}
END_TEST

START_TEST(idempotent_batches)
{
    char tok[65];
    login("hotel", tok);
    qn_api_resp list0 = get_as(tok, "/api/v1/notifications");
    json_int_t total0 = jint(list0.json, "total");
    qn_api_resp_free(&list0);
    char *csv = qn_api_batch_csv(3, "IDB", 0);
    qn_api_resp a =
        call_as(&server, tok, "POST", "/api/v1/notifications/batch", CSV_H, csv, "Idempotency-Key: day-1");
    ck_assert_int_eq(a.status, 200);
    ck_assert_int_eq(jint(a.json, "accepted"), 3);
    qn_api_resp b =
        call_as(&server, tok, "POST", "/api/v1/notifications/batch", CSV_H, csv, "Idempotency-Key: day-1");
    ck_assert_int_eq(b.status, 200);
    ck_assert_str_eq(a.body, b.body); /* the first answer, verbatim */
    char replayed[16];
    ck_assert(qn_api_header(&b, "Idempotent-Replayed", replayed, sizeof replayed));
    qn_api_resp_free(&b);
    qn_api_resp list = get_as(tok, "/api/v1/notifications");
    ck_assert_int_eq(jint(list.json, "total"), total0 + 3); /* no duplicates */
    qn_api_resp_free(&list);
    /* The same key with another body: 409. */
    char *csv2 = qn_api_batch_csv(2, "IDB", 0);
    b = call_as(&server, tok, "POST", "/api/v1/notifications/batch", CSV_H, csv2, "Idempotency-Key: day-1");
    ck_assert_int_eq(b.status, 409);
    ck_assert_str_eq(qn_api_str(b.json, "code"), "conflict.idempotency_mismatch");
    qn_api_resp_free(&b);
    qn_api_resp_free(&a);
    free(csv);
    free(csv2);

    /* JSON: the canonical form decides, so whitespace and member order of a
     * retry do not make it another request. */
    char *one = qn_api_notification_json("IDBJ0001", "FRA", 1, 1, 10, 3000);
    size_t n = strlen(one) + 8;
    char *arr = malloc(n);
    snprintf(arr, n, "[%s]", one);
    a = post_json(tok, "/api/v1/notifications/batch", arr, "Idempotency-Key: day-2");
    ck_assert_int_eq(a.status, 200);
    char *spaced = qn_api_replace(arr, "[", "[\n  ");
    char *moved = qn_api_replace(spaced, "{\"foreigner\":", "{ \"purpose\" : \"tourism\",\n \"foreigner\":");
    char *dropped = qn_api_replace(moved, ",\"purpose\":\"tourism\"}", "}");
    b = post_json(tok, "/api/v1/notifications/batch", dropped, "Idempotency-Key: day-2");
    ck_assert_msg(b.status == 200 && qn_api_header(&b, "Idempotent-Replayed", replayed, sizeof replayed),
                  "%ld %s / %s", b.status, b.body, dropped);
    ck_assert_str_eq(a.body, b.body);
    qn_api_resp_free(&a);
    qn_api_resp_free(&b);
    /* The single route likewise. */
    a = post_json(tok, "/api/v1/notifications", one, "Idempotency-Key: one-1");
    ck_assert_int_eq(a.status, 409); /* IDBJ0001 is on record from the batch: a duplicate */
    qn_api_resp_free(&a);
    char *fresh = qn_api_replace(one, "IDBJ0001", "IDBJ0002");
    a = post_json(tok, "/api/v1/notifications", fresh, "Idempotency-Key: one-2");
    ck_assert_int_eq(a.status, 201);
    char *fresh_spaced = qn_api_replace(fresh, "\"purpose\":\"tourism\"", "\"purpose\" : \"tourism\"");
    b = post_json(tok, "/api/v1/notifications", fresh_spaced, "Idempotency-Key: one-2");
    ck_assert_int_eq(b.status, 201);
    ck_assert(qn_api_header(&b, "Idempotent-Replayed", replayed, sizeof replayed));
    ck_assert_str_eq(a.body, b.body);
    qn_api_resp_free(&a);
    qn_api_resp_free(&b);
    free(fresh);
    free(fresh_spaced);
    free(one);
    free(arr);
    free(spaced);
    free(moved);
    free(dropped);
}
END_TEST

/* ---------------------------------------------------------- batch rules */

/* A raw request on a socket; the first bytes of the answer into out. */
static void raw_request(int port, const char *head, int wait_s, char *out, size_t cap)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    ssize_t w = write(fd, head, strlen(head));
    ck_assert_int_eq(w, (ssize_t)strlen(head));
    struct timeval tv = {wait_s, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t n = read(fd, out, cap - 1);
    out[n > 0 ? n : 0] = '\0';
    close(fd);
}

START_TEST(batch_limits_and_order_of_checks)
{
    char hotel[65], officer[65];
    login("hotel", hotel);
    login("officer", officer);
    /* 10,001 rows: 413 naming the limit (CSV and JSON). */
    char *csv = qn_api_batch_csv(10001, "BIG", 0);
    qn_api_resp r = call_as(&server, hotel, "POST", "/api/v1/notifications/batch", CSV_H, csv, NULL);
    ck_assert_int_eq(r.status, 413);
    ck_assert_str_eq(qn_api_str(r.json, "code"), "too_large.too_many_rows");
    ck_assert_ptr_nonnull(strstr(qn_api_str(r.json, "detail"), "10000"));
    qn_api_resp_free(&r);
    free(csv);
    char *one = qn_api_notification_json("LIM00001", "ITA", 1, 1, 10, 3000);
    size_t len = strlen(one), cap = (len + 1) * 10001 + 4;
    char *arr = malloc(cap);
    size_t at = 0;
    arr[at++] = '[';
    for (int i = 0; i < 10001; i++) {
        if (i)
            arr[at++] = ',';
        memcpy(arr + at, one, len);
        at += len;
    }
    arr[at++] = ']';
    arr[at] = '\0';
    r = post_json(hotel, "/api/v1/notifications/batch", arr, NULL);
    ck_assert_int_eq(r.status, 413);
    qn_api_resp_free(&r);
    free(arr);
    free(one);

    /* The role is the service's first question: an officer sending a broken
     * CSV (unknown column) is told 403, not what is wrong with the CSV. */
    r = call_as(&server, officer, "POST", "/api/v1/notifications/batch", CSV_H, "shoe_size\n42\n", NULL);
    ck_assert_int_eq(r.status, 403);
    qn_api_resp_free(&r);
    r = post_json(officer, "/api/v1/notifications/batch", "{\"not\":\"an array\"}", NULL);
    ck_assert_int_eq(r.status, 403);
    qn_api_resp_free(&r);

    /* A body announced over the limit is answered 413 before it is sent. */
    char answer[512];
    raw_request(server.port,
                "POST /api/v1/notifications/batch HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n"
                "Content-Length: 30000000\r\n\r\n",
                5, answer, sizeof answer);
    ck_assert_msg(strncmp(answer, "HTTP/1.1 413", 12) == 0, "answered: %.60s", answer);
    raw_request(server.port,
                "POST /api/v1/notifications HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Content-Length: 2000000\r\n\r\n",
                5, answer, sizeof answer);
    ck_assert_msg(strncmp(answer, "HTTP/1.1 413", 12) == 0, "answered: %.60s", answer);
    r = get_as(NULL, "/healthz"); /* and the server is fine */
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);

    /* A short CSV row names its reason. */
    csv = qn_api_batch_csv(2, "SHORT", 0);
    char *cut = strrchr(csv, ',');
    strcpy(cut, "\n"); /* the last row loses its last field */
    r = call_as(&server, hotel, "POST", "/api/v1/notifications/batch", CSV_H, csv, NULL);
    ck_assert_int_eq(r.status, 200);
    json_t *bad = json_array_get(json_object_get(r.json, "results"), 1);
    ck_assert_str_eq(json_string_value(json_object_get(bad, "result")), "rejected");
    ck_assert_int_eq(jint(bad, "line"), 3);
    const char *why = field_reason(bad, "row");
    ck_assert_msg(why && strstr(why, "14 fields but the header has 15"), "%s", r.body);
    qn_api_resp_free(&r);
    free(csv);
}
END_TEST

#ifndef QN_NOTIF_ON_PG /* SQLite servers of its own (see the suite) */
START_TEST(batch_max_rows_is_a_setting)
{
    qn_api_server small;
    const char *opts[] = {"--batch-max-rows", "5", NULL};
    ck_assert(qn_api_start_opts(&small, NULL, true, opts));
    char tok[65];
    ck_assert(qn_api_login(&small, "hotel", "demo", tok));
    char *csv = qn_api_batch_csv(6, "SET", 0);
    qn_api_resp r = call_as(&small, tok, "POST", "/api/v1/notifications/batch", CSV_H, csv, NULL);
    ck_assert_int_eq(r.status, 413);
    ck_assert_ptr_nonnull(strstr(qn_api_str(r.json, "detail"), "at most 5 rows"));
    qn_api_resp_free(&r);
    free(csv);
    csv = qn_api_batch_csv(5, "SET", 0);
    r = call_as(&small, tok, "POST", "/api/v1/notifications/batch", CSV_H, csv, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(jint(r.json, "accepted"), 5);
    qn_api_resp_free(&r);
    free(csv);
    ck_assert_int_eq(qn_api_stop(&small), 0);
}
END_TEST
#endif


START_TEST(failed_row_leaves_nothing)
{
    char tok[65], border[65];
    login("hotel", tok);
    login("border", border);
    /* Row 1 records document ROWS0001 arriving today-1. Row 2 is the same
     * arrival at a new address code (written, then the notification is
     * refused as a duplicate): its address must go with it. Row 3 gives
     * that code in another region: accepted only if row 2 left nothing. */
    char *r1 = qn_api_notification_json("ROWS0001", "ITA", 1, 1, 10, 3000);
    char *r2a = qn_api_replace(r1, "\"region\":\"75\"", "\"code\":\"7700000000000001\",\"region\":\"75\"");
    char *r3a = qn_api_notification_json("ROWS0003", "ITA", 1, 1, 10, 3000);
    char *r3 = qn_api_replace(r3a, "\"region\":\"75\"", "\"code\":\"7700000000000001\",\"region\":\"71\"");
    size_t n = strlen(r1) + strlen(r2a) + strlen(r3) + 8;
    char *arr = malloc(n);
    snprintf(arr, n, "[%s,%s,%s]", r1, r2a, r3);
    qn_api_resp r = post_json(tok, "/api/v1/notifications/batch", arr, NULL);
    ck_assert_int_eq(r.status, 200);
    json_t *res = json_object_get(r.json, "results");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(res, 1), "code")),
                     "conflict.duplicate_notification");
    ck_assert_msg(strcmp(json_string_value(json_object_get(json_array_get(res, 2), "result")), "accepted") ==
                      0,
                  "row 2 left its address behind: %s", r.body);
    qn_api_resp_free(&r);
    r = get_as(border, "/api/v1/stay?document_country=ITA&document_number=ROWS0003");
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    free(r1);
    free(r2a);
    free(r3a);
    free(r3);
    free(arr);
}
END_TEST

START_TEST(migration_card_is_stored)
{
    char tok[65];
    login("host", tok);
    char *body = qn_api_notification_json("CARD0001", "USA", 1, 1, 10, 3000);
    char *with = qn_api_replace(body, "\"purpose\":\"tourism\"",
                                "\"purpose\":\"tourism\",\"migration_card\":{\"number\":\"MC-7731\","
                                "\"border_mark\":\"ALA 2026 no. 17\"}");
    qn_api_resp r = post_json(tok, "/api/v1/notifications", with, NULL);
    ck_assert_msg(r.status == 201, "%s", r.body);
    char loc[96];
    qn_api_header(&r, "Location", loc, sizeof loc);
    qn_api_resp_free(&r);
    r = get_as(tok, loc);
    ck_assert_str_eq(qn_api_str(r.json, "migration_card.number"), "MC-7731");
    ck_assert_str_eq(qn_api_str(r.json, "migration_card.checkpoint"), "ALA");
    ck_assert_str_eq(qn_api_str(r.json, "migration_card.border_mark"), "ALA 2026 no. 17");
    ck_assert_str_eq(qn_api_str(r.json, "migration_card.entry_date"), qn_api_str(r.json, "entry.date"));
    qn_api_resp_free(&r);
    /* The plain string form and the CSV columns. */
    char *plain = qn_api_replace(body, "CARD0001", "CARD0002");
    char *with2 = qn_api_replace(plain, "\"purpose\":\"tourism\"",
                                 "\"purpose\":\"tourism\",\"migration_card\":\"MC8\"");
    r = post_json(tok, "/api/v1/notifications", with2, NULL);
    ck_assert_int_eq(r.status, 201);
    qn_api_header(&r, "Location", loc, sizeof loc);
    qn_api_resp_free(&r);
    r = get_as(tok, loc);
    ck_assert_str_eq(qn_api_str(r.json, "migration_card.number"), "MC8");
    ck_assert_str_eq(qn_api_str(r.json, "migration_card.border_mark"), "");
    qn_api_resp_free(&r);
    char *csv = qn_api_batch_csv(1, "CARDC", 0);
    char *csv2 =
        qn_api_replace(csv, ",purpose\n", ",purpose,migration_card.number,migration_card.border_mark\n");
    char *csv3 = qn_api_replace(csv2, ",tourism\n", ",tourism,MC9,stamp 9\n");
    r = call_as(&server, tok, "POST", "/api/v1/notifications/batch", CSV_H, csv3, NULL);
    ck_assert_int_eq(jint(r.json, "accepted"), 1);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/notifications/%lld",
             (long long)jint(json_array_get(json_object_get(r.json, "results"), 0), "id"));
    qn_api_resp_free(&r);
    r = get_as(tok, path);
    ck_assert_str_eq(qn_api_str(r.json, "migration_card.border_mark"), "stamp 9");
    qn_api_resp_free(&r);
    free(body);
    free(with);
    free(plain);
    free(with2);
    free(csv);
    free(csv2);
    free(csv3);
}
END_TEST

/* ------------------------------------------------------ accounts, keys */

#ifndef QN_NOTIF_ON_PG /* SQLite servers of its own (see the suite) */
START_TEST(secure_cookie_behind_tls)
{
    const char *login_body = "{\"username\":\"host\",\"password\":\"demo\"}";
    const char *h[] = {JSON_H, NULL};
    qn_api_resp r;
    qn_api_call(&server, "POST", "/api/v1/auth/login", h, login_body, strlen(login_body), &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_null(strstr(r.headers, "Secure"));
    qn_api_resp_free(&r);
    qn_api_server tls;
    const char *opts[] = {"--behind-tls", NULL};
    ck_assert(qn_api_start_opts(&tls, NULL, true, opts));
    qn_api_call(&tls, "POST", "/api/v1/auth/login", h, login_body, strlen(login_body), &r);
    ck_assert_int_eq(r.status, 200);
    const char *sess = strstr(r.headers, "qonaq_session=");
    ck_assert_ptr_nonnull(sess);
    const char *eol = strchr(sess, '\n');
    ck_assert_ptr_nonnull(strstr(sess, "; Secure"));
    ck_assert(strstr(sess, "; Secure") < eol);
    ck_assert_ptr_nonnull(strstr(strstr(r.headers, "qonaq_csrf="), "; Secure"));
    qn_api_resp_free(&r);
    ck_assert_int_eq(qn_api_stop(&tls), 0);
}
END_TEST
#endif


START_TEST(api_keys_listed_and_revoked)
{
    char hotel[65], admin[65], citizen[65];
    login("hotel", hotel);
    login("admin", admin);
    login("citizen", citizen);
    qn_api_resp r = post_json(hotel, "/api/v1/api-keys", "{\"label\":\"pms-front\"}", NULL);
    ck_assert_int_eq(r.status, 201);
    json_int_t key_id = jint(r.json, "id");
    char key[100], keyh[120];
    snprintf(key, sizeof key, "%s", qn_api_str(r.json, "key"));
    snprintf(keyh, sizeof keyh, "X-API-Key: %s", key);
    qn_api_resp_free(&r);
    /* Listed without the secret, to the hotel and to another operator of its BIN. */
    r = get_as(hotel, "/api/v1/api-keys");
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "pms-front"));
    ck_assert_ptr_null(strstr(r.body, key + 3));
    qn_api_resp_free(&r);
    make_account(
        "{\"username\":\"hotel-night\",\"password\":\"long-enough-1\",\"role\":\"hotel\",\"iin_bin\":"
        "\"150340012340\"}");
    char night[65];
    ck_assert(qn_api_login(&server, "hotel-night", "long-enough-1", night));
    r = get_as(night, "/api/v1/api-keys");
    ck_assert_ptr_nonnull(strstr(r.body, "pms-front"));
    qn_api_resp_free(&r);
    /* Others: a citizen 403; a legal entity of another BIN does not see it. */
    r = get_as(citizen, "/api/v1/api-keys");
    ck_assert_int_eq(r.status, 403);
    qn_api_resp_free(&r);
    make_account("{\"username\":\"legal-x\",\"password\":\"long-enough-1\",\"role\":\"host-legal-entity\","
                 "\"iin_bin\":\"150440005552\"}");
    char legal[65];
    ck_assert(qn_api_login(&server, "legal-x", "long-enough-1", legal));
    r = get_as(legal, "/api/v1/api-keys");
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_null(strstr(r.body, "pms-front"));
    qn_api_resp_free(&r);
    /* the administrator lists by account */
    r = get_as(admin, "/api/v1/api-keys");
    ck_assert_int_eq(r.status, 422);
    qn_api_resp_free(&r);
    char path[96];
    qn_api_resp me = get_as(hotel, "/api/v1/me");
    snprintf(path, sizeof path, "/api/v1/api-keys?account_id=%lld", (long long)jint(me.json, "account_id"));
    qn_api_resp_free(&me);
    r = get_as(admin, path);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "pms-front"));
    qn_api_resp_free(&r);
    /* The key works, cannot revoke itself, is revoked by the hotel, then fails. */
    const char *kh[] = {keyh, NULL};
    qn_api_call(&server, "GET", "/api/v1/me", kh, NULL, 0, &r);
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/api-keys/%lld", (long long)key_id);
    qn_api_call(&server, "DELETE", path, kh, NULL, 0, &r);
    ck_assert_int_eq(r.status, 403);
    qn_api_resp_free(&r);
    r = call_as(&server, citizen, "DELETE", path, NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 403);
    qn_api_resp_free(&r);
    r = call_as(&server, night, "DELETE", path, NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert(json_is_true(json_object_get(r.json, "revoked")));
    qn_api_resp_free(&r);
    qn_api_call(&server, "GET", "/api/v1/me", kh, NULL, 0, &r);
    ck_assert_int_eq(r.status, 401);
    qn_api_resp_free(&r);
    r = get_as(hotel, "/api/v1/api-keys");
    ck_assert_ptr_nonnull(strstr(r.body, "\"revoked\":true"));
    qn_api_resp_free(&r);
    /* A border account's key is its own: the hotel gets 404 for it; the
     * administrator revokes any. */
    char border[65];
    login("border", border);
    r = post_json(border, "/api/v1/api-keys", "{}", NULL);
    json_int_t bkey = jint(r.json, "id");
    qn_api_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/api-keys/%lld", (long long)bkey);
    r = call_as(&server, hotel, "DELETE", path, NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);
    r = call_as(&server, admin, "DELETE", path, NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    r = call_as(&server, admin, "DELETE", "/api/v1/api-keys/999999", NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);
}
END_TEST

typedef struct {
    int status;
} login_try;

static void *bad_login(void *p)
{
    login_try *t = p;
    const char *body = "{\"username\":\"foreigner\",\"password\":\"wrong\"}";
    const char *h[] = {JSON_H, NULL};
    qn_api_resp r;
    qn_api_call(&server, "POST", "/api/v1/auth/login", h, body, strlen(body), &r);
    t->status = (int)r.status;
    qn_api_resp_free(&r);
    return NULL;
}

START_TEST(concurrent_bad_logins_are_counted)
{
    enum { N = 30 };
    pthread_t th[N];
    login_try tries[N];
    for (int i = 0; i < N; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, bad_login, &tries[i]), 0);
    int n401 = 0, n429 = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        n401 += tries[i].status == 401;
        n429 += tries[i].status == 429;
    }
    ck_assert_int_eq(n401, 5); /* QN_LOGIN_MAX_PER_ACCOUNT, not one more */
    ck_assert_int_eq(n429, N - 5);
}
END_TEST

/* ----------------------------------------------------------------- demo */

#ifndef QN_NOTIF_ON_PG /* SQLite servers of its own (see the suite) */
START_TEST(demo_refused_with_real_accounts)
{
    /* A server of its own (the fixture's belongs to the parent process). */
    qn_api_server shared = server;
    ck_assert(qn_api_start(&server, NULL, true));
    make_account("{\"username\":\"real-person\",\"password\":\"long-enough-1\",\"role\":\"analyst\"}");
    char db[512];
    snprintf(db, sizeof db, "%s", server.db);
    ck_assert_int_eq(qn_api_stop(&server), 0);
    /* The same database again with --demo: the server refuses to start. */
    int port = qn_api_free_port();
    char listen[32], log[600];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    snprintf(log, sizeof log, "%s/demo-refused-%d.log", qn_test_tmpdir(), (int)getpid());
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        FILE *f = freopen(log, "w", stderr);
        (void)f;
        setenv("QONAQ_PWHASH", "min", 1);
        execl(getenv("QONAQ_BIN"), "qonaq", "serve", "--listen", listen, "--db", db, "--demo", (char *)NULL);
        _exit(127);
    }
    int st = 0;
    for (int i = 0; i < 400 && waitpid(pid, &st, WNOHANG) == 0; i++) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
        if (i == 399) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            ck_abort_msg("the server started with --demo on a database with a real account");
        }
    }
    ck_assert(WIFEXITED(st));
    ck_assert_int_eq(WEXITSTATUS(st), 1);
    FILE *f = fopen(log, "r");
    char text[1024] = "";
    size_t got = f ? fread(text, 1, sizeof text - 1, f) : 0;
    text[got] = '\0';
    if (f)
        fclose(f);
    ck_assert_msg(strstr(text, "--demo refused") != NULL, "stderr: %s", text);
    /* Without --demo it serves, the real account intact. */
    ck_assert(qn_api_start(&server, db, false));
    ck_assert(qn_api_login(&server, "real-person", "long-enough-1", text));
    ck_assert_int_eq(qn_api_stop(&server), 0);
    server = shared;
}
END_TEST
#endif


static Suite *api_notif_suite(void)
{
    Suite *s = suite_create("api_notif");
    TCase *tc = tcase_create("notif");
    tcase_set_timeout(tc, 600);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, fields_are_validated);
    tcase_add_test(tc, duplicates_are_refused);
    tcase_add_test(tc, idempotent_batches);
    tcase_add_test(tc, batch_limits_and_order_of_checks);
    tcase_add_test(tc, failed_row_leaves_nothing);
    tcase_add_test(tc, migration_card_is_stored);
    tcase_add_test(tc, api_keys_listed_and_revoked);
    tcase_add_test(tc, concurrent_bad_logins_are_counted);
#ifndef QN_NOTIF_ON_PG
    /* These start servers of their own on SQLite: once is enough. */
    tcase_add_test(tc, batch_max_rows_is_a_setting);
    tcase_add_test(tc, secure_cookie_behind_tls);
    tcase_add_test(tc, officer_list_on_a_large_database);
    tcase_add_test(tc, demo_refused_with_real_accounts);
#endif
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(api_notif_suite)
