/* conformance_store.h — the store conformance suite, part 4: the store's
 * own machinery. The statement cache (more distinct statements than any
 * fixed cap, one left stepping meanwhile), a failed statement dooming its
 * transaction, audited updates that race (the second must digest what the
 * first wrote), the query plans of the named lookups, the upgrade of a
 * version-1 database, and the pruning of idempotency keys. Included after
 * conformance.h; uses the store's internal header for the cache test only.
 */
#ifndef QN_TEST_STORE_CONFORMANCE_STORE_H
#define QN_TEST_STORE_CONFORMANCE_STORE_H

#include <inttypes.h>
#include <pthread.h>
#include <time.h>

#include "conformance.h"
#include "store/store_internal.h"

/* ------------------------------------------------------- statement cache */

enum { CACHE_TEXTS = 400 }; /* well past the old fixed cache of 160 */
static char cache_texts[CACHE_TEXTS][40];

/* Statements prepared on t's connection: the server's list (PostgreSQL) or
 * SQLite's list of live statements. */
static long prepared_count(conf_t *t)
{
    if (!conf_pg) {
        long n = 0;
        for (sqlite3_stmt *st = sqlite3_next_stmt(t->c->db, NULL); st != NULL;
             st = sqlite3_next_stmt(t->c->db, st))
            n++;
        return n;
    }
    static const char *const sql = "SELECT COUNT(*) FROM pg_prepared_statements";
    qs_q q;
    qs_init(&q, t->c, sql);
    OK(t, qs_one(&q, "count", &t->err));
    long n = (long)qs_get_int(&q, 0);
    qs_done(&q);
    return n;
}

static void run_cache_texts(conf_t *t)
{
    for (int i = 0; i < CACHE_TEXTS; i++) {
        qs_q q;
        qs_init(&q, t->c, cache_texts[i]);
        qs_int(&q, 1, 1000);
        OK(t, qs_one(&q, "row", &t->err));
        ck_assert_int_eq(qs_get_int(&q, 0), 1000 + i);
        qs_done(&q);
    }
}

START_TEST(statement_cache)
{
    /* The old cache held 160 statements: past it, PostgreSQL prepared a new
     * server-side statement at every call (never deallocated) and SQLite
     * finalized the oldest one, even while it was stepping. */
    conf_t t;
    conf_open(&t);
    for (int i = 0; i < CACHE_TEXTS; i++)
        snprintf(cache_texts[i], sizeof cache_texts[i], "SELECT %d + $1", i);
    static const char *const three = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
                                     "SELECT i + 1 FROM n WHERE i < 3) SELECT i FROM n";
    qs_q open;
    qs_init(&open, t.c, three);
    ck_assert_int_eq(qs_step(&open, &t.err), 1);
    ck_assert_int_eq(qs_get_int(&open, 0), 1);
    run_cache_texts(&t);
    long first = prepared_count(&t);
    run_cache_texts(&t);
    long second = prepared_count(&t);
    /* The statement left open is still whole. */
    ck_assert_int_eq(qs_step(&open, &t.err), 1);
    ck_assert_int_eq(qs_get_int(&open, 0), 2);
    ck_assert_int_eq(qs_step(&open, &t.err), 1);
    ck_assert_int_eq(qs_get_int(&open, 0), 3);
    ck_assert_int_eq(qs_step(&open, &t.err), 0);
    qs_done(&open);
    ck_assert_msg(first == second, "statements grew from %ld to %ld on a second pass", first,
                  second);
    ck_assert_msg(first >= CACHE_TEXTS && first <= CACHE_TEXTS + 60, "%ld statements", first);
    /* The store's operations work on top of it, and repeating one prepares
     * nothing new. */
    mk_account(&t, "alice", "host");
    long after_one = prepared_count(&t);
    mk_account(&t, "bob", "host");
    ck_assert_int_eq(prepared_count(&t), after_one);
    conf_close(&t);
}
END_TEST

