/* decoders.h — the request decoders of the route handlers, callable
 * without a live request (the fuzz targets in tests/fuzz call them).
 *
 * Each decodes a parsed JSON body (or a query value) into the service
 * layer's typed input, recording every problem in d (json_in.h: a shape
 * error makes the answer 400, a value error 422). Strings returned are
 * borrowed from the JSON tree. The handler that owns each decoder calls it
 * and nothing else decodes that body. The notification decoder
 * (qn_h_decode_notification, also used per row by the JSON and CSV batch)
 * is in handlers.h.
 */
#ifndef QN_HTTP_DECODERS_H
#define QN_HTTP_DECODERS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/stay.h"
#include "http/json_in.h"
#include "service/application.h"
#include "service/crossing.h"

/* POST /api/v1/auth/login: {"username" 1..64, "password" 1..128} (http_auth.c). */
void qn_h_decode_login(qn_jin *d, const json_t *body, const char **user, const char **pass);

/* One border crossing, POST /api/v1/border/crossings (a row of the batch
 * form too; path names it) (http_border.c). */
void qn_h_decode_crossing(qn_jin *d, const json_t *obj, const char *path, qn_crossing_in *in);

/* POST /api/v1/applications: {"document", "signature"} (http_applications.c). */
void qn_h_decode_app_submit(qn_jin *d, const json_t *body, const char **doc, const char **sig);

/* The optional body of an application action (take, register, refuse,
 * uphold, overturn, appeal, withdraw): reason, text (grounds for an
 * appeal), invalid[] (at most QN_APP_MAX_MISSING names, stored in inv),
 * version (http_applications.c). */
void qn_h_decode_app_action(qn_jin *d, const json_t *body, qn_app_event ev, qn_app_action *a,
                            const char *inv[QN_APP_MAX_MISSING]);

/* The body of POST /api/v1/consents/{id}/sign (sign true: a signature or an
 * otp_id, not both) or /refuse (an optional text) (http_applications.c). */
typedef struct {
    long long otp_id;
    bool has_otp;
    const char *signature, *text;
} qn_h_consent_body;
void qn_h_decode_consent(qn_jin *d, const json_t *body, bool sign, qn_h_consent_body *out);

/* The trips query value of GET /api/v1/stay: "ENTRY..EXIT,ENTRY..", at
 * most max trips into trips; returns how many (http_stay.c). */
size_t qn_h_parse_trips(qn_jin *d, const char *s, qn_trip *trips, size_t max);

#endif
