#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end: the sealed daemon over real HTTP (issue 7, phase 1). Starts it
# on a free loopback port with a temporary data directory, issues a token
# per role, then: walks /openapi.json and calls every path it lists (and
# checks it lists exactly the implemented ones); walks every role x every
# endpoint against the authorization table written out below (and checks
# the document's x-roles say the same); refuses every non-public route
# without a token or with a bad one; 413 problem+json for an oversized body,
# 400 with a pointer for malformed JSON, 431 for an oversized header, a
# slow client cut off after the timeout, settings from --config; the
# access log holds no token, query string or address; SIGTERM while a slow
# request is in flight lets it finish and exits 0. All data is made up.
set -euo pipefail
S=${SEALCTL:?}
SD=${SEAL_BUILD_DIR:?}/sealed
T=$(mktemp -d)
D=$T/data
PID=
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
fails=0
pass=0
check() { # name expected actual
    if [ "$2" == "$3" ]; then pass=$((pass + 1)); else
        fails=$((fails + 1)); printf 'FAIL %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3"; fi
}
NOW=2026-11-24
A() { "$S" --data "$D" --now "$NOW" --as "$@" >/dev/null; }

# ---- a data directory with one principal per role ---------------------------
"$S" --data "$D" init >/dev/null
"$S" --data "$D" --now $NOW agency add usps-pis --name 'Inspection HQ' --kind federal --inspection-service >/dev/null
"$S" --data "$D" --now $NOW principal add po1 --agency usps-pis --role privacy_officer >/dev/null
A po1 agency add quellford-pd --name 'Quellford PD' --kind local
ROLES="requester reviewer cover_approver hq_approver privacy_officer issuer auditor subject"
declare -A WHO=([requester]=det1 [reviewer]=rev1 [cover_approver]=ca1 [hq_approver]=hq1
    [privacy_officer]=po1 [issuer]=iss1 [auditor]=aud1 [subject]=sub1)
declare -A TOK
for r in $ROLES; do
    p=${WHO[$r]}
    ag=usps-pis; [ "$r" = requester ] && ag=quellford-pd
    [ "$p" = po1 ] || A po1 principal add "$p" --agency $ag --role "$r"
    TOK[$r]=$("$S" --data "$D" token issue "$p")
    check "token-$r-len" 64 "${#TOK[$r]}"
done
# the second token of a principal replaces the first
old=$("$S" --data "$D" token issue aud1)
TOK[auditor]=$("$S" --data "$D" token issue aud1)
check token-unknown-principal 1 "$(r=0; "$S" --data "$D" token issue ghost >/dev/null 2>&1 || r=$?; echo $r)"
if grep -rqa "${TOK[requester]}" "$D"; then check token-stored-plain no yes; fi

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

# ---- start ------------------------------------------------------------------
start() {
    : > "$T/out"
    SEALED_NOW=$NOW "$SD" --data "$D" --listen 127.0.0.1:0 "$@" >"$T/out" 2>>"$T/log" &
    PID=$!
    for _ in $(seq 100); do grep -q listening "$T/out" && break; sleep 0.05; done
    PORT=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$T/out")
    B=http://127.0.0.1:$PORT
}
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

# ---- the authorization table, as this test expects it ------------------------
# route | roles that may call it ("public": no token)
STAFF="requester reviewer cover_approver hq_approver privacy_officer"
declare -A ALLOW=(
    ["GET /openapi.json"]=public
    ["POST /v1/requests/check"]="$STAFF"
    ["POST /v1/requests"]="requester"
    ["GET /v1/requests"]="$STAFF auditor"
    ["GET /v1/requests/{id}"]="$STAFF auditor"
    ["POST /v1/requests/{id}/review"]="reviewer cover_approver hq_approver"
    ["GET /v1/ledger/checkpoint"]=public
    ["GET /v1/ledger/tile/{tile}"]=public
)
curl -s "$B/openapi.json" > $T/openapi.json
python3 - "$T/openapi.json" > $T/ops <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["openapi"].startswith("3."), "not OpenAPI 3"
for path, item in d["paths"].items():
    for m, op in item.items():
        ok = [c for c in op["responses"] if c.startswith("2")][0]
        roles = " ".join(op["x-roles"]) if op["security"] else "public"
        print(f"{m.upper()}|{path}|{ok}|{roles}")
PY
check openapi-count "${#ALLOW[@]}" "$(wc -l < $T/ops)"
while IFS='|' read -r m p ok roles; do
    check "openapi-roles $m $p" "${ALLOW["$m $p"]:-missing}" "$roles"
done < $T/ops

