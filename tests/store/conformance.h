/* conformance.h — the store conformance suite, part 1: fixtures, helpers and
 * the record operations. Included by test_store_sqlite.c and test_store_pg.c:
 * the same tests run against each backend. Every test opens a fresh, empty
 * database (a new SQLite file, or a new PostgreSQL database created on the
 * server named by $QONAQ_TEST_PG), so tests are independent; Check runs each
 * in its own process.
 *
 * Raw access (raw_exec) goes around the store with the backend's own library,
 * to tamper with rows and to check what is really on disk.
 */
#ifndef QN_TEST_STORE_CONFORMANCE_H
#define QN_TEST_STORE_CONFORMANCE_H

#include <libpq-fe.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"
#include "support/qn_test.h"

/* Which backend this program tests: set by the suite function before the
 * tests run (Check forks each test from that state). */
static int conf_pg;

typedef struct {
    char url[QN_STORE_URL_MAX + 1];
    qn_store *s;
    qn_store_conn *c;
    qn_err err;
} conf_t;

static void conf_fresh_url(char *url, size_t cap)
{
    qn_err err;
    qn_err_clear(&err);
    qn_code rc;
    if (conf_pg)
        rc = qn_store_fresh_url(qn_test_env("QONAQ_TEST_PG", 1), NULL, url, cap, &err);
    else
        rc = qn_store_fresh_url("sqlite:", qn_test_tmpdir(), url, cap, &err);
    ck_assert_msg(rc == QN_OK, "cannot make a fresh database: %s", err.message);
}

static void conf_open_url(conf_t *t)
{
    qn_err_clear(&t->err);
    qn_code rc = qn_store_open(t->url, NULL, &t->s, &t->err);
    ck_assert_msg(rc == QN_OK, "open %s: %s", t->url, t->err.message);
    rc = qn_store_acquire(t->s, &t->c, &t->err);
    ck_assert_msg(rc == QN_OK, "acquire: %s", t->err.message);
    qn_store_set_actor(t->c, 0, "test");
}

static void conf_open(conf_t *t)
{
    memset(t, 0, sizeof *t);
    conf_fresh_url(t->url, sizeof t->url);
    conf_open_url(t);
}

static void conf_close(conf_t *t)
{
    qn_store_release(t->c);
    qn_store_close(t->s);
    t->c = NULL;
    t->s = NULL;
}

