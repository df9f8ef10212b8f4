/* application_view.c — who sees an application, the applicant's and the
 * officer's lists, and the actions on an application (see application.h).
 *
 * Visibility: the applicant sees their applications; an officer sees those
 * of their region (the address's region); anyone else gets 404, never 403,
 * so an application's existence does not leak.
 *
 * Assignment (a decision of qonaq's, docs/services.md): a case in review
 * belongs to the officer who took it (or who decided it last); another
 * officer of the region may not register, refuse or grant it (403
 * forbidden.assigned_to_other) — a senior officer may act on any case of the
 * region. A case in review with no officer (routed by the automatic check,
 * or sent back by an overturned appeal) is open to every officer of the
 * region; the first who decides it is assigned.
 *
 * The queue is filtered and paged by the store (qn_store_application_queue,
 * on an index), so it holds any number of cases: by default the cases that
 * await the authority (submitted, auto_check, in_review, appealed), overdue
 * first; a case still waiting for the owners' consents is listed only when
 * asked for with state=awaiting_consents.
 */
#include "service/application_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

qn_code qn_app_load_visible(qn_svc_ctx *ctx, qn_store_conn *conn, int64_t id, qn_store_application *a,
                            qn_app_seer *as, bool *senior, qn_err *e)
{
    *as = QN_APP_SEE_NONE;
    *senior = false;
    if (ctx->who->role == QN_ROLE_NONE)
        return qn_err_set(e, QN_E_UNAUTHORIZED, "log in first");
    qn_err miss;
    qn_err_clear(&miss);
    qn_code rc = qn_store_application_get(conn, id, a, &miss);
    if (rc == QN_E_NOT_FOUND)
        return qn_err_set(e, QN_E_NOT_FOUND, "application %" PRId64 " not found", id);
    if (rc != QN_OK) {
        *e = miss;
        return rc;
    }
    if (a->applicant_account_id == ctx->who->account_id)
        *as = QN_APP_SEE_APPLICANT;
    else if (ctx->who->role == QN_ROLE_OFFICER && strcmp(a->region, ctx->who->region) == 0)
        *as = QN_APP_SEE_OFFICER;
    if (ctx->who->role == QN_ROLE_OFFICER)
        rc = qn_store_senior_get(conn, ctx->who->account_id, senior, e);
    if (rc == QN_OK && *as == QN_APP_SEE_NONE) {
        qn_store_application_clear(a);
        return qn_err_set(e, QN_E_NOT_FOUND, "application %" PRId64 " not found", id);
    }
    return rc;
}

static qn_code fill_view(qn_svc_ctx *ctx, qn_store_conn *conn, qn_app_view *v, qn_err *e)
{
    v->overdue = qn_svc_app_overdue(ctx, &v->app);
    qn_code rc = qn_store_app_events(conn, v->app.id, &v->events, e);
    if (rc == QN_OK)
        rc = qn_store_consents(conn, v->app.id, NULL, "", &v->consents, e);
    if (rc == QN_OK)
        rc = qn_store_app_documents(conn, v->app.id, &v->documents, e);
    if (rc == QN_OK)
        rc = qn_store_signature_list_application(conn, v->app.id, &v->signatures, e);
    qn_app_case cs;
    qn_err pe;
    qn_err_clear(&pe);
    if (rc == QN_OK && qn_app_case_of(ctx, conn, &v->app, &cs, &pe) == QN_OK)
        qn_app_case_missing(&cs, v->missing, &v->n_missing, v->required, &v->n_required);
    return rc;
}

qn_code qn_svc_app_get(qn_svc_ctx *ctx, int64_t id, qn_app_view *out, qn_err *e)
{
    qn_err_clear(e);
    memset(out, 0, sizeof *out);
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    qn_app_seer as;
    bool senior;
    rc = qn_app_load_visible(ctx, c.conn, id, &out->app, &as, &senior, e);
    if (rc == QN_OK)
        rc = fill_view(ctx, c.conn, out, e);
    qn_svc_release(ctx, &c);
    if (rc != QN_OK)
        qn_app_view_free(out);
    return rc;
}

void qn_app_view_free(qn_app_view *v)
{
    if (v == NULL)
        return;
    qn_store_application_clear(&v->app);
    qn_store_app_event_list_free(&v->events);
    qn_store_consent_list_free(&v->consents);
    qn_store_app_document_list_free(&v->documents);
    qn_store_signature_list_free(&v->signatures);
}

qn_code qn_svc_app_mine(qn_svc_ctx *ctx, int64_t page, int64_t per_page, qn_store_application_list *out,
                        qn_err *e)
{
    qn_err_clear(e);
    memset(out, 0, sizeof *out);
    if (ctx->who->role == QN_ROLE_NONE)
        return qn_err_set(e, QN_E_UNAUTHORIZED, "log in first");
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    qn_store_application_filter f;
    memset(&f, 0, sizeof f);
    f.applicant_account_id = ctx->who->account_id;
    f.offset = (page - 1) * per_page;
    f.limit = per_page;
    rc = qn_store_application_search(c.conn, &f, out, e);
    qn_svc_release(ctx, &c);
    return rc;
}

