/* sms_redact.c — removing the text of outbox messages once it is useless
 * (branch apps, issue 5): a one-time code's SMS holds the code in clear, so
 * after the code has expired the service replaces the text (see
 * service/otp_service.c and docs/signatures.md). One UPDATE, the same SQL on
 * both backends; like the outbox's sent marks it is not audited (operational,
 * no business meaning).
 */
#include <stdio.h>
#include <string.h>

#include "store/store_internal.h"

qn_code qn_store_sms_redact_before(qn_store_conn *c, int64_t created_before, const char *prefix,
                                   const char *replacement, int64_t *changed, qn_err *err)
{
    static const char *const sql = "UPDATE sms_outbox SET message = CAST($3 AS TEXT) WHERE created_at < $1 "
                                   "AND substr(message, 1, length(CAST($2 AS TEXT))) = CAST($2 AS TEXT) "
                                   "AND message <> CAST($3 AS TEXT)";
    if (changed != NULL)
        *changed = 0;
    qn_code rc = qs_check_str(err, "prefix", prefix, QN_STORE_TEXT_MAX, true);
    if (rc == QN_OK)
        rc = qs_check_str(err, "replacement", replacement, QN_STORE_TEXT_MAX, true);
    if (rc != QN_OK)
        return rc;
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, created_before);
    qs_text(&q, 2, prefix);
    qs_text(&q, 3, replacement);
    rc = qs_run(&q, err);
    if (rc == QN_OK && changed != NULL)
        *changed = q.changes;
    qs_done(&q);
    return qs_wend(c, own, rc, err);
}
