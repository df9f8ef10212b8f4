/* cmd_stay.c — `qonaq stay`: days used, days left, the last lawful day and
 * the other figures of a foreigner's stay; a thin adapter over core/stay.h.
 * Trips are positional arguments "ENTRY..EXIT" or "ENTRY.." (still in the
 * country); core errors about trips[i] are reported as "TRIP i+1". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "core/stay.h"

static const char *const CMD = "stay";

static void help(FILE *out)
{
    fprintf(out,
            "usage: qonaq stay --citizenship CCC [--on YYYY-MM-DD] [--visa-until YYYY-MM-DD]\n"
            "                  [--permit FROM..TO]... [--from-next-day] [--json] TRIP...\n\n"
            "TRIP is ENTRY..EXIT or ENTRY.. (still in the country), dates as YYYY-MM-DD; the entry\n"
            "and exit days both count, a day shared by an exit and a re-entry counts once.\n"
            "--citizenship  ISO 3166-1 alpha-3 code (XXA = stateless); selects the regime\n"
            "--on           reference date (default: today in Kazakhstan)\n"
            "--visa-until   last day of the visa of the current entry\n"
            "--permit       a granted temporary residence permit or extended visa period\n"
            "--from-next-day  count the notification deadline from the day after arrival\n"
            "Prints the regime, days used in the 180-day window ending on --on, days left, the last\n"
            "lawful day if staying on, overstay days, whether a TRP is required, and the host's\n"
            "notification deadline. Exit 0, or 2 on bad arguments (naming the argument).\n");
}

/* Parses "A..B" or "A.." (open_end allowed) into from/to. */
static bool parse_range(const char *text, bool open_end, qn_date_t *from, qn_date_t *to, const char **why)
{
    const char *dots = strstr(text, "..");
    if (!dots) {
        *why = "must be written ENTRY..EXIT or ENTRY..";
        return false;
    }
    if (!qn_date_parse(text, (size_t)(dots - text), from, why))
        return false;
    const char *rest = dots + 2;
    if (*rest == '\0') {
        if (!open_end) {
            *why = "needs an end date (FROM..TO)";
            return false;
        }
        *to = QN_DATE_NONE;
        return true;
    }
    return qn_date_parse_cstr(rest, to, why);
}

static void print_json(const qn_stay_input *in, const qn_stay_result *r)
{
    printf("{\"citizenship\": ");
    qn_cli_json_str(stdout, in->citizenship);
    printf(", \"on\": ");
    qn_cli_json_date(stdout, in->on);
    printf(", \"regime\": ");
    qn_cli_json_str(stdout, r->regime.name);
    printf(", \"regime_label\": ");
    qn_cli_json_str(stdout, r->regime.label);
    printf(", \"regime_confirmed\": %s, \"per_entry_days\": %d, ", r->regime.confirmed ? "true" : "false",
           r->regime.per_entry_days);
    if (r->regime.cap_days > 0)
        printf("\"cap_days\": %d, ", r->regime.cap_days);
    else
        printf("\"cap_days\": null, ");
    printf("\"is_present\": %s, \"current_entry\": ", r->is_present ? "true" : "false");
    qn_cli_json_date(stdout, r->current_entry);
    printf(", \"window_start\": ");
    qn_cli_json_date(stdout, r->window_start);
    printf(", \"days_used\": %d, \"days_left\": ", r->days_used);
    if (r->days_left < 0)
        printf("null");
    else
        printf("%d", r->days_left);
    printf(", \"excess_days\": %d, \"last_lawful_day\": ", r->excess_days);
    qn_cli_json_date(stdout, r->last_lawful_day);
    printf(", \"days_allowed_this_entry\": ");
    if (r->days_allowed_this_entry < 0)
        printf("null");
    else
        printf("%d", r->days_allowed_this_entry);
    printf(", \"limited_by\": ");
    qn_cli_json_str(stdout, r->limited_by);
    printf(", \"overstay_days\": %d, \"first_breach\": ", r->overstay_days);
    qn_cli_json_date(stdout, r->first_breach);
    printf(", \"permit_required\": %s, \"permit_needed_from\": ", r->permit_required ? "true" : "false");
    qn_cli_json_date(stdout, r->permit_needed_from);
    printf(", \"notification_deadline\": ");
    qn_cli_json_date(stdout, r->notification_deadline);
    printf(", \"registration_needed_from\": ");
    qn_cli_json_date(stdout, r->registration_needed_from);
    printf(", \"self_registration_deadline\": ");
    qn_cli_json_date(stdout, r->self_registration_deadline);
    printf("}\n");
}

