/* cmd_migrate.c — `qonaq migrate [--db URL] [--json]`: applies the pending
 * schema migrations of the database (default: $QONAQ_DB, else
 * sqlite:var/qonaq.db) and says from which version to which. A database
 * newer than this binary is refused untouched (exit 1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "store/store.h"

static void migrate_usage(FILE *out)
{
    fprintf(out, "usage: qonaq migrate [--db URL] [--json]\n"
                 "  Applies the pending schema migrations (sqlite:PATH or postgresql://...).\n"
                 "  Default URL: $QONAQ_DB, else sqlite:var/qonaq.db.\n");
}

int qn_cmd_migrate(int argc, char **argv)
{
    const char *url = getenv("QONAQ_DB");
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            url = argv[++i];
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            url = argv[i] + 5;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            migrate_usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "qonaq migrate: unknown argument '%s'\n", argv[i]);
            migrate_usage(stderr);
            return 2;
        }
    }
    qn_err err;
    qn_err_clear(&err);
    int from = 0, to = 0;
    qn_code rc = qn_store_migrate(url, &from, &to, &err);
    if (rc != QN_OK) {
        if (json)
            printf("{\"ok\":false,\"code\":\"%s\",\"sub\":\"%s\"}\n", qn_code_name(rc), err.sub);
        fprintf(stderr, "qonaq migrate: %s\n", err.message);
        return rc == QN_E_INVALID ? 2 : 1;
    }
    if (json)
        printf("{\"ok\":true,\"from\":%d,\"to\":%d}\n", from, to);
    else if (from == to)
        printf("schema is up to date (version %d)\n", to);
    else
        printf("migrated schema from version %d to %d\n", from, to);
    return 0;
}
