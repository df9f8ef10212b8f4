/* cmd_deadline.c — PLACEHOLDER until its issue lands; replaced by the real command. */
#include <stdio.h>

#include "cli/commands.h"

int qn_cmd_deadline(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "qonaq deadline: not built yet\n");
    return 2;
}
