#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end: subject access (issue 5, PA-13). An account holder with records
# is the subject of two productions: one plain, one under a court-ordered
# delay of notice. `sealctl access` shows their records (all fields) and the
# first disclosure with its inclusion proof and checkpoint; the delayed one is
# absent, without trace, until the delay ends and present after (--now). The
# HTML page carries no unescaped '<' from a value, and a bad --subject gets
# exit 2 without echoing its value. Entries carry the recipient agency's
# address and how long they are kept. All data is made up.
set -euo pipefail
S=${SEALCTL:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
D=$T/data
. "$(dirname "$0")/support/check.sh"
field() { sed -n "s/.*\"$1\": \"\\([^\"]*\\)\".*/\\1/p" "$T/out" | head -1; }
NOW=2026-11-24
A() { "$S" --data "$D" --now "$NOW" --as "$@"; }
acc() { "$S" --data "$D" --now "$1" access "${@:2}"; }
jq_() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$2"; }

"$S" --data "$D" --now 2026-01-01 init --test-clock >/dev/null
cat > $T/account.ndjson <<'J'
{"account_id":"AC-7","name":"Tessaly Marrow & Co","opened_at":"2026-02-03T04:05:06Z","email":"tess.m@post.example","phone":"555-410-2290","mailing_address":"14 Orrin Ct, Vellham OR 97001"}
{"account_id":"AC-8","name":"Dunstan Pell","opened_at":"2026-03-03T04:05:06Z","email":"d.pell@post.example","mailing_address":"3 Kestle Ln, Brantmoor VT 05001"}
J
cat > $T/visit.ndjson <<'J'
{"visit_id":"WV-1","account_id":"AC-7","at":"2026-05-06T07:08:09Z","ip":"198.51.100.23","page":"/track?q=<b>x</b>","user_agent":"<script>alert(1)</script> Mozilla/5.0"}
J
"$S" --data "$D" ingest account $T/account.ndjson >/dev/null
"$S" --data "$D" ingest web_visit $T/visit.ndjson >/dev/null

"$S" --data "$D" --now $NOW agency add usps-pis --name 'Postal Inspection Service HQ' --kind federal >/dev/null
"$S" --data "$D" --now $NOW principal add po1 --agency usps-pis --role privacy_officer >/dev/null
A po1 agency add vellham-pd --name 'Vellham PD' --kind local >/dev/null
A po1 principal add det1 --agency vellham-pd --role requester >/dev/null
A po1 principal add rev1 --agency usps-pis --role reviewer >/dev/null

req() { # subjects-json reference extra-legal-basis-json
    cat <<J
{"agency": "vellham-pd", "official": "Det. R. Quill, Fraud",
 "legal_basis": {"type": "subpoena", "reference": "$2",
  "issued_by": "Grand Jury, District of Examplia",
  "issued_at": "2026-11-21T00:00:00Z", "expires_at": "2027-02-19T00:00:00Z"$3,
  "facts": "The account received 9 parcels between March and June that were later found to hold counterfeit goods."},
 "purpose": {"activity": "criminal_investigation", "offense": "18 USC 2320"},
 "subjects": $1, "categories": ["contact"], "window": {"from": "2026-01-01", "to": "2026-10-31"}}
J
}
submit() { A det1 request submit "$1" >"$T/out"; field id; }
req '[{"type": "account", "value": "AC-7"}]' GJ-2026-201 '' > $T/r1.json
R1=$(submit $T/r1.json)
check r1-approve 0 "$(rc A rev1 request review $R1 --approve)"
# PA-4: the recipient's address, set once, goes into each later entry
check recipient-perm 1 "$(rc A det1 produce recipient vellham-pd --address '1 Civic Plaza, Vellham OR 97001')"
check recipient-unknown 1 "$(rc A po1 produce recipient nowhere-pd --address '1 Civic Plaza, Vellham OR 97001')"
check recipient-usage 2 "$(rc A po1 produce recipient vellham-pd)"
check recipient 0 "$(rc A po1 produce recipient vellham-pd --address '1 Civic Plaza, Vellham OR 97001')"
check r1-produce 0 "$(rc A rev1 produce $R1 --out $T/b1)"
req '[{"type": "account", "value": "AC-7"}]' GJ-2026-202 ', "notice_delay_until": "2026-12-31"' > $T/r2.json
R2=$(submit $T/r2.json)
check r2-approve 0 "$(rc A rev1 request review $R2 --approve)"
check r2-produce 0 "$(rc A rev1 produce $R2 --out $T/b2)"

# ---- before the delay ends: records, the plain disclosure, not the delayed one --
check access 0 "$(rc acc $NOW --subject account:AC-7 --subject email:tess.m@post.example --html $T/page.html)"
cp "$T/out" $T/a1.json
check records "account web_visit" "$(jq_ '" ".join(sorted(r["kind"] for r in d["records"]))' $T/a1.json)"
check record-name 'Tessaly Marrow & Co' "$(jq_ 'd["records"][0]["fields"]["name"]' $T/a1.json)"
check record-ua '<script>alert(1)</script> Mozilla/5.0' "$(jq_ 'd["records"][1]["fields"]["user_agent"]' $T/a1.json)"
check record-all-fields "account_id email mailing_address name opened_at phone" \
    "$(jq_ '" ".join(sorted(d["records"][0]["fields"]))' $T/a1.json)"
hasnt no-other-subject "Pell" $T/a1.json
check entries "P-$R1" "$(jq_ '" ".join(e["production"] for e in d["accounting"])' $T/a1.json)"
hasnt delayed-absent "$R2" $T/a1.json
hasnt delayed-no-trace "withheld" $T/a1.json
check entry-basis "subpoena b7 vellham-pd contact 2026-01-01..2026-10-31" \
    "$(jq_ '"%s %s %s %s %s..%s" % (lambda e: (e["legal_basis"], e["privacy_act_basis"], e["recipient"]["agency"], ",".join(e["categories"]), e["window"]["from"], e["window"]["to"]))(d["accounting"][0])' $T/a1.json)"
check entry-address "1 Civic Plaza, Vellham OR 97001" "$(jq_ 'd["accounting"][0]["recipient"]["address"]' $T/a1.json)"
# the account is open, so its life (and the entry's) has no end yet
check entry-kept "the life of the records" "$(jq_ 'd["accounting"][0]["kept_until"]' $T/a1.json)"
check amendments-none "[]" "$(jq_ 'd["amendments"]' $T/a1.json)"
has checkpoint '"checkpoint": "' $T/a1.json
# the proof verifies against the checkpoint (RFC 9162 recomputed here)
cat > $T/verify.py <<'P'
import base64, hashlib, json, sys
d = json.load(open(sys.argv[1]))
cp = d["checkpoint"].split("\n")
size, root = int(cp[1]), base64.b64decode(cp[2])
H = lambda b: hashlib.sha256(b).digest()
ok = 0
for e in d["accounting"]:
    l = e["ledger"]; i, n = l["index"], size
    h = H(b"\x00" + l["entry"].encode())
    fn, sn = i, n - 1
    for p in l["proof"]:
        p = bytes.fromhex(p)
        if sn == 0: sys.exit("proof too long")
        if fn & 1 or fn == sn:
            h = H(b"\x01" + p + h)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0: fn >>= 1; sn >>= 1
        else:
            h = H(b"\x01" + h + p)
        fn >>= 1; sn >>= 1
    if sn != 0 or h != root: sys.exit("proof fails for %d" % i)
    if e["production"] not in l["entry"]: sys.exit("entry is not the production")
    ok += 1
print(ok)
P
check proofs-verify 1 "$(python3 $T/verify.py $T/a1.json)"

# ---- the HTML page: every value escaped, nothing external -----------------------
has html-escaped '&lt;script&gt;alert(1)&lt;/script&gt; Mozilla/5.0' $T/page.html
has html-amp 'Tessaly Marrow &amp; Co' $T/page.html
hasnt html-raw-script '<script' $T/page.html
hasnt html-raw-b '<b>' $T/page.html
# every '<' in the page opens one of the page's own tags, never a value's
check html-tags "" "$(grep -o '<[^>]*' $T/page.html | sed 's/^<\/\?//' | cut -d' ' -f1 | sort -u |
    grep -vxE '!DOCTYPE|html|head|meta|title|style|body|main|h1|h2|p|ul|li|section|table|caption|tr|th|td|pre|code' || true)"
