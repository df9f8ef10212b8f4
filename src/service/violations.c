/* violations.c — detection, decisions, lists and counts of stay-control
 * violations (see violations.h).
 *
 * Detection pages through the entry crossings of the window (1,000 at a
 * time, by crossing id). Missing notification: the store returns the
 * entries with no notification whose arrival falls in the trip; the
 * statutory deadline (deadline.h: 3 working days, arrival day counted) must
 * be past on `on`, and a traveller who left on or before the deadline is
 * not counted (our choice: nobody was staying to be notified about). Each
 * becomes an art. 518 case filed in the checkpoint's region, the host
 * unknown. Overstay: for each entry, the exit check of the trip it opens
 * (as of its exit, or `on` while present) with every permit and visa on
 * record; an overstay becomes an art. 517 case with the Art. 517 part 3
 * tier and its fine in tenge (MCI of the first unlawful day).
 */
#include "service/violations.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/deadline.h"
#include "core/regime.h"
#include "service/control_internal.h"
#include "service/service_internal.h"

#define DETECT_PAGE 1000
#define DETECT_WINDOW_DAYS 400

static bool may_detect(const qn_principal *who)
{
    if (who->role == QN_ROLE_ADMIN)
        return true;
    return who->role == QN_ROLE_NONE && who->account_id == 0 && who->via == QN_CRED_NONE &&
           strcmp(who->username, "system") == 0;
}

static qn_code detect_missing(qn_svc_ctx *ctx, qn_store_conn *conn, qn_detect_report *r, qn_err *e)
{
    int64_t after = 0;
    char d1[QN_DATE_STRLEN], d2[QN_DATE_STRLEN], d3[QN_DATE_STRLEN];
    for (;;) {
        qn_store_ctl_entry_list l = {0};
        qn_code rc = qn_store_ctl_unnotified_entries(conn, r->from, r->on - 1, after, DETECT_PAGE,
                                                     qn_regime_self_registration_start(), &l, e);
        if (rc != QN_OK)
            return rc;
        for (size_t i = 0; rc == QN_OK && i < l.count; i++) {
            const qn_store_ctl_entry *x = &l.items[i];
            after = x->crossing_id;
            r->entries_unnotified++;
            qn_date_t deadline = qn_deadline_notification(x->day);
            if (deadline >= r->on || (x->next_exit != QN_DATE_NONE && x->next_exit <= deadline)) {
                r->pending++;
                continue;
            }
            qn_store_violation v;
            memset(&v, 0, sizeof v);
            snprintf(v.kind, sizeof v.kind, "art518");
            v.subject_person_id = x->person_id;
            snprintf(v.article, sizeof v.article, "518.1");
            snprintf(v.state, sizeof v.state, "open");
            snprintf(v.region, sizeof v.region, "%s", x->region);
            char facts[512];
            snprintf(facts, sizeof facts,
                     "{\"reason\":\"missing\",\"entry_crossing\":%" PRId64 ",\"entry_date\":\"%s\","
                     "\"deadline\":\"%s\",\"offence_date\":\"%s\",\"days_late\":%d,\"detected_on\":\"%s\","
                     "\"host\":null}",
                     x->crossing_id, qn_date_format(x->day, d1), qn_date_format(deadline, d2),
                     qn_date_format(deadline + 1, d3), (int)(r->on - deadline),
                     qn_date_format(r->on, (char[QN_DATE_STRLEN]){0}));
            v.facts = facts;
            v.created_at = ctx->now;
            char key[64];
            snprintf(key, sizeof key, "art518m:%" PRId64, x->crossing_id);
            bool created = false;
            rc = qn_store_violation_create_once(conn, &v, key, &created, e);
            if (rc == QN_OK)
                (*(created ? &r->missing_created : &r->missing_known))++;
        }
        size_t got = l.count;
        qn_store_ctl_entry_list_free(&l);
        if (rc != QN_OK)
            return rc;
        if (got < DETECT_PAGE)
            return QN_OK;
    }
}