/* ------------------------------------------- a failed statement dooms a tx */

START_TEST(statement_error_dooms_transaction)
{
    /* Not every failing statement goes through an operation that marks the
     * transaction: a read that fails (here: its table is gone) used to leave
     * it open for commit. On SQLite the commit then wrote the rest; on
     * PostgreSQL the server answered COMMIT with "ROLLBACK" and the store
     * reported success for work that was not written. */
    conf_t t;
    conf_open(&t);
    int64_t acc = mk_account(&t, "before", "host");
    ck_assert_int_eq(raw_exec(t.url, "ALTER TABLE notices RENAME TO notices_gone", NULL, 0), 0);
    OK(&t, qn_store_begin(t.c, &t.err));
    mk_account(&t, "inside", "host");
    qn_store_notice_list nl;
    qn_err_clear(&t.err);
    ck_assert_int_ne(qn_store_notice_list_account(t.c, acc, 0, 10, &nl, &t.err), QN_OK);
    qn_store_notice_list_free(&nl);
    FAILS(&t, QN_E_INTERNAL, qn_store_commit(t.c, &t.err));
    ck_assert_str_eq(t.err.sub, "tx_failed");
    ck_assert(!qn_store_in_tx(t.c));
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM accounts WHERE username = 'inside'"), 0);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM audit_events"), 1);
    /* A savepoint rolled back to undoes the failure after it: the bulk path
     * (one bad row among good ones) still commits. */
    int64_t pid = mk_person(&t, "Schmidt");
    qn_store_notification rows[2];
    fill_notification(&rows[0], acc, pid, "2026-03-02");
    fill_notification(&rows[1], acc, 999999, "2026-03-02");
    qn_store_row_result res[2];
    size_t n_ok = 0;
    OK(&t, qn_store_begin(t.c, &t.err));
    OK(&t, qn_store_notifications_bulk(t.c, rows, 2, false, res, &n_ok, &t.err));
    ck_assert_uint_eq(n_ok, 1);
    OK(&t, qn_store_commit(t.c, &t.err));
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM notifications"), 1);
    conf_close(&t);
}
END_TEST

/* ---------------------------------------------- racing audited updates */

/* One audited update, variant 1 or 2 (two different values). */
typedef qn_code (*race_op)(qn_store_conn *c, int64_t id, int variant, qn_err *err);

static qn_code race_violation(qn_store_conn *c, int64_t id, int variant, qn_err *err)
{
    return qn_store_violation_set_state(c, id, variant == 1 ? "fined" : "closed", variant, 100,
                                        err);
}

static qn_code race_notification(qn_store_conn *c, int64_t id, int variant, qn_err *err)
{
    return qn_store_notification_set_status(c, id, variant == 1 ? "accepted" : "rejected", err);
}

static qn_code race_account(qn_store_conn *c, int64_t id, int variant, qn_err *err)
{
    qn_store_account a;
    qn_code rc = qn_store_account_get(c, id, &a, err);
    snprintf(a.display_name, sizeof a.display_name, "name %d", variant);
    return rc == QN_OK ? qn_store_account_update(c, &a, err) : rc;
}

static qn_code race_person(qn_store_conn *c, int64_t id, int variant, qn_err *err)
{
    qn_store_person p;
    qn_code rc = qn_store_person_get(c, id, &p, err);
    snprintf(p.given_names, sizeof p.given_names, "Given %d", variant);
    return rc == QN_OK ? qn_store_person_update(c, &p, err) : rc;
}

static qn_code race_address(qn_store_conn *c, int64_t id, int variant, qn_err *err)
{
    qn_store_address a;
    memset(&a, 0, sizeof a);
    snprintf(a.code, sizeof a.code, "ADDR%" PRId64, id); /* a new code: both writers insert */
    snprintf(a.region, sizeof a.region, "75");
    snprintf(a.text, sizeof a.text, "Abay ave %d", variant);
    return qn_store_address_put(c, &a, err);
}