static void print_text(const qn_stay_input *in, const qn_stay_result *r)
{
    char a[QN_DATE_STRLEN], b[QN_DATE_STRLEN];
    printf("citizenship %s on %s\n", in->citizenship, qn_date_format(in->on, a));
    printf("regime: %s (%s)%s\n", r->regime.name, r->regime.label, r->regime.confirmed ? "" : " [UNCONFIRMED]");
    printf("in the country: %s\n", r->is_present ? "yes" : "no");
    if (r->days_left >= 0)
        printf("days used in %s..%s: %d of %d, %d left\n", qn_date_format(r->window_start, a),
               qn_date_format(in->on, b), r->days_used, r->regime.cap_days, r->days_left);
    else
        printf("days in %s..%s: %d (no rolling cap)\n", qn_date_format(r->window_start, a),
               qn_date_format(in->on, b), r->days_used);
    if (r->current_entry != QN_DATE_NONE) {
        if (r->last_lawful_day != QN_DATE_NONE)
            printf("last lawful day if staying on: %s (limited by %s; %d days from the entry on %s)\n",
                   qn_date_format(r->last_lawful_day, a), r->limited_by, r->days_allowed_this_entry,
                   qn_date_format(r->current_entry, b));
        else
            printf("last lawful day if staying on: unknown (give --visa-until)\n");
        printf("overstay days: %d\n", r->overstay_days);
        printf("temporary residence permit required: %s", r->permit_required ? "yes" : "no");
        if (r->permit_needed_from != QN_DATE_NONE)
            printf(" (needed from %s)", qn_date_format(r->permit_needed_from, a));
        printf("\nhost's notification deadline: %s\n", qn_cli_date_text(r->notification_deadline, a));
        if (r->self_registration_deadline != QN_DATE_NONE)
            printf("self-registration deadline: %s\n", qn_date_format(r->self_registration_deadline, a));
    }
    if (r->first_breach != QN_DATE_NONE)
        printf("first unlawful day: %s\n", qn_date_format(r->first_breach, a));
}

