/* test_verify.c — qn_sign_verify against signatures made by the openssl tool.
 *
 * tests/sign/make_pki.sh builds a throwaway PKI with the openssl command line
 * (trusted root, untrusted root, a CA impostor for a forged CRL, signers with
 * IINs, an expired, a not-yet-valid, a revoked, a weak, a wrong-usage and an
 * identity-less certificate) and signs doc.json with each. The table below
 * says what qonaq must answer for each signature; further tests cover input
 * forms, mutations of the bytes, login by signature and the result fields.
 */
#include "support/qn_test.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sign/sign.h"

static char pki[1024];

static unsigned char *slurp(const char *name, size_t *len)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", pki, name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void build_pki(void)
{
    const char *root = getenv("QONAQ_ROOT");
    snprintf(pki, sizeof pki, "%s/pki", qn_test_tmpdir());
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "sh '%s/tests/sign/make_pki.sh' '%s' >'%s.log' 2>&1", root ? root : ".", pki,
             pki);
    if (system(cmd) != 0) {
        fprintf(stderr, "make_pki.sh failed: see %s.log\n", pki);
        abort();
    }
}

/* A trust set from the root (PEM) plus optional CRL files. */
static qn_sign_trust *trust_with(const char *ca, const char *crl)
{
    qn_sign_trust *t = qn_sign_trust_new();
    ck_assert_ptr_nonnull(t);
    size_t n;
    unsigned char *b = slurp(ca, &n);
    qn_err err;
    qn_err_clear(&err);
    ck_assert_int_eq(qn_sign_trust_add_ca(t, b, n, &err), QN_OK);
    free(b);
    if (crl) {
        b = slurp(crl, &n);
        ck_assert_int_eq(qn_sign_trust_add_crl(t, b, n, &err), QN_OK);
        free(b);
    }
    return t;
}

/* Verifies file `sig` over `doc` and returns the code; fills *r. */
static qn_sign_code verify_file(qn_sign_trust *t, const char *doc, const char *sig, const qn_sign_opts *opts,
                                qn_sign_result *r, qn_err *err)
{
    size_t dn, sn;
    unsigned char *d = slurp(doc, &dn), *s = slurp(sig, &sn);
    qn_code rc = qn_sign_verify(t, d, dn, s, sn, opts, r, err);
    free(d);
    free(s);
    if (r->code == QN_SIGN_OK)
        ck_assert_int_eq(rc, QN_OK);
    else if (r->code == QN_SIGN_INTERNAL)
        ck_assert_int_ne(rc, QN_OK);
    else {
        ck_assert_int_eq(rc, QN_E_SIGNATURE);
        ck_assert_int_eq(err->code, QN_E_SIGNATURE);
        ck_assert_str_eq(err->sub, qn_sign_code_name(r->code));
        ck_assert(strlen(err->message) > 0);
    }
    return r->code;
}

