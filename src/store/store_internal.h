/* store_internal.h — what the files of src/store share; not for other layers.
 *
 * The store is split into three strata:
 *   1. the query layer (query.c): a qs_q holds one SQL text (with $1-style
 *      parameters, the same for both backends), its bound parameters and the
 *      current result row; qs_step runs it through the connection's driver;
 *   2. the drivers (sqlite.c, pg.c): a qs_driver table of functions that
 *      connect, run scripts, prepare (cached per connection), step and read
 *      columns, and map backend errors to qn_code;
 *   3. the operations (accounts.c, people.c, notifications.c, ...): plain
 *      functions that validate, bind, step, and audit, written once.
 * Pool and transactions live in conn.c, migrations in migrate.c, the audit
 * chain in audit.c, idempotency in idem.c.
 */
#ifndef QN_STORE_INTERNAL_H
#define QN_STORE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/types.h>

#include "store/store.h"

#define QS_MAX_PARAMS 160 /* the audit's multi-row INSERT: 16 rows of 10 */

typedef enum { QS_NULL, QS_INT, QS_TEXT, QS_BLOB } qs_ptype;

/* How a driver turns a qs_q's text into the statement it prepares:
 *   QS_PLAIN    as written;
 *   QS_LOCK     "<sql> FOR UPDATE" on PostgreSQL (row locks; see
 *               qs_row_digest), as written on SQLite (BEGIN IMMEDIATE has
 *               serialised the writers already);
 *   QS_EXPLAIN  "EXPLAIN QUERY PLAN <sql>" / "EXPLAIN <sql>" (explain.c);
 *   QS_INSERTED a single-row "INSERT INTO <table> ... RETURNING *"
 *               (qs_insert_audited): as written on PostgreSQL; SQLite runs
 *               the insert without its RETURNING clause, then reads the new
 *               row back by its rowid (same columns, same order, same
 *               values). SQLite's RETURNING buffers its row in an ephemeral
 *               table: 200,000 inserts of a notification-like row took
 *               1.06 s with RETURNING * against 0.73 s with the read-back. */
enum { QS_PLAIN = 0, QS_LOCK = 1, QS_EXPLAIN = 2, QS_INSERTED = 3 };

typedef struct {
    qs_ptype type;
    int64_t i;
    const char *s;
    const unsigned char *b;
    size_t len;
} qs_param;

typedef struct qs_q {
    qn_store_conn *c;
    const char *sql; /* a static string: its address is the cache key */
    int nparams;
    qs_param p[QS_MAX_PARAMS];
    int mode;       /* QS_PLAIN, QS_LOCK or QS_EXPLAIN: how the driver prepares sql */
    void *st;       /* sqlite3_stmt * or PGresult * */
    int row, nrows; /* PostgreSQL: the current row of the result */
    bool started;
    bool failed;
    int64_t changes;
} qs_q;

typedef struct qs_driver {
    const char *name;
    qn_code (*connect)(qn_store_conn *c, qn_err *err);
    void (*disconnect)(qn_store_conn *c);
    bool (*alive)(qn_store_conn *c);
    /* Runs a script of several statements without parameters. */
    qn_code (*script)(qn_store_conn *c, const char *sql, qn_err *err);
    int (*step)(qs_q *q, qn_err *err); /* 1 row, 0 done, -1 error */
    void (*finish)(qs_q *q);
    bool (*col_null)(qs_q *q, int col);
    int64_t (*col_int)(qs_q *q, int col);
    const char *(*col_text)(qs_q *q, int col); /* "" for NULL */
    qn_code (*col_blob)(qs_q *q, int col, unsigned char **out, size_t *len, qn_err *err);
    int (*col_count)(qs_q *q);
    const char *(*col_name)(qs_q *q, int col);
    const char *begin_sql;   /* "BEGIN IMMEDIATE" / "BEGIN" */
    const char *has_schema_sql; /* one row, one column: 1 if schema_version exists, else 0 */
    const char *migrate_lock_sql; /* taken inside a migration transaction, or NULL */
} qs_driver;

