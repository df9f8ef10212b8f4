/* cmd_sign.c — PLACEHOLDER until its issue lands; replaced by the real command. */
#include <stdio.h>

#include "cli/commands.h"

int qn_cmd_sign(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "qonaq sign: not built yet\n");
    return 2;
}
