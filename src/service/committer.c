/* committer.c — the group commit thread of a service (see committer.h).
 *
 * The queue is a singly linked list under one mutex; the committer sleeps
 * on a condition variable while it is empty. A group is what the queue
 * holds when the committer looks (at most QN_COMMIT_GROUP_MAX jobs, the
 * oldest first): there is no timer, so a lone request is written at once,
 * and under load the requests that arrive while one group is being flushed
 * are the next group. Waiters sleep on their own condition variable (in
 * their job), signalled under the queue mutex, so a waiter never misses
 * its wake-up and never runs before its result is set. A posted job has no
 * waiter: completing it is calling its free function, on this thread.
 * Jobs complete in the order they were queued (one thread, groups in
 * turn), which is what qn_svc_committer_drain relies on.
 */
#include "service/committer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service/service_internal.h"

struct qn_svc_committer {
    qn_service *svc;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    qn_svc_job *head, *tail;
    bool stopping;
    qn_svc_commit_stats stats;
    qn_store_conn *last_conn; /* taken again when free: its page cache is warm */
    /* SQLite: the checkpointer thread (see qn_svc_committer_start) */
    bool has_checkpointer;
    pthread_t checkpointer;
    pthread_cond_t ckpt_cv;
};

static uint64_t ns_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t ns = (int64_t)(now.tv_sec - t0->tv_sec) * 1000000000 + (now.tv_nsec - t0->tv_nsec);
    return ns > 0 ? (uint64_t)ns : 0;
}

/* Writes the n jobs from head in one transaction, each in a savepoint, and
 * sets every job's rc (and error). */
static void run_group(qn_svc_committer *cm, qn_svc_job *head, size_t n, uint64_t *commit_ns)
{
    qn_service *svc = cm->svc;
    qn_err gerr;
    qn_err_clear(&gerr);
    if (svc->serialize_writes)
        pthread_mutex_lock(&svc->write_lock);
    qn_store_conn *conn = NULL;
    bool in_group = false;
    qn_code grc = qn_store_acquire_prefer(svc->store, cm->last_conn, &conn, &gerr);
    cm->last_conn = conn;
    if (grc == QN_OK) {
        grc = qn_store_group_begin(conn, &gerr);
        in_group = grc == QN_OK;
    }
    qn_svc_job *job = head, *stop_at = NULL;
    for (size_t i = 0; i < n && grc == QN_OK; i++, job = job->next) {
        qn_store_set_actor(conn, job->actor_id, job->actor);
        grc = qn_store_savepoint(conn, &gerr);
        if (grc != QN_OK) {
            stop_at = job;
            break;
        }
        qn_err_clear(job->err);
        job->rc = job->write(job, conn, job->err);
        if (job->rc == QN_OK)
            grc = qn_store_savepoint_release(conn, &gerr);
        else
            grc = qn_store_savepoint_rollback(conn, &gerr);
        if (grc != QN_OK)
            stop_at = job->next;
    }
    if (grc == QN_OK) {
        in_group = false;
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        grc = qn_store_group_commit(conn, &gerr);
        *commit_ns = ns_since(&t0);
    }
    if (in_group)
        qn_store_group_abort(conn);
    qn_store_release(conn);
    if (svc->serialize_writes)
        pthread_mutex_unlock(&svc->write_lock);
    if (grc == QN_OK)
        return;
    /* Nothing of the group was written: every job that had succeeded, and
     * every job not reached, gets the group's error. */
    bool reached = true;
    job = head;
    for (size_t i = 0; i < n; i++, job = job->next) {
        if (job == stop_at)
            reached = false;
        if (!reached || job->rc == QN_OK) {
            *job->err = gerr;
            job->rc = grc;
        }
    }
}

static void complete(qn_svc_committer *cm, qn_svc_job *head, size_t n)
{
    qn_svc_job *job = head;
    for (size_t i = 0; i < n; i++) {
        qn_svc_job *next = job->next; /* the waiter may reuse job once woken */
        job->wait_ns = ns_since(&job->queued);
        if (job->free_job) { /* posted: nobody waits */
            job->free_job(job);
            job = next;
            continue;
        }
        pthread_mutex_lock(&cm->mu);
        job->finished = true;
        pthread_cond_signal(&job->wake);
        pthread_mutex_unlock(&cm->mu);
        job = next;
    }
}

static void *committer_main(void *arg)
{
    qn_svc_committer *cm = arg;
    for (;;) {
        pthread_mutex_lock(&cm->mu);
        while (!cm->head && !cm->stopping)
            pthread_cond_wait(&cm->cv, &cm->mu);
        if (!cm->head) {
            pthread_mutex_unlock(&cm->mu);
            return NULL;
        }
        qn_svc_job *head = cm->head, *last = head;
        size_t n = 1;
        while (last->next && n < QN_COMMIT_GROUP_MAX) {
            last = last->next;
            n++;
        }
        cm->head = last->next;
        if (!cm->head)
            cm->tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&cm->mu);

        for (qn_svc_job *j = head; j; j = j->next)
            j->rc = QN_OK;
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        uint64_t commit_ns = 0;
        run_group(cm, head, n, &commit_ns);
        uint64_t busy_ns = ns_since(&t0);

        pthread_mutex_lock(&cm->mu);
        cm->stats.busy_ns += busy_ns;
        cm->stats.commit_ns += commit_ns;
        cm->stats.groups++;
        cm->stats.jobs += n;
        if (n > cm->stats.largest)
            cm->stats.largest = n;
        pthread_mutex_unlock(&cm->mu);
        complete(cm, head, n);
    }
}

