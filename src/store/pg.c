/* pg.c — the PostgreSQL driver of the store (libpq).
 *
 * One PGconn per pool slot. Each shared SQL text is prepared server-side
 * once per connection under a generated name ("qs1", "qs2", ...) and run
 * with PQexecPrepared: parameters go as text (integers) or binary (bytea),
 * results come back as text. Transactions are READ COMMITTED; operations
 * that need more take row locks (audit head, counters) or use
 * INSERT ... ON CONFLICT. Sessions run with synchronous_commit=on, so a
 * COMMIT that returned is on the server's disk (and its synchronous
 * replicas, if configured).
 *
 * A lost connection (server restart, network) marks the slot broken and the
 * operation fails with QN_E_UNAVAILABLE ("database connection lost"); the
 * next acquire, or the next statement outside a transaction, reconnects.
 * Work inside a transaction that was open when the connection was lost is
 * never silently retried: the caller must start over.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store/store_internal.h"

static void quiet_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static qn_code map_result(qn_store_conn *c, PGresult *res, qn_err *err)
{
    PGconn *db = c->db;
    if (PQstatus(db) != CONNECTION_OK) {
        c->broken = true;
        return qn_err_set(err, QN_E_UNAVAILABLE, "database connection lost: %s",
                          PQerrorMessage(db));
    }
    const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *detail = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
    if (msg == NULL)
        msg = PQerrorMessage(db);
    if (detail == NULL)
        detail = "";
    if (state == NULL)
        return qn_err_set(err, QN_E_INTERNAL, "PostgreSQL: %s", msg);
    if (strcmp(state, "23505") == 0) {
        qn_err_sub(err, "duplicate");
        return qn_err_set(err, QN_E_CONFLICT, "already exists (%s %s)", msg, detail);
    }
    if (strcmp(state, "23503") == 0) {
        qn_err_sub(err, "reference");
        return qn_err_set(err, QN_E_INVALID, "refers to a record that does not exist (%s %s)",
                          msg, detail);
    }
    if (strncmp(state, "23", 2) == 0) {
        qn_err_sub(err, "constraint");
        return qn_err_set(err, QN_E_INVALID, "violates a rule of the database (%s)", msg);
    }
    if (strcmp(state, "22001") == 0)
        return qn_err_set(err, QN_E_TOO_LARGE, "value too long: %s", msg);
    if (strncmp(state, "22", 2) == 0)
        return qn_err_set(err, QN_E_INVALID, "invalid value: %s", msg);
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0) {
        qn_err_sub(err, "retry");
        return qn_err_set(err, QN_E_CONFLICT, "concurrent update, try again (%s)", msg);
    }
    if (strncmp(state, "08", 2) == 0 || strncmp(state, "57", 2) == 0 ||
        strcmp(state, "55P03") == 0 || strncmp(state, "53", 2) == 0) {
        if (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0)
            c->broken = true;
        return qn_err_set(err, QN_E_UNAVAILABLE, "database unavailable: %s", msg);
    }
    return qn_err_set(err, QN_E_INTERNAL, "PostgreSQL %s: %s", state, msg);
}

static qn_code pg_connect(qn_store_conn *c, qn_err *err)
{
    PGconn *db = PQconnectdb(c->store->target);
    if (db == NULL)
        return qn_err_set(err, QN_E_NOMEM, "out of memory");
    if (PQstatus(db) != CONNECTION_OK) {
        qn_err_set(err, QN_E_UNAVAILABLE, "cannot connect to PostgreSQL: %s", PQerrorMessage(db));
        PQfinish(db);
        return QN_E_UNAVAILABLE;
    }
    PQsetNoticeProcessor(db, quiet_notices, NULL);
    c->db = db;
    qs_cache_clear(&c->cache, NULL);
    c->pg_next_name = 0;
    char setup[256];
    snprintf(setup, sizeof setup,
             "SET synchronous_commit = on; SET lock_timeout = %d; SET statement_timeout = 0; "
             "SET client_min_messages = warning; SET TIME ZONE 'UTC'",
             c->store->opt.busy_timeout_ms);
    PGresult *res = PQexec(db, setup);
    qn_code rc = QN_OK;
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = map_result(c, res, err);
    PQclear(res);
    if (rc != QN_OK) {
        PQfinish(db);
        c->db = NULL;
    }
    return rc;
}

static void pg_disconnect(qn_store_conn *c)
{
    PQfinish(c->db);
    c->db = NULL;
    qs_cache_clear(&c->cache, NULL); /* the server forgets a session's statements */
}

static bool pg_alive(qn_store_conn *c) { return c->db != NULL && PQstatus(c->db) == CONNECTION_OK; }

