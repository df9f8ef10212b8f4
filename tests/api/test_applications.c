/* test_applications.c — black-box tests of the application workflow over
 * HTTP (issue 6): the real server on a fresh SQLite database with its demo
 * PKI (`serve --demo` trusts the demo CA it writes beside the database);
 * every signature is made by the `openssl cms` command line tool, never by
 * qonaq's code (fixture: app_fixture.h).
 *
 * Covered: the access matrix on real records; temporary registration of a
 * citizen with the owner's and the co-owner's consents (happy path, one
 * consent missing, a consent signed by the wrong person, a refused consent),
 * a consent by one-time code, an illegal transition, an officer of another
 * region, the foreigner's registration (automatic pass, refusal for
 * incomplete documents listing what is missing, appeal upheld by a senior
 * officer), and the permanent resident's registration decided by an officer.
 * More flows: test_applications_flows.c; deadlines and the queue with the
 * service's clock: test_applications_svc.c.
 */
#include "app_fixture.h"

/* The access matrix on real records: every role on every application route
 * that names an application or a consent (the routes without a record are
 * in test_access.c). P: a permanent_resident application of the foreigner
 * (region 75, submitted); K: the co-owner's pending consent. Rows run in
 * order, each over the roles in order, so state changes are deterministic. */
enum {
    R_ANON,
    R_FOREIGNER,
    R_HOST,
    R_COOWNER,
    R_CITIZEN,
    R_OFFICER71,
    R_OFFICER,
    R_SENIOR,
    R_BORDER,
    R_ANALYST,
    R_ADMIN,
    R_N
};
static const char *const r_names[R_N] = {
    "anonymous",     "foreigner (applicant of P)", "host",   "co-owner", "citizen", "officer of 71",
    "officer of 75", "senior officer of 75",       "border", "analyst",  "admin"};
