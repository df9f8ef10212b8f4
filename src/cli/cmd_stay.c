/* cmd_stay.c — PLACEHOLDER until its issue lands; replaced by the real command. */
#include <stdio.h>

#include "cli/commands.h"

int qn_cmd_stay(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "qonaq stay: not built yet\n");
    return 2;
}
