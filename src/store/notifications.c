/* notifications.c — notifications of arrival: insert (one or a batch), read,
 * status changes, and the host's list.
 *
 * Numbers "N-YYYY-NNNNNN" come from the yearly counter in the same
 * transaction as the insert, so a rolled-back insert gives its number back.
 * The host's list uses the index notifications(host_account_id,
 * arrival_date DESC, id DESC): the order is stable under paging.
 *
 * The bulk path inserts up to 100,000 rows in one transaction. Each row runs
 * inside a savepoint, so a row that breaks a constraint is undone alone (on
 * PostgreSQL a failed statement would otherwise abort the whole
 * transaction) and its error is reported in its result. Rows updated once
 * per insert elsewhere (the year's counter, the audit head) are updated once
 * per batch here: numbers are reserved as a block (a failed row leaves a gap
 * in the numbering) and the audit chain is extended in memory and written
 * back at the end. On PostgreSQL this matters: re-updating one row thousands
 * of times in one transaction makes a chain of row versions that every
 * later update walks.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/store_internal.h"

#define NOTIF_COLS                                                                                 \
    "id, number, host_account_id, person_id, entry_date, checkpoint, arrival_date, "               \
    "COALESCE(address_code, ''), stay_from, stay_to, purpose, deadline, on_time, status, "         \
    "created_at, payload"
static const char *const notif_digest = "SELECT * FROM notifications WHERE id = $1";

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
    return qs_get_strdup(q, 15, &n->payload, NULL);
}

static qn_code check_notification(const qn_store_notification *n, qn_err *err)
{
    QS_FIELD(err, n, number, "number");
    QS_FIELD(err, n, checkpoint, "checkpoint");
    QS_FIELD(err, n, address_code, "address_code");
    QS_FIELD(err, n, purpose, "purpose");
    QS_FIELD(err, n, status, "status");
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

/* Numbers reserved in advance by the bulk path (one counter update for the
 * whole batch instead of one per row). */
typedef struct {
    int year;
    int64_t next, end;
} reserved;

/* Inserts one notification in the open transaction (number, audit included). */
static qn_code insert_one(qn_store_conn *c, qn_store_notification *n, reserved *nums,
                          qn_err *err)
{
    static const char *const sql =
        "INSERT INTO notifications (number, host_account_id, person_id, entry_date, checkpoint, "
        "arrival_date, address_code, stay_from, stay_to, purpose, deadline, on_time, status, "
        "created_at, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
        "$14, $15) RETURNING id";
    qn_code rc = check_notification(n, err);
    if (rc != QN_OK)
        return rc;
    if (n->created_at == 0)
        n->created_at = qs_now();
    if (n->status[0] == '\0')
        snprintf(n->status, sizeof n->status, "submitted");
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
    rc = qs_one(&q, "notification", err);
    if (rc == QN_OK)
        n->id = qs_get_int(&q, 0);
    qs_done(&q);
    if (rc == QN_OK)
        rc = qs_audit_row(c, "create", "notification", notif_digest, n->id, NULL, NULL, err);
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
    static const char *const sql = "UPDATE notifications SET status = $2 WHERE id = $1";
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

/* The shared WHERE clause of the search: $1 host, $2 person, $3 has range,
 * $4 from, $5 to, $6 status. CASTs let PostgreSQL type the parameters. */
#define NOTIF_WHERE                                                                                \
    " WHERE (CAST($1 AS BIGINT) = 0 OR host_account_id = $1)"                                      \
    " AND (CAST($2 AS BIGINT) = 0 OR person_id = $2)"                                              \
    " AND (CAST($3 AS BIGINT) = 0 OR arrival_date BETWEEN $4 AND $5)"                              \
    " AND (CAST($6 AS TEXT) = '' OR status = $6)"

static void bind_filter(qs_q *q, const qn_store_notification_filter *f)
{
    qs_int(q, 1, f->host_account_id);
    qs_int(q, 2, f->person_id);
    qs_int(q, 3, f->has_range ? 1 : 0);
    qs_int(q, 4, f->has_range ? f->arrival_from : 0);
    qs_int(q, 5, f->has_range ? f->arrival_to : 0);
    qs_text(q, 6, f->status);
}

qn_code qn_store_notification_search(qn_store_conn *c, const qn_store_notification_filter *f,
                                     qn_store_notification_list *out, qn_err *err)
{
    static const char *const count_sql = "SELECT COUNT(*) FROM notifications" NOTIF_WHERE;
    static const char *const list_sql = "SELECT " NOTIF_COLS " FROM notifications" NOTIF_WHERE
                                        " ORDER BY arrival_date DESC, id DESC LIMIT $7 OFFSET $8";
    memset(out, 0, sizeof *out);
    QS_FIELD(err, f, status, "status");
    int64_t limit = f->limit, offset = f->offset;
    qn_code rc = qs_limit(&limit, &offset, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, count_sql);
    bind_filter(&q, f);
    rc = qs_one(&q, "count", err);
    if (rc == QN_OK)
        out->total = qs_get_int(&q, 0);
    qs_done(&q);
    if (rc != QN_OK)
        return rc;
    qs_init(&q, c, list_sql);
    bind_filter(&q, f);
    qs_int(&q, 7, limit);
    qs_int(&q, 8, offset);
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
    reserved nums = {.year = qs_year_kz(qs_now()), .next = 0, .end = 0};
    int64_t want = 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i].number[0] == '\0' &&
            (rows[i].created_at == 0 || qs_year_kz(rows[i].created_at) == nums.year))
            want++;
    if (want > 0) {
        rc = qs_reserve_numbers(c, "N", nums.year, want, &nums.next, err);
        nums.end = nums.next + want;
    }
    if (rc == QN_OK && n > 0)
        rc = qs_audit_bulk_begin(c, err);
    for (size_t i = 0; i < n && rc == QN_OK; i++) {
        qn_store_row_result *r = &results[i];
        rc = qs_script(c, "SAVEPOINT qs_row", err);
        if (rc != QN_OK)
            break;
        qn_err row_err;
        qn_err_clear(&row_err);
        int64_t saved_seq = c->audit_seq;
        unsigned char saved_prev[QN_STORE_DIGEST_LEN];
        memcpy(saved_prev, c->audit_prev, sizeof saved_prev);
        qn_code row_rc = insert_one(c, &rows[i], &nums, &row_err);
        if (row_rc == QN_OK) {
            rc = qs_script(c, "RELEASE SAVEPOINT qs_row", err);
            r->code = QN_OK;
            r->id = rows[i].id;
            snprintf(r->number, sizeof r->number, "%s", rows[i].number);
            ok++;
        } else {
            r->code = row_rc;
            snprintf(r->message, sizeof r->message, "%s", row_err.message);
            rows[i].id = 0;
            c->audit_seq = saved_seq;
            memcpy(c->audit_prev, saved_prev, sizeof saved_prev);
            failed++;
            if (row_rc == QN_E_UNAVAILABLE || row_rc == QN_E_NOMEM || row_rc == QN_E_INTERNAL) {
                rc = qn_err_set(err, row_rc, "row %zu: %s", i, row_err.message);
                break;
            }
            rc = qs_script(c, "ROLLBACK TO SAVEPOINT qs_row", err);
            if (rc == QN_OK)
                rc = qs_script(c, "RELEASE SAVEPOINT qs_row", err);
        }
    }
    if (c->audit_bulk) {
        if (rc == QN_OK)
            rc = qs_audit_bulk_end(c, err);
        else
            qs_audit_bulk_abort(c);
    }
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