static qn_code race_ca(qn_store_conn *c, int64_t id, int variant, qn_err *err)
{
    return qn_store_ca_set_enabled(c, id, variant == 2, err);
}

static qn_code race_otp(qn_store_conn *c, int64_t id, int variant, qn_err *err)
{
    (void)variant;
    return qn_store_otp_consume(c, id, err);
}

typedef struct {
    qn_store *s;
    race_op op;
    int64_t id;
    qn_code rc;
    char message[256];
} race_job;

static void *race_second(void *arg)
{
    race_job *job = arg;
    qn_store_conn *c = NULL;
    qn_err err;
    qn_err_clear(&err);
    job->rc = qn_store_acquire(job->s, &c, &err);
    if (job->rc == QN_OK) {
        qn_store_set_actor(c, 0, "second");
        job->rc = job->op(c, job->id, 2, &err);
        qn_store_release(c);
    }
    snprintf(job->message, sizeof job->message, "%s", err.message);
    return NULL;
}

/* Runs op variant 1 in an open transaction, starts variant 2 on another
 * connection, commits the first after a pause; then the second's event must
 * have as its "before" the first's "after". */
static void race(conf_t *t, race_op op, int64_t id, const char *entity, const char *entity_id)
{
    OK(t, qn_store_begin(t->c, &t->err));
    OK(t, op(t->c, id, 1, &t->err));
    race_job job = {.s = t->s, .op = op, .id = id};
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, race_second, &job), 0);
    struct timespec pause = {0, 300 * 1000 * 1000};
    nanosleep(&pause, NULL);
    OK(t, qn_store_commit(t->c, &t->err));
    pthread_join(th, NULL);
    ck_assert_msg(job.rc == QN_OK, "%s: second writer: %s", entity, job.message);
    qn_store_audit_list l;
    OK(t, qn_store_audit_list_entity(t->c, entity, entity_id, 0, 100, &l, &t->err));
    ck_assert_uint_ge(l.count, 2);
    const qn_store_audit_event *first = &l.items[l.count - 2], *second = &l.items[l.count - 1];
    ck_assert_str_eq(second->actor, "second");
    ck_assert_msg(strcmp(second->before_hex, first->after_hex) == 0,
                  "%s %s: the second change digested a stale row (%s, expected %s)", entity,
                  entity_id, second->before_hex, first->after_hex);
    qn_store_audit_list_free(&l);
}

