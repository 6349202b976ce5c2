#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Cross-check with an independent implementation: builds tests/interop
# (Go, golang.org/x/mod/sumdb/tlog + note from Debian's
# golang-golang-x-mod-dev; no module downloads) into a temp dir and checks
# sealed's roots, proofs, tiles and checkpoint with it, then checks that
# tampered proofs are rejected by Go too. Skips only if `go` is absent.
set -eu
S=${SEALCTL:-sealctl}
if ! command -v go >/dev/null 2>&1; then
    echo "SKIP: go is not installed (apt-get install golang-go golang-golang-x-mod-dev)"
    exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$T/gocache" GOFLAGS=
go build -o "$T/interop" "$SEAL_SOURCE_DIR/tests/interop/main.go"

"$S" log init --dir "$T/log" >/dev/null
python3 -c '
import random
r = random.Random(7)
for i in range(1400):
    print("entry-%d-%s" % (i, "x" * r.randrange(0, 300)))' >"$T/entries"
"$S" log append --dir "$T/log" <"$T/entries" >/dev/null
"$S" log checkpoint --dir "$T/log" >/dev/null
: >"$T/proofs"
for size in 1 2 3 7 8 255 256 257 1000 1399 1400; do
    for idx in 0 $((size / 2)) $((size - 1)); do
        "$S" log inclusion --dir "$T/log" "$idx" "$size" >>"$T/proofs"
    done
    for old in 1 $((size / 3 + 1)) $((size - 1)); do
        [ "$old" -ge 1 ] && [ "$old" -le "$size" ] || continue
        "$S" log consistency --dir "$T/log" "$old" "$size" >>"$T/proofs"
    done
done
out=$("$T/interop" "$T/entries" "$T/log" "$T/proofs")
echo "$out"
[ "$out" = "ok: 71 checks" ] || { echo "FAIL: unexpected count"; exit 1; }

# Tampered proofs must fail in Go as well.
fails=0
flip='import json,sys
p = json.load(sys.stdin)
h = p["proof"][0]
p["proof"][0] = ("0" if h[0] != "0" else "1") + h[1:]
print(json.dumps(p))'
"$S" log inclusion --dir "$T/log" 5 1000 | python3 -c "$flip" >"$T/bad1"
"$S" log consistency --dir "$T/log" 300 1000 | python3 -c "$flip" >"$T/bad2"
for b in bad1 bad2; do
    if "$T/interop" "$T/entries" "$T/log" "$T/$b" 2>"$T/err"; then
        echo "FAIL: Go accepted tampered $b"; fails=1
    else
        echo "ok: Go rejects tampered $b: $(cat "$T/err")"
    fi
done
exit $fails
