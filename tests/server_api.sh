#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end: the sealed daemon over real HTTP (issue 7). Starts it on a free
# loopback port with a temporary data directory and a token per role, then:
# walks /openapi.json and calls every path it lists with its success status
# (and checks it lists exactly the implemented ones); walks every role x
# every endpoint against the authorization table written out below (and
# checks the document's x-roles say the same); refuses every non-public
# route without a token or with a revoked one; checks the lifecycle routes
# (extend, close, renew, sweep), productions (build, list with digests,
# download, verify; a requester of another agency and an auditor kept from
# the data files), covers (no addresses), the ledger (proofs equal to
# sealctl log's, verify, events), subject access (the bound identifiers,
# stored encrypted, JSON equal to `sealctl access`, HTML), the console's
# files and headers; 413 problem+json, 400 with pointers, 431 for an
# oversized header, a slow client cut off, 429 with Retry-After per
# principal and per address, HTTPS with a throwaway certificate and client
# certificates; the access log holds no token, query string, identifier or
# address; SIGTERM while a slow request is in flight lets it finish and
# exits 0. All data is made up.
set -euo pipefail
S=${SEALCTL:?}
SD=${SEAL_BUILD_DIR:?}/sealed
T=$(mktemp -d)
D=$T/data
PID=
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
. "$(dirname "$0")/support/check.sh"
NOW=2026-11-24
A() { "$S" --data "$D" --now "$NOW" --as "$@" >/dev/null; }
j() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
SUBJ_EMAIL=zq.oltrane@mail.example

# ---- a data directory with one principal per role ---------------------------
# its policy of record is cfr-233: the cover below is checked under it (issue 11)
"$S" --data "$D" --now 2026-01-01 init --test-clock --policy cfr-233 >/dev/null
"$S" --data "$D" --now $NOW agency add usps-pis --name 'Inspection HQ' --kind federal --inspection-service >/dev/null
"$S" --data "$D" --now $NOW principal add po1 --agency usps-pis --role privacy_officer >/dev/null
A po1 agency add quellford-pd --name 'Quellford PD' --kind local
A po1 agency add brantmoor-pd --name 'Brantmoor PD' --kind local
ROLES="requester reviewer cover_approver hq_approver privacy_officer issuer auditor subject"
declare -A WHO=([requester]=det1 [reviewer]=rev1 [cover_approver]=ca1 [hq_approver]=hq1
    [privacy_officer]=po1 [issuer]=iss1 [auditor]=aud1 [subject]=sub1 [other]=det2)
declare -A TOK
for r in $ROLES; do
    p=${WHO[$r]}
    ag=usps-pis; [ "$r" = requester ] && ag=quellford-pd
    if [ "$r" = subject ]; then
        A po1 principal add sub1 --agency usps-pis --role subject --identifier "email:$SUBJ_EMAIL" --identifier account:AC-77
    elif [ "$p" != po1 ]; then
        A po1 principal add "$p" --agency $ag --role "$r"
    fi
    TOK[$r]=$("$S" --data "$D" token issue "$p")
    check "token-$r-len" 64 "${#TOK[$r]}"
done
A po1 principal add det2 --agency brantmoor-pd --role requester
TOK[other]=$("$S" --data "$D" token issue det2)
# a principal whose tokens only the API's token route issues
A po1 principal add tok1 --agency usps-pis --role auditor
# the second token of a principal replaces the first
old=$("$S" --data "$D" token issue aud1)
TOK[auditor]=$("$S" --data "$D" token issue aud1)
check token-unknown-principal 1 "$(r=0; "$S" --data "$D" token issue ghost >/dev/null 2>&1 || r=$?; echo $r)"
if grep -rqa "${TOK[requester]}" "$D"; then check token-stored-plain no yes; fi
# a subject's identifiers are stored only encrypted; bad ones are refused by position
if grep -rqa "$SUBJ_EMAIL" "$D"; then check identifier-stored-plain no yes; fi
check identifier-bad 1 "$(r=0; "$S" --data "$D" --now $NOW --as po1 principal add sub2 --agency usps-pis --role subject --identifier phone >$T/o 2>$T/e || r=$?; echo $r)"
check identifier-bad-msg "identifier 1 is not TYPE:VALUE" "$(grep -o 'identifier 1 is not TYPE:VALUE' $T/e)"
check identifier-needs-subject 2 "$(r=0; "$S" --data "$D" --now $NOW --as po1 principal add sub3 --agency usps-pis --role auditor --identifier email:a@b.example >/dev/null 2>&1 || r=$?; echo $r)"

cat > $T/subpoena.json <<'J'
{"agency": "quellford-pd", "official": "Det. O. Vasquiel, Narcotics",
 "legal_basis": {"type": "subpoena", "reference": "GJ-2026-118",
  "issued_by": "Grand Jury, District of Examplia",
  "issued_at": "2026-11-21T00:00:00Z", "expires_at": "2027-02-19T00:00:00Z",
  "facts": "The subject received 14 parcels at this address between March and June that were later found to contain fentanyl."},
 "purpose": {"activity": "criminal_investigation", "offense": "21 USC 841"},
 "subjects": [{"type": "person", "name": "Ima Drovenko", "address": "221 S Tamber St Apt 2, Quellford MN 55001"}],
 "categories": ["identity", "contact"], "window": {"from": "2026-01-01", "to": "2026-10-31"}}
J
cat > $T/cover.json <<'J'
{"agency": "quellford-pd", "official": "Det. R. Tamber",
 "legal_basis": {"type": "mail_cover", "reference": "MC-2026-7",
  "issued_by": "District Court of Examplia",
  "issued_at": "2026-11-23T00:00:00Z", "expires_at": "2027-02-19T00:00:00Z",
  "facts": "Parcels mailed from this address to three buyers held counterfeit notes; the seizures are documented in case file 2026-77."},
 "purpose": {"activity": "criminal_investigation", "offense": "18 USC 471"},
 "subjects": [{"type": "person", "name": "Orlen Vasquiel", "address": "19 Wexley Rd, Brantmoor VT 05001"}],
 "categories": ["mail_exterior"],
 "window": {"from": "2026-11-24", "to": "2026-12-23"},
 "cover": {"ground": "crime", "address": "19 Wexley Road, Brantmoor VT 05001",
  "start": "2026-11-24", "days": 30, "supervisor": "Insp. in Charge K. Lune",
  "indicted": false, "attorney": null,
  "subject_is_attorney_or_judicial_officer": false}}
J
cat > $T/preservation.json <<'J'
{"agency": "quellford-pd", "official": "Det. O. Vasquiel",
 "legal_basis": {"type": "preservation", "reference": "P-2026-1",
  "issued_by": "Quellford PD",
  "issued_at": "2026-11-23T00:00:00Z", "expires_at": "2027-02-19T00:00:00Z",
  "facts": "An investigation of parcel fraud is opening; records of this email must not expire under retention while process is sought."},
 "purpose": {"activity": "criminal_investigation", "offense": "18 USC 1341"},
 "subjects": [{"type": "email", "value": "orlen.v@post.example"}],
 "categories": [],
 "window": {"from": "2026-01-01", "to": "2026-11-23"}}
