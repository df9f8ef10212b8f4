/* test_applications_flows.c — more of the application workflow over HTTP
 * (issues 5 and 6), black box, with the fixture of app_fixture.h: the real
 * server with its demo PKI, signatures by the `openssl` tool.
 *
 * Covered: the stock demo host signs with the stock demo CA's key; stored
 * application and consent signatures re-verified by `qonaq sign verify --id`
 * (the CLI binary); consents named by the property table's roles and the
 * consent notice reaching a citizen account; an address without owners (no
 * consent can be skipped) and property imports without owners refused; the
 * border-crossing mark only from the migration card; overlapping citizen
 * registrations refused and a citizen's appeal; a permanent resident from
 * start to the register entry (temporary registration, one identity
 * document per person over 14, ownership checked against the property
 * table, attached documents read back); a parent's view of the child's
 * registration; the owner's consent still missing after the co-owner's
 * (signature and one-time code); a one-time code confirmed by the wrong
 * person; the queue's state filter; a case taken by another officer;
 * illegal transitions of the foreigner's and the resident's services.
 */
#include "app_fixture.h"

#include <sys/wait.h>

#define ADDR_SHYMKENT "0201100011112222" /* demo address, region 79, sole owner SADYKOVA */
#define ADDR_SWAPPED "0201100055556666"  /* region 75: the co-owner's IIN sorts first */
#define CHILD_IIN "150505500008"

static long long id_of(const qn_api_resp *r)
{
    return (long long)json_integer_value(json_object_get(r->json, "id"));
}

static qn_api_resp get_app(const char *token, long long id)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/applications/%lld", id);
    return call(token, "GET", path, NULL);
}

static qn_api_resp act_on(const char *token, long long id, const char *prefix, const char *action,
                          const char *body)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/%s/%lld/%s", prefix, id, action);
    return call(token, "POST", path, body);
}

static void expect_state(const char *token, long long id, const char *state)
{
    qn_api_resp r = get_app(token, id);
    ck_assert_msg(r.status == 200, "%s", r.body);
    ck_assert_msg(strcmp(qn_api_str(r.json, "state"), state) == 0, "application %lld is %s, not %s", id,
                  qn_api_str(r.json, "state"), state);
    qn_api_resp_free(&r);
}

static void import(const char *admin, const char *body)
{
    qn_api_resp r = call(admin, "POST", "/api/v1/admin/property", body);
    ck_assert_msg(r.status == 200, "property: %s", r.body);
    qn_api_resp_free(&r);
}

/* A citizen's document: person iin, at address, days from/to today. */
static char *citizen_doc_at(const char *address, const char *iin, int from, int to, const char *rep,
                            const char *extra_docs)
{
    char f[16], t[16];
    json_t *d = json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s, s:s}}", "kind", "citizen_temporary",
                          "address_code", address, "period", "from", date_in(from, f), "to", date_in(to, t),
                          "person", "iin", iin, "surname", "SADYKOV", "given_names", "ALI", "birth_date",
                          strcmp(iin, CHILD_IIN) == 0 ? "2015-05-05" : "1988-03-15");
    if (rep)
        json_object_set_new(d, "representation", json_string(rep));
    json_error_t je;
    json_object_set_new(d, "documents",
                        json_loads(extra_docs ? extra_docs
                                              : "[{\"type\":\"identity_document\","
                                                "\"number\":\"045123456\",\"form\":"
                                                "\"electronic\"}]",
                                   0, &je));
    char *s = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    return s;
}

/* The caller's pending consent of application app_id: its id and document. */
static long long consent_of(const char *token, long long app_id, char *doc, size_t cap, char *digest)
{
    qn_api_resp r = call(token, "GET", "/api/v1/me/consents", NULL);
    ck_assert_int_eq(r.status, 200);
    long long id = 0;
    json_t *items = json_object_get(r.json, "items");
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *k = json_array_get(items, i);
        if (json_integer_value(json_object_get(k, "application_id")) != app_id)
            continue;
        id = json_integer_value(json_object_get(k, "id"));
        if (doc)
            snprintf(doc, cap, "%s", qn_api_str(k, "document"));
        if (digest)
            snprintf(digest, 65, "%s", qn_api_str(k, "document_digest"));
    }
    qn_api_resp_free(&r);
    return id;
}

static qn_api_resp sign_consent_of(const char *token, const char *slug, long long app_id)
{
    char doc[600];
    long long kid = consent_of(token, app_id, doc, sizeof doc, NULL);
    ck_assert_msg(kid > 0, "no consent of application %lld", app_id);
    char *sig = sign_text(slug, doc);
    json_t *b = json_pack("{s:s}", "signature", sig);
    char *s = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    qn_api_resp r = act_on(token, kid, "consents", "sign", s);
    free(s);
    free(sig);
    return r;
}

/* Issues a one-time code for digest as token, reads it from the outbox as
 * admin and confirms it; returns the code's id. */
