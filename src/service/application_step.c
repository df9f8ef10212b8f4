/* application_step.c — every change of state of an application, its
 * deadline, the automatic check and the entry in the population register.
 *
 * One function, qn_app_step, makes every change: it asks the core
 * (qn_app_transition) whether the event is legal for the actor, checks the
 * decision's fields, writes the new state, deadline and decision with the
 * version read (stale: 409), appends the event to app_events, sends the
 * notice to the applicant's History of Services and audits it. Callers run
 * it inside the one transaction of their service call.
 *
 * Deadlines run from the moment a state is entered (ctx->now, the clock of
 * the call: tests move it) for the term the core gives
 * (qn_app_processing_term, docs/workflow.md), counted in working days by
 * the Kazakh calendar.
 *
 * Assignment. An officer who takes a case, or decides it, is recorded as
 * its officer (officer_account_id); an overturned appeal sends the case back
 * for a fresh examination and clears the assignment (the next officer who
 * acts on it is assigned). See application_view.c for who may act.
 */
#include "service/application_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"

static qn_date_t add_wd(void *user, qn_date_t from, int n)
{
    (void)user;
    return qn_calendar_add_working_days(from, n);
}

bool qn_svc_app_overdue(const qn_svc_ctx *ctx, const qn_store_application *a)
{
    qn_app_state st;
    if (!qn_app_state_parse(a->state, strlen(a->state), &st) || a->deadline_at == 0)
        return false;
    return qn_app_is_overdue(st, a->deadline_at, ctx->now);
}

qn_code qn_app_notice_to(qn_store_conn *conn, int64_t account_id, const qn_store_application *a,
                         const qn_app_notice *n, const char *extra, qn_err *e)
{
    if (account_id <= 0)
        return QN_OK;
    json_t *b = json_pack("{s:s, s:s, s:s, s:s, s:s}", "application", a->number, "kind", a->kind, "state",
                          a->state, "notice", qn_notice_kind_name(n->kind), "text_key", n->text_key);
    if (extra) {
        json_t *x = json_loads(extra, 0, NULL);
        if (x)
            json_object_set_new(b, "decision", x);
    }
    char *body = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    if (body == NULL)
        return qn_err_set(e, QN_E_NOMEM, "out of memory");
    qn_store_notice note;
    memset(&note, 0, sizeof note);
    note.account_id = account_id;
    snprintf(note.kind, sizeof note.kind, "application.%s", qn_notice_kind_name(n->kind));
    snprintf(note.ref, sizeof note.ref, "%s", a->number);
    note.body = body;
    qn_code rc = qn_store_notice_add(conn, &note, e);
    free(body);
    return rc;
}

static bool is_decision(qn_app_state to)
{
    return to == QN_APP_REGISTERED || to == QN_APP_GRANTED || to == QN_APP_REFUSED || to == QN_APP_DECLINED ||
           to == QN_APP_UPHELD || to == QN_APP_WITHDRAWN || to == QN_APP_EXPIRED;
}

