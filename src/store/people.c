/* people.c — persons, identity documents, visas, border crossings, hosts,
 * addresses and property owners.
 *
 * The lookup "a foreigner by citizenship and document number" is the unique
 * index documents(country, number). Crossings are listed in date order for
 * the stay computation. Property owners are replaced wholesale per address
 * (the import path), audited as one event per address.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/store_internal.h"

/* Runs an insert ... RETURNING *, then audits the new row as returned. */
static qn_code insert_audited(qn_store_conn *c, qs_q *q, const char *entity, int64_t *id, qn_err *err)
{
    bool own;
    qn_code rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK) {
        qs_done(q);
        return rc;
    }
    rc = qs_insert_audited(q, entity, id, err);
    return qs_wend(c, own, rc, err);
}

/* ----------------------------------------------------------------- persons */

#define PERSON_COLS                                                                                \
    "id, kind, surname, given_names, citizenship, birth_date, sex, COALESCE(iin, ''), created_at"
static const char *const person_digest = "SELECT * FROM persons WHERE id = $1";

static void read_person(qs_q *q, qn_store_person *p)
{
    memset(p, 0, sizeof *p);
    p->id = qs_get_int(q, 0);
    QS_STR(q, 1, p->kind);
    QS_STR(q, 2, p->surname);
    QS_STR(q, 3, p->given_names);
    QS_STR(q, 4, p->citizenship);
    p->birth_date = qs_get_date(q, 5);
    QS_STR(q, 6, p->sex);
    QS_STR(q, 7, p->iin);
    p->created_at = qs_get_int(q, 8);
}

static qn_code check_person(const qn_store_person *p, qn_err *err)
{
    QS_FIELD(err, p, kind, "kind");
    QS_FIELD(err, p, surname, "surname");
    QS_FIELD(err, p, given_names, "given_names");
    QS_FIELD(err, p, citizenship, "citizenship");
    QS_FIELD(err, p, sex, "sex");
    QS_FIELD(err, p, iin, "iin");
    return QN_OK;
}

static void bind_person(qs_q *q, const qn_store_person *p)
{
    qs_text(q, 1, p->kind);
    qs_text(q, 2, p->surname);
    qs_text(q, 3, p->given_names);
    qs_text(q, 4, p->citizenship);
    qs_date(q, 5, p->birth_date);
    qs_text(q, 6, p->sex);
    qs_text_opt(q, 7, p->iin);
}

qn_code qn_store_person_create(qn_store_conn *c, qn_store_person *p, qn_err *err)
{
    static const char *const sql =
        "INSERT INTO persons (kind, surname, given_names, citizenship, birth_date, sex, iin, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *";
    qn_code rc = check_person(p, err);
    if (rc != QN_OK)
        return rc;
    if (p->created_at == 0)
        p->created_at = qs_now();
    qs_q q;
    qs_init(&q, c, sql);
    bind_person(&q, p);
    qs_int(&q, 8, p->created_at);
    return insert_audited(c, &q, "person", &p->id, err);
}

qn_code qn_store_person_get(qn_store_conn *c, int64_t id, qn_store_person *out, qn_err *err)
{
    static const char *const sql = "SELECT " PERSON_COLS " FROM persons WHERE id = $1";
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, id);
    qn_code rc = qs_one(&q, "person", err);
    if (rc == QN_OK)
        read_person(&q, out);
    qs_done(&q);
    return rc;
}

qn_code qn_store_person_by_iin(qn_store_conn *c, const char *iin, qn_store_person *out,
                               qn_err *err)
{
    static const char *const sql = "SELECT " PERSON_COLS " FROM persons WHERE iin = $1";
    qn_code rc = qs_check_str(err, "iin", iin, QN_STORE_IIN_LEN, true);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, iin);
    rc = qs_one(&q, "person", err);
    if (rc == QN_OK)
        read_person(&q, out);
    qs_done(&q);
    return rc;
}

qn_code qn_store_person_update(qn_store_conn *c, const qn_store_person *p, qn_err *err)
{
    static const char *const sql =
        "UPDATE persons SET kind = $1, surname = $2, given_names = $3, citizenship = $4, "
        "birth_date = $5, sex = $6, iin = $7 WHERE id = $8";
    qn_code rc = check_person(p, err);
    if (rc != QN_OK)
        return rc;
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    unsigned char before[QN_STORE_DIGEST_LEN];
    bool found = false;
    rc = qs_row_digest(c, person_digest, p->id, NULL, before, &found, err);
    if (rc == QN_OK && !found)
        rc = qn_err_set(err, QN_E_NOT_FOUND, "person %" PRId64 " not found", p->id);
    if (rc == QN_OK) {
        qs_q q;
        qs_init(&q, c, sql);
        bind_person(&q, p);
        qs_int(&q, 8, p->id);
        rc = qs_run(&q, err);
        qs_done(&q);
    }
    if (rc == QN_OK)
        rc = qs_audit_row(c, "update", "person", person_digest, p->id, NULL, before, err);
    return qs_wend(c, own, rc, err);
}

