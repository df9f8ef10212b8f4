/* test_exit_audit.c — the exit check's audit events go through the
 * service's group committer (src/service/exit_check.c audit_check,
 * committer.h qn_svc_commit_post), on SQLite and on PostgreSQL.
 *
 * The check answers without waiting for its event to be written, so these
 * tests never look at the trail right after an answer: they drain first,
 * either with qn_svc_committer_drain (the service still running) or by
 * stopping the service (qn_service_free, whose committer writes its queue
 * before it stops). Then there are exactly as many "exit_check" events as
 * answered checks, each with the border account as actor, and the chain
 * verifies. Nothing here is timed: that an answer does not wait for a
 * commit is a property of the code (the poster returns once queued), not
 * something a test could assert without a clock.
 *
 * Besides, the committer's posted jobs on their own: every one is written
 * and freed (its free function sees its result), a failing one is rolled
 * back alone and the rest of its group is kept, and stopping writes them
 * all.
 *
 * Records come from qn_store_ctl_synth_fill (PERSONS synthetic people,
 * documents SY<n>) on a fresh database.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service/committer.h"
#include "service/exit_check.h"
#include "service/service.h"
#include "service/service_internal.h"
#include "store/store.h"
#include "support/qn_test.h"

#define PERSONS 300
#define THREADS 4
#define PER_THREAD 40

static char url[QN_STORE_URL_MAX + 1];
static int64_t border_id;

/* A fresh database of PERSONS synthetic people and a border account. */
static void fill(const char *base)
{
    qn_err e;
    qn_err_clear(&e);
    ck_assert_msg(qn_store_fresh_url(base, qn_test_tmpdir(), url, sizeof url, &e) == QN_OK, "%s", e.message);
    qn_store *st = NULL;
    qn_store_conn *c = NULL;
    ck_assert_msg(qn_store_open(url, NULL, &st, &e) == QN_OK, "%s", e.message);
    ck_assert(qn_store_acquire(st, &c, &e) == QN_OK);
    qn_store_account host, border;
    memset(&host, 0, sizeof host);
    snprintf(host.username, sizeof host.username, "audit-host");
    snprintf(host.password_hash, sizeof host.password_hash, "x");
    snprintf(host.role, sizeof host.role, "host");
    snprintf(host.display_name, sizeof host.display_name, "host");
    snprintf(host.host_kind, sizeof host.host_kind, "individual");
    ck_assert_msg(qn_store_account_create(c, &host, &e) == QN_OK, "%s", e.message);
    memset(&border, 0, sizeof border);
    snprintf(border.username, sizeof border.username, "border-1");
    snprintf(border.password_hash, sizeof border.password_hash, "x");
    snprintf(border.role, sizeof border.role, "border");
    snprintf(border.display_name, sizeof border.display_name, "border officer");
    ck_assert_msg(qn_store_account_create(c, &border, &e) == QN_OK, "%s", e.message);
    border_id = border.id;
    ck_assert_msg(
        qn_store_ctl_synth_fill(c, PERSONS, qn_date_from_epoch_kz((int64_t)time(NULL)), host.id, &e) == QN_OK,
        "%s", e.message);
    qn_store_release(c);
    qn_store_close(st);
}

static qn_service *start(void)
{
    qn_service_config cfg = {.db_url = url, .pool_size = THREADS + 1, .cheap_pwhash = true};
    qn_service *svc = NULL;
    qn_err e;
    qn_err_clear(&e);
    ck_assert_msg(qn_service_new(&cfg, &svc, &e) == QN_OK, "%s", e.message);
    return svc;
}

/* The exit_check events on record (all pages), how many name the border
 * account as actor, and whether the whole chain verifies. */
typedef struct {
    size_t checks, by_border;
    int64_t events;
    bool chain_ok;
} trail;

