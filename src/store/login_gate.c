/* login_gate.c — the atomic check-and-count of login attempts (migration
 * 006_notif, table login_gates).
 *
 * Counting failures and then recording the attempt in two steps let a burst
 * of concurrent bad logins all see "4 failures so far" and all try their
 * password (an audit found 6 answers of 401 before the first 429 with a
 * limit of 5). Here both steps run in one transaction that first locks a
 * gate row per username and per address: an upsert of the gate takes its
 * row lock on PostgreSQL (concurrent logins of one name wait for the first
 * to commit, across server instances), and SQLite has a single writer. The
 * attempt is recorded as failed before the password is checked, so an
 * attempt in flight counts; a good password then marks it a success. Gates
 * are locked username first, address second, always, so two logins cannot
 * wait for each other.
 */
#include <stdio.h>

#include "store/store_internal.h"

static qn_code touch_gate(qn_store_conn *c, const char *kind, const char *value, int64_t at, qn_err *err)
{
    static const char *const sql = "INSERT INTO login_gates (name, touched_at) VALUES ($1, $2) "
                                   "ON CONFLICT (name) DO UPDATE SET touched_at = excluded.touched_at";
    char name[QN_STORE_NAME_MAX + 8];
    snprintf(name, sizeof name, "%s:%s", kind, value != NULL ? value : "");
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, name);
    qs_int(&q, 2, at);
    qn_code rc = qs_run(&q, err);
    qs_done(&q);
    return rc;
}

qn_code qn_store_login_gate(qn_store_conn *c, const char *username, const char *address, int64_t since,
                            int64_t max_by_user, int64_t max_by_address, int64_t at, bool *admitted,
                            int64_t *attempt_id, int64_t *by_user, int64_t *by_address, qn_err *err)
{
    static const char *const count_sql =
        "SELECT (SELECT COUNT(*) FROM login_attempts WHERE username = $1 AND at >= $3 "
        "AND success = 0), (SELECT COUNT(*) FROM login_attempts WHERE address = $2 "
        "AND at >= $3 AND success = 0)";
    static const char *const add_sql =
        "INSERT INTO login_attempts (username, address, success, at) VALUES ($1, $2, 0, $3) "
        "RETURNING id";
    *admitted = false;
    *attempt_id = 0;
    qn_code rc = qs_check_str(err, "username", username, QN_STORE_USERNAME_MAX, false);
    if (rc == QN_OK)
        rc = qs_check_str(err, "address", address, QN_STORE_NAME_MAX, false);
    if (rc != QN_OK)
        return rc;
    if (at == 0)
        at = qs_now();
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    rc = touch_gate(c, "u", username, at, err);
    if (rc == QN_OK)
        rc = touch_gate(c, "a", address, at, err);
    int64_t nu = 0, na = 0;
    if (rc == QN_OK) {
        qs_q q;
        qs_init(&q, c, count_sql);
        qs_text(&q, 1, username != NULL ? username : "");
        qs_text(&q, 2, address != NULL ? address : "");
        qs_int(&q, 3, since);
        rc = qs_one(&q, "login attempts", err);
        if (rc == QN_OK) {
            nu = qs_get_int(&q, 0);
            na = qs_get_int(&q, 1);
        }
        qs_done(&q);
    }
    if (rc == QN_OK && nu < max_by_user && na < max_by_address) {
        qs_q q;
        qs_init(&q, c, add_sql);
        qs_text(&q, 1, username != NULL ? username : "");
        qs_text(&q, 2, address != NULL ? address : "");
        qs_int(&q, 3, at);
        rc = qs_one(&q, "login attempt", err);
        if (rc == QN_OK) {
            *attempt_id = qs_get_int(&q, 0);
            *admitted = true;
        }
        qs_done(&q);
    }
    if (by_user != NULL)
        *by_user = nu;
    if (by_address != NULL)
        *by_address = na;
    rc = qs_wend(c, own, rc, err);
    if (rc != QN_OK) {
        *admitted = false;
        *attempt_id = 0;
    }
    return rc;
}

qn_code qn_store_login_attempt_succeeded(qn_store_conn *c, int64_t attempt_id, qn_err *err)
{
    static const char *const sql = "UPDATE login_attempts SET success = 1 WHERE id = $1";
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, attempt_id);
    qn_code rc = qs_run(&q, err);
    int64_t changed = q.changes;
    qs_done(&q);
    if (rc == QN_OK && changed == 0)
        rc = qn_err_set(err, QN_E_NOT_FOUND, "no login attempt %lld", (long long)attempt_id);
    if (rc != QN_OK && c->in_tx)
        c->tx_failed = true;
    return rc;
}

qn_code qn_store_login_gate_prune(qn_store_conn *c, int64_t before, qn_err *err)
{
    static const char *const sql = "DELETE FROM login_gates WHERE touched_at < $1";
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, before);
    qn_code rc = qs_run(&q, err);
    qs_done(&q);
    return rc;
}
