/* test_stay.c — stay computation: the official and computed vectors of
 * peers.md §4.1-4.3 (Swiss SEM examples, EC KOM examples, Kazakh cases),
 * the regimes by citizenship, permits and visas, boundaries (29 February,
 * New Year, touching trips, 200 trips), the errors, and a brute-force
 * day-by-day oracle over generated histories. */
#include <stdio.h>
#include <string.h>

#include "core/regime.h"
#include "core/stay.h"
#include "support/qn_test.h"

#define NONE QN_DATE_NONE
#define MAXT 8

/* The EU rule alone (Reg. 610/2013): 90 in 180, no per-entry cap, always counted. */
static const qn_regime schengen = {"schengen", "EU 90/180", 0, 90, 180, QN_DATE_NONE, 0, false, true,
                                   "Reg. (EU) 610/2013"};

typedef struct {
    const char *trip[MAXT]; /* "YYYY-MM-DD..YYYY-MM-DD" or "YYYY-MM-DD.." */
} trips_text;

static size_t parse_trips(const trips_text *tt, qn_trip *out)
{
    size_t n = 0;
    for (; n < MAXT && tt->trip[n]; n++) {
        char a[11], b[11] = "";
        ck_assert(strlen(tt->trip[n]) >= 12);
        memcpy(a, tt->trip[n], 10);
        a[10] = 0;
        const char *rest = tt->trip[n] + 12;
        out[n].entry = qn_test_date(a);
        out[n].exit = *rest ? qn_test_date(strncpy(b, rest, 10)) : NONE;
    }
    return n;
}

static qn_stay_result run(const char *cc, const qn_regime *regime, const char *on, const trips_text *tt)
{
    qn_trip trips[MAXT];
    qn_stay_input in;
    qn_stay_input_init(&in);
    in.citizenship = cc;
    in.regime = regime;
    in.on = qn_test_date(on);
    in.n_trips = parse_trips(tt, trips);
    in.trips = trips;
    qn_stay_result r;
    qn_err err;
    qn_err_clear(&err);
    qn_code rc = qn_stay_compute(&in, &r, &err);
    ck_assert_msg(rc == QN_OK, "%s: %s (%s %s)", on, err.message, err.n_fields ? err.fields[0].field : "",
                  err.n_fields ? err.fields[0].reason : "");
    return r;
}

static const char *fmt(qn_date_t d, char buf[QN_DATE_STRLEN])
{
    return d == NONE ? "none" : qn_date_format(d, buf);
}

/* One row: trips, reference date, and the expected figures (-2 = not checked;
 * NULL dates = not checked, "none" = QN_DATE_NONE). */
typedef struct {
    const char *id;
    const char *cc;
    const qn_regime *regime;
    trips_text trips;
    const char *on;
    int days_used;
    int excess;
    const char *last_lawful;
    int allowed;
    const char *first_breach;
    int overstay;
} vector;

static void check_vector(const vector *v)
{
    qn_stay_result r = run(v->cc, v->regime, v->on, &v->trips);
    char b1[QN_DATE_STRLEN], b2[QN_DATE_STRLEN];
    if (v->days_used != -2)
        ck_assert_msg(r.days_used == v->days_used, "%s: days_used %d, want %d", v->id, r.days_used, v->days_used);
    if (v->excess != -2)
        ck_assert_msg(r.excess_days == v->excess, "%s: excess %d, want %d", v->id, r.excess_days, v->excess);
    if (v->last_lawful) {
        qn_date_t want = strcmp(v->last_lawful, "none") == 0 ? NONE : qn_test_date(v->last_lawful);
        ck_assert_msg(r.last_lawful_day == want, "%s: last lawful %s, want %s", v->id, fmt(r.last_lawful_day, b1),
                      fmt(want, b2));
    }
    if (v->allowed != -2)
        ck_assert_msg(r.days_allowed_this_entry == v->allowed, "%s: allowed %d, want %d", v->id,
                      r.days_allowed_this_entry, v->allowed);
    if (v->first_breach) {
        qn_date_t want = strcmp(v->first_breach, "none") == 0 ? NONE : qn_test_date(v->first_breach);
        ck_assert_msg(r.first_breach == want, "%s: first breach %s, want %s", v->id, fmt(r.first_breach, b1),
                      fmt(want, b2));
    }
    if (v->overstay != -2)
        ck_assert_msg(r.overstay_days == v->overstay, "%s: overstay %d, want %d", v->id, r.overstay_days, v->overstay);
}

