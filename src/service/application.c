/* application.c — the generic application workflow (see application.h).
 *
 * One function, step(), makes every change of state: it asks the core
 * (qn_app_transition) whether the event is legal for the actor, checks the
 * decision's fields, writes the new state, deadline and decision with the
 * version read (stale: 409), appends the event to app_events, sends the
 * notice to the applicant's History of Services and audits "transition".
 * Callers run it inside the one transaction of their service call. The
 * per-service rules (what a document holds, the automatic check) live in
 * reg_foreigner.c, reg_citizen.c and reg_resident.c behind qn_app_kind_ops.
 *
 * Signatures are verified by the signing service (service/signing.h:
 * qn_svc_verify_signature, the administrator's trusted CAs and CRLs) with
 * the signer's IIN required where it is known, and recorded on the
 * application in the same transaction as the step they allow.
 */
#include "service/application_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "service/signing.h"
#include "sign/sign.h"

/* ---------------------------------------------------------------- helpers */

static const qn_app_kind_ops *ops_of(qn_app_kind kind)
{
    switch (kind) {
    case QN_APP_FOREIGNER_TEMPORARY:
        return &qn_reg_foreigner_ops;
    case QN_APP_CITIZEN_TEMPORARY:
        return &qn_reg_citizen_ops;
    case QN_APP_PERMANENT_RESIDENT:
        return &qn_reg_resident_ops;
    default:
        return NULL;
    }
}

void qn_app_json_str(const json_t *o, const char *path, const char *key, bool required, char *dst, size_t cap,
                     qn_err *e)
{
    dst[0] = '\0';
    const json_t *v = json_object_get(o, key);
    if (v == NULL || json_is_null(v)) {
        if (required) {
            char f[96];
            snprintf(f, sizeof f, "%s%s", path, key);
            qn_err_field(e, f, "is required");
        }
        return;
    }
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= cap) {
        char f[96];
        snprintf(f, sizeof f, "%s%s", path, key);
        qn_err_field(e, f, "must be a string of 1 to %zu characters", cap - 1);
        return;
    }
    snprintf(dst, cap, "%s", json_string_value(v));
}

void qn_app_json_date(const json_t *o, const char *path, const char *key, bool required, qn_date_t *out,
                      qn_err *e)
{
    *out = QN_DATE_NONE;
    char f[96];
    snprintf(f, sizeof f, "%s%s", path, key);
    const json_t *v = json_object_get(o, key);
    if (v == NULL || json_is_null(v)) {
        if (required)
            qn_err_field(e, f, "is required");
        return;
    }
    const char *s = json_string_value(v);
    if (s == NULL || !qn_date_parse_cstr(s, out, NULL)) {
        *out = QN_DATE_NONE;
        qn_err_field(e, f, "must be a date YYYY-MM-DD");
    }
}

bool qn_app_case_has(const qn_app_case *c, const char *type)
{
    for (size_t i = 0; i < c->n_docs; i++)
        if (strcmp(c->docs[i].type, type) == 0)
            return true;
    return false;
}

void qn_app_case_missing(const qn_app_case *c, const char **missing, size_t *n, const char **required,
                         size_t *n_required)
{
    *n = 0;
    *n_required = 0;
    const qn_checklist_service *s = qn_checklist_find(qn_app_kind_name(c->kind));
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n_items && *n_required < QN_APP_MAX_MISSING; i++) {
        if (!qn_checklist_item_required(&s->items[i], c->conditions & s->allowed))
            continue;
        required[(*n_required)++] = s->items[i].name;
        /* The application itself is the signed document. */
        if (strcmp(s->items[i].name, "application") == 0 || qn_app_case_has(c, s->items[i].name))
            continue;
        /* Consents signed electronically in qonaq count as present. */
        if ((strcmp(s->items[i].name, "owner_consent") == 0 ||
             strcmp(s->items[i].name, "co_owner_consent") == 0) &&
            c->kind == QN_APP_CITIZEN_TEMPORARY)
            continue;
        missing[(*n)++] = s->items[i].name;
    }
}

/* ------------------------------------------------------------- decoding */

static const char *const generic_keys[] = {"kind",   "representation", "address_code",
                                           "period", "documents",      NULL};

static bool key_allowed(const char *k, const char *const *keys)
{
    for (size_t i = 0; keys[i]; i++)
        if (strcmp(keys[i], k) == 0)
            return true;
    return false;
}

