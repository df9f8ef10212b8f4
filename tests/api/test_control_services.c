/* test_control_services.c — the stay-control services end to end over HTTP
 * (issue 7): the temporary residence permit applied for by the receiving
 * party and granted by an officer, the visa extension (business up to 30
 * days, investment up to 90 on the investment body's request), the lost
 * passport (certificate of loss only when registered and identified, as a
 * PDF), the exit visa citing it, and self-registration (Order 923: the host
 * confirms or refuses; a change of address; effective from 2026-07-01).
 * Every application is signed with the `openssl` command line tool and the
 * demo PKI; every grant is an officer's act through the API, and the
 * granted document is checked where it matters: the exit check and
 * GET /api/v1/stay.
 *
 * Dates are relative to today in Kazakhstan; documents are unique per test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_helpers.h"
#include "store/store.h"
#include "support/api_data.h"

static qn_api_server server;
static char admin[65], border[65], demo_host[65], hotel[65], officer[65], host[65], fx1[65], fx2[65],
    off71[65];

static void setup(void)
{
#ifdef QN_CONTROL_PG
    const char *base = getenv("QONAQ_TEST_PG");
    char url[QN_STORE_URL_MAX + 1];
    qn_err fe;
    qn_err_clear(&fe);
    if (!base || qn_store_fresh_url(base, NULL, url, sizeof url, &fe) != QN_OK) {
        fprintf(stderr, "test_control_services_pg: no PostgreSQL ($QONAQ_TEST_PG): %s\n", fe.message);
        abort();
    }
    if (!qn_api_start(&server, url, true))
        abort();
#else
    if (!qn_api_start(&server, NULL, true))
        abort();
#endif
    if (!qn_api_login(&server, "admin", "demo", admin) || !qn_api_login(&server, "border", "demo", border) ||
        !qn_api_login(&server, "host", "demo", demo_host) || !qn_api_login(&server, "hotel", "demo", hotel) ||
        !qn_api_login(&server, "officer", "demo", officer))
        abort();
    ch_account(&server, admin, "trphost", "host-individual", CH_HOST_IIN, NULL, host);
    ch_account(&server, admin, "fx1", "foreigner", CH_F1_IIN, NULL, fx1);
    ch_account(&server, admin, "fx2", "foreigner", CH_F2_IIN, NULL, fx2);
    ch_account(&server, admin, "off71", "officer", NULL, "71", off71);
}

static void teardown(void)
{
    if (qn_api_stop(&server) != 0)
        abort();
}

/* The host notifies the arrival of cit/doc (entered and arrived ago days ago). */
static void notify(const char *doc, const char *cit, int ago)
{
    char *n = qn_api_notification_json(doc, cit, ago, ago, 60, 3000);
    qn_api_resp r = ch_call(&server, demo_host, "POST", "/api/v1/notifications", n);
    free(n);
    ck_assert_msg(r.status == 201, "notification: %ld %s", r.status, r.body);
    qn_api_resp_free(&r);
}

static json_t *trp_doc(const char *cit, const char *doc, int entry, int from, int to, bool complete)
{
    static const char *const full[] = {"passport_copy",        "foreigner_iin",
                                       "arrival_notification", "invitation_letter",
                                       "fee_payment",          "fingerprint_registration",
                                       "medical_insurance",    NULL};
    static const char *const part[] = {"passport_copy",
                                       "foreigner_iin",
                                       "arrival_notification",
                                       "invitation_letter",
                                       "fee_payment",
                                       "fingerprint_registration",
                                       NULL};
    return json_pack("{s:s, s:s, s:{s:s, s:s}, s:s, s:o, s:s, s:b, s:o}", "kind", "trp", "address_code",
                     CH_ADDR75, "period", "from", ch_day(from), "to", ch_day(to), "category", "family",
                     "foreigner", ch_foreigner(cit, doc, 3000), "entry_date", ch_day(entry),
                     "applicant_is_owner", true, "documents", ch_docs(complete ? full : part));
}

static const char *reason_str(const json_t *view, const char *key)
{
    return json_string_value(json_object_get(json_object_get(view, "reasons"), key));
}

