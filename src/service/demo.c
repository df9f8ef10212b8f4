/* demo.c — seeding the demo data (see demo.h).
 *
 * Identifiers are synthetic with valid check digits (docs: kz_rules.md
 * §4.4): host IIN 851231412342 (born 1985-12-31), hotel BIN 240140001238.
 */
#include "service/demo.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "service/accounts.h"
#include "service/demo_pki.h"
#include "service/service_internal.h"

static const qn_demo_account demo[] = {
    {"host", "host-individual", "851231412342"},
    {"hotel", "hotel", "240140001238"},
    {"citizen", "citizen", ""},
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
        if (rc == QN_E_CONFLICT)
            continue; /* seeded before */
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
    for (size_t i = 0; rc == QN_OK && i < sizeof addresses / sizeof addresses[0]; i++)
        rc = qn_store_address_put(c.conn, &addresses[i], e);
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
