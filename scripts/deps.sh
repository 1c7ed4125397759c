#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Installs the Debian packages Parley builds, runs and tests with, when any
# is missing, then the browser suite's npm packages (tests/browser, from
# its package-lock.json) when they are missing. Needs root (or sudo) only
# when something must be installed. Chromium is Debian's package: the
# suite never downloads a browser build.
set -eu
PKGS="build-essential pkg-config libmicrohttpd-dev libsqlite3-dev libsodium-dev
libmd4c-dev liboath-dev libqrencode-dev libcmocka-dev liburiparser-dev python3 sqlite3
libpq-dev postgresql nginx clang-14 libclang-rt-14-dev valgrind strace
python3-feedparser libcurl4-openssl-dev libjansson-dev python3-nacl chromium w3m"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
# Node.js may come from elsewhere than Debian (NodeSource ships npm inside
# its nodejs): only ask for the packages when the commands are missing.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq $missing
fi
cd "$(dirname "$0")/../tests/browser"
if [ ! -d node_modules ]; then
	echo "deps: npm ci in tests/browser"
	npm ci --no-audit --no-fund
fi
