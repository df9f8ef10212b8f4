/* control_internal.h — what the stay-control services (crossing.c,
 * exit_check.c, violations.c) share and nobody else sees: a person's
 * history read from the store and turned into the input of the pure exit
 * check (core/exitcheck.h).
 *
 * Trips come from the border crossings in date order: an entry opens a trip,
 * the next exit closes it; an exit with no open trip is ignored (it is
 * refused by the feed, but older data may hold one); an entry while a trip is
 * open closes that trip on the eve of the new entry (a missed exit record).
 * Ordinary visas come from the visas table; permits, extension visas and
 * exit visas from stay_documents (migration 002_control).
 */
#ifndef QN_SERVICE_CONTROL_INTERNAL_H
#define QN_SERVICE_CONTROL_INTERNAL_H

#include "core/exitcheck.h"
#include "store/store.h"

typedef struct {
    qn_store_person person;
    qn_store_crossing_list xs;
    qn_store_ctl_notification_list ns; /* empty unless loaded with notifications */
    qn_store_visa_list visas;
    qn_store_stay_document_list docs;
    qn_store_violation_list cases; /* empty unless loaded with cases */
    /* derived, malloc'd */
    qn_trip *trips;
    int64_t *trip_crossing; /* crossing id of each trip's entry */
    char (*trip_checkpoint)[QN_STORE_NAME_MAX + 1];
    size_t n_trips;
    qn_ctl_notification *cn;
    qn_stay_period *permits;
    size_t n_permits;
    qn_ctl_visa *cvisas;
    size_t n_cvisas;
    qn_ctl_case *ccases;
    size_t n_ccases;
} qn_ctl_history;

/* Reads the person's history (notifications and violation cases only when
 * `full`) and derives the trips and documents. Free with
 * qn_ctl_history_free even on error. */
qn_code qn_ctl_history_load(qn_store_conn *c, int64_t person_id, bool full, qn_ctl_history *h, qn_err *e);
void qn_ctl_history_free(qn_ctl_history *h);

/* Fills the exit-check input for exit_date from h, using the trips whose
 * entry is on or before exit_date and, when upto_trip >= 0, only the trips
 * up to that index. The latest trip is made open when it ends after
 * exit_date. *exit_visa receives the exit visa covering exit_date (or the
 * latest one); in points into h and exit_visa. Returns false when no trip
 * remains or the latest trip ended before exit_date (the person is not
 * present on record). */
bool qn_ctl_history_input(qn_ctl_history *h, qn_date_t exit_date, long upto_trip, qn_stay_period *exit_visa,
                          qn_exit_input *in);

#endif
