/* app_fixture.h — the fixture and helpers of the application workflow's
 * black-box tests (test_applications.c, test_applications_flows.c and
 * their PostgreSQL variants): the real server (`serve --demo`, which writes
 * and trusts the demo CA beside its database) on a fresh database per test
 * case, accounts made through the administrator, and signatures made by the
 * `openssl cms` command line tool, never by qonaq's code. Static functions:
 * included by one test program each.
 */
#ifndef QN_TEST_APP_FIXTURE_H
#define QN_TEST_APP_FIXTURE_H

/* Each program uses the helpers it needs. */
#pragma GCC diagnostic ignored "-Wunused-function"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/date.h"
#include "store/store.h"
#include "support/api_client.h"
#include "support/api_data.h"
#include "support/qn_test.h"
#include <stdbool.h>

static qn_api_server server;
static char pki[512];
static char server_url[512]; /* the database the server runs on */

#define ADDR "0201100012345678"      /* demo address, region 75 */
#define APPLICANT_IIN "880315401237" /* demo PKI "host" person */
#define OWNER_IIN "750702304560"
#define COOWNER_IIN "791120407894"

static void setup(void)
{
#ifdef QN_APPS_ON_PG
    /* A fresh database on the throwaway PostgreSQL; the server keeps its demo
     * CA in its data directory, var/ under the working directory. */
    qn_err e;
    char url[450];
    if (qn_store_fresh_url(qn_test_env("QONAQ_TEST_PG", 1), NULL, url, sizeof url, &e) != QN_OK)
        abort();
    char cwd[256];
    if (!getcwd(cwd, sizeof cwd))
        abort();
    snprintf(pki, sizeof pki, "%s/var/demo-ca", cwd);
#else
    /* One fresh directory per test case: the server keeps its demo CA
     * (`serve --demo`, the same PKI as `qonaq ca demo`) beside the database. */
    static int round;
    char dir[400];
    snprintf(dir, sizeof dir, "%s/apps-%d-%d", qn_test_tmpdir(), (int)getpid(), ++round);
    char cmd[500];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    if (system(cmd) != 0)
        abort();
    char url[450];
    snprintf(url, sizeof url, "sqlite:%s/apps.db", dir);
    snprintf(pki, sizeof pki, "%s/demo-ca", dir);
#endif
    snprintf(server_url, sizeof server_url, "%s", url);
    if (!qn_api_start(&server, url, true))
        abort();
}

static void teardown(void)
{
    int status = qn_api_stop(&server);
    if (status != 0) {
        fprintf(stderr, "server exited with %d (log: %s)\n", status, server.log_path);
        abort();
    }
}

static qn_api_resp call(const char *token, const char *method, const char *path, const char *body)
{
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token ? token : "");
    const char *h[] = {"Content-Type: application/json", token ? auth : "X-None: 1", NULL};
    qn_api_resp r;
    qn_api_call(&server, method, path, h, body, body ? strlen(body) : 0, &r);
    return r;
}

static void login(const char *user, const char *password, char tok[65])
{
    ck_assert_msg(qn_api_login(&server, user, password, tok), "login as %s failed", user);
}

/* Creates an account through the administrator; returns its id. */
static long long make_account(const char *admin, const char *user, const char *role, const char *iin,
                              const char *region)
{
    json_t *b = json_pack("{s:s, s:s, s:s}", "username", user, "password", "secret-pass-1", "role", role);
    if (iin)
        json_object_set_new(b, "iin_bin", json_string(iin));
    if (region)
        json_object_set_new(b, "region", json_string(region));
    char *s = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    qn_api_resp r = call(admin, "POST", "/api/v1/admin/accounts", s);
    free(s);
    ck_assert_msg(r.status == 201, "create %s: %ld %s", user, r.status, r.body);
    long long id = json_integer_value(json_object_get(r.json, "id"));
    qn_api_resp_free(&r);
    return id;
}

/* Signs text with the demo PKI person slug using openssl; returns PEM (malloc'd). */
static char *sign_text(const char *slug, const char *text)
{
    char doc[600], sig[620], cmd[4000];
    snprintf(doc, sizeof doc, "%s/doc-%ld.txt", pki, (long)random());
    snprintf(sig, sizeof sig, "%s.p7s", doc);
    FILE *f = fopen(doc, "wb");
    ck_assert_ptr_nonnull(f);
    fwrite(text, 1, strlen(text), f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "openssl cms -sign -binary -in %s -signer %s/%s_sign.pem -inkey %s/%s_sign.key "
             "-outform PEM -out %s 2>/dev/null",
             doc, pki, slug, pki, slug, sig);
    ck_assert_int_eq(system(cmd), 0);
    f = fopen(sig, "rb");
    ck_assert_ptr_nonnull(f);
    static char buf[32768];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* The API takes the base64 of the DER: the PEM body without its lines. */
    char *out = malloc(n + 1);
    size_t k = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
        if (strncmp(line, "-----", 5) != 0)
            for (char *p = line; *p; p++)
                if (*p != '\r')
                    out[k++] = *p;
    out[k] = '\0';
    return out;
}

