/* store.h — durable storage of qonaq: one interface, two backends.
 *
 * Everything qonaq keeps lives behind this header: accounts and sessions,
 * persons and their documents, notifications of arrival, applications,
 * signatures, notices, violations, trusted CAs, one-time codes, the SMS
 * outbox, idempotency keys and the hash-chained audit trail. No SQL exists
 * outside src/store. Two backends implement all of it with the same SQL text
 * ($1-style parameters): SQLite (the default, embedded) and PostgreSQL
 * (libpq, for several qonaq instances on one database).
 *
 * Handles. A qn_store is a pool of connections opened from a URL:
 *   sqlite:PATH            a database file (default sqlite:var/qonaq.db)
 *   sqlite::memory:        a private in-memory database (pool of one; tests)
 *   postgresql://...       libpq connection URI (postgres:// accepted too)
 * A qn_store_conn is one connection taken from the pool with
 * qn_store_acquire and given back with qn_store_release. Every operation
 * takes a qn_store_conn.
 *
 * Thread-safety. qn_store_open/close are not concurrent with anything else
 * on the same qn_store. qn_store_acquire/release are thread-safe: a server
 * thread acquires a connection per request (blocking while all are in use)
 * and releases it when done. A qn_store_conn is used by one thread at a
 * time; it may move between threads between acquire and release.
 *
 * Transactions. An operation called outside a transaction runs in its own
 * transaction (it is atomic and durable on return: SQLite WAL with
 * synchronous=FULL, PostgreSQL commit with synchronous_commit=on). Between
 * qn_store_begin and qn_store_commit several operations become one atomic
 * unit. If any operation fails inside a transaction, the transaction is
 * marked failed: qn_store_commit then refuses (QN_E_INTERNAL, "transaction
 * already failed") and rolls back; the usual reaction is qn_store_rollback. Exception:
 * qn_store_notifications_bulk isolates each row (per-row savepoints).
 * Any statement that fails inside a transaction marks it failed, whichever
 * operation ran it (a read too); a PostgreSQL COMMIT that the server answers
 * with ROLLBACK is reported as the failure it is (QN_E_INTERNAL, sub
 * "tx_failed").
 *
 * Isolation (table per operation: docs/storage.md). SQLite: BEGIN IMMEDIATE
 * at every transaction, writers are serial. PostgreSQL: READ COMMITTED plus:
 * inserts number and chain through the locked counter and audit_head rows;
 * audited updates read the row's before-digest with SELECT ... FOR UPDATE
 * (a concurrent change waits, then digests the new version); upserts
 * (address_put, crl_put, mobile_put) insert first (ON CONFLICT DO NOTHING),
 * then lock, digest and update; application_update is also optimistic (its
 * version); use-once rows (otp_consume, consent_decide, challenge_take) are
 * conditional updates; a list sees one snapshot per statement. Raced on both
 * backends by tests/store/conformance_store.h (audited_updates_serialise).
 *
 * Audit. Every operation that changes a record appends an audit event (actor,
 * time, action, entity, entity id, SHA-256 digest of the row before and
 * after) in the same transaction. The actor is the one set on the connection
 * with qn_store_set_actor (reset to "system" at acquire). Events are chained:
 * hash = SHA-256(previous hash || canonical fields); qn_store_audit_verify
 * finds an edited, inserted or deleted event and names the first broken one.
 * Deliberately not audited (each with its reason):
 *   - login attempts, one-time-code attempt counters, outbox sent marks,
 *     session expiry sweeps, idempotency rows and their pruning:
 *     operational, high-volume, no business meaning;
 *   - the trust generation (qn_store_trust_bump): a cache-invalidation
 *     counter; the CA and CRL changes that raise it are audited themselves;
 *   - login challenges (qn_store_challenge_add/_take): one-use nonces of login
 *     by signature that expire within minutes, like login attempts; the login
 *     they lead to is audited by the service ("login_signature");
 *   - service secrets (qn_store_secret_get_or_put): the value must not reach
 *     any digest trail, and the row is written once (the first candidate
 *     stays), so it has no history to record.
 *
 * Records. Plain structs with fixed-size, NUL-terminated text fields whose
 * bounds are the QN_STORE_*_MAX macros below (longer input is refused with
 * QN_E_TOO_LARGE naming the field; nothing is truncated silently). Free-form
 * JSON payloads and DER/CMS blobs are heap pointers: on input the store only
 * reads them (the caller keeps ownership); a record filled by the store owns
 * them and is released with the record's _clear function (accepts a zeroed
 * record). Lists are released with their _free function (accepts NULL).
 * Times are int64_t seconds since the Unix epoch (UTC); a created_at of 0 on
 * input means "now". Civil dates are qn_date_t (QN_DATE_NONE = absent).
 * Ids are positive int64_t assigned by the store.
 *
 * Naming conventions (functions below without their own comment follow them):
 *   _create / _add   insert the record; fill its id, created_at and (where
 *                    the record has one) its human number; audited
 *   _get / _by_X / _find   fill *out (overwritten entirely) or QN_E_NOT_FOUND
 *   _list_X / _search / _all   fill a list (at most 1000 items, or the
 *                    filter's limit) in the order stated; free with _list_free
 *   _update / _set_X change a record; QN_E_NOT_FOUND if absent; audited
 *   _clear / _free   release what the store allocated; accept NULL/zeroed
 *
 * Errors (qn_code, with a sentence in qn_err):
 *   QN_E_NOT_FOUND     no such record
 *   QN_E_CONFLICT      a uniqueness constraint (the message names it), an
 *                      idempotency key reused with another body, a stale
 *                      version on update
 *   QN_E_INVALID       a CHECK, NOT NULL or foreign-key constraint, or a bad
 *                      argument (the field is named in err->fields)
 *   QN_E_TOO_LARGE     a text over its bound
 *   QN_E_UNAVAILABLE   database unreachable, connection lost (the store
 *                      reconnects on the next acquire/operation), busy beyond
 *                      the timeout
 *   QN_E_INTERNAL      anything else (schema newer than the binary, ...)
 * On any error nothing of the failed operation is written.
 */
#ifndef QN_STORE_H
#define QN_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "core/error.h"

/* ---------------------------------------------------------------- bounds */

/* The newest migration this binary knows: the count of the numbered SQL
 * files compiled in (src/store/schema/, embedded by the build). */
int qn_store_schema_latest(void);
#define QN_STORE_SCHEMA_VERSION (qn_store_schema_latest())

#define QN_STORE_URL_MAX 1024
#define QN_STORE_NAME_MAX 128    /* display names, surnames, given names, labels */
#define QN_STORE_USERNAME_MAX 64
#define QN_STORE_HASH_MAX 192    /* argon2id encoded string, hex digests */
#define QN_STORE_CODE_MAX 32     /* short machine words: role, kind, state, status */
#define QN_STORE_IIN_LEN 12      /* IIN and BIN: 12 digits */
#define QN_STORE_REGION_MAX 16   /* region code, e.g. "KZ-ALA", "75" */
#define QN_STORE_NUMBER_MAX 32   /* human numbers: "N-2026-000123", document numbers */
#define QN_STORE_TEXT_MAX 512    /* address text, checkpoint names, notice lines */
#define QN_STORE_PHONE_MAX 20    /* E.164: "+77011234567" */
#define QN_STORE_KEY_MAX 128     /* idempotency keys */
#define QN_STORE_JSON_MAX (1024 * 1024) /* payload, facts, reasons JSON text */
#define QN_STORE_BLOB_MAX (4 * 1024 * 1024) /* DER, CMS blobs */
#define QN_STORE_DIGEST_LEN 32   /* SHA-256 */

