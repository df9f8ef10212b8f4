/* control.c — store operations of stay control (issue 7): the border
 * crossing feed with natural de-duplication, documents that extend a stay
 * (permits, extension visas, exit visas), the compact reads of the exit
 * check, violations recorded once per natural key, violation lists and
 * counts, the detection candidates, and a synthetic filler for benchmarks.
 *
 * Schema: migration 004_control.sql. The exit check's reads are all by
 * person id on indexed columns (crossings_person, notifications_person,
 * stay_documents_person, visas_person, violations_person,
 * violations_notification); qn_store_ctl_explain prints their plans.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/store_internal.h"

/* ---------------------------------------------------------- stay documents */

static const char *const sdoc_digest = "SELECT * FROM stay_documents WHERE id = $1";

qn_code qn_store_stay_document_add(qn_store_conn *c, qn_store_stay_document *d, qn_err *err)
{
    static const char *const sql =
        "INSERT INTO stay_documents (person_id, kind, number, valid_from, valid_to, "
        "application_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    QS_FIELD(err, d, kind, "kind");
    QS_FIELD(err, d, number, "number");
    if (d->valid_from == QN_DATE_NONE || d->valid_to == QN_DATE_NONE) {
        qn_err_set(err, QN_E_INVALID, "validity dates are required");
        return qn_err_field(err, d->valid_from == QN_DATE_NONE ? "valid_from" : "valid_to", "is required");
    }
    if (d->created_at == 0)
        d->created_at = qs_now();
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, d->person_id);
    qs_text(&q, 2, d->kind);
    qs_text(&q, 3, d->number);
    qs_date(&q, 4, d->valid_from);
    qs_date(&q, 5, d->valid_to);
    qs_int_opt(&q, 6, d->application_id);
    qs_int(&q, 7, d->created_at);
    rc = qs_one(&q, "stay document", err);
    if (rc == QN_OK)
        d->id = qs_get_int(&q, 0);
    qs_done(&q);
    if (rc == QN_OK)
        rc = qs_audit_row(c, "create", "stay_document", sdoc_digest, d->id, NULL, NULL, err);
    return qs_wend(c, own, rc, err);
}

static qn_code read_sdoc(qs_q *q, void *item)
{
    qn_store_stay_document *d = item;
    d->id = qs_get_int(q, 0);
    d->person_id = qs_get_int(q, 1);
    QS_STR(q, 2, d->kind);
    QS_STR(q, 3, d->number);
    d->valid_from = qs_get_date(q, 4);
    d->valid_to = qs_get_date(q, 5);
    d->application_id = qs_get_null(q, 6) ? 0 : qs_get_int(q, 6);
    d->created_at = qs_get_int(q, 7);
    return QN_OK;
}

qn_code qn_store_stay_document_list_person(qn_store_conn *c, int64_t person_id,
                                           qn_store_stay_document_list *out, qn_err *err)
{
    static const char *const sql =
        "SELECT id, person_id, kind, number, valid_from, valid_to, application_id, created_at "
        "FROM stay_documents WHERE person_id = $1 ORDER BY valid_from, id LIMIT 1000";
    memset(out, 0, sizeof *out);
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, person_id);
    void *items;
    qn_code rc = qs_collect(&q, 1000, sizeof *out->items, read_sdoc, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK)
        qn_store_stay_document_list_free(out);
    return rc;
}

