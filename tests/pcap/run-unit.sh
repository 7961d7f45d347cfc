#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs a cmocka binary with TAP output and turns it into the suite's
# PASS:/FAIL: lines. A failure carries the diagnostics printed around it.
# usage: run-unit.sh BINARY
bin=${1:?usage: run-unit.sh BINARY}
out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$bin" 2>&1)
rc=$?
printf '%s\n' "$out" | awk '
	function flush() { if (name != "") print "FAIL: " name " - expected the check to hold, saw: " why; name = "" }
	/^ok [0-9]+ - /     { flush(); sub(/^ok [0-9]+ - /, ""); print "PASS: " $0; notes = ""; next }
	/^not ok [0-9]+ - / { flush(); sub(/^not ok [0-9]+ - /, ""); name = $0; why = notes; notes = ""; next }
	/^# (not )?ok - /   { flush(); next }
	/^1\.\./            { next }
	/^# /               { line = substr($0, 3) }
	!/^# /              { line = $0 }
	line != ""          { if (name != "") why = why (why != "" ? "; " : "") line; else notes = notes (notes != "" ? "; " : "") line }
	END                 { flush() }
'
exit $rc