static long long otp_confirmed(const char *token, const char *admin, const char *digest)
{
    char body[256];
    snprintf(body, sizeof body, "{\"document_digest\":\"%s\",\"purpose\":\"consent\"}", digest);
    qn_api_resp r = call(token, "POST", "/api/v1/otp", body);
    ck_assert_msg(r.status == 201, "otp: %s", r.body);
    long long otp = id_of(&r);
    qn_api_resp_free(&r);
    r = call(admin, "GET", "/api/v1/admin/outbox", NULL);
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
    snprintf(body, sizeof body, "{\"code\":\"%s\",\"document_digest\":\"%s\"}", code, digest);
    r = act_on(token, otp, "otp", "confirm", body);
    ck_assert_msg(r.status == 200, "confirm: %s", r.body);
    qn_api_resp_free(&r);
    return otp;
}

/* `qonaq sign verify --id N --db URL --json`: the CLI binary re-verifies a
 * stored signature; returns its exit status and output. */
static int cli_verify(long long sig_id, bool json, char *out, size_t cap)
{
    char cmd[1400], file[700];
    snprintf(file, sizeof file, "%s/verify-%lld.json", pki, sig_id);
    snprintf(cmd, sizeof cmd, "'%s' sign verify --id %lld --db '%s' %s > '%s' 2>&1",
             qn_test_env("QONAQ_BIN", 1), sig_id, server_url, json ? "--json" : "", file);
    int st = system(cmd);
    FILE *f = fopen(file, "rb");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(out, 1, cap - 1, f);
    out[n] = '\0';
    fclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ------------------------------------------------------------------ tests */

/* The stock demo: the `host` account (password demo) signs with the demo
 * CA's host_sign key, no account or binding made by the test. */
START_TEST(demo_host_signs_out_of_the_box)
{
    char host[65];
    login("host", "demo", host);
    qn_api_resp me = call(host, "GET", "/api/v1/me", NULL);
    ck_assert_int_eq(me.status, 200);
    ck_assert_ptr_nonnull(strstr(me.body, APPLICANT_IIN)); /* the demo CA's SADYKOVA */
    qn_api_resp_free(&me);
    char *doc = foreigner_doc(20, false);
    qn_api_resp r = submit(host, "host", doc);
    ck_assert_msg(r.status == 201, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "registered");
    qn_api_resp_free(&r);
    free(doc);
    /* Another person's key is refused for the host. */
    doc = foreigner_doc(20, false);
    r = submit(host, "owner", doc);
    ck_assert_int_eq(r.status, 422);
    ck_assert_str_eq(qn_api_str(r.json, "code"), "signature_refused.wrong_signer");
    qn_api_resp_free(&r);
    free(doc);
}
END_TEST

/* Application and consent signatures are stored with their documents:
 * `qonaq sign verify --id` verifies each again. */
START_TEST(signatures_reverified_by_the_cli)
{
    tokens t;
    prepare(&t);
    char *doc = citizen_doc();
    qn_api_resp r = submit(t.applicant, "host", doc);
    ck_assert_int_eq(r.status, 201);
    long long id = id_of(&r);
    qn_api_resp_free(&r);
    free(doc);
    r = sign_consent_of(t.owner, "owner", id);
    ck_assert_msg(r.status == 200, "%s", r.body);
    qn_api_resp_free(&r);
    r = sign_consent_of(t.coowner, "coowner", id);
    ck_assert_msg(r.status == 200, "%s", r.body);
    qn_api_resp_free(&r);
    r = get_app(t.applicant, id);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "registered");
    json_t *sigs = json_object_get(r.json, "signatures");
    ck_assert_int_eq(json_array_size(sigs), 3);
    int applicant = 0, consents = 0;
    for (size_t i = 0; i < json_array_size(sigs); i++) {
        json_t *s = json_array_get(sigs, i);
        long long sid = (long long)json_integer_value(json_object_get(s, "id"));
        char out[8192];
        int rc = cli_verify(sid, true, out, sizeof out);
        ck_assert_msg(rc == 0 && strstr(out, "\"valid\": true"), "signature %lld: exit %d %s", sid, rc, out);
        ck_assert_ptr_nonnull(strstr(out, qn_api_str(s, "signer")));
        ck_assert_int_eq(cli_verify(sid, false, out, sizeof out), 0); /* names what was signed */
        if (strcmp(qn_api_str(s, "kind"), "signature") == 0) {
            applicant++;
            ck_assert_str_eq(qn_api_str(s, "role"), "applicant");
            ck_assert_str_eq(qn_api_str(s, "signer"), APPLICANT_IIN);
            char want[64];
            snprintf(want, sizeof want, ": application %lld, signed as applicant", id);
            ck_assert_msg(strstr(out, want) != NULL, "%s", out);
        } else {
            consents++;
            ck_assert_msg(strstr(out, ": consent ") != NULL, "%s", out);
        }
    }
    ck_assert_int_eq(applicant, 1);
    ck_assert_int_eq(consents, 2);
    /* Each consent names its signature. */
    json_t *ks = json_object_get(r.json, "consents");
    for (size_t i = 0; i < json_array_size(ks); i++)
        ck_assert_int_gt(json_integer_value(json_object_get(json_array_get(ks, i), "signature_id")), 0);
    qn_api_resp_free(&r);
    char out[4096];
    ck_assert_int_eq(cli_verify(987654, true, out, sizeof out), 1);
}
END_TEST

