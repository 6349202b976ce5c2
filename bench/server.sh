#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The daemon under load (issue 7, "Load and figures"): wrk on loopback
# against the public ledger reads (checkpoint, a tile, an inclusion proof
# when the route exists), request check and durable request submission.
# Makes a data directory with a requester and its token, starts `sealed` on
# a free port, and for each endpoint and each connection count in
# SERVER_BENCH_CONNS runs wrk SERVER_BENCH_RUNS times for SERVER_BENCH_SECS
# seconds; prints medians of requests/s and p50/p99 latency per point, and
# for each goal the fewest connections that reach it with the p99 there.
# wrk is closed-loop: "p99 at the goal's rate" is the p99 of the run that
# first reaches that rate. Also prints this disk's fdatasync latency, which
# bounds what one durable commit costs. wrk and the daemon share the
# machine's cores (2 here) with whatever else runs: the figures are noisy,
# hence medians.
set -eu
cd "$(dirname "$0")/.."
B=${SEAL_BUILD_DIR:-build}
S=$B/sealctl
SD=$B/sealed
SECS=${SERVER_BENCH_SECS:-4}
RUNS=${SERVER_BENCH_RUNS:-3}
CONNS=${SERVER_BENCH_CONNS:-2 4 8 16 64}
WT=${SERVER_BENCH_WRK_THREADS:-2}
export WRK_LUA_DIR="$PWD/bench/wrk"
command -v wrk >/dev/null 2>&1 || { echo '{"bench": "server", "skipped": "no wrk"}'; exit 0; }
T=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
D=$T/data
NOW=2026-11-24

# ---- a data directory: a privacy officer, a local agency, its requester ----
"$S" --data "$D" --now 2026-01-01 init --test-clock >/dev/null
"$S" --data "$D" --now $NOW agency add usps-pis --name 'Inspection HQ' --kind federal \
    --inspection-service >/dev/null
"$S" --data "$D" --now $NOW principal add po1 --agency usps-pis --role privacy_officer >/dev/null
"$S" --data "$D" --now $NOW --as po1 agency add quellford-pd --name 'Quellford PD' \
    --kind local >/dev/null
"$S" --data "$D" --now $NOW --as po1 principal add det1 --agency quellford-pd \
    --role requester >/dev/null
WRK_TOKEN=$("$S" --data "$D" token issue det1)
export WRK_TOKEN
export WRK_BODY=$T/subpoena.json
cat > "$WRK_BODY" <<'J'
{"agency": "quellford-pd", "official": "Det. O. Vasquiel, Narcotics",
 "legal_basis": {"type": "subpoena", "reference": "GJ-2026-@SEQ@",
  "issued_by": "Grand Jury, District of Examplia",
  "issued_at": "2026-11-21T00:00:00Z", "expires_at": "2027-02-19T00:00:00Z",
  "facts": "The subject received 14 parcels at this address between March and June that were later found to contain fentanyl."},
 "purpose": {"activity": "criminal_investigation", "offense": "21 USC 841"},
 "subjects": [{"type": "person", "name": "Ima Drovenko", "address": "221 S Tamber St Apt 2, Quellford MN 55001"}],
 "categories": ["identity", "contact"], "window": {"from": "2026-01-01", "to": "2026-10-31"}}
J

# ---- this disk's fdatasync latency (what one durable commit waits for) -----
fsync_us=$(python3 - "$D/fsync.probe" <<'PY'
import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o600)
t = []
for i in range(300):
    a = time.perf_counter()
    os.write(fd, b"x" * 256)
    os.fdatasync(fd)
    t.append((time.perf_counter() - a) * 1e6)
