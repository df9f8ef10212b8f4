/* exit_check.c — the exit check over the records (see exit_check.h) and the
 * history loader the stay-control services share (control_internal.h).
 *
 * One call costs one store statement for the whole history
 * (qn_store_ctl_history_by_document: document, person, crossings,
 * notifications, visas, stay documents, open cases, confirmed
 * self-registrations), the pure check, O((n + m) log(n + m)) for n trips
 * and m places, and one audit event posted to the service's group
 * committer (written by its next group; the answer does not wait for it:
 * audit_check below).
 */
#include "service/exit_check.h"

#include <ctype.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/regime.h"
#include "service/committer.h"
#include "service/control_internal.h"
#include "service/service_internal.h"

const char *qn_ctl_source_name(qn_ctl_source s)
{
    switch (s) {
    case QN_CTL_SRC_SELF_REGISTRATION:
        return "self_registration";
    case QN_CTL_SRC_PERMIT:
        return "permit";
    default:
        return "notification";
    }
}

void qn_ctl_history_free(qn_ctl_history *h)
{
    if (!h)
        return;
    qn_store_ctl_history_free(&h->rec);
    free(h->trips);
    free(h->trip_crossing);
    free(h->trip_checkpoint);
    free(h->cn);
    free(h->cn_source);
    free(h->permits);
    free(h->cvisas);
    free(h->ccases);
    memset(h, 0, sizeof *h);
}

static void add_place(qn_ctl_history *h, qn_date_t arrival, qn_date_t deadline, qn_date_t received,
                      const char *region, qn_ctl_source src)
{
    qn_ctl_notification *c = &h->cn[h->n_cn];
    c->arrival = arrival;
    c->deadline = deadline;
    c->received = received < arrival ? arrival : received; /* recorded ahead of the arrival (clock skew) */
    snprintf(c->region, sizeof c->region, "%s", region);
    h->cn_source[h->n_cn++] = (unsigned char)src;
}

static bool trip_has_place(const qn_ctl_history *h, const qn_trip *t)
{
    for (size_t i = 0; i < h->n_cn; i++)
        if (h->cn[i].arrival >= t->entry && (t->exit == QN_DATE_NONE || h->cn[i].arrival <= t->exit))
            return true;
    return false;
}

