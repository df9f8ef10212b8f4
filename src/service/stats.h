/* stats.h — aggregates of notifications of arrival, for analysts (all
 * regions) and officers (their region). No personal data leaves here: counts
 * by region, by citizenship, on time and late. Other roles get 403.
 *
 * The counts are grouped by the database (qn_store_notification_counts:
 * GROUP BY region / citizenship over the arrival-date range, on the indexes
 * of migration 005), so every notification in the range is counted however
 * many there are. `truncated` says a list of groups was cut at its capacity
 * (more than QN_STATS_MAX_GROUPS citizenships, more than 32 regions): the
 * totals still count every notification.
 */
#ifndef QN_SERVICE_STATS_H
#define QN_SERVICE_STATS_H

#include "service/service.h"

#define QN_STATS_MAX_GROUPS 300

typedef struct {
    char key[17]; /* region code or citizenship; "unknown" when not recorded */
    int64_t total, late;
} qn_stats_group;

typedef struct {
    int64_t total, on_time, late;
    size_t n_regions, n_citizenships;
    qn_stats_group regions[32];
    qn_stats_group citizenships[QN_STATS_MAX_GROUPS];
    bool truncated;
    char scope[17]; /* "all" or the officer's region */
} qn_notification_stats;

/* Counts over arrivals in [from, to] (either QN_DATE_NONE: open). */
qn_code qn_svc_notification_stats(qn_svc_ctx *ctx, qn_date_t from, qn_date_t to, qn_notification_stats *out,
                                  qn_err *e);

#endif