START_TEST(trp_granted_extends_stay)
{
    /* UZB (CIS): 30 days without a permit; entered 25 days ago. */
    notify("TRP-UZ-1", "UZB", 25);
    ck_assert_int_eq(ch_crossing(&server, border, "UZB", "TRP-UZ-1", "entry", -25, "75", NULL, NULL), 201);
    /* Without the permit the stay ends in 5 days: an exit in 60 days is an overstay. */
    long st;
    json_t *j = ch_exit_check(&server, border, "UZB", "TRP-UZ-1", 60, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_str_eq(json_string_value(json_object_get(j, "lawful_because")), "not");
    json_decref(j);

    /* A document missing: the grant is refused listing it; the officer refuses. */
    qn_api_resp r = ch_submit(&server, host, CH_HOST_SLUG, trp_doc("UZB", "TRP-UZ-1", -25, 0, 200, false));
    ck_assert_msg(r.status == 201, "%s", r.body);
    long long id = json_integer_value(json_object_get(r.json, "id"));
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "state")), "submitted");
    qn_api_resp_free(&r);
    r = ch_act(&server, officer, id, "take", NULL);
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    r = ch_act(&server, officer, id, "grant", NULL);
    ck_assert_int_eq(r.status, 422);
    ck_assert_str_eq(qn_api_str(r.json, "code"), "invalid.incomplete");
    ck_assert_ptr_nonnull(strstr(r.body, "medical_insurance"));
    qn_api_resp_free(&r);
    r = ch_act(&server, officer, id, "refuse", json_pack("{s:s}", "reason", "incomplete_documents"));
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "refused");
    qn_api_resp_free(&r);

    /* Complete: an officer of another region does not see it; the officer's
     * own period beyond the one asked for is refused; the grant records the
     * permit. */
    r = ch_submit(&server, host, CH_HOST_SLUG, trp_doc("UZB", "TRP-UZ-1", -25, 0, 200, true));
    ck_assert_msg(r.status == 201, "%s", r.body);
    id = json_integer_value(json_object_get(r.json, "id"));
    const char *number = json_string_value(json_object_get(r.json, "number"));
    char num[40];
    snprintf(num, sizeof num, "%s", number);
    qn_api_resp_free(&r);
    r = ch_act(&server, off71, id, "take", NULL);
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);
    r = ch_act(&server, officer, id, "take", NULL);
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    r = ch_act(&server, officer, id, "grant",
               json_pack("{s:s, s:s}", "valid_from", ch_day(0), "valid_until", ch_day(400)));
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "valid_until"));
    qn_api_resp_free(&r);
    r = ch_act(&server, officer, id, "grant", NULL);
    ck_assert_msg(r.status == 200, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "granted");
    ck_assert_str_eq(reason_str(r.json, "permit_number"), num);
    ck_assert_str_eq(reason_str(r.json, "from"), ch_day(0));
    ck_assert_str_eq(reason_str(r.json, "to"), ch_day(200));
    ck_assert_str_eq(reason_str(r.json, "limited_by"), "requested");
    qn_api_resp_free(&r);

    /* The exit check and the stay agree: lawful thanks to the permit. */
    j = ch_exit_check(&server, border, "UZB", "TRP-UZ-1", 60, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_str_eq(json_string_value(json_object_get(j, "lawful_because")), "permit");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "overstay_days")), 0);
    ck_assert(!ch_has_reason(j, "overstay"));
    json_t *doc0 = json_array_get(json_object_get(j, "documents"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(doc0, "kind")), "permit");
    ck_assert_str_eq(json_string_value(json_object_get(doc0, "number")), num);
    char path[200];
    snprintf(path, sizeof path, "/api/v1/stay?document_country=UZB&document_number=TRP-UZ-1&on=%s",
             ch_day(60));
    r = ch_call(&server, border, "GET", path, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "overstay_days")), 0);
    ck_assert_str_eq(qn_api_str(r.json, "lawful_because"), "permit");
    ck_assert_str_eq(qn_api_str(r.json, "last_lawful_day"),
                     json_string_value(json_object_get(j, "last_lawful_day")));
    qn_api_resp_free(&r);
    json_decref(j);
}
END_TEST

