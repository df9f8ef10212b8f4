/* conn.c — the pool of connections, transactions, and yearly numbers.
 *
 * A qn_store holds pool_size connection slots guarded by one mutex and a
 * condition variable; a slot is connected the first time it is handed out
 * and reconnected when found broken (a lost PostgreSQL connection). Write
 * operations call qs_wbegin/qs_wend: outside a caller's transaction they run
 * in their own, inside one they join it and a failure marks it failed so
 * that commit refuses (nothing half-written can be committed).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "store/store_internal.h"

int64_t qs_now(void) { return (int64_t)time(NULL); }

int qs_year_kz(int64_t at)
{
    int y = 0;
    qn_date_to_ymd(qn_date_from_epoch_kz(at), &y, NULL, NULL);
    return y;
}

static qn_code parse_url(const char *url, qn_store *s, qn_err *err)
{
    if (url == NULL || url[0] == '\0')
        url = "sqlite:var/qonaq.db";
    if (strlen(url) > QN_STORE_URL_MAX)
        return qn_err_set(err, QN_E_INVALID, "database URL is longer than %d characters", QN_STORE_URL_MAX);
    snprintf(s->url, sizeof s->url, "%s", url);
    if (strncmp(url, "sqlite:", 7) == 0) {
        s->drv = &qs_sqlite_driver;
        snprintf(s->target, sizeof s->target, "%s", url + 7);
        if (s->target[0] == '\0')
            return qn_err_set(err, QN_E_INVALID, "database URL %s names no file", url);
        return QN_OK;
    }
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0 ||
        strncmp(url, "postgresql:", 11) == 0) {
        s->drv = &qs_pg_driver;
        if (strncmp(url, "postgresql:", 11) == 0 && url[11] != '/')
            snprintf(s->target, sizeof s->target, "%s", url + 11); /* keyword=value form */
        else
            snprintf(s->target, sizeof s->target, "%s", url);
        return QN_OK;
    }
    return qn_err_set(err, QN_E_INVALID,
                      "database URL must start with sqlite: or postgresql:// (got \"%.40s\")", url);
}

qn_code qn_store_open(const char *url, const qn_store_options *opt, qn_store **out, qn_err *err)
{
    *out = NULL;
    qn_store *s = calloc(1, sizeof *s);
    if (s == NULL)
        return qn_err_set(err, QN_E_NOMEM, "out of memory");
    qn_code rc = parse_url(url, s, err);
    if (rc != QN_OK) {
        free(s);
        return rc;
    }
    if (opt != NULL)
        s->opt = *opt;
    if (s->opt.pool_size <= 0)
        s->opt.pool_size = 8;
    if (s->opt.pool_size > 256)
        s->opt.pool_size = 256;
    if (s->opt.busy_timeout_ms <= 0)
        s->opt.busy_timeout_ms = 5000;
    if (s->opt.idem_retention_days <= 0)
        s->opt.idem_retention_days = QN_STORE_IDEM_RETENTION_DAYS;
    if (s->opt.migrate_to < 0 || s->opt.migrate_to > QN_STORE_SCHEMA_VERSION)
        s->opt.migrate_to = 0;
    if (s->drv == &qs_sqlite_driver && strcmp(s->target, ":memory:") == 0)
        s->opt.pool_size = 1;
    s->conns = calloc((size_t)s->opt.pool_size, sizeof *s->conns);
    if (s->conns == NULL) {
        free(s);
        return qn_err_set(err, QN_E_NOMEM, "out of memory");
    }
    s->nconns = s->opt.pool_size;
    for (int i = 0; i < s->nconns; i++) {
        s->conns[i].store = s;
        s->conns[i].drv = s->drv;
    }
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    pthread_mutex_init(&s->wal_mu, NULL);
    s->wal_fd = -1;

    qn_store_conn *c = &s->conns[0];
    rc = qs_ready(c, err);
    if (rc == QN_OK)
        rc = qs_migrate_conn(c, !s->opt.no_migrate, &s->schema_from, &s->schema_to, err);
    if (rc != QN_OK) {
        qn_store_close(s);
        return rc;
    }
    *out = s;
    return QN_OK;
}

void qn_store_close(qn_store *s)
{
    if (s == NULL)
        return;
    for (int i = 0; i < s->nconns; i++) {
        if (s->conns[i].db != NULL) {
            if (s->conns[i].in_tx)
                qn_store_rollback(&s->conns[i]);
            s->drv->disconnect(&s->conns[i]);
        }
        qs_audit_pending_free(&s->conns[i]);
    }
    if (s->wal_fd >= 0)
        close(s->wal_fd);
    pthread_mutex_destroy(&s->wal_mu);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s->conns);
    free(s);
}

