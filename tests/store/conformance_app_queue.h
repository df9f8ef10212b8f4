/* conformance_app_queue.h — the store conformance suite, the application
 * workflow's part of migration 007_apps (branch apps): an application's
 * attached documents, the owners' roles in the property table, the officer's
 * queue filtered and paged in the query, the registrations made by an
 * applicant's applications, and the removal of expired one-time code texts
 * from the SMS outbox. Included after conformance.h by test_store_sqlite.c
 * and test_store_pg.c, so both backends pass the same checks.
 */
#ifndef QN_TEST_STORE_CONFORMANCE_APP_QUEUE_H
#define QN_TEST_STORE_CONFORMANCE_APP_QUEUE_H

#include "conformance.h"

static int64_t apps_mk_application(conf_t *t, int64_t applicant, const char *kind, const char *state,
                                   const char *region, int64_t deadline)
{
    qn_store_application a;
    memset(&a, 0, sizeof a);
    snprintf(a.kind, sizeof a.kind, "%s", kind);
    snprintf(a.state, sizeof a.state, "%s", state);
    snprintf(a.region, sizeof a.region, "%s", region);
    a.applicant_account_id = applicant;
    a.deadline_at = deadline;
    a.payload = "{}";
    OK(t, qn_store_application_create(t->c, &a, &t->err));
    return a.id;
}