#define OK(t, call)                                                                                          \
    do {                                                                                                     \
        qn_err_clear(&(t)->err);                                                                             \
        qn_code rc_ = (call);                                                                                \
        ck_assert_msg(rc_ == QN_OK, "%s -> %s: %s", #call, qn_code_name(rc_), (t)->err.message);             \
    } while (0)

#define FAILS(t, code, call)                                                                                 \
    do {                                                                                                     \
        qn_err_clear(&(t)->err);                                                                             \
        qn_code rc_ = (call);                                                                                \
        ck_assert_msg(rc_ == (code), "%s -> %s (expected %s): %s", #call, qn_code_name(rc_),                 \
                      qn_code_name(code), (t)->err.message);                                                 \
        ck_assert_msg((t)->err.message[0] != '\0', "%s gave no message", #call);                             \
    } while (0)

/* Runs sql with the backend's own library; the first column of the first
 * row (if any) goes to out. Returns 0 on success. */
static int raw_exec(const char *url, const char *sql, char *out, size_t cap)
{
    if (out != NULL && cap > 0)
        out[0] = '\0';
    if (strncmp(url, "sqlite:", 7) == 0) {
        sqlite3 *db = NULL;
        if (sqlite3_open(url + 7, &db) != SQLITE_OK) {
            sqlite3_close(db);
            return -1;
        }
        sqlite3_busy_timeout(db, 5000);
        sqlite3_stmt *st = NULL;
        const char *tail = sql;
        int rc = 0;
        while (rc == 0 && tail != NULL && *tail != '\0') {
            if (sqlite3_prepare_v2(db, tail, -1, &st, &tail) != SQLITE_OK) {
                fprintf(stderr, "raw_exec: %s\n", sqlite3_errmsg(db));
                rc = -1;
                break;
            }
            if (st == NULL)
                break;
            int s = sqlite3_step(st);
            if (s == SQLITE_ROW && out != NULL && out[0] == '\0') {
                const unsigned char *v = sqlite3_column_text(st, 0);
                snprintf(out, cap, "%s", v != NULL ? (const char *)v : "");
            } else if (s != SQLITE_ROW && s != SQLITE_DONE) {
                fprintf(stderr, "raw_exec: %s\n", sqlite3_errmsg(db));
                rc = -1;
            }
            sqlite3_finalize(st);
        }
        sqlite3_close(db);
        return rc;
    }
    PGconn *db = PQconnectdb(url);
    if (PQstatus(db) != CONNECTION_OK) {
        fprintf(stderr, "raw_exec: %s\n", PQerrorMessage(db));
        PQfinish(db);
        return -1;
    }
    PGresult *res = PQexec(db, sql);
    int rc = 0;
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_TUPLES_OK && PQntuples(res) > 0 && out != NULL)
        snprintf(out, cap, "%s", PQgetvalue(res, 0, 0));
    else if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        fprintf(stderr, "raw_exec: %s\n", PQerrorMessage(db));
        rc = -1;
    }
    PQclear(res);
    PQfinish(db);
    return rc;
}

static long raw_count(const char *url, const char *sql)
{
    char out[64];
    ck_assert_msg(raw_exec(url, sql, out, sizeof out) == 0, "raw query failed: %s", sql);
    return strtol(out, NULL, 10);
}

static int64_t mk_account(conf_t *t, const char *username, const char *role)
{
    qn_store_account a;
    memset(&a, 0, sizeof a);
    snprintf(a.username, sizeof a.username, "%s", username);
    snprintf(a.password_hash, sizeof a.password_hash, "$argon2id$v=19$m=65536,t=2,p=1$x$y");
    snprintf(a.role, sizeof a.role, "%s", role);
    snprintf(a.display_name, sizeof a.display_name, "User %s", username);
    if (strcmp(role, "officer") == 0)
        snprintf(a.region, sizeof a.region, "KZ-ALA");
    OK(t, qn_store_account_create(t->c, &a, &t->err));
    ck_assert_int_gt(a.id, 0);
    return a.id;
}

static int64_t mk_person(conf_t *t, const char *surname)
{
    qn_store_person p;
    memset(&p, 0, sizeof p);
    snprintf(p.kind, sizeof p.kind, "foreigner");
    snprintf(p.surname, sizeof p.surname, "%s", surname);
    snprintf(p.given_names, sizeof p.given_names, "Anna");
    snprintf(p.citizenship, sizeof p.citizenship, "DEU");
    p.birth_date = qn_test_date("1990-05-17");
    snprintf(p.sex, sizeof p.sex, "F");
    OK(t, qn_store_person_create(t->c, &p, &t->err));
    return p.id;
}

/* A German passport numbered `number` of person; returns the document id. */
static int64_t mk_document(conf_t *t, int64_t person, const char *number)
{
    qn_store_document d;
    memset(&d, 0, sizeof d);
    d.person_id = person;
    snprintf(d.kind, sizeof d.kind, "passport");
    snprintf(d.number, sizeof d.number, "%s", number);
    snprintf(d.country, sizeof d.country, "DEU");
    d.issued = qn_test_date("2020-01-01");
    d.expires = qn_test_date("2030-01-01");
    OK(t, qn_store_document_create(t->c, &d, &t->err));
    return d.id;
}

