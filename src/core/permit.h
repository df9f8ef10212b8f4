/* permit.h — the periods of the documents that make a longer stay lawful:
 * temporary residence permits (TRP, РВП), visa extensions for visa-free
 * visitors, and the lost-passport path (certificate of loss, then an exit
 * visa).
 *
 * Each function takes a plain request struct and either returns the granted
 * period or fills qn_err with one field error per bad input (all of them,
 * not only the first). The documents to attach are not here: they are the
 * checklist module's (checklist.h, service "trp"). Who needs a TRP is the
 * regime table's (regime.h, permit_after_days); this module asks it.
 *
 * Sources: kz_rules.md §4.1 (TRP), seed 004 (who needs a TRP), seed 001
 * (extension visas, lost passports, exit visas). Every period the sources do
 * not fix is a choice documented in docs/control.md and flagged by
 * confirmed = false.
 *
 * Pure: no I/O, no allocation; thread-safe.
 */
#ifndef QN_PERMIT_H
#define QN_PERMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/date.h"
#include "core/error.h"

/* ---- who needs a TRP ------------------------------------------------------ */

typedef enum {
    QN_TRP_NOT_NEEDED = 0, /* the planned stay fits the regime without a TRP */
    QN_TRP_NEEDED,         /* over the regime's TRP threshold (CIS 30, EAEU 90 days) */
    QN_TRP_NO_PATH         /* the regime has no TRP path: a visa is needed (seed 001; §4.1) */
} qn_trp_need;

/* "not_needed", "needed", "no_path"; "?" out of range. */
const char *qn_trp_need_name(qn_trp_need need);

/* Whether a citizen of `citizenship` entering on `entry` and planning to stay
 * to `planned_last_day` (inclusive, entry day = day 1) needs a TRP: needed
 * when the stay is longer than the regime's permit_after_days (regime.h;
 * seed 004: CIS over 30, EAEU over 90 calendar days); no_path when the stay
 * is longer than the regime's per-entry days and the regime has no TRP path.
 * *threshold_days (may be NULL) receives the regime's threshold (0 = none).
 * Errors: QN_E_INVALID with fields "citizenship", "entry",
 * "planned_last_day" (before entry). */
qn_code qn_trp_need_for(const char *citizenship, qn_date_t entry, qn_date_t planned_last_day,
                        qn_trp_need *need, int *threshold_days, qn_err *err);

/* ---- TRP categories and period ------------------------------------------------ */

/* Grounds of a TRP (Law on Migration Art. 6-1; gov.kz/services/4631;
 * kz_rules.md §4.1). */
typedef enum {
    QN_TRP_WORK = 0,           /* labour, on the employer's application */
    QN_TRP_STUDY,              /* full-time study */
    QN_TRP_FAMILY,             /* family reunification */
    QN_TRP_MEDICAL,            /* inpatient treatment */
    QN_TRP_MISSIONARY,         /* missionary activity, religious organisation */
    QN_TRP_BUSINESS_IMMIGRANT, /* business immigrant, local executive body */
    QN_TRP_INTRA_CORPORATE,    /* intra-corporate transfer */
    QN_TRP_AIFC_SPECIALIST,    /* AIFC participant's specialist */
    QN_TRP_JOURNALIST,         /* accredited journalist */
    QN_TRP_TRAFFICKING_VICTIM, /* victim of human trafficking */
    QN_TRP_CATEGORY_COUNT
} qn_trp_category;

typedef struct {
    qn_trp_category category;
    const char *name;     /* stable machine name */
    const char *label;    /* English */
    int max_months;       /* longest single grant */
    bool needs_basis_end; /* the basis (contract, study, treatment) has an end date that bounds it */
    bool confirmed;       /* false: the duration is UNCONFIRMED (a model) */
    const char *source;
} qn_trp_category_info;

/* The category's row (static), or NULL out of range. */
const qn_trp_category_info *qn_trp_category_get(qn_trp_category category);

/* Reads an exact category name ("work", "study", "family", "medical",
 * "missionary", "business_immigrant", "intra_corporate", "aifc_specialist",
 * "journalist", "trafficking_victim"). */
bool qn_trp_category_parse(const char *s, size_t len, qn_trp_category *out);

typedef struct {
    qn_trp_category category;
    qn_date_t requested_from;   /* first day asked for */
    qn_date_t requested_to;     /* last day asked for */
    qn_date_t passport_expires; /* last day the national passport is valid */
    qn_date_t basis_end;        /* end of the employment contract / study / treatment;
                                   QN_DATE_NONE when none; required when the category needs it */
} qn_trp_request;

typedef struct {
    qn_date_t from, to;     /* the permitted period (inclusive) */
    const char *limited_by; /* "requested", "max_term", "passport", "basis_end" */
    bool confirmed;         /* false when the category's term is UNCONFIRMED */
} qn_trp_period;

/* The permitted period: from = requested_from, to = the earliest of
 * requested_to, (from - 1 day) + max_months (qn_date_add_months), the passport's
 * last valid day (ekaraganda.kz, MVD order 2022: never beyond the passport)
 * and basis_end (gov.kz/services/4631: not beyond the contract). Field errors
 * (QN_E_INVALID): "category" unknown; "requested_from"/"requested_to" missing
 * or reversed; "passport_expires" missing or before requested_from;
 * "basis_end" missing when required or before requested_from. */
