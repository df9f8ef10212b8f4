/* stay.c — the stay computation (see stay.h for the conventions).
 *
 * How it works:
 *  1. The trips are validated, copied with their caller's index and sorted by
 *     entry; overlaps, reversed and misplaced open trips are refused naming
 *     the caller's index.
 *  2. The "counted" spans are built: trips entered on or after the regime's
 *     cap_counts_from, touching trips merged (the shared day counts once),
 *     minus the permit periods. The latest trip is extended far into the
 *     future ("if staying on continuously"); queries about what actually
 *     happened clip it at its real end. Prefix sums over the spans give
 *     C(x) = counted days <= x in O(log n), and used(D) = C(D) - C(D - W).
 *  3. Within one counted run used(D) never decreases (each day adds one and
 *     removes at most one), so the first day over the cap inside a run is
 *     found by binary search. That gives the first breach of the rolling cap
 *     over the whole history and, on the extended latest trip, the last
 *     lawful day under the cap ("days falling out of the window" included).
 *  4. Per-entry limits and the visa end are closed-form dates, pushed past
 *     any permit period that covers them.
 */
#include "core/stay.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    qn_date_t start, end; /* inclusive */
} span;

typedef struct {
    qn_date_t entry, exit_raw, exit_eff;
    size_t index;
    bool open;
} trip_rec;

typedef struct {
    const span *spans;
    const int32_t *prefix; /* prefix[k] = counted days in spans[0..k-1] */
    size_t n;
    int window;
} counter;

void qn_stay_input_init(qn_stay_input *in)
{
    in->citizenship = NULL;
    in->on = QN_DATE_NONE;
    in->trips = NULL;
    in->n_trips = 0;
    in->visa_until = QN_DATE_NONE;
    in->permits = NULL;
    in->n_permits = 0;
    in->regime = NULL;
    in->deadline_rule = NULL;
}

static int cmp_trip(const void *a, const void *b)
{
    const trip_rec *x = a, *y = b;
    if (x->entry != y->entry)
        return x->entry < y->entry ? -1 : 1;
    /* Same entry day (exit and re-entry that day): the earlier exit first, an
     * open trip last. exit_eff is not enough: a trip closed on `on` and an
     * open one both have exit_eff == on, and their order must not depend on
     * the caller's (found by tests/fuzz/fuzz_stay.c). */
    qn_date_t xe = x->open ? INT32_MAX : x->exit_raw, ye = y->open ? INT32_MAX : y->exit_raw;
    if (xe != ye)
        return xe < ye ? -1 : 1;
    return 0;
}

static int cmp_span(const void *a, const void *b)
{
    const span *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Counted days on or before x. */
static int32_t counted_upto(const counter *c, qn_date_t x)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->spans[mid].start <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return 0;
    const span *s = &c->spans[lo - 1];
    qn_date_t last = x < s->end ? x : s->end;
    return c->prefix[lo - 1] + (last - s->start + 1);
}

static int used_on(const counter *c, qn_date_t day) { return counted_upto(c, day) - counted_upto(c, day - c->window); }

/* First day of [from, to] (all counted days of one run) with used > cap, or
 * QN_DATE_NONE. used is non-decreasing there, so binary search works. */
static qn_date_t first_over_cap(const counter *c, qn_date_t from, qn_date_t to, int cap)
{
    if (from > to || used_on(c, to) <= cap)
        return QN_DATE_NONE;
    while (from < to) {
        qn_date_t mid = from + (to - from) / 2;
        if (used_on(c, mid) > cap)
            to = mid;
        else
            from = mid + 1;
    }
    return from;
}

/* Pushes day past every (merged, sorted) permit period that contains it. */
static qn_date_t skip_permits(const span *permits, size_t n, qn_date_t day)
{
    for (size_t i = 0; i < n; i++) {
        if (permits[i].start > day)
            break;
        if (day <= permits[i].end)
            day = permits[i].end + 1;
    }
    return day;
}

static bool in_permits(const span *permits, size_t n, qn_date_t day)
{
    for (size_t i = 0; i < n; i++)
        if (permits[i].start <= day && day <= permits[i].end)
            return true;
    return false;
}

static qn_date_t min_date(qn_date_t a, qn_date_t b)
{
    if (a == QN_DATE_NONE)
        return b;
    if (b == QN_DATE_NONE)
        return a;
    return a < b ? a : b;
}