J
python3 - $T/cover.json > $T/extension.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["cover"].update({"extends": "C-000001", "start": "2026-12-24",
                   "benefit_so_far": "Two shipments traced to the subject.",
                   "benefit_expected": "The supplier's return address."})
d["window"] = {"from": "2026-12-24", "to": "2027-01-22"}
print(json.dumps(d))
PY

# ---- start ------------------------------------------------------------------
start() {
    : > "$T/out"
    SEALED_NOW=$NOW "$SD" --data "$D" --listen 127.0.0.1:0 "$@" >"$T/out" 2>>"$T/log" &
    PID=$!
    for _ in $(seq 100); do grep -q listening "$T/out" && break; sleep 0.05; done
    PORT=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$T/out")
    B=http://127.0.0.1:$PORT
}
stop() { kill -TERM $PID; RC=0; wait $PID || RC=$?; PID=; }
start
check started yes "$([ -n "$PORT" ] && echo yes || echo no)"
# call METHOD PATH ROLE|- [BODY-FILE]: prints the status; body in $T/body
call() {
    local args=(-s -o "$T/body" -w '%{http_code}' -X "$1")
    [ "$3" != - ] && args+=(-H "Authorization: Bearer ${TOK[$3]}")
    [ -n "${4:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "@$4")
    curl "${args[@]}" "$B$2"
}
ctype() { curl -s -o /dev/null -w '%{content_type}' "$@"; }
ptype() { sed -n 's/.*"type":"urn:sealed:problem:\([a-z-]*\)".*/\1/p' $T/body; }
pointer() { sed -n 's/.*"pointer":"\([^"]*\)".*/\1/p' $T/body; }

# ---- the authorization table, as this test expects it ------------------------
# route | roles that may call it ("public": no token)
STAFF="requester reviewer cover_approver hq_approver privacy_officer"
ACTORS="requester reviewer cover_approver hq_approver privacy_officer"
declare -A ALLOW=(
    ["GET /openapi.json"]=public
    ["GET /v1/me"]="$ROLES"
    ["POST /v1/requests/check"]="$STAFF"
    ["POST /v1/requests"]="requester"
    ["GET /v1/policy"]="$STAFF auditor"
    ["PUT /v1/policy"]="privacy_officer"
    ["GET /v1/requests"]="$STAFF auditor"
    ["GET /v1/requests/{id}"]="$STAFF auditor"
    ["GET /v1/requests/{id}/preview"]="reviewer cover_approver hq_approver"
    ["POST /v1/requests/{id}/review"]="reviewer cover_approver hq_approver"
    ["POST /v1/requests/{id}/consent"]="reviewer cover_approver hq_approver subject"
    ["POST /v1/requests/{id}/extend"]="requester"
    ["POST /v1/requests/{id}/close"]="$ACTORS"
    ["POST /v1/requests/{id}/renew"]="$ACTORS"
    ["POST /v1/sweep"]="privacy_officer"
    ["POST /v1/requests/{id}/productions"]="requester privacy_officer"
    ["GET /v1/productions/{pid}"]="requester privacy_officer auditor"
    ["GET /v1/productions/{pid}/files/{name}"]="requester privacy_officer auditor"
    ["GET /v1/productions/{pid}/verify"]="requester privacy_officer auditor"
    ["GET /v1/covers"]="cover_approver privacy_officer auditor"
    ["POST /v1/covers/{id}/indict"]="$ACTORS"
    ["GET /v1/ledger/checkpoint"]=public
    ["GET /v1/ledger/tile/{tile}"]=public
    ["GET /v1/ledger/proof/inclusion"]=public
    ["GET /v1/ledger/proof/consistency"]=public
    ["GET /v1/ledger/verify"]="$STAFF auditor"
    ["GET /v1/ledger/events"]="privacy_officer auditor"
    ["GET /v1/access"]="subject"
    ["POST /v1/principals/{id}/token"]="privacy_officer"
    ["GET /"]=public
    ["GET /{asset}"]=public
)
curl -s "$B/openapi.json" > $T/openapi.json
python3 - "$T/openapi.json" "$ROLES" > $T/ops <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
order = sys.argv[2].split()
assert d["openapi"].startswith("3."), "not OpenAPI 3"
for path, item in d["paths"].items():
    for m, op in item.items():
        ok = [c for c in op["responses"] if c.startswith("2")][0]
        assert "429" in op["responses"], path
        roles = " ".join(sorted(op["x-roles"], key=order.index)) if op["security"] else "public"
        print(f"{m.upper()}|{path}|{ok}|{roles}")
PY
check openapi-count "${#ALLOW[@]}" "$(wc -l < $T/ops)"
while IFS='|' read -r m p ok roles; do
    check "openapi-roles $m $p" "${ALLOW["$m $p"]:-missing}" "$roles"
done < $T/ops

# ---- state for the walk: a cover (cfr-233, one inspection-service approver),
# a preservation, a request to close ---------------------------------------------
check cover-submit-policy-arg '400 invalid' "$(call POST '/v1/requests?policy=strict' requester $T/cover.json) $(ptype)"
check cover-submit-policy-arg-type application/problem+json "$(ctype -H "Authorization: Bearer ${TOK[requester]}" --data-binary @$T/cover.json "$B/v1/requests?policy=cfr-233")"
has cover-submit-policy-arg-msg "policy of record" $T/body
check cover-submit 201 "$(call POST /v1/requests requester $T/cover.json)"
has cover-submit-cfr '"policy": {"name": "cfr-233"' $T/body
COV=$(j $T/body 'd["id"]')
check cover-approve 200 "$(call POST /v1/requests/$COV/review cover_approver <(echo '{"approve": true}'))"
CID=$(call GET /v1/requests/$COV auditor >/dev/null; j $T/body 'd["cover"]')
check cover-id C-000001 "$CID"
check pres-submit 201 "$(call POST /v1/requests requester $T/preservation.json)"
PRES=$(j $T/body 'd["id"]')
check pres-approve 200 "$(call POST /v1/requests/$PRES/review reviewer <(echo '{"approve": true}'))"
# (its own process: a legal basis serves one request, PA-2)
sed 's/"GJ-2026-118"/"GJ-2026-119"/' $T/subpoena.json > $T/toclose.json
check toclose-submit 201 "$(call POST /v1/requests requester $T/toclose.json)"
CLOSE=$(j $T/body 'd["id"]')
# consent (PA-2), naming both identifiers sub1 is bound to: under cfr-233 a
# reviewer may record the written consent's reference (the walk does)
cat > $T/consent.json <<'J'
{"agency": "quellford-pd", "official": "Det. O. Vasquiel, Narcotics",
 "legal_basis": {"type": "consent", "reference": "CONSENT-2026-5", "issued_by": "The account holder",
  "issued_at": "2026-11-21T00:00:00Z", "expires_at": "2027-02-19T00:00:00Z",
  "facts": "The account holder reported parcels stolen from this address and asked us to review the delivery records of the account."},
 "purpose": {"activity": "criminal_investigation", "offense": "18 USC 1708"},
 "subjects": [{"type": "email", "value": "zq.oltrane@mail.example"}, {"type": "account", "value": "AC-77"}],
 "categories": ["identity", "contact"], "window": {"from": "2026-01-01", "to": "2026-10-31"}}
J
check consent-submit 201 "$(call POST /v1/requests requester $T/consent.json)"
CONS=$(j $T/body 'd["id"]')
check consent-pending consent_pending "$(j $T/body 'd["state"]')"
echo '{"reference": "WC-2026-9"}' > $T/consent-ref.json
echo '{}' > $T/consent-me.json

# ---- walk the OpenAPI document: every path answers its success status -------
echo '{"policy": "cfr-233"}' > $T/policy-put.json
check submit-for-walk 201 "$(call POST /v1/requests requester $T/subpoena.json)"
ID=$(j $T/body 'd["id"]')
check submit-location "/v1/requests/R-" "$(curl -s -o /dev/null -D - -H "Authorization: Bearer ${TOK[requester]}" --data-binary @$T/subpoena.json $B/v1/requests | tr -d '\r' | sed -n 's/^Location: \(.\{15\}\).*/\1/p')"
# a tile that exists now (a wider partial tile replaces a narrower one)
tile() { (cd "$D/ledger/tile" && find . -type f | sort | head -1 | sed 's|^\./||'); }
NOTE='particular and lawful: the "facts" name the parcels'
python3 -c 'import json,sys; print(json.dumps({"approve": True, "note": sys.argv[1]}))' "$NOTE" > $T/approve.json
echo '{"date": "2026-11-24"}' > $T/indict.json
while IFS='|' read -r m p ok roles; do
    url=${p//\{tile\}/$(tile)}; url=${url//\{pid\}/P-$ID}; url=${url//\{name\}/manifest.note}
    url=${url//\{asset\}/app.js}
    who=-; [ "$roles" != public ] && who=${roles%% *}
    body=
    case "$m $p" in
    "POST /v1/requests/check" | "POST /v1/requests") body=$T/subpoena.json ;;
    "POST /v1/requests/{id}/review") who=reviewer; body=$T/approve.json ;;
    "POST /v1/requests/{id}/consent") body=$T/consent-ref.json; url=${url//\{id\}/$CONS} ;;
    "POST /v1/requests/{id}/extend") body=$T/extension.json; url="${url//\{id\}/$CID}" ;;
    "PUT /v1/policy") body=$T/policy-put.json ;;
    "POST /v1/requests/{id}/close") url=${url//\{id\}/$CLOSE} ;;
    "POST /v1/requests/{id}/renew") url=${url//\{id\}/$PRES} ;;
    "POST /v1/covers/{id}/indict") body=$T/indict.json; url=${url//\{id\}/$CID} ;;
    "GET /v1/covers") who=cover_approver ;;
    "GET /v1/ledger/events") who=auditor ;;
    "GET /v1/ledger/proof/inclusion") url="$url?index=1" ;;
    "GET /v1/ledger/proof/consistency") url="$url?old=2&new=5" ;;
    "POST /v1/principals/{id}/token") url=${url//\{id\}/tok1} ;;
    esac
    url=${url//\{id\}/$ID}
    check "walk $m $p" "$ok" "$(call "$m" "$url" "$who" $body)"
    cp $T/body "$T/walk.x.$(echo "$m $p" | tr -c 'a-z' _)"
done < $T/ops
w() { cat "$T/walk.x.$(echo "$1" | tr -c 'a-z' _)"; }
check walk-me '{"id":"det1","agency":"quellford-pd","roles":["requester"],"valid_from":null,"valid_until":null,"test_clock":true}' "$(w 'GET /v1/me')"
check walk-preview '"kinds":{},"records":0,"empty":true' "$(w 'GET /v1/requests/{id}/preview' | tr -d ' \n' | grep -o '"kinds":.*true' || true)"
check walk-approved '"state":"active"' "$(w 'POST /v1/requests/{id}/review' | tr -d ' ' | grep -o '"state":"active"' || true)"
check walk-extend-state review "$(w 'POST /v1/requests/{id}/extend' | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')"
check walk-consent "{\"id\": \"$CONS\", \"state\": \"review\"}" "$(w 'POST /v1/requests/{id}/consent')"
check walk-closed "{\"id\":\"$CLOSE\",\"closed\":true}" "$(w 'POST /v1/requests/{id}/close')"
check walk-renewed "{\"id\":\"$PRES\",\"renewed\":true}" "$(w 'POST /v1/requests/{id}/renew')"
check walk-indicted "{\"cover\":\"$CID\",\"indicted\":\"2026-11-24\"}" "$(w 'POST /v1/covers/{id}/indict')"
check walk-production "P-$ID 1" "$(w 'POST /v1/requests/{id}/productions' | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["production"], d["subjects"])')"
check walk-verify true "$(w 'GET /v1/productions/{pid}/verify' | python3 -c 'import json,sys; print(str(json.load(sys.stdin)["verified"]).lower())')"
check walk-ledger-verify "True True" "$(w 'GET /v1/ledger/verify' | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["ok"], d["checkpoint_verified"])')"
check walk-manifest-bytes "$(wc -c < $D/productions/P-$ID/manifest.note)" "$(w 'GET /v1/productions/{pid}/files/{name}' | wc -c)"

# ---- the review note: stored, shown, never in the ledger or the log ----------
call GET /v1/requests/$ID auditor >/dev/null
check note-shown "$NOTE" "$(j $T/body 'd["approvals"][0]["note"]')"
check note-cli "$NOTE" "$("$S" --data "$D" --now $NOW --as rev1 request show $ID | python3 -c 'import json,sys; print(json.load(sys.stdin)["approvals"][0]["note"])')"
if grep -rqa "particular and lawful" "$D/ledger" "$D/registry.db"; then check note-stored-plain no yes; fi
echo '{"approve": true, "note": 7}' > $T/r3.json
check note-pointer '400 /note' "$(call POST /v1/requests/$CLOSE/review reviewer $T/r3.json) $(pointer)"
python3 -c 'import json; print(json.dumps({"approve": True, "note": "x" * 2001}))' > $T/r4.json
check note-too-long '400 /note' "$(call POST /v1/requests/$CLOSE/review reviewer $T/r4.json) $(pointer)"

# ---- lifecycle details --------------------------------------------------------
check extend-wrong-cover '400 /cover/extends' "$(call POST /v1/requests/C-000009/extend requester $T/extension.json) $(pointer)"
check extend-policy-arg 400 "$(call POST "/v1/requests/$COV/extend?policy=cfr-233" requester $T/extension.json)"
check extend-by-request 201 "$(call POST "/v1/requests/$COV/extend" requester $T/extension.json)"
check renew-twice 422 "$(call POST /v1/requests/$PRES/renew requester)"
check close-twice 409 "$(call POST /v1/requests/$CLOSE/close requester)"
check close-other-agency '403 permission' "$(call POST /v1/requests/$ID/close other) $(ptype)"
check sweep-report '"actions"' "$(call POST /v1/sweep privacy_officer >/dev/null; grep -o '"actions"' $T/body)"
check indict-bad-date '400 /date' "$(call POST /v1/covers/$CID/indict requester <(echo '{"date": "soon"}')) $(pointer)"
check indict-unknown-field '400 /when' "$(call POST /v1/covers/$CID/indict requester <(echo '{"date": "2026-11-24", "when": 1}')) $(pointer)"

# ---- a legal basis serves one request; consent is proven (PA-2) ----------------
check basis-reused 201 "$(call POST /v1/requests requester $T/subpoena.json)"
check basis-reused-state "refused basis.reused" "$(j $T/body 'd["state"] + " " + d["decision"]["reasons"][0]["code"]')"
check basis-reused-first "this legal basis already served request $ID: a legal basis serves one request" "$(j $T/body 'd["decision"]["reasons"][0]["message"]')"
check supersedes-bad-id '400 invalid' "$(call POST '/v1/requests?supersedes=no/such' requester $T/subpoena.json) $(ptype)"
check supersedes-active 201 "$(call POST "/v1/requests?supersedes=$ID" requester $T/subpoena.json)"
check supersedes-active-code basis.supersedes_state "$(j $T/body 'd["decision"]["reasons"][0]["code"]')"
check refused-no-document '404 not-found' "$(call GET "/v1/requests/$(j $T/body 'd["id"]')?document=true" requester) $(ptype)"
sed 's/"CONSENT-2026-5"/"CONSENT-2026-6"/' $T/consent.json > $T/consent2.json
# a consent under strict: the privacy officer makes strict the policy of record for it
check consent-strict-policy 200 "$(call PUT /v1/policy privacy_officer <(echo '{"policy": "strict"}'))"
check consent-strict 201 "$(call POST /v1/requests requester $T/consent2.json)"
CONS2=$(j $T/body 'd["id"]')
check consent-strict-pending consent_pending "$(j $T/body 'd["state"]')"
check consent-strict-policy-back 200 "$(call PUT /v1/policy privacy_officer <(echo '{"policy": "cfr-233"}'))"
check consent-by-requester '403 role' "$(call POST /v1/requests/$CONS2/consent requester $T/consent-me.json) $(ptype)"
check consent-strict-reference 409 "$(call POST /v1/requests/$CONS2/consent reviewer $T/consent-ref.json)"
check consent-unknown-field '400 invalid' "$(call POST /v1/requests/$CONS2/consent subject <(echo '{"ref": 1}')) $(ptype)"
check consent-by-subject 200 "$(call POST /v1/requests/$CONS2/consent subject $T/consent-me.json)"
check consent-by-subject-state review "$(j $T/body 'd["state"]')"
check consent-twice 409 "$(call POST /v1/requests/$CONS2/consent subject $T/consent-me.json)"

# ---- productions ---------------------------------------------------------------
call GET /v1/productions/P-$ID requester >/dev/null
check production-files "subject-1.ndjson manifest.note checkpoint proofs.json ledger.vkey" "$(j $T/body '" ".join(f["name"] for f in d["files"])')"
check production-digest "$(sha256sum < $D/productions/P-$ID/proofs.json | cut -c1-64)" "$(j $T/body '[f["sha256"] for f in d["files"] if f["name"] == "proofs.json"][0]')"
check production-data-owner 200 "$(call GET /v1/productions/P-$ID/files/subject-1.ndjson requester)"
check production-data-po 200 "$(call GET /v1/productions/P-$ID/files/subject-1.ndjson privacy_officer)"
check production-data-auditor '403 permission' "$(call GET /v1/productions/P-$ID/files/subject-1.ndjson auditor) $(ptype)"
check production-manifest-auditor 200 "$(call GET /v1/productions/P-$ID/files/manifest.note auditor)"
check production-verify-auditor 200 "$(call GET /v1/productions/P-$ID/verify auditor)"
check production-other-agency '403 permission' "$(call GET /v1/productions/P-$ID other) $(ptype)"
check production-other-file 404 "$(call GET /v1/productions/P-$ID/files/key requester)"
check production-traversal 404 "$(call GET /v1/productions/P-$ID/files/..%2f..%2fsealed.conf requester)"
check production-unknown 404 "$(call GET /v1/productions/P-R-999999 privacy_officer)"
mkdir -p "$D/productions/.build-R-000001" && cp "$D/productions/P-$ID/manifest.note" "$D/productions/.build-R-000001/"
# not a production id (^P-R-[0-9]{6,18}$): never served
check production-build-dir-hidden '400 invalid' "$(call GET /v1/productions/.build-R-000001 privacy_officer) $(ptype)"
check production-again 409 "$(call POST /v1/requests/$ID/productions requester)"
check production-not-active 409 "$(call POST /v1/requests/$CLOSE/productions requester)"
check production-ctype "application/x-ndjson" "$(ctype -H "Authorization: Bearer ${TOK[requester]}" $B/v1/productions/P-$ID/files/subject-1.ndjson)"
echo x >> "$D/productions/P-$ID/subject-1.ndjson"
check production-tampered false "$(call GET /v1/productions/P-$ID/verify auditor >/dev/null; j $T/body 'str(d["verified"]).lower()')"

# ---- covers: ids, dates, agency, never an address --------------------------------
# (the walk listed them before it indicted the cover)
w 'GET /v1/covers' > $T/covers.json
check covers-listed "C-000001 $COV quellford-pd 2026-11-24 2026-12-23" "$(j $T/covers.json '" ".join(d["covers"][0][k] for k in ["id", "request", "agency", "start", "end"]) if d["covers"] else "none"')"
check covers-fields 'agency end id request start' "$(j $T/covers.json '" ".join(sorted(d["covers"][0].keys())) if d["covers"] else "none"')"
if grep -q -e Wexley -e Vasquiel $T/covers.json; then check covers-no-address absent present; fi
check covers-after-indictment '[]' "$(call GET /v1/covers auditor >/dev/null; j $T/body 'd["covers"]')"

# ---- the ledger: the same proofs as sealctl log, events without personal data ----
# (compared with sealctl log once the daemon, which holds the ledger, has stopped)
call GET '/v1/ledger/proof/inclusion?index=3&size=9' - >/dev/null
canon() { python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), sort_keys=True))' "$1"; }
canon $T/body > $T/incl.api
call GET '/v1/ledger/proof/consistency?old=4&new=11' - >/dev/null
canon $T/body > $T/cons.api
check inclusion-no-index '400 invalid' "$(call GET /v1/ledger/proof/inclusion -) $(ptype)"
check inclusion-beyond 400 "$(call GET '/v1/ledger/proof/inclusion?index=99999' -)"
check inclusion-not-a-number 400 "$(call GET '/v1/ledger/proof/inclusion?index=-1' -)"
check events-page "2 2 3" "$(call GET '/v1/ledger/events?from=2&limit=2' auditor >/dev/null; j $T/body '" ".join(str(x) for x in [len(d["events"]), d["events"][0]["index"], d["events"][1]["index"]])')"
check events-limit 400 "$(call GET '/v1/ledger/events?limit=5000' auditor)"
call GET '/v1/ledger/events?limit=1000' privacy_officer >/dev/null
check events-all "$(sed -n 2p $D/ledger/checkpoint)" "$(j $T/body 'len(d["events"])')"
for needle in Drovenko Tamber Wexley "$SUBJ_EMAIL" "particular and lawful"; do
    if grep -q -- "$needle" $T/body; then check "events-free-of $needle" absent present; fi
