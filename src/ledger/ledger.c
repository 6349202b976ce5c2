/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The on-disk ledger. A private journal is the durable source of truth:
 * entry records followed by a commit record (size and root after the batch);
 * an append is acknowledged only after the commit record is fsync'd (group
 * commit: one fsync per batch). On open the journal is replayed, every commit
 * record is checked against the recomputed root, and bytes after the last
 * valid commit (a torn or unacknowledged tail) are cut off and reported.
 * C2SP tlog-tiles are derived from the journal after each commit and rebuilt
 * on open where missing, so the published tree always matches the journal.
 * Checkpoints are signed only when consistent with the last one signed.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ledger/ledger_int.h"
#include "sealed/alloc.h"
#include "sealed/log.h"
#include "sealed/note.h"
#include "sealed/time.h"

#define JOURNAL_MAGIC "SEALJNL1"
#define JOURNAL_MAGIC_LEN 8
#define REC_ENTRY 0x45  /* 'E' u16le length, bytes */
#define REC_COMMIT 0x43 /* 'C' u64le size, 32-byte root */
#define COMMIT_LEN (1 + 8 + SEAL_HASH_SIZE)
#define KEY_FILE_MAX 4096

struct seal_ledger {
    char *dir;
    char origin[256];
    seal_note_signer *signer;
    seal_note_verifier *verifier;
    seal_merkle *tree; /* acknowledged + staged leaves */
    uint64_t *offs;    /* journal offset of each entry's data */
    size_t offs_cap;
    int jfd;
    uint64_t jsize;   /* durable journal bytes (ends with a commit record) */
    uint64_t acked;   /* acknowledged size */
    seal_buf pending; /* journal bytes of staged entries */
    uint64_t recovered;
    bool no_sync;
    bool test_clock;     /* the first entry is a test-clock "ledger.created" */
    bool creating;       /* create is writing the genesis entry */
    int64_t last_time;   /* time of the last acknowledged event, INT64_MIN if none */
    int64_t staged_time; /* the same, counting staged events */
    pthread_mutex_t mu;
};

void seal_ledger_options_init(seal_ledger_options *o)
{
    memset(o, 0, sizeof(*o));
}

/* ---- the clock ---------------------------------------------------------- */

#define TIME_LEN 20 /* YYYY-MM-DDTHH:MM:SSZ: every time seal_event_encode writes */
static const char ev_head[] = "{\"commit\":{";
static const char ev_time[] = "},\"time\":\"";
static const char ev_tail[] = ",\"v\":1}";
static const char genesis_tail[] = "\",\"type\":\"ledger.created\",\"v\":1}";
static const char genesis_test[] = "{\"commit\":{},\"ids\":{\"clock\":\"test\"},\"time\":\"";

#define LIT(x) (sizeof(x) - 1)

/* Offset of the top-level time of a canonical event record (seal_event_encode)
 * and the time, or SIZE_MAX when the entry is not an event. In canonical
 * records the first "},\"time\":\"" is the top-level key: ids and commit
 * values hold no quotes or braces, and the commit map is followed by "ids". */
static size_t event_time_at(const uint8_t *e, size_t n, int64_t *t)
{
    if (n < LIT(ev_head) + LIT(ev_time) + TIME_LEN + LIT(ev_tail) ||
        memcmp(e, ev_head, LIT(ev_head)) != 0 ||
        memcmp(e + n - LIT(ev_tail), ev_tail, LIT(ev_tail)) != 0) {
        return SIZE_MAX;
    }
    for (size_t i = LIT(ev_head) - 1; i + LIT(ev_time) + TIME_LEN < n; i++) {
        if (memcmp(e + i, ev_time, LIT(ev_time)) == 0) {
            size_t at = i + LIT(ev_time);
            if (e[at + TIME_LEN] != '"' ||
                seal_time_parse_n((const char *) e + at, TIME_LEN, t) != SEAL_OK) {
                return SIZE_MAX;
            }
            return at;
        }
    }
    return SIZE_MAX;
}

static bool is_genesis(const uint8_t *e, size_t n)
{
    return n >= LIT(genesis_tail) &&
           memcmp(e + n - LIT(genesis_tail), genesis_tail, LIT(genesis_tail)) == 0;
}

/* Exactly the test-clock genesis entry. */
static bool is_test_genesis(const uint8_t *e, size_t n)
{
    int64_t t;
    return n == LIT(genesis_test) + TIME_LEN + LIT(genesis_tail) &&
           memcmp(e, genesis_test, LIT(genesis_test)) == 0 && is_genesis(e, n) &&
           event_time_at(e, n, &t) == LIT(genesis_test);
}

static seal_status path_of(seal_buf *b, const seal_ledger *l, const char *rel)
{
    seal_buf_reset(b);
    return seal_buf_printf(b, "%s/%s", l->dir, rel);
}

/* ---- tiles -------------------------------------------------------------- */

/* Writes entry bundle t (level < 0) or hash tile t at level, holding
 * `width` items; removes the previous partial of width old_w. */
