#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Installs the Debian packages Parley builds, runs and tests with, when any
# is missing. Needs root (or sudo) only when something must be installed.
set -eu
PKGS="build-essential pkg-config libmicrohttpd-dev libsqlite3-dev libsodium-dev
libmd4c-dev liboath-dev libqrencode-dev libjansson-dev libcmocka-dev liburiparser-dev python3 sqlite3 libpq-dev postgresql nginx
clang-14 libclang-rt-14-dev valgrind strace python3-feedparser"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq $missing
