/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The data directory's policy of record (issue 11): the one policy every
 * submission is checked under, whoever submits it. It is DATA/policy.json
 * (the policy's bytes exactly), set by `sealctl init --policy` and changed
 * only by a privacy officer (`sealctl policy set`, PUT /v1/policy), each
 * change a `policy.set` ledger event naming the old and the new SHA-256.
 * Opening a registry recomputes the file's hash and refuses a directory
 * whose file differs from the last such event: a policy edited behind the
 * system's back is not a policy of record.
 *
 * Every policy that has been of record is also kept, by hash, in
 * DATA/registry.db (the secret table, kind "policy"), so requests checked
 * under an earlier one are reviewed under their own rules, and a restored
 * backup finds its policy again.
 *
 * Crash safety of a change: (1) the new text is committed to registry.db;
 * (2) DATA/policy.json.tmp is written and fsync'd; (3) the event is appended
 * to the ledger and checkpointed; (4) the temporary file is renamed over
 * DATA/policy.json and the directory fsync'd. A crash before (3) leaves the
 * old policy in force (the change never happened); a crash between (3) and
 * (4) is completed by the next open: the file still has the event's old
 * hash and the temporary file the new one, so it is renamed then.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "core/crypto.h"
#include "core/crypto_sha256.h"
#include "registry/registry_int.h"
#include "sealed/alloc.h"

#define HEX (2 * SEAL__SHA256_SIZE + 1)

static void sha_hex(char out[HEX], const void *data, size_t len)
{
    uint8_t h[SEAL__SHA256_SIZE];
    seal__sha256(h, data, len);
    seal_hex_encode(out, h, sizeof(h));
}

/* The last policy.set event of the ledger. */
typedef struct last_set {
    bool found;
    char old_sha[HEX]; /* "" at the first */
    char new_sha[HEX];
} last_set;

static void copy_hex(char out[HEX], json_t *v)
{
    const char *s = json_string_value(v);
    snprintf(out, HEX, "%s", s != NULL && strlen(s) == HEX - 1 ? s : "");
}

static bool contains(const uint8_t *e, size_t len, const char *tag)
{
    size_t n = strlen(tag);
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(e + i, tag, n) == 0) {
            return true;
        }
    }
    return false;
}

static seal_status scan_one(const uint8_t *e, size_t len, uint64_t index, void *ud, seal_error *err)
{
    (void) index;
    (void) err;
    static const char tag[] = "\"type\":\"policy.set\"";
    last_set *ls = ud;
    if (!contains(e, len, tag)) {
        return SEAL_OK;
    }
    json_t *j = json_loadb((const char *) e, len, 0, NULL);
    json_t *ids = json_object_get(j, "ids");
    const char *type = json_string_value(json_object_get(j, "type"));
    if (type != NULL && strcmp(type, "policy.set") == 0) {
        ls->found = true;
        copy_hex(ls->old_sha, json_object_get(ids, "old"));
        copy_hex(ls->new_sha, json_object_get(ids, "new"));
    }
    json_decref(j);
    return SEAL_OK;
}

static seal_status path_of(const seal_registry *reg, const char *rel, char *out, size_t n,
                           seal_error *err)
{
    int w = snprintf(out, n, "%s/%s", reg->dir, rel);
    if (w < 0 || (size_t) w >= n) {
        return seal_error_set(err, SEAL_INVALID, "data directory path too long");
    }
    return SEAL_OK;
}

/* SEAL_NOTFOUND when path does not exist. */
static seal_status read_small(const char *path, seal_buf *out, seal_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return errno == ENOENT ? SEAL_NOTFOUND
                               : seal_error_set(err, SEAL_IO, "%s: %s", path, strerror(errno));
    }
    char chunk[4096];
    size_t n;
    seal_status s = SEAL_OK;
    while (s == SEAL_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (out->len + n > SEAL_POLICY_MAX_SIZE) {
            s = seal_error_set(err, SEAL_LIMIT, "%s: larger than %d bytes", path,
                               SEAL_POLICY_MAX_SIZE);
        } else if ((s = seal_buf_append(out, chunk, n)) != SEAL_OK) {
            seal_error_set(err, s, "out of memory");
        }
    }
    if (s == SEAL_OK && ferror(f)) {
        s = seal_error_set(err, SEAL_IO, "%s: read error", path);
    }
    fclose(f);
    return s;
}