static seal_status write_tile(seal_ledger *l, int level, uint64_t t, unsigned width, unsigned old_w)
{
    seal_buf path, data;
    seal_buf_init(&path);
    seal_buf_init(&data);
    seal_status s = seal_buf_printf(&path, "%s/", l->dir);
    if (s == SEAL_OK) {
        s = seal__tile_path(&path, level, t, width);
    }
    if (s != SEAL_OK) {
        goto out;
    }
    if (level < 0) {
        /* Entry bundle: each entry as big-endian u16 length and bytes. Read
         * back from the journal, where the entries sit in order. */
        uint64_t first = t * SEAL__TILE_WIDTH;
        for (unsigned i = 0; i < width && s == SEAL_OK; i++) {
            uint64_t off = l->offs[first + i];
            uint8_t hdr[2];
            if (pread(l->jfd, hdr, 2, (off_t) (off - 2)) != 2) {
                s = SEAL_IO;
                break;
            }
            size_t n = (size_t) hdr[0] | ((size_t) hdr[1] << 8);
            uint8_t be[2] = {hdr[1], hdr[0]};
            s = seal_buf_append(&data, be, 2);
            if (s == SEAL_OK) {
                s = seal_buf_reserve(&data, n);
            }
            if (s == SEAL_OK && n > 0) {
                if (pread(l->jfd, data.data + data.len, n, (off_t) off) != (ssize_t) n) {
                    s = SEAL_IO;
                } else {
                    data.len += n;
                }
            }
        }
    } else {
        s = seal_buf_reserve(&data, (size_t) width * SEAL_HASH_SIZE);
        for (unsigned i = 0; i < width && s == SEAL_OK; i++) {
            s = seal__merkle_node(l->tree, (unsigned) level * SEAL__TILE_HEIGHT,
                                  t * SEAL__TILE_WIDTH + i, data.data + data.len);
            data.len += SEAL_HASH_SIZE;
        }
    }
    if (s != SEAL_OK) {
        goto out;
    }
    s = seal__write_file(seal_buf_str(&path), data.data, data.len, false, 0644);
    if (s == SEAL_OK && old_w > 0 && old_w < SEAL__TILE_WIDTH && old_w != width) {
        seal_buf_reset(&path);
        s = seal_buf_printf(&path, "%s/", l->dir);
        if (s == SEAL_OK) {
            s = seal__tile_path(&path, level, t, old_w);
        }
        if (s == SEAL_OK) {
            (void) unlink(seal_buf_str(&path));
        }
    }
out:
    seal_buf_cleanup(&path);
    seal_buf_cleanup(&data);
    return s;
}

/* Writes every tile that changed between sizes a and b (a <= b). With
 * check, also rewrites earlier full tiles that are missing or short. */
static seal_status write_tiles(seal_ledger *l, uint64_t a, uint64_t b, bool check)
{
    seal_buf path;
    seal_buf_init(&path);
    seal_status s = SEAL_OK;
    for (int level = -1; s == SEAL_OK; level++) {
        unsigned h = level < 0 ? 0 : (unsigned) level * SEAL__TILE_HEIGHT;
        if (h >= 64 || (b >> h) == 0) {
            break;
        }
        uint64_t ca = a >> h, cb = b >> h;
        uint64_t t0 = ca / SEAL__TILE_WIDTH;
        if (check) {
            for (uint64_t t = 0; t < t0 && s == SEAL_OK; t++) {
                struct stat st;
                seal_buf_reset(&path);
                s = seal_buf_printf(&path, "%s/", l->dir);
                if (s == SEAL_OK) {
                    s = seal__tile_path(&path, level, t, 0);
                }
                if (s == SEAL_OK && (stat(seal_buf_str(&path), &st) != 0 ||
                                     (level >= 0 && st.st_size != SEAL__TILE_WIDTH * 32))) {
                    s = write_tile(l, level, t, SEAL__TILE_WIDTH, 0);
                }
            }
        }
        for (uint64_t t = t0; s == SEAL_OK && t * SEAL__TILE_WIDTH < cb; t++) {
            uint64_t end = (t + 1) * SEAL__TILE_WIDTH;
            unsigned w = (unsigned) ((cb >= end ? end : cb) - t * SEAL__TILE_WIDTH);
            unsigned old =
                ca >= end
                    ? SEAL__TILE_WIDTH
                    : (ca > t * SEAL__TILE_WIDTH ? (unsigned) (ca - t * SEAL__TILE_WIDTH) : 0);
            if (old == w && !check) {
                continue;
            }
            s = write_tile(l, level, t, w, old);
        }
    }
    seal_buf_cleanup(&path);
    return s;
}

/* ---- keys --------------------------------------------------------------- */

