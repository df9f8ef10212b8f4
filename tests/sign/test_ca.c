/* test_ca.c — `qonaq ca demo` and `qonaq sign verify`, through the program.
 *
 * Runs the qonaq binary ($QONAQ_BIN, set by tests/run.sh) to create the demo
 * PKI, then checks it with the openssl tool: every person certificate
 * verifies with `openssl verify -CAfile`, the revoked one fails against the
 * CRL, the expired one fails, PKCS#12 files open with the password "demo";
 * a signature made by `openssl cms -sign` with a demo key verifies with
 * `qonaq sign verify` (exit 0) and is refused with the right code and exit 1
 * when it should be; the manifest names exactly the IINs qonaq bound in the
 * certificates; a second run keeps the CA.
 */
#include "support/qn_test.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "sign/ca.h"
#include "sign/sign.h"

static char demo[1024];
static char cmd[8192];

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Runs a shell command; returns its exit status (or -1). */
static int run(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    if (st == -1 || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

/* Runs a command and returns its whole stdout (malloc'd). */
static char *capture(const char *c)
{
    FILE *p = popen(c, "r");
    ck_assert_ptr_nonnull(p);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - 1 - n, p)) > 0)
        n += got;
    buf[n] = '\0';
    pclose(p);
    return buf;
}

static void make_demo(void)
{
    const char *bin = getenv("QONAQ_BIN");
    snprintf(demo, sizeof demo, "%s/demo", qn_test_tmpdir());
    if (bin == NULL || run("'%s' ca demo '%s' > '%s.log' 2>&1", bin, demo, demo) != 0) {
        fprintf(stderr, "qonaq ca demo failed (QONAQ_BIN=%s)\n", bin ? bin : "unset");
        abort();
    }
}

START_TEST(test_certs_verify_with_openssl)
{
    size_t n;
    const qn_ca_person *p = qn_ca_demo_persons(&n);
    ck_assert_uint_ge(n, 5);
    for (size_t i = 0; i < n; i++) {
        const char *uses[2] = {"auth", "sign"};
        for (int u = p[i].special ? 1 : 0; u < 2; u++) {
            int rc = run("cd '%s' && /usr/bin/openssl verify -CAfile ca.pem -crl_check -CRLfile crl.pem "
                         "%s_%s.pem >/dev/null 2>&1",
                         demo, p[i].slug, uses[u]);
            if (p[i].special)
                ck_assert_msg(rc != 0, "%s_%s must not verify", p[i].slug, uses[u]);
            else
                ck_assert_msg(rc == 0, "%s_%s does not verify", p[i].slug, uses[u]);
            ck_assert_int_eq(run("cd '%s' && /usr/bin/openssl pkcs12 -in %s_%s.p12 -passin pass:demo "
                                 "-noout >/dev/null 2>&1",
                                 demo, p[i].slug, uses[u]),
                             0);
            ck_assert_int_ne(run("cd '%s' && /usr/bin/openssl pkcs12 -in %s_%s.p12 -passin pass:wrong "
                                 "-noout >/dev/null 2>&1",
                                 demo, p[i].slug, uses[u]),
                             0);
        }
    }
    /* the revoked one is fine without the CRL, refused with it; the expired one always */
    ck_assert_int_eq(
        run("cd '%s' && /usr/bin/openssl verify -CAfile ca.pem revoked_sign.pem >/dev/null 2>&1", demo), 0);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && /usr/bin/openssl verify -CAfile ca.pem -crl_check -CRLfile crl.pem "
             "revoked_sign.pem 2>&1; /usr/bin/openssl verify -CAfile ca.pem expired_sign.pem 2>&1",
             demo);
    char *out = capture(cmd);
    ck_assert_msg(strstr(out, "certificate revoked") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "certificate has expired") != NULL, "%s", out);
    free(out);
    /* the CA key matches and the CA is a CA */
    snprintf(cmd, sizeof cmd,
             "cd '%s' && /usr/bin/openssl x509 -in ca.pem -noout -ext basicConstraints,keyUsage", demo);
    out = capture(cmd);
    ck_assert_ptr_nonnull(strstr(out, "CA:TRUE"));
    ck_assert_ptr_nonnull(strstr(out, "Certificate Sign"));
    free(out);
}
END_TEST

