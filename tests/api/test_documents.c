/* test_documents.c — printed documents and the portal's routes over HTTP
 * (branch web), black box against `qonaq serve --demo`:
 *   - the notification confirmation PDF: its verification link (read back
 *     with pdftotext) is confirmed by GET /api/v1/verify/{number}; a wrong
 *     code and an unknown number give the same 404; the answer shows no
 *     birth date, document number, address or host;
 *   - failed checks are rate-limited per client address (from the store);
 *   - --public-url is the origin in the link; a bad one is refused at start;
 *   - the PDF's language: ?lang, the qonaq_lang cookie, Accept-Language,
 *     Kazakh; citizenship and office in the document's language;
 *   - POST /notifications/validate checks without recording;
 *   - GET /stats/notifications/daily counts per day of arrival;
 *   - GET /officer/applications/{id}/signatures verifies a case's
 *     signatures now; the registration notice verifies as such.
 * Compiled a second time with QN_DOCS_ON_PG (test_documents_pg.c) to run
 * on PostgreSQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/deadline.h"
#include "store/store.h"
#include "support/api_client.h"
#include "support/api_data.h"
#include "support/qn_test.h"

static qn_api_server server;
static char pki[512]; /* the server's demo CA */

static void db_url(char *url, size_t cap)
{
#ifdef QN_DOCS_ON_PG
    qn_err e;
    if (qn_store_fresh_url(qn_test_env("QONAQ_TEST_PG", 1), NULL, url, cap, &e) != QN_OK)
        abort();
    char cwd[256];
    if (!getcwd(cwd, sizeof cwd))
        abort();
    snprintf(pki, sizeof pki, "%s/var/demo-ca", cwd);
#else
    static int round;
    char dir[400], cmd[480];
    snprintf(dir, sizeof dir, "%s/docs-%d-%d", qn_test_tmpdir(), (int)getpid(), ++round);
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    if (system(cmd) != 0)
        abort();
    snprintf(url, cap, "sqlite:%s/docs.db", dir);
    snprintf(pki, sizeof pki, "%s/demo-ca", dir);
#endif
}

static void setup(void)
{
    char url[450];
    db_url(url, sizeof url);
    if (!qn_api_start(&server, url, true))
        abort();
}

static void teardown(void)
{
    if (qn_api_stop(&server) != 0)
        abort();
}

static qn_api_resp call_h(const char *token, const char *method, const char *path, const char *body,
                          const char *extra)
{
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token ? token : "");
    const char *h[] = {"Content-Type: application/json", token ? auth : "X-None: 1",
                       extra ? extra : "X-None2: 1", NULL};
    qn_api_resp r;
    ck_assert(qn_api_call(&server, method, path, h, body, body ? strlen(body) : 0, &r));
    return r;
}

static qn_api_resp call(const char *token, const char *method, const char *path, const char *body)
{
    return call_h(token, method, path, body, NULL);
}

static void login(const char *user, const char *password, char tok[65])
{
    ck_assert_msg(qn_api_login(&server, user, password, tok), "login as %s", user);
}

/* The text of PDF bytes (pdftotext), malloc'd. */
static char *pdf_text(const qn_api_resp *r)
{
    ck_assert_int_eq(r->status, 200);
    ck_assert(r->body_len > 1000 && memcmp(r->body, "%PDF", 4) == 0);
    char file[600], cmd[1300];
    snprintf(file, sizeof file, "%s/doc-%d-%ld.pdf", qn_test_tmpdir(), (int)getpid(), (long)random());
    FILE *f = fopen(file, "wb");
    ck_assert_ptr_nonnull(f);
    fwrite(r->body, 1, r->body_len, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "pdftotext -raw %s -", file);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    char *out = calloc(1, 65536);
    size_t n = fread(out, 1, 65535, p);
    out[n] = '\0';
    ck_assert_int_eq(pclose(p), 0);
    return out;
}

