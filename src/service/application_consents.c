/* application_consents.c — the owners' consents to a citizen's temporary
 * registration (seed 002: the housing owner's consent, and every
 * co-owner's, "signed with EDS", or for a citizen in the mobile citizens
 * database confirmed by a one-time SMS password).
 *
 * A consent is owed under the owner's IIN: only an account of that IIN sees
 * it (anyone else: 404). Signing verifies the owner's detached CMS over the
 * consent's exact document text, the owner's IIN required, and stores it
 * with the signed bytes, the certificate and the result (signature_details)
 * in the same transaction as the consent's decision; or accepts a one-time
 * code the owner confirmed for that document's digest. When the last consent
 * is in, the application goes on (all_consents_in, the automatic check); a
 * refusal declines it.
 */
#include "service/application_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "service/signing.h"

qn_code qn_svc_consents_mine(qn_svc_ctx *ctx, qn_store_consent_list *out, qn_err *e)
{
    qn_err_clear(e);
    memset(out, 0, sizeof *out);
    if (ctx->who->role == QN_ROLE_NONE)
        return qn_err_set(e, QN_E_UNAUTHORIZED, "log in first");
    if (strlen(ctx->who->party_id) != 12)
        return QN_OK;
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc == QN_OK)
        rc = qn_store_consents(c.conn, 0, ctx->who->party_id, "pending", out, e);
    qn_svc_release(ctx, &c);
    return rc;
}

/* Loads a consent owed by the caller (404 otherwise) and its application. */
static qn_code load_consent(qn_svc_ctx *ctx, qn_store_conn *conn, int64_t id, qn_store_consent *k,
                            qn_store_application *a, qn_err *e)
{
    if (ctx->who->role == QN_ROLE_NONE)
        return qn_err_set(e, QN_E_UNAUTHORIZED, "log in first");
    qn_err miss;
    qn_err_clear(&miss);
    qn_code rc = qn_store_consent_get(conn, id, k, &miss);
    if (rc == QN_OK && strcmp(k->owner_iin, ctx->who->party_id) != 0)
        rc = QN_E_NOT_FOUND;
    if (rc == QN_E_NOT_FOUND)
        return qn_err_set(e, QN_E_NOT_FOUND, "consent %" PRId64 " not found", id);
    if (rc != QN_OK) {
        *e = miss;
        return rc;
    }
    if (strcmp(k->state, "pending") != 0) {
        qn_err_set(e, QN_E_CONFLICT, "consent %" PRId64 " is already %s", id, k->state);
        qn_err_sub(e, "consent_decided");
        return QN_E_CONFLICT;
    }
    return qn_store_application_get(conn, k->application_id, a, e);
}

/* Signs consent_id: with the CMS sig, or (sig NULL) as confirmed by one-time
 * code otp_id, already checked to be the owner's. */
static qn_code consent_signed(qn_svc_ctx *ctx, int64_t consent_id, const char *sig, size_t sig_len,
                              int64_t otp_id, qn_err *e)
{
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    rc = qn_store_begin(c.conn, e);
    qn_store_consent k;
    memset(&k, 0, sizeof k);
    qn_store_application a;
    memset(&a, 0, sizeof a);
    if (rc == QN_OK)
        rc = load_consent(ctx, c.conn, consent_id, &k, &a, e);
    char signer[13] = "";
    int64_t sig_id = 0;
    if (rc == QN_OK && sig != NULL)
        rc = qn_app_sign_and_store(ctx, c.conn, "consent", k.id, a.id, k.document, strlen(k.document), sig,
                                   sig_len, k.owner_iin, k.role, signer, &sig_id, e);
    if (rc == QN_OK)
        rc = qn_store_consent_decide(c.conn, k.id, "signed", sig_id, ctx->now, e);
    char how[64];
    if (sig != NULL)
        snprintf(how, sizeof how, "signature %" PRId64, sig_id);
    else
        snprintf(how, sizeof how, "one-time code %" PRId64, otp_id);
    qn_app_decision none = {.text = how, .valid_from = QN_DATE_NONE, .valid_until = QN_DATE_NONE};
    if (rc == QN_OK)
        rc = qn_app_step(ctx, c.conn, &a, QN_APP_EV_CONSENT_GIVEN, QN_ACTOR_CO_SIGNER, &none, NULL,
                         ctx->who->account_id, e);
    qn_store_consent_list pending = {0};
    if (rc == QN_OK)
        rc = qn_store_consents(c.conn, a.id, NULL, "pending", &pending, e);
    if (rc == QN_OK && pending.count == 0)
        rc = qn_app_after_consents(ctx, c.conn, &a, e);
    qn_store_consent_list_free(&pending);
    if (rc == QN_OK)
        rc = qn_store_commit(c.conn, e);
    qn_store_application_clear(&a);
    qn_svc_release(ctx, &c);
    return rc;
}

