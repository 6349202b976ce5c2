#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end: `sealctl request check` prints exactly the decision JSON of
# issue 4 (keys in order, exit 0 for every decision, 1 when unreadable),
# --compare, signed orders made by `sealctl order keygen/sign` and verified
# with --issuer-key, and `sealctl policy verify/diff/show` on both shipped
# policies and on a broken policy file. All names and addresses are made up.
set -euo pipefail
S=${SEALCTL:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/support/check.sh"
run() { # "rc|stdout|stderr"
    local out err rc=0
    out=$("$@" 2>"$T/err") || rc=$?
    err=$(cat "$T/err")
    printf '%s|%s|%s' "$rc" "$out" "$err"
}
NOW=2026-11-24
STRICT=$($S policy show strict | sed 's/.*"sha256": "\([0-9a-f]*\)".*/\1/')
CFR=$($S policy show cfr-233 | sed 's/.*"sha256": "\([0-9a-f]*\)".*/\1/')
check sha-len "64 64" "${#STRICT} ${#CFR}"
PS="\"policy\": {\"name\": \"strict\", \"sha256\": \"$STRICT\"}"
PC="\"policy\": {\"name\": \"cfr-233\", \"sha256\": \"$CFR\"}"
REVIEW1='{"code": "review.required", "rule": "PA-2", "pointer": "", "message": "needs approval by one reviewer, not of the requesting agency"}'

cat > $T/subpoena.json <<'J'
{
  "agency": "quellford-pd",
  "official": "Det. O. Vasquiel, Narcotics",
  "legal_basis": { "type": "subpoena", "reference": "GJ-2026-118",
    "issued_by": "Grand Jury, District of Examplia",
    "issued_at": "2026-11-21T00:00:00Z", "expires_at": "2027-02-19T00:00:00Z",
    "facts": "The subject received 14 parcels at this address between March and June that were later found to contain fentanyl." },
  "purpose": { "activity": "criminal_investigation", "offense": "21 USC 841" },
  "subjects": [ { "type": "person", "name": "Ima Drovenko",
                  "address": "221 S Tamber St Apt 2, Quellford MN 55001" } ],
  "categories": ["identity", "contact"],
  "window": { "from": "2026-01-01", "to": "2026-10-31" }
}
J
check subpoena-strict "0|{\"decision\": \"review\", $PS, \"reasons\": [$REVIEW1]}|" \
    "$(run $S --now $NOW request check $T/subpoena.json)"
check subpoena-stdin "0|{\"decision\": \"review\", $PC, \"reasons\": [$REVIEW1]}|" \
    "$(run $S --now $NOW request check --policy cfr-233 - < $T/subpoena.json)"
check subpoena-file-policy "0|{\"decision\": \"review\", $PC, \"reasons\": [$REVIEW1]}|" \
    "$(run $S --now $NOW request check --policy ${SEAL_SOURCE_DIR:?}/policies/cfr-233.json $T/subpoena.json)"
check compare "0|{\"decisions\": [{\"decision\": \"review\", $PC, \"reasons\": [$REVIEW1]}, {\"decision\": \"review\", $PS, \"reasons\": [$REVIEW1]}]}|" \
    "$(run $S --now $NOW request check --compare $T/subpoena.json)"

# PA-5: a subpoena asking for tracking and mail_exterior: each category named
sed 's/"identity", "contact"/"identity", "tracking", "mail_exterior"/' $T/subpoena.json > $T/locked.json
check locked "0|{\"decision\": \"refused\", $PS, \"reasons\": [{\"code\": \"order.required\", \"rule\": \"PA-5\", \"pointer\": \"/legal_basis/order\", \"message\": \"this policy requires an order signed by a registered issuer\"}, {\"code\": \"category.locked\", \"rule\": \"PA-5\", \"pointer\": \"/categories/1\", \"message\": \"the subpoena basis does not unlock tracking\"}, {\"code\": \"category.locked\", \"rule\": \"PA-5\", \"pointer\": \"/categories/2\", \"message\": \"the subpoena basis does not unlock mail_exterior\"}]}|" \
    "$(run $S --now $NOW request check $T/locked.json)"

# PA-6: a dragnet: a ZIP code and a pattern
cat > $T/dragnet.json <<'J'
{"agency": "quellford-pd", "official": "Det. O. Vasquiel",
 "legal_basis": {"type": "warrant", "reference": "W-1", "issued_by": "District Court",
   "issued_at": "2026-11-21T00:00:00Z", "expires_at": "2027-02-19T00:00:00Z",
   "facts": "Everyone who lives in this ZIP code may have received parcels that contained contraband of some kind."},
 "purpose": {"activity": "criminal_investigation", "offense": "21 USC 841"},
 "subjects": [{"type": "address", "address": "55001"}, {"type": "email", "value": "*@post.example"}],
 "categories": ["identity"], "window": {"from": "2026-01-01", "to": "2026-10-31"}}
J
check dragnet "0|{\"decision\": \"refused\", $PS, \"reasons\": [{\"code\": \"subject.area\", \"rule\": \"PA-6\", \"pointer\": \"/subjects/0/address\", \"message\": \"an address must name one delivery point, not a ZIP code, city or area\"}, {\"code\": \"subject.pattern\", \"rule\": \"PA-6\", \"pointer\": \"/subjects/1/value\", \"message\": \"a subject must be one exact identifier, not a pattern\"}, {\"code\": \"order.required\", \"rule\": \"PA-2\", \"pointer\": \"/legal_basis/order\", \"message\": \"this policy requires an order signed by a registered issuer\"}]}|" \
    "$(run $S --now $NOW request check $T/dragnet.json)"

# not JSON, duplicate keys, NUL byte: refused, exit 0
printf '{"agency": "a", "agency": "b"}' > $T/dup.json
check dup "0|{\"decision\": \"refused\", $PS, \"reasons\": [{\"code\": \"schema.duplicate_key\", \"rule\": \"PA-2\", \"pointer\": \"/agency\", \"message\": \"duplicate key: every field appears once\"}]}|" \
    "$(run $S --now $NOW request check $T/dup.json)"
printf '{"agency": ' > $T/trunc.json
check truncated "0|{\"decision\": \"refused\", $PS, \"reasons\": [{\"code\": \"schema.json\", \"rule\": \"PA-2\", \"pointer\": \"/agency\", \"message\": \"not valid JSON (line 1, column 11)\"}]}|" \
    "$(run $S --now $NOW request check $T/trunc.json)"
printf '{"agency": "a\0"}' > $T/nul.json
check nul "0|{\"decision\": \"refused\", $PS, \"reasons\": [{\"code\": \"schema.nul\", \"rule\": \"PA-2\", \"pointer\": \"/agency\", \"message\": \"NUL byte in the document\"}]}|" \
    "$(run $S --now $NOW request check $T/nul.json)"
head -c 70000 /dev/zero | tr '\0' ' ' > $T/big.json
check too-large "0|{\"decision\": \"refused\", $PS, \"reasons\": [{\"code\": \"schema.too_large\", \"rule\": \"PA-2\", \"pointer\": \"\", \"message\": \"document larger than 65536 bytes\"}]}|" \
    "$(run $S --now $NOW request check $T/big.json)"
check unreadable "1||sealctl: request check: $T/none.json: No such file or directory" \
    "$(run $S --now $NOW request check $T/none.json)"
rc=0; $S request check >/dev/null 2>&1 || rc=$?
check usage "2" "$rc"
check bad-policy "1" "$(run $S request check --policy nosuch $T/subpoena.json | cut -d'|' -f1)"

# Signed orders: strict needs one for a court order; keygen, sign, verify, tamper
sed -e 's/"subpoena"/"court_order"/' -e 's/"identity", "contact"/"identity", "tracking"/' \
    $T/subpoena.json > $T/court.json
check court-unsigned "0|{\"decision\": \"refused\", $PS, \"reasons\": [{\"code\": \"order.required\", \"rule\": \"PA-2\", \"pointer\": \"/legal_basis/order\", \"message\": \"this policy requires an order signed by a registered issuer\"}]}|" \
    "$(run $S --now $NOW request check $T/court.json)"
$S order keygen --dir $T district-court-examplia > $T/vkey.out
check keygen-perms "600" "$(stat -c %a $T/district-court-examplia.skey)"
check keygen-vkey "$(cat $T/district-court-examplia.vkey)" "$(cat $T/vkey.out)"
check keygen-again "1" "$(run $S order keygen --dir $T district-court-examplia | cut -d'|' -f1)"
$S order sign --key $T/district-court-examplia.skey $T/court.json > $T/order.note
check order-text "sealed-order/v2
issuer district-court-examplia
agency quellford-pd
reference GJ-2026-118
type court_order
subjects $(head -6 $T/order.note | sed -n 's/^subjects //p')
categories identity,tracking
window 2026-01-01..2026-10-31
expires 2027-02-19T00:00:00Z" "$(head -10 $T/order.note)"
$S order sign --key $T/district-court-examplia.skey --embed $T/court.json > $T/court-signed.json
check court-signed "0|{\"decision\": \"review\", $PS, \"reasons\": [$REVIEW1]}|" \
    "$(run $S --now $NOW request check --issuer-key $T/district-court-examplia.vkey $T/court-signed.json)"
check court-unknown-issuer "0|{\"decision\": \"refused\", $PS, \"reasons\": [{\"code\": \"order.unknown_issuer\", \"rule\": \"PA-2\", \"pointer\": \"/legal_basis/order\", \"message\": \"the order is not signed by a registered issuer\"}]}|" \
    "$(run $S --now $NOW request check $T/court-signed.json)"
# the order moved to another window: the line that differs is named
sed 's/"2026-10-31"/"2026-11-15"/' $T/court-signed.json > $T/court-moved.json
check court-moved "0|{\"decision\": \"refused\", $PS, \"reasons\": [{\"code\": \"order.mismatch\", \"rule\": \"PA-2\", \"pointer\": \"/window\", \"message\": \"the order's window line does not match the request\"}]}|" \
    "$(run $S --now $NOW request check --issuer-key $T/district-court-examplia.vkey $T/court-moved.json)"
# another subject under the same order
sed 's/Ima Drovenko/Orlen Vasquiel/' $T/court-signed.json > $T/court-other.json
check court-other-subject "0|{\"decision\": \"refused\", $PS, \"reasons\": [{\"code\": \"order.mismatch\", \"rule\": \"PA-2\", \"pointer\": \"/subjects\", \"message\": \"the order's subjects line does not match the request\"}]}|" \
    "$(run $S --now $NOW request check --issuer-key $T/district-court-examplia.vkey $T/court-other.json)"
# the same order with only the agency edited (PA-2: sealed-order/v2 binds it)
sed 's/"agency": *"quellford-pd"/"agency": "other-pd"/' $T/court-signed.json > $T/court-agency.json
check court-other-agency "0|{\"decision\": \"refused\", $PS, \"reasons\": [{\"code\": \"order.mismatch\", \"rule\": \"PA-2\", \"pointer\": \"/agency\", \"message\": \"the order's agency line does not match the request\"}]}|" \
    "$(run $S --now $NOW request check --issuer-key $T/district-court-examplia.vkey $T/court-agency.json)"
# a forged signature: one byte of the signature changed
python3 - "$T/court-signed.json" "$T/court-forged.json" <<'P'
import json, sys, base64
d = json.load(open(sys.argv[1]))
o = d["legal_basis"]["order"]
text, sig = o.rsplit("\u2014 ", 1)
name, b64 = sig.strip().split(" ")
raw = bytearray(base64.b64decode(b64)); raw[10] ^= 1
d["legal_basis"]["order"] = text + "\u2014 " + name + " " + base64.b64encode(bytes(raw)).decode() + "\n"
json.dump(d, open(sys.argv[2], "w"))
P
check court-forged "0|{\"decision\": \"refused\", $PS, \"reasons\": [{\"code\": \"order.bad_signature\", \"rule\": \"PA-2\", \"pointer\": \"/legal_basis/order\", \"message\": \"the order's signature does not verify: forged or altered\"}]}|" \
    "$(run $S --now $NOW request check --issuer-key $T/district-court-examplia.vkey $T/court-forged.json)"

# policy verify / diff / show
check verify-strict "0" "$(run $S policy verify strict | cut -d'|' -f1)"
check verify-cfr "0" "$(run $S policy verify cfr-233 | cut -d'|' -f1)"
check verify-holds "true" "$($S policy verify strict | sed 's/.*"holds": \([a-z]*\)}$/\1/')"
check diff-self '0|{"a": {"name": "strict", "sha256": "'$STRICT'"}, "b": {"name": "strict", "sha256": "'$STRICT'"}, "differences": [], "count": 0}|' \
    "$(run $S policy diff strict strict)"
$S policy diff cfr-233 strict > $T/diff.json
check diff-civil-immigration 'yes' \
    "$(grep -q '"basis": "subpoena", "category": "identity", "purpose": "civil_immigration", "order": "unsigned", "role": "reviewer", "a": "may approve (1 needed)", "b": "refused (purpose.warrant_required)"' $T/diff.json && echo yes)"
# a loosened policy: subpoenas unlock mail_exterior. verify finds it.
python3 - "${SEAL_SOURCE_DIR}/policies/strict.json" "$T/loose.json" <<'P'
import json, sys
d = json.load(open(sys.argv[1]))
d["name"] = "loose"
d["bases"]["subpoena"]["unlocks"].append("mail_exterior")
d["categories_need_signed_order"] = []
json.dump(d, open(sys.argv[2], "w"), indent=1)
P
check verify-loose-rc "1" "$(run $S policy verify $T/loose.json | cut -d'|' -f1)"
$S policy verify $T/loose.json > $T/loose.out 2>/dev/null || true
check verify-loose-cex 'yes' "$(grep -q '"id": "no-subpoena-mail-exterior", "statement": "no subpoena ever unlocks mail_exterior (PA-5)", "checked": 16, "holds": false, "counterexamples": \["subpoena/mail_exterior/criminal_investigation/unsigned"' $T/loose.out && echo yes)"
printf '{"format": "sealed-policy/v1", "name": "x", "title": "t", "bases": {"consent": 1}}' > $T/broken.json
check broken-policy "1||sealctl: policy: $T/broken.json: /bases/consent: must be an object" \
    "$(run $S policy verify $T/broken.json)"

echo "request_cli: $pass passed, $fails failed"
[ $fails -eq 0 ]
