/* signing_internal.h — what the signing files of src/service share (signing.c,
 * sign_login.c, otp_service.c, sms.c): the per-service signing state (the
 * cached trust set, the SMS gateway, the one-time-code key) and helpers.
 */
#ifndef QN_SERVICE_SIGNING_INTERNAL_H
#define QN_SERVICE_SIGNING_INTERNAL_H

#include <pthread.h>

#include "service/service_internal.h"
#include "service/signing.h"
#include "service/sms.h"
#include "sign/otp.h"

struct trust_ref;

struct qn_svc_signing {
    pthread_mutex_t mu;    /* guards cur, its counts, and the OTP key load */
    struct trust_ref *cur; /* the cached trust set, or NULL */
    qn_sms_gateway gateway;
    bool have_otp_key;
    unsigned char otp_key[QN_OTP_KEY_MIN];
    char data_dir[512]; /* where demo files go: the SQLite file's directory, else "var" */
};

/* Creates / frees the signing state of a service (service.c calls them). */
qn_code qn_svc_signing_new(const qn_service_config *cfg, qn_svc_signing **out, qn_err *e);
void qn_svc_signing_free(qn_svc_signing *s);

static inline qn_svc_signing *qn_svc_signing_of(qn_service *svc) { return svc->signing; }

/* Re-encodes a CMS given as DER, PEM or base64 into fresh DER (malloc'd). */
qn_code qn_svc_cms_to_der(const unsigned char *cms, size_t len, unsigned char **der, size_t *der_len,
                          qn_err *e);

/* True for the system principal (seeding, CLI). */
static inline bool qn_svc_is_system(const qn_principal *who)
{
    return who && who->role == QN_ROLE_NONE && strcmp(who->username, "system") == 0;
}

#endif