/* Consents are named by the property table's roles, not by the order of the
 * owners; every account of an owner's IIN (a citizen's too) is told. */
START_TEST(consent_roles_and_notices)
{
    tokens t;
    prepare(&t);
    import(t.admin,
           "{\"rows\":[{\"code\":\"" ADDR_SWAPPED "\",\"region\":\"75\",\"text\":\"Almaty, Dostyk 1\","
           "\"owners\":[{\"iin\":\"" OWNER_IIN "\",\"role\":\"co_owner\"},{\"iin\":\"" COOWNER_IIN
           "\",\"role\":\"owner\"}]}]}");
    char *doc = citizen_doc_at(ADDR_SWAPPED, APPLICANT_IIN, 0, 60, NULL, NULL);
    qn_api_resp r = submit(t.applicant, "host", doc);
    ck_assert_msg(r.status == 201, "%s", r.body);
    long long id = id_of(&r);
    json_t *ks = json_object_get(r.json, "consents");
    ck_assert_int_eq(json_array_size(ks), 2);
    for (size_t i = 0; i < 2; i++) {
        json_t *k = json_array_get(ks, i);
        const char *want = strcmp(qn_api_str(k, "owner_iin"), COOWNER_IIN) == 0 ? "owner" : "co_owner";
        ck_assert_str_eq(qn_api_str(k, "role"), want);
        ck_assert_ptr_nonnull(strstr(qn_api_str(k, "document"), want));
    }
    qn_api_resp_free(&r);
    free(doc);
    /* The demo citizen account carries the owner's IIN (BEKOV): it sees the
     * consent and was told in its History of Services. */
    char citizen[65];
    login("citizen", "demo", citizen);
    ck_assert_int_gt(consent_of(citizen, id, NULL, 0, NULL), 0);
    r = call(citizen, "GET", "/api/v1/me/history", NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "citizen_temporary.consent_requested"));
    qn_api_resp_free(&r);
    /* The citizen signs it (BEKOV's key). */
    r = sign_consent_of(citizen, "owner", id);
    ck_assert_msg(r.status == 200, "%s", r.body);
    qn_api_resp_free(&r);
}
END_TEST

/* No consent can be skipped: an address must have its owners. */
START_TEST(address_without_owners)
{
    tokens t;
    prepare(&t);
    /* Imports without an owner are refused, JSON and CSV. */
    qn_api_resp r =
        call(t.admin, "POST", "/api/v1/admin/property",
             "{\"rows\":[{\"code\":\"0201100077770000\",\"region\":\"75\",\"text\":\"x\",\"owners\":[]}]}");
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "rows[0].owners"));
    qn_api_resp_free(&r);
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", t.admin);
    const char *h[] = {"Content-Type: text/csv", auth, NULL};
    const char *csv = "0201100077770000,75,\"Almaty, Satpayev 5\",\n";
    qn_api_call(&server, "POST", "/api/v1/admin/property", h, csv, strlen(csv), &r);
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "rows[0].owners"));
    qn_api_resp_free(&r);
    /* Roles from the CSV's seventh column; an unknown one is refused. */
    const char *csv2 = "0201100077770001,75,\"Almaty, Satpayev 7\"," OWNER_IIN ",1,1,tenant\n";
    qn_api_call(&server, "POST", "/api/v1/admin/property", h, csv2, strlen(csv2), &r);
    ck_assert_int_eq(r.status, 422);
    qn_api_resp_free(&r);
    /* An address that has no owners (as a database from before this check
     * may hold): the registration is refused as not eligible, not made
     * without anybody's consent. */
    qn_store *st = NULL;
    qn_store_conn *c = NULL;
    qn_err e;
    ck_assert_int_eq(qn_store_open(server_url, NULL, &st, &e), QN_OK);
    ck_assert_int_eq(qn_store_acquire(st, &c, &e), QN_OK);
    qn_store_address a = {"0201100077770000", "75", "Almaty, Satpayev 5"};
    ck_assert_int_eq(qn_store_address_put(c, &a, &e), QN_OK);
    qn_store_release(c);
    qn_store_close(st);
    char *doc = citizen_doc_at("0201100077770000", APPLICANT_IIN, 0, 60, NULL, NULL);
    r = submit(t.applicant, "host", doc);
    ck_assert_msg(r.status == 201, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "refused");
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "consents")), 0);
    ck_assert_str_eq(qn_api_str(json_object_get(r.json, "reasons"), "reason"), "not_eligible");
    qn_api_resp_free(&r);
    free(doc);
    r = call(t.applicant, "GET", "/api/v1/me/registration", NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 0);
    qn_api_resp_free(&r);
    /* A building used for accommodation: the administration's petition
     * instead of owners' consents. */
    doc = citizen_doc_at("0201100077770000", APPLICANT_IIN, 0, 60, NULL,
                         "[{\"type\":\"identity_document\",\"form\":\"electronic\"},"
                         "{\"type\":\"administration_petition\",\"form\":\"original\"}]");
    json_t *j = json_loads(doc, 0, NULL);
    json_object_set_new(j, "accommodation_building", json_true());
    free(doc);
    doc = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    r = submit(t.applicant, "host", doc);
    ck_assert_msg(r.status == 201, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "registered");
    qn_api_resp_free(&r);
    free(doc);
}
END_TEST

