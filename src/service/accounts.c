/* accounts.c — creating, disabling and listing accounts (see accounts.h).
 *
 * A host account also gets (or joins) the host record of its IIN/BIN; the
 * host record's account is the one whose notifications every operator of
 * that BIN sees, so a hotel's operators share one list.
 */
#include "service/accounts.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/regions.h"
#include "service/service_internal.h"

#define DEMO_MARK "[demo] "

static void view_from(const qn_store_account *a, qn_account_view *v)
{
    memset(v, 0, sizeof *v);
    v->id = a->id;
    snprintf(v->username, sizeof v->username, "%s", a->username);
    v->role = qn_svc_role_of(a);
    snprintf(v->display_name, sizeof v->display_name, "%s", a->display_name);
    snprintf(v->iin_bin, sizeof v->iin_bin, "%s", a->iin_bin);
    snprintf(v->region, sizeof v->region, "%s", a->region);
    v->disabled = a->disabled;
    v->created_at = a->created_at;
}

static bool username_ok(const char *u)
{
    size_t n = strlen(u);
    if (n < 3 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)u[i]) && u[i] != '.' && u[i] != '_' && u[i] != '-')
            return false;
    return true;
}

static const char *host_kind(qn_role role)
{
    switch (role) {
    case QN_ROLE_HOST_INDIVIDUAL:
        return "individual";
    case QN_ROLE_HOST_LEGAL:
        return "legal";
    case QN_ROLE_HOTEL:
        return "hotel";
    default:
        return "";
    }
}

static qn_code validate(qn_svc_ctx *ctx, const qn_account_in *in, bool check_password, qn_err *e)
{
    if (!in->username || !username_ok(in->username))
        qn_err_field(e, "username", "must be 3..64 characters of letters, digits, '.', '_' or '-'");
    size_t pl = in->password ? strlen(in->password) : 0;
    /* OWASP ASVS 4.0 2.1.1: user-set passwords of at least 12 characters
     * (docs/security.md); 128 bounds the argon2id input. */
    if (pl == 0 || pl > 128 || (check_password && pl < 12))
        qn_err_field(e, "password", "must be 12..128 bytes");
    if (in->role <= QN_ROLE_NONE || in->role >= QN_ROLE_COUNT)
        qn_err_field(e, "role", "is not a role");
    if (in->display_name && strlen(in->display_name) > QN_STORE_NAME_MAX)
        qn_err_field(e, "display_name", "is longer than %d bytes", QN_STORE_NAME_MAX);
    if (in->role == QN_ROLE_HOST_INDIVIDUAL) {
        if (!in->iin_bin)
            qn_err_field(e, "iin_bin", "is required for a host-individual (the host's IIN)");
        else
            qn_svc_check_iin_adult(in->iin_bin, qn_svc_today(ctx), "iin_bin", e);
    } else if (in->role == QN_ROLE_HOST_LEGAL || in->role == QN_ROLE_HOTEL) {
        if (!in->iin_bin)
            qn_err_field(e, "iin_bin", "is required for a %s (the BIN)", qn_role_name(in->role));
        else
            qn_svc_check_bin(in->iin_bin, "iin_bin", e);
    } else if (in->iin_bin && in->iin_bin[0]) {
        /* Personal accounts (citizen, foreigner, officers, analyst, admin)
         * may be bound to their holder's IIN: it links a foreigner to their
         * own stay record and a person to their signature certificate. */
        qn_svc_check_iin(in->iin_bin, "iin_bin", e);
    }
    if (in->role == QN_ROLE_OFFICER) {
        if (!in->region || !qn_region_find(in->region))
            qn_err_field(e, "region", "must be one of the 20 region codes (see GET /api/v1/regions)");
    } else if (in->region && in->region[0]) {
        qn_err_field(e, "region", "applies only to officer accounts");
    }
    return e ? e->code : QN_OK;
}

static qn_code create(qn_svc_ctx *ctx, const qn_account_in *in, bool check_password, qn_account_view *out,
                      qn_err *e)
{
    qn_code rc = validate(ctx, in, check_password, e);
    if (rc != QN_OK)
        return rc;
    qn_store_account a;
    memset(&a, 0, sizeof a);
    snprintf(a.username, sizeof a.username, "%s", in->username);
    snprintf(a.role, sizeof a.role, "%s", qn_svc_store_role(in->role));
    snprintf(a.host_kind, sizeof a.host_kind, "%s", host_kind(in->role));
    snprintf(a.display_name, sizeof a.display_name, "%s", in->display_name ? in->display_name : in->username);
    if (in->iin_bin)
        snprintf(a.iin_bin, sizeof a.iin_bin, "%s", in->iin_bin);
    if (in->region)
        snprintf(a.region, sizeof a.region, "%s", in->region);
    a.created_at = ctx->now;
    rc = qn_svc_hash_password(ctx->svc, in->password, a.password_hash, e);
    if (rc != QN_OK)
        return rc;
    qn_svc_conn c = {0};
    rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    rc = qn_store_begin(c.conn, e);
    if (rc == QN_OK)
        rc = qn_store_account_create(c.conn, &a, e);
    if (rc == QN_OK && qn_role_is_host(in->role)) {
        qn_store_host h;
        qn_err miss;
        qn_err_clear(&miss);
        qn_code found = qn_store_host_by_iin_bin(c.conn, a.iin_bin, &h, &miss);
        if (found == QN_E_NOT_FOUND) {
            memset(&h, 0, sizeof h);
            h.account_id = a.id;
            snprintf(h.kind, sizeof h.kind, "%s", a.host_kind);
            snprintf(h.iin_bin, sizeof h.iin_bin, "%s", a.iin_bin);
            snprintf(h.name, sizeof h.name, "%s", a.display_name);
            rc = qn_store_host_create(c.conn, &h, e);
        } else if (found != QN_OK) {
            if (e)
                *e = miss;
            rc = found;
        } else if (strcmp(h.kind, a.host_kind) != 0) {
            rc = qn_err_field(e, "iin_bin", "is already registered as a host of kind %s", h.kind);
        }
    }
    if (rc == QN_OK)
        rc = qn_store_commit(c.conn, e);
    qn_svc_release(ctx, &c);
    if (rc == QN_OK)
        view_from(&a, out);
    return rc;
}

