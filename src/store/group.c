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
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Back to synchronous=FULL after a group begun deferred; a connection that
 * cannot be set back is closed rather than handed out with the weaker
 * setting. */
static void sync_restore(qn_store_conn *c)
{
    if (!c->sync_deferred)
        return;
    c->sync_deferred = false;
    qn_err local;
    qn_err_clear(&local);
    if (c->broken || qs_script(c, "PRAGMA synchronous=FULL", &local) != QN_OK)
        c->broken = true;
}

qn_code qn_store_group_begin_deferred(qn_store_conn *c, bool *deferred, qn_err *err)
{
    *deferred = false;
    if (c->drv == &qs_sqlite_driver && !c->in_tx) {
        /* SQLite refuses to change the setting inside a transaction: it is
         * set for the connection before BEGIN and back after COMMIT. */
        qn_code rc = qs_ready(c, err);
        if (rc == QN_OK)
            rc = qs_script(c, "PRAGMA synchronous=NORMAL", err);
        if (rc != QN_OK)
            return rc;
        c->sync_deferred = true;
    }
    qn_code rc = qn_store_group_begin(c, err);
    if (rc != QN_OK)
        sync_restore(c);
    else
        *deferred = c->sync_deferred;
    return rc;
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
        sync_restore(c);
        return qn_err_set(err, QN_E_INTERNAL, "group committed with a savepoint open; rolled back");
    }
    qn_code rc = c->tx_failed ? qn_err_set(err, QN_E_INTERNAL, "the group's transaction failed")
                              : qs_audit_bulk_end(c, err);
    if (rc != QN_OK) {
        qs_audit_bulk_abort(c);
        qn_store_rollback(c);
        sync_restore(c);
        return rc;
    }
    rc = qn_store_commit(c, err);
    sync_restore(c);
    return rc;
}

/* The WAL of the store's file: its path is the database's with "-wal". */
static qn_code wal_open(qn_store *s, const struct stat *st, const char *path, qn_err *err)
{
    if (s->wal_fd >= 0)
        close(s->wal_fd);
    s->wal_fd = open(path, O_RDONLY | O_CLOEXEC);
    if (s->wal_fd < 0)
        return qn_err_set(err, QN_E_UNAVAILABLE, "cannot open the WAL %s: %s", path, strerror(errno));
    s->wal_dev = st->st_dev;
    s->wal_ino = st->st_ino;
    /* A new WAL file is durable only with its directory entry (SQLite
     * syncs the directory at a WAL's first sync in FULL mode). */
    char dir[QN_STORE_URL_MAX + 8];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd) != 0) {
        int e = errno;
        if (dfd >= 0)
            close(dfd);
        close(s->wal_fd);
        s->wal_fd = -1;
        return qn_err_set(err, QN_E_UNAVAILABLE, "cannot sync the directory %s: %s", dir, strerror(e));
    }
    close(dfd);
    return QN_OK;
}

qn_code qn_store_wal_sync(qn_store *s, qn_err *err)
{
    if (s->drv != &qs_sqlite_driver || strcmp(s->target, ":memory:") == 0)
        return QN_OK;
    char path[QN_STORE_URL_MAX + 8];
    snprintf(path, sizeof path, "%s-wal", s->target);
    pthread_mutex_lock(&s->wal_mu);
    qn_code rc = QN_OK;
    struct stat st;
    /* Linux flushes a file's data through any descriptor of it. The file
     * is checked by inode each time: SQLite keeps the WAL while any
     * connection is open, but a restart of the WAL by a later version, or
     * an operator's hand, could replace it. */
    if (stat(path, &st) != 0)
        rc = qn_err_set(err, QN_E_UNAVAILABLE, "cannot find the WAL %s: %s", path, strerror(errno));
    else if (s->wal_fd < 0 || st.st_dev != s->wal_dev || st.st_ino != s->wal_ino)
        rc = wal_open(s, &st, path, err);
    if (rc == QN_OK && fdatasync(s->wal_fd) != 0)
        rc = qn_err_set(err, QN_E_UNAVAILABLE, "cannot flush the WAL %s: %s", path, strerror(errno));
    pthread_mutex_unlock(&s->wal_mu);
    return rc;
}

void qn_store_group_abort(qn_store_conn *c)
{
    c->in_group = false;
    c->in_savepoint = false;
    qs_audit_bulk_abort(c);
    qn_store_rollback(c);
    sync_restore(c);
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
    if (!c->in_tx || c->in_savepoint)
        return qn_err_set(err, QN_E_INTERNAL, "savepoint outside a transaction or nested");
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