static const struct {
    const char *sig;
    const char *crl; /* CRL file in the trust set, or NULL */
    qn_sign_purpose purpose;
    const char *expected_iin;
    const char *expected_bin;
    int require_crl;
    qn_sign_code want;
} cases[] = {
    {"alice.p7s", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_OK},       /* RSA-2048 */
    {"bob.p7s", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_OK},         /* ECDSA P-256 */
    {"alice.b64", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_OK},       /* base64 */
    {"alice_p7s.pem", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_OK},   /* PEM */
    {"alice_pkcs7.pem", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_OK}, /* PKCS7 PEM */
    {"alice_bob.p7s", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_MALFORMED}, /* 2 signers */
    {"alice_auth.p7s", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_OK},       /* DS only */
    {"nrep.p7s", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_OK},             /* NR only */
    {"alice.p7s", "crl.der", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 1, QN_SIGN_OK},            /* DER CRL */
    {"alice.p7s", NULL, QN_SIGN_PURPOSE_DOCUMENT, "000101300009", NULL, 0, QN_SIGN_OK},
    {"alice.p7s", NULL, QN_SIGN_PURPOSE_DOCUMENT, "851231412342", NULL, 0, QN_SIGN_WRONG_SIGNER},
    {"bob.p7s", NULL, QN_SIGN_PURPOSE_DOCUMENT, "000101300009", NULL, 0, QN_SIGN_WRONG_SIGNER},
    {"clerk.p7s", NULL, QN_SIGN_PURPOSE_DOCUMENT, "010101500013", "940140000385", 0, QN_SIGN_OK},
    {"clerk.p7s", NULL, QN_SIGN_PURPOSE_DOCUMENT, NULL, "950341000052", 0, QN_SIGN_WRONG_SIGNER},
    {"alice.p7s", NULL, QN_SIGN_PURPOSE_DOCUMENT, NULL, "940140000385", 0, QN_SIGN_WRONG_SIGNER},
    {"stranger.p7s", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_UNTRUSTED_ISSUER},
    {"expired.p7s", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_EXPIRED},
    {"future.p7s", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_NOT_YET_VALID},
    {"revoked.p7s", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_REVOKED},
    {"revoked.p7s", "crl.der", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_REVOKED},
    {"revoked.p7s", NULL, QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_OK}, /* no CRL, no news */
    {"revoked.p7s", NULL, QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 1, QN_SIGN_CRL_MISSING},
    {"alice.p7s", "crl_expired.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_CRL_EXPIRED},
    {"alice.p7s", "crl_fake.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_CRL_INVALID},
    {"enc.p7s", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_WRONG_KEY_USAGE},
    {"weak.p7s", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_WEAK_KEY},
    {"alice_sha1.p7s", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_UNSUPPORTED_ALGORITHM},
    {"alice_noattr.p7s", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_NO_SIGNING_TIME},
    {"alice_embedded.p7s", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_NOT_DETACHED},
    {"noiin.p7s", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_NO_IDENTITY},
    {"badiin.p7s", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_NO_IDENTITY},
    {"doc.json", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_MALFORMED},
    {"root.pem", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_MALFORMED},
    /* An intermediate CA: carried in the CMS it chains to the root; without it, no path. */
    {"subleaf.p7s", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, "200229699997", NULL, 0, QN_SIGN_OK},
    {"subleaf_nochain.p7s", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_UNTRUSTED_ISSUER},
    {"subleaf.p7s", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 1, QN_SIGN_CRL_MISSING},
    {"byalice.p7s", "crl.pem", QN_SIGN_PURPOSE_DOCUMENT, NULL, NULL, 0, QN_SIGN_CHAIN_INVALID},
    /* Login policy on a document-shaped input: sign keys (NR) refused, auth key accepted. */
    {"alice.p7s", "crl.pem", QN_SIGN_PURPOSE_LOGIN, NULL, NULL, 0, QN_SIGN_WRONG_KEY_USAGE},
    {"nrep.p7s", "crl.pem", QN_SIGN_PURPOSE_LOGIN, NULL, NULL, 0, QN_SIGN_WRONG_KEY_USAGE},
    {"enc.p7s", "crl.pem", QN_SIGN_PURPOSE_LOGIN, NULL, NULL, 0, QN_SIGN_WRONG_KEY_USAGE},
    {"alice_auth.p7s", "crl.pem", QN_SIGN_PURPOSE_LOGIN, NULL, NULL, 0, QN_SIGN_OK},
};

START_TEST(test_table)
{
    qn_sign_trust *t = trust_with("root.pem", cases[_i].crl);
    qn_sign_opts opts = {.purpose = cases[_i].purpose,
                         .now = (int64_t)time(NULL),
                         .expected_iin = cases[_i].expected_iin,
                         .expected_bin = cases[_i].expected_bin,
                         .require_crl = cases[_i].require_crl};
    qn_sign_result r;
    qn_sign_result_init(&r);
    qn_err err;
    qn_err_clear(&err);
    qn_sign_code got = verify_file(t, "doc.json", cases[_i].sig, &opts, &r, &err);
    ck_assert_msg(got == cases[_i].want, "case %d (%s, crl %s): want %s, got %s (%s)", _i, cases[_i].sig,
                  cases[_i].crl ? cases[_i].crl : "-", qn_sign_code_name(cases[_i].want),
                  qn_sign_code_name(got), r.detail);
    qn_sign_result_free(&r);
    qn_sign_trust_free(t);
}
END_TEST

/* Runs `cmd` and returns its first output line (trimmed) in buf. */
static void run_line(const char *cmd, char *buf, size_t size)
{
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    buf[0] = '\0';
    ck_assert_ptr_nonnull(fgets(buf, (int)size, p));
    buf[strcspn(buf, "\r\n")] = '\0';
    pclose(p);
}

START_TEST(test_result_fields)
{
    qn_sign_trust *t = trust_with("root.pem", "crl.pem");
    int64_t now = (int64_t)time(NULL);
    qn_sign_opts opts = {.now = now};
    qn_sign_result r;
    qn_sign_result_init(&r);
    qn_err err;
    ck_assert_int_eq(verify_file(t, "doc.json", "clerk.p7s", &opts, &r, &err), QN_SIGN_OK);
    ck_assert_str_eq(r.iin, "010101500013");
    ck_assert_str_eq(r.bin, "940140000385");
    ck_assert_str_eq(r.subject_cn, "CLERK TESTOV");
    ck_assert_ptr_nonnull(strstr(r.issuer, "CN=Qonaq Test Root"));
    ck_assert_str_eq(r.key_type, "RSA-2048");
    ck_assert(r.signing_time > now - 3600 && r.signing_time <= now);
    ck_assert(r.not_before <= r.signing_time && r.signing_time <= r.not_after);

    char cmd[4200], line[256];
    snprintf(cmd, sizeof cmd, "sha256sum '%s/doc.json'", pki);
    run_line(cmd, line, sizeof line);
    line[64] = '\0';
    ck_assert_str_eq(r.doc_sha256, line);
    snprintf(cmd, sizeof cmd, "/usr/bin/openssl x509 -in '%s/clerk.pem' -noout -serial", pki);
    run_line(cmd, line, sizeof line);
    ck_assert_str_eq(r.serial_hex, line + strlen("serial="));

    snprintf(cmd, sizeof cmd, "/usr/bin/openssl x509 -in '%s/clerk.pem' -outform DER -out '%s/clerk.der'",
             pki, pki);
    ck_assert_int_eq(system(cmd), 0);
    size_t n;
    unsigned char *der = slurp("clerk.der", &n);
    ck_assert_uint_eq(r.cert_der_len, n);
    ck_assert(memcmp(r.cert_der, der, n) == 0);
    free(der);

    /* Verifying again into the same result frees the old certificate (ASan checks). */
    ck_assert_int_eq(verify_file(t, "doc.json", "bob.p7s", &opts, &r, &err), QN_SIGN_OK);
    ck_assert_str_eq(r.iin, "851231412342");
    ck_assert_str_eq(r.bin, "");
    ck_assert_str_eq(r.key_type, "EC-P256");
    qn_sign_result_free(&r);
    qn_sign_result_free(NULL);
    qn_sign_trust_free(t);
}
END_TEST

/* Mutations of the bytes: verify(doc, sig) after the caller's edit. */
static qn_sign_code verify_bytes(const unsigned char *d, size_t dn, const unsigned char *s, size_t sn,
                                 qn_sign_result *r)
{
    qn_sign_trust *t = trust_with("root.pem", "crl.pem");
    qn_sign_opts opts = {.now = (int64_t)time(NULL)};
    qn_err err;
    qn_err_clear(&err);
    qn_code rc = qn_sign_verify(t, d, dn, s, sn, &opts, r, &err);
    if (r->code != QN_SIGN_OK) {
        ck_assert_int_eq(rc, QN_E_SIGNATURE);
        ck_assert_str_eq(err.sub, qn_sign_code_name(r->code));
    }
    qn_sign_trust_free(t);
    return r->code;
}

START_TEST(test_mutations)
{
    size_t dn, sn;
    unsigned char *d = slurp("doc.json", &dn), *s = slurp("alice.p7s", &sn);
    qn_sign_result r;
    qn_sign_result_init(&r);

    ck_assert_int_eq(verify_bytes(d, dn, s, sn, &r), QN_SIGN_OK);
    /* one changed byte of the document: each position in a few places */
    size_t positions[] = {0, dn / 2, dn - 1};
    for (size_t i = 0; i < 3; i++) {
        d[positions[i]] ^= 0x01;
        ck_assert_int_eq(verify_bytes(d, dn, s, sn, &r), QN_SIGN_DIGEST_MISMATCH);
        d[positions[i]] ^= 0x01;
    }
    /* a byte more or less */
    ck_assert_int_eq(verify_bytes(d, dn - 1, s, sn, &r), QN_SIGN_DIGEST_MISMATCH);
    ck_assert_int_eq(verify_bytes(d, 0, s, sn, &r), QN_SIGN_DIGEST_MISMATCH);
    /* the signature value (last bytes of the DER) altered */
    s[sn - 1] ^= 0x40;
    ck_assert_int_eq(verify_bytes(d, dn, s, sn, &r), QN_SIGN_BAD_SIGNATURE);
    ck_assert_str_eq(r.iin, "000101300009"); /* still says whose it claims to be */
    s[sn - 1] ^= 0x40;
    /* truncated CMS at several lengths */
    size_t cuts[] = {sn - 1, sn / 2, 10, 1};
    for (size_t i = 0; i < 4; i++)
        ck_assert_int_eq(verify_bytes(d, dn, s, cuts[i], &r), QN_SIGN_MALFORMED);
    /* trailing garbage after the DER */
    unsigned char *longer = malloc(sn + 4);
    memcpy(longer, s, sn);
    memcpy(longer + sn, "\0\0\0\0", 4);
    ck_assert_int_eq(verify_bytes(d, dn, longer, sn + 4, &r), QN_SIGN_MALFORMED);
    free(longer);
    /* garbage: random-looking bytes, text, empty */
    unsigned char junk[512];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)(i * 131u + 7u);
    ck_assert_int_eq(verify_bytes(d, dn, junk, sizeof junk, &r), QN_SIGN_MALFORMED);
    junk[0] = 0x30;
    ck_assert_int_eq(verify_bytes(d, dn, junk, sizeof junk, &r), QN_SIGN_MALFORMED);
    ck_assert_int_eq(verify_bytes(d, dn, (const unsigned char *)"aGVsbG8=", 8, &r), QN_SIGN_MALFORMED);
    ck_assert_int_eq(verify_bytes(d, dn, (const unsigned char *)"", 0, &r), QN_SIGN_MALFORMED);
    qn_sign_result_free(&r);
    free(d);
    free(s);
}
END_TEST

START_TEST(test_size_bounds)
{
    size_t sn;
    unsigned char *s = slurp("alice.b64", &sn);
    qn_sign_result r;
    qn_sign_result_init(&r);
    /* A base64 signature padded with whitespace past 64 KiB: refused before parsing. */
    unsigned char *big = malloc(QN_SIGN_MAX_CMS + 1);
    memset(big, '\n', QN_SIGN_MAX_CMS + 1);
    memcpy(big, s, sn);
    unsigned char doc[] = "{}";
    ck_assert_int_eq(verify_bytes(doc, 2, big, QN_SIGN_MAX_CMS + 1, &r), QN_SIGN_TOO_LARGE);
    /* exactly at the bound it is parsed (and is alice's signature, over another doc) */
    ck_assert_int_eq(verify_bytes(doc, 2, big, QN_SIGN_MAX_CMS, &r), QN_SIGN_DIGEST_MISMATCH);
    unsigned char *bigdoc = calloc(QN_SIGN_MAX_DOC + 1, 1);
    ck_assert_int_eq(verify_bytes(bigdoc, QN_SIGN_MAX_DOC + 1, s, sn, &r), QN_SIGN_TOO_LARGE);
    ck_assert_int_eq(verify_bytes(bigdoc, QN_SIGN_MAX_DOC, s, sn, &r), QN_SIGN_DIGEST_MISMATCH);
    free(bigdoc);
    free(big);
    free(s);
    qn_sign_result_free(&r);
}
END_TEST

START_TEST(test_clock)
{
    qn_sign_trust *t = trust_with("root.pem", "crl.pem");
    int64_t now = (int64_t)time(NULL);
    qn_sign_result r;
    qn_sign_result_init(&r);
    qn_err err;
    /* The verifier's clock an hour behind: the signing time lies in its future. */
    qn_sign_opts opts = {.now = now - 3600};
    ck_assert_int_eq(verify_file(t, "doc.json", "alice.p7s", &opts, &r, &err),
                     QN_SIGN_SIGNING_TIME_IN_FUTURE);
    /* ... but within the allowed skew it is accepted */
    opts.now = now - 60;
    ck_assert_int_eq(verify_file(t, "doc.json", "alice.p7s", &opts, &r, &err), QN_SIGN_OK);
    /* max_age: a live submission must be recent */
    opts.now = now + 7200;
    opts.max_age = 3600;
    ck_assert_int_eq(verify_file(t, "doc.json", "alice.p7s", &opts, &r, &err), QN_SIGN_STALE_SIGNING_TIME);
    /* Re-verifying a stored record years later: no max age, the certificate has
     * expired by now but was valid at signing time (and the CRL is fresh). */
    opts.max_age = 0;
    opts.now = now + 2 * 86400;
    qn_sign_trust_free(t);
    t = trust_with("root.pem", NULL);
    ck_assert_int_eq(verify_file(t, "doc.json", "alice.p7s", &opts, &r, &err), QN_SIGN_OK);
    opts.now = now + 400 * 86400; /* after notAfter (365 days) */
    ck_assert_int_eq(verify_file(t, "doc.json", "alice.p7s", &opts, &r, &err), QN_SIGN_OK);
    opts.require_valid_now = 1;
    ck_assert_int_eq(verify_file(t, "doc.json", "alice.p7s", &opts, &r, &err), QN_SIGN_EXPIRED);
    /* With the CRL from today, 400 days on it is out of date. */
    qn_sign_trust_free(t);
    t = trust_with("root.pem", "crl.pem");
    opts.require_valid_now = 0;
    ck_assert_int_eq(verify_file(t, "doc.json", "alice.p7s", &opts, &r, &err), QN_SIGN_CRL_EXPIRED);
    qn_sign_result_free(&r);
    qn_sign_trust_free(t);
}
END_TEST

/* Signs `in` with openssl cms as `who` into `out` (detached DER). */
static void openssl_sign(const char *in, const char *who, const char *out)
{
    char cmd[4000];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/openssl cms -sign -binary -in '%s' -signer '%s/%s.pem' -inkey '%s/%s.key' "
             "-outform DER -out '%s'",
             in, pki, who, pki, who, out);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_login)
{
    char ch[QN_SIGN_CHALLENGE_LEN + 1], ch2[QN_SIGN_CHALLENGE_LEN + 1];
    qn_err err;
    ck_assert_int_eq(qn_sign_challenge_new(ch, &err), QN_OK);
    ck_assert_int_eq(qn_sign_challenge_new(ch2, &err), QN_OK);
    ck_assert_uint_eq(strlen(ch), QN_SIGN_CHALLENGE_LEN);
    ck_assert(strncmp(ch, QN_SIGN_CHALLENGE_PREFIX, strlen(QN_SIGN_CHALLENGE_PREFIX)) == 0);
    ck_assert_str_ne(ch, ch2);

    char path[1200], sig_auth[1200], sig_sign[1200];
    snprintf(path, sizeof path, "%s/challenge.txt", pki);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(ch, f);
    fclose(f);
    snprintf(sig_auth, sizeof sig_auth, "%s/challenge_auth.p7s", pki);
    snprintf(sig_sign, sizeof sig_sign, "%s/challenge_sign.p7s", pki);
    openssl_sign(path, "alice_auth", sig_auth);
    openssl_sign(path, "alice", sig_sign);

    qn_sign_trust *t = trust_with("root.pem", "crl.pem");
    int64_t now = (int64_t)time(NULL);
    qn_sign_result r;
    qn_sign_result_init(&r);
    size_t n;
    unsigned char *s = slurp("challenge_auth.p7s", &n);
    ck_assert_int_eq(qn_sign_verify_login(t, ch, s, n, now, &r, &err), QN_OK);
    ck_assert_str_eq(r.iin, "000101300009");
    /* another challenge: the signature does not fit it */
    ck_assert_int_eq(qn_sign_verify_login(t, ch2, s, n, now, &r, &err), QN_E_SIGNATURE);
    ck_assert_str_eq(err.sub, "digest_mismatch");
    /* too late: the login signature is older than 5 minutes */
    ck_assert_int_eq(qn_sign_verify_login(t, ch, s, n, now + QN_SIGN_LOGIN_MAX_AGE + 60, &r, &err),
                     QN_E_SIGNATURE);
    ck_assert_str_eq(err.sub, "stale_signing_time");
    /* not a qonaq challenge */
    ck_assert_int_eq(qn_sign_verify_login(t, "hello", s, n, now, &r, &err), QN_E_INVALID);
    free(s);
    /* the signing (non-repudiation) key may not log in */
    s = slurp("challenge_sign.p7s", &n);
    ck_assert_int_eq(qn_sign_verify_login(t, ch, s, n, now, &r, &err), QN_E_SIGNATURE);
    ck_assert_str_eq(err.sub, "wrong_key_usage");
    ck_assert_int_eq(r.code, QN_SIGN_WRONG_KEY_USAGE);
    free(s);
    qn_sign_result_free(&r);
    qn_sign_trust_free(t);
}
END_TEST

