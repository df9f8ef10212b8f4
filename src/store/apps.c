/* apps.c — the store's part of the application workflow (branch apps, issue
 * 6): owners' consents, the events of an application, the population
 * register and the senior-officer mark (tables of migration 003_apps), and
 * the attached documents of an application (migration 007_apps).
 *
 * Written once for both backends through the query layer; every change is
 * audited in the caller's transaction (or its own). See store.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/store_internal.h"

static const char *const consent_digest = "SELECT * FROM app_consents WHERE id = $1";
static const char *const event_digest = "SELECT * FROM app_events WHERE id = $1";
static const char *const residence_digest = "SELECT * FROM population_register WHERE id = $1";
static const char *const senior_digest = "SELECT * FROM senior_officers WHERE account_id = $1";

#define CONSENT_COLS                                                                                         \
    "id, application_id, owner_iin, role, state, document, COALESCE(signature_id, 0), "                      \
    "created_at, COALESCE(decided_at, 0)"

static qn_code read_consent(qs_q *q, void *item)
{
    qn_store_consent *k = item;
    k->id = qs_get_int(q, 0);
    k->application_id = qs_get_int(q, 1);
    QS_STR(q, 2, k->owner_iin);
    QS_STR(q, 3, k->role);
    QS_STR(q, 4, k->state);
    QS_STR(q, 5, k->document);
    k->signature_id = qs_get_int(q, 6);
    k->created_at = qs_get_int(q, 7);
    k->decided_at = qs_get_int(q, 8);
    return QN_OK;
}

qn_code qn_store_consent_create(qn_store_conn *c, qn_store_consent *k, qn_err *err)
{
    static const char *const sql =
        "INSERT INTO app_consents (application_id, owner_iin, role, state, document, created_at) "
        "VALUES ($1, $2, $3, 'pending', $4, $5) RETURNING id";
    QS_FIELD(err, k, owner_iin, "owner_iin");
    QS_FIELD(err, k, role, "role");
    QS_FIELD(err, k, document, "document");
    if (k->created_at == 0)
        k->created_at = qs_now();
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, k->application_id);
    qs_text(&q, 2, k->owner_iin);
    qs_text(&q, 3, k->role);
    qs_text(&q, 4, k->document);
    qs_int(&q, 5, k->created_at);
    rc = qs_one(&q, "consent", err);
    if (rc == QN_OK)
        k->id = qs_get_int(&q, 0);
    qs_done(&q);
    if (rc == QN_OK) {
        snprintf(k->state, sizeof k->state, "pending");
        rc = qs_audit_row(c, "create", "consent", consent_digest, k->id, NULL, NULL, err);
    }
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_consent_get(qn_store_conn *c, int64_t id, qn_store_consent *out, qn_err *err)
{
    static const char *const sql = "SELECT " CONSENT_COLS " FROM app_consents WHERE id = $1";
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, id);
    qn_code rc = qs_one(&q, "consent", err);
    if (rc == QN_OK) {
        memset(out, 0, sizeof *out);
        read_consent(&q, out);
    }
    qs_done(&q);
    return rc;
}

qn_code qn_store_consent_decide(qn_store_conn *c, int64_t id, const char *state, int64_t signature_id,
                                int64_t at, qn_err *err)
{
    static const char *const sql = "UPDATE app_consents SET state = $2, signature_id = $3, decided_at = $4 "
                                   "WHERE id = $1 AND state = 'pending'";
    qn_code rc = qs_check_str(err, "state", state, QN_STORE_CODE_MAX, true);
    if (rc != QN_OK)
        return rc;
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    unsigned char before[QN_STORE_DIGEST_LEN];
    bool found = false;
    rc = qs_row_digest(c, consent_digest, id, NULL, before, &found, err);
    if (rc == QN_OK && !found)
        rc = qn_err_set(err, QN_E_NOT_FOUND, "consent %" PRId64 " not found", id);
    if (rc == QN_OK) {
        qs_q q;
        qs_init(&q, c, sql);
        qs_int(&q, 1, id);
        qs_text(&q, 2, state);
        qs_int_opt(&q, 3, signature_id);
        qs_int(&q, 4, at != 0 ? at : qs_now());
        rc = qs_run(&q, err);
        if (rc == QN_OK && q.changes == 0) {
            rc = qn_err_set(err, QN_E_CONFLICT, "consent %" PRId64 " was already decided", id);
            qn_err_sub(err, "consent_decided");
        }
        qs_done(&q);
    }
    if (rc == QN_OK)
        rc = qs_audit_row(c, "update", "consent", consent_digest, id, NULL, before, err);
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_consent_close_all(qn_store_conn *c, int64_t application_id, qn_err *err)
{
    qn_store_consent_list l = {0};
    qn_code rc = qn_store_consents(c, application_id, NULL, "pending", &l, err);
    for (size_t i = 0; rc == QN_OK && i < l.count; i++)
        rc = qn_store_consent_decide(c, l.items[i].id, "closed", 0, 0, err);
    qn_store_consent_list_free(&l);
    return rc;
}

qn_code qn_store_consents(qn_store_conn *c, int64_t application_id, const char *owner_iin, const char *state,
                          qn_store_consent_list *out, qn_err *err)
{
    static const char *const by_app = "SELECT " CONSENT_COLS " FROM app_consents WHERE application_id = $1 "
                                      "AND ($2 = '' OR state = $2) ORDER BY id LIMIT 200";
    static const char *const by_owner = "SELECT " CONSENT_COLS " FROM app_consents WHERE owner_iin = $1 "
                                        "AND ($2 = '' OR state = $2) ORDER BY id DESC LIMIT 200";
    memset(out, 0, sizeof *out);
    qs_q q;
    if (application_id > 0) {
        qs_init(&q, c, by_app);
        qs_int(&q, 1, application_id);
    } else {
        qn_code rc = qs_check_str(err, "owner_iin", owner_iin, QN_STORE_IIN_LEN, true);
        if (rc != QN_OK)
            return rc;
        qs_init(&q, c, by_owner);
        qs_text(&q, 1, owner_iin);
    }
    qs_text(&q, 2, state != NULL ? state : "");
    void *items;
    qn_code rc = qs_collect(&q, 200, sizeof *out->items, read_consent, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK) {
        if (err != NULL && err->code == QN_OK)
            qn_err_set(err, rc, "out of memory");
        qn_store_consent_list_free(out);
    }
    return rc;
}

void qn_store_consent_list_free(qn_store_consent_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

static qn_code read_event(qs_q *q, void *item)
{
    qn_store_app_event *ev = item;
    ev->id = qs_get_int(q, 0);
    ev->application_id = qs_get_int(q, 1);
    QS_STR(q, 2, ev->event);
    QS_STR(q, 3, ev->from_state);
    QS_STR(q, 4, ev->to_state);
    ev->actor_account_id = qs_get_int(q, 5);
    QS_STR(q, 6, ev->actor_role);
    QS_STR(q, 7, ev->text);
    ev->at = qs_get_int(q, 8);
    return QN_OK;
}

qn_code qn_store_app_event_add(qn_store_conn *c, qn_store_app_event *ev, qn_err *err)
{
    static const char *const sql =
        "INSERT INTO app_events (application_id, event, from_state, to_state, actor_account_id, "
        "actor_role, text, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
    QS_FIELD(err, ev, event, "event");
    QS_FIELD(err, ev, from_state, "from_state");
    QS_FIELD(err, ev, to_state, "to_state");
    QS_FIELD(err, ev, actor_role, "actor_role");
    QS_FIELD(err, ev, text, "text");
    if (ev->at == 0)
        ev->at = qs_now();
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, ev->application_id);
    qs_text(&q, 2, ev->event);
    qs_text(&q, 3, ev->from_state);
    qs_text(&q, 4, ev->to_state);
    qs_int_opt(&q, 5, ev->actor_account_id);
    qs_text(&q, 6, ev->actor_role);
    qs_text_opt(&q, 7, ev->text);
    qs_int(&q, 8, ev->at);
    rc = qs_one(&q, "application event", err);
    if (rc == QN_OK)
        ev->id = qs_get_int(&q, 0);
    qs_done(&q);
    if (rc == QN_OK)
        rc = qs_audit_row(c, "create", "app_event", event_digest, ev->id, NULL, NULL, err);
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_app_events(qn_store_conn *c, int64_t application_id, qn_store_app_event_list *out,
                            qn_err *err)
{
    static const char *const sql =
        "SELECT id, application_id, event, from_state, to_state, COALESCE(actor_account_id, 0), "
        "actor_role, COALESCE(text, ''), at FROM app_events WHERE application_id = $1 "
        "ORDER BY id LIMIT 1000";
    memset(out, 0, sizeof *out);
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, application_id);
    void *items;
    qn_code rc = qs_collect(&q, 1000, sizeof *out->items, read_event, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK) {
        if (err != NULL && err->code == QN_OK)
            qn_err_set(err, rc, "out of memory");
        qn_store_app_event_list_free(out);
    }
    return rc;
}

void qn_store_app_event_list_free(qn_store_app_event_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

static qn_code read_residence(qs_q *q, void *item)
{
    qn_store_residence *r = item;
    r->id = qs_get_int(q, 0);
    QS_STR(q, 1, r->person_key);
    QS_STR(q, 2, r->address_code);
    QS_STR(q, 3, r->kind);
    r->valid_from = qs_get_date(q, 4);
    r->valid_to = qs_get_date(q, 5);
    r->application_id = qs_get_int(q, 6);
    r->created_at = qs_get_int(q, 7);
    return QN_OK;
}

qn_code qn_store_residence_add(qn_store_conn *c, qn_store_residence *r, qn_err *err)
{
    static const char *const sql =
        "INSERT INTO population_register (person_key, address_code, kind, valid_from, valid_to, "
        "application_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    QS_FIELD(err, r, person_key, "person_key");
    QS_FIELD(err, r, address_code, "address_code");
    QS_FIELD(err, r, kind, "kind");
    if (r->created_at == 0)
        r->created_at = qs_now();
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, r->person_key);
    qs_text(&q, 2, r->address_code);
    qs_text(&q, 3, r->kind);
    qs_date(&q, 4, r->valid_from);
    qs_date(&q, 5, r->valid_to);
    qs_int_opt(&q, 6, r->application_id);
    qs_int(&q, 7, r->created_at);
    rc = qs_one(&q, "registration", err);
    if (rc == QN_OK)
        r->id = qs_get_int(&q, 0);
    qs_done(&q);
    if (rc == QN_OK)
        rc = qs_audit_row(c, "create", "residence", residence_digest, r->id, NULL, NULL, err);
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_residences(qn_store_conn *c, const char *person_key, qn_store_residence_list *out,
                            qn_err *err)
{
    static const char *const sql =
        "SELECT id, person_key, address_code, kind, valid_from, valid_to, "
        "COALESCE(application_id, 0), created_at FROM population_register WHERE person_key = $1 "
        "ORDER BY valid_from DESC, id DESC LIMIT 200";
    memset(out, 0, sizeof *out);
    qn_code rc = qs_check_str(err, "person_key", person_key, 64, true);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, person_key);
    void *items;
    rc = qs_collect(&q, 200, sizeof *out->items, read_residence, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK) {
        if (err != NULL && err->code == QN_OK)
            qn_err_set(err, rc, "out of memory");
        qn_store_residence_list_free(out);
    }
    return rc;
}

void qn_store_residence_list_free(qn_store_residence_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

qn_code qn_store_residences_by_applicant(qn_store_conn *c, int64_t applicant_account_id,
                                         qn_store_residence_list *out, qn_err *err)
{
    static const char *const sql =
        "SELECT r.id, r.person_key, r.address_code, r.kind, r.valid_from, r.valid_to, "
        "COALESCE(r.application_id, 0), r.created_at FROM population_register r "
        "JOIN applications a ON a.id = r.application_id WHERE a.applicant_account_id = $1 "
        "ORDER BY r.valid_from DESC, r.id DESC LIMIT 200";
    memset(out, 0, sizeof *out);
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, applicant_account_id);
    void *items;
    qn_code rc = qs_collect(&q, 200, sizeof *out->items, read_residence, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK) {
        if (err != NULL && err->code == QN_OK)
            qn_err_set(err, rc, "out of memory");
        qn_store_residence_list_free(out);
    }
    return rc;
}

/* ------------------------------------------------- attached documents */