static trail read_trail(void)
{
    trail t = {0};
    qn_err e;
    qn_err_clear(&e);
    qn_store *st = NULL;
    qn_store_conn *c = NULL;
    ck_assert_msg(qn_store_open(url, NULL, &st, &e) == QN_OK, "%s", e.message);
    ck_assert(qn_store_acquire(st, &c, &e) == QN_OK);
    for (int64_t offset = 0;; offset += 1000) {
        qn_store_audit_list l = {0};
        ck_assert_msg(qn_store_audit_list_entity(c, "person", NULL, offset, 1000, &l, &e) == QN_OK, "%s",
                      e.message);
        size_t n = l.count;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(l.items[i].action, "exit_check") != 0)
                continue;
            t.checks++;
            if (l.items[i].actor_id == border_id && strcmp(l.items[i].actor, "border-1") == 0 &&
                l.items[i].after_hex[0])
                t.by_border++;
        }
        qn_store_audit_list_free(&l);
        if (n < 1000)
            break;
    }
    qn_store_audit_report rep;
    ck_assert_msg(qn_store_audit_verify(c, &rep, &e) == QN_OK, "%s", e.message);
    t.events = rep.events;
    t.chain_ok = rep.ok;
    if (!rep.ok)
        fprintf(stderr, "chain broken at %" PRId64 ": %s\n", rep.first_broken, rep.reason);
    qn_store_release(c);
    qn_store_close(st);
    return t;
}

typedef struct {
    qn_service *svc;
    int t;
    size_t answered;
    qn_code failed; /* the first failure, QN_OK if none */
    char why[sizeof(qn_err){0}.message + 64];
} worker;

static void *run_checks(void *arg)
{
    worker *w = arg;
    qn_principal border = {0};
    border.role = QN_ROLE_BORDER;
    border.account_id = border_id;
    snprintf(border.username, sizeof border.username, "border-1");
    qn_svc_ctx ctx;
    qn_svc_ctx_system(&ctx, w->svc, &border);
    for (int i = 0; i < PER_THREAD; i++) {
        long id = 1 + (w->t * PER_THREAD + i) % PERSONS;
        char num[32];
        snprintf(num, sizeof num, "SY%ld", id);
        qn_exit_answer a;
        qn_err e;
        qn_err_clear(&e);
        qn_code rc = qn_svc_exit_check(&ctx, qn_store_ctl_synth_citizenship(id), num, QN_DATE_NONE, &a, &e);
        if (rc == QN_OK) {
            w->answered++;
            qn_exit_answer_free(&a);
        } else if (w->failed == QN_OK) {
            w->failed = rc;
            snprintf(w->why, sizeof w->why, "%s %s: %s", qn_store_ctl_synth_citizenship(id), num, e.message);
        }
    }
    return NULL;
}

/* THREADS threads of PER_THREAD checks each at once; the answers counted. */
static size_t run_concurrent_checks(qn_service *svc)
{
    pthread_t th[THREADS];
    worker w[THREADS];
    for (int t = 0; t < THREADS; t++) {
        w[t] = (worker){.svc = svc, .t = t};
        ck_assert(pthread_create(&th[t], NULL, run_checks, &w[t]) == 0);
    }
    size_t answered = 0;
    for (int t = 0; t < THREADS; t++) {
        pthread_join(th[t], NULL);
        ck_assert_msg(w[t].failed == QN_OK, "thread %d: %s", t, w[t].why);
        answered += w[t].answered;
    }
    return answered;
}

static const char *pg_base(void) { return qn_test_env("QONAQ_TEST_PG", 1); }

