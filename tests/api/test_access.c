/* test_access.c — the access matrix: every role (and no credentials) on
 * every route, against a table of the expected status. The table must name
 * every route of the server's route table (checked too), so a new route
 * cannot ship without its row. Expectations follow src/service/service.h:
 * hosts (individual, legal entity, hotel) see their own notifications, the
 * officer of region 75 the region's and the officer of region 71 theirs
 * (another region's record is 404, like another host's), the border officer
 * reads by document, the analyst only aggregates, the administrator manages
 * accounts only. Paths name real records made in setup (a notification, an
 * application, a consent, a one-time code, a case, a key of someone), so a
 * 403 (the role may not) is told from a 404 (not yours).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/date.h"

#include "http/router.h"
#include "sign/ca.h"
#include "support/api_client.h"
#include "support/api_data.h"
#include "support/qn_test.h"

enum { ANON, HOST, LEGAL, HOTEL, CITIZEN, FOREIGNER, OFFICER, OFFICER71, BORDER, ANALYST, ADMIN, N_ROLES };
static const char *const role_user[N_ROLES] = {NULL,      "host",      "legal",   "hotel",
                                               "citizen", "foreigner", "officer", "officer71",
                                               "border",  "analyst",   "admin"};
/* Accounts the demo does not have, made by the admin in setup. */
#define LEGAL_BIN "150440005552"       /* a host-legal-entity of its own BIN (check digit valid) */
#define APPLICANT_IIN "880315401237"   /* demo PKI person "host": signs the application for {K} */
#define IVANOV_IIN "850109305674"      /* demo PKI person "officer": a foreigner applicant, {P} */
#define OWNER_IIN QN_CA_DEMO_OWNER_IIN /* the demo citizen BEKOV: owner of the address of {K} */
#define ADDR "0201100012345678"        /* demo address, region 75 */
#define PASS "long-enough-1"

/* Set up once in the parent (unchecked fixture). */
static qn_api_server server;
static char pki[512];
static char tokens[N_ROLES][65];
/* The records the paths name: {N} the host's notification (region 75), {M}
 * the hotel's (region 71), {A} a spare account, {P} an application of
 * another person (a foreigner's, region 75, submitted), {K} a consent the
 * demo host owes, {O} the host's one-time code, {V} the art. 518 case of the
 * hotel's late notification (region 75), {C} the demo CA, {Y} the hotel's API
 * key. ({V} is a hotel's case: a hotel's late notification is fined, a
 * host-individual's first is a warning that cannot be fined.) With real records, 403 (the role may not) and
 * 404 (not yours, or another region's) tell themselves apart. */
static char ids[128][24];
#define ID(c) ids[(unsigned char)(c)]

typedef enum {
    BODY_NONE,
    BODY_NOTIFICATION,
    BODY_BATCH,
    BODY_ACCOUNT,
    BODY_EMPTY_OBJECT,
    BODY_OTP,
    BODY_OTP_CONFIRM,
    BODY_CROSSING,
    BODY_CLOSE,
    BODY_SIGNATURE,
    BODY_GROUNDS,
    BODY_TEXT,
} body_kind;

typedef struct {
    const char *method;
    const char *route; /* the pattern in the route table this row covers */
    const char *path;  /* "{X}" is the record X above */
    body_kind body;
    /* anon, host, legal, hotel, citizen, foreigner, officer 75, officer 71, border, analyst, admin */
    int expect[N_ROLES];
} access_row;

