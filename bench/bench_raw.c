/* bench_raw.c — the storage limit: raw batched inserts of the rows an
 * accepted notification writes, through the backend's own library (sqlite3 /
 * libpq), on qonaq's schema.
 *
 *   bench_raw URL ROWS     prints "ALL_ROWS NOTIFICATION_ONLY": two rates in
 *                          notifications per second for URL (a PostgreSQL
 *                          URL names the server: fresh databases are made
 *                          on it; a sqlite: URL names the file, and the
 *                          second figure uses the file with ".notif" added)
 *   bench_raw --fresh URL  prints the URL of a fresh database on that
 *                          PostgreSQL server (for the scripts' qonaq servers)
 *   bench_raw              prints the rates on a fresh SQLite file and, when
 *                          $QONAQ_TEST_PG is set, on a fresh PostgreSQL database
 *
 * The database is created with qn_store_open (the real schema, indexes and
 * foreign keys) and one host account is added through the store. Then, the
 * limit the scripts divide qonaq's rates by: for each of ROWS notifications,
 * the rows one accepted notification of a batch writes (checked with sqlite3
 * on the database of a real upload): the person, the travel document, the
 * notification (with its number, region, citizenship, duplicate key and the
 * JSON payload a CSV row becomes), the notice in the host's History of
 * Services, and one audit event per row written (four, seq consecutive);
 * and per transaction the year's counter (a block of numbers) and the audit
 * head (last seq and hash). One prepared statement per table (the four
 * events in one statement of four rows), in transactions of 10,000
 * notifications, each committed durably (SQLite WAL with the server's own
 * pragmas, synchronous=FULL; PostgreSQL synchronous_commit=on).
 *
 * The audit digests and hashes are precomputed: 64-hex strings of the real
 * size, drawn from a pool filled before the clock starts. Computing the
 * SHA-256 of each row and chaining the events is qonaq's work (CPU in the
 * server, measured in its rate), not the disk's or the library's, so the
 * limit leaves it out, as it leaves out validation and the lookups (the
 * document by number, the duplicate key) that precede the inserts.
 *
 * The second figure is the former limit, kept for continuity with earlier
 * runs: the notification row alone (one INSERT per notification, the same
 * transactions), against a person added through the store.
 */
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"

#define TX_ROWS 10000
#define HASH_POOL 4096 /* distinct precomputed 64-hex strings */

/* The fixed values of every raw notification (a benchmark CSV row's). */
#define SURNAME "GUEST"
#define GIVEN "ANNA, MARIA"
#define NATION "ITA"
#define BIRTH 7306    /* 1990-01-02 */
#define EXPIRES 23741 /* 2035-01-01 */
#define ARRIVAL 20500
#define STAY_TO 20510
#define DEADLINE 20503
#define CREATED 1780000000
#define YEAR 2026

static const char *const payload =
    "{\"foreigner\":{\"surname\":\"BENCH\",\"given_names\":\"MARK\",\"citizenship\":\"DEU\","
    "\"birth_date\":\"1980-05-01\",\"sex\":\"M\",\"document\":{\"number\":\"B0100000001\",\"country\":"
    "\"DEU\","
    "\"expires\":\"2035-01-01\"}},\"entry\":{\"date\":\"2026-01-01\",\"checkpoint\":\"ALA\"},"
    "\"arrival_date\":\"2026-01-01\",\"address\":{\"region\":\"71\",\"text\":\"Astana, Hotel Demo\"},"
    "\"stay\":{\"from\":\"2026-01-01\",\"to\":\"2026-01-10\"},\"purpose\":\"tourism\"}";

/* The notification row alone (the second figure). */
static const char *const insert_sql =
    "INSERT INTO notifications (number, host_account_id, person_id, entry_date, checkpoint, arrival_date, "
    "stay_from, stay_to, purpose, deadline, on_time, status, created_at, payload) VALUES ($1, $2, $3, 20500, "
    "'ALA', 20500, 20500, 20510, 'tourism', 20503, 1, 'submitted', 1780000000, $4)";

