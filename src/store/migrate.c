/* migrate.c — schema migrations: numbered SQL per backend, applied in order.
 *
 * The migrations are compiled in (build/.../gen/schema_sql.c, generated from
 * src/store/schema/{sqlite,pg}/NNN_*.sql), so the binary needs no files at
 * run time. The table schema_version records each applied version. Each
 * migration runs in its own transaction together with its schema_version
 * row, so a crash leaves the database at a whole version. Two processes
 * migrating at once are serialized (SQLite's write lock, PostgreSQL's
 * advisory lock) and the loser sees the version already applied. A database
 * whose version is newer than this binary knows is refused, untouched.
 */
#include <stdio.h>

#include "store/store_internal.h"

static void known(const qs_driver *drv, const qs_migration **list, size_t *count)
{
    if (drv == &qs_pg_driver) {
        *list = qs_pg_migrations;
        *count = qs_pg_migrations_count;
    } else {
        *list = qs_sqlite_migrations;
        *count = qs_sqlite_migrations_count;
    }
}

static qn_code current_version(qn_store_conn *c, int *version, qn_err *err)
{
    *version = 0;
    qs_q q;
    qs_init(&q, c, c->drv->has_schema_sql);
    qn_code rc = qs_one(&q, "schema probe", err);
    bool has = rc == QN_OK && qs_get_int(&q, 0) != 0;
    qs_done(&q);
    if (rc != QN_OK || !has)
        return rc;
    static const char *const sql = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
    qs_init(&q, c, sql);
    rc = qs_one(&q, "schema version", err);
    if (rc == QN_OK)
        *version = (int)qs_get_int(&q, 0);
    qs_done(&q);
    return rc;
}

qn_code qn_store_schema_version(qn_store_conn *c, int *version, qn_err *err)
{
    return current_version(c, version, err);
}

static qn_code too_new(int version, qn_err *err)
{
    qn_err_set(err, QN_E_INTERNAL,
               "the database schema is version %d but this qonaq knows only up to version %d; "
               "use a newer qonaq (the database was not changed)",
               version, QN_STORE_SCHEMA_VERSION);
    qn_err_sub(err, "schema_too_new");
    return QN_E_INTERNAL;
}

static qn_code apply_one(qn_store_conn *c, const qs_migration *m, qn_err *err)
{
    qn_code rc = qn_store_begin(c, err);
    if (rc != QN_OK)
        return rc;
    if (c->drv->migrate_lock_sql != NULL)
        rc = qs_script(c, c->drv->migrate_lock_sql, err);
    int now_version = 0;
    if (rc == QN_OK)
        rc = current_version(c, &now_version, err);
    if (rc == QN_OK && now_version >= m->version) {
        qn_store_rollback(c); /* another process applied it meanwhile */
        return QN_OK;
    }
    if (rc == QN_OK)
        rc = qs_script(c, m->sql, err);
    if (rc == QN_OK) {
        static const char *const ins =
            "INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)";
        qs_q q;
        qs_init(&q, c, ins);
        qs_int(&q, 1, m->version);
        qs_text(&q, 2, m->name);
        qs_int(&q, 3, qs_now());
        rc = qs_run(&q, err);
        qs_done(&q);
    }
    if (rc != QN_OK) {
        qn_store_rollback(c);
        char msg[sizeof err->message];
        snprintf(msg, sizeof msg, "%s", err != NULL ? err->message : "");
        return qn_err_set(err, rc, "migration %s failed: %s", m->name, msg);
    }
    return qn_store_commit(c, err);
}

qn_code qs_migrate_conn(qn_store_conn *c, bool apply, int *from, int *to, qn_err *err)
{
    const qs_migration *list;
    size_t count;
    known(c->drv, &list, &count);
    int version = 0;
    qn_code rc = current_version(c, &version, err);
    if (rc != QN_OK)
        return rc;
    if (from != NULL)
        *from = version;
    if (to != NULL)
        *to = version;
    if (version > QN_STORE_SCHEMA_VERSION)
        return too_new(version, err);
    if (!apply) {
        if (version < QN_STORE_SCHEMA_VERSION) {
            qn_err_set(err, QN_E_INTERNAL,
                       "the database schema is version %d, this qonaq needs %d: run qonaq migrate",
                       version, QN_STORE_SCHEMA_VERSION);
            qn_err_sub(err, "schema_too_old");
            return QN_E_INTERNAL;
        }
        return QN_OK;
    }
    int target = c->store->opt.migrate_to > 0 ? c->store->opt.migrate_to : QN_STORE_SCHEMA_VERSION;
    for (size_t i = 0; i < count; i++) {
        if (list[i].version <= version || list[i].version > target)
            continue;
        rc = apply_one(c, &list[i], err);
        if (rc != QN_OK)
            return rc;
    }
    rc = current_version(c, &version, err);
    if (rc == QN_OK && version > QN_STORE_SCHEMA_VERSION)
        return too_new(version, err);
    if (to != NULL)
        *to = version;
    return rc;
}

qn_code qn_store_migrate(const char *url, int *from, int *to, qn_err *err)
{
    qn_store_options opt = {.pool_size = 1};
    qn_store *s = NULL;
    qn_code rc = qn_store_open(url, &opt, &s, err);
    if (rc != QN_OK)
        return rc;
    if (from != NULL)
        *from = s->schema_from;
    if (to != NULL)
        *to = s->schema_to;
    qn_store_close(s);
    return QN_OK;
}
