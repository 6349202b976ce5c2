#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end: the request lifecycle through sealctl (issue 4, phase 2).
# Registries (bootstrap, then only a privacy officer), submit as a requester,
# review refused to the requesting agency and to the submitter, two distinct
# cover approvers under strict (a delegation out of its window refused), a
# cfr-233 cover refused to a cover approver outside the inspection service
# (MC-2) and approved by one inside it, while strict counts the former, an
# unregistered agency refused, an emergency whose follow-up never came
# flagged by the sweep at --now, a preservation renewed once, an indictment
# ending a cover, then the ledger verifies and holds no personal data, and
# registry.db holds the documents only as ciphertext. The policy of record:
# `submit --policy` and `--issuer-key` refused (exit 2); cfr-233 cases run in
# a directory made with `init --policy cfr-233`. All data is made up.
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

# ---- registries -----------------------------------------------------------
check bootstrap-agency 0 "$(rc "$S" --data "$D" --now $NOW agency add usps-pis --name 'Postal Inspection Service HQ' --kind federal --inspection-service)"
check bootstrap-officer 0 "$(rc "$S" --data "$D" --now $NOW principal add po1 --agency usps-pis --role privacy_officer)"
check no-bootstrap-after-officer 1 "$(rc "$S" --data "$D" --now $NOW agency add x-pd --name X --kind local)"
has no-bootstrap-msg "privacy_officer" "$T/err"
check requester-cannot-register 1 "$(rc A po1 agency add bad/id --name X --kind local)"
for a in "quellford-pd local" "postal-inspection federal" "brantmoor-sheriff local" "fed-bureau federal"; do
    set -- $a
    check "agency-$1" 0 "$(rc A po1 agency add $1 --name "Agency $1" --kind $2)"
done
check agency-dup 1 "$(rc A po1 agency add quellford-pd --name again --kind local)"
check agency-kind 2 "$(rc A po1 agency add y-pd --name Y --kind county)"
check agency-list 0 "$(rc A po1 agency list)"
has agency-list-inspection '"id": "usps-pis", "name": "Postal Inspection Service HQ", "kind": "federal", "national_security": false, "inspection_service": true' "$T/out"
has agency-list-not-inspection '"id": "fed-bureau", "name": "Agency fed-bureau", "kind": "federal", "national_security": false, "inspection_service": false' "$T/out"
"$S" order keygen --dir "$T" district-court-examplia >/dev/null
check issuer-add 0 "$(rc A po1 issuer add district-court-examplia --key "$T/district-court-examplia.vkey")"
check issuer-name-mismatch 1 "$(rc A po1 issuer add other-court --key "$T/district-court-examplia.vkey")"
p() { check "principal-$1" 0 "$(rc A po1 principal add "$@")"; }
p det1 --agency quellford-pd --role requester --role reviewer
p rev-own --agency quellford-pd --role reviewer
p rev1 --agency usps-pis --role reviewer
p insp1 --agency postal-inspection --role requester
p ca1 --agency usps-pis --role cover_approver
p ca2 --agency usps-pis --role cover_approver
p ca-old --agency usps-pis --role cover_approver --valid-until 2026-06-30
# MC-2: the role is grantable outside the inspection service; review decides
p ca-fed --agency fed-bureau --role cover_approver
p sgt1 --agency brantmoor-sheriff --role requester
p aud1 --agency usps-pis --role auditor
check principal-unknown-agency 1 "$(rc A po1 principal add z1 --agency nowhere --role requester)"
check principal-bad-role 2 "$(rc A po1 principal add z1 --agency usps-pis --role king)"
check protect-add 0 "$(rc A po1 protect add '77 Harrow Ln, Quellford MN 55001' --order PO-2026-4)"
check protect-list 0 "$(rc A aud1 protect list)"
has protect-list-hash '"order": "PO-2026-4"' "$T/out"
if grep -qi harrow "$T/out"; then check protect-list-plain no yes; fi
check principal-list 0 "$(rc A aud1 principal list)"
has principal-list-window '"id": "ca-old", "agency": "usps-pis", "roles": \["cover_approver"\], "valid_from": null, "valid_until": "2026-06-30"' "$T/out"
check unknown-principal 1 "$(rc A ghost request list)"

