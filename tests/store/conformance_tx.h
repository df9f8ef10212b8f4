/* conformance_tx.h — the store conformance suite, part 3: transactions,
 * idempotency, the audit chain and its tamper detection, concurrent writers
 * (two processes) and crash safety (a writer killed with SIGKILL in the
 * middle of a stream of acknowledged inserts). Included after conformance.h.
 */
#ifndef QN_TEST_STORE_CONFORMANCE_TX_H
#define QN_TEST_STORE_CONFORMANCE_TX_H

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <time.h>

#include "conformance.h"

START_TEST(transactions)
{
    conf_t t;
    conf_open(&t);
    OK(&t, qn_store_begin(t.c, &t.err));
    ck_assert(qn_store_in_tx(t.c));
    FAILS(&t, QN_E_CONFLICT, qn_store_begin(t.c, &t.err));
    mk_account(&t, "a1", "host");
    mk_account(&t, "a2", "host");
    qn_store_rollback(t.c);
    ck_assert(!qn_store_in_tx(t.c));
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM accounts"), 0);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM audit_events"), 0);

    /* A failure inside a transaction dooms it: commit refuses, nothing is written. */
    OK(&t, qn_store_begin(t.c, &t.err));
    mk_account(&t, "a1", "host");
    qn_store_account dup;
    OK(&t, qn_store_account_by_username(t.c, "a1", &dup, &t.err));
    FAILS(&t, QN_E_CONFLICT, qn_store_account_create(t.c, &dup, &t.err));
    FAILS(&t, QN_E_INTERNAL, qn_store_commit(t.c, &t.err));
    ck_assert(!qn_store_in_tx(t.c));
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM accounts"), 0);

    /* Committed work stays; a transaction left open at release is rolled back. */
    OK(&t, qn_store_begin(t.c, &t.err));
    mk_account(&t, "b1", "host");
    mk_account(&t, "b2", "host");
    OK(&t, qn_store_commit(t.c, &t.err));
    OK(&t, qn_store_begin(t.c, &t.err));
    mk_account(&t, "b3", "host");
    qn_store_release(t.c);
    OK(&t, qn_store_acquire(t.s, &t.c, &t.err));
    ck_assert(!qn_store_in_tx(t.c));
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM accounts"), 2);
    conf_close(&t);
}
END_TEST

static void digest_of(const char *body, unsigned char out[QN_STORE_DIGEST_LEN])
{
    /* A stand-in digest for the test: deterministic bytes from the text. */
    memset(out, 0, QN_STORE_DIGEST_LEN);
    for (size_t i = 0; body[i] != '\0'; i++)
        out[i % QN_STORE_DIGEST_LEN] = (unsigned char)(out[i % QN_STORE_DIGEST_LEN] * 31 + body[i]);
}

/* One idempotent submission as the service would run it; returns the code
 * and fills *replay / *status. */
static qn_code submit_once(conf_t *t, int64_t account, const char *key, const char *body,
                           int64_t host, int64_t person, bool *replay, int *status)
{
    unsigned char d[QN_STORE_DIGEST_LEN];
    digest_of(body, d);
    qn_code rc = qn_store_begin(t->c, &t->err);
    if (rc != QN_OK)
        return rc;
    qn_store_idem idem;
    rc = qn_store_idem_claim(t->c, account, key, d, &idem, &t->err);
    if (rc != QN_OK) {
        qn_store_rollback(t->c);
        return rc;
    }
    if (idem.replay) {
        *replay = true;
        *status = idem.status;
        ck_assert_str_eq(idem.body, "{\"number\":\"N-first\"}");
        qn_store_idem_clear(&idem);
        qn_store_rollback(t->c);
        return QN_OK;
    }
    *replay = false;
    qn_store_notification n;
    fill_notification(&n, host, person, "2026-06-01");
    rc = qn_store_notification_create(t->c, &n, &t->err);
    if (rc == QN_OK)
        rc = qn_store_idem_finish(t->c, account, key, 201, "{\"number\":\"N-first\"}", &t->err);
    if (rc == QN_OK)
        rc = qn_store_commit(t->c, &t->err);
    else
        qn_store_rollback(t->c);
    *status = 201;
    return rc;
}

