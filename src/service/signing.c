/* signing.c — document signatures in the service layer: the cached trust
 * set, verification, storing and re-verifying signatures (see signing.h).
 *
 * The trust cache. The service keeps one qn_sign_trust built from the
 * store's enabled CAs and their CRLs, tagged with the store's trust
 * generation. A verification reads the generation (one indexed row), and if
 * it differs from the cached one, builds a new set from the store and swaps
 * it in. Sets are reference counted: a verification holds a reference while
 * it runs, so a swap never frees a set in use; the mutex guards only the
 * pointer and the counts (verification itself runs unlocked, qn_sign_verify
 * is reentrant over an immutable set).
 */
#include "service/signing.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off */
#include <openssl/pem.h> /* before cms.h, which declares PEM_read_bio_CMS with its macros */
#include <openssl/cms.h>
/* clang-format on */
#include <openssl/evp.h>

#include "service/signing_internal.h"

typedef struct trust_ref {
    qn_sign_trust *trust;
    int64_t generation;
    int refs;
} trust_ref;

qn_code qn_svc_signing_new(const qn_service_config *cfg, qn_svc_signing **out, qn_err *e)
{
    qn_svc_signing *s = calloc(1, sizeof *s);
    if (!s)
        return qn_err_set(e, QN_E_NOMEM, "out of memory");
    if (pthread_mutex_init(&s->mu, NULL) != 0) {
        free(s);
        return qn_err_set(e, QN_E_INTERNAL, "cannot create a mutex");
    }
    s->gateway = *qn_sms_gateway_outbox();
    /* Demo files live beside the SQLite file; elsewhere under var/. */
    const char *url = cfg && cfg->db_url ? cfg->db_url : "sqlite:var/qonaq.db";
    snprintf(s->data_dir, sizeof s->data_dir, "var");
    if (strncmp(url, "sqlite:", 7) == 0 && strcmp(url + 7, ":memory:") != 0) {
        const char *path = url + 7;
        const char *slash = strrchr(path, '/');
        if (!slash)
            snprintf(s->data_dir, sizeof s->data_dir, ".");
        else if (slash == path)
            snprintf(s->data_dir, sizeof s->data_dir, "/");
        else if ((size_t)(slash - path) < sizeof s->data_dir)
            snprintf(s->data_dir, sizeof s->data_dir, "%.*s", (int)(slash - path), path);
    }
    *out = s;
    return QN_OK;
}

static void ref_drop_locked(trust_ref *r)
{
    if (r && --r->refs == 0) {
        qn_sign_trust_free(r->trust);
        free(r);
    }
}

