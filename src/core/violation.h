/* violation.h — stay-control violations: fines, their state, their detection.
 *
 * Three things live here, all pure:
 *
 *  1. The monthly calculation index (MCI, МРП) as a table with effective
 *     dates, and the sanction tables of the Code of Administrative Offences
 *     (CAO) No. 235-V of 5 Jul 2014 that qonaq applies: Art. 518 (the host
 *     fails to inform the internal affairs bodies in time of a foreigner
 *     staying with it) and Art. 517 part 3 (a foreigner does not leave after
 *     the permitted period). The data is in fines_kz.c; every row carries its
 *     source and whether the amount is confirmed (kz_rules.md §1.3, §2.4,
 *     §2.5). qn_violation_assess turns the facts of one case into the article,
 *     part and sanction.
 *
 *  2. The life of a violation case: open -> fined -> closed, or open ->
 *     closed with a reason (warning issued, dismissed). Transitions and the
 *     roles that may make them are one table in violation.c, refused like the
 *     application workflow refuses (QN_E_CONFLICT "illegal_transition",
 *     QN_E_FORBIDDEN "wrong_actor"); roles are workflow.h's qn_actor_role.
 *
 *  3. Detection: which entries were notified on time, late, or not at all as
 *     of a day, and how many days a stay is overstayed (through stay.h).
 *     Inputs are plain arrays of structs; cost O((n + m) log(n + m)).
 *
 * Choice (docs/control.md §MCI): a fine is converted to tenge with the MCI in
 * force on the date of the offence. The sources we hold do not say which
 * date the CAO uses (UNCONFIRMED); qn_mci_on lets a service apply another
 * date if the law is found to say otherwise.
 *
 * Pure: no I/O, no global mutable state; thread-safe. Only the detection
 * functions allocate (working memory, freed before they return).
 */
#ifndef QN_VIOLATION_H
#define QN_VIOLATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "core/deadline.h"
#include "core/error.h"
#include "core/stay.h"
#include "core/workflow.h"

/* ---- MCI -------------------------------------------------------------------- */

typedef struct {
    qn_date_t from; /* first day in force (inclusive) */
    qn_date_t to;   /* last day in force (inclusive) */
    int64_t kzt;    /* tenge per MCI */
    bool confirmed;
    const char *source;
} qn_mci_row;

/* The MCI table, sorted by date, without gaps between rows; *n receives its
 * length. Static; never NULL. */
const qn_mci_row *qn_mci_table(size_t *n);

/* The MCI in force on `date` in *kzt. Returns false (and leaves *kzt alone)
 * when the table does not cover the date: before 2024-01-01 (earlier values
 * are not in our sources) or after the last row (2026-12-31) until the next
 * budget law's value is added. */
bool qn_mci_on(qn_date_t date, int64_t *kzt);

/* ---- sanctions ------------------------------------------------------------- */

typedef enum {
    QN_VIOL_HOST_NOTIFICATION = 0, /* CAO Art. 518: host did not inform in time (late or missing) */
    QN_VIOL_OVERSTAY,              /* CAO Art. 517 part 3: foreigner did not leave in time */
    QN_VIOL_KIND_COUNT
} qn_violation_kind;

/* Who the host is, for the amounts of Art. 518 part 1. */
typedef enum {
    QN_HOST_INDIVIDUAL = 0,
    QN_HOST_OFFICIAL,       /* an official (должностное лицо) */
    QN_HOST_SMALL_BUSINESS, /* small business, incl. individual entrepreneurs */
    QN_HOST_NPO,            /* non-profit organisation */
    QN_HOST_MEDIUM_BUSINESS,
    QN_HOST_LARGE_BUSINESS,
    QN_HOST_KIND_COUNT
} qn_host_kind;

typedef enum {
    QN_SANCTION_WARNING = 0, /* предупреждение */
    QN_SANCTION_FINE         /* a fine in MCI */
} qn_sanction_kind;

/* The facts of one case. Which fields matter depends on the kind. */
typedef struct {
    qn_violation_kind kind;
    qn_date_t offence_date; /* the day the offence was committed (the day after the deadline,
                               or the first unlawful day); selects the MCI */
    qn_host_kind host_kind; /* host notification only */
    int days_late;          /* host notification: days past the deadline (>= 1), for the record */
    int overstay_days;      /* overstay only: days stayed after the last lawful day (>= 1) */
    bool is_repeat;         /* the same offence again within one year after a sanction */
} qn_violation_facts;

