/* auth.c — login, logout, credential resolution and API keys (see auth.h).
 *
 * Login checks the rate limits first (failures per username and per address
 * within the window), then the password. An unknown username is verified
 * against a dummy hash so the answer takes as long as for a known one, and
 * every failure gets the same 401 sentence. Each attempt is recorded.
 * The check and the count are one atomic step (qn_store_login_gate, notif):
 * the attempt is recorded as failed before the password is checked and
 * becomes a success only if it was right, so a burst of concurrent bad
 * logins is counted one by one and the (limit + 1)-th is refused with 429
 * even while the others are still hashing.
 */
#include "service/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "service/service_internal.h"

static void random_hex(char *out, size_t nbytes)
{
    unsigned char buf[32];
    randombytes_buf(buf, nbytes);
    sodium_bin2hex(out, nbytes * 2 + 1, buf, nbytes);
    sodium_memzero(buf, sizeof buf);
}

static void principal_from(const qn_store_account *a, qn_cred_kind via, qn_principal *p)
{
    memset(p, 0, sizeof *p);
    p->account_id = a->id;
    p->role = qn_svc_role_of(a);
    snprintf(p->username, sizeof p->username, "%s", a->username);
    snprintf(p->region, sizeof p->region, "%s", a->region);
    snprintf(p->party_id, sizeof p->party_id, "%s", a->iin_bin);
    p->via = via;
}

qn_code qn_svc_login(qn_svc_ctx *ctx, const char *username, const char *password, qn_session_out *out,
                     qn_err *e)
{
    memset(out, 0, sizeof *out);
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    int64_t by_user = 0, by_addr = 0, attempt_id = 0;
    bool admitted = false;
    rc = qn_store_login_gate(c.conn, username, ctx->client_addr, ctx->now - QN_LOGIN_WINDOW,
                             QN_LOGIN_MAX_PER_ACCOUNT, QN_LOGIN_MAX_PER_ADDR, ctx->now, &admitted, &attempt_id,
                             &by_user, &by_addr, e);
    if (rc != QN_OK)
        goto done;
    if (!admitted) {
        rc = qn_err_set(e, QN_E_RATE_LIMITED, "too many failed logins %s; try again in a few minutes",
                        by_user >= QN_LOGIN_MAX_PER_ACCOUNT ? "for this account" : "from this address");
        qn_err_sub(e, "login_rate");
        goto done;
    }
    qn_store_account acct;
    qn_err lookup;
    qn_err_clear(&lookup);
    bool known = qn_store_account_by_username(c.conn, username, &acct, &lookup) == QN_OK;
    if (!known && lookup.code != QN_E_NOT_FOUND) {
        if (e)
            *e = lookup;
        rc = lookup.code;
        goto done;
    }
    /* The hash check holds no connection and no write lock. */
    qn_svc_release(ctx, &c);
    const char *hash = known ? acct.password_hash : ctx->svc->dummy_hash;
    bool good = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
    bool ok = known && good && !acct.disabled;
    rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc != QN_OK)
        goto done;
    qn_err ignore;
    if (!ok) { /* the attempt is on record as failed already */
        rc = qn_err_set(e, QN_E_UNAUTHORIZED, "wrong username or password, or the account is disabled");
        qn_err_sub(e, "login_failed");
        goto done;
    }
    qn_store_session s;
    memset(&s, 0, sizeof s);
    random_hex(out->token, 32);
    random_hex(out->csrf, 32);
    qn_svc_sha256_hex(out->token, s.token_hash);
    qn_svc_sha256_hex(out->csrf, s.csrf_hash);
    s.account_id = acct.id;
    s.created_at = ctx->now;
    s.expires_at = ctx->now + QN_SESSION_TTL;
    qn_store_set_actor(c.conn, acct.id, acct.username);
    rc = qn_store_login_attempt_succeeded(c.conn, attempt_id, e);
    if (rc == QN_OK)
        rc = qn_store_session_create(c.conn, &s, e);
    if (rc != QN_OK)
        goto done;
    /* Housekeeping, not audited: expired sessions, old attempts and
     * idempotency keys past their retention go. */
    qn_store_session_expire(c.conn, ctx->now, NULL, &ignore);
    qn_store_login_attempt_prune(c.conn, ctx->now - 24 * 3600, &ignore);
    qn_store_idem_prune(c.conn, ctx->now, NULL, &ignore);
    qn_store_login_gate_prune(c.conn, ctx->now - 24 * 3600, &ignore);
    out->expires_at = s.expires_at;
    out->role = qn_svc_role_of(&acct);
    out->account_id = acct.id;
done:
    qn_svc_release(ctx, &c);
    if (rc != QN_OK) {
        sodium_memzero(out->token, sizeof out->token);
        sodium_memzero(out->csrf, sizeof out->csrf);
    }
    return rc;
}