/* Closes missing cases whose notification has since arrived (late). */
static qn_code supersede_missing(qn_store_conn *conn, qn_detect_report *r, qn_err *e)
{
    int64_t ids[DETECT_PAGE];
    for (;;) {
        size_t n = 0;
        qn_code rc = qn_store_ctl_superseded_missing(conn, qn_regime_self_registration_start(), ids,
                                                     DETECT_PAGE, &n, e);
        for (size_t i = 0; rc == QN_OK && i < n; i++) {
            qn_store_violation v;
            rc = qn_store_begin(conn, e);
            if (rc == QN_OK)
                rc = qn_store_violation_get(conn, ids[i], &v, e);
            if (rc == QN_OK) {
                rc = qn_store_violation_set_state(conn, ids[i], "closed", v.fine_mci, v.fine_amount, e);
                qn_store_violation_clear(&v);
            }
            char ref[QN_STORE_NUMBER_MAX + 1];
            snprintf(ref, sizeof ref, "%" PRId64, ids[i]);
            if (rc == QN_OK)
                rc = qn_store_audit_append(conn, "supersede", "violation", ref, NULL, NULL, e);
            if (rc == QN_OK)
                rc = qn_store_commit(conn, e);
            else
                qn_store_rollback(conn);
            if (rc == QN_OK)
                r->superseded++;
        }
        if (rc != QN_OK || n < DETECT_PAGE)
            return rc;
    }
}

/* The overstay of the trip opened by entry x, recorded when there is one. */
static qn_code overstay_of(qn_svc_ctx *ctx, qn_store_conn *conn, const qn_store_ctl_entry *x,
                           qn_detect_report *r, qn_err *e)
{
    qn_ctl_history h;
    qn_code rc = qn_ctl_history_load(conn, x->person_id, false, &h, e);
    long k = -1;
    for (size_t i = 0; rc == QN_OK && i < h.n_trips; i++)
        if (h.trip_crossing[i] == x->crossing_id)
            k = (long)i;
    if (rc != QN_OK || k < 0) {
        qn_ctl_history_free(&h);
        return rc;
    }
    r->entries_checked++;
    qn_date_t exit_day = h.trips[k].exit;
    bool present = exit_day == QN_DATE_NONE || exit_day > r->on;
    qn_date_t as_of = present ? r->on : exit_day;
    qn_exit_input in;
    qn_stay_period ev;
    qn_exit_result res;
    qn_err local;
    qn_err_clear(&local);
    if (!qn_ctl_history_input(&h, as_of, k, &ev, &in) || qn_exit_check(&in, NULL, &res, &local) != QN_OK ||
        res.overstay_days <= 0 || res.last_lawful_day == QN_DATE_NONE) {
        qn_ctl_history_free(&h); /* lawful, or the history cannot be judged */
        return QN_OK;
    }
    qn_violation_facts f = {.kind = QN_VIOL_OVERSTAY,
                            .offence_date = res.last_lawful_day + 1,
                            .host_kind = QN_HOST_INDIVIDUAL,
                            .overstay_days = res.overstay_days};
    qn_sanction s;
    memset(&s, 0, sizeof s);
    if (qn_violation_assess(&f, &s, &local) != QN_OK) {
        qn_ctl_history_free(&h);
        return QN_OK;
    }
    char d1[QN_DATE_STRLEN], d2[QN_DATE_STRLEN], d3[QN_DATE_STRLEN], d4[QN_DATE_STRLEN], d5[QN_DATE_STRLEN];
    json_t *facts = json_pack(
        "{s:s, s:I, s:s, s:o, s:b, s:s, s:s, s:i, s:s, s:s, s:i, s:I, s:b, s:b, s:s, s:s, s:s}", "reason",
        "overstay", "entry_crossing", (json_int_t)x->crossing_id, "entry_date", qn_date_format(x->day, d1),
        "exit_date", present ? json_null() : json_string(qn_date_format(exit_day, d2)), "still_present",
        present, "last_lawful_day", qn_date_format(res.last_lawful_day, d3), "offence_date",
        qn_date_format(res.last_lawful_day + 1, d4), "overstay_days", res.overstay_days, "lawful_because",
        qn_lawful_basis_name(res.lawful_because), "tier", s.code ? s.code : "", "fine_mci", s.fine_mci,
        "mci_kzt", (json_int_t)s.mci_kzt, "mci_known", s.mci_known, "confirmed", s.confirmed, "sanction",
        qn_sanction_kind_name(s.sanction), "citizenship", h.rec.person.citizenship, "assessed_on",
        qn_date_format(as_of, d5));
    qn_ctl_history_free(&h);
    char *text = facts ? json_dumps(facts, JSON_COMPACT) : NULL;
    json_decref(facts);
    if (!text)
        return qn_err_set(e, QN_E_NOMEM, "out of memory");
    qn_store_violation v;
    memset(&v, 0, sizeof v);
    snprintf(v.kind, sizeof v.kind, "art517");
    v.subject_person_id = x->person_id;
    snprintf(v.article, sizeof v.article, "517.%d", s.part);
    snprintf(v.state, sizeof v.state, "open");
    snprintf(v.region, sizeof v.region, "%s", x->region);
    v.fine_mci = s.fine_mci;
    v.fine_amount = s.amount_kzt;
    v.facts = text;
    v.created_at = ctx->now;
    char key[64];
    snprintf(key, sizeof key, "art517:%" PRId64, x->crossing_id);
    bool created = false;
    rc = qn_store_violation_create_once(conn, &v, key, &created, e);
    /* A case on record is re-assessed while it is open: the days of a
     * traveller still present grow, and with them the tier and the fine. */
    bool updated = false;
    if (rc == QN_OK && !created)
        rc = qn_store_violation_refresh(conn, key, v.article, text, v.fine_mci, v.fine_amount, ctx->now,
                                        &updated, e);
    free(text);
    if (rc == QN_OK)
        (*(created ? &r->overstay_created : &r->overstay_known))++;
    if (rc == QN_OK && updated)
        r->overstay_updated++;
    return rc;
}