/* The migration card and the identity document come from their own members
 * only: the border-crossing mark cannot be claimed in documents[]. */
START_TEST(border_mark_from_the_card_only)
{
    tokens t;
    prepare(&t);
    static const char *const smuggled[] = {"migration_card", "identity_document"};
    for (int i = 0; i < 2; i++) {
        char *doc = foreigner_doc(20, false);
        json_t *j = json_loads(doc, 0, NULL);
        json_object_set_new(json_object_get(j, "migration_card"), "border_mark", json_false());
        json_array_append_new(
            json_object_get(j, "documents"),
            json_pack("{s:s, s:s, s:s}", "type", smuggled[i], "number", "MC123", "form", "original"));
        free(doc);
        doc = json_dumps(j, JSON_COMPACT);
        json_decref(j);
        qn_api_resp r = submit(t.applicant, "host", doc);
        ck_assert_int_eq(r.status, 422);
        ck_assert(qn_api_has_field_error(r.json, "documents[0].type"));
        qn_api_resp_free(&r);
        free(doc);
    }
    /* Without the mark, and without claiming it: refused, migration card missing. */
    char *doc = foreigner_doc(20, false);
    json_t *j = json_loads(doc, 0, NULL);
    json_object_set_new(json_object_get(j, "migration_card"), "border_mark", json_false());
    free(doc);
    doc = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    qn_api_resp r = submit(t.applicant, "host", doc);
    ck_assert_msg(r.status == 201, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "refused");
    json_t *missing = json_object_get(json_object_get(r.json, "reasons"), "missing");
    ck_assert_int_eq(json_array_size(missing), 1);
    ck_assert_str_eq(json_string_value(json_array_get(missing, 0)), "migration_card");
    /* The structured documents are the application's attached documents. */
    json_t *docs = json_object_get(r.json, "documents");
    ck_assert_int_eq(json_array_size(docs), 1);
    ck_assert_str_eq(qn_api_str(json_array_get(docs, 0), "type"), "identity_document");
    qn_api_resp_free(&r);
    free(doc);
}
END_TEST

/* The citizen's automatic check refuses an overlapping temporary
 * registration of the same IIN; the refusal is appealed. */
START_TEST(citizen_duplicate_and_appeal)
{
    tokens t;
    prepare(&t);
    long long sid = make_account(t.admin, "senior79", "officer", NULL, "79");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/admin/accounts/%lld/senior", sid);
    qn_api_resp r = call(t.admin, "POST", path, "{\"senior\":true}");
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    char senior79[65];
    login("senior79", "secret-pass-1", senior79);
    /* SADYKOVA is the sole owner in Shymkent: registered at once. */
    char *doc = citizen_doc_at(ADDR_SHYMKENT, APPLICANT_IIN, 0, 90, NULL, NULL);
    r = submit(t.applicant, "host", doc);
    ck_assert_msg(r.status == 201, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "registered");
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "consents")), 0);
    qn_api_resp_free(&r);
    free(doc);
    /* Overlapping: duplicate. */
    doc = citizen_doc_at(ADDR_SHYMKENT, APPLICANT_IIN, 30, 120, NULL, NULL);
    r = submit(t.applicant, "host", doc);
    ck_assert_msg(r.status == 201, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "refused");
    ck_assert_str_eq(qn_api_str(json_object_get(r.json, "reasons"), "reason"), "duplicate_registration");
    long long refused = id_of(&r);
    qn_api_resp_free(&r);
    free(doc);
    /* After it: registered. */
    doc = citizen_doc_at(ADDR_SHYMKENT, APPLICANT_IIN, 91, 150, NULL, NULL);
    r = submit(t.applicant, "host", doc);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "registered");
    qn_api_resp_free(&r);
    free(doc);
    /* The citizen's appeal: to the senior officer of the region (79). */
    r = act_on(t.applicant, refused, "applications", "appeal",
               "{\"grounds\":\"the first one ends earlier\"}");
    ck_assert_msg(r.status == 200, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "appealed");
    qn_api_resp_free(&r);
    r = act_on(t.senior, refused, "officer/applications", "uphold", "{\"text\":\"x\"}"); /* region 75 */
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);
    r = act_on(senior79, refused, "officer/applications", "uphold", "{\"text\":\"the periods overlap\"}");
    ck_assert_msg(r.status == 200, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "upheld");
    qn_api_resp_free(&r);
    r = call(t.applicant, "GET", "/api/v1/me/history", NULL);
    ck_assert_ptr_nonnull(strstr(r.body, "citizen_temporary.appeal_upheld"));
    qn_api_resp_free(&r);
}
END_TEST

