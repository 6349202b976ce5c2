#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# run.sh replay TARGET CORPUS      replays every corpus file once
# run.sh short  TARGET CORPUS SEC  fuzzes for SEC seconds; new inputs go to a
#                                  scratch dir, never into the checked-in corpus
set -eu
mode=$1 target=$2 corpus=$3
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 1; }
case $mode in
replay)
    exec "$target" -runs=0 "$corpus" ;;
short)
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    "$target" -max_total_time="$4" -seed=1 -max_len=8192 -timeout=10 \
        -artifact_prefix="$scratch/" "$scratch" "$corpus"
    ;;
*) echo "usage: run.sh replay|short TARGET CORPUS [SEC]" >&2; exit 2 ;;
esac
