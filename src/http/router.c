/* router.c — segment-by-segment matching of a path against the route table.
 *
 * Both the pattern and the path are walked in step, splitting on '/'. A
 * literal segment must be equal; a "{name}" segment captures the path's
 * segment (non-empty, percent-decoding is not done: identifiers in qonaq
 * paths are plain digits or letters). Trailing slashes are significant:
 * "/api/v1/notifications/" is not "/api/v1/notifications".
 */
#include "http/router.h"

#include <stdio.h>
#include <string.h>

/* Length of the segment starting at s (up to '/' or end). */
static size_t seg_len(const char *s)
{
    const char *slash = strchr(s, '/');
    return slash ? (size_t)(slash - s) : strlen(s);
}

static bool match_one(const char *pattern, const char *path, qn_http_params *params)
{
    qn_http_params local = {0};
    const char *p = pattern, *q = path;
    for (;;) {
        if (*p == '\0' || *q == '\0')
            break;
        if (*p != '/' || *q != '/')
            return false;
        p++;
        q++;
        size_t pl = seg_len(p), ql = seg_len(q);
        if (pl >= 2 && p[0] == '{' && p[pl - 1] == '}') {
            if (ql == 0 || ql >= QN_HTTP_PARAM_MAX || local.n >= QN_HTTP_MAX_PARAMS)
                return false;
            local.names[local.n] = p; /* "{name}..." — compared by qn_http_param */
            memcpy(local.values[local.n], q, ql);
            local.values[local.n][ql] = '\0';
            local.n++;
        } else if (pl != ql || memcmp(p, q, pl) != 0) {
            return false;
        }
        p += pl;
        q += ql;
    }
    if (*p != '\0' || *q != '\0')
        return false;
    if (params)
        *params = local;
    return true;
}

int qn_http_route_match(const qn_http_route *routes, size_t n_routes, const char *method, const char *path,
                        qn_http_params *params, char *allow, size_t allow_len)
{
    bool path_matched = false;
    size_t used = 0;
    if (allow && allow_len)
        allow[0] = '\0';
    for (size_t i = 0; i < n_routes; i++) {
        if (!match_one(routes[i].pattern, path, NULL))
            continue;
        if (strcmp(routes[i].method, method) == 0) {
            match_one(routes[i].pattern, path, params);
            return (int)i;
        }
        if (allow && allow_len && !strstr(allow, routes[i].method)) {
            int n = snprintf(allow + used, allow_len - used, "%s%s", used ? ", " : "", routes[i].method);
            if (n > 0 && (size_t)n < allow_len - used)
                used += (size_t)n;
            else
                allow[used] = '\0'; /* no cut-off name ("PATC") when allow is short (found by fuzzing) */
        }
        path_matched = true;
    }
    return path_matched ? QN_ROUTE_WRONG_METHOD : QN_ROUTE_NONE;
}

const char *qn_http_param(const qn_http_params *params, const char *name)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i < params->n; i++) {
        const char *n = params->names[i] + 1; /* skip '{' */
        if (strncmp(n, name, nl) == 0 && n[nl] == '}')
            return params->values[i];
    }
    return NULL;
}
