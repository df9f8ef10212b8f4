/* test_static.c — the portal's path rules and cache policy
 * (src/http/http_static.h), as pure functions: which URL paths name which
 * built file, that the verification page's paths are the portal's page, and
 * that only content-hashed assets may be cached for good. The served
 * answers themselves are checked in the browser tests (tests/e2e). */
#include <string.h>

#include "http/http_static.h"
#include "support/qn_test.h"

START_TEST(paths_map_to_built_files)
{
    static const struct {
        const char *url, *rel;
    } ok[] = {
        {"/", "index.html"},
        {"/index.html", "index.html"},
        {"/portal", "index.html"},
        {"/portal/", "index.html"},
        {"/portal/assets/app-Q2LCGF2F.js", "assets/app-Q2LCGF2F.js"},
        {"/portal/icon.svg", "icon.svg"},
        {"/verify", "index.html"},
        {"/verify/", "index.html"},
        {"/verify/N-2026-000001", "index.html"},
        {"/verify/A-2026-000123", "index.html"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char out[256];
        ck_assert_msg(qn_http_static_is_portal(ok[i].url), "%s", ok[i].url);
        ck_assert_msg(qn_http_static_rel_path(ok[i].url, out, sizeof out), "%s", ok[i].url);
        ck_assert_str_eq(out, ok[i].rel);
    }
    static const char *const bad[] = {"/verify/../Makefile",
                                      "/verify/a/b",
                                      "/verify/%2e%2e",
                                      "/verify/a.b",
                                      "/verify/123456789012345678901234567890123",
                                      "/portal/../x",
                                      "/portal/.hidden",
                                      "/portal/assets/",
                                      "/verifyx",
                                      "/api/v1/verify/x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char out[256];
        ck_assert_msg(!qn_http_static_rel_path(bad[i], out, sizeof out), "%s", bad[i]);
    }
    ck_assert(!qn_http_static_is_portal("/verifyx"));
    ck_assert(!qn_http_static_is_portal("/api/v1/verify/N-1"));
}
END_TEST

START_TEST(only_hashed_assets_are_immutable)
{
    ck_assert_str_eq(qn_http_static_cache_control("assets/app-Q2LCGF2F.js"),
                     "public, max-age=31536000, immutable");
    ck_assert_str_eq(qn_http_static_cache_control("assets/i18n-kk-67909bd21f8c.json"),
                     "public, max-age=31536000, immutable");
    ck_assert_str_eq(qn_http_static_cache_control("index.html"), "no-cache");
    ck_assert_str_eq(qn_http_static_cache_control("icon.svg"), "no-cache");
    ck_assert_str_eq(qn_http_static_cache_control("sample.csv"), "no-cache");
    ck_assert_str_eq(qn_http_static_cache_control("assetsx/a.js"), "no-cache");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("static");
    TCase *tc = tcase_create("static");
    tcase_add_test(tc, paths_map_to_built_files);
    tcase_add_test(tc, only_hashed_assets_are_immutable);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(suite)