#define X -2
/* peers.md §4.1 (official answers of the Swiss SEM examples) and §4.2 (EC KOM
 * examples, computed). Planning questions are an open trip entering on the
 * planned day, asked on that day: days_allowed_this_entry is the answer. */
static const vector eu_vectors[] = {
    {"SEM-1", "DEU", &schengen, {{"2014-08-15..2014-09-30", "2015-01-01.."}}, "2015-01-01", X, 0, NULL, 90, "none", 0},
    {"SEM-2", "DEU", &schengen, {{"2014-08-15..2014-09-30", "2014-11-01.."}}, "2014-11-30", 77, 0, "2014-12-13", X, "none", 0},
    {"SEM-4", "DEU", &schengen, {{"2013-06-01..2013-07-13", "2013-08-15..2013-09-30", "2014-01-01.."}}, "2014-01-30", 77, 0, "2014-03-31", X, "none", 0},
    {"SEM-5", "DEU", &schengen, {{"2013-09-01..2013-09-30", "2014-02-21..2014-04-20", "2014-05-01.."}}, "2014-06-09", 99, 9, NULL, X, NULL, X},
    {"SEM-5b", "DEU", &schengen, {{"2013-09-01..2013-09-30", "2014-02-21..2014-04-20", "2014-05-01..2014-06-09", "2014-08-30.."}}, "2014-08-30", X, X, NULL, 50, NULL, 0},
    {"SEM-6", "DEU", &schengen, {{"2013-06-28..2013-08-09", "2013-09-19.."}}, "2014-03-01", 164, 74, "2013-11-04", X, "2013-11-05", 117},
    {"KOM-1.1", "DEU", &schengen, {{"2011-10-27..2011-11-06", "2011-12-28..2012-01-09", "2012-03-06.."}}, "2012-03-15", 34, 0, "2012-05-21", X, "none", 0},
    {"KOM-1.2", "DEU", &schengen, {{"2011-10-27..2011-11-06", "2011-12-28..2012-01-09", "2012-03-06.."}}, "2012-05-10", 79, 0, "2012-05-21", X, "none", 0},
    {"KOM-1.3", "DEU", &schengen, {{"2011-10-27..2011-11-06", "2011-12-28..2012-01-09", "2012-03-06..2012-05-21"}}, "2012-05-21", 90, 0, "2012-05-21", X, "none", 0},
    {"KOM-1.4", "DEU", &schengen, {{"2011-10-27..2011-11-06", "2011-12-28..2012-01-09", "2012-03-06..2012-05-21", "2012-08-01.."}}, "2012-08-01", X, X, NULL, 13, "none", 0},
    {"KOM-2.1", "DEU", &schengen, {{"2011-08-14..2011-08-30", "2011-12-15.."}}, "2012-02-01", 66, 0, "2012-03-13", X, "none", 0},
    {"KOM-2.2", "DEU", &schengen, {{"2011-08-14..2011-08-30", "2011-12-15..2012-02-25", "2012-02-26.."}}, "2012-02-26", X, X, NULL, 17, "none", 0},
    {"KOM-2.3", "DEU", &schengen, {{"2011-08-14..2011-08-30", "2011-12-15..2012-03-13", "2012-03-14.."}}, "2012-03-14", X, X, "2012-03-13", 0, "2012-03-14", 1},
    {"KOM-2.4", "DEU", &schengen, {{"2011-08-14..2011-08-30", "2011-12-15..2012-06-22"}}, "2012-06-22", 180, 90, NULL, X, "2012-03-14", 101},
    {"KOM-3", "DEU", &schengen, {{"2012-01-01..2012-01-15", "2012-02-15..2012-04-30", "2012-06-30.."}}, "2012-06-30", X, X, NULL, 14, "2012-04-30", 0},
    {"KOM-4a", "DEU", &schengen, {{"2011-08-14..2011-08-30", "2011-12-15..2012-03-14", "2012-06-10.."}}, "2012-06-10", X, X, NULL, 0, NULL, X},
    {"KOM-4b", "DEU", &schengen, {{"2011-08-14..2011-08-30", "2011-12-15..2012-03-14", "2012-06-12.."}}, "2012-06-12", X, X, NULL, 0, NULL, X},
    {"KOM-4c", "DEU", &schengen, {{"2011-08-14..2011-08-30", "2011-12-15..2012-03-14", "2012-06-13.."}}, "2012-06-13", X, X, NULL, 90, NULL, X},
    {"KOM-5", "DEU", &schengen, {{"2012-01-01..2012-01-15", "2012-02-15..2012-04-30", "2012-08-12.."}}, "2012-08-12", 77, X, NULL, 90, NULL, X},
};

