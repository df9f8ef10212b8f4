/* test_store_pg.c — the store conformance suite on PostgreSQL.
 *
 * The tests live in conformance*.h and are shared with the other backend's
 * program, so both backends pass exactly the same checks. The server is the
 * throwaway one tests/run.sh starts ($QONAQ_TEST_PG); a missing or
 * unreachable server FAILS every test, it is never skipped.
 */
#define CONF_PG_ONLY_TESTS 1 /* adds pg_lost_connection */
#include "conformance.h"
#include "conformance_records.h"
#include "conformance_tx.h"
#include "conformance_store.h"
#include "conformance_apps.h"
#include "conformance_ops.h"
#include "conformance_control.h"
#include "conformance_notif.h"
#include "conformance_app_queue.h"
#include "conformance_web.h"
#include "conformance_group.h"

static Suite *store_pg_suite(void)
{
    conf_pg = 1;
    Suite *s = suite_create("store_pg");
    TCase *tc = tcase_create("conformance");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, migrations_from_empty);
    tcase_add_test(tc, concurrent_migrations);
    tcase_add_test(tc, newer_schema_is_refused);
    tcase_add_test(tc, bad_urls);
    tcase_add_test(tc, accounts);
    tcase_add_test(tc, sessions_keys_attempts);
    tcase_add_test(tc, persons_documents_visas_crossings);
    tcase_add_test(tc, hosts_addresses_owners);
    tcase_add_test(tc, notifications);
    tcase_add_test(tc, notifications_bulk);
    tcase_add_test(tc, applications);
    tcase_add_test(tc, signatures_notices_violations);
    tcase_add_test(tc, cas_otp_sms_mobile);
    tcase_add_test(tc, transactions);
    tcase_add_test(tc, idempotency);
    tcase_add_test(tc, idempotency_concurrent_same_key);
    tcase_add_test(tc, audit_chain);
    tcase_add_test(tc, audit_insert_digest_matches_row);
    tcase_add_test(tc, audit_detects_deletion);
    tcase_add_test(tc, concurrent_writers);
    tcase_add_test(tc, crash_keeps_acknowledged_writes);
    tcase_add_test(tc, pool_threads);
    tcase_add_test(tc, statement_cache);
    tcase_add_test(tc, statement_error_dooms_transaction);
    tcase_add_test(tc, audited_updates_serialise);
    tcase_add_test(tc, lookups_use_their_indexes);
    tcase_add_test(tc, upgrade_from_version_1);
    tcase_add_test(tc, idempotency_pruned);
    tcase_add_test(tc, apps_workflow);
    tcase_add_test(tc, sigapi_trust_challenges_bindings);
    tcase_add_test(tc, sigapi_details_secrets_otp_sms);
    tcase_add_test(tc, control_documents_crossings_reads);
    tcase_add_test(tc, control_violations_find_count_person);
    tcase_add_test(tc, control_synth_fill_and_plans);
    tcase_add_test(tc, control_violation_refresh_and_decide);
    tcase_add_test(tc, control_selfreg_create_list_decide);
    tcase_add_test(tc, control_selfreg_end_before);
    tcase_add_test(tc, control_history_lean_and_full);
    tcase_add_test(tc, control_history_caps);
    tcase_add_test(tc, control_audit_check_event);
    tcase_add_test(tc, control_synth_citizenship_matches_fill);
    CONF_NOTIF_TESTS(tc);
    conformance_apps_add(tc);
    tcase_add_test(tc, web_verify_failures_counted_and_pruned);
    tcase_add_test(tc, group_commit_savepoints);
    tcase_add_test(tc, group_deferred_flush);
    tcase_add_test(tc, group_preferred_connection_and_checkpoint);
    tcase_add_test(tc, pg_lost_connection);
    tcase_add_test(tc, pg_server_crash);
    suite_add_tcase(s, tc);
    return s;
}

QN_TEST_MAIN(store_pg_suite)
