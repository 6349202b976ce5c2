#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end: emergencies (PA-7, MC-9, issue 11) through sealctl and the
# daemon, under strict and cfr-233, the attacker next to the lawful case:
# the emergency limits (subjects, a window ending by the day it is asked,
# the purposes and categories each policy allows); the follow-up duty that
# survives closing after a production and the basis's expiry, but not a
# close before any production; a follow-up refused as one when it misses a
# subject, a category, part of the window, comes from another agency or
# late, the proper one confirming; a denied follow-up a violation at once;
# productions withheld while the follow-up is in review and quarantined
# after a violation (410 problem+json, a clear CLI error, not listed);
# produce itself checking the deadline with no sweep run; the daemon's own
# sweep at start marking a past-deadline emergency with nobody running one,
# one request.sweep event per run; the violation shown to the requesting
# agency. All data is made up.
set -euo pipefail
S=${SEALCTL:?}
SD=${SEAL_BUILD_DIR:?}/sealed
T=$(mktemp -d)
D=$T/data
PID=
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
. "$(dirname "$0")/support/check.sh"
field() { sed -n "s/.*\"$1\": \"\\([^\"]*\\)\".*/\\1/p" "$T/out" | head -1; }
codes() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join(r["code"] + "@" + r["pointer"] for r in d.get("decision", d)["reasons"] if r.get("severity", "refuse") != "note" and not r["code"].startswith(("review", "emergency.follow_up"))))' "$T/out"; }
NOW=2026-11-24
A() { "$S" --data "$D" --now "$NOW" --as "$@"; }
AT() { local t=$1; shift; "$S" --data "$D" --now "$t" --as "$@"; }

# fresh: a new data directory with the registry. A test clock never goes
# back, so each section whose story restarts at $NOW gets its own.
N=0
fresh() {
    N=$((N + 1)); D=$T/data$N
    "$S" --data "$D" --now 2026-01-01 init --test-clock >/dev/null
    cat > $T/account.ndjson <<'J'
{"account_id":"AC-1","name":"Orlen Vasquiel","opened_at":"2026-11-03T04:05:06Z","email":"orlen.v@post.example","phone":"555-213-7788","mailing_address":"221 S Tamber St Apt 2, Quellford MN 55001"}
{"account_id":"AC-2","name":"Ima Drovenko","opened_at":"2026-11-04T04:05:06Z","email":"ima.d@post.example","mailing_address":"19 Wexley Rd, Brantmoor VT 05001"}
J
    "$S" --data "$D" ingest account $T/account.ndjson >/dev/null
    "$S" --data "$D" --now $NOW agency add usps-pis --name 'Inspection HQ' --kind federal --inspection-service >/dev/null
    "$S" --data "$D" --now $NOW principal add po1 --agency usps-pis --role privacy_officer >/dev/null
    A po1 agency add brantmoor-sheriff --name 'Brantmoor Sheriff' --kind local >/dev/null
    A po1 agency add quellford-pd --name 'Quellford PD' --kind local >/dev/null
    A po1 principal add sgt1 --agency brantmoor-sheriff --role requester >/dev/null
    A po1 principal add det1 --agency quellford-pd --role requester >/dev/null
    A po1 principal add rev1 --agency usps-pis --role reviewer >/dev/null
    A po1 principal add aud1 --agency usps-pis --role auditor >/dev/null
}
fresh

