/* test_control_services_pg.c — tests/api/test_control_services.c on
 * PostgreSQL: the same black-box tests against a server on a fresh database
 * of the throwaway server tests/run.sh starts ($QONAQ_TEST_PG; its absence
 * is a failure). */
#define QN_CONTROL_PG 1
#include "test_control_services.c"