qn_code qn_app_step(qn_svc_ctx *ctx, qn_store_conn *conn, qn_store_application *a, qn_app_event ev,
                    qn_actor_role role, const qn_app_decision *dec, const char *reasons, int64_t notify_also,
                    qn_err *e)
{
    qn_app_kind kind;
    qn_app_state from, to;
    if (!qn_app_kind_parse(a->kind, strlen(a->kind), &kind) ||
        !qn_app_state_parse(a->state, strlen(a->state), &from))
        return qn_err_set(e, QN_E_INTERNAL, "application %s has an unknown kind or state", a->number);
    qn_app_notice notice;
    qn_code rc = qn_app_transition(kind, from, ev, role, &to, &notice, e);
    if (rc != QN_OK)
        return rc;
    if (dec) {
        rc = qn_app_decision_check(kind, ev, dec, e);
        if (rc != QN_OK)
            return rc;
    }
    snprintf(a->state, sizeof a->state, "%s", qn_app_state_name(to));
    qn_app_term term = qn_app_processing_term(kind, to);
    a->deadline_at = 0;
    if (term.unit != QN_TERM_NONE) {
        int64_t dl = 0;
        if (qn_app_deadline(term, ctx->now, add_wd, NULL, &dl, NULL) == QN_OK)
            a->deadline_at = dl;
    }
    if (is_decision(to))
        snprintf(a->decision, sizeof a->decision, "%s", qn_app_state_name(to));
    if (to == QN_APP_IN_REVIEW)
        a->decision[0] = '\0';
    if (reasons) {
        free(a->reasons);
        a->reasons = strdup(reasons);
        if (a->reasons == NULL)
            return qn_err_set(e, QN_E_NOMEM, "out of memory");
    }
    if (ev == QN_APP_EV_APPEAL) {
        snprintf(a->appeal_state, sizeof a->appeal_state, "filed");
        free(a->appeal_text);
        a->appeal_text = strdup(dec && dec->text ? dec->text : "");
        if (a->appeal_text == NULL)
            return qn_err_set(e, QN_E_NOMEM, "out of memory");
        a->appeal_at = ctx->now;
    } else if (ev == QN_APP_EV_UPHOLD) {
        snprintf(a->appeal_state, sizeof a->appeal_state, "upheld");
    } else if (ev == QN_APP_EV_OVERTURN) {
        snprintf(a->appeal_state, sizeof a->appeal_state, "rejected"); /* the refusal is rejected */
        a->officer_account_id = 0; /* examined anew: the next officer who acts takes it */
    }
    if ((ev == QN_APP_EV_TAKE || ev == QN_APP_EV_REGISTER || ev == QN_APP_EV_REFUSE ||
         ev == QN_APP_EV_GRANT) &&
        (role == QN_ACTOR_OFFICER || role == QN_ACTOR_SENIOR_OFFICER))
        a->officer_account_id = ctx->who->account_id;
    rc = qn_store_application_update(conn, a, e);
    if (rc != QN_OK)
        return rc;
    qn_store_app_event rec;
    memset(&rec, 0, sizeof rec);
    rec.application_id = a->id;
    snprintf(rec.event, sizeof rec.event, "%s", qn_app_event_name(ev));
    snprintf(rec.from_state, sizeof rec.from_state, "%s", qn_app_state_name(from));
    snprintf(rec.to_state, sizeof rec.to_state, "%s", qn_app_state_name(to));
    rec.actor_account_id = role == QN_ACTOR_SYSTEM ? 0 : ctx->who->account_id;
    snprintf(rec.actor_role, sizeof rec.actor_role, "%s", qn_actor_role_name(role));
    if (dec && dec->text)
        snprintf(rec.text, sizeof rec.text, "%.*s", (int)(sizeof rec.text - 1), dec->text);
    rec.at = ctx->now;
    rc = qn_store_app_event_add(conn, &rec, e);
    if (rc == QN_OK)
        rc = qn_app_notice_to(conn, a->applicant_account_id, a, &notice, reasons, e);
    if (rc == QN_OK && notify_also != a->applicant_account_id)
        rc = qn_app_notice_to(conn, notify_also, a, &notice, reasons, e);
    if (rc == QN_OK)
        rc = qn_store_audit_append(conn, qn_app_event_name(ev), "application", a->number, NULL, NULL, e);
    return rc;
}

qn_code qn_app_record_residence(qn_store_conn *conn, const qn_store_application *a, const qn_app_case *c,
                                qn_err *e)
{
    const qn_app_kind_ops *ops = qn_app_ops_of(c->kind);
    qn_store_residence r;
    memset(&r, 0, sizeof r);
    snprintf(r.person_key, sizeof r.person_key, "%s", c->person_key);
    snprintf(r.address_code, sizeof r.address_code, "%s", c->address_code);
    /* The kind the application asked for (a permanent resident may apply for
     * a temporary registration, seed 003), else the service's. */
    snprintf(r.kind, sizeof r.kind, "%s",
             c->residence_kind[0] ? c->residence_kind : (ops ? ops->residence_kind : "temporary"));
    r.valid_from = c->from;
    r.valid_to = c->to;
    r.application_id = a->id;
    return qn_store_residence_add(conn, &r, e);
}

