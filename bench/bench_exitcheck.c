/* bench_exitcheck.c — border exit checks per second and their latency on a
 * large registry, on SQLite and on PostgreSQL.
 *
 * For each backend: a fresh database is filled (qn_store_ctl_synth_fill:
 * INSERT ... SELECT in one transaction) with N people (default 1,000,000;
 * $QONAQ_BENCH_PERSONS), 3N crossings (entry, exit, entry) and N
 * notifications, and the fill time is printed. Then, on the same data and
 * in the same run:
 *   - baseline: the single indexed lookup of a person by document
 *     (qn_store_document_find on a held connection);
 *   - the exit check's read alone (qn_store_ctl_history_by_document, the
 *     one statement, on the held connection), to show the read and the
 *     rest (rules, pooled connection, audit write) apart;
 *   - exit check: qn_svc_exit_check as a border officer (takes a pooled
 *     connection, reads the whole history, the pure check, and posts the
 *     audit event of the check to the service's group committer, which
 *     writes it on its own thread: the call does not wait for it);
 * each for $QONAQ_BENCH_SECONDS (default 5) or 200,000 calls, on random
 * people; calls per second, p50 and p99 latency, the ratio exit check /
 * baseline and the verdicts (clear / warn / stop) and lawful bases met are
 * printed. The fill mixes visa-free, CIS and EAEU citizens, permits, visas
 * and open cases (qn_store_ctl_synth_fill). The plan of the exit check's
 * statement on the filled tables is printed (EXPLAIN QUERY PLAN /
 * EXPLAIN) to show that every branch uses an index.
 * The last line per backend is the figure against the target of issue 9
 * (p99 under 2 ms), met or MISSED.
 * PostgreSQL comes from $QONAQ_TEST_PG or a throwaway server started with
 * scripts/pg_temp.sh; $QONAQ_BENCH_BACKEND=sqlite (or postgresql) runs that
 * backend alone (for a profile). One thread calls (the machine has 2
 * shared cores); the service's committer writes the audit events beside it.
 *
 * With $QONAQ_BENCH_FILL_URL set, it only fills that (empty) database and
 * adds the border account "bench-border" (password "bench-password-1"), for
 * bench_exitcheck_http.sh.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service/accounts.h"
#include "service/exit_check.h"
#include "service/service.h"
#include "store/store.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const qn_err *e)
{
    fprintf(stderr, "bench_exitcheck: %s: %s\n", what, e ? e->message : "");
    exit(1);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The synthetic person i has document SY<i> of country
 * qn_store_ctl_synth_citizenship(i). */

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

typedef struct {
    double per_s, p50_us, p99_us;
    size_t calls;
} figures;

static void summarise(double *lat, size_t n, double elapsed, figures *f)
{
    qsort(lat, n, sizeof *lat, cmp_d);
    f->calls = n;
    f->per_s = (double)n / elapsed;
    f->p50_us = lat[n / 2] * 1e6;
    f->p99_us = lat[(size_t)((double)n * 0.99)] * 1e6;
}

