/* portal.h — service calls the web portal needs beside the use cases of the
 * other headers: checking a notification as it is typed, notifications per
 * day for the analysts' chart, and the signatures of a case with their
 * verification today for the officer's case page.
 *
 * Each call decides who may make it, like every service call; none writes.
 * Thread-safe.
 */
#ifndef QN_SERVICE_PORTAL_H
#define QN_SERVICE_PORTAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "service/notification.h"
#include "service/service.h"

/* validate.c — the rules of qn_svc_notification_submit without writing
 * anything (the form's validate-as-you-type, POST
 * /api/v1/notifications/validate). Who: the three host roles (403 for
 * others). Errors: QN_E_INVALID with the same field errors a submission
 * would get. On QN_OK, preview holds the deadline, on_time and warnings. */
qn_code qn_svc_notification_validate(qn_svc_ctx *ctx, const qn_notification_in *in,
                                     qn_notification_out *preview, qn_err *e);

/* stats_daily.c — notifications per day of arrival in [from, to] (both
 * required, at most QN_STATS_DAILY_MAX_DAYS days), all regions for an
 * analyst, the region for an officer (403 for others). days[i] counts the
 * arrivals of from + i (total and late); *n_days = to - from + 1. Grouped
 * by the database (qn_store_notification_counts by day), so every
 * notification of the range counts; `truncated` is kept for the API's shape
 * and is always false (366 days are fewer than the store's 1000 groups).
 * Errors: 403, 422 (fields "from", "to": missing, reversed, too long). */
#define QN_STATS_DAILY_MAX_DAYS 366
typedef struct {
    int64_t total, late;
} qn_stats_day;
typedef struct {
    qn_date_t from, to;
    size_t n_days;
    qn_stats_day days[QN_STATS_DAILY_MAX_DAYS];
    bool truncated;
    char scope[17]; /* "all" or the officer's region */
} qn_stats_daily;
qn_code qn_svc_notification_stats_daily(qn_svc_ctx *ctx, qn_date_t from, qn_date_t to, qn_stats_daily *out,
                                        qn_err *e);

/* app_signatures.c — the signatures of an application (the applicant's and
 * every consent's), each checked again now against today's trust (a
 * certificate revoked since shows as revoked). Who: an officer or senior
 * officer of the application's region (another region: 404, like the
 * case; other roles 403). Free with qn_app_signatures_free. */
typedef struct {
    int64_t id;
    char kind[33];      /* "signature" (the application) or "consent" */
    char role[33];      /* applicant, owner, co_owner, representative, ... */
    char signer_id[13]; /* IIN or BIN stored with it */
    char subject_cn[256];
    char issuer[512];
    char serial[81];
    char key_type[16];
    int64_t signing_time; /* 0 when unknown (one-time code) */
    char method[8];       /* "eds" or "otp" */
    char stored[64];      /* the result recorded when it was accepted ("valid") */
    bool valid_now;       /* the check made now */
    char code_now[32];    /* "ok" or the refusal code (qn_sign_code_name) */
} qn_app_signature;
typedef struct {
    qn_app_signature *items;
    size_t count;
} qn_app_signature_list;
qn_code qn_svc_app_signatures(qn_svc_ctx *ctx, int64_t application_id, qn_app_signature_list *out, qn_err *e);
void qn_app_signatures_free(qn_app_signature_list *l);

#endif