static char *resident_doc(const char *number, const char *registration, int members, int member_docs,
                          bool claims_owner)
{
    char f[16];
    json_t *d = json_pack("{s:s, s:s, s:{s:s}, s:{s:s, s:s, s:s, s:{s:s, s:s}}, s:i, s:s, s:[]}", "kind",
                          "permanent_resident", "address_code", ADDR, "period", "from", date_in(0, f),
                          "person", "surname", "IVANOV", "given_names", "IVAN", "citizenship", "RUS",
                          "document", "number", number, "country", "KAZ", "members_over_14", members,
                          "registration", registration, "documents");
    if (claims_owner)
        json_object_set_new(d, "applicant_is_owner", json_true());
    json_t *docs = json_object_get(d, "documents");
    json_array_append_new(docs,
                          json_pack("{s:s, s:s, s:s, s:s, s:s}", "type", "identity_document", "number",
                                    number, "issuer", "MVD RK", "form", "electronic", "digest",
                                    "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"));
    json_array_append_new(docs,
                          json_pack("{s:s, s:s}", "type", "owner_identity_document", "form", "original"));
    json_array_append_new(docs, json_pack("{s:s, s:s}", "type", "owner_consent", "form", "original"));
    for (int i = 0; i < member_docs; i++)
        json_array_append_new(
            docs, json_pack("{s:s, s:s}", "type", "members_identity_documents", "form", "original"));
    char *s = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    return s;
}

/* A permanent resident from submission to the register entry. */
START_TEST(resident_to_the_register)
{
    tokens t;
    prepare(&t);
    /* Ownership is the property table's: the foreigner owns nothing at ADDR. */
    char *doc = resident_doc("RP4040", "temporary", 2, 2, true);
    qn_api_resp r = submit(t.foreigner, "officer", doc);
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "applicant_is_owner"));
    qn_api_resp_free(&r);
    free(doc);
    /* Two persons over 14, one identity document for them: one missing. */
    doc = resident_doc("RP4041", "temporary", 2, 1, false);
    r = submit(t.foreigner, "officer", doc);
    ck_assert_msg(r.status == 201, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "submitted");
    long long short_one = id_of(&r);
    json_t *req = json_object_get(r.json, "required"), *miss = json_object_get(r.json, "missing");
    int n_req = 0;
    for (size_t i = 0; i < json_array_size(req); i++)
        n_req += strcmp(json_string_value(json_array_get(req, i)), "members_identity_documents") == 0;
    ck_assert_int_eq(n_req, 2);
    ck_assert_int_eq(json_array_size(miss), 1);
    ck_assert_str_eq(json_string_value(json_array_get(miss, 0)), "members_identity_documents");
    /* The attached documents, read back as submitted. */
    json_t *docs = json_object_get(r.json, "documents");
    ck_assert_int_eq(json_array_size(docs), 4);
    json_t *d0 = json_array_get(docs, 0);
    ck_assert_str_eq(qn_api_str(d0, "type"), "identity_document");
    ck_assert_str_eq(qn_api_str(d0, "number"), "RP4041");
    ck_assert_str_eq(qn_api_str(d0, "issuer"), "MVD RK");
    ck_assert_str_eq(qn_api_str(d0, "form"), "electronic");
    ck_assert_str_eq(qn_api_str(d0, "digest"),
                     "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    ck_assert(json_is_null(json_object_get(json_array_get(docs, 1), "digest")));
    ck_assert_str_eq(qn_api_str(json_array_get(docs, 1), "form"), "original");
    ck_assert(json_is_string(json_object_get(r.json, "deadline")));
    qn_api_resp_free(&r);
    free(doc);
    r = act_on(t.officer, short_one, "officer/applications", "take", NULL);
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    r = act_on(t.officer, short_one, "officer/applications", "register", NULL);
    ck_assert_int_eq(r.status, 422);
    qn_api_resp_free(&r);
    r = act_on(t.officer, short_one, "officer/applications", "refuse",
               "{\"reason\":\"incomplete_documents\"}");
    ck_assert_int_eq(r.status, 200);
    miss = json_object_get(json_object_get(r.json, "reasons"), "missing");
    ck_assert_int_eq(json_array_size(miss), 1);
    ck_assert_str_eq(json_string_value(json_array_get(miss, 0)), "members_identity_documents");
    qn_api_resp_free(&r);
    /* Complete: taken, registered, in the population register as a
     * temporary registration, and visible to the foreigner, whose entry is
     * kept under the identity document (not the account's IIN). */
    doc = resident_doc("RP4042", "temporary", 2, 2, false);
    r = submit(t.foreigner, "officer", doc);
    ck_assert_msg(r.status == 201, "%s", r.body);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "missing")), 0);
    long long id = id_of(&r);
    qn_api_resp_free(&r);
    free(doc);
    r = act_on(t.officer, id, "officer/applications", "take", NULL);
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    r = act_on(t.officer, id, "officer/applications", "register", NULL);
    ck_assert_msg(r.status == 200, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "registered");
    qn_api_resp_free(&r);
    r = call(t.foreigner, "GET", "/api/v1/me/registration", NULL);
    json_t *items = json_object_get(r.json, "items");
    ck_assert_int_eq(json_array_size(items), 1);
    json_t *e0 = json_array_get(items, 0);
    ck_assert_str_eq(qn_api_str(e0, "person"), "DOC:KAZ:RP4042");
    ck_assert_str_eq(qn_api_str(e0, "kind"), "temporary");
    ck_assert_str_eq(qn_api_str(e0, "address_code"), ADDR);
    ck_assert_int_eq(json_integer_value(json_object_get(e0, "application_id")), id);
    qn_api_resp_free(&r);
    r = call(t.foreigner, "GET", "/api/v1/me/history", NULL);
    ck_assert_ptr_nonnull(strstr(r.body, "permanent_resident.registered"));
    qn_api_resp_free(&r);
    /* Too many persons over 14 to list. */
    doc = resident_doc("RP4043", "permanent", 17, 0, false);
    r = submit(t.foreigner, "officer", doc);
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "members_over_14"));
    qn_api_resp_free(&r);
    free(doc);
}
END_TEST