static seal_status fsync_parent(const seal_registry *reg, seal_error *err)
{
    int fd = open(reg->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return seal_error_set(err, SEAL_IO, "%s: %s", reg->dir, strerror(errno));
    }
    int rc = fsync(fd);
    close(fd);
    return rc == 0 ? SEAL_OK : seal_error_set(err, SEAL_IO, "%s: fsync failed", reg->dir);
}

/* Writes and fsyncs path (mode 0600), no rename. */
static seal_status write_synced(const char *path, const seal_buf *b, seal_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        return seal_error_set(err, SEAL_IO, "%s: %s", path, strerror(errno));
    }
    size_t off = 0;
    while (off < b->len) {
        ssize_t w = write(fd, b->data + off, b->len - off);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            close(fd);
            return seal_error_set(err, SEAL_IO, "%s: write failed", path);
        }
        off += (size_t) w;
    }
    if (fsync(fd) != 0) {
        close(fd);
        return seal_error_set(err, SEAL_IO, "%s: fsync failed", path);
    }
    return close(fd) == 0 ? SEAL_OK : seal_error_set(err, SEAL_IO, "%s: close failed", path);
}

static seal_status rename_synced(const seal_registry *reg, const char *from, const char *to,
                                 seal_error *err)
{
    if (rename(from, to) != 0) {
        return seal_error_set(err, SEAL_IO, "%s: %s", to, strerror(errno));
    }
    return fsync_parent(reg, err);
}

static seal_status load_text(seal_registry *reg, const seal_buf *text, const char *source,
                             bool logged, seal_error *err)
{
    seal_policy *p = NULL;
    seal_status s =
        seal_policy_load((const char *) (text->data != NULL ? text->data : (const uint8_t *) ""),
                         text->len, source, &p, err);
    if (s == SEAL_OK) {
        seal_policy_free(reg->record);
        reg->record = p;
        reg->record_logged = logged;
    }
    return s;
}