/* peers.md §4.3 and kz_rules.md §0-§1 with the real regimes. */
static const vector kz_vectors[] = {
    /* KZ-1: visa-free entry 1 Feb 2023, last legal day 2 Mar 2023 (30 days incl. entry day). */
    {"KZ-1", "DEU", NULL, {{"2023-02-01.."}}, "2023-02-01", 1, 0, "2023-03-02", 30, "none", 0},
    {"KZ-2a", "DEU", NULL, {{"2023-02-01..2023-03-02", "2023-03-10..2023-04-08", "2023-04-15..2023-05-14", "2023-05-20.."}}, "2023-05-20", X, X, "2023-05-19", 0, "2023-05-20", 1},
    {"KZ-2b", "DEU", NULL, {{"2023-02-01..2023-03-02", "2023-03-10..2023-04-08", "2023-04-15..2023-05-14", "2023-07-30.."}}, "2023-07-30", X, X, NULL, 0, NULL, X},
    {"KZ-2c", "DEU", NULL, {{"2023-02-01..2023-03-02", "2023-03-10..2023-04-08", "2023-04-15..2023-05-14", "2023-07-31.."}}, "2023-07-31", X, X, "2023-08-29", 30, "none", 0},
    /* KZ-3: the 81-day stay before 27 Jan 2023 does not count (not retroactive). */
    {"KZ-3", "RUS", NULL, {{"2022-11-01..2023-01-20", "2023-01-28.."}}, "2023-01-28", 1, 0, "2023-04-27", 90, "none", 0},
    {"KZ-3-visa-free", "DEU", NULL, {{"2022-11-01..2022-11-30", "2023-01-28.."}}, "2023-01-28", 1, 0, "2023-02-26", 30, "none", 0},
    /* KZ-4: EAEU 90 consecutive days; earliest full re-entry 29 Jun 2024 (leap year). */
    {"KZ-4a", "RUS", NULL, {{"2024-01-01..2024-03-30", "2024-06-29.."}}, "2024-06-29", 90, 0, "2024-09-26", 90, "none", 0},
    {"KZ-4b", "RUS", NULL, {{"2024-01-01..2024-03-30", "2024-06-28.."}}, "2024-06-28", 91, 1, "2024-06-27", 0, "2024-06-28", 1},
    /* KZ-5: a same-day entry and exit counts as one day. */
    {"KZ-5", "DEU", NULL, {{"2024-05-05..2024-05-05"}}, "2024-05-10", 1, 0, "2024-06-03", X, "none", 0},
    /* Exit and re-entry the same day: the shared day counts once; the per-entry count restarts. */
    {"touching", "DEU", NULL, {{"2024-01-01..2024-01-10", "2024-01-10.."}}, "2024-01-20", 20, 0, "2024-02-08", 30, "none", 0},
    /* Entry on 29 February. */
    {"feb29", "DEU", NULL, {{"2024-02-29.."}}, "2024-03-10", 11, 0, "2024-03-29", 30, "none", 0},
    /* A window spanning New Year: 2023-12-20..2024-01-18 and back on 2024-06-01. */
    {"new-year", "DEU", NULL, {{"2023-12-20..2024-01-18", "2024-06-01.."}}, "2024-06-10", 30 + 10, 0, "2024-06-30", 30, "none", 0},
    /* Overstay of a visa-free stay. */
    {"overstay", "DEU", NULL, {{"2025-01-01.."}}, "2025-02-05", 36, 0, "2025-01-30", 30, "2025-01-31", 6},
    /* India: 14 per entry, 42 in 180. */
    {"IND-14", "IND", NULL, {{"2023-03-01.."}}, "2023-03-01", 1, 0, "2023-03-14", 14, "none", 0},
    {"IND-42", "IND", NULL, {{"2023-03-01..2023-03-14", "2023-04-01..2023-04-14", "2023-05-01..2023-05-14", "2023-06-01.."}}, "2023-06-01", 43, 1, "2023-05-31", 0, "2023-06-01", 1},
    /* China: 14 days (2022-07-08) then 30 days from 2023-11-10. */
    {"CHN-2023", "CHN", NULL, {{"2023-06-01.."}}, "2023-06-01", X, X, "2023-06-14", 14, "none", 0},
    {"CHN-2024", "CHN", NULL, {{"2024-06-01.."}}, "2024-06-01", X, X, "2024-06-30", 30, "none", 0},
    /* Türkiye: 30 days before the 2025 decree, 90 after. */
    {"TUR-2024", "TUR", NULL, {{"2024-06-01.."}}, "2024-06-01", X, X, "2024-06-30", 30, "none", 0},
    {"TUR-2025", "TUR", NULL, {{"2025-09-01.."}}, "2025-09-01", X, X, "2025-11-29", 90, "none", 0},
    /* CIS: 30 days without a TRP. */
    {"UZB", "UZB", NULL, {{"2024-01-01.."}}, "2024-02-15", 46, 0, "2024-01-30", 30, "2024-01-31", 16},
};
#undef X

