/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The two things src/store/backup.c needs from an open store's secrets: a
 * data key unwrapped from a key store of this data directory (the live one
 * or a generation of it), and whether a key store's master-key check opens
 * under this store's master key. The key never leaves the caller's buffer;
 * the master key never leaves store.c.
 */
#ifndef SEAL_STORE_STORE_BACKUP_H
#define SEAL_STORE_STORE_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "sealed/status.h"
#include "sealed/store.h"

/* Unwraps a wrapped data key (as stored in data_key.wrapped) of subject
 * (SEAL_HASH_BYTES) into key (32 bytes). SEAL_CRYPTO when it does not open. */
seal_status seal__store_unwrap_key(const seal_store *st, const uint8_t *subject,
                                   const uint8_t *wrapped, size_t len, uint8_t *key) SEAL_MUST_USE;
/* SEAL_OK when a key store's "check" value opens under this store's master key. */
seal_status seal__store_check_opens(const seal_store *st, const uint8_t *wrapped,
                                    size_t len) SEAL_MUST_USE;

#endif
