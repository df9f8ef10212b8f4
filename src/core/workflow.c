/* workflow.c — the tables of the application state machines and their engine.
 *
 * Each kind has one static table of rows (from, event, roles, to, notice,
 * source). The engine is a linear scan of the kind's table: the tables have
 * 7 to 20 rows, so a scan costs less than a lookup structure would, and the
 * tables stay the single, readable statement of the rules. A (state, event)
 * pair appears at most once per table (the unit tests check it), so the next
 * state is a function of (kind, state, event); the role only decides whether
 * the actor may make it.
 *
 * Shared decisions, documented in docs/workflow.md:
 *   - overturn sends the case back to in_review for a new decision by an
 *     officer (the refusal is annulled, the case is re-examined), it does not
 *     register directly;
 *   - first-instance decisions (take, register, grant, refuse) may be made by an
 *     officer or a senior officer; appeals only by a senior officer;
 *   - the administrator appears in no row;
 *   - declined (an owner or the host said no) is final and not appealable: it
 *     is not a decision of the authority.
 */
#include "core/workflow.h"

#include <stdio.h>
#include <string.h>

/* ---- names ---------------------------------------------------------------- */

static const char *const kind_names[QN_APP_KIND_COUNT] = {
    [QN_APP_FOREIGNER_TEMPORARY] = "foreigner_temporary",
    [QN_APP_CITIZEN_TEMPORARY] = "citizen_temporary",
    [QN_APP_PERMANENT_RESIDENT] = "permanent_resident",
    [QN_APP_TRP] = "trp",
    [QN_APP_VISA_EXTENSION] = "visa_extension",
    [QN_APP_LOST_PASSPORT] = "lost_passport",
    [QN_APP_EXIT_VISA] = "exit_visa",
    [QN_APP_SELF_REGISTRATION] = "self_registration",
};

static const char *const state_names[QN_APP_STATE_COUNT] = {
    [QN_APP_DRAFT] = "draft",
    [QN_APP_AWAITING_CONSENTS] = "awaiting_consents",
    [QN_APP_AWAITING_HOST] = "awaiting_host",
    [QN_APP_SUBMITTED] = "submitted",
    [QN_APP_AUTO_CHECK] = "auto_check",
    [QN_APP_IN_REVIEW] = "in_review",
    [QN_APP_REGISTERED] = "registered",
    [QN_APP_GRANTED] = "granted",
    [QN_APP_REFUSED] = "refused",
    [QN_APP_APPEALED] = "appealed",
    [QN_APP_UPHELD] = "upheld",
    [QN_APP_DECLINED] = "declined",
    [QN_APP_WITHDRAWN] = "withdrawn",
    [QN_APP_EXPIRED] = "expired",
};

static const char *const kind_titles[QN_APP_KIND_COUNT] = {
    [QN_APP_FOREIGNER_TEMPORARY] = "Registration of a foreigner or stateless person temporarily staying",
    [QN_APP_CITIZEN_TEMPORARY] = "Temporary registration of a citizen at a place of residence",
    [QN_APP_PERMANENT_RESIDENT] = "Registration of a foreigner permanently residing, or of a refugee",
    [QN_APP_TRP] = "Temporary residence permit",
    [QN_APP_VISA_EXTENSION] = "Extension of stay (visa)",
    [QN_APP_LOST_PASSPORT] = "Certificate of loss of a passport",
    [QN_APP_EXIT_VISA] = "Exit visa",
    [QN_APP_SELF_REGISTRATION] = "Self-registration of a foreigner",
};

/* "cannot <verb> an application that <state phrase>" */
static const char *const state_phrases[QN_APP_STATE_COUNT] = {
    [QN_APP_DRAFT] = "is a draft",
    [QN_APP_AWAITING_CONSENTS] = "is awaiting consents",
    [QN_APP_AWAITING_HOST] = "is awaiting the host's confirmation",
    [QN_APP_SUBMITTED] = "has been submitted",
    [QN_APP_AUTO_CHECK] = "is in the automatic check",
    [QN_APP_IN_REVIEW] = "is in review",
    [QN_APP_REGISTERED] = "is registered",
    [QN_APP_GRANTED] = "is granted",
    [QN_APP_REFUSED] = "is refused",
    [QN_APP_APPEALED] = "is under appeal",
    [QN_APP_UPHELD] = "had its refusal upheld on appeal",
    [QN_APP_DECLINED] = "was declined by an owner or the host",
    [QN_APP_WITHDRAWN] = "was withdrawn",
    [QN_APP_EXPIRED] = "has expired",
};

static const char *const event_names[QN_APP_EVENT_COUNT] = {
    [QN_APP_EV_SUBMIT] = "submit",
    [QN_APP_EV_CONSENT_GIVEN] = "consent_given",
    [QN_APP_EV_CONSENT_REFUSED] = "consent_refused",
    [QN_APP_EV_ALL_CONSENTS_IN] = "all_consents_in",
    [QN_APP_EV_HOST_CONFIRM] = "host_confirm",
    [QN_APP_EV_HOST_REFUSE] = "host_refuse",
    [QN_APP_EV_START_CHECK] = "start_check",
    [QN_APP_EV_AUTO_PASS] = "auto_pass",
    [QN_APP_EV_AUTO_FAIL] = "auto_fail",
    [QN_APP_EV_ROUTE_TO_OFFICER] = "route_to_officer",
    [QN_APP_EV_TAKE] = "take",
    [QN_APP_EV_REGISTER] = "register",
    [QN_APP_EV_GRANT] = "grant",
    [QN_APP_EV_REFUSE] = "refuse",
    [QN_APP_EV_APPEAL] = "appeal",
    [QN_APP_EV_UPHOLD] = "uphold",
    [QN_APP_EV_OVERTURN] = "overturn",
    [QN_APP_EV_WITHDRAW] = "withdraw",
    [QN_APP_EV_EXPIRE] = "expire",
};

