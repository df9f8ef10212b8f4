/* verify.c — CMS detached signature verification (see sign.h for the policy).
 *
 * The checks run as separate steps rather than one CMS_verify call, so that
 * every failure gets its own stable code: CMS_SignerInfo_verify checks the
 * signature over the signed attributes ("bad_signature"), CMS_verify with
 * CMS_NO_ATTR_VERIFY | CMS_NO_SIGNER_CERT_VERIFY then checks only the message
 * digest against the document ("digest_mismatch"), the certificate chain is
 * built with an X509_STORE_CTX whose time is the signing time, and CRLs are
 * checked here (signature against the issuer in the chain, dates against the
 * caller's clock, then the serial) instead of through X509_V_FLAG_CRL_CHECK,
 * whose single error code would hide which of those failed.
 */
#include "sign/sign.h"
#include "sign/sign_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
/* clang-format off */
#include <openssl/pem.h> /* before cms.h, which declares PEM_read_bio_CMS with its macros */
#include <openssl/cms.h>
/* clang-format on */
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

static const struct {
    const char *name;
    const char *message;
} code_table[QN_SIGN_CODE_COUNT] = {
    [QN_SIGN_OK] = {"ok", "the signature is valid"},
    [QN_SIGN_MALFORMED] = {"malformed", "the signature is not a readable CMS SignedData"},
    [QN_SIGN_NOT_DETACHED] = {"not_detached",
                              "the signature embeds its content; a detached signature is required"},
    [QN_SIGN_TOO_LARGE] = {"too_large", "the signature or the document is larger than allowed"},
    [QN_SIGN_WEAK_KEY] = {"weak_key", "the key is too weak (RSA under 2048 bits)"},
    [QN_SIGN_UNSUPPORTED_ALGORITHM] = {"unsupported_algorithm",
                                       "the signature uses an algorithm qonaq does not accept"},
    [QN_SIGN_BAD_SIGNATURE] = {"bad_signature", "the signature value does not verify with the signer's key"},
    [QN_SIGN_DIGEST_MISMATCH] = {"digest_mismatch", "the document differs from the one that was signed"},
    [QN_SIGN_NO_SIGNING_TIME] = {"no_signing_time", "the signature carries no signing time"},
    [QN_SIGN_SIGNING_TIME_IN_FUTURE] = {"signing_time_in_future", "the signing time lies in the future"},
    [QN_SIGN_STALE_SIGNING_TIME] = {"stale_signing_time", "the signature is older than allowed"},
    [QN_SIGN_NOT_YET_VALID] = {"not_yet_valid", "the certificate was not yet valid"},
    [QN_SIGN_EXPIRED] = {"expired", "the certificate had expired"},
    [QN_SIGN_UNTRUSTED_ISSUER] = {"untrusted_issuer", "the certificate is not issued by a trusted authority"},
    [QN_SIGN_CHAIN_INVALID] = {"chain_invalid", "the certificate chain is not acceptable"},
    [QN_SIGN_REVOKED] = {"revoked", "the certificate has been revoked"},
    [QN_SIGN_CRL_INVALID] = {"crl_invalid", "a revocation list does not verify against its issuer"},
    [QN_SIGN_CRL_EXPIRED] = {"crl_expired", "a revocation list is out of date"},
    [QN_SIGN_CRL_MISSING] = {"crl_missing", "no revocation list covers the certificate's issuer"},
    [QN_SIGN_WRONG_KEY_USAGE] = {"wrong_key_usage", "the certificate's key usage does not allow this use"},
    [QN_SIGN_NO_IDENTITY] = {"no_identity", "the certificate carries no valid IIN"},
    [QN_SIGN_WRONG_SIGNER] = {"wrong_signer",
                              "the signature is valid but made by someone else than required"},
    [QN_SIGN_INTERNAL] = {"internal", "the signature could not be checked (internal error)"},
};

const char *qn_sign_code_name(qn_sign_code code)
{
    if ((unsigned)code >= QN_SIGN_CODE_COUNT)
        return "internal";
    return code_table[code].name;
}

