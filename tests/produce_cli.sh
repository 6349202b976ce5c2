#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end: productions (issue 5). A subpoena for contact data of one
# account (window 2026) is approved and produced: the bundle holds exactly
# the approved fields of the in-window records, no value of a non-approved
# category appears anywhere in it (grep), it verifies offline and a tampered
# data file, an extra file or a wrong key fail verification. A second
# production, a denied request and an expired one are refused and logged; an
# unknown subject gives an empty, signed, logged production. All data is
# made up.
# A `person` subject yields only the records naming that person, never those
# of others at the same address; a delay of notice is logged with the
# production (its end, length, basis, reference); the index of requests'
# ledger events catches up incrementally. All data is made up.
set -euo pipefail
S=${SEALCTL:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
D=$T/data
. "$(dirname "$0")/support/check.sh"
field() { sed -n "s/.*\"$1\": \"\\([^\"]*\\)\".*/\\1/p" "$T/out" | head -1; }
NOW=2026-11-24
A() { "$S" --data "$D" --now "$NOW" --as "$@"; }

"$S" --data "$D" --now 2026-01-01 init --test-clock >/dev/null
cat > $T/account.ndjson <<'J'
{"account_id":"AC-1","name":"Orlen Vasquiel","opened_at":"2026-02-03T04:05:06Z","email":"orlen.v@post.example","phone":"555-213-7788","mailing_address":"221 S Tamber St Apt 2, Quellford MN 55001"}
{"account_id":"AC-2","name":"Ima Drovenko","opened_at":"2026-03-03T04:05:06Z","email":"ima.d@post.example","mailing_address":"19 Wexley Rd, Brantmoor VT 05001"}
J
cat >> $T/account.ndjson <<'J'
{"account_id":"AC-3","name":"Pell Vasquiel","opened_at":"2026-02-05T04:05:06Z","email":"pell.v@post.example","mailing_address":"221 South Tamber Street Apt 2, Quellford MN 55001"}
J
cat > $T/pay.ndjson <<'J'
{"payment_id":"PY-1","account_id":"AC-1","type":"card","card_brand":"visa","card_last4":"4921","payee_name":"Quellford Hardware","amount_cents":"1999","at":"2026-04-01T10:00:00Z"}
{"payment_id":"PY-2","type":"cash","purchaser_name":"ORLEN  VASQUIEL","purchaser_address":"221 S Tamber St Apt 2, Quellford MN 55001","amount_cents":"500","at":"2026-05-01T10:00:00Z"}
{"payment_id":"PY-3","type":"cash","purchaser_name":"Pell Vasquiel","purchaser_address":"221 S Tamber St Apt 2, Quellford MN 55001","amount_cents":"700","at":"2026-05-02T10:00:00Z"}
{"payment_id":"PY-4","type":"check","purchaser_name":"O. Vasquiel","purchaser_address":"221 S Tamber St Apt 2, Quellford MN 55001","amount_cents":"900","at":"2026-05-03T10:00:00Z"}
J
"$S" --data "$D" ingest account $T/account.ndjson >/dev/null
"$S" --data "$D" ingest payment $T/pay.ndjson >/dev/null

"$S" --data "$D" --now $NOW agency add usps-pis --name 'Postal Inspection Service HQ' --kind federal >/dev/null
"$S" --data "$D" --now $NOW principal add po1 --agency usps-pis --role privacy_officer >/dev/null
A po1 agency add quellford-pd --name 'Quellford PD' --kind local >/dev/null
A po1 principal add det1 --agency quellford-pd --role requester >/dev/null
A po1 principal add rev1 --agency usps-pis --role reviewer >/dev/null

req() { # subjects-json categories-json from to expires
    # each request under its own process: a legal basis serves one request (PA-2)
    local n; n=$(cat $T/refn 2>/dev/null || echo 117); n=$((n + 1)); echo $n > $T/refn
    cat <<J
{"agency": "quellford-pd", "official": "Det. O. Vasquiel, Narcotics",
 "legal_basis": {"type": "subpoena", "reference": "GJ-2026-$n",
  "issued_by": "Grand Jury, District of Examplia",
  "issued_at": "2026-11-21T00:00:00Z", "expires_at": "$5",
  "facts": "The subject received 14 parcels at this address between March and June that were later found to contain fentanyl."},
 "purpose": {"activity": "criminal_investigation", "offense": "21 USC 841"},
 "subjects": $1, "categories": $2, "window": {"from": "$3", "to": "$4"}}
J
}
submit() { # file -> id
    A det1 request submit "$1" >"$T/out"
    field id
}
req '[{"type": "account", "value": "AC-1"}]' '["contact"]' 2026-01-01 2026-10-31 2027-02-19T00:00:00Z > $T/r1.json
R1=$(submit $T/r1.json)
check r1-approve 0 "$(rc A rev1 request review $R1 --approve)"

# ---- produce: exactly the approved fields of in-window records ---------------
check produce 0 "$(rc A rev1 produce $R1 --out $T/b1)"
has produce-out "\"production\": \"P-$R1\", \"request\": \"$R1\", \"subjects\": 1, \"records\": 1" "$T/out"
check bundle-files "checkpoint ledger.vkey manifest.note proofs.json subject-1.ndjson" "$(ls $T/b1 | tr '\n' ' ' | sed 's/ $//')"
check bundle-data '{"fields":{"email":"orlen.v@post.example","mailing_address":"221 S Tamber St Apt 2, Quellford MN 55001","phone":"555-213-7788"},"kind":"account"}' "$(cat $T/b1/subject-1.ndjson)"
for v in "Orlen Vasquiel" "AC-1\"" 4921 visa "Quellford Hardware" 1999 "Ima Drovenko" "ima.d@"; do
    hasnt "no-$v" "$v" "$T/b1"
done
has manifest-cats "^categories contact$" "$T/b1/manifest.note"
has manifest-window "^window 2026-01-01..2026-10-31$" "$T/b1/manifest.note"
has manifest-approval "^approval rev1 " "$T/b1/manifest.note"
has manifest-policy "^policy strict [0-9a-f]\{64\}$" "$T/b1/manifest.note"
check verify 0 "$(rc "$S" produce verify $T/b1)"
has verify-out '"verified": true, "files": 1, "records": 1, "proofs": 7' "$T/out"
check verify-pinned 0 "$(rc "$S" produce verify $T/b1 --vkey "$D/ledger/vkey")"

# ---- tampering ---------------------------------------------------------------
cp -r $T/b1 $T/t1 && sed -i 's/orlen/orlan/' $T/t1/subject-1.ndjson
check tamper-data 1 "$(rc "$S" produce verify $T/t1)"
has tamper-data-msg "subject-1.ndjson: digest differs" "$T/err"
cp -r $T/b1 $T/t2 && echo '{}' > $T/t2/extra.ndjson
check tamper-extra 1 "$(rc "$S" produce verify $T/t2)"
cp -r $T/b1 $T/t3 && sed -i 's/^categories contact$/categories contact,identity/' $T/t3/manifest.note
check tamper-manifest 1 "$(rc "$S" produce verify $T/t3)"
"$S" order keygen --dir "$T" other-key >/dev/null
check wrong-key 1 "$(rc "$S" produce verify $T/b1 --vkey "$T/other-key.vkey")"
cp -r $T/b1 $T/t4 && python3 - "$T/t4/proofs.json" <<'P'
import json, sys
p = json.load(open(sys.argv[1])); p["events"][0]["proof"][0] = "00" * 32
json.dump(p, open(sys.argv[1], "w"))
P
check tamper-proof 1 "$(rc "$S" produce verify $T/t4)"

# ---- refusals, logged ----------------------------------------------------------
check produce-twice 1 "$(rc A rev1 produce $R1 --out $T/b1b)"
has produce-twice-msg "produced before" "$T/err"
req '[{"type": "account", "value": "AC-2"}]' '["contact"]' 2026-01-01 2026-10-31 2027-02-19T00:00:00Z > $T/r2.json
R2=$(submit $T/r2.json)
A rev1 request review $R2 --deny >/dev/null
check produce-denied 1 "$(rc A rev1 produce $R2 --out $T/b2)"
has produce-denied-msg "denied, not active" "$T/err"
check produce-other-agency 1 "$(rc A po1 produce R-999999 --out $T/b9)"

# ---- an unknown subject: an empty, signed, logged production -------------------
req '[{"type": "email", "value": "nobody@nowhere.example"}]' '["contact"]' 2026-01-01 2026-10-31 2027-02-19T00:00:00Z > $T/r4.json
R4=$(submit $T/r4.json)
A rev1 request review $R4 --approve >/dev/null
check produce-empty 0 "$(rc A rev1 produce $R4 --out $T/b4)"
has produce-empty-out '"subjects": 1, "records": 0' "$T/out"
check empty-file 0 "$(stat -c %s $T/b4/subject-1.ndjson)"
check verify-empty 0 "$(rc "$S" produce verify $T/b4)"

# ---- PA-4: how long each entry is kept -------------------------------------------
kept() { python3 -c "
import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('select keep_until from entries where request=?', (sys.argv[2],)).fetchone()[0])" "$D/accounting.db" "$1"; }
# an open account has no end of life yet: kept without end
check kept-open-account 9223372036854775807 "$(kept $R1)"
# nothing disclosed about anyone: no accounting entry (entries are keyed to the
# people whose records went out; the production itself is in the ledger)
check kept-nothing-disclosed 0 "$(python3 -c "
import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('select count(*) from entries where request=?', (sys.argv[2],)).fetchone()[0])" "$D/accounting.db" "$R4")"