typedef struct {
    const char *method, *path, *body; /* "{P}", "{K}" are replaced */
    int expect[R_N];
} real_row;
static const real_row real_rows[] = {
    {"GET", "/api/v1/applications/{P}", NULL, {401, 200, 404, 404, 404, 404, 200, 200, 404, 404, 404}},
    {"GET",
     "/api/v1/applications/{P}/notice.pdf",
     NULL,
     {401, 409, 404, 404, 404, 404, 409, 409, 404, 404, 404}},
    {"GET",
     "/api/v1/officer/applications/{P}/checklist",
     NULL,
     {401, 403, 403, 403, 403, 404, 200, 200, 403, 403, 403}},
    {"POST",
     "/api/v1/applications/{P}/appeal",
     "{\"grounds\":\"g\"}",
     {401, 409, 404, 404, 404, 404, 409, 409, 404, 404, 404}},
    {"POST",
     "/api/v1/officer/applications/{P}/uphold",
     "{\"text\":\"t\"}",
     {401, 403, 403, 403, 403, 404, 409, 409, 403, 403, 403}},
    {"POST",
     "/api/v1/officer/applications/{P}/register",
     NULL,
     {401, 403, 403, 403, 403, 404, 409, 409, 403, 403, 403}},
    {"GET", "/api/v1/officer/applications", NULL, {401, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403}},
    {"POST",
     "/api/v1/officer/applications/{P}/take",
     NULL,
     {401, 403, 403, 403, 403, 404, 200, 409, 403, 403, 403}},
    {"POST",
     "/api/v1/officer/applications/{P}/refuse",
     "{\"reason\":\"other\"}",
     {401, 403, 403, 403, 403, 404, 422, 422, 403, 403, 403}},
    {"POST",
     "/api/v1/applications/{P}/withdraw",
     NULL,
     {401, 200, 404, 404, 404, 404, 409, 409, 404, 404, 404}},
    {"GET", "/api/v1/me/consents", NULL, {401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"POST",
     "/api/v1/consents/{K}/sign",
     "{\"signature\":\"AAAA\"}",
     {401, 404, 404, 422, 404, 404, 404, 404, 404, 404, 404}},
    {"POST", "/api/v1/consents/{K}/refuse", "{}", {401, 404, 404, 200, 404, 404, 404, 404, 404, 404, 404}},
    {"GET", "/api/v1/me/registration", NULL, {401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
};

START_TEST(real_access_matrix)
{
    tokens t;
    prepare(&t);
    char tok[R_N][65];
    memset(tok, 0, sizeof tok);
    snprintf(tok[R_FOREIGNER], 65, "%s", t.foreigner);
    snprintf(tok[R_HOST], 65, "%s", t.applicant);
    snprintf(tok[R_COOWNER], 65, "%s", t.coowner);
    login("citizen", "demo", tok[R_CITIZEN]);
    snprintf(tok[R_OFFICER71], 65, "%s", t.officer71);
    snprintf(tok[R_OFFICER], 65, "%s", t.officer);
    snprintf(tok[R_SENIOR], 65, "%s", t.senior);
    login("border", "demo", tok[R_BORDER]);
    login("analyst", "demo", tok[R_ANALYST]);
    snprintf(tok[R_ADMIN], 65, "%s", t.admin);
    char f[16];
    json_t *d = json_pack("{s:s, s:s, s:{s:s}, s:{s:s, s:s, s:s, s:{s:s, s:s}}, s:[]}", "kind",
                          "permanent_resident", "address_code", ADDR, "period", "from", date_in(0, f),
                          "person", "surname", "IVANOV", "given_names", "IVAN", "citizenship", "RUS",
                          "document", "number", "RP777", "country", "KAZ", "documents");
    char *doc = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    qn_api_resp r = submit(t.foreigner, "officer", doc);
    ck_assert_int_eq(r.status, 201);
    char pid[24], kid[24];
    snprintf(pid, sizeof pid, "%lld", (long long)json_integer_value(json_object_get(r.json, "id")));
    qn_api_resp_free(&r);
    free(doc);
    doc = citizen_doc();
    r = submit(t.applicant, "host", doc);
    ck_assert_int_eq(r.status, 201);
    json_t *ks = json_object_get(r.json, "consents");
    for (size_t i = 0; i < json_array_size(ks); i++)
        if (strcmp(qn_api_str(json_array_get(ks, i), "owner_iin"), COOWNER_IIN) == 0)
            snprintf(kid, sizeof kid, "%lld",
                     (long long)json_integer_value(json_object_get(json_array_get(ks, i), "id")));
    qn_api_resp_free(&r);
    free(doc);
    char failures[4096] = "";
    size_t used = 0;
    for (size_t i = 0; i < sizeof real_rows / sizeof real_rows[0]; i++) {
        const real_row *row = &real_rows[i];
        char *p1 = qn_api_replace(row->path, "{P}", pid);
        char *p2 = qn_api_replace(p1, "{K}", kid);
        for (int role = 0; role < R_N; role++) {
            r = call(role == R_ANON ? NULL : tok[role], row->method, p2, row->body);
            if (r.status != row->expect[role]) {
                int n = snprintf(failures + used, sizeof failures - used, "\n  %s %s as %s: got %ld, want %d",
                                 row->method, p2, r_names[role], r.status, row->expect[role]);
                if (n > 0 && (size_t)n < sizeof failures - used)
                    used += (size_t)n;
            }
            qn_api_resp_free(&r);
        }
        free(p1);
        free(p2);
    }
    ck_assert_msg(used == 0, "access matrix mismatches:%s", failures);
}
END_TEST

START_TEST(citizen_consents)
{
    tokens t;
    prepare(&t);
    char *doc = citizen_doc();
    qn_api_resp r = submit(t.applicant, "host", doc);
    ck_assert_msg(r.status == 201, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "awaiting_consents");
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "consents")), 2);
    long long id = json_integer_value(json_object_get(r.json, "id"));
    qn_api_resp_free(&r);
    char path[128];

    /* An illegal transition: nothing to register while consents are awaited. */
    snprintf(path, sizeof path, "/api/v1/officer/applications/%lld/register", id);
    r = call(t.officer, "POST", path, NULL);
    ck_assert_int_eq(r.status, 409);
    ck_assert_str_eq(qn_api_str(r.json, "code"), "conflict.illegal_transition");
    qn_api_resp_free(&r);

    /* An officer of another region: 404, the application does not leak. */
    r = call(t.officer71, "POST", path, NULL);
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/applications/%lld", id);
    r = call(t.officer71, "GET", path, NULL);
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);

    /* The owner's consent signed with the co-owner's key: wrong signer. */
    long long kid = 0;
    r = sign_consent(t.owner, "coowner", &kid);
    ck_assert_int_eq(r.status, 422);
    ck_assert_str_eq(qn_api_str(r.json, "code"), "signature_refused.wrong_signer");
    qn_api_resp_free(&r);
    /* Someone else may not even see the owner's consent. */
    snprintf(path, sizeof path, "/api/v1/consents/%lld/refuse", kid);
    r = call(t.coowner, "POST", path, "{}");
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);

    /* The owner signs; the co-owner's consent is still missing. */
    r = sign_consent(t.owner, "owner", &kid);
    ck_assert_msg(r.status == 200, "%s", r.body);
    qn_api_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/applications/%lld", id);
    r = call(t.applicant, "GET", path, NULL);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "awaiting_consents");
    qn_api_resp_free(&r);
    r = call(t.applicant, "GET", "/api/v1/me/registration", NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 0);
    qn_api_resp_free(&r);

    /* The co-owner signs: registered at once, visible to the applicant. */
    r = sign_consent(t.coowner, "coowner", &kid);
    ck_assert_msg(r.status == 200, "%s", r.body);
    qn_api_resp_free(&r);
    r = call(t.applicant, "GET", path, NULL);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "registered");
    ck_assert_str_eq(qn_api_str(json_object_get(r.json, "reasons"), "address_code"), ADDR);
    qn_api_resp_free(&r);
    r = call(t.applicant, "GET", "/api/v1/me/registration", NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 1);
    ck_assert_str_eq(qn_api_str(json_array_get(json_object_get(r.json, "items"), 0), "address_code"), ADDR);
    qn_api_resp_free(&r);
    r = call(t.applicant, "GET", "/api/v1/me/history", NULL);
    ck_assert_ptr_nonnull(strstr(r.body, "citizen_temporary.registered"));
    qn_api_resp_free(&r);

    /* A second application: the co-owner refuses, the application is declined. */
    r = submit(t.applicant, "host", doc);
    ck_assert_int_eq(r.status, 201);
    id = json_integer_value(json_object_get(r.json, "id"));
    qn_api_resp_free(&r);
    r = call(t.coowner, "GET", "/api/v1/me/consents", NULL);
    kid = json_integer_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "id"));
    qn_api_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/consents/%lld/refuse", kid);
    r = call(t.coowner, "POST", path, "{\"text\":\"no\"}");
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/applications/%lld", id);
    r = call(t.applicant, "GET", path, NULL);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "declined");
    qn_api_resp_free(&r);
    r = call(t.owner, "GET", "/api/v1/me/consents", NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 0);
    qn_api_resp_free(&r);
    free(doc);

    /* A child under 16 registered by a parent in a dormitory: identified by
     * the birth certificate, the administration's petition instead of the
     * owners' consents, the representative's authority; two missing. */
    char f[16], to[16];
    json_t *d = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s, s:s}, s:b, s:[{s:s, s:s}]}",
                          "kind", "citizen_temporary", "representation", "legal_representative_child",
                          "address_code", ADDR, "period", "from", date_in(0, f), "to", date_in(60, to),
                          "person", "iin", "150505500008", "surname", "SADYKOV", "given_names", "ALI",
                          "birth_date", "2015-05-05", "accommodation_building", 1, "documents", "type",
                          "birth_certificate", "form", "electronic");
    doc = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    r = submit(t.applicant, "host", doc);
    ck_assert_msg(r.status == 201, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "refused");
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "consents")), 0);
    json_t *missing = json_object_get(json_object_get(r.json, "reasons"), "missing");
    ck_assert_int_eq(json_array_size(missing), 2);
    ck_assert_str_eq(json_string_value(json_array_get(missing, 0)), "representative_authority");
    ck_assert_str_eq(json_string_value(json_array_get(missing, 1)), "administration_petition");
    qn_api_resp_free(&r);
    free(doc);
}
END_TEST

