/* ca.c — the demo certificate authority (see ca.h).
 *
 * Everything is built with the libcrypto API: keys with EVP_RSA_gen /
 * EVP_EC_gen, certificates with X509_* and X509V3 extension strings, the CRL
 * with X509_CRL_*, the PKCS#12 files with PKCS12_create (OpenSSL 3 defaults:
 * AES-256-CBC, PBKDF2, HMAC-SHA256). Subjects follow the national layout
 * that qn_sign_verify reads: serialNumber "IIN<12 digits>", and for a legal
 * entity organizationalUnitName "BIN<12 digits>" beside the organisation.
 */
#include "sign/ca.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "sign/sign_internal.h"

#define DAY (24L * 3600L)

/* Synthetic identifiers with valid check digits (kz_rules.md §4.4). */
static const qn_ca_person persons[] = {
    {"host", "SADYKOVA AIGERIM", "host", QN_CA_DEMO_HOST_IIN, NULL, NULL, 1, NULL},
    {"owner", "BEKOV YERLAN", "owner", QN_CA_DEMO_OWNER_IIN, NULL, NULL, 0, NULL},
    {"coowner", "BEKOVA DANA", "co_owner", QN_CA_DEMO_COOWNER_IIN, NULL, NULL, 0, NULL},
    {"hotel", "OSPANOV MARAT", "hotel", QN_CA_DEMO_HOTEL_IIN, QN_CA_DEMO_HOTEL_BIN, "Hotel Qonaq Demo LLP", 0,
     NULL},
    {"officer", "ZHUMABAYEV ASKAR", "officer", QN_CA_DEMO_OFFICER_IIN, QN_CA_DEMO_OFFICER_BIN,
     "Migration Service (demo)", 0, NULL},
    {"expired", "ESKIEV TIMUR", "test", "920228403459", NULL, NULL, 0, "expired"},
    {"revoked", "ZHOGALT SAULE", "test", "800606306784", NULL, NULL, 0, "revoked"},
};

const qn_ca_person *qn_ca_demo_persons(size_t *n)
{
    if (n)
        *n = sizeof persons / sizeof persons[0];
    return persons;
}

typedef struct {
    const char *dir;
    X509 *ca;
    EVP_PKEY *ca_key;
    qn_err *err;
} ca_ctx;

static void path_of(const ca_ctx *c, const char *file, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", c->dir, file);
}

static qn_code fail(ca_ctx *c, const char *what)
{
    unsigned long e = ERR_get_error();
    char lib[160] = "";
    if (e)
        ERR_error_string_n(e, lib, sizeof lib);
    ERR_clear_error();
    return qn_err_set(c->err, QN_E_INTERNAL, "demo CA: %s%s%s", what, lib[0] ? ": " : "", lib);
}

/* Opens a file for writing with the given mode (0600 for keys). */
static FILE *open_out(const ca_ctx *c, const char *file, mode_t mode)
{
    char path[1024];
    path_of(c, file, path, sizeof path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0)
        return NULL;
    fchmod(fd, mode);
    FILE *f = fdopen(fd, "wb");
    if (f == NULL)
        close(fd);
    return f;
}

static int file_exists(const ca_ctx *c, const char *file)
{
    char path[1024];
    struct stat st;
    path_of(c, file, path, sizeof path);
    return stat(path, &st) == 0;
}

static X509 *read_cert(const ca_ctx *c, const char *file)
{
    char path[1024];
    path_of(c, file, path, sizeof path);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    return x;
}

static EVP_PKEY *read_key(const ca_ctx *c, const char *file)
{
    char path[1024];
    path_of(c, file, path, sizeof path);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    return k;
}

static int write_cert(const ca_ctx *c, const char *file, X509 *x)
{
    FILE *f = open_out(c, file, 0644);
    if (f == NULL)
        return 0;
    int ok = PEM_write_X509(f, x);
    return fclose(f) == 0 && ok;
}

static int write_key(const ca_ctx *c, const char *file, EVP_PKEY *k)
{
    FILE *f = open_out(c, file, 0600);
    if (f == NULL)
        return 0;
    int ok = PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
    return fclose(f) == 0 && ok;
}

