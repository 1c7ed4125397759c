#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Runs each unit-test binary given as an argument under Valgrind memcheck:
# any memory error or a definite or indirect leak fails it. Up to
# VALGRIND_JOBS binaries run at once (default: the number of cores).
# PARLEY_TEST_QUICK=1 asks the tests to shorten their generated-input
# loops, which the libFuzzer targets cover at length anyway; VALGRIND_FLAGS
# adds flags (--track-origins=yes to find where an uninitialised value
# came from, at twice the time). Prints one line per binary and a
# summary; exits non-zero when any failed.
set -u
if [ "${1:-}" = "--one" ]; then
	t="$2"
	log="$t.valgrind.log"
	start=$(date +%s)
	# shellcheck disable=SC2086 # VALGRIND_FLAGS is a list of flags
	if PARLEY_TEST_QUICK=1 valgrind -q --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	    ${VALGRIND_FLAGS:-} "$t" >"$log" 2>&1; then
		echo "valgrind: $(basename "$t"): clean in $(($(date +%s) - start)) s"
		exit 0
	fi
	echo "valgrind: $(basename "$t"): FAILED; see $log"
	grep -E "==[0-9]+== (Invalid|Conditional|Use of|Mismatched|.*definitely|.*indirectly)|FAILED|ERROR" "$log" | head -n 20
	exit 1
fi
command -v valgrind >/dev/null || { echo "valgrind: not installed (make deps)"; exit 1; }
jobs="${VALGRIND_JOBS:-$(nproc 2>/dev/null || echo 1)}"
# The store's tests also run on PostgreSQL when PARLEY_TEST_PG_URL is set;
# each process has its own schema there (tests/unit/pg_schema.h), but
# migrations running at once in one database can still deadlock on the
# server, so those binaries run one after another, the rest side by side.
rc=0
for t in "$@"; do
	case "$(basename "$t")" in test_store*) ;; *) printf '%s\n' "$t" ;; esac
done | xargs -P "$jobs" -I{} sh "$0" --one {} || rc=$?
for t in "$@"; do
	case "$(basename "$t")" in test_store*) sh "$0" --one "$t" || rc=1 ;; esac
done
[ "$rc" -eq 0 ] && echo "valgrind: $# binaries, 0 failed" || echo "valgrind: some binaries failed"
exit "$rc"
