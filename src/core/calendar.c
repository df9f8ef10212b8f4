/* calendar.c — Kazakhstan's working-day calendar (see calendar.h).
 *
 * For a query the year's map is built on the stack: one byte per day of the
 * year holding its qn_day_kind. Building order:
 *   1. Saturdays and Sundays are weekend days;
 *   2. fixed days off valid that year, and Kurban Ait day 1 (religious);
 *   3. for each non-religious holiday on a Saturday or Sunday, in date order,
 *      the next day that is neither weekend, holiday, religious day nor an
 *      already moved day becomes a moved day off (Law on holidays, Art. 5:
 *      "the next working day after the holiday"); religious days are not
 *      moved (Labour Code Art. 84 para. 5; enbek.gov.kz/en/node/363012);
 *   4. the year's transfer orders override the result.
 * A move that would cross into the next year stays in December's last days
 * or is dropped past 31 Dec; no holiday late enough for this exists (the
 * latest is 16/17 Dec), so it does not happen with the current data.
 */
#include "core/calendar.h"

#include <stdint.h>

#include "core/calendar_kz_data.h"

typedef struct {
    int year;
    qn_date_t jan1;
    int days; /* 365 or 366 */
    uint8_t kind[366];
    const char *name[366];
} year_map;

/* Day number of a civil date for any year (Howard Hinnant's days_from_civil,
 * as in date.c): qn_date_from_ymd accepts 1900..2100 only, and working-day
 * arithmetic near the range's ends must still see the neighbouring year. */
static qn_date_t ymd(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (qn_date_t)(era * 146097 + doe - 719468);
}

static void build_year(int year, year_map *m)
{
    m->year = year;
    m->jan1 = ymd(year, 1, 1);
    m->days = (int)(ymd(year + 1, 1, 1) - m->jan1);
    for (int i = 0; i < m->days; i++) {
        m->kind[i] = qn_date_is_weekend(m->jan1 + i) ? QN_DAY_WEEKEND : QN_DAY_WORKING;
        m->name[i] = "";
    }
    for (size_t i = 0; i < qn_kz_fixed_days_count; i++) {
        const qn_kz_fixed_day *f = &qn_kz_fixed_days[i];
        if (year < f->from_year || year > f->to_year)
            continue;
        int idx = (int)(ymd(year, f->month, f->day) - m->jan1);
        m->kind[idx] = (uint8_t)(f->religious ? QN_DAY_RELIGIOUS : QN_DAY_HOLIDAY);
        m->name[idx] = f->name;
    }
    for (size_t i = 0; i < qn_kz_kurban_days_count; i++) {
        const qn_kz_kurban *k = &qn_kz_kurban_days[i];
        if (k->year != year)
            continue;
        int idx = (int)(ymd(year, k->month, k->day) - m->jan1);
        m->kind[idx] = QN_DAY_RELIGIOUS;
        m->name[idx] = k->confirmed ? "Kurban Ait" : "Kurban Ait (projected date)";
    }
    /* Weekend moves, in date order (the map is scanned in order). */
    for (int i = 0; i < m->days; i++) {
        if (m->kind[i] != QN_DAY_HOLIDAY || !qn_date_is_weekend(m->jan1 + i))
            continue;
        int j = i + 1;
        while (j < m->days && m->kind[j] != QN_DAY_WORKING)
            j++;
        if (j < m->days) {
            m->kind[j] = QN_DAY_MOVED_OFF;
            m->name[j] = m->name[i];
        }
    }
    for (size_t i = 0; i < qn_kz_transfers_count; i++) {
        const qn_kz_transfer *t = &qn_kz_transfers[i];
        if (t->year != year)
            continue;
        int idx = (int)(ymd(year, t->month, t->day) - m->jan1);
        m->kind[idx] = (uint8_t)(t->working ? QN_DAY_TRANSFER_WORKING : QN_DAY_TRANSFER_OFF);
        m->name[idx] = t->source;
    }
}

static bool kind_is_working(int kind) { return kind == QN_DAY_WORKING || kind == QN_DAY_TRANSFER_WORKING; }

qn_day_kind qn_calendar_day_kind(qn_date_t date, const char **name)
{
    int year;
    qn_date_to_ymd(date, &year, NULL, NULL);
    year_map m;
    build_year(year, &m);
    int idx = (int)(date - m.jan1);
    if (name)
        *name = m.name[idx];
    return (qn_day_kind)m.kind[idx];
}

bool qn_is_working_day(qn_date_t date) { return kind_is_working(qn_calendar_day_kind(date, NULL)); }

const char *qn_day_kind_name(qn_day_kind kind)
{
    switch (kind) {
    case QN_DAY_WORKING: return "working";
    case QN_DAY_WEEKEND: return "weekend";
    case QN_DAY_HOLIDAY: return "holiday";
    case QN_DAY_RELIGIOUS: return "religious_day_off";
    case QN_DAY_MOVED_OFF: return "moved_day_off";
    case QN_DAY_TRANSFER_OFF: return "transferred_day_off";
    case QN_DAY_TRANSFER_WORKING: return "transferred_working_day";
    }
    return "unknown";
}

qn_date_t qn_calendar_nth_working_day(qn_date_t start, int n)
{
    if (n < 1)
        n = 1;
    int year;
    qn_date_to_ymd(start, &year, NULL, NULL);
    year_map m;
    build_year(year, &m);
    qn_date_t d = start;
    for (;;) {
        int idx = (int)(d - m.jan1);
        if (idx >= m.days) {
            build_year(++year, &m);
            idx = 0;
        }
        if (kind_is_working(m.kind[idx]) && --n == 0)
            return d;
        d++;
    }
}

qn_date_t qn_calendar_add_working_days(qn_date_t date, int n)
{
    if (n == 0)
        return date;
    if (n > 0)
        return qn_calendar_nth_working_day(date + 1, n);
    int year;
    qn_date_to_ymd(date, &year, NULL, NULL);
    year_map m;
    build_year(year, &m);
    qn_date_t d = date;
    for (;;) {
        d--;
        int idx = (int)(d - m.jan1);
        if (idx < 0) {
            build_year(--year, &m);
            idx = m.days - 1;
        }
        if (kind_is_working(m.kind[idx]) && ++n == 0)
            return d;
    }
}

int qn_calendar_count_working_days(qn_date_t from, qn_date_t to)
{
    if (to < from)
        return 0;
    int year, last_year;
    qn_date_to_ymd(from, &year, NULL, NULL);
    qn_date_to_ymd(to, &last_year, NULL, NULL);
    int count = 0;
    year_map m;
    for (; year <= last_year; year++) {
        build_year(year, &m);
        int lo = from > m.jan1 ? (int)(from - m.jan1) : 0;
        int hi = to < m.jan1 + m.days - 1 ? (int)(to - m.jan1) : m.days - 1;
        for (int i = lo; i <= hi; i++)
            count += kind_is_working(m.kind[i]);
    }
    return count;
}

qn_calendar_coverage_t qn_calendar_coverage(int year)
{
    for (size_t i = 0; i < qn_kz_kurban_days_count; i++) {
        if (qn_kz_kurban_days[i].year != year)
            continue;
        if (qn_kz_kurban_days[i].confirmed && year >= qn_kz_transfers_known_from &&
            year <= qn_kz_transfers_known_to)
            return QN_CAL_CONFIRMED;
        return QN_CAL_PARTIAL;
    }
    return QN_CAL_RULES_ONLY;
}
