#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# make stress: the full Merkle proof sweep (every size up to 300, random
# sizes up to 10^6, single-bit mutations) of tests/test_ledger_merkle.c.
# labels: stress
set -eu
SEAL_STRESS=1 exec "$SEAL_BUILD_DIR/tests/test_ledger_merkle"
