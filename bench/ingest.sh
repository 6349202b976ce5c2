#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Ingest and lookup at scale (issue 2). Generates BENCH_PEOPLE people (default
# 1,000,000: 1M accounts, ~10M web visits), then, BENCH_RUNS times each:
#   - sqlite3 CLI: .import of the same rows as plain CSV (the peer)
#   - sealctl ingest of the same CSV (encryption + blind indexes), and NDJSON
# and prints medians, the ratio, peak RSS for a tenth and for all of the
# visits file (memory must not grow with input), and exact-lookup latency.
set -eu
cd "$(dirname "$0")/.."
B=${BUILD:-build}
S=$B/sealctl
PEOPLE=${BENCH_PEOPLE:-1000000}
RUNS=${BENCH_RUNS:-3}
W=$(mktemp -d "${BENCH_TMP:-/tmp}/sealed-bench-XXXXXX")
trap 'rm -rf "$W"' EXIT
log() { echo "bench ingest: $*" >&2; }

log "generating $PEOPLE people"
$S gen --seed 1 --people "$PEOPLE" --days 30 --out "$W/gen" >/dev/null
for k in account web_visit; do
    $B/bench/bench_ndjson2csv $k < "$W/gen/$k.ndjson" > "$W/$k.csv"
done
acc=$(($(wc -l < "$W/account.csv") - 1))
vis=$(($(wc -l < "$W/web_visit.csv") - 1))
rows=$((acc + vis))

# prints "seconds peak_kib"
timed() { /usr/bin/time -f "%e %M" -o "$W/t" "$@" >/dev/null 2>"$W/err" || { cat "$W/err" >&2; exit 1; }; cat "$W/t"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

: > "$W/peer"; : > "$W/csv"; : > "$W/nd"
for r in $(seq 1 "$RUNS"); do
    rm -f "$W/plain.db"
    log "run $r/$RUNS: sqlite3 .import"
    timed sqlite3 "$W/plain.db" -cmd ".mode csv" ".import $W/account.csv account" \
        ".import $W/web_visit.csv web_visit" | cut -d' ' -f1 >> "$W/peer"
    $S --data "$W/var" init >/dev/null
    log "run $r/$RUNS: sealctl ingest (CSV)"
    a=$(timed $S --data "$W/var" --quiet ingest account "$W/account.csv" | cut -d' ' -f1)
    v=$(timed $S --data "$W/var" --quiet ingest web_visit "$W/web_visit.csv")
    echo "$a $v" | awk '{ print $1 + $2 }' >> "$W/csv"
    echo "$v" | cut -d' ' -f2 > "$W/rss_full"
    if [ "$r" -eq 1 ]; then # NDJSON differs only in parsing: one run
        rm -rf "$W/var2"; $S --data "$W/var2" init >/dev/null
        log "run $r/$RUNS: sealctl ingest (NDJSON)"
        a=$(timed $S --data "$W/var2" --quiet ingest account "$W/gen/account.ndjson" | cut -d' ' -f1)
        v=$(timed $S --data "$W/var2" --quiet ingest web_visit "$W/gen/web_visit.ndjson" | cut -d' ' -f1)
        echo "$a $v" | awk '{ print $1 + $2 }' >> "$W/nd"
        rm -rf "$W/var2"
    fi
    if [ "$r" -lt "$RUNS" ]; then rm -rf "$W/var"; fi
done
peer=$(median < "$W/peer"); csv=$(median < "$W/csv"); nd=$(median < "$W/nd")

log "peak memory: a tenth of the visits"
head -n $((vis / 10 + 1)) "$W/web_visit.csv" > "$W/tenth.csv"
rm -rf "$W/var3"; $S --data "$W/var3" init >/dev/null
rss_tenth=$(timed $S --data "$W/var3" --quiet ingest web_visit "$W/tenth.csv" | cut -d' ' -f2)
rm -rf "$W/var3"

log "exact lookups"
lookup=$($B/bench/bench_lookup "$W/var" "$W/gen/account.ndjson" 20000)
records=$($S --data "$W/var" --quiet stats --json | sed 's/.*"total": \([0-9]*\).*/\1/')

awk -v rows="$rows" -v acc="$acc" -v vis="$vis" -v peer="$peer" -v csv="$csv" -v nd="$nd" \
    -v rt="$rss_tenth" -v rf="$(cat "$W/rss_full")" -v runs="$RUNS" -v records="$records" \
    -v lookup="$lookup" 'BEGIN {
    printf "{\"bench\": \"ingest\", \"runs\": %d, \"accounts\": %d, \"web_visits\": %d,\n", runs, acc, vis
    printf " \"sqlite3_import_rows_per_s\": %.0f, \"sealed_csv_records_per_s\": %.0f, \"sealed_ndjson_records_per_s\": %.0f,\n", rows / peer, rows / csv, rows / nd
    printf " \"ratio_sealed_csv_to_sqlite3\": %.3f, \"ratio_sealed_ndjson_to_sqlite3\": %.3f,\n", peer / csv, peer / nd
    printf " \"median_seconds\": {\"sqlite3\": %s, \"sealed_csv\": %s, \"sealed_ndjson\": %s},\n", peer, csv, nd
    printf " \"peak_rss_kib\": {\"visits_tenth\": %d, \"visits_full\": %d},\n", rt, rf
    printf " \"store_records\": %d, \"lookup\": %s}\n", records, lookup
}'
