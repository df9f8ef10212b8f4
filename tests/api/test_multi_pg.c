/* test_multi_pg.c — two qonaq servers on one PostgreSQL database: the path
 * past one machine (docs/scaling.md).
 *
 *   - a session made on server A works on server B (servers keep no state);
 *   - a notification written through A is read, listed and counted through B;
 *   - an Idempotency-Key used on A and retried on B is one record with one
 *     answer; the same key with another body on B is 409;
 *   - the same key and body sent to A and B at the same moment, many times:
 *     each pair is one record and both answers carry the same id (the claim
 *     on one server waits for the other's commit);
 *   - both servers write concurrently (their committers interleave groups),
 *     and the audit chain still verifies: one chain, in commit order.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "store/store.h"
#include "support/api_client.h"
#include "support/api_data.h"
#include "support/qn_test.h"

#define PAIRS 40
#define WRITERS 6
#define PER_WRITER 25

static qn_api_resp call(const qn_api_server *s, const char *method, const char *path, const char *token,
                        const char *body, const char *key)
{
    char auth[128], keyh[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    snprintf(keyh, sizeof keyh, "Idempotency-Key: %s", key ? key : "");
    const char *h[] = {"Content-Type: application/json", auth, key ? keyh : "X-None: 1", NULL};
    qn_api_resp r;
    qn_api_call(s, method, path, h, body, body ? strlen(body) : 0, &r);
    return r;
}

static long long total(const qn_api_server *s, const char *token)
{
    qn_api_resp r = call(s, "GET", "/api/v1/notifications?per_page=1", token, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    long long n = (long long)json_integer_value(json_object_get(r.json, "total"));
    qn_api_resp_free(&r);
    return n;
}

typedef struct {
    const qn_api_server *server;
    const char *token;
    char doc[16];
    char key[32];
    long status;
    long long id;
    pthread_barrier_t *start;
} shot;

static void *fire(void *arg)
{
    shot *s = arg;
    char *body = qn_api_notification_json(s->doc, "ITA", 1, 1, 7, 3000);
    pthread_barrier_wait(s->start);
    qn_api_resp r = call(s->server, "POST", "/api/v1/notifications", s->token, body, s->key);
    s->status = r.status;
    json_t *id = json_object_get(r.json, "id");
    s->id = json_is_integer(id) ? (long long)json_integer_value(id) : 0;
    qn_api_resp_free(&r);
    free(body);
    return NULL;
}

typedef struct {
    const qn_api_server *server;
    const char *token;
    int w;
    int created;
} writer;

static void *write_many(void *arg)
{
    writer *w = arg;
    for (int i = 0; i < PER_WRITER; i++) {
        char doc[16], key[32];
        snprintf(doc, sizeof doc, "MW%02d%03d", w->w, i);
        snprintf(key, sizeof key, "mw-%d-%d", w->w, i);
        char *body = qn_api_notification_json(doc, "ESP", 1, 1, 7, 3000);
        qn_api_resp r = call(w->server, "POST", "/api/v1/notifications", w->token, body, key);
        w->created += r.status == 201;
        qn_api_resp_free(&r);
        free(body);
    }
    return NULL;
}

START_TEST(two_servers_one_database)
{
    curl_global_init(CURL_GLOBAL_ALL);
    const char *base = qn_test_env("QONAQ_TEST_PG", 1);
    char url[1024];
    qn_err e;
    qn_err_clear(&e);
    ck_assert_msg(qn_store_fresh_url(base, NULL, url, sizeof url, &e) == QN_OK, "%s", e.message);
    qn_api_server a, b;
    ck_assert(qn_api_start_threads(&a, url, true, 8));
    ck_assert(qn_api_start_threads(&b, url, true, 8)); /* migrations and demo seed already there */
    ck_assert_int_ne(a.port, b.port);

    /* A session made on A is good on B. */
    char tok[65];
    ck_assert(qn_api_login(&a, "hotel", "demo", tok));
    ck_assert_int_eq(total(&b, tok), 0);

    /* Written through A, read through B. */
    char *body = qn_api_notification_json("MP000001", "ITA", 1, 1, 7, 3000);
    qn_api_resp w = call(&a, "POST", "/api/v1/notifications", tok, body, "mp-1");
    ck_assert_int_eq(w.status, 201);
    char loc[96];
    ck_assert(qn_api_header(&w, "Location", loc, sizeof loc));
    qn_api_resp r = call(&b, "GET", loc, tok, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(qn_api_str(r.json, "foreigner.document.number"), "MP000001");
    ck_assert_str_eq(qn_api_str(r.json, "number"), qn_api_str(w.json, "number"));
    qn_api_resp_free(&r);

    /* The key used on A, retried on B: the stored answer, no new record. */
    r = call(&b, "POST", "/api/v1/notifications", tok, body, "mp-1");
    ck_assert_int_eq(r.status, 201);
    ck_assert_str_eq(r.body, w.body);
    ck_assert(strstr(r.headers, "Idempotent-Replayed: true") != NULL);
    qn_api_resp_free(&r);
    char *other = qn_api_replace(body, "MP000001", "MP000002");
    r = call(&b, "POST", "/api/v1/notifications", tok, other, "mp-1");
    ck_assert_int_eq(r.status, 409);
    qn_api_resp_free(&r);
    ck_assert_int_eq(total(&a, tok), 1);
    qn_api_resp_free(&w);
    free(body);
    free(other);

    /* The same key and body at A and B at once, PAIRS times. */
    for (int p = 0; p < PAIRS; p++) {
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, 2);
        shot s[2];
        memset(s, 0, sizeof s);
        pthread_t th[2];
        for (int i = 0; i < 2; i++) {
            s[i].server = i ? &b : &a;
            s[i].token = tok;
            snprintf(s[i].doc, sizeof s[i].doc, "MQ%04d", p);
            snprintf(s[i].key, sizeof s[i].key, "mq-%d", p);
            s[i].start = &start;
            ck_assert_int_eq(pthread_create(&th[i], NULL, fire, &s[i]), 0);
        }
        for (int i = 0; i < 2; i++)
            pthread_join(th[i], NULL);
        pthread_barrier_destroy(&start);
        ck_assert_msg(s[0].status == 201 && s[1].status == 201, "pair %d: %ld and %ld", p, s[0].status,
                      s[1].status);
        ck_assert_msg(s[0].id == s[1].id, "pair %d recorded twice (%lld, %lld)", p, s[0].id, s[1].id);
    }
    ck_assert_int_eq(total(&b, tok), 1 + PAIRS);

    /* Both servers writing at once. */
    writer wr[WRITERS];
    pthread_t wt[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        wr[i] = (writer){.server = i % 2 ? &b : &a, .token = tok, .w = i, .created = 0};
        ck_assert_int_eq(pthread_create(&wt[i], NULL, write_many, &wr[i]), 0);
    }
    int created = 0;
    for (int i = 0; i < WRITERS; i++) {
        pthread_join(wt[i], NULL);
        created += wr[i].created;
    }
    ck_assert_int_eq(created, WRITERS * PER_WRITER);
    ck_assert_int_eq(total(&a, tok), 1 + PAIRS + WRITERS * PER_WRITER);
    ck_assert_int_eq(total(&b, tok), 1 + PAIRS + WRITERS * PER_WRITER);

    ck_assert_int_eq(qn_api_stop(&a), 0);
    ck_assert_int_eq(qn_api_stop(&b), 0);
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "'%s' audit verify --db '%s' >/dev/null", getenv("QONAQ_BIN"), url);
    int st = system(cmd);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "audit verify failed");
}
END_TEST

static Suite *multi_suite(void)
{
    Suite *s = suite_create("multi_pg");
    TCase *tc = tcase_create("two_servers");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, two_servers_one_database);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(multi_suite)