static void run(const char *backend, const char *base, const char *dir, long persons, double seconds)
{
    qn_err e;
    qn_err_clear(&e);
    char url[QN_STORE_URL_MAX + 1];
    if (qn_store_fresh_url(base, dir, url, sizeof url, &e) != QN_OK)
        die("fresh database", &e);
    qn_store *st = NULL;
    qn_store_conn *c = NULL;
    if (qn_store_open(url, NULL, &st, &e) != QN_OK || qn_store_acquire(st, &c, &e) != QN_OK)
        die("open", &e);
    qn_store_account host;
    memset(&host, 0, sizeof host);
    snprintf(host.username, sizeof host.username, "bench-host");
    snprintf(host.password_hash, sizeof host.password_hash, "x");
    snprintf(host.role, sizeof host.role, "host");
    snprintf(host.display_name, sizeof host.display_name, "bench host");
    snprintf(host.host_kind, sizeof host.host_kind, "individual");
    if (qn_store_account_create(c, &host, &e) != QN_OK)
        die("host account", &e);
    qn_store_account bacc;
    memset(&bacc, 0, sizeof bacc);
    snprintf(bacc.username, sizeof bacc.username, "bench-border");
    snprintf(bacc.password_hash, sizeof bacc.password_hash, "x");
    snprintf(bacc.role, sizeof bacc.role, "border");
    snprintf(bacc.display_name, sizeof bacc.display_name, "bench border");
    if (qn_store_account_create(c, &bacc, &e) != QN_OK)
        die("border account", &e);
    int64_t border_id = bacc.id;
    qn_date_t today = qn_date_from_epoch_kz((int64_t)time(NULL));
    double t0 = now_s();
    if (qn_store_ctl_synth_fill(c, persons, today, host.id, &e) != QN_OK)
        die("fill", &e);
    double fill = now_s() - t0;
    printf("%s: filled %ld people, %ld crossings, %ld notifications in %.1f s (one transaction, INSERT ... "
           "SELECT, then ANALYZE)\n",
           backend, persons, 3 * persons, persons, fill);
    static char plan[16384];
    if (qn_store_ctl_explain(c, plan, sizeof plan, &e) != QN_OK)
        die("explain", &e);
    printf("%s: plans of the exit check's reads:\n", backend);
    for (char *line = strtok(plan, "\n"); line; line = strtok(NULL, "\n"))
        printf("    %s\n", line);

    size_t cap = 200000;
    double *lat = malloc(cap * sizeof *lat);
    if (!lat)
        die("out of memory", NULL);
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    /* Baseline: one indexed lookup of the person by document. */
    size_t n = 0;
    double start = now_s(), t;
    while (n < cap && (t = now_s()) - start < seconds) {
        long id = 1 + (long)(rng_next(&seed) % (uint64_t)persons);
        char num[32];
        snprintf(num, sizeof num, "SY%ld", id);
        qn_store_document d;
        if (qn_store_document_find(c, qn_store_ctl_synth_citizenship(id), num, &d, &e) != QN_OK)
            die("baseline lookup", &e);
        lat[n++] = now_s() - t;
    }
    figures bl;
    summarise(lat, n, now_s() - start, &bl);
    /* The exit check's read alone: the one statement for the history. */
    n = 0;
    start = now_s();
    while (n < cap && (t = now_s()) - start < seconds) {
        long id = 1 + (long)(rng_next(&seed) % (uint64_t)persons);
        char num[32];
        snprintf(num, sizeof num, "SY%ld", id);
        qn_store_ctl_history h;
        if (qn_store_ctl_history_by_document(c, qn_store_ctl_synth_citizenship(id), num, true, &h, &e) !=
            QN_OK)
            die("history read", &e);
        qn_store_ctl_history_free(&h);
        lat[n++] = now_s() - t;
    }
    figures hr;
    summarise(lat, n, now_s() - start, &hr);
    qn_store_release(c);
    qn_store_close(st);

    /* One connection for the calling thread, one for the committer (the
     * audit events) and one for its checkpointer (SQLite), as `qonaq serve`
     * sizes its pool (threads + 2): with 2, a check waited for a connection
     * while the committer and the checkpointer held both. */
    qn_service_config cfg = {.db_url = url, .pool_size = 3};
    qn_service *svc = NULL;
    if (qn_service_new(&cfg, &svc, &e) != QN_OK)
        die("service", &e);
    qn_principal border = {0};
    border.role = QN_ROLE_BORDER;
    border.account_id = border_id;
    snprintf(border.username, sizeof border.username, "bench-border");
    qn_svc_ctx ctx;
    qn_svc_ctx_system(&ctx, svc, &border);
    size_t verdicts[3] = {0, 0, 0}, basis[QN_LAWFUL_NOT + 1] = {0};
    n = 0;
    start = now_s();
    while (n < cap && (t = now_s()) - start < seconds) {
        long id = 1 + (long)(rng_next(&seed) % (uint64_t)persons);
        char num[32];
        snprintf(num, sizeof num, "SY%ld", id);
        qn_exit_answer a;
        if (qn_svc_exit_check(&ctx, qn_store_ctl_synth_citizenship(id), num, QN_DATE_NONE, &a, &e) != QN_OK)
            die("exit check", &e);
        verdicts[a.result.verdict]++;
        basis[a.result.lawful_because]++;
        qn_exit_answer_free(&a);
        lat[n++] = now_s() - t;
    }
    figures ex;
    summarise(lat, n, now_s() - start, &ex);
    qn_service_commit_counters cc;
    qn_service_commit_stats(svc, &cc);
    qn_service_free(svc); /* writes the audit events still queued */
    free(lat);
    printf(
        "%s: baseline (person by document, one indexed read):   %8.0f /s  p50 %7.1f us  p99 %7.1f us  (%zu "
        "calls)\n",
        backend, bl.per_s, bl.p50_us, bl.p99_us, bl.calls);
    printf(
        "%s: the exit check's read (one statement, all tables):  %8.0f /s  p50 %7.1f us  p99 %7.1f us  (%zu "
        "calls)\n",
        backend, hr.per_s, hr.p50_us, hr.p99_us, hr.calls);
    printf(
        "%s: exit check (service call: read + rules + audit):   %8.0f /s  p50 %7.1f us  p99 %7.1f us  (%zu "
        "calls)\n",
        backend, ex.per_s, ex.p50_us, ex.p99_us, ex.calls);
    printf(
        "%s: verdicts: clear %zu, warn %zu, stop %zu; lawful because: regime %zu, permit %zu, extended visa "
        "%zu, exit visa %zu, not %zu\n",
        backend, verdicts[0], verdicts[1], verdicts[2], basis[QN_LAWFUL_REGIME], basis[QN_LAWFUL_PERMIT],
        basis[QN_LAWFUL_EXTENDED_VISA], basis[QN_LAWFUL_EXIT_VISA], basis[QN_LAWFUL_NOT]);
    printf("%s: the audit events, on the committer's thread: %" PRIu64 " in %" PRIu64
           " groups (largest %" PRIu64 "), %.0f us per group of which %.0f us in COMMIT\n",
           backend, cc.jobs, cc.groups, cc.largest,
           cc.groups ? (double)cc.busy_ns / 1e3 / (double)cc.groups : 0.0,
           cc.groups ? (double)cc.commit_ns / 1e3 / (double)cc.groups : 0.0);
    printf("%s: ratio exit check / baseline: %.1fx the time per call (p99 %.1fx)\n", backend,
           bl.per_s / ex.per_s, ex.p99_us / bl.p99_us);
    printf("%s: target (issue 9) exit check p99 < 2 ms on %ld people: p99 %.2f ms, %s\n", backend, persons,
           ex.p99_us / 1000, ex.p99_us < 2000 ? "met" : "MISSED");
    fflush(stdout);
}

