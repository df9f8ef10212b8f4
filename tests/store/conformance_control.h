/* conformance_control.h — the store conformance suite, stay control part 2
 * (src/store/store_control.h; control.c, control_history.c,
 * control_selfreg.c; migrations 004_control and 009_control): violations
 * re-assessed while open and decided by an officer, self-registrations
 * (MVD Order No. 923) created, listed for the host, decided once and ended
 * by a change of address, a person's history in one statement (lean and
 * full, ordered, capped), the exit check's audit event and the synthetic
 * citizenships. Included after conformance_ops.h (put_crossing,
 * mk_violation) by both backends' programs.
 */
#ifndef QN_TEST_STORE_CONFORMANCE_CONTROL_H
#define QN_TEST_STORE_CONFORMANCE_CONTROL_H

#include <inttypes.h>

#include "conformance.h"
#include "conformance_ops.h"

static long ctl_audit_count(conf_t *t) { return raw_count(t->url, "SELECT COUNT(*) FROM audit_events"); }

/* The newest audit event of (entity, id); fails the test when there is none. */
static qn_store_audit_event ctl_last_event(conf_t *t, const char *entity, int64_t id)
{
    char idtext[32];
    snprintf(idtext, sizeof idtext, "%" PRId64, id);
    qn_store_audit_list al;
    OK(t, qn_store_audit_list_entity(t->c, entity, idtext, 0, 1000, &al, &t->err));
    ck_assert_msg(al.count > 0, "no audit event of %s %s", entity, idtext);
    qn_store_audit_event e = al.items[al.count - 1];
    qn_store_audit_list_free(&al);
    return e;
}

static void ctl_chain_intact(conf_t *t)
{
    qn_store_audit_report rep;
    memset(&rep, 0, sizeof rep);
    OK(t, qn_store_audit_verify(t->c, &rep, &t->err));
    ck_assert_msg(rep.ok, "audit chain broken at %" PRId64 ": %s", rep.first_broken, rep.reason);
    ck_assert_int_eq(rep.events, ctl_audit_count(t));
}

static qn_store_application ctl_application(conf_t *t, int64_t applicant, const char *state)
{
    qn_store_application a;
    memset(&a, 0, sizeof a);
    snprintf(a.kind, sizeof a.kind, "self_registration");
    snprintf(a.state, sizeof a.state, "%s", state);
    snprintf(a.region, sizeof a.region, "75");
    a.applicant_account_id = applicant;
    a.payload = (char *)"{}";
    OK(t, qn_store_application_create(t->c, &a, &t->err));
    a.payload = NULL;
    return a;
}

static void ctl_fill_selfreg(qn_store_selfreg *r, int64_t application, int64_t person, const char *host_iin,
                             const char *arrival, const char *stay_to)
{
    memset(r, 0, sizeof *r);
    r->application_id = application;
    r->person_id = person;
    snprintf(r->kind, sizeof r->kind, "initial");
    snprintf(r->host_iin_bin, sizeof r->host_iin_bin, "%s", host_iin);
    snprintf(r->address_code, sizeof r->address_code, "0203400012345678");
    snprintf(r->region, sizeof r->region, "75");
    r->arrival_date = qn_test_date(arrival);
    r->stay_to = qn_test_date(stay_to);
    r->deadline = r->arrival_date + 30;
    snprintf(r->document, sizeof r->document, "I confirm the stay of the foreigner at my address.");
}

/* A self-registration of its own (awaiting-host) application. */
static qn_store_selfreg ctl_selfreg(conf_t *t, int64_t applicant, int64_t person, const char *host_iin,
                                    const char *arrival, const char *stay_to)
{
    qn_store_application a = ctl_application(t, applicant, "awaiting_host");
    qn_store_selfreg r;
    ctl_fill_selfreg(&r, a.id, person, host_iin, arrival, stay_to);
    OK(t, qn_store_selfreg_create(t->c, &r, &t->err));
    ck_assert_int_gt(r.id, 0);
    return r;
}

static qn_date_t ctl_selfreg_stay_to(conf_t *t, int64_t application)
{
    qn_store_selfreg r;
    OK(t, qn_store_selfreg_by_application(t->c, application, &r, &t->err));
    return r.stay_to;
}

