/* crossing.c — the border crossing feed (see crossing.h).
 *
 * Two passes: the checks that need no records (per row, before the
 * transaction), then in one transaction, row by row in order: find the
 * person by document (or record person and document on first sight of an
 * entry), refuse an exit with no entry on or before it, and record the
 * crossing unless the same one is on record. A failing row writes nothing:
 * every check that can fail comes before its first write.
 */
#include "service/crossing.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/regions.h"
#include "service/service_internal.h"

static bool is_alpha3(const char *s)
{
    return s && strlen(s) == 3 && isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]) &&
           isupper((unsigned char)s[2]);
}

static void copy(char *dst, size_t n, const char *src) { snprintf(dst, n, "%s", src ? src : ""); }

/* Checks of one row that need no records. */
static qn_code check_row(const qn_crossing_in *in, qn_date_t today, qn_err *e)
{
    char d[QN_DATE_STRLEN];
    if (!is_alpha3(in->citizenship))
        qn_err_field(e, "citizenship", "must be an ISO 3166-1 alpha-3 code such as DEU");
    else if (strcmp(in->citizenship, "KAZ") == 0)
        qn_err_field(e, "citizenship", "is KAZ: the feed records foreigners and stateless persons");
    if (!in->document_number || !in->document_number[0] || strlen(in->document_number) > QN_STORE_NUMBER_MAX)
        qn_err_field(e, "document_number", "must be 1..%d characters", QN_STORE_NUMBER_MAX);
    if (!in->kind || (strcmp(in->kind, "entry") != 0 && strcmp(in->kind, "exit") != 0))
        qn_err_field(e, "kind", "must be entry or exit");
    if (in->date == QN_DATE_NONE)
        qn_err_field(e, "date", "is required");
    else if (in->date > today)
        qn_err_field(e, "date", "is in the future (today is %s)", qn_date_format(today, d));
    if (!in->checkpoint || !in->checkpoint[0] || strlen(in->checkpoint) > QN_STORE_NAME_MAX)
        qn_err_field(e, "checkpoint", "must be 1..%d characters", QN_STORE_NAME_MAX);
    if (!in->region || !qn_region_find(in->region))
        qn_err_field(e, "region", "must be the region code of the checkpoint (GET /api/v1/regions)");
    if (in->sex && strcmp(in->sex, "M") && strcmp(in->sex, "F") && strcmp(in->sex, "X"))
        qn_err_field(e, "sex", "must be M, F or X");
    if (in->birth_date != QN_DATE_NONE && in->date != QN_DATE_NONE && in->birth_date > in->date)
        qn_err_field(e, "birth_date", "is after the crossing");
    return e && e->code != QN_OK ? e->code : QN_OK;
}

/* Finds the person by document; records person and document on first sight
 * of an entry. *person_id 0 with QN_OK: not on record (an exit). */
static qn_code resolve(qn_store_conn *conn, const qn_crossing_in *in, int64_t *person_id, int64_t *doc_id,
                       qn_err *e)
{
    *person_id = 0;
    *doc_id = 0;
    qn_store_document d;
    qn_err miss;
    qn_err_clear(&miss);
    qn_code rc = qn_store_document_find(conn, in->citizenship, in->document_number, &d, &miss);
    if (rc == QN_OK) {
        *person_id = d.person_id;
        *doc_id = d.id;
        return QN_OK;
    }
    if (rc != QN_E_NOT_FOUND) {
        if (e)
            *e = miss;
        return rc;
    }
    if (strcmp(in->kind, "entry") != 0)
        return QN_OK;
    if (!in->surname)
        qn_err_field(e, "surname", "is required on the first crossing of this document");
    if (!in->given_names)
        qn_err_field(e, "given_names", "is required on the first crossing of this document");
    if (in->birth_date == QN_DATE_NONE)
        qn_err_field(e, "birth_date", "is required on the first crossing of this document");
    if (!in->sex)
        qn_err_field(e, "sex", "is required on the first crossing of this document");
    if (e && e->code != QN_OK)
        return e->code;
    bool stateless = strcmp(in->citizenship, "XXA") == 0;
    qn_store_person p;
    memset(&p, 0, sizeof p);
    copy(p.kind, sizeof p.kind, stateless ? "stateless" : "foreigner");
    copy(p.surname, sizeof p.surname, in->surname);
    copy(p.given_names, sizeof p.given_names, in->given_names);
    copy(p.citizenship, sizeof p.citizenship, in->citizenship);
    p.birth_date = in->birth_date;
    copy(p.sex, sizeof p.sex, in->sex);
    rc = qn_store_person_create(conn, &p, e);
    if (rc != QN_OK)
        return rc;
    memset(&d, 0, sizeof d);
    d.person_id = p.id;
    copy(d.kind, sizeof d.kind, stateless ? "stateless_travel" : "passport");
    copy(d.number, sizeof d.number, in->document_number);
    copy(d.country, sizeof d.country, in->citizenship);
    d.issued = QN_DATE_NONE;
    d.expires = in->document_expires;
    rc = qn_store_document_create(conn, &d, e);
    if (rc == QN_OK) {
        *person_id = p.id;
        *doc_id = d.id;
    }
    return rc;
}

/* True when the person has an entry on record on or before day. */
static qn_code has_entry_before(qn_store_conn *conn, int64_t person_id, qn_date_t day, bool *yes, qn_err *e)
{
    *yes = false;
    qn_store_crossing_list xs = {0};
    qn_code rc = qn_store_crossing_list_person(conn, person_id, &xs, e);
    for (size_t i = 0; rc == QN_OK && i < xs.count; i++)
        if (strcmp(xs.items[i].kind, "entry") == 0 && xs.items[i].date <= day)
            *yes = true;
    qn_store_crossing_list_free(&xs);
    return rc;
}

