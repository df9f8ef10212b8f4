/* crossing.h — the border crossing feed: entries and exits recorded by the
 * border service (a border officer's session, or an API key of a border
 * account used by the border information system).
 *
 * A crossing names the person by citizenship (taken as the issuing country
 * of the travel document) and document number; on first sight of a document
 * the person is recorded too, which needs surname, given names, birth date
 * and sex. Checks (422 with field errors): kind entry or exit; date not in
 * the future; an exit needs an entry on record on or before its date (the
 * rows before it in the same batch count); checkpoint and its region code
 * (regions.h) are required; KAZ is refused (citizens are not tracked here).
 *
 * Idempotent twice over: the same crossing (person, date, kind, checkpoint)
 * is recorded once and a repeat answers with the recorded id and
 * created = false; and an Idempotency-Key replays the first answer.
 */
#ifndef QN_SERVICE_CROSSING_H
#define QN_SERVICE_CROSSING_H

#include "core/date.h"
#include "service/notification.h"
#include "service/service.h"

#define QN_CROSSING_BATCH_MAX 10000

typedef struct {
    const char *citizenship;     /* ISO alpha-3 */
    const char *document_number; /* 1..32 */
    const char *surname;         /* first sight only */
    const char *given_names;
    const char *sex; /* "M", "F", "X" */
    qn_date_t birth_date;
    qn_date_t document_expires; /* optional */
    const char *kind;           /* "entry" or "exit" */
    qn_date_t date;
    const char *checkpoint; /* 1..128 */
    const char *region;     /* region code of the checkpoint */
} qn_crossing_in;

typedef struct {
    const qn_crossing_in *in; /* NULL: the row could not be decoded (err set by the caller) */
    bool ok;
    int64_t id; /* the crossing's id (new or recorded before) */
    int64_t person_id;
    bool created; /* false: the same crossing was on record */
    qn_err *err;  /* malloc'd on failure; free it */
} qn_crossing_row;

/* Renders the answer stored with an Idempotency-Key (malloc'd JSON text). */
typedef char *(*qn_crossing_render)(const qn_crossing_row *rows, size_t n, void *user);

/* Records rows[0..n) (n <= QN_CROSSING_BATCH_MAX) in one transaction; each
 * row succeeds or fails alone (rows[i].ok / err). idem_key (may be NULL)
 * with body_digest, render and replay (all required with a key) replays a
 * previous answer into *replay. *n_ok counts
 * recorded rows (new or known). Errors: 403 for any role but border;
 * 413 over the maximum; 409 idempotency key reused with another body;
 * 503 store unavailable. */
qn_code qn_svc_crossings_record(qn_svc_ctx *ctx, qn_crossing_row *rows, size_t n, const char *idem_key,
                                const unsigned char body_digest[32], qn_crossing_render render,
                                void *render_user, qn_idem_replay *replay, size_t *n_ok, qn_err *e);

/* Frees the rows' errors. */
void qn_crossing_rows_clear(qn_crossing_row *rows, size_t n);

#endif
