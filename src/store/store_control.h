/* store_control.h — part of the store interface (store.h includes it;
 * include store.h, not this): the operations of stay control — documents
 * that extend a stay, the border-crossing feed, violations recorded,
 * re-assessed and decided, detection's candidates,
 * self-registrations (MVD Order No. 923), a person's history read in one
 * statement for the exit check, and the exit check's audit event
 * (src/store/control.c, control_history.c, control_selfreg.c; migrations
 * 004_control and 009_control). The conventions of store.h hold.
 */
#ifndef QN_STORE_CONTROL_H
#define QN_STORE_CONTROL_H

#include "store/store.h"

/* ------------------------------- stay control (ctlapi: src/store/control.c) */

/* A document that extends a stay: "permit" (temporary residence permit),
 * "extension_visa" (a visa issued in Kazakhstan to extend the stay) or
 * "exit_visa" (after a lost passport). (kind, number) is unique. The
 * applications service adds one when it grants it (application_id links
 * the grant; 0 for none). */
typedef struct {
    int64_t id;
    int64_t person_id;
    char kind[QN_STORE_CODE_MAX + 1];
    char number[QN_STORE_NUMBER_MAX + 1];
    qn_date_t valid_from;
    qn_date_t valid_to;
    int64_t application_id;
    int64_t created_at;
} qn_store_stay_document;

typedef struct {
    qn_store_stay_document *items;
    size_t count;
} qn_store_stay_document_list;

/* Inserts d (audited); sets id and created_at. Taken (kind, number): QN_E_CONFLICT. */
qn_code qn_store_stay_document_add(qn_store_conn *c, qn_store_stay_document *d, qn_err *err);
/* A person's documents, ordered by valid_from, id (at most 1000). */
qn_code qn_store_stay_document_list_person(qn_store_conn *c, int64_t person_id,
                                           qn_store_stay_document_list *out, qn_err *err);
void qn_store_stay_document_list_free(qn_store_stay_document_list *l);

/* Records a crossing with the region code of its checkpoint, unless the same
 * crossing (person, date, kind, checkpoint) is on record: then x->id and
 * x->created_at are the recorded ones and *created is false. Audited on
 * create. */
qn_code qn_store_crossing_record(qn_store_conn *c, qn_store_crossing *x, const char *region, bool *created,
                                 qn_err *err);

/* A notification of arrival as stay control reads it (one compact row). */
typedef struct {
    int64_t id;
    int64_t host_account_id;
    qn_date_t arrival_date;
    qn_date_t deadline;
    int64_t created_at;                   /* when it was received */
    char region[QN_STORE_REGION_MAX + 1]; /* region of the registered address, "" if unknown */
    char status[QN_STORE_CODE_MAX + 1];
} qn_store_ctl_notification;

typedef struct {
    qn_store_ctl_notification *items;
    size_t count;
} qn_store_ctl_notification_list;

/* The person's notifications that are not rejected or cancelled, by
 * arrival_date, id (at most max, 1..10000). */
qn_code qn_store_ctl_notifications_person(qn_store_conn *c, int64_t person_id, size_t max,
                                          qn_store_ctl_notification_list *out, qn_err *err);
void qn_store_ctl_notification_list_free(qn_store_ctl_notification_list *l);

/* The violations that concern a person: those with the person as subject
 * and those attached to the person's notifications; ordered by id, at most
 * 1000. */
qn_code qn_store_violation_list_person(qn_store_conn *c, int64_t person_id, qn_store_violation_list *out,
                                       qn_err *err);

/* Creates v unless a violation with the same dedup_key (1..128 bytes) exists:
 * then *created is false and v->id is the existing one. Audited on create. */
qn_code qn_store_violation_create_once(qn_store_conn *c, qn_store_violation *v, const char *dedup_key,
                                       bool *created, qn_err *err);

/* Filter of qn_store_violation_find: "" fields do not filter. Newest first. */
typedef struct {
    char region[QN_STORE_REGION_MAX + 1];
    char state[QN_STORE_CODE_MAX + 1];
    char kind[QN_STORE_CODE_MAX + 1]; /* "art517" or "art518" */
    int64_t offset;
    int64_t limit; /* 1..1000 (0 means 50) */
} qn_store_violation_filter;

qn_code qn_store_violation_find(qn_store_conn *c, const qn_store_violation_filter *f,
                                qn_store_violation_list *out, qn_err *err);

/* Counts grouped by kind, region and state. */
typedef struct {
    char kind[QN_STORE_CODE_MAX + 1];
    char region[QN_STORE_REGION_MAX + 1];
    char state[QN_STORE_CODE_MAX + 1];
    int64_t count;
} qn_store_violation_count;

typedef struct {
    qn_store_violation_count *items;
    size_t count;
} qn_store_violation_count_list;