# ---- a person: only the records naming them, not others at the address ----------
req '[{"type": "person", "name": "Orlen Vasquiel", "address": "221 S. Tamber Street, Apt 2, Quellford MN 55001"}]' '["identity", "contact", "payment_means"]' 2026-01-01 2026-10-31 2027-02-19T00:00:00Z > $T/r5.json
R5=$(submit $T/r5.json)
A rev1 request review $R5 --approve >/dev/null
check produce-person 0 "$(rc A rev1 produce $R5 --out $T/b5)"
check person-records '{"fields":{"email":"orlen.v@post.example","mailing_address":"221 S Tamber St Apt 2, Quellford MN 55001","name":"Orlen Vasquiel","opened_at":"2026-02-03T04:05:06Z","phone":"555-213-7788"},"kind":"account"}
{"fields":{"purchaser_address":"221 S Tamber St Apt 2, Quellford MN 55001","purchaser_name":"ORLEN  VASQUIEL","type":"cash"},"kind":"payment"}' "$(cat $T/b5/subject-1.ndjson)"
for v in Pell "O. Vasquiel" '"700"' '"900"'; do hasnt "person-no-$v" "$v" "$T/b5"; done
check verify-person 0 "$(rc "$S" produce verify $T/b5)"
# the same address as an `address` subject reaches everyone there
req '[{"type": "address", "address": "221 S Tamber St Apt 2, Quellford MN 55001"}]' '["identity"]' 2026-01-01 2026-10-31 2027-02-19T00:00:00Z > $T/r6.json
R6=$(submit $T/r6.json)
A rev1 request review $R6 --approve >/dev/null
check produce-address 0 "$(rc A rev1 produce $R6 --out $T/b6)"
has address-out '"records": 5' "$T/out"

