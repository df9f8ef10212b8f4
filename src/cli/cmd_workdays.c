/* cmd_workdays.c — `qonaq workdays`: counts Kazakhstan's working days in a
 * closed interval; a thin adapter over core/calendar.h. */
#include <stdio.h>
#include <string.h>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "core/calendar.h"

static const char *const CMD = "workdays";

static void help(FILE *out)
{
    fprintf(out, "usage: qonaq workdays --from YYYY-MM-DD --to YYYY-MM-DD [--json]\n\n"
                 "Counts the working days of Kazakhstan's five-day week from --from to --to, both\n"
                 "included (holidays, moved days off and transfer orders applied). Exit 0, or 2 on\n"
                 "bad arguments (including --to before --from).\n");
}

int qn_cmd_workdays(int argc, char **argv)
{
    qn_date_t from = QN_DATE_NONE, to = QN_DATE_NONE;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (qn_cli_is_help(argv[i])) {
            help(stdout);
            return 0;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if ((r = qn_cli_opt(CMD, argc, argv, &i, "--from", &v)) != 0) {
            if (r < 0 || !qn_cli_date(CMD, "--from", v, &from))
                return QN_CLI_USAGE;
        } else if ((r = qn_cli_opt(CMD, argc, argv, &i, "--to", &v)) != 0) {
            if (r < 0 || !qn_cli_date(CMD, "--to", v, &to))
                return QN_CLI_USAGE;
        } else {
            return qn_cli_usage_error(CMD, argv[i], "unknown argument");
        }
    }
    if (from == QN_DATE_NONE)
        return qn_cli_usage_error(CMD, "--from", "is required");
    if (to == QN_DATE_NONE)
        return qn_cli_usage_error(CMD, "--to", "is required");
    if (to < from)
        return qn_cli_usage_error(CMD, "--to", "is before --from");
    int n = qn_calendar_count_working_days(from, to);
    char a[QN_DATE_STRLEN], b[QN_DATE_STRLEN];
    if (json)
        printf("{\"from\": \"%s\", \"to\": \"%s\", \"working_days\": %d}\n", qn_date_format(from, a),
               qn_date_format(to, b), n);
    else
        printf("%d\n", n);
    return 0;
}
