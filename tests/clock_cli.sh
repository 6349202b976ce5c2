#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end: the clock (issue 11). A directory made by plain `init` has a
# real clock: every command that appends to the ledger refuses --now and
# SEALED_NOW (exit 2, nothing written), so an expired request cannot be
# produced by back-dating; commands that append nothing take --now as an
# "as of" (stats, request list), and commands that open no data directory
# take it anyway. `init --test-clock` makes a directory whose ledger's first
# entry says so for good (stats, GET /v1/me); there --now is taken, and an
# event earlier than the last one is refused. `init --now` without
# --test-clock is refused; the flag cannot be added later. The daemon
# refuses SEALED_NOW on a real-clock directory. All data is made up.
set -euo pipefail
S=${SEALCTL:?}
SD=${SEAL_BUILD_DIR:?}/sealed
T=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
. "$(dirname "$0")/support/check.sh"
unset SEALED_NOW SEALED_DATA
field() { sed -n "s/.*\"$1\": \"\\([^\"]*\\)\".*/\\1/p" "$T/out" | head -1; }
jsize() { stat -c %s "$1/ledger/journal"; }
digest() { cat "$1/ledger/journal" "$1"/registry.db* 2>/dev/null | sha256sum | cut -c1-16; }
req() { # reference issued expires
    cat <<J
{"agency": "quellford-pd", "official": "Det. O. Vasquiel, Narcotics",
 "legal_basis": {"type": "subpoena", "reference": "$1",
  "issued_by": "Grand Jury, District of Examplia",
  "issued_at": "$2", "expires_at": "$3",
  "facts": "The subject received 14 parcels at this address between March and June that were later found to contain fentanyl."},
 "purpose": {"activity": "criminal_investigation", "offense": "21 USC 841"},
 "subjects": [{"type": "account", "value": "AC-1"}], "categories": ["contact"],
 "window": {"from": "2026-01-01", "to": "2026-10-31"}}
J
}
cat > $T/account.ndjson <<'J'
{"account_id":"AC-1","name":"Orlen Vasquiel","opened_at":"2026-02-03T04:05:06Z","email":"orlen.v@post.example","phone":"555-213-7788","mailing_address":"221 S Tamber St Apt 2, Quellford MN 55001"}
J
# registries, as of the clock or of $1 (empty: the clock)
setup() { # dir [time]
    local d=$1 n=()
    [ -n "${2:-}" ] && n=(--now "$2")
    "$S" --data "$d" ingest account $T/account.ndjson >/dev/null
    "$S" --data "$d" "${n[@]}" agency add usps-pis --name 'Postal Inspection Service HQ' --kind federal >/dev/null
    "$S" --data "$d" "${n[@]}" principal add po1 --agency usps-pis --role privacy_officer >/dev/null
    "$S" --data "$d" "${n[@]}" --as po1 agency add quellford-pd --name 'Quellford PD' --kind local >/dev/null
    "$S" --data "$d" "${n[@]}" --as po1 principal add det1 --agency quellford-pd --role requester >/dev/null
    "$S" --data "$d" "${n[@]}" --as po1 principal add rev1 --agency usps-pis --role reviewer >/dev/null
}

