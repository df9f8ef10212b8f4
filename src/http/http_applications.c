/* http_applications.c — the routes of the application workflow (issue 6):
 * submission, the applicant's view and appeal, the officer's queue and
 * decisions, owners' consents, the population register, the property
 * import and the senior-officer mark. Each handler decodes, calls one
 * qn_svc_* function of service/application.h and encodes.
 *
 * A submission carries the signed document as a string, so the signature
 * covers exact bytes: {"document": "<the application JSON as text>",
 * "signature": "<base64 detached CMS over those bytes>"}. See
 * docs/services.md.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/csv.h"
#include "http/decoders.h"
#include "http/handlers.h"
#include "service/application.h"

static json_t *raw_json(const char *text)
{
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    return j ? j : json_null();
}

static json_t *app_summary(qn_http_req *req, const qn_store_application *a)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:b, s:s, s:I, s:o}", "id", (json_int_t)a->id, "number",
                     a->number, "kind", a->kind, "state", a->state, "region", a->region, "deadline",
                     a->deadline_at ? qn_h_time_json(a->deadline_at) : json_null(), "overdue",
                     qn_svc_app_overdue(&req->ctx, a), "decision", a->decision, "version",
                     (json_int_t)a->version, "created_at", qn_h_time_json(a->created_at));
}

static json_t *names_json(const char *const *names, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(names[i]));
    return a;
}

static json_t *consent_json(const qn_store_consent *k)
{
    /* document_digest: what a one-time code for this consent is bound to. */
    unsigned char md[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(md, (const unsigned char *)k->document, strlen(k->document));
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, md, sizeof md);
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)k->id, "application_id",
                     (json_int_t)k->application_id, "owner_iin", k->owner_iin, "role", k->role, "state",
                     k->state, "document", k->document, "document_digest", hex, "signature_id",
                     k->signature_id ? json_integer((json_int_t)k->signature_id) : json_null());
}

static json_t *view_json(qn_http_req *req, const qn_app_view *v)
{
    json_t *b = app_summary(req, &v->app);
    json_object_set_new(b, "document", json_string(v->app.payload ? v->app.payload : ""));
    json_object_set_new(b, "reasons", raw_json(v->app.reasons));
    json_object_set_new(b, "appeal",
                        v->app.appeal_state[0]
                            ? json_pack("{s:s, s:s}", "state", v->app.appeal_state, "grounds",
                                        v->app.appeal_text ? v->app.appeal_text : "")
                            : json_null());
    json_object_set_new(b, "required", names_json(v->required, v->n_required));
    json_object_set_new(b, "missing", names_json(v->missing, v->n_missing));
    json_t *ev = json_array();
    for (size_t i = 0; i < v->events.count; i++) {
        const qn_store_app_event *x = &v->events.items[i];
        json_array_append_new(ev, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "event", x->event, "from",
                                            x->from_state, "to", x->to_state, "actor", x->actor_role, "text",
                                            x->text, "at", qn_h_time_json(x->at)));
    }
    json_object_set_new(b, "history", ev);
    json_t *ks = json_array();
    for (size_t i = 0; i < v->consents.count; i++)
        json_array_append_new(ks, consent_json(&v->consents.items[i]));
    json_object_set_new(b, "consents", ks);
    json_t *ds = json_array();
    for (size_t i = 0; i < v->documents.count; i++) {
        const qn_store_app_document *d = &v->documents.items[i];
        json_array_append_new(ds, json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "type", d->type, "number",
                                            d->number, "issuer", d->issuer, "form", d->form, "digest",
                                            d->digest[0] ? json_string(d->digest) : json_null(),
                                            "valid_until", qn_h_date_json(d->valid_until)));
    }
    json_object_set_new(b, "documents", ds);
    json_t *ss = json_array();
    for (size_t i = 0; i < v->signatures.count; i++) {
        const qn_store_signature *x = &v->signatures.items[i];
        json_array_append_new(ss, json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)x->id, "kind",
                                            x->kind, "role", x->role, "signer", x->signer_iin_bin, "result",
                                            x->result, "at", qn_h_time_json(x->created_at)));
    }
    json_object_set_new(b, "signatures", ss);
    return b;
}

