/* qn_test.c — shared helpers of the test programs (see qn_test.h). */
#include "support/qn_test.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

qn_date_t qn_test_date(const char *iso)
{
    qn_date_t d;
    const char *why = NULL;
    if (!qn_date_parse_cstr(iso, &d, &why))
        ck_abort_msg("test date literal '%s' %s", iso, why);
    return d;
}

const char *qn_test_tmpdir(void)
{
    static char dir[PATH_MAX];
    if (dir[0] == '\0') {
        const char *base = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/qonaq-test-XXXXXX", base && *base ? base : "/tmp");
        if (mkdtemp(dir) == NULL) {
            perror("mkdtemp");
            abort();
        }
    }
    return dir;
}

const char *qn_test_env(const char *name, int need)
{
    const char *v = getenv(name);
    if ((v == NULL || *v == '\0') && need)
        ck_abort_msg("environment variable %s is not set (tests/run.sh sets it)", name);
    return (v && *v) ? v : NULL;
}
