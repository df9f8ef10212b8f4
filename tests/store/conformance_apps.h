/* conformance_apps.h — the store conformance suite, part 5: the operations
 * of the application workflow (src/store/apps.c, migration 003_apps):
 * consents (pending -> decided once, closing, lists by application and by
 * owner), application events, the population register, the senior-officer
 * mark, and that every change is audited with the chain intact. Included
 * after conformance.h (moved here from test_store_apps.c so that both
 * backends' programs run it like every other part).
 */
#ifndef QN_TEST_STORE_CONFORMANCE_APPS_H
#define QN_TEST_STORE_CONFORMANCE_APPS_H

#include "conformance.h"

static int64_t make_app(conf_t *t)
{
    qn_store_account a;
    memset(&a, 0, sizeof a);
    snprintf(a.username, sizeof a.username, "applicant");
    snprintf(a.password_hash, sizeof a.password_hash, "x");
    snprintf(a.role, sizeof a.role, "citizen");
    snprintf(a.display_name, sizeof a.display_name, "A");
    OK(t, qn_store_account_create(t->c, &a, &t->err));
    qn_store_application app;
    memset(&app, 0, sizeof app);
    snprintf(app.kind, sizeof app.kind, "citizen_temporary");
    snprintf(app.state, sizeof app.state, "draft");
    snprintf(app.region, sizeof app.region, "75");
    app.applicant_account_id = a.id;
    app.payload = "{}";
    OK(t, qn_store_application_create(t->c, &app, &t->err));
    return app.id;
}