static bool idem_ok(qn_http_req *req, const char *k)
{
    size_t n = k ? strlen(k) : 0;
    bool ok = k == NULL || (n > 0 && n <= 128);
    for (size_t i = 0; ok && i < n; i++)
        ok = k[i] >= 0x21 && k[i] <= 0x7e;
    if (!ok)
        qn_http_reply_error(req, QN_E_BAD_REQUEST, NULL,
                            "Idempotency-Key must be 1..128 printable ASCII characters");
    return ok;
}

void qn_h_decode_app_submit(qn_jin *d, const json_t *body, const char **doc, const char **sig)
{
    static const char *const keys[] = {"document", "signature", NULL};
    qn_jin_object(d, body, "", keys);
    *doc = qn_jin_str(d, body, "", "document", QN_APP_DOC_MAX, true);
    *sig = qn_jin_str(d, body, "", "signature", QN_APP_SIG_MAX, true);
}

void qn_h_app_submit(qn_http_req *req)
{
    const char *idem = qn_http_header_in(req, "Idempotency-Key");
    if (!idem_ok(req, idem))
        return;
    json_t *body = qn_http_body_json(req);
    if (!body)
        return;
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    const char *doc = NULL, *sig = NULL;
    qn_h_decode_app_submit(&d, body, &doc, &sig);
    if (qn_jin_finish(&d) != QN_OK) {
        qn_http_reply_problem(req, &e);
        json_decref(body);
        return;
    }
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)req->body, req->body_len);
    qn_app_submit_in in = {doc, strlen(doc), sig, strlen(sig), idem, digest};
    int64_t id = 0;
    bool replayed = false;
    qn_code rc = qn_svc_app_submit(&req->ctx, &in, &id, &replayed, &e);
    json_decref(body);
    if (rc != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_app_view v;
    rc = qn_svc_app_get(&req->ctx, id, &v, &e);
    if (rc != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    char location[64];
    snprintf(location, sizeof location, "/api/v1/applications/%lld", (long long)id);
    qn_http_reply_json(req, replayed ? 200 : 201, view_json(req, &v));
    qn_app_view_free(&v);
    qn_http_add_header(req, "Location", location);
    if (replayed)
        qn_http_add_header(req, "Idempotent-Replayed", "true");
}

void qn_h_app_get(qn_http_req *req)
{
    int64_t id;
    if (!qn_h_path_id(req, "id", &id))
        return;
    qn_err e;
    qn_app_view v;
    if (qn_svc_app_get(&req->ctx, id, &v, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_http_reply_json(req, 200, view_json(req, &v));
    qn_app_view_free(&v);
}

static void reply_list(qn_http_req *req, qn_store_application_list *l, int64_t page, int64_t per_page)
{
    json_t *items = json_array();
    for (size_t i = 0; i < l->count; i++)
        json_array_append_new(items, app_summary(req, &l->items[i]));
    qn_http_reply_json(req, 200,
                       json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)l->total,
                                 "page", (json_int_t)page, "per_page", (json_int_t)per_page));
    qn_store_application_list_free(l);
}

void qn_h_app_mine(qn_http_req *req)
{
    int64_t page, per_page;
    if (!qn_h_paging(req, &page, &per_page))
        return;
    qn_err e;
    qn_store_application_list l;
    if (qn_svc_app_mine(&req->ctx, page, per_page, &l, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    reply_list(req, &l, page, per_page);
}

void qn_h_app_queue(qn_http_req *req)
{
    int64_t page, per_page;
    if (!qn_h_paging(req, &page, &per_page))
        return;
    qn_app_queue_query q = {qn_http_query(req, "kind"), qn_http_query(req, "state"), false, page, per_page};
    const char *ov = qn_http_query(req, "overdue");
    if (ov && strcmp(ov, "true") != 0 && strcmp(ov, "false") != 0) {
        qn_http_reply_error(req, QN_E_BAD_REQUEST, NULL, "overdue must be true or false");
        return;
    }
    q.overdue_only = ov && strcmp(ov, "true") == 0;
    qn_err e;
    qn_store_application_list l;
    if (qn_svc_app_queue(&req->ctx, &q, &l, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    reply_list(req, &l, page, per_page);
}

void qn_h_app_checklist(qn_http_req *req)
{
    qn_err e;
    if (qn_svc_app_officer_only(&req->ctx, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    int64_t id;
    if (!qn_h_path_id(req, "id", &id))
        return;
    qn_app_view v;
    if (qn_svc_app_get(&req->ctx, id, &v, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_http_reply_json(req, 200,
                       json_pack("{s:s, s:o, s:o, s:b}", "kind", v.app.kind, "required",
                                 names_json(v.required, v.n_required), "missing",
                                 names_json(v.missing, v.n_missing), "complete", v.n_missing == 0));
    qn_app_view_free(&v);
}

void qn_h_decode_app_action(qn_jin *d, const json_t *body, qn_app_event ev, qn_app_action *a,
                            const char *inv[QN_APP_MAX_MISSING])
{
    static const char *const keys[] = {"reason",  "text",       "grounds",     "invalid",
                                       "version", "valid_from", "valid_until", "identity_established",
                                       NULL};
    qn_jin_object(d, body, "", keys);
    memset(a, 0, sizeof *a);
    a->event = ev;
    const char *reason = qn_jin_str(d, body, "", "reason", 32, false);
    if (reason) {
        a->has_reason = qn_refusal_reason_parse(reason, strlen(reason), &a->reason);
        if (!a->has_reason)
            qn_jin_bad(d, "", "reason", "is not a refusal reason");
    }
    a->text =
        qn_jin_str(d, body, "", ev == QN_APP_EV_APPEAL ? "grounds" : "text", QN_APP_REASON_TEXT_MAX, false);
    long long version = 0;
    qn_jin_int(d, body, "", "version", false, 1, INT64_MAX, &version);
    a->version = version;
    const json_t *ia = json_object_get(body, "invalid");
    if (ia && (!json_is_array(ia) || json_array_size(ia) > QN_APP_MAX_MISSING)) {
        qn_jin_shape(d, "", "invalid", "must be an array of document names");
    } else if (ia) {
        for (size_t i = 0; i < json_array_size(ia); i++) {
            const char *s = json_string_value(json_array_get(ia, i));
            if (!s)
                qn_jin_shape(d, "", "invalid", "must hold strings");
            else
                inv[a->n_invalid++] = s;
        }
    }
    a->invalid = inv;
    /* grant (stay control): the period granted, the identity established */
    qn_date_t vf = QN_DATE_NONE, vu = QN_DATE_NONE;
    qn_jin_date(d, body, "", "valid_from", false, &vf);
    qn_jin_date(d, body, "", "valid_until", false, &vu);
    if ((vf == QN_DATE_NONE) != (vu == QN_DATE_NONE))
        qn_jin_bad(d, "", vf == QN_DATE_NONE ? "valid_from" : "valid_until", "give both or neither");
    a->has_period = vf != QN_DATE_NONE && vu != QN_DATE_NONE;
    a->valid_from = vf;
    a->valid_until = vu;
    qn_jin_bool(d, body, "", "identity_established", &a->identity_established);
}

/* Decodes the optional body of an action and applies it. */
static void act(qn_http_req *req, qn_app_event ev)
{
    qn_err ge;
    if (ev != QN_APP_EV_APPEAL && ev != QN_APP_EV_WITHDRAW &&
        qn_svc_app_officer_only(&req->ctx, &ge) != QN_OK) {
        qn_http_reply_problem(req, &ge);
        return;
    }
    int64_t id;
    if (!qn_h_path_id(req, "id", &id))
        return;
    json_t *body = req->body_len ? qn_http_body_json(req) : json_object();
    if (!body)
        return;
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    qn_app_action a;
    const char *inv[QN_APP_MAX_MISSING];
    qn_h_decode_app_action(&d, body, ev, &a, inv);
    if (qn_jin_finish(&d) != QN_OK) {
        qn_http_reply_problem(req, &e);
        json_decref(body);
        return;
    }
    qn_code rc = qn_svc_app_act(&req->ctx, id, &a, &e);
    json_decref(body);
    if (rc != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_app_view v;
    if (qn_svc_app_get(&req->ctx, id, &v, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_http_reply_json(req, 200, view_json(req, &v));
    qn_app_view_free(&v);
}

void qn_h_app_take(qn_http_req *req) { act(req, QN_APP_EV_TAKE); }
void qn_h_app_register(qn_http_req *req) { act(req, QN_APP_EV_REGISTER); }
void qn_h_app_grant(qn_http_req *req) { act(req, QN_APP_EV_GRANT); }
void qn_h_app_refuse(qn_http_req *req) { act(req, QN_APP_EV_REFUSE); }
void qn_h_app_uphold(qn_http_req *req) { act(req, QN_APP_EV_UPHOLD); }
void qn_h_app_overturn(qn_http_req *req) { act(req, QN_APP_EV_OVERTURN); }
void qn_h_app_appeal(qn_http_req *req) { act(req, QN_APP_EV_APPEAL); }
void qn_h_app_withdraw(qn_http_req *req) { act(req, QN_APP_EV_WITHDRAW); }

void qn_h_consents_mine(qn_http_req *req)
{
    qn_err e;
    qn_store_consent_list l;
    if (qn_svc_consents_mine(&req->ctx, &l, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.count; i++)
        json_array_append_new(items, consent_json(&l.items[i]));
    qn_store_consent_list_free(&l);
    qn_http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

void qn_h_decode_consent(qn_jin *d, const json_t *body, bool sign, qn_h_consent_body *out)
{
    static const char *const keys[] = {"signature", "otp_id", "text", NULL};
    memset(out, 0, sizeof *out);
    qn_jin_object(d, body, "", keys);
    out->has_otp = qn_jin_int(d, body, "", "otp_id", false, 1, INT64_MAX, &out->otp_id);
    out->signature = qn_jin_str(d, body, "", "signature", QN_APP_SIG_MAX, sign && !out->has_otp);
    out->text = qn_jin_str(d, body, "", "text", QN_APP_REASON_TEXT_MAX, false);
    if (sign && out->signature && out->has_otp)
        qn_jin_bad(d, "", "otp_id", "give either signature or otp_id, not both");
}

static void consent_action(qn_http_req *req, bool sign)
{
    int64_t id;
    if (!qn_h_path_id(req, "id", &id))
        return;
    json_t *body = req->body_len ? qn_http_body_json(req) : json_object();
    if (!body)
        return;
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    qn_h_consent_body cb;
    qn_h_decode_consent(&d, body, sign, &cb);
    long long otp_id = cb.otp_id;
    bool has_otp = cb.has_otp;
    const char *sig = cb.signature, *text = cb.text;
    qn_code rc = qn_jin_finish(&d);
    if (rc == QN_OK && sign && has_otp)
        rc = qn_svc_consent_sign_otp(&req->ctx, id, otp_id, &e);
    else if (rc == QN_OK)
        rc = sign ? qn_svc_consent_sign(&req->ctx, id, sig, strlen(sig), &e)
                  : qn_svc_consent_refuse(&req->ctx, id, text, &e);
    json_decref(body);
    if (rc != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_http_reply_json(req, 200,
                       json_pack("{s:I, s:s}", "id", (json_int_t)id, "state", sign ? "signed" : "refused"));
}

void qn_h_consent_sign(qn_http_req *req) { consent_action(req, true); }
void qn_h_consent_refuse(qn_http_req *req) { consent_action(req, false); }

void qn_h_my_registration(qn_http_req *req)
{
    qn_err e;
    qn_store_residence_list l;
    if (qn_svc_my_registration(&req->ctx, &l, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.count; i++) {
        const qn_store_residence *r = &l.items[i];
        json_array_append_new(
            items, json_pack("{s:s, s:s, s:s, s:o, s:o, s:I}", "person", r->person_key, "address_code",
                             r->address_code, "kind", r->kind, "from", qn_h_date_json(r->valid_from), "to",
                             qn_h_date_json(r->valid_to), "application_id", (json_int_t)r->application_id));
    }
    qn_store_residence_list_free(&l);
    qn_http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* Text copies of one CSV address (the service input borrows strings). */
typedef struct {
    char code[QN_STORE_NUMBER_MAX + 1], region[QN_STORE_REGION_MAX + 1], text[QN_STORE_TEXT_MAX + 1];
} csv_address;

/* text/csv: one line per owner, "code,region,text,owner_iin[,share_num,share_den[,role]]"
 * (an optional header line starting with "code"); consecutive lines of one
 * code are one address. Every address needs an owner (the service refuses
 * an address without one, naming rows[i].owners). */
static void property_csv(qn_http_req *req)
{
    qn_err e;
    qn_err_clear(&e);
    qn_property_in *in = calloc(1001, sizeof *in);
    csv_address *txt = calloc(1001, sizeof *txt);
    qn_csv_record *rec = malloc(sizeof *rec);
    size_t n = 0;
    if (!in || !txt || !rec) {
        qn_err_set(&e, QN_E_NOMEM, "out of memory");
        goto out;
    }
    qn_csv c;
    qn_csv_init(&c, req->body, req->body_len);
    bool first = true;
    while (qn_csv_next(&c, rec)) {
        if (first && rec->n > 0 && strcmp(rec->fields[0], "code") == 0) {
            first = false;
            continue;
        }
        first = false;
        char f[48];
        snprintf(f, sizeof f, "line %zu", rec->line);
        if (rec->bad_quote || rec->too_many_fields || rec->field_too_long ||
            (rec->n != 4 && rec->n != 6 && rec->n != 7) || (rec->n == 7 && strlen(rec->fields[6]) > 16) ||
            strlen(rec->fields[0]) > QN_STORE_NUMBER_MAX || strlen(rec->fields[1]) > QN_STORE_REGION_MAX ||
            strlen(rec->fields[2]) > QN_STORE_TEXT_MAX || strlen(rec->fields[3]) > QN_STORE_IIN_LEN) {
            qn_err_field(&e, f,
                         "must be code,region,text,owner_iin[,share_num,share_den[,role]] within bounds");
            e.code = QN_E_BAD_REQUEST;
            continue;
        }
        bool same = n > 0 && strcmp(txt[n - 1].code, rec->fields[0]) == 0;
        if (!same) {
            if (n == 1000) {
                qn_err_field(&e, f, "at most 1000 addresses per import");
                e.code = QN_E_TOO_LARGE;
                break;
            }
            csv_address *t = &txt[n];
            memcpy(t->code, rec->fields[0], strlen(rec->fields[0]) + 1);
            memcpy(t->region, rec->fields[1], strlen(rec->fields[1]) + 1);
            memcpy(t->text, rec->fields[2], strlen(rec->fields[2]) + 1);
            in[n].code = t->code;
            in[n].region = t->region;
            in[n].text = t->text;
            n++;
        }
        qn_property_in *row = &in[n - 1];
        if (rec->fields[3][0] == '\0')
            continue;
        if (row->n_owners == 16) {
            qn_err_field(&e, f, "at most 16 owners per address");
            continue;
        }
        qn_store_owner *o = &row->owners[row->n_owners++];
        memcpy(o->address_code, row->code, strlen(row->code) + 1);
        memcpy(o->owner_iin, rec->fields[3], strlen(rec->fields[3]) + 1);
        o->share_num = rec->n >= 6 ? atoi(rec->fields[4]) : 1;
        o->share_den = rec->n >= 6 ? atoi(rec->fields[5]) : 1;
        if (rec->n == 7)
            memcpy(o->role, rec->fields[6], strlen(rec->fields[6]) + 1);
    }
    if (e.code == QN_OK && e.n_fields > 0)
        e.code = QN_E_INVALID;
    if (e.code == QN_OK && n == 0) {
        qn_err_field(&e, "body", "holds no address");
        e.code = QN_E_BAD_REQUEST;
    }
    if (e.code != QN_OK && e.message[0] == '\0')
        snprintf(e.message, sizeof e.message, "the CSV has errors");
    if (e.code == QN_OK)
        qn_svc_property_import(&req->ctx, in, n, &e);
out:
    if (e.code == QN_OK)
        qn_http_reply_json(req, 200, json_pack("{s:I}", "imported", (json_int_t)n));
    else
        qn_http_reply_problem(req, &e);
    free(in);
    free(txt);
    free(rec);
}

void qn_h_property_import(qn_http_req *req)
{
    qn_err ge;
    if (qn_svc_app_admin_only(&req->ctx, &ge) != QN_OK) {
        qn_http_reply_problem(req, &ge);
        return;
    }
    const char *ct = qn_http_header_in(req, "Content-Type");
    if (ct && strncasecmp(ct, "text/csv", 8) == 0) {
        property_csv(req);
        return;
    }
    json_t *body = qn_http_body_json(req);
    if (!body)
        return;
    static const char *const row_keys[] = {"code", "region", "text", "owners", NULL};
    static const char *const owner_keys[] = {"iin", "share_num", "share_den", "role", NULL};
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    const json_t *rows = json_object_get(body, "rows");
    size_t n = json_is_array(rows) ? json_array_size(rows) : 0;
    if (!json_is_object(body) || !json_is_array(rows) || n == 0 || n > 1000)
        qn_jin_shape(&d, "", "rows", "must be an array of 1 to 1000 addresses");
    qn_property_in *in = calloc(n ? n : 1, sizeof *in);
    for (size_t i = 0; in && i < n; i++) {
        char p[32], po[64];
        snprintf(p, sizeof p, "rows[%zu]", i);
        const json_t *r = json_array_get(rows, i);
        if (!qn_jin_object(&d, r, p, row_keys))
            continue;
        in[i].code = qn_jin_str(&d, r, p, "code", QN_STORE_NUMBER_MAX, true);
        in[i].region = qn_jin_str(&d, r, p, "region", QN_STORE_REGION_MAX, true);
        in[i].text = qn_jin_str(&d, r, p, "text", QN_STORE_TEXT_MAX, true);
        const json_t *os = json_object_get(r, "owners");
        if (!json_is_array(os) || json_array_size(os) > 16) {
            qn_jin_shape(&d, p, "owners", "must be an array of at most 16 owners");
            continue;
        }
        for (size_t j = 0; j < json_array_size(os); j++) {
            snprintf(po, sizeof po, "%s.owners[%zu]", p, j);
            const json_t *o = json_array_get(os, j);
            if (!qn_jin_object(&d, o, po, owner_keys))
                continue;
            qn_store_owner *ow = &in[i].owners[in[i].n_owners++];
            const char *iin = qn_jin_str(&d, o, po, "iin", 12, true);
            const char *role = qn_jin_str(&d, o, po, "role", 16, false);
            long long num = 1, den = 1;
            qn_jin_int(&d, o, po, "share_num", false, 1, 1000000, &num);
            qn_jin_int(&d, o, po, "share_den", false, 1, 1000000, &den);
            snprintf(ow->address_code, sizeof ow->address_code, "%s", in[i].code ? in[i].code : "");
            snprintf(ow->owner_iin, sizeof ow->owner_iin, "%s", iin ? iin : "");
            snprintf(ow->role, sizeof ow->role, "%s", role ? role : "");
            ow->share_num = (int32_t)num;
            ow->share_den = (int32_t)den;
        }
    }
    qn_code rc = in ? qn_jin_finish(&d) : qn_err_set(&e, QN_E_NOMEM, "out of memory");
    if (rc == QN_OK)
        rc = qn_svc_property_import(&req->ctx, in, n, &e);
    free(in);
    json_decref(body);
    if (rc != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_http_reply_json(req, 200, json_pack("{s:I}", "imported", (json_int_t)n));
}

void qn_h_officer_senior(qn_http_req *req)
{
    qn_err ge;
    if (qn_svc_app_admin_only(&req->ctx, &ge) != QN_OK) {
        qn_http_reply_problem(req, &ge);
        return;
    }
    int64_t id;
    if (!qn_h_path_id(req, "id", &id))
        return;
    json_t *body = qn_http_body_json(req);
    if (!body)
        return;
    static const char *const keys[] = {"senior", NULL};
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    qn_jin_object(&d, body, "", keys);
    bool senior = true;
    qn_jin_bool(&d, body, "", "senior", &senior);
    qn_code rc = qn_jin_finish(&d);
    if (rc == QN_OK)
        rc = qn_svc_officer_set_senior(&req->ctx, id, senior, &e);
    json_decref(body);
    if (rc != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_http_reply_json(req, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "senior", senior));
}

void qn_h_app_notice_pdf(qn_http_req *req)
{
    int64_t id;
    if (!qn_h_path_id(req, "id", &id))
        return;
    qn_err e;
    qn_err_clear(&e);
    unsigned char *pdf = NULL;
    size_t len = 0;
    if (qn_svc_app_notice_pdf(&req->ctx, id, qn_h_doc_lang(req), &pdf, &len, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    char name[32];
    snprintf(name, sizeof name, "notice-%lld", (long long)id);
    qn_h_pdf_reply(req, name, pdf, len); /* http_documents.c (web): language and file name */
}
