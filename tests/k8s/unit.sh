#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Suite: kubectl-pwru's unit tests (cmocka, tests/k8s/plugin_unit.c), with
# cmocka's TAP lines rewritten as PASS:/FAIL: lines.
OUT=${OUT:-build}
bin=$OUT/tests/k8s/plugin-unit
[ -x "$bin" ] || { echo "FAIL: kubectl-pwru unit tests - expected $bin built"; exit 1; }
CMOCKA_MESSAGE_OUTPUT=TAP "$bin" 2>&1 | awk '
	/^ok [0-9]+ - /     { sub(/^ok [0-9]+ - /, ""); print "PASS: " $0; next }
	/^not ok [0-9]+ - / { sub(/^not ok [0-9]+ - /, ""); failed = $0; why = ""; next }
	failed != "" && /^[ \t]*#/ { l = $0; sub(/^[ \t]*# ?/, "", l); why = why (why ? "; " : "") l; next }
	failed != ""        { print "FAIL: " failed " - " (why ? why : "see cmocka output"); failed = "" }
	                    { print "# " $0 }
	END { if (failed != "") print "FAIL: " failed " - " (why ? why : "see cmocka output") }'
exit "${PIPESTATUS[0]}"
