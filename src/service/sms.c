/* sms.c — the embedded SMS gateway (see sms.h): a message goes to the
 * store's outbox table, and one line (phone masked, no text: the text holds
 * the code) goes to stderr for the operator's log.
 */
#include "service/sms.h"

#include <stdio.h>
#include <string.h>

#include "service/signing_internal.h"

static qn_code outbox_send(void *state, qn_svc_ctx *ctx, const char *phone, const char *text,
                           qn_err *e)
{
    (void)state;
    qn_store_sms m;
    memset(&m, 0, sizeof m);
    if (strlen(phone) > QN_STORE_PHONE_MAX || strlen(text) > QN_STORE_TEXT_MAX)
        return qn_err_set(e, QN_E_INVALID, "phone or message too long for the outbox");
    snprintf(m.phone, sizeof m.phone, "%s", phone);
    snprintf(m.text, sizeof m.text, "%s", text);
    m.created_at = ctx->now;
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc == QN_OK)
        rc = qn_store_sms_enqueue(c.conn, &m, e);
    qn_svc_release(ctx, &c);
    if (rc == QN_OK) {
        size_t n = strlen(phone);
        fprintf(stderr, "sms: outbox message %lld queued for %.*s***%s\n", (long long)m.id,
                (int)(n > 8 ? 5 : 0), phone, n > 8 ? phone + n - 4 : "");
    }
    return rc;
}

static const qn_sms_gateway outbox_gateway = {"outbox", NULL, outbox_send};

const qn_sms_gateway *qn_sms_gateway_outbox(void) { return &outbox_gateway; }
