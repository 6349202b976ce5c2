/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder for `sealctl lookup`. */
#include "cli/cli.h"

int seal__cmd_lookup(seal_cli *cli, int argc, char **argv)
{
    (void) argc;
    (void) argv;
    fprintf(stderr, "%s: lookup: not built yet\n", cli->prog);
    return 1;
}
