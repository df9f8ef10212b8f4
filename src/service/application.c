/* application.c — the generic part of the application workflow: the kinds
 * and their hooks, decoding a signed document into a typed case, the case's
 * signer and the property table's owners, and the checklist of a case (see
 * application.h for the workflow as a whole).
 *
 * The workflow is split by responsibility:
 *   application.c          kinds, decoding, the case and its checklist;
 *   application_step.c     every change of state (qn_app_step), deadlines,
 *                          the automatic check, the population register;
 *   application_submit.c   submission: the applicant's signature, attached
 *                          documents, consents requested;
 *   application_view.c     who sees what, the officer's queue, actions;
 *   application_consents.c the owners' consents (EDS or one-time code);
 *   application_admin.c    property import, senior officers, the register.
 * The per-service rules (what a document holds, the automatic check) live in
 * reg_foreigner.c, reg_citizen.c and reg_resident.c behind qn_app_kind_ops;
 * a new kind adds its reg_<kind>.c and one line in qn_app_ops_of.
 *
 * A stored application is decoded again whenever its case is needed (view,
 * action, consents in): the signed document is the only source of truth, and
 * what is derived from the store (the address's region and owners, the
 * signer, from the applicant's stored signature) is read again, so the
 * checklist follows the property table as it is at the time of the decision.
 */
#include "service/application_internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- kinds */

const qn_app_kind_ops *qn_app_ops_of(qn_app_kind kind)
{
    switch (kind) {
    case QN_APP_FOREIGNER_TEMPORARY:
        return &qn_reg_foreigner_ops;
    case QN_APP_CITIZEN_TEMPORARY:
        return &qn_reg_citizen_ops;
    case QN_APP_PERMANENT_RESIDENT:
        return &qn_reg_resident_ops;
    /* stay control: reg_trp.c, reg_visa_ext.c, reg_loss.c,
     * reg_exit_visa.c, reg_selfreg.c */
    case QN_APP_TRP:
        return &qn_reg_trp_ops;
    case QN_APP_VISA_EXTENSION:
        return &qn_reg_visa_ext_ops;
    case QN_APP_LOST_PASSPORT:
        return &qn_reg_loss_ops;
    case QN_APP_EXIT_VISA:
        return &qn_reg_exit_visa_ops;
    case QN_APP_SELF_REGISTRATION:
        return &qn_reg_selfreg_ops;
    default:
        return NULL;
    }
}

/* -------------------------------------------------------------- helpers */

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

/* How many documents of type c has. */
static size_t case_count(const qn_app_case *c, const char *type)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n_docs; i++)
        n += strcmp(c->docs[i].type, type) == 0;
    return n;
}

/* How many documents of a checklist item the case needs: one, except the
 * identity documents of the persons over 14 (seed 003: "documents verifying
 * the identity of individuals above 14 years old"), one per person. */
static size_t needed(const qn_app_case *c, const char *item)
{
    if (strcmp(item, "members_identity_documents") == 0)
        return c->members_over_14;
    return 1;
}

void qn_app_case_missing(const qn_app_case *c, const char **missing, size_t *n, const char **required,
                         size_t *n_required)
{
    *n = 0;
    *n_required = 0;
    const qn_checklist_service *s = qn_checklist_find(qn_app_kind_name(c->kind));
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n_items; i++) {
        if (!qn_checklist_item_required(&s->items[i], c->conditions & s->allowed))
            continue;
        const char *name = s->items[i].name;
        size_t want = needed(c, name);
        /* The application itself is the signed document. */
        size_t have = strcmp(name, "application") == 0 ? want : case_count(c, name);
        for (size_t k = 0; k < want && *n_required < QN_APP_MAX_MISSING; k++) {
            required[(*n_required)++] = name;
            if (k >= have && *n < QN_APP_MAX_MISSING)
                missing[(*n)++] = name;
        }
    }
}

/* ------------------------------------------------------------- decoding */

static const char *const generic_keys[] = {"kind",   "representation", "address_code",
                                           "period", "documents",      NULL};

static bool key_allowed(const char *k, const char *const *keys)
{
    for (size_t i = 0; keys && keys[i]; i++)
        if (strcmp(keys[i], k) == 0)
            return true;
    return false;
}

/* Reads documents[i].digest: 64 hex digits (kept lower-case), only for an
 * electronic document. */
static void parse_digest(const json_t *d, const char *p, qn_app_doc *doc, qn_err *e)
{
    const json_t *v = json_object_get(d, "digest");
    if (v == NULL || json_is_null(v))
        return;
    char f[64];
    snprintf(f, sizeof f, "%sdigest", p);
    const char *s = json_string_value(v);
    bool ok = s && strlen(s) == 64;
    for (size_t i = 0; ok && i < 64; i++)
        ok = isxdigit((unsigned char)s[i]) != 0;
    if (!ok) {
        qn_err_field(e, f, "must be the SHA-256 of the electronic document as 64 hex digits");
        return;
    }
    if (!doc->electronic) {
        qn_err_field(e, f, "is only for an electronic document");
        return;
    }
    for (size_t i = 0; i < 64; i++)
        doc->digest[i] = (char)tolower((unsigned char)s[i]);
    doc->digest[64] = '\0';
}

