/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the ledger's files: tile paths (C2SP tlog-tiles),
 * node lookups in the in-memory tree, and small file helpers.
 */
#ifndef SEAL_LEDGER_INT_H
#define SEAL_LEDGER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealed/buf.h"
#include "sealed/ledger.h"

#define SEAL__TILE_HEIGHT 8
#define SEAL__TILE_WIDTH 256

/* Hash of the complete subtree of height h at index i (level h holds
 * size >> h nodes). */
seal_status seal__merkle_node(const seal_merkle *m, unsigned h, uint64_t i,
                              uint8_t out[SEAL_HASH_SIZE]) SEAL_MUST_USE;

/* Appends "tile/<level>/<N>[.p/<W>]" (level < 0: "tile/entries/...") to
 * out; w == 0 or 256 means a full tile. C2SP tlog-tiles "Tile paths". */
seal_status seal__tile_path(seal_buf *out, int level, uint64_t n, unsigned w) SEAL_MUST_USE;

/* Whole file into out (appended). SEAL_NOTFOUND when it does not exist. */
seal_status seal__read_file(const char *path, seal_buf *out, size_t max) SEAL_MUST_USE;
/* Writes via path.tmp + rename; with sync, fsyncs the file and its dir. */
seal_status seal__write_file(const char *path, const void *data, size_t len, bool sync,
                             int mode) SEAL_MUST_USE;
/* mkdir -p of the parent directories of path. */
seal_status seal__mkdirs_for(const char *path) SEAL_MUST_USE;

#endif
