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
# ---- the legal process and the daemon ---------------------------------------
D() { $S --data "$DATA" "$@"; }
say "registries: agencies, a privacy officer, one principal per role (errors if they exist are ignored)"
D agency add usps-pis --name 'Postal Inspection Service HQ' --kind federal --inspection-service 2>/dev/null || true
D principal add po1 --agency usps-pis --role privacy_officer 2>/dev/null || true
D --as po1 agency add quellford-pd --name 'Quellford Police Department' --kind local 2>/dev/null || true
for p in "det1 quellford-pd requester" "rev1 usps-pis reviewer" "ca1 usps-pis cover_approver" \
         "hq1 usps-pis hq_approver" "aud1 usps-pis auditor"; do
    set -- $p
    D --as po1 principal add "$1" --agency "$2" --role "$3" 2>/dev/null || true
done
D --as po1 principal list

say "requests: one approved (active), one under review, one refused"
TODAY=$(date -u +%F)
ISSUED=$(date -u -d '1 day ago' +%FT00:00:00Z)
EXPIRES=$(date -u -d '60 days' +%FT00:00:00Z)
FROM=$(date -u -d '200 days ago' +%F)
TO=$(date -u -d '1 day ago' +%F)
addr=$(head -n 1 "$GEN/account.ndjson" | sed 's/.*"mailing_address":"\([^"]*\)".*/\1/')
name=$(head -n 1 "$GEN/account.ndjson" | sed 's/.*"name":"\([^"]*\)".*/\1/')
request() { # categories subject-name
    cat <<J
{"agency": "quellford-pd", "official": "Det. A. Example, Narcotics",
 "legal_basis": {"type": "subpoena", "reference": "GJ-$TODAY-1", "issued_by": "Grand Jury, District of Examplia",
  "issued_at": "$ISSUED", "expires_at": "$EXPIRES",
  "facts": "The subject received fourteen parcels at this address that were later found to contain a controlled substance."},
 "purpose": {"activity": "criminal_investigation", "offense": "21 USC 841"},
 "subjects": [{"type": "person", "name": "$2", "address": "$addr"}],
 "categories": [$1],
 "window": {"from": "$FROM", "to": "$TO"}}
J
}
request '"identity", "contact"' "$name" > "$GEN/request-subpoena.json"
request '"identity", "payment_detail"' "$name" > "$GEN/request-refused.json"
request '"identity", "contact"' "$name" > "$GEN/request-review.json"
first=$(D --as det1 request submit "$GEN/request-subpoena.json" | sed -n 's/.*"id": "\([^"]*\)".*/\1/p' | head -n 1)
D --as det1 request submit "$GEN/request-refused.json" >/dev/null
D --as det1 request submit "$GEN/request-review.json" >/dev/null
[ -n "$first" ] && D --as rev1 request review "$first" --approve
D --as aud1 request list

if [ -x ./build/sealed ] && [ -z "${SEALED_DEMO_NO_SERVE:-}" ]; then
    say "tokens for each role (shown once; each reissue revokes the previous one)"
    for p in po1 det1 rev1 ca1 hq1 aud1; do
        printf '  %-5s %s\n' "$p" "$($S --data "$DATA" token issue "$p" | tail -n 1)"
    done
    say "starting the daemon: API under /v1/, OpenAPI at /openapi.json (Ctrl-C to stop)"
    exec ./build/sealed --data "$DATA"
fi
say "done; data directory: $DATA"
