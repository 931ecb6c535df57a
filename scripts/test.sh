#!/bin/bash
# SPDX-License-Identifier: MIT
#
# make test: every suite, one after the other, ending with ONE line
#   N passed, N failed
# summed over the suites' own "<suite>: N passed, N failed" lines. Exits
# non-zero when anything failed or a suite did not report. Each step's output
# is also kept in build/test-logs/<step>.out. Emulators run sequentially
# (one per host core is all these machines have).
set -uo pipefail
cd "$(dirname "$0")/.."

build=${BUILD:-build}
logs=$build/test-logs
jobs=$(nproc 2>/dev/null || echo 2)
total_pass=0
total_fail=0
summary=()
build_ok=1

# step NAME SUITE CMD...: run CMD, tee its output to $logs/NAME.out, pick up
# the last "SUITE: N passed, N failed" line it printed.
step() {
	local name=$1 suite=$2 out rc line p f t0 note=
	shift 2
	out=$logs/$name.out
	t0=$SECONDS
	echo "=== $name: $*"
	"$@" </dev/null 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	line=$(grep -E "^$suite: [0-9]+ passed, [0-9]+ failed$" "$out" | tail -1)
	if [ -z "$line" ]; then
		p=0 f=1 note=" (did not report; exit status $rc)"
	else
		p=$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\1/' <<<"$line")
		f=$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\2/' <<<"$line")
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1 note=" (exit status $rc)"
		fi
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	summary+=("$(printf '%-18s %4d passed, %3d failed  %4ds%s' "$suite:" "$p" "$f" \
		$((SECONDS - t0)) "$note")")
	return "$rc"
}

# Build steps report like a suite so a broken build shows in the total.
build_step() {
	local rc=0
	make --no-print-directory -j"$jobs" || rc=$?
	[ $rc -eq 0 ] && { make --no-print-directory iso || rc=$?; }
	[ $rc -eq 0 ] && echo "build: 1 passed, 0 failed" || echo "build: 0 passed, 1 failed"
	return $rc
}

not_run() {
	total_fail=$((total_fail + 1))
	summary+=("$(printf '%-18s not run (%s)' "$1:" "$2")")
}

scripts/setup.sh || { echo "test: scripts/setup.sh failed" >&2; exit 1; }
mkdir -p "$logs"

# The guest: Debian's kernel and busybox, fetched with apt-get download
# (guest/build.sh); the Linux suites need it.
guest_step() {
	if guest/build.sh "$build/guest"; then
		echo "guest: 1 passed, 0 failed"
	else
		echo "guest: 0 passed, 1 failed"
		return 1
	fi
}

step build build build_step || build_ok=0
step guest guest guest_step || guest_ok=0
step unit unit make --no-print-directory -j"$jobs" unit
step fuzz fuzz make --no-print-directory fuzz-smoke
step lint lint make --no-print-directory lint
# make test's suites; make test-full (FULL=1) adds the slow ones. SUITES=
# overrides the list (e.g. SUITES="qemu-linux" make test).
suites="qemu-foundation bochs-foundation qemu-linux qemu-viommu qemu-linux-errors"
suites="$suites qemu-isolation-cpu qemu-isolation-dma qemu-hostile qemu-monitor qemu-soak-short"
suites="$suites bochs-linux"
full_suites="qemu-isolation-cpu-more bochs-linux-more bochs-isolation-cpu bochs-hostile"
[ "${FULL:-0}" = 1 ] && suites="$suites $full_suites"
suites=${SUITES:-$suites}
for suite in $suites; do
	if [ $build_ok -ne 1 ]; then
		not_run "$suite" "build failed"
	elif [[ $suite == *-linux* ]] && [ "${guest_ok:-1}" -ne 1 ]; then
		not_run "$suite" "guest image failed"
	else
		step "$suite" "$suite" python3 tests/integration/bed.py "$suite"
	fi
done

echo "=== summary (logs in $logs/)"
printf '  %s\n' "${summary[@]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
