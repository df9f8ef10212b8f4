/* exit_check.c — the exit check over the records (see exit_check.h) and the
 * history loader the stay-control services share (control_internal.h).
 *
 * One call costs six indexed reads by person id (document, person,
 * crossings, notifications, visas and stay documents, violations) and the
 * pure check, O((n + m) log(n + m)) for n trips and m notifications.
 */
#include "service/exit_check.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/control_internal.h"
#include "service/service_internal.h"

void qn_ctl_history_free(qn_ctl_history *h)
{
    if (!h)
        return;
    qn_store_crossing_list_free(&h->xs);
    qn_store_ctl_notification_list_free(&h->ns);
    qn_store_visa_list_free(&h->visas);
    qn_store_stay_document_list_free(&h->docs);
    qn_store_violation_list_free(&h->cases);
    free(h->trips);
    free(h->trip_crossing);
    free(h->trip_checkpoint);
    free(h->cn);
    free(h->permits);
    free(h->cvisas);
    free(h->ccases);
    memset(h, 0, sizeof *h);
}

static qn_code derive(qn_ctl_history *h, qn_err *e)
{
    size_t nx = h->xs.count ? h->xs.count : 1;
    h->trips = calloc(nx, sizeof *h->trips);
    h->trip_crossing = calloc(nx, sizeof *h->trip_crossing);
    h->trip_checkpoint = calloc(nx, sizeof *h->trip_checkpoint);
    h->cn = calloc(h->ns.count ? h->ns.count : 1, sizeof *h->cn);
    size_t nd = h->visas.count + h->docs.count + 1;
    h->permits = calloc(nd, sizeof *h->permits);
    h->cvisas = calloc(nd, sizeof *h->cvisas);
    h->ccases = calloc(h->cases.count ? h->cases.count : 1, sizeof *h->ccases);
    if (!h->trips || !h->trip_crossing || !h->trip_checkpoint || !h->cn || !h->permits || !h->cvisas ||
        !h->ccases)
        return qn_err_set(e, QN_E_NOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < h->xs.count; i++) {
        const qn_store_crossing *x = &h->xs.items[i];
        if (strcmp(x->kind, "entry") == 0) {
            if (n > 0 && h->trips[n - 1].exit == QN_DATE_NONE) {
                if (x->date <= h->trips[n - 1].entry)
                    continue; /* two entries on one day: keep the first */
                h->trips[n - 1].exit = x->date - 1;
            }
            h->trips[n].entry = x->date;
            h->trips[n].exit = QN_DATE_NONE;
            h->trip_crossing[n] = x->id;
            snprintf(h->trip_checkpoint[n], sizeof h->trip_checkpoint[n], "%s", x->checkpoint);
            n++;
        } else if (n > 0 && h->trips[n - 1].exit == QN_DATE_NONE) {
            h->trips[n - 1].exit = x->date;
        }
    }
    h->n_trips = n;
    for (size_t i = 0; i < h->ns.count; i++) {
        const qn_store_ctl_notification *s = &h->ns.items[i];
        qn_ctl_notification *c = &h->cn[i];
        c->arrival = s->arrival_date;
        c->deadline = s->deadline;
        c->received = qn_date_from_epoch_kz(s->created_at);
        if (c->received < c->arrival)
            c->received = c->arrival; /* recorded ahead of the arrival day (clock skew) */
        snprintf(c->region, sizeof c->region, "%s", s->region);
    }
    for (size_t i = 0; i < h->visas.count; i++) {
        h->cvisas[h->n_cvisas].from = h->visas.items[i].valid_from;
        h->cvisas[h->n_cvisas].to = h->visas.items[i].valid_to;
        h->cvisas[h->n_cvisas++].kind = QN_VISA_ORDINARY;
    }
    for (size_t i = 0; i < h->docs.count; i++) {
        const qn_store_stay_document *d = &h->docs.items[i];
        if (strcmp(d->kind, "permit") == 0) {
            h->permits[h->n_permits].from = d->valid_from;
            h->permits[h->n_permits++].to = d->valid_to;
        } else if (strcmp(d->kind, "extension_visa") == 0) {
            h->cvisas[h->n_cvisas].from = d->valid_from;
            h->cvisas[h->n_cvisas].to = d->valid_to;
            h->cvisas[h->n_cvisas++].kind = QN_VISA_EXTENSION;
        }
    }
    for (size_t i = 0; i < h->cases.count; i++) {
        const qn_store_violation *v = &h->cases.items[i];
        qn_ctl_case *c = &h->ccases[h->n_ccases];
        c->kind = strcmp(v->kind, "art517") == 0 ? QN_VIOL_OVERSTAY : QN_VIOL_HOST_NOTIFICATION;
        if (!qn_vcase_state_parse(v->state, strlen(v->state), &c->state))
            continue;
        h->n_ccases++;
    }
    return QN_OK;
}

