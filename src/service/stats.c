/* stats.c — notification aggregates (see stats.h). Region and citizenship
 * come from the payload stored with each notification, as submitted. */
#include "service/stats.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "service/service_internal.h"

static void count(qn_stats_group *groups, size_t *n, size_t cap, const char *key, bool late)
{
    if (!key || !key[0])
        key = "unknown";
    for (size_t i = 0; i < *n; i++)
        if (strcmp(groups[i].key, key) == 0) {
            groups[i].total++;
            groups[i].late += late;
            return;
        }
    if (*n >= cap)
        return;
    qn_stats_group *g = &groups[(*n)++];
    snprintf(g->key, sizeof g->key, "%.16s", key);
    g->total = 1;
    g->late = late;
}

qn_code qn_svc_notification_stats(qn_svc_ctx *ctx, qn_date_t from, qn_date_t to, qn_notification_stats *out,
                                  qn_err *e)
{
    memset(out, 0, sizeof *out);
    const qn_principal *who = ctx->who;
    if (who->role != QN_ROLE_ANALYST && who->role != QN_ROLE_OFFICER)
        return qn_err_set(e, QN_E_FORBIDDEN, "statistics are for analysts and officers");
    bool one_region = who->role == QN_ROLE_OFFICER;
    snprintf(out->scope, sizeof out->scope, "%s", one_region ? who->region : "all");
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    qn_store_notification_filter f;
    memset(&f, 0, sizeof f);
    if (from != QN_DATE_NONE || to != QN_DATE_NONE) {
        f.has_range = true;
        f.arrival_from = from != QN_DATE_NONE ? from : -100000;
        f.arrival_to = to != QN_DATE_NONE ? to : 100000;
    }
    f.limit = 1000;
    for (int64_t offset = 0; rc == QN_OK; offset += f.limit) {
        if (offset >= QN_STATS_MAX_SCAN) {
            out->truncated = true;
            break;
        }
        f.offset = offset;
        qn_store_notification_list l = {0};
        rc = qn_store_notification_search(c.conn, &f, &l, e);
        for (size_t i = 0; rc == QN_OK && i < l.count; i++) {
            json_t *p = l.items[i].payload ? json_loads(l.items[i].payload, 0, NULL) : NULL;
            const char *region = NULL, *cit = NULL;
            json_unpack(p, "{s?{s?s}, s?{s?s}}", "foreigner", "citizenship", &cit, "address", "region",
                        &region);
            if (!one_region || (region && strcmp(region, who->region) == 0)) {
                bool late = !l.items[i].on_time;
                out->total++;
                out->late += late;
                out->on_time += !late;
                count(out->regions, &out->n_regions, sizeof out->regions / sizeof out->regions[0], region,
                      late);
                count(out->citizenships, &out->n_citizenships, QN_STATS_MAX_GROUPS, cit, late);
            }
            json_decref(p);
        }
        size_t got = l.count;
        qn_store_notification_list_free(&l);
        if (got < (size_t)f.limit)
            break;
    }
    qn_svc_release(ctx, &c);
    return rc;
}
