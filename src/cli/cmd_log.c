/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `sealctl log`: standalone raw Merkle logs for outside checkers and
 * benchmarks (init, append, checkpoint, inclusion, consistency, verify).
 * A thin layer over include/sealed/ledger.h; output formats are a contract
 * (docs/ledger.md) and hex is lower-case throughout.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "sealed/buf.h"
#include "sealed/ledger.h"

static const char help_text[] =
    "usage: sealctl log VERB --dir DIR [ARGS...]\n"
    "\n"
    "Raw Merkle logs (RFC 9162 hashing, C2SP tlog-tiles on disk, C2SP signed-note\n"
    "checkpoints with Ed25519). Entries are opaque bytes, at most 65535 each.\n"
    "\n"
    "verbs:\n"
    "  init --dir DIR [--origin NAME]\n"
    "      create a log with a fresh Ed25519 key (DIR/key, mode 0600; DIR/vkey is\n"
    "      the verifier key). NAME is the checkpoint origin and key name; default\n"
    "      sealed.local/<basename of DIR>. Prints the verifier key.\n"
    "  append --dir DIR\n"
    "      append each line of stdin (newline stripped) as one entry; returns after\n"
    "      the entries are on stable storage (one fsync per batch of lines) and\n"
    "      prints the new size.\n"
    "  checkpoint --dir DIR\n"
    "      sign a checkpoint for the current size, store it in DIR/checkpoint and\n"
    "      print it. Refused if the log does not extend the last signed checkpoint.\n"
    "  inclusion --dir DIR INDEX [SIZE]\n"
    "      inclusion proof of entry INDEX (from 0) in the tree of SIZE entries\n"
    "      (default: the current size, every acknowledged entry):\n"
    "      {\"size\": N, \"index\": I, \"root\": \"<hex>\", \"proof\": [\"<hex>\", ...]}\n"
    "  consistency --dir DIR OLD [NEW]\n"
    "      consistency proof from size OLD to NEW (default: the current size):\n"
    "      {\"old_size\": M, \"old_root\": \"<hex>\", \"size\": N, \"root\": \"<hex>\",\n"
    "       \"proof\": [...]}\n"
    "  verify --dir DIR [--key VKEY] [--since CHECKPOINT-FILE]\n"
    "      offline check of what a static server publishes: the checkpoint's\n"
    "      signature (VKEY: a verifier key or a file holding one; default DIR/vkey),\n"
    "      every entry bundle and tile, and the root. With --since, also that the\n"
    "      earlier checkpoint is consistent with the latest. Prints\n"
    "      \"ok: size N root <hex>\" or names what failed.\n"
    "\n"
    "Verbs other than init refuse a DIR that was not initialised. A torn tail\n"
    "left by a crash is cut back to the last acknowledged entry when the log is\n"
    "opened, and recorded in DIR/recovery.log.\n"
    "\n"
    "exit status: 0 success, 1 failure (a message on stderr), 2 usage error.\n";

typedef struct log_args {
    const char *dir;
    const char *origin;
    const char *key;
    const char *since;
    const char *pos[3];
    int npos;
} log_args;

static int parse_args(seal_cli *cli, const char *verb, int argc, char **argv, log_args *a,
                      int max_pos, bool allow_origin, bool allow_verify)
{
    memset(a, 0, sizeof(*a));
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char **slot = NULL;
        if (strcmp(s, "--dir") == 0) {
            slot = &a->dir;
        } else if (allow_origin && strcmp(s, "--origin") == 0) {
            slot = &a->origin;
        } else if (allow_verify && strcmp(s, "--key") == 0) {
            slot = &a->key;
        } else if (allow_verify && strcmp(s, "--since") == 0) {
            slot = &a->since;
        } else if (s[0] == '-' && s[1] != '\0') {
            return seal__cli_usage(cli, "log", "%s: unknown option '%s'", verb, s);
        } else {
            if (a->npos >= max_pos) {
                return seal__cli_usage(cli, "log", "%s: unexpected argument '%s'", verb, s);
            }
            a->pos[a->npos++] = s;
            continue;
        }
        if (i + 1 >= argc) {
            return seal__cli_usage(cli, "log", "%s: %s needs a value", verb, s);
        }
        *slot = argv[++i];
    }
    if (a->dir == NULL) {
        return seal__cli_usage(cli, "log", "%s: --dir DIR is required", verb);
    }
    return 0;
}