void qn_store_stay_document_list_free(qn_store_stay_document_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

/* --------------------------------------------------------------- crossings */

static const char *const crossing_digest = "SELECT * FROM crossings WHERE id = $1";

qn_code qn_store_crossing_record(qn_store_conn *c, qn_store_crossing *x, const char *region, bool *created,
                                 qn_err *err)
{
    static const char *const ins =
        "INSERT INTO crossings (person_id, kind, day, checkpoint, document_id, created_at, region) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) "
        "ON CONFLICT (person_id, day, kind, checkpoint) DO NOTHING RETURNING id";
    static const char *const find =
        "SELECT id, created_at FROM crossings WHERE person_id = $1 AND day = $2 AND kind = $3 "
        "AND checkpoint = $4";
    *created = false;
    QS_FIELD(err, x, kind, "kind");
    QS_FIELD(err, x, checkpoint, "checkpoint");
    qn_code rc = qs_check_str(err, "region", region, QN_STORE_REGION_MAX, false);
    if (rc != QN_OK)
        return rc;
    if (x->date == QN_DATE_NONE) {
        qn_err_set(err, QN_E_INVALID, "date is required");
        return qn_err_field(err, "date", "is required");
    }
    if (x->created_at == 0)
        x->created_at = qs_now();
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, ins);
    qs_int(&q, 1, x->person_id);
    qs_text(&q, 2, x->kind);
    qs_date(&q, 3, x->date);
    qs_text(&q, 4, x->checkpoint);
    qs_int_opt(&q, 5, x->document_id);
    qs_int(&q, 6, x->created_at);
    qs_text(&q, 7, region != NULL ? region : "");
    int r = qs_step(&q, err);
    if (r == 1) {
        x->id = qs_get_int(&q, 0);
        *created = true;
    } else if (r < 0) {
        rc = err != NULL && err->code != QN_OK ? err->code : QN_E_INTERNAL;
    }
    qs_done(&q);
    if (rc == QN_OK && *created)
        rc = qs_audit_row(c, "create", "crossing", crossing_digest, x->id, NULL, NULL, err);
    if (rc == QN_OK && !*created) {
        qs_init(&q, c, find);
        qs_int(&q, 1, x->person_id);
        qs_date(&q, 2, x->date);
        qs_text(&q, 3, x->kind);
        qs_text(&q, 4, x->checkpoint);
        rc = qs_one(&q, "crossing", err);
        if (rc == QN_OK) {
            x->id = qs_get_int(&q, 0);
            x->created_at = qs_get_int(&q, 1);
        }
        qs_done(&q);
    }
    return qs_wend(c, own, rc, err);
}

/* ----------------------------------------------------------- notifications */

static qn_code read_cn(qs_q *q, void *item)
{
    qn_store_ctl_notification *n = item;
    n->id = qs_get_int(q, 0);
    n->host_account_id = qs_get_int(q, 1);
    n->arrival_date = qs_get_date(q, 2);
    n->deadline = qs_get_date(q, 3);
    n->created_at = qs_get_int(q, 4);
    QS_STR(q, 5, n->region);
    QS_STR(q, 6, n->status);
    return QN_OK;
}

qn_code qn_store_ctl_notifications_person(qn_store_conn *c, int64_t person_id, size_t max,
                                          qn_store_ctl_notification_list *out, qn_err *err)
{
    static const char *const sql =
        "SELECT n.id, n.host_account_id, n.arrival_date, n.deadline, n.created_at, "
        "COALESCE(a.region, ''), n.status FROM notifications n "
        "LEFT JOIN addresses a ON a.code = n.address_code "
        "WHERE n.person_id = $1 AND n.status IN ('submitted', 'accepted') "
        "ORDER BY n.arrival_date, n.id LIMIT $2";
    memset(out, 0, sizeof *out);
    if (max == 0 || max > 10000)
        max = 10000;
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, person_id);
    qs_int(&q, 2, (int64_t)max);
    void *items;
    qn_code rc = qs_collect(&q, max, sizeof *out->items, read_cn, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK)
        qn_store_ctl_notification_list_free(out);
    return rc;
}

