/* checklist.h — documents required by the registration services.
 *
 * Each service (a stable machine name such as "foreigner_temporary") has a
 * list of documents (stable machine names such as "identity_document") with
 * the conditions under which each is required: a document is required when
 * all of its `when` conditions hold and none of its `unless` conditions do.
 * Conditions describe the applicant's case ("stay_over_6_months",
 * "under_16", "returnee", "representative", ...). The tables come from the
 * service passports in /work/shared/seeds (000, 002, 003, 004) and
 * kz_rules.md §4; checklist_kz.c cites each row.
 *
 * Pure: no I/O, no allocation; thread-safe (static const tables).
 */
#ifndef QN_CHECKLIST_H
#define QN_CHECKLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

/* Conditions of an applicant's case, combined as a bit set. */
typedef enum {
    QN_CL_STAY_OVER_6_MONTHS = 1u << 0,   /* foreigner staying more than 6 months (seed 000) */
    QN_CL_UNDER_16 = 1u << 1,             /* the registered person is under 16 (seed 002) */
    QN_CL_RETURNEE = 1u << 2,             /* citizen back from abroad for permanent residence (seed 002) */
    QN_CL_REPRESENTATIVE = 1u << 3,       /* a legal representative or attorney applies (seeds 002, 003) */
    QN_CL_NOT_OWNER = 1u << 4,            /* the applicant does not own the housing (seeds 002, 003, 004) */
    QN_CL_CO_OWNERS = 1u << 5,            /* the housing has co-owners besides the owner (seed 002) */
    QN_CL_ACCOMMODATION_BUILDING = 1u << 6, /* registration in a dormitory, hotel, ... (seeds 002, 003) */
    QN_CL_REFUGEE = 1u << 7,              /* the applicant has refugee status (seed 003) */
    QN_CL_OVER_14 = 1u << 8,              /* household members over 14 are registered (seed 003) */
    QN_CL_NO_CONSULAR_MARK = 1u << 9,     /* returnee's passport lacks the deregistration mark (seed 002) */
    QN_CL_EMPLOYMENT = 1u << 10,          /* TRP on the ground of employment (seed 004) */
    QN_CL_DEPENDENTS = 1u << 11,          /* TRP covers family members (seed 004) */
    QN_CL_EAEU = 1u << 12,                /* the applicant is an EAEU citizen (kz_rules.md §4.1) */
    QN_CL_THIRD_PARTY = 1u << 13          /* a third party applies for the company (seed 004) */
} qn_checklist_condition;

typedef struct {
    const char *name;  /* stable machine name */
    const char *label; /* English label */
    unsigned when;     /* all of these conditions; 0 = always */
    unsigned unless;   /* none of these conditions */
    const char *source;
} qn_checklist_item;

typedef struct {
    const char *name;  /* "foreigner_temporary", "citizen_temporary", "permanent_resident", "trp" */
    const char *label;
    unsigned allowed;  /* the conditions meaningful for this service */
    const qn_checklist_item *items;
    size_t n_items;
} qn_checklist_service;

/* All services, in a stable order; *count receives their number. */
const qn_checklist_service *qn_checklist_services(size_t *count);

/* The service by machine name, or NULL. */
const qn_checklist_service *qn_checklist_find(const char *name);

/* The machine name of one condition bit, or NULL for an unknown bit. */
const char *qn_checklist_condition_name(unsigned bit);

/* Parses a condition name into its bit; false when unknown. */
bool qn_checklist_condition_parse(const char *name, unsigned *bit);

/* True when item is required in the case `conditions`. */
bool qn_checklist_item_required(const qn_checklist_item *item, unsigned conditions);

/* True when `document` is a document name known to the service. */
bool qn_checklist_knows(const qn_checklist_service *service, const char *document);

/* Writes into missing[] (capacity max) the required documents of `service`
 * in the case `conditions` that are not in have[0..n_have-1], in the table's
 * order; *n_missing receives their number. Errors (QN_E_INVALID, field
 * "conditions"): a condition not meaningful for the service; (field
 * "have[i]"): a document name the service does not know. max >= the
 * service's n_items guarantees room. */
qn_code qn_checklist_missing(const qn_checklist_service *service, unsigned conditions,
                             const char *const *have, size_t n_have, const qn_checklist_item **missing,
                             size_t max, size_t *n_missing, qn_err *err);

#endif