const char *qn_sign_code_message(qn_sign_code code)
{
    if ((unsigned)code >= QN_SIGN_CODE_COUNT)
        return code_table[QN_SIGN_INTERNAL].message;
    return code_table[code].message;
}

/* kz_rules.md §4.4: weights 1..11, then 3..11,1,2 if the first pass gives 10;
 * a second 10 means the number is unusable. Same algorithm for IIN and BIN. */
int qn_sign_kz_id_valid(const char *s)
{
    static const int w1[11] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    static const int w2[11] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2};
    if (s == NULL)
        return 0;
    for (int i = 0; i < 12; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    if (s[12] != '\0')
        return 0;
    int sum = 0;
    for (int i = 0; i < 11; i++)
        sum += (s[i] - '0') * w1[i];
    int k = sum % 11;
    if (k == 10) {
        sum = 0;
        for (int i = 0; i < 11; i++)
            sum += (s[i] - '0') * w2[i];
        k = sum % 11;
        if (k == 10)
            return 0;
    }
    return k == s[11] - '0';
}

void qn_sign_result_init(qn_sign_result *r)
{
    if (r == NULL)
        return;
    memset(r, 0, sizeof *r);
    r->code = QN_SIGN_INTERNAL;
}

void qn_sign_result_free(qn_sign_result *r)
{
    if (r == NULL)
        return;
    OPENSSL_free(r->cert_der);
    qn_sign_result_init(r);
}

