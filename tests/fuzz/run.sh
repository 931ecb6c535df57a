#!/bin/bash
# SPDX-License-Identifier: MIT
# Run libFuzzer targets and print one summary line "fuzz: N passed, N failed".
# Usage: tests/fuzz/run.sh SECONDS TARGET...   each target for SECONDS
#        FUZZ_RUNS=N tests/fuzz/run.sh 0 TARGET...   each for N executions
# (binaries from `make fuzz-build` in $BUILD/fuzz/fuzz_<target>). First every
# input in tests/fuzz/regressions/<target>/ (crashes found earlier) is run
# once and must pass; then the target fuzzes over its seeds. A target passes
# if neither crashed, leaked nor timed out; a new crash input is left in
# $BUILD/fuzz/artifacts/<target>/ (copy it to regressions/<target>/ once
# fixed). FUZZ_TIMEOUT (seconds, default 86400) bounds a FUZZ_RUNS run.
set -u
secs=$1
shift
build=${BUILD:-build}
runs=${FUZZ_RUNS:-}
logs=$build/test-logs/fuzz
here=$(dirname "$0")
passed=0
failed=0
total_execs=0
t_all=$(date +%s)
mkdir -p "$logs"
for t in "$@"; do
	bin=$build/fuzz/fuzz_$t
	work=$build/fuzz/corpus/$t
	art=$build/fuzz/artifacts/$t/
	log=$logs/$t.log
	reg=$here/regressions/$t
	mkdir -p "$work" "$art"
	case $t in
	insn) opts=(-max_len=32) ;;
	viommu_regs) opts=(-max_len=1024) ;;
	*) opts=(-max_len=40960) ;;
	esac
	# Regressions: each input once (libFuzzer runs files given as arguments).
	nreg=0
	if [ -d "$reg" ]; then
		mapfile -t regs < <(find "$reg" -type f ! -name 'README*' | sort)
		nreg=${#regs[@]}
		if [ "$nreg" -gt 0 ] && ! timeout -k 10 300 "$bin" "${opts[@]}" -timeout=10 \
			-rss_limit_mb=2048 "${regs[@]}" >"$logs/$t.regressions.log" 2>&1; then
			failed=$((failed + 1))
			echo "--- fuzz $t: a regression input FAILED (log: $logs/$t.regressions.log)"
			grep -E 'ERROR|SUMMARY|fuzz_[a-z_]*: |runtime error|Running:' \
				"$logs/$t.regressions.log" | tail -20
			continue
		fi
	fi
	if [ -n "$runs" ]; then
		limit=(-runs="$runs")
		guard=${FUZZ_TIMEOUT:-86400}
	else
		limit=(-max_total_time="$secs")
		guard=$((secs + 120)) # only guards against a hung process
	fi
	t0=$(date +%s)
	timeout -k 10 "$guard" "$bin" "${opts[@]}" "${limit[@]}" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$art" \
		"$work" "$here/corpus/$t" >"$log" 2>&1
	rc=$?
	dt=$(($(date +%s) - t0))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	total_execs=$((total_execs + ${execs:-0}))
	if [ "$rc" -eq 0 ] && { [ -z "$runs" ] || [ "${execs:-0}" -ge "$runs" ]; }; then
		passed=$((passed + 1))
		echo "  fuzz $t: ok, ${execs:-?} runs in ${dt}s (${rate:-?}/s), $nreg regressions," \
			"corpus $(find "$work" -type f | wc -l) (log: $log)"
	else
		failed=$((failed + 1))
		echo "--- fuzz $t: FAILED (rc=$rc, ${execs:-?} runs in ${dt}s, log: $log)"
		grep -E 'ERROR|SUMMARY|fuzz_[a-z_]*: |Test unit written|runtime error' "$log" | head -20
	fi
done
echo "fuzz: total $total_execs executions in $(($(date +%s) - t_all))s"
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
