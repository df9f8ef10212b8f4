/* committer.c — the group commit thread of a service (see committer.h).
 *
 * The queue is a singly linked list under one mutex; the committer sleeps
 * on a condition variable while it is empty. A group is what the queue
 * holds when the committer looks (at most QN_COMMIT_GROUP_MAX jobs, the
 * oldest first): there is no timer, so a lone request is written at once,
 * and under load the requests that arrive while one group is being flushed
 * are the next group. Waiters sleep on their own condition variable (on
 * their stack), signalled under the queue mutex, so a waiter never misses
 * its wake-up and never runs before its result is set.
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
static void run_group(qn_svc_committer *cm, qn_svc_job *head, size_t n)
{
    qn_service *svc = cm->svc;
    qn_err gerr;
    qn_err_clear(&gerr);
    if (svc->serialize_writes)
        pthread_mutex_lock(&svc->write_lock);
    qn_store_conn *conn = NULL;
    bool in_group = false;
    qn_code grc = qn_store_acquire(svc->store, &conn, &gerr);
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
        grc = qn_store_group_commit(conn, &gerr);
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
        qn_svc_job *next = job->next;
        job->wait_ns = ns_since(&job->queued);
        if (job->done) {
            job->finished = true;
            job->done(job); /* may free job */
        } else {
            pthread_mutex_lock(&cm->mu);
            job->finished = true;
            pthread_cond_signal(job->wake);
            pthread_mutex_unlock(&cm->mu);
        }
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
        run_group(cm, head, n);

        pthread_mutex_lock(&cm->mu);
        cm->stats.groups++;
        cm->stats.jobs += n;
        if (n > cm->stats.largest)
            cm->stats.largest = n;
        pthread_mutex_unlock(&cm->mu);
        complete(cm, head, n);
    }
}

qn_svc_committer *qn_svc_committer_start(qn_service *svc)
{
    qn_svc_committer *cm = calloc(1, sizeof *cm);
    if (!cm)
        return NULL;
    cm->svc = svc;
    pthread_mutex_init(&cm->mu, NULL);
    pthread_cond_init(&cm->cv, NULL);
    if (pthread_create(&cm->thread, NULL, committer_main, cm) != 0) {
        pthread_cond_destroy(&cm->cv);
        pthread_mutex_destroy(&cm->mu);
        free(cm);
        return NULL;
    }
    return cm;
}

void qn_svc_committer_stop(qn_svc_committer *cm)
{
    if (!cm)
        return;
    pthread_mutex_lock(&cm->mu);
    cm->stopping = true;
    pthread_cond_signal(&cm->cv);
    pthread_mutex_unlock(&cm->mu);
    pthread_join(cm->thread, NULL);
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
    pthread_cond_t wake;
    pthread_cond_init(&wake, NULL);
    job->done = NULL;
    job->wake = &wake;
    pthread_mutex_lock(&cm->mu);
    enqueue_locked(cm, job);
    while (!job->finished)
        pthread_cond_wait(&wake, &cm->mu);
    pthread_mutex_unlock(&cm->mu);
    pthread_cond_destroy(&wake);
    return job->rc;
}

void qn_svc_commit_post(qn_svc_committer *cm, qn_svc_job *job)
{
    job->wake = NULL;
    pthread_mutex_lock(&cm->mu);
    enqueue_locked(cm, job);
    pthread_mutex_unlock(&cm->mu);
}

void qn_svc_committer_stats(qn_svc_committer *cm, qn_svc_commit_stats *out)
{
    pthread_mutex_lock(&cm->mu);
    *out = cm->stats;
    pthread_mutex_unlock(&cm->mu);
}
