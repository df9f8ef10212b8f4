/* http_violations.c — stay-control violations over HTTP.
 *
 *   GET  /api/v1/violations?state=&article=&page=&per_page=   officer: own region
 *   POST /api/v1/violations/{id}/fine    {"host_kind"?, "is_repeat"?}  officer: open -> fined
 *   POST /api/v1/violations/{id}/close   {"reason", "host_kind"?, "is_repeat"?}
 *   POST /api/v1/violations/detect       {"on"?}               admin: detection run
 *   GET  /api/v1/stats/violations                              analyst: counts only
 *
 * A violation's view: id, kind, article, state, region, fine (MCI, tenge,
 * whether the MCI of the offence date is known and its value, whether the
 * amount is confirmed in our sources, the offence date), facts (JSON as recorded), the subject (person id,
 * host account id and IIN/BIN when known — the officer decides the case against them), notification id,
 * times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"
#include "service/violations.h"

static json_t *violation_json(const qn_store_violation *v)
{
    json_t *facts = json_loads(v->facts ? v->facts : "{}", 0, NULL);
    qn_violation_info info;
    qn_svc_violation_info(v, &info);
    json_t *b = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:{s:i, s:I, s:b, s:o, s:b, s:o}, s:o, s:{s:I, s:I, s:s}, s:I, "
        "s:o, s:o}",
        "id", (json_int_t)v->id, "kind", v->kind, "article", v->article, "state", v->state, "region",
        v->region, "fine", "mci", (int)v->fine_mci, "amount_kzt", (json_int_t)v->fine_amount, "mci_known",
        info.mci_known, "mci_kzt", info.mci_known ? json_integer((json_int_t)info.mci_kzt) : json_null(),
        "confirmed", info.confirmed, "offence_date", qn_h_date_json(info.offence_date), "facts",
        facts ? facts : json_object(), "subject", "person_id", (json_int_t)v->subject_person_id,
        "host_account_id", (json_int_t)v->subject_account_id, "iin_bin", v->subject_iin_bin,
        "notification_id", (json_int_t)v->notification_id, "created_at", qn_h_time_json(v->created_at),
        "updated_at", qn_h_time_json(v->updated_at));
    return b;
}

void qn_h_violation_list(qn_http_req *req)
{
    int64_t page, per_page;
    if (!qn_h_paging(req, &page, &per_page))
        return;
    qn_err e;
    qn_err_clear(&e);
    qn_store_violation_list l;
    if (qn_svc_violation_list(&req->ctx, qn_http_query(req, "state"), qn_http_query(req, "article"),
                              (page - 1) * per_page, per_page, &l, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.count; i++)
        json_array_append_new(items, violation_json(&l.items[i]));
    int64_t total = l.total;
    qn_store_violation_list_free(&l);
    qn_http_reply_json(req, 200,
                       json_pack("{s:o, s:I, s:I, s:I}", "items", items, "page", (json_int_t)page, "per_page",
                                 (json_int_t)per_page, "total", (json_int_t)total));
}

static void decide(qn_http_req *req, bool fine)
{
    int64_t id;
    if (!qn_h_path_id(req, "id", &id))
        return;
    static const char *const keys_fine[] = {"host_kind", "is_repeat", NULL};
    static const char *const keys_close[] = {"reason", "host_kind", "is_repeat", NULL};
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    json_t *body = NULL;
    const char *host_kind = NULL, *reason = NULL;
    bool is_repeat = false;
    if (req->body_len > 0) {
        body = qn_http_body_json(req);
        if (!body)
            return;
        if (qn_jin_object(&d, body, "", fine ? keys_fine : keys_close)) {
            host_kind = qn_jin_str(&d, body, "", "host_kind", 32, false);
            qn_jin_bool(&d, body, "", "is_repeat", &is_repeat);
            if (!fine)
                reason = qn_jin_str(&d, body, "", "reason", 32, true);
        }
    } else if (!fine) {
        qn_jin_bad(&d, "", "reason", "is required");
    }
    if (qn_jin_finish(&d) != QN_OK) {
        qn_http_reply_problem(req, &e);
        json_decref(body);
        return;
    }
    qn_violation_decision out;
    qn_code rc = fine ? qn_svc_violation_fine(&req->ctx, id, host_kind, is_repeat, &out, &e)
                      : qn_svc_violation_close(&req->ctx, id, reason, host_kind, is_repeat, &out, &e);
    json_decref(body);
    if (rc != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    json_t *b = violation_json(&out.v);
    if (out.close_reason[0])
        json_object_set_new(b, "close_reason", json_string(out.close_reason));
    if (out.has_sanction)
        json_object_set_new(
            b, "sanction",
            json_pack("{s:s, s:i, s:i, s:i, s:I, s:b, s:I, s:b, s:s}", "sanction",
                      qn_sanction_kind_name(out.sanction.sanction), "article", out.sanction.article, "part",
                      out.sanction.part, "fine_mci", out.sanction.fine_mci, "amount_kzt",
                      (json_int_t)out.sanction.amount_kzt, "mci_known", out.sanction.mci_known, "mci_kzt",
                      (json_int_t)out.sanction.mci_kzt, "confirmed", out.sanction.confirmed, "tier",
                      out.sanction.code ? out.sanction.code : ""));
    qn_store_violation_clear(&out.v);
    qn_http_reply_json(req, 200, b);
}

void qn_h_violation_fine(qn_http_req *req) { decide(req, true); }

void qn_h_violation_close(qn_http_req *req) { decide(req, false); }

void qn_h_violation_detect(qn_http_req *req)
{
    static const char *const keys[] = {"on", NULL};
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    qn_date_t on = QN_DATE_NONE;
    json_t *body = NULL;
    if (req->body_len > 0) {
        body = qn_http_body_json(req);
        if (!body)
            return;
        if (qn_jin_object(&d, body, "", keys))
            qn_jin_date(&d, body, "", "on", false, &on);
    }
    json_decref(body);
    if (qn_jin_finish(&d) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_detect_report r;
    if (qn_svc_violations_detect(&req->ctx, on, &r, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_http_reply_json(req, 200,
                       json_pack("{s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I}, s:{s:I, s:I, s:I, s:I}}", "on",
                                 qn_h_date_json(r.on), "from", qn_h_date_json(r.from), "missing_notification",
                                 "entries_unnotified", (json_int_t)r.entries_unnotified, "created",
                                 (json_int_t)r.missing_created, "already_recorded",
                                 (json_int_t)r.missing_known, "not_due", (json_int_t)r.pending,
                                 "superseded_by_late", (json_int_t)r.superseded, "overstay",
                                 "entries_checked", (json_int_t)r.entries_checked, "created",
                                 (json_int_t)r.overstay_created, "already_recorded",
                                 (json_int_t)r.overstay_known, "reassessed", (json_int_t)r.overstay_updated));
}

static void add_count(json_t *obj, const char *key, int64_t n)
{
    json_t *have = json_object_get(obj, key);
    json_object_set_new(obj, key, json_integer(json_integer_value(have) + (json_int_t)n));
}

void qn_h_violation_stats(qn_http_req *req)
{
    qn_err e;
    qn_err_clear(&e);
    qn_store_violation_count_list l;
    if (qn_svc_violation_stats(&req->ctx, &l, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    json_t *by_article = json_object(), *by_region = json_object(), *by_state = json_object();
    json_t *rows = json_array();
    int64_t total = 0;
    for (size_t i = 0; i < l.count; i++) {
        const qn_store_violation_count *c = &l.items[i];
        const char *article = strcmp(c->kind, "art517") == 0 ? "517" : "518";
        add_count(by_article, article, c->count);
        add_count(by_region, c->region[0] ? c->region : "unknown", c->count);
        add_count(by_state, c->state, c->count);
        total += c->count;
        json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:I}", "article", article, "region", c->region,
                                              "state", c->state, "count", (json_int_t)c->count));
    }
    qn_store_violation_count_list_free(&l);
    qn_http_reply_json(req, 200,
                       json_pack("{s:I, s:o, s:o, s:o, s:o}", "total", (json_int_t)total, "by_article",
                                 by_article, "by_region", by_region, "by_state", by_state, "rows", rows));
}
