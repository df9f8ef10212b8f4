/* sigapi.c — store operations of the signatures API (issue 5, service layer):
 * the trust generation, login challenges, signer bindings, signature
 * details, server secrets, and the queries one-time codes and the outbox
 * need beyond trust.c.
 *
 * Written once for both backends through the query layer. Audited: signer
 * bindings and signature details (records with business meaning). Not
 * audited (operational, see store.h): the trust generation counter (the CA
 * and CRL changes that raise it are audited), login challenges (like login
 * attempts) and secrets (their value must not reach any digest trail).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/store_internal.h"

/* --------------------------------------------------------- trust generation */

qn_code qn_store_trust_generation(qn_store_conn *c, int64_t *generation, qn_err *err)
{
    static const char *const sql = "SELECT value FROM trust_generation WHERE id = 1";
    qs_q q;
    qs_init(&q, c, sql);
    qn_code rc = qs_one(&q, "trust generation", err);
    if (rc == QN_OK)
        *generation = qs_get_int(&q, 0);
    qs_done(&q);
    return rc;
}

qn_code qn_store_trust_bump(qn_store_conn *c, qn_err *err)
{
    static const char *const sql = "UPDATE trust_generation SET value = value + 1 WHERE id = 1";
    qs_q q;
    qs_init(&q, c, sql);
    qn_code rc = qs_run(&q, err);
    qs_done(&q);
    if (rc != QN_OK && c->in_tx)
        c->tx_failed = true;
    return rc;
}

/* --------------------------------------------------------- login challenges */

static qn_code check_hex64(qn_err *err, const char *field, const char *s)
{
    qn_code rc = qs_check_str(err, field, s, 64, true);
    if (rc != QN_OK)
        return rc;
    if (strlen(s) != 64 || strspn(s, "0123456789abcdef") != 64) {
        qn_err_set(err, QN_E_INVALID, "%s must be 64 lower-case hex digits", field);
        return qn_err_field(err, field, "must be 64 lower-case hex digits");
    }
    return QN_OK;
}

qn_code qn_store_challenge_add(qn_store_conn *c, const char *hash_hex, int64_t created_at,
                               int64_t expires_at, qn_err *err)
{
    static const char *const prune = "DELETE FROM login_challenges WHERE expires_at < $1";
    static const char *const ins = "INSERT INTO login_challenges (hash, created_at, expires_at, "
                                   "used) VALUES ($1, $2, $3, 0)";
    qn_code rc = check_hex64(err, "hash", hash_hex);
    if (rc != QN_OK)
        return rc;
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, prune);
    qs_int(&q, 1, created_at - 3600);
    rc = qs_run(&q, err);
    qs_done(&q);
    if (rc == QN_OK) {
        qs_init(&q, c, ins);
        qs_text(&q, 1, hash_hex);
        qs_int(&q, 2, created_at);
        qs_int(&q, 3, expires_at);
        rc = qs_run(&q, err);
        qs_done(&q);
    }
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_challenge_take(qn_store_conn *c, const char *hash_hex, int64_t now, qn_err *err)
{
    static const char *const sql = "UPDATE login_challenges SET used = 1 "
                                   "WHERE hash = $1 AND used = 0 AND expires_at > $2";
    qn_code rc = check_hex64(err, "hash", hash_hex);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, hash_hex);
    qs_int(&q, 2, now);
    rc = qs_run(&q, err);
    if (rc == QN_OK && q.changes == 0)
        rc = qn_err_set(err, QN_E_NOT_FOUND, "no such challenge, or it was used or has expired");
    qs_done(&q);
    if (rc != QN_OK && rc != QN_E_NOT_FOUND && c->in_tx)
        c->tx_failed = true;
    return rc;
}

/* ---------------------------------------------------------- signer bindings */

static qn_code check_id12(qn_err *err, const char *field, const char *s, bool required)
{
    qn_code rc = qs_check_str(err, field, s, QN_STORE_IIN_LEN, required);
    if (rc != QN_OK)
        return rc;
    if (s != NULL && s[0] != '\0' && (strlen(s) != 12 || strspn(s, "0123456789") != 12)) {
        qn_err_set(err, QN_E_INVALID, "%s must be 12 digits", field);
        return qn_err_field(err, field, "must be 12 digits");
    }
    return QN_OK;
}

