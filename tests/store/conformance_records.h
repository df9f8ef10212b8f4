/* conformance_records.h — the store conformance suite, part 2: notifications
 * (single, search, bulk), applications (optimistic concurrency, queue),
 * signatures, notices, violations, CAs and CRLs, one-time codes, the SMS
 * outbox and the mobile database. Included after conformance.h.
 */
#ifndef QN_TEST_STORE_CONFORMANCE_RECORDS_H
#define QN_TEST_STORE_CONFORMANCE_RECORDS_H

#include "conformance.h"

START_TEST(notifications)
{
    conf_t t;
    conf_open(&t);
    int64_t host = mk_account(&t, "hotel", "host");
    int64_t other = mk_account(&t, "flat", "host");
    int64_t pid = mk_person(&t, "Schmidt");
    qn_store_notification n;
    fill_notification(&n, host, pid, "2026-03-02");
    n.created_at = 1772400000; /* 2026-03-01T21:20Z: 2026 in Kazakhstan */
    OK(&t, qn_store_notification_create(t.c, &n, &t.err));
    ck_assert_str_eq(n.number, "N-2026-000001");
    ck_assert_str_eq(n.status, "submitted");
    qn_store_notification n2;
    fill_notification(&n2, host, pid, "2026-03-05");
    n2.created_at = 1772400000;
    OK(&t, qn_store_notification_create(t.c, &n2, &t.err));
    ck_assert_str_eq(n2.number, "N-2026-000002");
    int64_t second_id = n2.id;

    qn_store_notification g;
    OK(&t, qn_store_notification_get(t.c, n.id, &g, &t.err));
    ck_assert_str_eq(g.number, "N-2026-000001");
    ck_assert_str_eq(g.payload, "{\"guest\":\"x\"}");
    ck_assert_int_eq(g.arrival_date, qn_test_date("2026-03-02"));
    ck_assert_int_eq(g.deadline, qn_test_date("2026-03-05"));
    ck_assert(g.on_time);
    ck_assert_str_eq(g.address_code, "");
    qn_store_notification_clear(&g);
    OK(&t, qn_store_notification_by_number(t.c, "N-2026-000002", &g, &t.err));
    ck_assert_int_eq(g.id, n2.id);
    qn_store_notification_clear(&g);
    FAILS(&t, QN_E_NOT_FOUND, qn_store_notification_by_number(t.c, "N-1", &g, &t.err));

    /* Constraints: duplicate number, unknown person, stay ending before it starts,
     * unknown status. Nothing is written and the counter is not consumed. */
    qn_store_notification bad;
    fill_notification(&bad, host, pid, "2026-03-06");
    snprintf(bad.number, sizeof bad.number, "N-2026-000001");
    FAILS(&t, QN_E_CONFLICT, qn_store_notification_create(t.c, &bad, &t.err));
    fill_notification(&bad, host, 4242, "2026-03-06");
    bad.created_at = 1772400000;
    FAILS(&t, QN_E_INVALID, qn_store_notification_create(t.c, &bad, &t.err));
    ck_assert_str_eq(bad.number, "");
    fill_notification(&bad, host, pid, "2026-03-06");
    bad.stay_to = bad.stay_from - 1;
    FAILS(&t, QN_E_INVALID, qn_store_notification_create(t.c, &bad, &t.err));
    fill_notification(&bad, host, pid, "2026-03-06");
    bad.deadline = QN_DATE_NONE;
    FAILS(&t, QN_E_INVALID, qn_store_notification_create(t.c, &bad, &t.err));
    ck_assert_str_eq(t.err.fields[0].field, "deadline");
    FAILS(&t, QN_E_INVALID, qn_store_notification_set_status(t.c, n.id, "eaten", &t.err));
    FAILS(&t, QN_E_NOT_FOUND, qn_store_notification_set_status(t.c, 999, "accepted", &t.err));
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM notifications"), 2);
    OK(&t, qn_store_notification_set_status(t.c, n.id, "accepted", &t.err));
    fill_notification(&n2, host, pid, "2026-03-07");
    n2.created_at = 1772400000;
    OK(&t, qn_store_notification_create(t.c, &n2, &t.err));
    ck_assert_str_eq(n2.number, "N-2026-000003");

    /* Search: more rows for paging, one of another host. */
    for (int i = 0; i < 7; i++) {
        qn_store_notification m;
        char day[16];
        snprintf(day, sizeof day, "2026-04-%02d", 1 + i % 3);
        fill_notification(&m, host, pid, day);
        OK(&t, qn_store_notification_create(t.c, &m, &t.err));
    }
    qn_store_notification m;
    fill_notification(&m, other, pid, "2026-03-03");
    OK(&t, qn_store_notification_create(t.c, &m, &t.err));

    qn_store_notification_filter f;
    memset(&f, 0, sizeof f);
    f.host_account_id = host;
    f.limit = 4;
    qn_store_notification_list l;
    int64_t seen[16];
    size_t nseen = 0;
    memset(seen, 0, sizeof seen);
    qn_date_t last_date = INT32_MAX;
    int64_t last_id = INT64_MAX;
    for (f.offset = 0; f.offset < 12; f.offset += 4) {
        OK(&t, qn_store_notification_search(t.c, &f, &l, &t.err));
        ck_assert_int_eq(l.total, 10);
        for (size_t i = 0; i < l.count; i++) {
            const qn_store_notification *x = &l.items[i];
            ck_assert_int_eq(x->host_account_id, host);
            /* Stable order: arrival date descending, then id descending. */
            ck_assert(x->arrival_date < last_date ||
                      (x->arrival_date == last_date && x->id < last_id));
            last_date = x->arrival_date;
            last_id = x->id;
            seen[nseen++] = x->id;
        }
        qn_store_notification_list_free(&l);
    }
    ck_assert_uint_eq(nseen, 10);
    for (size_t i = 1; i < nseen; i++) /* no row twice across pages */
        ck_assert_int_ne(seen[i], seen[i - 1]);
    f.offset = 0;
    f.limit = 0;
    f.has_range = true;
    f.arrival_from = qn_test_date("2026-03-02");
    f.arrival_to = qn_test_date("2026-03-05");
    OK(&t, qn_store_notification_search(t.c, &f, &l, &t.err));
    ck_assert_int_eq(l.total, 2);
    ck_assert_int_eq(l.items[0].id, second_id); /* 03-05 first */
    qn_store_notification_list_free(&l);
    snprintf(f.status, sizeof f.status, "accepted");
    OK(&t, qn_store_notification_search(t.c, &f, &l, &t.err));
    ck_assert_int_eq(l.total, 1);
    ck_assert_int_eq(l.items[0].id, n.id);
    qn_store_notification_list_free(&l);
    memset(&f, 0, sizeof f);
    f.person_id = pid;
    OK(&t, qn_store_notification_search(t.c, &f, &l, &t.err));
    ck_assert_int_eq(l.total, 11);
    qn_store_notification_list_free(&l);
    f.limit = 1001;
    FAILS(&t, QN_E_INVALID, qn_store_notification_search(t.c, &f, &l, &t.err));
    conf_close(&t);
}
END_TEST