START_TEST(test_trust_set)
{
    qn_sign_trust *t = qn_sign_trust_new();
    qn_err err;
    size_t n;
    unsigned char *b = slurp("alice.pem", &n);
    ck_assert_int_eq(qn_sign_trust_add_ca(t, b, n, &err), QN_E_INVALID); /* not a CA */
    free(b);
    b = slurp("doc.json", &n);
    ck_assert_int_eq(qn_sign_trust_add_ca(t, b, n, &err), QN_E_INVALID);
    ck_assert_int_eq(qn_sign_trust_add_crl(t, b, n, &err), QN_E_INVALID);
    free(b);
    ck_assert_int_eq(qn_sign_trust_add_ca(t, (const unsigned char *)"x", QN_SIGN_MAX_TRUST_BLOB + 1, &err),
                     QN_E_TOO_LARGE);
    b = slurp("root.der", &n);
    ck_assert_int_eq(qn_sign_trust_add_ca(t, b, n, &err), QN_OK);
    free(b);
    /* a PEM bundle of two roots */
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "cat '%s/other.pem' '%s/root.pem' > '%s/bundle.pem'", pki, pki, pki);
    ck_assert_int_eq(system(cmd), 0);
    qn_sign_trust *t2 = trust_with("bundle.pem", NULL);
    ck_assert_uint_eq(qn_sign_trust_ca_count(t2), 2);
    qn_sign_opts opts = {.now = (int64_t)time(NULL)};
    qn_sign_result r;
    qn_sign_result_init(&r);
    ck_assert_int_eq(verify_file(t2, "doc.json", "stranger.p7s", &opts, &r, &err), QN_SIGN_OK);
    ck_assert_int_eq(verify_file(t, "doc.json", "stranger.p7s", &opts, &r, &err), QN_SIGN_UNTRUSTED_ISSUER);
    ck_assert_int_eq(verify_file(t, "doc.json", "alice.p7s", &opts, &r, &err), QN_SIGN_OK);
    /* an empty trust set trusts nobody */
    qn_sign_trust *empty = qn_sign_trust_new();
    ck_assert_int_eq(verify_file(empty, "doc.json", "alice.p7s", &opts, &r, &err), QN_SIGN_UNTRUSTED_ISSUER);
    qn_sign_result_free(&r);
    qn_sign_trust_free(empty);
    qn_sign_trust_free(t2);
    qn_sign_trust_free(t);
    qn_sign_trust_free(NULL);
    /* bad arguments are not refusals */
    qn_sign_result_init(&r);
    ck_assert_int_eq(
        qn_sign_verify(NULL, (const unsigned char *)"{}", 2, (const unsigned char *)"x", 1, &opts, &r, &err),
        QN_E_INVALID);
    ck_assert_int_eq(qn_sign_verify(NULL, NULL, 0, NULL, 0, NULL, NULL, &err), QN_E_INVALID);
}
END_TEST