static seal_status load_keys(seal_ledger *l, seal_error *err)
{
    seal_buf p, kb;
    seal_buf_init(&p);
    seal_buf_init(&kb);
    seal_status s = path_of(&p, l, "key");
    int fd = -1;
    if (s != SEAL_OK) {
        goto out;
    }
    fd = open(seal_buf_str(&p), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        s = seal_error_set(err, errno == ENOENT ? SEAL_NOTFOUND : SEAL_IO,
                           "%s: not an initialised ledger (no key file)", l->dir);
        goto out;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        s = seal_error_set(err, SEAL_IO, "%s: cannot stat", seal_buf_str(&p));
        goto out;
    }
    if ((st.st_mode & 077) != 0) {
        s = seal_error_set(err, SEAL_PERM,
                           "%s: key file is accessible by group or others (mode %03o); "
                           "chmod 600 it",
                           seal_buf_str(&p), (unsigned) (st.st_mode & 0777));
        goto out;
    }
    close(fd);
    fd = -1;
    s = seal__read_file(seal_buf_str(&p), &kb, KEY_FILE_MAX);
    if (s != SEAL_OK) {
        seal_error_set(err, s, "%s: cannot read key", seal_buf_str(&p));
        goto out;
    }
    s = seal_note_signer_new((const char *) kb.data, kb.len, &l->signer, err);
    if (s != SEAL_OK) {
        seal_error_prefix(err, "%s", seal_buf_str(&p));
        goto out;
    }
    seal_buf_reset(&kb);
    s = seal_note_signer_vkey(l->signer, &kb);
    if (s == SEAL_OK) {
        s = seal_note_verifier_new((const char *) kb.data, kb.len, &l->verifier, err);
    }
    if (s != SEAL_OK) {
        goto out;
    }
    snprintf(l->origin, sizeof(l->origin), "%s", seal_note_signer_name(l->signer));
out:
    if (fd >= 0) {
        close(fd);
    }
    seal_note_wipe(&kb);
    seal_buf_cleanup(&kb);
    seal_buf_cleanup(&p);
    return s;
}

/* ---- journal ------------------------------------------------------------ */

static seal_status offs_push(seal_ledger *l, uint64_t off)
{
    uint64_t n = seal_merkle_size(l->tree);
    if (n >= l->offs_cap) {
        size_t cap = l->offs_cap == 0 ? 1024 : l->offs_cap * 2;
        uint64_t *no = seal_realloc(l->offs, cap * sizeof(*no));
        if (no == NULL) {
            return SEAL_NOMEM;
        }
        l->offs = no;
        l->offs_cap = cap;
    }
    l->offs[n] = off;
    return SEAL_OK;
}

static void log_recovery(seal_ledger *l, uint64_t from, uint64_t to, uint64_t size)
{
    SEAL_LOG(SEAL_LOG_WARN,
             "ledger %s: journal tail cut from %llu to %llu bytes (%llu unacknowledged "
             "bytes dropped); %llu entries verified",
             l->origin, (unsigned long long) from, (unsigned long long) to,
             (unsigned long long) (from - to), (unsigned long long) size);
    seal_buf p, line;
    seal_buf_init(&p);
    seal_buf_init(&line);
    char ts[32];
    seal_time_format(ts, sizeof(ts), (int64_t) time(NULL));
    if (path_of(&p, l, "recovery.log") == SEAL_OK &&
        seal_buf_printf(&line, "%s journal cut from %llu to %llu bytes; size %llu\n", ts,
                        (unsigned long long) from, (unsigned long long) to,
                        (unsigned long long) size) == SEAL_OK) {
        int fd = open(seal_buf_str(&p), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd >= 0) {
            if (write(fd, line.data, line.len) != (ssize_t) line.len) {
                SEAL_LOG(SEAL_LOG_WARN, "ledger %s: cannot write recovery.log", l->origin);
            }
            (void) fsync(fd);
            close(fd);
        }
    }
    seal_buf_cleanup(&p);
    seal_buf_cleanup(&line);
}

/* Replays the journal: entries are appended to the tree; each commit record
 * must match the size and root computed so far. Stops at the first record
 * that is torn, unknown or wrong, and cuts the file back to the last good
 * commit. */
static seal_status replay(seal_ledger *l, seal_error *err)
{
    struct stat st;
    if (fstat(l->jfd, &st) != 0) {
        return seal_error_set(err, SEAL_IO, "journal: cannot stat");
    }
    uint64_t fsize = (uint64_t) st.st_size;
    if (fsize < JOURNAL_MAGIC_LEN) {
        return seal_error_set(err, SEAL_CORRUPT, "journal: shorter than its header");
    }
    void *map = mmap(NULL, (size_t) fsize, PROT_READ, MAP_PRIVATE, l->jfd, 0);
    if (map == MAP_FAILED) {
        return seal_error_set(err, SEAL_IO, "journal: cannot map");
    }
    seal_status s = SEAL_OK;
    seal_cursor c;
    seal_cursor_init(&c, map, (size_t) fsize);
    const uint8_t *magic;
    if (seal_cursor_take(&c, &magic, JOURNAL_MAGIC_LEN) != SEAL_OK ||
        memcmp(magic, JOURNAL_MAGIC, JOURNAL_MAGIC_LEN) != 0) {
        s = seal_error_set(err, SEAL_CORRUPT, "journal: bad magic");
        goto out;
    }
    uint64_t good_pos = JOURNAL_MAGIC_LEN, good_size = 0;
    for (;;) {
        uint8_t tag;
        if (seal_cursor_u8(&c, &tag) != SEAL_OK) {
            break;
        }
        if (tag == REC_ENTRY) {
            uint16_t n;
            const uint8_t *data;
            if (seal_cursor_u16le(&c, &n) != SEAL_OK || seal_cursor_take(&c, &data, n) != SEAL_OK) {
                break;
            }
            s = offs_push(l, (uint64_t) (data - (const uint8_t *) map));
            if (s == SEAL_OK) {
                s = seal_merkle_append(l->tree, data, n);
            }
            if (s != SEAL_OK) {
                seal_error_set(err, s, "journal: out of memory");
                goto out;
            }
        } else if (tag == REC_COMMIT) {
            uint64_t size;
            uint8_t root[SEAL_HASH_SIZE], want[SEAL_HASH_SIZE];
            if (seal_cursor_u64le(&c, &size) != SEAL_OK ||
                seal_cursor_copy(&c, root, SEAL_HASH_SIZE) != SEAL_OK ||
                size != seal_merkle_size(l->tree) ||
                seal_merkle_root(l->tree, size, want) != SEAL_OK ||
                memcmp(root, want, SEAL_HASH_SIZE) != 0) {
                break;
            }
            good_pos = c.pos;
            good_size = size;
        } else {
            break;
        }
    }
    seal_merkle_truncate(l->tree, good_size);
    l->acked = good_size;
    l->jsize = good_pos;
    if (good_pos < fsize) {
        if (ftruncate(l->jfd, (off_t) good_pos) != 0 || fsync(l->jfd) != 0) {
            s = seal_error_set(err, SEAL_IO, "journal: cannot cut the torn tail");
            goto out;
        }
        l->recovered = fsize - good_pos;
        log_recovery(l, fsize, good_pos, good_size);
    }
out:
    munmap(map, (size_t) fsize);
    return s;
}

