/* cmd_ca.c — PLACEHOLDER until its issue lands; replaced by the real command. */
#include <stdio.h>

#include "cli/commands.h"

int qn_cmd_ca(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "qonaq ca: not built yet\n");
    return 2;
}
