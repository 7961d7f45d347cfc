#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs the expression compiler's libFuzzer target for a bounded time, seeded
# with the differential test's expressions. PASS when it finds no crash.
# usage: run-fuzz.sh FUZZ_BINARY [SECONDS]
bin=${1:?usage: run-fuzz.sh FUZZ_BINARY [SECONDS]}
secs=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/crashes"
i=0
# The X("text", ...) lines of the differential test's table.
sed -n 's/^[[:space:]]*X("\([^"]*\)".*/\1/p' "$here/expr_eval.c" | while IFS= read -r expr; do
	i=$((i + 1))
	case "$expr" in xdp*) root='\001' ;; *) root='\000' ;; esac
	printf "$root%s" "$expr" > "$work/corpus/expr-$i"
done
seeds=$(ls "$work/corpus" | wc -l)
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-max_len=512 -artifact_prefix="$work/crashes/" "$work/corpus" > "$work/log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
if [ "$rc" -eq 0 ] && [ -z "$(ls "$work/crashes")" ] && [ "$seeds" -gt 10 ]; then
	echo "PASS: expr fuzz - ${runs:-?} inputs in ${secs}s from $seeds seeds, no crash"
else
	tail -n 30 "$work/log"
	for f in "$work/crashes"/*; do [ -f "$f" ] && { echo "crash input:"; od -An -c "$f" | head -n 8; }; done
	echo "FAIL: expr fuzz - expected no crash in ${secs}s from >10 seeds, saw exit $rc ($seeds seeds)"
	exit 1
fi