qn_code qn_svc_account_create(qn_svc_ctx *ctx, const qn_account_in *in, qn_account_view *out, qn_err *e)
{
    if (ctx->who->role != QN_ROLE_ADMIN)
        return qn_err_set(e, QN_E_FORBIDDEN, "only an administrator creates accounts");
    if (in->display_name && strncmp(in->display_name, DEMO_MARK, strlen(DEMO_MARK)) == 0)
        return qn_err_field(e, "display_name", "must not start with \"%s\"", DEMO_MARK);
    return create(ctx, in, true, out, e);
}

qn_code qn_svc_account_create_unchecked(qn_svc_ctx *ctx, const qn_account_in *in, qn_account_view *out,
                                        qn_err *e)
{
    return create(ctx, in, false, out, e);
}

qn_code qn_svc_account_set_disabled(qn_svc_ctx *ctx, int64_t id, bool disabled, qn_account_view *out,
                                    qn_err *e)
{
    if (ctx->who->role != QN_ROLE_ADMIN)
        return qn_err_set(e, QN_E_FORBIDDEN, "only an administrator disables accounts");
    if (id == ctx->who->account_id && disabled)
        return qn_err_set(e, QN_E_CONFLICT, "an administrator cannot disable their own account");
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    qn_store_account a;
    rc = qn_store_begin(c.conn, e);
    if (rc == QN_OK)
        rc = qn_store_account_get(c.conn, id, &a, e);
    if (rc == QN_OK) {
        a.disabled = disabled;
        rc = qn_store_account_update(c.conn, &a, e);
    }
    if (rc == QN_OK && disabled)
        rc = qn_store_session_delete_account(c.conn, id, NULL, e);
    if (rc == QN_OK)
        rc = qn_store_commit(c.conn, e);
    qn_svc_release(ctx, &c);
    if (rc == QN_E_NOT_FOUND)
        rc = qn_err_set(e, QN_E_NOT_FOUND, "no account %lld", (long long)id);
    if (rc == QN_OK)
        view_from(&a, out);
    return rc;
}

qn_code qn_svc_account_list(qn_svc_ctx *ctx, qn_role role, int64_t offset, int64_t limit,
                            qn_account_list *out, qn_err *e)
{
    out->items = NULL;
    out->count = 0;
    if (ctx->who->role != QN_ROLE_ADMIN)
        return qn_err_set(e, QN_E_FORBIDDEN, "only an administrator lists accounts");
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    qn_store_account_list l = {0};
    rc = qn_store_account_list_by_role(c.conn, role == QN_ROLE_NONE ? NULL : qn_svc_store_role(role), offset,
                                       limit, &l, e);
    qn_svc_release(ctx, &c);
    if (rc != QN_OK)
        return rc;
    out->items = calloc(l.count ? l.count : 1, sizeof *out->items);
    if (!out->items) {
        qn_store_account_list_free(&l);
        return qn_err_set(e, QN_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < l.count; i++) {
        qn_role r = qn_svc_role_of(&l.items[i]);
        if (role != QN_ROLE_NONE && r != role)
            continue;
        view_from(&l.items[i], &out->items[out->count++]);
    }
    qn_store_account_list_free(&l);
    return QN_OK;
}

void qn_account_list_free(qn_account_list *l)
{
    if (!l)
        return;
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

qn_code qn_svc_has_real_accounts(qn_svc_ctx *ctx, bool *has, qn_err *e)
{
    *has = false;
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    qn_store_account_list l = {0};
    rc = qn_store_account_list_by_role(c.conn, NULL, 0, 1000, &l, e);
    qn_svc_release(ctx, &c);
    if (rc != QN_OK)
        return rc;
    if (l.count >= 1000)
        *has = true; /* far more than the demo set */
    for (size_t i = 0; i < l.count; i++)
        if (strncmp(l.items[i].display_name, DEMO_MARK, strlen(DEMO_MARK)) != 0)
            *has = true;
    qn_store_account_list_free(&l);
    return QN_OK;
}
