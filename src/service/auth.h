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

/* API keys as listed (never the key itself: only its id and label). */
typedef struct {
    int64_t id;
    int64_t account_id;
    char label[129];
    bool revoked;
    int64_t created_at;
} qn_apikey_view;

typedef struct {
    qn_apikey_view *items; /* malloc'd */
    size_t count;
} qn_apikey_list;

/* Lists API keys (apikeys.c, notif). A hotel or legal-entity account sees
 * the keys of every operator account of its BIN (the owning hotel's); a
 * border account its own; an administrator those of account_id (required
 * for the administrator, 422 otherwise). Others: 403. account_id 0 means
 * "mine"; a non-administrator naming another hotel's account gets 404. */
qn_code qn_svc_apikey_list(qn_svc_ctx *ctx, int64_t account_id, qn_apikey_list *out, qn_err *e);
void qn_apikey_list_free(qn_apikey_list *l);

/* Revokes key id: an administrator any key, a hotel/legal-entity/border
 * account the keys it may list. Unknown or not the caller's: 404 (ids do
 * not leak). Revoking a revoked key is 200 again (idempotent). A key cannot
 * revoke keys (403: log in). */
qn_code qn_svc_apikey_revoke(qn_svc_ctx *ctx, int64_t id, qn_apikey_view *out, qn_err *e);

#endif
