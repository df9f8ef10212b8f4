/* cli_util.c — argument parsing and JSON printing helpers (see cli_util.h). */
#include "cli/cli_util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int qn_cli_opt(const char *cmd, int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0)
        return 0;
    if (arg[n] == '=') {
        *value = arg + n + 1;
        return 1;
    }
    if (arg[n] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        qn_cli_usage_error(cmd, name, "needs a value");
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

bool qn_cli_is_help(const char *arg) { return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0; }

int qn_cli_usage_error(const char *cmd, const char *arg, const char *fmt, ...)
{
    fprintf(stderr, "qonaq %s: %s: ", cmd, arg);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see 'qonaq %s --help')\n", cmd);
    return QN_CLI_USAGE;
}

bool qn_cli_date(const char *cmd, const char *arg, const char *value, qn_date_t *out)
{
    const char *why = NULL;
    if (qn_date_parse_cstr(value, out, &why))
        return true;
    qn_cli_usage_error(cmd, arg, "'%s' %s", value, why ? why : "is not a date");
    return false;
}

bool qn_cli_int(const char *cmd, const char *arg, const char *value, long lo, long hi, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno || end == value || *end != '\0' || v < lo || v > hi) {
        qn_cli_usage_error(cmd, arg, "'%s' must be a whole number from %ld to %ld", value, lo, hi);
        return false;
    }
    *out = v;
    return true;
}

void qn_cli_json_str(FILE *out, const char *s)
{
    if (!s) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

void qn_cli_json_date(FILE *out, qn_date_t date)
{
    char buf[QN_DATE_STRLEN];
    if (date == QN_DATE_NONE)
        fputs("null", out);
    else
        fprintf(out, "\"%s\"", qn_date_format(date, buf));
}

const char *qn_cli_date_text(qn_date_t date, char buf[QN_DATE_STRLEN])
{
    if (date == QN_DATE_NONE)
        return "none";
    return qn_date_format(date, buf);
}
