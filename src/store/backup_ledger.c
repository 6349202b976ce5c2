/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ledger part of a backup: a consistent copy of a live ledger directory
 * without its lock and without its signing key.
 *
 * The live ledger appends to its journal (docs/ledger.md: "SEALJNL1", then
 * 'E' u16le length and bytes, 'C' u64le size and 32-byte root) and replaces
 * its checkpoint file atomically, after the commit it signs. So the copy
 * reads the checkpoint first and the journal second: the journal then holds
 * at least the checkpoint's size. The journal is replayed up to its last
 * commit record whose root matches (RFC 9162 §2.1.1), a torn or
 * unacknowledged tail is left out, and the checkpoint's root must equal the
 * replayed root at its size. Tiles (C2SP tlog-tiles) are rebuilt from the
 * copied journal rather than copied, so they are exactly the journal's and
 * no partial tile the live ledger replaces mid-copy can be missed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sealed/alloc.h"
#include "sealed/buf.h"
#include "sealed/ledger.h"
#include "sealed/note.h"
#include "store/backup_int.h"

#define JOURNAL_MAGIC "SEALJNL1"
#define JOURNAL_MAGIC_LEN 8
#define REC_ENTRY 0x45
#define REC_COMMIT 0x43
#define TILE_WIDTH 256
#define TILE_HEIGHT 8

static seal_status read_whole(const char *path, seal_buf *out, size_t max, seal_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return seal_error_set(err, errno == ENOENT ? SEAL_NOTFOUND : SEAL_IO, "%s: %s", path,
                              strerror(errno));
    }
    seal_status s = SEAL_OK;
    for (;;) {
        if (out->len >= max) {
            s = seal_error_set(err, SEAL_LIMIT, "%s: larger than %zu bytes", path, max);
            break;
        }
        if (seal_buf_reserve(out, 1 << 20) != SEAL_OK) {
            s = seal_error_set(err, SEAL_NOMEM, "out of memory");
            break;
        }
        ssize_t r = read(fd, out->data + out->len, out->cap - out->len - 1);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            s = seal_error_set(err, SEAL_IO, "%s: %s", path, strerror(errno));
            break;
        }
        if (r == 0) {
            break;
        }
        out->len += (size_t) r;
    }
    close(fd);
    return s;
}

static seal_status write_new(const char *path, const void *data, size_t len, int mode,
                             seal_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        return seal_error_set(err, SEAL_IO, "%s: %s", path, strerror(errno));
    }
    const uint8_t *p = data;
    seal_status s = SEAL_OK;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            s = seal_error_set(err, SEAL_IO, "%s: %s", path, strerror(errno));
            break;
        }
        p += w;
        len -= (size_t) w;
    }
    if (s == SEAL_OK && fsync(fd) != 0) {
        s = seal_error_set(err, SEAL_IO, "%s: %s", path, strerror(errno));
    }
    close(fd);
    return s;
}

/* mkdir -p for the directories of rel under base. */
static seal_status mkdirs(const char *base, const char *rel, seal_error *err)
{
    char p[4096];
    int w = snprintf(p, sizeof(p), "%s/%s", base, rel);
    if (w < 0 || (size_t) w >= sizeof(p)) {
        return seal_error_set(err, SEAL_INVALID, "path too long");
    }
    for (char *c = p + strlen(base) + 1; *c != '\0'; c++) {
        if (*c == '/') {
            *c = '\0';
            if (mkdir(p, 0755) != 0 && errno != EEXIST) {
                return seal_error_set(err, SEAL_IO, "%s: %s", p, strerror(errno));
            }
            *c = '/';
        }
    }
    return SEAL_OK;
}

/* C2SP tlog-tiles "Tile paths": tile/<L>/<N> or tile/entries/<N>, N in
 * zero-padded groups of three digits, all but the last prefixed with 'x';
 * a partial tile of width w adds ".p/<w>". */
