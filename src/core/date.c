/* date.c — civil date arithmetic (see date.h). The conversions are Howard
 * Hinnant's days_from_civil / civil_from_days, exact for all years. */
#include "date.h"

#include <stdio.h>
#include <string.h>

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *year, int *month, int *day)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const int64_t m = mp < 10 ? mp + 3 : mp - 9;
    const int64_t y = yoe + era * 400 + (m <= 2);
    if (year)
        *year = (int)y;
    if (month)
        *month = (int)m;
    if (day)
        *day = (int)d;
}

bool qn_date_is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int qn_date_days_in_month(int year, int month)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && qn_date_is_leap_year(year))
        return 29;
    return len[month - 1];
}

bool qn_date_from_ymd(int year, int month, int day, qn_date_t *out)
{
    if (year < QN_DATE_MIN_YEAR || year > QN_DATE_MAX_YEAR)
        return false;
    if (month < 1 || month > 12 || day < 1 || day > qn_date_days_in_month(year, month))
        return false;
    if (out)
        *out = (qn_date_t)days_from_civil(year, month, day);
    return true;
}

void qn_date_to_ymd(qn_date_t date, int *year, int *month, int *day) { civil_from_days(date, year, month, day); }

static int digits(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool qn_date_parse(const char *s, size_t len, qn_date_t *out, const char **reason)
{
    const char *why = "must be a date written YYYY-MM-DD";
    if (s == NULL || len != 10 || s[4] != '-' || s[7] != '-')
        goto fail;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 0 || m < 0 || d < 0)
        goto fail;
    if (y < QN_DATE_MIN_YEAR || y > QN_DATE_MAX_YEAR) {
        why = "must be a year from 1900 to 2100";
        goto fail;
    }
    if (!qn_date_from_ymd(y, m, d, out)) {
        why = "is not a day of the calendar";
        goto fail;
    }
    return true;
fail:
    if (reason)
        *reason = why;
    return false;
}

bool qn_date_parse_cstr(const char *s, qn_date_t *out, const char **reason)
{
    return qn_date_parse(s, s ? strlen(s) : 0, out, reason);
}

char *qn_date_format(qn_date_t date, char buf[QN_DATE_STRLEN])
{
    int y, m, d;
    civil_from_days(date, &y, &m, &d);
    if (y < 0 || y > 9999)
        y = 0;
    const int parts[3][2] = {{y, 4}, {m, 2}, {d, 2}};
    char *p = buf;
    for (int i = 0; i < 3; i++) {
        if (i > 0)
            *p++ = '-';
        for (int k = parts[i][1] - 1, v = parts[i][0]; k >= 0; k--, v /= 10)
            p[k] = (char)('0' + v % 10);
        p += parts[i][1];
    }
    *p = '\0';
    return buf;
}

int qn_date_weekday(qn_date_t date)
{
    /* 1970-01-01 was a Thursday (ISO 4). */
    int64_t w = ((int64_t)date + 3) % 7;
    if (w < 0)
        w += 7;
    return (int)w + 1;
}

bool qn_date_is_weekend(qn_date_t date) { return qn_date_weekday(date) >= 6; }

qn_date_t qn_date_add_months(qn_date_t date, int months)
{
    int y, m, d;
    civil_from_days(date, &y, &m, &d);
    int64_t total = (int64_t)y * 12 + (m - 1) + months;
    int ny = (int)(total / 12), nm = (int)(total % 12) + 1;
    int dim = qn_date_days_in_month(ny, nm);
    if (d > dim)
        d = dim;
    return (qn_date_t)days_from_civil(ny, nm, d);
}

/* 2024-03-01T00:00 at UTC+6 is 2024-02-29T18:00:00Z. */
#define KZ_UNIFIED_ZONE_EPOCH INT64_C(1709229600)

int32_t qn_kz_utc_offset(int64_t epoch_seconds) { return epoch_seconds < KZ_UNIFIED_ZONE_EPOCH ? 6 * 3600 : 5 * 3600; }

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

qn_date_t qn_date_from_epoch_kz(int64_t epoch_seconds)
{
    return (qn_date_t)floor_div(epoch_seconds + qn_kz_utc_offset(epoch_seconds), 86400);
}

int64_t qn_date_end_epoch_kz(qn_date_t date)
{
    int64_t local_end = ((int64_t)date + 1) * 86400 - 1;
    /* The offset in force at that local instant: try the later offset first. */
    int64_t utc = local_end - 5 * 3600;
    if (utc < KZ_UNIFIED_ZONE_EPOCH)
        utc = local_end - 6 * 3600;
    return utc;
}