void qn_svc_signing_free(qn_svc_signing *s)
{
    if (!s)
        return;
    ref_drop_locked(s->cur);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

void qn_svc_set_sms_gateway(qn_service *svc, const qn_sms_gateway *gw)
{
    qn_svc_signing *s = qn_svc_signing_of(svc);
    s->gateway = gw ? *gw : *qn_sms_gateway_outbox();
}

/* Builds a trust set from the store's enabled CAs and the CRLs of those. */
static qn_code build_trust(qn_store_conn *conn, qn_sign_trust **out, qn_err *e)
{
    *out = NULL;
    qn_store_ca_list cas = {0};
    qn_store_crl_list crls = {0};
    qn_code rc = qn_store_ca_all(conn, true, &cas, e);
    if (rc == QN_OK)
        rc = qn_store_crl_all(conn, &crls, e);
    qn_sign_trust *t = rc == QN_OK ? qn_sign_trust_new() : NULL;
    if (rc == QN_OK && !t)
        rc = qn_err_set(e, QN_E_NOMEM, "out of memory");
    for (size_t i = 0; rc == QN_OK && i < cas.count; i++) {
        qn_err one;
        qn_err_clear(&one);
        /* A stored CA that no longer loads (should not happen: checked at
         * upload) is left out rather than taking all signatures down. */
        if (qn_sign_trust_add_ca(t, cas.items[i].der, cas.items[i].der_len, &one) == QN_E_NOMEM)
            rc = qn_err_set(e, QN_E_NOMEM, "out of memory");
        bool has_crl = false;
        for (size_t j = 0; rc == QN_OK && j < crls.count; j++) {
            if (crls.items[j].ca_id != cas.items[i].id)
                continue;
            has_crl = true;
            if (qn_sign_trust_add_crl(t, crls.items[j].der, crls.items[j].der_len, &one) == QN_E_NOMEM)
                rc = qn_err_set(e, QN_E_NOMEM, "out of memory");
        }
        /* Once the administrator has loaded a CRL for a CA, its certificates
         * are accepted only with a CRL (docs/signatures.md): a stored CRL
         * that no longer loads refuses "crl_missing" instead of silently
         * skipping the revocation check. */
        if (rc == QN_OK && has_crl &&
            qn_sign_trust_require_crl(t, cas.items[i].der, cas.items[i].der_len, &one) == QN_E_NOMEM)
            rc = qn_err_set(e, QN_E_NOMEM, "out of memory");
    }
    qn_store_ca_list_free(&cas);
    qn_store_crl_list_free(&crls);
    if (rc != QN_OK) {
        qn_sign_trust_free(t);
        return rc;
    }
    *out = t;
    return QN_OK;
}

/* A reference to the current trust set (rebuilt when the store's
 * generation moved). Release with trust_release. */
static qn_code trust_take(qn_svc_ctx *ctx, trust_ref **out, qn_err *e)
{
    *out = NULL;
    qn_svc_signing *s = qn_svc_signing_of(ctx->svc);
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    int64_t gen = 0;
    if (rc == QN_OK)
        rc = qn_store_trust_generation(c.conn, &gen, e);
    if (rc != QN_OK) {
        qn_svc_release(ctx, &c);
        return rc;
    }
    pthread_mutex_lock(&s->mu);
    if (s->cur && s->cur->generation == gen) {
        s->cur->refs++;
        *out = s->cur;
        pthread_mutex_unlock(&s->mu);
        qn_svc_release(ctx, &c);
        return QN_OK;
    }
    pthread_mutex_unlock(&s->mu);
    qn_sign_trust *t = NULL;
    rc = build_trust(c.conn, &t, e);
    qn_svc_release(ctx, &c);
    if (rc != QN_OK)
        return rc;
    trust_ref *r = calloc(1, sizeof *r);
    if (!r) {
        qn_sign_trust_free(t);
        return qn_err_set(e, QN_E_NOMEM, "out of memory");
    }
    r->trust = t;
    r->generation = gen;
    r->refs = 2; /* the cache's and the caller's */
    pthread_mutex_lock(&s->mu);
    if (!s->cur || s->cur->generation < gen) {
        ref_drop_locked(s->cur);
        s->cur = r;
    } else {
        r->refs = 1; /* a newer set is cached already; this one is the caller's only */
    }
    pthread_mutex_unlock(&s->mu);
    *out = r;
    return QN_OK;
}

static void trust_release(qn_svc_ctx *ctx, trust_ref *r)
{
    if (!r)
        return;
    qn_svc_signing *s = qn_svc_signing_of(ctx->svc);
    pthread_mutex_lock(&s->mu);
    ref_drop_locked(r);
    pthread_mutex_unlock(&s->mu);
}

static bool is_id12(const char *s) { return s && strlen(s) == 12 && strspn(s, "0123456789") == 12; }

qn_code qn_svc_verify_signature(qn_svc_ctx *ctx, const unsigned char *doc, size_t doc_len,
                                const unsigned char *cms, size_t cms_len, const char *expected_id,
                                bool for_login, qn_sign_result *result, qn_err *e)
{
    if (!result || (!doc && doc_len) || !cms)
        return qn_err_set(e, QN_E_INVALID, "no document or signature given");
    if (expected_id && !is_id12(expected_id))
        return qn_err_set(e, QN_E_INVALID, "the expected signer must be a 12-digit IIN or BIN");
    trust_ref *r = NULL;
    qn_code rc = trust_take(ctx, &r, e);
    if (rc != QN_OK)
        return rc;
    qn_sign_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.now = ctx->now;
    opts.expected_id = expected_id;
    if (for_login) {
        opts.purpose = QN_SIGN_PURPOSE_LOGIN;
        opts.require_valid_now = 1;
        opts.max_age = QN_SIGN_LOGIN_MAX_AGE;
    } else {
        /* A live document: the signing time is the signer's claim, so the
         * certificate must also be valid now (an expired key cannot sign
         * today with a back-dated time). Re-verification of a stored record
         * (qn_svc_signature_reverify) leaves this off and judges validity at
         * the signing time. */
        opts.purpose = QN_SIGN_PURPOSE_DOCUMENT;
        opts.max_age = QN_SVC_DOC_SIGN_MAX_AGE;
        opts.require_valid_now = 1;
    }
    static const unsigned char empty[1] = {0};
    rc = qn_sign_verify(r->trust, doc ? doc : empty, doc_len, cms, cms_len, &opts, result, e);
    trust_release(ctx, r);
    return rc;
}

qn_code qn_svc_verify_recorded(qn_svc_ctx *ctx, const unsigned char *doc, size_t doc_len, const unsigned char *cms,
                               size_t cms_len, const char *expected_id, qn_sign_result *result, qn_err *e)
{
    /* branch web: the officer's case page checks recorded signatures again
     * (the document policy of qn_svc_verify_signature without its maximum
     * age, as qn_svc_signature_reverify does for signatures with details). */
    if (!result || (!doc && doc_len) || !cms)
        return qn_err_set(e, QN_E_INVALID, "no document or signature given");
    if (expected_id && !is_id12(expected_id))
        expected_id = NULL;
    trust_ref *r = NULL;
    qn_code rc = trust_take(ctx, &r, e);
    if (rc != QN_OK)
        return rc;
    qn_sign_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.now = ctx->now;
    opts.expected_id = expected_id;
    opts.purpose = QN_SIGN_PURPOSE_DOCUMENT;
    static const unsigned char empty[1] = {0};
    rc = qn_sign_verify(r->trust, doc ? doc : empty, doc_len, cms, cms_len, &opts, result, e);
    trust_release(ctx, r);
    return rc;
}

/* ---------------------------------------------------------------- storing */

static unsigned char *b64_decode(const unsigned char *in, size_t len, size_t *out_len)
{
    unsigned char *out = OPENSSL_malloc(len / 4 * 3 + 4);
    EVP_ENCODE_CTX *ec = EVP_ENCODE_CTX_new();
    int n = 0, total = 0;
    bool ok = out && ec;
    if (ok) {
        EVP_DecodeInit(ec);
        ok = EVP_DecodeUpdate(ec, out, &n, in, (int)len) >= 0;
        total = n;
        ok = ok && EVP_DecodeFinal(ec, out + total, &n) >= 0;
        total += n;
    }
    EVP_ENCODE_CTX_free(ec);
    if (!ok) {
        OPENSSL_free(out);
        return NULL;
    }
    *out_len = (size_t)total;
    return out;
}

qn_code qn_svc_cms_to_der(const unsigned char *cms, size_t len, unsigned char **der, size_t *der_len,
                          qn_err *e)
{
    *der = NULL;
    *der_len = 0;
    if (!cms || len == 0 || len > QN_SIGN_MAX_CMS)
        return qn_err_set(e, QN_E_INVALID, "the signature is empty or over %u bytes", QN_SIGN_MAX_CMS);
    CMS_ContentInfo *ci = NULL;
    size_t skip = 0;
    while (skip < len && isspace(cms[skip]))
        skip++;
    if (cms[0] == 0x30) {
        const unsigned char *p = cms;
        ci = d2i_CMS_ContentInfo(NULL, &p, (long)len);
    } else if (len - skip >= 11 && memcmp(cms + skip, "-----BEGIN ", 11) == 0) {
        BIO *b = BIO_new_mem_buf(cms, (int)len);
        if (b)
            ci = PEM_read_bio_CMS(b, NULL, NULL, NULL);
        BIO_free(b);
    } else {
        size_t n = 0;
        unsigned char *raw = b64_decode(cms, len, &n);
        if (raw && n > 0) {
            const unsigned char *p = raw;
            ci = d2i_CMS_ContentInfo(NULL, &p, (long)n);
        }
        OPENSSL_free(raw);
    }
    if (!ci)
        return qn_err_set(e, QN_E_INVALID, "the signature is not a CMS in DER, PEM or base64");
    unsigned char *out = NULL;
    int n = i2d_CMS_ContentInfo(ci, &out);
    CMS_ContentInfo_free(ci);
    if (n <= 0)
        return qn_err_set(e, QN_E_INTERNAL, "cannot encode the signature as DER");
    *der = malloc((size_t)n);
    if (!*der) {
        OPENSSL_free(out);
        return qn_err_set(e, QN_E_NOMEM, "out of memory");
    }
    memcpy(*der, out, (size_t)n);
    *der_len = (size_t)n;
    OPENSSL_free(out);
    return QN_OK;
}

static const char *const signer_roles[] = {"applicant", "owner",   "co_owner",
                                           "host",      "officer", "representative"};

/* Checks the arguments of a signature to store and hashes the document;
 * field errors in e. */
static qn_code store_args(const qn_svc_ctx *ctx, const char *subject_kind, int64_t subject_id,
                          const char *signer_role, const unsigned char *doc, size_t doc_len,
                          const qn_sign_result *result, char hex[65], qn_err *e)
{
    if (!ctx->who || (ctx->who->role == QN_ROLE_NONE && strcmp(ctx->who->username, "system") != 0))
        return qn_err_set(e, QN_E_UNAUTHORIZED, "storing a signature needs an authenticated caller");
    bool known =
        subject_kind && (strcmp(subject_kind, "application") == 0 || strcmp(subject_kind, "consent") == 0 ||
                         strcmp(subject_kind, "notification") == 0);
    qn_err v;
    qn_err_clear(&v);
    if (!known)
        qn_err_field(&v, "subject_kind", "must be application, consent or notification");
    if (subject_id <= 0)
        qn_err_field(&v, "subject_id", "must be a positive id");
    bool role_ok = false;
    for (size_t i = 0; signer_role && i < sizeof signer_roles / sizeof signer_roles[0]; i++)
        role_ok = role_ok || strcmp(signer_role, signer_roles[i]) == 0;
    if (!role_ok)
        qn_err_field(&v, "signer_role",
                     "must be applicant, owner, co_owner, host, officer or representative");
    if (!result || result->code != QN_SIGN_OK || !result->cert_der)
        qn_err_field(&v, "result", "must be an accepted verification result");
    if (!doc || doc_len > QN_SIGN_MAX_DOC)
        qn_err_field(&v, "document", "is missing or over %u bytes", QN_SIGN_MAX_DOC);
    if (v.code != QN_OK) {
        if (e)
            *e = v;
        return v.code;
    }
    /* The result must be the verification of this very document. */
    unsigned char md[32];
    EVP_Digest(doc, doc_len, md, NULL, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    if (strcmp(hex, result->doc_sha256) != 0) {
        qn_err_set(e, QN_E_INVALID, "the verification result is not about this document");
        return qn_err_field(e, "document", "differs from the verified one");
    }
    return QN_OK;
}

qn_code qn_svc_store_signature_in(qn_svc_ctx *ctx, qn_store_conn *conn, const char *subject_kind,
                                  int64_t subject_id, int64_t application_id, const char *signer_role,
                                  const unsigned char *doc, size_t doc_len, const unsigned char *cms,
                                  size_t cms_len, const qn_sign_result *result, int64_t *signature_id,
                                  qn_err *e)
{
    if (signature_id)
        *signature_id = 0;
    char hex[65];
    qn_code rc = store_args(ctx, subject_kind, subject_id, signer_role, doc, doc_len, result, hex, e);
    if (rc != QN_OK)
        return rc;
    bool consent = strcmp(subject_kind, "consent") == 0;
    unsigned char *der = NULL;
    size_t der_len = 0;
    rc = qn_svc_cms_to_der(cms, cms_len, &der, &der_len, e);
    if (rc != QN_OK)
        return rc;
    qn_store_signature s;
    memset(&s, 0, sizeof s);
    s.application_id = application_id;
    snprintf(s.doc_ref, sizeof s.doc_ref, "%s:%lld", subject_kind, (long long)subject_id);
    snprintf(s.kind, sizeof s.kind, "%s", consent ? "consent" : "signature");
    bool use_bin = strcmp(signer_role, "host") == 0 && result->bin[0];
    snprintf(s.signer_iin_bin, sizeof s.signer_iin_bin, "%s", use_bin ? result->bin : result->iin);
    snprintf(s.role, sizeof s.role, "%s", signer_role);
    s.cms = der;
    s.cms_len = der_len;
    snprintf(s.result, sizeof s.result, "valid");
    s.verified_at = ctx->now;
    s.created_at = ctx->now;

    qn_store_signature_detail d;
    memset(&d, 0, sizeof d);
    snprintf(d.subject_kind, sizeof d.subject_kind, "%s", subject_kind);
    d.subject_id = subject_id;
    d.document = (unsigned char *)(uintptr_t)doc;
    d.document_len = doc_len;
    snprintf(d.doc_sha256, sizeof d.doc_sha256, "%s", hex);
    d.cert_der = result->cert_der;
    d.cert_der_len = result->cert_der_len;
    snprintf(d.signer_iin, sizeof d.signer_iin, "%s", result->iin);
    snprintf(d.signer_bin, sizeof d.signer_bin, "%s", result->bin);
    snprintf(d.subject_dn, sizeof d.subject_dn, "%s", result->subject);
    snprintf(d.issuer_dn, sizeof d.issuer_dn, "%s", result->issuer);
    snprintf(d.serial_hex, sizeof d.serial_hex, "%s", result->serial_hex);
    d.signing_time = result->signing_time;
    snprintf(d.key_type, sizeof d.key_type, "%s", result->key_type);

    rc = qn_store_signature_add(conn, &s, e);
    d.signature_id = s.id;
    if (rc == QN_OK)
        rc = qn_store_signature_detail_put(conn, &d, e);
    free(der);
    if (rc == QN_OK && signature_id)
        *signature_id = s.id;
    return rc;
}

qn_code qn_svc_store_signature(qn_svc_ctx *ctx, const char *subject_kind, int64_t subject_id,
                               const char *signer_role, const unsigned char *doc, size_t doc_len,
                               const unsigned char *cms, size_t cms_len, const qn_sign_result *result,
                               int64_t *signature_id, qn_err *e)
{
    if (signature_id)
        *signature_id = 0;
    char hex[65];
    qn_code rc = store_args(ctx, subject_kind, subject_id, signer_role, doc, doc_len, result, hex, e);
    if (rc != QN_OK)
        return rc;
    bool app = strcmp(subject_kind, "application") == 0 || strcmp(subject_kind, "consent") == 0;
    qn_svc_conn c = {0};
    rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc == QN_OK)
        rc = qn_store_begin(c.conn, e);
    if (rc == QN_OK)
        rc = qn_svc_store_signature_in(ctx, c.conn, subject_kind, subject_id, app ? subject_id : 0,
                                       signer_role, doc, doc_len, cms, cms_len, result, signature_id, e);
    if (rc == QN_OK)
        rc = qn_store_commit(c.conn, e);
    else if (c.conn)
        qn_store_rollback(c.conn);
    qn_svc_release(ctx, &c);
    return rc;
}

qn_code qn_svc_signature_reverify(qn_svc_ctx *ctx, int64_t signature_id, qn_svc_signature_info *info,
                                  qn_sign_result *result, qn_err *e)
{
    memset(info, 0, sizeof *info);
    const qn_principal *who = ctx->who;
    bool system = who->role == QN_ROLE_NONE && strcmp(who->username, "system") == 0;
    if (!system && who->role != QN_ROLE_ADMIN && who->role != QN_ROLE_OFFICER)
        return qn_err_set(e, QN_E_FORBIDDEN, "only administrators and officers re-verify signatures");
    qn_store_signature s;
    qn_store_signature_detail d;
    memset(&s, 0, sizeof s);
    memset(&d, 0, sizeof d);
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc == QN_OK)
        rc = qn_store_signature_get(c.conn, signature_id, &s, e);
    if (rc == QN_OK)
        rc = qn_store_signature_detail_get(c.conn, signature_id, &d, e);
    qn_svc_release(ctx, &c);
    if (rc == QN_E_NOT_FOUND)
        rc = qn_err_set(e, QN_E_NOT_FOUND, "signature %lld not found (or stored without its document)",
                        (long long)signature_id);
    if (rc != QN_OK) {
        qn_store_signature_clear(&s);
        qn_store_signature_detail_clear(&d);
        return rc;
    }
    info->id = s.id;
    snprintf(info->subject_kind, sizeof info->subject_kind, "%s", d.subject_kind);
    info->subject_id = d.subject_id;
    snprintf(info->signer_role, sizeof info->signer_role, "%s", s.role);
    snprintf(info->signer_id, sizeof info->signer_id, "%s", s.signer_iin_bin);
    snprintf(info->stored_result, sizeof info->stored_result, "%.63s", s.result);
    info->verified_at = s.verified_at;
    info->created_at = s.created_at;
    snprintf(info->doc_sha256, sizeof info->doc_sha256, "%s", d.doc_sha256);

    trust_ref *r = NULL;
    rc = trust_take(ctx, &r, e);
    if (rc == QN_OK) {
        qn_sign_opts opts;
        memset(&opts, 0, sizeof opts);
        opts.purpose = QN_SIGN_PURPOSE_DOCUMENT;
        opts.now = ctx->now;
        opts.expected_id = is_id12(s.signer_iin_bin) ? s.signer_iin_bin : NULL;
        rc = qn_sign_verify(r->trust, d.document, d.document_len, s.cms, s.cms_len, &opts, result, e);
        trust_release(ctx, r);
    }
    qn_store_signature_clear(&s);
    qn_store_signature_detail_clear(&d);
    return rc;
}
