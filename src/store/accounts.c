/* accounts.c — accounts, sessions, API keys and login attempts.
 *
 * Passwords, session tokens and API keys never reach the store in clear:
 * the caller passes an argon2id string or a hex SHA-256. Accounts, sessions
 * and keys are audited; login attempts (a rate-limiting log) are not.
 */
#include <stdio.h>
#include <stdlib.h>

#include "store/store_internal.h"

#define ACC_COLS                                                                                   \
    "id, username, password_hash, role, display_name, COALESCE(iin_bin, ''), "                     \
    "COALESCE(region, ''), COALESCE(host_kind, ''), disabled, created_at"

static const char *const acc_digest = "SELECT * FROM accounts WHERE id = $1";

static void read_account(qs_q *q, qn_store_account *a)
{
    memset(a, 0, sizeof *a);
    a->id = qs_get_int(q, 0);
    QS_STR(q, 1, a->username);
    QS_STR(q, 2, a->password_hash);
    QS_STR(q, 3, a->role);
    QS_STR(q, 4, a->display_name);
    QS_STR(q, 5, a->iin_bin);
    QS_STR(q, 6, a->region);
    QS_STR(q, 7, a->host_kind);
    a->disabled = qs_get_int(q, 8) != 0;
    a->created_at = qs_get_int(q, 9);
}

static qn_code check_account(const qn_store_account *a, qn_err *err)
{
    QS_FIELD(err, a, username, "username");
    QS_FIELD(err, a, password_hash, "password_hash");
    QS_FIELD(err, a, role, "role");
    QS_FIELD(err, a, display_name, "display_name");
    QS_FIELD(err, a, iin_bin, "iin_bin");
    QS_FIELD(err, a, region, "region");
    QS_FIELD(err, a, host_kind, "host_kind");
    if (a->username[0] == '\0') {
        qn_err_set(err, QN_E_INVALID, "username is required");
        return qn_err_field(err, "username", "is required");
    }
    if (a->password_hash[0] == '\0') {
        qn_err_set(err, QN_E_INVALID, "password_hash is required");
        return qn_err_field(err, "password_hash", "is required");
    }
    return QN_OK;
}

qn_code qn_store_account_create(qn_store_conn *c, qn_store_account *a, qn_err *err)
{
    static const char *const sql =
        "INSERT INTO accounts (username, password_hash, role, display_name, iin_bin, region, "
        "host_kind, disabled, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
    qn_code rc = check_account(a, err);
    if (rc != QN_OK)
        return rc;
    if (a->created_at == 0)
        a->created_at = qs_now();
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, a->username);
    qs_text(&q, 2, a->password_hash);
    qs_text(&q, 3, a->role);
    qs_text(&q, 4, a->display_name);
    qs_text_opt(&q, 5, a->iin_bin);
    qs_text_opt(&q, 6, a->region);
    qs_text_opt(&q, 7, a->host_kind);
    qs_int(&q, 8, a->disabled ? 1 : 0);
    qs_int(&q, 9, a->created_at);
    rc = qs_one(&q, "account", err);
    if (rc == QN_OK)
        a->id = qs_get_int(&q, 0);
    qs_done(&q);
    if (rc == QN_OK)
        rc = qs_audit_row(c, "create", "account", acc_digest, a->id, NULL, NULL, err);
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_account_get(qn_store_conn *c, int64_t id, qn_store_account *out, qn_err *err)
{
    static const char *const sql = "SELECT " ACC_COLS " FROM accounts WHERE id = $1";
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, id);
    qn_code rc = qs_one(&q, "account", err);
    if (rc == QN_OK)
        read_account(&q, out);
    qs_done(&q);
    return rc;
}

qn_code qn_store_account_by_username(qn_store_conn *c, const char *username,
                                     qn_store_account *out, qn_err *err)
{
    static const char *const sql = "SELECT " ACC_COLS " FROM accounts WHERE username = $1";
    qn_code rc = qs_check_str(err, "username", username, QN_STORE_USERNAME_MAX, true);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, username);
    rc = qs_one(&q, "account", err);
    if (rc == QN_OK)
        read_account(&q, out);
    qs_done(&q);
    return rc;
}

