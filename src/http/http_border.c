/* http_border.c — the border service's routes: the crossing feed and the
 * exit check.
 *
 * POST /api/v1/crossings — one crossing object, or a JSON array of up to
 * 10,000 of them:
 *   {"citizenship", "document_number", "kind": "entry"|"exit", "date",
 *    "checkpoint", "region", and on the first crossing of a document
 *    "surname", "given_names", "birth_date", "sex"; optional
 *    "document_expires"}
 * One object: 201 {id, person_id, created: true}, or 200 with created:
 * false when the same crossing was on record; 422 with field errors. An
 * array: 200 {rows, recorded, rejected, results: [{row, result: "recorded",
 * id, person_id, created} | {row, result: "rejected", code, detail,
 * errors}]}. Idempotency-Key replays the first answer (both forms).
 *
 * GET /api/v1/border/exit-check?citizenship=&document_number=[&exit_date=]
 * — the exit check (service/exit_check.h says what is shown: only the
 * documents valid on the exit date and the open cases; each check is
 * audited).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/decoders.h"
#include "http/handlers.h"
#include "service/crossing.h"
#include "service/exit_check.h"

void qn_h_decode_crossing(qn_jin *d, const json_t *obj, const char *path, qn_crossing_in *in)
{
    static const char *const keys[] = {
        "citizenship", "document_number", "kind",       "date", "checkpoint",       "region",
        "surname",     "given_names",     "birth_date", "sex",  "document_expires", NULL};
    memset(in, 0, sizeof *in);
    in->birth_date = in->document_expires = in->date = QN_DATE_NONE;
    if (!qn_jin_object(d, obj, path, keys))
        return;
    in->citizenship = qn_jin_str(d, obj, path, "citizenship", 3, true);
    in->document_number = qn_jin_str(d, obj, path, "document_number", 32, true);
    in->kind = qn_jin_str(d, obj, path, "kind", 5, true);
    qn_jin_date(d, obj, path, "date", true, &in->date);
    in->checkpoint = qn_jin_str(d, obj, path, "checkpoint", 128, true);
    in->region = qn_jin_str(d, obj, path, "region", 16, true);
    in->surname = qn_jin_str(d, obj, path, "surname", 128, false);
    in->given_names = qn_jin_str(d, obj, path, "given_names", 128, false);
    qn_jin_date(d, obj, path, "birth_date", false, &in->birth_date);
    in->sex = qn_jin_str(d, obj, path, "sex", 1, false);
    qn_jin_date(d, obj, path, "document_expires", false, &in->document_expires);
}

static json_t *errors_json(const qn_err *e)
{
    json_t *errs = json_array();
    for (size_t i = 0; i < e->n_fields; i++)
        json_array_append_new(
            errs, json_pack("{s:s, s:s}", "field", e->fields[i].field, "reason", e->fields[i].reason));
    return errs;
}

static json_t *row_json(const qn_crossing_row *r)
{
    return json_pack("{s:I, s:I, s:b}", "id", (json_int_t)r->id, "person_id", (json_int_t)r->person_id,
                     "created", r->created);
}

typedef struct {
    bool batch;
} render_ctx;

static json_t *answer_json(const qn_crossing_row *rows, size_t n, bool batch)
{
    if (!batch)
        return row_json(&rows[0]);
    json_t *results = json_array();
    size_t ok = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *r;
        if (rows[i].ok) {
            ok++;
            r = row_json(&rows[i]);
            json_object_set_new(r, "result", json_string("recorded"));
        } else {
            qn_err none;
            qn_err_clear(&none);
            qn_err_set(&none, QN_E_INTERNAL, "not recorded");
            const qn_err *re = rows[i].err ? rows[i].err : &none;
            qn_code code = re->code == QN_OK ? QN_E_INVALID : re->code;
            r = json_pack("{s:s, s:s, s:s, s:o}", "result", "rejected", "code", qn_code_name(code), "detail",
                          re->message, "errors", errors_json(re));
        }
        json_object_set_new(r, "row", json_integer((json_int_t)i + 1));
        json_array_append_new(results, r);
    }
    return json_pack("{s:I, s:I, s:I, s:o}", "rows", (json_int_t)n, "recorded", (json_int_t)ok, "rejected",
                     (json_int_t)(n - ok), "results", results);
}

static char *render(const qn_crossing_row *rows, size_t n, void *user)
{
    const render_ctx *rc = user;
    json_t *b = answer_json(rows, n, rc->batch);
    char *s = b ? json_dumps(b, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(b);
    return s;
}

static bool idem_key_ok(const char *k)
{
    size_t n = strlen(k);
    if (n == 0 || n > 128)
        return false;
    for (size_t i = 0; i < n; i++)
        if (k[i] < 0x21 || k[i] > 0x7e)
            return false;
    return true;
}

void qn_h_crossings(qn_http_req *req)
{
    const char *idem = qn_http_header_in(req, "Idempotency-Key");
    qn_err e;
    qn_err_clear(&e);
    if (idem && !idem_key_ok(idem)) {
        qn_err_field(&e, "Idempotency-Key", "must be 1..128 printable ASCII characters");
        e.code = QN_E_BAD_REQUEST;
        qn_http_reply_problem(req, &e);
        return;
    }
    json_t *body = qn_http_body_json(req);
    if (!body)
        return;
    render_ctx rctx = {.batch = json_is_array(body)};
    size_t n = rctx.batch ? json_array_size(body) : 1;
    if (rctx.batch && n == 0) {
        json_decref(body);
        qn_http_reply_error(req, QN_E_INVALID, "empty_batch", "the batch has no crossings");
        return;
    }
    if (n > QN_CROSSING_BATCH_MAX) {
        json_decref(body);
        qn_http_reply_error(req, QN_E_TOO_LARGE, NULL, "a batch holds at most %d crossings (got %zu)",
                            QN_CROSSING_BATCH_MAX, n);
        return;
    }
    qn_crossing_row *rows = calloc(n, sizeof *rows);
    qn_crossing_in *ins = calloc(n, sizeof *ins);
    if (!rows || !ins) {
        free(rows);
        free(ins);
        json_decref(body);
        qn_http_reply_error(req, QN_E_NOMEM, NULL, "out of memory");
        return;
    }
    qn_err scratch;
    for (size_t i = 0; i < n; i++) {
        qn_err_clear(&scratch);
        qn_jin d;
        qn_jin_init(&d, &scratch);
        qn_h_decode_crossing(&d, rctx.batch ? json_array_get(body, i) : body, "", &ins[i]);
        if (qn_jin_finish(&d) != QN_OK) {
            if (!rctx.batch) {
                qn_http_reply_problem(req, &scratch);
                goto out;
            }
            rows[i].err = malloc(sizeof *rows[i].err);
            if (rows[i].err)
                *rows[i].err = scratch;
            continue;
        }
        rows[i].in = &ins[i];
    }
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)req->body, req->body_len);
    size_t n_ok = 0;
    qn_idem_replay replay;
    qn_code rc = qn_svc_crossings_record(&req->ctx, rows, n, idem, digest, render, &rctx, &replay, &n_ok, &e);
    if (rc != QN_OK) {
        qn_http_reply_problem(req, &e);
    } else if (replay.replay) {
        qn_http_reply_owned(req, replay.status, "application/json", replay.body,
                            replay.body ? strlen(replay.body) : 0);
        qn_http_add_header(req, "Idempotent-Replayed", "true");
    } else if (!rctx.batch && !rows[0].ok) {
        qn_http_reply_problem(req, rows[0].err ? rows[0].err : &e);
    } else {
        int status = rctx.batch ? 200 : (rows[0].created ? 201 : 200);
        qn_http_reply_json(req, status, answer_json(rows, n, rctx.batch));
    }
out:
    qn_crossing_rows_clear(rows, n);
    free(rows);
    free(ins);
    json_decref(body);
}

/* ------------------------------------------------------------- exit check */

