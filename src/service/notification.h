/* notification.h — notification of arrival: submit, batch, read, list.
 *
 * A host (host-individual, host-legal-entity, hotel) notifies the arrival of
 * a foreigner. The service checks the input against the rules core:
 *   - the deadline: 3 working days from the arrival (Decree 148 para. 9);
 *     a notification after it is accepted but marked late (on_time false)
 *     and an art. 518 violation record is opened against the host
 *     (Administrative Code art. 518);
 *   - the stay limits of the foreigner's citizenship (regime): a planned
 *     stay past the last lawful day is ACCEPTED and answered with a warning.
 *     The choice: the notification records a fact (the foreigner is here,
 *     at this address); refusing it would leave the police without the
 *     record the law asks for, while the overstay itself is the foreigner's
 *     matter (art. 517), checked at exit by the border officer;
 *   - a travel document expiring before the planned departure (stay.to) is
 *     REFUSED (422, field foreigner.document.expires): the stay cannot be
 *     lawful on that document;
 *   - dates in order: birth <= entry <= arrival <= stay.from <= stay.to,
 *     arrival not in the future.
 *   - the fields' formats (core/country.h, core/field_rules.h): citizenship
 *     and document country from the ISO 3166-1 / ICAO table, the purpose
 *     from a fixed set, the address registration code, the document, visa
 *     and migration card numbers, names (trimmed; blank refused); each
 *     refusal is a 422 naming the field and the reason;
 *   - a second notification of the same foreigner (by document) arriving on
 *     the same day, by the same host, is refused: 409
 *     conflict.duplicate_notification naming the number on record (unless
 *     that one was rejected or cancelled). Another host may notify the same
 *     arrival (a guest who moves on the day he arrives).
 * The host's notifications are filed under the host record of its IIN/BIN,
 * so a hotel's operators share them. An Idempotency-Key makes a submission
 * safe to retry (the store's idempotency claim, in the same transaction).
 */
#ifndef QN_SERVICE_NOTIFICATION_H
#define QN_SERVICE_NOTIFICATION_H

#include "service/service.h"

#define QN_NOTIF_MAX_WARNINGS 8
/* Rows per batch: the documented default of the API (issue 4: "a hotel's
 * day of guests, up to 10,000 rows"); `qonaq serve --batch-max-rows N`
 * raises it (qn_service_config.batch_max_rows) up to QN_BATCH_ROWS_CEILING,
 * the most one store transaction takes. */
#define QN_BATCH_MAX_ROWS 10000
#define QN_BATCH_ROWS_CEILING 100000

/* What the host submits. Strings are borrowed (NULL when absent). */
typedef struct {
    const char *surname, *given_names, *patronymic;
    const char *citizenship; /* ISO 3166-1 alpha-3 */
    qn_date_t birth_date;
    const char *sex; /* "M", "F", "X" */
    const char *doc_number, *doc_country;
    qn_date_t doc_expires;
    qn_date_t entry_date;
    const char *checkpoint;
    qn_date_t arrival_date;
    const char *address_code, *address_region, *address_text;
    qn_date_t stay_from, stay_to;
    const char *purpose;
    const char *visa_number, *visa_category; /* visa_number NULL: no visa */
    qn_date_t visa_valid_until;
    const char *migration_card;      /* its number (NULL: none) */
    const char *migration_card_mark; /* the border officer's mark on it (NULL: none) */
    const char *payload_json; /* the submitted JSON object, kept with the record */
} qn_notification_in;

typedef struct {
    char code[32]; /* "stay_over_limit", "visa_expires" ... */
    char message[192];
} qn_warning;

typedef struct {
    int64_t id;
    char number[33];
    qn_date_t arrival_date, entry_date, stay_from, stay_to, deadline;
    bool on_time;
    char status[33];
    char citizenship[4], surname[129], given_names[129], doc_number[33], doc_country[4];
    char address_code[33], region[17], purpose[33];
    int64_t created_at;
    int64_t violation_id; /* the art. 518 record when late (submit only) */
    char article[33];     /* "518.1" */
    char sanction[48];    /* core sanction code, e.g. "art518_p1_individual" */
    int fine_mci;         /* 0 for a warning */
    size_t n_warnings;
    qn_warning warnings[QN_NOTIF_MAX_WARNINGS];
    /* The migration card on record with it (read of one notification only;
     * card_number "" when none). */
    char card_number[33];
    qn_date_t card_entry_date;
    char card_checkpoint[129];
    char card_border_mark[513];
} qn_notification_out;