static void parse_docs(const json_t *arr, qn_app_case *c, const qn_app_kind_ops *ops, qn_err *e)
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
        parse_digest(d, p, doc, e);
        snprintf(f, sizeof f, "%stype", p);
        if (doc->type[0] && s && !qn_checklist_knows(s, doc->type))
            qn_err_field(e, f, "'%s' is not a document of this service", doc->type);
        else if (doc->type[0] && key_allowed(doc->type, ops->structured_docs))
            qn_err_field(e, f, "'%s' is given by its own member of the application, not in documents",
                         doc->type);
        c->n_docs++;
    }
}

/* Reads the registered owners of the case's address into c. */
static qn_code load_owners(qn_store_conn *conn, qn_app_case *c, qn_err *e)
{
    qn_store_owner_list l = {0};
    qn_code rc = qn_store_owners_list(conn, c->address_code, &l, e);
    for (size_t i = 0; rc == QN_OK && i < l.count && c->n_owners < QN_APP_MAX_OWNERS; i++)
        c->owners[c->n_owners++] = l.items[i];
    qn_store_owner_list_free(&l);
    return rc;
}

qn_code qn_app_decode(qn_svc_ctx *ctx, qn_store_conn *conn, const char *text, size_t len, qn_app_case *c,
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
        ops = qn_app_ops_of(k);
    if (ops == NULL) {
        json_decref(doc);
        qn_err_set(e, QN_E_INVALID, "unknown application kind");
        return qn_err_field(e, "kind", "is not a kind of application qonaq takes");
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
    parse_docs(json_object_get(doc, "documents"), c, ops, e);
    ops->parse(doc, c, ctx, e);
    json_decref(doc);
    qn_code rc = QN_OK;
    if (c->address_code[0]) {
        qn_store_address a;
        qn_err miss;
        qn_err_clear(&miss);
        if (qn_store_address_get(conn, c->address_code, &a, &miss) != QN_OK) {
            qn_err_field(e, "address_code", "is not a registered address (%s)", c->address_code);
        } else {
            snprintf(c->region, sizeof c->region, "%s", a.region);
            qn_err oe;
            qn_err_clear(&oe);
            rc = load_owners(conn, c, &oe);
            if (rc != QN_OK)
                *e = oe;
        }
    }
    *ops_out = ops;
    if (rc != QN_OK)
        return rc;
    if (e->code != QN_OK) {
        if (e->message[0] == '\0' || strcmp(e->message, "invalid input") == 0)
            snprintf(e->message, sizeof e->message, "the %s application has errors",
                     qn_app_kind_name(c->kind));
        return e->code;
    }
    return QN_OK;
}

void qn_app_case_signed_by(qn_svc_ctx *ctx, qn_app_case *c, const char *iin, qn_err *e)
{
    char signer[QN_STORE_IIN_LEN + 1];
    snprintf(signer, sizeof signer, "%s", iin ? iin : ""); /* iin may be c->applicant_iin */
    memcpy(c->applicant_iin, signer, sizeof signer);
    c->applicant_is_owner = false;
    for (size_t i = 0; c->applicant_iin[0] && i < c->n_owners; i++)
        c->applicant_is_owner =
            c->applicant_is_owner || strcmp(c->owners[i].owner_iin, c->applicant_iin) == 0;
    const qn_app_kind_ops *ops = qn_app_ops_of(c->kind);
    if (ops && ops->signed_by)
        ops->signed_by(ctx, c, e);
}

qn_code qn_app_case_of(qn_svc_ctx *ctx, qn_store_conn *conn, const qn_store_application *a, qn_app_case *c,
                       qn_err *e)
{
    const qn_app_kind_ops *ops;
    qn_err pe;
    qn_err_clear(&pe);
    qn_code rc = qn_app_decode(ctx, conn, a->payload, strlen(a->payload), c, &ops, &pe);
    if (rc == QN_E_UNAVAILABLE || rc == QN_E_INTERNAL) {
        *e = pe;
        return rc;
    }
    if (rc != QN_OK)
        return qn_err_set(e, QN_E_INTERNAL, "stored application %s no longer decodes: %s", a->number,
                          pe.message);
    /* The signer: the applicant's signature stored with the application. */
    qn_store_signature_list sigs = {0};
    rc = qn_store_signature_list_application(conn, a->id, &sigs, e);
    const char *signer = NULL;
    for (size_t i = 0; rc == QN_OK && i < sigs.count && !signer; i++)
        if (strcmp(sigs.items[i].kind, "signature") == 0 &&
            (strcmp(sigs.items[i].role, "applicant") == 0 ||
             strcmp(sigs.items[i].role, "representative") == 0))
            signer = sigs.items[i].signer_iin_bin;
    qn_err ignored; /* the document's claims were checked at submission */
    qn_err_clear(&ignored);
    if (rc == QN_OK)
        qn_app_case_signed_by(ctx, c, signer, &ignored);
    qn_store_signature_list_free(&sigs);
    return rc;
}