/* The states a case awaits the authority in (core: qn_app_state_is_pending). */
static const char *const pending_states[] = {"submitted", "auto_check", "in_review", "appealed"};

qn_code qn_svc_app_queue(qn_svc_ctx *ctx, const qn_app_queue_query *q, qn_store_application_list *out,
                         qn_err *e)
{
    qn_err_clear(e);
    memset(out, 0, sizeof *out);
    if (ctx->who->role == QN_ROLE_NONE)
        return qn_err_set(e, QN_E_UNAUTHORIZED, "log in first");
    if (ctx->who->role != QN_ROLE_OFFICER)
        return qn_err_set(e, QN_E_FORBIDDEN, "only officers have a queue");
    qn_app_state st;
    qn_app_kind kd;
    if (q->state && !qn_app_state_parse(q->state, strlen(q->state), &st))
        return qn_err_field(e, "state", "is not a state of an application");
    if (q->kind && !qn_app_kind_parse(q->kind, strlen(q->kind), &kd))
        return qn_err_field(e, "kind", "is not a kind of application");
    if (q->page < 1 || q->per_page < 1 || q->per_page > 1000)
        return qn_err_field(e, "per_page", "must be 1 to 1000 (page from 1)");
    qn_store_app_queue_filter f;
    memset(&f, 0, sizeof f);
    snprintf(f.region, sizeof f.region, "%s", ctx->who->region);
    if (q->kind)
        snprintf(f.kind, sizeof f.kind, "%s", q->kind);
    if (q->state) {
        /* Only a pending case can be overdue (core: qn_app_is_overdue). */
        if (q->overdue_only && !qn_app_state_is_pending(st))
            return QN_OK;
        f.states[f.n_states++] = q->state;
    } else {
        for (size_t i = 0; i < sizeof pending_states / sizeof pending_states[0]; i++)
            f.states[f.n_states++] = pending_states[i];
    }
    if (q->overdue_only)
        f.overdue_at = ctx->now;
    f.offset = (q->page - 1) * q->per_page;
    f.limit = q->per_page;
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc == QN_OK)
        rc = qn_store_application_queue(c.conn, &f, out, e);
    qn_svc_release(ctx, &c);
    return rc;
}

/* --------------------------------------------------------------- actions */

/* The refusal's reasons for act (a JSON text, malloc'd), with exactly the
 * missing documents when the reason is incomplete_documents. */
static qn_code refusal_reasons(const qn_app_action *act, const char *const *missing, size_t n_missing,
                               char **out, qn_err *e)
{
    json_t *m = json_array(), *inv = json_array();
    bool incomplete = act->has_reason && act->reason == QN_REASON_INCOMPLETE_DOCUMENTS;
    if (incomplete)
        for (size_t i = 0; i < n_missing; i++)
            json_array_append_new(m, json_string(missing[i]));
    for (size_t i = 0; i < act->n_invalid; i++)
        json_array_append_new(inv, json_string(act->invalid[i]));
    qn_code rc = QN_OK;
    if (incomplete && json_array_size(m) == 0 && json_array_size(inv) == 0)
        rc = qn_err_field(e, "invalid",
                          "no document is missing: name the invalid documents to refuse as incomplete");
    json_t *r = json_pack("{s:s, s:s, s:s, s:o, s:o}", "reason",
                          act->has_reason ? qn_refusal_reason_name(act->reason) : "", "label",
                          act->has_reason ? qn_refusal_reason_label(act->reason) : "", "text",
                          act->text ? act->text : "", "missing", m, "invalid", inv);
    *out = json_dumps(r, JSON_COMPACT);
    json_decref(r);
    return rc;
}

/* The assignment rule of the file comment. */
static qn_code check_assignment(const qn_svc_ctx *ctx, const qn_store_application *a,
                                const qn_app_action *act, qn_app_seer as, bool senior, qn_err *e)
{
    bool deciding =
        act->event == QN_APP_EV_REGISTER || act->event == QN_APP_EV_REFUSE || act->event == QN_APP_EV_GRANT;
    if (as != QN_APP_SEE_OFFICER || senior || !deciding || strcmp(a->state, "in_review") != 0 ||
        a->officer_account_id == 0 || a->officer_account_id == ctx->who->account_id)
        return QN_OK;
    qn_err_set(e, QN_E_FORBIDDEN,
               "application %s was taken by another officer; only that officer or a senior officer may "
               "decide it",
               a->number);
    qn_err_sub(e, "assigned_to_other");
    return QN_E_FORBIDDEN;
}

