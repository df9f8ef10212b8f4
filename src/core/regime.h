/* regime.h — stay regimes of foreigners in Kazakhstan by citizenship.
 *
 * A regime says how long a foreigner may stay without further documents:
 * days per entry, a rolling cap (N days in any window of W days), the date
 * from which the cap counts (it is not retroactive), after how many days of
 * one stay a temporary residence permit (TRP) is needed, and whether a visa
 * bounds the stay instead. The table in regime_kz.c maps ISO 3166-1 alpha-3
 * codes ("XXA" = stateless) with effective dates to regime groups; a code
 * that is not in the table, or a date before its row starts, gets the visa
 * regime (the stay is bounded by the visa), which is the safe default.
 *
 * The table is incomplete where the sources are (the full annex of the
 * 25 Aug 2025 decree was not available): rows carry `confirmed` and the
 * caller should show unconfirmed regimes as such. docs/rules.md lists them.
 *
 * Pure: no I/O, no allocation; thread-safe (static const tables).
 */
#ifndef QN_REGIME_H
#define QN_REGIME_H

#include <stdbool.h>
#include <stddef.h>

#include "core/date.h"
#include "core/error.h"

typedef struct {
    const char *name;          /* stable machine name: "visa_free_30", "eaeu", "cis", ... */
    const char *label;         /* English sentence fragment for people */
    int per_entry_days;        /* days per entry, entry day = day 1; 0 = no per-entry cap */
    int cap_days;              /* rolling cap: at most cap_days in any window; 0 = none */
    int window_days;           /* the rolling window (180) */
    qn_date_t cap_counts_from; /* only stays entered on/after this date count (non-retroactive) */
    int permit_after_days;     /* a TRP is needed to stay beyond this many days; 0 = no TRP path */
    bool needs_visa;           /* the stay is bounded by a visa */
    bool confirmed;            /* false: the row or its dates are UNCONFIRMED in the sources */
    const char *source;        /* citation */
} qn_regime;

/* Country codes are exactly three ASCII capital letters. */
bool qn_regime_code_is_valid(const char *citizenship);

/* The regime for a citizen of `citizenship` (ISO 3166-1 alpha-3, "XXA" for
 * stateless persons) entering on `on`, copied into *out (its strings are
 * static). `confirmed` is false when either the group or the country's row
 * is UNCONFIRMED. Errors: QN_E_INVALID with field "citizenship" when the code
 * is not three capital letters. Unknown codes, "XXA", and dates before a
 * country's first row get the visa regime (not an error). */
qn_code qn_regime_lookup(const char *citizenship, qn_date_t on, qn_regime *out, qn_err *err);

/* As qn_regime_lookup, and also sets *valid_until (when not NULL) to the
 * last day on which the same row applies: the day before the country's next
 * row, or INT32_MAX when no later row exists. Lets a caller walking sorted
 * dates look up again only when a row changes. */
qn_code qn_regime_lookup_span(const char *citizenship, qn_date_t on, qn_regime *out,
                              qn_date_t *valid_until, qn_err *err);

/* The visa regime (bounded by the visa, no cap), for unknown codes. */
const qn_regime *qn_regime_visa(void);

/* True when nationals of this regime must self-register in the migration
 * police system by the 30th calendar day after crossing (MVD Order No. 923
 * of 17 Nov 2025, for entries on or after 2026-07-01 under a 90-day regime). */
bool qn_regime_needs_self_registration(const qn_regime *regime, qn_date_t entry);

/* First day of the self-registration rule: 2026-07-01. */
qn_date_t qn_regime_self_registration_start(void);

/* First day of the exemption from registration for stays up to 30 days:
 * 2020-01-11 (seed 001; seed 004). */
qn_date_t qn_regime_registration_exemption_start(void);

#endif
