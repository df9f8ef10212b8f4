/* conformance_notif.h — the store conformance suite, the notifications part
 * of branch notif (migration 006_notif): searches by filter shape with their
 * indexes, aggregates grouped in SQL, batches with a savepoint per row,
 * the duplicate check, migration cards, the atomic login gate, and the
 * migration's backfill of rows recorded before it. Included by
 * test_store_sqlite.c and test_store_pg.c after conformance.h.
 */
#ifndef QN_TEST_STORE_CONFORMANCE_NOTIF_H
#define QN_TEST_STORE_CONFORMANCE_NOTIF_H

#include <pthread.h>

#include "store/store_internal.h" /* the embedded migrations, for the backfill test */

/* A notification of host/person on arrival day `arrival` in region with
 * citizenship, on time or late. */
static int64_t mk_notif(conf_t *t, int64_t host, int64_t person, const char *arrival, const char *region,
                        const char *cit, bool on_time)
{
    qn_store_notification n;
    fill_notification(&n, host, person, arrival);
    snprintf(n.region, sizeof n.region, "%s", region);
    snprintf(n.citizenship, sizeof n.citizenship, "%s", cit);
    n.on_time = on_time;
    OK(t, qn_store_notification_create(t->c, &n, &t->err));
    return n.id;
}