/* Strict unsigned decimal. */
static bool parse_u64(const char *s, uint64_t *out)
{
    if (s == NULL || s[0] < '0' || s[0] > '9') {
        return false;
    }
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0') {
        return false;
    }
    *out = (uint64_t) v;
    return true;
}

/* write: the verb appends or signs; a ledger in a data directory that the
 * daemon serves is the daemon's to write (the directory's writer lock). */
static int open_log(seal_cli *cli, const char *dir, bool write, seal_ledger **l)
{
    seal_error err;
    seal_error_init(&err);
    char parent[1100];
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') {
        n--;
    }
    while (n > 0 && dir[n - 1] != '/') {
        n--;
    }
    while (n > 1 && dir[n - 1] == '/') {
        n--;
    }
    if (n == 0) {
        snprintf(parent, sizeof(parent), ".");
    } else {
        snprintf(parent, sizeof(parent), "%.*s", (int) (n < sizeof(parent) ? n : 0), dir);
    }
    if (write && seal__cli_writer_lock(cli, parent, false) != 0) {
        return 1;
    }
    if (seal_ledger_open(dir, NULL, l, &err) != SEAL_OK) {
        return seal__cli_fail(cli, "log", &err);
    }
    return 0;
}

static void print_hex(const uint8_t h[SEAL_HASH_SIZE])
{
    char hex[2 * SEAL_HASH_SIZE + 1];
    seal_hex_encode(hex, h, SEAL_HASH_SIZE);
    fputs(hex, stdout);
}

static void print_proof(const uint8_t (*proof)[SEAL_HASH_SIZE], size_t n)
{
    fputs("\"proof\": [", stdout);
    for (size_t i = 0; i < n; i++) {
        fputs(i > 0 ? ", \"" : "\"", stdout);
        print_hex(proof[i]);
        fputc('"', stdout);
    }
    fputs("]}\n", stdout);
}

static int cmd_init(seal_cli *cli, const log_args *a)
{
    seal_error err;
    seal_error_init(&err);
    seal_ledger_options opt;
    seal_ledger_options_init(&opt);
    opt.origin = a->origin;
    seal_ledger *l = NULL;
    if (seal_ledger_create(a->dir, &opt, &l, &err) != SEAL_OK) {
        return seal__cli_fail(cli, "log init", &err);
    }
    seal_buf vk;
    seal_buf_init(&vk);
    int rc = 0;
    if (seal_ledger_vkey(l, &vk) != SEAL_OK) {
        rc = 1;
    } else {
        printf("%s\n", seal_buf_str(&vk));
    }
    seal_buf_cleanup(&vk);
    seal_ledger_close(l);
    return rc;
}

#define APPEND_BATCH 8192

