/* conformance_group.h — the store conformance suite, the group commit API
 * (src/store/group.c) on both backends: savepoints inside one transaction,
 * what a rolled-back request leaves (nothing, not even audit events), the
 * audit chain across kept and undone requests, a failing statement isolated
 * to its request (PostgreSQL aborts the transaction without the savepoint),
 * a group rolled back whole, misuse refused; the committer's connection
 * preference and the SQLite checkpoint. Included after conformance.h.
 */
#ifndef QN_TEST_STORE_CONFORMANCE_GROUP_H
#define QN_TEST_STORE_CONFORMANCE_GROUP_H

#include "conformance.h"

static qn_code grp_person(conf_t *f, const char *surname, int64_t *id)
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

static qn_code grp_document(conf_t *f, int64_t person_id, const char *number)
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

static void grp_assert_chain(conf_t *f, int64_t events)
{
    qn_store_audit_report r;
    ck_assert_int_eq(qn_store_audit_verify(f->c, &r, &f->err), QN_OK);
    ck_assert_msg(r.ok, "audit chain broken: %s", r.reason);
    ck_assert_int_eq(r.events, events);
}

static int64_t grp_events_now(conf_t *f)
{
    qn_store_audit_report r;
    ck_assert_int_eq(qn_store_audit_verify(f->c, &r, &f->err), QN_OK);
    return r.events;
}

START_TEST(group_commit_savepoints)
{
    conf_t f;
    conf_open(&f);
    int64_t base = grp_events_now(&f);
    ck_assert_int_eq(qn_store_group_begin(f.c, &f.err), QN_OK);

    /* request 1: kept (person + document: two events) */
    int64_t p1 = 0;
    ck_assert_int_eq(qn_store_savepoint(f.c, &f.err), QN_OK);
    ck_assert_int_eq(grp_person(&f, "KEPT", &p1), QN_OK);
    ck_assert_int_eq(grp_document(&f, p1, "G0000001"), QN_OK);
    ck_assert_int_eq(qn_store_savepoint_release(f.c, &f.err), QN_OK);

    /* request 2: wrote an audited person, then failed on a duplicate
     * document: undone whole, its event included */
    int64_t p2 = 0;
    ck_assert_int_eq(qn_store_savepoint(f.c, &f.err), QN_OK);
    ck_assert_int_eq(grp_person(&f, "UNDONE", &p2), QN_OK);
    ck_assert_int_eq(grp_document(&f, p2, "G0000001"), QN_E_CONFLICT);
    ck_assert_int_eq(qn_store_savepoint_rollback(f.c, &f.err), QN_OK);

    /* request 3: kept, after the failure (PostgreSQL would refuse every
     * statement here had the failure not been rolled back to its savepoint) */
    int64_t p3 = 0;
    ck_assert_int_eq(qn_store_savepoint(f.c, &f.err), QN_OK);
    ck_assert_int_eq(grp_person(&f, "ALSO KEPT", &p3), QN_OK);
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
    grp_assert_chain(&f, base + 3); /* person, document, person: no event of request 2 */

    /* A group aborted whole leaves nothing, and the chain goes on. */
    ck_assert_int_eq(qn_store_group_begin(f.c, &f.err), QN_OK);
    ck_assert_int_eq(qn_store_savepoint(f.c, &f.err), QN_OK);
    int64_t p4 = 0;
    ck_assert_int_eq(grp_person(&f, "ABORTED", &p4), QN_OK);
    ck_assert_int_eq(qn_store_savepoint_release(f.c, &f.err), QN_OK);
    qn_store_group_abort(f.c);
    ck_assert_int_eq(qn_store_person_get(f.c, p4, &got, &miss), QN_E_NOT_FOUND);
    grp_assert_chain(&f, base + 3);
    ck_assert_int_eq(grp_person(&f, "AFTER", NULL), QN_OK);
    grp_assert_chain(&f, base + 4);

    /* Misuse is refused, not half-done. */
    ck_assert_int_eq(qn_store_savepoint(f.c, &miss), QN_E_INTERNAL); /* no group */
    ck_assert_int_eq(qn_store_group_begin(f.c, &f.err), QN_OK);
    ck_assert_int_eq(qn_store_savepoint(f.c, &f.err), QN_OK);
    ck_assert_int_eq(qn_store_savepoint(f.c, &miss), QN_E_INTERNAL);    /* nested */
    ck_assert_int_eq(qn_store_group_commit(f.c, &miss), QN_E_INTERNAL); /* savepoint open */
    ck_assert(!qn_store_in_tx(f.c));
    conf_close(&f);
}
END_TEST