qn_code qn_svc_consent_sign(qn_svc_ctx *ctx, int64_t consent_id, const char *sig, size_t sig_len, qn_err *e)
{
    qn_err_clear(e);
    if (sig == NULL)
        return qn_err_field(e, "signature", "is required");
    return consent_signed(ctx, consent_id, sig, sig_len, 0, e);
}

qn_code qn_svc_consent_sign_otp(qn_svc_ctx *ctx, int64_t consent_id, int64_t otp_id, qn_err *e)
{
    qn_err_clear(e);
    /* Read the consent (owed by the caller), then ask the signing service
     * whether the code was confirmed for its document by its owner. */
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    qn_store_consent k;
    memset(&k, 0, sizeof k);
    qn_store_application a;
    memset(&a, 0, sizeof a);
    if (rc == QN_OK)
        rc = load_consent(ctx, c.conn, consent_id, &k, &a, e);
    qn_store_application_clear(&a);
    qn_svc_release(ctx, &c);
    if (rc != QN_OK)
        return rc;
    char digest[65], iin[13] = "";
    qn_svc_sha256_hex(k.document, digest);
    rc = qn_svc_otp_confirmed(ctx, otp_id, digest, iin, e);
    if (rc == QN_OK && strcmp(iin, k.owner_iin) != 0) {
        rc = qn_err_set(e, QN_E_SIGNATURE,
                        "the one-time code was confirmed by IIN %s, but IIN %s must consent", iin,
                        k.owner_iin);
        qn_err_sub(e, "wrong_signer");
    }
    if (rc != QN_OK)
        return rc;
    return consent_signed(ctx, consent_id, NULL, 0, otp_id, e);
}

qn_code qn_svc_consent_refuse(qn_svc_ctx *ctx, int64_t consent_id, const char *text, qn_err *e)
{
    qn_err_clear(e);
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    rc = qn_store_begin(c.conn, e);
    qn_store_consent k;
    memset(&k, 0, sizeof k);
    qn_store_application a;
    memset(&a, 0, sizeof a);
    if (rc == QN_OK)
        rc = load_consent(ctx, c.conn, consent_id, &k, &a, e);
    if (rc == QN_OK)
        rc = qn_store_consent_decide(c.conn, k.id, "refused", 0, ctx->now, e);
    qn_app_decision dec = {.has_reason = true,
                           .reason = QN_REASON_OWNER_REFUSED,
                           .text = text,
                           .valid_from = QN_DATE_NONE,
                           .valid_until = QN_DATE_NONE};
    char reasons[128];
    snprintf(reasons, sizeof reasons, "{\"reason\":\"owner_refused\",\"consent\":%" PRId64 "}", consent_id);
    if (rc == QN_OK)
        rc = qn_app_step(ctx, c.conn, &a, QN_APP_EV_CONSENT_REFUSED, QN_ACTOR_CO_SIGNER, &dec, reasons,
                         ctx->who->account_id, e);
    if (rc == QN_OK)
        rc = qn_store_consent_close_all(c.conn, a.id, e);
    if (rc == QN_OK)
        rc = qn_store_commit(c.conn, e);
    qn_store_application_clear(&a);
    qn_svc_release(ctx, &c);
    return rc;
}