typedef struct qn_store qn_store;           /* the pool; opaque */
typedef struct qn_store_conn qn_store_conn; /* one connection; opaque */

/* ------------------------------------------------------ open, pool, tx */

/* How long idempotency keys are kept by default: 7 days. A client retrying
 * a submission later than this gets a new record, not the first answer. */
#define QN_STORE_IDEM_RETENTION_DAYS 7

typedef struct {
    int pool_size;      /* connections kept (0: 8; forced to 1 for sqlite::memory:) */
    int busy_timeout_ms; /* SQLite busy timeout, PostgreSQL lock_timeout (0: 5000) */
    bool no_migrate;    /* true: do not apply migrations at open (refuse an old schema) */
    int migrate_to;     /* 0: migrate to the newest version; N: apply migrations only up
                           to N (staged upgrades, the upgrade test); a store left below the
                           newest version must only run operations that version has */
    int idem_retention_days; /* idempotency keys kept (0: QN_STORE_IDEM_RETENTION_DAYS) */
} qn_store_options;

/* Opens a store from url (NULL or "" means sqlite:var/qonaq.db). Connects
 * one connection at once (so a bad URL fails here, QN_E_UNAVAILABLE), applies
 * pending migrations unless opt->no_migrate, and refuses a database whose
 * schema version is newer than QN_STORE_SCHEMA_VERSION (QN_E_INTERNAL, sub
 * "schema_too_new"). opt may be NULL. On success *out owns the pool; free it
 * with qn_store_close. */
qn_code qn_store_open(const char *url, const qn_store_options *opt, qn_store **out, qn_err *err);

/* Closes every connection and frees the pool. All connections must have been
 * released. Accepts NULL. */
void qn_store_close(qn_store *store);

/* "sqlite" or "postgresql". */
const char *qn_store_backend(const qn_store *store);

/* Takes a connection from the pool, waiting up to the busy timeout if all are
 * in use (then QN_E_UNAVAILABLE). A connection found broken is reconnected;
 * if that fails, QN_E_UNAVAILABLE. The actor is reset to "system". Thread-safe. */
qn_code qn_store_acquire(qn_store *store, qn_store_conn **out, qn_err *err);

/* Gives a connection back. An open transaction is rolled back. Accepts NULL.
 * Thread-safe. */
void qn_store_release(qn_store_conn *conn);

/* Sets who is acting on this connection, recorded in audit events:
 * account_id (0 for none) and a label ("alice", "system", "cli"; truncated to
 * QN_STORE_NAME_MAX). Stays until the next call or release. */
void qn_store_set_actor(qn_store_conn *conn, int64_t account_id, const char *label);

/* Starts a transaction (QN_E_CONFLICT if one is already open on conn). */
qn_code qn_store_begin(qn_store_conn *conn, qn_err *err);

/* Commits. If an operation failed inside the transaction, rolls back and
 * returns QN_E_INTERNAL ("transaction already failed"). A failure to commit
 * (e.g. connection lost) is QN_E_UNAVAILABLE and nothing is written. */
qn_code qn_store_commit(qn_store_conn *conn, qn_err *err);

/* Rolls back the open transaction, if any. Never fails from the caller's view. */
void qn_store_rollback(qn_store_conn *conn);

/* True while a transaction is open on conn. */
bool qn_store_in_tx(const qn_store_conn *conn);

/* ------------------------------------------------------- group commit
 * (group.c) One transaction that carries the writes of several requests,
 * each in its own savepoint, committed (and flushed) once. The audit head
 * is read and locked at qn_store_group_begin, events chain in memory and
 * the head is written back at qn_store_group_commit, so the chain holds the
 * events of the kept requests in order and none of a rolled-back one.
 * Between begin and commit/abort the ordinary operations work as inside
 * qn_store_begin. One savepoint at a time. */

/* qn_store_acquire that takes `prefer` (a connection of this store, or
 * NULL) when it is free, so a long-lived writer keeps its page cache warm. */
qn_code qn_store_acquire_prefer(qn_store *store, qn_store_conn *prefer, qn_store_conn **out, qn_err *err);
/* SQLite: copies committed WAL frames into the database without waiting
 * for anyone (a PASSIVE checkpoint), so commits seldom reach the automatic
 * checkpoint themselves. PostgreSQL: nothing to do (QN_OK). */
qn_code qn_store_checkpoint(qn_store_conn *conn, qn_err *err);
/* Transactions committed through this store's connections since it was
 * opened (qn_store_commit; not the migrations' or a script's own COMMIT): a
 * checkpointer runs only when something was written. Thread-safe. */
int64_t qn_store_commit_count(qn_store *store);

/* Opens the group transaction (QN_E_CONFLICT if one is open). */
qn_code qn_store_group_begin(qn_store_conn *conn, qn_err *err);
/* Writes the audit head back and commits; QN_E_UNAVAILABLE (nothing
 * written) when the commit fails. A group whose savepoint machinery failed
 * refuses (QN_E_INTERNAL) and rolls back. */
qn_code qn_store_group_commit(qn_store_conn *conn, qn_err *err);
/* qn_store_group_begin that, on SQLite, leaves the flush to the caller:
 * the group's COMMIT writes its WAL frames (so it is visible, and survives
 * a crash of the process) without waiting for the disk, and is durable
 * against a power cut only once a qn_store_wal_sync that began after the
 * COMMIT returned. *deferred tells which it is (false on PostgreSQL, whose
 * COMMIT waits for its own WAL flush). The connection is back to flushing
 * in COMMIT once the group is committed or aborted. The committer
 * (src/service/committer.c) writes its next group while one is flushed. */
qn_code qn_store_group_begin_deferred(qn_store_conn *conn, bool *deferred, qn_err *err);
/* SQLite: flushes the WAL file to the disk (fdatasync; the directory too
 * when the file is new to this store), which makes every transaction
 * committed before the call durable. PostgreSQL: nothing to do (QN_OK).
 * Thread-safe; needs no connection. */
qn_code qn_store_wal_sync(qn_store *store, qn_err *err);
/* Rolls the whole group back. */
void qn_store_group_abort(qn_store_conn *conn);
/* Opens the savepoint of one request inside the group (or of one row of a
 * batch, qn_store_batch_row_begin): not nested, the audit head saved with
 * it. The statements are prepared once per connection. */
qn_code qn_store_savepoint(qn_store_conn *conn, qn_err *err);
/* Keeps what the request wrote. */
qn_code qn_store_savepoint_release(qn_store_conn *conn, qn_err *err);
/* Undoes what the request wrote (its audit events too) and clears the
 * failed mark its error left on the transaction. An error here means the
 * transaction itself is gone: abort the group. */
qn_code qn_store_savepoint_rollback(qn_store_conn *conn, qn_err *err);

/* ------------------------------------------------------------ migrations */

/* Applies pending migrations to the database at url; *from and *to (either
 * may be NULL) receive the versions before and after. Newer-than-known schema:
 * QN_E_INTERNAL, sub "schema_too_new", nothing changed. */
qn_code qn_store_migrate(const char *url, int *from, int *to, qn_err *err);