static const access_row matrix[] = {
    {"GET", "/healthz", "/healthz", BODY_NONE, {200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET", "/metrics", "/metrics", BODY_NONE, {200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET",
     "/api/v1/ping",
     "/api/v1/ping",
     BODY_NONE,
     {200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET",
     "/api/v1/openapi.json",
     "/api/v1/openapi.json",
     BODY_NONE,
     {200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET",
     "/api/v1/regions",
     "/api/v1/regions",
     BODY_NONE,
     {200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET", "/api/v1/me", "/api/v1/me", BODY_NONE, {401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET",
     "/api/v1/me/history",
     "/api/v1/me/history",
     BODY_NONE,
     {401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"POST",
     "/api/v1/notifications",
     "/api/v1/notifications",
     BODY_NOTIFICATION,
     {401, 201, 201, 201, 403, 403, 403, 403, 403, 403, 403}},
    {"GET",
     "/api/v1/notifications",
     "/api/v1/notifications",
     BODY_NONE,
     {401, 200, 200, 200, 403, 403, 200, 200, 403, 403, 403}},
    {"POST",
     "/api/v1/notifications/batch",
     "/api/v1/notifications/batch",
     BODY_BATCH,
     {401, 200, 200, 200, 403, 403, 403, 403, 403, 403, 403}},
    /* the officer of another region: 404, as for another host */
    {"GET",
     "/api/v1/notifications/{id}",
     "/api/v1/notifications/{N}",
     BODY_NONE,
     {401, 200, 404, 404, 403, 403, 200, 404, 200, 403, 403}},
    {"GET",
     "/api/v1/notifications/{id}",
     "/api/v1/notifications/{M}",
     BODY_NONE,
     {401, 404, 404, 200, 403, 403, 404, 200, 200, 403, 403}},
    {"GET",
     "/api/v1/stay",
     "/api/v1/stay?citizenship=USA&trips=2026-01-01..2026-01-10&on=2026-01-20",
     BODY_NONE,
     {401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET",
     "/api/v1/stay",
     "/api/v1/stay?document_country=DEU&document_number=C01X00T47",
     BODY_NONE,
     {401, 403, 403, 403, 403, 200, 200, 200, 200, 403, 403}},
    {"GET",
     "/api/v1/stats/notifications",
     "/api/v1/stats/notifications",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 200, 200, 403, 200, 403}},
    {"POST",
     "/api/v1/api-keys",
     "/api/v1/api-keys",
     BODY_EMPTY_OBJECT,
     {401, 403, 201, 201, 403, 403, 403, 403, 201, 403, 403}},
    {"GET",
     "/api/v1/api-keys",
     "/api/v1/api-keys",
     BODY_NONE,
     {401, 403, 200, 200, 403, 403, 403, 403, 200, 403, 422}},
    /* the hotel's key: revoked by the hotel, again (idempotent) by the admin */
    {"DELETE",
     "/api/v1/api-keys/{id}",
     "/api/v1/api-keys/{Y}",
     BODY_NONE,
     {401, 403, 404, 200, 403, 403, 403, 403, 404, 403, 200}},
    {"POST",
     "/api/v1/admin/accounts",
     "/api/v1/admin/accounts",
     BODY_ACCOUNT,
     {401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201}},
    {"GET",
     "/api/v1/admin/accounts",
     "/api/v1/admin/accounts",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200}},
    {"POST",
     "/api/v1/admin/accounts/{id}/disable",
     "/api/v1/admin/accounts/{A}/disable",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200}},
    {"POST",
     "/api/v1/admin/accounts/{id}/enable",
     "/api/v1/admin/accounts/{A}/enable",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200}},
    /* http_applications.c (branch apps); the workflow per role is also in
     * test_applications.c. {P} is another person's application. */
    {"POST",
     "/api/v1/applications",
     "/api/v1/applications",
     BODY_EMPTY_OBJECT,
     {401, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422}},
    {"GET",
     "/api/v1/applications",
     "/api/v1/applications",
     BODY_NONE,
     {401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET",
     "/api/v1/applications/{id}",
     "/api/v1/applications/{P}",
     BODY_NONE,
     {401, 404, 404, 404, 404, 404, 200, 404, 404, 404, 404}},
    {"GET",
     "/api/v1/applications/{id}/notice.pdf",
     "/api/v1/applications/{P}/notice.pdf",
     BODY_NONE,
     {401, 404, 404, 404, 404, 404, 409, 404, 404, 404, 404}},
    {"POST",
     "/api/v1/applications/{id}/appeal",
     "/api/v1/applications/{P}/appeal",
     BODY_GROUNDS,
     {401, 404, 404, 404, 404, 404, 409, 404, 404, 404, 404}},
    {"POST",
     "/api/v1/applications/{id}/withdraw",
     "/api/v1/applications/{P}/withdraw",
     BODY_NONE,
     {401, 404, 404, 404, 404, 404, 403, 404, 404, 404, 404}},
    {"GET",
     "/api/v1/officer/applications",
     "/api/v1/officer/applications",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403}},
    {"GET",
     "/api/v1/officer/applications/{id}/checklist",
     "/api/v1/officer/applications/{P}/checklist",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 200, 404, 403, 403, 403}},
    {"POST",
     "/api/v1/officer/applications/{id}/register",
     "/api/v1/officer/applications/{P}/register",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 409, 404, 403, 403, 403}},
    {"POST",
     "/api/v1/officer/applications/{id}/take",
     "/api/v1/officer/applications/{P}/take",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 200, 404, 403, 403, 403}},
    {"POST",
     "/api/v1/officer/applications/{id}/refuse",
     "/api/v1/officer/applications/{P}/refuse",
     BODY_EMPTY_OBJECT,
     {401, 403, 403, 403, 403, 403, 422, 404, 403, 403, 403}},
    {"POST",
     "/api/v1/officer/applications/{id}/uphold",
     "/api/v1/officer/applications/{P}/uphold",
     BODY_TEXT,
     {401, 403, 403, 403, 403, 403, 409, 404, 403, 403, 403}},
    {"POST",
     "/api/v1/officer/applications/{id}/overturn",
     "/api/v1/officer/applications/{P}/overturn",
     BODY_TEXT,
     {401, 403, 403, 403, 403, 403, 409, 404, 403, 403, 403}},
    {"GET",
     "/api/v1/me/consents",
     "/api/v1/me/consents",
     BODY_NONE,
     {401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
    /* {K}: the demo citizen (the owner) owes it; nobody else sees it */
    {"POST",
     "/api/v1/consents/{id}/sign",
     "/api/v1/consents/{K}/sign",
     BODY_SIGNATURE,
     {401, 404, 404, 404, 422, 404, 404, 404, 404, 404, 404}},
    {"POST",
     "/api/v1/consents/{id}/refuse",
     "/api/v1/consents/{K}/refuse",
     BODY_EMPTY_OBJECT,
     {401, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404}},
    {"GET",
     "/api/v1/me/registration",
     "/api/v1/me/registration",
     BODY_NONE,
     {401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"POST",
     "/api/v1/admin/property",
     "/api/v1/admin/property",
     BODY_EMPTY_OBJECT,
     {401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 400}},
    {"POST",
     "/api/v1/admin/accounts/{id}/senior",
     "/api/v1/admin/accounts/{A}/senior",
     BODY_EMPTY_OBJECT,
     {401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 422}},
    /* stay control (ctlapi); {V} is a case of region 75 */
    {"POST",
     "/api/v1/crossings",
     "/api/v1/crossings",
     BODY_CROSSING,
     {401, 403, 403, 403, 403, 403, 403, 403, 201, 403, 403}},
    {"GET",
     "/api/v1/border/exit-check",
     "/api/v1/border/exit-check?citizenship=DEU&document_number=C01X00T47",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403}},
    {"GET",
     "/api/v1/violations",
     "/api/v1/violations",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403}},
    {"POST",
     "/api/v1/violations/detect",
     "/api/v1/violations/detect",
     BODY_EMPTY_OBJECT,
     {401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200}},
    {"POST",
     "/api/v1/violations/{id}/fine",
     "/api/v1/violations/{V}/fine",
     BODY_EMPTY_OBJECT,
     {401, 403, 403, 403, 403, 403, 200, 404, 403, 403, 403}},
    {"POST",
     "/api/v1/violations/{id}/close",
     "/api/v1/violations/{V}/close",
     BODY_CLOSE,
     {401, 403, 403, 403, 403, 403, 200, 404, 403, 403, 403}},
    {"GET",
     "/api/v1/stats/violations",
     "/api/v1/stats/violations",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200}},
    /* stay-control kinds of application: id 999999 does not
     * exist; the services with real applications are in test_control_services.c */
    {"POST",
     "/api/v1/officer/applications/{id}/grant",
     "/api/v1/officer/applications/999999/grant",
     BODY_EMPTY_OBJECT,
     {401, 403, 403, 403, 403, 403, 404, 404, 403, 403, 403}},
    {"GET",
     "/api/v1/applications/{id}/document.pdf",
     "/api/v1/applications/999999/document.pdf",
     BODY_NONE,
     {401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}},
    {"GET",
     "/api/v1/me/self-registrations",
     "/api/v1/me/self-registrations",
     BODY_NONE,
     {401, 200, 200, 200, 403, 403, 403, 403, 403, 403, 403}},
    {"POST",
     "/api/v1/self-registrations/{id}/confirm",
     "/api/v1/self-registrations/999999/confirm",
     BODY_EMPTY_OBJECT,
     {401, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422}},
    {"POST",
     "/api/v1/self-registrations/{id}/refuse",
     "/api/v1/self-registrations/999999/refuse",
     BODY_EMPTY_OBJECT,
     {401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}},
    {"POST",
     "/api/v1/auth/login",
     "/api/v1/auth/login",
     BODY_NONE,
     {400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400}},
    /* sigapi: signatures, login by signature, one-time codes */
    {"POST",
     "/api/v1/auth/challenge",
     "/api/v1/auth/challenge",
     BODY_NONE,
     {201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201}},
    {"POST",
     "/api/v1/auth/login/signature",
     "/api/v1/auth/login/signature",
     BODY_NONE,
     {400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400}},
    {"GET",
     "/api/v1/admin/cas",
     "/api/v1/admin/cas",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200}},
    {"POST",
     "/api/v1/admin/cas",
     "/api/v1/admin/cas",
     BODY_EMPTY_OBJECT,
     {401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 422}},
    {"DELETE",
     "/api/v1/admin/cas/{id}",
     "/api/v1/admin/cas/{C}",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 204}},
    {"POST",
     "/api/v1/admin/crls",
     "/api/v1/admin/crls",
     BODY_EMPTY_OBJECT,
     {401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 422}},
    {"POST",
     "/api/v1/admin/accounts/{id}/signers",
     "/api/v1/admin/accounts/{A}/signers",
     BODY_EMPTY_OBJECT,
     {401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 422}},
    {"POST",
     "/api/v1/admin/mobile-citizens",
     "/api/v1/admin/mobile-citizens",
     BODY_EMPTY_OBJECT,
     {401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 400}},
    {"GET",
     "/api/v1/admin/outbox",
     "/api/v1/admin/outbox",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200}},
    {"POST", "/api/v1/otp", "/api/v1/otp", BODY_OTP, {401, 201, 403, 403, 201, 403, 403, 403, 403, 403, 403}},
    /* {O}: the host's code; a wrong code is 422 for the host, 404 for others */
    {"POST",
     "/api/v1/otp/{id}/confirm",
     "/api/v1/otp/{O}/confirm",
     BODY_OTP_CONFIRM,
     {401, 422, 404, 404, 404, 404, 404, 404, 404, 404, 404}},
    /* web: printed documents, verification, the portal's pages. The
     * verification is public; a made-up code is 404 for everyone. Asked of
     * three roles only (0: not asked): failed checks count per client
     * address (10 in 10 minutes, then 429) and every role here calls from
     * 127.0.0.1; the limit itself is tested in test_documents.c. */
    {"GET",
     "/api/v1/verify/{number}",
     "/api/v1/verify/N-2026-999999?c=AAAAAAAAAA",
     BODY_NONE,
     {404, 404, 0, 0, 0, 0, 0, 0, 0, 0, 404}},
    {"POST",
     "/api/v1/notifications/validate",
     "/api/v1/notifications/validate",
     BODY_NOTIFICATION,
     {401, 200, 200, 200, 403, 403, 403, 403, 403, 403, 403}},
    {"GET",
     "/api/v1/notifications/{id}/confirmation.pdf",
     "/api/v1/notifications/{N}/confirmation.pdf",
     BODY_NONE,
     {401, 200, 404, 404, 403, 403, 200, 404, 200, 403, 403}},
    {"GET",
     "/api/v1/officer/applications/{id}/signatures",
     "/api/v1/officer/applications/999999/signatures",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 404, 404, 403, 403, 403}},
    {"GET",
     "/api/v1/stats/notifications/daily",
     "/api/v1/stats/notifications/daily?from=2026-01-01&to=2026-01-31",
     BODY_NONE,
     {401, 403, 403, 403, 403, 403, 200, 200, 403, 200, 403}},
    /* logout ends the session: keep it last */
    {"POST",
     "/api/v1/auth/logout",
     "/api/v1/auth/logout",
     BODY_NONE,
     {401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204}},
};
#define N_ROWS (sizeof matrix / sizeof matrix[0])

