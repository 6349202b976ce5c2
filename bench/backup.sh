#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Backups at scale (issue 5, Retention). Generates BENCH_PEOPLE people
# (default 50,000: about 1M records over all kinds), ingests them, then
# BENCH_RUNS times each: `sealctl backup` (re-keyed copy of the record store,
# ledger, manifest), `sealctl backup verify`, `sealctl backup restore` with
# the live key store, and `sealctl keys backup` (a key-store generation).
# Prints JSON with medians (seconds) and backup throughput in MB/s of the
# live store.db, and writes it to bench/out/backup.json.
set -eu
cd "$(dirname "$0")/.."
B=${BUILD:-build}
S=$B/sealctl
PEOPLE=${BENCH_PEOPLE:-50000}
RUNS=${BENCH_RUNS:-3}
W=$(mktemp -d "${BENCH_TMP:-/tmp}/sealed-bench-XXXXXX")
trap 'rm -rf "$W"' EXIT
log() { echo "bench backup: $*" >&2; }
timed() { /usr/bin/time -f "%e" -o "$W/t" "$@" >/dev/null 2>"$W/err" || { cat "$W/err" >&2; exit 1; }; cat "$W/t"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

log "generating and ingesting $PEOPLE people"
$S gen --seed 1 --people "$PEOPLE" --days 30 --out "$W/gen" >/dev/null
$S --data "$W/var" --now 2026-01-01 init --test-clock >/dev/null
for k in account web_visit tracking payment address_change; do
    $S --data "$W/var" --quiet ingest "$k" "$W/gen/$k.ndjson" >/dev/null
done
# a few shreds, so the ledger has entries and the backup leaves subjects out
for a in $(head -n 20 "$W/gen/account.ndjson" | sed 's/.*"account_id":"\([^"]*\)".*/\1/'); do
    $S --data "$W/var" shred --account "$a" >/dev/null
done
records=$($S --data "$W/var" --quiet stats --json | sed 's/.*"total": \([0-9]*\).*/\1/')
store_bytes=$(stat -c %s "$W/var/store.db")
keys_bytes=$(stat -c %s "$W/var/keys.db")

: > "$W/b"; : > "$W/v"; : > "$W/r"; : > "$W/k"
for r in $(seq 1 "$RUNS"); do
    log "run $r/$RUNS: backup"
    timed $S --data "$W/var" backup "$W/out$r" >> "$W/b"
    log "run $r/$RUNS: verify"
    timed $S backup verify "$W/out$r" >> "$W/v"
    log "run $r/$RUNS: restore"
    timed $S --data "$W/var" backup restore "$W/out$r" --to "$W/restored$r" >> "$W/r"
    log "run $r/$RUNS: keys backup"
    timed $S --data "$W/var" --now "2030-01-0${r}T00:00:00Z" keys backup --folder "$W/gens" >> "$W/k"
    backup_bytes=$(du -sb "$W/out$r" | cut -f1)
    rm -rf "$W/restored$r"
    if [ "$r" -lt "$RUNS" ]; then rm -rf "$W/out$r"; fi
done
b=$(median < "$W/b"); v=$(median < "$W/v"); rs=$(median < "$W/r"); k=$(median < "$W/k")
mkdir -p bench/out
awk -v runs="$RUNS" -v people="$PEOPLE" -v records="$records" -v sb="$store_bytes" \
    -v kb="$keys_bytes" -v bb="$backup_bytes" -v b="$b" -v v="$v" -v rs="$rs" -v k="$k" 'BEGIN {
    printf "{\"bench\": \"backup\", \"runs\": %d, \"people\": %d, \"records\": %d,\n", runs, people, records
    printf " \"store_db_bytes\": %d, \"keys_db_bytes\": %d, \"backup_bytes\": %d,\n", sb, kb, bb
    printf " \"median_seconds\": {\"backup\": %s, \"verify\": %s, \"restore\": %s, \"keys_backup\": %s},\n", b, v, rs, k
    printf " \"backup_mb_per_s\": %.1f, \"backup_records_per_s\": %.0f, \"restore_records_per_s\": %.0f}\n", sb / 1e6 / b, records / b, records / rs
}' | tee bench/out/backup.json