START_TEST(notifications_bulk)
{
    conf_t t;
    conf_open(&t);
    int64_t host = mk_account(&t, "hotel", "host");
    int64_t pid = mk_person(&t, "Schmidt");
    enum { N = 500 };
    qn_store_notification *rows = calloc(N, sizeof *rows);
    qn_store_row_result *res = calloc(N, sizeof *res);
    for (int i = 0; i < N; i++)
        fill_notification(&rows[i], host, pid, "2026-05-01");
    rows[7].person_id = 999999;           /* unknown person */
    rows[300].stay_to = rows[300].stay_from - 5; /* CHECK */
    size_t n_ok = 0;
    OK(&t, qn_store_notifications_bulk(t.c, rows, N, false, res, &n_ok, &t.err));
    ck_assert_uint_eq(n_ok, N - 2);
    ck_assert_int_eq(res[7].code, QN_E_INVALID);
    ck_assert(res[7].message[0] != '\0');
    ck_assert_int_eq(res[300].code, QN_E_INVALID);
    ck_assert_int_eq(res[0].code, QN_OK);
    ck_assert_int_gt(res[0].id, 0);
    ck_assert_int_eq(res[8].code, QN_OK);
    ck_assert_str_eq(res[8].number, rows[8].number);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM notifications"), N - 2);
    /* Every inserted row has its audit event. */
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM audit_events "
                                      "WHERE entity = 'notification'"),
                     N - 2);
    /* The chain kept in memory during the batch was written back intact. */
    qn_store_audit_report r;
    OK(&t, qn_store_audit_verify(t.c, &r, &t.err));
    ck_assert_msg(r.ok, "%s", r.reason);
    ck_assert_int_eq(r.events, 2 + N - 2);
    /* A later single insert continues the chain and the numbering. */
    qn_store_notification after;
    fill_notification(&after, host, pid, "2026-05-03");
    OK(&t, qn_store_notification_create(t.c, &after, &t.err));
    ck_assert_str_gt(after.number, rows[N - 1].number);
    OK(&t, qn_store_audit_verify(t.c, &r, &t.err));
    ck_assert_msg(r.ok, "%s", r.reason);

    /* all_or_nothing: one bad row, nothing recorded. */
    for (int i = 0; i < 10; i++)
        fill_notification(&rows[i], host, pid, "2026-05-02");
    rows[9].person_id = 999999;
    FAILS(&t, QN_E_INVALID, qn_store_notifications_bulk(t.c, rows, 10, true, res, &n_ok, &t.err));
    ck_assert_int_eq(res[9].code, QN_E_INVALID);
    ck_assert_int_ne(res[0].code, QN_OK);
    ck_assert_int_eq(rows[0].id, 0);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM notifications"), N - 1);
    OK(&t, qn_store_audit_verify(t.c, &r, &t.err));
    ck_assert_msg(r.ok, "%s", r.reason);
    free(rows);
    free(res);
    conf_close(&t);
}
END_TEST