/* The rows of one notification (the first figure). $1.. in both backends'
 * spelling: SQLite takes "$1" as a named parameter bound by position. */
static const char *const person_sql =
    "INSERT INTO persons (kind, surname, given_names, citizenship, birth_date, sex, iin, created_at) "
    "VALUES ('foreigner', '" SURNAME "', '" GIVEN "', '" NATION "', 7306, 'F', NULL, $1) RETURNING id";
static const char *const document_sql =
    "INSERT INTO documents (person_id, kind, number, country, issued, expires, created_at) "
    "VALUES ($1, 'passport', $2, '" NATION "', NULL, 23741, $3) RETURNING id";
static const char *const notification_sql =
    "INSERT INTO notifications (number, host_account_id, person_id, entry_date, checkpoint, arrival_date, "
    "address_code, stay_from, stay_to, purpose, deadline, on_time, status, created_at, payload, region, "
    "citizenship, dup_key) VALUES ($1, $2, $3, 20500, '', 20500, NULL, 20500, 20510, 'tourism', 20503, 1, "
    "'submitted', $4, $5, '71', '" NATION "', $6) RETURNING id";
static const char *const notice_sql = "INSERT INTO notices (account_id, kind, ref, body, created_at) "
                                      "VALUES ($1, 'notification', $2, $3, $4) RETURNING id";
static const char *const audit_sql =
    "INSERT INTO audit_events (seq, at, actor_id, actor, action, entity, entity_id, before_digest, "
    "after_digest, hash) VALUES "
    "($1, $2, $3, 'hotel', 'create', 'person', $4, NULL, $5, $6), "
    "($7, $2, $3, 'hotel', 'create', 'document', $8, NULL, $9, $10), "
    "($11, $2, $3, 'hotel', 'create', 'notification', $12, NULL, $13, $14), "
    "($15, $2, $3, 'hotel', 'create', 'notice', $16, NULL, $17, $18)";
static const char *const counter_sql =
    "INSERT INTO counters (name, year, value) VALUES ('N', $1, $2) "
    "ON CONFLICT (name, year) DO UPDATE SET value = counters.value + $2 RETURNING value";
static const char *const head_sql = "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1";

static char hash_pool[HASH_POOL][65];

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

/* Fills the pool of digests (xorshift: distinct strings, no SHA-256). */
static void fill_hash_pool(void)
{
    static const char digits[] = "0123456789abcdef";
    uint64_t x = 0x9E3779B97F4A7C15u;
    for (size_t i = 0; i < HASH_POOL; i++) {
        for (size_t k = 0; k < 64; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            hash_pool[i][k] = digits[x & 15];
        }
        hash_pool[i][64] = '\0';
    }
}

static const char *pool_hash(int64_t k) { return hash_pool[(uint64_t)k % HASH_POOL]; }

typedef struct {
    char doc[32], number[40], payload[640], dup_key[80], notice[320];
} row_texts;

/* The texts of notification n (dup_key is set once the person has its id). */
static void row_texts_fill(row_texts *t, long n)
{
    snprintf(t->doc, sizeof t->doc, "RAW%07ld", n);
    snprintf(t->number, sizeof t->number, "N-%04d-%06ld", YEAR, n + 1);
    snprintf(t->payload, sizeof t->payload,
             "{\"foreigner\":{\"surname\":\"" SURNAME "\",\"given_names\":\"" GIVEN "\",\"citizenship\":\"" NATION
             "\",\"birth_date\":\"1990-01-02\",\"sex\":\"F\",\"document\":{\"number\":\"%s\",\"country\":\"" NATION
             "\",\"expires\":\"2035-01-01\"}},\"entry\":{\"date\":\"2026-02-17\"},\"arrival_date\":"
             "\"2026-02-17\",\"address\":{\"region\":\"71\",\"text\":\"Astana, Hotel Demo\"},\"stay\":{\"from\":"
             "\"2026-02-17\",\"to\":\"2026-02-27\"},\"purpose\":\"tourism\"}",
             t->doc);
    snprintf(t->notice, sizeof t->notice,
             "{\"text\":\"Notification of arrival received\",\"number\":\"%s\",\"arrival_date\":\"2026-02-17\","
             "\"deadline\":\"2026-02-20\",\"on_time\":true,\"foreigner\":\"" SURNAME "\"}",
             t->number);
}