# ---- a subpoena: submit, wrong reviewers, approval -------------------------
cat > $T/subpoena.json <<'J'
{"agency": "quellford-pd", "official": "Det. O. Vasquiel, Narcotics",
 "legal_basis": {"type": "subpoena", "reference": "GJ-2026-118",
  "issued_by": "Grand Jury, District of Examplia",
  "issued_at": "2026-11-21T00:00:00Z", "expires_at": "2027-02-19T00:00:00Z",
  "facts": "The subject received 14 parcels at this address between March and June that were later found to contain fentanyl."},
 "purpose": {"activity": "criminal_investigation", "offense": "21 USC 841"},
 "subjects": [{"type": "person", "name": "Ima Drovenko", "address": "221 S Tamber St Apt 2, Quellford MN 55001"}],
 "categories": ["identity", "contact"],
 "window": {"from": "2026-01-01", "to": "2026-10-31"}}
J
check submit-needs-requester 1 "$(rc A rev1 request submit $T/subpoena.json)"
check submit 0 "$(rc A det1 request submit $T/subpoena.json)"
SUB=$(field id)
check submit-id R-000001 "$SUB"
check submit-state review "$(field state)"
has submit-decision '"decision": {"decision": "review", "policy": {"name": "strict"' "$T/out"
check review-own-request 1 "$(rc A det1 request review $SUB --approve)"
has review-own-msg "own request" "$T/err"
check review-own-agency 1 "$(rc A rev-own request review $SUB --approve)"
has review-own-agency-msg "requesting agency" "$T/err"
check review-wrong-role 1 "$(rc A ca1 request review $SUB --approve)"
check review-ok 0 "$(rc A rev1 request review $SUB --approve)"
check review-active '{"id": "R-000001", "state": "active"}' "$(cat $T/out)"
check review-again 1 "$(rc A rev1 request review $SUB --approve)"
check show 0 "$(rc A det1 request show $SUB)"
has show-approval '"principal": "rev1", "decision": "approve", "role": "reviewer"' "$T/out"
has show-days-left '"ends": "2027-02-18", "days_left": 87' "$T/out"
check show-document 0 "$(rc A det1 request show $SUB --document)"
has show-document-exact "Ima Drovenko" "$T/out"
check auditor-no-document 1 "$(rc A aud1 request show $SUB --document)"
check other-agency-no-show 1 "$(rc A sgt1 request show $SUB)"

# ---- unregistered agency ----------------------------------------------------
sed 's/"quellford-pd"/"nowhere-pd"/' $T/subpoena.json > $T/unreg.json
check unregistered 0 "$(rc A det1 request submit $T/unreg.json)"
check unregistered-state refused "$(field state)"
has unregistered-reason '"code": "agency.unregistered", "rule": "PA-2", "pointer": "/agency"' "$T/out"

# ---- PA-11: a protected address needs a court order or warrant ----------------
sed 's/221 S Tamber St Apt 2/77 Harrow Lane/' $T/subpoena.json > $T/prot.json
check protected 0 "$(rc A det1 request submit $T/prot.json)"
has protected-reason '"code": "address.protected", "rule": "PA-11", "pointer": "/subjects/0/address"' "$T/out"

# ---- a strict cover: signed order, two distinct cover approvers ---------------
cat > $T/cover.json <<'J'
{"agency": "postal-inspection", "official": "Insp. R. Tamber",
 "legal_basis": {"type": "mail_cover", "reference": "MC-2026-7",
  "issued_by": "District Court of Examplia",
  "issued_at": "2026-11-23T00:00:00Z", "expires_at": "2027-02-19T00:00:00Z",
  "facts": "Parcels mailed from this address to three buyers held counterfeit notes; the seizures are documented in case file 2026-77."},
 "purpose": {"activity": "criminal_investigation", "offense": "18 USC 471"},
 "subjects": [{"type": "person", "name": "Orlen Vasquiel", "address": "19 Wexley Rd, Brantmoor VT 05001"}],
 "categories": ["mail_exterior"],
 "window": {"from": "2026-11-25", "to": "2026-12-24"},
 "cover": {"ground": "crime", "address": "19 Wexley Road, Brantmoor VT 05001",
  "start": "2026-11-25", "days": 30, "supervisor": "Insp. in Charge K. Lune",
  "indicted": false, "attorney": "40 Court Sq, Brantmoor VT 05001",
  "subject_is_attorney_or_judicial_officer": false}}
