/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder for `sealctl address` until its module lands. */
#include "cli/cli.h"

int seal__cmd_address(seal_cli *cli, int argc, char **argv)
{
    (void) argc;
    (void) argv;
    fprintf(stderr, "%s: address: not built yet\n", cli->prog);
    return 1;
}