static void parse_docs(const json_t *arr, qn_app_case *c, qn_err *e)
{
    if (arr == NULL)
        return;
    if (!json_is_array(arr) || json_array_size(arr) > QN_APP_MAX_DOCS) {
        qn_err_field(e, "documents", "must be an array of at most %d documents", QN_APP_MAX_DOCS);
        return;
    }
    const qn_checklist_service *s = qn_checklist_find(qn_app_kind_name(c->kind));
    size_t i;
    json_t *d;
    json_array_foreach(arr, i, d)
    {
        char p[48];
        snprintf(p, sizeof p, "documents[%zu].", i);
        qn_app_doc *doc = &c->docs[c->n_docs];
        if (!json_is_object(d)) {
            char f[48];
            snprintf(f, sizeof f, "documents[%zu]", i);
            qn_err_field(e, f, "must be an object");
            continue;
        }
        qn_app_json_str(d, p, "type", true, doc->type, sizeof doc->type, e);
        qn_app_json_str(d, p, "number", false, doc->number, sizeof doc->number, e);
        qn_app_json_str(d, p, "issuer", false, doc->issuer, sizeof doc->issuer, e);
        qn_app_json_date(d, p, "valid_until", false, &doc->valid_until, e);
        char form[16];
        qn_app_json_str(d, p, "form", true, form, sizeof form, e);
        char f[64];
        snprintf(f, sizeof f, "%sform", p);
        if (form[0] && strcmp(form, "electronic") != 0 && strcmp(form, "original") != 0)
            qn_err_field(e, f, "must be \"electronic\" or \"original\"");
        doc->electronic = strcmp(form, "electronic") == 0;
        snprintf(f, sizeof f, "%stype", p);
        if (doc->type[0] && s && !qn_checklist_knows(s, doc->type))
            qn_err_field(e, f, "'%s' is not a document of this service", doc->type);
        c->n_docs++;
    }
}

/* Decodes the document text into c: generic members here, the rest by the
 * kind's parser. */
static qn_code decode(qn_svc_ctx *ctx, qn_store_conn *conn, const char *text, size_t len, qn_app_case *c,
                      const qn_app_kind_ops **ops_out, qn_err *e)
{
    memset(c, 0, sizeof *c);
    c->from = c->to = c->doc_expires = c->entry_date = c->visa_until = c->birth_date = QN_DATE_NONE;
    json_error_t je;
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (doc == NULL || !json_is_object(doc)) {
        json_decref(doc);
        qn_err_field(e, "document", "must be the application as a JSON object");
        return qn_err_set(e, QN_E_BAD_REQUEST, "the document is not a JSON object");
    }
    const char *kind = json_string_value(json_object_get(doc, "kind"));
    const qn_app_kind_ops *ops = NULL;
    qn_app_kind k;
    if (kind && qn_app_kind_parse(kind, strlen(kind), &k))
        ops = ops_of(k);
    if (ops == NULL) {
        json_decref(doc);
        qn_err_set(e, QN_E_INVALID, "unknown application kind");
        return qn_err_field(e, "kind",
                            "must be foreigner_temporary, citizen_temporary or permanent_resident");
    }
    c->kind = k;
    const char *key;
    json_t *v;
    json_object_foreach(doc, key, v)
    {
        if (!key_allowed(key, generic_keys) && !key_allowed(key, ops->keys))
            qn_err_field(e, key, "is not a member of a %s application", kind);
    }
    const char *rep = json_string_value(json_object_get(doc, "representation"));
    c->rep = QN_REP_SELF;
    if (rep && !qn_app_representation_parse(rep, strlen(rep), &c->rep))
        qn_err_field(e, "representation",
                     "must be self, legal_representative_child, legal_representative_incapable or "
                     "trustee_notarised");
    if (c->rep != QN_REP_SELF)
        c->conditions |= QN_CL_REPRESENTATIVE;
    qn_app_json_str(doc, "", "address_code", true, c->address_code, sizeof c->address_code, e);
    const json_t *period = json_object_get(doc, "period");
    if (!json_is_object(period)) {
        qn_err_field(e, "period", "is required: {\"from\", \"to\"}");
    } else {
        qn_app_json_date(period, "period.", "from", true, &c->from, e);
        qn_app_json_date(period, "period.", "to", c->kind != QN_APP_PERMANENT_RESIDENT, &c->to, e);
        if (c->from != QN_DATE_NONE && c->to != QN_DATE_NONE && c->to < c->from)
            qn_err_field(e, "period.to", "must not be before period.from");
    }
    parse_docs(json_object_get(doc, "documents"), c, e);
    ops->parse(doc, c, ctx, e);
    json_decref(doc);
    if (c->address_code[0]) {
        qn_store_address a;
        qn_err miss;
        qn_err_clear(&miss);
        if (qn_store_address_get(conn, c->address_code, &a, &miss) != QN_OK)
            qn_err_field(e, "address_code", "is not a registered address (%s)", c->address_code);
        else
            snprintf(c->region, sizeof c->region, "%s", a.region);
    }
    *ops_out = ops;
    if (e->code != QN_OK) {
        if (e->message[0] == '\0' || strcmp(e->message, "invalid input") == 0)
            snprintf(e->message, sizeof e->message, "the %s application has errors",
                     qn_app_kind_name(c->kind));
        return e->code;
    }
    return QN_OK;
}

/* ------------------------------------------------------------ signatures */

/* Verifies sig over doc (signer must be expected_iin when not NULL) and
 * stores it on the application as kind/role. *signer receives the IIN. */