typedef struct {
    int article; /* 517 or 518 */
    int part;    /* 1, 3, ... */
    qn_sanction_kind sanction;
    int fine_mci;            /* 0 for a warning */
    bool mci_known;          /* the MCI of offence_date is in the table */
    int64_t mci_kzt;         /* the MCI used; 0 when unknown */
    int64_t amount_kzt;      /* fine_mci * mci_kzt; 0 for a warning or an unknown MCI */
    bool confirmed;          /* false: the amount is UNCONFIRMED in our sources (a model) */
    bool expulsion_possible; /* the tier may carry expulsion by a court (UNCONFIRMED) */
    const char *code;        /* stable machine code of the tier: "art518_p1_small_business" */
    const char *source;      /* citation of the row */
} qn_sanction;

/* One row of the sanction table (fines_kz.c). A row matches the facts when
 * kind and is_repeat are equal, host_kind is -1 or equal (host rows), and
 * the overstay days fall in min_days..max_days (max_days 0 = no upper bound;
 * overstay rows). The first matching row wins. */
typedef struct {
    qn_violation_kind kind;
    int article;
    int part;
    bool is_repeat;
    int host_kind;          /* qn_host_kind, or -1 for any */
    int min_days, max_days; /* overstay tiers; 0, 0 for host rows */
    qn_sanction_kind sanction;
    int fine_mci;
    bool confirmed;
    bool expulsion_possible;
    const char *code;
    const char *source;
} qn_fine_row;

/* The sanction table (static, never NULL); *n receives its length. */
const qn_fine_row *qn_fine_table(size_t *n);

/* Names: "host_notification", "overstay"; "individual", "official",
 * "small_business", "npo", "medium_business", "large_business"; "warning",
 * "fine". "?" when out of range. Parsers read an exact name of len bytes. */
const char *qn_violation_kind_name(qn_violation_kind kind);
bool qn_violation_kind_parse(const char *s, size_t len, qn_violation_kind *out);
const char *qn_host_kind_name(qn_host_kind kind);
bool qn_host_kind_parse(const char *s, size_t len, qn_host_kind *out);
const char *qn_sanction_kind_name(qn_sanction_kind kind);

/* The sanction for the facts (data in fines_kz.c):
 *   Art. 518 part 1: individual -> warning; official, small business, NPO ->
 *   10 MCI; medium -> 15; large -> 20 (confirmed). Repeat within a year
 *   (part 3): amounts UNCONFIRMED (confirmed = false).
 *   Art. 517 part 3: 1..3 days -> warning; 4..5 -> 10 MCI (confirmed);
 *   6..10 -> 15 MCI and 11 or more -> 20 MCI with expulsion possible (both
 *   UNCONFIRMED). A repeat overstay keeps the tier but is marked unconfirmed
 *   (the part on repetition is not in our sources).
 * Errors: QN_E_INVALID with fields "kind", "host_kind", "days_late",
 * "overstay_days" (must be 1..36500), "offence_date" (must be a date). An
 * MCI missing from the table is not an error: mci_known = false. */
qn_code qn_violation_assess(const qn_violation_facts *facts, qn_sanction *out, qn_err *err);

/* ---- the case ------------------------------------------------------------ */

typedef enum {
    QN_VCASE_OPEN = 0, /* recorded, no decision yet */
    QN_VCASE_FINED,    /* a fine was imposed and is unpaid */
    QN_VCASE_CLOSED,   /* final */
    QN_VCASE_STATE_COUNT
} qn_vcase_state;

typedef enum {
    QN_VCASE_EV_FINE = 0, /* impose the assessed fine: open -> fined */
    QN_VCASE_EV_WARN,     /* issue a warning: open -> closed (warning_issued) */
    QN_VCASE_EV_DISMISS,  /* no offence or no liability: open -> closed (dismissed) */
    QN_VCASE_EV_PAY,      /* the fine was paid: fined -> closed (paid) */
    QN_VCASE_EV_ANNUL,    /* the fine is annulled on appeal: fined -> closed (annulled) */
    QN_VCASE_EVENT_COUNT
} qn_vcase_event;

typedef enum {
    QN_VCLOSE_NONE = 0, /* not closed */
    QN_VCLOSE_WARNING_ISSUED,
    QN_VCLOSE_DISMISSED,
    QN_VCLOSE_PAID,
    QN_VCLOSE_ANNULLED,
    QN_VCLOSE_COUNT
} qn_vcase_close_reason;

/* Stable names: "open", "fined", "closed"; "fine", "warn", "dismiss",
 * "pay", "annul"; "none", "warning_issued", "dismissed", "paid",
 * "annulled". "?" when out of range. */
const char *qn_vcase_state_name(qn_vcase_state state);
bool qn_vcase_state_parse(const char *s, size_t len, qn_vcase_state *out);
const char *qn_vcase_event_name(qn_vcase_event event);
bool qn_vcase_event_parse(const char *s, size_t len, qn_vcase_event *out);
const char *qn_vcase_close_reason_name(qn_vcase_close_reason reason);

