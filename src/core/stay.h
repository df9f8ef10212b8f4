/* stay.h — how long a foreigner has stayed and may stay in Kazakhstan.
 *
 * Input: the citizenship (which selects the regime, see regime.h), the trips
 * (entry and exit dates, the last one possibly still open), the reference
 * date, optionally the end of the visa and the periods of granted permits
 * (temporary residence permits or extended visas) that make a stay lawful
 * beyond the regime's limits.
 *
 * Conventions (docs/rules.md §Stay):
 *  - the entry day and the exit day both count as days of stay; a trip that
 *    ends on the day the next one starts (exit and re-entry the same day)
 *    shares that day, which counts once; the re-entry starts a new per-entry
 *    count (day 1 = the re-entry day);
 *  - the window ending on day D is D-(W-1) .. D (W = 180); the cap holds on D
 *    when the counted days in that window are <= the cap (90 exactly is lawful);
 *  - the per-entry limit of N days ends on E+N-1 for an entry on day E;
 *  - the rolling cap counts only trips entered on or after the regime's
 *    cap_counts_from (2023-01-27: not retroactive) and not days covered by a
 *    permit period; the cap of the regime of the latest entry is applied to
 *    the whole history, the per-entry limit of each trip's own regime to it;
 *  - days after the reference date are not considered (a closed trip ending
 *    after it is treated as ongoing on that date).
 *
 * Cost: O(n log n) in the number of trips (a sort, then binary searches over
 * prefix sums of counted days); no loop runs per day over the history.
 *
 * Thread-safe; allocates working memory internally and frees it before
 * returning.
 */
#ifndef QN_STAY_H
#define QN_STAY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/date.h"
#include "core/deadline.h"
#include "core/error.h"
#include "core/regime.h"

#define QN_STAY_MAX_TRIPS 1000
#define QN_STAY_MAX_PERMITS 64

typedef struct {
    qn_date_t entry; /* day of crossing into Kazakhstan */
    qn_date_t exit;  /* day of leaving; QN_DATE_NONE while still in the country */
} qn_trip;

typedef struct {
    qn_date_t from, to; /* inclusive period during which a permit or extended visa covers the stay */
} qn_stay_period;

typedef struct {
    const char *citizenship;       /* ISO 3166-1 alpha-3; "XXA" stateless */
    qn_date_t on;                  /* reference date ("today") */
    const qn_trip *trips;          /* any order; at most QN_STAY_MAX_TRIPS */
    size_t n_trips;
    qn_date_t visa_until;          /* last day of the visa for the current entry, or QN_DATE_NONE */
    const qn_stay_period *permits; /* granted permit periods; at most QN_STAY_MAX_PERMITS */
    size_t n_permits;
    const qn_regime *regime;       /* NULL: by citizenship and date; else forced (tests, planning) */
    const qn_deadline_rule *deadline_rule; /* NULL: the statutory rule */
} qn_stay_input;

typedef struct {
    qn_regime regime;             /* the regime of the latest entry (or of `on` without trips) */
    bool is_present;              /* in the country on the reference date */
    qn_date_t current_entry;      /* entry of the latest trip, QN_DATE_NONE without trips */
    qn_date_t window_start;       /* first day of the window ending on `on` */
    int days_used;                /* counted days in the window ending on `on` */
    int days_left;                /* cap - days_used, not below 0; -1 when the regime has no cap */
    int excess_days;              /* days_used - cap when positive, else 0 */
    qn_date_t last_lawful_day;    /* staying on continuously from the latest entry: the last
                                     lawful day; QN_DATE_NONE when unknown (visa regime with no
                                     visa end given) or without trips */
    int days_allowed_this_entry;  /* last_lawful_day - current_entry + 1 (0 = refused on entry);
                                     -1 when unknown */
    const char *limited_by;       /* "per_entry", "rolling_cap", "visa", "permit" (a permit
                                     moved the binding limit: the per-entry limit or the visa's
                                     end fell inside a permit, or a visa regime without a visa
                                     is lawful while permits cover the entry), "unknown",
                                     "none" */
    int overstay_days;            /* days of the latest trip (up to `on`) after last_lawful_day */
    qn_date_t first_breach;       /* first unlawful day of the whole history, QN_DATE_NONE if none */
    bool permit_required;         /* present on `on`, past the regime's TRP threshold, no permit */
    qn_date_t permit_needed_from; /* first day of the latest trip that needs a TRP; NONE if n/a */
    qn_date_t notification_deadline;       /* host's deadline for the latest entry; NONE w/o trips */
    qn_date_t registration_needed_from;    /* first day beyond the 30-day exemption (entries from
                                              2020-01-11), NONE for earlier entries/no trips */
    qn_date_t self_registration_deadline;  /* Order 923 (entries from 2026-07-01, 90-day regimes):
                                              the 30th day E+29; NONE when not applicable */
} qn_stay_result;

/* Fills *in with no trips, no visa, no permits and the lookup by citizenship. */
void qn_stay_input_init(qn_stay_input *in);

/* Computes *out from *in. Errors (QN_E_INVALID with per-field entries named
 * "trips[i]" after the caller's index, "citizenship", "on", "visa_until",
 * "permits[i]"): a bad citizenship code, a missing reference date, more than
 * QN_STAY_MAX_TRIPS trips or QN_STAY_MAX_PERMITS permits (QN_E_TOO_LARGE), a
 * trip whose exit is before its entry, that starts after the reference date,
 * that overlaps another trip, or that is open while a later trip exists.
 * QN_E_NOMEM when working memory cannot be allocated. On error *out is
 * the empty result: counts 0, dates QN_DATE_NONE, days_left and
 * days_allowed_this_entry -1, limited_by "none". */
qn_code qn_stay_compute(const qn_stay_input *in, qn_stay_result *out, qn_err *err);

#endif
