/* stay_service.c — stay computations for the API (see stay_service.h).
 *
 * A person's stay is computed from the same sources, with the same code,
 * as the border's exit check (control_internal.h, core/exitcheck.h
 * qn_exit_stay): trips from border crossings (entry/exit pairs in date
 * order), ordinary visas, temporary residence permits, extension visas and
 * exit visas. Entries known only from notifications of arrival (no crossing
 * on record) are added as trips too: they end at the next known entry's eve
 * or stay open when latest — a notification proves presence, not
 * departure.
 */
#include "service/stay_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/country.h"
#include "service/control_internal.h"
#include "service/service_internal.h"

qn_code qn_svc_stay_calc(qn_svc_ctx *ctx, const char *citizenship, const qn_trip *trips, size_t n,
                         qn_date_t on, qn_date_t visa_until, qn_stay_answer *out, qn_err *e)
{
    memset(out, 0, sizeof *out);
    if (ctx->who->account_id <= 0)
        return qn_err_set(e, QN_E_UNAUTHORIZED, "log in to use the stay calculator");
    if (n > QN_STAY_QUERY_MAX_TRIPS)
        return qn_err_field(e, "trips", "at most %d trips", QN_STAY_QUERY_MAX_TRIPS);
    /* notif: a code that is nobody's nationality is refused, not computed
     * as a visa national (core/country.h). */
    if (!qn_country_is_nationality(citizenship)) {
        const char *hint = qn_country_hint(citizenship);
        return qn_err_field(e, "citizenship", "'%.8s' is not a nationality code (ISO 3166-1 alpha-3 or ICAO XXA, "
                            "XXB, XXC, XXX)%s%s", citizenship ? citizenship : "", hint[0] ? ": " : "", hint);
    }
    qn_stay_input in;
    qn_stay_input_init(&in);
    in.citizenship = citizenship;
    in.on = on != QN_DATE_NONE ? on : qn_svc_today(ctx);
    in.trips = trips;
    in.n_trips = n;
    in.visa_until = visa_until;
    qn_code rc = qn_stay_compute(&in, &out->result, e);
    if (rc != QN_OK)
        return rc;
    memcpy(out->trips, trips, n * sizeof *trips);
    out->n_trips = n;
    snprintf(out->source, sizeof out->source, "input");
    return QN_OK;
}

static int cmp_trip(const void *a, const void *b)
{
    const qn_trip *x = a, *y = b;
    return (x->entry > y->entry) - (x->entry < y->entry);
}

