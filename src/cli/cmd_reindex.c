/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder for `sealctl reindex`. */
#include "cli/cli.h"

int seal__cmd_reindex(seal_cli *cli, int argc, char **argv)
{
    (void) argc;
    (void) argv;
    fprintf(stderr, "%s: reindex: not built yet\n", cli->prog);
    return 1;
}
