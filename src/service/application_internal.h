/* application_internal.h — what the files of the application workflow share
 * (application*.c) and what the per-service files (reg_foreigner.c,
 * reg_citizen.c, reg_resident.c, and the kinds helper "control" adds) plug
 * in: the typed case an application document decodes into, and the hooks
 * of each kind (qn_app_kind_ops).
 *
 * Adding a kind: write reg_<kind>.c with a const qn_app_kind_ops, declare it
 * below and return it from qn_app_ops_of (application.c). The fields marked
 * "optional" may be left out (zero) by a kind that does not need them.
 */
#ifndef QN_SERVICE_APPLICATION_INTERNAL_H
#define QN_SERVICE_APPLICATION_INTERNAL_H

#include <jansson.h>

#include "core/checklist.h"
#include "service/application.h"
#include "service/service_internal.h"
#include "sign/sign.h"

#define QN_APP_MAX_OWNERS 16         /* owners of one address read from the property table */
#define QN_APP_MAX_MEMBERS 16        /* persons over 14 registered with a permanent resident */
#define QN_APP_MAX_STRUCTURED_DOCS 4 /* documents a kind derives from its structured members */

/* One attached document. type: a checklist machine name. */
typedef struct {
    char type[48];
    char number[QN_STORE_NUMBER_MAX + 1];
    char issuer[QN_STORE_NAME_MAX + 1];
    bool electronic;       /* false: the original is presented */
    qn_date_t valid_until; /* QN_DATE_NONE if not given */
    char digest[65];       /* SHA-256 hex of an electronic document; "" if not given */
} qn_app_doc;

/* A decoded application document (all kinds). */
typedef struct {
    qn_app_kind kind;
    qn_app_representation rep;
    char address_code[QN_STORE_NUMBER_MAX + 1];
    char region[QN_STORE_REGION_MAX + 1];     /* from the address */
    char person_key[65];                      /* who is registered (IIN or DOC:...) */
    char applicant_iin[QN_STORE_IIN_LEN + 1]; /* the signer's IIN ("" until known) */
    qn_date_t from, to;
    unsigned conditions; /* checklist conditions */
    size_t n_docs;
    qn_app_doc docs[QN_APP_MAX_DOCS + QN_APP_MAX_STRUCTURED_DOCS]; /* documents[], then the structured */
    /* the registered owners of the address (property table), read by decode */
    size_t n_owners;
    qn_store_owner owners[QN_APP_MAX_OWNERS];
    bool applicant_is_owner; /* the signer is one of owners (set with the signer) */
    /* the population register's kind for this case ("" : the kind's ops) */
    char residence_kind[16];
    /* foreigner_temporary, permanent_resident */
    char citizenship[4];
    char doc_number[QN_STORE_NUMBER_MAX + 1];
    qn_date_t doc_expires;
    qn_date_t entry_date;
    qn_date_t visa_until;
    bool border_mark;
    /* citizen_temporary */
    char person_iin[QN_STORE_IIN_LEN + 1];
    qn_date_t birth_date;
    bool accommodation;
    /* permanent_resident */
    bool claims_owner;      /* "applicant_is_owner": true in the document */
    size_t members_over_14; /* persons over 14 registered with the applicant */
} qn_app_case;

/* What the automatic check decided. */
typedef struct {
    qn_app_event event;       /* auto_pass, auto_fail or route_to_officer */
    qn_refusal_reason reason; /* auto_fail */
    char text[QN_STORE_TEXT_MAX + 1];
} qn_app_auto;

/* Decodes the kind-specific members of a document (the generic ones are
 * decoded by application.c) into c, recording field errors in e. */
typedef void (*qn_app_parse_fn)(const json_t *doc, qn_app_case *c, qn_svc_ctx *ctx, qn_err *e);

