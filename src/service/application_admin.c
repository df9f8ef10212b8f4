/* application_admin.c — what surrounds the cases: the route-group guards,
 * the population register as its persons see it, the property table's
 * import and the senior-officer mark (see application.h).
 *
 * The register. A registration is shown to the person registered (by the
 * account's IIN) and to whoever applied for it: a parent who registered a
 * child, a representative, and a permanent resident whose entry is kept
 * under the identity document (DOC:<country>:<number>), since that is not
 * the account's IIN. Seed 002: the result is "visible to the applicant".
 *
 * The property table (the address register's data, seed 002: "using the
 * address registration code ... the data on the owner"). Every address is
 * imported with at least one owner (an address without one would let a
 * registration skip the owner's consent); each owner is "owner" or
 * "co_owner" as the register names them, and when the import names no
 * roles, a sole owner is the owner and several owners are co-owners of
 * common property, each consenting as a co-owner.
 */
#include "service/application_internal.h"

#include "core/ident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Newest first: valid_from descending, then id descending. */
static int by_newest(const void *x, const void *y)
{
    const qn_store_residence *a = x, *b = y;
    if (a->valid_from != b->valid_from)
        return a->valid_from > b->valid_from ? -1 : 1;
    return a->id > b->id ? -1 : (a->id < b->id ? 1 : 0);
}

qn_code qn_svc_my_registration(qn_svc_ctx *ctx, qn_store_residence_list *out, qn_err *e)
{
    qn_err_clear(e);
    memset(out, 0, sizeof *out);
    if (ctx->who->role == QN_ROLE_NONE)
        return qn_err_set(e, QN_E_UNAUTHORIZED, "log in first");
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    qn_store_residence_list own = {0}, applied = {0};
    if (rc == QN_OK && strlen(ctx->who->party_id) == 12)
        rc = qn_store_residences(c.conn, ctx->who->party_id, &own, e);
    if (rc == QN_OK)
        rc = qn_store_residences_by_applicant(c.conn, ctx->who->account_id, &applied, e);
    qn_svc_release(ctx, &c);
    size_t cap = own.count + applied.count;
    if (rc == QN_OK && cap > 0) {
        out->items = calloc(cap, sizeof *out->items);
        if (out->items == NULL)
            rc = qn_err_set(e, QN_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; rc == QN_OK && out->items && i < own.count; i++)
        out->items[out->count++] = own.items[i];
    for (size_t i = 0; rc == QN_OK && out->items && i < applied.count; i++) {
        bool seen = false;
        for (size_t j = 0; j < own.count && !seen; j++)
            seen = own.items[j].id == applied.items[i].id;
        if (!seen)
            out->items[out->count++] = applied.items[i];
    }
    if (rc == QN_OK && out->items && out->count > 1)
        qsort(out->items, out->count, sizeof *out->items, by_newest);
    qn_store_residence_list_free(&own);
    qn_store_residence_list_free(&applied);
    return rc;
}

/* Checks one row of a property import and fills in the owners' roles;
 * field errors under rows[i]. */
static void check_row(qn_property_in *row, size_t i, qn_err *e)
{
    char f[64];
    snprintf(f, sizeof f, "rows[%zu].owners", i);
    if (row->n_owners == 0) {
        qn_err_field(e, f, "must name at least one owner of the address");
        return;
    }
    for (size_t j = 0; j < row->n_owners; j++) {
        qn_store_owner *o = &row->owners[j];
        snprintf(f, sizeof f, "rows[%zu].owners[%zu]", i, j);
        if (!qn_iin_check(o->owner_iin, strlen(o->owner_iin), NULL) &&
            !qn_bin_check(o->owner_iin, strlen(o->owner_iin), NULL))
            qn_err_field(e, f, "'%s' is not a valid IIN or BIN", o->owner_iin);
        if (o->role[0] == '\0')
            snprintf(o->role, sizeof o->role, "%s", row->n_owners == 1 ? "owner" : "co_owner");
        else if (strcmp(o->role, "owner") != 0 && strcmp(o->role, "co_owner") != 0)
            qn_err_field(e, f, "role must be \"owner\" or \"co_owner\"");
        for (size_t k = 0; k < j; k++)
            if (strcmp(row->owners[k].owner_iin, o->owner_iin) == 0)
                qn_err_field(e, f, "'%s' is listed twice", o->owner_iin);
    }
}

qn_code qn_svc_property_import(qn_svc_ctx *ctx, qn_property_in *rows, size_t n, qn_err *e)
{
    qn_err_clear(e);
    if (ctx->who->role == QN_ROLE_NONE)
        return qn_err_set(e, QN_E_UNAUTHORIZED, "log in first");
    if (ctx->who->role != QN_ROLE_ADMIN)
        return qn_err_set(e, QN_E_FORBIDDEN, "only the administrator imports property");
    qn_err v;
    qn_err_clear(&v);
    for (size_t i = 0; i < n; i++)
        check_row(&rows[i], i, &v);
    if (v.code != QN_OK) {
        snprintf(v.message, sizeof v.message, "the property import was refused: nothing was imported");
        *e = v;
        return v.code;
    }
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
