/* cmd_bin.c — `qonaq bin`: checks a business identification number and
 * decodes registration month, type and attribute; a thin adapter over
 * core/ident.h. */
#include <stdio.h>
#include <string.h>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "core/ident.h"

static const char *const CMD = "bin";

static void help(FILE *out)
{
    fprintf(out, "usage: qonaq bin BIN [--json]\n\n"
                 "Checks a 12-digit BIN (length, digits, check digit, type and attribute digits) and\n"
                 "decodes the registration year and month, the type and the attribute.\n"
                 "Exit 0 valid, 1 invalid, 2 bad arguments.\n");
}

int qn_cmd_bin(int argc, char **argv)
{
    const char *bin = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (qn_cli_is_help(argv[i])) {
            help(stdout);
            return 0;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return qn_cli_usage_error(CMD, argv[i], "unknown option");
        } else if (bin) {
            return qn_cli_usage_error(CMD, argv[i], "only one BIN may be given");
        } else {
            bin = argv[i];
        }
    }
    if (!bin)
        return qn_cli_usage_error(CMD, "BIN", "is required");
    qn_bin_info info;
    qn_bin_check(bin, strlen(bin), &info);
    if (json) {
        printf("{\"bin\": ");
        qn_cli_json_str(stdout, bin);
        printf(", \"valid\": %s, \"reason\": ", info.valid ? "true" : "false");
        qn_cli_json_str(stdout, info.valid ? NULL : info.reason);
        if (info.valid)
            printf(", \"registered\": \"%04d-%02d\", \"type\": \"%s\", \"attribute\": \"%s\"}\n", info.reg_year,
                   info.reg_month, info.type, info.attribute);
        else
            printf(", \"registered\": null, \"type\": null, \"attribute\": null}\n");
    } else if (info.valid) {
        printf("valid\nregistered: %04d-%02d\ntype: %s\nattribute: %s\n", info.reg_year, info.reg_month, info.type,
               info.attribute);
    } else {
        printf("invalid: %s\n", info.reason);
    }
    return info.valid ? 0 : 1;
}
