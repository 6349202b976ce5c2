#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# labels: browser
# The reviewer console (issue 7) in a real browser: Debian's chromium,
# headless, driven by npm playwright-core (tests/console/console.mjs). Makes
# its own data directory with sealctl (a synthetic population, registries,
# one principal per role it needs, three requests: one approved and
# produced, one refused, one awaiting review whose outcome differs between
# the shipped policies), starts sealed on a free loopback port, then the
# browser script signs in with a wrong token (error shown), as the reviewer
# (queue, the request's reasons and per-policy outcome, approve with a note
# by keyboard), as the auditor (checkpoint verified, the log) and as the
# subject (own records and accounting). This script then checks the
# decision THROUGH THE API with curl (state active, the note stored), and
# that the access log holds no token. Screenshots of each page are saved
# under $SEAL_BUILD_DIR/artifacts/console/. Chromium and node come from
# scripts/deps.sh: if either is missing this test FAILS, it does not skip.
set -euo pipefail
S=${SEALCTL:?}
SD=${SEAL_BUILD_DIR:?}/sealed
SRC=${SEAL_SOURCE_DIR:?}
ART=$SEAL_BUILD_DIR/artifacts/console
CHROMIUM=${SEAL_CHROMIUM:-/usr/bin/chromium}
T=$(mktemp -d)
D=$T/data
PID=
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
. "$(dirname "$0")/support/check.sh"

# ---- the browser and its driver ---------------------------------------------
[ -x "$CHROMIUM" ] || fail "no $CHROMIUM: install Debian's chromium (scripts/deps.sh)"
command -v node >/dev/null || fail "no node: install Debian's nodejs and npm (scripts/deps.sh)"
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 18 ] || fail "node $(node --version) is too old: playwright-core needs 18 or newer"
if [ ! -f "$SRC/node_modules/playwright-core/package.json" ]; then
    command -v npm >/dev/null || fail "no npm to install playwright-core (scripts/deps.sh)"
    echo "installing the test's npm packages (npm ci, package-lock.json)"
    (cd "$SRC" && npm ci --no-audit --no-fund >"$T/npm.log" 2>&1) ||
        { cat "$T/npm.log" >&2; fail "npm ci failed (offline? run it once with a network)"; }
fi
want=$(node -p "require('$SRC/package.json').dependencies['playwright-core']")
have=$(node -p "require('$SRC/node_modules/playwright-core/package.json').version")
[ "$want" = "$have" ] || fail "node_modules has playwright-core $have, package.json pins $want: run npm ci"