/* The verification link printed in a document: "<base>/verify/<number>?c=<code>". */
static void link_of(const char *text, const char *base, char number[40], char code[16])
{
    char want[128];
    snprintf(want, sizeof want, "%s/verify/", base);
    const char *at = strstr(text, want);
    ck_assert_msg(at != NULL, "no link under %s in:\n%s", base, text);
    at += strlen(want);
    size_t n = strcspn(at, "?");
    ck_assert(n > 0 && n < 40);
    memcpy(number, at, n);
    number[n] = '\0';
    ck_assert(strncmp(at + n, "?c=", 3) == 0);
    memcpy(code, at + n + 3, 10);
    code[10] = '\0';
}

static long long notify(const char *tok, const char *doc, int arrival_ago)
{
    char *body = qn_api_notification_json(doc, "DEU", arrival_ago, arrival_ago + 1, 10, 3000);
    qn_api_resp r = call(tok, "POST", "/api/v1/notifications", body);
    free(body);
    ck_assert_msg(r.status == 201, "%s", r.body);
    long long id = json_integer_value(json_object_get(r.json, "id"));
    qn_api_resp_free(&r);
    return id;
}

START_TEST(confirmation_verifies)
{
    char host[65], hotel[65];
    login("host", "demo", host);
    login("hotel", "demo", hotel);
    long long id = notify(host, "DOC-V-1", 1);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/notifications/%lld/confirmation.pdf?lang=en", id);
    qn_api_resp r = call(host, "GET", path, NULL);
    char disp[128];
    ck_assert(qn_api_header(&r, "Content-Disposition", disp, sizeof disp));
    ck_assert_str_eq(disp, "inline; filename=\"confirmation-1.pdf\"");
    char *text = pdf_text(&r);
    qn_api_resp_free(&r);
    ck_assert_ptr_nonnull(strstr(text, "Notification of arrival"));
    ck_assert_ptr_nonnull(strstr(text, "TESTER ALEX"));
    ck_assert_ptr_nonnull(strstr(text, "Germany"));
    ck_assert_ptr_nonnull(strstr(text, "Migration Service — Almaty city"));
    ck_assert_ptr_nonnull(strstr(text, "IIN 880315401237"));
    char number[40], code[16];
    link_of(text, server.base, number, code); /* --public-url defaults to the listen address */
    free(text);
    ck_assert(strncmp(number, "N-", 2) == 0);
    snprintf(path, sizeof path, "/api/v1/verify/%s?c=%s", number, code);
    r = call(NULL, "GET", path, NULL);
    ck_assert_msg(r.status == 200, "%s", r.body);
    ck_assert(json_is_true(json_object_get(r.json, "genuine")));
    ck_assert(json_is_true(json_object_get(r.json, "valid")));
    ck_assert_str_eq(qn_api_str(r.json, "status"), "valid");
    ck_assert_str_eq(qn_api_str(r.json, "kind"), "arrival_notification");
    ck_assert_str_eq(qn_api_str(r.json, "number"), number);
    ck_assert_str_eq(qn_api_str(r.json, "holder"), "TESTER ALEX");
    ck_assert_str_eq(qn_api_str(r.json, "region"), "75");
    ck_assert_int_eq(json_object_size(r.json), 10);
    ck_assert_ptr_null(strstr(r.body, "DOC-V-1"));
    ck_assert_ptr_null(strstr(r.body, "1980-05-01"));
    ck_assert_ptr_null(strstr(r.body, "Abai"));
    ck_assert_ptr_null(strstr(r.body, "880315401237"));
    qn_api_resp_free(&r);
    /* codes are typed: any case */
    for (char *p = code; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    snprintf(path, sizeof path, "/api/v1/verify/%s?c=%s", number, code);
    r = call(NULL, "GET", path, NULL);
    ck_assert_int_eq(r.status, 200);
    qn_api_resp_free(&r);
    /* a wrong code, an unknown number, a malformed number, no code: one answer */
    const char *bad[] = {"?c=AAAAAAAAAA", "", "?c=A"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "/api/v1/verify/%s%s", number, bad[i]);
        r = call(NULL, "GET", path, NULL);
        ck_assert_int_eq(r.status, 404);
        ck_assert_str_eq(qn_api_str(r.json, "code"), "not_found.not_genuine");
        qn_api_resp_free(&r);
    }
    snprintf(path, sizeof path, "/api/v1/verify/N-1999-000042?c=%s", code);
    r = call(NULL, "GET", path, NULL);
    ck_assert_int_eq(r.status, 404);
    ck_assert_str_eq(qn_api_str(r.json, "code"), "not_found.not_genuine");
    qn_api_resp_free(&r);
    /* another host may not print it */
    snprintf(path, sizeof path, "/api/v1/notifications/%lld/confirmation.pdf", id);
    r = call(hotel, "GET", path, NULL);
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);
}
END_TEST