START_TEST(applications)
{
    conf_t t;
    conf_open(&t);
    int64_t applicant = mk_account(&t, "citizen1", "citizen");
    int64_t officer = mk_account(&t, "olga", "officer");
    qn_store_application a;
    memset(&a, 0, sizeof a);
    snprintf(a.kind, sizeof a.kind, "citizen_registration");
    snprintf(a.state, sizeof a.state, "submitted");
    snprintf(a.region, sizeof a.region, "KZ-ALA");
    a.applicant_account_id = applicant;
    a.deadline_at = 5000;
    a.payload = (char *)"{\"address\":\"0203400012345678\"}";
    OK(&t, qn_store_application_create(t.c, &a, &t.err));
    ck_assert_int_eq(a.version, 1);
    ck_assert(strncmp(a.number, "A-", 2) == 0);

    qn_store_application first, second;
    OK(&t, qn_store_application_get(t.c, a.id, &first, &t.err));
    OK(&t, qn_store_application_by_number(t.c, a.number, &second, &t.err));
    ck_assert_int_eq(second.id, a.id);
    ck_assert_str_eq(first.payload, a.payload);
    ck_assert_ptr_null(first.reasons);
    /* Two officers read version 1; the first decision wins, the second is stale. */
    snprintf(first.state, sizeof first.state, "registered");
    snprintf(first.decision, sizeof first.decision, "registered");
    first.officer_account_id = officer;
    first.reasons = strdup("[]");
    OK(&t, qn_store_application_update(t.c, &first, &t.err));
    ck_assert_int_eq(first.version, 2);
    snprintf(second.state, sizeof second.state, "refused");
    FAILS(&t, QN_E_CONFLICT, qn_store_application_update(t.c, &second, &t.err));
    ck_assert_str_eq(t.err.sub, "stale_version");
    qn_store_application now;
    OK(&t, qn_store_application_get(t.c, a.id, &now, &t.err));
    ck_assert_str_eq(now.state, "registered");
    ck_assert_str_eq(now.reasons, "[]");
    ck_assert_int_eq(now.officer_account_id, officer);
    ck_assert_int_eq(now.version, 2);
    qn_store_application_clear(&now);
    qn_store_application_clear(&first);
    qn_store_application_clear(&second);
    second.id = 999;
    second.version = 1;
    FAILS(&t, QN_E_NOT_FOUND, qn_store_application_update(t.c, &second, &t.err));
    /* appeal_state CHECK. */
    OK(&t, qn_store_application_get(t.c, a.id, &now, &t.err));
    snprintf(now.appeal_state, sizeof now.appeal_state, "pending??");
    FAILS(&t, QN_E_INVALID, qn_store_application_update(t.c, &now, &t.err));
    qn_store_application_clear(&now);

    /* Queue: region and state, overdue, deadline order with "none" last. */
    int64_t deadlines[] = {900, 0, 300, 700};
    const char *regions[] = {"KZ-ALA", "KZ-ALA", "KZ-ALA", "KZ-AST"};
    for (int i = 0; i < 4; i++) {
        qn_store_application b;
        memset(&b, 0, sizeof b);
        snprintf(b.kind, sizeof b.kind, "foreigner_registration");
        snprintf(b.state, sizeof b.state, "submitted");
        snprintf(b.region, sizeof b.region, "%s", regions[i]);
        b.applicant_account_id = applicant;
        b.deadline_at = deadlines[i];
        OK(&t, qn_store_application_create(t.c, &b, &t.err));
    }
    qn_store_application_filter f;
    memset(&f, 0, sizeof f);
    snprintf(f.region, sizeof f.region, "KZ-ALA");
    snprintf(f.state, sizeof f.state, "submitted");
    qn_store_application_list l;
    OK(&t, qn_store_application_search(t.c, &f, &l, &t.err));
    ck_assert_int_eq(l.total, 3);
    ck_assert_int_eq(l.items[0].deadline_at, 300);
    ck_assert_int_eq(l.items[1].deadline_at, 900);
    ck_assert_int_eq(l.items[2].deadline_at, 0);
    qn_store_application_list_free(&l);
    f.overdue_at = 800;
    f.state[0] = '\0';
    OK(&t, qn_store_application_search(t.c, &f, &l, &t.err));
    ck_assert_int_eq(l.total, 1);
    ck_assert_int_eq(l.items[0].deadline_at, 300);
    qn_store_application_list_free(&l);
    memset(&f, 0, sizeof f);
    f.applicant_account_id = applicant;
    OK(&t, qn_store_application_search(t.c, &f, &l, &t.err));
    ck_assert_int_eq(l.total, 5);
    qn_store_application_list_free(&l);
    conf_close(&t);
}
END_TEST

