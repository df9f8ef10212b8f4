/* test_calendar.c — Kazakhstan's working-day calendar and the arrival
 * notification deadline, against the counts and examples of the sources
 * (kz_rules.md §3, peers.md §4.4). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/calendar_kz_data.h"
#include "core/date.h"
#include "core/deadline.h"
#include "support/qn_test.h"

/* Working days per year on a five-day week. */
START_TEST(working_days_per_year)
{
    static const struct {
        int year;
        int expected;
        const char *source;
    } rows[] = {
        {2025, 246, "pobipb.kz 2025 calendar"},
        {2026, 247, "kz_rules.md §3.5 (alau.kz; news.mail.ru)"},
        {2024, 249, "kz_rules.md §3.5 computed (UNCONFIRMED official count)"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        qn_date_t from, to;
        ck_assert(qn_date_from_ymd(rows[i].year, 1, 1, &from));
        ck_assert(qn_date_from_ymd(rows[i].year, 12, 31, &to));
        ck_assert_msg(qn_calendar_count_working_days(from, to) == rows[i].expected, "%d: %d, want %d (%s)",
                      rows[i].year, qn_calendar_count_working_days(from, to), rows[i].expected,
                      rows[i].source);
    }
}
END_TEST

/* Day by day: holidays, weekend moves, religious days not moved, transfers. */
START_TEST(day_kinds)
{
    static const struct {
        const char *date;
        qn_day_kind kind;
    } rows[] = {
        {"2026-03-20", QN_DAY_WORKING},          /* Friday before Nauryz */
        {"2026-03-21", QN_DAY_HOLIDAY},          /* Nauryz on Saturday */
        {"2026-03-22", QN_DAY_HOLIDAY},          /* Nauryz on Sunday */
        {"2026-03-23", QN_DAY_HOLIDAY},          /* Nauryz Monday */
        {"2026-03-24", QN_DAY_MOVED_OFF},        /* moved from 21 Mar */
        {"2026-03-25", QN_DAY_MOVED_OFF},        /* moved from 22 Mar */
        {"2026-03-26", QN_DAY_WORKING},
        {"2026-03-09", QN_DAY_MOVED_OFF},        /* 8 Mar 2026 is a Sunday */
        {"2026-03-15", QN_DAY_WEEKEND},          /* new Constitution Day only from 2027 */
        {"2027-03-15", QN_DAY_HOLIDAY},
        {"2026-08-31", QN_DAY_WORKING},          /* 30 Aug no longer a holiday in 2026 */
        {"2025-09-01", QN_DAY_MOVED_OFF},        /* 30 Aug 2025 Saturday */
        {"2026-10-26", QN_DAY_MOVED_OFF},        /* 25 Oct 2026 Sunday */
        {"2021-10-25", QN_DAY_WORKING},          /* Republic Day only from 2022 */
        {"2021-12-17", QN_DAY_HOLIDAY},          /* 16-17 Dec before 2022 */
        {"2022-12-17", QN_DAY_WEEKEND},
        {"2021-12-01", QN_DAY_HOLIDAY},          /* First President's Day before 2022 */
        {"2022-12-01", QN_DAY_WORKING},
        {"2024-01-07", QN_DAY_RELIGIOUS},        /* Christmas on Sunday ... */
        {"2024-01-08", QN_DAY_WORKING},          /* ... is not moved */
        {"2024-06-16", QN_DAY_RELIGIOUS},        /* Kurban Ait on Sunday ... */
        {"2024-06-17", QN_DAY_WORKING},          /* ... is not moved (mgorod.kz) */
        {"2024-03-25", QN_DAY_MOVED_OFF},        /* Nauryz 23 Mar 2024 Saturday */
        {"2024-07-08", QN_DAY_MOVED_OFF},        /* Capital Day on Saturday */
        {"2024-05-04", QN_DAY_TRANSFER_WORKING}, /* a Saturday worked (order of 17 Apr 2024) */
        {"2024-05-08", QN_DAY_TRANSFER_OFF},
        {"2025-01-05", QN_DAY_TRANSFER_WORKING}, /* a Sunday worked */
        {"2025-01-03", QN_DAY_TRANSFER_OFF},
        {"2025-03-10", QN_DAY_MOVED_OFF},
        {"2025-03-24", QN_DAY_MOVED_OFF},
        {"2025-03-25", QN_DAY_MOVED_OFF},
        {"2025-07-07", QN_DAY_MOVED_OFF},
        {"2025-10-27", QN_DAY_MOVED_OFF},
        {"2025-06-06", QN_DAY_RELIGIOUS},
        {"2023-07-01", QN_DAY_TRANSFER_WORKING},
        {"2023-07-06", QN_DAY_HOLIDAY},
        {"2023-07-07", QN_DAY_TRANSFER_OFF},
        {"2027-01-04", QN_DAY_MOVED_OFF},        /* 2 Jan 2027 Saturday */
        {"2027-03-24", QN_DAY_MOVED_OFF},        /* Nauryz 21 Mar 2027 Sunday */
        {"2027-05-03", QN_DAY_MOVED_OFF},
        {"2027-05-10", QN_DAY_MOVED_OFF},
        {"2027-05-17", QN_DAY_WORKING},          /* Kurban 16 May 2027 (projected), not moved */
        {"2019-12-16", QN_DAY_HOLIDAY},          /* outside the data: fixed holidays still apply */
        {"2035-05-01", QN_DAY_HOLIDAY},
        {"2100-12-31", QN_DAY_WORKING},          /* a Friday */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *name = NULL;
        qn_day_kind k = qn_calendar_day_kind(qn_test_date(rows[i].date), &name);
        ck_assert_msg(k == rows[i].kind, "%s: %s, want %s", rows[i].date, qn_day_kind_name(k),
                      qn_day_kind_name(rows[i].kind));
        ck_assert_ptr_nonnull(name);
        ck_assert(qn_is_working_day(qn_test_date(rows[i].date)) ==
                  (rows[i].kind == QN_DAY_WORKING || rows[i].kind == QN_DAY_TRANSFER_WORKING));
    }
}
END_TEST

START_TEST(add_and_count)
{
    /* Over New Year 2025/2026: Wed 31 Dec; 1-2 Jan holidays; 3-4 Jan weekend; 7 Jan religious. */
    ck_assert_int_eq(qn_calendar_add_working_days(qn_test_date("2025-12-31"), 1), qn_test_date("2026-01-05"));
    ck_assert_int_eq(qn_calendar_add_working_days(qn_test_date("2025-12-31"), 3), qn_test_date("2026-01-08"));
    ck_assert_int_eq(qn_calendar_add_working_days(qn_test_date("2026-01-08"), -3), qn_test_date("2025-12-31"));
    ck_assert_int_eq(qn_calendar_add_working_days(qn_test_date("2026-01-08"), 0), qn_test_date("2026-01-08"));
    ck_assert_int_eq(qn_calendar_count_working_days(qn_test_date("2025-12-31"), qn_test_date("2026-01-08")), 4);
    ck_assert_int_eq(qn_calendar_count_working_days(qn_test_date("2026-01-08"), qn_test_date("2025-12-31")), 0);
    ck_assert_int_eq(qn_calendar_count_working_days(qn_test_date("2026-03-21"), qn_test_date("2026-03-25")), 0);
    ck_assert_int_eq(qn_calendar_count_working_days(qn_test_date("2024-05-04"), qn_test_date("2024-05-04")), 1);
    ck_assert_int_eq(qn_calendar_nth_working_day(qn_test_date("2026-03-21"), 1), qn_test_date("2026-03-26"));
    ck_assert_int_eq(qn_calendar_nth_working_day(qn_test_date("2026-03-20"), 0), qn_test_date("2026-03-20"));
    /* Crossing the end of the parse range: Fri 2100-12-31; 1-2 Jan 2101 fall on
     * Sat/Sun and move to Mon 3 and Tue 4, so the next working day is Wed 5 Jan. */
    ck_assert_int_eq(qn_calendar_add_working_days(qn_test_date("2100-12-31"), 1) - qn_test_date("2100-12-31"), 5);
    /* Leap day 2024 is an ordinary Thursday. */
    ck_assert(qn_is_working_day(qn_test_date("2024-02-29")));
    /* Counting across several years equals the sum of the years. */
    ck_assert_int_eq(qn_calendar_count_working_days(qn_test_date("2025-01-01"), qn_test_date("2026-12-31")), 493);
}
END_TEST

START_TEST(coverage)
{
    ck_assert_int_eq(qn_calendar_coverage(2024), QN_CAL_CONFIRMED);
    ck_assert_int_eq(qn_calendar_coverage(2025), QN_CAL_CONFIRMED);
    /* KR §3.5: "Ministerial transfers 2026: none found (UNCONFIRMED)": not confirmed. */
    ck_assert_int_eq(qn_calendar_coverage(2026), QN_CAL_PARTIAL);
    ck_assert_int_eq(qn_calendar_coverage(2023), QN_CAL_PARTIAL); /* the July pair only */
    ck_assert_int_eq(qn_calendar_coverage(2022), QN_CAL_PARTIAL);
    ck_assert_int_eq(qn_calendar_coverage(2028), QN_CAL_PARTIAL);
    ck_assert_int_eq(qn_calendar_coverage(2031), QN_CAL_RULES_ONLY);
    ck_assert_int_eq(qn_calendar_coverage(2019), QN_CAL_RULES_ONLY);
}
END_TEST

/* peers.md §4.4 (July 2023 with the transfer) and the Nauryz example. */
START_TEST(notification_deadlines)
{
    static const struct {
        const char *arrival;
        const char *arrival_day_counts;
        const char *next_day;
    } rows[] = {
        {"2023-07-02", "2023-07-05", "2023-07-05"}, /* Sunday */
        {"2023-07-03", "2023-07-05", "2023-07-10"}, /* Monday (WPK example) */
        {"2023-06-30", "2023-07-03", "2023-07-04"}, /* Friday, Sat 1 Jul is worked */
        {"2023-07-05", "2023-07-11", "2023-07-12"}, /* before Capital Day and the transferred day */
        {"2026-03-20", "2026-03-27", "2026-03-30"}, /* Friday before Nauryz 2026 */
        {"2025-12-31", "2026-01-06", "2026-01-08"}, /* over New Year and 7 Jan */
        {"2024-02-29", "2024-03-04", "2024-03-05"}, /* leap day */
        {"2024-05-03", "2024-05-06", "2024-05-10"}, /* Sat 4 May 2024 worked; 7, 8, 9 May off */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        qn_date_t arrival = qn_test_date(rows[i].arrival), got = 0;
        ck_assert_int_eq(qn_deadline_compute(arrival, NULL, &got, NULL), QN_OK);
        ck_assert_msg(got == qn_test_date(rows[i].arrival_day_counts), "arrival %s", rows[i].arrival);
        ck_assert_int_eq(qn_deadline_notification(arrival), got);
        qn_deadline_rule next = {3, QN_COUNT_NEXT_DAY};
        ck_assert_int_eq(qn_deadline_compute(arrival, &next, &got, NULL), QN_OK);
        ck_assert_msg(got == qn_test_date(rows[i].next_day), "arrival %s (next day)", rows[i].arrival);
    }
}
END_TEST

START_TEST(deadline_lateness_and_errors)
{
    qn_date_t deadline = qn_test_date("2026-03-27");
    ck_assert(!qn_deadline_is_late(deadline, deadline));
    ck_assert(qn_deadline_is_late(deadline, deadline + 1));
    /* 2026-03-27 23:59:59 at UTC+5 is 18:59:59Z; one second later is late. */
    int64_t end = qn_date_end_epoch_kz(deadline);
    ck_assert(!qn_deadline_is_late_at(deadline, end));
    ck_assert(qn_deadline_is_late_at(deadline, end + 1));
    qn_err err;
    qn_err_clear(&err);
    qn_deadline_rule bad = {0, QN_COUNT_ARRIVAL_DAY};
    qn_date_t got = 0;
    ck_assert_int_eq(qn_deadline_compute(deadline, &bad, &got, &err), QN_E_INVALID);
    ck_assert_str_eq(err.fields[0].field, "working_days");
    qn_deadline_rule one = {1, QN_COUNT_ARRIVAL_DAY};
    ck_assert_int_eq(qn_deadline_compute(qn_test_date("2026-03-21"), &one, &got, NULL), QN_OK);
    ck_assert_int_eq(got, qn_test_date("2026-03-26"));
}
END_TEST

/* ---- data/holidays_kz.csv mirrors the tables of src/core/calendar_kz.c */

enum { CSV_FIELDS = 10, CSV_ROWS_MAX = 64 };

static qn_date_t test_ymd(int y, int m, int d)
{
    qn_date_t out = 0;
    ck_assert_msg(qn_date_from_ymd(y, m, d, &out), "bad date %d-%d-%d", y, m, d);
    return out;
}

typedef struct {
    char kind[24];
    int month, day, year_from, year_to; /* year_to 9999 when empty */
    bool religious;
    char name[96];
    bool confirmed;
} csv_day;

/* Splits one CSV line (fields may be "quoted"; no quotes inside them) into
 * at most CSV_FIELDS fields in place; returns the count. */
static int csv_split(char *line, char *fields[CSV_FIELDS])
{
    int n = 0;
    char *p = line;
    while (n < CSV_FIELDS) {
        if (*p == '"') {
            fields[n++] = ++p;
            p = strchr(p, '"');
            if (p == NULL)
                return -1;
            *p++ = '\0';
        } else {
            fields[n++] = p;
            p += strcspn(p, ",\r\n");
        }
        if (*p != ',') {
            *p = '\0';
            break;
        }
        *p++ = '\0';
    }
    return n;
}

static size_t read_holidays_csv(csv_day rows[CSV_ROWS_MAX])
{
    const char *root = qn_test_env("QONAQ_ROOT", 0);
    char path[512];
    snprintf(path, sizeof path, "%s/data/holidays_kz.csv", root ? root : ".");
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char line[512];
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || strncmp(line, "kind,", 5) == 0)
            continue;
        char *fl[CSV_FIELDS];
        ck_assert_msg(csv_split(line, fl) == CSV_FIELDS, "bad row: %s", line);
        ck_assert_uint_lt(n, CSV_ROWS_MAX);
        csv_day *r = &rows[n++];
        snprintf(r->kind, sizeof r->kind, "%s", fl[0]);
        r->month = atoi(fl[1]);
        r->day = atoi(fl[2]);
        r->year_from = atoi(fl[3]);
        r->year_to = fl[4][0] ? atoi(fl[4]) : 9999;
        ck_assert_msg(strcmp(fl[6], "yes") == 0 || strcmp(fl[6], "no") == 0, "religious: %s", fl[6]);
        r->religious = strcmp(fl[6], "yes") == 0;
        snprintf(r->name, sizeof r->name, "%s", fl[7]);
        ck_assert_msg(strncmp(fl[8], "yes", 3) == 0 || strncmp(fl[8], "no", 2) == 0, "confirmed: %s", fl[8]);
        r->confirmed = strncmp(fl[8], "yes", 3) == 0;
        if (fl[5][0]) { /* the date column repeats month and day of a one-year row */
            qn_date_t d = qn_test_date(fl[5]);
            int y, m, dd;
            qn_date_to_ymd(d, &y, &m, &dd);
            ck_assert(y == r->year_from && y == r->year_to && m == r->month && dd == r->day);
        }
    }
    fclose(f);
    return n;
}