static int write_p12(const ca_ctx *c, const char *file, const char *friendly, EVP_PKEY *k, X509 *x)
{
    STACK_OF(X509) *chain = sk_X509_new_null();
    if (chain == NULL || !sk_X509_push(chain, c->ca)) {
        sk_X509_free(chain);
        return 0;
    }
    PKCS12 *p12 = PKCS12_create(QN_CA_DEMO_P12_PASSWORD, friendly, k, x, chain, 0, 0, 0, 0, 0);
    sk_X509_free(chain);
    if (p12 == NULL)
        return 0;
    FILE *f = open_out(c, file, 0600);
    int ok = f != NULL && i2d_PKCS12_fp(f, p12);
    if (f != NULL && fclose(f) != 0)
        ok = 0;
    PKCS12_free(p12);
    return ok;
}

static int add_ext(X509 *issuer, X509 *subject, int nid, const char *value)
{
    X509V3_CTX v3;
    X509V3_set_ctx(&v3, issuer, subject, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
    if (ext == NULL)
        return 0;
    int ok = X509_add_ext(subject, ext, -1);
    X509_EXTENSION_free(ext);
    return ok;
}

static int add_name(X509_NAME *n, const char *field, const char *value)
{
    return X509_NAME_add_entry_by_txt(n, field, MBSTRING_UTF8, (const unsigned char *)value, -1, -1, 0);
}

/* A certificate valid from now+from_days (less QN_CA_DEMO_BACKDATE_SECONDS)
 * to now+to_days, signed by the CA (or self-signed when issuer is NULL). */
static X509 *make_cert(ca_ctx *c, EVP_PKEY *key, X509_NAME *subject, long from_days, long to_days,
                       const char *const *exts)
{
    X509 *x = X509_new();
    BIGNUM *bn = BN_new();
    int ok = x && bn && X509_set_version(x, X509_VERSION_3) &&
             BN_rand(bn, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) &&
             BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) && X509_set_subject_name(x, subject) &&
             X509_set_issuer_name(x, c->ca ? X509_get_subject_name(c->ca) : subject) &&
             X509_set_pubkey(x, key) &&
             X509_time_adj_ex(X509_getm_notBefore(x), (int)from_days, -QN_CA_DEMO_BACKDATE_SECONDS, NULL) &&
             X509_time_adj_ex(X509_getm_notAfter(x), (int)to_days, 0, NULL);
    BN_free(bn);
    X509 *issuer = c->ca ? c->ca : x;
    for (size_t i = 0; ok && exts[i] != NULL; i += 2)
        ok = add_ext(issuer, x, OBJ_txt2nid(exts[i]), exts[i + 1]);
    if (ok)
        ok = X509_sign(x, c->ca_key, EVP_sha256()) > 0;
    if (!ok) {
        X509_free(x);
        return NULL;
    }
    return x;
}

static qn_code load_or_make_ca(ca_ctx *c, int *created)
{
    *created = 0;
    int have_cert = file_exists(c, "ca.pem"), have_key = file_exists(c, "ca.key");
    if (have_cert || have_key) {
        c->ca = read_cert(c, "ca.pem");
        c->ca_key = read_key(c, "ca.key");
        if (c->ca == NULL || c->ca_key == NULL || X509_check_private_key(c->ca, c->ca_key) != 1) {
            ERR_clear_error();
            return qn_err_set(c->err, QN_E_INVALID,
                              "%s holds a ca.pem/ca.key pair that cannot be read or does not match; "
                              "remove both to create a new demo CA",
                              c->dir);
        }
        return QN_OK;
    }
    c->ca_key = EVP_RSA_gen(2048);
    if (c->ca_key == NULL)
        return fail(c, "RSA key generation");
    X509_NAME *n = X509_NAME_new();
    int ok = n && add_name(n, "C", "KZ") && add_name(n, "O", "Qonaq Demo") &&
             add_name(n, "CN", "Qonaq Demo Root CA (NOT FOR PRODUCTION)");
    static const char *const exts[] = {"basicConstraints",
                                       "critical,CA:TRUE",
                                       "keyUsage",
                                       "critical,keyCertSign,cRLSign",
                                       "subjectKeyIdentifier",
                                       "hash",
                                       NULL};
    X509 *x = ok ? make_cert(c, c->ca_key, n, 0, 10 * 365, exts) : NULL;
    X509_NAME_free(n);
    if (x == NULL)
        return fail(c, "CA certificate");
    c->ca = x;
    if (!write_key(c, "ca.key", c->ca_key) || !write_cert(c, "ca.pem", c->ca))
        return qn_err_set(c->err, QN_E_INTERNAL, "demo CA: cannot write ca.pem/ca.key in %s: %s", c->dir,
                          strerror(errno));
    *created = 1;
    return QN_OK;
}

