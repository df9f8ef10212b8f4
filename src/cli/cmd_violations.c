/* cmd_violations.c — `qonaq violations detect [--db URL] [--on DATE]
 * [--json]`: the detection run of stay-control violations as the system
 * (service/violations.h): missing notifications (art. 518) and overstays
 * (art. 517) from the crossings on record, as of DATE (default today in
 * Kazakhstan). Idempotent: a second run records nothing twice. Meant for a
 * daily timer (docs/control_api.md). Exit 0 on success, 1 on a failure of
 * the run, 2 on bad arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "service/service.h"
#include "service/violations.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: qonaq violations detect [--db URL] [--on YYYY-MM-DD] [--json]\n"
                 "  Records art. 518 (missing notification) and art. 517 (overstay) violations\n"
                 "  found in the crossings on record; running it twice records nothing twice.\n"
                 "  Default URL: $QONAQ_DB, else sqlite:var/qonaq.db.\n");
}

int qn_cmd_violations(int argc, char **argv)
{
    const char *cmd = "violations";
    if (argc < 2 || qn_cli_is_help(argv[1])) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? QN_CLI_USAGE : 0;
    }
    if (strcmp(argv[1], "detect") != 0)
        return qn_cli_usage_error(cmd, argv[1], "unknown action (only detect)");
    const char *url = getenv("QONAQ_DB");
    qn_date_t on = QN_DATE_NONE;
    bool json = false;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (qn_cli_is_help(argv[i])) {
            usage(stdout);
            return 0;
        } else if ((r = qn_cli_opt(cmd, argc, argv, &i, "--db", &v)) != 0) {
            if (r < 0)
                return QN_CLI_USAGE;
            url = v;
        } else if ((r = qn_cli_opt(cmd, argc, argv, &i, "--on", &v)) != 0) {
            if (r < 0 || !qn_cli_date(cmd, "--on", v, &on))
                return QN_CLI_USAGE;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else {
            return qn_cli_usage_error(cmd, argv[i], "unknown argument");
        }
    }
    qn_service_config cfg = {.db_url = url, .pool_size = 1};
    qn_service *svc = NULL;
    qn_err e;
    qn_err_clear(&e);
    if (qn_service_new(&cfg, &svc, &e) != QN_OK) {
        fprintf(stderr, "qonaq violations: %s\n", e.message);
        return 1;
    }
    qn_principal system = {0};
    snprintf(system.username, sizeof system.username, "system");
    qn_svc_ctx ctx;
    qn_svc_ctx_system(&ctx, svc, &system);
    qn_detect_report r;
    qn_code rc = qn_svc_violations_detect(&ctx, on, &r, &e);
    qn_service_free(svc);
    if (rc != QN_OK) {
        fprintf(stderr, "qonaq violations: %s\n", e.message);
        for (size_t i = 0; i < e.n_fields; i++)
            fprintf(stderr, "  %s: %s\n", e.fields[i].field, e.fields[i].reason);
        return rc == QN_E_INVALID ? QN_CLI_USAGE : 1;
    }
    char d1[QN_DATE_STRLEN], d2[QN_DATE_STRLEN];
    if (json)
        printf("{\"on\":\"%s\",\"from\":\"%s\",\"missing_created\":%zu,\"missing_known\":%zu,"
               "\"not_due\":%zu,\"superseded_by_late\":%zu,\"overstay_checked\":%zu,\"overstay_created\":%zu,"
               "\"overstay_known\":%zu}\n",
               qn_cli_date_text(r.on, d1), qn_cli_date_text(r.from, d2), r.missing_created, r.missing_known,
               r.pending, r.superseded, r.entries_checked, r.overstay_created, r.overstay_known);
    else
        printf("detection as of %s (entries from %s): art. 518 missing notification: %zu new, %zu "
               "already recorded, %zu not due, %zu closed as the notification came late; art. 517 overstay: "
               "%zu entries checked, %zu new, %zu "
               "already recorded\n",
               qn_cli_date_text(r.on, d1), qn_cli_date_text(r.from, d2), r.missing_created, r.missing_known,
               r.pending, r.superseded, r.entries_checked, r.overstay_created, r.overstay_known);
    return 0;
}
