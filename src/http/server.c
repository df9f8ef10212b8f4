/* server.c — libmicrohttpd glue: request objects, bounded bodies, routing,
 * authentication, the answer, the log line and the metrics.
 *
 * MHD calls the access handler several times per request: first with the
 * headers (we create the qn_http_req and match the route), then once per
 * chunk of body (we append, or discard past the limit), then a last time
 * with no data (we dispatch and queue the answer). A Content-Length over the
 * route's limit is answered 413 at the first call, before any of the body
 * is read: MHD 0.9 accepts a response in that state (headers processed) and
 * closes the connection after it instead of reading the body. Other errors
 * decided early (404, 405) are answered at the last call, after the body is
 * drained (MHD refuses to queue while a body is being received); a chunked
 * body that grows past the limit is dropped as it comes and never stored.
 * The completion callback logs, records metrics and frees the request.
 *
 * Authentication: Authorization: Bearer, else X-API-Key, else the session
 * cookie (qonaq_session). A cookie-authenticated unsafe method (POST, PUT,
 * PATCH, DELETE) must carry X-CSRF-Token equal to the session's CSRF token
 * (double submit: the portal reads it from the qonaq_csrf cookie).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/http.h"
#include "http/http_static.h"
#include "http/server_internal.h"
#include "service/auth.h"

void qn_server_config_default(qn_server_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->host, sizeof cfg->host, "127.0.0.1");
    cfg->port = 8080;
    cfg->threads = 16;
    cfg->connection_limit = 512;
    cfg->per_ip_limit = 128;
    cfg->connection_timeout_s = 30;
    cfg->header_memory = 32 * 1024;
    cfg->max_json_body = 1024 * 1024;
    cfg->max_batch_body = 20 * 1024 * 1024;
    cfg->drain_ms = 10000;
    cfg->log_requests = true;
}

static uint64_t ns_between(const struct timespec *a, const struct timespec *b)
{
    int64_t ns = (int64_t)(b->tv_sec - a->tv_sec) * 1000000000 + (b->tv_nsec - a->tv_nsec);
    return ns > 0 ? (uint64_t)ns : 0;
}

static void req_free(qn_http_req *req)
{
    if (!req)
        return;
    free(req->body);
    free(req->resp_body);
    for (size_t i = 0; i < req->n_headers; i++) {
        free(req->header_names[i]);
        free(req->header_values[i]);
    }
    free(req);
}

static void client_address(struct MHD_Connection *conn, char *buf, size_t len)
{
    snprintf(buf, len, "unknown");
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf, (socklen_t)len);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf, (socklen_t)len);
}

static bool is_unsafe(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && strcmp(method, "OPTIONS") != 0;
}

/* Resolves the caller's credentials into req->who. Returns false after
 * answering (401/403) when the route needs credentials it did not get. */
static bool authenticate(qn_http_req *req, bool required)
{
    qn_err e;
    qn_err_clear(&e);
    const char *authz = qn_http_header_in(req, "Authorization");
    const char *apikey = qn_http_header_in(req, "X-API-Key");
    const char *cookie = qn_http_cookie(req, "qonaq_session");
    qn_cred_kind kind = QN_CRED_NONE;
    const char *cred = NULL;
    if (authz) {
        if (strncasecmp(authz, "Bearer ", 7) != 0) {
            qn_http_reply_error(req, QN_E_UNAUTHORIZED, "bad_scheme",
                                "the Authorization header must use the Bearer scheme");
            return false;
        }
        kind = QN_CRED_BEARER;
        cred = authz + 7;
    } else if (apikey) {
        kind = QN_CRED_API_KEY;
        cred = apikey;
    } else if (cookie) {
        kind = QN_CRED_COOKIE;
        cred = cookie;
    }
    if (kind == QN_CRED_NONE) {
        if (!required)
            return true;
        qn_http_reply_error(req, QN_E_UNAUTHORIZED, "no_credentials",
                            "this route needs a Bearer token, an API key or a session cookie");
        return false;
    }
    qn_principal who;
    if (qn_svc_authenticate(&req->ctx, kind, cred, &who, &e) != QN_OK) {
        if (!required && e.code == QN_E_UNAUTHORIZED)
            return true; /* a stale cookie on a public route is harmless */
        qn_http_reply_problem(req, &e);
        return false;
    }
    if (kind == QN_CRED_COOKIE && is_unsafe(req->method)) {
        if (!qn_svc_csrf_ok(&who, qn_http_header_in(req, "X-CSRF-Token"))) {
            qn_http_reply_error(req, QN_E_FORBIDDEN, "csrf",
                                "a cookie-authenticated %s needs the X-CSRF-Token header", req->method);
            return false;
        }
    }
    req->who = who;
    return true;
}

