#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Production time for one subject with BENCH_RECORDS records (default
# 100,000: one account and 100,000 web visits in 2026, a synthetic ingest
# file), BENCH_RUNS times (default 3; one production per request, so one
# request each), median. Then the index of requests' ledger events: with
# BENCH_FILLER other ledger events (default 200,000) in the ledger,
# bench_produce_events times finding one request's events by a full scan
# (what every production did before the index), building the index from
# nothing (once), and reading it when current (each later production); and
# end to end, the first production after the filler (index catch-up) against
# later ones. Prints one JSON document.
set -eu
cd "$(dirname "$0")/.."
B=${BUILD:-build}
S=$(pwd)/$B/sealctl
N=${BENCH_RECORDS:-100000}
RUNS=${BENCH_RUNS:-3}
FILLER=${BENCH_FILLER:-200000}
W=$(mktemp -d "${BENCH_TMP:-/tmp}/sealed-bench-XXXXXX")
trap 'rm -rf "$W"' EXIT
log() { echo "bench produce: $*" >&2; }
D=$W/data
NOW=2026-11-24
A() { $S --data "$D" --now $NOW --as "$@"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
secs() { python3 -c 'import sys,time; t=time.monotonic(); import subprocess; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); print("%.3f" % (time.monotonic()-t))' "$@"; }

$S --data "$D" --now 2026-01-01 init --test-clock >/dev/null
log "ingesting 1 account and $N visits"
echo '{"account_id":"AC-BENCH","name":"Bench Subject","opened_at":"2026-01-02T03:04:05Z","email":"bench@post.example","mailing_address":"1 Bench Way, Testville CO 80001"}' > "$W/account.ndjson"
python3 - "$N" > "$W/web_visit.ndjson" <<'P'
import sys
n = int(sys.argv[1])
for i in range(n):
    s = 1767225600 + i * (300 * 86400 // n)  # 2026-01-01 onwards, 300 days
    d, r = divmod(s - 1767225600, 86400)
    import datetime
    t = datetime.datetime.fromtimestamp(s, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    print('{"visit_id":"WV-%07d","account_id":"AC-BENCH","at":"%s","ip":"198.51.100.%d",'
          '"page":"/track","user_agent":"Mozilla/5.0 (X11; Linux x86_64)"}' % (i, t, i % 250 + 1))
P
$S --data "$D" --quiet ingest account "$W/account.ndjson" >/dev/null
$S --data "$D" --quiet ingest web_visit "$W/web_visit.ndjson" >/dev/null
$S --data "$D" --now $NOW agency add usps-pis --name 'Postal Inspection Service HQ' --kind federal >/dev/null
$S --data "$D" --now $NOW principal add po1 --agency usps-pis --role privacy_officer >/dev/null
A po1 agency add bench-pd --name 'Bench PD' --kind local >/dev/null
A po1 principal add det1 --agency bench-pd --role requester >/dev/null
A po1 principal add rev1 --agency usps-pis --role reviewer >/dev/null
req() { # reference subject-value
    cat <<J
{"agency": "bench-pd", "official": "Det. B. Ench, Fraud",
 "legal_basis": {"type": "subpoena", "reference": "$1", "issued_by": "Grand Jury, District of Examplia",
  "issued_at": "2026-11-21T00:00:00Z", "expires_at": "2027-02-19T00:00:00Z",
  "facts": "The account received 9 parcels between March and June that were later found to hold counterfeit goods."},
 "purpose": {"activity": "criminal_investigation", "offense": "18 USC 2320"},
 "subjects": [{"type": "account", "value": "$2"}], "categories": ["identity", "contact", "network_session"],
 "window": {"from": "2026-01-01", "to": "2026-12-31"}}
J
}
approved() { # reference subject -> request id
    req "$1" "$2" > "$W/r.json"
    id=$(A det1 request submit "$W/r.json" | sed -n 's/.*"id": "\([^"]*\)".*/\1/p')
    A rev1 request review "$id" --approve >/dev/null
    echo "$id"
}
: > "$W/t"
for r in $(seq 1 "$RUNS"); do
    id=$(approved "B-$r" AC-BENCH)
    log "run $r/$RUNS: produce $id"
    secs $S --data "$D" --now $NOW --as rev1 produce "$id" --out "$W/b$r" >> "$W/t"
done
recs=$(($(wc -l < "$W/b1/subject-1.ndjson")))
med=$(median < "$W/t")
vs=$(python3 -c "import time,subprocess,sys; t=time.monotonic(); subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); print('%.3f' % (time.monotonic()-t))" $S produce verify "$W/b1")

log "appending $FILLER other ledger events"
python3 - "$FILLER" <<'P' | $S log append --dir "$D/ledger" >/dev/null
import sys
for i in range(int(sys.argv[1])):
    print('{"commit":{},"ids":{"other":"O-%07d"},"time":"2026-11-24T00:00:00Z","type":"bench.filler","v":1}' % i)
P
$S log checkpoint --dir "$D/ledger" >/dev/null
i1=$(approved B-scan AC-NOBODY)
first=$(secs $S --data "$D" --now $NOW --as rev1 produce "$i1" --out "$W/s1")
: > "$W/i"
for r in $(seq 1 "$RUNS"); do
    id=$(approved "B-idx-$r" AC-NOBODY)
    secs $S --data "$D" --now $NOW --as rev1 produce "$id" --out "$W/i$r" >> "$W/i"
done
idx=$(median < "$W/i")
ev=$($B/bench/bench_produce_events "$D" "$i1" "$RUNS")
cat <<J
{"bench": "produce", "subject_records": $((N + 1)), "records_produced": $recs, "runs": $RUNS,
 "produce_seconds_median": $med, "produce_seconds": [$(paste -sd, "$W/t")],
 "records_per_second": $(python3 -c "print(round($recs / $med))"),
 "verify_seconds": $vs,
 "ledger_events_before": $FILLER,
 "request_events_first_production_full_scan_seconds": $first,
 "request_events_indexed_production_seconds_median": $idx,
 "request_events_lookup": $ev}
J