seal_status seal__reg_policy_open(seal_registry *reg, seal_error *err)
{
    char ledger[1100], file[1100], tmp[1100];
    last_set ls = {0};
    uint64_t size = 0;
    seal_buf text, other;
    seal_buf_init(&text);
    seal_buf_init(&other);
    seal_status s;
    if ((s = path_of(reg, "ledger", ledger, sizeof(ledger), err)) != SEAL_OK ||
        (s = path_of(reg, "policy.json", file, sizeof(file), err)) != SEAL_OK ||
        (s = path_of(reg, "policy.json.tmp", tmp, sizeof(tmp), err)) != SEAL_OK) {
        goto out;
    }
    if (access(ledger, F_OK) == 0 &&
        (s = seal_ledger_scan_dir(ledger, scan_one, &ls, &size, err)) != SEAL_OK) {
        seal_error_prefix(err, "%s: policy of record: ledger", reg->dir);
        goto out;
    }
    s = read_small(file, &text, err);
    if (s != SEAL_OK && s != SEAL_NOTFOUND) {
        goto out;
    }
    bool have = s == SEAL_OK;
    char got[HEX] = "";
    if (have) {
        sha_hex(got, text.data, text.len);
    }
    if (!ls.found) {
        if (have) {
            s = seal_error_set(err, SEAL_VERIFY,
                               "%s: policy.json (hash %s) is not in the ledger: a policy of "
                               "record is set only by `sealctl init --policy` or `sealctl policy "
                               "set`",
                               reg->dir, got);
            goto out;
        }
        /* a directory made before the policy of record: strict, the default */
        seal_policy_free(reg->record);
        reg->record = NULL;
        reg->record_logged = false;
        s = seal_policy_builtin(SEAL_POLICY_DEFAULT, &reg->record, err);
        goto out;
    }
    if (have && strcmp(got, ls.new_sha) == 0) {
        s = load_text(reg, &text, file, true, err);
        goto out;
    }
    /* a change cut short between its ledger event and its rename */
    if ((!have || strcmp(got, ls.old_sha) == 0) && read_small(tmp, &other, err) == SEAL_OK) {
        char t[HEX];
        sha_hex(t, other.data, other.len);
        if (strcmp(t, ls.new_sha) == 0) {
            if ((s = rename_synced(reg, tmp, file, err)) == SEAL_OK) {
                s = load_text(reg, &other, file, true, err);
            }
            goto out;
        }
    }
    if (!have) {
        /* a restored backup: the policy's text is kept in registry.db */
        seal_buf_reset(&other);
        if (reg->ops->secret_get(reg->be, "policy", ls.new_sha, &other, NULL) == SEAL_OK) {
            sha_hex(got, other.data, other.len);
            if (strcmp(got, ls.new_sha) == 0 && (s = write_synced(tmp, &other, err)) == SEAL_OK &&
                (s = rename_synced(reg, tmp, file, err)) == SEAL_OK) {
                s = load_text(reg, &other, file, true, err);
            }
            if (strcmp(got, ls.new_sha) == 0) {
                goto out;
            }
        }
        s = seal_error_set(err, SEAL_VERIFY, "%s: policy.json is missing (the ledger says %s)",
                           reg->dir, ls.new_sha);
        goto out;
    }
    s = seal_error_set(err, SEAL_VERIFY,
                       "%s: the policy of record changed outside `sealctl policy set` (hash %s, "
                       "ledger says %s)",
                       reg->dir, got, ls.new_sha);
out:
    seal_buf_cleanup(&text);
    seal_buf_cleanup(&other);
    return s;
}

const seal_policy *seal_registry_policy(const seal_registry *reg)
{
    return reg->record;
}

seal_status seal__reg_policy_of(seal_registry *reg, const char *name, const uint8_t *sha,
                                seal_policy **out, seal_error *err)
{
    char want[HEX];
    seal_hex_encode(want, sha, SEAL__SHA256_SIZE);
    *out = NULL;
    seal_policy *p = NULL;
    /* a shipped policy is compiled in */
    if (strchr(name, '/') == NULL && strchr(name, '.') == NULL &&
        seal_policy_builtin(name, &p, NULL) == SEAL_OK) {
        if (strcmp(seal_policy_sha256(p), want) == 0) {
            *out = p;
            return SEAL_OK;
        }
        seal_policy_free(p);
        p = NULL;
    }
    seal_buf text;
    seal_buf_init(&text);
    seal_status s = reg->ops->secret_get(reg->be, "policy", want, &text, NULL);
    if (s == SEAL_OK) {
        s = seal_policy_load((const char *) (text.data != NULL ? text.data : (const uint8_t *) ""),
                             text.len, "registry.db policy", &p, err);
    } else if (strchr(name, '/') != NULL || strchr(name, '.') != NULL) {
        /* a request submitted under a policy file before the policy of record */
        s = seal_policy_load_file(name, &p, err);
    }
    seal_buf_cleanup(&text);
    if (s == SEAL_OK && strcmp(seal_policy_sha256(p), want) == 0) {
        *out = p;
        return SEAL_OK;
    }
    seal_policy_free(p);
    return seal_error_set(err, SEAL_VERIFY, "policy %s (hash %s) is not available", name, want);
}

