/* demo.c — seeding the demo data (see demo.h).
 *
 * One source of truth for the demo persons: the demo accounts carry the
 * IINs and BINs of the demo CA's persons (sign/ca.h, QN_CA_DEMO_*), so that
 * a document signed with a demo person's key is signed by the account's own
 * person (host <- SADYKOVA, hotel <- the hotel's BIN, citizen <- BEKOV the
 * housing owner). A database seeded by an older qonaq, whose demo accounts
 * carry other identifiers, is brought in line on the next seeding (demo
 * accounts only: seeding refuses databases with other accounts). The demo
 * addresses get their owners in the property table (the Almaty flat: BEKOV
 * and BEKOVA; the hotel: the hotel's BIN; the Shymkent house: SADYKOVA
 * alone), unless owners were imported for them already.
 */
#include "service/demo.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "service/accounts.h"
#include "service/demo_pki.h"
#include "service/service_internal.h"
#include "sign/ca.h"

static const qn_demo_account demo[] = {
    {"host", "host-individual", QN_CA_DEMO_HOST_IIN},
    {"hotel", "hotel", QN_CA_DEMO_HOTEL_BIN},
    {"citizen", "citizen", QN_CA_DEMO_OWNER_IIN},
    {"foreigner", "foreigner", QN_DEMO_FOREIGNER_IIN},
    {"officer", "officer", "75"},
    {"border", "border", ""},
    {"analyst", "analyst", ""},
    {"admin", "admin", ""},
};

const qn_demo_account *qn_demo_accounts(size_t *count)
{
    *count = sizeof demo / sizeof demo[0];
    return demo;
}

static const qn_store_address addresses[] = {
    {"0201100012345678", "75", "Almaty, Abai Avenue 10, flat 5"},
    {"0201100087654321", "71", "Astana, Kabanbay Batyr Avenue 2, Hotel Demo"},
    {"0201100011112222", "79", "Shymkent, Tauke Khan Avenue 5"},
};

/* The registered owners of the demo addresses (the property table). */
static const qn_store_owner owners[] = {
    {"0201100012345678", QN_CA_DEMO_OWNER_IIN, 1, 2, "owner"},
    {"0201100012345678", QN_CA_DEMO_COOWNER_IIN, 1, 2, "co_owner"},
    {"0201100087654321", QN_CA_DEMO_HOTEL_BIN, 1, 1, "owner"},
    {"0201100011112222", QN_CA_DEMO_HOST_IIN, 1, 1, "owner"},
};

/* Gives an address its demo owners unless it has owners already. */
static qn_code seed_owners(qn_store_conn *conn, const char *code, qn_err *e)
{
    qn_store_owner_list have = {0};
    qn_code rc = qn_store_owners_list(conn, code, &have, e);
    size_t n_have = have.count;
    qn_store_owner_list_free(&have);
    if (rc != QN_OK || n_have > 0)
        return rc;
    qn_store_owner mine[4];
    size_t n = 0;
    for (size_t i = 0; i < sizeof owners / sizeof owners[0]; i++)
        if (strcmp(owners[i].address_code, code) == 0)
            mine[n++] = owners[i];
    return n ? qn_store_owners_replace(conn, code, mine, n, e) : QN_OK;
}

/* An existing demo account (seeded by an older qonaq) whose IIN/BIN is not
 * its demo person's gets it, and a host the host record for it. */