int qn_cmd_stay(int argc, char **argv)
{
    qn_stay_input in;
    qn_stay_input_init(&in);
    bool json = false;
    qn_deadline_rule rule = qn_deadline_rule_default();
    qn_trip *trips = calloc((size_t)argc, sizeof *trips);
    const char **trip_text = calloc((size_t)argc, sizeof *trip_text);
    qn_stay_period permits[QN_STAY_MAX_PERMITS];
    size_t n_trips = 0, n_permits = 0;
    int rc = QN_CLI_USAGE;
    if (!trips || !trip_text) {
        fprintf(stderr, "qonaq stay: out of memory\n");
        rc = 1;
        goto done;
    }
    for (int i = 1; i < argc; i++) {
        const char *v = NULL, *why = NULL;
        int r;
        if (qn_cli_is_help(argv[i])) {
            help(stdout);
            rc = 0;
            goto done;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[i], "--from-next-day") == 0) {
            rule.counting = QN_COUNT_NEXT_DAY;
        } else if ((r = qn_cli_opt(CMD, argc, argv, &i, "--citizenship", &v)) != 0) {
            if (r < 0)
                goto done;
            if (!qn_regime_code_is_valid(v)) {
                qn_cli_usage_error(CMD, "--citizenship", "'%s' must be an ISO 3166-1 alpha-3 code such as DEU "
                                   "(XXA for stateless persons)", v);
                goto done;
            }
            in.citizenship = v;
        } else if ((r = qn_cli_opt(CMD, argc, argv, &i, "--on", &v)) != 0) {
            if (r < 0 || !qn_cli_date(CMD, "--on", v, &in.on))
                goto done;
        } else if ((r = qn_cli_opt(CMD, argc, argv, &i, "--visa-until", &v)) != 0) {
            if (r < 0 || !qn_cli_date(CMD, "--visa-until", v, &in.visa_until))
                goto done;
        } else if ((r = qn_cli_opt(CMD, argc, argv, &i, "--permit", &v)) != 0) {
            if (r < 0)
                goto done;
            if (n_permits == QN_STAY_MAX_PERMITS) {
                qn_cli_usage_error(CMD, "--permit", "at most %d permit periods", QN_STAY_MAX_PERMITS);
                goto done;
            }
            if (!parse_range(v, false, &permits[n_permits].from, &permits[n_permits].to, &why)) {
                qn_cli_usage_error(CMD, "--permit", "'%s' %s", v, why);
                goto done;
            }
            if (permits[n_permits].to < permits[n_permits].from) {
                qn_cli_usage_error(CMD, "--permit", "'%s' ends before it starts", v);
                goto done;
            }
            n_permits++;
        } else if (argv[i][0] == '-' && argv[i][1] == '-') {
            qn_cli_usage_error(CMD, argv[i], "unknown option");
            goto done;
        } else {
            char name[32];
            snprintf(name, sizeof name, "TRIP %zu", n_trips + 1);
            if (!parse_range(argv[i], true, &trips[n_trips].entry, &trips[n_trips].exit, &why)) {
                qn_cli_usage_error(CMD, name, "'%s' %s", argv[i], why);
                goto done;
            }
            trip_text[n_trips++] = argv[i];
        }
    }
    if (!in.citizenship) {
        qn_cli_usage_error(CMD, "--citizenship", "is required");
        goto done;
    }
    if (n_trips > QN_STAY_MAX_TRIPS) {
        qn_cli_usage_error(CMD, "TRIP", "at most %d trips are accepted", QN_STAY_MAX_TRIPS);
        goto done;
    }
    if (in.on == QN_DATE_NONE)
        in.on = qn_date_from_epoch_kz((int64_t)time(NULL));
    in.trips = trips;
    in.n_trips = n_trips;
    in.permits = permits;
    in.n_permits = n_permits;
    in.deadline_rule = &rule;

    qn_stay_result result;
    qn_err err;
    qn_err_clear(&err);
    qn_code code = qn_stay_compute(&in, &result, &err);
    if (code == QN_E_INVALID || code == QN_E_TOO_LARGE) {
        if (err.n_fields == 0) {
            qn_cli_usage_error(CMD, "TRIP", "%s", err.message);
            goto done;
        }
        for (size_t f = 0; f < err.n_fields; f++) {
            size_t idx;
            char name[64];
            if (sscanf(err.fields[f].field, "trips[%zu]", &idx) == 1 && idx < n_trips)
                snprintf(name, sizeof name, "TRIP %zu (%s)", idx + 1, trip_text[idx]);
            else if (sscanf(err.fields[f].field, "permits[%zu]", &idx) == 1)
                snprintf(name, sizeof name, "--permit %zu", idx + 1);
            else
                snprintf(name, sizeof name, "--%s", err.fields[f].field);
            /* Name the trips in the reason as the user wrote them, too. */
            char reason[256];
            const char *p = err.fields[f].reason, *t = strstr(p, "trips[");
            const char *close = t ? strchr(t, ']') : NULL;
            if (close && sscanf(t, "trips[%zu]", &idx) == 1 && idx < n_trips)
                snprintf(reason, sizeof reason, "%.*sTRIP %zu%s", (int)(t - p), p, idx + 1, close + 1);
            else
                snprintf(reason, sizeof reason, "%s", p);
            qn_cli_usage_error(CMD, name, "%s", reason);
        }
        goto done;
    }
    if (code != QN_OK) {
        fprintf(stderr, "qonaq stay: %s\n", err.message);
        rc = 1;
        goto done;
    }
    if (json)
        print_json(&in, &result);
    else
        print_text(&in, &result);
    rc = 0;
done:
    free(trips);
    free(trip_text);
    return rc;
}
