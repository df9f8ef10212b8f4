/* test_control_service.c — stay control through the service layer with a
 * chosen clock: what an API test cannot reach because the server reads the
 * real time. The day after the MCI table ends (2027: kz_rules.md §2.5 gives
 * no value): a detected overstay says mci_known = false, and the officer's
 * fine is refused with 409 "mci_unknown" instead of a fine of 0 tenge; the
 * same case in 2026 is fined in tenge, the amount written out here. And the
 * daily detection of `qonaq serve`: when the next run falls, and one run as
 * the system.
 *
 * Records are made through the store (persons, documents, crossings, an
 * officer account) on a fresh SQLite file; every decision goes through the
 * service functions the HTTP layer calls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/date.h"
#include "service/detect_daily.h"
#include "service/exit_check.h"
#include "service/service.h"
#include "service/violations.h"
#include "store/store.h"
#include "support/qn_test.h"

static qn_service *svc;
static char url[600];
static int64_t officer_id;

/* Epoch seconds of noon in Kazakhstan on y-m-d (UTC+5 from 2024-03-01). */
static int64_t noon_kz(int y, int m, int d)
{
    qn_date_t day;
    ck_assert(qn_date_from_ymd(y, m, d, &day));
    return (int64_t)day * 86400 + 12 * 3600 - 5 * 3600;
}

static qn_date_t ymd(int y, int m, int d)
{
    qn_date_t day;
    ck_assert(qn_date_from_ymd(y, m, d, &day));
    return day;
}

static void setup(void)
{
    snprintf(url, sizeof url, "sqlite:%s/ctl-service-%d.db", qn_test_tmpdir(), (int)getpid());
    qn_service_config cfg = {.db_url = url, .pool_size = 2, .cheap_pwhash = true};
    qn_err e;
    qn_err_clear(&e);
    if (qn_service_new(&cfg, &svc, &e) != QN_OK) {
        fprintf(stderr, "service: %s\n", e.message);
        abort();
    }
    /* An officer of region 75, made in the store (the service hashes nothing here). */
    qn_store *st = NULL;
    qn_store_conn *c = NULL;
    if (qn_store_open(url, NULL, &st, &e) != QN_OK || qn_store_acquire(st, &c, &e) != QN_OK)
        abort();
    qn_store_account a;
    memset(&a, 0, sizeof a);
    snprintf(a.username, sizeof a.username, "officer-svc");
    snprintf(a.password_hash, sizeof a.password_hash, "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g");
    snprintf(a.role, sizeof a.role, "officer");
    snprintf(a.display_name, sizeof a.display_name, "officer");
    snprintf(a.region, sizeof a.region, "75");
    if (qn_store_account_create(c, &a, &e) != QN_OK) {
        fprintf(stderr, "account: %s\n", e.message);
        abort();
    }
    officer_id = a.id;
    qn_store_release(c);
    qn_store_close(st);
}

static void teardown(void) { qn_service_free(svc); }

/* A USA traveller (30 days visa-free) who entered on `entry` at a
 * checkpoint of region 75; returns the person id. */
static int64_t traveller(const char *doc, qn_date_t entry)
{
    qn_store *st = NULL;
    qn_store_conn *c = NULL;
    qn_err e;
    qn_err_clear(&e);
    ck_assert(qn_store_open(url, NULL, &st, &e) == QN_OK);
    ck_assert(qn_store_acquire(st, &c, &e) == QN_OK);
    qn_store_person p;
    memset(&p, 0, sizeof p);
    snprintf(p.kind, sizeof p.kind, "foreigner");
    snprintf(p.surname, sizeof p.surname, "SMITH");
    snprintf(p.given_names, sizeof p.given_names, "ANN");
    snprintf(p.citizenship, sizeof p.citizenship, "USA");
    p.birth_date = ymd(1990, 2, 3);
    snprintf(p.sex, sizeof p.sex, "F");
    ck_assert_msg(qn_store_person_create(c, &p, &e) == QN_OK, "%s", e.message);
    qn_store_document d;
    memset(&d, 0, sizeof d);
    d.person_id = p.id;
    snprintf(d.kind, sizeof d.kind, "passport");
    snprintf(d.number, sizeof d.number, "%s", doc);
    snprintf(d.country, sizeof d.country, "USA");
    d.issued = QN_DATE_NONE;
    d.expires = ymd(2035, 1, 1);
    ck_assert(qn_store_document_create(c, &d, &e) == QN_OK);
    qn_store_crossing x;
    memset(&x, 0, sizeof x);
    x.person_id = p.id;
    snprintf(x.kind, sizeof x.kind, "entry");
    x.date = entry;
    snprintf(x.checkpoint, sizeof x.checkpoint, "Almaty airport");
    x.document_id = d.id;
    bool created = false;
    ck_assert(qn_store_crossing_record(c, &x, "75", &created, &e) == QN_OK && created);
    qn_store_release(c);
    qn_store_close(st);
    return p.id;
}