qn_code qn_svc_app_act(qn_svc_ctx *ctx, int64_t id, const qn_app_action *act, qn_err *e)
{
    qn_err_clear(e);
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    rc = qn_store_begin(c.conn, e);
    qn_store_application a;
    memset(&a, 0, sizeof a);
    qn_app_seer as = QN_APP_SEE_NONE;
    bool senior = false;
    if (rc == QN_OK)
        rc = qn_app_load_visible(ctx, c.conn, id, &a, &as, &senior, e);
    if (rc == QN_OK && act->version != 0 && act->version != a.version) {
        rc = qn_err_set(e, QN_E_CONFLICT,
                        "application %s is at version %" PRId64 ", not %" PRId64 "; reload it", a.number,
                        a.version, act->version);
        qn_err_sub(e, "stale_version");
    }
    qn_actor_role role = QN_ACTOR_APPLICANT;
    if (as == QN_APP_SEE_OFFICER)
        role = senior ? QN_ACTOR_SENIOR_OFFICER : QN_ACTOR_OFFICER;
    if (rc == QN_OK && (act->event == QN_APP_EV_UPHOLD || act->event == QN_APP_EV_OVERTURN) &&
        as == QN_APP_SEE_OFFICER && senior && a.officer_account_id == ctx->who->account_id) {
        rc = qn_err_set(e, QN_E_FORBIDDEN,
                        "a senior officer may not decide the appeal against their own refusal");
        qn_err_sub(e, "own_refusal");
    }
    if (rc == QN_OK)
        rc = check_assignment(ctx, &a, act, as, senior, e);
    qn_app_case cs;
    if (rc == QN_OK)
        rc = qn_app_case_of(ctx, c.conn, &a, &cs, e);
    const char *missing[QN_APP_MAX_MISSING], *required[QN_APP_MAX_MISSING];
    size_t n_missing = 0, n_required = 0;
    if (rc == QN_OK)
        qn_app_case_missing(&cs, missing, &n_missing, required, &n_required);
    if (rc == QN_OK && act->event == QN_APP_EV_REGISTER && n_missing > 0 &&
        strcmp(a.state, "in_review") == 0) {
        rc = qn_err_set(e, QN_E_INVALID,
                        "cannot register: %zu required document(s) missing; refuse "
                        "with reason incomplete_documents instead",
                        n_missing);
        qn_err_sub(e, "incomplete");
        for (size_t i = 0; i < n_missing; i++)
            qn_err_field(e, "documents", "'%s' is missing", missing[i]);
    }
    const qn_checklist_service *cl = qn_checklist_find(a.kind);
    for (size_t i = 0; rc == QN_OK && i < act->n_invalid; i++)
        if (cl == NULL || !qn_checklist_knows(cl, act->invalid[i]))
            rc = qn_err_field(e, "invalid", "'%s' is not a document of this service", act->invalid[i]);
    qn_app_decision dec = {.has_reason = act->has_reason,
                           .reason = act->reason,
                           .text = act->text,
                           .valid_from = QN_DATE_NONE,
                           .valid_until = QN_DATE_NONE};
    char *reasons = NULL;
    if (rc == QN_OK && act->event == QN_APP_EV_REFUSE) {
        rc = refusal_reasons(act, missing, n_missing, &reasons, e);
    } else if (rc == QN_OK && act->event == QN_APP_EV_REGISTER) {
        char f[QN_DATE_STRLEN], t[QN_DATE_STRLEN];
        json_t *r = json_pack("{s:s, s:s, s:s, s:s}", "registration_number", a.number, "address_code",
                              cs.address_code, "from", qn_date_format(cs.from, f), "to",
                              cs.to != QN_DATE_NONE ? qn_date_format(cs.to, t) : "");
        reasons = json_dumps(r, JSON_COMPACT);
        json_decref(r);
    } else if (rc == QN_OK && act->event == QN_APP_EV_GRANT) {
        /* The kind decides what a grant issues and records it (a stay
         * document) in this transaction; without a hook the step refuses. */
        const qn_app_kind_ops *kops = qn_app_ops_of(cs.kind);
        if (kops && kops->grant)
            rc = kops->grant(ctx, c.conn, &a, &cs, act, role, &dec, &reasons, e);
    }
    if (rc == QN_OK)
        rc = qn_app_step(ctx, c.conn, &a, act->event, role, &dec, reasons, 0, e);
    free(reasons);
    if (rc == QN_OK && act->event == QN_APP_EV_REGISTER)
        rc = qn_app_record_residence(c.conn, &a, &cs, e);
    if (rc == QN_OK && act->event == QN_APP_EV_WITHDRAW)
        rc = qn_store_consent_close_all(c.conn, a.id, e);
    if (rc == QN_OK)
        rc = qn_store_commit(c.conn, e);
    qn_store_application_clear(&a);
    qn_svc_release(ctx, &c);
    return rc;
}
