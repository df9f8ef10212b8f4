/* idem.c — idempotency keys for submissions.
 *
 * A submission carries a client key (per account). The service claims the
 * key inside its transaction, does the work, stores the response with
 * qn_store_idem_finish and commits: the record and the key commit together
 * or not at all, so nothing is recorded twice. The claim is
 * INSERT ... ON CONFLICT DO NOTHING followed by a SELECT: on PostgreSQL a
 * concurrent claimer of the same key blocks on the first one's uncommitted
 * row until it commits (then sees it, a replay) or rolls back (then
 * inserts); on SQLite writers are already serialized by BEGIN IMMEDIATE.
 *
 * Keys are kept for a retention (qn_store_options.idem_retention_days,
 * default 7 days) and then pruned by qn_store_idem_prune, which the service
 * runs with its other housekeeping; the index idempotency_created serves it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "store/store_internal.h"

qn_code qn_store_idem_claim(qn_store_conn *c, int64_t account_id, const char *key,
                            const unsigned char body_digest[QN_STORE_DIGEST_LEN],
                            qn_store_idem *out, qn_err *err)
{
    static const char *const ins =
        "INSERT INTO idempotency (account_id, key, body_digest, status, response, created_at) "
        "VALUES ($1, $2, $3, NULL, NULL, $4) ON CONFLICT (account_id, key) DO NOTHING";
    static const char *const sel = "SELECT body_digest, COALESCE(status, 0), response "
                                   "FROM idempotency WHERE account_id = $1 AND key = $2";
    memset(out, 0, sizeof *out);
    qn_code rc = qs_check_str(err, "idempotency_key", key, QN_STORE_KEY_MAX, true);
    if (rc != QN_OK)
        return rc;
    if (!c->in_tx)
        return qn_err_set(err, QN_E_INTERNAL, "qn_store_idem_claim needs an open transaction");
    if (c->tx_failed)
        return qn_err_set(err, QN_E_INTERNAL, "the transaction already failed");
    char digest_hex[65];
    qs_hex(body_digest, QN_STORE_DIGEST_LEN, digest_hex);

    qs_q q;
    qs_init(&q, c, ins);
    qs_int(&q, 1, account_id);
    qs_text(&q, 2, key);
    qs_text(&q, 3, digest_hex);
    qs_int(&q, 4, qs_now());
    rc = qs_run(&q, err);
    bool inserted = q.changes > 0;
    qs_done(&q);
    if (rc == QN_OK && !inserted) {
        qs_init(&q, c, sel);
        qs_int(&q, 1, account_id);
        qs_text(&q, 2, key);
        rc = qs_one(&q, "idempotency key", err);
        if (rc == QN_OK) {
            if (strcmp(qs_get_text(&q, 0), digest_hex) != 0) {
                rc = qn_err_set(err, QN_E_CONFLICT,
                                "idempotency key \"%.64s\" was already used with a different "
                                "request body",
                                key);
                qn_err_sub(err, "idempotency_mismatch");
            } else if (qs_get_null(&q, 2)) {
                /* Claimed in this very transaction and not finished: a bug of the caller. */
                rc = qn_err_set(err, QN_E_CONFLICT,
                                "idempotency key \"%.64s\" is being processed", key);
                qn_err_sub(err, "idempotency_in_progress");
            } else {
                out->replay = true;
                out->status = (int)qs_get_int(&q, 1);
                rc = qs_get_strdup(&q, 2, &out->body, err);
            }
        }
        qs_done(&q);
    }
    if (rc != QN_OK)
        c->tx_failed = true;
    return rc;
}

qn_code qn_store_idem_finish(qn_store_conn *c, int64_t account_id, const char *key, int status,
                             const char *body, qn_err *err)
{
    static const char *const sql = "UPDATE idempotency SET status = $3, response = $4 "
                                   "WHERE account_id = $1 AND key = $2 AND status IS NULL";
    qn_code rc = qs_check_str(err, "idempotency_key", key, QN_STORE_KEY_MAX, true);
    if (rc != QN_OK)
        return rc;
    if (!c->in_tx)
        return qn_err_set(err, QN_E_INTERNAL, "qn_store_idem_finish needs an open transaction");
    if (body != NULL && strnlen(body, QN_STORE_JSON_MAX + 1) > QN_STORE_JSON_MAX)
        return qs_too_large(err, "response", QN_STORE_JSON_MAX);
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, account_id);
    qs_text(&q, 2, key);
    qs_int(&q, 3, status);
    qs_text(&q, 4, body != NULL ? body : "");
    rc = qs_run(&q, err);
    if (rc == QN_OK && q.changes == 0)
        rc = qn_err_set(err, QN_E_INTERNAL, "idempotency key \"%.64s\" was not claimed", key);
    qs_done(&q);
    if (rc != QN_OK)
        c->tx_failed = true;
    return rc;
}

qn_code qn_store_idem_prune(qn_store_conn *c, int64_t now, int64_t *n, qn_err *err)
{
    static const char *const sql = "DELETE FROM idempotency WHERE created_at < $1";
    int64_t keep = (int64_t)c->store->opt.idem_retention_days * 86400;
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, (now != 0 ? now : qs_now()) - keep);
    qn_code rc = qs_run(&q, err);
    if (n != NULL)
        *n = rc == QN_OK ? q.changes : 0;
    qs_done(&q);
    return rc;
}

void qn_store_idem_clear(qn_store_idem *r)
{
    if (r == NULL)
        return;
    free(r->body);
    r->body = NULL;
}
