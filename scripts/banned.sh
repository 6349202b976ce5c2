#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fails when banned functions or forbidden includes appear in the sources:
# unbounded string functions anywhere; sqlite3.h/libpq-fe.h outside src/store;
# sodium.h/openssl outside src/core/crypto*.
set -eu
cd "$(dirname "$0")/.."
fail=0
hits=$(grep -rnE '\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol)\s*\(' src include || true)
if [ -n "$hits" ]; then echo "banned function:"; echo "$hits"; fail=1; fi
hits=$(grep -rlE '#include\s*[<"](sqlite3|libpq-fe)\.h' src include | grep -v '^src/store/' || true)
if [ -n "$hits" ]; then echo "SQL outside src/store:"; echo "$hits"; fail=1; fi
hits=$(grep -rlE '#include\s*[<"](sodium\.h|openssl/)' src include | grep -vE '^src/core/crypto' || true)
if [ -n "$hits" ]; then echo "crypto library outside src/core/crypto*:"; echo "$hits"; fail=1; fi
exit $fail
