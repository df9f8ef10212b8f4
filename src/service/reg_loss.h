/* reg_loss.h — the certificate of loss of a passport as other services
 * read it: the exit visa application cites it (reg_exit_visa.c), the
 * documents route prints it (reg_documents.c).
 */
#ifndef QN_SERVICE_REG_LOSS_H
#define QN_SERVICE_REG_LOSS_H

#include "store/store.h"

/* Days a certificate of loss is valid from its issue: the time to obtain a
 * new passport at the consulate. A choice, UNCONFIRMED (seed 001 gives no
 * term); docs/services.md §Lost passport. */
#define QN_LOSS_CERT_DAYS 30

typedef struct {
    int64_t application_id;
    int64_t applicant_account_id;
    int64_t person_id;
    char number[QN_STORE_NUMBER_MAX + 1];
    qn_date_t issued, valid_until;
    char lost_country[4];
    char lost_number[QN_STORE_NUMBER_MAX + 1];
} qn_loss_certificate;

/* The granted certificate of loss numbered `number` (an application of
 * kind lost_passport in state granted). Not found or not granted: a field
 * error at `field` and QN_E_INVALID. */
qn_code qn_loss_certificate_get(qn_store_conn *conn, const char *number, const char *field,
                                qn_loss_certificate *out, qn_err *e);

#endif
