/* otp_service.c — one-time codes by SMS as a signature for citizens, the
 * mobile citizens database import and the outbox view (see signing.h).
 *
 * The code's hash is an HMAC under a server key bound to the document
 * digest and the phone (sign/otp.h); the key is generated once and kept in
 * the store (service_secrets), loaded into the service on first use, so
 * every instance on the database and every restart agree. Attempts are
 * counted in the store with an atomic increment BEFORE the code is
 * compared, so concurrent guesses cannot exceed QN_OTP_MAX_ATTEMPTS; a right
 * code is consumed with a conditional update (used 0 -> 1), so it confirms
 * once. Issuing is rate limited per phone and per account over the store's
 * own records (it holds across instances).
 *
 * The SMS text holds the code in clear (it must: the person reads it). It is
 * kept only while the code can be used: once the code has expired, the text
 * in the outbox is replaced by OTP_SMS_REDACTED. The purge runs, in its own
 * short write, whenever a code is issued or confirmed and before the
 * administrator reads the outbox, so an expired code is never shown and
 * stays in the database only until the next of those (docs/signatures.md).
 */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/signing_internal.h"

#define OTP_SMS_PREFIX "qonaq: your code "
#define OTP_SMS_REDACTED "qonaq: a one-time code was sent here; it has expired and its text was removed."

/* Replaces the text of the SMS of every expired code (best effort: a failure
 * here must not fail the caller's request, so it is only logged). conn must
 * be a writer's, outside a transaction. */
static void purge_expired_texts(const qn_svc_ctx *ctx, qn_store_conn *conn)
{
    qn_err e;
    qn_err_clear(&e);
    if (qn_store_sms_redact_before(conn, ctx->now - QN_OTP_TTL_SECONDS, OTP_SMS_PREFIX, OTP_SMS_REDACTED,
                                   NULL, &e) != QN_OK)
        fprintf(stderr, "otp: could not remove the text of expired codes: %s\n", e.message);
}

static qn_code otp_key(qn_svc_ctx *ctx, qn_store_conn *conn, unsigned char key[QN_OTP_KEY_MIN], qn_err *e)
{
    qn_svc_signing *s = qn_svc_signing_of(ctx->svc);
    pthread_mutex_lock(&s->mu);
    bool have = s->have_otp_key;
    if (have)
        memcpy(key, s->otp_key, QN_OTP_KEY_MIN);
    pthread_mutex_unlock(&s->mu);
    if (have)
        return QN_OK;
    unsigned char candidate[QN_OTP_KEY_MIN], stored[QN_OTP_KEY_MIN];
    qn_code rc = qn_otp_key_generate(candidate, sizeof candidate, e);
    size_t len = 0;
    if (rc == QN_OK)
        rc = qn_store_secret_get_or_put(conn, "otp_key", candidate, sizeof candidate, stored, sizeof stored,
                                        &len, e);
    if (rc == QN_OK && len != QN_OTP_KEY_MIN)
        rc = qn_err_set(e, QN_E_INTERNAL, "the stored one-time-code key has a wrong length");
    sodium_memzero(candidate, sizeof candidate);
    if (rc != QN_OK)
        return rc;
    pthread_mutex_lock(&s->mu);
    memcpy(s->otp_key, stored, QN_OTP_KEY_MIN);
    s->have_otp_key = true;
    pthread_mutex_unlock(&s->mu);
    memcpy(key, stored, QN_OTP_KEY_MIN);
    sodium_memzero(stored, sizeof stored);
    return QN_OK;
}

static bool phone_ok(const char *p)
{
    size_t n = p ? strlen(p) : 0;
    return n >= 11 && n <= 16 && p[0] == '+' && strspn(p + 1, "0123456789") == n - 1;
}

/* Lower-cases a 64-hex digest into out; false if it is not one. */
static bool digest_norm(const char *in, char out[65])
{
    if (!in || strlen(in) != 64)
        return false;
    for (int i = 0; i < 64; i++) {
        if (!isxdigit((unsigned char)in[i]))
            return false;
        out[i] = (char)tolower((unsigned char)in[i]);
    }
    out[64] = '\0';
    return true;
}

static void mask_phone(const char *p, char *out, size_t size)
{
    size_t n = strlen(p);
    if (n > 8)
        snprintf(out, size, "%.5s***%s", p, p + n - 4);
    else
        snprintf(out, size, "***");
}

