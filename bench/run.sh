#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs every bench/<name>.sh (or only those named in $BENCH, space-separated).
# Each prints one JSON document on stdout; a copy goes to bench/out/<name>.json.
# Benches build on `make build` (build/), run their peers in the same run,
# and quote medians and ratios: the machine is shared and noisy.
set -eu
cd "$(dirname "$0")/.."
mkdir -p bench/out
for b in bench/*.sh; do
    name=$(basename "$b" .sh)
    [ "$name" = run ] && continue
    if [ -n "${BENCH:-}" ] && ! echo " $BENCH " | grep -q " $name "; then
        continue
    fi
    echo "bench: $name" >&2
    sh "$b" > "bench/out/$name.json"
    cat "bench/out/$name.json"
done
