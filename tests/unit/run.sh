#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs every unit test binary and turns cmocka's TAP output into PASS:/FAIL: lines.
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-build}
rc=0
for bin in "$OUT"/tests/unit/test_*; do
	[ -x "$bin" ] || continue
	suite=$(basename "$bin")
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$bin" 2>&1)
	status=$?
	echo "$out" | awk -v s="$suite" '
		/^ok [0-9]+ - /     { sub(/^ok [0-9]+ - /, ""); print "PASS: " s "/" $0; next }
		/^not ok [0-9]+ - / { sub(/^not ok [0-9]+ - /, ""); print "FAIL: " s "/" $0; next }
		/^#/                { print }'
	echo "$out" | grep -v '^ok \|^not ok \|^#\|^1\.\.' | head -20
	[ "$status" -eq 0 ] || rc=1
done
exit $rc
