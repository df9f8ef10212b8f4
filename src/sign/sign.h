/* sign.h — verification of electronic digital signatures (CMS / PKCS#7).
 *
 * A signed document in qonaq is the exact bytes the person signed (the JSON of
 * an application or a consent as submitted) plus a detached CMS SignedData
 * (DER, base64 of the DER, or PEM). qn_sign_verify checks, in this order:
 * size bounds, the CMS structure, key strength and algorithms, the signature
 * over the signed attributes, the message digest over the document bytes, the
 * signingTime attribute against the caller's clock, the signer certificate's
 * validity at the signing time, the chain up to a trusted root chosen by the
 * administrator, revocation against caller-supplied CRLs, key usage for the
 * purpose (document signing or login) and finally the identity (IIN in the
 * subject's serialNumber, BIN in organizationalUnitName) against who must
 * sign. Every refusal has its own stable code (qn_sign_code) that callers
 * store and show; qn_sign_verify also reports it as QN_E_SIGNATURE with
 * qn_err.sub set to qn_sign_code_name(code).
 *
 * Policies (docs/signatures.md explains them):
 *  - document signing accepts keyUsage digitalSignature or nonRepudiation;
 *  - login accepts digitalSignature and refuses any key carrying
 *    nonRepudiation: a non-repudiation (signing) key must never answer a
 *    server-chosen challenge, which could otherwise be a document;
 *  - an expired CRL (nextUpdate before now) is a refusal of its own
 *    ("crl_expired"): revocation status unknown means not accepted; of
 *    several CRLs of one issuer the newest authentic one decides, and a
 *    certificate listed in any authentic one is revoked;
 *  - a revoked certificate is refused whatever the claimed signing time,
 *    since the signing time is asserted by the signer himself.
 *
 * Uses OpenSSL 3 libcrypto only; no I/O. A qn_sign_trust is immutable once
 * built and may be shared by threads; every other function is reentrant.
 */
#ifndef QN_SIGN_H
#define QN_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Input bounds: larger inputs are refused as "too_large" before parsing. */
#define QN_SIGN_MAX_CMS (64u * 1024u)          /* CMS blob as received (DER, base64 or PEM) */
#define QN_SIGN_MAX_DOC (1024u * 1024u)        /* signed document bytes */
#define QN_SIGN_MAX_TRUST_BLOB (1024u * 1024u) /* one CA or CRL file given to qn_sign_trust_add_* */
#define QN_SIGN_MIN_RSA_BITS 2048
#define QN_SIGN_DEFAULT_SKEW 300 /* seconds a signing time may lie ahead of "now" */

/* Why a signature was refused (or QN_SIGN_OK). Stable: stored with records. */
typedef enum {
    QN_SIGN_OK = 0,
    QN_SIGN_MALFORMED,              /* not a CMS SignedData with one signer and its certificate */
    QN_SIGN_NOT_DETACHED,           /* the CMS embeds content; qonaq wants a detached signature */
    QN_SIGN_TOO_LARGE,              /* document or CMS over its bound */
    QN_SIGN_WEAK_KEY,               /* RSA under 2048 bits (signer or CA) */
    QN_SIGN_UNSUPPORTED_ALGORITHM,  /* digest not SHA-2, key not RSA / ECDSA P-256/P-384 */
    QN_SIGN_BAD_SIGNATURE,          /* the signature over the signed attributes does not verify */
    QN_SIGN_DIGEST_MISMATCH,        /* the document is not the one that was signed */
    QN_SIGN_NO_SIGNING_TIME,        /* no signingTime signed attribute */
    QN_SIGN_SIGNING_TIME_IN_FUTURE, /* signingTime later than now + skew */
    QN_SIGN_STALE_SIGNING_TIME,     /* signingTime older than the caller's max age */
    QN_SIGN_NOT_YET_VALID,          /* certificate not yet valid at the signing time (or now) */
    QN_SIGN_EXPIRED,                /* certificate (or a CA) expired at the signing time (or now) */
    QN_SIGN_UNTRUSTED_ISSUER,       /* no chain to a trusted root */
    QN_SIGN_CHAIN_INVALID,          /* a chain exists but is unacceptable (CA flags, path length...) */
    QN_SIGN_REVOKED,                /* listed in the issuer's CRL */
    QN_SIGN_CRL_INVALID,            /* a CRL for the chain does not verify against its issuer */
    QN_SIGN_CRL_EXPIRED,            /* a CRL for the chain is past nextUpdate (or not yet issued) */
    QN_SIGN_CRL_MISSING,            /* opts.require_crl and no CRL for an issuer in the chain */
    QN_SIGN_WRONG_KEY_USAGE,        /* keyUsage unfit for the purpose (see policies above) */
    QN_SIGN_NO_IDENTITY,            /* no "IIN" + 12 valid digits in the subject serialNumber */
    QN_SIGN_WRONG_SIGNER,           /* a valid signature, but by someone other than required */
    QN_SIGN_INTERNAL,               /* a library failure or out of memory, not the signer's fault */
    QN_SIGN_CODE_COUNT
} qn_sign_code;

