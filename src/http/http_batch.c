/* http_batch.c — POST /api/v1/notifications/batch: a day of guests at once.
 *
 * The body is either a JSON array of notification objects (the shape of
 * POST /api/v1/notifications) or a CSV file (Content-Type: text/csv) whose
 * header names the flattened fields: foreigner.surname, foreigner.given_names,
 * foreigner.citizenship, foreigner.birth_date, foreigner.sex,
 * foreigner.document.number, foreigner.document.country,
 * foreigner.document.expires, entry.date, entry.checkpoint, arrival_date,
 * address.code, address.region, address.text, stay.from, stay.to, purpose,
 * and optionally foreigner.patronymic, visa.number, visa.category,
 * visa.valid_until, migration_card (or migration_card.number with
 * migration_card.border_mark). Empty cells are absent values.
 * Each CSV row becomes the same JSON object a client would have sent, so
 * both forms are validated by one decoder. Up to 10,000 rows (the server's
 * setting, qn_svc_notification_batch_max_rows; 413 past it).
 *
 * Order of the checks: the caller's role first (the service says whether
 * it may send a batch at all, before a byte of the body is parsed), then
 * the Idempotency-Key header, then the rows. A body over the route's size
 * limit never reaches here: the server answers 413 from its Content-Length.
 *
 * The answer (200) lists every row: accepted rows with id, number, deadline
 * and on_time; rejected rows with their row number (and CSV line) and the
 * reasons (a structural CSV problem too: errors[] names "row"). Accepted
 * rows are committed together in one transaction; a rejected row leaves no
 * trace. With an Idempotency-Key the answer is kept with the key: the same
 * key with the same body (CSV: the same bytes; JSON: the same canonical
 * JSON) returns it again, marked Idempotent-Replayed; another body is 409.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/csv.h"
#include "http/handlers.h"

static const char *const csv_columns[] = {"foreigner.surname",
                                          "foreigner.given_names",
                                          "foreigner.patronymic",
                                          "foreigner.citizenship",
                                          "foreigner.birth_date",
                                          "foreigner.sex",
                                          "foreigner.document.number",
                                          "foreigner.document.country",
                                          "foreigner.document.expires",
                                          "entry.date",
                                          "entry.checkpoint",
                                          "arrival_date",
                                          "address.code",
                                          "address.region",
                                          "address.text",
                                          "stay.from",
                                          "stay.to",
                                          "purpose",
                                          "visa.number",
                                          "visa.category",
                                          "visa.valid_until",
                                          "migration_card",
                                          "migration_card.number",
                                          "migration_card.border_mark",
                                          NULL};

typedef struct {
    size_t n, cap;
    json_t **objects; /* each row's object (NULL when the row could not be read) */
    size_t *lines;    /* CSV line of each row (0 for JSON) */
    char **row_error; /* a structural problem of the row (CSV), malloc'd, or NULL */
} rowset;

static void rowset_free(rowset *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        json_decref(rs->objects[i]);
        free(rs->row_error[i]);
    }
    free(rs->objects);
    free(rs->lines);
    free(rs->row_error);
}

static bool rowset_push(rowset *rs, json_t *obj, size_t line, const char *error)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 64;
        json_t **o = realloc(rs->objects, cap * sizeof *o);
        if (o)
            rs->objects = o;
        size_t *l = realloc(rs->lines, cap * sizeof *l);
        if (l)
            rs->lines = l;
        char **e = realloc(rs->row_error, cap * sizeof *e);
        if (e)
            rs->row_error = e;
        if (!o || !l || !e) {
            json_decref(obj);
            return false;
        }
        rs->cap = cap;
    }
    rs->objects[rs->n] = obj;
    rs->lines[rs->n] = line;
    rs->row_error[rs->n] = error ? strdup(error) : NULL;
    rs->n++;
    return true;
}

/* Sets value at a dotted path ("foreigner.document.number") in obj. */
static void set_dotted(json_t *obj, const char *dotted, const char *value)
{
    char name[96];
    snprintf(name, sizeof name, "%s", dotted);
    json_t *at = obj;
    char *save = NULL;
    char *part = strtok_r(name, ".", &save);
    while (part) {
        char *next = strtok_r(NULL, ".", &save);
        if (!next) {
            json_object_set_new(at, part, json_string(value));
            return;
        }
        json_t *child = json_object_get(at, part);
        if (!child) {
            child = json_object();
            json_object_set_new(at, part, child);
        }
        at = child;
        part = next;
    }
}

/* Reads the CSV body into rows (at most max); answers and returns false on
 * a bad header or too many rows. */
