/* bench_raw.c — the storage limit: raw batched inserts of notification rows
 * through the backend's own library (sqlite3 / libpq), on qonaq's schema.
 *
 *   bench_raw URL ROWS     prints "ROWS_PER_SECOND" (one number) for URL (a
 *                          PostgreSQL URL names the server: a fresh database
 *                          is made on it)
 *   bench_raw --fresh URL  prints the URL of a fresh database on that
 *                          PostgreSQL server (for the scripts' qonaq servers)
 *   bench_raw              prints the rate on a fresh SQLite file and, when
 *                          $QONAQ_TEST_PG is set, on a fresh PostgreSQL database
 *
 * The database is created with qn_store_open (the real schema, indexes and
 * foreign keys), one host account and one person are added through the
 * store, then ROWS rows go into notifications with one prepared INSERT, in
 * transactions of 10,000 rows, each committed durably (SQLite WAL with
 * synchronous=FULL, PostgreSQL synchronous_commit=on), with the payload a
 * notification of the HTTP benchmark carries. This is what the disk and the
 * library can do with the rows, without numbering, validation, persons,
 * notices or audit: the scripts divide qonaq's rates by it.
 */
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"

#define TX_ROWS 10000

static const char *const payload =
    "{\"foreigner\":{\"surname\":\"BENCH\",\"given_names\":\"MARK\",\"citizenship\":\"DEU\","
    "\"birth_date\":\"1980-05-01\",\"sex\":\"M\",\"document\":{\"number\":\"B0100000001\",\"country\":"
    "\"DEU\","
    "\"expires\":\"2035-01-01\"}},\"entry\":{\"date\":\"2026-01-01\",\"checkpoint\":\"ALA\"},"
    "\"arrival_date\":\"2026-01-01\",\"address\":{\"region\":\"71\",\"text\":\"Astana, Hotel Demo\"},"
    "\"stay\":{\"from\":\"2026-01-01\",\"to\":\"2026-01-10\"},\"purpose\":\"tourism\"}";

static const char *const insert_sql =
    "INSERT INTO notifications (number, host_account_id, person_id, entry_date, checkpoint, arrival_date, "
    "stay_from, stay_to, purpose, deadline, on_time, status, created_at, payload) VALUES ($1, $2, $3, 20500, "
    "'ALA', 20500, 20500, 20510, 'tourism', 20503, 1, 'submitted', 1780000000, $4)";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "bench_raw: %s: %s\n", what, msg ? msg : "");
    exit(1);
}

/* Creates the schema and the two referenced rows; their ids in *host, *person. */
static void prepare(const char *url, int64_t *host, int64_t *person)
{
    qn_err err;
    qn_err_clear(&err);
    qn_store *s = NULL;
    qn_store_conn *c = NULL;
    if (qn_store_open(url, NULL, &s, &err) != QN_OK || qn_store_acquire(s, &c, &err) != QN_OK)
        die("open", err.message);
    qn_store_account a;
    memset(&a, 0, sizeof a);
    snprintf(a.username, sizeof a.username, "rawhost");
    snprintf(a.password_hash, sizeof a.password_hash, "x");
    snprintf(a.role, sizeof a.role, "host");
    qn_store_person p;
    memset(&p, 0, sizeof p);
    snprintf(p.kind, sizeof p.kind, "foreigner");
    snprintf(p.surname, sizeof p.surname, "BENCH");
    snprintf(p.citizenship, sizeof p.citizenship, "DEU");
    snprintf(p.sex, sizeof p.sex, "M");
    p.birth_date = QN_DATE_NONE;
    if (qn_store_account_create(c, &a, &err) != QN_OK || qn_store_person_create(c, &p, &err) != QN_OK)
        die("fixture", err.message);
    *host = a.id;
    *person = p.id;
    qn_store_release(c);
    qn_store_close(s);
}

