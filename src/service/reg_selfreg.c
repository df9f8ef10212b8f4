/* reg_selfreg.c — self-registration of immigrants (MVD Order No. 923 of
 * 17 Nov 2025, in force 2026-07-01; kz_rules.md §0, §2.6): nationals of
 * the states with a stay regime of up to 90 days register themselves
 * online no later than the 30th calendar day after the border crossing
 * (names, birth date, passport, host, address); the host confirms or
 * refuses; a change of address is registered within 5 working days, and
 * the old address is deregistered automatically.
 *
 * Document members (besides the generic ones; "address_code" is the
 * address of temporary stay, "period" the stay there — for a change of
 * address period.from is the day of the move):
 *   "registration"?: "initial" (default) | "address_change",
 *   "foreigner": {"surname", "given_names", "citizenship", "birth_date",
 *                 "document": {"number", "country", "expires"?}},
 *   "entry_date": the border crossing of the current stay,
 *   "host": {"iin_bin"} — the person providing the accommodation.
 *
 * Effective dating: the kind exists from 2026-07-01 (workflow.h
 * qn_app_kind_available_on) and applies to entries from that day under a
 * regime in its scope (selfreg.h, regime.h); earlier entries keep the
 * host's notification alone, untouched (422 "entry_date").
 *
 * At submission (after the submit step, state awaiting_host) the grounds
 * for refusal of Order 923 are checked (core/selfreg.h qn_selfreg_assess):
 * false data — the names or birth date differ from the person on record,
 * or the entry date is not the latest entry on record; a violation of the
 * permitted stay — the person's stay today (the exit check's sources and
 * rules) is overstayed. A ground found refuses at once (auto_fail, an
 * appealable refusal); otherwise the host is asked (self_registrations
 * row, notice to the host's account). The host's confirmation checks the
 * grounds again, then registers (population register; a change of address
 * ends the previous registration the day before the move). Submitting after
 * the deadline is not a ground for refusal in the sources: it goes ahead,
 * flagged is_late with days_late in the decision.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/selfreg.h"
#include "service/reg_stay.h"
#include "service/selfreg_service.h"
#include "service/signing.h"
#include "sign/sign.h"

static const char *const keys[] = {"registration", "foreigner", "entry_date", "host", NULL};

typedef struct {
    qn_selfreg_kind kind;
    qn_rs_foreigner f;
    char host[QN_STORE_IIN_LEN + 1];
} sr_doc;

static void read_doc(const json_t *doc, sr_doc *x, qn_app_case *c, qn_err *e)
{
    memset(x, 0, sizeof *x);
    const char *k = json_string_value(json_object_get(doc, "registration"));
    if (k && strcmp(k, "initial") != 0 && strcmp(k, "address_change") != 0)
        qn_err_field(e, "registration", "must be initial or address_change");
    x->kind = k && strcmp(k, "address_change") == 0 ? QN_SELFREG_ADDRESS_CHANGE : QN_SELFREG_INITIAL;
    qn_rs_parse_foreigner(doc, "foreigner", true, false, &x->f, c, e);
    qn_app_json_date(doc, "", "entry_date", true, &c->entry_date, e);
    const json_t *h = json_object_get(doc, "host");
    if (!json_is_object(h))
        qn_err_field(e, "host", "is required: {\"iin_bin\"}");
    else
        qn_app_json_str(h, "host.", "iin_bin", true, x->host, sizeof x->host, e);
}

static void parse(const json_t *doc, qn_app_case *c, qn_svc_ctx *ctx, qn_err *e)
{
    (void)ctx;
    sr_doc x;
    read_doc(doc, &x, c, e);
    qn_err ie, be;
    qn_err_clear(&ie);
    qn_err_clear(&be);
    if (x.host[0] && !qn_svc_check_iin(x.host, "host.iin_bin", &ie) &&
        !qn_svc_check_bin(x.host, "host.iin_bin", &be))
        qn_err_field(e, "host.iin_bin", "is not a valid IIN or BIN");
    if (c->entry_date != QN_DATE_NONE && c->from != QN_DATE_NONE && c->from < c->entry_date)
        qn_err_field(e, "period.from", "must not be before the entry date");
}

static const char *kind_name(qn_selfreg_kind k)
{
    return k == QN_SELFREG_ADDRESS_CHANGE ? "address_change" : "initial";
}

/* Order 923's assessment of the application as of today with the host's
 * answer so far; *p receives the person on record. */