qn_code qn_svc_mobile_import(qn_svc_ctx *ctx, const qn_svc_mobile_row *rows, size_t n, size_t *imported,
                             qn_err *e)
{
    *imported = 0;
    if (!ctx->who || ctx->who->role != QN_ROLE_ADMIN)
        return qn_err_set(e, QN_E_FORBIDDEN, "only an administrator imports the mobile citizens database");
    if (n == 0) {
        qn_err_set(e, QN_E_INVALID, "no rows to import");
        return qn_err_field(e, "rows", "must hold at least one row");
    }
    if (n > QN_SVC_MOBILE_IMPORT_MAX)
        return qn_err_set(e, QN_E_TOO_LARGE, "at most %d rows per import", QN_SVC_MOBILE_IMPORT_MAX);
    qn_err v;
    qn_err_clear(&v);
    for (size_t i = 0; i < n; i++) {
        char f[48];
        if (!rows[i].iin || !qn_sign_kz_id_valid(rows[i].iin)) {
            snprintf(f, sizeof f, "rows[%zu].iin", i);
            qn_err_field(&v, f, "must be a 12-digit IIN with a valid check digit");
        }
        if (!phone_ok(rows[i].phone)) {
            snprintf(f, sizeof f, "rows[%zu].phone", i);
            qn_err_field(&v, f, "must be + and 10 to 15 digits");
        }
    }
    if (v.code != QN_OK) {
        snprintf(v.message, sizeof v.message,
                 "the import was refused: some rows are invalid, nothing was imported");
        if (e)
            *e = v;
        return v.code;
    }
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc == QN_OK)
        rc = qn_store_begin(c.conn, e);
    for (size_t i = 0; rc == QN_OK && i < n; i++)
        rc = qn_store_mobile_put(c.conn, rows[i].iin, rows[i].phone, e);
    if (rc == QN_OK)
        rc = qn_store_commit(c.conn, e);
    qn_svc_release(ctx, &c);
    if (rc == QN_OK)
        *imported = n;
    return rc;
}

/* The IIN of the calling person (citizen or individual host), or NULL. */
static const char *caller_iin(const qn_svc_ctx *ctx)
{
    const qn_principal *w = ctx->who;
    if (!w || (w->role != QN_ROLE_CITIZEN && w->role != QN_ROLE_HOST_INDIVIDUAL))
        return NULL;
    return qn_sign_kz_id_valid(w->party_id) ? w->party_id : NULL;
}

