/* exit_check.h — the border officer's exit check over the records: one call
 * that reads a foreigner's crossings, notifications of arrival, confirmed
 * self-registrations, visas, permits, extension and exit visas and open
 * violation cases (one store statement), and runs the pure exit check
 * (core/exitcheck.h) on them.
 *
 * Who: border officers only (QN_ROLE_BORDER); every other role gets 403.
 * What the answer holds (and nothing more, docs/control_api.md §Minimal
 * disclosure): the person's name, citizenship and birth date (to match the
 * passport in hand); per entry, the entry and exit dates, the checkpoint and
 * the notification status with, per place of stay, only the arrival date,
 * the region code, the day received, whether it was on time and where it
 * was learnt from — no host name, IIN/BIN, address text or payload; the
 * documents that extend the stay AND are valid on the exit date (kind,
 * number to match the document in hand, validity) — expired or future
 * ones are not shown; the OPEN violation cases (id, article, kind, state —
 * not their facts); the overstay, the lawful basis, the verdict and
 * reasons.
 *
 * Every check is recorded in the audit trail (action "exit_check", entity
 * "person", the person's id; the actor is the border account; the digest
 * of the verdict, exit date and person as "after"). The event is posted to
 * the service's group committer and written by its next group: the answer
 * does not wait for the disk, and a kill -9 loses the events still queued
 * (exit_check.c audit_check); a check whose event cannot be queued is not
 * answered (503).
 */
#ifndef QN_SERVICE_EXIT_CHECK_H
#define QN_SERVICE_EXIT_CHECK_H

#include "core/exitcheck.h"
#include "service/service.h"
#include "store/store.h"

typedef struct {
    qn_date_t arrival;
    qn_date_t received;
    char region[QN_STORE_REGION_MAX + 1];
    bool on_time;
    const char *source; /* "notification", "self_registration", "permit" (static) */
} qn_exit_place;

typedef struct {
    qn_date_t entry, exit;
    char checkpoint[QN_STORE_NAME_MAX + 1];
    qn_entry_notification notification;
    size_t first_place, n_places; /* slice of qn_exit_answer.places */
} qn_exit_entry;

typedef struct {
    char kind[QN_STORE_CODE_MAX + 1]; /* "visa", "permit", "extension_visa", "exit_visa" */
    char number[QN_STORE_NUMBER_MAX + 1];
    qn_date_t from, to;
} qn_exit_doc;

typedef struct {
    int64_t id;
    char kind[QN_STORE_CODE_MAX + 1];
    char article[QN_STORE_CODE_MAX + 1];
    char state[QN_STORE_CODE_MAX + 1];
} qn_exit_case;

typedef struct {
    int64_t person_id;
    char surname[QN_STORE_NAME_MAX + 1];
    char given_names[QN_STORE_NAME_MAX + 1];
    char citizenship[4];
    qn_date_t birth_date;
    qn_date_t exit_date;
    qn_exit_result result;
    qn_exit_entry *entries; /* n_entries, oldest first */
    size_t n_entries;
    qn_exit_place *places;
    size_t n_places;
    qn_exit_doc *docs;
    size_t n_docs;
    qn_exit_case *cases;
    size_t n_cases;
} qn_exit_answer;

/* The exit check of the foreigner holding the document (citizenship is the
 * issuing country, number) on exit_date (QN_DATE_NONE: today in
 * Kazakhstan). Errors: 403 for any role but border; 422 with fields
 * "citizenship", "document_number", "exit_date" (more than a year away from
 * today); 404 when no such document is on record; 409 (sub "not_present")
 * when the last crossing on record is an exit before exit_date or there is
 * no entry on record. Free the answer with qn_exit_answer_free. */
qn_code qn_svc_exit_check(qn_svc_ctx *ctx, const char *citizenship, const char *document_number,
                          qn_date_t exit_date, qn_exit_answer *out, qn_err *e);
void qn_exit_answer_free(qn_exit_answer *a);

#endif
