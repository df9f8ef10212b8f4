/* server_internal.h — the server context, shared by server.c and the
 * handlers that report on the server itself (/metrics). Not for other layers. */
#ifndef QN_HTTP_SERVER_INTERNAL_H
#define QN_HTTP_SERVER_INTERNAL_H

#include <microhttpd.h>
#include <stdatomic.h>

#include "http/metrics.h"
#include "http/server.h"

struct qn_server {
    qn_server_config cfg;
    qn_service *svc;
    qn_metrics *metrics;
    struct MHD_Daemon *daemon;
    uint16_t port;
    _Atomic int in_flight;
    _Atomic uint64_t next_request;
    char rid_prefix[12];
};

#endif
