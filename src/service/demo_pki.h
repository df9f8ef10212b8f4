/* demo_pki.h — the demo PKI of `qonaq serve --demo` (see demo_pki.c). */
#ifndef QN_SERVICE_DEMO_PKI_H
#define QN_SERVICE_DEMO_PKI_H

#include "service/service.h"

/* Creates (or keeps) the demo CA in <data dir>/demo-ca, trusts its root and
 * CRL, binds the demo accounts to the demo CA's persons for login by
 * signature, gives the demo citizen its IIN and a phone in the mobile
 * citizens database, and prints where the PKCS#12 files are. Called by
 * qn_svc_demo_seed after the demo accounts exist. Idempotent. */
qn_code qn_svc_demo_pki_seed(qn_service *svc, qn_err *e);

/* The directory of the demo CA of this service (for messages). */
const char *qn_svc_demo_pki_dir(qn_service *svc, char *buf, size_t size);

#endif
