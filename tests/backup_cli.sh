#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end: sealctl backup while another process ingests, backup verify and
# the backup's ledger, key-store generations, and crypto-shredding across
# backups (issue 5, Retention): a subject is shredded, and before the grace
# has passed the way back still exists (a generation holds its key; a restore
# with it brings the records back); once the clock passes the grace and
# `keys expire` has run, every way back fails: the live store, restores of
# every backup with the live keys and with every remaining generation, and a
# byte search of every file for the subject's wrapped key, subject id and
# blind-index hashes. Plus bad input with exact messages. Synthetic data only.
# labels: backup
set -euo pipefail
S=${SEALCTL:?}
T=$(mktemp -d)
BG=
trap '[ -n "$BG" ] && kill $BG 2>/dev/null; rm -rf "$T"' EXIT
D=$T/var
. "$(dirname "$0")/support/check.sh"
run() { # captures "rc|stdout|stderr"
    local out err rc=0
    out=$("$@" 2>"$T/err") || rc=$?
    err=$(cat "$T/err")
    printf '%s|%s|%s' "$rc" "$out" "$err"
}
# hexfind HEX FILE...: the files whose bytes contain HEX (one per line)
hexfind() {
    python3 - "$@" <<'P'
import sys
needle = bytes.fromhex(sys.argv[1])
for p in sys.argv[2:]:
    with open(p, 'rb') as f:
        if needle in f.read():
            print(p)
P
}
# every regular file under the given directories
files_under() { find "$@" -type f | sort; }
sql() { # DB SQL: rows as "a|b" lines (hex for blobs in the query)
    python3 - "$1" "$2" <<'P'
import sqlite3, sys
c = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)
for r in c.execute(sys.argv[2]):
    print('|'.join(str(x) for x in r))
P
}

T0=2026-11-24T10:00:00Z
export SEALED_NOW=$T0
$S --data $D init --test-clock >/dev/null
$S --data $D agency add test-pd --name "Test PD" --kind local >/dev/null # registry.db
$S --quiet gen --out $T/g --people 300 --seed 7 >/dev/null
for k in account web_visit tracking payment address_change; do
    $S --data $D ingest $k $T/g/$k.ndjson >/dev/null
done
# a first shred, so that the ledger has entries and a signed checkpoint
A2=$(sed -n 2p $T/g/account.ndjson | python3 -c 'import json,sys; print(json.load(sys.stdin)["account_id"])')
recs2=$($S --data $D lookup --account $A2 | wc -l)
$S --data $D shred --account $A2 >/dev/null
before=$(sql $D/store.db "SELECT count(*) FROM record WHERE state != 2")

# ---- a backup while another process ingests --------------------------------
$S --quiet gen --out $T/g2 --people 1500 --seed 8 >/dev/null
$S --data $D ingest --batch-size 400 tracking $T/g2/tracking.ndjson >$T/bg.out 2>&1 &
BG=$!
for _ in $(seq 1 200); do grep -q 'committed batch' $T/bg.out 2>/dev/null && break; sleep 0.05; done
out=$($S --data $D backup $T/live1)
alive=no
kill -0 $BG 2>/dev/null && alive=yes
wait $BG
BG=
after=$(sql $D/store.db "SELECT count(*) FROM record WHERE state != 2")
n1=$(sed -E 's/^[^:]*: ([0-9]+) records.*/\1/' <<<"$out")
check concurrent-count "yes" "$([ "$n1" -ge "$before" ] && [ "$n1" -le "$after" ] && echo yes)"
echo "backup during ingest: $n1 records (store $before before, $after after; ingest still running afterwards: $alive)"
check concurrent-verify "0" "$(run $S backup verify $T/live1 | cut -d'|' -f1)"
check concurrent-ledger "0" "$(run $S log verify --dir $T/live1/ledger | cut -d'|' -f1)"

