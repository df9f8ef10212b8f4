/* http_static.c — the portal's static files: path checks, root lookup,
 * content types, caching and security headers. See http_static.h.
 *
 * A request is answered in one go: the file is opened with O_NOFOLLOW,
 * checked with fstat (regular, bounded size), its real path compared with
 * the real root (so a symbolic link in a folder cannot lead outside), read
 * into memory and handed to MHD, which frees it.
 */
#include "http/http_static.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A verification page path: "/verify" or "/verify/<number>" (the QR codes
 * of printed documents point there; the portal's page reads the number from
 * the path and asks GET /api/v1/verify/<number>). */
static bool is_verify_page(const char *path)
{
    if (strcmp(path, "/verify") == 0 || strcmp(path, "/verify/") == 0)
        return true;
    if (strncmp(path, "/verify/", 8) != 0)
        return false;
    size_t n = 0;
    for (const char *p = path + 8; *p; p++, n++) {
        char c = *p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') ||
            n >= 32)
            return false;
    }
    return n > 0;
}

bool qn_http_static_is_portal(const char *path)
{
    return strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0 || strcmp(path, "/portal") == 0 ||
           strncmp(path, "/portal/", 8) == 0 || strcmp(path, "/verify") == 0 ||
           strncmp(path, "/verify/", 8) == 0;
}

static bool safe_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-' || c == '/';
}

bool qn_http_static_rel_path(const char *url_path, char *out, size_t out_len)
{
    const char *rel;
    if (!url_path || !out || out_len == 0)
        return false;
    if (strcmp(url_path, "/") == 0 || strcmp(url_path, "/index.html") == 0 ||
        strcmp(url_path, "/portal") == 0 || strcmp(url_path, "/portal/") == 0 || is_verify_page(url_path))
        rel = "index.html";
    else if (strncmp(url_path, "/portal/", 8) == 0)
        rel = url_path + 8;
    else
        return false;
    size_t n = strlen(rel);
    if (n == 0 || n > QN_HTTP_STATIC_MAX_PATH || n >= out_len)
        return false;
    /* Segments: non-empty, not starting with '.' (no "..", no hidden files),
     * only safe characters; rel never starts with '/' (no absolute path). */
    bool seg_start = true;
    for (size_t i = 0; i < n; i++) {
        char c = rel[i];
        if (!safe_char(c))
            return false;
        if (seg_start && (c == '/' || c == '.'))
            return false;
        seg_start = (c == '/');
    }
    if (seg_start) /* ends with '/' */
        return false;
    memcpy(out, rel, n + 1);
    return true;
}

const char *qn_http_static_content_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".csv", "text/csv; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"},
        {".woff2", "font/woff2"},
    };
    const char *dot = strrchr(name, '.');
    const char *slash = strrchr(name, '/');
    if (!dot || (slash && dot < slash))
        return NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return NULL;
}

/* Tries dir/web (dir/../web etc. as given) and keeps the first that is a
 * folder, resolved, in out. */
static bool try_root(const char *candidate, char *out)
{
    struct stat st;
    if (stat(candidate, &st) != 0 || !S_ISDIR(st.st_mode))
        return false;
    return realpath(candidate, out) != NULL;
}

/* Finds the real path of the web root (PATH_MAX bytes in out): the built
 * portal, never the sources in web/ (their modules import npm packages by
 * name, which only the build resolves). */
static bool web_root(char out[PATH_MAX])
{
    char buf[PATH_MAX];
    const char *env = getenv("QONAQ_WEB_ROOT");
    if (env && *env)
        return try_root(env, out);
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            int n = snprintf(buf, sizeof buf, "%s/web", exe);
            if (n > 0 && (size_t)n < sizeof buf && try_root(buf, out))
                return true;
        }
    }
    env = getenv("QONAQ_ROOT");
    if (env && *env) {
        int n = snprintf(buf, sizeof buf, "%s/build/web", env);
        if (n > 0 && (size_t)n < sizeof buf && try_root(buf, out))
            return true;
    }
    return try_root("build/web", out);
}

const char *qn_http_static_cache_control(const char *rel)
{
    /* web/build.mjs names every file under assets/ by a hash of its content:
     * such a name never changes meaning, so it may be kept for a year. The
     * page and the other files are revalidated on every use (ETag). */
    if (strncmp(rel, "assets/", 7) == 0)
        return "public, max-age=31536000, immutable";
    return "no-cache";
}

