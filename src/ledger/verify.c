/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The offline verifier: checks a published log directory using only what a
 * static file server serves (checkpoint, tile/...). It recomputes every leaf
 * hash from the entry bundles, checks them against the level-0 tiles,
 * rebuilds the tree and checks every higher tile level and the checkpoint's
 * root, and optionally an earlier checkpoint's consistency with the latest.
 */
#include <string.h>
#include <unistd.h>

#include "ledger/ledger_int.h"
#include "sealed/alloc.h"
#include "sealed/note.h"

/* Reads tile t at level (entries when level < 0) holding at least `width`
 * items: the exact partial, else the full tile, else a wider partial (tiles
 * only grow, so any of them carries the same prefix). */
static seal_status read_tile(const char *dir, int level, uint64_t t, unsigned width, seal_buf *out,
                             seal_buf *name)
{
    seal_status s = SEAL_NOTFOUND;
    for (unsigned w = width; w <= SEAL__TILE_WIDTH && s == SEAL_NOTFOUND; w++) {
        seal_buf_reset(out);
        seal_buf_reset(name);
        s = seal__tile_path(name, level, t, w);
        if (s != SEAL_OK) {
            return s;
        }
        seal_buf p;
        seal_buf_init(&p);
        s = seal_buf_printf(&p, "%s/%s", dir, seal_buf_str(name));
        if (s == SEAL_OK) {
            s = seal__read_file(seal_buf_str(&p), out, 64u << 20);
        }
        seal_buf_cleanup(&p);
        if (s == SEAL_NOTFOUND && w < SEAL__TILE_WIDTH) {
            /* try the full tile next, then the wider partials */
            seal_buf_reset(name);
            seal_buf q;
            seal_buf_init(&q);
            s = seal__tile_path(name, level, t, 0);
            if (s == SEAL_OK) {
                s = seal_buf_printf(&q, "%s/%s", dir, seal_buf_str(name));
            }
            if (s == SEAL_OK) {
                seal_buf_reset(out);
                s = seal__read_file(seal_buf_str(&q), out, 64u << 20);
            }
            seal_buf_cleanup(&q);
        }
    }
    return s;
}

static seal_status verify_note(const char *what, const char *msg, size_t len,
                               const seal_note_verifier *v, seal_checkpoint *cp, seal_error *err)
{
    size_t tl = 0;
    const seal_note_verifier *vs[1] = {v};
    seal_status s = seal_note_verify(msg, len, vs, 1, &tl, err);
    if (s == SEAL_OK) {
        s = seal_checkpoint_parse(msg, tl, cp, err);
    }
    if (s != SEAL_OK) {
        seal_error_prefix(err, "%s", what);
        return s;
    }
    if (strcmp(cp->origin, seal_note_verifier_name(v)) != 0) {
        return seal_error_set(err, SEAL_VERIFY, "%s: origin '%s' does not match the key name '%s'",
                              what, cp->origin, seal_note_verifier_name(v));
    }
    return SEAL_OK;
}