# doc OUT [key=value ...]: an emergency (or, with type=..., its follow-up)
doc() {
    local out=$1; shift
    python3 - "$out" "$@" <<'PY'
import json, sys
d = {"agency": "brantmoor-sheriff", "official": "Sgt. P. Orlo",
     "legal_basis": {"type": "emergency", "reference": "E-2026-3", "issued_by": "Brantmoor Sheriff",
                     "issued_at": "2026-11-23T00:00:00Z", "expires_at": "2026-11-30T00:00:00Z",
                     "facts": "A missing child was last seen with the account holder; the account's contact data may locate them tonight."},
     "purpose": {"activity": "health_safety"},
     "subjects": [{"type": "account", "value": "AC-1"}],
     "categories": ["contact"],
     "window": {"from": "2026-11-01", "to": "2026-11-23"},
     "emergency": {"attestation": "A child of six is missing since noon and is in danger of serious injury; the holder was the last person seen with the child."}}
for kv in sys.argv[2:]:
    k, v = kv.split("=", 1)
    if k == "subjects":
        d["subjects"] = [{"type": "account", "value": x} for x in v.split(",")]
    elif k == "categories":
        d["categories"] = v.split(",")
    elif k == "from":
        d["window"]["from"] = v
    elif k == "to":
        d["window"]["to"] = v
    elif k == "purpose":
        d["purpose"] = {"activity": v}
        if v == "criminal_investigation":
            d["purpose"]["offense"] = "18 USC 1201"
    elif k == "agency":
        d["agency"] = v
    elif k == "expires":
        d["legal_basis"]["expires_at"] = v
    elif k == "type":
        d["legal_basis"]["type"] = v
        d["legal_basis"]["reference"] = "GJ-2026-131"
        d["legal_basis"]["expires_at"] = "2027-02-19T00:00:00Z"
        d.pop("emergency", None)
json.dump(d, open(sys.argv[1], "w"))
PY
}
# submit AS FILE [OPTIONS]: prints "rc state" (a refusal is a decision:
# exit 0, state refused); the id in $T/out
# each submission its own legal basis (a basis serves one request, PA-2):
# the reference gets a fresh number; a follow-up keeps the document's
uniq_ref() { # FILE -> a copy with a fresh reference (a counter file: callers are subshells)
    [ -f "$1" ] || { echo "$1"; return; }
    local SEQ=$(($(cat "$T/seq" 2>/dev/null || echo 0) + 1))
    echo $SEQ > "$T/seq"
    sed "s/\"reference\": \"\([^\"]*\)\"/\"reference\": \"\1-$SEQ\"/" "$1" > "$1.$SEQ"
    echo "$1.$SEQ"
}
submit() {
    local who=$1 f=$2; shift 2
    local r
    f=$(uniq_ref "$f")
    r=$(rc A "$who" request submit "$@" "$f")
    echo "$r $(field state)"
}

# ---- PA-7 limits under strict (the default) --------------------------------
doc $T/e2.json subjects=AC-1,AC-2
check strict-two-subjects "0 refused" "$(submit sgt1 $T/e2.json)"
check strict-two-subjects-why "emergency.subjects_too_many@/subjects" "$(codes)"
doc $T/e1.json
check strict-one-subject "0 active" "$(submit sgt1 $T/e1.json)"
doc $T/w31.json from=2026-10-25 to=2026-11-24
check strict-window-31 "0 refused" "$(submit sgt1 $T/w31.json)"
check strict-window-31-why "emergency.window_too_long@/window/from" "$(codes)"
doc $T/w30.json from=2026-10-26 to=2026-11-24
check strict-window-30 "0 active" "$(submit sgt1 $T/w30.json)"
doc $T/wf.json from=2026-11-20 to=2026-11-25
check strict-window-future "0 refused" "$(submit sgt1 $T/wf.json)"
check strict-window-future-why "emergency.window_future@/window/to" "$(codes)"
doc $T/ci.json purpose=criminal_investigation
check strict-criminal "0 refused" "$(submit sgt1 $T/ci.json)"
check strict-criminal-why "purpose.basis@/legal_basis/type" "$(codes)"
doc $T/fu.json purpose=fugitive
check strict-fugitive "0 refused" "$(submit sgt1 $T/fu.json)"
check strict-fugitive-why "purpose.basis@/legal_basis/type" "$(codes)"
doc $T/pd.json categories=contact,payment_detail
check strict-payment-detail "0 refused" "$(submit sgt1 $T/pd.json)"
check strict-payment-detail-why "category.locked@/categories/1" "$(codes)"
doc $T/tr.json categories=identity,contact,network_session,tracking
check strict-tracking "0 active" "$(submit sgt1 $T/tr.json)"