static void detect_at(int64_t now)
{
    qn_principal system = {0};
    snprintf(system.username, sizeof system.username, "system");
    qn_svc_ctx ctx;
    qn_svc_ctx_system(&ctx, svc, &system);
    ctx.now = now;
    qn_detect_report r;
    qn_err e;
    qn_err_clear(&e);
    ck_assert_msg(qn_svc_violations_detect(&ctx, QN_DATE_NONE, &r, &e) == QN_OK, "%s", e.message);
}

/* The officer's context at `now`. */
static qn_principal officer_p;
static qn_svc_ctx officer_at(int64_t now)
{
    memset(&officer_p, 0, sizeof officer_p);
    officer_p.account_id = officer_id;
    officer_p.role = QN_ROLE_OFFICER;
    snprintf(officer_p.username, sizeof officer_p.username, "officer-svc");
    snprintf(officer_p.region, sizeof officer_p.region, "75");
    qn_svc_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.svc = svc;
    ctx.who = &officer_p;
    ctx.now = now;
    return ctx;
}

/* The art. 517 case of person_id in the officer's list (must be one). */
static qn_store_violation case_of(qn_svc_ctx *ctx, int64_t person_id)
{
    qn_store_violation_list l;
    qn_err e;
    qn_err_clear(&e);
    ck_assert(qn_svc_violation_list(ctx, "open", "517", 0, 200, &l, &e) == QN_OK);
    qn_store_violation out;
    memset(&out, 0, sizeof out);
    int n = 0;
    for (size_t i = 0; i < l.count; i++)
        if (l.items[i].subject_person_id == person_id) {
            out = l.items[i];
            out.facts = strdup(l.items[i].facts);
            n++;
        }
    qn_store_violation_list_free(&l);
    ck_assert_int_eq(n, 1);
    return out;
}

START_TEST(fine_refused_without_mci)
{
    /* Entered 2026-12-20: the last lawful day is 2027-01-18; on 2027-01-25
     * the overstay is 7 days (15 MCI), committed 2027-01-19 — a year whose
     * MCI kz_rules.md §2.5 does not give. */
    int64_t pid = traveller("SVC-2027", ymd(2026, 12, 20));
    int64_t now = noon_kz(2027, 1, 25);
    detect_at(now);
    qn_svc_ctx ctx = officer_at(now);
    qn_store_violation v = case_of(&ctx, pid);
    qn_violation_info info;
    qn_svc_violation_info(&v, &info);
    ck_assert(!info.mci_known);
    ck_assert_int_eq(info.offence_date, ymd(2027, 1, 19));
    ck_assert_int_eq(v.fine_mci, 15);
    ck_assert_int_eq(v.fine_amount, 0);
    ck_assert_ptr_nonnull(strstr(v.facts, "\"mci_known\":false"));
    qn_violation_decision d;
    qn_err e;
    qn_err_clear(&e);
    ck_assert_int_eq(qn_svc_violation_fine(&ctx, v.id, NULL, false, &d, &e), QN_E_CONFLICT);
    ck_assert_str_eq(e.sub, "mci_unknown");
    ck_assert_int_eq(qn_code_http_status(e.code), 409);
    /* Nothing was written: the case is still open. */
    qn_store_violation again = case_of(&ctx, pid);
    ck_assert_str_eq(again.state, "open");
    free(again.facts);
    free(v.facts);
}
END_TEST

START_TEST(fine_in_tenge_with_mci)
{
    /* Entered 2026-10-01: last lawful day 2026-10-30; on 2026-11-15 the
     * overstay is 16 days (20 MCI); 2026's MCI is 4,325 KZT (kz_rules.md
     * §2.5), so 86,500 KZT. */
    int64_t pid = traveller("SVC-2026", ymd(2026, 10, 1));
    int64_t now = noon_kz(2026, 11, 15);
    detect_at(now);
    qn_svc_ctx ctx = officer_at(now);
    qn_store_violation v = case_of(&ctx, pid);
    qn_violation_decision d;
    qn_err e;
    qn_err_clear(&e);
    ck_assert_msg(qn_svc_violation_fine(&ctx, v.id, NULL, false, &d, &e) == QN_OK, "%s", e.message);
    ck_assert_str_eq(d.v.state, "fined");
    ck_assert_int_eq(d.v.fine_mci, 20);
    ck_assert_int_eq(d.v.fine_amount, 86500);
    ck_assert(d.sanction.mci_known);
    ck_assert_int_eq(d.sanction.mci_kzt, 4325);
    qn_store_violation_clear(&d.v);
    free(v.facts);
}
END_TEST

