/* application.h — the application workflow of the service layer (issue 6):
 * submitting a signed application, the owners' consents, the officer's
 * queue and decisions, appeals, and what the applicant sees afterwards.
 *
 * Every change of state goes through qn_app_transition (core/workflow.h):
 * an illegal (state, event) is 409 "illegal_transition", a role the table
 * does not allow is 403 "wrong_actor". The new state is written with the
 * application's version (optimistic concurrency), the event is appended to
 * the application's history, the notice goes to the applicant's History of
 * Services (and to the owners' when they must act), and the store audits
 * each write — all in one store transaction per call.
 *
 * Who may do what is decided here, on every call:
 *   - the applicant sees and appeals or withdraws only their applications;
 *   - an owner sees and signs or refuses only the consents owed under their
 *     IIN (the account's IIN);
 *   - an officer sees and decides only the applications of their region
 *     (the region of the address); another region's application is 404,
 *     never 403, so its existence does not leak;
 *   - a senior officer (an officer marked by the administrator) decides
 *     appeals, never of a refusal they made themselves;
 *   - the administrator imports property, marks senior officers, and
 *     decides no case.
 * See docs/services.md.
 */
#ifndef QN_SERVICE_APPLICATION_H
#define QN_SERVICE_APPLICATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/workflow.h"
#include "service/notification.h"
#include "service/service.h"
#include "store/store.h"

#define QN_APP_DOC_MAX (64 * 1024) /* bytes of a signed application document */
#define QN_APP_SIG_MAX (64 * 1024) /* bytes of a base64/PEM CMS signature */
#define QN_APP_MAX_DOCS 24         /* attached documents per application */
#define QN_APP_MAX_MISSING 48      /* checklist lines (a per-person document counts once per person) */

/* A signed submission. document: the exact JSON text the applicant signed
 * (its kind is inside); signature: a detached CMS over those bytes, base64,
 * PEM or DER. idem_key may be NULL; with it, body_digest (SHA-256 of the
 * request) is required. */
typedef struct {
    const char *document;
    size_t document_len;
    const char *signature;
    size_t signature_len;
    const char *idem_key;
    const unsigned char *body_digest;
} qn_app_submit_in;

/* The read view: the stored application with its history, consents,
 * attached documents and signatures, and the documents the checklist still
 * misses (names from core/checklist.h). */
typedef struct {
    qn_store_application app;
    qn_store_app_event_list events;
    qn_store_consent_list consents;
    qn_store_app_document_list documents;
    qn_store_signature_list signatures; /* the applicant's and the owners' */
    bool overdue;
    const char *missing[QN_APP_MAX_MISSING]; /* static names */
    size_t n_missing;
    const char *required[QN_APP_MAX_MISSING];
    size_t n_required;
} qn_app_view;

void qn_app_view_free(qn_app_view *v);

/* Submits an application: verifies the signature (the signer is the
 * applicant; a host must be a citizen of 18+), validates the document of its
 * kind (422 naming each field), finds the region by the address, and runs
 * what follows at once: consents requested (citizen_temporary), the
 * automatic check (foreigner_temporary, and citizen_temporary once every
 * consent is in), or the officer's queue (permanent_resident). The signer
 * must be the caller's person (the account's IIN, or for an account without
 * one a signer bound to it); the signature is stored with the signed bytes,
 * the certificate and the result (re-verifiable: `qonaq sign verify --id`).
 * A service not yet in force on the day (qn_app_kind_available_on) is 422
 * "invalid.not_available". *id receives
 * the application; on an idempotent replay *replayed is true and *id is the
 * first answer's application. Errors: 401, 403 (role), 422 (document,
 * signature: code "signature.<reason>"), 409 (idempotency key with another
 * body), 503. */
qn_code qn_svc_app_submit(qn_svc_ctx *ctx, const qn_app_submit_in *in, int64_t *id, bool *replayed,
                          qn_err *e);

/* One application as its applicant, an officer of its region or a senior
 * officer sees it; anyone else: 404. Free the view with qn_app_view_free. */
qn_code qn_svc_app_get(qn_svc_ctx *ctx, int64_t id, qn_app_view *out, qn_err *e);

/* The caller's own applications, newest first (page 1.., per_page 1..200). */
qn_code qn_svc_app_mine(qn_svc_ctx *ctx, int64_t page, int64_t per_page, qn_store_application_list *out,
                        qn_err *e);

/* The officer's queue: applications of the officer's region, of kind when
 * given (NULL: any), in state when given (NULL: the states awaiting the
 * authority: submitted, auto_check, in_review, appealed — a case still
 * awaiting consents is listed only when asked for by state), only overdue
 * ones (pending, deadline before ctx->now) when overdue_only; by deadline,
 * so the overdue come first, then those without one. Filtered and paged by
 * the store (page 1.., per_page 1..1000), out->total counts every match.
 * 403 for anyone but officers. */
typedef struct {
    const char *kind;
    const char *state;
    bool overdue_only;
    int64_t page, per_page;
} qn_app_queue_query;
qn_code qn_svc_app_queue(qn_svc_ctx *ctx, const qn_app_queue_query *q, qn_store_application_list *out,
                         qn_err *e);

