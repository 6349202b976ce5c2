#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# End-to-end: `sealctl address normalize|key|parse` read stdin lines and write
# exactly one line per input line, in order; a bad line gives an empty line
# and a stderr message naming its line number (not its content); exit 0.
set -eu
SEALCTL=${SEALCTL:-sealctl}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "address_cli: $*" >&2; exit 1; }

cat > "$tmp/in" <<'IN'
1400 W Colfax Ave Apt 3, Denver CO 80204
1400 west colfax avenue #3 denver, co 80204-1234
Main Street, Denver CO 80204
PO Box 123, Springfield IL 62704
100 Ave of the Americas, New York, NY 10013

RR 2 Box 152, Tupelo MS 38801
1 Main St
IN
printf '12 Mount Vernon St, Boston MA 02108\r\n' >> "$tmp/in"

cat > "$tmp/want.norm" <<'OUT'
1400 W COLFAX AVE APT 3, DENVER CO 80204
1400 W COLFAX AVE # 3, DENVER CO 80204-1234

PO BOX 123, SPRINGFIELD IL 62704
100 AVE OF THE AMERICAS, NEW YORK NY 10013

RR 2 BOX 152, TUPELO MS 38801
1 MAIN ST
12 MOUNT VERNON ST, BOSTON MA 02108
OUT
cat > "$tmp/want.key" <<'OUT'
80204|1400|W COLFAX AVE|3
80204|1400|W COLFAX AVE|3

62704|123|PO BOX|
10013|100|AVE OF THE AMERICAS|

38801|152|RR 2|

02108|12|MT VERNON ST|
OUT

"$SEALCTL" address normalize < "$tmp/in" > "$tmp/got.norm" 2> "$tmp/err.norm" ||
    fail "normalize exited non-zero"
diff -u "$tmp/want.norm" "$tmp/got.norm" || fail "normalize output differs"
"$SEALCTL" address key < "$tmp/in" > "$tmp/got.key" 2> "$tmp/err.key" || fail "key exited non-zero"
diff -u "$tmp/want.key" "$tmp/got.key" || fail "key output differs"

grep -q '^sealctl: address: line 3: address: no primary address number$' "$tmp/err.norm" ||
    fail "normalize: no message for line 3"
grep -q '^sealctl: address: line 6: address: empty$' "$tmp/err.norm" ||
    fail "normalize: no message for line 6"
[ "$(wc -l < "$tmp/err.norm")" -eq 2 ] || fail "normalize: unexpected stderr lines"
grep -q '^sealctl: address: line 8: .*neither a ZIP Code nor a city and state' "$tmp/err.key" ||
    fail "key: no message for line 8"
if grep -qi 'main street\|colfax' "$tmp/err.norm" "$tmp/err.key"; then
    fail "an address was echoed to stderr"
fi

# parse: tab-separated fields
printf '1400 W Colfax Ave Apt 3, Denver CO 80204-1234\n' | "$SEALCTL" address parse > "$tmp/got.parse"
printf 'street\t1400\t\tW\tCOLFAX\tAVE\t\tAPT\t3\tDENVER\tCO\t80204\t1234\n' > "$tmp/want.parse"
diff -u "$tmp/want.parse" "$tmp/got.parse" || fail "parse output differs"

# version 3: Puerto Rico urbanization, highways, APT 3 B, number words
cat > "$tmp/v3" <<'IN'
Urb Las Gladiolas, 150 Calle A, San Juan PR 00926
150 Calle A, URB LAS GLADIOLAS, SAN JUAN 00926
100 SR 9 Apt 3 B, Albany NY 12207
One US Hwy 1 N, Trenton NJ 08601
IN
cat > "$tmp/v3.want" <<'OUT'
URB LAS GLADIOLAS, 150 CALLE A, SAN JUAN PR 00926	00926|150|CALLE A||LAS GLADIOLAS
URB LAS GLADIOLAS, 150 CALLE A, SAN JUAN PR 00926	00926|150|CALLE A||LAS GLADIOLAS
100 STATE ROUTE 9 APT 3B, ALBANY NY 12207	12207|100|STATE ROUTE 9|3B
1 US HIGHWAY 1 N, TRENTON NJ 08601	08601|1|US HIGHWAY 1 N|
OUT
"$SEALCTL" address normalize < "$tmp/v3" > "$tmp/v3.norm"
"$SEALCTL" address key < "$tmp/v3" > "$tmp/v3.key"
paste "$tmp/v3.norm" "$tmp/v3.key" > "$tmp/v3.got"
diff -u "$tmp/v3.want" "$tmp/v3.got" || fail "version 3 forms differ"

# no input, no output; a last line without newline still gets one
[ -z "$("$SEALCTL" address key < /dev/null)" ] || fail "empty input gave output"
[ "$(printf '1 Elm St, Dayton OH 45402' | "$SEALCTL" address key)" = "45402|1|ELM ST|" ] ||
    fail "last line without newline"

# many lines keep their order and count
i=0
: > "$tmp/many"
while [ $i -lt 500 ]; do
    echo "$i Elm St Apt $i, Dayton OH 45402" >> "$tmp/many"
    i=$((i + 1))
done
"$SEALCTL" address key < "$tmp/many" > "$tmp/many.key"
[ "$(wc -l < "$tmp/many.key")" -eq 500 ] || fail "line count changed"
[ "$(sed -n 378p "$tmp/many.key")" = "45402|377|ELM ST|377" ] || fail "order changed"

# help and usage
"$SEALCTL" address --help | grep -q '^SYNOPSIS' || fail "--help has no SYNOPSIS"
if "$SEALCTL" address frobnicate < /dev/null 2> /dev/null; then fail "bad subcommand accepted"; fi
set +e
"$SEALCTL" address < /dev/null 2> /dev/null
rc=$?
set -e
[ $rc -eq 2 ] || fail "missing subcommand: exit $rc, want 2"
echo "address_cli: ok"
