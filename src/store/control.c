/* control.c — store operations of stay control (issue 7): the border
 * crossing feed with natural de-duplication, documents that extend a stay
 * (permits, extension visas, exit visas), compact per-table reads of a
 * person's history, violations recorded once per natural key and
 * re-assessed while open, officers' decisions, violation lists and counts,
 * the detection candidates, and a synthetic filler for benchmarks.
 *
 * Schema: migrations 004_control.sql and 009_control.sql. The exit check
 * reads a person's whole history in one statement (control_history.c, with
 * qn_store_ctl_explain); self-registrations are in control_selfreg.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    "SELECT " CV_COLS CV_FROM " WHERE v.region = $1 AND v.state = $2 AND v.kind = $3" CV_ORDER "$4 OFFSET $5",
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
    {"violation_find(region,state)",
     "violations_region|violations_region_time",
     &cv_list[3],
     {"75", "open", "50", "0"}},
    {"violation_find(region,kind)",
     "violations_region_time|violations_kind",
     &cv_list[5],
     {"75", "art518", "50", "0"}},
    {"violation_find(region,state,kind)",
     "violations_region|violations_region_time|violations_kind",
     &cv_list[7],
     {"75", "open", "art518", "50", "0"}},
    {"violation_find(kind)", "violations_kind|violations_created", &cv_list[4], {"art518", "50", "0"}},
    {"violation_find()", "violations_created", &cv_list[0], {"50", "0"}},
    {"violation_find_count(region,state,kind)",
     "violations_kind|violations_region|violations_region_time",
     &cv_count[7],
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

qn_code qn_store_violation_refresh(qn_store_conn *c, const char *dedup_key, const char *article,
                                   const char *facts, int32_t fine_mci, int64_t fine_amount, int64_t now,
                                   bool *updated, qn_err *err)
{
    static const char *const sql =
        "UPDATE violations SET article = $2, facts = $3, fine_mci = $4, fine_amount = $5, updated_at = $6 "
        "WHERE dedup_key = $1 AND state = 'open' AND (article <> $2 OR facts <> $3 OR fine_mci <> $4 "
        "OR fine_amount <> $5) RETURNING id";
    *updated = false;
    qn_code rc = qs_check_str(err, "dedup_key", dedup_key, QN_STORE_KEY_MAX, true);
    if (rc == QN_OK)
        rc = qs_check_str(err, "article", article, QN_STORE_CODE_MAX, true);
    if (rc != QN_OK)
        return rc;
    if (facts == NULL)
        return qn_err_field(err, "facts", "is required (a JSON object)");
    if (strnlen(facts, QN_STORE_JSON_MAX + 1) > QN_STORE_JSON_MAX)
        return qs_too_large(err, "facts", QN_STORE_JSON_MAX);
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, dedup_key);
    qs_text(&q, 2, article);
    qs_text(&q, 3, facts);
    qs_int(&q, 4, fine_mci);
    qs_int(&q, 5, fine_amount);
    qs_int(&q, 6, now ? now : qs_now());
    int64_t id = 0;
    int r = qs_step(&q, err);
    if (r == 1)
        id = qs_get_int(&q, 0);
    else if (r < 0)
        rc = err != NULL && err->code != QN_OK ? err->code : QN_E_INTERNAL;
    qs_done(&q);
    if (rc == QN_OK && id > 0) {
        *updated = true;
        rc = qs_audit_row(c, "reassess", "violation", vio_digest, id, NULL, NULL, err);
    }
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_violation_decide(qn_store_conn *c, int64_t id, const char *state, const char *article,
                                  int32_t fine_mci, int64_t fine_amount, const char *facts, int64_t now,
                                  qn_err *err)
{
    static const char *const sql =
        "UPDATE violations SET state = $2, article = $3, fine_mci = $4, fine_amount = $5, "
        "facts = COALESCE($6, facts), updated_at = $7 WHERE id = $1 RETURNING id";
    qn_code rc = qs_check_str(err, "state", state, QN_STORE_CODE_MAX, true);
    if (rc == QN_OK)
        rc = qs_check_str(err, "article", article, QN_STORE_CODE_MAX, true);
    if (rc != QN_OK)
        return rc;
    if (facts != NULL && strnlen(facts, QN_STORE_JSON_MAX + 1) > QN_STORE_JSON_MAX)
        return qs_too_large(err, "facts", QN_STORE_JSON_MAX);
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    unsigned char before[QN_STORE_DIGEST_LEN];
    bool found = false;
    rc = qs_row_digest(c, vio_digest, id, NULL, before, &found, err);
    if (rc == QN_OK && !found)
        rc = qn_err_set(err, QN_E_NOT_FOUND, "violation not found");
    qs_q q;
    if (rc == QN_OK) {
        qs_init(&q, c, sql);
        qs_int(&q, 1, id);
        qs_text(&q, 2, state);
        qs_text(&q, 3, article);
        qs_int(&q, 4, fine_mci);
        qs_int(&q, 5, fine_amount);
        qs_text(&q, 6, facts);
        qs_int(&q, 7, now ? now : qs_now());
        rc = qs_one(&q, "violation", err);
        qs_done(&q);
    }
    if (rc == QN_OK)
        rc = qs_audit_row(c, "update", "violation", vio_digest, id, NULL, before, err);
    return qs_wend(c, own, rc, err);
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
    int shape = (f->region[0] != '\0' ? 1 : 0) | (f->state[0] != '\0' ? 2 : 0) | (f->kind[0] != '\0' ? 4 : 0);
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

/* Besides a notification of arrival, the internal affairs bodies know of a
 * stay through (docs/control_api.md §Detection): a temporary residence
 * permit covering the trip (seed 004 lists the notification of arrival
 * among its documents, checked before the grant), and, for entries from
 * 2026-07-01 ($5), a self-registration the host confirmed (MVD Order 923:
 * the host confirms in the migration police system). end: the trip's last
 * day when no exit is on record. */
