/* test_signatures_api.c — electronic signatures and one-time codes through
 * the API (issue 5), black box: the real server with --demo (which creates
 * the demo CA next to its SQLite file, trusts it and binds the demo
 * accounts), signatures made with the openssl command line tool.
 *
 * Covers: the administrator's trusted CAs and CRLs (and 403 for every other
 * role), a trust change taking effect at once, login by signature (good;
 * signing key refused by the login policy; expired, revoked, untrusted
 * certificates and a replayed or foreign challenge refused with their own
 * codes), one-time codes (issue, outbox, confirm, wrong code, 5 attempts
 * then 429, single use, rate limit per account and per phone, the mobile
 * citizens import). Service level (no server, a controllable clock): a
 * document signed with the demo host's signing key verifies and a changed
 * byte is digest_mismatch; storing it and `qonaq sign verify --id N --db`;
 * expiry of one-time codes and login challenges; qn_svc_otp_confirmed.
 */
#include <jansson.h>
#include <regex.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "service/auth.h"
#include "service/demo.h"
#include "service/signing.h"
#include "store/store.h"
#include "support/api_client.h"
#include "support/qn_test.h"

static qn_api_server server; /* one per test case (unchecked fixture) */

static void setup(void)
{
    if (!qn_api_start(&server, NULL, true))
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

#define JSON_H "Content-Type: application/json"

/* The demo CA directory of the server under test (beside its SQLite file). */
static const char *ca_dir(void)
{
    static char dir[600];
    snprintf(dir, sizeof dir, "%s/demo-ca", qn_test_tmpdir());
    return dir;
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    ck_assert_int_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return b;
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* Signs the file `in` with DIR/<key>.pem/.key (detached, binary) and
 * returns the base64 of the DER (malloc'd). */
static char *sign_b64(const char *dir, const char *key, const char *in)
{
    char out[700];
    snprintf(out, sizeof out, "%s/sig.b64", qn_test_tmpdir());
    ck_assert_int_eq(sh("openssl cms -sign -binary -in '%s' -signer '%s/%s.pem' -inkey '%s/%s.key' "
                        "-outform DER 2>/dev/null | openssl base64 -A > '%s'",
                        in, dir, key, dir, key, out),
                     0);
    return slurp(out, NULL);
}

static qn_api_resp call(const char *method, const char *token, const char *path, const char *ct,
                        const char *body, size_t len)
{
    char auth[128], cth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token ? token : "");
    snprintf(cth, sizeof cth, "Content-Type: %s", ct ? ct : "application/json");
    const char *h[] = {token ? auth : "X-None: 1", cth, NULL};
    qn_api_resp r;
    ck_assert(qn_api_call(&server, method, path, h, body, body ? len : 0, &r));
    return r;
}

static qn_api_resp post(const char *token, const char *path, const char *body)
{
    return call("POST", token, path, NULL, body, body ? strlen(body) : 0);
}

static qn_api_resp get(const char *token, const char *path)
{
    return call("GET", token, path, NULL, NULL, 0);
}

static const char *login(const char *user, char tok[65])
{
    ck_assert_msg(qn_api_login(&server, user, "demo", tok), "login as %s failed", user);
    return tok;
}

static const char *code_of(const qn_api_resp *r) { return qn_api_str(r->json, "code"); }

/* Asks for a challenge, signs it with DIR/<key>, logs in; returns the answer. */
static qn_api_resp login_sig(const char *dir, const char *key)
{
    qn_api_resp c = post(NULL, "/api/v1/auth/challenge", NULL);
    ck_assert_int_eq(c.status, 201);
    const char *challenge = qn_api_str(c.json, "challenge");
    ck_assert_ptr_nonnull(challenge);
    ck_assert_int_eq(strlen(challenge), QN_SIGN_CHALLENGE_LEN);
    char path[700];
    snprintf(path, sizeof path, "%s/challenge.txt", qn_test_tmpdir());
    spit(path, challenge);
    char *sig = sign_b64(dir, key, path);
    json_t *b = json_pack("{s:s, s:s}", "challenge", challenge, "signature", sig);
    char *text = json_dumps(b, 0);
    qn_api_resp r = post(NULL, "/api/v1/auth/login/signature", text);
    free(text);
    json_decref(b);
    free(sig);
    qn_api_resp_free(&c);
    return r;
}

/* A fresh root CA (and a leaf with an authentication key) made by openssl. */
static const char *other_ca(void)
{
    static char dir[600];
    snprintf(dir, sizeof dir, "%s/other-ca", qn_test_tmpdir());
    struct stat st;
    if (stat(dir, &st) == 0)
        return dir;
    mkdir(dir, 0700);
    char cnf[700];
    snprintf(cnf, sizeof cnf, "%s/x.cnf", dir);
    spit(cnf, "[req]\ndistinguished_name=dn\n[dn]\n[v3_ca]\nbasicConstraints=critical,CA:true\n"
              "keyUsage=critical,keyCertSign,cRLSign\n[auth]\nbasicConstraints=CA:false\n"
              "keyUsage=critical,digitalSignature\n[ca]\ndefault_ca=d\n[d]\ndatabase=DIR/index.txt\n"
              "crlnumber=DIR/crlnumber\ndefault_md=sha256\n");
    ck_assert_int_eq(
        sh("cd '%s' && sed -i \"s|DIR|$PWD|\" x.cnf && : > index.txt && echo 1000 > crlnumber && "
           "openssl req -x509 -new -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem "
           "-subj '/C=KZ/O=Elsewhere/CN=Other Root' -days 3650 -config x.cnf -extensions v3_ca "
           "2>/dev/null && "
           "openssl req -new -newkey rsa:2048 -nodes -keyout leaf_auth.key -out leaf.csr "
           "-subj '/C=KZ/CN=SADYKOVA AIGERIM/serialNumber=IIN880315401237' -config x.cnf "
           "2>/dev/null && "
           "openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 "
           "-extfile x.cnf -extensions auth -out leaf_auth.pem 2>/dev/null && "
           "openssl ca -gencrl -config x.cnf -cert ca.pem -keyfile ca.key -crldays 30 "
           "-out crl.pem 2>/dev/null && "
           "openssl ca -gencrl -config x.cnf -cert ca.pem -keyfile ca.key -crlsec 1 "
           "-out crl_short.pem 2>/dev/null",
           dir),
        0);
    return dir;
}

/* ------------------------------------------------------ trusted CAs, CRLs */

START_TEST(ca_admin_only)
{
    static const char *const others[] = {"host",    "hotel",  "citizen", "foreigner",
                                         "officer", "border", "analyst"};
    char *pem = NULL;
    char path[700];
    snprintf(path, sizeof path, "%s/ca.pem", ca_dir());
    size_t len = 0;
    pem = slurp(path, &len);
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        char tok[65];
        login(others[i], tok);
        qn_api_resp r = call("POST", tok, "/api/v1/admin/cas", "application/x-pem-file", pem, len);
        ck_assert_msg(r.status == 403, "%s uploading a CA: %ld", others[i], r.status);
        qn_api_resp_free(&r);
        r = get(tok, "/api/v1/admin/cas");
        ck_assert_int_eq(r.status, 403);
        qn_api_resp_free(&r);
        r = call("DELETE", tok, "/api/v1/admin/cas/1", NULL, NULL, 0);
        ck_assert_int_eq(r.status, 403);
        qn_api_resp_free(&r);
        r = call("POST", tok, "/api/v1/admin/crls", "application/x-pem-file", pem, len);
        ck_assert_int_eq(r.status, 403);
        qn_api_resp_free(&r);
        r = get(tok, "/api/v1/admin/outbox");
        ck_assert_int_eq(r.status, 403);
        qn_api_resp_free(&r);
        r = post(tok, "/api/v1/admin/mobile-citizens",
                 "[{\"iin\":\"750702304560\",\"phone\":\"+77019999999\"}]");
        ck_assert_int_eq(r.status, 403);
        qn_api_resp_free(&r);
        r = post(tok, "/api/v1/admin/accounts/1/signers", "{\"iin\":\"750702304560\"}");
        ck_assert_int_eq(r.status, 403);
        qn_api_resp_free(&r);
    }
    qn_api_resp r = call("GET", NULL, "/api/v1/admin/cas", NULL, NULL, 0);
    ck_assert_int_eq(r.status, 401);
    qn_api_resp_free(&r);
    free(pem);
}
END_TEST

START_TEST(ca_upload_list_remove)
{
    char admin[65];
    login("admin", admin);
    /* --demo trusted the demo root and its CRL. */
    qn_api_resp r = get(admin, "/api/v1/admin/cas");
    ck_assert_int_eq(r.status, 200);
    json_t *items = json_object_get(r.json, "items");
    ck_assert_int_eq(json_array_size(items), 1);
    ck_assert(json_is_true(json_object_get(json_array_get(items, 0), "enabled")));
    ck_assert(json_is_object(json_object_get(json_array_get(items, 0), "crl")));
    int64_t demo_id = json_integer_value(json_object_get(json_array_get(items, 0), "id"));
    qn_api_resp_free(&r);

    /* A new CA as PEM body; the same again is a conflict. */
    const char *other = other_ca();
    char path[700];
    snprintf(path, sizeof path, "%s/ca.pem", other);
    size_t len = 0;
    char *pem = slurp(path, &len);
    r = call("POST", admin, "/api/v1/admin/cas", "application/x-pem-file", pem, len);
    ck_assert_int_eq(r.status, 201);
    ck_assert_str_eq(qn_api_str(r.json, "name"), "Other Root");
    int64_t other_id = json_integer_value(json_object_get(r.json, "id"));
    ck_assert(json_is_null(json_object_get(r.json, "crl")));
    qn_api_resp_free(&r);
    r = call("POST", admin, "/api/v1/admin/cas", "application/x-pem-file", pem, len);
    ck_assert_int_eq(r.status, 409);
    ck_assert_str_eq(code_of(&r), "conflict.ca_exists");
    qn_api_resp_free(&r);

    /* A leaf certificate is not a CA; garbage is not a certificate (JSON form). */
    snprintf(path, sizeof path, "%s/host_sign.pem", ca_dir());
    char *leaf = slurp(path, &len);
    r = call("POST", admin, "/api/v1/admin/cas", "application/x-pem-file", leaf, len);
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "certificate"));
    qn_api_resp_free(&r);
    free(leaf);
    r = post(admin, "/api/v1/admin/cas", "{\"certificate\":\"bm90IGEgY2VydA==\"}");
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "certificate"));
    qn_api_resp_free(&r);

    /* Its CRL (PEM); a CRL with a passed nextUpdate is refused; the demo CRL as DER. */
    snprintf(path, sizeof path, "%s/crl.pem", other);
    char *crl = slurp(path, &len);
    r = call("POST", admin, "/api/v1/admin/crls", "application/x-pem-file", crl, len);
    ck_assert_int_eq(r.status, 201);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "id")), other_id);
    ck_assert(json_is_object(json_object_get(r.json, "crl")));
    qn_api_resp_free(&r);
    free(crl);
    sleep(2); /* crl_short.pem has nextUpdate = thisUpdate + 1 s */
    snprintf(path, sizeof path, "%s/crl_short.pem", other);
    crl = slurp(path, &len);
    r = call("POST", admin, "/api/v1/admin/crls", "application/x-pem-file", crl, len);
    ck_assert_int_eq(r.status, 422);
    ck_assert_str_eq(code_of(&r), "invalid.crl_expired");
    qn_api_resp_free(&r);
    free(crl);
    snprintf(path, sizeof path, "%s/crl.der", ca_dir());
    crl = slurp(path, &len);
    r = call("POST", admin, "/api/v1/admin/crls", "application/pkix-crl", crl, len);
    ck_assert_msg(r.status == 201, "%s", r.body);
    qn_api_resp_free(&r);
    free(crl);

    /* Removing the other CA: its CRL is now of an untrusted issuer. */
    char del[80];
    snprintf(del, sizeof del, "/api/v1/admin/cas/%lld", (long long)other_id);
    r = call("DELETE", admin, del, NULL, NULL, 0);
    ck_assert_int_eq(r.status, 204);
    qn_api_resp_free(&r);
    snprintf(path, sizeof path, "%s/crl.pem", other);
    crl = slurp(path, &len);
    r = call("POST", admin, "/api/v1/admin/crls", "application/x-pem-file", crl, len);
    ck_assert_int_eq(r.status, 422);
    ck_assert_str_eq(code_of(&r), "invalid.untrusted_issuer");
    qn_api_resp_free(&r);
    free(crl);
    r = call("DELETE", admin, "/api/v1/admin/cas/999", NULL, NULL, 0);
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);
    r = get(admin, "/api/v1/admin/cas");
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 2);
    ck_assert(json_is_false(json_object_get(json_array_get(json_object_get(r.json, "items"), 1), "enabled")));
    qn_api_resp_free(&r);

    /* A trust change takes effect at once: without the demo root, the
     * demo host's login is untrusted; uploading it again (enables it) heals. */
    r = login_sig(ca_dir(), "host_auth");
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    snprintf(del, sizeof del, "/api/v1/admin/cas/%lld", (long long)demo_id);
    r = call("DELETE", admin, del, NULL, NULL, 0);
    ck_assert_int_eq(r.status, 204);
    qn_api_resp_free(&r);
    r = login_sig(ca_dir(), "host_auth");
    ck_assert_int_eq(r.status, 422);
    ck_assert_str_eq(code_of(&r), "signature_refused.untrusted_issuer");
    qn_api_resp_free(&r);
    snprintf(path, sizeof path, "%s/ca.pem", ca_dir());
    char *demo_pem = slurp(path, &len);
    json_t *b = json_pack("{s:s}", "certificate", demo_pem);
    char *text = json_dumps(b, 0);
    r = post(admin, "/api/v1/admin/cas", text);
    ck_assert_int_eq(r.status, 201);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "id")), demo_id);
    qn_api_resp_free(&r);
    free(text);
    json_decref(b);
    free(demo_pem);
    r = login_sig(ca_dir(), "host_auth");
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    free(pem);
}
END_TEST

