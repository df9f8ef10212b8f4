/* sms.h — the pluggable SMS gateway through which one-time codes leave qonaq.
 *
 * A gateway is a struct of function pointers plus its own state. The service
 * calls send() once per code, after the code's record is committed, with the
 * phone (E.164) and the text. The embedded default (qn_sms_gateway_outbox)
 * writes the message to the store's SMS outbox table, from which a separate
 * sender (or an operator, GET /api/v1/admin/outbox) reads it, and logs one
 * line to stderr without the code. A real gateway (an operator's HTTP API)
 * is installed with qn_svc_set_sms_gateway before the server starts.
 */
#ifndef QN_SERVICE_SMS_H
#define QN_SERVICE_SMS_H

#include "core/error.h"
#include "service/service.h"

typedef struct qn_sms_gateway {
    const char *name; /* for logs: "outbox", "kcell-http", ... */
    void *state;      /* the gateway's own data; owned by whoever installs it */
    /* Delivers text to phone. ctx is the service call that issued the code
     * (its store and principal). Must be thread-safe. Errors:
     * QN_E_UNAVAILABLE when the gateway cannot take the message now. */
    qn_code (*send)(void *state, qn_svc_ctx *ctx, const char *phone, const char *text,
                    qn_err *e);
} qn_sms_gateway;

/* The embedded default: the store's outbox table plus a log line. */
const qn_sms_gateway *qn_sms_gateway_outbox(void);

/* Installs a gateway (copied; gw->state must outlive the service); NULL
 * restores the default. Not concurrent with requests: call before serving. */
void qn_svc_set_sms_gateway(qn_service *svc, const qn_sms_gateway *gw);

#endif