static void fill_notification(qn_store_notification *n, int64_t host, int64_t person, const char *arrival)
{
    memset(n, 0, sizeof *n);
    n->host_account_id = host;
    n->person_id = person;
    n->arrival_date = qn_test_date(arrival);
    n->entry_date = n->arrival_date;
    snprintf(n->checkpoint, sizeof n->checkpoint, "Almaty airport");
    n->stay_from = n->arrival_date;
    n->stay_to = n->arrival_date + 10;
    snprintf(n->purpose, sizeof n->purpose, "tourism");
    n->deadline = n->arrival_date + 3;
    n->on_time = true;
    n->payload = (char *)"{\"guest\":\"x\"}";
}

/* ------------------------------------------------------------------ tests */

START_TEST(migrations_from_empty)
{
    conf_t t;
    conf_open(&t);
    int v = -1;
    OK(&t, qn_store_schema_version(t.c, &v, &t.err));
    ck_assert_int_eq(v, QN_STORE_SCHEMA_VERSION);
    ck_assert_str_eq(qn_store_backend(t.s), conf_pg ? "postgresql" : "sqlite");
    conf_close(&t);
    int from = -1, to = -1;
    OK(&t, qn_store_migrate(t.url, &from, &to, &t.err));
    ck_assert_int_eq(from, QN_STORE_SCHEMA_VERSION);
    ck_assert_int_eq(to, QN_STORE_SCHEMA_VERSION);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM schema_version"), QN_STORE_SCHEMA_VERSION);
    /* The newest version is the number of migrations compiled in, each
     * recorded once, numbered 1..N. */
    ck_assert_int_ge(qn_store_schema_latest(), 5);
    ck_assert_int_eq(raw_count(t.url, "SELECT MAX(version) FROM schema_version"), qn_store_schema_latest());

    /* A second empty database migrated by qn_store_migrate directly. */
    char url[QN_STORE_URL_MAX + 1];
    conf_fresh_url(url, sizeof url);
    OK(&t, qn_store_migrate(url, &from, &to, &t.err));
    ck_assert_int_eq(from, 0);
    ck_assert_int_eq(to, QN_STORE_SCHEMA_VERSION);
}
END_TEST

START_TEST(concurrent_migrations)
{
    /* Several processes open the same empty database at once: all succeed
     * and the migration is applied exactly once. (The lock pattern behind a
     * rare SQLite failure of this race is pinned down deterministically in
     * test_store_sqlite.c, open_waits_for_the_switch_to_wal.) */
    enum { MIGRATORS = 8 };
    conf_t t;
    memset(&t, 0, sizeof t);
    conf_fresh_url(t.url, sizeof t.url);
    pid_t kids[MIGRATORS];
    for (int k = 0; k < MIGRATORS; k++) {
        kids[k] = fork();
        ck_assert_int_ge(kids[k], 0);
        if (kids[k] == 0) {
            qn_err err;
            qn_err_clear(&err);
            qn_code rc = qn_store_migrate(t.url, NULL, NULL, &err);
            if (rc != QN_OK)
                fprintf(stderr, "migrator %d: %s\n", k, err.message);
            _exit(rc == QN_OK ? 0 : 1);
        }
    }
    for (int k = 0; k < MIGRATORS; k++) {
        int st = 0;
        ck_assert_int_eq(waitpid(kids[k], &st, 0), kids[k]);
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "migrator %d status %d", k, st);
    }
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM schema_version"), QN_STORE_SCHEMA_VERSION);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM audit_head"), 1);
}
END_TEST

