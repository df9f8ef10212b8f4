/* committer.h — group commit of the service's single-record writes
 * (internal to src/service).
 *
 * A request that writes one record (a notification of arrival) does all
 * that needs no database (JSON decoding, validation, rules) on its own
 * thread, then hands its write to the service's committer as a job and
 * waits. The committer thread takes every job queued at that moment (up to
 * QN_COMMIT_GROUP_MAX; it never waits for more than what is there: what
 * arrives while a group is being flushed forms the next group), opens one
 * transaction, runs each job's write inside its own savepoint, commits
 * once, and then completes every job with its own result. A job whose write
 * fails is rolled back alone and answered with its own error; a failed
 * COMMIT fails every job of the group (nothing of it was written). A job is
 * completed only after the COMMIT that holds its record returned, so an
 * answer given to a client is durable.
 *
 * On SQLite the committer holds the service's write lock for the group, so
 * other writers (logins, applications, batches) take turns with it. On
 * PostgreSQL the audit head row lock orders groups of several servers.
 *
 * Thread-safety: qn_svc_commit_wait may be called from any thread.
 */
#ifndef QN_SERVICE_COMMITTER_H
#define QN_SERVICE_COMMITTER_H

#include <pthread.h>
#include <stdbool.h>

#include "service/service.h"
#include "store/store.h"

#define QN_COMMIT_GROUP_MAX 256

typedef struct qn_svc_job qn_svc_job;

/* Writes the job's record on conn, inside its savepoint. Returns QN_OK or
 * the job's error (with e filled); the committer then rolls the savepoint
 * back, so a failed write leaves nothing. */
typedef qn_code (*qn_svc_job_write)(qn_svc_job *job, qn_store_conn *conn, qn_err *e);

struct qn_svc_job {
    qn_svc_job_write write;
    int64_t actor_id; /* audit actor of the job's writes */
    char actor[65];
    qn_err *err;      /* where the job's error goes (never NULL) */
    qn_code rc;       /* the result */
    uint64_t wait_ns; /* from queueing to completion */
    /* the committer's */
    qn_svc_job *next;
    struct timespec queued;
    bool finished;
    pthread_cond_t wake; /* qn_svc_commit_wait only */
};

typedef struct qn_svc_committer qn_svc_committer;

/* Starts the committer thread of a service (its store, and on SQLite its
 * write lock). NULL when out of memory or no thread could be started. */
qn_svc_committer *qn_svc_committer_start(qn_service *svc);

/* Completes what is queued, stops the thread and frees. Accepts NULL. */
void qn_svc_committer_stop(qn_svc_committer *cm);

/* Queues job (write, err and actor set) and waits until it is complete;
 * returns job->rc. */
qn_code qn_svc_commit_wait(qn_svc_committer *cm, qn_svc_job *job);

/* Counters since start, for the benchmarks and tests: groups committed and
 * jobs completed, the largest group, the time spent writing groups and the
 * part of it in COMMIT (the flush). */
typedef struct {
    uint64_t groups, jobs, largest;
    uint64_t busy_ns, commit_ns;
    uint64_t syncs; /* SQLite: flushes of the syncer (one covers the groups committed before it) */
} qn_svc_commit_stats;
void qn_svc_committer_stats(qn_svc_committer *cm, qn_svc_commit_stats *out);

#endif