START_TEST(idempotency)
{
    conf_t t;
    conf_open(&t);
    int64_t host = mk_account(&t, "hotel", "host");
    int64_t other = mk_account(&t, "flat", "host");
    int64_t pid = mk_person(&t, "Schmidt");
    bool replay = true;
    int status = 0;
    OK(&t, submit_once(&t, host, "key-1", "{\"a\":1}", host, pid, &replay, &status));
    ck_assert(!replay);
    OK(&t, submit_once(&t, host, "key-1", "{\"a\":1}", host, pid, &replay, &status));
    ck_assert(replay);
    ck_assert_int_eq(status, 201);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM notifications"), 1);
    /* Same key, another body: refused. */
    FAILS(&t, QN_E_CONFLICT, submit_once(&t, host, "key-1", "{\"a\":2}", host, pid, &replay, &status));
    ck_assert_str_eq(t.err.sub, "idempotency_mismatch");
    /* Keys are per account. */
    OK(&t, submit_once(&t, other, "key-1", "{\"a\":2}", other, pid, &replay, &status));
    ck_assert(!replay);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM notifications"), 2);
    /* A failed submission leaves neither the record nor the key. */
    OK(&t, qn_store_begin(t.c, &t.err));
    unsigned char d[QN_STORE_DIGEST_LEN];
    digest_of("{\"b\":1}", d);
    qn_store_idem idem;
    OK(&t, qn_store_idem_claim(t.c, host, "key-2", d, &idem, &t.err));
    ck_assert(!idem.replay);
    qn_store_notification n;
    fill_notification(&n, host, 999999, "2026-06-01");
    FAILS(&t, QN_E_INVALID, qn_store_notification_create(t.c, &n, &t.err));
    FAILS(&t, QN_E_INTERNAL, qn_store_commit(t.c, &t.err));
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM idempotency"), 2);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM notifications"), 2);
    /* Claiming needs a transaction. */
    FAILS(&t, QN_E_INTERNAL, qn_store_idem_claim(t.c, host, "key-3", d, &idem, &t.err));
    conf_close(&t);
}
END_TEST

START_TEST(idempotency_concurrent_same_key)
{
    conf_t t;
    conf_open(&t);
    int64_t host = mk_account(&t, "hotel", "host");
    int64_t pid = mk_person(&t, "Schmidt");
    /* SQLite connections must not cross fork(): the child is forked while the
     * parent has no database open, and waits on a pipe for its turn. */
    conf_close(&t);
    int go[2];
    ck_assert_int_eq(pipe(go), 0);
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        /* A second process submits the same key while the first is in flight:
         * it must wait and then see the first one's answer. */
        close(go[1]);
        char byte;
        if (read(go[0], &byte, 1) != 1)
            _exit(4);
        conf_t u;
        memset(&u, 0, sizeof u);
        snprintf(u.url, sizeof u.url, "%s", t.url);
        if (qn_store_open(u.url, NULL, &u.s, &u.err) != QN_OK ||
            qn_store_acquire(u.s, &u.c, &u.err) != QN_OK)
            _exit(3);
        bool replay = false;
        int status = 0;
        qn_code rc = submit_once(&u, host, "key-c", "{\"a\":1}", host, pid, &replay, &status);
        if (rc != QN_OK || !replay)
            fprintf(stderr, "second submitter: %s replay=%d: %s\n", qn_code_name(rc), replay,
                    u.err.message);
        qn_store_release(u.c);
        qn_store_close(u.s);
        _exit(rc == QN_OK && replay && status == 201 ? 0 : 1);
    }
    close(go[0]);
    conf_open_url(&t);
    unsigned char d[QN_STORE_DIGEST_LEN];
    digest_of("{\"a\":1}", d);
    OK(&t, qn_store_begin(t.c, &t.err));
    qn_store_idem idem;
    OK(&t, qn_store_idem_claim(t.c, host, "key-c", d, &idem, &t.err));
    ck_assert(!idem.replay);
    ck_assert_int_eq(write(go[1], "g", 1), 1);
    close(go[1]);
    struct timespec pause = {0, 300 * 1000 * 1000};
    nanosleep(&pause, NULL);
    qn_store_notification n;
    fill_notification(&n, host, pid, "2026-06-01");
    OK(&t, qn_store_notification_create(t.c, &n, &t.err));
    OK(&t, qn_store_idem_finish(t.c, host, "key-c", 201, "{\"number\":\"N-first\"}", &t.err));
    OK(&t, qn_store_commit(t.c, &t.err));
    int wst = 0;
    ck_assert_int_eq(waitpid(child, &wst, 0), child);
    ck_assert_msg(WIFEXITED(wst) && WEXITSTATUS(wst) == 0, "second submitter status %d", wst);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM notifications"), 1);
    conf_close(&t);
}
END_TEST

