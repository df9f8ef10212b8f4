/* signing.h — electronic digital signatures, login by signature and
 * one-time codes in the service layer (issue 5).
 *
 * Trust. The trusted CA certificates and CRLs are what the administrator
 * configured (qn_svc_ca_upload, qn_svc_crl_upload), kept in the store. The
 * service builds one immutable qn_sign_trust from them and shares it between
 * request threads; a trust generation number in the store is raised by every
 * change, and each verification compares it with the cached one, so an upload
 * (by this or another instance on the same database) takes effect at the
 * next verification. Thread-safe.
 *
 * Documents. qn_svc_verify_signature checks a detached CMS over the exact
 * document bytes (policy in docs/signatures.md); qn_svc_store_signature
 * keeps an accepted signature with the document bytes, the signer
 * certificate and the verification result (store signatures +
 * signature_details); qn_svc_signature_reverify checks a stored one again
 * against today's trust (used by `qonaq sign verify --id N --db URL`).
 *
 * Login by signature. qn_svc_login_challenge issues a challenge (stored as
 * its SHA-256, valid QN_SVC_CHALLENGE_TTL seconds, usable once);
 * qn_svc_login_signature verifies a CMS over it with the login policy and
 * opens a session for the account bound to the signer (see
 * qn_svc_signer_bind).
 *
 * One-time codes (SMS path, for citizens without an EDS key): a citizen asks
 * for a code bound to the SHA-256 of a document (qn_svc_otp_issue); the code
 * goes to the phone listed for the citizen's IIN in the mobile citizens
 * database through the SMS gateway (sms.h); the citizen confirms it
 * (qn_svc_otp_confirm); another service accepts the confirmed code as the
 * citizen's signature of that document (qn_svc_otp_confirmed).
 */
#ifndef QN_SERVICE_SIGNING_H
#define QN_SERVICE_SIGNING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "service/auth.h"
#include "service/service.h"
#include "sign/sign.h"
#include "store/store.h"

#define QN_SVC_DOC_SIGN_MAX_AGE (24 * 3600) /* a live document signature may be a day old */
#define QN_SVC_CHALLENGE_TTL 300            /* a login challenge lives 5 minutes */
#define QN_SVC_OTP_WINDOW 600               /* rate window for issuing codes: 10 minutes */
#define QN_SVC_OTP_MAX_PER_WINDOW 3         /* codes per phone and per account in the window */
#define QN_SVC_MOBILE_IMPORT_MAX 10000      /* rows in one mobile-database import */

/* ---------------------------------------------------------------- verify */

/* Verifies a detached CMS signature `cms` (DER, base64 or PEM) over the
 * exact bytes `doc` against the administrator's trusted CAs and CRLs.
 * expected_id: the IIN or BIN that must have signed (NULL = anyone).
 * for_login: the login policy (digitalSignature without nonRepudiation,
 * certificate valid now, signing time at most 5 minutes old); otherwise the
 * document policy (signing time at most QN_SVC_DOC_SIGN_MAX_AGE old, and the
 * certificate valid both at the signing time and now: a live document cannot
 * be signed with an expired key and a back-dated signing time). Once the
 * administrator has loaded a CRL for a CA, that CA's certificates need a
 * CRL (none loadable: "crl_missing").
 * `result` must have been initialised with qn_sign_result_init; it is filled
 * as far as the check got (the caller frees it with qn_sign_result_free).
 * No authorisation: verification reveals nothing stored.
 * Errors: QN_E_SIGNATURE with e->sub = the sign module's code name
 * ("digest_mismatch", "revoked", ...); QN_E_UNAVAILABLE (store);
 * QN_E_INTERNAL/NOMEM. */
qn_code qn_svc_verify_signature(qn_svc_ctx *ctx, const unsigned char *doc, size_t doc_len,
                                const unsigned char *cms, size_t cms_len,
                                const char *expected_id /* IIN or BIN, NULL = anyone */, bool for_login,
                                qn_sign_result *result, qn_err *e);

