/* reg_documents.h — the printed documents of the stay-control services: the
 * certificate of loss of a passport (kind lost_passport) and the exit visa
 * (kind exit_visa), one-page PDFs in Kazakh, Russian or English with a QR
 * code of the public verification URL (doc/pdf.h, doc/verify.h).
 *
 * The number printed is the application's number (also the stay document's
 * number of the exit visa); the verification code is the HMAC of that number
 * under the same server secret as the registration notice's
 * ("doc_verify_key" in the store, doc/verify.h), so the one verification
 * page checks every document qonaq prints.
 */
#ifndef QN_SERVICE_REG_DOCUMENTS_H
#define QN_SERVICE_REG_DOCUMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "service/service.h"

/* The document of a granted lost_passport or exit_visa application, for
 * whoever may see the application (its applicant, an officer of its
 * region). lang "kk", "ru" or "en" (NULL: kk). *pdf is malloc'd (free it).
 * Errors: 404 (not visible), 409 (sub "no_document": another kind, or not
 * granted), 422 (lang). */
qn_code qn_svc_app_document_pdf(qn_svc_ctx *ctx, int64_t id, const char *lang, unsigned char **pdf,
                                size_t *pdf_len, qn_err *e);

#endif