static int cmd_append(seal_cli *cli, const log_args *a)
{
    seal_ledger *l = NULL;
    int rc = open_log(cli, a->dir, true, &l);
    if (rc != 0) {
        return rc;
    }
    seal_error err;
    seal_error_init(&err);
    seal_buf line;
    seal_buf_init(&line);
    size_t staged = 0;
    uint64_t lineno = 0;
    int c = 0;
    bool eof = false;
    while (!eof) {
        seal_buf_reset(&line);
        bool any = false;
        while ((c = getchar()) != EOF && c != '\n') {
            any = true;
            if (seal_buf_append_byte(&line, (uint8_t) c) != SEAL_OK) {
                seal_error_set(&err, SEAL_NOMEM, "out of memory");
                rc = seal__cli_fail(cli, "log append", &err);
                goto out;
            }
        }
        eof = c == EOF;
        if (eof && !any) {
            break;
        }
        lineno++;
        if (seal_ledger_stage(l, line.data, line.len, NULL, &err) != SEAL_OK) {
            seal_error_prefix(&err, "stdin line %llu", (unsigned long long) lineno);
            rc = seal__cli_fail(cli, "log append", &err);
            goto out;
        }
        if (++staged == APPEND_BATCH) {
            if (seal_ledger_commit(l, &err) != SEAL_OK) {
                rc = seal__cli_fail(cli, "log append", &err);
                goto out;
            }
            staged = 0;
        }
    }
    if (seal_ledger_commit(l, &err) != SEAL_OK) {
        rc = seal__cli_fail(cli, "log append", &err);
        goto out;
    }
    printf("%llu\n", (unsigned long long) seal_ledger_size(l));
out:
    seal_buf_cleanup(&line);
    seal_ledger_close(l);
    return rc;
}

static int cmd_checkpoint(seal_cli *cli, const log_args *a)
{
    seal_ledger *l = NULL;
    int rc = open_log(cli, a->dir, true, &l);
    if (rc != 0) {
        return rc;
    }
    seal_error err;
    seal_error_init(&err);
    seal_buf out;
    seal_buf_init(&out);
    if (seal_ledger_checkpoint(l, &out, &err) != SEAL_OK) {
        rc = seal__cli_fail(cli, "log checkpoint", &err);
    } else {
        fwrite(out.data, 1, out.len, stdout);
    }
    seal_buf_cleanup(&out);
    seal_ledger_close(l);
    return rc;
}

static int cmd_inclusion(seal_cli *cli, const log_args *a)
{
    uint64_t index = 0, size = 0;
    if (a->npos < 1 || !parse_u64(a->pos[0], &index) ||
        (a->npos > 1 && !parse_u64(a->pos[1], &size))) {
        return seal__cli_usage(cli, "log", "inclusion: INDEX [SIZE] must be decimal numbers");
    }
    seal_ledger *l = NULL;
    int rc = open_log(cli, a->dir, false, &l);
    if (rc != 0) {
        return rc;
    }
    if (a->npos < 2) {
        size = seal_ledger_size(l);
    }
    seal_error err;
    seal_error_init(&err);
    uint8_t proof[SEAL_PROOF_MAX][SEAL_HASH_SIZE], root[SEAL_HASH_SIZE];
    size_t n = 0;
    if (seal_ledger_inclusion_proof(l, index, size, proof, &n, &err) != SEAL_OK ||
        seal_ledger_root(l, size, root) != SEAL_OK) {
        rc = seal__cli_fail(cli, "log inclusion", &err);
    } else {
        printf("{\"size\": %llu, \"index\": %llu, \"root\": \"", (unsigned long long) size,
               (unsigned long long) index);
        print_hex(root);
        fputs("\", ", stdout);
        print_proof((const uint8_t(*)[SEAL_HASH_SIZE]) proof, n);
    }
    seal_ledger_close(l);
    return rc;
}

static int cmd_consistency(seal_cli *cli, const log_args *a)
{
    uint64_t old = 0, size = 0;
    if (a->npos < 1 || !parse_u64(a->pos[0], &old) ||
        (a->npos > 1 && !parse_u64(a->pos[1], &size))) {
        return seal__cli_usage(cli, "log", "consistency: OLD [NEW] must be decimal numbers");
    }
    seal_ledger *l = NULL;
    int rc = open_log(cli, a->dir, false, &l);
    if (rc != 0) {
        return rc;
    }
    if (a->npos < 2) {
        size = seal_ledger_size(l);
    }
    seal_error err;
    seal_error_init(&err);
    uint8_t proof[SEAL_PROOF_MAX][SEAL_HASH_SIZE], r1[SEAL_HASH_SIZE], r2[SEAL_HASH_SIZE];
    size_t n = 0;
    if (seal_ledger_consistency_proof(l, old, size, proof, &n, &err) != SEAL_OK ||
        seal_ledger_root(l, old, r1) != SEAL_OK || seal_ledger_root(l, size, r2) != SEAL_OK) {
        rc = seal__cli_fail(cli, "log consistency", &err);
    } else {
        printf("{\"old_size\": %llu, \"old_root\": \"", (unsigned long long) old);
        print_hex(r1);
        printf("\", \"size\": %llu, \"root\": \"", (unsigned long long) size);
        print_hex(r2);
        fputs("\", ", stdout);
        print_proof((const uint8_t(*)[SEAL_HASH_SIZE]) proof, n);
    }
    seal_ledger_close(l);
    return rc;
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int read_text(seal_cli *cli, const char *what, const char *path, seal_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "%s: log verify: %s: cannot read %s\n", cli->prog, what, path);
        return 1;
    }
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        if (seal_buf_append(out, buf, n) != SEAL_OK) {
            fclose(f);
            return 1;
        }
    }
    fclose(f);
    return 0;
}

