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
 *
 * Memory: nothing is kept per row but where it starts. The service reads
 * the batch as a stream (service/notification_batch.h): it asks for row i
 * when it needs it, and the CSV row is parsed again from the request body
 * (its offset and line were noted by a first scan), turned into its JSON
 * object, decoded, and freed at the next row; a JSON array stays parsed as
 * it came. Each row's outcome is rendered into the answer's text as soon as
 * the service gives it, so the answer is held once, as text, beside the
 * body. (It used to be a JSON object per row, a 3 KB result per row and the
 * answer's JSON tree: about 10 KB a row, a gigabyte for 100,000 rows.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/csv.h"
#include "http/handlers.h"
#include "service/notification_batch.h"

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

/* The answer's text while it is written: a reserved head (filled in at the
 * end, when the counts are known), then the rows' results, comma-separated. */
#define ANSWER_HEAD 128

typedef struct {
    char *text;
    size_t len, cap;
} answer_buf;

static bool answer_append(answer_buf *a, const char *s, size_t n)
{
    if (a->len + n + 3 > a->cap) {
        size_t cap = a->cap ? a->cap : 64 * 1024;
        while (a->len + n + 3 > cap)
            cap *= 2;
        char *t = realloc(a->text, cap);
        if (!t)
            return false;
        a->text = t;
        a->cap = cap;
    }
    memcpy(a->text + a->len, s, n);
    a->len += n;
    return true;
}

/* The batch being read: where its rows are, the row being decoded, the
 * answer being written. */
typedef struct {
    qn_http_req *req;
    /* CSV: the header, a record to parse into, where each row starts */
    qn_csv_record *header, *rec;
    size_t *offsets, *lines; /* lines: where the record starts, as the answer names it */
    /* JSON: the array as parsed */
    json_t *array;
    size_t n, cap;
    /* the current row: its object (CSV: ours) and payload */
    json_t *obj;
    char *payload;
    answer_buf answer;
    size_t n_results;
    bool ready; /* the answer's head is written */
} batch_src;

static void batch_src_free(batch_src *b)
{
    free(b->header);
    free(b->rec);
    free(b->offsets);
    free(b->lines);
    json_decref(b->array);
    if (b->header) /* CSV rows are our objects; JSON rows are the array's */
        json_decref(b->obj);
    free(b->payload);
    free(b->answer.text);
}

/* Notes where the next CSV row starts. False when out of memory. */
static bool note_row(batch_src *b, size_t offset, size_t line)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        size_t *o = realloc(b->offsets, cap * sizeof *o);
        if (o)
            b->offsets = o;
        size_t *l = realloc(b->lines, cap * sizeof *l);
        if (l)
            b->lines = l;
        if (!o || !l)
            return false;
        b->cap = cap;
    }
    b->offsets[b->n] = offset;
    b->lines[b->n] = line;
    b->n++;
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

/* Checks the header of the CSV and notes where each row starts (at most
 * max rows); answers and returns false on a bad header or too many rows. */
static bool scan_csv(qn_http_req *req, batch_src *b, size_t max)
{
    qn_csv c;
    qn_csv_init(&c, req->body ? req->body : "", req->body_len);
    b->header = calloc(1, sizeof *b->header);
    b->rec = calloc(1, sizeof *b->rec);
    if (!b->header || !b->rec) {
        qn_http_reply_error(req, QN_E_NOMEM, NULL, "out of memory");
        return false;
    }
    qn_csv_record *header = b->header;
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
        return false;
    }
    if (!qn_csv_next(&c, header)) {
        qn_http_reply_error(req, QN_E_INVALID, "empty_batch", "the CSV has no header line");
        return false;
    }
    qn_err e;
    qn_err_clear(&e);
    for (size_t i = 0; i < header->n; i++) {
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
    if (header->too_many_fields || header->field_too_long || header->bad_quote)
        qn_err_field(&e, "(header)", "the CSV header line is malformed");
    if (e.n_fields) {
        e.code = QN_E_BAD_REQUEST;
        snprintf(e.message, sizeof e.message, "the CSV header names unknown or repeated columns");
        qn_http_reply_problem(req, &e);
        return false;
    }
    for (;;) {
        size_t offset = c.pos; /* before the blank lines qn_csv_next skips */
        if (!qn_csv_next(&c, b->rec))
            break;
        size_t line = b->rec->line;
        if (b->n >= max) {
            qn_http_reply_error(req, QN_E_TOO_LARGE, "too_many_rows", "a batch holds at most %zu rows", max);
            return false;
        }
        if (!note_row(b, offset, line)) {
            qn_http_reply_error(req, QN_E_NOMEM, NULL, "out of memory");
            return false;
        }
    }
    return true;
}