static seal_status check_checkpoint(seal_ledger *l, seal_checkpoint *cp, bool *have,
                                    seal_error *err)
{
    seal_buf p, b;
    seal_buf_init(&p);
    seal_buf_init(&b);
    *have = false;
    seal_status s = path_of(&p, l, "checkpoint");
    if (s == SEAL_OK) {
        s = seal__read_file(seal_buf_str(&p), &b, SEAL_NOTE_MAX_SIZE);
    }
    if (s == SEAL_NOTFOUND) {
        s = SEAL_OK;
        goto out;
    }
    if (s != SEAL_OK) {
        seal_error_set(err, s, "%s: cannot read", seal_buf_str(&p));
        goto out;
    }
    size_t tl = 0;
    const seal_note_verifier *vs[1] = {l->verifier};
    s = seal_note_verify((const char *) b.data, b.len, vs, 1, &tl, err);
    if (s == SEAL_OK) {
        s = seal_checkpoint_parse((const char *) b.data, tl, cp, err);
    }
    if (s != SEAL_OK) {
        seal_error_prefix(err, "%s", seal_buf_str(&p));
        goto out;
    }
    *have = true;
out:
    seal_buf_cleanup(&p);
    seal_buf_cleanup(&b);
    return s;
}

static seal_status consistent_with(seal_ledger *l, const seal_checkpoint *cp, seal_error *err)
{
    uint8_t root[SEAL_HASH_SIZE];
    if (strcmp(cp->origin, l->origin) != 0) {
        return seal_error_set(err, SEAL_REFUSED, "checkpoint origin '%s' is not this log's '%s'",
                              cp->origin, l->origin);
    }
    if (cp->size > l->acked) {
        return seal_error_set(err, SEAL_CORRUPT,
                              "last signed checkpoint has size %llu but the log holds only %llu "
                              "acknowledged entries",
                              (unsigned long long) cp->size, (unsigned long long) l->acked);
    }
    if (seal_merkle_root(l->tree, cp->size, root) != SEAL_OK ||
        memcmp(root, cp->root, SEAL_HASH_SIZE) != 0) {
        return seal_error_set(err, SEAL_CORRUPT,
                              "log is not consistent with its last signed checkpoint (size %llu): "
                              "refusing to sign",
                              (unsigned long long) cp->size);
    }
    return SEAL_OK;
}

static seal_status ledger_alloc(const char *dir, const seal_ledger_options *opt, seal_ledger **out)
{
    seal_ledger *l = seal_calloc(1, sizeof(*l));
    if (l == NULL) {
        return SEAL_NOMEM;
    }
    l->jfd = -1;
    l->last_time = l->staged_time = INT64_MIN;
    seal_buf_init(&l->pending);
    pthread_mutex_init(&l->mu, NULL);
    l->no_sync = opt != NULL && opt->no_sync;
    l->dir = seal_strdup(dir);
    if (l->dir == NULL || seal_merkle_new(&l->tree) != SEAL_OK) {
        seal_ledger_close(l);
        return SEAL_NOMEM;
    }
    *out = l;
    return SEAL_OK;
}

static seal_status open_journal(seal_ledger *l, int flags, seal_error *err)
{
    seal_buf p;
    seal_buf_init(&p);
    seal_status s = path_of(&p, l, "journal");
    if (s != SEAL_OK) {
        goto out;
    }
    l->jfd = open(seal_buf_str(&p), O_RDWR | O_CLOEXEC | flags, 0600);
    if (l->jfd < 0) {
        s = seal_error_set(err, errno == ENOENT ? SEAL_NOTFOUND : SEAL_IO,
                           "%s: cannot open journal (%s)", l->dir, strerror(errno));
        goto out;
    }
    if (flock(l->jfd, LOCK_EX | LOCK_NB) != 0) {
        s = seal_error_set(err, SEAL_EXISTS, "%s: ledger is in use by another process", l->dir);
    }
out:
    seal_buf_cleanup(&p);
    return s;
}

/* The clock's state after replay: the flag from the first entry, the last
 * event's time from the last one. */
