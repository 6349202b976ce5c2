/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder for `sealctl stats`. */
#include "cli/cli.h"

int seal__cmd_stats(seal_cli *cli, int argc, char **argv)
{
    (void) argc;
    (void) argv;
    fprintf(stderr, "%s: stats: not built yet\n", cli->prog);
    return 1;
}