/* A parent registers a child: the entry is the child's (by the child's
 * IIN), and the parent sees it. */
START_TEST(parent_sees_the_child_registration)
{
    tokens t;
    prepare(&t);
    char *doc = citizen_doc_at(ADDR_SHYMKENT, CHILD_IIN, 0, 60, "legal_representative_child",
                               "[{\"type\":\"birth_certificate\",\"form\":\"electronic\"},"
                               "{\"type\":\"representative_authority\",\"form\":\"original\"}]");
    qn_api_resp r = submit(t.applicant, "host", doc);
    ck_assert_msg(r.status == 201, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "registered");
    long long id = id_of(&r);
    ck_assert_str_eq(qn_api_str(json_array_get(json_object_get(r.json, "signatures"), 0), "role"),
                     "representative");
    qn_api_resp_free(&r);
    free(doc);
    r = call(t.applicant, "GET", "/api/v1/me/registration", NULL);
    json_t *items = json_object_get(r.json, "items");
    ck_assert_int_eq(json_array_size(items), 1);
    ck_assert_str_eq(qn_api_str(json_array_get(items, 0), "person"), CHILD_IIN);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(items, 0), "application_id")), id);
    qn_api_resp_free(&r);
    /* Not to anyone else. */
    r = call(t.owner, "GET", "/api/v1/me/registration", NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 0);
    qn_api_resp_free(&r);
}
END_TEST

/* The co-owner consents (EDS in one application, one-time code in another)
 * and the owner has not: nothing is registered. A code confirmed by the
 * co-owner is no consent of the owner's. */
