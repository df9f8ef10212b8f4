/* notifications.c — notifications of arrival: insert (one, a bulk array or
 * a batch of rows), read, status changes, the searches and the aggregates.
 *
 * Numbers "N-YYYY-NNNNNN" come from the yearly counter in the same
 * transaction as the insert, so a rolled-back insert gives its number back.
 *
 * Searches. Each filter shape has its own statement, written so that the
 * index of its leading column serves both the WHERE and the ORDER BY
 * (arrival_date DESC, id DESC: stable under paging):
 *   host + dates [+ status]    notifications_host_date
 *   person + dates [+ status]  notifications_person
 *   region + dates [+ status]  notifications_region_date (migration 005)
 *   status + dates             notifications_status_date (005)
 *   dates only                 notifications_arrival (005)
 * An open date range is bound as the widest one, so the range is always a
 * range scan on the index. There is no "(param = 0 OR col = param)" clause:
 * such a clause hides the index from both planners. The aggregates group
 * in SQL over notifications_stats (arrival_date, region, citizenship,
 * on_time) or the region index. qn_store_notification_explain prints every
 * plan; the conformance suite checks that each names its index.
 *
 * Batches (qn_store_batch_*): a batch runs in the caller's transaction;
 * every row in a savepoint, so a row that breaks a constraint is undone
 * alone with all it wrote (on PostgreSQL a failed statement would otherwise
 * abort the whole transaction). Rows updated once per insert elsewhere (the
 * year's counter, the audit head) are updated once per batch: numbers are
 * reserved a block at a time (the unused end given back) and the
 * audit chain is extended in memory and written back at the end. On
 * PostgreSQL this matters: re-updating one row thousands of times in one
 * transaction makes a chain of row versions that every later update walks.
 * qn_store_notifications_bulk is a batch of bare notification rows.
 *
 * Duplicates: a row with refuse_duplicate carries dup_key "host:person:day"
 * (unique index notifications_dup); the insert looks it up first to name the
 * notification on record, and the index settles concurrent inserts.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/store_internal.h"

#define NOTIF_COLS                                                                                 \
    "id, number, host_account_id, person_id, entry_date, checkpoint, arrival_date, "               \
    "COALESCE(address_code, ''), stay_from, stay_to, purpose, deadline, on_time, status, "         \
    "created_at, payload, region, citizenship"
static const char *const notif_digest = "SELECT * FROM notifications WHERE id = $1";

/* Bounds of an open date range (qn_date_t days; far outside any real date). */
#define DATE_LOW (-1000000)
#define DATE_HIGH 1000000

static qn_code read_notification(qs_q *q, void *item)
{
    qn_store_notification *n = item;
    n->id = qs_get_int(q, 0);
    QS_STR(q, 1, n->number);
    n->host_account_id = qs_get_int(q, 2);
    n->person_id = qs_get_int(q, 3);
    n->entry_date = qs_get_date(q, 4);
    QS_STR(q, 5, n->checkpoint);
    n->arrival_date = qs_get_date(q, 6);
    QS_STR(q, 7, n->address_code);
    n->stay_from = qs_get_date(q, 8);
    n->stay_to = qs_get_date(q, 9);
    QS_STR(q, 10, n->purpose);
    n->deadline = qs_get_date(q, 11);
    n->on_time = qs_get_int(q, 12) != 0;
    QS_STR(q, 13, n->status);
    n->created_at = qs_get_int(q, 14);
    QS_STR(q, 16, n->region);
    QS_STR(q, 17, n->citizenship);
    return qs_get_strdup(q, 15, &n->payload, NULL);
}

static qn_code check_notification(const qn_store_notification *n, qn_err *err)
{
    QS_FIELD(err, n, number, "number");
    QS_FIELD(err, n, checkpoint, "checkpoint");
    QS_FIELD(err, n, address_code, "address_code");
    QS_FIELD(err, n, purpose, "purpose");
    QS_FIELD(err, n, status, "status");
    QS_FIELD(err, n, region, "region");
    QS_FIELD(err, n, citizenship, "citizenship");
    if (n->payload != NULL && strnlen(n->payload, QN_STORE_JSON_MAX + 1) > QN_STORE_JSON_MAX)
        return qs_too_large(err, "payload", QN_STORE_JSON_MAX);
    const struct {
        const char *name;
        qn_date_t value;
    } dates[] = {{"entry_date", n->entry_date}, {"arrival_date", n->arrival_date},
                 {"stay_from", n->stay_from},   {"stay_to", n->stay_to},
                 {"deadline", n->deadline}};
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++)
        if (dates[i].value == QN_DATE_NONE) {
            qn_err_set(err, QN_E_INVALID, "%s is required", dates[i].name);
            return qn_err_field(err, dates[i].name, "is required");
        }
    return QN_OK;
}

