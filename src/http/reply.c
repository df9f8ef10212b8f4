/* reply.c — building answers: JSON, text, and RFC 9457 problem documents.
 *
 * Every answer is rendered to a malloc'd buffer kept in the request; the
 * server hands it to MHD when the handler returns. A handler that answers
 * twice replaces the first answer (and frees it), so a late error wins.
 */
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/http.h"
#include "http/server_internal.h"

static json_t *problem_json(const qn_err *e, const char *request_id, int status, const char *title);

qn_service *qn_http_service(const qn_http_req *req) { return req->server->svc; }

const char *qn_http_query(const qn_http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *qn_http_header_in(const qn_http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *qn_http_cookie(const qn_http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

void qn_http_add_header(qn_http_req *req, const char *name, const char *value)
{
    if (req->n_headers >= QN_HTTP_MAX_RESP_HEADERS)
        return;
    char *n = strdup(name), *v = strdup(value);
    if (!n || !v) {
        free(n);
        free(v);
        return;
    }
    req->header_names[req->n_headers] = n;
    req->header_values[req->n_headers] = v;
    req->n_headers++;
}

void qn_http_reply_owned(qn_http_req *req, int status, const char *content_type, char *body, size_t len)
{
    free(req->resp_body);
    req->resp_body = body;
    req->resp_len = body ? len : 0;
    req->status = status;
    req->content_type = content_type;
    if (body == NULL && status < 300) { /* rendering failed */
        req->status = 500;
        req->content_type = "text/plain";
    }
}

void qn_http_reply_text(qn_http_req *req, int status, const char *content_type, const char *text)
{
    size_t len = strlen(text);
    char *copy = malloc(len + 1);
    if (copy)
        memcpy(copy, text, len + 1);
    qn_http_reply_owned(req, status, content_type, copy, len);
}

void qn_http_reply_empty(qn_http_req *req, int status)
{
    qn_http_reply_owned(req, status, "text/plain", NULL, 0);
    req->status = status;
}

void qn_http_reply_json(qn_http_req *req, int status, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(body);
    qn_http_reply_owned(req, status, "application/json", text, text ? strlen(text) : 0);
}

json_t *qn_http_problem_json(const qn_err *e, const char *request_id)
{
    return problem_json(e, request_id, 0, NULL);
}

static json_t *problem_json(const qn_err *e, const char *request_id, int status, const char *title)
{
    qn_code code = e->code == QN_OK ? QN_E_INTERNAL : e->code;
    char machine[112];
    if (status == 405)
        snprintf(machine, sizeof machine, "method_not_allowed");
    else if (e->sub[0])
        snprintf(machine, sizeof machine, "%s.%s", qn_code_name(code), e->sub);
    else
        snprintf(machine, sizeof machine, "%s", qn_code_name(code));
    char type[160];
    snprintf(type, sizeof type, "https://qonaq.kz/problems/%s",
             status == 405 ? "method_not_allowed" : qn_code_name(code));
    json_t *p =
        json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", type, "title", title ? title : qn_code_title(code),
                  "status", status ? status : qn_code_http_status(code), "detail",
                  e->message[0] ? e->message : qn_code_title(code), "code", machine);
    if (!p)
        return NULL;
    if (request_id && request_id[0])
        json_object_set_new(p, "request_id", json_string(request_id));
    if (e->n_fields) {
        json_t *errs = json_array();
        for (size_t i = 0; i < e->n_fields; i++)
            json_array_append_new(
                errs, json_pack("{s:s, s:s}", "field", e->fields[i].field, "reason", e->fields[i].reason));
        json_object_set_new(p, "errors", errs);
        if (e->n_fields_dropped)
            json_object_set_new(p, "errors_omitted", json_integer((json_int_t)e->n_fields_dropped));
    }
    return p;
}

void qn_http_reply_problem(qn_http_req *req, const qn_err *e)
{
    qn_http_reply_problem_status(req, e, 0, NULL);
}

void qn_http_reply_problem_status(qn_http_req *req, const qn_err *e, int status, const char *title)
{
    qn_code code = e->code == QN_OK ? QN_E_INTERNAL : e->code;
    /* A 5xx tells the client nothing of the inside (OWASP ASVS 4.0 7.4.1):
     * the store's and libraries' sentences name tables, sockets and hosts.
     * The client gets a generic sentence and the request id; the real one
     * goes to the request's log line. */
    qn_err outside;
    int http = status ? status : qn_code_http_status(code);
    if (http >= 500) {
        snprintf(req->log_detail, sizeof req->log_detail, "%s", e->message);
        qn_err_clear(&outside);
        outside.code = code;
        snprintf(outside.sub, sizeof outside.sub, "%s", e->sub);
        snprintf(outside.message, sizeof outside.message,
                 code == QN_E_UNAVAILABLE ? "the service is unavailable for a moment; try again (request %s)"
                                          : "an internal error occurred (request %s)",
                 req->request_id);
        e = &outside;
    }
    json_t *p = problem_json(e, req->request_id, status, title);
    if (status == 0)
        status = qn_code_http_status(code);
    json_t *code_v = p ? json_object_get(p, "code") : NULL;
    snprintf(req->log_code, sizeof req->log_code, "%s", code_v ? json_string_value(code_v) : "internal");
    char *text = p ? json_dumps(p, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(p);
    qn_http_reply_owned(req, status, "application/problem+json", text, text ? strlen(text) : 0);
    if (code == QN_E_UNAUTHORIZED)
        qn_http_add_header(req, "WWW-Authenticate", "Bearer realm=\"qonaq\"");
}

void qn_http_reply_error(qn_http_req *req, qn_code code, const char *sub, const char *fmt, ...)
{
    qn_err e;
    qn_err_clear(&e);
    e.code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e.message, sizeof e.message, fmt, ap);
    va_end(ap);
    if (sub)
        qn_err_sub(&e, sub);
    qn_http_reply_problem(req, &e);
}

json_t *qn_http_body_json(qn_http_req *req)
{
    const char *ct = qn_http_header_in(req, "Content-Type");
    if (ct && strncasecmp(ct, "application/json", 16) != 0) {
        qn_err e;
        qn_err_clear(&e);
        qn_err_set(&e, QN_E_BAD_REQUEST, "the body must be application/json, not %.60s", ct);
        qn_err_sub(&e, "content_type");
        qn_http_reply_problem_status(req, &e, 415, "Unsupported media type"); /* RFC 9110 15.5.16 */
        return NULL;
    }
    if (req->body_len == 0) {
        qn_http_reply_error(req, QN_E_BAD_REQUEST, "empty_body", "the request needs a JSON body");
        return NULL;
    }
    json_error_t jerr;
    json_t *v = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!v) {
        qn_http_reply_error(req, QN_E_BAD_REQUEST, "json_syntax",
                            "the body is not valid JSON: %s at line %d, column %d", jerr.text, jerr.line,
                            jerr.column);
        return NULL;
    }
    return v;
}
