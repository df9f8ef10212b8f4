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
 * A job may also be posted (qn_svc_commit_post) by a caller that does not
 * wait for it: the exit check's audit event. Such a job is heap-allocated
 * and carries its free function; the committer writes it in its next group
 * like any other and then frees it. Its record is durable once that group
 * commits (a few ms later), not when the poster returns: a kill -9 of the
 * process loses the posted jobs still queued. That is acceptable only for
 * a record that nobody was told is written (the audit of a read); a write
 * whose answer says "recorded" always waits (qn_svc_commit_wait).
 *
 * Thread-safety: qn_svc_commit_wait, qn_svc_commit_post and
 * qn_svc_committer_drain may be called from any thread.
 */
#ifndef QN_SERVICE_COMMITTER_H
#define QN_SERVICE_COMMITTER_H

#include <pthread.h>
#include <stdbool.h>

#include "service/service.h"
#include "store/store.h"

#define QN_COMMIT_GROUP_MAX 256
/* Posted jobs that may wait in the queue at once (about 3 KB each): when
 * commits stall, a post beyond it is refused rather than growing the
 * queue without bound (the exit check then answers 503). */
#define QN_COMMIT_POSTED_MAX 65536

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
    /* A posted job (qn_svc_commit_post): called by the committer once the
     * job is complete (rc set), instead of waking a waiter; frees job.
     * NULL for a job that is waited for. */
    void (*free_job)(qn_svc_job *job);
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

/* Completes what is queued (posted jobs too: they are written and freed),
 * stops the thread and frees. Accepts NULL. */
void qn_svc_committer_stop(qn_svc_committer *cm);

/* Queues job (write, err and actor set) and waits until it is complete;
 * returns job->rc. */
qn_code qn_svc_commit_wait(qn_svc_committer *cm, qn_svc_job *job);

/* Queues job (write, err, actor and free_job set; job and *err allocated
 * with it, valid until free_job) and returns at once: the committer writes
 * it in its next group, in its own savepoint, and then calls free_job with
 * job->rc set (a failed write is rolled back alone; free_job is where the
 * poster learns of it). The committer owns the job from this call on, in
 * every case. QN_OK when queued; QN_E_UNAVAILABLE when the committer is
 * stopping (the job was freed, nothing written); QN_E_INTERNAL without a
 * free_job (nothing done). */
qn_code qn_svc_commit_post(qn_svc_committer *cm, qn_svc_job *job);

/* Waits until every job queued before the call is complete (posted ones
 * written and freed): it queues an empty job and waits for it, so it costs
 * one group commit. For tests and for a caller that must read what it
 * posted. Returns that group's result (QN_OK when it committed). */
qn_code qn_svc_committer_drain(qn_svc_committer *cm);

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