#define NOT_OTHERWISE_INFORMED(end)                                                                          \
    "AND NOT EXISTS (SELECT 1 FROM stay_documents d WHERE d.person_id = x.person_id "                        \
    "AND d.kind = 'permit' AND d.valid_to >= x.day AND d.valid_from <= COALESCE(" NEXT_EXIT ", " end ")) "   \
    "AND NOT (x.day >= $5 AND EXISTS (SELECT 1 FROM self_registrations s WHERE s.person_id = x.person_id "   \
    "AND s.state = 'confirmed' AND s.arrival_date >= x.day "                                                 \
    "AND s.arrival_date <= COALESCE(" NEXT_EXIT ", " end "))) "

static qn_code entries(qn_store_conn *c, const char *sql, qn_date_t from, qn_date_t to, int64_t after_id,
                       int64_t limit, qn_date_t selfreg_from, qn_store_ctl_entry_list *out, qn_err *err)
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
    if (selfreg_from != QN_DATE_NONE)
        qs_date(&q, 5, selfreg_from);
    void *items;
    qn_code rc = qs_collect(&q, (size_t)limit, sizeof *out->items, read_entry, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK)
        qn_store_ctl_entry_list_free(out);
    return rc;
}

qn_code qn_store_ctl_unnotified_entries(qn_store_conn *c, qn_date_t from, qn_date_t to, int64_t after_id,
                                        int64_t limit, qn_date_t selfreg_from, qn_store_ctl_entry_list *out,
                                        qn_err *err)
{
    static const char *const sql =
        "SELECT x.id, x.person_id, x.day, " NEXT_EXIT ", x.region FROM crossings x "
        "WHERE x.kind = 'entry' AND x.day >= $1 AND x.day <= $2 AND x.id > $3 "
        "AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.person_id = x.person_id "
        "AND n.status IN ('submitted', 'accepted') AND n.arrival_date >= x.day "
        "AND n.arrival_date <= COALESCE(" NEXT_EXIT
        ", $2)) " NOT_OTHERWISE_INFORMED("$2") "ORDER BY x.id LIMIT $4";
    if (selfreg_from == QN_DATE_NONE)
        return qn_err_field(err, "selfreg_from", "is required");
    return entries(c, sql, from, to, after_id, limit, selfreg_from, out, err);
}

