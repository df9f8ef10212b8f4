/* test_hostile.c — hostile HTTP against the real server: slow clients,
 * oversized bodies and headers, malformed framing, more connections than
 * the limits; after each, the server is up and answers a normal client.
 *
 * Attackers connect from other loopback addresses (127.0.0.2..) than the
 * normal client (127.0.0.1), so the per-address connection limit
 * (--per-ip-connections, default 128) is what is tested: one address
 * cannot take the server's connections from the others.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "support/api_client.h"
#include "support/api_data.h"
#include "support/qn_test.h"

static qn_api_server server;

static void setup(void)
{
    if (!qn_api_start(&server, NULL, true))
        abort();
}

static void teardown(void)
{
    int status = qn_api_stop(&server);
    if (status != 0) {
        fprintf(stderr, "server exited with %d (log: %s)\n", status, server.log_path);
        abort();
    }
}

/* A TCP connection to the server from 127.0.0.<from>; -1 when refused. */
static int connect_from(int from)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in me;
    memset(&me, 0, sizeof me);
    me.sin_family = AF_INET;
    me.sin_addr.s_addr = htonl(0x7f000000u | (uint32_t)from);
    if (from != 1 && bind(fd, (struct sockaddr *)&me, sizeof me) != 0) {
        close(fd);
        return -1;
    }
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)server.port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Sends data on a fresh connection, half-closes if asked, and reads the
 * answer (up to cap-1 bytes, 3 s at most) into answer. */
