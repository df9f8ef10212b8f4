/* history.h — the History of Services: the caller's notices, newest first.
 * Every account may read its own history; nobody reads another's. */
#ifndef QN_SERVICE_HISTORY_H
#define QN_SERVICE_HISTORY_H

#include "service/service.h"

typedef struct {
    int64_t id;
    char kind[33];
    char ref[33];
    char *body; /* JSON text as recorded (malloc'd) */
    int64_t created_at;
} qn_notice_view;

typedef struct {
    qn_notice_view *items;
    size_t count;
    int64_t total;
} qn_history;

/* The caller's notices, page 1.., per_page 1..200. 401 when anonymous. */
qn_code qn_svc_history(qn_svc_ctx *ctx, int64_t page, int64_t per_page, qn_history *out, qn_err *e);
void qn_history_free(qn_history *h);

#endif