void qn_store_ctl_notification_list_free(qn_store_ctl_notification_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

/* -------------------------------------------------------------- violations */

#define CV_COLS                                                                                              \
    "v.id, v.kind, COALESCE(v.subject_person_id, 0), COALESCE(v.subject_account_id, 0), "                    \
    "COALESCE(v.subject_iin_bin, ''), v.facts, v.article, v.fine_mci, v.fine_amount, v.state, "              \
    "v.region, COALESCE(v.notification_id, 0), v.created_at, v.updated_at"
static const char *const vio_digest = "SELECT * FROM violations WHERE id = $1";

static qn_code read_cv(qs_q *q, void *item)
{
    qn_store_violation *v = item;
    v->id = qs_get_int(q, 0);
    QS_STR(q, 1, v->kind);
    v->subject_person_id = qs_get_int(q, 2);
    v->subject_account_id = qs_get_int(q, 3);
    QS_STR(q, 4, v->subject_iin_bin);
    QS_STR(q, 6, v->article);
    v->fine_mci = (int32_t)qs_get_int(q, 7);
    v->fine_amount = qs_get_int(q, 8);
    QS_STR(q, 9, v->state);
    QS_STR(q, 10, v->region);
    v->notification_id = qs_get_int(q, 11);
    v->created_at = qs_get_int(q, 12);
    v->updated_at = qs_get_int(q, 13);
    return qs_get_strdup(q, 5, &v->facts, NULL);
}

static qn_code collect_vio(qs_q *q, int64_t limit, qn_store_violation_list *out, qn_err *err)
{
    void *items;
    qn_code rc = qs_collect(q, (size_t)limit, sizeof *out->items, read_cv, &items, &out->count, err);
    out->items = items;
    qs_done(q);
    if (rc != QN_OK) {
        if (err != NULL && err->code == QN_OK)
            qn_err_set(err, rc, "out of memory");
        qn_store_violation_list_free(out);
    }
    return rc;
}

static const char *const cv_person =
    "SELECT " CV_COLS " FROM violations v WHERE v.subject_person_id = $1 "
    "UNION SELECT " CV_COLS " FROM violations v JOIN notifications n ON n.id = v.notification_id "
    "WHERE n.person_id = $1 ORDER BY 1 LIMIT 1000";

qn_code qn_store_violation_list_person(qn_store_conn *c, int64_t person_id, qn_store_violation_list *out,
                                       qn_err *err)
{
    memset(out, 0, sizeof *out);
    qs_q q;
    qs_init(&q, c, cv_person);
    qs_int(&q, 1, person_id);
    return collect_vio(&q, 1000, out, err);
}

qn_code qn_store_violation_create_once(qn_store_conn *c, qn_store_violation *v, const char *dedup_key,
                                       bool *created, qn_err *err)
{
    static const char *const sql =
        "INSERT INTO violations (kind, subject_person_id, subject_account_id, subject_iin_bin, "
        "facts, article, fine_mci, fine_amount, state, region, notification_id, created_at, "
        "updated_at, dedup_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, "
        "$13) ON CONFLICT (dedup_key) DO NOTHING RETURNING id";
    static const char *const find = "SELECT id FROM violations WHERE dedup_key = $1";
    *created = false;
    QS_FIELD(err, v, kind, "kind");
    QS_FIELD(err, v, subject_iin_bin, "subject_iin_bin");
    QS_FIELD(err, v, article, "article");
    QS_FIELD(err, v, state, "state");
    QS_FIELD(err, v, region, "region");
    qn_code rc = qs_check_str(err, "dedup_key", dedup_key, QN_STORE_KEY_MAX, true);
    if (rc != QN_OK)
        return rc;
    if (v->facts != NULL && strnlen(v->facts, QN_STORE_JSON_MAX + 1) > QN_STORE_JSON_MAX)
        return qs_too_large(err, "facts", QN_STORE_JSON_MAX);
    if (v->created_at == 0)
        v->created_at = qs_now();
    if (v->state[0] == '\0')
        snprintf(v->state, sizeof v->state, "open");
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, v->kind);
    qs_int_opt(&q, 2, v->subject_person_id);
    qs_int_opt(&q, 3, v->subject_account_id);
    qs_text_opt(&q, 4, v->subject_iin_bin);
    qs_text(&q, 5, v->facts != NULL ? v->facts : "{}");
    qs_text(&q, 6, v->article);
    qs_int(&q, 7, v->fine_mci);
    qs_int(&q, 8, v->fine_amount);
    qs_text(&q, 9, v->state);
    qs_text(&q, 10, v->region);
    qs_int_opt(&q, 11, v->notification_id);
    qs_int(&q, 12, v->created_at);
    qs_text(&q, 13, dedup_key);
    int r = qs_step(&q, err);
    if (r == 1) {
        v->id = qs_get_int(&q, 0);
        *created = true;
    } else if (r < 0) {
        rc = err != NULL && err->code != QN_OK ? err->code : QN_E_INTERNAL;
    }
    qs_done(&q);
    if (rc == QN_OK && *created)
        rc = qs_audit_row(c, "create", "violation", vio_digest, v->id, NULL, NULL, err);
    if (rc == QN_OK && !*created) {
        qs_init(&q, c, find);
        qs_text(&q, 1, dedup_key);
        rc = qs_one(&q, "violation", err);
        if (rc == QN_OK)
            v->id = qs_get_int(&q, 0);
        qs_done(&q);
    }
    rc = qs_wend(c, own, rc, err);
    if (rc == QN_OK)
        v->updated_at = v->created_at;
    return rc;
}