/* Issues (or keeps) "<slug>_<use>" for a person; returns the certificate. */
static qn_code person_cert(ca_ctx *c, const qn_ca_person *p, const char *use, int force, X509 **out)
{
    char f_cert[128], f_key[128], f_p12[128];
    snprintf(f_cert, sizeof f_cert, "%s_%s.pem", p->slug, use);
    snprintf(f_key, sizeof f_key, "%s_%s.key", p->slug, use);
    snprintf(f_p12, sizeof f_p12, "%s_%s.p12", p->slug, use);
    *out = NULL;
    if (!force && file_exists(c, f_cert) && file_exists(c, f_key) && file_exists(c, f_p12)) {
        X509 *x = read_cert(c, f_cert);
        EVP_PKEY *ck = X509_get0_pubkey(c->ca);
        if (x != NULL && ck != NULL && X509_verify(x, ck) == 1) {
            *out = x;
            return QN_OK;
        }
        X509_free(x); /* not from this CA: issue again */
        ERR_clear_error();
    }
    int is_auth = strcmp(use, "auth") == 0;
    EVP_PKEY *key = (!is_auth && p->rsa_sign) ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
    if (key == NULL)
        return fail(c, "key generation");
    X509_NAME *n = X509_NAME_new();
    int ok = n != NULL && add_name(n, "C", "KZ");
    if (ok && p->organisation)
        ok = add_name(n, "O", p->organisation);
    char bin[16], iin[16];
    if (ok && p->bin) {
        snprintf(bin, sizeof bin, "BIN%s", p->bin);
        ok = add_name(n, "OU", bin);
    }
    snprintf(iin, sizeof iin, "IIN%s", p->iin);
    ok = ok && add_name(n, "CN", p->name) && add_name(n, "serialNumber", iin);
    static const char *const auth_exts[] = {"basicConstraints",
                                            "CA:FALSE",
                                            "keyUsage",
                                            "critical,digitalSignature",
                                            "extendedKeyUsage",
                                            "clientAuth",
                                            "subjectKeyIdentifier",
                                            "hash",
                                            "authorityKeyIdentifier",
                                            "keyid:always",
                                            NULL};
    static const char *const sign_exts[] = {"basicConstraints",
                                            "CA:FALSE",
                                            "keyUsage",
                                            "critical,digitalSignature,nonRepudiation",
                                            "extendedKeyUsage",
                                            "emailProtection",
                                            "subjectKeyIdentifier",
                                            "hash",
                                            "authorityKeyIdentifier",
                                            "keyid:always",
                                            NULL};
    long from = 0, to = 365;
    if (p->special && strcmp(p->special, "expired") == 0) {
        from = -2 * 365;
        to = -365;
    }
    X509 *x = ok ? make_cert(c, key, n, from, to, is_auth ? auth_exts : sign_exts) : NULL;
    X509_NAME_free(n);
    if (x == NULL) {
        EVP_PKEY_free(key);
        return fail(c, "person certificate");
    }
    char friendly[160];
    snprintf(friendly, sizeof friendly, "%s (%s)", p->name, use);
    ok = write_key(c, f_key, key) && write_cert(c, f_cert, x) && write_p12(c, f_p12, friendly, key, x);
    EVP_PKEY_free(key);
    if (!ok) {
        X509_free(x);
        return qn_err_set(c->err, QN_E_INTERNAL, "demo CA: cannot write %s files in %s", f_cert, c->dir);
    }
    *out = x;
    return QN_OK;
}

