/* fuzz_decoders.c — libFuzzer target for the request decoders of
 * src/http/decoders.h other than the notification's (fuzz_json.c): login,
 * border crossing, application submit and actions, consents, the stay
 * trips query, and the JSON batch (an array of notifications, each decoded
 * as the batch handler decodes its rows).
 *
 * The first byte selects the decoder (and, for actions, the event); the
 * rest is the request body, parsed as the server parses bodies (jansson,
 * JSON_REJECT_DUPLICATES), or for trips the query value itself. Checked
 * beyond "no crash, no leak, no undefined behaviour":
 *   - qn_jin_finish answers QN_OK, QN_E_BAD_REQUEST exactly when a shape
 *     error was seen, or QN_E_INVALID; every field error is terminated;
 *   - on QN_OK every required string is present, 1..bound bytes, free of
 *     control characters, and is the body member's own string; optional
 *     ones are absent or the same; dates are real dates;
 *   - consents: signing takes a signature or an otp_id, never both, never
 *     neither; otp_id >= 1; actions: invalid[] holds at most 32 names, each
 *     the array's own string, version >= 0, a reason given parses;
 *   - trips: at most the maximum, each entry a real date, exit absent or a
 *     real date; an input without "," separated "A.." parts gives errors.
 */
#include <jansson.h>

#include "fuzz/fuzz_util.h"
#include "http/decoders.h"
#include "http/handlers.h"
#include "service/notification.h"

static void check_err(const qn_err *e, qn_code rc, const qn_jin *d)
{
    QN_FZ_ASSERT(rc == QN_OK || rc == QN_E_BAD_REQUEST || rc == QN_E_INVALID);
    if (rc == QN_OK) {
        QN_FZ_ASSERT(e->n_fields == 0 && !d->malformed);
        return;
    }
    QN_FZ_ASSERT((rc == QN_E_BAD_REQUEST) == d->malformed);
    QN_FZ_ASSERT(e->n_fields > 0 || e->n_fields_dropped > 0 || e->message[0] != '\0');
    QN_FZ_ASSERT(e->n_fields <= QN_ERR_MAX_FIELDS);
    for (size_t i = 0; i < e->n_fields; i++) {
        QN_FZ_ASSERT(memchr(e->fields[i].field, '\0', sizeof e->fields[i].field) != NULL);
        QN_FZ_ASSERT(memchr(e->fields[i].reason, '\0', sizeof e->fields[i].reason) != NULL);
    }
}

/* s is NULL or the member key's own string, bounded and control-free;
 * required members are there when the decode succeeded. */