# ---- and under cfr-233, where they differ -----------------------------------
A po1 policy set cfr-233 >/dev/null
C=
doc $T/c3.json subjects=AC-1,AC-2,AC-3
check cfr-three-subjects "0 active" "$(submit sgt1 $T/c3.json $C)"
doc $T/c4.json subjects=AC-1,AC-2,AC-3,AC-4
check cfr-four-subjects "0 refused" "$(submit sgt1 $T/c4.json $C)"
check cfr-four-subjects-why "emergency.subjects_too_many@/subjects" "$(codes)"
doc $T/c90.json from=2026-08-27 to=2026-11-24
check cfr-window-90 "0 active" "$(submit sgt1 $T/c90.json $C)"
doc $T/c91.json from=2026-08-26 to=2026-11-24
check cfr-window-91 "0 refused" "$(submit sgt1 $T/c91.json $C)"
check cfr-window-91-why "emergency.window_too_long@/window/from" "$(codes)"
check cfr-fugitive "0 active" "$(submit sgt1 $T/fu.json $C)"
check cfr-criminal "0 refused" "$(submit sgt1 $T/ci.json $C)"
check cfr-criminal-why "purpose.basis@/legal_basis/type" "$(codes)"
check cfr-payment-detail "0 active" "$(submit sgt1 $T/pd.json $C)"
check cfr-window-future "0 refused" "$(submit sgt1 $T/wf.json $C)"
check cfr-window-future-why "emergency.window_future@/window/to" "$(codes)"
A po1 policy set strict >/dev/null

# ---- the follow-up duty survives close and expiry (strict) -------------------
# follow-up due 48 hours after submission: 2026-11-26T00:00:00Z
submit sgt1 $T/e1.json >/dev/null; EP=$(field id)        # produced, then closed
check produce-emergency 0 "$(rc A rev1 produce $EP --out $T/bp)"
A sgt1 request show $EP > $T/out
has produced-flag '"produced": true, "duty": true' "$T/out"
check close-after-produce 0 "$(rc A sgt1 request close $EP)"
submit sgt1 $T/e1.json >/dev/null; EC=$(field id)        # closed before any production
check close-before-produce 0 "$(rc A sgt1 request close $EC)"
A sgt1 request show $EC > $T/out
has closed-no-duty '"produced": false, "duty": false' "$T/out"
doc $T/ex.json expires=2026-11-25T00:00:00Z
submit sgt1 $T/ex.json >/dev/null; EX=$(field id)        # its basis expires first
check expire-sweep 0 "$(rc AT 2026-11-25T12:00:00Z aud1 request sweep)"
has expire-expired "{\"request\": \"$EX\", \"action\": \"expired\", \"rule\": \"PA-2\"}" "$T/out"
# produce checks the deadline itself: no sweep has run since it passed
check produce-overdue-no-sweep 1 "$(rc AT 2026-11-26T01:00:00Z rev1 produce $EX --out $T/bx)"
has produce-overdue-msg "request $EX: its productions are withheld: follow_up_overdue (PA-7)" "$T/err"
check late-sweep 0 "$(rc AT 2026-11-27 aud1 request sweep)"
has late-produced-closed "{\"request\": \"$EP\", \"action\": \"violation\", \"rule\": \"PA-7\"}" "$T/out"
has late-expired "{\"request\": \"$EX\", \"action\": \"violation\", \"rule\": \"PA-7\"}" "$T/out"
hasnt late-closed-unproduced "\"$EC\"" "$T/out"
AT 2026-11-27 sgt1 request show $EP > $T/out
check produced-closed-violation violation "$(field state)"
has violation-notice '"violation": {"rule": "PA-7", "why": "no_follow_up", "message": "no proper process confirmed this emergency by its deadline' "$T/out"
AT 2026-11-27 sgt1 request show $EC > $T/out
check closed-unproduced-closed closed "$(field state)"
AT 2026-11-27 sgt1 request list > $T/out
has list-notice "\"id\": \"$EX\", \"agency\": \"brantmoor-sheriff\".*\"violation\": {\"rule\": \"PA-7\", \"why\": \"no_follow_up\"" "$T/out"
check produce-quarantined 1 "$(rc AT 2026-11-27 rev1 produce $EX --out $T/bx)"
has produce-quarantined-msg "request $EX: its productions are withheld: quarantined (PA-7)" "$T/err"
[ -e $T/bx ] && check produce-quarantined-nothing-written no yes