static void add_common_headers(struct MHD_Response *resp, const qn_http_req *req)
{
    MHD_add_response_header(resp, "X-Request-Id", req->request_id);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Content-Security-Policy", QN_HTTP_STATIC_CSP);
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
}

/* Queues a short plain-text answer (errors, 304). */
static enum MHD_Result answer_text(qn_http_req *req, unsigned status, const char *text, const char *allow,
                                   const char *etag, const char *cache)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    add_common_headers(resp, req);
    if (status != 304)
        MHD_add_response_header(resp, "Content-Type", "text/plain; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", cache ? cache : "no-store");
    if (allow)
        MHD_add_response_header(resp, "Allow", allow);
    if (etag)
        MHD_add_response_header(resp, "ETag", etag);
    req->status = (int)status;
    req->resp_len = strlen(text);
    enum MHD_Result r = MHD_queue_response(req->conn, status, resp);
    MHD_destroy_response(resp);
    return r;
}

static enum MHD_Result not_found(qn_http_req *req)
{
    return answer_text(req, 404, "not found\n", NULL, NULL, NULL);
}

/* Reads the whole of fd (size bytes) into a new buffer, or NULL. */
static char *read_all(int fd, size_t size)
{
    char *buf = malloc(size ? size : 1);
    if (!buf)
        return NULL;
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            free(buf);
            return NULL;
        }
        got += (size_t)n;
    }
    return buf;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t qn_http_static_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    char *w = s;
    for (const char *r = s; *r; r++) {
        int hi, lo;
        if (r[0] == '%' && (hi = hex_value(r[1])) >= 0 && (lo = hex_value(r[2])) >= 0 && (hi | lo) != 0) {
            *w++ = (char)(hi * 16 + lo);
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

enum MHD_Result qn_http_static_serve(qn_http_req *req)
{
    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0)
        return answer_text(req, 405, "method not allowed\n", "GET, HEAD", NULL, NULL);
    char rel[QN_HTTP_STATIC_MAX_PATH + 1];
    if (!qn_http_static_rel_path(req->path, rel, sizeof rel))
        return not_found(req);
    const char *type = qn_http_static_content_type(rel);
    if (!type)
        return not_found(req);
    char root[PATH_MAX], full[PATH_MAX], real[PATH_MAX];
    if (!web_root(root))
        return not_found(req);
    int n = snprintf(full, sizeof full, "%s/%s", root, rel);
    if (n < 0 || (size_t)n >= sizeof full)
        return not_found(req);
    if (!realpath(full, real))
        return not_found(req);
    size_t rl = strlen(root);
    if (strncmp(real, root, rl) != 0 || real[rl] != '/')
        return not_found(req);
    int fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return not_found(req);
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0 ||
        (unsigned long long)st.st_size > QN_HTTP_STATIC_MAX_FILE) {
        close(fd);
        return not_found(req);
    }
    char etag[80];
    snprintf(etag, sizeof etag, "\"%llx-%llx-%lx\"", (unsigned long long)st.st_size,
             (unsigned long long)st.st_mtim.tv_sec, (unsigned long)st.st_mtim.tv_nsec);
    const char *inm = qn_http_header_in(req, "If-None-Match");
    if (inm && strstr(inm, etag)) {
        close(fd);
        return answer_text(req, 304, "", NULL, etag, qn_http_static_cache_control(rel));
    }
    size_t size = (size_t)st.st_size;
    char *body = read_all(fd, size);
    close(fd);
    if (!body)
        return answer_text(req, 500, "cannot read the file\n", NULL, NULL, NULL);
    struct MHD_Response *resp = MHD_create_response_from_buffer(size, body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    add_common_headers(resp, req);
    MHD_add_response_header(resp, "Content-Type", type);
    MHD_add_response_header(resp, "ETag", etag);
    const char *cache = qn_http_static_cache_control(rel);
    MHD_add_response_header(resp, "Cache-Control", cache);
    req->status = 200;
    req->resp_len = size;
    enum MHD_Result r = MHD_queue_response(req->conn, 200, resp);
    MHD_destroy_response(resp);
    return r;
}