/* ------------------------------------------------------ login by signature */

START_TEST(login_by_signature)
{
    /* The demo host's authentication key: a session like password login. */
    qn_api_resp r = login_sig(ca_dir(), "host_auth");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(qn_api_str(r.json, "role"), "host-individual");
    ck_assert_int_eq(strlen(qn_api_str(r.json, "token")), 64);
    ck_assert_int_eq(strlen(qn_api_str(r.json, "csrf_token")), 64);
    char cookie[200];
    ck_assert(qn_api_header(&r, "Set-Cookie", cookie, sizeof cookie));
    ck_assert_ptr_nonnull(strstr(cookie, "qonaq_session="));
    char tok[65];
    snprintf(tok, sizeof tok, "%s", qn_api_str(r.json, "token"));
    qn_api_resp_free(&r);
    r = get(tok, "/api/v1/me");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(qn_api_str(r.json, "username"), "host");
    qn_api_resp_free(&r);

    /* A hotel operator: IIN + the hotel's BIN -> the hotel account; the
     * officer likewise; the owner -> the citizen account. */
    r = login_sig(ca_dir(), "hotel_auth");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(qn_api_str(r.json, "role"), "hotel");
    qn_api_resp_free(&r);
    r = login_sig(ca_dir(), "officer_auth");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(qn_api_str(r.json, "role"), "officer");
    qn_api_resp_free(&r);
    r = login_sig(ca_dir(), "owner_auth");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(qn_api_str(r.json, "role"), "citizen");
    qn_api_resp_free(&r);

    /* Refusals, each with its own code. */
    r = login_sig(ca_dir(), "host_sign"); /* a non-repudiation key never logs in */
    ck_assert_int_eq(r.status, 422);
    ck_assert_str_eq(code_of(&r), "signature_refused.wrong_key_usage");
    qn_api_resp_free(&r);
    r = login_sig(ca_dir(), "expired_sign");
    ck_assert_int_eq(r.status, 422);
    ck_assert_str_eq(code_of(&r), "signature_refused.expired");
    qn_api_resp_free(&r);
    r = login_sig(ca_dir(), "revoked_sign");
    ck_assert_int_eq(r.status, 422);
    ck_assert_str_eq(code_of(&r), "signature_refused.revoked");
    qn_api_resp_free(&r);
    r = login_sig(other_ca(), "leaf_auth"); /* same IIN as the host, untrusted CA */
    ck_assert_int_eq(r.status, 422);
    ck_assert_str_eq(code_of(&r), "signature_refused.untrusted_issuer");
    qn_api_resp_free(&r);
    r = login_sig(ca_dir(), "coowner_auth"); /* valid, but bound to no account */
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(code_of(&r), "unauthorized.no_account");
    qn_api_resp_free(&r);

    /* A challenge is single use, and a signature over another challenge fails. */
    qn_api_resp c1 = post(NULL, "/api/v1/auth/challenge", NULL);
    qn_api_resp c2 = post(NULL, "/api/v1/auth/challenge", NULL);
    ck_assert_str_ne(qn_api_str(c1.json, "challenge"), qn_api_str(c2.json, "challenge"));
    char path[700];
    snprintf(path, sizeof path, "%s/challenge.txt", qn_test_tmpdir());
    spit(path, qn_api_str(c1.json, "challenge"));
    char *sig = sign_b64(ca_dir(), "host_auth", path);
    json_t *b = json_pack("{s:s, s:s}", "challenge", qn_api_str(c2.json, "challenge"), "signature", sig);
    char *text = json_dumps(b, 0);
    r = post(NULL, "/api/v1/auth/login/signature", text);
    ck_assert_int_eq(r.status, 422);
    ck_assert_str_eq(code_of(&r), "signature_refused.digest_mismatch");
    qn_api_resp_free(&r);
    free(text);
    json_decref(b);
    b = json_pack("{s:s, s:s}", "challenge", qn_api_str(c1.json, "challenge"), "signature", sig);
    text = json_dumps(b, 0);
    r = post(NULL, "/api/v1/auth/login/signature", text);
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    r = post(NULL, "/api/v1/auth/login/signature", text); /* replay */
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(code_of(&r), "unauthorized.challenge_invalid");
    qn_api_resp_free(&r);
    free(text);
    json_decref(b);
    free(sig);
    qn_api_resp_free(&c1);
    qn_api_resp_free(&c2);

    /* The signer's failed attempts count one by one (the atomic login gate):
     * the co-owner already failed once above; after the limit even a valid
     * signature is refused with 429, and another person still logs in. */
    for (int i = 1; i < QN_LOGIN_MAX_PER_ACCOUNT; i++) {
        r = login_sig(ca_dir(), "coowner_auth");
        ck_assert_int_eq(r.status, 401);
        qn_api_resp_free(&r);
    }
    r = login_sig(ca_dir(), "coowner_auth");
    ck_assert_int_eq(r.status, 429);
    ck_assert_str_eq(code_of(&r), "rate_limited.login_rate");
    qn_api_resp_free(&r);
    r = login_sig(ca_dir(), "host_auth");
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);

    /* Malformed requests. */
    r = post(NULL, "/api/v1/auth/login/signature", "{\"challenge\":\"hello\",\"signature\":\"AAAA\"}");
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "challenge"));
    qn_api_resp_free(&r);
    r = post(NULL, "/api/v1/auth/login/signature", "{\"challenge\":\"x\"}");
    ck_assert_int_eq(r.status, 422);
    qn_api_resp_free(&r);
}
END_TEST

