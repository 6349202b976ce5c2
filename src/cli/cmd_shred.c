/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder for `sealctl shred`. */
#include "cli/cli.h"

int seal__cmd_shred(seal_cli *cli, int argc, char **argv)
{
    (void) argc;
    (void) argv;
    fprintf(stderr, "%s: shred: not built yet\n", cli->prog);
    return 1;
}
