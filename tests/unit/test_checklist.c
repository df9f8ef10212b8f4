/* test_checklist.c — required and missing documents per service and case
 * (seeds 000, 002, 003, 004). */
#include <string.h>

#include "core/checklist.h"
#include "support/qn_test.h"

static unsigned conds(const char *csv)
{
    unsigned all = 0;
    char buf[256];
    strncpy(buf, csv, sizeof buf - 1);
    buf[sizeof buf - 1] = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        unsigned bit;
        ck_assert_msg(qn_checklist_condition_parse(tok, &bit), "%s", tok);
        all |= bit;
    }
    return all;
}

/* Missing documents as one comma-joined string. */
static void missing_of(const char *service, const char *case_csv, const char *const *have, size_t n_have,
                       char *out, size_t cap)
{
    const qn_checklist_service *svc = qn_checklist_find(service);
    ck_assert_ptr_nonnull(svc);
    const qn_checklist_item *missing[32];
    size_t n = 0;
    ck_assert_int_eq(qn_checklist_missing(svc, conds(case_csv), have, n_have, missing, 32, &n, NULL), QN_OK);
    out[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            strncat(out, ",", cap - strlen(out) - 1);
        strncat(out, missing[i]->name, cap - strlen(out) - 1);
    }
}

START_TEST(missing_by_case)
{
    static const struct {
        const char *service, *case_csv;
        const char *have[4];
        const char *missing;
    } rows[] = {
        {"foreigner_temporary", "", {NULL}, "application,identity_document,migration_card"},
        {"foreigner_temporary", "", {"identity_document", "migration_card"}, "application"},
        {"foreigner_temporary", "stay_over_6_months", {"application", "identity_document", "migration_card"},
         "address_sheets,statistical_coupon,photo"},
        {"citizen_temporary", "", {NULL}, "identity_document"},
        {"citizen_temporary", "under_16", {NULL}, "birth_certificate"},
        {"citizen_temporary", "not_owner,co_owners", {"identity_document", "owner_consent"},
         "owner_identity_document,co_owner_consent"},
        {"citizen_temporary", "representative,accommodation_building", {"identity_document"},
         "representative_authority,administration_petition"},
        {"citizen_temporary", "returnee", {"identity_document"}, "passport_consular_mark"},
        {"citizen_temporary", "returnee,no_consular_mark", {"identity_document"},
         "consular_deregistration_certificate,foreign_deregistration_document"},
        {"permanent_resident", "", {NULL}, "identity_document"},
        {"permanent_resident", "refugee,over_14", {NULL}, "refugee_certificate,members_identity_documents"},
        {"permanent_resident", "not_owner", {"identity_document"}, "owner_identity_document,owner_consent"},
        {"trp", "eaeu", {"application", "passport_copy", "foreigner_iin", "arrival_notification"},
         "invitation_letter,fee_payment,fingerprint_registration"},
        {"trp", "", {"application", "passport_copy", "foreigner_iin", "arrival_notification"},
         "invitation_letter,fee_payment,fingerprint_registration,medical_insurance"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        size_t n_have = 0;
        while (n_have < 4 && rows[i].have[n_have])
            n_have++;
        char got[512];
        missing_of(rows[i].service, rows[i].case_csv, rows[i].have, n_have, got, sizeof got);
        ck_assert_msg(strcmp(got, rows[i].missing) == 0, "%s [%s]: %s, want %s", rows[i].service, rows[i].case_csv,
                      got, rows[i].missing);
    }
}
END_TEST

START_TEST(employment_trp_lists_company_documents)
{
    const qn_checklist_service *svc = qn_checklist_find("trp");
    ck_assert_ptr_nonnull(svc);
    size_t required = 0;
    for (size_t i = 0; i < svc->n_items; i++)
        required += qn_checklist_item_required(&svc->items[i], conds("employment,dependents,not_owner"));
    /* all 17 but power_of_attorney (third party only) */
    ck_assert_int_eq(required, svc->n_items - 1);
}
END_TEST

START_TEST(errors_and_names)
{
    const qn_checklist_service *svc = qn_checklist_find("citizen_temporary");
    const qn_checklist_item *missing[32];
    size_t n = 99;
    qn_err err;
    qn_err_clear(&err);
    const char *have[] = {"identity_document", "passport_of_mars"};
    ck_assert_int_eq(qn_checklist_missing(svc, 0, have, 2, missing, 32, &n, &err), QN_E_INVALID);
    ck_assert_str_eq(err.fields[0].field, "have[1]");
    ck_assert_int_eq(n, 0);
    qn_err_clear(&err);
    ck_assert_int_eq(qn_checklist_missing(svc, conds("refugee"), NULL, 0, missing, 32, &n, &err), QN_E_INVALID);
    ck_assert_str_eq(err.fields[0].field, "conditions");
    ck_assert_ptr_nonnull(strstr(err.fields[0].reason, "refugee"));
    ck_assert_ptr_null(qn_checklist_find("nonexistent"));
    ck_assert_ptr_null(qn_checklist_find(NULL));
    unsigned bit;
    ck_assert(!qn_checklist_condition_parse("over_9000", &bit));
    ck_assert_str_eq(qn_checklist_condition_name(1u << 2), "returnee");
    ck_assert_ptr_null(qn_checklist_condition_name(3));
    size_t count = 0;
    const qn_checklist_service *all = qn_checklist_services(&count);
    ck_assert_int_eq(count, 4);
    /* Names are unique within each service. */
    for (size_t s = 0; s < count; s++)
        for (size_t i = 0; i < all[s].n_items; i++)
            for (size_t j = i + 1; j < all[s].n_items; j++)
                ck_assert_str_ne(all[s].items[i].name, all[s].items[j].name);
}
END_TEST

static Suite *checklist_suite(void)
{
    Suite *s = suite_create("checklist");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, missing_by_case);
    tcase_add_test(tc, employment_trp_lists_company_documents);
    tcase_add_test(tc, errors_and_names);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(checklist_suite)
