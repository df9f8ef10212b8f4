/* cmd_sign.c — `qonaq sign verify`: verify a signed document from files.
 *
 * A thin adapter over qn_sign_verify (src/sign/sign.h), used to re-verify a
 * stored signature (document bytes + CMS + the trusted CAs + CRLs) at any
 * time. Prints the result readably or as one JSON object (--json). Exit
 * status: 0 accepted, 1 refused, 2 bad arguments or unreadable files.
 *
 * `qonaq sign verify --id N [--db URL]` re-verifies signature N stored in
 * the database (its document, CMS and signer) against the trusted CAs and
 * CRLs configured there, through the service layer (qn_svc_signature_reverify).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "cli/commands.h"
#include "service/signing.h"
#include "sign/sign.h"

#define MAX_FILES 16

static void usage(FILE *out)
{
    fprintf(out,
            "usage: qonaq sign verify --doc FILE --sig FILE --ca FILE [--ca FILE...]\n"
            "                         [--crl FILE...] [--signer IIN|BIN] [--login]\n"
            "                         [--require-crl] [--at UNIX_SECONDS] [--json]\n\n"
            "Verifies a detached CMS signature (DER, base64 or PEM) over the exact bytes of\n"
            "--doc, with the trusted CA certificates (--ca, DER or PEM) and CRLs (--crl).\n"
            "--signer requires the signer's IIN (or the BIN of his legal entity); --login\n"
            "applies the login key usage policy; --at sets the verifier's clock.\n"
            "Exit status: 0 accepted, 1 refused, 2 bad arguments.\n\n"
            "       qonaq sign verify --id N [--db URL] [--at UNIX_SECONDS] [--json]\n\n"
            "Re-verifies signature N stored in the database (default $QONAQ_DB, else\n"
            "sqlite:var/qonaq.db) with the trusted CAs and CRLs configured there.\n");
}

/* Reads at most limit + 1 bytes (so that an over-large file is reported by
 * the verifier as too_large). Returns NULL with a message on failure. */
static unsigned char *read_file(const char *path, size_t limit, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "qonaq sign: cannot open %s\n", path);
        return NULL;
    }
    unsigned char *buf = malloc(limit + 2);
    if (buf == NULL) {
        fclose(f);
        return NULL;
    }
    *len = fread(buf, 1, limit + 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        fprintf(stderr, "qonaq sign: cannot read %s\n", path);
        free(buf);
        return NULL;
    }
    buf[*len] = '\0';
    return buf;
}

