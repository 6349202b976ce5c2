/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A backup's MANIFEST: what it holds and the SHA-256 of every file, as JSON.
 *
 *   {"format": "sealed-backup/v1", "created": "2026-11-24T18:15:00Z",
 *    "records": N, "left_out": N,
 *    "ledger": {"size": N, "root": "<64 hex>", "checkpoint_size": N},
 *    "files": [{"path": "records.db", "bytes": N, "sha256": "<64 hex>"}, ...]}
 *
 * The reader is strict (a backup is input from a disk that may have been
 * handled by anyone): unknown and duplicate keys, wrong types, negative
 * numbers, unsafe paths and malformed digests are refused with the field
 * named. fuzz/fuzz_backup_manifest.c fuzzes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/crypto_sha256.h"
#include "sealed/alloc.h"
#include "sealed/time.h"
#include "store/backup_int.h"

void seal_backup_manifest_init(seal_backup_manifest *m)
{
    memset(m, 0, sizeof(*m));
}

void seal_backup_manifest_cleanup(seal_backup_manifest *m)
{
    if (m != NULL) {
        seal_free(m->files);
        memset(m, 0, sizeof(*m));
    }
}

seal_status seal__backup_manifest_format(const seal_backup_manifest *m, seal_buf *out)
{
    char when[32], root[65], sha[65];
    seal_time_format(when, sizeof(when), m->created);
    seal_hex_encode(root, m->ledger_root, 32);
    seal_status s = seal_buf_printf(
        out,
        "{\"format\": \"%s\", \"created\": \"%s\", \"records\": %lld, \"left_out\": %lld,\n"
        " \"ledger\": {\"size\": %llu, \"root\": \"%s\", \"checkpoint_size\": %llu},\n"
        " \"files\": [",
        SEAL_BACKUP_FORMAT, when, (long long) m->records, (long long) m->left_out,
        (unsigned long long) m->ledger_size, root, (unsigned long long) m->checkpoint_size);
    for (size_t i = 0; s == SEAL_OK && i < m->nfiles; i++) {
        seal_hex_encode(sha, m->files[i].sha256, 32);
        s = seal_buf_printf(out, "%s\n  {\"path\": \"%s\", \"bytes\": %llu, \"sha256\": \"%s\"}",
                            i > 0 ? "," : "", m->files[i].path,
                            (unsigned long long) m->files[i].bytes, sha);
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_str(out, "]}\n");
    }
    return s;
}

/* ---- reader --------------------------------------------------------------------- */

static bool safe_path(const char *p)
{
    size_t n = strlen(p);
    if (n == 0 || n >= sizeof(((seal_backup_file *) 0)->path) || p[0] == '/' || p[n - 1] == '/') {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-' || c == '/';
        if (!ok) {
            return false;
        }
    }
    /* no empty, "." or ".." element */
    const char *e = p;
    while (*e != '\0') {
        const char *slash = strchr(e, '/');
        size_t len = slash != NULL ? (size_t) (slash - e) : strlen(e);
        if (len == 0 || (len == 1 && e[0] == '.') || (len == 2 && e[0] == '.' && e[1] == '.')) {
            return false;
        }
        e += len + (slash != NULL);
    }
    return true;
}

static seal_status want_u64(json_t *v, const char *name, uint64_t *out, seal_error *err)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        return seal_error_set(err, SEAL_CORRUPT, "manifest: %s: not a non-negative integer", name);
    }
    *out = (uint64_t) json_integer_value(v);
    return SEAL_OK;
}

static seal_status want_hex32(json_t *v, const char *name, uint8_t *out, seal_error *err)
{
    const char *h = json_string_value(v);
    if (h == NULL || json_string_length(v) != 64 || strspn(h, "0123456789abcdef") != 64 ||
        seal_hex_decode(out, 32, h, 64) != SEAL_OK) {
        return seal_error_set(err, SEAL_CORRUPT, "manifest: %s: not 64 lower-case hex digits",
                              name);
    }
    return SEAL_OK;
}

/* Every key of obj must be one of names (NULL-terminated). */
static seal_status only_keys(json_t *obj, const char *where, const char *const *names,
                             seal_error *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        bool known = false;
        for (size_t i = 0; names[i] != NULL && !known; i++) {
            known = strcmp(key, names[i]) == 0;
        }
        if (!known) {
            return seal_error_set(err, SEAL_CORRUPT, "manifest: %s: unknown key", where);
        }
    }
    return SEAL_OK;
}

static seal_status parse_file(json_t *f, size_t i, seal_backup_file *out, seal_error *err)
{
    static const char *const keys[] = {"path", "bytes", "sha256", NULL};
    char where[64];
    snprintf(where, sizeof(where), "files[%zu]", i);
    if (!json_is_object(f)) {
        return seal_error_set(err, SEAL_CORRUPT, "manifest: %s: not an object", where);
    }
    seal_status s = only_keys(f, where, keys, err);
    if (s != SEAL_OK) {
        return s;
    }
    const char *p = json_string_value(json_object_get(f, "path"));
    if (p == NULL || strlen(p) != json_string_length(json_object_get(f, "path")) || !safe_path(p)) {
        return seal_error_set(err, SEAL_CORRUPT,
                              "manifest: %s.path: missing or not a safe "
                              "relative path",
                              where);
    }
    snprintf(out->path, sizeof(out->path), "%s", p);
    snprintf(where, sizeof(where), "files[%zu].bytes", i);
    if ((s = want_u64(json_object_get(f, "bytes"), where, &out->bytes, err)) != SEAL_OK) {
        return s;
    }
    snprintf(where, sizeof(where), "files[%zu].sha256", i);
    return want_hex32(json_object_get(f, "sha256"), where, out->sha256, err);
}

