/* checklist_kz.c — the document tables of the registration services (see
 * checklist.h). Each row cites the seed it comes from. */
#include "core/checklist.h"

#define S000 "seed 000 (egov service passport: registration of foreigners temporarily staying)"
#define S002 "seed 002 (egov: temporary registration of citizens at place of residence)"
#define S003 "seed 003 (MVD rules of 16 Mar 2024: registration of permanent residents and refugees)"
#define S004 "seed 004 (AIFC expat centre: temporary residence permit documents)"

static const qn_checklist_item foreigner_temporary[] = {
    {"application", "Application for registration", 0, 0, S000},
    {"identity_document", "Valid identity document of the foreigner or stateless person with the entry visa",
     0, 0, S000},
    {"migration_card", "Migration card with the border crossing mark", 0, 0, S000},
    {"address_sheets", "Two filled address sheets of arrival", QN_CL_STAY_OVER_6_MONTHS, 0, S000},
    {"statistical_coupon", "Filled statistical coupon to the arrival sheet", QN_CL_STAY_OVER_6_MONTHS, 0, S000},
    {"photo", "One photo 3.5 x 4.5", QN_CL_STAY_OVER_6_MONTHS, 0, S000},
};

static const qn_checklist_item citizen_temporary[] = {
    {"identity_document", "National ID card and passport of Kazakhstan (if any)", 0, QN_CL_UNDER_16, S002},
    {"birth_certificate", "Birth certificate (children under 16)", QN_CL_UNDER_16, 0, S002},
    {"owner_identity_document", "National ID card of the housing owner (owner present in person)",
     QN_CL_NOT_OWNER, 0, S002},
    {"owner_consent", "Housing owner's consent to the registration (written or signed with EDS)",
     QN_CL_NOT_OWNER, 0, S002},
    {"co_owner_consent", "Consent of each co-owner of the housing (signed with EDS)", QN_CL_CO_OWNERS, 0, S002},
    {"representative_authority",
     "Documents of the representative's authority (parents, guardians) or a notarised power of attorney",
     QN_CL_REPRESENTATIVE, 0, S002},
    {"administration_petition", "Petition of the administration of the building used for accommodation",
     QN_CL_ACCOMMODATION_BUILDING, 0, S002},
    {"passport_consular_mark", "Passport with the mark of removal from the consular register",
     QN_CL_RETURNEE, QN_CL_NO_CONSULAR_MARK, S002},
    {"consular_deregistration_certificate",
     "Certificate of deregistration from the former country, issued by Kazakhstan's foreign mission",
     QN_CL_RETURNEE | QN_CL_NO_CONSULAR_MARK, 0, S002},
    {"foreign_deregistration_document",
     "Document of deregistration from the former place of residence by the foreign state's agency",
     QN_CL_RETURNEE | QN_CL_NO_CONSULAR_MARK, 0, S002},
};

static const qn_checklist_item permanent_resident[] = {
    {"identity_document", "Residence permit or stateless person's certificate (original or digital)", 0,
     QN_CL_REFUGEE, S003},
    {"refugee_certificate", "Refugee certificate (original or digital)", QN_CL_REFUGEE, 0, S003},
    {"owner_identity_document", "Identity document of the housing owner", QN_CL_NOT_OWNER, 0, S003},
    {"owner_consent", "Housing owner's consent to the registration", QN_CL_NOT_OWNER, 0, S003},
    {"representative_authority",
     "Documents of the representative's authority (children, incapacitated persons) or a notarised power of "
     "attorney",
     QN_CL_REPRESENTATIVE, 0, S003},
    {"administration_petition", "Request of the administration of the organisation for the registration",
     QN_CL_ACCOMMODATION_BUILDING, 0, S003},
    {"members_identity_documents", "Identity documents of the persons over 14 years registered", QN_CL_OVER_14,
     0, S003},
};

static const qn_checklist_item trp[] = {
    {"application", "Application for a temporary residence permit (logging form)", 0, 0, S004},
    {"passport_copy", "Clear copy of the passport, certified by a notary", 0, 0, S004},
    {"foreigner_iin", "Foreign citizen's IIN", 0, 0, S004},
    {"arrival_notification", "Notification of arrival", 0, 0, S004},
    {"invitation_letter", "Letter from the inviting party", 0, 0, S004},
    {"owner_consent", "Notarised consent of the housing owner, with the owner's IIN", QN_CL_NOT_OWNER, 0, S004},
    {"fee_payment", "Payment of the service fee", 0, 0, S004},
    {"fingerprint_registration", "Document confirming fingerprint registration (mandatory from 1 Jan 2024)", 0,
     0, S004 "; gov.kz/services/4631"},
    {"medical_insurance", "Medical insurance", 0, QN_CL_EAEU, "kz_rules.md §4.1 (gov.kz/services/4631; not for EAEU)"},
    {"company_registration_certificate", "Company's certificate of registration (from egov)", QN_CL_EMPLOYMENT,
     0, S004},
    {"head_appointment_order", "Order of appointment of the first head (Kazakh or Russian)", QN_CL_EMPLOYMENT, 0,
     S004},
    {"shareholder_resolution", "Shareholder resolution appointing the first head (Kazakh or Russian)",
     QN_CL_EMPLOYMENT, 0, S004},
    {"head_iin", "IIN of the first head or the representative", QN_CL_EMPLOYMENT, 0, S004},
    {"power_of_attorney", "Power of attorney for a citizen of Kazakhstan representing the company",
     QN_CL_THIRD_PARTY, 0, S004},
    {"employment_contract", "Employment contract registered in the unified system, or a civil-law contract",
     QN_CL_EMPLOYMENT, 0, S004},
    {"qualification_document", "Document confirming high qualification (legalised/apostilled) and a resume",
     QN_CL_EMPLOYMENT, 0, S004},
    {"dependents_certificates", "Birth or marriage certificates of the dependents", QN_CL_DEPENDENTS, 0, S004},
};

#define N(a) (sizeof a / sizeof a[0])

const qn_checklist_service qn_kz_checklist_services[] = {
    {"foreigner_temporary", "Registration of a foreigner or stateless person temporarily staying",
     QN_CL_STAY_OVER_6_MONTHS, foreigner_temporary, N(foreigner_temporary)},
    {"citizen_temporary", "Temporary registration of a citizen at the place of residence",
     QN_CL_UNDER_16 | QN_CL_RETURNEE | QN_CL_REPRESENTATIVE | QN_CL_NOT_OWNER | QN_CL_CO_OWNERS |
         QN_CL_ACCOMMODATION_BUILDING | QN_CL_NO_CONSULAR_MARK,
     citizen_temporary, N(citizen_temporary)},
    {"permanent_resident",
     "Permanent or temporary registration of permanently residing foreigners, stateless persons and refugees",
     QN_CL_REFUGEE | QN_CL_REPRESENTATIVE | QN_CL_NOT_OWNER | QN_CL_ACCOMMODATION_BUILDING | QN_CL_OVER_14,
     permanent_resident, N(permanent_resident)},
    {"trp", "Temporary residence permit",
     QN_CL_NOT_OWNER | QN_CL_EMPLOYMENT | QN_CL_DEPENDENTS | QN_CL_EAEU | QN_CL_THIRD_PARTY, trp, N(trp)},
};
const size_t qn_kz_checklist_services_count = N(qn_kz_checklist_services);
