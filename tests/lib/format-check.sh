#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The house layout (.clang-format) holds in every C file git tracks, and every
# source file starts with an SPDX line. One PASS/FAIL line per rule.
set -u
cd "$(dirname "$0")/../.."
files=$(git ls-files '*.c' '*.h')
drift=$(for f in $files; do clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || echo "$f"; done)
if [ -z "$drift" ]; then
	echo "PASS: format: every C file follows .clang-format"
else
	echo "FAIL: format: these files drift from .clang-format (run 'make format'):" $drift
fi
nospdx=$(for f in $files $(git ls-files '*.sh' '*.mk' '*.py' 'Makefile'); do
	head -3 "$f" | grep -q 'SPDX-License-Identifier' || echo "$f"
done)
if [ -z "$nospdx" ]; then
	echo "PASS: spdx: every source file carries an SPDX line"
else
	echo "FAIL: spdx: no SPDX line in:" $nospdx
fi