static bool read_csv(qn_http_req *req, rowset *rs, size_t max)
{
    qn_csv c;
    qn_csv_init(&c, req->body ? req->body : "", req->body_len);
    qn_csv_record *header = calloc(1, sizeof *header), *rec = calloc(1, sizeof *rec);
    if (!header || !rec) {
        free(header);
        free(rec);
        qn_http_reply_error(req, QN_E_NOMEM, NULL, "out of memory");
        return false;
    }
    bool ok = true;
    /* A text file holds no NUL byte; one inside a field would silently cut
     * the value short once it becomes a C string (found by fuzzing). */
    const char *nul = req->body ? memchr(req->body, '\0', req->body_len) : NULL;
    if (nul != NULL) {
        size_t line = 1;
        for (const char *p = req->body; p < nul; p++)
            line += *p == '\n';
        qn_err ne;
        qn_err_clear(&ne);
        qn_err_set(&ne, QN_E_BAD_REQUEST, "the CSV is not text: it contains a NUL byte on line %zu", line);
        qn_err_sub(&ne, "csv_nul");
        qn_http_reply_problem(req, &ne);
        free(header);
        free(rec);
        return false;
    }
    if (!qn_csv_next(&c, header)) {
        qn_http_reply_error(req, QN_E_INVALID, "empty_batch", "the CSV has no header line");
        ok = false;
    }
    qn_err e;
    qn_err_clear(&e);
    for (size_t i = 0; ok && i < header->n; i++) {
        bool known = false;
        for (size_t k = 0; csv_columns[k]; k++)
            if (strcmp(csv_columns[k], header->fields[i]) == 0)
                known = true;
        for (size_t j = 0; j < i; j++)
            if (strcmp(header->fields[j], header->fields[i]) == 0)
                qn_err_field(&e, header->fields[i], "appears twice in the CSV header");
        if (!known)
            qn_err_field(&e, header->fields[i][0] ? header->fields[i] : "(empty)",
                         "is not a known column (line 1)");
        if (strncmp(header->fields[i], "migration_card.", 15) == 0)
            for (size_t j = 0; j < header->n; j++)
                if (strcmp(header->fields[j], "migration_card") == 0)
                    qn_err_field(&e, header->fields[i], "cannot be given with the column migration_card");
    }
    if (ok && (header->too_many_fields || header->field_too_long || header->bad_quote))
        qn_err_field(&e, "(header)", "the CSV header line is malformed");
    if (ok && e.n_fields) {
        e.code = QN_E_BAD_REQUEST;
        snprintf(e.message, sizeof e.message, "the CSV header names unknown or repeated columns");
        qn_http_reply_problem(req, &e);
        ok = false;
    }
    while (ok && qn_csv_next(&c, rec)) {
        if (rs->n >= max) {
            qn_http_reply_error(req, QN_E_TOO_LARGE, "too_many_rows", "a batch holds at most %zu rows", max);
            ok = false;
            break;
        }
        const char *problem = NULL;
        char count_problem[128];
        if (rec->bad_quote)
            problem = "the row has a malformed quoted field";
        else if (rec->field_too_long)
            problem = "a field of the row is longer than 1023 bytes";
        else if (rec->too_many_fields)
            problem = "the row has more fields than a batch row can hold";
        else if (rec->n != header->n) {
            snprintf(count_problem, sizeof count_problem, "the row has %zu fields but the header has %zu",
                     rec->n, header->n);
            problem = count_problem;
        }
        json_t *obj = NULL;
        if (!problem) {
            obj = json_object();
            for (size_t i = 0; i < rec->n; i++)
                if (rec->fields[i][0])
                    set_dotted(obj, header->fields[i], rec->fields[i]);
        }
        if (!rowset_push(rs, obj, rec->line, problem)) {
            qn_http_reply_error(req, QN_E_NOMEM, NULL, "out of memory");
            ok = false;
        }
    }
    free(header);
    free(rec);
    return ok;
}

static bool read_json(qn_http_req *req, rowset *rs, size_t max, json_t **kept)
{
    json_t *body = qn_http_body_json(req);
    if (!body)
        return false;
    if (!json_is_array(body)) {
        json_decref(body);
        qn_http_reply_error(req, QN_E_BAD_REQUEST, "not_array",
                            "the batch body must be a JSON array of notifications");
        return false;
    }
    if (json_array_size(body) > max) {
        json_decref(body);
        qn_http_reply_error(req, QN_E_TOO_LARGE, "too_many_rows", "a batch holds at most %zu rows", max);
        return false;
    }
    size_t i;
    json_t *v;
    json_array_foreach(body, i, v)
    {
        if (!rowset_push(rs, json_incref(v), 0, NULL)) {
            json_decref(body);
            qn_http_reply_error(req, QN_E_NOMEM, NULL, "out of memory");
            return false;
        }
    }
    *kept = body; /* for the idempotency digest */
    return true;
}

static json_t *errors_json(const qn_err *e)
{
    json_t *errs = json_array();
    for (size_t i = 0; i < e->n_fields; i++)
        json_array_append_new(
            errs, json_pack("{s:s, s:s}", "field", e->fields[i].field, "reason", e->fields[i].reason));
    return errs;
}