START_TEST(signatures_notices_violations)
{
    conf_t t;
    conf_open(&t);
    int64_t acc = mk_account(&t, "citizen1", "citizen");
    int64_t pid = mk_person(&t, "Schmidt");
    qn_store_application a;
    memset(&a, 0, sizeof a);
    snprintf(a.kind, sizeof a.kind, "citizen_registration");
    snprintf(a.state, sizeof a.state, "draft");
    snprintf(a.region, sizeof a.region, "KZ-ALA");
    a.applicant_account_id = acc;
    OK(&t, qn_store_application_create(t.c, &a, &t.err));

    unsigned char cms[300];
    for (size_t i = 0; i < sizeof cms; i++)
        cms[i] = (unsigned char)(i * 7); /* includes 0x00 and high bytes */
    qn_store_signature s;
    memset(&s, 0, sizeof s);
    s.application_id = a.id;
    snprintf(s.kind, sizeof s.kind, "consent");
    snprintf(s.signer_iin_bin, sizeof s.signer_iin_bin, "850101300111");
    snprintf(s.role, sizeof s.role, "co_owner");
    s.cms = cms;
    s.cms_len = sizeof cms;
    snprintf(s.result, sizeof s.result, "valid");
    s.verified_at = 1234;
    OK(&t, qn_store_signature_add(t.c, &s, &t.err));
    snprintf(s.role, sizeof s.role, "bystander");
    FAILS(&t, QN_E_INVALID, qn_store_signature_add(t.c, &s, &t.err));
    snprintf(s.role, sizeof s.role, "applicant");
    s.application_id = 0; /* neither application nor document */
    FAILS(&t, QN_E_INVALID, qn_store_signature_add(t.c, &s, &t.err));
    qn_store_signature_list sl;
    OK(&t, qn_store_signature_list_application(t.c, a.id, &sl, &t.err));
    ck_assert_uint_eq(sl.count, 1);
    ck_assert_uint_eq(sl.items[0].cms_len, sizeof cms);
    ck_assert(memcmp(sl.items[0].cms, cms, sizeof cms) == 0);
    ck_assert_str_eq(sl.items[0].role, "co_owner");
    ck_assert_int_eq(sl.items[0].verified_at, 1234);
    qn_store_signature_list_free(&sl);

    for (int i = 0; i < 3; i++) {
        qn_store_notice n;
        memset(&n, 0, sizeof n);
        n.account_id = acc;
        snprintf(n.kind, sizeof n.kind, "registration");
        snprintf(n.ref, sizeof n.ref, "A-%d", i);
        n.body = (char *)"{\"text\":\"registered\"}";
        n.created_at = 100 + i;
        OK(&t, qn_store_notice_add(t.c, &n, &t.err));
    }
    qn_store_notice_list nl;
    OK(&t, qn_store_notice_list_account(t.c, acc, 0, 2, &nl, &t.err));
    ck_assert_int_eq(nl.total, 3);
    ck_assert_uint_eq(nl.count, 2);
    ck_assert_str_eq(nl.items[0].ref, "A-2");
    ck_assert_str_eq(nl.items[0].body, "{\"text\":\"registered\"}");
    qn_store_notice_list_free(&nl);

    qn_store_violation v;
    memset(&v, 0, sizeof v);
    snprintf(v.kind, sizeof v.kind, "art517");
    v.subject_person_id = pid;
    v.facts = (char *)"{\"overstay_days\":4}";
    snprintf(v.article, sizeof v.article, "517.1");
    snprintf(v.region, sizeof v.region, "KZ-ALA");
    OK(&t, qn_store_violation_create(t.c, &v, &t.err));
    ck_assert_str_eq(v.state, "open");
    OK(&t, qn_store_violation_set_state(t.c, v.id, "fined", 10, 36920, &t.err));
    FAILS(&t, QN_E_INVALID, qn_store_violation_set_state(t.c, v.id, "forgiven", 0, 0, &t.err));
    FAILS(&t, QN_E_NOT_FOUND, qn_store_violation_set_state(t.c, 999, "closed", 0, 0, &t.err));
    qn_store_violation g;
    OK(&t, qn_store_violation_get(t.c, v.id, &g, &t.err));
    ck_assert_str_eq(g.state, "fined");
    ck_assert_int_eq(g.fine_mci, 10);
    ck_assert_int_eq(g.fine_amount, 36920);
    ck_assert_str_eq(g.facts, "{\"overstay_days\":4}");
    qn_store_violation_clear(&g);
    qn_store_violation nobody = v;
    nobody.subject_person_id = 0;
    FAILS(&t, QN_E_INVALID, qn_store_violation_create(t.c, &nobody, &t.err));
    qn_store_violation_list vl;
    OK(&t, qn_store_violation_search(t.c, "KZ-ALA", "fined", 0, 10, &vl, &t.err));
    ck_assert_int_eq(vl.total, 1);
    qn_store_violation_list_free(&vl);
    OK(&t, qn_store_violation_search(t.c, "KZ-AST", NULL, 0, 10, &vl, &t.err));
    ck_assert_int_eq(vl.total, 0);
    qn_store_violation_list_free(&vl);
    conf_close(&t);
}
END_TEST

