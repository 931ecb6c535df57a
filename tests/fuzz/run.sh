#!/bin/bash
# SPDX-License-Identifier: MIT
# Run libFuzzer targets for a bounded time each and print one summary line
# "fuzz: N passed, N failed". Usage: tests/fuzz/run.sh SECONDS TARGET...
# (binaries from `make fuzz-build` in $BUILD/fuzz/fuzz_<target>). A target
# passes if it ran for its time without a crash, leak or timeout; the crash
# input is left in $BUILD/fuzz/artifacts/<target>/.
set -u
secs=$1
shift
build=${BUILD:-build}
logs=$build/test-logs/fuzz
passed=0
failed=0
mkdir -p "$logs"
for t in "$@"; do
	bin=$build/fuzz/fuzz_$t
	work=$build/fuzz/corpus/$t
	art=$build/fuzz/artifacts/$t/
	log=$logs/$t.log
	mkdir -p "$work" "$art"
	case $t in
	insn) opts=(-max_len=32) ;;
	*) opts=(-max_len=40960) ;;
	esac
	# The outer timeout only guards against a hung process.
	timeout -k 10 $((secs + 120)) "$bin" "${opts[@]}" \
		-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$art" \
		"$work" "tests/fuzz/corpus/$t" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
		echo "  fuzz $t: ok, ${execs:-?} runs in ${secs}s, corpus $(ls "$work" | wc -l) (log: $log)"
	else
		failed=$((failed + 1))
		echo "--- fuzz $t: FAILED (rc=$rc, log: $log)"
		grep -E 'ERROR|SUMMARY|fuzz_[a-z_]*: |Test unit written|runtime error' "$log" | head -20
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