/* ---------------------------------------------------------- one-time codes */

static const char *demo_digest(char out[65])
{
    char path[700];
    snprintf(path, sizeof path, "%s/consent.json", qn_test_tmpdir());
    spit(path, "{\"consent\":\"I agree to register ERIKA MUSTERMANN at my flat\"}");
    char cmd[800];
    snprintf(cmd, sizeof cmd, "sha256sum '%s'", path);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(fgets(out, 65, p));
    pclose(p);
    out[64] = '\0';
    return out;
}

static int64_t otp_issue(const char *tok, const char *digest, long expect)
{
    char body[200];
    snprintf(body, sizeof body, "{\"document_digest\":\"%s\",\"purpose\":\"consent\"}", digest);
    qn_api_resp r = post(tok, "/api/v1/otp", body);
    ck_assert_msg(r.status == expect, "otp issue: %ld %s", r.status, r.body);
    int64_t id = r.status == 201 ? json_integer_value(json_object_get(r.json, "id")) : 0;
    if (expect == 429)
        ck_assert_str_eq(code_of(&r), "rate_limited.otp_rate");
    qn_api_resp_free(&r);
    return id;
}

/* The code of one-time code `id` from the outbox (as the administrator). */
static void outbox_code(const char *admin, int64_t id, char code[7])
{
    qn_api_resp r = get(admin, "/api/v1/admin/outbox?limit=50");
    ck_assert_int_eq(r.status, 200);
    json_t *items = json_object_get(r.json, "items");
    char want[48];
    snprintf(want, sizeof want, "(one-time code %lld)", (long long)id);
    code[0] = '\0';
    regex_t re;
    ck_assert_int_eq(regcomp(&re, "code ([0-9]{6}) ", REG_EXTENDED), 0);
    for (size_t i = 0; i < json_array_size(items); i++) {
        const char *text = json_string_value(json_object_get(json_array_get(items, i), "text"));
        regmatch_t m[2];
        if (text && strstr(text, want) && regexec(&re, text, 2, m, 0) == 0) {
            memcpy(code, text + m[1].rm_so, 6);
            code[6] = '\0';
        }
    }
    regfree(&re);
    qn_api_resp_free(&r);
    ck_assert_msg(code[0], "no outbox message for one-time code %lld", (long long)id);
}

