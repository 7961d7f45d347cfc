#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Suite: cri/ and src/pods.c unit tests (cmocka). cmocka's TAP output is
# turned into the project's PASS:/FAIL: lines; a failure carries cmocka's
# own message (file:line and what it expected).
OUT=${OUT:-build}
bin=$OUT/tests/cri/cri-unit
[ -x "$bin" ] || { echo "FAIL: cri unit tests - $bin is not built"; exit 1; }
CMOCKA_MESSAGE_OUTPUT=TAP "$bin" 2>&1 | awk '
	/^ok [0-9]+ - /     { sub(/^ok [0-9]+ - /, ""); print "PASS: " $0; next }
	/^not ok [0-9]+ - / { sub(/^not ok [0-9]+ - /, ""); name = $0; pending = 1; diag = ""; next }
	pending && /^[ \t]*#/ { line = $0; sub(/^[ \t]*# ?/, "", line); diag = diag (diag ? "; " : "") line; next }
	pending             { print "FAIL: " name " - " (diag ? diag : "see cmocka output"); pending = 0 }
	                    { print "# " $0 }
	END { if (pending) print "FAIL: " name " - " (diag ? diag : "see cmocka output") }'
exit "${PIPESTATUS[0]}"