static qn_code realign(qn_svc_ctx *ctx, const qn_demo_account *d, qn_err *e)
{
    if (!d->binding[0] || strcmp(d->role, "officer") == 0)
        return QN_OK;
    qn_svc_conn c = {0};
    qn_code rc = qn_svc_acquire_writer(ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    qn_store_account a;
    qn_err miss;
    qn_err_clear(&miss);
    if (qn_store_account_by_username(c.conn, d->username, &a, &miss) == QN_OK &&
        strncmp(a.display_name, "[demo] ", 7) == 0 && strcmp(a.iin_bin, d->binding) != 0) {
        rc = qn_store_begin(c.conn, e);
        snprintf(a.iin_bin, sizeof a.iin_bin, "%s", d->binding);
        if (rc == QN_OK)
            rc = qn_store_account_update(c.conn, &a, e);
        qn_store_host h;
        qn_err_clear(&miss);
        if (rc == QN_OK && a.host_kind[0] &&
            qn_store_host_by_iin_bin(c.conn, a.iin_bin, &h, &miss) == QN_E_NOT_FOUND) {
            memset(&h, 0, sizeof h);
            h.account_id = a.id;
            snprintf(h.kind, sizeof h.kind, "%s", a.host_kind);
            snprintf(h.iin_bin, sizeof h.iin_bin, "%s", a.iin_bin);
            snprintf(h.name, sizeof h.name, "%s", a.display_name);
            rc = qn_store_host_create(c.conn, &h, e);
        }
        if (rc == QN_OK)
            rc = qn_store_commit(c.conn, e);
        else
            qn_store_rollback(c.conn);
    }
    qn_svc_release(ctx, &c);
    return rc;
}

qn_code qn_svc_demo_seed(qn_service *svc, qn_err *e)
{
    qn_principal system = {0};
    snprintf(system.username, sizeof system.username, "system");
    qn_svc_ctx ctx;
    qn_svc_ctx_system(&ctx, svc, &system);
    bool real = false;
    qn_code rc = qn_svc_has_real_accounts(&ctx, &real, e);
    if (rc != QN_OK)
        return rc;
    if (real) {
        qn_err_set(e, QN_E_CONFLICT,
                   "--demo refused: the database holds accounts that are not demo accounts");
        qn_err_sub(e, "real_accounts");
        return QN_E_CONFLICT;
    }
    for (size_t i = 0; i < sizeof demo / sizeof demo[0]; i++) {
        qn_account_in in;
        memset(&in, 0, sizeof in);
        char display[96];
        snprintf(display, sizeof display, "[demo] %s", demo[i].username);
        in.username = demo[i].username;
        in.password = QN_DEMO_PASSWORD;
        in.display_name = display;
        qn_role_parse(demo[i].role, &in.role);
        if (in.role == QN_ROLE_OFFICER)
            in.region = demo[i].binding;
        else if (demo[i].binding[0])
            in.iin_bin = demo[i].binding;
        qn_account_view out;
        qn_err one;
        qn_err_clear(&one);
        rc = qn_svc_account_create_unchecked(&ctx, &in, &out, &one);
        if (rc == QN_E_CONFLICT) {
            rc = realign(&ctx, &demo[i], e); /* seeded before */
            if (rc != QN_OK)
                return rc;
            continue;
        }
        if (rc != QN_OK) {
            if (e)
                *e = one;
            return rc;
        }
    }
    qn_svc_conn c = {0};
    rc = qn_svc_acquire_writer(&ctx, &c, e);
    if (rc != QN_OK)
        return rc;
    for (size_t i = 0; rc == QN_OK && i < sizeof addresses / sizeof addresses[0]; i++) {
        rc = qn_store_address_put(c.conn, &addresses[i], e);
        if (rc == QN_OK)
            rc = seed_owners(c.conn, addresses[i].code, e);
    }
    qn_store_document doc;
    qn_err miss;
    qn_err_clear(&miss);
    if (rc == QN_OK && qn_store_document_find(c.conn, QN_DEMO_DOCUMENT_COUNTRY, QN_DEMO_DOCUMENT_NUMBER, &doc,
                                              &miss) == QN_E_NOT_FOUND) {
        qn_store_person p;
        memset(&p, 0, sizeof p);
        snprintf(p.kind, sizeof p.kind, "foreigner");
        snprintf(p.surname, sizeof p.surname, "MUSTERMANN");
        snprintf(p.given_names, sizeof p.given_names, "ERIKA");
        snprintf(p.citizenship, sizeof p.citizenship, "DEU");
        qn_date_from_ymd(1984, 8, 12, &p.birth_date);
        snprintf(p.sex, sizeof p.sex, "F");
        snprintf(p.iin, sizeof p.iin, "%s", QN_DEMO_FOREIGNER_IIN);
        rc = qn_store_begin(c.conn, e);
        if (rc == QN_OK)
            rc = qn_store_person_create(c.conn, &p, e);
        memset(&doc, 0, sizeof doc);
        doc.person_id = p.id;
        snprintf(doc.kind, sizeof doc.kind, "passport");
        snprintf(doc.number, sizeof doc.number, QN_DEMO_DOCUMENT_NUMBER);
        snprintf(doc.country, sizeof doc.country, QN_DEMO_DOCUMENT_COUNTRY);
        doc.issued = QN_DATE_NONE;
        qn_date_from_ymd(2031, 8, 1, &doc.expires);
        if (rc == QN_OK)
            rc = qn_store_document_create(c.conn, &doc, e);
        qn_store_crossing x;
        memset(&x, 0, sizeof x);
        x.person_id = p.id;
        snprintf(x.kind, sizeof x.kind, "entry");
        x.date = qn_svc_today(&ctx) - 20;
        snprintf(x.checkpoint, sizeof x.checkpoint, "Almaty International Airport");
        x.document_id = doc.id;
        if (rc == QN_OK)
            rc = qn_store_crossing_create(c.conn, &x, e);
        if (rc == QN_OK)
            rc = qn_store_commit(c.conn, e);
    }
    qn_svc_release(&ctx, &c);
    if (rc == QN_OK)
        rc = qn_svc_demo_pki_seed(svc, e); /* sigapi: demo CA, trust, signer bindings, phones */
    return rc;
}