static qn_code detect_overstay(qn_svc_ctx *ctx, qn_store_conn *conn, qn_detect_report *r, qn_err *e)
{
    int64_t after = 0;
    for (;;) {
        qn_store_ctl_entry_list l = {0};
        qn_code rc = qn_store_ctl_entries(conn, r->from, r->on, after, DETECT_PAGE, &l, e);
        if (rc != QN_OK)
            return rc;
        for (size_t i = 0; rc == QN_OK && i < l.count; i++) {
            after = l.items[i].crossing_id;
            rc = overstay_of(ctx, conn, &l.items[i], r, e);
        }
        size_t got = l.count;
        qn_store_ctl_entry_list_free(&l);
        if (rc != QN_OK)
            return rc;
        if (got < DETECT_PAGE)
            return QN_OK;
    }
}

qn_code qn_svc_violations_detect(qn_svc_ctx *ctx, qn_date_t on, qn_detect_report *out, qn_err *e)
{
    memset(out, 0, sizeof *out);
    if (!may_detect(ctx->who))
        return qn_err_set(e, QN_E_FORBIDDEN, "only an administrator or the system runs detection; you are %s",
                          qn_role_name(ctx->who->role));
    qn_date_t today = qn_svc_today(ctx);
    out->on = on != QN_DATE_NONE ? on : today;
    if (out->on > today)
        return qn_err_field(e, "on", "is in the future");
    qn_date_t start;
    qn_date_from_ymd(2020, 1, 11, &start); /* host notification at each entry, seed 001 */
    out->from = out->on - DETECT_WINDOW_DAYS > start ? out->on - DETECT_WINDOW_DAYS : start;
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc == QN_OK)
        rc = detect_missing(ctx, c.conn, out, e);
    if (rc == QN_OK)
        rc = supersede_missing(c.conn, out, e);
    if (rc == QN_OK)
        rc = detect_overstay(ctx, c.conn, out, e);
    if (rc == QN_OK) {
        char id[QN_STORE_NUMBER_MAX + 1];
        snprintf(id, sizeof id, "%s", qn_date_format(out->on, (char[QN_DATE_STRLEN]){0}));
        rc = qn_store_audit_append(c.conn, "detect", "violations", id, NULL, NULL, e);
    }
    qn_svc_release(ctx, &c);
    return rc;
}