# ---- walk the OpenAPI document: every path answers its success status -------
check submit-for-walk 201 "$(call POST /v1/requests requester $T/subpoena.json)"
ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' $T/body)
check submit-location "/v1/requests/R-" "$(curl -s -o /dev/null -D - -H "Authorization: Bearer ${TOK[requester]}" --data-binary @$T/subpoena.json $B/v1/requests | tr -d '\r' | sed -n 's/^Location: \(.\{15\}\).*/\1/p')"
# a tile that exists now (a wider partial tile replaces a narrower one)
tile() { (cd "$D/ledger/tile" && find . -type f | sort | head -1 | sed 's|^\./||'); }
echo '{"approve": true, "note": "particular and lawful"}' > $T/approve.json
while IFS='|' read -r m p ok roles; do
    url=${p//\{id\}/$ID}; url=${url//\{tile\}/$(tile)}
    who=-; [ "$roles" != public ] && who=${roles%% *}
    body=
    case "$m $p" in
    "POST /v1/requests/check" | "POST /v1/requests") body=$T/subpoena.json ;;
    "POST /v1/requests/{id}/review") who=reviewer; body=$T/approve.json ;;
    esac
    check "walk $m $p" "$ok" "$(call "$m" "$url" "$who" $body)"
    [[ $p == *review ]] && check walk-approved '"state":"active"' "$(tr -d ' ' < $T/body | grep -o '"state":"active"' || true)"
done < $T/ops
call GET /v1/requests/check requester >/dev/null || true
check check-decision review "$(call POST /v1/requests/check requester $T/subpoena.json >/dev/null; python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["decision"])' $T/body)"
check check-compare 2 "$(curl -s -H "Authorization: Bearer ${TOK[reviewer]}" --data-binary @$T/subpoena.json "$B/v1/requests/check?compare=true" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["decisions"]))')"
check checkpoint-ctype "text/plain; charset=utf-8" "$(ctype $B/v1/ledger/checkpoint)"
TILE=$(tile)
check tile-bytes "$(wc -c < "$D/ledger/tile/$TILE")" "$(curl -s $B/v1/ledger/tile/$TILE | wc -c)"
check tile-not-a-path 404 "$(call GET '/v1/ledger/tile/0/..%2f..%2fkey' -)"
check tile-key 404 "$(call GET /v1/ledger/tile/entries/key -)"

# ---- every role x every endpoint --------------------------------------------
echo '{"approve": false}' > $T/deny.json
for key in "${!ALLOW[@]}"; do
    m=${key%% *}; p=${key#* }
    body=
    [ "$m" = POST ] && body=$T/subpoena.json
    [[ $p == *review ]] && body=$T/deny.json
    for r in $ROLES -; do
        url=${p//\{id\}/$ID}; url=${url//\{tile\}/$(tile)}
        [ "$r" = - ] && break
        st=$(call "$m" "$url" "$r" $body)
        type=$(sed -n 's/.*"type":"urn:sealed:problem:\([a-z-]*\)".*/\1/p' $T/body)
        if [ "${ALLOW[$key]}" = public ] || [[ " ${ALLOW[$key]} " == *" $r "* ]]; then
            got=allowed; { [ "$st" = 401 ] || [ "$type" = role ]; } && got="$st $type"
            check "authz $key as $r" allowed "$got"
        else
            check "authz $key as $r" "403 role" "$st $type"
        fi
    done
    # no token, and a wrong one
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
check malformed "400" "$(call POST /v1/requests requester $T/bad.json)"
check malformed-pointer '"pointer":""' "$(grep -o '"pointer":""' $T/body || true)"
echo '{"approve": "yes"}' > $T/r1.json
check review-pointer '400 /approve' "$(call POST /v1/requests/$ID/review reviewer $T/r1.json) $(sed -n 's/.*"pointer":"\([^"]*\)".*/\1/p' $T/body)"
echo '{"approve": true, "extra": 1}' > $T/r2.json
check review-unknown '400 /extra' "$(call POST /v1/requests/$ID/review reviewer $T/r2.json) $(sed -n 's/.*"pointer":"\([^"]*\)".*/\1/p' $T/body)"
check review-again 409 "$(call POST /v1/requests/$ID/review reviewer $T/approve.json)"
check policy-file-refused 400 "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${TOK[requester]}" --data-binary @$T/subpoena.json "$B/v1/requests/check?policy=/etc/passwd")"
big=$(head -c 40000 /dev/zero | tr '\0' x)
st=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $big" $B/openapi.json || true)
check oversized-header 431 "$st"

# ---- the access log: ids and templates only -------------------------------------
has_log=$(grep -c 'access method=POST route=/v1/requests/{id}/review status=200 principal=rev1' $T/log || true)
check access-log-line yes "$([ "$has_log" -ge 1 ] && echo yes || echo no)"
for needle in "${TOK[requester]}" "Tamber" "Drovenko" "127.0.0.1" "$ID" "policy=" "X-Big"; do
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

# ---- help, usage ---------------------------------------------------------------
check help-exit 0 "$("$SD" --help >$T/help; echo $?)"
for w in --listen --data --config --max-body SIGTERM SEALED_DATA 'exit status'; do
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
kill -TERM $PID; rc=0; wait $PID || rc=$?; PID=
check config-exit 0 "$rc"
check bad-data-dir 1 "$(r=0; "$SD" --data $T/nowhere --listen 127.0.0.1:0 >/dev/null 2>&1 || r=$?; echo $r)"

echo "server_api: $pass passed, $fails failed"
[ $fails -eq 0 ]
