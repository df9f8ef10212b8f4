/* json_in.h — declared, field-by-field decoding of JSON request bodies.
 *
 * Handlers decode a body into the service layer's typed inputs with these
 * helpers; every problem is recorded as a field error in a qn_err with the
 * full path of the field ("foreigner.document.expires", "rows[3].stay.to"),
 * so a client learns exactly what to fix. Two classes of problem:
 *   - the shape is wrong (unknown field, wrong JSON type): the request is
 *     malformed, answered 400 bad_request;
 *   - a value is wrong (missing, too long, not a date, failing a check
 *     digit): answered 422 invalid.
 * qn_jin_finish() turns the collected errors into the right code.
 *
 * Strings returned point into the json_t tree and live as long as it does.
 * Thread-safe (no shared state).
 */
#ifndef QN_HTTP_JSON_IN_H
#define QN_HTTP_JSON_IN_H

#include <jansson.h>
#include <stdbool.h>

#include "core/date.h"
#include "core/error.h"

typedef struct {
    qn_err *err;
    bool malformed; /* a shape error was seen: the answer is 400, not 422 */
} qn_jin;

/* Starts decoding into err (cleared). */
void qn_jin_init(qn_jin *d, qn_err *err);

/* Builds "path.key" (or "key" when path is empty) into buf. */
const char *qn_jin_path(char *buf, size_t len, const char *path, const char *key);

/* Checks that v is an object whose keys are all in allowed (NULL-terminated);
 * each unknown key is a shape error naming it. Returns false when v is not
 * an object (a shape error at path). */
bool qn_jin_object(qn_jin *d, const json_t *v, const char *path, const char *const *allowed);

/* Member key of obj as a nested object (checked with allowed), or NULL when
 * absent (an error if required) or of the wrong type. */
const json_t *qn_jin_obj(qn_jin *d, const json_t *obj, const char *path, const char *key, bool required,
                         const char *const *allowed);

/* Member key as a string of 1..max_len bytes (after trimming nothing), or
 * NULL when absent/null (an error if required), wrong type, empty or longer.
 * Control characters are refused. */
const char *qn_jin_str(qn_jin *d, const json_t *obj, const char *path, const char *key, size_t max_len,
                       bool required);

/* Member key as a YYYY-MM-DD date. Returns false when absent (an error if
 * required; *out becomes QN_DATE_NONE) or invalid. */
bool qn_jin_date(qn_jin *d, const json_t *obj, const char *path, const char *key, bool required,
                 qn_date_t *out);

/* Member key as an integer in [min, max]. Returns false when absent (error if
 * required) or invalid. */
bool qn_jin_int(qn_jin *d, const json_t *obj, const char *path, const char *key, bool required, long long min,
                long long max, long long *out);

/* Member key as a boolean; absent leaves *out unchanged. */
bool qn_jin_bool(qn_jin *d, const json_t *obj, const char *path, const char *key, bool *out);

/* Records a value error (422) at path.key. */
void qn_jin_bad(qn_jin *d, const char *path, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Records a shape error (400) at path.key. */
void qn_jin_shape(qn_jin *d, const char *path, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* QN_OK when nothing was recorded; else QN_E_BAD_REQUEST (shape) or
 * QN_E_INVALID (values), with the message set. */
qn_code qn_jin_finish(qn_jin *d);

#endif