# ---- a delay of notice is logged with the production -----------------------------
req '[{"type": "account", "value": "AC-2"}]' '["contact"]' 2026-01-01 2026-10-31 2027-02-19T00:00:00Z | sed 's/"expires_at"/"notice_delay_until": "2027-01-15", "expires_at"/' > $T/r7.json
R7=$(submit $T/r7.json)
A rev1 request review $R7 --approve >/dev/null
check produce-delayed 0 "$(rc A rev1 produce $R7 --out $T/b7)"
python3 -c "
import json,sys; print([e['entry'] for e in json.load(open(sys.argv[1]))['events'] if 'production.made' in e['entry']][0])" $T/b7/proofs.json > $T/ev7
has delay-until '"notice_until":"2027-01-15"' $T/ev7
has delay-days '"notice_days":"52"' $T/ev7
has delay-basis '"notice_basis":"request_document"' $T/ev7
R7REF=$(sed -n 's/.*"reference": "\([^"]*\)".*/\1/p' $T/r7.json)
has delay-ref "\"notice_reference\":\"$R7REF\"" $T/ev7
hasnt no-delay-undelayed "notice_until" $T/b1/proofs.json

# ---- expired: refused on the first day after (last: a test clock never goes back) ---
req '[{"type": "account", "value": "AC-2"}]' '["contact"]' 2026-01-01 2026-10-31 2026-11-30T00:00:00Z > $T/r3.json
R3=$(submit $T/r3.json)
A rev1 request review $R3 --approve >/dev/null
check produce-expired 1 "$(rc "$S" --data "$D" --now 2026-12-01 --as rev1 produce $R3 --out $T/b3)"
has produce-expired-msg "expired" "$T/err"

# ---- the index of requests' ledger events: incremental, ledger-checked --------------
# every event of R7 before its production (indexed when it was produced)
check evidx-rows "$(find "$D/ledger/tile/entries" -type f -exec cat {} + | tr -c '[:print:]' '\n' |
    grep -o "\"request\":\"$R7\"" | wc -l | awk '{print $1 - 1}')" "$(python3 -c "
import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('select count(*) from evidx where request=?', (sys.argv[2],)).fetchone()[0])" "$D/accounting.db" "$R7")"

# ---- the ledger: every production and refusal, no personal data ---------------
check ledger-verify 0 "$(rc "$S" log verify --dir "$D/ledger")"
ents=$(find "$D/ledger/tile/entries" -type f -exec cat {} + | tr -c '[:print:]' '\n')
check ledger-made 5 "$(grep -o '"type":"production.made"' <<<"$ents" | wc -l)"
check ledger-refused 4 "$(grep -o '"type":"production.refused"' <<<"$ents" | wc -l)"
for v in orlen Vasquiel nobody@ AC-1 Tamber; do
    if grep -q -- "$v" <<<"$ents"; then check "ledger-no-$v" absent present; fi
done
hasnt acct-no-pii "orlen" "$D/accounting.db"

echo "produce_cli: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