#define OTP_DIGEST "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

static qn_api_resp call(const char *token, const char *method, const char *path, const char *body)
{
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token ? token : "");
    const char *h[] = {"Content-Type: application/json", token ? auth : "X-None: 1", NULL};
    qn_api_resp r;
    qn_api_call(&server, method, path, h, body, body ? strlen(body) : 0, &r);
    return r;
}

/* The id of what call answered (status want) into ID(c); aborts otherwise. */
static void keep_id(char c, qn_api_resp *r, long want, const char *what)
{
    if (r->status != want) {
        fprintf(stderr, "access setup: %s: %ld %s\n", what, r->status, r->body);
        abort();
    }
    snprintf(ID(c), sizeof ID(c), "%lld", (long long)json_integer_value(json_object_get(r->json, "id")));
    qn_api_resp_free(r);
}

static void make_account(const char *json)
{
    qn_api_resp r = call(tokens[ADMIN], "POST", "/api/v1/admin/accounts", json);
    if (r.status != 201) {
        fprintf(stderr, "access setup: account %s: %ld %s\n", json, r.status, r.body);
        abort();
    }
    qn_api_resp_free(&r);
}

/* Signs text with the demo PKI person slug (openssl, never qonaq's code);
 * returns the base64 of the DER CMS (malloc'd). */
