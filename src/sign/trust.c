/* trust.c — the set of trusted CA certificates and CRLs for verification.
 *
 * The administrator configures CA certificates and CRLs (the store keeps the
 * blobs); the service builds one qn_sign_trust from them at start-up or when
 * they change and shares it between requests. Certificates go into an
 * X509_STORE used as the trust anchors of chain building; CRLs are kept in a
 * stack and checked by verify.c (signature, dates, serial) so that each
 * failure has its own code. Blobs may be DER (one object) or PEM (several).
 *
 * A trust set may also name issuers that must be covered by a CRL
 * (qn_sign_trust_require_crl): the service marks every CA for which the
 * administrator has loaded a CRL, so that if that CRL is ever missing from
 * the set (it failed to load, say) verification refuses with "crl_missing"
 * instead of silently skipping the revocation check.
 */
#include "sign/sign_internal.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

struct qn_sign_trust {
    X509_STORE *store;
    STACK_OF(X509_CRL) * crls;
    STACK_OF(X509_NAME) * crl_required; /* issuers that must be covered by a CRL */
    size_t n_cas;
};

qn_sign_trust *qn_sign_trust_new(void)
{
    qn_sign_trust *t = OPENSSL_zalloc(sizeof *t);
    if (t == NULL)
        return NULL;
    t->store = X509_STORE_new();
    t->crls = sk_X509_CRL_new_null();
    t->crl_required = sk_X509_NAME_new_null();
    if (t->store == NULL || t->crls == NULL || t->crl_required == NULL) {
        qn_sign_trust_free(t);
        return NULL;
    }
    return t;
}

void qn_sign_trust_free(qn_sign_trust *t)
{
    if (t == NULL)
        return;
    X509_STORE_free(t->store);
    sk_X509_CRL_pop_free(t->crls, X509_CRL_free);
    sk_X509_NAME_pop_free(t->crl_required, X509_NAME_free);
    OPENSSL_free(t);
}

X509_STORE *qn_sign_trust_store(const qn_sign_trust *t) { return t->store; }

STACK_OF(X509_CRL) * qn_sign_trust_crls(const qn_sign_trust *t) { return t->crls; }

size_t qn_sign_trust_ca_count(const qn_sign_trust *t) { return t ? t->n_cas : 0; }

size_t qn_sign_trust_crl_count(const qn_sign_trust *t) { return t ? (size_t)sk_X509_CRL_num(t->crls) : 0; }

static int is_pem(const unsigned char *blob, size_t len)
{
    for (size_t i = 0; i + 11 <= len; i++)
        if (memcmp(blob + i, "-----BEGIN ", 11) == 0)
            return 1;
    return 0;
}

static qn_code add_cert(qn_sign_trust *t, X509 *cert, qn_err *err)
{
    if (X509_check_ca(cert) < 1) {
        X509_free(cert);
        return qn_err_set(err, QN_E_INVALID, "a trusted certificate must be a CA certificate");
    }
    int ok = X509_STORE_add_cert(t->store, cert);
    X509_free(cert);
    if (!ok) {
        unsigned long e = ERR_peek_last_error();
        ERR_clear_error();
        if (ERR_GET_REASON(e) == X509_R_CERT_ALREADY_IN_HASH_TABLE)
            return QN_OK;
        return qn_err_set(err, QN_E_NOMEM, "could not add a CA certificate");
    }
    t->n_cas++;
    return QN_OK;
}