START_TEST(audited_updates_serialise)
{
    conf_t t;
    conf_open(&t);
    int64_t acc = mk_account(&t, "hotel", "host");
    int64_t pid = mk_person(&t, "Schmidt");
    qn_store_violation v;
    memset(&v, 0, sizeof v);
    snprintf(v.kind, sizeof v.kind, "art517");
    v.subject_person_id = pid;
    snprintf(v.article, sizeof v.article, "517.1");
    snprintf(v.region, sizeof v.region, "75");
    OK(&t, qn_store_violation_create(t.c, &v, &t.err));
    qn_store_notification n;
    fill_notification(&n, acc, pid, "2026-03-02");
    OK(&t, qn_store_notification_create(t.c, &n, &t.err));
    unsigned char der[32];
    memset(der, 0x30, sizeof der);
    qn_store_ca ca;
    memset(&ca, 0, sizeof ca);
    snprintf(ca.name, sizeof ca.name, "CA");
    ca.der = der;
    ca.der_len = sizeof der;
    ca.enabled = true;
    OK(&t, qn_store_ca_add(t.c, &ca, &t.err));

    const struct {
        race_op op;
        int64_t id;
        const char *entity;
        char entity_id[32];
    } cases[] = {
        {race_violation, v.id, "violation", ""},
        {race_notification, n.id, "notification", ""},
        {race_account, acc, "account", ""},
        {race_person, pid, "person", ""},
        {race_address, 7, "address", "ADDR7"},
        {race_ca, ca.id, "trusted_ca", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char id[32];
        if (cases[i].entity_id[0] != '\0')
            snprintf(id, sizeof id, "%s", cases[i].entity_id);
        else
            snprintf(id, sizeof id, "%" PRId64, cases[i].id);
        race(&t, cases[i].op, cases[i].id, cases[i].entity, id);
    }
    qn_store_violation g;
    OK(&t, qn_store_violation_get(t.c, v.id, &g, &t.err));
    ck_assert_str_eq(g.state, "closed"); /* the second writer's, applied after the first */
    qn_store_violation_clear(&g);
    qn_store_audit_report r;
    OK(&t, qn_store_audit_verify(t.c, &r, &t.err));
    ck_assert_msg(r.ok, "%s", r.reason);

    /* One-time codes: of two racing consumers exactly one wins. */
    qn_store_otp o;
    memset(&o, 0, sizeof o);
    snprintf(o.phone, sizeof o.phone, "+77011234567");
    o.account_id = acc;
    snprintf(o.code_hash, sizeof o.code_hash, "h");
    snprintf(o.doc_digest, sizeof o.doc_digest, "d");
    o.expires_at = 9999;
    OK(&t, qn_store_otp_create(t.c, &o, &t.err));
    OK(&t, qn_store_begin(t.c, &t.err));
    OK(&t, race_otp(t.c, o.id, 1, &t.err));
    race_job job = {.s = t.s, .op = race_otp, .id = o.id};
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, race_second, &job), 0);
    struct timespec pause = {0, 200 * 1000 * 1000};
    nanosleep(&pause, NULL);
    OK(&t, qn_store_commit(t.c, &t.err));
    pthread_join(th, NULL);
    ck_assert_msg(job.rc == QN_E_CONFLICT, "second consumer: %s", job.message);
    conf_close(&t);
}
END_TEST

/* ------------------------------------------------------------ query plans */

/* True if the plan names one of the '|'-separated indexes. */
static bool plan_uses(const char *plan, const char *indexes)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", indexes);
    for (char *save = NULL, *tok = strtok_r(buf, "|", &save); tok != NULL;
         tok = strtok_r(NULL, "|", &save)) {
        /* A whole word: violations_region must not match violations_region_time. */
        for (const char *p = strstr(plan, tok); p != NULL; p = strstr(p + 1, tok)) {
            char after = p[strlen(tok)];
            if (!(after == '_' || (after >= 'a' && after <= 'z') || (after >= '0' && after <= '9')))
                return true;
        }
    }
    return false;
}

START_TEST(lookups_use_their_indexes)
{
    conf_t t;
    conf_open(&t);
    size_t n = qn_store_lookup_count();
    ck_assert_uint_ge(n, 10);
    for (size_t i = 0; i < n; i++) {
        const char *name = NULL, *indexes = NULL;
        char plan[4096];
        OK(&t, qn_store_lookup_explain(t.c, i, &name, &indexes, plan, sizeof plan, &t.err));
        ck_assert_msg(plan[0] != '\0', "%s: empty plan", name);
        if (getenv("QONAQ_TEST_SHOW_PLANS") != NULL)
            fprintf(stderr, "%s [%s]:\n%s\n", name, indexes, plan);
        if (indexes[0] != '\0')
            ck_assert_msg(plan_uses(plan, indexes), "%s should use %s; plan:\n%s", name, indexes,
                          plan);
        if (conf_pg && indexes[0] != '\0')
            ck_assert_msg(strstr(plan, "Seq Scan") == NULL, "%s scans the table:\n%s", name, plan);
    }
    const char *name, *indexes;
    char plan[16];
    FAILS(&t, QN_E_NOT_FOUND, qn_store_lookup_explain(t.c, n, &name, &indexes, plan, sizeof plan,
                                                      &t.err));
    /* The plans leave the session as it was (PostgreSQL: enable_seqscan). */
    OK(&t, qn_store_begin(t.c, &t.err));
    mk_account(&t, "alice", "host");
    OK(&t, qn_store_commit(t.c, &t.err));
    conf_close(&t);
}
END_TEST

