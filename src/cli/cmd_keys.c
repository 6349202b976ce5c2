/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder for `sealctl keys`. */
#include "cli/cli.h"

int seal__cmd_keys(seal_cli *cli, int argc, char **argv)
{
    (void) argc;
    (void) argv;
    fprintf(stderr, "%s: keys: not built yet\n", cli->prog);
    return 1;
}
