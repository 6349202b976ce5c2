#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs what sealed needs to build and test on Debian 12, and nothing that is
# already there. Libraries are checked with pkg-config, tools with command -v.
# Without root it prints the exact apt-get line and stops.
# usage: deps.sh [bench]   (bench adds what only the benchmarks' peers need)
set -eu

pkgs=""
need_lib() { # pkg-config-name debian-package
    pkg-config --exists "$1" 2>/dev/null || pkgs="$pkgs $2"
}
need_tool() { # command debian-package
    command -v "$1" >/dev/null 2>&1 || pkgs="$pkgs $2"
}
need_file() { # path debian-package
    [ -e "$1" ] || pkgs="$pkgs $2"
}

need_tool pkg-config pkg-config
need_tool cmake cmake
need_tool gcc gcc
need_tool make make
need_tool clang clang
need_tool clang-format-14 clang-format-14
need_tool sqlite3 sqlite3
need_file /usr/bin/time time
need_tool go golang-go
need_tool python3 python3
# peers of the benches only (`make bench` passes "bench")
if [ "${1:-}" = bench ]; then
    need_tool wrk wrk
fi
need_lib libsodium libsodium-dev
need_lib libcrypto libssl-dev
need_lib sqlite3 libsqlite3-dev
need_lib jansson libjansson-dev
need_lib cmocka libcmocka-dev
need_lib libmicrohttpd libmicrohttpd-dev
need_lib libpq libpq-dev
need_file /usr/include/nats/nats.h libnats-dev
# the cover matcher's NATS JetStream tests (tests/cover_nats.sh)
need_tool nats-server nats-server
need_file /usr/share/gocode/src/golang.org/x/mod/sumdb/tlog/tlog.go golang-golang-x-mod-dev
# clang's sanitizer runtimes and libFuzzer
need_file /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a libclang-rt-14-dev
# the daemon's end-to-end tests (tests/server_*.sh)
need_tool curl curl
# the console's browser test (tests/console.sh): Debian's Chromium driven by
# npm playwright-core; node and npm also run the benches' peers
need_tool node nodejs
need_tool npm npm
need_file /usr/bin/chromium chromium

[ -z "$pkgs" ] && exit 0

line="apt-get install -y --no-install-recommends$pkgs"
if [ "$(id -u)" != 0 ]; then
    echo "sealed: missing packages; as root run:" >&2
    echo "  apt-get update && $line" >&2
    exit 1
fi
echo "sealed: installing$pkgs" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