/* Numbers reserved in advance by a batch (one counter update for the whole
 * batch instead of one per row). */
typedef struct {
    int year;
    int64_t next, end;
} reserved;

/* The notification on record with this duplicate key: QN_E_CONFLICT naming
 * it, QN_OK when there is none. */
static qn_code check_duplicate(qn_store_conn *c, const char *key, const qn_store_notification *n,
                               qn_err *err)
{
    static const char *const sql = "SELECT number FROM notifications WHERE dup_key = $1";
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, key);
    int r = qs_step(&q, err);
    char number[QN_STORE_NUMBER_MAX + 1] = "";
    if (r == 1)
        QS_STR(&q, 0, number);
    qs_done(&q);
    if (r < 0)
        return err != NULL && err->code != QN_OK ? err->code : QN_E_INTERNAL;
    if (r == 0)
        return QN_OK;
    char day[QN_DATE_STRLEN];
    qn_err_set(err, QN_E_CONFLICT,
               "this host has already notified this foreigner's arrival on %s: notification %s",
               qn_date_format(n->arrival_date, day), number);
    qn_err_sub(err, "duplicate_notification");
    return QN_E_CONFLICT;
}

/* Inserts one notification in the open transaction (number, audit included). */
static qn_code insert_one(qn_store_conn *c, qn_store_notification *n, reserved *nums,
                          qn_err *err)
{
    static const char *const sql =
        "INSERT INTO notifications (number, host_account_id, person_id, entry_date, checkpoint, "
        "arrival_date, address_code, stay_from, stay_to, purpose, deadline, on_time, status, "
        "created_at, payload, region, citizenship, dup_key) VALUES ($1, $2, $3, $4, $5, $6, $7, "
        "$8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING *";
    qn_code rc = check_notification(n, err);
    if (rc != QN_OK)
        return rc;
    if (n->created_at == 0)
        n->created_at = qs_now();
    if (n->status[0] == '\0')
        snprintf(n->status, sizeof n->status, "submitted");
    char dup_key[80] = "";
    bool counts = strcmp(n->status, "rejected") != 0 && strcmp(n->status, "cancelled") != 0;
    if (n->refuse_duplicate && counts) {
        snprintf(dup_key, sizeof dup_key, "%" PRId64 ":%" PRId64 ":%d", n->host_account_id,
                 n->person_id, (int)n->arrival_date);
        rc = check_duplicate(c, dup_key, n, err);
        if (rc != QN_OK)
            return rc;
    }
    bool assigned = false;
    if (n->number[0] == '\0') {
        if (nums != NULL && nums->next < nums->end && qs_year_kz(n->created_at) == nums->year) {
            snprintf(n->number, sizeof n->number, "N-%04d-%06lld", nums->year,
                     (long long)nums->next++);
        } else {
            rc = qs_next_number(c, "N", n->created_at, n->number, sizeof n->number, err);
            if (rc != QN_OK)
                return rc;
        }
        assigned = true;
    }
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, n->number);
    qs_int(&q, 2, n->host_account_id);
    qs_int(&q, 3, n->person_id);
    qs_date(&q, 4, n->entry_date);
    qs_text(&q, 5, n->checkpoint);
    qs_date(&q, 6, n->arrival_date);
    qs_text_opt(&q, 7, n->address_code);
    qs_date(&q, 8, n->stay_from);
    qs_date(&q, 9, n->stay_to);
    qs_text(&q, 10, n->purpose);
    qs_date(&q, 11, n->deadline);
    qs_int(&q, 12, n->on_time ? 1 : 0);
    qs_text(&q, 13, n->status);
    qs_int(&q, 14, n->created_at);
    qs_text(&q, 15, n->payload != NULL ? n->payload : "{}");
    qs_text(&q, 16, n->region);
    qs_text(&q, 17, n->citizenship);
    qs_text_opt(&q, 18, dup_key);
    rc = qs_insert_audited(&q, "notification", &n->id, err);
    if (rc == QN_E_CONFLICT && dup_key[0] != '\0' && err != NULL &&
        strstr(err->message, "dup_key") != NULL) {
        /* A concurrent twin committed between the lookup and the insert:
         * the unique index refused this one. */
        char day[QN_DATE_STRLEN];
        qn_err_set(err, QN_E_CONFLICT,
                   "this host has just notified this foreigner's arrival on %s (a concurrent "
                   "submission)",
                   qn_date_format(n->arrival_date, day));
        qn_err_sub(err, "duplicate_notification");
    }
    if (rc != QN_OK && assigned)
        n->number[0] = '\0';
    return rc;
}