/* --------------------------------------------------------------- documents */

#define DOC_COLS "id, person_id, kind, number, country, issued, expires, created_at"

static qn_code read_document(qs_q *q, void *item)
{
    qn_store_document *d = item;
    d->id = qs_get_int(q, 0);
    d->person_id = qs_get_int(q, 1);
    QS_STR(q, 2, d->kind);
    QS_STR(q, 3, d->number);
    QS_STR(q, 4, d->country);
    d->issued = qs_get_date(q, 5);
    d->expires = qs_get_date(q, 6);
    d->created_at = qs_get_int(q, 7);
    return QN_OK;
}

qn_code qn_store_document_create(qn_store_conn *c, qn_store_document *d, qn_err *err)
{
    static const char *const sql =
        "INSERT INTO documents (person_id, kind, number, country, issued, expires, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *";
    QS_FIELD(err, d, kind, "kind");
    QS_FIELD(err, d, number, "number");
    QS_FIELD(err, d, country, "country");
    if (d->created_at == 0)
        d->created_at = qs_now();
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, d->person_id);
    qs_text(&q, 2, d->kind);
    qs_text(&q, 3, d->number);
    qs_text(&q, 4, d->country);
    qs_date(&q, 5, d->issued);
    qs_date(&q, 6, d->expires);
    qs_int(&q, 7, d->created_at);
    return insert_audited(c, &q, "document", &d->id, err);
}

qn_code qn_store_document_find(qn_store_conn *c, const char *country, const char *number,
                               qn_store_document *out, qn_err *err)
{
    static const char *const sql =
        "SELECT " DOC_COLS " FROM documents WHERE country = $1 AND number = $2";
    qn_code rc = qs_check_str(err, "country", country, 3, true);
    if (rc == QN_OK)
        rc = qs_check_str(err, "number", number, QN_STORE_NUMBER_MAX, true);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, country);
    qs_text(&q, 2, number);
    rc = qs_one(&q, "document", err);
    if (rc == QN_OK) {
        memset(out, 0, sizeof *out);
        read_document(&q, out);
    }
    qs_done(&q);
    return rc;
}

qn_code qn_store_document_list_person(qn_store_conn *c, int64_t person_id,
                                      qn_store_document_list *out, qn_err *err)
{
    static const char *const sql =
        "SELECT " DOC_COLS " FROM documents WHERE person_id = $1 ORDER BY id LIMIT 1000";
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, person_id);
    void *items;
    qn_code rc = qs_collect(&q, 1000, sizeof *out->items, read_document, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK)
        qn_store_document_list_free(out);
    return rc;
}

void qn_store_document_list_free(qn_store_document_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

/* ------------------------------------------------------------------- visas */


static qn_code read_visa(qs_q *q, void *item)
{
    qn_store_visa *v = item;
    v->id = qs_get_int(q, 0);
    v->person_id = qs_get_int(q, 1);
    QS_STR(q, 2, v->kind);
    QS_STR(q, 3, v->number);
    v->valid_from = qs_get_date(q, 4);
    v->valid_to = qs_get_date(q, 5);
    QS_STR(q, 6, v->entries);
    v->created_at = qs_get_int(q, 7);
    return QN_OK;
}

qn_code qn_store_visa_create(qn_store_conn *c, qn_store_visa *v, qn_err *err)
{
    static const char *const sql =
        "INSERT INTO visas (person_id, kind, number, valid_from, valid_to, entries, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *";
    QS_FIELD(err, v, kind, "kind");
    QS_FIELD(err, v, number, "number");
    QS_FIELD(err, v, entries, "entries");
    if (v->created_at == 0)
        v->created_at = qs_now();
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, v->person_id);
    qs_text(&q, 2, v->kind);
    qs_text(&q, 3, v->number);
    qs_date(&q, 4, v->valid_from);
    qs_date(&q, 5, v->valid_to);
    qs_text(&q, 6, v->entries);
    qs_int(&q, 7, v->created_at);
    return insert_audited(c, &q, "visa", &v->id, err);
}