static bool read_json(qn_http_req *req, batch_src *b, size_t max)
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
    b->array = body; /* the rows, and the idempotency digest */
    b->n = json_array_size(body);
    return true;
}

/* The CSV row i as the JSON object a client would have sent, in b->obj;
 * false with err set for a structural problem of the row. */
static bool csv_row_object(batch_src *b, size_t i, qn_err *err)
{
    qn_csv c;
    qn_csv_init(&c, b->req->body, b->req->body_len);
    c.pos = b->offsets[i];
    c.line = b->lines[i]; /* not the record's line (blank lines before it), but unused here */
    qn_csv_record *rec = b->rec;
    qn_csv_next(&c, rec);
    char problem[128] = "";
    if (rec->bad_quote)
        snprintf(problem, sizeof problem, "the row has a malformed quoted field");
    else if (rec->field_too_long)
        snprintf(problem, sizeof problem, "a field of the row is longer than 1023 bytes");
    else if (rec->too_many_fields)
        snprintf(problem, sizeof problem, "the row has more fields than a batch row can hold");
    else if (rec->n != b->header->n)
        snprintf(problem, sizeof problem, "the row has %zu fields but the header has %zu", rec->n, b->header->n);
    if (problem[0]) {
        qn_err_field(err, "row", "%s", problem);
        qn_err_set(err, QN_E_BAD_REQUEST, "%s", problem);
        qn_err_sub(err, "csv_row");
        return false;
    }
    b->obj = json_object();
    if (!b->obj) {
        qn_err_set(err, QN_E_NOMEM, "out of memory");
        return false;
    }
    for (size_t k = 0; k < rec->n; k++)
        if (rec->fields[k][0])
            set_dotted(b->obj, b->header->fields[k], rec->fields[k]);
    return true;
}

/* The service's reader of row i (qn_batch_stream.row). */
static bool src_row(void *user, size_t i, qn_notification_in *in, qn_err *err)
{
    batch_src *b = user;
    free(b->payload);
    b->payload = NULL;
    if (b->header) {
        json_decref(b->obj);
        b->obj = NULL;
        if (!csv_row_object(b, i, err))
            return false;
    } else {
        b->obj = json_array_get(b->array, i);
    }
    qn_jin d;
    qn_jin_init(&d, err);
    qn_h_decode_notification(&d, b->obj, "", in);
    qn_jin_finish(&d);
    return err->code == QN_OK;
}