static void check_member(const json_t *obj, const char *key, const char *s, size_t max, bool required,
                         qn_code rc)
{
    if (s == NULL) {
        QN_FZ_ASSERT(rc != QN_OK || !required);
        return;
    }
    const json_t *v = json_object_get(obj, key);
    QN_FZ_ASSERT(json_is_string(v) && json_string_value(v) == s);
    size_t n = strlen(s);
    QN_FZ_ASSERT(n >= 1 && n <= max);
    for (size_t i = 0; i < n; i++)
        QN_FZ_ASSERT((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
}

static void check_date(qn_date_t day, bool required, qn_code rc)
{
    if (rc == QN_OK && required)
        QN_FZ_ASSERT(day != QN_DATE_NONE);
    if (day != QN_DATE_NONE) {
        int y;
        qn_date_to_ymd(day, &y, NULL, NULL);
        QN_FZ_ASSERT(y >= QN_DATE_MIN_YEAR && y <= QN_DATE_MAX_YEAR);
    }
}

static void login(const json_t *body)
{
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    const char *user = NULL, *pass = NULL;
    qn_h_decode_login(&d, body, &user, &pass);
    qn_code rc = qn_jin_finish(&d);
    check_err(&e, rc, &d);
    check_member(body, "username", user, 64, true, rc);
    check_member(body, "password", pass, 128, true, rc);
}

static void crossing(const json_t *body)
{
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    qn_crossing_in in;
    qn_h_decode_crossing(&d, body, "", &in);
    qn_code rc = qn_jin_finish(&d);
    check_err(&e, rc, &d);
    check_member(body, "citizenship", in.citizenship, 3, true, rc);
    check_member(body, "document_number", in.document_number, 32, true, rc);
    check_member(body, "kind", in.kind, 5, true, rc);
    check_member(body, "checkpoint", in.checkpoint, 128, true, rc);
    check_member(body, "region", in.region, 16, true, rc);
    check_member(body, "surname", in.surname, 128, false, rc);
    check_member(body, "given_names", in.given_names, 128, false, rc);
    check_member(body, "sex", in.sex, 1, false, rc);
    check_date(in.date, true, rc);
    check_date(in.birth_date, false, rc);
    check_date(in.document_expires, false, rc);
}

static void app_submit(const json_t *body)
{
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    const char *doc = NULL, *sig = NULL;
    qn_h_decode_app_submit(&d, body, &doc, &sig);
    qn_code rc = qn_jin_finish(&d);
    check_err(&e, rc, &d);
    check_member(body, "document", doc, QN_APP_DOC_MAX, true, rc);
    check_member(body, "signature", sig, QN_APP_SIG_MAX, true, rc);
}

static void app_action(const json_t *body, qn_app_event ev)
{
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    qn_app_action a;
    const char *inv[QN_APP_MAX_MISSING];
    qn_h_decode_app_action(&d, body, ev, &a, inv);
    qn_code rc = qn_jin_finish(&d);
    check_err(&e, rc, &d);
    QN_FZ_ASSERT(a.event == ev);
    QN_FZ_ASSERT(a.n_invalid <= QN_APP_MAX_MISSING && a.invalid == inv);
    const json_t *arr = json_object_get(body, "invalid");
    for (size_t i = 0; i < a.n_invalid; i++)
        QN_FZ_ASSERT(json_is_array(arr) && inv[i] == json_string_value(json_array_get(arr, i)));
    QN_FZ_ASSERT(a.version >= 0);
    check_member(body, ev == QN_APP_EV_APPEAL ? "grounds" : "text", a.text, QN_APP_REASON_TEXT_MAX, false,
                 rc);
    /* An empty optional string counts as absent (json_in.h). */
    const json_t *reason = json_object_get(body, "reason");
    if (rc == QN_OK && json_is_string(reason) && json_string_length(reason) > 0)
        QN_FZ_ASSERT(a.has_reason);
}

static void consent(const json_t *body, bool sign)
{
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    qn_h_consent_body cb;
    qn_h_decode_consent(&d, body, sign, &cb);
    qn_code rc = qn_jin_finish(&d);
    check_err(&e, rc, &d);
    check_member(body, "signature", cb.signature, QN_APP_SIG_MAX, false, rc);
    check_member(body, "text", cb.text, QN_APP_REASON_TEXT_MAX, false, rc);
    if (cb.has_otp)
        QN_FZ_ASSERT(cb.otp_id >= 1);
    if (rc == QN_OK && sign)
        QN_FZ_ASSERT((cb.signature != NULL) != cb.has_otp); /* exactly one of the two */
}

static void trips(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return;
    memcpy(s, data, size);
    s[size] = '\0';
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    qn_trip t[8];
    size_t n = qn_h_parse_trips(&d, s, t, 8);
    qn_code rc = qn_jin_finish(&d);
    check_err(&e, rc, &d);
    QN_FZ_ASSERT(rc != QN_E_BAD_REQUEST); /* a query value has no shape */
    QN_FZ_ASSERT(n <= 8);
    for (size_t i = 0; i < n; i++) {
        QN_FZ_ASSERT(t[i].entry != QN_DATE_NONE);
        check_date(t[i].entry, true, QN_OK);
        check_date(t[i].exit, false, QN_OK);
    }
    if (rc == QN_OK && strlen(s) > 0 && strstr(s, "..") == NULL)
        QN_FZ_ASSERT(n == 0 && strspn(s, ",") == strlen(s)); /* only separators */
    free(s);
}

/* The JSON batch: the handler decodes each element as one notification. */
static void batch(const json_t *body)
{
    if (!json_is_array(body))
        return;
    size_t i;
    json_t *row;
    json_array_foreach(body, i, row)
    {
        if (i >= 64)
            break;
        qn_err e;
        qn_jin d;
        qn_jin_init(&d, &e);
        qn_notification_in in;
        qn_h_decode_notification(&d, row, "", &in);
        qn_code rc = qn_jin_finish(&d);
        check_err(&e, rc, &d);
        if (rc == QN_OK) {
            QN_FZ_ASSERT(in.surname && in.given_names && in.citizenship && in.doc_number && in.doc_country);
            QN_FZ_ASSERT(in.address_region && in.address_text && in.purpose && in.sex);
            check_date(in.arrival_date, true, rc);
            check_date(in.stay_to, true, rc);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 64 * 1024)
        return 0;
    uint8_t which = data[0];
    data++;
    size--;
    if (which % 8 == 5) {
        trips(data, size);
        return 0;
    }
    json_error_t jerr;
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
    if (!body)
        return 0;
    switch (which % 8) {
    case 0:
        login(body);
        break;
    case 1:
        crossing(body);
        break;
    case 2:
        app_submit(body);
        break;
    case 3:
        app_action(body, (qn_app_event)((which / 8) % QN_APP_EVENT_COUNT));
        break;
    case 4:
        consent(body, (which / 8) % 2 == 0);
        break;
    case 6:
    case 7:
        batch(body);
        break;
    }
    json_decref(body);
    return 0;
}