qn_code qn_store_account_update(qn_store_conn *c, const qn_store_account *a, qn_err *err)
{
    static const char *const sql =
        "UPDATE accounts SET password_hash = $2, role = $3, display_name = $4, iin_bin = $5, "
        "region = $6, host_kind = $7, disabled = $8 WHERE id = $1";
    qn_code rc = check_account(a, err);
    if (rc != QN_OK)
        return rc;
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    unsigned char before[QN_STORE_DIGEST_LEN];
    bool found = false;
    rc = qs_row_digest(c, acc_digest, a->id, NULL, before, &found, err);
    if (rc == QN_OK && !found)
        rc = qn_err_set(err, QN_E_NOT_FOUND, "account %lld not found", (long long)a->id);
    if (rc == QN_OK) {
        qs_q q;
        qs_init(&q, c, sql);
        qs_int(&q, 1, a->id);
        qs_text(&q, 2, a->password_hash);
        qs_text(&q, 3, a->role);
        qs_text(&q, 4, a->display_name);
        qs_text_opt(&q, 5, a->iin_bin);
        qs_text_opt(&q, 6, a->region);
        qs_text_opt(&q, 7, a->host_kind);
        qs_int(&q, 8, a->disabled ? 1 : 0);
        rc = qs_run(&q, err);
        qs_done(&q);
    }
    if (rc == QN_OK)
        rc = qs_audit_row(c, "update", "account", acc_digest, a->id, NULL, before, err);
    return qs_wend(c, own, rc, err);
}

/* Two statements, with and without the role, so that the filtered one uses
 * accounts_role (a catch-all "($1 = '' OR role = $1)" scans the table). */
static const char *const acc_by_role[2] = {
    "SELECT " ACC_COLS " FROM accounts ORDER BY id LIMIT $1 OFFSET $2",
    "SELECT " ACC_COLS " FROM accounts WHERE role = $1 ORDER BY id LIMIT $2 OFFSET $3",
};

const qs_lookup qs_account_lookups[] = {
    {"account_list_by_role(role)", "accounts_role", &acc_by_role[1], {"officer", "50", "0"}},
    {"account_list_by_role()", "", &acc_by_role[0], {"50", "0"}},
};
const size_t qs_account_lookups_count = sizeof qs_account_lookups / sizeof qs_account_lookups[0];

qn_code qn_store_account_list_by_role(qn_store_conn *c, const char *role, int64_t offset,
                                      int64_t limit, qn_store_account_list *out, qn_err *err)
{
    out->items = NULL;
    out->count = 0;
    qn_code rc = qs_check_str(err, "role", role, QN_STORE_CODE_MAX, false);
    if (rc == QN_OK)
        rc = qs_limit(&limit, &offset, err);
    if (rc != QN_OK)
        return rc;
    out->items = calloc((size_t)limit, sizeof *out->items);
    if (out->items == NULL)
        return qn_err_set(err, QN_E_NOMEM, "out of memory");
    bool by_role = role != NULL && role[0] != '\0';
    qs_q q;
    qs_init(&q, c, acc_by_role[by_role ? 1 : 0]);
    int n = 0;
    if (by_role)
        qs_text(&q, ++n, role);
    qs_int(&q, ++n, limit);
    qs_int(&q, ++n, offset);
    int r;
    while ((r = qs_step(&q, err)) == 1)
        read_account(&q, &out->items[out->count++]);
    qs_done(&q);
    if (r < 0) {
        qn_store_account_list_free(out);
        return err != NULL && err->code != QN_OK ? err->code : QN_E_INTERNAL;
    }
    return QN_OK;
}

void qn_store_account_list_free(qn_store_account_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

/* ---------------------------------------------------------------- sessions */

static const char *const ses_digest = "SELECT * FROM sessions WHERE token_hash = $1";

/* Audit ids of sessions: the first 16 hex digits of the token hash. */
static void ses_id(const char *token_hash, char out[17])
{
    size_t n = strnlen(token_hash, 16);
    memcpy(out, token_hash, n);
    out[n] = '\0';
}

qn_code qn_store_session_create(qn_store_conn *c, qn_store_session *s, qn_err *err)
{
    static const char *const sql = "INSERT INTO sessions (token_hash, account_id, created_at, "
                                   "expires_at, csrf_hash) VALUES ($1, $2, $3, $4, $5)";
    QS_FIELD(err, s, token_hash, "token_hash");
    QS_FIELD(err, s, csrf_hash, "csrf_hash");
    qn_code rc = qs_check_str(err, "token_hash", s->token_hash, QN_STORE_HASH_MAX, true);
    if (rc != QN_OK)
        return rc;
    if (s->created_at == 0)
        s->created_at = qs_now();
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, s->token_hash);
    qs_int(&q, 2, s->account_id);
    qs_int(&q, 3, s->created_at);
    qs_int(&q, 4, s->expires_at);
    qs_text(&q, 5, s->csrf_hash);
    rc = qs_run(&q, err);
    qs_done(&q);
    char id[17];
    ses_id(s->token_hash, id);
    if (rc == QN_OK) {
        unsigned char after[QN_STORE_DIGEST_LEN];
        bool found;
        rc = qs_row_digest(c, ses_digest, 0, s->token_hash, after, &found, err);
        if (rc == QN_OK)
            rc = qs_audit(c, "create", "session", id, NULL, after, err);
    }
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_session_get(qn_store_conn *c, const char *token_hash, int64_t now,
                             qn_store_session *out, qn_err *err)
{
    static const char *const sql =
        "SELECT token_hash, account_id, created_at, expires_at, csrf_hash FROM sessions "
        "WHERE token_hash = $1 AND expires_at > $2";
    qn_code rc = qs_check_str(err, "token_hash", token_hash, QN_STORE_HASH_MAX, true);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, token_hash);
    qs_int(&q, 2, now);
    rc = qs_one(&q, "session", err);
    if (rc == QN_OK) {
        memset(out, 0, sizeof *out);
        QS_STR(&q, 0, out->token_hash);
        out->account_id = qs_get_int(&q, 1);
        out->created_at = qs_get_int(&q, 2);
        out->expires_at = qs_get_int(&q, 3);
        QS_STR(&q, 4, out->csrf_hash);
    }
    qs_done(&q);
    return rc;
}