# ---- init: --now only with --test-clock ------------------------------------------
check init-now-real "2||sealctl: init: --now goes with init only together with --test-clock (a directory with a real clock starts at the clock's time)
(see \`sealctl init --help\`)" "$(r=0; "$S" --data $T/x --now 2026-11-24 init >$T/out 2>$T/err || r=$?; echo "$r|$(cat $T/out)|$(cat $T/err)")"
check init-now-real-nothing no "$([ -e $T/x ] && echo yes || echo no)"
check init-env-real 2 "$(SEALED_NOW=2026-11-24 rc "$S" --data $T/x init)"
has init-env-real-msg "sealctl: init: SEALED_NOW goes with init only together with --test-clock" $T/err
check init-env-real-nothing no "$([ -e $T/x ] && echo yes || echo no)"

# ---- a real clock ---------------------------------------------------------------------
R=$T/real
check init-real "0|initialised $R|" "$(r=0; "$S" --data $R init >$T/out 2>$T/err || r=$?; echo "$r|$(cat $T/out)|$(cat $T/err)")"
setup $R
check real-stats-clock "clock: real" "$("$S" --data $R stats | tail -1)"
has real-stats-json '"total": 1, "test_clock": false}' <("$S" --data $R stats --json)
# the ledger's first entry: made now, with a real clock
first=$(head -c 200 $R/ledger/tile/entries/000.p/* | tr -c '[:print:]' '\n' | grep -o '{"commit":{},"ids":{"clock":"real"},"time":"[^"]*","type":"ledger.created","v":1}')
check real-genesis-today "$(date -u +%Y-%m-%d)" "$(sed 's/.*"time":"\([0-9-]*\)T.*/\1/' <<<"$first")"

# the attacker: a back-dated write, by flag and by environment; nothing written
msg="sealctl: --now: $R has a real clock (made without --test-clock); a command that appends to the ledger runs at the clock's time only"
before=$(digest $R); size=$(jsize $R)
check real-now-write "2||$msg" "$(r=0; "$S" --data $R --now 2026-11-24 --as po1 principal add x1 --agency usps-pis --role auditor >$T/out 2>$T/err || r=$?; echo "$r|$(cat $T/out)|$(cat $T/err)")"
check real-env-write "2||sealctl: SEALED_NOW: $R has a real clock (made without --test-clock); a command that appends to the ledger runs at the clock's time only" \
    "$(r=0; SEALED_NOW=2026-11-24 "$S" --data $R --as po1 principal add x1 --agency usps-pis --role auditor >$T/out 2>$T/err || r=$?; echo "$r|$(cat $T/out)|$(cat $T/err)")"
for c in "agency add y-pd --name Y --kind local" "request sweep" "shred --account AC-1" "retain sweep" "keys rotate" "token issue det1" "amend file --subject account:AC-1 --record 1 --field phone --requested 555-000-0000" "access --subject account:AC-1" "backup $T/bk"; do
    check "real-now-refused: $c" 2 "$(rc "$S" --data $R --now 2026-11-24 --as po1 $c)"
    check "real-now-refused-msg: $c" "$msg" "$(cat $T/err)"
done
check real-now-nothing-written "$before $size" "$(digest $R) $(jsize $R)"
check real-no-principal "no" "$("$S" --data $R --as po1 principal list | grep -q '"x1"' && echo yes || echo no)"
check real-no-backup no "$([ -e $T/bk ] && echo yes || echo no)"

# the lawful: at the clock
check real-write 0 "$(rc "$S" --data $R --as po1 principal add aud1 --agency usps-pis --role auditor)"
# "as of" for commands that append nothing; --now for commands that open no directory
size=$(jsize $R)
check real-stats-as-of 0 "$(rc "$S" --data $R --now 2026-11-24 stats)"
check real-list-as-of 0 "$(rc "$S" --data $R --now 2026-11-24 --as aud1 request list)"
check real-env-list-as-of 0 "$(SEALED_NOW=2026-11-24 rc "$S" --data $R --as aud1 request list)"
req GJ-2026-201 2026-11-21T00:00:00Z 2027-02-19T00:00:00Z > $T/doc.json
check real-check-no-dir 0 "$(SEALED_DATA=$R rc "$S" --now 2026-11-24 request check $T/doc.json)"
check real-gen-no-dir 0 "$(SEALED_DATA=$R rc "$S" --now 2026-11-24 gen --out $T/g --seed 1 --people 2 --days 1 --start 2026-10-01)"
check real-as-of-nothing-written "$size" "$(jsize $R)"

# an expired request cannot be produced by back-dating: one that expires in 3 s
issued=$(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ)
expires=$(date -u -d '+3 seconds' +%Y-%m-%dT%H:%M:%SZ)
req GJ-2026-202 "$issued" "$expires" > $T/soon.json
check real-submit 0 "$(rc "$S" --data $R --as det1 request submit $T/soon.json)"
RS=$(field id)
check real-approve 0 "$(rc "$S" --data $R --as rev1 request review $RS --approve)"
sleep 4
size=$(jsize $R)
check real-produce-backdated "2||$msg" "$(r=0; "$S" --data $R --now "$issued" --as rev1 produce $RS --out $T/b-back >$T/out 2>$T/err || r=$?; echo "$r|$(cat $T/out)|$(cat $T/err)")"
check real-produce-backdated-env 2 "$(SEALED_NOW=$issued rc "$S" --data $R --as rev1 produce $RS --out $T/b-back)"
check real-produce-backdated-nothing "$size no" "$(jsize $R) $([ -e $T/b-back ] && echo yes || echo no)"
check real-produce-expired 1 "$(rc "$S" --data $R --as rev1 produce $RS --out $T/b-exp)"
has real-produce-expired-msg "expired" $T/err

# the flag cannot be added later: init refuses an existing directory, and no
# append can write a ledger.created entry
check real-reinit 1 "$(rc "$S" --data $R --now 2026-11-24 init --test-clock)"
check real-reinit-msg "sealctl: init: $R: already holds a sealed store" "$(cat $T/err)"
size=$(jsize $R)
echo '{"commit":{},"ids":{"clock":"test"},"time":"2026-11-24T00:00:00Z","type":"ledger.created","v":1}' > $T/genesis
check real-forge-genesis 1 "$(rc "$S" log append --dir $R/ledger < $T/genesis)"
check real-forge-genesis-msg "sealctl: log append: stdin line 1: a ledger.created event is written only when the ledger is created" "$(cat $T/err)"
check real-forge-nothing "$size clock: real" "$(jsize $R) $("$S" --data $R stats | tail -1)"

# ---- a test clock -------------------------------------------------------------------
D=$T/test
check init-test "0|initialised $D (test clock)|" "$(r=0; "$S" --data $D --now 2026-11-20 init --test-clock >$T/out 2>$T/err || r=$?; echo "$r|$(cat $T/out)|$(cat $T/err)")"
check test-genesis '{"commit":{},"ids":{"clock":"test"},"time":"2026-11-20T00:00:00Z","type":"ledger.created","v":1}' \
    "$(tr -c '[:print:]' '\n' < $D/ledger/journal | grep -o '{"commit".*ledger.created","v":1}')"
check test-stats-clock "clock: test (made with init --test-clock)" "$("$S" --data $D stats | tail -1)"
has test-stats-json '"total": 0, "test_clock": true}' <("$S" --data $D stats --json)
check test-before-genesis 1 "$(rc "$S" --data $D --now 2026-11-19 agency add usps-pis --name 'Postal Inspection Service HQ' --kind federal)"
check test-before-genesis-msg "sealctl: agency add: ledger: event time 2026-11-19T00:00:00Z is earlier than the last event's (2026-11-20T00:00:00Z); a test clock never goes backwards" "$(cat $T/err)"
setup $D 2026-11-24
check test-now-write 0 "$(rc "$S" --data $D --now 2026-11-24 --as po1 principal add aud1 --agency usps-pis --role auditor)"
check test-env-write 0 "$(SEALED_NOW=2026-11-25 rc "$S" --data $D --as po1 principal add aud2 --agency usps-pis --role auditor)"
# the attacker: back to an earlier day; refused, nothing written
before=$(digest $D); size=$(jsize $D)
check test-backwards "1||sealctl: principal add: ledger: event time 2026-11-24T00:00:00Z is earlier than the last event's (2026-11-25T00:00:00Z); a test clock never goes backwards" \
    "$(r=0; "$S" --data $D --now 2026-11-24 --as po1 principal add aud3 --agency usps-pis --role auditor >$T/out 2>$T/err || r=$?; echo "$r|$(cat $T/out)|$(cat $T/err)")"
check test-backwards-nothing "$before $size" "$(digest $D) $(jsize $D)"
check test-backwards-no-principal no "$("$S" --data $D --as po1 principal list | grep -q '"aud3"' && echo yes || echo no)"
# the same time again is not earlier
check test-same-time 0 "$(rc "$S" --data $D --now 2026-11-25 --as po1 principal add aud3 --agency usps-pis --role auditor)"
# an expired request: refused at the first day after, and not produced by going back
req GJ-2026-203 2026-11-21T00:00:00Z 2026-11-30T00:00:00Z > $T/r3.json
"$S" --data $D --now 2026-11-25 --as det1 request submit $T/r3.json > $T/out
R3=$(field id)
"$S" --data $D --now 2026-11-25 --as rev1 request review $R3 --approve >/dev/null
check test-produce-expired 1 "$(rc "$S" --data $D --now 2026-12-01 --as rev1 produce $R3 --out $T/b3)"
has test-produce-expired-msg "expired" $T/err
size=$(jsize $D)
check test-produce-backdated 1 "$(rc "$S" --data $D --now 2026-11-26 --as rev1 produce $R3 --out $T/b3b)"
has test-produce-backdated-msg "event time 2026-11-26T00:00:00Z is earlier than the last event's (2026-12-01T00:00:00Z); a test clock never goes backwards" $T/err
check test-produce-backdated-nothing "$size no" "$(jsize $D) $([ -e $T/b3b ] && echo yes || echo no)"
# reading as of an earlier day is not writing
check test-list-as-of 0 "$(rc "$S" --data $D --now 2026-11-24 --as aud1 request list)"
check test-ledger-verify 0 "$(rc "$S" log verify --dir $D/ledger)"

# ---- the daemon --------------------------------------------------------------------
start() { # dir [SEALED_NOW]
    : > "$T/sout"
    SEALED_NOW=${2:-} "$SD" --data "$1" --listen 127.0.0.1:0 --rate 0 >"$T/sout" 2>"$T/serr" &
    PID=$!
    for _ in $(seq 100); do grep -q listening "$T/sout" && break; sleep 0.05; done
    B=http://127.0.0.1:$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$T/sout")
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=; }
check daemon-real-now 1 "$(r=0; SEALED_NOW=2026-11-24 timeout 10 "$SD" --data $R --listen 127.0.0.1:0 >$T/out 2>$T/err || r=$?; echo $r)"
check daemon-real-now-msg "sealed: SEALED_NOW: $R has a real clock (made without --test-clock); the daemon runs at the clock's time only" "$(cat $T/err)"
TR=$("$S" --data $R token issue aud1)
start $R
check daemon-real-me '"valid_until":null,"test_clock":false}' "$(curl -s -H "Authorization: Bearer $TR" $B/v1/me | grep -o '"valid_until":null,"test_clock":false}')"
stop
TD=$("$S" --data $D --now 2026-12-01 token issue aud1)
start $D 2026-12-01
check daemon-test-me '"valid_until":null,"test_clock":true}' "$(curl -s -H "Authorization: Bearer $TD" $B/v1/me | grep -o '"valid_until":null,"test_clock":true}')"
stop

echo "clock_cli: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