qn_code qn_svc_stay_person(qn_svc_ctx *ctx, const char *doc_country, const char *doc_number, qn_date_t on,
                           qn_stay_answer *out, qn_err *e)
{
    memset(out, 0, sizeof *out);
    qn_role r = ctx->who->role;
    if (r != QN_ROLE_FOREIGNER && r != QN_ROLE_OFFICER && r != QN_ROLE_BORDER)
        return qn_err_set(e, QN_E_FORBIDDEN, "a %s does not look up a person's stay", qn_role_name(r));
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    /* The same sources as the exit check (control_internal.h): crossings,
     * visas, permits, extension and exit visas, in one read. */
    qn_ctl_history h;
    qn_store_notification_list ns = {0};
    qn_err miss;
    qn_err_clear(&miss);
    rc = qn_ctl_history_load_doc(c.conn, doc_country, doc_number, false, &h, &miss);
    if (rc == QN_E_NOT_FOUND) {
        qn_svc_release(ctx, &c);
        qn_ctl_history_free(&h);
        return qn_err_set(e, QN_E_NOT_FOUND, "no person on record with document %s %s", doc_country,
                          doc_number);
    }
    if (rc != QN_OK && e)
        *e = miss;
    const qn_store_person *person = &h.rec.person;
    /* A foreigner reads only their own stay: the account is bound to the
     * person by IIN (foreigners receive one with their first registration,
     * kz_rules.md §4.4). Someone else's document answers exactly as an
     * unknown one, so the route does not reveal who is on record. */
    if (rc == QN_OK && r == QN_ROLE_FOREIGNER &&
        (ctx->who->party_id[0] == '\0' || strcmp(ctx->who->party_id, person->iin) != 0)) {
        qn_svc_release(ctx, &c);
        qn_ctl_history_free(&h);
        return qn_err_set(e, QN_E_NOT_FOUND, "no person on record with document %s %s", doc_country,
                          doc_number);
    }
    qn_store_notification_filter f;
    memset(&f, 0, sizeof f);
    f.person_id = person->id;
    f.limit = QN_STAY_QUERY_MAX_TRIPS;
    if (rc == QN_OK)
        rc = qn_store_notification_search(c.conn, &f, &ns, e);
    qn_svc_release(ctx, &c);
    if (rc != QN_OK)
        goto done;

    size_t n = 0;
    bool from_crossings = h.n_trips > 0, from_notifications = false;
    size_t skip = h.n_trips > QN_STAY_QUERY_MAX_TRIPS ? h.n_trips - QN_STAY_QUERY_MAX_TRIPS : 0;
    for (size_t i = skip; i < h.n_trips; i++)
        out->trips[n++] = h.trips[i];
    /* Entries known only from notifications of arrival (no crossing on
     * record): a notification proves presence, not departure. */
    for (size_t i = 0; i < ns.count && n < QN_STAY_QUERY_MAX_TRIPS; i++) {
        qn_date_t entry = ns.items[i].entry_date;
        bool covered = false;
        for (size_t k = 0; k < n; k++)
            if (entry >= out->trips[k].entry &&
                (out->trips[k].exit == QN_DATE_NONE || entry <= out->trips[k].exit))
                covered = true;
        if (covered)
            continue;
        out->trips[n].entry = entry;
        out->trips[n].exit = QN_DATE_NONE;
        n++;
        from_notifications = true;
    }
    qsort(out->trips, n, sizeof out->trips[0], cmp_trip);
    for (size_t k = 0; k + 1 < n; k++)
        if (out->trips[k].exit == QN_DATE_NONE || out->trips[k].exit >= out->trips[k + 1].entry)
            out->trips[k].exit = out->trips[k + 1].entry - 1;
    out->n_trips = n;
    out->person_id = person->id;
    snprintf(out->source, sizeof out->source, "%s",
             from_crossings && from_notifications ? "crossings+notifications"
             : from_crossings                     ? "crossings"
             : from_notifications                 ? "notifications"
                                                  : "none");
    qn_date_t day = on != QN_DATE_NONE ? on : qn_svc_today(ctx);
    qn_lawful_basis basis = QN_LAWFUL_REGIME;
    rc = qn_ctl_history_stay(&h, day, out->trips, n, &out->result, &basis, e);
    out->lawful_because = qn_lawful_basis_name(basis);
    /* The documents the computation used: visas and stay documents. */
    for (size_t i = 0; i < h.rec.visas.count && out->n_docs < QN_STAY_QUERY_MAX_DOCS; i++) {
        snprintf(out->docs[out->n_docs].kind, sizeof out->docs[0].kind, "visa");
        out->docs[out->n_docs].from = h.rec.visas.items[i].valid_from;
        out->docs[out->n_docs++].to = h.rec.visas.items[i].valid_to;
    }
    for (size_t i = 0; i < h.rec.docs.count && out->n_docs < QN_STAY_QUERY_MAX_DOCS; i++) {
        snprintf(out->docs[out->n_docs].kind, sizeof out->docs[0].kind, "%s", h.rec.docs.items[i].kind);
        out->docs[out->n_docs].from = h.rec.docs.items[i].valid_from;
        out->docs[out->n_docs++].to = h.rec.docs.items[i].valid_to;
    }
done:
    qn_ctl_history_free(&h);
    qn_store_notification_list_free(&ns);
    return rc;
}
