/* http.h — the request object handlers see, and the helpers they answer with.
 *
 * The server (server.c) turns each libmicrohttpd request into a qn_http_req,
 * collects its body (bounded), resolves the caller's credentials through the
 * service layer, and calls the route's handler. A handler reads the path
 * parameters, the query and the body, calls one service function and
 * answers with exactly one of the qn_http_reply_* helpers. Everything the
 * request owns (body, response body, headers) is freed by the server when
 * the response has been sent; handlers own nothing past their return.
 *
 * Under /api/v1/ every error answer is application/problem+json (RFC 9457):
 * type, title, status, detail, code (qn_code_name, with ".sub" when the
 * error carries a finer sub code), request_id, and errors[] with field and
 * reason for validation failures.
 */
#ifndef QN_HTTP_HTTP_H
#define QN_HTTP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/error.h"
#include "http/router.h"
#include "service/service.h"

typedef struct qn_server qn_server;

#define QN_HTTP_MAX_RESP_HEADERS 8

typedef struct qn_http_req {
    qn_server *server;
    struct MHD_Connection *conn;
    char method[16];
    char path[512];
    int route; /* index in qn_http_routes or QN_ROUTE_NONE / _WRONG_METHOD */
    qn_http_params params;
    char allow[64]; /* for 405 */
    char *body;     /* NUL-terminated, body_len bytes */
    size_t body_len, body_cap, body_limit;
    bool body_too_large;
    bool ambiguous_length; /* two Content-Length, or Content-Length with Transfer-Encoding */
    char request_id[32];
    char client_addr[64];
    struct timespec started;
    qn_principal who; /* role QN_ROLE_NONE when anonymous */
    qn_svc_ctx ctx;   /* passed to service calls; accumulates db time */
    /* the answer */
    int status;
    char *resp_body; /* malloc'd */
    size_t resp_len;
    const char *content_type; /* static string */
    size_t n_headers;
    char *header_names[QN_HTTP_MAX_RESP_HEADERS];
    char *header_values[QN_HTTP_MAX_RESP_HEADERS];
    bool behind_tls;   /* the server's behind_tls: cookies get the Secure attribute */
    char log_code[64];    /* machine code of an error answer, for the log */
    char log_detail[256]; /* the real sentence of a 5xx answer (the client gets a generic one) */
} qn_http_req;

/* The server's service layer (for handlers that need more than req->ctx). */
qn_service *qn_http_service(const qn_http_req *req);

/* A query parameter (already percent-decoded by MHD) or NULL. */
const char *qn_http_query(const qn_http_req *req, const char *name);

/* A request header or NULL. */
const char *qn_http_header_in(const qn_http_req *req, const char *name);

/* A cookie or NULL. */
const char *qn_http_cookie(const qn_http_req *req, const char *name);

/* Adds a response header (both strings copied). Silently drops past
 * QN_HTTP_MAX_RESP_HEADERS (a bug, never reached by the routes). */
void qn_http_add_header(qn_http_req *req, const char *name, const char *value);

/* Answers with JSON; takes the reference to body (decrefs it). */
void qn_http_reply_json(qn_http_req *req, int status, json_t *body);

/* Answers with text of a content type; takes ownership of malloc'd body. */
void qn_http_reply_owned(qn_http_req *req, int status, const char *content_type, char *body, size_t len);

/* Answers with a copy of a static or caller-owned text. */
void qn_http_reply_text(qn_http_req *req, int status, const char *content_type, const char *text);

/* Answers 204 with no body. */
void qn_http_reply_empty(qn_http_req *req, int status);

/* Answers with an application/problem+json document built from e. */
void qn_http_reply_problem(qn_http_req *req, const qn_err *e);

/* The same with a status (and title) that no qn_code maps to, such as 405;
 * status 0 and title NULL mean "from the code". */
void qn_http_reply_problem_status(qn_http_req *req, const qn_err *e, int status, const char *title);

/* Shorthand: a problem with a code, an optional sub code and a message. */
void qn_http_reply_error(qn_http_req *req, qn_code code, const char *sub, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Parses the body as a JSON value. On failure answers 400 (or 415 when the
 * content type is not JSON) and returns NULL; the caller just returns.
 * The caller owns the returned reference. */
json_t *qn_http_body_json(qn_http_req *req);

/* Builds the problem document for e (exposed for the batch answer and tests). */
json_t *qn_http_problem_json(const qn_err *e, const char *request_id);

#endif