static seal_status tile_path(seal_buf *out, int level, uint64_t n, unsigned w)
{
    seal_buf_reset(out);
    seal_status s = level < 0 ? seal_buf_append_str(out, "tile/entries/")
                              : seal_buf_printf(out, "tile/%d/", level);
    unsigned groups[8];
    int g = 0;
    do {
        groups[g++] = (unsigned) (n % 1000);
        n /= 1000;
    } while (n > 0);
    for (int i = g - 1; s == SEAL_OK && i >= 0; i--) {
        s = seal_buf_printf(out, i > 0 ? "x%03u/" : "%03u", groups[i]);
    }
    if (s == SEAL_OK && w > 0 && w < TILE_WIDTH) {
        s = seal_buf_printf(out, ".p/%u", w);
    }
    return s;
}

typedef struct journal {
    seal_merkle *tree;
    size_t *offs; /* offset of each entry's length field */
    size_t n, cap;
    size_t good_pos; /* bytes up to and including the last good commit record */
    uint64_t size;   /* leaves at that commit */
} journal;

static void journal_cleanup(journal *j)
{
    seal_merkle_free(j->tree);
    seal_free(j->offs);
}

/* Replays data (a journal) up to its last commit record that matches. */
static seal_status replay(const uint8_t *data, size_t len, journal *j, const char *path,
                          seal_error *err)
{
    memset(j, 0, sizeof(*j));
    if (seal_merkle_new(&j->tree) != SEAL_OK) {
        return seal_error_set(err, SEAL_NOMEM, "out of memory");
    }
    if (len < JOURNAL_MAGIC_LEN || memcmp(data, JOURNAL_MAGIC, JOURNAL_MAGIC_LEN) != 0) {
        return seal_error_set(err, SEAL_CORRUPT, "%s: not a ledger journal (bad magic)", path);
    }
    seal_cursor c;
    seal_cursor_init(&c, data, len);
    c.pos = JOURNAL_MAGIC_LEN;
    j->good_pos = JOURNAL_MAGIC_LEN;
    size_t good_n = 0;
    for (;;) {
        uint8_t tag;
        size_t at = c.pos;
        if (seal_cursor_u8(&c, &tag) != SEAL_OK) {
            break;
        }
        if (tag == REC_ENTRY) {
            uint16_t n;
            const uint8_t *e;
            if (seal_cursor_u16le(&c, &n) != SEAL_OK || seal_cursor_take(&c, &e, n) != SEAL_OK) {
                break;
            }
            if (j->n == j->cap) {
                size_t nc = j->cap == 0 ? 1024 : 2 * j->cap;
                size_t *p = seal_realloc(j->offs, nc * sizeof(*p));
                if (p == NULL) {
                    return seal_error_set(err, SEAL_NOMEM, "out of memory");
                }
                j->offs = p;
                j->cap = nc;
            }
            j->offs[j->n++] = at + 1;
            if (seal_merkle_append(j->tree, e, n) != SEAL_OK) {
                return seal_error_set(err, SEAL_NOMEM, "out of memory");
            }
        } else if (tag == REC_COMMIT) {
            uint64_t size;
            uint8_t root[32], want[32];
            if (seal_cursor_u64le(&c, &size) != SEAL_OK ||
                seal_cursor_copy(&c, root, sizeof(root)) != SEAL_OK ||
                size != seal_merkle_size(j->tree) ||
                seal_merkle_root(j->tree, size, want) != SEAL_OK ||
                memcmp(root, want, sizeof(root)) != 0) {
                break;
            }
            j->good_pos = c.pos;
            j->size = size;
            good_n = j->n;
        } else {
            break;
        }
    }
    seal_merkle_truncate(j->tree, j->size);
    j->n = good_n;
    return SEAL_OK;
}

