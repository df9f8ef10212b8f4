/* auth.h — logging in and out, sessions, API keys, and who the caller is.
 *
 * Passwords are stored as argon2id strings (libsodium crypto_pwhash_str) at
 * OPSLIMIT/MEMLIMIT_INTERACTIVE; QONAQ_PWHASH=min selects libsodium's
 * minimum cost (tests, benchmarks only). A session token is 32 random bytes
 * (randombytes_buf) shown once as 64 hex digits; the store keeps only its
 * SHA-256 (crypto_hash_sha256), so a database leak yields no usable token.
 * Sessions expire (QN_SESSION_TTL) and end at logout. A session also has a
 * CSRF token for the portal's double-submit check: a cookie-authenticated
 * unsafe request must repeat it in the X-CSRF-Token header. API keys
 * ("qk_" + 64 hex) are separate credentials a hotel account creates for its
 * property-management system; they act as that hotel account.
 *
 * Login attempts are rate limited per account name and per client address
 * (a sliding window over the store's login attempts, so it holds across
 * server instances on one database):
 * QN_LOGIN_MAX_PER_ACCOUNT failures per account and QN_LOGIN_MAX_PER_ADDR
 * attempts per address within QN_LOGIN_WINDOW seconds, then 429.
 */
#ifndef QN_SERVICE_AUTH_H
#define QN_SERVICE_AUTH_H

#include "service/service.h"

#define QN_SESSION_TTL (12 * 3600)
#define QN_LOGIN_WINDOW 300
#define QN_LOGIN_MAX_PER_ACCOUNT 5
#define QN_LOGIN_MAX_PER_ADDR 30
#define QN_TOKEN_HEX 64

typedef struct {
    char token[QN_TOKEN_HEX + 1]; /* the bearer token; shown once */
    char csrf[QN_TOKEN_HEX + 1];  /* the CSRF token for cookie sessions */
    int64_t expires_at;           /* epoch seconds */
    qn_role role;
    int64_t account_id;
} qn_session_out;

/* Checks username and password and opens a session. Errors: 401
 * (unknown user, wrong password, disabled account: one message for all),
 * 429 (sub "login_rate") when the account or the address is over its limit,
 * 503 when the store is down. */
qn_code qn_svc_login(qn_svc_ctx *ctx, const char *username, const char *password, qn_session_out *out,
                     qn_err *e);

/* Ends the caller's session (Bearer or cookie). 401 when not a session. */
qn_code qn_svc_logout(qn_svc_ctx *ctx, qn_err *e);

/* Resolves a credential to a principal. 401 when unknown, expired or the
 * account is disabled. */
qn_code qn_svc_authenticate(qn_svc_ctx *ctx, qn_cred_kind kind, const char *credential, qn_principal *out,
                            qn_err *e);

/* For a cookie-authenticated unsafe request: true when header (the
 * X-CSRF-Token value, may be NULL) is the session's CSRF token. */
bool qn_svc_csrf_ok(const qn_principal *who, const char *header);

typedef struct {
    int64_t id;
    char key[72]; /* "qk_" + 64 hex; shown once */
    char label[129];
} qn_apikey_out;

/* Creates an API key for the calling hotel or legal-entity account. 403 for
 * other roles and for callers that are themselves using an API key. */
qn_code qn_svc_apikey_create(qn_svc_ctx *ctx, const char *label, qn_apikey_out *out, qn_err *e);

#endif