qn_code qn_store_notification_create(qn_store_conn *c, qn_store_notification *n, qn_err *err)
{
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    rc = insert_one(c, n, NULL, err);
    return qs_wend(c, own, rc, err);
}

static qn_code get_by(qn_store_conn *c, const char *sql, int64_t id, const char *text,
                      qn_store_notification *out, qn_err *err)
{
    qs_q q;
    qs_init(&q, c, sql);
    if (text != NULL)
        qs_text(&q, 1, text);
    else
        qs_int(&q, 1, id);
    qn_code rc = qs_one(&q, "notification", err);
    if (rc == QN_OK) {
        memset(out, 0, sizeof *out);
        rc = read_notification(&q, out);
        if (rc != QN_OK)
            qn_err_set(err, rc, "out of memory");
    }
    qs_done(&q);
    return rc;
}

qn_code qn_store_notification_get(qn_store_conn *c, int64_t id, qn_store_notification *out,
                                  qn_err *err)
{
    static const char *const sql = "SELECT " NOTIF_COLS " FROM notifications WHERE id = $1";
    return get_by(c, sql, id, NULL, out, err);
}

qn_code qn_store_notification_by_number(qn_store_conn *c, const char *number,
                                        qn_store_notification *out, qn_err *err)
{
    static const char *const sql = "SELECT " NOTIF_COLS " FROM notifications WHERE number = $1";
    qn_code rc = qs_check_str(err, "number", number, QN_STORE_NUMBER_MAX, true);
    if (rc != QN_OK)
        return rc;
    return get_by(c, sql, 0, number, out, err);
}

qn_code qn_store_notification_set_status(qn_store_conn *c, int64_t id, const char *status,
                                         qn_err *err)
{
    /* A rejected or cancelled notification no longer blocks a new one. */
    static const char *const sql =
        "UPDATE notifications SET status = $2, dup_key = CASE WHEN $2 IN ('rejected', "
        "'cancelled') THEN NULL ELSE dup_key END WHERE id = $1";
    qn_code rc = qs_check_str(err, "status", status, QN_STORE_CODE_MAX, true);
    if (rc != QN_OK)
        return rc;
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    unsigned char before[QN_STORE_DIGEST_LEN];
    bool found = false;
    rc = qs_row_digest(c, notif_digest, id, NULL, before, &found, err);
    if (rc == QN_OK && !found)
        rc = qn_err_set(err, QN_E_NOT_FOUND, "notification %" PRId64 " not found", id);
    if (rc == QN_OK) {
        qs_q q;
        qs_init(&q, c, sql);
        qs_int(&q, 1, id);
        qs_text(&q, 2, status);
        rc = qs_run(&q, err);
        qs_done(&q);
    }
    if (rc == QN_OK)
        rc = qs_audit_row(c, "set_status", "notification", notif_digest, id, NULL, before, err);
    return qs_wend(c, own, rc, err);
}

/* ------------------------------------------------------------ searches */

/* The WHERE clause of each shape. Keyed shapes: $1 the key, $2..$3 the
 * dates, $4 the status when filtered too. */
#define W_HOST " WHERE host_account_id = $1 AND arrival_date BETWEEN $2 AND $3"
#define W_PERSON " WHERE person_id = $1 AND arrival_date BETWEEN $2 AND $3"
#define W_REGION " WHERE region = $1 AND arrival_date BETWEEN $2 AND $3"
#define W_STATUS " WHERE status = $1 AND arrival_date BETWEEN $2 AND $3"
#define W_DATES " WHERE arrival_date BETWEEN $1 AND $2"
/* The status of a keyed shape filters the rows of the key's index; written
 * as an expression so that neither planner prefers the status index (SQLite
 * picked it for host + status without statistics, scanning every submitted
 * notification of the period for one hotel's few). */
#define AND_STATUS " AND status || '' = $4"
#define ORDER " ORDER BY arrival_date DESC, id DESC"

