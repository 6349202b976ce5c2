/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The data directory's configuration (DIR/sealed.conf): "name = value" lines,
 * '#' comments. One table (src/core/config.c) declares every setting: name,
 * type, default and help; parsing, validation and docs/config.md come from it.
 * Config holds key file paths, never keys.
 */
#ifndef SEALED_CONFIG_H
#define SEALED_CONFIG_H

#include <stdio.h>

#include "sealed/status.h"

typedef struct seal_config {
    char backend[16];           /* "sqlite" */
    char master_key_file[1024]; /* absolute, or relative to the data directory */
} seal_config;

/* Defaults for every setting. */
void seal_config_init(seal_config *cfg);
/* Reads DIR/sealed.conf over the defaults; a missing file keeps defaults.
 * Errors name file and line. */
seal_status seal_config_load(seal_config *cfg, const char *dir, seal_error *err) SEAL_MUST_USE;
/* Writes the settings table as Markdown (docs/config.md). */
void seal_config_describe(FILE *out);

#endif
