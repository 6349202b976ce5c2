/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sealctl's shared state and its commands. Each command lives in
 * src/cli/cmd_<name>.c, gets argv starting at its own name, and returns the
 * process exit status (0 ok, 1 failure, 2 usage). Commands print; the library
 * does not.
 */
#ifndef SEAL_CLI_H
#define SEAL_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sealed/status.h"

typedef struct seal_cli {
    const char *prog;      /* "sealctl" */
    const char *data_dir;  /* --data, $SEALED_DATA, else "./var" */
    const char *principal; /* --as, $SEALED_PRINCIPAL; may be NULL */
    int64_t now;           /* --now / $SEALED_NOW as unix seconds; 0 = the clock */
    const char *now_from;  /* "--now" or "SEALED_NOW" when now is set */
    bool quiet;            /* --quiet: no progress output */
} seal_cli;

typedef int (*seal_cli_fn)(seal_cli *cli, int argc, char **argv);

typedef struct seal_cli_command {
    const char *name;
    seal_cli_fn fn;
    const char *summary;
} seal_cli_command;

/* Prints "sealctl: <what>: <message>" to stderr; returns 1. */
int seal__cli_fail(const seal_cli *cli, const char *what, const seal_error *err);
/* Prints "sealctl: <msg>" and the hint to use --help; returns 2. */
int seal__cli_usage(const seal_cli *cli, const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* True when argv holds -h or --help before any "--". */
bool seal__cli_wants_help(int argc, char **argv);
/* Takes DIR's writer lock (core/dirlock.h) shared, for the rest of the
 * process; create: make DIR/lock if missing. 0, or 1 after printing
 * "sealctl: DIR is served by sealed (PID N): use the API or stop it" when
 * a daemon serves DIR (or another failure). */
int seal__cli_writer_lock(const seal_cli *cli, const char *dir, bool create);
/* Current time for this invocation (honours --now). */
int64_t seal__cli_now(const seal_cli *cli);

int seal__cmd_init(seal_cli *cli, int argc, char **argv);
int seal__cmd_ingest(seal_cli *cli, int argc, char **argv);
int seal__cmd_stats(seal_cli *cli, int argc, char **argv);
int seal__cmd_lookup(seal_cli *cli, int argc, char **argv);
int seal__cmd_shred(seal_cli *cli, int argc, char **argv);
int seal__cmd_reindex(seal_cli *cli, int argc, char **argv);
int seal__cmd_keys(seal_cli *cli, int argc, char **argv);
int seal__cmd_config(seal_cli *cli, int argc, char **argv);
int seal__cmd_gen(seal_cli *cli, int argc, char **argv);
int seal__cmd_log(seal_cli *cli, int argc, char **argv);
int seal__cmd_address(seal_cli *cli, int argc, char **argv);

int seal__cmd_request(seal_cli *cli, int argc, char **argv);
int seal__cmd_policy(seal_cli *cli, int argc, char **argv);
int seal__cmd_order(seal_cli *cli, int argc, char **argv);
/* `sealctl cover ...` (src/cli/cmd_cover.c) hands `cover indict` to this one
 * (src/cli/cmd_cover_indict.c), which belongs with the request lifecycle. */
int seal__cmd_cover(seal_cli *cli, int argc, char **argv);
int seal__cmd_cover_indict(seal_cli *cli, int argc, char **argv);
/* retention (src/cli/cmd_retain.c, src/cli/cmd_cover_retain.c) */
int seal__cmd_retain(seal_cli *cli, int argc, char **argv);
int seal__cmd_cover_improper(seal_cli *cli, int argc, char **argv);
int seal__cmd_cover_returned(seal_cli *cli, int argc, char **argv);
/* registries of the legal process (src/cli/cmd_registry.c) */
int seal__cmd_agency(seal_cli *cli, int argc, char **argv);
int seal__cmd_issuer(seal_cli *cli, int argc, char **argv);
int seal__cmd_principal(seal_cli *cli, int argc, char **argv);
int seal__cmd_protect(seal_cli *cli, int argc, char **argv);
int seal__cmd_produce(seal_cli *cli, int argc, char **argv);
int seal__cmd_token(seal_cli *cli, int argc, char **argv);
int seal__cmd_access(seal_cli *cli, int argc, char **argv);
int seal__cmd_amend(seal_cli *cli, int argc, char **argv);
int seal__cmd_backup(seal_cli *cli, int argc, char **argv);

#endif