qn_code qn_store_signer_bind(qn_store_conn *c, const char *iin, const char *bin,
                             int64_t account_id, qn_err *err)
{
    static const char *const sql =
        "INSERT INTO signer_bindings (iin, bin, account_id, created_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (iin, bin, account_id) DO NOTHING";
    if (bin == NULL)
        bin = "";
    qn_code rc = check_id12(err, "iin", iin, true);
    if (rc == QN_OK)
        rc = check_id12(err, "bin", bin, false);
    if (rc != QN_OK)
        return rc;
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, iin);
    qs_text(&q, 2, bin);
    qs_int(&q, 3, account_id);
    qs_int(&q, 4, qs_now());
    rc = qs_run(&q, err);
    bool added = rc == QN_OK && q.changes > 0;
    qs_done(&q);
    if (added) {
        char id[QN_STORE_NUMBER_MAX + 1], canon[96];
        snprintf(id, sizeof id, "%" PRId64, account_id);
        snprintf(canon, sizeof canon, "%s|%s|%" PRId64, iin, bin, account_id);
        unsigned char after[QN_STORE_DIGEST_LEN];
        qs_sha256(canon, strlen(canon), after);
        rc = qs_audit(c, "bind_signer", "account", id, NULL, after, err);
    }
    return qs_wend(c, own, rc, err);
}

static qn_code collect_ids(qs_q *q, int64_t *ids, size_t cap, size_t *n, qn_err *err)
{
    *n = 0;
    int r;
    while ((r = qs_step(q, err)) == 1)
        if (*n < cap)
            ids[(*n)++] = qs_get_int(q, 0);
    return r < 0 ? (err != NULL && err->code != QN_OK ? err->code : QN_E_INTERNAL) : QN_OK;
}

static const char *const signer_accounts_sql =
    "SELECT account_id FROM signer_bindings WHERE iin = $1 AND bin = $2 "
    "ORDER BY account_id LIMIT 100";

qn_code qn_store_signer_accounts(qn_store_conn *c, const char *iin, const char *bin,
                                 int64_t *ids, size_t cap, size_t *n, qn_err *err)
{
    if (bin == NULL)
        bin = "";
    *n = 0;
    qn_code rc = check_id12(err, "iin", iin, true);
    if (rc == QN_OK)
        rc = check_id12(err, "bin", bin, false);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, signer_accounts_sql);
    qs_text(&q, 1, iin);
    qs_text(&q, 2, bin);
    rc = collect_ids(&q, ids, cap, n, err);
    qs_done(&q);
    return rc;
}

qn_code qn_store_accounts_by_iin_bin(qn_store_conn *c, const char *id, int64_t *ids, size_t cap,
                                     size_t *n, qn_err *err)
{
    static const char *const sql =
        "SELECT id FROM accounts WHERE iin_bin = $1 ORDER BY id LIMIT 100";
    *n = 0;
    qn_code rc = check_id12(err, "iin_bin", id, true);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, id);
    rc = collect_ids(&q, ids, cap, n, err);
    qs_done(&q);
    return rc;
}

/* ------------------------------------------------------- signature details */

static const char *const detail_digest = "SELECT * FROM signature_details WHERE signature_id = $1";

