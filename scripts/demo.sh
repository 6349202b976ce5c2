#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `make run`: a scripted demo on the embedded default, then the daemon.
# Generates a synthetic population, initialises ./var (or $SEALED_DATA),
# ingests every record kind, prints the stats, looks up one account exactly,
# shows that a near miss finds nothing, and verifies a raw ledger. Then the
# legal process: agencies, one principal per role (and a subject bound to
# one synthetic person's identifiers), requests in every state (under
# review, active with a reviewer's note, denied, refused, closed, expired,
# an emergency awaiting its follow-up, a preservation, an active mail
# cover), a production built into DATA/productions/, tokens per role, and
# the daemon with the console at http://127.0.0.1:8440/.
# The data directory has a test clock (`init --test-clock`): its first events
# (the registries, the old preservation) are dated 120 days back with --now,
# the rest run at the clock. Run again on an existing directory, it skips
# what the directory already holds (registries, requests, the production).
# A directory made before test clocks existed is refused: `make reset`.
# SEALED_DEMO_NO_SERVE=1: everything but the daemon (and its tokens).
# SEAL_DEMO_BUILD: the build directory (default ./build).
set -eu
cd "$(dirname "$0")/.."
BUILD=${SEAL_DEMO_BUILD:-./build}
S=$BUILD/sealctl
DATA=${SEALED_DATA:-./var}
GEN=$DATA.demo-input
mkdir -p "$(dirname "$DATA")"
say() { printf '\n== %s\n' "$*"; }

START=$(date -u -d '45 days ago' +%F)
day() { date -u -d "$1" +%F; }
# the earliest event of the demo: the old preservation, approved 120 days ago
OLD=$(day '120 days ago')
if [ -e "$DATA/store.db" ] && ! $S --data "$DATA" stats --json | grep -q '"test_clock": true'; then
    echo "demo: $DATA was made without a test clock (by an older version, or by hand);" >&2
    echo "demo: the demo dates its first events in the past, which only a test-clock" >&2
    echo "demo: directory takes. Run \`make reset\` (it deletes $DATA) and \`make run\` again." >&2
    exit 1
fi
say "generating a synthetic population (seed 42, 2,000 people, 30 days from $START) into $GEN"
rm -rf "$GEN"
$S gen --seed 42 --people 2000 --days 30 --start "$START" --out "$GEN"
ls -l "$GEN"

if [ -e "$DATA/store.db" ]; then
    say "using the existing data directory $DATA"
else
    say "initialising $DATA with a test clock, from $OLD (the demo's earliest event)"
    $S --data "$DATA" --now "$OLD" init --test-clock
fi

say "ingesting every record kind (encrypted per subject, blind-indexed)"
for k in account web_visit tracking payment address_change; do
    $S --data "$DATA" ingest "$k" "$GEN/$k.ndjson"
done
say "ingesting the same accounts again: nothing changes (idempotent)"
$S --data "$DATA" ingest account "$GEN/account.ndjson"

say "stats: counts per kind and retention state (no personal data)"
$S --data "$DATA" stats

acct=$(head -n 1 "$GEN/account.ndjson" | sed 's/.*"account_id":"\([^"]*\)".*/\1/')
say "exact lookup of one account ($acct): its own records, decrypted"
$S --data "$DATA" lookup --account "$acct" | head -n 5
say "a near miss (${acct%?}) finds nothing: exact identifiers only"
$S --data "$DATA" lookup --account "${acct%?}" | wc -l

say "the database holds no plaintext identifier"
if grep -a -q "$acct" "$DATA"/*.db; then echo "FOUND (this is a bug)"; else echo "not found in $DATA/*.db"; fi

say "a raw Merkle log: append three entries, sign a checkpoint, prove and verify"
L=$DATA.demo-log
rm -rf "$L"
$S log init --dir "$L" --origin sealed.local/demo
printf 'first\nsecond\nthird\n' | $S log append --dir "$L"
$S log checkpoint --dir "$L"
$S log inclusion --dir "$L" 1
$S log verify --dir "$L"
# ---- the legal process and the daemon ---------------------------------------
D() { $S --data "$DATA" "$@"; }
# the registries at the time of the demo's earliest event
DO() { $S --data "$DATA" --now "$OLD" "$@"; }
if D --as po1 principal list 2>/dev/null | grep -q '"id": "sub1"'; then
    have_registries=1
    say "registries: already in $DATA"
else
    have_registries=
    say "registries (as of $OLD): agencies, a privacy officer, one principal per role"
    DO agency add usps-pis --name 'Postal Inspection Service HQ' --kind federal --inspection-service
    DO principal add po1 --agency usps-pis --role privacy_officer
    DO --as po1 agency add quellford-pd --name 'Quellford Police Department' --kind local
    for p in "det1 quellford-pd requester" "rev1 usps-pis reviewer" "ca1 usps-pis cover_approver" "ca2 usps-pis cover_approver" \
             "hq1 usps-pis hq_approver" "aud1 usps-pis auditor" "iss1 usps-pis issuer"; do
        set -- $p
        DO --as po1 principal add "$1" --agency "$2" --role "$3"
    done
fi
# a subject: the first synthetic account holder, bound to their e-mail and
# account (stored encrypted; GET /v1/access shows them their own records)
# (one opened inside the window the demo requests ask for, so the production holds records)
first_line=$(awk -v from="$(date -u -d '200 days ago' +%F)" \
    'match($0, /"opened_at":"[0-9-]+/) && substr($0, RSTART + 13, 10) > from { print; exit }' \
    "$GEN/account.ndjson")
[ -n "$first_line" ] || first_line=$(head -n 1 "$GEN/account.ndjson")
field() { printf '%s' "$first_line" | sed "s/.*\"$1\":\"\([^\"]*\)\".*/\1/"; }
if [ -z "$have_registries" ]; then
    DO --as po1 principal add sub1 --agency usps-pis --role subject \
        --identifier "email:$(field email)" --identifier "account:$(field account_id)"
