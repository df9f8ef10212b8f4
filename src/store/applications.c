/* applications.c — applications (with optimistic concurrency), their
 * signatures and consents, notices (History of Services) and violations.
 *
 * An application carries a version: an update names the version it read
 * and succeeds only if the row still has it (UPDATE ... WHERE version = $n),
 * so two officers deciding at once cannot overwrite each other. The officer
 * queue (qn_store_application_queue) filters and pages in the query, on the
 * indexes applications_queue (region, state, deadline_at, id) and
 * applications_queue_kind (region, kind, state, deadline_at, id).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/store_internal.h"

#define APP_COLS                                                                                             \
    "id, number, kind, state, applicant_account_id, region, COALESCE(deadline_at, 0), payload, "             \
    "COALESCE(decision, ''), reasons, COALESCE(appeal_state, ''), appeal_text, "                             \
    "COALESCE(appeal_at, 0), COALESCE(officer_account_id, 0), created_at, updated_at, version"
static const char *const app_digest = "SELECT * FROM applications WHERE id = $1";

static qn_code read_app(qs_q *q, void *item)
{
    qn_store_application *a = item;
    a->id = qs_get_int(q, 0);
    QS_STR(q, 1, a->number);
    QS_STR(q, 2, a->kind);
    QS_STR(q, 3, a->state);
    a->applicant_account_id = qs_get_int(q, 4);
    QS_STR(q, 5, a->region);
    a->deadline_at = qs_get_int(q, 6);
    QS_STR(q, 8, a->decision);
    QS_STR(q, 10, a->appeal_state);
    a->appeal_at = qs_get_int(q, 12);
    a->officer_account_id = qs_get_int(q, 13);
    a->created_at = qs_get_int(q, 14);
    a->updated_at = qs_get_int(q, 15);
    a->version = qs_get_int(q, 16);
    qn_code rc = qs_get_strdup(q, 7, &a->payload, NULL);
    if (rc == QN_OK)
        rc = qs_get_strdup(q, 9, &a->reasons, NULL);
    if (rc == QN_OK)
        rc = qs_get_strdup(q, 11, &a->appeal_text, NULL);
    return rc;
}

static qn_code check_app(const qn_store_application *a, qn_err *err)
{
    QS_FIELD(err, a, number, "number");
    QS_FIELD(err, a, kind, "kind");
    QS_FIELD(err, a, state, "state");
    QS_FIELD(err, a, region, "region");
    QS_FIELD(err, a, decision, "decision");
    QS_FIELD(err, a, appeal_state, "appeal_state");
    const char *texts[] = {a->payload, a->reasons, a->appeal_text};
    const char *names[] = {"payload", "reasons", "appeal_text"};
    for (size_t i = 0; i < 3; i++)
        if (texts[i] != NULL && strnlen(texts[i], QN_STORE_JSON_MAX + 1) > QN_STORE_JSON_MAX)
            return qs_too_large(err, names[i], QN_STORE_JSON_MAX);
    return QN_OK;
}

qn_code qn_store_application_create(qn_store_conn *c, qn_store_application *a, qn_err *err)
{
    static const char *const sql =
        "INSERT INTO applications (number, kind, state, applicant_account_id, region, "
        "deadline_at, payload, decision, reasons, appeal_state, appeal_text, appeal_at, "
        "officer_account_id, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, "
        "$7, $8, $9, $10, $11, $12, $13, $14, $14, 1) RETURNING id";
    qn_code rc = check_app(a, err);
    if (rc != QN_OK)
        return rc;
    if (a->created_at == 0)
        a->created_at = qs_now();
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    bool assigned = false;
    if (a->number[0] == '\0') {
        rc = qs_next_number(c, "A", a->created_at, a->number, sizeof a->number, err);
        assigned = rc == QN_OK;
    }
    if (rc == QN_OK) {
        qs_q q;
        qs_init(&q, c, sql);
        qs_text(&q, 1, a->number);
        qs_text(&q, 2, a->kind);
        qs_text(&q, 3, a->state);
        qs_int(&q, 4, a->applicant_account_id);
        qs_text(&q, 5, a->region);
        qs_int_opt(&q, 6, a->deadline_at);
        qs_text(&q, 7, a->payload != NULL ? a->payload : "{}");
        qs_text_opt(&q, 8, a->decision);
        qs_text(&q, 9, a->reasons);
        qs_text_opt(&q, 10, a->appeal_state);
        qs_text(&q, 11, a->appeal_text);
        qs_int_opt(&q, 12, a->appeal_at);
        qs_int_opt(&q, 13, a->officer_account_id);
        qs_int(&q, 14, a->created_at);
        rc = qs_one(&q, "application", err);
        if (rc == QN_OK)
            a->id = qs_get_int(&q, 0);
        qs_done(&q);
    }
    if (rc == QN_OK)
        rc = qs_audit_row(c, "create", "application", app_digest, a->id, NULL, NULL, err);
    rc = qs_wend(c, own, rc, err);
    if (rc == QN_OK) {
        a->updated_at = a->created_at;
        a->version = 1;
    } else if (assigned) {
        a->number[0] = '\0';
    }
    return rc;
}

static qn_code app_by(qn_store_conn *c, const char *sql, int64_t id, const char *text,
                      qn_store_application *out, qn_err *err)
{
    qs_q q;
    qs_init(&q, c, sql);
    if (text != NULL)
        qs_text(&q, 1, text);
    else
        qs_int(&q, 1, id);
    qn_code rc = qs_one(&q, "application", err);
    if (rc == QN_OK) {
        memset(out, 0, sizeof *out);
        rc = read_app(&q, out);
        if (rc != QN_OK) {
            qn_store_application_clear(out);
            qn_err_set(err, rc, "out of memory");
        }
    }
    qs_done(&q);
    return rc;
}

qn_code qn_store_application_get(qn_store_conn *c, int64_t id, qn_store_application *out, qn_err *err)
{
    static const char *const sql = "SELECT " APP_COLS " FROM applications WHERE id = $1";
    return app_by(c, sql, id, NULL, out, err);
}

qn_code qn_store_application_by_number(qn_store_conn *c, const char *number, qn_store_application *out,
                                       qn_err *err)
{
    static const char *const sql = "SELECT " APP_COLS " FROM applications WHERE number = $1";
    qn_code rc = qs_check_str(err, "number", number, QN_STORE_NUMBER_MAX, true);
    if (rc != QN_OK)
        return rc;
    return app_by(c, sql, 0, number, out, err);
}

qn_code qn_store_application_update(qn_store_conn *c, qn_store_application *a, qn_err *err)
{
    static const char *const sql =
        "UPDATE applications SET state = $3, region = $4, deadline_at = $5, payload = $6, "
        "decision = $7, reasons = $8, appeal_state = $9, appeal_text = $10, appeal_at = $11, "
        "officer_account_id = $12, updated_at = $13, version = version + 1 "
        "WHERE id = $1 AND version = $2";
    qn_code rc = check_app(a, err);
    if (rc != QN_OK)
        return rc;
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    unsigned char before[QN_STORE_DIGEST_LEN];
    bool found = false;
    rc = qs_row_digest(c, app_digest, a->id, NULL, before, &found, err);
    if (rc == QN_OK && !found)
        rc = qn_err_set(err, QN_E_NOT_FOUND, "application %" PRId64 " not found", a->id);
    int64_t now = qs_now();
    if (now < a->updated_at)
        now = a->updated_at;
    if (rc == QN_OK) {
        qs_q q;
        qs_init(&q, c, sql);
        qs_int(&q, 1, a->id);
        qs_int(&q, 2, a->version);
        qs_text(&q, 3, a->state);
        qs_text(&q, 4, a->region);
        qs_int_opt(&q, 5, a->deadline_at);
        qs_text(&q, 6, a->payload != NULL ? a->payload : "{}");
        qs_text_opt(&q, 7, a->decision);
        qs_text(&q, 8, a->reasons);
        qs_text_opt(&q, 9, a->appeal_state);
        qs_text(&q, 10, a->appeal_text);
        qs_int_opt(&q, 11, a->appeal_at);
        qs_int_opt(&q, 12, a->officer_account_id);
        qs_int(&q, 13, now);
        rc = qs_run(&q, err);
        if (rc == QN_OK && q.changes == 0) {
            rc = qn_err_set(err, QN_E_CONFLICT,
                            "application %" PRId64 " was changed by someone else (version %" PRId64
                            " is stale); reload it and try again",
                            a->id, a->version);
            qn_err_sub(err, "stale_version");
        }
        qs_done(&q);
    }
    if (rc == QN_OK)
        rc = qs_audit_row(c, "update", "application", app_digest, a->id, NULL, before, err);
    rc = qs_wend(c, own, rc, err);
    if (rc == QN_OK) {
        a->version++;
        a->updated_at = now;
    }
    return rc;
}

#define APP_WHERE                                                                                            \
    " WHERE (CAST($1 AS TEXT) = '' OR region = $1) AND (CAST($2 AS TEXT) = '' OR state = $2)"                \
    " AND (CAST($3 AS BIGINT) = 0 OR applicant_account_id = $3)"                                             \
    " AND (CAST($4 AS BIGINT) = 0 OR (deadline_at > 0 AND deadline_at < $4))"

static void bind_app_filter(qs_q *q, const qn_store_application_filter *f)
{
    qs_text(q, 1, f->region);
    qs_text(q, 2, f->state);
    qs_int(q, 3, f->applicant_account_id);
    qs_int(q, 4, f->overdue_at);
}

qn_code qn_store_application_search(qn_store_conn *c, const qn_store_application_filter *f,
                                    qn_store_application_list *out, qn_err *err)
{
    static const char *const count_sql = "SELECT COUNT(*) FROM applications" APP_WHERE;
    static const char *const list_sql =
        "SELECT " APP_COLS " FROM applications" APP_WHERE
        " ORDER BY CASE WHEN deadline_at IS NULL THEN 1 ELSE 0 END, deadline_at, id"
        " LIMIT $5 OFFSET $6";
    memset(out, 0, sizeof *out);
    QS_FIELD(err, f, region, "region");
    QS_FIELD(err, f, state, "state");
    int64_t limit = f->limit, offset = f->offset;
    qn_code rc = qs_limit(&limit, &offset, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, count_sql);
    bind_app_filter(&q, f);
    rc = qs_one(&q, "count", err);
    if (rc == QN_OK)
        out->total = qs_get_int(&q, 0);
    qs_done(&q);
    if (rc != QN_OK)
        return rc;
    qs_init(&q, c, list_sql);
    bind_app_filter(&q, f);
    qs_int(&q, 5, limit);
    qs_int(&q, 6, offset);
    void *items;
    rc = qs_collect(&q, (size_t)limit, sizeof *out->items, read_app, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK) {
        if (err != NULL && err->code == QN_OK)
            qn_err_set(err, rc, "out of memory");
        qn_store_application_list_free(out);
    }
    return rc;
}

/* The officer's queue: region = $1 and state IN ($2..$9) use the index
 * applications_queue (region, state, deadline_at, id), or with a kind
 * applications_queue_kind (region, kind, state, deadline_at, id) of
 * migration 005; unused state slots are bound to '' (no state is empty). */
