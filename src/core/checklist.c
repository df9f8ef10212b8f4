/* checklist.c — lookups over the document tables of checklist_kz.c. */
#include "core/checklist.h"

#include <stdio.h>
#include <string.h>

/* The tables of checklist_kz.c. */
extern const qn_checklist_service qn_kz_checklist_services[];
extern const size_t qn_kz_checklist_services_count;

static const char *const condition_names[] = {
    "stay_over_6_months", "under_16", "returnee", "representative", "not_owner", "co_owners",
    "accommodation_building", "refugee", "over_14", "no_consular_mark", "employment", "dependents",
    "eaeu", "third_party",
};
#define N_CONDITIONS (sizeof condition_names / sizeof condition_names[0])

const qn_checklist_service *qn_checklist_services(size_t *count)
{
    if (count)
        *count = qn_kz_checklist_services_count;
    return qn_kz_checklist_services;
}

const qn_checklist_service *qn_checklist_find(const char *name)
{
    for (size_t i = 0; name && i < qn_kz_checklist_services_count; i++)
        if (strcmp(qn_kz_checklist_services[i].name, name) == 0)
            return &qn_kz_checklist_services[i];
    return NULL;
}

const char *qn_checklist_condition_name(unsigned bit)
{
    for (size_t i = 0; i < N_CONDITIONS; i++)
        if (bit == 1u << i)
            return condition_names[i];
    return NULL;
}

bool qn_checklist_condition_parse(const char *name, unsigned *bit)
{
    for (size_t i = 0; name && i < N_CONDITIONS; i++) {
        if (strcmp(condition_names[i], name) == 0) {
            *bit = 1u << i;
            return true;
        }
    }
    return false;
}

bool qn_checklist_item_required(const qn_checklist_item *item, unsigned conditions)
{
    return (conditions & item->when) == item->when && (conditions & item->unless) == 0;
}

bool qn_checklist_knows(const qn_checklist_service *service, const char *document)
{
    for (size_t i = 0; document && i < service->n_items; i++)
        if (strcmp(service->items[i].name, document) == 0)
            return true;
    return false;
}

qn_code qn_checklist_missing(const qn_checklist_service *service, unsigned conditions,
                             const char *const *have, size_t n_have, const qn_checklist_item **missing,
                             size_t max, size_t *n_missing, qn_err *err)
{
    *n_missing = 0;
    unsigned stray = conditions & ~service->allowed;
    if (stray) {
        unsigned bit = stray & (~stray + 1u);
        const char *name = qn_checklist_condition_name(bit);
        return qn_err_field(err, "conditions", "%s does not apply to the service %s", name ? name : "unknown",
                            service->name);
    }
    for (size_t i = 0; i < n_have; i++) {
        if (!qn_checklist_knows(service, have[i])) {
            char field[32];
            snprintf(field, sizeof field, "have[%zu]", i);
            return qn_err_field(err, field, "is not a document of the service %s", service->name);
        }
    }
    for (size_t i = 0; i < service->n_items; i++) {
        const qn_checklist_item *item = &service->items[i];
        if (!qn_checklist_item_required(item, conditions))
            continue;
        bool present = false;
        for (size_t j = 0; j < n_have && !present; j++)
            present = strcmp(have[j], item->name) == 0;
        if (!present && *n_missing < max)
            missing[(*n_missing)++] = item;
    }
    return QN_OK;
}
