/* selfreg_service.h — the host's side of a self-registration (MVD Order
 * No. 923 of 17 Nov 2025, in force 2026-07-01; kz_rules.md §2.6): "the host
 * (owner) gets a push notice in the mobile app and confirms or refuses".
 * The immigrant's application itself goes through the application
 * workflow (kind self_registration, reg_selfreg.c).
 *
 * Who: the host named in the application (by IIN or BIN), signed in with
 * an account bound to that IIN/BIN (host-individual, host-legal-entity,
 * hotel). Anyone else sees nothing (404 for an id, an empty list).
 * Confirming is signing the exact text of qn_store_selfreg.document with
 * the host's EDS (detached CMS, as consents are signed); the confirmation
 * is checked again against Order 923's grounds for refusal (false data,
 * a violation of the permitted stay): a ground found refuses the
 * application instead (auto_fail). Refusing needs no signature.
 */
#ifndef QN_SERVICE_SELFREG_SERVICE_H
#define QN_SERVICE_SELFREG_SERVICE_H

#include "service/service.h"
#include "store/store.h"

/* The self-registrations awaiting the caller's answer, oldest first. 401
 * anonymous, 403 for roles that are not hosts. */
qn_code qn_svc_selfreg_pending(qn_svc_ctx *ctx, qn_store_selfreg_list *out, qn_err *e);

/* The host confirms the self-registration of application app_id with a
 * detached CMS over its document (base64, PEM or DER): the application is
 * registered (population register, kind temporary) and, for a change of
 * address, the previous address is deregistered (its stay ends the day
 * before the move). *state receives the application's new state
 * ("registered", or "refused" when a ground for refusal was found). 404 not the caller's; 409 already
 * answered or not awaiting the host; 422 signature (wrong signer: "signature_refused"). */
qn_code qn_svc_selfreg_confirm(qn_svc_ctx *ctx, int64_t app_id, const char *sig, size_t sig_len,
                               char state[QN_STORE_CODE_MAX + 1], qn_err *e);

/* The host refuses (text optional): the application is declined (reason
 * host_refused, not appealable). Errors as for the confirmation. */
qn_code qn_svc_selfreg_refuse(qn_svc_ctx *ctx, int64_t app_id, const char *text,
                              char state[QN_STORE_CODE_MAX + 1], qn_err *e);

#endif
