/* commands.h — the subcommands of the qonaq program.
 *
 * Each subcommand is a function taking the arguments after its name
 * (argv[0] is the subcommand's name) and returning the process exit status:
 * 0 success, 1 a negative answer or a failure of the operation, 2 bad
 * arguments (with a message naming the argument on stderr). Each lives in
 * its own file src/cli/cmd_<name>.c and is a thin adapter over core,
 * service, store or sign.
 */
#ifndef QN_CLI_COMMANDS_H
#define QN_CLI_COMMANDS_H

int qn_cmd_stay(int argc, char **argv);      /* stay computation (core) */
int qn_cmd_deadline(int argc, char **argv);  /* notification deadline (core) */
int qn_cmd_workdays(int argc, char **argv);  /* working days between dates (core) */
int qn_cmd_iin(int argc, char **argv);       /* IIN check and decode (core) */
int qn_cmd_bin(int argc, char **argv);       /* BIN check and decode (core) */
int qn_cmd_checklist(int argc, char **argv); /* document checklists (core) */
int qn_cmd_migrate(int argc, char **argv);   /* schema migrations (store) */
int qn_cmd_audit(int argc, char **argv);     /* audit chain verification (store) */
int qn_cmd_serve(int argc, char **argv);     /* the HTTP server (http) */
int qn_cmd_ca(int argc, char **argv);        /* demo certificate authority (sign) */
int qn_cmd_sign(int argc, char **argv);      /* signature verification (sign) */
int qn_cmd_violations(int argc, char **argv); /* violation detection (service) */

#endif