/* The owner consents by one-time code (SMS path) instead of EDS. */
START_TEST(consent_by_code)
{
    tokens t;
    prepare(&t);
    char *doc = citizen_doc();
    qn_api_resp r = submit(t.applicant, "host", doc);
    ck_assert_int_eq(r.status, 201);
    long long id = json_integer_value(json_object_get(r.json, "id"));
    qn_api_resp_free(&r);
    free(doc);
    r = call(t.owner, "GET", "/api/v1/me/consents", NULL);
    json_t *k = json_array_get(json_object_get(r.json, "items"), 0);
    long long kid = json_integer_value(json_object_get(k, "id"));
    char digest[65];
    snprintf(digest, sizeof digest, "%s", qn_api_str(k, "document_digest"));
    qn_api_resp_free(&r);
    char body[256], path[96];
    snprintf(body, sizeof body, "{\"document_digest\":\"%s\",\"purpose\":\"consent\"}", digest);
    r = call(t.owner, "POST", "/api/v1/otp", body);
    ck_assert_msg(r.status == 201, "%s", r.body);
    long long otp = json_integer_value(json_object_get(r.json, "id"));
    qn_api_resp_free(&r);
    /* An unconfirmed code is not a consent. */
    snprintf(path, sizeof path, "/api/v1/consents/%lld/sign", kid);
    snprintf(body, sizeof body, "{\"otp_id\":%lld}", otp);
    r = call(t.owner, "POST", path, body);
    ck_assert_int_eq(r.status, 422);
    qn_api_resp_free(&r);
    /* The code, as the SMS gateway's outbox holds it. */
    r = call(t.admin, "GET", "/api/v1/admin/outbox", NULL);
    ck_assert_int_eq(r.status, 200);
    char mark[64], code[16] = "";
    snprintf(mark, sizeof mark, "(one-time code %lld)", otp);
    json_t *items = json_object_get(r.json, "items");
    for (size_t i = 0; i < json_array_size(items); i++) {
        const char *text = qn_api_str(json_array_get(items, i), "text");
        const char *c = text ? strstr(text, "your code ") : NULL;
        if (c && strstr(text, mark))
            sscanf(c + 10, "%15[0-9]", code);
    }
    qn_api_resp_free(&r);
    ck_assert_msg(code[0], "no SMS for one-time code %lld", otp);
    snprintf(path, sizeof path, "/api/v1/otp/%lld/confirm", otp);
    snprintf(body, sizeof body, "{\"code\":\"%s\",\"document_digest\":\"%s\"}", code, digest);
    r = call(t.owner, "POST", path, body);
    ck_assert_msg(r.status == 200, "%s", r.body);
    qn_api_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/consents/%lld/sign", kid);
    snprintf(body, sizeof body, "{\"otp_id\":%lld}", otp);
    r = call(t.owner, "POST", path, body);
    ck_assert_msg(r.status == 200, "%s", r.body);
    qn_api_resp_free(&r);
    /* Signed once is signed: the same code again is a conflict. */
    r = call(t.owner, "POST", path, body);
    ck_assert_int_eq(r.status, 409);
    qn_api_resp_free(&r);
    long long k2 = 0;
    r = sign_consent(t.coowner, "coowner", &k2);
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/applications/%lld", id);
    r = call(t.applicant, "GET", path, NULL);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "registered");
    ck_assert_ptr_nonnull(strstr(r.body, "one-time code"));
    qn_api_resp_free(&r);
}
END_TEST

