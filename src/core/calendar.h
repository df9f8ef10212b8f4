/* calendar.h — the working-day calendar of Kazakhstan (five-day week).
 *
 * A day is a working day unless it is a Saturday or Sunday, a public holiday
 * that is a day off, a religious day off, a day off moved from a holiday that
 * fell on a weekend, or a day off by a yearly transfer order; a transfer order
 * can also make a Saturday or Sunday a working day. The rules and the yearly
 * data (Kurban Ait dates, transfer orders) live in calendar_kz.c as tables with
 * effective years and sources; docs/rules.md explains them.
 *
 * Coverage: the Kurban Ait table runs 2020..2030 (2020 and 2027..2030
 * unconfirmed) and transfer orders are known for 2024 and 2025, plus the
 * July 2023 pair; for 2026 none was found, which does not confirm that there
 * is none (kz_rules.md §3.5), so 2026 is "partial"; other years' orders are
 * unknown. Outside 2020..2030 the
 * calendar applies weekends, the fixed holidays valid in that year and the
 * weekend-move rule, without Kurban Ait and without transfer orders;
 * qn_calendar_coverage says how far a year is backed by data.
 *
 * Pure: no I/O, no allocation, no shared state; thread-safe. Each query
 * builds the year's day map on the stack (a byte fill and the table rows,
 * about 0.2 us; see calendar.c).
 */
#ifndef QN_CALENDAR_H
#define QN_CALENDAR_H

#include <stdbool.h>

#include "core/date.h"

typedef enum {
    QN_DAY_WORKING = 0,        /* ordinary Monday..Friday */
    QN_DAY_WEEKEND,            /* ordinary Saturday or Sunday */
    QN_DAY_HOLIDAY,            /* public holiday, day off (Law on holidays, Art. 5) */
    QN_DAY_RELIGIOUS,          /* religious day off, never moved (Labour Code Art. 84) */
    QN_DAY_MOVED_OFF,          /* day off moved from a holiday on a weekend */
    QN_DAY_TRANSFER_OFF,       /* day off by a yearly transfer order */
    QN_DAY_TRANSFER_WORKING    /* Saturday/Sunday made a working day by a transfer order */
} qn_day_kind;

typedef enum {
    QN_CAL_CONFIRMED = 0, /* every datum of the year has a source (2021..2025 Kurban Ait confirmed
                             and the transfer orders known: 2024, 2025) */
    QN_CAL_PARTIAL,       /* some data projected, unknown or unconfirmed (Kurban Ait projected;
                             transfers unknown; 2026: no transfer order found, UNCONFIRMED) */
    QN_CAL_RULES_ONLY     /* outside the data: weekends and fixed holidays only */
} qn_calendar_coverage_t;

/* True when `date` is a working day in Kazakhstan (five-day week). */
bool qn_is_working_day(qn_date_t date);

/* What kind of day `date` is; when name is not NULL it receives a static
 * English name of the holiday or reason ("Nauryz meiramy", "transfer order
 * 2024-04-17", ...) or "" for ordinary days. */
qn_day_kind qn_calendar_day_kind(qn_date_t date, const char **name);

/* A stable machine word for a day kind: "working", "weekend", "holiday", ... */
const char *qn_day_kind_name(qn_day_kind kind);

/* The n-th working day (n >= 1) counting `start` itself as a candidate:
 * n = 1 gives `start` if it is a working day, else the next working day.
 * n < 1 is treated as 1. Always terminates (every year has working days). */
qn_date_t qn_calendar_nth_working_day(qn_date_t start, int n);

/* The date n working days after `date` (the date itself not counted);
 * n = 0 returns `date`; negative n counts backwards. */
qn_date_t qn_calendar_add_working_days(qn_date_t date, int n);

/* Working days in the closed interval [from, to]; 0 when to < from.
 * Cost: one year map per calendar year in the interval. */
int qn_calendar_count_working_days(qn_date_t from, qn_date_t to);

/* How well the data backs `year` (see the file comment). */
qn_calendar_coverage_t qn_calendar_coverage(int year);

#endif