/* The schema version recorded in the database (0 for an empty database). */
qn_code qn_store_schema_version(qn_store_conn *conn, int *version, qn_err *err);

/* For tests: given a base URL, makes a URL naming a fresh, empty database.
 * sqlite: a new file under dir (dir may be NULL for sqlite::memory:);
 * postgresql: CREATE DATABASE with a unique name on the server of base_url.
 * Writes the URL into out (cap bytes). */
qn_code qn_store_fresh_url(const char *base_url, const char *dir, char *out, size_t cap,
                           qn_err *err);

/* ------------------------------------------------------------ query plans */

/* The store's named lookups (a violation list by region and state, accounts
 * by role, ...): their number. */
size_t qn_store_lookup_count(void);

/* The query plan of lookup i (0 <= i < qn_store_lookup_count()), taken from
 * the very statement the operation runs: one line per step into out (cap
 * bytes); *name and *indexes point at static text (indexes: the index names
 * the plan may use, '|'-separated, "" when none is needed). SQLite: EXPLAIN
 * QUERY PLAN. PostgreSQL: EXPLAIN with enable_seqscan off (on small tables
 * the planner would scan whatever the indexes; this way the plan shows
 * whether an index serves the lookup). Bad i: QN_E_NOT_FOUND. */
qn_code qn_store_lookup_explain(qn_store_conn *conn, size_t i, const char **name,
                                const char **indexes, char *out, size_t cap, qn_err *err);

/* -------------------------------------------------------------- accounts */

/* Roles (CHECK in the schema): "host", "citizen", "foreigner", "officer",
 * "border", "analyst", "admin", "system".
 * Host kinds: "" (not a host), "individual", "legal", "hotel". */
typedef struct {
    int64_t id;
    char username[QN_STORE_USERNAME_MAX + 1];      /* unique, case-sensitive */
    char password_hash[QN_STORE_HASH_MAX + 1];     /* argon2id string computed by the caller */
    char role[QN_STORE_CODE_MAX + 1];
    char display_name[QN_STORE_NAME_MAX + 1];
    char iin_bin[QN_STORE_IIN_LEN + 1];            /* "" if none */
    char region[QN_STORE_REGION_MAX + 1];          /* officers' region, "" otherwise */
    char host_kind[QN_STORE_CODE_MAX + 1];
    bool disabled;
    int64_t created_at;
} qn_store_account;

typedef struct {
    qn_store_account *items;
    size_t count;
} qn_store_account_list;

/* Inserts a; sets a->id and a->created_at. Username taken: QN_E_CONFLICT. */
qn_code qn_store_account_create(qn_store_conn *c, qn_store_account *a, qn_err *err);
qn_code qn_store_account_get(qn_store_conn *c, int64_t id, qn_store_account *out, qn_err *err);
qn_code qn_store_account_by_username(qn_store_conn *c, const char *username,
                                     qn_store_account *out, qn_err *err);
/* Replaces every field but id, username and created_at with a's. */
qn_code qn_store_account_update(qn_store_conn *c, const qn_store_account *a, qn_err *err);
/* Accounts with the role (NULL: all), ordered by id, offset/limit (limit <= 1000). */
qn_code qn_store_account_list_by_role(qn_store_conn *c, const char *role, int64_t offset,
                                      int64_t limit, qn_store_account_list *out, qn_err *err);
void qn_store_account_list_free(qn_store_account_list *l);

/* -------------------------------------------------------------- sessions */

typedef struct {
    char token_hash[QN_STORE_HASH_MAX + 1]; /* hex SHA-256 of the bearer token; primary key */
    int64_t account_id;
    int64_t created_at;
    int64_t expires_at;
    char csrf_hash[QN_STORE_HASH_MAX + 1];
} qn_store_session;

qn_code qn_store_session_create(qn_store_conn *c, qn_store_session *s, qn_err *err);
/* The session with this token hash that has not expired at `now`;
 * absent or expired: QN_E_NOT_FOUND. */
qn_code qn_store_session_get(qn_store_conn *c, const char *token_hash, int64_t now,
                             qn_store_session *out, qn_err *err);
/* Deletes (logout). Absent: QN_E_NOT_FOUND. */
qn_code qn_store_session_delete(qn_store_conn *c, const char *token_hash, qn_err *err);
/* Deletes every session of an account (password change, disable); *n deleted (may be NULL). */
qn_code qn_store_session_delete_account(qn_store_conn *c, int64_t account_id, int64_t *n,
                                        qn_err *err);
/* Deletes sessions expired at `now`; *n deleted (may be NULL). Not audited. */
qn_code qn_store_session_expire(qn_store_conn *c, int64_t now, int64_t *n, qn_err *err);

/* -------------------------------------------------------------- API keys */

typedef struct {
    int64_t id;
    char key_hash[QN_STORE_HASH_MAX + 1]; /* hex SHA-256 of the key; unique */
    int64_t account_id;
    char label[QN_STORE_NAME_MAX + 1];
    bool revoked;
    int64_t created_at;
} qn_store_apikey;

typedef struct {
    qn_store_apikey *items;
    size_t count;
} qn_store_apikey_list;

qn_code qn_store_apikey_create(qn_store_conn *c, qn_store_apikey *k, qn_err *err);
/* A non-revoked key by hash; absent or revoked: QN_E_NOT_FOUND. */
qn_code qn_store_apikey_get(qn_store_conn *c, const char *key_hash, qn_store_apikey *out,
                            qn_err *err);
qn_code qn_store_apikey_revoke(qn_store_conn *c, int64_t id, qn_err *err);
qn_code qn_store_apikey_list_account(qn_store_conn *c, int64_t account_id,
                                     qn_store_apikey_list *out, qn_err *err);
void qn_store_apikey_list_free(qn_store_apikey_list *l);

/* -------------------------------------------------------- login attempts */

/* Records one login attempt (username as typed, client address as text). */
qn_code qn_store_login_attempt_add(qn_store_conn *c, const char *username, const char *address,
                                   bool success, int64_t at, qn_err *err);
/* Failed attempts since `since`: for the username (*by_user) and for the
 * address (*by_address). Either out-pointer may be NULL. */
qn_code qn_store_login_failures(qn_store_conn *c, const char *username, const char *address,
                                int64_t since, int64_t *by_user, int64_t *by_address,
                                qn_err *err);
/* Deletes attempts older than `before`. */
qn_code qn_store_login_attempt_prune(qn_store_conn *c, int64_t before, qn_err *err);

/* ------------------------------------------------- persons and documents */

/* kind: "foreigner", "stateless", "citizen". sex: "M", "F", "X".
 * citizenship: ISO 3166-1 alpha-3 ("XXA" stateless, "KAZ" citizen). */
typedef struct {
    int64_t id;
    char kind[QN_STORE_CODE_MAX + 1];
    char surname[QN_STORE_NAME_MAX + 1];
    char given_names[QN_STORE_NAME_MAX + 1];
    char citizenship[4];
    qn_date_t birth_date;
    char sex[2];
    char iin[QN_STORE_IIN_LEN + 1]; /* "" if none; unique when present */
    int64_t created_at;
} qn_store_person;

qn_code qn_store_person_create(qn_store_conn *c, qn_store_person *p, qn_err *err);
qn_code qn_store_person_get(qn_store_conn *c, int64_t id, qn_store_person *out, qn_err *err);
qn_code qn_store_person_by_iin(qn_store_conn *c, const char *iin, qn_store_person *out,
                               qn_err *err);