static qn_code pg_script(qn_store_conn *c, const char *sql, qn_err *err)
{
    if (c->broken || c->db == NULL)
        return qn_err_set(err, QN_E_UNAVAILABLE, "database connection lost");
    PGresult *res = PQexec(c->db, sql);
    ExecStatusType st = PQresultStatus(res);
    qn_code rc = QN_OK;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        rc = map_result(c, res, err);
    else if (strcmp(sql, "COMMIT") == 0 && strcmp(PQcmdStatus(res), "ROLLBACK") == 0)
        /* The server ends an aborted transaction this way, without an error:
         * a statement inside it had failed, so nothing was written. */
    {
        qn_err_sub(err, "tx_failed");
        rc = qn_err_set(err, QN_E_INTERNAL,
                        "the transaction had failed and the server rolled it back; nothing "
                        "was written");
    }
    PQclear(res);
    return rc;
}

/* The server-side name of q's statement, preparing it on first use. A
 * statement stays prepared for the life of the connection (the cache never
 * evicts, so nothing is left behind on the server without a name). QS_LOCK
 * prepares "<sql> FOR UPDATE", QS_EXPLAIN "EXPLAIN <sql>": statements of
 * their own. */
static const char *prepared(qs_q *q, char name[16], qn_err *err)
{
    qn_store_conn *c = q->c;
    int mode = q->mode == QS_INSERTED ? QS_PLAIN : q->mode; /* RETURNING * as written */
    void *known = qs_cache_find(&c->cache, q->sql, mode);
    if (known != NULL) {
        snprintf(name, 16, "qs%d", (int)(intptr_t)known);
        return name;
    }
    const char *pre = mode == QS_EXPLAIN ? "EXPLAIN " : "";
    const char *post = mode == QS_LOCK ? " FOR UPDATE" : "";
    size_t np = strlen(pre), len = strlen(q->sql), nq = strlen(post);
    char *text = malloc(np + len + nq + 1);
    if (text == NULL) {
        qn_err_set(err, QN_E_NOMEM, "out of memory");
        return NULL;
    }
    memcpy(text, pre, np);
    memcpy(text + np, q->sql, len);
    memcpy(text + np + len, post, nq + 1);
    int id = ++c->pg_next_name;
    snprintf(name, 16, "qs%d", id);
    PGresult *res = PQprepare(c->db, name, text, 0, NULL);
    free(text);
    qn_code rc = QN_OK;
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = map_result(c, res, err);
    PQclear(res);
    if (rc == QN_OK)
        rc = qs_cache_put(&c->cache, q->sql, mode, (void *)(intptr_t)id, err);
    return rc == QN_OK ? name : NULL;
}

static int pg_step(qs_q *q, qn_err *err)
{
    qn_store_conn *c = q->c;
    if (!q->started) {
        if ((c->broken || c->db == NULL) && !c->in_tx && qs_ready(c, err) != QN_OK)
            return -1;
        if (c->broken || c->db == NULL) {
            qn_err_set(err, QN_E_UNAVAILABLE, "database connection lost");
            return -1;
        }
        char name[16];
        if (prepared(q, name, err) == NULL)
            return -1;
        const char *values[QS_MAX_PARAMS];
        int lengths[QS_MAX_PARAMS];
        int formats[QS_MAX_PARAMS];
        char nums[QS_MAX_PARAMS][24];
        for (int i = 0; i < q->nparams; i++) {
            const qs_param *p = &q->p[i];
            lengths[i] = 0;
            formats[i] = 0;
            switch (p->type) {
            case QS_NULL:
                values[i] = NULL;
                break;
            case QS_INT:
                snprintf(nums[i], sizeof nums[i], "%" PRId64, p->i);
                values[i] = nums[i];
                break;
            case QS_TEXT:
                values[i] = p->s;
                break;
            case QS_BLOB:
                values[i] = (const char *)p->b;
                lengths[i] = (int)p->len;
                formats[i] = 1;
                break;
            }
        }
        PGresult *res =
            PQexecPrepared(c->db, name, q->nparams, values, lengths, formats, 0 /* text */);
        q->started = true;
        ExecStatusType st = PQresultStatus(res);
        if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
            map_result(c, res, err);
            PQclear(res);
            return -1;
        }
        q->st = res;
        q->nrows = st == PGRES_TUPLES_OK ? PQntuples(res) : 0;
        q->row = -1;
        const char *n = PQcmdTuples(res);
        q->changes = n != NULL && n[0] != '\0' ? strtoll(n, NULL, 10) : 0;
    }
    if (q->row + 1 < q->nrows) {
        q->row++;
        return 1;
    }
    return 0;
}

static void pg_finish(qs_q *q)
{
    if (q->st != NULL)
        PQclear(q->st);
}

static bool pg_col_null(qs_q *q, int col) { return PQgetisnull(q->st, q->row, col) != 0; }

static int64_t pg_col_int(qs_q *q, int col)
{
    return strtoll(PQgetvalue(q->st, q->row, col), NULL, 10);
}

static const char *pg_col_text(qs_q *q, int col) { return PQgetvalue(q->st, q->row, col); }