# ---- the subject, and what the key store holds of it -------------------------
A=$(head -1 $T/g/account.ndjson | python3 -c 'import json,sys; print(json.load(sys.stdin)["account_id"])')
E=$(head -1 $T/g/account.ndjson | python3 -c 'import json,sys; print(json.load(sys.stdin)["email"])')
recs=$($S --data $D lookup --account $A | wc -l)
check subject-has-records "yes" "$([ "$recs" -ge 1 ] && echo yes)"
erecs=$($S --data $D lookup --email "$E" | wc -l)
check lookup-email-before "yes" "$([ "$erecs" -ge 1 ] && echo yes)"
sql $D/keys.db "SELECT hex(subject), hex(wrapped) FROM data_key" | sort >$T/keys.before
sql $D/store.db "SELECT hex(subject), hex(hash) FROM idx" | sort >$T/idx.before

# B1: a backup before the shred; G0: a key-store generation before the shred
# (the ledger holds init's policy.set event, then the shred)
check b1 "0|$T/b1: $after records (0 left out: key shredded), ledger size 4, 8 files|" \
    "$(run $S --data $D backup $T/b1)"
check keys-backup-g0 "0|key-store generation keys-20261124T100000Z.db written
expired 0 generations, kept 1 (grace 7 days under strict); live key store scrubbed|" \
    "$(run $S --data $D keys backup)"

# ---- shred ---------------------------------------------------------------------------
export SEALED_NOW=2026-11-24T11:00:00Z
check shred "0|shredded: data key, index rows and $recs record$([ "$recs" = 1 ] || echo s) deleted|" \
    "$(run $S --data $D shred --account $A)"