J
check cover-unsigned 0 "$(rc A insp1 request submit $T/cover.json)"
check cover-unsigned-refused refused "$(field state)"
"$S" order sign --key "$T/district-court-examplia.skey" --embed $T/cover.json > $T/cover-signed.json
check cover-signed 0 "$(rc A insp1 request submit $T/cover-signed.json)"
COV=$(field id)
CID=$(A insp1 request show $COV | sed -n 's/.*"cover": "\([^"]*\)".*/\1/p')
check cover-state review "$(field state)"
check cover-ca1 0 "$(rc A ca1 request review $COV --approve)"
check cover-after-one '{"id": "'$COV'", "state": "review"}' "$(cat $T/out)"
check cover-ca1-twice 1 "$(rc A ca1 request review $COV --approve)"
has cover-ca1-twice-msg "distinct" "$T/err"
check cover-reviewer-role 1 "$(rc A rev1 request review $COV --approve)"
check cover-delegation-expired 1 "$(rc A ca-old request review $COV --approve)"
has cover-delegation-msg "not valid today" "$T/err"
check cover-ca2 0 "$(rc A ca2 request review $COV --approve)"
check cover-active '{"id": "'$COV'", "state": "active"}' "$(cat $T/out)"

# MC-6: an indictment ends the cover; no extension on the same ground
check indict-other-agency 1 "$(rc A sgt1 cover indict $CID --date 2026-11-24)"
check indict 0 "$(rc A insp1 cover indict $CID --date 2026-11-24)"
A insp1 request show $COV > $T/out
check indict-closed closed "$(field state)"
check indict-twice 1 "$(rc A insp1 cover indict $CID --date 2026-11-24)"