START_TEST(eu_examples)
{
    for (size_t i = 0; i < sizeof eu_vectors / sizeof eu_vectors[0]; i++)
        check_vector(&eu_vectors[i]);
}
END_TEST

START_TEST(kz_examples)
{
    for (size_t i = 0; i < sizeof kz_vectors / sizeof kz_vectors[0]; i++)
        check_vector(&kz_vectors[i]);
}
END_TEST

START_TEST(regimes_by_citizenship)
{
    static const struct {
        const char *cc;
        const char *on;
        const char *name;
        bool confirmed;
    } rows[] = {
        {"DEU", "2024-01-01", "visa_free_30", true}, {"USA", "2026-01-01", "visa_free_30", true},
        {"RUS", "2024-01-01", "eaeu", true},         {"KGZ", "2020-01-01", "eaeu", true},
        {"UZB", "2024-01-01", "cis", true},          {"MDA", "2024-01-01", "cis_unconfirmed", false},
        {"IND", "2022-07-07", "visa", true},         {"IND", "2022-07-08", "visa_free_14", true},
        {"CHN", "2023-11-09", "visa_free_14", true}, {"CHN", "2023-11-10", "visa_free_30", true},
        {"TUR", "2025-08-24", "visa_free_30", true}, {"TUR", "2025-08-25", "visa_free_90", false},
        {"THA", "2025-01-01", "visa", true},         {"THA", "2025-09-01", "visa_free_30", false},
        {"XXA", "2025-01-01", "visa", true},         {"AFG", "2025-01-01", "visa", true},
        /* CHOICE (docs/rules.md §3): seed 001 dates the 30-day list from 11 Jan 2020 and no
         * source gives an earlier status, so before it these nationals get the visa regime. */
        {"DEU", "2020-01-10", "visa", true},         {"DEU", "2020-01-11", "visa_free_30", true},
        {"USA", "2019-06-01", "visa", true},         {"KGZ", "1900-01-01", "eaeu", true},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        qn_regime r;
        ck_assert_int_eq(qn_regime_lookup(rows[i].cc, qn_test_date(rows[i].on), &r, NULL), QN_OK);
        ck_assert_msg(strcmp(r.name, rows[i].name) == 0, "%s on %s: %s, want %s", rows[i].cc, rows[i].on, r.name,
                      rows[i].name);
        ck_assert_msg(r.confirmed == rows[i].confirmed, "%s on %s confirmed", rows[i].cc, rows[i].on);
    }
    /* The effective dates written as day numbers in regime_kz.c. */
    qn_regime r;
    ck_assert_int_eq(qn_regime_lookup("DEU", qn_test_date("2024-01-01"), &r, NULL), QN_OK);
    ck_assert_int_eq(r.cap_counts_from, qn_test_date("2023-01-27"));
    ck_assert_int_eq(qn_regime_registration_exemption_start(), qn_test_date("2020-01-11"));
    ck_assert_int_eq(qn_regime_self_registration_start(), qn_test_date("2026-07-01"));
    qn_date_t until;
    ck_assert_int_eq(qn_regime_lookup_span("CHN", qn_test_date("2023-01-01"), &r, &until, NULL), QN_OK);
    ck_assert_int_eq(until, qn_test_date("2023-11-09"));
    qn_err err;
    qn_err_clear(&err);
    ck_assert_int_eq(qn_regime_lookup("deu", 0, &r, &err), QN_E_INVALID);
    ck_assert_str_eq(err.fields[0].field, "citizenship");
    ck_assert_int_eq(qn_regime_lookup("DE", 0, &r, NULL), QN_E_INVALID);
}
END_TEST

