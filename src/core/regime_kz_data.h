/* regime_kz_data.h — table types of regime_kz.c, shared with regime.c only.
 * Not a public header. */
#ifndef QN_REGIME_KZ_DATA_H
#define QN_REGIME_KZ_DATA_H

#include <stdbool.h>
#include <stddef.h>

#include "core/regime.h"

typedef enum {
    QN_KZ_VISA = 0,
    QN_KZ_VISA_FREE_30,
    QN_KZ_VISA_FREE_14,
    QN_KZ_VISA_FREE_90,
    QN_KZ_EAEU,
    QN_KZ_CIS,
    QN_KZ_CIS_UNCONFIRMED,
    QN_KZ_BILATERAL_UNCONFIRMED,
    QN_KZ_HONG_KONG,
    QN_KZ_REGIME_COUNT
} qn_kz_regime_id;

typedef struct {
    char code[4];           /* ISO 3166-1 alpha-3 */
    qn_date_t from;         /* effective from (inclusive) */
    qn_kz_regime_id regime;
    bool confirmed;         /* the date and group are confirmed by the sources */
} qn_kz_country_row;

extern const qn_regime qn_kz_regimes[QN_KZ_REGIME_COUNT];
extern const qn_kz_country_row qn_kz_country_rows[];
extern const size_t qn_kz_country_rows_count;

#endif
