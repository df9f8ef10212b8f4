/* notification_batch.h — a batch of notifications read and answered row by
 * row (implemented with the other batch functions in notification.c).
 *
 * qn_svc_notification_batch (notification.h) takes every row decoded up
 * front and leaves every row's result in an array: a qn_batch_row holds a
 * whole qn_notification_out (3 KB), so a 100,000-row upload held 300 MB of
 * results before the first byte of the answer was written. The stream form
 * keeps nothing per row: the service asks the adapter for row i when it
 * needs it (the adapter keeps its input, e.g. the request body, and decodes
 * the row again), and hands each row's outcome back as soon as it is final,
 * in row order, so the adapter can render it into the answer at once.
 *
 * The service reads each row once: it decodes and checks it, and records a
 * valid one in its own savepoint of the store's batch, so a failed row
 * leaves nothing of itself and undoes no other row. The writer is taken at
 * the first valid row (with an idempotency key, before the first row: the
 * key is claimed first); the store reserves notification numbers in blocks
 * and gives the unused ones back, so the valid rows need not be counted in
 * a first pass (which cost 6% of a 20,000-row upload).
 *
 * Thread-safety: as the rest of the service (one call per request thread;
 * the callbacks run on the calling thread).
 */
#ifndef QN_SERVICE_NOTIFICATION_BATCH_H
#define QN_SERVICE_NOTIFICATION_BATCH_H

#include "service/notification.h"

typedef struct {
    /* Decodes row i (0 <= i < n) into *in. Called once per row, in order;
     * the strings of *in must stay valid until the next call. Returns false
     * with *err set (code, message, fields) when the row cannot be decoded:
     * it is rejected with err. */
    bool (*row)(void *user, size_t i, qn_notification_in *in, qn_err *err);
    /* Sets in->payload_json for the row just decoded, once it passed the
     * rules (only a row to be recorded needs it); false with *err set when
     * out of memory. NULL when row sets the payload itself. */
    bool (*payload)(void *user, qn_notification_in *in, qn_err *err);
    /* The final outcome of row i, once per row, in row order: out when the
     * row was recorded (err NULL), else err (out NULL). Outcomes of a batch
     * that fails as a whole (the call returns an error) are void. Returns
     * false when out of memory: the batch fails. */
    bool (*result)(void *user, size_t i, const qn_notification_out *out, const qn_err *err);
    /* The answer to keep with the idempotency key (malloc'd JSON text),
     * asked once after the last outcome; only with an idempotency key. */
    char *(*render)(void *user, size_t n, size_t n_ok);
    void *user;
} qn_batch_stream;

/* Records the valid rows of a batch of n rows read through s, with the
 * contract of qn_svc_notification_batch (notification.h): one transaction,
 * each row whole or not at all, the idempotency key claimed and finished in
 * it (a replay fills *replay and delivers no outcome), *n_ok the recorded
 * rows. 403, 409, 413, 503; QN_E_NOMEM when a callback ran out of memory. */
qn_code qn_svc_notification_batch_stream(qn_svc_ctx *ctx, const qn_batch_stream *s, size_t n,
                                         const char *idem_key, const unsigned char body_digest[32],
                                         size_t *n_ok, qn_idem_replay *replay, qn_err *e);

#endif
