/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `sealctl agency|issuer|principal|protect add|list`: the registries of the
 * legal process (sealed/registry.h). Writers act as a privacy officer
 * (--as); while none is registered the operator bootstraps the registry.
 * Output is ids and JSON; protected addresses are never printed, only their
 * keyed hashes.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "sealed/registry.h"
#include "sealed/time.h"

static const char agency_help[] =
    "usage: sealctl [--as ID] agency add ID --name NAME --kind federal|state|local\n"
    "                                   [--national-security] [--inspection-service]\n"
    "       sealctl [--as ID] agency list\n\n"
    "Registers an agency that may send requests (requests from unregistered\n"
    "agencies are refused). --national-security marks the authority a\n"
    "national-security mail cover needs (MC-2). --inspection-service marks the\n"
    "postal inspection service: under cfr-233 only its cover_approvers approve a\n"
    "mail cover (MC-2).\n";
static const char issuer_help[] =
    "usage: sealctl [--as ID] issuer add ID --key VKEY|FILE\n"
    "       sealctl [--as ID] issuer list\n\n"
    "Registers a court or authority and its C2SP signed-note verifier key (named\n"
    "ID; `sealctl order keygen ID` makes one). Signed orders verify against it.\n";
static const char principal_help[] =
    "usage: sealctl [--as ID] principal add ID --agency A --role R [--role R ...]\n"
    "                                      [--valid-from D] [--valid-until D]\n"
    "       sealctl [--as ID] principal add ID --agency A --role subject\n"
    "                                      --identifier TYPE:VALUE [...]\n"
    "       sealctl [--as ID] principal list\n\n"
    "Registers a principal of a registered agency with roles: requester,\n"
    "reviewer, cover_approver, hq_approver, privacy_officer, issuer, auditor,\n"
    "subject. --valid-from/--valid-until (YYYY-MM-DD, inclusive) bound the\n"
    "delegation (PA-2, MC-2): outside it the principal can do nothing.\n\n"
    "A subject principal (a person using the daemon's GET /v1/access) is bound at\n"
    "registration to the identifiers whose records and accounting it may see:\n"
    "--identifier TYPE:VALUE (TYPE account, email, phone, address, tracking; at\n"
    "most 16), as `sealctl access --subject` takes them. They are stored only\n"
    "encrypted in DATA/registry.db; the ledger records the principal id only.\n";
static const char protect_help[] =
    "usage: sealctl [--as ID] protect add 'ONE LINE ADDRESS' --order REF\n"
    "       sealctl [--as ID] protect list\n\n"
    "Registers an address under a protective order (PA-11): only a court order or\n"
    "a warrant reaches it. Kept only as a keyed hash of its standardised form.\n";

static const char *const footer =
    "\nRegistry writers act as a privacy_officer (--as ID, or $SEALED_PRINCIPAL);\n"
    "until one is registered, the operator may bootstrap without --as.\n";

static int help(const char *text, int argc, char **argv)
{
    FILE *out = argc < 2 ? stderr : stdout;
    fputs(text, out);
    fputs(footer, out);
    (void) argv;
    return argc < 2 ? 2 : 0;
}

static int open_reg(seal_cli *cli, const char *what, seal_registry **reg)
{
    seal_error err;
    seal_error_init(&err);
    if (seal_registry_open(cli->data_dir, cli->principal, seal__cli_now(cli), reg, &err) !=
        SEAL_OK) {
        return seal__cli_fail(cli, what, &err);
    }
    return 0;
}

static int list(seal_cli *cli, const char *what, seal_list_kind kind, int argc)
{
    if (argc != 2) {
        return seal__cli_usage(cli, what, "list takes no arguments");
    }
    seal_registry *reg = NULL;
    int rc = open_reg(cli, what, &reg);
    if (rc != 0) {
        return rc;
    }
    seal_buf out;
    seal_buf_init(&out);
    seal_error err;
    seal_error_init(&err);
    if (seal_registry_list(reg, kind, &out, &err) != SEAL_OK) {
        rc = seal__cli_fail(cli, what, &err);
    } else {
        printf("%s\n", seal_buf_str(&out));
    }
    seal_buf_cleanup(&out);
    seal_registry_close(reg);
    return rc;
}

static int finish(seal_cli *cli, const char *what, seal_registry *reg, seal_status s,
                  seal_error *err, const char *id)
{
    seal_registry_close(reg);
    if (s != SEAL_OK) {
        return seal__cli_fail(cli, what, err);
    }
    if (!cli->quiet) {
        printf("registered %s\n", id);
    }
    return 0;
}

