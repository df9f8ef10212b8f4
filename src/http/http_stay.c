/* http_stay.c — GET /api/v1/stay: the stay calculator and a person's stay.
 *
 *   ?citizenship=DEU&trips=2026-01-05..2026-01-20,2026-03-01..&on=2026-03-15[&visa_until=]
 *       computes from the given trips (entry..exit; an empty exit is open);
 *   ?document_country=DEU&document_number=C01X00T47[&on=]
 *       the person on record with that document (border crossings,
 *       notifications of arrival, visas, permits, extension and exit visas:
 *       the exit check's sources), with lawful_because and the documents.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/decoders.h"
#include "http/handlers.h"
#include "service/stay_service.h"

static json_t *answer_json(const qn_stay_answer *a)
{
    const qn_stay_result *r = &a->result;
    json_t *trips = json_array();
    for (size_t i = 0; i < a->n_trips; i++)
        json_array_append_new(trips, json_pack("{s:o, s:o}", "entry", qn_h_date_json(a->trips[i].entry),
                                               "exit", qn_h_date_json(a->trips[i].exit)));
    json_t *b =
        json_pack("{s:{s:s, s:s, s:i, s:i, s:i}, s:b, s:o, s:o, s:i, s:i, s:i, s:o, s:i, s:s, s:i, s:o, s:b, "
                  "s:o, s:o, s:o, s:s}",
                  "regime", "name", r->regime.name ? r->regime.name : "", "label",
                  r->regime.label ? r->regime.label : "", "per_entry_days", r->regime.per_entry_days,
                  "cap_days", r->regime.cap_days, "window_days", r->regime.window_days, "is_present",
                  r->is_present, "current_entry", qn_h_date_json(r->current_entry), "window_start",
                  qn_h_date_json(r->window_start), "days_used", r->days_used, "days_left", r->days_left,
                  "excess_days", r->excess_days, "last_lawful_day", qn_h_date_json(r->last_lawful_day),
                  "days_allowed_this_entry", r->days_allowed_this_entry, "limited_by",
                  r->limited_by ? r->limited_by : "", "overstay_days", r->overstay_days, "first_breach",
                  qn_h_date_json(r->first_breach), "permit_required", r->permit_required,
                  "permit_needed_from", qn_h_date_json(r->permit_needed_from), "notification_deadline",
                  qn_h_date_json(r->notification_deadline), "trips", trips, "source", a->source);
    if (b && a->person_id) {
        json_object_set_new(b, "person_id", json_integer((json_int_t)a->person_id));
        json_object_set_new(b, "lawful_because", json_string(a->lawful_because ? a->lawful_because : ""));
        json_t *docs = json_array();
        for (size_t i = 0; i < a->n_docs; i++)
            json_array_append_new(docs, json_pack("{s:s, s:o, s:o}", "kind", a->docs[i].kind, "valid_from",
                                                  qn_h_date_json(a->docs[i].from), "valid_to",
                                                  qn_h_date_json(a->docs[i].to)));
        json_object_set_new(b, "documents", docs);
    }
    return b;
}

/* Parses "A..B,C..D,E.." into trips; records errors under "trips". */
size_t qn_h_parse_trips(qn_jin *d, const char *s, qn_trip *trips, size_t max)
{
    size_t n = 0;
    char buf[4096];
    if (strlen(s) >= sizeof buf) {
        qn_jin_bad(d, "", "trips", "is longer than %zu bytes", sizeof buf - 1);
        return 0;
    }
    snprintf(buf, sizeof buf, "%s", s);
    char *save = NULL;
    for (char *part = strtok_r(buf, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
        char where[24];
        snprintf(where, sizeof where, "trips[%zu]", n);
        if (n >= max) {
            qn_jin_bad(d, "", "trips", "at most %zu trips", max);
            return n;
        }
        char *dots = strstr(part, "..");
        const char *why = NULL;
        qn_date_t entry = QN_DATE_NONE, exit_day = QN_DATE_NONE;
        if (!dots) {
            qn_jin_bad(d, "", where, "must be ENTRY..EXIT or ENTRY.. (open)");
            continue;
        }
        *dots = '\0';
        if (!qn_date_parse_cstr(part, &entry, &why)) {
            qn_jin_bad(d, "", where, "entry %s", why ? why : "is not a date");
            continue;
        }
        if (dots[2] && !qn_date_parse_cstr(dots + 2, &exit_day, &why)) {
            qn_jin_bad(d, "", where, "exit %s", why ? why : "is not a date");
            continue;
        }
        trips[n].entry = entry;
        trips[n].exit = dots[2] ? exit_day : QN_DATE_NONE;
        n++;
    }
    return n;
}

static void opt_date(qn_http_req *req, qn_jin *d, const char *name, qn_date_t *out)
{
    *out = QN_DATE_NONE;
    const char *s = qn_http_query(req, name);
    const char *why = NULL;
    if (s && !qn_date_parse_cstr(s, out, &why)) {
        qn_jin_bad(d, "", name, "%s", why ? why : "must be YYYY-MM-DD");
        *out = QN_DATE_NONE;
    }
}

void qn_h_stay(qn_http_req *req)
{
    qn_err e;
    qn_jin d;
    qn_jin_init(&d, &e);
    qn_date_t on, visa_until;
    opt_date(req, &d, "on", &on);
    opt_date(req, &d, "visa_until", &visa_until);
    const char *cit = qn_http_query(req, "citizenship");
    const char *dc = qn_http_query(req, "document_country");
    const char *dn = qn_http_query(req, "document_number");
    const char *ts = qn_http_query(req, "trips");
    qn_stay_answer *a = calloc(1, sizeof *a);
    qn_trip *trips = calloc(QN_STAY_QUERY_MAX_TRIPS, sizeof *trips);
    if (!a || !trips) {
        free(a);
        free(trips);
        qn_http_reply_error(req, QN_E_NOMEM, NULL, "out of memory");
        return;
    }
    qn_code rc;
    if (dc || dn) {
        if (!dc || strlen(dc) != 3)
            qn_jin_bad(&d, "", "document_country", "must be an ISO 3166-1 alpha-3 code");
        if (!dn || !dn[0] || strlen(dn) > 32)
            qn_jin_bad(&d, "", "document_number", "must be 1..32 characters");
        if (cit || ts)
            qn_jin_shape(&d, "", "citizenship", "give either citizenship and trips, or a document");
        rc = qn_jin_finish(&d);
        if (rc == QN_OK)
            rc = qn_svc_stay_person(&req->ctx, dc, dn, on, a, &e);
    } else {
        if (!cit)
            qn_jin_bad(&d, "", "citizenship", "is required (or document_country and document_number)");
        size_t n = ts ? qn_h_parse_trips(&d, ts, trips, QN_STAY_QUERY_MAX_TRIPS) : 0;
        rc = qn_jin_finish(&d);
        if (rc == QN_OK)
            rc = qn_svc_stay_calc(&req->ctx, cit, trips, n, on, visa_until, a, &e);
    }
    if (rc != QN_OK)
        qn_http_reply_problem(req, &e);
    else
        qn_http_reply_json(req, 200, answer_json(a));
    free(a);
    free(trips);
}
