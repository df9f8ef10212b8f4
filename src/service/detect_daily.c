/* detect_daily.c — the daily detection thread of `qonaq serve` (see
 * detect_daily.h). The thread sleeps on a condition variable until the next
 * run or a stop; each run takes its own service context as the system
 * principal, exactly as `qonaq violations detect` does.
 */
#include "service/detect_daily.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "service/violations.h"

struct qn_detect_daily {
    qn_service *svc;
    int hh, mm;
    bool run_now;
    bool stop;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
};

int64_t qn_detect_daily_next(int64_t now, int hh, int mm)
{
    /* The local day of now, at hh:mm local; the offset is the one in force
     * then (Kazakhstan has no daylight saving; the 2024 zone change is a
     * single step). */
    qn_date_t day = qn_date_from_epoch_kz(now);
    for (int k = 0; k < 3; k++) {
        int64_t local_midnight = (int64_t)(day + k) * 86400;
        int64_t guess = local_midnight + hh * 3600 + mm * 60;
        int64_t at = guess - qn_kz_utc_offset(guess - qn_kz_utc_offset(guess));
        if (at > now)
            return at;
    }
    return now + 86400; /* not reached */
}

qn_code qn_detect_daily_run(qn_service *svc, qn_err *e)
{
    qn_principal system = {0};
    snprintf(system.username, sizeof system.username, "system");
    qn_svc_ctx ctx;
    qn_svc_ctx_system(&ctx, svc, &system);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    qn_detect_report r;
    qn_code rc = qn_svc_violations_detect(&ctx, QN_DATE_NONE, &r, e);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
    char d[QN_DATE_STRLEN];
    if (rc == QN_OK)
        fprintf(stderr,
                "{\"level\":\"info\",\"msg\":\"detection run\",\"on\":\"%s\",\"missing_created\":%zu,"
                "\"missing_known\":%zu,\"superseded\":%zu,\"overstay_created\":%zu,\"overstay_known\":%zu,"
                "\"overstay_reassessed\":%zu,\"entries_checked\":%zu,\"ms\":%ld}\n",
                qn_date_format(r.on, d), r.missing_created, r.missing_known, r.superseded, r.overstay_created,
                r.overstay_known, r.overstay_updated, r.entries_checked, ms);
    else
        fprintf(stderr, "{\"level\":\"error\",\"msg\":\"detection failed\",\"error\":\"%s\",\"ms\":%ld}\n",
                e ? qn_code_name(e->code) : qn_code_name(rc), ms);
    fflush(stderr);
    return rc;
}

static void *loop(void *arg)
{
    qn_detect_daily *d = arg;
    pthread_mutex_lock(&d->mu);
    bool first = d->run_now;
    while (!d->stop) {
        if (!first) {
            int64_t at = qn_detect_daily_next((int64_t)time(NULL), d->hh, d->mm);
            struct timespec ts = {(time_t)at, 0};
            while (!d->stop && time(NULL) < (time_t)at) {
                int rc = pthread_cond_timedwait(&d->cv, &d->mu, &ts);
                if (rc != 0 && rc != ETIMEDOUT && rc != EINTR)
                    break;
            }
            if (d->stop)
                break;
        }
        first = false;
        pthread_mutex_unlock(&d->mu);
        qn_err e;
        qn_err_clear(&e);
        qn_detect_daily_run(d->svc, &e);
        pthread_mutex_lock(&d->mu);
    }
    pthread_mutex_unlock(&d->mu);
    return NULL;
}

qn_code qn_detect_daily_start(qn_service *svc, int hh, int mm, bool run_now, qn_detect_daily **out, qn_err *e)
{
    *out = NULL;
    if (hh < 0 || hh > 23 || mm < 0 || mm > 59)
        return qn_err_field(e, "detect_at", "must be HH:MM, 00:00 to 23:59");
    qn_detect_daily *d = calloc(1, sizeof *d);
    if (!d)
        return qn_err_set(e, QN_E_NOMEM, "out of memory");
    d->svc = svc;
    d->hh = hh;
    d->mm = mm;
    d->run_now = run_now;
    pthread_mutex_init(&d->mu, NULL);
    pthread_cond_init(&d->cv, NULL); /* CLOCK_REALTIME: the timed wait is until a wall-clock instant */
    if (pthread_create(&d->thread, NULL, loop, d) != 0) {
        pthread_cond_destroy(&d->cv);
        pthread_mutex_destroy(&d->mu);
        free(d);
        return qn_err_set(e, QN_E_INTERNAL, "cannot start the detection thread");
    }
    *out = d;
    return QN_OK;
}

void qn_detect_daily_stop(qn_detect_daily *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->mu);
    d->stop = true;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->mu);
    pthread_join(d->thread, NULL);
    pthread_cond_destroy(&d->cv);
    pthread_mutex_destroy(&d->mu);
    free(d);
}