/* Replaces every field but id and created_at. */
qn_code qn_store_person_update(qn_store_conn *c, const qn_store_person *p, qn_err *err);

/* kind: "passport", "stateless_travel", "refugee_travel", "residence_permit", "other".
 * (country, number) is unique: the lookup "a foreigner by citizenship and
 * document number". */
typedef struct {
    int64_t id;
    int64_t person_id;
    char kind[QN_STORE_CODE_MAX + 1];
    char number[QN_STORE_NUMBER_MAX + 1];
    char country[4];
    qn_date_t issued;  /* QN_DATE_NONE if unknown */
    qn_date_t expires; /* QN_DATE_NONE if none */
    int64_t created_at;
} qn_store_document;

typedef struct {
    qn_store_document *items;
    size_t count;
} qn_store_document_list;

qn_code qn_store_document_create(qn_store_conn *c, qn_store_document *d, qn_err *err);
/* By issuing country and number (exact match). */
qn_code qn_store_document_find(qn_store_conn *c, const char *country, const char *number,
                               qn_store_document *out, qn_err *err);
qn_code qn_store_document_list_person(qn_store_conn *c, int64_t person_id,
                                      qn_store_document_list *out, qn_err *err);
void qn_store_document_list_free(qn_store_document_list *l);

/* entries: "single", "double", "multiple". */
typedef struct {
    int64_t id;
    int64_t person_id;
    char kind[QN_STORE_CODE_MAX + 1]; /* visa category: "business", "tourist", "investor", ... */
    char number[QN_STORE_NUMBER_MAX + 1];
    qn_date_t valid_from;
    qn_date_t valid_to;
    char entries[QN_STORE_CODE_MAX + 1];
    int64_t created_at;
} qn_store_visa;

typedef struct {
    qn_store_visa *items;
    size_t count;
} qn_store_visa_list;

qn_code qn_store_visa_create(qn_store_conn *c, qn_store_visa *v, qn_err *err);
/* Ordered by valid_from, id. */
qn_code qn_store_visa_list_person(qn_store_conn *c, int64_t person_id, qn_store_visa_list *out,
                                  qn_err *err);
void qn_store_visa_list_free(qn_store_visa_list *l);

/* kind: "entry" or "exit". */
typedef struct {
    int64_t id;
    int64_t person_id;
    char kind[8];
    qn_date_t date;
    char checkpoint[QN_STORE_NAME_MAX + 1];
    int64_t document_id; /* 0 if not recorded */
    int64_t created_at;
} qn_store_crossing;

typedef struct {
    qn_store_crossing *items;
    size_t count;
} qn_store_crossing_list;

qn_code qn_store_crossing_create(qn_store_conn *c, qn_store_crossing *x, qn_err *err);
/* Ordered by date, id (the input of the stay computation). */
qn_code qn_store_crossing_list_person(qn_store_conn *c, int64_t person_id,
                                      qn_store_crossing_list *out, qn_err *err);
void qn_store_crossing_list_free(qn_store_crossing_list *l);

/* ----------------------------------------------- hosts, addresses, owners */

/* kind: "individual", "legal", "hotel". iin_bin unique. */
typedef struct {
    int64_t id;
    int64_t account_id; /* 0 if the host has no account */
    char kind[QN_STORE_CODE_MAX + 1];
    char iin_bin[QN_STORE_IIN_LEN + 1];
    char name[QN_STORE_NAME_MAX + 1];
    int64_t created_at;
} qn_store_host;

qn_code qn_store_host_create(qn_store_conn *c, qn_store_host *h, qn_err *err);
qn_code qn_store_host_get(qn_store_conn *c, int64_t id, qn_store_host *out, qn_err *err);
qn_code qn_store_host_by_iin_bin(qn_store_conn *c, const char *iin_bin, qn_store_host *out,
                                 qn_err *err);
qn_code qn_store_host_by_account(qn_store_conn *c, int64_t account_id, qn_store_host *out,
                                 qn_err *err);

typedef struct {
    char code[QN_STORE_NUMBER_MAX + 1]; /* address registration code; primary key */
    char region[QN_STORE_REGION_MAX + 1];
    char text[QN_STORE_TEXT_MAX + 1];
} qn_store_address;

/* Inserts or replaces the address with a->code. */
qn_code qn_store_address_put(qn_store_conn *c, const qn_store_address *a, qn_err *err);
qn_code qn_store_address_get(qn_store_conn *c, const char *code, qn_store_address *out,
                             qn_err *err);

/* A property owner's share is share_num/share_den (1/1 sole owner, 1/2 ...).
 * role (apps, migration 005): "owner" or "co_owner" as the address register
 * names them; "" is written as "owner". */
typedef struct {
    char address_code[QN_STORE_NUMBER_MAX + 1];
    char owner_iin[QN_STORE_IIN_LEN + 1];
    int32_t share_num;
    int32_t share_den;
    char role[QN_STORE_CODE_MAX + 1];
} qn_store_owner;

typedef struct {
    qn_store_owner *items;
    size_t count;
} qn_store_owner_list;

/* Replaces the owners of an address with owners[0..n) (import path; n may be
 * 0 to clear). The address must exist. (address, owner) unique. */
qn_code qn_store_owners_replace(qn_store_conn *c, const char *address_code,
                                const qn_store_owner *owners, size_t n, qn_err *err);
/* Owners of an address, ordered by owner IIN. */
qn_code qn_store_owners_list(qn_store_conn *c, const char *address_code,
                             qn_store_owner_list *out, qn_err *err);
void qn_store_owner_list_free(qn_store_owner_list *l);

/* ---------------------------------------------- notifications of arrival */

/* status: "submitted", "accepted", "rejected", "cancelled". */
typedef struct {
    int64_t id;
    char number[QN_STORE_NUMBER_MAX + 1]; /* "" on create: assigned "N-YYYY-NNNNNN" */
    int64_t host_account_id;
    int64_t person_id;
    qn_date_t entry_date;
    char checkpoint[QN_STORE_NAME_MAX + 1];
    qn_date_t arrival_date;
    char address_code[QN_STORE_NUMBER_MAX + 1]; /* "" if not registered */
    qn_date_t stay_from;
    qn_date_t stay_to;
    char purpose[QN_STORE_CODE_MAX + 1];
    qn_date_t deadline;   /* last day to notify (computed by core) */
    bool on_time;
    char status[QN_STORE_CODE_MAX + 1];
    int64_t created_at;
    char *payload;        /* JSON text as submitted; may be NULL on input ("{}") */
    char region[QN_STORE_REGION_MAX + 1]; /* region of the address ("" if unknown; notif) */
    char citizenship[4];  /* the foreigner's, as submitted ("" if unknown; notif) */
    /* On input (notif): refuse a second notification of the same person's
     * arrival on the same day by the same host (QN_E_CONFLICT, sub
     * "duplicate_notification", naming the number on record). Rejected and
     * cancelled notifications do not count. Not read back. */
    bool refuse_duplicate;
} qn_store_notification;

typedef struct {
    qn_store_notification *items;
    size_t count;
    int64_t total; /* rows matching the filter, ignoring offset/limit */
} qn_store_notification_list;

/* Filter for qn_store_notification_search. Zero fields do not filter; at
 * most one of host_account_id, person_id and region may be given (each has
 * its index with the arrival date; more is QN_E_INVALID). Order is stable:
 * arrival_date descending, then id descending. */
