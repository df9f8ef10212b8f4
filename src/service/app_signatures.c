/* app_signatures.c — the signatures of a case for the officer's case page
 * (see portal.h): every stored signature of the application (the
 * applicant's, each owner's consent signed with a key) is verified again
 * against today's trust over the bytes that were signed — the application's
 * document as submitted (its payload) or the consent's document text (the
 * signature's doc_ref "consent:<id>") — with qn_svc_verify_recorded; each
 * consent confirmed by a one-time code (no CMS: the confirmation was checked
 * by the OTP service when it was given) is listed as such.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/application.h"
#include "service/portal.h"
#include "service/service_internal.h"
#include "service/signing.h"

void qn_app_signatures_free(qn_app_signature_list *l)
{
    if (!l)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

qn_code qn_svc_app_signatures(qn_svc_ctx *ctx, int64_t application_id, qn_app_signature_list *out, qn_err *e)
{
    memset(out, 0, sizeof *out);
    qn_code rc = qn_svc_app_officer_only(ctx, e);
    if (rc != QN_OK)
        return rc;
    qn_app_view v;
    rc = qn_svc_app_get(ctx, application_id, &v, e); /* the region's officers only; else 404 */
    if (rc != QN_OK)
        return rc;
    qn_store_signature_list sigs = {0};
    qn_svc_conn c = {0};
    rc = qn_svc_acquire(ctx, &c, e);
    if (rc == QN_OK)
        rc = qn_store_signature_list_application(c.conn, application_id, &sigs, e);
    qn_svc_release(ctx, &c);
    size_t cap = sigs.count + v.consents.count;
    if (rc == QN_OK && cap > 0 && !(out->items = calloc(cap, sizeof *out->items)))
        rc = qn_err_set(e, QN_E_NOMEM, "out of memory");
    for (size_t i = 0; rc == QN_OK && i < sigs.count; i++) {
        const qn_store_signature *s = &sigs.items[i];
        qn_app_signature *o = &out->items[out->count++];
        o->id = s->id;
        snprintf(o->kind, sizeof o->kind, "%s", s->kind);
        snprintf(o->role, sizeof o->role, "%s", s->role);
        snprintf(o->signer_id, sizeof o->signer_id, "%s", s->signer_iin_bin);
        snprintf(o->stored, sizeof o->stored, "%.63s", s->result);
        snprintf(o->method, sizeof o->method, "eds");
        /* the bytes signed: the consent's document, else the application's */
        const char *doc = v.app.payload ? v.app.payload : "";
        int64_t consent_id = 0;
        if (sscanf(s->doc_ref, "consent:%" SCNd64, &consent_id) == 1)
            for (size_t k = 0; k < v.consents.count; k++)
                if (v.consents.items[k].id == consent_id)
                    doc = v.consents.items[k].document;
        qn_sign_result r;
        qn_sign_result_init(&r);
        qn_err one;
        qn_err_clear(&one);
        qn_code vr = qn_svc_verify_recorded(ctx, (const unsigned char *)doc, strlen(doc), s->cms, s->cms_len,
                                            s->signer_iin_bin, &r, &one);
        o->valid_now = vr == QN_OK;
        snprintf(o->code_now, sizeof o->code_now, "%s", qn_sign_code_name(r.code));
        snprintf(o->subject_cn, sizeof o->subject_cn, "%s", r.subject_cn);
        snprintf(o->issuer, sizeof o->issuer, "%s", r.issuer);
        snprintf(o->serial, sizeof o->serial, "%s", r.serial_hex);
        snprintf(o->key_type, sizeof o->key_type, "%s", r.key_type);
        o->signing_time = r.signing_time;
        qn_sign_result_free(&r);
        if (vr != QN_OK && vr != QN_E_SIGNATURE) {
            if (e)
                *e = one;
            rc = vr;
        }
    }
    for (size_t i = 0; rc == QN_OK && i < v.consents.count; i++) {
        const qn_store_consent *k = &v.consents.items[i];
        if (strcmp(k->state, "signed") != 0 || k->signature_id != 0)
            continue;
        qn_app_signature *o = &out->items[out->count++];
        snprintf(o->kind, sizeof o->kind, "consent");
        snprintf(o->role, sizeof o->role, "%s", k->role);
        snprintf(o->signer_id, sizeof o->signer_id, "%s", k->owner_iin);
        snprintf(o->method, sizeof o->method, "otp");
        snprintf(o->stored, sizeof o->stored, "valid");
        snprintf(o->code_now, sizeof o->code_now, "otp");
        o->valid_now = true;
        o->signing_time = k->decided_at;
    }
    qn_store_signature_list_free(&sigs);
    qn_app_view_free(&v);
    if (rc != QN_OK)
        qn_app_signatures_free(out);
    return rc;
}