static void verify(conf_t *t, qn_store_audit_report *r)
{
    OK(t, qn_store_audit_verify(t->c, r, &t->err));
}

/* A store with a few audited changes: returns the number of events. */
static int64_t audited_history(conf_t *t)
{
    int64_t host = mk_account(t, "hotel", "host");
    int64_t pid = mk_person(t, "Schmidt");
    qn_store_set_actor(t->c, host, "hotel");
    qn_store_notification n;
    fill_notification(&n, host, pid, "2026-03-02");
    OK(t, qn_store_notification_create(t->c, &n, &t->err));
    OK(t, qn_store_notification_set_status(t->c, n.id, "accepted", &t->err));
    unsigned char after[QN_STORE_DIGEST_LEN] = {1};
    OK(t, qn_store_audit_append(t->c, "login", "account", "1", NULL, after, &t->err));
    return 5;
}

START_TEST(audit_chain)
{
    conf_t t;
    conf_open(&t);
    int64_t events = audited_history(&t);
    qn_store_audit_report r;
    verify(&t, &r);
    ck_assert_msg(r.ok, "%s", r.reason);
    ck_assert_int_eq(r.events, events);
    qn_store_audit_list l;
    OK(&t, qn_store_audit_list_entity(t.c, "notification", NULL, 0, 10, &l, &t.err));
    ck_assert_uint_eq(l.count, 2);
    ck_assert_str_eq(l.items[0].action, "create");
    ck_assert_str_eq(l.items[0].before_hex, "");
    ck_assert_uint_eq(strlen(l.items[0].after_hex), 64);
    ck_assert_str_eq(l.items[1].action, "set_status");
    ck_assert_str_eq(l.items[1].before_hex, l.items[0].after_hex); /* same row state */
    ck_assert_str_ne(l.items[1].after_hex, l.items[1].before_hex);
    ck_assert_str_eq(l.items[1].actor, "hotel");
    ck_assert_int_gt(l.items[1].actor_id, 0);
    qn_store_audit_list_free(&l);
    OK(&t, qn_store_audit_list_entity(t.c, "notification", "424242", 0, 10, &l, &t.err));
    ck_assert_uint_eq(l.count, 0);
    qn_store_audit_list_free(&l);
    conf_close(&t);

    /* Edit one event's actor with raw SQL: verify names it. */
    ck_assert_int_eq(raw_exec(t.url, "UPDATE audit_events SET actor = 'mallory' WHERE seq = 3",
                              NULL, 0),
                     0);
    conf_open_url(&t);
    verify(&t, &r);
    ck_assert(!r.ok);
    ck_assert_int_eq(r.first_broken, 3);
    ck_assert_ptr_nonnull(strstr(r.reason, "3"));
    conf_close(&t);

    /* The CLI says the same, with exit status 1. */
    const char *bin = qn_test_env("QONAQ_BIN", 0);
    if (bin != NULL) {
        char cmd[QN_STORE_URL_MAX + 256];
        snprintf(cmd, sizeof cmd, "'%s' audit verify --db '%s' >/dev/null 2>&1", bin, t.url);
        int st = system(cmd);
        ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    }
}
END_TEST

