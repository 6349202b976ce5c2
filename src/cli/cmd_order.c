/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `sealctl order keygen|sign`: an issuer's (court's) Ed25519 key pair in the
 * C2SP signed-note format, and signed orders made from a request document
 * (DESIGN.md "Signed orders") with the same signed-note code the ledger
 * uses. Secret keys are written 0600 and wiped from memory after use.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "sealed/note.h"
#include "sealed/request.h"

static const char help[] =
    "usage: sealctl order keygen [--dir DIR] NAME\n"
    "       sealctl order sign --key SKEY [--embed] REQUEST|-\n\n"
    "  keygen  makes an issuer key pair named NAME (no spaces or '+'): writes\n"
    "          DIR/NAME.skey (the signer key, mode 0600, keep it secret) and\n"
    "          DIR/NAME.vkey (the verifier key, public), and prints the verifier\n"
    "          key. DIR defaults to the current directory; existing files are\n"
    "          never overwritten.\n"
    "  sign    makes the signed order for a request: the text sealed-order/v2 with\n"
    "          issuer, agency, reference, type, subjects (SHA-256 of the canonical\n"
    "          subjects array), categories, window, expires and, when present,\n"
    "          notice-delay-until and cover lines, signed with SKEY (a file).\n"
    "          Prints the signed note; with --embed prints the request with the\n"
    "          note in legal_basis.order instead. The request must be well formed.\n\n"
    "`sealctl request check --issuer-key NAME.vkey` verifies such orders.\n\n"
    "exit status: 0 ok, 1 failure, 2 usage error.\n";

static int write_new(const seal_cli *cli, const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
    if (fd < 0) {
        fprintf(stderr, "%s: order keygen: %s: %s\n", cli->prog, path, strerror(errno));
        return 1;
    }
    size_t n = strlen(text);
    ssize_t w = write(fd, text, n);
    int rc = (w < 0 || (size_t) w != n) ? 1 : 0;
    if (close(fd) != 0 || rc != 0) {
        fprintf(stderr, "%s: order keygen: %s: write failed\n", cli->prog, path);
        return 1;
    }
    return 0;
}

static int keygen(seal_cli *cli, int argc, char **argv)
{
    const char *dir = ".", *name = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
            dir = argv[++i];
        } else if (argv[i][0] == '-' || name != NULL) {
            return seal__cli_usage(cli, "order", "keygen: unexpected '%s'", argv[i]);
        } else {
            name = argv[i];
        }
    }
    if (name == NULL) {
        return seal__cli_usage(cli, "order", "keygen needs a NAME");
    }
    seal_buf sk, vk, path;
    seal_buf_init(&sk);
    seal_buf_init(&vk);
    seal_buf_init(&path);
    seal_error err;
    seal_error_init(&err);
    int rc = 1;
    if (strchr(name, '/') != NULL) {
        seal_error_set(&err, SEAL_INVALID, "a key name holds no '/'");
        rc = seal__cli_fail(cli, "order keygen", &err);
        goto out;
    }
    if (seal_note_generate_key(name, &sk, &vk, &err) != SEAL_OK) {
        rc = seal__cli_fail(cli, "order keygen", &err);
        goto out;
    }
    if (seal_buf_append_byte(&sk, '\n') != SEAL_OK || seal_buf_append_byte(&vk, '\n') != SEAL_OK ||
        seal_buf_printf(&path, "%s/%s.skey", dir, name) != SEAL_OK) {
        goto out;
    }
    if ((rc = write_new(cli, seal_buf_str(&path), seal_buf_str(&sk), 0600)) != 0) {
        goto out;
    }
    seal_buf_reset(&path);
    if (seal_buf_printf(&path, "%s/%s.vkey", dir, name) != SEAL_OK) {
        rc = 1;
        goto out;
    }
    if ((rc = write_new(cli, seal_buf_str(&path), seal_buf_str(&vk), 0644)) != 0) {
        goto out;
    }
    fputs(seal_buf_str(&vk), stdout);
out:
    seal_note_wipe(&sk);
    seal_buf_cleanup(&sk);
    seal_buf_cleanup(&vk);
    seal_buf_cleanup(&path);
    return rc;
}