qn_code qn_sign_trust_add_ca(qn_sign_trust *t, const unsigned char *blob, size_t len, qn_err *err)
{
    if (t == NULL || blob == NULL || len == 0)
        return qn_err_set(err, QN_E_INVALID, "no CA certificate given");
    if (len > QN_SIGN_MAX_TRUST_BLOB)
        return qn_err_set(err, QN_E_TOO_LARGE, "CA certificate file over %u bytes", QN_SIGN_MAX_TRUST_BLOB);
    if (!is_pem(blob, len)) {
        const unsigned char *p = blob;
        X509 *cert = d2i_X509(NULL, &p, (long)len);
        ERR_clear_error();
        if (cert == NULL)
            return qn_err_set(err, QN_E_INVALID, "not a certificate in DER or PEM");
        return add_cert(t, cert, err);
    }
    BIO *b = BIO_new_mem_buf(blob, (int)len);
    if (b == NULL)
        return qn_err_set(err, QN_E_NOMEM, "out of memory");
    int n = 0;
    qn_code rc = QN_OK;
    X509 *cert;
    while ((cert = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
        n++;
        rc = add_cert(t, cert, err);
        if (rc != QN_OK)
            break;
    }
    ERR_clear_error();
    BIO_free(b);
    if (rc == QN_OK && n == 0)
        rc = qn_err_set(err, QN_E_INVALID, "no certificate found in the PEM text");
    return rc;
}

qn_code qn_sign_trust_add_crl(qn_sign_trust *t, const unsigned char *blob, size_t len, qn_err *err)
{
    if (t == NULL || blob == NULL || len == 0)
        return qn_err_set(err, QN_E_INVALID, "no CRL given");
    if (len > QN_SIGN_MAX_TRUST_BLOB)
        return qn_err_set(err, QN_E_TOO_LARGE, "CRL file over %u bytes", QN_SIGN_MAX_TRUST_BLOB);
    if (!is_pem(blob, len)) {
        const unsigned char *p = blob;
        X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)len);
        ERR_clear_error();
        if (crl == NULL)
            return qn_err_set(err, QN_E_INVALID, "not a CRL in DER or PEM");
        if (!sk_X509_CRL_push(t->crls, crl)) {
            X509_CRL_free(crl);
            return qn_err_set(err, QN_E_NOMEM, "out of memory");
        }
        return QN_OK;
    }
    BIO *b = BIO_new_mem_buf(blob, (int)len);
    if (b == NULL)
        return qn_err_set(err, QN_E_NOMEM, "out of memory");
    int n = 0;
    X509_CRL *crl;
    while ((crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL)) != NULL) {
        if (!sk_X509_CRL_push(t->crls, crl)) {
            X509_CRL_free(crl);
            BIO_free(b);
            return qn_err_set(err, QN_E_NOMEM, "out of memory");
        }
        n++;
    }
    ERR_clear_error();
    BIO_free(b);
    if (n == 0)
        return qn_err_set(err, QN_E_INVALID, "no CRL found in the PEM text");
    return QN_OK;
}

/* Records the subject of cert as an issuer that needs a CRL; frees cert. */
static qn_code require_name(qn_sign_trust *t, X509 *cert, qn_err *err)
{
    X509_NAME *n = X509_NAME_dup(X509_get_subject_name(cert));
    X509_free(cert);
    if (n == NULL || !sk_X509_NAME_push(t->crl_required, n)) {
        X509_NAME_free(n);
        return qn_err_set(err, QN_E_NOMEM, "out of memory");
    }
    return QN_OK;
}

qn_code qn_sign_trust_require_crl(qn_sign_trust *t, const unsigned char *blob, size_t len, qn_err *err)
{
    if (t == NULL || blob == NULL || len == 0)
        return qn_err_set(err, QN_E_INVALID, "no CA certificate given");
    if (len > QN_SIGN_MAX_TRUST_BLOB)
        return qn_err_set(err, QN_E_TOO_LARGE, "CA certificate file over %u bytes", QN_SIGN_MAX_TRUST_BLOB);
    if (!is_pem(blob, len)) {
        const unsigned char *p = blob;
        X509 *cert = d2i_X509(NULL, &p, (long)len);
        ERR_clear_error();
        if (cert == NULL)
            return qn_err_set(err, QN_E_INVALID, "not a certificate in DER or PEM");
        return require_name(t, cert, err);
    }
    BIO *b = BIO_new_mem_buf(blob, (int)len);
    if (b == NULL)
        return qn_err_set(err, QN_E_NOMEM, "out of memory");
    int n = 0;
    qn_code rc = QN_OK;
    X509 *cert;
    while (rc == QN_OK && (cert = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
        n++;
        rc = require_name(t, cert, err);
    }
    ERR_clear_error();
    BIO_free(b);
    if (rc == QN_OK && n == 0)
        rc = qn_err_set(err, QN_E_INVALID, "no certificate found in the PEM text");
    return rc;
}

int qn_sign_trust_crl_required(const qn_sign_trust *t, const X509_NAME *issuer)
{
    for (int i = 0; t && i < sk_X509_NAME_num(t->crl_required); i++)
        if (X509_NAME_cmp(sk_X509_NAME_value(t->crl_required, i), issuer) == 0)
            return 1;
    return 0;
}