START_TEST(notif_search_by_region_and_status)
{
    conf_t t;
    conf_open(&t);
    int64_t host = mk_account(&t, "hotel", "host");
    int64_t other = mk_account(&t, "hotel2", "host");
    int64_t p1 = mk_person(&t, "Schmidt"), p2 = mk_person(&t, "Rossi");
    /* 5 in region 75 (two late, one accepted), 3 in 71, 1 without region. */
    int64_t ids75[5];
    for (int i = 0; i < 5; i++) {
        char day[32];
        snprintf(day, sizeof day, "2026-03-%02d", 1 + i);
        ids75[i] = mk_notif(&t, i % 2 ? host : other, p1, day, "75", i < 3 ? "DEU" : "ITA",
                            i >= 2 && i < 4 ? false : true);
    }
    for (int i = 0; i < 3; i++)
        mk_notif(&t, host, p2, "2026-03-02", "71", "ITA", true);
    mk_notif(&t, host, p2, "2026-02-01", "", "USA", true);
    OK(&t, qn_store_notification_set_status(t.c, ids75[4], "accepted", &t.err));

    qn_store_notification_filter f;
    memset(&f, 0, sizeof f);
    snprintf(f.region, sizeof f.region, "75");
    f.limit = 2;
    qn_store_notification_list l;
    OK(&t, qn_store_notification_search(t.c, &f, &l, &t.err));
    ck_assert_int_eq(l.total, 5);
    ck_assert_uint_eq(l.count, 2);
    ck_assert_int_eq(l.items[0].id, ids75[4]); /* newest arrival first */
    ck_assert_str_eq(l.items[0].region, "75");
    ck_assert_str_eq(l.items[0].citizenship, "ITA");
    qn_store_notification_list_free(&l);
    f.offset = 4; /* real paging: the fifth row is the oldest */
    OK(&t, qn_store_notification_search(t.c, &f, &l, &t.err));
    ck_assert_uint_eq(l.count, 1);
    ck_assert_int_eq(l.items[0].id, ids75[0]);
    qn_store_notification_list_free(&l);
    /* region + dates + status */
    f.offset = 0;
    f.limit = 0;
    f.has_range = true;
    f.arrival_from = qn_test_date("2026-03-02");
    f.arrival_to = qn_test_date("2026-03-05");
    OK(&t, qn_store_notification_search(t.c, &f, &l, &t.err));
    ck_assert_int_eq(l.total, 4);
    qn_store_notification_list_free(&l);
    snprintf(f.status, sizeof f.status, "accepted");
    OK(&t, qn_store_notification_search(t.c, &f, &l, &t.err));
    ck_assert_int_eq(l.total, 1);
    ck_assert_int_eq(l.items[0].id, ids75[4]);
    qn_store_notification_list_free(&l);
    /* status alone, dates alone */
    memset(&f, 0, sizeof f);
    snprintf(f.status, sizeof f.status, "submitted");
    OK(&t, qn_store_notification_search(t.c, &f, &l, &t.err));
    ck_assert_int_eq(l.total, 8);
    qn_store_notification_list_free(&l);
    memset(&f, 0, sizeof f);
    f.has_range = true;
    f.arrival_from = f.arrival_to = qn_test_date("2026-03-02");
    OK(&t, qn_store_notification_search(t.c, &f, &l, &t.err));
    ck_assert_int_eq(l.total, 4);
    qn_store_notification_list_free(&l);
    /* host + status */
    memset(&f, 0, sizeof f);
    f.host_account_id = host;
    snprintf(f.status, sizeof f.status, "submitted");
    OK(&t, qn_store_notification_search(t.c, &f, &l, &t.err));
    ck_assert_int_eq(l.total, 6); /* 2 of region 75, 3 of 71, 1 without a region */
    qn_store_notification_list_free(&l);
    /* Two keys at once is refused, naming the filter. */
    f.person_id = p1;
    FAILS(&t, QN_E_INVALID, qn_store_notification_search(t.c, &f, &l, &t.err));
    ck_assert_str_eq(t.err.fields[0].field, "filter");

    /* Aggregates, grouped in SQL. */
    qn_store_notification_group_list g;
    bool more = true;
    OK(&t, qn_store_notification_counts(t.c, NULL, QN_DATE_NONE, QN_DATE_NONE, QN_GROUP_BY_REGION, &g, &more, &t.err));
    ck_assert(!more);
    ck_assert_uint_eq(g.count, 3); /* "", "71", "75" by key */
    ck_assert_str_eq(g.items[0].key, "");
    ck_assert_int_eq(g.items[0].total, 1);
    ck_assert_str_eq(g.items[1].key, "71");
    ck_assert_int_eq(g.items[1].total, 3);
    ck_assert_int_eq(g.items[1].late, 0);
    ck_assert_str_eq(g.items[2].key, "75");
    ck_assert_int_eq(g.items[2].total, 5);
    ck_assert_int_eq(g.items[2].late, 2);
    qn_store_notification_group_list_free(&g);
    OK(&t, qn_store_notification_counts(t.c, "75", qn_test_date("2026-03-03"), QN_DATE_NONE, QN_GROUP_BY_CITIZENSHIP, &g, NULL,
                                        &t.err));
    ck_assert_uint_eq(g.count, 2);
    ck_assert_str_eq(g.items[0].key, "DEU");
    ck_assert_int_eq(g.items[0].total, 1);
    ck_assert_int_eq(g.items[0].late, 1);
    ck_assert_str_eq(g.items[1].key, "ITA");
    ck_assert_int_eq(g.items[1].total, 2);
    ck_assert_int_eq(g.items[1].late, 1);
    qn_store_notification_group_list_free(&g);
    /* By arrival day (the analysts' daily chart): all regions, then one. */
    OK(&t, qn_store_notification_counts(t.c, NULL, qn_test_date("2026-03-01"), qn_test_date("2026-03-05"),
                                        QN_GROUP_BY_DAY, &g, NULL, &t.err));
    static const struct {
        const char *day;
        int64_t total, late;
    } days[] = {{"2026-03-01", 1, 0}, {"2026-03-02", 4, 0}, {"2026-03-03", 1, 1},
                {"2026-03-04", 1, 1}, {"2026-03-05", 1, 0}};
    ck_assert_uint_eq(g.count, 5);
    for (size_t i = 0; i < 5; i++) {
        char key[16];
        snprintf(key, sizeof key, "%d", (int)qn_test_date(days[i].day));
        ck_assert_str_eq(g.items[i].key, key);
        ck_assert_int_eq(g.items[i].total, days[i].total);
        ck_assert_int_eq(g.items[i].late, days[i].late);
    }
    qn_store_notification_group_list_free(&g);
    OK(&t, qn_store_notification_counts(t.c, "75", qn_test_date("2026-03-02"), qn_test_date("2026-03-02"),
                                        QN_GROUP_BY_DAY, &g, NULL, &t.err));
    ck_assert_uint_eq(g.count, 1);
    ck_assert_int_eq(g.items[0].total, 1); /* region 71's three that day are not counted */
    qn_store_notification_group_list_free(&g);
    OK(&t, qn_store_notification_counts(t.c, "19", QN_DATE_NONE, QN_DATE_NONE, QN_GROUP_BY_REGION, &g, NULL, &t.err));
    ck_assert_uint_eq(g.count, 0);
    qn_store_notification_group_list_free(&g);
    conf_close(&t);
}
END_TEST

/* The block of the plan of one query ("-- name" up to the next "--"). */
static void plan_block(const char *plan, const char *name, char *out, size_t cap)
{
    char head[96];
    snprintf(head, sizeof head, "-- %s\n", name);
    const char *at = strstr(plan, head);
    ck_assert_msg(at != NULL, "no plan for %s in:\n%s", name, plan);
    at += strlen(head);
    const char *end = strstr(at, "-- ");
    size_t n = end ? (size_t)(end - at) : strlen(at);
    if (n >= cap)
        n = cap - 1;
    memcpy(out, at, n);
    out[n] = '\0';
}

