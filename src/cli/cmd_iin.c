/* cmd_iin.c — `qonaq iin`: checks an individual identification number and
 * decodes its advisory birth date and sex; a thin adapter over core/ident.h. */
#include <stdio.h>
#include <string.h>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "core/ident.h"

static const char *const CMD = "iin";

static void help(FILE *out)
{
    fprintf(out, "usage: qonaq iin IIN [--json]\n\n"
                 "Checks a 12-digit IIN (length, digits, check digit) and decodes the birth date and\n"
                 "sex. The decoded fields are advisory: since 2013 they need not match the person.\n"
                 "Exit 0 valid, 1 invalid, 2 bad arguments.\n");
}

int qn_cmd_iin(int argc, char **argv)
{
    const char *iin = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (qn_cli_is_help(argv[i])) {
            help(stdout);
            return 0;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return qn_cli_usage_error(CMD, argv[i], "unknown option");
        } else if (iin) {
            return qn_cli_usage_error(CMD, argv[i], "only one IIN may be given");
        } else {
            iin = argv[i];
        }
    }
    if (!iin)
        return qn_cli_usage_error(CMD, "IIN", "is required");
    qn_iin_info info;
    qn_iin_check(iin, strlen(iin), &info);
    char b[QN_DATE_STRLEN];
    const char *sex = info.sex == 'M' ? "male" : info.sex == 'F' ? "female" : NULL;
    if (json) {
        printf("{\"iin\": ");
        qn_cli_json_str(stdout, iin);
        printf(", \"valid\": %s, \"reason\": ", info.valid ? "true" : "false");
        qn_cli_json_str(stdout, info.valid ? NULL : info.reason);
        printf(", \"birth_date\": ");
        qn_cli_json_date(stdout, info.birth_date);
        printf(", \"sex\": ");
        qn_cli_json_str(stdout, sex);
        printf(", \"advisory\": true}\n");
    } else if (info.valid) {
        printf("valid\n");
        if (info.has_birth_date)
            printf("birth date: %s (advisory)\n", qn_date_format(info.birth_date, b));
        if (sex)
            printf("sex: %s (advisory)\n", sex);
    } else {
        printf("invalid: %s\n", info.reason);
    }
    return info.valid ? 0 : 1;
}