static bool fail_row(qn_crossing_row *row, const qn_err *err)
{
    if (!row->err)
        row->err = malloc(sizeof *row->err);
    if (!row->err)
        return false;
    *row->err = *err;
    row->ok = false;
    return true;
}

void qn_crossing_rows_clear(qn_crossing_row *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++) {
        free(rows[i].err);
        rows[i].err = NULL;
    }
}

/* One row inside the transaction. A row error (not a store failure) is
 * returned as QN_E_INVALID with *row_error true. */
static qn_code record_row(qn_svc_ctx *ctx, qn_store_conn *conn, qn_crossing_row *row, bool *row_error,
                          qn_err *e)
{
    const qn_crossing_in *in = row->in;
    *row_error = false;
    int64_t person_id = 0, doc_id = 0;
    qn_err local;
    qn_err_clear(&local);
    qn_code rc = resolve(conn, in, &person_id, &doc_id, &local);
    if (rc == QN_E_INVALID && local.n_fields > 0) {
        *row_error = true;
        *e = local;
        return rc;
    }
    if (rc != QN_OK) {
        *e = local;
        return rc;
    }
    char d[QN_DATE_STRLEN];
    if (strcmp(in->kind, "exit") == 0) {
        bool ok = false;
        if (person_id != 0) {
            rc = has_entry_before(conn, person_id, in->date, &ok, e);
            if (rc != QN_OK)
                return rc;
        }
        if (!ok) {
            *row_error = true;
            return qn_err_field(e, "date", "an exit on %s with no entry on record on or before it",
                                qn_date_format(in->date, d));
        }
    }
    qn_store_crossing x;
    memset(&x, 0, sizeof x);
    x.person_id = person_id;
    copy(x.kind, sizeof x.kind, in->kind);
    x.date = in->date;
    copy(x.checkpoint, sizeof x.checkpoint, in->checkpoint);
    x.document_id = doc_id;
    x.created_at = ctx->now;
    bool created = false;
    rc = qn_store_crossing_record(conn, &x, in->region, &created, e);
    if (rc == QN_OK) {
        row->ok = true;
        row->id = x.id;
        row->person_id = person_id;
        row->created = created;
    }
    return rc;
}

qn_code qn_svc_crossings_record(qn_svc_ctx *ctx, qn_crossing_row *rows, size_t n, const char *idem_key,
                                const unsigned char body_digest[32], qn_crossing_render render,
                                void *render_user, qn_idem_replay *replay, size_t *n_ok, qn_err *e)
{
    *n_ok = 0;
    if (replay)
        memset(replay, 0, sizeof *replay);
    if (ctx->who->role != QN_ROLE_BORDER)
        return qn_err_set(e, QN_E_FORBIDDEN, "only the border service records crossings; you are %s",
                          qn_role_name(ctx->who->role));
    if (n > QN_CROSSING_BATCH_MAX)
        return qn_err_set(e, QN_E_TOO_LARGE, "a batch holds at most %d crossings (got %zu)",
                          QN_CROSSING_BATCH_MAX, n);
    qn_date_t today = qn_svc_today(ctx);
    qn_err scratch;
    for (size_t i = 0; i < n; i++) {
        if (!rows[i].in) {
            rows[i].ok = false;
            continue;
        }
        qn_err_clear(&scratch);
        rows[i].ok = false;
        if (check_row(rows[i].in, today, &scratch) != QN_OK && !fail_row(&rows[i], &scratch))
            return qn_err_set(e, QN_E_NOMEM, "out of memory");
    }
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    rc = qn_store_begin(c.conn, e);
    if (rc != QN_OK)
        goto done;
    if (idem_key && replay && render) {
        qn_store_idem idem = {0};
        rc = qn_store_idem_claim(c.conn, ctx->who->account_id, idem_key, body_digest, &idem, e);
        if (rc != QN_OK)
            goto done;
        if (idem.replay) {
            replay->replay = true;
            replay->status = idem.status;
            replay->body = idem.body;
            idem.body = NULL;
            qn_store_idem_clear(&idem);
            qn_store_rollback(c.conn);
            goto done;
        }
        qn_store_idem_clear(&idem);
    }
    for (size_t i = 0; rc == QN_OK && i < n; i++) {
        if (!rows[i].in || rows[i].err)
            continue;
        qn_err_clear(&scratch);
        bool row_error = false;
        qn_code r = record_row(ctx, c.conn, &rows[i], &row_error, &scratch);
        if (r == QN_OK) {
            (*n_ok)++;
        } else if (row_error) {
            if (!fail_row(&rows[i], &scratch))
                rc = qn_err_set(e, QN_E_NOMEM, "out of memory");
        } else {
            if (e)
                *e = scratch;
            rc = r;
        }
    }
    if (rc == QN_OK && *n_ok == 0) {
        /* Nothing recorded: keep no idempotency key, so a corrected retry runs. */
        qn_store_rollback(c.conn);
        goto done;
    }
    if (rc == QN_OK && idem_key && replay && render) {
        char *body = render(rows, n, render_user);
        if (!body)
            rc = qn_err_set(e, QN_E_NOMEM, "out of memory");
        else
            rc = qn_store_idem_finish(c.conn, ctx->who->account_id, idem_key,
                                      n == 1 && rows[0].ok ? (rows[0].created ? 201 : 200) : 200, body, e);
        free(body);
    }
    if (rc == QN_OK)
        rc = qn_store_commit(c.conn, e);
done:
    qn_svc_release(ctx, &c);
    return rc;
}