/* The kind a CSV row gives its day in a year it is valid. */
static qn_day_kind csv_kind(const csv_day *r)
{
    if (strcmp(r->kind, "fixed") == 0)
        return r->religious ? QN_DAY_RELIGIOUS : QN_DAY_HOLIDAY;
    if (strcmp(r->kind, "kurban_ait") == 0)
        return QN_DAY_RELIGIOUS;
    if (strcmp(r->kind, "transfer_working") == 0)
        return QN_DAY_TRANSFER_WORKING;
    ck_assert_msg(strcmp(r->kind, "transfer_day_off") == 0, "unknown kind %s", r->kind);
    return QN_DAY_TRANSFER_OFF;
}

enum { MIRROR_FROM = 1990, MIRROR_TO = 2040 };

START_TEST(csv_mirror_matches_tables)
{
    csv_day rows[CSV_ROWS_MAX];
    size_t n = read_holidays_csv(rows);
    ck_assert_uint_eq(n, 34); /* 17 fixed days, 11 Kurban Ait dates, 6 transfer days */
    /* CSV -> calendar: every row's day has the row's kind and name in each
     * year the row is valid, and not the year before or after. */
    for (size_t i = 0; i < n; i++) {
        const csv_day *r = &rows[i];
        int from = r->year_from > MIRROR_FROM ? r->year_from : MIRROR_FROM;
        int to = r->year_to < MIRROR_TO ? r->year_to : MIRROR_TO;
        for (int y = from; y <= to; y++) {
            const char *name = NULL;
            qn_date_t d = test_ymd(y, r->month, r->day);
            qn_day_kind k = qn_calendar_day_kind(d, &name);
            ck_assert_msg(k == csv_kind(r), "%s %d-%02d-%02d: calendar says %s", r->name, y, r->month,
                          r->day, qn_day_kind_name(k));
            if (strcmp(r->kind, "kurban_ait") == 0)
                ck_assert_str_eq(name, r->confirmed ? "Kurban Ait" : "Kurban Ait (projected date)");
            else
                ck_assert_msg(strcmp(name, r->name) == 0, "%d-%02d-%02d: %s vs %s", y, r->month, r->day,
                              name, r->name);
        }
        const int outside[2] = {r->year_from - 1, r->year_to + 1};
        for (int k = 0; k < 2; k++) {
            if (outside[k] < MIRROR_FROM || outside[k] > MIRROR_TO)
                continue;
            const char *name = NULL;
            qn_calendar_day_kind(test_ymd(outside[k], r->month, r->day), &name);
            ck_assert_msg(strcmp(name, r->name) != 0 || strcmp(r->kind, "fixed") != 0 ||
                              /* 16 Dec keeps its name; 17 Dec was its second day */
                              strcmp(r->name, "Independence Day") == 0,
                          "%s still on %d-%02d-%02d", r->name, outside[k], r->month, r->day);
        }
        /* The confirmed column: Kurban Ait projected dates make their year partial. */
        if (strcmp(r->kind, "kurban_ait") == 0 && !r->confirmed)
            ck_assert_int_ne(qn_calendar_coverage(r->year_from), QN_CAL_CONFIRMED);
    }
    /* Calendar -> CSV: every holiday, religious day and transfer of the
     * calendar has its row. */
    for (qn_date_t d = test_ymd(MIRROR_FROM, 1, 1); d <= test_ymd(MIRROR_TO, 12, 31); d++) {
        qn_day_kind k = qn_calendar_day_kind(d, NULL);
        if (k == QN_DAY_WORKING || k == QN_DAY_WEEKEND || k == QN_DAY_MOVED_OFF)
            continue;
        int y, m, dd;
        qn_date_to_ymd(d, &y, &m, &dd);
        bool found = false;
        for (size_t i = 0; i < n && !found; i++)
            found = rows[i].month == m && rows[i].day == dd && y >= rows[i].year_from &&
                    y <= rows[i].year_to && csv_kind(&rows[i]) == k;
        ck_assert_msg(found, "%d-%02d-%02d (%s) has no row in data/holidays_kz.csv", y, m, dd,
                      qn_day_kind_name(k));
    }
}
END_TEST