static const char *const event_verbs[QN_APP_EVENT_COUNT] = {
    [QN_APP_EV_SUBMIT] = "submit",
    [QN_APP_EV_CONSENT_GIVEN] = "record an owner's consent to",
    [QN_APP_EV_CONSENT_REFUSED] = "record an owner's refusal of",
    [QN_APP_EV_ALL_CONSENTS_IN] = "complete the consents of",
    [QN_APP_EV_HOST_CONFIRM] = "record the host's confirmation of",
    [QN_APP_EV_HOST_REFUSE] = "record the host's refusal of",
    [QN_APP_EV_START_CHECK] = "start the automatic check of",
    [QN_APP_EV_AUTO_PASS] = "pass the automatic check of",
    [QN_APP_EV_AUTO_FAIL] = "fail the automatic check of",
    [QN_APP_EV_ROUTE_TO_OFFICER] = "route to an officer",
    [QN_APP_EV_TAKE] = "take for review",
    [QN_APP_EV_REGISTER] = "register",
    [QN_APP_EV_GRANT] = "grant",
    [QN_APP_EV_REFUSE] = "refuse",
    [QN_APP_EV_APPEAL] = "appeal",
    [QN_APP_EV_UPHOLD] = "uphold the refusal of",
    [QN_APP_EV_OVERTURN] = "overturn the refusal of",
    [QN_APP_EV_WITHDRAW] = "withdraw",
    [QN_APP_EV_EXPIRE] = "expire",
};

static const char *const role_names[QN_ACTOR_COUNT] = {
    [QN_ACTOR_APPLICANT] = "applicant",
    [QN_ACTOR_CO_SIGNER] = "co_signer",
    [QN_ACTOR_SYSTEM] = "system",
    [QN_ACTOR_OFFICER] = "officer",
    [QN_ACTOR_SENIOR_OFFICER] = "senior_officer",
    [QN_ACTOR_ADMINISTRATOR] = "administrator",
};

static const char *const role_phrases[QN_ACTOR_COUNT] = {
    [QN_ACTOR_APPLICANT] = "the applicant",
    [QN_ACTOR_CO_SIGNER] = "a co-signer",
    [QN_ACTOR_SYSTEM] = "the system",
    [QN_ACTOR_OFFICER] = "an officer",
    [QN_ACTOR_SENIOR_OFFICER] = "a senior officer",
    [QN_ACTOR_ADMINISTRATOR] = "an administrator",
};

static const char *const rep_names[QN_REP_COUNT] = {
    [QN_REP_SELF] = "self",
    [QN_REP_LEGAL_REP_CHILD] = "legal_representative_child",
    [QN_REP_LEGAL_REP_INCAPABLE] = "legal_representative_incapable",
    [QN_REP_TRUSTEE_NOTARISED] = "trustee_notarised",
};

static const char *const notice_names[QN_NOTICE_KIND_COUNT] = {
    [QN_NOTICE_RECEIVED] = "received",
    [QN_NOTICE_PROGRESS] = "progress",
    [QN_NOTICE_ACTION_REQUIRED] = "action_required",
    [QN_NOTICE_APPROVED] = "approved",
    [QN_NOTICE_REFUSAL] = "refusal",
    [QN_NOTICE_APPEAL_RECEIVED] = "appeal_received",
    [QN_NOTICE_APPEAL_UPHELD] = "appeal_upheld",
    [QN_NOTICE_APPEAL_OVERTURNED] = "appeal_overturned",
    [QN_NOTICE_CLOSED] = "closed",
};

static const char *const reason_names[QN_REASON_COUNT] = {
    [QN_REASON_INCOMPLETE_DOCUMENTS] = "incomplete_documents",
    [QN_REASON_INVALID_DOCUMENT] = "invalid_document",
    [QN_REASON_STAY_LIMIT_EXCEEDED] = "stay_limit_exceeded",
    [QN_REASON_DUPLICATE_REGISTRATION] = "duplicate_registration",
    [QN_REASON_FALSE_DATA] = "false_data",
    [QN_REASON_HOST_REFUSED] = "host_refused",
    [QN_REASON_OWNER_REFUSED] = "owner_refused",
    [QN_REASON_NOT_ELIGIBLE] = "not_eligible",
    [QN_REASON_OTHER] = "other",
};