START_TEST(test_manifest_and_identities)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/manifest.json", demo);
    json_error_t jerr;
    json_t *m = json_load_file(path, 0, &jerr);
    ck_assert_msg(m != NULL, "manifest: %s", jerr.text);
    json_t *persons = json_object_get(m, "persons");
    ck_assert_uint_eq(json_array_size(persons), 5);
    const char *roles[] = {"host", "owner", "co_owner", "hotel", "officer"};
    for (size_t i = 0; i < 5; i++) {
        json_t *p = json_array_get(persons, i);
        ck_assert_str_eq(json_string_value(json_object_get(p, "role")), roles[i]);
        const char *iin = json_string_value(json_object_get(p, "iin"));
        ck_assert(qn_sign_kz_id_valid(iin));
        json_t *bin = json_object_get(p, "bin");
        if (strcmp(roles[i], "hotel") == 0 || strcmp(roles[i], "officer") == 0)
            ck_assert(qn_sign_kz_id_valid(json_string_value(bin)));
        json_t *certs = json_object_get(p, "certificates");
        ck_assert_uint_eq(json_array_size(certs), 2);
        for (size_t c = 0; c < 2; c++) {
            /* the IIN in the manifest is the one in the certificate subject */
            const char *file = json_string_value(json_object_get(json_array_get(certs, c), "cert"));
            snprintf(cmd, sizeof cmd, "/usr/bin/openssl x509 -in '%s/%s' -noout -subject -nameopt RFC2253",
                     demo, file);
            char *subj = capture(cmd);
            char want[40];
            snprintf(want, sizeof want, "serialNumber=IIN%s", iin);
            ck_assert_msg(strstr(subj, want) != NULL, "%s: %s", file, subj);
            if (json_is_string(bin)) {
                snprintf(want, sizeof want, "OU=BIN%s", json_string_value(bin));
                ck_assert_msg(strstr(subj, want) != NULL, "%s: %s", file, subj);
            }
            free(subj);
        }
    }
    ck_assert_uint_eq(json_array_size(json_object_get(m, "test_certificates")), 2);
    ck_assert_str_eq(json_string_value(json_object_get(m, "p12_password")), "demo");
    json_decref(m);
}
END_TEST

/* openssl cms -sign with a demo key, then `qonaq sign verify`. */
START_TEST(test_openssl_signature_verifies_with_qonaq)
{
    const char *bin = qn_test_env("QONAQ_BIN", 1);
    ck_assert_int_eq(
        run("cd '%s' && printf '{\"consent\":true,\"owner\":\"750702304560\"}' > consent.json && "
            "for w in owner_sign owner_auth hotel_sign host_sign revoked_sign expired_sign; do "
            "/usr/bin/openssl cms -sign -binary -in consent.json -signer $w.pem -inkey $w.key "
            "-outform DER -out consent.$w.p7s || exit 1; done",
            demo),
        0);
    /* base64 from openssl too */
    ck_assert_int_eq(
        run("cd '%s' && /usr/bin/openssl base64 -in consent.owner_sign.p7s -out consent.b64", demo), 0);
    struct {
        const char *sig;
        const char *extra;
        int want_exit;
        const char *want_code;
    } cases[] = {
        {"consent.owner_sign.p7s", "--signer 750702304560", 0, "\"ok\""},
        {"consent.b64", "--signer 750702304560", 0, "\"ok\""},
        {"consent.host_sign.p7s", "", 0, "\"ok\""}, /* RSA-2048 signing key */
        {"consent.owner_auth.p7s", "--login", 0, "\"ok\""},
        {"consent.owner_sign.p7s", "--login", 1, "\"wrong_key_usage\""},
        {"consent.hotel_sign.p7s", "--signer 150340012340", 0, "\"ok\""},
        {"consent.hotel_sign.p7s", "--signer 750702304560", 1, "\"wrong_signer\""},
        {"consent.owner_sign.p7s", "--signer 791120407894", 1, "\"wrong_signer\""},
        {"consent.revoked_sign.p7s", "", 1, "\"revoked\""},
        {"consent.expired_sign.p7s", "", 1, "\"expired\""},
        {"consent.json", "", 1, "\"malformed\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(cmd, sizeof cmd,
                 "cd '%s' && '%s' sign verify --doc consent.json --sig %s --ca ca.pem --crl crl.pem %s "
                 "--json; echo \"exit=$?\"",
                 demo, bin, cases[i].sig, cases[i].extra);
        char *out = capture(cmd);
        char want_exit[16], want_code[64];
        snprintf(want_exit, sizeof want_exit, "exit=%d", cases[i].want_exit);
        snprintf(want_code, sizeof want_code, "\"code\": %s", cases[i].want_code);
        ck_assert_msg(strstr(out, want_exit) != NULL && strstr(out, want_code) != NULL,
                      "case %zu (%s %s): %s", i, cases[i].sig, cases[i].extra, out);
        free(out);
    }
    /* a changed document */
    snprintf(cmd, sizeof cmd,
             "cd '%s' && printf '{\"consent\":true,\"owner\":\"750702304561\"}' > changed.json && "
             "'%s' sign verify --doc changed.json --sig consent.owner_sign.p7s --ca ca.pem; echo \"exit=$?\"",
             demo, bin);
    char *out = capture(cmd);
    ck_assert_msg(strstr(out, "refused (digest_mismatch)") && strstr(out, "exit=1"), "%s", out);
    free(out);
    /* bad arguments exit 2 */
    ck_assert_int_eq(run("'%s' sign verify --doc x >/dev/null 2>&1", bin), 2);
    ck_assert_int_eq(run("'%s' sign verify --doc '%s/consent.json' --sig '%s/consent.b64' --ca '%s/nope.pem' "
                         ">/dev/null 2>&1",
                         bin, demo, demo, demo),
                     2);
    ck_assert_int_eq(run("'%s' sign verify --doc '%s/consent.json' --sig '%s/consent.b64' --ca '%s/ca.pem' "
                         "--signer 123 >/dev/null 2>&1",
                         bin, demo, demo, demo),
                     2);
    ck_assert_int_eq(run("'%s' sign bogus >/dev/null 2>&1", bin), 2);
    ck_assert_int_eq(run("'%s' ca >/dev/null 2>&1", bin), 2);
}
END_TEST

