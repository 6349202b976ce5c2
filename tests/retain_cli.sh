#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end: `sealctl retain sweep` over a generated population (issue 5,
# Retention). Expected counts are computed independently from the generated
# files (python3: a visit's IP is due for truncation 30 days after it, a
# visit is deleted after 90, a tracking event after 365). Checks: exact
# counts; --dry-run predicts them and writes nothing (every file's digest);
# truncated IPs read back as their /24 or /48; deleted records are gone from
# lookups; a subject left with nothing has no data key (the key store loses
# exactly the reported number); a subject named by an active preservation
# (PA-9) keeps everything; the ledger verifies and its sweep event holds
# counts only (no generated identifier anywhere in the ledger); a second
# sweep finds nothing. MC-10 and MC-11 are in retain_cover.sh.
set -euo pipefail
S=${SEALCTL:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
D=$T/data
. "$(dirname "$0")/support/check.sh"
NOW=2026-08-01
"$S" gen --out $T/g --seed 11 --people 150 --days 400 --start 2025-06-01 --visits-per-person 8 >/dev/null
"$S" --data "$D" --now 2026-01-01 init --test-clock >/dev/null
for k in account web_visit tracking payment address_change; do
    "$S" --data "$D" --quiet ingest $k $T/g/$k.ndjson >/dev/null
done
# a subject that will be left with nothing (synthetic literals)
cat > $T/lone.ndjson <<'J'
{"visit_id":"WV-LONE-1","account_id":"AC-LONE-1","at":"2026-01-05T10:00:00Z","ip":"192.0.2.44","page":"/track"}
{"visit_id":"WV-LONE-2","account_id":"AC-LONE-1","at":"2026-02-05T10:00:00Z","ip":"2001:db8:44:1::9","page":"/pay"}
J
"$S" --data "$D" --quiet ingest web_visit $T/lone.ndjson >/dev/null

keys() { sqlite3 "$D/keys.db" 'SELECT count(*) FROM data_key'; }
digest() { (cd "$D" && find . -type f ! -name '*-shm' | sort | xargs sha256sum); }
# without a registry: nothing held, and a dry run creates nothing either
before=$(digest)
check no-registry "holds: 0 preservations, 0 subjects" \
    "$("$S" --data "$D" --now 2026-08-01 retain sweep --dry-run | sed -n 3p)"
check no-registry-writes-nothing "$before" "$(digest)"

# ---- a preservation (PA-9) of one generated account -------------------------
HELD=$(python3 - $T/g/web_visit.ndjson <<'P'
import json, sys
from collections import Counter
c = Counter(json.loads(l)["account_id"] for l in open(sys.argv[1]) if json.loads(l)["at"] < "2026-04-01")
print(c.most_common(1)[0][0])
P
)
A() { "$S" --data "$D" --now 2026-07-20 --as "$@"; }
"$S" --data "$D" --now 2026-07-20 agency add usps-pis --name 'Postal Inspection Service HQ' --kind federal >/dev/null
"$S" --data "$D" --now 2026-07-20 principal add po1 --agency usps-pis --role privacy_officer >/dev/null
A po1 agency add quellford-pd --name 'Quellford PD' --kind local >/dev/null
A po1 principal add det1 --agency quellford-pd --role requester >/dev/null
A po1 principal add rev1 --agency usps-pis --role reviewer >/dev/null
cat > $T/pres.json <<J
{"agency": "quellford-pd", "official": "Det. O. Vasquiel, Fraud",
 "legal_basis": {"type": "preservation", "reference": "PR-2026-3",
  "issued_by": "Quellford PD, Fraud Unit",
  "issued_at": "2026-07-19T00:00:00Z", "expires_at": "2026-10-17T00:00:00Z",
  "facts": "Records of this account are evidence of a pattern of fraudulent money orders; a subpoena is being sought from the grand jury now."},
 "purpose": {"activity": "criminal_investigation", "offense": "18 USC 500"},
 "subjects": [{"type": "account", "value": "$HELD"}], "categories": [],
 "window": {"from": "2025-07-20", "to": "2026-07-19"}}
J
PR=$(A det1 request submit $T/pres.json | sed -n 's/.*"id": "\([^"]*\)".*/\1/p' | head -1)
A rev1 request review "$PR" --approve >/dev/null
check preservation-active active "$(A det1 request show "$PR" | sed -n 's/.*"state": "\([^"]*\)".*/\1/p' | head -1)"

# ---- expected counts, computed from the generated files ----------------------
read -r EXP_T EXP_WV EXP_TR EXP_HELD TV TV_IP DV <<<"$(python3 - $T/g $HELD $NOW <<'P'
import json, sys, datetime, ipaddress
g, held, now = sys.argv[1], sys.argv[2], sys.argv[3]
today = (datetime.date.fromisoformat(now) - datetime.date(1970, 1, 1)).days
def day(t):
    return int(datetime.datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp()) // 86400
trunc = wv = tr = held_n = 0
tv = dv = None
lines = [json.loads(l) for l in open(g + "/web_visit.ndjson")]
lines += [{"visit_id": "WV-LONE-1", "account_id": "AC-LONE-1", "at": "2026-01-05T10:00:00Z", "ip": "192.0.2.44"},
          {"visit_id": "WV-LONE-2", "account_id": "AC-LONE-1", "at": "2026-02-05T10:00:00Z", "ip": "2001:db8:44:1::9"}]
for v in lines:
    d = day(v["at"])
    due_del, due_tr = d + 90 <= today, d + 30 <= today
    if (due_del or due_tr) and v["account_id"] == held:
        held_n += 1
    elif due_del:
        wv += 1
        dv = dv or v
    elif due_tr:
        trunc += 1
        if tv is None or ":" in v["ip"]:
            tv = v
for e in map(json.loads, open(g + "/tracking.ndjson")):
    if day(e["event_at"]) + 365 <= today:
        if e.get("sender_account_id") == held:
            held_n += 1
        else:
            tr += 1
net = ipaddress.ip_network(tv["ip"] + ("/48" if ":" in tv["ip"] else "/24"), strict=False)
print(trunc, wv, tr, held_n, tv["account_id"] + "/" + tv["visit_id"], net.network_address,
      dv["account_id"] + "/" + dv["visit_id"])
P
)"
EXP_D=$((EXP_WV + EXP_TR))

# ---- --dry-run: the same counts, nothing written ------------------------------
before=$(digest)
held_before=$("$S" --data "$D" lookup --account "$HELD")
keys_before=$(keys)
dry=$("$S" --data "$D" --now $NOW retain sweep --dry-run)
KS=$(echo "$dry" | sed -n 's/.* deleted, \([0-9]*\) keys shredded.*/\1/p')
check dry-run "sweep as of $NOW: $EXP_T truncated, $EXP_D deleted, $KS keys shredded, $EXP_HELD held
deleted: account 0, web_visit $EXP_WV, tracking $EXP_TR, payment 0, address_change 0, cover_piece 0
holds: 1 preservation, 1 subject
dry run: nothing written" "$dry"
check dry-run-writes-nothing "$before" "$(digest)"
check lone-has-records 2 "$("$S" --data "$D" lookup --account AC-LONE-1 | grep -c '"kind":"web_visit"')"

# the sweep also purges accounting entries past keep_until (one of two) and
# expires key-store generations past the grace (strict: 7 days; one, taken
# 12 days before)
"$S" --data "$D" --now 2026-07-20 keys backup >/dev/null
sqlite3 "$D/accounting.db" "CREATE TABLE IF NOT EXISTS entries (subject BLOB NOT NULL,
  production TEXT NOT NULL, request TEXT NOT NULL, agency TEXT NOT NULL, policy TEXT NOT NULL,
  basis INTEGER NOT NULL, pa_basis INTEGER NOT NULL, purpose INTEGER NOT NULL,
  categories INTEGER NOT NULL, window_from INTEGER NOT NULL, window_to INTEGER NOT NULL,
  at INTEGER NOT NULL, notice_until INTEGER NOT NULL, b7_hidden INTEGER NOT NULL,
  ledger_index INTEGER NOT NULL, keep_until INTEGER NOT NULL,
  agency_address TEXT NOT NULL DEFAULT '', PRIMARY KEY (subject, production));
  INSERT INTO entries VALUES (x'01', 'P1', 'R1', 'A', 'strict', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, '');
  INSERT INTO entries VALUES (x'02', 'P2', 'R2', 'A', 'strict', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4102444800, '');"
chmod 600 "$D/accounting.db"

# ---- the sweep ------------------------------------------------------------------
out=$("$S" --data "$D" --now $NOW retain sweep --batch 97)
IDX=$(echo "$out" | sed -n 's/^ledger: retain.sweep at index \([0-9]*\)$/\1/p')
check sweep "sweep as of $NOW: $EXP_T truncated, $EXP_D deleted, $KS keys shredded, $EXP_HELD held
deleted: account 0, web_visit $EXP_WV, tracking $EXP_TR, payment 0, address_change 0, cover_piece 0
holds: 1 preservation, 1 subject
purged: 1 accounting entry, 1 key-store generation expired
ledger: retain.sweep at index $IDX" "$out"
check accounting-kept 1 "$(sqlite3 "$D/accounting.db" 'SELECT count(*) FROM entries')"
check keys-deleted "$KS" "$((keys_before - $(keys)))"
check keys-some yes "$([ "$KS" -ge 1 ] && echo yes || echo no)"
# truncated IPs read back truncated
acc=${TV%%/*}; vid=${TV##*/}
check truncated-ip "$TV_IP" "$("$S" --data "$D" lookup --account "$acc" |
    sed -n "s/.*\"visit_id\":\"$vid\".*\"ip\":\"\\([^\"]*\\)\".*/\\1/p")"