qn_code qn_trp_period_compute(const qn_trp_request *req, qn_trp_period *out, qn_err *err);

/* ---- visa extension for visa-free visitors (seed 001) ------------------------- */

typedef enum {
    QN_EXT_BUSINESS = 0, /* single-entry business visa, up to 30 calendar days */
    QN_EXT_INVESTMENT    /* single-entry investment visa, up to 90 days, on the investment body's request */
} qn_ext_category;

typedef struct {
    const char *citizenship; /* ISO 3166-1 alpha-3 */
    qn_date_t entry;         /* day of the border crossing */
    qn_date_t applied_on;    /* day of the application */
    qn_ext_category category;
    qn_date_t requested_to;     /* last day asked for */
    qn_date_t passport_expires; /* last day the passport is valid */
    bool investor_confirmed;    /* the authorised investment body confirmed investor status */
} qn_ext_request;

typedef struct {
    qn_date_t from, to;     /* the visa's period (inclusive) */
    int max_days;           /* 30 or 90 */
    const char *limited_by; /* "requested", "max_term", "passport" */
    bool confirmed;         /* false: the start rule is a choice (docs/control.md) */
} qn_ext_period;

/* Validates an extension and computes the visa's period. The visa-free
 * period is the regime's per-entry days from entry (entry day = day 1); the
 * visa starts the day after it and lasts at most 30 (business) or 90
 * (investment) calendar days, never beyond the passport (seed 001). Field
 * errors: "citizenship" (not a visa-free regime without a TRP path: CIS and
 * EAEU citizens use a TRP, visa nationals extend their visa under the visa
 * rules), "entry", "applied_on" (before entry, or after the last visa-free
 * day: an overstay is not extended), "category", "investor_confirmed"
 * (required for the investment category), "requested_to" (missing or not
 * after the visa-free period), "passport_expires". */
qn_code qn_ext_validate(const qn_ext_request *req, qn_ext_period *out, qn_err *err);

/* ---- lost passport and exit visa (seed 001) ----------------------------------- */

#define QN_LOSS_TEXT_MAX 1000
#define QN_LOSS_PLACE_MAX 200
#define QN_LOSS_MAX_AGE_DAYS 365 /* older losses are refused as implausible (choice) */
#define QN_LOSS_PROMPT_DAYS 3    /* "immediately": reported later is flagged late (choice) */
#define QN_EXIT_VISA_MAX_DAYS 30 /* exit visa validity (choice, UNCONFIRMED) */

typedef struct {
    qn_date_t lost_on;         /* when */
    const char *place;         /* where (UTF-8, 1..QN_LOSS_PLACE_MAX bytes) */
    const char *circumstances; /* under what circumstances (1..QN_LOSS_TEXT_MAX bytes) */
    qn_date_t reported_on;     /* day of the statement */
    bool is_registered;        /* registered in accordance with the rules (notified or registered) */
    bool identity_established; /* the police established the identity */
} qn_loss_statement;

typedef struct {
    bool certificate_allowed; /* registered and identified: the certificate of loss may be issued */
    bool is_late_report;      /* reported more than QN_LOSS_PROMPT_DAYS days after the loss */
    const char *refusal;      /* NULL, "not_registered" or "identity_not_established" */
} qn_loss_assessment;

/* Validates the statement (seed 001: "a detailed description of when, where
 * and under what circumstances the loss … occurred"; the certificate is
 * issued to an immigrant "who has been registered … and whose identity has
 * been established"). Field errors: "lost_on" missing, after reported_on (in
 * the future) or more than QN_LOSS_MAX_AGE_DAYS before it; "place" and
 * "circumstances" empty, too long or not printable text; "reported_on"
 * missing. Not being registered or identified is not an input error: the
 * assessment says the certificate may not be issued and why. */
qn_code qn_loss_validate(const qn_loss_statement *st, qn_loss_assessment *out, qn_err *err);

typedef struct {
    qn_date_t certificate_on;       /* day the certificate of loss was issued */
    qn_date_t new_passport_issued;  /* day the consulate issued the new passport or substitute */
    qn_date_t new_passport_expires; /* its last valid day */
    qn_date_t issue_on;             /* day the exit visa is issued */
} qn_exit_visa_request;

typedef struct {
    qn_date_t from, to;     /* validity (inclusive) */
    const char *limited_by; /* "max_term" or "passport" */
    bool confirmed;         /* false: QN_EXIT_VISA_MAX_DAYS is a choice */
} qn_exit_visa_period;

/* The exit visa's validity (seed 001: issued on the basis of the certificate
 * after the consulate issues a new passport): from issue_on for at most
 * QN_EXIT_VISA_MAX_DAYS days (UNCONFIRMED) and not beyond the new passport.
 * Field errors: "certificate_on" missing; "new_passport_issued" missing or
 * before the certificate; "new_passport_expires" missing or before issue_on;
 * "issue_on" missing or before the new passport. */
qn_code qn_exit_visa_compute(const qn_exit_visa_request *req, qn_exit_visa_period *out, qn_err *err);

#endif