START_TEST(notif_lookups_use_indexes)
{
    conf_t t;
    conf_open(&t);
    /* A table with statistics, as a running system has (autovacuum on
     * PostgreSQL, ANALYZE on SQLite): 20 hosts, 20 regions, a year of days. */
    int64_t hosts[20];
    for (int i = 0; i < 20; i++) {
        char name[16];
        snprintf(name, sizeof name, "host%d", i);
        hosts[i] = mk_account(&t, name, "host");
    }
    int64_t p = mk_person(&t, "Schmidt");
    qn_store_notification *rows = calloc(2000, sizeof *rows);
    qn_store_row_result *res = calloc(2000, sizeof *res);
    for (int i = 0; i < 2000; i++) {
        fill_notification(&rows[i], hosts[i % 20], p, "2024-01-01");
        rows[i].arrival_date = rows[i].entry_date = rows[i].stay_from = 19800 + (i * 7) % 365;
        rows[i].stay_to = rows[i].stay_from + 5;
        rows[i].deadline = rows[i].arrival_date + 3;
        snprintf(rows[i].region, sizeof rows[i].region, "%d", 10 + (i / 20) % 20);
        snprintf(rows[i].status, sizeof rows[i].status, "%s", i % 10 ? "submitted" : "accepted");
    }
    size_t n_ok = 0;
    OK(&t, qn_store_notifications_bulk(t.c, rows, 2000, true, res, &n_ok, &t.err));
    free(rows);
    free(res);
    ck_assert(raw_exec(t.url, "ANALYZE", NULL, 0) == 0);
    static char plan[32768];
    OK(&t, qn_store_notification_explain(t.c, plan, sizeof plan, &t.err));
    if (getenv("QONAQ_SHOW_PLANS") != NULL)
        fputs(plan, stderr);
    static const struct {
        const char *query, *index;
    } want[] = {
        {"list host", "notifications_host_date"},
        {"list host+status", "notifications_host_date"},
        {"list person", "notifications_person"},
        {"list person+status", "notifications_person"},
        {"list region", "notifications_region_date"},
        {"list region+status", "notifications_region_date"},
        {"list status", "notifications_"}, /* status or date index: the planner's choice */
        {"list dates", "notifications_"},
        {"count host", "notifications_host_date"},
        {"count region", "notifications_region_date"},
        {"count region+status", "notifications_region_date"},
        {"count status", "notifications_"},
        {"count dates", "notifications_"},
        {"counts by region", "notifications_"},
        {"counts by citizenship", "notifications_"},
        {"counts of a region", "notifications_region_date"},
        {"counts by citizenship of a region", "notifications_region_date"},
        {"counts by day", "notifications_"},
        {"counts by day of a region", "notifications_region_date"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char block[4096];
        plan_block(plan, want[i].query, block, sizeof block);
        ck_assert_msg(strstr(block, want[i].index) != NULL, "%s does not use %s:\n%s", want[i].query,
                      want[i].index, block);
        /* No full scan of the table: SQLite says "SCAN notifications" with
         * no index; PostgreSQL "Seq Scan on notifications". */
        ck_assert_msg(strstr(block, "Seq Scan") == NULL, "%s scans the table:\n%s", want[i].query, block);
        const char *scan = strstr(block, "SCAN notifications");
        ck_assert_msg(scan == NULL || strncmp(scan, "SCAN notifications USING", 24) == 0,
                      "%s scans the table:\n%s", want[i].query, block);
    }
    conf_close(&t);
}
END_TEST

START_TEST(notif_batch_row_leaves_nothing)
{
    conf_t t;
    conf_open(&t);
    int64_t host = mk_account(&t, "hotel", "host");
    long persons0 = raw_count(t.url, "SELECT COUNT(*) FROM persons");
    qn_store_batch *b = NULL;
    FAILS(&t, QN_E_INVALID, qn_store_batch_begin(t.c, 3, &b, &t.err)); /* no transaction */
    OK(&t, qn_store_begin(t.c, &t.err));
    OK(&t, qn_store_batch_begin(t.c, 3, &b, &t.err));
    for (int row = 0; row < 3; row++) {
        OK(&t, qn_store_batch_row_begin(b, &t.err));
        qn_store_person p;
        memset(&p, 0, sizeof p);
        snprintf(p.kind, sizeof p.kind, "foreigner");
        snprintf(p.surname, sizeof p.surname, "ROW%d", row);
        snprintf(p.given_names, sizeof p.given_names, "A");
        snprintf(p.citizenship, sizeof p.citizenship, "ITA");
        p.birth_date = QN_DATE_NONE;
        snprintf(p.sex, sizeof p.sex, "F");
        OK(&t, qn_store_person_create(t.c, &p, &t.err));
        qn_store_notification n;
        fill_notification(&n, host, p.id, "2026-05-01");
        if (row == 1)
            n.stay_to = n.stay_from - 1; /* the row's notification breaks a CHECK */
        qn_code rc = qn_store_batch_notification_create(b, &n, &t.err);
        ck_assert_int_eq(rc, row == 1 ? QN_E_INVALID : QN_OK);
        if (row == 1) {
            /* keep = true on a failed row still undoes it, and says so */
            FAILS(&t, QN_E_INTERNAL, qn_store_batch_row_end(b, true, &t.err));
        } else {
            OK(&t, qn_store_batch_row_end(b, true, &t.err));
            ck_assert_str_eq(n.number, row == 0 ? "N-2026-000001" : "N-2026-000003");
        }
        (void)rc;
    }
    OK(&t, qn_store_batch_end(b, true, &t.err));
    OK(&t, qn_store_commit(t.c, &t.err));
    /* Row 2's person went with its notification. */
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM persons"), persons0 + 2);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM persons WHERE surname = 'ROW1'"), 0);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM notifications"), 2);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM audit_events WHERE entity = 'person'"), 2);
    qn_store_audit_report r;
    OK(&t, qn_store_audit_verify(t.c, &r, &t.err));
    ck_assert_msg(r.ok, "%s", r.reason);
    /* A failed batch (end with ok = false) and its rollback leave nothing. */
    OK(&t, qn_store_begin(t.c, &t.err));
    OK(&t, qn_store_batch_begin(t.c, 1, &b, &t.err));
    OK(&t, qn_store_batch_row_begin(b, &t.err));
    FAILS(&t, QN_E_INVALID, qn_store_batch_row_begin(b, &t.err)); /* rows do not nest */
    qn_store_notification n;
    fill_notification(&n, host, 1, "2026-05-02");
    OK(&t, qn_store_batch_notification_create(b, &n, &t.err));
    OK(&t, qn_store_batch_end(b, false, &t.err));
    qn_store_rollback(t.c);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM notifications"), 2);
    OK(&t, qn_store_audit_verify(t.c, &r, &t.err));
    ck_assert_msg(r.ok, "%s", r.reason);
    conf_close(&t);
}
END_TEST