static const char *const reason_labels[QN_REASON_COUNT] = {
    [QN_REASON_INCOMPLETE_DOCUMENTS] = "Documents are incomplete",
    [QN_REASON_INVALID_DOCUMENT] = "A document is invalid or expired",
    [QN_REASON_STAY_LIMIT_EXCEEDED] = "The permitted period of stay is exceeded",
    [QN_REASON_DUPLICATE_REGISTRATION] = "The person is already registered",
    [QN_REASON_FALSE_DATA] = "The application contains false data",
    [QN_REASON_HOST_REFUSED] = "The host refused",
    [QN_REASON_OWNER_REFUSED] = "The housing owner or a co-owner refused consent",
    [QN_REASON_NOT_ELIGIBLE] = "The applicant is not eligible for this service",
    [QN_REASON_OTHER] = "Other reason (stated in the decision)",
};

/* Returns names[i] for i in [0, n), "?" otherwise. */
static const char *name_of(const char *const *names, int n, int i)
{
    return (i >= 0 && i < n && names[i] != NULL) ? names[i] : "?";
}

/* Finds s[0..len) among names; returns its index or -1. */
static int index_of(const char *const *names, int n, const char *s, size_t len)
{
    if (s == NULL)
        return -1;
    for (int i = 0; i < n; i++) {
        size_t nl = strlen(names[i]);
        if (nl == len && memcmp(names[i], s, len) == 0)
            return i;
    }
    return -1;
}

#define QN_NAME_FUNCS(fname, type, names, count)                                                   \
    const char *qn_##fname##_name(type v) { return name_of(names, (int)(count), (int)v); }         \
    bool qn_##fname##_parse(const char *s, size_t len, type *out)                                  \
    {                                                                                              \
        int i = index_of(names, (int)(count), s, len);                                             \
        if (i < 0)                                                                                 \
            return false;                                                                          \
        if (out != NULL)                                                                           \
            *out = (type)i;                                                                        \
        return true;                                                                               \
    }

QN_NAME_FUNCS(app_kind, qn_app_kind, kind_names, QN_APP_KIND_COUNT)
QN_NAME_FUNCS(app_state, qn_app_state, state_names, QN_APP_STATE_COUNT)
QN_NAME_FUNCS(app_event, qn_app_event, event_names, QN_APP_EVENT_COUNT)
QN_NAME_FUNCS(actor_role, qn_actor_role, role_names, QN_ACTOR_COUNT)
QN_NAME_FUNCS(app_representation, qn_app_representation, rep_names, QN_REP_COUNT)
QN_NAME_FUNCS(notice_kind, qn_notice_kind, notice_names, QN_NOTICE_KIND_COUNT)
QN_NAME_FUNCS(refusal_reason, qn_refusal_reason, reason_names, QN_REASON_COUNT)

const char *qn_app_kind_title(qn_app_kind kind)
{
    return name_of(kind_titles, QN_APP_KIND_COUNT, (int)kind);
}

const char *qn_refusal_reason_label(qn_refusal_reason reason)
{
    return name_of(reason_labels, QN_REASON_COUNT, (int)reason);
}

/* ---- the tables ----------------------------------------------------------- */

#define APPLICANT QN_ACTOR_BIT(QN_ACTOR_APPLICANT)
#define CO_SIGNER QN_ACTOR_BIT(QN_ACTOR_CO_SIGNER)
#define SYSTEM QN_ACTOR_BIT(QN_ACTOR_SYSTEM)
#define SENIOR QN_ACTOR_BIT(QN_ACTOR_SENIOR_OFFICER)
#define OFFICERS (QN_ACTOR_BIT(QN_ACTOR_OFFICER) | SENIOR)

