/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder for `sealctl ingest`. */
#include "cli/cli.h"

int seal__cmd_ingest(seal_cli *cli, int argc, char **argv)
{
    (void) argc;
    (void) argv;
    fprintf(stderr, "%s: ingest: not built yet\n", cli->prog);
    return 1;
}
