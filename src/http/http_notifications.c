/* http_notifications.c — notification of arrival: submit, read, list, and
 * the JSON shape of a notification shared with the batch route.
 *
 * Request shape (other systems code against these names):
 *   {"foreigner": {"surname", "given_names", "patronymic"?, "citizenship",
 *                  "birth_date", "sex", "document": {"number", "country", "expires"}},
 *    "entry": {"date", "checkpoint"?}, "arrival_date",
 *    "address": {"code"?, "region", "text"}, "stay": {"from", "to"}, "purpose",
 *    "visa"?: {"number", "category"?, "valid_until"},
 *    "migration_card"?: "number" | {"number", "border_mark"?}}
 * Unknown fields are refused (400) so a misspelt optional field is not lost
 * silently. The migration card is stored with its entry date and checkpoint
 * (entry.date, entry.checkpoint) as the card carries them.
 *
 * Idempotency: the key is compared with the SHA-256 of the body in a
 * canonical form, jansson's compact dump with sorted keys, so a retry that
 * differs only in whitespace or the order of the members is the same
 * request (docs/api.md).
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/handlers.h"

json_t *qn_h_date_json(qn_date_t d)
{
    if (d == QN_DATE_NONE)
        return json_null();
    char buf[QN_DATE_STRLEN];
    return json_string(qn_date_format(d, buf));
}

json_t *qn_h_time_json(int64_t epoch)
{
    time_t t = (time_t)epoch;
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[32];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_string(buf);
}

void qn_h_decode_notification(qn_jin *d, const json_t *obj, const char *path, qn_notification_in *in)
{
    static const char *const top[] = {"foreigner", "entry", "arrival_date",   "address", "stay",
                                      "purpose",   "visa",  "migration_card", NULL};
    static const char *const foreigner[] = {"surname",    "given_names", "patronymic", "citizenship",
                                            "birth_date", "sex",         "document",   NULL};
    static const char *const document[] = {"number", "country", "expires", NULL};
    static const char *const entry[] = {"date", "checkpoint", NULL};
    static const char *const address[] = {"code", "region", "text", NULL};
    static const char *const stay[] = {"from", "to", NULL};
    static const char *const visa[] = {"number", "category", "valid_until", NULL};
    memset(in, 0, sizeof *in);
    in->birth_date = in->doc_expires = in->entry_date = in->arrival_date = QN_DATE_NONE;
    in->stay_from = in->stay_to = in->visa_valid_until = QN_DATE_NONE;
    if (!qn_jin_object(d, obj, path, top))
        return;
    char p[96], pd[96];
    const json_t *f = qn_jin_obj(d, obj, path, "foreigner", true, foreigner);
    qn_jin_path(p, sizeof p, path, "foreigner");
    if (f) {
        in->surname = qn_jin_str(d, f, p, "surname", 128, true);
        in->given_names = qn_jin_str(d, f, p, "given_names", 128, true);
        in->patronymic = qn_jin_str(d, f, p, "patronymic", 128, false);
        in->citizenship = qn_jin_str(d, f, p, "citizenship", 3, true);
        qn_jin_date(d, f, p, "birth_date", true, &in->birth_date);
        in->sex = qn_jin_str(d, f, p, "sex", 1, true);
        const json_t *doc = qn_jin_obj(d, f, p, "document", true, document);
        qn_jin_path(pd, sizeof pd, p, "document");
        if (doc) {
            in->doc_number = qn_jin_str(d, doc, pd, "number", 32, true);
            in->doc_country = qn_jin_str(d, doc, pd, "country", 3, true);
            qn_jin_date(d, doc, pd, "expires", true, &in->doc_expires);
        }
    }
    const json_t *en = qn_jin_obj(d, obj, path, "entry", true, entry);
    qn_jin_path(p, sizeof p, path, "entry");
    if (en) {
        qn_jin_date(d, en, p, "date", true, &in->entry_date);
        in->checkpoint = qn_jin_str(d, en, p, "checkpoint", 128, false);
    }
    qn_jin_date(d, obj, path, "arrival_date", true, &in->arrival_date);
    const json_t *ad = qn_jin_obj(d, obj, path, "address", true, address);
    qn_jin_path(p, sizeof p, path, "address");
    if (ad) {
        in->address_code = qn_jin_str(d, ad, p, "code", 32, false);
        in->address_region = qn_jin_str(d, ad, p, "region", 16, true);
        in->address_text = qn_jin_str(d, ad, p, "text", 512, true);
    }
    const json_t *st = qn_jin_obj(d, obj, path, "stay", true, stay);
    qn_jin_path(p, sizeof p, path, "stay");
    if (st) {
        qn_jin_date(d, st, p, "from", true, &in->stay_from);
        qn_jin_date(d, st, p, "to", true, &in->stay_to);
    }
    in->purpose = qn_jin_str(d, obj, path, "purpose", 32, true);
    const json_t *vi = qn_jin_obj(d, obj, path, "visa", false, visa);
    qn_jin_path(p, sizeof p, path, "visa");
    if (vi) {
        in->visa_number = qn_jin_str(d, vi, p, "number", 32, true);
        in->visa_category = qn_jin_str(d, vi, p, "category", 32, false);
        qn_jin_date(d, vi, p, "valid_until", true, &in->visa_valid_until);
    }
    /* The migration card: its number alone, or the number and the border
     * officer's mark. */
    const json_t *mc = json_object_get(obj, "migration_card");
    if (json_is_object(mc)) {
        static const char *const card[] = {"number", "border_mark", NULL};
        const json_t *o = qn_jin_obj(d, obj, path, "migration_card", false, card);
        qn_jin_path(p, sizeof p, path, "migration_card");
        if (o) {
            in->migration_card = qn_jin_str(d, o, p, "number", 32, true);
            in->migration_card_mark = qn_jin_str(d, o, p, "border_mark", 512, false);
        }
    } else {
        in->migration_card = qn_jin_str(d, obj, path, "migration_card", 32, false);
    }
}