static qn_code assess(qn_svc_ctx *ctx, qn_store_conn *conn, const qn_app_case *c, const sr_doc *x,
                      qn_host_response host, qn_store_person *p, qn_selfreg_assessment *out, qn_err *e)
{
    qn_date_t today = qn_svc_today(ctx);
    char fld[96];
    snprintf(fld, sizeof fld, "foreigner.document.number");
    qn_code rc = qn_rs_person(conn, x->f.doc_country, x->f.doc_number, fld, p, NULL, e);
    if (rc != QN_OK)
        return rc;
    qn_ctl_history h;
    rc = qn_ctl_history_load(conn, p->id, false, &h, e);
    qn_date_t entry = QN_DATE_NONE;
    for (size_t i = 0; rc == QN_OK && i < h.n_trips; i++)
        if (h.trips[i].entry <= today)
            entry = h.trips[i].entry;
    qn_stay_result st;
    qn_lawful_basis basis;
    memset(&st, 0, sizeof st);
    if (rc == QN_OK && h.n_trips > 0)
        rc = qn_ctl_history_stay(&h, today, NULL, 0, &st, &basis, e);
    qn_ctl_history_free(&h);
    if (rc != QN_OK)
        return rc;
    bool data_false = !qn_rs_same_person(&x->f, p) || strcmp(p->citizenship, x->f.citizenship) != 0 ||
                      (entry != QN_DATE_NONE && entry != c->entry_date);
    qn_selfreg_request rq = {p->citizenship, c->entry_date, x->kind,    c->from,
                             today,          host,          data_false, st.overstay_days > 0};
    qn_err ae;
    qn_err_clear(&ae);
    if (qn_selfreg_assess(&rq, out, &ae) != QN_OK) {
        static const char *const map[] = {
            "citizenship", "foreigner.citizenship", "entry",       "entry_date", "changed_on",
            "period.from", "submitted_on",          "period.from", NULL};
        qn_rs_map_errors(&ae, map, e);
        if (e && strcmp(ae.sub, "not_applicable") == 0)
            snprintf(e->message, sizeof e->message,
                     "self-registration (MVD Order 923) does not apply to this entry: %.180s", ae.message);
        return e ? e->code : QN_E_INVALID;
    }
    return QN_OK;
}

/* Refuses by the automatic check (Order 923 grounds), as the system. */
static qn_code auto_refuse(qn_svc_ctx *ctx, qn_store_conn *conn, qn_store_application *a,
                           const qn_selfreg_assessment *as, qn_err *e)
{
    const char *text = as->reason == QN_REASON_FALSE_DATA
                           ? "the data entered do not match the records (names, birth date or entry)"
                           : "the permitted stay is violated";
    qn_app_decision dec = {.has_reason = true,
                           .reason = as->reason,
                           .text = text,
                           .valid_from = QN_DATE_NONE,
                           .valid_until = QN_DATE_NONE};
    char *reasons =
        qn_rs_dump(json_pack("{s:s, s:s, s:s, s:[], s:[], s:s}", "reason", qn_refusal_reason_name(as->reason),
                             "label", qn_refusal_reason_label(as->reason), "text", text, "missing", "invalid",
                             "source", "MVD Order No. 923 of 17 Nov 2025 (kz_rules.md §2.6)"));
    if (!reasons)
        return qn_err_set(e, QN_E_NOMEM, "out of memory");
    qn_code rc = qn_app_step(ctx, conn, a, QN_APP_EV_AUTO_FAIL, QN_ACTOR_SYSTEM, &dec, reasons, 0, e);
    free(reasons);
    return rc;
}