START_TEST(failures_are_rate_limited)
{
    char host[65];
    login("host", "demo", host);
    long long id = notify(host, "DOC-R-1", 1);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/notifications/%lld/confirmation.pdf", id);
    qn_api_resp r = call(host, "GET", path, NULL);
    char *text = pdf_text(&r);
    qn_api_resp_free(&r);
    char number[40], code[16];
    link_of(text, server.base, number, code);
    free(text);
    for (int i = 0; i < 10; i++) {
        snprintf(path, sizeof path, "/api/v1/verify/%s?c=%.9sA", number, code[9] == 'A' ? "BBBBBBBBB" : code);
        r = call(NULL, "GET", path, NULL);
        ck_assert_msg(r.status == 404, "failure %d: %ld", i, r.status);
        qn_api_resp_free(&r);
    }
    /* the eleventh attempt is refused, even with the right code */
    snprintf(path, sizeof path, "/api/v1/verify/%s?c=%s", number, code);
    r = call(NULL, "GET", path, NULL);
    ck_assert_int_eq(r.status, 429);
    ck_assert_str_eq(qn_api_str(r.json, "code"), "rate_limited.verify_rate");
    char after[16];
    ck_assert(qn_api_header(&r, "Retry-After", after, sizeof after));
    ck_assert_str_eq(after, "600");
    qn_api_resp_free(&r);
}
END_TEST

START_TEST(public_url_option)
{
    qn_api_stop(&server);
    char url[450];
    db_url(url, sizeof url);
    ck_assert(qn_api_start_with(&server, url, true, "https://qonaq.example.kz/"));
    char host[65];
    login("host", "demo", host);
    long long id = notify(host, "DOC-P-1", 1);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/notifications/%lld/confirmation.pdf?lang=kk", id);
    qn_api_resp r = call(host, "GET", path, NULL);
    char *text = pdf_text(&r);
    qn_api_resp_free(&r);
    char number[40], code[16];
    link_of(text, "https://qonaq.example.kz", number, code);
    free(text);
    /* a base that is not an http(s) origin: refused at start, status 2 */
    char cmd[700];
    snprintf(cmd, sizeof cmd,
             "%s serve --listen 127.0.0.1:%d --db '%s' --public-url 'ftp://x?y' >/dev/null 2>&1",
             qn_test_env("QONAQ_BIN", 1), qn_api_free_port(), url);
    int st = system(cmd);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
}
END_TEST

START_TEST(pdf_language)
{
    char host[65];
    login("host", "demo", host);
    long long id = notify(host, "DOC-L-1", 1);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/notifications/%lld/confirmation.pdf", id);
    static const struct {
        const char *query, *header, *title, *citizenship, *office;
    } cases[] = {
        {"", NULL, "Келу туралы хабарлама", "Германия", "Көші-қон қызметі — Алматы қаласы"},
        {"", "Accept-Language: de-DE,ru;q=0.8,en;q=0.5", "Уведомление о прибытии", "Германия",
         "Миграционная служба — город Алматы"},
        {"", "Cookie: qonaq_lang=en", "Notification of arrival", "Germany",
         "Migration Service — Almaty city"},
        {"?lang=ru", "Cookie: qonaq_lang=en", "Уведомление о прибытии", "Германия", "ИИН 880315401237"},
        {"?lang=kk", NULL, "Келу туралы хабарлама", "ЖСН 880315401237", "Тексеру үшін сканерлеңіз"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char p[160];
        snprintf(p, sizeof p, "%s%s", path, cases[i].query);
        qn_api_resp r = call_h(host, "GET", p, NULL, cases[i].header);
        char *text = pdf_text(&r);
        qn_api_resp_free(&r);
        ck_assert_msg(strstr(text, cases[i].title), "case %zu: %s", i, text);
        ck_assert_msg(strstr(text, cases[i].citizenship), "case %zu: %s", i, text);
        ck_assert_msg(strstr(text, cases[i].office), "case %zu: %s", i, text);
        if (strcmp(cases[i].title, "Notification of arrival") != 0) {
            ck_assert_msg(!strstr(text, "Germany") && !strstr(text, "Migration") && !strstr(text, "IIN"),
                          "case %zu: English in a kk/ru document:\n%s", i, text);
        }
        free(text);
    }
    char p[160];
    snprintf(p, sizeof p, "%s?lang=de", path);
    qn_api_resp r = call(host, "GET", p, NULL);
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "lang"));
    qn_api_resp_free(&r);
}
END_TEST

