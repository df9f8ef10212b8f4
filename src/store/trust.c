/* trust.c — trusted certificate authorities and their CRLs, one-time codes,
 * the SMS outbox and the mobile citizens database (IIN -> phone).
 *
 * A CA's fingerprint (SHA-256 of its DER) is computed here and unique, so
 * the same certificate cannot be trusted twice. One CRL per CA, replaced by
 * the newer. One-time codes count attempts with an atomic increment; the
 * outbox is a queue read oldest first by the SMS sender.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/store_internal.h"

/* ------------------------------------------------------------- CAs, CRLs */

static const char *const ca_digest = "SELECT * FROM trusted_cas WHERE id = $1";

static qn_code read_ca(qs_q *q, void *item)
{
    qn_store_ca *ca = item;
    ca->id = qs_get_int(q, 0);
    QS_STR(q, 1, ca->name);
    QS_STR(q, 3, ca->sha256_hex);
    ca->enabled = qs_get_int(q, 4) != 0;
    ca->created_at = qs_get_int(q, 5);
    return qs_get_blob(q, 2, &ca->der, &ca->der_len, NULL);
}

qn_code qn_store_ca_add(qn_store_conn *c, qn_store_ca *ca, qn_err *err)
{
    static const char *const sql = "INSERT INTO trusted_cas (name, der, sha256, enabled, "
                                   "created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id";
    QS_FIELD(err, ca, name, "name");
    if (ca->der == NULL || ca->der_len == 0) {
        qn_err_set(err, QN_E_INVALID, "der is required");
        return qn_err_field(err, "der", "is required");
    }
    if (ca->der_len > QN_STORE_BLOB_MAX)
        return qs_too_large(err, "der", QN_STORE_BLOB_MAX);
    unsigned char fp[QN_STORE_DIGEST_LEN];
    qs_sha256(ca->der, ca->der_len, fp);
    qs_hex(fp, sizeof fp, ca->sha256_hex);
    if (ca->created_at == 0)
        ca->created_at = qs_now();
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, ca->name);
    qs_blob(&q, 2, ca->der, ca->der_len);
    qs_text(&q, 3, ca->sha256_hex);
    qs_int(&q, 4, ca->enabled ? 1 : 0);
    qs_int(&q, 5, ca->created_at);
    rc = qs_one(&q, "CA", err);
    if (rc == QN_OK)
        ca->id = qs_get_int(&q, 0);
    qs_done(&q);
    if (rc == QN_OK)
        rc = qs_audit_row(c, "create", "trusted_ca", ca_digest, ca->id, NULL, NULL, err);
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_ca_all(qn_store_conn *c, bool enabled_only, qn_store_ca_list *out, qn_err *err)
{
    static const char *const sql =
        "SELECT id, name, der, sha256, enabled, created_at FROM trusted_cas "
        "WHERE (CAST($1 AS BIGINT) = 0 OR enabled = 1) ORDER BY id LIMIT 1000";
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, enabled_only ? 1 : 0);
    void *items;
    qn_code rc = qs_collect(&q, 1000, sizeof *out->items, read_ca, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK) {
        if (err != NULL && err->code == QN_OK)
            qn_err_set(err, rc, "out of memory");
        qn_store_ca_list_free(out);
    }
    return rc;
}

qn_code qn_store_ca_set_enabled(qn_store_conn *c, int64_t id, bool enabled, qn_err *err)
{
    static const char *const sql = "UPDATE trusted_cas SET enabled = $2 WHERE id = $1";
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    unsigned char before[QN_STORE_DIGEST_LEN];
    bool found = false;
    rc = qs_row_digest(c, ca_digest, id, NULL, before, &found, err);
    if (rc == QN_OK && !found)
        rc = qn_err_set(err, QN_E_NOT_FOUND, "CA %" PRId64 " not found", id);
    if (rc == QN_OK) {
        qs_q q;
        qs_init(&q, c, sql);
        qs_int(&q, 1, id);
        qs_int(&q, 2, enabled ? 1 : 0);
        rc = qs_run(&q, err);
        qs_done(&q);
    }
    if (rc == QN_OK)
        rc = qs_audit_row(c, enabled ? "enable" : "disable", "trusted_ca", ca_digest, id, NULL,
                          before, err);
    return qs_wend(c, own, rc, err);
}