static void raw_exchange(const char *data, size_t len, bool shut, char *answer, size_t cap)
{
    int fd = connect_from(1);
    ck_assert_int_ge(fd, 0);
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w <= 0)
            break; /* the server may close early on a refused request */
        off += (size_t)w;
    }
    if (shut)
        shutdown(fd, SHUT_WR);
    struct timeval tv = {3, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    size_t got = 0;
    for (;;) {
        ssize_t n = read(fd, answer + got, cap - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
        if (got + 1 >= cap)
            break;
    }
    answer[got] = '\0';
    close(fd);
}

/* The status of a raw answer, 0 when there was none. */
static int status_of(const char *answer)
{
    int st = 0;
    if (sscanf(answer, "HTTP/1.%*d %d", &st) != 1)
        return 0;
    return st;
}

static void assert_healthy(void)
{
    qn_api_resp r;
    ck_assert_msg(qn_api_call(&server, "GET", "/healthz", NULL, NULL, 0, &r), "the server does not answer");
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
}

static const char *login(char tok[65])
{
    ck_assert(qn_api_login(&server, "hotel", "demo", tok));
    return tok;
}

static long long total_notifications(const char *tok)
{
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
    const char *h[] = {auth, NULL};
    qn_api_resp r;
    ck_assert(qn_api_call(&server, "GET", "/api/v1/notifications?per_page=1", h, NULL, 0, &r));
    ck_assert_int_eq(r.status, 200);
    long long n = (long long)json_integer_value(json_object_get(r.json, "total"));
    qn_api_resp_free(&r);
    return n;
}

/* ------------------------------------------------------------ slow clients */

typedef struct {
    int *fds;
    int n;
    volatile int stop;
} slow_ctx;

/* Sends a header a byte at a time on every socket, forever (until stop). */
static void *drip(void *arg)
{
    slow_ctx *c = arg;
    static const char line[] =
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    size_t pos = 0;
    while (!c->stop) {
        for (int i = 0; i < c->n; i++)
            if (c->fds[i] >= 0 && send(c->fds[i], &line[pos % (sizeof line - 1)], 1, MSG_NOSIGNAL) != 1) {
                close(c->fds[i]);
                c->fds[i] = -1;
            }
        pos++;
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

START_TEST(slowloris_does_not_starve_others)
{
    enum { SLOW = 100 };
    int fds[SLOW];
    for (int i = 0; i < SLOW; i++)
        fds[i] = connect_from(2);
    slow_ctx c = {fds, SLOW, 0};
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, drip, &c), 0);
    /* While 100 clients dribble headers, a normal client is answered. */
    char tok[65];
    login(tok);
    for (int i = 0; i < 20; i++)
        assert_healthy();
    char *body = qn_api_notification_json("SLOW0001", "DEU", 1, 1, 5, 3000);
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
    const char *h[] = {"Content-Type: application/json", auth, NULL};
    qn_api_resp r;
    ck_assert(qn_api_call(&server, "POST", "/api/v1/notifications", h, body, strlen(body), &r));
    ck_assert_int_eq(r.status, 201);
    qn_api_resp_free(&r);
    free(body);
    c.stop = 1;
    pthread_join(th, NULL);
    int still = 0;
    for (int i = 0; i < SLOW; i++)
        if (fds[i] >= 0) {
            still++;
            close(fds[i]);
        }
    ck_assert_msg(still > 0, "the slow clients were all cut off at once: the test did not run");
    assert_healthy();
}
END_TEST

/* How many of the sockets the server has closed (EOF or reset) by now. */
static int closed_by_server(const int *fds, int n)
{
    int closed = 0;
    for (int i = 0; i < n; i++) {
        if (fds[i] < 0) {
            closed++;
            continue;
        }
        struct pollfd p = {fds[i], POLLIN, 0};
        if (poll(&p, 1, 0) == 1) {
            char b;
            ssize_t k = recv(fds[i], &b, 1, MSG_DONTWAIT);
            if (k == 0 || (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
                closed++;
        }
    }
    return closed;
}

START_TEST(one_address_cannot_take_every_connection)
{
    enum { FLOOD = 200 }; /* the limit per address is 128 */
    int fds[FLOOD];
    for (int i = 0; i < FLOOD; i++)
        fds[i] = connect_from(3);
    struct timespec ts = {0, 500 * 1000 * 1000};
    nanosleep(&ts, NULL);
    int closed = closed_by_server(fds, FLOOD);
    ck_assert_msg(closed >= FLOOD - 128 - 8, "only %d of %d connections from one address were refused",
                  closed, FLOOD);
    ck_assert_msg(closed < FLOOD, "every connection was refused");
    assert_healthy(); /* during the flood, from another address */
    for (int i = 0; i < FLOOD; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    assert_healthy();
}
END_TEST

/* The number of sockets the server process has open (/proc/PID/fd). */
static int server_sockets(void)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd", (int)server.pid);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char link[320], target[128];
        snprintf(link, sizeof link, "%s/%s", path, e->d_name);
        ssize_t k = readlink(link, target, sizeof target - 1);
        if (k > 0) {
            target[k] = '\0';
            n += strncmp(target, "socket:", 7) == 0;
        }
    }
    closedir(d);
    return n;
}

START_TEST(more_connections_than_the_limit)
{
    enum { ADDRS = 5, PER = 120 }; /* 600 > 512 */
    int *fds = calloc(ADDRS * PER, sizeof *fds);
    for (int a = 0; a < ADDRS; a++)
        for (int i = 0; i < PER; i++)
            fds[a * PER + i] = connect_from(10 + a);
    struct timespec ts = {0, 500 * 1000 * 1000};
    nanosleep(&ts, NULL);
    /* Past the limit MHD stops accepting: the rest wait in the kernel's
     * listen queue. The server holds at most 512 client sockets. */
    int held = server_sockets();
    ck_assert_msg(held <= 512 + 16, "the server holds %d sockets with a limit of 512", held);
    ck_assert_msg(held >= 256, "the server holds only %d sockets: the flood did not arrive", held);
    for (int i = 0; i < ADDRS * PER; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(fds);
    /* Once they are gone, a normal request is answered again. */
    for (int tries = 0;; tries++) {
        qn_api_resp r;
        bool ok = qn_api_call(&server, "GET", "/healthz", NULL, NULL, 0, &r) && r.status == 200;
        qn_api_resp_free(&r);
        if (ok)
            break;
        ck_assert_msg(tries < 50, "the server does not answer after the flood");
        nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
    }
    assert_healthy();
}
END_TEST

/* ----------------------------------------------------------- oversized */

START_TEST(oversized_bodies)
{
    char tok[65];
    login(tok);
    long long before = total_notifications(tok);
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
    size_t big = 2 * 1024 * 1024; /* the JSON limit is 1 MiB */
    char *body = malloc(big + 1);
    memset(body, ' ', big);
    body[0] = '{';
    body[big - 1] = '}';
    body[big] = '\0';
    const char *h[] = {"Content-Type: application/json", auth, NULL};
    qn_api_resp r;
    ck_assert(qn_api_call(&server, "POST", "/api/v1/notifications", h, body, big, &r));
    ck_assert_int_eq(r.status, 413);
    ck_assert_str_eq(qn_api_str(r.json, "code"), "too_large.body_too_large");
    qn_api_resp_free(&r);
    /* The same without a Content-Length (chunked): refused as it arrives. */
    const char *hc[] = {"Content-Type: application/json", auth, "Transfer-Encoding: chunked", NULL};
    ck_assert(qn_api_call(&server, "POST", "/api/v1/notifications", hc, body, big, &r));
    ck_assert_int_eq(r.status, 413);
    qn_api_resp_free(&r);
    free(body);
    /* A batch over its 20 MiB limit. */
    size_t huge = 21 * 1024 * 1024;
    char *csv = malloc(huge);
    memset(csv, 'a', huge);
    const char *hb[] = {"Content-Type: text/csv", auth, NULL};
    ck_assert(qn_api_call(&server, "POST", "/api/v1/notifications/batch", hb, csv, huge, &r));
    ck_assert_int_eq(r.status, 413);
    qn_api_resp_free(&r);
    free(csv);
    ck_assert_int_eq(total_notifications(tok), before);
    assert_healthy();
}
END_TEST

START_TEST(oversized_headers_and_uri)
{
    char answer[2048];
    size_t big = 64 * 1024; /* the per-connection header memory is 32 KiB */
    char *req = malloc(big + 80000);
    int off = snprintf(req, 128, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ");
    memset(req + off, 'a', big);
    memcpy(req + off + big, "\r\n\r\n", 4);
    raw_exchange(req, (size_t)off + big + 4, false, answer, sizeof answer);
    ck_assert_msg(status_of(answer) == 431, "oversized header answered %.40s", answer);
    /* Many small headers adding up past the limit. */
    off = snprintf(req, 128, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
    while ((size_t)off < big - 32)
        off += snprintf(req + off, 32, "X-%05d: v\r\n", off);
    off += snprintf(req + off, 8, "\r\n");
    raw_exchange(req, (size_t)off, false, answer, sizeof answer);
    ck_assert_msg(status_of(answer) == 431, "many headers answered %.40s", answer);
    /* A 70 KB request target. */
    off = snprintf(req, 128, "GET /");
    memset(req + off, 'a', 70000);
    off += 70000;
    off += snprintf(req + off, 64, " HTTP/1.1\r\nHost: x\r\n\r\n");
    raw_exchange(req, (size_t)off, false, answer, sizeof answer);
    ck_assert_msg(status_of(answer) == 414, "long URI answered %.40s", answer);
    free(req);
    assert_healthy();
}
END_TEST

/* ----------------------------------------------------------- malformed */

typedef struct {
    const char *name;
    const char *request;
    int status;       /* expected status; 0: no answer (the connection is closed) */
    const char *code; /* expected problem code in the body, or NULL */
} malformed_case;

START_TEST(malformed_requests)
{
    static const malformed_case cases[] = {
        {"not HTTP", "GARBAGE\r\n\r\n", 0, NULL},
        {"negative Content-Length",
         "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400, NULL},
        {"Content-Length not a number",
         "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n", 400, NULL},
        {"Content-Length past 2^64",
         "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n",
         413, NULL},
        {"two Content-Length",
         "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
         "2\r\n"
         "Content-Length: 4\r\n\r\n{}{}",
         400, "bad_request.ambiguous_length"},
        {"Content-Length and chunked",
         "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
         "5\r\n"
         "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
         400, "bad_request.ambiguous_length"},
        {"chunk size not hex",
         "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n", 400,
         NULL},
        {"no Host in HTTP/1.1", "GET /healthz HTTP/1.1\r\n\r\n", 400, NULL},
        {"unknown HTTP version", "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n", 505, NULL},
        {"header line without a colon", "GET /healthz HTTP/1.1\r\nHost: x\r\nbroken\r\n\r\n", 400, NULL},
        {"body not JSON",
         "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
         "5\r\n"
         "Connection: close\r\n\r\nhello",
         400, "bad_request.json_syntax"},
        {"JSON body sent as text/plain",
         "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
         "Connection: close\r\n\r\n{}",
         415, NULL},
        {"JSON with a NUL byte",
         "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
         "3\r\n"
         "Connection: close\r\n\r\n{\0}",
         400, NULL},
    };
    char answer[4096];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const malformed_case *c = &cases[i];
        size_t len = strlen(c->request);
        if (strcmp(c->name, "JSON with a NUL byte") == 0)
            len += 2; /* past the embedded NUL: "{\0}" is three bytes */
        raw_exchange(c->request, len, false, answer, sizeof answer);
        int st = status_of(answer);
        if (c->status == 0)
            ck_assert_msg(st == 0 || st == 400, "%s: answered %d", c->name, st);
        else
            ck_assert_msg(st == c->status, "%s: answered %d, expected %d (%.60s)", c->name, st, c->status,
                          answer);
        if (c->code) {
            char want[96];
            snprintf(want, sizeof want, "\"code\":\"%s\"", c->code);
            ck_assert_msg(strstr(answer, want) != NULL, "%s: no %s in %s", c->name, want, answer);
        }
        assert_healthy();
    }
}
END_TEST

START_TEST(half_sent_bodies)
{
    char tok[65];
    login(tok);
    long long before = total_notifications(tok);
    char *body = qn_api_notification_json("HALF0001", "DEU", 1, 1, 5, 3000);
    char req[2048];
    int off = snprintf(req, sizeof req,
                       "POST /api/v1/notifications HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                       "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                       tok, strlen(body));
    /* Half the body, then the client goes away: no answer, nothing recorded. */
    size_t half = strlen(body) / 2;
    memcpy(req + off, body, half);
    char answer[1024];
    raw_exchange(req, (size_t)off + half, true, answer, sizeof answer);
    ck_assert_msg(status_of(answer) == 0 || status_of(answer) >= 400, "a half body was answered %d",
                  status_of(answer));
    /* Many of them at once, left hanging open, then dropped. */
    int fds[50];
    for (int i = 0; i < 50; i++) {
        fds[i] = connect_from(4);
        if (fds[i] >= 0 && write(fds[i], req, (size_t)off + half) < 0) {
            close(fds[i]);
            fds[i] = -1;
        }
    }
    assert_healthy();
    for (int i = 0; i < 50; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    ck_assert_int_eq(total_notifications(tok), before);
    /* The whole body on a fresh connection is recorded. */
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
    const char *h[] = {"Content-Type: application/json", auth, NULL};
    qn_api_resp r;
    ck_assert(qn_api_call(&server, "POST", "/api/v1/notifications", h, body, strlen(body), &r));
    ck_assert_int_eq(r.status, 201);
    qn_api_resp_free(&r);
    ck_assert_int_eq(total_notifications(tok), before + 1);
    free(body);
}
END_TEST

static Suite *hostile_suite(void)
{
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("hostile");
    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, slowloris_does_not_starve_others);
    tcase_add_test(tc, one_address_cannot_take_every_connection);
    tcase_add_test(tc, more_connections_than_the_limit);
    tcase_add_test(tc, oversized_bodies);
    tcase_add_test(tc, oversized_headers_and_uri);
    tcase_add_test(tc, malformed_requests);
    tcase_add_test(tc, half_sent_bodies);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(hostile_suite)
