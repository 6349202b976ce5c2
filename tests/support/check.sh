# SPDX-License-Identifier: Apache-2.0
# Shared assertion helpers for the integration tests tests/*.sh, sourced as
#   . "$(dirname "$0")/support/check.sh"
# after the test has set T (rc writes "$T/out" and "$T/err").
fails=0
pass=0
check() { # name expected actual
    if [ "$2" == "$3" ]; then pass=$((pass + 1)); else
        fails=$((fails + 1)); printf 'FAIL %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3"; fi
}
rc() { local r=0; "$@" >"$T/out" 2>"$T/err" || r=$?; echo $r; }
has() { # name needle file
    if grep -q -- "$2" "$3"; then pass=$((pass + 1)); else
        fails=$((fails + 1)); printf 'FAIL %s: no "%s" in:\n' "$1" "$2"; cat "$3"; fi
}
# A needle seen only inside a long run of hex or base64 (a hash, key or
# signature, where any short string turns up by chance) is not a finding.
hasnt() { # name needle file-or-dir
    if find "$3" -type f -exec cat {} + 2>/dev/null |
        sed -E 's/[A-Za-z0-9+\/=_-]{32,}/~/g' | grep -q -- "$2"; then
        fails=$((fails + 1)); printf 'FAIL %s: "%s" found\n' "$1" "$2"
    else pass=$((pass + 1)); fi
}
