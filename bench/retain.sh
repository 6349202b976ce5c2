#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Retention sweep throughput (issue 5). Generates BENCH_PEOPLE people
# (default 1,000,000: 1M accounts and ~10M web visits over 30 days from
# 2026-01-01, as bench/ingest.sh does), ingests them once into a cached data
# directory (BENCH_CACHE, default /tmp/sealed-retain-cache-PEOPLE; reused
# while its stamp matches), then BENCH_RUNS times: copies it and runs
# `sealctl retain sweep` as of 2026-04-15, when the visits of the first half
# of January are past their 90 days (deleted) and the rest past their 30
# (IP truncated): every visit is rewritten or deleted. Also one dry run (the
# scan and classification alone) and exact-lookup latency on the cached
# store. Prints JSON (also to bench/out/retain.json).
set -eu
cd "$(dirname "$0")/.."
B=${BUILD:-build}
S=$B/sealctl
PEOPLE=${BENCH_PEOPLE:-1000000}
RUNS=${BENCH_RUNS:-3}
NOW=2026-04-15
C=${BENCH_CACHE:-/tmp/sealed-retain-cache-$PEOPLE}
W=$(mktemp -d "${BENCH_TMP:-/tmp}/sealed-retain-XXXXXX")
trap 'rm -rf "$W"' EXIT
log() { echo "bench retain: $*" >&2; }
stamp="people=$PEOPLE seed=1 days=30 catalogue=$(sha256sum schema/catalogue.json | cut -c1-16)"

if [ "$(cat "$C/stamp" 2>/dev/null)" != "$stamp" ]; then
    log "building the data set in $C (once)"
    rm -rf "$C"
    mkdir -p "$C"
    $S gen --seed 1 --people "$PEOPLE" --days 30 --out "$C/gen" >/dev/null
    for k in account web_visit; do
        $B/bench/bench_ndjson2csv $k < "$C/gen/$k.ndjson" > "$C/$k.csv"
    done
    rm -f "$C/gen/tracking.ndjson" "$C/gen/payment.ndjson" "$C/gen/mail_scan.csv" \
        "$C/gen/web_visit.ndjson"
    $S --data "$C/var" --now 2026-01-01 init --test-clock >/dev/null
    $S --data "$C/var" --quiet ingest account "$C/account.csv" >/dev/null
    $S --data "$C/var" --quiet ingest web_visit "$C/web_visit.csv" >/dev/null
    rm -f "$C/account.csv" "$C/web_visit.csv"
    echo "$stamp" > "$C/stamp"
fi
records=$($S --data "$C/var" --quiet stats --json | sed 's/.*"total": \([0-9]*\).*/\1/')

timed() { /usr/bin/time -f "%e %M" -o "$W/t" "$@" > "$W/out" 2>"$W/err" || { cat "$W/err" >&2; exit 1; }; cat "$W/t"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

log "exact lookups on the cached store ($records records)"
lookup=$($B/bench/bench_lookup "$C/var" "$C/gen/account.ndjson" 20000)

log "dry run (scan and classify only)"
dry=$(timed $S --data "$C/var" --now $NOW --quiet retain sweep --dry-run --json | cut -d' ' -f1)
swept=$(sed -n 's/.*"truncated": \([0-9]*\), "deleted_total": \([0-9]*\),.*/\1 \2/p' "$W/out")

: > "$W/s"
for r in $(seq 1 "$RUNS"); do
    rm -rf "$W/var"
    log "run $r/$RUNS: copy"
    cp -r "$C/var" "$W/var"
    log "run $r/$RUNS: sweep"
    timed $S --data "$W/var" --now $NOW --quiet retain sweep --batch 4096 --json >> "$W/s"
    got=$(sed -n 's/.*"truncated": \([0-9]*\), "deleted_total": \([0-9]*\),.*/\1 \2/p' "$W/out")
    [ "$got" = "$swept" ] || { log "run $r: swept $got, the dry run said $swept"; exit 1; }
done
rm -rf "$W/var"
sec=$(cut -d' ' -f1 "$W/s" | median)
rss=$(cut -d' ' -f2 "$W/s" | sort -n | tail -1)

mkdir -p bench/out
echo "$swept" | awk -v records="$records" -v sec="$sec" -v dry="$dry" -v rss="$rss" \
    -v runs="$RUNS" -v lookup="$lookup" '{
    printf "{\"bench\": \"retain\", \"runs\": %d, \"store_records\": %d, \"truncated\": %d, \"deleted\": %d,\n", runs, records, $1, $2
    printf " \"median_seconds\": %s, \"swept_records_per_s\": %.0f, \"scanned_records_per_s\": %.0f,\n", sec, ($1 + $2) / sec, records / sec
    printf " \"dry_run_seconds\": %s, \"dry_run_records_per_s\": %.0f, \"peak_rss_kib\": %d,\n", dry, records / dry, rss
    printf " \"lookup\": %s}\n", lookup
}' | tee bench/out/retain.json