qn_code qn_store_visa_list_person(qn_store_conn *c, int64_t person_id, qn_store_visa_list *out,
                                  qn_err *err)
{
    static const char *const sql =
        "SELECT id, person_id, kind, number, valid_from, valid_to, entries, created_at "
        "FROM visas WHERE person_id = $1 ORDER BY valid_from, id LIMIT 1000";
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, person_id);
    void *items;
    qn_code rc = qs_collect(&q, 1000, sizeof *out->items, read_visa, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK)
        qn_store_visa_list_free(out);
    return rc;
}

void qn_store_visa_list_free(qn_store_visa_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

/* --------------------------------------------------------------- crossings */


static qn_code read_crossing(qs_q *q, void *item)
{
    qn_store_crossing *x = item;
    x->id = qs_get_int(q, 0);
    x->person_id = qs_get_int(q, 1);
    QS_STR(q, 2, x->kind);
    x->date = qs_get_date(q, 3);
    QS_STR(q, 4, x->checkpoint);
    x->document_id = qs_get_null(q, 5) ? 0 : qs_get_int(q, 5);
    x->created_at = qs_get_int(q, 6);
    return QN_OK;
}

qn_code qn_store_crossing_create(qn_store_conn *c, qn_store_crossing *x, qn_err *err)
{
    static const char *const sql =
        "INSERT INTO crossings (person_id, kind, day, checkpoint, document_id, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING *";
    QS_FIELD(err, x, kind, "kind");
    QS_FIELD(err, x, checkpoint, "checkpoint");
    if (x->date == QN_DATE_NONE) {
        qn_err_set(err, QN_E_INVALID, "date is required");
        return qn_err_field(err, "date", "is required");
    }
    if (x->created_at == 0)
        x->created_at = qs_now();
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, x->person_id);
    qs_text(&q, 2, x->kind);
    qs_date(&q, 3, x->date);
    qs_text(&q, 4, x->checkpoint);
    qs_int_opt(&q, 5, x->document_id);
    qs_int(&q, 6, x->created_at);
    return insert_audited(c, &q, "crossing", &x->id, err);
}

qn_code qn_store_crossing_list_person(qn_store_conn *c, int64_t person_id,
                                      qn_store_crossing_list *out, qn_err *err)
{
    static const char *const sql =
        "SELECT id, person_id, kind, day, checkpoint, document_id, created_at FROM crossings "
        "WHERE person_id = $1 ORDER BY day, id LIMIT 10000";
    qs_q q;
    qs_init(&q, c, sql);
    qs_int(&q, 1, person_id);
    void *items;
    qn_code rc =
        qs_collect(&q, 10000, sizeof *out->items, read_crossing, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK)
        qn_store_crossing_list_free(out);
    return rc;
}