void qn_store_ca_list_free(qn_store_ca_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i].der);
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

static const char *const crl_digest = "SELECT * FROM crls WHERE ca_id = $1";

/* Insert first, then update (see qn_store_address_put for why). */
qn_code qn_store_crl_put(qn_store_conn *c, const qn_store_crl *crl, qn_err *err)
{
    static const char *const ins =
        "INSERT INTO crls (ca_id, der, this_update, next_update) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (ca_id) DO NOTHING";
    static const char *const upd =
        "UPDATE crls SET der = $2, this_update = $3, next_update = $4 WHERE ca_id = $1";
    if (crl->der == NULL || crl->der_len == 0) {
        qn_err_set(err, QN_E_INVALID, "der is required");
        return qn_err_field(err, "der", "is required");
    }
    if (crl->der_len > QN_STORE_BLOB_MAX)
        return qs_too_large(err, "der", QN_STORE_BLOB_MAX);
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    const char *steps[2] = {ins, upd};
    bool created = false;
    unsigned char before[QN_STORE_DIGEST_LEN];
    for (int k = 0; k < 2 && rc == QN_OK && !created; k++) {
        if (k == 1) {
            bool found = false;
            rc = qs_row_digest(c, crl_digest, crl->ca_id, NULL, before, &found, err);
            if (rc == QN_OK && !found)
                rc = qn_err_set(err, QN_E_INTERNAL, "CRL of CA %" PRId64 " vanished", crl->ca_id);
            if (rc != QN_OK)
                break;
        }
        qs_q q;
        qs_init(&q, c, steps[k]);
        qs_int(&q, 1, crl->ca_id);
        qs_blob(&q, 2, crl->der, crl->der_len);
        qs_int(&q, 3, crl->this_update);
        qs_int(&q, 4, crl->next_update);
        rc = qs_run(&q, err);
        created = k == 0 && rc == QN_OK && q.changes > 0;
        qs_done(&q);
    }
    if (rc == QN_OK)
        rc = qs_audit_row(c, created ? "create" : "update", "crl", crl_digest, crl->ca_id, NULL,
                          created ? NULL : before, err);
    return qs_wend(c, own, rc, err);
}

static qn_code read_crl(qs_q *q, void *item)
{
    qn_store_crl *crl = item;
    crl->ca_id = qs_get_int(q, 0);
    crl->this_update = qs_get_int(q, 2);
    crl->next_update = qs_get_int(q, 3);
    return qs_get_blob(q, 1, &crl->der, &crl->der_len, NULL);
}

qn_code qn_store_crl_all(qn_store_conn *c, qn_store_crl_list *out, qn_err *err)
{
    static const char *const sql =
        "SELECT ca_id, der, this_update, next_update FROM crls ORDER BY ca_id LIMIT 1000";
    qs_q q;
    qs_init(&q, c, sql);
    void *items;
    qn_code rc = qs_collect(&q, 1000, sizeof *out->items, read_crl, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK) {
        if (err != NULL && err->code == QN_OK)
            qn_err_set(err, rc, "out of memory");
        qn_store_crl_list_free(out);
    }
    return rc;
}

void qn_store_crl_list_free(qn_store_crl_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i].der);
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

/* ---------------------------------------------------------- one-time codes */

static const char *const otp_digest = "SELECT * FROM otp_codes WHERE id = $1";

