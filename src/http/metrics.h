/* metrics.h — request counters and latency histograms in Prometheus form.
 *
 * One qn_metrics per server (in its context struct): counters of requests by
 * route and status, a latency histogram over all requests, and the total
 * database time. All updates are relaxed atomic increments, so request
 * threads never take a lock; the /metrics handler reads a snapshot that may
 * be a few increments stale, which Prometheus tolerates.
 */
#ifndef QN_HTTP_METRICS_H
#define QN_HTTP_METRICS_H

#include <stddef.h>
#include <stdint.h>

typedef struct qn_metrics qn_metrics;

/* Creates counters for n_routes routes (index n_routes counts unmatched
 * paths). Returns NULL when out of memory. */
qn_metrics *qn_metrics_new(size_t n_routes);
void qn_metrics_free(qn_metrics *m);

/* Records one finished request: route index (or -1 for none), status,
 * total time and the part of it spent in the database, in nanoseconds. */
void qn_metrics_record(qn_metrics *m, int route, int status, uint64_t total_ns, uint64_t db_ns);

/* Writes the exposition text; label route names come from the route table.
 * Returns a malloc'd string (caller frees) or NULL. */
char *qn_metrics_render(const qn_metrics *m, size_t *len_out);

#endif