const char *qn_store_backend(const qn_store *s) { return s->drv->name; }

qn_code qs_ready(qn_store_conn *c, qn_err *err)
{
    if (c->db != NULL && !c->broken)
        return QN_OK;
    if (c->db != NULL) {
        c->drv->disconnect(c);
        c->db = NULL;
    }
    c->broken = false;
    c->in_tx = c->tx_failed = false;
    c->audit_bulk = false;
    c->npend = 0;
    qn_code rc = c->drv->connect(c, err);
    if (rc != QN_OK) {
        c->db = NULL;
        c->broken = true;
    }
    return rc;
}

qn_code qn_store_acquire(qn_store *s, qn_store_conn **out, qn_err *err)
{
    *out = NULL;
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += s->opt.busy_timeout_ms / 1000;
    deadline.tv_nsec += (long)(s->opt.busy_timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->mu);
    qn_store_conn *c = NULL;
    for (;;) {
        /* Prefer a connected free slot, then any free slot. */
        for (int i = 0; i < s->nconns && c == NULL; i++)
            if (!s->conns[i].in_use && s->conns[i].db != NULL)
                c = &s->conns[i];
        for (int i = 0; i < s->nconns && c == NULL; i++)
            if (!s->conns[i].in_use)
                c = &s->conns[i];
        if (c != NULL)
            break;
        if (pthread_cond_timedwait(&s->cv, &s->mu, &deadline) == ETIMEDOUT) {
            pthread_mutex_unlock(&s->mu);
            return qn_err_set(err, QN_E_UNAVAILABLE, "all %d database connections are busy", s->nconns);
        }
    }
    c->in_use = true;
    pthread_mutex_unlock(&s->mu);

    if (c->db != NULL && !c->broken && !c->drv->alive(c))
        c->broken = true;
    qn_code rc = qs_ready(c, err);
    if (rc != QN_OK) {
        pthread_mutex_lock(&s->mu);
        c->in_use = false;
        pthread_cond_signal(&s->cv);
        pthread_mutex_unlock(&s->mu);
        return rc;
    }
    qn_store_set_actor(c, 0, "system");
    *out = c;
    return QN_OK;
}