qn_code qn_svc_otp_issue(qn_svc_ctx *ctx, const char *doc_digest, const char *purpose, qn_svc_otp_out *out,
                         qn_err *e)
{
    memset(out, 0, sizeof *out);
    const qn_principal *w = ctx->who;
    if (!w || (w->role != QN_ROLE_CITIZEN && w->role != QN_ROLE_HOST_INDIVIDUAL))
        return qn_err_set(e, QN_E_FORBIDDEN, "one-time codes are for citizens signing their own consents");
    if (w->via == QN_CRED_API_KEY)
        return qn_err_set(e, QN_E_FORBIDDEN, "one-time codes need a person's session, not an API key");
    char digest[65];
    qn_err v;
    qn_err_clear(&v);
    if (!digest_norm(doc_digest, digest))
        qn_err_field(&v, "document_digest", "must be the SHA-256 of the document as 64 hex digits");
    size_t plen = purpose ? strlen(purpose) : 0;
    if (plen == 0 || plen > 32 || strspn(purpose, "abcdefghijklmnopqrstuvwxyz_") != plen)
        qn_err_field(&v, "purpose", "must be 1 to 32 lower-case letters or _ (e.g. consent)");
    if (v.code != QN_OK) {
        if (e)
            *e = v;
        return v.code;
    }
    const char *iin = caller_iin(ctx);
    if (!iin) {
        qn_err_set(e, QN_E_NOT_FOUND, "the account has no IIN, so no phone can be found for it");
        qn_err_sub(e, "no_phone");
        return QN_E_NOT_FOUND;
    }
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    unsigned char key[QN_OTP_KEY_MIN];
    rc = otp_key(ctx, c.conn, key, e);
    char phone[QN_STORE_PHONE_MAX + 1] = "";
    qn_err miss;
    qn_err_clear(&miss);
    if (rc == QN_OK)
        rc = qn_store_begin(c.conn, e);
    if (rc == QN_OK && qn_store_mobile_get(c.conn, iin, phone, &miss) != QN_OK) {
        if (miss.code == QN_E_NOT_FOUND) {
            rc = qn_err_set(e, QN_E_NOT_FOUND,
                            "no phone is registered for this IIN in the mobile citizens database");
            qn_err_sub(e, "no_phone");
        } else {
            rc = miss.code;
            if (e)
                *e = miss;
        }
    }
    int64_t by_phone = 0, by_account = 0;
    if (rc == QN_OK)
        rc = qn_store_otp_count_since(c.conn, phone, w->account_id, ctx->now - QN_SVC_OTP_WINDOW, &by_phone,
                                      &by_account, e);
    if (rc == QN_OK && (by_phone >= QN_SVC_OTP_MAX_PER_WINDOW || by_account >= QN_SVC_OTP_MAX_PER_WINDOW)) {
        rc = qn_err_set(e, QN_E_RATE_LIMITED, "at most %d codes per %d minutes %s; try again later",
                        QN_SVC_OTP_MAX_PER_WINDOW, QN_SVC_OTP_WINDOW / 60,
                        by_phone >= QN_SVC_OTP_MAX_PER_WINDOW ? "for this phone" : "for this account");
        qn_err_sub(e, "otp_rate");
    }
    char code[QN_OTP_DIGITS + 1] = "";
    qn_otp_record rec;
    memset(&rec, 0, sizeof rec);
    if (rc == QN_OK)
        rc = qn_otp_issue(key, sizeof key, digest, phone, ctx->now, code, &rec, e);
    qn_store_otp o;
    memset(&o, 0, sizeof o);
    if (rc == QN_OK) {
        snprintf(o.phone, sizeof o.phone, "%s", phone);
        o.account_id = w->account_id;
        snprintf(o.code_hash, sizeof o.code_hash, "%s", rec.hash_hex);
        snprintf(o.doc_digest, sizeof o.doc_digest, "%s", digest);
        o.created_at = ctx->now;
        o.expires_at = ctx->now + QN_OTP_TTL_SECONDS;
        rc = qn_store_otp_create(c.conn, &o, e);
    }
    if (rc == QN_OK)
        rc = qn_store_commit(c.conn, e);
    if (rc == QN_OK)
        purge_expired_texts(ctx, c.conn);
    qn_svc_release(ctx, &c);
    sodium_memzero(key, sizeof key);
    if (rc == QN_OK) {
        char text[QN_STORE_TEXT_MAX + 1];
        snprintf(text, sizeof text,
                 OTP_SMS_PREFIX "%s signs %s %.8s (one-time code %lld). Valid %d minutes. "
                                "Do not tell it to anyone.",
                 code, purpose, digest, (long long)o.id, QN_OTP_TTL_SECONDS / 60);
        qn_svc_signing *s = qn_svc_signing_of(ctx->svc);
        rc = s->gateway.send(s->gateway.state, ctx, phone, text, e);
        sodium_memzero(text, sizeof text);
    }
    sodium_memzero(code, sizeof code);
    if (rc != QN_OK)
        return rc;
    out->id = o.id;
    out->expires_at = o.expires_at;
    mask_phone(phone, out->phone_masked, sizeof out->phone_masked);
    return QN_OK;
}

qn_code qn_svc_otp_confirm(qn_svc_ctx *ctx, int64_t otp_id, const char *code, const char *doc_digest,
                           qn_err *e)
{
    const qn_principal *w = ctx->who;
    char digest[65];
    qn_err v;
    qn_err_clear(&v);
    if (!digest_norm(doc_digest, digest))
        qn_err_field(&v, "document_digest", "must be the SHA-256 of the document as 64 hex digits");
    if (!code || strlen(code) > 16)
        qn_err_field(&v, "code", "must be the 6-digit code from the SMS");
    if (v.code != QN_OK) {
        if (e)
            *e = v;
        return v.code;
    }
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    unsigned char key[QN_OTP_KEY_MIN];
    rc = otp_key(ctx, c.conn, key, e);
    qn_store_otp o;
    memset(&o, 0, sizeof o);
    if (rc == QN_OK)
        rc = qn_store_otp_get(c.conn, otp_id, &o, e);
    if (rc == QN_E_NOT_FOUND || (rc == QN_OK && (!w || o.account_id != w->account_id))) {
        qn_svc_release(ctx, &c);
        sodium_memzero(key, sizeof key);
        return qn_err_set(e, QN_E_NOT_FOUND, "one-time code %lld not found", (long long)otp_id);
    }
    qn_otp_record rec;
    memset(&rec, 0, sizeof rec);
    snprintf(rec.hash_hex, sizeof rec.hash_hex, "%.64s", o.code_hash);
    rec.issued_at = o.created_at;
    rec.attempts = o.attempts;
    rec.used = o.used;
    /* The checks that do not count an attempt (used, expired, exhausted). */
    if (rc == QN_OK &&
        (rec.used || qn_otp_is_expired(rec.issued_at, ctx->now) || qn_otp_attempts_left(rec.attempts) == 0))
        rc = qn_otp_attempt(key, sizeof key, &rec, code, digest, o.phone, ctx->now, e);
    int32_t n = 0;
    if (rc == QN_OK)
        rc = qn_store_otp_attempt(c.conn, otp_id, &n, e); /* counted before comparing */
    if (rc == QN_OK) {
        rec.attempts = n - 1;
        rc = qn_otp_attempt(key, sizeof key, &rec, code, digest, o.phone, ctx->now, e);
    }
    if (rc == QN_OK) {
        qn_err raced;
        qn_err_clear(&raced);
        if (qn_store_otp_consume(c.conn, otp_id, &raced) != QN_OK) {
            rc = raced.code == QN_E_CONFLICT ? qn_err_set(e, QN_E_CONFLICT, "this code has already been used")
                                             : raced.code;
            if (raced.code == QN_E_CONFLICT)
                qn_err_sub(e, "otp_used");
            else if (e)
                *e = raced;
        }
    }
    if (c.conn && !qn_store_in_tx(c.conn))
        purge_expired_texts(ctx, c.conn);
    qn_svc_release(ctx, &c);
    sodium_memzero(key, sizeof key);
    return rc;
}

