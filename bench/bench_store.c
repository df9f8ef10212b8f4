/* bench_store.c — durable insert rates of the store beside the raw rate of
 * the backend's own library, measured in the same run on the same schema.
 *
 * For each backend (SQLite always; PostgreSQL from $QONAQ_TEST_PG, or a
 * throwaway server started with scripts/pg_temp.sh):
 *   single  one notification per transaction, acknowledged durable
 *           (store: number counter + insert + audit event; raw: one INSERT
 *           autocommitted with sqlite3 / libpq, same durability settings)
 *   batch   many notifications in one transaction (store: the bulk path with
 *           per-row savepoints and audit; raw: prepared INSERTs in one
 *           transaction)
 * The figure is the ratio store/raw: the price of numbering, auditing and the
 * per-row isolation. Each measurement runs for at most ~2 s of inserts, so
 * the whole bench stays well under a minute.
 */
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"

#define SINGLE_MAX 3000
#define SINGLE_SECONDS 2.0
#define BATCH_ROWS 5000

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const qn_err *err)
{
    fprintf(stderr, "bench_store: %s: %s\n", what, err != NULL ? err->message : "");
    exit(1);
}

typedef struct {
    char url[QN_STORE_URL_MAX + 1];
    qn_store *s;
    qn_store_conn *c;
    int64_t host, person;
} fixture;

static void fixture_open(fixture *f, const char *base, const char *dir)
{
    qn_err err;
    qn_err_clear(&err);
    if (qn_store_fresh_url(base, dir, f->url, sizeof f->url, &err) != QN_OK)
        die("fresh database", &err);
    if (qn_store_open(f->url, NULL, &f->s, &err) != QN_OK ||
        qn_store_acquire(f->s, &f->c, &err) != QN_OK)
        die("open", &err);
    qn_store_account a;
    memset(&a, 0, sizeof a);
    snprintf(a.username, sizeof a.username, "hotel");
    snprintf(a.password_hash, sizeof a.password_hash, "x");
    snprintf(a.role, sizeof a.role, "host");
    if (qn_store_account_create(f->c, &a, &err) != QN_OK)
        die("account", &err);
    qn_store_person p;
    memset(&p, 0, sizeof p);
    snprintf(p.kind, sizeof p.kind, "foreigner");
    snprintf(p.surname, sizeof p.surname, "Schmidt");
    snprintf(p.citizenship, sizeof p.citizenship, "DEU");
    snprintf(p.sex, sizeof p.sex, "F");
    p.birth_date = QN_DATE_NONE;
    if (qn_store_person_create(f->c, &p, &err) != QN_OK)
        die("person", &err);
    f->host = a.id;
    f->person = p.id;
}

static void fixture_close(fixture *f)
{
    qn_store_release(f->c);
    qn_store_close(f->s);
}

static void fill(qn_store_notification *n, const fixture *f)
{
    memset(n, 0, sizeof *n);
    n->host_account_id = f->host;
    n->person_id = f->person;
    n->arrival_date = 20500;
    n->entry_date = 20500;
    snprintf(n->checkpoint, sizeof n->checkpoint, "Almaty airport");
    n->stay_from = 20500;
    n->stay_to = 20510;
    snprintf(n->purpose, sizeof n->purpose, "tourism");
    n->deadline = 20503;
    n->on_time = true;
    n->payload = (char *)"{\"guest\":\"x\"}";
}

static double store_single(const fixture *f)
{
    qn_err err;
    int n = 0;
    double t0 = now_s();
    while (n < SINGLE_MAX && now_s() - t0 < SINGLE_SECONDS) {
        qn_store_notification row;
        fill(&row, f);
        if (qn_store_notification_create(f->c, &row, &err) != QN_OK)
            die("store insert", &err);
        n++;
    }
    return n / (now_s() - t0);
}

static double store_batch(const fixture *f)
{
    qn_store_notification *rows = calloc(BATCH_ROWS, sizeof *rows);
    qn_store_row_result *res = calloc(BATCH_ROWS, sizeof *res);
    for (int i = 0; i < BATCH_ROWS; i++)
        fill(&rows[i], f);
    qn_err err;
    size_t ok = 0;
    double t0 = now_s();
    if (qn_store_notifications_bulk(f->c, rows, BATCH_ROWS, false, res, &ok, &err) != QN_OK ||
        ok != BATCH_ROWS)
        die("store bulk", &err);
    double rate = BATCH_ROWS / (now_s() - t0);
    free(rows);
    free(res);
    return rate;
}

static const char *const raw_insert =
    "INSERT INTO notifications (number, host_account_id, person_id, entry_date, checkpoint, "
    "arrival_date, stay_from, stay_to, purpose, deadline, on_time, status, created_at, payload) "
    "VALUES ($1, $2, $3, 20500, 'Almaty airport', 20500, 20500, 20510, 'tourism', 20503, 1, "
    "'submitted', 1780000000, '{\"guest\":\"x\"}')";

/* ---- raw SQLite */