#define QUEUE_WHERE                                                                                          \
    " WHERE region = $1 AND state IN ($2, $3, $4, $5, $6, $7, $8, $9)"                                       \
    " AND (CAST($10 AS TEXT) = '' OR kind = $10)"                                                            \
    " AND (CAST($11 AS BIGINT) = 0 OR (deadline_at IS NOT NULL AND deadline_at > 0"                          \
    " AND deadline_at < $11))"

static void bind_queue(qs_q *q, const qn_store_app_queue_filter *f)
{
    qs_text(q, 1, f->region);
    for (size_t i = 0; i < 8; i++)
        qs_text(q, (int)(2 + i), i < f->n_states && f->states[i] ? f->states[i] : "");
    qs_text(q, 10, f->kind);
    qs_int(q, 11, f->overdue_at);
}

qn_code qn_store_application_queue(qn_store_conn *c, const qn_store_app_queue_filter *f,
                                   qn_store_application_list *out, qn_err *err)
{
    static const char *const count_sql = "SELECT COUNT(*) FROM applications" QUEUE_WHERE;
    static const char *const list_sql =
        "SELECT " APP_COLS " FROM applications" QUEUE_WHERE
        " ORDER BY CASE WHEN deadline_at IS NULL THEN 1 ELSE 0 END, deadline_at, id"
        " LIMIT $12 OFFSET $13";
    memset(out, 0, sizeof *out);
    QS_FIELD(err, f, region, "region");
    QS_FIELD(err, f, kind, "kind");
    if (f->region[0] == '\0') {
        qn_err_set(err, QN_E_INVALID, "the queue needs a region");
        return qn_err_field(err, "region", "is required");
    }
    if (f->n_states < 1 || f->n_states > 8) {
        qn_err_set(err, QN_E_INVALID, "the queue needs 1 to 8 states");
        return qn_err_field(err, "states", "must name 1 to 8 states");
    }
    for (size_t i = 0; i < f->n_states; i++) {
        qn_code rc = qs_check_str(err, "states", f->states[i], QN_STORE_CODE_MAX, true);
        if (rc != QN_OK)
            return rc;
    }
    int64_t limit = f->limit, offset = f->offset;
    qn_code rc = qs_limit(&limit, &offset, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, count_sql);
    bind_queue(&q, f);
    rc = qs_one(&q, "count", err);
    if (rc == QN_OK)
        out->total = qs_get_int(&q, 0);
    qs_done(&q);
    if (rc != QN_OK)
        return rc;
    qs_init(&q, c, list_sql);
    bind_queue(&q, f);
    qs_int(&q, 12, limit);
    qs_int(&q, 13, offset);
    void *items;
    rc = qs_collect(&q, (size_t)limit, sizeof *out->items, read_app, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK) {
        if (err != NULL && err->code == QN_OK)
            qn_err_set(err, rc, "out of memory");
        qn_store_application_list_free(out);
    }
    return rc;
}

