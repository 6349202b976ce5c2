/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder for `sealctl init`. */
#include "cli/cli.h"

int seal__cmd_init(seal_cli *cli, int argc, char **argv)
{
    (void) argc;
    (void) argv;
    fprintf(stderr, "%s: init: not built yet\n", cli->prog);
    return 1;
}