static void checks_then_drain(const char *base)
{
    fill(base);
    qn_service *svc = start();
    trail before = read_trail();
    ck_assert_uint_eq(before.checks, 0);

    /* Drained while running: every answered check is one event. */
    size_t n = run_concurrent_checks(svc);
    ck_assert_uint_eq(n, THREADS * PER_THREAD);
    ck_assert_int_eq(qn_svc_committer_drain(svc->committer), QN_OK);
    trail t = read_trail();
    ck_assert_uint_eq(t.checks, n);
    ck_assert_uint_eq(t.by_border, n);
    ck_assert(t.chain_ok);

    /* Refused calls post nothing: another role, an unknown document. */
    qn_principal host = {0};
    host.role = QN_ROLE_HOST_INDIVIDUAL;
    snprintf(host.username, sizeof host.username, "audit-host");
    qn_svc_ctx ctx;
    qn_svc_ctx_system(&ctx, svc, &host);
    qn_exit_answer a;
    qn_err e;
    qn_err_clear(&e);
    ck_assert_int_eq(qn_svc_exit_check(&ctx, "DEU", "SY10", QN_DATE_NONE, &a, &e), QN_E_FORBIDDEN);
    qn_principal border = {0};
    border.role = QN_ROLE_BORDER;
    border.account_id = border_id;
    snprintf(border.username, sizeof border.username, "border-1");
    qn_svc_ctx_system(&ctx, svc, &border);
    qn_err_clear(&e);
    ck_assert_int_eq(qn_svc_exit_check(&ctx, "DEU", "NO-SUCH-DOC", QN_DATE_NONE, &a, &e), QN_E_NOT_FOUND);
    ck_assert_int_eq(qn_svc_committer_drain(svc->committer), QN_OK);
    ck_assert_uint_eq(read_trail().checks, n);

    /* Drained by stopping, at once after the last answer: the queue is
     * written before the committer stops. */
    size_t m = run_concurrent_checks(svc);
    qn_service_free(svc);
    t = read_trail();
    ck_assert_uint_eq(t.checks, n + m);
    ck_assert_uint_eq(t.by_border, n + m);
    ck_assert(t.chain_ok);
}

START_TEST(exit_checks_audited_once_each_sqlite) { checks_then_drain("sqlite:"); }
END_TEST

START_TEST(exit_checks_audited_once_each_pg) { checks_then_drain(pg_base()); }
END_TEST

/* Posted jobs of the committer's own: job i audits person "9000 + i"; the
 * jobs with i % 5 == 3 fail inside their savepoint. */
#define POSTED 60

static atomic_int freed, freed_ok, freed_failed;

typedef struct {
    qn_svc_job base;
    int i;
    qn_err err;
} posted_job;

static qn_code posted_write(qn_svc_job *job, qn_store_conn *conn, qn_err *e)
{
    const posted_job *j = (const posted_job *)job;
    char id[32];
    snprintf(id, sizeof id, "%d", 9000 + j->i);
    unsigned char digest[QN_STORE_DIGEST_LEN] = {(unsigned char)j->i};
    qn_code rc = qn_store_ctl_audit_check(conn, id, digest, e);
    if (rc == QN_OK && j->i % 5 == 3)
        rc = qn_err_set(e, QN_E_CONFLICT, "job %d fails after its event", j->i); /* rolled back */
    return rc;
}

static void posted_free(qn_svc_job *job)
{
    atomic_fetch_add(&freed, 1);
    if (job->rc == QN_OK)
        atomic_fetch_add(&freed_ok, 1);
    else if (job->rc == QN_E_CONFLICT)
        atomic_fetch_add(&freed_failed, 1);
    free(job);
}