#define APP_DOCS_MAX 64

static const char *const app_docs_digest_sql =
    "SELECT application_id, position, type, number, issuer, form, COALESCE(digest, ''), valid_until "
    "FROM application_documents WHERE application_id = $1 ORDER BY position";

static qn_code read_app_document(qs_q *q, void *item)
{
    qn_store_app_document *d = item;
    d->application_id = qs_get_int(q, 0);
    d->position = (int32_t)qs_get_int(q, 1);
    QS_STR(q, 2, d->type);
    QS_STR(q, 3, d->number);
    QS_STR(q, 4, d->issuer);
    QS_STR(q, 5, d->form);
    QS_STR(q, 6, d->digest);
    d->valid_until = qs_get_date(q, 7);
    return QN_OK;
}

/* One digest over the document rows of an application (for the audit). */
static qn_code app_docs_digest(qn_store_conn *c, int64_t application_id,
                               unsigned char out[QN_STORE_DIGEST_LEN], qn_err *err)
{
    qn_store_app_document_list l = {0};
    qn_code rc = qn_store_app_documents(c, application_id, &l, err);
    if (rc != QN_OK)
        return rc;
    char *acc = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&acc, &len);
    if (f == NULL) {
        qn_store_app_document_list_free(&l);
        return qn_err_set(err, QN_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < l.count; i++) {
        const qn_store_app_document *d = &l.items[i];
        fprintf(f, "%" PRId64 " %d %s|%s|%s|%s|%s|%d\n", d->application_id, (int)d->position, d->type,
                d->number, d->issuer, d->form, d->digest, (int)d->valid_until);
    }
    fclose(f);
    qs_sha256(acc, len, out);
    free(acc);
    qn_store_app_document_list_free(&l);
    return QN_OK;
}