static json_t *exit_json(const qn_exit_answer *a)
{
    const qn_exit_result *r = &a->result;
    json_t *reasons = json_array();
    for (int i = 0; i < QN_EXR_COUNT; i++)
        if (r->reasons & (1u << i))
            json_array_append_new(reasons, json_string(qn_exit_reason_name((qn_exit_reason)i)));
    json_t *entries = json_array();
    for (size_t i = 0; i < a->n_entries; i++) {
        const qn_exit_entry *x = &a->entries[i];
        json_t *places = json_array();
        for (size_t k = 0; k < x->n_places; k++) {
            const qn_exit_place *p = &a->places[x->first_place + k];
            json_array_append_new(
                places, json_pack("{s:o, s:o, s:s, s:b, s:s}", "arrival_date", qn_h_date_json(p->arrival),
                                  "received_on", qn_h_date_json(p->received), "region", p->region, "on_time",
                                  p->on_time, "source", p->source ? p->source : "notification"));
        }
        json_array_append_new(
            entries,
            json_pack("{s:o, s:o, s:s, s:s, s:o, s:i, s:I, s:I, s:o}", "entry_date", qn_h_date_json(x->entry),
                      "exit_date", qn_h_date_json(x->exit), "checkpoint", x->checkpoint, "notification",
                      qn_notify_status_name(x->notification.status), "deadline",
                      qn_h_date_json(x->notification.deadline), "days_late", x->notification.days_late,
                      "places_notified", (json_int_t)x->notification.n_places, "late_places",
                      (json_int_t)x->notification.n_late_places, "places", places));
    }
    json_t *docs = json_array();
    for (size_t i = 0; i < a->n_docs; i++)
        json_array_append_new(docs,
                              json_pack("{s:s, s:s, s:o, s:o}", "kind", a->docs[i].kind, "number",
                                        a->docs[i].number, "valid_from", qn_h_date_json(a->docs[i].from),
                                        "valid_to", qn_h_date_json(a->docs[i].to)));
    json_t *cases = json_array();
    for (size_t i = 0; i < a->n_cases; i++)
        json_array_append_new(cases, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)a->cases[i].id,
                                               "kind", a->cases[i].kind, "article", a->cases[i].article,
                                               "state", a->cases[i].state));
    json_t *sanction = json_null();
    if (r->has_overstay_sanction) {
        const qn_sanction *s = &r->overstay_sanction;
        sanction = json_pack("{s:i, s:i, s:s, s:i, s:I, s:b, s:b, s:s}", "article", s->article, "part",
                             s->part, "sanction", qn_sanction_kind_name(s->sanction), "fine_mci", s->fine_mci,
                             "amount_kzt", (json_int_t)s->amount_kzt, "confirmed", s->confirmed,
                             "expulsion_possible", s->expulsion_possible, "tier", s->code ? s->code : "");
    }
    return json_pack(
        "{s:s, s:o, s:o, s:{s:I, s:s, s:s, s:s, s:o}, s:s, s:i, s:o, s:o, s:I, s:I, s:I, s:o, s:o, "
        "s:o}",
        "verdict", qn_exit_verdict_name(r->verdict), "reasons", reasons, "exit_date",
        qn_h_date_json(a->exit_date), "person", "id", (json_int_t)a->person_id, "surname", a->surname,
        "given_names", a->given_names, "citizenship", a->citizenship, "birth_date",
        qn_h_date_json(a->birth_date), "lawful_because", qn_lawful_basis_name(r->lawful_because),
        "overstay_days", r->overstay_days, "last_lawful_day", qn_h_date_json(r->last_lawful_day),
        "overstay_sanction", sanction, "open_cases", (json_int_t)r->open_cases, "entries_missing",
        (json_int_t)r->entries_missing, "entries_late", (json_int_t)r->entries_late, "entries", entries,
        "documents", docs, "violations", cases);
}

void qn_h_exit_check(qn_http_req *req)
{
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    const char *cit = qn_http_query(req, "citizenship");
    const char *num = qn_http_query(req, "document_number");
    const char *ds = qn_http_query(req, "exit_date");
    qn_date_t exit_date = QN_DATE_NONE;
    const char *why = NULL;
    if (!cit)
        qn_jin_bad(&d, "", "citizenship", "is required");
    if (!num)
        qn_jin_bad(&d, "", "document_number", "is required");
    if (ds && !qn_date_parse_cstr(ds, &exit_date, &why))
        qn_jin_bad(&d, "", "exit_date", "%s", why ? why : "must be YYYY-MM-DD");
    if (qn_jin_finish(&d) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_exit_answer a;
    if (qn_svc_exit_check(&req->ctx, cit, num, exit_date, &a, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_http_reply_json(req, 200, exit_json(&a));
    qn_exit_answer_free(&a);
}
