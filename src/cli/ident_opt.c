/* SPDX-License-Identifier: Apache-2.0 */
/* Parsing of one exact identifier from the command line. */
#include <stdio.h>
#include <string.h>

#include "cli/ident_opt.h"

int seal__cli_ident(const char *cmd, int argc, char **argv, seal_index_type *type,
                    const char **value)
{
    int found = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0) {
            fprintf(stderr, "sealctl: %s: unexpected argument (see `sealctl %s --help`)\n", cmd,
                    cmd);
            return 2;
        }
        const char *eq = strchr(a, '=');
        char name[32];
        size_t n = eq != NULL ? (size_t) (eq - a - 2) : strlen(a + 2);
        if (n >= sizeof(name)) {
            n = sizeof(name) - 1;
        }
        memcpy(name, a + 2, n);
        name[n] = '\0';
        seal_index_type t;
        if (seal_index_type_parse(name, &t) != SEAL_OK) {
            fprintf(stderr,
                    "sealctl: %s: unknown option '--%s' (use one of --account, --email, "
                    "--phone, --address, --tracking)\n",
                    cmd, name);
            return 2;
        }
        const char *v = eq != NULL ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (v == NULL || v[0] == '\0') {
            fprintf(stderr, "sealctl: %s: --%s needs a value\n", cmd, name);
            return 2;
        }
        if (found++) {
            fprintf(stderr, "sealctl: %s: give exactly one identifier\n", cmd);
            return 2;
        }
        *type = t;
        *value = v;
    }
    if (!found) {
        fprintf(stderr, "sealctl: %s: needs one identifier (see `sealctl %s --help`)\n", cmd, cmd);
        return 2;
    }
    return 0;
}
