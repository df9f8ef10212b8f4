/* service.c — the service object, roles, and the helpers every use case uses.
 *
 * A connection is held for the whole of one service call (acquire at the
 * start, release at the end); the time between the two is what the metrics
 * call database time. The audit actor on the connection is the calling
 * account, so every record a call writes is attributed to its principal.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/committer.h"
#include "service/service_internal.h"
#include "service/signing_internal.h"

static const char *const role_names[QN_ROLE_COUNT] = {
    [QN_ROLE_NONE] = "none",
    [QN_ROLE_HOST_INDIVIDUAL] = "host-individual",
    [QN_ROLE_HOST_LEGAL] = "host-legal-entity",
    [QN_ROLE_HOTEL] = "hotel",
    [QN_ROLE_CITIZEN] = "citizen",
    [QN_ROLE_FOREIGNER] = "foreigner",
    [QN_ROLE_OFFICER] = "officer",
    [QN_ROLE_BORDER] = "border",
    [QN_ROLE_ANALYST] = "analyst",
    [QN_ROLE_ADMIN] = "admin",
};

const char *qn_role_name(qn_role role)
{
    return (role >= 0 && role < QN_ROLE_COUNT) ? role_names[role] : "none";
}

bool qn_role_parse(const char *name, qn_role *out)
{
    for (int r = QN_ROLE_HOST_INDIVIDUAL; r < QN_ROLE_COUNT; r++)
        if (name && strcmp(name, role_names[r]) == 0) {
            *out = (qn_role)r;
            return true;
        }
    return false;
}

bool qn_role_is_host(qn_role role)
{
    return role == QN_ROLE_HOST_INDIVIDUAL || role == QN_ROLE_HOST_LEGAL || role == QN_ROLE_HOTEL;
}

const char *qn_svc_store_role(qn_role role)
{
    switch (role) {
    case QN_ROLE_HOST_INDIVIDUAL:
    case QN_ROLE_HOST_LEGAL:
    case QN_ROLE_HOTEL:
        return "host";
    case QN_ROLE_CITIZEN:
        return "citizen";
    case QN_ROLE_FOREIGNER:
        return "foreigner";
    case QN_ROLE_OFFICER:
        return "officer";
    case QN_ROLE_BORDER:
        return "border";
    case QN_ROLE_ANALYST:
        return "analyst";
    case QN_ROLE_ADMIN:
        return "admin";
    default:
        return "system";
    }
}

qn_role qn_svc_role_of(const qn_store_account *a)
{
    if (strcmp(a->role, "host") == 0) {
        if (strcmp(a->host_kind, "hotel") == 0)
            return QN_ROLE_HOTEL;
        if (strcmp(a->host_kind, "legal") == 0)
            return QN_ROLE_HOST_LEGAL;
        return QN_ROLE_HOST_INDIVIDUAL;
    }
    static const struct {
        const char *store;
        qn_role role;
    } map[] = {{"citizen", QN_ROLE_CITIZEN}, {"foreigner", QN_ROLE_FOREIGNER}, {"officer", QN_ROLE_OFFICER},
               {"border", QN_ROLE_BORDER},   {"analyst", QN_ROLE_ANALYST},     {"admin", QN_ROLE_ADMIN}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(a->role, map[i].store) == 0)
            return map[i].role;
    return QN_ROLE_NONE;
}

void qn_svc_sha256_hex(const char *s, char out[65])
{
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(d, (const unsigned char *)s, strlen(s));
    sodium_bin2hex(out, 65, d, sizeof d);
}

qn_code qn_svc_hash_password(const qn_service *svc, const char *password, char out[QN_STORE_HASH_MAX + 1],
                             qn_err *e)
{
    char hashed[crypto_pwhash_STRBYTES];
    unsigned long long ops =
        svc->cheap_pwhash ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
    size_t mem = svc->cheap_pwhash ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
    if (crypto_pwhash_str(hashed, password, strlen(password), ops, mem) != 0)
        return qn_err_set(e, QN_E_NOMEM, "cannot hash the password (out of memory)");
    if (strlen(hashed) > QN_STORE_HASH_MAX)
        return qn_err_set(e, QN_E_INTERNAL, "password hash longer than the store keeps");
    snprintf(out, QN_STORE_HASH_MAX + 1, "%s", hashed);
    return QN_OK;
}

qn_date_t qn_svc_today(const qn_svc_ctx *ctx) { return qn_date_from_epoch_kz(ctx->now); }

qn_code qn_service_new(const qn_service_config *cfg, qn_service **out, qn_err *e)
{
    *out = NULL;
    if (sodium_init() < 0)
        return qn_err_set(e, QN_E_INTERNAL, "libsodium failed to initialise");
    qn_service *svc = calloc(1, sizeof *svc);
    if (!svc)
        return qn_err_set(e, QN_E_NOMEM, "out of memory");
    svc->cheap_pwhash = cfg->cheap_pwhash;
    svc->batch_max_rows = cfg->batch_max_rows; /* notif: 0 is the default (notification.c) */
    svc->sync_in_commit = cfg->sync_in_commit;
    pthread_mutex_init(&svc->write_lock, NULL);
    pthread_mutex_init(&svc->doc_lock, NULL);
    qn_store_options opt = {.pool_size = cfg->pool_size,
                            .idem_retention_days = cfg->idem_retention_days};
    qn_code rc = qn_store_open(cfg->db_url, &opt, &svc->store, e);
    if (rc != QN_OK) {
        free(svc);
        return rc;
    }
    svc->serialize_writes = strcmp(qn_store_backend(svc->store), "sqlite") == 0;
    rc = qn_svc_signing_new(cfg, &svc->signing, e); /* sigapi */
    if (rc != QN_OK) {
        qn_service_free(svc);
        return rc;
    }
    rc = qn_svc_hash_password(svc, "qonaq-dummy-password-for-timing", svc->dummy_hash, e);
    if (rc != QN_OK) {
        qn_service_free(svc);
        return rc;
    }
    svc->committer = qn_svc_committer_start(svc);
    if (!svc->committer) {
        qn_service_free(svc);
        return qn_err_set(e, QN_E_NOMEM, "cannot start the committer thread");
    }
    *out = svc;
    return QN_OK;
}