fi
D --as po1 principal list
# the court that signs the mail cover's order: its key pair is kept beside the
# data directory, its verifier key registered (the policy of record, strict,
# trusts only registered issuers)
KEYS=$DATA.demo-issuer
mkdir -p "$KEYS"
[ -e "$KEYS/district-court-examplia.skey" ] || $S order keygen --dir "$KEYS" district-court-examplia >/dev/null
D --as po1 issuer add district-court-examplia --key "$KEYS/district-court-examplia.vkey" 2>/dev/null || true
say "the policy of record (every submission is checked under it)"
D policy show

say "requests in every state"
ISSUED=$(date -u -d '1 day ago' +%FT00:00:00Z)
EXPIRES=$(date -u -d '60 days' +%FT00:00:00Z)
FROM=$(day '200 days ago')
TO=$(day '1 day ago')
addr=$(field mailing_address)
name=$(field name)
email=$(field email)
request() { # categories reference: each request its own legal process
    cat <<J
{"agency": "quellford-pd", "official": "Det. A. Example, Narcotics",
 "legal_basis": {"type": "subpoena", "reference": "$2", "issued_by": "Grand Jury, District of Examplia",
  "issued_at": "$ISSUED", "expires_at": "$EXPIRES",
  "facts": "The subject received fourteen parcels at this address that were later found to contain a controlled substance."},
 "purpose": {"activity": "criminal_investigation", "offense": "21 USC 841"},
 "subjects": [{"type": "person", "name": "$name", "address": "$addr"}],
 "categories": [$1],
 "window": {"from": "$FROM", "to": "$TO"}}
J
}
R="$GEN/request"
for n in review active denied closed; do
    request '"identity", "contact"' "GJ-$(day today)-$n" > "$R-$n.json"
done
request '"identity", "payment_detail"' "GJ-$(day today)-refused" > "$R-refused.json"
cat > "$R-preservation.json" <<J
{"agency": "quellford-pd", "official": "Det. A. Example",
 "legal_basis": {"type": "preservation", "reference": "P-$(day today)-1", "issued_by": "Quellford PD",
  "issued_at": "$ISSUED", "expires_at": "$EXPIRES",
  "facts": "An investigation of parcel fraud is opening; these records must not expire under retention while process is sought."},
 "purpose": {"activity": "criminal_investigation", "offense": "18 USC 1341"},
 "subjects": [{"type": "email", "value": "$email"}],
 "categories": [], "window": {"from": "$FROM", "to": "$TO"}}
J
# an old preservation, approved 120 days ago: 90 days later the sweep expires it
OLD=$(day '120 days ago')
sed -e "s/\"issued_at\": \"[^\"]*\"/\"issued_at\": \"${OLD}T00:00:00Z\"/" \
    -e "s/\"reference\": \"[^\"]*\"/\"reference\": \"P-$OLD-2\"/" \
    -e "s/\"from\": \"[^\"]*\", \"to\": \"[^\"]*\"/\"from\": \"$(day '300 days ago')\", \"to\": \"$(day '121 days ago')\"/" \
    "$R-preservation.json" > "$R-expired.json"
cat > "$R-emergency.json" <<J
{"agency": "quellford-pd", "official": "Sgt. P. Example",
 "legal_basis": {"type": "emergency", "reference": "E-$(day today)-3", "issued_by": "Quellford PD",
  "issued_at": "$ISSUED", "expires_at": "$(date -u -d '6 days' +%FT00:00:00Z)",
  "facts": "A missing child was last seen with the account holder; the account's contact data may locate them tonight."},
 "purpose": {"activity": "health_safety"},
 "subjects": [{"type": "account", "value": "$(field account_id)"}],
 "categories": ["contact"], "window": {"from": "$(day '20 days ago')", "to": "$TO"},
 "emergency": {"attestation": "A child of six is missing since noon and is in danger of serious injury; the holder was the last person seen with the child."}}