typedef struct {
    int64_t host_account_id;
    int64_t person_id;
    char region[QN_STORE_REGION_MAX + 1]; /* "" for any (notif) */
    qn_date_t arrival_from; /* inclusive; used only when has_range */
    qn_date_t arrival_to;   /* inclusive */
    bool has_range;         /* true: filter on arrival_from..arrival_to */
    char status[QN_STORE_CODE_MAX + 1]; /* "" for any */
    int64_t offset;
    int64_t limit;          /* 1..1000 (0 means 50) */
} qn_store_notification_filter;

/* Inserts n; sets n->id, n->created_at and, if n->number is "", n->number
 * (next of the year of created_at in Kazakhstan, e.g. "N-2026-000123"). */
qn_code qn_store_notification_create(qn_store_conn *c, qn_store_notification *n, qn_err *err);
qn_code qn_store_notification_get(qn_store_conn *c, int64_t id, qn_store_notification *out,
                                  qn_err *err);
qn_code qn_store_notification_by_number(qn_store_conn *c, const char *number,
                                        qn_store_notification *out, qn_err *err);
/* Changes the status (audited). */
qn_code qn_store_notification_set_status(qn_store_conn *c, int64_t id, const char *status,
                                         qn_err *err);
qn_code qn_store_notification_search(qn_store_conn *c, const qn_store_notification_filter *f,
                                   qn_store_notification_list *out, qn_err *err);
void qn_store_notification_clear(qn_store_notification *n);
void qn_store_notification_list_free(qn_store_notification_list *l);

/* Result of one row of a bulk insert. */
typedef struct {
    qn_code code;                        /* QN_OK or the row's error */
    char message[256];                   /* the row's error sentence */
    int64_t id;                          /* on QN_OK */
    char number[QN_STORE_NUMBER_MAX + 1];
} qn_store_row_result;

/* Inserts rows[0..n) (n <= 100000) in ONE transaction; each row succeeds or
 * fails alone (a failing row leaves no trace; the others are kept) and
 * results[i] says which. Sets rows[i].id/number/created_at of inserted rows.
 * Returns QN_OK if the batch committed (even if some rows failed);
 * *n_ok (may be NULL) counts inserted rows. If all_or_nothing, any row error
 * rolls back everything and returns QN_E_INVALID (results still filled).
 * Joins the caller's transaction if one is open. Numbers are reserved for
 * the whole batch at once, so a failed row leaves a gap in the numbering.
 * Throughput: see bench/bench_store.c (thousands of rows per second). */
qn_code qn_store_notifications_bulk(qn_store_conn *c, qn_store_notification *rows, size_t n,
                                    bool all_or_nothing, qn_store_row_result *results,
                                    size_t *n_ok, qn_err *err);

/* ---------------------------------------------------------- applications */

typedef struct {
    int64_t id;
    char number[QN_STORE_NUMBER_MAX + 1]; /* "" on create: assigned "A-YYYY-NNNNNN" */
    char kind[QN_STORE_CODE_MAX + 1];     /* "foreigner_registration", "citizen_registration", ... */
    char state[QN_STORE_CODE_MAX + 1];    /* workflow state, lowercase word */
    int64_t applicant_account_id;
    char region[QN_STORE_REGION_MAX + 1];
    int64_t deadline_at;                  /* epoch seconds; 0 for none */
    char *payload;                        /* JSON */
    char decision[QN_STORE_CODE_MAX + 1]; /* "" until decided: "registered", "refused", ... */
    char *reasons;                        /* JSON array or NULL */
    char appeal_state[QN_STORE_CODE_MAX + 1]; /* "" if none: "filed", "upheld", "rejected" */
    char *appeal_text;                    /* NULL if none */
    int64_t appeal_at;                    /* 0 if none */
    int64_t officer_account_id;           /* 0 if unassigned */
    int64_t created_at;
    int64_t updated_at;
    int64_t version;                      /* 1 on create; +1 on each update */
} qn_store_application;

typedef struct {
    qn_store_application *items;
    size_t count;
    int64_t total;
} qn_store_application_list;

/* Officer queue filter: region and state (either "" for any); if overdue_at
 * != 0 only applications with 0 < deadline_at < overdue_at. Ordered by
 * deadline_at ascending (none last), then id. */
typedef struct {
    char region[QN_STORE_REGION_MAX + 1];
    char state[QN_STORE_CODE_MAX + 1];
    int64_t applicant_account_id; /* 0: any */
    int64_t overdue_at;
    int64_t offset;
    int64_t limit; /* 1..1000 (0 means 50) */
} qn_store_application_filter;

/* Inserts a; sets id, number (if ""), created_at, updated_at, version = 1. */
qn_code qn_store_application_create(qn_store_conn *c, qn_store_application *a, qn_err *err);
qn_code qn_store_application_get(qn_store_conn *c, int64_t id, qn_store_application *out,
                                 qn_err *err);
qn_code qn_store_application_by_number(qn_store_conn *c, const char *number,
                                       qn_store_application *out, qn_err *err);
/* Optimistic update: writes every mutable field of a (state, region,
 * deadline_at, payload, decision, reasons, appeal_*, officer) if the stored
 * version equals a->version; then a->version and a->updated_at are advanced.
 * Stale version: QN_E_CONFLICT (sub "stale_version"); absent: QN_E_NOT_FOUND. */
qn_code qn_store_application_update(qn_store_conn *c, qn_store_application *a, qn_err *err);
qn_code qn_store_application_search(qn_store_conn *c, const qn_store_application_filter *f,
                                  qn_store_application_list *out, qn_err *err);
void qn_store_application_clear(qn_store_application *a);
void qn_store_application_list_free(qn_store_application_list *l);

/* --------------------------------------------- signatures and consents */

/* Attached to an application (application_id) and/or a document reference
 * (doc_ref, e.g. a digest or "notice:123"). kind: "signature" or "consent".
 * role: "applicant", "owner", "co_owner", "host", "officer", "representative". */
typedef struct {
    int64_t id;
    int64_t application_id; /* 0 if none */
    char doc_ref[QN_STORE_HASH_MAX + 1];
    char kind[QN_STORE_CODE_MAX + 1];
    char signer_iin_bin[QN_STORE_IIN_LEN + 1];
    char role[QN_STORE_CODE_MAX + 1];
    unsigned char *cms;     /* DER CMS SignedData */
    size_t cms_len;
    char result[QN_STORE_TEXT_MAX + 1]; /* "valid" or the refusal reason */
    int64_t verified_at;
    int64_t created_at;
} qn_store_signature;

typedef struct {
    qn_store_signature *items;
    size_t count;
} qn_store_signature_list;

qn_code qn_store_signature_add(qn_store_conn *c, qn_store_signature *s, qn_err *err);
/* Signatures of an application, ordered by id. */
qn_code qn_store_signature_list_application(qn_store_conn *c, int64_t application_id,
                                            qn_store_signature_list *out, qn_err *err);
void qn_store_signature_clear(qn_store_signature *s);
void qn_store_signature_list_free(qn_store_signature_list *l);

/* ---------------------------------------- notices (History of Services) */

typedef struct {
    int64_t id;
    int64_t account_id;
    char kind[QN_STORE_CODE_MAX + 1]; /* "notification", "registration", "refusal", ... */
    char ref[QN_STORE_NUMBER_MAX + 1]; /* the number of what it refers to */
    char *body;                        /* JSON or text */
    int64_t created_at;
} qn_store_notice;

