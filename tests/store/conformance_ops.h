/* conformance_ops.h — the store conformance suite, part 6: the operations
 * added by the signatures API (src/store/sigapi.c: trust generation, login
 * challenges, signer bindings, signature details, server secrets, one-time
 * code reads, the recent outbox) and by stay control (src/store/control.c:
 * stay documents, the crossing feed, the exit check's reads, violations
 * recorded once, found, counted and listed per person, the detection
 * candidates, the synthetic filler and its plans). Included after
 * conformance.h. tests/store/test_store_coverage.sh checks that every
 * operation of store.h is called somewhere in conformance*.h.
 */
#ifndef QN_TEST_STORE_CONFORMANCE_OPS_H
#define QN_TEST_STORE_CONFORMANCE_OPS_H

#include <inttypes.h>

#include "conformance.h"
#include "conformance_store.h" /* plan_uses */

static const char hex_a[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char hex_b[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

START_TEST(sigapi_trust_challenges_bindings)
{
    conf_t t;
    conf_open(&t);
    int64_t g0 = 0, g1 = 0;
    OK(&t, qn_store_trust_generation(t.c, &g0, &t.err));
    ck_assert_int_eq(g0, 1);
    OK(&t, qn_store_trust_bump(t.c, &t.err));
    OK(&t, qn_store_trust_generation(t.c, &g1, &t.err));
    ck_assert_int_eq(g1, 2);
    /* A bump inside a rolled-back transaction is undone. */
    OK(&t, qn_store_begin(t.c, &t.err));
    OK(&t, qn_store_trust_bump(t.c, &t.err));
    qn_store_rollback(t.c);
    OK(&t, qn_store_trust_generation(t.c, &g1, &t.err));
    ck_assert_int_eq(g1, 2);

    /* Challenges: taken once, not after expiry, well-formed hashes only. */
    OK(&t, qn_store_challenge_add(t.c, hex_a, 1000, 1300, &t.err));
    FAILS(&t, QN_E_CONFLICT, qn_store_challenge_add(t.c, hex_a, 1000, 1300, &t.err));
    OK(&t, qn_store_challenge_add(t.c, hex_b, 1000, 1100, &t.err));
    FAILS(&t, QN_E_INVALID, qn_store_challenge_add(t.c, "ABC", 1000, 1300, &t.err));
    ck_assert_str_eq(t.err.fields[0].field, "hash");
    FAILS(&t, QN_E_NOT_FOUND, qn_store_challenge_take(t.c, hex_b, 1100, &t.err)); /* expired */
    OK(&t, qn_store_challenge_take(t.c, hex_a, 1200, &t.err));
    FAILS(&t, QN_E_NOT_FOUND, qn_store_challenge_take(t.c, hex_a, 1200, &t.err)); /* used */
    /* Adding drops challenges expired more than an hour before. */
    OK(&t, qn_store_challenge_add(t.c, "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc",
                                  5000, 5300, &t.err));
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM login_challenges"), 1);

    /* Signer bindings and accounts by IIN/BIN. */
    int64_t a1 = mk_account(&t, "director", "host");
    int64_t a2 = mk_account(&t, "clerk", "host");
    OK(&t, qn_store_signer_bind(t.c, "850101300111", "123456789012", a2, &t.err));
    OK(&t, qn_store_signer_bind(t.c, "850101300111", "123456789012", a1, &t.err));
    OK(&t, qn_store_signer_bind(t.c, "850101300111", "123456789012", a1, &t.err)); /* again */
    OK(&t, qn_store_signer_bind(t.c, "850101300111", NULL, a1, &t.err));
    FAILS(&t, QN_E_INVALID, qn_store_signer_bind(t.c, "85010130011", NULL, a1, &t.err));
    FAILS(&t, QN_E_INVALID, qn_store_signer_bind(t.c, "850101300111", NULL, 4242, &t.err));
    int64_t ids[4] = {0};
    size_t n = 0;
    OK(&t, qn_store_signer_accounts(t.c, "850101300111", "123456789012", ids, 4, &n, &t.err));
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(ids[0], a1 < a2 ? a1 : a2);
    OK(&t, qn_store_signer_accounts(t.c, "850101300111", "", ids, 4, &n, &t.err));
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(ids[0], a1);
    OK(&t, qn_store_signer_accounts(t.c, "870202400222", NULL, ids, 4, &n, &t.err));
    ck_assert_uint_eq(n, 0);
    qn_store_account acc;
    OK(&t, qn_store_account_get(t.c, a2, &acc, &t.err));
    snprintf(acc.iin_bin, sizeof acc.iin_bin, "123456789012");
    OK(&t, qn_store_account_update(t.c, &acc, &t.err));
    OK(&t, qn_store_accounts_by_iin_bin(t.c, "123456789012", ids, 4, &n, &t.err));
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(ids[0], a2);
    FAILS(&t, QN_E_INVALID, qn_store_accounts_by_iin_bin(t.c, "12345", ids, 4, &n, &t.err));
    /* Audited: two distinct bindings of a1, one of a2 (the repeat adds nothing). */
    qn_store_audit_list al;
    OK(&t, qn_store_audit_list_entity(t.c, "account", NULL, 0, 100, &al, &t.err));
    size_t binds = 0;
    for (size_t i = 0; i < al.count; i++)
        binds += strcmp(al.items[i].action, "bind_signer") == 0;
    ck_assert_uint_eq(binds, 3);
    qn_store_audit_list_free(&al);
    conf_close(&t);
}
END_TEST

START_TEST(sigapi_details_secrets_otp_sms)
{
    conf_t t;
    conf_open(&t);
    int64_t acc = mk_account(&t, "citizen1", "citizen");
    unsigned char cms[40], doc[50], cert[30];
    for (size_t i = 0; i < sizeof doc; i++)
        doc[i] = (unsigned char)(255 - i); /* bytes above 0x7f */
    memset(cms, 0x30, sizeof cms);
    memset(cert, 0, sizeof cert);
    cert[0] = 0x30;
    qn_store_signature s;
    memset(&s, 0, sizeof s);
    snprintf(s.doc_ref, sizeof s.doc_ref, "notice:1");
    snprintf(s.kind, sizeof s.kind, "signature");
    snprintf(s.signer_iin_bin, sizeof s.signer_iin_bin, "850101300111");
    snprintf(s.role, sizeof s.role, "applicant");
    s.cms = cms;
    s.cms_len = sizeof cms;
    snprintf(s.result, sizeof s.result, "valid");
    OK(&t, qn_store_signature_add(t.c, &s, &t.err));
    qn_store_signature sg;
    OK(&t, qn_store_signature_get(t.c, s.id, &sg, &t.err));
    ck_assert_str_eq(sg.doc_ref, "notice:1");
    ck_assert_int_eq(sg.application_id, 0);
    ck_assert_uint_eq(sg.cms_len, sizeof cms);
    ck_assert(memcmp(sg.cms, cms, sizeof cms) == 0);
    qn_store_signature_clear(&sg);
    ck_assert_ptr_null(sg.cms);
    qn_store_signature_clear(&sg); /* twice is harmless */
    FAILS(&t, QN_E_NOT_FOUND, qn_store_signature_get(t.c, 999, &sg, &t.err));

    qn_store_signature_detail d;
    memset(&d, 0, sizeof d);
    d.signature_id = s.id;
    snprintf(d.subject_kind, sizeof d.subject_kind, "notification");
    d.subject_id = 77;
    d.document = doc;
    d.document_len = sizeof doc;
    snprintf(d.doc_sha256, sizeof d.doc_sha256, "%s", hex_a);
    d.cert_der = cert;
    d.cert_der_len = sizeof cert;
    snprintf(d.signer_iin, sizeof d.signer_iin, "850101300111");
    snprintf(d.subject_dn, sizeof d.subject_dn, "CN=TEST,SERIALNUMBER=IIN850101300111");
    snprintf(d.issuer_dn, sizeof d.issuer_dn, "CN=NCA RK (demo)");
    snprintf(d.serial_hex, sizeof d.serial_hex, "01ab");
    d.signing_time = 1700000000;
    snprintf(d.key_type, sizeof d.key_type, "rsa");
    OK(&t, qn_store_signature_detail_put(t.c, &d, &t.err));
    FAILS(&t, QN_E_CONFLICT, qn_store_signature_detail_put(t.c, &d, &t.err)); /* one per row */
    qn_store_signature_detail bad = d;
    bad.signature_id = 4242; /* no such signature */
    FAILS(&t, QN_E_INVALID, qn_store_signature_detail_put(t.c, &bad, &t.err));
    bad = d;
    snprintf(bad.subject_kind, sizeof bad.subject_kind, "horoscope");
    FAILS(&t, QN_E_INVALID, qn_store_signature_detail_put(t.c, &bad, &t.err));
    bad = d;
    bad.cert_der = NULL;
    FAILS(&t, QN_E_INVALID, qn_store_signature_detail_put(t.c, &bad, &t.err));
    ck_assert_str_eq(t.err.fields[0].field, "cert_der");
    qn_store_signature_detail g;
    OK(&t, qn_store_signature_detail_get(t.c, s.id, &g, &t.err));
    ck_assert_str_eq(g.subject_kind, "notification");
    ck_assert_int_eq(g.subject_id, 77);
    ck_assert_uint_eq(g.document_len, sizeof doc);
    ck_assert(memcmp(g.document, doc, sizeof doc) == 0);
    ck_assert_uint_eq(g.cert_der_len, sizeof cert);
    ck_assert(memcmp(g.cert_der, cert, sizeof cert) == 0);
    ck_assert_str_eq(g.signer_bin, "");
    ck_assert_str_eq(g.issuer_dn, "CN=NCA RK (demo)");
    ck_assert_int_eq(g.signing_time, 1700000000);
    qn_store_signature_detail_clear(&g);
    ck_assert_ptr_null(g.document);
    FAILS(&t, QN_E_NOT_FOUND, qn_store_signature_detail_get(t.c, 999, &g, &t.err));
    qn_store_audit_list al;
    OK(&t, qn_store_audit_list_entity(t.c, "signature_detail", NULL, 0, 10, &al, &t.err));
    ck_assert_uint_eq(al.count, 1);
    qn_store_audit_list_free(&al);

    /* Secrets: the first candidate stays; later callers read it back. */
    unsigned char first[32], second[32], out[64];
    memset(first, 1, sizeof first);
    memset(second, 2, sizeof second);
    size_t len = 0;
    OK(&t, qn_store_secret_get_or_put(t.c, "otp_key", first, sizeof first, out, sizeof out, &len,
                                      &t.err));
    ck_assert_uint_eq(len, sizeof first);
    ck_assert(memcmp(out, first, len) == 0);
    OK(&t, qn_store_secret_get_or_put(t.c, "otp_key", second, sizeof second, out, sizeof out,
                                      &len, &t.err));
    ck_assert(memcmp(out, first, len) == 0);
    FAILS(&t, QN_E_INTERNAL, qn_store_secret_get_or_put(t.c, "otp_key", second, sizeof second, out,
                                                        8, &len, &t.err)); /* no room */
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM service_secrets"), 1);
    /* Deliberately not audited (its value must reach no digest trail). */
    OK(&t, qn_store_audit_list_entity(t.c, "service_secret", NULL, 0, 10, &al, &t.err));
    ck_assert_uint_eq(al.count, 0);
    qn_store_audit_list_free(&al);

    /* One-time codes by id and counted since a time. */
    for (int i = 0; i < 3; i++) {
        qn_store_otp o;
        memset(&o, 0, sizeof o);
        snprintf(o.phone, sizeof o.phone, "%s", i < 2 ? "+77011234567" : "+77019999999");
        o.account_id = acc;
        snprintf(o.code_hash, sizeof o.code_hash, "h%d", i);
        snprintf(o.doc_digest, sizeof o.doc_digest, "d");
        o.expires_at = 9999;
        o.created_at = 1000 + 100 * i;
        OK(&t, qn_store_otp_create(t.c, &o, &t.err));
        if (i == 1) {
            qn_store_otp got;
            OK(&t, qn_store_otp_get(t.c, o.id, &got, &t.err));
            ck_assert_str_eq(got.code_hash, "h1");
            ck_assert_int_eq(got.created_at, 1100);
            ck_assert(!got.used);
        }
    }
    qn_store_otp none;
    FAILS(&t, QN_E_NOT_FOUND, qn_store_otp_get(t.c, 999, &none, &t.err));
    int64_t by_phone = -1, by_account = -1;
    OK(&t, qn_store_otp_count_since(t.c, "+77011234567", acc, 1100, &by_phone, &by_account,
                                    &t.err));
    ck_assert_int_eq(by_phone, 1);
    ck_assert_int_eq(by_account, 2);
    FAILS(&t, QN_E_INVALID, qn_store_otp_count_since(t.c, "", acc, 0, &by_phone, &by_account,
                                                     &t.err));

    /* The newest outbox messages, all or of one phone. */
    for (int i = 0; i < 4; i++) {
        qn_store_sms m;
        memset(&m, 0, sizeof m);
        snprintf(m.phone, sizeof m.phone, "%s", i % 2 == 0 ? "+77011234567" : "+77019999999");
        snprintf(m.text, sizeof m.text, "message %d", i);
        OK(&t, qn_store_sms_enqueue(t.c, &m, &t.err));
    }
    qn_store_sms_list ml;
    OK(&t, qn_store_sms_recent(t.c, NULL, 3, &ml, &t.err));
    ck_assert_uint_eq(ml.count, 3);
    ck_assert_str_eq(ml.items[0].text, "message 3");
    qn_store_sms_list_free(&ml);
    OK(&t, qn_store_sms_recent(t.c, "+77011234567", 10, &ml, &t.err));
    ck_assert_uint_eq(ml.count, 2);
    ck_assert_str_eq(ml.items[0].text, "message 2");
    ck_assert_str_eq(ml.items[1].text, "message 0");
    qn_store_sms_list_free(&ml);
    FAILS(&t, QN_E_INVALID, qn_store_sms_recent(t.c, NULL, 5000, &ml, &t.err));
    conf_close(&t);
}
END_TEST

static void put_crossing(conf_t *t, int64_t person, const char *kind, const char *day,
                         const char *region, qn_store_crossing *out)
{
    memset(out, 0, sizeof *out);
    out->person_id = person;
    snprintf(out->kind, sizeof out->kind, "%s", kind);
    out->date = qn_test_date(day);
    snprintf(out->checkpoint, sizeof out->checkpoint, "Khorgos");
    bool created = false;
    OK(t, qn_store_crossing_record(t->c, out, region, &created, &t->err));
    ck_assert(created);
}

START_TEST(control_documents_crossings_reads)
{
    conf_t t;
    conf_open(&t);
    int64_t host = mk_account(&t, "hotel", "host");
    int64_t pid = mk_person(&t, "Schmidt");
    /* Self-registration (Order 923) is in force from 2026-07-01, after every
     * entry here: only notifications and permits inform of these stays. */
    const qn_date_t selfreg_from = qn_test_date("2026-07-01");
    qn_store_stay_document sd;
    memset(&sd, 0, sizeof sd);
    sd.person_id = pid;
    snprintf(sd.kind, sizeof sd.kind, "permit");
    snprintf(sd.number, sizeof sd.number, "P-1");
    sd.valid_from = qn_test_date("2026-05-20");
    sd.valid_to = qn_test_date("2027-05-19");
    OK(&t, qn_store_stay_document_add(t.c, &sd, &t.err));
    qn_store_stay_document sd2 = sd;
    snprintf(sd2.kind, sizeof sd2.kind, "exit_visa");
    sd2.valid_from = qn_test_date("2026-04-01");
    sd2.valid_to = qn_test_date("2026-04-10");
    OK(&t, qn_store_stay_document_add(t.c, &sd2, &t.err));
    FAILS(&t, QN_E_CONFLICT, qn_store_stay_document_add(t.c, &sd2, &t.err)); /* (kind, number) */
    qn_store_stay_document bad = sd;
    snprintf(bad.number, sizeof bad.number, "P-2");
    bad.valid_to = bad.valid_from - 1;
    FAILS(&t, QN_E_INVALID, qn_store_stay_document_add(t.c, &bad, &t.err));
    snprintf(bad.kind, sizeof bad.kind, "amulet");
    bad.valid_to = bad.valid_from;
    FAILS(&t, QN_E_INVALID, qn_store_stay_document_add(t.c, &bad, &t.err));
    bad.valid_to = QN_DATE_NONE;
    FAILS(&t, QN_E_INVALID, qn_store_stay_document_add(t.c, &bad, &t.err));
    ck_assert_str_eq(t.err.fields[0].field, "valid_to");
    qn_store_stay_document_list sl;
    OK(&t, qn_store_stay_document_list_person(t.c, pid, &sl, &t.err));
    ck_assert_uint_eq(sl.count, 2);
    ck_assert_str_eq(sl.items[0].kind, "exit_visa"); /* by valid_from */
    ck_assert_int_eq(sl.items[1].valid_to, qn_test_date("2027-05-19"));
    ck_assert_int_eq(sl.items[1].application_id, 0);
    qn_store_stay_document_list_free(&sl);

    /* The crossing feed: the same crossing twice is recorded once. */
    qn_store_crossing x1, x2, x3;
    put_crossing(&t, pid, "entry", "2026-03-01", "75", &x1);
    qn_store_crossing again = x1;
    again.id = 0;
    bool created = true;
    OK(&t, qn_store_crossing_record(t.c, &again, "75", &created, &t.err));
    ck_assert(!created);
    ck_assert_int_eq(again.id, x1.id);
    ck_assert_int_eq(again.created_at, x1.created_at);
    put_crossing(&t, pid, "exit", "2026-03-20", "75", &x2);
    put_crossing(&t, pid, "entry", "2026-04-02", "19", &x3);
    qn_store_crossing wrong = x1;
    snprintf(wrong.kind, sizeof wrong.kind, "transit");
    FAILS(&t, QN_E_INVALID, qn_store_crossing_record(t.c, &wrong, "75", &created, &t.err));
    wrong = x1;
    wrong.date = QN_DATE_NONE;
    FAILS(&t, QN_E_INVALID, qn_store_crossing_record(t.c, &wrong, "75", &created, &t.err));
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM crossings"), 3);
    char region[16];
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT region FROM crossings WHERE id = %" PRId64, x3.id);
    ck_assert_int_eq(raw_exec(t.url, sql, region, sizeof region), 0);
    ck_assert_str_eq(region, "19");

    /* The exit check's view of the notifications: rejected ones left out,
     * the region of the registered address joined in. */
    qn_store_address addr;
    memset(&addr, 0, sizeof addr);
    snprintf(addr.code, sizeof addr.code, "0203400012345678");
    snprintf(addr.region, sizeof addr.region, "75");
    snprintf(addr.text, sizeof addr.text, "Almaty");
    OK(&t, qn_store_address_put(t.c, &addr, &t.err));
    qn_store_notification n1, n2, n3;
    fill_notification(&n1, host, pid, "2026-03-01");
    snprintf(n1.address_code, sizeof n1.address_code, "%s", addr.code);
    OK(&t, qn_store_notification_create(t.c, &n1, &t.err));
    fill_notification(&n2, host, pid, "2026-04-03");
    OK(&t, qn_store_notification_create(t.c, &n2, &t.err));
    fill_notification(&n3, host, pid, "2026-04-04");
    OK(&t, qn_store_notification_create(t.c, &n3, &t.err));
    OK(&t, qn_store_notification_set_status(t.c, n3.id, "rejected", &t.err));
    qn_store_ctl_notification_list cl;
    OK(&t, qn_store_ctl_notifications_person(t.c, pid, 0, &cl, &t.err));
    ck_assert_uint_eq(cl.count, 2);
    ck_assert_int_eq(cl.items[0].id, n1.id);
    ck_assert_str_eq(cl.items[0].region, "75");
    ck_assert_str_eq(cl.items[1].region, "");
    ck_assert_str_eq(cl.items[1].status, "submitted");
    ck_assert_int_eq(cl.items[1].deadline, n2.deadline);
    qn_store_ctl_notification_list_free(&cl);
    OK(&t, qn_store_ctl_notifications_person(t.c, pid, 1, &cl, &t.err));
    ck_assert_uint_eq(cl.count, 1);
    qn_store_ctl_notification_list_free(&cl);

    /* Detection candidates: an entry without a notification in its stay. */
    int64_t other = mk_person(&t, "Meyer");
    qn_store_crossing y1;
    put_crossing(&t, other, "entry", "2026-03-05", "75", &y1);
    qn_store_ctl_entry_list el;
    OK(&t, qn_store_ctl_entries(t.c, qn_test_date("2026-03-01"), qn_test_date("2026-04-30"), 0, 0,
                                &el, &t.err));
    ck_assert_uint_eq(el.count, 3);
    ck_assert_int_eq(el.items[0].crossing_id, x1.id);
    ck_assert_int_eq(el.items[0].next_exit, qn_test_date("2026-03-20"));
    ck_assert_int_eq(el.items[1].next_exit, QN_DATE_NONE);
    ck_assert_str_eq(el.items[1].region, "19");
    qn_store_ctl_entry_list_free(&el);
    OK(&t, qn_store_ctl_entries(t.c, qn_test_date("2026-03-01"), qn_test_date("2026-04-30"), x1.id,
                                1, &el, &t.err));
    ck_assert_uint_eq(el.count, 1);
    ck_assert_int_eq(el.items[0].crossing_id, x3.id);
    qn_store_ctl_entry_list_free(&el);
    OK(&t, qn_store_ctl_unnotified_entries(t.c, qn_test_date("2026-03-01"), qn_test_date("2026-04-30"), 0,
                                           100, selfreg_from, &el, &t.err));
    ck_assert_uint_eq(el.count, 1);
    ck_assert_int_eq(el.items[0].crossing_id, y1.id);
    ck_assert_int_eq(el.items[0].person_id, other);
    qn_store_ctl_entry_list_free(&el);

    /* Detection recorded the missing notification once; when a late one
     * arrives, the case is superseded. */
    qn_store_violation v;
    memset(&v, 0, sizeof v);
    snprintf(v.kind, sizeof v.kind, "art518");
    v.subject_person_id = other;
    snprintf(v.article, sizeof v.article, "518.1");
    snprintf(v.region, sizeof v.region, "75");
    char key[48];
    snprintf(key, sizeof key, "art518m:%" PRId64, y1.id);
    created = false;
    OK(&t, qn_store_violation_create_once(t.c, &v, key, &created, &t.err));
    ck_assert(created);
    int64_t first_id = v.id;
    qn_store_violation v2 = v;
    v2.id = 0;
    OK(&t, qn_store_violation_create_once(t.c, &v2, key, &created, &t.err));
    ck_assert(!created);
    ck_assert_int_eq(v2.id, first_id);
    FAILS(&t, QN_E_INVALID, qn_store_violation_create_once(t.c, &v2, "", &created, &t.err));
    int64_t ids[4];
    size_t nids = 9;
    OK(&t, qn_store_ctl_superseded_missing(t.c, selfreg_from, ids, 4, &nids, &t.err));
    ck_assert_uint_eq(nids, 0);
    qn_store_notification late;
    fill_notification(&late, host, other, "2026-03-06");
    OK(&t, qn_store_notification_create(t.c, &late, &t.err));
    OK(&t, qn_store_ctl_superseded_missing(t.c, selfreg_from, ids, 4, &nids, &t.err));
    ck_assert_uint_eq(nids, 1);
    ck_assert_int_eq(ids[0], first_id);
    OK(&t, qn_store_violation_set_state(t.c, first_id, "closed", 0, 0, &t.err));
    OK(&t, qn_store_ctl_superseded_missing(t.c, selfreg_from, ids, 4, &nids, &t.err));
    ck_assert_uint_eq(nids, 0);
    conf_close(&t);
}
END_TEST

static int64_t mk_violation(conf_t *t, const char *kind, int64_t person, int64_t notification,
                            const char *region, const char *state, int64_t created_at)
{
    qn_store_violation v;
    memset(&v, 0, sizeof v);
    snprintf(v.kind, sizeof v.kind, "%s", kind);
    v.subject_person_id = person;
    v.notification_id = notification;
    snprintf(v.article, sizeof v.article, "%s", strcmp(kind, "art517") == 0 ? "517.1" : "518.1");
    snprintf(v.region, sizeof v.region, "%s", region);
    snprintf(v.state, sizeof v.state, "%s", state);
    v.created_at = created_at;
    OK(t, qn_store_violation_create(t->c, &v, &t->err));
    return v.id;
}

START_TEST(control_violations_find_count_person)
{
    conf_t t;
    conf_open(&t);
    int64_t host = mk_account(&t, "hotel", "host");
    int64_t p1 = mk_person(&t, "Schmidt");
    int64_t p2 = mk_person(&t, "Meyer");
    qn_store_notification n;
    fill_notification(&n, host, p1, "2026-03-02");
    OK(&t, qn_store_notification_create(t.c, &n, &t.err));
    /* Eight cases over every shape of the filter. */
    int64_t v[8];
    v[0] = mk_violation(&t, "art517", p1, 0, "75", "open", 100);
    v[1] = mk_violation(&t, "art518", p2, n.id, "75", "open", 200); /* p1's notification */
    v[2] = mk_violation(&t, "art518", p2, 0, "75", "fined", 300);
    v[3] = mk_violation(&t, "art517", p2, 0, "19", "open", 400);
    v[4] = mk_violation(&t, "art518", p2, 0, "19", "closed", 500);
    v[5] = mk_violation(&t, "art517", p2, 0, "75", "fined", 600);
    v[6] = mk_violation(&t, "art518", p2, 0, "75", "open", 700);
    v[7] = mk_violation(&t, "art517", p2, 0, "19", "fined", 800);
    const struct {
        const char *region, *state, *kind;
        int64_t total;
        int first; /* index into v of the newest match */
    } cases[] = {
        {"", "", "", 8, 7},          {"75", "", "", 5, 6},         {"", "open", "", 4, 6},
        {"75", "open", "", 3, 6},    {"", "", "art517", 4, 7},     {"19", "", "art518", 1, 4},
        {"", "fined", "art517", 2, 7}, {"75", "open", "art518", 2, 6}, {"19", "open", "art518", 0, -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        qn_store_violation_filter f;
        memset(&f, 0, sizeof f);
        snprintf(f.region, sizeof f.region, "%s", cases[i].region);
        snprintf(f.state, sizeof f.state, "%s", cases[i].state);
        snprintf(f.kind, sizeof f.kind, "%s", cases[i].kind);
        f.limit = 2;
        qn_store_violation_list l;
        OK(&t, qn_store_violation_find(t.c, &f, &l, &t.err));
        ck_assert_msg(l.total == cases[i].total, "case %zu: total %" PRId64, i, l.total);
        ck_assert_uint_eq(l.count, (size_t)(cases[i].total < 2 ? cases[i].total : 2));
        if (cases[i].first >= 0)
            ck_assert_msg(l.items[0].id == v[cases[i].first], "case %zu: newest first", i);
        for (size_t k = 0; k < l.count; k++) {
            if (cases[i].region[0])
                ck_assert_str_eq(l.items[k].region, cases[i].region);
            if (cases[i].state[0])
                ck_assert_str_eq(l.items[k].state, cases[i].state);
            if (cases[i].kind[0])
                ck_assert_str_eq(l.items[k].kind, cases[i].kind);
        }
        if (l.count == 2)
            ck_assert_int_gt(l.items[0].created_at, l.items[1].created_at);
        qn_store_violation_list_free(&l);
        /* violation_search: the same shapes without the kind. */
        if (cases[i].kind[0] == '\0') {
            OK(&t, qn_store_violation_search(t.c, cases[i].region, cases[i].state, 0, 2, &l,
                                             &t.err));
            ck_assert_int_eq(l.total, cases[i].total);
            ck_assert_int_eq(l.items[0].id, v[cases[i].first]);
            qn_store_violation_list_free(&l);
        }
    }
    qn_store_violation_filter f;
    memset(&f, 0, sizeof f);
    f.limit = 2;
    f.offset = 6;
    qn_store_violation_list l;
    OK(&t, qn_store_violation_find(t.c, &f, &l, &t.err));
    ck_assert_uint_eq(l.count, 2);
    ck_assert_int_eq(l.items[1].id, v[0]);
    qn_store_violation_list_free(&l);
    f.limit = 5000;
    FAILS(&t, QN_E_INVALID, qn_store_violation_find(t.c, &f, &l, &t.err));

    qn_store_violation_count_list cl;
    OK(&t, qn_store_violation_counts(t.c, &cl, &t.err));
    /* (art517,19,fined)=1 (art517,19,open)=1 (art517,75,fined)=1 (art517,75,open)=1
     * (art518,19,closed)=1 (art518,75,fined)=1 (art518,75,open)=2 */
    ck_assert_uint_eq(cl.count, 7);
    ck_assert_str_eq(cl.items[0].kind, "art517");
    ck_assert_str_eq(cl.items[0].region, "19");
    ck_assert_str_eq(cl.items[0].state, "fined");
    ck_assert_str_eq(cl.items[6].state, "open");
    ck_assert_int_eq(cl.items[6].count, 2);
    qn_store_violation_count_list_free(&cl);

    /* p1's violations: as subject (v0) and through the notification (v1). */
    OK(&t, qn_store_violation_list_person(t.c, p1, &l, &t.err));
    ck_assert_uint_eq(l.count, 2);
    ck_assert_int_eq(l.items[0].id, v[0]);
    ck_assert_int_eq(l.items[1].id, v[1]);
    ck_assert_str_eq(l.items[1].facts, "{}");
    qn_store_violation_list_free(&l);
    OK(&t, qn_store_violation_list_person(t.c, 4242, &l, &t.err));
    ck_assert_uint_eq(l.count, 0);
    qn_store_violation_list_free(&l);
    conf_close(&t);
}
END_TEST

START_TEST(control_synth_fill_and_plans)
{
    conf_t t;
    conf_open(&t);
    int64_t host = mk_account(&t, "hotel", "host");
    qn_date_t today = qn_test_date("2026-06-01");
    OK(&t, qn_store_ctl_synth_fill(t.c, 40, today, host, &t.err));
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM persons WHERE surname = 'SYNTH'"), 40);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM documents"), 40);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM crossings"), 120);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM notifications"), 40);
    FAILS(&t, QN_E_CONFLICT, qn_store_ctl_synth_fill(t.c, 40, today, host, &t.err));
    FAILS(&t, QN_E_INVALID, qn_store_ctl_synth_fill(t.c, 0, today, host, &t.err));
    qn_store_audit_list al;
    OK(&t, qn_store_audit_list_entity(t.c, "persons", "40", 0, 10, &al, &t.err));
    ck_assert_uint_eq(al.count, 1);
    ck_assert_str_eq(al.items[0].action, "synth_fill");
    qn_store_audit_list_free(&al);
    /* The last entry of each synthetic person lies 1..46 days before today
     * (store_control.h), and none in the last day. */
    qn_store_ctl_entry_list el;
    OK(&t, qn_store_ctl_entries(t.c, today - 46, today, 0, 0, &el, &t.err));
    ck_assert_uint_eq(el.count, 40);
    qn_store_ctl_entry_list_free(&el);
    OK(&t, qn_store_ctl_entries(t.c, today, today, 0, 0, &el, &t.err));
    ck_assert_uint_eq(el.count, 0);
    qn_store_ctl_entry_list_free(&el);
    char plan[8192];
    OK(&t, qn_store_ctl_explain(t.c, plan, sizeof plan, &t.err));
    /* PostgreSQL may serve the crossings from the natural key (person first). */
    const char *want[] = {"crossings_person|crossings_natural", "notifications_person",
                          "stay_documents_person", "visas_person", "violations_person",
                          "violations_notification"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(plan_uses(plan, want[i]), "plan lacks %s:\n%s", want[i], plan);
    FAILS(&t, QN_E_INVALID, qn_store_ctl_explain(t.c, plan, 0, &t.err));
    conf_close(&t);
}
END_TEST

#endif