qn_code qn_store_session_delete(qn_store_conn *c, const char *token_hash, qn_err *err)
{
    static const char *const sql = "DELETE FROM sessions WHERE token_hash = $1";
    qn_code rc = qs_check_str(err, "token_hash", token_hash, QN_STORE_HASH_MAX, true);
    if (rc != QN_OK)
        return rc;
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    unsigned char before[QN_STORE_DIGEST_LEN];
    bool found = false;
    rc = qs_row_digest(c, ses_digest, 0, token_hash, before, &found, err);
    if (rc == QN_OK && !found)
        rc = qn_err_set(err, QN_E_NOT_FOUND, "session not found");
    if (rc == QN_OK) {
        qs_q q;
        qs_init(&q, c, sql);
        qs_text(&q, 1, token_hash);
        rc = qs_run(&q, err);
        qs_done(&q);
    }
    char id[17];
    ses_id(token_hash, id);
    if (rc == QN_OK)
        rc = qs_audit(c, "delete", "session", id, before, NULL, err);
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_session_delete_account(qn_store_conn *c, int64_t account_id, int64_t *n,
                                        qn_err *err)
{
    static const char *const sql = "DELETE FROM sessions WHERE account_id = $1";
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, account_id);
    rc = qs_run(&q, err);
    int64_t changed = q.changes;
    qs_done(&q);
    if (n != NULL)
        *n = changed;
    if (rc == QN_OK && changed > 0) {
        char id[32];
        snprintf(id, sizeof id, "%lld", (long long)account_id);
        rc = qs_audit(c, "logout_all", "account", id, NULL, NULL, err);
    }
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_session_expire(qn_store_conn *c, int64_t now, int64_t *n, qn_err *err)
{
    static const char *const sql = "DELETE FROM sessions WHERE expires_at <= $1";
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, now);
    qn_code rc = qs_run(&q, err);
    if (n != NULL)
        *n = q.changes;
    qs_done(&q);
    return rc;
}

/* ---------------------------------------------------------------- API keys */

#define KEY_COLS "id, key_hash, account_id, label, revoked, created_at"
static const char *const key_digest = "SELECT * FROM api_keys WHERE id = $1";

static void read_key(qs_q *q, qn_store_apikey *k)
{
    memset(k, 0, sizeof *k);
    k->id = qs_get_int(q, 0);
    QS_STR(q, 1, k->key_hash);
    k->account_id = qs_get_int(q, 2);
    QS_STR(q, 3, k->label);
    k->revoked = qs_get_int(q, 4) != 0;
    k->created_at = qs_get_int(q, 5);
}

qn_code qn_store_apikey_create(qn_store_conn *c, qn_store_apikey *k, qn_err *err)
{
    static const char *const sql = "INSERT INTO api_keys (key_hash, account_id, label, revoked, "
                                   "created_at) VALUES ($1, $2, $3, 0, $4) RETURNING id";
    QS_FIELD(err, k, key_hash, "key_hash");
    QS_FIELD(err, k, label, "label");
    qn_code rc = qs_check_str(err, "key_hash", k->key_hash, QN_STORE_HASH_MAX, true);
    if (rc != QN_OK)
        return rc;
    if (k->created_at == 0)
        k->created_at = qs_now();
    k->revoked = false;
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, k->key_hash);
    qs_int(&q, 2, k->account_id);
    qs_text(&q, 3, k->label);
    qs_int(&q, 4, k->created_at);
    rc = qs_one(&q, "api key", err);
    if (rc == QN_OK)
        k->id = qs_get_int(&q, 0);
    qs_done(&q);
    if (rc == QN_OK)
        rc = qs_audit_row(c, "create", "api_key", key_digest, k->id, NULL, NULL, err);
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_apikey_get(qn_store_conn *c, const char *key_hash, qn_store_apikey *out,
                            qn_err *err)
{
    static const char *const sql =
        "SELECT " KEY_COLS " FROM api_keys WHERE key_hash = $1 AND revoked = 0";
    qn_code rc = qs_check_str(err, "key_hash", key_hash, QN_STORE_HASH_MAX, true);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, key_hash);
    rc = qs_one(&q, "api key", err);
    if (rc == QN_OK)
        read_key(&q, out);
    qs_done(&q);
    return rc;
}

