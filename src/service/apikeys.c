/* apikeys.c — listing and revoking the API keys of hotels' property-
 * management systems (see auth.h). Creation is in auth.c.
 *
 * Who owns a key: the account that created it; a hotel (or legal entity)
 * is all the operator accounts of one BIN, so every operator of the hotel
 * sees and may revoke the hotel's keys. A border account's keys are its
 * own. An administrator manages every account's keys but must name the
 * account when listing. Keys are found by id only among the keys the caller
 * may manage, so another hotel's key id answers 404 like a missing one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/auth.h"
#include "service/service_internal.h"

#define MAX_OPERATORS 100

static bool may_manage_keys(qn_role r)
{
    return r == QN_ROLE_HOTEL || r == QN_ROLE_HOST_LEGAL || r == QN_ROLE_BORDER || r == QN_ROLE_ADMIN;
}

/* The accounts whose keys the (non-admin) caller manages. */
static qn_code owned_accounts(qn_store_conn *conn, const qn_principal *who, int64_t *ids, size_t *n,
                              qn_err *e)
{
    *n = 0;
    if (who->role != QN_ROLE_BORDER && who->party_id[0]) {
        qn_code rc = qn_store_accounts_by_iin_bin(conn, who->party_id, ids, MAX_OPERATORS, n, e);
        if (rc != QN_OK)
            return rc;
    }
    for (size_t i = 0; i < *n; i++)
        if (ids[i] == who->account_id)
            return QN_OK;
    if (*n < MAX_OPERATORS)
        ids[(*n)++] = who->account_id;
    return QN_OK;
}

static void view_of(const qn_store_apikey *k, qn_apikey_view *v)
{
    memset(v, 0, sizeof *v);
    v->id = k->id;
    v->account_id = k->account_id;
    snprintf(v->label, sizeof v->label, "%s", k->label);
    v->revoked = k->revoked;
    v->created_at = k->created_at;
}

static qn_code append_keys(qn_store_conn *conn, int64_t account_id, qn_apikey_list *out, qn_err *e)
{
    qn_store_apikey_list l = {0};
    qn_code rc = qn_store_apikey_list_account(conn, account_id, &l, e);
    if (rc != QN_OK)
        return rc;
    if (l.count > 0) {
        qn_apikey_view *grown = realloc(out->items, (out->count + l.count) * sizeof *grown);
        if (!grown) {
            qn_store_apikey_list_free(&l);
            return qn_err_set(e, QN_E_NOMEM, "out of memory");
        }
        out->items = grown;
        for (size_t i = 0; i < l.count; i++)
            view_of(&l.items[i], &out->items[out->count++]);
    }
    qn_store_apikey_list_free(&l);
    return QN_OK;
}

qn_code qn_svc_apikey_list(qn_svc_ctx *ctx, int64_t account_id, qn_apikey_list *out, qn_err *e)
{
    memset(out, 0, sizeof *out);
    const qn_principal *who = ctx->who;
    if (!may_manage_keys(who->role))
        return qn_err_set(e, QN_E_FORBIDDEN, "a %s has no API keys", qn_role_name(who->role));
    if (who->role == QN_ROLE_ADMIN && account_id <= 0)
        return qn_err_field(e, "account_id", "is required: the account whose keys to list");
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    if (who->role == QN_ROLE_ADMIN) {
        qn_store_account a;
        rc = qn_store_account_get(c.conn, account_id, &a, e);
        if (rc == QN_OK)
            rc = append_keys(c.conn, account_id, out, e);
    } else {
        int64_t ids[MAX_OPERATORS];
        size_t n = 0;
        rc = owned_accounts(c.conn, who, ids, &n, e);
        bool named = account_id <= 0;
        for (size_t i = 0; rc == QN_OK && i < n; i++)
            if (account_id <= 0 || ids[i] == account_id) {
                named = true;
                rc = append_keys(c.conn, ids[i], out, e);
            }
        if (rc == QN_OK && !named)
            rc = qn_err_set(e, QN_E_NOT_FOUND, "no account %lld of yours", (long long)account_id);
    }
    qn_svc_release(ctx, &c);
    if (rc != QN_OK)
        qn_apikey_list_free(out);
    return rc;
}

void qn_apikey_list_free(qn_apikey_list *l)
{
    if (!l)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

qn_code qn_svc_apikey_revoke(qn_svc_ctx *ctx, int64_t id, qn_apikey_view *out, qn_err *e)
{
    memset(out, 0, sizeof *out);
    const qn_principal *who = ctx->who;
    if (!may_manage_keys(who->role))
        return qn_err_set(e, QN_E_FORBIDDEN, "a %s has no API keys", qn_role_name(who->role));
    if (who->via == QN_CRED_API_KEY)
        return qn_err_set(e, QN_E_FORBIDDEN, "an API key cannot revoke API keys; log in");
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    /* Find the key among those the caller manages (all, for the admin). */
    int64_t ids[MAX_OPERATORS];
    size_t n = 0;
    bool found = false;
    if (who->role == QN_ROLE_ADMIN) {
        /* The admin names any key; its owner is read back after the revoke. */
        found = true;
    } else {
        rc = owned_accounts(c.conn, who, ids, &n, e);
        for (size_t i = 0; rc == QN_OK && !found && i < n; i++) {
            qn_store_apikey_list l = {0};
            rc = qn_store_apikey_list_account(c.conn, ids[i], &l, e);
            for (size_t k = 0; rc == QN_OK && k < l.count; k++)
                if (l.items[k].id == id) {
                    found = true;
                    view_of(&l.items[k], out);
                }
            qn_store_apikey_list_free(&l);
        }
    }
    if (rc == QN_OK && !found)
        rc = qn_err_set(e, QN_E_NOT_FOUND, "no API key %lld of yours", (long long)id);
    if (rc == QN_OK)
        rc = qn_store_apikey_revoke(c.conn, id, e);
    if (rc == QN_E_NOT_FOUND)
        qn_err_set(e, QN_E_NOT_FOUND, "no API key %lld%s", (long long)id,
                   who->role == QN_ROLE_ADMIN ? "" : " of yours");
    qn_svc_release(ctx, &c);
    if (rc != QN_OK)
        return rc;
    out->id = id;
    out->revoked = true;
    return QN_OK;
}