START_TEST(newer_schema_is_refused)
{
    conf_t t;
    conf_open(&t);
    conf_close(&t);
    ck_assert_int_eq(raw_exec(t.url,
                              "INSERT INTO schema_version (version, name, applied_at) "
                              "VALUES (999, '999_future', 0)",
                              NULL, 0),
                     0);
    FAILS(&t, QN_E_INTERNAL, qn_store_open(t.url, NULL, &t.s, &t.err));
    ck_assert_str_eq(t.err.sub, "schema_too_new");
    ck_assert_ptr_nonnull(strstr(t.err.message, "999"));
    ck_assert_ptr_null(t.s);
    FAILS(&t, QN_E_INTERNAL, qn_store_migrate(t.url, NULL, NULL, &t.err));
    ck_assert_str_eq(t.err.sub, "schema_too_new");
    /* Untouched: the future row is still the newest. */
    ck_assert_int_eq(raw_count(t.url, "SELECT MAX(version) FROM schema_version"), 999);
}
END_TEST

START_TEST(bad_urls)
{
    conf_t t;
    memset(&t, 0, sizeof t);
    FAILS(&t, QN_E_INVALID, qn_store_open("mysql://x", NULL, &t.s, &t.err));
    FAILS(&t, QN_E_UNAVAILABLE,
          qn_store_open(conf_pg ? "postgresql:///nope?host=/nonexistent-dir&port=1"
                                : "sqlite:/nonexistent-dir/x/y.db",
                        NULL, &t.s, &t.err));
}
END_TEST

START_TEST(accounts)
{
    conf_t t;
    conf_open(&t);
    int64_t id = mk_account(&t, "alice", "host");
    qn_store_account a;
    OK(&t, qn_store_account_get(t.c, id, &a, &t.err));
    ck_assert_str_eq(a.username, "alice");
    ck_assert_str_eq(a.role, "host");
    ck_assert(!a.disabled);
    ck_assert_int_gt(a.created_at, 0);
    qn_store_account b;
    OK(&t, qn_store_account_by_username(t.c, "alice", &b, &t.err));
    ck_assert_int_eq(b.id, id);
    FAILS(&t, QN_E_NOT_FOUND, qn_store_account_by_username(t.c, "bob", &b, &t.err));
    FAILS(&t, QN_E_NOT_FOUND, qn_store_account_get(t.c, 9999, &b, &t.err));

    /* Unique username. */
    qn_store_account dup = a;
    dup.id = 0;
    FAILS(&t, QN_E_CONFLICT, qn_store_account_create(t.c, &dup, &t.err));
    /* CHECK constraints: unknown role, officer without region, bad IIN. */
    qn_store_account bad = a;
    snprintf(bad.username, sizeof bad.username, "carol");
    snprintf(bad.role, sizeof bad.role, "king");
    FAILS(&t, QN_E_INVALID, qn_store_account_create(t.c, &bad, &t.err));
    snprintf(bad.role, sizeof bad.role, "officer");
    bad.region[0] = '\0';
    FAILS(&t, QN_E_INVALID, qn_store_account_create(t.c, &bad, &t.err));
    snprintf(bad.role, sizeof bad.role, "citizen");
    snprintf(bad.iin_bin, sizeof bad.iin_bin, "12345678901X");
    FAILS(&t, QN_E_INVALID, qn_store_account_create(t.c, &bad, &t.err));
    /* Unterminated field: refused before the database. */
    memset(bad.display_name, 'x', sizeof bad.display_name);
    FAILS(&t, QN_E_TOO_LARGE, qn_store_account_create(t.c, &bad, &t.err));
    ck_assert_str_eq(t.err.fields[0].field, "display_name");
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM accounts"), 1);

    /* Update. */
    a.disabled = true;
    snprintf(a.display_name, sizeof a.display_name, "Alice A.");
    snprintf(a.host_kind, sizeof a.host_kind, "hotel");
    OK(&t, qn_store_account_update(t.c, &a, &t.err));
    OK(&t, qn_store_account_get(t.c, id, &b, &t.err));
    ck_assert(b.disabled);
    ck_assert_str_eq(b.display_name, "Alice A.");
    ck_assert_str_eq(b.host_kind, "hotel");
    a.id = 4242;
    FAILS(&t, QN_E_NOT_FOUND, qn_store_account_update(t.c, &a, &t.err));

    mk_account(&t, "olga", "officer");
    mk_account(&t, "oleg", "officer");
    qn_store_account_list l;
    OK(&t, qn_store_account_list_by_role(t.c, "officer", 0, 10, &l, &t.err));
    ck_assert_uint_eq(l.count, 2);
    ck_assert_str_eq(l.items[0].username, "olga");
    ck_assert_str_eq(l.items[0].region, "KZ-ALA");
    qn_store_account_list_free(&l);
    OK(&t, qn_store_account_list_by_role(t.c, NULL, 1, 10, &l, &t.err));
    ck_assert_uint_eq(l.count, 2);
    qn_store_account_list_free(&l);
    FAILS(&t, QN_E_INVALID, qn_store_account_list_by_role(t.c, NULL, 0, 5000, &l, &t.err));
    conf_close(&t);
}
END_TEST