qn_code qn_ctl_history_load(qn_store_conn *c, int64_t person_id, bool full, qn_ctl_history *h, qn_err *e)
{
    memset(h, 0, sizeof *h);
    qn_code rc = qn_store_person_get(c, person_id, &h->person, e);
    if (rc == QN_OK)
        rc = qn_store_crossing_list_person(c, person_id, &h->xs, e);
    if (rc == QN_OK)
        rc = qn_store_visa_list_person(c, person_id, &h->visas, e);
    if (rc == QN_OK)
        rc = qn_store_stay_document_list_person(c, person_id, &h->docs, e);
    if (rc == QN_OK && full)
        rc = qn_store_ctl_notifications_person(c, person_id, QN_CTL_MAX_NOTIFICATIONS, &h->ns, e);
    if (rc == QN_OK && full)
        rc = qn_store_violation_list_person(c, person_id, &h->cases, e);
    if (rc == QN_OK)
        rc = derive(h, e);
    return rc;
}

bool qn_ctl_history_input(qn_ctl_history *h, qn_date_t exit_date, long upto_trip, qn_stay_period *exit_visa,
                          qn_exit_input *in)
{
    memset(in, 0, sizeof *in);
    size_t n = 0;
    while (n < h->n_trips && h->trips[n].entry <= exit_date && (upto_trip < 0 || (long)n <= upto_trip))
        n++;
    if (n == 0)
        return false;
    qn_trip *last = &h->trips[n - 1];
    if (last->exit != QN_DATE_NONE && last->exit > exit_date)
        last->exit = QN_DATE_NONE; /* still present on exit_date */
    if (last->exit != QN_DATE_NONE && last->exit < exit_date)
        return false;
    /* At most QN_STAY_MAX_TRIPS, the most recent. */
    size_t first = n > QN_STAY_MAX_TRIPS ? n - QN_STAY_MAX_TRIPS : 0;
    in->citizenship = h->person.citizenship;
    in->exit_date = exit_date;
    in->trips = h->trips + first;
    in->n_trips = n - first;
    in->notifications = h->cn;
    in->n_notifications = h->ns.count;
    /* Documents: the exit visa covering the day (else the latest), then the
     * most recent permits and visas within QN_STAY_MAX_PERMITS together. */
    const qn_store_stay_document *ev = NULL;
    for (size_t i = 0; i < h->docs.count; i++) {
        const qn_store_stay_document *d = &h->docs.items[i];
        if (strcmp(d->kind, "exit_visa") != 0)
            continue;
        if (!ev || (d->valid_from <= exit_date && exit_date <= d->valid_to) ||
            !(ev->valid_from <= exit_date && exit_date <= ev->valid_to))
            ev = d;
    }
    size_t room = QN_STAY_MAX_PERMITS - (ev ? 1 : 0);
    size_t np = h->n_permits < room / 2 ? h->n_permits : room / 2;
    size_t nv = h->n_cvisas < room - np ? h->n_cvisas : room - np;
    in->permits = h->permits + (h->n_permits - np);
    in->n_permits = np;
    in->visas = h->cvisas + (h->n_cvisas - nv);
    in->n_visas = nv;
    if (ev) {
        exit_visa->from = ev->valid_from;
        exit_visa->to = ev->valid_to;
        in->exit_visa = exit_visa;
    }
    in->cases = h->ccases;
    in->n_cases = h->n_ccases;
    return true;
}

void qn_exit_answer_free(qn_exit_answer *a)
{
    if (!a)
        return;
    free(a->entries);
    free(a->places);
    free(a->docs);
    free(a->cases);
    memset(a, 0, sizeof *a);
}

static bool is_alpha3(const char *s)
{
    return s && strlen(s) == 3 && isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]) &&
           isupper((unsigned char)s[2]);
}