/* ------------------------------------------------------------ the officer */

static qn_code must_be_officer(const qn_svc_ctx *ctx, qn_err *e)
{
    if (ctx->who->role != QN_ROLE_OFFICER)
        return qn_err_set(e, QN_E_FORBIDDEN, "only an officer sees and decides violations; you are %s",
                          qn_role_name(ctx->who->role));
    return QN_OK;
}

qn_code qn_svc_violation_list(qn_svc_ctx *ctx, const char *state, const char *article, int64_t offset,
                              int64_t limit, qn_store_violation_list *out, qn_err *e)
{
    memset(out, 0, sizeof *out);
    qn_code rc = must_be_officer(ctx, e);
    if (rc != QN_OK)
        return rc;
    qn_store_violation_filter f;
    memset(&f, 0, sizeof f);
    qn_vcase_state st;
    if (state && state[0] && !qn_vcase_state_parse(state, strlen(state), &st))
        qn_err_field(e, "state", "must be open, fined or closed");
    if (article && article[0] && strcmp(article, "517") != 0 && strcmp(article, "518") != 0)
        qn_err_field(e, "article", "must be 517 or 518");
    if (e && e->code != QN_OK)
        return e->code;
    snprintf(f.region, sizeof f.region, "%s", ctx->who->region);
    snprintf(f.state, sizeof f.state, "%s", state ? state : "");
    snprintf(f.kind, sizeof f.kind, "%s%s", article && article[0] ? "art" : "", article ? article : "");
    f.offset = offset;
    f.limit = limit;
    if (!f.region[0])
        return qn_err_set(e, QN_E_FORBIDDEN, "your account has no region");
    qn_svc_conn c = {0};
    rc = qn_svc_acquire(ctx, &c, e);
    if (rc == QN_OK)
        rc = qn_store_violation_find(c.conn, &f, out, e);
    qn_svc_release(ctx, &c);
    return rc;
}

static qn_date_t fact_date(const json_t *facts, const char *key)
{
    const char *s = json_string_value(json_object_get(facts, key));
    qn_date_t d = QN_DATE_NONE;
    if (!s || !qn_date_parse_cstr(s, &d, NULL))
        return QN_DATE_NONE;
    return d;
}

/* Assesses the sanction from the violation's facts (is_repeat: the officer
 * found the same offence within a year after a sanction, CAO art. 518 part
 * 3). *assessable false when the host's kind is needed and unknown
 * (nothing else is set). */