static char *sign_text(const char *slug, const char *text)
{
    char doc[600], sig[620], cmd[4000];
    snprintf(doc, sizeof doc, "%s/access-doc-%ld.txt", pki, (long)random());
    snprintf(sig, sizeof sig, "%s.p7s", doc);
    FILE *f = fopen(doc, "wb");
    if (!f)
        abort();
    fwrite(text, 1, strlen(text), f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "openssl cms -sign -binary -in %s -signer %s/%s_sign.pem -inkey %s/%s_sign.key -outform PEM "
             "-out %s 2>/dev/null",
             doc, pki, slug, pki, slug, sig);
    if (system(cmd) != 0)
        abort();
    f = fopen(sig, "rb");
    if (!f)
        abort();
    static char buf[32768];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
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

static qn_api_resp submit_application(const char *token, const char *slug, json_t *document)
{
    char *doc = json_dumps(document, JSON_COMPACT);
    json_decref(document);
    char *sig = sign_text(slug, doc);
    json_t *b = json_pack("{s:s, s:s}", "document", doc, "signature", sig);
    char *s = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    qn_api_resp r = call(token, "POST", "/api/v1/applications", s);
    free(s);
    free(sig);
    free(doc);
    return r;
}

static void setup(void)
{
    static char dir[400];
    snprintf(dir, sizeof dir, "%s/access-%d", qn_test_tmpdir(), (int)getpid());
    char cmd[450], url[450];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    if (system(cmd) != 0)
        abort();
    snprintf(url, sizeof url, "sqlite:%s/access.db", dir);
    snprintf(pki, sizeof pki, "%s/demo-ca", dir);
    if (!qn_api_start(&server, url, true))
        abort();
    if (!qn_api_login(&server, "admin", "demo", tokens[ADMIN]))
        abort();
    make_account("{\"username\":\"legal\",\"password\":\"" PASS
                 "\",\"role\":\"host-legal-entity\",\"iin_bin\":\"" LEGAL_BIN "\"}");
    make_account("{\"username\":\"officer71\",\"password\":\"" PASS
                 "\",\"role\":\"officer\",\"region\":\"71\"}");
    make_account("{\"username\":\"aigerim\",\"password\":\"" PASS
                 "\",\"role\":\"host-individual\",\"iin_bin\":\"" APPLICANT_IIN "\"}");
    make_account("{\"username\":\"ivanov\",\"password\":\"" PASS
                 "\",\"role\":\"foreigner\",\"iin_bin\":\"" IVANOV_IIN "\"}");
    for (int r = HOST; r < N_ROLES; r++) {
        bool made = r == LEGAL || r == OFFICER71;
        if (r != ADMIN && !qn_api_login(&server, role_user[r], made ? PASS : "demo", tokens[r]))
            abort();
    }
    /* {N} the host's notification (region 75), {V} the case of its late one,
     * {M} the hotel's of region 71. */
    char *body = qn_api_notification_json("ACC-HOST-1", "USA", 1, 1, 10, 3000);
    qn_api_resp r = call(tokens[HOST], "POST", "/api/v1/notifications", body);
    free(body);
    keep_id('N', &r, 201, "host notification");
    body = qn_api_notification_json("ACC-LATE-1", "USA", 20, 20, 5, 3000);
    r = call(tokens[HOTEL], "POST", "/api/v1/notifications", body); /* a hotel's: fined, not warned */
    free(body);
    if (r.status != 201 || !json_object_get(r.json, "violation"))
        abort();
    snprintf(ID('V'), sizeof ID('V'), "%lld",
             (long long)json_integer_value(json_object_get(json_object_get(r.json, "violation"), "id")));
    qn_api_resp_free(&r);
    body = qn_api_notification_json("ACC-HOTEL-1", "ITA", 1, 1, 10, 3000);
    char *b71 = qn_api_replace(body, "\"region\":\"75\"", "\"region\":\"71\"");
    r = call(tokens[HOTEL], "POST", "/api/v1/notifications", b71);
    free(body);
    free(b71);
    keep_id('M', &r, 201, "hotel notification");
    /* {A} a spare account */
    r = call(tokens[ADMIN], "POST", "/api/v1/admin/accounts",
             "{\"username\":\"spare\",\"password\":\"" PASS "\",\"role\":\"citizen\"}");
    keep_id('A', &r, 201, "spare account");
    /* {Y} the hotel's API key */
    r = call(tokens[HOTEL], "POST", "/api/v1/api-keys", "{\"label\":\"matrix\"}");
    keep_id('Y', &r, 201, "hotel key");
    /* {O} the host's one-time code */
    r = call(tokens[HOST], "POST", "/api/v1/otp",
             "{\"document_digest\":\"" OTP_DIGEST "\",\"purpose\":\"consent\"}");
    keep_id('O', &r, 201, "otp");
    /* {C} the demo CA */
    r = call(tokens[ADMIN], "GET", "/api/v1/admin/cas", NULL);
    snprintf(ID('C'), sizeof ID('C'), "%lld",
             (long long)json_integer_value(
                 json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "id")));
    qn_api_resp_free(&r);
    /* {P} a foreigner's application for permanent residence (region 75) */
    qn_date_t today = qn_date_from_epoch_kz((int64_t)time(NULL));
    char from[QN_DATE_STRLEN], to[QN_DATE_STRLEN];
    qn_date_format(today, from);
    qn_date_format(today + 90, to);
    char ivanov[65];
    if (!qn_api_login(&server, "ivanov", PASS, ivanov))
        abort();
    r = submit_application(ivanov, "officer",
                           json_pack("{s:s, s:s, s:{s:s}, s:{s:s, s:s, s:s, s:{s:s, s:s}}, s:[]}", "kind",
                                     "permanent_resident", "address_code", ADDR, "period", "from", from,
                                     "person", "surname", "IVANOV", "given_names", "IVAN", "citizenship",
                                     "RUS", "document", "number", "RP777", "country", "KAZ", "documents"));
    keep_id('P', &r, 201, "permanent resident application");
    /* {K} the demo citizen's consent: the citizen owns the address an
     * applicant asks to be registered at. */
    r = call(tokens[ADMIN], "POST", "/api/v1/admin/property",
             "{\"rows\":[{\"code\":\"" ADDR
             "\",\"region\":\"75\",\"text\":\"Almaty, Abai Avenue 10, flat 5\","
             "\"owners\":[{\"iin\":\"" OWNER_IIN "\",\"share_num\":1,\"share_den\":1}]}]}");
    if (r.status != 200)
        abort();
    qn_api_resp_free(&r);
    char aigerim[65];
    if (!qn_api_login(&server, "aigerim", PASS, aigerim))
        abort();
    r = submit_application(aigerim, "host",
                           json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s, s:s}, s:[{s:s, s:s, s:s}]}",
                                     "kind", "citizen_temporary", "address_code", ADDR, "period", "from",
                                     from, "to", to, "person", "iin", APPLICANT_IIN, "surname", "SADYKOVA",
                                     "given_names", "AIGERIM", "birth_date", "1988-03-15", "documents",
                                     "type", "identity_document", "number", "045123456", "form",
                                     "electronic"));
    if (r.status != 201) {
        fprintf(stderr, "access setup: citizen application: %ld %s\n", r.status, r.body);
        abort();
    }
    snprintf(ID('K'), sizeof ID('K'), "%lld",
             (long long)json_integer_value(
                 json_object_get(json_array_get(json_object_get(r.json, "consents"), 0), "id")));
    qn_api_resp_free(&r);
    for (const char *c = "NMAYOCPKV"; *c; c++)
        if (atoll(ID(*c)) <= 0) {
            fprintf(stderr, "access setup: no id for {%c}\n", *c);
            abort();
        }
}

