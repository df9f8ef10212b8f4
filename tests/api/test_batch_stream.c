/* test_batch_stream.c — the batch read and answered row by row
 * (service/notification_batch.h, http/http_batch.c): a CSV with rows of
 * every kind keeps its good rows, leaves nothing of its bad ones, and names
 * the row, the CSV line and the field of each error; the answer kept with
 * an idempotency key is the answer given, byte for byte. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/api_client.h"
#include "support/api_data.h"
#include "support/qn_test.h"

static qn_api_server server;

static void setup(void)
{
    if (!qn_api_start(&server, NULL, true))
        abort();
}

static void teardown(void)
{
    if (qn_api_stop(&server) != 0)
        abort();
}

static qn_api_resp upload(const char *tok, const char *csv, const char *extra)
{
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
    const char *h[] = {"Content-Type: text/csv", auth, extra ? extra : "X-None: 1", NULL};
    qn_api_resp r;
    qn_api_call(&server, "POST", "/api/v1/notifications/batch", h, csv, strlen(csv), &r);
    return r;
}

static const json_t *result(const qn_api_resp *r, size_t i)
{
    return json_array_get(json_object_get(r->json, "results"), i);
}

static json_int_t jint(const json_t *j, const char *key) { return json_integer_value(json_object_get(j, key)); }

/* The first field named in a rejected row's errors. */
static const char *first_field(const json_t *row)
{
    return json_string_value(json_object_get(json_array_get(json_object_get(row, "errors"), 0), "field"));
}

static json_int_t total_of(const char *tok)
{
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
    const char *h[] = {auth, NULL};
    qn_api_resp r;
    qn_api_call(&server, "GET", "/api/v1/notifications?per_page=1", h, NULL, 0, &r);
    ck_assert_int_eq(r.status, 200);
    json_int_t t = jint(r.json, "total");
    qn_api_resp_free(&r);
    return t;
}

START_TEST(rows_of_every_kind)
{
    char tok[65];
    ck_assert(qn_api_login(&server, "hotel", "demo", tok));
    json_int_t before = total_of(tok);
    /* Five good rows; row 2 has a bad arrival date (a field error). */
    char *good = qn_api_batch_csv(5, "STRM", 2);
    /* Lines: 1 header, 2..6 rows 1..5; then a blank line (7), a row with
     * too few fields (8: row 6), a twin of row 1 (9: row 7), KAZ (10: row 8). */
    const char *row1 = strchr(good, '\n') + 1;
    size_t row1_len = (size_t)(strchr(row1, '\n') - row1) + 1;
    char *kaz1 = qn_api_replace(row1, ",ITA,1990", ",KAZ,1990");
    char *kaz = qn_api_replace(kaz1, "STRM0001", "STRM0099");
    free(kaz1);
    *strchr(kaz, '\n') = '\0';
    size_t cap = strlen(good) + row1_len + strlen(kaz) + 64;
    char *csv = malloc(cap);
    snprintf(csv, cap, "%s\nGUEST,ONLY,ITA\n%.*s%s\n", good, (int)row1_len, row1, kaz);
    qn_api_resp r = upload(tok, csv, NULL);
    ck_assert_msg(r.status == 200, "%s", r.body);
    ck_assert_int_eq(jint(r.json, "rows"), 8);
    ck_assert_int_eq(jint(r.json, "accepted"), 4);
    ck_assert_int_eq(jint(r.json, "rejected"), 4);
    const size_t accepted[] = {0, 2, 3, 4};
    for (size_t k = 0; k < 4; k++) {
        const json_t *row = result(&r, accepted[k]);
        ck_assert_str_eq(json_string_value(json_object_get(row, "result")), "accepted");
        ck_assert_int_eq(jint(row, "row"), (json_int_t)accepted[k] + 1);
        ck_assert_int_eq(jint(row, "line"), (json_int_t)accepted[k] + 2);
        ck_assert(jint(row, "id") > 0);
    }
    const json_t *bad = result(&r, 1);
    ck_assert_str_eq(json_string_value(json_object_get(bad, "result")), "rejected");
    ck_assert_str_eq(first_field(bad), "arrival_date");
    ck_assert_int_eq(jint(bad, "line"), 3);
    bad = result(&r, 5);
    ck_assert_str_eq(json_string_value(json_object_get(bad, "code")), "bad_request.csv_row");
    ck_assert_str_eq(first_field(bad), "row");
    ck_assert_int_eq(jint(bad, "row"), 6);
    ck_assert_int_eq(jint(bad, "line"), 8);
    bad = result(&r, 6);
    ck_assert_str_eq(json_string_value(json_object_get(bad, "code")), "conflict.duplicate_notification");
    ck_assert_int_eq(jint(bad, "line"), 9);
    bad = result(&r, 7);
    ck_assert_str_eq(first_field(bad), "foreigner.citizenship");
    ck_assert_int_eq(jint(bad, "line"), 10);
    qn_api_resp_free(&r);
    /* Exactly the accepted rows are on record: the rejected left nothing. */
    ck_assert_int_eq(total_of(tok), before + 4);

    /* Kept with a key: the replay is the first answer, byte for byte. */
    char *again = qn_api_batch_csv(3, "STRK", 0);
    qn_api_resp a = upload(tok, again, "Idempotency-Key: stream-1");
    qn_api_resp b = upload(tok, again, "Idempotency-Key: stream-1");
    ck_assert_int_eq(a.status, 200);
    ck_assert_int_eq(b.status, 200);
    ck_assert_str_eq(a.body, b.body);
    char flag[16] = "";
    ck_assert(qn_api_header(&b, "Idempotent-Replayed", flag, sizeof flag));
    ck_assert_int_eq(total_of(tok), before + 7);
    qn_api_resp_free(&a);
    qn_api_resp_free(&b);
    free(again);
    free(csv);
    free(kaz);
    free(good);
}
END_TEST

static Suite *batch_stream_suite(void)
{
    Suite *s = suite_create("batch_stream");
    TCase *tc = tcase_create("batch");
    tcase_set_timeout(tc, 300);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, rows_of_every_kind);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(batch_stream_suite)
