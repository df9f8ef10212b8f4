/* regime_kz.c — the table of stay regimes of Kazakhstan (see regime.h).
 *
 * Two tables: the regime groups with their parameters, and the countries
 * with the group that applies from an effective date (inclusive) to the day
 * before the next row of the same country. Dates as "YYYY-MM-DD" text are
 * parsed at lookup (cheap, no mutable caches). data/regimes_kz.csv mirrors
 * the country table for reading; this file is the source of truth.
 */
#include <stddef.h>

#include "core/regime_kz_data.h"

/* Day numbers of the effective dates: tests/unit/test_stay.c
 * (regimes_by_citizenship) looks up each boundary day and the day before it,
 * and checks cap_counts_from against the text. */
#define D_1900_01_01 (-25567) /* "always" within the supported range */
#define D_2020_01_11 18272 /* registration exemption up to 30 days */
#define D_2022_07_08 19181 /* Decree No. 464 of 7 Jul 2022: India, Iran, China 14/42 */
#define D_2023_01_27 19384 /* Decree No. 1146 of 31 Dec 2022: 90 in 180, non-retroactive */
#define D_2023_11_10 19671 /* KZ-China mutual visa-free agreement */
#define D_2025_08_25 20325 /* decree of 25 Aug 2025 (date of entry into force UNCONFIRMED) */

const qn_regime qn_kz_regimes[QN_KZ_REGIME_COUNT] = {
    [QN_KZ_VISA] = {"visa", "stay bounded by the visa", 0, 0, 180, 0, 0, true, true,
                    "Law on Migration No. 477-IV, Art. 1; Decree 148 (visa nationals)"},
    [QN_KZ_VISA_FREE_30] = {"visa_free_30", "visa-free, 30 days per entry, 90 in 180", 30, 90, 180,
                            D_2023_01_27, 0, false, true,
                            "Seed 001; Decree 148 as amended by Decree 1146 of 31 Dec 2022"},
    [QN_KZ_VISA_FREE_14] = {"visa_free_14", "visa-free, 14 days per entry, 42 in 180", 14, 42, 180,
                            D_2022_07_08, 0, false, true,
                            "Decree No. 464 of 7 Jul 2022 (kpmg.com/kz); 2025 decree keeps 14/42"},
    [QN_KZ_VISA_FREE_90] = {"visa_free_90", "visa-free, 90 days per entry, 90 in 180", 90, 90, 180,
                            D_2023_01_27, 0, false, true,
                            "Decree of 25 Aug 2025 (zakon.kz/pravo/6488830)"},
    [QN_KZ_EAEU] = {"eaeu", "EAEU citizen, 90 days per entry, 90 in 180, TRP beyond 90 days", 90, 90,
                    180, D_2023_01_27, 90, false, true,
                    "Decree 1146 of 31 Dec 2022; expatcentre.aifc.kz; seed 004"},
    [QN_KZ_CIS] = {"cis", "CIS citizen, 30 days without a TRP, 90 in 180", 30, 90, 180, D_2023_01_27,
                   30, false, true,
                   "expatcentre.aifc.kz; seed 004; trend.az 3882709 (UZB); dialog.tj (TJK)"},
    [QN_KZ_CIS_UNCONFIRMED] = {"cis_unconfirmed",
                               "CIS citizen, 30 days without a TRP, 90 in 180 (UNCONFIRMED)", 30, 90,
                               180, D_2023_01_27, 30, false, false,
                               "kz_rules.md §1.1: 30-day TRP trigger UNCONFIRMED for this country"},
    [QN_KZ_BILATERAL_UNCONFIRMED] = {"bilateral_unconfirmed",
                                     "visa-free by treaty, 30 days per entry assumed, 90 in 180 "
                                     "(UNCONFIRMED)",
                                     30, 90, 180, D_2023_01_27, 0, false, false,
                                     "neweurope.eu 2019 list (up to 90 days); conservative 30 assumed"},
    [QN_KZ_HONG_KONG] = {"visa_free_14_bilateral", "visa-free by treaty, 14 days per entry", 14, 90,
                         180, D_2023_01_27, 0, false, false,
                         "neweurope.eu 2019 list; rolling cap UNCONFIRMED"},
};

/* Seed 001 lists 44 states with 30 days per entry (in force with the
 * registration change of 11 Jan 2020); the 90-in-180 cap of the group starts
 * 2023-01-27. CHOICE: no source gives their status before 11 Jan 2020, so
 * before it they get the visa regime (docs/rules.md §3). Rows from D_2025_08_25 are states named in the partial excerpts
 * of the 2025 list (kz_rules.md §1.1) and not in seed 001: they may have been
 * visa-free earlier (the 2022 list of 54), which is UNCONFIRMED, so before
 * that date they get the visa regime (the stricter answer). */