static seal_status read_clock(seal_ledger *l, seal_error *err)
{
    seal_buf b;
    seal_buf_init(&b);
    seal_status s = SEAL_OK;
    if (l->acked > 0) {
        s = seal_ledger_entry(l, 0, &b, err);
        l->test_clock = s == SEAL_OK && is_test_genesis(b.data, b.len);
        seal_buf_reset(&b);
        int64_t t;
        if (s == SEAL_OK && (s = seal_ledger_entry(l, l->acked - 1, &b, err)) == SEAL_OK &&
            event_time_at(b.data, b.len, &t) != SIZE_MAX) {
            l->last_time = l->staged_time = t;
        }
    }
    seal_buf_cleanup(&b);
    return s;
}

seal_status seal_ledger_open(const char *dir, const seal_ledger_options *opt, seal_ledger **out,
                             seal_error *err)
{
    seal_ledger *l = NULL;
    seal_status s = ledger_alloc(dir, opt, &l);
    if (s != SEAL_OK) {
        return seal_error_set(err, s, "out of memory");
    }
    s = load_keys(l, err);
    if (s == SEAL_OK) {
        s = open_journal(l, 0, err);
    }
    if (s == SEAL_OK) {
        s = replay(l, err);
    }
    seal_checkpoint cp;
    bool have = false;
    if (s == SEAL_OK) {
        s = check_checkpoint(l, &cp, &have, err);
    }
    if (s == SEAL_OK && have) {
        s = consistent_with(l, &cp, err);
    }
    if (s == SEAL_OK) {
        s = write_tiles(l, 0, l->acked, true);
        if (s != SEAL_OK) {
            seal_error_set(err, s, "%s: cannot write tiles", dir);
        }
    }
    if (s == SEAL_OK) {
        s = read_clock(l, err);
    }
    if (s != SEAL_OK) {
        seal_ledger_close(l);
        return s;
    }
    *out = l;
    return SEAL_OK;
}

static seal_status stage_locked(seal_ledger *l, const void *entry, size_t len, uint64_t *index,
                                seal_error *err);
static seal_status commit_locked(seal_ledger *l, seal_error *err);

/* The first entry of a system ledger: when it was made and which clock it
 * keeps. The only writer of a "ledger.created" event. */
static seal_status write_genesis(seal_ledger *l, const seal_ledger_options *opt, seal_error *err)
{
    seal_event_id id = {"clock", opt->test_clock ? "test" : "real"};
    seal_event ev = {.type = "ledger.created", .time = opt->genesis_time, .ids = &id, .n_ids = 1};
    seal_buf e;
    seal_buf_init(&e);
    seal_status s = seal_event_encode(&ev, &e, err);
    if (s == SEAL_OK) {
        l->creating = true;
        s = stage_locked(l, e.data, e.len, NULL, err);
        l->creating = false;
    }
    if (s == SEAL_OK) {
        s = commit_locked(l, err);
    }
    l->test_clock = s == SEAL_OK && opt->test_clock;
    seal_buf_cleanup(&e);
    return s;
}

seal_status seal_ledger_create(const char *dir, const seal_ledger_options *opt, seal_ledger **out,
                               seal_error *err)
{
    seal_buf p, skey, vkey, origin;
    seal_buf_init(&p);
    seal_buf_init(&skey);
    seal_buf_init(&vkey);
    seal_buf_init(&origin);
    seal_ledger *l = NULL;
    seal_status s;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        s = seal_error_set(err, SEAL_IO, "%s: cannot create (%s)", dir, strerror(errno));
        goto out;
    }
    s = ledger_alloc(dir, opt, &l);
    if (s != SEAL_OK) {
        seal_error_set(err, s, "out of memory");
        goto out;
    }
    if (opt != NULL && opt->origin != NULL) {
        s = seal_buf_append_str(&origin, opt->origin);
    } else {
        size_t n = strlen(dir);
        while (n > 1 && dir[n - 1] == '/') {
            n--;
        }
        size_t b = n;
        while (b > 0 && dir[b - 1] != '/') {
            b--;
        }
        s = seal_buf_printf(&origin, "sealed.local/%.*s", (int) (n - b), dir + b);
    }
    if (s != SEAL_OK) {
        goto out;
    }
    s = open_journal(l, O_CREAT | O_EXCL, err);
    if (s != SEAL_OK) {
        if (s == SEAL_IO && errno == EEXIST) {
            s = seal_error_set(err, SEAL_EXISTS, "%s: already holds a ledger", dir);
        }
        goto out;
    }
    if (pwrite(l->jfd, JOURNAL_MAGIC, JOURNAL_MAGIC_LEN, 0) != JOURNAL_MAGIC_LEN ||
        (!l->no_sync && fsync(l->jfd) != 0)) {
        s = seal_error_set(err, SEAL_IO, "%s: cannot write the journal", dir);
        goto out;
    }
    l->jsize = JOURNAL_MAGIC_LEN;
    s = seal_note_generate_key(seal_buf_str(&origin), &skey, &vkey, err);
    if (s != SEAL_OK) {
        seal_error_prefix(err, "origin '%s'", seal_buf_str(&origin));
        goto out;
    }
    s = seal_buf_append_byte(&skey, '\n');
    if (s == SEAL_OK) {
        s = seal_buf_append_byte(&vkey, '\n');
    }
    if (s == SEAL_OK) {
        s = path_of(&p, l, "key");
    }
    if (s == SEAL_OK) {
        s = seal__write_file(seal_buf_str(&p), skey.data, skey.len, true, 0600);
    }
    if (s == SEAL_OK) {
        s = path_of(&p, l, "vkey");
    }
    if (s == SEAL_OK) {
        s = seal__write_file(seal_buf_str(&p), vkey.data, vkey.len, true, 0644);
    }
    if (s != SEAL_OK) {
        seal_error_set(err, s, "%s: cannot write keys", dir);
        goto out;
    }
    s = load_keys(l, err);
    if (s == SEAL_OK && opt != NULL && opt->genesis) {
        s = write_genesis(l, opt, err);
    }