/* Records a refusal in the result and the error, returns QN_E_SIGNATURE. */
static qn_code refuse(qn_sign_result *out, qn_err *err, qn_sign_code code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static qn_code refuse(qn_sign_result *out, qn_err *err, qn_sign_code code, const char *fmt, ...)
{
    char why[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    ERR_clear_error();
    out->code = code;
    snprintf(out->detail, sizeof out->detail, "%s", why);
    qn_code c = code == QN_SIGN_INTERNAL ? QN_E_INTERNAL : QN_E_SIGNATURE;
    qn_err_set(err, c, "signature refused (%s): %s", qn_sign_code_name(code), why);
    qn_err_sub(err, qn_sign_code_name(code));
    return c;
}

int64_t qn_sign_asn1_time_to_unix(const ASN1_TIME *t)
{
    struct tm tm;
    if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
        return INT64_MIN;
    return (int64_t)timegm(&tm);
}

/* Decodes base64 text (whitespace allowed) into a fresh buffer. */
static unsigned char *base64_decode(const unsigned char *in, size_t len, size_t *out_len)
{
    unsigned char *out = OPENSSL_malloc(len / 4 * 3 + 4);
    EVP_ENCODE_CTX *ctx = EVP_ENCODE_CTX_new();
    if (out == NULL || ctx == NULL) {
        OPENSSL_free(out);
        EVP_ENCODE_CTX_free(ctx);
        return NULL;
    }
    int n = 0, total = 0;
    EVP_DecodeInit(ctx);
    if (EVP_DecodeUpdate(ctx, out, &n, in, (int)len) < 0)
        goto fail;
    total = n;
    if (EVP_DecodeFinal(ctx, out + total, &n) < 0)
        goto fail;
    total += n;
    EVP_ENCODE_CTX_free(ctx);
    *out_len = (size_t)total;
    return out;
fail:
    OPENSSL_free(out);
    EVP_ENCODE_CTX_free(ctx);
    return NULL;
}

/* Parses DER, PEM ("CMS" or "PKCS7") or base64-of-DER; NULL if none fits. */
static CMS_ContentInfo *parse_cms(const unsigned char *sig, size_t len)
{
    CMS_ContentInfo *cms = NULL;
    if (len == 0)
        return NULL;
    if (sig[0] == 0x30) {
        const unsigned char *p = sig;
        cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
        if (cms != NULL && p != sig + len) { /* trailing bytes: not the DER we were given */
            CMS_ContentInfo_free(cms);
            cms = NULL;
        }
        return cms;
    }
    size_t skip = 0;
    while (skip < len && isspace(sig[skip]))
        skip++;
    if (len - skip >= 11 && memcmp(sig + skip, "-----BEGIN ", 11) == 0) {
        BIO *b = BIO_new_mem_buf(sig, (int)len);
        if (b != NULL)
            cms = PEM_read_bio_CMS(b, NULL, NULL, NULL);
        BIO_free(b);
        return cms;
    }
    for (size_t i = 0; i < len; i++)
        if (!(isalnum(sig[i]) || sig[i] == '+' || sig[i] == '/' || sig[i] == '=' || isspace(sig[i])))
            return NULL;
    size_t der_len = 0;
    unsigned char *der = base64_decode(sig, len, &der_len);
    if (der == NULL)
        return NULL;
    if (der_len > 0 && der[0] == 0x30) {
        const unsigned char *p = der;
        cms = d2i_CMS_ContentInfo(NULL, &p, (long)der_len);
        if (cms != NULL && p != der + der_len) {
            CMS_ContentInfo_free(cms);
            cms = NULL;
        }
    }
    OPENSSL_free(der);
    return cms;
}

static void name_oneline(const X509_NAME *name, char *buf, size_t size)
{
    buf[0] = '\0';
    BIO *b = BIO_new(BIO_s_mem());
    if (b == NULL)
        return;
    if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
        char *p = NULL;
        long n = BIO_get_mem_data(b, &p);
        if (n > 0) {
            size_t m = (size_t)n < size - 1 ? (size_t)n : size - 1;
            memcpy(buf, p, m);
            buf[m] = '\0';
        }
    }
    BIO_free(b);
}

/* Copies the first entry `nid` of a name as UTF-8 into buf ("" if none). */
static void name_entry(const X509_NAME *name, int nid, int lastpos, char *buf, size_t size, int *pos_out)
{
    buf[0] = '\0';
    int pos = X509_NAME_get_index_by_NID(name, nid, lastpos);
    if (pos_out)
        *pos_out = pos;
    if (pos < 0)
        return;
    const ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, pos));
    unsigned char *utf8 = NULL;
    int n = ASN1_STRING_to_UTF8(&utf8, s);
    if (n < 0)
        return;
    size_t m = (size_t)n < size - 1 ? (size_t)n : size - 1;
    memcpy(buf, utf8, m);
    buf[m] = '\0';
    OPENSSL_free(utf8);
}

/* "IIN" / "BIN" + 12 digits with a valid check digit: copies the digits. */
static int prefixed_id(const char *value, const char *prefix, char out[13])
{
    if (strncmp(value, prefix, 3) != 0 || strlen(value) != 15 || !qn_sign_kz_id_valid(value + 3))
        return 0;
    memcpy(out, value + 3, 13);
    return 1;
}

void qn_sign_cert_identity(const X509 *cert, char iin[13], char bin[13])
{
    const X509_NAME *subj = X509_get_subject_name(cert);
    char value[64];
    int pos = -1;
    iin[0] = bin[0] = '\0';
    for (;;) {
        name_entry(subj, NID_serialNumber, pos, value, sizeof value, &pos);
        if (pos < 0)
            break;
        if (prefixed_id(value, "IIN", iin))
            break;
    }
    pos = -1;
    for (;;) {
        name_entry(subj, NID_organizationalUnitName, pos, value, sizeof value, &pos);
        if (pos < 0)
            break;
        if (prefixed_id(value, "BIN", bin))
            break;
    }
}