/* The number's sequence part: N-YYYY-000042 -> 42. */
static long number_seq(const char *number)
{
    const char *dash = strrchr(number, '-');
    ck_assert_ptr_nonnull(dash);
    return strtol(dash + 1, NULL, 10);
}

/* A batch reserves its numbers in blocks (1,024) as rows begin and gives
 * the unused end back: numbers run on without a gap across a block's end,
 * and the next notification after the batch takes the next number, however
 * many more rows the batch was begun for. */
START_TEST(notif_batch_numbers_in_blocks)
{
    conf_t t;
    conf_open(&t);
    int64_t host = mk_account(&t, "hotel", "host");
    int64_t person = mk_person(&t, "BLOCK");
    qn_store_batch *b = NULL;
    OK(&t, qn_store_begin(t.c, &t.err));
    OK(&t, qn_store_batch_begin(t.c, 5000, &b, &t.err));
    long first = 0, last = 0;
    for (int row = 0; row < 1030; row++) {
        OK(&t, qn_store_batch_row_begin(b, &t.err));
        qn_store_notification n;
        fill_notification(&n, host, person, "2026-05-01");
        OK(&t, qn_store_batch_notification_create(b, &n, &t.err));
        OK(&t, qn_store_batch_row_end(b, true, &t.err));
        long seq = number_seq(n.number);
        if (row == 0)
            first = seq;
        else
            ck_assert_int_eq(seq, last + 1);
        last = seq;
    }
    OK(&t, qn_store_batch_end(b, true, &t.err));
    OK(&t, qn_store_commit(t.c, &t.err));
    ck_assert_int_eq(last - first, 1029);
    qn_store_notification n;
    fill_notification(&n, host, person, "2026-05-02");
    OK(&t, qn_store_notification_create(t.c, &n, &t.err));
    ck_assert_int_eq(number_seq(n.number), last + 1);
    /* A failed batch gives nothing back and keeps nothing: its rollback
     * undoes the reservation, so the next number follows on again. */
    OK(&t, qn_store_begin(t.c, &t.err));
    OK(&t, qn_store_batch_begin(t.c, 100, &b, &t.err));
    OK(&t, qn_store_batch_row_begin(b, &t.err));
    qn_store_notification m;
    fill_notification(&m, host, person, "2026-05-03");
    OK(&t, qn_store_batch_notification_create(b, &m, &t.err));
    OK(&t, qn_store_batch_end(b, false, &t.err));
    qn_store_rollback(t.c);
    fill_notification(&m, host, person, "2026-05-04");
    OK(&t, qn_store_notification_create(t.c, &m, &t.err));
    ck_assert_int_eq(number_seq(m.number), last + 2);
    qn_store_audit_report r;
    OK(&t, qn_store_audit_verify(t.c, &r, &t.err));
    ck_assert_msg(r.ok, "%s", r.reason);
    conf_close(&t);
}
END_TEST