START_TEST(trp_refused_inputs)
{
    notify("TRP-US-1", "USA", 5);
    notify("TRP-UZ-2", "UZB", 5);
    /* A visa-free visitor of seed 001 has no permit path: a visa is needed. */
    qn_api_resp r = ch_submit(&server, host, CH_HOST_SLUG, trp_doc("USA", "TRP-US-1", -5, 0, 200, true));
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "foreigner.citizenship"));
    qn_api_resp_free(&r);
    /* A stay within the 30 days of the CIS regime needs no permit. */
    r = ch_submit(&server, host, CH_HOST_SLUG, trp_doc("UZB", "TRP-UZ-2", -5, 0, 10, true));
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "period.to"));
    qn_api_resp_free(&r);
    /* The foreigner does not apply for a permit (seed 001): 403. */
    r = ch_submit(&server, fx1, CH_F1_SLUG, trp_doc("UZB", "TRP-UZ-2", -5, 0, 200, true));
    ck_assert_int_eq(r.status, 403);
    qn_api_resp_free(&r);
    /* Nobody on record with that document. */
    r = ch_submit(&server, host, CH_HOST_SLUG, trp_doc("UZB", "TRP-NOBODY", -5, 0, 200, true));
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "foreigner.document.number"));
    qn_api_resp_free(&r);
    /* Signed with another person's key: the signer must be the account. */
    r = ch_submit(&server, host, CH_F2_SLUG, trp_doc("UZB", "TRP-UZ-2", -5, 0, 200, true));
    ck_assert_int_eq(r.status, 422);
    qn_api_resp_free(&r);
}
END_TEST

static json_t *ext_doc(const char *cit, const char *doc, const char *category, int from, int to,
                       bool confirmation)
{
    json_t *d = json_pack("{s:s, s:s, s:{s:s, s:s}, s:s, s:o, s:s}", "kind", "visa_extension", "address_code",
                          CH_ADDR75, "period", "from", ch_day(from), "to", ch_day(to), "category", category,
                          "foreigner", ch_foreigner(cit, doc, 3000), "entry_date", ch_day(-20));
    if (confirmation)
        json_object_set_new(
            d, "investor_confirmation",
            json_pack("{s:s, s:s, s:s}", "body", "Kazakh Invest", "number", "KI-77", "date", ch_day(-2)));
    return d;
}

START_TEST(visa_extension_business_and_investment)
{
    /* USA, visa-free 30 days: entered 20 days ago, the last visa-free day is
     * in 9 days, the visa starts the day after. */
    ck_assert_int_eq(ch_crossing(&server, border, "USA", "VE-US-1", "entry", -20, "75", NULL, NULL), 201);
    ck_assert_int_eq(ch_crossing(&server, border, "USA", "VE-US-2", "entry", -20, "75", NULL, NULL), 201);
    ck_assert_int_eq(ch_crossing(&server, border, "UZB", "VE-UZ-1", "entry", -20, "75", NULL, NULL), 201);
    /* Business: 40 days asked, 30 granted. */
    json_t *v = ch_granted(&server, fx1, CH_F1_SLUG, ext_doc("USA", "VE-US-1", "business", 10, 50, false),
                           officer, NULL);
    ck_assert_str_eq(reason_str(v, "from"), ch_day(10));
    ck_assert_str_eq(reason_str(v, "to"), ch_day(39));
    ck_assert_str_eq(reason_str(v, "limited_by"), "max_term");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(v, "reasons"), "max_days")), 30);
    json_decref(v);
    long st;
    json_t *j = ch_exit_check(&server, border, "USA", "VE-US-1", 35, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_str_eq(json_string_value(json_object_get(j, "lawful_because")), "extended_visa");
    json_decref(j);
    j = ch_exit_check(&server, border, "USA", "VE-US-1", 45, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "overstay_days")), 6);
    json_decref(j);

    /* Investment: only on the investment body's request; up to 90 days. */
    qn_api_resp r =
        ch_submit(&server, fx1, CH_F1_SLUG, ext_doc("USA", "VE-US-2", "investment", 10, 200, false));
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "investor_confirmation"));
    qn_api_resp_free(&r);
    v = ch_granted(&server, fx1, CH_F1_SLUG, ext_doc("USA", "VE-US-2", "investment", 10, 200, true), officer,
                   NULL);
    ck_assert_str_eq(reason_str(v, "to"), ch_day(99));
    ck_assert_str_eq(reason_str(v, "category"), "investment");
    json_decref(v);

    /* The visa starts the day after the visa-free period, not later. */
    r = ch_submit(&server, fx1, CH_F1_SLUG, ext_doc("USA", "VE-US-1", "business", 11, 30, false));
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "period.from"));
    qn_api_resp_free(&r);
    /* A CIS citizen uses a permit, not an extension visa. */
    r = ch_submit(&server, fx1, CH_F1_SLUG, ext_doc("UZB", "VE-UZ-1", "business", 10, 30, false));
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "foreigner.citizenship"));
    qn_api_resp_free(&r);
}
END_TEST

