/* exitcheck.h — the border officer's one-call answer when a foreigner leaves.
 *
 * Given the person's history (trips, arrival notifications, permits, visas
 * and extensions, an exit visa after a lost passport, violation cases), the
 * exit check says for the exit date:
 *   - per entry, whether the host notified (on time, late, missing, pending);
 *   - whether the current stay is overstayed and by how many days, with the
 *     Art. 517 part 3 sanction tier it falls in (violation.h);
 *   - what made the stay lawful: the regime (or the visa) alone, a temporary
 *     residence permit, an extended visa, or an exit visa;
 *   - the count of open violation cases;
 *   - a verdict, clear / warn / stop, with the reasons as stable machine codes.
 *
 * How the "lawful because of" is found: the stay (stay.h) is computed four
 * times on the same history, adding one kind of document each time — first
 * the regime and the ordinary visa, then the TRPs, then the extension visas,
 * then the exit visa. The first computation without overstay names the
 * document that made the stay lawful. Each run is O(n log n), so the whole
 * check is O((n + m) log(n + m)) for n trips and m notifications.
 *
 * Verdict policy (docs/control.md §Exit check; a choice, the sources give
 * none): stop when the current stay is overstayed or the person has an open
 * overstay case (Art. 517 — the officer must draw up or settle the case);
 * warn for anything the officer should see but that does not hold the
 * traveller (the host's missing or late notifications and open host cases —
 * Art. 518 is the host's liability, seed 001 — an earlier breach in the
 * history, a stay limit that cannot be computed, an UNCONFIRMED regime);
 * clear otherwise.
 *
 * Pure: no I/O; allocates working memory inside stay.h and violation.h and
 * frees it before returning; thread-safe.
 */
#ifndef QN_EXITCHECK_H
#define QN_EXITCHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "core/date.h"
#include "core/error.h"
#include "core/stay.h"
#include "core/violation.h"

typedef enum {
    QN_VISA_ORDINARY = 0, /* the visa the person entered with (any category) */
    QN_VISA_EXTENSION     /* a visa issued in Kazakhstan to extend the stay (seed 001) */
} qn_ctl_visa_kind;

typedef struct {
    qn_date_t from, to; /* inclusive validity */
    qn_ctl_visa_kind kind;
} qn_ctl_visa;

/* A violation case of the person (as foreigner) or of one of their hosts. */
typedef struct {
    qn_violation_kind kind; /* overstay: the person's; host_notification: a host's */
    qn_vcase_state state;
} qn_ctl_case;

typedef struct {
    const char *citizenship; /* ISO 3166-1 alpha-3; "XXA" stateless */
    qn_date_t exit_date;     /* the day of leaving (today at the border) */
    const qn_trip *trips;    /* the latest must be open or end on exit_date */
    size_t n_trips;
    const qn_ctl_notification *notifications;
    size_t n_notifications;
    const qn_stay_period *permits; /* TRP periods */
    size_t n_permits;
    const qn_ctl_visa *visas; /* ordinary visas and extensions */
    size_t n_visas;
    const qn_stay_period *exit_visa; /* NULL when none */
    const qn_ctl_case *cases;
    size_t n_cases;
} qn_exit_input;

typedef enum {
    QN_LAWFUL_REGIME = 0,    /* within the regime's limits or the ordinary visa */
    QN_LAWFUL_PERMIT,        /* only thanks to a temporary residence permit */
    QN_LAWFUL_EXTENDED_VISA, /* only thanks to an extension visa */
    QN_LAWFUL_EXIT_VISA,     /* only thanks to an exit visa (lost passport) */
    QN_LAWFUL_NOT            /* overstayed even with every document */
} qn_lawful_basis;

typedef enum { QN_EXIT_CLEAR = 0, QN_EXIT_WARN, QN_EXIT_STOP } qn_exit_verdict;

/* Reasons, as bit positions of qn_exit_result.reasons. Names are stable. */
typedef enum {
    QN_EXR_OVERSTAY = 0,         /* "overstay" (stop) */
    QN_EXR_OPEN_OVERSTAY_CASE,   /* "open_overstay_case" (stop) */
    QN_EXR_NOTIFICATION_MISSING, /* "notification_missing" (warn) */
    QN_EXR_NOTIFICATION_LATE,    /* "notification_late" (warn) */
    QN_EXR_OPEN_HOST_CASE,       /* "open_host_case" (warn) */
    QN_EXR_EARLIER_BREACH,       /* "earlier_breach" (warn): an unlawful day before this entry */
    QN_EXR_STAY_LIMIT_UNKNOWN,   /* "stay_limit_unknown" (warn): visa regime, no visa given */
    QN_EXR_REGIME_UNCONFIRMED,   /* "regime_unconfirmed" (warn) */
    QN_EXR_COUNT
} qn_exit_reason;

typedef struct {
    qn_exit_verdict verdict;
    unsigned reasons; /* bit r set for reason r */
    qn_lawful_basis lawful_because;
    int overstay_days;         /* of the current stay, with every document; 0 when lawful */
    qn_date_t last_lawful_day; /* with every document; QN_DATE_NONE when unknown */
    bool has_overstay_sanction;
    qn_sanction overstay_sanction; /* Art. 517 part 3 tier when overstayed */
    size_t open_cases;             /* cases not closed */
    size_t entries_missing;        /* entries whose notification is missing */
    size_t entries_late;           /* entries whose first notification was late */
    qn_stay_result stay;           /* the stay with every document */
} qn_exit_result;

const char *qn_lawful_basis_name(qn_lawful_basis basis);   /* "regime", "permit", ... , "not" */
const char *qn_exit_verdict_name(qn_exit_verdict verdict); /* "clear", "warn", "stop" */
const char *qn_exit_reason_name(qn_exit_reason reason);    /* see the enum; "?" out of range */

/* The exit check. entries_out, when not NULL, receives n_trips elements:
 * the notification status of trips[i] as of exit_date (violation.h). Entries
 * before 2020-01-11 (host notification introduced, seed 001) are reported
 * but never give a reason. Errors: QN_E_INVALID with fields "citizenship",
 * "exit_date", "trips" (none, or the latest neither open nor ending on
 * exit_date), "permits[i]", "visas[i]", "exit_visa", "cases[i]", and those of stay.h and
 * qn_ctl_check_notifications; QN_E_TOO_LARGE when permits + visas + the exit
 * visa exceed QN_STAY_MAX_PERMITS; QN_E_NOMEM. */
qn_code qn_exit_check(const qn_exit_input *in, qn_entry_notification *entries_out, qn_exit_result *out,
                      qn_err *err);

/* The stay on `on` (stay.h's result) with every document of in, as
 * qn_exit_check computes it, without the notification checks: for a
 * person's stay on any day (GET /api/v1/stay), so that it agrees with the
 * exit check. in->exit_date, notifications and cases are ignored; the trips
 * may all have ended before `on`. *basis: what made the stay lawful (as in
 * qn_exit_result). Errors: QN_E_INVALID ("citizenship", "on", and those of
 * stay.h); QN_E_TOO_LARGE over QN_STAY_MAX_PERMITS documents. */
qn_code qn_exit_stay(const qn_exit_input *in, qn_date_t on, qn_stay_result *out, qn_lawful_basis *basis,
                     qn_err *err);

#endif