typedef struct {
    qn_store *s;
    int64_t host, person;
    qn_code rc;
    char sub[48];
} twin_arg;

/* Inserts a notification of 2026-07-01 with the duplicate check, holding
 * the transaction open a little after the insert. */
static void *twin_thread(void *p)
{
    twin_arg *a = p;
    qn_store_conn *c = NULL;
    qn_err err;
    qn_err_clear(&err);
    a->rc = qn_store_acquire(a->s, &c, &err);
    if (a->rc == QN_OK)
        a->rc = qn_store_begin(c, &err);
    if (a->rc == QN_OK) {
        qn_store_notification n;
        fill_notification(&n, a->host, a->person, "2026-07-01");
        n.refuse_duplicate = true;
        a->rc = qn_store_notification_create(c, &n, &err);
        struct timespec ts = {0, 200 * 1000 * 1000};
        nanosleep(&ts, NULL);
        if (a->rc == QN_OK)
            a->rc = qn_store_commit(c, &err);
    }
    snprintf(a->sub, sizeof a->sub, "%s", err.sub);
    qn_store_release(c);
    return NULL;
}

/* The "create" event's digest is of the row as stored: the next audited
 * change reads the row again (SELECT *) for its before-digest, and the two
 * agree. (SQLite reads an audited insert's row back by its rowid instead of
 * RETURNING *, store_internal.h QS_INSERTED; a read-back of another row, or
 * of other columns, would break this.) */
START_TEST(notif_create_digest_is_the_stored_row)
{
    conf_t t;
    conf_open(&t);
    int64_t host = mk_account(&t, "hotel", "host");
    int64_t p = mk_person(&t, "Schmidt");
    int64_t first = mk_notif(&t, host, p, "2026-06-01", "75", "DEU", true);
    int64_t id = mk_notif(&t, host, p, "2026-06-02", "71", "ITA", false);
    ck_assert_int_gt(id, first);
    OK(&t, qn_store_notification_set_status(t.c, id, "cancelled", &t.err));
    char id_text[32];
    snprintf(id_text, sizeof id_text, "%lld", (long long)id);
    qn_store_audit_list l = {0};
    OK(&t, qn_store_audit_list_entity(t.c, "notification", id_text, 0, 10, &l, &t.err));
    ck_assert_uint_eq(l.count, 2);
    ck_assert_str_eq(l.items[0].action, "create");
    ck_assert_str_eq(l.items[0].before_hex, "");
    ck_assert_uint_eq(strlen(l.items[0].after_hex), 64);
    ck_assert_str_eq(l.items[1].before_hex, l.items[0].after_hex);
    ck_assert_str_ne(l.items[1].after_hex, l.items[0].after_hex);
    qn_store_audit_list_free(&l);
    conf_close(&t);
}
END_TEST

