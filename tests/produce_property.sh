#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The end-to-end property test of productions (issue 5): random requests over
# a generated population, each bundle checked by a second, independent reader
# (tests/produce_property.py, Python standard library only) against the
# generated files. 20 requests; SEAL_STRESS=1 runs 200. Deterministic seed
# (SEAL_PROPERTY_SEED overrides it).
# labels: property
set -euo pipefail
S=${SEALCTL:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=20
if [ "${SEAL_STRESS:-0}" = 1 ]; then n=200; fi
python3 "$(dirname "$0")/produce_property.py" "$S" "$T" "$n" "${SEAL_PROPERTY_SEED:-5}"