/* Seconds since the epoch of an openssl date line ("notBefore=Dec  2 07:36:33 2026 GMT"). */
static long long openssl_time(const char *what)
{
    snprintf(cmd, sizeof cmd, "date -u -d \"$(%s | cut -d= -f2-)\" +%%s", what);
    char *out = capture(cmd);
    long long t = atoll(out);
    free(out);
    ck_assert_msg(t > 0, "no time from %s", what);
    return t;
}

/* Certificates and the CRL are dated QN_CA_DEMO_BACKDATE_SECONDS back, so a
 * verifier whose clock lags by a minute or two does not refuse them. */
START_TEST(test_backdated)
{
    long long now = (long long)time(NULL);
    size_t n;
    const qn_ca_person *p = qn_ca_demo_persons(&n);
    for (size_t i = 0; i < n; i++) {
        if (p[i].special)
            continue;
        char what[1400];
        snprintf(what, sizeof what, "/usr/bin/openssl x509 -in '%s/%s_sign.pem' -noout -startdate", demo,
                 p[i].slug);
        long long nb = openssl_time(what);
        ck_assert_msg(nb <= now - QN_CA_DEMO_BACKDATE_SECONDS + 60, "%s: notBefore %lld, now %lld", p[i].slug,
                      nb, now);
        ck_assert(nb >= now - QN_CA_DEMO_BACKDATE_SECONDS - 600); /* not days back */
    }
    char what[1400];
    snprintf(what, sizeof what, "/usr/bin/openssl crl -in '%s/crl.pem' -noout -lastupdate", demo);
    long long last = openssl_time(what);
    ck_assert_msg(last <= now - QN_CA_DEMO_BACKDATE_SECONDS + 60, "CRL lastUpdate %lld, now %lld", last, now);
    /* The demo persons are the ones the demo accounts carry (sign/ca.h). */
    ck_assert_str_eq(p[0].iin, QN_CA_DEMO_HOST_IIN);
    ck_assert_str_eq(p[3].bin, QN_CA_DEMO_HOTEL_BIN);
}
END_TEST

START_TEST(test_idempotent)
{
    const char *bin = qn_test_env("QONAQ_BIN", 1);
    snprintf(cmd, sizeof cmd, "cd '%s' && sha256sum ca.pem ca.key owner_sign.pem hotel_auth.p12", demo);
    char *before = capture(cmd);
    snprintf(cmd, sizeof cmd, "'%s' ca demo '%s'", bin, demo);
    char *out = capture(cmd);
    ck_assert_msg(strstr(out, "kept the demo CA") != NULL, "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "cd '%s' && sha256sum ca.pem ca.key owner_sign.pem hotel_auth.p12", demo);
    char *after = capture(cmd);
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
    /* a deleted person file is issued again by the same CA */
    ck_assert_int_eq(run("rm '%s/coowner_auth.pem' && '%s' ca demo '%s' >/dev/null", demo, bin, demo), 0);
    ck_assert_int_eq(
        run("cd '%s' && /usr/bin/openssl verify -CAfile ca.pem coowner_auth.pem >/dev/null", demo), 0);
    /* a mismatched CA pair is refused, not overwritten */
    ck_assert_int_eq(
        run("mkdir -p '%s/bad' && cp '%s/ca.pem' '%s/bad/' && cp '%s/owner_sign.key' '%s/bad/ca.key' && "
            "'%s' ca demo '%s/bad' >/dev/null 2>&1",
            demo, demo, demo, demo, demo, bin, demo),
        1);
}
END_TEST

static Suite *ca_suite(void)
{
    Suite *s = suite_create("sign_ca");
    TCase *tc = tcase_create("demo");
    tcase_add_unchecked_fixture(tc, make_demo, NULL);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_certs_verify_with_openssl);
    tcase_add_test(tc, test_manifest_and_identities);
    tcase_add_test(tc, test_openssl_signature_verifies_with_qonaq);
    tcase_add_test(tc, test_backdated);
    tcase_add_test(tc, test_idempotent);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(ca_suite)
