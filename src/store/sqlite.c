/* sqlite.c — the SQLite driver of the store.
 *
 * One sqlite3 handle per pool slot, opened without SQLite's own mutexes (a
 * connection is used by one thread at a time). Every connection sets
 * journal_mode=WAL (readers never block the writer), synchronous=FULL (a
 * commit is on disk when it returns, also across power loss), foreign_keys=ON
 * and a busy timeout. Writers start with BEGIN IMMEDIATE so two writers
 * queue on the lock instead of failing on upgrade. The shared SQL uses $N
 * parameters; they are rewritten to ?N once, when the statement is first
 * prepared and cached on the connection (keyed by the SQL text's address).
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "store/store_internal.h"

static qn_code map_error(sqlite3 *db, int rc, qn_err *err)
{
    const char *msg = db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    int ext = db != NULL ? sqlite3_extended_errcode(db) : rc;
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
        if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
            qn_err_sub(err, "duplicate");
            return qn_err_set(err, QN_E_CONFLICT, "already exists (%s)", msg);
        }
        if (ext == SQLITE_CONSTRAINT_FOREIGNKEY) {
            qn_err_sub(err, "reference");
            return qn_err_set(err, QN_E_INVALID, "refers to a record that does not exist (%s)", msg);
        }
        qn_err_sub(err, "constraint");
        return qn_err_set(err, QN_E_INVALID, "violates a rule of the database (%s)", msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return qn_err_set(err, QN_E_UNAVAILABLE, "database is busy: %s", msg);
    case SQLITE_NOMEM:
        return qn_err_set(err, QN_E_NOMEM, "out of memory in SQLite");
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
        return qn_err_set(err, QN_E_UNAVAILABLE, "database unavailable: %s", msg);
    case SQLITE_TOOBIG:
        return qn_err_set(err, QN_E_TOO_LARGE, "value too large for the database: %s", msg);
    default:
        return qn_err_set(err, QN_E_INTERNAL, "SQLite: %s", msg);
    }
}

/* Puts the database in WAL mode (persistent, so usually already so).
 * Switching a new database from its rollback journal to WAL needs an
 * exclusive lock, and SQLite answers SQLITE_BUSY at once, without calling
 * the busy handler, when two connections that both read the file try it
 * together (the handler would deadlock them). So the switch is retried here,
 * a few milliseconds apart, for up to timeout_ms. *msg as sqlite3_exec's. */
static int set_wal(sqlite3 *db, int timeout_ms, char **msg)
{
    int rc = SQLITE_BUSY;
    for (int waited = 0;; waited += 5) {
        sqlite3_free(*msg);
        *msg = NULL;
        rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, msg);
        if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
            return rc;
        if (waited >= timeout_ms)
            return rc;
        sqlite3_sleep(5);
    }
}

/* The busy handler: SQLite's own (sqlite3_busy_timeout) sleeps 1, 2, 5,
 * 10 ... 100 ms between tries, so a writer that finds the lock taken by a
 * commit of a millisecond may sleep tens of milliseconds. The writers of
 * one server queue on the service's write lock instead (service.c), so this
 * is for the others: the checkpointer, a second process on the same file
 * (`qonaq migrate`, the CLI). It tries again after 50 us, doubling up to
 * 1 ms, until the store's busy timeout has been slept. */
static int busy_wait(void *arg, int tries)
{
    const qn_store *s = arg;
    /* Try n sleeps 50 << n us for n < 5 (50 ... 800, 1550 in all), then 1 ms. */
    long step = tries < 5 ? 50L << tries : 1000L;
    long slept_us = tries < 5 ? 50L * ((1L << tries) - 1) : 1550L + 1000L * (tries - 5);
    if (slept_us >= (long)s->opt.busy_timeout_ms * 1000L)
        return 0;
    struct timespec ts = {0, step * 1000L};
    nanosleep(&ts, NULL);
    return 1;
}

/* Process-wide SQLite settings, before the library's first use. Memory
 * statistics are off: with them on (the default) every sqlite3_malloc and
 * free takes a global mutex to count, and nothing here reads the counts
 * (sqlite3_memory_used). A write of a notification allocates some hundred
 * times. If the library was initialised already (by another user in the
 * process) the call is refused and the default stays: harmless. */