qn_code qn_app_run_automatic(qn_svc_ctx *ctx, qn_store_conn *conn, qn_store_application *a,
                             const qn_app_case *c, qn_err *e)
{
    const qn_app_kind_ops *ops = qn_app_ops_of(c->kind);
    if (ops == NULL || !ops->automatic || strcmp(a->state, "submitted") != 0)
        return QN_OK;
    qn_code rc = qn_app_step(ctx, conn, a, QN_APP_EV_START_CHECK, QN_ACTOR_SYSTEM, NULL, NULL, 0, e);
    if (rc != QN_OK)
        return rc;
    qn_app_auto out;
    memset(&out, 0, sizeof out);
    const char *missing[QN_APP_MAX_MISSING], *required[QN_APP_MAX_MISSING];
    size_t n_missing = 0, n_required = 0;
    qn_app_case_missing(c, missing, &n_missing, required, &n_required);
    json_t *reasons = NULL;
    if (n_missing > 0) {
        out.event = QN_APP_EV_AUTO_FAIL;
        out.reason = QN_REASON_INCOMPLETE_DOCUMENTS;
        snprintf(out.text, sizeof out.text, "documents missing");
    } else {
        ops->auto_check(ctx, conn, c, &out);
    }
    qn_app_decision dec = {.has_reason = out.event == QN_APP_EV_AUTO_FAIL,
                           .reason = out.reason,
                           .text = out.text,
                           .valid_from = QN_DATE_NONE,
                           .valid_until = QN_DATE_NONE};
    if (out.event == QN_APP_EV_AUTO_FAIL) {
        json_t *m = json_array();
        for (size_t i = 0; i < n_missing; i++)
            json_array_append_new(m, json_string(missing[i]));
        reasons =
            json_pack("{s:s, s:s, s:s, s:o, s:[]}", "reason", qn_refusal_reason_name(out.reason), "label",
                      qn_refusal_reason_label(out.reason), "text", out.text, "missing", m, "invalid");
    } else if (out.event == QN_APP_EV_AUTO_PASS) {
        char f[QN_DATE_STRLEN], t[QN_DATE_STRLEN];
        reasons = json_pack("{s:s, s:s, s:s, s:s}", "registration_number", a->number, "address_code",
                            c->address_code, "from", qn_date_format(c->from, f), "to",
                            c->to != QN_DATE_NONE ? qn_date_format(c->to, t) : "");
    }
    char *rtext = reasons ? json_dumps(reasons, JSON_COMPACT) : NULL;
    json_decref(reasons);
    rc = qn_app_step(ctx, conn, a, out.event, QN_ACTOR_SYSTEM, &dec, rtext, 0, e);
    free(rtext);
    if (rc == QN_OK && out.event == QN_APP_EV_AUTO_PASS)
        rc = qn_app_record_residence(conn, a, c, e);
    return rc;
}

qn_code qn_app_after_consents(qn_svc_ctx *ctx, qn_store_conn *conn, qn_store_application *a, qn_err *e)
{
    qn_app_case c;
    qn_code rc = qn_app_case_of(ctx, conn, a, &c, e);
    if (rc == QN_OK)
        rc = qn_app_step(ctx, conn, a, QN_APP_EV_ALL_CONSENTS_IN, QN_ACTOR_SYSTEM, NULL, NULL, 0, e);
    if (rc == QN_OK)
        rc = qn_app_run_automatic(ctx, conn, a, &c, e);
    return rc;
}