seal_status seal__backup_journal_root(const char *path, uint64_t *size, uint8_t root[32],
                                      seal_error *err)
{
    seal_buf b;
    seal_buf_init(&b);
    journal j;
    memset(&j, 0, sizeof(j));
    seal_status s = read_whole(path, &b, SIZE_MAX / 2, err);
    if (s == SEAL_OK) {
        s = replay(b.data, b.len, &j, path, err);
    }
    if (s == SEAL_OK && j.good_pos != b.len) {
        s = seal_error_set(err, SEAL_CORRUPT,
                           "%s: %zu bytes after the last commit record (torn or tampered)", path,
                           b.len - j.good_pos);
    }
    if (s == SEAL_OK) {
        *size = j.size;
        s = seal_merkle_root(j.tree, j.size, root);
    }
    journal_cleanup(&j);
    seal_buf_cleanup(&b);
    return s;
}

static seal_status write_tile(const char *dst, seal_buf *rel, const void *data, size_t len,
                              seal_error *err)
{
    char path[4096];
    seal_status s = mkdirs(dst, seal_buf_str(rel), err);
    if (s == SEAL_OK) {
        s = seal__backup_path(path, sizeof(path), dst, seal_buf_str(rel), err);
    }
    return s == SEAL_OK ? write_new(path, data, len, 0644, err) : s;
}

/* Entry bundles and hash tiles of the first j->size leaves. */
static seal_status write_tiles(const char *dst, const uint8_t *data, const journal *j,
                               seal_error *err)
{
    uint64_t n = j->size;
    seal_buf rel, bundle;
    seal_buf_init(&rel);
    seal_buf_init(&bundle);
    uint8_t(*cur)[32] = n > 0 ? seal_malloc((size_t) n * 32) : NULL;
    seal_status s =
        n > 0 && cur == NULL ? seal_error_set(err, SEAL_NOMEM, "out of memory") : SEAL_OK;
    for (uint64_t i = 0; s == SEAL_OK && i < n; i++) {
        s = seal_merkle_leaf(j->tree, i, cur[i]);
    }
    /* entry bundles: each entry as a big-endian u16 length and its bytes */
    for (uint64_t t = 0; s == SEAL_OK && t * TILE_WIDTH < n; t++) {
        uint64_t end = n < (t + 1) * TILE_WIDTH ? n : (t + 1) * TILE_WIDTH;
        seal_buf_reset(&bundle);
        for (uint64_t i = t * TILE_WIDTH; s == SEAL_OK && i < end; i++) {
            size_t off = j->offs[i];
            size_t len = (size_t) data[off] | (size_t) data[off + 1] << 8;
            uint8_t be[2] = {data[off + 1], data[off]};
            if (seal_buf_append(&bundle, be, 2) != SEAL_OK ||
                seal_buf_append(&bundle, data + off + 2, len) != SEAL_OK) {
                s = seal_error_set(err, SEAL_NOMEM, "out of memory");
            }
        }
        if (s == SEAL_OK &&
            (s = tile_path(&rel, -1, t, (unsigned) (end - t * TILE_WIDTH))) == SEAL_OK) {
            s = write_tile(dst, &rel, bundle.data, bundle.len, err);
        }
    }
    /* hash tiles: level L holds the nodes at height 8L */
    uint64_t count = n;
    for (int level = 0; s == SEAL_OK && count > 0; level++) {
        for (uint64_t t = 0; s == SEAL_OK && t * TILE_WIDTH < count; t++) {
            uint64_t end = count < (t + 1) * TILE_WIDTH ? count : (t + 1) * TILE_WIDTH;
            if ((s = tile_path(&rel, level, t, (unsigned) (end - t * TILE_WIDTH))) == SEAL_OK) {
                s = write_tile(dst, &rel, cur[t * TILE_WIDTH], (size_t) (end - t * TILE_WIDTH) * 32,
                               err);
            }
        }
        for (int h = 0; h < TILE_HEIGHT && count > 0; h++) {
            for (uint64_t i = 0; i < count / 2; i++) {
                seal_merkle_node_hash(cur[i], cur[2 * i], cur[2 * i + 1]);
            }
            count /= 2;
        }
    }
    if (s != SEAL_OK && err != NULL && err->msg[0] == '\0') {
        seal_error_set(err, s, "ledger tiles: %s", seal_status_message(s));
    }
    seal_free(cur);
    seal_buf_cleanup(&rel);
    seal_buf_cleanup(&bundle);
    return s;
}

