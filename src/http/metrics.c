/* metrics.c — atomic counters and their Prometheus text exposition.
 *
 * Statuses are folded into a short list of the codes qonaq answers with
 * (anything else counts under "other") so the counter matrix stays small:
 * (routes + 1) x statuses. Latency buckets follow Prometheus' defaults.
 */
#include "http/metrics.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"

static const int statuses[] = {200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503};
#define N_STATUS (sizeof statuses / sizeof statuses[0] + 1)
static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
#define N_BUCKET (sizeof buckets / sizeof buckets[0])

struct qn_metrics {
    size_t n_routes;
    _Atomic uint64_t *requests; /* [(n_routes + 1) * N_STATUS] */
    _Atomic uint64_t latency_bucket[N_BUCKET];
    _Atomic uint64_t latency_count;
    _Atomic uint64_t latency_sum_ns;
    _Atomic uint64_t db_ns;
    _Atomic uint64_t db_requests;
};

qn_metrics *qn_metrics_new(size_t n_routes)
{
    qn_metrics *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->n_routes = n_routes;
    m->requests = calloc((n_routes + 1) * N_STATUS, sizeof *m->requests);
    if (!m->requests) {
        free(m);
        return NULL;
    }
    return m;
}

void qn_metrics_free(qn_metrics *m)
{
    if (!m)
        return;
    free((void *)m->requests);
    free(m);
}

static size_t status_index(int status)
{
    for (size_t i = 0; i < N_STATUS - 1; i++)
        if (statuses[i] == status)
            return i;
    return N_STATUS - 1;
}

void qn_metrics_record(qn_metrics *m, int route, int status, uint64_t total_ns, uint64_t db_ns)
{
    size_t r = (route >= 0 && (size_t)route < m->n_routes) ? (size_t)route : m->n_routes;
    atomic_fetch_add_explicit(&m->requests[r * N_STATUS + status_index(status)], 1, memory_order_relaxed);
    double s = (double)total_ns / 1e9;
    for (size_t i = 0; i < N_BUCKET; i++)
        if (s <= buckets[i])
            atomic_fetch_add_explicit(&m->latency_bucket[i], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->latency_count, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->latency_sum_ns, total_ns, memory_order_relaxed);
    if (db_ns) {
        atomic_fetch_add_explicit(&m->db_ns, db_ns, memory_order_relaxed);
        atomic_fetch_add_explicit(&m->db_requests, 1, memory_order_relaxed);
    }
}

/* A growable string buffer for rendering. */
typedef struct {
    char *s;
    size_t len, cap;
    int failed;
} strbuf;

__attribute__((format(printf, 2, 3))) static void sb_printf(strbuf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = 1;
            return;
        }
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap * 2 + (size_t)n + 1;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->failed = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
}

char *qn_metrics_render(const qn_metrics *m, size_t *len_out)
{
    strbuf b = {malloc(4096), 0, 4096, 0};
    if (!b.s)
        return NULL;
    b.s[0] = '\0';
    sb_printf(&b, "# HELP qonaq_http_requests_total HTTP requests by route, method and status.\n"
                  "# TYPE qonaq_http_requests_total counter\n");
    for (size_t r = 0; r <= m->n_routes; r++) {
        for (size_t s = 0; s < N_STATUS; s++) {
            uint64_t n = atomic_load_explicit(&m->requests[r * N_STATUS + s], memory_order_relaxed);
            if (n == 0)
                continue;
            const char *route = r < m->n_routes ? qn_http_routes[r].pattern : "unmatched";
            const char *method = r < m->n_routes ? qn_http_routes[r].method : "";
            char status[8];
            if (s < N_STATUS - 1)
                snprintf(status, sizeof status, "%d", statuses[s]);
            else
                snprintf(status, sizeof status, "other");
            sb_printf(&b, "qonaq_http_requests_total{route=\"%s\",method=\"%s\",status=\"%s\"} %llu\n", route,
                      method, status, (unsigned long long)n);
        }
    }
    sb_printf(&b, "# HELP qonaq_http_request_duration_seconds Time from request start to response.\n"
                  "# TYPE qonaq_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i < N_BUCKET; i++)
        sb_printf(&b, "qonaq_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", buckets[i],
                  (unsigned long long)atomic_load(&m->latency_bucket[i]));
    uint64_t count = atomic_load(&m->latency_count);
    sb_printf(&b, "qonaq_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
              (unsigned long long)count);
    sb_printf(&b, "qonaq_http_request_duration_seconds_sum %.6f\n",
              (double)atomic_load(&m->latency_sum_ns) / 1e9);
    sb_printf(&b, "qonaq_http_request_duration_seconds_count %llu\n", (unsigned long long)count);
    sb_printf(&b,
              "# HELP qonaq_db_seconds_total Time spent in database calls.\n"
              "# TYPE qonaq_db_seconds_total counter\n"
              "qonaq_db_seconds_total %.6f\n"
              "# HELP qonaq_db_requests_total Requests that used the database.\n"
              "# TYPE qonaq_db_requests_total counter\n"
              "qonaq_db_requests_total %llu\n",
              (double)atomic_load(&m->db_ns) / 1e9, (unsigned long long)atomic_load(&m->db_requests));
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    if (len_out)
        *len_out = b.len;
    return b.s;
}
