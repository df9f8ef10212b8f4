/* workflow.h — the life of an application, as one explicit state machine per kind.
 *
 * An application (registration of a foreigner by a host, temporary registration
 * of a citizen, a residence permit, ...) moves between states by events. For
 * every kind there is one table, written in workflow.c so that it reads like the
 * law: from a state, an event, made by one of the allowed roles, leads to the
 * next state and sends one notice to the applicant's History of Services. Any
 * (state, event) pair missing from the kind's table is refused with
 * QN_E_CONFLICT (sub code "illegal_transition"); a pair in the table made by a
 * role the table does not allow is refused with QN_E_FORBIDDEN (sub code
 * "wrong_actor"). The administrator may never decide a case.
 *
 * What the core does NOT do: keep the application, count consents, know who the
 * persons are, read the clock or the calendar. The service layer stores the
 * state, fires the system events (e.g. all_consents_in once every owner has
 * signed, expire when a draft is stale), checks that the person acting holds the
 * role (that this officer belongs to the region, that the senior officer deciding
 * an appeal is not the one who refused), and computes deadlines with the
 * calendar from the terms given here. See docs/workflow.md.
 *
 * Every enum has stable machine names (the API's words) and a parser; names
 * never change once published. Pure: no I/O, no allocation, no global mutable
 * state; thread-safe.
 */
#ifndef QN_WORKFLOW_H
#define QN_WORKFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "core/error.h"

/* The services an application can be for (seeds 000-004). */
typedef enum {
    QN_APP_FOREIGNER_TEMPORARY = 0, /* host registers a foreigner temporarily staying (seed 000) */
    QN_APP_CITIZEN_TEMPORARY,       /* temporary registration of a citizen at a residence (seed 002) */
    QN_APP_PERMANENT_RESIDENT,      /* registration of permanent residents and refugees (seed 003) */
    QN_APP_TRP,                     /* temporary residence permit (seeds 001, 004) */
    QN_APP_VISA_EXTENSION,          /* extension of stay by a visa (seed 001) */
    QN_APP_LOST_PASSPORT,           /* certificate of loss of a passport (seed 001) */
    QN_APP_EXIT_VISA,               /* exit visa after a lost passport (seed 001) */
    QN_APP_SELF_REGISTRATION,       /* self-registration of a foreigner, from 2026-07-01 (MVD Order 923) */
    QN_APP_KIND_COUNT
} qn_app_kind;

typedef enum {
    QN_APP_DRAFT = 0,          /* being filled in; nothing sent */
    QN_APP_AWAITING_CONSENTS,  /* signed by the applicant; owners' consents being collected */
    QN_APP_AWAITING_HOST,      /* self-registration: waiting for the host to confirm */
    QN_APP_SUBMITTED,          /* received by the authority, in the queue */
    QN_APP_AUTO_CHECK,         /* the automatic check is running */
    QN_APP_IN_REVIEW,          /* with an officer */
    QN_APP_REGISTERED,         /* positive result of a registration kind (final) */
    QN_APP_GRANTED,            /* positive result of a permit, visa or certificate (final) */
    QN_APP_REFUSED,            /* reasoned refusal; may be appealed */
    QN_APP_APPEALED,           /* the applicant appealed the refusal; with a senior officer */
    QN_APP_UPHELD,             /* the refusal was upheld on appeal (final) */
    QN_APP_DECLINED,           /* an owner refused consent or the host refused (final) */
    QN_APP_WITHDRAWN,          /* withdrawn by the applicant before a decision (final) */
    QN_APP_EXPIRED,            /* never completed in time (final) */
    QN_APP_STATE_COUNT
} qn_app_state;

typedef enum {
    QN_APP_EV_SUBMIT = 0,         /* applicant signs and sends */
    QN_APP_EV_CONSENT_GIVEN,      /* one owner or co-owner signs consent */
    QN_APP_EV_CONSENT_REFUSED,    /* one owner or co-owner refuses */
    QN_APP_EV_ALL_CONSENTS_IN,    /* the system sees every required consent signed */
    QN_APP_EV_HOST_CONFIRM,       /* the host confirms a self-registration */
    QN_APP_EV_HOST_REFUSE,        /* the host refuses a self-registration */
    QN_APP_EV_START_CHECK,        /* the system starts the automatic check */
    QN_APP_EV_AUTO_PASS,          /* the automatic check registers */
    QN_APP_EV_AUTO_FAIL,          /* the automatic check refuses */
    QN_APP_EV_ROUTE_TO_OFFICER,   /* the automatic check cannot decide */
    QN_APP_EV_TAKE,               /* an officer takes the application from the queue */
    QN_APP_EV_REGISTER,           /* an officer registers */
    QN_APP_EV_GRANT,              /* an officer grants a permit, visa or certificate */
    QN_APP_EV_REFUSE,             /* an officer refuses, with a reason */
    QN_APP_EV_APPEAL,             /* the applicant appeals a refusal, with grounds */
    QN_APP_EV_UPHOLD,             /* a senior officer upholds the refusal */
    QN_APP_EV_OVERTURN,           /* a senior officer overturns it: back to review */
    QN_APP_EV_WITHDRAW,           /* the applicant withdraws before a decision */
    QN_APP_EV_EXPIRE,             /* the system closes an application left incomplete */
    QN_APP_EVENT_COUNT
} qn_app_event;