extern const qs_driver qs_sqlite_driver;
extern const qs_driver qs_pg_driver;

/* ---- the statement cache (cache.c): (sql address, mode) -> driver handle;
 * grows, never evicts (the texts are the program's static strings). */
typedef struct {
    const char *sql;
    int mode;
    void *handle;
} qs_cached;

typedef struct {
    qs_cached *slots;
    size_t cap, count;
} qs_cache;

void *qs_cache_find(const qs_cache *k, const char *sql, int mode); /* NULL if absent */
qn_code qs_cache_put(qs_cache *k, const char *sql, int mode, void *handle, qn_err *err);
/* Releases every handle (release may be NULL) and empties the cache. */
void qs_cache_clear(qs_cache *k, void (*release)(void *handle));
size_t qs_cache_count(const qs_cache *k);

struct qn_store_conn {
    qn_store *store;
    const qs_driver *drv;
    void *db; /* sqlite3 * or PGconn * */
    qs_cache cache;
    int pg_next_name;
    bool in_tx, tx_failed;
    bool broken;
    bool in_use;
    int64_t actor_id;
    char actor[QN_STORE_NAME_MAX + 1];
    /* Bulk audit mode: the chain head is kept here and written back once. */
    bool audit_bulk;
    int64_t audit_seq;
    unsigned char audit_prev[QN_STORE_DIGEST_LEN];
    /* Bulk mode: events chained but not yet inserted (audit.c); written in
     * multi-row INSERTs when 256 wait and before the head is written back. */
    struct qs_audit_pending *pend;
    size_t npend, cap_pend;
    /* Group commit (group.c): the open savepoint and the audit head at it. */
    bool in_group, in_savepoint;
    bool sync_deferred; /* SQLite: synchronous=NORMAL for this group (qn_store_group_begin_deferred) */
    int64_t sp_audit_seq;
    unsigned char sp_audit_prev[QN_STORE_DIGEST_LEN];
};

struct qn_store {
    char url[QN_STORE_URL_MAX + 1];
    char target[QN_STORE_URL_MAX + 1]; /* path for SQLite, conninfo for PostgreSQL */
    const qs_driver *drv;
    qn_store_options opt;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int nconns;
    qn_store_conn *conns; /* opt.pool_size of them; db NULL until first used */
    int schema_from, schema_to; /* versions before and after the migrations at open */
    _Atomic int64_t commits;    /* transactions committed through this store (qn_store_commit_count) */
    /* SQLite: the WAL file as qn_store_wal_sync flushes it (group.c) */
    pthread_mutex_t wal_mu;
    int wal_fd; /* -1 until the first sync */
    dev_t wal_dev;
    ino_t wal_ino;
};

/* ---- query layer (query.c) */
void qs_init(qs_q *q, qn_store_conn *c, const char *sql);
void qs_int(qs_q *q, int idx, int64_t v);
void qs_text(qs_q *q, int idx, const char *s);       /* NULL binds NULL */
void qs_text_opt(qs_q *q, int idx, const char *s);   /* NULL or "" binds NULL */
void qs_int_opt(qs_q *q, int idx, int64_t v);        /* 0 binds NULL */
void qs_date(qs_q *q, int idx, qn_date_t d);         /* QN_DATE_NONE binds NULL */
void qs_blob(qs_q *q, int idx, const unsigned char *b, size_t len);
/* Runs q (first call) or moves to its next row: 1 row, 0 done, -1 error.
 * An error inside a transaction marks the transaction failed (commit will
 * refuse): on PostgreSQL the server has aborted it anyway, and on SQLite a
 * statement that failed must not be committed around. */