typedef struct {
    qn_store_notice *items;
    size_t count;
    int64_t total;
} qn_store_notice_list;

qn_code qn_store_notice_add(qn_store_conn *c, qn_store_notice *n, qn_err *err);
/* An account's notices, newest first (created_at desc, id desc). */
qn_code qn_store_notice_list_account(qn_store_conn *c, int64_t account_id, int64_t offset,
                                     int64_t limit, qn_store_notice_list *out, qn_err *err);
void qn_store_notice_list_free(qn_store_notice_list *l);

/* ------------------------------------------------------------ violations */

/* kind: "art518" (host, late or missing notification) or "art517" (overstay).
 * state: "open", "fined", "closed". */
typedef struct {
    int64_t id;
    char kind[QN_STORE_CODE_MAX + 1];
    int64_t subject_person_id;  /* art517: the foreigner; 0 if none */
    int64_t subject_account_id; /* art518: the host account; 0 if none */
    char subject_iin_bin[QN_STORE_IIN_LEN + 1];
    char *facts;                /* JSON */
    char article[QN_STORE_CODE_MAX + 1]; /* e.g. "518.1" */
    int32_t fine_mci;           /* fine in monthly calculation indices */
    int64_t fine_amount;        /* tenge */
    char state[QN_STORE_CODE_MAX + 1];
    char region[QN_STORE_REGION_MAX + 1];
    int64_t notification_id;    /* 0 if none */
    int64_t created_at;
    int64_t updated_at;
} qn_store_violation;

typedef struct {
    qn_store_violation *items;
    size_t count;
    int64_t total;
} qn_store_violation_list;

qn_code qn_store_violation_create(qn_store_conn *c, qn_store_violation *v, qn_err *err);
qn_code qn_store_violation_get(qn_store_conn *c, int64_t id, qn_store_violation *out,
                               qn_err *err);
/* Sets state and fine. */
qn_code qn_store_violation_set_state(qn_store_conn *c, int64_t id, const char *state,
                                     int32_t fine_mci, int64_t fine_amount, qn_err *err);
/* By region and state (either "" for any), newest first. */
qn_code qn_store_violation_search(qn_store_conn *c, const char *region, const char *state,
                                int64_t offset, int64_t limit, qn_store_violation_list *out,
                                qn_err *err);
void qn_store_violation_clear(qn_store_violation *v);
void qn_store_violation_list_free(qn_store_violation_list *l);

/* ------------------------------------------------- trusted CAs and CRLs */

typedef struct {
    int64_t id;
    char name[QN_STORE_NAME_MAX + 1];
    unsigned char *der;
    size_t der_len;
    char sha256_hex[65]; /* fingerprint of der; unique; filled by the store */
    bool enabled;
    int64_t created_at;
} qn_store_ca;

typedef struct {
    qn_store_ca *items;
    size_t count;
} qn_store_ca_list;

qn_code qn_store_ca_add(qn_store_conn *c, qn_store_ca *ca, qn_err *err);
/* Enabled CAs only if enabled_only. Ordered by id. */
qn_code qn_store_ca_all(qn_store_conn *c, bool enabled_only, qn_store_ca_list *out,
                         qn_err *err);
qn_code qn_store_ca_set_enabled(qn_store_conn *c, int64_t id, bool enabled, qn_err *err);
void qn_store_ca_list_free(qn_store_ca_list *l);

typedef struct {
    int64_t ca_id;
    unsigned char *der;
    size_t der_len;
    int64_t this_update;
    int64_t next_update;
} qn_store_crl;

typedef struct {
    qn_store_crl *items;
    size_t count;
} qn_store_crl_list;

/* Stores the CRL of a CA, replacing the previous one. */
qn_code qn_store_crl_put(qn_store_conn *c, const qn_store_crl *crl, qn_err *err);
qn_code qn_store_crl_all(qn_store_conn *c, qn_store_crl_list *out, qn_err *err);
void qn_store_crl_list_free(qn_store_crl_list *l);

/* ------------------------------------------ one-time codes, SMS outbox */

typedef struct {
    int64_t id;
    char phone[QN_STORE_PHONE_MAX + 1];
    int64_t account_id;
    char code_hash[QN_STORE_HASH_MAX + 1];
    char doc_digest[QN_STORE_HASH_MAX + 1]; /* hex digest of the document it confirms */
    int64_t expires_at;
    int32_t attempts;
    bool used;
    int64_t created_at;
} qn_store_otp;

/* Inserts a code. */
qn_code qn_store_otp_create(qn_store_conn *c, qn_store_otp *o, qn_err *err);
/* The newest unused code of the account for doc_digest. */
qn_code qn_store_otp_latest(qn_store_conn *c, int64_t account_id, const char *doc_digest,
                            qn_store_otp *out, qn_err *err);
/* Increments attempts atomically; *attempts receives the new count. */
qn_code qn_store_otp_attempt(qn_store_conn *c, int64_t id, int32_t *attempts, qn_err *err);
/* Marks used; already used: QN_E_CONFLICT. */
qn_code qn_store_otp_consume(qn_store_conn *c, int64_t id, qn_err *err);

typedef struct {
    int64_t id;
    char phone[QN_STORE_PHONE_MAX + 1];
    char text[QN_STORE_TEXT_MAX + 1];
    int64_t created_at;
    int64_t sent_at; /* 0 while pending */
} qn_store_sms;

typedef struct {
    qn_store_sms *items;
    size_t count;
} qn_store_sms_list;

qn_code qn_store_sms_enqueue(qn_store_conn *c, qn_store_sms *m, qn_err *err);
/* Up to limit pending messages, oldest first. */
qn_code qn_store_sms_pending(qn_store_conn *c, int64_t limit, qn_store_sms_list *out,
                             qn_err *err);
qn_code qn_store_sms_mark_sent(qn_store_conn *c, int64_t id, int64_t sent_at, qn_err *err);
void qn_store_sms_list_free(qn_store_sms_list *l);
/* Replaces with `replacement` the text of every outbox message created
 * before created_before whose text starts with `prefix` (apps: the SMS of an
 * expired one-time code). *changed (may be NULL) receives how many. */
qn_code qn_store_sms_redact_before(qn_store_conn *c, int64_t created_before, const char *prefix,
                                   const char *replacement, int64_t *changed, qn_err *err);

/* Mobile citizens database: IIN -> phone (import path). */
qn_code qn_store_mobile_put(qn_store_conn *c, const char *iin, const char *phone, qn_err *err);
/* phone must have QN_STORE_PHONE_MAX + 1 bytes. */
qn_code qn_store_mobile_get(qn_store_conn *c, const char *iin,
                            char phone[QN_STORE_PHONE_MAX + 1], qn_err *err);

/* ------------------------- sigapi: signatures API (src/store/sigapi.c) */

/* Trust generation: raised by every change to trusted CAs and CRLs, so a
 * cached trust set can tell it is stale. */
qn_code qn_store_trust_generation(qn_store_conn *c, int64_t *generation, qn_err *err);
qn_code qn_store_trust_bump(qn_store_conn *c, qn_err *err);

/* Login challenges by SHA-256 hex (64). _add also drops expired ones. _take
 * marks an unused, unexpired challenge used (QN_E_NOT_FOUND otherwise). */