typedef enum { KEY_NONE, KEY_INT, KEY_TEXT } key_kind;

typedef struct {
    const char *name;
    key_kind key;
    bool and_status; /* $4 is the status */
    const char *count_sql, *list_sql;
    const char *explain_lite, *explain_pg, *explain_count_lite, *explain_count_pg;
} shape;

#define SHAPE(name, key, and_status, where, page)                                                  \
    {name,                                                                                         \
     key,                                                                                          \
     and_status,                                                                                   \
     "SELECT COUNT(*) FROM notifications" where,                                                   \
     "SELECT " NOTIF_COLS " FROM notifications" where ORDER page,                                  \
     "EXPLAIN QUERY PLAN SELECT " NOTIF_COLS " FROM notifications" where ORDER page,               \
     "EXPLAIN SELECT " NOTIF_COLS " FROM notifications" where ORDER page,                          \
     "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM notifications" where,                                \
     "EXPLAIN SELECT COUNT(*) FROM notifications" where}

enum { S_HOST, S_HOST_ST, S_PERSON, S_PERSON_ST, S_REGION, S_REGION_ST, S_STATUS, S_DATES, S_N };

static const shape shapes[S_N] = {
    SHAPE("host", KEY_INT, false, W_HOST, " LIMIT $4 OFFSET $5"),
    SHAPE("host+status", KEY_INT, true, W_HOST AND_STATUS, " LIMIT $5 OFFSET $6"),
    SHAPE("person", KEY_INT, false, W_PERSON, " LIMIT $4 OFFSET $5"),
    SHAPE("person+status", KEY_INT, true, W_PERSON AND_STATUS, " LIMIT $5 OFFSET $6"),
    SHAPE("region", KEY_TEXT, false, W_REGION, " LIMIT $4 OFFSET $5"),
    SHAPE("region+status", KEY_TEXT, true, W_REGION AND_STATUS, " LIMIT $5 OFFSET $6"),
    SHAPE("status", KEY_TEXT, false, W_STATUS, " LIMIT $4 OFFSET $5"),
    SHAPE("dates", KEY_NONE, false, W_DATES, " LIMIT $3 OFFSET $4"),
};

/* Picks the shape of f: QN_E_INVALID when more than one key is given. */
static qn_code pick_shape(const qn_store_notification_filter *f, int *out, qn_err *err)
{
    int keys = (f->host_account_id != 0) + (f->person_id != 0) + (f->region[0] != '\0');
    if (keys > 1) {
        qn_err_set(err, QN_E_INVALID, "a search filters by at most one of host, person, region");
        return qn_err_field(err, "filter", "give one of host_account_id, person_id, region");
    }
    bool st = f->status[0] != '\0';
    if (f->host_account_id != 0)
        *out = st ? S_HOST_ST : S_HOST;
    else if (f->person_id != 0)
        *out = st ? S_PERSON_ST : S_PERSON;
    else if (f->region[0] != '\0')
        *out = st ? S_REGION_ST : S_REGION;
    else
        *out = st ? S_STATUS : S_DATES;
    return QN_OK;
}

/* Binds the shape's parameters; returns the number bound. */
static int bind_shape(qs_q *q, const shape *s, const qn_store_notification_filter *f)
{
    int i = 1;
    if (s->key == KEY_INT)
        qs_int(q, i++, f->host_account_id != 0 ? f->host_account_id : f->person_id);
    else if (s->key == KEY_TEXT)
        qs_text(q, i++, f->region[0] != '\0' ? f->region : f->status);
    qs_int(q, i++, f->has_range ? f->arrival_from : DATE_LOW);
    qs_int(q, i++, f->has_range ? f->arrival_to : DATE_HIGH);
    if (s->and_status)
        qs_text(q, i++, f->status);
    return i - 1;
}