START_TEST(sessions_keys_attempts)
{
    conf_t t;
    conf_open(&t);
    int64_t id = mk_account(&t, "alice", "host");
    qn_store_session s;
    memset(&s, 0, sizeof s);
    snprintf(s.token_hash, sizeof s.token_hash, "%064d", 1);
    snprintf(s.csrf_hash, sizeof s.csrf_hash, "%064d", 2);
    s.account_id = id;
    s.created_at = 1000;
    s.expires_at = 2000;
    OK(&t, qn_store_session_create(t.c, &s, &t.err));
    FAILS(&t, QN_E_CONFLICT, qn_store_session_create(t.c, &s, &t.err));
    qn_store_session got;
    OK(&t, qn_store_session_get(t.c, s.token_hash, 1500, &got, &t.err));
    ck_assert_int_eq(got.account_id, id);
    ck_assert_str_eq(got.csrf_hash, s.csrf_hash);
    FAILS(&t, QN_E_NOT_FOUND, qn_store_session_get(t.c, s.token_hash, 2000, &got, &t.err));
    /* Session for a missing account: foreign key. */
    qn_store_session orphan = s;
    snprintf(orphan.token_hash, sizeof orphan.token_hash, "%064d", 3);
    orphan.account_id = 777;
    FAILS(&t, QN_E_INVALID, qn_store_session_create(t.c, &orphan, &t.err));
    /* Expiry must follow creation (CHECK). */
    orphan.account_id = id;
    orphan.expires_at = orphan.created_at;
    FAILS(&t, QN_E_INVALID, qn_store_session_create(t.c, &orphan, &t.err));

    OK(&t, qn_store_session_delete(t.c, s.token_hash, &t.err));
    FAILS(&t, QN_E_NOT_FOUND, qn_store_session_delete(t.c, s.token_hash, &t.err));
    for (int i = 0; i < 3; i++) {
        snprintf(s.token_hash, sizeof s.token_hash, "%064d", 10 + i);
        s.expires_at = i == 0 ? 1100 : 5000;
        OK(&t, qn_store_session_create(t.c, &s, &t.err));
    }
    int64_t n = 0;
    OK(&t, qn_store_session_expire(t.c, 1200, &n, &t.err));
    ck_assert_int_eq(n, 1);
    OK(&t, qn_store_session_delete_account(t.c, id, &n, &t.err));
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM sessions"), 0);

    qn_store_apikey k;
    memset(&k, 0, sizeof k);
    snprintf(k.key_hash, sizeof k.key_hash, "%064d", 7);
    snprintf(k.label, sizeof k.label, "PMS");
    k.account_id = id;
    OK(&t, qn_store_apikey_create(t.c, &k, &t.err));
    FAILS(&t, QN_E_CONFLICT, qn_store_apikey_create(t.c, &k, &t.err));
    qn_store_apikey kg;
    OK(&t, qn_store_apikey_get(t.c, k.key_hash, &kg, &t.err));
    ck_assert_int_eq(kg.account_id, id);
    ck_assert_str_eq(kg.label, "PMS");
    OK(&t, qn_store_apikey_revoke(t.c, k.id, &t.err));
    FAILS(&t, QN_E_NOT_FOUND, qn_store_apikey_get(t.c, k.key_hash, &kg, &t.err));
    FAILS(&t, QN_E_NOT_FOUND, qn_store_apikey_revoke(t.c, 999, &t.err));
    qn_store_apikey_list kl;
    OK(&t, qn_store_apikey_list_account(t.c, id, &kl, &t.err));
    ck_assert_uint_eq(kl.count, 1);
    ck_assert(kl.items[0].revoked);
    qn_store_apikey_list_free(&kl);

    for (int i = 0; i < 5; i++)
        OK(&t,
           qn_store_login_attempt_add(t.c, "alice", i < 3 ? "10.0.0.1" : "10.0.0.2", false, 100 + i, &t.err));
    OK(&t, qn_store_login_attempt_add(t.c, "bob", "10.0.0.1", false, 200, &t.err));
    OK(&t, qn_store_login_attempt_add(t.c, "alice", "10.0.0.1", true, 201, &t.err));
    int64_t by_user = 0, by_addr = 0;
    OK(&t, qn_store_login_failures(t.c, "alice", "10.0.0.1", 101, &by_user, &by_addr, &t.err));
    ck_assert_int_eq(by_user, 4); /* 101..104 */
    ck_assert_int_eq(by_addr, 3); /* 101, 102 (alice), 200 (bob) */
    OK(&t, qn_store_login_attempt_prune(t.c, 150, &t.err));
    OK(&t, qn_store_login_failures(t.c, "alice", "10.0.0.1", 0, &by_user, &by_addr, &t.err));
    ck_assert_int_eq(by_user, 0);
    ck_assert_int_eq(by_addr, 1);
    conf_close(&t);
}
END_TEST

