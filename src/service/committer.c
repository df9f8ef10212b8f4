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
 * waiter: completing it is calling its free function, on the committer's
 * thread once its group has committed (it does not wait for the syncer's
 * flush). A job that was kept completes after every kept job queued before
 * it (groups in turn, flushes in turn), which is what
 * qn_svc_committer_drain relies on; a job refused by its own write is
 * answered at once.
 */
#include "service/committer.h"

#include <stdint.h>
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
    /* SQLite: the syncer thread and the jobs of committed groups waiting
     * for their flush (see syncer_main) */
    bool has_syncer, syncer_stopping, syncing;
    size_t posted_queued; /* posted jobs in the queue (QN_COMMIT_POSTED_MAX) */
    pthread_t syncer;
    pthread_cond_t sync_cv;
    qn_svc_job *sync_head, *sync_tail;
};

static uint64_t ns_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t ns = (int64_t)(now.tv_sec - t0->tv_sec) * 1000000000 + (now.tv_nsec - t0->tv_nsec);
    return ns > 0 ? (uint64_t)ns : 0;
}

/* The group being written: one transaction, its jobs in order. */
typedef struct {
    qn_store_conn *conn;
    bool open;     /* the transaction is open */
    bool deferred; /* its flush is the syncer's (qn_store_group_begin_deferred) */
    qn_code grc;   /* the group's own failure (begin, savepoints): nothing of it is kept */
    qn_err gerr;
    qn_svc_job *head, *tail;
    size_t n;
} group;

/* Writes the n jobs from head into the group (opening it first), each in a
 * savepoint, and sets each job's own rc (and error). Once the group has
 * failed, the further jobs are not run: they get the group's error. */
static void group_add(qn_svc_committer *cm, group *g, qn_svc_job *head, size_t n)
{
    qn_service *svc = cm->svc;
    if (!g->open && g->n == 0) {
        qn_err_clear(&g->gerr);
        if (svc->serialize_writes)
            pthread_mutex_lock(&svc->write_lock);
        g->grc = qn_store_acquire_prefer(svc->store, cm->last_conn, &g->conn, &g->gerr);
        cm->last_conn = g->conn;
        g->deferred = false;
        if (g->grc == QN_OK)
            g->grc = cm->has_syncer ? qn_store_group_begin_deferred(g->conn, &g->deferred, &g->gerr)
                                    : qn_store_group_begin(g->conn, &g->gerr);
        g->open = g->grc == QN_OK;
    }
    qn_svc_job *job = head;
    for (size_t i = 0; i < n; i++, job = job->next) {
        if (g->grc != QN_OK) {
            *job->err = g->gerr;
            job->rc = g->grc;
            continue;
        }
        qn_store_set_actor(g->conn, job->actor_id, job->actor);
        g->grc = qn_store_savepoint(g->conn, &g->gerr);
        if (g->grc != QN_OK) {
            *job->err = g->gerr;
            job->rc = g->grc;
            continue;
        }
        qn_err_clear(job->err);
        job->rc = job->write(job, g->conn, job->err);
        if (job->rc == QN_OK)
            g->grc = qn_store_savepoint_release(g->conn, &g->gerr);
        else
            g->grc = qn_store_savepoint_rollback(g->conn, &g->gerr);
    }
    if (g->tail)
        g->tail->next = head;
    else
        g->head = head;
    for (g->tail = head; g->tail->next;)
        g->tail = g->tail->next;
    g->n += n;
}

/* Commits the group (or aborts it when it failed) and gives the connection
 * and the write lock back. When the group is not kept, every job that had
 * succeeded gets the group's error. Returns whether the jobs still wait for
 * the syncer's flush. */
static bool group_end(qn_svc_committer *cm, group *g, uint64_t *commit_ns)
{
    qn_service *svc = cm->svc;
    bool deferred = false;
    if (g->grc == QN_OK && g->open) {
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        g->grc = qn_store_group_commit(g->conn, &g->gerr);
        *commit_ns = ns_since(&t0);
        deferred = g->grc == QN_OK && g->deferred;
    } else if (g->open) {
        qn_store_group_abort(g->conn);
    }
    g->open = false;
    if (g->conn)
        qn_store_release(g->conn);
    g->conn = NULL;
    if (svc->serialize_writes)
        pthread_mutex_unlock(&svc->write_lock);
    if (g->grc != QN_OK)
        for (qn_svc_job *job = g->head; job; job = job->next)
            if (job->rc == QN_OK) {
                *job->err = g->gerr;
                job->rc = g->grc;
            }
    return deferred;
}

