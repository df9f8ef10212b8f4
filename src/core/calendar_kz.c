/* calendar_kz.c — the data of Kazakhstan's working-day calendar.
 *
 * Three tables, each row citing its source (see also
 * /work/shared/reference/kz_rules.md §3 and docs/rules.md):
 *  - fixed days off by month/day with the years they are valid;
 *  - the first day of Kurban Ait per year (a religious day off, not moved);
 *  - the yearly transfer orders of the Ministry of Labour (Labour Code
 *    Art. 85 para. 3): a weekend day made working or a weekday made a day off.
 * data/holidays_kz.csv mirrors these rows for reading; this file is the
 * source of truth for the program.
 */
#include "core/calendar_kz_data.h"

/* Law "On holidays in the Republic of Kazakhstan" of 13 Dec 2001 (as amended),
 * Labour Code Art. 84 para. 5 (religious days off). */
const qn_kz_fixed_day qn_kz_fixed_days[] = {
    {1, 1, 1900, 9999, false, "New Year"},
    {1, 2, 1900, 9999, false, "New Year"},
    /* Labour Code Art. 84: religious day off, never moved (enbek.gov.kz/en/node/363012). */
    {1, 7, 1900, 9999, true, "Orthodox Christmas"},
    {3, 8, 1900, 9999, false, "International Women's Day"},
    /* New Constitution (referendum 15 Mar 2026): Constitution Day on 15 Mar from 2027
     * (taspanews.kz citing the Ministry of Labour, 18 Mar 2026). */
    {3, 15, 2027, 9999, false, "Constitution Day"},
    {3, 21, 1900, 9999, false, "Nauryz meiramy"},
    {3, 22, 1900, 9999, false, "Nauryz meiramy"},
    {3, 23, 1900, 9999, false, "Nauryz meiramy"},
    {5, 1, 1900, 9999, false, "Kazakhstan People's Unity Day"},
    {5, 7, 1900, 9999, false, "Defender of the Fatherland Day"},
    {5, 9, 1900, 9999, false, "Victory Day"},
    {7, 6, 1900, 9999, false, "Capital Day"},
    /* Old Constitution Day: a day off up to 2025 only (taspanews.kz, 2026). */
    {8, 30, 1900, 2025, false, "Constitution Day"},
    /* Republic Day: from 2022 (tema-kz.net; vestikavkaza.ru). */
    {10, 25, 2022, 9999, false, "Republic Day"},
    /* First President's Day: removed from holidays in 2022 (tema-kz.net). */
    {12, 1, 1900, 2021, false, "First President's Day"},
    {12, 16, 1900, 9999, false, "Independence Day"},
    /* 17 Dec was the second day of Independence Day before 2022 (tema-kz.net). */
    {12, 17, 1900, 2021, false, "Independence Day"},
};
const size_t qn_kz_fixed_days_count = sizeof qn_kz_fixed_days / sizeof qn_kz_fixed_days[0];

/* Kurban Ait, first day (kz_rules.md §3.4): announced by the Spiritual
 * Administration of Muslims of Kazakhstan with the Ministry of Labour.
 * 2020: Umm al-Qura date, no Kazakh source found (UNCONFIRMED).
 * 2021 kt.kz; 2022 mangystaumedia.kz; 2023 sn.kz; 2024 golos-naroda.kz;
 * 2025 mgorod.kz; 2026 kazpravda.kz. 2027..2030: projected from Umm al-Qura
 * (10 Dhu al-Hijjah), may move by a day (UNCONFIRMED). */
const qn_kz_kurban qn_kz_kurban_days[] = {
    {2020, 7, 31, false}, {2021, 7, 20, true}, {2022, 7, 9, true},  {2023, 6, 28, true},
    {2024, 6, 16, true},  {2025, 6, 6, true},  {2026, 5, 27, true}, {2027, 5, 16, false},
    {2028, 5, 5, false},  {2029, 4, 24, false}, {2030, 4, 13, false},
};
const size_t qn_kz_kurban_days_count = sizeof qn_kz_kurban_days / sizeof qn_kz_kurban_days[0];

/* Transfer orders. Known: 2024 (May), 2025 (January); 2023: the July pair only
 * (the rest of 2023 not checked). 2026: none found (kz_rules.md §3.5:
 * "Ministerial transfers 2026: none found (UNCONFIRMED; re-check МТСЗН
 * orders)"), so 2026 applies none but is not a year whose orders are known.
 * 2020..2022 and 2027 onwards: UNKNOWN, not in the sources; the calendar has
 * no transfers for those years. */
const qn_kz_transfer qn_kz_transfers[] = {
    /* 2023: Sat 1 Jul worked, Fri 7 Jul off (aqparat.info; prosud.kz; peers.md §2.6, §4.4). */
    {2023, 7, 1, true, "transfer order 2023 (Sat 1 Jul worked for Fri 7 Jul)"},
    {2023, 7, 7, false, "transfer order 2023 (Fri 7 Jul off for Sat 1 Jul)"},
    /* 2024: order of 17 Apr 2024 (sputniknews.kz; mail.kz; nur.kz). */
    {2024, 5, 4, true, "transfer order of 17 Apr 2024 (Sat 4 May worked for Wed 8 May)"},
    {2024, 5, 8, false, "transfer order of 17 Apr 2024 (Wed 8 May off for Sat 4 May)"},
    /* 2025: Minister of Labour's order (energy-city.kz; azattyq-ruhy.kz). */
    {2025, 1, 5, true, "transfer order 2025 (Sun 5 Jan worked for Fri 3 Jan)"},
    {2025, 1, 3, false, "transfer order 2025 (Fri 3 Jan off for Sun 5 Jan)"},
};
const size_t qn_kz_transfers_count = sizeof qn_kz_transfers / sizeof qn_kz_transfers[0];
/* Years whose orders are known from a source: 2024 and 2025 (not 2026, see above). */
const int qn_kz_transfers_known_from = 2024, qn_kz_transfers_known_to = 2025;