#define ROW(from, ev, roles, to, notice, what, src)                                                \
    {QN_APP_##from, QN_APP_EV_##ev, roles, QN_APP_##to, QN_NOTICE_##notice, what, src}

/* Sources, named once. */
#define S000 "seed 000: e-request signed by the host with EDS; 15 minutes via portal, 1 working day at the Committee; registration notice or refusal"
#define S002 "seed 002: owner and every co-owner consent with EDS; notice in the History of Services"
#define S003 "seed 003 (MVD rules in force 2024-03-16): an officer verifies completeness; incomplete documents are rejected"
#define S003_APPEAL "seed 003: decisions of service providers and their officials may be appealed"
#define S001_TRP "seed 001 and seed 004: the receiving party applies for the temporary residence permit"
#define S001_VISA "seed 001: internal affairs issue a single-entry visa to extend a stay (business up to 30 days, investment up to 90)"
#define S001_LOST "seed 001: on the immigrant's statement the migration police issue a certificate of loss"
#define S001_EXIT "seed 001: on the certificate of loss and the new passport the internal affairs issue the exit visa"
#define S923 "MVD Order No. 923 of 17 Nov 2025 (from 2026-07-01): the foreigner self-registers; the host confirms"
#define SDESIGN "qonaq design: see docs/workflow.md"

/* Seed 000. The applicant is the host (a citizen of RK, 18+, online). */
static const qn_app_rule foreigner_temporary_rules[] = {
    ROW(DRAFT, SUBMIT, APPLICANT, SUBMITTED, RECEIVED, "submitted", S000),
    ROW(SUBMITTED, START_CHECK, SYSTEM, AUTO_CHECK, PROGRESS, "check_started", S000),
    ROW(SUBMITTED, TAKE, OFFICERS, IN_REVIEW, PROGRESS, "in_review", S000),
    ROW(AUTO_CHECK, AUTO_PASS, SYSTEM, REGISTERED, APPROVED, "registered", S000),
    ROW(AUTO_CHECK, AUTO_FAIL, SYSTEM, REFUSED, REFUSAL, "refused", S000),
    ROW(AUTO_CHECK, ROUTE_TO_OFFICER, SYSTEM, IN_REVIEW, PROGRESS, "in_review", S000),
    ROW(IN_REVIEW, REGISTER, OFFICERS, REGISTERED, APPROVED, "registered", S000),
    ROW(IN_REVIEW, REFUSE, OFFICERS, REFUSED, REFUSAL, "refused", S000),
    ROW(REFUSED, APPEAL, APPLICANT, APPEALED, APPEAL_RECEIVED, "appeal_received", S003_APPEAL),
    ROW(APPEALED, UPHOLD, SENIOR, UPHELD, APPEAL_UPHELD, "appeal_upheld", S003_APPEAL),
    ROW(APPEALED, OVERTURN, SENIOR, IN_REVIEW, APPEAL_OVERTURNED, "appeal_overturned", S003_APPEAL),
    ROW(DRAFT, WITHDRAW, APPLICANT, WITHDRAWN, CLOSED, "withdrawn", SDESIGN),
    ROW(SUBMITTED, WITHDRAW, APPLICANT, WITHDRAWN, CLOSED, "withdrawn", SDESIGN),
    ROW(AUTO_CHECK, WITHDRAW, APPLICANT, WITHDRAWN, CLOSED, "withdrawn", SDESIGN),
    ROW(IN_REVIEW, WITHDRAW, APPLICANT, WITHDRAWN, CLOSED, "withdrawn", SDESIGN),
    ROW(DRAFT, EXPIRE, SYSTEM, EXPIRED, CLOSED, "expired", SDESIGN),
};

/* Seed 002. The applicant (or a legal representative) signs; then the owner and
 * every co-owner, each a co-signer, consent. The service layer fires
 * all_consents_in once the set is complete (at once if the applicant is the
 * only owner). Online the register entry is made automatically ("within 10
 * minutes"); at the State Corporation an officer takes it. */
static const qn_app_rule citizen_temporary_rules[] = {
    ROW(DRAFT, SUBMIT, APPLICANT, AWAITING_CONSENTS, ACTION_REQUIRED, "awaiting_consents", S002),
    ROW(AWAITING_CONSENTS, CONSENT_GIVEN, CO_SIGNER, AWAITING_CONSENTS, PROGRESS, "consent_received", S002),
    ROW(AWAITING_CONSENTS, CONSENT_REFUSED, CO_SIGNER, DECLINED, CLOSED, "consent_refused", S002),
    ROW(AWAITING_CONSENTS, ALL_CONSENTS_IN, SYSTEM, SUBMITTED, RECEIVED, "submitted", S002),
    ROW(SUBMITTED, START_CHECK, SYSTEM, AUTO_CHECK, PROGRESS, "check_started", S002),
    ROW(SUBMITTED, TAKE, OFFICERS, IN_REVIEW, PROGRESS, "in_review", S002),
    ROW(AUTO_CHECK, AUTO_PASS, SYSTEM, REGISTERED, APPROVED, "registered", S002),
    ROW(AUTO_CHECK, AUTO_FAIL, SYSTEM, REFUSED, REFUSAL, "refused", S002),
    ROW(AUTO_CHECK, ROUTE_TO_OFFICER, SYSTEM, IN_REVIEW, PROGRESS, "in_review", S002),
    ROW(IN_REVIEW, REGISTER, OFFICERS, REGISTERED, APPROVED, "registered", S002),
    ROW(IN_REVIEW, REFUSE, OFFICERS, REFUSED, REFUSAL, "refused", S002),
    ROW(REFUSED, APPEAL, APPLICANT, APPEALED, APPEAL_RECEIVED, "appeal_received", S003_APPEAL),
    ROW(APPEALED, UPHOLD, SENIOR, UPHELD, APPEAL_UPHELD, "appeal_upheld", S003_APPEAL),
    ROW(APPEALED, OVERTURN, SENIOR, IN_REVIEW, APPEAL_OVERTURNED, "appeal_overturned", S003_APPEAL),
    ROW(DRAFT, WITHDRAW, APPLICANT, WITHDRAWN, CLOSED, "withdrawn", SDESIGN),
    ROW(AWAITING_CONSENTS, WITHDRAW, APPLICANT, WITHDRAWN, CLOSED, "withdrawn", SDESIGN),
    ROW(SUBMITTED, WITHDRAW, APPLICANT, WITHDRAWN, CLOSED, "withdrawn", SDESIGN),
    ROW(AUTO_CHECK, WITHDRAW, APPLICANT, WITHDRAWN, CLOSED, "withdrawn", SDESIGN),
    ROW(IN_REVIEW, WITHDRAW, APPLICANT, WITHDRAWN, CLOSED, "withdrawn", SDESIGN),
    ROW(DRAFT, EXPIRE, SYSTEM, EXPIRED, CLOSED, "expired", SDESIGN),
    ROW(AWAITING_CONSENTS, EXPIRE, SYSTEM, EXPIRED, CLOSED, "expired", SDESIGN),
};

/* Seed 003: personal application; the owner's written consent is an attached
 * document checked by the officer, not an electronic co-signature. */
static const qn_app_rule permanent_resident_rules[] = {
    ROW(DRAFT, SUBMIT, APPLICANT, SUBMITTED, RECEIVED, "submitted", S003),
    ROW(SUBMITTED, TAKE, OFFICERS, IN_REVIEW, PROGRESS, "in_review", S003),
    ROW(IN_REVIEW, REGISTER, OFFICERS, REGISTERED, APPROVED, "registered", S003),
    ROW(IN_REVIEW, REFUSE, OFFICERS, REFUSED, REFUSAL, "refused", S003),
    ROW(REFUSED, APPEAL, APPLICANT, APPEALED, APPEAL_RECEIVED, "appeal_received", S003_APPEAL),
    ROW(APPEALED, UPHOLD, SENIOR, UPHELD, APPEAL_UPHELD, "appeal_upheld", S003_APPEAL),
    ROW(APPEALED, OVERTURN, SENIOR, IN_REVIEW, APPEAL_OVERTURNED, "appeal_overturned", S003_APPEAL),
    ROW(DRAFT, WITHDRAW, APPLICANT, WITHDRAWN, CLOSED, "withdrawn", SDESIGN),
    ROW(SUBMITTED, WITHDRAW, APPLICANT, WITHDRAWN, CLOSED, "withdrawn", SDESIGN),
    ROW(IN_REVIEW, WITHDRAW, APPLICANT, WITHDRAWN, CLOSED, "withdrawn", SDESIGN),
    ROW(DRAFT, EXPIRE, SYSTEM, EXPIRED, CLOSED, "expired", SDESIGN),
};

/* The officer-decided services that end in a grant (permit, visa, certificate)
 * share one shape; each keeps its own table so that each can change alone. */
#define OFFICER_GRANT_TABLE(name, src)                                                             \
    static const qn_app_rule name[] = {                                                            \
        ROW(DRAFT, SUBMIT, APPLICANT, SUBMITTED, RECEIVED, "submitted", src),                      \
        ROW(SUBMITTED, TAKE, OFFICERS, IN_REVIEW, PROGRESS, "in_review", src),                     \
        ROW(IN_REVIEW, GRANT, OFFICERS, GRANTED, APPROVED, "granted", src),                        \
        ROW(IN_REVIEW, REFUSE, OFFICERS, REFUSED, REFUSAL, "refused", src),                        \
        ROW(REFUSED, APPEAL, APPLICANT, APPEALED, APPEAL_RECEIVED, "appeal_received", S003_APPEAL), \
        ROW(APPEALED, UPHOLD, SENIOR, UPHELD, APPEAL_UPHELD, "appeal_upheld", S003_APPEAL),        \
        ROW(APPEALED, OVERTURN, SENIOR, IN_REVIEW, APPEAL_OVERTURNED, "appeal_overturned",         \
            S003_APPEAL),                                                                          \
        ROW(DRAFT, WITHDRAW, APPLICANT, WITHDRAWN, CLOSED, "withdrawn", SDESIGN),                  \
        ROW(SUBMITTED, WITHDRAW, APPLICANT, WITHDRAWN, CLOSED, "withdrawn", SDESIGN),              \
        ROW(IN_REVIEW, WITHDRAW, APPLICANT, WITHDRAWN, CLOSED, "withdrawn", SDESIGN),              \
        ROW(DRAFT, EXPIRE, SYSTEM, EXPIRED, CLOSED, "expired", SDESIGN),                           \
    }

OFFICER_GRANT_TABLE(trp_rules, S001_TRP);
OFFICER_GRANT_TABLE(visa_extension_rules, S001_VISA);
OFFICER_GRANT_TABLE(lost_passport_rules, S001_LOST);
OFFICER_GRANT_TABLE(exit_visa_rules, S001_EXIT);

/* Order 923: the foreigner applies; the host (a co-signer) confirms or refuses.
 * An authority refusal (false data, a stay violation: the automatic check)
 * can be appealed; an overturned refusal goes to an officer. */
static const qn_app_rule self_registration_rules[] = {
    ROW(DRAFT, SUBMIT, APPLICANT, AWAITING_HOST, ACTION_REQUIRED, "awaiting_host", S923),
    ROW(AWAITING_HOST, HOST_CONFIRM, CO_SIGNER, REGISTERED, APPROVED, "registered", S923),
    ROW(AWAITING_HOST, HOST_REFUSE, CO_SIGNER, DECLINED, CLOSED, "host_refused", S923),
    /* Order 923's other grounds for refusal (false data, a violation of the
     * permitted stay) are found by the automatic check, before or after the
     * host answers; the refusal is the authority's, so it can be appealed. */
    ROW(DRAFT, AUTO_FAIL, SYSTEM, REFUSED, REFUSAL, "refused", S923),
    ROW(AWAITING_HOST, AUTO_FAIL, SYSTEM, REFUSED, REFUSAL, "refused", S923),
    ROW(REFUSED, APPEAL, APPLICANT, APPEALED, APPEAL_RECEIVED, "appeal_received", S003_APPEAL),
    ROW(APPEALED, UPHOLD, SENIOR, UPHELD, APPEAL_UPHELD, "appeal_upheld", S003_APPEAL),
    ROW(APPEALED, OVERTURN, SENIOR, IN_REVIEW, APPEAL_OVERTURNED, "appeal_overturned", S003_APPEAL),
    ROW(IN_REVIEW, REGISTER, OFFICERS, REGISTERED, APPROVED, "registered", S923),
    ROW(IN_REVIEW, REFUSE, OFFICERS, REFUSED, REFUSAL, "refused", S923),
    ROW(DRAFT, WITHDRAW, APPLICANT, WITHDRAWN, CLOSED, "withdrawn", SDESIGN),
    ROW(AWAITING_HOST, WITHDRAW, APPLICANT, WITHDRAWN, CLOSED, "withdrawn", SDESIGN),
    ROW(DRAFT, EXPIRE, SYSTEM, EXPIRED, CLOSED, "expired", SDESIGN),
    ROW(AWAITING_HOST, EXPIRE, SYSTEM, EXPIRED, CLOSED, "expired", SDESIGN),
};

#define TABLE(t) {t, sizeof t / sizeof t[0]}
static const struct {
    const qn_app_rule *rows;
    size_t n;
} tables[QN_APP_KIND_COUNT] = {
    [QN_APP_FOREIGNER_TEMPORARY] = TABLE(foreigner_temporary_rules),
    [QN_APP_CITIZEN_TEMPORARY] = TABLE(citizen_temporary_rules),
    [QN_APP_PERMANENT_RESIDENT] = TABLE(permanent_resident_rules),
    [QN_APP_TRP] = TABLE(trp_rules),
    [QN_APP_VISA_EXTENSION] = TABLE(visa_extension_rules),
    [QN_APP_LOST_PASSPORT] = TABLE(lost_passport_rules),
    [QN_APP_EXIT_VISA] = TABLE(exit_visa_rules),
    [QN_APP_SELF_REGISTRATION] = TABLE(self_registration_rules),
};

/* ---- the engine ----------------------------------------------------------- */

static bool kind_ok(qn_app_kind k) { return (int)k >= 0 && k < QN_APP_KIND_COUNT; }
static bool state_ok(qn_app_state s) { return (int)s >= 0 && s < QN_APP_STATE_COUNT; }
static bool event_ok(qn_app_event e) { return (int)e >= 0 && e < QN_APP_EVENT_COUNT; }
static bool role_ok(qn_actor_role r) { return (int)r >= 0 && r < QN_ACTOR_COUNT; }

static const qn_app_rule *find_rule(qn_app_kind kind, qn_app_state from, qn_app_event event)
{
    for (size_t i = 0; i < tables[kind].n; i++) {
        const qn_app_rule *r = &tables[kind].rows[i];
        if (r->from == from && r->event == event)
            return r;
    }
    return NULL;
}

const qn_app_rule *qn_app_rules(qn_app_kind kind, size_t *n)
{
    if (!kind_ok(kind)) {
        if (n != NULL)
            *n = 0;
        return NULL;
    }
    if (n != NULL)
        *n = tables[kind].n;
    return tables[kind].rows;
}

qn_app_state qn_app_initial_state(qn_app_kind kind)
{
    (void)kind;
    return QN_APP_DRAFT;
}

bool qn_app_state_is_final(qn_app_state state)
{
    switch (state) {
    case QN_APP_REGISTERED:
    case QN_APP_GRANTED:
    case QN_APP_UPHELD:
    case QN_APP_DECLINED:
    case QN_APP_WITHDRAWN:
    case QN_APP_EXPIRED:
        return true;
    default:
        return false;
    }
}

bool qn_app_state_is_pending(qn_app_state state)
{
    return state == QN_APP_SUBMITTED || state == QN_APP_AUTO_CHECK || state == QN_APP_IN_REVIEW ||
           state == QN_APP_APPEALED;
}

bool qn_app_kind_available_on(qn_app_kind kind, qn_date_t date)
{
    if (!kind_ok(kind))
        return false;
    qn_date_t from;
    if (kind == QN_APP_SELF_REGISTRATION) {
        /* MVD Order No. 923 of 17 Nov 2025: in force from 1 Jul 2026. */
        if (!qn_date_from_ymd(2026, 7, 1, &from))
            return false;
        return date >= from;
    }
    if (kind == QN_APP_PERMANENT_RESIDENT) {
        /* Seed 003: the MVD's updated Rules for "Permanent and temporary
         * registration of foreigners, stateless persons permanently residing
         * ... as well as refugees" come into effect on March 16, 2024. */
        if (!qn_date_from_ymd(2024, 3, 16, &from))
            return false;
        return date >= from;
    }
    return true;
}

/* Writes "the applicant", "an officer or a senior officer", ... for a role set. */
static void roles_phrase(unsigned roles, char *buf, size_t size)
{
    size_t used = 0;
    int count = 0;
    buf[0] = '\0';
    for (int r = 0; r < QN_ACTOR_COUNT; r++) {
        if ((roles & QN_ACTOR_BIT(r)) == 0)
            continue;
        int w = snprintf(buf + used, size - used, "%s%s", count ? " or " : "", role_phrases[r]);
        if (w < 0 || (size_t)w >= size - used)
            return;
        used += (size_t)w;
        count++;
    }
}

qn_code qn_app_transition(qn_app_kind kind, qn_app_state from, qn_app_event event,
                          qn_actor_role role, qn_app_state *to, qn_app_notice *notice, qn_err *err)
{
    if (!kind_ok(kind) || !state_ok(from) || !event_ok(event) || !role_ok(role)) {
        qn_err_set(err, QN_E_INVALID, "unknown application kind, state, event or role");
        qn_err_sub(err, "invalid_enum");
        return QN_E_INVALID;
    }
    const qn_app_rule *rule = find_rule(kind, from, event);
    if (rule == NULL) {
        qn_err_set(err, QN_E_CONFLICT, "cannot %s an application that %s", event_verbs[event],
                   state_phrases[from]);
        qn_err_sub(err, "illegal_transition");
        return QN_E_CONFLICT;
    }
    if ((rule->roles & QN_ACTOR_BIT(role)) == 0) {
        char allowed[160];
        roles_phrase(rule->roles, allowed, sizeof allowed);
        qn_err_set(err, QN_E_FORBIDDEN, "%s may not %s this application; only %s may",
                   role_phrases[role], event_verbs[event], allowed);
        qn_err_sub(err, "wrong_actor");
        return QN_E_FORBIDDEN;
    }
    if (to != NULL)
        *to = rule->to;
    if (notice != NULL) {
        notice->kind = rule->notice;
        snprintf(notice->text_key, sizeof notice->text_key, "%s.%s", kind_names[kind],
                 rule->notice_what);
    }
    return QN_OK;
}

size_t qn_app_allowed_events(qn_app_kind kind, qn_app_state state, qn_actor_role role,
                             qn_app_event *out, size_t max)
{
    if (!kind_ok(kind) || !state_ok(state) || !role_ok(role))
        return 0;
    size_t count = 0;
    for (int e = 0; e < QN_APP_EVENT_COUNT; e++) {
        const qn_app_rule *rule = find_rule(kind, state, (qn_app_event)e);
        if (rule == NULL || (rule->roles & QN_ACTOR_BIT(role)) == 0)
            continue;
        if (out != NULL && count < max)
            out[count] = (qn_app_event)e;
        count++;
    }
    return count;
}

/* ---- signatures ----------------------------------------------------------- */

qn_app_signatures qn_app_required_signatures(qn_app_kind kind)
{
    qn_app_signatures none = {false, false, false};
    if (!kind_ok(kind))
        return none;
    qn_app_signatures s = {true, false, false};
    if (kind == QN_APP_CITIZEN_TEMPORARY)
        s.owners_consent = true; /* Seed 002. */
    if (kind == QN_APP_SELF_REGISTRATION)
        s.host_confirms = true; /* MVD Order No. 923. */
    return s;
}

size_t qn_app_consents_required(size_t n_owners, bool applicant_is_owner)
{
    if (applicant_is_owner)
        return n_owners > 0 ? n_owners - 1 : 0;
    return n_owners;
}

/* ---- deadlines ------------------------------------------------------------ */

#define QN_APP_INSTANT_MAX INT64_C(4133980800) /* 2101-01-01T00:00:00Z */

qn_app_term qn_app_processing_term(qn_app_kind kind, qn_app_state state)
{
    qn_app_term none = {QN_TERM_NONE, 0, NULL};
    /* The office term of seed 000 ("during 1 working day at Committee") is
     * the only office term the seeds give. Seed 002 (citizens) and seed 003
     * (permanent residents, refugees; kz_rules.md §4.2-4.3 neither) state
     * none for the office; qonaq applies seed 000's by analogy, so that no
     * case of a registration service waits in a queue without a deadline
     * (docs/workflow.md). Appeals: the seeds give no term (seed 003 says only
     * that decisions may be appealed), so an appeal has none. */
    qn_app_term office = {QN_TERM_WORKING_DAYS, QN_APP_OFFICE_WORKING_DAYS,
                          kind == QN_APP_FOREIGNER_TEMPORARY
                              ? "seed 000: during 1 working day at the Committee"
                              : "qonaq: seed 000's 1 working day at the office, by analogy (the service's own "
                                "source gives no office term)"};
    switch (kind) {
    case QN_APP_FOREIGNER_TEMPORARY:
        if (state == QN_APP_AUTO_CHECK) /* Seed 000: "15 minutes via portal". */
            return (qn_app_term){QN_TERM_MINUTES, QN_APP_PORTAL_AUTO_MINUTES,
                                 "seed 000: 15 minutes via portal"};
        return state == QN_APP_SUBMITTED || state == QN_APP_IN_REVIEW ? office : none;
    case QN_APP_CITIZEN_TEMPORARY:
        if (state == QN_APP_AUTO_CHECK) /* Seed 002: "The correction will be entered within 10 minutes". */
            return (qn_app_term){QN_TERM_MINUTES, QN_APP_CITIZEN_AUTO_MINUTES,
                                 "seed 002: the correction will be entered within 10 minutes"};
        return state == QN_APP_SUBMITTED || state == QN_APP_IN_REVIEW ? office : none;
    case QN_APP_PERMANENT_RESIDENT:
        return state == QN_APP_SUBMITTED || state == QN_APP_IN_REVIEW ? office : none;
    default:
        return none;
    }
}

qn_code qn_app_deadline(qn_app_term term, int64_t started, qn_add_working_days_fn add_working_days,
                        void *user, int64_t *deadline, qn_err *err)
{
    if (term.amount < 1)
        return qn_err_set(err, QN_E_INVALID, "a term needs an amount of at least 1");
    /* 1970-01-01 to 2100-12-31: the range of qonaq's dates, and no overflow below. */
    if (started < 0 || started >= QN_APP_INSTANT_MAX)
        return qn_err_set(err, QN_E_INVALID, "the start of a term must be between 1970 and 2100");
    switch (term.unit) {
    case QN_TERM_MINUTES:
        if (term.amount > 60 * 24 * 366)
            return qn_err_set(err, QN_E_INVALID, "a term in minutes must be at most a year");
        if (deadline != NULL)
            *deadline = started + (int64_t)term.amount * 60;
        return QN_OK;
    case QN_TERM_WORKING_DAYS: {
        if (add_working_days == NULL)
            return qn_err_set(err, QN_E_INVALID, "a term in working days needs the calendar");
        qn_date_t day = add_working_days(user, qn_date_from_epoch_kz(started), term.amount);
        if (day == QN_DATE_NONE)
            return qn_err_set(err, QN_E_INVALID, "the calendar cannot count that far");
        if (deadline != NULL)
            *deadline = qn_date_end_epoch_kz(day);
        return QN_OK;
    }
    case QN_TERM_NONE:
    default:
        return qn_err_set(err, QN_E_INVALID, "no term applies");
    }
}

bool qn_app_is_overdue(qn_app_state state, int64_t deadline, int64_t now)
{
    return qn_app_state_is_pending(state) && now > deadline;
}

/* ---- decisions ------------------------------------------------------------ */

/* Length of text, at most limit + 1 (so an overlong text is seen as such). */
static size_t bounded_len(const char *text, size_t limit)
{
    size_t n = 0;
    while (n <= limit && text[n] != '\0')
        n++;
    return n;
}

static bool has_words(const char *text)
{
    if (text == NULL)
        return false;
    for (size_t i = 0; i <= QN_APP_REASON_TEXT_MAX && text[i] != '\0'; i++)
        if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r')
            return true;
    return false;
}

static void need_reason(const qn_app_decision *d, qn_err *err)
{
    if (!d->has_reason || (int)d->reason < 0 || d->reason >= QN_REASON_COUNT)
        qn_err_field(err, "reason", "is required: one of the refusal reason codes");
    else if (d->reason == QN_REASON_OTHER && !has_words(d->text))
        qn_err_field(err, "text", "is required when the reason is \"other\"");
}

static void need_exact_reason(const qn_app_decision *d, qn_refusal_reason want, qn_err *err)
{
    if (!d->has_reason || d->reason != want)
        qn_err_field(err, "reason", "must be \"%s\"", reason_names[want]);
}

qn_code qn_app_decision_check(qn_app_kind kind, qn_app_event event, const qn_app_decision *decision,
                              qn_err *err)
{
    if (!kind_ok(kind) || !event_ok(event))
        return qn_err_set(err, QN_E_INVALID, "unknown application kind or event");
    if (decision == NULL)
        return qn_err_set(err, QN_E_INVALID, "a decision is required");
    qn_err tmp = {0};
    qn_err *e = err != NULL ? err : &tmp;
    qn_err_clear(e);
    const qn_app_decision *d = decision;

    if (d->text != NULL && bounded_len(d->text, QN_APP_REASON_TEXT_MAX) > QN_APP_REASON_TEXT_MAX)
        qn_err_field(e, "text", "must be at most %d bytes", QN_APP_REASON_TEXT_MAX);

    switch (event) {
    case QN_APP_EV_REFUSE:
    case QN_APP_EV_AUTO_FAIL:
        need_reason(d, e); /* Seed 000: a "substantiated refusal". */
        break;
    case QN_APP_EV_CONSENT_REFUSED:
        need_exact_reason(d, QN_REASON_OWNER_REFUSED, e);
        break;
    case QN_APP_EV_HOST_REFUSE:
        need_exact_reason(d, QN_REASON_HOST_REFUSED, e);
        break;
    case QN_APP_EV_APPEAL:
        if (!has_words(d->text))
            qn_err_field(e, "text", "is required: the grounds of the appeal");
        break;
    case QN_APP_EV_UPHOLD:
    case QN_APP_EV_OVERTURN:
        if (!has_words(d->text))
            qn_err_field(e, "text", "is required: the reasons of the appeal decision");
        break;
    case QN_APP_EV_GRANT:
        if (kind != QN_APP_TRP && kind != QN_APP_VISA_EXTENSION)
            break;
        if (d->valid_from == QN_DATE_NONE)
            qn_err_field(e, "valid_from", "is required: the first day of the period");
        if (d->valid_until == QN_DATE_NONE)
            qn_err_field(e, "valid_until", "is required: the last day of the period");
        if (d->valid_from != QN_DATE_NONE && d->valid_until != QN_DATE_NONE) {
            if (d->valid_until < d->valid_from)
                qn_err_field(e, "valid_until", "must not be before valid_from");
            /* Seed 001: an extension visa is issued for up to 90 calendar days. */
            else if (kind == QN_APP_VISA_EXTENSION && d->valid_until - d->valid_from + 1 > 90)
                qn_err_field(e, "valid_until", "makes a visa longer than 90 days");
        }
        break;
    default:
        break;
    }
    if (e->code != QN_OK) {
        snprintf(e->message, sizeof e->message, "the %s decision is incomplete", event_names[event]);
        return e->code;
    }
    return QN_OK;
}
