/* reg_resident.c — service 3: permanent or temporary registration of
 * foreigners permanently residing, and of refugees (seed 003, MVD rules in
 * force from 2024-03-16). The foreigner (or a representative) applies with
 * identity documents (original or electronic), the owner's identity document
 * and consent, and the identity documents of everyone over 14 registered;
 * an officer verifies completeness and either refuses an incomplete
 * application, listing what is missing, or registers the address in the
 * population register. No automatic check: the officer decides.
 *
 * Document members: "person": {"surname", "given_names", "citizenship",
 * "document": {"number", "country"}}, "refugee"?, "applicant_is_owner"?,
 * "members_over_14"? (how many persons over 14 are registered with the
 * applicant, 0..16: each needs one members_identity_documents entry in
 * documents[]), "accommodation_building"?, "registration"?: "permanent"
 * (default) or "temporary" (what the population register records).
 *
 * Ownership is checked against the property table: "applicant_is_owner":
 * true is accepted only when the signer is a registered owner of the
 * address; the owner's identity document and consent are required unless
 * the signer is one (whatever the document says).
 */
#include <stdio.h>
#include <string.h>

#include "service/application_internal.h"

static const char *const keys[] = {
    "person",       "refugee", "applicant_is_owner", "members_over_14", "accommodation_building",
    "registration", NULL};

static void parse(const json_t *doc, qn_app_case *c, qn_svc_ctx *ctx, qn_err *e)
{
    (void)ctx;
    const json_t *p = json_object_get(doc, "person");
    if (!json_is_object(p)) {
        qn_err_field(e, "person", "is required");
    } else {
        char buf[QN_STORE_NAME_MAX + 1];
        qn_app_json_str(p, "person.", "surname", true, buf, sizeof buf, e);
        qn_app_json_str(p, "person.", "given_names", true, buf, sizeof buf, e);
        qn_app_json_str(p, "person.", "citizenship", true, c->citizenship, sizeof c->citizenship, e);
        const json_t *d = json_object_get(p, "document");
        if (!json_is_object(d)) {
            qn_err_field(e, "person.document", "is required");
        } else {
            char country[4];
            qn_app_json_str(d, "person.document.", "number", true, c->doc_number, sizeof c->doc_number, e);
            qn_app_json_str(d, "person.document.", "country", true, country, sizeof country, e);
            snprintf(c->person_key, sizeof c->person_key, "DOC:%s:%s", country, c->doc_number);
        }
    }
    if (json_is_true(json_object_get(doc, "refugee")))
        c->conditions |= QN_CL_REFUGEE;
    c->claims_owner = json_is_true(json_object_get(doc, "applicant_is_owner"));
    if (json_is_true(json_object_get(doc, "accommodation_building")))
        c->conditions |= QN_CL_ACCOMMODATION_BUILDING;
    const json_t *m = json_object_get(doc, "members_over_14");
    if (m != NULL &&
        (!json_is_integer(m) || json_integer_value(m) < 0 || json_integer_value(m) > QN_APP_MAX_MEMBERS)) {
        qn_err_field(e, "members_over_14", "must be an integer from 0 to %d", QN_APP_MAX_MEMBERS);
    } else if (m != NULL && json_integer_value(m) > 0) {
        c->members_over_14 = (size_t)json_integer_value(m);
        c->conditions |= QN_CL_OVER_14;
    }
    const json_t *reg = json_object_get(doc, "registration");
    const char *rs = json_string_value(reg);
    if (reg != NULL && (!rs || (strcmp(rs, "permanent") != 0 && strcmp(rs, "temporary") != 0)))
        qn_err_field(e, "registration", "must be \"permanent\" or \"temporary\"");
    else
        snprintf(c->residence_kind, sizeof c->residence_kind, "%s", rs ? rs : "permanent");
}

/* Once the signer is known: the owner's documents are needed unless the
 * signer owns the housing; a claim of ownership must match the table. */
static void signed_by(qn_svc_ctx *ctx, qn_app_case *c, qn_err *e)
{
    (void)ctx;
    if (c->claims_owner && !c->applicant_is_owner)
        qn_err_field(e, "applicant_is_owner",
                     "IIN %s is not a registered owner of address %s in the property table", c->applicant_iin,
                     c->address_code);
    if (!c->applicant_is_owner)
        c->conditions |= QN_CL_NOT_OWNER;
}

const qn_app_kind_ops qn_reg_resident_ops = {
    .kind = QN_APP_PERMANENT_RESIDENT,
    .keys = keys,
    .roles = {QN_ROLE_FOREIGNER, QN_ROLE_NONE, QN_ROLE_NONE},
    .automatic = false,
    .residence_kind = "permanent",
    .parse = parse,
    .auto_check = NULL,
    .signed_by = signed_by,
};
