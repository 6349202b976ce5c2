#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `make run` until the server exists: a scripted demo on the embedded default.
# Generates a synthetic population, initialises ./var (or $SEALED_DATA),
# ingests every record kind, prints the stats, looks up one account exactly,
# shows that a near miss finds nothing, and verifies a raw ledger.
set -eu
cd "$(dirname "$0")/.."
S=./build/sealctl
DATA=${SEALED_DATA:-./var}
GEN=$DATA.demo-input
mkdir -p "$(dirname "$DATA")"
say() { printf '\n== %s\n' "$*"; }

START=$(date -u -d '45 days ago' +%F)
say "generating a synthetic population (seed 42, 2,000 people, 30 days from $START) into $GEN"
rm -rf "$GEN"
$S gen --seed 42 --people 2000 --days 30 --start "$START" --out "$GEN"
ls -l "$GEN"

if [ -e "$DATA/store.db" ]; then
    say "using the existing data directory $DATA"
else
    say "initialising $DATA"
    $S --data "$DATA" init
fi

say "ingesting every record kind (encrypted per subject, blind-indexed)"
for k in account web_visit tracking payment address_change; do
    $S --data "$DATA" ingest "$k" "$GEN/$k.ndjson"
done
say "ingesting the same accounts again: nothing changes (idempotent)"
$S --data "$DATA" ingest account "$GEN/account.ndjson"

say "stats: counts per kind and retention state (no personal data)"
$S --data "$DATA" stats

acct=$(head -n 1 "$GEN/account.ndjson" | sed 's/.*"account_id":"\([^"]*\)".*/\1/')
say "exact lookup of one account ($acct): its own records, decrypted"
$S --data "$DATA" lookup --account "$acct" | head -n 5
say "a near miss (${acct%?}) finds nothing: exact identifiers only"
$S --data "$DATA" lookup --account "${acct%?}" | wc -l

say "the database holds no plaintext identifier"
if grep -a -q "$acct" "$DATA"/*.db; then echo "FOUND (this is a bug)"; else echo "not found in $DATA/*.db"; fi

say "a raw Merkle log: append three entries, sign a checkpoint, prove and verify"
L=$DATA.demo-log
rm -rf "$L"
$S log init --dir "$L" --origin sealed.local/demo
printf 'first\nsecond\nthird\n' | $S log append --dir "$L"
$S log checkpoint --dir "$L"
$S log inclusion --dir "$L" 1
$S log verify --dir "$L"
say "done; data directory: $DATA"