qn_code qn_store_ctl_entries(qn_store_conn *c, qn_date_t from, qn_date_t to, int64_t after_id, int64_t limit,
                             qn_store_ctl_entry_list *out, qn_err *err)
{
    static const char *const sql =
        "SELECT x.id, x.person_id, x.day, " NEXT_EXIT ", x.region FROM crossings x "
        "WHERE x.kind = 'entry' AND x.day >= $1 AND x.day <= $2 AND x.id > $3 "
        "ORDER BY x.id LIMIT $4";
    return entries(c, sql, from, to, after_id, limit, QN_DATE_NONE, out, err);
}

qn_code qn_store_ctl_superseded_missing(qn_store_conn *c, qn_date_t selfreg_from, int64_t *ids, size_t cap,
                                        size_t *n, qn_err *err)
{
    static const char *const sql =
        "SELECT v.id FROM violations v JOIN crossings x ON v.dedup_key = 'art518m:' || x.id "
        "WHERE v.kind = 'art518' AND v.state = 'open' AND v.dedup_key LIKE 'art518m:%' "
        "AND (EXISTS (SELECT 1 FROM notifications n WHERE n.person_id = x.person_id "
        "AND n.status IN ('submitted', 'accepted') AND n.arrival_date >= x.day "
        "AND n.arrival_date <= COALESCE(" NEXT_EXIT ", n.arrival_date)) "
        "OR (x.day >= $2 AND EXISTS (SELECT 1 FROM self_registrations s WHERE s.person_id = x.person_id "
        "AND s.state = 'confirmed' AND s.arrival_date >= x.day "
        "AND s.arrival_date <= COALESCE(" NEXT_EXIT ", s.arrival_date)))) ORDER BY v.id LIMIT $1";
    *n = 0;
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, (int64_t)cap);
    qs_date(&q, 2, selfreg_from);
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

const char *qn_store_ctl_synth_citizenship(int64_t i)
{
    static const char *const cit[10] = {"DEU", "USA", "GBR", "FRA", "UZB", "RUS", "KGZ", "ARM", "TJK", "BLR"};
    return cit[((i % 10) + 10) % 10];
}

/* The mix of the synthetic registry (docs/control_api.md §Benchmark), as SQL
 * over the person id: citizenship by id % 10 (four visa-free states of seed
 * 001, then UZB, RUS, KGZ, ARM, TJK, BLR: CIS and EAEU); a first trip, half
 * of them before 2020-01-11 (no notification was due then), half in the
 * last year (not notified: a missing notification); a current trip entered
 * 1..20 days ago, or 35..46 days ago for three groups: UZB holding a
 * permit (lawful by the permit), USA holding a visa (lawful by the visa)
 * and USA without one (overstayed); one notification of the current trip,
 * one in ten received six days late. */
#define SYNTH_CIT                                                                                            \
    "CASE i % 10 WHEN 0 THEN 'DEU' WHEN 1 THEN 'USA' WHEN 2 THEN 'GBR' WHEN 3 THEN 'FRA' WHEN 4 THEN 'UZB' " \
    "WHEN 5 THEN 'RUS' WHEN 6 THEN 'KGZ' WHEN 7 THEN 'ARM' WHEN 8 THEN 'TJK' ELSE 'BLR' END"
#define SYNTH_ENTRY1 "CASE WHEN id % 2 = 0 THEN $1 - 200 - id % 50 ELSE $3 - id % 50 END"
#define SYNTH_ENTRY2                                                                                         \
    "CASE WHEN id % 10 = 4 AND id % 20 >= 10 THEN $1 - 40 - id % 7 "                                         \
    "WHEN id % 10 = 1 AND id % 3 <> 2 THEN $1 - 35 - id % 12 ELSE $1 - 1 - id % 20 END"