hasnt html-external 'src=\|href=\|@import\|url(' $T/page.html
has html-lang '<html lang="en">' $T/page.html
check html-exists 1 "$(rc acc $NOW --subject account:AC-7 --html $T/page.html)"

# ---- after the delay ends, the delayed disclosure appears -------------------------
check access-later 0 "$(rc acc 2027-01-01 --subject account:AC-7)"
check entries-later "P-$R1 P-$R2" "$(jq_ '" ".join(e["production"] for e in d["accounting"])' $T/out)"
check delay-shown "2026-12-31" "$(jq_ 'd["accounting"][1]["notice_delayed_until"]' $T/out)"
check proofs-later 2 "$(python3 $T/verify.py $T/out)"
check access-last-day-still-withheld 0 "$(rc acc 2026-12-30 --subject account:AC-7)"
check entries-last-day "P-$R1" "$(jq_ '" ".join(e["production"] for e in d["accounting"])' $T/out)"

# ---- cfr-233 withholds (b)(7) entries for good; strict shows them -------------
req '[{"type": "account", "value": "AC-7"}]' GJ-2026-203 '' > $T/r3.json
# the requester cannot pick cfr-233; the privacy officer changes the
# directory's policy of record for it, then back (issue 11)
check r3-no-policy-flag 2 "$(rc A det1 request submit --policy cfr-233 $T/r3.json)"
check r3-policy-cfr 0 "$(rc A po1 policy set cfr-233)"
R3=$(A det1 request submit $T/r3.json | sed -n 's/.*"id": "\([^"]*\)".*/\1/p')
check r3-policy-strict 0 "$(rc A po1 policy set strict)"
check r3-approve 0 "$(rc A rev1 request review $R3 --approve)"
check r3-produce 0 "$(rc A rev1 produce $R3 --out $T/b3)"
check access-cfr 0 "$(rc acc 2027-01-01 --subject account:AC-7)"
check cfr-hidden "P-$R1 P-$R2" "$(jq_ '" ".join(e["production"] for e in d["accounting"])' $T/out)"
hasnt cfr-no-trace "$R3" $T/out

# ---- someone the store does not know: empty, not an error ----------------------
check access-unknown 0 "$(rc acc $NOW --subject email:nobody@nowhere.example)"
check unknown-empty "0 0 None" "$(jq_ '"%d %d %s" % (len(d["records"]), len(d["accounting"]), d["checkpoint"])' $T/out)"

# ---- bad --subject: exact exit codes, no value echoed ----------------------------
check bad-none 2 "$(rc acc $NOW)"
check bad-nocolon 2 "$(rc acc $NOW --subject AC-7secret)"
hasnt bad-nocolon-echo "AC-7secret" $T/err
check bad-type 2 "$(rc acc $NOW --subject ssn:123-45-6789)"
hasnt bad-type-echo "123-45-6789" $T/err
check bad-empty 2 "$(rc acc $NOW --subject email:)"
check bad-missing 2 "$(rc acc $NOW --subject)"
check bad-arg 2 "$(rc acc $NOW --subject account:AC-7 stray)"
check bad-value 1 "$(rc acc $NOW --subject email:not-an-email-secret)"
hasnt bad-value-echo "secret" $T/err
check help 0 "$(rc "$S" access --help)"

echo "access_cli: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
