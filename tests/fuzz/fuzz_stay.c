/* fuzz_stay.c — libFuzzer target for the stay computation (src/core/stay.h).
 *
 * The input is structured (fuzz_util.h readers): a citizenship (one of a few
 * regimes, or three fuzzed bytes), the reference date, a mode, the trips, an
 * optional visa end and permit periods. Mode 0 builds a VALID history: trips
 * in order, gaps >= 0 (a gap of 0 is an exit and re-entry the same day), none
 * after the reference date, the latest possibly open, then shuffled. Mode 1
 * takes entry and exit dates straight from the bytes (overlaps, reversed
 * trips, QN_DATE_NONE, trips in the future: mostly invalid).
 *
 * Invariants checked:
 *  - never a crash, leak or sanitizer report; on error *out holds no result
 *    (zero counts, QN_DATE_NONE dates) and the error is QN_E_INVALID or QN_E_TOO_LARGE with a message;
 *  - a valid history with a valid citizenship is always accepted;
 *  - the order of the trips does not change the result;
 *  - window_start = on - 179, days_used in 0..180 and equal to a day-by-day
 *    count written here (days of trips entered on/after the regime's
 *    cap_counts_from, up to `on`, not covered by a permit, shared days once);
 *  - days_left / excess_days agree with the cap; current_entry is the latest
 *    entry; is_present agrees with the latest trip;
 *  - when the last lawful day is known: days_allowed_this_entry =
 *    last_lawful_day - current_entry + 1 >= 0, and the stay up to `on` (or
 *    the exit) either ends by the last lawful day or overstay_days > 0 is
 *    exactly the days beyond it; overstay > 0 implies a first breach;
 *  - limited_by is one of the documented words.
 */
#include "core/stay.h"
#include "fuzz/fuzz_util.h"

#define MAX_TRIPS 64
#define MAX_PERMITS 4

static const char *const citizenships[] = {"RUS", "DEU", "USA", "CHN", "UZB", "XXA", "KAZ", "GBR",
                                           "IND", "TUR", "KGZ", "BLR"};

static void shuffle(qn_fz *f, qn_trip *t, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = qn_fz_below(f, (unsigned)i);
        qn_trip x = t[i - 1];
        t[i - 1] = t[j];
        t[j] = x;
    }
}

/* Prints the input and the result, for the report of a broken invariant
 * (QN_FUZZ_VERBOSE=1 in the environment). */
static void dump(const qn_stay_input *in, const qn_stay_result *out)
{
    if (!getenv("QN_FUZZ_VERBOSE"))
        return;
    char a[QN_DATE_STRLEN], b[QN_DATE_STRLEN];
    fprintf(stderr, "citizenship %s on %s visa %d\n", in->citizenship, qn_date_format(in->on, a),
            in->visa_until);
    for (size_t i = 0; i < in->n_trips; i++)
        fprintf(stderr, "  trip %zu: %s .. %s\n", i, qn_date_format(in->trips[i].entry, a),
                in->trips[i].exit == QN_DATE_NONE ? "open" : qn_date_format(in->trips[i].exit, b));
    for (size_t i = 0; i < in->n_permits; i++)
        fprintf(stderr, "  permit %zu: %s .. %s\n", i, qn_date_format(in->permits[i].from, a),
                qn_date_format(in->permits[i].to, b));
    fprintf(stderr, "regime %s present %d entry %d used %d left %d excess %d lawful %d allowed %d by %s "
            "overstay %d breach %d\n", out->regime.name, out->is_present, out->current_entry, out->days_used,
            out->days_left, out->excess_days, out->last_lawful_day, out->days_allowed_this_entry,
            out->limited_by, out->overstay_days, out->first_breach);
}

static int ref_days_used(const qn_stay_input *in, const qn_regime *reg)
{
    int used = 0;
    for (qn_date_t d = in->on - (reg->window_days - 1); d <= in->on; d++) {
        bool counted = false;
        for (size_t i = 0; i < in->n_trips && !counted; i++) {
            const qn_trip *t = &in->trips[i];
            qn_date_t end = t->exit == QN_DATE_NONE || t->exit > in->on ? in->on : t->exit;
            counted = t->entry >= reg->cap_counts_from && t->entry <= d && d <= end;
        }
        for (size_t k = 0; k < in->n_permits && counted; k++)
            if (in->permits[k].from <= d && d <= in->permits[k].to)
                counted = false;
        used += counted;
    }
    return used;
}