qn_code qn_store_otp_create(qn_store_conn *c, qn_store_otp *o, qn_err *err)
{
    static const char *const sql =
        "INSERT INTO otp_codes (phone, account_id, code_hash, doc_digest, expires_at, attempts, "
        "used, created_at) VALUES ($1, $2, $3, $4, $5, 0, 0, $6) RETURNING id";
    QS_FIELD(err, o, phone, "phone");
    QS_FIELD(err, o, code_hash, "code_hash");
    QS_FIELD(err, o, doc_digest, "doc_digest");
    if (o->created_at == 0)
        o->created_at = qs_now();
    o->attempts = 0;
    o->used = false;
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, o->phone);
    qs_int(&q, 2, o->account_id);
    qs_text(&q, 3, o->code_hash);
    qs_text(&q, 4, o->doc_digest);
    qs_int(&q, 5, o->expires_at);
    qs_int(&q, 6, o->created_at);
    rc = qs_one(&q, "one-time code", err);
    if (rc == QN_OK)
        o->id = qs_get_int(&q, 0);
    qs_done(&q);
    if (rc == QN_OK)
        rc = qs_audit_row(c, "create", "otp", otp_digest, o->id, NULL, NULL, err);
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_otp_latest(qn_store_conn *c, int64_t account_id, const char *doc_digest,
                            qn_store_otp *out, qn_err *err)
{
    static const char *const sql =
        "SELECT id, phone, account_id, code_hash, doc_digest, expires_at, attempts, used, "
        "created_at FROM otp_codes WHERE account_id = $1 AND doc_digest = $2 AND used = 0 "
        "ORDER BY id DESC LIMIT 1";
    qn_code rc = qs_check_str(err, "doc_digest", doc_digest, QN_STORE_HASH_MAX, true);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, account_id);
    qs_text(&q, 2, doc_digest);
    rc = qs_one(&q, "one-time code", err);
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

qn_code qn_store_otp_attempt(qn_store_conn *c, int64_t id, int32_t *attempts, qn_err *err)
{
    static const char *const sql =
        "UPDATE otp_codes SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts";
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, id);
    qn_code rc = qs_one(&q, "one-time code", err);
    if (rc == QN_OK && attempts != NULL)
        *attempts = (int32_t)qs_get_int(&q, 0);
    qs_done(&q);
    if (rc != QN_OK && c->in_tx)
        c->tx_failed = true;
    return rc;
}

qn_code qn_store_otp_consume(qn_store_conn *c, int64_t id, qn_err *err)
{
    static const char *const sql = "UPDATE otp_codes SET used = 1 WHERE id = $1 AND used = 0";
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    unsigned char before[QN_STORE_DIGEST_LEN];
    bool found = false;
    rc = qs_row_digest(c, otp_digest, id, NULL, before, &found, err);
    if (rc == QN_OK && !found)
        rc = qn_err_set(err, QN_E_NOT_FOUND, "one-time code %" PRId64 " not found", id);
    if (rc == QN_OK) {
        qs_q q;
        qs_init(&q, c, sql);
        qs_int(&q, 1, id);
        rc = qs_run(&q, err);
        if (rc == QN_OK && q.changes == 0)
            rc = qn_err_set(err, QN_E_CONFLICT, "one-time code %" PRId64 " was already used", id);
        qs_done(&q);
    }
    if (rc == QN_OK)
        rc = qs_audit_row(c, "consume", "otp", otp_digest, id, NULL, before, err);
    return qs_wend(c, own, rc, err);
}

/* -------------------------------------------------------------- SMS outbox */

qn_code qn_store_sms_enqueue(qn_store_conn *c, qn_store_sms *m, qn_err *err)
{
    static const char *const sql = "INSERT INTO sms_outbox (phone, message, created_at) "
                                   "VALUES ($1, $2, $3) RETURNING id";
    static const char *const digest = "SELECT * FROM sms_outbox WHERE id = $1";
    QS_FIELD(err, m, phone, "phone");
    QS_FIELD(err, m, text, "text");
    if (m->created_at == 0)
        m->created_at = qs_now();
    m->sent_at = 0;
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, m->phone);
    qs_text(&q, 2, m->text);
    qs_int(&q, 3, m->created_at);
    rc = qs_one(&q, "sms", err);
    if (rc == QN_OK)
        m->id = qs_get_int(&q, 0);
    qs_done(&q);
    if (rc == QN_OK)
        rc = qs_audit_row(c, "create", "sms", digest, m->id, NULL, NULL, err);
    return qs_wend(c, own, rc, err);
}

