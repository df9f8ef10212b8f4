/* cmd_serve.c — `qonaq serve`: the HTTP API on libmicrohttpd.
 *
 *   qonaq serve [--listen ADDR:PORT] [--db URL] [--public-url URL] [--demo] [--threads N]
 *               [--per-ip-connections N] [--quiet] [--behind-tls] [--batch-max-rows N]
 *               [--detect-at HH:MM | --no-detect] [--detect-on-start]
 *
 * --behind-tls: a TLS proxy terminates HTTPS in front of qonaq; the session
 * cookies get the Secure attribute. --batch-max-rows: the rows a batch may
 * hold (default 10,000, the API's documented limit; at most 100,000, one
 * store transaction); the batch body limit grows with it (2 KiB a row, at
 * least 20 MiB). The daily detection of stay-control violations runs in the
 * server at HH:MM Kazakhstan time (default 00:30; service/detect_daily.h),
 * off with --no-detect; --detect-on-start also runs it once at start-up.
 *
 * Defaults: 127.0.0.1:8080 and $QONAQ_DB or sqlite:var/qonaq.db. --public-url
 * is the origin printed in the QR codes of documents (the public
 * verification page, docs/documents.md); by default the listen address as
 * bound ("http://127.0.0.1:8080"), which suits a demo, not a deployment
 * behind a proxy or on 0.0.0.0. --demo seeds
 * one account per role (password "demo") and prints them; it is refused on a
 * database holding real accounts. QONAQ_PWHASH=min selects the cheapest
 * argon2id cost (tests and benchmarks only). SIGTERM or SIGINT stops
 * accepting, lets requests in flight finish, and exits 0. The only state
 * outside the server context is the signal flag.
 */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/commands.h"
#include "http/server.h"
#include "service/demo.h"
#include "service/detect_daily.h"
#include "service/documents.h"
#include "service/notification.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: qonaq serve [--listen ADDR:PORT] [--db URL] [--public-url URL] [--demo] [--threads N]\n"
            "                   [--per-ip-connections N] [--quiet] [--behind-tls] [--batch-max-rows N]\n"
            "                   [--detect-at HH:MM | --no-detect] [--detect-on-start] [--sync-in-commit]\n"
            "  --listen   address and port (default 127.0.0.1:8080)\n"
            "  --db       sqlite:PATH or postgresql://... (default $QONAQ_DB or sqlite:var/qonaq.db)\n"
            "  --public-url  origin printed in documents' QR codes, e.g. https://qonaq.example.kz\n"
            "             (default http://ADDR:PORT of --listen)\n"
            "  --demo     seed demo accounts (one per role, password 'demo') and reference data\n"
            "  --threads  database connections for requests (default 16; the pool is N + 2);\n"
            "             each client connection has its own thread (at most 512)\n"
            "  --per-ip-connections N  connections per client address (default 128;\n"
            "             0 behind a reverse proxy, which then limits)\n"
            "  --quiet    no per-request log lines\n"
            "  --behind-tls      HTTPS is terminated by a proxy: session cookies get Secure\n"
            "  --batch-max-rows  rows per notification batch (default 10000, at most 100000)\n"
            "  --detect-at HH:MM  daily violation detection at this Kazakhstan time (default 00:30)\n"
            "  --no-detect        no daily detection (run `qonaq violations detect` from a timer)\n"
            "  --detect-on-start  also run the detection once at start-up\n"
            "  --sync-in-commit   SQLite: flush each group commit inside its COMMIT (a record is never\n"
            "             visible before it is durable; fewer notifications per second)\n"
            "environment: QONAQ_IDEM_RETENTION_DAYS  days idempotency keys are kept (default 7)\n");
}

static int parse_listen(const char *s, qn_server_config *cfg)
{
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || (size_t)(colon - s) >= sizeof cfg->host)
        return -1;
    char *end = NULL;
    long port = strtol(colon + 1, &end, 10);
    if (*end != '\0' || port < 0 || port > 65535 || end == colon + 1)
        return -1;
    memcpy(cfg->host, s, (size_t)(colon - s));
    cfg->host[colon - s] = '\0';
    cfg->port = (uint16_t)port;
    return 0;
}

