/* deadline.h — the host's deadline to notify the police of an arrival.
 *
 * Rule: the receiving person notifies the internal affairs bodies "within 3
 * working days from the day of arrival" (Government Decree No. 148 of
 * 21 Jan 2012, para. 9; seeds 001 and 004). Late notification makes the host
 * liable under the Code of Administrative Offences, Art. 518 part 1.
 *
 * Counting (the sources do not settle it, see docs/rules.md):
 *  - default QN_COUNT_ARRIVAL_DAY: the arrival day is working day 1 when it is
 *    a working day, else the first working day after it is day 1 (the WPK
 *    worked example, peers.md §2.6; older Rules: "from 00:01 of the day of
 *    arrival"); arrival Fri 2026-03-20 -> deadline Fri 2026-03-27;
 *  - QN_COUNT_NEXT_DAY: counting starts on the day after arrival (Civil Code
 *    style). The deadline is the end (23:59:59 Kazakhstan time) of the last
 *    working day.
 *
 * Pure: no I/O, no allocation; thread-safe.
 */
#ifndef QN_DEADLINE_H
#define QN_DEADLINE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"
#include "core/error.h"

typedef enum {
    QN_COUNT_ARRIVAL_DAY = 0, /* arrival day is day 1 if working (default) */
    QN_COUNT_NEXT_DAY = 1     /* day 1 is the first working day after arrival */
} qn_deadline_counting;

#define QN_DEADLINE_WORKING_DAYS 3   /* Decree 148 para. 9 */
#define QN_DEADLINE_MAX_WORKING_DAYS 366

typedef struct {
    int working_days;             /* 1..QN_DEADLINE_MAX_WORKING_DAYS; 3 by law */
    qn_deadline_counting counting;
} qn_deadline_rule;

/* The statutory rule: 3 working days, arrival day counts. */
qn_deadline_rule qn_deadline_rule_default(void);

/* The last day on which the arrival of `arrival` may be notified. rule may be
 * NULL (the default rule). Errors: QN_E_INVALID with field "working_days"
 * when it is outside 1..QN_DEADLINE_MAX_WORKING_DAYS or the counting mode is
 * unknown. */
qn_code qn_deadline_compute(qn_date_t arrival, const qn_deadline_rule *rule, qn_date_t *deadline,
                            qn_err *err);

/* Convenience: the default rule's deadline (cannot fail). */
qn_date_t qn_deadline_notification(qn_date_t arrival);

/* True when a notification made on day `notified_on` is late for `deadline`. */
bool qn_deadline_is_late(qn_date_t deadline, qn_date_t notified_on);

/* True when a notification at the instant `epoch_seconds` (UTC) is late:
 * after 23:59:59 Kazakhstan time of the deadline day. */
bool qn_deadline_is_late_at(qn_date_t deadline, int64_t epoch_seconds);

#endif
