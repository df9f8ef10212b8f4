/* cmd_deadline.c — `qonaq deadline`: the host's deadline to notify an
 * arrival; a thin adapter over core/deadline.h. */
#include <stdio.h>
#include <string.h>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "core/calendar.h"
#include "core/deadline.h"

static const char *const CMD = "deadline";

static void help(FILE *out)
{
    fprintf(out,
            "usage: qonaq deadline --arrival YYYY-MM-DD [--working-days N] [--from-next-day] [--json]\n\n"
            "Prints the last day on which the host may notify the police of a foreigner's arrival:\n"
            "within 3 working days (Decree 148 para. 9), the arrival day being working day 1 when it\n"
            "is a working day. --from-next-day starts counting on the day after arrival instead.\n"
            "The deadline ends at 23:59:59 Kazakhstan time. Exit 0, or 2 on bad arguments.\n");
}

static const char *coverage_name(qn_calendar_coverage_t c)
{
    return c == QN_CAL_CONFIRMED ? "confirmed" : c == QN_CAL_PARTIAL ? "partial" : "rules_only";
}

int qn_cmd_deadline(int argc, char **argv)
{
    qn_date_t arrival = QN_DATE_NONE;
    qn_deadline_rule rule = qn_deadline_rule_default();
    bool json = false;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (qn_cli_is_help(argv[i])) {
            help(stdout);
            return 0;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[i], "--from-next-day") == 0) {
            rule.counting = QN_COUNT_NEXT_DAY;
        } else if ((r = qn_cli_opt(CMD, argc, argv, &i, "--arrival", &v)) != 0) {
            if (r < 0 || !qn_cli_date(CMD, "--arrival", v, &arrival))
                return QN_CLI_USAGE;
        } else if ((r = qn_cli_opt(CMD, argc, argv, &i, "--working-days", &v)) != 0) {
            long n;
            if (r < 0 || !qn_cli_int(CMD, "--working-days", v, 1, QN_DEADLINE_MAX_WORKING_DAYS, &n))
                return QN_CLI_USAGE;
            rule.working_days = (int)n;
        } else {
            return qn_cli_usage_error(CMD, argv[i], "unknown argument");
        }
    }
    if (arrival == QN_DATE_NONE)
        return qn_cli_usage_error(CMD, "--arrival", "is required");
    qn_date_t deadline;
    qn_err err;
    qn_err_clear(&err);
    if (qn_deadline_compute(arrival, &rule, &deadline, &err) != QN_OK)
        return qn_cli_usage_error(CMD, "--working-days", "%s", err.n_fields ? err.fields[0].reason : err.message);
    int year;
    qn_date_to_ymd(deadline, &year, NULL, NULL);
    char a[QN_DATE_STRLEN], d[QN_DATE_STRLEN];
    if (json) {
        printf("{\"arrival\": \"%s\", \"deadline\": \"%s\", \"working_days\": %d, \"counting\": \"%s\", "
               "\"ends_at_epoch\": %lld, \"calendar_coverage\": \"%s\"}\n",
               qn_date_format(arrival, a), qn_date_format(deadline, d), rule.working_days,
               rule.counting == QN_COUNT_NEXT_DAY ? "next_day" : "arrival_day",
               (long long)qn_date_end_epoch_kz(deadline), coverage_name(qn_calendar_coverage(year)));
    } else {
        printf("%s\n", qn_date_format(deadline, d));
    }
    return 0;
}