/* Verifies a recorded detached CMS over its recorded document bytes again
 * with today's trust: the document policy without a maximum age (the
 * signing time was checked when it was accepted). expected_id as above
 * (an invalid one is ignored). Errors as qn_svc_verify_signature. (Branch
 * web: the officer's case page, service/portal.h.) */
qn_code qn_svc_verify_recorded(qn_svc_ctx *ctx, const unsigned char *doc, size_t doc_len, const unsigned char *cms,
                               size_t cms_len, const char *expected_id, qn_sign_result *result, qn_err *e);

/* Stores an accepted signature (result->code == QN_SIGN_OK, from
 * qn_svc_verify_signature over the same doc and cms) with the document
 * bytes, the signer certificate and the verification result, in one
 * transaction, audited. subject_kind: "application" or "consent" (subject_id
 * is the application's id; the record is listed with the application's
 * signatures, kind "signature" or "consent") or "notification" (the
 * notification's id; doc_ref "notification:<id>"). signer_role: "applicant",
 * "owner", "co_owner", "host", "officer" or "representative". The signer id
 * stored is the IIN (the BIN when the signer has one and the role is
 * "host"). *signature_id receives the new id. Authorisation: the caller's
 * service decides who may sign what; this refuses only anonymous callers
 * (QN_E_UNAUTHORIZED). Errors: QN_E_INVALID (bad kind, role, result not
 * ok), QN_E_TOO_LARGE, store errors. */
qn_code qn_svc_store_signature(qn_svc_ctx *ctx, const char *subject_kind, int64_t subject_id,
                               const char *signer_role, const unsigned char *doc, size_t doc_len,
                               const unsigned char *cms, size_t cms_len, const qn_sign_result *result,
                               int64_t *signature_id, qn_err *e);

/* Like qn_svc_store_signature, but on the caller's connection and inside
 * the caller's open transaction (qn_store_begin), so the signature, its
 * document and its verification result commit, or roll back, together with
 * the record they allow (an application, a consent). application_id: the
 * application the signature is listed with (0: none); subject_kind and
 * subject_id name what was signed ("application" and the application's id,
 * "consent" and the consent's id; doc_ref "<kind>:<id>"). Same checks and
 * errors as qn_svc_store_signature. */
qn_code qn_svc_store_signature_in(qn_svc_ctx *ctx, qn_store_conn *conn, const char *subject_kind,
                                  int64_t subject_id, int64_t application_id, const char *signer_role,
                                  const unsigned char *doc, size_t doc_len, const unsigned char *cms,
                                  size_t cms_len, const qn_sign_result *result, int64_t *signature_id,
                                  qn_err *e);

/* What is stored about a signature, besides the verification result. */
typedef struct {
    int64_t id;
    char subject_kind[33];
    int64_t subject_id;
    char signer_role[33];
    char signer_id[13];     /* IIN or BIN stored with the signature */
    char stored_result[64]; /* "valid" when stored */
    int64_t verified_at;
    int64_t created_at;
    char doc_sha256[65];
} qn_svc_signature_info;

/* Verifies the stored signature `signature_id` again over its stored
 * document with the current trust (document policy, no maximum age, the
 * stored signer required). Fills info (always when found) and result (must
 * be initialised). Authorisation: admin, officer or the system principal
 * (CLI); others QN_E_FORBIDDEN. Errors: QN_E_NOT_FOUND; QN_E_SIGNATURE
 * with the sub code when it no longer verifies (e.g. revoked since). */
qn_code qn_svc_signature_reverify(qn_svc_ctx *ctx, int64_t signature_id, qn_svc_signature_info *info,
                                  qn_sign_result *result, qn_err *e);

/* ------------------------------------------------- administration of trust */

/* QN_OK when the caller is an administrator, else QN_E_FORBIDDEN: lets an
 * adapter refuse an upload before decoding it (the functions below check
 * again). */
qn_code qn_svc_require_admin(const qn_svc_ctx *ctx, qn_err *e);