qn_code qn_store_challenge_add(qn_store_conn *c, const char *hash_hex, int64_t created_at,
                               int64_t expires_at, qn_err *err);
qn_code qn_store_challenge_take(qn_store_conn *c, const char *hash_hex, int64_t now,
                                qn_err *err);

/* Signer bindings for login by signature: IIN (+ BIN, "" for none) -> account. */
qn_code qn_store_signer_bind(qn_store_conn *c, const char *iin, const char *bin,
                             int64_t account_id, qn_err *err);
/* Up to cap account ids bound to (iin, bin), ascending; *n receives the count. */
qn_code qn_store_signer_accounts(qn_store_conn *c, const char *iin, const char *bin,
                                 int64_t *ids, size_t cap, size_t *n, qn_err *err);
/* Up to cap ids of accounts whose iin_bin is id, ascending. */
qn_code qn_store_accounts_by_iin_bin(qn_store_conn *c, const char *id, int64_t *ids,
                                     size_t cap, size_t *n, qn_err *err);

/* What was signed and how it verified (one per signatures row). */
typedef struct {
    int64_t signature_id;
    char subject_kind[QN_STORE_CODE_MAX + 1]; /* "application", "consent", "notification" */
    int64_t subject_id;
    unsigned char *document; /* the signed bytes */
    size_t document_len;
    char doc_sha256[65];
    unsigned char *cert_der; /* the signer certificate */
    size_t cert_der_len;
    char signer_iin[QN_STORE_IIN_LEN + 1];
    char signer_bin[QN_STORE_IIN_LEN + 1]; /* "" if none */
    char subject_dn[QN_STORE_TEXT_MAX + 1];
    char issuer_dn[QN_STORE_TEXT_MAX + 1];
    char serial_hex[81];
    int64_t signing_time;
    char key_type[QN_STORE_CODE_MAX + 1];
} qn_store_signature_detail;

qn_code qn_store_signature_detail_put(qn_store_conn *c, const qn_store_signature_detail *d,
                                      qn_err *err);
qn_code qn_store_signature_detail_get(qn_store_conn *c, int64_t signature_id,
                                      qn_store_signature_detail *out, qn_err *err);
void qn_store_signature_detail_clear(qn_store_signature_detail *d);
/* One signatures row by id (owns cms; release with qn_store_signature_clear). */
qn_code qn_store_signature_get(qn_store_conn *c, int64_t id, qn_store_signature *out,
                               qn_err *err);
/* A named server secret: stores candidate if none exists yet, then reads the
 * stored one into out (cap bytes; *len its size). Concurrent callers agree. */
qn_code qn_store_secret_get_or_put(qn_store_conn *c, const char *name,
                                   const unsigned char *candidate, size_t candidate_len,
                                   unsigned char *out, size_t cap, size_t *len, qn_err *err);

/* One one-time code by id. */
qn_code qn_store_otp_get(qn_store_conn *c, int64_t id, qn_store_otp *out, qn_err *err);
/* Codes created at or after since, for phone and for account_id. */
qn_code qn_store_otp_count_since(qn_store_conn *c, const char *phone, int64_t account_id,
                                 int64_t since, int64_t *by_phone, int64_t *by_account,
                                 qn_err *err);
/* The newest outbox messages (newest first), for one phone or all (NULL/""). */
qn_code qn_store_sms_recent(qn_store_conn *c, const char *phone, int64_t limit,
                            qn_store_sms_list *out, qn_err *err);

/* ----------------------------------------------------------- idempotency */

/* What a claim found. */
typedef struct {
    bool replay;      /* true: the key was used before with the same body */
    int status;       /* the first response's HTTP status (replay only) */
    char *body;       /* the first response's body (replay only; owned, free with free()) */
} qn_store_idem;

/* Claims (account_id, key) for a request whose body has the SHA-256
 * body_digest. Must be called inside a transaction (qn_store_begin).
 *  - new key: records the claim, out->replay = false; do the work, then
 *    qn_store_idem_finish and commit: the record and the key commit together;
 *  - key done with the same digest: out->replay = true with the stored
 *    status and body; write nothing, roll back, and answer with them;
 *  - key used with another digest: QN_E_CONFLICT (sub "idempotency_mismatch").
 * A concurrent claimer of the same key waits (PostgreSQL) or is serialized
 * (SQLite) until the first commits, then sees the replay. */
qn_code qn_store_idem_claim(qn_store_conn *c, int64_t account_id, const char *key,
                            const unsigned char body_digest[QN_STORE_DIGEST_LEN],
                            qn_store_idem *out, qn_err *err);
/* Stores the response for the claimed key (same transaction). */
qn_code qn_store_idem_finish(qn_store_conn *c, int64_t account_id, const char *key, int status,
                             const char *body, qn_err *err);
/* Deletes the keys claimed before now minus the store's retention
 * (qn_store_options.idem_retention_days, default 7 days); *n deleted (may be
 * NULL). Housekeeping, not audited; the service runs it with the other
 * sweeps (src/service/auth.c). */
qn_code qn_store_idem_prune(qn_store_conn *c, int64_t now, int64_t *n, qn_err *err);
void qn_store_idem_clear(qn_store_idem *r);

/* ----------------------------------------------------------------- audit */

typedef struct {
    int64_t seq;
    int64_t at;
    int64_t actor_id;
    char actor[QN_STORE_NAME_MAX + 1];
    char action[QN_STORE_CODE_MAX + 1];  /* "create", "update", "delete", or a service verb */
    char entity[QN_STORE_CODE_MAX + 1];  /* table-like name: "notification", "application" */
    char entity_id[QN_STORE_NUMBER_MAX + 1];
    char before_hex[65];                 /* SHA-256 of the row before ("" on create) */
    char after_hex[65];                  /* SHA-256 of the row after ("" on delete) */
    char hash_hex[65];
} qn_store_audit_event;

typedef struct {
    qn_store_audit_event *items;
    size_t count;
} qn_store_audit_list;

/* Appends a service-level event (e.g. "login", "decide") in the current
 * transaction (or its own). before/after are digests or NULL. */
qn_code qn_store_audit_append(qn_store_conn *c, const char *action, const char *entity,
                              const char *entity_id, const unsigned char *before,
                              const unsigned char *after, qn_err *err);
/* Events of an entity, oldest first (entity_id NULL: all of the entity). */
qn_code qn_store_audit_list_entity(qn_store_conn *c, const char *entity, const char *entity_id,
                                   int64_t offset, int64_t limit, qn_store_audit_list *out,
                                   qn_err *err);
void qn_store_audit_list_free(qn_store_audit_list *l);

typedef struct {
    int64_t events;          /* events checked */
    bool ok;                 /* the chain is intact */
    int64_t first_broken;    /* seq of the first broken link (0 if ok) */
    char reason[256];        /* what is wrong there, for a person */
} qn_store_audit_report;

/* Walks the whole chain in order. A broken chain is not an error of the call:
 * the answer is in report (ok=false, first_broken, reason). */
qn_code qn_store_audit_verify(qn_store_conn *c, qn_store_audit_report *report, qn_err *err);

/* ------------------------------------------- application workflow (apps.c,
 * branch apps, issue 6): consents waiting for owners, the events of an
 * application, the population register and senior officers. */

/* A consent an owner owes to an application. state: "pending", "signed",
 * "refused", "closed" (the application ended before the owner answered).
 * document: the exact text the owner signs. role: "owner" or "co_owner". */