/* The value after option argv[*i]; NULL (and a usage message) when missing. */
static const char *value(seal_cli *cli, const char *what, int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        seal__cli_usage(cli, what, "%s needs a value", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

int seal__cmd_agency(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv) || argc < 2) {
        return help(agency_help, argc, argv);
    }
    if (strcmp(argv[1], "list") == 0) {
        return list(cli, "agency", SEAL_LIST_AGENCIES, argc);
    }
    if (strcmp(argv[1], "add") != 0) {
        return seal__cli_usage(cli, "agency", "unknown subcommand '%s'", argv[1]);
    }
    const char *id = NULL, *name = NULL, *kind = NULL;
    uint32_t flags = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--name") == 0) {
            if ((name = value(cli, "agency", argc, argv, &i)) == NULL) {
                return 2;
            }
        } else if (strcmp(argv[i], "--kind") == 0) {
            if ((kind = value(cli, "agency", argc, argv, &i)) == NULL) {
                return 2;
            }
        } else if (strcmp(argv[i], "--national-security") == 0) {
            flags |= SEAL_AGENCY_NATIONAL_SECURITY;
        } else if (strcmp(argv[i], "--inspection-service") == 0) {
            flags |= SEAL_AGENCY_INSPECTION_SERVICE;
        } else if (argv[i][0] == '-' || id != NULL) {
            return seal__cli_usage(cli, "agency", "unexpected argument '%s'", argv[i]);
        } else {
            id = argv[i];
        }
    }
    if (id == NULL || name == NULL || kind == NULL) {
        return seal__cli_usage(cli, "agency", "add needs ID, --name and --kind");
    }
    int k = seal_agency_kind_from_name(kind);
    if (k < 0) {
        return seal__cli_usage(cli, "agency", "--kind is federal, state or local");
    }
    seal_registry *reg = NULL;
    int rc = open_reg(cli, "agency add", &reg);
    if (rc != 0) {
        return rc;
    }
    seal_error err;
    seal_error_init(&err);
    seal_status s = seal_agency_add(reg, id, name, (seal_agency_kind) k, flags, &err);
    return finish(cli, "agency add", reg, s, &err, id);
}

/* The key text itself, or the first line of a file holding it. */
static int read_key(seal_cli *cli, const char *arg, char *out, size_t n)
{
    FILE *f = fopen(arg, "rb");
    if (f == NULL) {
        int w = snprintf(out, n, "%s", arg);
        return w > 0 && (size_t) w < n ? 0 : seal__cli_usage(cli, "issuer", "--key too long");
    }
    size_t got = fread(out, 1, n - 1, f);
    fclose(f);
    out[got] = '\0';
    char *nl = memchr(out, '\n', got);
    if (nl != NULL) {
        *nl = '\0';
    }
    return 0;
}

int seal__cmd_issuer(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv) || argc < 2) {
        return help(issuer_help, argc, argv);
    }
    if (strcmp(argv[1], "list") == 0) {
        return list(cli, "issuer", SEAL_LIST_ISSUERS, argc);
    }
    if (strcmp(argv[1], "add") != 0) {
        return seal__cli_usage(cli, "issuer", "unknown subcommand '%s'", argv[1]);
    }
    const char *id = NULL, *key = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--key") == 0) {
            if ((key = value(cli, "issuer", argc, argv, &i)) == NULL) {
                return 2;
            }
        } else if (argv[i][0] == '-' || id != NULL) {
            return seal__cli_usage(cli, "issuer", "unexpected argument '%s'", argv[i]);
        } else {
            id = argv[i];
        }
    }
    if (id == NULL || key == NULL) {
        return seal__cli_usage(cli, "issuer", "add needs ID and --key");
    }
    char vkey[600];
    int rc = read_key(cli, key, vkey, sizeof(vkey));
    seal_registry *reg = NULL;
    if (rc != 0 || (rc = open_reg(cli, "issuer add", &reg)) != 0) {
        return rc;
    }
    seal_error err;
    seal_error_init(&err);
    seal_status s = seal_issuer_add(reg, id, vkey, &err);
    return finish(cli, "issuer add", reg, s, &err, id);
}