START_TEST(daily_run_times)
{
    /* 00:30 in Kazakhstan (UTC+5) is 19:30 UTC the day before. */
    int64_t midnight_kz = (int64_t)ymd(2026, 12, 3) * 86400 - 5 * 3600; /* 2026-12-03 00:00 local */
    ck_assert_int_eq(qn_detect_daily_next(midnight_kz, 0, 30), midnight_kz + 30 * 60);
    ck_assert_int_eq(qn_detect_daily_next(midnight_kz + 45 * 60, 0, 30), midnight_kz + 86400 + 30 * 60);
    ck_assert_int_eq(qn_detect_daily_next(midnight_kz + 30 * 60, 0, 30), midnight_kz + 86400 + 30 * 60);
    ck_assert_int_eq(qn_detect_daily_next(midnight_kz, 23, 59), midnight_kz + 23 * 3600 + 59 * 60);
    /* Before 2024-03-01 Kazakhstan was UTC+6. */
    int64_t old_midnight = (int64_t)ymd(2023, 6, 1) * 86400 - 6 * 3600;
    ck_assert_int_eq(qn_detect_daily_next(old_midnight, 0, 30), old_midnight + 30 * 60);
    qn_detect_daily *d = NULL;
    qn_err e;
    qn_err_clear(&e);
    ck_assert_int_eq(qn_detect_daily_start(svc, 24, 0, false, &d, &e), QN_E_INVALID);
    ck_assert_ptr_null(d);
}
END_TEST

START_TEST(daily_run_records)
{
    /* One run as the system records what detection finds today. */
    int64_t pid = traveller("SVC-DAILY", qn_date_from_epoch_kz((int64_t)time(NULL)) - 45);
    qn_err e;
    qn_err_clear(&e);
    ck_assert_msg(qn_detect_daily_run(svc, &e) == QN_OK, "%s", e.message);
    qn_svc_ctx ctx = officer_at((int64_t)time(NULL));
    qn_store_violation v = case_of(&ctx, pid);
    ck_assert_str_eq(v.kind, "art517");
    free(v.facts);
    /* The thread: started and stopped without a run (the next is hours away
     * or a run happens; either way it stops cleanly). */
    qn_detect_daily *d = NULL;
    ck_assert(qn_detect_daily_start(svc, 3, 0, false, &d, &e) == QN_OK);
    qn_detect_daily_stop(d);
}
END_TEST

START_TEST(synth_fill_varies_verdicts)
{
    /* The benchmark's registry gives every verdict and the lawful bases the
     * bench reports on (bench/bench_exitcheck.c). */
    qn_store *st = NULL;
    qn_store_conn *c = NULL;
    qn_err e;
    qn_err_clear(&e);
    ck_assert(qn_store_open(url, NULL, &st, &e) == QN_OK);
    ck_assert(qn_store_acquire(st, &c, &e) == QN_OK);
    qn_date_t today = qn_date_from_epoch_kz((int64_t)time(NULL));
    ck_assert_msg(qn_store_ctl_synth_fill(c, 2000, today, officer_id, &e) == QN_OK, "%s", e.message);
    qn_store_release(c);
    qn_store_close(st);
    qn_principal border = {0};
    border.role = QN_ROLE_BORDER;
    border.account_id = officer_id;
    snprintf(border.username, sizeof border.username, "bench-border");
    qn_svc_ctx ctx;
    qn_svc_ctx_system(&ctx, svc, &border);
    size_t verdicts[3] = {0}, permit = 0, not_lawful = 0;
    for (int64_t id = 1; id <= 400; id++) {
        char num[32];
        snprintf(num, sizeof num, "SY%lld", (long long)id);
        qn_exit_answer a;
        ck_assert_msg(
            qn_svc_exit_check(&ctx, qn_store_ctl_synth_citizenship(id), num, QN_DATE_NONE, &a, &e) == QN_OK,
            "%lld: %s", (long long)id, e.message);
        verdicts[a.result.verdict]++;
        permit += a.result.lawful_because == QN_LAWFUL_PERMIT;
        not_lawful += a.result.lawful_because == QN_LAWFUL_NOT;
        qn_exit_answer_free(&a);
    }
    ck_assert_msg(verdicts[QN_EXIT_CLEAR] > 0 && verdicts[QN_EXIT_WARN] > 0 && verdicts[QN_EXIT_STOP] > 0,
                  "clear %zu warn %zu stop %zu", verdicts[0], verdicts[1], verdicts[2]);
    ck_assert_int_gt(permit, 0);
    ck_assert_int_gt(not_lawful, 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("control_service");
    TCase *tc = tcase_create("service");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown); /* a service per test, in its own process */
    tcase_add_test(tc, fine_refused_without_mci);
    tcase_add_test(tc, fine_in_tenge_with_mci);
    tcase_add_test(tc, daily_run_times);
    tcase_add_test(tc, daily_run_records);
    tcase_add_test(tc, synth_fill_varies_verdicts);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(suite)
