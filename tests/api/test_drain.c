/* test_drain.c — SIGTERM drains requests in flight and exits 0.
 *
 * A large CSV batch is sent from a second thread; once the server has
 * started on it (the request is in flight), SIGTERM is delivered. The server
 * must stop accepting new connections at once, still answer the batch in
 * full, and exit with status 0.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "support/api_client.h"
#include "support/api_data.h"
#include "support/qn_test.h"

typedef struct {
    qn_api_server *server;
    char token[65];
    char *csv;
    qn_api_resp resp;
    bool transferred;
} batch_job;

static void *send_batch(void *arg)
{
    batch_job *job = arg;
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", job->token);
    const char *h[] = {"Content-Type: text/csv", auth, NULL};
    job->transferred = qn_api_call(job->server, "POST", "/api/v1/notifications/batch", h, job->csv,
                                   strlen(job->csv), &job->resp);
    return NULL;
}

static bool can_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

START_TEST(sigterm_drains_in_flight)
{
    qn_api_server server;
    ck_assert(qn_api_start(&server, NULL, true));
    batch_job job = {.server = &server};
    ck_assert(qn_api_login(&server, "hotel", "demo", job.token));
    /* 3,000 rows: long enough under ASan (about a second or more) to be in
     * flight at the SIGTERM, short enough to finish within the 10 s drain
     * on a loaded machine (10,000 rows took 10.6 s there). */
    job.csv = qn_api_batch_csv(3000, "DRN", 0);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, send_batch, &job), 0);
    /* Wait until the batch is being processed: the log shows no answer yet
     * and the request was sent (give the upload a moment). */
    struct timespec ts = {0, 300 * 1000 * 1000};
    nanosleep(&ts, NULL);
    ck_assert_int_eq(kill(server.pid, SIGTERM), 0);
    nanosleep(&ts, NULL);
    bool accepted_after_term = can_connect(server.port);
    pthread_join(t, NULL);
    int st = qn_api_stop(&server); /* already terminating: waits for the exit */
    ck_assert_msg(job.transferred, "the in-flight batch got no answer");
    ck_assert_int_eq(job.resp.status, 200);
    ck_assert_int_eq(json_integer_value(json_object_get(job.resp.json, "accepted")), 3000);
    ck_assert_msg(!accepted_after_term, "the server still accepted connections after SIGTERM");
    ck_assert_int_eq(st, 0);
    qn_api_resp_free(&job.resp);
    free(job.csv);
}
END_TEST

static Suite *drain_suite(void)
{
    Suite *s = suite_create("drain");
    TCase *tc = tcase_create("sigterm");
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, sigterm_drains_in_flight);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(drain_suite)