void qn_store_release(qn_store_conn *c)
{
    if (c == NULL)
        return;
    if (c->in_tx)
        qn_store_rollback(c);
    qn_store *s = c->store;
    pthread_mutex_lock(&s->mu);
    c->in_use = false;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

void qn_store_set_actor(qn_store_conn *c, int64_t account_id, const char *label)
{
    c->actor_id = account_id;
    snprintf(c->actor, sizeof c->actor, "%s", label != NULL ? label : "");
}

qn_code qs_script(qn_store_conn *c, const char *sql, qn_err *err)
{
    qn_code rc = c->drv->script(c, sql, err);
    if (rc != QN_OK && c->in_tx)
        c->tx_failed = true;
    return rc;
}

qn_code qn_store_begin(qn_store_conn *c, qn_err *err)
{
    if (c->in_tx)
        return qn_err_set(err, QN_E_CONFLICT, "a transaction is already open on this connection");
    qn_code rc = qs_ready(c, err);
    if (rc != QN_OK)
        return rc;
    rc = qs_script(c, c->drv->begin_sql, err);
    if (rc != QN_OK)
        return rc;
    c->in_tx = true;
    c->tx_failed = false;
    c->in_savepoint = false;
    return QN_OK;
}

qn_code qn_store_commit(qn_store_conn *c, qn_err *err)
{
    if (!c->in_tx)
        return qn_err_set(err, QN_E_INTERNAL, "commit without a transaction");
    if (c->tx_failed) {
        qn_store_rollback(c);
        qn_err_sub(err, "tx_failed");
        return qn_err_set(err, QN_E_INTERNAL,
                          "transaction already failed; it was rolled back, nothing was written");
    }
    if (c->audit_bulk) { /* the audit head kept in memory (audit.c) goes back first */
        qn_code hrc = qs_audit_bulk_end(c, err);
        if (hrc != QN_OK) {
            qn_store_rollback(c);
            return hrc;
        }
    }
    qn_code rc = qs_script(c, "COMMIT", err);
    c->in_tx = false;
    c->tx_failed = false;
    c->in_savepoint = false;
    if (rc == QN_OK)
        atomic_fetch_add_explicit(&c->store->commits, 1, memory_order_relaxed);
    if (rc != QN_OK) {
        qn_err local;
        qn_err_clear(&local);
        if (c->db != NULL && !c->broken)
            qs_script(c, "ROLLBACK", &local);
        bool doomed = err != NULL && strcmp(err->sub, "tx_failed") == 0;
        if (rc != QN_E_UNAVAILABLE && rc != QN_E_CONFLICT && !doomed)
            rc = qn_err_set(err, QN_E_UNAVAILABLE, "commit failed: %s", err ? err->message : "");
    }
    return rc;
}

void qn_store_rollback(qn_store_conn *c)
{
    c->audit_bulk = false;
    c->npend = 0;
    if (!c->in_tx)
        return;
    qn_err local;
    qn_err_clear(&local);
    if (c->db != NULL && !c->broken)
        qs_script(c, "ROLLBACK", &local);
    c->in_tx = false;
    c->tx_failed = false;
    c->in_savepoint = false;
}

bool qn_store_in_tx(const qn_store_conn *c) { return c->in_tx; }

qn_code qs_wbegin(qn_store_conn *c, bool *own, qn_err *err)
{
    *own = false;
    if (c->in_tx) {
        if (c->tx_failed)
            return qn_err_set(err, QN_E_INTERNAL, "the transaction already failed; roll it back first");
        return QN_OK;
    }
    qn_code rc = qn_store_begin(c, err);
    if (rc == QN_OK)
        *own = true;
    return rc;
}

qn_code qs_wend(qn_store_conn *c, bool own, qn_code rc, qn_err *err)
{
    if (!own) {
        if (rc != QN_OK && c->in_tx)
            c->tx_failed = true;
        return rc;
    }
    if (rc != QN_OK) {
        qn_store_rollback(c);
        return rc;
    }
    return qn_store_commit(c, err);
}

qn_code qs_next_number(qn_store_conn *c, const char *prefix, int64_t at, char *out, size_t cap, qn_err *err)
{
    static const char *const sql =
        "INSERT INTO counters (name, year, value) VALUES ($1, $2, 1) "
        "ON CONFLICT (name, year) DO UPDATE SET value = counters.value + 1 RETURNING value";
    int year = qs_year_kz(at);
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, prefix);
    qs_int(&q, 2, year);
    qn_code rc = qs_one(&q, "counter", err);
    if (rc == QN_OK)
        snprintf(out, cap, "%s-%04d-%06lld", prefix, year, (long long)qs_get_int(&q, 0));
    qs_done(&q);
    return rc;
}

qn_code qn_store_fresh_url(const char *base_url, const char *dir, char *out, size_t cap, qn_err *err)
{
    if (base_url != NULL && strncmp(base_url, "postgres", 8) == 0)
        return qs_pg_fresh_url(base_url, out, cap, err);
    if (dir == NULL) {
        snprintf(out, cap, "sqlite::memory:");
        return QN_OK;
    }
    char path[QN_STORE_URL_MAX];
    int n = snprintf(path, sizeof path, "%s/qn-XXXXXX.db", dir);
    if (n < 0 || (size_t)n >= sizeof path)
        return qn_err_set(err, QN_E_INVALID, "directory name too long");
    int fd = mkstemps(path, 3);
    if (fd < 0)
        return qn_err_set(err, QN_E_UNAVAILABLE, "cannot create a database file in %s", dir);
    close(fd);
    n = snprintf(out, cap, "sqlite:%s", path);
    if (n < 0 || (size_t)n >= cap)
        return qn_err_set(err, QN_E_INVALID, "URL buffer too small");
    return QN_OK;
}

qn_code qs_reserve_numbers(qn_store_conn *c, const char *prefix, int year, int64_t k, int64_t *first,
                           qn_err *err)
{
    static const char *const sql =
        "INSERT INTO counters (name, year, value) VALUES ($1, $2, $3) "
        "ON CONFLICT (name, year) DO UPDATE SET value = counters.value + $3 RETURNING value";
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, prefix);
    qs_int(&q, 2, year);
    qs_int(&q, 3, k);
    qn_code rc = qs_one(&q, "counter", err);
    if (rc == QN_OK)
        *first = qs_get_int(&q, 0) - k + 1;
    qs_done(&q);
    return rc;
}

int64_t qn_store_commit_count(qn_store *store)
{
    return atomic_load_explicit(&store->commits, memory_order_relaxed);
}