# deleted records are gone from lookups
acc=${DV%%/*}; vid=${DV##*/}
check deleted-gone 0 "$("$S" --data "$D" lookup --account "$acc" | grep -c "\"visit_id\":\"$vid\"" || true)"
# a subject left with nothing: no records, no key (nothing to shred any more)
check lone-gone "" "$("$S" --data "$D" lookup --account AC-LONE-1)"
check lone-no-key "sealctl: shred: nothing is held for this account: nothing shredded 1" \
    "$(r=0; out=$("$S" --data "$D" --now $NOW shred --account AC-LONE-1 2>&1) || r=$?; echo "$out $r")"
# the preserved subject keeps everything, untruncated
check held-kept "$held_before" "$("$S" --data "$D" lookup --account "$HELD")"

# ---- the ledger: verifies, counts only ------------------------------------------
r=$("$S" log verify --dir "$D/ledger")
case "$r" in ok:*) pass=$((pass + 1)) ;; *) fails=$((fails + 1)); echo "FAIL ledger: $r" ;; esac
ev=$(grep -ao '"ids":{[^}]*},"time":"[^"]*","type":"retain.sweep"' "$D/ledger/journal")
check ledger-event "\"ids\":{\"accounting_purged\":\"1\",\"alerts\":\"0\",\"as_of\":\"$NOW\",\"deleted\":\"$EXP_D\",\"deleted_tracking\":\"$EXP_TR\",\"deleted_web_visit\":\"$EXP_WV\",\"held\":\"$EXP_HELD\",\"key_generations_expired\":\"1\",\"keys_shredded\":\"$KS\",\"sweep\":\"X\",\"truncated\":\"$EXP_T\"}" \
    "$(echo "$ev" | sed 's/"sweep":"[0-9a-f]\{16\}"/"sweep":"X"/; s/,"time":.*//')"