START_TEST(apps_workflow)
{
    conf_t t;
    conf_open(&t);
    int64_t app = make_app(&t);

    /* consents */
    qn_store_consent k1, k2;
    memset(&k1, 0, sizeof k1);
    k1.application_id = app;
    snprintf(k1.owner_iin, sizeof k1.owner_iin, "750702304560");
    snprintf(k1.role, sizeof k1.role, "owner");
    snprintf(k1.document, sizeof k1.document, "{\"consent\":1}");
    OK(&t, qn_store_consent_create(t.c, &k1, &t.err));
    k2 = k1;
    snprintf(k2.owner_iin, sizeof k2.owner_iin, "791120407894");
    snprintf(k2.role, sizeof k2.role, "co_owner");
    OK(&t, qn_store_consent_create(t.c, &k2, &t.err));
    ck_assert_int_ne(k1.id, k2.id);
    qn_store_consent dup = k1;
    FAILS(&t, QN_E_CONFLICT, qn_store_consent_create(t.c, &dup, &t.err));
    qn_store_consent bad = k1;
    snprintf(bad.role, sizeof bad.role, "tenant");
    snprintf(bad.owner_iin, sizeof bad.owner_iin, "111111111111");
    FAILS(&t, QN_E_INVALID, qn_store_consent_create(t.c, &bad, &t.err));
    qn_store_consent_list l;
    OK(&t, qn_store_consents(t.c, 0, "750702304560", "pending", &l, &t.err));
    ck_assert_uint_eq(l.count, 1);
    ck_assert_int_eq(l.items[0].id, k1.id);
    ck_assert_str_eq(l.items[0].document, "{\"consent\":1}");
    qn_store_consent_list_free(&l);
    OK(&t, qn_store_consent_decide(t.c, k1.id, "signed", 0, 1700000000, &t.err));
    FAILS(&t, QN_E_CONFLICT, qn_store_consent_decide(t.c, k1.id, "refused", 0, 0, &t.err));
    ck_assert_str_eq(t.err.sub, "consent_decided");
    FAILS(&t, QN_E_NOT_FOUND, qn_store_consent_decide(t.c, 999999, "signed", 0, 0, &t.err));
    qn_store_consent got;
    OK(&t, qn_store_consent_get(t.c, k1.id, &got, &t.err));
    ck_assert_str_eq(got.state, "signed");
    ck_assert_int_eq(got.decided_at, 1700000000);
    OK(&t, qn_store_consent_close_all(t.c, app, &t.err));
    OK(&t, qn_store_consents(t.c, app, NULL, "", &l, &t.err));
    ck_assert_uint_eq(l.count, 2);
    ck_assert_str_eq(l.items[0].state, "signed");
    ck_assert_str_eq(l.items[1].state, "closed");
    qn_store_consent_list_free(&l);

    /* events */
    qn_store_app_event ev;
    memset(&ev, 0, sizeof ev);
    ev.application_id = app;
    snprintf(ev.event, sizeof ev.event, "submit");
    snprintf(ev.from_state, sizeof ev.from_state, "draft");
    snprintf(ev.to_state, sizeof ev.to_state, "awaiting_consents");
    snprintf(ev.actor_role, sizeof ev.actor_role, "applicant");
    OK(&t, qn_store_app_event_add(t.c, &ev, &t.err));
    snprintf(ev.event, sizeof ev.event, "withdraw");
    snprintf(ev.text, sizeof ev.text, "changed my mind");
    OK(&t, qn_store_app_event_add(t.c, &ev, &t.err));
    qn_store_app_event_list el;
    OK(&t, qn_store_app_events(t.c, app, &el, &t.err));
    ck_assert_uint_eq(el.count, 2);
    ck_assert_str_eq(el.items[0].event, "submit");
    ck_assert_str_eq(el.items[0].text, "");
    ck_assert_str_eq(el.items[1].text, "changed my mind");
    qn_store_app_event_list_free(&el);

    /* population register */
    qn_store_residence r;
    memset(&r, 0, sizeof r);
    snprintf(r.person_key, sizeof r.person_key, "880315401237");
    snprintf(r.address_code, sizeof r.address_code, "0201100012345678");
    snprintf(r.kind, sizeof r.kind, "temporary");
    r.valid_from = 20000;
    r.valid_to = 20090;
    r.application_id = app;
    OK(&t, qn_store_residence_add(t.c, &r, &t.err));
    r.valid_from = 20100;
    r.valid_to = QN_DATE_NONE;
    snprintf(r.kind, sizeof r.kind, "permanent");
    OK(&t, qn_store_residence_add(t.c, &r, &t.err));
    snprintf(r.kind, sizeof r.kind, "forever");
    FAILS(&t, QN_E_INVALID, qn_store_residence_add(t.c, &r, &t.err));
    qn_store_residence_list rl;
    OK(&t, qn_store_residences(t.c, "880315401237", &rl, &t.err));
    ck_assert_uint_eq(rl.count, 2);
    ck_assert_int_eq(rl.items[0].valid_from, 20100); /* newest first */
    ck_assert_int_eq(rl.items[0].valid_to, QN_DATE_NONE);
    ck_assert_int_eq(rl.items[1].valid_to, 20090);
    qn_store_residence_list_free(&rl);

    /* senior officers */
    qn_store_account o;
    memset(&o, 0, sizeof o);
    snprintf(o.username, sizeof o.username, "officer");
    snprintf(o.password_hash, sizeof o.password_hash, "x");
    snprintf(o.role, sizeof o.role, "officer");
    snprintf(o.display_name, sizeof o.display_name, "O");
    snprintf(o.region, sizeof o.region, "75");
    OK(&t, qn_store_account_create(t.c, &o, &t.err));
    bool senior = true;
    OK(&t, qn_store_senior_get(t.c, o.id, &senior, &t.err));
    ck_assert(!senior);
    OK(&t, qn_store_senior_set(t.c, o.id, true, &t.err));
    OK(&t, qn_store_senior_set(t.c, o.id, true, &t.err)); /* idempotent */
    OK(&t, qn_store_senior_get(t.c, o.id, &senior, &t.err));
    ck_assert(senior);
    OK(&t, qn_store_senior_set(t.c, o.id, false, &t.err));
    OK(&t, qn_store_senior_get(t.c, o.id, &senior, &t.err));
    ck_assert(!senior);

    /* every change audited, the chain intact */
    qn_store_audit_list al;
    OK(&t, qn_store_audit_list_entity(t.c, "consent", NULL, 0, 100, &al, &t.err));
    ck_assert_uint_eq(al.count, 4); /* 2 creates, signed, closed */
    qn_store_audit_list_free(&al);
    OK(&t, qn_store_audit_list_entity(t.c, "senior_officer", NULL, 0, 100, &al, &t.err));
    ck_assert_uint_eq(al.count, 2);
    qn_store_audit_list_free(&al);
    qn_store_audit_report rep;
    OK(&t, qn_store_audit_verify(t.c, &rep, &t.err));
    ck_assert(rep.ok);
    conf_close(&t);
}
END_TEST

#endif