void qn_store_crossing_list_free(qn_store_crossing_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

/* ------------------------------------------------------------------- hosts */

#define HOST_COLS "id, COALESCE(account_id, 0), kind, iin_bin, name, created_at"

static void read_host(qs_q *q, qn_store_host *h)
{
    memset(h, 0, sizeof *h);
    h->id = qs_get_int(q, 0);
    h->account_id = qs_get_int(q, 1);
    QS_STR(q, 2, h->kind);
    QS_STR(q, 3, h->iin_bin);
    QS_STR(q, 4, h->name);
    h->created_at = qs_get_int(q, 5);
}

qn_code qn_store_host_create(qn_store_conn *c, qn_store_host *h, qn_err *err)
{
    static const char *const sql =
        "INSERT INTO hosts (account_id, kind, iin_bin, name, created_at) "
        "VALUES ($1, $2, $3, $4, $5) RETURNING *";
    QS_FIELD(err, h, kind, "kind");
    QS_FIELD(err, h, iin_bin, "iin_bin");
    QS_FIELD(err, h, name, "name");
    if (h->created_at == 0)
        h->created_at = qs_now();
    qs_q q;
    qs_init(&q, c, sql);
    qs_int_opt(&q, 1, h->account_id);
    qs_text(&q, 2, h->kind);
    qs_text(&q, 3, h->iin_bin);
    qs_text(&q, 4, h->name);
    qs_int(&q, 5, h->created_at);
    return insert_audited(c, &q, "host", &h->id, err);
}

static qn_code host_by(qn_store_conn *c, const char *sql, int64_t id, const char *text,
                       qn_store_host *out, qn_err *err)
{
    qs_q q;
    qs_init(&q, c, sql);
    if (text != NULL)
        qs_text(&q, 1, text);
    else
        qs_int(&q, 1, id);
    qn_code rc = qs_one(&q, "host", err);
    if (rc == QN_OK)
        read_host(&q, out);
    qs_done(&q);
    return rc;
}

qn_code qn_store_host_get(qn_store_conn *c, int64_t id, qn_store_host *out, qn_err *err)
{
    static const char *const sql = "SELECT " HOST_COLS " FROM hosts WHERE id = $1";
    return host_by(c, sql, id, NULL, out, err);
}

qn_code qn_store_host_by_iin_bin(qn_store_conn *c, const char *iin_bin, qn_store_host *out,
                                 qn_err *err)
{
    static const char *const sql = "SELECT " HOST_COLS " FROM hosts WHERE iin_bin = $1";
    qn_code rc = qs_check_str(err, "iin_bin", iin_bin, QN_STORE_IIN_LEN, true);
    if (rc != QN_OK)
        return rc;
    return host_by(c, sql, 0, iin_bin, out, err);
}

qn_code qn_store_host_by_account(qn_store_conn *c, int64_t account_id, qn_store_host *out,
                                 qn_err *err)
{
    static const char *const sql = "SELECT " HOST_COLS " FROM hosts WHERE account_id = $1";
    return host_by(c, sql, account_id, NULL, out, err);
}

/* ------------------------------------------------------ addresses, owners */

static const char *const address_digest = "SELECT * FROM addresses WHERE code = $1";

/* Insert first, then update: a concurrent put of the same new code waits on
 * the first one's uncommitted row (PostgreSQL) and then finds it, so each
 * writer digests what it really replaces (a SELECT ... FOR UPDATE locks
 * nothing while the row does not exist yet). */
qn_code qn_store_address_put(qn_store_conn *c, const qn_store_address *a, qn_err *err)
{
    static const char *const ins =
        "INSERT INTO addresses (code, region, address_text) VALUES ($1, $2, $3) "
        "ON CONFLICT (code) DO NOTHING";
    static const char *const upd =
        "UPDATE addresses SET region = $2, address_text = $3 WHERE code = $1";
    QS_FIELD(err, a, code, "code");
    QS_FIELD(err, a, region, "region");
    QS_FIELD(err, a, text, "text");
    qn_code rc = qs_check_str(err, "code", a->code, QN_STORE_NUMBER_MAX, true);
    if (rc != QN_OK)
        return rc;
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, ins);
    qs_text(&q, 1, a->code);
    qs_text(&q, 2, a->region);
    qs_text(&q, 3, a->text);
    rc = qs_run(&q, err);
    bool created = rc == QN_OK && q.changes > 0;
    qs_done(&q);
    unsigned char before[QN_STORE_DIGEST_LEN];
    bool found = false;
    if (rc == QN_OK && !created) {
        rc = qs_row_digest(c, address_digest, 0, a->code, before, &found, err);
        if (rc == QN_OK && !found)
            rc = qn_err_set(err, QN_E_INTERNAL, "address %s vanished during its update",
                            a->code);
        if (rc == QN_OK) {
            qs_init(&q, c, upd);
            qs_text(&q, 1, a->code);
            qs_text(&q, 2, a->region);
            qs_text(&q, 3, a->text);
            rc = qs_run(&q, err);
            qs_done(&q);
        }
    }
    if (rc == QN_OK)
        rc = qs_audit_row(c, created ? "create" : "update", "address", address_digest, 0,
                          a->code, created ? NULL : before, err);
    return qs_wend(c, own, rc, err);
}

qn_code qn_store_address_get(qn_store_conn *c, const char *code, qn_store_address *out,
                             qn_err *err)
{
    static const char *const sql =
        "SELECT code, region, address_text FROM addresses WHERE code = $1";
    qn_code rc = qs_check_str(err, "code", code, QN_STORE_NUMBER_MAX, true);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, sql);
    qs_text(&q, 1, code);
    rc = qs_one(&q, "address", err);
    if (rc == QN_OK) {
        memset(out, 0, sizeof *out);
        QS_STR(&q, 0, out->code);
        QS_STR(&q, 1, out->region);
        QS_STR(&q, 2, out->text);
    }
    qs_done(&q);
    return rc;
}

static const char *const owners_digest_sql =
    "SELECT address_code, owner_iin, share_num, share_den, role FROM property_owners "
    "WHERE address_code = $1 ORDER BY owner_iin";