python3 - $T/g > $T/idents <<'P'
import json, sys, glob
for f in glob.glob(sys.argv[1] + "/*.ndjson"):
    for l in open(f):
        for k, v in json.loads(l).items():
            if k.endswith("_id") or k in ("email", "phone", "ip", "tracking_number", "name"):
                print(v)
P
echo AC-LONE-1 >> $T/idents
check ledger-no-identifiers 0 "$(grep -a -r -c -F -f $T/idents "$D/ledger" | awk -F: '{s += $2} END {print s}')"

# ---- idempotence --------------------------------------------------------------------
out=$("$S" --data "$D" --now $NOW retain sweep --json)
check second-sweep "\"truncated\": 0, \"deleted_total\": 0, \"held_total\": $EXP_HELD, \"keys_shredded\": 0," \
    "$(echo "$out" | sed -n 's/^ \("truncated".*\)$/\1/p')"
# bad input: a clear message, exit 2, nothing written
before=$(digest)
rc=0; "$S" --data "$D" --now $NOW retain sweep --batch 0 2>$T/err || rc=$?
check bad-batch "2 sealctl: retain: --batch: 1..4096, not '0'" "$rc $(head -1 $T/err)"
rc=0; "$S" --data "$D" --now $NOW retain sweep --batch 2>$T/err || rc=$?
check no-batch-value "2 sealctl: retain: sweep: --batch needs a value" "$rc $(head -1 $T/err)"
rc=0; "$S" --data "$D" --now $NOW retain sweep --policy nosuch 2>$T/err >/dev/null || rc=$?
check bad-policy 1 "$rc"
check bad-writes-nothing "$before" "$(digest)"

echo "$pass passed, $fails failed"
[ "$fails" -eq 0 ]