qn_code qn_svc_logout(qn_svc_ctx *ctx, qn_err *e)
{
    const qn_principal *who = ctx->who;
    if (who->via != QN_CRED_BEARER && who->via != QN_CRED_COOKIE)
        return qn_err_set(e, QN_E_UNAUTHORIZED, "logout needs a session (Bearer token or cookie)");
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc == QN_OK)
        rc = qn_store_session_delete(c.conn, who->token_hash, e);
    qn_svc_release(ctx, &c);
    if (rc == QN_E_NOT_FOUND)
        rc = qn_err_set(e, QN_E_UNAUTHORIZED, "the session has already ended");
    return rc;
}

qn_code qn_svc_authenticate(qn_svc_ctx *ctx, qn_cred_kind kind, const char *credential, qn_principal *out,
                            qn_err *e)
{
    memset(out, 0, sizeof *out);
    size_t len = strlen(credential);
    bool shaped = kind == QN_CRED_API_KEY ? (len == 3 + QN_TOKEN_HEX && strncmp(credential, "qk_", 3) == 0)
                                          : len == QN_TOKEN_HEX;
    if (!shaped) {
        qn_err_set(e, QN_E_UNAUTHORIZED, "the %s is not a qonaq credential",
                   kind == QN_CRED_API_KEY ? "API key" : "session token");
        qn_err_sub(e, "bad_credential");
        return QN_E_UNAUTHORIZED;
    }
    char hash[65];
    qn_svc_sha256_hex(credential, hash);
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    int64_t account_id = 0;
    qn_err miss;
    qn_err_clear(&miss);
    char csrf_hash[QN_STORE_HASH_MAX + 1] = "";
    int64_t cred_id = 0;
    if (kind == QN_CRED_API_KEY) {
        qn_store_apikey k;
        rc = qn_store_apikey_get(c.conn, hash, &k, &miss);
        account_id = k.account_id;
        cred_id = k.id;
    } else {
        qn_store_session s;
        rc = qn_store_session_get(c.conn, hash, ctx->now, &s, &miss);
        account_id = s.account_id;
        snprintf(csrf_hash, sizeof csrf_hash, "%s", s.csrf_hash);
    }
    qn_store_account acct;
    if (rc == QN_OK)
        rc = qn_store_account_get(c.conn, account_id, &acct, &miss);
    qn_svc_release(ctx, &c);
    if (rc == QN_E_NOT_FOUND || (rc == QN_OK && acct.disabled)) {
        qn_err_set(e, QN_E_UNAUTHORIZED, "the %s is unknown, expired or revoked, or the account is disabled",
                   kind == QN_CRED_API_KEY ? "API key" : "session");
        qn_err_sub(e, "bad_credential");
        return QN_E_UNAUTHORIZED;
    }
    if (rc != QN_OK) {
        if (e)
            *e = miss;
        return rc;
    }
    principal_from(&acct, kind, out);
    out->session_id = cred_id;
    snprintf(out->csrf_hash, sizeof out->csrf_hash, "%.64s", csrf_hash);
    snprintf(out->token_hash, sizeof out->token_hash, "%s", kind == QN_CRED_API_KEY ? "" : hash);
    return QN_OK;
}

bool qn_svc_csrf_ok(const qn_principal *who, const char *header)
{
    if (!header || strlen(header) != QN_TOKEN_HEX || strlen(who->csrf_hash) != 64)
        return false;
    char hash[65];
    qn_svc_sha256_hex(header, hash);
    return sodium_memcmp(hash, who->csrf_hash, 64) == 0;
}

qn_code qn_svc_apikey_create(qn_svc_ctx *ctx, const char *label, qn_apikey_out *out, qn_err *e)
{
    memset(out, 0, sizeof *out);
    const qn_principal *who = ctx->who;
    if (who->role != QN_ROLE_HOTEL && who->role != QN_ROLE_HOST_LEGAL && who->role != QN_ROLE_BORDER)
        return qn_err_set(e, QN_E_FORBIDDEN, "only hotel, legal-entity and border accounts create API keys");
    if (who->via == QN_CRED_API_KEY)
        return qn_err_set(e, QN_E_FORBIDDEN, "an API key cannot create API keys; log in");
    char secret[QN_TOKEN_HEX + 1];
    random_hex(secret, 32);
    snprintf(out->key, sizeof out->key, "qk_%s", secret);
    sodium_memzero(secret, sizeof secret);
    qn_store_apikey k;
    memset(&k, 0, sizeof k);
    qn_svc_sha256_hex(out->key, k.key_hash);
    k.account_id = who->account_id;
    snprintf(k.label, sizeof k.label, "%s", label && label[0] ? label : "pms");
    k.created_at = ctx->now;
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc == QN_OK)
        rc = qn_store_apikey_create(c.conn, &k, e);
    qn_svc_release(ctx, &c);
    if (rc != QN_OK) {
        sodium_memzero(out->key, sizeof out->key);
        return rc;
    }
    out->id = k.id;
    snprintf(out->label, sizeof out->label, "%s", k.label);
    return QN_OK;
}