/* data/regimes_kz.csv mirrors regime_kz.c: every row must match the lookup. */
START_TEST(csv_mirror_matches_table)
{
    const char *root = qn_test_env("QONAQ_ROOT", 0);
    char path[512];
    snprintf(path, sizeof path, "%s/data/regimes_kz.csv", root ? root : ".");
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char line[256];
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        char cc[8], from[16], name[48], confirmed[8];
        if (line[0] == '#' || strncmp(line, "citizenship,", 12) == 0)
            continue;
        ck_assert_msg(sscanf(line, "%3[A-Z],%10[0-9-],%47[a-z0-9_],%7[a-z]", cc, from, name, confirmed) == 4,
                      "bad row: %s", line);
        ck_assert_msg(strcmp(confirmed, "yes") == 0 || strcmp(confirmed, "no") == 0, "confirmed column: %s", line);
        qn_regime r;
        ck_assert_int_eq(qn_regime_lookup(cc, qn_test_date(from), &r, NULL), QN_OK);
        ck_assert_msg(strcmp(r.name, name) == 0, "%s from %s: table says %s, csv %s", cc, from, r.name, name);
        ck_assert_msg(r.confirmed == (strcmp(confirmed, "yes") == 0), "%s from %s: table says confirmed=%d, csv %s",
                      cc, from, r.confirmed, confirmed);
        rows++;
    }
    fclose(f);
    ck_assert_int_eq(rows, 74);
}
END_TEST