static qn_code verify_and_store(qn_svc_ctx *ctx, qn_store_conn *conn, int64_t app_id, const char *doc_ref,
                                const char *doc, size_t doc_len, const char *sig, size_t sig_len,
                                const char *expected_iin, const char *kind, const char *role, char signer[13],
                                int64_t *sig_id, qn_err *e)
{
    if (sig == NULL || sig_len == 0 || sig_len > QN_APP_SIG_MAX) {
        qn_err_set(e, QN_E_INVALID, "a detached CMS signature is required");
        return qn_err_field(e, "signature", "is required (base64 CMS, at most %d bytes)", QN_APP_SIG_MAX);
    }
    /* The signing service's verification (trusted CAs and CRLs of the
     * store, document policy); the record is written here, on this
     * connection, so it commits with the application. */
    qn_sign_result r;
    qn_sign_result_init(&r);
    qn_code rc = qn_svc_verify_signature(ctx, (const unsigned char *)doc, doc_len, (const unsigned char *)sig,
                                         sig_len, expected_iin, false, &r, e);
    if (rc == QN_OK && r.iin[0] == '\0')
        rc = qn_err_set(e, QN_E_SIGNATURE, "the signature names no IIN");
    if (rc != QN_OK) {
        if (rc == QN_E_SIGNATURE)
            qn_err_field(e, "signature", "%s", r.detail[0] ? r.detail : "is refused");
        qn_sign_result_free(&r);
        return rc;
    }
    snprintf(signer, 13, "%s", r.iin);
    qn_store_signature s;
    memset(&s, 0, sizeof s);
    s.application_id = app_id;
    snprintf(s.doc_ref, sizeof s.doc_ref, "%s", doc_ref ? doc_ref : r.doc_sha256);
    snprintf(s.kind, sizeof s.kind, "%s", kind);
    snprintf(s.signer_iin_bin, sizeof s.signer_iin_bin, "%s", r.iin);
    snprintf(s.role, sizeof s.role, "%s", role);
    /* The CMS is stored as the client sent it (base64/PEM/DER). */
    s.cms = (unsigned char *)(uintptr_t)sig;
    s.cms_len = sig_len;
    snprintf(s.result, sizeof s.result, "valid");
    s.verified_at = ctx->now;
    rc = qn_store_signature_add(conn, &s, e);
    if (rc == QN_OK && sig_id)
        *sig_id = s.id;
    qn_sign_result_free(&r);
    return rc;
}

/* ----------------------------------------------------------- transitions */

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

