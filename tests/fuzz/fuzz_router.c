/* fuzz_router.c — libFuzzer target for the API's route matcher (src/http/router.h).
 *
 * The table is a copy of the patterns of src/http/routes.c (the real table
 * drags in every handler and so the whole service; the matcher only reads
 * method and pattern), plus patterns with two parameters. The input is a
 * method selector byte, an Allow buffer size byte, and the path (up to the
 * first NUL). The outcome is compared with a reference written here: split
 * pattern and path on '/', equal segment counts, literal segments equal,
 * a "{name}" segment takes any non-empty segment shorter than
 * QN_HTTP_PARAM_MAX; the first route of the method that matches wins; a
 * path matching only under other methods gives QN_ROUTE_WRONG_METHOD with
 * those methods in Allow. Captured values must equal the path's segments
 * and qn_http_param must find them; the Allow text must be a list of whole
 * method names within the buffer.
 */
#include "fuzz/fuzz_util.h"
#include "http/router.h"

static const qn_http_route routes[] = {
    {"GET", "/healthz", NULL, QN_ROUTE_PUBLIC},
    {"GET", "/metrics", NULL, QN_ROUTE_PUBLIC},
    {"GET", "/api/v1/ping", NULL, QN_ROUTE_PUBLIC},
    {"GET", "/api/v1/openapi.json", NULL, QN_ROUTE_PUBLIC},
    {"GET", "/api/v1/regions", NULL, QN_ROUTE_PUBLIC},
    {"POST", "/api/v1/auth/login", NULL, QN_ROUTE_PUBLIC},
    {"POST", "/api/v1/auth/logout", NULL, 0},
    {"GET", "/api/v1/me", NULL, 0},
    {"GET", "/api/v1/me/history", NULL, 0},
    {"POST", "/api/v1/api-keys", NULL, 0},
    {"POST", "/api/v1/notifications", NULL, 0},
    {"GET", "/api/v1/notifications", NULL, 0},
    {"POST", "/api/v1/notifications/batch", NULL, QN_ROUTE_BATCH},
    {"GET", "/api/v1/notifications/{id}", NULL, 0},
    {"GET", "/api/v1/stay", NULL, 0},
    {"POST", "/api/v1/admin/accounts", NULL, 0},
    {"GET", "/api/v1/admin/accounts", NULL, 0},
    {"POST", "/api/v1/admin/accounts/{id}/disable", NULL, 0},
    {"POST", "/api/v1/admin/accounts/{id}/enable", NULL, 0},
    {"DELETE", "/api/v1/x/{a}/y/{b}", NULL, 0},
    {"PUT", "/api/v1/x/{a}/y/{b}", NULL, 0},
    {"PATCH", "/{a}/{b}/{c}/{d}", NULL, 0},
};
#define N_ROUTES (sizeof routes / sizeof *routes)

static const char *const methods[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "get", ""};

/* Splits s (starting with '/') into segments; false when s does not start with '/'. */
static bool split(const char *s, const char *seg[], size_t len[], size_t *n, size_t max)
{
    if (s[0] != '/')
        return false;
    *n = 0;
    const char *p = s;
    while (*p == '/') {
        p++;
        const char *e = strchr(p, '/');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (*n >= max)
            return false;
        seg[*n] = p;
        len[*n] = l;
        (*n)++;
        p += l;
    }
    return *p == '\0';
}

static bool ref_match(const char *pattern, const char *path, qn_http_params *out)
{
    const char *ps[64], *qs[64];
    size_t pl[64], ql[64], pn, qn;
    if (!split(pattern, ps, pl, &pn, 64) || !split(path, qs, ql, &qn, 64) || pn != qn)
        return false;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < pn; i++) {
        if (pl[i] >= 2 && ps[i][0] == '{' && ps[i][pl[i] - 1] == '}') {
            if (ql[i] == 0 || ql[i] >= QN_HTTP_PARAM_MAX || out->n >= QN_HTTP_MAX_PARAMS)
                return false;
            out->names[out->n] = ps[i];
            memcpy(out->values[out->n], qs[i], ql[i]);
            out->values[out->n][ql[i]] = '\0';
            out->n++;
        } else if (pl[i] != ql[i] || memcmp(ps[i], qs[i], pl[i]) != 0) {
            return false;
        }
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 4096)
        return 0;
    const char *method = methods[data[0] % (sizeof methods / sizeof *methods)];
    size_t allow_len = data[1] % 48;
    size_t plen = size - 2;
    const uint8_t *nul = memchr(data + 2, '\0', plen);
    if (nul)
        plen = (size_t)(nul - (data + 2));
    char *path = malloc(plen + 1);
    char *allow = malloc(allow_len ? allow_len : 1);
    if (!path || !allow)
        goto out;
    memcpy(path, data + 2, plen);
    path[plen] = '\0';

    qn_http_params params;
    memset(&params, 0x33, sizeof params);
    int got = qn_http_route_match(routes, N_ROUTES, method, path, &params, allow_len ? allow : NULL, allow_len);

    int want = QN_ROUTE_NONE;
    qn_http_params ref;
    char methods_seen[128] = "";
    for (size_t i = 0; i < N_ROUTES; i++) {
        qn_http_params tmp;
        if (!ref_match(routes[i].pattern, path, &tmp))
            continue;
        if (strcmp(routes[i].method, method) == 0) {
            want = (int)i;
            ref = tmp;
            break;
        }
        want = QN_ROUTE_WRONG_METHOD;
        if (!strstr(methods_seen, routes[i].method)) {
            strcat(methods_seen, " ");
            strcat(methods_seen, routes[i].method);
        }
    }
    if (got != want)
        fprintf(stderr, "path \"%s\" method %s: got %d, want %d\n", path, method, got, want);
    QN_FZ_ASSERT(got == want);
    if (got >= 0) {
        QN_FZ_ASSERT(params.n == ref.n);
        for (size_t i = 0; i < ref.n; i++) {
            QN_FZ_ASSERT(params.names[i] == ref.names[i]);
            QN_FZ_ASSERT(strcmp(params.values[i], ref.values[i]) == 0);
            char name[64];
            size_t nl = strcspn(ref.names[i] + 1, "}");
            memcpy(name, ref.names[i] + 1, nl);
            name[nl] = '\0';
            const char *v = qn_http_param(&params, name);
            QN_FZ_ASSERT(v != NULL && strcmp(v, ref.values[i]) == 0);
        }
    }
    if (allow_len) {
        QN_FZ_ASSERT(memchr(allow, '\0', allow_len) != NULL);
        if (got == QN_ROUTE_WRONG_METHOD) {
            /* every listed method is whole and was matched under the path */
            char copy[64];
            snprintf(copy, sizeof copy, "%s", allow);
            for (char *tok = strtok(copy, ", "); tok; tok = strtok(NULL, ", ")) {
                bool known = false;
                for (size_t i = 0; i < N_ROUTES; i++)
                    known = known || (strcmp(routes[i].method, tok) == 0 && ref_match(routes[i].pattern, path, &ref));
                if (!known)
                    fprintf(stderr, "Allow \"%s\" (buffer %zu) lists \"%s\"\n", allow, allow_len, tok);
                QN_FZ_ASSERT(known);
            }
        }
    }
out:
    free(path);
    free(allow);
    return 0;
}