static qn_code pg_col_blob(qs_q *q, int col, unsigned char **out, size_t *len, qn_err *err)
{
    size_t n = 0;
    unsigned char *raw =
        PQunescapeBytea((const unsigned char *)PQgetvalue(q->st, q->row, col), &n);
    if (raw == NULL)
        return qn_err_set(err, QN_E_NOMEM, "out of memory");
    *out = malloc(n > 0 ? n : 1);
    if (*out == NULL) {
        PQfreemem(raw);
        return qn_err_set(err, QN_E_NOMEM, "out of memory");
    }
    memcpy(*out, raw, n);
    *len = n;
    PQfreemem(raw);
    return QN_OK;
}

static int pg_col_count(qs_q *q) { return PQnfields(q->st); }

static const char *pg_col_name(qs_q *q, int col) { return PQfname(q->st, col); }

const qs_driver qs_pg_driver = {
    .name = "postgresql",
    .connect = pg_connect,
    .disconnect = pg_disconnect,
    .alive = pg_alive,
    .script = pg_script,
    .step = pg_step,
    .finish = pg_finish,
    .col_null = pg_col_null,
    .col_int = pg_col_int,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .col_count = pg_col_count,
    .col_name = pg_col_name,
    .begin_sql = "BEGIN ISOLATION LEVEL READ COMMITTED",
    .has_schema_sql =
        "SELECT CASE WHEN to_regclass('schema_version') IS NULL THEN 0 ELSE 1 END",
    .migrate_lock_sql = "SELECT pg_advisory_xact_lock(7291001)",
};

/* Appends s to out percent-encoded (RFC 3986 unreserved and '/' kept). */
static bool put_enc(char *out, size_t cap, size_t *pos, const char *s)
{
    static const char digits[] = "0123456789ABCDEF";
    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;
        bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                     (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' ||
                     ch == '~' || ch == '/';
        if (*pos + 4 >= cap)
            return false;
        if (plain) {
            out[(*pos)++] = (char)ch;
        } else {
            out[(*pos)++] = '%';
            out[(*pos)++] = digits[ch >> 4];
            out[(*pos)++] = digits[ch & 15];
        }
    }
    out[*pos] = '\0';
    return true;
}

static bool put_raw(char *out, size_t cap, size_t *pos, const char *s)
{
    size_t n = strlen(s);
    if (*pos + n + 1 >= cap)
        return false;
    memcpy(out + *pos, s, n + 1);
    *pos += n;
    return true;
}

qn_code qs_pg_fresh_url(const char *base, char *out, size_t cap, qn_err *err)
{
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(base, &perr);
    if (opts == NULL) {
        qn_err_set(err, QN_E_INVALID, "bad PostgreSQL URL: %s", perr != NULL ? perr : "");
        PQfreemem(perr);
        return QN_E_INVALID;
    }
    unsigned char rnd[4] = {0};
    RAND_bytes(rnd, sizeof rnd);
    char dbname[64];
    snprintf(dbname, sizeof dbname, "qn_t_%ld_%02x%02x%02x%02x", (long)getpid(), rnd[0], rnd[1],
             rnd[2], rnd[3]);

    PGconn *db = PQconnectdb(base);
    if (PQstatus(db) != CONNECTION_OK) {
        qn_err_set(err, QN_E_UNAVAILABLE, "cannot connect to PostgreSQL: %s", PQerrorMessage(db));
        PQfinish(db);
        PQconninfoFree(opts);
        return QN_E_UNAVAILABLE;
    }
    char sql[128];
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", dbname); /* name made above: [a-z0-9_] */
    PGresult *res = PQexec(db, sql);
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok)
        qn_err_set(err, QN_E_UNAVAILABLE, "cannot create database %s: %s", dbname,
                   PQerrorMessage(db));
    PQclear(res);
    PQfinish(db);
    if (!ok) {
        PQconninfoFree(opts);
        return QN_E_UNAVAILABLE;
    }

    size_t pos = 0;
    bool fits = put_raw(out, cap, &pos, "postgresql:///") && put_raw(out, cap, &pos, dbname);
    char sep = '?';
    static const char *const keep[] = {"host", "hostaddr", "port", "user", "password", "sslmode"};
    for (PQconninfoOption *o = opts; fits && o->keyword != NULL; o++) {
        if (o->val == NULL || o->val[0] == '\0')
            continue;
        for (size_t k = 0; k < sizeof keep / sizeof keep[0]; k++) {
            if (strcmp(o->keyword, keep[k]) != 0)
                continue;
            char kv[32];
            snprintf(kv, sizeof kv, "%c%s=", sep, o->keyword);
            sep = '&';
            fits = put_raw(out, cap, &pos, kv) && put_enc(out, cap, &pos, o->val);
        }
    }
    PQconninfoFree(opts);
    if (!fits)
        return qn_err_set(err, QN_E_INVALID, "URL buffer too small");
    return QN_OK;
}