static qn_code write_crl(ca_ctx *c, X509 *revoked)
{
    X509_CRL *crl = X509_CRL_new();
    /* thisUpdate a few minutes back (QN_CA_DEMO_BACKDATE_SECONDS), like the
     * certificates, so a verifier whose clock lags is not refused. */
    ASN1_TIME *now = X509_time_adj_ex(NULL, 0, -QN_CA_DEMO_BACKDATE_SECONDS, NULL);
    ASN1_TIME *next = X509_time_adj_ex(NULL, 30, 0, NULL);
    ASN1_INTEGER *number = ASN1_INTEGER_new();
    int ok = crl && now && next && number && X509_CRL_set_version(crl, X509_CRL_VERSION_2) &&
             X509_CRL_set_issuer_name(crl, X509_get_subject_name(c->ca)) &&
             X509_CRL_set1_lastUpdate(crl, now) && X509_CRL_set1_nextUpdate(crl, next) &&
             ASN1_INTEGER_set_int64(number, (int64_t)time(NULL)) &&
             X509_CRL_add1_ext_i2d(crl, NID_crl_number, number, 0, 0);
    if (ok && revoked) {
        X509_REVOKED *r = X509_REVOKED_new();
        ok = r && X509_REVOKED_set_serialNumber(r, X509_get_serialNumber(revoked)) &&
             X509_REVOKED_set_revocationDate(r, now) && X509_CRL_add0_revoked(crl, r);
        if (!ok)
            X509_REVOKED_free(r);
    }
    ok = ok && X509_CRL_sort(crl) && X509_CRL_sign(crl, c->ca_key, EVP_sha256()) > 0;
    ASN1_INTEGER_free(number);
    ASN1_TIME_free(now);
    ASN1_TIME_free(next);
    if (!ok) {
        X509_CRL_free(crl);
        return fail(c, "CRL");
    }
    FILE *f = open_out(c, "crl.pem", 0644);
    int wrote = f && PEM_write_X509_CRL(f, crl);
    if (f && fclose(f) != 0)
        wrote = 0;
    f = wrote ? open_out(c, "crl.der", 0644) : NULL;
    wrote = wrote && f && i2d_X509_CRL_fp(f, crl);
    if (f && fclose(f) != 0)
        wrote = 0;
    X509_CRL_free(crl);
    if (!wrote)
        return qn_err_set(c->err, QN_E_INTERNAL, "demo CA: cannot write crl.pem/crl.der in %s", c->dir);
    return QN_OK;
}

static json_t *cert_json(const qn_ca_person *p, const char *use, X509 *x)
{
    char f[128];
    json_t *o = json_object();
    json_object_set_new(o, "use", json_string(use));
    snprintf(f, sizeof f, "%s_%s.pem", p->slug, use);
    json_object_set_new(o, "cert", json_string(f));
    snprintf(f, sizeof f, "%s_%s.key", p->slug, use);
    json_object_set_new(o, "key", json_string(f));
    snprintf(f, sizeof f, "%s_%s.p12", p->slug, use);
    json_object_set_new(o, "p12", json_string(f));
    char label[16] = "", why[160];
    qn_sign_check_key(X509_get0_pubkey(x), label, sizeof label, why, sizeof why);
    json_object_set_new(o, "key_type", json_string(label));
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    char *hex = bn ? BN_bn2hex(bn) : NULL;
    json_object_set_new(o, "serial", json_string(hex ? hex : ""));
    OPENSSL_free(hex);
    BN_free(bn);
    json_object_set_new(o, "not_before", json_integer(qn_sign_asn1_time_to_unix(X509_get0_notBefore(x))));
    json_object_set_new(o, "not_after", json_integer(qn_sign_asn1_time_to_unix(X509_get0_notAfter(x))));
    return o;
}

