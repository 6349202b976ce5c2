/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `sealctl access --subject TYPE:VALUE ... [--html FILE]`: subject access
 * (PA-13), a thin layer over seal_access in sealed/produce.h. Prints one JSON
 * document; the HTML page goes to a new file. Error messages name an
 * identifier's position, never its value.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "sealed/buf.h"
#include "sealed/produce.h"
#include "sealed/registry.h"

static const char help[] =
    "usage: sealctl [--data DIR] [--as PRINCIPAL] [--now TIME] access\n"
    "           --subject TYPE:VALUE [--subject TYPE:VALUE ...] [--html FILE]\n\n"
    "TYPE is one of account, email, phone, address, tracking, name. Prints, as one\n"
    "JSON document, the person's own records found by each exact identifier (every\n"
    "field): by an account, the account's records; by an address, only records not\n"
    "of an account that name a person given as name:VALUE beside it (a housemate's\n"
    "mail, filings and parcels are theirs, not yours); name: is never looked up.\n"
    "Then the accounting of disclosures about them (5 U.S.C. 552a(c)) that\n"
    "they may see today: entries under a delay of notice appear once it ends;\n"
    "under cfr-233, (b)(7) law-enforcement entries stay withheld. Each entry\n"
    "carries the ledger inclusion proof of its production and the output holds\n"
    "the signed checkpoint and verifier key they check against. Each entry names\n"
    "the recipient agency and its address and how long it is kept. The output also\n"
    "lists the person's requests to amend their records (`sealctl amend`): state,\n"
    "dates, deadlines, the requested value, a refusal's reason and their statement\n"
    "of disagreement. Records carry their ids, which `amend file --record` takes.\n"
    "--html writes the same as a printable page (a new file, mode 0600).\n\n"
    "Identity proofing is out of scope: the caller is an authenticated subject\n"
    "principal bound to these identifiers.\n";

int seal__cmd_access(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    seal_access_subject subs[SEAL_ACCESS_MAX_SUBJECTS];
    size_t n = 0;
    const char *html_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = NULL;
        if (strcmp(a, "--subject") == 0 || strcmp(a, "--html") == 0) {
            if (i + 1 >= argc) {
                return seal__cli_usage(cli, "access", "%s needs a value", a);
            }
            v = argv[++i];
        } else if (strncmp(a, "--subject=", 10) == 0) {
            v = a + 10;
            a = "--subject";
        } else if (strncmp(a, "--html=", 7) == 0) {
            v = a + 7;
            a = "--html";
        } else {
            return seal__cli_usage(cli, "access", "unexpected argument %d", i);
        }
        if (strcmp(a, "--html") == 0) {
            if (v[0] == '\0' || html_path != NULL) {
                return seal__cli_usage(cli, "access", "--html takes one file name");
            }
            html_path = v;
            continue;
        }
        const char *colon = strchr(v, ':');
        if (colon == NULL || colon == v) {
            return seal__cli_usage(cli, "access", "--subject %zu: not TYPE:VALUE", n + 1);
        }
        if (colon[1] == '\0') {
            return seal__cli_usage(cli, "access", "--subject %zu: empty value", n + 1);
        }
        int t;
        size_t off;
        if (seal_subject_ident_parse(v, strlen(v), &t, &off) != SEAL_OK) {
            return seal__cli_usage(cli, "access",
                                   "--subject %zu: TYPE is one of account, email, phone, "
                                   "address, tracking, name (VALUE: printable, at most %d bytes)",
                                   n + 1, SEAL_SUBJECT_IDENT_MAX);
        }
        if (n == SEAL_ACCESS_MAX_SUBJECTS) {
            return seal__cli_usage(cli, "access", "at most %d identifiers",
                                   SEAL_ACCESS_MAX_SUBJECTS);
        }
        subs[n].type = (seal_index_type) t;
        subs[n].value = v + off;
        n++;
    }
    if (n == 0) {
        return seal__cli_usage(cli, "access", "name at least one --subject TYPE:VALUE");
    }
    seal_error err;
    seal_error_init(&err);
    seal_buf json, html;
    seal_buf_init(&json);
    seal_buf_init(&html);
    int rc = 0;
    seal_status s = seal_access(cli->data_dir, subs, n, seal__cli_now(cli), &json,
                                html_path != NULL ? &html : NULL, &err);
    if (s == SEAL_OK && html_path != NULL) {
        int fd = open(html_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (f == NULL && fd >= 0) {
            close(fd);
        }
        if (f == NULL || fwrite(html.data, 1, html.len, f) != html.len) {
            seal_error_set(&err, SEAL_IO, "--html: cannot write a new file there");
            s = SEAL_IO;
        }
        if (f != NULL && fclose(f) != 0 && s == SEAL_OK) {
            seal_error_set(&err, SEAL_IO, "--html: cannot write a new file there");
            s = SEAL_IO;
        }
    }
    if (s == SEAL_OK) {
        fwrite(json.data, 1, json.len, stdout);
    } else {
        rc = seal__cli_fail(cli, "access", &err);
    }
    if (json.data != NULL) {
        memset(json.data, 0, json.len);
    }
    if (html.data != NULL) {
        memset(html.data, 0, html.len);
    }
    seal_buf_cleanup(&json);
    seal_buf_cleanup(&html);
    return rc;
}