/* Fills the certificate fields of the result. Returns 0 on allocation failure. */
static int describe_cert(X509 *cert, qn_sign_result *out)
{
    qn_sign_cert_identity(cert, out->iin, out->bin);
    name_entry(X509_get_subject_name(cert), NID_commonName, -1, out->subject_cn, sizeof out->subject_cn,
               NULL);
    name_oneline(X509_get_subject_name(cert), out->subject, sizeof out->subject);
    name_oneline(X509_get_issuer_name(cert), out->issuer, sizeof out->issuer);
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
    char *hex = bn ? BN_bn2hex(bn) : NULL;
    if (hex)
        snprintf(out->serial_hex, sizeof out->serial_hex, "%s", hex);
    OPENSSL_free(hex);
    BN_free(bn);
    out->not_before = qn_sign_asn1_time_to_unix(X509_get0_notBefore(cert));
    out->not_after = qn_sign_asn1_time_to_unix(X509_get0_notAfter(cert));
    int n = i2d_X509(cert, &out->cert_der);
    if (n <= 0) {
        out->cert_der = NULL;
        return 0;
    }
    out->cert_der_len = (size_t)n;
    return 1;
}

/* Checks a key's type and size: RSA >= 2048, EC on P-256 or P-384. Writes a
 * label like "RSA-2048" into label (may be NULL). */
qn_sign_code qn_sign_check_key(const EVP_PKEY *key, char *label, size_t label_size, char *why,
                               size_t why_size)
{
    char tmp[16];
    if (label == NULL) {
        label = tmp;
        label_size = sizeof tmp;
    }
    int bits = EVP_PKEY_get_bits(key);
    if (EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS")) {
        snprintf(label, label_size, "RSA-%d", bits);
        if (bits < QN_SIGN_MIN_RSA_BITS) {
            snprintf(why, why_size, "RSA key of %d bits, at least %d required", bits, QN_SIGN_MIN_RSA_BITS);
            return QN_SIGN_WEAK_KEY;
        }
        return QN_SIGN_OK;
    }
    if (EVP_PKEY_is_a(key, "EC")) {
        char group[64] = "";
        size_t glen = 0;
        EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &glen);
        if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0) {
            snprintf(label, label_size, "EC-P256");
            return QN_SIGN_OK;
        }
        if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0) {
            snprintf(label, label_size, "EC-P384");
            return QN_SIGN_OK;
        }
        snprintf(label, label_size, "EC");
        snprintf(why, why_size, "elliptic curve %s is not accepted (P-256 or P-384)",
                 group[0] ? group : "(unnamed)");
        return QN_SIGN_UNSUPPORTED_ALGORITHM;
    }
    snprintf(label, label_size, "other");
    snprintf(why, why_size, "key type %s is not accepted (RSA or ECDSA)", EVP_PKEY_get0_type_name(key));
    return QN_SIGN_UNSUPPORTED_ALGORITHM;
}

static int digest_accepted(const X509_ALGOR *alg)
{
    const ASN1_OBJECT *obj = NULL;
    X509_ALGOR_get0(&obj, NULL, NULL, alg);
    int nid = OBJ_obj2nid(obj);
    return nid == NID_sha256 || nid == NID_sha384 || nid == NID_sha512;
}

static qn_sign_code chain_error_code(int e)
{
    switch (e) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return QN_SIGN_EXPIRED;
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return QN_SIGN_NOT_YET_VALID;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_CERT_UNTRUSTED:
        return QN_SIGN_UNTRUSTED_ISSUER;
    default:
        return QN_SIGN_CHAIN_INVALID;
    }
}

/* Revocation of every non-root certificate of the chain against the CRLs.
 *
 * Several CRLs may name the same issuer (a fresh one loaded beside an old
 * one, or a PEM bundle). Only authentic ones count: those whose signature
 * verifies with the issuer's key in the chain. The status is then taken from
 * the newest authentic CRL (the latest thisUpdate that is not in the future):
 * if it has passed its nextUpdate, the status is unknown ("crl_expired"),
 * even if an older one was still current. A certificate listed in any
 * authentic CRL of its issuer is revoked: revocation is final, and a newer
 * list that no longer names it proves nothing. With no authentic CRL among
 * those naming the issuer, "crl_invalid". No CRL naming the issuer at all is
 * accepted unless opts->require_crl or the trust set requires a CRL for that
 * issuer (qn_sign_trust_require_crl): then "crl_missing". */
