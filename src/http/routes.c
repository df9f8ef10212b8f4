/* routes.c — the route table of qonaq's HTTP API.
 *
 * Every route is here and in docs/openapi.json; tests/api/test_openapi.c
 * fails when the two disagree. Routes without QN_ROUTE_PUBLIC need
 * credentials; what each role may do is decided by the service layer.
 */
#include "http/handlers.h"
#include "http/router.h"

const qn_http_route qn_http_routes[] = {
    {"GET", "/healthz", qn_h_healthz, QN_ROUTE_PUBLIC},
    {"GET", "/metrics", qn_h_metrics, QN_ROUTE_PUBLIC},
    {"GET", "/api/v1/ping", qn_h_ping, QN_ROUTE_PUBLIC},
    {"GET", "/api/v1/openapi.json", qn_h_openapi, QN_ROUTE_PUBLIC},
    {"GET", "/api/v1/regions", qn_h_regions, QN_ROUTE_PUBLIC},
    {"POST", "/api/v1/auth/login", qn_h_login, QN_ROUTE_PUBLIC},
    {"POST", "/api/v1/auth/logout", qn_h_logout, 0},
    {"GET", "/api/v1/me", qn_h_me, 0},
    {"GET", "/api/v1/me/history", qn_h_history, 0},
    {"POST", "/api/v1/api-keys", qn_h_apikey_create, 0},
    {"GET", "/api/v1/api-keys", qn_h_apikey_list, 0},          /* notif */
    {"DELETE", "/api/v1/api-keys/{id}", qn_h_apikey_revoke, 0}, /* notif */
    {"POST", "/api/v1/notifications", qn_h_notification_submit, 0},
    {"GET", "/api/v1/notifications", qn_h_notification_list, 0},
    {"POST", "/api/v1/notifications/batch", qn_h_notification_batch, QN_ROUTE_BATCH},
    {"GET", "/api/v1/notifications/{id}", qn_h_notification_get, 0},
    {"GET", "/api/v1/stay", qn_h_stay, 0},
    {"GET", "/api/v1/stats/notifications", qn_h_stats, 0},
    {"POST", "/api/v1/admin/accounts", qn_h_account_create, 0},
    {"GET", "/api/v1/admin/accounts", qn_h_account_list, 0},
    {"POST", "/api/v1/admin/accounts/{id}/disable", qn_h_account_disable, 0},
    {"POST", "/api/v1/admin/accounts/{id}/enable", qn_h_account_enable, 0},
    /* http_applications.c (branch apps, issue 6) */
    {"POST", "/api/v1/applications", qn_h_app_submit, 0},
    {"GET", "/api/v1/applications", qn_h_app_mine, 0},
    {"GET", "/api/v1/applications/{id}", qn_h_app_get, 0},
    {"GET", "/api/v1/applications/{id}/notice.pdf", qn_h_app_notice_pdf, 0},
    {"POST", "/api/v1/applications/{id}/appeal", qn_h_app_appeal, 0},
    {"POST", "/api/v1/applications/{id}/withdraw", qn_h_app_withdraw, 0},
    {"GET", "/api/v1/officer/applications", qn_h_app_queue, 0},
    {"GET", "/api/v1/officer/applications/{id}/checklist", qn_h_app_checklist, 0},
    {"POST", "/api/v1/officer/applications/{id}/take", qn_h_app_take, 0},
    {"POST", "/api/v1/officer/applications/{id}/register", qn_h_app_register, 0},
    {"POST", "/api/v1/officer/applications/{id}/refuse", qn_h_app_refuse, 0},
    {"POST", "/api/v1/officer/applications/{id}/uphold", qn_h_app_uphold, 0},
    {"POST", "/api/v1/officer/applications/{id}/overturn", qn_h_app_overturn, 0},
    {"GET", "/api/v1/me/consents", qn_h_consents_mine, 0},
    {"POST", "/api/v1/consents/{id}/sign", qn_h_consent_sign, 0},
    {"POST", "/api/v1/consents/{id}/refuse", qn_h_consent_refuse, 0},
    {"GET", "/api/v1/me/registration", qn_h_my_registration, 0},
    {"POST", "/api/v1/admin/property", qn_h_property_import, 0},
    {"POST", "/api/v1/admin/accounts/{id}/senior", qn_h_officer_senior, 0},
    /* sigapi: signatures, login by signature, one-time codes */
    {"POST", "/api/v1/auth/challenge", qn_h_auth_challenge, QN_ROUTE_PUBLIC},
    {"POST", "/api/v1/auth/login/signature", qn_h_login_signature, QN_ROUTE_PUBLIC},
    {"POST", "/api/v1/admin/cas", qn_h_ca_upload, 0},
    {"GET", "/api/v1/admin/cas", qn_h_ca_list, 0},
    {"DELETE", "/api/v1/admin/cas/{id}", qn_h_ca_disable, 0},
    {"POST", "/api/v1/admin/crls", qn_h_crl_upload, 0},
    {"POST", "/api/v1/admin/accounts/{id}/signers", qn_h_signer_bind, 0},
    {"POST", "/api/v1/admin/mobile-citizens", qn_h_mobile_import, 0},
    {"GET", "/api/v1/admin/outbox", qn_h_outbox, 0},
    {"POST", "/api/v1/otp", qn_h_otp_issue, 0},
    {"POST", "/api/v1/otp/{id}/confirm", qn_h_otp_confirm, 0},
    /* stay control (ctlapi) */
    {"POST", "/api/v1/crossings", qn_h_crossings, QN_ROUTE_BATCH},
    {"GET", "/api/v1/border/exit-check", qn_h_exit_check, 0},
    {"GET", "/api/v1/violations", qn_h_violation_list, 0},
    {"POST", "/api/v1/violations/detect", qn_h_violation_detect, 0},
    {"POST", "/api/v1/violations/{id}/fine", qn_h_violation_fine, 0},
    {"POST", "/api/v1/violations/{id}/close", qn_h_violation_close, 0},
    {"GET", "/api/v1/stats/violations", qn_h_violation_stats, 0},
    /* web: printed documents, verification, the portal's pages */
    {"GET", "/api/v1/verify/{number}", qn_h_verify, QN_ROUTE_PUBLIC},
    {"POST", "/api/v1/notifications/validate", qn_h_notification_validate, 0},
    {"GET", "/api/v1/notifications/{id}/confirmation.pdf", qn_h_notification_confirmation_pdf, 0},
    {"GET", "/api/v1/officer/applications/{id}/signatures", qn_h_app_signatures, 0},
    {"GET", "/api/v1/stats/notifications/daily", qn_h_stats_daily, 0},
    /* stay-control kinds of application */
    {"POST", "/api/v1/officer/applications/{id}/grant", qn_h_app_grant, 0},
    {"GET", "/api/v1/applications/{id}/document.pdf", qn_h_app_document_pdf, 0},
    {"GET", "/api/v1/me/self-registrations", qn_h_selfreg_pending, 0},
    {"POST", "/api/v1/self-registrations/{id}/confirm", qn_h_selfreg_confirm, 0},
    {"POST", "/api/v1/self-registrations/{id}/refuse", qn_h_selfreg_refuse, 0},
};

const size_t qn_http_route_count = sizeof qn_http_routes / sizeof qn_http_routes[0];