static qn_api_resp otp_confirm(const char *tok, int64_t id, const char *code, const char *digest)
{
    char path[64], body[200];
    snprintf(path, sizeof path, "/api/v1/otp/%lld/confirm", (long long)id);
    snprintf(body, sizeof body, "{\"code\":\"%s\",\"document_digest\":\"%s\"}", code, digest);
    return post(tok, path, body);
}

START_TEST(otp_issue_confirm)
{
    char cit[65], admin[65], host[65], digest[65];
    login("citizen", cit);
    login("admin", admin);
    login("host", host);
    demo_digest(digest);
    int64_t id = otp_issue(cit, digest, 201);
    ck_assert_int_gt(id, 0);
    char code[7];
    outbox_code(admin, id, code);
    /* A wrong code, a code for another document, then the right one; once. */
    char wrong[12];
    snprintf(wrong, sizeof wrong, "%06u", (unsigned)(atoi(code) + 1) % 1000000u);
    qn_api_resp r = otp_confirm(cit, id, wrong, digest);
    ck_assert_int_eq(r.status, 422);
    ck_assert_str_eq(code_of(&r), "signature_refused.otp_mismatch");
    qn_api_resp_free(&r);
    char other[65];
    memcpy(other, digest, sizeof other);
    other[0] = other[0] == 'a' ? 'b' : 'a';
    r = otp_confirm(cit, id, code, other);
    ck_assert_int_eq(r.status, 422);
    ck_assert_str_eq(code_of(&r), "signature_refused.otp_mismatch");
    qn_api_resp_free(&r);
    r = otp_confirm(host, id, code, digest); /* another account's code */
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);
    r = otp_confirm(cit, id, code, digest);
    ck_assert_int_eq(r.status, 200);
    ck_assert(json_is_true(json_object_get(r.json, "confirmed")));
    qn_api_resp_free(&r);
    r = otp_confirm(cit, id, code, digest);
    ck_assert_int_eq(r.status, 409);
    ck_assert_str_eq(code_of(&r), "conflict.otp_used");
    qn_api_resp_free(&r);

    /* Five attempts, then 429 even for the right code. */
    int64_t id2 = otp_issue(cit, digest, 201);
    char code2[7];
    outbox_code(admin, id2, code2);
    snprintf(wrong, sizeof wrong, "%06u", (unsigned)(atoi(code2) + 7) % 1000000u);
    for (int i = 0; i < 5; i++) {
        r = otp_confirm(cit, id2, wrong, digest);
        ck_assert_int_eq(r.status, 422);
        qn_api_resp_free(&r);
    }
    r = otp_confirm(cit, id2, code2, digest);
    ck_assert_int_eq(r.status, 429);
    ck_assert_str_eq(code_of(&r), "rate_limited.otp_attempts_exhausted");
    qn_api_resp_free(&r);

    /* Who may ask: not a foreigner, not an officer; bad input is 422. */
    char tok[65];
    otp_issue(login("foreigner", tok), digest, 403);
    otp_issue(login("officer", tok), digest, 403);
    r = post(cit, "/api/v1/otp", "{\"document_digest\":\"xyz\",\"purpose\":\"consent\"}");
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "document_digest"));
    qn_api_resp_free(&r);
    r = otp_confirm(cit, 999999, code2, digest);
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);
}
END_TEST

