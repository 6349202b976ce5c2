#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `sealctl gen` end to end: the same options twice give byte-identical files
# (cmp), another seed gives other bytes, the counts on stdout match the files,
# no progress is written when stderr is not a terminal, and bad options fail
# with exit 2 and an exact message.
set -euo pipefail
S=${SEALCTL:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

FILES="account.ndjson web_visit.ndjson tracking.ndjson payment.ndjson address_change.ndjson mail_scan.csv"

$S gen --seed 7 --people 500 --days 14 --scans 300 --out $T/a > $T/a.out 2> $T/a.err
$S gen --seed=7 --people=500 --days=14 --scans=300 --out=$T/b > $T/b.out 2>/dev/null
$S gen --seed 8 --people 500 --days 14 --scans 300 --out $T/c > /dev/null 2>&1
[ -s $T/a.err ] && fail "stderr not empty when not a terminal: $(cat $T/a.err)"
for f in $FILES; do
    [ -s $T/a/$f ] || fail "$f missing or empty"
    cmp $T/a/$f $T/b/$f || fail "$f differs between two runs with the same seed"
    if cmp -s $T/a/$f $T/c/$f; then fail "$f is the same for seeds 7 and 8"; fi
    [ -e $T/a/$f.tmp ] && fail "$f.tmp left behind"
done
cmp $T/a.out $T/b.out || fail "stdout differs"

# stdout: "<count> <file>" per file, and the counts are the line counts
while read -r n f; do
    lines=$(wc -l < $T/a/$f)
    [ "$f" = mail_scan.csv ] && lines=$((lines - 1))
    [ "$n" = "$lines" ] || fail "$f: stdout says $n, file has $lines"
done < $T/a.out
[ "$(grep -c . $T/a.out)" = 6 ] || fail "expected 6 count lines"
grep -q ' 500 account.ndjson$' $T/a.out || fail "account count"
grep -q ' 300 mail_scan.csv$' $T/a.out || fail "scan count"

# --start moves every time; the scans are on the window's last day
$S gen --people 20 --days 3 --start 2025-06-01 --out $T/d > /dev/null
grep -q '"opened_at"' $T/d/account.ndjson || fail "accounts"
if grep -v '^piece_id' $T/d/mail_scan.csv | grep -vq ',2025-06-03T'; then
    fail "scans not on the last day"
fi

# --help is a manual page on stdout, exit 0
$S gen --help > $T/help
grep -q '^SYNOPSIS' $T/help && grep -q -- '--visits-per-person' $T/help || fail "help"

# bad options: exit 2 and an exact first line
expect_usage() {
    local want=$1; shift
    set +e
    "$S" gen "$@" > $T/out 2> $T/err
    local rc=$?
    set -e
    [ $rc = 2 ] || fail "gen $*: exit $rc, want 2"
    [ "$(head -1 $T/err)" = "$want" ] || fail "gen $*: got '$(head -1 $T/err)', want '$want'"
    [ -s $T/out ] && fail "gen $*: wrote to stdout"
    return 0
}
expect_usage "sealctl: gen: --people: 'abc' is not a whole number 0 to 1000000000" \
    --people abc --out $T/x
expect_usage "sealctl: gen: --people: '-5' is not a whole number 0 to 1000000000" \
    --people -5 --out $T/x
expect_usage "sealctl: gen: --days: '0' is not a whole number 1 to 3660" --days 0 --out $T/x
expect_usage "sealctl: gen: --start: '2026-02-30' is not a date (YYYY-MM-DD)" \
    --start 2026-02-30 --out $T/x
expect_usage "sealctl: gen: --seed: '1x' is not a whole number" --seed 1x --out $T/x
expect_usage "sealctl: gen: unknown option '--bogus'" --bogus --out $T/x
expect_usage "sealctl: gen: unexpected argument 'extra'" --out $T/x extra
expect_usage "sealctl: gen: --out DIR is required" --people 3
expect_usage "sealctl: gen: --out needs a value" --out
[ -e $T/x ] && fail "a usage error created the output directory"

# an output directory that cannot be created: exit 1, a message, no files
touch $T/file
set +e
$S gen --people 3 --out $T/file/sub > /dev/null 2> $T/err
rc=$?
set -e
[ $rc = 1 ] || fail "unwritable: exit $rc, want 1"
grep -q "^sealctl: gen: $T/file/sub: cannot create directory" $T/err || fail "unwritable: $(cat $T/err)"
echo ok
