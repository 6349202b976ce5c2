/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `sealctl produce REQUEST-ID --out DIR` and `sealctl produce verify DIR`:
 * a thin layer over sealed/produce.h. Prints ids and counts only.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "sealed/accounting.h"
#include "sealed/buf.h"
#include "sealed/produce.h"

static const char help[] =
    "usage: sealctl [--data DIR] --as ID produce REQUEST-ID --out BUNDLE-DIR\n"
    "       sealctl produce verify BUNDLE-DIR [--vkey FILE]\n"
    "       sealctl --as PRIVACY-OFFICER produce recipient AGENCY-ID --address TEXT\n\n"
    "produce builds the bundle of an active, approved request from its approval:\n"
    "only the approved subjects (each looked up by its exact identifier), only\n"
    "the fields of approved categories, only records inside the approved window.\n"
    "The bundle holds one NDJSON file per subject, a manifest signed with the\n"
    "ledger's key, the ledger checkpoint and inclusion proofs of the request's\n"
    "events and of the production. Each subject gets an accounting entry\n"
    "(5 U.S.C. 552a(c)). A request is produced once; producing a request that is\n"
    "not active, or whose legal process expired, is refused and logged.\n\n"
    "verify checks a bundle offline: signatures (under --vkey, else the bundle's\n"
    "ledger.vkey), file digests, no extra files, proofs against the checkpoint,\n"
    "and that each statement of disagreement points at a record of the bundle.\n\n"
    "A `person` subject is looked up at its address and narrowed to records that\n"
    "name the person (case, '.' and ',' and spacing aside). A record whose disputed\n"
    "field is disclosed carries its statement of disagreement (PA-13) in\n"
    "disagreements.ndjson. A delay of notice (PA-8) is logged with the production:\n"
    "its end, length, basis and the order's reference.\n\n"
    "recipient records the postal address of a recipient agency; each later\n"
    "accounting entry for that agency carries it (5 U.S.C. 552a(c)(1)). Entries\n"
    "are kept max(the policy's accounting_years, the life of every record\n"
    "disclosed); see docs/produce.md.\n";

static int cmd_verify(seal_cli *cli, int argc, char **argv)
{
    const char *dir = NULL, *vkey_path = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--vkey") == 0 && i + 1 < argc) {
            vkey_path = argv[++i];
        } else if (argv[i][0] != '-' && dir == NULL) {
            dir = argv[i];
        } else {
            return seal__cli_usage(cli, "produce", "verify: unexpected '%s'", argv[i]);
        }
    }
    if (dir == NULL) {
        return seal__cli_usage(cli, "produce", "verify: name a bundle directory");
    }
    seal_error err;
    seal_error_init(&err);
    char vk[4096];
    if (vkey_path != NULL) {
        FILE *f = fopen(vkey_path, "r");
        size_t n = f != NULL ? fread(vk, 1, sizeof(vk) - 1, f) : 0;
        if (f != NULL) {
            fclose(f);
        }
        if (n == 0) {
            seal_error_set(&err, SEAL_IO, "%s: cannot read", vkey_path);
            return seal__cli_fail(cli, "produce verify", &err);
        }
        vk[n] = '\0';
    }
    seal_produce_verify_result r;
    if (seal_produce_verify(dir, vkey_path != NULL ? vk : NULL, &r, &err) != SEAL_OK) {
        return seal__cli_fail(cli, "produce verify", &err);
    }
    printf("{\"verified\": true, \"files\": %zu, \"records\": %llu, \"proofs\": %zu, "
           "\"checkpoint_size\": %llu}\n",
           r.files, (unsigned long long) r.records, r.proofs,
           (unsigned long long) r.checkpoint_size);
    return 0;
}

int seal__cmd_produce(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "verify") == 0) {
        return cmd_verify(cli, argc, argv);
    }
    if (argc >= 2 && strcmp(argv[1], "recipient") == 0) {
        if (argc != 5 || strcmp(argv[3], "--address") != 0 || argv[2][0] == '-') {
            return seal__cli_usage(cli, "produce", "recipient AGENCY-ID --address TEXT");
        }
        seal_error err;
        seal_error_init(&err);
        if (seal_agency_address_set(cli->data_dir, cli->principal, seal__cli_now(cli), argv[2],
                                    argv[4], &err) != SEAL_OK) {
            return seal__cli_fail(cli, "produce recipient", &err);
        }
        printf("{\"agency\": \"%s\", \"address\": \"set\"}\n", argv[2]);
        return 0;
    }
    const char *req = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (argv[i][0] != '-' && req == NULL) {
            req = argv[i];
        } else {
            return seal__cli_usage(cli, "produce", "unexpected '%s'", argv[i]);
        }
    }
    if (req == NULL || out == NULL) {
        return seal__cli_usage(cli, "produce", "name a request id and --out DIR");
    }
    if (cli->principal == NULL) {
        return seal__cli_usage(cli, "produce", "act as a principal (--as ID)");
    }
    seal_error err;
    seal_error_init(&err);
    seal_produce_result r;
    if (seal_produce(cli->data_dir, cli->principal, req, out, seal__cli_now(cli), &r, &err) !=
        SEAL_OK) {
        return seal__cli_fail(cli, "produce", &err);
    }
    printf("{\"production\": \"%s\", \"request\": \"%s\", \"subjects\": %zu, \"records\": %zu, "
           "\"ledger_index\": %llu}\n",
           r.production, req, r.subjects, r.records, (unsigned long long) r.ledger_index);
    return 0;
}
