/* control_internal.h — what the stay-control services (crossing.c,
 * exit_check.c, violations.c, stay_service.c, reg_*.c of the stay kinds)
 * share and nobody else sees: a person's history read from the store (one
 * statement, store/control_history.c) and turned into the input of the
 * pure exit check (core/exitcheck.h).
 *
 * Trips come from the border crossings in date order: an entry opens a trip,
 * the next exit closes it; an exit with no open trip is ignored (it is
 * refused by the feed, but older data may hold one); an entry while a trip is
 * open closes that trip on the eve of the new entry (a missed exit record).
 * Ordinary visas come from the visas table; permits, extension visas and
 * exit visas from stay_documents.
 *
 * The places where the internal affairs bodies were informed of a stay
 * (the "notifications" the core judges) are, besides the notifications of
 * arrival: the self-registrations a host confirmed (MVD Order 923, entries
 * from 2026-07-01; judged by their own deadline, the 30th calendar day or 5
 * working days after a move), and, for a trip with neither, a temporary
 * residence permit covering it (seed 004 lists the notification of arrival
 * among the permit's documents, checked by the officer before the grant).
 * Detection (store/control.c) applies the same sources.
 */
#ifndef QN_SERVICE_CONTROL_INTERNAL_H
#define QN_SERVICE_CONTROL_INTERNAL_H

#include "core/exitcheck.h"
#include "store/store.h"

/* Where a place of stay was learnt from. */
typedef enum { QN_CTL_SRC_NOTIFICATION = 0, QN_CTL_SRC_SELF_REGISTRATION, QN_CTL_SRC_PERMIT } qn_ctl_source;

/* "notification", "self_registration", "permit". */
const char *qn_ctl_source_name(qn_ctl_source s);

typedef struct {
    qn_store_ctl_history rec; /* as read */
    /* derived, malloc'd */
    qn_trip *trips;
    int64_t *trip_crossing; /* crossing id of each trip's entry */
    char (*trip_checkpoint)[QN_STORE_NAME_MAX + 1];
    size_t n_trips;
    qn_ctl_notification *cn;  /* n_cn places of stay */
    unsigned char *cn_source; /* qn_ctl_source of each */
    size_t n_cn;
    qn_stay_period *permits;
    size_t n_permits;
    qn_ctl_visa *cvisas;
    size_t n_cvisas;
    qn_ctl_case *ccases;
    size_t n_ccases;
} qn_ctl_history;

/* Reads the person's history (notifications, open cases and confirmed
 * self-registrations only when `full`) and derives the trips, places and
 * documents. By id, or by document (country, number): QN_E_NOT_FOUND when
 * absent. Free with qn_ctl_history_free even on error. */
qn_code qn_ctl_history_load(qn_store_conn *c, int64_t person_id, bool full, qn_ctl_history *h, qn_err *e);
qn_code qn_ctl_history_load_doc(qn_store_conn *c, const char *country, const char *number, bool full,
                                qn_ctl_history *h, qn_err *e);
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

/* The stay of h on `on` with every document, as the exit check computes it
 * (qn_exit_stay), whether or not the person is present that day. trips:
 * the trips to judge (NULL: h's trips entered by `on`, ended ones keeping
 * their exit). The documents are those qn_ctl_history_input picks. */
qn_code qn_ctl_history_stay(qn_ctl_history *h, qn_date_t on, const qn_trip *trips, size_t n_trips,
                            qn_stay_result *out, qn_lawful_basis *basis, qn_err *e);

#endif
