/* test_crash.c — acknowledged notifications survive kill -9 of the server.
 *
 * 8 client threads submit notifications without pause, each with its own
 * document number and Idempotency-Key, while the main thread kills the
 * server with SIGKILL at a random moment (150..450 ms into each round), six
 * times. After each kill, before the restart: `qonaq audit verify` passes
 * on the database. After each restart (same database): every notification
 * that was answered 201 is there, and no document appears twice in the
 * host's list (nothing recorded twice). Requests cut off by the kill have no
 * answer; at the end each is sent again with the same key and body and
 * must be answered 201 (the stored answer, or a first recording), after
 * which it too is there exactly once. On SQLite and on PostgreSQL (a kill
 * of qonaq, not of the database).
 */
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "support/api_client.h"
#include "support/api_data.h"
#include "support/qn_test.h"

#define CLIENTS 8
#define ROUNDS 6
#define MAX_SUBMISSIONS 20000

typedef enum { S_NONE = 0, S_ACKED, S_UNKNOWN, S_REFUSED } state;

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    qn_api_server server; /* the current server (guarded by mu) */
    bool up, stop;
    int busy; /* clients with a request under way (guarded by mu) */
    char token[65];
    _Atomic int next;
    state st[MAX_SUBMISSIONS];
    long long id[MAX_SUBMISSIONS];
} crash_ctx;

static void doc_of(int n, char out[16]) { snprintf(out, 16, "KX%06d", n); }

/* POSTs submission n to the server at s; returns the status (0 when the
 * transfer failed) and its id. */
static long submit(const qn_api_server *s, const char *token, int n, long long *id)
{
    char doc[16], auth[128], key[64];
    doc_of(n, doc);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    snprintf(key, sizeof key, "Idempotency-Key: crash-%d", n);
    char *body = qn_api_notification_json(doc, "FRA", 1, 1, 12, 3000);
    const char *h[] = {"Content-Type: application/json", auth, key, NULL};
    qn_api_resp r;
    bool sent = qn_api_call(s, "POST", "/api/v1/notifications", h, body, strlen(body), &r);
    long status = sent ? r.status : 0;
    json_t *j = json_object_get(r.json, "id");
    *id = json_is_integer(j) ? (long long)json_integer_value(j) : 0;
    qn_api_resp_free(&r);
    free(body);
    return status;
}

static void *client(void *arg)
{
    crash_ctx *x = arg;
    for (;;) {
        pthread_mutex_lock(&x->mu);
        while (!x->up && !x->stop)
            pthread_cond_wait(&x->cv, &x->mu);
        if (x->stop) {
            pthread_mutex_unlock(&x->mu);
            return NULL;
        }
        qn_api_server s = x->server;
        x->busy++;
        pthread_mutex_unlock(&x->mu);
        int n = atomic_fetch_add(&x->next, 1);
        long long id = 0;
        if (n >= MAX_SUBMISSIONS) {
            pthread_mutex_lock(&x->mu);
            x->busy--;
            pthread_cond_broadcast(&x->cv);
            pthread_mutex_unlock(&x->mu);
            return NULL;
        }
        long status = submit(&s, x->token, n, &id);
        if (status == 201) {
            x->st[n] = S_ACKED;
            x->id[n] = id;
        } else if (status == 0 || status >= 500) {
            x->st[n] = S_UNKNOWN; /* cut off: recorded or not, we cannot tell */
            usleep(2000);
        } else {
            x->st[n] = S_REFUSED; /* a 4xx would be a bug: reported below */
        }
        pthread_mutex_lock(&x->mu);
        x->busy--;
        pthread_cond_broadcast(&x->cv);
        pthread_mutex_unlock(&x->mu);
    }
}

/* Counts, per submission number, how often its document appears in the
 * host's list; false when the list cannot be read. */
static bool count_documents(const qn_api_server *s, const char *token, int *seen, int n)
{
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    const char *h[] = {auth, NULL};
    memset(seen, 0, sizeof *seen * (size_t)n);
    for (int page = 1;; page++) {
        char path[96];
        snprintf(path, sizeof path, "/api/v1/notifications?per_page=200&page=%d", page);
        qn_api_resp r;
        if (!qn_api_call(s, "GET", path, h, NULL, 0, &r) || r.status != 200) {
            qn_api_resp_free(&r);
            return false;
        }
        json_t *items = json_object_get(r.json, "items");
        size_t count = json_array_size(items);
        for (size_t i = 0; i < count; i++) {
            const char *doc = qn_api_str(json_array_get(items, i), "foreigner.document.number");
            int k = -1;
            if (doc && sscanf(doc, "KX%d", &k) == 1 && k >= 0 && k < n)
                seen[k]++;
        }
        qn_api_resp_free(&r);
        if (count < 200)
            return true;
    }
}

static void audit_verify(const char *db)
{
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "'%s' audit verify --db '%s' >/dev/null", getenv("QONAQ_BIN"), db);
    int st = system(cmd);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "audit verify failed after a kill (%s)", db);
}

