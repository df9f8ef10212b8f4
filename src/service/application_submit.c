/* application_submit.c — submitting an application: the applicant's
 * signature, the attached documents, the consents the owners owe, and what
 * follows at once (see application.h).
 *
 * Order of a submission, all in one store transaction: decode the document
 * (422 naming each field), check that the service exists on the day
 * (qn_app_kind_available_on) and that the caller's role may apply, verify the
 * signature (the signing service: the administrator's trusted CAs and CRLs,
 * the document policy) and that the signer is the calling account's person,
 * check what depends on the signer (the property table's owners, the host's
 * age), then write the application, its signature with the signed bytes,
 * the certificate and the verification result (signature_details, so
 * `qonaq sign verify --id N` can check it again later), its attached
 * documents, and take the first steps: consents requested (citizen), the
 * automatic check, or the officer's queue.
 *
 * Who signs: the signer must be the calling account's person. An account
 * bound to an IIN (every individual host, the citizens and foreigners that
 * have one) must be signed for by that IIN (any BIN: a person's employee
 * certificate still names the person); an account without an IIN must have
 * the signer bound to it by the administrator (signer bindings, as for
 * login by signature). Anyone else's valid signature is refused
 * "signature_refused.wrong_signer".
 */
#include "service/application_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/signing.h"

/* Verifies sig over doc for the document policy; the signer must be
 * expected_iin when given. r receives the result (initialised by the caller). */
static qn_code verify(qn_svc_ctx *ctx, const char *doc, size_t doc_len, const char *sig, size_t sig_len,
                      const char *expected_iin, qn_sign_result *r, qn_err *e)
{
    if (sig == NULL || sig_len == 0 || sig_len > QN_APP_SIG_MAX) {
        qn_err_set(e, QN_E_INVALID, "a detached CMS signature is required");
        return qn_err_field(e, "signature", "is required (base64 CMS, at most %d bytes)", QN_APP_SIG_MAX);
    }
    qn_code rc = qn_svc_verify_signature(ctx, (const unsigned char *)doc, doc_len, (const unsigned char *)sig,
                                         sig_len, expected_iin, false, r, e);
    if (rc == QN_OK && r->iin[0] == '\0')
        rc = qn_err_set(e, QN_E_SIGNATURE, "the signature names no IIN");
    if (rc == QN_E_SIGNATURE)
        qn_err_field(e, "signature", "%s", r->detail[0] ? r->detail : "is refused");
    return rc;
}

qn_code qn_app_sign_and_store(qn_svc_ctx *ctx, qn_store_conn *conn, const char *subject_kind,
                              int64_t subject_id, int64_t app_id, const char *doc, size_t doc_len,
                              const char *sig, size_t sig_len, const char *expected_iin, const char *role,
                              char signer[13], int64_t *sig_id, qn_err *e)
{
    qn_sign_result r;
    qn_sign_result_init(&r);
    qn_code rc = verify(ctx, doc, doc_len, sig, sig_len, expected_iin, &r, e);
    if (rc == QN_OK)
        snprintf(signer, 13, "%s", r.iin);
    if (rc == QN_OK)
        rc = qn_svc_store_signature_in(ctx, conn, subject_kind, subject_id, app_id, role,
                                       (const unsigned char *)doc, doc_len, (const unsigned char *)sig,
                                       sig_len, &r, sig_id, e);
    qn_sign_result_free(&r);
    return rc;
}

/* The account's own IIN (12 digits), or NULL. */
static const char *caller_iin(const qn_svc_ctx *ctx)
{
    const char *p = ctx->who->party_id;
    return strlen(p) == 12 && strspn(p, "0123456789") == 12 ? p : NULL;
}

/* An account without an IIN: the signer (IIN, BIN) must be bound to it. */
static qn_code signer_bound(qn_svc_ctx *ctx, qn_store_conn *conn, const qn_sign_result *r, qn_err *e)
{
    int64_t ids[16];
    size_t n = 0;
    qn_code rc = qn_store_signer_accounts(conn, r->iin, r->bin, ids, 16, &n, e);
    for (size_t i = 0; rc == QN_OK && i < n; i++)
        if (ids[i] == ctx->who->account_id)
            return QN_OK;
    if (rc != QN_OK)
        return rc;
    qn_err_set(e, QN_E_SIGNATURE,
               "signed by IIN %s, who is not bound to this account; the applicant must sign (an account "
               "without an IIN signs with a signer the administrator bound to it)",
               r->iin);
    qn_err_sub(e, "wrong_signer");
    return qn_err_field(e, "signature", "is not the applicant's");
}