typedef struct {
    int64_t id;
    char name[129]; /* the CA's subject CN (or the whole subject) */
    char subject[512];
    char sha256[65]; /* fingerprint of the DER */
    bool enabled;
    int64_t not_before, not_after;
    int64_t created_at;
    bool has_crl;
    int64_t crl_this_update, crl_next_update;
} qn_svc_ca_view;

typedef struct {
    qn_svc_ca_view *items;
    size_t count;
} qn_svc_ca_list;

void qn_svc_ca_list_free(qn_svc_ca_list *l);

/* Uploads a trusted CA certificate (one, PEM or DER, basicConstraints
 * CA:TRUE, RSA >= 2048 or EC P-256/P-384). Uploading a disabled CA again
 * enables it. Admin only (QN_E_FORBIDDEN). Errors: QN_E_INVALID field
 * "certificate"; QN_E_TOO_LARGE; QN_E_CONFLICT (sub "ca_exists") when it is
 * already trusted. */
qn_code qn_svc_ca_upload(qn_svc_ctx *ctx, const unsigned char *blob, size_t len, qn_svc_ca_view *out,
                         qn_err *e);

/* Lists every CA (enabled and disabled) with its CRL dates. Admin only. */
qn_code qn_svc_ca_all(qn_svc_ctx *ctx, qn_svc_ca_list *out, qn_err *e);

/* Disables (removes from trust) CA `id`; the record stays for re-verifying
 * old signatures' history. Admin only. QN_E_NOT_FOUND when unknown. */
qn_code qn_svc_ca_disable(qn_svc_ctx *ctx, int64_t id, qn_err *e);

/* Uploads a CRL (PEM or DER): its issuer must be a trusted (enabled) CA,
 * its signature must verify with that CA's key, thisUpdate must not be in
 * the future and nextUpdate must not have passed. Replaces the CA's
 * previous CRL. *ca_id receives the CA. Admin only. Errors: QN_E_INVALID
 * field "crl" (sub "crl_invalid", "crl_expired", "untrusted_issuer"). */
qn_code qn_svc_crl_upload(qn_svc_ctx *ctx, const unsigned char *blob, size_t len, int64_t *ca_id, qn_err *e);

/* ------------------------------------------------------ login by signature */

#define QN_SVC_CHALLENGE_MAX (QN_SIGN_CHALLENGE_LEN + 1)

/* Issues a login challenge (anonymous callers too). out receives the text to
 * sign (QN_SIGN_CHALLENGE_LEN characters), *expires_at its expiry. */
qn_code qn_svc_login_challenge(qn_svc_ctx *ctx, char out[QN_SVC_CHALLENGE_MAX], int64_t *expires_at,
                               qn_err *e);

/* Logs in with a CMS signature over a challenge from qn_svc_login_challenge:
 * takes the challenge (unknown, used or expired: QN_E_UNAUTHORIZED sub
 * "challenge_invalid"), verifies with the login policy (QN_E_SIGNATURE with
 * the sign module's sub code), finds the enabled account bound to the
 * signer (qn_svc_signer_bind, else an individual account whose IIN is the
 * signer's; none: QN_E_UNAUTHORIZED sub "no_account") and opens a session
 * exactly like qn_svc_login. Login attempts count in the same rate limits
 * (by the signer's IIN and the address). */
qn_code qn_svc_login_signature(qn_svc_ctx *ctx, const char *challenge, const unsigned char *cms,
                               size_t cms_len, qn_session_out *out, qn_err *e);

/* Binds an account to a signer: the holder of IIN `iin`, acting for the
 * legal entity `bin` (NULL or "" for a person acting for themself), may log
 * in to account_id by signature. Admin or system only. */
qn_code qn_svc_signer_bind(qn_svc_ctx *ctx, int64_t account_id, const char *iin, const char *bin, qn_err *e);