void qn_service_free(qn_service *svc)
{
    if (!svc)
        return;
    qn_svc_committer_stop(svc->committer); /* completes what is queued first */
    qn_store_close(svc->store);
    pthread_mutex_destroy(&svc->write_lock);
    pthread_mutex_destroy(&svc->doc_lock);
    sodium_memzero(svc->doc_key, sizeof svc->doc_key);
    qn_svc_signing_free(svc->signing); /* sigapi */
    free(svc);
}

const char *qn_service_backend(const qn_service *svc) { return qn_store_backend(svc->store); }

void qn_service_commit_stats(qn_service *svc, qn_service_commit_counters *out)
{
    qn_svc_commit_stats st;
    qn_svc_committer_stats(svc->committer, &st);
    out->groups = st.groups;
    out->jobs = st.jobs;
    out->largest = st.largest;
    out->busy_ns = st.busy_ns;
    out->commit_ns = st.commit_ns;
    out->syncs = st.syncs;
}

qn_code qn_svc_acquire(qn_svc_ctx *ctx, qn_svc_conn *c, qn_err *e)
{
    clock_gettime(CLOCK_MONOTONIC, &c->taken);
    c->conn = NULL;
    qn_code rc = qn_store_acquire(ctx->svc->store, &c->conn, e);
    if (rc != QN_OK) {
        c->conn = NULL;
        return rc;
    }
    const qn_principal *who = ctx->who;
    qn_store_set_actor(c->conn, who ? who->account_id : 0,
                       who && who->username[0] ? who->username : "system");
    return QN_OK;
}

qn_code qn_svc_acquire_writer(qn_svc_ctx *ctx, qn_svc_conn *c, qn_err *e)
{
    c->holds_write_lock = false;
    if (ctx->svc->serialize_writes) {
        pthread_mutex_lock(&ctx->svc->write_lock);
        c->holds_write_lock = true;
    }
    qn_code rc = qn_svc_acquire(ctx, c, e);
    if (rc != QN_OK && c->holds_write_lock) {
        pthread_mutex_unlock(&ctx->svc->write_lock);
        c->holds_write_lock = false;
    }
    return rc;
}

void qn_svc_release(qn_svc_ctx *ctx, qn_svc_conn *c)
{
    if (!c->conn && c->taken.tv_sec == 0)
        return;
    if (c->conn)
        qn_store_release(c->conn);
    c->conn = NULL;
    if (c->holds_write_lock) {
        pthread_mutex_unlock(&ctx->svc->write_lock);
        c->holds_write_lock = false;
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t ns = (int64_t)(now.tv_sec - c->taken.tv_sec) * 1000000000 + (now.tv_nsec - c->taken.tv_nsec);
    if (ns > 0)
        ctx->db_ns += (uint64_t)ns;
    c->taken.tv_sec = 0;
}

qn_code qn_service_health(qn_svc_ctx *ctx, int *schema_version, qn_err *e)
{
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc == QN_OK)
        rc = qn_store_schema_version(c.conn, schema_version, e);
    qn_svc_release(ctx, &c);
    if (rc != QN_OK && rc != QN_E_UNAVAILABLE && e) {
        char why[sizeof e->message];
        snprintf(why, sizeof why, "%s", e->message);
        rc = qn_err_set(e, QN_E_UNAVAILABLE, "the database does not answer: %s", why);
    }
    return rc;
}

void qn_svc_ctx_system(qn_svc_ctx *ctx, qn_service *svc, const qn_principal *system)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->svc = svc;
    ctx->who = system;
    ctx->now = (int64_t)time(NULL);
    snprintf(ctx->client_addr, sizeof ctx->client_addr, "local");
}
