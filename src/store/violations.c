/* violations.c — administrative violations: art. 518 (late or missing
 * notification by the host) and art. 517 (overstay by the foreigner), with
 * their facts, fine and state (open -> fined -> closed), listed by region.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/store_internal.h"

#define VIO_COLS                                                                                   \
    "id, kind, COALESCE(subject_person_id, 0), COALESCE(subject_account_id, 0), "                  \
    "COALESCE(subject_iin_bin, ''), facts, article, fine_mci, fine_amount, state, region, "        \
    "COALESCE(notification_id, 0), created_at, updated_at"
static const char *const vio_digest = "SELECT * FROM violations WHERE id = $1";

static qn_code read_vio(qs_q *q, void *item)
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

qn_code qn_store_violation_create(qn_store_conn *c, qn_store_violation *v, qn_err *err)
{
    static const char *const sql =
        "INSERT INTO violations (kind, subject_person_id, subject_account_id, subject_iin_bin, "
        "facts, article, fine_mci, fine_amount, state, region, notification_id, created_at, "
        "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id";
    QS_FIELD(err, v, kind, "kind");
    QS_FIELD(err, v, subject_iin_bin, "subject_iin_bin");
    QS_FIELD(err, v, article, "article");
    QS_FIELD(err, v, state, "state");
    QS_FIELD(err, v, region, "region");
    if (v->facts != NULL && strnlen(v->facts, QN_STORE_JSON_MAX + 1) > QN_STORE_JSON_MAX)
        return qs_too_large(err, "facts", QN_STORE_JSON_MAX);
    if (v->created_at == 0)
        v->created_at = qs_now();
    if (v->state[0] == '\0')
        snprintf(v->state, sizeof v->state, "open");
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
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
    rc = qs_one(&q, "violation", err);
    if (rc == QN_OK)
        v->id = qs_get_int(&q, 0);
    qs_done(&q);
    if (rc == QN_OK)
        rc = qs_audit_row(c, "create", "violation", vio_digest, v->id, NULL, NULL, err);
    rc = qs_wend(c, own, rc, err);
    if (rc == QN_OK)
        v->updated_at = v->created_at;
    return rc;
}

qn_code qn_store_violation_get(qn_store_conn *c, int64_t id, qn_store_violation *out,
                               qn_err *err)
{
    static const char *const sql = "SELECT " VIO_COLS " FROM violations WHERE id = $1";
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, id);
    qn_code rc = qs_one(&q, "violation", err);
    if (rc == QN_OK) {
        memset(out, 0, sizeof *out);
        rc = read_vio(&q, out);
        if (rc != QN_OK)
            qn_err_set(err, rc, "out of memory");
    }
    qs_done(&q);
    return rc;
}

qn_code qn_store_violation_set_state(qn_store_conn *c, int64_t id, const char *state,
                                     int32_t fine_mci, int64_t fine_amount, qn_err *err)
{
    static const char *const sql = "UPDATE violations SET state = $2, fine_mci = $3, "
                                   "fine_amount = $4, updated_at = $5 WHERE id = $1";
    qn_code rc = qs_check_str(err, "state", state, QN_STORE_CODE_MAX, true);
    if (rc != QN_OK)
        return rc;
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    unsigned char before[QN_STORE_DIGEST_LEN];
    bool found = false;
    rc = qs_row_digest(c, vio_digest, id, NULL, before, &found, err);
    if (rc == QN_OK && !found)
        rc = qn_err_set(err, QN_E_NOT_FOUND, "violation %" PRId64 " not found", id);
    if (rc == QN_OK) {
        qs_q q;
        qs_init(&q, c, sql);
        qs_int(&q, 1, id);
        qs_text(&q, 2, state);
        qs_int(&q, 3, fine_mci);
        qs_int(&q, 4, fine_amount);
        qs_int(&q, 5, qs_now());
        rc = qs_run(&q, err);
        qs_done(&q);
    }
    if (rc == QN_OK)
        rc = qs_audit_row(c, "set_state", "violation", vio_digest, id, NULL, before, err);
    return qs_wend(c, own, rc, err);
}

/* One statement per filter shape (bit 1: region, bit 2: state), so that
 * each uses its index: a catch-all "($1 = '' OR region = $1)" would make
 * SQLite scan the table and sort it. The plans are checked by the
 * conformance suite through qn_store_lookup_explain. */
