#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# labels: crash
# Kills `sealctl ingest` with SIGKILL at random moments and checks, after each
# kill, that every acknowledged batch survived, that no partial batch is
# visible, and that SQLite's integrity check passes. 4 kills in make test;
# 100 with SEAL_STRESS=1 (make stress).
set -euo pipefail
S=${SEALCTL:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
D=$T/var
ROUNDS=4
[ -n "${SEAL_STRESS:-}" ] && ROUNDS=100
BATCH=4000
LINES=60000
$S --data $D init >/dev/null
awk -v n=$LINES 'BEGIN { for (i = 1; i <= n; i++)
    printf "{\"visit_id\":\"WV-%d\",\"account_id\":\"AC-%d\",\"at\":\"2026-11-%02dT10:00:00Z\",\"ip\":\"198.51.100.%d\",\"page\":\"/p/%d\"}\n",
        i, i % 5000, 1 + i % 28, i % 250, i }' > $T/visits.ndjson
count() { $S --data $D --quiet stats --json | sed 's/.*"web_visit": {"records": \([0-9]*\).*/\1/'; }
fails=0
pass=0
prev=0
RANDOM=7
for round in $(seq 1 $ROUNDS); do
    : > $T/ack
    if [ $((round % 4)) -eq 0 ]; then opts=""; else opts="--batch-size $BATCH"; fi
    $S --data $D --quiet ingest $opts web_visit $T/visits.ndjson > $T/ack 2>/dev/null &
    pid=$!
    sleep "0.$(printf '%02d' $((RANDOM % 60 + 3)))"
    kill -9 $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
    acked=$(sed -n 's/^committed batch [0-9]*: lines 1-\([0-9]*\) durable$/\1/p' $T/ack | tail -1)
    grep -q ' records: ' $T/ack && acked=$LINES
    acked=${acked:-0}
    n=$(count)
    ok=1
    [ "$n" -ge "$acked" ] || { echo "round $round: lost acknowledged records: $n < $acked"; ok=0; }
    [ "$n" -ge "$prev" ] || { echo "round $round: records vanished: $n < $prev"; ok=0; }
    if [ "$n" -ne "$LINES" ] && [ $((n % BATCH)) -ne 0 ]; then
        echo "round $round: a partial batch is visible: $n records"; ok=0
    fi
    ic=$(sqlite3 $D/store.db 'PRAGMA integrity_check;')
    [ "$ic" = ok ] || { echo "round $round: integrity_check: $ic"; ok=0; }
    if [ $ok -eq 1 ]; then pass=$((pass + 1)); else fails=$((fails + 1)); fi
    prev=$n
done
# the data is readable after all the kills
$S --data $D lookup --account AC-17 | grep -q '"visit_id":"WV-17"' && pass=$((pass + 1)) || {
    [ "$prev" -lt 17 ] && pass=$((pass + 1)) || { echo "AC-17 unreadable"; fails=$((fails + 1)); }
}
echo "$pass passed, $fails failed"
[ "$fails" -eq 0 ]
