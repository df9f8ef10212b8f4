/* group.c — group commit: many requests' writes in one transaction.
 *
 * A committer (src/service/committer.c) opens one transaction, runs each
 * queued request inside a savepoint and commits once, so the flush that
 * makes a commit durable (fsync of the SQLite WAL, the PostgreSQL WAL
 * flush) is paid once per group instead of once per request. A request
 * whose write fails is rolled back to its savepoint alone.
 *
 * The audit chain runs in the store's bulk mode for the whole group: the
 * head row is read (and, on PostgreSQL, locked) at begin, each event is
 * chained in memory, and the head is written back once before COMMIT. The
 * head as it was at a savepoint is saved with it, so rolling back a request
 * also rewinds the chain: the committed events have consecutive seq numbers
 * and hashes that link, in the order the requests were written.
 *
 * Savepoint statements are prepared once per connection (SQLite; the same
 * text through the driver on PostgreSQL) since a group runs three of them
 * per request.
 */
#include "store/store_internal.h"

qn_code qn_store_acquire_prefer(qn_store *s, qn_store_conn *prefer, qn_store_conn **out, qn_err *err)
{
    *out = NULL;
    bool taken = false;
    if (prefer != NULL && prefer->store == s) {
        pthread_mutex_lock(&s->mu);
        taken = !prefer->in_use && prefer->db != NULL && !prefer->broken;
        if (taken)
            prefer->in_use = true;
        pthread_mutex_unlock(&s->mu);
    }
    if (!taken)
        return qn_store_acquire(s, out, err);
    if (!prefer->drv->alive(prefer))
        prefer->broken = true;
    qn_code rc = qs_ready(prefer, err);
    if (rc != QN_OK) {
        qn_store_release(prefer);
        return rc;
    }
    qn_store_set_actor(prefer, 0, "system");
    *out = prefer;
    return QN_OK;
}

qn_code qn_store_checkpoint(qn_store_conn *c, qn_err *err)
{
    if (c->drv != &qs_sqlite_driver)
        return QN_OK;
    qn_code rc = qs_ready(c, err);
    if (rc != QN_OK)
        return rc;
    return qs_script(c, "PRAGMA wal_checkpoint(PASSIVE)", err);
}

qn_code qn_store_group_begin(qn_store_conn *c, qn_err *err)
{
    qn_code rc = qn_store_begin(c, err);
    if (rc != QN_OK)
        return rc;
    rc = qs_audit_bulk_begin(c, err);
    if (rc != QN_OK) {
        qn_store_rollback(c);
        return rc;
    }
    c->in_group = true;
    c->in_savepoint = false;
    return QN_OK;
}

qn_code qn_store_group_commit(qn_store_conn *c, qn_err *err)
{
    if (!c->in_group)
        return qn_err_set(err, QN_E_INTERNAL, "group commit without a group");
    c->in_group = false;
    if (c->in_savepoint) {
        c->in_savepoint = false;
        qs_audit_bulk_abort(c);
        qn_store_rollback(c);
        return qn_err_set(err, QN_E_INTERNAL, "group committed with a savepoint open; rolled back");
    }
    qn_code rc = c->tx_failed ? qn_err_set(err, QN_E_INTERNAL, "the group's transaction failed")
                              : qs_audit_bulk_end(c, err);
    if (rc != QN_OK) {
        qs_audit_bulk_abort(c);
        qn_store_rollback(c);
        return rc;
    }
    return qn_store_commit(c, err);
}

void qn_store_group_abort(qn_store_conn *c)
{
    c->in_group = false;
    c->in_savepoint = false;
    qs_audit_bulk_abort(c);
    qn_store_rollback(c);
}

/* Runs one of the savepoint statements (a static string: prepared once). */
static qn_code sp_run(qn_store_conn *c, const char *sql, qn_err *err)
{
    qs_q q;
    qs_init(&q, c, sql);
    qn_code rc = qs_run(&q, err);
    qs_done(&q);
    return rc;
}

qn_code qn_store_savepoint(qn_store_conn *c, qn_err *err)
{
    static const char *const sql = "SAVEPOINT qs_req";
    if (!c->in_group || c->in_savepoint)
        return qn_err_set(err, QN_E_INTERNAL, "savepoint outside a group or nested");
    qn_code rc = sp_run(c, sql, err);
    if (rc != QN_OK)
        return rc;
    c->in_savepoint = true;
    c->sp_audit_seq = c->audit_seq;
    memcpy(c->sp_audit_prev, c->audit_prev, sizeof c->sp_audit_prev);
    return QN_OK;
}

qn_code qn_store_savepoint_release(qn_store_conn *c, qn_err *err)
{
    static const char *const sql = "RELEASE SAVEPOINT qs_req";
    if (!c->in_savepoint)
        return qn_err_set(err, QN_E_INTERNAL, "no savepoint to release");
    if (c->tx_failed)
        return qn_err_set(err, QN_E_INTERNAL, "an operation failed in the savepoint: roll it back");
    c->in_savepoint = false;
    return sp_run(c, sql, err);
}

qn_code qn_store_savepoint_rollback(qn_store_conn *c, qn_err *err)
{
    static const char *const undo = "ROLLBACK TO SAVEPOINT qs_req";
    static const char *const release = "RELEASE SAVEPOINT qs_req";
    if (!c->in_savepoint)
        return qn_err_set(err, QN_E_INTERNAL, "no savepoint to roll back");
    c->in_savepoint = false;
    c->audit_seq = c->sp_audit_seq;
    memcpy(c->audit_prev, c->sp_audit_prev, sizeof c->audit_prev);
    c->tx_failed = false;
    if (c->broken)
        return qn_err_set(err, QN_E_UNAVAILABLE, "database connection lost");
    qn_code rc = sp_run(c, undo, err);
    if (rc == QN_OK)
        rc = sp_run(c, release, err);
    if (rc != QN_OK)
        c->tx_failed = true;
    return rc;
}
