/* qn_test.h — what every Check test program of qonaq shares.
 *
 * Each tests/<suite>/test_*.c is one program: it builds a Suite and ends with
 * QN_TEST_MAIN(its_suite_function). tests/run.sh runs every program and adds
 * up Check's "Checks: N, Failures: F, Errors: E" lines.
 */
#ifndef QN_TEST_H
#define QN_TEST_H

#include <check.h>
#include <stdlib.h>

#include "core/date.h"

/* Parses a date literal that the test itself wrote; aborts the test if bad. */
qn_date_t qn_test_date(const char *iso);

/* A directory for this test program's files, created fresh (under $TMPDIR).
 * Returned string is static, valid until the process exits. */
const char *qn_test_tmpdir(void);

/* The environment variable's value or NULL; `need` makes absence a test failure. */
const char *qn_test_env(const char *name, int need);

#define QN_TEST_MAIN(suite_fn)                                                                     \
    int main(void)                                                                                 \
    {                                                                                              \
        SRunner *runner = srunner_create(suite_fn());                                              \
        srunner_run_all(runner, CK_NORMAL);                                                        \
        int failed = srunner_ntests_failed(runner);                                                \
        srunner_free(runner);                                                                      \
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;                                          \
    }

#endif