START_TEST(test_code_names)
{
    for (int i = 0; i < QN_SIGN_CODE_COUNT; i++) {
        const char *a = qn_sign_code_name((qn_sign_code)i);
        ck_assert(a[0] != '\0');
        ck_assert(qn_sign_code_message((qn_sign_code)i)[0] != '\0');
        for (int j = 0; j < i; j++)
            ck_assert_str_ne(a, qn_sign_code_name((qn_sign_code)j));
    }
    ck_assert_str_eq(qn_sign_code_name(QN_SIGN_DIGEST_MISMATCH), "digest_mismatch");
    ck_assert_str_eq(qn_sign_code_name(QN_SIGN_WRONG_SIGNER), "wrong_signer");
    ck_assert_str_eq(qn_sign_code_name(QN_SIGN_TOO_LARGE), "too_large");
    ck_assert_str_eq(qn_sign_code_name((qn_sign_code)999), "internal");
}
END_TEST

START_TEST(test_kz_ids)
{
    /* kz_rules.md §4.4 vectors */
    const char *good[] = {"940140000385", "950341000052", "961141000023", "070941024691", "990140004654",
                          "000101300009", "200229699997", "851231412342", "010101500013", "900101300811"};
    const char *bad[] = {
        "821214240092", "900101300800", "000101300008", "00010130000", "0001013000090", "00010130000a", ""};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        ck_assert_msg(qn_sign_kz_id_valid(good[i]), "%s", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!qn_sign_kz_id_valid(bad[i]), "%s", bad[i]);
    ck_assert(!qn_sign_kz_id_valid(NULL));
}
END_TEST