START_TEST(control_violation_refresh_and_decide)
{
    conf_t t;
    conf_open(&t);
    int64_t pid = mk_person(&t, "Schmidt");
    qn_store_violation v;
    memset(&v, 0, sizeof v);
    snprintf(v.kind, sizeof v.kind, "art517");
    v.subject_person_id = pid;
    v.facts = (char *)"{\"days_over\":3}";
    snprintf(v.article, sizeof v.article, "517.1");
    snprintf(v.region, sizeof v.region, "75");
    v.created_at = 1000;
    bool created = false;
    OK(&t, qn_store_violation_create_once(t.c, &v, "art517:1", &created, &t.err));
    ck_assert(created);
    int64_t other = mk_violation(&t, "art518", pid, 0, "75", "open", 1100);

    /* The same assessment again: nothing written, not audited. */
    long events = ctl_audit_count(&t);
    bool updated = true;
    OK(&t, qn_store_violation_refresh(t.c, "art517:1", "517.1", "{\"days_over\":3}", 0, 0, 2000, &updated,
                                      &t.err));
    ck_assert(!updated);
    ck_assert_int_eq(ctl_audit_count(&t), events);
    qn_store_violation g;
    OK(&t, qn_store_violation_get(t.c, v.id, &g, &t.err));
    ck_assert_int_eq(g.updated_at, 1000);
    qn_store_violation_clear(&g);

    /* Each of article, facts and fine alone is a change. */
    OK(&t, qn_store_violation_refresh(t.c, "art517:1", "517.1", "{\"days_over\":5}", 0, 0, 2000, &updated,
                                      &t.err));
    ck_assert(updated);
    ck_assert_int_eq(ctl_audit_count(&t), events + 1);
    qn_store_audit_event e = ctl_last_event(&t, "violation", v.id);
    ck_assert_str_eq(e.action, "reassess");
    ck_assert_str_ne(e.after_hex, "");
    OK(&t, qn_store_violation_get(t.c, v.id, &g, &t.err));
    ck_assert_str_eq(g.facts, "{\"days_over\":5}");
    ck_assert_str_eq(g.article, "517.1");
    ck_assert_int_eq(g.updated_at, 2000);
    ck_assert_str_eq(g.state, "open");
    qn_store_violation_clear(&g);
    OK(&t, qn_store_violation_refresh(t.c, "art517:1", "517.1", "{\"days_over\":5}", 10, 36920, 2100,
                                      &updated, &t.err));
    ck_assert(updated);
    OK(&t, qn_store_violation_refresh(t.c, "art517:1", "517.2", "{\"days_over\":5}", 10, 36920, 2200,
                                      &updated, &t.err));
    ck_assert(updated);
    ck_assert_int_eq(ctl_audit_count(&t), events + 3);
    OK(&t, qn_store_violation_get(t.c, v.id, &g, &t.err));
    ck_assert_str_eq(g.article, "517.2");
    ck_assert_int_eq(g.fine_mci, 10);
    ck_assert_int_eq(g.fine_amount, 36920);
    ck_assert_int_eq(g.updated_at, 2200);
    qn_store_violation_clear(&g);
    /* Only the violation of that key changed. */
    OK(&t, qn_store_violation_get(t.c, other, &g, &t.err));
    ck_assert_str_eq(g.article, "518.1");
    ck_assert_int_eq(g.updated_at, 1100);
    qn_store_violation_clear(&g);

    /* An absent key is left alone, refusals write nothing. */
    updated = true;
    OK(&t, qn_store_violation_refresh(t.c, "art517:404", "517.1", "{}", 0, 0, 2300, &updated, &t.err));
    ck_assert(!updated);
    updated = true;
    FAILS(&t, QN_E_INVALID, qn_store_violation_refresh(t.c, "", "517.1", "{}", 0, 0, 2300, &updated, &t.err));
    ck_assert(!updated);
    ck_assert_str_eq(t.err.fields[0].field, "dedup_key");
    FAILS(&t, QN_E_INVALID,
          qn_store_violation_refresh(t.c, "art517:1", "", "{}", 0, 0, 2300, &updated, &t.err));
    ck_assert_str_eq(t.err.fields[0].field, "article");
    FAILS(&t, QN_E_INVALID,
          qn_store_violation_refresh(t.c, "art517:1", "517.2", NULL, 0, 0, 2300, &updated, &t.err));
    ck_assert_str_eq(t.err.fields[0].field, "facts");
    /* A negative fine fails the CHECK: the transaction rolls back. */
    FAILS(&t, QN_E_INVALID,
          qn_store_violation_refresh(t.c, "art517:1", "517.2", "{}", -1, 0, 2300, &updated, &t.err));
    ck_assert(!updated);
    ck_assert_int_eq(ctl_audit_count(&t), events + 3);

    /* The officer's decision: state, article and fine; facts kept when NULL. */
    OK(&t, qn_store_violation_decide(t.c, v.id, "fined", "517.3", 15, 55380, NULL, 3000, &t.err));
    ck_assert_int_eq(ctl_audit_count(&t), events + 4);
    e = ctl_last_event(&t, "violation", v.id);
    ck_assert_str_eq(e.action, "update");
    ck_assert_str_ne(e.before_hex, "");
    ck_assert_str_ne(e.after_hex, "");
    ck_assert_str_ne(e.before_hex, e.after_hex);
    OK(&t, qn_store_violation_get(t.c, v.id, &g, &t.err));
    ck_assert_str_eq(g.state, "fined");
    ck_assert_str_eq(g.article, "517.3");
    ck_assert_int_eq(g.fine_mci, 15);
    ck_assert_int_eq(g.fine_amount, 55380);
    ck_assert_str_eq(g.facts, "{\"days_over\":5}");
    ck_assert_int_eq(g.updated_at, 3000);
    qn_store_violation_clear(&g);

    /* A decided violation is not re-assessed by detection any more. */
    updated = true;
    OK(&t, qn_store_violation_refresh(t.c, "art517:1", "517.1", "{\"days_over\":9}", 1, 1, 3100, &updated,
                                      &t.err));
    ck_assert(!updated);
    OK(&t, qn_store_violation_get(t.c, v.id, &g, &t.err));
    ck_assert_str_eq(g.article, "517.3");
    ck_assert_str_eq(g.facts, "{\"days_over\":5}");
    qn_store_violation_clear(&g);
    ck_assert_int_eq(ctl_audit_count(&t), events + 4);

    /* With facts, they are replaced; the decision may close the case. */
    OK(&t, qn_store_violation_decide(t.c, v.id, "closed", "517.3", 0, 0, "{\"closed\":true}", 3200, &t.err));
    OK(&t, qn_store_violation_get(t.c, v.id, &g, &t.err));
    ck_assert_str_eq(g.state, "closed");
    ck_assert_str_eq(g.facts, "{\"closed\":true}");
    ck_assert_int_eq(g.fine_mci, 0);
    qn_store_violation_clear(&g);
    ck_assert_int_eq(ctl_audit_count(&t), events + 5);

    /* Refusals: absent, a state outside the CHECK, missing fields. Nothing
     * is written. */
    FAILS(&t, QN_E_NOT_FOUND,
          qn_store_violation_decide(t.c, 4242, "fined", "517.1", 1, 1, NULL, 3300, &t.err));
    FAILS(&t, QN_E_INVALID,
          qn_store_violation_decide(t.c, other, "pardoned", "518.1", 0, 0, NULL, 3300, &t.err));
    FAILS(&t, QN_E_INVALID, qn_store_violation_decide(t.c, other, "", "518.1", 0, 0, NULL, 3300, &t.err));
    ck_assert_str_eq(t.err.fields[0].field, "state");
    FAILS(&t, QN_E_INVALID, qn_store_violation_decide(t.c, other, "fined", "", 0, 0, NULL, 3300, &t.err));
    ck_assert_str_eq(t.err.fields[0].field, "article");
    OK(&t, qn_store_violation_get(t.c, other, &g, &t.err));
    ck_assert_str_eq(g.state, "open");
    ck_assert_int_eq(g.updated_at, 1100);
    qn_store_violation_clear(&g);
    ck_assert_int_eq(ctl_audit_count(&t), events + 5);
    ctl_chain_intact(&t);
    conf_close(&t);
}
END_TEST

