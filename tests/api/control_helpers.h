/* control_helpers.h — helpers of the stay-control API tests
 * (test_control.c, test_control_services.c): HTTP calls with a bearer
 * token, accounts made through the administrator, crossings and
 * notifications posted as the border and the host, and application
 * documents signed with the `openssl cms` command line tool and the demo
 * PKI of `serve --demo` (never with qonaq's code), submitted, taken and
 * granted through the API.
 *
 * Header-only (static inline) so each test program takes what it uses.
 * The server is the test's `server`; the demo PKI is beside the SQLite
 * database, or in var/demo-ca under the working directory for PostgreSQL.
 */
#ifndef QN_TEST_CONTROL_HELPERS_H
#define QN_TEST_CONTROL_HELPERS_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/date.h"
#include "support/api_client.h"
#include "support/qn_test.h"

/* Demo PKI persons (src/sign/ca.c): slug and IIN. */
#define CH_HOST_SLUG "host"
#define CH_HOST_IIN "880315401237"
#define CH_F1_SLUG "officer" /* a foreigner account is bound to this person's IIN */
#define CH_F1_IIN "850109305674"
#define CH_F2_SLUG "owner"
#define CH_F2_IIN "750702304560"
#define CH_ADDR75 "0201100012345678"
#define CH_ADDR71 "0201100087654321"

static inline qn_date_t ch_today(void) { return qn_date_from_epoch_kz((int64_t)time(NULL)); }

/* The date today + offset as "YYYY-MM-DD" in a static ring of buffers. */
static inline const char *ch_day(int offset)
{
    static char ring[16][QN_DATE_STRLEN];
    static int next;
    char *b = ring[next++ % 16];
    qn_date_format(ch_today() + offset, b);
    return b;
}

static inline qn_api_resp ch_call(const qn_api_server *s, const char *token, const char *method,
                                  const char *path, const char *body)
{
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token ? token : "");
    const char *h[] = {"Content-Type: application/json", token ? auth : "X-None: 1", NULL};
    qn_api_resp r;
    memset(&r, 0, sizeof r);
    qn_api_call(s, method, path, h, body, body ? strlen(body) : 0, &r);
    return r;
}

/* POSTs a JSON value (decref'd) and returns the response. */
static inline qn_api_resp ch_post(const qn_api_server *s, const char *token, const char *path, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    qn_api_resp r = ch_call(s, token, "POST", path, text);
    free(text);
    return r;
}

/* Creates an account as the administrator (role, IIN/BIN or NULL, region
 * or NULL) and logs in as it; returns the account id. */
static inline long long ch_account(const qn_api_server *s, const char *admin, const char *user,
                                   const char *role, const char *iin, const char *region, char token[65])
{
    json_t *b = json_pack("{s:s, s:s, s:s}", "username", user, "password", "secret-pass-1", "role", role);
    if (iin)
        json_object_set_new(b, "iin_bin", json_string(iin));
    if (region)
        json_object_set_new(b, "region", json_string(region));
    qn_api_resp r = ch_post(s, admin, "/api/v1/admin/accounts", b);
    ck_assert_msg(r.status == 201, "create %s: %ld %s", user, r.status, r.body);
    long long id = json_integer_value(json_object_get(r.json, "id"));
    qn_api_resp_free(&r);
    ck_assert_msg(qn_api_login(s, user, "secret-pass-1", token), "login as %s", user);
    return id;
}

/* Marks an officer account senior (administrator). */
static inline void ch_senior(const qn_api_server *s, const char *admin, long long account_id)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/admin/accounts/%lld/senior", account_id);
    qn_api_resp r = ch_call(s, admin, "POST", path, "{\"senior\":true}");
    ck_assert_msg(r.status == 200, "senior: %ld %s", r.status, r.body);
    qn_api_resp_free(&r);
}

/* Records a crossing as the border; names are given (first sight of the
 * document needs them). Returns the status; *person_id and *id when set. */
static inline long ch_crossing(const qn_api_server *s, const char *border, const char *cit, const char *doc,
                               const char *kind, int day, const char *region, long long *person_id,
                               long long *id)
{
    json_t *b = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "citizenship", cit,
                          "document_number", doc, "kind", kind, "date", ch_day(day), "checkpoint",
                          "Almaty airport", "region", region, "surname", "TESTER", "given_names", "ALEX",
                          "birth_date", "1980-05-01", "sex", "M", "document_expires", ch_day(3000));
    qn_api_resp r = ch_post(s, border, "/api/v1/crossings", b);
    long st = r.status;
    if (person_id)
        *person_id = (long long)json_integer_value(json_object_get(r.json, "person_id"));
    if (id)
        *id = (long long)json_integer_value(json_object_get(r.json, "id"));
    qn_api_resp_free(&r);
    return st;
}

