/* SPDX-License-Identifier: Apache-2.0 */
/* The identifier options shared by lookup and shred: --account, --email, ... */
#ifndef SEAL_CLI_IDENT_OPT_H
#define SEAL_CLI_IDENT_OPT_H

#include "sealed/schema.h"

/* Parses "--TYPE VALUE" or "--TYPE=VALUE" from argv[1..]; returns 0 and sets
 * *type and *value, or 2 after printing a usage error. */
int seal__cli_ident(const char *cmd, int argc, char **argv, seal_index_type *type,
                    const char **value);

#endif