static qn_code notice_to(qn_store_conn *conn, int64_t account_id, const qn_store_application *a,
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

/* Applies event by role to a (in place): see the file comment. reasons is a
 * JSON text recorded as the decision's reasons (may be NULL); notify_also
 * is one more account to send the notice to (0: none). */
static qn_code step(qn_svc_ctx *ctx, qn_store_conn *conn, qn_store_application *a, qn_app_event ev,
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
    if (to == QN_APP_REGISTERED || to == QN_APP_GRANTED || to == QN_APP_REFUSED || to == QN_APP_DECLINED ||
        to == QN_APP_UPHELD || to == QN_APP_WITHDRAWN || to == QN_APP_EXPIRED)
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
    }
    if ((ev == QN_APP_EV_TAKE || ev == QN_APP_EV_REGISTER || ev == QN_APP_EV_REFUSE) &&
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
        rc = notice_to(conn, a->applicant_account_id, a, &notice, reasons, e);
    if (rc == QN_OK && notify_also != a->applicant_account_id)
        rc = notice_to(conn, notify_also, a, &notice, reasons, e);
    if (rc == QN_OK)
        rc = qn_store_audit_append(conn, qn_app_event_name(ev), "application", a->number, NULL, NULL, e);
    return rc;
}

/* Records the registration in the population register. */
static qn_code record_residence(qn_store_conn *conn, const qn_store_application *a, const qn_app_case *c,
                                qn_err *e)
{
    const qn_app_kind_ops *ops = ops_of(c->kind);
    qn_store_residence r;
    memset(&r, 0, sizeof r);
    snprintf(r.person_key, sizeof r.person_key, "%s", c->person_key);
    snprintf(r.address_code, sizeof r.address_code, "%s", c->address_code);
    snprintf(r.kind, sizeof r.kind, "%s", ops ? ops->residence_kind : "temporary");
    r.valid_from = c->from;
    r.valid_to = c->to;
    r.application_id = a->id;
    return qn_store_residence_add(conn, &r, e);
}

static qn_code case_of(qn_svc_ctx *ctx, qn_store_conn *conn, const qn_store_application *a, qn_app_case *c,
                       qn_err *e)
{
    const qn_app_kind_ops *ops;
    qn_err pe;
    qn_err_clear(&pe);
    qn_code rc = decode(ctx, conn, a->payload, strlen(a->payload), c, &ops, &pe);
    if (rc != QN_OK)
        return qn_err_set(e, QN_E_INTERNAL, "stored application %s no longer decodes: %s", a->number,
                          pe.message);
    /* What was derived at submission is kept beside the document. */
    return QN_OK;
}

/* After submitted: start the automatic check of an automatic kind. */
static qn_code run_automatic(qn_svc_ctx *ctx, qn_store_conn *conn, qn_store_application *a,
                             const qn_app_case *c, qn_err *e)
{
    const qn_app_kind_ops *ops = ops_of(c->kind);
    if (ops == NULL || !ops->automatic || strcmp(a->state, "submitted") != 0)
        return QN_OK;
    qn_code rc = step(ctx, conn, a, QN_APP_EV_START_CHECK, QN_ACTOR_SYSTEM, NULL, NULL, 0, e);
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
    rc = step(ctx, conn, a, out.event, QN_ACTOR_SYSTEM, &dec, rtext, 0, e);
    free(rtext);
    if (rc == QN_OK && out.event == QN_APP_EV_AUTO_PASS)
        rc = record_residence(conn, a, c, e);
    return rc;
}

/* ----------------------------------------------------------- submission */

static bool role_may_apply(const qn_app_kind_ops *ops, qn_role r)
{
    for (size_t i = 0; i < 3 && ops->roles[i] != QN_ROLE_NONE; i++)
        if (ops->roles[i] == r)
            return true;
    return false;
}

/* Creates the pending consents of a citizen_temporary application; *n gets
 * their number. The owners with an account get an action-required notice. */
static qn_code request_consents(qn_store_conn *conn, const qn_store_application *a, const qn_app_case *c,
                                size_t *n, qn_err *e)
{
    *n = 0;
    if (c->accommodation) /* the administration's petition replaces the owners' consent */
        return QN_OK;
    qn_store_owner_list owners = {0};
    qn_code rc = qn_store_owners_list(conn, c->address_code, &owners, e);
    bool first = true;
    for (size_t i = 0; rc == QN_OK && i < owners.count; i++) {
        const char *iin = owners.items[i].owner_iin;
        /* The signer, and the person registered, consent by applying. */
        if (strcmp(iin, c->applicant_iin) == 0 || strcmp(iin, c->person_iin) == 0)
            continue;
        qn_store_consent k;
        memset(&k, 0, sizeof k);
        k.application_id = a->id;
        snprintf(k.owner_iin, sizeof k.owner_iin, "%s", iin);
        snprintf(k.role, sizeof k.role, "%s", first ? "owner" : "co_owner");
        first = false;
        snprintf(k.document, sizeof k.document,
                 "{\"consent\":\"temporary_registration\",\"application\":\"%s\",\"address_code\":"
                 "\"%s\",\"person\":\"%s\",\"owner_iin\":\"%s\"}",
                 a->number, c->address_code, c->person_key, iin);
        rc = qn_store_consent_create(conn, &k, e);
        if (rc != QN_OK)
            break;
        (*n)++;
        qn_store_host h;
        qn_err miss;
        qn_err_clear(&miss);
        if (qn_store_host_by_iin_bin(conn, iin, &h, &miss) == QN_OK && h.account_id > 0) {
            qn_app_notice nt = {.kind = QN_NOTICE_ACTION_REQUIRED};
            snprintf(nt.text_key, sizeof nt.text_key, "citizen_temporary.consent_requested");
            rc = notice_to(conn, h.account_id, a, &nt, NULL, e);
        }
    }
    qn_store_owner_list_free(&owners);
    return rc;
}

static qn_code after_consents(qn_svc_ctx *ctx, qn_store_conn *conn, qn_store_application *a, qn_err *e)
{
    qn_app_case c;
    qn_code rc = case_of(ctx, conn, a, &c, e);
    if (rc == QN_OK)
        rc = step(ctx, conn, a, QN_APP_EV_ALL_CONSENTS_IN, QN_ACTOR_SYSTEM, NULL, NULL, 0, e);
    if (rc == QN_OK)
        rc = run_automatic(ctx, conn, a, &c, e);
    return rc;
}

qn_code qn_svc_app_submit(qn_svc_ctx *ctx, const qn_app_submit_in *in, int64_t *id, bool *replayed, qn_err *e)
{
    qn_err_clear(e);
    *replayed = false;
    if (ctx->who->role == QN_ROLE_NONE)
        return qn_err_set(e, QN_E_UNAUTHORIZED, "log in to submit an application");
    if (in->document == NULL || in->document_len == 0 || in->document_len > QN_APP_DOC_MAX) {
        qn_err_set(e, QN_E_INVALID, "the application document is required");
        return qn_err_field(e, "document", "is required (at most %d bytes)", QN_APP_DOC_MAX);
    }
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    rc = qn_store_begin(c.conn, e);
    if (rc == QN_OK && in->idem_key) {
        qn_store_idem idem = {0};
        rc = qn_store_idem_claim(c.conn, ctx->who->account_id, in->idem_key, in->body_digest, &idem, e);
        if (rc == QN_OK && idem.replay) {
            json_t *old = json_loads(idem.body ? idem.body : "{}", 0, NULL);
            *id = json_integer_value(json_object_get(old, "id"));
            json_decref(old);
            *replayed = true;
            qn_store_idem_clear(&idem);
            qn_svc_release(ctx, &c);
            return QN_OK;
        }
        qn_store_idem_clear(&idem);
    }
    qn_app_case cs;
    const qn_app_kind_ops *ops = NULL;
    if (rc == QN_OK)
        rc = decode(ctx, c.conn, in->document, in->document_len, &cs, &ops, e);
    if (rc == QN_OK && !role_may_apply(ops, ctx->who->role))
        rc = qn_err_set(e, QN_E_FORBIDDEN, "a %s may not apply for %s", qn_role_name(ctx->who->role),
                        qn_app_kind_name(cs.kind));
    qn_store_application a;
    memset(&a, 0, sizeof a);
    if (rc == QN_OK) {
        snprintf(a.kind, sizeof a.kind, "%s", qn_app_kind_name(cs.kind));
        snprintf(a.state, sizeof a.state, "%s", qn_app_state_name(qn_app_initial_state(cs.kind)));
        a.applicant_account_id = ctx->who->account_id;
        snprintf(a.region, sizeof a.region, "%s", cs.region);
        a.payload = strndup(in->document, in->document_len);
        a.created_at = ctx->now;
        rc = a.payload ? qn_store_application_create(c.conn, &a, e)
                       : qn_err_set(e, QN_E_NOMEM, "out of memory");
    }
    /* The signer: the account's own IIN when it has one. */
    const char *expected = ctx->who->party_id[0] ? ctx->who->party_id : NULL;
    if (rc == QN_OK)
        rc = verify_and_store(ctx, c.conn, a.id, NULL, in->document, in->document_len, in->signature,
                              in->signature_len, expected, "signature",
                              cs.rep == QN_REP_SELF ? "applicant" : "representative", cs.applicant_iin, NULL,
                              e);
    if (rc == QN_OK && cs.kind == QN_APP_FOREIGNER_TEMPORARY &&
        !qn_svc_check_iin_adult(cs.applicant_iin, qn_svc_today(ctx), "signature", e))
        rc = e->code;
    if (rc == QN_OK && cs.kind == QN_APP_CITIZEN_TEMPORARY && cs.rep == QN_REP_SELF &&
        strcmp(cs.person_iin, cs.applicant_iin) != 0)
        rc = qn_err_field(e, "person.iin", "must be the signer's own IIN unless a representative applies");
    qn_app_decision none = {.valid_from = QN_DATE_NONE, .valid_until = QN_DATE_NONE};
    if (rc == QN_OK)
        rc = step(ctx, c.conn, &a, QN_APP_EV_SUBMIT, QN_ACTOR_APPLICANT, &none, NULL, 0, e);
    if (rc == QN_OK && strcmp(a.state, "awaiting_consents") == 0) {
        size_t n = 0;
        rc = request_consents(c.conn, &a, &cs, &n, e);
        if (rc == QN_OK && n == 0)
            rc = after_consents(ctx, c.conn, &a, e);
    } else if (rc == QN_OK) {
        rc = run_automatic(ctx, c.conn, &a, &cs, e);
    }
    if (rc == QN_OK && in->idem_key) {
        char body[64];
        snprintf(body, sizeof body, "{\"id\":%" PRId64 "}", a.id);
        rc = qn_store_idem_finish(c.conn, ctx->who->account_id, in->idem_key, 201, body, e);
    }
    if (rc == QN_OK)
        rc = qn_store_commit(c.conn, e);
    if (rc == QN_OK)
        *id = a.id;
    qn_store_application_clear(&a);
    qn_svc_release(ctx, &c);
    return rc;
}

/* ----------------------------------------------------------- visibility */

typedef enum { SEE_NONE, SEE_APPLICANT, SEE_OFFICER } qn_seer;

/* Loads application id if the caller may see it; 404 otherwise. */
static qn_code load_visible(qn_svc_ctx *ctx, qn_store_conn *conn, int64_t id, qn_store_application *a,
                            qn_seer *as, bool *senior, qn_err *e)
{
    *as = SEE_NONE;
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
        *as = SEE_APPLICANT;
    else if (ctx->who->role == QN_ROLE_OFFICER && strcmp(a->region, ctx->who->region) == 0)
        *as = SEE_OFFICER;
    if (ctx->who->role == QN_ROLE_OFFICER)
        rc = qn_store_senior_get(conn, ctx->who->account_id, senior, e);
    if (rc == QN_OK && *as == SEE_NONE) {
        qn_store_application_clear(a);
        return qn_err_set(e, QN_E_NOT_FOUND, "application %" PRId64 " not found", id);
    }
    return rc;
}

static void fill_view(qn_svc_ctx *ctx, qn_store_conn *conn, qn_app_view *v, qn_err *e)
{
    v->overdue = qn_svc_app_overdue(ctx, &v->app);
    qn_store_app_events(conn, v->app.id, &v->events, e);
    qn_store_consents(conn, v->app.id, NULL, "", &v->consents, e);
    qn_app_case cs;
    qn_err pe;
    qn_err_clear(&pe);
    if (case_of(ctx, conn, &v->app, &cs, &pe) == QN_OK)
        qn_app_case_missing(&cs, v->missing, &v->n_missing, v->required, &v->n_required);
}

qn_code qn_svc_app_get(qn_svc_ctx *ctx, int64_t id, qn_app_view *out, qn_err *e)
{
    qn_err_clear(e);
    memset(out, 0, sizeof *out);
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    qn_seer as;
    bool senior;
    rc = load_visible(ctx, c.conn, id, &out->app, &as, &senior, e);
    if (rc == QN_OK)
        fill_view(ctx, c.conn, out, e);
    qn_svc_release(ctx, &c);
    return rc;
}

void qn_app_view_free(qn_app_view *v)
{
    if (v == NULL)
        return;
    qn_store_application_clear(&v->app);
    qn_store_app_event_list_free(&v->events);
    qn_store_consent_list_free(&v->consents);
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
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    qn_store_application_filter f;
    memset(&f, 0, sizeof f);
    snprintf(f.region, sizeof f.region, "%s", ctx->who->region);
    if (q->state)
        snprintf(f.state, sizeof f.state, "%s", q->state);
    if (q->overdue_only)
        f.overdue_at = ctx->now;
    f.limit = 1000;
    qn_store_application_list all = {0};
    rc = qn_store_application_search(c.conn, &f, &all, e);
    qn_svc_release(ctx, &c);
    if (rc != QN_OK)
        return rc;
    /* Keep the pending ones of the kind (the store orders by deadline, which
     * puts the overdue first: their deadlines are the earliest). */
    size_t k = 0;
    for (size_t i = 0; i < all.count; i++) {
        qn_store_application *a = &all.items[i];
        qn_app_state s2;
        bool keep = (!q->kind || strcmp(a->kind, q->kind) == 0) &&
                    qn_app_state_parse(a->state, strlen(a->state), &s2) &&
                    (q->state || qn_app_state_is_pending(s2) || s2 == QN_APP_AWAITING_CONSENTS) &&
                    (!q->overdue_only || qn_svc_app_overdue(ctx, a));
        if (keep) {
            if (k != i) {
                qn_store_application tmp = all.items[k];
                all.items[k] = *a;
                *a = tmp;
            }
            k++;
        }
    }
    out->total = (int64_t)k;
    int64_t off = (q->page - 1) * q->per_page;
    out->items = calloc(q->per_page > 0 ? (size_t)q->per_page : 1, sizeof *out->items);
    if (out->items == NULL) {
        qn_store_application_list_free(&all);
        return qn_err_set(e, QN_E_NOMEM, "out of memory");
    }
    for (int64_t i = off; i < (int64_t)k && (int64_t)out->count < q->per_page; i++) {
        out->items[out->count++] = all.items[i];
        memset(&all.items[i], 0, sizeof all.items[i]);
    }
    qn_store_application_list_free(&all);
    return QN_OK;
}

/* --------------------------------------------------------------- actions */

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
    qn_seer as = SEE_NONE;
    bool senior = false;
    if (rc == QN_OK)
        rc = load_visible(ctx, c.conn, id, &a, &as, &senior, e);
    if (rc == QN_OK && act->version != 0 && act->version != a.version) {
        rc = qn_err_set(e, QN_E_CONFLICT,
                        "application %s is at version %" PRId64 ", not %" PRId64 "; reload it", a.number,
                        a.version, act->version);
        qn_err_sub(e, "stale_version");
    }
    qn_actor_role role = QN_ACTOR_APPLICANT;
    if (as == SEE_OFFICER)
        role = senior ? QN_ACTOR_SENIOR_OFFICER : QN_ACTOR_OFFICER;
    if (rc == QN_OK && (act->event == QN_APP_EV_UPHOLD || act->event == QN_APP_EV_OVERTURN) &&
        as == SEE_OFFICER && senior && a.officer_account_id == ctx->who->account_id) {
        rc = qn_err_set(e, QN_E_FORBIDDEN,
                        "a senior officer may not decide the appeal against their own refusal");
        qn_err_sub(e, "own_refusal");
    }
    qn_app_case cs;
    if (rc == QN_OK)
        rc = case_of(ctx, c.conn, &a, &cs, e);
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
        json_t *m = json_array(), *inv = json_array();
        if (act->has_reason && act->reason == QN_REASON_INCOMPLETE_DOCUMENTS)
            for (size_t i = 0; i < n_missing; i++)
                json_array_append_new(m, json_string(missing[i]));
        for (size_t i = 0; i < act->n_invalid; i++)
            json_array_append_new(inv, json_string(act->invalid[i]));
        if (act->has_reason && act->reason == QN_REASON_INCOMPLETE_DOCUMENTS && json_array_size(m) == 0 &&
            json_array_size(inv) == 0)
            rc = qn_err_field(e, "invalid",
                              "no document is missing: name the invalid documents to refuse as incomplete");
        json_t *r = json_pack("{s:s, s:s, s:s, s:o, s:o}", "reason",
                              act->has_reason ? qn_refusal_reason_name(act->reason) : "", "label",
                              act->has_reason ? qn_refusal_reason_label(act->reason) : "", "text",
                              act->text ? act->text : "", "missing", m, "invalid", inv);
        reasons = json_dumps(r, JSON_COMPACT);
        json_decref(r);
    } else if (rc == QN_OK && act->event == QN_APP_EV_REGISTER) {
        char f[QN_DATE_STRLEN], t[QN_DATE_STRLEN];
        json_t *r = json_pack("{s:s, s:s, s:s, s:s}", "registration_number", a.number, "address_code",
                              cs.address_code, "from", qn_date_format(cs.from, f), "to",
                              cs.to != QN_DATE_NONE ? qn_date_format(cs.to, t) : "");
        reasons = json_dumps(r, JSON_COMPACT);
        json_decref(r);
    }
    if (rc == QN_OK)
        rc = step(ctx, c.conn, &a, act->event, role, &dec, reasons, 0, e);
    free(reasons);
    if (rc == QN_OK && act->event == QN_APP_EV_REGISTER)
        rc = record_residence(c.conn, &a, &cs, e);
    if (rc == QN_OK && act->event == QN_APP_EV_WITHDRAW)
        rc = qn_store_consent_close_all(c.conn, a.id, e);
    if (rc == QN_OK)
        rc = qn_store_commit(c.conn, e);
    qn_store_application_clear(&a);
    qn_svc_release(ctx, &c);
    return rc;
}

