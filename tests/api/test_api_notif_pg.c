/* test_api_notif_pg.c — the notification fixes of test_api_notif.c once
 * more with the server on PostgreSQL (the throwaway server of tests/run.sh,
 * $QONAQ_TEST_PG; its absence fails): validation, duplicates, idempotent
 * batches, limits, a failed row, cards, API keys, concurrent logins. */
#define QN_NOTIF_ON_PG 1
#include "test_api_notif.c"
