/* control_selfreg.c — store operations of self-registration (MVD Order
 * No. 923, in force 2026-07-01; migration 009_control): one row per
 * application, the host's answer, and the automatic deregistration from
 * the old address after a change of address. Every write is audited.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

static const char *const selfreg_digest = "SELECT * FROM self_registrations WHERE id = $1";

#define SR_COLS                                                                                              \
    "s.id, s.application_id, s.person_id, s.kind, s.host_iin_bin, s.address_code, s.region, "                \
    "s.arrival_date, s.stay_to, s.deadline, s.state, s.document, COALESCE(s.signature_id, 0), "              \
    "s.created_at, COALESCE(s.decided_at, 0), a.number"

static qn_code read_sr(qs_q *q, void *item)
{
    qn_store_selfreg *r = item;
    r->id = qs_get_int(q, 0);
    r->application_id = qs_get_int(q, 1);
    r->person_id = qs_get_int(q, 2);
    QS_STR(q, 3, r->kind);
    QS_STR(q, 4, r->host_iin_bin);
    QS_STR(q, 5, r->address_code);
    QS_STR(q, 6, r->region);
    r->arrival_date = qs_get_date(q, 7);
    r->stay_to = qs_get_date(q, 8);
    r->deadline = qs_get_date(q, 9);
    QS_STR(q, 10, r->state);
    QS_STR(q, 11, r->document);
    r->signature_id = qs_get_int(q, 12);
    r->created_at = qs_get_int(q, 13);
    r->decided_at = qs_get_int(q, 14);
    QS_STR(q, 15, r->number);
    return QN_OK;
}

qn_code qn_store_selfreg_create(qn_store_conn *c, qn_store_selfreg *r, qn_err *err)
{
    static const char *const sql =
        "INSERT INTO self_registrations (application_id, person_id, kind, host_iin_bin, address_code, "
        "region, arrival_date, stay_to, deadline, state, document, created_at) VALUES ($1, $2, $3, $4, $5, "
        "$6, $7, $8, $9, $10, $11, $12) RETURNING id";
    QS_FIELD(err, r, kind, "kind");
    QS_FIELD(err, r, host_iin_bin, "host_iin_bin");
    QS_FIELD(err, r, address_code, "address_code");
    QS_FIELD(err, r, region, "region");
    QS_FIELD(err, r, document, "document");
    if (r->arrival_date == QN_DATE_NONE || r->stay_to == QN_DATE_NONE || r->deadline == QN_DATE_NONE) {
        qn_err_set(err, QN_E_INVALID, "the dates of a self-registration are required");
        return qn_err_field(err, r->arrival_date == QN_DATE_NONE ? "arrival_date" : "stay_to", "is required");
    }
    if (r->state[0] == '\0')
        snprintf(r->state, sizeof r->state, "awaiting_host");
    if (r->created_at == 0)
        r->created_at = qs_now();
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, r->application_id);
    qs_int(&q, 2, r->person_id);
    qs_text(&q, 3, r->kind);
    qs_text(&q, 4, r->host_iin_bin);
    qs_text(&q, 5, r->address_code);
    qs_text(&q, 6, r->region);
    qs_date(&q, 7, r->arrival_date);
    qs_date(&q, 8, r->stay_to);
    qs_date(&q, 9, r->deadline);
    qs_text(&q, 10, r->state);
    qs_text(&q, 11, r->document);
    qs_int(&q, 12, r->created_at);
    rc = qs_one(&q, "self-registration", err);
    if (rc == QN_OK)
        r->id = qs_get_int(&q, 0);
    qs_done(&q);
    if (rc == QN_OK)
        rc = qs_audit_row(c, "create", "self_registration", selfreg_digest, r->id, NULL, NULL, err);
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_selfreg_by_application(qn_store_conn *c, int64_t application_id, qn_store_selfreg *out,
                                        qn_err *err)
{
    static const char *const sql =
        "SELECT " SR_COLS " FROM self_registrations s "
        "JOIN applications a ON a.id = s.application_id WHERE s.application_id = $1";
    memset(out, 0, sizeof *out);
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, application_id);
    qn_code rc = qs_one(&q, "self-registration", err);
    if (rc == QN_OK)
        read_sr(&q, out);
    qs_done(&q);
    return rc;
}

qn_code qn_store_selfreg_pending_host(qn_store_conn *c, const char *host_iin_bin, qn_store_selfreg_list *out,
                                      qn_err *err)
{
    static const char *const sql =
        "SELECT " SR_COLS " FROM self_registrations s JOIN applications a ON a.id = s.application_id "
        "WHERE s.host_iin_bin = $1 AND s.state = 'awaiting_host' AND a.state = 'awaiting_host' "
        "ORDER BY s.id LIMIT 200";
    memset(out, 0, sizeof *out);
    qn_code rc = qs_check_str(err, "host_iin_bin", host_iin_bin, QN_STORE_IIN_LEN, true);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, host_iin_bin);
    void *items;
    rc = qs_collect(&q, 200, sizeof *out->items, read_sr, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK)
        qn_store_selfreg_list_free(out);
    return rc;
}

qn_code qn_store_selfreg_decide(qn_store_conn *c, int64_t id, const char *state, int64_t signature_id,
                                int64_t at, qn_err *err)
{
    static const char *const sql =
        "UPDATE self_registrations SET state = $2, signature_id = $3, decided_at = $4 "
        "WHERE id = $1 AND state = 'awaiting_host' RETURNING id";
    qn_code rc = qs_check_str(err, "state", state, QN_STORE_CODE_MAX, true);
    if (rc == QN_OK && strcmp(state, "confirmed") != 0 && strcmp(state, "refused") != 0)
        rc = qn_err_field(err, "state", "must be confirmed or refused");
    if (rc != QN_OK)
        return rc;
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    /* The row before (locked on PostgreSQL): absent is 404, not "already
     * answered". */
    unsigned char before[QN_STORE_DIGEST_LEN];
    bool found = false;
    rc = qs_row_digest(c, selfreg_digest, id, NULL, before, &found, err);
    if (rc == QN_OK && !found)
        rc = qn_err_set(err, QN_E_NOT_FOUND, "self-registration %" PRId64 " not found", id);
    if (rc != QN_OK)
        return qs_wend(c, own, rc, err);
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, id);
    qs_text(&q, 2, state);
    qs_int_opt(&q, 3, signature_id);
    qs_int(&q, 4, at ? at : qs_now());
    int r = qs_step(&q, err);
    qs_done(&q);
    if (r == 0) {
        rc = qn_err_set(err, QN_E_CONFLICT, "the host has already answered this self-registration");
        qn_err_sub(err, "already_decided");
    } else if (r < 0) {
        rc = err != NULL && err->code != QN_OK ? err->code : QN_E_INTERNAL;
    }
    if (rc == QN_OK)
        rc = qs_audit_row(c, "decide", "self_registration", selfreg_digest, id, NULL, before, err);
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_selfreg_end_before(qn_store_conn *c, int64_t person_id, int64_t except_id,
                                    qn_date_t last_day, qn_err *err)
{
    /* Only rows the update changes: one that arrived after last_day already
     * ends on its arrival day after the first call, and was found, rewritten
     * unchanged and audited ("deregister") again on every later call. */
    static const char *const find =
        "SELECT id FROM self_registrations WHERE person_id = $1 AND id <> $2 AND state = 'confirmed' "
        "AND stay_to > CASE WHEN arrival_date > $3 THEN arrival_date ELSE $3 END ORDER BY id LIMIT 100";
    static const char *const upd =
        "UPDATE self_registrations SET stay_to = CASE WHEN arrival_date > $2 THEN arrival_date ELSE $2 END "
        "WHERE id = $1";
    int64_t ids[100];
    size_t n = 0;
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, find);
    qs_int(&q, 1, person_id);
    qs_int(&q, 2, except_id);
    qs_date(&q, 3, last_day);
    int r;
    while (n < 100 && (r = qs_step(&q, err)) == 1)
        ids[n++] = qs_get_int(&q, 0);
    if (q.failed)
        rc = err != NULL && err->code != QN_OK ? err->code : QN_E_INTERNAL;
    qs_done(&q);
    for (size_t i = 0; rc == QN_OK && i < n; i++) {
        qs_init(&q, c, upd);
        qs_int(&q, 1, ids[i]);
        qs_date(&q, 2, last_day);
        rc = qs_run(&q, err);
        qs_done(&q);
        if (rc == QN_OK)
            rc = qs_audit_row(c, "deregister", "self_registration", selfreg_digest, ids[i], NULL, NULL, err);
    }
    return qs_wend(c, own, rc, err);
}

void qn_store_selfreg_list_free(qn_store_selfreg_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}