qn_code qn_ca_demo(const char *dir, int *created_ca, qn_err *err)
{
    if (dir == NULL || dir[0] == '\0' || strlen(dir) > 800)
        return qn_err_set(err, QN_E_INVALID, "no usable directory given");
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return qn_err_set(err, QN_E_INVALID, "cannot create %s: %s", dir, strerror(errno));
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return qn_err_set(err, QN_E_INVALID, "%s is not a directory", dir);

    ca_ctx c = {.dir = dir, .err = err};
    int created = 0;
    qn_code rc = load_or_make_ca(&c, &created);
    json_t *manifest = json_object();
    json_t *people = json_array();
    json_t *tests = json_array();
    X509 *revoked = NULL;
    if (rc != QN_OK)
        goto done;

    for (size_t i = 0; i < sizeof persons / sizeof persons[0]; i++) {
        const qn_ca_person *p = &persons[i];
        json_t *pj = json_object();
        json_object_set_new(pj, "slug", json_string(p->slug));
        json_object_set_new(pj, "name", json_string(p->name));
        json_object_set_new(pj, "role", json_string(p->role));
        json_object_set_new(pj, "iin", json_string(p->iin));
        json_object_set_new(pj, "bin", p->bin ? json_string(p->bin) : json_null());
        json_object_set_new(pj, "organisation", p->organisation ? json_string(p->organisation) : json_null());
        json_t *certs = json_array();
        const char *uses[2] = {"auth", "sign"};
        int n_uses = p->special ? 1 : 2;
        for (int u = 0; u < n_uses; u++) {
            const char *use = p->special ? "sign" : uses[u];
            X509 *x = NULL;
            rc = person_cert(&c, p, use, created, &x);
            if (rc != QN_OK) {
                json_decref(certs);
                json_decref(pj);
                goto done;
            }
            json_t *cj = cert_json(p, use, x);
            if (p->special)
                json_object_set_new(cj, "status", json_string(p->special));
            json_array_append_new(certs, cj);
            if (p->special && strcmp(p->special, "revoked") == 0) {
                X509_free(revoked);
                revoked = x;
            } else {
                X509_free(x);
            }
        }
        json_object_set_new(pj, "certificates", certs);
        json_array_append_new(p->special ? tests : people, pj);
    }
    rc = write_crl(&c, revoked);
    if (rc != QN_OK)
        goto done;

    json_t *ca = json_object();
    json_object_set_new(ca, "cert", json_string("ca.pem"));
    json_object_set_new(ca, "key", json_string("ca.key"));
    char subject[512] = "";
    X509_NAME_oneline(X509_get_subject_name(c.ca), subject, sizeof subject);
    json_object_set_new(ca, "subject", json_string(subject));
    json_object_set_new(manifest, "ca", ca);
    json_t *crl = json_object();
    json_object_set_new(crl, "pem", json_string("crl.pem"));
    json_object_set_new(crl, "der", json_string("crl.der"));
    json_object_set_new(crl, "revokes", json_string("revoked_sign.pem"));
    json_object_set_new(manifest, "crl", crl);
    json_object_set_new(manifest, "p12_password", json_string(QN_CA_DEMO_P12_PASSWORD));
    json_object_set_new(manifest, "note",
                        json_string("Demo PKI for qonaq. Synthetic IINs/BINs with "
                                    "valid check digits. Not for production."));
    json_object_set_new(manifest, "persons", people);
    json_object_set_new(manifest, "test_certificates", tests);
    people = tests = NULL;
    char path[1024];
    path_of(&c, "manifest.json", path, sizeof path);
    if (json_dump_file(manifest, path, JSON_INDENT(2)) != 0)
        rc = qn_err_set(err, QN_E_INTERNAL, "demo CA: cannot write %s", path);

done:
    json_decref(people);
    json_decref(tests);
    json_decref(manifest);
    X509_free(revoked);
    X509_free(c.ca);
    EVP_PKEY_free(c.ca_key);
    if (rc == QN_OK && created_ca)
        *created_ca = created;
    return rc;
}