/* ---- the year map against a plain reference: the rules of calendar.c
 * written day by day, the way the first version built the map (it is the
 * oracle for the faster map, which fills weekends by stride and names days
 * only on demand). */

typedef struct {
    qn_day_kind kind[366];
    const char *name[366];
} ref_year;

static void ref_build(int year, qn_date_t jan1, int days, ref_year *m)
{
    for (int i = 0; i < days; i++) {
        m->kind[i] = qn_date_is_weekend(jan1 + i) ? QN_DAY_WEEKEND : QN_DAY_WORKING;
        m->name[i] = "";
    }
    for (size_t i = 0; i < qn_kz_fixed_days_count; i++) {
        const qn_kz_fixed_day *f = &qn_kz_fixed_days[i];
        if (year < f->from_year || year > f->to_year)
            continue;
        int idx = (int)(test_ymd(year, f->month, f->day) - jan1);
        m->kind[idx] = f->religious ? QN_DAY_RELIGIOUS : QN_DAY_HOLIDAY;
        m->name[idx] = f->name;
    }
    for (size_t i = 0; i < qn_kz_kurban_days_count; i++) {
        const qn_kz_kurban *k = &qn_kz_kurban_days[i];
        if (k->year != year)
            continue;
        int idx = (int)(test_ymd(year, k->month, k->day) - jan1);
        m->kind[idx] = QN_DAY_RELIGIOUS;
        m->name[idx] = k->confirmed ? "Kurban Ait" : "Kurban Ait (projected date)";
    }
    for (int i = 0; i < days; i++) { /* weekend moves, in date order */
        if (m->kind[i] != QN_DAY_HOLIDAY || !qn_date_is_weekend(jan1 + i))
            continue;
        int j = i + 1;
        while (j < days && m->kind[j] != QN_DAY_WORKING)
            j++;
        if (j < days) {
            m->kind[j] = QN_DAY_MOVED_OFF;
            m->name[j] = m->name[i];
        }
    }
    for (size_t i = 0; i < qn_kz_transfers_count; i++) {
        const qn_kz_transfer *t = &qn_kz_transfers[i];
        if (t->year != year)
            continue;
        int idx = (int)(test_ymd(year, t->month, t->day) - jan1);
        m->kind[idx] = t->working ? QN_DAY_TRANSFER_WORKING : QN_DAY_TRANSFER_OFF;
        m->name[idx] = t->source;
    }
}

