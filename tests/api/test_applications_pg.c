/* test_applications_pg.c — the whole application workflow suite of
 * test_applications.c once more, with the server on PostgreSQL (the
 * throwaway server of tests/run.sh, $QONAQ_TEST_PG; its absence fails). */
#define QN_APPS_ON_PG 1
#include "test_applications.c"
