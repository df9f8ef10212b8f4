/* service_internal.h — what the files of src/service share and nobody else
 * sees: the service struct and the connection helpers that time the store.
 */
#ifndef QN_SERVICE_INTERNAL_H
#define QN_SERVICE_INTERNAL_H

#include <pthread.h>
#include <time.h>

#include "service/service.h"
#include "store/store.h"

typedef struct qn_svc_signing qn_svc_signing;     /* signing_internal.h (sigapi) */
typedef struct qn_svc_committer qn_svc_committer; /* committer.h (group commit) */

struct qn_service {
    qn_store *store;
    qn_svc_signing *signing; /* trust cache, SMS gateway, OTP key (sigapi) */
    bool cheap_pwhash;
    size_t batch_max_rows; /* notification batches (notif; see notification.h) */
    char dummy_hash[QN_STORE_HASH_MAX + 1]; /* verified against for unknown users (timing) */
    bool serialize_writes;                  /* SQLite: one writer at a time, queued here (see below) */
    bool sync_in_commit;                    /* SQLite: no syncer thread (qn_service_config) */
    pthread_mutex_t write_lock;
    /* web (documents.c): the public origin printed in QR codes and the
     * document verification key once read from the store, under doc_lock. */
    pthread_mutex_t doc_lock;
    char public_url[201];
    unsigned char doc_key[32];
    bool has_doc_key;
    qn_svc_committer *committer; /* group commit of single notifications (committer.h) */
};

/* A store connection held by a service call, with the time it was taken. */
typedef struct {
    qn_store_conn *conn;
    struct timespec taken;
    bool holds_write_lock;
} qn_svc_conn;

/* Takes a connection and sets the audit actor to the caller. */
qn_code qn_svc_acquire(qn_svc_ctx *ctx, qn_svc_conn *c, qn_err *e);

/* The same for a call that writes. On SQLite, writers queue on the
 * service's mutex before taking a connection: SQLite admits one writer and
 * makes the others wait in its busy handler, whose growing sleeps (up to
 * 100 ms each) turned into a p99 of ~900 ms under load; a mutex hands the
 * lock over at once. PostgreSQL writers run concurrently. */
qn_code qn_svc_acquire_writer(qn_svc_ctx *ctx, qn_svc_conn *c, qn_err *e);

/* Releases it (rolling back an open transaction) and adds the time held to
 * ctx->db_ns. Accepts a connection that was never taken. */
void qn_svc_release(qn_svc_ctx *ctx, qn_svc_conn *c);

/* Hex SHA-256 of a NUL-terminated string into out (65 bytes). */
void qn_svc_sha256_hex(const char *s, char out[65]);

/* The store's role string for a role ("host" for the three host roles). */
const char *qn_svc_store_role(qn_role role);

/* The role of a stored account (host kind decides among host roles). */
qn_role qn_svc_role_of(const qn_store_account *a);

/* Hashes a password with argon2id at the service's cost. */
qn_code qn_svc_hash_password(const qn_service *svc, const char *password, char out[QN_STORE_HASH_MAX + 1],
                             qn_err *e);

/* The civil date in Kazakhstan at ctx->now. */
qn_date_t qn_svc_today(const qn_svc_ctx *ctx);

/* Rule checks delegated to the core (rules.c). Each records a field error
 * under `field` and returns false when the value fails. */
bool qn_svc_check_iin_adult(const char *iin, qn_date_t today, const char *field, qn_err *e);
/* The IIN's length, digits and check digit; a field error when not. */
bool qn_svc_check_iin(const char *iin, const char *field, qn_err *e);
bool qn_svc_check_bin(const char *bin, const char *field, qn_err *e);

/* Adds warnings about the planned stay against the regime of the
 * foreigner's citizenship (rules.c, using core stay/regime). */
#include "service/notification.h"
void qn_svc_stay_warnings(const qn_notification_in *in, qn_notification_out *out);

#endif