seal_status seal_backup_manifest_parse(const char *text, size_t len, seal_backup_manifest *out,
                                       seal_error *err)
{
    static const char *const top[] = {"format", "created", "records", "left_out",
                                      "ledger", "files",   NULL};
    static const char *const led[] = {"size", "root", "checkpoint_size", NULL};
    seal_backup_manifest m;
    seal_backup_manifest_init(&m);
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    seal_status s = SEAL_OK;
    uint64_t u = 0;
    if (root == NULL) {
        s = seal_error_set(err, SEAL_CORRUPT, "manifest: line %d: %s", je.line, je.text);
        goto out;
    }
    if (!json_is_object(root)) {
        s = seal_error_set(err, SEAL_CORRUPT, "manifest: not a JSON object");
        goto out;
    }
    if ((s = only_keys(root, "top level", top, err)) != SEAL_OK) {
        goto out;
    }
    const char *fmt = json_string_value(json_object_get(root, "format"));
    if (fmt == NULL || strcmp(fmt, SEAL_BACKUP_FORMAT) != 0) {
        s = seal_error_set(err, SEAL_CORRUPT, "manifest: format: not \"%s\"", SEAL_BACKUP_FORMAT);
        goto out;
    }
    const char *created = json_string_value(json_object_get(root, "created"));
    if (created == NULL || seal_time_parse(created, &m.created) != SEAL_OK) {
        s = seal_error_set(err, SEAL_CORRUPT, "manifest: created: not an RFC 3339 UTC time");
        goto out;
    }
    if ((s = want_u64(json_object_get(root, "records"), "records", &u, err)) != SEAL_OK ||
        u > INT64_MAX) {
        s = seal_error_set(err, SEAL_CORRUPT, "manifest: records: not a non-negative integer");
        goto out;
    }
    m.records = (int64_t) u;
    if ((s = want_u64(json_object_get(root, "left_out"), "left_out", &u, err)) != SEAL_OK ||
        u > INT64_MAX) {
        s = seal_error_set(err, SEAL_CORRUPT, "manifest: left_out: not a non-negative integer");
        goto out;
    }
    m.left_out = (int64_t) u;
    json_t *l = json_object_get(root, "ledger");
    if (!json_is_object(l)) {
        s = seal_error_set(err, SEAL_CORRUPT, "manifest: ledger: missing or not an object");
        goto out;
    }
    if ((s = only_keys(l, "ledger", led, err)) != SEAL_OK ||
        (s = want_u64(json_object_get(l, "size"), "ledger.size", &m.ledger_size, err)) != SEAL_OK ||
        (s = want_hex32(json_object_get(l, "root"), "ledger.root", m.ledger_root, err)) !=
            SEAL_OK ||
        (s = want_u64(json_object_get(l, "checkpoint_size"), "ledger.checkpoint_size",
                      &m.checkpoint_size, err)) != SEAL_OK) {
        goto out;
    }
    if (m.checkpoint_size > m.ledger_size) {
        s = seal_error_set(err, SEAL_CORRUPT,
                           "manifest: ledger.checkpoint_size: larger than ledger.size");
        goto out;
    }
    json_t *files = json_object_get(root, "files");
    if (!json_is_array(files) || json_array_size(files) > SEAL_BACKUP_MAX_FILES) {
        s = seal_error_set(err, SEAL_CORRUPT,
                           "manifest: files: missing, not an array or more "
                           "than %d",
                           SEAL_BACKUP_MAX_FILES);
        goto out;
    }
    m.nfiles = json_array_size(files);
    if (m.nfiles > 0 && (m.files = seal_calloc(m.nfiles, sizeof(*m.files))) == NULL) {
        s = seal_error_set(err, SEAL_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; s == SEAL_OK && i < m.nfiles; i++) {
        s = parse_file(json_array_get(files, i), i, &m.files[i], err);
        for (size_t k = 0; s == SEAL_OK && k < i; k++) {
            if (strcmp(m.files[k].path, m.files[i].path) == 0) {
                s = seal_error_set(err, SEAL_CORRUPT, "manifest: files[%zu].path: listed twice", i);
            }
        }
    }
out:
    json_decref(root);
    if (s != SEAL_OK) {
        seal_backup_manifest_cleanup(&m);
        return s;
    }
    *out = m;
    return SEAL_OK;
}

seal_status seal__backup_file_digest(const char *path, uint64_t *bytes, uint8_t sha[32],
                                     seal_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return seal_error_set(err, errno == ENOENT ? SEAL_NOTFOUND : SEAL_IO, "%s: %s", path,
                              strerror(errno));
    }
    struct stat sb;
    seal_status s = SEAL_OK;
    if (fstat(fd, &sb) != 0) {
        s = seal_error_set(err, SEAL_IO, "%s: %s", path, strerror(errno));
    } else if (sb.st_size == 0) {
        seal__sha256(sha, "", 0);
        *bytes = 0;
    } else {
        void *map = mmap(NULL, (size_t) sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            s = seal_error_set(err, SEAL_IO, "%s: cannot map: %s", path, strerror(errno));
        } else {
            seal__sha256(sha, map, (size_t) sb.st_size);
            munmap(map, (size_t) sb.st_size);
            *bytes = (uint64_t) sb.st_size;
        }
    }
    close(fd);
    return s;
}
