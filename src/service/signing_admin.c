/* signing_admin.c — the administrator's trust configuration: trusted CA
 * certificates and their CRLs (see signing.h).
 *
 * Every check happens at upload, so the trust set built from the store
 * (signing.c) only ever meets sound material: a CA must be one X.509
 * certificate with basicConstraints CA:TRUE and an accepted key (RSA >= 2048,
 * EC P-256/P-384, docs/signatures.md "Algorithms"); a CRL must be issued by
 * an enabled trusted CA (name and signature), be current (thisUpdate not in
 * the future beyond the skew, nextUpdate present and not passed) and not
 * older than the CRL it replaces. Each change raises the store's trust
 * generation in the same transaction, so every verification after the
 * commit (in any instance) uses the new set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "service/signing_internal.h"

static bool is_admin(const qn_svc_ctx *ctx) { return ctx->who && ctx->who->role == QN_ROLE_ADMIN; }

static qn_code forbid(qn_err *e)
{
    return qn_err_set(e, QN_E_FORBIDDEN, "only an administrator manages trusted CAs and CRLs");
}

qn_code qn_svc_require_admin(const qn_svc_ctx *ctx, qn_err *e)
{
    if (ctx->who && ctx->who->role == QN_ROLE_ADMIN)
        return QN_OK;
    return qn_err_set(e, QN_E_FORBIDDEN, "only an administrator may do this");
}

static bool looks_pem(const unsigned char *b, size_t len)
{
    for (size_t i = 0; i + 11 <= len; i++)
        if (memcmp(b + i, "-----BEGIN ", 11) == 0)
            return true;
    return false;
}

static int64_t asn1_unix(const ASN1_TIME *t)
{
    struct tm tm;
    if (!t || !ASN1_TIME_to_tm(t, &tm))
        return 0;
    return (int64_t)timegm(&tm);
}

/* One certificate from PEM or DER; NULL if the blob is not exactly that. */
static X509 *parse_cert(const unsigned char *blob, size_t len)
{
    X509 *x = NULL;
    if (looks_pem(blob, len)) {
        BIO *b = BIO_new_mem_buf(blob, (int)len);
        if (b)
            x = PEM_read_bio_X509(b, NULL, NULL, NULL);
        X509 *second = b && x ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
        if (second) { /* one CA per upload: say which one is meant */
            X509_free(second);
            X509_free(x);
            x = NULL;
        }
        BIO_free(b);
    } else {
        const unsigned char *p = blob;
        x = d2i_X509(NULL, &p, (long)len);
        if (x && p != blob + len) {
            X509_free(x);
            x = NULL;
        }
    }
    ERR_clear_error();
    return x;
}

static X509_CRL *parse_crl(const unsigned char *blob, size_t len)
{
    X509_CRL *c = NULL;
    if (looks_pem(blob, len)) {
        BIO *b = BIO_new_mem_buf(blob, (int)len);
        if (b)
            c = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL);
        BIO_free(b);
    } else {
        const unsigned char *p = blob;
        c = d2i_X509_CRL(NULL, &p, (long)len);
        if (c && p != blob + len) {
            X509_CRL_free(c);
            c = NULL;
        }
    }
    ERR_clear_error();
    return c;
}

/* Key policy for CA keys (docs/signatures.md): RSA >= 2048, EC P-256/P-384. */
static const char *key_refusal(X509 *x)
{
    EVP_PKEY *k = X509_get0_pubkey(x);
    if (!k)
        return "the certificate's public key cannot be read";
    int id = EVP_PKEY_get_base_id(k);
    if (id == EVP_PKEY_RSA)
        return EVP_PKEY_get_bits(k) >= QN_SIGN_MIN_RSA_BITS ? NULL : "RSA key under 2048 bits";
    if (id == EVP_PKEY_EC) {
        char group[64] = "";
        size_t n = 0;
        if (EVP_PKEY_get_group_name(k, group, sizeof group, &n) &&
            (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0 ||
             strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0))
            return NULL;
        return "EC key not on P-256 or P-384";
    }
    return "key type not RSA or EC";
}