static seal_status policy_set(seal_registry *reg, const char *spec, const char *json, size_t len,
                              bool *changed, seal_error *err)
{
    char file[1100], tmp[1100];
    seal_policy *p = NULL;
    seal_buf text;
    seal_buf_init(&text);
    bool tmp_written = false;
    if (changed != NULL) {
        *changed = false;
    }
    seal_status s = seal__reg_require_officer(reg, "policy set", err);
    if (s == SEAL_PERM && reg->has_principal && seal__principal_valid(&reg->me, reg->today) &&
        (reg->me.roles & (1u << SEAL_ROLE_PRIVACY_OFFICER)) == 0) {
        s = seal_error_set(err, SEAL_PERM,
                           "policy set: principal %s is not a privacy_officer (only a privacy "
                           "officer changes the policy of record)",
                           reg->me.id);
    }
    if (s == SEAL_OK && reg->batch_led != NULL) {
        s = seal_error_set(err, SEAL_INVALID, "policy set: not inside a batch");
    }
    if (s == SEAL_OK) {
        if (json != NULL) {
            s = seal_buf_append(&text, json, len);
            if (s != SEAL_OK) {
                seal_error_set(err, s, "out of memory");
            }
        } else {
            s = seal_policy_read(spec, &text, err);
        }
    }
    if (s == SEAL_OK &&
        (s = seal_policy_load((const char *) (text.data != NULL ? text.data : (const uint8_t *) ""),
                              text.len, spec, &p, err)) == SEAL_OK) {
        s = path_of(reg, "policy.json", file, sizeof(file), err);
    }
    if (s == SEAL_OK) {
        s = path_of(reg, "policy.json.tmp", tmp, sizeof(tmp), err);
    }
    if (s != SEAL_OK) {
        goto out;
    }
    const char *old = reg->record != NULL ? seal_policy_sha256(reg->record) : "";
    const char *new_sha = seal_policy_sha256(p);
    if (reg->record_logged && strcmp(old, new_sha) == 0) {
        goto out; /* already the policy of record: nothing to record */
    }
    /* (1) its text, by hash, for reviews under it and for restores */
    if ((s = seal__reg_begin(reg, err)) != SEAL_OK) {
        goto out;
    }
    if ((s = reg->ops->secret_put(reg->be, "policy", new_sha, text.data, text.len, err)) !=
        SEAL_OK) {
        seal__reg_rollback(reg);
        goto out;
    }
    if ((s = seal__reg_commit(reg, err)) != SEAL_OK) {
        goto out;
    }
    /* (2) the new file beside the old one */
    if ((s = write_synced(tmp, &text, err)) != SEAL_OK) {
        goto out;
    }
    tmp_written = true;
    /* (3) the event: from here on this is the policy of record */
    const char *ids[] = {"policy", seal_id_valid(seal_policy_name(p)) ? seal_policy_name(p) : NULL,
                         "old",    reg->record_logged ? old : NULL,
                         "new",    new_sha,
                         "actor",  reg->has_principal ? reg->me.id : NULL};
    uint8_t commit[SEAL_REG_HASH];
    if (seal_hex_decode(commit, sizeof(commit), new_sha, HEX - 1) != SEAL_OK) {
        s = seal_error_set(err, SEAL_CORRUPT, "policy set: bad hash");
        goto out;
    }
    if ((s = seal__reg_begin(reg, err)) != SEAL_OK) {
        goto out;
    }
    if ((s = seal__reg_event(reg, "policy.set", ids, 4, commit, NULL, err)) != SEAL_OK) {
        seal__reg_rollback(reg);
        goto out;
    }
    if ((s = seal__reg_commit(reg, err)) != SEAL_OK) {
        goto out;
    }
    tmp_written = false;
    /* (4) the file; a crash before this is completed by the next open */
    if ((s = rename_synced(reg, tmp, file, err)) != SEAL_OK) {
        goto out;
    }
    seal_policy_free(reg->record);
    reg->record = p;
    reg->record_logged = true;
    p = NULL;
    if (changed != NULL) {
        *changed = true;
    }
out:
    if (tmp_written) {
        unlink(tmp);
    }
    seal_policy_free(p);
    seal_buf_cleanup(&text);
    return s;
}

seal_status seal_registry_policy_set(seal_registry *reg, const char *spec, bool *changed,
                                     seal_error *err)
{
    return policy_set(reg, spec, NULL, 0, changed, err);
}

seal_status seal_registry_policy_set_json(seal_registry *reg, const char *json, size_t len,
                                          bool *changed, seal_error *err)
{
    return policy_set(reg, "the policy document", json, len, changed, err);
}