static qn_code synth_run(qn_store_conn *c, const char *sql, int64_t a, int64_t b, int64_t d, qn_err *err)
{
    qs_q q;
    qs_init(&q, c, sql);
    if (strstr(sql, "$1") != NULL)
        qs_int(&q, 1, a);
    if (strstr(sql, "$2") != NULL)
        qs_int(&q, 2, b);
    if (strstr(sql, "$3") != NULL)
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
        "SELECT 'foreigner', 'SYNTH', 'P' || i, " SYNTH_CIT ", 5000 + i % 10000, CASE i % 2 WHEN 0 THEN 'M' "
        "ELSE 'F' END, $2 FROM s";
    static const char *const documents =
        "INSERT INTO documents (person_id, kind, number, country, expires, created_at) "
        "SELECT id, 'passport', 'SY' || id, citizenship, $1, $2 FROM persons";
    static const char *const entry1 =
        "INSERT INTO crossings (person_id, kind, day, checkpoint, created_at, region) "
        "SELECT id, 'entry', " SYNTH_ENTRY1 ", 'CP' || (id % 8), $2, '75' FROM persons";
    static const char *const exit1 =
        "INSERT INTO crossings (person_id, kind, day, checkpoint, created_at, region) "
        "SELECT id, 'exit', " SYNTH_ENTRY1 " + 10 + id % 10, 'CP' || (id % 8), $2, '75' FROM persons";
    static const char *const entry2 =
        "INSERT INTO crossings (person_id, kind, day, checkpoint, created_at, region) "
        "SELECT id, 'entry', " SYNTH_ENTRY2 ", 'CP' || (id % 8), $2, '75' FROM persons";
    static const char *const notifications =
        "INSERT INTO notifications (number, host_account_id, person_id, entry_date, checkpoint, "
        "arrival_date, stay_from, stay_to, purpose, deadline, on_time, status, created_at, payload) "
        "SELECT 'N-SY-' || id, $2, id, " SYNTH_ENTRY2 ", 'CP' || (id % 8), " SYNTH_ENTRY2 ", " SYNTH_ENTRY2
        ", " SYNTH_ENTRY2 " + 10, 'tourism', " SYNTH_ENTRY2 " + 2, 1, 'submitted', "
        "CAST(" SYNTH_ENTRY2 " + CASE WHEN id % 10 = 0 THEN 6 ELSE 0 END AS BIGINT) * 86400 + 36000, '{}' "
        "FROM persons";
    /* UZB with a current trip of 35+ days hold a permit from the day of entry. */
    static const char *const permits =
        "INSERT INTO stay_documents (person_id, kind, number, valid_from, valid_to, created_at) "
        "SELECT id, 'permit', 'SP' || id, " SYNTH_ENTRY2 ", $1 + 300, $2 FROM persons "
        "WHERE id % 10 = 4 AND id % 20 >= 10";
    /* Two thirds of those USA travellers hold a visa covering their stay. */
    static const char *const visas =
        "INSERT INTO visas (person_id, kind, number, valid_from, valid_to, entries, created_at) "
        "SELECT id, 'business', 'SV' || id, $1 - 60, $1 + 60, 'multiple', $2 FROM persons "
        "WHERE id % 10 = 1 AND id % 3 = 0";
    /* Open cases: an overstay case for 1 in 40, a host's case for 1 in 40. */
    static const char *const violations =
        "INSERT INTO violations (kind, subject_person_id, facts, article, fine_mci, fine_amount, state, "
        "region, "
        "created_at, updated_at) SELECT CASE WHEN id % 40 = 0 THEN 'art517' ELSE 'art518' END, id, '{}', "
        "CASE WHEN id % 40 = 0 THEN '517.3' ELSE '518.1' END, 10, 0, 'open', '75', $1, $1 FROM persons "
        "WHERE id % 40 IN (0, 1)";
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
    qn_date_t old = 18048; /* 2019-06-01: before the host notification at each entry (2020-01-11) */
    if (rc == QN_OK)
        rc = synth_run(c, persons, n_persons, now, 0, err);
    if (rc == QN_OK)
        rc = synth_run(c, documents, today + 3650, now, 0, err);
    if (rc == QN_OK)
        rc = synth_run(c, entry1, today, now, old, err);
    if (rc == QN_OK)
        rc = synth_run(c, exit1, today, now, old, err);
    if (rc == QN_OK)
        rc = synth_run(c, entry2, today, now, 0, err);
    if (rc == QN_OK)
        rc = synth_run(c, notifications, today, host_account_id, 0, err);
    if (rc == QN_OK)
        rc = synth_run(c, permits, today, now, 0, err);
    if (rc == QN_OK)
        rc = synth_run(c, visas, today, now, 0, err);
    if (rc == QN_OK)
        rc = synth_run(c, violations, now, 0, 0, err);
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