/* One statement per filter shape (bit 1: region, 2: state, 4: kind), so
 * that each uses its index (a catch-all "($1 = '' OR v.region = $1)" made
 * SQLite scan and sort the whole table); the parameters are numbered in
 * that order, then limit and offset. Plans: qn_store_lookup_explain. */
#define CV_FROM " FROM violations v"
#define CV_ORDER " ORDER BY v.created_at DESC, v.id DESC LIMIT "
static const char *const cv_list[8] = {
    "SELECT " CV_COLS CV_FROM CV_ORDER "$1 OFFSET $2",
    "SELECT " CV_COLS CV_FROM " WHERE v.region = $1" CV_ORDER "$2 OFFSET $3",
    "SELECT " CV_COLS CV_FROM " WHERE v.state = $1" CV_ORDER "$2 OFFSET $3",
    "SELECT " CV_COLS CV_FROM " WHERE v.region = $1 AND v.state = $2" CV_ORDER "$3 OFFSET $4",
    "SELECT " CV_COLS CV_FROM " WHERE v.kind = $1" CV_ORDER "$2 OFFSET $3",
    "SELECT " CV_COLS CV_FROM " WHERE v.region = $1 AND v.kind = $2" CV_ORDER "$3 OFFSET $4",
    "SELECT " CV_COLS CV_FROM " WHERE v.state = $1 AND v.kind = $2" CV_ORDER "$3 OFFSET $4",
    "SELECT " CV_COLS CV_FROM " WHERE v.region = $1 AND v.state = $2 AND v.kind = $3" CV_ORDER
    "$4 OFFSET $5",
};
static const char *const cv_count[8] = {
    "SELECT COUNT(*)" CV_FROM,
    "SELECT COUNT(*)" CV_FROM " WHERE v.region = $1",
    "SELECT COUNT(*)" CV_FROM " WHERE v.state = $1",
    "SELECT COUNT(*)" CV_FROM " WHERE v.region = $1 AND v.state = $2",
    "SELECT COUNT(*)" CV_FROM " WHERE v.kind = $1",
    "SELECT COUNT(*)" CV_FROM " WHERE v.region = $1 AND v.kind = $2",
    "SELECT COUNT(*)" CV_FROM " WHERE v.state = $1 AND v.kind = $2",
    "SELECT COUNT(*)" CV_FROM " WHERE v.region = $1 AND v.state = $2 AND v.kind = $3",
};