done

# ---- subject access: exactly `sealctl access` for the bound identifiers -----------
check access-json 200 "$(call GET /v1/access subject)"
cp $T/body $T/access.api # compared with `sealctl access` once the daemon has stopped
check access-html "200 text/html; charset=utf-8" "$(call GET '/v1/access?format=html' subject) $(ctype -H "Authorization: Bearer ${TOK[subject]}" "$B/v1/access?format=html")"
check access-html-csp "default-src 'self'; frame-ancestors 'none'" "$(curl -s -D - -o /dev/null -H "Authorization: Bearer ${TOK[subject]}" "$B/v1/access?format=html" | tr -d '\r' | sed -n 's/^Content-Security-Policy: //p')"
check access-format 400 "$(call GET '/v1/access?format=pdf' subject)"

# ---- the console: public static files with strict headers --------------------------
curl -s -D $T/hdr -o $T/index.html $B/
check console-index 200 "$(sed -n '1s/^HTTP[^ ]* \([0-9]*\).*/\1/p' $T/hdr)"
for h in "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'" "X-Content-Type-Options: nosniff" \
    "Referrer-Policy: no-referrer" "Cache-Control: no-cache"; do
    check "console-header ${h%%:*}" "$h" "$(tr -d '\r' < $T/hdr | grep -F -x -- "$h" || true)"