/* An audited insert digests the row as INSERT ... RETURNING * gives it
 * back (audit.c qs_insert_audited), an audited update the row as SELECT *
 * reads it: the two must agree, or every create would look tampered with
 * at its first change. A person without an IIN (a NULL) and a notification
 * (dates, flags, JSON text) cover the kinds of value stored. */
static void create_then_update_agree(conf_t *t, const char *entity, int64_t id)
{
    char eid[32];
    snprintf(eid, sizeof eid, "%" PRId64, id);
    qn_store_audit_list l;
    OK(t, qn_store_audit_list_entity(t->c, entity, eid, 0, 10, &l, &t->err));
    ck_assert_uint_eq(l.count, 2);
    ck_assert_str_eq(l.items[0].action, "create");
    ck_assert_uint_eq(strlen(l.items[0].after_hex), 64);
    ck_assert_msg(strcmp(l.items[1].before_hex, l.items[0].after_hex) == 0,
                  "%s %s: created as %s, read back as %s", entity, eid, l.items[0].after_hex,
                  l.items[1].before_hex);
    qn_store_audit_list_free(&l);
}

START_TEST(audit_insert_digest_matches_row)
{
    conf_t t;
    conf_open(&t);
    int64_t pid = mk_person(&t, "Returning");
    qn_store_person p;
    OK(&t, qn_store_person_get(t.c, pid, &p, &t.err));
    snprintf(p.given_names, sizeof p.given_names, "Anna Maria");
    OK(&t, qn_store_person_update(t.c, &p, &t.err));
    create_then_update_agree(&t, "person", pid);

    int64_t acc = mk_account(&t, "hotel", "host");
    qn_store_notification n;
    fill_notification(&n, acc, pid, "2026-03-02");
    OK(&t, qn_store_notification_create(t.c, &n, &t.err));
    OK(&t, qn_store_notification_set_status(t.c, n.id, "cancelled", &t.err));
    create_then_update_agree(&t, "notification", n.id);
    conf_close(&t);
}
END_TEST

START_TEST(audit_detects_deletion)
{
    conf_t t;
    conf_open(&t);
    audited_history(&t);
    conf_close(&t);
    ck_assert_int_eq(raw_exec(t.url, "DELETE FROM audit_events WHERE seq = 2", NULL, 0), 0);
    conf_open_url(&t);
    qn_store_audit_report r;
    verify(&t, &r);
    ck_assert(!r.ok);
    ck_assert_int_eq(r.first_broken, 2);
    ck_assert_ptr_nonnull(strstr(r.reason, "missing"));
    conf_close(&t);

    /* Deleting the newest event (the tail) is caught through the head. */
    conf_open(&t);
    int64_t n = audited_history(&t);
    conf_close(&t);
    char sql[96];
    snprintf(sql, sizeof sql, "DELETE FROM audit_events WHERE seq = %" PRId64, n);
    ck_assert_int_eq(raw_exec(t.url, sql, NULL, 0), 0);
    conf_open_url(&t);
    verify(&t, &r);
    ck_assert(!r.ok);
    ck_assert_int_eq(r.first_broken, n);
    conf_close(&t);

    /* A forged event with a recomputed-looking but wrong hash in the middle
     * (re-inserted after deletion) is caught too. */
    conf_open(&t);
    audited_history(&t);
    conf_close(&t);
    ck_assert_int_eq(raw_exec(t.url,
                              "UPDATE audit_events SET hash = (SELECT hash FROM audit_events "
                              "WHERE seq = 1) WHERE seq = 4",
                              NULL, 0),
                     0);
    conf_open_url(&t);
    verify(&t, &r);
    ck_assert(!r.ok);
    ck_assert_int_eq(r.first_broken, 4);
    conf_close(&t);
}
END_TEST

