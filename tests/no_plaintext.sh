#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Generates a synthetic population, ingests every kind, and greps every file
# of the data directory for the generated names, emails, phones, account ids,
# tracking numbers, IP addresses and street lines: none may appear.
set -euo pipefail
S=${SEALCTL:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
$S gen --seed 7 --people 300 --days 10 --out $T/gen >/dev/null
$S --data $T/var --quiet init >/dev/null
for k in account web_visit tracking payment address_change; do
    $S --data $T/var --quiet ingest $k $T/gen/$k.ndjson >/dev/null
done
# every string value of the identifying fields, one per line, at least 6 bytes
grep -ohE '"(name|email|phone|account_id|mailing_address|business_address|tracking_number|ip|old_address|new_address|recipient_address|purchaser_name|purchaser_address|payee_name|serial|user_agent)":"[^"]*"' \
    $T/gen/*.ndjson | sed 's/^"[a-z_]*":"//; s/"$//' | awk 'length($0) >= 6' | sort -u > $T/needles
n=$(wc -l < $T/needles)
[ "$n" -gt 500 ] || { echo "too few needles: $n"; echo "0 passed, 1 failed"; exit 1; }
# also the street part of each address alone
cut -d, -f1 $T/needles | awk 'length($0) >= 8' | sort -u >> $T/needles
if grep -a -F -f $T/needles -r $T/var -l; then
    echo "plaintext identifiers found in the data directory"
    echo "0 passed, 1 failed"
    exit 1
fi
# and the records are all there, readable through an exact lookup
acct=$(head -n 1 $T/gen/account.ndjson | sed 's/.*"account_id":"\([^"]*\)".*/\1/')
$S --data $T/var lookup --account "$acct" | grep -q "\"account_id\":\"$acct\"" || {
    echo "lookup failed"; echo "0 passed, 1 failed"; exit 1; }
echo "2 passed, 0 failed ($(wc -l < $T/needles) identifiers checked)"