# ---- follow-ups: only the proper process for the same disclosure ------------
fresh
doc $T/ef.json subjects=AC-1 categories=contact,identity
submit sgt1 $T/ef.json >/dev/null; EF=$(field id)
fu() { # name expected-codes doc-args... : a follow-up of $EF refused as one
    local name=$1 want=$2; shift 2
    doc $T/f.json type=subpoena "$@"
    local who=sgt1; case "$*" in *agency=quellford-pd*) who=det1 ;; esac
    check "$name" "0 refused" "$(submit $who $T/f.json --follows $EF)"
    check "$name-why" "$want" "$(codes)"
}
fu fu-subject "follow_up.subjects@/subjects" subjects=AC-2 categories=contact,identity
fu fu-category "follow_up.categories@/categories" categories=contact
fu fu-window "follow_up.window@/window" categories=contact,identity from=2026-11-05
fu fu-agency "follow_up.agency@/agency" categories=contact,identity agency=quellford-pd
check fu-emergency "0 refused" "$(submit sgt1 $T/e1.json --follows $EF)"
has fu-emergency-why '"code": "follow_up.emergency"' "$T/out"
# the proper one: a superset is fine (another subject, a wider window)
doc $T/f.json type=subpoena subjects=AC-2,AC-1 categories=identity,contact from=2026-10-01 to=2026-11-24
check fu-proper "0 review" "$(submit sgt1 $T/f.json --follows $EF)"
FU=$(field id)
check fu-proper-approve 0 "$(rc A rev1 request review $FU --approve)"
A sgt1 request show $EF > $T/out
has fu-confirmed '"confirmed": true, "quarantined": false' "$T/out"
check fu-confirmed-state closed "$(field state)"
check fu-again "0 refused" "$(submit sgt1 $T/f.json --follows $EF)"
check fu-again-why "follow_up.confirmed@" "$(codes)"
check fu-confirmed-sweep 0 "$(rc AT 2026-11-28 aud1 request sweep)"
hasnt fu-confirmed-no-violation "\"$EF\"" "$T/out"
# too late: its own directory, as the clock has moved past the deadline
fresh
submit sgt1 $T/ef.json >/dev/null; EF=$(field id)
doc $T/f.json type=subpoena categories=contact,identity
check fu-late "0 refused" "$(rc AT 2026-11-26T00:00:01Z sgt1 request submit --follows $EF $T/f.json) $(field state)"
check fu-late-why "follow_up.late@" "$(codes)"
has fu-late-msg "proper process was due by 2026-11-26T00:00:00Z" "$T/out"

# ---- a denied follow-up is a violation at once -----------------------------
fresh
submit sgt1 $T/e1.json >/dev/null; ED=$(field id)
doc $T/f.json type=subpoena
submit sgt1 $T/f.json --follows $ED >/dev/null; FD=$(field id)
check fu-pending-produce 1 "$(rc A rev1 produce $ED --out $T/bd)"
has fu-pending-msg "request $ED: its productions are withheld: follow_up_in_review (PA-7)" "$T/err"
check fu-deny 0 "$(rc A rev1 request review $FD --deny)"
A sgt1 request show $ED > $T/out
check fu-denied-violation violation "$(field state)"
has fu-denied-why '"why": "follow_up_denied"' "$T/out"

