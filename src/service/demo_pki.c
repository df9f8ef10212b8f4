/* demo_pki.c — the demo PKI of `qonaq serve --demo`, so that login by
 * signature, signed documents and one-time codes work out of the box.
 *
 * Steps (each idempotent, so a restart of the demo keeps everything):
 *  1. qn_ca_demo (src/sign/ca.h) creates or keeps the demo CA in
 *     <data dir>/demo-ca (the SQLite file's directory, e.g. var/demo-ca);
 *  2. its root (ca.pem) and CRL (crl.der) are uploaded as the administrator
 *     would (the system acting as administrator), so they pass the same
 *     checks; "already trusted" is fine;
 *  3. the demo accounts are bound to the demo CA's persons for login by
 *     signature: host <- SADYKOVA (host), hotel <- OSPANOV for the hotel's
 *     BIN, citizen <- BEKOV (the housing owner), officer <- ZHUMABAYEV for
 *     the Migration Service's BIN;
 *  4. the mobile citizens database gets demo phones for the citizen's and
 *     the demo host's IINs;
 *  5. one block on stdout says where the PKCS#12 files are.
 * The demo accounts carry their persons' IINs and BINs (demo.c takes them
 * from sign/ca.h), so a document signed with a person's signing key is
 * signed by the account's own person; the bindings serve login by signature
 * (the hotel's and the officer's employees sign for a BIN).
 */
#include "service/demo_pki.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "service/demo.h"
#include "service/signing_internal.h"
#include "sign/ca.h"

#define DEMO_CITIZEN_PHONE "+77010000001"
#define DEMO_HOST_PHONE "+77010000002"

const char *qn_svc_demo_pki_dir(qn_service *svc, char *buf, size_t size)
{
    snprintf(buf, size, "%s/demo-ca", qn_svc_signing_of(svc)->data_dir);
    return buf;
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = malloc(QN_SIGN_MAX_TRUST_BLOB);
    size_t n = buf ? fread(buf, 1, QN_SIGN_MAX_TRUST_BLOB, f) : 0;
    fclose(f);
    if (!buf || n == 0 || n == QN_SIGN_MAX_TRUST_BLOB) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static qn_code upload(qn_svc_ctx *ctx, const char *dir, const char *file, bool crl, qn_err *e)
{
    char path[640];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    size_t len = 0;
    unsigned char *blob = read_file(path, &len);
    if (!blob)
        return qn_err_set(e, QN_E_INTERNAL, "cannot read %s", path);
    qn_err one;
    qn_err_clear(&one);
    qn_code rc;
    if (crl) {
        int64_t ca_id = 0;
        rc = qn_svc_crl_upload(ctx, blob, len, &ca_id, &one);
    } else {
        qn_svc_ca_view v;
        rc = qn_svc_ca_upload(ctx, blob, len, &v, &one);
    }
    free(blob);
    if (rc == QN_E_CONFLICT) /* already trusted, or a newer CRL loaded */
        return QN_OK;
    if (rc != QN_OK && e)
        *e = one;
    return rc;
}

static const qn_ca_person *person(const char *slug)
{
    size_t n = 0;
    const qn_ca_person *p = qn_ca_demo_persons(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(p[i].slug, slug) == 0)
            return &p[i];
    return NULL;
}

/* Demo account <- demo CA person (with the person's BIN when acting for an entity). */
static const struct {
    const char *account;
    const char *slug;
} bindings[] = {{"host", "host"}, {"hotel", "hotel"}, {"citizen", "owner"}, {"officer", "officer"}};

qn_code qn_svc_demo_pki_seed(qn_service *svc, qn_err *e)
{
    char dir[600];
    qn_svc_demo_pki_dir(svc, dir, sizeof dir);
    mkdir(qn_svc_signing_of(svc)->data_dir, 0755); /* may exist; qn_ca_demo reports real failures */
    int created = 0;
    qn_code rc = qn_ca_demo(dir, &created, e);
    if (rc != QN_OK)
        return rc;

    qn_principal admin = {0};
    admin.role = QN_ROLE_ADMIN; /* the system acting as administrator: same checks as an upload */
    snprintf(admin.username, sizeof admin.username, "system");
    qn_svc_ctx ctx;
    qn_svc_ctx_system(&ctx, svc, &admin);
    rc = upload(&ctx, dir, "ca.pem", false, e);
    if (rc == QN_OK)
        rc = upload(&ctx, dir, "crl.der", true, e);
    if (rc != QN_OK)
        return rc;

    qn_principal system = {0};
    snprintf(system.username, sizeof system.username, "system");
    qn_svc_ctx_system(&ctx, svc, &system);
    qn_svc_conn c = {0};
    rc = qn_svc_acquire_writer(&ctx, &c, e);
    const qn_ca_person *owner = person("owner");
    for (size_t i = 0; rc == QN_OK && i < sizeof bindings / sizeof bindings[0]; i++) {
        const qn_ca_person *p = person(bindings[i].slug);
        qn_store_account a;
        qn_err miss;
        qn_err_clear(&miss);
        if (!p || qn_store_account_by_username(c.conn, bindings[i].account, &a, &miss) != QN_OK)
            continue; /* that demo account does not exist: nothing to bind */
        rc = qn_store_signer_bind(c.conn, p->iin, p->bin ? p->bin : "", a.id, e);
    }
    if (rc == QN_OK && owner)
        rc = qn_store_mobile_put(c.conn, owner->iin, DEMO_CITIZEN_PHONE, e);
    size_t n = 0;
    const qn_demo_account *acc = qn_demo_accounts(&n);
    for (size_t i = 0; rc == QN_OK && i < n; i++)
        if (strcmp(acc[i].username, "host") == 0 && acc[i].binding[0])
            rc = qn_store_mobile_put(c.conn, acc[i].binding, DEMO_HOST_PHONE, e);
    qn_svc_release(&ctx, &c);
    if (rc != QN_OK)
        return rc;

    printf("qonaq: demo PKI %s in %s (PKCS#12 password '%s'; *_auth.p12 logs in, *_sign.p12 signs):\n",
           created ? "created" : "kept", dir, QN_CA_DEMO_P12_PASSWORD);
    for (size_t i = 0; i < sizeof bindings / sizeof bindings[0]; i++) {
        const qn_ca_person *p = person(bindings[i].slug);
        if (p)
            printf("  %-8s <- %-18s IIN %s%s%s  %s_auth.p12 %s_sign.p12\n", bindings[i].account, p->name,
                   p->iin, p->bin ? " BIN " : "", p->bin ? p->bin : "", p->slug, p->slug);
    }
    printf("  trusted root %s/ca.pem, CRL %s/crl.pem; SMS codes: GET /api/v1/admin/outbox (admin)\n", dir,
           dir);
    fflush(stdout);
    return QN_OK;
}