qn_code qn_store_apikey_revoke(qn_store_conn *c, int64_t id, qn_err *err)
{
    static const char *const sql = "UPDATE api_keys SET revoked = 1 WHERE id = $1";
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    unsigned char before[QN_STORE_DIGEST_LEN];
    bool found = false;
    rc = qs_row_digest(c, key_digest, id, NULL, before, &found, err);
    if (rc == QN_OK && !found)
        rc = qn_err_set(err, QN_E_NOT_FOUND, "api key %lld not found", (long long)id);
    if (rc == QN_OK) {
        qs_q q;
        qs_init(&q, c, sql);
        qs_int(&q, 1, id);
        rc = qs_run(&q, err);
        qs_done(&q);
    }
    if (rc == QN_OK)
        rc = qs_audit_row(c, "revoke", "api_key", key_digest, id, NULL, before, err);
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_apikey_list_account(qn_store_conn *c, int64_t account_id,
                                     qn_store_apikey_list *out, qn_err *err)
{
    static const char *const sql =
        "SELECT " KEY_COLS " FROM api_keys WHERE account_id = $1 ORDER BY id LIMIT 1000";
    out->items = calloc(1000, sizeof *out->items);
    out->count = 0;
    if (out->items == NULL)
        return qn_err_set(err, QN_E_NOMEM, "out of memory");
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, account_id);
    int r;
    while ((r = qs_step(&q, err)) == 1)
        read_key(&q, &out->items[out->count++]);
    qs_done(&q);
    if (r < 0) {
        qn_store_apikey_list_free(out);
        return err != NULL && err->code != QN_OK ? err->code : QN_E_INTERNAL;
    }
    return QN_OK;
}

void qn_store_apikey_list_free(qn_store_apikey_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

/* ---------------------------------------------------------- login attempts */

qn_code qn_store_login_attempt_add(qn_store_conn *c, const char *username, const char *address,
                                   bool success, int64_t at, qn_err *err)
{
    static const char *const sql =
        "INSERT INTO login_attempts (username, address, success, at) VALUES ($1, $2, $3, $4)";
    qn_code rc = qs_check_str(err, "username", username, QN_STORE_USERNAME_MAX, false);
    if (rc == QN_OK)
        rc = qs_check_str(err, "address", address, QN_STORE_NAME_MAX, false);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, username != NULL ? username : "");
    qs_text(&q, 2, address != NULL ? address : "");
    qs_int(&q, 3, success ? 1 : 0);
    qs_int(&q, 4, at != 0 ? at : qs_now());
    rc = qs_run(&q, err);
    qs_done(&q);
    if (rc != QN_OK && c->in_tx)
        c->tx_failed = true;
    return rc;
}

qn_code qn_store_login_failures(qn_store_conn *c, const char *username, const char *address,
                                int64_t since, int64_t *by_user, int64_t *by_address,
                                qn_err *err)
{
    static const char *const sql =
        "SELECT (SELECT COUNT(*) FROM login_attempts WHERE username = $1 AND at >= $3 "
        "AND success = 0), (SELECT COUNT(*) FROM login_attempts WHERE address = $2 "
        "AND at >= $3 AND success = 0)";
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, username != NULL ? username : "");
    qs_text(&q, 2, address != NULL ? address : "");
    qs_int(&q, 3, since);
    qn_code rc = qs_one(&q, "login attempts", err);
    if (rc == QN_OK) {
        if (by_user != NULL)
            *by_user = qs_get_int(&q, 0);
        if (by_address != NULL)
            *by_address = qs_get_int(&q, 1);
    }
    qs_done(&q);
    return rc;
}

qn_code qn_store_login_attempt_prune(qn_store_conn *c, int64_t before, qn_err *err)
{
    static const char *const sql = "DELETE FROM login_attempts WHERE at < $1";
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, before);
    qn_code rc = qs_run(&q, err);
    qs_done(&q);
    return rc;
}
