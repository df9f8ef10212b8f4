/* selfreg.h — self-registration of immigrants (MVD Order No. 923 of
 * 17 Nov 2025, in force 2026-07-01; kz_rules.md §0 and §2.6) and which
 * registration obligations apply to an entry.
 *
 * The rule: nationals of states with a stay regime of up to 90 days register
 * themselves in the migration police system (ИС МП) no later than the 30th
 * calendar day after the border crossing; the host (owner) confirms or
 * refuses in a mobile app; after a change of address they register at the
 * new address within 5 working days. Who is in scope is regime.h's question
 * (qn_regime_needs_self_registration); this module does not keep its own
 * country list.
 *
 * Choices (docs/control.md §Self-registration):
 *  - the crossing day is day 1, so the 30th day is entry + 29 (as the stay
 *    limits count, kz_rules.md §1.2, and as stay.h reports it);
 *  - the 5 working days after a change of address count the day of the
 *    change as day 1 when it is a working day (as deadline.h's default);
 *  - after 2026-07-01 the host's 3-working-day notification stays required
 *    in parallel (UNCONFIRMED, kz_rules.md §2.6: the stricter reading).
 *
 * Pure: no I/O, no allocation; thread-safe.
 */
#ifndef QN_SELFREG_H
#define QN_SELFREG_H

#include <stdbool.h>

#include "core/date.h"
#include "core/deadline.h"
#include "core/error.h"
#include "core/workflow.h"

#define QN_SELFREG_CALENDAR_DAYS 30         /* Order 923: no later than the 30th calendar day */
#define QN_SELFREG_READDRESS_WORKING_DAYS 5 /* Order 923: within 5 working days */

/* What applies to one entry. */
typedef struct {
    bool host_notification;    /* the host notifies within 3 working days (Decree 148 p. 9) */
    qn_date_t host_deadline;   /* its deadline (deadline.h), QN_DATE_NONE when not required */
    bool self_registration;    /* Order 923 applies to this entry */
    qn_date_t self_deadline;   /* entry + 29, QN_DATE_NONE when not required */
    bool parallel_unconfirmed; /* both apply and keeping both is UNCONFIRMED (§2.6) */
    bool regime_confirmed;     /* the citizenship's regime row is confirmed (regime.h) */
    const char *regime_name;   /* regime.h's machine name (static) */
} qn_selfreg_obligations;

/* The obligations for a citizen of `citizenship` who crossed the border on
 * `entry`. The host notification applies to every entry from 2020-01-11 (seed
 * 001, seed 004: "at each entry"; earlier entries fell under the passport
 * registration rules, not modelled); self-registration to entries on or after 2026-07-01 under
 * a 90-day regime. rule may be NULL (statutory deadline rule). Errors:
 * QN_E_INVALID with fields "citizenship", "entry". */
qn_code qn_selfreg_obligations_for(const char *citizenship, qn_date_t entry, const qn_deadline_rule *rule,
                                   qn_selfreg_obligations *out, qn_err *err);

/* The last day to register at a new address after moving on `changed_on`:
 * the 5th working day counting changed_on as day 1 if it is a working day
 * (calendar.h). */
qn_date_t qn_selfreg_readdress_deadline(qn_date_t changed_on);

typedef enum {
    QN_SELFREG_INITIAL = 0,   /* first registration after the border crossing */
    QN_SELFREG_ADDRESS_CHANGE /* registration at a new address */
} qn_selfreg_kind;

typedef enum { QN_HOST_PENDING = 0, QN_HOST_CONFIRMED, QN_HOST_REFUSED } qn_host_response;

typedef struct {
    const char *citizenship;
    qn_date_t entry; /* border crossing of the current stay */
    qn_selfreg_kind kind;
    qn_date_t changed_on;   /* address change: day of the move; else ignored */
    qn_date_t submitted_on; /* day the immigrant submitted */
    qn_host_response host;  /* the host's answer so far */
    bool data_false;        /* the checks found the entered data false */
    bool stay_violated;     /* the permitted stay is violated (overstay, see violation.h) */
} qn_selfreg_request;

typedef enum {
    QN_SELFREG_AWAIT_HOST = 0, /* valid so far; waiting for the host */
    QN_SELFREG_REGISTER,       /* the host confirmed and no ground for refusal: register */
    QN_SELFREG_REFUSE,         /* a ground for refusal by the authority */
    QN_SELFREG_DECLINED        /* the host refused */
} qn_selfreg_outcome;

typedef struct {
    qn_selfreg_outcome outcome;
    qn_refusal_reason reason; /* REFUSE: false_data or stay_limit_exceeded; DECLINED: host_refused */
    qn_app_event event;       /* the workflow event that carries it out (workflow.h, kind
                                 self_registration): host_confirm (register), host_refuse
                                 (declined), auto_fail by the system (refuse);
                                 QN_APP_EVENT_COUNT while awaiting the host */
    qn_date_t deadline;       /* the registration's deadline */
    bool is_late;             /* submitted after the deadline */
    int days_late;
} qn_selfreg_assessment;

/* "await_host", "register", "refuse", "declined"; "?" out of range. */
const char *qn_selfreg_outcome_name(qn_selfreg_outcome outcome);

/* Decides a self-registration (Order 923 grounds for refusal: false data,
 * violation of the permitted stay, refusal by the host — kz_rules.md §2.6).
 * The host's refusal is checked first (it ends the application as declined),
 * then false data, then the stay; otherwise the host's confirmation
 * registers. Submitting late is not a ground for refusal in the sources: the
 * registration goes ahead and is_late says so (the sanction for it is
 * UNCONFIRMED). Errors: QN_E_INVALID, sub "not_applicable" with field
 * "citizenship" or "entry" when Order 923 does not apply to the entry;
 * fields "submitted_on" (missing or before the entry / the move),
 * "changed_on" (missing or before the entry for an address change), "kind",
 * "host". */
qn_code qn_selfreg_assess(const qn_selfreg_request *req, qn_selfreg_assessment *out, qn_err *err);

#endif