START_TEST(persons_documents_visas_crossings)
{
    conf_t t;
    conf_open(&t);
    int64_t pid = mk_person(&t, "Schmidt");
    qn_store_person p;
    OK(&t, qn_store_person_get(t.c, pid, &p, &t.err));
    ck_assert_str_eq(p.surname, "Schmidt");
    ck_assert_int_eq(p.birth_date, qn_test_date("1990-05-17"));
    ck_assert_str_eq(p.iin, "");
    snprintf(p.iin, sizeof p.iin, "900517400123");
    OK(&t, qn_store_person_update(t.c, &p, &t.err));
    qn_store_person q;
    OK(&t, qn_store_person_by_iin(t.c, "900517400123", &q, &t.err));
    ck_assert_int_eq(q.id, pid);
    /* IIN unique, sex and citizenship checked. */
    qn_store_person other = p;
    FAILS(&t, QN_E_CONFLICT, qn_store_person_create(t.c, &other, &t.err));
    other.iin[0] = '\0';
    snprintf(other.sex, sizeof other.sex, "Q");
    FAILS(&t, QN_E_INVALID, qn_store_person_create(t.c, &other, &t.err));
    snprintf(other.sex, sizeof other.sex, "M");
    snprintf(other.citizenship, sizeof other.citizenship, "de");
    FAILS(&t, QN_E_INVALID, qn_store_person_create(t.c, &other, &t.err));

    qn_store_document d;
    memset(&d, 0, sizeof d);
    d.person_id = pid;
    snprintf(d.kind, sizeof d.kind, "passport");
    snprintf(d.number, sizeof d.number, "C01X00T47");
    snprintf(d.country, sizeof d.country, "DEU");
    d.issued = qn_test_date("2020-01-01");
    d.expires = qn_test_date("2030-01-01");
    OK(&t, qn_store_document_create(t.c, &d, &t.err));
    qn_store_document dd;
    OK(&t, qn_store_document_find(t.c, "DEU", "C01X00T47", &dd, &t.err));
    ck_assert_int_eq(dd.person_id, pid);
    ck_assert_int_eq(dd.expires, qn_test_date("2030-01-01"));
    FAILS(&t, QN_E_NOT_FOUND, qn_store_document_find(t.c, "FRA", "C01X00T47", &dd, &t.err));
    FAILS(&t, QN_E_CONFLICT, qn_store_document_create(t.c, &d, &t.err));
    snprintf(d.country, sizeof d.country, "FRA");
    d.person_id = 4242; /* no such person */
    FAILS(&t, QN_E_INVALID, qn_store_document_create(t.c, &d, &t.err));
    d.person_id = pid;
    d.expires = qn_test_date("2019-01-01"); /* before issue */
    FAILS(&t, QN_E_INVALID, qn_store_document_create(t.c, &d, &t.err));
    d.expires = QN_DATE_NONE;
    OK(&t, qn_store_document_create(t.c, &d, &t.err));
    qn_store_document_list dl;
    OK(&t, qn_store_document_list_person(t.c, pid, &dl, &t.err));
    ck_assert_uint_eq(dl.count, 2);
    ck_assert_int_eq(dl.items[1].expires, QN_DATE_NONE);
    qn_store_document_list_free(&dl);

    qn_store_visa v;
    memset(&v, 0, sizeof v);
    v.person_id = pid;
    snprintf(v.kind, sizeof v.kind, "business");
    snprintf(v.number, sizeof v.number, "V123");
    snprintf(v.entries, sizeof v.entries, "single");
    v.valid_from = qn_test_date("2026-03-01");
    v.valid_to = qn_test_date("2026-03-31");
    OK(&t, qn_store_visa_create(t.c, &v, &t.err));
    v.valid_to = qn_test_date("2026-02-01");
    FAILS(&t, QN_E_INVALID, qn_store_visa_create(t.c, &v, &t.err));
    qn_store_visa_list vl;
    OK(&t, qn_store_visa_list_person(t.c, pid, &vl, &t.err));
    ck_assert_uint_eq(vl.count, 1);
    ck_assert_str_eq(vl.items[0].entries, "single");
    qn_store_visa_list_free(&vl);

    const char *days[] = {"2026-03-10", "2026-01-02", "2026-02-20"};
    const char *kinds[] = {"exit", "entry", "entry"};
    for (int i = 0; i < 3; i++) {
        qn_store_crossing x;
        memset(&x, 0, sizeof x);
        x.person_id = pid;
        snprintf(x.kind, sizeof x.kind, "%s", kinds[i]);
        x.date = qn_test_date(days[i]);
        snprintf(x.checkpoint, sizeof x.checkpoint, "Khorgos");
        x.document_id = i == 0 ? d.id : 0;
        OK(&t, qn_store_crossing_create(t.c, &x, &t.err));
    }
    qn_store_crossing bad;
    memset(&bad, 0, sizeof bad);
    bad.person_id = pid;
    snprintf(bad.kind, sizeof bad.kind, "transit");
    bad.date = qn_test_date("2026-01-01");
    snprintf(bad.checkpoint, sizeof bad.checkpoint, "X");
    FAILS(&t, QN_E_INVALID, qn_store_crossing_create(t.c, &bad, &t.err));
    qn_store_crossing_list xl;
    OK(&t, qn_store_crossing_list_person(t.c, pid, &xl, &t.err));
    ck_assert_uint_eq(xl.count, 3);
    ck_assert_int_eq(xl.items[0].date, qn_test_date("2026-01-02"));
    ck_assert_int_eq(xl.items[2].date, qn_test_date("2026-03-10"));
    ck_assert_int_eq(xl.items[2].document_id, d.id);
    ck_assert_int_eq(xl.items[0].document_id, 0);
    qn_store_crossing_list_free(&xl);
    conf_close(&t);
}
END_TEST