seal_status seal__backup_ledger_copy(const char *src, const char *dst, uint64_t *size,
                                     uint8_t root[32], uint64_t *checkpoint_size, seal_error *err)
{
    char path[4096];
    seal_buf cp, jb, vkey;
    seal_buf_init(&cp);
    seal_buf_init(&jb);
    seal_buf_init(&vkey);
    journal j;
    memset(&j, 0, sizeof(j));
    seal_checkpoint c = {0};
    bool have_cp = false;
    /* 1. the checkpoint before the journal: the journal then reaches it */
    seal_status s = seal__backup_path(path, sizeof(path), src, "checkpoint", err);
    if (s == SEAL_OK) {
        s = read_whole(path, &cp, SEAL_NOTE_MAX_SIZE, err);
        if (s == SEAL_NOTFOUND) {
            s = SEAL_OK;
        } else if (s == SEAL_OK) {
            const char *text = seal_buf_str(&cp);
            const char *blank = strstr(text, "\n\n");
            if (blank == NULL ||
                seal_checkpoint_parse(text, (size_t) (blank - text) + 1, &c, err) != SEAL_OK) {
                s = seal_error_set(err, SEAL_CORRUPT, "%s: not a signed checkpoint", path);
            }
            have_cp = true;
        }
    }
    /* 2. the journal, replayed to its last commit */
    if (s == SEAL_OK &&
        (s = seal__backup_path(path, sizeof(path), src, "journal", err)) == SEAL_OK &&
        (s = read_whole(path, &jb, SIZE_MAX / 2, err)) == SEAL_OK) {
        s = replay(jb.data, jb.len, &j, path, err);
    }
    if (s == SEAL_OK && have_cp) {
        uint8_t at[32];
        if (c.size > j.size || seal_merkle_root(j.tree, c.size, at) != SEAL_OK ||
            memcmp(at, c.root, 32) != 0) {
            s = seal_error_set(err, SEAL_VERIFY,
                               "%s: the signed checkpoint (size %llu) does not match the journal "
                               "(size %llu)",
                               src, (unsigned long long) c.size, (unsigned long long) j.size);
        }
    }
    if (s == SEAL_OK && (s = seal__backup_path(path, sizeof(path), src, "vkey", err)) == SEAL_OK) {
        s = read_whole(path, &vkey, 65536, err);
    }
    /* 3. the copy */
    if (s == SEAL_OK && mkdir(dst, 0700) != 0) {
        s = seal_error_set(err, SEAL_IO, "%s: %s", dst, strerror(errno));
    }
    if (s == SEAL_OK &&
        (s = seal__backup_path(path, sizeof(path), dst, "journal", err)) == SEAL_OK) {
        s = write_new(path, jb.data, j.good_pos, 0600, err);
    }
    if (s == SEAL_OK && have_cp &&
        (s = seal__backup_path(path, sizeof(path), dst, "checkpoint", err)) == SEAL_OK) {
        s = write_new(path, cp.data, cp.len, 0644, err);
    }
    if (s == SEAL_OK && (s = seal__backup_path(path, sizeof(path), dst, "vkey", err)) == SEAL_OK) {
        s = write_new(path, vkey.data, vkey.len, 0644, err);
    }
    if (s == SEAL_OK) {
        s = write_tiles(dst, jb.data, &j, err);
    }
    if (s == SEAL_OK) {
        *size = j.size;
        *checkpoint_size = have_cp ? c.size : 0;
        s = seal_merkle_root(j.tree, j.size, root);
    }
    journal_cleanup(&j);
    seal_buf_cleanup(&cp);
    seal_buf_cleanup(&jb);
    seal_buf_cleanup(&vkey);
    return s;
}