START_TEST(owner_missing_and_a_code_of_the_wrong_person)
{
    tokens t;
    prepare(&t);
    qn_api_resp r = call(t.admin, "POST", "/api/v1/admin/mobile-citizens",
                         "[{\"iin\":\"" COOWNER_IIN "\",\"phone\":\"+77010000009\"}]");
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    char *doc = citizen_doc();
    r = submit(t.applicant, "host", doc);
    long long by_eds = id_of(&r);
    qn_api_resp_free(&r);
    r = submit(t.applicant, "host", doc);
    long long by_code = id_of(&r);
    qn_api_resp_free(&r);
    free(doc);
    /* The co-owner by signature in the first. */
    r = sign_consent_of(t.coowner, "coowner", by_eds);
    ck_assert_msg(r.status == 200, "%s", r.body);
    qn_api_resp_free(&r);
    /* The co-owner by one-time code in the second. */
    char cdigest[65];
    long long ck = consent_of(t.coowner, by_code, NULL, 0, cdigest);
    long long otp = otp_confirmed(t.coowner, t.admin, cdigest);
    char body[64];
    snprintf(body, sizeof body, "{\"otp_id\":%lld}", otp);
    r = act_on(t.coowner, ck, "consents", "sign", body);
    ck_assert_msg(r.status == 200, "%s", r.body);
    qn_api_resp_free(&r);
    long long apps[2] = {by_eds, by_code};
    for (int i = 0; i < 2; i++) {
        r = get_app(t.applicant, apps[i]);
        ck_assert_str_eq(qn_api_str(r.json, "state"), "awaiting_consents");
        json_t *ks = json_object_get(r.json, "consents");
        ck_assert_int_eq(json_array_size(ks), 2);
        for (size_t k = 0; k < 2; k++) {
            json_t *c = json_array_get(ks, k);
            bool owner = strcmp(qn_api_str(c, "owner_iin"), OWNER_IIN) == 0;
            ck_assert_str_eq(qn_api_str(c, "state"), owner ? "pending" : "signed");
            ck_assert_str_eq(qn_api_str(c, "role"), owner ? "owner" : "co_owner");
        }
        qn_api_resp_free(&r);
    }
    r = call(t.applicant, "GET", "/api/v1/me/registration", NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 0);
    qn_api_resp_free(&r);
    /* The co-owner confirms a code for the owner's consent document... */
    char odigest[65];
    long long ok = consent_of(t.owner, by_eds, NULL, 0, odigest);
    long long wrong = otp_confirmed(t.coowner, t.admin, odigest);
    snprintf(body, sizeof body, "{\"otp_id\":%lld}", wrong);
    /* ... the owner cannot use it (not the owner's code) ... */
    r = act_on(t.owner, ok, "consents", "sign", body);
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);
    /* ... and the co-owner cannot sign the owner's consent with it. */
    r = act_on(t.coowner, ok, "consents", "sign", body);
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);
    expect_state(t.applicant, by_eds, "awaiting_consents");
    ck_assert_int_eq(consent_of(t.owner, by_eds, NULL, 0, NULL), ok); /* still pending */
    /* The owner signs: registered. */
    r = sign_consent_of(t.owner, "owner", by_eds);
    ck_assert_msg(r.status == 200, "%s", r.body);
    qn_api_resp_free(&r);
    expect_state(t.applicant, by_eds, "registered");
}
END_TEST

/* The queue lists what awaits the authority; state= picks one state,
 * including the applications still waiting for consents. */
START_TEST(queue_state_filter)
{
    tokens t;
    prepare(&t);
    char *doc = citizen_doc();
    qn_api_resp r = submit(t.applicant, "host", doc);
    long long waiting = id_of(&r);
    qn_api_resp_free(&r);
    free(doc);
    doc = resident_doc("RP5050", "permanent", 0, 0, false);
    r = submit(t.foreigner, "officer", doc);
    long long resident = id_of(&r);
    qn_api_resp_free(&r);
    free(doc);
    doc = resident_doc("RP5051", "permanent", 0, 0, false);
    r = submit(t.foreigner, "officer", doc);
    long long taken = id_of(&r);
    qn_api_resp_free(&r);
    free(doc);
    r = act_on(t.officer, taken, "officer/applications", "take", NULL);
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    struct {
        const char *query;
        long long total;
        long long first;
    } cases[] = {
        {"", 2, 0},
        {"?state=submitted", 1, resident},
        {"?state=in_review", 1, taken},
        {"?state=awaiting_consents", 1, waiting},
        {"?state=registered", 0, 0},
        {"?kind=citizen_temporary", 0, 0},
        {"?kind=citizen_temporary&state=awaiting_consents", 1, waiting},
        {"?state=awaiting_consents&overdue=true", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[160];
        snprintf(path, sizeof path, "/api/v1/officer/applications%s", cases[i].query);
        r = call(t.officer, "GET", path, NULL);
        ck_assert_msg(r.status == 200, "%s: %s", path, r.body);
        ck_assert_msg(json_integer_value(json_object_get(r.json, "total")) == cases[i].total, "%s: %s", path,
                      r.body);
        if (cases[i].first)
            ck_assert_int_eq(json_integer_value(
                                 json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "id")),
                             cases[i].first);
        qn_api_resp_free(&r);
    }
    r = call(t.officer, "GET", "/api/v1/officer/applications?state=nonsense", NULL);
    ck_assert_int_eq(r.status, 422);
    qn_api_resp_free(&r);
}
END_TEST

/* A case taken by one officer is theirs: another officer of the region may
 * not decide it; a senior officer may. */