/* The officer's lists always name the region (src/service/violations.c). */
const qs_lookup qs_control_lookups[] = {
    {"violation_find(region)", "violations_region_time", &cv_list[1], {"75", "50", "0"}},
    {"violation_find(region,state)", "violations_region|violations_region_time", &cv_list[3], {"75", "open", "50", "0"}},
    {"violation_find(region,kind)", "violations_region_time|violations_kind", &cv_list[5],
     {"75", "art518", "50", "0"}},
    {"violation_find(region,state,kind)", "violations_region|violations_region_time|violations_kind", &cv_list[7],
     {"75", "open", "art518", "50", "0"}},
    {"violation_find(kind)", "violations_kind|violations_created", &cv_list[4], {"art518", "50", "0"}},
    {"violation_find()", "violations_created", &cv_list[0], {"50", "0"}},
    {"violation_find_count(region,state,kind)", "violations_kind|violations_region|violations_region_time", &cv_count[7],
     {"75", "open", "art518"}},
    {"violation_list_person", "violations_person", &cv_person, {"1"}},
};
const size_t qs_control_lookups_count = sizeof qs_control_lookups / sizeof qs_control_lookups[0];

static void bind_find(qs_q *q, const qn_store_violation_filter *f, int64_t limit, int64_t offset)
{
    int n = 0;
    if (f->region[0] != '\0')
        qs_text(q, ++n, f->region);
    if (f->state[0] != '\0')
        qs_text(q, ++n, f->state);
    if (f->kind[0] != '\0')
        qs_text(q, ++n, f->kind);
    if (limit > 0) {
        qs_int(q, ++n, limit);
        qs_int(q, ++n, offset);
    }
}

qn_code qn_store_violation_find(qn_store_conn *c, const qn_store_violation_filter *f,
                                qn_store_violation_list *out, qn_err *err)
{
    memset(out, 0, sizeof *out);
    QS_FIELD(err, f, region, "region");
    QS_FIELD(err, f, state, "state");
    QS_FIELD(err, f, kind, "kind");
    int64_t limit = f->limit, offset = f->offset;
    qn_code rc = qs_limit(&limit, &offset, err);
    if (rc != QN_OK)
        return rc;
    int shape = (f->region[0] != '\0' ? 1 : 0) | (f->state[0] != '\0' ? 2 : 0) |
                (f->kind[0] != '\0' ? 4 : 0);
    qs_q q;
    qs_init(&q, c, cv_count[shape]);
    bind_find(&q, f, 0, 0);
    rc = qs_one(&q, "count", err);
    if (rc == QN_OK)
        out->total = qs_get_int(&q, 0);
    qs_done(&q);
    if (rc != QN_OK)
        return rc;
    qs_init(&q, c, cv_list[shape]);
    bind_find(&q, f, limit, offset);
    return collect_vio(&q, limit, out, err);
}

static qn_code read_count(qs_q *q, void *item)
{
    qn_store_violation_count *n = item;
    QS_STR(q, 0, n->kind);
    QS_STR(q, 1, n->region);
    QS_STR(q, 2, n->state);
    n->count = qs_get_int(q, 3);
    return QN_OK;
}

qn_code qn_store_violation_counts(qn_store_conn *c, qn_store_violation_count_list *out, qn_err *err)
{
    static const char *const sql =
        "SELECT kind, region, state, COUNT(*) FROM violations GROUP BY kind, region, state "
        "ORDER BY kind, region, state LIMIT 10000";
    memset(out, 0, sizeof *out);
    qs_q q;
    qs_init(&q, c, sql);
    void *items;
    qn_code rc = qs_collect(&q, 10000, sizeof *out->items, read_count, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK)
        qn_store_violation_count_list_free(out);
    return rc;
}