START_TEST(test_intermediate_crl)
{
    /* With the CRLs of the root and of the intermediate, require_crl is met. */
    qn_sign_trust *t = trust_with("root.pem", "crl.pem");
    size_t n;
    qn_err err;
    unsigned char *b = slurp("crl_sub.pem", &n);
    ck_assert_int_eq(qn_sign_trust_add_crl(t, b, n, &err), QN_OK);
    free(b);
    ck_assert_uint_eq(qn_sign_trust_crl_count(t), 2);
    qn_sign_opts opts = {.now = (int64_t)time(NULL), .require_crl = 1};
    qn_sign_result r;
    qn_sign_result_init(&r);
    ck_assert_int_eq(verify_file(t, "doc.json", "subleaf.p7s", &opts, &r, &err), QN_SIGN_OK);
    ck_assert_str_eq(r.iin, "200229699997");
    ck_assert_ptr_nonnull(strstr(r.issuer, "CN=Qonaq Test Sub CA"));
    qn_sign_result_free(&r);
    qn_sign_trust_free(t);
}
END_TEST

/* One trust set shared by threads, as in the server's pool. */
typedef struct {
    const qn_sign_trust *trust;
    unsigned char *doc, *good, *revoked;
    size_t doc_len, good_len, revoked_len;
    int failures;
} shared_job;