# ---- cfr-233: a fugitive emergency confirmed by proper process ---------------
A po1 policy set cfr-233 >/dev/null
submit sgt1 $T/fu.json $C >/dev/null; EG=$(field id)
doc $T/f.json type=subpoena purpose=fugitive
check cfr-fu "0 review" "$(submit sgt1 $T/f.json $C --follows $EG)"
check cfr-fu-approve 0 "$(rc A rev1 request review $(field id) --approve)"
A sgt1 request show $EG > $T/out
has cfr-fu-confirmed '"confirmed": true' "$T/out"
A po1 policy set strict >/dev/null

# ---- the daemon: withheld and quarantined productions are gone (410) -------
declare -A TOK
for p in sgt1 rev1 po1 aud1; do TOK[$p]=$("$S" --data "$D" token issue $p); done
start() { # SEALED_NOW [settings...]
    local now=$1; shift
    : > "$T/dout"
    SEALED_NOW=$now "$SD" --data "$D" --listen 127.0.0.1:0 "$@" >"$T/dout" 2>>"$T/log" &
    PID=$!
    for _ in $(seq 100); do grep -q listening "$T/dout" && break; sleep 0.05; done
    PORT=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$T/dout")
    B=http://127.0.0.1:$PORT
}
stop() { kill -TERM $PID; wait $PID || true; PID=; }
call() { # METHOD PATH WHO [BODY-FILE]: the status; the body in $T/body
    local args=(-s -o "$T/body" -w '%{http_code}' -X "$1" -H "Authorization: Bearer ${TOK[$3]}")
    [ -n "${4:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "@$(uniq_ref "$4")")
    curl "${args[@]}" "$B$2"
}
jb() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$T/body" "$1"; }
sweeps() { find "$D/ledger/tile/entries" -type f -exec cat {} + | { grep -ao '"type":"request.sweep"' || true; } | wc -l; }
S0=$(sweeps)
start 2026-11-24
check api-started yes "$([ -n "$PORT" ] && echo yes || echo no)"
check api-start-sweep $((S0 + 1)) "$(sweeps)"
check api-two-subjects 201 "$(call POST /v1/requests sgt1 $T/e2.json)"
check api-two-subjects-refused "refused emergency.subjects_too_many" "$(jb 'd["state"] + " " + d["decision"]["reasons"][0]["code"]')"
check api-fugitive-strict 201 "$(call POST /v1/requests sgt1 $T/fu.json)"
check api-fugitive-strict-refused "refused purpose.basis" "$(jb 'd["state"] + " " + d["decision"]["reasons"][0]["code"]')"
call PUT /v1/policy po1 <(echo '{"policy": "cfr-233"}') >/dev/null
check api-fugitive-cfr 201 "$(call POST /v1/requests sgt1 $T/fu.json)"
check api-fugitive-cfr-active active "$(jb 'd["state"]')"
call PUT /v1/policy po1 <(echo '{"policy": "strict"}') >/dev/null
# an emergency produced, its follow-up in review, then denied
check api-emergency 201 "$(call POST /v1/requests sgt1 $T/e1.json)"
E1=$(jb 'd["id"]')
check api-produce 201 "$(call POST /v1/requests/$E1/productions po1)"
check api-show 200 "$(call GET /v1/productions/P-$E1 sgt1)"
check api-file 200 "$(call GET /v1/productions/P-$E1/files/subject-1.ndjson sgt1)"
has api-file-data '"kind":"account"' "$T/body"
doc $T/f.json type=subpoena
check api-fu 201 "$(call POST "/v1/requests?follows=$E1" sgt1 $T/f.json)"
check api-fu-review review "$(jb 'd["state"]')"
F1=$(jb 'd["id"]')
check api-review-show 410 "$(call GET /v1/productions/P-$E1 sgt1)"
check api-review-type "urn:sealed:problem:follow_up_in_review" "$(jb 'd["type"]')"
check api-review-file 410 "$(call GET /v1/productions/P-$E1/files/subject-1.ndjson sgt1)"
check api-review-file-po 410 "$(call GET /v1/productions/P-$E1/files/subject-1.ndjson po1)"
hasnt api-review-no-data 'orlen' "$T/body"
echo '{"approve": false, "note": "the facts do not support the subpoena"}' > $T/deny.json
check api-deny 200 "$(call POST /v1/requests/$F1/review rev1 $T/deny.json)"
check api-quarantined-show 410 "$(call GET /v1/productions/P-$E1 sgt1)"
check api-quarantined-ctype "application/problem+json" "$(curl -s -o /dev/null -w '%{content_type}' -H "Authorization: Bearer ${TOK[sgt1]}" $B/v1/productions/P-$E1)"
check api-quarantined-type "urn:sealed:problem:quarantined 410" "$(jb 'd["type"] + " " + str(d["status"])')"
has api-quarantined-detail "production P-$E1 of request $E1 is withheld: quarantined" "$T/body"
check api-quarantined-file 410 "$(call GET /v1/productions/P-$E1/files/subject-1.ndjson sgt1)"
check api-quarantined-auditor 410 "$(call GET /v1/productions/P-$E1 aud1)"
check api-quarantined-verify 410 "$(call GET /v1/productions/P-$E1/verify po1)"
check api-violation 200 "$(call GET /v1/requests/$E1 sgt1)"
check api-violation-state "violation follow_up_denied" "$(jb 'd["state"] + " " + d["emergency"]["violation"]["why"]')"
# the lawful case: produced, then confirmed: the production stays readable
check api-e2 201 "$(call POST /v1/requests sgt1 $T/e1.json)"
E2=$(jb 'd["id"]')
check api-e2-produce 201 "$(call POST /v1/requests/$E2/productions po1)"
check api-e2-fu 201 "$(call POST "/v1/requests?follows=$E2" sgt1 $T/f.json)"
F2=$(jb 'd["id"]')
echo '{"approve": true}' > $T/approve.json
check api-e2-approve 200 "$(call POST /v1/requests/$F2/review rev1 $T/approve.json)"
check api-e2-file 200 "$(call GET /v1/productions/P-$E2/files/subject-1.ndjson sgt1)"
# produced and never followed up: nobody sweeps by hand
check api-e3 201 "$(call POST /v1/requests sgt1 $T/e1.json)"
E3=$(jb 'd["id"]')
check api-e3-produce 201 "$(call POST /v1/requests/$E3/productions po1)"
check api-e3-file 200 "$(call GET /v1/productions/P-$E3/files/subject-1.ndjson sgt1)"
stop
S1=$(sweeps)
start 2026-11-27 --sweep-interval 1
check api-late-show 200 "$(call GET /v1/requests/$E3 sgt1)"
check api-late-violation "violation no_follow_up" "$(jb 'd["state"] + " " + d["emergency"]["violation"]["why"]')"
check api-late-file 410 "$(call GET /v1/productions/P-$E3/files/subject-1.ndjson sgt1)"
check api-late-type "urn:sealed:problem:quarantined" "$(jb 'd["type"]')"
check api-late-confirmed 200 "$(call GET /v1/productions/P-$E2/files/subject-1.ndjson sgt1)"
# every sweep-interval seconds another run, each one event
sleep 2.5
n=$(sweeps)
check api-periodic yes "$([ "$n" -ge $((S1 + 2)) ] && echo yes || echo "no ($S1 -> $n)")"
stop
has api-log-sweeps "sealed: sweeps ran (request, retention)" "$T/log"

echo "emergency: $pass passed, $fails failed"
[ $fails -eq 0 ]