/* The committer's deferred flush (qn_store_group_begin_deferred and
 * qn_store_wal_sync): on SQLite the group's COMMIT skips the fsync, which
 * the caller does after; on PostgreSQL nothing changes. Either way the
 * group is kept or undone exactly as a plain group, the connection serves
 * ordinary writes afterwards, and the chain holds. */
START_TEST(group_deferred_flush)
{
    conf_t f;
    conf_open(&f);
    bool lite = strcmp(qn_store_backend(f.s), "sqlite") == 0;
    int64_t base = grp_events_now(&f);
    bool deferred = !lite;
    ck_assert_int_eq(qn_store_group_begin_deferred(f.c, &deferred, &f.err), QN_OK);
    ck_assert(deferred == lite);
    int64_t kept = 0;
    ck_assert_int_eq(qn_store_savepoint(f.c, &f.err), QN_OK);
    ck_assert_int_eq(grp_person(&f, "DEFERRED", &kept), QN_OK);
    ck_assert_int_eq(qn_store_savepoint_release(f.c, &f.err), QN_OK);
    ck_assert_int_eq(qn_store_group_commit(f.c, &f.err), QN_OK);
    ck_assert(!qn_store_in_tx(f.c));
    ck_assert_int_eq(qn_store_wal_sync(f.s, &f.err), QN_OK);
    ck_assert_int_eq(qn_store_wal_sync(f.s, &f.err), QN_OK); /* nothing new: still fine */

    /* visible on another connection */
    qn_store_conn *other = NULL;
    OK(&f, qn_store_acquire(f.s, &other, &f.err));
    qn_store_person got;
    ck_assert_int_eq(qn_store_person_get(other, kept, &got, &f.err), QN_OK);
    ck_assert_str_eq(got.surname, "DEFERRED");
    qn_store_release(other);

    /* aborted: nothing of it, and the same connection goes on */
    ck_assert_int_eq(qn_store_group_begin_deferred(f.c, &deferred, &f.err), QN_OK);
    int64_t undone = 0;
    ck_assert_int_eq(qn_store_savepoint(f.c, &f.err), QN_OK);
    ck_assert_int_eq(grp_person(&f, "UNDONE", &undone), QN_OK);
    ck_assert_int_eq(qn_store_savepoint_release(f.c, &f.err), QN_OK);
    qn_store_group_abort(f.c);
    qn_err miss;
    qn_err_clear(&miss);
    ck_assert_int_eq(qn_store_person_get(f.c, undone, &got, &miss), QN_E_NOT_FOUND);
    ck_assert_int_eq(grp_person(&f, "PLAIN AFTER", NULL), QN_OK);
    ck_assert_int_eq(qn_store_group_begin_deferred(f.c, &deferred, &f.err), QN_OK);
    ck_assert(deferred == lite);
    qn_store_group_abort(f.c);
    grp_assert_chain(&f, base + 2);
    conf_close(&f);
}
END_TEST

START_TEST(group_preferred_connection_and_checkpoint)
{
    /* The committer keeps one connection warm: acquire_prefer hands it back
     * when it is free, another one when it is taken. */
    conf_t t;
    conf_open(&t);
    qn_store_conn *first = t.c;
    qn_store_release(first);
    qn_store_conn *again = NULL;
    OK(&t, qn_store_acquire_prefer(t.s, first, &again, &t.err));
    ck_assert_ptr_eq(again, first);
    qn_store_conn *other = NULL;
    OK(&t, qn_store_acquire_prefer(t.s, first, &other, &t.err)); /* first is in use */
    ck_assert_ptr_nonnull(other);
    ck_assert_ptr_ne(other, first);
    /* A checkpoint (a no-op on PostgreSQL) leaves the data readable. */
    OK(&t, qn_store_checkpoint(other, &t.err));
    t.c = other;
    /* The commit count (the checkpointer's trigger) counts each commit once,
     * a rollback not at all. */
    int64_t commits = qn_store_commit_count(t.s);
    int64_t id = mk_person(&t, "CHECKPOINTED");
    ck_assert_int_eq(qn_store_commit_count(t.s), commits + 1);
    OK(&t, qn_store_begin(other, &t.err));
    mk_person(&t, "ROLLEDBACK");
    qn_store_rollback(other);
    ck_assert_int_eq(qn_store_commit_count(t.s), commits + 1);
    OK(&t, qn_store_begin(other, &t.err));
    mk_person(&t, "TWO");
    mk_person(&t, "INONE");
    OK(&t, qn_store_commit(other, &t.err));
    ck_assert_int_eq(qn_store_commit_count(t.s), commits + 2);
    OK(&t, qn_store_checkpoint(other, &t.err));
    qn_store_person got;
    OK(&t, qn_store_person_get(other, id, &got, &t.err));
    ck_assert_str_eq(got.surname, "CHECKPOINTED");
    qn_store_release(again);
    conf_close(&t);
}
END_TEST

#endif
