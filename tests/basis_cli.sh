#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end through sealctl: a legal basis serves one request (PA-2,
# MC-13), consent is proven by the subject (PA-2), and refused submissions
# keep no body (issue 11). The attacker's attempt next to the lawful case:
# the same signed order twice, then with only its agency edited, a validly
# signed sealed-order/v1 order (refused with how to re-sign); the same
# subpoena reference resubmitted; a denied request superseded (--supersedes)
# with the denial's note shown to the reviewer, and --supersedes of an
# active request refused; a cover extension under the same order allowed;
# consent confirmed by the bound subject, refused to a subject bound to one
# of two, to a requester, to a reviewer under strict, accepted from a
# reviewer's written-consent reference under cfr-233; unconfirmed consent
# expiring with its basis and never produced; 100 refused 60 KB submissions
# growing registry.db by less than 1 MB, `show --document` saying the body
# was not kept, and no reference in clear in registry.db or the ledger. All
# data is made up.
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
"$S" --data "$D" --now $NOW agency add usps-pis --name 'Inspection HQ' --kind federal --inspection-service >/dev/null
"$S" --data "$D" --now $NOW principal add po1 --agency usps-pis --role privacy_officer >/dev/null
A po1 agency add quellford-pd --name 'Quellford PD' --kind local >/dev/null
A po1 agency add brantmoor-pd --name 'Brantmoor PD' --kind local >/dev/null
A po1 agency add postal-inspection --name 'Postal Inspection' --kind federal >/dev/null
"$S" order keygen --dir "$T" district-court-examplia >/dev/null
A po1 issuer add district-court-examplia --key "$T/district-court-examplia.vkey" >/dev/null
A po1 principal add det1 --agency quellford-pd --role requester >/dev/null
A po1 principal add det2 --agency brantmoor-pd --role requester >/dev/null
A po1 principal add insp1 --agency postal-inspection --role requester >/dev/null
A po1 principal add rev1 --agency usps-pis --role reviewer >/dev/null
A po1 principal add ca1 --agency usps-pis --role cover_approver >/dev/null
A po1 principal add ca2 --agency usps-pis --role cover_approver >/dev/null
A po1 principal add aud1 --agency usps-pis --role auditor >/dev/null
# subjects: sub1 bound to both identifiers the consent names, sub2 to one
A po1 principal add sub1 --agency usps-pis --role subject --identifier 'email:zq.oltrane@mail.example' --identifier account:AC-77 >/dev/null
A po1 principal add sub2 --agency usps-pis --role subject --identifier 'email:zq.oltrane@mail.example' >/dev/null
A po1 principal add sub3 --agency usps-pis --role subject --identifier 'address:221 South Tamber Street Apt 2, Quellford MN 55001' >/dev/null

cat > $T/court.json <<'J'
{"agency": "quellford-pd", "official": "Det. O. Vasquiel, Narcotics",
 "legal_basis": {"type": "court_order", "reference": "CO-2026-41",
  "issued_by": "District Court of Examplia",
  "issued_at": "2026-11-21T00:00:00Z", "expires_at": "2027-02-19T00:00:00Z",
  "facts": "The subject received 14 parcels at this address between March and June that were later found to contain fentanyl."},
 "purpose": {"activity": "criminal_investigation", "offense": "21 USC 841"},
 "subjects": [{"type": "person", "name": "Ima Drovenko", "address": "221 S Tamber St Apt 2, Quellford MN 55001"}],
 "categories": ["identity", "tracking"],
 "window": {"from": "2026-01-01", "to": "2026-10-31"}}
J
"$S" order sign --key "$T/district-court-examplia.skey" --embed $T/court.json > $T/court-signed.json
head -3 <("$S" order sign --key "$T/district-court-examplia.skey" $T/court.json) > $T/head
check order-v2-head "sealed-order/v2
issuer district-court-examplia
agency quellford-pd" "$(cat $T/head)"