START_TEST(validate_records_nothing)
{
    char host[65], citizen[65];
    login("host", "demo", host);
    login("citizen", "demo", citizen);
    char *body = qn_api_notification_json("DOC-VAL-1", "DEU", 1, 2, 10, 3000);
    qn_api_resp r = call(host, "POST", "/api/v1/notifications/validate", body);
    ck_assert_msg(r.status == 200, "%s", r.body);
    ck_assert(json_is_true(json_object_get(r.json, "valid")));
    ck_assert(json_is_true(json_object_get(r.json, "on_time")));
    ck_assert_ptr_nonnull(qn_api_str(r.json, "deadline"));
    qn_api_resp_free(&r);
    r = call(citizen, "POST", "/api/v1/notifications/validate", body);
    ck_assert_int_eq(r.status, 403);
    qn_api_resp_free(&r);
    free(body);
    /* an arrival in the future: the submission's own field error */
    body = qn_api_notification_json("DOC-VAL-2", "DEU", -2, 1, 10, 3000);
    r = call(host, "POST", "/api/v1/notifications/validate", body);
    ck_assert_int_eq(r.status, 422);
    ck_assert(qn_api_has_field_error(r.json, "arrival_date"));
    qn_api_resp_free(&r);
    qn_api_resp s = call(host, "POST", "/api/v1/notifications", body);
    ck_assert_int_eq(s.status, 422);
    ck_assert(qn_api_has_field_error(s.json, "arrival_date"));
    qn_api_resp_free(&s);
    free(body);
    r = call(host, "POST", "/api/v1/notifications/validate", "{\"foreigner\":{\"nickname\":\"X\"}}");
    ck_assert_int_eq(r.status, 400);
    qn_api_resp_free(&r);
    r = call(host, "GET", "/api/v1/notifications", NULL);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "total")), 0);
    qn_api_resp_free(&r);
}
END_TEST

