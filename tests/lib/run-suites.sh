#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs each test suite given as an argument (an executable path, optionally
# with arguments separated by ':'), collects their PASS:/FAIL:/SKIP: lines and
# prints one closing line "tests: N passed, N failed, N skipped".
# A suite that exits non-zero without printing a FAIL line counts as a failure.
set -u
pass=0 fail=0 skip=0
failed_names=()
for suite in "$@"; do
	cmd=${suite//:/ }
	echo "=== suite $cmd"
	log=$(mktemp)
	$cmd 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	p=$(grep -c '^PASS: ' "$log"); f=$(grep -c '^FAIL: ' "$log"); s=$(grep -c '^SKIP: ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $cmd exited $rc"
		f=1
	fi
	while read -r line; do failed_names+=("$line"); done < <(grep '^FAIL: ' "$log")
	[ "$rc" -ne 0 ] && [ "$(grep -c '^FAIL: ' "$log")" -eq 0 ] && failed_names+=("FAIL: $cmd exited $rc")
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	rm -f "$log"
done
echo
for n in "${failed_names[@]+"${failed_names[@]}"}"; do echo "$n"; done
echo "tests: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
