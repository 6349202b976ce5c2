#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end contract of `sealctl log` (docs/ledger.md): exact outputs,
# roots recomputed independently (Python hashlib, RFC 9162 §2.1.1), refusals
# of uninitialised dirs and loose key files, tampered tiles and checkpoints,
# inconsistent --since checkpoints, rewritten journals, torn tails.
set -u
S=${SEALCTL:-sealctl}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fails=$((fails + 1)); }
# expect NAME WANT-RC CMD... : runs CMD, captures stdout/stderr in $out/$err
expect() {
    local name=$1 want=$2
    shift 2
    out=$("$@" 2>"$T/err") ; rc=$?
    err=$(cat "$T/err")
    if [ "$rc" = "$want" ]; then ok "$name"; else bad "$name: rc $rc want $want; $err"; fi
}
has() { case "$2" in *"$3"*) ok "$1" ;; *) bad "$1: '$2' lacks '$3'" ;; esac; }
eq() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got '$2' want '$3'"; fi; }

# Independent RFC 9162 MTH and proofs of stdin lines.
py_root() {
    python3 -c '
import hashlib, sys
def h(b): return hashlib.sha256(b).digest()
def mth(d):
    if not d: return h(b"")
    if len(d) == 1: return h(b"\0" + d[0])
    k = 1
    while k * 2 < len(d): k *= 2
    return h(b"\1" + mth(d[:k]) + mth(d[k:]))
lines = sys.stdin.buffer.read().split(b"\n")[:-1]
n = int(sys.argv[1])
print(mth(lines[:n]).hex())' "$1"
}

expect "log without verb is a usage error" 2 "$S" log
expect "log --help" 0 "$S" log --help
has "help documents inclusion output" "$out" '{"size": N, "index": I, "root": "<hex>", "proof": ["<hex>", ...]}'
expect "unknown verb" 2 "$S" log frobnicate --dir "$T/x"
expect "missing --dir" 2 "$S" log append
expect "bad index" 2 "$S" log inclusion --dir "$T/x" 1x

mkdir -p "$T/plain"
expect "append refuses an uninitialised dir" 1 "$S" log append --dir "$T/plain" </dev/null
has "names the reason" "$err" "not an initialised ledger"
expect "verify refuses an uninitialised dir" 1 "$S" log verify --dir "$T/plain"

expect "init" 0 "$S" log init --dir "$T/a"
has "init prints the verifier key" "$out" "sealed.local/a+"
eq "key file mode" "$(stat -c %a "$T/a/key")" "600"
expect "init twice is refused" 1 "$S" log init --dir "$T/a"
has "names the reason" "$err" "already holds a ledger"
expect "init with origin" 0 "$S" log init --dir "$T/o" --origin example.org/log
has "origin is the key name" "$out" "example.org/log+"

# One empty entry: the RFC 9162 root of the tree over the empty leaf
# (tests/vectors/merkle/roots.json, size 1).
expect "append one empty line" 0 "$S" log append --dir "$T/o" <<<""
eq "size after one" "$out" "1"
expect "inclusion of the empty leaf" 0 "$S" log inclusion --dir "$T/o" 0
eq "exact inclusion JSON" "$out" '{"size": 1, "index": 0, "root": "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "proof": []}'

printf 'alpha\nbravo\ncharlie\ndelta\necho\n' >"$T/lines"
expect "append five" 0 "$S" log append --dir "$T/a" <"$T/lines"
eq "size" "$out" "5"
R5=$(py_root 5 <"$T/lines")
R2=$(py_root 2 <"$T/lines")
L4=$(printf '\0echo' | sha256sum | cut -c1-64)
expect "inclusion 4 (default size)" 0 "$S" log inclusion --dir "$T/a" 4
eq "exact inclusion JSON" "$out" "{\"size\": 5, \"index\": 4, \"root\": \"$R5\", \"proof\": [\"$(py_root 4 <"$T/lines")\"]}"
expect "inclusion 1 in size 2" 0 "$S" log inclusion --dir "$T/a" 1 2
L0=$(printf '\0alpha' | sha256sum | cut -c1-64)
eq "exact inclusion JSON at size 2" "$out" "{\"size\": 2, \"index\": 1, \"root\": \"$R2\", \"proof\": [\"$L0\"]}"
expect "inclusion beyond size" 1 "$S" log inclusion --dir "$T/a" 5
has "names index and size" "$err" "index 5 not in a tree of size 5"
expect "consistency 2 -> 5" 0 "$S" log consistency --dir "$T/a" 2
has "consistency JSON head" "$out" "{\"old_size\": 2, \"old_root\": \"$R2\", \"size\": 5, \"root\": \"$R5\", \"proof\": [\""
expect "consistency 5 -> 5 is empty" 0 "$S" log consistency --dir "$T/a" 5 5
eq "exact" "$out" "{\"old_size\": 5, \"old_root\": \"$R5\", \"size\": 5, \"root\": \"$R5\", \"proof\": []}"
expect "consistency 0 is refused" 1 "$S" log consistency --dir "$T/a" 0
expect "consistency beyond size" 1 "$S" log consistency --dir "$T/a" 2 6