/* The payload of the row src_row read last (qn_batch_stream.payload). */
static bool src_payload(void *user, qn_notification_in *in, qn_err *err)
{
    batch_src *b = user;
    b->payload = json_dumps(b->obj, JSON_COMPACT);
    if (!b->payload) {
        qn_err_set(err, QN_E_NOMEM, "out of memory");
        return false;
    }
    in->payload_json = b->payload;
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

/* One row of the answer: accepted (out) or rejected (re). */
static json_t *result_json(const qn_notification_out *out, const qn_err *re, size_t i, size_t line)
{
    json_t *r;
    if (out) {
        r = qn_h_notification_created(out);
        json_object_set_new(r, "result", json_string("accepted"));
    } else {
        qn_code code = re->code == QN_OK ? QN_E_INTERNAL : re->code;
        char name[96];
        snprintf(name, sizeof name, "%s%s%s", qn_code_name(code), re->sub[0] ? "." : "", re->sub);
        r = json_pack("{s:s, s:s, s:s, s:o}", "result", "rejected", "code", name, "detail", re->message,
                      "errors", errors_json(re));
    }
    if (!r)
        return NULL;
    json_object_set_new(r, "row", json_integer((json_int_t)i + 1));
    if (line)
        json_object_set_new(r, "line", json_integer((json_int_t)line));
    return r;
}

/* The service's outcome of row i (qn_batch_stream.result), rendered into
 * the answer at once. */
static bool src_result(void *user, size_t i, const qn_notification_out *out, const qn_err *err)
{
    batch_src *b = user;
    if (b->answer.len == 0) {
        b->answer.len = 0;
        if (!answer_append(&b->answer, "", 0))
            return false;
        memset(b->answer.text, ' ', ANSWER_HEAD);
        b->answer.len = ANSWER_HEAD;
    }
    json_t *r = result_json(out, err, i, b->header ? b->lines[i] : 0);
    if (!r)
        return false;
    char small[2048];
    size_t need = json_dumpb(r, small, sizeof small, JSON_COMPACT | JSON_ENSURE_ASCII);
    bool ok;
    if (need == 0) {
        ok = false;
    } else if (need <= sizeof small) {
        ok = (b->n_results == 0 || answer_append(&b->answer, ",", 1)) && answer_append(&b->answer, small, need);
    } else {
        char *big = json_dumps(r, JSON_COMPACT | JSON_ENSURE_ASCII);
        ok = big && (b->n_results == 0 || answer_append(&b->answer, ",", 1)) &&
             answer_append(&b->answer, big, strlen(big));
        free(big);
    }
    json_decref(r);
    b->n_results += ok;
    return ok;
}

/* Completes the answer's text in place: the head moved up against the
 * results, the closing brackets after them. Returns the text (still owned
 * by b) or NULL when out of memory. */
static const char *finish_answer(batch_src *b, size_t n, size_t n_ok, size_t *len)
{
    if (!b->ready) {
        if (b->answer.len == 0 && !answer_append(&b->answer, "", 0))
            return NULL;
        if (b->answer.len == 0)
            b->answer.len = ANSWER_HEAD;
        char head[ANSWER_HEAD];
        int h = snprintf(head, sizeof head, "{\"rows\":%zu,\"accepted\":%zu,\"rejected\":%zu,\"results\":[", n,
                         n_ok, n - n_ok);
        size_t body = b->answer.len - ANSWER_HEAD;
        memmove(b->answer.text + h, b->answer.text + ANSWER_HEAD, body);
        memcpy(b->answer.text, head, (size_t)h);
        b->answer.len = (size_t)h + body;
        memcpy(b->answer.text + b->answer.len, "]}", 3);
        b->answer.len += 2;
        b->ready = true;
    }
    *len = b->answer.len;
    return b->answer.text;
}

/* The answer kept with the idempotency key (qn_batch_stream.render). */
static char *src_render(void *user, size_t n, size_t n_ok)
{
    size_t len = 0;
    const char *text = finish_answer(user, n, n_ok, &len);
    char *copy = text ? malloc(len + 1) : NULL;
    if (copy)
        memcpy(copy, text, len + 1);
    return copy;
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
    batch_src b;
    memset(&b, 0, sizeof b);
    b.req = req;
    if (!(csv ? scan_csv(req, &b, max) : read_json(req, &b, max))) {
        batch_src_free(&b);
        return;
    }
    if (b.n == 0) {
        batch_src_free(&b);
        qn_http_reply_error(req, QN_E_INVALID, "empty_batch", "the batch has no rows");
        return;
    }
    unsigned char digest[32];
    qn_h_body_digest(csv ? "batch:csv" : "batch:json", b.array, req->body ? req->body : "", req->body_len,
                     digest);
    qn_batch_stream s = {
        .row = src_row, .payload = src_payload, .result = src_result, .render = src_render, .user = &b};
    size_t n_ok = 0;
    qn_idem_replay replay;
    memset(&replay, 0, sizeof replay);
    qn_code rc = qn_svc_notification_batch_stream(&req->ctx, &s, b.n, idem, digest, &n_ok, &replay, &e);
    if (rc != QN_OK) {
        qn_http_reply_problem(req, &e);
    } else if (replay.replay) {
        qn_http_reply_owned(req, replay.status, "application/json", replay.body,
                            replay.body ? strlen(replay.body) : 0);
        qn_http_add_header(req, "Idempotent-Replayed", "true");
    } else {
        size_t len = 0;
        if (!finish_answer(&b, b.n, n_ok, &len)) {
            qn_http_reply_error(req, QN_E_NOMEM, NULL, "out of memory");
        } else {
            qn_http_reply_owned(req, 200, "application/json", b.answer.text, len);
            b.answer.text = NULL; /* the reply owns it */
        }
    }
    batch_src_free(&b);
}