qn_code qn_store_signature_detail_put(qn_store_conn *c, const qn_store_signature_detail *d,
                                      qn_err *err)
{
    static const char *const sql =
        "INSERT INTO signature_details (signature_id, subject_kind, subject_id, document, "
        "doc_sha256, cert_der, signer_iin, signer_bin, subject_dn, issuer_dn, serial_hex, "
        "signing_time, key_type) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
    QS_FIELD(err, d, subject_kind, "subject_kind");
    QS_FIELD(err, d, doc_sha256, "doc_sha256");
    QS_FIELD(err, d, signer_iin, "signer_iin");
    QS_FIELD(err, d, signer_bin, "signer_bin");
    QS_FIELD(err, d, subject_dn, "subject_dn");
    QS_FIELD(err, d, issuer_dn, "issuer_dn");
    QS_FIELD(err, d, serial_hex, "serial_hex");
    QS_FIELD(err, d, key_type, "key_type");
    if (d->document == NULL || d->cert_der == NULL || d->cert_der_len == 0) {
        qn_err_set(err, QN_E_INVALID, "document and certificate are required");
        return qn_err_field(err, d->document == NULL ? "document" : "cert_der", "is required");
    }
    if (d->document_len > QN_STORE_BLOB_MAX)
        return qs_too_large(err, "document", QN_STORE_BLOB_MAX);
    if (d->cert_der_len > QN_STORE_BLOB_MAX)
        return qs_too_large(err, "cert_der", QN_STORE_BLOB_MAX);
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, d->signature_id);
    qs_text(&q, 2, d->subject_kind);
    qs_int(&q, 3, d->subject_id);
    qs_blob(&q, 4, d->document, d->document_len);
    qs_text(&q, 5, d->doc_sha256);
    qs_blob(&q, 6, d->cert_der, d->cert_der_len);
    qs_text(&q, 7, d->signer_iin);
    qs_text(&q, 8, d->signer_bin);
    qs_text(&q, 9, d->subject_dn);
    qs_text(&q, 10, d->issuer_dn);
    qs_text(&q, 11, d->serial_hex);
    qs_int(&q, 12, d->signing_time);
    qs_text(&q, 13, d->key_type);
    rc = qs_run(&q, err);
    qs_done(&q);
    if (rc == QN_OK)
        rc = qs_audit_row(c, "create", "signature_detail", detail_digest, d->signature_id, NULL,
                          NULL, err);
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_signature_detail_get(qn_store_conn *c, int64_t signature_id,
                                      qn_store_signature_detail *out, qn_err *err)
{
    static const char *const sql =
        "SELECT signature_id, subject_kind, subject_id, document, doc_sha256, cert_der, "
        "signer_iin, signer_bin, subject_dn, issuer_dn, serial_hex, signing_time, key_type "
        "FROM signature_details WHERE signature_id = $1";
    memset(out, 0, sizeof *out);
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, signature_id);
    qn_code rc = qs_one(&q, "signature detail", err);
    if (rc == QN_OK) {
        out->signature_id = qs_get_int(&q, 0);
        QS_STR(&q, 1, out->subject_kind);
        out->subject_id = qs_get_int(&q, 2);
        QS_STR(&q, 4, out->doc_sha256);
        QS_STR(&q, 6, out->signer_iin);
        QS_STR(&q, 7, out->signer_bin);
        QS_STR(&q, 8, out->subject_dn);
        QS_STR(&q, 9, out->issuer_dn);
        QS_STR(&q, 10, out->serial_hex);
        out->signing_time = qs_get_int(&q, 11);
        QS_STR(&q, 12, out->key_type);
        rc = qs_get_blob(&q, 3, &out->document, &out->document_len, err);
        if (rc == QN_OK)
            rc = qs_get_blob(&q, 5, &out->cert_der, &out->cert_der_len, err);
    }
    qs_done(&q);
    if (rc != QN_OK)
        qn_store_signature_detail_clear(out);
    return rc;
}

void qn_store_signature_detail_clear(qn_store_signature_detail *d)
{
    if (d == NULL)
        return;
    free(d->document);
    free(d->cert_der);
    d->document = NULL;
    d->cert_der = NULL;
    d->document_len = d->cert_der_len = 0;
}

qn_code qn_store_signature_get(qn_store_conn *c, int64_t id, qn_store_signature *out,
                               qn_err *err)
{
    static const char *const sql =
        "SELECT id, COALESCE(application_id, 0), COALESCE(doc_ref, ''), kind, signer_iin_bin, "
        "role, cms, result, COALESCE(verified_at, 0), created_at FROM signatures WHERE id = $1";
    memset(out, 0, sizeof *out);
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, id);
    qn_code rc = qs_one(&q, "signature", err);
    if (rc == QN_OK) {
        out->id = qs_get_int(&q, 0);
        out->application_id = qs_get_int(&q, 1);
        QS_STR(&q, 2, out->doc_ref);
        QS_STR(&q, 3, out->kind);
        QS_STR(&q, 4, out->signer_iin_bin);
        QS_STR(&q, 5, out->role);
        QS_STR(&q, 7, out->result);
        out->verified_at = qs_get_int(&q, 8);
        out->created_at = qs_get_int(&q, 9);
        rc = qs_get_blob(&q, 6, &out->cms, &out->cms_len, err);
    }
    qs_done(&q);
    if (rc != QN_OK)
        qn_store_signature_clear(out);
    return rc;
}

/* ------------------------------------------------------------------ secrets */

qn_code qn_store_secret_get_or_put(qn_store_conn *c, const char *name,
                                   const unsigned char *candidate, size_t candidate_len,
                                   unsigned char *out, size_t cap, size_t *len, qn_err *err)
{
    static const char *const ins = "INSERT INTO service_secrets (name, value, created_at) "
                                   "VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING";
    static const char *const sel = "SELECT value FROM service_secrets WHERE name = $1";
    qn_code rc = qs_check_str(err, "name", name, QN_STORE_CODE_MAX, true);
    if (rc != QN_OK)
        return rc;
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, ins);
    qs_text(&q, 1, name);
    qs_blob(&q, 2, candidate, candidate_len);
    qs_int(&q, 3, qs_now());
    rc = qs_run(&q, err);
    qs_done(&q);
    if (rc == QN_OK) {
        qs_init(&q, c, sel);
        qs_text(&q, 1, name);
        rc = qs_one(&q, "secret", err);
        unsigned char *v = NULL;
        size_t n = 0;
        if (rc == QN_OK)
            rc = qs_get_blob(&q, 0, &v, &n, err);
        if (rc == QN_OK && n > cap)
            rc = qn_err_set(err, QN_E_INTERNAL, "secret %s longer than expected", name);
        if (rc == QN_OK) {
            memcpy(out, v, n);
            *len = n;
        }
        free(v);
        qs_done(&q);
    }
    return qs_wend(c, own, rc, err);
}

