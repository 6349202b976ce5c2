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
"$S" --data "$D" --now 2026-01-01 init --test-clock >/dev/null
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
    ["GET /v1/requests"]="$STAFF auditor"
    ["GET /v1/requests/{id}"]="$STAFF auditor"
    ["POST /v1/requests/{id}/review"]="reviewer cover_approver hq_approver"
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
check cover-submit 201 "$(call POST '/v1/requests?policy=cfr-233' requester $T/cover.json)"
COV=$(j $T/body 'd["id"]')
check cover-approve 200 "$(call POST /v1/requests/$COV/review cover_approver <(echo '{"approve": true}'))"
CID=$(call GET /v1/requests/$COV auditor >/dev/null; j $T/body 'd["cover"]')
check cover-id C-000001 "$CID"
check pres-submit 201 "$(call POST /v1/requests requester $T/preservation.json)"
PRES=$(j $T/body 'd["id"]')
check pres-approve 200 "$(call POST /v1/requests/$PRES/review reviewer <(echo '{"approve": true}'))"
check toclose-submit 201 "$(call POST /v1/requests requester $T/subpoena.json)"
CLOSE=$(j $T/body 'd["id"]')

# ---- walk the OpenAPI document: every path answers its success status -------
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
    "POST /v1/requests/{id}/extend") body=$T/extension.json; url="${url//\{id\}/$CID}?policy=cfr-233" ;;
    "POST /v1/requests/{id}/close") url=${url//\{id\}/$CLOSE} ;;
    "POST /v1/requests/{id}/renew") url=${url//\{id\}/$PRES} ;;
    "POST /v1/covers/{id}/indict") body=$T/indict.json; url=${url//\{id\}/$CID} ;;
    "GET /v1/covers") who=cover_approver ;;
    "GET /v1/ledger/events") who=auditor ;;
    "GET /v1/ledger/proof/inclusion") url="$url?index=1" ;;
    "GET /v1/ledger/proof/consistency") url="$url?old=2&new=5" ;;
    esac
    url=${url//\{id\}/$ID}
    check "walk $m $p" "$ok" "$(call "$m" "$url" "$who" $body)"
    cp $T/body "$T/walk.x.$(echo "$m $p" | tr -c 'a-z' _)"
done < $T/ops
w() { cat "$T/walk.x.$(echo "$1" | tr -c 'a-z' _)"; }
check walk-me '{"id":"det1","agency":"quellford-pd","roles":["requester"],"valid_from":null,"valid_until":null,"test_clock":true}' "$(w 'GET /v1/me')"
check walk-approved '"state":"active"' "$(w 'POST /v1/requests/{id}/review' | tr -d ' ' | grep -o '"state":"active"' || true)"
check walk-extend-state review "$(w 'POST /v1/requests/{id}/extend' | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')"
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
check extend-by-request 201 "$(call POST "/v1/requests/$COV/extend?policy=cfr-233" requester $T/extension.json)"
check renew-twice 422 "$(call POST /v1/requests/$PRES/renew requester)"
check close-twice 409 "$(call POST /v1/requests/$CLOSE/close requester)"
check close-other-agency '403 permission' "$(call POST /v1/requests/$ID/close other) $(ptype)"
check sweep-report '"actions"' "$(call POST /v1/sweep privacy_officer >/dev/null; grep -o '"actions"' $T/body)"
check indict-bad-date '400 /date' "$(call POST /v1/covers/$CID/indict requester <(echo '{"date": "soon"}')) $(pointer)"
check indict-unknown-field '400 /when' "$(call POST /v1/covers/$CID/indict requester <(echo '{"date": "2026-11-24", "when": 1}')) $(pointer)"

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
check production-build-dir-hidden 404 "$(call GET /v1/productions/.build-R-000001 privacy_officer)"
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
"$S" --data "$D" --now $NOW access --subject "email:$SUBJ_EMAIL" --subject account:AC-77 > $T/access.cli
check access-as-sealctl "$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), sort_keys=True))' $T/access.cli)" "$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), sort_keys=True))' $T/body)"
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