seal_status seal_ledger_verify_dir(const char *dir, const char *vkey, const char *since,
                                   size_t since_len, seal_verify_result *res, seal_error *err)
{
    seal_buf b, tile, name, vk;
    seal_buf_init(&b);
    seal_buf_init(&tile);
    seal_buf_init(&name);
    seal_buf_init(&vk);
    seal_note_verifier *v = NULL;
    seal_merkle *m = NULL;
    seal_checkpoint cp, old;
    seal_status s;
    memset(res, 0, sizeof(*res));

    if (vkey == NULL) {
        s = seal_buf_printf(&b, "%s/vkey", dir);
        if (s == SEAL_OK) {
            s = seal__read_file(seal_buf_str(&b), &vk, 4096);
        }
        if (s != SEAL_OK) {
            seal_error_set(err, s == SEAL_NOTFOUND ? SEAL_KEY : s,
                           "%s: no verifier key (give one with --key)", seal_buf_str(&b));
            goto out;
        }
        vkey = seal_buf_str(&vk);
    }
    s = seal_note_verifier_new(vkey, strlen(vkey), &v, err);
    if (s != SEAL_OK) {
        goto out;
    }
    seal_buf_reset(&b);
    s = seal_buf_printf(&b, "%s/checkpoint", dir);
    if (s == SEAL_OK) {
        seal_buf_reset(&tile);
        s = seal__read_file(seal_buf_str(&b), &tile, SEAL_NOTE_MAX_SIZE);
    }
    if (s != SEAL_OK) {
        seal_error_set(err, s == SEAL_NOTFOUND ? SEAL_NOTFOUND : s, "%s: no checkpoint",
                       seal_buf_str(&b));
        goto out;
    }
    s = verify_note("checkpoint", (const char *) tile.data, tile.len, v, &cp, err);
    if (s != SEAL_OK) {
        goto out;
    }
    res->checkpoint_size = cp.size;
    s = seal_merkle_new(&m);
    if (s != SEAL_OK) {
        seal_error_set(err, s, "out of memory");
        goto out;
    }
    /* Level 0: entry bundles against hash tiles, leaf by leaf. */
    for (uint64_t t = 0; t * SEAL__TILE_WIDTH < cp.size; t++) {
        uint64_t left = cp.size - t * SEAL__TILE_WIDTH;
        unsigned w = left >= SEAL__TILE_WIDTH ? SEAL__TILE_WIDTH : (unsigned) left;
        s = read_tile(dir, -1, t, w, &b, &name);
        if (s == SEAL_NOMEM) {
            seal_error_set(err, s, "out of memory");
            goto out;
        }
        if (s != SEAL_OK) {
            seal_error_set(err, SEAL_CORRUPT, "%s: entry bundle missing or unreadable",
                           seal_buf_str(&name));
            goto out;
        }
        seal_buf entries = b;
        seal_buf_init(&b);
        s = read_tile(dir, 0, t, w, &tile, &name);
        if (s == SEAL_NOMEM) {
            seal_buf_cleanup(&entries);
            seal_error_set(err, s, "out of memory");
            goto out;
        }
        if (s != SEAL_OK || tile.len < (size_t) w * SEAL_HASH_SIZE) {
            seal_buf_cleanup(&entries);
            s = seal_error_set(err, SEAL_CORRUPT, "%s: hash tile missing or short",
                               seal_buf_str(&name));
            goto out;
        }
        seal_cursor c;
        seal_cursor_init(&c, entries.data, entries.len);
        for (unsigned i = 0; i < w; i++) {
            uint8_t hi = 0, lo = 0;
            const uint8_t *data = NULL;
            if (seal_cursor_u8(&c, &hi) != SEAL_OK || seal_cursor_u8(&c, &lo) != SEAL_OK ||
                seal_cursor_take(&c, &data, ((size_t) hi << 8) | lo) != SEAL_OK) {
                seal_buf_cleanup(&entries);
                s = seal_error_set(err, SEAL_CORRUPT,
                                   "tile/entries bundle %llu: truncated at entry %u",
                                   (unsigned long long) t, i);
                goto out;
            }
            uint8_t leaf[SEAL_HASH_SIZE];
            seal_merkle_leaf_hash(leaf, data, ((size_t) hi << 8) | lo);
            if (memcmp(leaf, tile.data + (size_t) i * SEAL_HASH_SIZE, SEAL_HASH_SIZE) != 0) {
                seal_buf_cleanup(&entries);
                s = seal_error_set(
                    err, SEAL_CORRUPT, "%s: hash %u does not match entry %llu of its bundle",
                    seal_buf_str(&name), i, (unsigned long long) (t * SEAL__TILE_WIDTH + i));
                goto out;
            }
            s = seal_merkle_append_hash(m, leaf);
            if (s != SEAL_OK) {
                seal_buf_cleanup(&entries);
                seal_error_set(err, s, "out of memory");
                goto out;
            }
        }
        seal_buf_cleanup(&entries);
    }
    /* Higher levels: each tile hash is the subtree hash of 256 below. */
    for (unsigned level = 1; level * SEAL__TILE_HEIGHT < 64; level++) {
        unsigned h = level * SEAL__TILE_HEIGHT;
        uint64_t count = cp.size >> h;
        if (count == 0) {
            break;
        }
        for (uint64_t t = 0; t * SEAL__TILE_WIDTH < count; t++) {
            uint64_t left = count - t * SEAL__TILE_WIDTH;
            unsigned w = left >= SEAL__TILE_WIDTH ? SEAL__TILE_WIDTH : (unsigned) left;
            s = read_tile(dir, (int) level, t, w, &tile, &name);
            if (s == SEAL_NOMEM) {
                seal_error_set(err, s, "out of memory");
                goto out;
            }
            if (s != SEAL_OK || tile.len < (size_t) w * SEAL_HASH_SIZE) {
                s = seal_error_set(err, SEAL_CORRUPT, "%s: hash tile missing or short",
                                   seal_buf_str(&name));
                goto out;
            }
            for (unsigned i = 0; i < w; i++) {
                uint8_t want[SEAL_HASH_SIZE];
                s = seal__merkle_node(m, h, t * SEAL__TILE_WIDTH + i, want);
                if (s != SEAL_OK ||
                    memcmp(want, tile.data + (size_t) i * SEAL_HASH_SIZE, SEAL_HASH_SIZE) != 0) {
                    s = seal_error_set(err, SEAL_CORRUPT,
                                       "%s: hash %u does not match the tiles below it",
                                       seal_buf_str(&name), i);
                    goto out;
                }
            }
        }
    }
    s = seal_merkle_root(m, cp.size, res->root);
    if (s != SEAL_OK || memcmp(res->root, cp.root, SEAL_HASH_SIZE) != 0) {
        s = seal_error_set(err, SEAL_VERIFY, "checkpoint root does not match the tiles (size %llu)",
                           (unsigned long long) cp.size);
        goto out;
    }
    res->tiles_size = cp.size;
    if (since != NULL) {
        s = verify_note("--since checkpoint", since, since_len, v, &old, err);
        if (s != SEAL_OK) {
            goto out;
        }
        res->since_size = old.size;
        uint8_t proof[SEAL_PROOF_MAX][SEAL_HASH_SIZE];
        size_t n = 0;
        if (old.size > cp.size) {
            s = seal_error_set(err, SEAL_VERIFY,
                               "--since checkpoint (size %llu) is newer than the latest (%llu): "
                               "the log was rolled back",
                               (unsigned long long) old.size, (unsigned long long) cp.size);
            goto out;
        }
        /* RFC 9162 §2.1.4: prove old is a prefix of the latest. */
        if (old.size > 0) {
            s = seal_merkle_consistency_proof(m, old.size, cp.size, proof, &n);
        }
        if (s == SEAL_OK) {
            s = seal_merkle_verify_consistency(old.size, cp.size, old.root, cp.root,
                                               (const uint8_t(*)[SEAL_HASH_SIZE]) proof, n);
        }
        if (s != SEAL_OK) {
            s = seal_error_set(err, SEAL_VERIFY,
                               "--since checkpoint (size %llu) is not consistent with the latest "
                               "(size %llu): the log was rewritten",
                               (unsigned long long) old.size, (unsigned long long) cp.size);
            goto out;
        }
    }
out:
    seal_merkle_free(m);
    seal_note_verifier_free(v);
    seal_buf_cleanup(&b);
    seal_buf_cleanup(&tile);
    seal_buf_cleanup(&name);
    seal_buf_cleanup(&vk);
    return s;
}