START_TEST(visas_permits_and_registration)
{
    qn_trip trips[2] = {{qn_test_date("2024-01-10"), NONE}};
    qn_stay_input in;
    qn_stay_result r;
    qn_stay_input_init(&in);
    in.citizenship = "XXA";
    in.on = qn_test_date("2024-01-20");
    in.trips = trips;
    in.n_trips = 1;
    /* Stateless, no visa end given: the bound is unknown. */
    ck_assert_int_eq(qn_stay_compute(&in, &r, NULL), QN_OK);
    ck_assert_str_eq(r.regime.name, "visa");
    ck_assert_int_eq(r.last_lawful_day, NONE);
    ck_assert_str_eq(r.limited_by, "unknown");
    ck_assert_int_eq(r.days_left, -1);
    ck_assert_int_eq(r.days_used, 11);
    /* With the visa's end. */
    in.visa_until = qn_test_date("2024-02-15");
    ck_assert_int_eq(qn_stay_compute(&in, &r, NULL), QN_OK);
    ck_assert_int_eq(r.last_lawful_day, qn_test_date("2024-02-15"));
    ck_assert_str_eq(r.limited_by, "visa");
    in.on = qn_test_date("2024-02-20");
    ck_assert_int_eq(qn_stay_compute(&in, &r, NULL), QN_OK);
    ck_assert_int_eq(r.overstay_days, 5);
    ck_assert_int_eq(r.first_breach, qn_test_date("2024-02-16"));
    /* An extended visa (a permit period) covering the visa's end extends the stay. */
    qn_stay_period ext = {qn_test_date("2024-02-10"), qn_test_date("2024-04-30")};
    in.permits = &ext;
    in.n_permits = 1;
    ck_assert_int_eq(qn_stay_compute(&in, &r, NULL), QN_OK);
    ck_assert_int_eq(r.last_lawful_day, qn_test_date("2024-04-30"));
    ck_assert_int_eq(r.overstay_days, 0);
    ck_assert_int_eq(r.first_breach, NONE);

    /* CIS national: a TRP is needed past 30 days; a granted TRP makes it lawful. */
    qn_stay_input_init(&in);
    in.citizenship = "UZB";
    trips[0] = (qn_trip){qn_test_date("2024-01-01"), NONE};
    in.trips = trips;
    in.n_trips = 1;
    in.on = qn_test_date("2024-02-15");
    ck_assert_int_eq(qn_stay_compute(&in, &r, NULL), QN_OK);
    ck_assert(r.permit_required);
    ck_assert_int_eq(r.permit_needed_from, qn_test_date("2024-01-31"));
    qn_stay_period trp = {qn_test_date("2024-01-20"), qn_test_date("2024-12-31")};
    in.permits = &trp;
    in.n_permits = 1;
    ck_assert_int_eq(qn_stay_compute(&in, &r, NULL), QN_OK);
    ck_assert(!r.permit_required);
    ck_assert_int_eq(r.last_lawful_day, qn_test_date("2024-12-31"));
    ck_assert_int_eq(r.days_used, 19); /* days under the permit are not counted */
    ck_assert_int_eq(r.first_breach, NONE);
    in.on = qn_test_date("2024-01-25");
    ck_assert_int_eq(qn_stay_compute(&in, &r, NULL), QN_OK);
    ck_assert(!r.permit_required);

    /* Notification deadline, registration exemption, self-registration (Order 923). */
    qn_stay_input_init(&in);
    in.citizenship = "RUS";
    trips[0] = (qn_trip){qn_test_date("2026-03-20"), NONE};
    in.trips = trips;
    in.n_trips = 1;
    in.on = qn_test_date("2026-03-21");
    ck_assert_int_eq(qn_stay_compute(&in, &r, NULL), QN_OK);
    ck_assert_int_eq(r.notification_deadline, qn_test_date("2026-03-27"));
    ck_assert_int_eq(r.registration_needed_from, qn_test_date("2026-04-19"));
    ck_assert_int_eq(r.self_registration_deadline, NONE);
    ck_assert(r.is_present);
    trips[0].entry = qn_test_date("2026-07-10");
    in.on = qn_test_date("2026-07-10");
    ck_assert_int_eq(qn_stay_compute(&in, &r, NULL), QN_OK);
    ck_assert_int_eq(r.self_registration_deadline, qn_test_date("2026-08-08"));
    /* The other counting reading of the deadline, as a setting. */
    qn_deadline_rule next = {3, QN_COUNT_NEXT_DAY};
    in.deadline_rule = &next;
    trips[0].entry = qn_test_date("2026-03-20");
    in.on = qn_test_date("2026-03-21");
    ck_assert_int_eq(qn_stay_compute(&in, &r, NULL), QN_OK);
    ck_assert_int_eq(r.notification_deadline, qn_test_date("2026-03-30"));
    /* A person who has left: not present, no permit question. */
    trips[0].exit = qn_test_date("2026-03-21");
    in.on = qn_test_date("2026-05-01");
    ck_assert_int_eq(qn_stay_compute(&in, &r, NULL), QN_OK);
    ck_assert(!r.is_present);
    ck_assert_int_eq(r.days_used, 2);
    ck_assert_int_eq(r.days_left, 88);

    /* A permit that moves the binding limit is what limits the stay (audit: this
     * said per_entry): KGZ (EAEU, 90 per entry) entered 2026-03-01, permit
     * 2026-05-20..2027-05-19: the 90th day 2026-05-29 falls inside it. */
    {
        qn_trip kg[1] = {{qn_test_date("2026-03-01"), NONE}};
        qn_stay_period kg_trp = {qn_test_date("2026-05-20"), qn_test_date("2027-05-19")};
        qn_stay_input_init(&in);
        in.citizenship = "KGZ";
        in.on = qn_test_date("2026-08-01");
        in.trips = kg;
        in.n_trips = 1;
        in.permits = &kg_trp;
        in.n_permits = 1;
        ck_assert_int_eq(qn_stay_compute(&in, &r, NULL), QN_OK);
        ck_assert_int_eq(r.last_lawful_day, qn_test_date("2027-05-19"));
        ck_assert_str_eq(r.limited_by, "permit");
        ck_assert_int_eq(r.overstay_days, 0);
        /* Without the permit the per-entry limit binds. */
        in.n_permits = 0;
        in.on = qn_test_date("2026-04-01");
        ck_assert_int_eq(qn_stay_compute(&in, &r, NULL), QN_OK);
        ck_assert_int_eq(r.last_lawful_day, qn_test_date("2026-05-29"));
        ck_assert_str_eq(r.limited_by, "per_entry");
        /* A permit that starts after the limit does not move it. */
        qn_stay_period late = {qn_test_date("2026-06-10"), qn_test_date("2027-06-09")};
        in.permits = &late;
        in.n_permits = 1;
        ck_assert_int_eq(qn_stay_compute(&in, &r, NULL), QN_OK);
        ck_assert_str_eq(r.limited_by, "per_entry");
        /* A visa end inside a permit: the permit limits it. */
        qn_trip vt[1] = {{qn_test_date("2024-01-10"), NONE}};
        qn_stay_period visa_ext = {qn_test_date("2024-02-10"), qn_test_date("2024-04-30")};
        qn_stay_input_init(&in);
        in.citizenship = "AFG";
        in.on = qn_test_date("2024-02-20");
        in.trips = vt;
        in.n_trips = 1;
        in.visa_until = qn_test_date("2024-02-15");
        in.permits = &visa_ext;
        in.n_permits = 1;
        ck_assert_int_eq(qn_stay_compute(&in, &r, NULL), QN_OK);
        ck_assert_int_eq(r.last_lawful_day, qn_test_date("2024-04-30"));
        ck_assert_str_eq(r.limited_by, "permit");
    }
}
END_TEST