static double sqlite_raw(const fixture *f, int batch)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(f->url + 7, &db) != SQLITE_OK)
        die("sqlite3_open", NULL);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON",
                 NULL, NULL, NULL);
    char sql[1024];
    snprintf(sql, sizeof sql, "%s", raw_insert);
    for (char *p = sql; *p != '\0'; p++)
        if (*p == '$')
            *p = '?';
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        die(sqlite3_errmsg(db), NULL);
    int n = 0;
    double t0 = now_s();
    if (batch)
        sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    while (batch ? n < BATCH_ROWS : (n < SINGLE_MAX && now_s() - t0 < SINGLE_SECONDS)) {
        char number[32];
        snprintf(number, sizeof number, "R-%c-%d", batch ? 'b' : 's', n);
        sqlite3_bind_text(st, 1, number, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, f->host);
        sqlite3_bind_int64(st, 3, f->person);
        if (sqlite3_step(st) != SQLITE_DONE)
            die(sqlite3_errmsg(db), NULL);
        sqlite3_reset(st);
        n++;
    }
    if (batch && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        die(sqlite3_errmsg(db), NULL);
    double rate = n / (now_s() - t0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rate;
}

/* ---- raw libpq */

static void pg_ok(PGconn *db, PGresult *res)
{
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        fprintf(stderr, "bench_store: %s\n", PQerrorMessage(db));
        exit(1);
    }
    PQclear(res);
}

static double pg_raw(const fixture *f, int batch)
{
    PGconn *db = PQconnectdb(f->url);
    if (PQstatus(db) != CONNECTION_OK)
        die(PQerrorMessage(db), NULL);
    pg_ok(db, PQexec(db, "SET synchronous_commit = on"));
    pg_ok(db, PQprepare(db, "ins", raw_insert, 0, NULL));
    char host[24], person[24];
    snprintf(host, sizeof host, "%lld", (long long)f->host);
    snprintf(person, sizeof person, "%lld", (long long)f->person);
    int n = 0;
    double t0 = now_s();
    if (batch)
        pg_ok(db, PQexec(db, "BEGIN"));
    while (batch ? n < BATCH_ROWS : (n < SINGLE_MAX && now_s() - t0 < SINGLE_SECONDS)) {
        char number[32];
        snprintf(number, sizeof number, "R-%c-%d", batch ? 'b' : 's', n);
        const char *values[3] = {number, host, person};
        pg_ok(db, PQexecPrepared(db, "ins", 3, values, NULL, NULL, 0));
        n++;
    }
    if (batch)
        pg_ok(db, PQexec(db, "COMMIT"));
    double rate = n / (now_s() - t0);
    PQfinish(db);
    return rate;
}

static void run(const char *name, const char *base, const char *dir, int pg)
{
    fixture f;
    fixture_open(&f, base, dir);
    double s_single = store_single(&f);
    double r_single = pg ? pg_raw(&f, 0) : sqlite_raw(&f, 0);
    double s_batch = store_batch(&f);
    double r_batch = pg ? pg_raw(&f, 1) : sqlite_raw(&f, 1);
    fixture_close(&f);
    printf("%-10s single durable inserts/s: store %9.0f   raw %9.0f   store/raw %.2f\n", name,
           s_single, r_single, s_single / r_single);
    printf("%-10s batched inserts/s (%d):  store %9.0f   raw %9.0f   store/raw %.2f\n", name,
           BATCH_ROWS, s_batch, r_batch, s_batch / r_batch);
    fflush(stdout);
}

int main(void)
{
    char dir[] = "/tmp/qonaq-bench-XXXXXX";
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    run("sqlite", "sqlite:", dir, 0);

    const char *pg = getenv("QONAQ_TEST_PG");
    char pgurl[QN_STORE_URL_MAX + 128] = "";
    char cmd[512];
    int started = 0;
    if (pg == NULL || pg[0] == '\0') {
        const char *root = getenv("QONAQ_ROOT");
        snprintf(cmd, sizeof cmd, "'%s/scripts/pg_temp.sh' start '%s/pg'", root ? root : ".", dir);
        FILE *p = popen(cmd, "r");
        char line[QN_STORE_URL_MAX + 64];
        while (p != NULL && fgets(line, sizeof line, p) != NULL) {
            const char *tag = "export QONAQ_TEST_PG='";
            if (strncmp(line, tag, strlen(tag)) == 0) {
                snprintf(pgurl, sizeof pgurl, "%s", line + strlen(tag));
                char *q = strchr(pgurl, '\'');
                if (q != NULL)
                    *q = '\0';
            }
        }
        if (p == NULL || pclose(p) != 0 || pgurl[0] == '\0') {
            fprintf(stderr, "bench_store: could not start PostgreSQL (scripts/pg_temp.sh)\n");
            return 1;
        }
        started = 1;
        pg = pgurl;
    }
    run("postgresql", pg, NULL, 1);
    if (started) {
        const char *root = getenv("QONAQ_ROOT");
        snprintf(cmd, sizeof cmd, "'%s/scripts/pg_temp.sh' stop '%s/pg' >/dev/null 2>&1",
                 root ? root : ".", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "bench_store: stopping PostgreSQL failed\n");
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_store: could not remove %s\n", dir);
    return 0;
}
