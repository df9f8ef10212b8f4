/* service.h — the service layer: one function per use case.
 *
 * The service layer is the only place that combines the store (records) and
 * the core (rules). Adapters (HTTP, CLI) decode their input into the typed
 * structs declared here, call one qn_svc_* function with a context naming
 * the acting principal, and encode what comes back. Authorisation is
 * decided here, on every call, never in the adapters:
 *   - a host (individual, legal entity, hotel) sees and changes only its own
 *     notifications (hotel operators share their BIN's notifications);
 *   - an officer sees only the notifications of their territorial
 *     subdivision (region code);
 *   - a border officer reads stays and notifications by document;
 *   - an analyst sees only aggregates;
 *   - an administrator manages accounts and decides no case.
 *
 * A qn_service holds the store (and its connection pool), the login rate
 * limiter and the configuration; it is created once by the server and used
 * from every request thread. All functions are thread-safe.
 */
#ifndef QN_SERVICE_SERVICE_H
#define QN_SERVICE_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "core/error.h"

typedef enum {
    QN_ROLE_NONE = 0,
    QN_ROLE_HOST_INDIVIDUAL, /* "host-individual": citizen of RK, 18+, by IIN */
    QN_ROLE_HOST_LEGAL,      /* "host-legal-entity": by BIN */
    QN_ROLE_HOTEL,           /* "hotel": by BIN, several operators per BIN */
    QN_ROLE_CITIZEN,         /* "citizen" */
    QN_ROLE_FOREIGNER,       /* "foreigner" (or stateless person) */
    QN_ROLE_OFFICER,         /* "officer" of a territorial subdivision */
    QN_ROLE_BORDER,          /* "border" officer */
    QN_ROLE_ANALYST,         /* "analyst" */
    QN_ROLE_ADMIN,           /* "admin" */
    QN_ROLE_COUNT
} qn_role;

/* "host-individual", "hotel", ...; "none" for QN_ROLE_NONE. */
const char *qn_role_name(qn_role role);

/* Parses a role name; false when unknown. */
bool qn_role_parse(const char *name, qn_role *out);

/* True for the three roles that notify arrivals. */
bool qn_role_is_host(qn_role role);

/* How the caller proved who they are. */
typedef enum {
    QN_CRED_NONE = 0,
    QN_CRED_BEARER,  /* Authorization: Bearer <session token> */
    QN_CRED_COOKIE,  /* session cookie (portal); unsafe methods need the CSRF header */
    QN_CRED_API_KEY, /* X-API-Key (a hotel's property-management system) */
} qn_cred_kind;

typedef struct {
    int64_t account_id;
    qn_role role;
    char username[65];
    char region[17];   /* officer's subdivision code ("75" = Almaty city); "" otherwise */
    char party_id[16]; /* IIN (individual) or BIN (legal entity, hotel); "" otherwise */
    qn_cred_kind via;
    int64_t session_id;  /* the session or API key used */
    char csrf_hash[72];  /* hex SHA-256 of the session's CSRF token */
    char token_hash[72]; /* hex SHA-256 of the session token ("" for API keys) */
} qn_principal;

typedef struct qn_service qn_service;

/* What one service call runs with: the service, the acting principal
 * (never NULL; role QN_ROLE_NONE when anonymous), the time of the request
 * and where it came from. db_ns accumulates the time spent in the store
 * (for the metrics). */
typedef struct {
    qn_service *svc;
    const qn_principal *who;
    int64_t now; /* epoch seconds (UTC) */
    char client_addr[64];
    uint64_t db_ns;
} qn_svc_ctx;

typedef struct {
    const char *db_url; /* NULL: sqlite:var/qonaq.db */
    int pool_size;      /* store connections (0: the store's default) */
    bool cheap_pwhash;  /* libsodium's minimum argon2id cost (tests, benchmarks) */
    int idem_retention_days; /* idempotency keys kept (0: the store's default, 7 days) */
    size_t batch_max_rows; /* rows per notification batch (0: QN_BATCH_MAX_ROWS, 10,000; notif) */
    /* SQLite: the group commit flushes in its COMMIT instead of on the
     * syncer thread (committer.c), so a group is durable the moment it is
     * visible; at the cost of the committer's time (docs/storage.md). */
    bool sync_in_commit;
} qn_service_config;

/* Opens the store (applying migrations) and prepares the service. Errors:
 * QN_E_UNAVAILABLE when the database cannot be opened. Free with
 * qn_service_free (accepts NULL). */
qn_code qn_service_new(const qn_service_config *cfg, qn_service **out, qn_err *e);
void qn_service_free(qn_service *svc);

/* "sqlite" or "postgresql". */
const char *qn_service_backend(const qn_service *svc);

/* Liveness of the database: takes a connection and reads the schema
 * version. QN_E_UNAVAILABLE when it cannot. */
qn_code qn_service_health(qn_svc_ctx *ctx, int *schema_version, qn_err *e);

/* Group commit counters (committer.h): groups committed, single
 * submissions written through them, the largest group, nanoseconds spent
 * writing groups and the part of it in COMMIT, and (SQLite) the syncer's
 * flushes. Thread-safe. */
typedef struct {
    uint64_t groups, jobs, largest, busy_ns, commit_ns, syncs;
} qn_service_commit_counters;
void qn_service_commit_stats(qn_service *svc, qn_service_commit_counters *out);

/* A context for the service's own work (seeding, CLI): the system principal. */
void qn_svc_ctx_system(qn_svc_ctx *ctx, qn_service *svc, const qn_principal *system);

#endif