static qn_code validate(const qn_stay_input *in, qn_err *err)
{
    if (!in->citizenship || !qn_regime_code_is_valid(in->citizenship))
        qn_err_field(err, "citizenship", "must be an ISO 3166-1 alpha-3 code such as DEU or XXA");
    if (in->on == QN_DATE_NONE)
        qn_err_field(err, "on", "is required");
    if (in->n_trips > QN_STAY_MAX_TRIPS)
        return qn_err_set(err, QN_E_TOO_LARGE, "at most %d trips are accepted", QN_STAY_MAX_TRIPS);
    if (in->n_permits > QN_STAY_MAX_PERMITS)
        return qn_err_set(err, QN_E_TOO_LARGE, "at most %d permit periods are accepted",
                          QN_STAY_MAX_PERMITS);
    if (in->n_trips > 0 && !in->trips)
        return qn_err_set(err, QN_E_INTERNAL, "trips is NULL");
    if (in->n_permits > 0 && !in->permits)
        return qn_err_set(err, QN_E_INTERNAL, "permits is NULL");
    char field[32], a[QN_DATE_STRLEN], b[QN_DATE_STRLEN];
    for (size_t i = 0; i < in->n_trips; i++) {
        const qn_trip *t = &in->trips[i];
        snprintf(field, sizeof field, "trips[%zu]", i);
        if (t->entry == QN_DATE_NONE)
            qn_err_field(err, field, "has no entry date");
        else if (t->exit != QN_DATE_NONE && t->exit < t->entry)
            qn_err_field(err, field, "exits (%s) before it enters (%s)", qn_date_format(t->exit, a),
                         qn_date_format(t->entry, b));
        else if (in->on != QN_DATE_NONE && t->entry > in->on)
            qn_err_field(err, field, "enters (%s) after the reference date (%s)",
                         qn_date_format(t->entry, a), qn_date_format(in->on, b));
    }
    for (size_t i = 0; i < in->n_permits; i++) {
        snprintf(field, sizeof field, "permits[%zu]", i);
        if (in->permits[i].from == QN_DATE_NONE || in->permits[i].to == QN_DATE_NONE)
            qn_err_field(err, field, "needs both dates");
        else if (in->permits[i].to < in->permits[i].from)
            qn_err_field(err, field, "ends before it starts");
    }
    if (err && err->code != QN_OK)
        return err->code;
    return QN_OK;
}

static void result_init(qn_stay_result *out)
{
    *out = (qn_stay_result){0};
    out->current_entry = QN_DATE_NONE;
    out->window_start = QN_DATE_NONE;
    out->last_lawful_day = QN_DATE_NONE;
    out->first_breach = QN_DATE_NONE;
    out->permit_needed_from = QN_DATE_NONE;
    out->notification_deadline = QN_DATE_NONE;
    out->registration_needed_from = QN_DATE_NONE;
    out->self_registration_deadline = QN_DATE_NONE;
    out->days_left = -1;
    out->days_allowed_this_entry = -1;
    out->limited_by = "none";
}

