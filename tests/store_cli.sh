#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end: sealctl init, ingest (NDJSON and CSV), every bad-input class with
# its exact message and nothing written, idempotent re-ingest, lookup, stats,
# key-file permissions, wrong key, truncated database, rotation, shredding,
# and no plaintext identifier anywhere in the data directory.
set -euo pipefail
S=${SEALCTL:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
D=$T/var
. "$(dirname "$0")/support/check.sh"
run() { # captures "rc|stdout|stderr"
    local out err rc=0
    out=$("$@" 2>"$T/err") || rc=$?
    err=$(cat "$T/err")
    printf '%s|%s|%s' "$rc" "$out" "$err"
}

check init "0|initialised $D|" "$(run $S --data $D init)"
check init-again "1||sealctl: init: $D: already holds a sealed store" "$(run $S --data $D init)"
check perms "700 600 600 600 600" "$(stat -c %a $D $D/master.key $D/store.db $D/keys.db $D/ledger/key | tr '\n' ' ' | sed 's/ $//')"

cat > $T/account.ndjson <<'J'
{"account_id":"AC-1","name":"Orlen Vasquiel","opened_at":"2025-02-03T04:05:06Z","email":"orlen.v@post.example","phone":"555-213-7788","mailing_address":"221 S Tamber St Apt 2, Quellford MN 55001"}
{"account_id":"AC-2","name":"Ima Drovenko","opened_at":"2025-03-03T04:05:06Z","mailing_address":"19 Wexley Rd, Brantmoor VT 05001","closed_at":"2025-06-01T00:00:00Z"}
J
check ingest "0|account: 2 records: 2 inserted, 0 unchanged, 0 updated, 0 dropped (anonymous); 1 batch committed|" \
    "$(run $S --data $D ingest account $T/account.ndjson)"
check reingest "0|account: 2 records: 0 inserted, 2 unchanged, 0 updated, 0 dropped (anonymous); 1 batch committed|" \
    "$(run $S --data $D ingest account $T/account.ndjson)"

cat > $T/visits.csv <<'C'
visit_id,account_id,at,ip,page,user_agent
WV-1,AC-1,2026-11-20T10:00:00Z,198.51.100.7,/track,"Synth/1.0 (X11, Linux)"
WV-2,,2026-11-20T10:01:00Z,198.51.100.8,/home,
WV-3,AC-1,2026-10-01T10:00:00Z,2001:db8::7,/pay,"quoted ""word"""
C
check csv "0|web_visit: 3 records: 2 inserted, 0 unchanged, 0 updated, 1 dropped (anonymous); 1 batch committed|" \
    "$(run $S --data $D ingest web_visit $T/visits.csv)"

stats_before=$($S --data $D --now 2026-11-24 stats)
check stats "kind               records       active truncate_due    truncated      expired     shredded
account                  2            2            0            0            0            0
web_visit                2            1            1            0            0            0
tracking                 0            0            0            0            0            0
payment                  0            0            0            0            0            0
address_change           0            0            0            0            0            0
cover_piece              0            0            0            0            0            0
total                    4            3            1            0            0            0
clock: real" "$stats_before"
check stats-json '{"kinds": {"account": {"records": 2, "active": 2, "truncate_due": 0, "truncated": 0, "expired": 0, "shredded": 0}, "web_visit": {"records": 2, "active": 1, "truncate_due": 1, "truncated": 0, "expired": 0, "shredded": 0}, "tracking": {"records": 0, "active": 0, "truncate_due": 0, "truncated": 0, "expired": 0, "shredded": 0}, "payment": {"records": 0, "active": 0, "truncate_due": 0, "truncated": 0, "expired": 0, "shredded": 0}, "address_change": {"records": 0, "active": 0, "truncate_due": 0, "truncated": 0, "expired": 0, "shredded": 0}, "cover_piece": {"records": 0, "active": 0, "truncate_due": 0, "truncated": 0, "expired": 0, "shredded": 0}}, "total": 4, "test_clock": false}' \
    "$($S --data $D --now 2026-11-24 stats --json)"

# Every class of bad input: exact message, exit 1, nothing of the batch stored.
bad() { # name kind file-ext content expected-stderr [ingest options]
    local name=$1 kind=$2 ext=$3 content=$4 want=$5
    shift 5
    printf '%s' "$content" > "$T/bad.$ext"
    check "$name" "1|${ACK:-}|$want" "$(run $S --data $D ingest "$@" $kind $T/bad.$ext)"
}
good='{"visit_id":"WV-9","account_id":"AC-1","at":"2026-11-21T10:00:00Z","ip":"198.51.100.9","page":"/x"}'
bad json-syntax web_visit ndjson "$good"$'\n{"visit_id": ' \
    "sealctl: $T/bad.ndjson:2: not valid JSON (column 13)"
bad not-object web_visit ndjson "$good"$'\n[1,2]\n' "sealctl: $T/bad.ndjson:2: not a JSON object"
bad unknown-field web_visit ndjson '{"visit_id":"WV-9","nationality":"x"}' \
    "sealctl: $T/bad.ndjson:1: nationality: unknown field for kind web_visit"
bad duplicate-key web_visit ndjson '{"visit_id":"WV-9","visit_id":"WV-8"}' \
    "sealctl: $T/bad.ndjson:1: duplicate field (column 29)"
bad wrong-type web_visit ndjson '{"visit_id":7}' \
    "sealctl: $T/bad.ndjson:1: visit_id: must be a string"
bad missing web_visit ndjson "$good"$'\n{"visit_id":"WV-10","account_id":"AC-1","ip":"198.51.100.9","page":"/x"}\n' \
    "sealctl: $T/bad.ndjson:2: at: required field missing"
bad bad-time web_visit ndjson '{"visit_id":"WV-9","account_id":"AC-1","at":"2026-11-21 10:00","ip":"198.51.100.9","page":"/x"}' \
    "sealctl: $T/bad.ndjson:1: at: not an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SSZ)"
bad nul-byte web_visit ndjson '{"visit_id":"WV-9","account_id":"AC-1","at":"2026-11-21T10:00:00Z","ip":"198.51.100.9","page":"/x\u0000y"}' \
    "sealctl: $T/bad.ndjson:1: page: contains a NUL byte"
bad bad-utf8 web_visit csv $'visit_id,account_id,at,ip,page\nWV-9,AC-1,2026-11-21T10:00:00Z,198.51.100.9,/\xff\n' \
    "sealctl: $T/bad.csv:2: page: not printable UTF-8"
bad too-long account ndjson "{\"account_id\":\"$(printf 'A%.0s' $(seq 1 65))\"}" \
    "sealctl: $T/bad.ndjson:1: account_id: longer than 64 characters"
bad csv-columns web_visit csv $'visit_id,account_id,at,ip,page\nWV-9,AC-1\n' \
    "sealctl: $T/bad.csv:2: 2 columns, the header has 5"
bad csv-header web_visit csv $'visit_id,religion\n' \
    "sealctl: $T/bad.csv:1: religion: unknown field for kind web_visit"
bad csv-quote web_visit csv $'visit_id,account_id,at,ip,page\nWV-9,AC-1,2026-11-21T10:00:00Z,198.51.100.9,"/x\n' \
    "sealctl: $T/bad.csv:2: column 5: unterminated quoted field"
bad bad-enum payment ndjson '{"payment_id":"P-1","account_id":"AC-1","type":"crypto","amount_cents":"5","at":"2026-11-21T10:00:00Z"}' \
    "sealctl: $T/bad.ndjson:1: type: not one of the allowed values"
ACK="committed batch 1: lines 1-2 durable" bad batches web_visit ndjson "$good"$'\n'"${good/WV-9/WV-10}"$'\n{"visit_id":"WV-11"}\n' \
    "sealctl: $T/bad.ndjson:3: at: required field missing (nothing of this batch was stored; lines 1-2 were committed)" --batch-size 2
# the --batch-size run committed its first batch; nothing else was written
check after-bad "4" "$($S --data $D lookup --account AC-1 | grep -c web_visit)"
$S --data $D lookup --account AC-1 | grep -q '"visit_id":"WV-9"' || { echo "FAIL batch 1 lost"; fails=$((fails+1)); }

check unknown-kind "2||sealctl: ingest: unknown record kind 'cover_piece' (account, web_visit, tracking, payment, address_change)
(see \`sealctl ingest --help\`)" "$(run $S --data $D ingest cover_piece $T/account.ndjson)"
check no-format "2||sealctl: ingest: cannot tell the format of standard input: use --format ndjson|csv
(see \`sealctl ingest --help\`)" "$(run $S --data $D ingest account - </dev/null)"
check stdin "0|account: 2 records: 0 inserted, 2 unchanged, 0 updated, 0 dropped (anonymous); 1 batch committed|" \
    "$(run $S --data $D ingest --format ndjson account - < $T/account.ndjson)"

# exact lookups, and nothing for near misses
check lookup-email '0|{"record":N,"kind":"account","account_id":"AC-1","name":"Orlen Vasquiel","opened_at":"2025-02-03T04:05:06Z","email":"orlen.v@post.example","phone":"555-213-7788","mailing_address":"221 S Tamber St Apt 2, Quellford MN 55001"}|' \
    "$(run $S --data $D lookup --email ORLEN.V@post.example | sed 's/"record":[0-9]*/"record":N/')"
check lookup-miss "0||" "$(run $S --data $D lookup --email orlen.v@post.exampl)"
check lookup-inject "1||sealctl: lookup: account id: character not allowed (A-Z 0-9 - _ . / :)" \
    "$(run $S --data $D lookup --account "AC-1' OR 1=1 --")"
check lookup-two "2||sealctl: lookup: give exactly one identifier" "$(run $S --data $D lookup --account AC-1 --email x@y.z)"

# no plaintext identifier anywhere in the data directory
if grep -r -a -l -i -e Vasquiel -e Drovenko -e orlen.v -e Tamber -e 213-7788 -e '198.51.100' -e 'AC-1' $D; then
    echo "FAIL plaintext found on disk"; fails=$((fails + 1)); else pass=$((pass + 1)); fi

# key file permissions, wrong key, rotation
chmod 640 $D/master.key
check key-perms "1||sealctl: stats: master key file $D/master.key: group or others can access it (mode 0640); refusing it: chmod 600 $D/master.key" \
    "$(run $S --data $D stats)"
chmod 600 $D/master.key
cp $D/master.key $T/old.key
stats_before=$($S --data $D --now 2026-11-24 stats)
check rotate "0|rotated the master key; re-wrapped 2 data keys|" "$(run $S --data $D keys rotate)"
check after-rotate "$stats_before" "$($S --data $D --now 2026-11-24 stats)"
cp $D/master.key $T/new.key
cp $T/old.key $D/master.key
check wrong-key "1||sealctl: stats: $D: the master key does not open this key store (wrong key file?)" \
    "$(run $S --data $D stats)"
cp $T/new.key $D/master.key
check key-check "0|master key opens the key store|" "$(run $S --data $D keys check)"

# shredding
check shred "0|shredded: data key, index rows and 5 records deleted|" \
    "$(run $S --data $D shred --account AC-1)"
# init's policy.set event, then the shred
r=$($S log verify --dir $D/ledger)
case "$r" in "ok: size 3 root "*) pass=$((pass + 1)) ;; *) fails=$((fails + 1)); echo "FAIL ledger after shred: $r" ;; esac
if grep -r -a -q -e AC-1 -e Vasquiel $D/ledger; then fails=$((fails + 1)); echo "FAIL identifier in ledger"; else pass=$((pass + 1)); fi
check shred-lookup "0||" "$(run $S --data $D lookup --email orlen.v@post.example)"
# the records are deleted, not marked: stats count one account, not two
check shred-stats "account                  1            1            0            0            0            0" \
    "$($S --data $D --now 2026-11-24 stats | grep ^account)"
check shred-rows "0" "$(sqlite3 $D/store.db "SELECT count(*) FROM record WHERE state = 2")"
# an identifier that holds nothing (shredded already, or never seen): said
# so, exit 1, nothing logged; --yes changes nothing about that
size=$(sed -n 2p $D/ledger/checkpoint)
check shred-again "1||sealctl: shred: nothing is held for this account: nothing shredded" \
    "$(run $S --data $D shred --account AC-1)"
check shred-again-yes "1||sealctl: shred: nothing is held for this account: nothing shredded" \
    "$(run $S --data $D shred --yes --account AC-1)"
check shred-never "1||sealctl: shred: nothing is held for this address: nothing shredded" \
    "$(run $S --data $D shred --address '7 Nowhere Ln, Quellford MN 55001')"
check shred-nothing-unlogged "$size" "$(sed -n 2p $D/ledger/checkpoint)"
check shred-help-yes yes "$($S shred --help | grep -q -- '--yes' && echo yes || echo no)"
# on a terminal it asks first, without echoing the identifier; only y or yes
if command -v script >/dev/null 2>&1; then
    out=$(printf 'n\n' | script -qec "$S --data $D shred --account AC-2" /dev/null | tr -d '\r'; echo "rc=${PIPESTATUS[1]}")
    check shred-ask "yes yes rc=1" "$(grep -q 'shred 1 record of this account? \[y/N\]' <<<"$out" && echo yes || echo no) $(grep -q 'not confirmed: nothing shredded' <<<"$out" && echo yes || echo no) $(tail -1 <<<"$out")"
    if grep -q AC-2 <<<"$out"; then check shred-ask-no-echo absent present; fi
    check shred-ask-unlogged "$size" "$(sed -n 2p $D/ledger/checkpoint)"
    check shred-ask-kept 1 "$($S --data $D lookup --account AC-2 | wc -l)"
    out=$(printf 'yes\n' | script -qec "$S --data $D shred --account AC-2" /dev/null | tr -d '\r'; echo "rc=${PIPESTATUS[1]}")
    check shred-ask-yes "rc=0 yes" "$(tail -1 <<<"$out") $(grep -q 'shredded: data key, index rows and 1 record deleted' <<<"$out" && echo yes || echo no)"
    check shred-ask-logged "$((size + 1))" "$(sed -n 2p $D/ledger/checkpoint)"
else
    check script-available yes no
fi
# --yes off a terminal, as scripts call it
printf '%s\n' '{"account_id":"AC-9","name":"Pell Orsino","opened_at":"2025-03-03T04:05:06Z","mailing_address":"4 Lintel Rd, Brantmoor VT 05001"}' > $T/ac9.ndjson
$S --data $D ingest account $T/ac9.ndjson >/dev/null
check shred-yes "0|shredded: data key, index rows and 1 record deleted|" "$(run $S --data $D shred --yes --account AC-9)"

# a truncated database is a clear error, never garbage
cp -r $D $T/trunc
sqlite3 $T/trunc/store.db 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
truncate -s 5000 $T/trunc/store.db
r=$(run $S --data $T/trunc lookup --account AC-2)
case "$r" in
1\|\|sealctl:\ lookup:\ *malformed*) pass=$((pass + 1)) ;;
*) fails=$((fails + 1)); echo "FAIL truncated: $r" ;;
esac
check missing-store "1||sealctl: stats: $T/none: no sealed store here (run \`sealctl --data $T/none init\`)" \
    "$(run $S --data $T/none stats)"

# configuration: errors name file and line; docs/config.md is generated
cp $D/sealed.conf $T/conf.bak
printf 'backend = sqlite\nmaster_key = x\n' > $D/sealed.conf
check conf-unknown "1||sealctl: stats: $D/sealed.conf:2: master_key: unknown setting" "$(run $S --data $D stats)"
printf 'backend = oracle\n' > $D/sealed.conf
check conf-value "1||sealctl: stats: $D/sealed.conf:1: backend: must be one of: sqlite" "$(run $S --data $D stats)"
mv $D/master.key $T/elsewhere.key
printf 'master_key_file = %s\n' "$T/elsewhere.key" > $D/sealed.conf
check conf-keypath "0|master key opens the key store|" "$(run $S --data $D keys check)"
mv $T/elsewhere.key $D/master.key
cp $T/conf.bak $D/sealed.conf
check config-doc "$(cat "${SEAL_SOURCE_DIR:-.}/docs/config.md")" "$($S config --doc)"

echo "$pass passed, $fails failed"
[ "$fails" -eq 0 ]
