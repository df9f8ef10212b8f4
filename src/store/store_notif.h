/* store_notif.h — part of the store interface (store.h includes it; include
 * store.h, not this): the operations of branch notif on notifications of
 * arrival — batches written row by row in savepoints, aggregates grouped in
 * SQL, the query plans of the lookups — and on migration cards and the
 * atomic login gate (src/store/notifications.c, cards.c, login_gate.c;
 * migration 006_notif). The conventions of store.h hold.
 */
#ifndef QN_STORE_NOTIF_H
#define QN_STORE_NOTIF_H

#include "store/store.h"

/* A batch of notifications written in the caller's transaction, each row in
 * its own savepoint so that everything a row writes (person, document,
 * address, notification, violation, notice, card) is kept or undone
 * together. Numbers are reserved for the batch in blocks and the audit chain
 * is extended in memory and written back at the end (see notifications.c).
 * Use: begin (inside qn_store_begin), then per row: row_begin, the row's
 * operations (any store operation on the same connection, the notification
 * with qn_store_batch_notification_create), row_end(keep); then end, then
 * commit. A row operation that fails leaves the transaction usable once the
 * row is ended with keep = false. */
typedef struct qn_store_batch qn_store_batch;

/* Starts a batch of at most n_numbers new notification numbers (reserved in
 * blocks as rows begin; what is unused goes back at the end, so the bound
 * may be the batch's row count). Not in a transaction: QN_E_INVALID. *out
 * is freed by qn_store_batch_end. */
qn_code qn_store_batch_begin(qn_store_conn *c, size_t n_numbers, qn_store_batch **out,
                             qn_err *err);
qn_code qn_store_batch_row_begin(qn_store_batch *b, qn_err *err);
/* Inserts a notification of the current row (as qn_store_notification_create). */
qn_code qn_store_batch_notification_create(qn_store_batch *b, qn_store_notification *n,
                                           qn_err *err);
/* Ends the row: keep it (RELEASE) or undo all it wrote (ROLLBACK TO). */
qn_code qn_store_batch_row_end(qn_store_batch *b, bool keep, qn_err *err);
/* Ends the batch: ok writes the audit head back (the caller then commits);
 * !ok forgets it (the caller rolls back). Frees b; accepts NULL. */
qn_code qn_store_batch_end(qn_store_batch *b, bool ok, qn_err *err);

/* Aggregates of notifications with arrival in [from, to]: one group per
 * citizenship, per region or per arrival day (the key is then the day number
 * as decimal text, qn_date_t), with the count and the late count,
 * optionally of one region ("" or NULL: all). GROUP BY in SQL. At most 1000
 * groups, by key; *more is set when there were more (may be NULL). */
typedef enum { QN_GROUP_BY_CITIZENSHIP, QN_GROUP_BY_REGION, QN_GROUP_BY_DAY } qn_store_group_by;
typedef struct {
    char key[QN_STORE_REGION_MAX + 1]; /* region code or citizenship; "" if unknown */
    int64_t total;
    int64_t late;
} qn_store_notification_group;

typedef struct {
    qn_store_notification_group *items;
    size_t count;
} qn_store_notification_group_list;

qn_code qn_store_notification_counts(qn_store_conn *c, const char *region, qn_date_t from,
                                     qn_date_t to, qn_store_group_by by,
                                     qn_store_notification_group_list *out, bool *more,
                                     qn_err *err);
void qn_store_notification_group_list_free(qn_store_notification_group_list *l);

/* The query plans of the notification lookups (every search shape, its
 * count and the aggregates), one block per query headed "-- <name>", into
 * out (cap bytes): EXPLAIN QUERY PLAN (SQLite) or EXPLAIN with sequential
 * scans disabled (PostgreSQL), so a plan names the index that serves it
 * whenever one can. */
qn_code qn_store_notification_explain(qn_store_conn *c, char *out, size_t cap, qn_err *err);

/* A migration card as filled at the border: number, entry date and
 * checkpoint, and the border officer's mark (stamp text) if given. One per
 * notification that carried it (notification_id unique; 0 for none). */
typedef struct {
    int64_t id;
    int64_t person_id;
    int64_t notification_id;
    char number[QN_STORE_NUMBER_MAX + 1];
    qn_date_t entry_date;
    char checkpoint[QN_STORE_NAME_MAX + 1]; /* "" if not given */
    char border_mark[QN_STORE_TEXT_MAX + 1]; /* "" if not given */
    int64_t created_at;
} qn_store_migration_card;

typedef struct {
    qn_store_migration_card *items;
    size_t count;
} qn_store_migration_card_list;

/* Inserts (audited); sets id and created_at. A second card for the same
 * notification: QN_E_CONFLICT. Unknown person or notification: QN_E_INVALID. */
qn_code qn_store_migration_card_add(qn_store_conn *c, qn_store_migration_card *m, qn_err *err);
qn_code qn_store_migration_card_of_notification(qn_store_conn *c, int64_t notification_id,
                                                qn_store_migration_card *out, qn_err *err);
/* A person's cards by entry date, id (at most 1000). */
qn_code qn_store_migration_card_list_person(qn_store_conn *c, int64_t person_id,
                                            qn_store_migration_card_list *out, qn_err *err);
void qn_store_migration_card_list_free(qn_store_migration_card_list *l);

/* The check-and-count of a login attempt, atomic across connections and
 * server instances: in one transaction, locks the gate rows of the username
 * and of the address (in that order), counts the failed attempts since
 * `since` (*by_user, *by_address; either may be NULL) and, when both are
 * under their limits, records this attempt as failed (*attempt_id) and sets
 * *admitted. A login that then succeeds calls qn_store_login_attempt_succeeded.
 * Not audited. */
qn_code qn_store_login_gate(qn_store_conn *c, const char *username, const char *address,
                            int64_t since, int64_t max_by_user, int64_t max_by_address,
                            int64_t at, bool *admitted, int64_t *attempt_id, int64_t *by_user,
                            int64_t *by_address, qn_err *err);
qn_code qn_store_login_attempt_succeeded(qn_store_conn *c, int64_t attempt_id, qn_err *err);
/* Deletes gates not touched since `before`. */
qn_code qn_store_login_gate_prune(qn_store_conn *c, int64_t before, qn_err *err);


#endif
