/* demo.h — the demo data of `qonaq serve --demo`: one account per role
 * (host, hotel, citizen, foreigner, officer, border, analyst, admin; password
 * "demo"), a few registered addresses, and a foreigner with a border
 * crossing so the stay lookup has something to show. Demo accounts carry the
 * display-name mark "[demo] "; seeding refuses a database holding any other
 * account, so demo passwords never land in a real system. Seeding twice is
 * harmless (existing demo accounts are kept).
 */
#ifndef QN_SERVICE_DEMO_H
#define QN_SERVICE_DEMO_H

#include "service/service.h"

typedef struct {
    const char *username;
    const char *role;    /* role name as in the API */
    const char *binding; /* IIN, BIN or region, "" if none */
} qn_demo_account;

/* The demo accounts (8), for printing at start-up. */
const qn_demo_account *qn_demo_accounts(size_t *count);

#define QN_DEMO_PASSWORD "demo"
#define QN_DEMO_DOCUMENT_COUNTRY "DEU"
#define QN_DEMO_DOCUMENT_NUMBER "C01X00T47"
/* The demo foreigner's IIN (synthetic, valid check digit): it binds the
 * "foreigner" account to the seeded person, whose stay it may read. */
#define QN_DEMO_FOREIGNER_IIN "840812400015"

/* Seeds the demo data. QN_E_CONFLICT (sub "real_accounts") when the
 * database holds non-demo accounts. */
qn_code qn_svc_demo_seed(qn_service *svc, qn_err *e);

#endif