/* Wakes the waiters of a NULL-terminated list of jobs. */
static void complete(qn_svc_committer *cm, qn_svc_job *head)
{
    qn_svc_job *job = head;
    while (job) {
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

/* Hands the kept jobs of a committed group that someone waits for to the
 * syncer and returns the others, to be completed at once: those refused by
 * their own write, and the posted ones (a read's audit event: nobody is
 * answered on its durability, docs/control_api.md §Audit of the exit
 * check; the next flush or checkpoint makes it durable). A group of posted
 * jobs alone costs no flush. Caller holds cm->mu. */
static qn_svc_job *to_syncer_locked(qn_svc_committer *cm, qn_svc_job *head)
{
    qn_svc_job *keep = NULL, **ktail = &keep, *now = NULL, **ntail = &now;
    for (qn_svc_job *j = head; j;) {
        qn_svc_job *next = j->next;
        j->next = NULL;
        qn_svc_job ***tail = j->rc == QN_OK && !j->free_job ? &ktail : &ntail;
        **tail = j;
        *tail = &j->next;
        j = next;
    }
    if (keep) {
        if (cm->sync_tail)
            cm->sync_tail->next = keep;
        else
            cm->sync_head = keep;
        for (cm->sync_tail = keep; cm->sync_tail->next;)
            cm->sync_tail = cm->sync_tail->next;
        pthread_cond_signal(&cm->sync_cv);
    }
    return now;
}

/* The committer's loop. A group takes what is queued; whether it commits at
 * once or stays open for more depends on the flush:
 *  - without a syncer (PostgreSQL; SQLite with sync_in_commit) it commits
 *    at once, and what arrives meanwhile is the next group;
 *  - with the syncer, a group committed while a flush is running waits
 *    for the next flush anyway, which cannot begin before this one ends:
 *    so while the syncer is busy the group stays open and takes each job
 *    as it arrives, and commits when the syncer is free (or the group is
 *    full). The jobs are answered no later than if each batch had
 *    committed at once, and one COMMIT (the WAL frames of the pages the
 *    group changed, the audit head) serves all of them. */
static void *committer_main(void *arg)
{
    qn_svc_committer *cm = arg;
    group g = {0};
    uint64_t g_busy_ns = 0; /* writing the open group so far (not its waits) */
    pthread_mutex_lock(&cm->mu);
    for (;;) {
        bool syncing = cm->syncing || cm->sync_head;
        if (g.n > 0 && (!syncing || g.n >= QN_COMMIT_GROUP_MAX || cm->stopping)) {
            pthread_mutex_unlock(&cm->mu);
            uint64_t commit_ns = 0;
            struct timespec t0;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            bool deferred = group_end(cm, &g, &commit_ns);
            g_busy_ns += ns_since(&t0);
            pthread_mutex_lock(&cm->mu);
            cm->stats.busy_ns += g_busy_ns;
            g_busy_ns = 0;
            cm->stats.commit_ns += commit_ns;
            cm->stats.groups++;
            cm->stats.jobs += g.n;
            if (g.n > cm->stats.largest)
                cm->stats.largest = g.n;
            qn_svc_job *now = deferred ? to_syncer_locked(cm, g.head) : g.head;
            pthread_mutex_unlock(&cm->mu);
            complete(cm, now);
            g = (group){0};
            pthread_mutex_lock(&cm->mu);
            continue;
        }
        if (cm->head) {
            qn_svc_job *head = cm->head, *last = head;
            size_t n = 1;
            while (last->next && g.n + n < QN_COMMIT_GROUP_MAX) {
                last = last->next;
                n++;
            }
            cm->head = last->next;
            if (!cm->head)
                cm->tail = NULL;
            last->next = NULL;
            for (qn_svc_job *j = head; j; j = j->next)
                if (j->free_job)
                    cm->posted_queued--;
            pthread_mutex_unlock(&cm->mu);
            for (qn_svc_job *j = head; j; j = j->next)
                j->rc = QN_OK;
            struct timespec t0;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            group_add(cm, &g, head, n);
            g_busy_ns += ns_since(&t0);
            pthread_mutex_lock(&cm->mu);
            continue;
        }
        if (cm->stopping)
            break;
        pthread_cond_wait(&cm->cv, &cm->mu); /* a job, or the syncer free */
    }
    pthread_mutex_unlock(&cm->mu);
    return NULL;
}

/* SQLite: the flush of committed groups, off the committer's thread. A
 * COMMIT with synchronous=FULL writes the group's WAL frames and then waits
 * a millisecond or more for fdatasync, and the committer could write
 * nothing in that time: the flush was most of its busy time (60% in the
 * HTTP benchmark, 16 connections). Here the committer commits without the
 * flush (qn_store_group_begin_deferred) and writes the next group, while
 * this thread takes every job whose group has committed, flushes the WAL
 * once (qn_store_wal_sync: the flush covers every group committed before
 * it began) and only then answers them: an answer is still given only once
 * its record is durable. What changes: a committed group is visible to
 * readers for the length of one flush before it is durable; after a power
 * cut in that window the group is gone, and only requests that were not
 * answered can have seen it (a duplicate refused because of it, for one).
 * A crash of the process loses nothing: the frames are in the operating
 * system's cache. `serve --sync-in-commit` keeps the flush in the COMMIT.
 * docs/storage.md §Durability. */
static void *syncer_main(void *arg)
{
    qn_svc_committer *cm = arg;
    pthread_mutex_lock(&cm->mu);
    for (;;) {
        while (!cm->sync_head && !cm->syncer_stopping)
            pthread_cond_wait(&cm->sync_cv, &cm->mu);
        if (!cm->sync_head)
            break;
        qn_svc_job *head = cm->sync_head;
        cm->sync_head = cm->sync_tail = NULL;
        cm->syncing = true;
        pthread_mutex_unlock(&cm->mu);
        qn_err err;
        qn_err_clear(&err);
        qn_code rc = qn_store_wal_sync(cm->svc->store, &err);
        if (rc != QN_OK) /* committed, but not known to be durable: not acknowledged */
            for (qn_svc_job *j = head; j; j = j->next) {
                *j->err = err;
                j->rc = rc;
            }
        complete(cm, head);
        pthread_mutex_lock(&cm->mu);
        cm->stats.syncs++;
        cm->syncing = false;
        pthread_cond_signal(&cm->cv); /* an open group may commit now */
    }
    pthread_mutex_unlock(&cm->mu);
    return NULL;
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
    pthread_cond_init(&cm->sync_cv, NULL);
    /* SQLite: without a syncer the committer flushes in its COMMIT. */
    if (svc->serialize_writes && !svc->sync_in_commit)
        cm->has_syncer = pthread_create(&cm->syncer, NULL, syncer_main, cm) == 0;
    if (pthread_create(&cm->thread, NULL, committer_main, cm) != 0) {
        if (cm->has_syncer) {
            pthread_mutex_lock(&cm->mu);
            cm->syncer_stopping = true;
            pthread_cond_signal(&cm->sync_cv);
            pthread_mutex_unlock(&cm->mu);
            pthread_join(cm->syncer, NULL);
        }
        pthread_cond_destroy(&cm->sync_cv);
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
    if (cm->has_syncer) { /* after the committer: it flushes the last groups */
        pthread_mutex_lock(&cm->mu);
        cm->syncer_stopping = true;
        pthread_cond_signal(&cm->sync_cv);
        pthread_mutex_unlock(&cm->mu);
        pthread_join(cm->syncer, NULL);
    }
    if (cm->has_checkpointer)
        pthread_join(cm->checkpointer, NULL);
    pthread_cond_destroy(&cm->sync_cv);
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
    /* stopping: the thread may have drained already */
    bool refused = cm->stopping || cm->posted_queued >= QN_COMMIT_POSTED_MAX;
    if (!refused) {
        enqueue_locked(cm, job);
        cm->posted_queued++;
    }
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