/* ---------------------------------------------------------------- upgrade */

START_TEST(upgrade_from_version_1)
{
    /* A database made by the first release (migration 001 only), with data
     * in it, upgraded by qn_store_migrate to the newest version: the data
     * reads back and the newer operations work on the old rows. */
    conf_t t;
    memset(&t, 0, sizeof t);
    conf_fresh_url(t.url, sizeof t.url);
    qn_store_options v1 = {.migrate_to = 1};
    OK(&t, qn_store_open(t.url, &v1, &t.s, &t.err));
    OK(&t, qn_store_acquire(t.s, &t.c, &t.err));
    int version = 0;
    OK(&t, qn_store_schema_version(t.c, &version, &t.err));
    ck_assert_int_eq(version, 1);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM schema_version"), 1);
    int64_t host = mk_account(&t, "hotel", "host");
    int64_t pid = mk_person(&t, "Schmidt");
    qn_store_crossing x;
    memset(&x, 0, sizeof x);
    x.person_id = pid;
    snprintf(x.kind, sizeof x.kind, "entry");
    x.date = qn_test_date("2026-03-01");
    snprintf(x.checkpoint, sizeof x.checkpoint, "Khorgos");
    OK(&t, qn_store_crossing_create(t.c, &x, &t.err));
    /* The notification with v1's columns, in SQL: the store's own insert
     * writes the columns of today's schema (region, citizenship, ...). */
    qn_store_notification n;
    fill_notification(&n, host, pid, "2026-03-02");
    snprintf(n.number, sizeof n.number, "N-2026-000001");
    char ins[512];
    snprintf(ins, sizeof ins,
             "INSERT INTO notifications (number, host_account_id, person_id, entry_date, checkpoint, "
             "arrival_date, stay_from, stay_to, purpose, deadline, on_time, status, created_at, payload) "
             "VALUES ('%s', %lld, %lld, %d, '%s', %d, %d, %d, '%s', %d, 1, 'submitted', 1, '%s')",
             n.number, (long long)host, (long long)pid, (int)n.entry_date, n.checkpoint,
             (int)n.arrival_date, (int)n.stay_from, (int)n.stay_to, n.purpose, (int)n.deadline,
             n.payload);
    conf_close(&t);
    ck_assert_int_eq(raw_exec(t.url, ins, NULL, 0), 0);
    n.id = raw_count(t.url, "SELECT MAX(id) FROM notifications");
    OK(&t, qn_store_open(t.url, &v1, &t.s, &t.err));
    OK(&t, qn_store_acquire(t.s, &t.c, &t.err));
    qn_store_violation v;
    memset(&v, 0, sizeof v);
    snprintf(v.kind, sizeof v.kind, "art518");
    v.subject_account_id = host;
    v.notification_id = n.id;
    snprintf(v.article, sizeof v.article, "518.1");
    snprintf(v.region, sizeof v.region, "75");
    OK(&t, qn_store_violation_create(t.c, &v, &t.err));
    conf_close(&t);

    int from = 0, to = 0;
    OK(&t, qn_store_migrate(t.url, &from, &to, &t.err));
    ck_assert_int_eq(from, 1);
    ck_assert_int_eq(to, QN_STORE_SCHEMA_VERSION);
    conf_open_url(&t);
    qn_store_account a;
    OK(&t, qn_store_account_get(t.c, host, &a, &t.err));
    ck_assert_str_eq(a.username, "hotel");
    qn_store_notification g;
    OK(&t, qn_store_notification_get(t.c, n.id, &g, &t.err));
    ck_assert_str_eq(g.number, n.number);
    ck_assert_str_eq(g.payload, "{\"guest\":\"x\"}");
    qn_store_notification_clear(&g);
    qn_store_crossing_list xl;
    OK(&t, qn_store_crossing_list_person(t.c, pid, &xl, &t.err));
    ck_assert_uint_eq(xl.count, 1);
    qn_store_crossing_list_free(&xl);
    /* Newer operations on the old rows: the crossing feed finds the v1
     * crossing (region '' by default), the person's violations are listed. */
    bool created = true;
    qn_store_crossing again = x;
    OK(&t, qn_store_crossing_record(t.c, &again, "75", &created, &t.err));
    ck_assert(!created);
    ck_assert_int_eq(again.id, x.id);
    qn_store_violation_list vl;
    OK(&t, qn_store_violation_list_person(t.c, pid, &vl, &t.err));
    ck_assert_uint_eq(vl.count, 1);
    ck_assert_int_eq(vl.items[0].id, v.id);
    qn_store_violation_list_free(&vl);
    qn_store_audit_report r;
    OK(&t, qn_store_audit_verify(t.c, &r, &t.err));
    ck_assert_msg(r.ok, "%s", r.reason);
    ck_assert_int_eq(r.events, 4); /* account, person, crossing, violation */
    conf_close(&t);
}
END_TEST