static qn_code assess(qn_store_conn *conn, const qn_store_violation *v, const char *host_kind, bool is_repeat,
                      bool *assessable, qn_violation_facts *f, qn_sanction *s, qn_err *e)
{
    *assessable = false;
    json_t *facts = json_loads(v->facts ? v->facts : "{}", 0, NULL);
    memset(f, 0, sizeof *f);
    f->is_repeat = is_repeat;
    qn_code rc = QN_OK;
    if (strcmp(v->kind, "art517") == 0) {
        f->kind = QN_VIOL_OVERSTAY;
        f->overstay_days = (int)json_integer_value(json_object_get(facts, "overstay_days"));
        f->offence_date = fact_date(facts, "offence_date");
    } else {
        f->kind = QN_VIOL_HOST_NOTIFICATION;
        f->offence_date = fact_date(facts, "offence_date");
        qn_date_t deadline = fact_date(facts, "deadline");
        if (f->offence_date == QN_DATE_NONE && deadline != QN_DATE_NONE)
            f->offence_date = deadline + 1;
        f->days_late = (int)json_integer_value(json_object_get(facts, "days_late"));
        qn_date_t notified = fact_date(facts, "notified_on");
        if (f->days_late <= 0 && notified != QN_DATE_NONE && deadline != QN_DATE_NONE)
            f->days_late = (int)(notified - deadline);
        if (f->days_late <= 0)
            f->days_late = 1;
        const char *recorded = json_string_value(json_object_get(facts, "host_kind"));
        if (host_kind) {
            if (!qn_host_kind_parse(host_kind, strlen(host_kind), &f->host_kind))
                rc = qn_err_field(
                    e, "host_kind",
                    "must be individual, official, small_business, npo, medium_business or large_business");
        } else if (recorded && qn_host_kind_parse(recorded, strlen(recorded), &f->host_kind)) {
            /* decided before (fined, then closed): the kind it was fined as */
        } else if (v->subject_account_id > 0) {
            qn_store_account a;
            rc = qn_store_account_get(conn, v->subject_account_id, &a, e);
            if (rc == QN_OK)
                f->host_kind =
                    strcmp(a.host_kind, "individual") == 0 ? QN_HOST_INDIVIDUAL : QN_HOST_SMALL_BUSINESS;
        } else {
            json_decref(facts);
            return QN_OK; /* host unknown */
        }
    }
    json_decref(facts);
    if (rc != QN_OK)
        return rc;
    rc = qn_violation_assess(f, s, e);
    if (rc == QN_OK)
        *assessable = true;
    return rc;
}

/* The facts of v with what the decision assessed added under "decision". */
static char *facts_with_decision(const qn_store_violation *v, const qn_violation_facts *f,
                                 const qn_sanction *s, qn_vcase_event ev, qn_date_t today)
{
    json_t *facts = json_loads(v->facts ? v->facts : "{}", 0, NULL);
    if (!json_is_object(facts)) {
        json_decref(facts);
        facts = json_object();
    }
    char d[QN_DATE_STRLEN];
    json_t *dec = json_pack("{s:s, s:s, s:b, s:s, s:i, s:i, s:s, s:i, s:I, s:b, s:I, s:b}", "event",
                            qn_vcase_event_name(ev), "on", qn_date_format(today, d), "is_repeat",
                            f->is_repeat, "tier", s->code ? s->code : "", "article", s->article, "part",
                            s->part, "sanction", qn_sanction_kind_name(s->sanction), "fine_mci", s->fine_mci,
                            "mci_kzt", (json_int_t)s->mci_kzt, "mci_known", s->mci_known, "amount_kzt",
                            (json_int_t)s->amount_kzt, "confirmed", s->confirmed);
    if (f->kind == QN_VIOL_HOST_NOTIFICATION)
        json_object_set_new(dec, "host_kind", json_string(qn_host_kind_name(f->host_kind)));
    json_object_set_new(facts, "decision", dec);
    if (f->kind == QN_VIOL_HOST_NOTIFICATION)
        json_object_set_new(facts, "host_kind", json_string(qn_host_kind_name(f->host_kind)));
    char *text = json_dumps(facts, JSON_COMPACT);
    json_decref(facts);
    return text;
}