/* Who acts. A role is what the person is for THIS application. */
typedef enum {
    QN_ACTOR_APPLICANT = 0,  /* the one who applies (a host for a foreigner; see docs) */
    QN_ACTOR_CO_SIGNER,      /* a consenting owner or co-owner, or the confirming host */
    QN_ACTOR_SYSTEM,         /* the automatic checks and timers of qonaq itself */
    QN_ACTOR_OFFICER,        /* an officer of the territorial subdivision */
    QN_ACTOR_SENIOR_OFFICER, /* decides appeals; may also do an officer's work */
    QN_ACTOR_ADMINISTRATOR,  /* runs the system; never decides a case */
    QN_ACTOR_COUNT
} qn_actor_role;

/* Who acts for the applicant (seed 002, seed 003: legal representatives of
 * children and of persons adjudged incapable, or a trustee with a notarised
 * power of attorney, each presenting documents confirming the authority). */
typedef enum {
    QN_REP_SELF = 0,
    QN_REP_LEGAL_REP_CHILD,     /* parent or guardian of a child */
    QN_REP_LEGAL_REP_INCAPABLE, /* guardian of a person adjudged incapable */
    QN_REP_TRUSTEE_NOTARISED,   /* trustee with a notarised power of attorney */
    QN_REP_COUNT
} qn_app_representation;

/* What a notice in the History of Services is about. */
typedef enum {
    QN_NOTICE_RECEIVED = 0,     /* the application was received */
    QN_NOTICE_PROGRESS,         /* a step happened (check started, taken, consent received) */
    QN_NOTICE_ACTION_REQUIRED,  /* someone else must sign or confirm */
    QN_NOTICE_APPROVED,         /* registration notice, permit, visa or certificate */
    QN_NOTICE_REFUSAL,          /* reasoned refusal (seed 000: "notification about refusal") */
    QN_NOTICE_APPEAL_RECEIVED,
    QN_NOTICE_APPEAL_UPHELD,
    QN_NOTICE_APPEAL_OVERTURNED,
    QN_NOTICE_CLOSED,           /* declined, withdrawn or expired */
    QN_NOTICE_KIND_COUNT
} qn_notice_kind;

/* Machine reasons of a refusal (or of a decline), each with an English label. */
typedef enum {
    QN_REASON_INCOMPLETE_DOCUMENTS = 0, /* seed 003: incomplete documents are rejected */
    QN_REASON_INVALID_DOCUMENT,
    QN_REASON_STAY_LIMIT_EXCEEDED,
    QN_REASON_DUPLICATE_REGISTRATION,
    QN_REASON_FALSE_DATA,
    QN_REASON_HOST_REFUSED,
    QN_REASON_OWNER_REFUSED,
    QN_REASON_NOT_ELIGIBLE,
    QN_REASON_OTHER, /* needs a written reason */
    QN_REASON_COUNT
} qn_refusal_reason;

#define QN_APP_NOTICE_KEY_MAX 64

/* The notice a transition sends: its kind and a text key "<kind>.<what>"
 * (e.g. "foreigner_temporary.registered") that the portal translates. */
typedef struct {
    qn_notice_kind kind;
    char text_key[QN_APP_NOTICE_KEY_MAX];
} qn_app_notice;

/* One row of a kind's table. roles is a bit set: bit r is set when role r may
 * make the transition (QN_ACTOR_BIT(r)). Strings are static. */
#define QN_ACTOR_BIT(role) (1u << (unsigned)(role))
typedef struct {
    qn_app_state from;
    qn_app_event event;
    unsigned roles;
    qn_app_state to;
    qn_notice_kind notice;
    const char *notice_what; /* the part of the text key after "<kind>." */
    const char *source;      /* the rule this row follows */
} qn_app_rule;