int qn_cmd_serve(int argc, char **argv)
{
    qn_server_config cfg;
    qn_server_config_default(&cfg);
    /* glibc gives each busy thread its own malloc arena (up to 8 per CPU),
     * and memory freed in one arena is not reused by another: after batch
     * uploads served by different threads the server's peak memory was 447
     * MiB with the default, 210 MiB with four arenas (bench_http.sh,
     * 50,000 rows in 10,000-row uploads), at the same throughput. An
     * explicit MALLOC_ARENA_MAX in the environment still wins. */
    if (!getenv("MALLOC_ARENA_MAX"))
        mallopt(M_ARENA_MAX, 4);
    const char *db = getenv("QONAQ_DB");
    if (!db || !db[0])
        db = "sqlite:var/qonaq.db";
    bool demo = false;
    size_t batch_rows = 0;
    const char *public_url = NULL;
    bool detect = true, detect_now = false, sync_in_commit = false;
    int detect_hh = 0, detect_mm = 30;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--demo") == 0) {
            demo = true;
        } else if (strcmp(a, "--quiet") == 0) {
            cfg.log_requests = false;
        } else if (strcmp(a, "--behind-tls") == 0) {
            cfg.behind_tls = true;
        } else if (strcmp(a, "--batch-max-rows") == 0 && i + 1 < argc) {
            char *end = NULL;
            long n = strtol(argv[++i], &end, 10);
            if (*end != '\0' || n < 1 || n > QN_BATCH_ROWS_CEILING) {
                fprintf(stderr, "qonaq serve: --batch-max-rows: expected 1..%d\n", QN_BATCH_ROWS_CEILING);
                return 2;
            }
            batch_rows = (size_t)n;
            if (batch_rows * 2048 > cfg.max_batch_body)
                cfg.max_batch_body = batch_rows * 2048;
        } else if (strcmp(a, "--listen") == 0 && i + 1 < argc) {
            if (parse_listen(argv[++i], &cfg) != 0) {
                fprintf(stderr, "qonaq serve: --listen: expected ADDR:PORT, got '%s'\n", argv[i]);
                return 2;
            }
        } else if (strcmp(a, "--no-detect") == 0) {
            detect = false;
        } else if (strcmp(a, "--detect-on-start") == 0) {
            detect_now = true;
        } else if (strcmp(a, "--sync-in-commit") == 0) {
            sync_in_commit = true;
        } else if (strcmp(a, "--detect-at") == 0 && i + 1 < argc) {
            const char *t = argv[++i];
            if (strlen(t) != 5 || t[2] != ':' || sscanf(t, "%2d:%2d", &detect_hh, &detect_mm) != 2 ||
                detect_hh < 0 || detect_hh > 23 || detect_mm < 0 || detect_mm > 59) {
                fprintf(stderr, "qonaq serve: --detect-at: expected HH:MM (00:00 to 23:59), got '%s'\n", t);
                return 2;
            }
        } else if (strcmp(a, "--db") == 0 && i + 1 < argc) {
            db = argv[++i];
        } else if (strcmp(a, "--public-url") == 0 && i + 1 < argc) {
            public_url = argv[++i];
        } else if (strcmp(a, "--per-ip-connections") == 0 && i + 1 < argc) {
            char *end = NULL;
            long n = strtol(argv[++i], &end, 10);
            if (*end != '\0' || n < 0 || n > 100000) {
                fprintf(stderr, "qonaq serve: --per-ip-connections: expected 0..100000 (0: no limit)\n");
                return 2;
            }
            cfg.per_ip_limit = (unsigned)n;
        } else if (strcmp(a, "--threads") == 0 && i + 1 < argc) {
            long n = strtol(argv[++i], NULL, 10);
            if (n < 1 || n > 256) {
                fprintf(stderr, "qonaq serve: --threads: expected 1..256\n");
                return 2;
            }
            cfg.threads = (unsigned)n;
        } else {
            fprintf(stderr, "qonaq serve: unknown or incomplete option '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (public_url) { /* refused before anything is opened */
        char probe[QN_DOC_URL_MAX + 1];
        if (strlen(public_url) > QN_SVC_PUBLIC_URL_MAX ||
            qn_doc_verify_url(public_url, "N-0000-000000", "AAAAAAAAAA", probe, sizeof probe, NULL) !=
                QN_OK) {
            fprintf(stderr,
                    "qonaq serve: --public-url: expected an http:// or https:// origin of at most %d bytes "
                    "without query or fragment, got '%s'\n",
                    QN_SVC_PUBLIC_URL_MAX, public_url);
            return 2;
        }
    }
    if (strncmp(db, "sqlite:var/", 11) == 0 && mkdir("var", 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "qonaq serve: cannot create the directory var: %s\n", strerror(errno));
        return 1;
    }

    const char *pw = getenv("QONAQ_PWHASH");
    qn_service_config scfg = {.db_url = db,
                              .pool_size = (int)cfg.threads + 2,
                              .cheap_pwhash = pw && strcmp(pw, "min") == 0,
                              .batch_max_rows = batch_rows,
                              .sync_in_commit = sync_in_commit};
    const char *keep = getenv("QONAQ_IDEM_RETENTION_DAYS");
    if (keep && keep[0]) {
        char *end = NULL;
        long days = strtol(keep, &end, 10);
        if (*end != '\0' || days < 1 || days > 3650) {
            fprintf(stderr, "qonaq serve: QONAQ_IDEM_RETENTION_DAYS: expected 1..3650 days, got '%s'\n",
                    keep);
            return 2;
        }
        scfg.idem_retention_days = (int)days;
    }
    qn_err e;
    qn_err_clear(&e);
    qn_service *svc = NULL;
    if (qn_service_new(&scfg, &svc, &e) != QN_OK) {
        fprintf(stderr, "qonaq serve: cannot open the database %s: %s\n", db, e.message);
        return 1;
    }
    if (public_url && qn_service_set_public_url(svc, public_url, &e) != QN_OK) {
        fprintf(stderr, "qonaq serve: --public-url: %s\n", e.n_fields ? e.fields[0].reason : e.message);
        qn_service_free(svc);
        return 2;
    }
    if (demo && qn_svc_demo_seed(svc, &e) != QN_OK) {
        fprintf(stderr, "qonaq serve: %s\n", e.message);
        qn_service_free(svc);
        return 1;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    qn_server *server = qn_server_start(&cfg, svc, &e);
    if (!server) {
        fprintf(stderr, "qonaq serve: %s\n", e.message);
        qn_service_free(svc);
        return 1;
    }
    if (!public_url) {
        /* The listen address as bound (port 0 picks one); an IPv6 literal in brackets. */
        char url[QN_SVC_PUBLIC_URL_MAX + 1];
        bool v6 = strchr(cfg.host, ':') != NULL;
        snprintf(url, sizeof url, "http://%s%s%s:%u", v6 ? "[" : "", cfg.host, v6 ? "]" : "",
                 (unsigned)qn_server_port(server));
        if (qn_service_set_public_url(svc, url, &e) != QN_OK)
            fprintf(stderr, "qonaq serve: no public URL for documents (%s); pass --public-url\n", url);
    }
    char shown[QN_SVC_PUBLIC_URL_MAX + 1];
    qn_service_public_url(svc, shown);
    printf("qonaq: documents' QR codes point at %s/verify/...\n", shown);
    qn_detect_daily *daily = NULL;
    if (detect && qn_detect_daily_start(svc, detect_hh, detect_mm, detect_now, &daily, &e) != QN_OK) {
        fprintf(stderr, "qonaq serve: %s\n", e.message);
        qn_server_stop(server);
        qn_service_free(svc);
        return 1;
    }
    printf("qonaq: serving the API at http://%s:%u/api/v1/ (portal: http://%s:%u/), database %s (%s)\n",
           cfg.host, (unsigned)qn_server_port(server), cfg.host, (unsigned)qn_server_port(server), db,
           qn_service_backend(svc));
    if (demo) {
        size_t n = 0;
        const qn_demo_account *acc = qn_demo_accounts(&n);
        printf("qonaq: demo accounts (password '%s'):\n", QN_DEMO_PASSWORD);
        for (size_t i = 0; i < n; i++)
            printf("  %-10s %-18s %s\n", acc[i].username, acc[i].role, acc[i].binding);
    }
    fflush(stdout);
    while (!stop_requested) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    fprintf(stderr, "{\"level\":\"info\",\"msg\":\"stopping: draining requests in flight\"}\n");
    qn_detect_daily_stop(daily);
    qn_server_stop(server);
    qn_service_free(svc);
    fprintf(stderr, "{\"level\":\"info\",\"msg\":\"stopped\"}\n");
    return 0;
}