START_TEST(control_selfreg_create_list_decide)
{
    conf_t t;
    conf_open(&t);
    int64_t applicant = mk_account(&t, "foreigner1", "citizen");
    int64_t pid = mk_person(&t, "Schmidt");
    const char *host = "850101300111", *host2 = "870202400222";

    qn_store_application a1 = ctl_application(&t, applicant, "awaiting_host");
    long events = ctl_audit_count(&t);
    qn_store_selfreg r1;
    ctl_fill_selfreg(&r1, a1.id, pid, host, "2026-07-05", "2026-08-05");
    OK(&t, qn_store_selfreg_create(t.c, &r1, &t.err));
    ck_assert_int_gt(r1.id, 0);
    ck_assert_int_gt(r1.created_at, 0);
    ck_assert_str_eq(r1.state, "awaiting_host"); /* the default */
    ck_assert_int_eq(ctl_audit_count(&t), events + 1);
    qn_store_audit_event e = ctl_last_event(&t, "self_registration", r1.id);
    ck_assert_str_eq(e.action, "create");
    ck_assert_str_eq(e.before_hex, "");
    ck_assert_str_ne(e.after_hex, "");

    /* Read back with the application's number. */
    qn_store_selfreg g;
    OK(&t, qn_store_selfreg_by_application(t.c, a1.id, &g, &t.err));
    ck_assert_int_eq(g.id, r1.id);
    ck_assert_int_eq(g.application_id, a1.id);
    ck_assert_int_eq(g.person_id, pid);
    ck_assert_str_eq(g.kind, "initial");
    ck_assert_str_eq(g.host_iin_bin, host);
    ck_assert_str_eq(g.address_code, "0203400012345678");
    ck_assert_str_eq(g.region, "75");
    ck_assert_int_eq(g.arrival_date, qn_test_date("2026-07-05"));
    ck_assert_int_eq(g.stay_to, qn_test_date("2026-08-05"));
    ck_assert_int_eq(g.deadline, qn_test_date("2026-08-04"));
    ck_assert_str_eq(g.state, "awaiting_host");
    ck_assert_str_eq(g.document, r1.document);
    ck_assert_int_eq(g.signature_id, 0);
    ck_assert_int_eq(g.created_at, r1.created_at);
    ck_assert_int_eq(g.decided_at, 0);
    ck_assert_str_eq(g.number, a1.number);
    FAILS(&t, QN_E_NOT_FOUND, qn_store_selfreg_by_application(t.c, 4242, &g, &t.err));

    /* Refusals write nothing: one per application, the CHECKs, the dates. */
    qn_store_selfreg bad = r1;
    bad.id = 0;
    FAILS(&t, QN_E_CONFLICT, qn_store_selfreg_create(t.c, &bad, &t.err));
    qn_store_application a9 = ctl_application(&t, applicant, "awaiting_host");
    events = ctl_audit_count(&t);
    ctl_fill_selfreg(&bad, a9.id, pid, host, "2026-07-05", "2026-08-05");
    snprintf(bad.kind, sizeof bad.kind, "holiday");
    FAILS(&t, QN_E_INVALID, qn_store_selfreg_create(t.c, &bad, &t.err));
    ctl_fill_selfreg(&bad, a9.id, pid, "85010130011X", "2026-07-05", "2026-08-05");
    FAILS(&t, QN_E_INVALID, qn_store_selfreg_create(t.c, &bad, &t.err));
    ctl_fill_selfreg(&bad, a9.id, pid, host, "2026-07-05", "2026-07-04"); /* ends before arrival */
    FAILS(&t, QN_E_INVALID, qn_store_selfreg_create(t.c, &bad, &t.err));
    ctl_fill_selfreg(&bad, a9.id, pid, host, "2026-07-05", "2026-08-05");
    bad.arrival_date = QN_DATE_NONE;
    FAILS(&t, QN_E_INVALID, qn_store_selfreg_create(t.c, &bad, &t.err));
    ck_assert_str_eq(t.err.fields[0].field, "arrival_date");
    ctl_fill_selfreg(&bad, a9.id, 4242, host, "2026-07-05", "2026-08-05"); /* no such person */
    FAILS(&t, QN_E_INVALID, qn_store_selfreg_create(t.c, &bad, &t.err));
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM self_registrations"), 1);
    ck_assert_int_eq(ctl_audit_count(&t), events);
    FAILS(&t, QN_E_NOT_FOUND, qn_store_selfreg_by_application(t.c, a9.id, &g, &t.err));

    /* The host's list: awaiting the host, whose application awaits it too,
     * oldest first. */
    qn_store_selfreg r2 = ctl_selfreg(&t, applicant, pid, host, "2026-07-06", "2026-07-30");
    qn_store_selfreg r3 = ctl_selfreg(&t, applicant, pid, host2, "2026-07-07", "2026-07-30");
    qn_store_application a4 = ctl_application(&t, applicant, "withdrawn");
    qn_store_selfreg r4;
    ctl_fill_selfreg(&r4, a4.id, pid, host, "2026-07-08", "2026-07-30");
    OK(&t, qn_store_selfreg_create(t.c, &r4, &t.err));
    qn_store_selfreg_list l;
    OK(&t, qn_store_selfreg_pending_host(t.c, host, &l, &t.err));
    ck_assert_uint_eq(l.count, 2);
    ck_assert_int_eq(l.items[0].id, r1.id);
    ck_assert_int_eq(l.items[1].id, r2.id);
    ck_assert_str_eq(l.items[0].number, a1.number);
    ck_assert_str_eq(l.items[1].document, r2.document);
    qn_store_selfreg_list_free(&l);
    ck_assert_ptr_null(l.items);
    qn_store_selfreg_list_free(&l); /* twice is harmless */
    OK(&t, qn_store_selfreg_pending_host(t.c, host2, &l, &t.err));
    ck_assert_uint_eq(l.count, 1);
    ck_assert_int_eq(l.items[0].id, r3.id);
    qn_store_selfreg_list_free(&l);
    OK(&t, qn_store_selfreg_pending_host(t.c, "123456789012", &l, &t.err));
    ck_assert_uint_eq(l.count, 0);
    qn_store_selfreg_list_free(&l);
    FAILS(&t, QN_E_INVALID, qn_store_selfreg_pending_host(t.c, "", &l, &t.err));
    FAILS(&t, QN_E_TOO_LARGE, qn_store_selfreg_pending_host(t.c, "8501013001110", &l, &t.err));

    /* The host confirms r1 with a signature. */
    unsigned char cms[16];
    memset(cms, 0x30, sizeof cms);
    qn_store_signature s;
    memset(&s, 0, sizeof s);
    s.application_id = a1.id;
    snprintf(s.kind, sizeof s.kind, "consent");
    snprintf(s.signer_iin_bin, sizeof s.signer_iin_bin, "%s", host);
    snprintf(s.role, sizeof s.role, "host");
    s.cms = cms;
    s.cms_len = sizeof cms;
    snprintf(s.result, sizeof s.result, "valid");
    OK(&t, qn_store_signature_add(t.c, &s, &t.err));
    events = ctl_audit_count(&t);
    OK(&t, qn_store_selfreg_decide(t.c, r1.id, "confirmed", s.id, 1800000000, &t.err));
    ck_assert_int_eq(ctl_audit_count(&t), events + 1);
    e = ctl_last_event(&t, "self_registration", r1.id);
    ck_assert_str_eq(e.action, "decide");
    OK(&t, qn_store_selfreg_by_application(t.c, a1.id, &g, &t.err));
    ck_assert_str_eq(g.state, "confirmed");
    ck_assert_int_eq(g.signature_id, s.id);
    ck_assert_int_eq(g.decided_at, 1800000000);
    OK(&t, qn_store_selfreg_pending_host(t.c, host, &l, &t.err));
    ck_assert_uint_eq(l.count, 1);
    ck_assert_int_eq(l.items[0].id, r2.id);
    qn_store_selfreg_list_free(&l);

    /* Decided already: QN_E_CONFLICT, the answer kept, nothing audited. */
    FAILS(&t, QN_E_CONFLICT, qn_store_selfreg_decide(t.c, r1.id, "refused", 0, 1800000100, &t.err));
    ck_assert_str_eq(t.err.sub, "already_decided");
    OK(&t, qn_store_selfreg_by_application(t.c, a1.id, &g, &t.err));
    ck_assert_str_eq(g.state, "confirmed");
    ck_assert_int_eq(g.signature_id, s.id);
    ck_assert_int_eq(g.decided_at, 1800000000);
    ck_assert_int_eq(ctl_audit_count(&t), events + 1);

    /* Refused without a signature. */
    OK(&t, qn_store_selfreg_decide(t.c, r2.id, "refused", 0, 1800000200, &t.err));
    OK(&t, qn_store_selfreg_by_application(t.c, r2.application_id, &g, &t.err));
    ck_assert_str_eq(g.state, "refused");
    ck_assert_int_eq(g.signature_id, 0);
    ck_assert_int_eq(g.decided_at, 1800000200);
    FAILS(&t, QN_E_CONFLICT, qn_store_selfreg_decide(t.c, r2.id, "confirmed", 0, 0, &t.err));
    ck_assert_str_eq(t.err.sub, "already_decided");
    OK(&t, qn_store_selfreg_pending_host(t.c, host, &l, &t.err));
    ck_assert_uint_eq(l.count, 0);
    qn_store_selfreg_list_free(&l);

    /* A state outside the CHECK, a missing state, an unknown signature:
     * refused, r3 still awaits its host. */
    events = ctl_audit_count(&t);
    FAILS(&t, QN_E_INVALID, qn_store_selfreg_decide(t.c, r3.id, "maybe", 0, 0, &t.err));
    FAILS(&t, QN_E_INVALID, qn_store_selfreg_decide(t.c, r3.id, "", 0, 0, &t.err));
    ck_assert_str_eq(t.err.fields[0].field, "state");
    FAILS(&t, QN_E_INVALID, qn_store_selfreg_decide(t.c, r3.id, "confirmed", 4242, 0, &t.err));
    /* "awaiting_host" is in the CHECK but is not an answer. */
    FAILS(&t, QN_E_INVALID, qn_store_selfreg_decide(t.c, r3.id, "awaiting_host", 0, 0, &t.err));
    ck_assert_str_eq(t.err.fields[0].field, "state");
    /* No such self-registration: not found, not "already answered". */
    FAILS(&t, QN_E_NOT_FOUND, qn_store_selfreg_decide(t.c, r3.id + 100000, "confirmed", 0, 0, &t.err));
    OK(&t, qn_store_selfreg_by_application(t.c, r3.application_id, &g, &t.err));
    ck_assert_str_eq(g.state, "awaiting_host");
    ck_assert_int_eq(g.decided_at, 0);
    ck_assert_int_eq(ctl_audit_count(&t), events);
    /* An answer without a time is stamped now. */
    OK(&t, qn_store_selfreg_decide(t.c, r3.id, "confirmed", 0, 0, &t.err));
    OK(&t, qn_store_selfreg_by_application(t.c, r3.application_id, &g, &t.err));
    ck_assert_int_gt(g.decided_at, 1700000000);

    /* The host's list holds at most 200. */
    OK(&t, qn_store_begin(t.c, &t.err));
    for (int i = 0; i < 201; i++)
        ctl_selfreg(&t, applicant, pid, host2, "2026-07-10", "2026-07-20");
    OK(&t, qn_store_commit(t.c, &t.err));
    OK(&t, qn_store_selfreg_pending_host(t.c, host2, &l, &t.err));
    ck_assert_uint_eq(l.count, 200);
    for (size_t i = 1; i < l.count; i++)
        ck_assert_int_gt(l.items[i].id, l.items[i - 1].id);
    ck_assert_int_gt(l.items[0].id, r4.id);
    qn_store_selfreg_list_free(&l);
    ctl_chain_intact(&t);
    conf_close(&t);
}
END_TEST