qn_code qn_svc_otp_confirmed(qn_svc_ctx *ctx, int64_t otp_id, const char *doc_digest, char ok_iin[13],
                             qn_err *e)
{
    ok_iin[0] = '\0';
    const qn_principal *w = ctx->who;
    char digest[65];
    if (!digest_norm(doc_digest, digest)) {
        qn_err_set(e, QN_E_INVALID, "the document digest must be 64 hex digits");
        return qn_err_field(e, "document_digest", "must be the SHA-256 of the document as 64 hex digits");
    }
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    qn_store_otp o;
    memset(&o, 0, sizeof o);
    if (rc == QN_OK)
        rc = qn_store_otp_get(c.conn, otp_id, &o, e);
    bool mine = rc == QN_OK && w && (qn_svc_is_system(w) || o.account_id == w->account_id);
    qn_store_account a;
    memset(&a, 0, sizeof a);
    if (mine)
        rc = qn_store_account_get(c.conn, o.account_id, &a, e);
    qn_svc_release(ctx, &c);
    if (rc == QN_E_NOT_FOUND || (rc == QN_OK && !mine))
        return qn_err_set(e, QN_E_NOT_FOUND, "one-time code %lld not found", (long long)otp_id);
    if (rc != QN_OK)
        return rc;
    if (strcmp(o.doc_digest, digest) != 0) {
        qn_err_set(e, QN_E_SIGNATURE, "the one-time code was issued for another document");
        qn_err_sub(e, "otp_digest_mismatch");
        return QN_E_SIGNATURE;
    }
    if (!o.used) {
        qn_err_set(e, QN_E_SIGNATURE, "the one-time code has not been confirmed");
        qn_err_sub(e, "otp_not_confirmed");
        return QN_E_SIGNATURE;
    }
    snprintf(ok_iin, 13, "%s", a.iin_bin);
    return QN_OK;
}

void qn_svc_sms_list_free(qn_svc_sms_list *l)
{
    if (!l)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

qn_code qn_svc_outbox(qn_svc_ctx *ctx, const char *phone, int64_t limit, qn_svc_sms_list *out, qn_err *e)
{
    memset(out, 0, sizeof *out);
    if (!ctx->who || ctx->who->role != QN_ROLE_ADMIN)
        return qn_err_set(e, QN_E_FORBIDDEN, "only an administrator reads the SMS outbox");
    if (limit < 1 || limit > 200) {
        qn_err_set(e, QN_E_INVALID, "limit must be 1 to 200");
        return qn_err_field(e, "limit", "must be 1 to 200");
    }
    if (phone && phone[0] && !phone_ok(phone)) {
        qn_err_set(e, QN_E_INVALID, "phone must be + and 10 to 15 digits");
        return qn_err_field(e, "phone", "must be + and 10 to 15 digits");
    }
    qn_svc_conn c = {0};
    qn_store_sms_list l = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc == QN_OK)
        purge_expired_texts(ctx, c.conn); /* an expired code is never shown */
    if (rc == QN_OK)
        rc = qn_store_sms_recent(c.conn, phone, limit, &l, e);
    qn_svc_release(ctx, &c);
    if (rc == QN_OK && l.count) {
        out->items = calloc(l.count, sizeof *out->items);
        if (!out->items)
            rc = qn_err_set(e, QN_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; rc == QN_OK && i < l.count; i++) {
        qn_svc_sms_view *m = &out->items[out->count++];
        m->id = l.items[i].id;
        snprintf(m->phone, sizeof m->phone, "%s", l.items[i].phone);
        snprintf(m->text, sizeof m->text, "%s", l.items[i].text);
        m->created_at = l.items[i].created_at;
        m->sent_at = l.items[i].sent_at;
    }
    qn_store_sms_list_free(&l);
    return rc;
}