# ---- one signed court order, one production -----------------------------------
check order-first 0 "$(rc A det1 request submit $T/court-signed.json)"
R1=$(field id)
check order-first-state review "$(field state)"
check order-first-approve 0 "$(rc A rev1 request review $R1 --approve)"
check order-again 0 "$(rc A det1 request submit $T/court-signed.json)"
check order-again-refused refused "$(field state)"
has order-again-reason "{\"code\": \"basis.reused\", \"rule\": \"PA-2\", \"pointer\": \"/legal_basis/reference\", \"message\": \"this legal basis already served request $R1: a legal basis serves one request\"}" "$T/out"
# the same order with other facts and official: still the order, by its text
python3 - $T/court-signed.json $T/court-refacted.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["official"] = "Det. P. Orlo"
d["legal_basis"]["facts"] = "Other words for the same case: 14 parcels at this address between March and June held fentanyl."
d["legal_basis"]["reference"] = "CO-2026-41-bis"
json.dump(d, open(sys.argv[2], "w"))
PY
check order-renamed 0 "$(rc A det1 request submit $T/court-refacted.json)"
has order-renamed-state '"state": "refused"' "$T/out"
# (the reference is in the signed text, so a new one breaks the order first)
has order-renamed-reason '"code": "order.mismatch", "rule": "PA-2", "pointer": "/legal_basis/reference"' "$T/out"
# only the agency edited: v2 binds it, so the order does not serve another agency
sed 's/"agency": *"quellford-pd"/"agency": "brantmoor-pd"/' $T/court-signed.json > $T/court-other.json
check order-other-agency 0 "$(rc A det2 request submit $T/court-other.json)"
has order-other-agency-reason '{"code": "order.mismatch", "rule": "PA-2", "pointer": "/agency", "message": "the order'"'"'s agency line does not match the request"}' "$T/out"

# a sealed-order/v1 order (no agency line), validly signed: refused, saying how to re-sign
"$S" order sign --key "$T/district-court-examplia.skey" $T/court.json > $T/order-v2.note
python3 - $T/district-court-examplia.skey $T/order-v2.note $T/court.json $T/court-v1.json <<'PY'
import base64, json, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
_, _, name, keyid, b64 = open(sys.argv[1]).read().strip().split("+", 4)
seed = base64.b64decode(b64)[1:]
text = open(sys.argv[2]).read().split("\n\n")[0] + "\n"
lines = [l for l in text.splitlines() if not l.startswith("agency ")]
lines[0] = "sealed-order/v1"
text = "\n".join(lines) + "\n"
sig = Ed25519PrivateKey.from_private_bytes(seed).sign(text.encode())
note = text + "\n\u2014 " + name + " " + base64.b64encode(bytes.fromhex(keyid) + sig).decode() + "\n"
d = json.load(open(sys.argv[3]))
d["legal_basis"]["order"] = note
d["legal_basis"]["reference"] = "CO-2026-41"
json.dump(d, open(sys.argv[4], "w"))
PY
check order-v1 0 "$(rc A det1 request submit $T/court-v1.json)"
has order-v1-reason '{"code": "order.version", "rule": "PA-2", "pointer": "/legal_basis/order", "message": "the order is sealed-order/v1, which does not bind the agency: have the issuer re-sign it as sealed-order/v2 (sealctl order sign)"}' "$T/out"

# ---- a subpoena reference resubmitted ------------------------------------------
python3 - $T/court.json $T/sub.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["legal_basis"].update({"type": "subpoena", "reference": "GJ-2026-118",
                         "issued_by": "Grand Jury, District of Examplia"})
d["categories"] = ["identity", "contact"]
json.dump(d, open(sys.argv[2], "w"))
PY
check sub-first 0 "$(rc A det1 request submit $T/sub.json)"
S1=$(field id)
check sub-first-state review "$(field state)"
sed 's/"2026-10-31"/"2026-10-30"/' $T/sub.json > $T/sub-again.json
check sub-again 0 "$(rc A det1 request submit $T/sub-again.json)"
check sub-again-refused refused "$(field state)"
# the same reference in other case and spacing is the same basis
sed 's/"GJ-2026-118"/" gj-2026-118 "/; s/"Grand Jury, District of Examplia"/"grand jury,  district of examplia"/' $T/sub.json > $T/sub-case.json
check sub-case 0 "$(rc A det1 request submit $T/sub-case.json)"
has sub-case-reason "\"code\": \"basis.reused\", \"rule\": \"PA-2\", \"pointer\": \"/legal_basis/reference\"" "$T/out"
has sub-again-reason "\"code\": \"basis.reused\", \"rule\": \"PA-2\", \"pointer\": \"/legal_basis/reference\", \"message\": \"this legal basis already served request $S1: a legal basis serves one request\"" "$T/out"
# another agency's subpoena of the same number is its own basis
sed 's/"agency": *"quellford-pd"/"agency": "brantmoor-pd"/' $T/sub.json > $T/sub-other.json
check sub-other-agency 0 "$(rc A det2 request submit $T/sub-other.json)"
check sub-other-agency-state review "$(field state)"

