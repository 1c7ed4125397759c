#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Installs the Debian packages the benchmark needs (make bench-deps), when
# any is missing: wrk drives the load, nginx is the reference server,
# valgrind counts instructions, the vips command makes the photo of the
# image rows. Not part of the test dependencies.
set -eu
PKGS="wrk nginx valgrind python3 libvips-tools"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "bench-deps: installing$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq $missing
# The package starts a system nginx on port 80; the benchmark runs its own.
if command -v systemctl >/dev/null 2>&1; then
	$SUDO systemctl disable --now nginx >/dev/null 2>&1 || true
fi