START_TEST(control_selfreg_end_before)
{
    conf_t t;
    conf_open(&t);
    int64_t applicant = mk_account(&t, "foreigner1", "citizen");
    int64_t pid = mk_person(&t, "Schmidt");
    int64_t other = mk_person(&t, "Meyer");
    const char *host = "850101300111";
    /* s1 runs past the last day, s2 ends before it; s3 awaits the host and
     * s4 was refused (not registered); s5 is the new address (the
     * exception); s6 arrived after the last day (ends on its arrival day);
     * s7 is another person's. */
    qn_store_selfreg s[7];
    s[0] = ctl_selfreg(&t, applicant, pid, host, "2026-07-02", "2026-09-30");
    s[1] = ctl_selfreg(&t, applicant, pid, host, "2026-07-10", "2026-07-20");
    s[2] = ctl_selfreg(&t, applicant, pid, host, "2026-07-03", "2026-12-31");
    s[3] = ctl_selfreg(&t, applicant, pid, host, "2026-07-04", "2026-12-31");
    s[4] = ctl_selfreg(&t, applicant, pid, host, "2026-08-01", "2026-12-31");
    s[5] = ctl_selfreg(&t, applicant, pid, host, "2026-08-10", "2026-10-01");
    s[6] = ctl_selfreg(&t, applicant, other, host, "2026-07-02", "2026-09-30");
    const char *answer[7] = {"confirmed", "confirmed", NULL,       "refused",
                             "confirmed", "confirmed", "confirmed"};
    for (int i = 0; i < 7; i++)
        if (answer[i] != NULL)
            OK(&t, qn_store_selfreg_decide(t.c, s[i].id, answer[i], 0, 1800000000, &t.err));
    long events = ctl_audit_count(&t);
    OK(&t, qn_store_selfreg_end_before(t.c, pid, s[4].id, qn_test_date("2026-07-31"), &t.err));
    const char *want[7] = {"2026-07-31", "2026-07-20", "2026-12-31", "2026-12-31",
                           "2026-12-31", "2026-08-10", "2026-09-30"};
    for (int i = 0; i < 7; i++)
        ck_assert_msg(ctl_selfreg_stay_to(&t, s[i].application_id) == qn_test_date(want[i]),
                      "s%d: stay_to %d, expected %s", i + 1,
                      (int)ctl_selfreg_stay_to(&t, s[i].application_id), want[i]);
    /* One "deregister" event per row ended (s1, s6). */
    ck_assert_int_eq(ctl_audit_count(&t), events + 2);
    ck_assert_str_eq(ctl_last_event(&t, "self_registration", s[0].id).action, "deregister");
    ck_assert_str_eq(ctl_last_event(&t, "self_registration", s[5].id).action, "deregister");
    ck_assert_str_eq(ctl_last_event(&t, "self_registration", s[1].id).action, "decide");
    /* Again: nothing runs past the last day any more, nothing is written. */
    OK(&t, qn_store_selfreg_end_before(t.c, pid, s[4].id, qn_test_date("2026-07-31"), &t.err));
    ck_assert_int_eq(ctl_audit_count(&t), events + 2);
    ck_assert_int_eq(ctl_selfreg_stay_to(&t, s[5].application_id), qn_test_date("2026-08-10"));
    /* A person with none: nothing to do. */
    OK(&t, qn_store_selfreg_end_before(t.c, 4242, 0, qn_test_date("2026-07-31"), &t.err));
    ck_assert_int_eq(ctl_audit_count(&t), events + 2);
    /* Within the caller's transaction, undone with it. */
    OK(&t, qn_store_begin(t.c, &t.err));
    OK(&t, qn_store_selfreg_end_before(t.c, other, 0, qn_test_date("2026-07-15"), &t.err));
    qn_store_rollback(t.c);
    ck_assert_int_eq(ctl_selfreg_stay_to(&t, s[6].application_id), qn_test_date("2026-09-30"));
    ck_assert_int_eq(ctl_audit_count(&t), events + 2);
    ctl_chain_intact(&t);
    conf_close(&t);
}
END_TEST