static char *date_in(int days, char out[16])
{
    qn_date_t t = qn_date_from_epoch_kz((int64_t)time(NULL)) + days;
    char b[QN_DATE_STRLEN];
    snprintf(out, 16, "%s", qn_date_format(t, b));
    return out;
}

/* Submits document text signed by slug; returns the response. */
static qn_api_resp submit(const char *token, const char *slug, const char *document)
{
    char *sig = sign_text(slug, document);
    json_t *b = json_pack("{s:s, s:s}", "document", document, "signature", sig);
    char *s = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    qn_api_resp r = call(token, "POST", "/api/v1/applications", s);
    free(s);
    free(sig);
    return r;
}

static char *citizen_doc(void)
{
    char f[16], t[16];
    json_t *d = json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s, s:s}, s:[{s:s, s:s, s:s}]}", "kind",
                          "citizen_temporary", "address_code", ADDR, "period", "from", date_in(0, f), "to",
                          date_in(90, t), "person", "iin", APPLICANT_IIN, "surname", "SADYKOVA",
                          "given_names", "AIGERIM", "birth_date", "1988-03-15", "documents", "type",
                          "identity_document", "number", "045123456", "form", "electronic");
    char *s = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    return s;
}

/* Signs and sends consent number i of the caller with slug's key. */
static qn_api_resp sign_consent(const char *token, const char *slug, long long *consent_id)
{
    qn_api_resp r = call(token, "GET", "/api/v1/me/consents", NULL);
    ck_assert_int_eq(r.status, 200);
    json_t *items = json_object_get(r.json, "items");
    ck_assert_int_ge(json_array_size(items), 1);
    json_t *k = json_array_get(items, 0);
    *consent_id = json_integer_value(json_object_get(k, "id"));
    char *sig = sign_text(slug, json_string_value(json_object_get(k, "document")));
    qn_api_resp_free(&r);
    json_t *b = json_pack("{s:s}", "signature", sig);
    char *s = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/consents/%lld/sign", *consent_id);
    r = call(token, "POST", path, s);
    free(s);
    free(sig);
    return r;
}

typedef struct {
    char admin[65], applicant[65], owner[65], coowner[65], officer[65], officer71[65], senior[65],
        foreigner[65];
} tokens;

static void prepare(tokens *t)
{
    login("admin", "demo", t->admin);
    make_account(t->admin, "aigerim", "host-individual", APPLICANT_IIN, NULL);
    make_account(t->admin, "bekov", "host-individual", OWNER_IIN, NULL);
    make_account(t->admin, "bekova", "host-individual", COOWNER_IIN, NULL);
    make_account(t->admin, "off71", "officer", NULL, "71");
    long long sid = make_account(t->admin, "senior75", "officer", NULL, "75");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/admin/accounts/%lld/senior", sid);
    qn_api_resp r = call(t->admin, "POST", path, "{\"senior\":true}");
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    r = call(t->admin, "POST", "/api/v1/admin/property",
             "{\"rows\":[{\"code\":\"" ADDR "\",\"region\":\"75\",\"text\":\"Almaty, Abai Avenue 10, "
             "flat 5\",\"owners\":[{\"iin\":\"" OWNER_IIN
             "\",\"share_num\":1,\"share_den\":2,\"role\":\"owner\"},{\"iin\":\"" COOWNER_IIN
             "\",\"share_num\":1,\"share_den\":2,\"role\":\"co_owner\"}]}]}");
    ck_assert_msg(r.status == 200, "property: %s", r.body);
    qn_api_resp_free(&r);
    login("aigerim", "secret-pass-1", t->applicant);
    login("bekov", "secret-pass-1", t->owner);
    login("bekova", "secret-pass-1", t->coowner);
    login("officer", "demo", t->officer);
    login("off71", "secret-pass-1", t->officer71);
    login("senior75", "secret-pass-1", t->senior);
    /* A foreigner bound to an IIN the demo PKI holds a key for ("officer" person). */
    make_account(t->admin, "ivanov", "foreigner", "850109305674", NULL);
    login("ivanov", "secret-pass-1", t->foreigner);
}

static char *foreigner_doc(int stay_days, bool extra)
{
    char f[16], t[16], en[16];
    json_t *d = json_pack(
        "{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}}, s:s, s:{s:s, s:b}, s:[]}",
        "kind", "foreigner_temporary", "address_code", ADDR, "period", "from", date_in(-1, f), "to",
        date_in(stay_days - 1, t), "foreigner", "surname", "MULLER", "given_names", "HANS", "citizenship",
        "DEU", "birth_date", "1980-01-01", "document", "number", "C01X00T99", "country", "DEU", "expires",
        "2035-01-01", "entry_date", date_in(-2, en), "migration_card", "number", "MC123", "border_mark", 1,
        "documents");
    if (extra) {
        json_t *docs = json_object_get(d, "documents");
        const char *names[] = {"address_sheets", "statistical_coupon", "photo"};
        for (int i = 0; i < 3; i++)
            json_array_append_new(docs, json_pack("{s:s, s:s}", "type", names[i], "form", "original"));
    }
    char *s = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    return s;
}

#endif
