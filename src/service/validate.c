/* validate.c — a notification checked without being recorded (see
 * portal.h): the portal's form sends what has been typed so far and shows
 * the API's own field errors next to the fields, so the page never keeps a
 * second copy of the rules. Only hosts may ask, as only hosts may submit.
 */
#include "service/portal.h"

qn_code qn_svc_notification_validate(qn_svc_ctx *ctx, const qn_notification_in *in,
                                     qn_notification_out *preview, qn_err *e)
{
    if (!qn_role_is_host(ctx->who->role))
        return qn_err_set(e, QN_E_FORBIDDEN, "only hosts notify arrivals");
    return qn_svc_notification_check(ctx, in, preview, e);
}
