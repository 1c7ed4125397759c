#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Runs each cmocka unit-test binary given as an argument and prints one
# summary line; exits non-zero when any binary fails.
fail=0
for t in "$@"; do
	"$t" || fail=$((fail + 1))
done
echo "unit: $# binaries, $fail failed"
[ "$fail" -eq 0 ]
