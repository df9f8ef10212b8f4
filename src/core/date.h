/* date.h — civil dates of the proleptic Gregorian calendar, as day numbers.
 *
 * A qn_date_t is the number of days since 1970-01-01 (negative before it).
 * Arithmetic is plain integer arithmetic: the day after d is d + 1 and the
 * number of days from a to b is b - a, so there are no time-zone or DST
 * pitfalls in rule evaluation. Only years 1900..2100 are accepted from
 * outside (parse, from_ymd); the conversions themselves are exact for any
 * year (Howard Hinnant's days_from_civil algorithm).
 *
 * Kazakhstan's civil time is a separate question answered by
 * qn_date_from_epoch_kz: UTC+6 before 2024-03-01 00:00 local time (Almaty
 * time, the zone of most of the country) and UTC+5 from then on (Government
 * decree on the single time zone, in force 2024-03-01). Deadlines end at
 * 23:59:59 local time of their last day.
 *
 * Pure: no I/O, no allocation, thread-safe.
 */
#ifndef QN_DATE_H
#define QN_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t qn_date_t;

#define QN_DATE_MIN_YEAR 1900
#define QN_DATE_MAX_YEAR 2100
#define QN_DATE_STRLEN 11 /* "YYYY-MM-DD" and the NUL */

/* A sentinel meaning "no date" (open trip end, no visa). Never a valid date. */
#define QN_DATE_NONE INT32_MIN

/* Builds a date from year, month (1..12) and day (1..31). Returns false when
 * the day does not exist (2026-02-29) or the year is outside 1900..2100. */
bool qn_date_from_ymd(int year, int month, int day, qn_date_t *out);

/* Splits a date into year, month, day. Any out-pointer may be NULL. */
void qn_date_to_ymd(qn_date_t date, int *year, int *month, int *day);

/* Parses exactly "YYYY-MM-DD" (ISO 8601 calendar date, extended format) of
 * length len (s need not be NUL-terminated). On failure returns false and,
 * when reason is not NULL, points it at a static sentence fragment such as
 * "must be YYYY-MM-DD" or "is not a day of the calendar". */
bool qn_date_parse(const char *s, size_t len, qn_date_t *out, const char **reason);

/* Convenience for NUL-terminated strings. */
bool qn_date_parse_cstr(const char *s, qn_date_t *out, const char **reason);

/* Writes "YYYY-MM-DD" into buf (at least QN_DATE_STRLEN bytes); returns buf. */
char *qn_date_format(qn_date_t date, char buf[QN_DATE_STRLEN]);

/* ISO weekday: 1 = Monday ... 7 = Sunday. */
int qn_date_weekday(qn_date_t date);

/* True for Saturday and Sunday. */
bool qn_date_is_weekend(qn_date_t date);

/* Number of days in a month of a year (February aware of leap years). */
int qn_date_days_in_month(int year, int month);

bool qn_date_is_leap_year(int year);

/* Adds months, clamping the day to the month's length (2024-01-31 + 1 month
 * = 2024-02-29). Used for permit periods stated in months. */
qn_date_t qn_date_add_months(qn_date_t date, int months);

/* UTC offset of Kazakhstan's civil time, in seconds, at the instant
 * epoch_seconds (UTC): 6 h before 2024-02-29T18:00:00Z, 5 h from then. */
int32_t qn_kz_utc_offset(int64_t epoch_seconds);

/* The civil date in Kazakhstan at an instant (seconds since the Unix epoch, UTC). */
qn_date_t qn_date_from_epoch_kz(int64_t epoch_seconds);

/* The instant (UTC epoch seconds) at which the day `date` ends in
 * Kazakhstan, i.e. 23:59:59 local time of that day. */
int64_t qn_date_end_epoch_kz(qn_date_t date);

#endif
