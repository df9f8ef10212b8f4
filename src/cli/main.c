/* main.c — the qonaq program: dispatches to one subcommand per file.
 *
 * The CLI is a thin adapter: each subcommand parses its arguments, calls
 * the layer that does the work and prints the result (readable by default,
 * one JSON object with --json). Exit status: 0 ok, 1 negative answer or
 * failure, 2 bad arguments.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"serve", qn_cmd_serve, "run the HTTP API and web portal"},
    {"migrate", qn_cmd_migrate, "apply the database schema migrations"},
    {"stay", qn_cmd_stay, "compute days used, days left and the last lawful day of a stay"},
    {"deadline", qn_cmd_deadline, "the deadline to notify an arrival (3 working days)"},
    {"workdays", qn_cmd_workdays, "count working days between two dates"},
    {"iin", qn_cmd_iin, "check and decode an individual identification number"},
    {"bin", qn_cmd_bin, "check and decode a business identification number"},
    {"checklist", qn_cmd_checklist, "required and missing documents of a service"},
    {"audit", qn_cmd_audit, "verify the hash-chained audit trail"},
    {"ca", qn_cmd_ca, "create a demo certificate authority with demo certificates"},
    {"sign", qn_cmd_sign, "verify a stored or given electronic signature"},
    {"violations", qn_cmd_violations, "detect missing notifications and overstays (stay control)"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: qonaq COMMAND [OPTIONS]\n\n"
                 "qonaq — migration registration: arrival notifications, registration at a place\n"
                 "of residence, stay limits and their control.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'qonaq COMMAND --help' describes a command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "qonaq: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
