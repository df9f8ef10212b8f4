/* ca.h — the demo certificate authority (`qonaq ca demo DIR`).
 *
 * Creates with libcrypto, in one directory: a demo root CA (RSA-2048,
 * ca.pem + ca.key), certificates for the demo persons following the national
 * two-key practice (an authentication certificate, keyUsage digitalSignature
 * + extendedKeyUsage clientAuth, and a signing certificate, keyUsage
 * digitalSignature + nonRepudiation), each as PEM certificate, PEM key and
 * PKCS#12 (password "demo"), one expired and one revoked test certificate, a
 * CRL listing the revoked one (crl.pem, crl.der) and manifest.json naming
 * every person, role, IIN/BIN and file. IINs and BINs are synthetic with
 * valid check digits (kz_rules.md §4.4); the demo accounts are bound to them.
 *
 * Idempotent: an existing CA (ca.pem + ca.key) is kept, and so are existing
 * person certificates issued by it; the CRL and the manifest are rewritten.
 * Keys are written unencrypted with mode 0600: this is a demo CA only.
 */
#ifndef QN_CA_H
#define QN_CA_H

#include <stddef.h>

#include "core/error.h"

#define QN_CA_DEMO_P12_PASSWORD "demo"

/* Certificates and the CRL are dated this many seconds in the past, so that
 * a client whose clock runs a little behind the server's (or a signature
 * made in the first seconds after `qonaq ca demo`) is not refused as
 * "not_yet_valid" / a CRL "dated in the future". */
#define QN_CA_DEMO_BACKDATE_SECONDS 300

/* The identifiers of the demo persons: the one source of truth for the demo
 * PKI (ca.c) and the demo accounts (service/demo.c), so a demo account's IIN
 * or BIN is always its person's in the demo CA. */
#define QN_CA_DEMO_HOST_IIN "880315401237"    /* SADYKOVA AIGERIM, born 1988-03-15 */
#define QN_CA_DEMO_OWNER_IIN "750702304560"   /* BEKOV YERLAN, the housing owner */
#define QN_CA_DEMO_COOWNER_IIN "791120407894" /* BEKOVA DANA, the co-owner */
#define QN_CA_DEMO_HOTEL_IIN "900512302345"   /* OSPANOV MARAT, the hotel's employee */
#define QN_CA_DEMO_HOTEL_BIN "150340012340"   /* Hotel Qonaq Demo LLP */
#define QN_CA_DEMO_OFFICER_IIN "850109305674" /* ZHUMABAYEV ASKAR */
#define QN_CA_DEMO_OFFICER_BIN "030440005674" /* Migration Service (demo) */

/* One demo person (static data). */
typedef struct {
    const char *slug;         /* file prefix: "<slug>_auth.pem", "<slug>_sign.p12" */
    const char *name;         /* "SADYKOVA AIGERIM" */
    const char *role;         /* "host", "owner", "co_owner", "hotel", "officer", "test" */
    const char *iin;          /* 12 digits, valid check digit */
    const char *bin;          /* legal entity BIN, or NULL */
    const char *organisation; /* or NULL */
    int rsa_sign;             /* 1: the signing key is RSA-2048 (else ECDSA P-256) */
    const char *special;      /* NULL, or "expired" / "revoked": a test person with only a
                               * signing certificate in that state */
} qn_ca_person;

/* The demo persons, in manifest order; *n gets their number. */
const qn_ca_person *qn_ca_demo_persons(size_t *n);

/* Creates or completes the demo CA in dir (created if missing, mode 0700).
 * Sets *created_ca to 1 if a new CA was made, 0 if an existing one was kept
 * (created_ca may be NULL). Errors: QN_E_INVALID (dir unusable, or an
 * existing ca.pem/ca.key pair unreadable or mismatched), QN_E_INTERNAL
 * (libcrypto failure or a file that cannot be written). */
qn_code qn_ca_demo(const char *dir, int *created_ca, qn_err *err);

#endif
