/* accounts.h — the administrator's use cases: create, disable, list accounts.
 *
 * Only an administrator calls these (403 otherwise). Each role has its
 * binding, checked at creation:
 *   host-individual   IIN with a valid check digit, holder 18 or older on the
 *                     day of creation (age from the IIN's birth date);
 *   host-legal-entity, hotel   BIN with a valid check digit; several hotel
 *                     operator accounts may share one BIN and then share its
 *                     notifications (the host record of the BIN);
 *   officer           a region code from regions.h;
 *   others            no binding.
 * Passwords: 12..128 bytes (OWASP ASVS 4.0 2.1.1). Usernames: 3..64 of [A-Za-z0-9._-].
 */
#ifndef QN_SERVICE_ACCOUNTS_H
#define QN_SERVICE_ACCOUNTS_H

#include "service/service.h"

typedef struct {
    const char *username;
    const char *password;
    const char *display_name; /* may be NULL: the username */
    qn_role role;
    const char *iin_bin; /* hosts: IIN or BIN */
    const char *region;  /* officers */
} qn_account_in;

typedef struct {
    int64_t id;
    char username[65];
    qn_role role;
    char display_name[129];
    char iin_bin[13];
    char region[17];
    bool disabled;
    int64_t created_at;
} qn_account_view;

typedef struct {
    qn_account_view *items; /* malloc'd; free with qn_account_list_free */
    size_t count;
} qn_account_list;

/* Creates an account. Errors: 403 (not admin), 422 with fields (bad
 * username, password, IIN/BIN, age, region), 409 (username taken). */
qn_code qn_svc_account_create(qn_svc_ctx *ctx, const qn_account_in *in, qn_account_view *out, qn_err *e);

/* Same, without the caller check and with no password length rule: for the
 * demo seed only (the caller is the system). */
qn_code qn_svc_account_create_unchecked(qn_svc_ctx *ctx, const qn_account_in *in, qn_account_view *out,
                                        qn_err *e);

/* Disables (or re-enables) an account and ends its sessions. 403, 404. An
 * administrator cannot disable their own account (409). */
qn_code qn_svc_account_set_disabled(qn_svc_ctx *ctx, int64_t id, bool disabled, qn_account_view *out,
                                    qn_err *e);

/* Lists accounts, optionally of one role (QN_ROLE_NONE: all), by id. */
qn_code qn_svc_account_list(qn_svc_ctx *ctx, qn_role role, int64_t offset, int64_t limit,
                            qn_account_list *out, qn_err *e);
void qn_account_list_free(qn_account_list *l);

/* True when the database holds an account that is not one of the demo
 * accounts (used to refuse --demo on a real database). */
qn_code qn_svc_has_real_accounts(qn_svc_ctx *ctx, bool *has, qn_err *e);

#endif