START_TEST(foreigner_and_appeal)
{
    tokens t;
    prepare(&t);
    char *doc = foreigner_doc(20, false);
    /* Only a host may apply. */
    qn_api_resp r = submit(t.foreigner, "host", doc);
    ck_assert_int_eq(r.status, 403);
    qn_api_resp_free(&r);
    r = submit(t.applicant, "host", doc);
    ck_assert_msg(r.status == 201, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "registered");
    long long reg_id = json_integer_value(json_object_get(r.json, "id"));
    qn_api_resp_free(&r);
    /* The registration notice as a PDF: text extracted with pdftotext. */
    char pdfpath[128];
    snprintf(pdfpath, sizeof pdfpath, "/api/v1/applications/%lld/notice.pdf?lang=en", reg_id);
    r = call(t.applicant, "GET", pdfpath, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert(r.body_len > 1000 && memcmp(r.body, "%PDF", 4) == 0);
    char pdffile[600], cmd[1400];
    snprintf(pdffile, sizeof pdffile, "%s/notice-%lld.pdf", pki, reg_id);
    FILE *pf = fopen(pdffile, "wb");
    ck_assert_ptr_nonnull(pf);
    fwrite(r.body, 1, r.body_len, pf);
    fclose(pf);
    qn_api_resp_free(&r);
    snprintf(cmd, sizeof cmd,
             "pdftotext %s - | grep -q 'MULLER HANS' && pdftotext %s - | grep -q 'Abai Avenue'", pdffile,
             pdffile);
    ck_assert_int_eq(system(cmd), 0);
    r = call(t.officer71, "GET", pdfpath, NULL);
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);
    /* The same foreigner again for an overlapping period: duplicate. */
    r = submit(t.applicant, "host", doc);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "refused");
    ck_assert_str_eq(qn_api_str(json_object_get(r.json, "reasons"), "reason"), "duplicate_registration");
    qn_api_resp_free(&r);
    free(doc);

    /* A stay over 6 months without the extra documents: refused, listing them. */
    doc = foreigner_doc(200, false);
    json_t *j = json_loads(doc, 0, NULL);
    json_object_set_new(
        json_object_get(j, "foreigner"), "document",
        json_pack("{s:s, s:s, s:s}", "number", "C01X00T77", "country", "DEU", "expires", "2035-01-01"));
    free(doc);
    doc = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    r = submit(t.applicant, "host", doc);
    ck_assert_msg(r.status == 201, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "refused");
    json_t *reasons = json_object_get(r.json, "reasons");
    ck_assert_str_eq(qn_api_str(reasons, "reason"), "incomplete_documents");
    json_t *missing = json_object_get(reasons, "missing");
    ck_assert_int_eq(json_array_size(missing), 3);
    ck_assert_str_eq(json_string_value(json_array_get(missing, 0)), "address_sheets");
    ck_assert_str_eq(json_string_value(json_array_get(missing, 1)), "statistical_coupon");
    ck_assert_str_eq(json_string_value(json_array_get(missing, 2)), "photo");
    long long id = json_integer_value(json_object_get(r.json, "id"));
    qn_api_resp_free(&r);
    free(doc);

    char path[128];
    /* The appeal, by the applicant only. */
    snprintf(path, sizeof path, "/api/v1/applications/%lld/appeal", id);
    r = call(t.owner, "POST", path, "{\"grounds\":\"x\"}");
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);
    r = call(t.applicant, "POST", path, "{\"grounds\":\"the sheets were handed in at the office\"}");
    ck_assert_msg(r.status == 200, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "appealed");
    qn_api_resp_free(&r);
    /* An ordinary officer may not decide an appeal; the senior officer does. */
    snprintf(path, sizeof path, "/api/v1/officer/applications/%lld/uphold", id);
    r = call(t.officer, "POST", path, "{\"text\":\"still missing\"}");
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(qn_api_str(r.json, "code"), "forbidden.wrong_actor");
    qn_api_resp_free(&r);
    r = call(t.officer71, "POST", path, "{\"text\":\"still missing\"}");
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);
    r = call(t.senior, "POST", path, "{\"text\":\"the sheets are not in the file\"}");
    ck_assert_msg(r.status == 200, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "upheld");
    qn_api_resp_free(&r);
    r = call(t.applicant, "GET", "/api/v1/me/history", NULL);
    ck_assert_ptr_nonnull(strstr(r.body, "foreigner_temporary.appeal_upheld"));
    qn_api_resp_free(&r);
    /* Over 6 months with the extra documents: to an officer, 1 working day. */
    doc = foreigner_doc(200, true);
    j = json_loads(doc, 0, NULL);
    json_object_set_new(
        json_object_get(j, "foreigner"), "document",
        json_pack("{s:s, s:s, s:s}", "number", "C01X00T55", "country", "DEU", "expires", "2035-01-01"));
    free(doc);
    doc = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    char *sig = sign_text("host", doc);
    json_t *b = json_pack("{s:s, s:s}", "document", doc, "signature", sig);
    char *req = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", t.applicant);
    const char *h[] = {"Content-Type: application/json", auth, "Idempotency-Key: long-stay-1", NULL};
    qn_api_call(&server, "POST", "/api/v1/applications", h, req, strlen(req), &r);
    ck_assert_msg(r.status == 201, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "in_review");
    ck_assert(json_is_string(json_object_get(r.json, "deadline")));
    ck_assert(json_is_false(json_object_get(r.json, "overdue")));
    long long routed = json_integer_value(json_object_get(r.json, "id"));
    qn_api_resp_free(&r);
    /* The retry with the same key answers the first application. */
    qn_api_call(&server, "POST", "/api/v1/applications", h, req, strlen(req), &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "id")), routed);
    qn_api_resp_free(&r);
    free(req);
    free(sig);
    free(doc);
    r = call(t.officer, "GET", "/api/v1/officer/applications?kind=foreigner_temporary", NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 1);
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "id")),
        routed);
    qn_api_resp_free(&r);
    r = call(t.officer, "GET", "/api/v1/officer/applications?overdue=true", NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 0);
    qn_api_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/officer/applications/%lld/register", routed);
    r = call(t.officer, "POST", path, NULL);
    ck_assert_msg(r.status == 200, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "registered");
    ck_assert(json_is_null(json_object_get(r.json, "deadline")));
    qn_api_resp_free(&r);
}
END_TEST

