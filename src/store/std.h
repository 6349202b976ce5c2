/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The store's single entry to the standardisers (src/address for addresses,
 * src/core/ident for the rest): one function from an index type and a raw
 * value to the standardised form that blind indexes hash.
 */
#ifndef SEAL_STORE_STD_H
#define SEAL_STORE_STD_H

#include "sealed/buf.h"
#include "sealed/schema.h"

/* Appends the standardised form of v to out; SEAL_INVALID with a reason. */
seal_status seal__std_identifier(seal_index_type type, const char *v, size_t n, seal_buf *out,
                                 seal_error *err) SEAL_MUST_USE;
/* One number that changes whenever any standardiser changes. */
int seal__std_version(void);

#endif