static json_t *loss_doc(const char *doc)
{
    json_t *f = ch_foreigner("USA", doc, 3000);
    return json_pack("{s:s, s:s, s:{s:s, s:s}, s:o, s:s, s:s, s:s}", "kind", "lost_passport", "address_code",
                     CH_ADDR75, "period", "from", ch_day(-20), "to", ch_day(10), "foreigner", f, "lost_on",
                     ch_day(-1), "place", "Almaty, Arbat street", "circumstances",
                     "The bag with the passport was stolen in a cafe.");
}

START_TEST(lost_passport_then_exit_visa)
{
    notify("LP-US-1", "USA", 20);
    ck_assert_int_eq(ch_crossing(&server, border, "USA", "LP-US-1", "entry", -20, "75", NULL, NULL), 201);
    qn_api_resp r = ch_submit(&server, fx1, CH_F1_SLUG, loss_doc("LP-US-1"));
    ck_assert_msg(r.status == 201, "%s", r.body);
    long long id = json_integer_value(json_object_get(r.json, "id"));
    qn_api_resp_free(&r);
    r = ch_act(&server, officer, id, "take", NULL);
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    /* Only when the identity is established (seed 001). */
    r = ch_act(&server, officer, id, "grant", NULL);
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "identity_established"));
    qn_api_resp_free(&r);
    r = ch_act(&server, officer, id, "grant", json_pack("{s:b}", "identity_established", 1));
    ck_assert_msg(r.status == 200, "%s", r.body);
    char cert[40];
    snprintf(cert, sizeof cert, "%s", reason_str(r.json, "certificate_number"));
    ck_assert_str_eq(cert, qn_api_str(r.json, "number"));
    ck_assert_str_eq(reason_str(r.json, "valid_until"), ch_day(29));
    qn_api_resp_free(&r);

    /* The certificate as a PDF, for the applicant and the officer. */
    char path[160];
    snprintf(path, sizeof path, "/api/v1/applications/%lld/document.pdf?lang=ru", id);
    r = ch_call(&server, fx1, "GET", path, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert(r.body_len > 1000 && memcmp(r.body, "%PDF-", 5) == 0);
    char ct[64];
    ck_assert(qn_api_header(&r, "Content-Type", ct, sizeof ct));
    ck_assert_ptr_nonnull(strstr(ct, "application/pdf"));
    qn_api_resp_free(&r);
    r = ch_call(&server, officer, "GET", path, NULL);
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    r = ch_call(&server, fx2, "GET", path, NULL);
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/applications/%lld/document.pdf?lang=xx", id);
    r = ch_call(&server, fx1, "GET", path, NULL);
    ck_assert_int_eq(r.status, 422);
    qn_api_resp_free(&r);

    /* The exit visa on the new passport, citing the certificate. */
    json_t *ev = json_pack("{s:s, s:s, s:{s:s, s:s}, s:s, s:{s:s, s:s, s:s, s:s}}", "kind", "exit_visa",
                           "address_code", CH_ADDR75, "period", "from", ch_day(0), "to", ch_day(60),
                           "certificate", cert, "new_passport", "number", "LP-US-1N", "country", "USA",
                           "issued", ch_day(0), "expires", ch_day(3000));
    /* Somebody else's certificate is not theirs to cite. */
    r = ch_submit(&server, fx2, CH_F2_SLUG, json_incref(ev));
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "certificate"));
    qn_api_resp_free(&r);
    json_t *v = ch_granted(&server, fx1, CH_F1_SLUG, ev, officer, NULL);
    ck_assert_str_eq(reason_str(v, "from"), ch_day(0));
    ck_assert_str_eq(reason_str(v, "to"), ch_day(29));
    ck_assert_str_eq(reason_str(v, "limited_by"), "max_term");
    long long ev_id = json_integer_value(json_object_get(v, "id"));
    char ev_number[40];
    snprintf(ev_number, sizeof ev_number, "%s", json_string_value(json_object_get(v, "number")));
    json_decref(v);
    /* At the border with the new passport: lawful thanks to the exit visa. */
    long st;
    json_t *j = ch_exit_check(&server, border, "USA", "LP-US-1N", 20, &st);
    ck_assert_int_eq(st, 200);
    ck_assert_str_eq(json_string_value(json_object_get(j, "lawful_because")), "exit_visa");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "overstay_days")), 0);
    json_t *d0 = json_array_get(json_object_get(j, "documents"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(d0, "kind")), "exit_visa");
    ck_assert_str_eq(json_string_value(json_object_get(d0, "number")), ev_number);
    json_decref(j);
    snprintf(path, sizeof path, "/api/v1/applications/%lld/document.pdf?lang=kk", ev_id);
    r = ch_call(&server, fx1, "GET", path, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert(memcmp(r.body, "%PDF-", 5) == 0);
    qn_api_resp_free(&r);
    /* A notice has no certificate to print; a certificate has no notice. */
    snprintf(path, sizeof path, "/api/v1/applications/%lld/notice.pdf", id);
    r = ch_call(&server, fx1, "GET", path, NULL);
    ck_assert_int_eq(r.status, 409);
    qn_api_resp_free(&r);
}
END_TEST