done
check console-head 200 "$(curl -s -o /dev/null -w '%{http_code}' -I $B/app.js)"
check console-missing "404 application/problem+json" "$(call GET /nothing.js -) $(ctype $B/nothing.js)"
check console-not-v1 404 "$(call GET /v1/nothing -)"

# ---- every role x every endpoint --------------------------------------------
echo '{"approve": false}' > $T/deny.json
for key in "${!ALLOW[@]}"; do
    m=${key%% *}; p=${key#* }
    body=
    case "$m $p" in *check | "POST /v1/requests" | *extend) body=$T/subpoena.json ;; esac
    [[ $p == *review ]] && body=$T/deny.json
    [[ $p == *consent ]] && body=$T/consent-me.json
    [[ $p == *indict ]] && body=$T/indict.json
    url=${p//\{tile\}/$(tile)}; url=${url//\{pid\}/P-$ID}; url=${url//\{name\}/manifest.note}
    url=${url//\{asset\}/app.js}; url=${url//\{id\}/$ID}
    [[ $p == */inclusion ]] && url="$url?index=0"
    [[ $p == */consistency ]] && url="$url?old=1"
    for r in $ROLES; do
        st=$(call "$m" "$url" "$r" $body)
        type=$(ptype)
        if [ "${ALLOW[$key]}" = public ] || [[ " ${ALLOW[$key]} " == *" $r "* ]]; then
            got=allowed; { [ "$st" = 401 ] || [ "$st" = 429 ] || [ "$type" = role ]; } && got="$st $type"
            check "authz $key as $r" allowed "$got"
        else
            check "authz $key as $r" "403 role" "$st $type"
        fi
    done
    # no token, and a revoked one
    st=$(call "$m" "$url" - $body)
    if [ "${ALLOW[$key]}" = public ]; then check "public $key" 200 "$st"; else
        check "no-token $key" "401 application/problem+json" "$st $(ctype -X "$m" "$B$url")"
        check "bad-token $key" 401 "$(curl -s -o /dev/null -w '%{http_code}' -X "$m" -H "Authorization: Bearer $old" "$B$url")"
    fi
done
check unknown-route 404 "$(call GET /v1/nothing -)"
check wrong-method 405 "$(call DELETE /v1/requests requester)"
check unknown-request 404 "$(call GET /v1/requests/R-999999 auditor)"

# ---- 401 before 403 before 400, on every route ----------------------------------
# bad input on every route: a NUL byte in the query; on routes with an id, an
# id that does not match the route's pattern too. No token or an unknown one
# is 401, a role the table does not list 403, a role it lists 400.
for key in "${!ALLOW[@]}"; do
    m=${key%% *}; p=${key#* }
    url=${p//\{tile\}/$(tile)}; url=${url//\{pid\}/P-$ID}; url=${url//\{name\}/manifest.note}
    url=${url//\{asset\}/app.js}; url=${url//\{id\}/$ID}
    bads=("$url?x=a%00b")
    [[ $p == *"{id}"* ]] && bads+=("${p//\{id\}/bad%21id}")
    [[ $p == *"{pid}"* ]] && bads+=("${url//P-$ID/R-000001}")
    for bad in "${bads[@]}"; do
        if [ "${ALLOW[$key]}" = public ]; then
            check "order $key $bad public" "400 invalid" "$(call "$m" "$bad" -) $(ptype)"
            continue
        fi
        check "order $key $bad no-token" 401 "$(call "$m" "$bad" -)"
        check "order $key $bad bad-token" 401 "$(curl -s -o /dev/null -w '%{http_code}' -X "$m" -H "Authorization: Bearer $old" "$B$bad")"
        allowed=${ALLOW[$key]}
        denied=
        for r in $ROLES; do [[ " $allowed " == *" $r "* ]] || { denied=$r; break; }; done
        [ -n "$denied" ] && check "order $key $bad as $denied" "403 role" "$(call "$m" "$bad" "$denied") $(ptype)"
        check "order $key $bad as ${allowed%% *}" "400 invalid" "$(call "$m" "$bad" "${allowed%% *}") $(ptype)"
    done
done
# a body where the route takes none: 403 for a role the table does not list, then 400
check no-body-role-first "403 role" "$(call POST /v1/sweep auditor $T/subpoena.json) $(ptype)"

# ---- NUL bytes: raw or %00, in the path, the query or an id: 400, never cut ------
check nul-path-id "400 invalid" "$(call GET "/v1/requests/$ID%00x" auditor) $(ptype)"
check nul-path-segment "400 invalid" "$(call GET "/v1/requests%00/$ID" auditor) $(ptype)"
check nul-path-unrouted "400 invalid" "$(call GET "/v1/nothing%00" auditor) $(ptype)"
check nul-query-policy "400 invalid" "$(call POST "/v1/requests/check?policy=strict%00x" requester $T/subpoena.json) $(ptype)"
check nul-query-flag "400 invalid" "$(call GET "/v1/requests/$ID?document=true%00" auditor) $(ptype)"
check nul-query-follows "400 invalid" "$(call POST "/v1/requests?follows=$ID%00" requester $T/subpoena.json) $(ptype)"
check nul-query-name "400 invalid" "$(call GET "/v1/ledger/events?fr%00om=1" auditor) $(ptype)"
check nul-public "400 invalid" "$(call GET "/openapi.json%00.html" -) $(ptype)"
check nul-tile "400 invalid" "$(call GET "/v1/ledger/tile/$(tile)%00" -) $(ptype)"
check nul-token-route "400 invalid" "$(call POST "/v1/principals/tok1%00x/token" privacy_officer) $(ptype)"
# raw NUL bytes, which curl cannot send
raw() {
    python3 - "$PORT" "${TOK[auditor]}" "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
target = sys.argv[3].replace("NUL", "\0").encode()
s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + sys.argv[2].encode() + b"\r\nConnection: close\r\n\r\n")
d = b""
while True:
    c = s.recv(65536)
    if not c:
        break
    d += c
head, _, body = d.partition(b"\r\n\r\n")
print(head.split(b" ")[1].decode(), b"urn:sealed:problem:invalid" in body)
PY
}
check nul-raw-path "400 True" "$(raw "/v1/requests/${ID}NULx")"
check nul-raw-query "400 True" "$(raw "/v1/requests?policy=strictNULx")"
check nul-raw-none "200 False" "$(raw "/v1/requests?policy=strict")"
# a NUL in a JSON body's string is no JSON the daemon takes
printf '{"approve": true, "note": "a\\u0000b"}' > $T/nulnote.json
check nul-json-body 400 "$(call POST /v1/requests/$CLOSE/review reviewer $T/nulnote.json)"

# ---- ids match the patterns /openapi.json states -----------------------------------
check id-patterns '^R-[0-9]{6,18}$ ^[RC]-[0-9]{6,18}$ ^C-[0-9]{6,18}$ ^P-R-[0-9]{6,18}$ ^[A-Za-z0-9._:-]{1,128}$' \
    "$(j $T/openapi.json '" ".join(d["paths"][p][m]["parameters"][0]["schema"]["pattern"] for p, m in [("/v1/requests/{id}", "get"), ("/v1/requests/{id}/extend", "post"), ("/v1/covers/{id}/indict", "post"), ("/v1/productions/{pid}", "get"), ("/v1/principals/{id}/token", "post")])')"
check id-request-short '400 invalid' "$(call GET /v1/requests/R-1 auditor) $(ptype)"
check id-request-is-cover '400 invalid' "$(call GET /v1/requests/$CID auditor) $(ptype)"
check id-request-long '400 invalid' "$(call GET /v1/requests/R-$(printf '%0200d' 1) auditor) $(ptype)"
check id-cover-is-request '400 invalid' "$(call POST /v1/covers/$ID/indict requester $T/indict.json) $(ptype)"
check id-production-bare '400 invalid' "$(call GET /v1/productions/$ID privacy_officer) $(ptype)"
check id-well-formed-unknown 404 "$(call GET /v1/requests/R-000999 auditor)"
check id-follows '400 invalid' "$(call POST "/v1/requests?follows=emergency-1" requester $T/subpoena.json) $(ptype)"

# ---- 405 lists the route's methods in Allow -----------------------------------------
allow() { curl -s -o /dev/null -D - -X "$1" "$B$2" | tr -d '\r' | sed -n 's/^Allow: //p'; }
check allow-requests "POST, GET, HEAD" "$(allow DELETE /v1/requests)"
check allow-request "GET, HEAD" "$(allow PUT /v1/requests/$ID)"
check allow-sweep "POST" "$(allow GET /v1/sweep)"
check allow-token "POST" "$(allow GET /v1/principals/tok1/token)"
check allow-status 405 "$(call PATCH /v1/ledger/checkpoint -)"

# ---- tokens through the API: a privacy officer issues, the old one is revoked ------
check token-api 201 "$(call POST /v1/principals/tok1/token privacy_officer)"
T1=$(j $T/body 'd["token"]')
check token-api-principal tok1 "$(j $T/body 'd["principal"]')"
check token-api-len 64 "${#T1}"
check token-api-works 200 "$(curl -s -o $T/me -w '%{http_code}' -H "Authorization: Bearer $T1" $B/v1/me)"
check token-api-me tok1 "$(j $T/me 'd["id"]')"
check token-api-again 201 "$(call POST /v1/principals/tok1/token privacy_officer)"
T2=$(j $T/body 'd["token"]')
check token-api-revoked 401 "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $T1" $B/v1/me)"
check token-api-unknown '404 not-found' "$(call POST /v1/principals/ghost/token privacy_officer) $(ptype)"
for r in requester reviewer auditor subject; do
    check "token-api-as-$r" "403 role" "$(call POST /v1/principals/tok1/token $r) $(ptype)"
done
check token-api-no-store no-store "$(curl -s -o /dev/null -D - -X POST -H "Authorization: Bearer ${TOK[privacy_officer]}" $B/v1/principals/tok1/token | tr -d '\r' | sed -n 's/^Cache-Control: //p')"
if grep -q -e "$T1" -e "$T2" $T/log; then check token-api-not-logged absent present; fi
if grep -rqa -e "$T1" -e "$T2" "$D"; then check token-api-stored-plain no yes; fi

# ---- one writer: the daemon holds the data directory for its whole life ------------
check lock-pid "$PID" "$(tr -d '\n' < $D/lock)"
check second-daemon 1 "$(r=0; "$SD" --data "$D" --listen 127.0.0.1:0 >/dev/null 2>$T/e || r=$?; echo $r)"
check second-daemon-msg "sealed: $D is served by sealed (PID $PID)" "$(cat $T/e)"
size_before=$(sed -n 2p $D/ledger/checkpoint)
busy="sealctl: $D is served by sealed (PID $PID): use the API or stop it"
i=0
while IFS= read -r cmdline; do
    i=$((i + 1))
    # shellcheck disable=SC2086
    check "lock-refused $i $cmdline" "1 $busy" "$(r=0; "$S" --data "$D" --now $NOW $cmdline >$T/o 2>$T/e </dev/null || r=$?; echo "$r $(cat $T/e)")"
    check "lock-refused-quiet $i" "" "$(cat $T/o)"
done <<EOF
token issue aud1
--as po1 principal add late1 --agency usps-pis --role auditor
--as po1 agency add late-pd --name Late --kind local
--as det1 request submit $T/subpoena.json
--as det1 request close $CLOSE
--as po1 request sweep
--as det1 produce $ID --out $T/late-bundle
access --subject email:$SUBJ_EMAIL
shred --yes --account AC-77
retain sweep
reindex
EOF
check lock-refused-log "1 $busy" "$(r=0; echo entry | "$S" log append --dir "$D/ledger" >/dev/null 2>$T/e || r=$?; echo "$r $(cat $T/e)")"
check lock-ledger-unchanged "$size_before" "$(sed -n 2p $D/ledger/checkpoint)"
check lock-no-principal 404 "$(call POST /v1/principals/late1/token privacy_officer)"
# reading needs no lock
check lock-read-stats 0 "$(r=0; "$S" --data "$D" stats >/dev/null 2>&1 || r=$?; echo $r)"
check lock-read-list 0 "$(r=0; "$S" --data "$D" --now $NOW --as aud1 request list >/dev/null 2>&1 || r=$?; echo $r)"
check lock-read-show 0 "$(r=0; "$S" --data "$D" --now $NOW --as aud1 request show $ID >/dev/null 2>&1 || r=$?; echo $r)"
check lock-read-principals 0 "$(r=0; "$S" --data "$D" --now $NOW --as po1 principal list >/dev/null 2>&1 || r=$?; echo $r)"
check lock-read-verify 0 "$(r=0; "$S" log verify --dir "$D/ledger" >/dev/null 2>&1 || r=$?; echo $r)"
check lock-read-config 0 "$(r=0; "$S" --data "$D" config >/dev/null 2>&1 || r=$?; echo $r)"
check lock-read-check 0 "$(r=0; "$S" --data "$D" request check $T/subpoena.json >/dev/null 2>&1 || r=$?; echo $r)"
# the daemon's own ledger reopening (productions, sweeps) still works under the lock
check lock-daemon-sweeps 200 "$(call POST /v1/sweep privacy_officer)"

# ---- bad input ----------------------------------------------------------------
head -c 70000 /dev/zero | tr '\0' ' ' > $T/big.json
check oversized "413 application/problem+json" "$(call POST /v1/requests requester $T/big.json) $(ctype -H "Authorization: Bearer ${TOK[requester]}" --data-binary @$T/big.json $B/v1/requests)"
check oversized-chunked 413 "$(curl -s -o /dev/null -w '%{http_code}' -H 'Transfer-Encoding: chunked' -H "Authorization: Bearer ${TOK[requester]}" --data-binary @$T/big.json $B/v1/requests/check)"
echo '{"agency": ' > $T/bad.json
check malformed "400 malformed-json" "$(call POST /v1/requests requester $T/bad.json) $(ptype)"
check malformed-pointer '"pointer":""' "$(grep -o '"pointer":""' $T/body || true)"
check malformed-review "400 malformed-json" "$(call POST /v1/requests/$ID/review reviewer $T/bad.json) $(ptype)"
echo '{"approve": "yes"}' > $T/r1.json
check review-pointer '400 /approve' "$(call POST /v1/requests/$CLOSE/review reviewer $T/r1.json) $(pointer)"
echo '{"approve": true, "extra": 1}' > $T/r2.json
check review-unknown '400 /extra' "$(call POST /v1/requests/$CLOSE/review reviewer $T/r2.json) $(pointer)"
check review-again 409 "$(call POST /v1/requests/$ID/review reviewer $T/approve.json)"
check policy-file-refused 400 "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${TOK[requester]}" --data-binary @$T/subpoena.json "$B/v1/requests/check?policy=/etc/passwd")"
check no-body-route 400 "$(call POST /v1/sweep privacy_officer $T/subpoena.json)"
big=$(head -c 40000 /dev/zero | tr '\0' x)
st=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $big" $B/openapi.json || true)
check oversized-header 431 "$st"

# ---- the policy of record (issue 11): GET and PUT /v1/policy ------------------
SRC=$(cd "$(dirname "$0")/.." && pwd)
sha_of() { "$S" policy show "$1" | sed -n 's/.*"sha256": "\([^"]*\)".*/\1/p'; }
CFR_SHA=$(sha_of cfr-233)
STRICT_SHA=$(sha_of strict)
check policy-get 200 "$(call GET /v1/policy auditor)"
check policy-get-body "{\"name\": \"cfr-233\", \"sha256\": \"$CFR_SHA\"}" "$(cat $T/body)"
echo '{"policy": "strict"}' > $T/strict.json
check policy-put-requester '403 role' "$(call PUT /v1/policy requester $T/strict.json) $(ptype)"
check policy-put-reviewer 403 "$(call PUT /v1/policy reviewer $T/strict.json)"
check policy-put-unknown '400 /policy' "$(call PUT /v1/policy privacy_officer <(echo '{"policy": "lax"}')) $(pointer)"
check policy-put-file '400 /policy' "$(call PUT /v1/policy privacy_officer <(echo '{"policy": "/etc/passwd"}')) $(pointer)"
check policy-put-bad-doc '400 invalid' "$(call PUT /v1/policy privacy_officer <(echo '{"name": "x", "version": 1}')) $(ptype)"
check policy-put-malformed '400 malformed-json' "$(call PUT /v1/policy privacy_officer $T/bad.json) $(ptype)"
call GET /v1/policy auditor >/dev/null
check policy-unchanged-by-refusals "{\"name\": \"cfr-233\", \"sha256\": \"$CFR_SHA\"}" "$(cat $T/body)"
check policy-put 200 "$(call PUT /v1/policy privacy_officer $T/strict.json)"
check policy-put-body "{\"name\": \"strict\", \"sha256\": \"$STRICT_SHA\", \"previous\": \"$CFR_SHA\", \"changed\": true}" "$(cat $T/body)"
find "$D/ledger/tile/entries" -type f -exec cat {} + > "$T/entries"
has policy-put-event '"ids":{"actor":"po1","new":"'$STRICT_SHA'","old":"'$CFR_SHA'","policy":"strict"}' "$T/entries"
check policy-file-replaced "$STRICT_SHA" "$(sha256sum "$D/policy.json" | cut -c1-64)"
# a submission now is checked under strict: the unsigned cover is refused
check after-put 201 "$(call POST /v1/requests requester $T/cover.json)"
has after-put-strict '"decision": "refused", "policy": {"name": "strict"' $T/body
# ... and the check's default follows the policy of record too
check after-put-check 200 "$(call POST /v1/requests/check reviewer $T/cover.json)"
has after-put-check-strict '"policy": {"name": "strict"' $T/body
# the policy document itself as the body
check policy-put-doc 200 "$(call PUT /v1/policy privacy_officer "$SRC/policies/cfr-233.json")"
has policy-put-doc-body "\"sha256\": \"$CFR_SHA\", \"previous\": \"$STRICT_SHA\", \"changed\": true" $T/body
# a directory whose policy file was edited by hand: the daemon does not start
"$S" --data "$T/tam" init >/dev/null
cp "$SRC/policies/cfr-233.json" "$T/tam/policy.json"
rc=0; SEALED_NOW=$NOW timeout 20 "$SD" --data "$T/tam" --listen 127.0.0.1:0 >"$T/tam.out" 2>"$T/tam.err" || rc=$?
check daemon-tampered 1 "$rc"
has daemon-tampered-msg "$T/tam: the policy of record changed outside .sealctl policy set. (hash $CFR_SHA, ledger says $STRICT_SHA)" "$T/tam.err"

# ---- the access log: ids and templates only -------------------------------------
has_log=$(grep -c 'access method=POST route=/v1/requests/{id}/review status=200 principal=rev1' $T/log || true)
check access-log-line yes "$([ "$has_log" -ge 1 ] && echo yes || echo no)"
for needle in "${TOK[requester]}" "${TOK[subject]}" "Tamber" "Drovenko" "127.0.0.1" "$ID" "policy=" "X-Big" \
    "$SUBJ_EMAIL" "AC-77" "particular and lawful" "index="; do
    if grep -q -- "$needle" $T/log; then check "log-free-of $needle" absent present; fi
done

# ---- graceful shutdown: a slow request in flight still gets its answer -------
head -c 30000 /dev/zero | tr '\0' ' ' > $T/slow.json
cat $T/subpoena.json >> $T/slow.json
curl -s -o $T/slow.out -w '%{http_code}' --limit-rate 20k -H "Authorization: Bearer ${TOK[reviewer]}" \
    --data-binary @$T/slow.json $B/v1/requests/check > $T/slow.status &
CURL=$!
sleep 0.5
kill -TERM $PID
rc=0; wait $PID || rc=$?
PID=
wait $CURL || true
check sigterm-exit 0 "$rc"
check sigterm-inflight-answered 200 "$(cat $T/slow.status)"
check sigterm-refuses-new 000 "$(curl -s -o /dev/null -w '%{http_code}' $B/openapi.json || true)"
"$S" log inclusion --dir "$D/ledger" 3 9 > $T/incl.cli
check inclusion-as-sealctl "$(canon $T/incl.cli)" "$(cat $T/incl.api)"
"$S" log consistency --dir "$D/ledger" 4 11 > $T/cons.cli
check consistency-as-sealctl "$(canon $T/cons.cli)" "$(cat $T/cons.api)"
check ledger-verifies-offline 0 "$(r=0; "$S" log verify --dir "$D/ledger" >/dev/null 2>&1 || r=$?; echo $r)"
"$S" --data "$D" --now $NOW access --subject "email:$SUBJ_EMAIL" --subject account:AC-77 > $T/access.cli
check access-as-sealctl "$(canon $T/access.cli)" "$(canon $T/access.api)"
check lock-freed 0 "$(r=0; A po1 agency add lockfree-pd --name 'After the daemon' --kind local || r=$?; echo $r)"
check lock-pid-cleared 0 "$(wc -c < $D/lock)"

# ---- rate limits: per principal, per address without a token, 429 + Retry-After ----
start --rate 1 --burst 3 --public-rate 1 --public-burst 2
# one curl, one connection: the four requests arrive within milliseconds
codes=$(curl -s -w '%{http_code} ' -H "Authorization: Bearer ${TOK[auditor]}" -o /dev/null $B/v1/me \
    -o /dev/null $B/v1/me -o /dev/null $B/v1/me -o /dev/null $B/v1/me)
check rate-principal "200 200 200 429 " "$codes"
check rate-problem "429 rate-limited application/problem+json" "$(call GET /v1/me auditor) $(ptype) $(ctype -H "Authorization: Bearer ${TOK[auditor]}" $B/v1/me)"
check rate-retry-after 1 "$(curl -s -D - -o /dev/null -H "Authorization: Bearer ${TOK[auditor]}" $B/v1/me | tr -d '\r' | sed -n 's/^Retry-After: //p')"
check rate-other-principal 200 "$(call GET /v1/me reviewer)"
codes=$(curl -s -w '%{http_code} ' -o /dev/null $B/openapi.json -o /dev/null $B/openapi.json \
    -o /dev/null $B/openapi.json)
check rate-address "200 200 429 " "$codes"
check rate-address-no-token 429 "$(call GET /v1/requests -)"
sleep 1.1
check rate-refills 200 "$(call GET /v1/me auditor)"
stop; check rate-exit 0 "$RC"

# ---- TLS: a throwaway certificate; then client certificates -----------------------
if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=sealed-test \
    -addext subjectAltName=IP:127.0.0.1 -keyout $T/key.pem -out $T/cert.pem 2>/dev/null; then
    start --tls-cert $T/cert.pem --tls-key $T/key.pem
    check tls-url "https://127.0.0.1" "$(sed -n 's|.*\(https://127.0.0.1\).*|\1|p' $T/out)"
    check tls-openapi 200 "$(curl -s -o /dev/null -w '%{http_code}' --cacert $T/cert.pem https://127.0.0.1:$PORT/openapi.json)"
    check tls-token 200 "$(curl -s -o /dev/null -w '%{http_code}' --cacert $T/cert.pem -H "Authorization: Bearer ${TOK[auditor]}" https://127.0.0.1:$PORT/v1/me)"
    check tls-no-plain 000 "$(curl -s -o /dev/null -w '%{http_code}' -m 2 http://127.0.0.1:$PORT/openapi.json || true)"
    stop; check tls-exit 0 "$RC"
    # a client CA and a client certificate it signed
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=sealed-test-ca \
        -keyout $T/ca.key -out $T/ca.pem 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=client -keyout $T/client.key -out $T/client.csr 2>/dev/null
    openssl x509 -req -in $T/client.csr -CA $T/ca.pem -CAkey $T/ca.key -CAcreateserial -days 2 -out $T/client.pem 2>/dev/null
    start --tls-cert $T/cert.pem --tls-key $T/key.pem --tls-client-ca $T/ca.pem
    curl -s -o $T/body -w '%{http_code}' --cacert $T/cert.pem https://127.0.0.1:$PORT/openapi.json > $T/st || true
    check tls-client-missing "403 client-certificate" "$(cat $T/st) $(ptype)"
    check tls-client-ok 200 "$(curl -s -o /dev/null -w '%{http_code}' --cacert $T/cert.pem --cert $T/client.pem --key $T/client.key https://127.0.0.1:$PORT/openapi.json)"
    # a certificate the CA did not sign
    check tls-client-wrong 403 "$(curl -s -o /dev/null -w '%{http_code}' --cacert $T/cert.pem --cert $T/cert.pem --key $T/key.pem https://127.0.0.1:$PORT/openapi.json || true)"
    stop; check tls-client-exit 0 "$RC"
    check tls-bad-pem 1 "$(r=0; "$SD" --data "$D" --listen 127.0.0.1:0 --tls-cert $T/subpoena.json --tls-key $T/key.pem >/dev/null 2>$T/e || r=$?; echo $r)"
    check tls-half 1 "$(r=0; "$SD" --data "$D" --listen 127.0.0.1:0 --tls-cert $T/cert.pem >/dev/null 2>&1 || r=$?; echo $r)"
else
    check openssl-available yes no
fi

# ---- help, usage ---------------------------------------------------------------
check help-exit 0 "$("$SD" --help >$T/help; echo $?)"
for w in --listen --data --config --max-body --rate --burst --public-rate --tls-cert --tls-client-ca SIGTERM SEALED_DATA 'exit status'; do
    grep -q -- "$w" $T/help || check "help-mentions $w" yes no
done
check usage-exit 2 "$(r=0; "$SD" --bogus 2>/dev/null || r=$?; echo $r)"
check bad-number 2 "$(r=0; "$SD" --max-body 12 2>/dev/null || r=$?; echo $r)"
printf '# test settings\nmax-body = 1024\nlisten = 127.0.0.1:0\ntimeout = 1\n' > $T/conf
start --config $T/conf
head -c 2000 /dev/zero | tr '\0' ' ' > $T/mid.json
check config-file-limit 413 "$(call POST /v1/requests/check requester $T/mid.json)"
# a slow client cannot hold a worker: 900 bytes at 100 B/s are cut off
head -c 900 /dev/zero | tr '\0' ' ' > $T/drip.json
out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --limit-rate 100 \
    -H "Authorization: Bearer ${TOK[requester]}" --data-binary @$T/drip.json $B/v1/requests/check || true)
check slow-client-cut "000 yes" "${out%% *} $(awk -v t="${out##* }" 'BEGIN { print (t < 6) ? "yes" : "no (" t "s)" }')"
check after-slow-client 200 "$(call GET /openapi.json -)"
stop; check config-exit 0 "$RC"
check bad-data-dir 1 "$(r=0; "$SD" --data $T/nowhere --listen 127.0.0.1:0 >/dev/null 2>&1 || r=$?; echo $r)"

echo "server_api: $pass passed, $fails failed"
[ $fails -eq 0 ]
