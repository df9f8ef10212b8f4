/* stats_daily.c — notifications per day of arrival for the analysts'
 * dashboard (see portal.h): one GROUP BY arrival day in the store over the
 * range (qn_store_notification_counts), of every region for an analyst and
 * of the officer's own region (the notification's region column).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/portal.h"
#include "service/service_internal.h"
#include "service/stats.h"

qn_code qn_svc_notification_stats_daily(qn_svc_ctx *ctx, qn_date_t from, qn_date_t to, qn_stats_daily *out,
                                        qn_err *e)
{
    memset(out, 0, sizeof *out);
    const qn_principal *who = ctx->who;
    if (who->role != QN_ROLE_ANALYST && who->role != QN_ROLE_OFFICER)
        return qn_err_set(e, QN_E_FORBIDDEN, "statistics are for analysts and officers");
    if (from == QN_DATE_NONE)
        qn_err_field(e, "from", "is required");
    if (to == QN_DATE_NONE)
        qn_err_field(e, "to", "is required");
    else if (from != QN_DATE_NONE && to < from)
        qn_err_field(e, "to", "is before from");
    else if (from != QN_DATE_NONE && to - from + 1 > QN_STATS_DAILY_MAX_DAYS)
        qn_err_field(e, "to", "is more than %d days after from", QN_STATS_DAILY_MAX_DAYS);
    if (e && e->code != QN_OK)
        return e->code;
    bool one_region = who->role == QN_ROLE_OFFICER;
    snprintf(out->scope, sizeof out->scope, "%s", one_region ? who->region : "all");
    out->from = from;
    out->to = to;
    out->n_days = (size_t)(to - from + 1);
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    qn_store_notification_group_list g = {0};
    rc = qn_store_notification_counts(c.conn, one_region ? who->region : NULL, from, to, QN_GROUP_BY_DAY, &g,
                                      NULL, e);
    for (size_t i = 0; rc == QN_OK && i < g.count; i++) {
        char *end = NULL;
        long day = strtol(g.items[i].key, &end, 10);
        if (*end != '\0' || day < from || day > to)
            continue; /* cannot happen: the query is bounded by the range */
        out->days[day - from].total = g.items[i].total;
        out->days[day - from].late = g.items[i].late;
    }
    qn_store_notification_group_list_free(&g);
    qn_svc_release(ctx, &c);
    return rc;
}