# ---- a denied request superseded -------------------------------------------------
NOTE='the window reaches months before the first parcel: narrow it'
check sub-deny 0 "$(rc A rev1 request review $S1 --deny --note "$NOTE")"
check sub-after-deny 0 "$(rc A det1 request submit $T/sub-again.json)"
has sub-after-deny-hint "\"message\": \"this legal basis already served request $S1, which was denied: name it with --supersedes $S1 to replace it\"" "$T/out"
check supersede 0 "$(rc A det1 request submit --supersedes $S1 $T/sub-again.json)"
S2=$(field id)
check supersede-state review "$(field state)"
A rev1 request show $S2 > $T/out
has supersede-show "\"supersedes\": \"$S1\"" "$T/out"
has supersede-note "\"superseded\": {\"id\": \"$S1\", \"state\": \"denied\", \"approvals\": \[{\"principal\": \"rev1\", \"decision\": \"deny\", \"role\": \"reviewer\", \"at\": \"2026-11-24T00:00:00Z\", \"note\": \"$NOTE\"}\]}" "$T/out"
A rev1 request show $S1 > $T/out
has superseded-by "\"superseded_by\": \"$S2\"" "$T/out"
A aud1 request list > $T/out
has list-supersedes "\"id\": \"$S2\", .*\"supersedes\": \"$S1\"" "$T/out"
# the denied request is superseded once
sed 's/"2026-10-31"/"2026-10-29"/' $T/sub.json > $T/sub-third.json
check supersede-twice 0 "$(rc A det1 request submit --supersedes $S1 $T/sub-third.json)"
has supersede-twice-reason "\"code\": \"basis.supersedes_twice\", \"rule\": \"PA-2\", \"pointer\": \"\", \"message\": \"request $S1 was already superseded by $S2\"" "$T/out"
# --supersedes of an active (so producible) request is refused
check supersede-active 0 "$(rc A det1 request submit --supersedes $R1 $T/court-signed.json)"
has supersede-active-reason "\"code\": \"basis.supersedes_state\", \"rule\": \"PA-2\", \"pointer\": \"\", \"message\": \"request $R1 is active: only a request denied or refused before any production can be superseded\"" "$T/out"
# --supersedes of another agency's request is refused
check supersede-other 0 "$(rc A det2 request submit --supersedes $S1 $T/sub-other.json)"
has supersede-other-reason '"code": "basis.supersedes_unknown"' "$T/out"
check supersede-usage 2 "$(rc A det1 request submit $T/sub.json --supersedes)"

# ---- a cover extension under the same order goes on ------------------------------
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
  "indicted": false, "attorney": null,
  "subject_is_attorney_or_judicial_officer": false}}
J
A po1 policy set cfr-233 >/dev/null
check cover 0 "$(rc A insp1 request submit $T/cover.json)"
cp $T/out $T/out.keep; A po1 policy set strict >/dev/null; mv $T/out.keep $T/out
COV=$(field id)
check cover-approve 0 "$(rc A ca1 request review $COV --approve)"
CID=$(A insp1 request show $COV | sed -n 's/.*"cover": "\([^"]*\)".*/\1/p')
A po1 policy set cfr-233 >/dev/null
check cover-again 0 "$(rc A insp1 request submit $T/cover.json)"
cp $T/out $T/out.keep; A po1 policy set strict >/dev/null; mv $T/out.keep $T/out
has cover-again-reason "\"code\": \"basis.reused\", \"rule\": \"MC-13\", \"pointer\": \"/legal_basis/reference\", \"message\": \"this legal basis already served request $COV: a legal basis serves one request\"" "$T/out"
python3 - $T/cover.json $T/ext.json <<PY
import json, sys
d = json.load(open(sys.argv[1]))
d["cover"].update({"extends": "$CID", "start": "2026-12-25",
                   "benefit_so_far": "Two shipments traced to the subject.",
                   "benefit_expected": "The supplier's return address."})
d["window"] = {"from": "2026-12-25", "to": "2027-01-23"}
json.dump(d, open(sys.argv[2], "w"))
PY
A po1 policy set cfr-233 >/dev/null
check cover-extend 0 "$(rc A insp1 request submit $T/ext.json)"
cp $T/out $T/out.keep; A po1 policy set strict >/dev/null; mv $T/out.keep $T/out
check cover-extend-state review "$(field state)"