os.close(fd)
os.unlink(sys.argv[1])
t.sort()
print('{"p50_us": %d, "p99_us": %d}' % (t[len(t) // 2], t[len(t) * 99 // 100]))
PY
)

# ---- the daemon -------------------------------------------------------------
# no rate limits: one principal and one address make all the load
SEALED_NOW=$NOW "$SD" --data "$D" --listen 127.0.0.1:0 --max-connections 1024 --per-ip 1024 \
    --rate 0 --public-rate 0 >"$T/out" 2>"$T/log" &
PID=$!
for _ in $(seq 200); do grep -q listening "$T/out" && break; sleep 0.05; done
PORT=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$T/out")
[ -n "$PORT" ] || { echo "server bench: sealed did not start" >&2; cat "$T/log" >&2; exit 1; }
U=http://127.0.0.1:$PORT

# run NAME URL SCRIPT: every connection count, RUNS times each
run() {
    for c in $CONNS; do
        t=$WT
        [ "$t" -gt "$c" ] && t=$c
        for _ in $(seq "$RUNS"); do
            wrk -t"$t" -c"$c" -d"${SECS}s" --timeout 10s -s "$WRK_LUA_DIR/$3" "$2" \
                >"$T/wrk" 2>&1 || true
            line=$(grep '^{"requests"' "$T/wrk" || echo '{}')
            echo "{\"endpoint\": \"$1\", \"connections\": $c, \"run\": $line}" >>"$T/runs"
        done
    done
}

# seed the ledger (tiles to read, a tree to prove in), then measure
wrk -t1 -c8 -d2s -s "$WRK_LUA_DIR/post.lua" "$U/v1/requests" >/dev/null 2>&1 || true
: >"$T/runs"
run checkpoint "$U/v1/ledger/checkpoint" get.lua
tile=$(cd "$D/ledger/tile" && ls 0/000 2>/dev/null || find 0 -type f | head -n 1)
run tile "$U/v1/ledger/tile/$tile" get.lua
size=$(sed -n 2p "$D/ledger/checkpoint")
if curl -fs "$U/openapi.json" | grep -q '/v1/ledger/proof/inclusion'; then
    run proof "$U/v1/ledger/proof/inclusion?index=$((size / 2))&size=$size" get.lua
fi
run check "$U/v1/requests/check" post.lua
run submit "$U/v1/requests" post.lua
kill "$PID"
wait "$PID" 2>/dev/null || true
PID=
entries=$(sed -n 2p "$D/ledger/checkpoint")
requests=$(grep -c 'route=/v1/requests status=201' "$T/log" || true)

python3 - "$T/runs" "$fsync_us" "$SECS" "$RUNS" "$entries" "$requests" <<'PY'
import json, os, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
goals = {"checkpoint": 20000, "tile": 20000, "proof": 20000, "submit": 2000}
P99_GOAL_US = 10000
points = {}
for r in runs:
    points.setdefault((r["endpoint"], r["connections"]), []).append(r["run"])
endpoints = {}
for (ep, c), rs in points.items():
    ok = [x for x in rs if "rps" in x]
    if not ok:
        pt = {"connections": c, "failed": True}
    else:
        med = lambda k: statistics.median(x[k] for x in ok)
        pt = {"connections": c, "rps": round(med("rps")), "p50_ms": round(med("p50_us") / 1000, 2),
              "p99_ms": round(med("p99_us") / 1000, 2), "runs": len(ok),
              "errors": sum(sum(x["errors"].values()) for x in ok)}
    endpoints.setdefault(ep, []).append(pt)
out = {"bench": "server", "machine": {"cpus": os.cpu_count(), "fdatasync": json.loads(sys.argv[2])},
       "method": "wrk -t2 -cN -d%ss --latency over loopback, median of %s runs per point; "
                 "closed loop, so the p99 'at a rate' is that of the fewest connections "
                 "reaching the rate" % (sys.argv[3], sys.argv[4]),
       "ledger_entries_after": int(sys.argv[5] or 0), "submissions_201": int(sys.argv[6] or 0),
       "endpoints": {}, "goals": {}}
for ep, pts in endpoints.items():
    pts.sort(key=lambda p: p["connections"])
    out["endpoints"][ep] = pts
    if ep in goals:
        good = [p for p in pts if p.get("rps", 0) >= goals[ep]]
        best = good[0] if good else max(pts, key=lambda p: p.get("rps", 0))
        out["goals"][ep] = {"rps_goal": goals[ep], "p99_goal_ms": P99_GOAL_US / 1000,
                            "rps_met": bool(good),
                            "p99_met": bool(good) and best["p99_ms"] < P99_GOAL_US / 1000,
                            "at": best}
print(json.dumps(out, indent=1))
PY