static qn_code check_crls(const qn_sign_trust *trust, STACK_OF(X509) * chain, const qn_sign_opts *opts,
                          int64_t skew, qn_sign_result *out, qn_err *err)
{
    STACK_OF(X509_CRL) *crls = qn_sign_trust_crls(trust);
    int depth = sk_X509_num(chain);
    for (int i = 0; i + 1 < depth; i++) {
        X509 *cert = sk_X509_value(chain, i);
        X509 *issuer = sk_X509_value(chain, i + 1);
        EVP_PKEY *ikey = X509_get0_pubkey(issuer);
        int candidates = 0, authentic = 0;
        const X509_CRL *newest = NULL;
        int64_t newest_last = INT64_MIN;
        for (int j = 0; j < sk_X509_CRL_num(crls); j++) {
            X509_CRL *crl = sk_X509_CRL_value(crls, j);
            if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) != 0)
                continue;
            candidates++;
            if (ikey == NULL || X509_CRL_verify(crl, ikey) != 1)
                continue;
            authentic++;
            X509_REVOKED *rev = NULL;
            if (X509_CRL_get0_by_cert(crl, &rev, cert) == 1) {
                if (i == 0)
                    return refuse(out, err, QN_SIGN_REVOKED, "the signer's certificate %s is revoked",
                                  out->serial_hex);
                return refuse(out, err, QN_SIGN_REVOKED,
                              "an intermediate authority of the signer's certificate is revoked");
            }
            int64_t last = qn_sign_asn1_time_to_unix(X509_CRL_get0_lastUpdate(crl));
            if (last == INT64_MIN || last > opts->now + skew)
                continue; /* dated in the future: not (yet) a statement */
            if (newest == NULL || last > newest_last) {
                newest = crl;
                newest_last = last;
            }
        }
        if (candidates == 0) {
            if (opts->require_crl || qn_sign_trust_crl_required(trust, X509_get_subject_name(issuer)))
                return refuse(out, err, QN_SIGN_CRL_MISSING,
                              "no revocation list was supplied for an issuer in the chain");
            continue;
        }
        if (authentic == 0)
            return refuse(out, err, QN_SIGN_CRL_INVALID,
                          "the revocation list of %s is not signed by its issuer", out->issuer);
        if (newest == NULL)
            return refuse(out, err, QN_SIGN_CRL_EXPIRED, "a revocation list is dated in the future");
        const ASN1_TIME *next_t = X509_CRL_get0_nextUpdate(newest);
        int64_t next = next_t ? qn_sign_asn1_time_to_unix(next_t) : INT64_MIN;
        if (next == INT64_MIN || next < opts->now)
            return refuse(out, err, QN_SIGN_CRL_EXPIRED,
                          "the newest revocation list has passed its next update; a fresh one is needed");
    }
    return QN_OK;
}

/* Key usage policy (sign.h): documents need digitalSignature or
 * nonRepudiation; login needs digitalSignature and no nonRepudiation. A
 * certificate without the keyUsage extension is refused for both. */
static qn_code check_key_usage(X509 *cert, qn_sign_purpose purpose, qn_sign_result *out, qn_err *err)
{
    if (!(X509_get_extension_flags(cert) & EXFLAG_KUSAGE))
        return refuse(out, err, QN_SIGN_WRONG_KEY_USAGE, "the certificate has no key usage extension");
    uint32_t ku = X509_get_key_usage(cert);
    int ds = (ku & KU_DIGITAL_SIGNATURE) != 0;
    int nr = (ku & KU_NON_REPUDIATION) != 0;
    if (purpose == QN_SIGN_PURPOSE_LOGIN) {
        if (nr)
            return refuse(out, err, QN_SIGN_WRONG_KEY_USAGE,
                          "a signing (non-repudiation) key may not be used to log in; use the "
                          "authentication certificate");
        if (!ds)
            return refuse(out, err, QN_SIGN_WRONG_KEY_USAGE,
                          "the certificate does not allow digital signatures (login)");
        return QN_OK;
    }
    if (!ds && !nr)
        return refuse(out, err, QN_SIGN_WRONG_KEY_USAGE,
                      "the certificate's key usage allows neither digital signature nor non-repudiation");
    return QN_OK;
}