#define VF30_SEED001(code) {code, D_2020_01_11, QN_KZ_VISA_FREE_30, true}
#define VF30_2025(code) {code, D_2025_08_25, QN_KZ_VISA_FREE_30, false}

const qn_kz_country_row qn_kz_country_rows[] = {
    VF30_SEED001("AUS"), VF30_SEED001("USA"), VF30_SEED001("AUT"), VF30_SEED001("BEL"),
    VF30_SEED001("BGR"), VF30_SEED001("ARE"), VF30_SEED001("DEU"), VF30_SEED001("GRC"),
    VF30_SEED001("DNK"), VF30_SEED001("NZL"), VF30_SEED001("JPN"), VF30_SEED001("ISR"),
    VF30_SEED001("IRL"), VF30_SEED001("ISL"), VF30_SEED001("ESP"), VF30_SEED001("ITA"),
    VF30_SEED001("CAN"), VF30_SEED001("CYP"), VF30_SEED001("KOR"), VF30_SEED001("LVA"),
    VF30_SEED001("LTU"), VF30_SEED001("LUX"), VF30_SEED001("HUN"), VF30_SEED001("MYS"),
    VF30_SEED001("MLT"), VF30_SEED001("MEX"), VF30_SEED001("MCO"), VF30_SEED001("NLD"),
    VF30_SEED001("NOR"), VF30_SEED001("POL"), VF30_SEED001("PRT"), VF30_SEED001("ROU"),
    VF30_SEED001("SGP"), VF30_SEED001("SVK"), VF30_SEED001("SVN"), VF30_SEED001("GBR"),
    VF30_SEED001("FIN"), VF30_SEED001("FRA"), VF30_SEED001("HRV"), VF30_SEED001("CZE"),
    VF30_SEED001("CHL"), VF30_SEED001("CHE"), VF30_SEED001("SWE"), VF30_SEED001("EST"),
    /* Türkiye: 30 days (seed 001), then 90 days per entry by the 2025 decree
     * (zakon.kz/pravo/6488830; entry-into-force date UNCONFIRMED, decree date used). */
    {"TUR", D_2020_01_11, QN_KZ_VISA_FREE_30, true},
    {"TUR", D_2025_08_25, QN_KZ_VISA_FREE_90, false},
    /* Named in the 2025 list excerpts, not in seed 001. */
    VF30_2025("BHR"), VF30_2025("VAT"), VF30_2025("VNM"), VF30_2025("IDN"), VF30_2025("QAT"),
    VF30_2025("COL"), VF30_2025("KWT"), VF30_2025("LIE"), VF30_2025("OMN"), VF30_2025("SAU"),
    VF30_2025("THA"), VF30_2025("PHL"),
    /* India and Iran: 14/42 from 8 Jul 2022 (Decree 464; kpmg.com/kz). */
    {"IND", D_2022_07_08, QN_KZ_VISA_FREE_14, true},
    {"IRN", D_2022_07_08, QN_KZ_VISA_FREE_14, true},
    /* China: 14/42 from 8 Jul 2022, then 30 days / 90 in 180 from 10 Nov 2023
     * (astanatimes.com 2023/10; en.inform.kz). */
    {"CHN", D_2022_07_08, QN_KZ_VISA_FREE_14, true},
    {"CHN", D_2023_11_10, QN_KZ_VISA_FREE_30, true},
    /* EAEU (Treaty on the EAEU; seed 004). */
    {"RUS", D_1900_01_01, QN_KZ_EAEU, true},
    {"BLR", D_1900_01_01, QN_KZ_EAEU, true},
    {"ARM", D_1900_01_01, QN_KZ_EAEU, true},
    {"KGZ", D_1900_01_01, QN_KZ_EAEU, true},
    /* Other CIS: UZB, TJK, AZE confirmed (kz_rules.md §1.1); MDA and UKR listed
     * with them but the 30-day TRP trigger is UNCONFIRMED for them. */
    {"UZB", D_1900_01_01, QN_KZ_CIS, true},
    {"TJK", D_1900_01_01, QN_KZ_CIS, true},
    {"AZE", D_1900_01_01, QN_KZ_CIS, true},
    {"MDA", D_1900_01_01, QN_KZ_CIS_UNCONFIRMED, false},
    {"UKR", D_1900_01_01, QN_KZ_CIS_UNCONFIRMED, false},
    /* Georgia, Mongolia: bilateral "up to 90 days" (2019); per-entry term UNCONFIRMED. */
    {"GEO", D_1900_01_01, QN_KZ_BILATERAL_UNCONFIRMED, false},
    {"MNG", D_1900_01_01, QN_KZ_BILATERAL_UNCONFIRMED, false},
    /* Hong Kong SAR: 14 days by treaty (neweurope.eu 2019). */
    {"HKG", D_1900_01_01, QN_KZ_HONG_KONG, false},
};
const size_t qn_kz_country_rows_count = sizeof qn_kz_country_rows / sizeof qn_kz_country_rows[0];