int qs_step(qs_q *q, qn_err *err);
void qs_done(qs_q *q);
/* Steps to the end; returns the code (rows are ignored). */
qn_code qs_run(qs_q *q, qn_err *err);
/* Steps once expecting a row: QN_E_NOT_FOUND (with what) when none. */
qn_code qs_one(qs_q *q, const char *what, qn_err *err);
int64_t qs_get_int(qs_q *q, int col);
qn_date_t qs_get_date(qs_q *q, int col);
const char *qs_get_text(qs_q *q, int col);
bool qs_get_null(qs_q *q, int col);
void qs_get_str(qs_q *q, int col, char *dst, size_t cap);
/* A malloc'd copy of a text column (NULL for SQL NULL); QN_E_NOMEM. */
qn_code qs_get_strdup(qs_q *q, int col, char **out, qn_err *err);
qn_code qs_get_blob(qs_q *q, int col, unsigned char **out, size_t *len, qn_err *err);
/* Reads rows (at most cap) into a growing array of item_size records, each
 * filled by read; *items is malloc'd (free it even on error, with the
 * records' own cleanup). */
typedef qn_code (*qs_reader)(qs_q *q, void *item);
qn_code qs_collect(qs_q *q, size_t cap, size_t item_size, qs_reader read, void **items,
                   size_t *count, qn_err *err);
#define QS_STR(q, col, dst) qs_get_str((q), (col), (dst), sizeof(dst))

/* ---- transactions around one operation (conn.c) */
/* Opens a transaction unless one is open; *own says whether it did. */
qn_code qs_wbegin(qn_store_conn *c, bool *own, qn_err *err);
/* Ends what qs_wbegin began: commit on rc == QN_OK, rollback otherwise; a
 * failure inside the caller's transaction marks it failed. Returns the final code. */
qn_code qs_wend(qn_store_conn *c, bool own, qn_code rc, qn_err *err);
/* Makes sure conn is connected (reconnects a broken one). */
qn_code qs_ready(qn_store_conn *c, qn_err *err);
/* Runs a script (parsed at each call: for migrations, pragmas and the
 * transaction's own statements). Like qs_step, a failure inside a
 * transaction marks it failed. A row or request isolated in a savepoint
 * uses qn_store_savepoint (group.c), whose statements are prepared once. */
qn_code qs_script(qn_store_conn *c, const char *sql, qn_err *err);
int64_t qs_now(void);
/* Kazakhstan calendar year of an instant. */
int qs_year_kz(int64_t at);

/* ---- validation helpers (query.c) */
/* A fixed text field must be NUL-terminated within its array. */
#define QS_FIELD(err, rec, field, name)                                                            \
    do {                                                                                           \
        if (memchr((rec)->field, 0, sizeof((rec)->field)) == NULL)                                 \
            return qs_too_large((err), (name), sizeof((rec)->field) - 1);                         \
    } while (0)
qn_code qs_too_large(qn_err *err, const char *field, size_t max);
qn_code qs_check_str(qn_err *err, const char *field, const char *s, size_t max, bool required);
qn_code qs_limit(int64_t *limit, int64_t *offset, qn_err *err);

/* ---- audit (audit.c) */
/* SHA-256 of the row returned by sql (one $1 parameter: id or id_text),
 * canonical over column names and text values; *found false if no row.
 * This is the read of the row BEFORE a change: inside a transaction on
 * PostgreSQL it runs as SELECT ... FOR UPDATE, so the row stays as digested
 * until commit (a concurrent change waits, then digests the new version);
 * on SQLite BEGIN IMMEDIATE has already serialised the writers. A row that
 * does not exist yet is not locked: upserts insert first (see
 * qn_store_address_put). */
/* The canonical digest (as qs_row_digest) of the row q is on: a row read
 * by SELECT * or returned by INSERT ... RETURNING * digests the same. False
 * when out of memory. */
bool qs_digest_current(qs_q *q, unsigned char out[QN_STORE_DIGEST_LEN]);
/* Runs q, an INSERT ... RETURNING * of one row whose first column is id,
 * sets *id, and appends its "create" event with the digest of the row as
 * returned: the row as stored, without reading it back (qs_audit_row's
 * SELECT). Finishes q. */
qn_code qs_insert_audited(qs_q *q, const char *entity, int64_t *id, qn_err *err);
qn_code qs_row_digest(qn_store_conn *c, const char *sql, int64_t id, const char *id_text,
                      unsigned char out[QN_STORE_DIGEST_LEN], bool *found, qn_err *err);
