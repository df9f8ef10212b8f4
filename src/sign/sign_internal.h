/* sign_internal.h — helpers shared by the files of src/sign, not for other layers. */
#ifndef QN_SIGN_INTERNAL_H
#define QN_SIGN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "sign/sign.h"

/* The X509_STORE holding the trusted CAs (owned by the trust set). */
X509_STORE *qn_sign_trust_store(const qn_sign_trust *t);

/* The CRLs of the trust set (owned by the trust set). */
STACK_OF(X509_CRL) * qn_sign_trust_crls(const qn_sign_trust *t);

/* 1 when the trust set requires a CRL for issuer (qn_sign_trust_require_crl). */
int qn_sign_trust_crl_required(const qn_sign_trust *t, const X509_NAME *issuer);

/* ASN1_TIME as Unix seconds; INT64_MIN if absent or unreadable. */
int64_t qn_sign_asn1_time_to_unix(const ASN1_TIME *t);

/* Key policy: RSA >= 2048, ECDSA P-256/P-384. QN_SIGN_OK or the refusal
 * code with a sentence in why; label (may be NULL) gets e.g. "RSA-2048". */
qn_sign_code qn_sign_check_key(const EVP_PKEY *key, char *label, size_t label_size, char *why,
                               size_t why_size);

/* IIN from subject serialNumber "IIN..." and BIN from OU "BIN..." ("" if none). */
void qn_sign_cert_identity(const X509 *cert, char iin[13], char bin[13]);

#endif
