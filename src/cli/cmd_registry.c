/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholders for the registries until the request lifecycle lands. */
#include "cli/cli.h"

static int not_yet(seal_cli *cli, const char *what)
{
    fprintf(stderr, "%s: %s: not built yet\n", cli->prog, what);
    return 1;
}

int seal__cmd_agency(seal_cli *cli, int argc, char **argv)
{
    (void) argc;
    (void) argv;
    return not_yet(cli, "agency");
}

int seal__cmd_issuer(seal_cli *cli, int argc, char **argv)
{
    (void) argc;
    (void) argv;
    return not_yet(cli, "issuer");
}

int seal__cmd_principal(seal_cli *cli, int argc, char **argv)
{
    (void) argc;
    (void) argv;
    return not_yet(cli, "principal");
}

int seal__cmd_protect(seal_cli *cli, int argc, char **argv)
{
    (void) argc;
    (void) argv;
    return not_yet(cli, "protect");
}
