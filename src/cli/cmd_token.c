/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `sealctl token issue PRINCIPAL`: makes the bearer token with which a
 * registered principal authenticates to the daemon (sealed, docs/server.md).
 * The token is printed once, on standard output; only its SHA-256 is kept
 * (DATA/tokens.db, src/store/tokens.h). Issuing again replaces the
 * principal's old token, so this is also how a token is revoked.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "sealed/registry.h"
#include "store/tokens.h"

static const char help[] =
    "usage: sealctl [--data DIR] token issue PRINCIPAL\n\n"
    "Makes a new bearer token (256 random bits, 64 hex digits) for a registered\n"
    "principal and prints it once on standard output. Only its SHA-256 is stored\n"
    "(DIR/tokens.db); the token cannot be shown again. One token per principal:\n"
    "issuing a new one revokes the old. Clients send it to sealed as\n"
    "  Authorization: Bearer TOKEN\n"
    "and act as that principal, with its agency and roles.\n\n"
    "exit status: 0 issued; 1 the principal is not registered or the data\n"
    "directory cannot be written; 2 usage error.\n";

static int issue(seal_cli *cli, const char *principal)
{
    seal_error err;
    seal_error_init(&err);
    seal_registry *reg = NULL;
    seal_tokens_backend *tb = NULL;
    char token[SEAL_TOKEN_HEX];
    int rc = 0;
    /* opening the registry as the principal proves it is registered */
    if (seal_registry_open(cli->data_dir, principal, seal__cli_now(cli), &reg, &err) != SEAL_OK) {
        rc = seal__cli_fail(cli, "token issue", &err);
        goto out;
    }
    if (seal__sqlite_tokens.open(cli->data_dir, &tb, &err) != SEAL_OK ||
        seal__token_issue(tb, principal, seal__cli_now(cli), token, &err) != SEAL_OK) {
        rc = seal__cli_fail(cli, "token issue", &err);
        goto out;
    }
    printf("%s\n", token);
    memset(token, 0, sizeof(token));
out:
    seal__sqlite_tokens.close(tb);
    seal_registry_close(reg);
    return rc;
}

int seal__cmd_token(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    if (argc < 2) {
        fputs(help, stderr);
        return 2;
    }
    if (strcmp(argv[1], "issue") != 0) {
        return seal__cli_usage(cli, "token", "unknown subcommand '%s'", argv[1]);
    }
    if (argc != 3 || !seal_id_valid(argv[2])) {
        return seal__cli_usage(cli, "token issue", "needs one PRINCIPAL id");
    }
    return issue(cli, argv[2]);
}