/* --- names (stable machine names) and parsing ----------------------------
 * *_name returns a static string, or "?" for a value out of range.
 * *_parse reads an exact machine name (case-sensitive, at most len bytes,
 * s need not be NUL-terminated); returns false for anything else, leaving
 * *out unchanged. s may be NULL (then false). */
const char *qn_app_kind_name(qn_app_kind kind);
bool qn_app_kind_parse(const char *s, size_t len, qn_app_kind *out);
const char *qn_app_state_name(qn_app_state state);
bool qn_app_state_parse(const char *s, size_t len, qn_app_state *out);
const char *qn_app_event_name(qn_app_event event);
bool qn_app_event_parse(const char *s, size_t len, qn_app_event *out);
const char *qn_actor_role_name(qn_actor_role role);
bool qn_actor_role_parse(const char *s, size_t len, qn_actor_role *out);
const char *qn_app_representation_name(qn_app_representation rep);
bool qn_app_representation_parse(const char *s, size_t len, qn_app_representation *out);
const char *qn_notice_kind_name(qn_notice_kind kind);
bool qn_notice_kind_parse(const char *s, size_t len, qn_notice_kind *out);
const char *qn_refusal_reason_name(qn_refusal_reason reason);
bool qn_refusal_reason_parse(const char *s, size_t len, qn_refusal_reason *out);

/* The service's English title ("Registration of a foreigner temporarily
 * staying"); "?" if out of range. */
const char *qn_app_kind_title(qn_app_kind kind);

/* An English label for a refusal reason ("Documents are incomplete"); "?" if
 * out of range. */
const char *qn_refusal_reason_label(qn_refusal_reason reason);

/* --- the state machine ---------------------------------------------------- */

/* The state a new application of this kind starts in (always QN_APP_DRAFT
 * today; asked for so that callers do not assume it). */
qn_app_state qn_app_initial_state(qn_app_kind kind);

/* True for states no event leaves: registered, granted, upheld, declined,
 * withdrawn, expired. (Refused is not final: it may be appealed.) */
bool qn_app_state_is_final(qn_app_state state);

/* True while the authority owes a decision: submitted, auto_check, in_review,
 * appealed. Only these can be overdue. */
bool qn_app_state_is_pending(qn_app_state state);

/* Whether a service exists on a date: self-registration only from 2026-07-01
 * (MVD Order No. 923 of 17 Nov 2025); permanent_resident from 2024-03-16
 * (seed 003: the updated MVD Rules come into effect on March 16, 2024); the
 * others always. */
bool qn_app_kind_available_on(qn_app_kind kind, qn_date_t date);

/* Applies event, made by role, to an application of kind in state from.
 * On QN_OK sets *to and fills *notice (either may be NULL). Errors (err may be
 * NULL; *to and *notice untouched on error):
 *   QN_E_INVALID   kind, state, event or role out of range (sub "invalid_enum");
 *   QN_E_CONFLICT  the kind's table has no such (state, event): message
 *                  "cannot register an application that is awaiting consents",
 *                  sub "illegal_transition";
 *   QN_E_FORBIDDEN the pair is allowed but not for this role (sub "wrong_actor"). */
qn_code qn_app_transition(qn_app_kind kind, qn_app_state from, qn_app_event event,
                          qn_actor_role role, qn_app_state *to, qn_app_notice *notice, qn_err *err);

/* The events role may make on an application of kind in state, in the order of
 * the enum (for the buttons a UI shows). Writes at most max of them to out
 * (out may be NULL when max is 0) and returns how many there are in all, so a
 * return above max means out was too small. Out-of-range input gives 0. */
size_t qn_app_allowed_events(qn_app_kind kind, qn_app_state state, qn_actor_role role,
                             qn_app_event *out, size_t max);

/* The kind's table (static, never NULL for a valid kind) and its length in *n;
 * NULL and *n = 0 for an out-of-range kind. For documentation and tooling. */
const qn_app_rule *qn_app_rules(qn_app_kind kind, size_t *n);

/* --- signatures and consents --------------------------------------------- */

/* Who must sign for an application of a kind to go ahead. */
typedef struct {
    bool applicant_signs;  /* the applicant signs the application (EDS or one-time code) */
    bool owners_consent;   /* every owner other than the applicant consents (co_signer) */
    bool host_confirms;    /* the host confirms (co_signer) */
} qn_app_signatures;

/* The signatures a kind needs: every kind is signed by its applicant;
 * citizen_temporary also needs the owners' consents (seed 002);
 * self_registration the host's confirmation (Order 923). Out of range: all false. */
