/* documents.h — printed documents in the service layer: the public origin in
 * their QR codes, the verification code of a number, the public check of a
 * printed document, and the confirmation of a notification of arrival.
 *
 * Every printed document (registration notice, notification confirmation,
 * certificate of loss of passport, exit visa) carries its number, a
 * verification code and a QR code of <public URL>/verify/<number>?c=<code>
 * (doc/verify.h). The code is an HMAC of the number under a server secret
 * kept in the store ("doc_verify_key", 32 random bytes made on first use and
 * then held in memory: it must stay the same for the life of the papers).
 * Renderers get code and URL from qn_svc_doc_link, so the QR always points
 * at the configured public origin (`qonaq serve --public-url`, default the
 * listen address).
 *
 * The public check (qn_svc_doc_verify, GET /api/v1/verify/{number}) needs no
 * account. It looks a number up only after the code checks out; a wrong
 * code and an unknown number give the same answer, and failures are counted
 * per client address in the store (QN_SVC_VERIFY_MAX_FAILURES per
 * QN_SVC_VERIFY_WINDOW seconds, shared by every instance on the database)
 * before the next attempt is refused with 429. The answer says whether the
 * document is genuine and still valid and shows less than the paper does:
 * kind, number, status, dates, the issuing office's region and the holder's
 * name as printed — no birth date, document number, address or host.
 * Thread-safe.
 */
#ifndef QN_SERVICE_DOCUMENTS_H
#define QN_SERVICE_DOCUMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "doc/pdf.h"
#include "doc/verify.h"
#include "service/service.h"

#define QN_SVC_PUBLIC_URL_MAX 200
#define QN_SVC_VERIFY_WINDOW 600      /* seconds over which failed checks are counted */
#define QN_SVC_VERIFY_MAX_FAILURES 10 /* failed checks per client address in the window */

/* Sets the public origin printed in QR codes ("https://qonaq.example.kz",
 * "http://127.0.0.1:8080"; one trailing slash dropped; an optional path
 * prefix allowed). QN_E_INVALID (field "public_url") when it is not an
 * http(s) origin that qn_doc_verify_url accepts or longer than
 * QN_SVC_PUBLIC_URL_MAX. May be called while requests run. */
qn_code qn_service_set_public_url(qn_service *svc, const char *url, qn_err *e);

/* Copies the public origin into out ("" when none was set). */
void qn_service_public_url(qn_service *svc, char out[QN_SVC_PUBLIC_URL_MAX + 1]);

/* The verification code of a document number and its URL under the public
 * origin, for a renderer. Errors: QN_E_INVALID (number); QN_E_UNAVAILABLE
 * when no public origin is set or the store cannot give the key. */
qn_code qn_svc_doc_link(qn_svc_ctx *ctx, const char *number, char code[QN_DOC_CODE_LEN + 1],
                        char url[QN_DOC_URL_MAX + 1], qn_err *e);

/* Renders doc (doc/pdf.h, the default fonts) into *pdf, a buffer of *len
 * bytes the caller releases with free(): the one way the services print. */
qn_code qn_svc_doc_pdf(const qn_doc *doc, unsigned char **pdf, size_t *len, qn_err *e);

/* Parses the language of a document ("kk", "ru", "en"); NULL or "" gives
 * Kazakh, the state language. QN_E_INVALID (field "lang") otherwise. */
qn_code qn_svc_doc_lang(const char *lang, qn_doc_lang *out, qn_err *e);

/* What the public check says about a genuine document. */
typedef struct {
    char number[QN_DOC_NUMBER_MAX + 1];
    char kind[32];   /* qn_doc_kind_name: "arrival_notification", "registration_notice", ... */
    char status[16]; /* "valid", "expired" (period over), "revoked" (cancelled, rejected, withdrawn) */
    bool valid;      /* status is "valid" */
    qn_date_t issued, valid_from, valid_until; /* QN_DATE_NONE when the document has none */
    char region[17];                           /* the issuing office's region code ("" if none) */
    char holder[QN_DOC_NAME_MAX];              /* the name as printed ("SURNAME GIVEN NAMES") */
} qn_doc_check;

/* The public check of number with code (case-insensitive), from the client
 * address in ctx. Errors: QN_E_NOT_FOUND (sub "not_genuine") for a wrong
 * code, a malformed or unknown number, or a number that names no printed
 * document; QN_E_RATE_LIMITED (sub "verify_rate") once the address has
 * QN_SVC_VERIFY_MAX_FAILURES failures in the window (checked first, so a
 * right code is refused too until the window passes); QN_E_UNAVAILABLE. */
qn_code qn_svc_doc_verify(qn_svc_ctx *ctx, const char *number, const char *code, qn_doc_check *out,
                          qn_err *e);

/* The confirmation of notification `id` as a one-page PDF in lang (kind
 * arrival_notification): the foreigner as the notification names them, the
 * citizenship and the office in the document's language, the address, the
 * host's IIN/BIN, the period of stay, and the verification code and QR.
 * Who: whoever may read the notification (qn_svc_notification_get: the
 * host, an officer of its region, a border officer); others 404/403 as
 * there. Release *pdf with free(). Errors: those of qn_svc_notification_get,
 * QN_E_INVALID (lang), QN_E_CONFLICT (sub "no_document") for a rejected or
 * cancelled notification, the renderer's errors. */
qn_code qn_svc_notification_confirmation_pdf(qn_svc_ctx *ctx, int64_t id, const char *lang,
                                             unsigned char **pdf, size_t *pdf_len, qn_err *e);

#endif