# ---- consent is proven --------------------------------------------------------------
cat > $T/consent.json <<'J'
{"agency": "quellford-pd", "official": "Det. O. Vasquiel, Narcotics",
 "legal_basis": {"type": "consent", "reference": "CONSENT-2026-5",
  "issued_by": "The account holder",
  "issued_at": "2026-11-21T00:00:00Z", "expires_at": "2026-12-19T00:00:00Z",
  "facts": "The account holder reported parcels stolen from this address and asked us to review the delivery records of the account."},
 "purpose": {"activity": "criminal_investigation", "offense": "18 USC 1708"},
 "subjects": [{"type": "email", "value": "Zq.Oltrane@Mail.Example"}, {"type": "account", "value": "AC-77"}],
 "categories": ["identity", "contact"], "window": {"from": "2026-01-01", "to": "2026-10-31"}}
J
consent() { sed "s/CONSENT-2026-5/CONSENT-2026-$1/" $T/consent.json > $T/consent-$1.json; echo $T/consent-$1.json; }
check consent-submit 0 "$(rc A det1 request submit "$(consent 1)")"
C1=$(field id)
check consent-pending consent_pending "$(field state)"
check consent-review-early 1 "$(rc A rev1 request review $C1 --approve)"
has consent-review-early-msg "is not under review (it is consent_pending)" "$T/err"
check consent-produce-early 1 "$(rc A det1 produce $C1 --out $T/p0)"
has consent-produce-early-msg "consent_pending, not active" "$T/err"
check consent-by-requester 1 "$(rc A det1 request consent $C1)"
has consent-by-requester-msg "request consent: principal det1 does not hold the role needed" "$T/err"
check consent-by-one-of-two 1 "$(rc A sub2 request consent $C1)"
has consent-by-one-of-two-msg "request $C1: principal sub2 is not bound to subject 2 of 2 the request names; consent is confirmed by every subject (PA-2)" "$T/err"
hasnt consent-msg-no-identifier "AC-77" "$T/err"
check consent-by-other-subject 1 "$(rc A sub3 request consent $C1)"
has consent-by-other-subject-msg "not bound to subject 1 of 2" "$T/err"
check consent-strict-reference 1 "$(rc A rev1 request consent $C1 --reference WC-2026-9)"
has consent-strict-reference-msg "$C1: under strict consent is confirmed by the subject; a written consent's reference is not enough (PA-2)" "$T/err"
check consent-by-subject 0 "$(rc A sub1 request consent $C1)"
check consent-by-subject-out "{\"id\": \"$C1\", \"state\": \"review\"}" "$(cat $T/out)"
check consent-again 1 "$(rc A sub1 request consent $C1)"
check consent-again-msg "sealctl: request consent: request $C1 is not waiting for consent" "$(cat $T/err)"
check consent-then-review 0 "$(rc A rev1 request review $C1 --approve)"
check consent-active "{\"id\": \"$C1\", \"state\": \"active\"}" "$(cat $T/out)"
# a person subject is matched by the delivery point of a bound address
python3 - $T/consent.json $T/consent-person.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["legal_basis"]["reference"] = "CONSENT-2026-P"
d["subjects"] = [{"type": "person", "name": "Ima Drovenko", "address": "221 S Tamber St Apt 2, Quellford MN 55001"}]
json.dump(d, open(sys.argv[2], "w"))
PY
check consent-person 0 "$(rc A det1 request submit $T/consent-person.json)"
CP=$(field id)
check consent-person-wrong 1 "$(rc A sub1 request consent $CP)"
check consent-person-ok 0 "$(rc A sub3 request consent $CP)"
check consent-person-state "{\"id\": \"$CP\", \"state\": \"review\"}" "$(cat $T/out)"
# under cfr-233 a reviewer may record the written consent's reference
A po1 policy set cfr-233 >/dev/null
check consent-cfr 0 "$(rc A det1 request submit "$(consent 2)"
cp $T/out $T/out.keep; A po1 policy set strict >/dev/null; mv $T/out.keep $T/out)"
C2=$(field id)
check consent-cfr-pending consent_pending "$(field state)"
check consent-cfr-empty-ref 1 "$(rc A rev1 request consent $C2 --reference '')"
check consent-cfr-reference 0 "$(rc A rev1 request consent $C2 --reference WC-2026-9)"
check consent-cfr-state "{\"id\": \"$C2\", \"state\": \"review\"}" "$(cat $T/out)"
# unconfirmed consent expires with its basis and discloses nothing
check consent-unconfirmed 0 "$(rc A det1 request submit "$(consent 3)")"
C3=$(field id)
check consent-sweep-early 0 "$(rc A aud1 request sweep)"
hasnt consent-sweep-early-none "\"$C3\"" "$T/out"
check consent-sweep 0 "$(rc "$S" --data "$D" --now 2026-12-20 --as aud1 request sweep)"
has consent-sweep-expired "{\"request\": \"$C3\", \"action\": \"expired\", \"rule\": \"PA-2\"}" "$T/out"
check consent-late 1 "$(rc "$S" --data "$D" --now 2026-12-20 --as sub1 request consent $C3)"
check consent-late-msg "sealctl: request consent: request $C3 is not waiting for consent" "$(cat $T/err)"
check consent-late-reviewer 1 "$(rc "$S" --data "$D" --now 2026-12-20 --as rev1 request consent $C3 --reference WC-1)"
has consent-late-reviewer-msg "is not waiting for consent (it is expired)" "$T/err"
check consent-produce-expired 1 "$(rc "$S" --data "$D" --now 2026-12-20 --as det1 produce $C3 --out $T/p3)"