static void name_of(X509 *x, char *cn, size_t cn_size, char *subject, size_t subject_size)
{
    X509_NAME *n = X509_get_subject_name(x);
    cn[0] = subject[0] = '\0';
    BIO *b = BIO_new(BIO_s_mem());
    if (b && X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253) >= 0) {
        char *p = NULL;
        long len = BIO_get_mem_data(b, &p);
        snprintf(subject, subject_size, "%.*s",
                 (int)(len < (long)subject_size ? len : (long)subject_size - 1), p);
    }
    BIO_free(b);
    int i = X509_NAME_get_index_by_NID(n, NID_commonName, -1);
    if (i >= 0) {
        ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i));
        unsigned char *u = NULL;
        int len = ASN1_STRING_to_UTF8(&u, s);
        if (len > 0)
            snprintf(cn, cn_size, "%.*s", len, (const char *)u);
        OPENSSL_free(u);
    }
    if (!cn[0])
        snprintf(cn, cn_size, "%.*s", (int)cn_size - 1, subject[0] ? subject : "CA");
}

static void view_of(const qn_store_ca *ca, const qn_store_crl_list *crls, qn_svc_ca_view *v)
{
    memset(v, 0, sizeof *v);
    v->id = ca->id;
    snprintf(v->name, sizeof v->name, "%s", ca->name);
    snprintf(v->sha256, sizeof v->sha256, "%s", ca->sha256_hex);
    v->enabled = ca->enabled;
    v->created_at = ca->created_at;
    const unsigned char *p = ca->der;
    X509 *x = d2i_X509(NULL, &p, (long)ca->der_len);
    if (x) {
        char cn[129];
        name_of(x, cn, sizeof cn, v->subject, sizeof v->subject);
        v->not_before = asn1_unix(X509_get0_notBefore(x));
        v->not_after = asn1_unix(X509_get0_notAfter(x));
        X509_free(x);
    }
    ERR_clear_error();
    for (size_t i = 0; crls && i < crls->count; i++)
        if (crls->items[i].ca_id == ca->id) {
            v->has_crl = true;
            v->crl_this_update = crls->items[i].this_update;
            v->crl_next_update = crls->items[i].next_update;
        }
}