START_TEST(errors_name_the_trip)
{
    qn_trip trips[3] = {
        {qn_test_date("2024-03-01"), qn_test_date("2024-03-10")},
        {qn_test_date("2024-01-10"), qn_test_date("2024-01-05")}, /* reversed */
        {qn_test_date("2024-03-05"), qn_test_date("2024-03-20")}, /* overlaps trips[0] */
    };
    qn_stay_input in;
    qn_stay_result r;
    qn_err err;
    qn_stay_input_init(&in);
    in.citizenship = "DEU";
    in.on = qn_test_date("2024-04-01");
    in.trips = trips;
    in.n_trips = 3;
    qn_err_clear(&err);
    ck_assert_int_eq(qn_stay_compute(&in, &r, &err), QN_E_INVALID);
    ck_assert_str_eq(err.fields[0].field, "trips[1]");
    ck_assert_msg(strstr(err.fields[0].reason, "before it enters"), "%s", err.fields[0].reason);
    ck_assert_int_eq(r.days_used, 0);

    trips[1] = (qn_trip){qn_test_date("2024-01-10"), qn_test_date("2024-01-15")};
    qn_err_clear(&err);
    ck_assert_int_eq(qn_stay_compute(&in, &r, &err), QN_E_INVALID);
    ck_assert_str_eq(err.fields[0].field, "trips[2]");
    ck_assert_msg(strstr(err.fields[0].reason, "before trips[0] ends"), "%s", err.fields[0].reason);

    trips[2] = (qn_trip){qn_test_date("2024-04-05"), NONE}; /* after the reference date */
    qn_err_clear(&err);
    ck_assert_int_eq(qn_stay_compute(&in, &r, &err), QN_E_INVALID);
    ck_assert_str_eq(err.fields[0].field, "trips[2]");
    ck_assert_msg(strstr(err.fields[0].reason, "after the reference date"), "%s", err.fields[0].reason);

    trips[1] = (qn_trip){qn_test_date("2024-01-10"), NONE}; /* open, but trips[0] is later */
    trips[2] = (qn_trip){qn_test_date("2024-03-20"), qn_test_date("2024-03-25")};
    qn_err_clear(&err);
    ck_assert_int_eq(qn_stay_compute(&in, &r, &err), QN_E_INVALID);
    ck_assert_str_eq(err.fields[0].field, "trips[1]");

    in.n_trips = 1;
    in.citizenship = "Germany";
    qn_err_clear(&err);
    ck_assert_int_eq(qn_stay_compute(&in, &r, &err), QN_E_INVALID);
    ck_assert_str_eq(err.fields[0].field, "citizenship");

    in.citizenship = "DEU";
    in.n_trips = QN_STAY_MAX_TRIPS + 1;
    ck_assert_int_eq(qn_stay_compute(&in, &r, NULL), QN_E_TOO_LARGE);

    /* No trips at all: nothing used, nothing due. */
    in.n_trips = 0;
    ck_assert_int_eq(qn_stay_compute(&in, &r, NULL), QN_OK);
    ck_assert_int_eq(r.days_used, 0);
    ck_assert_int_eq(r.days_left, 90);
    ck_assert_int_eq(r.last_lawful_day, NONE);
    ck_assert_int_eq(r.notification_deadline, NONE);
}
END_TEST

/* A brute-force oracle: marks every day, counts windows day by day. */
typedef struct {
    int used_on;
    qn_date_t first_breach;
    qn_date_t last_lawful;
} oracle_result;

#define SPAN 4000
static oracle_result oracle(const qn_trip *trips, size_t n, qn_date_t on, const qn_regime *reg, qn_date_t base)
{
    static unsigned char present[SPAN + 800], counted[SPAN + 800];
    memset(present, 0, sizeof present);
    memset(counted, 0, sizeof counted);
    oracle_result res = {0, NONE, NONE};
    qn_date_t cur_entry = trips[n - 1].entry;
    for (size_t k = 0; k < n; k++) {
        qn_date_t end = trips[k].exit == NONE ? on : trips[k].exit;
        for (qn_date_t d = trips[k].entry; d <= end; d++) {
            present[d - base] = 1;
            counted[d - base] = reg->cap_counts_from == NONE || trips[k].entry >= reg->cap_counts_from;
        }
        /* Per-entry breach of this trip. */
        if (reg->per_entry_days > 0 && end >= trips[k].entry + reg->per_entry_days) {
            qn_date_t b = trips[k].entry + reg->per_entry_days;
            if (res.first_breach == NONE || b < res.first_breach)
                res.first_breach = b;
        }
    }
    for (qn_date_t d = base; d <= on; d++) {
        int used = 0;
        for (qn_date_t w = d - 179; w <= d; w++)
            used += w >= base && counted[w - base];
        if (d == on)
            res.used_on = used;
        if (present[d - base] && used > reg->cap_days && (res.first_breach == NONE || d < res.first_breach))
            res.first_breach = d;
    }
    /* Staying on continuously from the current entry (past its real exit). */
    bool cur_counts = reg->cap_counts_from == NONE || cur_entry >= reg->cap_counts_from;
    for (qn_date_t d = cur_entry; d < on + 400; d++) {
        counted[d - base] = cur_counts;
        int used = 0;
        for (qn_date_t w = d - 179; w <= d; w++)
            used += w >= base && counted[w - base];
        bool ok = (reg->per_entry_days == 0 || d < cur_entry + reg->per_entry_days) && used <= reg->cap_days;
        if (!ok) {
            res.last_lawful = d - 1;
            break;
        }
    }
    return res;
}

