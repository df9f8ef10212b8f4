/* stats.c — notification aggregates (see stats.h): two grouped queries of
 * the store, by region and by citizenship, in one read. */
#include "service/stats.h"

#include <stdio.h>
#include <string.h>

#include "service/service_internal.h"

/* Copies the store's groups into cap slots; true when all fitted. */
static bool take(qn_stats_group *dst, size_t cap, size_t *n, const qn_store_notification_group_list *l)
{
    *n = 0;
    for (size_t i = 0; i < l->count && *n < cap; i++) {
        qn_stats_group *g = &dst[(*n)++];
        snprintf(g->key, sizeof g->key, "%.16s", l->items[i].key[0] ? l->items[i].key : "unknown");
        g->total = l->items[i].total;
        g->late = l->items[i].late;
    }
    return *n == l->count;
}

qn_code qn_svc_notification_stats(qn_svc_ctx *ctx, qn_date_t from, qn_date_t to, qn_notification_stats *out,
                                  qn_err *e)
{
    memset(out, 0, sizeof *out);
    const qn_principal *who = ctx->who;
    if (who->role != QN_ROLE_ANALYST && who->role != QN_ROLE_OFFICER)
        return qn_err_set(e, QN_E_FORBIDDEN, "statistics are for analysts and officers");
    bool one_region = who->role == QN_ROLE_OFFICER;
    if (one_region && !who->region[0])
        return qn_err_set(e, QN_E_FORBIDDEN, "this officer account is bound to no region");
    snprintf(out->scope, sizeof out->scope, "%s", one_region ? who->region : "all");
    const char *region = one_region ? who->region : NULL;
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    qn_store_notification_group_list by_region = {0}, by_cit = {0};
    bool more_r = false, more_c = false;
    /* Two reads, not one transaction (a transaction would take SQLite's
     * write lock): under concurrent submissions the two groupings may
     * differ by the rows committed in between. The totals are the regions'. */
    rc = qn_store_notification_counts(c.conn, region, from, to, QN_GROUP_BY_REGION, &by_region, &more_r, e);
    if (rc == QN_OK)
        rc = qn_store_notification_counts(c.conn, region, from, to, QN_GROUP_BY_CITIZENSHIP, &by_cit, &more_c, e);
    qn_svc_release(ctx, &c);
    if (rc == QN_OK) {
        for (size_t i = 0; i < by_region.count; i++) {
            out->total += by_region.items[i].total;
            out->late += by_region.items[i].late;
        }
        out->on_time = out->total - out->late;
        bool all_r =
            take(out->regions, sizeof out->regions / sizeof out->regions[0], &out->n_regions, &by_region);
        bool all_c = take(out->citizenships, QN_STATS_MAX_GROUPS, &out->n_citizenships, &by_cit);
        out->truncated = more_r || more_c || !all_r || !all_c;
    }
    qn_store_notification_group_list_free(&by_region);
    qn_store_notification_group_list_free(&by_cit);
    return rc;
}
