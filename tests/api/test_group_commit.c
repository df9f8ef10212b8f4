/* test_group_commit.c — many concurrent submissions through the group
 * commit (src/service/committer.c), on SQLite and on PostgreSQL.
 *
 * 24 client threads send 12 notifications each at the same server (32
 * request threads), mixing every kind of outcome so that requests with
 * different fates share a group:
 *   A  valid, own document, own Idempotency-Key           -> 201, recorded
 *   B  invalid (document expired), with a key             -> 422 (the key is
 *      claimed and rolled back inside the group)
 *   C  invalid, no key                                    -> 422 (never queued)
 *   D  the key of the thread's last A with another body   -> 409 mismatch
 *   E  address code registered in region 75, sent as 71  -> 422 address.region
 *      (fails inside the group, in its own savepoint)
 *   F  one body and one key sent by every thread at once  -> 201 for all, the
 *      same id: recorded once
 *   G  a document shared by all threads, own keys         -> 201 each, one
 *      person found or created inside the group
 * Then: every A and G answer's id reads back with the document it was sent
 * with, the host's list counts exactly the records expected (nothing lost,
 * nothing twice, nothing of a failed request), the audit chain verifies
 * (`qonaq audit verify`), and /metrics shows groups larger than one.
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

#define THREADS 24
#define PER_THREAD 12

typedef enum { K_VALID, K_INVALID_KEY, K_INVALID, K_MISMATCH, K_REGION, K_SHARED, K_SAME_DOC } kind;

/* The kind of request j of a thread (the same plan for every thread, so the
 * shared request F is sent by all threads at about the same time). */
static const kind plan[PER_THREAD] = {K_VALID,    K_INVALID_KEY, K_VALID, K_MISMATCH, K_REGION,   K_SHARED,
                                      K_SAME_DOC, K_INVALID,     K_VALID, K_REGION,   K_SAME_DOC, K_MISMATCH};

typedef struct {
    long status;
    long long id;
    char doc[32];
    char sub[64]; /* problem code */
    char field[96];
} outcome;

typedef struct {
    const qn_api_server *server;
    const char *token;
    int t;
    outcome out[PER_THREAD];
} worker;

static void *run_worker(void *arg)
{
    worker *w = arg;
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", w->token);
    char last_key[80] = "";
    for (int j = 0; j < PER_THREAD; j++) {
        outcome *o = &w->out[j];
        char key[80] = "";
        char *body = NULL;
        switch (plan[j]) {
        case K_VALID:
            snprintf(o->doc, sizeof o->doc, "GC%02d%02d", w->t, j);
            snprintf(key, sizeof key, "gc-%d-%d", w->t, j);
            snprintf(last_key, sizeof last_key, "%s", key);
            body = qn_api_notification_json(o->doc, "DEU", 1, 1, 10, 3000);
            break;
        case K_INVALID_KEY:
            snprintf(o->doc, sizeof o->doc, "GX%02d%02d", w->t, j);
            snprintf(key, sizeof key, "gc-%d-%d", w->t, j);
            body = qn_api_notification_json(o->doc, "DEU", 1, 1, 10, -5); /* expired */
            break;
        case K_INVALID:
            snprintf(o->doc, sizeof o->doc, "GY%02d%02d", w->t, j);
            body = qn_api_notification_json(o->doc, "DEU", 1, 1, 10, -5);
            break;
        case K_MISMATCH:
            snprintf(o->doc, sizeof o->doc, "GM%02d%02d", w->t, j);
            snprintf(key, sizeof key, "%s", last_key);
            body = qn_api_notification_json(o->doc, "DEU", 1, 1, 10, 3000);
            break;
        case K_REGION: {
            snprintf(o->doc, sizeof o->doc, "GR%02d%02d", w->t, j);
            snprintf(key, sizeof key, "gc-%d-%d", w->t, j);
            char *b = qn_api_notification_json(o->doc, "DEU", 1, 1, 10, 3000);
            body = qn_api_replace(b, "\"address\":{\"region\":\"75\"",
                                  "\"address\":{\"code\":\"0201100012345678\",\"region\":\"71\"");
            free(b);
            break;
        }
        case K_SHARED:
            snprintf(o->doc, sizeof o->doc, "GSHARED1");
            snprintf(key, sizeof key, "gc-shared");
            body = qn_api_notification_json(o->doc, "DEU", 1, 1, 10, 3000);
            break;
        case K_SAME_DOC: {
            /* One foreigner, many notifications at once: each of its own
             * arrival day (a second notification of the same host, person
             * and day is refused as a duplicate, docs/api.md). */
            snprintf(o->doc, sizeof o->doc, "GSAMEDOC");
            snprintf(key, sizeof key, "gc-%d-%d", w->t, j);
            int ago = 1 + w->t * 2 + (j > PER_THREAD / 2);
            body = qn_api_notification_json(o->doc, "DEU", ago, ago, 60, 3000);
            break;
        }
        }
        char keyh[128];
        snprintf(keyh, sizeof keyh, "Idempotency-Key: %s", key);
        const char *h[] = {"Content-Type: application/json", auth, key[0] ? keyh : "X-None: 1", NULL};
        qn_api_resp r;
        if (qn_api_call(w->server, "POST", "/api/v1/notifications", h, body, strlen(body), &r)) {
            o->status = r.status;
            json_t *id = json_object_get(r.json, "id");
            o->id = json_is_integer(id) ? (long long)json_integer_value(id) : 0;
            const char *code = qn_api_str(r.json, "code");
            snprintf(o->sub, sizeof o->sub, "%s", code ? code : "");
            json_t *errs = json_object_get(r.json, "errors");
            const char *f = json_string_value(json_object_get(json_array_get(errs, 0), "field"));
            snprintf(o->field, sizeof o->field, "%s", f ? f : "");
        }
        qn_api_resp_free(&r);
        free(body);
    }
    return NULL;
}