START_TEST(control_history_lean_and_full)
{
    conf_t t;
    conf_open(&t);
    int64_t host = mk_account(&t, "hotel", "host");
    int64_t applicant = mk_account(&t, "foreigner1", "citizen");
    int64_t pid = mk_person(&t, "Schmidt");
    int64_t other = mk_person(&t, "Meyer");
    mk_document(&t, pid, "C01X00T47");
    mk_document(&t, other, "C01X00T48");

    /* Crossings out of order (and the other person's, left out). */
    qn_store_crossing x[4], y;
    put_crossing(&t, pid, "entry", "2026-07-02", "19", &x[0]);
    put_crossing(&t, pid, "entry", "2026-03-01", "75", &x[1]);
    put_crossing(&t, pid, "exit", "2026-03-20", "75", &x[2]);
    put_crossing(&t, pid, "exit", "2026-07-02", "19", &x[3]); /* same day: by id */
    put_crossing(&t, other, "entry", "2026-03-05", "75", &y);
    qn_store_visa v;
    memset(&v, 0, sizeof v);
    v.person_id = pid;
    snprintf(v.kind, sizeof v.kind, "business");
    snprintf(v.number, sizeof v.number, "V2");
    snprintf(v.entries, sizeof v.entries, "multiple");
    v.valid_from = qn_test_date("2026-06-01");
    v.valid_to = qn_test_date("2026-12-31");
    OK(&t, qn_store_visa_create(t.c, &v, &t.err));
    int64_t visa_late = v.id;
    snprintf(v.number, sizeof v.number, "V1");
    snprintf(v.entries, sizeof v.entries, "single");
    v.valid_from = qn_test_date("2026-02-01");
    v.valid_to = qn_test_date("2026-03-31");
    OK(&t, qn_store_visa_create(t.c, &v, &t.err));
    int64_t visa_early = v.id;
    qn_store_stay_document sd;
    memset(&sd, 0, sizeof sd);
    sd.person_id = pid;
    snprintf(sd.kind, sizeof sd.kind, "permit");
    snprintf(sd.number, sizeof sd.number, "P-1");
    sd.valid_from = qn_test_date("2026-07-02");
    sd.valid_to = qn_test_date("2027-07-01");
    OK(&t, qn_store_stay_document_add(t.c, &sd, &t.err));
    int64_t doc_late = sd.id;
    snprintf(sd.kind, sizeof sd.kind, "extension_visa");
    snprintf(sd.number, sizeof sd.number, "E-1");
    sd.valid_from = qn_test_date("2026-03-15");
    sd.valid_to = qn_test_date("2026-04-15");
    OK(&t, qn_store_stay_document_add(t.c, &sd, &t.err));
    int64_t doc_early = sd.id;

    /* Notifications: two counted (out of order), a rejected and a cancelled
     * one left out. */
    qn_store_address addr;
    memset(&addr, 0, sizeof addr);
    snprintf(addr.code, sizeof addr.code, "0203400012345678");
    snprintf(addr.region, sizeof addr.region, "75");
    snprintf(addr.text, sizeof addr.text, "Almaty");
    OK(&t, qn_store_address_put(t.c, &addr, &t.err));
    qn_store_notification n[4];
    const char *arrivals[4] = {"2026-07-03", "2026-03-02", "2026-03-03", "2026-03-04"};
    for (int i = 0; i < 4; i++) {
        fill_notification(&n[i], host, pid, arrivals[i]);
        if (i == 1)
            snprintf(n[i].address_code, sizeof n[i].address_code, "%s", addr.code);
        OK(&t, qn_store_notification_create(t.c, &n[i], &t.err));
    }
    OK(&t, qn_store_notification_set_status(t.c, n[0].id, "accepted", &t.err));
    OK(&t, qn_store_notification_set_status(t.c, n[2].id, "rejected", &t.err));
    OK(&t, qn_store_notification_set_status(t.c, n[3].id, "cancelled", &t.err));
    qn_store_notification on;
    fill_notification(&on, host, other, "2026-03-06");
    OK(&t, qn_store_notification_create(t.c, &on, &t.err));

    /* Cases: as subject; as subject and through the notification (once);
     * through the notification only, another subject; closed (left out);
     * the other person's (left out). */
    int64_t c_subject = mk_violation(&t, "art517", pid, 0, "75", "open", 100);
    int64_t c_both = mk_violation(&t, "art518", pid, n[1].id, "75", "fined", 200);
    int64_t c_closed = mk_violation(&t, "art517", pid, 0, "75", "closed", 300);
    int64_t c_notif = mk_violation(&t, "art518", other, n[0].id, "19", "open", 400);
    int64_t c_other = mk_violation(&t, "art518", other, on.id, "75", "open", 500);
    (void)c_closed; /* left out of every history below */

    /* Self-registrations: two confirmed (out of order of arrival), one
     * awaiting the host and one refused (left out). */
    qn_store_selfreg sr[4];
    sr[0] = ctl_selfreg(&t, applicant, pid, "850101300111", "2026-07-20", "2026-08-20");
    sr[1] = ctl_selfreg(&t, applicant, pid, "850101300111", "2026-07-05", "2026-07-19");
    sr[2] = ctl_selfreg(&t, applicant, pid, "850101300111", "2026-07-06", "2026-07-19");
    sr[3] = ctl_selfreg(&t, applicant, pid, "850101300111", "2026-07-07", "2026-07-19");
    OK(&t, qn_store_selfreg_decide(t.c, sr[0].id, "confirmed", 0, 1800000000, &t.err));
    OK(&t, qn_store_selfreg_decide(t.c, sr[1].id, "confirmed", 0, 1800000100, &t.err));
    OK(&t, qn_store_selfreg_decide(t.c, sr[3].id, "refused", 0, 1800000200, &t.err));

    /* Lean: the person, crossings, visas and stay documents only. */
    qn_store_ctl_history h;
    OK(&t, qn_store_ctl_history_by_document(t.c, "DEU", "C01X00T47", false, &h, &t.err));
    ck_assert_int_eq(h.person.id, pid);
    ck_assert_str_eq(h.person.surname, "Schmidt");
    ck_assert_str_eq(h.person.given_names, "Anna");
    ck_assert_str_eq(h.person.citizenship, "DEU");
    ck_assert_str_eq(h.person.kind, "foreigner");
    ck_assert_str_eq(h.person.sex, "F");
    ck_assert_str_eq(h.person.iin, "");
    ck_assert_int_eq(h.person.birth_date, qn_test_date("1990-05-17"));
    ck_assert_int_gt(h.person.created_at, 0);
    ck_assert_uint_eq(h.xs.count, 4);
    const int64_t xs_order[4] = {x[1].id, x[2].id, x[0].id, x[3].id};
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(h.xs.items[i].id, xs_order[i]);
        ck_assert_int_eq(h.xs.items[i].person_id, pid);
        ck_assert_str_eq(h.xs.items[i].checkpoint, "Khorgos");
    }
    ck_assert_str_eq(h.xs.items[0].kind, "entry");
    ck_assert_int_eq(h.xs.items[0].date, qn_test_date("2026-03-01"));
    ck_assert_str_eq(h.xs.items[1].kind, "exit");
    ck_assert_int_eq(h.xs.items[3].date, qn_test_date("2026-07-02"));
    ck_assert_int_eq(h.xs.items[3].created_at, x[3].created_at);
    ck_assert_uint_eq(h.visas.count, 2);
    ck_assert_int_eq(h.visas.items[0].id, visa_early);
    ck_assert_str_eq(h.visas.items[0].number, "V1");
    ck_assert_str_eq(h.visas.items[0].entries, "single");
    ck_assert_int_eq(h.visas.items[0].valid_to, qn_test_date("2026-03-31"));
    ck_assert_int_eq(h.visas.items[1].id, visa_late);
    ck_assert_str_eq(h.visas.items[1].kind, "business");
    ck_assert_uint_eq(h.docs.count, 2);
    ck_assert_int_eq(h.docs.items[0].id, doc_early);
    ck_assert_str_eq(h.docs.items[0].kind, "extension_visa");
    ck_assert_str_eq(h.docs.items[0].number, "E-1");
    ck_assert_int_eq(h.docs.items[0].valid_from, qn_test_date("2026-03-15"));
    ck_assert_int_eq(h.docs.items[1].id, doc_late);
    ck_assert_int_eq(h.docs.items[1].valid_to, qn_test_date("2027-07-01"));
    ck_assert_int_eq(h.docs.items[1].application_id, 0);
    ck_assert_uint_eq(h.ns.count, 0);
    ck_assert_uint_eq(h.cases.count, 0);
    ck_assert_uint_eq(h.n_selfregs, 0);
    ck_assert_ptr_null(h.selfregs);
    qn_store_ctl_history_free(&h);
    ck_assert_ptr_null(h.xs.items);
    ck_assert_uint_eq(h.xs.count, 0);
    qn_store_ctl_history_free(&h); /* a zeroed struct */
    qn_store_ctl_history_free(NULL);

    /* Full: also the notifications, open cases and confirmed
     * self-registrations. */
    OK(&t, qn_store_ctl_history_by_document(t.c, "DEU", "C01X00T47", true, &h, &t.err));
    ck_assert_int_eq(h.person.id, pid);
    ck_assert_uint_eq(h.xs.count, 4);
    ck_assert_uint_eq(h.visas.count, 2);
    ck_assert_uint_eq(h.docs.count, 2);
    ck_assert_uint_eq(h.ns.count, 2);
    ck_assert_int_eq(h.ns.items[0].id, n[1].id); /* by arrival */
    ck_assert_int_eq(h.ns.items[0].arrival_date, qn_test_date("2026-03-02"));
    ck_assert_int_eq(h.ns.items[0].deadline, n[1].deadline);
    ck_assert_int_eq(h.ns.items[0].host_account_id, host);
    ck_assert_int_eq(h.ns.items[0].created_at, n[1].created_at);
    ck_assert_str_eq(h.ns.items[0].region, "75");
    ck_assert_str_eq(h.ns.items[0].status, "submitted");
    ck_assert_int_eq(h.ns.items[1].id, n[0].id);
    ck_assert_str_eq(h.ns.items[1].region, "");
    ck_assert_str_eq(h.ns.items[1].status, "accepted");
    ck_assert_uint_eq(h.cases.count, 3);
    ck_assert_int_eq(h.cases.total, 3);
    const int64_t case_order[3] = {c_subject, c_both, c_notif};
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(h.cases.items[i].id, case_order[i]);
        ck_assert_ptr_null(h.cases.items[i].facts); /* without facts */
    }
    ck_assert_str_eq(h.cases.items[0].kind, "art517");
    ck_assert_str_eq(h.cases.items[0].article, "517.1");
    ck_assert_str_eq(h.cases.items[0].state, "open");
    ck_assert_str_eq(h.cases.items[1].state, "fined");
    ck_assert_str_eq(h.cases.items[2].kind, "art518");
    ck_assert_str_eq(h.cases.items[2].region, "19");
    ck_assert_uint_eq(h.n_selfregs, 2);
    ck_assert_int_eq(h.selfregs[0].id, sr[1].id); /* by arrival */
    ck_assert_int_eq(h.selfregs[0].arrival_date, qn_test_date("2026-07-05"));
    ck_assert_int_eq(h.selfregs[0].stay_to, qn_test_date("2026-07-19"));
    ck_assert_int_eq(h.selfregs[0].deadline, sr[1].deadline);
    ck_assert_int_eq(h.selfregs[0].decided_at, 1800000100);
    ck_assert_str_eq(h.selfregs[0].region, "75");
    ck_assert_int_eq(h.selfregs[1].id, sr[0].id);
    ck_assert_int_eq(h.selfregs[1].decided_at, 1800000000);

    /* By person id: the same history. */
    qn_store_ctl_history hp;
    OK(&t, qn_store_ctl_history_by_person(t.c, pid, true, &hp, &t.err));
    ck_assert_int_eq(hp.person.id, pid);
    ck_assert_uint_eq(hp.xs.count, h.xs.count);
    for (size_t i = 0; i < h.xs.count; i++)
        ck_assert_int_eq(hp.xs.items[i].id, h.xs.items[i].id);
    ck_assert_uint_eq(hp.ns.count, h.ns.count);
    ck_assert_uint_eq(hp.visas.count, h.visas.count);
    ck_assert_uint_eq(hp.docs.count, h.docs.count);
    ck_assert_uint_eq(hp.cases.count, h.cases.count);
    ck_assert_uint_eq(hp.n_selfregs, h.n_selfregs);
    qn_store_ctl_history_free(&hp);
    OK(&t, qn_store_ctl_history_by_person(t.c, pid, false, &hp, &t.err));
    ck_assert_uint_eq(hp.xs.count, 4);
    ck_assert_uint_eq(hp.ns.count, 0);
    ck_assert_uint_eq(hp.cases.count, 0);
    ck_assert_uint_eq(hp.n_selfregs, 0);
    qn_store_ctl_history_free(&hp);
    qn_store_ctl_history_free(&h);

    /* The other person: only their own rows (c_notif is attached to pid's
     * notification but names them as subject). */
    OK(&t, qn_store_ctl_history_by_document(t.c, "DEU", "C01X00T48", true, &h, &t.err));
    ck_assert_int_eq(h.person.id, other);
    ck_assert_str_eq(h.person.surname, "Meyer");
    ck_assert_uint_eq(h.xs.count, 1);
    ck_assert_int_eq(h.xs.items[0].id, y.id);
    ck_assert_uint_eq(h.ns.count, 1);
    ck_assert_uint_eq(h.cases.count, 2);
    ck_assert_int_eq(h.cases.items[0].id, c_notif);
    ck_assert_int_eq(h.cases.items[1].id, c_other);
    ck_assert_uint_eq(h.visas.count + h.docs.count + h.n_selfregs, 0);
    qn_store_ctl_history_free(&h);

    /* A person with nothing on record but themselves. */
    int64_t bare = mk_person(&t, "Leer");
    OK(&t, qn_store_ctl_history_by_person(t.c, bare, true, &h, &t.err));
    ck_assert_int_eq(h.person.id, bare);
    ck_assert_uint_eq(h.xs.count + h.ns.count + h.visas.count + h.docs.count + h.cases.count, 0);
    ck_assert_uint_eq(h.n_selfregs, 0);
    qn_store_ctl_history_free(&h);

    /* Unknown: QN_E_NOT_FOUND with the output zeroed; bad arguments refused. */
    const bool fulls[2] = {false, true};
    for (int i = 0; i < 2; i++) {
        FAILS(&t, QN_E_NOT_FOUND, qn_store_ctl_history_by_document(t.c, "DEU", "NOPE", fulls[i], &h, &t.err));
        ck_assert_int_eq(h.person.id, 0);
        ck_assert_ptr_null(h.xs.items);
        ck_assert_ptr_null(h.selfregs);
        FAILS(&t, QN_E_NOT_FOUND,
              qn_store_ctl_history_by_document(t.c, "FRA", "C01X00T47", fulls[i], &h, &t.err));
        FAILS(&t, QN_E_NOT_FOUND, qn_store_ctl_history_by_person(t.c, 4242, fulls[i], &h, &t.err));
        ck_assert_ptr_null(h.xs.items);
    }
    FAILS(&t, QN_E_INVALID, qn_store_ctl_history_by_document(t.c, "", "C01X00T47", true, &h, &t.err));
    ck_assert_str_eq(t.err.fields[0].field, "country");
    FAILS(&t, QN_E_INVALID, qn_store_ctl_history_by_document(t.c, "DEU", "", true, &h, &t.err));
    ck_assert_str_eq(t.err.fields[0].field, "number");
    FAILS(&t, QN_E_TOO_LARGE, qn_store_ctl_history_by_document(t.c, "DEUT", "C01X00T47", true, &h, &t.err));
    conf_close(&t);
}
END_TEST