# ---- the policy of record (issue 11): the requester does not choose it --------
n_before=$(A aud1 request list | grep -o '"id"' | wc -l)
check submit-policy-refused 2 "$(rc A insp1 request submit --policy cfr-233 $T/cover.json)"
has submit-policy-msg "checked under the data directory's policy of record" "$T/err"
check submit-issuer-key-refused 2 "$(rc A insp1 request submit --issuer-key "$T/district-court-examplia.vkey" $T/cover.json)"
has submit-issuer-key-msg "registry's issuers" "$T/err"
check submit-flags-stored-nothing "$n_before" "$(A aud1 request list | grep -o '"id"' | wc -l)"
# a self-signed "court order": its key is no registered issuer's
"$S" order keygen --dir "$T" self-court >/dev/null
"$S" order sign --key "$T/self-court.skey" --embed $T/cover.json > $T/cover-self.json
check self-signed 0 "$(rc A insp1 request submit $T/cover-self.json)"
check self-signed-refused refused "$(field state)"
has self-signed-reason '"code": "order.unknown_issuer"' "$T/out"
# request check keeps --issuer-key as a what-if: trusting the key, the order verifies
check check-what-if 0 "$(rc "$S" --now $NOW request check --issuer-key "$T/self-court.vkey" $T/cover-self.json)"
if grep -q order.unknown_issuer "$T/out"; then check check-what-if-trusts no yes; fi
has check-what-if-review '"decision": "review"' "$T/out"
# check --data DIR uses the registry: its issuers, agencies and protected addresses
check check-data-issuer 0 "$(rc "$S" --now $NOW request check --data "$D" $T/cover-self.json)"
has check-data-issuer-refused '"decision": "refused"' "$T/out"
has check-data-issuer-reason '"code": "order.unknown_issuer"' "$T/out"
check check-data-registered 0 "$(rc "$S" --now $NOW request check --data "$D" $T/cover-signed.json)"
has check-data-registered-review '"decision": "review", "policy": {"name": "strict"' "$T/out"
check check-data-agency 0 "$(rc "$S" --now $NOW request check --data "$D" $T/unreg.json)"
has check-data-agency-refused '"decision": "refused"' "$T/out"
has check-data-agency-reason '"code": "agency.unregistered", "rule": "PA-2", "pointer": "/agency"' "$T/out"
# without --data the same document is only what the policy can tell: review
check check-no-data 0 "$(rc "$S" --now $NOW request check $T/unreg.json)"
has check-no-data-review '"decision": "review"' "$T/out"
check check-data-protected 0 "$(rc "$S" --now $NOW request check --data "$D" $T/prot.json)"
has check-data-protected-reason '"code": "address.protected"' "$T/out"
# a directory whose policy of record is cfr-233, with the registries it needs
D2=$T/cfr
"$S" --data "$D2" --now 2026-01-01 init --test-clock --policy cfr-233 >/dev/null
B() { "$S" --data "$D2" --now "$NOW" --as "$@"; }
check cfr-dir-policy '{"name": "cfr-233", "sha256": "'"$("$S" policy show cfr-233 | sed -n 's/.*"sha256": "\([^"]*\)".*/\1/p')"'"}' "$("$S" --data "$D2" policy show)"
"$S" --data "$D2" --now $NOW agency add usps-pis --name 'Postal Inspection Service HQ' --kind federal --inspection-service >/dev/null
"$S" --data "$D2" --now $NOW principal add po1 --agency usps-pis --role privacy_officer >/dev/null
for a in "postal-inspection federal" "brantmoor-sheriff local" "fed-bureau federal"; do
    set -- $a
    B po1 agency add $1 --name "Agency $1" --kind $2 >/dev/null
done
for a in "insp1 postal-inspection requester" "ca1 usps-pis cover_approver" "ca-fed fed-bureau cover_approver" \
    "sgt1 brantmoor-sheriff requester" "rev1 usps-pis reviewer" "aud1 usps-pis auditor"; do
    set -- $a
    B po1 principal add $1 --agency $2 --role $3 >/dev/null
done

# ---- MC-2 under cfr-233: the approver is of the inspection service -------------
# the same unsigned cover the strict directory refused is checked under cfr-233 here
# (a new cover under its own process: a legal basis serves one request, PA-2)
sed 's/"MC-2026-7"/"MC-2026-8"/' $T/cover.json > $T/cover-cfr.json
check cfr-cover 0 "$(rc B insp1 request submit $T/cover-cfr.json)"
has cfr-cover-policy '"policy": {"name": "cfr-233"' "$T/out"
CFR=$(field id)
check cfr-cover-state review "$(field state)"
check cfr-cover-other-agency 1 "$(rc B ca-fed request review $CFR --approve)"
has cfr-cover-other-agency-msg "inspection service; agency fed-bureau is not (MC-2)" "$T/err"
B insp1 request show $CFR > $T/out
check cfr-cover-still-review review "$(field state)"
check cfr-cover-inspection 0 "$(rc B ca1 request review $CFR --approve)"
check cfr-cover-active '{"id": "'$CFR'", "state": "active"}' "$(cat $T/out)"
check cfr-cover-close 0 "$(rc B insp1 request close $CFR)"
# under strict the same approver counts: neither approver is of the requesting agency
sed 's/"MC-2026-7"/"MC-2026-9"/' $T/cover.json > $T/cover-strict.json
"$S" order sign --key "$T/district-court-examplia.skey" --embed $T/cover-strict.json > $T/cover-strict-signed.json
check strict-cover 0 "$(rc A insp1 request submit $T/cover-strict-signed.json)"
STR=$(field id)
check strict-cover-other-agency 0 "$(rc A ca-fed request review $STR --approve)"
check strict-cover-after-one '{"id": "'$STR'", "state": "review"}' "$(cat $T/out)"
check strict-cover-inspection 0 "$(rc A ca2 request review $STR --approve)"
check strict-cover-active '{"id": "'$STR'", "state": "active"}' "$(cat $T/out)"
check strict-cover-close 0 "$(rc A insp1 request close $STR)"

# ---- an emergency that is never followed up (MC-9 / PA-7) ---------------------
cat > $T/emergency.json <<'J'
{"agency": "brantmoor-sheriff", "official": "Sgt. P. Orlo",
 "legal_basis": {"type": "emergency", "reference": "E-2026-3", "issued_by": "Brantmoor Sheriff",
  "issued_at": "2026-11-23T00:00:00Z", "expires_at": "2026-11-30T00:00:00Z",
  "facts": "A missing child was last seen with the account holder; the account's contact data may locate them tonight."},
 "purpose": {"activity": "health_safety"},
 "subjects": [{"type": "account", "value": "AC-1"}],
 "categories": ["contact"],
 "window": {"from": "2026-11-01", "to": "2026-11-23"},
 "emergency": {"attestation": "A child of six is missing since noon and is in danger of serious injury; the holder was the last person seen with the child."}}
J
check emergency 0 "$(rc A sgt1 request submit $T/emergency.json)"
EM=$(field id)
check emergency-served active "$(field state)"
A sgt1 request show $EM > $T/out
has emergency-deadline '"follow_up_by": "2026-11-26T00:00:00Z", "hours_left": 48' "$T/out"
check sweep-early 0 "$(rc A aud1 request sweep)"
check sweep-early-none '{"actions": [], "amendments": []}' "$(cat $T/out)"

# ---- a cfr-233 emergency confirmed in time by proper process ------------------
sed 's/"E-2026-3"/"E-2026-4"/' $T/emergency.json > $T/emergency2.json
check emergency2 0 "$(rc B sgt1 request submit $T/emergency2.json)"
EM2=$(field id)
sed 's/"emergency"/"subpoena"/; s/, *"emergency": {[^}]*}//; s/"health_safety"/"health_safety"/' \
    $T/emergency.json | sed '/"emergency": {/d' > $T/followup.json
# a complete subpoena document with the same subject (no emergency object)
python3 - "$T/emergency.json" "$T/followup.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
del d["emergency"]
d["legal_basis"]["type"] = "subpoena"
d["legal_basis"]["reference"] = "GJ-2026-131"
json.dump(d, open(sys.argv[2], "w"))
PY
check followup 0 "$(rc B sgt1 request submit --follows $EM2 $T/followup.json)"
FU=$(field id)
check followup-review 0 "$(rc B rev1 request review $FU --approve)"
B sgt1 request show $EM2 > $T/out
has emergency2-confirmed '"confirmed": true' "$T/out"

# ---- PA-9: a preservation, renewed once ---------------------------------------
python3 - "$T/subpoena.json" "$T/pres.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["legal_basis"]["type"] = "preservation"
d["categories"] = []
json.dump(d, open(sys.argv[2], "w"))
PY
check pres 0 "$(rc A det1 request submit $T/pres.json)"
PR=$(field id)
check pres-review 0 "$(rc A rev1 request review $PR --approve)"
A det1 request show $PR > $T/out
has pres-90 '"ends": "2027-02-21", "days_left": 90' "$T/out"
has pres-discloses '"discloses": false' "$T/out"
check pres-renew 0 "$(rc A det1 request extend $PR)"
check pres-renew-twice 1 "$(rc A det1 request extend $PR)"
has pres-renew-msg "PA-9" "$T/err"

# the sweeps run last: a test clock never goes backwards
check sweep-late 0 "$(rc "$S" --data "$D" --now 2026-11-27 --as aud1 request sweep)"
has sweep-violation '{"request": "'$EM'", "action": "violation", "rule": "PA-7"}' "$T/out"
check sweep-idempotent 0 "$(rc "$S" --data "$D" --now 2026-11-27 --as aud1 request sweep)"
if grep -q "$EM" "$T/out"; then check sweep-idempotent-none none again; fi
"$S" --data "$D" --now 2026-11-27 --as sgt1 request show $EM > $T/out
check emergency-violation violation "$(field state)"
has emergency-quarantined '"quarantined": true' "$T/out"
check sweep-late2 0 "$(rc "$S" --data "$D" --now 2026-12-02 --as aud1 request sweep)"
if grep -q "\"$EM2\", \"action\": \"violation\"" "$T/out"; then check confirmed-not-violation no yes; fi

check list 0 "$(rc A aud1 request list)"
has list-states '"state": "violation"' "$T/out"

# ---- changing the policy of record: a privacy officer, a ledger event ----------
check cfr-pending 0 "$(rc B insp1 request submit $T/cover.json)"
PEND=$(field id)
OLD=$("$S" policy show cfr-233 | sed -n 's/.*"sha256": "\([^"]*\)".*/\1/p')
NEW=$("$S" policy show strict | sed -n 's/.*"sha256": "\([^"]*\)".*/\1/p')
check policy-set-requester 1 "$(rc B insp1 policy set strict)"
has policy-set-requester-msg "policy set: principal insp1 is not a privacy_officer" "$T/err"
check policy-set-operator 1 "$(rc "$S" --data "$D2" --now $NOW policy set strict)"
has policy-set-operator-msg "act as a privacy_officer" "$T/err"
check policy-set-bad-file 1 "$(rc B po1 policy set "$T/no-such-policy.json")"
check policy-unchanged-by-refusals '{"name": "cfr-233", "sha256": "'$OLD'"}' "$("$S" --data "$D2" policy show)"
check policy-set 0 "$(rc B po1 policy set strict)"
check policy-set-out '{"name": "strict", "sha256": "'$NEW'", "previous": "'$OLD'", "changed": true}' "$(cat $T/out)"
check policy-set-again 0 "$(rc B po1 policy set strict)"
has policy-set-again-unchanged '"changed": false' "$T/out"
find "$D2/ledger/tile/entries" -type f -exec cat {} + > "$T/entries2"
has policy-set-event '"ids":{"actor":"po1","new":"'$NEW'","old":"'$OLD'","policy":"strict"},"time":"2026-11-24T00:00:00Z","type":"policy.set"' "$T/entries2"
has policy-init-event '"ids":{"new":"'$OLD'","policy":"cfr-233"},"time":"[^"]*","type":"policy.set"' "$T/entries2"
check policy-set-events 2 "$(grep -ao '"type":"policy.set"' "$T/entries2" | wc -l)"
check policy-file "$NEW" "$(sha256sum "$D2/policy.json" | cut -c1-64)"
# a request checked under cfr-233 keeps its policy: its review follows cfr-233 (MC-2)
check old-request-other-agency 1 "$(rc B ca-fed request review $PEND --approve)"
has old-request-rule "inspection service" "$T/err"
check old-request-review 0 "$(rc B ca1 request review $PEND --approve)"
check old-request-active '{"id": "'$PEND'", "state": "active"}' "$(cat $T/out)"
# new submissions: strict, so the unsigned cover is refused now
check after-set 0 "$(rc B insp1 request submit $T/cover.json)"
has after-set-strict '"decision": "refused", "policy": {"name": "strict"' "$T/out"
# a policy file edited by hand: the directory does not open
cp "$D2/policy.json" "$T/policy.keep"
"$S" policy show cfr-233 >/dev/null
cp "$(dirname "$0")/../policies/cfr-233.json" "$D2/policy.json"
check tampered 1 "$(rc B aud1 request list)"
has tampered-msg "$D2: the policy of record changed outside \`sealctl policy set\` (hash $OLD, ledger says $NEW)" "$T/err"
check tampered-check-data 1 "$(rc "$S" --now $NOW request check --data "$D2" $T/cover.json)"
cp "$T/policy.keep" "$D2/policy.json"
check untampered 0 "$(rc B aud1 request list)"
# nor does a policy.set event forged in the published entry bundles
cp -r "$D2" "$T/forged"
python3 - "$T/forged/ledger/tile/entries" "$NEW" "$OLD" <<'PY'
import os, sys
root, new, old = sys.argv[1:]
a = ('"new":"%s","old":"%s"' % (new, old)).encode()
b = ('"new":"%s","old":"%s"' % (old, new)).encode()
for d, _, fs in os.walk(root):
    for f in fs:
        p = os.path.join(d, f)
        data = open(p, "rb").read()
        open(p, "wb").write(data.replace(a, b))
PY
cp "$(dirname "$0")/../policies/cfr-233.json" "$T/forged/policy.json"
check forged-event 1 "$(rc "$S" --data "$T/forged" --now $NOW --as aud1 request list)"
has forged-event-msg "checkpoint root does not match the entry bundles" "$T/err"

# ---- the ledger verifies and holds no personal data --------------------------
check ledger-verify 0 "$(rc "$S" log verify --dir "$D/ledger")"
for needle in "Drovenko" "Vasquiel" "Tamber" "Wexley" "Harrow" "AC-1" "fentanyl" "Orlo"; do
    if grep -rqa -- "$needle" "$D/ledger" "$D/registry.db"* 2>/dev/null; then
        check "no-personal-data-$needle" absent present
    else
        pass=$((pass + 1))
    fi
done
find "$D/ledger/tile/entries" -type f -exec cat {} + > "$T/entries"
has ledger-policy-hash '"policy":"' "$T/entries"
has ledger-submitted '"type":"request.submitted"' "$T/entries"
has ledger-violation '"type":"request.violation"' "$T/entries"
check registry-mode 600 "$(stat -c %a "$D/registry.db")"

echo "lifecycle_cli: $pass passed, $fails failed"
[ $fails -eq 0 ]
