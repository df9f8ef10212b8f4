/* sign_login.c — logging in with an electronic signature, and the bindings
 * between signers and accounts (see signing.h).
 *
 * Flow: the client asks for a challenge ("qonaq-login-v1:" + 64 hex, from
 * the sign module); the store keeps only its SHA-256 with an expiry of
 * QN_SVC_CHALLENGE_TTL. The client signs the challenge text with its
 * authentication key (detached CMS) and sends both. The challenge is taken
 * (marked used) before the signature is checked, so it is single use even
 * when the signature is wrong or two requests race. The signature is
 * verified with the login policy (sign.h); the account is the enabled one
 * bound to the signer's (IIN, BIN) in signer_bindings, or, for a person
 * signing for themself, an individual account whose IIN is the signer's.
 * Then a session is opened exactly as password login does (auth.c): 32
 * random bytes as the token, its SHA-256 stored, a CSRF token beside it.
 * Attempts count in the login rate limits: the address limit is checked
 * before anything else, and attempts are recorded under "eds:<IIN>" — for
 * a valid signature through the atomic login gate (qn_store_login_gate).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "service/signing_internal.h"

qn_code qn_svc_login_challenge(qn_svc_ctx *ctx, char out[QN_SVC_CHALLENGE_MAX], int64_t *expires_at,
                               qn_err *e)
{
    out[0] = '\0';
    qn_code rc = qn_sign_challenge_new(out, e);
    if (rc != QN_OK)
        return rc;
    char hash[65];
    qn_svc_sha256_hex(out, hash);
    *expires_at = ctx->now + QN_SVC_CHALLENGE_TTL;
    qn_svc_conn c = {0};
    rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc == QN_OK)
        rc = qn_store_challenge_add(c.conn, hash, ctx->now, *expires_at, e);
    qn_svc_release(ctx, &c);
    if (rc != QN_OK)
        out[0] = '\0';
    return rc;
}

static void random_hex(char *out, size_t nbytes)
{
    unsigned char buf[32];
    randombytes_buf(buf, nbytes);
    sodium_bin2hex(out, nbytes * 2 + 1, buf, nbytes);
    sodium_memzero(buf, sizeof buf);
}

static bool individual(const qn_store_account *a)
{
    qn_role r = qn_svc_role_of(a);
    return r == QN_ROLE_HOST_INDIVIDUAL || r == QN_ROLE_CITIZEN;
}

/* The enabled account the signer logs in to, or QN_E_NOT_FOUND. */
static qn_code find_account(qn_store_conn *conn, const qn_sign_result *r, qn_store_account *out, qn_err *e)
{
    int64_t ids[16];
    size_t n = 0;
    qn_code rc = qn_store_signer_accounts(conn, r->iin, r->bin, ids, 16, &n, e);
    bool bound = n > 0;
    if (rc == QN_OK && !bound && !r->bin[0])
        rc = qn_store_accounts_by_iin_bin(conn, r->iin, ids, 16, &n, e);
    for (size_t i = 0; rc == QN_OK && i < n; i++) {
        qn_store_account a;
        qn_err miss;
        qn_err_clear(&miss);
        if (qn_store_account_get(conn, ids[i], &a, &miss) != QN_OK || a.disabled)
            continue;
        if (!bound && !individual(&a))
            continue;
        *out = a;
        return QN_OK;
    }
    if (rc != QN_OK)
        return rc;
    return QN_E_NOT_FOUND;
}

