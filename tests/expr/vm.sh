#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Expressions in qemu guests (Debian 6.1 and 6.12 kernels) with the function
# backends this host cannot run: tests/expr/vm-scenario.sh under kprobe,
# kprobe-multi (6.12) and fentry (with the XDP program part).
# Env: VMTEST_KERNELS (default "6.1 6.12"), PWRU_STATIC as for tests/vm/suite.
set -u
cd "$(dirname "$0")/../.." || exit 1
OUT=${OUT:-build}
if [ ! -x tests/vm/run ] || [ ! -f "$OUT/vm/xdp_pass.bpf.o" ]; then
	echo "SKIP: expr vm - needs tests/vm/run and $OUT/vm/xdp_pass.bpf.o (make vmtest builds it)"
	exit 0
fi
. tests/vm/pwru-for-guests.sh "$OUT"
failed=0
for k in ${VMTEST_KERNELS:-6.1 6.12}; do
	backends="kprobe fentry"
	[ "$k" = 6.1 ] || backends="kprobe-multi fentry"
	for b in $backends; do
		log=$(mktemp)
		timeout 900 tests/vm/run -e BACKEND=$b "$k" tests/expr/vm-scenario.sh \
			tests/vm/scenarios/scenario-lib.sh "$OUT/vm/xdp_pass.bpf.o" >"$log" 2>&1
		rc=$?
		counts=$(sed -n 's/^counts //p' "$log" | tr '\n' ' ')
		if [ $rc -eq 0 ]; then
			echo "PASS: expr vm kernel=$k backend=$b - $counts"
		else
			echo "FAIL: expr vm kernel=$k backend=$b - expected every check to pass, saw exit $rc: $(grep 'CHECK fail' "$log" | head -2 | tr '\n' ' ')$counts"
			failed=1
		fi
		rm -f "$log"
	done
done
exit $failed