qn_code qn_stay_compute(const qn_stay_input *in, qn_stay_result *out, qn_err *err)
{
    result_init(out);
    qn_err local;
    qn_err_clear(&local);
    qn_err *e = err ? err : &local;
    qn_err_clear(e); /* validate() accumulates field errors: start from none */
    qn_code rc = validate(in, e);
    if (rc != QN_OK)
        return rc;

    size_t n = in->n_trips, m = in->n_permits;
    trip_rec *trips = malloc((n ? n : 1) * sizeof *trips);
    span *permits = malloc((m ? m : 1) * sizeof *permits);
    span *spans = malloc((n + m + 1) * sizeof *spans);
    int32_t *prefix = malloc((n + m + 1) * sizeof *prefix);
    if (!trips || !permits || !spans || !prefix) {
        rc = qn_err_set(e, QN_E_NOMEM, "out of memory computing a stay");
        goto done;
    }

    /* 1. Sort and check the trips. */
    for (size_t i = 0; i < n; i++) {
        const qn_trip *t = &in->trips[i];
        trips[i].entry = t->entry;
        trips[i].open = t->exit == QN_DATE_NONE;
        trips[i].exit_raw = t->exit;
        trips[i].exit_eff = trips[i].open || t->exit > in->on ? in->on : t->exit;
        trips[i].index = i;
    }
    qsort(trips, n, sizeof *trips, cmp_trip);
    for (size_t k = 1; k < n; k++) {
        const trip_rec *prev = &trips[k - 1], *cur = &trips[k];
        char field[32], a[QN_DATE_STRLEN], b[QN_DATE_STRLEN];
        snprintf(field, sizeof field, "trips[%zu]", cur->index);
        if (prev->open) {
            snprintf(field, sizeof field, "trips[%zu]", prev->index);
            qn_err_field(e, field, "has no exit but trips[%zu] enters later (%s)", cur->index,
                         qn_date_format(cur->entry, a));
        } else if (cur->entry < prev->exit_raw) {
            qn_err_field(e, field, "enters on %s, before trips[%zu] ends on %s", qn_date_format(cur->entry, a),
                         prev->index, qn_date_format(prev->exit_raw, b));
        }
    }
    if (e->code != QN_OK) {
        qn_err_set(e, QN_E_INVALID, "the trips overlap or are out of order");
        rc = QN_E_INVALID;
        goto done;
    }

    /* Permits: sorted and merged (touching or adjacent periods join). */
    size_t np = 0;
    for (size_t i = 0; i < m; i++)
        permits[i] = (span){in->permits[i].from, in->permits[i].to};
    qsort(permits, m, sizeof *permits, cmp_span);
    for (size_t i = 0; i < m; i++) {
        if (np > 0 && permits[i].start <= permits[np - 1].end + 1) {
            if (permits[i].end > permits[np - 1].end)
                permits[np - 1].end = permits[i].end;
        } else {
            permits[np++] = permits[i];
        }
    }

    /* The regime of the latest entry. */
    const trip_rec *cur = n ? &trips[n - 1] : NULL;
    qn_date_t regime_day = cur ? cur->entry : in->on;
    if (in->regime)
        out->regime = *in->regime;
    else if ((rc = qn_regime_lookup(in->citizenship, regime_day, &out->regime, e)) != QN_OK)
        goto done;
    const qn_regime *reg = &out->regime;
    int window = reg->window_days > 0 ? reg->window_days : 180;
    out->window_start = in->on - (window - 1);

    /* 2. Counted spans; the latest trip extended "if staying on". */
    qn_date_t far = in->on;
    if (np > 0 && permits[np - 1].end > far)
        far = permits[np - 1].end;
    far += window + 1;
    size_t ns = 0;
    bool cap_applies = reg->cap_days > 0;
    bool cur_counted = false;
    for (size_t k = 0; cap_applies && k < n; k++) {
        const trip_rec *t = &trips[k];
        if (reg->cap_counts_from != QN_DATE_NONE && t->entry < reg->cap_counts_from)
            continue;
        qn_date_t end = k == n - 1 ? far : t->exit_eff;
        if (k == n - 1)
            cur_counted = true;
        /* Subtract the permits from [t->entry, end]. */
        qn_date_t s = t->entry;
        for (size_t p = 0; p < np && s <= end; p++) {
            if (permits[p].end < s)
                continue;
            if (permits[p].start > end)
                break;
            if (permits[p].start > s) {
                if (ns > 0 && spans[ns - 1].end == s) /* touching trips share a day */
                    spans[ns - 1].end = permits[p].start - 1;
                else
                    spans[ns++] = (span){s, permits[p].start - 1};
            }
            s = permits[p].end + 1;
        }
        if (s <= end) {
            if (ns > 0 && spans[ns - 1].end == s) /* touching trips share a day */
                spans[ns - 1].end = end;
            else
                spans[ns++] = (span){s, end};
        }
    }
    int32_t total = 0;
    for (size_t k = 0; k < ns; k++) {
        prefix[k] = total;
        total += spans[k].end - spans[k].start + 1;
    }
    counter c = {spans, prefix, ns, window};
    qn_date_t actual_end = cur ? cur->exit_eff : in->on; /* clip for "what happened" */

    /* Days used on the reference date (what actually happened). */
    if (cap_applies) {
        /* Clip the extended latest trip at its real end: C_actual(x) = C(min(x, end)). */
        qn_date_t clip = cur_counted ? actual_end : in->on;
        qn_date_t before = in->on - window;
        int32_t used = counted_upto(&c, in->on < clip ? in->on : clip) -
                       counted_upto(&c, before < clip ? before : clip);
        out->days_used = used;
        out->days_left = used < reg->cap_days ? reg->cap_days - used : 0;
        out->excess_days = used > reg->cap_days ? used - reg->cap_days : 0;
    } else {
        /* No rolling cap: report the days in the window all the same. */
        int32_t used = 0;
        for (size_t k = 0; k < n; k++) {
            qn_date_t lo = trips[k].entry > out->window_start ? trips[k].entry : out->window_start;
            qn_date_t hi = trips[k].exit_eff;
            if (k > 0 && trips[k - 1].exit_eff == trips[k].entry && lo == trips[k].entry)
                lo++; /* shared day already counted */
            if (hi >= lo)
                used += hi - lo + 1;
        }
        out->days_used = used;
    }

    /* 3. First breach of the rolling cap over the history. */
    qn_date_t first_breach = QN_DATE_NONE;
    for (size_t k = 0; cap_applies && k < ns; k++) {
        qn_date_t hi = spans[k].end;
        if (cur_counted && hi > actual_end)
            hi = actual_end;
        qn_date_t d = first_over_cap(&c, spans[k].start, hi, reg->cap_days);
        if (d != QN_DATE_NONE) {
            first_breach = d;
            break;
        }
    }

    /* 4. Per-entry limits of each trip under its own regime. */
    qn_regime trip_regime = *reg;
    qn_date_t regime_valid_until = QN_DATE_NONE;
    for (size_t k = 0; k < n; k++) {
        const trip_rec *t = &trips[k];
        if (!in->regime && (regime_valid_until == QN_DATE_NONE || t->entry > regime_valid_until)) {
            if ((rc = qn_regime_lookup_span(in->citizenship, t->entry, &trip_regime, &regime_valid_until, e)) !=
                QN_OK)
                goto done;
        }
        if (trip_regime.per_entry_days <= 0)
            continue;
        qn_date_t d = skip_permits(permits, np, t->entry + trip_regime.per_entry_days);
        if (d <= t->exit_eff)
            first_breach = min_date(first_breach, d);
    }

    if (cur) {
        qn_date_t entry = cur->entry;
        out->current_entry = entry;
        out->is_present = cur->open || cur->exit_raw >= in->on;

        /* Last lawful day if staying on continuously. */
        qn_date_t last = QN_DATE_NONE;
        const char *by = "none";
        bool unknown = false;
        if (reg->per_entry_days > 0) {
            qn_date_t limit = entry + reg->per_entry_days; /* first day past the limit */
            qn_date_t d = skip_permits(permits, np, limit);
            last = d - 1;
            by = d != limit ? "permit" : "per_entry"; /* a permit moved it */
        }
        if (cap_applies && cur_counted) {
            for (size_t k = 0; k < ns; k++) {
                if (spans[k].end < entry)
                    continue;
                qn_date_t lo = spans[k].start > entry ? spans[k].start : entry;
                qn_date_t d = first_over_cap(&c, lo, spans[k].end, reg->cap_days);
                if (d != QN_DATE_NONE) {
                    if (last == QN_DATE_NONE || d - 1 < last) {
                        last = d - 1;
                        by = "rolling_cap";
                    }
                    break;
                }
            }
        }
        if (in->visa_until != QN_DATE_NONE) {
            qn_date_t d = skip_permits(permits, np, in->visa_until + 1) - 1;
            if (last == QN_DATE_NONE || d < last) {
                last = d;
                by = d != in->visa_until ? "permit" : "visa";
            }
            if (d + 1 <= cur->exit_eff)
                first_breach = min_date(first_breach, d + 1);
        } else if (reg->needs_visa) {
            qn_date_t d = skip_permits(permits, np, entry);
            if (d > entry && (last == QN_DATE_NONE || d - 1 < last)) {
                last = d - 1; /* lawful while the permits covering the entry last */
                by = "permit";
                if (d <= cur->exit_eff) /* staying on past them is a breach (found by fuzz_stay) */
                    first_breach = min_date(first_breach, d);
            } else if (d == entry) {
                unknown = true;
            }
        }
        if (unknown) {
            out->last_lawful_day = QN_DATE_NONE;
            out->limited_by = "unknown";
        } else if (last != QN_DATE_NONE) {
            if (last < entry - 1)
                last = entry - 1;
            out->last_lawful_day = last;
            out->limited_by = by;
            out->days_allowed_this_entry = last - entry + 1;
            qn_date_t end = cur->exit_eff;
            out->overstay_days = end > last ? end - last : 0;
        }

        if (reg->permit_after_days > 0) {
            out->permit_needed_from = entry + reg->permit_after_days;
            out->permit_required = out->is_present && in->on >= out->permit_needed_from &&
                                   !in_permits(permits, np, in->on);
        }
        if ((rc = qn_deadline_compute(entry, in->deadline_rule, &out->notification_deadline, e)) != QN_OK)
            goto done;
        if (entry >= qn_regime_registration_exemption_start())
            out->registration_needed_from = entry + 30;
        if (qn_regime_needs_self_registration(reg, entry))
            out->self_registration_deadline = entry + 29;
    }
    out->first_breach = first_breach;
    rc = QN_OK;

done:
    free(trips);
    free(permits);
    free(spans);
    free(prefix);
    if (rc != QN_OK)
        result_init(out);
    return rc;
}