static double sqlite_rate(const char *path, int64_t host, int64_t person, long rows)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        die("sqlite3_open", sqlite3_errmsg(db));
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON", NULL, NULL,
                 NULL);
    char sql[1024];
    snprintf(sql, sizeof sql, "%s", insert_sql);
    for (char *p = sql; *p; p++)
        if (*p == '$')
            *p = '?';
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        die("prepare", sqlite3_errmsg(db));
    double t0 = now_s();
    for (long n = 0; n < rows; n++) {
        if (n % TX_ROWS == 0 && sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
            die("begin", sqlite3_errmsg(db));
        char number[32];
        snprintf(number, sizeof number, "R-%ld", n);
        sqlite3_bind_text(st, 1, number, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, host);
        sqlite3_bind_int64(st, 3, person);
        sqlite3_bind_text(st, 4, payload, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            die("insert", sqlite3_errmsg(db));
        sqlite3_reset(st);
        if ((n + 1) % TX_ROWS == 0 || n + 1 == rows)
            if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
                die("commit", sqlite3_errmsg(db));
    }
    double rate = (double)rows / (now_s() - t0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rate;
}

static void pg_ok(PGconn *db, PGresult *res)
{
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        die("postgresql", PQerrorMessage(db));
    PQclear(res);
}

static double pg_rate(const char *url, int64_t host, int64_t person, long rows)
{
    PGconn *db = PQconnectdb(url);
    if (PQstatus(db) != CONNECTION_OK)
        die("connect", PQerrorMessage(db));
    pg_ok(db, PQexec(db, "SET synchronous_commit = on"));
    pg_ok(db, PQprepare(db, "ins", insert_sql, 0, NULL));
    char h[24], p[24];
    snprintf(h, sizeof h, "%lld", (long long)host);
    snprintf(p, sizeof p, "%lld", (long long)person);
    double t0 = now_s();
    for (long n = 0; n < rows; n++) {
        if (n % TX_ROWS == 0)
            pg_ok(db, PQexec(db, "BEGIN"));
        char number[32];
        snprintf(number, sizeof number, "R-%ld", n);
        const char *values[4] = {number, h, p, payload};
        pg_ok(db, PQexecPrepared(db, "ins", 4, values, NULL, NULL, 0));
        if ((n + 1) % TX_ROWS == 0 || n + 1 == rows)
            pg_ok(db, PQexec(db, "COMMIT"));
    }
    double rate = (double)rows / (now_s() - t0);
    PQfinish(db);
    return rate;
}

static double rate_for(const char *base, long rows)
{
    char url[QN_STORE_URL_MAX + 1];
    qn_err err;
    qn_err_clear(&err);
    if (qn_store_fresh_url(base, NULL, url, sizeof url, &err) != QN_OK)
        die("fresh database", err.message);
    if (strncmp(base, "sqlite:", 7) == 0)
        snprintf(url, sizeof url, "%s", base);
    int64_t host = 0, person = 0;
    prepare(url, &host, &person);
    if (strncmp(url, "sqlite:", 7) == 0)
        return sqlite_rate(url + 7, host, person, rows);
    return pg_rate(url, host, person, rows);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--fresh") == 0) {
        char url[QN_STORE_URL_MAX + 1];
        qn_err err;
        qn_err_clear(&err);
        if (qn_store_fresh_url(argv[2], NULL, url, sizeof url, &err) != QN_OK)
            die("fresh database", err.message);
        printf("%s\n", url);
        return 0;
    }
    if (argc == 3) {
        printf("%.0f\n", rate_for(argv[1], atol(argv[2])));
        return 0;
    }
    if (argc != 1) {
        fprintf(stderr, "usage: bench_raw [URL ROWS]\n");
        return 2;
    }
    char dir[] = "/tmp/qonaq-bench-raw-XXXXXX";
    if (!mkdtemp(dir))
        die("mkdtemp", dir);
    char url[QN_STORE_URL_MAX + 1];
    snprintf(url, sizeof url, "sqlite:%s/raw.db", dir);
    printf("raw batched inserts of notification rows (%d per transaction, durable commits):\n", TX_ROWS);
    printf("  sqlite      %9.0f rows/s (100,000 rows, libsqlite3)\n", rate_for(url, 100000));
    const char *pg = getenv("QONAQ_TEST_PG");
    if (pg && pg[0])
        printf("  postgresql  %9.0f rows/s (20,000 rows, libpq)\n", rate_for(pg, 20000));
    else
        printf("  postgresql  (set QONAQ_TEST_PG to measure; bench_http.sh starts its own)\n");
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 1;
}
