/* reg_citizen.c — service 2: temporary registration of a citizen at a place
 * of residence (seed 002). The applicant (or a legal representative or a
 * trustee) names the address by its registration code; qonaq finds its
 * registered owners (property table) and, unless the applicant is the only
 * owner, asks the owner and every co-owner for a consent signed with their
 * own EDS (application.c). A building used for accommodation needs the
 * administration's petition instead of consents; a child under 16 is
 * identified by the birth certificate; a returning citizen brings the
 * consular deregistration documents (checklist, core/checklist_kz.c).
 * Once complete the registration is entered at once (seed 002: "within 10
 * minutes") in the population register.
 *
 * Who owns the housing is never claimed by the document: the property
 * table decides (application.c reads the address's owners). The automatic
 * check, run once every consent is in:
 *   - an address with no registered owner (and not a building used for
 *     accommodation, whose administration petitions instead) is refused as
 *     not_eligible: nobody could consent (seed 002: the owner's data comes
 *     from the address register by the address registration code);
 *   - an overlapping temporary registration of the same IIN is refused as
 *     duplicate_registration (a permanent registration elsewhere is what a
 *     temporary registration goes beside, so it does not count);
 *   - otherwise registered.
 *
 * Document members: "person": {"iin", "surname", "given_names",
 * "birth_date"}, "accommodation_building"?, "returnee"?, "consular_mark"?.
 */
#include <stdio.h>
#include <string.h>

#include "core/ident.h"
#include "service/application_internal.h"

static const char *const keys[] = {"person", "accommodation_building", "returnee", "consular_mark", NULL};

static void parse(const json_t *doc, qn_app_case *c, qn_svc_ctx *ctx, qn_err *e)
{
    (void)ctx;
    const json_t *p = json_object_get(doc, "person");
    if (!json_is_object(p)) {
        qn_err_field(e, "person", "is required");
    } else {
        char buf[QN_STORE_NAME_MAX + 1];
        qn_app_json_str(p, "person.", "iin", true, c->person_iin, sizeof c->person_iin, e);
        qn_app_json_str(p, "person.", "surname", true, buf, sizeof buf, e);
        qn_app_json_str(p, "person.", "given_names", true, buf, sizeof buf, e);
        qn_app_json_date(p, "person.", "birth_date", true, &c->birth_date, e);
        if (c->person_iin[0] && (strlen(c->person_iin) != 12 || !qn_iin_check(c->person_iin, 12, NULL)))
            qn_err_field(e, "person.iin", "is not a valid IIN");
        snprintf(c->person_key, sizeof c->person_key, "%s", c->person_iin);
    }
    c->accommodation = json_is_true(json_object_get(doc, "accommodation_building"));
    if (c->accommodation)
        c->conditions |= QN_CL_ACCOMMODATION_BUILDING;
    if (json_is_true(json_object_get(doc, "returnee"))) {
        c->conditions |= QN_CL_RETURNEE;
        if (!json_is_true(json_object_get(doc, "consular_mark")))
            c->conditions |= QN_CL_NO_CONSULAR_MARK;
    }
    /* seed 002: a child under 16 is identified by the birth certificate. */
    if (c->birth_date != QN_DATE_NONE && c->from != QN_DATE_NONE) {
        if (qn_age_years(c->birth_date, c->from) < 16)
            c->conditions |= QN_CL_UNDER_16;
    }
}

static void auto_check(qn_svc_ctx *ctx, qn_store_conn *conn, const qn_app_case *c, qn_app_auto *out)
{
    (void)ctx;
    /* The documents are complete (checked before) and every consent is in. */
    out->event = QN_APP_EV_AUTO_PASS;
    if (c->n_owners == 0 && !c->accommodation) {
        out->event = QN_APP_EV_AUTO_FAIL;
        out->reason = QN_REASON_NOT_ELIGIBLE;
        snprintf(out->text, sizeof out->text,
                 "address %s has no registered owner in the property table, so no owner can consent",
                 c->address_code);
        return;
    }
    qn_store_residence_list regs = {0};
    qn_err ignore;
    qn_err_clear(&ignore);
    if (qn_store_residences(conn, c->person_key, &regs, &ignore) == QN_OK) {
        for (size_t i = 0; i < regs.count; i++) {
            const qn_store_residence *r = &regs.items[i];
            if (strcmp(r->kind, "temporary") != 0)
                continue;
            bool overlaps = (c->to == QN_DATE_NONE || r->valid_from <= c->to) &&
                            (r->valid_to == QN_DATE_NONE || r->valid_to >= c->from);
            if (overlaps) {
                out->event = QN_APP_EV_AUTO_FAIL;
                out->reason = QN_REASON_DUPLICATE_REGISTRATION;
                snprintf(out->text, sizeof out->text,
                         "IIN %s is already registered temporarily at %s for an overlapping period",
                         c->person_iin, r->address_code);
                break;
            }
        }
    }
    qn_store_residence_list_free(&regs);
}

const qn_app_kind_ops qn_reg_citizen_ops = {
    .kind = QN_APP_CITIZEN_TEMPORARY,
    .keys = keys,
    .roles = {QN_ROLE_CITIZEN, QN_ROLE_HOST_INDIVIDUAL, QN_ROLE_NONE},
    .automatic = true,
    .residence_kind = "temporary",
    .parse = parse,
    .auto_check = auto_check,
};