/* -------------------------------------------------------------- consents */

qn_code qn_svc_consents_mine(qn_svc_ctx *ctx, qn_store_consent_list *out, qn_err *e)
{
    qn_err_clear(e);
    memset(out, 0, sizeof *out);
    if (ctx->who->role == QN_ROLE_NONE)
        return qn_err_set(e, QN_E_UNAUTHORIZED, "log in first");
    if (strlen(ctx->who->party_id) != 12)
        return QN_OK;
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc == QN_OK)
        rc = qn_store_consents(c.conn, 0, ctx->who->party_id, "pending", out, e);
    qn_svc_release(ctx, &c);
    return rc;
}

/* Loads a consent owed by the caller (404 otherwise) and its application. */
static qn_code load_consent(qn_svc_ctx *ctx, qn_store_conn *conn, int64_t id, qn_store_consent *k,
                            qn_store_application *a, qn_err *e)
{
    if (ctx->who->role == QN_ROLE_NONE)
        return qn_err_set(e, QN_E_UNAUTHORIZED, "log in first");
    qn_err miss;
    qn_err_clear(&miss);
    qn_code rc = qn_store_consent_get(conn, id, k, &miss);
    if (rc == QN_OK && strcmp(k->owner_iin, ctx->who->party_id) != 0)
        rc = QN_E_NOT_FOUND;
    if (rc == QN_E_NOT_FOUND)
        return qn_err_set(e, QN_E_NOT_FOUND, "consent %" PRId64 " not found", id);
    if (rc != QN_OK) {
        *e = miss;
        return rc;
    }
    if (strcmp(k->state, "pending") != 0) {
        qn_err_set(e, QN_E_CONFLICT, "consent %" PRId64 " is already %s", id, k->state);
        qn_err_sub(e, "consent_decided");
        return QN_E_CONFLICT;
    }
    return qn_store_application_get(conn, k->application_id, a, e);
}