# ---- refused submissions keep no body --------------------------------------------------
NOW=2026-12-20 # after the consent steps above; a test clock never goes back
python3 - $T/sub.json $T/junk.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["agency"] = "nowhere-pd"
d["legal_basis"]["facts"] = "junk " * 12000
json.dump(d, open(sys.argv[2], "w"))
PY
check junk-size yes "$([ "$(stat -c %s $T/junk.json)" -gt 60000 ] && echo yes || echo no)"
check junk-first 0 "$(rc A det1 request submit $T/junk.json)"
J1=$(field id)
check junk-refused refused "$(field state)"
check junk-show 0 "$(rc A det1 request show $J1)"
has junk-show-kept '"document_kept": false, "refusal": {"document_hash": "' "$T/out"
has junk-show-decision '"decision": {"decision": "refused"' "$T/out"
check junk-document 1 "$(rc A det1 request show $J1 --document)"
has junk-document-msg "request $J1 was refused: its document was not kept, only the decision and the document's keyed digest" "$T/err"
sqlite3 "$D/registry.db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null 2>&1 || true
before=$(cat "$D"/registry.db* | wc -c)
for i in $(seq 100); do A det1 request submit $T/junk.json >/dev/null; done
sqlite3 "$D/registry.db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null 2>&1 || true
after=$(cat "$D"/registry.db* | wc -c)
grew=$((after - before)); echo "registry.db grew by $grew bytes for 100 refused submissions"
check junk-growth yes "$([ $grew -lt 1048576 ] && echo yes || echo "no ($grew bytes)")"

# ---- the registry and the ledger hold no reference in clear ------------------------
for needle in CO-2026-41 GJ-2026-118 CONSENT-2026 WC-2026-9 MC-2026-7 Oltrane AC-77 Drovenko; do
    hasnt "no-clear-$needle" "$needle" "$D"
done
find "$D/ledger/tile/entries" -type f -exec cat {} + > "$T/entries"
has ledger-consent-pending "\"type\":\"request.consent_pending\"" "$T/entries"
has ledger-consent-subject "\"by\":\"subject\"" "$T/entries"
has ledger-consent-reference "\"by\":\"written_reference\"" "$T/entries"
has ledger-supersedes "\"supersedes\":\"$S1\"" "$T/entries"
check ledger-verify 0 "$(rc "$S" log verify --dir "$D/ledger")"

# ---- a registry made before the basis was kept: the first open records it ----------
sqlite3 "$D/registry.db" "DROP TABLE basis; DROP TABLE supersede; DELETE FROM secret WHERE kind = 'meta';"
check old-registry-reuse 0 "$(rc A det1 request submit $T/court-signed.json)"
has old-registry-reuse-reason "\"code\": \"basis.reused\", \"rule\": \"PA-2\", \"pointer\": \"/legal_basis/reference\", \"message\": \"this legal basis already served request $R1: a legal basis serves one request\"" "$T/out"
check old-registry-tables "basis supersede" "$(sqlite3 "$D/registry.db" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE name IN ('basis', 'supersede') ORDER BY name)")"

echo "basis_cli: $pass passed, $fails failed"
[ $fails -eq 0 ]