/* Appends an event in the open transaction. */
qn_code qs_audit(qn_store_conn *c, const char *action, const char *entity, const char *entity_id,
                 const unsigned char *before, const unsigned char *after, qn_err *err);
/* Digest the row after a change and append the event (before may be NULL). */
qn_code qs_audit_row(qn_store_conn *c, const char *action, const char *entity,
                     const char *digest_sql, int64_t id, const char *id_text,
                     const unsigned char *before, qn_err *err);
/* Bulk mode: reads (and locks) the audit head once; events then chain in
 * memory (the caller saves and restores c->audit_seq/audit_prev around a row
 * it rolls back); _end writes the head back, _abort forgets it. Every
 * transaction enters it at its first event (qs_audit) and
 * qn_store_commit writes the head back; _begin inside it does nothing. */
qn_code qs_audit_bulk_begin(qn_store_conn *c, qn_err *err);
qn_code qs_audit_bulk_end(qn_store_conn *c, qn_err *err);
void qs_audit_bulk_abort(qn_store_conn *c);
/* Frees the pending events of a connection (disconnect). */
void qs_audit_pending_free(qn_store_conn *c);
void qs_sha256(const void *data, size_t len, unsigned char out[QN_STORE_DIGEST_LEN]);
void qs_hex(const unsigned char *bin, size_t len, char *out);

/* ---- numbers (conn.c): next value of a yearly counter, formatted "P-YYYY-NNNNNN" */
qn_code qs_next_number(qn_store_conn *c, const char *prefix, int64_t at, char *out, size_t cap,
                       qn_err *err);

/* ---- PostgreSQL helper for qn_store_fresh_url (pg.c) */
qn_code qs_pg_fresh_url(const char *base, char *out, size_t cap, qn_err *err);

/* Reserves k consecutive values of a yearly counter: *first is the first. */
qn_code qs_reserve_numbers(qn_store_conn *c, const char *prefix, int year, int64_t k,
                           int64_t *first, qn_err *err);

/* ---- named lookups and their plans (explain.c): each operation file lists
 * its indexed lookups with the very statement the operation runs. */
typedef struct {
    const char *name;       /* "violation_search(region,state)" */
    const char *indexes;    /* acceptable indexes, '|'-separated ("" : none needed) */
    const char *const *sql; /* the operation's own static text */
    const char *params[8];  /* sample values, bound as text (NULL ends) */
} qs_lookup;
/* Appends s and a newline to out (cap bytes, *len used), cutting at cap. */
void qs_append_line(char *out, size_t cap, size_t *len, const char *s);
/* Appends the plan of sql to out, a line per plan row: with explain_mode
 * the driver prefixes EXPLAIN (else sql is an EXPLAIN already); params are
 * bound as text (NULL-terminated, at most 8; NULL: none). On PostgreSQL
 * with enable_seqscan off for the statement (see explain.c). */
qn_code qs_explain_into(qn_store_conn *c, const char *sql, bool explain_mode, const char *const *params,
                        char *out, size_t cap, size_t *len, qn_err *err);
extern const qs_lookup qs_violation_lookups[];
extern const size_t qs_violation_lookups_count;
extern const qs_lookup qs_control_lookups[];
extern const size_t qs_control_lookups_count;
extern const qs_lookup qs_account_lookups[];
extern const size_t qs_account_lookups_count;
extern const qs_lookup qs_sigapi_lookups[];
extern const size_t qs_sigapi_lookups_count;

/* ---- migrations (migrate.c, schema_sql.c) */
typedef struct {
    int version;
    const char *name;
    const char *sql;
} qs_migration;
extern const qs_migration qs_sqlite_migrations[];
extern const size_t qs_sqlite_migrations_count;
extern const qs_migration qs_pg_migrations[];
extern const size_t qs_pg_migrations_count;
qn_code qs_migrate_conn(qn_store_conn *c, bool apply, int *from, int *to, qn_err *err);

#endif