START_TEST(hosts_addresses_owners)
{
    conf_t t;
    conf_open(&t);
    int64_t acc = mk_account(&t, "hotel", "host");
    qn_store_host h;
    memset(&h, 0, sizeof h);
    h.account_id = acc;
    snprintf(h.kind, sizeof h.kind, "hotel");
    snprintf(h.iin_bin, sizeof h.iin_bin, "123456789012");
    snprintf(h.name, sizeof h.name, "Hotel Kazakhstan");
    OK(&t, qn_store_host_create(t.c, &h, &t.err));
    qn_store_host g;
    OK(&t, qn_store_host_get(t.c, h.id, &g, &t.err));
    ck_assert_str_eq(g.name, "Hotel Kazakhstan");
    OK(&t, qn_store_host_by_iin_bin(t.c, "123456789012", &g, &t.err));
    ck_assert_int_eq(g.id, h.id);
    OK(&t, qn_store_host_by_account(t.c, acc, &g, &t.err));
    ck_assert_int_eq(g.id, h.id);
    FAILS(&t, QN_E_CONFLICT, qn_store_host_create(t.c, &h, &t.err));
    FAILS(&t, QN_E_NOT_FOUND, qn_store_host_by_iin_bin(t.c, "000000000000", &g, &t.err));

    qn_store_address a;
    memset(&a, 0, sizeof a);
    snprintf(a.code, sizeof a.code, "0203400012345678");
    snprintf(a.region, sizeof a.region, "KZ-ALA");
    snprintf(a.text, sizeof a.text, "Almaty, Abay ave 1, apt 2");
    OK(&t, qn_store_address_put(t.c, &a, &t.err));
    snprintf(a.text, sizeof a.text, "Almaty, Abay ave 1, apt 3");
    OK(&t, qn_store_address_put(t.c, &a, &t.err));
    qn_store_address ga;
    OK(&t, qn_store_address_get(t.c, a.code, &ga, &t.err));
    ck_assert_str_eq(ga.text, "Almaty, Abay ave 1, apt 3");
    FAILS(&t, QN_E_NOT_FOUND, qn_store_address_get(t.c, "nope", &ga, &t.err));

    qn_store_owner owners[2];
    memset(owners, 0, sizeof owners);
    snprintf(owners[0].owner_iin, sizeof owners[0].owner_iin, "850101300111");
    owners[0].share_num = 1;
    owners[0].share_den = 2;
    snprintf(owners[1].owner_iin, sizeof owners[1].owner_iin, "870202400222");
    owners[1].share_num = 1;
    owners[1].share_den = 2;
    OK(&t, qn_store_owners_replace(t.c, a.code, owners, 2, &t.err));
    /* A bad second row (share 3/2) fails the whole replacement: the two
     * owners stay as they were. */
    owners[1].share_num = 3;
    FAILS(&t, QN_E_INVALID, qn_store_owners_replace(t.c, a.code, owners, 2, &t.err));
    qn_store_owner_list ol;
    OK(&t, qn_store_owners_list(t.c, a.code, &ol, &t.err));
    ck_assert_uint_eq(ol.count, 2);
    ck_assert_str_eq(ol.items[1].owner_iin, "870202400222");
    ck_assert_int_eq(ol.items[1].share_num, 1);
    qn_store_owner_list_free(&ol);
    /* Owners of an unknown address: foreign key. */
    owners[1].share_num = 1;
    FAILS(&t, QN_E_INVALID, qn_store_owners_replace(t.c, "unknown", owners, 1, &t.err));
    OK(&t, qn_store_owners_replace(t.c, a.code, owners, 1, &t.err));
    OK(&t, qn_store_owners_list(t.c, a.code, &ol, &t.err));
    ck_assert_uint_eq(ol.count, 1);
    qn_store_owner_list_free(&ol);
    conf_close(&t);
}
END_TEST

#endif