qn_code qn_store_violation_counts(qn_store_conn *c, qn_store_violation_count_list *out, qn_err *err);
void qn_store_violation_count_list_free(qn_store_violation_count_list *l);

/* An entry crossing with no notification of arrival whose arrival falls
 * between the entry and the next exit (or today). */
typedef struct {
    int64_t crossing_id;
    int64_t person_id;
    qn_date_t day;
    qn_date_t next_exit; /* QN_DATE_NONE while present */
    char region[QN_STORE_REGION_MAX + 1];
} qn_store_ctl_entry;

typedef struct {
    qn_store_ctl_entry *items;
    size_t count;
} qn_store_ctl_entry_list;

/* Entries with from <= day <= to and id > after_id that have no
 * notification (any status but rejected/cancelled) with arrival in
 * [day, next exit or `to`], no temporary residence permit overlapping that
 * trip and, for entries from selfreg_from (the day self-registration came
 * into force), no confirmed self-registration with arrival in the trip; by
 * crossing id, at most limit (1..10000). */
qn_code qn_store_ctl_unnotified_entries(qn_store_conn *c, qn_date_t from, qn_date_t to, int64_t after_id,
                                        int64_t limit, qn_date_t selfreg_from, qn_store_ctl_entry_list *out,
                                        qn_err *err);
/* Entry crossings with from <= day <= to and id > after_id, by id, at most
 * limit (1..10000); next_exit is the first exit on or after the entry. */
qn_code qn_store_ctl_entries(qn_store_conn *c, qn_date_t from, qn_date_t to, int64_t after_id, int64_t limit,
                             qn_store_ctl_entry_list *out, qn_err *err);
void qn_store_ctl_entry_list_free(qn_store_ctl_entry_list *l);

/* Open art. 518 cases recorded by detection as missing ("art518m:<crossing
 * id>") whose entry now has a notification (it arrived late, and the
 * notification service recorded its own case) or (entries from
 * selfreg_from) a confirmed self-registration: their ids into ids (at most
 * cap, by id); *n receives the count. A permit granted later does not close
 * a case already open: the officer decides it. */
qn_code qn_store_ctl_superseded_missing(qn_store_conn *c, qn_date_t selfreg_from, int64_t *ids, size_t cap,
                                        size_t *n, qn_err *err);

/* For benchmarks: adds n_persons synthetic foreigners (surname "SYNTH",
 * documents "SY<n>" of their citizenship, qn_store_ctl_synth_citizenship),
 * three crossings each (entry, exit, entry; the first trip half before
 * 2020-01-11, the current one 1..46 days before today), one notification
 * each (of the host account, for the current trip; one in ten six days
 * late), permits for a share of the CIS citizens, visas for a share of the
 * visa-free visitors and open violation cases for 1 in 20, so that exit
 * checks answer clear, warn and stop (docs/control_api.md §Benchmark); with
 * INSERT ... SELECT in one transaction; one audit event ("synth_fill").
 * Only on an empty persons table (QN_E_CONFLICT otherwise). */
qn_code qn_store_ctl_synth_fill(qn_store_conn *c, int64_t n_persons, qn_date_t today, int64_t host_account_id,
                                qn_err *err);
/* The citizenship of synthetic person n (its document's country). */
const char *qn_store_ctl_synth_citizenship(int64_t n);

/* The query plans of the exit check's read (the one-statement history of
 * control_history.c) and of detection's missing-notification candidates,
 * one line per step, into out (cap bytes): EXPLAIN QUERY PLAN (SQLite) or
 * EXPLAIN (PostgreSQL); taken on the data as it is (the bench prints them
 * on the filled tables). */
qn_code qn_store_ctl_explain(qn_store_conn *c, char *out, size_t cap, qn_err *err);

/* ------------------------------------------ stay control, part 2 */

/* Updates the article, facts and fine of the OPEN violation with dedup_key
 * (detection re-assessing a case while it is open) when any of them
 * differs; *updated says whether it did (audited then). A violation that is
 * not open, or absent, is left alone (*updated false). */
qn_code qn_store_violation_refresh(qn_store_conn *c, const char *dedup_key, const char *article,
                                   const char *facts, int32_t fine_mci, int64_t fine_amount, int64_t now,
                                   bool *updated, qn_err *err);

/* Sets the state, article, fine and (when facts is not NULL) the facts of
 * violation id (an officer's decision; audited with the row before and
 * after). QN_E_NOT_FOUND when absent. */
qn_code qn_store_violation_decide(qn_store_conn *c, int64_t id, const char *state, const char *article,
                                  int32_t fine_mci, int64_t fine_amount, const char *facts, int64_t now,
                                  qn_err *err);

/* A self-registration (MVD Order No. 923). kind: "initial" or
 * "address_change". state: "awaiting_host", "confirmed", "refused".
 * document: the exact text the host signs to confirm. */