static unsigned lcg(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 16) & 0x7fff;
}

START_TEST(matches_day_by_day_oracle)
{
    qn_regime deu;
    ck_assert_int_eq(qn_regime_lookup("DEU", qn_test_date("2024-01-01"), &deu, NULL), QN_OK);
    const qn_regime *regimes[] = {&schengen, &deu};
    unsigned seed = 12345;
    for (int round = 0; round < 300; round++) {
        const qn_regime *reg = regimes[round % 2];
        qn_date_t base = qn_test_date("2022-10-01");
        qn_trip trips[40];
        size_t n = 1 + lcg(&seed) % 40;
        qn_date_t d = base + (qn_date_t)(lcg(&seed) % 30);
        for (size_t k = 0; k < n; k++) {
            qn_date_t len = (qn_date_t)(lcg(&seed) % (round % 3 == 0 ? 100 : 35));
            trips[k].entry = d;
            trips[k].exit = d + len;
            /* Sometimes touch (re-enter on the exit day), else a gap. */
            d = trips[k].exit + (lcg(&seed) % 4 == 0 ? 0 : 1 + (qn_date_t)(lcg(&seed) % 60));
        }
        bool open = lcg(&seed) % 2;
        qn_date_t on = trips[n - 1].exit + (open ? 0 : (qn_date_t)(lcg(&seed) % 50));
        if (open)
            trips[n - 1].exit = NONE;
        ck_assert(on - base < SPAN);
        oracle_result want = oracle(trips, n, on, reg, base);
        qn_stay_input in;
        qn_stay_input_init(&in);
        in.citizenship = "DEU";
        in.regime = reg;
        in.on = on;
        in.trips = trips;
        in.n_trips = n;
        qn_stay_result got;
        ck_assert_int_eq(qn_stay_compute(&in, &got, NULL), QN_OK);
        char b1[QN_DATE_STRLEN], b2[QN_DATE_STRLEN];
        ck_assert_msg(got.days_used == want.used_on, "round %d: used %d, oracle %d", round, got.days_used,
                      want.used_on);
        ck_assert_msg(got.first_breach == want.first_breach, "round %d: breach %s, oracle %s", round,
                      fmt(got.first_breach, b1), fmt(want.first_breach, b2));
        ck_assert_msg(got.last_lawful_day == want.last_lawful, "round %d: last %s, oracle %s", round,
                      fmt(got.last_lawful_day, b1), fmt(want.last_lawful, b2));
    }
}
END_TEST

START_TEST(two_hundred_trips)
{
    /* One-day trips every third day from 2023-02-01, in reverse order. */
    qn_trip trips[200];
    qn_date_t start = qn_test_date("2023-02-01");
    for (int k = 0; k < 200; k++)
        trips[199 - k] = (qn_trip){start + 3 * k, start + 3 * k};
    qn_stay_input in;
    qn_stay_input_init(&in);
    in.citizenship = "DEU";
    in.on = start + 597;
    in.trips = trips;
    in.n_trips = 200;
    qn_stay_result r;
    ck_assert_int_eq(qn_stay_compute(&in, &r, NULL), QN_OK);
    ck_assert_int_eq(r.days_used, 60); /* offsets 420..597 step 3 */
    ck_assert_int_eq(r.first_breach, NONE);
    /* Staying on from the last entry: 60 used leaves room, the per-entry 30 days bind. */
    ck_assert_int_eq(r.last_lawful_day, start + 597 + 29);
    ck_assert_str_eq(r.limited_by, "per_entry");
    ck_assert(r.is_present);
}
END_TEST

static Suite *stay_suite(void)
{
    Suite *s = suite_create("stay");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, eu_examples);
    tcase_add_test(tc, kz_examples);
    tcase_add_test(tc, regimes_by_citizenship);
    tcase_add_test(tc, csv_mirror_matches_table);
    tcase_add_test(tc, visas_permits_and_registration);
    tcase_add_test(tc, errors_name_the_trip);
    tcase_add_test(tc, matches_day_by_day_oracle);
    tcase_add_test(tc, two_hundred_trips);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(stay_suite)