typedef struct {
    int64_t id;
    int64_t application_id;
    char owner_iin[QN_STORE_IIN_LEN + 1];
    char role[QN_STORE_CODE_MAX + 1];
    char state[QN_STORE_CODE_MAX + 1];
    char document[QN_STORE_TEXT_MAX + 1];
    int64_t signature_id; /* 0 until signed */
    int64_t created_at;
    int64_t decided_at;   /* 0 while pending */
} qn_store_consent;

typedef struct {
    qn_store_consent *items;
    size_t count;
} qn_store_consent_list;

/* Inserts a pending consent; sets id and created_at. (application, owner) unique. */
qn_code qn_store_consent_create(qn_store_conn *c, qn_store_consent *k, qn_err *err);
qn_code qn_store_consent_get(qn_store_conn *c, int64_t id, qn_store_consent *out, qn_err *err);
/* Sets state, signature_id (0: none) and decided_at of a consent that is
 * still "pending"; not pending any more: QN_E_CONFLICT (sub "consent_decided"). */
qn_code qn_store_consent_decide(qn_store_conn *c, int64_t id, const char *state,
                                int64_t signature_id, int64_t at, qn_err *err);
/* Closes every pending consent of an application. */
qn_code qn_store_consent_close_all(qn_store_conn *c, int64_t application_id, qn_err *err);
/* The consents of an application (by id), or those of owner_iin in state
 * (state "" for any; newest first, at most 200) when application_id is 0. */
qn_code qn_store_consents(qn_store_conn *c, int64_t application_id, const char *owner_iin,
                              const char *state, qn_store_consent_list *out, qn_err *err);
void qn_store_consent_list_free(qn_store_consent_list *l);

/* One transition of an application, as it happened. */
typedef struct {
    int64_t id;
    int64_t application_id;
    char event[QN_STORE_CODE_MAX + 1];
    char from_state[QN_STORE_CODE_MAX + 1];
    char to_state[QN_STORE_CODE_MAX + 1];
    int64_t actor_account_id; /* 0: the system */
    char actor_role[QN_STORE_CODE_MAX + 1];
    char text[QN_STORE_TEXT_MAX + 1];
    int64_t at;
} qn_store_app_event;

typedef struct {
    qn_store_app_event *items;
    size_t count;
} qn_store_app_event_list;

/* Appends an event (audited); sets id (at 0 means now). */
qn_code qn_store_app_event_add(qn_store_conn *c, qn_store_app_event *ev, qn_err *err);
/* The events of an application, oldest first (at most 1000). */
qn_code qn_store_app_events(qn_store_conn *c, int64_t application_id,
                                qn_store_app_event_list *out, qn_err *err);
void qn_store_app_event_list_free(qn_store_app_event_list *l);

/* A registration of a person at an address. person_key: the IIN, or
 * "DOC:<country>:<number>" for a person without one. kind: "temporary" or
 * "permanent". valid_to QN_DATE_NONE: open-ended. */
typedef struct {
    int64_t id;
    char person_key[65];
    char address_code[QN_STORE_NUMBER_MAX + 1];
    char kind[QN_STORE_CODE_MAX + 1];
    qn_date_t valid_from;
    qn_date_t valid_to;
    int64_t application_id; /* 0 if none */
    int64_t created_at;
} qn_store_residence;

typedef struct {
    qn_store_residence *items;
    size_t count;
} qn_store_residence_list;

/* Records a registration (audited); sets id and created_at. */
qn_code qn_store_residence_add(qn_store_conn *c, qn_store_residence *r, qn_err *err);
/* The registrations of a person, newest first (at most 200). */
qn_code qn_store_residences(qn_store_conn *c, const char *person_key,
                                qn_store_residence_list *out, qn_err *err);
void qn_store_residence_list_free(qn_store_residence_list *l);

/* The registrations made by the applications of one applicant account (the
 * person registered may be someone the applicant represented), newest
 * first (at most 200). */
qn_code qn_store_residences_by_applicant(qn_store_conn *c, int64_t applicant_account_id,
                                         qn_store_residence_list *out, qn_err *err);

/* A document attached to an application (migration 005). form: "electronic"
 * or "original"; digest: the SHA-256 hex of an electronic document ("" if
 * not given; only for electronic ones). position: its place in the
 * application's list (0..). */
typedef struct {
    int64_t application_id;
    int32_t position;
    char type[48];
    char number[QN_STORE_NUMBER_MAX + 1];
    char issuer[QN_STORE_NAME_MAX + 1];
    char form[QN_STORE_CODE_MAX + 1];
    char digest[65];
    qn_date_t valid_until; /* QN_DATE_NONE if not given */
} qn_store_app_document;

typedef struct {
    qn_store_app_document *items;
    size_t count;
} qn_store_app_document_list;

/* Writes the attached documents of an application (one audited event for
 * the set); positions are taken from docs[i].position. An application's
 * documents are written once: a second call for it is QN_E_CONFLICT. */
qn_code qn_store_app_documents_add(qn_store_conn *c, int64_t application_id,
                                   const qn_store_app_document *docs, size_t n, qn_err *err);
/* The attached documents of an application in position order (at most 64). */
qn_code qn_store_app_documents(qn_store_conn *c, int64_t application_id,
                               qn_store_app_document_list *out, qn_err *err);
void qn_store_app_document_list_free(qn_store_app_document_list *l);

/* The officer's queue (apps): applications of one region (required) whose
 * state is one of states[0..n_states) (1..8 of them), of kind (""
 * for any), and, when overdue_at != 0, with 0 < deadline_at < overdue_at.
 * Ordered by deadline (none last), then id; paged by offset and limit
 * (1..1000, 0 means 50); out->total counts every match. */
typedef struct {
    char region[QN_STORE_REGION_MAX + 1];
    char kind[QN_STORE_CODE_MAX + 1];
    const char *states[8];
    size_t n_states;
    int64_t overdue_at;
    int64_t offset;
    int64_t limit;
} qn_store_app_queue_filter;

qn_code qn_store_application_queue(qn_store_conn *c, const qn_store_app_queue_filter *f,
                                   qn_store_application_list *out, qn_err *err);

/* Marks (senior true) or unmarks an account as a senior officer (audited). */
qn_code qn_store_senior_set(qn_store_conn *c, int64_t account_id, bool senior, qn_err *err);
qn_code qn_store_senior_get(qn_store_conn *c, int64_t account_id, bool *senior, qn_err *err);
/* notif: batches with a savepoint per row, aggregates, the plans of the
 * notification lookups, migration cards, the atomic login gate. */
#include "store/store_notif.h"
/* ------------------------------ web: document verification (src/store/web.c) */

/* Records one failed check of a document's verification code from address
 * (client address as text) at `at`, deleting the rows older than
 * prune_before in the same transaction (joins the caller's if open). */
qn_code qn_store_verify_failure_add(qn_store_conn *c, const char *address, int64_t at, int64_t prune_before,
                                    qn_err *err);
/* Failed checks from address since `since` into *count. */
qn_code qn_store_verify_failures(qn_store_conn *c, const char *address, int64_t since, int64_t *count,
                                 qn_err *err);
/* stay control: crossings, stay documents, violations, detection's
 * candidates, self-registrations, the exit check's one-statement history. */
#include "store/store_control.h"

#endif