static bool hex64(const char *s)
{
    if (strlen(s) != 64)
        return false;
    for (size_t i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

qn_code qn_store_app_documents_add(qn_store_conn *c, int64_t application_id,
                                   const qn_store_app_document *docs, size_t n, qn_err *err)
{
    static const char *const count_sql =
        "SELECT COUNT(*) FROM application_documents WHERE application_id = $1";
    static const char *const ins =
        "INSERT INTO application_documents (application_id, position, type, number, issuer, form, "
        "digest, valid_until) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    if (n > APP_DOCS_MAX)
        return qn_err_set(err, QN_E_TOO_LARGE, "more than %d documents of one application", APP_DOCS_MAX);
    for (size_t i = 0; i < n; i++) {
        QS_FIELD(err, &docs[i], type, "type");
        QS_FIELD(err, &docs[i], number, "number");
        QS_FIELD(err, &docs[i], issuer, "issuer");
        QS_FIELD(err, &docs[i], form, "form");
        QS_FIELD(err, &docs[i], digest, "digest");
        if (docs[i].digest[0] && !hex64(docs[i].digest)) {
            qn_err_set(err, QN_E_INVALID, "document %zu: the digest must be 64 lower-case hex digits", i);
            return qn_err_field(err, "digest", "must be 64 lower-case hex digits");
        }
    }
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, count_sql);
    qs_int(&q, 1, application_id);
    rc = qs_one(&q, "count", err);
    int64_t have = rc == QN_OK ? qs_get_int(&q, 0) : 0;
    qs_done(&q);
    if (rc == QN_OK && have > 0) {
        rc = qn_err_set(err, QN_E_CONFLICT, "the documents of application %" PRId64 " are recorded already",
                        application_id);
        qn_err_sub(err, "documents_recorded");
    }
    for (size_t i = 0; rc == QN_OK && i < n; i++) {
        qs_init(&q, c, ins);
        qs_int(&q, 1, application_id);
        qs_int(&q, 2, docs[i].position);
        qs_text(&q, 3, docs[i].type);
        qs_text(&q, 4, docs[i].number);
        qs_text(&q, 5, docs[i].issuer);
        qs_text(&q, 6, docs[i].form);
        qs_text_opt(&q, 7, docs[i].digest);
        qs_date(&q, 8, docs[i].valid_until);
        rc = qs_run(&q, err);
        qs_done(&q);
    }
    unsigned char after[QN_STORE_DIGEST_LEN];
    if (rc == QN_OK && n > 0)
        rc = app_docs_digest(c, application_id, after, err);
    if (rc == QN_OK && n > 0) {
        char idt[32];
        snprintf(idt, sizeof idt, "%" PRId64, application_id);
        rc = qs_audit(c, "create", "application_documents", idt, NULL, after, err);
    }
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_app_documents(qn_store_conn *c, int64_t application_id, qn_store_app_document_list *out,
                               qn_err *err)
{
    memset(out, 0, sizeof *out);
    qs_q q;
    qs_init(&q, c, app_docs_digest_sql);
    qs_int(&q, 1, application_id);
    void *items;
    qn_code rc =
        qs_collect(&q, APP_DOCS_MAX, sizeof *out->items, read_app_document, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK) {
        if (err != NULL && err->code == QN_OK)
            qn_err_set(err, rc, "out of memory");
        qn_store_app_document_list_free(out);
    }
    return rc;
}

void qn_store_app_document_list_free(qn_store_app_document_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

/* ----------------------------------------------------- senior officers */

qn_code qn_store_senior_get(qn_store_conn *c, int64_t account_id, bool *senior, qn_err *err)
{
    static const char *const sql = "SELECT COUNT(*) FROM senior_officers WHERE account_id = $1";
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, account_id);
    qn_code rc = qs_one(&q, "senior officer", err);
    *senior = rc == QN_OK && qs_get_int(&q, 0) > 0;
    qs_done(&q);
    return rc;
}

qn_code qn_store_senior_set(qn_store_conn *c, int64_t account_id, bool senior, qn_err *err)
{
    static const char *const ins = "INSERT INTO senior_officers (account_id, created_at) VALUES ($1, $2)";
    static const char *const del = "DELETE FROM senior_officers WHERE account_id = $1";
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    bool now_senior = false;
    rc = qn_store_senior_get(c, account_id, &now_senior, err);
    if (rc == QN_OK && now_senior != senior) {
        unsigned char before[QN_STORE_DIGEST_LEN];
        bool found = false;
        rc = qs_row_digest(c, senior_digest, account_id, NULL, before, &found, err);
        qs_q q;
        if (rc == QN_OK) {
            qs_init(&q, c, senior ? ins : del);
            qs_int(&q, 1, account_id);
            if (senior)
                qs_int(&q, 2, qs_now());
            rc = qs_run(&q, err);
            qs_done(&q);
        }
        char idt[32];
        snprintf(idt, sizeof idt, "%" PRId64, account_id);
        if (rc == QN_OK && senior)
            rc = qs_audit_row(c, "create", "senior_officer", senior_digest, account_id, NULL, NULL, err);
        else if (rc == QN_OK)
            rc = qs_audit(c, "delete", "senior_officer", idt, before, NULL, err);
    }
    return qs_wend(c, own, rc, err);
}