static void *verify_many(void *arg)
{
    shared_job *job = arg;
    qn_sign_opts opts = {.now = (int64_t)time(NULL)};
    qn_sign_result r;
    qn_sign_result_init(&r);
    for (int i = 0; i < 25; i++) {
        qn_code a =
            qn_sign_verify(job->trust, job->doc, job->doc_len, job->good, job->good_len, &opts, &r, NULL);
        if (a != QN_OK || strcmp(r.iin, "851231412342") != 0)
            job->failures++;
        qn_code b = qn_sign_verify(job->trust, job->doc, job->doc_len, job->revoked, job->revoked_len, &opts,
                                   &r, NULL);
        if (b != QN_E_SIGNATURE || r.code != QN_SIGN_REVOKED)
            job->failures++;
    }
    qn_sign_result_free(&r);
    return NULL;
}

/* Adds the CRL file `crl` to t. */
static void add_crl(qn_sign_trust *t, const char *crl)
{
    size_t n;
    unsigned char *b = slurp(crl, &n);
    qn_err err;
    qn_err_clear(&err);
    ck_assert_int_eq(qn_sign_trust_add_crl(t, b, n, &err), QN_OK);
    free(b);
}

static qn_sign_code verify_with(qn_sign_trust *t, const char *sig)
{
    qn_sign_opts opts = {.now = (int64_t)time(NULL)};
    qn_sign_result r;
    qn_sign_result_init(&r);
    qn_err err;
    qn_err_clear(&err);
    qn_sign_code got = verify_file(t, "doc.json", sig, &opts, &r, &err);
    qn_sign_result_free(&r);
    return got;
}