/* Child of the concurrency and crash tests: inserts `count` notifications (or
 * forever if count < 0), writing each acknowledged id to fd. */
static int writer(const char *url, int64_t host, int64_t person, int count, int fd)
{
    qn_store *s = NULL;
    qn_store_conn *c = NULL;
    qn_err err;
    qn_err_clear(&err);
    if (qn_store_open(url, NULL, &s, &err) != QN_OK || qn_store_acquire(s, &c, &err) != QN_OK) {
        fprintf(stderr, "writer: %s\n", err.message);
        return 3;
    }
    for (int i = 0; count < 0 || i < count; i++) {
        qn_store_notification n;
        fill_notification(&n, host, person, "2026-07-01");
        if (qn_store_notification_create(c, &n, &err) != QN_OK) {
            fprintf(stderr, "writer: %s\n", err.message);
            return 1;
        }
        if (fd >= 0 && write(fd, &n.id, sizeof n.id) != (ssize_t)sizeof n.id)
            return 2;
    }
    qn_store_release(c);
    qn_store_close(s);
    return 0;
}

START_TEST(concurrent_writers)
{
    conf_t t;
    conf_open(&t);
    int64_t host = mk_account(&t, "hotel", "host");
    int64_t pid = mk_person(&t, "Schmidt");
    enum { PER = 60 };
    conf_close(&t); /* no SQLite connection may cross fork() */
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        ck_assert_int_ge(kids[k], 0);
        if (kids[k] == 0)
            _exit(writer(t.url, host, pid, PER, -1));
    }
    for (int k = 0; k < 2; k++) {
        int st = 0;
        ck_assert_int_eq(waitpid(kids[k], &st, 0), kids[k]);
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer %d status %d", k, st);
    }
    conf_open_url(&t);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM notifications"), 2 * PER);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(DISTINCT number) FROM notifications"),
                     2 * PER);
    qn_store_audit_report r;
    verify(&t, &r);
    ck_assert_msg(r.ok, "%s", r.reason);
    ck_assert_int_eq(r.events, 2 + 2 * PER);
    conf_close(&t);
}
END_TEST

START_TEST(crash_keeps_acknowledged_writes)
{
    conf_t t;
    conf_open(&t);
    int64_t host = mk_account(&t, "hotel", "host");
    int64_t pid = mk_person(&t, "Schmidt");
    conf_close(&t);
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        close(fds[0]);
        _exit(writer(t.url, host, pid, -1, fds[1]));
    }
    close(fds[1]);
    enum { MAXACK = 4096 };
    int64_t *acked = calloc(MAXACK, sizeof *acked);
    size_t n = 0;
    bool killed = false;
    for (;;) {
        int64_t id;
        ssize_t got = read(fds[0], &id, sizeof id);
        if (got == 0)
            break;
        if (got < 0 && errno == EINTR)
            continue;
        ck_assert_int_eq(got, (ssize_t)sizeof id);
        if (n < MAXACK)
            acked[n++] = id;
        if (n == 40 && !killed) {
            kill(child, SIGKILL); /* mid-stream: the writer is inside its next insert */
            killed = true;
        }
    }
    close(fds[0]);
    int st = 0;
    ck_assert_int_eq(waitpid(child, &st, 0), child);
    ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "writer ended with %d", st);
    ck_assert_uint_ge(n, 40);

    conf_open_url(&t);
    for (size_t i = 0; i < n; i++) {
        qn_store_notification g;
        OK(&t, qn_store_notification_get(t.c, acked[i], &g, &t.err));
        qn_store_notification_clear(&g);
    }
    free(acked);
    qn_store_audit_report r;
    verify(&t, &r);
    ck_assert_msg(r.ok, "%s", r.reason);
    conf_close(&t);
    char out[256];
    if (conf_pg) {
        /* B-tree indexes consistent with their tables (amcheck), every table readable. */
        ck_assert_int_eq(raw_exec(t.url, "CREATE EXTENSION IF NOT EXISTS amcheck", NULL, 0), 0);
        ck_assert_int_eq(
            raw_exec(t.url,
                     "SELECT COUNT(bt_index_check(c.oid, true)) FROM pg_index i "
                     "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
                     "JOIN pg_namespace s ON s.oid = c.relnamespace "
                     "WHERE a.amname = 'btree' AND s.nspname = 'public'",
                     out, sizeof out),
            0);
        ck_assert_int_gt(strtol(out, NULL, 10), 10);
    } else {
        ck_assert_int_eq(raw_exec(t.url, "PRAGMA integrity_check", out, sizeof out), 0);
        ck_assert_str_eq(out, "ok");
    }
}
END_TEST