J
TODAY=$(day today)
cat > "$R-cover.json" <<J
{"agency": "quellford-pd", "official": "Det. R. Example",
 "legal_basis": {"type": "mail_cover", "reference": "MC-$TODAY-7", "issued_by": "District Court of Examplia",
  "issued_at": "$ISSUED", "expires_at": "$EXPIRES",
  "facts": "Parcels mailed from this address to three buyers held counterfeit notes; the seizures are documented in case file 77."},
 "purpose": {"activity": "criminal_investigation", "offense": "18 USC 471"},
 "subjects": [{"type": "person", "name": "$name", "address": "$addr"}],
 "categories": ["mail_exterior"], "window": {"from": "$TODAY", "to": "$(day '29 days')"},
 "cover": {"ground": "crime", "address": "$addr", "start": "$TODAY", "days": 30,
  "supervisor": "Insp. in Charge K. Example", "indicted": false, "attorney": null,
  "subject_is_attorney_or_judicial_officer": false}}
J
submit() { # [sealctl options...] FILE: prints the new id
    D --as det1 request submit "$@" | sed -n 's/^{"id": "\([^"]*\)".*/\1/p'
}
MADE=$DATA/demo-requests
if [ -s "$MADE" ]; then
    say "requests: already made ($MADE)"
    . "$MADE"
else
    # first the oldest (at $OLD, the test clock never goes back), then at the clock
    expired=$(DO --as det1 request submit "$R-expired.json" | sed -n 's/^{"id": "\([^"]*\)".*/\1/p')
    DO --as rev1 request review "$expired" --approve >/dev/null
    review=$(submit "$R-review.json")
    active=$(submit "$R-active.json")
    D --as rev1 request review "$active" --approve --note "Particular and lawful: the facts tie the parcels to this address." >/dev/null
    denied=$(submit "$R-denied.json")
    D --as rev1 request review "$denied" --deny --note "The window reaches back further than the facts support." >/dev/null
    # the denied subpoena again, narrowed, naming the request it replaces
    sed "s/\"from\": \"$FROM\"/\"from\": \"$(day '100 days ago')\"/" "$R-denied.json" > "$R-superseding.json"
    superseding=$(submit --supersedes "$denied" "$R-superseding.json")
    refused=$(submit "$R-refused.json")
    closed=$(submit "$R-closed.json")
    D --as rev1 request review "$closed" --approve >/dev/null
    D --as det1 request close "$closed" >/dev/null
    emergency=$(submit "$R-emergency.json")
    preservation=$(submit "$R-preservation.json")
    D --as rev1 request review "$preservation" --approve >/dev/null
    # a mail cover under strict: an order signed by its issuer, two cover approvers
    $S order sign --key "$KEYS/district-court-examplia.skey" --embed "$R-cover.json" > "$R-cover-signed.json"
    cover=$(submit "$R-cover-signed.json")
    D --as ca1 request review "$cover" --approve >/dev/null
    D --as ca2 request review "$cover" --approve >/dev/null
    D --as po1 request sweep >/dev/null
    printf 'review=%s\nactive=%s\ndenied=%s\nsuperseding=%s\nrefused=%s\nclosed=%s\nexpired=%s\nemergency=%s\npreservation=%s\ncover=%s\n' \
        "$review" "$active" "$denied" "$superseding" "$refused" "$closed" "$expired" "$emergency" "$preservation" "$cover" > "$MADE.tmp"
    mv "$MADE.tmp" "$MADE"
fi
printf '  %-26s %s\n' "under review" "$review" "active (with a note)" "$active" "denied (with a note)" "$denied" \
    "supersedes the denied one" "$superseding" \
    "refused" "$refused" "closed" "$closed" "expired (swept)" "$expired" \
    "emergency, follow-up due" "$emergency" "preservation" "$preservation" "mail cover (signed order)" "$cover"
D --as aud1 request list

say "a production of $active into $DATA/productions/P-$active (signed manifest, proofs)"
mkdir -p "$DATA/productions"
if [ ! -e "$DATA/productions/P-$active" ]; then
    D --as det1 produce "$active" --out "$DATA/productions/P-$active"
fi
$S produce verify "$DATA/productions/P-$active"

if [ -x "$BUILD/sealed" ] && [ -z "${SEALED_DEMO_NO_SERVE:-}" ]; then
    say "tokens for each role (shown once; each reissue revokes the previous one)"
    for p in "po1 privacy_officer" "det1 requester" "rev1 reviewer" "ca1 cover_approver" \
             "hq1 hq_approver" "aud1 auditor" "iss1 issuer" "sub1 subject"; do
        set -- $p
        printf '  %-16s %-5s %s\n' "$2" "$1" "$($S --data "$DATA" token issue "$1" | tail -n 1)"
    done
    say "the console: http://127.0.0.1:8440/ (sign in with a token above); API under /v1/, OpenAPI at /openapi.json (Ctrl-C to stop)"
    exec "$BUILD/sealed" --data "$DATA"
fi
say "done; data directory: $DATA"