START_TEST(resident_by_officer)
{
    tokens t;
    prepare(&t);
    char f[16];
    json_t *d = json_pack("{s:s, s:s, s:{s:s}, s:{s:s, s:s, s:s, s:{s:s, s:s}}, s:i, s:[{s:s, s:s}]}", "kind",
                          "permanent_resident", "address_code", ADDR, "period", "from", date_in(0, f),
                          "person", "surname", "IVANOV", "given_names", "IVAN", "citizenship", "RUS",
                          "document", "number", "RP123456", "country", "KAZ", "members_over_14", 1,
                          "documents", "type", "identity_document", "form", "original");
    char *doc = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    qn_api_resp r = submit(t.foreigner, "officer", doc);
    ck_assert_msg(r.status == 201, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "submitted");
    long long id = json_integer_value(json_object_get(r.json, "id"));
    qn_api_resp_free(&r);
    free(doc);
    char path[128];
    /* In the officer's queue of region 75, not in region 71's. */
    r = call(t.officer, "GET", "/api/v1/officer/applications?kind=permanent_resident", NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 1);
    qn_api_resp_free(&r);
    r = call(t.officer71, "GET", "/api/v1/officer/applications", NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 0);
    qn_api_resp_free(&r);
    r = call(t.applicant, "GET", "/api/v1/officer/applications", NULL);
    ck_assert_int_eq(r.status, 403);
    qn_api_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/applications/%lld", id);
    r = call(t.officer, "GET", path, NULL);
    long long version = json_integer_value(json_object_get(r.json, "version"));
    qn_api_resp_free(&r);
    char vbody[48];
    snprintf(vbody, sizeof vbody, "{\"version\":%lld}", version);
    snprintf(path, sizeof path, "/api/v1/officer/applications/%lld/take", id);
    r = call(t.officer, "POST", path, vbody);
    ck_assert_msg(r.status == 200, "%s", r.body);
    qn_api_resp_free(&r);
    /* An action naming a version read before the change: stale. */
    snprintf(path, sizeof path, "/api/v1/officer/applications/%lld/register", id);
    r = call(t.officer, "POST", path, vbody);
    ck_assert_int_eq(r.status, 409);
    ck_assert_str_eq(qn_api_str(r.json, "code"), "conflict.stale_version");
    qn_api_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/officer/applications/%lld/checklist", id);
    r = call(t.officer, "GET", path, NULL);
    ck_assert(json_is_false(json_object_get(r.json, "complete")));
    ck_assert_ptr_nonnull(strstr(r.body, "owner_consent"));
    ck_assert_ptr_nonnull(strstr(r.body, "members_identity_documents"));
    qn_api_resp_free(&r);
    /* Register is refused while documents are missing. */
    snprintf(path, sizeof path, "/api/v1/officer/applications/%lld/register", id);
    r = call(t.officer, "POST", path, NULL);
    ck_assert_int_eq(r.status, 422);
    qn_api_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/officer/applications/%lld/refuse", id);
    r = call(
        t.officer, "POST", path,
        "{\"reason\":\"incomplete_documents\",\"text\":\"bring them\",\"invalid\":[\"identity_document\"]}");
    ck_assert_msg(r.status == 200, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "refused");
    json_t *reasons = json_object_get(r.json, "reasons");
    ck_assert_int_eq(json_array_size(json_object_get(reasons, "missing")), 3);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(reasons, "invalid"), 0)),
                     "identity_document");
    qn_api_resp_free(&r);
    /* Appeal, overturned by the senior officer: back to review. */
    snprintf(path, sizeof path, "/api/v1/applications/%lld/appeal", id);
    r = call(t.foreigner, "POST", path, "{\"grounds\":\"documents are attached now\"}");
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/officer/applications/%lld/overturn", id);
    r = call(t.senior, "POST", path, "{\"text\":\"review again\"}");
    ck_assert_msg(r.status == 200, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "in_review");
    qn_api_resp_free(&r);

    /* Property by CSV (one line per owner): an address of region 71, whose
     * applications go to region 71's officers. */
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", t.admin);
    const char *h[] = {"Content-Type: text/csv", auth, NULL};
    const char *csv = "code,region,text,owner_iin,share_num,share_den\n"
                      "0201100099990000,71,\"Astana, Mangilik El 1, flat 2\",750702304560,1,2\n"
                      "0201100099990000,71,\"Astana, Mangilik El 1, flat 2\",791120407894,1,2\n";
    qn_api_call(&server, "POST", "/api/v1/admin/property", h, csv, strlen(csv), &r);
    ck_assert_msg(r.status == 200, "%s", r.body);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "imported")), 1);
    qn_api_resp_free(&r);
    const char *bad = "0201100099990001,71,no owner field\n";
    qn_api_call(&server, "POST", "/api/v1/admin/property", h, bad, strlen(bad), &r);
    ck_assert_int_eq(r.status, 400);
    ck_assert(qn_api_has_field_error(r.json, "line 1"));
    qn_api_resp_free(&r);
    char f2[16];
    json_t *d2 =
        json_pack("{s:s, s:s, s:{s:s}, s:{s:s, s:s, s:s, s:{s:s, s:s}}, s:[]}", "kind", "permanent_resident",
                  "address_code", "0201100099990000", "period", "from", date_in(0, f2), "person", "surname",
                  "IVANOV", "given_names", "IVAN", "citizenship", "RUS", "document", "number", "RP999",
                  "country", "KAZ", "documents");
    doc = json_dumps(d2, JSON_COMPACT);
    json_decref(d2);
    r = submit(t.foreigner, "officer", doc);
    ck_assert_int_eq(r.status, 201);
    ck_assert_str_eq(qn_api_str(r.json, "region"), "71");
    qn_api_resp_free(&r);
    free(doc);
    r = call(t.officer71, "GET", "/api/v1/officer/applications", NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 1);
    qn_api_resp_free(&r);
}
END_TEST

