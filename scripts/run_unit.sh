#!/bin/bash
# Run host unit-test binaries (cmocka, TAP output) and print one summary line
# "unit: N passed, N failed". A binary that crashes (ASan/UBSan abort) or exits
# non-zero without reporting a failure counts as one extra failure.
set -u
passed=0
failed=0
for bin in "$@"; do
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$bin" 2>&1)
	rc=$?
	ok=$(grep -c '^ok ' <<<"$out")
	nok=$(grep -c '^not ok ' <<<"$out")
	if [ "$rc" -ne 0 ] && [ "$nok" -eq 0 ]; then
		nok=1
	fi
	passed=$((passed + ok))
	failed=$((failed + nok))
	if [ "$nok" -ne 0 ]; then
		echo "--- $(basename "$bin"): FAILED (rc=$rc)"
		echo "$out" | tail -40
	else
		echo "  unit $(basename "$bin"): $ok passed"
	fi
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
