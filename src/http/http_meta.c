/* http_meta.c — routes about the server itself: liveness, metrics, ping,
 * the OpenAPI document and the region table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"
#include "http/openapi_doc.h"
#include "http/server_internal.h"
#include "service/regions.h"

void qn_h_healthz(qn_http_req *req)
{
    qn_err e;
    qn_err_clear(&e);
    int version = 0;
    if (qn_service_health(&req->ctx, &version, &e) != QN_OK) {
        json_t *b = json_pack("{s:s, s:s, s:s}", "status", "unavailable", "database", "unreachable", "detail",
                              e.message);
        qn_http_reply_json(req, 503, b);
        return;
    }
    qn_http_reply_json(req, 200,
                       json_pack("{s:s, s:s, s:s, s:i}", "status", "ok", "database", "ok", "backend",
                                 qn_service_backend(qn_http_service(req)), "schema_version", version));
}

void qn_h_metrics(qn_http_req *req)
{
    size_t len = 0;
    char *text = qn_metrics_render(req->server->metrics, &len);
    qn_service_commit_counters cc;
    qn_service_commit_stats(qn_http_service(req), &cc);
    char extra[1024];
    int n =
        snprintf(extra, sizeof extra,
                 "# HELP qonaq_commit_groups_total Group commits of single submissions.\n"
                 "# TYPE qonaq_commit_groups_total counter\nqonaq_commit_groups_total %llu\n"
                 "# HELP qonaq_commit_jobs_total Single submissions written by group commits.\n"
                 "# TYPE qonaq_commit_jobs_total counter\nqonaq_commit_jobs_total %llu\n"
                 "# HELP qonaq_commit_group_largest The largest group so far.\n"
                 "# TYPE qonaq_commit_group_largest gauge\nqonaq_commit_group_largest %llu\n"
                 "# HELP qonaq_commit_busy_seconds_total Time the committer spent writing groups.\n"
                 "# TYPE qonaq_commit_busy_seconds_total counter\nqonaq_commit_busy_seconds_total %.6f\n"
                 "# HELP qonaq_commit_flush_seconds_total Part of it spent in COMMIT.\n"
                 "# TYPE qonaq_commit_flush_seconds_total counter\nqonaq_commit_flush_seconds_total %.6f\n"
                 "# HELP qonaq_commit_syncs_total SQLite: WAL flushes of the syncer (each covers the groups "
                 "committed before it).\n"
                 "# TYPE qonaq_commit_syncs_total counter\nqonaq_commit_syncs_total %llu\n",
                 (unsigned long long)cc.groups, (unsigned long long)cc.jobs, (unsigned long long)cc.largest,
                 (double)cc.busy_ns / 1e9, (double)cc.commit_ns / 1e9, (unsigned long long)cc.syncs);
    char *all = text && n > 0 ? realloc(text, len + (size_t)n + 1) : NULL;
    if (all) {
        memcpy(all + len, extra, (size_t)n + 1);
        text = all;
        len += (size_t)n;
    }
    qn_http_reply_owned(req, 200, "text/plain; version=0.0.4", text, len);
}

void qn_h_ping(qn_http_req *req) { qn_http_reply_json(req, 200, json_pack("{s:b}", "pong", 1)); }

void qn_h_openapi(qn_http_req *req) { qn_http_reply_text(req, 200, "application/json", qn_openapi_json); }

void qn_h_regions(qn_http_req *req)
{
    size_t n = 0;
    const qn_region *r = qn_regions(&n);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, json_pack("{s:s, s:s, s:s}", "code", r[i].code, "name", r[i].name,
                                               "kind", r[i].is_city ? "city" : "region"));
    qn_http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}