void qn_svc_ca_list_free(qn_svc_ca_list *l)
{
    if (!l)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

qn_code qn_svc_ca_upload(qn_svc_ctx *ctx, const unsigned char *blob, size_t len, qn_svc_ca_view *out,
                         qn_err *e)
{
    memset(out, 0, sizeof *out);
    if (!is_admin(ctx))
        return forbid(e);
    if (!blob || len == 0) {
        qn_err_set(e, QN_E_INVALID, "no certificate given");
        return qn_err_field(e, "certificate", "is required");
    }
    if (len > QN_SIGN_MAX_TRUST_BLOB)
        return qn_err_set(e, QN_E_TOO_LARGE, "a CA certificate is at most %u bytes", QN_SIGN_MAX_TRUST_BLOB);
    X509 *x = parse_cert(blob, len);
    if (!x) {
        qn_err_set(e, QN_E_INVALID, "not one X.509 certificate in PEM or DER");
        return qn_err_field(e, "certificate", "is not one X.509 certificate in PEM or DER");
    }
    const char *why =
        X509_check_ca(x) < 1 ? "is not a CA certificate (basicConstraints CA:TRUE)" : key_refusal(x);
    if (why) {
        X509_free(x);
        qn_err_set(e, QN_E_INVALID, "the certificate is refused: %s", why);
        return qn_err_field(e, "certificate", "%s", why);
    }
    qn_store_ca ca;
    memset(&ca, 0, sizeof ca);
    char subject[512];
    name_of(x, ca.name, sizeof ca.name, subject, sizeof subject);
    unsigned char *der = NULL;
    int der_len = i2d_X509(x, &der);
    X509_free(x);
    if (der_len <= 0)
        return qn_err_set(e, QN_E_INTERNAL, "cannot encode the certificate");
    ca.der = der;
    ca.der_len = (size_t)der_len;
    ca.enabled = true;
    ca.created_at = ctx->now;

    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    qn_store_ca_list all = {0};
    if (rc == QN_OK)
        rc = qn_store_begin(c.conn, e);
    if (rc == QN_OK)
        rc = qn_store_ca_all(c.conn, false, &all, e);
    /* The fingerprint the store would compute, to find a disabled twin. */
    unsigned char md[32];
    char fp[65];
    EVP_Digest(der, (size_t)der_len, md, NULL, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++)
        snprintf(fp + 2 * i, 3, "%02x", md[i]);
    int64_t twin = 0;
    bool twin_enabled = false;
    for (size_t i = 0; rc == QN_OK && i < all.count; i++)
        if (strcmp(all.items[i].sha256_hex, fp) == 0) {
            twin = all.items[i].id;
            twin_enabled = all.items[i].enabled;
        }
    if (rc == QN_OK && twin && twin_enabled) {
        rc =
            qn_err_set(e, QN_E_CONFLICT, "this CA certificate is already trusted (id %lld)", (long long)twin);
        qn_err_sub(e, "ca_exists");
    } else if (rc == QN_OK && twin) {
        rc = qn_store_ca_set_enabled(c.conn, twin, true, e);
        ca.id = twin;
    } else if (rc == QN_OK) {
        rc = qn_store_ca_add(c.conn, &ca, e);
    }
    if (rc == QN_OK)
        rc = qn_store_trust_bump(c.conn, e);
    if (rc == QN_OK)
        rc = qn_store_commit(c.conn, e);
    qn_store_ca_list_free(&all);
    qn_store_crl_list crls = {0};
    qn_store_ca_list after = {0};
    if (rc == QN_OK && qn_store_ca_all(c.conn, false, &after, NULL) == QN_OK &&
        qn_store_crl_all(c.conn, &crls, NULL) == QN_OK)
        for (size_t i = 0; i < after.count; i++)
            if (after.items[i].id == ca.id)
                view_of(&after.items[i], &crls, out);
    qn_store_ca_list_free(&after);
    qn_store_crl_list_free(&crls);
    qn_svc_release(ctx, &c);
    OPENSSL_free(der);
    return rc;
}

qn_code qn_svc_ca_all(qn_svc_ctx *ctx, qn_svc_ca_list *out, qn_err *e)
{
    memset(out, 0, sizeof *out);
    if (!is_admin(ctx))
        return forbid(e);
    qn_svc_conn c = {0};
    qn_store_ca_list cas = {0};
    qn_store_crl_list crls = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc == QN_OK)
        rc = qn_store_ca_all(c.conn, false, &cas, e);
    if (rc == QN_OK)
        rc = qn_store_crl_all(c.conn, &crls, e);
    qn_svc_release(ctx, &c);
    if (rc == QN_OK && cas.count) {
        out->items = calloc(cas.count, sizeof *out->items);
        if (!out->items)
            rc = qn_err_set(e, QN_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; rc == QN_OK && i < cas.count; i++)
        view_of(&cas.items[i], &crls, &out->items[out->count++]);
    qn_store_ca_list_free(&cas);
    qn_store_crl_list_free(&crls);
    return rc;
}

qn_code qn_svc_ca_disable(qn_svc_ctx *ctx, int64_t id, qn_err *e)
{
    if (!is_admin(ctx))
        return forbid(e);
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc == QN_OK)
        rc = qn_store_begin(c.conn, e);
    if (rc == QN_OK)
        rc = qn_store_ca_set_enabled(c.conn, id, false, e);
    if (rc == QN_OK)
        rc = qn_store_trust_bump(c.conn, e);
    if (rc == QN_OK)
        rc = qn_store_commit(c.conn, e);
    qn_svc_release(ctx, &c);
    return rc;
}

static qn_code crl_refused(qn_err *e, const char *sub, const char *why)
{
    qn_err_set(e, QN_E_INVALID, "the CRL is refused: %s", why);
    qn_err_sub(e, sub);
    return qn_err_field(e, "crl", "%s", why);
}