/* The answer of the batch: every row, accepted or rejected. */
static json_t *answer_json(const qn_batch_row *rows, size_t n, size_t n_ok, const rowset *rs)
{
    json_t *results = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *r;
        if (rows[i].ok) {
            r = qn_h_notification_created(&rows[i].out);
            json_object_set_new(r, "result", json_string("accepted"));
        } else {
            qn_err none;
            qn_err_clear(&none);
            qn_err_set(&none, QN_E_NOMEM, "out of memory");
            const qn_err *re = rows[i].err ? rows[i].err : &none;
            qn_code code = re->code == QN_OK ? QN_E_INTERNAL : re->code;
            char name[96];
            snprintf(name, sizeof name, "%s%s%s", qn_code_name(code), re->sub[0] ? "." : "", re->sub);
            r = json_pack("{s:s, s:s, s:s, s:o}", "result", "rejected", "code", name, "detail", re->message,
                          "errors", errors_json(re));
        }
        json_object_set_new(r, "row", json_integer((json_int_t)i + 1));
        if (rs->lines[i])
            json_object_set_new(r, "line", json_integer((json_int_t)rs->lines[i]));
        json_array_append_new(results, r);
    }
    return json_pack("{s:I, s:I, s:I, s:o}", "rows", (json_int_t)n, "accepted", (json_int_t)n_ok, "rejected",
                     (json_int_t)(n - n_ok), "results", results);
}

static char *render_answer(const qn_batch_row *rows, size_t n, size_t n_ok, void *user)
{
    json_t *b = answer_json(rows, n, n_ok, user);
    char *s = b ? json_dumps(b, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(b);
    return s;
}

void qn_h_notification_batch(qn_http_req *req)
{
    qn_err e;
    qn_err_clear(&e);
    if (qn_svc_notification_batch_allowed(&req->ctx, &e) != QN_OK) {
        qn_http_reply_problem(req, &e);
        return;
    }
    const char *idem = NULL;
    if (!qn_h_idem_key(req, &idem))
        return;
    size_t max = qn_svc_notification_batch_max_rows(&req->ctx);
    const char *ct = qn_http_header_in(req, "Content-Type");
    bool csv = ct && strncasecmp(ct, "text/csv", 8) == 0;
    rowset rs = {0};
    json_t *json_body = NULL;
    if (!(csv ? read_csv(req, &rs, max) : read_json(req, &rs, max, &json_body))) {
        rowset_free(&rs);
        return;
    }
    if (rs.n == 0) {
        rowset_free(&rs);
        json_decref(json_body);
        qn_http_reply_error(req, QN_E_INVALID, "empty_batch", "the batch has no rows");
        return;
    }
    unsigned char digest[32];
    qn_h_body_digest(csv ? "batch:csv" : "batch:json", json_body, req->body ? req->body : "", req->body_len,
                     digest);
    json_decref(json_body);
    qn_batch_row *rows = calloc(rs.n, sizeof *rows);
    qn_notification_in *ins = calloc(rs.n, sizeof *ins);
    char **payloads = calloc(rs.n, sizeof *payloads);
    if (!rows || !ins || !payloads) {
        free(rows);
        free(ins);
        free(payloads);
        rowset_free(&rs);
        qn_http_reply_error(req, QN_E_NOMEM, NULL, "out of memory");
        return;
    }
    qn_err scratch;
    for (size_t i = 0; i < rs.n; i++) {
        qn_err_clear(&scratch);
        if (rs.row_error[i]) {
            qn_err_field(&scratch, "row", "%s", rs.row_error[i]);
            qn_err_set(&scratch, QN_E_BAD_REQUEST, "%s", rs.row_error[i]);
            qn_err_sub(&scratch, "csv_row");
        } else {
            qn_jin d;
            qn_jin_init(&d, &scratch);
            qn_h_decode_notification(&d, rs.objects[i], "", &ins[i]);
            qn_jin_finish(&d);
        }
        if (scratch.code != QN_OK) {
            rows[i].err = malloc(sizeof *rows[i].err);
            if (rows[i].err)
                *rows[i].err = scratch;
            continue;
        }
        payloads[i] = json_dumps(rs.objects[i], JSON_COMPACT);
        ins[i].payload_json = payloads[i];
        rows[i].in = &ins[i];
    }
    size_t n_ok = 0;
    qn_idem_replay replay;
    memset(&replay, 0, sizeof replay);
    qn_code rc = qn_svc_notification_batch(&req->ctx, rows, rs.n, idem, digest, render_answer, &rs, &n_ok,
                                           &replay, &e);
    if (rc != QN_OK) {
        qn_http_reply_problem(req, &e);
    } else if (replay.replay) {
        qn_http_reply_owned(req, replay.status, "application/json", replay.body,
                            replay.body ? strlen(replay.body) : 0);
        qn_http_add_header(req, "Idempotent-Replayed", "true");
    } else {
        qn_http_reply_json(req, 200, answer_json(rows, rs.n, n_ok, &rs));
    }
    for (size_t i = 0; i < rs.n; i++) {
        free(payloads[i]);
        free(rows[i].err);
    }
    free(payloads);
    free(rows);
    free(ins);
    rowset_free(&rs);
}