void qn_store_violation_count_list_free(qn_store_violation_count_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

/* ---------------------------------------------------------------- detection */

static qn_code read_entry(qs_q *q, void *item)
{
    qn_store_ctl_entry *x = item;
    x->crossing_id = qs_get_int(q, 0);
    x->person_id = qs_get_int(q, 1);
    x->day = qs_get_date(q, 2);
    x->next_exit = qs_get_date(q, 3);
    QS_STR(q, 4, x->region);
    return QN_OK;
}

#define NEXT_EXIT                                                                                            \
    "(SELECT MIN(e.day) FROM crossings e WHERE e.person_id = x.person_id AND e.kind = 'exit' "               \
    "AND e.day >= x.day)"

static qn_code entries(qn_store_conn *c, const char *sql, qn_date_t from, qn_date_t to, int64_t after_id,
                       int64_t limit, qn_store_ctl_entry_list *out, qn_err *err)
{
    memset(out, 0, sizeof *out);
    if (limit <= 0 || limit > 10000)
        limit = 10000;
    qs_q q;
    qs_init(&q, c, sql);
    qs_date(&q, 1, from);
    qs_date(&q, 2, to);
    qs_int(&q, 3, after_id);
    qs_int(&q, 4, limit);
    void *items;
    qn_code rc = qs_collect(&q, (size_t)limit, sizeof *out->items, read_entry, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK)
        qn_store_ctl_entry_list_free(out);
    return rc;
}

qn_code qn_store_ctl_unnotified_entries(qn_store_conn *c, qn_date_t from, qn_date_t to, int64_t after_id,
                                        int64_t limit, qn_store_ctl_entry_list *out, qn_err *err)
{
    static const char *const sql =
        "SELECT x.id, x.person_id, x.day, " NEXT_EXIT ", x.region FROM crossings x "
        "WHERE x.kind = 'entry' AND x.day >= $1 AND x.day <= $2 AND x.id > $3 "
        "AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.person_id = x.person_id "
        "AND n.status IN ('submitted', 'accepted') AND n.arrival_date >= x.day "
        "AND n.arrival_date <= COALESCE(" NEXT_EXIT ", $2)) "
        "ORDER BY x.id LIMIT $4";
    return entries(c, sql, from, to, after_id, limit, out, err);
}

qn_code qn_store_ctl_entries(qn_store_conn *c, qn_date_t from, qn_date_t to, int64_t after_id, int64_t limit,
                             qn_store_ctl_entry_list *out, qn_err *err)
{
    static const char *const sql =
        "SELECT x.id, x.person_id, x.day, " NEXT_EXIT ", x.region FROM crossings x "
        "WHERE x.kind = 'entry' AND x.day >= $1 AND x.day <= $2 AND x.id > $3 "
        "ORDER BY x.id LIMIT $4";
    return entries(c, sql, from, to, after_id, limit, out, err);
}

qn_code qn_store_ctl_superseded_missing(qn_store_conn *c, int64_t *ids, size_t cap, size_t *n, qn_err *err)
{
    static const char *const sql =
        "SELECT v.id FROM violations v JOIN crossings x ON v.dedup_key = 'art518m:' || x.id "
        "WHERE v.kind = 'art518' AND v.state = 'open' AND v.dedup_key LIKE 'art518m:%' "
        "AND EXISTS (SELECT 1 FROM notifications n WHERE n.person_id = x.person_id "
        "AND n.status IN ('submitted', 'accepted') AND n.arrival_date >= x.day "
        "AND n.arrival_date <= COALESCE(" NEXT_EXIT ", n.arrival_date)) ORDER BY v.id LIMIT $1";
    *n = 0;
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, (int64_t)cap);
    while (*n < cap && qs_step(&q, err) == 1)
        ids[(*n)++] = qs_get_int(&q, 0);
    qn_code rc = q.failed ? (err != NULL && err->code != QN_OK ? err->code : QN_E_INTERNAL) : QN_OK;
    qs_done(&q);
    return rc;
}

