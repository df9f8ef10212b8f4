/* server.h — the HTTP server: libmicrohttpd with a thread pool over epoll.
 *
 * qn_server_start binds, starts the thread pool and returns; requests are
 * served on MHD's threads until qn_server_stop, which stops accepting
 * (MHD_quiesce_daemon), waits for requests in flight to be answered (up to
 * drain_ms), then stops the daemon. Limits enforced here: body size (JSON
 * and batch separately; 413), header size (MHD's per-connection memory
 * limit; MHD answers 431), per-connection idle timeout, a connection limit
 * and a limit per client address (so one client cannot take every
 * connection), strict HTTP/1.1 parsing (Host required) and no request
 * with two Content-Length headers or with both Content-Length and
 * Transfer-Encoding (400: the framing is ambiguous, the stuff of request
 * smuggling). One JSON log line per request goes to stderr.
 *
 * The server context holds the configuration, the service layer, metrics
 * and the daemon; there is no other state. Thread-safe as stated per
 * function.
 */
#ifndef QN_HTTP_SERVER_H
#define QN_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "service/service.h"

typedef struct {
    char host[64];    /* "127.0.0.1" */
    uint16_t port;    /* 0 picks a free port */
    unsigned threads; /* sizes the store pool (threads + 2): requests served with a database at once */
    unsigned connection_limit;
    unsigned per_ip_limit; /* connections per client address (0: no limit) */
    unsigned connection_timeout_s;
    size_t header_memory;  /* MHD_OPTION_CONNECTION_MEMORY_LIMIT */
    size_t max_json_body;  /* 1 MiB */
    size_t max_batch_body; /* 20 MiB */
    unsigned drain_ms;     /* how long stop waits for requests in flight */
    bool log_requests;     /* one JSON line per request to stderr */
    bool behind_tls;       /* a TLS proxy in front: session cookies get Secure (notif) */
} qn_server_config;

/* Fills the defaults: 127.0.0.1:8080, 16 threads, 512 connections, 128
 * per client address, 30 s, 32 KiB, 1 MiB, 20 MiB, 10 s, logging on.
 * Each connection has its own thread (so at most 512): a submission holds
 * its thread while its group commits (service/committer.h), and with a
 * shared pool the connections tied to one thread waited for each other.
 * `threads` sizes the store's pool (threads + 2). Behind a reverse proxy every connection comes from the
 * proxy's address: set per_ip_limit to 0 there and limit at the proxy. */
void qn_server_config_default(qn_server_config *cfg);

typedef struct qn_server qn_server;

/* Starts serving with svc (borrowed; must outlive the server). Returns NULL
 * and fills e when the address cannot be bound or memory runs out. */
qn_server *qn_server_start(const qn_server_config *cfg, qn_service *svc, qn_err *e);

/* The port actually bound (useful with port 0). */
uint16_t qn_server_port(const qn_server *s);

/* Stops accepting, drains requests in flight, stops and frees. NULL ok. */
void qn_server_stop(qn_server *s);

#endif
