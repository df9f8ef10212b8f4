/* test_store_group.c — the group commit API of the store (group.c) on
 * SQLite and PostgreSQL: savepoints inside one transaction, what a
 * rolled-back request leaves (nothing, not even audit events), the audit
 * chain across kept and undone requests, a failing statement isolated to
 * its request (PostgreSQL aborts the transaction without the savepoint),
 * and a group rolled back whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "support/qn_test.h"

typedef struct {
    char url[1024];
    qn_store *s;
    qn_store_conn *c;
    qn_err err;
} fx;

static void open_fx(fx *f, int pg)
{
    memset(f, 0, sizeof *f);
    qn_err_clear(&f->err);
    const char *base = pg ? qn_test_env("QONAQ_TEST_PG", 1) : "sqlite:";
    ck_assert_msg(qn_store_fresh_url(base, pg ? NULL : qn_test_tmpdir(), f->url, sizeof f->url, &f->err) ==
                      QN_OK,
                  "%s", f->err.message);
    ck_assert_msg(qn_store_open(f->url, NULL, &f->s, &f->err) == QN_OK, "%s", f->err.message);
    ck_assert_msg(qn_store_acquire(f->s, &f->c, &f->err) == QN_OK, "%s", f->err.message);
}

static void close_fx(fx *f)
{
    qn_store_release(f->c);
    qn_store_close(f->s);
}

static qn_code person(fx *f, const char *surname, int64_t *id)
{
    qn_store_person p;
    memset(&p, 0, sizeof p);
    snprintf(p.kind, sizeof p.kind, "foreigner");
    snprintf(p.surname, sizeof p.surname, "%s", surname);
    snprintf(p.citizenship, sizeof p.citizenship, "DEU");
    snprintf(p.sex, sizeof p.sex, "F");
    p.birth_date = QN_DATE_NONE;
    qn_code rc = qn_store_person_create(f->c, &p, &f->err);
    if (id)
        *id = p.id;
    return rc;
}

static qn_code document(fx *f, int64_t person_id, const char *number)
{
    qn_store_document d;
    memset(&d, 0, sizeof d);
    d.person_id = person_id;
    snprintf(d.kind, sizeof d.kind, "passport");
    snprintf(d.number, sizeof d.number, "%s", number);
    snprintf(d.country, sizeof d.country, "DEU");
    d.issued = QN_DATE_NONE;
    d.expires = QN_DATE_NONE;
    return qn_store_document_create(f->c, &d, &f->err);
}

static void assert_chain(fx *f, int64_t events)
{
    qn_store_audit_report r;
    ck_assert_int_eq(qn_store_audit_verify(f->c, &r, &f->err), QN_OK);
    ck_assert_msg(r.ok, "audit chain broken: %s", r.reason);
    ck_assert_int_eq(r.events, events);
}

static int64_t events_now(fx *f)
{
    qn_store_audit_report r;
    ck_assert_int_eq(qn_store_audit_verify(f->c, &r, &f->err), QN_OK);
    return r.events;
}

static void check_group(int pg)
{
    fx f;
    open_fx(&f, pg);
    int64_t base = events_now(&f);
    ck_assert_int_eq(qn_store_group_begin(f.c, &f.err), QN_OK);

    /* request 1: kept (person + document: two events) */
    int64_t p1 = 0;
    ck_assert_int_eq(qn_store_savepoint(f.c, &f.err), QN_OK);
    ck_assert_int_eq(person(&f, "KEPT", &p1), QN_OK);
    ck_assert_int_eq(document(&f, p1, "G0000001"), QN_OK);
    ck_assert_int_eq(qn_store_savepoint_release(f.c, &f.err), QN_OK);

    /* request 2: wrote an audited person, then failed on a duplicate
     * document: undone whole, its event included */
    int64_t p2 = 0;
    ck_assert_int_eq(qn_store_savepoint(f.c, &f.err), QN_OK);
    ck_assert_int_eq(person(&f, "UNDONE", &p2), QN_OK);
    ck_assert_int_eq(document(&f, p2, "G0000001"), QN_E_CONFLICT);
    ck_assert_int_eq(qn_store_savepoint_rollback(f.c, &f.err), QN_OK);

    /* request 3: kept, after the failure (PostgreSQL would refuse every
     * statement here had the failure not been rolled back to its savepoint) */
    int64_t p3 = 0;
    ck_assert_int_eq(qn_store_savepoint(f.c, &f.err), QN_OK);
    ck_assert_int_eq(person(&f, "ALSO KEPT", &p3), QN_OK);
    ck_assert_int_eq(qn_store_savepoint_release(f.c, &f.err), QN_OK);
    ck_assert_int_eq(qn_store_group_commit(f.c, &f.err), QN_OK);

    qn_store_person got;
    ck_assert_int_eq(qn_store_person_get(f.c, p1, &got, &f.err), QN_OK);
    ck_assert_str_eq(got.surname, "KEPT");
    ck_assert_int_eq(qn_store_person_get(f.c, p3, &got, &f.err), QN_OK);
    ck_assert_str_eq(got.surname, "ALSO KEPT");
    qn_err miss;
    qn_err_clear(&miss);
    if (p2 != p3)
        ck_assert_int_eq(qn_store_person_get(f.c, p2, &got, &miss), QN_E_NOT_FOUND);
    assert_chain(&f, base + 3); /* person, document, person: no event of request 2 */

    /* A group aborted whole leaves nothing, and the chain goes on. */
    ck_assert_int_eq(qn_store_group_begin(f.c, &f.err), QN_OK);
    ck_assert_int_eq(qn_store_savepoint(f.c, &f.err), QN_OK);
    int64_t p4 = 0;
    ck_assert_int_eq(person(&f, "ABORTED", &p4), QN_OK);
    ck_assert_int_eq(qn_store_savepoint_release(f.c, &f.err), QN_OK);
    qn_store_group_abort(f.c);
    ck_assert_int_eq(qn_store_person_get(f.c, p4, &got, &miss), QN_E_NOT_FOUND);
    assert_chain(&f, base + 3);
    ck_assert_int_eq(person(&f, "AFTER", NULL), QN_OK);
    assert_chain(&f, base + 4);

    /* Misuse is refused, not half-done. */
    ck_assert_int_eq(qn_store_savepoint(f.c, &miss), QN_E_INTERNAL); /* no group */
    ck_assert_int_eq(qn_store_group_begin(f.c, &f.err), QN_OK);
    ck_assert_int_eq(qn_store_savepoint(f.c, &f.err), QN_OK);
    ck_assert_int_eq(qn_store_savepoint(f.c, &miss), QN_E_INTERNAL);    /* nested */
    ck_assert_int_eq(qn_store_group_commit(f.c, &miss), QN_E_INTERNAL); /* savepoint open */
    ck_assert(!qn_store_in_tx(f.c));
    close_fx(&f);
}

START_TEST(group_sqlite) { check_group(0); }
END_TEST

START_TEST(group_postgresql) { check_group(1); }
END_TEST

static Suite *group_suite(void)
{
    Suite *s = suite_create("store_group");
    TCase *tc = tcase_create("group");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, group_sqlite);
    tcase_add_test(tc, group_postgresql);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(group_suite)