START_TEST(lost_passport_not_registered)
{
    /* On record by a crossing only: no notification, no registration. */
    ck_assert_int_eq(ch_crossing(&server, border, "USA", "LP-US-2", "entry", -5, "75", NULL, NULL), 201);
    qn_api_resp r = ch_submit(&server, fx1, CH_F1_SLUG, loss_doc("LP-US-2"));
    ck_assert_msg(r.status == 201, "%s", r.body);
    long long id = json_integer_value(json_object_get(r.json, "id"));
    qn_api_resp_free(&r);
    r = ch_act(&server, officer, id, "take", NULL);
    qn_api_resp_free(&r);
    r = ch_act(&server, officer, id, "grant", json_pack("{s:b}", "identity_established", 1));
    ck_assert_int_eq(r.status, 409);
    ck_assert_str_eq(qn_api_str(r.json, "code"), "conflict.not_registered");
    qn_api_resp_free(&r);
    r = ch_act(&server, officer, id, "refuse", json_pack("{s:s}", "reason", "not_eligible"));
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "refused");
    qn_api_resp_free(&r);
    /* A statement about the future is refused at once. */
    json_t *d = loss_doc("LP-US-2");
    json_object_set_new(d, "lost_on", json_string(ch_day(3)));
    r = ch_submit(&server, fx1, CH_F1_SLUG, d);
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "lost_on"));
    qn_api_resp_free(&r);
}
END_TEST

static json_t *selfreg_doc(const char *doc, const char *surname, int entry, const char *addr, int from,
                           const char *kind)
{
    json_t *f = ch_foreigner("RUS", doc, 3000);
    json_object_set_new(f, "surname", json_string(surname));
    return json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:o, s:s, s:{s:s}}", "kind", "self_registration",
                     "registration", kind, "address_code", addr, "period", "from", ch_day(from), "to",
                     ch_day(40), "foreigner", f, "entry_date", ch_day(entry), "host", "iin_bin", CH_HOST_IIN);
}

/* The pending item of application id in the host's list, or NULL. */
static json_t *pending_of(const char *token, long long id)
{
    qn_api_resp r = ch_call(&server, token, "GET", "/api/v1/me/self-registrations", NULL);
    ck_assert_int_eq(r.status, 200);
    json_t *found = NULL;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r.json, "items"), i,
                       it) if (json_integer_value(json_object_get(it, "application_id")) == id) found =
        json_incref(it);
    qn_api_resp_free(&r);
    return found;
}