expect "checkpoint" 0 "$S" log checkpoint --dir "$T/a"
B64=$(python3 -c "import base64,sys; print(base64.b64encode(bytes.fromhex('$R5')).decode())")
eq "checkpoint body" "$(printf '%s\n' "$out" | head -4)" "$(printf 'sealed.local/a\n5\n%s\n' "$B64")"
has "signature line" "$(printf '%s\n' "$out" | sed -n 5p)" "— sealed.local/a "
cp "$T/a/checkpoint" "$T/cp5"
expect "verify" 0 "$S" log verify --dir "$T/a"
eq "verify output" "$out" "ok: size 5 root $R5"

# More entries across tile boundaries, then --since.
seq 1 700 >"$T/more"
expect "append 700" 0 "$S" log append --dir "$T/a" <"$T/more"
eq "size" "$out" "705"
expect "checkpoint 705" 0 "$S" log checkpoint --dir "$T/a"
expect "verify --since" 0 "$S" log verify --dir "$T/a" --since "$T/cp5"
has "consistent" "$out" "consistent with size 5"
expect "verify --key FILE" 0 "$S" log verify --dir "$T/a" --key "$T/a/vkey"
expect "verify --key TEXT" 0 "$S" log verify --dir "$T/a" --key "$(cat "$T/a/vkey")"
expect "verify with another log's key" 1 "$S" log verify --dir "$T/a" --key "$T/o/vkey"
has "names the problem" "$err" "no signature by a known key"

# Tampering with published files is detected and named.
cp -r "$T/a" "$T/t1"
# bundle 1 holds "252".."507" as 2-byte length + 3 bytes; byte 12 is in entry 258
printf 'X' | dd of="$T/t1/tile/entries/001" bs=1 seek=12 conv=notrunc 2>/dev/null
expect "tampered entry bundle" 1 "$S" log verify --dir "$T/t1"
has "names the tile" "$err" "tile/0/001: hash 2 does not match entry 258 of its bundle"
cp -r "$T/a" "$T/t1b"
printf '\377' | dd of="$T/t1b/tile/entries/001" bs=1 seek=10 conv=notrunc 2>/dev/null
expect "truncated entry bundle" 1 "$S" log verify --dir "$T/t1b"
has "names the bundle" "$err" "tile/entries bundle 1: truncated at entry 2"
cp -r "$T/a" "$T/t2"
printf 'X' | dd of="$T/t2/tile/1/000.p/2" bs=1 seek=3 conv=notrunc 2>/dev/null
expect "tampered level-1 tile" 1 "$S" log verify --dir "$T/t2"
has "names the tile" "$err" "tile/1/000.p/2: hash 0 does not match"
cp -r "$T/a" "$T/t3"
rm "$T/t3/tile/0/000"
expect "missing tile" 1 "$S" log verify --dir "$T/t3"
has "names the tile" "$err" "tile/0/000: hash tile missing"
cp -r "$T/a" "$T/t4"
sed -i '2s/705/704/' "$T/t4/checkpoint"
expect "checkpoint with a bad signature" 1 "$S" log verify --dir "$T/t4"
has "names it" "$err" "does not verify"

# A fork signed with the same key: --since detects the rewrite, and the
# ledger refuses to sign a checkpoint inconsistent with its last one.
cp -r "$T/a" "$T/fork"
"$S" log init --dir "$T/f2" >/dev/null
cp "$T/a/key" "$T/a/vkey" "$T/f2/"
(printf 'alpha\nBRAVO\n'; seq 1 703) | "$S" log append --dir "$T/f2" >/dev/null
"$S" log checkpoint --dir "$T/f2" >"$T/forked-cp"
expect "--since a forked checkpoint" 1 "$S" log verify --dir "$T/a" --since "$T/forked-cp"
has "names the rewrite" "$err" "is not consistent with the latest"
cp "$T/f2/journal" "$T/fork/journal"
expect "rewritten journal is refused" 1 "$S" log checkpoint --dir "$T/fork"
has "names it" "$err" "log is not consistent with its last signed checkpoint (size 705): refusing to sign"
head -c 200 "$T/f2/journal" >"$T/fork/journal"
expect "shortened journal is refused" 1 "$S" log checkpoint --dir "$T/fork"
has "names it" "$err" "last signed checkpoint has size 705 but the log holds only"

# Loose key permissions are refused.
chmod 640 "$T/o/key"
expect "group-readable key refused" 1 "$S" log append --dir "$T/o" </dev/null
has "names the mode" "$err" "accessible by group or others (mode 640)"
chmod 600 "$T/o/key"

# A torn tail (unacknowledged bytes) is cut on open and recorded.
printf 'E\x10\x00garbage' >>"$T/a/journal"
expect "open after torn tail" 0 "$S" log append --dir "$T/a" </dev/null
eq "size unchanged" "$out" "705"
has "recovery logged" "$(cat "$T/a/recovery.log")" "journal cut from"
expect "verify after recovery" 0 "$S" log verify --dir "$T/a"

# Entries over 65535 bytes are refused with the line number.
python3 -c 'print("x" * 70000)' >"$T/big"
expect "oversized entry" 1 "$S" log append --dir "$T/a" <"$T/big"
has "names line and limit" "$err" "stdin line 1: entry of 70000 bytes exceeds 65535"

echo "failures: $fails"
[ "$fails" = 0 ]
