/* test_fuzz_found.c — the bugs the fuzzers found, as plain unit tests.
 *
 * The inputs in tests/fuzz/regressions/ replay the crashes through the fuzz
 * targets; these tests state the same cases in words, so they keep their
 * meaning if a target's input format changes (docs/fuzzing.md, "What was
 * found"). Built and run by `make test` like every tests/<suite>/test_*.c.
 */
#include <stdio.h>
#include <string.h>


#include "core/exitcheck.h"
#include "core/stay.h"
#include "http/router.h"
#include "sign/sign.h"
#include "support/qn_test.h"

#define D(s) qn_test_date(s)

/* stay: a trip closed on the reference date and an open one entered the
 * same day are accepted in either order, with the same result. */
START_TEST(stay_same_day_reentry_any_order)
{
    qn_trip a[] = {{D("2027-06-01"), D("2027-06-20")}, {D("2027-07-08"), D("2027-07-08")},
                   {D("2027-07-08"), QN_DATE_NONE}};
    qn_trip b[] = {{D("2027-07-08"), QN_DATE_NONE}, {D("2027-07-08"), D("2027-07-08")},
                   {D("2027-06-01"), D("2027-06-20")}};
    qn_stay_input in;
    qn_stay_input_init(&in);
    in.citizenship = "BLR";
    in.on = D("2027-07-08");
    in.n_trips = 3;
    qn_stay_result ra, rb;
    qn_err err;
    in.trips = a;
    ck_assert_int_eq(qn_stay_compute(&in, &ra, &err), QN_OK);
    in.trips = b;
    ck_assert_int_eq(qn_stay_compute(&in, &rb, &err), QN_OK);
    ck_assert(ra.is_present && rb.is_present);
    ck_assert_int_eq(ra.days_used, rb.days_used);
    ck_assert_int_eq(ra.days_used, 21); /* 20 in June + the shared day 8 July once */
    ck_assert_int_eq(ra.last_lawful_day, rb.last_lawful_day);
}
END_TEST

/* stay: a visa regime without a visa, lawful while a permit covers the
 * entry; staying on past it is an overstay and so a first breach. */
START_TEST(stay_permit_overstay_has_first_breach)
{
    qn_trip t[] = {{D("2018-05-11"), D("2018-06-03")}};
    qn_stay_period p[] = {{D("2018-03-03"), D("2018-05-17")}, {D("2018-02-11"), D("2018-05-13")}};
    qn_stay_input in;
    qn_stay_input_init(&in);
    in.citizenship = "XXA";
    in.on = D("2018-06-03");
    in.trips = t;
    in.n_trips = 1;
    in.permits = p;
    in.n_permits = 2;
    qn_stay_result r;
    qn_err err;
    ck_assert_int_eq(qn_stay_compute(&in, &r, &err), QN_OK);
    ck_assert_str_eq(r.limited_by, "permit");
    ck_assert_int_eq(r.last_lawful_day, D("2018-05-17"));
    ck_assert_int_eq(r.overstay_days, 17);
    ck_assert_int_eq(r.first_breach, D("2018-05-18"));
}
END_TEST

/* exitcheck: no ordinary visa (limit unknown), then an extension visa that
 * ends before the exit: overstayed, so the lawful basis is "not". */
START_TEST(exitcheck_unknown_then_extension_overstay)
{
    qn_trip t[] = {{D("2020-07-17"), QN_DATE_NONE}};
    qn_ctl_visa v[] = {{D("2020-08-09"), D("2021-04-13"), QN_VISA_ORDINARY},
                       {D("2020-01-23"), D("2020-09-05"), QN_VISA_EXTENSION}};
    qn_exit_input in;
    memset(&in, 0, sizeof in);
    in.citizenship = "XXA";
    in.exit_date = D("2020-10-05");
    in.trips = t;
    in.n_trips = 1;
    in.visas = v;
    in.n_visas = 2;
    qn_exit_result r;
    qn_err err;
    ck_assert_int_eq(qn_exit_check(&in, NULL, &r, &err), QN_OK);
    ck_assert_int_eq(r.overstay_days, 30);
    ck_assert_int_eq(r.verdict, QN_EXIT_STOP);
    ck_assert_int_eq(r.lawful_because, QN_LAWFUL_NOT);
}
END_TEST

/* router: a short Allow buffer never ends in a cut-off method name. */
START_TEST(router_short_allow_buffer)
{
    static const qn_http_route routes[] = {{"GET", "/x", NULL, 0}, {"PATCH", "/x", NULL, 0}};
    for (size_t cap = 1; cap <= 16; cap++) {
        char allow[16];
        int r = qn_http_route_match(routes, 2, "POST", "/x", NULL, allow, cap);
        ck_assert_int_eq(r, QN_ROUTE_WRONG_METHOD);
        ck_assert(strcmp(allow, "") == 0 || strcmp(allow, "GET") == 0 || strcmp(allow, "GET, PATCH") == 0);
        if (cap >= sizeof "GET, PATCH")
            ck_assert_str_eq(allow, "GET, PATCH");
    }
}
END_TEST

static unsigned char *slurp(const char *rel, size_t *len)
{
    const char *root = qn_test_env("QONAQ_ROOT", 0);
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", root ? root : ".", rel);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    unsigned char *buf = malloc(1 << 16);
    ck_assert(buf != NULL);
    *len = fread(buf, 1, 1 << 16, f);
    fclose(f);
    return buf;
}

/* sign: a SignedData whose digestAlgorithms cannot be set up is refused
 * without leaking (OpenSSL 3.0 CMS_verify leak; this program runs under
 * LeakSanitizer in `make test`, so a leak fails it). */
START_TEST(sign_cms_verify_no_leak)
{
    size_t n, cn, dn;
    unsigned char *ca = slurp("tests/fuzz/data/sign/root.pem", &cn);
    unsigned char *doc = slurp("tests/fuzz/data/sign/doc.json", &dn);
    unsigned char *blob = slurp("tests/fuzz/regressions/sign/cms_verify_tmpin_leak", &n);
    qn_sign_trust *t = qn_sign_trust_new();
    qn_err err;
    ck_assert_int_eq(qn_sign_trust_add_ca(t, ca, cn, &err), QN_OK);
    qn_sign_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.now = 1795447458;
    qn_sign_result r;
    qn_sign_result_init(&r);
    /* the first byte is the fuzz target's option byte */
    ck_assert_int_eq(qn_sign_verify(t, doc, dn, blob + 1, n - 1, &opts, &r, &err), QN_E_SIGNATURE);
    ck_assert_int_eq(r.code, QN_SIGN_DIGEST_MISMATCH);
    qn_sign_result_free(&r);
    qn_sign_trust_free(t);
    free(ca);
    free(doc);
    free(blob);
}
END_TEST

static Suite *fuzz_found_suite(void)
{
    Suite *s = suite_create("fuzz_found");
    TCase *tc = tcase_create("found");
    tcase_add_test(tc, stay_same_day_reentry_any_order);
    tcase_add_test(tc, stay_permit_overstay_has_first_breach);
    tcase_add_test(tc, exitcheck_unknown_then_extension_overstay);
    tcase_add_test(tc, router_short_allow_buffer);
    tcase_add_test(tc, sign_cms_verify_no_leak);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(fuzz_found_suite)