qn_code qn_svc_login_signature(qn_svc_ctx *ctx, const char *challenge, const unsigned char *cms,
                               size_t cms_len, qn_session_out *out, qn_err *e)
{
    memset(out, 0, sizeof *out);
    if (!challenge || strlen(challenge) != QN_SIGN_CHALLENGE_LEN ||
        strncmp(challenge, QN_SIGN_CHALLENGE_PREFIX, strlen(QN_SIGN_CHALLENGE_PREFIX)) != 0) {
        qn_err_set(e, QN_E_INVALID, "the challenge is not one qonaq issued");
        return qn_err_field(e, "challenge", "must be the text of POST /api/v1/auth/challenge");
    }
    char hash[65];
    qn_svc_sha256_hex(challenge, hash);
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    int64_t by_addr = 0;
    rc = qn_store_login_failures(c.conn, "", ctx->client_addr, ctx->now - QN_LOGIN_WINDOW, NULL, &by_addr, e);
    if (rc == QN_OK && by_addr >= QN_LOGIN_MAX_PER_ADDR) {
        rc = qn_err_set(e, QN_E_RATE_LIMITED,
                        "too many failed logins from this address; try again in a few minutes");
        qn_err_sub(e, "login_rate");
    }
    qn_err miss;
    qn_err_clear(&miss);
    if (rc == QN_OK && qn_store_challenge_take(c.conn, hash, ctx->now, &miss) != QN_OK) {
        if (miss.code != QN_E_NOT_FOUND) {
            if (e)
                *e = miss;
            rc = miss.code;
        } else {
            rc = qn_err_set(e, QN_E_UNAUTHORIZED,
                            "the challenge is unknown, used or expired; ask for a new one");
            qn_err_sub(e, "challenge_invalid");
        }
    }
    qn_svc_release(ctx, &c); /* no connection held during the verification */
    if (rc != QN_OK)
        return rc;

    qn_sign_result r;
    qn_sign_result_init(&r);
    rc = qn_svc_verify_signature(ctx, (const unsigned char *)challenge, strlen(challenge), cms, cms_len, NULL,
                                 true, &r, e);
    char who[32];
    snprintf(who, sizeof who, "eds:%s", r.iin[0] ? r.iin : "unknown");
    qn_code rc2 = qn_svc_acquire_writer(ctx, &c, rc == QN_OK ? e : &miss);
    if (rc2 != QN_OK) {
        qn_sign_result_free(&r);
        return rc == QN_OK ? rc2 : rc;
    }
    /* A valid signature: the check and the count of the signer's attempts
     * are one atomic step (qn_store_login_gate, as for passwords in auth.c),
     * so concurrent attempts for one person are counted one by one. The
     * attempt is recorded as failed and becomes a success below. */
    qn_err ignore;
    int64_t by_user = 0, attempt_id = 0;
    bool admitted = false;
    if (rc == QN_OK)
        rc = qn_store_login_gate(c.conn, who, ctx->client_addr, ctx->now - QN_LOGIN_WINDOW,
                                 QN_LOGIN_MAX_PER_ACCOUNT, QN_LOGIN_MAX_PER_ADDR, ctx->now, &admitted,
                                 &attempt_id, &by_user, NULL, e);
    else /* a refused signature is a failed attempt of whoever it names */
        qn_store_login_attempt_add(c.conn, who, ctx->client_addr, false, ctx->now, &ignore);
    if (rc == QN_OK && !admitted) {
        rc = qn_err_set(e, QN_E_RATE_LIMITED, "too many failed logins %s; try again in a few minutes",
                        by_user >= QN_LOGIN_MAX_PER_ACCOUNT ? "for this person" : "from this address");
        qn_err_sub(e, "login_rate");
    }
    qn_store_account acct;
    memset(&acct, 0, sizeof acct);
    if (rc == QN_OK) {
        rc = find_account(c.conn, &r, &acct, e);
        if (rc == QN_E_NOT_FOUND) {
            rc = qn_err_set(e, QN_E_UNAUTHORIZED,
                            "the signature is valid but no account is bound to IIN %s%s%s", r.iin,
                            r.bin[0] ? " acting for BIN " : "", r.bin);
            qn_err_sub(e, "no_account");
        }
    }
    if (rc == QN_OK)
        qn_store_login_attempt_succeeded(c.conn, attempt_id, &ignore);
    qn_store_session s;
    memset(&s, 0, sizeof s);
    if (rc == QN_OK) {
        random_hex(out->token, 32);
        random_hex(out->csrf, 32);
        qn_svc_sha256_hex(out->token, s.token_hash);
        qn_svc_sha256_hex(out->csrf, s.csrf_hash);
        s.account_id = acct.id;
        s.created_at = ctx->now;
        s.expires_at = ctx->now + QN_SESSION_TTL;
        qn_store_set_actor(c.conn, acct.id, acct.username);
        rc = qn_store_session_create(c.conn, &s, e);
    }
    if (rc == QN_OK) {
        char id[32];
        snprintf(id, sizeof id, "%lld", (long long)acct.id);
        qn_store_audit_append(c.conn, "login_signature", "account", id, NULL, NULL, &ignore);
        out->expires_at = s.expires_at;
        out->role = qn_svc_role_of(&acct);
        out->account_id = acct.id;
    }
    qn_svc_release(ctx, &c);
    qn_sign_result_free(&r);
    if (rc != QN_OK) {
        sodium_memzero(out->token, sizeof out->token);
        sodium_memzero(out->csrf, sizeof out->csrf);
    }
    return rc;
}

qn_code qn_svc_signer_bind(qn_svc_ctx *ctx, int64_t account_id, const char *iin, const char *bin, qn_err *e)
{
    if (!qn_svc_is_system(ctx->who) && ctx->who->role != QN_ROLE_ADMIN)
        return qn_err_set(e, QN_E_FORBIDDEN, "only an administrator binds signers to accounts");
    qn_err v;
    qn_err_clear(&v);
    if (!iin || !qn_sign_kz_id_valid(iin))
        qn_err_field(&v, "iin", "must be a valid 12-digit IIN");
    if (bin && bin[0] && !qn_sign_kz_id_valid(bin))
        qn_err_field(&v, "bin", "must be a valid 12-digit BIN");
    if (v.code != QN_OK) {
        if (e)
            *e = v;
        return v.code;
    }
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    qn_store_account a;
    if (rc == QN_OK)
        rc = qn_store_account_get(c.conn, account_id, &a, e);
    if (rc == QN_OK)
        rc = qn_store_signer_bind(c.conn, iin, bin ? bin : "", account_id, e);
    qn_svc_release(ctx, &c);
    return rc;
}

bool qn_svc_signer_is_caller(qn_svc_ctx *ctx, const qn_sign_result *r)
{
    const qn_principal *who = ctx->who;
    if (!who || who->account_id <= 0 || !r || r->code != QN_SIGN_OK || !r->iin[0])
        return false;
    if (who->party_id[0] && !r->bin[0] && strcmp(who->party_id, r->iin) == 0)
        return true;
    qn_svc_conn c = {0};
    qn_err ignore;
    if (qn_svc_acquire(ctx, &c, &ignore) != QN_OK)
        return false;
    int64_t ids[16];
    size_t n = 0;
    bool yes = false;
    if (qn_store_signer_accounts(c.conn, r->iin, r->bin, ids, 16, &n, &ignore) == QN_OK)
        for (size_t i = 0; i < n; i++)
            yes = yes || ids[i] == who->account_id;
    qn_svc_release(ctx, &c);
    return yes;
}
