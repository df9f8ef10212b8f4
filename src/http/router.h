/* router.h — the route table of the API and the matcher that picks a route.
 *
 * Routes are a static, read-only table (routes.c): method, a path pattern
 * whose segments are literals or "{name}" parameters, the handler and a few
 * flags. Matching walks the table and compares segment by segment; a path
 * that matches some pattern under another method yields 405 with the list of
 * methods that would have matched (for the Allow header). The table is also
 * what the OpenAPI test compares against the document, so a route cannot be
 * added without documenting it.
 *
 * Thread-safe: the table is constant and matching writes only to the
 * caller's buffers.
 */
#ifndef QN_HTTP_ROUTER_H
#define QN_HTTP_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

struct qn_http_req;
typedef void (*qn_http_handler)(struct qn_http_req *req);

enum {
    QN_ROUTE_PUBLIC = 1u << 0, /* no credentials needed */
    QN_ROUTE_BATCH = 1u << 1,  /* larger body limit (batch uploads) */
    QN_ROUTE_NOBODY = 1u << 2, /* the method carries no body */
};

typedef struct {
    const char *method;  /* "GET", "POST", ... */
    const char *pattern; /* "/api/v1/notifications/{id}" */
    qn_http_handler handler;
    unsigned flags;
} qn_http_route;

#define QN_HTTP_MAX_PARAMS 4
#define QN_HTTP_PARAM_MAX 128

typedef struct {
    size_t n;
    const char *names[QN_HTTP_MAX_PARAMS]; /* point into the pattern (static) */
    char values[QN_HTTP_MAX_PARAMS][QN_HTTP_PARAM_MAX];
} qn_http_params;

/* The route table and its length (defined in routes.c). */
extern const qn_http_route qn_http_routes[];
extern const size_t qn_http_route_count;

#define QN_ROUTE_NONE (-1)         /* no pattern matches the path: 404 */
#define QN_ROUTE_WRONG_METHOD (-2) /* a pattern matches under other methods: 405 */

/* Finds the route for method and path (path without the query string).
 * Returns its index, QN_ROUTE_NONE or QN_ROUTE_WRONG_METHOD; on a match
 * fills params (values are copies; a segment longer than QN_HTTP_PARAM_MAX-1
 * never matches). On QN_ROUTE_WRONG_METHOD writes "GET, POST" style into
 * allow (allow_len bytes, may be 0). HEAD is not implied by GET. */
int qn_http_route_match(const qn_http_route *routes, size_t n_routes, const char *method, const char *path,
                        qn_http_params *params, char *allow, size_t allow_len);

/* The value of parameter name, or NULL. */
const char *qn_http_param(const qn_http_params *params, const char *name);

#endif