static qn_api_resp confirm(long long id, const char *token, const char *slug)
{
    json_t *it = pending_of(host, id);
    ck_assert_ptr_nonnull(it);
    char *sig = ch_sign(&server, slug, json_string_value(json_object_get(it, "document")));
    json_decref(it);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/self-registrations/%lld/confirm", id);
    qn_api_resp r = ch_post(&server, token, path, json_pack("{s:s}", "signature", sig));
    free(sig);
    return r;
}

START_TEST(self_registration_confirmed)
{
    long long xid = 0;
    ck_assert_int_eq(ch_crossing(&server, border, "RUS", "SR-RU-1", "entry", -10, "75", NULL, &xid), 201);
    ck_assert_int_eq(ch_crossing(&server, border, "RUS", "SR-RU-0", "entry", -10, "75", NULL, NULL), 201);
    qn_api_resp r =
        ch_submit(&server, fx2, CH_F2_SLUG, selfreg_doc("SR-RU-1", "TESTER", -10, CH_ADDR75, -9, "initial"));
    ck_assert_msg(r.status == 201, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "awaiting_host");
    long long id = json_integer_value(json_object_get(r.json, "id"));
    qn_api_resp_free(&r);
    /* Only the host named sees it and may answer (the demo hotel is a host
     * of another BIN; the demo host shares CH_HOST_IIN with trphost). */
    json_t *none = pending_of(hotel, id);
    ck_assert_ptr_null(none);
    json_t *it = pending_of(host, id);
    ck_assert_ptr_nonnull(it);
    ck_assert_str_eq(json_string_value(json_object_get(it, "deadline")),
                     ch_day(19)); /* crossing day = day 1 of 30 */
    json_decref(it);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/self-registrations/%lld/refuse", id);
    r = ch_call(&server, hotel, "POST", path, "{}");
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);
    r = confirm(id, host, CH_F2_SLUG); /* signed with someone else's key */
    ck_assert_int_eq(r.status, 422);
    qn_api_resp_free(&r);
    r = confirm(id, host, CH_HOST_SLUG);
    ck_assert_msg(r.status == 200, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "registered");
    qn_api_resp_free(&r);
    r = ch_call(&server, host, "POST", path, "{}");
    ck_assert_int_eq(r.status, 409);
    qn_api_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/applications/%lld", id);
    r = ch_call(&server, fx2, "GET", path, NULL);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "registered");
    ck_assert_str_eq(reason_str(r.json, "registration_number"), qn_api_str(r.json, "number"));
    qn_api_resp_free(&r);

    /* The exit check sees the place: the host informed the bodies through the
     * confirmation (Order 923), judged by the 30-day deadline. */
    long st;
    json_t *j = ch_exit_check(&server, border, "RUS", "SR-RU-1", 0, &st);
    ck_assert_int_eq(st, 200);
    ck_assert(!ch_has_reason(j, "notification_missing"));
    json_t *e0 = json_array_get(json_object_get(j, "entries"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(e0, "notification")), "on_time");
    json_t *p0 = json_array_get(json_object_get(e0, "places"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(p0, "source")), "self_registration");
    json_decref(j);
    j = ch_exit_check(&server, border, "RUS", "SR-RU-0", 0, &st);
    ck_assert(ch_has_reason(j, "notification_missing"));
    json_decref(j);
    /* Detection agrees: no missing notification for the self-registered entry. */
    r = ch_call(&server, admin, "POST", "/api/v1/violations/detect", "{}");
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    r = ch_call(&server, officer, "GET", "/api/v1/violations?article=518&per_page=200", NULL);
    ck_assert_int_eq(r.status, 200);
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(r.json, "items"), i, v) ck_assert_int_ne(
        json_integer_value(json_object_get(json_object_get(v, "facts"), "entry_crossing")), xid);
    qn_api_resp_free(&r);

    /* A change of address: registered at the new address within 5 working days. */
    r = ch_submit(&server, fx2, CH_F2_SLUG,
                  selfreg_doc("SR-RU-1", "TESTER", -10, CH_ADDR71, 0, "address_change"));
    ck_assert_msg(r.status == 201, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "awaiting_host");
    long long id2 = json_integer_value(json_object_get(r.json, "id"));
    ck_assert_str_eq(qn_api_str(r.json, "region"), "71");
    qn_api_resp_free(&r);
    r = confirm(id2, host, CH_HOST_SLUG);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "registered");
    qn_api_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/applications/%lld", id2);
    r = ch_call(&server, fx2, "GET", path, NULL);
    ck_assert(json_is_false(json_object_get(json_object_get(r.json, "reasons"), "is_late")));
    ck_assert_str_eq(reason_str(r.json, "registration"), "address_change");
    qn_api_resp_free(&r);
}
END_TEST