# ---- a data directory ---------------------------------------------------------
NOW=2026-11-24
A() { "$S" --data "$D" --now "$NOW" --as "$@"; }
"$S" gen --seed 7 --people 20 --days 10 --start 2026-10-01 --out "$T/gen" >/dev/null
"$S" --data "$D" --now 2026-01-01 init --test-clock >/dev/null
"$S" --data "$D" --now $NOW --quiet ingest account "$T/gen/account.ndjson" >/dev/null
line=$(head -n 1 "$T/gen/account.ndjson")
field() { printf '%s' "$line" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
ACCT=$(field account_id)
NAME=$(field name)
ADDR=$(field mailing_address)
"$S" --data "$D" --now $NOW agency add usps-pis --name 'Inspection HQ' --kind federal --inspection-service >/dev/null
"$S" --data "$D" --now $NOW principal add po1 --agency usps-pis --role privacy_officer >/dev/null
A po1 agency add quellford-pd --name 'Quellford PD' --kind local >/dev/null
A po1 principal add det1 --agency quellford-pd --role requester >/dev/null
A po1 principal add rev1 --agency usps-pis --role reviewer >/dev/null
A po1 principal add aud1 --agency usps-pis --role auditor >/dev/null
A po1 principal add sub1 --agency usps-pis --role subject --identifier "account:$ACCT" --identifier "address:$ADDR" >/dev/null
declare -A TOK
for p in det1 rev1 aud1 sub1; do TOK[$p]=$("$S" --data "$D" token issue $p); done
doc() { # basis reference purpose-json facts
    python3 - "$@" <<'PY'
import json, os, sys
basis, ref, purpose, facts = sys.argv[1:5]
print(json.dumps({"agency": "quellford-pd", "official": "Det. O. Vasquiel, Narcotics",
    "legal_basis": {"type": basis, "reference": ref, "issued_by": "Grand Jury, District of Examplia",
        "issued_at": "2026-11-21T00:00:00Z", "expires_at": "2027-02-19T00:00:00Z", "facts": facts},
    "purpose": json.loads(purpose),
    "subjects": [{"type": "person", "name": os.environ["NAME"], "address": os.environ["ADDR"]}],
    "categories": ["identity", "contact"] if ref != "GJ-2026-102" else ["identity", "payment_detail"],
    "window": {"from": "2026-01-01", "to": "2026-10-31"}}))
PY
}
export NAME ADDR
FACTS="The subject received 14 parcels at this address between March and June that were later found to contain fentanyl."
doc subpoena GJ-2026-101 '{"activity": "criminal_investigation", "offense": "21 USC 841"}' "$FACTS" >"$T/r1.json"
doc subpoena GJ-2026-102 '{"activity": "criminal_investigation", "offense": "21 USC 841"}' "$FACTS" >"$T/r2.json"
doc consent CONSENT-2026-77 '{"activity": "civil_immigration"}' \
    "The subject consented in writing to the release of their contact details for this case." >"$T/r3.json"
sid() { sed -n 's/.*"id": *"\([^"]*\)".*/\1/p' | head -n 1; }
ID1=$(A det1 request submit "$T/r1.json" | sid)
ID2=$(A det1 request submit "$T/r2.json" | sid)
# the requester cannot choose cfr-233; the privacy officer sets the policy of
# record for this one, then back to strict (issue 11)
A po1 policy set cfr-233 >/dev/null
ID3=$(A det1 request submit "$T/r3.json" | sid)
A po1 policy set strict >/dev/null
# consent waits for the subject (PA-2): sub1, bound to the address, confirms
# R-000003 here; R-000005 waits for the subject in the browser
check consent-cli 0 "$(rc A sub1 request consent "$ID3")"
# an emergency, served at once: its follow-up deadline is the stored one
cat > "$T/r4.json" <<'J'
{"agency": "quellford-pd", "official": "Sgt. P. Orlo",
 "legal_basis": {"type": "emergency", "reference": "E-2026-4", "issued_by": "Quellford PD",
  "issued_at": "2026-11-23T00:00:00Z", "expires_at": "2026-11-30T00:00:00Z",
  "facts": "A missing child was last seen with the account holder; the account's contact data may locate them tonight."},
 "purpose": {"activity": "health_safety"},
 "subjects": [{"type": "email", "value": "nobody.here@mail.example"}],
 "categories": ["contact"],
 "window": {"from": "2026-11-01", "to": "2026-11-23"},
 "emergency": {"attestation": "A child of six is missing since noon and is in danger of serious injury; the holder was the last person seen with the child."}}
J
ID4=$(A det1 request submit "$T/r4.json" | sid)
doc consent CONSENT-2026-78 '{"activity": "criminal_investigation", "offense": "18 USC 1708"}' \
    "The subject asked us in writing to trace parcels stolen from their mailbox at this address." >"$T/r5.json"
ID5=$(A det1 request submit "$T/r5.json" | sid)
check ids "R-000001 R-000002 R-000003 R-000004 R-000005" "$ID1 $ID2 $ID3 $ID4 $ID5"
check emergency-stored "2026-11-26T00:00:00Z 48" "$(A det1 request show "$ID4" | python3 -c 'import json,sys; e=json.load(sys.stdin)["emergency"]; print(e["follow_up_by"], e["hours_left"])')"
A rev1 request review "$ID1" --approve >/dev/null
A det1 produce "$ID1" --out "$T/bundle" >/dev/null

# ---- the daemon ---------------------------------------------------------------
SEALED_NOW=$NOW "$SD" --data "$D" --listen 127.0.0.1:0 >"$T/out" 2>"$T/log" &
PID=$!
for _ in $(seq 100); do grep -q listening "$T/out" && break; sleep 0.05; done
PORT=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$T/out")
[ -n "$PORT" ] || { cat "$T/log" >&2; fail "sealed did not start"; }
B=http://127.0.0.1:$PORT
# the console's files, public, under a CSP that forbids anything not from the daemon
for f in "/ text/html" "/app.js text/javascript" "/style.css text/css" "/favicon.svg image/svg+xml"; do
    set -- $f
    check "console-file $1" "200 $2" "$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$B$1" | sed 's/;.*//')"