START_TEST(cas_otp_sms_mobile)
{
    conf_t t;
    conf_open(&t);
    int64_t acc = mk_account(&t, "citizen1", "citizen");
    unsigned char der[64];
    memset(der, 0x30, sizeof der);
    qn_store_ca ca;
    memset(&ca, 0, sizeof ca);
    snprintf(ca.name, sizeof ca.name, "NCA RK (demo)");
    ca.der = der;
    ca.der_len = sizeof der;
    ca.enabled = true;
    OK(&t, qn_store_ca_add(t.c, &ca, &t.err));
    ck_assert_uint_eq(strlen(ca.sha256_hex), 64);
    FAILS(&t, QN_E_CONFLICT, qn_store_ca_add(t.c, &ca, &t.err)); /* same certificate */
    qn_store_ca_list cl;
    OK(&t, qn_store_ca_all(t.c, true, &cl, &t.err));
    ck_assert_uint_eq(cl.count, 1);
    ck_assert_uint_eq(cl.items[0].der_len, sizeof der);
    qn_store_ca_list_free(&cl);
    OK(&t, qn_store_ca_set_enabled(t.c, ca.id, false, &t.err));
    OK(&t, qn_store_ca_all(t.c, true, &cl, &t.err));
    ck_assert_uint_eq(cl.count, 0);
    qn_store_ca_list_free(&cl);

    qn_store_crl crl = {.ca_id = ca.id, .der = der, .der_len = 10, .this_update = 1,
                        .next_update = 2};
    OK(&t, qn_store_crl_put(t.c, &crl, &t.err));
    crl.der_len = 20;
    crl.next_update = 3;
    OK(&t, qn_store_crl_put(t.c, &crl, &t.err));
    qn_store_crl_list rl;
    OK(&t, qn_store_crl_all(t.c, &rl, &t.err));
    ck_assert_uint_eq(rl.count, 1);
    ck_assert_uint_eq(rl.items[0].der_len, 20);
    ck_assert_int_eq(rl.items[0].next_update, 3);
    qn_store_crl_list_free(&rl);
    crl.ca_id = 999;
    FAILS(&t, QN_E_INVALID, qn_store_crl_put(t.c, &crl, &t.err));

    qn_store_otp o;
    memset(&o, 0, sizeof o);
    snprintf(o.phone, sizeof o.phone, "+77011234567");
    o.account_id = acc;
    snprintf(o.code_hash, sizeof o.code_hash, "h1");
    snprintf(o.doc_digest, sizeof o.doc_digest, "d1");
    o.expires_at = 9999;
    OK(&t, qn_store_otp_create(t.c, &o, &t.err));
    qn_store_otp g;
    OK(&t, qn_store_otp_latest(t.c, acc, "d1", &g, &t.err));
    ck_assert_int_eq(g.id, o.id);
    ck_assert_str_eq(g.code_hash, "h1");
    int32_t attempts = 0;
    OK(&t, qn_store_otp_attempt(t.c, o.id, &attempts, &t.err));
    OK(&t, qn_store_otp_attempt(t.c, o.id, &attempts, &t.err));
    ck_assert_int_eq(attempts, 2);
    OK(&t, qn_store_otp_consume(t.c, o.id, &t.err));
    FAILS(&t, QN_E_CONFLICT, qn_store_otp_consume(t.c, o.id, &t.err));
    FAILS(&t, QN_E_NOT_FOUND, qn_store_otp_latest(t.c, acc, "d1", &g, &t.err));

    for (int i = 0; i < 3; i++) {
        qn_store_sms m;
        memset(&m, 0, sizeof m);
        snprintf(m.phone, sizeof m.phone, "+770100000%02d", i % 10);
        snprintf(m.text, sizeof m.text, "code %d", i);
        OK(&t, qn_store_sms_enqueue(t.c, &m, &t.err));
    }
    qn_store_sms_list ml;
    OK(&t, qn_store_sms_pending(t.c, 10, &ml, &t.err));
    ck_assert_uint_eq(ml.count, 3);
    ck_assert_str_eq(ml.items[0].text, "code 0");
    int64_t first = ml.items[0].id;
    qn_store_sms_list_free(&ml);
    OK(&t, qn_store_sms_mark_sent(t.c, first, 0, &t.err));
    FAILS(&t, QN_E_NOT_FOUND, qn_store_sms_mark_sent(t.c, 999, 0, &t.err));
    OK(&t, qn_store_sms_pending(t.c, 10, &ml, &t.err));
    ck_assert_uint_eq(ml.count, 2);
    qn_store_sms_list_free(&ml);

    char phone[QN_STORE_PHONE_MAX + 1];
    OK(&t, qn_store_mobile_put(t.c, "850101300111", "+77010000001", &t.err));
    OK(&t, qn_store_mobile_put(t.c, "850101300111", "+77010000002", &t.err));
    OK(&t, qn_store_mobile_get(t.c, "850101300111", phone, &t.err));
    ck_assert_str_eq(phone, "+77010000002");
    FAILS(&t, QN_E_NOT_FOUND, qn_store_mobile_get(t.c, "000000000000", phone, &t.err));
    FAILS(&t, QN_E_INVALID, qn_store_mobile_put(t.c, "85010130011A", "+7", &t.err));
    conf_close(&t);
}
END_TEST

#endif
