/* test_documents_pg.c — the suite of test_documents.c once more, with the
 * server on PostgreSQL (the throwaway server of tests/run.sh, $QONAQ_TEST_PG;
 * its absence fails): the verification failures are counted in the store. */
#define QN_DOCS_ON_PG 1
#include "test_documents.c"