START_TEST(otp_rate_limits)
{
    char cit[65], admin[65], host[65], digest[65];
    login("citizen", cit);
    login("admin", admin);
    login("host", host);
    demo_digest(digest);
    /* Per account: three codes in ten minutes, the fourth is 429. */
    for (int i = 0; i < 3; i++)
        otp_issue(cit, digest, 201);
    otp_issue(cit, digest, 429);
    /* Per phone: the host has its own phone and gets a code ... */
    otp_issue(host, digest, 201);
    /* ... but once the mobile database gives the host the citizen's phone
     * (CSV import), that phone is over its limit. */
    const char *csv = "iin,phone\n880315401237,+77010000001\n";
    qn_api_resp r = call("POST", admin, "/api/v1/admin/mobile-citizens", "text/csv", csv, strlen(csv));
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "imported")), 1);
    qn_api_resp_free(&r);
    otp_issue(host, digest, 429);
    /* An import with one bad row imports nothing. */
    r = post(admin, "/api/v1/admin/mobile-citizens",
             "[{\"iin\":\"880315401237\",\"phone\":\"+77010000002\"},{\"iin\":\"851231412341\",\"phone\":"
             "\"7701\"}]");
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "rows[1].iin"));
    ck_assert(qn_api_has_field_error(r.json, "rows[1].phone"));
    qn_api_resp_free(&r);
    otp_issue(host, digest, 429); /* still the citizen's phone */
    /* The outbox can be filtered by phone. */
    r = get(admin, "/api/v1/admin/outbox?phone=%2B77010000002");
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 1);
    qn_api_resp_free(&r);
}
END_TEST

/* The same flows once on PostgreSQL ($QONAQ_TEST_PG, from tests/run.sh):
 * the demo CA then lives in var/demo-ca under the working directory. */
START_TEST(postgresql_flows)
{
    const char *base = qn_test_env("QONAQ_TEST_PG", 1);
    char url[1024];
    qn_err e;
    qn_err_clear(&e);
    ck_assert_msg(qn_store_fresh_url(base, NULL, url, sizeof url, &e) == QN_OK, "%s", e.message);
    ck_assert(qn_api_start(&server, url, true));
    const char *dir = "var/demo-ca";
    qn_api_resp r = login_sig(dir, "hotel_auth");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(qn_api_str(r.json, "role"), "hotel");
    qn_api_resp_free(&r);
    r = login_sig(dir, "revoked_sign");
    ck_assert_str_eq(code_of(&r), "signature_refused.revoked");
    qn_api_resp_free(&r);
    char cit[65], admin[65], digest[65];
    login("citizen", cit);
    login("admin", admin);
    demo_digest(digest);
    r = get(admin, "/api/v1/admin/cas");
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 1);
    qn_api_resp_free(&r);
    int64_t id = otp_issue(cit, digest, 201);
    char code[7];
    outbox_code(admin, id, code);
    r = otp_confirm(cit, id, "000000", digest);
    ck_assert_int_eq(r.status, strcmp(code, "000000") == 0 ? 200 : 422);
    qn_api_resp_free(&r);
    r = otp_confirm(cit, id, code, digest);
    ck_assert_int_eq(r.status, strcmp(code, "000000") == 0 ? 409 : 200);
    qn_api_resp_free(&r);
    otp_issue(cit, digest, 201);
    otp_issue(cit, digest, 201);
    otp_issue(cit, digest, 429);
    ck_assert_int_eq(qn_api_stop(&server), 0);
}
END_TEST

/* ------------------------------------------------------------ service level */