static void sl_configure(void) { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

static qn_code sl_connect(qn_store_conn *c, qn_err *err)
{
    static pthread_once_t configured = PTHREAD_ONCE_INIT;
    pthread_once(&configured, sl_configure);
    sqlite3 *db = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(c->store->target, &db, flags, NULL);
    if (rc != SQLITE_OK) {
        qn_err_set(err, QN_E_UNAVAILABLE, "cannot open SQLite database %s: %s", c->store->target,
                   db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return QN_E_UNAVAILABLE;
    }
    /* A larger lookaside (the per-connection pool SQLite serves small
     * allocations from without malloc): 1,000 slots of 512 bytes, against
     * the default 123 of 1,200 bytes that a statement with a RETURNING row
     * and its bindings soon exhausts. */
    (void)sqlite3_db_config(db, SQLITE_DBCONFIG_LOOKASIDE, NULL, 512, 1000);
    sqlite3_busy_handler(db, busy_wait, c->store);
    sqlite3_extended_result_codes(db, 1);
    c->db = db;
    qs_cache_clear(&c->cache, NULL);
    char *msg = NULL;
    rc = set_wal(db, c->store->opt.busy_timeout_ms, &msg);
    if (rc == SQLITE_OK) {
        static const char *const pragmas = "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA "
                                           "temp_store=MEMORY; PRAGMA wal_autocheckpoint=20000; "
                                           "PRAGMA trusted_schema=OFF;";
        rc = sqlite3_exec(db, pragmas, NULL, NULL, &msg);
    }
    if (rc != SQLITE_OK) {
        qn_err_set(err, QN_E_UNAVAILABLE, "cannot configure SQLite database %s: %s", c->store->target,
                   msg != NULL ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        sqlite3_close(db);
        c->db = NULL;
        return QN_E_UNAVAILABLE;
    }
    return QN_OK;
}

static void finalize(void *handle) { sqlite3_finalize(handle); }

static void sl_disconnect(qn_store_conn *c)
{
    qs_cache_clear(&c->cache, finalize);
    sqlite3_close(c->db);
    c->db = NULL;
}

static bool sl_alive(qn_store_conn *c) { return c->db != NULL; }

static qn_code sl_script(qn_store_conn *c, const char *sql, qn_err *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
    sqlite3_free(msg);
    if (rc != SQLITE_OK)
        return map_error(c->db, rc, err);
    return QN_OK;
}

/* Rewrites $N to ?N outside quoted text. out has room for strlen(sql)+1. */
static void rewrite_params(const char *sql, char *out)
{
    char quote = 0;
    for (; *sql != '\0'; sql++) {
        char ch = *sql;
        if (quote != 0) {
            if (ch == quote)
                quote = 0;
        } else if (ch == '\'' || ch == '"') {
            quote = ch;
        } else if (ch == '$' && sql[1] >= '0' && sql[1] <= '9') {
            ch = '?';
        }
        *out++ = ch;
    }
    *out = '\0';
}

/* The statements of a QS_INSERTED query (store_internal.h), cached under the
 * query's text with modes of their own: the insert without its
 * " RETURNING *", and the read-back of the new row by its rowid. */
enum { SL_INSERT = QS_INSERTED, SL_READ_BACK = QS_INSERTED + 1 };

static const char returning_all[] = " RETURNING *";
static const char insert_into[] = "INSERT INTO ";

/* The text SQLite prepares for q->sql in mode, malloc'd (NULL with err set).
 * $N parameters become ?N. */
static char *statement_text(const qs_q *q, int mode, qn_err *err)
{
    static const char explain[] = "EXPLAIN QUERY PLAN ";
    const char *sql = q->sql;
    size_t len = strlen(sql);
    if (mode == SL_INSERT || mode == SL_READ_BACK) {
        size_t nr = sizeof returning_all - 1, ni = sizeof insert_into - 1;
        if (len <= ni + nr || strncmp(sql, insert_into, ni) != 0 || strcmp(sql + len - nr, returning_all) != 0) {
            qn_err_set(err, QN_E_INTERNAL, "not an INSERT INTO ... RETURNING *: %.60s", sql);
            return NULL;
        }
        if (mode == SL_READ_BACK) {
            size_t nt = strcspn(sql + ni, " (");
            char *text = malloc(nt + 64);
            if (text == NULL)
                qn_err_set(err, QN_E_NOMEM, "out of memory");
            else
                snprintf(text, nt + 64, "SELECT * FROM %.*s WHERE rowid = ?1", (int)nt, sql + ni);
            return text;
        }
        len -= nr;
    }
    size_t pre = mode == QS_EXPLAIN ? sizeof explain - 1 : 0;
    char *text = malloc(pre + len + 1);
    if (text == NULL) {
        qn_err_set(err, QN_E_NOMEM, "out of memory");
        return NULL;
    }
    memcpy(text, explain, pre);
    memcpy(text + pre, sql, len);
    text[pre + len] = '\0';
    rewrite_params(text + pre, text + pre); /* in place: it never lengthens */
    return text;
}

/* q's statement in mode, prepared on first use and cached for the life of
 * the connection. QS_LOCK is PostgreSQL's: BEGIN IMMEDIATE already
 * serialises SQLite's writers, so the plain statement serves it. */
static sqlite3_stmt *prepared(qs_q *q, int mode, qn_err *err)
{
    qn_store_conn *c = q->c;
    if (mode == QS_LOCK)
        mode = QS_PLAIN;
    sqlite3_stmt *st = qs_cache_find(&c->cache, q->sql, mode);
    if (st != NULL)
        return st;
    char *text = statement_text(q, mode, err);
    if (text == NULL)
        return NULL;
    int rc = sqlite3_prepare_v3(c->db, text, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    free(text);
    if (rc != SQLITE_OK) {
        map_error(c->db, rc, err);
        return NULL;
    }
    if (qs_cache_put(&c->cache, q->sql, mode, st, err) != QN_OK) {
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

static bool bind_params(const qs_q *q, sqlite3_stmt *st, qn_err *err)
{
    for (int i = 0; i < q->nparams; i++) {
        const qs_param *p = &q->p[i];
        int rc = SQLITE_OK;
        switch (p->type) {
        case QS_NULL:
            rc = sqlite3_bind_null(st, i + 1);
            break;
        case QS_INT:
            rc = sqlite3_bind_int64(st, i + 1, p->i);
            break;
        case QS_TEXT:
            rc = sqlite3_bind_text(st, i + 1, p->s, -1, SQLITE_STATIC);
            break;
        case QS_BLOB:
            rc = sqlite3_bind_blob64(st, i + 1, p->b, p->len, SQLITE_STATIC);
            break;
        }
        if (rc != SQLITE_OK) {
            map_error(q->c->db, rc, err);
            return false;
        }
    }
    return true;
}

/* QS_INSERTED: runs the insert (bound in q->st), then points q->st at the
 * read-back of the row it made, so that stepping q reads that row as
 * RETURNING * would have returned it (no row when nothing was inserted). */
static bool insert_then_read_back(qs_q *q, qn_err *err)
{
    sqlite3 *db = q->c->db;
    sqlite3_stmt *ins = q->st;
    int rc = sqlite3_step(ins);
    if (rc != SQLITE_DONE) {
        map_error(db, rc, err);
        sqlite3_reset(ins);
        return false;
    }
    q->changes = sqlite3_changes64(db);
    sqlite3_int64 rowid = sqlite3_last_insert_rowid(db);
    sqlite3_reset(ins);
    sqlite3_clear_bindings(ins);
    sqlite3_stmt *back = prepared(q, SL_READ_BACK, err);
    if (back == NULL)
        return false;
    q->st = back;
    rc = q->changes > 0 ? sqlite3_bind_int64(back, 1, rowid) : sqlite3_bind_null(back, 1);
    if (rc != SQLITE_OK) {
        map_error(db, rc, err);
        return false;
    }
    return true;
}

static int sl_step(qs_q *q, qn_err *err)
{
    sqlite3 *db = q->c->db;
    if (!q->started) {
        sqlite3_stmt *st = prepared(q, q->mode == QS_INSERTED ? SL_INSERT : q->mode, err);
        if (st == NULL)
            return -1;
        q->st = st;
        q->started = true;
        if (!bind_params(q, st, err) || (q->mode == QS_INSERTED && !insert_then_read_back(q, err)))
            return -1;
    }
    int rc = sqlite3_step(q->st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE) {
        if (q->mode != QS_INSERTED) /* the read-back's: the insert's count stays */
            q->changes = sqlite3_changes64(db);
        return 0;
    }
    map_error(db, rc, err);
    sqlite3_reset(q->st);
    return -1;
}

static void sl_finish(qs_q *q)
{
    if (q->st != NULL) {
        sqlite3_reset(q->st);
        sqlite3_clear_bindings(q->st);
    }
}

static bool sl_col_null(qs_q *q, int col) { return sqlite3_column_type(q->st, col) == SQLITE_NULL; }

static int64_t sl_col_int(qs_q *q, int col) { return sqlite3_column_int64(q->st, col); }

static const char *sl_col_text(qs_q *q, int col)
{
    const unsigned char *t = sqlite3_column_text(q->st, col);
    return t != NULL ? (const char *)t : "";
}

static qn_code sl_col_blob(qs_q *q, int col, unsigned char **out, size_t *len, qn_err *err)
{
    const void *b = sqlite3_column_blob(q->st, col);
    int n = sqlite3_column_bytes(q->st, col);
    *out = malloc(n > 0 ? (size_t)n : 1);
    if (*out == NULL)
        return qn_err_set(err, QN_E_NOMEM, "out of memory");
    if (n > 0)
        memcpy(*out, b, (size_t)n);
    *len = (size_t)n;
    return QN_OK;
}

static int sl_col_count(qs_q *q) { return sqlite3_column_count(q->st); }

static const char *sl_col_name(qs_q *q, int col) { return sqlite3_column_name(q->st, col); }

const qs_driver qs_sqlite_driver = {
    .name = "sqlite",
    .connect = sl_connect,
    .disconnect = sl_disconnect,
    .alive = sl_alive,
    .script = sl_script,
    .step = sl_step,
    .finish = sl_finish,
    .col_null = sl_col_null,
    .col_int = sl_col_int,
    .col_text = sl_col_text,
    .col_blob = sl_col_blob,
    .col_count = sl_col_count,
    .col_name = sl_col_name,
    .begin_sql = "BEGIN IMMEDIATE",
    .migrate_lock_sql = NULL,
    .has_schema_sql = "SELECT CASE WHEN EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' "
                      "AND name = 'schema_version') THEN 1 ELSE 0 END",
};
