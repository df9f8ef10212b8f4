/* http_stats.c — GET /api/v1/stats/notifications?from=&to=: counts for
 * analysts (all regions) and officers (their region). */
#include <stdlib.h>

#include "http/handlers.h"
#include "service/stats.h"

static json_t *groups_json(const qn_stats_group *g, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s, s:I, s:I}", "key", g[i].key, "total",
                                           (json_int_t)g[i].total, "late", (json_int_t)g[i].late));
    return a;
}

void qn_h_stats(qn_http_req *req)
{
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    qn_date_t from = QN_DATE_NONE, to = QN_DATE_NONE;
    const char *why = NULL;
    const char *s = qn_http_query(req, "from");
    if (s && !qn_date_parse_cstr(s, &from, &why))
        qn_jin_bad(&d, "", "from", "%s", why ? why : "must be YYYY-MM-DD");
    s = qn_http_query(req, "to");
    if (s && !qn_date_parse_cstr(s, &to, &why))
        qn_jin_bad(&d, "", "to", "%s", why ? why : "must be YYYY-MM-DD");
    if (qn_jin_finish(&d) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_notification_stats *st = malloc(sizeof *st);
    if (!st) {
        qn_http_reply_error(req, QN_E_NOMEM, NULL, "out of memory");
        return;
    }
    if (qn_svc_notification_stats(&req->ctx, from, to, st, &e) != QN_OK) {
        free(st);
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_http_reply_json(req, 200,
                       json_pack("{s:s, s:o, s:o, s:I, s:I, s:I, s:o, s:o, s:b}", "scope", st->scope, "from",
                                 qn_h_date_json(from), "to", qn_h_date_json(to), "total",
                                 (json_int_t)st->total, "on_time", (json_int_t)st->on_time, "late",
                                 (json_int_t)st->late, "by_region", groups_json(st->regions, st->n_regions),
                                 "by_citizenship", groups_json(st->citizenships, st->n_citizenships),
                                 "truncated", st->truncated));
    free(st);
}