typedef struct {
    qn_service *svc;
    char db[700];
    char dir[700]; /* its demo CA */
} svc_fixture;

static void svc_open(svc_fixture *f)
{
    char base[600];
    snprintf(base, sizeof base, "%s/svc", qn_test_tmpdir());
    mkdir(base, 0700);
    snprintf(f->db, sizeof f->db, "sqlite:%s/q-%d.db", base, (int)getpid());
    unlink(f->db + 7);
    snprintf(f->dir, sizeof f->dir, "%s/demo-ca", base);
    qn_service_config cfg = {.db_url = f->db, .pool_size = 2, .cheap_pwhash = true};
    qn_err e;
    qn_err_clear(&e);
    ck_assert_msg(qn_service_new(&cfg, &f->svc, &e) == QN_OK, "%s", e.message);
    ck_assert_msg(qn_svc_demo_seed(f->svc, &e) == QN_OK, "%s", e.message);
}

static void principal(qn_principal *p, qn_role role, int64_t id, const char *user, const char *party)
{
    memset(p, 0, sizeof *p);
    p->role = role;
    p->account_id = id;
    snprintf(p->username, sizeof p->username, "%s", user);
    snprintf(p->party_id, sizeof p->party_id, "%s", party);
    p->via = QN_CRED_BEARER;
}

START_TEST(service_document_signature)
{
    svc_fixture f;
    svc_open(&f);
    char path[800], changed[800];
    snprintf(path, sizeof path, "%s/../application.json", f.dir);
    const char *doc = "{\"application\":\"temporary residence\",\"host_iin\":\"880315401237\"}";
    spit(path, doc);
    char *sig = sign_b64(f.dir, "host_sign", path);
    qn_principal sys;
    principal(&sys, QN_ROLE_NONE, 0, "system", "");
    qn_svc_ctx ctx;
    qn_svc_ctx_system(&ctx, f.svc, &sys);
    qn_err e;
    qn_err_clear(&e);
    qn_sign_result r;
    qn_sign_result_init(&r);
    /* The demo host's signing key over the exact bytes: accepted. */
    qn_code rc =
        qn_svc_verify_signature(&ctx, (const unsigned char *)doc, strlen(doc), (const unsigned char *)sig,
                                strlen(sig), "880315401237", false, &r, &e);
    ck_assert_msg(rc == QN_OK, "%s", e.message);
    ck_assert_str_eq(r.iin, "880315401237");
    /* Another signer required: wrong_signer. */
    qn_sign_result r2;
    qn_sign_result_init(&r2);
    rc = qn_svc_verify_signature(&ctx, (const unsigned char *)doc, strlen(doc), (const unsigned char *)sig,
                                 strlen(sig), "750702304560", false, &r2, &e);
    ck_assert_int_eq(rc, QN_E_SIGNATURE);
    ck_assert_str_eq(e.sub, "wrong_signer");
    /* One changed byte: digest_mismatch. */
    snprintf(changed, sizeof changed, "%s", doc);
    changed[20] ^= 1;
    qn_err_clear(&e);
    rc = qn_svc_verify_signature(&ctx, (const unsigned char *)changed, strlen(changed),
                                 (const unsigned char *)sig, strlen(sig), NULL, false, &r2, &e);
    ck_assert_int_eq(rc, QN_E_SIGNATURE);
    ck_assert_str_eq(e.sub, "digest_mismatch");
    ck_assert_int_eq(r2.code, QN_SIGN_DIGEST_MISMATCH);
    qn_sign_result_free(&r2);
    /* A login-policy check of the same signature refuses the signing key. */
    qn_sign_result_init(&r2);
    rc = qn_svc_verify_signature(&ctx, (const unsigned char *)doc, strlen(doc), (const unsigned char *)sig,
                                 strlen(sig), NULL, true, &r2, &e);
    ck_assert_int_eq(rc, QN_E_SIGNATURE);
    ck_assert_str_eq(e.sub, "wrong_key_usage");
    qn_sign_result_free(&r2);

    /* Stored with its document, certificate and result; the result must be
     * about this very document; anonymous callers may not store. */
    int64_t sid = 0;
    qn_err_clear(&e);
    rc = qn_svc_store_signature(&ctx, "notification", 1, "host", (const unsigned char *)changed,
                                strlen(changed), (const unsigned char *)sig, strlen(sig), &r, &sid, &e);
    ck_assert_int_eq(rc, QN_E_INVALID);
    qn_principal anon;
    principal(&anon, QN_ROLE_NONE, 0, "", "");
    qn_svc_ctx actx;
    qn_svc_ctx_system(&actx, f.svc, &anon);
    rc = qn_svc_store_signature(&actx, "notification", 1, "host", (const unsigned char *)doc, strlen(doc),
                                (const unsigned char *)sig, strlen(sig), &r, &sid, &e);
    ck_assert_int_eq(rc, QN_E_UNAUTHORIZED);
    qn_err_clear(&e);
    rc = qn_svc_store_signature(&ctx, "notification", 1, "host", (const unsigned char *)doc, strlen(doc),
                                (const unsigned char *)sig, strlen(sig), &r, &sid, &e);
    ck_assert_msg(rc == QN_OK, "%s", e.message);
    ck_assert_int_gt(sid, 0);
    qn_sign_result_free(&r);

    /* Verified again from the store: by the service, and by the CLI. */
    qn_svc_signature_info info;
    qn_sign_result_init(&r);
    rc = qn_svc_signature_reverify(&ctx, sid, &info, &r, &e);
    ck_assert_msg(rc == QN_OK, "%s", e.message);
    ck_assert_str_eq(info.subject_kind, "notification");
    ck_assert_str_eq(info.signer_id, "880315401237");
    ck_assert_str_eq(info.stored_result, "valid");
    qn_sign_result_free(&r);
    qn_principal hostp;
    principal(&hostp, QN_ROLE_HOST_INDIVIDUAL, 1, "host", "880315401237");
    qn_svc_ctx hctx;
    qn_svc_ctx_system(&hctx, f.svc, &hostp);
    qn_sign_result_init(&r);
    ck_assert_int_eq(qn_svc_signature_reverify(&hctx, sid, &info, &r, &e), QN_E_FORBIDDEN);
    qn_sign_result_free(&r);
    const char *bin = qn_test_env("QONAQ_BIN", 1);
    char out[800];
    snprintf(out, sizeof out, "%s/../reverify.json", f.dir);
    ck_assert_int_eq(sh("'%s' sign verify --id %lld --db '%s' --json > '%s'", bin, (long long)sid, f.db, out),
                     0);
    char *json = slurp(out, NULL);
    ck_assert_ptr_nonnull(strstr(json, "\"valid\": true"));
    ck_assert_ptr_nonnull(strstr(json, "880315401237"));
    free(json);
    ck_assert_int_eq(sh("'%s' sign verify --id 99999 --db '%s' 2>/dev/null >/dev/null", bin, f.db), 1);
    /* The signer of the stored document is the demo host account (bound). */
    qn_sign_result_init(&r);
    qn_svc_verify_signature(&ctx, (const unsigned char *)doc, strlen(doc), (const unsigned char *)sig,
                            strlen(sig), NULL, false, &r, &e);
    ck_assert(qn_svc_signer_is_caller(&hctx, &r));
    qn_principal citp;
    principal(&citp, QN_ROLE_CITIZEN, 3, "citizen", "750702304560");
    qn_svc_ctx cctx;
    qn_svc_ctx_system(&cctx, f.svc, &citp);
    ck_assert(!qn_svc_signer_is_caller(&cctx, &r));
    qn_sign_result_free(&r);
    free(sig);
    qn_service_free(f.svc);
}
END_TEST