/* Copies what a border officer may see from h and the check into out. */
static qn_code fill_answer(const qn_ctl_history *h, const qn_exit_input *in, const qn_entry_notification *en,
                           qn_exit_answer *out, qn_err *e)
{
    out->person_id = h->person.id;
    snprintf(out->surname, sizeof out->surname, "%s", h->person.surname);
    snprintf(out->given_names, sizeof out->given_names, "%s", h->person.given_names);
    snprintf(out->citizenship, sizeof out->citizenship, "%s", h->person.citizenship);
    out->birth_date = h->person.birth_date;
    out->entries = calloc(in->n_trips ? in->n_trips : 1, sizeof *out->entries);
    out->places = calloc(h->ns.count ? h->ns.count : 1, sizeof *out->places);
    out->docs = calloc(h->visas.count + h->docs.count + 1, sizeof *out->docs);
    out->cases = calloc(h->cases.count ? h->cases.count : 1, sizeof *out->cases);
    if (!out->entries || !out->places || !out->docs || !out->cases)
        return qn_err_set(e, QN_E_NOMEM, "out of memory");
    size_t first_trip = (size_t)(in->trips - h->trips);
    for (size_t t = 0; t < in->n_trips; t++) {
        qn_exit_entry *x = &out->entries[out->n_entries++];
        x->entry = in->trips[t].entry;
        x->exit = in->trips[t].exit;
        snprintf(x->checkpoint, sizeof x->checkpoint, "%s", h->trip_checkpoint[first_trip + t]);
        x->notification = en[t];
        x->first_place = out->n_places;
        qn_date_t end = x->exit != QN_DATE_NONE ? x->exit : in->exit_date;
        for (size_t i = 0; i < h->ns.count; i++) {
            const qn_ctl_notification *c = &h->cn[i];
            if (c->arrival < x->entry || c->arrival > end || c->received > in->exit_date)
                continue;
            qn_exit_place *p = &out->places[out->n_places++];
            p->arrival = c->arrival;
            p->received = c->received;
            snprintf(p->region, sizeof p->region, "%.16s", c->region);
            p->on_time = !qn_ctl_notification_is_late(c);
            x->n_places++;
        }
    }
    for (size_t i = 0; i < h->visas.count; i++) {
        qn_exit_doc *d = &out->docs[out->n_docs++];
        snprintf(d->kind, sizeof d->kind, "visa");
        snprintf(d->number, sizeof d->number, "%s", h->visas.items[i].number);
        d->from = h->visas.items[i].valid_from;
        d->to = h->visas.items[i].valid_to;
    }
    for (size_t i = 0; i < h->docs.count; i++) {
        qn_exit_doc *d = &out->docs[out->n_docs++];
        snprintf(d->kind, sizeof d->kind, "%s", h->docs.items[i].kind);
        snprintf(d->number, sizeof d->number, "%s", h->docs.items[i].number);
        d->from = h->docs.items[i].valid_from;
        d->to = h->docs.items[i].valid_to;
    }
    for (size_t i = 0; i < h->cases.count; i++) {
        qn_exit_case *c = &out->cases[out->n_cases++];
        c->id = h->cases.items[i].id;
        snprintf(c->kind, sizeof c->kind, "%s", h->cases.items[i].kind);
        snprintf(c->article, sizeof c->article, "%s", h->cases.items[i].article);
        snprintf(c->state, sizeof c->state, "%s", h->cases.items[i].state);
    }
    return QN_OK;
}

qn_code qn_svc_exit_check(qn_svc_ctx *ctx, const char *citizenship, const char *document_number,
                          qn_date_t exit_date, qn_exit_answer *out, qn_err *e)
{
    memset(out, 0, sizeof *out);
    if (ctx->who->role != QN_ROLE_BORDER)
        return qn_err_set(e, QN_E_FORBIDDEN, "only a border officer runs the exit check; you are %s",
                          qn_role_name(ctx->who->role));
    qn_date_t today = qn_svc_today(ctx);
    if (exit_date == QN_DATE_NONE)
        exit_date = today;
    if (!is_alpha3(citizenship))
        qn_err_field(e, "citizenship", "must be an ISO 3166-1 alpha-3 code such as DEU");
    if (!document_number || !document_number[0] || strlen(document_number) > QN_STORE_NUMBER_MAX)
        qn_err_field(e, "document_number", "must be 1..%d characters", QN_STORE_NUMBER_MAX);
    if (exit_date > today + 366 || exit_date < today - 366)
        qn_err_field(e, "exit_date", "must be within a year of today");
    if (e && e->code != QN_OK)
        return e->code;
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    qn_store_document doc;
    qn_err miss;
    qn_err_clear(&miss);
    rc = qn_store_document_find(c.conn, citizenship, document_number, &doc, &miss);
    if (rc != QN_OK) {
        qn_svc_release(ctx, &c);
        if (rc == QN_E_NOT_FOUND)
            return qn_err_set(e, QN_E_NOT_FOUND, "no person on record with document %s %s", citizenship,
                              document_number);
        if (e)
            *e = miss;
        return rc;
    }
    qn_ctl_history h;
    rc = qn_ctl_history_load(c.conn, doc.person_id, true, &h, e);
    qn_svc_release(ctx, &c);
    qn_exit_input in;
    qn_stay_period ev;
    qn_entry_notification *en = NULL;
    if (rc == QN_OK && !qn_ctl_history_input(&h, exit_date, -1, &ev, &in)) {
        rc = qn_err_set(e, QN_E_CONFLICT,
                        "no entry on record for this person on %s: the last crossing on record is an exit "
                        "before it, or there is none",
                        qn_date_format(exit_date, (char[QN_DATE_STRLEN]){0}));
        qn_err_sub(e, "not_present");
    }
    if (rc == QN_OK) {
        en = calloc(in.n_trips ? in.n_trips : 1, sizeof *en);
        if (!en)
            rc = qn_err_set(e, QN_E_NOMEM, "out of memory");
    }
    if (rc == QN_OK)
        rc = qn_exit_check(&in, en, &out->result, e);
    if (rc == QN_OK) {
        out->exit_date = exit_date;
        rc = fill_answer(&h, &in, en, out, e);
    }
    free(en);
    qn_ctl_history_free(&h);
    if (rc != QN_OK)
        qn_exit_answer_free(out);
    return rc;
}