static qn_code decide(qn_svc_ctx *ctx, int64_t id, qn_vcase_event ev, const char *host_kind, bool is_repeat,
                      qn_violation_decision *out, qn_err *e)
{
    memset(out, 0, sizeof *out);
    qn_code rc = must_be_officer(ctx, e);
    if (rc != QN_OK)
        return rc;
    qn_svc_conn c = {0};
    rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    rc = qn_store_begin(c.conn, e);
    qn_err miss;
    qn_err_clear(&miss);
    if (rc == QN_OK) {
        rc = qn_store_violation_get(c.conn, id, &out->v, &miss);
        if (rc == QN_OK && strcmp(out->v.region, ctx->who->region) != 0)
            rc = QN_E_NOT_FOUND;
        if (rc == QN_E_NOT_FOUND)
            qn_err_set(e, QN_E_NOT_FOUND, "no violation %" PRId64 " in your region", id);
        else if (rc != QN_OK && e)
            *e = miss;
    }
    /* A senior officer (marked by the administrator) acts as one: the case
     * machine lets only them annul (violation.h). */
    bool senior = false;
    if (rc == QN_OK)
        rc = qn_store_senior_get(c.conn, ctx->who->account_id, &senior, e);
    qn_actor_role role = senior ? QN_ACTOR_SENIOR_OFFICER : QN_ACTOR_OFFICER;
    bool assessable = false;
    qn_violation_facts f;
    if (rc == QN_OK)
        rc = assess(c.conn, &out->v, host_kind, is_repeat, &assessable, &f, &out->sanction, e);
    if (rc == QN_OK && !assessable && ev == QN_VCASE_EV_FINE)
        rc = qn_err_field(e, "host_kind", "is required: the host of a missing notification is not on record");
    out->has_sanction = assessable;
    qn_vcase_state from = QN_VCASE_OPEN, to = QN_VCASE_OPEN;
    qn_vcase_close_reason why = QN_VCLOSE_NONE;
    if (rc == QN_OK && !qn_vcase_state_parse(out->v.state, strlen(out->v.state), &from))
        rc = qn_err_set(e, QN_E_INTERNAL, "violation %" PRId64 " has an unknown state", id);
    if (rc == QN_OK) {
        bool check = assessable && (ev == QN_VCASE_EV_FINE || ev == QN_VCASE_EV_WARN);
        rc = qn_vcase_transition(from, ev, role, check ? &out->sanction : NULL, &to, &why, e);
    }
    /* A fine is an amount in tenge: without the MCI of the offence date it
     * cannot be imposed (the table ends with the last budget law in our
     * sources; kz_rules.md §2.5 gives none for 2027). Never 0 tenge. */
    if (rc == QN_OK && ev == QN_VCASE_EV_FINE && out->sanction.sanction == QN_SANCTION_FINE &&
        !out->sanction.mci_known) {
        size_t n = 0;
        const qn_mci_row *t = qn_mci_table(&n);
        char d1[QN_DATE_STRLEN], d2[QN_DATE_STRLEN];
        rc = qn_err_set(
            e, QN_E_CONFLICT,
            "the monthly calculation index (MCI) in force on %s is not known (the table covers up "
            "to %s): the fine of %d MCI cannot be converted to tenge until the budget law's value "
            "is added",
            qn_date_format(f.offence_date, d1), qn_date_format(t[n - 1].to, d2), out->sanction.fine_mci);
        qn_err_sub(e, "mci_unknown");
    }
    if (rc == QN_OK) {
        int32_t mci = out->v.fine_mci;
        int64_t amount = out->v.fine_amount;
        char article[QN_STORE_CODE_MAX + 1];
        snprintf(article, sizeof article, "%s", out->v.article);
        char *facts = NULL;
        if (ev == QN_VCASE_EV_FINE || ev == QN_VCASE_EV_WARN) {
            mci = ev == QN_VCASE_EV_FINE ? (int32_t)out->sanction.fine_mci : 0;
            amount = ev == QN_VCASE_EV_FINE ? out->sanction.amount_kzt : 0;
            if (assessable) {
                snprintf(article, sizeof article, "%d.%d", out->sanction.article, out->sanction.part);
                facts = facts_with_decision(&out->v, &f, &out->sanction, ev, qn_svc_today(ctx));
                if (!facts)
                    rc = qn_err_set(e, QN_E_NOMEM, "out of memory");
            }
        }
        if (rc == QN_OK)
            rc = qn_store_violation_decide(c.conn, id, qn_vcase_state_name(to), article, mci, amount, facts,
                                           ctx->now, e);
        if (rc == QN_OK) {
            char ref[QN_STORE_NUMBER_MAX + 1];
            snprintf(ref, sizeof ref, "%" PRId64, id);
            rc = qn_store_audit_append(c.conn, qn_vcase_event_name(ev), "violation", ref, NULL, NULL, e);
        }
        if (rc == QN_OK)
            rc = qn_store_commit(c.conn, e);
        if (rc == QN_OK) {
            snprintf(out->v.state, sizeof out->v.state, "%s", qn_vcase_state_name(to));
            snprintf(out->v.article, sizeof out->v.article, "%s", article);
            out->v.fine_mci = mci;
            out->v.fine_amount = amount;
            if (facts) {
                free(out->v.facts);
                out->v.facts = facts;
                facts = NULL;
            }
            if (why != QN_VCLOSE_NONE)
                snprintf(out->close_reason, sizeof out->close_reason, "%s", qn_vcase_close_reason_name(why));
        }
        free(facts);
    }
    qn_svc_release(ctx, &c);
    if (rc != QN_OK)
        qn_store_violation_clear(&out->v);
    return rc;
}