START_TEST(daily_counts)
{
    char host[65], analyst[65], officer[65];
    login("host", "demo", host);
    login("analyst", "demo", analyst);
    login("officer", "demo", officer);
    notify(host, "DOC-D-1", 1);
    notify(host, "DOC-D-2", 1);
    notify(host, "DOC-D-3", 3);
    notify(host, "DOC-D-4", 9); /* late: more than 3 working days ago */
    char from[16], to[16], path[160];
    qn_date_t today = qn_date_from_epoch_kz((int64_t)time(NULL));
    char b[QN_DATE_STRLEN];
    snprintf(from, sizeof from, "%s", qn_date_format(today - 9, b));
    snprintf(to, sizeof to, "%s", qn_date_format(today, b));
    snprintf(path, sizeof path, "/api/v1/stats/notifications/daily?from=%s&to=%s", from, to);
    for (int who = 0; who < 2; who++) {
        qn_api_resp r = call(who ? officer : analyst, "GET", path, NULL);
        ck_assert_msg(r.status == 200, "%s", r.body);
        ck_assert_str_eq(qn_api_str(r.json, "scope"), who ? "75" : "all");
        json_t *days = json_object_get(r.json, "days");
        ck_assert_int_eq(json_array_size(days), 10);
        long long want[10] = {1, 0, 0, 0, 0, 0, 1, 0, 2, 0};
        for (size_t i = 0; i < 10; i++)
            ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(days, i), "total")), want[i]);
        ck_assert_str_eq(qn_api_str(json_array_get(days, 0), "date"), from);
        /* Which arrivals are late depends on the weekday (the arrival day
         * counts: 3 days ago is late on a Thursday): the rule says. */
        long long late9 = qn_deadline_is_late(qn_deadline_notification(today - 9), today);
        long long late3 = qn_deadline_is_late(qn_deadline_notification(today - 3), today);
        long long late1 = qn_deadline_is_late(qn_deadline_notification(today - 1), today);
        ck_assert_int_eq(late9, 1);
        ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(days, 0), "late")), late9);
        ck_assert_int_eq(json_integer_value(json_object_get(r.json, "total")), 4);
        ck_assert_int_eq(json_integer_value(json_object_get(r.json, "late")), late9 + late3 + 2 * late1);
        qn_api_resp_free(&r);
    }
    static const char *const bad[] = {"?from=2026-03-10&to=2026-03-01", "?from=2025-01-01&to=2026-01-03",
                                      "?to=2026-01-03", "?from=2026-02-30&to=2026-03-01"};
    static const char *const field[] = {"to", "to", "from", "from"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "/api/v1/stats/notifications/daily%s", bad[i]);
        qn_api_resp r = call(analyst, "GET", path, NULL);
        ck_assert_msg(r.status == 422, "%s: %ld", bad[i], r.status);
        ck_assert_msg(qn_api_has_field_error(r.json, field[i]), "%s: %s", bad[i], r.body);
        qn_api_resp_free(&r);
    }
}
END_TEST

/* A detached CMS over text with the demo CA's slug_sign key, base64 (openssl). */
static char *sign_text(const char *slug, const char *text)
{
    char doc[600], sig[620], cmd[4000];
    snprintf(doc, sizeof doc, "%s/sig-%d-%ld.txt", qn_test_tmpdir(), (int)getpid(), (long)random());
    snprintf(sig, sizeof sig, "%s.b64", doc);
    FILE *f = fopen(doc, "wb");
    ck_assert_ptr_nonnull(f);
    fwrite(text, 1, strlen(text), f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "openssl cms -sign -binary -in %s -signer %s/%s_sign.pem -inkey %s/%s_sign.key -outform DER "
             "| openssl base64 -A > %s",
             doc, pki, slug, pki, slug, sig);
    ck_assert_int_eq(system(cmd), 0);
    f = fopen(sig, "rb");
    ck_assert_ptr_nonnull(f);
    char *out = calloc(1, 32768);
    size_t n = fread(out, 1, 32767, f);
    fclose(f);
    out[n] = '\0';
    return out;
}

