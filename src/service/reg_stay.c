/* reg_stay.c — helpers of the stay-control kinds of application (see
 * reg_stay.h).
 */
#include "service/reg_stay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void qn_rs_parse_foreigner(const json_t *doc, const char *key, bool names, bool expires, qn_rs_foreigner *f,
                           qn_app_case *c, qn_err *e)
{
    memset(f, 0, sizeof *f);
    f->birth_date = f->doc_expires = QN_DATE_NONE;
    const json_t *o = json_object_get(doc, key);
    if (!json_is_object(o)) {
        qn_err_field(e, key,
                     "is required: {\"surname\", \"given_names\", \"citizenship\", \"birth_date\", "
                     "\"document\": {\"number\", \"country\", \"expires\"}}");
        return;
    }
    static const char *const allowed[] = {"surname",    "given_names", "citizenship",
                                          "birth_date", "document",    NULL};
    static const char *const doc_allowed[] = {"number", "country", "expires", NULL};
    char p[48], dp[64], fld[96];
    snprintf(p, sizeof p, "%s.", key);
    snprintf(dp, sizeof dp, "%s.document.", key);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        bool ok = false;
        for (size_t i = 0; allowed[i]; i++)
            ok = ok || strcmp(allowed[i], k) == 0;
        if (!ok) {
            snprintf(fld, sizeof fld, "%s%s", p, k);
            qn_err_field(e, fld, "is not a member of %s", key);
        }
    }
    qn_app_json_str(o, p, "surname", names, f->surname, sizeof f->surname, e);
    qn_app_json_str(o, p, "given_names", names, f->given_names, sizeof f->given_names, e);
    qn_app_json_str(o, p, "citizenship", true, f->citizenship, sizeof f->citizenship, e);
    qn_app_json_date(o, p, "birth_date", names, &f->birth_date, e);
    const json_t *d = json_object_get(o, "document");
    if (!json_is_object(d)) {
        snprintf(fld, sizeof fld, "%sdocument", p);
        qn_err_field(e, fld, "is required: {\"number\", \"country\"%s}", expires ? ", \"expires\"" : "");
    } else {
        json_object_foreach((json_t *)d, k, v)
        {
            bool ok = false;
            for (size_t i = 0; doc_allowed[i]; i++)
                ok = ok || strcmp(doc_allowed[i], k) == 0;
            if (!ok) {
                snprintf(fld, sizeof fld, "%s%s", dp, k);
                qn_err_field(e, fld, "is not a member of the document");
            }
        }
        qn_app_json_str(d, dp, "number", true, f->doc_number, sizeof f->doc_number, e);
        qn_app_json_str(d, dp, "country", true, f->doc_country, sizeof f->doc_country, e);
        qn_app_json_date(d, dp, "expires", expires, &f->doc_expires, e);
    }
    snprintf(c->citizenship, sizeof c->citizenship, "%s", f->citizenship);
    snprintf(c->doc_number, sizeof c->doc_number, "%s", f->doc_number);
    c->doc_expires = f->doc_expires;
    c->birth_date = f->birth_date;
    if (f->doc_number[0] && f->doc_country[0])
        snprintf(c->person_key, sizeof c->person_key, "DOC:%s:%s", f->doc_country, f->doc_number);
}

json_t *qn_rs_payload(const qn_store_application *a)
{
    json_t *d = a->payload ? json_loads(a->payload, 0, NULL) : NULL;
    if (d && !json_is_object(d)) {
        json_decref(d);
        return NULL;
    }
    return d;
}

qn_code qn_rs_person(qn_store_conn *conn, const char *country, const char *number, const char *field,
                     qn_store_person *p, int64_t *document_id, qn_err *e)
{
    qn_store_document d;
    qn_err miss;
    qn_err_clear(&miss);
    qn_code rc = qn_store_document_find(conn, country, number, &d, &miss);
    if (rc == QN_E_NOT_FOUND) {
        qn_err_set(e, QN_E_INVALID, "no person on record with document %s %s", country, number);
        return qn_err_field(e, field,
                            "no person on record with document %s %s (a border crossing or a notification "
                            "of arrival records them)",
                            country, number);
    }
    if (rc != QN_OK) {
        if (e)
            *e = miss;
        return rc;
    }
    if (document_id)
        *document_id = d.id;
    return qn_store_person_get(conn, d.person_id, p, e);
}

bool qn_rs_same_person(const qn_rs_foreigner *f, const qn_store_person *p)
{
    if (f->surname[0] && strcasecmp(f->surname, p->surname) != 0)
        return false;
    if (f->given_names[0] && strcasecmp(f->given_names, p->given_names) != 0)
        return false;
    if (f->birth_date != QN_DATE_NONE && p->birth_date != QN_DATE_NONE && f->birth_date != p->birth_date)
        return false;
    return true;
}