START_TEST(apps_application_documents)
{
    conf_t t;
    conf_open(&t);
    int64_t who = mk_account(&t, "aigerim", "host");
    int64_t app = apps_mk_application(&t, who, "permanent_resident", "submitted", "75", 0);
    int64_t other = apps_mk_application(&t, who, "permanent_resident", "submitted", "75", 0);
    qn_store_app_document d[3];
    memset(d, 0, sizeof d);
    snprintf(d[0].type, sizeof d[0].type, "identity_document");
    snprintf(d[0].number, sizeof d[0].number, "RP123456");
    snprintf(d[0].issuer, sizeof d[0].issuer, "MVD RK");
    snprintf(d[0].form, sizeof d[0].form, "electronic");
    snprintf(d[0].digest, sizeof d[0].digest, "%s",
             "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    d[0].valid_until = qn_test_date("2034-01-31");
    d[1].position = 1;
    snprintf(d[1].type, sizeof d[1].type, "owner_consent");
    snprintf(d[1].form, sizeof d[1].form, "original");
    d[1].valid_until = QN_DATE_NONE;
    d[2].position = 2;
    snprintf(d[2].type, sizeof d[2].type, "members_identity_documents");
    snprintf(d[2].form, sizeof d[2].form, "original");
    d[2].valid_until = QN_DATE_NONE;
    OK(&t, qn_store_app_documents_add(t.c, app, d, 3, &t.err));
    qn_store_app_document_list l;
    OK(&t, qn_store_app_documents(t.c, app, &l, &t.err));
    ck_assert_uint_eq(l.count, 3);
    ck_assert_str_eq(l.items[0].type, "identity_document");
    ck_assert_str_eq(l.items[0].number, "RP123456");
    ck_assert_str_eq(l.items[0].issuer, "MVD RK");
    ck_assert_str_eq(l.items[0].form, "electronic");
    ck_assert_str_eq(l.items[0].digest, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    ck_assert_int_eq(l.items[0].valid_until, qn_test_date("2034-01-31"));
    ck_assert_int_eq(l.items[0].application_id, app);
    ck_assert_str_eq(l.items[1].type, "owner_consent");
    ck_assert_str_eq(l.items[1].form, "original");
    ck_assert_str_eq(l.items[1].digest, "");
    ck_assert_int_eq(l.items[1].valid_until, QN_DATE_NONE);
    ck_assert_int_eq(l.items[2].position, 2);
    qn_store_app_document_list_free(&l);
    OK(&t, qn_store_app_documents(t.c, other, &l, &t.err));
    ck_assert_uint_eq(l.count, 0);
    qn_store_app_document_list_free(&l);
    /* Written once: a second set for the same application is a conflict,
     * and nothing of it is written. */
    FAILS(&t, QN_E_CONFLICT, qn_store_app_documents_add(t.c, app, d, 1, &t.err));
    ck_assert_str_eq(t.err.sub, "documents_recorded");
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM application_documents"), 3);
    /* Refused: a bad digest, a digest on an original, an unknown form, an
     * unknown application; none leaves a row. */
    qn_store_app_document bad = d[0];
    snprintf(bad.digest, sizeof bad.digest, "XYZ");
    FAILS(&t, QN_E_INVALID, qn_store_app_documents_add(t.c, other, &bad, 1, &t.err));
    bad = d[0];
    snprintf(bad.form, sizeof bad.form, "original");
    FAILS(&t, QN_E_INVALID, qn_store_app_documents_add(t.c, other, &bad, 1, &t.err));
    bad = d[1];
    snprintf(bad.form, sizeof bad.form, "photocopy");
    FAILS(&t, QN_E_INVALID, qn_store_app_documents_add(t.c, other, &bad, 1, &t.err));
    FAILS(&t, QN_E_INVALID, qn_store_app_documents_add(t.c, 987654, d, 1, &t.err));
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM application_documents"), 3);
    /* Audited, the chain intact. */
    ck_assert_int_ge(
        raw_count(t.url, "SELECT COUNT(*) FROM audit_events WHERE entity = 'application_documents'"), 1);
    qn_store_audit_report rep;
    OK(&t, qn_store_audit_verify(t.c, &rep, &t.err));
    ck_assert(rep.ok);
    conf_close(&t);
}
END_TEST

START_TEST(apps_owner_roles)
{
    conf_t t;
    conf_open(&t);
    qn_store_address a = {"0201100012345678", "75", "Almaty, Abai Avenue 10, flat 5"};
    OK(&t, qn_store_address_put(t.c, &a, &t.err));
    /* The register's roles are kept, whatever the order of the IINs. */
    qn_store_owner o[2] = {{"0201100012345678", "791120407894", 1, 2, "owner"},
                           {"0201100012345678", "750702304560", 1, 2, "co_owner"}};
    OK(&t, qn_store_owners_replace(t.c, a.code, o, 2, &t.err));
    qn_store_owner_list l = {0};
    OK(&t, qn_store_owners_list(t.c, a.code, &l, &t.err));
    ck_assert_uint_eq(l.count, 2);
    ck_assert_str_eq(l.items[0].owner_iin, "750702304560"); /* listed by IIN */
    ck_assert_str_eq(l.items[0].role, "co_owner");
    ck_assert_str_eq(l.items[1].role, "owner");
    qn_store_owner_list_free(&l);
    /* No role given: an owner. An unknown role is refused. */
    qn_store_owner one = {"0201100012345678", "750702304560", 1, 1, ""};
    OK(&t, qn_store_owners_replace(t.c, a.code, &one, 1, &t.err));
    OK(&t, qn_store_owners_list(t.c, a.code, &l, &t.err));
    ck_assert_uint_eq(l.count, 1);
    ck_assert_str_eq(l.items[0].role, "owner");
    qn_store_owner_list_free(&l);
    snprintf(one.role, sizeof one.role, "tenant");
    FAILS(&t, QN_E_INVALID, qn_store_owners_replace(t.c, a.code, &one, 1, &t.err));
    OK(&t, qn_store_owners_list(t.c, a.code, &l, &t.err));
    ck_assert_uint_eq(l.count, 1); /* the failed replace changed nothing */
    qn_store_owner_list_free(&l);
    conf_close(&t);
}
END_TEST

static int64_t queue_of(conf_t *t, const char *region, const char *kind, const char *const *states, size_t n,
                        int64_t overdue_at, int64_t offset, int64_t limit, qn_store_application_list *l)
{
    qn_store_app_queue_filter f;
    memset(&f, 0, sizeof f);
    snprintf(f.region, sizeof f.region, "%s", region);
    snprintf(f.kind, sizeof f.kind, "%s", kind);
    for (size_t i = 0; i < n; i++)
        f.states[i] = states[i];
    f.n_states = n;
    f.overdue_at = overdue_at;
    f.offset = offset;
    f.limit = limit;
    OK(t, qn_store_application_queue(t->c, &f, l, &t->err));
    return l->total;
}

START_TEST(apps_officer_queue)
{
    conf_t t;
    conf_open(&t);
    int64_t who = mk_account(&t, "host", "host");
    const int64_t now = 1790000000;
    int64_t late1 = apps_mk_application(&t, who, "foreigner_temporary", "in_review", "75", now - 100);
    int64_t soon = apps_mk_application(&t, who, "foreigner_temporary", "submitted", "75", now + 100);
    int64_t none = apps_mk_application(&t, who, "permanent_resident", "submitted", "75", 0);
    int64_t late2 = apps_mk_application(&t, who, "permanent_resident", "appealed", "75", now - 50);
    apps_mk_application(&t, who, "citizen_temporary", "awaiting_consents", "75", 0);
    apps_mk_application(&t, who, "foreigner_temporary", "registered", "75", now - 500); /* decided */
    apps_mk_application(&t, who, "foreigner_temporary", "in_review", "71", now - 100);  /* elsewhere */
    const char *pending[] = {"submitted", "auto_check", "in_review", "appealed"};
    qn_store_application_list l;
    /* By deadline, none last, then id; the total counts every match. */
    ck_assert_int_eq(queue_of(&t, "75", "", pending, 4, 0, 0, 50, &l), 4);
    ck_assert_uint_eq(l.count, 4);
    ck_assert_int_eq(l.items[0].id, late1);
    ck_assert_int_eq(l.items[1].id, late2);
    ck_assert_int_eq(l.items[2].id, soon);
    ck_assert_int_eq(l.items[3].id, none);
    qn_store_application_list_free(&l);
    /* Paged. */
    ck_assert_int_eq(queue_of(&t, "75", "", pending, 4, 0, 2, 1, &l), 4);
    ck_assert_uint_eq(l.count, 1);
    ck_assert_int_eq(l.items[0].id, soon);
    qn_store_application_list_free(&l);
    /* Overdue: a deadline before the instant (none is never overdue). */
    ck_assert_int_eq(queue_of(&t, "75", "", pending, 4, now, 0, 50, &l), 2);
    ck_assert_int_eq(l.items[0].id, late1);
    ck_assert_int_eq(l.items[1].id, late2);
    qn_store_application_list_free(&l);
    ck_assert_int_eq(queue_of(&t, "75", "", pending, 4, now - 100, 0, 50, &l), 0);
    qn_store_application_list_free(&l);
    /* By kind, by state (one state), another region. */
    ck_assert_int_eq(queue_of(&t, "75", "permanent_resident", pending, 4, 0, 0, 50, &l), 2);
    qn_store_application_list_free(&l);
    const char *consents[] = {"awaiting_consents"};
    ck_assert_int_eq(queue_of(&t, "75", "", consents, 1, 0, 0, 50, &l), 1);
    ck_assert_str_eq(l.items[0].kind, "citizen_temporary");
    qn_store_application_list_free(&l);
    ck_assert_int_eq(queue_of(&t, "71", "", pending, 4, 0, 0, 50, &l), 1);
    qn_store_application_list_free(&l);
    /* Bad filters. */
    qn_store_app_queue_filter f;
    memset(&f, 0, sizeof f);
    f.n_states = 1;
    f.states[0] = "submitted";
    FAILS(&t, QN_E_INVALID, qn_store_application_queue(t.c, &f, &l, &t.err)); /* no region */
    snprintf(f.region, sizeof f.region, "75");
    f.n_states = 0;
    FAILS(&t, QN_E_INVALID, qn_store_application_queue(t.c, &f, &l, &t.err)); /* no state */
    f.n_states = 1;
    f.limit = 1001;
    FAILS(&t, QN_E_INVALID, qn_store_application_queue(t.c, &f, &l, &t.err));
    conf_close(&t);
}
END_TEST

START_TEST(apps_residences_by_applicant)
{
    conf_t t;
    conf_open(&t);
    int64_t parent = mk_account(&t, "parent", "host");
    int64_t stranger = mk_account(&t, "stranger", "host");
    int64_t app = apps_mk_application(&t, parent, "citizen_temporary", "registered", "75", 0);
    int64_t app2 = apps_mk_application(&t, stranger, "citizen_temporary", "registered", "75", 0);
    qn_store_residence r;
    memset(&r, 0, sizeof r);
    snprintf(r.person_key, sizeof r.person_key, "150505500008"); /* the child */
    snprintf(r.address_code, sizeof r.address_code, "0201100012345678");
    snprintf(r.kind, sizeof r.kind, "temporary");
    r.valid_from = qn_test_date("2026-01-10");
    r.valid_to = qn_test_date("2026-06-10");
    r.application_id = app;
    OK(&t, qn_store_residence_add(t.c, &r, &t.err));
    qn_store_residence r2 = r;
    snprintf(r2.person_key, sizeof r2.person_key, "DOC:KAZ:RP1");
    r2.valid_from = qn_test_date("2026-02-01");
    r2.application_id = app2;
    OK(&t, qn_store_residence_add(t.c, &r2, &t.err));
    qn_store_residence r3 = r;
    r3.valid_from = qn_test_date("2026-07-01");
    r3.valid_to = QN_DATE_NONE;
    r3.application_id = 0; /* not from an application */
    OK(&t, qn_store_residence_add(t.c, &r3, &t.err));
    qn_store_residence_list l;
    OK(&t, qn_store_residences_by_applicant(t.c, parent, &l, &t.err));
    ck_assert_uint_eq(l.count, 1);
    ck_assert_str_eq(l.items[0].person_key, "150505500008");
    ck_assert_int_eq(l.items[0].application_id, app);
    qn_store_residence_list_free(&l);
    OK(&t, qn_store_residences_by_applicant(t.c, stranger, &l, &t.err));
    ck_assert_uint_eq(l.count, 1);
    ck_assert_str_eq(l.items[0].person_key, "DOC:KAZ:RP1");
    qn_store_residence_list_free(&l);
    OK(&t, qn_store_residences_by_applicant(t.c, 424242, &l, &t.err));
    ck_assert_uint_eq(l.count, 0);
    qn_store_residence_list_free(&l);
    conf_close(&t);
}
END_TEST

START_TEST(apps_sms_redaction)
{
    conf_t t;
    conf_open(&t);
    qn_store_sms m[3];
    memset(m, 0, sizeof m);
    const char *texts[] = {"qonaq: your code 123456 signs consent", "qonaq: your code 654321 signs consent",
                           "qonaq: something else"};
    const int64_t at[] = {1000, 2000, 500};
    for (int i = 0; i < 3; i++) {
        snprintf(m[i].phone, sizeof m[i].phone, "+77010000001");
        snprintf(m[i].text, sizeof m[i].text, "%s", texts[i]);
        m[i].created_at = at[i];
        OK(&t, qn_store_sms_enqueue(t.c, &m[i], &t.err));
    }
    int64_t changed = -1;
    /* Only the messages with the prefix created before the instant. */
    OK(&t,
       qn_store_sms_redact_before(t.c, 1500, "qonaq: your code ", "expired code removed", &changed, &t.err));
    ck_assert_int_eq(changed, 1);
    qn_store_sms_list l = {0};
    OK(&t, qn_store_sms_recent(t.c, NULL, 10, &l, &t.err));
    ck_assert_uint_eq(l.count, 3);
    for (size_t i = 0; i < l.count; i++) {
        if (l.items[i].id == m[0].id)
            ck_assert_str_eq(l.items[i].text, "expired code removed");
        else if (l.items[i].id == m[1].id)
            ck_assert_str_eq(l.items[i].text, texts[1]);
        else
            ck_assert_str_eq(l.items[i].text, texts[2]);
    }
    qn_store_sms_list_free(&l);
    /* Again: nothing left to change. */
    OK(&t,
       qn_store_sms_redact_before(t.c, 1500, "qonaq: your code ", "expired code removed", &changed, &t.err));
    ck_assert_int_eq(changed, 0);
    FAILS(&t, QN_E_INVALID, qn_store_sms_redact_before(t.c, 1500, "", "x", NULL, &t.err));
    conf_close(&t);
}
END_TEST

/* Adds the tests of this header to tc. */
static void conformance_apps_add(TCase *tc)
{
    tcase_add_test(tc, apps_application_documents);
    tcase_add_test(tc, apps_owner_roles);
    tcase_add_test(tc, apps_officer_queue);
    tcase_add_test(tc, apps_residences_by_applicant);
    tcase_add_test(tc, apps_sms_redaction);
}

#endif