START_TEST(a_case_another_officer_took)
{
    tokens t;
    prepare(&t);
    make_account(t.admin, "off75b", "officer", NULL, "75");
    char other[65];
    login("off75b", "secret-pass-1", other);
    char *doc = resident_doc("RP6060", "permanent", 0, 0, false);
    qn_api_resp r = submit(t.foreigner, "officer", doc);
    long long id = id_of(&r);
    qn_api_resp_free(&r);
    free(doc);
    r = act_on(t.officer, id, "officer/applications", "take", NULL);
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    r = act_on(other, id, "officer/applications", "register", NULL);
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(qn_api_str(r.json, "code"), "forbidden.assigned_to_other");
    qn_api_resp_free(&r);
    r = act_on(other, id, "officer/applications", "refuse", "{\"reason\":\"false_data\"}");
    ck_assert_int_eq(r.status, 403);
    qn_api_resp_free(&r);
    /* It stays visible to them, and untouched. */
    expect_state(other, id, "in_review");
    r = act_on(t.senior, id, "officer/applications", "refuse", "{\"reason\":\"false_data\"}");
    ck_assert_msg(r.status == 200, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "refused");
    qn_api_resp_free(&r);
    /* The refusal overturned on appeal: the case is examined anew, by any
     * officer of the region (the first who decides it). */
    r = act_on(t.foreigner, id, "applications", "appeal", "{\"grounds\":\"the data are true\"}");
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    long long sid = make_account(t.admin, "senior75b", "officer", NULL, "75");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/admin/accounts/%lld/senior", sid);
    r = call(t.admin, "POST", path, "{\"senior\":true}");
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    char senior2[65];
    login("senior75b", "secret-pass-1", senior2);
    r = act_on(t.senior, id, "officer/applications", "overturn", "{\"text\":\"x\"}");
    ck_assert_int_eq(r.status, 403); /* not on their own refusal */
    ck_assert_str_eq(qn_api_str(r.json, "code"), "forbidden.own_refusal");
    qn_api_resp_free(&r);
    r = act_on(senior2, id, "officer/applications", "overturn", "{\"text\":\"examine again\"}");
    ck_assert_msg(r.status == 200, "%s", r.body);
    qn_api_resp_free(&r);
    r = act_on(other, id, "officer/applications", "refuse", "{\"reason\":\"false_data\"}");
    ck_assert_msg(r.status == 200, "%s", r.body);
    qn_api_resp_free(&r);
}
END_TEST

/* Transitions the state machines do not have are refused with their reason. */
START_TEST(illegal_transitions)
{
    tokens t;
    prepare(&t);
    char *doc = foreigner_doc(20, false);
    qn_api_resp r = submit(t.applicant, "host", doc);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "registered");
    long long fid = id_of(&r);
    qn_api_resp_free(&r);
    free(doc);
    doc = resident_doc("RP7070", "permanent", 0, 0, false);
    r = submit(t.foreigner, "officer", doc);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "submitted");
    long long rid = id_of(&r);
    qn_api_resp_free(&r);
    free(doc);
    struct {
        const char *who;
        long long id;
        const char *prefix, *action, *body, *message;
    } cases[] = {
        {"applicant", fid, "applications", "appeal", "{\"grounds\":\"g\"}",
         "cannot appeal an application that is registered"},
        {"applicant", fid, "applications", "withdraw", NULL,
         "cannot withdraw an application that is registered"},
        {"officer", fid, "officer/applications", "refuse", "{\"reason\":\"other\",\"text\":\"t\"}",
         "cannot refuse an application that is registered"},
        {"officer", fid, "officer/applications", "take", NULL, "registered"},
        {"officer", rid, "officer/applications", "register", NULL,
         "cannot register an application that has been submitted"},
        {"senior", rid, "officer/applications", "overturn", "{\"text\":\"t\"}", "has been submitted"},
        {"foreigner", rid, "applications", "appeal", "{\"grounds\":\"g\"}", "has been submitted"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *tok = strcmp(cases[i].who, "applicant") == 0 ? t.applicant
                          : strcmp(cases[i].who, "officer") == 0 ? t.officer
                          : strcmp(cases[i].who, "senior") == 0  ? t.senior
                                                                 : t.foreigner;
        r = act_on(tok, cases[i].id, cases[i].prefix, cases[i].action, cases[i].body);
        ck_assert_msg(r.status == 409, "case %zu: %ld %s", i, r.status, r.body);
        ck_assert_str_eq(qn_api_str(r.json, "code"), "conflict.illegal_transition");
        ck_assert_msg(strstr(r.body, cases[i].message) != NULL, "case %zu: %s", i, r.body);
        qn_api_resp_free(&r);
    }
    expect_state(t.applicant, fid, "registered");
    expect_state(t.foreigner, rid, "submitted");
}
END_TEST

static void add(Suite *s, const char *name, const TTest *test)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 180);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test);
    suite_add_tcase(s, tc);
}

static Suite *suite(void)
{
#ifdef QN_APPS_ON_PG
    Suite *s = suite_create("applications_flows_pg");
#else
    Suite *s = suite_create("applications_flows");
#endif
    add(s, "demo_host", demo_host_signs_out_of_the_box);
    add(s, "reverify", signatures_reverified_by_the_cli);
    add(s, "roles", consent_roles_and_notices);
    add(s, "no_owners", address_without_owners);
    add(s, "border_mark", border_mark_from_the_card_only);
    add(s, "duplicate", citizen_duplicate_and_appeal);
    add(s, "resident", resident_to_the_register);
    add(s, "child", parent_sees_the_child_registration);
    add(s, "owner_missing", owner_missing_and_a_code_of_the_wrong_person);
    add(s, "queue", queue_state_filter);
    add(s, "assigned", a_case_another_officer_took);
    add(s, "illegal", illegal_transitions);
    return s;
}

QN_TEST_MAIN(suite)
