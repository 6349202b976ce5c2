#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Policy decisions: sealed (bench/bench_policy.c, strict policy) against
# @cedar-policy/cedar-wasm 4.13.0 running the same policy in Cedar
# (bench/cedar/policy.cedar) on the same requests, in the same run. Both sides
# time each decision from the request's JSON text; signatures are excluded
# on both. Prints one JSON object: both figures, the ratio of medians, and
# sealed's decision-only time on a parsed request.
set -eu
cd "$(dirname "$0")/.."
SECONDS_EACH=${BENCH_SECONDS:-3}
BIN=${SEAL_BUILD_DIR:-build}/bench/bench_policy
[ -x "$BIN" ] || { cmake --preset default >/dev/null && cmake --build build -j2 --target bench_policy >/dev/null; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$BIN" --seconds "$SECONDS_EACH" --emit "$T/requests.ndjson" > "$T/sealed.json"
expected=$(for l in $(seq 1 "$(wc -l < "$T/requests.ndjson")"); do
    sed -n "${l}p" "$T/requests.ndjson" > "$T/one.json"
    ${SEAL_BUILD_DIR:-build}/sealctl --now 2026-11-24 request check "$T/one.json" |
        sed 's/^{"decision": "\([a-z]*\)".*/\1/'
done | paste -sd, -)
peer='{"peer": "@cedar-policy/cedar-wasm", "error": "not run"}'
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    if [ ! -d node_modules/@cedar-policy/cedar-wasm ]; then
        (npm ci --no-audit --no-fund >/dev/null 2>&1 || npm install --no-audit --no-fund >/dev/null 2>&1) || true
    fi
    if [ -d node_modules/@cedar-policy/cedar-wasm ]; then
        peer=$(node bench/cedar/bench.mjs "$T/requests.ndjson" "$SECONDS_EACH" "$expected" 2>"$T/node.err") ||
            peer="{\"peer\": \"@cedar-policy/cedar-wasm\", \"error\": \"run failed: $(head -c 200 "$T/node.err" | tr '\n"' '  ')\"}"
    else
        peer='{"peer": "@cedar-policy/cedar-wasm", "error": "npm could not install @cedar-policy/cedar-wasm 4.13.0"}'
    fi
else
    peer='{"peer": "@cedar-policy/cedar-wasm", "error": "node or npm not installed"}'
fi
node -e '
const s = JSON.parse(process.argv[1]), c = JSON.parse(process.argv[2]);
const out = { bench: "policy", policy: "strict", machine_note: "shared machine: medians of one run",
  sealed: s, cedar_wasm: c };
if (c.from_json) {
  out.ratio_p50_from_json = +(c.from_json.p50_us / s.from_json.p50_us).toFixed(2);
  out.ratio_throughput_from_json = +(s.from_json.decisions_per_s / c.from_json.decisions_per_s).toFixed(2);
  out.goal_5x_met = out.ratio_p50_from_json >= 5;
}
out.goal_decision_only_under_1us = s.decision_only.p50_us < 1;
console.log(JSON.stringify(out));
' "$(cat "$T/sealed.json")" "$peer" 2>/dev/null || {
    # no node at all: sealed's figures alone
    printf '{"bench": "policy", "sealed": %s, "cedar_wasm": %s}\n' "$(cat "$T/sealed.json")" "$peer"
}
