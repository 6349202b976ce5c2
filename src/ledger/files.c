/* SPDX-License-Identifier: Apache-2.0 */
/*
 * File helpers for the ledger: C2SP tlog-tiles paths, whole-file reads and
 * atomic replace-by-rename writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ledger/ledger_int.h"
#include "sealed/alloc.h"

/* C2SP tlog-tiles: the index is split into 3-digit path elements, all but
 * the last prefixed with "x" (1234067 -> x001/x234/067). */
seal_status seal__tile_path(seal_buf *out, int level, uint64_t n, unsigned w)
{
    seal_status s;
    if (level < 0) {
        s = seal_buf_append_str(out, "tile/entries/");
    } else {
        s = seal_buf_printf(out, "tile/%d/", level);
    }
    unsigned groups[8];
    int g = 0;
    do {
        groups[g++] = (unsigned) (n % 1000);
        n /= 1000;
    } while (n > 0);
    for (int i = g - 1; s == SEAL_OK && i >= 0; i--) {
        s = seal_buf_printf(out, i > 0 ? "x%03u/" : "%03u", groups[i]);
    }
    if (s == SEAL_OK && w > 0 && w < SEAL__TILE_WIDTH) {
        s = seal_buf_printf(out, ".p/%u", w);
    }
    return s;
}

seal_status seal__read_file(const char *path, seal_buf *out, size_t max)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return errno == ENOENT ? SEAL_NOTFOUND : SEAL_IO;
    }
    seal_status s = SEAL_OK;
    for (;;) {
        if (out->len >= max) {
            s = SEAL_LIMIT;
            break;
        }
        s = seal_buf_reserve(out, 65536);
        if (s != SEAL_OK) {
            break;
        }
        ssize_t r = read(fd, out->data + out->len, out->cap - out->len - 1);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            s = SEAL_IO;
            break;
        }
        if (r == 0) {
            break;
        }
        out->len += (size_t) r;
        out->data[out->len] = '\0';
    }
    close(fd);
    return s;
}

seal_status seal__mkdirs_for(const char *path)
{
    char tmp[4096];
    size_t n = strlen(path);
    if (n >= sizeof(tmp)) {
        return SEAL_LIMIT;
    }
    memcpy(tmp, path, n + 1);
    for (size_t i = 1; i < n; i++) {
        if (tmp[i] != '/') {
            continue;
        }
        tmp[i] = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
            return SEAL_IO;
        }
        tmp[i] = '/';
    }
    return SEAL_OK;
}

static seal_status write_all(int fd, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return SEAL_IO;
        }
        p += w;
        len -= (size_t) w;
    }
    return SEAL_OK;
}

seal_status seal__write_file(const char *path, const void *data, size_t len, bool sync, int mode)
{
    seal_buf tmp;
    seal_buf_init(&tmp);
    int fd = -1;
    seal_status s = seal_buf_printf(&tmp, "%s.tmp", path);
    if (s != SEAL_OK) {
        goto out;
    }
    fd = open(seal_buf_str(&tmp), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0 && errno == ENOENT) {
        s = seal__mkdirs_for(path);
        if (s != SEAL_OK) {
            goto out;
        }
        fd = open(seal_buf_str(&tmp), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    }
    if (fd < 0) {
        s = SEAL_IO;
        goto out;
    }
    s = write_all(fd, data, len);
    if (s == SEAL_OK && sync && fsync(fd) != 0) {
        s = SEAL_IO;
    }
    if (close(fd) != 0 && s == SEAL_OK) {
        s = SEAL_IO;
    }
    fd = -1;
    if (s != SEAL_OK) {
        goto out;
    }
    if (rename(seal_buf_str(&tmp), path) != 0) {
        s = SEAL_IO;
        goto out;
    }
    if (sync) {
        char dir[4096];
        const char *slash = strrchr(path, '/');
        size_t dl = slash == NULL ? 1 : (size_t) (slash - path);
        if (dl == 0 || dl >= sizeof(dir)) {
            dl = 1;
        }
        memcpy(dir, slash == NULL ? "." : path, dl);
        dir[dl] = '\0';
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0 || fsync(dfd) != 0) {
            s = SEAL_IO;
        }
        if (dfd >= 0) {
            close(dfd);
        }
    }
out:
    if (fd >= 0) {
        close(fd);
    }
    seal_buf_cleanup(&tmp);
    return s;
}