/* Reads what a static server would serve (no lock: a writer may hold the
 * ledger meanwhile); entries past the signed checkpoint are not yet
 * acknowledged and are not visited. */
seal_status seal_ledger_scan_dir(const char *dir, seal_ledger_scan_fn cb, void *ud, uint64_t *size,
                                 seal_error *err)
{
    seal_buf b, tile, name, vk;
    seal_buf_init(&b);
    seal_buf_init(&tile);
    seal_buf_init(&name);
    seal_buf_init(&vk);
    seal_note_verifier *v = NULL;
    seal_merkle *m = NULL;
    seal_checkpoint cp;
    *size = 0;
    seal_status s = seal_buf_printf(&b, "%s/checkpoint", dir);
    if (s == SEAL_OK) {
        s = seal__read_file(seal_buf_str(&b), &tile, SEAL_NOTE_MAX_SIZE);
    }
    if (s == SEAL_NOTFOUND) {
        /* a ledger never checkpointed holds no acknowledged entry, unless
         * its entry tiles say otherwise */
        seal_buf_reset(&b);
        s = seal_buf_printf(&b, "%s/tile/entries", dir);
        if (s == SEAL_OK && access(seal_buf_str(&b), F_OK) == 0) {
            s = seal_error_set(err, SEAL_CORRUPT, "%s/checkpoint: missing", dir);
        }
        goto out;
    }
    if (s != SEAL_OK) {
        seal_error_set(err, s, "%s/checkpoint: unreadable", dir);
        goto out;
    }
    seal_buf_reset(&b);
    if ((s = seal_buf_printf(&b, "%s/vkey", dir)) == SEAL_OK) {
        s = seal__read_file(seal_buf_str(&b), &vk, 4096);
    }
    if (s != SEAL_OK) {
        seal_error_set(err, s == SEAL_NOTFOUND ? SEAL_KEY : s, "%s: no verifier key",
                       seal_buf_str(&b));
        goto out;
    }
    if ((s = seal_note_verifier_new((const char *) vk.data, vk.len, &v, err)) != SEAL_OK ||
        (s = verify_note("checkpoint", (const char *) tile.data, tile.len, v, &cp, err)) !=
            SEAL_OK) {
        goto out;
    }
    if ((s = seal_merkle_new(&m)) != SEAL_OK) {
        seal_error_set(err, s, "out of memory");
        goto out;
    }
    for (uint64_t t = 0; t * SEAL__TILE_WIDTH < cp.size && s == SEAL_OK; t++) {
        uint64_t left = cp.size - t * SEAL__TILE_WIDTH;
        unsigned w = left >= SEAL__TILE_WIDTH ? SEAL__TILE_WIDTH : (unsigned) left;
        s = read_tile(dir, -1, t, w, &b, &name);
        if (s != SEAL_OK) {
            s = seal_error_set(err, SEAL_CORRUPT, "%s: entry bundle missing or unreadable",
                               seal_buf_str(&name));
            goto out;
        }
        seal_cursor c;
        seal_cursor_init(&c, b.data, b.len);
        for (unsigned i = 0; i < w && s == SEAL_OK; i++) {
            uint8_t hi = 0, lo = 0;
            const uint8_t *data = NULL;
            if (seal_cursor_u8(&c, &hi) != SEAL_OK || seal_cursor_u8(&c, &lo) != SEAL_OK ||
                seal_cursor_take(&c, &data, ((size_t) hi << 8) | lo) != SEAL_OK) {
                s = seal_error_set(err, SEAL_CORRUPT,
                                   "tile/entries bundle %llu: truncated at entry %u",
                                   (unsigned long long) t, i);
                goto out;
            }
            uint8_t leaf[SEAL_HASH_SIZE];
            seal_merkle_leaf_hash(leaf, data, ((size_t) hi << 8) | lo);
            if ((s = seal_merkle_append_hash(m, leaf)) != SEAL_OK) {
                seal_error_set(err, s, "out of memory");
                goto out;
            }
            s = cb(data, ((size_t) hi << 8) | lo, t * SEAL__TILE_WIDTH + i, ud, err);
        }
    }
    /* the entries visited are the ones the checkpoint signed */
    uint8_t root[SEAL_HASH_SIZE];
    if (s == SEAL_OK && cp.size > 0 &&
        (seal_merkle_root(m, cp.size, root) != SEAL_OK ||
         memcmp(root, cp.root, SEAL_HASH_SIZE) != 0)) {
        s = seal_error_set(err, SEAL_VERIFY,
                           "checkpoint root does not match the entry bundles (size %llu)",
                           (unsigned long long) cp.size);
    }
    if (s == SEAL_OK) {
        *size = cp.size;
    }
out:
    seal_merkle_free(m);
    seal_note_verifier_free(v);
    seal_buf_cleanup(&b);
    seal_buf_cleanup(&tile);
    seal_buf_cleanup(&name);
    seal_buf_cleanup(&vk);
    return s;
}