static int read_all(const seal_cli *cli, const char *path, size_t max, seal_buf *b)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "%s: order sign: %s: %s\n", cli->prog, path, strerror(errno));
        return 1;
    }
    char chunk[4096];
    size_t n;
    int rc = 0;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (b->len + n > max || seal_buf_append(b, chunk, n) != SEAL_OK) {
            fprintf(stderr, "%s: order sign: %s: too large\n", cli->prog, path);
            rc = 1;
            break;
        }
    }
    if (f != stdin) {
        fclose(f);
    }
    return rc;
}

static int sign(seal_cli *cli, int argc, char **argv)
{
    const char *key = NULL, *path = NULL;
    bool embed = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--key") == 0 && i + 1 < argc) {
            key = argv[++i];
        } else if (strcmp(argv[i], "--embed") == 0) {
            embed = true;
        } else if ((argv[i][0] == '-' && argv[i][1] != '\0') || path != NULL) {
            return seal__cli_usage(cli, "order", "sign: unexpected '%s'", argv[i]);
        } else {
            path = argv[i];
        }
    }
    if (key == NULL || path == NULL) {
        return seal__cli_usage(cli, "order", "sign needs --key SKEY and a REQUEST");
    }
    seal_buf kb, doc, text, note;
    seal_buf_init(&kb);
    seal_buf_init(&doc);
    seal_buf_init(&text);
    seal_buf_init(&note);
    seal_error err;
    seal_error_init(&err);
    seal_note_signer *signer = NULL;
    seal_request *req = NULL;
    json_t *root = NULL;
    int rc = 1;
    if (read_all(cli, key, 4096, &kb) != 0 ||
        read_all(cli, path, SEAL_REQUEST_MAX_SIZE, &doc) != 0) {
        goto out;
    }
    if (seal_note_signer_new(seal_buf_str(&kb), kb.len, &signer, &err) != SEAL_OK) {
        rc = seal__cli_fail(cli, "order sign: --key", &err);
        goto out;
    }
    if (seal_request_parse(seal_buf_str(&doc), doc.len, &req, &err) != SEAL_OK) {
        rc = seal__cli_fail(cli, "order sign", &err);
        goto out;
    }
    if (seal_request_problem_count(req) > 0) {
        const seal_reason *x = seal_request_problem(req, 0);
        fprintf(stderr, "%s: order sign: the request is not well formed: %s at %s: %s\n", cli->prog,
                x->code, x->pointer[0] != '\0' ? x->pointer : "/", x->message);
        goto out;
    }
    if (seal_request_order_text(req, seal_note_signer_name(signer), &text, &err) != SEAL_OK ||
        seal_note_sign(signer, seal_buf_str(&text), text.len, &note, &err) != SEAL_OK) {
        rc = seal__cli_fail(cli, "order sign", &err);
        goto out;
    }
    if (!embed) {
        fputs(seal_buf_str(&note), stdout);
        rc = 0;
        goto out;
    }
    root = json_loadb(seal_buf_str(&doc), doc.len, JSON_REJECT_DUPLICATES, NULL);
    json_t *lb = root != NULL ? json_object_get(root, "legal_basis") : NULL;
    if (lb == NULL || json_object_set_new(lb, "order", json_string(seal_buf_str(&note))) != 0) {
        seal_error_set(&err, SEAL_NOMEM, "cannot embed the order");
        rc = seal__cli_fail(cli, "order sign", &err);
        goto out;
    }
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (s == NULL) {
        goto out;
    }
    printf("%s\n", s);
    free(s);
    rc = 0;
out:
    json_decref(root);
    seal_request_free(req);
    seal_note_signer_free(signer);
    seal_note_wipe(&kb);
    seal_buf_cleanup(&kb);
    seal_buf_cleanup(&doc);
    seal_buf_cleanup(&text);
    seal_buf_cleanup(&note);
    return rc;
}

int seal__cmd_order(seal_cli *cli, int argc, char **argv)
{
    if (seal__cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return 0;
    }
    if (argc < 2) {
        return seal__cli_usage(cli, "order", "needs keygen or sign");
    }
    if (strcmp(argv[1], "keygen") == 0) {
        return keygen(cli, argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "sign") == 0) {
        return sign(cli, argc - 1, argv + 1);
    }
    return seal__cli_usage(cli, "order", "unknown subcommand '%s'", argv[1]);
}
