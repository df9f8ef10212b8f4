/* fines_kz.c — the data of stay control: the MCI by date and the sanctions of
 * CAO Art. 517 and 518 (see violation.h for how they are used).
 *
 * The tables are the single statement of the amounts. Rows marked
 * confirmed = false are UNCONFIRMED in our sources (kz_rules.md §1.3, §2.4,
 * §7 item 3) and are a model chosen in docs/control.md; a service must show
 * them as such. Dates are day numbers; test_violation checks each against
 * its "YYYY-MM-DD" text.
 */
#include <stddef.h>

#include "core/violation.h"

#define D_2024_01_01 19723
#define D_2024_12_31 20088
#define D_2025_01_01 20089
#define D_2025_12_31 20453
#define D_2026_01_01 20454
#define D_2026_12_31 20818

/* kz_rules.md §2.5. The MCI is set yearly by the republican budget law; a
 * mid-year change (as in 2022) is a new row. Earlier years: not in our
 * sources, so the table starts in 2024 and lookups before it fail. */
static const qn_mci_row mci_rows[] = {
    {D_2024_01_01, D_2024_12_31, 3692, true, "tengrinews.kz (01.01.2024); zhaikpress.kz"},
    {D_2025_01_01, D_2025_12_31, 3932, true, "tengrinews.kz; mgorod.kz"},
    {D_2026_01_01, D_2026_12_31, 4325, true, "liter.kz; mgorod.kz; korrespondent.one"},
};

const qn_mci_row *qn_mci_table(size_t *n)
{
    *n = sizeof mci_rows / sizeof mci_rows[0];
    return mci_rows;
}

#define S518_P1 "CAO Art. 518 part 1 (kodeksy-kz.com/…/518.htm, checked 05.12.2024; kz_rules.md §2.4)"
#define S518_P3                                                                                              \
    "CAO Art. 518 part 3, UNCONFIRMED: islam.kz …-15462 (30 MCI individuals, up to 100 MCI "               \
    "businesses); adyrna.kz/post/131541 (kz_rules.md §2.4)"
#define S517_P3 "CAO Art. 517 part 3 (oq.gov.kz/en/news/872; kz_rules.md §1.3)"
#define S517_P3_U "CAO Art. 517 part 3, UNCONFIRMED tier (oq.gov.kz excerpt truncated; kz_rules.md §1.3)"

#define HOST QN_VIOL_HOST_NOTIFICATION
#define OVER QN_VIOL_OVERSTAY
#define WARN QN_SANCTION_WARNING
#define FINE QN_SANCTION_FINE

static const qn_fine_row fine_rows[] = {
    /* Art. 518 part 1: the host fails to inform the internal affairs bodies in time. */
    {HOST, 518, 1, false, QN_HOST_INDIVIDUAL, 0, 0, WARN, 0, true, false, "art518_p1_individual", S518_P1},
    {HOST, 518, 1, false, QN_HOST_OFFICIAL, 0, 0, FINE, 10, true, false, "art518_p1_official", S518_P1},
    {HOST, 518, 1, false, QN_HOST_SMALL_BUSINESS, 0, 0, FINE, 10, true, false, "art518_p1_small_business",
     S518_P1},
    {HOST, 518, 1, false, QN_HOST_NPO, 0, 0, FINE, 10, true, false, "art518_p1_npo", S518_P1},
    {HOST, 518, 1, false, QN_HOST_MEDIUM_BUSINESS, 0, 0, FINE, 15, true, false, "art518_p1_medium_business",
     S518_P1},
    {HOST, 518, 1, false, QN_HOST_LARGE_BUSINESS, 0, 0, FINE, 20, true, false, "art518_p1_large_business",
     S518_P1},
    /* Art. 518 part 3: repeat within a year. UNCONFIRMED model: 30 MCI for
     * individuals (the one figure reported); every legal kind at the reported
     * upper bound of 100 MCI, to be lowered when the text is found. */
    {HOST, 518, 3, true, QN_HOST_INDIVIDUAL, 0, 0, FINE, 30, false, false, "art518_p3_individual", S518_P3},
    {HOST, 518, 3, true, QN_HOST_OFFICIAL, 0, 0, FINE, 100, false, false, "art518_p3_official", S518_P3},
    {HOST, 518, 3, true, QN_HOST_SMALL_BUSINESS, 0, 0, FINE, 100, false, false, "art518_p3_small_business",
     S518_P3},
    {HOST, 518, 3, true, QN_HOST_NPO, 0, 0, FINE, 100, false, false, "art518_p3_npo", S518_P3},
    {HOST, 518, 3, true, QN_HOST_MEDIUM_BUSINESS, 0, 0, FINE, 100, false, false, "art518_p3_medium_business",
     S518_P3},
    {HOST, 518, 3, true, QN_HOST_LARGE_BUSINESS, 0, 0, FINE, 100, false, false, "art518_p3_large_business",
     S518_P3},

    /* Art. 517 part 3: non-departure after the permitted period. */
    {OVER, 517, 3, false, -1, 1, 3, WARN, 0, true, false, "art517_p3_upto3", S517_P3},
    {OVER, 517, 3, false, -1, 4, 5, FINE, 10, true, false, "art517_p3_4to5", S517_P3},
    {OVER, 517, 3, false, -1, 6, 10, FINE, 15, false, false, "art517_p3_6to10", S517_P3_U},
    {OVER, 517, 3, false, -1, 11, 0, FINE, 20, false, true, "art517_p3_over10", S517_P3_U},
    /* Repetition of an overstay: the part is not in our sources; the same
     * tiers, all UNCONFIRMED. */
    {OVER, 517, 3, true, -1, 1, 3, WARN, 0, false, false, "art517_p3_upto3_repeat", S517_P3_U},
    {OVER, 517, 3, true, -1, 4, 5, FINE, 10, false, false, "art517_p3_4to5_repeat", S517_P3_U},
    {OVER, 517, 3, true, -1, 6, 10, FINE, 15, false, false, "art517_p3_6to10_repeat", S517_P3_U},
    {OVER, 517, 3, true, -1, 11, 0, FINE, 20, false, true, "art517_p3_over10_repeat", S517_P3_U},
};

const qn_fine_row *qn_fine_table(size_t *n)
{
    *n = sizeof fine_rows / sizeof fine_rows[0];
    return fine_rows;
}