/* The demo PKI directory of the server. */
static inline void ch_pki(const qn_api_server *s, char *out, size_t cap)
{
    if (strncmp(s->db, "sqlite:", 7) == 0) {
        const char *path = s->db + 7;
        const char *slash = strrchr(path, '/');
        snprintf(out, cap, "%.*s/demo-ca", slash ? (int)(slash - path) : 1, slash ? path : ".");
    } else {
        char cwd[400];
        ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
        snprintf(out, cap, "%s/var/demo-ca", cwd);
    }
}

/* Signs text with the demo PKI person slug (openssl cms, detached, DER);
 * returns the base64 (malloc'd). */
static inline char *ch_sign(const qn_api_server *s, const char *slug, const char *text)
{
    char pki[512], doc[640], sig[660], cmd[3000];
    ch_pki(s, pki, sizeof pki);
    static long counter;
    snprintf(doc, sizeof doc, "%s/ctl-doc-%d-%ld.txt", qn_test_tmpdir(), (int)getpid(), ++counter);
    snprintf(sig, sizeof sig, "%s.p7s", doc);
    FILE *f = fopen(doc, "wb");
    ck_assert_ptr_nonnull(f);
    fwrite(text, 1, strlen(text), f);
    fclose(f);
    snprintf(
        cmd, sizeof cmd,
        "openssl cms -sign -binary -in %s -signer %s/%s_sign.pem -inkey %s/%s_sign.key -outform PEM -out %s "
        "2>/dev/null",
        doc, pki, slug, pki, slug, sig);
    ck_assert_msg(system(cmd) == 0, "openssl cms -sign failed (%s)", pki);
    f = fopen(sig, "rb");
    ck_assert_ptr_nonnull(f);
    char *buf = malloc(65536);
    size_t n = fread(buf, 1, 65535, f);
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
    free(buf);
    unlink(doc);
    unlink(sig);
    return out;
}

/* Submits the application document (a JSON value, decref'd) signed by slug. */
static inline qn_api_resp ch_submit(const qn_api_server *s, const char *token, const char *slug,
                                    json_t *document)
{
    char *text = json_dumps(document, JSON_COMPACT);
    json_decref(document);
    char *sig = ch_sign(s, slug, text);
    qn_api_resp r = ch_post(s, token, "/api/v1/applications",
                            json_pack("{s:s, s:s}", "document", text, "signature", sig));
    free(text);
    free(sig);
    return r;
}

/* An officer action on application id: "take", "grant", "refuse", ... body may be NULL. */
static inline qn_api_resp ch_act(const qn_api_server *s, const char *token, long long id, const char *action,
                                 json_t *body)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/officer/applications/%lld/%s", id, action);
    return ch_post(s, token, path, body ? body : json_object());
}

/* Submits, takes and grants (body of the grant may be NULL); asserts each
 * step and returns the granted application's view (caller decrefs). */
static inline json_t *ch_granted(const qn_api_server *s, const char *applicant, const char *slug,
                                 json_t *document, const char *officer, json_t *grant_body)
{
    qn_api_resp r = ch_submit(s, applicant, slug, document);
    ck_assert_msg(r.status == 201, "submit: %ld %s", r.status, r.body);
    long long id = json_integer_value(json_object_get(r.json, "id"));
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "state")), "submitted");
    qn_api_resp_free(&r);
    r = ch_act(s, officer, id, "take", NULL);
    ck_assert_msg(r.status == 200, "take: %ld %s", r.status, r.body);
    qn_api_resp_free(&r);
    r = ch_act(s, officer, id, "grant", grant_body);
    ck_assert_msg(r.status == 200, "grant: %ld %s", r.status, r.body);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "state")), "granted");
    json_t *view = json_incref(r.json);
    qn_api_resp_free(&r);
    return view;
}

/* The foreigner block of a document. */
static inline json_t *ch_foreigner(const char *cit, const char *doc, int expires_in)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}}", "surname", "TESTER", "given_names", "ALEX",
                     "citizenship", cit, "birth_date", "1980-05-01", "document", "number", doc, "country",
                     cit, "expires", ch_day(expires_in));
}

/* A document entry {type, form: electronic}. */
static inline json_t *ch_docs(const char *const *types)
{
    json_t *a = json_array();
    for (size_t i = 0; types[i]; i++)
        json_array_append_new(
            a, json_pack("{s:s, s:s, s:s}", "type", types[i], "number", "X-1", "form", "electronic"));
    return a;
}

/* Reasons code of the exit check answer. */
static inline bool ch_has_reason(const json_t *j, const char *reason)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(j, "reasons"), i,
                       v) if (strcmp(json_string_value(v), reason) == 0) return true;
    return false;
}

/* The exit check as the border of citizenship/doc on today + exit_offset. */
static inline json_t *ch_exit_check(const qn_api_server *s, const char *border, const char *cit,
                                    const char *doc, int exit_offset, long *status)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/border/exit-check?citizenship=%s&document_number=%s&exit_date=%s",
             cit, doc, ch_day(exit_offset));
    qn_api_resp r = ch_call(s, border, "GET", path, NULL);
    *status = r.status;
    json_t *j = r.json ? json_incref(r.json) : NULL;
    qn_api_resp_free(&r);
    return j;
}

#endif