static qn_code read_sms(qs_q *q, void *item)
{
    qn_store_sms *m = item;
    m->id = qs_get_int(q, 0);
    QS_STR(q, 1, m->phone);
    QS_STR(q, 2, m->text);
    m->created_at = qs_get_int(q, 3);
    m->sent_at = qs_get_int(q, 4);
    return QN_OK;
}

qn_code qn_store_sms_pending(qn_store_conn *c, int64_t limit, qn_store_sms_list *out,
                             qn_err *err)
{
    static const char *const sql =
        "SELECT id, phone, message, created_at, COALESCE(sent_at, 0) FROM sms_outbox "
        "WHERE sent_at IS NULL ORDER BY id LIMIT $1";
    memset(out, 0, sizeof *out);
    int64_t offset = 0;
    qn_code rc = qs_limit(&limit, &offset, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, limit);
    void *items;
    rc = qs_collect(&q, (size_t)limit, sizeof *out->items, read_sms, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK)
        qn_store_sms_list_free(out);
    return rc;
}

qn_code qn_store_sms_mark_sent(qn_store_conn *c, int64_t id, int64_t sent_at, qn_err *err)
{
    static const char *const sql = "UPDATE sms_outbox SET sent_at = $2 WHERE id = $1";
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, id);
    qs_int(&q, 2, sent_at != 0 ? sent_at : qs_now());
    qn_code rc = qs_run(&q, err);
    if (rc == QN_OK && q.changes == 0)
        rc = qn_err_set(err, QN_E_NOT_FOUND, "sms %" PRId64 " not found", id);
    qs_done(&q);
    if (rc != QN_OK && c->in_tx)
        c->tx_failed = true;
    return rc;
}

void qn_store_sms_list_free(qn_store_sms_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

/* ------------------------------------------------- mobile citizens database */

/* Insert first, then update (see qn_store_address_put for why). */
qn_code qn_store_mobile_put(qn_store_conn *c, const char *iin, const char *phone, qn_err *err)
{
    static const char *const ins = "INSERT INTO mobile_citizens (iin, phone) VALUES ($1, $2) "
                                   "ON CONFLICT (iin) DO NOTHING";
    static const char *const upd = "UPDATE mobile_citizens SET phone = $2 WHERE iin = $1";
    static const char *const digest = "SELECT * FROM mobile_citizens WHERE iin = $1";
    qn_code rc = qs_check_str(err, "iin", iin, QN_STORE_IIN_LEN, true);
    if (rc == QN_OK)
        rc = qs_check_str(err, "phone", phone, QN_STORE_PHONE_MAX, true);
    if (rc != QN_OK)
        return rc;
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    const char *steps[2] = {ins, upd};
    bool created = false;
    unsigned char before[QN_STORE_DIGEST_LEN];
    for (int k = 0; k < 2 && rc == QN_OK && !created; k++) {
        if (k == 1) {
            bool found = false;
            rc = qs_row_digest(c, digest, 0, iin, before, &found, err);
            if (rc == QN_OK && !found)
                rc = qn_err_set(err, QN_E_INTERNAL, "mobile entry %s vanished", iin);
            if (rc != QN_OK)
                break;
        }
        qs_q q;
        qs_init(&q, c, steps[k]);
        qs_text(&q, 1, iin);
        qs_text(&q, 2, phone);
        rc = qs_run(&q, err);
        created = k == 0 && rc == QN_OK && q.changes > 0;
        qs_done(&q);
    }
    if (rc == QN_OK)
        rc = qs_audit_row(c, created ? "create" : "update", "mobile_citizen", digest, 0, iin,
                          created ? NULL : before, err);
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_mobile_get(qn_store_conn *c, const char *iin,
                            char phone[QN_STORE_PHONE_MAX + 1], qn_err *err)
{
    static const char *const sql = "SELECT phone FROM mobile_citizens WHERE iin = $1";
    qn_code rc = qs_check_str(err, "iin", iin, QN_STORE_IIN_LEN, true);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, iin);
    rc = qs_one(&q, "mobile citizen", err);
    if (rc == QN_OK)
        qs_get_str(&q, 0, phone, QN_STORE_PHONE_MAX + 1);
    qs_done(&q);
    return rc;
}
