#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end: kill -9 of the sealed daemon under a small load loses nothing
# it acknowledged (issue 7). Three clients submit requests over HTTP while
# the daemon is killed with SIGKILL; after a restart on the same data
# directory every submission answered 201 is still there (GET 200, same
# state), new submissions work, and after a clean SIGTERM (exit 0) the
# ledger verifies offline (`sealctl log verify`) and has grown by at least
# one event per acknowledged submission. With wrk installed, the same again
# under 16 connections (group commit: many submissions per registry and
# ledger commit), killed mid-run. All data is made up.
set -euo pipefail
S=${SEALCTL:?}
SD=${SEAL_BUILD_DIR:?}/sealed
T=$(mktemp -d)
D=$T/data
PID=
LOAD=()
cleanup() {
    [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
    for p in "${LOAD[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$T"
}
trap cleanup EXIT
. "$(dirname "$0")/support/check.sh"
NOW=2026-11-24
"$S" --data "$D" --now 2026-01-01 init --test-clock >/dev/null
"$S" --data "$D" --now $NOW agency add usps-pis --name 'Inspection HQ' --kind federal --inspection-service >/dev/null
"$S" --data "$D" --now $NOW principal add po1 --agency usps-pis --role privacy_officer >/dev/null
"$S" --data "$D" --now $NOW --as po1 agency add quellford-pd --name 'Quellford PD' --kind local >/dev/null
"$S" --data "$D" --now $NOW --as po1 principal add det1 --agency quellford-pd --role requester >/dev/null
TOKEN=$("$S" --data "$D" token issue det1)
cat > $T/doc.json <<'J'
{"agency": "quellford-pd", "official": "Det. O. Vasquiel, Narcotics",
 "legal_basis": {"type": "subpoena", "reference": "GJ-2026-118",
  "issued_by": "Grand Jury, District of Examplia",
  "issued_at": "2026-11-21T00:00:00Z", "expires_at": "2027-02-19T00:00:00Z",
  "facts": "The subject received 14 parcels at this address between March and June that were later found to contain fentanyl."},
 "purpose": {"activity": "criminal_investigation", "offense": "21 USC 841"},
 "subjects": [{"type": "person", "name": "Ima Drovenko", "address": "221 S Tamber St Apt 2, Quellford MN 55001"}],
 "categories": ["identity", "contact"], "window": {"from": "2026-01-01", "to": "2026-10-31"}}
J
start() {
    : > "$T/out"
    # durability, not rate limits, is under test here: --rate 0
    SEALED_NOW=$NOW "$SD" --data "$D" --listen 127.0.0.1:0 --rate 0 >"$T/out" 2>>"$T/log" &
    PID=$!
    for _ in $(seq 100); do grep -q listening "$T/out" && break; sleep 0.05; done
    B=http://127.0.0.1:$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$T/out")
}
size() { sed -n 2p "$D/ledger/checkpoint"; }
start
before=$(size)
# each client appends "ID" for every 201 it got, and nothing else
client() {
    while :; do
        out=$(curl -s -w '\n%{http_code}' -H "Authorization: Bearer $TOKEN" \
            --data-binary @$T/doc.json "$B/v1/requests" 2>/dev/null) || continue
        if [ "$(tail -1 <<<"$out")" = 201 ]; then
            sed -n 's/^{"id": "\([^"]*\)".*/\1/p' <<<"$out" >> "$T/acked.$1"
        fi
    done
}
for c in 1 2 3; do client $c & LOAD+=($!); done
sleep 1.5
{ kill -9 $PID; wait $PID; } 2>/dev/null || true
PID=
for p in "${LOAD[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
LOAD=()
cat $T/acked.* > $T/acked 2>/dev/null || true
n=$(wc -l < $T/acked)
check some-acked yes "$([ "$n" -ge 3 ] && echo yes || echo "no ($n)")"

start
missing=0
while read -r id; do
    st=$(curl -s -o $T/show -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$B/v1/requests/$id")
    # the same document each time: the first is under review, the rest
    # refused (a legal basis serves one request, PA-2), all of them kept
    [ "$st" = 200 ] && grep -q '"state": "\(review\|refused\)"' $T/show || missing=$((missing + 1))
done < $T/acked
check acked-after-restart 0 "$missing"
check submit-after-restart 201 "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" --data-binary @$T/doc.json "$B/v1/requests")"
n2=0
if command -v wrk >/dev/null 2>&1; then
    # each wrk thread appends the id of every 201 it got, line by line
    cat > $T/acked.lua <<'L'
local threads, f = 0
function setup(thread)
    thread:set("id", threads)
    threads = threads + 1
end
function init(args)
    f = assert(io.open(args[1] .. "." .. id, "a"))
    f:setvbuf("line")
end
wrk.method = "POST"
wrk.body = assert(io.open(os.getenv("DOC"))):read("*a")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
function response(status, headers, body)
    if status == 201 then f:write(body:match('"id": "([^"]*)"'), "\n") end
end
L
    DOC=$T/doc.json TOKEN=$TOKEN wrk -t2 -c16 -d3s -s $T/acked.lua "$B/v1/requests" -- "$T/wrk" \
        >/dev/null 2>&1 & LOAD+=($!)
    sleep 1.5
    { kill -9 $PID; wait $PID; } 2>/dev/null || true
    PID=
    wait "${LOAD[@]}" 2>/dev/null || true
    LOAD=()
    cat $T/wrk.* > $T/acked2 2>/dev/null || true
    n2=$(wc -l < $T/acked2)
    check some-acked-wrk yes "$([ "$n2" -ge 16 ] && echo yes || echo "no ($n2)")"
    start
    # one listing instead of a GET per id
    curl -s -H "Authorization: Bearer $TOKEN" "$B/v1/requests" |
        grep -o '"id": *"R-[0-9]*"' | grep -o 'R-[0-9]*' | sort -u > $T/listed
    check acked-wrk-after-restart 0 "$(sort -u $T/acked2 | comm -23 - $T/listed | wc -l)"
    check acked-wrk-distinct "$n2" "$(sort -u $T/acked2 | wc -l)"
fi
kill -TERM $PID
rc=0; wait $PID || rc=$?
PID=
check sigterm-exit 0 "$rc"
check ledger-verifies 0 "$(r=0; "$S" log verify --dir "$D/ledger" >$T/verify 2>&1 || r=$?; echo $r)"
grown=$(( $(size) - before ))
check ledger-grew yes "$([ "$grown" -ge $((n + n2 + 1)) ] && echo yes || echo "no ($grown < $n + $n2 + 1)")"
echo "server_crash: $pass passed, $fails failed ($n and $n2 acknowledged before SIGKILL)"
[ $fails -eq 0 ]