void qn_h_body_digest(const char *tag, const json_t *body, const char *raw, size_t raw_len,
                      unsigned char digest[32])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)tag, strlen(tag));
    crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
    char *canon = body ? json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
    if (canon)
        crypto_hash_sha256_update(&st, (const unsigned char *)canon, strlen(canon));
    else if (raw)
        crypto_hash_sha256_update(&st, (const unsigned char *)raw, raw_len);
    free(canon);
    crypto_hash_sha256_final(&st, digest);
}

static json_t *warnings_json(const qn_notification_out *out)
{
    json_t *w = json_array();
    for (size_t i = 0; i < out->n_warnings; i++)
        json_array_append_new(
            w, json_pack("{s:s, s:s}", "code", out->warnings[i].code, "message", out->warnings[i].message));
    return w;
}

json_t *qn_h_notification_created(const qn_notification_out *out)
{
    json_t *b =
        json_pack("{s:I, s:s, s:s, s:o, s:o, s:b, s:o}", "id", (json_int_t)out->id, "number", out->number,
                  "status", out->status, "arrival_date", qn_h_date_json(out->arrival_date), "deadline",
                  qn_h_date_json(out->deadline), "on_time", out->on_time, "warnings", warnings_json(out));
    if (b && out->violation_id)
        json_object_set_new(b, "violation",
                            json_pack("{s:I, s:s, s:s, s:s, s:i}", "id", (json_int_t)out->violation_id,
                                      "article", out->article, "state", "open", "sanction", out->sanction,
                                      "fine_mci", out->fine_mci));
    return b;
}

json_t *qn_h_notification_view(const qn_notification_out *o)
{
    json_t *b = json_pack(
        "{s:I, s:s, s:s, s:o, s:o, s:b, s:{s:s, s:s, s:s, s:{s:s, s:s}}, s:{s:o}, s:{s:s, s:s}, "
        "s:{s:o, s:o}, s:s, s:o}",
        "id", (json_int_t)o->id, "number", o->number, "status", o->status, "arrival_date",
        qn_h_date_json(o->arrival_date), "deadline", qn_h_date_json(o->deadline), "on_time", o->on_time,
        "foreigner", "surname", o->surname, "given_names", o->given_names, "citizenship", o->citizenship,
        "document", "number", o->doc_number, "country", o->doc_country, "entry", "date",
        qn_h_date_json(o->entry_date), "address", "code", o->address_code, "region", o->region, "stay",
        "from", qn_h_date_json(o->stay_from), "to", qn_h_date_json(o->stay_to), "purpose", o->purpose,
        "created_at", qn_h_time_json(o->created_at));
    return b;
}