START_TEST(self_registration_refusals)
{
    ck_assert_int_eq(ch_crossing(&server, border, "RUS", "SR-RU-2", "entry", -10, "75", NULL, NULL), 201);
    ck_assert_int_eq(ch_crossing(&server, border, "RUS", "SR-RU-3", "entry", -10, "75", NULL, NULL), 201);
    /* The host refuses: declined. */
    qn_api_resp r =
        ch_submit(&server, fx2, CH_F2_SLUG, selfreg_doc("SR-RU-2", "TESTER", -10, CH_ADDR75, -9, "initial"));
    ck_assert_int_eq(r.status, 201);
    long long id = json_integer_value(json_object_get(r.json, "id"));
    qn_api_resp_free(&r);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/self-registrations/%lld/refuse", id);
    r = ch_call(&server, host, "POST", path, "{\"text\":\"not staying with me\"}");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "declined");
    qn_api_resp_free(&r);
    ck_assert_ptr_null(pending_of(host, id));
    /* False data (Order 923): the names do not match the records — refused
     * at once by the automatic check, with the reason. */
    r = ch_submit(&server, fx2, CH_F2_SLUG,
                  selfreg_doc("SR-RU-3", "WRONGNAME", -10, CH_ADDR75, -9, "initial"));
    ck_assert_int_eq(r.status, 201);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "refused");
    ck_assert_str_eq(reason_str(r.json, "reason"), "false_data");
    qn_api_resp_free(&r);
    /* An entry before 2026-07-01 keeps the older rules: no self-registration. */
    qn_date_t before;
    ck_assert(qn_date_from_ymd(2026, 6, 30, &before));
    int off = (int)(before - ch_today());
    ck_assert_int_eq(ch_crossing(&server, border, "RUS", "SR-RU-4", "entry", off, "75", NULL, NULL), 201);
    r = ch_submit(&server, fx2, CH_F2_SLUG, selfreg_doc("SR-RU-4", "TESTER", off, CH_ADDR75, off, "initial"));
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "entry_date"));
    qn_api_resp_free(&r);
    /* A 30-day regime is out of Order 923's scope. */
    ck_assert_int_eq(ch_crossing(&server, border, "USA", "SR-US-1", "entry", -5, "75", NULL, NULL), 201);
    json_t *d = selfreg_doc("SR-US-1", "TESTER", -5, CH_ADDR75, -4, "initial");
    json_t *f = json_object_get(d, "foreigner");
    json_object_set_new(f, "citizenship", json_string("USA"));
    json_object_set_new(json_object_get(f, "document"), "country", json_string("USA"));
    r = ch_submit(&server, fx2, CH_F2_SLUG, d);
    ck_assert_int_eq(r.status, 422);
    qn_api_resp_free(&r);
}
END_TEST

static Suite *suite(void)
{
#ifdef QN_CONTROL_PG
    Suite *s = suite_create("control_services_pg");
#else
    Suite *s = suite_create("control_services");
#endif
    TCase *tc = tcase_create("services");
    tcase_set_timeout(tc, 240);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, trp_granted_extends_stay);
    tcase_add_test(tc, trp_refused_inputs);
    tcase_add_test(tc, visa_extension_business_and_investment);
    tcase_add_test(tc, lost_passport_then_exit_visa);
    tcase_add_test(tc, lost_passport_not_registered);
    tcase_add_test(tc, self_registration_confirmed);
    tcase_add_test(tc, self_registration_refusals);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(suite)