static qn_code after_submit(qn_svc_ctx *ctx, qn_store_conn *conn, qn_store_application *a,
                            const qn_app_case *c, qn_err *e)
{
    qn_date_t today = qn_svc_today(ctx);
    if (!qn_app_kind_available_on(QN_APP_SELF_REGISTRATION, today)) {
        qn_err_set(e, QN_E_INVALID, "self-registration exists from 2026-07-01 (MVD Order No. 923)");
        return qn_err_field(e, "kind", "self_registration is not available before 2026-07-01");
    }
    json_t *doc = qn_rs_payload(a);
    sr_doc x;
    qn_app_case tmp = *c;
    read_doc(doc, &x, &tmp, NULL);
    json_decref(doc);
    qn_store_person p;
    qn_code rc = qn_rs_check_person(ctx, conn, &x.f, "foreigner", false, c, &p, e);
    if (rc != QN_OK)
        return rc;
    if (strcmp(x.host, c->applicant_iin) == 0)
        return qn_err_field(e, "host.iin_bin",
                            "is the applicant: the host is the person providing the housing");
    qn_selfreg_assessment as;
    if ((rc = assess(ctx, conn, c, &x, QN_HOST_PENDING, &p, &as, e)) != QN_OK)
        return rc;
    if (as.outcome == QN_SELFREG_REFUSE)
        return auto_refuse(ctx, conn, a, &as, e);
    /* Ask the host. */
    qn_store_selfreg r;
    memset(&r, 0, sizeof r);
    r.application_id = a->id;
    r.person_id = p.id;
    snprintf(r.kind, sizeof r.kind, "%s", kind_name(x.kind));
    snprintf(r.host_iin_bin, sizeof r.host_iin_bin, "%s", x.host);
    snprintf(r.address_code, sizeof r.address_code, "%s", c->address_code);
    snprintf(r.region, sizeof r.region, "%s", c->region);
    r.arrival_date = c->from;
    r.stay_to = c->to;
    r.deadline = as.deadline;
    char d1[QN_DATE_STRLEN], d2[QN_DATE_STRLEN];
    snprintf(r.document, sizeof r.document,
             "{\"confirmation\":\"self_registration\",\"application\":\"%s\",\"document\":\"%s %s\","
             "\"address_code\":\"%s\",\"from\":\"%s\",\"to\":\"%s\",\"host\":\"%s\"}",
             a->number, x.f.doc_country, x.f.doc_number, c->address_code, qn_date_format(c->from, d1),
             qn_date_format(c->to, d2), x.host);
    r.created_at = ctx->now;
    if ((rc = qn_store_selfreg_create(conn, &r, e)) != QN_OK)
        return rc;
    qn_store_host h;
    qn_err miss;
    qn_err_clear(&miss);
    if (qn_store_host_by_iin_bin(conn, x.host, &h, &miss) == QN_OK && h.account_id > 0)
        rc = qn_rs_notice(conn, h.account_id, a, QN_NOTICE_ACTION_REQUIRED,
                          "self_registration.confirm_requested", e);
    return rc;
}

/* ------------------------------------------------------------ the host */

qn_code qn_svc_selfreg_pending(qn_svc_ctx *ctx, qn_store_selfreg_list *out, qn_err *e)
{
    memset(out, 0, sizeof *out);
    qn_err_clear(e);
    if (ctx->who->role == QN_ROLE_NONE)
        return qn_err_set(e, QN_E_UNAUTHORIZED, "log in first");
    if (!qn_role_is_host(ctx->who->role))
        return qn_err_set(e, QN_E_FORBIDDEN, "only a host confirms self-registrations; you are %s",
                          qn_role_name(ctx->who->role));
    if (strlen(ctx->who->party_id) != 12)
        return QN_OK;
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc == QN_OK)
        rc = qn_store_selfreg_pending_host(c.conn, ctx->who->party_id, out, e);
    qn_svc_release(ctx, &c);
    return rc;
}

/* Loads the self-registration of app_id owed by the caller and its
 * application (404 otherwise). */
static qn_code load_owed(qn_svc_ctx *ctx, qn_store_conn *conn, int64_t app_id, qn_store_selfreg *r,
                         qn_store_application *a, qn_err *e)
{
    if (ctx->who->role == QN_ROLE_NONE)
        return qn_err_set(e, QN_E_UNAUTHORIZED, "log in first");
    qn_err miss;
    qn_err_clear(&miss);
    qn_code rc = qn_store_selfreg_by_application(conn, app_id, r, &miss);
    if (rc == QN_OK && (strlen(ctx->who->party_id) != 12 || strcmp(r->host_iin_bin, ctx->who->party_id) != 0))
        rc = QN_E_NOT_FOUND;
    if (rc == QN_E_NOT_FOUND)
        return qn_err_set(e, QN_E_NOT_FOUND, "no self-registration %" PRId64 " awaits you", app_id);
    if (rc != QN_OK) {
        if (e)
            *e = miss;
        return rc;
    }
    if (strcmp(r->state, "awaiting_host") != 0) {
        qn_err_set(e, QN_E_CONFLICT, "the self-registration was already %s", r->state);
        qn_err_sub(e, "already_decided");
        return QN_E_CONFLICT;
    }
    return qn_store_application_get(conn, app_id, a, e);
}