static void teardown(void)
{
    if (qn_api_stop(&server) != 0)
        abort();
}

/* Each role walks the whole table in order. */
START_TEST(matrix_role)
{
    int role = _i;
    char failures[4096] = "";
    size_t used = 0;
    for (size_t i = 0; i < N_ROWS; i++) {
        const access_row *row = &matrix[i];
        char path[256];
        snprintf(path, sizeof path, "%s", row->path);
        for (const char *c = "NMAYOCPKV"; *c; c++) {
            char ph[4] = {'{', *c, '}', '\0'};
            char *filled = qn_api_replace(path, ph, ID(*c));
            snprintf(path, sizeof path, "%s", filled);
            free(filled);
        }
        char *body = NULL;
        char doc[32];
        snprintf(doc, sizeof doc, "ACC-%d-%zu", role, i);
        switch (row->body) {
        case BODY_NOTIFICATION:
            body = qn_api_notification_json(doc, "USA", 1, 1, 10, 3000);
            break;
        case BODY_BATCH: {
            char *one = qn_api_notification_json(doc, "USA", 1, 1, 10, 3000);
            body = malloc(strlen(one) + 3);
            sprintf(body, "[%s]", one);
            free(one);
            break;
        }
        case BODY_ACCOUNT:
            body = malloc(160);
            snprintf(body, 160,
                     "{\"username\":\"made-by-%d\",\"password\":\"long-enough-1\",\"role\":\"analyst\"}",
                     role);
            break;
        case BODY_EMPTY_OBJECT:
            body = strdup("{}");
            break;
        case BODY_OTP: /* sigapi: a one-time code for a document digest */
            body = strdup("{\"document_digest\":\"" OTP_DIGEST "\",\"purpose\":\"consent\"}");
            break;
        case BODY_OTP_CONFIRM:
            body = strdup("{\"code\":\"000000\",\"document_digest\":\"" OTP_DIGEST "\"}");
            break;
        case BODY_CROSSING:
            body = malloc(320);
            snprintf(body, 320,
                     "{\"citizenship\":\"USA\",\"document_number\":\"%s\",\"kind\":\"entry\","
                     "\"date\":\"2025-06-01\",\"checkpoint\":\"ALA\",\"region\":\"75\",\"surname\":\"A\","
                     "\"given_names\":\"B\",\"birth_date\":\"1990-01-01\",\"sex\":\"M\"}",
                     doc);
            break;
        case BODY_CLOSE: /* after the fine row: a fined case closes when paid */
            body = strdup("{\"reason\":\"paid\"}");
            break;
        case BODY_SIGNATURE:
            body = strdup("{\"signature\":\"AAAA\"}");
            break;
        case BODY_GROUNDS:
            body = strdup("{\"grounds\":\"g\"}");
            break;
        case BODY_TEXT:
            body = strdup("{\"text\":\"t\"}");
            break;
        case BODY_NONE:
            break;
        }
        if (row->expect[role] == 0) { /* not asked of this role (see the row) */
            free(body);
            continue;
        }
        qn_api_resp r = call(role == ANON ? NULL : tokens[role], row->method, path, body);
        if (r.status != row->expect[role]) {
            int n = snprintf(failures + used, sizeof failures - used, "\n  %s %s as %s: got %ld, want %d",
                             row->method, path, role_user[role] ? role_user[role] : "anonymous", r.status,
                             row->expect[role]);
            if (n > 0 && (size_t)n < sizeof failures - used)
                used += (size_t)n;
        }
        qn_api_resp_free(&r);
        free(body);
    }
    ck_assert_msg(used == 0, "access matrix mismatches:%s", failures);
}
END_TEST

/* Every route of the server appears in the matrix. */
START_TEST(matrix_covers_routes)
{
    for (size_t i = 0; i < qn_http_route_count; i++) {
        bool found = false;
        for (size_t k = 0; k < N_ROWS; k++)
            if (strcmp(matrix[k].method, qn_http_routes[i].method) == 0 &&
                strcmp(matrix[k].route, qn_http_routes[i].pattern) == 0)
                found = true;
        ck_assert_msg(found, "route %s %s has no row in the access matrix", qn_http_routes[i].method,
                      qn_http_routes[i].pattern);
    }
}
END_TEST

static Suite *access_suite(void)
{
    Suite *s = suite_create("access");
    TCase *tc = tcase_create("matrix");
    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, matrix_role, 0, N_ROLES);
    tcase_add_test(tc, matrix_covers_routes);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(access_suite)
