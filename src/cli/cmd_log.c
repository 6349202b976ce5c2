/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder for `sealctl log` until its module lands. */
#include "cli/cli.h"

int seal__cmd_log(seal_cli *cli, int argc, char **argv)
{
    (void) argc;
    (void) argv;
    fprintf(stderr, "%s: log: not built yet\n", cli->prog);
    return 1;
}