/* SQLite's WAL is copied back into the database by a checkpoint, which
 * SQLite runs inside the COMMIT that finds the WAL over the automatic
 * threshold: that commit (and every request of its group, and every writer
 * queued behind it) waits for the page writes and a second fsync. This
 * thread runs a PASSIVE checkpoint (it never blocks the writer) every
 * CHECKPOINT_MS while anything is being committed — groups, and the other
 * writes such as the exit check's audit events: with groups alone as the
 * trigger, 8 concurrent exit checks over HTTP had a p99 of 130-150 ms
 * against 2 ms without their audit write (bench_exitcheck_http.sh) — so the
 * WAL rarely reaches the threshold and a commit's latency is its own. */
#define CHECKPOINT_MS 100

static void *checkpointer_main(void *arg)
{
    qn_svc_committer *cm = arg;
    int64_t seen = 0;
    pthread_mutex_lock(&cm->mu);
    while (!cm->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += CHECKPOINT_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&cm->ckpt_cv, &cm->mu, &until);
        int64_t commits = qn_store_commit_count(cm->svc->store);
        if (cm->stopping || commits == seen)
            continue;
        seen = commits;
        pthread_mutex_unlock(&cm->mu);
        qn_store_conn *conn = NULL;
        qn_err ignore;
        qn_err_clear(&ignore);
        if (qn_store_acquire(cm->svc->store, &conn, &ignore) == QN_OK) {
            qn_store_checkpoint(conn, &ignore);
            qn_store_release(conn);
        }
        pthread_mutex_lock(&cm->mu);
    }
    pthread_mutex_unlock(&cm->mu);
    return NULL;
}

qn_svc_committer *qn_svc_committer_start(qn_service *svc)
{
    qn_svc_committer *cm = calloc(1, sizeof *cm);
    if (!cm)
        return NULL;
    cm->svc = svc;
    pthread_mutex_init(&cm->mu, NULL);
    pthread_cond_init(&cm->cv, NULL);
    pthread_cond_init(&cm->ckpt_cv, NULL);
    if (pthread_create(&cm->thread, NULL, committer_main, cm) != 0) {
        pthread_cond_destroy(&cm->ckpt_cv);
        pthread_cond_destroy(&cm->cv);
        pthread_mutex_destroy(&cm->mu);
        free(cm);
        return NULL;
    }
    if (svc->serialize_writes) /* SQLite */
        cm->has_checkpointer = pthread_create(&cm->checkpointer, NULL, checkpointer_main, cm) == 0;
    return cm;
}

void qn_svc_committer_stop(qn_svc_committer *cm)
{
    if (!cm)
        return;
    pthread_mutex_lock(&cm->mu);
    cm->stopping = true;
    pthread_cond_signal(&cm->cv);
    pthread_cond_signal(&cm->ckpt_cv);
    pthread_mutex_unlock(&cm->mu);
    pthread_join(cm->thread, NULL);
    if (cm->has_checkpointer)
        pthread_join(cm->checkpointer, NULL);
    pthread_cond_destroy(&cm->ckpt_cv);
    pthread_cond_destroy(&cm->cv);
    pthread_mutex_destroy(&cm->mu);
    free(cm);
}

/* Appends job to the queue and wakes the committer. Caller holds cm->mu. */
static void enqueue_locked(qn_svc_committer *cm, qn_svc_job *job)
{
    job->next = NULL;
    job->finished = false;
    clock_gettime(CLOCK_MONOTONIC, &job->queued);
    if (cm->tail)
        cm->tail->next = job;
    else
        cm->head = job;
    cm->tail = job;
    pthread_cond_signal(&cm->cv);
}

qn_code qn_svc_commit_wait(qn_svc_committer *cm, qn_svc_job *job)
{
    pthread_cond_init(&job->wake, NULL);
    pthread_mutex_lock(&cm->mu);
    enqueue_locked(cm, job);
    while (!job->finished)
        pthread_cond_wait(&job->wake, &cm->mu);
    pthread_mutex_unlock(&cm->mu);
    pthread_cond_destroy(&job->wake);
    return job->rc;
}

qn_code qn_svc_commit_post(qn_svc_committer *cm, qn_svc_job *job)
{
    if (!job->free_job)
        return QN_E_INTERNAL;
    pthread_mutex_lock(&cm->mu);
    bool refused = cm->stopping; /* the thread may have drained already */
    if (!refused)
        enqueue_locked(cm, job);
    pthread_mutex_unlock(&cm->mu);
    if (!refused)
        return QN_OK;
    job->rc = QN_E_UNAVAILABLE;
    job->free_job(job);
    return QN_E_UNAVAILABLE;
}

static qn_code write_nothing(qn_svc_job *job, qn_store_conn *conn, qn_err *e)
{
    (void)job;
    (void)conn;
    (void)e;
    return QN_OK;
}

qn_code qn_svc_committer_drain(qn_svc_committer *cm)
{
    qn_err err;
    qn_err_clear(&err);
    qn_svc_job marker;
    memset(&marker, 0, sizeof marker);
    marker.write = write_nothing;
    marker.err = &err;
    snprintf(marker.actor, sizeof marker.actor, "system");
    return qn_svc_commit_wait(cm, &marker);
}

void qn_svc_committer_stats(qn_svc_committer *cm, qn_svc_commit_stats *out)
{
    pthread_mutex_lock(&cm->mu);
    *out = cm->stats;
    pthread_mutex_unlock(&cm->mu);
}
