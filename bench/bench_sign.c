/* bench_sign.c — signature verifications per second beside `openssl speed`.
 *
 * Builds a small PKI at run time in a temporary directory with the openssl
 * tool (an RSA-2048 root, an RSA-2048 signer and an ECDSA P-256 signer, a
 * CRL), signs a 2 KiB JSON document with `openssl cms -sign`, then runs the
 * full qn_sign_verify (CMS parse, signature, digest, chain to the root, CRL,
 * key usage, identity) for about 2 seconds per key type. The baseline is the
 * raw public-key verify rate of `openssl speed -seconds 1 rsa2048 ecdsap256`
 * measured in the same run; the ratio shows what the whole check costs
 * relative to one bare signature verification (each qonaq verification also
 * verifies the certificate's and the CRL's RSA-2048 signatures by the root).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sign/sign.h"

static char dir[256];

static unsigned char *slurp(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

static int setup(void)
{
    snprintf(dir, sizeof dir, "%s/qonaq-bench-sign-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(dir) == NULL)
        return 0;
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "set -e; cd '%s'; O=/usr/bin/openssl\n"
             "printf '[req]\\ndistinguished_name=dn\\n[dn]\\n[ca]\\nbasicConstraints=critical,CA:true\\n"
             "keyUsage=critical,keyCertSign,cRLSign\\n[leaf]\\nbasicConstraints=CA:false\\n"
             "keyUsage=critical,digitalSignature,nonRepudiation\\n' > x.cnf\n"
             "$O req -x509 -new -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -subj '/CN=Bench Root' "
             "-days 30 -config x.cnf -extensions ca 2>/dev/null\n"
             "$O req -new -newkey rsa:2048 -nodes -keyout rsa.key -out rsa.csr "
             "-subj '/CN=RSA/serialNumber=IIN000101300009' -config x.cnf 2>/dev/null\n"
             "$O req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.key -out ec.csr "
             "-subj '/CN=EC/serialNumber=IIN851231412342' -config x.cnf 2>/dev/null\n"
             "for k in rsa ec; do $O x509 -req -in $k.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
             "-days 10 -extfile x.cnf -extensions leaf -out $k.pem 2>/dev/null; done\n"
             "mkdir -p db; : > db/index; echo 01 > db/crlnumber\n"
             "printf '[ca]\\ndefault_ca=c\\n[c]\\ndatabase=db/index\\ncrlnumber=db/crlnumber\\n"
             "default_md=sha256\\ndefault_crl_days=7\\n' > ca.cnf\n"
             "$O ca -config ca.cnf -gencrl -cert ca.pem -keyfile ca.key -out crl.pem 2>/dev/null\n"
             "head -c 1536 /dev/urandom | base64 -w0 | sed 's/.*/{\"payload\":\"&\"}/' > doc.json\n"
             "for k in rsa ec; do $O cms -sign -binary -in doc.json -signer $k.pem -inkey $k.key "
             "-outform DER -out $k.p7s; done\n",
             dir);
    return system(cmd) == 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double measure(qn_sign_trust *t, const char *sig_file, const char *want_iin)
{
    size_t dn = 0, sn = 0;
    unsigned char *doc = slurp("doc.json", &dn), *sig = slurp(sig_file, &sn);
    if (doc == NULL || sig == NULL)
        return -1;
    qn_sign_opts opts = {.now = (int64_t)time(NULL), .expected_iin = want_iin};
    qn_sign_result r;
    qn_sign_result_init(&r);
    qn_err err;
    long n = 0;
    double start = now_s(), elapsed = 0;
    while (elapsed < 2.0) {
        for (int i = 0; i < 20; i++, n++) {
            if (qn_sign_verify(t, doc, dn, sig, sn, &opts, &r, &err) != QN_OK) {
                fprintf(stderr, "bench_sign: %s refused: %s\n", sig_file, err.message);
                n = -1;
                goto out;
            }
        }
        elapsed = now_s() - start;
    }
out:
    qn_sign_result_free(&r);
    free(doc);
    free(sig);
    return n < 0 ? -1 : (double)n / elapsed;
}

/* Parses the verify/s column of `openssl speed` for RSA 2048 and ECDSA P-256. */
static void openssl_speed(double *rsa, double *ec)
{
    *rsa = *ec = -1;
    FILE *p = popen("/usr/bin/openssl speed -seconds 1 rsa2048 ecdsap256 2>/dev/null", "r");
    if (p == NULL)
        return;
    char line[512];
    while (fgets(line, sizeof line, p)) {
        double a, b, c, d;
        if (strncmp(line, "rsa 2048 bits", 13) == 0 &&
            sscanf(line + 13, " %lfs %lfs %lf %lf", &a, &b, &c, &d) == 4)
            *rsa = d;
        const char *e = strstr(line, "ecdsa (nistp256)");
        if (e && sscanf(e + 16, " %lfs %lfs %lf %lf", &a, &b, &c, &d) == 4)
            *ec = d;
    }
    pclose(p);
}

int main(void)
{
    if (!setup()) {
        fprintf(stderr, "bench_sign: could not build the PKI with openssl in %s\n", dir);
        return 1;
    }
    qn_sign_trust *t = qn_sign_trust_new();
    size_t n;
    qn_err err;
    unsigned char *ca = slurp("ca.pem", &n);
    int ok = ca && qn_sign_trust_add_ca(t, ca, n, &err) == QN_OK;
    free(ca);
    unsigned char *crl = slurp("crl.pem", &n);
    ok = ok && crl && qn_sign_trust_add_crl(t, crl, n, &err) == QN_OK;
    free(crl);
    if (!ok) {
        fprintf(stderr, "bench_sign: trust set: %s\n", err.message);
        qn_sign_trust_free(t);
        return 1;
    }
    double q_rsa = measure(t, "rsa.p7s", "000101300009");
    double q_ec = measure(t, "ec.p7s", "851231412342");
    qn_sign_trust_free(t);
    double o_rsa, o_ec;
    openssl_speed(&o_rsa, &o_ec);
    char rm[400];
    snprintf(rm, sizeof rm, "rm -rf '%s'", dir);
    if (system(rm) != 0)
        fprintf(stderr, "bench_sign: could not remove %s\n", dir);
    if (q_rsa < 0 || q_ec < 0 || o_rsa <= 0 || o_ec <= 0) {
        fprintf(stderr, "bench_sign: measurement failed\n");
        return 1;
    }
    printf("full CMS verification (qn_sign_verify: parse, signature, digest of 2 KiB, chain, CRL, identity)\n");
    printf("  RSA-2048 signer:    %9.0f verifications/s   openssl speed rsa2048 verify:   %9.0f/s   ratio %.3f\n",
           q_rsa, o_rsa, q_rsa / o_rsa);
    printf("  ECDSA P-256 signer: %9.0f verifications/s   openssl speed ecdsap256 verify: %9.0f/s   ratio %.3f\n",
           q_ec, o_ec, q_ec / o_ec);
    return 0;
}