static int cmd_verify(seal_cli *cli, const log_args *a)
{
    seal_buf key, since;
    seal_buf_init(&key);
    seal_buf_init(&since);
    int rc = 0;
    const char *vkey = NULL;
    struct stat st;
    if (stat(a->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "%s: log verify: %s: not a directory\n", cli->prog, a->dir);
        return 1;
    }
    if (a->key != NULL) {
        if (is_file(a->key)) {
            rc = read_text(cli, "--key", a->key, &key);
            vkey = seal_buf_str(&key);
        } else {
            vkey = a->key;
        }
    }
    if (rc == 0 && a->since != NULL) {
        rc = read_text(cli, "--since", a->since, &since);
    }
    if (rc == 0) {
        seal_error err;
        seal_error_init(&err);
        seal_verify_result res;
        if (seal_ledger_verify_dir(a->dir, vkey, a->since != NULL ? seal_buf_str(&since) : NULL,
                                   since.len, &res, &err) != SEAL_OK) {
            rc = seal__cli_fail(cli, "log verify", &err);
        } else {
            printf("ok: size %llu root ", (unsigned long long) res.checkpoint_size);
            print_hex(res.root);
            if (a->since != NULL) {
                printf(" consistent with size %llu", (unsigned long long) res.since_size);
            }
            fputc('\n', stdout);
        }
    }
    seal_buf_cleanup(&key);
    seal_buf_cleanup(&since);
    return rc;
}

int seal__cmd_log(seal_cli *cli, int argc, char **argv)
{
    if (argc < 2 || seal__cli_wants_help(argc, argv)) {
        fputs(help_text, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *verb = argv[1];
    log_args a;
    int rc;
    argc--;
    argv++;
    if (strcmp(verb, "init") == 0) {
        rc = parse_args(cli, verb, argc, argv, &a, 0, true, false);
        return rc != 0 ? rc : cmd_init(cli, &a);
    }
    if (strcmp(verb, "append") == 0) {
        rc = parse_args(cli, verb, argc, argv, &a, 0, false, false);
        return rc != 0 ? rc : cmd_append(cli, &a);
    }
    if (strcmp(verb, "checkpoint") == 0) {
        rc = parse_args(cli, verb, argc, argv, &a, 0, false, false);
        return rc != 0 ? rc : cmd_checkpoint(cli, &a);
    }
    if (strcmp(verb, "inclusion") == 0) {
        rc = parse_args(cli, verb, argc, argv, &a, 2, false, false);
        return rc != 0 ? rc : cmd_inclusion(cli, &a);
    }
    if (strcmp(verb, "consistency") == 0) {
        rc = parse_args(cli, verb, argc, argv, &a, 2, false, false);
        return rc != 0 ? rc : cmd_consistency(cli, &a);
    }
    if (strcmp(verb, "verify") == 0) {
        rc = parse_args(cli, verb, argc, argv, &a, 0, false, true);
        return rc != 0 ? rc : cmd_verify(cli, &a);
    }
    return seal__cli_usage(cli, "log", "unknown verb '%s'", verb);
}
