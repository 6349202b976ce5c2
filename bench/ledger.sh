#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Ledger benchmark with its peer, Go's sumdb/tlog, on the same entries:
# prints one JSON document with both results (medians of 3 runs for append
# rates), the ratios sealed/Go, and how close in-memory appends come to the
# machine's SHA-256 rate. LEDGER_LEAVES (default 10^7) sets the proof tree.
set -eu
cd "$(dirname "$0")/.."
B=${SEAL_BUILD_DIR:-build}
N=${LEDGER_LEAVES:-10000000}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
ours=$("$B/bench/bench_ledger" "$N" "$T")
if command -v go >/dev/null 2>&1; then
    GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$T/gocache" GOFLAGS= \
        go build -o "$T/tlogpeer" bench/tlogpeer/main.go
    peer=$("$T/tlogpeer" "$N")
else
    peer='null'
fi
python3 - "$ours" "$peer" <<'PY'
import json, sys
o = json.loads(sys.argv[1]); p = json.loads(sys.argv[2])
out = {"bench": "ledger", "sealed": o, "go_tlog": p}
# Each append hashes one 257-byte leaf and on average one 65-byte node.
out["mem_appends_vs_sha256_rate"] = round(o["mem_appends_per_s"] / o["sha256_per_s"], 3)
if p:
    out["same_root"] = o["root"] == p["root"]
    out["ratio_sealed_over_go"] = {
        "mem_appends_per_s": round(o["mem_appends_per_s"] / p["mem_appends_per_s"], 2),
        "verify_per_s": round(o["verify_per_s"] / p["verify_per_s"], 2),
        "inclusion_p50_speedup": round(p["inclusion_p50_us"] / o["inclusion_p50_us"], 2),
        "consistency_p50_speedup": round(p["consistency_p50_us"] / o["consistency_p50_us"], 2),
    }
print(json.dumps(out, indent=1))
PY