/* MHD_KeyValueIterator counting the Content-Length headers into *(int *)cls. */
static enum MHD_Result count_content_length(void *cls, enum MHD_ValueKind kind, const char *key,
                                            const char *value)
{
    (void)kind;
    (void)value;
    if (strcasecmp(key, "Content-Length") == 0)
        (*(int *)cls)++;
    return MHD_YES;
}

static void dispatch(qn_http_req *req)
{
    if (req->ambiguous_length) {
        qn_http_reply_error(req, QN_E_BAD_REQUEST, "ambiguous_length",
                            "the request has two Content-Length headers, or Content-Length with "
                            "Transfer-Encoding: its length is ambiguous");
        return;
    }
    if (req->route == QN_ROUTE_NONE) {
        qn_http_reply_error(req, QN_E_NOT_FOUND, "no_route", "no resource at %.200s", req->path);
        return;
    }
    if (req->route == QN_ROUTE_WRONG_METHOD) {
        qn_err e;
        qn_err_clear(&e);
        qn_err_set(&e, QN_E_BAD_REQUEST, "%s is not allowed on %.200s (allowed: %s)", req->method, req->path,
                   req->allow);
        qn_err_sub(&e, "method_not_allowed");
        qn_http_reply_problem_status(req, &e, 405, "Method not allowed");
        qn_http_add_header(req, "Allow", req->allow);
        return;
    }
    if (req->body_too_large) {
        qn_http_reply_error(req, QN_E_TOO_LARGE, "body_too_large", "the request body exceeds %zu bytes",
                            req->body_limit);
        return;
    }
    const qn_http_route *route = &qn_http_routes[req->route];
    if (!authenticate(req, (route->flags & QN_ROUTE_PUBLIC) == 0))
        return;
    route->handler(req);
    if (req->status == 0)
        qn_http_reply_error(req, QN_E_INTERNAL, "no_answer", "the handler gave no answer");
}