/* True when the accepted signature `r` is by the calling account: the
 * signer (IIN, BIN) is bound to it (qn_svc_signer_bind), or the caller is a
 * person whose account IIN is the signer's (no BIN). For services that must
 * check "signed by the applicant himself" (the demo accounts are bound to
 * the demo CA's persons this way, see demo_pki.c). False on any error. */
bool qn_svc_signer_is_caller(qn_svc_ctx *ctx, const qn_sign_result *r);

/* ------------------------------------------------------------ one-time codes */

/* One row of the mobile citizens database (IIN -> phone). */
typedef struct {
    const char *iin;
    const char *phone; /* "+" and 10..15 digits, e.g. "+77011234567" */
} qn_svc_mobile_row;

/* Imports rows into the mobile citizens database (an existing IIN gets the
 * new phone). Every row is checked first (IIN check digit, phone form); any
 * bad row refuses the whole import with field errors "rows[N].iin" /
 * "rows[N].phone". At most QN_SVC_MOBILE_IMPORT_MAX rows, in one
 * transaction. Admin only. *imported receives the count. */
qn_code qn_svc_mobile_import(qn_svc_ctx *ctx, const qn_svc_mobile_row *rows, size_t n, size_t *imported,
                             qn_err *e);

typedef struct {
    int64_t id; /* the code's id, for confirm */
    int64_t expires_at;
    char phone_masked[24]; /* "+7701***4567" */
} qn_svc_otp_out;

/* Issues a one-time code for the calling citizen (role citizen, or a host
 * individual: a person with an IIN) to sign the document whose SHA-256 is
 * doc_digest (64 hex) for `purpose` ("consent", "application"; at most 32
 * characters). The phone comes from the mobile citizens database by the
 * account's IIN (none: QN_E_NOT_FOUND sub "no_phone"). Rate limit:
 * QN_SVC_OTP_MAX_PER_WINDOW codes per phone and per account within
 * QN_SVC_OTP_WINDOW seconds (QN_E_RATE_LIMITED sub "otp_rate"). Delivery
 * through the service's SMS gateway (sms.h). */
qn_code qn_svc_otp_issue(qn_svc_ctx *ctx, const char *doc_digest, const char *purpose, qn_svc_otp_out *out,
                         qn_err *e);

/* Confirms code `code` of one-time code `otp_id` for doc_digest (the
 * caller must be the account it was issued to, else QN_E_NOT_FOUND). Errors
 * as qn_otp_attempt: QN_E_CONFLICT "otp_used", QN_E_SIGNATURE "otp_expired"
 * / "otp_mismatch" (also for another digest), QN_E_RATE_LIMITED
 * "otp_attempts_exhausted". Every attempt is counted before answering. */
qn_code qn_svc_otp_confirm(qn_svc_ctx *ctx, int64_t otp_id, const char *code, const char *doc_digest,
                           qn_err *e);

/* For the applications service: QN_OK when one-time code otp_id was
 * confirmed for doc_digest by the calling account (or, for the system
 * principal, by anyone), and ok_iin receives the IIN of the person who
 * confirmed it. Errors: QN_E_NOT_FOUND (unknown or another account's code),
 * QN_E_SIGNATURE sub "otp_not_confirmed" or "otp_digest_mismatch". */
qn_code qn_svc_otp_confirmed(qn_svc_ctx *ctx, int64_t otp_id, const char *doc_digest, char ok_iin[13],
                             qn_err *e);

typedef struct {
    int64_t id;
    char phone[24];
    char text[513];
    int64_t created_at;
    int64_t sent_at;
} qn_svc_sms_view;

typedef struct {
    qn_svc_sms_view *items;
    size_t count;
} qn_svc_sms_list;

void qn_svc_sms_list_free(qn_svc_sms_list *l);

/* The newest messages of the outbox (newest first, at most limit, 1..200),
 * optionally for one phone (NULL = all). Admin only. */
qn_code qn_svc_outbox(qn_svc_ctx *ctx, const char *phone, int64_t limit, qn_svc_sms_list *out, qn_err *e);

#endif