qn_code qn_svc_crl_upload(qn_svc_ctx *ctx, const unsigned char *blob, size_t len, int64_t *ca_id, qn_err *e)
{
    *ca_id = 0;
    if (!is_admin(ctx))
        return forbid(e);
    if (!blob || len == 0) {
        qn_err_set(e, QN_E_INVALID, "no CRL given");
        return qn_err_field(e, "crl", "is required");
    }
    if (len > QN_SIGN_MAX_TRUST_BLOB)
        return qn_err_set(e, QN_E_TOO_LARGE, "a CRL is at most %u bytes", QN_SIGN_MAX_TRUST_BLOB);
    X509_CRL *crl = parse_crl(blob, len);
    if (!crl)
        return crl_refused(e, "malformed", "not an X.509 CRL in PEM or DER");
    int64_t this_update = asn1_unix(X509_CRL_get0_lastUpdate(crl));
    int64_t next_update = asn1_unix(X509_CRL_get0_nextUpdate(crl));
    unsigned char *der = NULL;
    int der_len = i2d_X509_CRL(crl, &der);

    qn_svc_conn c = {0};
    qn_store_ca_list cas = {0};
    qn_store_crl_list crls = {0};
    qn_code rc = der_len > 0 ? QN_OK : qn_err_set(e, QN_E_INTERNAL, "cannot encode the CRL");
    if (rc == QN_OK)
        rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc == QN_OK)
        rc = qn_store_begin(c.conn, e);
    if (rc == QN_OK)
        rc = qn_store_ca_all(c.conn, true, &cas, e);
    if (rc == QN_OK)
        rc = qn_store_crl_all(c.conn, &crls, e);
    int64_t issuer = 0;
    bool name_match = false;
    for (size_t i = 0; rc == QN_OK && !issuer && i < cas.count; i++) {
        const unsigned char *p = cas.items[i].der;
        X509 *x = d2i_X509(NULL, &p, (long)cas.items[i].der_len);
        if (x && X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(x)) == 0) {
            name_match = true;
            EVP_PKEY *k = X509_get0_pubkey(x);
            if (k && X509_CRL_verify(crl, k) == 1)
                issuer = cas.items[i].id;
        }
        X509_free(x);
    }
    ERR_clear_error();
    if (rc == QN_OK && !issuer)
        rc = name_match
                 ? crl_refused(e, "crl_invalid", "its signature does not verify with the issuing CA's key")
                 : crl_refused(e, "untrusted_issuer", "its issuer is not a trusted CA");
    if (rc == QN_OK && (this_update == 0 || this_update > ctx->now + QN_SIGN_DEFAULT_SKEW))
        rc = crl_refused(e, "crl_expired", "its thisUpdate lies in the future");
    if (rc == QN_OK && next_update == 0)
        rc = crl_refused(e, "crl_invalid", "it has no nextUpdate");
    if (rc == QN_OK && next_update <= ctx->now)
        rc = crl_refused(e, "crl_expired", "its nextUpdate has passed");
    for (size_t i = 0; rc == QN_OK && i < crls.count; i++)
        if (crls.items[i].ca_id == issuer && crls.items[i].this_update > this_update) {
            rc = qn_err_set(e, QN_E_CONFLICT, "a newer CRL of this CA is loaded already");
            qn_err_sub(e, "crl_older");
        }
    if (rc == QN_OK) {
        qn_store_crl s = {.ca_id = issuer,
                          .der = der,
                          .der_len = (size_t)der_len,
                          .this_update = this_update,
                          .next_update = next_update};
        rc = qn_store_crl_put(c.conn, &s, e);
    }
    if (rc == QN_OK)
        rc = qn_store_trust_bump(c.conn, e);
    if (rc == QN_OK)
        rc = qn_store_commit(c.conn, e);
    qn_svc_release(ctx, &c);
    qn_store_ca_list_free(&cas);
    qn_store_crl_list_free(&crls);
    OPENSSL_free(der);
    X509_CRL_free(crl);
    if (rc == QN_OK)
        *ca_id = issuer;
    return rc;
}