START_TEST(matches_reference_year_map)
{
    static ref_year m;
    for (int year = 1900; year <= 2099; year++) {
        qn_date_t jan1 = test_ymd(year, 1, 1);
        int days = (int)(test_ymd(year + 1, 1, 1) - jan1);
        ref_build(year, jan1, days, &m);
        int working = 0;
        for (int i = 0; i < days; i++) {
            const char *name = NULL;
            qn_day_kind k = qn_calendar_day_kind(jan1 + i, &name);
            ck_assert_msg(k == m.kind[i] && strcmp(name, m.name[i]) == 0, "%d day %d: %s \"%s\", reference %s \"%s\"",
                          year, i, qn_day_kind_name(k), name, qn_day_kind_name(m.kind[i]), m.name[i]);
            working += m.kind[i] == QN_DAY_WORKING || m.kind[i] == QN_DAY_TRANSFER_WORKING;
        }
        ck_assert_int_eq(qn_calendar_count_working_days(jan1, jan1 + days - 1), working);
    }
}
END_TEST

static Suite *calendar_suite(void)
{
    Suite *s = suite_create("calendar");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, working_days_per_year);
    tcase_add_test(tc, day_kinds);
    tcase_add_test(tc, add_and_count);
    tcase_add_test(tc, coverage);
    tcase_add_test(tc, csv_mirror_matches_tables);
    tcase_add_test(tc, matches_reference_year_map);
    tcase_add_test(tc, notification_deadlines);
    tcase_add_test(tc, deadline_lateness_and_errors);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(calendar_suite)