static bool same_result(const qn_stay_result *a, const qn_stay_result *b)
{
    return strcmp(a->regime.name, b->regime.name) == 0 && a->is_present == b->is_present &&
           a->current_entry == b->current_entry && a->window_start == b->window_start &&
           a->days_used == b->days_used && a->days_left == b->days_left &&
           a->excess_days == b->excess_days && a->last_lawful_day == b->last_lawful_day &&
           a->days_allowed_this_entry == b->days_allowed_this_entry &&
           strcmp(a->limited_by, b->limited_by) == 0 && a->overstay_days == b->overstay_days &&
           a->first_breach == b->first_breach && a->permit_required == b->permit_required &&
           a->permit_needed_from == b->permit_needed_from &&
           a->notification_deadline == b->notification_deadline &&
           a->registration_needed_from == b->registration_needed_from &&
           a->self_registration_deadline == b->self_registration_deadline;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    qn_fz f = {data, size};
    char cz[4];
    uint8_t c = qn_fz_u8(&f);
    if (c < 240) {
        memcpy(cz, citizenships[c % (sizeof citizenships / sizeof *citizenships)], 4);
    } else {
        cz[0] = (char)qn_fz_u8(&f);
        cz[1] = (char)qn_fz_u8(&f);
        cz[2] = (char)qn_fz_u8(&f);
        cz[3] = '\0';
    }
    qn_date_t base;
    qn_date_from_ymd(2017, 1, 1, &base);
    qn_date_t on = base + (qn_date_t)(qn_fz_u16(&f) % 4000); /* 2017 .. 2027 */
    uint8_t mode = qn_fz_u8(&f) % 2;
    size_t n = qn_fz_below(&f, MAX_TRIPS + 1);

    qn_trip trips[MAX_TRIPS];
    if (mode == 0) {
        /* backwards from `on`: the latest trip first */
        qn_date_t cursor = on - (qn_date_t)qn_fz_below(&f, 200);
        size_t k = 0;
        for (; k < n; k++) {
            uint8_t shape = qn_fz_u8(&f);
            qn_date_t len = (qn_date_t)(shape & 0x7f);       /* 0..127 days after entry */
            bool open = k == 0 && (shape & 0x80) != 0;
            qn_date_t exit = cursor;
            qn_date_t entry = exit - len;
            if (entry < base - 2000)
                break;
            trips[k].entry = entry;
            trips[k].exit = open ? QN_DATE_NONE : exit;
            if (open)
                trips[k].entry = on - len < entry ? on - len : entry;
            cursor = entry - (qn_date_t)qn_fz_below(&f, 120); /* gap 0 = same-day re-entry */
        }
        n = k;
    } else {
        for (size_t k = 0; k < n; k++) {
            uint16_t a = qn_fz_u16(&f), b = qn_fz_u16(&f);
            trips[k].entry = a == 0xffff ? QN_DATE_NONE : on - 2000 + (qn_date_t)(a % 2100);
            qn_date_t from = trips[k].entry == QN_DATE_NONE ? on : trips[k].entry;
            trips[k].exit = b >= 0xff00 ? QN_DATE_NONE : from - 10 + (qn_date_t)(b % 300);
        }
    }
    shuffle(&f, trips, n);

    qn_stay_period permits[MAX_PERMITS];
    size_t np = qn_fz_below(&f, MAX_PERMITS + 1);
    for (size_t k = 0; k < np; k++) {
        permits[k].from = on - 400 + (qn_date_t)qn_fz_below(&f, 500);
        permits[k].to = permits[k].from - 5 + (qn_date_t)qn_fz_below(&f, 400);
    }
    uint8_t v = qn_fz_u8(&f);
    qn_date_t visa = v < 128 ? QN_DATE_NONE : on - 100 + (qn_date_t)qn_fz_u8(&f);

    qn_stay_input in;
    qn_stay_input_init(&in);
    in.citizenship = cz;
    in.on = on;
    in.trips = trips;
    in.n_trips = n;
    in.permits = permits;
    in.n_permits = np;
    in.visa_until = visa;

    qn_stay_result out;
    qn_err err;
    qn_code rc = qn_stay_compute(&in, &out, &err);
    if (rc != QN_OK) {
        QN_FZ_ASSERT(rc == QN_E_INVALID || rc == QN_E_TOO_LARGE);
        QN_FZ_ASSERT(err.code == rc && err.message[0] != '\0');
        /* stay.h says "*out is left zeroed"; stay.c leaves the empty result
         * (QN_DATE_NONE sentinels, -1 unknowns): check that nothing is set */
        QN_FZ_ASSERT(out.days_used == 0 && out.overstay_days == 0 && out.excess_days == 0);
        QN_FZ_ASSERT(out.current_entry == QN_DATE_NONE && out.last_lawful_day == QN_DATE_NONE);
        QN_FZ_ASSERT(out.first_breach == QN_DATE_NONE && !out.is_present && !out.permit_required);
        bool permits_ok = true;
        for (size_t k = 0; k < np; k++)
            permits_ok = permits_ok && permits[k].from <= permits[k].to;
        /* a valid history is never refused (only the citizenship or a reversed permit may be) */
        if (mode == 0 && permits_ok && qn_regime_code_is_valid(cz)) {
            fprintf(stderr, "valid history refused: %s\n", err.message);
            QN_FZ_ASSERT(!"valid history refused");
        }
        return 0;
    }

    dump(&in, &out);
    const qn_regime *reg = &out.regime;
    QN_FZ_ASSERT(reg->name != NULL && reg->window_days == 180);
    QN_FZ_ASSERT(out.window_start == on - (reg->window_days - 1));
    QN_FZ_ASSERT(out.days_used >= 0 && out.days_used <= reg->window_days);
    if (reg->cap_days > 0) {
        int left = reg->cap_days - out.days_used;
        QN_FZ_ASSERT(out.days_left == (left > 0 ? left : 0));
        QN_FZ_ASSERT(out.excess_days == (left < 0 ? -left : 0));
        QN_FZ_ASSERT(out.days_used == ref_days_used(&in, reg));
    } else {
        QN_FZ_ASSERT(out.days_left == -1 && out.excess_days == 0);
    }
    QN_FZ_ASSERT(out.limited_by != NULL);
    QN_FZ_ASSERT(strcmp(out.limited_by, "per_entry") == 0 || strcmp(out.limited_by, "rolling_cap") == 0 ||
                 strcmp(out.limited_by, "visa") == 0 || strcmp(out.limited_by, "unknown") == 0 ||
                 strcmp(out.limited_by, "permit") == 0 || /* not listed in stay.h, set by stay.c */
                 strcmp(out.limited_by, "none") == 0);
    QN_FZ_ASSERT(out.overstay_days >= 0);

    if (n == 0) {
        QN_FZ_ASSERT(out.current_entry == QN_DATE_NONE && !out.is_present);
        QN_FZ_ASSERT(out.overstay_days == 0);
        return 0;
    }
    const qn_trip *latest = &trips[0];
    for (size_t k = 1; k < n; k++) {
        /* trips entering on the same day (exit and re-entry that day): the later exit is the latest */
        qn_date_t xk = trips[k].exit == QN_DATE_NONE ? INT32_MAX : trips[k].exit;
        qn_date_t xl = latest->exit == QN_DATE_NONE ? INT32_MAX : latest->exit;
        if (trips[k].entry > latest->entry || (trips[k].entry == latest->entry && xk > xl))
            latest = &trips[k];
    }
    QN_FZ_ASSERT(out.current_entry == latest->entry);
    bool present = latest->exit == QN_DATE_NONE || latest->exit >= on;
    QN_FZ_ASSERT(out.is_present == present);
    qn_date_t stay_end = present ? on : latest->exit;

    if (out.last_lawful_day != QN_DATE_NONE) {
        QN_FZ_ASSERT(out.days_allowed_this_entry == out.last_lawful_day - out.current_entry + 1);
        QN_FZ_ASSERT(out.days_allowed_this_entry >= 0);
        if (stay_end <= out.last_lawful_day) {
            QN_FZ_ASSERT(out.overstay_days == 0);
        } else {
            QN_FZ_ASSERT(out.overstay_days > 0);
            qn_date_t from = out.last_lawful_day + 1 > latest->entry ? out.last_lawful_day + 1 : latest->entry;
            QN_FZ_ASSERT(out.overstay_days == stay_end - from + 1);
        }
        if (present)
            QN_FZ_ASSERT(out.last_lawful_day >= on || out.overstay_days > 0);
    } else {
        QN_FZ_ASSERT(out.days_allowed_this_entry == -1);
    }
    if (out.overstay_days > 0)
        QN_FZ_ASSERT(out.first_breach != QN_DATE_NONE && out.first_breach <= stay_end);
    if (out.first_breach != QN_DATE_NONE)
        QN_FZ_ASSERT(out.first_breach <= on);

    /* the order of the trips does not matter */
    shuffle(&f, trips, n);
    qn_stay_result again;
    QN_FZ_ASSERT(qn_stay_compute(&in, &again, &err) == QN_OK);
    QN_FZ_ASSERT(same_result(&out, &again));
    return 0;
}
