/* regime.c — lookup in the regime table of regime_kz.c: the last row of the
 * country whose effective date is on or before the entry date wins. */
#include "core/regime.h"

#include <stdint.h>
#include <string.h>

#include "core/regime_kz_data.h"

bool qn_regime_code_is_valid(const char *citizenship)
{
    if (!citizenship || strlen(citizenship) != 3)
        return false;
    for (int i = 0; i < 3; i++)
        if (citizenship[i] < 'A' || citizenship[i] > 'Z')
            return false;
    return true;
}

const qn_regime *qn_regime_visa(void) { return &qn_kz_regimes[QN_KZ_VISA]; }

qn_code qn_regime_lookup(const char *citizenship, qn_date_t on, qn_regime *out, qn_err *err)
{
    return qn_regime_lookup_span(citizenship, on, out, NULL, err);
}

qn_code qn_regime_lookup_span(const char *citizenship, qn_date_t on, qn_regime *out,
                              qn_date_t *valid_until, qn_err *err)
{
    if (!qn_regime_code_is_valid(citizenship))
        return qn_err_field(err, "citizenship", "must be an ISO 3166-1 alpha-3 code such as DEU or XXA");
    const qn_kz_country_row *best = NULL;
    qn_date_t next = INT32_MAX;
    for (size_t i = 0; i < qn_kz_country_rows_count; i++) {
        const qn_kz_country_row *row = &qn_kz_country_rows[i];
        if (memcmp(row->code, citizenship, 3) != 0)
            continue;
        if (row->from <= on && (!best || row->from >= best->from))
            best = row;
        else if (row->from > on && row->from < next)
            next = row->from;
    }
    if (valid_until)
        *valid_until = next == INT32_MAX ? INT32_MAX : next - 1;
    if (!best) {
        *out = qn_kz_regimes[QN_KZ_VISA];
        return QN_OK;
    }
    *out = qn_kz_regimes[best->regime];
    out->confirmed = out->confirmed && best->confirmed;
    return QN_OK;
}

#define D_2026_07_01 20635 /* MVD Order No. 923 of 17 Nov 2025 in force */
#define D_2020_01_11 18272 /* exemption from registration up to 30 days */

bool qn_regime_needs_self_registration(const qn_regime *regime, qn_date_t entry)
{
    /* Order 923: "immigrants from states with a stay regime of up to 90 days". */
    return regime && !regime->needs_visa && regime->per_entry_days == 90 && entry >= D_2026_07_01;
}

qn_date_t qn_regime_self_registration_start(void) { return D_2026_07_01; }

qn_date_t qn_regime_registration_exemption_start(void) { return D_2020_01_11; }