typedef struct {
    int64_t id;
    int64_t application_id;
    int64_t person_id;
    char kind[QN_STORE_CODE_MAX + 1];
    char host_iin_bin[QN_STORE_IIN_LEN + 1];
    char address_code[QN_STORE_NUMBER_MAX + 1];
    char region[QN_STORE_REGION_MAX + 1];
    qn_date_t arrival_date;
    qn_date_t stay_to;
    qn_date_t deadline;
    char state[QN_STORE_CODE_MAX + 1];
    char document[QN_STORE_TEXT_MAX + 1];
    int64_t signature_id; /* 0 until confirmed with a signature */
    int64_t created_at;
    int64_t decided_at;                   /* 0 while awaiting the host */
    char number[QN_STORE_NUMBER_MAX + 1]; /* the application's number (lists) */
} qn_store_selfreg;

typedef struct {
    qn_store_selfreg *items;
    size_t count;
} qn_store_selfreg_list;

/* Inserts r (audited); sets id and created_at. One per application. */
qn_code qn_store_selfreg_create(qn_store_conn *c, qn_store_selfreg *r, qn_err *err);
/* The self-registration of an application; QN_E_NOT_FOUND when none. */
qn_code qn_store_selfreg_by_application(qn_store_conn *c, int64_t application_id, qn_store_selfreg *out,
                                        qn_err *err);
/* Those awaiting the host iin_bin whose application still awaits the host,
 * oldest first (at most 200). */
qn_code qn_store_selfreg_pending_host(qn_store_conn *c, const char *host_iin_bin, qn_store_selfreg_list *out,
                                      qn_err *err);
/* Sets state ("confirmed" or "refused"), signature_id (0: none) and
 * decided_at of one awaiting the host (audited with the row before and
 * after); decided already: QN_E_CONFLICT (sub "already_decided"); no such
 * id: QN_E_NOT_FOUND; another state: QN_E_INVALID (field "state"). */
qn_code qn_store_selfreg_decide(qn_store_conn *c, int64_t id, const char *state, int64_t signature_id,
                                int64_t at, qn_err *err);
/* Ends the person's other confirmed self-registrations that run past
 * last_day (a change of address: Order 923 deregisters the old address):
 * their stay_to becomes last_day (at least their arrival day). Audited. */
qn_code qn_store_selfreg_end_before(qn_store_conn *c, int64_t person_id, int64_t except_id,
                                    qn_date_t last_day, qn_err *err);
void qn_store_selfreg_list_free(qn_store_selfreg_list *l);

/* A person's history for stay control, read in ONE statement (the exit
 * check's hot path, control_history.c): the person, their crossings (by day,
 * id), visas and stay documents (by valid_from, id), and with `full` also
 * their notifications of arrival that are not rejected or cancelled (by
 * arrival, id), the violation cases that are not closed (as subject, or
 * attached to their notifications; by id, without facts) and their
 * confirmed self-registrations (by arrival). Lists are capped (crossings
 * 10,000; notifications 4,000; the others 1,000); rows beyond are not kept. */
typedef struct {
    int64_t id;
    qn_date_t arrival_date;
    qn_date_t stay_to;
    qn_date_t deadline;
    int64_t decided_at;
    char region[QN_STORE_REGION_MAX + 1];
} qn_store_ctl_selfreg;

typedef struct {
    qn_store_person person;
    qn_store_crossing_list xs;
    qn_store_ctl_notification_list ns;
    qn_store_visa_list visas;
    qn_store_stay_document_list docs;
    qn_store_violation_list cases; /* id, kind, article, state, region only */
    qn_store_ctl_selfreg *selfregs;
    size_t n_selfregs;
} qn_store_ctl_history;

/* By the document (country, number): QN_E_NOT_FOUND when no such document. */
qn_code qn_store_ctl_history_by_document(qn_store_conn *c, const char *country, const char *number, bool full,
                                         qn_store_ctl_history *out, qn_err *err);
/* By person id: QN_E_NOT_FOUND when no such person. */
qn_code qn_store_ctl_history_by_person(qn_store_conn *c, int64_t person_id, bool full,
                                       qn_store_ctl_history *out, qn_err *err);
/* Frees the lists (accepts a zeroed struct). */
void qn_store_ctl_history_free(qn_store_ctl_history *h);

/* Appends the audit event of one exit check (action "exit_check", entity
 * "person", entity_id the person's id, after the digest of the answer; the
 * actor is the connection's) in the caller's transaction — the service
 * posts it to its group committer, so it is one savepoint of the next
 * group and as durable as that group's commit — or, outside a
 * transaction, in its own (fully durable). docs/control_api.md §Audit of
 * the exit check. */
qn_code qn_store_ctl_audit_check(qn_store_conn *c, const char *entity_id, const unsigned char *after,
                                 qn_err *err);

#endif
