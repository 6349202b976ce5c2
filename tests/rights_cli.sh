#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end: rights that reach the right person (PA-4, PA-13). Two people
# share one address: Orla Venn (account AC-O) and Pim Arlow (account AC-P),
# each with a change-of-address filing, and a parcel to the address sent
# from Pim's account. A subpoena names Pim by name and address.
# - Standing state: an account is in a window while it was open during it
#   (opened before the window and still open: disclosed; closed before the
#   window: not), and an account closed in the window is kept 5 years.
# - The accounting is keyed to the person whose records went out: Pim sees
#   the disclosure by his account and by his email, though the request named
#   him by name and address; Orla, at the same address, sees neither Pim's
#   records nor that disclosure; the address alone, without a name, shows
#   nothing of anyone.
# - A reviewer (never a requester, nor anyone of the requesting agency)
#   sees what producing a request would hold as counts per kind, no values;
#   an empty one says so.
# - name: is valid only beside an address. All data is made up.
set -euo pipefail
S=${SEALCTL:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
D=$T/data
. "$(dirname "$0")/support/check.sh"
field() { sed -n "s/.*\"$1\": \"\\([^\"]*\\)\".*/\\1/p" "$T/out" | head -1; }
NOW=2026-11-24
A() { "$S" --data "$D" --now "$NOW" --as "$@"; }
acc() { "$S" --data "$D" --now "$NOW" access "$@"; }
jq_() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$2"; }
ADDR='40 Quarry Row Apt 2, Vellham OR 97001'

"$S" --data "$D" --now 2026-01-01 init --test-clock >/dev/null
cat > $T/account.ndjson <<J
{"account_id":"AC-O","name":"Orla Venn","opened_at":"2024-05-01T09:00:00Z","email":"orla.v@post.example","mailing_address":"$ADDR"}
{"account_id":"AC-P","name":"Pim Arlow","opened_at":"2023-01-10T09:00:00Z","email":"pim.a@post.example","phone":"555-318-4407","mailing_address":"40 Quarry Row #2, Vellham OR 97001"}
{"account_id":"AC-Q","name":"Pim Arlow","opened_at":"2022-01-10T09:00:00Z","closed_at":"2025-06-01T00:00:00Z","email":"pim.old@post.example","mailing_address":"$ADDR"}
{"account_id":"AC-R","name":"Pim Arlow","opened_at":"2022-03-10T09:00:00Z","closed_at":"2026-03-01T00:00:00Z","email":"pim.r@post.example","mailing_address":"$ADDR"}
J
cat > $T/coa.ndjson <<J
{"coa_id":"COA-O","name":"Orla Venn","scope":"individual","old_address":"$ADDR","new_address":"9 Fenwick Ave, Brantmoor VT 05001","effective_date":"2026-06-01","filed_at":"2026-05-20T10:00:00Z"}
{"coa_id":"COA-P","name":"Pim Arlow","scope":"individual","old_address":"$ADDR","new_address":"77 Sable Ct, Quellford MN 55001","effective_date":"2026-07-01","filed_at":"2026-06-20T10:00:00Z"}
J
cat > $T/tracking.ndjson <<J
{"tracking_number":"9400100000000000000017","event_at":"2026-04-02T08:00:00Z","facility":"VELLHAM OR","status":"delivered","recipient_address":"$ADDR","sender_account_id":"AC-P"}
J
"$S" --data "$D" ingest account $T/account.ndjson >/dev/null
"$S" --data "$D" ingest address_change $T/coa.ndjson >/dev/null
"$S" --data "$D" ingest tracking $T/tracking.ndjson >/dev/null

"$S" --data "$D" --now $NOW agency add usps-pis --name 'Postal Inspection Service HQ' --kind federal >/dev/null
"$S" --data "$D" --now $NOW principal add po1 --agency usps-pis --role privacy_officer >/dev/null
A po1 agency add vellham-pd --name 'Vellham PD' --kind local >/dev/null
A po1 principal add det1 --agency vellham-pd --role requester >/dev/null
A po1 principal add rev1 --agency usps-pis --role reviewer >/dev/null

req() { # subjects-json reference categories-json
    cat <<J
{"agency": "vellham-pd", "official": "Det. R. Quill, Fraud",
 "legal_basis": {"type": "subpoena", "reference": "$2",
  "issued_by": "Grand Jury, District of Examplia",
  "issued_at": "2026-11-21T00:00:00Z", "expires_at": "2027-02-19T00:00:00Z",
  "facts": "The account received 9 parcels between March and June that were later found to hold counterfeit goods."},
 "purpose": {"activity": "criminal_investigation", "offense": "18 USC 2320"},
 "subjects": $1, "categories": $3, "window": {"from": "2026-01-01", "to": "2026-10-31"}}
J
}
submit() { A det1 request submit "$1" >"$T/out"; field id; }
produce() { # request out-dir
    A rev1 request review "$1" --approve >/dev/null
    check "produce-$1" 0 "$(rc A rev1 produce "$1" --out "$2")"
}

# ---- standing state: in the window while in force ------------------------------------
req '[{"type": "account", "value": "AC-O"}, {"type": "account", "value": "AC-Q"}, {"type": "account", "value": "AC-R"}]' GJ-2026-301 '["identity", "contact"]' > $T/r1.json
R1=$(submit $T/r1.json)
produce $R1 $T/b1
# AC-O opened in 2024 and still open: in force during 2026
has standing-open '"email":"orla.v@post.example"' $T/b1/subject-1.ndjson
check standing-open-lines 1 "$(wc -l < $T/b1/subject-1.ndjson)"
# AC-Q closed in 2025, before the window: not in it
check standing-closed-before 0 "$(wc -l < $T/b1/subject-2.ndjson)"
hasnt standing-closed-before-data "pim.old@" $T/b1
# AC-R closed inside the window: in it
has standing-closed-within '"email":"pim.r@post.example"' $T/b1/subject-3.ndjson
# PA-4: AC-R's life ends 3 years after closing (2029): kept the 5-year minimum
kept() { python3 -c "
import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(' '.join(str(r[0]) for r in c.execute('select keep_until from entries where request=? order by keep_until', (sys.argv[2],))))" "$D/accounting.db" "$1"; }
check kept-min-and-open "$(date -u -d 2031-11-25 +%s) 9223372036854775807" "$(kept $R1)"

# ---- a person named by name and address: the accounting reaches the person ---------------
req '[{"type": "person", "name": "Pim Arlow", "address": "40 Quarry Row Apt 2, Vellham OR 97001"}]' GJ-2026-302 '["identity", "contact"]' > $T/r2.json
R2=$(submit $T/r2.json)
produce $R2 $T/b2
# the bundle: Pim's accounts at the address in force in 2026, and his filing's name
has p-bundle-account '"email":"pim.a@post.example"' $T/b2/subject-1.ndjson
has p-bundle-coa '"kind":"address_change"' $T/b2/subject-1.ndjson
hasnt p-bundle-no-orla "Orla" $T/b2
# by account, Pim sees it
check pim-by-account 0 "$(rc acc --subject account:AC-P)"
check pim-by-account-r2 "$R2" "$(jq_ "' '.join(e['request'] for e in d['accounting'] if e['request']=='$R2')" $T/out)"
# by email only, Pim still sees it: his account's records are found by email
check pim-by-email 0 "$(rc acc --subject email:pim.a@post.example)"
check pim-by-email-r2 "$R2" "$(jq_ "' '.join(e['request'] for e in d['accounting'] if e['request']=='$R2')" $T/out)"
# by address and name, Pim sees his filing and the disclosure
check pim-by-address 0 "$(rc acc --subject "address:$ADDR" --subject 'name:PIM ARLOW')"
check pim-by-address-kinds "address_change" "$(jq_ "' '.join(r['kind'] for r in d['records'])" $T/out)"
check pim-by-address-r2 "$R2" "$(jq_ "' '.join(e['request'] for e in d['accounting'] if e['request']=='$R2')" $T/out)"

# ---- Orla, at the same address: only what is hers -------------------------------------
check orla 0 "$(rc acc --subject "address:$ADDR" --subject 'name:Orla Venn')"
check orla-records "address_change COA-O" "$(jq_ "' '.join(r['kind']+' '+r['fields']['coa_id'] for r in d['records'])" $T/out)"
check orla-no-accounting 0 "$(jq_ "len(d['accounting'])" $T/out)"
for v in "Pim Arlow" pim.a@ pim.r@ COA-P AC-P 9400100000000000000017 "$R2"; do
    hasnt "orla-no-$v" "$v" $T/out
done
# the address alone names a household, not a person: nothing
check address-alone 0 "$(rc acc --subject "address:$ADDR")"
check address-alone-empty "0 0" "$(jq_ "'%d %d' % (len(d['records']), len(d['accounting']))" $T/out)"
# the parcel is Pim's: by his account, and by its tracking number
check pim-parcel 0 "$(rc acc --subject account:AC-P)"
has pim-parcel-tracking '"tracking_number": "9400100000000000000017"' $T/out
check tracking-holder 0 "$(rc acc --subject tracking:9400100000000000000017)"
has tracking-holder-sees '"kind": "tracking"' $T/out

# ---- the reviewer's preview: counts per kind, no values, before deciding -------------------
req '[{"type": "person", "name": "Orla Venn", "address": "40 Quarry Row Apt 2, Vellham OR 97001"}]' GJ-2026-303 '["identity", "contact"]' > $T/r3.json
R3=$(submit $T/r3.json)
check preview 0 "$(rc A rev1 request preview $R3)"
check preview-out "{\"request\": \"$R3\", \"state\": \"review\", \"kinds\": {\"account\": 1, \"address_change\": 1}, \"records\": 2, \"empty\": false}" "$(cat $T/out)"
for v in Orla orla.v@ Quarry COA-O AC-O; do hasnt "preview-no-$v" "$v" $T/out; done
# the requester may not see what would go, nor anyone of the requesting agency
check preview-requester 1 "$(rc A det1 request preview $R3)"
has preview-requester-msg "not a reviewer or an approver" $T/err
A po1 principal add rev-own --agency vellham-pd --role reviewer >/dev/null
check preview-own-agency 1 "$(rc A rev-own request preview $R3)"
has preview-own-agency-msg "own agency" $T/err
check preview-officer 1 "$(rc A po1 request preview $R3)"
# a request whose production would be empty says so
req '[{"type": "email", "value": "nobody@post.example"}]' GJ-2026-304 '["contact"]' > $T/r4.json
R4=$(submit $T/r4.json)
check preview-empty 0 "$(rc A rev1 request preview $R4)"
check preview-empty-out "{\"request\": \"$R4\", \"state\": \"review\", \"kinds\": {}, \"records\": 0, \"empty\": true}" "$(cat $T/out)"

# ---- name: only beside an address ---------------------------------------------------
check name-alone 1 "$(rc acc --subject 'name:Orla Venn')"
has name-alone-msg "subject 1: a name is valid only beside an address" $T/err
hasnt name-alone-no-value "Orla" $T/err
check name-beside-email 1 "$(rc acc --subject email:orla.v@post.example --subject 'name:Orla Venn')"
check subject-name-alone 1 "$(rc A po1 principal add orla --agency usps-pis --role subject --identifier 'name:Orla Venn')"
has subject-name-alone-msg "identifier 1: a name is valid only beside an address" $T/err
# bound identifiers are checked as the store standardises them: no bare ZIP, no pattern
for bad in 'address:35999' 'email:*@example.com' 'phone:12' 'tracking:94001%'; do
    check "subject-invalid-$bad" 1 "$(rc A po1 principal add bad1 --agency usps-pis --role subject --identifier "$bad")"
    has "subject-invalid-msg-$bad" "principal: identifier 1: " $T/err
done
check subject-invalid-bare-zip 1 "$(rc A po1 principal add bad1 --agency usps-pis --role subject --identifier address:35999)"
hasnt subject-invalid-no-value "35999" $T/err
check subject-invalid-list 0 "$(rc A po1 principal list)"
hasnt subject-invalid-none-added '"bad1"' $T/out
check subject-name-address 0 "$(rc A po1 principal add orla --agency usps-pis --role subject --identifier "address:$ADDR" --identifier 'name:Orla Venn')"

echo "rights_cli: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