/* True when the application is pending and past its deadline at ctx->now. */
bool qn_svc_app_overdue(const qn_svc_ctx *ctx, const qn_store_application *a);

/* An action on an application: take, register, refuse (reason, text,
 * invalid documents), appeal (grounds in text), uphold, overturn (text),
 * withdraw. version 0: the current one; else it must match (409 stale). */
typedef struct {
    qn_app_event event;
    bool has_reason;
    qn_refusal_reason reason;
    const char *text;
    const char *const *invalid; /* document names found invalid (refuse) */
    size_t n_invalid;
    int64_t version;
    /* grant (trp, visa_extension, lost_passport, exit_visa) */
    bool has_period;      /* valid_from and valid_until were given */
    qn_date_t valid_from; /* the period the officer grants (within the rules' bounds) */
    qn_date_t valid_until;
    bool identity_established; /* lost_passport: the officer established the identity (seed 001) */
} qn_app_action;

/* Applies an action for the caller (applicant, officer, senior officer).
 * A case in review that another officer took is theirs: register, refuse
 * and grant by another officer of the region are 403 (sub
 * "assigned_to_other"); a senior officer may act on any case of the region.
 * register is refused (422, sub "incomplete") while documents are missing;
 * a refusal for incomplete_documents records exactly the missing and the
 * invalid documents in the reasons. Errors: 404 (not visible), 403
 * (wrong_actor, not senior, own refusal), 409 (illegal_transition,
 * stale_version), 422 (decision fields). */
qn_code qn_svc_app_act(qn_svc_ctx *ctx, int64_t id, const qn_app_action *act, qn_err *e);

/* The consents waiting for the caller (by the account's IIN), newest first;
 * an account without an IIN has none. */
qn_code qn_svc_consents_mine(qn_svc_ctx *ctx, qn_store_consent_list *out, qn_err *e);

/* Signs a consent with a detached CMS over the consent's document text
 * (signature base64/PEM/DER). The signer must be the owner the consent is
 * owed by: anyone else's signature is 422 "signature_refused.wrong_signer". A
 * consent not owed by the caller is 404. When the last consent is in, the
 * application goes on (submitted, automatic check). */
qn_code qn_svc_consent_sign(qn_svc_ctx *ctx, int64_t consent_id, const char *sig, size_t sig_len, qn_err *e);

/* Signs a consent by one-time code instead (SMS path, service/signing.h):
 * otp_id must have been confirmed by the caller for the hex SHA-256 of the
 * consent's document, by the owner's IIN (else 422
 * "signature_refused.wrong_signer"; not confirmed: 422 with the signing
 * service's sub code). Otherwise as qn_svc_consent_sign. */
qn_code qn_svc_consent_sign_otp(qn_svc_ctx *ctx, int64_t consent_id, int64_t otp_id, qn_err *e);

/* Refuses a consent (text optional): the application is declined. */
qn_code qn_svc_consent_refuse(qn_svc_ctx *ctx, int64_t consent_id, const char *text, qn_err *e);

/* The population register as the caller sees it: the registrations of the
 * account's own IIN and those made by the caller's own applications (a
 * child a parent registered, a permanent resident kept under the identity
 * document), newest first. */
qn_code qn_svc_my_registration(qn_svc_ctx *ctx, qn_store_residence_list *out, qn_err *e);

/* One property row of an import: an address and its owners. */
typedef struct {
    const char *code;
    const char *region;
    const char *text;
    size_t n_owners;
    qn_store_owner owners[16];
} qn_property_in;

/* The registration notice of a registered foreigner_temporary application
 * as a PDF (doc/pdf.h) in lang "kk", "ru" or "en" (NULL: kk), for whoever
 * may see the application. *pdf is malloc'd (free it). Errors: 404, 409
 * (sub "no_notice": another kind or not registered), 422 (lang). */
qn_code qn_svc_app_notice_pdf(qn_svc_ctx *ctx, int64_t id, const char *lang, unsigned char **pdf,
                              size_t *pdf_len, qn_err *e);

/* Role guards of route groups, decided here rather than in the adapters:
 * QN_OK for an officer (resp. the administrator), else 401 (anonymous) or
 * 403. Handlers of /officer/... (and /admin/...) call them first, so a
 * caller of the wrong role learns nothing about an id. */
qn_code qn_svc_app_officer_only(qn_svc_ctx *ctx, qn_err *e);
qn_code qn_svc_app_admin_only(qn_svc_ctx *ctx, qn_err *e);

/* Administrator: puts the addresses and replaces their owners (one
 * transaction; any invalid row refuses all, naming rows[i]). Every address
 * needs at least one owner with a valid IIN or BIN ("rows[i].owners"); an
 * owner's role is "owner" or "co_owner", and where none is given a sole
 * owner is the owner and several are co-owners (filled in, in rows). */
qn_code qn_svc_property_import(qn_svc_ctx *ctx, qn_property_in *rows, size_t n, qn_err *e);

/* Administrator: marks (or unmarks) an officer account as a senior officer. */
qn_code qn_svc_officer_set_senior(qn_svc_ctx *ctx, int64_t account_id, bool senior, qn_err *e);

#endif