/* The stable snake_case name of a code ("ok", "digest_mismatch", ...); never NULL. */
const char *qn_sign_code_name(qn_sign_code code);

/* A sentence describing a code for a person; never NULL. */
const char *qn_sign_code_message(qn_sign_code code);

/* What the signature is for: selects the key usage policy. */
typedef enum {
    QN_SIGN_PURPOSE_DOCUMENT = 0, /* digitalSignature or nonRepudiation */
    QN_SIGN_PURPOSE_LOGIN         /* digitalSignature, and no nonRepudiation */
} qn_sign_purpose;

/* Trusted roots (and intermediates) plus CRLs, built once from blobs. */
typedef struct qn_sign_trust qn_sign_trust;

/* Creates an empty trust set; NULL when out of memory. Free with qn_sign_trust_free. */
qn_sign_trust *qn_sign_trust_new(void);

/* Frees a trust set; NULL is allowed. */
void qn_sign_trust_free(qn_sign_trust *t);

/* Adds trusted CA certificates from a blob: one DER certificate, or PEM with
 * one or more certificates. Only certificates with basicConstraints CA:TRUE
 * are accepted. Errors: QN_E_INVALID (not a certificate, not a CA),
 * QN_E_TOO_LARGE (over QN_SIGN_MAX_TRUST_BLOB), QN_E_NOMEM. Not thread-safe
 * with concurrent verifications: build the set before sharing it. */
qn_code qn_sign_trust_add_ca(qn_sign_trust *t, const unsigned char *blob, size_t len, qn_err *err);

/* Adds CRLs from a blob: one DER CRL, or PEM with one or more. The CRL's
 * signature and dates are checked at verification time against the chain.
 * Errors as qn_sign_trust_add_ca. */
qn_code qn_sign_trust_add_crl(qn_sign_trust *t, const unsigned char *blob, size_t len, qn_err *err);

/* Marks the CA certificate(s) in blob (DER, or PEM with one or more) as
 * issuers whose certificates must be covered by a CRL of the set: a chain
 * through such an issuer with no CRL for it is refused "crl_missing", as if
 * opts.require_crl were set for that issuer alone. The certificates need
 * not be in the set. Errors as qn_sign_trust_add_ca (a non-CA is accepted:
 * only the subject name is kept). Build-time only, like the add functions. */
qn_code qn_sign_trust_require_crl(qn_sign_trust *t, const unsigned char *blob, size_t len, qn_err *err);

/* Number of CA certificates / CRLs in the set. */
size_t qn_sign_trust_ca_count(const qn_sign_trust *t);
size_t qn_sign_trust_crl_count(const qn_sign_trust *t);

/* What the caller asks of a verification. Zero-initialise, then set `now`. */
typedef struct {
    qn_sign_purpose purpose;
    int64_t now;              /* the verifier's clock, Unix seconds (UTC) */
    int64_t max_skew;         /* seconds a signingTime may lie after now; 0 = QN_SIGN_DEFAULT_SKEW */
    int64_t max_age;          /* refuse signingTime older than now - max_age; 0 = no limit
                               * (set it for live submissions; leave 0 to re-verify an old record) */
    int require_valid_now;    /* also require the certificate to be valid at `now` */
    int require_crl;          /* refuse ("crl_missing") when no CRL covers an issuer of the chain */
    const char *expected_iin; /* if non-NULL: the signer's IIN must equal it (12 digits) */
    const char *expected_bin; /* if non-NULL: the signer's BIN (OU) must equal it (12 digits) */
    const char *expected_id;  /* if non-NULL: the signer's IIN or BIN must equal it */
} qn_sign_opts;

