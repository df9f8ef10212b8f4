/* fuzz_json.c — libFuzzer target for the JSON request decoders (src/http/json_in.h and
 * qn_h_decode_notification of src/http/handlers.h).
 *
 * The input is a request body. It is parsed as the server parses bodies
 * (jansson, JSON_REJECT_DUPLICATES, src/http/reply.c) and, when it is JSON:
 *  1. decoded as an arrival notification (POST /api/v1/notifications) by the
 *     handler's own decoder; qn_jin_finish gives QN_OK, QN_E_BAD_REQUEST
 *     exactly when a shape error was seen, or QN_E_INVALID; QN_OK means every
 *     required string is present, within its bound and free of control
 *     characters, and every required date is a real date; every field error
 *     has a NUL-terminated path and reason;
 *  2. every member of a top-level object is run through each helper
 *     (qn_jin_str with bound 1..64, qn_jin_date, qn_jin_int in [-1000, 1000],
 *     qn_jin_bool, qn_jin_obj): a string returned is 1..bound bytes without
 *     control characters and is the member's own string, a date returned
 *     re-parses to the same day, an integer is in range and equals the
 *     member, and the code again follows the shape/value split.
 * The whole service layer is linked (the decoder shares a file with its
 * handler) but no server, database or network is started.
 */
#include <jansson.h>

#include "fuzz/fuzz_util.h"
#include "http/handlers.h"
#include "http/json_in.h"
#include "service/notification.h"

static void check_err(const qn_err *e, qn_code rc, const qn_jin *d)
{
    QN_FZ_ASSERT(rc == QN_OK || rc == QN_E_BAD_REQUEST || rc == QN_E_INVALID);
    if (rc == QN_OK) {
        QN_FZ_ASSERT(e->n_fields == 0 && !d->malformed);
    } else {
        QN_FZ_ASSERT((rc == QN_E_BAD_REQUEST) == d->malformed);
        QN_FZ_ASSERT(e->n_fields > 0 || e->n_fields_dropped > 0 || e->message[0] != '\0');
        QN_FZ_ASSERT(e->n_fields <= QN_ERR_MAX_FIELDS);
        for (size_t i = 0; i < e->n_fields; i++) {
            QN_FZ_ASSERT(memchr(e->fields[i].field, '\0', sizeof e->fields[i].field) != NULL);
            QN_FZ_ASSERT(memchr(e->fields[i].reason, '\0', sizeof e->fields[i].reason) != NULL);
        }
    }
}

static void check_str(const char *s, size_t max, bool required, qn_code rc)
{
    if (s == NULL) {
        if (rc == QN_OK)
            QN_FZ_ASSERT(!required);
        return;
    }
    size_t n = strlen(s);
    QN_FZ_ASSERT(n >= 1 && n <= max);
    for (size_t i = 0; i < n; i++)
        QN_FZ_ASSERT((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
}

static void check_date(qn_date_t d, bool required, qn_code rc)
{
    if (rc == QN_OK && required)
        QN_FZ_ASSERT(d != QN_DATE_NONE);
    if (d != QN_DATE_NONE) {
        int y;
        qn_date_to_ymd(d, &y, NULL, NULL);
        QN_FZ_ASSERT(y >= QN_DATE_MIN_YEAR && y <= QN_DATE_MAX_YEAR);
    }
}

static void notification(const json_t *body)
{
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    qn_notification_in in;
    qn_h_decode_notification(&d, body, "", &in);
    qn_code rc = qn_jin_finish(&d);
    if (getenv("QN_FUZZ_VERBOSE"))
        fprintf(stderr, "notification: %s (%s: %s)\n", qn_code_name(rc), e.n_fields ? e.fields[0].field : "",
                e.n_fields ? e.fields[0].reason : "");
    check_err(&e, rc, &d);
    check_str(in.surname, 128, true, rc);
    check_str(in.given_names, 128, true, rc);
    check_str(in.patronymic, 128, false, rc);
    check_str(in.citizenship, 3, true, rc);
    check_str(in.sex, 1, true, rc);
    check_str(in.doc_number, 32, true, rc);
    check_str(in.doc_country, 3, true, rc);
    check_str(in.checkpoint, 128, false, rc);
    check_str(in.address_code, 32, false, rc);
    check_str(in.address_region, 16, true, rc);
    check_str(in.address_text, 512, true, rc);
    check_str(in.purpose, 32, true, rc);
    check_str(in.visa_number, 32, false, rc);
    check_str(in.visa_category, 32, false, rc);
    check_date(in.birth_date, true, rc);
    check_date(in.doc_expires, true, rc);
    check_date(in.entry_date, true, rc);
    check_date(in.arrival_date, true, rc);
    check_date(in.stay_from, true, rc);
    check_date(in.stay_to, true, rc);
    check_date(in.visa_valid_until, in.visa_number != NULL, rc);
}

static void helpers(const json_t *body, size_t salt)
{
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    const char *key;
    const json_t *v;
    size_t k = 0;
    static const char *const none[] = {NULL};
    json_object_foreach((json_t *)body, key, v) {
        if (k++ >= 8)
            break;
        size_t max = 1 + (salt + k) % 64;
        const char *s = qn_jin_str(&d, body, "top", key, max, (salt & 1) != 0);
        if (s) {
            QN_FZ_ASSERT(json_is_string(v) && s == json_string_value(v));
            check_str(s, max, false, QN_OK);
        }
        qn_date_t day = 0;
        if (qn_jin_date(&d, body, "top", key, (salt & 2) != 0, &day)) {
            QN_FZ_ASSERT(json_is_string(v));
            qn_date_t again;
            const char *txt = json_string_value(v);
            QN_FZ_ASSERT(qn_date_parse(txt, json_string_length(v), &again, NULL) && again == day);
        }
        long long n = 12345;
        if (qn_jin_int(&d, body, "top", key, false, -1000, 1000, &n)) {
            QN_FZ_ASSERT(n >= -1000 && n <= 1000);
            QN_FZ_ASSERT(json_is_integer(v) && json_integer_value(v) == n);
        }
        bool b = false;
        qn_jin_bool(&d, body, "top", key, &b);
        const json_t *o = qn_jin_obj(&d, body, "top", key, false, (salt & 4) ? none : NULL);
        if (o)
            QN_FZ_ASSERT(o == v && json_is_object(v));
    }
    qn_code rc = qn_jin_finish(&d);
    check_err(&e, rc, &d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    json_error_t jerr;
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
    if (!body)
        return 0;
    notification(body);
    if (json_is_object(body))
        helpers(body, size);
    json_decref(body);
    return 0;
}