qn_app_signatures qn_app_required_signatures(qn_app_kind kind);

/* How many owners' consents a citizen_temporary application needs: one from
 * each of the n_owners registered owners of the housing except the applicant
 * (seed 002: the owner's consent "if applicant is not the owner", co-owners'
 * "if applicant is not the only owner"). With applicant_is_owner and
 * n_owners == 0 (inconsistent) returns 0. */
size_t qn_app_consents_required(size_t n_owners, bool applicant_is_owner);

/* --- deadlines ------------------------------------------------------------- */

/* Seed 000: "15 minutes via portal", "during 1 working day at Committee". */
#define QN_APP_PORTAL_AUTO_MINUTES 15
#define QN_APP_OFFICE_WORKING_DAYS 1
/* Seed 002: the citizen's registration "will be entered within 10 minutes". */
#define QN_APP_CITIZEN_AUTO_MINUTES 10

typedef enum {
    QN_TERM_NONE = 0,     /* no term set by a source we hold */
    QN_TERM_MINUTES,
    QN_TERM_WORKING_DAYS
} qn_app_term_unit;

typedef struct {
    qn_app_term_unit unit;
    int amount;
    const char *source; /* static; NULL when unit is QN_TERM_NONE */
} qn_app_term;

/* The processing term that runs while an application of kind is in state,
 * from the moment it entered the state: foreigner_temporary in auto_check 15
 * minutes (seed 000), citizen_temporary in auto_check 10 minutes (seed 002);
 * submitted or in review, foreigner_temporary 1 working day (seed 000) and,
 * by analogy with it, citizen_temporary and permanent_resident 1 working day
 * (their seeds give no office term; docs/workflow.md). Every other (kind,
 * state), appeals included, returns QN_TERM_NONE: no source gives one. */
qn_app_term qn_app_processing_term(qn_app_kind kind, qn_app_state state);

/* Adds n working days to a date (the calendar module provides it). */
typedef qn_date_t (*qn_add_working_days_fn)(void *user, qn_date_t from, int n);

/* The deadline instant (UTC epoch seconds) of term counted from the instant
 * started (UTC epoch seconds). Minutes: started + amount*60. Working days: the
 * end (23:59:59 Kazakhstan time) of the day add_working_days(user, day of
 * started in Kazakhstan, amount). Errors: QN_E_INVALID for QN_TERM_NONE, an
 * amount below 1, started outside 1970-2100, a working-day term with no
 * callback, or a callback returning QN_DATE_NONE. */
qn_code qn_app_deadline(qn_app_term term, int64_t started, qn_add_working_days_fn add_working_days,
                        void *user, int64_t *deadline, qn_err *err);

/* True when an application in state is pending and now is past deadline
 * (both UTC epoch seconds; the deadline second itself is still in time). */
bool qn_app_is_overdue(qn_app_state state, int64_t deadline, int64_t now);

/* --- decisions ------------------------------------------------------------- */

#define QN_APP_REASON_TEXT_MAX 1000

/* What accompanies a deciding event: refuse, auto_fail, uphold, overturn,
 * appeal (the grounds), grant (the period), consent_refused, host_refuse. */
typedef struct {
    bool has_reason;
    qn_refusal_reason reason; /* refuse, auto_fail, consent_refused, host_refuse */
    const char *text;         /* reasons or grounds in words; may be NULL */
    qn_date_t valid_from;     /* grant: first day of the permit or visa; QN_DATE_NONE if none */
    qn_date_t valid_until;    /* grant: last day; QN_DATE_NONE if none */
} qn_app_decision;

/* Checks that the decision carries what event needs, reporting each missing or
 * bad part as a field error ("reason", "text", "valid_from", "valid_until"):
 *   refuse, auto_fail: a reason; "other" also needs text;
 *   consent_refused: reason owner_refused; host_refuse: reason host_refused;
 *   appeal: grounds in text; uphold, overturn: reasons in text;
 *   grant of trp or visa_extension: a period, valid_from <= valid_until
 *   (a visa extension at most 90 days: seed 001, investment visa "up to ninety
 *   calendar days"; the business visa's 30 days depends on the category, which
 *   the payload knows, not this function).
 * text must be at most QN_APP_REASON_TEXT_MAX bytes. Other events need nothing.
 * Returns QN_OK or QN_E_INVALID (err filled). */
qn_code qn_app_decision_check(qn_app_kind kind, qn_app_event event, const qn_app_decision *decision,
                              qn_err *err);

#endif