START_TEST(case_signatures_and_notice)
{
    char admin[65], officer[65], host[65], aigerim[65], off71[65];
    login("admin", "demo", admin);
    login("officer", "demo", officer);
    login("host", "demo", host);
    qn_api_resp r =
        call(admin, "POST", "/api/v1/admin/accounts",
             "{\"username\":\"aigerim\",\"password\":\"secret-pass-1\",\"role\":\"host-individual\","
             "\"iin_bin\":\"880315401237\"}");
    ck_assert_int_eq(r.status, 201);
    qn_api_resp_free(&r);
    r = call(
        admin, "POST", "/api/v1/admin/accounts",
        "{\"username\":\"off71\",\"password\":\"secret-pass-1\",\"role\":\"officer\",\"region\":\"71\"}");
    ck_assert_int_eq(r.status, 201);
    qn_api_resp_free(&r);
    login("aigerim", "secret-pass-1", aigerim);
    login("off71", "secret-pass-1", off71);
    qn_date_t today = qn_date_from_epoch_kz((int64_t)time(NULL));
    char f[QN_DATE_STRLEN], t[QN_DATE_STRLEN], en[QN_DATE_STRLEN];
    qn_date_format(today - 1, f);
    qn_date_format(today + 18, t);
    qn_date_format(today - 2, en);
    char doc[1024];
    snprintf(
        doc, sizeof doc,
        "{\"kind\":\"foreigner_temporary\",\"address_code\":\"0201100012345678\",\"period\":{\"from\":\"%s\","
        "\"to\":\"%s\"},\"foreigner\":{\"surname\":\"ROSSI\",\"given_names\":\"PAOLA\",\"citizenship\":"
        "\"ITA\","
        "\"birth_date\":\"1982-07-07\",\"document\":{\"number\":\"IT5550001\",\"country\":\"ITA\","
        "\"expires\":\"2034-01-01\"}},\"entry_date\":\"%s\",\"migration_card\":{\"number\":\"MC1\","
        "\"border_mark\":true},\"documents\":[]}",
        f, t, en);
    char *sig = sign_text("host", doc);
    json_t *b = json_pack("{s:s, s:s}", "document", doc, "signature", sig);
    free(sig);
    char *body = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    r = call(aigerim, "POST", "/api/v1/applications", body);
    free(body);
    ck_assert_msg(r.status == 201, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "state"), "registered");
    long long id = json_integer_value(json_object_get(r.json, "id"));
    qn_api_resp_free(&r);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/officer/applications/%lld/signatures", id);
    r = call(officer, "GET", path, NULL);
    ck_assert_msg(r.status == 200, "%s", r.body);
    json_t *items = json_object_get(r.json, "items");
    ck_assert_int_eq(json_array_size(items), 1);
    json_t *s = json_array_get(items, 0);
    ck_assert_str_eq(qn_api_str(s, "kind"), "signature");
    ck_assert_str_eq(qn_api_str(s, "role"), "applicant");
    ck_assert_str_eq(qn_api_str(s, "signer"), "880315401237");
    ck_assert_str_eq(qn_api_str(s, "method"), "eds");
    ck_assert_str_eq(qn_api_str(s, "subject_cn"), "SADYKOVA AIGERIM");
    ck_assert_str_eq(qn_api_str(s, "key_type"), "RSA-2048");
    ck_assert(json_is_true(json_object_get(s, "valid_now")));
    ck_assert_str_eq(qn_api_str(s, "code_now"), "ok");
    qn_api_resp_free(&r);
    r = call(off71, "GET", path, NULL); /* another region: the case does not exist for them */
    ck_assert_int_eq(r.status, 404);
    qn_api_resp_free(&r);
    r = call(aigerim, "GET", path, NULL);
    ck_assert_int_eq(r.status, 403);
    qn_api_resp_free(&r);
    /* the registration notice verifies as a registration notice */
    snprintf(path, sizeof path, "/api/v1/applications/%lld/notice.pdf?lang=ru", id);
    r = call(aigerim, "GET", path, NULL);
    char *text = pdf_text(&r);
    qn_api_resp_free(&r);
    ck_assert_ptr_nonnull(strstr(text, "Уведомление о регистрации"));
    ck_assert_ptr_nonnull(strstr(text, "Италия"));
    ck_assert_ptr_nonnull(strstr(text, "Миграционная служба — город Алматы"));
    ck_assert_ptr_null(strstr(text, "Italy"));
    char number[40], code[16];
    link_of(text, server.base, number, code);
    free(text);
    snprintf(path, sizeof path, "/api/v1/verify/%s?c=%s", number, code);
    r = call(NULL, "GET", path, NULL);
    ck_assert_msg(r.status == 200, "%s", r.body);
    ck_assert_str_eq(qn_api_str(r.json, "kind"), "registration_notice");
    ck_assert_str_eq(qn_api_str(r.json, "holder"), "ROSSI PAOLA");
    ck_assert_str_eq(qn_api_str(r.json, "valid_until"), t);
    qn_api_resp_free(&r);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("documents");
    TCase *tc = tcase_create("documents");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, confirmation_verifies);
    tcase_add_test(tc, failures_are_rate_limited);
    tcase_add_test(tc, public_url_option);
    tcase_add_test(tc, pdf_language);
    tcase_add_test(tc, validate_records_nothing);
    tcase_add_test(tc, daily_counts);
    tcase_add_test(tc, case_signatures_and_notice);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(suite)