/* Verifies the host's CMS over r->document and records it; *sig_id set. */
static qn_code host_signature(qn_svc_ctx *ctx, qn_store_conn *conn, const qn_store_selfreg *r,
                              const char *sig, size_t sig_len, int64_t *sig_id, qn_err *e)
{
    if (!sig || sig_len == 0 || sig_len > QN_APP_SIG_MAX) {
        qn_err_set(e, QN_E_INVALID, "a detached CMS signature over the document is required");
        return qn_err_field(e, "signature", "is required (base64 CMS, at most %d bytes)", QN_APP_SIG_MAX);
    }
    qn_sign_result res;
    qn_sign_result_init(&res);
    qn_code rc =
        qn_svc_verify_signature(ctx, (const unsigned char *)r->document, strlen(r->document),
                                (const unsigned char *)sig, sig_len, r->host_iin_bin, false, &res, e);
    if (rc != QN_OK) {
        if (rc == QN_E_SIGNATURE)
            qn_err_field(e, "signature", "%s", res.detail[0] ? res.detail : "is refused");
        qn_sign_result_free(&res);
        return rc;
    }
    qn_store_signature s;
    memset(&s, 0, sizeof s);
    s.application_id = r->application_id;
    snprintf(s.doc_ref, sizeof s.doc_ref, "selfreg:%" PRId64, r->id);
    snprintf(s.kind, sizeof s.kind, "consent");
    snprintf(s.signer_iin_bin, sizeof s.signer_iin_bin, "%s", r->host_iin_bin);
    snprintf(s.role, sizeof s.role, "host");
    s.cms = (unsigned char *)(uintptr_t)sig;
    s.cms_len = sig_len;
    snprintf(s.result, sizeof s.result, "valid");
    s.verified_at = ctx->now;
    rc = qn_store_signature_add(conn, &s, e);
    if (rc == QN_OK)
        *sig_id = s.id;
    qn_sign_result_free(&res);
    return rc;
}