/* The code of the newest outbox message. */
static void svc_outbox_code(qn_service *svc, char code[7])
{
    qn_principal adm;
    principal(&adm, QN_ROLE_ADMIN, 8, "admin", "");
    qn_svc_ctx ctx;
    qn_svc_ctx_system(&ctx, svc, &adm);
    qn_svc_sms_list l;
    qn_err e;
    ck_assert_int_eq(qn_svc_outbox(&ctx, NULL, 1, &l, &e), QN_OK);
    ck_assert_int_eq(l.count, 1);
    const char *p = strstr(l.items[0].text, "code ");
    ck_assert_ptr_nonnull(p);
    memcpy(code, p + 5, 6);
    code[6] = '\0';
    qn_svc_sms_list_free(&l);
}

START_TEST(service_expiry)
{
    svc_fixture f;
    svc_open(&f);
    qn_principal cit;
    principal(&cit, QN_ROLE_CITIZEN, 3, "citizen", "750702304560");
    qn_svc_ctx ctx;
    qn_svc_ctx_system(&ctx, f.svc, &cit);
    const int64_t t0 = ctx.now;
    const char *digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    qn_err e;
    qn_err_clear(&e);
    /* A code confirmed 5 minutes and 1 second after issue has expired. */
    qn_svc_otp_out o;
    ck_assert_int_eq(qn_svc_otp_issue(&ctx, digest, "consent", &o, &e), QN_OK);
    ck_assert_int_eq(o.expires_at, t0 + 300);
    char code[7];
    svc_outbox_code(f.svc, code);
    ctx.now = t0 + 301;
    ck_assert_int_eq(qn_svc_otp_confirm(&ctx, o.id, code, digest, &e), QN_E_SIGNATURE);
    ck_assert_str_eq(e.sub, "otp_expired");
    /* The expired code's text is gone from the outbox (the store, not only
     * the view): the message says a code expired, not which. */
    {
        qn_store *st = NULL;
        qn_store_conn *sc = NULL;
        ck_assert_int_eq(qn_store_open(f.db, NULL, &st, &e), QN_OK);
        ck_assert_int_eq(qn_store_acquire(st, &sc, &e), QN_OK);
        qn_store_sms_list l = {0};
        ck_assert_int_eq(qn_store_sms_recent(sc, NULL, 10, &l, &e), QN_OK);
        ck_assert_int_eq(l.count, 1);
        ck_assert_ptr_null(strstr(l.items[0].text, code));
        ck_assert_ptr_nonnull(strstr(l.items[0].text, "expired"));
        qn_store_sms_list_free(&l);
        qn_store_release(sc);
        qn_store_close(st);
    }
    char iin[13];
    ck_assert_int_eq(qn_svc_otp_confirmed(&ctx, o.id, digest, iin, &e), QN_E_SIGNATURE);
    ck_assert_str_eq(e.sub, "otp_not_confirmed");
    /* One confirmed at 4:59 is accepted, and qn_svc_otp_confirmed says who. */
    ctx.now = t0 + 400;
    ck_assert_int_eq(qn_svc_otp_issue(&ctx, digest, "consent", &o, &e), QN_OK);
    svc_outbox_code(f.svc, code);
    ctx.now = t0 + 400 + 299;
    qn_err_clear(&e);
    ck_assert_msg(qn_svc_otp_confirm(&ctx, o.id, code, digest, &e) == QN_OK, "%s", e.message);
    ck_assert_int_eq(qn_svc_otp_confirmed(&ctx, o.id, digest, iin, &e), QN_OK);
    ck_assert_str_eq(iin, "750702304560");
    const char *other = "0000000000000000000000000000000000000000000000000000000000000000";
    ck_assert_int_eq(qn_svc_otp_confirmed(&ctx, o.id, other, iin, &e), QN_E_SIGNATURE);
    ck_assert_str_eq(e.sub, "otp_digest_mismatch");
    qn_principal hostp;
    principal(&hostp, QN_ROLE_HOST_INDIVIDUAL, 1, "host", "880315401237");
    qn_svc_ctx hctx;
    qn_svc_ctx_system(&hctx, f.svc, &hostp);
    ck_assert_int_eq(qn_svc_otp_confirmed(&hctx, o.id, digest, iin, &e), QN_E_NOT_FOUND);
    /* The rate window slides: 10 minutes after, codes are issued again. */
    ck_assert_int_eq(qn_svc_otp_issue(&ctx, digest, "consent", &o, &e), QN_OK);
    ck_assert_int_eq(qn_svc_otp_issue(&ctx, digest, "consent", &o, &e), QN_OK); /* 3 in the window */
    ck_assert_int_eq(qn_svc_otp_issue(&ctx, digest, "consent", &o, &e), QN_E_RATE_LIMITED);
    ck_assert_str_eq(e.sub, "otp_rate");
    ctx.now = t0 + 400 + QN_SVC_OTP_WINDOW + 1;
    qn_err_clear(&e);
    ck_assert_msg(qn_svc_otp_issue(&ctx, digest, "consent", &o, &e) == QN_OK, "%s", e.message);

    /* A login challenge expires after 5 minutes. */
    qn_principal anon;
    principal(&anon, QN_ROLE_NONE, 0, "", "");
    qn_svc_ctx actx;
    qn_svc_ctx_system(&actx, f.svc, &anon);
    char challenge[QN_SVC_CHALLENGE_MAX];
    int64_t exp = 0;
    ck_assert_int_eq(qn_svc_login_challenge(&actx, challenge, &exp, &e), QN_OK);
    char path[800];
    snprintf(path, sizeof path, "%s/../challenge.txt", f.dir);
    spit(path, challenge);
    char *sig = sign_b64(f.dir, "host_auth", path);
    actx.now += QN_SVC_CHALLENGE_TTL + 1;
    qn_session_out s;
    ck_assert_int_eq(
        qn_svc_login_signature(&actx, challenge, (const unsigned char *)sig, strlen(sig), &s, &e),
        QN_E_UNAUTHORIZED);
    ck_assert_str_eq(e.sub, "challenge_invalid");
    free(sig);
    qn_service_free(f.svc);
}
END_TEST