/* Signs consent_id: with the CMS sig, or (sig NULL) as confirmed by one-time
 * code otp_id, already checked to be the owner's. */
static qn_code consent_signed(qn_svc_ctx *ctx, int64_t consent_id, const char *sig, size_t sig_len,
                              int64_t otp_id, qn_err *e)
{
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    rc = qn_store_begin(c.conn, e);
    qn_store_consent k;
    qn_store_application a;
    memset(&a, 0, sizeof a);
    if (rc == QN_OK)
        rc = load_consent(ctx, c.conn, consent_id, &k, &a, e);
    char signer[13] = "";
    int64_t sig_id = 0;
    char ref[40];
    snprintf(ref, sizeof ref, "consent:%" PRId64, consent_id);
    if (rc == QN_OK && sig != NULL)
        rc = verify_and_store(ctx, c.conn, a.id, ref, k.document, strlen(k.document), sig, sig_len,
                              k.owner_iin, "consent", k.role, signer, &sig_id, e);
    if (rc == QN_OK)
        rc = qn_store_consent_decide(c.conn, k.id, "signed", sig_id, ctx->now, e);
    char how[64];
    if (sig != NULL)
        snprintf(how, sizeof how, "signature %" PRId64, sig_id);
    else
        snprintf(how, sizeof how, "one-time code %" PRId64, otp_id);
    qn_app_decision none = {.text = how, .valid_from = QN_DATE_NONE, .valid_until = QN_DATE_NONE};
    if (rc == QN_OK)
        rc = step(ctx, c.conn, &a, QN_APP_EV_CONSENT_GIVEN, QN_ACTOR_CO_SIGNER, &none, NULL,
                  ctx->who->account_id, e);
    qn_store_consent_list pending = {0};
    if (rc == QN_OK)
        rc = qn_store_consents(c.conn, a.id, NULL, "pending", &pending, e);
    if (rc == QN_OK && pending.count == 0)
        rc = after_consents(ctx, c.conn, &a, e);
    qn_store_consent_list_free(&pending);
    if (rc == QN_OK)
        rc = qn_store_commit(c.conn, e);
    qn_store_application_clear(&a);
    qn_svc_release(ctx, &c);
    return rc;
}