void qn_store_application_clear(qn_store_application *a)
{
    if (a == NULL)
        return;
    free(a->payload);
    free(a->reasons);
    free(a->appeal_text);
    a->payload = a->reasons = a->appeal_text = NULL;
}

void qn_store_application_list_free(qn_store_application_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->count; i++)
        qn_store_application_clear(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

/* -------------------------------------------------------------- signatures */

static const char *const sig_digest = "SELECT * FROM signatures WHERE id = $1";

static qn_code read_sig(qs_q *q, void *item)
{
    qn_store_signature *s = item;
    s->id = qs_get_int(q, 0);
    s->application_id = qs_get_int(q, 1);
    QS_STR(q, 2, s->doc_ref);
    QS_STR(q, 3, s->kind);
    QS_STR(q, 4, s->signer_iin_bin);
    QS_STR(q, 5, s->role);
    QS_STR(q, 7, s->result);
    s->verified_at = qs_get_int(q, 8);
    s->created_at = qs_get_int(q, 9);
    return qs_get_blob(q, 6, &s->cms, &s->cms_len, NULL);
}

qn_code qn_store_signature_add(qn_store_conn *c, qn_store_signature *s, qn_err *err)
{
    static const char *const sql =
        "INSERT INTO signatures (application_id, doc_ref, kind, signer_iin_bin, role, cms, "
        "result, verified_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
        "RETURNING id";
    QS_FIELD(err, s, doc_ref, "doc_ref");
    QS_FIELD(err, s, kind, "kind");
    QS_FIELD(err, s, signer_iin_bin, "signer_iin_bin");
    QS_FIELD(err, s, role, "role");
    QS_FIELD(err, s, result, "result");
    if (s->cms == NULL || s->cms_len == 0) {
        qn_err_set(err, QN_E_INVALID, "cms is required");
        return qn_err_field(err, "cms", "is required");
    }
    if (s->cms_len > QN_STORE_BLOB_MAX)
        return qs_too_large(err, "cms", QN_STORE_BLOB_MAX);
    if (s->created_at == 0)
        s->created_at = qs_now();
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_int_opt(&q, 1, s->application_id);
    qs_text_opt(&q, 2, s->doc_ref);
    qs_text(&q, 3, s->kind);
    qs_text(&q, 4, s->signer_iin_bin);
    qs_text(&q, 5, s->role);
    qs_blob(&q, 6, s->cms, s->cms_len);
    qs_text(&q, 7, s->result);
    qs_int_opt(&q, 8, s->verified_at);
    qs_int(&q, 9, s->created_at);
    rc = qs_one(&q, "signature", err);
    if (rc == QN_OK)
        s->id = qs_get_int(&q, 0);
    qs_done(&q);
    if (rc == QN_OK)
        rc = qs_audit_row(c, "create", "signature", sig_digest, s->id, NULL, NULL, err);
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_signature_list_application(qn_store_conn *c, int64_t application_id,
                                            qn_store_signature_list *out, qn_err *err)
{
    static const char *const sql =
        "SELECT id, COALESCE(application_id, 0), COALESCE(doc_ref, ''), kind, signer_iin_bin, "
        "role, cms, result, COALESCE(verified_at, 0), created_at FROM signatures "
        "WHERE application_id = $1 ORDER BY id LIMIT 1000";
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, application_id);
    void *items;
    qn_code rc = qs_collect(&q, 1000, sizeof *out->items, read_sig, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK) {
        if (err != NULL && err->code == QN_OK)
            qn_err_set(err, rc, "out of memory");
        qn_store_signature_list_free(out);
    }
    return rc;
}

void qn_store_signature_clear(qn_store_signature *s)
{
    if (s == NULL)
        return;
    free(s->cms);
    s->cms = NULL;
    s->cms_len = 0;
}

void qn_store_signature_list_free(qn_store_signature_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->count; i++)
        qn_store_signature_clear(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

/* ----------------------------------------------------------------- notices */


static qn_code read_notice(qs_q *q, void *item)
{
    qn_store_notice *n = item;
    n->id = qs_get_int(q, 0);
    n->account_id = qs_get_int(q, 1);
    QS_STR(q, 2, n->kind);
    QS_STR(q, 3, n->ref);
    n->created_at = qs_get_int(q, 5);
    return qs_get_strdup(q, 4, &n->body, NULL);
}

qn_code qn_store_notice_add(qn_store_conn *c, qn_store_notice *n, qn_err *err)
{
    static const char *const sql = "INSERT INTO notices (account_id, kind, ref, body, created_at) "
                                   "VALUES ($1, $2, $3, $4, $5) RETURNING *";
    QS_FIELD(err, n, kind, "kind");
    QS_FIELD(err, n, ref, "ref");
    if (n->body != NULL && strnlen(n->body, QN_STORE_JSON_MAX + 1) > QN_STORE_JSON_MAX)
        return qs_too_large(err, "body", QN_STORE_JSON_MAX);
    if (n->created_at == 0)
        n->created_at = qs_now();
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, n->account_id);
    qs_text(&q, 2, n->kind);
    qs_text_opt(&q, 3, n->ref);
    qs_text(&q, 4, n->body != NULL ? n->body : "");
    qs_int(&q, 5, n->created_at);
    rc = qs_insert_audited(&q, "notice", &n->id, err);
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_notice_list_account(qn_store_conn *c, int64_t account_id, int64_t offset, int64_t limit,
                                     qn_store_notice_list *out, qn_err *err)
{
    static const char *const count_sql = "SELECT COUNT(*) FROM notices WHERE account_id = $1";
    static const char *const sql =
        "SELECT id, account_id, kind, COALESCE(ref, ''), body, created_at FROM notices "
        "WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3";
    memset(out, 0, sizeof *out);
    qn_code rc = qs_limit(&limit, &offset, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, count_sql);
    qs_int(&q, 1, account_id);
    rc = qs_one(&q, "count", err);
    if (rc == QN_OK)
        out->total = qs_get_int(&q, 0);
    qs_done(&q);
    if (rc != QN_OK)
        return rc;
    qs_init(&q, c, sql);
    qs_int(&q, 1, account_id);
    qs_int(&q, 2, limit);
    qs_int(&q, 3, offset);
    void *items;
    rc = qs_collect(&q, (size_t)limit, sizeof *out->items, read_notice, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK) {
        if (err != NULL && err->code == QN_OK)
            qn_err_set(err, rc, "out of memory");
        qn_store_notice_list_free(out);
    }
    return rc;
}

void qn_store_notice_list_free(qn_store_notice_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i].body);
    free(l->items);
    l->items = NULL;
    l->count = 0;
}