static bool role_may_apply(const qn_app_kind_ops *ops, qn_role r)
{
    for (size_t i = 0; i < 3 && ops->roles[i] != QN_ROLE_NONE; i++)
        if (ops->roles[i] == r)
            return true;
    return false;
}

/* Creates the pending consents of a citizen_temporary application: one for
 * every registered owner of the address except the applicant and the person
 * registered (they consent by applying), named "owner" or "co_owner" as the
 * property table names them (seed 002: the owner's consent, and every
 * co-owner's). Every account of the owner's IIN (a citizen's or a host's)
 * gets an action-required notice. *n receives how many were created. */
static qn_code request_consents(qn_store_conn *conn, const qn_store_application *a, const qn_app_case *c,
                                size_t *n, qn_err *e)
{
    *n = 0;
    if (c->accommodation) /* the administration's petition replaces the owners' consent */
        return QN_OK;
    qn_code rc = QN_OK;
    for (size_t i = 0; rc == QN_OK && i < c->n_owners; i++) {
        const qn_store_owner *o = &c->owners[i];
        if (strcmp(o->owner_iin, c->applicant_iin) == 0 || strcmp(o->owner_iin, c->person_iin) == 0)
            continue;
        qn_store_consent k;
        memset(&k, 0, sizeof k);
        k.application_id = a->id;
        snprintf(k.owner_iin, sizeof k.owner_iin, "%s", o->owner_iin);
        snprintf(k.role, sizeof k.role, "%s", strcmp(o->role, "co_owner") == 0 ? "co_owner" : "owner");
        snprintf(k.document, sizeof k.document,
                 "{\"consent\":\"temporary_registration\",\"application\":\"%s\",\"address_code\":"
                 "\"%s\",\"person\":\"%s\",\"owner_iin\":\"%s\",\"role\":\"%s\"}",
                 a->number, c->address_code, c->person_key, o->owner_iin, k.role);
        rc = qn_store_consent_create(conn, &k, e);
        if (rc != QN_OK)
            break;
        (*n)++;
        int64_t ids[16];
        size_t n_acc = 0;
        rc = qn_store_accounts_by_iin_bin(conn, o->owner_iin, ids, 16, &n_acc, e);
        qn_app_notice nt = {.kind = QN_NOTICE_ACTION_REQUIRED};
        snprintf(nt.text_key, sizeof nt.text_key, "citizen_temporary.consent_requested");
        for (size_t j = 0; rc == QN_OK && j < n_acc; j++)
            if (ids[j] != a->applicant_account_id)
                rc = qn_app_notice_to(conn, ids[j], a, &nt, NULL, e);
    }
    return rc;
}

/* Writes the attached documents of c (documents[] and those derived from the
 * kind's structured members) as the application's documents. */
static qn_code write_documents(qn_store_conn *conn, int64_t app_id, const qn_app_case *c, qn_err *e)
{
    if (c->n_docs == 0)
        return QN_OK;
    qn_store_app_document docs[QN_APP_MAX_DOCS + QN_APP_MAX_STRUCTURED_DOCS];
    memset(docs, 0, sizeof docs);
    for (size_t i = 0; i < c->n_docs; i++) {
        qn_store_app_document *d = &docs[i];
        d->application_id = app_id;
        d->position = (int32_t)i;
        snprintf(d->type, sizeof d->type, "%s", c->docs[i].type);
        snprintf(d->number, sizeof d->number, "%s", c->docs[i].number);
        snprintf(d->issuer, sizeof d->issuer, "%s", c->docs[i].issuer);
        snprintf(d->form, sizeof d->form, "%s", c->docs[i].electronic ? "electronic" : "original");
        snprintf(d->digest, sizeof d->digest, "%s", c->docs[i].digest);
        d->valid_until = c->docs[i].valid_until;
    }
    return qn_store_app_documents_add(conn, app_id, docs, c->n_docs, e);
}

