/* test_applications_flows_pg.c — the suite of test_applications_flows.c once more, with the
 * server on PostgreSQL (the throwaway server of tests/run.sh, $QONAQ_TEST_PG; its absence fails). */
#define QN_APPS_ON_PG 1
#include "test_applications_flows.c"
