/* test_ratelimit.c — failed logins are limited per client address too: after
 * 30 failures from one address (each for a different username, so the
 * per-account limit never triggers) the next attempt gets 429 even for a
 * correct password. Its own server, so other tests' failures do not count. */
#include <stdio.h>
#include <string.h>

#include "support/api_client.h"
#include "support/qn_test.h"

START_TEST(per_address_limit)
{
    qn_api_server s;
    ck_assert(qn_api_start(&s, NULL, true));
    const char *h[] = {"Content-Type: application/json", NULL};
    qn_api_resp r;
    for (int i = 0; i < 30; i++) {
        char body[128];
        snprintf(body, sizeof body, "{\"username\":\"nobody%d\",\"password\":\"x\"}", i);
        qn_api_call(&s, "POST", "/api/v1/auth/login", h, body, strlen(body), &r);
        ck_assert_int_eq(r.status, 401);
        qn_api_resp_free(&r);
    }
    const char *good = "{\"username\":\"admin\",\"password\":\"demo\"}";
    qn_api_call(&s, "POST", "/api/v1/auth/login", h, good, strlen(good), &r);
    ck_assert_int_eq(r.status, 429);
    ck_assert_ptr_nonnull(strstr(r.body, "from this address"));
    qn_api_resp_free(&r);
    ck_assert_int_eq(qn_api_stop(&s), 0);
}
END_TEST

static Suite *ratelimit_suite(void)
{
    Suite *s = suite_create("ratelimit");
    TCase *tc = tcase_create("address");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, per_address_limit);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(ratelimit_suite)