qn_code qn_svc_consent_sign(qn_svc_ctx *ctx, int64_t consent_id, const char *sig, size_t sig_len, qn_err *e)
{
    qn_err_clear(e);
    if (sig == NULL)
        return qn_err_field(e, "signature", "is required");
    return consent_signed(ctx, consent_id, sig, sig_len, 0, e);
}

qn_code qn_svc_consent_sign_otp(qn_svc_ctx *ctx, int64_t consent_id, int64_t otp_id, qn_err *e)
{
    qn_err_clear(e);
    /* Read the consent (owed by the caller), then ask the signing service
     * whether the code was confirmed for its document by its owner. */
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    qn_store_consent k;
    qn_store_application a;
    memset(&a, 0, sizeof a);
    if (rc == QN_OK)
        rc = load_consent(ctx, c.conn, consent_id, &k, &a, e);
    qn_store_application_clear(&a);
    qn_svc_release(ctx, &c);
    if (rc != QN_OK)
        return rc;
    char digest[65], iin[13] = "";
    qn_svc_sha256_hex(k.document, digest);
    rc = qn_svc_otp_confirmed(ctx, otp_id, digest, iin, e);
    if (rc == QN_OK && strcmp(iin, k.owner_iin) != 0) {
        rc = qn_err_set(e, QN_E_SIGNATURE,
                        "the one-time code was confirmed by IIN %s, but IIN %s must consent", iin,
                        k.owner_iin);
        qn_err_sub(e, "wrong_signer");
    }
    if (rc != QN_OK)
        return rc;
    return consent_signed(ctx, consent_id, NULL, 0, otp_id, e);
}

