#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end: amendment of records (issue 5, PA-13; 5 U.S.C. 552a(d)). A
# subject principal files a request to amend a field of their own record;
# who may file, acknowledge, decide and review is checked; the 10- and
# 30-working-day deadlines (Thanksgiving and Christmas 2026 skipped) show in
# `amend list` with working days left and overdue flags and in `amend
# overdue` (logged once); a grant and a reversal correct the record; an
# upheld refusal takes a statement of disagreement that goes with the next
# production of the disputed field (disagreements.ndjson, signed, verified)
# and not with one that does not disclose it; `access` shows the history.
# The requested texts and statements never reach the ledger or amend.db in
# the clear. All data is made up.
set -euo pipefail
S=${SEALCTL:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
D=$T/data
. "$(dirname "$0")/support/check.sh"
NOW=2026-11-24
A() { local when=$1; shift; "$S" --data "$D" --now "$when" --as "$@"; }
jq_() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$2"; }

"$S" --data "$D" --now 2026-01-01 init --test-clock >/dev/null
cat > $T/account.ndjson <<'J'
{"account_id":"AC-7","name":"Tessaly Marrow","opened_at":"2026-02-03T04:05:06Z","email":"tess.m@post.example","phone":"555-410-2290","mailing_address":"14 Orrin Ct, Vellham OR 97001"}
{"account_id":"AC-8","name":"Dunstan Pell","opened_at":"2026-03-03T04:05:06Z","email":"d.pell@post.example","mailing_address":"3 Kestle Ln, Brantmoor VT 05001"}
J
"$S" --data "$D" ingest account $T/account.ndjson >/dev/null
"$S" --data "$D" --now $NOW agency add usps-pis --name 'Postal Inspection Service HQ' --kind federal >/dev/null
"$S" --data "$D" --now $NOW principal add po1 --agency usps-pis --role privacy_officer >/dev/null
A $NOW po1 principal add po2 --agency usps-pis --role privacy_officer >/dev/null
A $NOW po1 principal add aud1 --agency usps-pis --role auditor >/dev/null
A $NOW po1 principal add tess --agency usps-pis --role subject --identifier account:AC-7 >/dev/null
A $NOW po1 principal add dun --agency usps-pis --role subject --identifier account:AC-8 >/dev/null
A $NOW po1 agency add vellham-pd --name 'Vellham PD' --kind local >/dev/null
A $NOW po1 principal add det1 --agency vellham-pd --role requester >/dev/null
A $NOW po1 principal add rev1 --agency usps-pis --role reviewer >/dev/null
"$S" --data "$D" --now $NOW access --subject account:AC-7 > $T/a0.json
REC=$(jq_ 'd["records"][0]["record"]' $T/a0.json)

# ---- filing: who, which record, which field, which value --------------------------
check file 0 "$(rc A $NOW tess amend file --subject account:AC-7 --record $REC --field phone --requested 555-410-2299)"
check file-out '{"amendment": "AM-000001"}' "$(cat $T/out)"
check file-other-subject 1 "$(rc A $NOW dun amend file --subject account:AC-7 --record $REC --field phone --requested 555-410-2211)"
has file-other-subject-msg "neither a privacy_officer nor a subject bound" $T/err
check file-not-found 1 "$(rc A $NOW tess amend file --subject account:AC-7 --record 12345 --field phone --requested 555-410-2211)"
has file-not-found-msg "record 12345 is not one the identifier finds" $T/err
check file-identity-field 1 "$(rc A $NOW tess amend file --subject account:AC-7 --record $REC --field account_id --requested AC-9)"
has file-identity-msg "account_id is part of the record's identity" $T/err
check file-bad-value 1 "$(rc A $NOW tess amend file --subject account:AC-7 --record $REC --field email --requested not-an-email-secret)"
hasnt file-bad-value-echo "secret" $T/err
check file-no-field 1 "$(rc A $NOW tess amend file --subject account:AC-7 --record $REC --field shoe_size --requested 9)"
check file-usage 2 "$(rc A $NOW tess amend file --subject account:AC-7 --record x --field phone --requested 1)"
check file-officer 0 "$(rc A $NOW po1 amend file --subject account:AC-7 --record $REC --field email --requested tessaly.m@post.example)"
check file-officer-out '{"amendment": "AM-000002"}' "$(cat $T/out)"
check file-3 0 "$(rc A $NOW tess amend file --subject account:AC-7 --record $REC --field name --requested 'Tessaly J. Marrow')"

# ---- list: deadlines and working days left (Thanksgiving 26 Nov skipped) ----------------
check list 0 "$(rc A $NOW tess amend list)"
check list-first '{"id": "AM-000001", "state": "filed", "record": '$REC', "kind": "account", "field": "phone", "filed_by": "tess", "filed": "2026-11-24T00:00:00Z", "ack_due": "2026-12-09", "acknowledged": null, "decided": null, "reviewed": null, "disagreement": false, "deadline": "acknowledgement", "due": "2026-12-09", "working_days_left": 10, "overdue": false},' "$(sed -n 2p $T/out | sed 's/^  //')"
check list-count 3 "$(jq_ 'len(d)' $T/out)"
hasnt list-no-text "555-410-2299" $T/out
check list-dun 0 "$(rc A $NOW dun amend list)"
check list-dun-empty "[]" "$(cat $T/out)"
check list-det 1 "$(rc A $NOW det1 amend list)"
check list-auditor 0 "$(rc A $NOW aud1 amend list)"
check list-left-later "9 8" "$(A 2026-11-25 po1 amend list >$T/o1; A 2026-11-27 po1 amend list >$T/o2; echo "$(jq_ 'd[0]["working_days_left"]' $T/o1) $(jq_ 'd[0]["working_days_left"]' $T/o2)")"
check show-subject 0 "$(rc A $NOW tess amend show AM-000001)"
check show-text "555-410-2299" "$(jq_ 'd[0]["requested"]' $T/out)"
check show-other 1 "$(rc A $NOW dun amend show AM-000001)"
check show-auditor 1 "$(rc A $NOW aud1 amend show AM-000001)"

# ---- acknowledgement: on time, and an overdue one reported and logged once ---------------
check ack-subject 1 "$(rc A 2026-12-01 tess amend acknowledge AM-000002)"
check ack 0 "$(rc A 2026-12-01 po1 amend acknowledge AM-000002)"
check ack-twice 1 "$(rc A 2026-12-01 po1 amend acknowledge AM-000002)"
has ack-twice-msg "AM-000002 is acknowledged" $T/err
check overdue-none '[]' "$("$S" --data "$D" --now 2026-12-09 amend overdue)"
check sweep-overdue '{"actions": [], "amendments": [{"amendment": "AM-000001", "deadline": "acknowledgement", "due": "2026-12-09"}, {"amendment": "AM-000003", "deadline": "acknowledgement", "due": "2026-12-09"}]}' "$(A 2026-12-10 aud1 request sweep)"
check overdue '[{"amendment": "AM-000001", "deadline": "acknowledgement", "due": "2026-12-09"}, {"amendment": "AM-000003", "deadline": "acknowledgement", "due": "2026-12-09"}]' "$("$S" --data "$D" --now 2026-12-10 amend overdue)"
"$S" --data "$D" --now 2026-12-11 amend overdue >/dev/null
check list-overdue "-1 true" "$(A 2026-12-10 po1 amend list >$T/o1; jq_ '"%d %s" % (d[0]["working_days_left"], str(d[0]["overdue"]).lower())' $T/o1)"

# ---- grant: the record is corrected ------------------------------------------------------
check grant 0 "$(rc A 2026-12-10 po1 amend decide AM-000002 --grant)"
check grant-twice 1 "$(rc A 2026-12-10 po1 amend decide AM-000002 --refuse --reason no)"
"$S" --data "$D" --now 2026-12-10 access --subject account:AC-7 > $T/a1.json
check corrected-email "tessaly.m@post.example" "$(jq_ 'd["records"][0]["fields"]["email"]' $T/a1.json)"
check same-record "$REC" "$(jq_ 'd["records"][0]["record"]' $T/a1.json)"

# ---- refusal, review by another officer, upheld, statement of disagreement ----------------
check refuse-noreason 2 "$(rc A 2026-12-10 po1 amend decide AM-000001 --refuse)"
check refuse 0 "$(rc A 2026-12-10 po1 amend decide AM-000001 --refuse --reason 'the carrier confirmed the old number')"
check review-due "2027-01-26 30" "$(A 2026-12-10 po1 amend list >$T/o1; jq_ '"%s %d" % (d[0]["review_due"], d[0]["working_days_left"])' $T/o1)"
check disagree-early 1 "$(rc A 2026-12-10 tess amend disagree AM-000001 --statement 'too early')"
check review-same 1 "$(rc A 2026-12-11 po1 amend review AM-000001 --uphold)"
has review-same-msg "another privacy officer reviews" $T/err
check review-uphold 0 "$(rc A 2026-12-11 po2 amend review AM-000001 --uphold)"
check disagree-other 1 "$(rc A 2026-12-11 dun amend disagree AM-000001 --statement 'not mine')"
check disagree 0 "$(rc A 2026-12-11 tess amend disagree AM-000001 --statement 'My number has been 555-410-2299 since March.')"
check disagree-twice 1 "$(rc A 2026-12-11 tess amend disagree AM-000001 --statement 'again')"
# a refusal reversed on review: corrected
check refuse-3 0 "$(rc A 2026-12-11 po1 amend decide AM-000003 --refuse --reason 'no document shows the initial')"
check reverse-3 0 "$(rc A 2026-12-14 po2 amend review AM-000003 --reverse)"
"$S" --data "$D" --now 2026-12-14 access --subject account:AC-7 > $T/a2.json
check reversed-name "Tessaly J. Marrow" "$(jq_ 'd["records"][0]["fields"]["name"]' $T/a2.json)"
check access-history "AM-000001:upheld AM-000002:granted AM-000003:reversed" \
    "$(jq_ '" ".join(a["id"] + ":" + a["state"] for a in d["amendments"])' $T/a2.json)"
check access-statement "My number has been 555-410-2299 since March." \
    "$(jq_ 'd["amendments"][0]["statement_of_disagreement"]' $T/a2.json)"
check access-other "0" "$("$S" --data "$D" --now 2026-12-14 access --subject account:AC-8 > $T/a3.json; jq_ 'len(d["amendments"])' $T/a3.json)"
"$S" --data "$D" --now 2026-12-14 access --subject account:AC-7 --html $T/page.html >/dev/null
has html-amend "Your requests to amend your records (3)" $T/page.html

# ---- the statement goes with later disclosures of the disputed field --------------------------
req() { # categories-json reference
    cat <<J
{"agency": "vellham-pd", "official": "Det. R. Quill, Fraud",
 "legal_basis": {"type": "subpoena", "reference": "$2",
  "issued_by": "Grand Jury, District of Examplia",
  "issued_at": "2026-12-01T00:00:00Z", "expires_at": "2027-02-19T00:00:00Z",
  "facts": "The account received 9 parcels between March and June that were later found to hold counterfeit goods."},
 "purpose": {"activity": "criminal_investigation", "offense": "18 USC 2320"},
 "subjects": [{"type": "account", "value": "AC-7"}], "categories": $1, "window": {"from": "2026-01-01", "to": "2026-10-31"}}
J
}
req '["contact"]' GJ-2026-301 > $T/r1.json
R1=$(A 2026-12-14 det1 request submit $T/r1.json | sed -n 's/.*"id": "\([^"]*\)".*/\1/p')
A 2026-12-14 rev1 request review $R1 --approve >/dev/null
check produce 0 "$(rc A 2026-12-14 rev1 produce $R1 --out $T/b1)"
check bundle-files "checkpoint disagreements.ndjson ledger.vkey manifest.note proofs.json subject-1.ndjson" "$(ls $T/b1 | tr '\n' ' ' | sed 's/ $//')"
check dis-line '{"amendment":"AM-000001","field":"phone","file":"subject-1.ndjson","filed":"2026-12-11T00:00:00Z","line":1,"statement":"My number has been 555-410-2299 since March."}' "$(cat $T/b1/disagreements.ndjson)"
has manifest-dis "^file disagreements.ndjson [0-9a-f]\{64\} 1$" $T/b1/manifest.note
check verify 0 "$(rc "$S" produce verify $T/b1)"
has verify-out '"files": 2, "records": 1' $T/out
cp -r $T/b1 $T/t1 && sed -i 's/March/April/' $T/t1/disagreements.ndjson
check verify-tampered 1 "$(rc "$S" produce verify $T/t1)"
cp -r $T/b1 $T/t2 && rm $T/t2/disagreements.ndjson
check verify-removed 1 "$(rc "$S" produce verify $T/t2)"
req '["identity"]' GJ-2026-302 > $T/r2.json
R2=$(A 2026-12-14 det1 request submit $T/r2.json | sed -n 's/.*"id": "\([^"]*\)".*/\1/p')
A 2026-12-14 rev1 request review $R2 --approve >/dev/null
check produce-identity 0 "$(rc A 2026-12-14 rev1 produce $R2 --out $T/b2)"
check no-dis-file "checkpoint ledger.vkey manifest.note proofs.json subject-1.ndjson" "$(ls $T/b2 | tr '\n' ' ' | sed 's/ $//')"
hasnt no-statement "555-410-2299" $T/b2

# ---- the ledger: every transition, ids only ------------------------------------------------
check ledger-verify 0 "$(rc "$S" log verify --dir "$D/ledger")"
ents=$(find "$D/ledger/tile/entries" -type f -exec cat {} + | tr -c '[:print:]' '\n')
check ledger-types "1 3 3 2 1 2" "$(for t in acknowledged filed decided reviewed disagreement overdue; do grep -o "\"type\":\"amend.$t\"" <<<"$ents" | wc -l; done | tr '\n' ' ' | sed 's/ $//')"
check ledger-dis-count 1 "$(grep -o '"disagreements":"1"' <<<"$ents" | wc -l)"
for v in 555-410-2299 "since March" tessaly.m "carrier confirmed" "J. Marrow"; do
    if grep -q -- "$v" <<<"$ents"; then check "ledger-no-$v" absent present; fi
done
hasnt db-no-text "555-410-2299" "$D/amend.db"
hasnt db-no-statement "since March" "$D/amend.db"
check db-mode 600 "$(stat -c %a "$D/amend.db")"
check help 0 "$(rc "$S" amend --help)"
has help-text "amend_ack_working_days" $T/out

echo "amend_cli: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