/* One digest over every owner row of an address. */
static qn_code owners_digest(qn_store_conn *c, const char *code,
                             unsigned char out[QN_STORE_DIGEST_LEN], qn_err *err)
{
    qs_q q;
    qs_init(&q, c, owners_digest_sql);
    qs_text(&q, 1, code);
    char *acc = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&acc, &len);
    if (f == NULL)
        return qn_err_set(err, QN_E_NOMEM, "out of memory");
    int r;
    while ((r = qs_step(&q, err)) == 1)
        fprintf(f, "%s %s %s/%s %s\n", qs_get_text(&q, 0), qs_get_text(&q, 1), qs_get_text(&q, 2),
                qs_get_text(&q, 3), qs_get_text(&q, 4));
    qs_done(&q);
    fclose(f);
    if (r == 0)
        qs_sha256(acc, len, out);
    free(acc);
    return r < 0 ? (err != NULL && err->code != QN_OK ? err->code : QN_E_INTERNAL) : QN_OK;
}

qn_code qn_store_owners_replace(qn_store_conn *c, const char *address_code,
                                const qn_store_owner *owners, size_t n, qn_err *err)
{
    static const char *const del = "DELETE FROM property_owners WHERE address_code = $1";
    static const char *const ins = "INSERT INTO property_owners (address_code, owner_iin, "
                                   "share_num, share_den, role) VALUES ($1, $2, $3, $4, $5)";
    qn_code rc = qs_check_str(err, "address_code", address_code, QN_STORE_NUMBER_MAX, true);
    if (rc != QN_OK)
        return rc;
    if (n > 10000)
        return qn_err_set(err, QN_E_TOO_LARGE, "more than 10000 owners of one address");
    for (size_t i = 0; i < n; i++) {
        QS_FIELD(err, &owners[i], owner_iin, "owner_iin");
        QS_FIELD(err, &owners[i], role, "role");
    }
    bool own;
    rc = qs_wbegin(c, &own, err);
    if (rc != QN_OK)
        return rc;
    unsigned char before[QN_STORE_DIGEST_LEN], after[QN_STORE_DIGEST_LEN];
    rc = owners_digest(c, address_code, before, err);
    if (rc == QN_OK) {
        qs_q q;
        qs_init(&q, c, del);
        qs_text(&q, 1, address_code);
        rc = qs_run(&q, err);
        qs_done(&q);
    }
    for (size_t i = 0; rc == QN_OK && i < n; i++) {
        qs_q q;
        qs_init(&q, c, ins);
        qs_text(&q, 1, address_code);
        qs_text(&q, 2, owners[i].owner_iin);
        qs_int(&q, 3, owners[i].share_num);
        qs_int(&q, 4, owners[i].share_den);
        qs_text(&q, 5, owners[i].role[0] ? owners[i].role : "owner"); /* apps: "" is an owner */
        rc = qs_run(&q, err);
        qs_done(&q);
        if (rc != QN_OK) {
            char msg[sizeof err->message];
            snprintf(msg, sizeof msg, "%s", err != NULL ? err->message : "");
            qn_err_set(err, rc, "owner %zu (%s): %s", i, owners[i].owner_iin, msg);
        }
    }
    if (rc == QN_OK)
        rc = owners_digest(c, address_code, after, err);
    if (rc == QN_OK)
        rc = qs_audit(c, "replace_owners", "address", address_code, before, after, err);
    return qs_wend(c, own, rc, err);
}

static qn_code read_owner(qs_q *q, void *item)
{
    qn_store_owner *o = item;
    QS_STR(q, 0, o->address_code);
    QS_STR(q, 1, o->owner_iin);
    o->share_num = (int32_t)qs_get_int(q, 2);
    o->share_den = (int32_t)qs_get_int(q, 3);
    QS_STR(q, 4, o->role);
    return QN_OK;
}

qn_code qn_store_owners_list(qn_store_conn *c, const char *address_code,
                             qn_store_owner_list *out, qn_err *err)
{
    qn_code rc = qs_check_str(err, "address_code", address_code, QN_STORE_NUMBER_MAX, true);
    if (rc != QN_OK)
        return rc;
    qs_q q;
    qs_init(&q, c, owners_digest_sql);
    qs_text(&q, 1, address_code);
    void *items;
    rc = qs_collect(&q, 10000, sizeof *out->items, read_owner, &items, &out->count, err);
    out->items = items;
    qs_done(&q);
    if (rc != QN_OK)
        qn_store_owner_list_free(out);
    return rc;
}

void qn_store_owner_list_free(qn_store_owner_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}