/* Several CRLs of one issuer: the newest authentic one decides; a
 * certificate listed in any authentic one is revoked; forged ones do not
 * count unless nothing else does. Either order of loading. */
START_TEST(test_several_crls_of_an_issuer)
{
    static const char *const orders[2][2] = {{"crl_expired.pem", "crl.pem"}, {"crl.pem", "crl_expired.pem"}};
    for (int o = 0; o < 2; o++) {
        qn_sign_trust *t = trust_with("root.pem", orders[o][0]);
        add_crl(t, orders[o][1]);
        ck_assert_int_eq(verify_with(t, "alice.p7s"), QN_SIGN_OK); /* a fresh CRL beside a stale one */
        ck_assert_int_eq(verify_with(t, "revoked.p7s"), QN_SIGN_REVOKED);
        qn_sign_trust_free(t);
    }
    /* Only the stale one: the status is unknown. */
    qn_sign_trust *t = trust_with("root.pem", "crl_expired.pem");
    ck_assert_int_eq(verify_with(t, "alice.p7s"), QN_SIGN_CRL_EXPIRED);
    /* A revocation stays a revocation even when the newest list is stale. */
    ck_assert_int_eq(verify_with(t, "revoked.p7s"), QN_SIGN_REVOKED);
    qn_sign_trust_free(t);
    /* A forged CRL (same issuer name, another key) beside the real one. */
    t = trust_with("root.pem", "crl_fake.pem");
    add_crl(t, "crl.pem");
    ck_assert_int_eq(verify_with(t, "alice.p7s"), QN_SIGN_OK);
    ck_assert_int_eq(verify_with(t, "revoked.p7s"), QN_SIGN_REVOKED);
    qn_sign_trust_free(t);
    t = trust_with("root.pem", "crl_fake.pem");
    ck_assert_int_eq(verify_with(t, "alice.p7s"), QN_SIGN_CRL_INVALID);
    qn_sign_trust_free(t);
}
END_TEST