out:
    seal_note_wipe(&skey);
    seal_buf_cleanup(&skey);
    seal_buf_cleanup(&vkey);
    seal_buf_cleanup(&origin);
    seal_buf_cleanup(&p);
    if (s != SEAL_OK) {
        seal_ledger_close(l);
        return s;
    }
    *out = l;
    return SEAL_OK;
}

void seal_ledger_close(seal_ledger *l)
{
    if (l == NULL) {
        return;
    }
    if (l->jfd >= 0) {
        close(l->jfd);
    }
    seal_note_signer_free(l->signer);
    seal_note_verifier_free(l->verifier);
    seal_merkle_free(l->tree);
    seal_free(l->offs);
    seal_buf_cleanup(&l->pending);
    pthread_mutex_destroy(&l->mu);
    seal_free(l->dir);
    seal_free(l);
}

/* ---- appends ------------------------------------------------------------ */

static seal_status refuse_time(const seal_ledger *l, int64_t t, seal_error *err)
{
    char ts[32], last[32];
    seal_time_format(ts, sizeof(ts), t);
    seal_time_format(last, sizeof(last), l->staged_time);
    return seal_error_set(err, SEAL_INVALID,
                          "event time %s is earlier than the last event's (%s); a test clock "
                          "never goes backwards",
                          ts, last);
}

seal_status seal_ledger_check_time(seal_ledger *l, int64_t t, seal_error *err)
{
    pthread_mutex_lock(&l->mu);
    seal_status s = SEAL_OK;
    if (l->test_clock && l->staged_time != INT64_MIN && t < l->staged_time) {
        s = refuse_time(l, t, err);
    }
    pthread_mutex_unlock(&l->mu);
    return s;
}

static seal_status stage_locked(seal_ledger *l, const void *entry, size_t len, uint64_t *index,
                                seal_error *err)
{
    if (len > SEAL_LEDGER_MAX_ENTRY) {
        return seal_error_set(err, SEAL_LIMIT, "entry of %zu bytes exceeds %d", len,
                              SEAL_LEDGER_MAX_ENTRY);
    }
    /* The clock: events never go backwards in the log. */
    int64_t t = INT64_MIN;
    size_t at = event_time_at(entry, len, &t);
    bool restamp = false;
    if (at != SIZE_MAX) {
        if (is_genesis(entry, len) && !l->creating) {
            return seal_error_set(err, SEAL_INVALID,
                                  "a ledger.created event is written only when the ledger is "
                                  "created");
        }
        if (l->staged_time != INT64_MIN && t < l->staged_time) {
            if (l->test_clock) {
                return refuse_time(l, t, err);
            }
            char ts[32], last[32];
            seal_time_format(ts, sizeof(ts), t);
            seal_time_format(last, sizeof(last), l->staged_time);
            if (l->staged_time - t > SEAL_LEDGER_CLOCK_SLACK) {
                SEAL_LOG(SEAL_LOG_WARN,
                         "ledger %s: the clock (%s) is %lld s behind the last event; "
                         "event stamped %s",
                         l->origin, ts, (long long) (l->staged_time - t), last);
            }
            restamp = true;
            t = l->staged_time;
        }
    }
    uint64_t off = l->jsize + l->pending.len + 3;
    seal_status s = seal_buf_append_byte(&l->pending, REC_ENTRY);
    if (s == SEAL_OK) {
        s = seal_buf_append_u16le(&l->pending, (uint16_t) len);
    }
    if (s == SEAL_OK && len > 0) {
        s = seal_buf_append(&l->pending, entry, len);
    }
    if (s == SEAL_OK && restamp) {
        /* same length, so the record stays canonical */
        char ts[32];
        seal_time_format(ts, sizeof(ts), t);
        memcpy(l->pending.data + (off - l->jsize) + at, ts, TIME_LEN);
    }
    if (s == SEAL_OK) {
        s = offs_push(l, off);
    }
    if (s == SEAL_OK) {
        if (index != NULL) {
            *index = seal_merkle_size(l->tree);
        }
        s = seal_merkle_append(l->tree, l->pending.data + (off - l->jsize), len);
    }
    if (s != SEAL_OK) {
        return seal_error_set(err, s, "out of memory");
    }
    if (at != SIZE_MAX) {
        l->staged_time = t;
    }
    return SEAL_OK;
}

static void drop_staged(seal_ledger *l)
{
    seal_merkle_truncate(l->tree, l->acked);
    seal_buf_reset(&l->pending);
    l->staged_time = l->last_time;
}