/* The checks of a submission that need the signer. */
static qn_code check_signed(qn_svc_ctx *ctx, qn_app_case *cs, qn_err *e)
{
    qn_err v;
    qn_err_clear(&v);
    qn_app_case_signed_by(ctx, cs, cs->applicant_iin, &v);
    if (v.code != QN_OK) {
        snprintf(v.message, sizeof v.message, "the %s application does not match the property table",
                 qn_app_kind_name(cs->kind));
        *e = v;
        return v.code;
    }
    /* seed 000: online only a citizen of RK aged 18 or more receives. */
    if (cs->kind == QN_APP_FOREIGNER_TEMPORARY &&
        !qn_svc_check_iin_adult(cs->applicant_iin, qn_svc_today(ctx), "signature", e))
        return e->code;
    if (cs->kind == QN_APP_CITIZEN_TEMPORARY && cs->rep == QN_REP_SELF &&
        strcmp(cs->person_iin, cs->applicant_iin) != 0)
        return qn_err_field(e, "person.iin", "must be the signer's own IIN unless a representative applies");
    return QN_OK;
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
    memset(&cs, 0, sizeof cs);
    const qn_app_kind_ops *ops = NULL;
    if (rc == QN_OK)
        rc = qn_app_decode(ctx, c.conn, in->document, in->document_len, &cs, &ops, e);
    if (rc == QN_OK && !qn_app_kind_available_on(cs.kind, qn_svc_today(ctx))) {
        qn_err_set(e, QN_E_INVALID, "the service %s is not available on this day", qn_app_kind_name(cs.kind));
        qn_err_sub(e, "not_available");
        rc = qn_err_field(e, "kind", "is not available yet (see docs/workflow.md for the date it starts)");
    }
    if (rc == QN_OK && !role_may_apply(ops, ctx->who->role))
        rc = qn_err_set(e, QN_E_FORBIDDEN, "a %s may not apply for %s", qn_role_name(ctx->who->role),
                        qn_app_kind_name(cs.kind));
    /* The signature: verified first (before anything is written), stored
     * with the application below. */
    qn_sign_result r;
    qn_sign_result_init(&r);
    const char *expected = caller_iin(ctx);
    if (rc == QN_OK)
        rc = verify(ctx, in->document, in->document_len, in->signature, in->signature_len, expected, &r, e);
    if (rc == QN_OK && expected == NULL)
        rc = signer_bound(ctx, c.conn, &r, e);
    if (rc == QN_OK) {
        snprintf(cs.applicant_iin, sizeof cs.applicant_iin, "%s", r.iin);
        rc = check_signed(ctx, &cs, e);
    }
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
    if (rc == QN_OK)
        rc = qn_svc_store_signature_in(ctx, c.conn, "application", a.id, a.id,
                                       cs.rep == QN_REP_SELF ? "applicant" : "representative",
                                       (const unsigned char *)in->document, in->document_len,
                                       (const unsigned char *)in->signature, in->signature_len, &r, NULL, e);
    qn_sign_result_free(&r);
    if (rc == QN_OK)
        rc = write_documents(c.conn, a.id, &cs, e);
    qn_app_decision none = {.valid_from = QN_DATE_NONE, .valid_until = QN_DATE_NONE};
    if (rc == QN_OK)
        rc = qn_app_step(ctx, c.conn, &a, QN_APP_EV_SUBMIT, QN_ACTOR_APPLICANT, &none, NULL, 0, e);
    if (rc == QN_OK && strcmp(a.state, "awaiting_consents") == 0) {
        size_t n = 0;
        rc = request_consents(c.conn, &a, &cs, &n, e);
        if (rc == QN_OK && n == 0)
            rc = qn_app_after_consents(ctx, c.conn, &a, e);
    } else if (rc == QN_OK && qn_app_ops_of(cs.kind) && qn_app_ops_of(cs.kind)->after_submit) {
        rc = qn_app_ops_of(cs.kind)->after_submit(ctx, c.conn, &a, &cs, e); /* the kind's own checks */
    } else if (rc == QN_OK) {
        rc = qn_app_run_automatic(ctx, c.conn, &a, &cs, e);
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
