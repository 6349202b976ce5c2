/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder for `sealctl cover` until the matcher lands. */
#include <string.h>

#include "cli/cli.h"

int seal__cmd_cover(seal_cli *cli, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "indict") == 0) {
        return seal__cmd_cover_indict(cli, argc - 1, argv + 1);
    }
    fprintf(stderr, "%s: cover: not built yet\n", cli->prog);
    return 1;
}