static int date_opt(seal_cli *cli, const char *v, int64_t *out)
{
    if (seal_date_parse(v, out) != SEAL_OK) {
        return seal__cli_usage(cli, "principal", "'%s' is not a date (YYYY-MM-DD)", v);
    }
    return 0;
}

int seal__cmd_principal(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv) || argc < 2) {
        return help(principal_help, argc, argv);
    }
    if (strcmp(argv[1], "list") == 0) {
        return list(cli, "principal", SEAL_LIST_PRINCIPALS, argc);
    }
    if (strcmp(argv[1], "add") != 0) {
        return seal__cli_usage(cli, "principal", "unknown subcommand '%s'", argv[1]);
    }
    const char *id = NULL, *agency = NULL, *v = NULL;
    uint32_t roles = 0;
    int64_t from = 0, until = INT64_MAX;
    const char *idents[SEAL_SUBJECT_MAX_IDENTS];
    size_t n_idents = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        bool opt = strcmp(a, "--agency") == 0 || strcmp(a, "--role") == 0 ||
                   strcmp(a, "--valid-from") == 0 || strcmp(a, "--valid-until") == 0 ||
                   strcmp(a, "--identifier") == 0;
        if (opt && (v = value(cli, "principal", argc, argv, &i)) == NULL) {
            return 2;
        }
        if (strcmp(a, "--agency") == 0) {
            agency = v;
        } else if (strcmp(a, "--identifier") == 0) {
            if (n_idents == SEAL_SUBJECT_MAX_IDENTS) {
                return seal__cli_usage(cli, "principal", "at most %d --identifier",
                                       SEAL_SUBJECT_MAX_IDENTS);
            }
            idents[n_idents++] = v;
        } else if (strcmp(a, "--role") == 0) {
            int r = seal_role_from_name(v);
            if (r < 0) {
                return seal__cli_usage(cli, "principal", "unknown role '%s'", v);
            }
            roles |= 1u << r;
        } else if (strcmp(a, "--valid-from") == 0) {
            if (date_opt(cli, v, &from) != 0) {
                return 2;
            }
        } else if (strcmp(a, "--valid-until") == 0) {
            if (date_opt(cli, v, &until) != 0) {
                return 2;
            }
        } else if (a[0] == '-' || id != NULL) {
            return seal__cli_usage(cli, "principal", "unexpected argument '%s'", a);
        } else {
            id = a;
        }
    }
    if (id == NULL || agency == NULL || roles == 0) {
        return seal__cli_usage(cli, "principal", "add needs ID, --agency and --role");
    }
    if (n_idents > 0 && roles != 1u << SEAL_ROLE_SUBJECT) {
        return seal__cli_usage(cli, "principal",
                               "--identifier is for a principal whose only "
                               "role is subject");
    }
    seal_registry *reg = NULL;
    int rc = open_reg(cli, "principal add", &reg);
    if (rc != 0) {
        return rc;
    }
    seal_error err;
    seal_error_init(&err);
    seal_status s = n_idents > 0
                        ? seal_subject_add(reg, id, agency, from, until, idents, n_idents, &err)
                        : seal_principal_add(reg, id, agency, roles, from, until, &err);
    return finish(cli, "principal add", reg, s, &err, id);
}

int seal__cmd_protect(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv) || argc < 2) {
        return help(protect_help, argc, argv);
    }
    if (strcmp(argv[1], "list") == 0) {
        return list(cli, "protect", SEAL_LIST_PROTECTED, argc);
    }
    if (strcmp(argv[1], "add") != 0) {
        return seal__cli_usage(cli, "protect", "unknown subcommand '%s'", argv[1]);
    }
    const char *address = NULL, *order = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--order") == 0) {
            if ((order = value(cli, "protect", argc, argv, &i)) == NULL) {
                return 2;
            }
        } else if ((argv[i][0] == '-' && argv[i][1] != '\0') || address != NULL) {
            return seal__cli_usage(cli, "protect", "unexpected argument");
        } else {
            address = argv[i];
        }
    }
    if (address == NULL || order == NULL) {
        return seal__cli_usage(cli, "protect", "add needs an ADDRESS and --order");
    }
    seal_registry *reg = NULL;
    int rc = open_reg(cli, "protect add", &reg);
    if (rc != 0) {
        return rc;
    }
    seal_error err;
    seal_error_init(&err);
    seal_status s = seal_protect_add(reg, address, order, &err);
    return finish(cli, "protect add", reg, s, &err, "a protected address");
}
