/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder for `sealctl cover indict` until the request lifecycle lands. */
#include "cli/cli.h"

int seal__cmd_cover_indict(seal_cli *cli, int argc, char **argv)
{
    (void) argc;
    (void) argv;
    fprintf(stderr, "%s: cover indict: not built yet\n", cli->prog);
    return 1;
}