qn_code qn_sign_verify(const qn_sign_trust *trust, const unsigned char *doc, size_t doc_len,
                       const unsigned char *sig, size_t sig_len, const qn_sign_opts *opts,
                       qn_sign_result *out, qn_err *err)
{
    if (out == NULL)
        return qn_err_set(err, QN_E_INVALID, "no result buffer");
    qn_sign_result_free(out);
    if (trust == NULL || opts == NULL || (doc == NULL && doc_len > 0) || (sig == NULL && sig_len > 0))
        return qn_err_set(err, QN_E_INVALID, "missing trust set, options or input");

    if (doc_len > QN_SIGN_MAX_DOC)
        return refuse(out, err, QN_SIGN_TOO_LARGE, "the document has %zu bytes, at most %u allowed", doc_len,
                      QN_SIGN_MAX_DOC);
    if (sig_len > QN_SIGN_MAX_CMS)
        return refuse(out, err, QN_SIGN_TOO_LARGE, "the signature has %zu bytes, at most %u allowed", sig_len,
                      QN_SIGN_MAX_CMS);

    unsigned char md[32];
    if (!EVP_Digest(doc_len ? doc : (const unsigned char *)"", doc_len, md, NULL, EVP_sha256(), NULL))
        return refuse(out, err, QN_SIGN_INTERNAL, "SHA-256 failed");
    for (int i = 0; i < 32; i++)
        snprintf(out->doc_sha256 + 2 * i, 3, "%02x", md[i]);

    int64_t skew = opts->max_skew > 0 ? opts->max_skew : QN_SIGN_DEFAULT_SKEW;
    qn_code rc = QN_OK;
    CMS_ContentInfo *cms = NULL;
    BIO *content = NULL;
    STACK_OF(X509) *certs = NULL;
    X509_STORE_CTX *ctx = NULL;
    STACK_OF(X509) *chain = NULL;

    cms = parse_cms(sig, sig_len);
    if (cms == NULL) {
        rc = refuse(out, err, QN_SIGN_MALFORMED, "not a CMS signature in DER, PEM or base64");
        goto done;
    }
    if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
        rc = refuse(out, err, QN_SIGN_MALFORMED, "the CMS is not SignedData");
        goto done;
    }
    STACK_OF(CMS_SignerInfo) *infos = CMS_get0_SignerInfos(cms);
    if (sk_CMS_SignerInfo_num(infos) != 1) {
        rc = refuse(out, err, QN_SIGN_MALFORMED, "exactly one signer is expected, found %d",
                    sk_CMS_SignerInfo_num(infos));
        goto done;
    }
    if (!CMS_is_detached(cms)) {
        rc = refuse(out, err, QN_SIGN_NOT_DETACHED, "the CMS embeds its content");
        goto done;
    }
    if (OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data) {
        rc = refuse(out, err, QN_SIGN_MALFORMED, "the signed content type is not data");
        goto done;
    }
    CMS_SignerInfo *si = sk_CMS_SignerInfo_value(infos, 0);
    certs = CMS_get1_certs(cms);
    if (CMS_set1_signers_certs(cms, NULL, 0) < 1) {
        rc = refuse(out, err, QN_SIGN_MALFORMED, "the signer's certificate is not in the signature");
        goto done;
    }
    X509 *signer = NULL;
    EVP_PKEY *pkey = NULL;
    X509_ALGOR *dig_alg = NULL, *sig_alg = NULL;
    CMS_SignerInfo_get0_algs(si, &pkey, &signer, &dig_alg, &sig_alg);
    if (signer == NULL || pkey == NULL) {
        rc = refuse(out, err, QN_SIGN_MALFORMED, "the signer's certificate is not in the signature");
        goto done;
    }
    if (!describe_cert(signer, out)) {
        rc = refuse(out, err, QN_SIGN_INTERNAL, "could not encode the signer's certificate");
        goto done;
    }

    char why[160];
    qn_sign_code kc = qn_sign_check_key(pkey, out->key_type, sizeof out->key_type, why, sizeof why);
    if (kc != QN_SIGN_OK) {
        rc = refuse(out, err, kc, "%s", why);
        goto done;
    }
    if (!digest_accepted(dig_alg)) {
        rc = refuse(out, err, QN_SIGN_UNSUPPORTED_ALGORITHM,
                    "the digest algorithm is not SHA-256, SHA-384 or SHA-512");
        goto done;
    }
    if (CMS_signed_get_attr_count(si) <= 0) {
        rc = refuse(out, err, QN_SIGN_NO_SIGNING_TIME,
                    "the signature has no signed attributes (and so no signing time)");
        goto done;
    }
    if (CMS_SignerInfo_verify(si) != 1) {
        rc = refuse(out, err, QN_SIGN_BAD_SIGNATURE, "the signature value does not verify");
        goto done;
    }
    /* The document is read through a null filter BIO, not handed over as a
     * memory BIO: for a memory BIO, CMS_verify of OpenSSL 3.0 (Debian 12
     * has 3.0.19) makes a temporary copy that it leaks when the SignedData's
     * digestAlgorithms cannot be set up (openssl/openssl#30471, fixed by
     * #30535), so each such crafted signature leaked ~0.5 KB (found by
     * tests/fuzz/fuzz_sign.c; regression in tests/fuzz/regressions/sign). */
    content = BIO_new(BIO_f_null());
    BIO *mem = BIO_new_mem_buf(doc_len ? (const void *)doc : (const void *)"", (int)doc_len);
    if (content == NULL || mem == NULL) {
        BIO_free(mem);
        rc = refuse(out, err, QN_SIGN_INTERNAL, "out of memory");
        goto done;
    }
    BIO_push(content, mem);
    if (CMS_verify(cms, NULL, NULL, content, NULL,
                   CMS_BINARY | CMS_NO_ATTR_VERIFY | CMS_NO_SIGNER_CERT_VERIFY) != 1) {
        rc = refuse(out, err, QN_SIGN_DIGEST_MISMATCH, "the document's digest differs from the signed one");
        goto done;
    }

    int idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
    X509_ATTRIBUTE *attr = idx >= 0 ? CMS_signed_get_attr(si, idx) : NULL;
    ASN1_TYPE *tval = attr ? X509_ATTRIBUTE_get0_type(attr, 0) : NULL;
    if (tval == NULL || (tval->type != V_ASN1_UTCTIME && tval->type != V_ASN1_GENERALIZEDTIME)) {
        rc = refuse(out, err, QN_SIGN_NO_SIGNING_TIME, "the signature has no signingTime attribute");
        goto done;
    }
    int64_t st = qn_sign_asn1_time_to_unix((const ASN1_TIME *)tval->value.asn1_string);
    if (st == INT64_MIN) {
        rc = refuse(out, err, QN_SIGN_MALFORMED, "the signingTime attribute is not a valid time");
        goto done;
    }
    out->signing_time = st;
    if (st > opts->now + skew) {
        rc = refuse(out, err, QN_SIGN_SIGNING_TIME_IN_FUTURE,
                    "the signing time is %lld s ahead of the verifier's clock", (long long)(st - opts->now));
        goto done;
    }
    if (opts->max_age > 0 && st < opts->now - opts->max_age) {
        rc = refuse(out, err, QN_SIGN_STALE_SIGNING_TIME,
                    "the signature was made %lld s ago, at most %lld allowed", (long long)(opts->now - st),
                    (long long)opts->max_age);
        goto done;
    }
    if (st < out->not_before) {
        rc = refuse(out, err, QN_SIGN_NOT_YET_VALID, "the certificate was not yet valid at the signing time");
        goto done;
    }
    if (st > out->not_after) {
        rc = refuse(out, err, QN_SIGN_EXPIRED, "the certificate had expired at the signing time");
        goto done;
    }
    if (opts->require_valid_now && opts->now < out->not_before) {
        rc = refuse(out, err, QN_SIGN_NOT_YET_VALID, "the certificate is not yet valid");
        goto done;
    }
    if (opts->require_valid_now && opts->now > out->not_after) {
        rc = refuse(out, err, QN_SIGN_EXPIRED, "the certificate has expired");
        goto done;
    }

    ctx = X509_STORE_CTX_new();
    if (ctx == NULL || !X509_STORE_CTX_init(ctx, qn_sign_trust_store(trust), signer, certs)) {
        rc = refuse(out, err, QN_SIGN_INTERNAL, "could not set up chain verification");
        goto done;
    }
    X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_time(param, (time_t)st);
    if (X509_verify_cert(ctx) != 1) {
        int e = X509_STORE_CTX_get_error(ctx);
        qn_sign_code cc = chain_error_code(e);
        rc = refuse(out, err, cc, "certificate chain: %s (depth %d)", X509_verify_cert_error_string(e),
                    X509_STORE_CTX_get_error_depth(ctx));
        goto done;
    }
    chain = X509_STORE_CTX_get1_chain(ctx);
    for (int i = 1; chain && i < sk_X509_num(chain); i++) {
        EVP_PKEY *ck = X509_get0_pubkey(sk_X509_value(chain, i));
        if (ck == NULL) {
            rc = refuse(out, err, QN_SIGN_CHAIN_INVALID, "a CA certificate has no readable key");
            goto done;
        }
        kc = qn_sign_check_key(ck, NULL, 0, why, sizeof why);
        if (kc != QN_SIGN_OK) {
            rc = refuse(out, err, kc, "an authority in the chain: %s", why);
            goto done;
        }
    }
    rc = check_crls(trust, chain, opts, skew, out, err);
    if (rc != QN_OK)
        goto done;
    rc = check_key_usage(signer, opts->purpose, out, err);
    if (rc != QN_OK)
        goto done;

    if (out->iin[0] == '\0') {
        rc = refuse(out, err, QN_SIGN_NO_IDENTITY,
                    "the certificate subject has no serialNumber \"IIN\" followed by a valid IIN");
        goto done;
    }
    if (opts->expected_iin && strcmp(opts->expected_iin, out->iin) != 0) {
        rc = refuse(out, err, QN_SIGN_WRONG_SIGNER, "signed by IIN %s, but IIN %s must sign", out->iin,
                    opts->expected_iin);
        goto done;
    }
    if (opts->expected_bin && strcmp(opts->expected_bin, out->bin) != 0) {
        rc = refuse(out, err, QN_SIGN_WRONG_SIGNER, "signed for %s%s, but BIN %s must sign",
                    out->bin[0] ? "BIN " : "no legal entity", out->bin, opts->expected_bin);
        goto done;
    }
    if (opts->expected_id && strcmp(opts->expected_id, out->iin) != 0 &&
        strcmp(opts->expected_id, out->bin) != 0) {
        rc = refuse(out, err, QN_SIGN_WRONG_SIGNER, "signed by IIN %s%s%s, but %s must sign", out->iin,
                    out->bin[0] ? " for BIN " : "", out->bin, opts->expected_id);
        goto done;
    }
    out->code = QN_SIGN_OK;
    snprintf(out->detail, sizeof out->detail, "signed by IIN %s%s%s", out->iin,
             out->bin[0] ? " for BIN " : "", out->bin);
    qn_err_clear(err);
    rc = QN_OK;

done:
    ERR_clear_error();
    sk_X509_pop_free(chain, X509_free);
    X509_STORE_CTX_free(ctx);
    sk_X509_pop_free(certs, X509_free);
    BIO_free_all(content);
    CMS_ContentInfo_free(cms);
    return rc;
}