/* Creates the schema and the host account (and, for the notification-only
 * figure, one person); their ids in *host, *person. */
static void prepare(const char *url, bool with_person, int64_t *host, int64_t *person)
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
    if (qn_store_account_create(c, &a, &err) != QN_OK)
        die("fixture", err.message);
    *host = a.id;
    *person = 0;
    if (with_person) {
        qn_store_person p;
        memset(&p, 0, sizeof p);
        snprintf(p.kind, sizeof p.kind, "foreigner");
        snprintf(p.surname, sizeof p.surname, "BENCH");
        snprintf(p.citizenship, sizeof p.citizenship, "DEU");
        snprintf(p.sex, sizeof p.sex, "M");
        p.birth_date = QN_DATE_NONE;
        if (qn_store_person_create(c, &p, &err) != QN_OK)
            die("fixture", err.message);
        *person = p.id;
    }
    qn_store_release(c);
    qn_store_close(s);
}

/* ----------------------------------------------------------------- SQLite */

static sqlite3 *lite_open(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        die("sqlite3_open", sqlite3_errmsg(db));
    /* The server's pragmas (src/store/sqlite.c), so both write alike. */
    if (sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                     "PRAGMA temp_store=MEMORY; PRAGMA wal_autocheckpoint=20000",
                     NULL, NULL, NULL) != SQLITE_OK)
        die("pragmas", sqlite3_errmsg(db));
    return db;
}

static sqlite3_stmt *lite_prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        die("prepare", sqlite3_errmsg(db));
    return st;
}

static void lite_exec(sqlite3 *db, const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        die(sql, sqlite3_errmsg(db));
}

/* Steps st (which returns one row when want_id); its id, reset. */
static int64_t lite_step(sqlite3 *db, sqlite3_stmt *st, bool want_id)
{
    int rc = sqlite3_step(st);
    int64_t id = 0;
    if (want_id) {
        if (rc != SQLITE_ROW)
            die("insert", sqlite3_errmsg(db));
        id = sqlite3_column_int64(st, 0);
        rc = sqlite3_step(st);
    }
    if (rc != SQLITE_DONE)
        die("insert", sqlite3_errmsg(db));
    sqlite3_reset(st);
    return id;
}