static seal_status commit_locked(seal_ledger *l, seal_error *err)
{
    uint64_t size = seal_merkle_size(l->tree);
    if (size == l->acked) {
        return SEAL_OK;
    }
    uint8_t root[SEAL_HASH_SIZE];
    seal_status s = seal_merkle_root(l->tree, size, root);
    if (s == SEAL_OK) {
        s = seal_buf_append_byte(&l->pending, REC_COMMIT);
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_u64le(&l->pending, size);
    }
    if (s == SEAL_OK) {
        s = seal_buf_append(&l->pending, root, SEAL_HASH_SIZE);
    }
    if (s != SEAL_OK) {
        drop_staged(l);
        return seal_error_set(err, s, "out of memory");
    }
    size_t done = 0;
    while (done < l->pending.len) {
        ssize_t w = pwrite(l->jfd, l->pending.data + done, l->pending.len - done,
                           (off_t) (l->jsize + done));
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            break;
        }
        done += (size_t) w;
    }
    if (done != l->pending.len || (!l->no_sync && fdatasync(l->jfd) != 0)) {
        /* Not acknowledged: cut the journal back so the next commit does
         * not sit after a half-written batch. */
        (void) ftruncate(l->jfd, (off_t) l->jsize);
        drop_staged(l);
        return seal_error_set(err, SEAL_IO, "%s: journal write failed (%s)", l->dir,
                              strerror(errno));
    }
    uint64_t old = l->acked;
    l->jsize += l->pending.len;
    l->acked = size;
    l->last_time = l->staged_time;
    seal_buf_reset(&l->pending);
    s = write_tiles(l, old, size, false);
    if (s != SEAL_OK) {
        /* The entries are durable; tiles are rebuilt on the next open. */
        SEAL_LOG(SEAL_LOG_WARN, "ledger %s: tiles not written (%s); rebuilt on next open",
                 l->origin, seal_status_name(s));
    }
    return SEAL_OK;
}

seal_status seal_ledger_stage(seal_ledger *l, const void *entry, size_t len, uint64_t *index,
                              seal_error *err)
{
    pthread_mutex_lock(&l->mu);
    seal_status s = stage_locked(l, entry, len, index, err);
    pthread_mutex_unlock(&l->mu);
    return s;
}

seal_status seal_ledger_commit(seal_ledger *l, seal_error *err)
{
    pthread_mutex_lock(&l->mu);
    seal_status s = commit_locked(l, err);
    pthread_mutex_unlock(&l->mu);
    return s;
}

seal_status seal_ledger_append_batch(seal_ledger *l, const void *const *entries, const size_t *lens,
                                     size_t n, uint64_t *first_index, seal_error *err)
{
    pthread_mutex_lock(&l->mu);
    seal_status s = SEAL_OK;
    uint64_t first = seal_merkle_size(l->tree);
    for (size_t i = 0; i < n && s == SEAL_OK; i++) {
        s = stage_locked(l, entries[i], lens[i], NULL, err);
    }
    if (s == SEAL_OK) {
        s = commit_locked(l, err);
    } else {
        drop_staged(l);
    }
    pthread_mutex_unlock(&l->mu);
    if (s == SEAL_OK && first_index != NULL) {
        *first_index = first;
    }
    return s;
}

seal_status seal_ledger_append(seal_ledger *l, const void *entry, size_t len, uint64_t *index,
                               seal_error *err)
{
    const void *e[1] = {entry};
    return seal_ledger_append_batch(l, e, &len, 1, index, err);
}

bool seal_ledger_test_clock(const seal_ledger *l)
{
    return l->test_clock;
}

int64_t seal_ledger_last_time(seal_ledger *l)
{
    pthread_mutex_lock(&l->mu);
    int64_t t = l->staged_time;
    pthread_mutex_unlock(&l->mu);
    return t;
}

seal_status seal_ledger_dir_test_clock(const char *dir, bool *test_clock, seal_error *err)
{
    *test_clock = false;
    seal_buf p;
    seal_buf_init(&p);
    seal_status s = seal_buf_printf(&p, "%s/journal", dir);
    if (s != SEAL_OK) {
        seal_buf_cleanup(&p);
        return seal_error_set(err, s, "out of memory");
    }
    int fd = open(seal_buf_str(&p), O_RDONLY | O_CLOEXEC);
    seal_buf_cleanup(&p);
    if (fd < 0) {
        return seal_error_set(err, errno == ENOENT ? SEAL_NOTFOUND : SEAL_IO,
                              "%s: cannot open journal (%s)", dir, strerror(errno));
    }
    /* magic, then the first entry record and the commit record after it */
    uint8_t b[JOURNAL_MAGIC_LEN + 3 + 128 + 1];
    ssize_t n = pread(fd, b, sizeof(b), 0);
    close(fd);
    if (n >= JOURNAL_MAGIC_LEN + 3 && memcmp(b, JOURNAL_MAGIC, JOURNAL_MAGIC_LEN) == 0 &&
        b[JOURNAL_MAGIC_LEN] == REC_ENTRY) {
        size_t len = (size_t) b[JOURNAL_MAGIC_LEN + 1] | ((size_t) b[JOURNAL_MAGIC_LEN + 2] << 8);
        size_t at = JOURNAL_MAGIC_LEN + 3;
        *test_clock =
            at + len < (size_t) n && b[at + len] == REC_COMMIT && is_test_genesis(b + at, len);
    }
    return SEAL_OK;
}

uint64_t seal_ledger_size(seal_ledger *l)
{
    pthread_mutex_lock(&l->mu);
    uint64_t n = l->acked;
    pthread_mutex_unlock(&l->mu);
    return n;
}

