/* cmd_ca.c — `qonaq ca demo DIR`: create the demo certificate authority.
 *
 * A thin adapter over qn_ca_demo (src/sign/ca.h): creates or completes the
 * demo PKI in DIR and prints the persons with their IIN/BIN and files.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "sign/ca.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: qonaq ca demo DIR\n\n"
                 "Creates in DIR (kept if it already holds a CA) a demo root CA (ca.pem, ca.key),\n"
                 "authentication and signing certificates for the demo persons as PEM and PKCS#12\n"
                 "(password \"%s\"), an expired and a revoked test certificate, a CRL\n"
                 "(crl.pem, crl.der) and manifest.json. Not for production use.\n",
                 QN_CA_DEMO_P12_PASSWORD);
}

int qn_cmd_ca(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    if (argc != 3 || strcmp(argv[1], "demo") != 0) {
        fprintf(stderr, "qonaq ca: expected 'demo DIR'\n");
        usage(stderr);
        return 2;
    }
    const char *dir = argv[2];
    qn_err err;
    qn_err_clear(&err);
    int created = 0;
    if (qn_ca_demo(dir, &created, &err) != QN_OK) {
        fprintf(stderr, "qonaq ca: %s\n", err.message);
        return 1;
    }
    printf("%s demo CA in %s (ca.pem, crl.pem, manifest.json; PKCS#12 password \"%s\")\n",
           created ? "created" : "kept the", dir, QN_CA_DEMO_P12_PASSWORD);
    size_t n = 0;
    const qn_ca_person *p = qn_ca_demo_persons(&n);
    for (size_t i = 0; i < n; i++) {
        printf("  %-9s %-18s IIN %s%s%s  files %s_%s.{pem,key,p12}\n", p[i].role, p[i].name,
               p[i].iin, p[i].bin ? "  BIN " : "", p[i].bin ? p[i].bin : "", p[i].slug,
               p[i].special ? "sign" : "{auth,sign}");
    }
    return 0;
}