/* Applies event made by role to a case in state from. Table:
 *   open  fine    officer|senior_officer -> fined
 *   open  warn    officer|senior_officer -> closed (warning_issued)
 *   open  dismiss officer|senior_officer -> closed (dismissed)
 *   fined pay     officer|senior_officer|system -> closed (paid)
 *   fined annul   senior_officer -> closed (annulled)
 * sanction, when not NULL, is the assessed sanction and must agree: fine
 * needs a fine, warn needs a warning (QN_E_CONFLICT, sub
 * "sanction_mismatch"). On QN_OK sets *to and *reason (either may be NULL).
 * Errors: QN_E_INVALID (enum out of range, sub "invalid_enum"), QN_E_CONFLICT
 * (no such transition from the state, sub "illegal_transition"),
 * QN_E_FORBIDDEN (the role may not, sub "wrong_actor"). */
qn_code qn_vcase_transition(qn_vcase_state from, qn_vcase_event event, qn_actor_role role,
                            const qn_sanction *sanction, qn_vcase_state *to, qn_vcase_close_reason *reason,
                            qn_err *err);

/* ---- detection ------------------------------------------------------------- */

#define QN_CTL_MAX_NOTIFICATIONS 4000
#define QN_CTL_REGION_MAX 64

/* One arrival notification as the control layer sees it. */
typedef struct {
    qn_date_t arrival;              /* day of arrival at the place of stay */
    qn_date_t deadline;             /* last day to notify; QN_DATE_NONE: computed from arrival (deadline.h) */
    qn_date_t received;             /* day the police received it; QN_DATE_NONE: not received */
    char region[QN_CTL_REGION_MAX]; /* address region (KATO or name); informational */
} qn_ctl_notification;

typedef enum {
    QN_NOTIFY_ON_TIME = 0, /* the entry's first place was notified by its deadline */
    QN_NOTIFY_LATE,        /* notified, after the deadline */
    QN_NOTIFY_MISSING,     /* nothing received and the deadline has passed */
    QN_NOTIFY_PENDING      /* nothing received yet, the deadline has not passed */
} qn_notify_status;

/* "on_time", "late", "missing", "pending"; "?" out of range. */
const char *qn_notify_status_name(qn_notify_status status);

/* Per entry (trip), what the notifications say. */
typedef struct {
    qn_notify_status status;
    qn_date_t deadline;   /* deadline of the first notification, or of the entry day when none */
    int days_late;        /* late: received - deadline; missing: as_of - deadline; else 0 */
    size_t n_places;      /* notifications received by as_of within the trip (places of stay) */
    size_t n_late_places; /* of those, received after their own deadline */
    long first;           /* caller's index of the first notification, -1 when none */
} qn_entry_notification;

/* Late when received after the deadline (deadline.h: the deadline day itself
 * is in time). A notification with QN_DATE_NONE deadline gets the statutory
 * deadline of its arrival. A notification not received is not late (it is
 * missing, see qn_ctl_check_notifications). */
bool qn_ctl_notification_is_late(const qn_ctl_notification *notification);

/* For each trip (out[i] for trips[i], in the caller's order) as of the day
 * as_of: the notifications received by as_of whose arrival falls within the
 * trip (entry .. exit, or entry .. as_of for an open trip) are the places of
 * stay; the earliest by arrival decides the status (on time / late by its own
 * deadline); with none, the entry is missing once as_of is past the deadline
 * of the entry day, else pending. Notifications outside every trip and those
 * received after as_of are ignored. rule may be NULL (statutory rule).
 * trips must not overlap (stay.h's rules; not re-checked here beyond
 * exit >= entry). Errors: QN_E_INVALID with fields "trips[i]",
 * "notifications[j]" (arrival missing, received before arrival), "as_of";
 * QN_E_TOO_LARGE over QN_STAY_MAX_TRIPS or QN_CTL_MAX_NOTIFICATIONS;
 * QN_E_NOMEM. Cost O((n + m) log(n + m)). */
qn_code qn_ctl_check_notifications(const qn_trip *trips, size_t n_trips,
                                   const qn_ctl_notification *notifications, size_t n_notifications,
                                   qn_date_t as_of, const qn_deadline_rule *rule, qn_entry_notification *out,
                                   qn_err *err);

/* The overstay of the latest trip as of in->on, considering permits and visas
 * as stay.h does: *days (0 when lawful) and *first_unlawful (the day after the
 * last lawful day, QN_DATE_NONE when not overstayed). Errors: those of
 * qn_stay_compute. */
qn_code qn_ctl_overstay(const qn_stay_input *in, int *days, qn_date_t *first_unlawful, qn_err *err);

#endif