START_TEST(notif_duplicates_refused)
{
    conf_t t;
    conf_open(&t);
    int64_t host = mk_account(&t, "hotel", "host");
    int64_t other = mk_account(&t, "hotel2", "host");
    int64_t p = mk_person(&t, "Schmidt");
    qn_store_notification n;
    fill_notification(&n, host, p, "2026-06-01");
    n.refuse_duplicate = true;
    OK(&t, qn_store_notification_create(t.c, &n, &t.err));
    char first[40];
    snprintf(first, sizeof first, "%s", n.number);
    qn_store_notification twin;
    fill_notification(&twin, host, p, "2026-06-01");
    twin.refuse_duplicate = true;
    FAILS(&t, QN_E_CONFLICT, qn_store_notification_create(t.c, &twin, &t.err));
    ck_assert_str_eq(t.err.sub, "duplicate_notification");
    ck_assert_ptr_nonnull(strstr(t.err.message, first));
    ck_assert_str_eq(twin.number, "");
    /* Another day, another host, or a write without the check: recorded. */
    fill_notification(&twin, host, p, "2026-06-02");
    twin.refuse_duplicate = true;
    OK(&t, qn_store_notification_create(t.c, &twin, &t.err));
    fill_notification(&twin, other, p, "2026-06-01");
    twin.refuse_duplicate = true;
    OK(&t, qn_store_notification_create(t.c, &twin, &t.err));
    fill_notification(&twin, host, p, "2026-06-01");
    OK(&t, qn_store_notification_create(t.c, &twin, &t.err));
    /* A cancelled notification no longer blocks. */
    OK(&t, qn_store_notification_set_status(t.c, n.id, "cancelled", &t.err));
    fill_notification(&twin, host, p, "2026-06-01");
    twin.refuse_duplicate = true;
    OK(&t, qn_store_notification_create(t.c, &twin, &t.err));
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM notifications WHERE dup_key IS NOT NULL"), 3);
    /* Two twins at once from two connections: one is recorded; the other
     * waits for it and is refused (the lookup, or the unique index when the
     * first commits after the lookup). */
    twin_arg a = {.s = t.s, .host = host, .person = p};
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, twin_thread, &a), 0);
    twin_arg b = a;
    twin_thread(&b);
    pthread_join(th, NULL);
    ck_assert_msg((a.rc == QN_OK) != (b.rc == QN_OK), "twins: %s / %s", qn_code_name(a.rc),
                  qn_code_name(b.rc));
    twin_arg *lost = a.rc == QN_OK ? &b : &a;
    ck_assert_int_eq(lost->rc, QN_E_CONFLICT);
    ck_assert_str_eq(lost->sub, "duplicate_notification");
    conf_close(&t);
}
END_TEST

START_TEST(notif_migration_cards)
{
    conf_t t;
    conf_open(&t);
    int64_t host = mk_account(&t, "hotel", "host");
    int64_t p = mk_person(&t, "Schmidt");
    int64_t n1 = mk_notif(&t, host, p, "2026-06-01", "75", "DEU", true);
    int64_t n2 = mk_notif(&t, host, p, "2026-06-05", "75", "DEU", true);
    qn_store_migration_card m;
    memset(&m, 0, sizeof m);
    m.person_id = p;
    m.notification_id = n1;
    snprintf(m.number, sizeof m.number, "MC0012345");
    m.entry_date = qn_test_date("2026-05-30");
    snprintf(m.checkpoint, sizeof m.checkpoint, "Almaty airport");
    snprintf(m.border_mark, sizeof m.border_mark, "stamp ALA 30.05.2026 no. 17");
    OK(&t, qn_store_migration_card_add(t.c, &m, &t.err));
    ck_assert_int_gt(m.id, 0);
    ck_assert_int_gt(m.created_at, 0);
    /* A second card for the same notification: conflict; unknown person: invalid. */
    qn_store_migration_card dup = m;
    FAILS(&t, QN_E_CONFLICT, qn_store_migration_card_add(t.c, &dup, &t.err));
    dup.notification_id = n2;
    dup.person_id = 999999;
    FAILS(&t, QN_E_INVALID, qn_store_migration_card_add(t.c, &dup, &t.err));
    dup.person_id = p;
    dup.number[0] = '\0';
    FAILS(&t, QN_E_INVALID, qn_store_migration_card_add(t.c, &dup, &t.err));
    ck_assert_str_eq(t.err.fields[0].field, "number");
    /* The same card reported with the second notification, no mark. */
    qn_store_migration_card m2;
    memset(&m2, 0, sizeof m2);
    m2.person_id = p;
    m2.notification_id = n2;
    snprintf(m2.number, sizeof m2.number, "MC0012345");
    m2.entry_date = qn_test_date("2026-05-30");
    OK(&t, qn_store_migration_card_add(t.c, &m2, &t.err));
    qn_store_migration_card got;
    OK(&t, qn_store_migration_card_of_notification(t.c, n1, &got, &t.err));
    ck_assert_int_eq(got.id, m.id);
    ck_assert_str_eq(got.number, "MC0012345");
    ck_assert_int_eq(got.entry_date, qn_test_date("2026-05-30"));
    ck_assert_str_eq(got.checkpoint, "Almaty airport");
    ck_assert_str_eq(got.border_mark, "stamp ALA 30.05.2026 no. 17");
    ck_assert_int_eq(got.person_id, p);
    FAILS(&t, QN_E_NOT_FOUND, qn_store_migration_card_of_notification(t.c, 424242, &got, &t.err));
    qn_store_migration_card_list l;
    OK(&t, qn_store_migration_card_list_person(t.c, p, &l, &t.err));
    ck_assert_uint_eq(l.count, 2);
    ck_assert_int_eq(l.items[0].notification_id, n1);
    ck_assert_str_eq(l.items[1].border_mark, "");
    qn_store_migration_card_list_free(&l);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM audit_events WHERE entity = 'migration_card'"),
                     2);
    /* Inside a caller's transaction that rolls back: nothing stays. */
    OK(&t, qn_store_begin(t.c, &t.err));
    memset(&m, 0, sizeof m);
    m.person_id = p;
    snprintf(m.number, sizeof m.number, "MC9");
    m.entry_date = qn_test_date("2026-06-01");
    OK(&t, qn_store_migration_card_add(t.c, &m, &t.err));
    qn_store_rollback(t.c);
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM migration_cards"), 2);
    conf_close(&t);
}
END_TEST

