/* bench_stay.c — stay computations per second for histories of 1, 10 and
 * 100 trips, compared with the cost of merely parsing the same trip strings
 * ("YYYY-MM-DD..YYYY-MM-DD") in the same run.
 *
 * Each measurement repeats its loop until at least 0.3 s of CLOCK_MONOTONIC
 * time has passed, then prints operations per second. The ratio line says
 * how many parses of the whole history one computation costs; a computation
 * that is O(n log n) in trips keeps that ratio roughly flat as n grows.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/stay.h"

#define MAX_TRIPS 100
#define MIN_SECONDS 0.3

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char texts[MAX_TRIPS][32];
static qn_trip trips[MAX_TRIPS];
static volatile long sink;

/* A history of n trips of 5..20 days with 10..40-day gaps, ending open. */
static qn_date_t make_history(int n)
{
    qn_date_t d;
    qn_date_from_ymd(2023, 2, 1, &d);
    unsigned seed = 7;
    for (int k = 0; k < n; k++) {
        seed = seed * 1103515245u + 12345u;
        qn_date_t len = 5 + (qn_date_t)((seed >> 16) % 16);
        char a[QN_DATE_STRLEN], b[QN_DATE_STRLEN];
        if (k == n - 1)
            snprintf(texts[k], sizeof texts[k], "%s..", qn_date_format(d, a));
        else
            snprintf(texts[k], sizeof texts[k], "%s..%s", qn_date_format(d, a), qn_date_format(d + len, b));
        d += len + 10 + (qn_date_t)((seed >> 8) % 31);
    }
    return d;
}

static int parse_all(int n)
{
    for (int k = 0; k < n; k++) {
        const char *t = texts[k];
        if (!qn_date_parse(t, 10, &trips[k].entry, NULL))
            return -1;
        if (t[12] == '\0')
            trips[k].exit = QN_DATE_NONE;
        else if (!qn_date_parse(t + 12, 10, &trips[k].exit, NULL))
            return -1;
    }
    return 0;
}

int main(void)
{
    static const int sizes[] = {1, 10, 100};
    printf("stay computation vs parsing the same trip strings (each >= %.1f s)\n", MIN_SECONDS);
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int n = sizes[s];
        qn_date_t on = make_history(n);

        long parses = 0;
        double t0 = now(), elapsed;
        do {
            for (int r = 0; r < 1000; r++) {
                if (parse_all(n) != 0) {
                    fprintf(stderr, "bench_stay: parse failed\n");
                    return 1;
                }
                parses++;
            }
            elapsed = now() - t0;
        } while (elapsed < MIN_SECONDS);
        double parse_rate = (double)parses / elapsed;

        qn_stay_input in;
        qn_stay_input_init(&in);
        in.citizenship = "DEU";
        in.on = on;
        in.trips = trips;
        in.n_trips = (size_t)n;
        qn_stay_result res;
        long computations = 0;
        t0 = now();
        do {
            for (int r = 0; r < 100; r++) {
                if (qn_stay_compute(&in, &res, NULL) != QN_OK) {
                    fprintf(stderr, "bench_stay: compute failed\n");
                    return 1;
                }
                sink += res.days_used;
                computations++;
            }
            elapsed = now() - t0;
        } while (elapsed < MIN_SECONDS);
        double compute_rate = (double)computations / elapsed;

        printf("trips=%3d  stay: %10.0f computations/s (%7.2f us each)  parse: %10.0f histories/s (%6.2f us)  "
               "ratio compute/parse: %.1fx\n",
               n, compute_rate, 1e6 / compute_rate, parse_rate, 1e6 / parse_rate, parse_rate / compute_rate);
    }
    return 0;
}