/* Once the administrator has loaded a CRL for a CA, that CA's signatures
 * need a CRL: if the stored one no longer loads (here: overwritten with
 * bytes that are no CRL, behind the service's back), verification refuses
 * "crl_missing" instead of skipping the revocation check. */
START_TEST(service_crl_required_once_loaded)
{
    svc_fixture f;
    svc_open(&f);
    char path[800];
    snprintf(path, sizeof path, "%s/../crl-doc.json", f.dir);
    const char *doc = "{\"consent\":\"temporary_registration\"}";
    spit(path, doc);
    char *sig = sign_b64(f.dir, "owner_sign", path);
    qn_principal sys;
    principal(&sys, QN_ROLE_NONE, 0, "system", "");
    qn_svc_ctx ctx;
    qn_svc_ctx_system(&ctx, f.svc, &sys);
    qn_err e;
    qn_err_clear(&e);
    qn_sign_result r;
    qn_sign_result_init(&r);
    ck_assert_int_eq(qn_svc_verify_signature(&ctx, (const unsigned char *)doc, strlen(doc),
                                             (const unsigned char *)sig, strlen(sig), "750702304560", false,
                                             &r, &e),
                     QN_OK);
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(f.db + strlen("sqlite:"), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    ck_assert_int_eq(sqlite3_exec(db, "UPDATE crls SET der = x'3000'", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    qn_store *st = NULL;
    qn_store_conn *sc = NULL;
    ck_assert_int_eq(qn_store_open(f.db, NULL, &st, &e), QN_OK);
    ck_assert_int_eq(qn_store_acquire(st, &sc, &e), QN_OK);
    ck_assert_int_eq(qn_store_trust_bump(sc, &e), QN_OK); /* so the cached trust set is rebuilt */
    qn_store_release(sc);
    qn_store_close(st);
    ck_assert_int_eq(qn_svc_verify_signature(&ctx, (const unsigned char *)doc, strlen(doc),
                                             (const unsigned char *)sig, strlen(sig), "750702304560", false,
                                             &r, &e),
                     QN_E_SIGNATURE);
    ck_assert_str_eq(e.sub, "crl_missing");
    qn_sign_result_free(&r);
    free(sig);
    qn_service_free(f.svc);
}
END_TEST

/* Each HTTP test gets its own server (rate limits and trust changes must
 * not leak between tests): one test case per test. */
static void add_http(Suite *s, const char *name, const TTest *t)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, t);
    suite_add_tcase(s, tc);
}

static Suite *signatures_suite(void)
{
    Suite *s = suite_create("signatures_api");
    add_http(s, "ca_admin_only", ca_admin_only);
    add_http(s, "ca_upload_list_remove", ca_upload_list_remove);
    add_http(s, "login_by_signature", login_by_signature);
    add_http(s, "otp_issue_confirm", otp_issue_confirm);
    add_http(s, "otp_rate_limits", otp_rate_limits);
    TCase *pg = tcase_create("postgresql");
    tcase_set_timeout(pg, 120);
    tcase_add_test(pg, postgresql_flows);
    suite_add_tcase(s, pg);
    TCase *sv = tcase_create("service");
    tcase_set_timeout(sv, 120);
    tcase_add_test(sv, service_document_signature);
    tcase_add_test(sv, service_expiry);
    tcase_add_test(sv, service_crl_required_once_loaded);
    suite_add_tcase(s, sv);
    return s;
}

QN_TEST_MAIN(signatures_suite)
