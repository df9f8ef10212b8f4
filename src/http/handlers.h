/* handlers.h — the route handlers, one file per route group, and the small
 * encoders they share. Each handler decodes, calls one service function and
 * answers (see http.h). */
#ifndef QN_HTTP_HANDLERS_H
#define QN_HTTP_HANDLERS_H

#include "http/http.h"
#include "http/json_in.h"
#include "service/auth.h"
#include "service/notification.h"

/* http_meta.c */
void qn_h_healthz(qn_http_req *req);
void qn_h_metrics(qn_http_req *req);
void qn_h_ping(qn_http_req *req);
void qn_h_openapi(qn_http_req *req);
void qn_h_regions(qn_http_req *req);

/* http_auth.c */
void qn_h_login(qn_http_req *req);
void qn_h_logout(qn_http_req *req);
void qn_h_me(qn_http_req *req);
void qn_h_apikey_create(qn_http_req *req);
/* http_apikeys.c (notif) */
void qn_h_apikey_list(qn_http_req *req);
void qn_h_apikey_revoke(qn_http_req *req);
/* The answer of a login (password or signature): on rc == QN_OK the token
 * and CSRF token in the body and as cookies, then wipes *s; otherwise the
 * problem (429 with Retry-After). */
void qn_h_session_reply(qn_http_req *req, qn_code rc, qn_session_out *s, qn_err *e);

/* http_notifications.c */
void qn_h_notification_submit(qn_http_req *req);
void qn_h_notification_get(qn_http_req *req);
void qn_h_notification_list(qn_http_req *req);

/* http_batch.c */
void qn_h_notification_batch(qn_http_req *req);

/* http_stay.c */
void qn_h_stay(qn_http_req *req);

/* http_stats.c */
void qn_h_stats(qn_http_req *req);

/* http_history.c */
void qn_h_history(qn_http_req *req);

/* http_admin.c */
void qn_h_account_create(qn_http_req *req);
void qn_h_account_list(qn_http_req *req);
void qn_h_account_disable(qn_http_req *req);
void qn_h_account_enable(qn_http_req *req);

/* http_applications.c (branch apps, issue 6) */
void qn_h_app_submit(qn_http_req *req);
void qn_h_app_get(qn_http_req *req);
void qn_h_app_mine(qn_http_req *req);
void qn_h_app_queue(qn_http_req *req);
void qn_h_app_checklist(qn_http_req *req);
void qn_h_app_take(qn_http_req *req);
void qn_h_app_register(qn_http_req *req);
void qn_h_app_refuse(qn_http_req *req);
void qn_h_app_uphold(qn_http_req *req);
void qn_h_app_overturn(qn_http_req *req);
void qn_h_app_appeal(qn_http_req *req);
void qn_h_app_withdraw(qn_http_req *req);
void qn_h_consents_mine(qn_http_req *req);
void qn_h_consent_sign(qn_http_req *req);
void qn_h_consent_refuse(qn_http_req *req);
void qn_h_my_registration(qn_http_req *req);
void qn_h_property_import(qn_http_req *req);
void qn_h_officer_senior(qn_http_req *req);
void qn_h_app_notice_pdf(qn_http_req *req);
/* stay-control kinds: the officer's grant (http_applications.c),
 * documents and the host's answer to a self-registration (http_stay_docs.c) */
void qn_h_app_grant(qn_http_req *req);
void qn_h_app_document_pdf(qn_http_req *req);
void qn_h_selfreg_pending(qn_http_req *req);
void qn_h_selfreg_confirm(qn_http_req *req);
void qn_h_selfreg_refuse(qn_http_req *req);
/* http_signatures.c (sigapi) */
void qn_h_auth_challenge(qn_http_req *req);
void qn_h_login_signature(qn_http_req *req);
void qn_h_ca_upload(qn_http_req *req);
void qn_h_ca_list(qn_http_req *req);
void qn_h_ca_disable(qn_http_req *req);
void qn_h_crl_upload(qn_http_req *req);
void qn_h_signer_bind(qn_http_req *req);
void qn_h_mobile_import(qn_http_req *req);
void qn_h_outbox(qn_http_req *req);
void qn_h_otp_issue(qn_http_req *req);
void qn_h_otp_confirm(qn_http_req *req);
/* http_border.c (ctlapi) */
void qn_h_crossings(qn_http_req *req);
void qn_h_exit_check(qn_http_req *req);

/* http_violations.c (ctlapi) */
void qn_h_violation_list(qn_http_req *req);
void qn_h_violation_fine(qn_http_req *req);
void qn_h_violation_close(qn_http_req *req);
void qn_h_violation_detect(qn_http_req *req);
void qn_h_violation_stats(qn_http_req *req);

/* http_documents.c (branch web): printed documents, the public
 * verification, a case's signatures, notifications per day. */
void qn_h_verify(qn_http_req *req);
void qn_h_notification_confirmation_pdf(qn_http_req *req);
void qn_h_app_signatures(qn_http_req *req);
void qn_h_stats_daily(qn_http_req *req);
/* The language of a PDF for this request: ?lang=, else the portal's
 * qonaq_lang cookie, else Accept-Language, else "kk" (never NULL; an
 * invalid ?lang= is returned as given, for the service to refuse). */
const char *qn_h_doc_lang(qn_http_req *req);
/* Answers 200 application/pdf with pdf (malloc'd, taken) and
 * Content-Disposition: inline; filename="<name>.pdf". */
void qn_h_pdf_reply(qn_http_req *req, const char *name, unsigned char *pdf, size_t len);

/* http_validate.c (branch web) */
void qn_h_notification_validate(qn_http_req *req);

/* Shared encoders (http_notifications.c). */
json_t *qn_h_date_json(qn_date_t d);
/* RFC 3339 UTC time ("2026-11-23T14:30:00Z"). */
json_t *qn_h_time_json(int64_t epoch);
/* Decodes the JSON object of one notification at path into in (strings
 * point into obj). Records errors in d. */
void qn_h_decode_notification(qn_jin *d, const json_t *obj, const char *path, qn_notification_in *in);
/* The SHA-256 an Idempotency-Key is bound to: of tag, a newline, and the
 * canonical JSON of body (compact, sorted keys) or, when body is NULL, the
 * raw bytes (CSV). notif. */
void qn_h_body_digest(const char *tag, const json_t *body, const char *raw, size_t raw_len,
                      unsigned char digest[32]);
/* Reads the Idempotency-Key header into *key (NULL when absent); answers
 * 400 and returns false when it is not 1..128 printable characters. */
bool qn_h_idem_key(qn_http_req *req, const char **key);
/* The 201 answer of a submission. */
json_t *qn_h_notification_created(const qn_notification_out *out);
/* The read view of a notification. */
json_t *qn_h_notification_view(const qn_notification_out *out);
/* Parses a positive id path parameter; answers 404 and returns false if bad. */
bool qn_h_path_id(qn_http_req *req, const char *name, int64_t *id);
/* Parses page/per_page; answers 400 and returns false if bad. */
bool qn_h_paging(qn_http_req *req, int64_t *page, int64_t *per_page);

#endif