typedef struct {
    qn_store *s;
    int index;
    int failures;
} pool_job;

static void *pool_worker(void *arg)
{
    pool_job *job = arg;
    for (int i = 0; i < 15; i++) {
        qn_err err;
        qn_err_clear(&err);
        qn_store_conn *c = NULL;
        if (qn_store_acquire(job->s, &c, &err) != QN_OK) {
            job->failures++;
            continue;
        }
        qn_store_account a;
        memset(&a, 0, sizeof a);
        snprintf(a.username, sizeof a.username, "t%d-%d", job->index, i);
        snprintf(a.password_hash, sizeof a.password_hash, "x");
        snprintf(a.role, sizeof a.role, "host");
        if (qn_store_account_create(c, &a, &err) != QN_OK) {
            fprintf(stderr, "pool worker: %s\n", err.message);
            job->failures++;
        }
        qn_store_release(c);
    }
    return NULL;
}

START_TEST(pool_threads)
{
    conf_t t;
    conf_open(&t);
    conf_close(&t);
    qn_store_options opt = {.pool_size = 2, .busy_timeout_ms = 1000};
    OK(&t, qn_store_open(t.url, &opt, &t.s, &t.err));
    enum { THREADS = 4 };
    pthread_t th[THREADS];
    pool_job jobs[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (pool_job){.s = t.s, .index = i};
        ck_assert_int_eq(pthread_create(&th[i], NULL, pool_worker, &jobs[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(jobs[i].failures, 0);
    }
    /* Both connections are busy: a third acquire times out instead of hanging. */
    qn_store_conn *a = NULL, *b = NULL, *c = NULL;
    OK(&t, qn_store_acquire(t.s, &a, &t.err));
    OK(&t, qn_store_acquire(t.s, &b, &t.err));
    FAILS(&t, QN_E_UNAVAILABLE, qn_store_acquire(t.s, &c, &t.err));
    qn_store_release(a);
    OK(&t, qn_store_acquire(t.s, &c, &t.err));
    qn_store_release(b);
    qn_store_release(c);
    qn_store_close(t.s);
    t.s = NULL;
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM accounts"), THREADS * 15);
}
END_TEST

#ifdef CONF_PG_ONLY_TESTS
/* PostgreSQL only: the server drops the connection; the caller gets
 * QN_E_UNAVAILABLE with a clear message, and the next call reconnects. */
START_TEST(pg_lost_connection)
{
    conf_t t;
    conf_open(&t);
    int64_t id = mk_account(&t, "alice", "host");
    ck_assert_int_eq(raw_exec(t.url,
                              "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                              "WHERE datname = current_database() AND pid <> pg_backend_pid()",
                              NULL, 0),
                     0);
    qn_store_account a;
    FAILS(&t, QN_E_UNAVAILABLE, qn_store_account_get(t.c, id, &a, &t.err));
    ck_assert_ptr_nonnull(strstr(t.err.message, "connection"));
    OK(&t, qn_store_account_get(t.c, id, &a, &t.err)); /* reconnected */
    ck_assert_str_eq(a.username, "alice");
    /* Lost inside a transaction: the work is not silently retried. */
    OK(&t, qn_store_begin(t.c, &t.err));
    mk_account(&t, "bob", "host");
    ck_assert_int_eq(raw_exec(t.url,
                              "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                              "WHERE datname = current_database() AND pid <> pg_backend_pid()",
                              NULL, 0),
                     0);
    qn_err_clear(&t.err);
    ck_assert_int_ne(qn_store_account_get(t.c, id, &a, &t.err), QN_OK);
    ck_assert_int_ne(qn_store_commit(t.c, &t.err), QN_OK);
    qn_store_release(t.c);
    OK(&t, qn_store_acquire(t.s, &t.c, &t.err));
    FAILS(&t, QN_E_NOT_FOUND, qn_store_account_by_username(t.c, "bob", &a, &t.err));
    conf_close(&t);
}
END_TEST

/* PostgreSQL only: the SERVER is killed (SIGKILL to every server process)
 * while a writer streams acknowledged inserts; after crash recovery every
 * acknowledged record is there, the indexes check out and the chain holds. */
START_TEST(pg_server_crash)
{
    const char *root = qn_test_env("QONAQ_ROOT", 1);
    const char *pgdir = qn_test_env("QONAQ_TEST_PG_DIR", 1);
    conf_t t;
    conf_open(&t);
    int64_t host = mk_account(&t, "hotel", "host");
    int64_t pid = mk_person(&t, "Schmidt");
    conf_close(&t);
    /* A checkpoint first, so that recovery replays only this test's WAL, not
     * that of every test database created before it (CREATE DATABASE logs
     * its whole template): a loaded machine then restarts in seconds. */
    ck_assert_int_eq(raw_exec(t.url, "CHECKPOINT", NULL, 0), 0);
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        close(fds[0]);
        _exit(writer(t.url, host, pid, -1, fds[1])); /* ends when the server dies */
    }
    close(fds[1]);
    enum { MAXACK = 100000 };
    int64_t *acked = calloc(MAXACK, sizeof *acked);
    size_t n = 0;
    bool crashed = false;
    for (;;) {
        int64_t id;
        ssize_t got = read(fds[0], &id, sizeof id);
        if (got == 0)
            break;
        if (got < 0 && errno == EINTR)
            continue;
        ck_assert_int_eq(got, (ssize_t)sizeof id);
        if (n < MAXACK)
            acked[n++] = id;
        if (n == 40 && !crashed) {
            char cmd[2048];
            snprintf(cmd, sizeof cmd, "'%s/scripts/pg_temp.sh' crash '%s'", root, pgdir);
            ck_assert_int_eq(system(cmd), 0);
            crashed = true;
        }
    }
    close(fds[0]);
    int st = 0;
    ck_assert_int_eq(waitpid(child, &st, 0), child);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "writer should fail on the crash: %d", st);
    conf_open_url(&t);
    for (size_t i = 0; i < n; i++) {
        qn_store_notification g;
        OK(&t, qn_store_notification_get(t.c, acked[i], &g, &t.err));
        qn_store_notification_clear(&g);
    }
    free(acked);
    qn_store_audit_report r;
    verify(&t, &r);
    ck_assert_msg(r.ok, "%s", r.reason);
    conf_close(&t);
    char out[64];
    ck_assert_int_eq(raw_exec(t.url, "CREATE EXTENSION IF NOT EXISTS amcheck", NULL, 0), 0);
    ck_assert_int_eq(raw_exec(t.url,
                              "SELECT COUNT(bt_index_check(c.oid, true)) FROM pg_index i "
                              "JOIN pg_class c ON c.oid = i.indexrelid "
                              "JOIN pg_am a ON a.oid = c.relam "
                              "JOIN pg_namespace s ON s.oid = c.relnamespace "
                              "WHERE a.amname = 'btree' AND s.nspname = 'public'",
                              out, sizeof out),
                     0);
}
END_TEST
#endif

#endif
