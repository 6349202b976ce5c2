#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Address standardiser throughput (normalize and key) on generated spelling
# variants; prints one JSON document (median of $RUNS runs).
# Env: BUILD (build dir, default build), N (addresses, default 200000), RUNS (default 7).
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
if [ ! -x "$BUILD/bench/bench_address" ]; then
    cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release > /dev/null
    cmake --build "$BUILD" --target bench_address -j2 > /dev/null
fi
exec "$BUILD/bench/bench_address" "${N:-200000}" "${RUNS:-7}"