static void iso_time(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (t == 0 || gmtime_r(&tt, &tm) == NULL)
        snprintf(buf, size, "-");
    else
        strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void print_json(const qn_sign_result *r)
{
    char nb[32], na[32], st[32];
    iso_time(r->not_before, nb, sizeof nb);
    iso_time(r->not_after, na, sizeof na);
    iso_time(r->signing_time, st, sizeof st);
    json_t *o = json_object();
    json_object_set_new(o, "valid", json_boolean(r->code == QN_SIGN_OK));
    json_object_set_new(o, "code", json_string(qn_sign_code_name(r->code)));
    json_object_set_new(o, "detail", json_string(r->detail));
    json_object_set_new(o, "iin", r->iin[0] ? json_string(r->iin) : json_null());
    json_object_set_new(o, "bin", r->bin[0] ? json_string(r->bin) : json_null());
    json_object_set_new(o, "subject_cn", json_string(r->subject_cn));
    json_object_set_new(o, "subject", json_string(r->subject));
    json_object_set_new(o, "issuer", json_string(r->issuer));
    json_object_set_new(o, "serial", json_string(r->serial_hex));
    json_object_set_new(o, "not_before", r->not_before ? json_string(nb) : json_null());
    json_object_set_new(o, "not_after", r->not_after ? json_string(na) : json_null());
    json_object_set_new(o, "signing_time", r->signing_time ? json_string(st) : json_null());
    json_object_set_new(o, "doc_sha256", json_string(r->doc_sha256));
    json_object_set_new(o, "key_type", json_string(r->key_type));
    if (r->cert_der_len > 0 && r->cert_der_len < 64 * 1024) {
        unsigned char *b64 = malloc(r->cert_der_len / 3 * 4 + 8);
        if (b64 != NULL) {
            EVP_EncodeBlock(b64, r->cert_der, (int)r->cert_der_len);
            json_object_set_new(o, "certificate_der_base64", json_string((char *)b64));
            free(b64);
        }
    }
    char *text = json_dumps(o, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    if (text)
        printf("%s\n", text);
    free(text);
    json_decref(o);
}

static void print_text(const qn_sign_result *r)
{
    char nb[32], na[32], st[32];
    iso_time(r->not_before, nb, sizeof nb);
    iso_time(r->not_after, na, sizeof na);
    iso_time(r->signing_time, st, sizeof st);
    if (r->code == QN_SIGN_OK)
        printf("valid: %s\n", r->detail);
    else
        printf("refused (%s): %s\n", qn_sign_code_name(r->code), r->detail);
    if (r->subject[0]) {
        printf("  signer:       %s\n", r->subject);
        printf("  IIN:          %s\n", r->iin[0] ? r->iin : "-");
        printf("  BIN:          %s\n", r->bin[0] ? r->bin : "-");
        printf("  issuer:       %s\n", r->issuer);
        printf("  serial:       %s\n", r->serial_hex);
        printf("  valid:        %s .. %s\n", nb, na);
        printf("  key:          %s\n", r->key_type);
    }
    printf("  signing time: %s\n", st);
    printf("  doc sha256:   %s\n", r->doc_sha256);
}

/* `qonaq sign verify --id N --db URL`: a stored signature, verified again. */
static int verify_stored(int argc, char **argv)
{
    const char *db = getenv("QONAQ_DB");
    if (!db || !db[0])
        db = "sqlite:var/qonaq.db";
    long long id = 0;
    int json = 0;
    int64_t now = (int64_t)time(NULL);
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        char *end = NULL;
        if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (strcmp(a, "--db") == 0 && has_value) {
            db = argv[++i];
        } else if (strcmp(a, "--id") == 0 && has_value) {
            id = strtoll(argv[++i], &end, 10);
            if (end == argv[i] || *end != '\0' || id <= 0) {
                fprintf(stderr, "qonaq sign: --id wants a positive signature id, got '%s'\n", argv[i]);
                return 2;
            }
        } else if (strcmp(a, "--at") == 0 && has_value) {
            long long v = strtoll(argv[++i], &end, 10);
            if (end == argv[i] || *end != '\0' || v <= 0) {
                fprintf(stderr, "qonaq sign: --at wants Unix seconds, got '%s'\n", argv[i]);
                return 2;
            }
            now = (int64_t)v;
        } else {
            fprintf(stderr, "qonaq sign: with --id only --db, --at and --json apply, not '%s'\n", a);
            return 2;
        }
    }
    qn_service_config cfg = {.db_url = db, .pool_size = 1, .cheap_pwhash = true};
    qn_err err;
    qn_err_clear(&err);
    qn_service *svc = NULL;
    if (qn_service_new(&cfg, &svc, &err) != QN_OK) {
        fprintf(stderr, "qonaq sign: cannot open the database %s: %s\n", db, err.message);
        return 2;
    }
    qn_principal system = {0};
    snprintf(system.username, sizeof system.username, "system");
    qn_svc_ctx ctx;
    qn_svc_ctx_system(&ctx, svc, &system);
    ctx.now = now;
    qn_svc_signature_info info;
    qn_sign_result r;
    qn_sign_result_init(&r);
    qn_code rc = qn_svc_signature_reverify(&ctx, (int64_t)id, &info, &r, &err);
    int status = 1;
    if (rc != QN_OK && rc != QN_E_SIGNATURE) {
        fprintf(stderr, "qonaq sign: %s\n", err.message);
        status = rc == QN_E_NOT_FOUND ? 1 : 2;
    } else {
        if (json) {
            print_json(&r);
        } else {
            printf("signature %lld: %s %lld, signed as %s by %s; stored as %s\n", id, info.subject_kind,
                   (long long)info.subject_id, info.signer_role, info.signer_id, info.stored_result);
            print_text(&r);
        }
        status = rc == QN_OK ? 0 : 1;
    }
    qn_sign_result_free(&r);
    qn_service_free(svc);
    return status;
}

int qn_cmd_sign(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    if (argc < 2 || strcmp(argv[1], "verify") != 0) {
        fprintf(stderr, "qonaq sign: expected 'verify'\n");
        usage(stderr);
        return 2;
    }
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--id") == 0)
            return verify_stored(argc, argv);
    const char *doc_path = NULL, *sig_path = NULL, *signer = NULL;
    const char *cas[MAX_FILES], *crls[MAX_FILES];
    size_t n_cas = 0, n_crls = 0;
    int json = 0, login = 0, require_crl = 0;
    int64_t now = (int64_t)time(NULL);
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (strcmp(a, "--json") == 0)
            json = 1;
        else if (strcmp(a, "--login") == 0)
            login = 1;
        else if (strcmp(a, "--require-crl") == 0)
            require_crl = 1;
        else if (strcmp(a, "--doc") == 0 && has_value)
            doc_path = argv[++i];
        else if (strcmp(a, "--sig") == 0 && has_value)
            sig_path = argv[++i];
        else if (strcmp(a, "--signer") == 0 && has_value)
            signer = argv[++i];
        else if (strcmp(a, "--ca") == 0 && has_value && n_cas < MAX_FILES)
            cas[n_cas++] = argv[++i];
        else if (strcmp(a, "--crl") == 0 && has_value && n_crls < MAX_FILES)
            crls[n_crls++] = argv[++i];
        else if (strcmp(a, "--at") == 0 && has_value) {
            char *end = NULL;
            long long v = strtoll(argv[++i], &end, 10);
            if (end == argv[i] || *end != '\0' || v <= 0) {
                fprintf(stderr, "qonaq sign: --at wants Unix seconds, got '%s'\n", argv[i]);
                return 2;
            }
            now = (int64_t)v;
        } else {
            fprintf(stderr, "qonaq sign: unknown or incomplete argument '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (doc_path == NULL || sig_path == NULL || n_cas == 0) {
        fprintf(stderr, "qonaq sign: --doc, --sig and at least one --ca are required\n");
        return 2;
    }
    if (signer != NULL && !qn_sign_kz_id_valid(signer)) {
        fprintf(stderr, "qonaq sign: --signer '%s' is not a valid IIN or BIN\n", signer);
        return 2;
    }

    int status = 2;
    qn_err err;
    qn_err_clear(&err);
    qn_sign_result r;
    qn_sign_result_init(&r);
    unsigned char *doc = NULL, *sig = NULL;
    size_t doc_len = 0, sig_len = 0;
    qn_sign_trust *trust = qn_sign_trust_new();
    if (trust == NULL)
        goto done;
    for (size_t i = 0; i < n_cas + n_crls; i++) {
        const char *path = i < n_cas ? cas[i] : crls[i - n_cas];
        size_t n = 0;
        unsigned char *b = read_file(path, QN_SIGN_MAX_TRUST_BLOB, &n);
        if (b == NULL)
            goto done;
        qn_code rc = i < n_cas ? qn_sign_trust_add_ca(trust, b, n, &err)
                               : qn_sign_trust_add_crl(trust, b, n, &err);
        free(b);
        if (rc != QN_OK) {
            fprintf(stderr, "qonaq sign: %s: %s\n", path, err.message);
            goto done;
        }
    }
    doc = read_file(doc_path, QN_SIGN_MAX_DOC, &doc_len);
    sig = doc ? read_file(sig_path, QN_SIGN_MAX_CMS, &sig_len) : NULL;
    if (sig == NULL)
        goto done;
    qn_sign_opts opts = {.purpose = login ? QN_SIGN_PURPOSE_LOGIN : QN_SIGN_PURPOSE_DOCUMENT,
                         .now = now,
                         .require_crl = require_crl,
                         .require_valid_now = login,
                         .expected_id = signer};
    qn_code rc = qn_sign_verify(trust, doc, doc_len, sig, sig_len, &opts, &r, &err);
    if (rc != QN_OK && rc != QN_E_SIGNATURE) {
        fprintf(stderr, "qonaq sign: %s\n", err.message);
        status = 1;
        goto done;
    }
    if (json)
        print_json(&r);
    else
        print_text(&r);
    status = rc == QN_OK ? 0 : 1;
done:
    free(doc);
    free(sig);
    qn_sign_result_free(&r);
    qn_sign_trust_free(trust);
    return status;
}