static void check_acked(crash_ctx *x, int *seen)
{
    int n = atomic_load(&x->next);
    if (n > MAX_SUBMISSIONS)
        n = MAX_SUBMISSIONS;
    ck_assert(count_documents(&x->server, x->token, seen, MAX_SUBMISSIONS));
    for (int k = 0; k < n; k++) {
        ck_assert_msg(seen[k] <= 1, "submission %d recorded %d times", k, seen[k]);
        ck_assert_msg(x->st[k] != S_ACKED || seen[k] == 1, "acknowledged submission %d (id %lld) is lost", k,
                      x->id[k]);
        ck_assert_msg(x->st[k] != S_REFUSED, "submission %d was refused", k);
    }
}

static void crash_run(const char *db_in)
{
    curl_global_init(CURL_GLOBAL_ALL);
    crash_ctx *x = calloc(1, sizeof *x);
    pthread_mutex_init(&x->mu, NULL);
    pthread_cond_init(&x->cv, NULL);
    int *seen = calloc(MAX_SUBMISSIONS, sizeof *seen);
    char db[600];
    if (db_in)
        snprintf(db, sizeof db, "%s", db_in);
    else
        snprintf(db, sizeof db, "sqlite:%s/crash-%d.db", qn_test_tmpdir(), (int)getpid());
    ck_assert(qn_api_start_threads(&x->server, db, true, 16));
    ck_assert(qn_api_login(&x->server, "hotel", "demo", x->token));
    x->up = true;
    pthread_t th[CLIENTS];
    for (int i = 0; i < CLIENTS; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, client, x), 0);
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    for (int round = 0; round < ROUNDS; round++) {
        usleep((useconds_t)(150000 + rand() % 300000));
        pthread_mutex_lock(&x->mu);
        x->up = false;
        pid_t pid = x->server.pid;
        pthread_mutex_unlock(&x->mu);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        /* The requests under way die with the server; wait for their
         * clients to record them before judging. */
        pthread_mutex_lock(&x->mu);
        while (x->busy > 0)
            pthread_cond_wait(&x->cv, &x->mu);
        pthread_mutex_unlock(&x->mu);
        audit_verify(db);
        qn_api_server next;
        ck_assert_msg(qn_api_start_threads(&next, db, true, 16), "restart %d failed", round + 1);
        pthread_mutex_lock(&x->mu);
        x->server = next;
        pthread_mutex_unlock(&x->mu);
        check_acked(x, seen); /* clients wait meanwhile: x->up is false */
        pthread_mutex_lock(&x->mu);
        x->up = true;
        pthread_cond_broadcast(&x->cv);
        pthread_mutex_unlock(&x->mu);
    }
    pthread_mutex_lock(&x->mu);
    x->stop = true;
    pthread_cond_broadcast(&x->cv);
    pthread_mutex_unlock(&x->mu);
    for (int i = 0; i < CLIENTS; i++)
        pthread_join(th[i], NULL);
    int acked = 0;
    for (int k = 0; k < MAX_SUBMISSIONS; k++)
        acked += x->st[k] == S_ACKED;
    ck_assert_msg(acked > 0, "no submission was acknowledged: the load did not run");

    /* Retry every request the kills cut off: same key, same body. */
    int n = atomic_load(&x->next);
    if (n > MAX_SUBMISSIONS)
        n = MAX_SUBMISSIONS;
    int unknown = 0;
    for (int k = 0; k < n; k++) {
        if (x->st[k] != S_UNKNOWN)
            continue;
        unknown++;
        long long id = 0;
        long status = submit(&x->server, x->token, k, &id);
        ck_assert_msg(status == 201, "retry of submission %d: %ld", k, status);
        x->st[k] = S_ACKED;
        x->id[k] = id;
    }
    check_acked(x, seen);
    int recorded = 0;
    for (int k = 0; k < n; k++)
        recorded += seen[k];
    fprintf(stderr,
            "crash test on %s: %d submissions, %d acknowledged before the end, %d cut off and retried, "
            "%d recorded, %d kills\n",
            db, n, acked, unknown, recorded, ROUNDS);
    ck_assert_int_eq(qn_api_stop(&x->server), 0);
    audit_verify(db);
    free(seen);
    free(x);
}

START_TEST(kill9_sqlite) { crash_run(NULL); }
END_TEST

START_TEST(kill9_postgresql)
{
    const char *base = qn_test_env("QONAQ_TEST_PG", 1);
    char url[1024];
    qn_err e;
    qn_err_clear(&e);
    ck_assert_msg(qn_store_fresh_url(base, NULL, url, sizeof url, &e) == QN_OK, "%s", e.message);
    crash_run(url);
}
END_TEST

static Suite *crash_suite(void)
{
    Suite *s = suite_create("crash");
    TCase *tc = tcase_create("kill9");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, kill9_sqlite);
    tcase_add_test(tc, kill9_postgresql);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(crash_suite)