typedef struct {
    qn_store *s;
    pthread_barrier_t *go;
    bool admitted;
    qn_code rc;
} gate_arg;

static void *gate_thread(void *p)
{
    gate_arg *a = p;
    pthread_barrier_wait(a->go);
    qn_store_conn *c = NULL;
    qn_err err;
    qn_err_clear(&err);
    a->rc = qn_store_acquire(a->s, &c, &err);
    int64_t id = 0;
    if (a->rc == QN_OK)
        a->rc = qn_store_login_gate(c, "alice", "10.0.0.1", 0, 5, 30, 0, &a->admitted, &id, NULL, NULL, &err);
    if (a->rc != QN_OK)
        fprintf(stderr, "gate: %s\n", err.message);
    qn_store_release(c);
    return NULL;
}

START_TEST(notif_login_gate_is_atomic)
{
    conf_t t;
    conf_open(&t);
    bool admitted = false;
    int64_t id = 0, by_user = -1, by_addr = -1;
    OK(&t,
       qn_store_login_gate(t.c, "bob", "10.0.0.2", 0, 2, 30, 0, &admitted, &id, &by_user, &by_addr, &t.err));
    ck_assert(admitted);
    ck_assert_int_gt(id, 0);
    ck_assert_int_eq(by_user, 0);
    /* An admitted attempt counts as failed until it succeeds. */
    OK(&t, qn_store_login_failures(t.c, "bob", "10.0.0.2", 0, &by_user, &by_addr, &t.err));
    ck_assert_int_eq(by_user, 1);
    OK(&t, qn_store_login_attempt_succeeded(t.c, id, &t.err));
    OK(&t, qn_store_login_failures(t.c, "bob", "10.0.0.2", 0, &by_user, &by_addr, &t.err));
    ck_assert_int_eq(by_user, 0);
    FAILS(&t, QN_E_NOT_FOUND, qn_store_login_attempt_succeeded(t.c, 987654, &t.err));
    for (int i = 0; i < 2; i++) {
        OK(&t, qn_store_login_gate(t.c, "bob", "10.0.0.2", 0, 2, 30, 0, &admitted, &id, NULL, NULL, &t.err));
        ck_assert(admitted);
    }
    OK(&t, qn_store_login_gate(t.c, "bob", "10.0.0.2", 0, 2, 30, 0, &admitted, &id, &by_user, NULL, &t.err));
    ck_assert(!admitted);
    ck_assert_int_eq(id, 0);
    ck_assert_int_eq(by_user, 2);
    /* The window: failures before `since` do not count. */
    OK(&t, qn_store_login_gate(t.c, "bob", "10.0.0.2", qs_now() + 10, 2, 30, 0, &admitted, &id, NULL, NULL,
                               &t.err));
    ck_assert(admitted);
    conf_close(&t);

    /* 30 concurrent attempts on one name with a limit of 5: exactly 5 pass. */
    enum { N = 30 };
    conf_t u;
    conf_open(&u);
    qn_store_release(u.c);
    u.c = NULL;
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, N);
    pthread_t th[N];
    gate_arg args[N];
    for (int i = 0; i < N; i++) {
        args[i] = (gate_arg){.s = u.s, .go = &go};
        ck_assert_int_eq(pthread_create(&th[i], NULL, gate_thread, &args[i]), 0);
    }
    int passed = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(args[i].rc, QN_OK);
        passed += args[i].admitted;
    }
    pthread_barrier_destroy(&go);
    ck_assert_int_eq(passed, 5);
    ck_assert_int_eq(raw_count(u.url, "SELECT COUNT(*) FROM login_attempts WHERE username = 'alice'"), 5);
    OK(&u, qn_store_acquire(u.s, &u.c, &u.err));
    OK(&u, qn_store_login_gate_prune(u.c, qs_now() + 60, &u.err));
    ck_assert_int_eq(raw_count(u.url, "SELECT COUNT(*) FROM login_gates"), 0);
    conf_close(&u);
}
END_TEST

