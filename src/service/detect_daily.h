/* detect_daily.h — the daily detection run of `qonaq serve` (issue 7: "daily,
 * for entries with no notification after their deadline"): a thread that
 * runs qn_svc_violations_detect as the system every day at a set local time
 * in Kazakhstan, and optionally once at start-up.
 *
 * A deadline ends at the end of its day (23:59:59 local time), so a run at
 * 00:30 sees every deadline of the previous day; the default is 00:30. Each
 * run logs one JSON line to stderr ("detection run" with its counts and its
 * duration, or "detection failed" with the error) and appends the audit
 * event of qn_svc_violations_detect; runs are idempotent, so a run repeated
 * by several servers on one database records nothing twice.
 *
 * Thread-safety: one handle per server; start and stop from the same
 * thread. Stop wakes the thread and joins it (a run in progress finishes
 * first).
 */
#ifndef QN_SERVICE_DETECT_DAILY_H
#define QN_SERVICE_DETECT_DAILY_H

#include <stdbool.h>
#include <stdint.h>

#include "service/service.h"

typedef struct qn_detect_daily qn_detect_daily;

/* The first instant after now (UTC epoch seconds) at which Kazakhstan's
 * civil time reads hh:mm:00 (0 <= hh < 24, 0 <= mm < 60). */
int64_t qn_detect_daily_next(int64_t now, int hh, int mm);

/* Starts the thread: a run at every hh:mm local time, and one at once when
 * run_now. Errors: QN_E_INVALID (hh, mm out of range), QN_E_INTERNAL (no
 * thread). Free with qn_detect_daily_stop. */
qn_code qn_detect_daily_start(qn_service *svc, int hh, int mm, bool run_now, qn_detect_daily **out,
                              qn_err *e);

/* Stops and joins the thread; accepts NULL. */
void qn_detect_daily_stop(qn_detect_daily *d);

/* Runs detection once as the system and logs the result line (what the
 * thread does at each run). */
qn_code qn_detect_daily_run(qn_service *svc, qn_err *e);

#endif