done
check console-csp "default-src 'self'" "$(curl -s -D - -o /dev/null $B/ | tr -d '\r' | sed -n "s/^Content-Security-Policy: \(default-src 'self'\).*/\1/ip")"
check console-not-a-file 404 "$(curl -s --path-as-is -o /dev/null -w '%{http_code}' $B/../etc/passwd)"
check console-bytes "$(wc -c < "$SRC/web/app.js")" "$(curl -s $B/app.js | wc -c)"

# ---- the browser --------------------------------------------------------------
rm -rf "$ART"
mkdir -p "$ART"
export CONSOLE_BASE=$B CONSOLE_ART=$ART CONSOLE_PROFILE=$T/profile CONSOLE_CHROMIUM=$CHROMIUM
export TOK_REVIEWER=${TOK[rev1]} TOK_AUDITOR=${TOK[aud1]} TOK_SUBJECT=${TOK[sub1]}
export CONSOLE_VKEY=$(cat "$T/bundle/ledger.vkey")
export CONSOLE_SECRETS="${TOK[rev1]} ${TOK[aud1]} ${TOK[sub1]}"
export CONSOLE_ACCT=$ACCT
if node "$SRC/tests/console/console.mjs"; then pass=$((pass + 1)); else
    fails=$((fails + 1)); echo "FAIL the browser script (above)"; fi
for f in "$ART"/*.png; do [ -e "$f" ] && echo "artifact: $f"; done

# ---- the decision, through the API ----------------------------------------
show=$(curl -s -H "Authorization: Bearer ${TOK[aud1]}" "$B/v1/requests/$ID3")
py() { printf '%s' "$show" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" 2>/dev/null || echo '(missing)'; }
check api-state active "$(py 'd["state"]')"
check api-approval "rev1 approve reviewer" "$(py '" ".join((d["approvals"][0]["principal"], d["approvals"][0]["decision"], d["approvals"][0]["role"]))')"
check api-note "Particular and lawful: the subject's written consent is on file." "$(py 'd["approvals"][0].get("note", "(no note)")')"
check api-others "active refused" "$(curl -s -H "Authorization: Bearer ${TOK[aud1]}" "$B/v1/requests" |
    python3 -c 'import json,sys; d={r["id"]: r["state"] for r in json.load(sys.stdin)}; print(d["R-000001"], d["R-000002"])')"
check api-consent review "$(curl -s -H "Authorization: Bearer ${TOK[aud1]}" "$B/v1/requests/$ID5" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')"
check log-consent-line 1 "$(grep -c 'route=/v1/requests/{id}/consent status=200 principal=sub1' "$T/log" || true)"
check log-review-line 1 "$(grep -c 'route=/v1/requests/{id}/review status=200 principal=rev1' "$T/log" || true)"
for needle in "${TOK[rev1]}" "${TOK[aud1]}" "${TOK[sub1]}" "$ACCT" "$NAME"; do
    check "log-clean" 0 "$(grep -c -F -- "$needle" "$T/log" || true)"
done

# ---- SIGTERM: the daemon stops cleanly ----------------------------------------
kill -TERM "$PID"
rc=0
wait "$PID" || rc=$?
PID=
check sigterm-exit 0 "$rc"

echo "console: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