seal_status seal_ledger_root(seal_ledger *l, uint64_t size, uint8_t out[SEAL_HASH_SIZE])
{
    pthread_mutex_lock(&l->mu);
    seal_status s = size > l->acked ? SEAL_INVALID : seal_merkle_root(l->tree, size, out);
    pthread_mutex_unlock(&l->mu);
    return s;
}

seal_status seal_ledger_entry(seal_ledger *l, uint64_t index, seal_buf *out, seal_error *err)
{
    pthread_mutex_lock(&l->mu);
    seal_status s = SEAL_OK;
    if (index >= l->acked) {
        s = seal_error_set(err, SEAL_NOTFOUND, "entry %llu is beyond size %llu",
                           (unsigned long long) index, (unsigned long long) l->acked);
        goto out;
    }
    uint8_t hdr[2];
    uint64_t off = l->offs[index];
    if (pread(l->jfd, hdr, 2, (off_t) (off - 2)) != 2) {
        s = seal_error_set(err, SEAL_IO, "journal read failed");
        goto out;
    }
    size_t n = (size_t) hdr[0] | ((size_t) hdr[1] << 8);
    s = seal_buf_reserve(out, n);
    if (s != SEAL_OK) {
        seal_error_set(err, s, "out of memory");
        goto out;
    }
    if (n > 0 && pread(l->jfd, out->data + out->len, n, (off_t) off) != (ssize_t) n) {
        s = seal_error_set(err, SEAL_IO, "journal read failed");
        goto out;
    }
    out->len += n;
    out->data[out->len] = '\0';
out:
    pthread_mutex_unlock(&l->mu);
    return s;
}

seal_status seal_ledger_inclusion_proof(seal_ledger *l, uint64_t index, uint64_t size,
                                        uint8_t (*proof)[SEAL_HASH_SIZE], size_t *proof_len,
                                        seal_error *err)
{
    pthread_mutex_lock(&l->mu);
    seal_status s;
    if (size > l->acked || index >= size) {
        s = seal_error_set(
            err, SEAL_INVALID, "index %llu not in a tree of size %llu (log size %llu)",
            (unsigned long long) index, (unsigned long long) size, (unsigned long long) l->acked);
    } else {
        s = seal_merkle_inclusion_proof(l->tree, index, size, proof, proof_len);
    }
    pthread_mutex_unlock(&l->mu);
    return s;
}

seal_status seal_ledger_consistency_proof(seal_ledger *l, uint64_t size1, uint64_t size2,
                                          uint8_t (*proof)[SEAL_HASH_SIZE], size_t *proof_len,
                                          seal_error *err)
{
    pthread_mutex_lock(&l->mu);
    seal_status s;
    if (size2 > l->acked || size1 > size2 || size1 == 0) {
        s = seal_error_set(
            err, SEAL_INVALID, "no consistency proof from %llu to %llu (log size %llu)",
            (unsigned long long) size1, (unsigned long long) size2, (unsigned long long) l->acked);
    } else {
        s = seal_merkle_consistency_proof(l->tree, size1, size2, proof, proof_len);
    }
    pthread_mutex_unlock(&l->mu);
    return s;
}

seal_status seal_ledger_checkpoint(seal_ledger *l, seal_buf *out, seal_error *err)
{
    pthread_mutex_lock(&l->mu);
    seal_buf text, note, p;
    seal_buf_init(&text);
    seal_buf_init(&note);
    seal_buf_init(&p);
    seal_checkpoint prev, cp;
    bool have = false;
    /* Never sign two inconsistent checkpoints: the new tree must extend the
     * last one signed (C2SP tlog-checkpoint, append-only). */
    seal_status s = check_checkpoint(l, &prev, &have, err);
    if (s == SEAL_OK && have) {
        s = consistent_with(l, &prev, err);
        if (s != SEAL_OK) {
            s = err != NULL ? (err->status = SEAL_REFUSED) : SEAL_REFUSED;
        }
    }
    if (s != SEAL_OK) {
        goto out;
    }
    memset(&cp, 0, sizeof(cp));
    snprintf(cp.origin, sizeof(cp.origin), "%s", l->origin);
    cp.size = l->acked;
    s = seal_merkle_root(l->tree, cp.size, cp.root);
    if (s == SEAL_OK) {
        s = seal_checkpoint_format(&cp, &text);
    }
    if (s == SEAL_OK) {
        s = seal_note_sign(l->signer, (const char *) text.data, text.len, &note, err);
    }
    if (s == SEAL_OK) {
        s = path_of(&p, l, "checkpoint");
    }
    if (s == SEAL_OK) {
        s = seal__write_file(seal_buf_str(&p), note.data, note.len, !l->no_sync, 0644);
        if (s != SEAL_OK) {
            seal_error_set(err, s, "%s: cannot write", seal_buf_str(&p));
        }
    }
    if (s == SEAL_OK) {
        s = seal_buf_append(out, note.data, note.len);
    }
out:
    seal_buf_cleanup(&text);
    seal_buf_cleanup(&note);
    seal_buf_cleanup(&p);
    pthread_mutex_unlock(&l->mu);
    return s;
}

const char *seal_ledger_origin(const seal_ledger *l)
{
    return l->origin;
}

seal_status seal_ledger_vkey(const seal_ledger *l, seal_buf *out)
{
    return seal_note_signer_vkey(l->signer, out);
}

uint64_t seal_ledger_recovered_bytes(const seal_ledger *l)
{
    return l->recovered;
}