START_TEST(notif_migration_fills_old_rows)
{
    /* A database at the schema just before this branch's migration, with a
     * notification recorded then: the migration fills region and
     * citizenship from its payload (or the address register). */
    const qs_migration *list = conf_pg ? qs_pg_migrations : qs_sqlite_migrations;
    size_t count = conf_pg ? qs_pg_migrations_count : qs_sqlite_migrations_count;
    size_t mine = count;
    for (size_t i = 0; i < count; i++)
        if (strstr(list[i].name, "_notif") != NULL)
            mine = i;
    ck_assert_msg(mine < count, "the notif migration is not embedded");
    char url[QN_STORE_URL_MAX + 1];
    conf_fresh_url(url, sizeof url);
    for (size_t i = 0; i < mine; i++) {
        ck_assert_msg(raw_exec(url, list[i].sql, NULL, 0) == 0, "migration %s", list[i].name);
        char ins[160];
        snprintf(ins, sizeof ins,
                 "INSERT INTO schema_version (version, name, applied_at) VALUES (%d, '%s', 1)",
                 list[i].version, list[i].name);
        ck_assert(raw_exec(url, ins, NULL, 0) == 0);
    }
    static const char *const old_rows =
        "INSERT INTO accounts (username, password_hash, role, display_name, created_at) "
        "VALUES ('h', 'x', 'host', 'H', 1);"
        "INSERT INTO persons (kind, surname, given_names, citizenship, sex, created_at) "
        "VALUES ('foreigner', 'S', 'A', 'DEU', 'F', 1);"
        "INSERT INTO addresses (code, region, address_text) VALUES ('0201100087654321', '71', 'x');"
        "INSERT INTO notifications (number, host_account_id, person_id, entry_date, checkpoint, "
        "arrival_date, stay_from, stay_to, purpose, deadline, on_time, status, created_at, payload) "
        "VALUES ('N-2026-000001', 1, 1, 20500, 'ALA', 20500, 20500, 20510, 'tourism', 20503, 1, "
        "'submitted', 1, '{\"foreigner\":{\"citizenship\":\"ITA\"},\"address\":{\"region\":\"75\"}}');"
        "INSERT INTO notifications (number, host_account_id, person_id, entry_date, checkpoint, "
        "arrival_date, address_code, stay_from, stay_to, purpose, deadline, on_time, status, "
        "created_at, payload) VALUES ('N-2026-000002', 1, 1, 20500, 'ALA', 20500, "
        "'0201100087654321', 20500, 20510, 'tourism', 20503, 1, 'submitted', 1, 'not json');";
    ck_assert(raw_exec(url, old_rows, NULL, 0) == 0);
    qn_err err;
    qn_err_clear(&err);
    int from = 0, to = 0;
    ck_assert_msg(qn_store_migrate(url, &from, &to, &err) == QN_OK, "%s", err.message);
    ck_assert_int_eq(from, list[mine - 1].version);
    ck_assert_int_eq(to, QN_STORE_SCHEMA_VERSION);
    char out[64];
    ck_assert(raw_exec(url, "SELECT region || '/' || citizenship FROM notifications WHERE id = 1", out,
                       sizeof out) == 0);
    ck_assert_str_eq(out, "75/ITA");
    ck_assert(raw_exec(url, "SELECT region || '/' || citizenship FROM notifications WHERE id = 2", out,
                       sizeof out) == 0);
    ck_assert_str_eq(out, "71/DEU"); /* payload unreadable: the address register and the person */
}
END_TEST

/* Adds the tests of this header to a test case (one line in each program). */
#define CONF_NOTIF_TESTS(tc)                                                                                 \
    do {                                                                                                     \
        tcase_add_test(tc, notif_search_by_region_and_status);                                               \
        tcase_add_test(tc, notif_lookups_use_indexes);                                                       \
        tcase_add_test(tc, notif_batch_row_leaves_nothing);                                                  \
        tcase_add_test(tc, notif_batch_numbers_in_blocks);                                                  \
        tcase_add_test(tc, notif_create_digest_is_the_stored_row);                                           \
        tcase_add_test(tc, notif_duplicates_refused);                                                        \
        tcase_add_test(tc, notif_migration_cards);                                                           \
        tcase_add_test(tc, notif_login_gate_is_atomic);                                                      \
        tcase_add_test(tc, notif_migration_fills_old_rows);                                                  \
    } while (0)

#endif