sql $D/keys.db "SELECT hex(subject), hex(wrapped) FROM data_key" | sort >$T/keys.after
gone=$(comm -23 $T/keys.before $T/keys.after)
check one-key-gone "1" "$(grep -c . <<<"$gone")"
SUBJ=${gone%%|*}
WRAP=${gone##*|}
grep "^$SUBJ|" $T/idx.before | cut -d'|' -f2 >$T/idx.hashes
check subject-had-index-rows "yes" "$([ -s $T/idx.hashes ] && echo yes)"
check lookup-live-account "0||" "$(run $S --data $D lookup --account $A)"
check lookup-live-email "0||" "$(run $S --data $D lookup --email "$E")"
# the rows are deleted, not marked: nothing of the subject is left to count
check no-live-rows "0" "$(sql $D/store.db "SELECT count(*) FROM record WHERE hex(subject) = '$SUBJ'")"
check live-count "$((after - recs))" "$(sql $D/store.db "SELECT count(*) FROM record")"

# B2 after the shred leaves the subject out; G1 three days later lacks its key
n2=$((after - recs))
check b2 "0|$T/b2: $n2 records (0 left out: key shredded), ledger size 5, 8 files|" \
    "$(run $S --data $D backup $T/b2)"
check b2-ledger "0|$($S log verify --dir $D/ledger)|" \
    "$(run $S log verify --dir $T/b2/ledger)"
export SEALED_NOW=2026-11-27T10:00:00Z
check keys-backup-g1 "0|key-store generation keys-20261127T100000Z.db written
expired 0 generations, kept 2 (grace 7 days under strict); live key store scrubbed|" \
    "$(run $S --data $D keys backup)"
check generations "0|$D/key-backups/keys-20261124T100000Z.db  taken 2026-11-24T10:00:00Z  expires 2026-12-01T10:00:00Z
$D/key-backups/keys-20261127T100000Z.db  taken 2026-11-27T10:00:00Z  expires 2026-12-04T10:00:00Z|" \
    "$(run $S --data $D keys generations)"

# A data directory that lost its key store: the master key and config only.
mkdir -p $T/lost
cp -p $D/master.key $D/sealed.conf $T/lost/

# ---- before the grace: the way back exists (so the checks below can fail) -----------
check g0-holds-key "$D/key-backups/keys-20261124T100000Z.db" "$(hexfind $WRAP $D/key-backups/*)"
check restore-g0-lost "0|$T/r-g0: $after records, $(wc -l <$T/keys.before) data keys; 0 records unreadable (no key in the key source), 0 keys withheld (shredded since the generation)|" \
    "$(run $S --data $T/lost backup restore $T/b1 --to $T/r-g0 --keys $D/key-backups/keys-20261124T100000Z.db)"
check way-back-within-grace "$recs" "$($S --data $T/r-g0 lookup --account $A | wc -l)"
check way-back-email "$erecs" "$($S --data $T/r-g0 lookup --email "$E" | wc -l)"
check restore-g0-live-withholds "0|$T/r-g0w: $((after - recs)) records, $(($(wc -l <$T/keys.before) - 1)) data keys; $recs records unreadable (no key in the key source), 1 keys withheld (shredded since the generation)|" \
    "$(run $S --data $D backup restore $T/b1 --to $T/r-g0w --keys $D/key-backups/keys-20261124T100000Z.db)"
check withheld-lookup "0||" "$(run $S --data $T/r-g0w lookup --account $A)"
check restored-registry "$($S --data $D agency list)" "$($S --data $T/r-g0w agency list)"
check restored-ledger "$($S log verify --dir $T/b1/ledger)" "$($S log verify --dir $T/r-g0w/ledger)"
# control for the byte searches below: they find an index hash where one is
check control-index-hash "$T/r-g0/store.db" "$(hexfind $(head -1 $T/idx.hashes) $T/r-g0/store.db)"
rm -rf $T/r-g0 $T/r-g0w # a restore made within the grace is itself a key store (docs/backup.md)

# ---- the grace passes ---------------------------------------------------------------
export SEALED_NOW=2026-12-02T12:00:00Z
check expire "0|expired 1 generation, kept 1 (grace 7 days under strict); live key store scrubbed|" \
    "$(run $S --data $D keys expire)"
check generations-after "0|$D/key-backups/keys-20261127T100000Z.db  taken 2026-11-27T10:00:00Z  expires 2026-12-04T10:00:00Z|" \
    "$(run $S --data $D keys generations)"
check wal-truncated "0" "$(stat -c %s $D/keys.db-wal 2>/dev/null || echo 0)"

# ---- every way back fails -------------------------------------------------------------
# 1. the live store, by every identifier of the subject
check after-live-account "0||" "$(run $S --data $D lookup --account $A)"
check after-live-email "0||" "$(run $S --data $D lookup --email "$E")"
# 2. each backup restored with the live key store
for b in b1 b2 live1; do
    $S --data $D backup restore $T/$b --to $T/r-$b >$T/r.out
    check "restore-$b-live" "0||" "$(run $S --data $T/r-$b lookup --account $A)"
    check "restore-$b-live-email" "0||" "$(run $S --data $T/r-$b lookup --email "$E")"
done
check b1-live-unreadable "0|$T/r-b1x: $n2 records, $(wc -l <$T/keys.after) data keys; $recs records unreadable (no key in the key source), 0 keys withheld (shredded since the generation)|" \
    "$(run $S --data $D backup restore $T/b1 --to $T/r-b1x)"
# 3. each backup restored with every remaining generation, with nothing withheld
for g in $D/key-backups/*.db; do
    for b in b1 b2 live1; do
        r=$T/r-$b-$(basename $g .db)
        $S --data $T/lost backup restore $T/$b --to $r --keys $g >/dev/null
        check "restore-$b-$(basename $g)" "0||" "$(run $S --data $r lookup --account $A)"
        check "restore-$b-$(basename $g)-email" "0||" "$(run $S --data $r lookup --email "$E")"
    done
done
# 4. the bytes: no file of the key stores, the generations, the backups or the
#    restores holds the wrapped key; no backup, generation or key store holds
#    the subject id or any of its blind-index hashes
everything=$(files_under $D $T/b1 $T/b2 $T/live1 $T/r-*)
check no-wrapped-key "" "$(hexfind $WRAP $everything)"
backups=$(files_under $T/b1 $T/b2 $T/live1 $D/key-backups; ls $D/keys.db*)
check no-subject-id "" "$(hexfind $SUBJ $backups)"
# nor does the live store: shredding deletes the rows, and secure_delete
# zeroes their bytes (docs/backup.md, "What stays in the live store")
check live-no-subject-id "" "$(hexfind $SUBJ $D/store.db*)"
hits=
while read -r h; do hits+=$(hexfind $h $backups); done <$T/idx.hashes
check no-index-hash "" "$hits"

# ---- bad input ---------------------------------------------------------------------------
check out-not-empty "1||sealctl: backup: $T/b1: exists and is not empty; refusing to write a backup into it" \
    "$(run $S --data $D backup $T/b1)"
mkdir $T/empty
check out-empty-ok "0" "$(run $S --data $D backup $T/empty | cut -d'|' -f1)"
check no-store "1||sealctl: backup: $T/nowhere: no sealed store here (run \`sealctl --data $T/nowhere init\`)" \
    "$(run $S --data $T/nowhere backup $T/b9)"
check no-partial "no" "$(ls -d $T/b9* 2>/dev/null && echo yes || echo no)"
cp -a $T/b2 $T/t1
printf x >>$T/t1/ledger/vkey
check tampered "1||sealctl: backup verify: ledger/vkey: does not match its SHA-256 in the manifest" \
    "$(run $S backup verify $T/t1)"
cp -a $T/b2 $T/t2
: >$T/t2/extra
check unlisted "1||sealctl: backup verify: extra: not listed in the manifest" \
    "$(run $S backup verify $T/t2)"
cp -a $T/b2 $T/t3
rm $T/t3/records.db
check missing "1||sealctl: backup verify: records.db: listed in the manifest but missing" \
    "$(run $S backup verify $T/t3)"
cp -a $T/b2 $T/t4
sed -i 's/"records": [0-9]*/"records": 1/' $T/t4/MANIFEST
check count "1||sealctl: backup verify: records.db: holds $n2 records, the manifest says 1" \
    "$(run $S backup verify $T/t4)"
cp -a $T/b2 $T/t5
sed -i 's/"path": "records.db"/"path": "..\/records.db"/' $T/t5/MANIFEST
check unsafe-path "1||sealctl: backup verify: manifest: files[5].path: missing or not a safe relative path" \
    "$(run $S backup verify $T/t5)"
check restore-exists "1||sealctl: backup restore: $T/b2: already exists; restore makes a new data directory" \
    "$(run $S --data $D backup restore $T/b1 --to $T/b2)"
check restore-tampered "1||sealctl: backup restore: ledger/vkey: does not match its SHA-256 in the manifest" \
    "$(run $S --data $D backup restore $T/t1 --to $T/r-t1)"
check restore-no-keys "1||sealctl: backup restore: $T/lost: no key store; name a key-store generation with --keys" \
    "$(run $S --data $T/lost backup restore $T/b1 --to $T/r-x)"
other=$T/other
$S --data $other init --test-clock >/dev/null
check restore-wrong-master "1||sealctl: backup restore: key source $D/keys.db: $T/r-w: the master key does not open this key store (wrong key file?)" \
    "$(run $S --data $other backup restore $T/b1 --to $T/r-w --keys $D/keys.db)"
check restore-wrong-master-clean "no" "$(ls -d $T/r-w 2>/dev/null && echo yes || echo no)"
check usage "2||sealctl: backup: needs one OUT-DIR, or verify or restore
(see \`sealctl backup --help\`)" "$(run $S --data $D backup)"
check keys-usage "2||sealctl: keys: expire: unknown argument '--grace'
(see \`sealctl keys --help\`)" "$(run $S --data $D keys expire --grace 3)"
check help "0" "$($S backup --help >/dev/null; echo $?)"

echo "backup_cli: $pass passed, $fails failed"
[ $fails -eq 0 ]