typedef struct {
    qn_app_kind kind;
    const char *const *keys;    /* the members the document may have (besides the generic) */
    qn_role roles[3];           /* the account roles that may apply (QN_ROLE_NONE ends) */
    bool automatic;             /* runs the automatic check after submission */
    const char *residence_kind; /* "temporary" or "permanent" in the population register */
    qn_app_parse_fn parse;
    /* the automatic check (automatic kinds only) */
    void (*auto_check)(qn_svc_ctx *ctx, qn_store_conn *conn, const qn_app_case *c, qn_app_auto *out);
    /* Optional: document types that only the kind's structured members give
     * (e.g. the foreigner's identity document and the migration card with its
     * border-crossing mark); listing one in documents[] is refused, so the
     * checklist cannot be satisfied by a bare claim. NULL-terminated. */
    const char *const *structured_docs;
    /* Optional: called once the signer (c->applicant_iin) and the address's
     * owners (c->owners, c->applicant_is_owner) are known — at submission,
     * and each time a stored application is decoded again — to derive what
     * depends on them (checklist conditions) and to check the document's
     * claims against the property table. Field errors go to e (reported at
     * submission only). */
    void (*signed_by)(qn_svc_ctx *ctx, qn_app_case *c, qn_err *e);
    /* Optional hooks of the stay-control kinds (NULL for the
     * others). after_submit: runs instead of the automatic check once the
     * submit step is made (the signer's IIN is in c->applicant_iin); its
     * errors refuse the submission. grant: an officer's grant, before the
     * step: checks the transition and the decision (act), fills dec and
     * *reasons (malloc'd JSON text, freed by the caller) and records what is
     * issued, all in the caller's transaction. */
    qn_code (*after_submit)(qn_svc_ctx *ctx, qn_store_conn *conn, qn_store_application *a,
                            const qn_app_case *c, qn_err *e);
    qn_code (*grant)(qn_svc_ctx *ctx, qn_store_conn *conn, qn_store_application *a, const qn_app_case *c,
                     const qn_app_action *act, qn_actor_role role, qn_app_decision *dec, char **reasons,
                     qn_err *e);
} qn_app_kind_ops;

extern const qn_app_kind_ops qn_reg_foreigner_ops;
extern const qn_app_kind_ops qn_reg_citizen_ops;
extern const qn_app_kind_ops qn_reg_resident_ops;
extern const qn_app_kind_ops qn_reg_trp_ops;       /* reg_trp.c */
extern const qn_app_kind_ops qn_reg_visa_ext_ops;  /* reg_visa_ext.c */
extern const qn_app_kind_ops qn_reg_loss_ops;      /* reg_loss.c */
extern const qn_app_kind_ops qn_reg_exit_visa_ops; /* reg_exit_visa.c */
extern const qn_app_kind_ops qn_reg_selfreg_ops;   /* reg_selfreg.c */

/* One step of the workflow (application.c's step(): transition, version,
 * history, notice, audit) for the per-kind services. */
qn_code qn_app_step(qn_svc_ctx *ctx, qn_store_conn *conn, qn_store_application *a, qn_app_event ev,
                    qn_actor_role role, const qn_app_decision *dec, const char *reasons, int64_t notify_also,
                    qn_err *e);

/* ------------------------------------------------ application.c: decoding */

/* The hooks of a kind, or NULL for a kind no service handles. */
const qn_app_kind_ops *qn_app_ops_of(qn_app_kind kind);

/* Decodes the document text into c (generic members, then the kind's
 * parser), resolves the address (its region and owners). *ops_out receives
 * the kind's hooks. Errors: 400 (not a JSON object), 422 with field errors. */
qn_code qn_app_decode(qn_svc_ctx *ctx, qn_store_conn *conn, const char *text, size_t len, qn_app_case *c,
                      const qn_app_kind_ops **ops_out, qn_err *e);

/* Sets the signer of c (applicant_iin, applicant_is_owner) and runs the
 * kind's signed_by hook, recording field errors in e. */
void qn_app_case_signed_by(qn_svc_ctx *ctx, qn_app_case *c, const char *iin, qn_err *e);

/* The stored application a decoded again, with its signer (the IIN of its
 * applicant's stored signature). QN_E_INTERNAL if it no longer decodes. */
