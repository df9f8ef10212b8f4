/* conformance_web.h — the store conformance suite, the public verification
 * page's part (src/store/web.c, migration 008_web): failed checks of a
 * document's verification code counted per client address in a window, and
 * the rows older than the window pruned as new ones are added. Included
 * after conformance.h by both backends' programs.
 */
#ifndef QN_TEST_STORE_CONFORMANCE_WEB_H
#define QN_TEST_STORE_CONFORMANCE_WEB_H

#include "conformance.h"

START_TEST(web_verify_failures_counted_and_pruned)
{
    conf_t t;
    conf_open(&t);
    const int64_t now = 1800000000;
    /* Three failures of one address, one of another, at now-100..now. */
    OK(&t, qn_store_verify_failure_add(t.c, "10.0.0.1", now - 100, now - 600, &t.err));
    OK(&t, qn_store_verify_failure_add(t.c, "10.0.0.1", now - 50, now - 600, &t.err));
    OK(&t, qn_store_verify_failure_add(t.c, "10.0.0.2", now - 40, now - 600, &t.err));
    OK(&t, qn_store_verify_failure_add(t.c, "10.0.0.1", now, now - 600, &t.err));
    int64_t n = -1;
    OK(&t, qn_store_verify_failures(t.c, "10.0.0.1", now - 600, &n, &t.err));
    ck_assert_int_eq(n, 3);
    OK(&t, qn_store_verify_failures(t.c, "10.0.0.1", now - 60, &n, &t.err)); /* the window */
    ck_assert_int_eq(n, 2);
    OK(&t, qn_store_verify_failures(t.c, "10.0.0.2", now - 600, &n, &t.err));
    ck_assert_int_eq(n, 1);
    OK(&t, qn_store_verify_failures(t.c, "10.0.0.3", now - 600, &n, &t.err));
    ck_assert_int_eq(n, 0);
    /* A later failure prunes what is older than its prune_before: only the
     * rows at or after now-45 remain (10.0.0.2's at now-40, 10.0.0.1's at now). */
    OK(&t, qn_store_verify_failure_add(t.c, "10.0.0.2", now + 10, now - 45, &t.err));
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM doc_verify_failures"), 3);
    OK(&t, qn_store_verify_failures(t.c, "10.0.0.1", 0, &n, &t.err));
    ck_assert_int_eq(n, 1);
    /* An over-long address is refused with its field, nothing written. */
    char longer[300];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    FAILS(&t, QN_E_TOO_LARGE, qn_store_verify_failure_add(t.c, longer, now, 0, &t.err));
    ck_assert_int_eq(raw_count(t.url, "SELECT COUNT(*) FROM doc_verify_failures"), 3);
    conf_close(&t);
}
END_TEST

#endif
