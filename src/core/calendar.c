/* calendar.c — Kazakhstan's working-day calendar (see calendar.h).
 *
 * For a query the year's map is built on the stack: one byte per day of the
 * year holding its qn_day_kind (names are looked up in the tables only when
 * asked). Building it is a fill of the year's bytes plus one step per row of
 * the data tables, about 0.2 us, so nothing is cached (no shared state);
 * the first version set each day with date arithmetic and a name pointer and
 * cost 1.4 us, which dominated a one-trip stay computation (bench_stay).
 * test_calendar (matches_reference_year_map) checks this map against that
 * day-by-day construction for every day of 1900..2099. Building order:
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
#include <string.h>

#include "core/calendar_kz_data.h"

enum { MOVES_MAX = 32 }; /* moved days off in one year: at most one per holiday */

typedef struct {
    int year;
    qn_date_t jan1;
    int days;      /* 365 or 366 */
    int jan1_wday; /* 0 = Monday ... 6 = Sunday */
    uint8_t kind[366];
    /* The moved days off and the day of the holiday each one comes from
     * (for names, which are looked up only when asked). */
    int n_moved;
    int16_t moved_to[MOVES_MAX], moved_from[MOVES_MAX];
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

/* Index in the year (0 = 1 Jan) of month/day, for a year of `days` days. */
static int day_index(int days, int month, int day)
{
    static const int before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    return before[month - 1] + day - 1 + (days == 366 && month > 2 ? 1 : 0);
}

static bool index_is_weekend(const year_map *m, int idx) { return (m->jan1_wday + idx) % 7 >= 5; }

/* The year's map: one kind per day. Cost: a fill of the year's bytes plus
 * the rows of the data tables (no per-day date arithmetic), so a query is
 * cheap enough to build it every time (no cache, no shared state). */
static void build_year(int year, year_map *m)
{
    m->year = year;
    m->jan1 = ymd(year, 1, 1);
    m->days = (int)(ymd(year + 1, 1, 1) - m->jan1);
    m->jan1_wday = qn_date_weekday(m->jan1) - 1;
    m->n_moved = 0;
    memset(m->kind, QN_DAY_WORKING, sizeof m->kind);
    for (int first = (5 - m->jan1_wday + 7) % 7, w = 0; w < 2; w++) /* Saturdays, then Sundays */
        for (int i = (first + w) % 7; i < m->days; i += 7)
            m->kind[i] = QN_DAY_WEEKEND;
    int holidays[MOVES_MAX];
    int n_holidays = 0;
    for (size_t i = 0; i < qn_kz_fixed_days_count; i++) {
        const qn_kz_fixed_day *f = &qn_kz_fixed_days[i];
        if (year < f->from_year || year > f->to_year)
            continue;
        int idx = day_index(m->days, f->month, f->day);
        m->kind[idx] = (uint8_t)(f->religious ? QN_DAY_RELIGIOUS : QN_DAY_HOLIDAY);
        if (!f->religious && n_holidays < MOVES_MAX) {
            /* Insertion keeps the holidays in date order, as the moves need. */
            int k = n_holidays++;
            for (; k > 0 && holidays[k - 1] > idx; k--)
                holidays[k] = holidays[k - 1];
            holidays[k] = idx;
        }
    }
    for (size_t i = 0; i < qn_kz_kurban_days_count; i++) {
        const qn_kz_kurban *k = &qn_kz_kurban_days[i];
        if (k->year == year)
            m->kind[day_index(m->days, k->month, k->day)] = QN_DAY_RELIGIOUS;
    }
    /* Weekend moves, in date order. A holiday overwritten by Kurban Ait is
     * religious now and does not move. */
    for (int h = 0; h < n_holidays; h++) {
        int i = holidays[h];
        if (m->kind[i] != QN_DAY_HOLIDAY || !index_is_weekend(m, i))
            continue;
        int j = i + 1;
        while (j < m->days && m->kind[j] != QN_DAY_WORKING)
            j++;
        if (j < m->days) {
            m->kind[j] = QN_DAY_MOVED_OFF;
            m->moved_to[m->n_moved] = (int16_t)j;
            m->moved_from[m->n_moved++] = (int16_t)i;
        }
    }
    for (size_t i = 0; i < qn_kz_transfers_count; i++) {
        const qn_kz_transfer *t = &qn_kz_transfers[i];
        if (t->year != year)
            continue;
        m->kind[day_index(m->days, t->month, t->day)] =
            (uint8_t)(t->working ? QN_DAY_TRANSFER_WORKING : QN_DAY_TRANSFER_OFF);
    }
}

static bool kind_is_working(int kind) { return kind == QN_DAY_WORKING || kind == QN_DAY_TRANSFER_WORKING; }

/* The name of day idx of kind `kind` in m: the table row that made it so,
 * in the order build_year applies them (transfers over Kurban Ait over
 * fixed days; a moved day is named after its holiday). */
static const char *day_name(const year_map *m, int idx, qn_day_kind kind)
{
    if (kind == QN_DAY_TRANSFER_WORKING || kind == QN_DAY_TRANSFER_OFF) {
        for (size_t i = 0; i < qn_kz_transfers_count; i++) {
            const qn_kz_transfer *t = &qn_kz_transfers[i];
            if (t->year == m->year && day_index(m->days, t->month, t->day) == idx)
                return t->source;
        }
    }
    if (kind == QN_DAY_MOVED_OFF) {
        for (int k = 0; k < m->n_moved; k++)
            if (m->moved_to[k] == idx)
                return day_name(m, m->moved_from[k], QN_DAY_HOLIDAY);
    }
    if (kind == QN_DAY_RELIGIOUS) {
        for (size_t i = 0; i < qn_kz_kurban_days_count; i++) {
            const qn_kz_kurban *k = &qn_kz_kurban_days[i];
            if (k->year == m->year && day_index(m->days, k->month, k->day) == idx)
                return k->confirmed ? "Kurban Ait" : "Kurban Ait (projected date)";
        }
    }
    if (kind == QN_DAY_RELIGIOUS || kind == QN_DAY_HOLIDAY) {
        for (size_t i = 0; i < qn_kz_fixed_days_count; i++) {
            const qn_kz_fixed_day *f = &qn_kz_fixed_days[i];
            if (m->year >= f->from_year && m->year <= f->to_year &&
                day_index(m->days, f->month, f->day) == idx)
                return f->name;
        }
    }
    return "";
}

qn_day_kind qn_calendar_day_kind(qn_date_t date, const char **name)
{
    int year;
    qn_date_to_ymd(date, &year, NULL, NULL);
    year_map m;
    build_year(year, &m);
    int idx = (int)(date - m.jan1);
    qn_day_kind kind = (qn_day_kind)m.kind[idx];
    if (name)
        *name = day_name(&m, idx, kind);
    return kind;
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
