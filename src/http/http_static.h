/* http_static.h — serves the web portal's static files (web/) from qonaq serve.
 *
 * The portal is the folder web/build.mjs writes (build/web): "/" is its
 * index.html, "/portal/<path>" is <root>/<path>, and the public verification
 * page "/verify" or "/verify/<number>" (where the QR codes of printed
 * documents point) is index.html too. Everything else stays with the API
 * router.
 * The server calls qn_http_static_is_portal for a path no API route matches
 * and, when it is a portal path, lets qn_http_static_serve queue the answer
 * (it sets its own headers, so the API's "Cache-Control: no-store" does not
 * apply to the portal's files).
 *
 * Where the built portal is: $QONAQ_WEB_ROOT, else web/ next to the
 * executable (build/web beside build/qonaq, build/san/web beside
 * build/san/qonaq), else $QONAQ_ROOT/build/web, else ./build/web. Never the
 * sources in web/. Looked up per request (no global state; a few system
 * calls).
 *
 * Safety: the path must be made of [A-Za-z0-9._-/] segments, none empty and
 * none starting with '.', at most QN_HTTP_STATIC_MAX_PATH bytes; the file
 * must be a regular file whose real path is under the real root, of a known
 * extension and at most QN_HTTP_STATIC_MAX_FILE bytes. Anything else is 404.
 * Every answer carries a strict Content-Security-Policy (no inline scripts
 * or styles, frame-ancestors 'none'), X-Content-Type-Options: nosniff,
 * Referrer-Policy: no-referrer, an ETag (If-None-Match gives 304), and
 * Cache-Control from qn_http_static_cache_control: a year, immutable, for
 * assets/ (content-hashed names), no-cache (revalidate) for everything else,
 * so a deploy never leaves a client with a mix of old and new files.
 * Thread-safe.
 */
#ifndef QN_HTTP_STATIC_H
#define QN_HTTP_STATIC_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

#define QN_HTTP_STATIC_MAX_PATH 200
#define QN_HTTP_STATIC_MAX_FILE (4u * 1024u * 1024u)

/* The Content-Security-Policy sent with every portal file. */
#define QN_HTTP_STATIC_CSP                                                                                   \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "                              \
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "                              \
    "form-action 'self'; frame-ancestors 'none'"

/* True when path ("/..." without the query) belongs to the portal: "/",
 * "/index.html", "/portal", anything under "/portal/", "/verify" and
 * anything under "/verify/" (an unsafe one is then answered 404). */
bool qn_http_static_is_portal(const char *path);

/* Maps a portal URL path to a path relative to web/ ("index.html",
 * "js/app.js") in out (out_len bytes). Returns false for a path that is not
 * a portal path or is unsafe (traversal, absolute, hidden segment, bad
 * character, too long). Pure; exposed for tests. */
bool qn_http_static_rel_path(const char *url_path, char *out, size_t out_len);

/* The content type for a file name by its extension, or NULL when the
 * extension is not served. */
const char *qn_http_static_content_type(const char *name);

/* The Cache-Control of a file by its path relative to the root. */
const char *qn_http_static_cache_control(const char *rel);

/* MHD's unescape callback (MHD_OPTION_UNESCAPE_CALLBACK) for paths and
 * query values: decodes %XX in place like MHD's own, except that %00 stays
 * as the three characters "%00" — decoded, a NUL would cut the path short
 * ("/portal/app.js%00.html" would be served as "/portal/app.js"), and such a
 * path now matches no route and no portal file. Returns the new length. */
size_t qn_http_static_unescape(void *cls, struct MHD_Connection *conn, char *s);

/* Answers a portal request (GET or HEAD; other methods 405) by queueing a
 * response on req->conn; sets req->status and req->resp_len for the log and
 * the metrics. Returns MHD's result of queueing. */
enum MHD_Result qn_http_static_serve(qn_http_req *req);

#endif