qn_code qn_store_notification_search(qn_store_conn *c, const qn_store_notification_filter *f,
                                     qn_store_notification_list *out, qn_err *err)
{
    memset(out, 0, sizeof *out);
    QS_FIELD(err, f, status, "status");
    QS_FIELD(err, f, region, "region");
    int64_t limit = f->limit, offset = f->offset;
    qn_code rc = qs_limit(&limit, &offset, err);
    int k = 0;
    if (rc == QN_OK)
        rc = pick_shape(f, &k, err);
    if (rc != QN_OK)
        return rc;
    const shape *s = &shapes[k];
    qs_q q;
    qs_init(&q, c, s->count_sql);
    bind_shape(&q, s, f);
    rc = qs_one(&q, "count", err);
    if (rc == QN_OK)
        out->total = qs_get_int(&q, 0);
    qs_done(&q);
    if (rc != QN_OK)
        return rc;
    qs_init(&q, c, s->list_sql);
    int n = bind_shape(&q, s, f);
    qs_int(&q, n + 1, limit);
    qs_int(&q, n + 2, offset);
    void *items;
    rc = qs_collect(&q, (size_t)limit, sizeof *out->items, read_notification, &items, &out->count,
                    err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK) {
        if (err != NULL && err->code == QN_OK)
            qn_err_set(err, rc, "out of memory");
        qn_store_notification_list_free(out);
    }
    return rc;
}

void qn_store_notification_clear(qn_store_notification *n)
{
    if (n == NULL)
        return;
    free(n->payload);
    n->payload = NULL;
}