/* The outcome of a verification, to be stored beside the document. Fields are
 * filled as far as verification got: after a refusal the certificate fields
 * are still set when the signer certificate could be read. Initialise with
 * qn_sign_result_init, release with qn_sign_result_free. */
typedef struct {
    qn_sign_code code;
    char detail[256]; /* a sentence naming the reason, for people and logs */
    char iin[13];     /* signer IIN from subject serialNumber, "" if none */
    char bin[13];     /* legal entity BIN from subject OU, "" if none */
    char subject_cn[256];
    char subject[512];   /* RFC 2253 one-line subject */
    char issuer[512];    /* RFC 2253 one-line issuer */
    char serial_hex[80]; /* certificate serial number, upper-case hex */
    int64_t not_before;  /* Unix seconds */
    int64_t not_after;
    int64_t signing_time;    /* Unix seconds; 0 if absent */
    char doc_sha256[65];     /* lower-case hex SHA-256 of the document bytes */
    char key_type[16];       /* "RSA-2048", "EC-P256", ... */
    unsigned char *cert_der; /* the signer certificate, DER; owned by the result */
    size_t cert_der_len;
} qn_sign_result;

/* Sets every field to empty/zero (code QN_SIGN_INTERNAL until verified). */
void qn_sign_result_init(qn_sign_result *r);

/* Frees what the result owns and re-initialises it; NULL is allowed. */
void qn_sign_result_free(qn_sign_result *r);

/* Verifies a detached CMS signature `sig` (DER, base64 or PEM) over the bytes
 * `doc` with the trust set and options described above, and fills `out`
 * (which must have been initialised; previous contents are freed).
 * Returns QN_OK when accepted. A refusal returns QN_E_SIGNATURE with
 * err->sub = qn_sign_code_name(out->code) and a message saying why;
 * QN_E_INVALID for bad arguments (NULL trust/opts); QN_E_INTERNAL/NOMEM
 * on library failure (out->code = QN_SIGN_INTERNAL). Reentrant. */
qn_code qn_sign_verify(const qn_sign_trust *trust, const unsigned char *doc, size_t doc_len,
                       const unsigned char *sig, size_t sig_len, const qn_sign_opts *opts,
                       qn_sign_result *out, qn_err *err);

/* --- Login by signature ------------------------------------------------- */

#define QN_SIGN_CHALLENGE_PREFIX "qonaq-login-v1:"
/* Prefix (15) + 64 hex digits of 32 random bytes. */
#define QN_SIGN_CHALLENGE_LEN (15 + 64)
#define QN_SIGN_LOGIN_MAX_AGE 300 /* seconds a login signature may be old */

/* Writes a fresh challenge "qonaq-login-v1:<64 hex>" (32 bytes from the
 * OpenSSL CSPRNG) into out, which must hold QN_SIGN_CHALLENGE_LEN + 1 bytes.
 * The prefix makes a signed challenge useless as a document (documents are
 * JSON objects). The caller stores it with its issue time and accepts it once.
 * Errors: QN_E_INTERNAL if the CSPRNG fails. */
qn_code qn_sign_challenge_new(char out[QN_SIGN_CHALLENGE_LEN + 1], qn_err *err);

/* Verifies a CMS signature over the exact challenge text with the login
 * policy: purpose QN_SIGN_PURPOSE_LOGIN, certificate valid now, signing time
 * at most QN_SIGN_LOGIN_MAX_AGE old. On QN_OK out->iin (and out->bin for an
 * employee of a legal entity) say who logged in. Errors as qn_sign_verify;
 * a challenge not of the qonaq form is QN_E_INVALID. */
qn_code qn_sign_verify_login(const qn_sign_trust *trust, const char *challenge, const unsigned char *sig,
                             size_t sig_len, int64_t now, qn_sign_result *out, qn_err *err);

/* --- Identifiers -------------------------------------------------------- */

/* 1 if s is 12 digits with a valid IIN/BIN check digit (kz_rules.md §4.4,
 * Government Decree No. 565 of 11 Jun 2003), else 0. */
int qn_sign_kz_id_valid(const char *s);

#endif