static enum MHD_Result queue(struct MHD_Connection *conn, qn_http_req *req)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        req->resp_len, req->resp_body ? req->resp_body : (void *)"", MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    if (req->resp_body || req->status != 204)
        MHD_add_response_header(resp, "Content-Type", req->content_type ? req->content_type : "text/plain");
    MHD_add_response_header(resp, "X-Request-Id", req->request_id);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    for (size_t i = 0; i < req->n_headers; i++)
        MHD_add_response_header(resp, req->header_names[i], req->header_values[i]);
    enum MHD_Result r = MHD_queue_response(conn, (unsigned)req->status, resp);
    MHD_destroy_response(resp);
    return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    qn_server *s = cls;
    qn_http_req *req = *con_cls;
    if (req == NULL) {
        req = calloc(1, sizeof *req);
        if (!req)
            return MHD_NO;
        atomic_fetch_add(&s->in_flight, 1);
        *con_cls = req;
        clock_gettime(CLOCK_MONOTONIC, &req->started);
        req->server = s;
        req->conn = conn;
        snprintf(req->method, sizeof req->method, "%s", method);
        snprintf(req->path, sizeof req->path, "%s", url);
        snprintf(req->request_id, sizeof req->request_id, "%s-%06llu", s->rid_prefix,
                 (unsigned long long)atomic_fetch_add(&s->next_request, 1));
        client_address(conn, req->client_addr, sizeof req->client_addr);
        req->ctx.svc = s->svc;
        req->ctx.who = &req->who;
        req->ctx.now = (int64_t)time(NULL);
        snprintf(req->ctx.client_addr, sizeof req->ctx.client_addr, "%s", req->client_addr);
        if (strlen(url) >= sizeof req->path)
            req->route = QN_ROUTE_NONE;
        else
            req->route = qn_http_route_match(qn_http_routes, qn_http_route_count, method, url, &req->params,
                                             req->allow, sizeof req->allow);
        req->body_limit = s->cfg.max_json_body;
        if (req->route >= 0 && (qn_http_routes[req->route].flags & QN_ROUTE_BATCH))
            req->body_limit = s->cfg.max_batch_body;
        req->behind_tls = s->cfg.behind_tls;
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        int n_cl = 0;
        MHD_get_connection_values(conn, MHD_HEADER_KIND, count_content_length, &n_cl);
        if (n_cl > 1 || (cl && MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Transfer-Encoding")))
            req->ambiguous_length = true;
        if (cl) {
            char *end = NULL;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno || end == cl || n > req->body_limit)
                req->body_too_large = true;
        }
        if (req->body_too_large && req->route >= 0) {
            /* 413 now, from the announced length: the body is never read. */
            qn_http_reply_error(req, QN_E_TOO_LARGE, "body_too_large",
                                "the request body exceeds %zu bytes", req->body_limit);
            return queue(conn, req);
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (req->body_too_large || req->route < 0)
            return MHD_YES; /* drained and dropped */
        if (req->body_len + n > req->body_limit) {
            req->body_too_large = true;
            free(req->body);
            req->body = NULL;
            req->body_len = req->body_cap = 0;
            return MHD_YES;
        }
        if (req->body_len + n + 1 > req->body_cap) {
            size_t cap = req->body_cap ? req->body_cap : 4096;
            while (cap < req->body_len + n + 1)
                cap *= 2;
            char *b = realloc(req->body, cap);
            if (!b)
                return MHD_NO;
            req->body = b;
            req->body_cap = cap;
        }
        memcpy(req->body + req->body_len, upload_data, n);
        req->body_len += n;
        req->body[req->body_len] = '\0';
        return MHD_YES;
    }
    if (req->status != 0)
        return MHD_YES; /* already answered; MHD should not call again */
    if (req->route == QN_ROUTE_NONE && qn_http_static_is_portal(req->path))
        return qn_http_static_serve(req);
    dispatch(req);
    return queue(conn, req);
}

static void json_escape_into(char *out, size_t len, const char *s)
{
    size_t o = 0;
    for (; *s && o + 7 < len; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20 || c >= 0x7f) {
            o += (size_t)snprintf(out + o, len - o, "\\u%04x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
}

static void log_request(const qn_server *s, const qn_http_req *req, uint64_t total_ns)
{
    char path[600], ts[32], detail[600];
    json_escape_into(path, sizeof path, req->path);
    json_escape_into(detail, sizeof detail, req->log_detail);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const char *route = req->route >= 0 ? qn_http_routes[req->route].pattern : "";
    char line[1900];
    int n = snprintf(line, sizeof line,
                     "{\"ts\":\"%s\",\"level\":\"info\",\"msg\":\"request\",\"request_id\":\"%s\","
                     "\"method\":\"%s\",\"path\":\"%s\",\"route\":\"%s\",\"status\":%d,"
                     "\"duration_ms\":%.3f,\"db_ms\":%.3f,\"bytes\":%zu,\"account\":%lld,"
                     "\"role\":\"%s\",\"client\":\"%s\",\"code\":\"%s\"%s%s%s}\n",
                     ts, req->request_id, req->method, path, route, req->status, (double)total_ns / 1e6,
                     (double)req->ctx.db_ns / 1e6, req->resp_len, (long long)req->who.account_id,
                     qn_role_name(req->who.role), req->client_addr, req->log_code,
                     detail[0] ? ",\"detail\":\"" : "", detail, detail[0] ? "\"" : "");
    (void)s;
    if (n > 0)
        fwrite(line, 1, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1, stderr);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    (void)toe;
    qn_server *s = cls;
    qn_http_req *req = *con_cls;
    if (!req)
        return;
    *con_cls = NULL;
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    uint64_t total = ns_between(&req->started, &end);
    qn_metrics_record(s->metrics, req->route, req->status, total, req->ctx.db_ns);
    if (s->cfg.log_requests)
        log_request(s, req, total);
    req_free(req);
    atomic_fetch_sub(&s->in_flight, 1);
}

qn_server *qn_server_start(const qn_server_config *cfg, qn_service *svc, qn_err *e)
{
    qn_server *s = calloc(1, sizeof *s);
    if (!s) {
        qn_err_set(e, QN_E_NOMEM, "out of memory");
        return NULL;
    }
    s->cfg = *cfg;
    s->svc = svc;
    s->metrics = qn_metrics_new(qn_http_route_count);
    if (!s->metrics || sodium_init() < 0) {
        qn_metrics_free(s->metrics);
        free(s);
        qn_err_set(e, QN_E_NOMEM, "out of memory");
        return NULL;
    }
    unsigned char rnd[4];
    randombytes_buf(rnd, sizeof rnd);
    snprintf(s->rid_prefix, sizeof s->rid_prefix, "%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3]);

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(cfg->port);
    if (inet_pton(AF_INET, cfg->host, &addr.sin_addr) != 1) {
        qn_metrics_free(s->metrics);
        free(s);
        qn_err_set(e, QN_E_INVALID, "--listen: '%s' is not an IPv4 address", cfg->host);
        return NULL;
    }
    /* A thread per connection (at most connection_limit of them, 1 MiB
     * stacks). With a pool of threads each connection is tied to the
     * thread that accepted it, and a submission holds its thread while its
     * group commits, so connections that landed on the same thread wait
     * for each other: how the accepts fell decided the group size, and the
     * same benchmark gave 1,300 or 3,200 notifications/s from run to run
     * (16 connections; groups of 2 or of 6). With a thread each, every
     * connection's request reaches the committer: 3,400-4,800/s, groups of
     * 8 (docs/scaling.md §Threads and the group). */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
                     MHD_USE_ITC;
    s->daemon = MHD_start_daemon(
        flags, cfg->port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_STACK_SIZE, (size_t)(1024 * 1024), MHD_OPTION_CONNECTION_LIMIT,
        cfg->connection_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_ip_limit,
        MHD_OPTION_STRICT_FOR_CLIENT, (int)1, MHD_OPTION_CONNECTION_TIMEOUT, cfg->connection_timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->header_memory, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_UNESCAPE_CALLBACK, qn_http_static_unescape, NULL, MHD_OPTION_LISTENING_ADDRESS_REUSE,
        (unsigned)1, MHD_OPTION_END);
    if (!s->daemon) {
        qn_metrics_free(s->metrics);
        free(s);
        qn_err_set(e, QN_E_UNAVAILABLE, "cannot listen on %s:%u (in use, or not allowed)", cfg->host,
                   (unsigned)cfg->port);
        return NULL;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : cfg->port;
    return s;
}

uint16_t qn_server_port(const qn_server *s) { return s->port; }

void qn_server_stop(qn_server *s)
{
    if (!s)
        return;
    MHD_socket listen_fd = MHD_quiesce_daemon(s->daemon);
    if (listen_fd != MHD_INVALID_SOCKET)
        close(listen_fd);
    for (unsigned waited = 0; atomic_load(&s->in_flight) > 0 && waited < s->cfg.drain_ms; waited += 10) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(s->daemon);
    qn_metrics_free(s->metrics);
    free(s);
}
