/* SPDX-License-Identifier: Apache-2.0 */
/* `sealctl shred`: crypto-shreds one subject. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/ident_opt.h"
#include "sealed/store.h"

static const char help[] =
    "usage: sealctl [--data DIR] shred [--yes] --account ID | --address 'ONE LINE ADDRESS'\n\n"
    "Crypto-shreds one subject: deletes its data key from the key store, and its\n"
    "blind-index rows and records from the record store, in one transaction.\n"
    "Backups taken before hold its records only as ciphertext that no one can read\n"
    "once the key is gone. This cannot be undone. Prints how many records the\n"
    "subject had.\n\n"
    "On a terminal it first asks \"shred N records of this account? [y/N]\" (the\n"
    "identifier itself is not echoed) and goes ahead only on y or yes.\n\n"
    "options:\n"
    "  --yes     do not ask (scripts; off a terminal nothing is asked anyway)\n\n"
    "exit status: 0 shredded; 1 nothing is held for this identifier (nothing is\n"
    "logged then), the answer was not yes, or another failure; 2 usage error.\n";

/* y or yes on standard input, after the question on standard error */
static bool confirmed(seal_index_type type, int64_t records)
{
    fprintf(stderr, "shred %lld record%s of this %s? [y/N] ", (long long) records,
            records == 1 ? "" : "s", seal_index_type_name(type));
    fflush(stderr);
    char line[16];
    if (fgets(line, sizeof(line), stdin) == NULL) {
        return false;
    }
    line[strcspn(line, "\r\n")] = '\0';
    return strcmp(line, "y") == 0 || strcmp(line, "Y") == 0 || strcmp(line, "yes") == 0;
}

int seal__cmd_shred(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    /* --yes, then the identifier options without it */
    char *args[8];
    int n_args = 0;
    bool yes = false;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && strcmp(argv[i], "--yes") == 0) {
            yes = true;
        } else if (n_args < (int) (sizeof(args) / sizeof(args[0]))) {
            args[n_args++] = argv[i];
        } else {
            return seal__cli_usage(cli, "shred", "too many arguments");
        }
    }
    seal_index_type type;
    const char *value;
    int rc = seal__cli_ident("shred", n_args, args, &type, &value);
    if (rc != 0) {
        return rc;
    }
    if (type != SEAL_IDX_ACCOUNT && type != SEAL_IDX_ADDRESS) {
        return seal__cli_usage(cli, "shred", "a subject is an --account or an --address");
    }
    seal_error err;
    seal_error_init(&err);
    seal_store *st = NULL;
    int64_t n = 0;
    bool key = false;
    if (seal_store_open(cli->data_dir, &st, &err) == SEAL_OK) {
        seal_store_set_now(st, cli->now); /* only on a test clock: see main.c */
    }
    if (st == NULL || seal_store_held(st, type, value, strlen(value), &n, &key, &err) != SEAL_OK) {
        seal_store_close(st);
        return seal__cli_fail(cli, "shred", &err);
    }
    if (n == 0 && !key) {
        seal_store_close(st);
        fprintf(stderr, "%s: shred: nothing is held for this %s: nothing shredded\n", cli->prog,
                seal_index_type_name(type));
        return 1;
    }
    if (!yes && isatty(0) && isatty(2) && !confirmed(type, n)) {
        seal_store_close(st);
        fprintf(stderr, "%s: shred: not confirmed: nothing shredded\n", cli->prog);
        return 1;
    }
    if (seal_store_shred(st, type, value, strlen(value), &n, &err) != SEAL_OK) {
        seal_store_close(st);
        return seal__cli_fail(cli, "shred", &err);
    }
    seal_store_close(st);
    printf("shredded: data key, index rows and %lld record%s deleted\n", (long long) n,
           n == 1 ? "" : "s");
    return 0;
}
