#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The matcher takes its covers from the registry: a strict mail cover is
# submitted with a signed order, approved by two cover approvers, and
# `sealctl cover run` (no --covers) records the pieces to and from its
# subject inside its window, never the attorney's mail, and nothing before
# the cover starts or after it is closed by an indictment.
set -euo pipefail
S=${SEALCTL:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
D=$T/data
. "$(dirname "$0")/support/check.sh"
A() { "$S" --data "$D" --now 2026-11-24 --as "$@"; }
q() { "$@" >/dev/null; }

"$S" --data "$D" --now 2026-01-01 init --test-clock >/dev/null
q "$S" --data "$D" --now 2026-11-24 agency add usps-pis --name 'Postal Inspection Service HQ' --kind federal --inspection-service 2>/dev/null ||
    q "$S" --data "$D" --now 2026-11-24 agency add usps-pis --name 'Postal Inspection Service HQ' --kind federal
q "$S" --data "$D" --now 2026-11-24 principal add po1 --agency usps-pis --role privacy_officer
q A po1 agency add postal-inspection --name 'Inspection field office' --kind federal
"$S" order keygen --dir "$T" district-court-examplia >/dev/null
q A po1 issuer add district-court-examplia --key "$T/district-court-examplia.vkey"
q A po1 principal add insp1 --agency postal-inspection --role requester
q A po1 principal add ca1 --agency usps-pis --role cover_approver
q A po1 principal add ca2 --agency usps-pis --role cover_approver
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
"$S" order sign --key "$T/district-court-examplia.skey" --embed $T/cover.json > $T/cover-signed.json
REQ=$(A insp1 request submit $T/cover-signed.json | sed -n 's/.*"id": "\([^"]*\)".*/\1/p' | head -1)
q A ca1 request review "$REQ" --approve
q A ca2 request review "$REQ" --approve
CID=$(A insp1 request show "$REQ" | sed -n 's/.*"cover": "\([^"]*\)".*/\1/p' | head -1)
check cover-id-assigned yes "$([ -n "$CID" ] && echo yes || echo no)"

cat > $T/scans.csv <<'C'
piece_id,scanned_at,facility,class,sender_name,sender_address,recipient_name,recipient_address,recipient_dpc
P-1,2026-11-26T08:00:00Z,BRANTMOOR VT,first_class,Ima Drovenko,"5 Elm St, Quellford MN 55001",Orlen Vasquiel,"19 WEXLEY RD, BRANTMOOR, VT 05001",
P-2,2026-11-26T08:01:00Z,BRANTMOOR VT,first_class,Orlen Vasquiel,"19 Wexley Road, Brantmoor VT 05001-1234",Tamsin Quell,"8 Birch Ave, Ambry WA 98001",
P-3,2026-11-26T08:02:00Z,BRANTMOOR VT,first_class,Counsel Office,"40 Court Sq, Brantmoor VT 05001",Orlen Vasquiel,"19 Wexley Rd, Brantmoor VT 05001",
P-4,2026-11-26T08:03:00Z,BRANTMOOR VT,marketing,Shop,"1 Market St, Brantmoor VT 05001",Resident,"21 Wexley Rd, Brantmoor VT 05001",
P-5,2026-11-26T08:04:00Z,QUELLFORD MN,first_class,Velora Quenhart,"418 N Brindle Ave Apt 7, Karsville OH 43001",Joss Ravel,"99 Oak Ave, Denver CO 80204",
C
# before the window opens nothing is active
check before-window "scanned 5
matched 0
recorded 0
excluded 0
malformed 0" "$("$S" --data "$D" --now 2026-11-24 cover run --scans $T/scans.csv)"
# inside it: P-1 (to) and P-2 (from) recorded; P-3 is the attorney's (MC-7)
check in-window "scanned 5
matched 3
recorded 2
excluded 1
malformed 0" "$("$S" --data "$D" --now 2026-11-26 cover run --scans $T/scans.csv)"
check records "P-1 P-2" "$("$S" --data "$D" lookup --address '19 Wexley Rd, Brantmoor VT 05001' |
    sed -n 's/.*"kind":"cover_piece","piece_id":"\([^"]*\)".*/\1/p' | sort | tr '\n' ' ' | sed 's/ $//')"
# nothing of the other pieces was stored anywhere
if grep -r -a -q -e Quenhart -e 'Joss Ravel' -e 'Market St' -e 'Counsel Office' "$D"; then
    fails=$((fails + 1)); echo "FAIL a non-recorded piece left a trace"; else pass=$((pass + 1)); fi
# an indictment ends the cover (MC-6): nothing more is recorded
q "$S" --data "$D" --now 2026-11-27 --as insp1 cover indict "$CID" --date 2026-11-27
check after-indictment "scanned 5
matched 0
recorded 0
excluded 0
malformed 0" "$("$S" --data "$D" --now 2026-11-28 cover run --scans $T/scans.csv)"
r=$("$S" log verify --dir "$D/ledger")
case "$r" in ok:*) pass=$((pass + 1)) ;; *) fails=$((fails + 1)); echo "FAIL ledger: $r" ;; esac
echo "$pass passed, $fails failed"
[ "$fails" -eq 0 ]