static double lite_notif_only(const char *path, int64_t host, int64_t person, long rows)
{
    sqlite3 *db = lite_open(path);
    sqlite3_stmt *st = lite_prepare(db, insert_sql);
    double t0 = now_s();
    for (long n = 0; n < rows; n++) {
        if (n % TX_ROWS == 0)
            lite_exec(db, "BEGIN IMMEDIATE");
        char number[32];
        snprintf(number, sizeof number, "R-%ld", n);
        sqlite3_bind_text(st, 1, number, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, host);
        sqlite3_bind_int64(st, 3, person);
        sqlite3_bind_text(st, 4, payload, -1, SQLITE_STATIC);
        lite_step(db, st, false);
        if ((n + 1) % TX_ROWS == 0 || n + 1 == rows)
            lite_exec(db, "COMMIT");
    }
    double rate = (double)rows / (now_s() - t0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rate;
}

static double lite_all_rows(const char *path, int64_t host, long rows)
{
    sqlite3 *db = lite_open(path);
    sqlite3_stmt *person = lite_prepare(db, person_sql), *document = lite_prepare(db, document_sql),
                 *notif = lite_prepare(db, notification_sql), *notice = lite_prepare(db, notice_sql),
                 *audit = lite_prepare(db, audit_sql), *counter = lite_prepare(db, counter_sql),
                 *head = lite_prepare(db, head_sql), *seq0 = lite_prepare(db, "SELECT seq FROM audit_head");
    if (sqlite3_step(seq0) != SQLITE_ROW)
        die("audit head", sqlite3_errmsg(db));
    int64_t seq = sqlite3_column_int64(seq0, 0);
    sqlite3_finalize(seq0);
    row_texts t;
    double t0 = now_s();
    for (long n = 0; n < rows; n++) {
        if (n % TX_ROWS == 0) {
            lite_exec(db, "BEGIN IMMEDIATE");
            long block = rows - n < TX_ROWS ? rows - n : TX_ROWS;
            sqlite3_bind_int(counter, 1, YEAR);
            sqlite3_bind_int64(counter, 2, block);
            lite_step(db, counter, true);
        }
        row_texts_fill(&t, n);
        sqlite3_bind_int64(person, 1, CREATED);
        int64_t pid = lite_step(db, person, true);
        snprintf(t.dup_key, sizeof t.dup_key, "%lld:%lld:%d", (long long)host, (long long)pid, ARRIVAL);
        sqlite3_bind_int64(document, 1, pid);
        sqlite3_bind_text(document, 2, t.doc, -1, SQLITE_STATIC);
        sqlite3_bind_int64(document, 3, CREATED);
        int64_t did = lite_step(db, document, true);
        sqlite3_bind_text(notif, 1, t.number, -1, SQLITE_STATIC);
        sqlite3_bind_int64(notif, 2, host);
        sqlite3_bind_int64(notif, 3, pid);
        sqlite3_bind_int64(notif, 4, CREATED);
        sqlite3_bind_text(notif, 5, t.payload, -1, SQLITE_STATIC);
        sqlite3_bind_text(notif, 6, t.dup_key, -1, SQLITE_STATIC);
        int64_t nid = lite_step(db, notif, true);
        sqlite3_bind_int64(notice, 1, host);
        sqlite3_bind_text(notice, 2, t.number, -1, SQLITE_STATIC);
        sqlite3_bind_text(notice, 3, t.notice, -1, SQLITE_STATIC);
        sqlite3_bind_int64(notice, 4, CREATED);
        int64_t tid = lite_step(db, notice, true);
        const int64_t ids[4] = {pid, did, nid, tid};
        sqlite3_bind_int64(audit, 2, CREATED);
        sqlite3_bind_int64(audit, 3, host);
        for (int k = 0; k < 4; k++) {
            int base = k == 0 ? 0 : 2 + 4 * k; /* $1 $4 $5 $6, then $7.. $11.. $15.. */
            int64_t s = ++seq;
            sqlite3_bind_int64(audit, k == 0 ? 1 : base + 1, s);
            sqlite3_bind_int64(audit, k == 0 ? 4 : base + 2, ids[k]); /* entity_id: text affinity */
            sqlite3_bind_text(audit, k == 0 ? 5 : base + 3, pool_hash(2 * s), 64, SQLITE_STATIC);
            sqlite3_bind_text(audit, k == 0 ? 6 : base + 4, pool_hash(2 * s + 1), 64, SQLITE_STATIC);
        }
        lite_step(db, audit, false);
        if ((n + 1) % TX_ROWS == 0 || n + 1 == rows) {
            sqlite3_bind_int64(head, 1, seq);
            sqlite3_bind_text(head, 2, pool_hash(2 * seq + 1), 64, SQLITE_STATIC);
            lite_step(db, head, false);
            lite_exec(db, "COMMIT");
        }
    }
    double rate = (double)rows / (now_s() - t0);
    sqlite3_stmt *all[] = {person, document, notif, notice, audit, counter, head};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(all[i]);
    sqlite3_close(db);
    return rate;
}

/* ------------------------------------------------------------- PostgreSQL */

static PGresult *pg_ok(PGconn *db, PGresult *res)
{
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        die("postgresql", PQerrorMessage(db));
    return res;
}

static void pg_run(PGconn *db, PGresult *res) { PQclear(pg_ok(db, res)); }

/* Runs prepared statement name; the id it returns (0 when none). */
static int64_t pg_exec(PGconn *db, const char *name, int n, const char *const *values)
{
    PGresult *res = pg_ok(db, PQexecPrepared(db, name, n, values, NULL, NULL, 0));
    int64_t id = PQntuples(res) > 0 ? atoll(PQgetvalue(res, 0, 0)) : 0;
    PQclear(res);
    return id;
}

static PGconn *pg_connect(const char *url)
{
    PGconn *db = PQconnectdb(url);
    if (PQstatus(db) != CONNECTION_OK)
        die("connect", PQerrorMessage(db));
    pg_run(db, PQexec(db, "SET synchronous_commit = on"));
    return db;
}

static double pg_notif_only(const char *url, int64_t host, int64_t person, long rows)
{
    PGconn *db = pg_connect(url);
    pg_run(db, PQprepare(db, "ins", insert_sql, 0, NULL));
    char h[24], p[24];
    snprintf(h, sizeof h, "%lld", (long long)host);
    snprintf(p, sizeof p, "%lld", (long long)person);
    double t0 = now_s();
    for (long n = 0; n < rows; n++) {
        if (n % TX_ROWS == 0)
            pg_run(db, PQexec(db, "BEGIN"));
        char number[32];
        snprintf(number, sizeof number, "R-%ld", n);
        const char *values[4] = {number, h, p, payload};
        pg_exec(db, "ins", 4, values);
        if ((n + 1) % TX_ROWS == 0 || n + 1 == rows)
            pg_run(db, PQexec(db, "COMMIT"));
    }
    double rate = (double)rows / (now_s() - t0);
    PQfinish(db);
    return rate;
}

static double pg_all_rows(const char *url, int64_t host, long rows)
{
    PGconn *db = pg_connect(url);
    const char *const names[] = {"person", "document", "notif", "notice", "audit", "counter", "head"};
    const char *const sqls[] = {person_sql, document_sql, notification_sql, notice_sql,
                                audit_sql,  counter_sql,  head_sql};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        pg_run(db, PQprepare(db, names[i], sqls[i], 0, NULL));
    PGresult *res = pg_ok(db, PQexec(db, "SELECT seq FROM audit_head"));
    int64_t seq = PQntuples(res) > 0 ? atoll(PQgetvalue(res, 0, 0)) : 0;
    PQclear(res);
    char h[24], created[24], year[8];
    snprintf(h, sizeof h, "%lld", (long long)host);
    snprintf(created, sizeof created, "%d", CREATED);
    snprintf(year, sizeof year, "%d", YEAR);
    row_texts t;
    double t0 = now_s();
    for (long n = 0; n < rows; n++) {
        if (n % TX_ROWS == 0) {
            pg_run(db, PQexec(db, "BEGIN"));
            char block[24];
            snprintf(block, sizeof block, "%ld", rows - n < TX_ROWS ? rows - n : TX_ROWS);
            const char *cv[2] = {year, block};
            pg_exec(db, "counter", 2, cv);
        }
        row_texts_fill(&t, n);
        const char *pv[1] = {created};
        int64_t pid = pg_exec(db, "person", 1, pv);
        char pid_s[24], did_s[24], nid_s[24], tid_s[24];
        snprintf(pid_s, sizeof pid_s, "%lld", (long long)pid);
        snprintf(t.dup_key, sizeof t.dup_key, "%lld:%lld:%d", (long long)host, (long long)pid, ARRIVAL);
        const char *dv[3] = {pid_s, t.doc, created};
        snprintf(did_s, sizeof did_s, "%lld", (long long)pg_exec(db, "document", 3, dv));
        const char *nv[6] = {t.number, h, pid_s, created, t.payload, t.dup_key};
        snprintf(nid_s, sizeof nid_s, "%lld", (long long)pg_exec(db, "notif", 6, nv));
        const char *tv[4] = {h, t.number, t.notice, created};
        snprintf(tid_s, sizeof tid_s, "%lld", (long long)pg_exec(db, "notice", 4, tv));
        char seqs[4][24];
        const char *ids[4] = {pid_s, did_s, nid_s, tid_s};
        const char *av[18];
        av[1] = created;
        av[2] = h;
        for (int k = 0; k < 4; k++) {
            int64_t s = ++seq;
            snprintf(seqs[k], sizeof seqs[k], "%lld", (long long)s);
            int at = k == 0 ? 0 : 2 + 4 * k;
            av[k == 0 ? 0 : at] = seqs[k];
            av[k == 0 ? 3 : at + 1] = ids[k];
            av[k == 0 ? 4 : at + 2] = pool_hash(2 * s);
            av[k == 0 ? 5 : at + 3] = pool_hash(2 * s + 1);
        }
        pg_exec(db, "audit", 18, av);
        if ((n + 1) % TX_ROWS == 0 || n + 1 == rows) {
            char last[24];
            snprintf(last, sizeof last, "%lld", (long long)seq);
            const char *hv[2] = {last, pool_hash(2 * seq + 1)};
            pg_exec(db, "head", 2, hv);
            pg_run(db, PQexec(db, "COMMIT"));
        }
    }
    double rate = (double)rows / (now_s() - t0);
    PQfinish(db);
    return rate;
}

/* ------------------------------------------------------------------ main */

/* A fresh database for one figure: the sqlite: URL itself (with suffix), or
 * a new database on the PostgreSQL server of base. */
static void fresh(const char *base, const char *suffix, char *url, size_t cap)
{
    if (strncmp(base, "sqlite:", 7) == 0) {
        snprintf(url, cap, "%s%s", base, suffix);
        return;
    }
    qn_err err;
    qn_err_clear(&err);
    if (qn_store_fresh_url(base, NULL, url, cap, &err) != QN_OK)
        die("fresh database", err.message);
}

/* The two rates for base: all rows of a notification, the notification row alone. */
static void rates_for(const char *base, long rows, double *all, double *notif_only)
{
    char url[QN_STORE_URL_MAX + 1];
    int64_t host = 0, person = 0;
    bool lite = strncmp(base, "sqlite:", 7) == 0;
    fresh(base, "", url, sizeof url);
    prepare(url, false, &host, &person);
    *all = lite ? lite_all_rows(url + 7, host, rows) : pg_all_rows(url, host, rows);
    fresh(base, ".notif", url, sizeof url);
    prepare(url, true, &host, &person);
    *notif_only = lite ? lite_notif_only(url + 7, host, person, rows) : pg_notif_only(url, host, person, rows);
}

int main(int argc, char **argv)
{
    fill_hash_pool();
    if (argc == 3 && strcmp(argv[1], "--fresh") == 0) {
        char url[QN_STORE_URL_MAX + 1];
        fresh(argv[2], "", url, sizeof url);
        printf("%s\n", url);
        return 0;
    }
    double all = 0, notif_only = 0;
    if (argc == 3) {
        rates_for(argv[1], atol(argv[2]), &all, &notif_only);
        printf("%.0f %.0f\n", all, notif_only);
        return 0;
    }
    if (argc != 1) {
        fprintf(stderr, "usage: bench_raw [URL ROWS | --fresh URL]\n");
        return 2;
    }
    char dir[] = "/tmp/qonaq-bench-raw-XXXXXX";
    if (!mkdtemp(dir))
        die("mkdtemp", dir);
    char url[QN_STORE_URL_MAX + 1];
    snprintf(url, sizeof url, "sqlite:%s/raw.db", dir);
    printf("raw batched inserts, %d notifications per durable transaction, in notifications/s:\n"
           "  all rows of a notification (person, document, notification, notice, 4 audit events;\n"
           "  counter and audit head per transaction) | the notification row alone (former limit)\n",
           TX_ROWS);
    rates_for(url, 100000, &all, &notif_only);
    printf("  sqlite      %9.0f | %9.0f  (100,000 notifications, libsqlite3)\n", all, notif_only);
    const char *pg = getenv("QONAQ_TEST_PG");
    if (pg && pg[0]) {
        rates_for(pg, 20000, &all, &notif_only);
        printf("  postgresql  %9.0f | %9.0f  (20,000 notifications, libpq)\n", all, notif_only);
    } else {
        printf("  postgresql  (set QONAQ_TEST_PG to measure; bench_http.sh starts its own)\n");
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 1;
}