/* An issuer marked as needing a CRL: without one, "crl_missing" (even
 * without opts.require_crl); with one, accepted. Other issuers are not
 * affected. */
START_TEST(test_crl_required_for_an_issuer)
{
    size_t n;
    unsigned char *root = slurp("root.pem", &n);
    qn_err err;
    qn_err_clear(&err);
    qn_sign_trust *t = trust_with("root.pem", NULL);
    ck_assert_int_eq(verify_with(t, "alice.p7s"), QN_SIGN_OK);
    ck_assert_int_eq(qn_sign_trust_require_crl(t, root, n, &err), QN_OK);
    ck_assert_int_eq(verify_with(t, "alice.p7s"), QN_SIGN_CRL_MISSING);
    qn_sign_trust_free(t);
    t = trust_with("root.pem", "crl.pem");
    ck_assert_int_eq(qn_sign_trust_require_crl(t, root, n, &err), QN_OK);
    ck_assert_int_eq(verify_with(t, "alice.p7s"), QN_SIGN_OK);
    qn_sign_trust_free(t);
    /* The root's mark does not reach the intermediate under it: subleaf's
     * issuer (sub) is covered by no CRL and is not marked. */
    t = trust_with("root.pem", "crl.pem");
    ck_assert_int_eq(qn_sign_trust_require_crl(t, root, n, &err), QN_OK);
    ck_assert_int_eq(verify_with(t, "subleaf.p7s"), QN_SIGN_OK);
    size_t sn;
    unsigned char *sub = slurp("sub.pem", &sn);
    ck_assert_int_eq(qn_sign_trust_require_crl(t, sub, sn, &err), QN_OK);
    ck_assert_int_eq(verify_with(t, "subleaf.p7s"), QN_SIGN_CRL_MISSING);
    free(sub);
    ck_assert_int_eq(qn_sign_trust_require_crl(t, (const unsigned char *)"junk", 4, &err), QN_E_INVALID);
    qn_sign_trust_free(t);
    free(root);
}
END_TEST

START_TEST(test_threads_share_trust)
{
    qn_sign_trust *t = trust_with("root.pem", "crl.pem");
    shared_job jobs[4];
    pthread_t th[4];
    size_t dn, gn, rn;
    unsigned char *doc = slurp("doc.json", &dn), *good = slurp("bob.p7s", &gn),
                  *rev = slurp("revoked.p7s", &rn);
    for (int i = 0; i < 4; i++) {
        jobs[i] = (shared_job){t, doc, good, rev, dn, gn, rn, 0};
        ck_assert_int_eq(pthread_create(&th[i], NULL, verify_many, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(jobs[i].failures, 0);
    }
    free(doc);
    free(good);
    free(rev);
    qn_sign_trust_free(t);
}
END_TEST

static Suite *sign_suite(void)
{
    Suite *s = suite_create("sign_verify");
    TCase *tc = tcase_create("verify");
    tcase_add_unchecked_fixture(tc, build_pki, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_table, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, test_result_fields);
    tcase_add_test(tc, test_mutations);
    tcase_add_test(tc, test_size_bounds);
    tcase_add_test(tc, test_clock);
    tcase_add_test(tc, test_login);
    tcase_add_test(tc, test_trust_set);
    tcase_add_test(tc, test_intermediate_crl);
    tcase_add_test(tc, test_several_crls_of_an_issuer);
    tcase_add_test(tc, test_crl_required_for_an_issuer);
    tcase_add_test(tc, test_threads_share_trust);
    tcase_add_test(tc, test_code_names);
    tcase_add_test(tc, test_kz_ids);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(sign_suite)