/* ------------------------------------------------------- idempotency keys */

START_TEST(idempotency_pruned)
{
    conf_t t;
    memset(&t, 0, sizeof t);
    conf_fresh_url(t.url, sizeof t.url);
    qn_store_options opt = {.idem_retention_days = 2};
    OK(&t, qn_store_open(t.url, &opt, &t.s, &t.err));
    OK(&t, qn_store_acquire(t.s, &t.c, &t.err));
    int64_t acc = mk_account(&t, "hotel", "host");
    unsigned char d[QN_STORE_DIGEST_LEN] = {7};
    const char *keys[] = {"old", "edge", "new"};
    for (int i = 0; i < 3; i++) {
        qn_store_idem idem;
        OK(&t, qn_store_begin(t.c, &t.err));
        OK(&t, qn_store_idem_claim(t.c, acc, keys[i], d, &idem, &t.err));
        OK(&t, qn_store_idem_finish(t.c, acc, keys[i], 201, "{}", &t.err));
        OK(&t, qn_store_commit(t.c, &t.err));
    }
    int64_t now = 1800000000;
    char sql[160];
    snprintf(sql, sizeof sql, "UPDATE idempotency SET created_at = %" PRId64 " WHERE key = 'old'",
             now - 2 * 86400 - 1);
    ck_assert_int_eq(raw_exec(t.url, sql, NULL, 0), 0);
    snprintf(sql, sizeof sql, "UPDATE idempotency SET created_at = %" PRId64 " WHERE key = 'edge'",
             now - 2 * 86400);
    ck_assert_int_eq(raw_exec(t.url, sql, NULL, 0), 0);
    snprintf(sql, sizeof sql, "UPDATE idempotency SET created_at = %" PRId64 " WHERE key = 'new'",
             now - 60);
    ck_assert_int_eq(raw_exec(t.url, sql, NULL, 0), 0);
    int64_t n = -1;
    OK(&t, qn_store_idem_prune(t.c, now, &n, &t.err));
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM idempotency WHERE key = 'old'"), 0);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM idempotency"), 2);
    /* A pruned key is free again: the same key makes a new claim. */
    qn_store_idem idem;
    OK(&t, qn_store_begin(t.c, &t.err));
    OK(&t, qn_store_idem_claim(t.c, acc, "old", d, &idem, &t.err));
    ck_assert(!idem.replay);
    qn_store_rollback(t.c);
    conf_close(&t);

    /* The default retention is 7 days. */
    conf_open_url(&t);
    OK(&t, qn_store_idem_prune(t.c, now + 5 * 86400, &n, &t.err)); /* "edge" is 7 days old */
    ck_assert_int_eq(n, 0);
    OK(&t, qn_store_idem_prune(t.c, now + 8 * 86400, &n, &t.err));
    ck_assert_int_eq(n, 2);
    conf_close(&t);
}
END_TEST

#endif