static qn_code derive(qn_ctl_history *h, qn_err *e)
{
    const qn_store_ctl_history *r = &h->rec;
    size_t nx = r->xs.count ? r->xs.count : 1;
    h->trips = calloc(nx, sizeof *h->trips);
    h->trip_crossing = calloc(nx, sizeof *h->trip_crossing);
    h->trip_checkpoint = calloc(nx, sizeof *h->trip_checkpoint);
    size_t nplaces = r->ns.count + r->n_selfregs + nx + 1;
    h->cn = calloc(nplaces, sizeof *h->cn);
    h->cn_source = calloc(nplaces, 1);
    size_t nd = r->visas.count + r->docs.count + 1;
    h->permits = calloc(nd, sizeof *h->permits);
    h->cvisas = calloc(nd, sizeof *h->cvisas);
    h->ccases = calloc(r->cases.count ? r->cases.count : 1, sizeof *h->ccases);
    if (!h->trips || !h->trip_crossing || !h->trip_checkpoint || !h->cn || !h->cn_source || !h->permits ||
        !h->cvisas || !h->ccases)
        return qn_err_set(e, QN_E_NOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < r->xs.count; i++) {
        const qn_store_crossing *x = &r->xs.items[i];
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
    for (size_t i = 0; i < r->ns.count; i++) {
        const qn_store_ctl_notification *s = &r->ns.items[i];
        add_place(h, s->arrival_date, s->deadline, qn_date_from_epoch_kz(s->created_at), s->region,
                  QN_CTL_SRC_NOTIFICATION);
    }
    /* Order 923 applies to entries from 2026-07-01; a confirmed
     * self-registration is judged by its own deadline. */
    qn_date_t selfreg_from = qn_regime_self_registration_start();
    for (size_t i = 0; i < r->n_selfregs; i++) {
        const qn_store_ctl_selfreg *s = &r->selfregs[i];
        if (s->arrival_date >= selfreg_from)
            add_place(h, s->arrival_date, s->deadline, qn_date_from_epoch_kz(s->decided_at), s->region,
                      QN_CTL_SRC_SELF_REGISTRATION);
    }
    for (size_t i = 0; i < r->visas.count; i++) {
        h->cvisas[h->n_cvisas].from = r->visas.items[i].valid_from;
        h->cvisas[h->n_cvisas].to = r->visas.items[i].valid_to;
        h->cvisas[h->n_cvisas++].kind = QN_VISA_ORDINARY;
    }
    for (size_t i = 0; i < r->docs.count; i++) {
        const qn_store_stay_document *d = &r->docs.items[i];
        if (strcmp(d->kind, "permit") == 0) {
            h->permits[h->n_permits].from = d->valid_from;
            h->permits[h->n_permits++].to = d->valid_to;
        } else if (strcmp(d->kind, "extension_visa") == 0) {
            h->cvisas[h->n_cvisas].from = d->valid_from;
            h->cvisas[h->n_cvisas].to = d->valid_to;
            h->cvisas[h->n_cvisas++].kind = QN_VISA_EXTENSION;
        }
    }
    /* A trip with no place of stay on record, covered by a permit: the
     * permit's file holds the notification of arrival (seed 004), so the
     * place is the first day the permit covers in the trip, on time. */
    size_t real = h->n_cn;
    for (size_t t = 0; t < h->n_trips; t++) {
        const qn_trip *tr = &h->trips[t];
        size_t keep = h->n_cn;
        h->n_cn = real;
        bool has = trip_has_place(h, tr);
        h->n_cn = keep;
        for (size_t i = 0; !has && i < h->n_permits; i++) {
            const qn_stay_period *p = &h->permits[i];
            if (p->to < tr->entry || (tr->exit != QN_DATE_NONE && p->from > tr->exit))
                continue;
            qn_date_t day = p->from > tr->entry ? p->from : tr->entry;
            add_place(h, day, QN_DATE_NONE, day, "", QN_CTL_SRC_PERMIT);
            has = true;
        }
    }
    for (size_t i = 0; i < r->cases.count; i++) {
        const qn_store_violation *v = &r->cases.items[i];
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
    qn_code rc = qn_store_ctl_history_by_person(c, person_id, full, &h->rec, e);
    if (rc == QN_OK)
        rc = derive(h, e);
    return rc;
}

qn_code qn_ctl_history_load_doc(qn_store_conn *c, const char *country, const char *number, bool full,
                                qn_ctl_history *h, qn_err *e)
{
    memset(h, 0, sizeof *h);
    qn_code rc = qn_store_ctl_history_by_document(c, country, number, full, &h->rec, e);
    if (rc == QN_OK)
        rc = derive(h, e);
    return rc;
}

/* The documents of the check: the exit visa covering the day (else the
 * latest), then the most recent permits and visas within
 * QN_STAY_MAX_PERMITS together. */
static void pick_documents(qn_ctl_history *h, qn_date_t day, qn_stay_period *exit_visa, qn_exit_input *in)
{
    const qn_store_stay_document *ev = NULL;
    for (size_t i = 0; i < h->rec.docs.count; i++) {
        const qn_store_stay_document *d = &h->rec.docs.items[i];
        if (strcmp(d->kind, "exit_visa") != 0)
            continue;
        if (!ev || (d->valid_from <= day && day <= d->valid_to) ||
            !(ev->valid_from <= day && day <= ev->valid_to))
            ev = d;
    }
    size_t room = QN_STAY_MAX_PERMITS - (ev ? 1 : 0);
    size_t np = h->n_permits < room / 2 ? h->n_permits : room / 2;
    size_t nv = h->n_cvisas < room - np ? h->n_cvisas : room - np;
    in->permits = h->permits + (h->n_permits - np);
    in->n_permits = np;
    in->visas = h->cvisas + (h->n_cvisas - nv);
    in->n_visas = nv;
    in->exit_visa = NULL;
    if (ev) {
        exit_visa->from = ev->valid_from;
        exit_visa->to = ev->valid_to;
        in->exit_visa = exit_visa;
    }
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
    in->citizenship = h->rec.person.citizenship;
    in->exit_date = exit_date;
    in->trips = h->trips + first;
    in->n_trips = n - first;
    in->notifications = h->cn;
    in->n_notifications = h->n_cn;
    pick_documents(h, exit_date, exit_visa, in);
    in->cases = h->ccases;
    in->n_cases = h->n_ccases;
    return true;
}

qn_code qn_ctl_history_stay(qn_ctl_history *h, qn_date_t on, const qn_trip *trips, size_t n_trips,
                            qn_stay_result *out, qn_lawful_basis *basis, qn_err *e)
{
    qn_exit_input in;
    memset(&in, 0, sizeof in);
    qn_stay_period ev;
    in.citizenship = h->rec.person.citizenship;
    if (trips) {
        in.trips = trips;
        in.n_trips = n_trips;
    } else {
        size_t n = 0;
        while (n < h->n_trips && h->trips[n].entry <= on)
            n++;
        size_t first = n > QN_STAY_MAX_TRIPS ? n - QN_STAY_MAX_TRIPS : 0;
        in.trips = h->trips + first;
        in.n_trips = n - first;
    }
    pick_documents(h, on, &ev, &in);
    return qn_exit_stay(&in, on, out, basis, e);
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

static void add_doc(qn_exit_answer *out, const char *kind, const char *number, qn_date_t from, qn_date_t to,
                    qn_date_t day)
{
    /* Minimal disclosure: only what is valid on the exit day. */
    if (from > day || to < day)
        return;
    qn_exit_doc *d = &out->docs[out->n_docs++];
    snprintf(d->kind, sizeof d->kind, "%s", kind);
    snprintf(d->number, sizeof d->number, "%s", number);
    d->from = from;
    d->to = to;
}

/* Copies what a border officer may see from h and the check into out. */
static qn_code fill_answer(const qn_ctl_history *h, const qn_exit_input *in, const qn_entry_notification *en,
                           qn_exit_answer *out, qn_err *e)
{
    const qn_store_ctl_history *r = &h->rec;
    out->person_id = r->person.id;
    snprintf(out->surname, sizeof out->surname, "%s", r->person.surname);
    snprintf(out->given_names, sizeof out->given_names, "%s", r->person.given_names);
    snprintf(out->citizenship, sizeof out->citizenship, "%s", r->person.citizenship);
    out->birth_date = r->person.birth_date;
    out->entries = calloc(in->n_trips ? in->n_trips : 1, sizeof *out->entries);
    out->places = calloc(h->n_cn ? h->n_cn : 1, sizeof *out->places);
    out->docs = calloc(r->visas.count + r->docs.count + 1, sizeof *out->docs);
    out->cases = calloc(r->cases.count ? r->cases.count : 1, sizeof *out->cases);
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
        for (size_t i = 0; i < h->n_cn; i++) {
            const qn_ctl_notification *c = &h->cn[i];
            if (c->arrival < x->entry || c->arrival > end || c->received > in->exit_date)
                continue;
            qn_exit_place *p = &out->places[out->n_places++];
            p->arrival = c->arrival;
            p->received = c->received;
            snprintf(p->region, sizeof p->region, "%.16s", c->region);
            p->on_time = !qn_ctl_notification_is_late(c);
            p->source = qn_ctl_source_name((qn_ctl_source)h->cn_source[i]);
            x->n_places++;
        }
    }
    for (size_t i = 0; i < r->visas.count; i++)
        add_doc(out, "visa", r->visas.items[i].number, r->visas.items[i].valid_from,
                r->visas.items[i].valid_to, in->exit_date);
    for (size_t i = 0; i < r->docs.count; i++)
        add_doc(out, r->docs.items[i].kind, r->docs.items[i].number, r->docs.items[i].valid_from,
                r->docs.items[i].valid_to, in->exit_date);
    for (size_t i = 0; i < r->cases.count; i++) {
        if (strcmp(r->cases.items[i].state, "closed") == 0)
            continue; /* the store reads open cases only; kept for safety */
        qn_exit_case *c = &out->cases[out->n_cases++];
        c->id = r->cases.items[i].id;
        snprintf(c->kind, sizeof c->kind, "%s", r->cases.items[i].kind);
        snprintf(c->article, sizeof c->article, "%s", r->cases.items[i].article);
        snprintf(c->state, sizeof c->state, "%s", r->cases.items[i].state);
    }
    return QN_OK;
}

/* The audit event of one check, posted to the service's group committer
 * (committer.h): who (the job's actor, the border account), whom (the
 * person), when (the event's time: when the committer writes it, a few ms
 * after the answer), and the digest of what was answered.
 *
 * Durability choice (docs/control_api.md §Audit of the exit check): the
 * check answers without waiting for the disk. Its event is written by the
 * next group commit, together with whatever else is queued, in its own
 * savepoint; a kill -9 of the process loses the events of the checks still
 * queued, never the record of a write (those wait for their commit), and
 * stopping the service (qn_svc_committer_stop) writes the queue first.
 * The reason: the check is a read at a booth; a transaction of its own per
 * check, under the service's write lock, made 8 concurrent checks queue
 * behind one another (p99 8.95 ms over HTTP against 2.1 ms without it). */
typedef struct {
    qn_svc_job base; /* first: the committer sees only this */
    char person_id[QN_STORE_NUMBER_MAX + 1];
    unsigned char digest[crypto_hash_sha256_BYTES];
    qn_err err;
} audit_job;

static qn_code audit_write(qn_svc_job *job, qn_store_conn *conn, qn_err *e)
{
    const audit_job *j = (const audit_job *)job;
    return qn_store_ctl_audit_check(conn, j->person_id, j->digest, e);
}

/* The committer's last word on the event: a write that failed (rolled back
 * alone, the rest of its group kept) is logged, since nobody waits for it. */
static void audit_done(qn_svc_job *job)
{
    audit_job *j = (audit_job *)job;
    if (job->rc != QN_OK && job->rc != QN_E_UNAVAILABLE)
        fprintf(stderr,
                "{\"level\":\"error\",\"msg\":\"exit check audit event not written\",\"person\":\"%s\","
                "\"error\":\"%s\"}\n",
                j->person_id, j->err.message);
    free(j);
}

/* Posts the event; an error only when it cannot be queued (out of memory,
 * the service stopping): then the check is not answered. */
static qn_code audit_check(qn_svc_ctx *ctx, const qn_exit_answer *a, qn_err *e)
{
    audit_job *j = calloc(1, sizeof *j);
    if (!j)
        return qn_err_set(e, QN_E_NOMEM, "out of memory");
    char what[96], d[QN_DATE_STRLEN];
    snprintf(j->person_id, sizeof j->person_id, "%" PRId64, a->person_id);
    snprintf(what, sizeof what, "exit_check:%" PRId64 ":%s:%s", a->person_id, qn_date_format(a->exit_date, d),
             qn_exit_verdict_name(a->result.verdict));
    crypto_hash_sha256(j->digest, (const unsigned char *)what, strlen(what));
    j->base.write = audit_write;
    j->base.free_job = audit_done;
    j->base.err = &j->err;
    j->base.actor_id = ctx->who->account_id;
    snprintf(j->base.actor, sizeof j->base.actor, "%s",
             ctx->who->username[0] ? ctx->who->username : "system");
    qn_err_clear(&j->err);
    if (qn_svc_commit_post(ctx->svc->committer, &j->base) != QN_OK) /* j is freed either way */
        return qn_err_set(
            e, QN_E_UNAVAILABLE,
            "the exit check cannot be recorded: the service is stopping or its audit queue is full");
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
    qn_ctl_history h;
    qn_err miss;
    qn_err_clear(&miss);
    rc = qn_ctl_history_load_doc(c.conn, citizenship, document_number, true, &h, &miss);
    qn_svc_release(ctx, &c);
    if (rc == QN_E_NOT_FOUND)
        rc = qn_err_set(e, QN_E_NOT_FOUND, "no person on record with document %s %s", citizenship,
                        document_number);
    else if (rc != QN_OK && e)
        *e = miss;
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
    if (rc == QN_OK)
        rc = audit_check(ctx, out, e);
    if (rc != QN_OK)
        qn_exit_answer_free(out);
    return rc;
}