START_TEST(control_history_caps)
{
    conf_t t;
    conf_open(&t);
    int64_t host = mk_account(&t, "hotel", "host");
    int64_t pid = mk_person(&t, "Vielreisende");
    /* Beyond each cap (crossings 10,000; notifications 4,000; stay
     * documents and cases 1,000), written around the store in one statement
     * each. Days from 2000-01-01 (10957). */
    char sql[1024];
    snprintf(sql, sizeof sql,
             "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 10005) "
             "INSERT INTO crossings (person_id, kind, day, checkpoint, created_at, region) "
             "SELECT %" PRId64 ", CASE WHEN i %% 2 = 1 THEN 'entry' ELSE 'exit' END, 10957 + i, "
             "'CP', 1, '75' FROM s",
             pid);
    ck_assert_int_eq(raw_exec(t.url, sql, NULL, 0), 0);
    snprintf(sql, sizeof sql,
             "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 4003) "
             "INSERT INTO notifications (number, host_account_id, person_id, entry_date, checkpoint, "
             "arrival_date, stay_from, stay_to, purpose, deadline, on_time, status, created_at, payload) "
             "SELECT 'N-CAP-' || i, %" PRId64 ", %" PRId64 ", 10957 + i, 'CP', 10957 + i, 10957 + i, "
             "10957 + i, 'tourism', 10960 + i, 1, 'submitted', 1, '{}' FROM s",
             host, pid);
    ck_assert_int_eq(raw_exec(t.url, sql, NULL, 0), 0);
    snprintf(sql, sizeof sql,
             "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1002) "
             "INSERT INTO stay_documents (person_id, kind, number, valid_from, valid_to, created_at) "
             "SELECT %" PRId64 ", 'extension_visa', 'E-' || i, 10957 + i, 10967 + i, 1 FROM s",
             pid);
    ck_assert_int_eq(raw_exec(t.url, sql, NULL, 0), 0);
    snprintf(sql, sizeof sql,
             "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1002) "
             "INSERT INTO violations (kind, subject_person_id, facts, article, state, region, "
             "created_at, updated_at) SELECT 'art517', %" PRId64 ", '{}', '517.1', 'open', '75', 1, 1 "
             "FROM s",
             pid);
    ck_assert_int_eq(raw_exec(t.url, sql, NULL, 0), 0);

    qn_store_ctl_history h;
    OK(&t, qn_store_ctl_history_by_person(t.c, pid, true, &h, &t.err));
    ck_assert_uint_eq(h.xs.count, 10000);
    ck_assert_int_eq(h.xs.items[0].date, 10958);
    ck_assert_int_eq(h.xs.items[9999].date, 10957 + 10000); /* the first 10,000 by day */
    for (size_t i = 1; i < h.xs.count; i++)
        ck_assert_int_gt(h.xs.items[i].date, h.xs.items[i - 1].date);
    ck_assert_uint_eq(h.ns.count, 4000);
    ck_assert_int_eq(h.ns.items[3999].arrival_date, 10957 + 4000);
    ck_assert_uint_eq(h.docs.count, 1000);
    ck_assert_int_eq(h.docs.items[999].valid_from, 10957 + 1000);
    ck_assert_uint_eq(h.cases.count, 1000);
    ck_assert_int_eq(h.cases.total, 1000);
    for (size_t i = 1; i < h.cases.count; i++)
        ck_assert_int_gt(h.cases.items[i].id, h.cases.items[i - 1].id);
    qn_store_ctl_history_free(&h);
    /* The lean read caps its lists the same way. */
    OK(&t, qn_store_ctl_history_by_person(t.c, pid, false, &h, &t.err));
    ck_assert_uint_eq(h.xs.count, 10000);
    ck_assert_uint_eq(h.docs.count, 1000);
    ck_assert_uint_eq(h.ns.count, 0);
    qn_store_ctl_history_free(&h);
    conf_close(&t);
}
END_TEST

