#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs the pcap libFuzzer target for a bounded time, seeded with the
# differential test's expressions. PASS when it finds no crash.
# usage: run-fuzz.sh FUZZ_BINARY [SECONDS]
bin=${1:?usage: run-fuzz.sh FUZZ_BINARY [SECONDS]}
secs=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/crashes"
i=0
grep -v '^#' "$here/expressions.txt" | grep -v '^$' | while IFS= read -r expr; do
	i=$((i + 1))
	printf '\000%s' "$expr" > "$work/corpus/expr-$i"
done
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$work/crashes/" "$work/corpus" > "$work/log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
if [ "$rc" -eq 0 ] && [ -z "$(ls "$work/crashes")" ]; then
	echo "PASS: pcap fuzz - ${runs:-?} inputs in ${secs}s, no crash"
else
	tail -n 30 "$work/log"
	for f in "$work/crashes"/*; do [ -f "$f" ] && { echo "crash input:"; od -An -tx1 "$f" | head -n 8; }; done
	echo "FAIL: pcap fuzz - expected no crash in ${secs}s, saw exit $rc"
	exit 1
fi
