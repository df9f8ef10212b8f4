/* cmd_audit.c — `qonaq audit verify [--db URL] [--json]`: walks the
 * hash-chained audit trail and reports whether it is intact; if not, names
 * the first broken event (edited, inserted or deleted) and exits 1.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "store/store.h"

static void audit_usage(FILE *out)
{
    fprintf(out, "usage: qonaq audit verify [--db URL] [--json]\n"
                 "  Verifies the audit chain. Exit 0 intact, 1 broken or unreadable.\n"
                 "  Default URL: $QONAQ_DB, else sqlite:var/qonaq.db.\n");
}

int qn_cmd_audit(int argc, char **argv)
{
    const char *url = getenv("QONAQ_DB");
    int json = 0, verify = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "verify") == 0) {
            verify = 1;
        } else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            url = argv[++i];
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            url = argv[i] + 5;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            audit_usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "qonaq audit: unknown argument '%s'\n", argv[i]);
            audit_usage(stderr);
            return 2;
        }
    }
    if (!verify) {
        fprintf(stderr, "qonaq audit: missing subcommand (verify)\n");
        audit_usage(stderr);
        return 2;
    }
    qn_err err;
    qn_err_clear(&err);
    qn_store *store = NULL;
    qn_store_options opt = {.pool_size = 1, .no_migrate = true};
    qn_code rc = qn_store_open(url, &opt, &store, &err);
    qn_store_conn *c = NULL;
    if (rc == QN_OK)
        rc = qn_store_acquire(store, &c, &err);
    qn_store_audit_report r;
    memset(&r, 0, sizeof r);
    if (rc == QN_OK)
        rc = qn_store_audit_verify(c, &r, &err);
    qn_store_release(c);
    qn_store_close(store);
    if (rc != QN_OK) {
        fprintf(stderr, "qonaq audit: %s\n", err.message);
        return 1;
    }
    if (json) {
        printf("{\"ok\":%s,\"events\":%" PRId64 ",\"first_broken\":%" PRId64 ",\"reason\":\"",
               r.ok ? "true" : "false", r.events, r.first_broken);
        for (const char *p = r.reason; *p != '\0'; p++)
            if (*p == '"' || *p == '\\')
                printf("\\%c", *p);
            else if ((unsigned char)*p >= 0x20)
                putchar(*p);
        printf("\"}\n");
    } else if (r.ok) {
        printf("audit chain intact: %" PRId64 " events\n", r.events);
    } else {
        printf("audit chain BROKEN at event %" PRId64 ": %s\n", r.first_broken, r.reason);
    }
    return r.ok ? 0 : 1;
}