/* Renders the answer to store with an idempotency key (malloc'd JSON text). */
typedef char *(*qn_notification_render)(const qn_notification_out *out, void *user);

typedef struct {
    bool replay; /* the answer is the stored one: status and body below */
    int status;
    char *body; /* malloc'd; caller frees */
} qn_idem_replay;

/* Submits one notification. idem_key may be NULL; with it, body_digest
 * (SHA-256 of the request body) and render must be given, and a replay
 * fills *replay instead of out. Errors: 403 (not a host), 422 with fields,
 * 409 (idempotency key reused with another body), 503.
 * The rules run on the calling thread; the write goes to the service's
 * committer (committer.h), which commits it together with the writes of
 * concurrent submissions, each in its own savepoint; this returns once the
 * commit holding the record is durable. */
qn_code qn_svc_notification_submit(qn_svc_ctx *ctx, const qn_notification_in *in, const char *idem_key,
                                   const unsigned char body_digest[32], qn_notification_render render,
                                   void *render_user, qn_notification_out *out, qn_idem_replay *replay,
                                   qn_err *e);

/* Validates one notification without writing (the rules part of submit).
 * Field names as in the JSON request ("foreigner.document.expires"). */
qn_code qn_svc_notification_check(qn_svc_ctx *ctx, const qn_notification_in *in, qn_notification_out *preview,
                                  qn_err *e);

/* One row of a batch: its input (NULL when the adapter could not decode
 * it) and its result. */
typedef struct {
    const qn_notification_in *in;
    qn_err *err;             /* the row's errors, malloc'd (freed by the caller with free());
                                set by the adapter when in is NULL, by the service otherwise */
    qn_notification_out out; /* on success */
    bool ok;
} qn_batch_row;

/* 403 unless the caller may send a batch (a host). The adapter calls it
 * before it reads the rows, so a refused caller costs no parsing. */
qn_code qn_svc_notification_batch_allowed(qn_svc_ctx *ctx, qn_err *e);

/* The most rows a batch may hold on this server (QN_BATCH_MAX_ROWS unless
 * configured otherwise). */
size_t qn_svc_notification_batch_max_rows(const qn_svc_ctx *ctx);

/* Renders the answer of a batch to keep with its idempotency key
 * (malloc'd JSON text). */
typedef char *(*qn_batch_render)(const qn_batch_row *rows, size_t n, size_t n_ok, void *user);

/* Records the valid rows of a batch in one transaction; each row is
 * validated alone and either recorded whole or not at all: everything a row
 * writes (address, person, document, notification, migration card,
 * violation, notice) runs in one savepoint, so a row that fails leaves
 * nothing behind. n <= qn_svc_notification_batch_max_rows. With idem_key
 * (body_digest and render given), the first answer is kept with the key: a
 * retry with the same digest fills *replay (rows untouched); another digest
 * is 409 conflict.idempotency_mismatch. Returns QN_OK when the batch
 * committed (even with bad rows); *n_ok counts recorded rows. 403, 409, 413
 * (too many rows), 503. */
qn_code qn_svc_notification_batch(qn_svc_ctx *ctx, qn_batch_row *rows, size_t n, const char *idem_key,
                                  const unsigned char body_digest[32], qn_batch_render render,
                                  void *render_user, size_t *n_ok, qn_idem_replay *replay, qn_err *e);

/* One notification the caller may see (404 otherwise, never 403: another
 * host's numbers are not disclosed). */
qn_code qn_svc_notification_get(qn_svc_ctx *ctx, int64_t id, qn_notification_out *out, qn_err *e);

typedef struct {
    qn_date_t from, to; /* arrival date range (QN_DATE_NONE: open) */
    const char *status; /* NULL: any */
    int64_t page;       /* 1.. */
    int64_t per_page;   /* 1..200 */
} qn_notification_query;

typedef struct {
    qn_notification_out *items; /* malloc'd */
    size_t count;
    int64_t total;
} qn_notification_list;

/* A host's own notifications, or an officer's region's. 403 for others. */
qn_code qn_svc_notification_list(qn_svc_ctx *ctx, const qn_notification_query *q, qn_notification_list *out,
                                 qn_err *e);
void qn_notification_list_free(qn_notification_list *l);

#endif
