/* cmd_checklist.c — `qonaq checklist`: the documents a service requires in a
 * case and those missing from a submission; a thin adapter over
 * core/checklist.h. */
#include <stdio.h>
#include <string.h>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "core/checklist.h"

static const char *const CMD = "checklist";

#define MAX_HAVE 64
#define MAX_LIST 1024

static void help(FILE *out)
{
    size_t n;
    const qn_checklist_service *all = qn_checklist_services(&n);
    fprintf(out, "usage: qonaq checklist --service NAME [--category C[,C...]] [--have DOC[,DOC...]] [--json]\n\n"
                 "Lists the documents the service requires in the applicant's case (--category gives\n"
                 "the conditions of the case) and, with --have, those still missing.\n"
                 "Exit 0 when nothing is missing (or without --have), 1 when --have lacks a required\n"
                 "document, 2 on bad arguments.\n\nservices and their categories:\n");
    for (size_t s = 0; s < n; s++) {
        fprintf(out, "  %-20s %s\n    categories:", all[s].name, all[s].label);
        for (unsigned bit = 1; bit; bit <<= 1)
            if (all[s].allowed & bit)
                fprintf(out, " %s", qn_checklist_condition_name(bit));
        fprintf(out, "\n    documents:");
        for (size_t i = 0; i < all[s].n_items; i++)
            fprintf(out, " %s", all[s].items[i].name);
        fprintf(out, "\n");
    }
}

/* Splits a comma list in place into parts[]; returns the count or -1 when over max. */
static int split(char *list, char **parts, int max)
{
    int n = 0;
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (n == max)
            return -1;
        parts[n++] = tok;
    }
    return n;
}

int qn_cmd_checklist(int argc, char **argv)
{
    const char *service_name = NULL, *category = NULL, *have_arg = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (qn_cli_is_help(argv[i])) {
            help(stdout);
            return 0;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if ((r = qn_cli_opt(CMD, argc, argv, &i, "--service", &v)) != 0) {
            if (r < 0)
                return QN_CLI_USAGE;
            service_name = v;
        } else if ((r = qn_cli_opt(CMD, argc, argv, &i, "--category", &v)) != 0) {
            if (r < 0)
                return QN_CLI_USAGE;
            category = v;
        } else if ((r = qn_cli_opt(CMD, argc, argv, &i, "--have", &v)) != 0) {
            if (r < 0)
                return QN_CLI_USAGE;
            have_arg = v;
        } else {
            return qn_cli_usage_error(CMD, argv[i], "unknown argument");
        }
    }
    if (!service_name)
        return qn_cli_usage_error(CMD, "--service", "is required (foreigner_temporary, citizen_temporary, "
                                                    "permanent_resident, trp)");
    const qn_checklist_service *svc = qn_checklist_find(service_name);
    if (!svc)
        return qn_cli_usage_error(CMD, "--service", "'%s' is not a service (foreigner_temporary, "
                                  "citizen_temporary, permanent_resident, trp)", service_name);
    unsigned conditions = 0;
    char cat_buf[MAX_LIST], have_buf[MAX_LIST];
    char *parts[MAX_HAVE];
    if (category) {
        if (strlen(category) >= sizeof cat_buf)
            return qn_cli_usage_error(CMD, "--category", "is too long");
        snprintf(cat_buf, sizeof cat_buf, "%s", category);
        int n = split(cat_buf, parts, MAX_HAVE);
        if (n < 0)
            return qn_cli_usage_error(CMD, "--category", "has too many items");
        for (int k = 0; k < n; k++) {
            unsigned bit;
            if (!qn_checklist_condition_parse(parts[k], &bit) || !(svc->allowed & bit))
                return qn_cli_usage_error(CMD, "--category", "'%s' is not a category of the service %s", parts[k],
                                          svc->name);
            conditions |= bit;
        }
    }
    const char *have[MAX_HAVE];
    int n_have = 0;
    if (have_arg) {
        if (strlen(have_arg) >= sizeof have_buf)
            return qn_cli_usage_error(CMD, "--have", "is too long");
        snprintf(have_buf, sizeof have_buf, "%s", have_arg);
        n_have = split(have_buf, parts, MAX_HAVE);
        if (n_have < 0)
            return qn_cli_usage_error(CMD, "--have", "has more than %d documents", MAX_HAVE);
        for (int k = 0; k < n_have; k++) {
            if (!qn_checklist_knows(svc, parts[k]))
                return qn_cli_usage_error(CMD, "--have", "'%s' is not a document of the service %s", parts[k],
                                          svc->name);
            have[k] = parts[k];
        }
    }
    const qn_checklist_item *missing[64];
    size_t n_missing = 0;
    qn_err err;
    qn_err_clear(&err);
    if (qn_checklist_missing(svc, conditions, have, (size_t)n_have, missing, 64, &n_missing, &err) != QN_OK)
        return qn_cli_usage_error(CMD, "--category", "%s", err.n_fields ? err.fields[0].reason : err.message);

    if (json) {
        printf("{\"service\": \"%s\", \"categories\": [", svc->name);
        int first = 1;
        for (unsigned bit = 1; bit; bit <<= 1)
            if (conditions & bit) {
                printf("%s\"%s\"", first ? "" : ", ", qn_checklist_condition_name(bit));
                first = 0;
            }
        printf("], \"required\": [");
        first = 1;
        for (size_t i = 0; i < svc->n_items; i++) {
            if (!qn_checklist_item_required(&svc->items[i], conditions))
                continue;
            printf("%s{\"name\": \"%s\", \"label\": ", first ? "" : ", ", svc->items[i].name);
            qn_cli_json_str(stdout, svc->items[i].label);
            printf("}");
            first = 0;
        }
        printf("], \"missing\": [");
        for (size_t i = 0; i < n_missing; i++)
            printf("%s\"%s\"", i ? ", " : "", missing[i]->name);
        printf("], \"complete\": %s}\n", n_missing == 0 ? "true" : "false");
    } else {
        printf("%s\nrequired:\n", svc->label);
        for (size_t i = 0; i < svc->n_items; i++)
            if (qn_checklist_item_required(&svc->items[i], conditions))
                printf("  %-36s %s\n", svc->items[i].name, svc->items[i].label);
        if (have_arg) {
            printf("missing:%s\n", n_missing ? "" : " none");
            for (size_t i = 0; i < n_missing; i++)
                printf("  %-36s %s\n", missing[i]->name, missing[i]->label);
        }
    }
    return have_arg && n_missing > 0 ? 1 : 0;
}