void qn_store_ctl_entry_list_free(qn_store_ctl_entry_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

/* --------------------------------------------------------------- benchmark */

static qn_code run1(qn_store_conn *c, const char *sql, int64_t a, int64_t b, int64_t d, int nparams,
                    qn_err *err)
{
    qs_q q;
    qs_init(&q, c, sql);
    if (nparams >= 1)
        qs_int(&q, 1, a);
    if (nparams >= 2)
        qs_int(&q, 2, b);
    if (nparams >= 3)
        qs_int(&q, 3, d);
    qn_code rc = qs_run(&q, err);
    qs_done(&q);
    return rc;
}

qn_code qn_store_ctl_synth_fill(qn_store_conn *c, int64_t n_persons, qn_date_t today, int64_t host_account_id,
                                qn_err *err)
{
    static const char *const empty = "SELECT COUNT(*) FROM (SELECT id FROM persons LIMIT 1) t";
    static const char *const persons =
        "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $1) "
        "INSERT INTO persons (kind, surname, given_names, citizenship, birth_date, sex, created_at) "
        "SELECT 'foreigner', 'SYNTH', 'P' || i, CASE i % 4 WHEN 0 THEN 'DEU' WHEN 1 THEN 'USA' "
        "WHEN 2 THEN 'GBR' ELSE 'FRA' END, 5000 + i % 10000, CASE i % 2 WHEN 0 THEN 'M' ELSE 'F' "
        "END, $2 FROM s";
    static const char *const documents =
        "INSERT INTO documents (person_id, kind, number, country, expires, created_at) "
        "SELECT id, 'passport', 'SY' || id, citizenship, $1, $2 FROM persons";
    static const char *const entry1 =
        "INSERT INTO crossings (person_id, kind, day, checkpoint, created_at, region) "
        "SELECT id, 'entry', $1 - 200 - id % 50, 'CP' || (id % 8), $2, '75' FROM persons";
    static const char *const exit1 =
        "INSERT INTO crossings (person_id, kind, day, checkpoint, created_at, region) "
        "SELECT id, 'exit', $1 - 190 - id % 50 + id % 10, 'CP' || (id % 8), $2, '75' FROM persons";
    static const char *const entry2 =
        "INSERT INTO crossings (person_id, kind, day, checkpoint, created_at, region) "
        "SELECT id, 'entry', $1 - 1 - id % 20, 'CP' || (id % 8), $2, '75' FROM persons";
    static const char *const notifications =
        "INSERT INTO notifications (number, host_account_id, person_id, entry_date, checkpoint, "
        "arrival_date, stay_from, stay_to, purpose, deadline, on_time, status, created_at, payload) "
        "SELECT 'N-SY-' || id, $2, id, $1 - 1 - id % 20, 'CP' || (id % 8), $1 - 1 - id % 20, "
        "$1 - 1 - id % 20, $1 + 9 - id % 20, 'tourism', $1 + 2 - id % 20, 1, 'submitted', "
        "CAST($1 - 1 - id % 20 + CASE WHEN id % 10 = 0 THEN 6 ELSE 0 END AS BIGINT) * 86400 + 36000, '{}' "
        "FROM persons";
    if (n_persons < 1 || n_persons > 10000000)
        return qn_err_field(err, "n_persons", "must be 1..10000000");
    qn_code rc = qn_store_begin(c, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, empty);
    rc = qs_one(&q, "count", err);
    int64_t have = rc == QN_OK ? qs_get_int(&q, 0) : 0;
    qs_done(&q);
    if (rc == QN_OK && have != 0)
        rc = qn_err_set(err, QN_E_CONFLICT, "synthetic fill needs an empty persons table");
    int64_t now = qs_now();
    if (rc == QN_OK)
        rc = run1(c, persons, n_persons, now, 0, 2, err);
    if (rc == QN_OK)
        rc = run1(c, documents, today + 3650, now, 0, 2, err);
    if (rc == QN_OK)
        rc = run1(c, entry1, today, now, 0, 2, err);
    if (rc == QN_OK)
        rc = run1(c, exit1, today, now, 0, 2, err);
    if (rc == QN_OK)
        rc = run1(c, entry2, today, now, 0, 2, err);
    if (rc == QN_OK)
        rc = run1(c, notifications, today, host_account_id, 0, 2, err);
    char n[32];
    snprintf(n, sizeof n, "%" PRId64, n_persons);
    if (rc == QN_OK)
        rc = qs_audit(c, "synth_fill", "persons", n, NULL, NULL, err);
    if (rc != QN_OK) {
        qn_store_rollback(c);
        return rc;
    }
    rc = qn_store_commit(c, err);
    if (rc == QN_OK)
        rc = qs_script(c, "ANALYZE", err);
    return rc;
}

static void append(char *out, size_t cap, size_t *len, const char *s)
{
    int k = snprintf(out + *len, cap - *len, "%s\n", s);
    if (k > 0)
        *len = *len + (size_t)k < cap ? *len + (size_t)k : cap - 1;
}

qn_code qn_store_ctl_explain(qn_store_conn *c, char *out, size_t cap, qn_err *err)
{
    /* The exit check's reads with constant arguments (no input reaches them). */
    static const char *const lite[] = {
        "EXPLAIN QUERY PLAN SELECT person_id FROM documents WHERE country = 'DEU' AND number = 'X1'",
        "EXPLAIN QUERY PLAN SELECT id, person_id, kind, day FROM crossings WHERE person_id = 1 "
        "ORDER BY day, id LIMIT 10000",
        "EXPLAIN QUERY PLAN SELECT n.id FROM notifications n LEFT JOIN addresses a ON a.code = "
        "n.address_code WHERE n.person_id = 1 AND n.status IN ('submitted', 'accepted') "
        "ORDER BY n.arrival_date, n.id",
        "EXPLAIN QUERY PLAN SELECT id FROM stay_documents WHERE person_id = 1 ORDER BY valid_from, id",
        "EXPLAIN QUERY PLAN SELECT id FROM visas WHERE person_id = 1 ORDER BY valid_from, id",
        "EXPLAIN QUERY PLAN SELECT v.id FROM violations v WHERE v.subject_person_id = 1 UNION "
        "SELECT v.id FROM violations v JOIN notifications n ON n.id = v.notification_id WHERE "
        "n.person_id = 1",
    };
    static const char *const pg[] = {
        "EXPLAIN SELECT person_id FROM documents WHERE country = 'DEU' AND number = 'X1'",
        "EXPLAIN SELECT id, person_id, kind, day FROM crossings WHERE person_id = 1 "
        "ORDER BY day, id LIMIT 10000",
        "EXPLAIN SELECT n.id FROM notifications n LEFT JOIN addresses a ON a.code = "
        "n.address_code WHERE n.person_id = 1 AND n.status IN ('submitted', 'accepted') "
        "ORDER BY n.arrival_date, n.id",
        "EXPLAIN SELECT id FROM stay_documents WHERE person_id = 1 ORDER BY valid_from, id",
        "EXPLAIN SELECT id FROM visas WHERE person_id = 1 ORDER BY valid_from, id",
        "EXPLAIN SELECT v.id FROM violations v WHERE v.subject_person_id = 1 UNION "
        "SELECT v.id FROM violations v JOIN notifications n ON n.id = v.notification_id WHERE "
        "n.person_id = 1",
    };
    bool is_lite = c->drv == &qs_sqlite_driver;
    const char *const *list = is_lite ? lite : pg;
    size_t len = 0;
    if (cap == 0)
        return qn_err_set(err, QN_E_INVALID, "no room for the plan");
    out[0] = '\0';
    /* PostgreSQL scans small tables whatever the indexes; with sequential
     * scans off the plan shows whether an index serves each lookup. */
    qn_code rc = is_lite ? QN_OK : qs_script(c, "SET enable_seqscan = off", err);
    for (size_t i = 0; rc == QN_OK && i < sizeof lite / sizeof lite[0]; i++) {
        qs_q q;
        qs_init(&q, c, list[i]);
        append(out, cap, &len, list[i] + (is_lite ? 19 : 8));
        int r;
        while ((r = qs_step(&q, err)) == 1)
            append(out, cap, &len, qs_get_text(&q, is_lite ? 3 : 0));
        qs_done(&q);
        if (r < 0)
            rc = err != NULL && err->code != QN_OK ? err->code : QN_E_INTERNAL;
    }
    if (!is_lite) {
        qn_err ignore;
        qn_err_clear(&ignore);
        qn_code reset = qs_script(c, "RESET enable_seqscan", rc == QN_OK ? err : &ignore);
        if (rc == QN_OK)
            rc = reset;
    }
    return rc;
}