qn_code qn_svc_violation_fine(qn_svc_ctx *ctx, int64_t id, const char *host_kind, bool is_repeat,
                              qn_violation_decision *out, qn_err *e)
{
    return decide(ctx, id, QN_VCASE_EV_FINE, host_kind, is_repeat, out, e);
}

qn_code qn_svc_violation_close(qn_svc_ctx *ctx, int64_t id, const char *reason, const char *host_kind,
                               bool is_repeat, qn_violation_decision *out, qn_err *e)
{
    memset(out, 0, sizeof *out);
    qn_vcase_event ev;
    if (!reason)
        return qn_err_field(e, "reason", "is required: warning, dismissed, paid or annulled");
    if (strcmp(reason, "warning") == 0)
        ev = QN_VCASE_EV_WARN;
    else if (strcmp(reason, "dismissed") == 0)
        ev = QN_VCASE_EV_DISMISS;
    else if (strcmp(reason, "paid") == 0)
        ev = QN_VCASE_EV_PAY;
    else if (strcmp(reason, "annulled") == 0)
        ev = QN_VCASE_EV_ANNUL;
    else
        return qn_err_field(e, "reason", "must be warning, dismissed, paid or annulled");
    return decide(ctx, id, ev, host_kind, is_repeat, out, e);
}

void qn_svc_violation_info(const qn_store_violation *v, qn_violation_info *out)
{
    memset(out, 0, sizeof *out);
    json_t *facts = json_loads(v->facts ? v->facts : "{}", 0, NULL);
    const json_t *dec = json_object_get(facts, "decision");
    qn_date_t offence = fact_date(facts, "offence_date");
    if (offence == QN_DATE_NONE && fact_date(facts, "deadline") != QN_DATE_NONE)
        offence = fact_date(facts, "deadline") + 1;
    out->offence_date = offence;
    out->mci_known = offence != QN_DATE_NONE && qn_mci_on(offence, &out->mci_kzt);
    /* confirmed: as decided, else as detected, else the model of the tier:
     * art. 518 part 1 is confirmed for every kind of host (kz_rules.md §2.4);
     * an overstay's tier by its days. */
    const json_t *c =
        json_is_object(dec) ? json_object_get(dec, "confirmed") : json_object_get(facts, "confirmed");
    if (json_is_boolean(c)) {
        out->confirmed = json_is_true(c);
    } else if (strcmp(v->kind, "art517") == 0) {
        qn_violation_facts f = {.kind = QN_VIOL_OVERSTAY,
                                .offence_date = offence,
                                .overstay_days =
                                    (int)json_integer_value(json_object_get(facts, "overstay_days"))};
        qn_sanction s;
        out->confirmed = qn_violation_assess(&f, &s, NULL) == QN_OK && s.confirmed;
    } else {
        out->confirmed = true;
    }
    json_decref(facts);
}
qn_code qn_svc_violation_stats(qn_svc_ctx *ctx, qn_store_violation_count_list *out, qn_err *e)
{
    memset(out, 0, sizeof *out);
    if (ctx->who->role != QN_ROLE_ANALYST && ctx->who->role != QN_ROLE_ADMIN)
        return qn_err_set(e, QN_E_FORBIDDEN, "violation counts are for analysts; you are %s",
                          qn_role_name(ctx->who->role));
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc == QN_OK)
        rc = qn_store_violation_counts(c.conn, out, e);
    qn_svc_release(ctx, &c);
    return rc;
}