static Suite *suite(void)
{
#ifdef QN_APPS_ON_PG
    Suite *s = suite_create("applications_pg");
#else
    Suite *s = suite_create("applications");
#endif
    TCase *tc = tcase_create("workflow");
    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, citizen_consents);
    suite_add_tcase(s, tc);
    TCase *t4 = tcase_create("matrix");
    tcase_set_timeout(t4, 120);
    tcase_add_unchecked_fixture(t4, setup, teardown);
    tcase_add_test(t4, real_access_matrix);
    suite_add_tcase(s, t4);
    TCase *t5 = tcase_create("otp");
    tcase_set_timeout(t5, 120);
    tcase_add_unchecked_fixture(t5, setup, teardown);
    tcase_add_test(t5, consent_by_code);
    suite_add_tcase(s, t5);
    TCase *t2 = tcase_create("foreigner");
    tcase_set_timeout(t2, 120);
    tcase_add_unchecked_fixture(t2, setup, teardown);
    tcase_add_test(t2, foreigner_and_appeal);
    suite_add_tcase(s, t2);
    TCase *t3 = tcase_create("resident");
    tcase_set_timeout(t3, 120);
    tcase_add_unchecked_fixture(t3, setup, teardown);
    tcase_add_test(t3, resident_by_officer);
    suite_add_tcase(s, t3);
    return s;
}

QN_TEST_MAIN(suite)