qn_code qn_app_case_of(qn_svc_ctx *ctx, qn_store_conn *conn, const qn_store_application *a, qn_app_case *c,
                       qn_err *e);

/* The documents of c's checklist (required[], *n_required) and those still
 * missing (missing[], *n): static names, in checklist order. A document
 * needed once per person (members_identity_documents: one per person over
 * 14) is listed as many times as it is needed, and as missing as many times
 * as it is short. */
void qn_app_case_missing(const qn_app_case *c, const char **missing, size_t *n, const char **required,
                         size_t *n_required);

/* True when a document of type is attached. */
bool qn_app_case_has(const qn_app_case *c, const char *type);

/* Decodes a YYYY-MM-DD member (required or not) into *out, recording errors. */
void qn_app_json_date(const json_t *o, const char *path, const char *key, bool required, qn_date_t *out,
                      qn_err *e);
/* Copies a string member of 1..cap-1 bytes into dst, recording errors. */
void qn_app_json_str(const json_t *o, const char *path, const char *key, bool required, char *dst, size_t cap,
                     qn_err *e);

/* ---------------------------------------- application_step.c: transitions */

/* Applies event by role to a (in place): the core's transition, the
 * decision's check, the new state, deadline and decision written with the
 * version read, the event appended, the notice sent to the applicant (and
 * to notify_also, 0: none) and audited — on conn, inside the caller's
 * transaction. reasons: a JSON text recorded as the decision's reasons (may
 * be NULL). */
qn_code qn_app_step(qn_svc_ctx *ctx, qn_store_conn *conn, qn_store_application *a, qn_app_event ev,
                    qn_actor_role role, const qn_app_decision *dec, const char *reasons, int64_t notify_also,
                    qn_err *e);

/* Sends notice n about a to account_id's History of Services (0: nobody);
 * extra: a JSON text added as "decision" (may be NULL). */
qn_code qn_app_notice_to(qn_store_conn *conn, int64_t account_id, const qn_store_application *a,
                         const qn_app_notice *n, const char *extra, qn_err *e);

/* Records the registration of c in the population register. */
qn_code qn_app_record_residence(qn_store_conn *conn, const qn_store_application *a, const qn_app_case *c,
                                qn_err *e);

/* After submitted: the automatic check of an automatic kind (missing
 * documents first, then the kind's auto_check), and its outcome. */
qn_code qn_app_run_automatic(qn_svc_ctx *ctx, qn_store_conn *conn, qn_store_application *a,
                             const qn_app_case *c, qn_err *e);

/* Every consent is in: all_consents_in, then the automatic check. */
qn_code qn_app_after_consents(qn_svc_ctx *ctx, qn_store_conn *conn, qn_store_application *a, qn_err *e);

/* ------------------------------------- application_submit.c: signatures */

/* Verifies the detached CMS sig over doc (the signer must be expected_iin
 * when not NULL) and stores it, with the document and the verification
 * result, on conn in the caller's transaction (qn_svc_store_signature_in):
 * subject "application" (subject_id the application) or "consent"
 * (subject_id the consent). *signer receives the IIN, *sig_id the record. */
qn_code qn_app_sign_and_store(qn_svc_ctx *ctx, qn_store_conn *conn, const char *subject_kind,
                              int64_t subject_id, int64_t app_id, const char *doc, size_t doc_len,
                              const char *sig, size_t sig_len, const char *expected_iin, const char *role,
                              char signer[13], int64_t *sig_id, qn_err *e);

/* ------------------------------------------ application_view.c: visibility */

typedef enum { QN_APP_SEE_NONE, QN_APP_SEE_APPLICANT, QN_APP_SEE_OFFICER } qn_app_seer;

/* Loads application id if the caller may see it (its applicant, an officer
 * of its region); 404 otherwise. *senior: the caller is a senior officer. */
qn_code qn_app_load_visible(qn_svc_ctx *ctx, qn_store_conn *conn, int64_t id, qn_store_application *a,
                            qn_app_seer *as, bool *senior, qn_err *e);

#endif