/* Fills url and adds the border account (for the HTTP benchmark). */
static int fill_only(const char *url, long persons)
{
    qn_err e;
    qn_err_clear(&e);
    qn_service_config cfg = {.db_url = url, .pool_size = 1, .cheap_pwhash = true};
    qn_service *svc = NULL;
    if (qn_service_new(&cfg, &svc, &e) != QN_OK)
        die("service", &e);
    qn_principal system = {0};
    snprintf(system.username, sizeof system.username, "system");
    qn_svc_ctx ctx;
    qn_svc_ctx_system(&ctx, svc, &system);
    qn_account_view v;
    qn_account_in host = {.username = "bench-host",
                          .password = "bench-password-1",
                          .role = QN_ROLE_HOST_INDIVIDUAL,
                          .iin_bin = "851231412342"};
    if (qn_svc_account_create_unchecked(&ctx, &host, &v, &e) != QN_OK)
        die("host account", &e);
    int64_t host_id = v.id;
    qn_account_in border = {
        .username = "bench-border", .password = "bench-password-1", .role = QN_ROLE_BORDER};
    if (qn_svc_account_create_unchecked(&ctx, &border, &v, &e) != QN_OK)
        die("border account", &e);
    qn_service_free(svc);
    qn_store *st = NULL;
    qn_store_conn *c = NULL;
    if (qn_store_open(url, NULL, &st, &e) != QN_OK || qn_store_acquire(st, &c, &e) != QN_OK)
        die("open", &e);
    double t0 = now_s();
    if (qn_store_ctl_synth_fill(c, persons, qn_date_from_epoch_kz((int64_t)time(NULL)), host_id, &e) != QN_OK)
        die("fill", &e);
    printf("filled %ld people, %ld crossings, %ld notifications in %.1f s\n", persons, 3 * persons, persons,
           now_s() - t0);
    qn_store_release(c);
    qn_store_close(st);
    return 0;
}

int main(void)
{
    const char *s = getenv("QONAQ_BENCH_PERSONS");
    long persons = s ? atol(s) : 1000000;
    if (persons < 1000)
        persons = 1000;
    s = getenv("QONAQ_BENCH_SECONDS");
    double seconds = s ? atof(s) : 5.0;
    const char *fill_url = getenv("QONAQ_BENCH_FILL_URL");
    if (fill_url && fill_url[0])
        return fill_only(fill_url, persons);
    char cmd[512];
    char dir[] = "/tmp/bench_exitcheck.XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    const char *only = getenv("QONAQ_BENCH_BACKEND"); /* "sqlite" or "postgresql": that one alone */
    bool lite = !only || !only[0] || strcmp(only, "sqlite") == 0;
    bool post = !only || !only[0] || strcmp(only, "postgresql") == 0;
    if (lite)
        run("sqlite", "sqlite:", dir, persons, seconds);
    if (!post) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "bench_exitcheck: could not remove %s\n", dir);
        return 0;
    }

    const char *pg = getenv("QONAQ_TEST_PG");
    char pgurl[QN_STORE_URL_MAX + 128] = "";
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
            fprintf(stderr, "bench_exitcheck: could not start PostgreSQL (scripts/pg_temp.sh)\n");
            return 1;
        }
        started = 1;
        pg = pgurl;
    }
    run("postgresql", pg, NULL, persons, seconds);
    if (started) {
        const char *root = getenv("QONAQ_ROOT");
        snprintf(cmd, sizeof cmd, "'%s/scripts/pg_temp.sh' stop '%s/pg' >/dev/null 2>&1", root ? root : ".",
                 dir);
        if (system(cmd) != 0)
            fprintf(stderr, "bench_exitcheck: stopping PostgreSQL failed\n");
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_exitcheck: could not remove %s\n", dir);
    return 0;
}
