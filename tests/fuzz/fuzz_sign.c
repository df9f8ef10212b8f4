/* fuzz_sign.c — libFuzzer target for CMS signature verification (src/sign/sign.h qn_sign_verify).
 *
 * A fixed tiny trust set — the test root CA and its CRL from
 * tests/fuzz/data/sign (made by tests/sign/make_pki.sh with the openssl
 * command line) — is loaded once. Each input is one option byte and then the
 * signature bytes as received (DER, base64 or PEM, whatever they are); the
 * document is the fixed doc.json the seeds were signed over, and the clock is
 * fixed a minute after the seeds were signed, so the results do not depend
 * on the day the fuzzer runs. The option byte picks the purpose (document or
 * login), require_crl, require_valid_now and an expected IIN.
 *
 * Invariants: no crash, leak or sanitizer report for any bytes; the return
 * code is QN_OK exactly when out.code is QN_SIGN_OK, and a refusal is
 * QN_E_SIGNATURE with err.sub = qn_sign_code_name(out.code) — a fuzzed blob
 * is the signer's fault, never QN_E_INTERNAL; every text field of the
 * result is NUL terminated inside its array; an accepted signature names a
 * valid IIN, a certificate and the document's SHA-256, and is refused over
 * a document differing by one byte (digest_mismatch); the same bytes give
 * the same answer twice. Login verification of the same bytes over a fresh
 * challenge never succeeds (nobody signed that challenge).
 *
 * QN_FUZZ_DATA names the data folder (default tests/fuzz/data, relative to
 * the repository root where run.sh starts the fuzzer).
 */
#include <openssl/sha.h>

#include "fuzz/fuzz_util.h"
#include "sign/sign.h"

/* The seeds were signed at 1795447398 (2026-11-23 15:23:18 UTC). */
#define FUZZ_NOW 1795447458

int LLVMFuzzerInitialize(int *argc, char ***argv);

static qn_sign_trust *trust;
static unsigned char *doc;
static size_t doc_len;
static char doc_hex[65];

static unsigned char *read_file(const char *name, size_t *len)
{
    const char *dir = getenv("QN_FUZZ_DATA");
    char path[512];
    snprintf(path, sizeof path, "%s/sign/%s", dir ? dir : "tests/fuzz/data", name);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "fuzz_sign: cannot open %s (run from the repository root or set QN_FUZZ_DATA)\n", path);
        exit(1);
    }
    unsigned char *buf = malloc(1 << 16);
    *len = buf ? fread(buf, 1, 1 << 16, fp) : 0;
    fclose(fp);
    if (!buf || *len == 0)
        exit(1);
    return buf;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    trust = qn_sign_trust_new();
    size_t n;
    unsigned char *b = read_file("root.pem", &n);
    qn_err err;
    if (!trust || qn_sign_trust_add_ca(trust, b, n, &err) != QN_OK)
        exit(1);
    free(b);
    b = read_file("crl.pem", &n);
    if (qn_sign_trust_add_crl(trust, b, n, &err) != QN_OK)
        exit(1);
    free(b);
    doc = read_file("doc.json", &doc_len);
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(doc, doc_len, md);
    for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
        snprintf(doc_hex + 2 * i, 3, "%02x", md[i]);
    return 0;
}

static void check_terminated(const qn_sign_result *r)
{
    QN_FZ_ASSERT(memchr(r->detail, '\0', sizeof r->detail) != NULL);
    QN_FZ_ASSERT(memchr(r->iin, '\0', sizeof r->iin) != NULL);
    QN_FZ_ASSERT(memchr(r->bin, '\0', sizeof r->bin) != NULL);
    QN_FZ_ASSERT(memchr(r->subject_cn, '\0', sizeof r->subject_cn) != NULL);
    QN_FZ_ASSERT(memchr(r->subject, '\0', sizeof r->subject) != NULL);
    QN_FZ_ASSERT(memchr(r->issuer, '\0', sizeof r->issuer) != NULL);
    QN_FZ_ASSERT(memchr(r->serial_hex, '\0', sizeof r->serial_hex) != NULL);
    QN_FZ_ASSERT(memchr(r->doc_sha256, '\0', sizeof r->doc_sha256) != NULL);
    QN_FZ_ASSERT(memchr(r->key_type, '\0', sizeof r->key_type) != NULL);
    QN_FZ_ASSERT((r->cert_der == NULL) == (r->cert_der_len == 0));
}