#define VIO_ORDER " ORDER BY created_at DESC, id DESC LIMIT "
static const char *const vio_count[4] = {
    "SELECT COUNT(*) FROM violations",
    "SELECT COUNT(*) FROM violations WHERE region = $1",
    "SELECT COUNT(*) FROM violations WHERE state = $1",
    "SELECT COUNT(*) FROM violations WHERE region = $1 AND state = $2",
};
static const char *const vio_list[4] = {
    "SELECT " VIO_COLS " FROM violations" VIO_ORDER "$1 OFFSET $2",
    "SELECT " VIO_COLS " FROM violations WHERE region = $1" VIO_ORDER "$2 OFFSET $3",
    "SELECT " VIO_COLS " FROM violations WHERE state = $1" VIO_ORDER "$2 OFFSET $3",
    "SELECT " VIO_COLS " FROM violations WHERE region = $1 AND state = $2" VIO_ORDER
    "$3 OFFSET $4",
};

const qs_lookup qs_violation_lookups[] = {
    {"violation_search()", "violations_created", &vio_list[0], {"50", "0"}},
    {"violation_search(region)", "violations_region_time", &vio_list[1], {"75", "50", "0"}},
    {"violation_search(region,state)", "violations_region|violations_region_time", &vio_list[3],
     {"75", "open", "50", "0"}},
    {"violation_search_count(region)", "violations_region|violations_region_time", &vio_count[1],
     {"75"}},
    {"violation_search_count(region,state)", "violations_region|violations_region_time", &vio_count[3], {"75", "open"}},
};
const size_t qs_violation_lookups_count = sizeof qs_violation_lookups / sizeof qs_violation_lookups[0];

/* Binds the filters present, in order, then limit and offset if limit > 0. */
static void bind_filters(qs_q *q, const char *region, const char *state, int64_t limit,
                         int64_t offset)
{
    int n = 0;
    if (region[0] != '\0')
        qs_text(q, ++n, region);
    if (state[0] != '\0')
        qs_text(q, ++n, state);
    if (limit > 0) {
        qs_int(q, ++n, limit);
        qs_int(q, ++n, offset);
    }
}

qn_code qn_store_violation_search(qn_store_conn *c, const char *region, const char *state,
                                  int64_t offset, int64_t limit, qn_store_violation_list *out,
                                  qn_err *err)
{
    memset(out, 0, sizeof *out);
    qn_code rc = qs_check_str(err, "region", region, QN_STORE_REGION_MAX, false);
    if (rc == QN_OK)
        rc = qs_check_str(err, "state", state, QN_STORE_CODE_MAX, false);
    if (rc == QN_OK)
        rc = qs_limit(&limit, &offset, err);
    if (rc != QN_OK)
        return rc;
    region = region != NULL ? region : "";
    state = state != NULL ? state : "";
    int shape = (region[0] != '\0' ? 1 : 0) | (state[0] != '\0' ? 2 : 0);
    qs_q q;
    qs_init(&q, c, vio_count[shape]);
    bind_filters(&q, region, state, 0, 0);
    rc = qs_one(&q, "count", err);
    if (rc == QN_OK)
        out->total = qs_get_int(&q, 0);
    qs_done(&q);
    if (rc != QN_OK)
        return rc;
    qs_init(&q, c, vio_list[shape]);
    bind_filters(&q, region, state, limit, offset);
    void *items;
    rc = qs_collect(&q, (size_t)limit, sizeof *out->items, read_vio, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK) {
        if (err != NULL && err->code == QN_OK)
            qn_err_set(err, rc, "out of memory");
        qn_store_violation_list_free(out);
    }
    return rc;
}

void qn_store_violation_clear(qn_store_violation *v)
{
    if (v == NULL)
        return;
    free(v->facts);
    v->facts = NULL;
}

void qn_store_violation_list_free(qn_store_violation_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->count; i++)
        qn_store_violation_clear(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->count = 0;
}
