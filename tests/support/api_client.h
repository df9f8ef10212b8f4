/* api_client.h — black-box helpers for the API tests: start the real
 * server as a child process on a free port, and talk to it over HTTP with
 * libcurl. No static state: everything lives in the structs the test owns.
 */
#ifndef QN_TEST_API_CLIENT_H
#define QN_TEST_API_CLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct {
    pid_t pid;
    int port;
    char base[64]; /* "http://127.0.0.1:PORT" */
    char db[512];
    char log_path[512]; /* the server's stderr */
} qn_api_server;

/* Starts `$QONAQ_BIN serve --listen 127.0.0.1:PORT --db DB --demo --quiet`
 * (QONAQ_PWHASH=min) and waits up to 30 s for /healthz. db NULL: a fresh
 * SQLite file in the test's temp dir. Returns false (with a message on
 * stderr) when it does not come up. */
bool qn_api_start(qn_api_server *s, const char *db, bool demo);

/* The same with more `qonaq serve` options (extra: NULL-terminated, may be
 * NULL), e.g. {"--behind-tls", NULL}. */
bool qn_api_start_opts(qn_api_server *s, const char *db, bool demo, const char *const *extra);
/* The same with `--public-url public_url` when not NULL (the origin of the
 * verification links in printed documents). */
bool qn_api_start_with(qn_api_server *s, const char *db, bool demo, const char *public_url);
/* The same with `--threads threads` (request threads; qn_api_start uses 4). */
bool qn_api_start_threads(qn_api_server *s, const char *db, bool demo, int threads);

/* Sends SIGTERM and waits; returns the exit status (or -1 when killed by a
 * signal or not exited in 20 s, after which it is SIGKILLed). */
int qn_api_stop(qn_api_server *s);

typedef struct {
    long status;
    char *body; /* malloc'd, NUL-terminated */
    size_t body_len;
    char *headers; /* raw response headers, malloc'd */
    json_t *json;  /* parsed body or NULL */
} qn_api_resp;

/* One request. method "GET"/"POST"/...; path relative to the base;
 * headers: NULL-terminated array of "Name: value" (may be NULL);
 * body may be NULL. Returns false when the transfer itself failed. */
bool qn_api_call(const qn_api_server *s, const char *method, const char *path, const char *const *headers,
                 const char *body, size_t body_len, qn_api_resp *r);

void qn_api_resp_free(qn_api_resp *r);

/* The value of a response header (first occurrence) copied into out, or false. */
bool qn_api_header(const qn_api_resp *r, const char *name, char *out, size_t cap);

/* Logs in and copies the bearer token into token (65 bytes). */
bool qn_api_login(const qn_api_server *s, const char *user, const char *password, char token[65]);

/* A string member by dotted path ("errors.0.field" not supported; only objects). */
const char *qn_api_str(const json_t *j, const char *dotted);

/* True when the problem's errors[] has an entry for field. */
bool qn_api_has_field_error(const json_t *problem, const char *field);

/* A free TCP port on 127.0.0.1 (bound and released). */
int qn_api_free_port(void);

#endif