static void check_outcome(qn_code rc, const qn_sign_result *r, const qn_err *err)
{
    check_terminated(r);
    QN_FZ_ASSERT(r->code >= QN_SIGN_OK && r->code < QN_SIGN_CODE_COUNT);
    QN_FZ_ASSERT((rc == QN_OK) == (r->code == QN_SIGN_OK));
    if (rc != QN_OK) {
        if (rc != QN_E_SIGNATURE)
            fprintf(stderr, "refusal as %s (%s): %s\n", qn_code_name(rc), qn_sign_code_name(r->code), r->detail);
        QN_FZ_ASSERT(rc == QN_E_SIGNATURE);
        QN_FZ_ASSERT(strcmp(err->sub, qn_sign_code_name(r->code)) == 0);
        QN_FZ_ASSERT(r->detail[0] != '\0' && err->message[0] != '\0');
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint8_t o = data[0];
    size_t sig_len = size - 1;
    unsigned char *sig = malloc(sig_len ? sig_len : 1); /* exactly the bytes: no NUL after them */
    if (!sig)
        return 0;
    memcpy(sig, data + 1, sig_len);

    qn_sign_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.purpose = (o & 1) ? QN_SIGN_PURPOSE_LOGIN : QN_SIGN_PURPOSE_DOCUMENT;
    opts.now = FUZZ_NOW;
    opts.require_crl = (o >> 2) & 1;
    opts.require_valid_now = (o >> 3) & 1;
    if (o & 0x10)
        opts.expected_iin = "000101300009";
    if (o & 0x20)
        opts.expected_id = "940140000385";
    if (o & 0x40)
        opts.max_age = 3600;

    qn_sign_result r, again;
    qn_sign_result_init(&r);
    qn_sign_result_init(&again);
    qn_err err;
    qn_code rc = qn_sign_verify(trust, doc, doc_len, sig, sig_len, &opts, &r, &err);
    check_outcome(rc, &r, &err);
    if (getenv("QN_FUZZ_VERBOSE"))
        fprintf(stderr, "option %#x: %s (%s) iin %s\n", o, qn_sign_code_name(r.code), r.detail, r.iin);
    qn_err err2;
    qn_code rc2 = qn_sign_verify(trust, doc, doc_len, sig, sig_len, &opts, &again, &err2);
    QN_FZ_ASSERT(rc2 == rc && again.code == r.code);

    if (rc == QN_OK) {
        QN_FZ_ASSERT(strlen(r.iin) == 12 && qn_sign_kz_id_valid(r.iin));
        QN_FZ_ASSERT(r.cert_der != NULL && r.subject[0] != '\0' && r.issuer[0] != '\0');
        QN_FZ_ASSERT(strcmp(r.doc_sha256, doc_hex) == 0);
        QN_FZ_ASSERT(r.signing_time > 0 && r.signing_time <= FUZZ_NOW + QN_SIGN_DEFAULT_SKEW);
        if (opts.expected_iin)
            QN_FZ_ASSERT(strcmp(r.iin, opts.expected_iin) == 0);
        /* one byte of the document changed: never accepted */
        unsigned char *other = malloc(doc_len);
        if (other) {
            memcpy(other, doc, doc_len);
            other[(size_t)o % doc_len] ^= 0x01;
            qn_code rc3 = qn_sign_verify(trust, other, doc_len, sig, sig_len, &opts, &again, &err2);
            check_outcome(rc3, &again, &err2);
            QN_FZ_ASSERT(rc3 == QN_E_SIGNATURE && again.code == QN_SIGN_DIGEST_MISMATCH);
            free(other);
        }
    }

    if (o & 0x80) {
        char challenge[QN_SIGN_CHALLENGE_LEN + 1];
        QN_FZ_ASSERT(qn_sign_challenge_new(challenge, NULL) == QN_OK);
        qn_code rl = qn_sign_verify_login(trust, challenge, sig, sig_len, FUZZ_NOW, &again, &err2);
        check_outcome(rl, &again, &err2);
        QN_FZ_ASSERT(rl != QN_OK);
    }
    qn_sign_result_free(&r);
    qn_sign_result_free(&again);
    free(sig);
    return 0;
}
