/* fuzz_date.c — libFuzzer target for qn_date_parse (src/core/date.h).
 *
 * The input bytes are the text to parse, copied into a heap buffer of exactly
 * their length (no NUL), so reading one byte too far is an ASan report.
 * Invariants: a failure gives a reason; a success gives a date whose
 * formatted text is the input itself (the format is exactly YYYY-MM-DD),
 * whose year is 1900..2100, which qn_date_from_ymd rebuilds, and whose
 * weekday is 1..7; the NUL-terminated entry point agrees with the
 * length-bounded one. The date is also pushed through add_months and the
 * Kazakhstan epoch conversions, which must round-trip.
 */
#include "core/date.h"
#include "fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64)
        return 0;
    char *s = malloc(size ? size : 1);
    if (!s)
        return 0;
    memcpy(s, data, size);

    qn_date_t d = 12345;
    const char *reason = NULL;
    bool ok = qn_date_parse(s, size, &d, &reason);
    if (!ok) {
        QN_FZ_ASSERT(reason != NULL && reason[0] != '\0');
    } else {
        char buf[QN_DATE_STRLEN];
        qn_date_format(d, buf);
        QN_FZ_ASSERT(size == 10 && memcmp(buf, s, 10) == 0);
        int y, m, dd;
        qn_date_to_ymd(d, &y, &m, &dd);
        QN_FZ_ASSERT(y >= QN_DATE_MIN_YEAR && y <= QN_DATE_MAX_YEAR);
        QN_FZ_ASSERT(m >= 1 && m <= 12 && dd >= 1 && dd <= qn_date_days_in_month(y, m));
        qn_date_t again;
        QN_FZ_ASSERT(qn_date_from_ymd(y, m, dd, &again) && again == d);
        int wd = qn_date_weekday(d);
        QN_FZ_ASSERT(wd >= 1 && wd <= 7);
        QN_FZ_ASSERT(qn_date_is_weekend(d) == (wd >= 6));
        QN_FZ_ASSERT(d != QN_DATE_NONE);

        /* months arithmetic: the day is clamped, never past the month's end */
        for (int k = -24; k <= 24; k += 7) {
            qn_date_t a = qn_date_add_months(d, k);
            int ay, am, ad;
            qn_date_to_ymd(a, &ay, &am, &ad);
            QN_FZ_ASSERT((ay * 12 + am - 1) == (y * 12 + m - 1 + k));
            QN_FZ_ASSERT(ad >= 1 && ad <= dd && ad <= qn_date_days_in_month(ay, am));
        }

        /* the last second of the day in Kazakhstan is on that day, the next one is not */
        int64_t end = qn_date_end_epoch_kz(d);
        QN_FZ_ASSERT(qn_date_from_epoch_kz(end) == d);
        QN_FZ_ASSERT(qn_date_from_epoch_kz(end + 1) == d + 1);
        int32_t off = qn_kz_utc_offset(end);
        QN_FZ_ASSERT(off == 5 * 3600 || off == 6 * 3600);
    }

    /* the C-string entry point agrees when the input has no NUL inside */
    if (memchr(s, '\0', size) == NULL) {
        char *z = malloc(size + 1);
        if (z) {
            memcpy(z, s, size);
            z[size] = '\0';
            qn_date_t d2 = 0;
            const char *r2 = NULL;
            bool ok2 = qn_date_parse_cstr(z, &d2, &r2);
            QN_FZ_ASSERT(ok2 == ok);
            if (ok)
                QN_FZ_ASSERT(d2 == d);
            free(z);
        }
    }
    free(s);
    return 0;
}