static void posted_jobs(const char *base)
{
    fill(base);
    qn_service *svc = start();
    atomic_store(&freed, 0);
    atomic_store(&freed_ok, 0);
    atomic_store(&freed_failed, 0);
    /* A job without a free function is refused, and nothing is queued. */
    posted_job bare;
    memset(&bare, 0, sizeof bare);
    bare.base.write = posted_write;
    bare.base.err = &bare.err;
    ck_assert_int_eq(qn_svc_commit_post(svc->committer, &bare.base), QN_E_INTERNAL);
    int failing = 0;
    for (int i = 0; i < POSTED; i++) {
        posted_job *j = calloc(1, sizeof *j);
        ck_assert(j != NULL);
        j->i = i;
        j->base.write = posted_write;
        j->base.free_job = posted_free;
        j->base.err = &j->err;
        j->base.actor_id = border_id;
        snprintf(j->base.actor, sizeof j->base.actor, "border-1");
        ck_assert_int_eq(qn_svc_commit_post(svc->committer, &j->base), QN_OK);
        failing += i % 5 == 3;
        if (i == POSTED / 2) { /* half drained while running, the rest by stopping */
            ck_assert_int_eq(qn_svc_committer_drain(svc->committer), QN_OK);
            ck_assert_int_eq(atomic_load(&freed), i + 1);
        }
    }
    qn_service_free(svc);
    ck_assert_int_eq(atomic_load(&freed), POSTED);
    ck_assert_int_eq(atomic_load(&freed_failed), failing);
    ck_assert_int_eq(atomic_load(&freed_ok), POSTED - failing);
    trail t = read_trail();
    ck_assert_uint_eq(t.checks, (size_t)(POSTED - failing));
    ck_assert_uint_eq(t.by_border, (size_t)(POSTED - failing));
    ck_assert(t.chain_ok);
}

START_TEST(committer_posted_jobs_sqlite) { posted_jobs("sqlite:"); }
END_TEST

START_TEST(committer_posted_jobs_pg) { posted_jobs(pg_base()); }
END_TEST

/* The queue of posted jobs is bounded: with the committer stalled (the
 * test holds the SQLite write lock it needs to open a group), posts are
 * taken up to QN_COMMIT_POSTED_MAX waiting (plus the group the committer
 * took before it stalled), then refused with QN_E_UNAVAILABLE, the job
 * freed at once; once the lock is given back every accepted job is
 * written. */
START_TEST(committer_posted_queue_bounded)
{
    fill("sqlite:");
    qn_service *svc = start();
    atomic_store(&freed, 0);
    atomic_store(&freed_ok, 0);
    atomic_store(&freed_failed, 0);
    pthread_mutex_lock(&svc->write_lock);
    int accepted = 0, refused_rc = QN_OK;
    for (int k = 0; k < QN_COMMIT_POSTED_MAX + QN_COMMIT_GROUP_MAX + 2; k++) {
        posted_job *j = calloc(1, sizeof *j);
        ck_assert(j != NULL);
        j->i = 0; /* never fails */
        j->base.write = posted_write;
        j->base.free_job = posted_free;
        j->base.err = &j->err;
        j->base.actor_id = border_id;
        snprintf(j->base.actor, sizeof j->base.actor, "border-1");
        qn_code rc = qn_svc_commit_post(svc->committer, &j->base);
        if (rc != QN_OK) {
            refused_rc = rc;
            break;
        }
        accepted++;
    }
    ck_assert_int_eq(refused_rc, QN_E_UNAVAILABLE);
    ck_assert_int_ge(accepted, QN_COMMIT_POSTED_MAX);
    ck_assert_int_le(accepted, QN_COMMIT_POSTED_MAX + QN_COMMIT_GROUP_MAX);
    ck_assert_int_eq(atomic_load(&freed), 1); /* the refused one, at once */
    pthread_mutex_unlock(&svc->write_lock);
    qn_service_free(svc);
    ck_assert_int_eq(atomic_load(&freed), accepted + 1);
    ck_assert_int_eq(atomic_load(&freed_ok), accepted);
    trail t = read_trail();
    ck_assert_uint_eq(t.checks, (size_t)accepted);
    ck_assert(t.chain_ok);
}
END_TEST

static Suite *exit_audit_suite(void)
{
    Suite *s = suite_create("exit_audit");
    TCase *tc = tcase_create("exit_audit");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, exit_checks_audited_once_each_sqlite);
    tcase_add_test(tc, exit_checks_audited_once_each_pg);
    tcase_add_test(tc, committer_posted_jobs_sqlite);
    tcase_add_test(tc, committer_posted_jobs_pg);
    tcase_add_test(tc, committer_posted_queue_bounded);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(exit_audit_suite)
