/* cli_util.h — argument parsing and JSON printing shared by the core
 * subcommands (stay, deadline, workdays, iin, bin, checklist).
 *
 * Options take the forms "--name VALUE" and "--name=VALUE". Errors go to
 * stderr as "qonaq CMD: ARGUMENT: reason" and the command exits 2, so every
 * message names the argument. JSON is printed with fprintf; strings go
 * through qn_cli_json_str, which escapes quotes, backslashes and control
 * characters (input is passed through byte for byte otherwise, so UTF-8
 * stays UTF-8).
 */
#ifndef QN_CLI_UTIL_H
#define QN_CLI_UTIL_H

#include <stdbool.h>
#include <stdio.h>

#include "core/date.h"

#define QN_CLI_USAGE 2

/* Matches argv[*i] against option `name` ("--on"). Returns 0 when it is not
 * that option, 1 with *value set (advancing *i past a separate value), -1
 * when the value is missing (a message has been printed). */
int qn_cli_opt(const char *cmd, int argc, char **argv, int *i, const char *name, const char **value);

/* True for "--help" and "-h". */
bool qn_cli_is_help(const char *arg);

/* Prints "qonaq CMD: ARG: <message>" to stderr and returns QN_CLI_USAGE. */
int qn_cli_usage_error(const char *cmd, const char *arg, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Parses a date option's value; on failure prints the error naming `arg`. */
bool qn_cli_date(const char *cmd, const char *arg, const char *value, qn_date_t *out);

/* Parses a whole number in [lo, hi]; on failure prints the error naming `arg`. */
bool qn_cli_int(const char *cmd, const char *arg, const char *value, long lo, long hi, long *out);

/* Writes s as a JSON string (with quotes); NULL prints null. */
void qn_cli_json_str(FILE *out, const char *s);

/* Writes a date as a JSON string, or null for QN_DATE_NONE. */
void qn_cli_json_date(FILE *out, qn_date_t date);

/* Formats a date, or "none" for QN_DATE_NONE, into buf. */
const char *qn_cli_date_text(qn_date_t date, char buf[QN_DATE_STRLEN]);

#endif
