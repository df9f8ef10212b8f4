/* api_client.c — the server process and HTTP helpers of api_client.h. */
#include "api_client.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qn_test.h"

int qn_api_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = -1;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

bool qn_api_start(qn_api_server *s, const char *db, bool demo) { return qn_api_start_opts(s, db, demo, NULL); }

bool qn_api_start_with(qn_api_server *s, const char *db, bool demo, const char *public_url)
{
    const char *extra[] = {"--public-url", public_url, NULL};
    return qn_api_start_opts(s, db, demo, public_url != NULL ? extra : NULL);
}

bool qn_api_start_threads(qn_api_server *s, const char *db, bool demo, int threads)
{
    char n[16];
    snprintf(n, sizeof n, "%d", threads);
    const char *extra[] = {"--threads", n, NULL}; /* after the default 4: the later one counts */
    return qn_api_start_opts(s, db, demo, extra);
}

bool qn_api_start_opts(qn_api_server *s, const char *db, bool demo, const char *const *extra)
{
    memset(s, 0, sizeof *s);
    const char *bin = getenv("QONAQ_BIN");
    if (!bin) {
        fprintf(stderr, "api tests: QONAQ_BIN is not set\n");
        return false;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    long counter = now.tv_nsec; /* unique enough between servers of one test process */
    if (db)
        snprintf(s->db, sizeof s->db, "%s", db);
    else
        snprintf(s->db, sizeof s->db, "sqlite:%s/api-%d-%ld.db", qn_test_tmpdir(), (int)getpid(), counter);
    snprintf(s->log_path, sizeof s->log_path, "%s/server-%d-%ld.log", qn_test_tmpdir(), (int)getpid(),
             counter);
    for (int attempt = 0; attempt < 3; attempt++) {
        s->port = qn_api_free_port();
        snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
        char listen[32];
        snprintf(listen, sizeof listen, "127.0.0.1:%d", s->port);
        pid_t pid = fork();
        if (pid < 0)
            return false;
        if (pid == 0) {
            int fd = open(s->log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (fd >= 0) {
                dup2(fd, 2);
                dup2(fd, 1);
                close(fd);
            }
            setenv("QONAQ_PWHASH", "min", 1);
            const char *argv[32] = {bin, "serve", "--listen", listen, "--db", s->db, "--threads", "4"};
            size_t argc = 8;
            if (demo)
                argv[argc++] = "--demo";
            for (size_t k = 0; extra && extra[k] && argc < 31; k++)
                argv[argc++] = extra[k];
            argv[argc] = NULL;
            execv(bin, (char *const *)argv);
            _exit(127);
        }
        s->pid = pid;
        for (int i = 0; i < 600; i++) {
            int st;
            if (waitpid(pid, &st, WNOHANG) == pid) {
                s->pid = 0;
                break; /* exited: port taken or bad arguments; maybe retry */
            }
            qn_api_resp r;
            if (qn_api_call(s, "GET", "/healthz", NULL, NULL, 0, &r) && r.status == 200) {
                qn_api_resp_free(&r);
                return true;
            }
            qn_api_resp_free(&r);
            sleep_ms(50);
        }
        if (s->pid) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, NULL, 0);
            s->pid = 0;
        }
    }
    fprintf(stderr, "api tests: the server did not come up (log: %s)\n", s->log_path);
    return false;
}

int qn_api_stop(qn_api_server *s)
{
    if (s->pid <= 0)
        return -1;
    kill(s->pid, SIGTERM);
    int st = 0;
    for (int i = 0; i < 400; i++) {
        pid_t w = waitpid(s->pid, &st, WNOHANG);
        if (w == s->pid) {
            s->pid = 0;
            return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        }
        sleep_ms(50);
    }
    kill(s->pid, SIGKILL);
    waitpid(s->pid, NULL, 0);
    s->pid = 0;
    return -1;
}

typedef struct {
    char *data;
    size_t len;
} growbuf;

static size_t on_data(char *ptr, size_t size, size_t n, void *user)
{
    growbuf *b = user;
    size_t add = size * n;
    char *p = realloc(b->data, b->len + add + 1);
    if (!p)
        return 0;
    memcpy(p + b->len, ptr, add);
    b->data = p;
    b->len += add;
    b->data[b->len] = '\0';
    return add;
}

bool qn_api_call(const qn_api_server *s, const char *method, const char *path, const char *const *headers,
                 const char *body, size_t body_len, qn_api_resp *r)
{
    memset(r, 0, sizeof *r);
    CURL *c = curl_easy_init();
    if (!c)
        return false;
    char url[1024];
    snprintf(url, sizeof url, "%s%s", s->base, path);
    growbuf b = {0}, h = {0};
    struct curl_slist *hl = NULL;
    for (size_t i = 0; headers && headers[i]; i++)
        hl = curl_slist_append(hl, headers[i]);
    hl = curl_slist_append(hl, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    } else if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    r->body = b.data ? b.data : calloc(1, 1);
    r->body_len = b.len;
    r->headers = h.data ? h.data : calloc(1, 1);
    if (r->body_len)
        r->json = json_loadb(r->body, r->body_len, 0, NULL);
    return rc == CURLE_OK;
}

void qn_api_resp_free(qn_api_resp *r)
{
    free(r->body);
    free(r->headers);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

bool qn_api_header(const qn_api_resp *r, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    for (const char *line = r->headers; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len > nl && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
            const char *v = line + nl + 1;
            while (*v == ' ')
                v++;
            size_t vl = (size_t)(line + len - v);
            while (vl && (v[vl - 1] == '\r' || v[vl - 1] == ' '))
                vl--;
            snprintf(out, cap, "%.*s", (int)vl, v);
            return true;
        }
        line = end ? end + 1 : NULL;
    }
    return false;
}

bool qn_api_login(const qn_api_server *s, const char *user, const char *password, char token[65])
{
    char body[256];
    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", user, password);
    const char *h[] = {"Content-Type: application/json", NULL};
    qn_api_resp r;
    bool ok = qn_api_call(s, "POST", "/api/v1/auth/login", h, body, strlen(body), &r) && r.status == 200;
    const char *t = ok ? qn_api_str(r.json, "token") : NULL;
    if (t)
        snprintf(token, 65, "%s", t);
    qn_api_resp_free(&r);
    return t != NULL;
}

const char *qn_api_str(const json_t *j, const char *dotted)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", dotted);
    char *save = NULL;
    const json_t *at = j;
    for (char *p = strtok_r(buf, ".", &save); p && at; p = strtok_r(NULL, ".", &save))
        at = json_object_get(at, p);
    return json_is_string(at) ? json_string_value(at) : NULL;
}

bool qn_api_has_field_error(const json_t *problem, const char *field)
{
    const json_t *errs = json_object_get(problem, "errors");
    size_t i;
    const json_t *e;
    json_array_foreach(errs, i, e)
    {
        const char *f = json_string_value(json_object_get(e, "field"));
        if (f && strcmp(f, field) == 0)
            return true;
    }
    return false;
}