START_TEST(control_audit_check_event)
{
    conf_t t;
    conf_open(&t);
    int64_t pid = mk_person(&t, "Schmidt");
    char id[32];
    snprintf(id, sizeof id, "%" PRId64, pid);
    unsigned char digest[QN_STORE_DIGEST_LEN];
    for (size_t i = 0; i < sizeof digest; i++)
        digest[i] = (unsigned char)(0xa0 + i % 16);
    char hex[65];
    for (size_t i = 0; i < sizeof digest; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    qn_store_set_actor(t.c, 0, "border officer");
    long events = ctl_audit_count(&t);
    OK(&t, qn_store_ctl_audit_check(t.c, id, digest, &t.err));
    ck_assert_int_eq(ctl_audit_count(&t), events + 1);
    ck_assert(!qn_store_in_tx(t.c));
    qn_store_audit_list al;
    OK(&t, qn_store_audit_list_entity(t.c, "person", id, 0, 100, &al, &t.err));
    ck_assert_uint_eq(al.count, 2); /* the create, then the check */
    ck_assert_str_eq(al.items[1].action, "exit_check");
    ck_assert_str_eq(al.items[1].entity, "person");
    ck_assert_str_eq(al.items[1].entity_id, id);
    ck_assert_str_eq(al.items[1].actor, "border officer");
    ck_assert_str_eq(al.items[1].before_hex, "");
    ck_assert_str_eq(al.items[1].after_hex, hex);
    ck_assert_int_gt(al.items[1].seq, al.items[0].seq);
    qn_store_audit_list_free(&al);
    /* It is committed: another connection sees it. */
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM audit_events WHERE action = 'exit_check' AND entity_id = '%s'", id);
    ck_assert_int_eq(raw_count(t.url, sql), 1);

    /* Checks interleaved with ordinary (fully durable) writes keep one
     * intact chain. */
    OK(&t, qn_store_ctl_audit_check(t.c, id, digest, &t.err));
    int64_t p2 = mk_person(&t, "Meyer");
    OK(&t, qn_store_ctl_audit_check(t.c, "4242", NULL, &t.err)); /* no digest: after "" */
    qn_store_audit_event e = ctl_last_event(&t, "person", 4242);
    ck_assert_str_eq(e.action, "exit_check");
    ck_assert_str_eq(e.after_hex, "");
    OK(&t, qn_store_begin(t.c, &t.err));
    mk_person(&t, "Weber");
    OK(&t, qn_store_commit(t.c, &t.err));
    ck_assert_int_gt(p2, pid);
    ck_assert_int_eq(raw_count(t.url, sql), 2);
    ck_assert_int_eq(ctl_audit_count(&t), events + 5);
    ctl_chain_intact(&t);

    /* Inside a transaction it is part of it (the service's committer writes
     * it in a group): rolled back with it, committed with it. */
    events = ctl_audit_count(&t);
    OK(&t, qn_store_begin(t.c, &t.err));
    OK(&t, qn_store_ctl_audit_check(t.c, id, digest, &t.err));
    ck_assert(qn_store_in_tx(t.c));
    qn_store_rollback(t.c);
    ck_assert_int_eq(ctl_audit_count(&t), events);
    ck_assert_int_eq(raw_count(t.url, sql), 2);
    OK(&t, qn_store_begin(t.c, &t.err));
    mk_person(&t, "Fischer");
    OK(&t, qn_store_ctl_audit_check(t.c, id, digest, &t.err));
    ck_assert_int_eq(raw_count(t.url, sql), 2); /* not before the commit */
    OK(&t, qn_store_commit(t.c, &t.err));
    ck_assert_int_eq(ctl_audit_count(&t), events + 2);
    ck_assert_int_eq(raw_count(t.url, sql), 3);
    /* In a group, each in its savepoint: the one rolled back leaves no
     * event and no gap in the chain. */
    OK(&t, qn_store_group_begin(t.c, &t.err));
    OK(&t, qn_store_savepoint(t.c, &t.err));
    OK(&t, qn_store_ctl_audit_check(t.c, id, digest, &t.err));
    OK(&t, qn_store_savepoint_release(t.c, &t.err));
    OK(&t, qn_store_savepoint(t.c, &t.err));
    OK(&t, qn_store_ctl_audit_check(t.c, id, digest, &t.err));
    OK(&t, qn_store_savepoint_rollback(t.c, &t.err));
    OK(&t, qn_store_savepoint(t.c, &t.err));
    OK(&t, qn_store_ctl_audit_check(t.c, id, digest, &t.err));
    OK(&t, qn_store_savepoint_release(t.c, &t.err));
    OK(&t, qn_store_group_commit(t.c, &t.err));
    ck_assert_int_eq(raw_count(t.url, sql), 5);
    ctl_chain_intact(&t);
    events = ctl_audit_count(&t);
    /* Bad entity ids. */
    FAILS(&t, QN_E_INVALID, qn_store_ctl_audit_check(t.c, "", digest, &t.err));
    ck_assert_str_eq(t.err.fields[0].field, "entity_id");
    FAILS(&t, QN_E_TOO_LARGE,
          qn_store_ctl_audit_check(t.c, "123456789012345678901234567890123", digest, &t.err));
    ck_assert_int_eq(ctl_audit_count(&t), events);
    ctl_chain_intact(&t);
    conf_close(&t);
}
END_TEST

START_TEST(control_synth_citizenship_matches_fill)
{
    conf_t t;
    conf_open(&t);
    const char *want[10] = {"DEU", "USA", "GBR", "FRA", "UZB", "RUS", "KGZ", "ARM", "TJK", "BLR"};
    for (int64_t i = -20; i < 30; i++)
        ck_assert_str_eq(qn_store_ctl_synth_citizenship(i), want[((i % 10) + 10) % 10]);
    ck_assert_str_eq(qn_store_ctl_synth_citizenship(INT64_MAX), want[7]);
    ck_assert_str_eq(qn_store_ctl_synth_citizenship(INT64_MIN), want[2]); /* -...808 % 10 = -8 */
    /* The filler's persons have the citizenship and document "SY<n>" the
     * function names (the bench finds them by it). */
    int64_t host = mk_account(&t, "hotel", "host");
    qn_date_t today = qn_test_date("2026-06-01");
    OK(&t, qn_store_ctl_synth_fill(t.c, 20, today, host, &t.err));
    for (int64_t i = 1; i <= 20; i++) {
        char number[24];
        snprintf(number, sizeof number, "SY%" PRId64, i);
        qn_store_ctl_history h;
        OK(&t, qn_store_ctl_history_by_document(t.c, qn_store_ctl_synth_citizenship(i), number, true, &h,
                                                &t.err));
        ck_assert_int_eq(h.person.id, i);
        ck_assert_str_eq(h.person.citizenship, qn_store_ctl_synth_citizenship(i));
        ck_assert_str_eq(h.person.surname, "SYNTH");
        ck_assert_uint_eq(h.xs.count, 3); /* entry, exit, entry */
        ck_assert_str_eq(h.xs.items[0].kind, "entry");
        ck_assert_str_eq(h.xs.items[1].kind, "exit");
        ck_assert_str_eq(h.xs.items[2].kind, "entry");
        ck_assert_uint_eq(h.ns.count, 1);
        qn_store_ctl_history_free(&h);
        /* Under another country the document is not found. */
        FAILS(&t, QN_E_NOT_FOUND,
              qn_store_ctl_history_by_document(t.c, qn_store_ctl_synth_citizenship(i + 1), number, false, &h,
                                               &t.err));
    }
    conf_close(&t);
}
END_TEST

#endif