/* ------------------------------------------------ one-time codes, outbox */

qn_code qn_store_otp_get(qn_store_conn *c, int64_t id, qn_store_otp *out, qn_err *err)
{
    static const char *const sql =
        "SELECT id, phone, account_id, code_hash, doc_digest, expires_at, attempts, used, "
        "created_at FROM otp_codes WHERE id = $1";
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, id);
    qn_code rc = qs_one(&q, "one-time code", err);
    if (rc == QN_OK) {
        memset(out, 0, sizeof *out);
        out->id = qs_get_int(&q, 0);
        QS_STR(&q, 1, out->phone);
        out->account_id = qs_get_int(&q, 2);
        QS_STR(&q, 3, out->code_hash);
        QS_STR(&q, 4, out->doc_digest);
        out->expires_at = qs_get_int(&q, 5);
        out->attempts = (int32_t)qs_get_int(&q, 6);
        out->used = qs_get_int(&q, 7) != 0;
        out->created_at = qs_get_int(&q, 8);
    }
    qs_done(&q);
    return rc;
}

qn_code qn_store_otp_count_since(qn_store_conn *c, const char *phone, int64_t account_id,
                                 int64_t since, int64_t *by_phone, int64_t *by_account,
                                 qn_err *err)
{
    static const char *const sql =
        "SELECT (SELECT COUNT(*) FROM otp_codes WHERE phone = $1 AND created_at >= $3), "
        "(SELECT COUNT(*) FROM otp_codes WHERE account_id = $2 AND created_at >= $3)";
    qn_code rc = qs_check_str(err, "phone", phone, QN_STORE_PHONE_MAX, true);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, phone);
    qs_int(&q, 2, account_id);
    qs_int(&q, 3, since);
    rc = qs_one(&q, "counts", err);
    if (rc == QN_OK) {
        *by_phone = qs_get_int(&q, 0);
        *by_account = qs_get_int(&q, 1);
    }
    qs_done(&q);
    return rc;
}

static qn_code read_sms_row(qs_q *q, void *item)
{
    qn_store_sms *m = item;
    m->id = qs_get_int(q, 0);
    QS_STR(q, 1, m->phone);
    QS_STR(q, 2, m->text);
    m->created_at = qs_get_int(q, 3);
    m->sent_at = qs_get_int(q, 4);
    return QN_OK;
}

/* With and without the phone: the filtered statement uses sms_outbox_phone. */
static const char *const sms_recent[2] = {
    "SELECT id, phone, message, created_at, COALESCE(sent_at, 0) FROM sms_outbox "
    "ORDER BY id DESC LIMIT $1",
    "SELECT id, phone, message, created_at, COALESCE(sent_at, 0) FROM sms_outbox "
    "WHERE phone = $1 ORDER BY id DESC LIMIT $2",
};

const qs_lookup qs_sigapi_lookups[] = {
    {"sms_recent(phone)", "sms_outbox_phone", &sms_recent[1], {"+77011234567", "50"}},
};
const size_t qs_sigapi_lookups_count = sizeof qs_sigapi_lookups / sizeof qs_sigapi_lookups[0];

qn_code qn_store_sms_recent(qn_store_conn *c, const char *phone, int64_t limit,
                            qn_store_sms_list *out, qn_err *err)
{
    memset(out, 0, sizeof *out);
    int64_t offset = 0;
    qn_code rc = qs_limit(&limit, &offset, err);
    if (rc == QN_OK)
        rc = qs_check_str(err, "phone", phone, QN_STORE_PHONE_MAX, false);
    if (rc != QN_OK)
        return rc;
    bool by_phone = phone != NULL && phone[0] != '\0';
    qs_q q;
    qs_init(&q, c, sms_recent[by_phone ? 1 : 0]);
    int n = 0;
    if (by_phone)
        qs_text(&q, ++n, phone);
    qs_int(&q, ++n, limit);
    void *items;
    rc = qs_collect(&q, (size_t)limit, sizeof *out->items, read_sms_row, &items, &out->count,
                    err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK)
        qn_store_sms_list_free(out);
    return rc;
}