static char *render_created(const qn_notification_out *out, void *user)
{
    (void)user;
    json_t *b = qn_h_notification_created(out);
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

bool qn_h_idem_key(qn_http_req *req, const char **key)
{
    *key = qn_http_header_in(req, "Idempotency-Key");
    if (!*key || idem_key_ok(*key))
        return true;
    qn_err e;
    qn_err_clear(&e);
    qn_err_field(&e, "Idempotency-Key", "must be 1..128 printable ASCII characters");
    e.code = QN_E_BAD_REQUEST;
    qn_http_reply_problem(req, &e);
    return false;
}

void qn_h_notification_submit(qn_http_req *req)
{
    const char *idem = NULL;
    if (!qn_h_idem_key(req, &idem))
        return;
    json_t *body = qn_http_body_json(req);
    if (!body)
        return;
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    qn_notification_in in;
    qn_h_decode_notification(&d, body, "", &in);
    if (qn_jin_finish(&d) != QN_OK) {
        qn_http_reply_problem(req, &e);
        json_decref(body);
        return;
    }
    in.payload_json = req->body;
    unsigned char digest[crypto_hash_sha256_BYTES] = {0};
    if (idem) /* the canonical digest (a sorted re-serialisation) serves only the key's check */
        qn_h_body_digest("notification", body, NULL, 0, digest);
    qn_notification_out out;
    qn_idem_replay replay;
    qn_code rc =
        qn_svc_notification_submit(&req->ctx, &in, idem, digest, render_created, NULL, &out, &replay, &e);
    json_decref(body);
    if (rc != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    char location[96];
    if (replay.replay) {
        json_t *old = json_loads(replay.body ? replay.body : "{}", 0, NULL);
        json_int_t id = json_integer_value(json_object_get(old, "id"));
        json_decref(old);
        snprintf(location, sizeof location, "/api/v1/notifications/%lld", (long long)id);
        qn_http_reply_owned(req, replay.status, "application/json", replay.body,
                            replay.body ? strlen(replay.body) : 0);
        qn_http_add_header(req, "Idempotent-Replayed", "true");
    } else {
        snprintf(location, sizeof location, "/api/v1/notifications/%lld", (long long)out.id);
        char *text = render_created(&out, NULL);
        qn_http_reply_owned(req, 201, "application/json", text, text ? strlen(text) : 0);
    }
    qn_http_add_header(req, "Location", location);
}

bool qn_h_path_id(qn_http_req *req, const char *name, int64_t *id)
{
    const char *s = qn_http_param(&req->params, name);
    char *end = NULL;
    errno = 0;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || errno || *end != '\0' || v <= 0 || s[0] == '+' || s[0] == '-') {
        qn_http_reply_error(req, QN_E_NOT_FOUND, "bad_id", "'%.40s' is not an id", s ? s : "");
        return false;
    }
    *id = v;
    return true;
}

/* Parses an optional positive integer query parameter into *out. */
static bool query_int(qn_http_req *req, qn_jin *d, const char *name, long long min, long long max,
                      int64_t *out)
{
    const char *s = qn_http_query(req, name);
    if (!s)
        return true;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < min || v > max) {
        qn_jin_bad(d, "", name, "must be an integer from %lld to %lld", min, max);
        return false;
    }
    *out = v;
    return true;
}

bool qn_h_paging(qn_http_req *req, int64_t *page, int64_t *per_page)
{
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    *page = 1;
    *per_page = 50;
    query_int(req, &d, "page", 1, 1000000, page);
    query_int(req, &d, "per_page", 1, 200, per_page);
    if (qn_jin_finish(&d) != QN_OK) {
        e.code = QN_E_BAD_REQUEST;
        qn_http_reply_problem(req, &e);
        return false;
    }
    return true;
}

void qn_h_notification_get(qn_http_req *req)
{
    int64_t id;
    if (!qn_h_path_id(req, "id", &id))
        return;
    qn_err e;
    qn_err_clear(&e);
    qn_notification_out out;
    if (qn_svc_notification_get(&req->ctx, id, &out, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    json_t *view = qn_h_notification_view(&out);
    if (view && out.card_number[0])
        json_object_set_new(view, "migration_card",
                            json_pack("{s:s, s:o, s:s, s:s}", "number", out.card_number, "entry_date",
                                      qn_h_date_json(out.card_entry_date), "checkpoint", out.card_checkpoint,
                                      "border_mark", out.card_border_mark));
    qn_http_reply_json(req, 200, view);
}

static bool query_date(qn_http_req *req, qn_jin *d, const char *name, qn_date_t *out)
{
    *out = QN_DATE_NONE;
    const char *s = qn_http_query(req, name);
    if (!s)
        return true;
    const char *why = NULL;
    if (!qn_date_parse_cstr(s, out, &why)) {
        qn_jin_bad(d, "", name, "%s", why ? why : "must be YYYY-MM-DD");
        *out = QN_DATE_NONE;
        return false;
    }
    return true;
}

void qn_h_notification_list(qn_http_req *req)
{
    qn_notification_query q;
    memset(&q, 0, sizeof q);
    if (!qn_h_paging(req, &q.page, &q.per_page))
        return;
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    query_date(req, &d, "from", &q.from);
    query_date(req, &d, "to", &q.to);
    q.status = qn_http_query(req, "status");
    if (q.status && strcmp(q.status, "submitted") && strcmp(q.status, "accepted") &&
        strcmp(q.status, "rejected") && strcmp(q.status, "cancelled"))
        qn_jin_bad(&d, "", "status", "must be submitted, accepted, rejected or cancelled");
    if (q.from != QN_DATE_NONE && q.to != QN_DATE_NONE && q.to < q.from)
        qn_jin_bad(&d, "", "to", "is before from");
    if (qn_jin_finish(&d) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    qn_notification_list l;
    if (qn_svc_notification_list(&req->ctx, &q, &l, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.count; i++)
        json_array_append_new(items, qn_h_notification_view(&l.items[i]));
    qn_notification_list_free(&l);
    qn_http_reply_json(req, 200,
                       json_pack("{s:o, s:I, s:I, s:I}", "items", items, "page", (json_int_t)q.page,
                                 "per_page", (json_int_t)q.per_page, "total", (json_int_t)l.total));
}
