/* stats_daily.c — notifications per day of arrival for the analysts'
 * dashboard (see portal.h). The same bounded scan as stats.c over the store's
 * notification search (arrival date range, newest first), counting each
 * arrival day; the region filter of an officer is the address region of the
 * payload, as in stats.c.
 */
#include <jansson.h>
#include <stdio.h>
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
    qn_store_notification_filter f;
    memset(&f, 0, sizeof f);
    f.has_range = true;
    f.arrival_from = from;
    f.arrival_to = to;
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
            const qn_store_notification *n = &l.items[i];
            if (n->arrival_date < from || n->arrival_date > to)
                continue;
            if (one_region) {
                json_t *p = n->payload ? json_loads(n->payload, 0, NULL) : NULL;
                const char *region = NULL;
                json_unpack(p, "{s?{s?s}}", "address", "region", &region);
                bool mine = region && strcmp(region, who->region) == 0;
                json_decref(p);
                if (!mine)
                    continue;
            }
            qn_stats_day *d = &out->days[n->arrival_date - from];
            d->total++;
            d->late += !n->on_time;
        }
        size_t got = l.count;
        qn_store_notification_list_free(&l);
        if (got < (size_t)f.limit)
            break;
    }
    qn_svc_release(ctx, &c);
    return rc;
}