static long long metric(const qn_api_server *s, const char *name)
{
    qn_api_resp r;
    long long v = -1;
    if (qn_api_call(s, "GET", "/metrics", NULL, NULL, 0, &r)) {
        const char *at = strstr(r.body, name);
        while (at && at > r.body && at[-1] != '\n')
            at = strstr(at + 1, name);
        if (at)
            v = atoll(at + strlen(name) + 1);
    }
    qn_api_resp_free(&r);
    return v;
}

static void check_concurrent(const char *db)
{
    curl_global_init(CURL_GLOBAL_ALL);
    qn_api_server s;
    ck_assert(qn_api_start_threads(&s, db, true, 32));
    char tok[65];
    ck_assert(qn_api_login(&s, "hotel", "demo", tok));

    worker *w = calloc(THREADS, sizeof *w);
    pthread_t th[THREADS];
    for (int t = 0; t < THREADS; t++) {
        w[t].server = &s;
        w[t].token = tok;
        w[t].t = t;
        ck_assert_int_eq(pthread_create(&th[t], NULL, run_worker, &w[t]), 0);
    }
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);

    long long shared_id = 0;
    int expected = 1; /* the shared F */
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
    const char *h[] = {auth, NULL};
    for (int t = 0; t < THREADS; t++)
        for (int j = 0; j < PER_THREAD; j++) {
            const outcome *o = &w[t].out[j];
            switch (plan[j]) {
            case K_VALID:
            case K_SAME_DOC: {
                ck_assert_msg(o->status == 201, "thread %d request %d: %ld", t, j, o->status);
                expected++;
                char path[64];
                snprintf(path, sizeof path, "/api/v1/notifications/%lld", o->id);
                qn_api_resp r;
                ck_assert(qn_api_call(&s, "GET", path, h, NULL, 0, &r));
                ck_assert_int_eq(r.status, 200);
                ck_assert_str_eq(qn_api_str(r.json, "foreigner.document.number"), o->doc);
                qn_api_resp_free(&r);
                break;
            }
            case K_INVALID_KEY:
            case K_INVALID:
                ck_assert_msg(o->status == 422, "thread %d request %d: %ld", t, j, o->status);
                ck_assert_str_eq(o->field, "foreigner.document.expires");
                break;
            case K_MISMATCH:
                ck_assert_msg(o->status == 409, "thread %d request %d: %ld", t, j, o->status);
                ck_assert_msg(strstr(o->sub, "idempotency_mismatch") != NULL, "code %s", o->sub);
                break;
            case K_REGION:
                ck_assert_msg(o->status == 422, "thread %d request %d: %ld", t, j, o->status);
                ck_assert_str_eq(o->field, "address.region");
                break;
            case K_SHARED:
                ck_assert_msg(o->status == 201, "thread %d shared: %ld", t, o->status);
                if (!shared_id)
                    shared_id = o->id;
                ck_assert_int_eq(o->id, shared_id);
                break;
            }
        }
    ck_assert_int_gt(shared_id, 0);

    /* Exactly the expected records: nothing lost, nothing twice, nothing
     * of a request that failed. */
    qn_api_resp r;
    ck_assert(qn_api_call(&s, "GET", "/api/v1/notifications?per_page=1", h, NULL, 0, &r));
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "total")), expected);
    qn_api_resp_free(&r);

    long long jobs = metric(&s, "qonaq_commit_jobs_total");
    long long groups = metric(&s, "qonaq_commit_groups_total");
    long long largest = metric(&s, "qonaq_commit_group_largest");
    ck_assert_msg(largest > 1 && groups < jobs,
                  "no group held more than one request (%lld jobs, %lld groups)", jobs, groups);
    ck_assert_int_eq(qn_api_stop(&s), 0);

    char cmd[1400];
    snprintf(cmd, sizeof cmd, "'%s' audit verify --db '%s' >/dev/null", getenv("QONAQ_BIN"), db ? db : s.db);
    int st = system(cmd);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "audit verify failed on %s", db ? db : s.db);
    free(w);
}

START_TEST(concurrent_sqlite) { check_concurrent(NULL); }
END_TEST

START_TEST(concurrent_postgresql)
{
    const char *base = qn_test_env("QONAQ_TEST_PG", 1);
    char url[1024];
    qn_err e;
    qn_err_clear(&e);
    ck_assert_msg(qn_store_fresh_url(base, NULL, url, sizeof url, &e) == QN_OK, "%s", e.message);
    check_concurrent(url);
}
END_TEST

static Suite *group_suite(void)
{
    Suite *s = suite_create("group_commit");
    TCase *tc = tcase_create("concurrent");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, concurrent_sqlite);
    tcase_add_test(tc, concurrent_postgresql);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(group_suite)