static qn_code answer(qn_svc_ctx *ctx, int64_t app_id, bool confirm, const char *sig, size_t sig_len,
                      const char *text, char state[QN_STORE_CODE_MAX + 1], qn_err *e)
{
    qn_err_clear(e);
    state[0] = '\0';
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    rc = qn_store_begin(c.conn, e);
    qn_store_selfreg r;
    qn_store_application a;
    memset(&a, 0, sizeof a);
    if (rc == QN_OK)
        rc = load_owed(ctx, c.conn, app_id, &r, &a, e);
    qn_app_case cs;
    memset(&cs, 0, sizeof cs);
    sr_doc x;
    json_t *doc = rc == QN_OK ? qn_rs_payload(&a) : NULL;
    if (rc == QN_OK) {
        cs.from = cs.to = cs.entry_date = cs.doc_expires = cs.birth_date = QN_DATE_NONE;
        read_doc(doc, &x, &cs, NULL);
        snprintf(cs.address_code, sizeof cs.address_code, "%s", r.address_code);
        cs.from = r.arrival_date;
        cs.to = r.stay_to;
    }
    json_decref(doc);
    int64_t host_account = ctx->who->account_id;
    if (rc == QN_OK && !confirm) {
        qn_app_decision dec = {.has_reason = true,
                               .reason = QN_REASON_HOST_REFUSED,
                               .text = text,
                               .valid_from = QN_DATE_NONE,
                               .valid_until = QN_DATE_NONE};
        char *reasons =
            qn_rs_dump(json_pack("{s:s, s:s, s:s}", "reason", "host_refused", "label",
                                 qn_refusal_reason_label(QN_REASON_HOST_REFUSED), "text", text ? text : ""));
        rc = reasons ? qn_app_step(ctx, c.conn, &a, QN_APP_EV_HOST_REFUSE, QN_ACTOR_CO_SIGNER, &dec, reasons,
                                   host_account, e)
                     : qn_err_set(e, QN_E_NOMEM, "out of memory");
        free(reasons);
        if (rc == QN_OK)
            rc = qn_store_selfreg_decide(c.conn, r.id, "refused", 0, ctx->now, e);
    } else if (rc == QN_OK) {
        /* The transition first: a late answer to a withdrawn application is
         * 409, before the signature is looked at. */
        qn_app_state from;
        if (!qn_app_state_parse(a.state, strlen(a.state), &from))
            rc = qn_err_set(e, QN_E_INTERNAL, "application %s has an unknown state", a.number);
        if (rc == QN_OK)
            rc = qn_app_transition(QN_APP_SELF_REGISTRATION, from, QN_APP_EV_HOST_CONFIRM, QN_ACTOR_CO_SIGNER,
                                   NULL, NULL, e);
        int64_t sig_id = 0;
        if (rc == QN_OK)
            rc = host_signature(ctx, c.conn, &r, sig, sig_len, &sig_id, e);
        qn_store_person p;
        qn_selfreg_assessment as;
        if (rc == QN_OK)
            rc = assess(ctx, c.conn, &cs, &x, QN_HOST_CONFIRMED, &p, &as, e);
        if (rc == QN_OK && as.outcome == QN_SELFREG_REFUSE) {
            rc = auto_refuse(ctx, c.conn, &a, &as, e);
            if (rc == QN_OK)
                rc = qn_store_selfreg_decide(c.conn, r.id, "refused", sig_id, ctx->now, e);
        } else if (rc == QN_OK) {
            char d1[QN_DATE_STRLEN];
            char *reasons = qn_rs_dump(
                json_pack("{s:s, s:s, s:o, s:o, s:s, s:o, s:b, s:i, s:s}", "registration_number", a.number,
                          "address_code", r.address_code, "from", qn_rs_date(r.arrival_date), "to",
                          qn_rs_date(r.stay_to), "registration", r.kind, "deadline", qn_rs_date(as.deadline),
                          "is_late", as.is_late, "days_late", as.days_late, "confirmed_on",
                          qn_date_format(qn_svc_today(ctx), d1)));
            qn_app_decision none = {.valid_from = QN_DATE_NONE, .valid_until = QN_DATE_NONE};
            rc = reasons ? qn_app_step(ctx, c.conn, &a, QN_APP_EV_HOST_CONFIRM, QN_ACTOR_CO_SIGNER, &none,
                                       reasons, host_account, e)
                         : qn_err_set(e, QN_E_NOMEM, "out of memory");
            free(reasons);
            if (rc == QN_OK)
                rc = qn_store_selfreg_decide(c.conn, r.id, "confirmed", sig_id, ctx->now, e);
            qn_store_residence res;
            memset(&res, 0, sizeof res);
            snprintf(res.person_key, sizeof res.person_key, "DOC:%s:%s", x.f.doc_country, x.f.doc_number);
            snprintf(res.address_code, sizeof res.address_code, "%s", r.address_code);
            snprintf(res.kind, sizeof res.kind, "temporary");
            res.valid_from = r.arrival_date;
            res.valid_to = r.stay_to;
            res.application_id = a.id;
            if (rc == QN_OK)
                rc = qn_store_residence_add(c.conn, &res, e);
            /* Order 923: after a change of address the old one is
             * deregistered automatically. */
            if (rc == QN_OK && x.kind == QN_SELFREG_ADDRESS_CHANGE)
                rc = qn_store_selfreg_end_before(c.conn, r.person_id, r.id, r.arrival_date - 1, e);
        }
    }
    if (rc == QN_OK)
        rc = qn_store_commit(c.conn, e);
    if (rc == QN_OK)
        snprintf(state, QN_STORE_CODE_MAX + 1, "%s", a.state);
    qn_store_application_clear(&a);
    qn_svc_release(ctx, &c);
    return rc;
}

qn_code qn_svc_selfreg_confirm(qn_svc_ctx *ctx, int64_t app_id, const char *sig, size_t sig_len,
                               char state[QN_STORE_CODE_MAX + 1], qn_err *e)
{
    return answer(ctx, app_id, true, sig, sig_len, NULL, state, e);
}

qn_code qn_svc_selfreg_refuse(qn_svc_ctx *ctx, int64_t app_id, const char *text,
                              char state[QN_STORE_CODE_MAX + 1], qn_err *e)
{
    if (text && strlen(text) > QN_APP_REASON_TEXT_MAX) {
        qn_err_clear(e);
        state[0] = '\0';
        return qn_err_field(e, "text", "must be at most %d bytes", QN_APP_REASON_TEXT_MAX);
    }
    return answer(ctx, app_id, false, NULL, 0, text, state, e);
}

const qn_app_kind_ops qn_reg_selfreg_ops = {
    .kind = QN_APP_SELF_REGISTRATION,
    .keys = keys,
    .roles = {QN_ROLE_FOREIGNER, QN_ROLE_NONE, QN_ROLE_NONE},
    .automatic = false,
    .residence_kind = "temporary",
    .parse = parse,
    .auto_check = NULL,
    .after_submit = after_submit,
    .grant = NULL,
};