qn_code qn_svc_consent_refuse(qn_svc_ctx *ctx, int64_t consent_id, const char *text, qn_err *e)
{
    qn_err_clear(e);
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    rc = qn_store_begin(c.conn, e);
    qn_store_consent k;
    qn_store_application a;
    memset(&a, 0, sizeof a);
    if (rc == QN_OK)
        rc = load_consent(ctx, c.conn, consent_id, &k, &a, e);
    if (rc == QN_OK)
        rc = qn_store_consent_decide(c.conn, k.id, "refused", 0, ctx->now, e);
    qn_app_decision dec = {.has_reason = true,
                           .reason = QN_REASON_OWNER_REFUSED,
                           .text = text,
                           .valid_from = QN_DATE_NONE,
                           .valid_until = QN_DATE_NONE};
    char reasons[128];
    snprintf(reasons, sizeof reasons, "{\"reason\":\"owner_refused\",\"consent\":%" PRId64 "}", consent_id);
    if (rc == QN_OK)
        rc = step(ctx, c.conn, &a, QN_APP_EV_CONSENT_REFUSED, QN_ACTOR_CO_SIGNER, &dec, reasons,
                  ctx->who->account_id, e);
    if (rc == QN_OK)
        rc = qn_store_consent_close_all(c.conn, a.id, e);
    if (rc == QN_OK)
        rc = qn_store_commit(c.conn, e);
    qn_store_application_clear(&a);
    qn_svc_release(ctx, &c);
    return rc;
}

/* ------------------------------------------- register, property, seniors */

static qn_code only(qn_svc_ctx *ctx, qn_role role, const char *what, qn_err *e)
{
    qn_err_clear(e);
    if (ctx->who->role == QN_ROLE_NONE)
        return qn_err_set(e, QN_E_UNAUTHORIZED, "log in first");
    if (ctx->who->role != role)
        return qn_err_set(e, QN_E_FORBIDDEN, "only %s may do this", what);
    return QN_OK;
}

qn_code qn_svc_app_officer_only(qn_svc_ctx *ctx, qn_err *e)
{
    return only(ctx, QN_ROLE_OFFICER, "officers", e);
}

qn_code qn_svc_app_admin_only(qn_svc_ctx *ctx, qn_err *e)
{
    return only(ctx, QN_ROLE_ADMIN, "the administrator", e);
}

qn_code qn_svc_my_registration(qn_svc_ctx *ctx, qn_store_residence_list *out, qn_err *e)
{
    qn_err_clear(e);
    memset(out, 0, sizeof *out);
    if (ctx->who->role == QN_ROLE_NONE)
        return qn_err_set(e, QN_E_UNAUTHORIZED, "log in first");
    if (strlen(ctx->who->party_id) != 12)
        return QN_OK;
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc == QN_OK)
        rc = qn_store_residences(c.conn, ctx->who->party_id, out, e);
    qn_svc_release(ctx, &c);
    return rc;
}

qn_code qn_svc_property_import(qn_svc_ctx *ctx, const qn_property_in *rows, size_t n, qn_err *e)
{
    qn_err_clear(e);
    if (ctx->who->role == QN_ROLE_NONE)
        return qn_err_set(e, QN_E_UNAUTHORIZED, "log in first");
    if (ctx->who->role != QN_ROLE_ADMIN)
        return qn_err_set(e, QN_E_FORBIDDEN, "only the administrator imports property");
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    rc = qn_store_begin(c.conn, e);
    for (size_t i = 0; rc == QN_OK && i < n; i++) {
        qn_store_address ad;
        memset(&ad, 0, sizeof ad);
        snprintf(ad.code, sizeof ad.code, "%s", rows[i].code);
        snprintf(ad.region, sizeof ad.region, "%s", rows[i].region);
        snprintf(ad.text, sizeof ad.text, "%s", rows[i].text);
        rc = qn_store_address_put(c.conn, &ad, e);
        if (rc == QN_OK)
            rc = qn_store_owners_replace(c.conn, ad.code, rows[i].owners, rows[i].n_owners, e);
        if (rc != QN_OK) {
            char f[32];
            snprintf(f, sizeof f, "rows[%zu]", i);
            qn_err_field(e, f, "%s", e->message);
        }
    }
    if (rc == QN_OK)
        rc = qn_store_commit(c.conn, e);
    qn_svc_release(ctx, &c);
    return rc;
}

qn_code qn_svc_officer_set_senior(qn_svc_ctx *ctx, int64_t account_id, bool senior, qn_err *e)
{
    qn_err_clear(e);
    if (ctx->who->role == QN_ROLE_NONE)
        return qn_err_set(e, QN_E_UNAUTHORIZED, "log in first");
    if (ctx->who->role != QN_ROLE_ADMIN)
        return qn_err_set(e, QN_E_FORBIDDEN, "only the administrator marks senior officers");
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    qn_store_account acc;
    rc = qn_store_account_get(c.conn, account_id, &acc, e);
    if (rc == QN_OK && strcmp(acc.role, "officer") != 0)
        rc = qn_err_field(e, "id", "is not an officer's account");
    if (rc == QN_OK)
        rc = qn_store_senior_set(c.conn, account_id, senior, e);
    qn_svc_release(ctx, &c);
    return rc;
}