qn_code qn_rs_check_person(qn_svc_ctx *ctx, qn_store_conn *conn, const qn_rs_foreigner *f, const char *key,
                           bool names, const qn_app_case *c, qn_store_person *p, qn_err *e)
{
    char fld[96];
    snprintf(fld, sizeof fld, "%s.document.number", key);
    qn_code rc = qn_rs_person(conn, f->doc_country, f->doc_number, fld, p, NULL, e);
    if (rc != QN_OK)
        return rc;
    if (strcmp(p->citizenship, f->citizenship) != 0) {
        snprintf(fld, sizeof fld, "%s.citizenship", key);
        return qn_err_field(e, fld, "is %s on record, not %s", p->citizenship, f->citizenship);
    }
    if (ctx->who->role == QN_ROLE_FOREIGNER && p->iin[0] && strcmp(p->iin, c->applicant_iin) != 0)
        return qn_err_set(e, QN_E_FORBIDDEN,
                          "the document %s %s is not yours: a foreigner applies for themselves",
                          f->doc_country, f->doc_number);
    if (names && !qn_rs_same_person(f, p)) {
        snprintf(fld, sizeof fld, "%s.surname", key);
        return qn_err_field(e, fld, "the names or birth date do not match the person on record with %s %s",
                            f->doc_country, f->doc_number);
    }
    return QN_OK;
}

qn_code qn_rs_grant_allowed(const qn_store_application *a, qn_actor_role role, qn_err *e)
{
    qn_app_kind kind;
    qn_app_state from;
    if (!qn_app_kind_parse(a->kind, strlen(a->kind), &kind) ||
        !qn_app_state_parse(a->state, strlen(a->state), &from))
        return qn_err_set(e, QN_E_INTERNAL, "application %s has an unknown kind or state", a->number);
    return qn_app_transition(kind, from, QN_APP_EV_GRANT, role, NULL, NULL, e);
}

qn_code qn_rs_grant_period(const qn_app_action *act, qn_date_t from, qn_date_t to, const char *limited_by,
                           qn_date_t *out_from, qn_date_t *out_to, qn_err *e)
{
    char d1[QN_DATE_STRLEN], d2[QN_DATE_STRLEN];
    *out_from = from;
    *out_to = to;
    if (!act->has_period)
        return QN_OK;
    if (act->valid_from < from)
        qn_err_field(e, "valid_from", "must not be before %s", qn_date_format(from, d1));
    if (act->valid_until > to)
        qn_err_field(e, "valid_until", "must not be after %s (limited by %s)", qn_date_format(to, d2),
                     limited_by ? limited_by : "the rules");
    if (act->valid_until < act->valid_from)
        qn_err_field(e, "valid_until", "must not be before valid_from");
    if (e && e->code != QN_OK) {
        snprintf(e->message, sizeof e->message, "the period granted must lie within %s..%s",
                 qn_date_format(from, d1), qn_date_format(to, d2));
        return e->code;
    }
    *out_from = act->valid_from;
    *out_to = act->valid_until;
    return QN_OK;
}

qn_code qn_rs_stay_document(qn_store_conn *conn, int64_t person_id, const char *kind,
                            const qn_store_application *a, qn_date_t from, qn_date_t to, qn_err *e)
{
    qn_store_stay_document d;
    memset(&d, 0, sizeof d);
    d.person_id = person_id;
    snprintf(d.kind, sizeof d.kind, "%s", kind);
    snprintf(d.number, sizeof d.number, "%s", a->number);
    d.valid_from = from;
    d.valid_to = to;
    d.application_id = a->id;
    return qn_store_stay_document_add(conn, &d, e);
}

char *qn_rs_dump(json_t *o)
{
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return s;
}

json_t *qn_rs_date(qn_date_t d)
{
    char b[QN_DATE_STRLEN];
    return json_string(d == QN_DATE_NONE ? "" : qn_date_format(d, b));
}

qn_code qn_rs_notice(qn_store_conn *conn, int64_t account_id, const qn_store_application *a,
                     qn_notice_kind notice, const char *text_key, qn_err *e)
{
    if (account_id <= 0)
        return QN_OK;
    char *body =
        qn_rs_dump(json_pack("{s:s, s:s, s:s, s:s, s:s}", "application", a->number, "kind", a->kind, "state",
                             a->state, "notice", qn_notice_kind_name(notice), "text_key", text_key));
    if (!body)
        return qn_err_set(e, QN_E_NOMEM, "out of memory");
    qn_store_notice n;
    memset(&n, 0, sizeof n);
    n.account_id = account_id;
    snprintf(n.kind, sizeof n.kind, "application.%s", qn_notice_kind_name(notice));
    snprintf(n.ref, sizeof n.ref, "%s", a->number);
    n.body = body;
    qn_code rc = qn_store_notice_add(conn, &n, e);
    free(body);
    return rc;
}

void qn_rs_map_errors(const qn_err *src, const char *const *map, qn_err *e)
{
    for (size_t i = 0; i < src->n_fields; i++) {
        const char *name = src->fields[i].field;
        for (size_t k = 0; map && map[k] && map[k + 1]; k += 2)
            if (strcmp(map[k], name) == 0) {
                name = map[k + 1];
                break;
            }
        qn_err_field(e, name, "%s", src->fields[i].reason);
    }
    if (e && src->n_fields == 0 && src->code != QN_OK)
        qn_err_set(e, src->code, "%s", src->message);
    if (e && src->sub[0])
        qn_err_sub(e, src->sub);
}