void qn_store_notification_list_free(qn_store_notification_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->count; i++)
        qn_store_notification_clear(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

/* ---------------------------------------------------------- aggregates */

#define GROUPS_MAX 1000
#define G_LATE ", COUNT(*), SUM(CASE WHEN on_time = 0 THEN 1 ELSE 0 END) FROM notifications"
#define G_ALL " WHERE arrival_date BETWEEN $1 AND $2"
#define G_ONE " WHERE region = $3 AND arrival_date BETWEEN $1 AND $2"
#define G_REGION " GROUP BY region ORDER BY region LIMIT 1001"
#define G_CIT " GROUP BY citizenship ORDER BY citizenship LIMIT 1001"
#define G_DAY " GROUP BY arrival_date ORDER BY arrival_date LIMIT 1001"
#define G_DAY_KEY "SELECT CAST(arrival_date AS TEXT)"

/* [qn_store_group_by][one region] */
#define GROUP_SQL(pre)                                                                             \
    {                                                                                              \
        {pre "SELECT citizenship" G_LATE G_ALL G_CIT, pre "SELECT citizenship" G_LATE G_ONE G_CIT}, \
            {pre "SELECT region" G_LATE G_ALL G_REGION, pre "SELECT region" G_LATE G_ONE G_REGION}, \
            {pre G_DAY_KEY G_LATE G_ALL G_DAY, pre G_DAY_KEY G_LATE G_ONE G_DAY},                     \
    }
static const char *const group_sql[3][2] = GROUP_SQL("");
static const char *const group_explain_lite[3][2] = GROUP_SQL("EXPLAIN QUERY PLAN ");
static const char *const group_explain_pg[3][2] = GROUP_SQL("EXPLAIN ");

static qn_code read_group(qs_q *q, void *item)
{
    qn_store_notification_group *g = item;
    QS_STR(q, 0, g->key);
    g->total = qs_get_int(q, 1);
    g->late = qs_get_int(q, 2);
    return QN_OK;
}

static void bind_group(qs_q *q, const char *region, qn_date_t from, qn_date_t to)
{
    qs_int(q, 1, from != QN_DATE_NONE ? from : DATE_LOW);
    qs_int(q, 2, to != QN_DATE_NONE ? to : DATE_HIGH);
    if (region != NULL && region[0] != '\0')
        qs_text(q, 3, region);
}

qn_code qn_store_notification_counts(qn_store_conn *c, const char *region, qn_date_t from,
                                     qn_date_t to, qn_store_group_by by,
                                     qn_store_notification_group_list *out, bool *more,
                                     qn_err *err)
{
    memset(out, 0, sizeof *out);
    if (more != NULL)
        *more = false;
    qn_code rc = qs_check_str(err, "region", region, QN_STORE_REGION_MAX, false);
    if (rc != QN_OK)
        return rc;
    bool one = region != NULL && region[0] != '\0';
    qs_q q;
    if (by < QN_GROUP_BY_CITIZENSHIP || by > QN_GROUP_BY_DAY)
        return qn_err_set(err, QN_E_INVALID, "unknown grouping %d", (int)by);
    qs_init(&q, c, group_sql[by][one]);
    bind_group(&q, region, from, to);
    void *items;
    rc = qs_collect(&q, GROUPS_MAX + 1, sizeof *out->items, read_group, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK) {
        if (err != NULL && err->code == QN_OK)
            qn_err_set(err, rc, "out of memory");
        qn_store_notification_group_list_free(out);
        return rc;
    }
    if (out->count > GROUPS_MAX) {
        out->count = GROUPS_MAX;
        if (more != NULL)
            *more = true;
    }
    return QN_OK;
}

void qn_store_notification_group_list_free(qn_store_notification_group_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

/* ------------------------------------------------------------- explain */

static void append(char *out, size_t cap, size_t *len, const char *a, const char *b)
{
    int k = snprintf(out + *len, cap - *len, "%s%s\n", a, b);
    if (k > 0)
        *len = *len + (size_t)k < cap ? *len + (size_t)k : cap - 1;
}

/* Runs one EXPLAIN (parameters bound by bind) and appends its lines. */
static qn_code explain_one(qn_store_conn *c, const char *name, const char *sql, bool lite,
                           const shape *s, const qn_store_notification_filter *f, bool group,
                           char *out, size_t cap, size_t *len, qn_err *err)
{
    append(out, cap, len, "-- ", name);
    qs_q q;
    qs_init(&q, c, sql);
    if (s != NULL) {
        int n = bind_shape(&q, s, f);
        if (strstr(sql, "LIMIT") != NULL) {
            qs_int(&q, n + 1, 50);
            qs_int(&q, n + 2, 0);
        }
    } else if (group) {
        bind_group(&q, f->region, f->arrival_from, f->arrival_to);
    }
    int r;
    while ((r = qs_step(&q, err)) == 1)
        append(out, cap, len, "   ", qs_get_text(&q, lite ? 3 : 0));
    qs_done(&q);
    if (r < 0)
        return err != NULL && err->code != QN_OK ? err->code : QN_E_INTERNAL;
    return QN_OK;
}

qn_code qn_store_notification_explain(qn_store_conn *c, char *out, size_t cap, qn_err *err)
{
    if (cap == 0)
        return qn_err_set(err, QN_E_INVALID, "no room for the plan");
    out[0] = '\0';
    bool lite = c->drv == &qs_sqlite_driver;
    bool own = false;
    qn_code rc = QN_OK;
    if (!lite) {
        /* Plans as they would be with the index preferred: proves the index
         * can serve the statement, whatever the table's size today. */
        rc = qs_wbegin(c, &own, err);
        if (rc == QN_OK)
            rc = qs_script(c, "SET LOCAL enable_seqscan = off", err);
    }
    size_t len = 0;
    qn_store_notification_filter f;
    memset(&f, 0, sizeof f);
    f.has_range = true;
    f.arrival_from = 20000;
    f.arrival_to = 20100;
    for (int k = 0; rc == QN_OK && k < S_N; k++) {
        const shape *s = &shapes[k];
        memset(&f.status, 0, sizeof f.status);
        memset(&f.region, 0, sizeof f.region);
        f.host_account_id = f.person_id = 0;
        if (k == S_HOST || k == S_HOST_ST)
            f.host_account_id = 1;
        else if (k == S_PERSON || k == S_PERSON_ST)
            f.person_id = 1;
        else if (k == S_REGION || k == S_REGION_ST)
            snprintf(f.region, sizeof f.region, "75");
        if (s->and_status || k == S_STATUS)
            snprintf(f.status, sizeof f.status, "submitted");
        char name[64];
        snprintf(name, sizeof name, "list %s", s->name);
        rc = explain_one(c, name, lite ? s->explain_lite : s->explain_pg, lite, s, &f, false, out,
                         cap, &len, err);
        snprintf(name, sizeof name, "count %s", s->name);
        if (rc == QN_OK)
            rc = explain_one(c, name, lite ? s->explain_count_lite : s->explain_count_pg, lite, s,
                             &f, false, out, cap, &len, err);
    }
    static const char *const gnames[3][2] = {{"counts by citizenship", "counts by citizenship of a region"},
                                             {"counts by region", "counts of a region"},
                                             {"counts by day", "counts by day of a region"}};
    for (int by = 0; rc == QN_OK && by < 3; by++)
        for (int one = 0; rc == QN_OK && one < 2; one++) {
            memset(&f.region, 0, sizeof f.region);
            if (one)
                snprintf(f.region, sizeof f.region, "75");
            rc = explain_one(c, gnames[by][one], lite ? group_explain_lite[by][one] : group_explain_pg[by][one],
                             lite, NULL, &f, true, out, cap, &len, err);
        }
    if (!lite && own)
        qn_store_rollback(c); /* nothing was written; SET LOCAL ends here */
    return rc;
}

/* ------------------------------------------------------------- batches */

struct qn_store_batch {
    qn_store_conn *c;
    reserved nums;
    int64_t allowed; /* numbers the batch may still reserve */
    bool in_row;
    bool row_failed; /* the row's notification insert failed */
};

/* Numbers are reserved a block at a time, at a row's start (outside its
 * savepoint: a row undone keeps the block reserved, so its numbers are
 * never handed out twice), and the unused end of the last block is given
 * back at the batch's end. So the caller need not count its valid rows
 * first; the numbering has no gap but those of rows undone after taking
 * their number (a constraint broken by a later write of the row). */
#define BATCH_NUMBER_BLOCK 1024

qn_code qn_store_batch_begin(qn_store_conn *c, size_t n_numbers, qn_store_batch **out,
                             qn_err *err)
{
    *out = NULL;
    if (!c->in_tx)
        return qn_err_set(err, QN_E_INVALID, "a batch runs inside a transaction (qn_store_begin)");
    if (n_numbers > 1000000)
        return qn_err_set(err, QN_E_TOO_LARGE, "a batch reserves at most 1000000 numbers");
    qn_store_batch *b = calloc(1, sizeof *b);
    if (b == NULL)
        return qn_err_set(err, QN_E_NOMEM, "out of memory");
    b->c = c;
    b->nums.year = qs_year_kz(qs_now());
    b->allowed = (int64_t)n_numbers;
    qn_code rc = qs_audit_bulk_begin(c, err);
    if (rc != QN_OK) {
        c->tx_failed = true;
        free(b);
        return rc;
    }
    *out = b;
    return QN_OK;
}

/* The next block of numbers once the last is used up. */
static qn_code reserve_block(qn_store_batch *b, qn_err *err)
{
    if (b->nums.next < b->nums.end || b->allowed == 0)
        return QN_OK;
    int64_t k = b->allowed < BATCH_NUMBER_BLOCK ? b->allowed : BATCH_NUMBER_BLOCK;
    qn_code rc = qs_reserve_numbers(b->c, "N", b->nums.year, k, &b->nums.next, err);
    if (rc != QN_OK)
        return rc;
    b->nums.end = b->nums.next + k;
    b->allowed -= k;
    return QN_OK;
}

/* Gives the unused end of the last block back to the year's counter, if
 * the counter still ends there (it does unless a row of another year's
 * clock took a number after it: the gap is then left). The counter's row
 * stays locked by this transaction from the first reservation (PostgreSQL's
 * row lock; SQLite's write lock), so nobody else took a number since. */
static qn_code give_back(qn_store_batch *b, qn_err *err)
{
    static const char *const sql =
        "UPDATE counters SET value = value - $3 WHERE name = 'N' AND year = $1 AND value = $2";
    int64_t unused = b->nums.end - b->nums.next;
    if (unused <= 0)
        return QN_OK;
    qs_q q;
    qs_init(&q, b->c, sql);
    qs_int(&q, 1, b->nums.year);
    qs_int(&q, 2, b->nums.end - 1);
    qs_int(&q, 3, unused);
    qn_code rc = qs_run(&q, err);
    qs_done(&q);
    if (rc == QN_OK)
        b->nums.end = b->nums.next;
    return rc;
}

qn_code qn_store_batch_row_begin(qn_store_batch *b, qn_err *err)
{
    if (b->in_row)
        return qn_err_set(err, QN_E_INVALID, "the previous row of the batch was not ended");
    if (b->c->tx_failed)
        return qn_err_set(err, QN_E_INTERNAL, "transaction already failed");
    qn_code rc = reserve_block(b, err);
    if (rc == QN_OK)
        rc = qn_store_savepoint(b->c, err); /* saves the audit head too (group.c) */
    if (rc != QN_OK) {
        b->c->tx_failed = true;
        return rc;
    }
    b->in_row = true;
    b->row_failed = false;
    return QN_OK;
}

qn_code qn_store_batch_notification_create(qn_store_batch *b, qn_store_notification *n,
                                           qn_err *err)
{
    if (!b->in_row)
        return qn_err_set(err, QN_E_INVALID, "a batch row must be begun first");
    qn_code rc = insert_one(b->c, n, &b->nums, err);
    if (rc != QN_OK) {
        n->id = 0;
        b->row_failed = true;
    }
    return rc;
}

qn_code qn_store_batch_row_end(qn_store_batch *b, bool keep, qn_err *err)
{
    if (!b->in_row)
        return qn_err_set(err, QN_E_INVALID, "no batch row is open");
    qn_store_conn *c = b->c;
    b->in_row = false;
    qn_code rc;
    if (keep && !c->tx_failed && !b->row_failed) {
        rc = qn_store_savepoint_release(c, err);
    } else {
        /* Undo the row: the database back to the savepoint, the audit chain
         * in memory back to where the row began, and the transaction usable
         * again (a row operation that failed marked it failed). */
        rc = qn_store_savepoint_rollback(c, err);
        if (rc == QN_OK) {
            if (keep) /* the caller missed the row's failure: say so */
                return qn_err_set(err, QN_E_INTERNAL, "the row failed, so it was undone");
            return QN_OK;
        }
    }
    if (rc != QN_OK)
        c->tx_failed = true;
    return rc;
}

qn_code qn_store_batch_end(qn_store_batch *b, bool ok, qn_err *err)
{
    if (b == NULL)
        return QN_OK;
    qn_store_conn *c = b->c;
    qn_code rc = QN_OK;
    if (b->in_row)
        rc = qn_store_batch_row_end(b, false, err);
    if (ok && rc == QN_OK && !c->tx_failed)
        rc = give_back(b, err);
    if (c->audit_bulk) {
        if (ok && rc == QN_OK && !c->tx_failed)
            rc = qs_audit_bulk_end(c, err);
        else
            qs_audit_bulk_abort(c);
    }
    if (rc != QN_OK)
        c->tx_failed = true;
    free(b);
    return rc;
}

qn_code qn_store_notifications_bulk(qn_store_conn *c, qn_store_notification *rows, size_t n,
                                    bool all_or_nothing, qn_store_row_result *results,
                                    size_t *n_ok, qn_err *err)
{
    if (n_ok != NULL)
        *n_ok = 0;
    if (n > 100000)
        return qn_err_set(err, QN_E_TOO_LARGE, "a batch holds at most 100000 rows (got %zu)", n);
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    size_t ok = 0, failed = 0;
    memset(results, 0, n * sizeof *results);
    int year = qs_year_kz(qs_now());
    size_t want = 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i].number[0] == '\0' &&
            (rows[i].created_at == 0 || qs_year_kz(rows[i].created_at) == year))
            want++;
    qn_store_batch *b = NULL;
    if (n > 0)
        rc = qn_store_batch_begin(c, want, &b, err);
    for (size_t i = 0; i < n && rc == QN_OK; i++) {
        qn_store_row_result *r = &results[i];
        rc = qn_store_batch_row_begin(b, err);
        if (rc != QN_OK)
            break;
        qn_err row_err;
        qn_err_clear(&row_err);
        qn_code row_rc = qn_store_batch_notification_create(b, &rows[i], &row_err);
        if (row_rc == QN_OK) {
            rc = qn_store_batch_row_end(b, true, err);
            r->code = QN_OK;
            r->id = rows[i].id;
            snprintf(r->number, sizeof r->number, "%s", rows[i].number);
            ok++;
        } else {
            r->code = row_rc;
            snprintf(r->message, sizeof r->message, "%s", row_err.message);
            failed++;
            if (row_rc == QN_E_UNAVAILABLE || row_rc == QN_E_NOMEM || row_rc == QN_E_INTERNAL) {
                rc = qn_err_set(err, row_rc, "row %zu: %s", i, row_err.message);
                break;
            }
            rc = qn_store_batch_row_end(b, false, err);
        }
    }
    qn_code end = qn_store_batch_end(b, rc == QN_OK, err);
    if (rc == QN_OK)
        rc = end;
    if (rc == QN_OK && all_or_nothing && failed > 0)
        rc = qn_err_set(err, QN_E_INVALID, "%zu of %zu rows failed; nothing was recorded", failed,
                        n);
    rc = qs_wend(c, own, rc, err);
    if (rc != QN_OK) {
        for (size_t i = 0; i < n; i++)
            if (results[i].code == QN_OK) {
                results[i].code = rc;
                results[i].id = 0;
                results[i].number[0] = '\0';
                snprintf(results[i].message, sizeof results[i].message,
                         "not recorded: the batch was rolled back");
                rows[i].id = 0;
            }
        return rc;
    }
    if (n_ok != NULL)
        *n_ok = ok;
    return QN_OK;
}
