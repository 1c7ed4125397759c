#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Runs libFuzzer targets: `fuzz.sh SECONDS BIN...` first replays each
# target's seed corpus (tests/fuzz/corpus/NAME, every input once), then
# fuzzes it for SECONDS with the seeds plus a work corpus in
# build-fuzz/corpus/NAME (new inputs go there, never into the repository).
# Crashes land in build-fuzz/crashes/NAME/. Up to FUZZ_JOBS targets run at
# once (default: the number of cores). Prints one line per target and
# exits non-zero when any target failed.
set -u
if [ "${1:-}" = "--one" ]; then
	secs="$2"
	bin="$3"
	name=$(basename "$bin")
	seeds="tests/fuzz/corpus/$name"
	work="build-fuzz/corpus/$name"
	crashes="build-fuzz/crashes/$name"
	log="build-fuzz/log/$name.log"
	mkdir -p "$seeds" "$work" "$crashes" build-fuzz/log
	dict=""
	[ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
	# Replay: every seed once, as the regression test of past crashes.
	nseeds=$(find "$seeds" -type f | wc -l)
	if [ "$nseeds" -gt 0 ]; then
		if ! find "$seeds" -type f -print0 |
		    xargs -0 "$bin" -runs=1 >"$log" 2>&1; then
			echo "fuzz: $name: FAILED replaying the seed corpus; see $log"
			tail -n 30 "$log"
			exit 1
		fi
	fi
	start=$(date +%s)
	# shellcheck disable=SC2086 # $dict is empty or one word
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$crashes/" $dict \
	    "$work" "$seeds" >>"$log" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ "$rc" -ne 0 ]; then
		echo "fuzz: $name: FAILED after ${runs:-?} runs in $took s; input saved in $crashes/, log in $log"
		grep -E "ERROR|check failed|SUMMARY|Test unit written" "$log" | head -n 10
		exit 1
	fi
	echo "fuzz: $name: $nseeds seeds replayed, ${runs:-?} runs in $took s, 0 crashes"
	exit 0
fi

secs="$1"
shift
jobs="${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}"
for bin in "$@"; do
	printf '%s\n' "$bin"
done | xargs -P "$jobs" -I{} sh "$0" --one "$secs" {}
rc=$?
[ "$rc" -eq 0 ] && echo "fuzz: $# targets, 0 failed" || echo "fuzz: some targets failed"
exit "$rc"
