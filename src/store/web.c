/* web.c — what the web portal's services keep in the store (migration
 * 008_web): failed checks on the public document verification page, per
 * client address, for the rate limit of service/documents.h. Shared SQL for
 * both backends ($n parameters, see query.c).
 */
#include "store/store.h"
#include "store/store_internal.h"

qn_code qn_store_verify_failure_add(qn_store_conn *c, const char *address, int64_t at, int64_t prune_before,
                                    qn_err *err)
{
    static const char *const prune = "DELETE FROM doc_verify_failures WHERE at < $1";
    static const char *const ins = "INSERT INTO doc_verify_failures (address, at) VALUES ($1, $2)";
    qn_code rc = qs_check_str(err, "address", address, QN_STORE_NAME_MAX, false);
    if (rc != QN_OK)
        return rc;
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, prune);
    qs_int(&q, 1, prune_before);
    rc = qs_run(&q, err);
    qs_done(&q);
    if (rc == QN_OK) {
        qs_init(&q, c, ins);
        qs_text(&q, 1, address != NULL ? address : "");
        qs_int(&q, 2, at != 0 ? at : qs_now());
        rc = qs_run(&q, err);
        qs_done(&q);
    }
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_verify_failures(qn_store_conn *c, const char *address, int64_t since, int64_t *count,
                                 qn_err *err)
{
    static const char *const sql = "SELECT COUNT(*) FROM doc_verify_failures WHERE address = $1 AND at >= $2";
    *count = 0;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, address != NULL ? address : "");
    qs_int(&q, 2, since);
    qn_code rc = qs_one(&q, "verification failures", err);
    if (rc == QN_OK)
        *count = qs_get_int(&q, 0);
    qs_done(&q);
    return rc;
}
